// The Assignment 4 report: made for the lecture network (which fails: no rate rises, and the
// report says why) and for a passing one; its tables are render()'s text (and `nntutor table`'s)
// for the same session and rate; the description is checked and escaped for LaTeX; the CLI's
// --report with its exit codes and messages.
#include "nntutor/report.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "test_helpers.hpp"

namespace {

using nntutor::Format;
using nntutor::Report;
using nntutor::ReportFormat;
using nntutor::Session;
using json = nlohmann::json;

const std::string kLecturePath = nntutor_test::source_path("examples/lecture.json");
const std::string kPassPath = nntutor_test::source_path("examples/assignment-pass.json");

Session load(const std::string& path) { return nntutor::parse_session(nntutor_test::read_text(path)); }

/// The session as `nntutor table` would be given it for one of the report's tables.
Session at_rate(Session s, double eta) {
  s.optimizer.learning_rate = eta;
  s.steps = 10;
  return s;
}

/// render() of the whole 10-step table at `eta`: the text the report must hold.
std::string table_at(const Session& s, double eta, Format format, int precision = 4) {
  const Session t = at_rate(s, eta);
  return nntutor::render(t, nntutor::run(t), format, precision);
}

std::string md_of(const Report& r) { return nntutor::report_markdown(r); }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

/// A description a student might paste that would break a LaTeX document if not escaped.
const std::string kHostile =
    "My net \\end{document} costs $5 & 10% of #1 ^_^ ~{x}\n\\input{/etc/passwd} <b>|\"--\"";

TEST(Report, LectureNetworkFailsYetTheReportIsWrittenAndSaysWhyNoRateRises) {
  const Session s = load(kLecturePath);
  const Report r = nntutor::make_report(s, "Two sigmoid neurons in a row.");
  EXPECT_FALSE(r.check.passed);
  ASSERT_TRUE(r.at_rate.learning_rate);
  EXPECT_DOUBLE_EQ(*r.at_rate.learning_rate, 0.1);
  EXPECT_EQ(r.at_rate.trace.steps.size(), 10u);
  EXPECT_FALSE(r.rising.learning_rate);
  EXPECT_EQ(r.rising.note, r.check.requirements[3].evidence);
  EXPECT_NE(r.rising.note.find("the target y = 1 lies on its bound"), std::string::npos) << r.rising.note;
  EXPECT_EQ(r.structure, "1 input → 1 sigmoid → 1 sigmoid (output)");
  EXPECT_TRUE(r.table_note.empty());
  EXPECT_TRUE(r.equations_note.empty());
  ASSERT_EQ(r.equations.size(), 4u);  // the lecture's four equations, at step 1
  EXPECT_EQ(r.equations[0].name, "dL/dw1");

  const std::string md = nntutor::report_markdown(r);
  EXPECT_EQ(md.rfind("# Assignment 4 report\n\n## 1. Description of the network\n\nTwo sigmoid neurons in a row.\n", 0), 0u) << md;
  EXPECT_EQ(count(md, table_at(s, 0.1, Format::kMarkdown)), 1u) << md;
  EXPECT_NE(md.find("### No learning rate above 0.1 makes the loss rise\n\n" + r.check.requirements[3].evidence + "\n"),
            std::string::npos) << md;
  EXPECT_NE(md.find("1. **FAIL** At least 5 neurons. The network has 2 neurons"), std::string::npos) << md;
  EXPECT_NE(md.find("2 of 4 requirements of Assignment 4 fail: neurons, rises."), std::string::npos);
  const std::string equations = nntutor::equations_latex(s, r.equations, 4);
  EXPECT_NE(md.find("$$\n" + equations + "$$\n"), std::string::npos) << md;
  EXPECT_NE(equations.find("\\frac{\\partial L}{\\partial w_{1}} &= (y_{2} - y) \\cdot (1 - y_{2})y_{2} \\cdot w_{2} \\cdot (1 - y_{1})y_{1} \\cdot x"),
            std::string::npos) << equations;

  const std::string tex = nntutor::report_latex(r);
  EXPECT_EQ(count(tex, table_at(s, 0.1, Format::kLatex)), 1u);
  EXPECT_NE(tex.find("\\begin{align*}"), std::string::npos);
  EXPECT_EQ(count(tex, "\\begin{tabular}"), 1u) << "no second table when no rate rises";
}

TEST(Report, PassingNetworkHasBothTablesAtTheSweepsFirstRisingRate) {
  const Session s = load(kPassPath);
  const Report r = nntutor::make_report(s, "");
  EXPECT_TRUE(r.check.passed);
  ASSERT_TRUE(r.rising.learning_rate);
  EXPECT_DOUBLE_EQ(*r.rising.learning_rate, 10);  // the sweep 0.2, 0.5, 1, 2, 5, 10
  EXPECT_EQ(r.rising.note,
            "The first rate of the sweep (0.2, 0.5, 1, 2, 5, 10) at which the loss rises within 10 steps: at "
            "η = 10 the loss first rises at step 8 (0.00684278 → 0.00703803). Bisection puts the smallest "
            "rising rate at η ≈ 9.583 (at η ≈ 9.576 the loss does not rise).");
  EXPECT_EQ(r.structure, "2 inputs → 4 relu → 1 sigmoid (output)");
  // One path from every parameter to the loss (the output is one unit): 17 chains, no δ.
  EXPECT_EQ(r.equations.size(), 17u);

  const std::string md = nntutor::report_markdown(r);
  EXPECT_NE(md.find("*(No description given.)*"), std::string::npos);
  EXPECT_EQ(count(md, table_at(s, 0.1, Format::kMarkdown)), 1u);
  EXPECT_EQ(count(md, "### Learning rate η = 10\n\n" + r.rising.note + "\n\n" + table_at(s, 10, Format::kMarkdown)), 1u) << md;
  EXPECT_NE(md.find("1. **PASS** At least 5 neurons."), std::string::npos);
  EXPECT_NE(md.find("![Graph of the network](network.svg)"), std::string::npos);

  const std::string tex = nntutor::report_latex(r);
  EXPECT_EQ(count(tex, table_at(s, 0.1, Format::kLatex)), 1u);
  EXPECT_EQ(count(tex, table_at(s, 10, Format::kLatex)), 1u);
  EXPECT_NE(tex.find("\\subsubsection*{Learning rate \\ensuremath{\\eta} = 10}"), std::string::npos) << tex;
  EXPECT_NE(tex.find("% This table has 66 columns and runs past the right margin"), std::string::npos);
}

TEST(Report, TablesAreWhatTheTableCommandPrints) {
  // `nntutor table` on the session with the rate set, 10 steps: the same text in the report.
  const Session s = load(kPassPath);
  const std::string md = nntutor::assignment_report(s, "", ReportFormat::kMarkdown);
  const std::string tex = nntutor::assignment_report(s, "", ReportFormat::kLatex, 6);
  for (const std::string rate : {"0.1", "10"}) {
    std::string text = nntutor_test::read_text(kPassPath);
    const std::string from = "\"learning_rate\": 0.1";
    ASSERT_NE(text.find(from), std::string::npos);
    text.replace(text.find(from), from.size(), "\"learning_rate\": " + rate);
    const std::string path = nntutor_test::write_temp("rate.json", text);
    const auto markdown = nntutor_test::cli("table '" + path + "' --steps 10 --format markdown");
    ASSERT_EQ(markdown.status, 0) << markdown.err;
    EXPECT_EQ(count(md, markdown.out), 1u) << rate;
    const auto latex = nntutor_test::cli("table '" + path + "' --steps 10 --format latex --precision 6");
    EXPECT_EQ(count(tex, latex.out), 1u) << rate;
    std::remove(path.c_str());
  }
}

TEST(Report, DescriptionIsCheckedAndNormalised) {
  EXPECT_EQ(nntutor::check_description("a\r\nb\rc\td"), "a\nb\nc\td");
  EXPECT_EQ(nntutor::check_description(std::string(5000, 'x')).size(), 5000u);
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "é";  // 5000 characters, 10000 bytes
  EXPECT_EQ(nntutor::check_description(many), many);
  EXPECT_SESSION_ERROR(nntutor::check_description(many + "é"), "description: at most 5000 characters, got 5001");
  EXPECT_SESSION_ERROR(nntutor::check_description("ab\xff"), "description: not UTF-8 text (byte 3)");
  EXPECT_SESSION_ERROR(nntutor::check_description("\xc3"), "description: not UTF-8 text (byte 1)");
  EXPECT_SESSION_ERROR(nntutor::check_description("\xed\xa0\x80"), "description: not UTF-8 text (byte 1)");  // a surrogate
  EXPECT_SESSION_ERROR(nntutor::check_description("\xc0\xaf"), "description: not UTF-8 text (byte 1)");  // overlong
  EXPECT_SESSION_ERROR(nntutor::check_description("ok\x07", "notes.txt"),
                       "notes.txt: character 3 is a control character (U+0007); only tabs and line breaks may be used");
  EXPECT_SESSION_ERROR(nntutor::make_report(load(kLecturePath), std::string(5001, 'x')),
                       "description: at most 5000 characters, got 5001");
  EXPECT_SESSION_ERROR(nntutor::make_report(load(kLecturePath), "", 18),
                       "precision: expected a whole number from 0 to 17, got 18");
  EXPECT_SESSION_ERROR(nntutor::parse_report_format("pdf"), "--report: expected markdown, latex or json, got \"pdf\"");
}

TEST(Report, LatexEscapesEverySpecialCharacter) {
  EXPECT_EQ(nntutor::latex_text(kHostile),
            "My net \\textbackslash{}end\\{document\\} costs \\$5 \\& 10\\% of \\#1 \\textasciicircum{}\\_\\textasciicircum{} "
            "\\textasciitilde{}\\{x\\}\\newline\n"
            "\\textbackslash{}input\\{/etc/passwd\\} \\textless{}b\\textgreater{}\\textbar{}''-{}-''");
  EXPECT_EQ(nntutor::latex_text("η ≥ 0.1 → ŷ − y, naïve Straße, ½x², 日"),
            "\\ensuremath{\\eta} \\ensuremath{\\geq} 0.1 \\ensuremath{\\rightarrow} \\ensuremath{\\hat{y}} "
            "\\ensuremath{-} y, na\\\"{\\i}ve Stra\\ss{}e, \\ensuremath{\\tfrac{1}{2}}x\\ensuremath{^{2}}, [U+65E5]");
  // Paragraphs stay paragraphs; a line break inside one is \newline (a line may start with "[").
  EXPECT_EQ(nntutor::latex_text("  first\nline \n\n\n[1] second\n"), "first\\newline\nline\n\n[1] second");
  EXPECT_EQ(nntutor::latex_text("use `leaky_relu` here, a ` alone"),
            "use \\texttt{leaky\\_relu} here, a ` alone");
  EXPECT_EQ(nntutor::latex_text(" \n\t\n"), "");
}

TEST(Report, HostileDescriptionIsEscapedInLatexAndItsHtmlInertInMarkdown) {
  const Report r = nntutor::make_report(load(kLecturePath), kHostile);
  const std::string tex = nntutor::report_latex(r);
  EXPECT_EQ(count(tex, "\\end{document}"), 1u);
  EXPECT_EQ(tex.substr(tex.size() - 15), "\\end{document}\n");
  EXPECT_NE(tex.find(nntutor::latex_text(kHostile)), std::string::npos);
  EXPECT_EQ(count(tex, "\\input"), 0u);
  const std::string md = nntutor::report_markdown(r);
  // Markdown runs HTML: the tag is shown as text (issue 10), the rest is kept as written.
  EXPECT_NE(md.find("\n\nMy net \\end{document} costs $5 & 10% of #1 ^_^ ~{x}\n\\input{/etc/passwd} &lt;b>|\"--\""
                    "\n\n### The network"),
            std::string::npos)
      << md;
  const json j = json::parse(nntutor::report_json(r));
  EXPECT_EQ(j["description"], kHostile);
}

TEST(Report, MarkdownShowsTheDescriptionsHtmlAsText) {
  // Issue 10: a Markdown viewer runs HTML, so the description's tags must arrive as text.
  EXPECT_EQ(nntutor::markdown_text("<img src=x onerror=alert(1)> <script>alert(2)</script>"),
            "&lt;img src=x onerror=alert(1)> &lt;script>alert(2)&lt;/script>");
  // A character reference would turn into the character: its ampersand is escaped; any other
  // & (and Markdown's own syntax) is kept as written.
  EXPECT_EQ(nntutor::markdown_text("&lt;b&gt; &#60;i&#x3C; &amp; $5 & 10% *ok* `code` &;"),
            "&amp;lt;b&amp;gt; &amp;#60;i&amp;#x3C; &amp;amp; $5 & 10% *ok* `code` &;");
  EXPECT_EQ(nntutor::markdown_text("plain text\n\n- a list"), "plain text\n\n- a list");
  const Report r = nntutor::make_report(load(kLecturePath), "Mine <img src=x onerror=alert(1)>\n<script>x()</script>");
  const std::string md = nntutor::report_markdown(r);
  EXPECT_EQ(md.find("<img"), std::string::npos) << md;
  EXPECT_EQ(md.find("<script"), std::string::npos) << md;
  EXPECT_NE(md.find("Mine &lt;img src=x onerror=alert(1)>\n&lt;script>x()&lt;/script>"), std::string::npos) << md;
}

TEST(Report, JsonHasTheFourPartsForThePage) {
  const Session s = load(kPassPath);
  const Report r = nntutor::make_report(s, "A 2-4-1 regression net.");
  const json j = json::parse(nntutor::report_json(r));
  EXPECT_EQ(j["title"], "Assignment 4 report");
  EXPECT_EQ(j["description"], "A 2-4-1 regression net.");
  EXPECT_EQ(j["precision"], 4);
  EXPECT_EQ(j["network"]["structure"], "2 inputs → 4 relu → 1 sigmoid (output)");
  EXPECT_EQ(j["network"]["neurons"], 5);
  EXPECT_EQ(j["network"]["parameters"], 17);
  EXPECT_EQ(j["network"]["samples"], 3);
  EXPECT_EQ(j["network"]["facts"].size(), r.facts.size());
  EXPECT_EQ(j["assignment"], json::parse(nntutor::assignment_json(r.check)));
  EXPECT_EQ(j["equations"]["step"], 1);
  // Each sample's product on its own line (equations_latex writes them on one).
  const std::string latex = j["equations"]["latex"];
  EXPECT_EQ(latex.rfind("\\begin{align*}\n\\frac{\\partial L}{\\partial w_{1}[1,1]} &= \\frac{1}{S}\\sum_{s=1}^{S} ", 0), 0u) << latex;
  EXPECT_EQ(count(latex, " &= \\frac{1}{3}\\Big["), 17u);
  EXPECT_EQ(count(latex, " &\\qquad + "), 2u * 17u);
  EXPECT_EQ(count(latex, "\\Big] \\\\\n"), 17u);
  EXPECT_NE(md_of(r).find("$$\n" + latex + "$$\n"), std::string::npos);
  EXPECT_EQ(j["equations"]["equations"].size(), 17u);
  const json& runs = j["tables"]["runs"];
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["learning_rate"], 0.1);
  EXPECT_EQ(runs[0]["title"], "η = 0.1");
  EXPECT_EQ(runs[1]["learning_rate"], 10);
  EXPECT_EQ(runs[1]["note"], r.rising.note);
  // The rows are the table's numbers: the same as run() gives for that rate.
  const Session t = at_rate(s, 10);
  const json whole = json::parse(nntutor::run_result_json(t, nntutor::run(t)));
  EXPECT_EQ(runs[1]["table"], whole["table"]);
  EXPECT_TRUE(runs[1]["diverged"].is_null());

  const json lecture = json::parse(nntutor::assignment_report(load(kLecturePath), "", ReportFormat::kJson));
  EXPECT_TRUE(lecture["tables"]["runs"][1]["learning_rate"].is_null());
  EXPECT_TRUE(lecture["tables"]["runs"][1]["table"].is_null());
  EXPECT_EQ(lecture["tables"]["runs"][1]["title"], "No learning rate above 0.1 makes the loss rise");
}

TEST(Report, LargeNetworkKeepsThePagesLimitsAndSaysSo) {
  // The page's largest network: 8 layers × 32 units, 32 inputs, 4 samples (weights from a seed).
  std::string layers;
  for (int l = 0; l < 8; ++l) layers += std::string(l ? ", " : "") + R"({"units": 32, "activation": "relu"})";
  std::string inputs, targets;
  for (int s = 0; s < 4; ++s) {
    inputs += std::string(s ? ", " : "") + "[";
    for (int i = 0; i < 32; ++i) inputs += std::string(i ? ", " : "") + std::to_string(0.01 * (i + s));
    inputs += "]";
    targets += std::string(s ? ", " : "") + "[";
    for (int k = 0; k < 32; ++k) targets += std::string(k ? ", " : "") + "0.5";
    targets += "]";
  }
  const Session s = nntutor::parse_session(R"({"inputs": [)" + inputs + R"(], "targets": [)" + targets +
                                           R"(], "layers": [)" + layers + R"(], "seed": 7})");
  const auto start = std::chrono::steady_clock::now();
  const Report r = nntutor::make_report(s, "big");
  const std::string md = nntutor::report_markdown(r);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ timing   ] report of 8 × 32 units, 4 samples: " << ms << " ms, " << md.size() << " bytes\n";
  EXPECT_EQ(r.table_view.layers, std::vector<int>{8});
  EXPECT_EQ(r.table_note,
            "This network's table would have 18946 columns: as on the page, the tables show layer 8 (the output) only; "
            "`nntutor table SESSION --steps 10` prints every column.");
  EXPECT_EQ(r.equation_layers, std::vector<int>{8});
  EXPECT_EQ(r.equation_units, std::vector<int>{1});
  EXPECT_NE(r.equations_note.find("these are the equations of unit 1 of layer 8 (the output)"), std::string::npos)
      << r.equations_note;
  nntutor::View view;
  view.layers = {8};
  const Session t = at_rate(s, 0.1);
  EXPECT_EQ(count(md, nntutor::render(t, nntutor::run(t), Format::kMarkdown, 4, view)), 1u);
  EXPECT_LT(md.size(), 2'000'000u);
}

/// pdflatex, when it is installed (it is not a dependency): the LaTeX report compiles alone.
TEST(Report, LatexCompilesWithPdflatexWhenInstalled) {
  if (std::system("command -v pdflatex >/dev/null 2>&1") != 0) GTEST_SKIP() << "pdflatex is not installed";
  for (const std::string& path : {kLecturePath, kPassPath}) {
    const std::string dir = nntutor_test::temp_path("latex");
    ASSERT_EQ(std::system(("mkdir -p '" + dir + "'").c_str()), 0);
    std::ofstream(dir + "/report.tex")
        << nntutor::assignment_report(load(path), kHostile + "\n\nη ≥ 0.1 → ŷ, naïve, ✓ 日本", ReportFormat::kLatex);
    const int status = std::system(("cd '" + dir + "' && pdflatex -interaction=nonstopmode -halt-on-error report.tex "
                                    ">report.out 2>&1").c_str());
    EXPECT_EQ(status, 0) << nntutor_test::read_text(dir + "/report.log");
    std::system(("rm -rf '" + dir + "'").c_str());
  }
}

// --- the CLI -------------------------------------------------------------------------------

using nntutor_test::cli;
using nntutor_test::CliResult;
using nntutor_test::temp_path;
using nntutor_test::write_temp;

TEST(ReportCli, WritesTheReportWithTheAssignmentsExitCodes) {
  const std::string notes = write_temp("notes.txt", "Two neurons,\r\nas in the lecture.");
  const CliResult md = cli("assignment '" + kLecturePath + "' --report markdown --description '" + notes + "'");
  EXPECT_EQ(md.status, 1) << md.err;  // the lecture network fails two requirements
  EXPECT_EQ(md.err, "");
  EXPECT_EQ(md.out, nntutor::assignment_report(load(kLecturePath), "Two neurons,\nas in the lecture.", ReportFormat::kMarkdown));

  const CliResult tex = cli("assignment '" + kPassPath + "' --report latex --precision 6");
  EXPECT_EQ(tex.status, 0) << tex.err;
  EXPECT_EQ(tex.out, nntutor::assignment_report(load(kPassPath), "", ReportFormat::kLatex, 6));

  const std::string description = "From standard input.";
  const CliResult in = cli("assignment '" + kPassPath + "' --report json --description -", &description);
  EXPECT_EQ(in.status, 0) << in.err;
  EXPECT_EQ(json::parse(in.out)["description"], description);
  std::remove(notes.c_str());
}

TEST(ReportCli, BadInputExits2NamingTheFieldOrFile) {
  const auto expect_error = [](const std::string& args, const std::string& message, const std::string* in = nullptr) {
    const CliResult r = cli(args, in);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(r.err, "nntutor: " + message + "\n") << args;
  };
  const std::string session = "'" + kLecturePath + "'";
  expect_error("assignment " + session + " --report pdf", "--report: expected markdown, latex or json, got \"pdf\"");
  const std::string long_text = write_temp("long.txt", std::string(5001, 'x'));
  expect_error("assignment " + session + " --report markdown --description '" + long_text + "'",
               long_text + ": description: at most 5000 characters, got 5001");
  const std::string binary = write_temp("binary.txt", "abc\xff");
  expect_error("assignment " + session + " --report latex --description '" + binary + "'",
               binary + ": description: not UTF-8 text (byte 4)");
  const std::string missing = temp_path("missing.txt");
  expect_error("assignment " + session + " --report latex --description '" + missing + "'",
               missing + ": cannot open the file");
  expect_error("assignment " + session + " --description '" + long_text + "'", "--description: only with --report");
  expect_error("assignment " + session + " --precision 3", "--precision: only with --report");
  expect_error("assignment " + session + " --report latex --format json",
               "--format: not with --report (the report's format is its value)");
  expect_error("assignment " + session + " --report latex --precision 99",
               "--precision: expected a whole number from 0 to 17, got 99");
  const std::string text = nntutor_test::read_text(kLecturePath);
  expect_error("assignment - --report markdown --description -",
               "-: only one of SESSION.json and --description can be standard input", &text);
  const std::string broken = write_temp("broken.json", R"({"inputs": [[1]], "targets": [[1]], "layers": []})");
  const CliResult invalid = cli("assignment '" + broken + "' --report markdown");
  EXPECT_EQ(invalid.status, 2);
  EXPECT_EQ(invalid.err.rfind("nntutor: " + broken + ": ", 0), 0u) << invalid.err;
  EXPECT_NE(cli("--help").out.find("usage: nntutor assignment SESSION.json --report markdown|latex|json"), std::string::npos);
  for (const auto& p : {long_text, binary, broken}) std::remove(p.c_str());
}

}  // namespace
