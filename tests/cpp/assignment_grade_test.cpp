// Grading an Assignment 4 report: the project's own export gets full marks (Markdown with or
// without the network; LaTeX loses the drawing it only describes), a report without the graph
// loses those 10 with the evidence saying why, a wrong equation or table number costs its share,
// and `nntutor grade-report` in both forms.
#include "nntutor/assignment_grade.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "nntutor/report.hpp"
#include "nntutor/table.hpp"
#include "test_helpers.hpp"

namespace {

using nntutor::ReportGrade;
using nntutor::Session;

Session pass_session() {
  return nntutor::parse_session(nntutor_test::read_text(nntutor_test::source_path("examples/assignment-pass.json")));
}

const std::string kDescription = "A regression network for a star's flux from two colours.";

std::string markdown_report() {
  return nntutor::report_markdown(nntutor::make_report(pass_session(), kDescription));
}

const nntutor::ReportPart& part(const ReportGrade& g, const std::string& id) {
  for (const auto& p : g.parts)
    if (p.id == id) return p;
  throw std::runtime_error("no part " + id);
}

TEST(GradeReport, TheProjectsOwnMarkdownGetsFullMarks) {
  for (const bool with_network : {false, true}) {
    SCOPED_TRACE(with_network ? "with the network" : "from the report alone");
    const ReportGrade g = nntutor::grade_report(nntutor::read_report(markdown_report()),
                                                with_network ? std::optional<Session>(pass_session()) : std::nullopt);
    EXPECT_DOUBLE_EQ(g.score, 100) << nntutor::report_grade_text(g);
    ASSERT_EQ(g.parts.size(), 5u);
    EXPECT_EQ(part(g, "description").evidence,
              "A description of 10 words: \"A regression network for a star's flux from two colours.\".");
    EXPECT_EQ(part(g, "graph").evidence,
              "The graph part shows the image network.svg and states the structure: 2 inputs → 4 relu → 1 sigmoid (output).");
    EXPECT_EQ(part(g, "equations").evidence.rfind("17 of 17 gradient equations (one per weight and bias)", 0), 0u);
    for (const auto& r : g.requirements) EXPECT_TRUE(r.passed) << r.id << ": " << r.evidence;
  }
  const ReportGrade g = nntutor::grade_report(nntutor::read_report(markdown_report()), pass_session());
  EXPECT_EQ(part(g, "table_low").evidence,
            "The table at η = 0.1 checked against the engine: 10 of 10 rows, 650 correct, 0 rounding, 0 wrong.");
  EXPECT_EQ(part(g, "table_high").evidence,
            "The table at η = 10 checked against the engine: 10 of 10 rows, 650 correct, 0 rounding, 0 wrong.");
}

TEST(GradeReport, AReportWithoutTheGraphLosesItsTen) {
  std::string md = markdown_report();
  const auto from = md.find("## 2. Graph"), to = md.find("## 3. Gradient");
  md.erase(from, to - from);
  const ReportGrade g = nntutor::grade_report(nntutor::read_report(md), pass_session());
  EXPECT_DOUBLE_EQ(g.score, 90);
  EXPECT_DOUBLE_EQ(part(g, "graph").score, 0);
  EXPECT_EQ(part(g, "graph").evidence, "No graph part (a heading with \"Graph\").");
}

TEST(GradeReport, LatexExportDescribesTheGraphInWordsOnly) {
  const std::string tex = nntutor::report_latex(nntutor::make_report(pass_session(), kDescription));
  const nntutor::SubmittedReport r = nntutor::read_report(tex);
  EXPECT_EQ(r.format, "latex");
  const ReportGrade g = nntutor::grade_report(r, pass_session());
  EXPECT_DOUBLE_EQ(g.score, 95) << nntutor::report_grade_text(g);
  EXPECT_EQ(part(g, "graph").evidence,
            "The structure is given in words only (2 inputs → 4 relu → 1 sigmoid (output)); no drawing is included "
            "(a Markdown image or \\includegraphics).");
  // With the drawing the comment suggests, full marks.
  std::string with = tex;
  with.insert(with.find("\\subsection*{3."), "\\includegraphics[width=\\textwidth]{network}\n\n");
  EXPECT_DOUBLE_EQ(nntutor::grade_report(nntutor::read_report(with), pass_session()).score, 100);
}

TEST(GradeReport, MissingDescriptionAnEquationAndAWrongTableNumber) {
  std::string md = nntutor::report_markdown(nntutor::make_report(pass_session(), ""));
  // Drop the last equation (dL/db2): 16 of 17.
  const auto last = md.rfind("\\frac{\\partial L}{\\partial b_{2}}");
  ASSERT_NE(last, std::string::npos);
  md.erase(last, md.find("\\end{align*}", last) - last);
  // One wrong number in the η = 0.1 table: L of row 3.
  const auto low = md.find("### Learning rate η = 0.1");
  const auto row3 = md.find("\n| 3 |", low);
  const auto end = md.find('\n', row3 + 1);
  const auto cell = md.rfind("| 0.0199 |", end);
  ASSERT_LT(cell, end);
  md.replace(cell, 10, "| 0.0300 |");
  const ReportGrade g = nntutor::grade_report(nntutor::read_report(md), pass_session());
  EXPECT_DOUBLE_EQ(part(g, "description").score, 0);
  EXPECT_EQ(part(g, "description").evidence, "The description part has no text of the student's own.");
  EXPECT_NEAR(part(g, "equations").score, 30.0 * 16 / 17, 1e-9);
  EXPECT_NE(part(g, "equations").evidence.find("Missing: dL/db2."), std::string::npos) << part(g, "equations").evidence;
  EXPECT_NEAR(part(g, "table_low").score, 25.0 * 649 / 650, 1e-9);
  EXPECT_NE(part(g, "table_low").evidence.find("the first slip is L in row 3 (0.0300, expected 0.0199)"), std::string::npos)
      << part(g, "table_low").evidence;
}

TEST(GradeReport, WithoutTheNetworkAWrongUpdateIsSeen) {
  std::string md = markdown_report();
  const auto low = md.find("### Learning rate η = 0.1");
  const auto row2 = md.find("\n| 2 | 0.5008 |", low);
  ASSERT_NE(row2, std::string::npos);
  md.replace(row2, 15, "\n| 2 | 0.4992 |");  // w1[1,1] updated with the wrong sign
  const ReportGrade g = nntutor::grade_report(nntutor::read_report(md), std::nullopt);
  EXPECT_LT(part(g, "table_low").score, 25);
  EXPECT_NE(part(g, "table_low").evidence.find("not: w1[1,1] in row 2, w1[1,1] in row 3"), std::string::npos)
      << part(g, "table_low").evidence;
}

using nntutor_test::cli;
using nntutor_test::CliResult;

TEST(GradeReportCli, ReportAndParts) {
  const std::string report = nntutor_test::write_temp("report.md", markdown_report());
  const std::string net = nntutor_test::source_path("examples/assignment-pass.json");
  const CliResult full = cli("grade-report '" + report + "' --network '" + net + "'");
  EXPECT_EQ(full.status, 0);
  EXPECT_NE(full.out.find("\nScore 100.0 of 100 (description 10.0/10, graph 10.0/10, equations 30.0/30, table_low "
                          "25.0/25, table_high 25.0/25); all 4 requirements pass.\n"),
            std::string::npos)
      << full.out;

  Session s = pass_session();
  nntutor::set_steps(s, 10);
  const std::string low = nntutor::render(s, nntutor::run(s), nntutor::Format::kCsv, 4);
  s.optimizer.learning_rate = 10;
  const std::string high = nntutor::render(s, nntutor::run(s), nntutor::Format::kCsv, 4);
  const std::string a = nntutor_test::write_temp("a.csv", low), b = nntutor_test::write_temp("b.csv", high);
  const CliResult parts = cli("grade-report --network '" + net + "' --table01 '" + a + "' --table-high '" + b + "' --format json");
  EXPECT_EQ(parts.status, 1);  // no description, graph or equations were handed in
  const auto j = nlohmann::json::parse(parts.out);
  EXPECT_EQ(j["score"], 50.0);
  EXPECT_EQ(j["parts"][3]["score"], 25.0);
  EXPECT_EQ(j["parts"][4]["evidence"],
            "The table at η = 10 checked against the engine: 10 of 10 rows, 650 correct, 0 rounding, 0 wrong.");
  EXPECT_EQ(j["parts"][0]["evidence"], "No description part (a heading with \"Description\").");

  const CliResult bad = cli("grade-report --table01 '" + a + "'");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "nntutor: grade-report: expected REPORT, or --network NET.json --table01 A.csv --table-high B.csv\n");
  const CliResult low_eta = cli("grade-report --network '" + net + "' --table01 '" + a + "' --table-high '" + b + "' --eta 0.05");
  EXPECT_EQ(low_eta.status, 2);
  EXPECT_EQ(low_eta.err, "nntutor: " + net + ": --eta: expected a learning rate above 0.1, got 0.05\n");
}

}  // namespace
