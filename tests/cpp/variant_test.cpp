// Variants (cpp/core/tutor/src/variant.cpp): the same seed gives the same variants, every
// variant keeps the readability rules (re-checked here by hand, not with the generator's own
// code), the sheet's table is the checker's, the key is `nntutor table`'s, bad input is named.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "nntutor/assignment.hpp"
#include "nntutor/check.hpp"
#include "nntutor/table.hpp"
#include "nntutor/variant.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor;
using nntutor_test::lecture_json;
using nntutor_test::read_text;
using nntutor_test::source_path;

Session lecture() { return parse_session(lecture_json()); }
Session assignment_template() { return parse_session(read_text(source_path("examples/assignment-pass.json"))); }

VariantSet variants(const Session& t, std::uint64_t seed, int count, std::optional<int> steps = std::nullopt) {
  VariantOptions o;
  o.seed = seed;
  o.count = count;
  o.steps = steps;
  return make_variants(t, o);
}

/// `v` is k/10 for a whole k from lo to hi.
bool on_grid(double v, int lo, int hi) {
  const double k = std::round(v * 10);
  return std::fabs(v - k / 10) == 0 && k >= lo && k <= hi;
}

/// Decodes base64url without padding.
std::string from_base64url(const std::string& text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (char c : text) {
    value = (value << 6) | static_cast<unsigned>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

TEST(Variant, SameSeedGivesTheSameVariants) {
  const VariantSet a = variants(lecture(), 7, 20), b = variants(lecture(), 7, 20);
  ASSERT_EQ(a.variants.size(), 20u);
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(session_to_json(a.variants[i].session), session_to_json(b.variants[i].session));
    EXPECT_EQ(variant_files(a, a.variants[i]).at(1).text, variant_files(b, b.variants[i]).at(1).text);
  }
  // Another seed, other numbers; and the variants of one set differ from each other.
  const VariantSet c = variants(lecture(), 8, 20);
  int same = 0;
  std::set<std::string> distinct;
  for (std::size_t i = 0; i < 20; ++i) {
    same += session_to_json(a.variants[i].session) == session_to_json(c.variants[i].session);
    Session s = a.variants[i].session;
    s.id.clear();
    s.title.clear();
    distinct.insert(session_to_json(s));
  }
  EXPECT_EQ(same, 0);
  EXPECT_EQ(distinct.size(), 20u);
}

TEST(Variant, VariantKIsTheSameWhateverTheCount) {
  const VariantSet few = variants(lecture(), 3, 3), many = variants(lecture(), 3, 12);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(session_to_json(few.variants[i].session), session_to_json(many.variants[i].session));
  EXPECT_EQ(many.variants[0].id, "v001");
  EXPECT_EQ(many.variants[11].id, "v012");
  EXPECT_EQ(many.variants[11].session.title, "Variant v012 (seed 3)");
}

TEST(Variant, TwoHundredLectureVariantsKeepEveryRule) {
  const VariantSet set = variants(lecture(), 2026, 200);
  EXPECT_FALSE(set.assignment);
  const std::set<double> rates = {0.1, 0.2, 0.3, 0.5, 1, 2, 5};
  for (const auto& v : set.variants) {
    SCOPED_TRACE(v.id);
    const Session& s = v.session;
    // The grid: x 0.5…2.0, y 0.1…0.9 (inside σ's range), w ±0.1…±1.0, b −0.5…0.5, in tenths.
    EXPECT_TRUE(on_grid(s.batch.X(0, 0), 5, 20));
    EXPECT_TRUE(on_grid(s.batch.Y(0, 0), 1, 9));
    for (const auto& layer : s.network.layers) {
      EXPECT_TRUE(on_grid(std::fabs(layer.W(0, 0)), 1, 10));
      EXPECT_TRUE(on_grid(layer.b(0), -5, 5));
    }
    EXPECT_EQ(rates.count(s.optimizer.learning_rate), 1u) << s.optimizer.learning_rate;
    EXPECT_EQ(s.steps, 5);
    // The rules, by the lecture's formulas: z1 = w1·x + b1, y1 = σ(z1), z2 = w2·y1 + b2; no
    // saturated neuron, σ′ = σ(1 − σ) ≥ 0.02 (|z| < 3.87).
    const auto sigma = [](double z) { return 1 / (1 + std::exp(-z)); };
    const double z1 = s.network.layers[0].W(0, 0) * s.batch.X(0, 0) + s.network.layers[0].b(0);
    const double y1 = sigma(z1);
    const double z2 = s.network.layers[1].W(0, 0) * y1 + s.network.layers[1].b(0);
    const double y2 = sigma(z2);
    EXPECT_GE(y1 * (1 - y1), 0.02);
    EXPECT_GE(y2 * (1 - y2), 0.02);
    EXPECT_LT(std::fabs(z1), 3.87);
    EXPECT_LT(std::fabs(z2), 3.87);
    EXPECT_NEAR(v.first_loss, 0.5 * (y2 - s.batch.Y(0, 0)) * (y2 - s.batch.Y(0, 0)), 1e-15);
    Session five = s;
    five.steps = 5;
    const Trace t = run(five);
    ASSERT_EQ(t.steps.size(), 5u);
    EXPECT_GE(std::fabs(t.steps[4].loss - t.steps[0].loss), 0.002);
    const Table table = make_table(s.network, 1, t, s.optimizer);
    for (const auto& row : table.rows)
      for (double x : row) EXPECT_LT(std::fabs(x), 100);
  }
}

TEST(Variant, AnAssignmentTemplateGivesVariantsThatPassAssignment4) {
  const VariantSet set = variants(assignment_template(), 11, 8);
  EXPECT_TRUE(set.assignment);
  EXPECT_EQ(set.steps, 10);
  for (const auto& v : set.variants) {
    SCOPED_TRACE(v.id);
    EXPECT_EQ(v.session.optimizer.learning_rate, 0.1);
    EXPECT_TRUE(check_assignment(v.session).passed);
    ASSERT_TRUE(v.rising_rate.has_value());
    EXPECT_TRUE(assignment_run(v.session, *v.rising_rate).rises());
    EXPECT_TRUE(assignment_run(v.session, 0.1).monotone());
    // No dead ReLU at step 1: every hidden neuron has z > 0 on some sample (z = W·x + b by hand).
    const Layer& hidden = v.session.network.layers[0];
    for (Eigen::Index j = 0; j < hidden.W.rows(); ++j) {
      bool alive = false;
      for (Eigen::Index n = 0; n < v.session.batch.X.cols(); ++n)
        alive = alive || hidden.W.row(j).dot(v.session.batch.X.col(n)) + hidden.b(j) > 0;
      EXPECT_TRUE(alive) << "neuron " << j + 1;
    }
    const auto& sweep = assignment_sweep_rates();
    EXPECT_NE(std::find(sweep.begin(), sweep.end(), *v.rising_rate), sweep.end());
    // Both tables are in the sheet and in the key.
    const std::string md = variant_sheet(set, v, SheetFormat::kMarkdown);
    EXPECT_NE(md.find("## Your table at η = " + exact_text(*v.rising_rate)), std::string::npos);
    EXPECT_NE(variant_key(set, v, Format::kMarkdown).find("## η = " + exact_text(*v.rising_rate) + " (the loss rises)"),
              std::string::npos);
  }
}

/// The sheet's empty table with each row filled from the key: the Markdown table a student hands in.
std::string filled_sheet_table(const std::string& sheet, const std::string& key_markdown) {
  const std::size_t from = sheet.find("## Your table");
  const std::size_t start = sheet.find("\n|", from) + 1;
  std::string out;
  std::size_t line_start = start;
  int row = 0;
  std::vector<std::string> key_lines;
  for (std::size_t p = 0, q; (q = key_markdown.find('\n', p)) != std::string::npos; p = q + 1)
    key_lines.push_back(key_markdown.substr(p, q - p));
  for (;;) {
    const std::size_t end = sheet.find('\n', line_start);
    const std::string line = sheet.substr(line_start, end - line_start);
    if (line.empty() || line[0] != '|') break;
    // The header and the rule are kept as the sheet has them; the key gives each step's row.
    out += (row < 2 ? line : key_lines.at(static_cast<std::size_t>(row))) + "\n";
    ++row;
    line_start = end + 1;
  }
  return out;
}

TEST(Variant, TheSheetsTableIsReadByTheCheckerAndTheKeyFillsItCorrectly) {
  const VariantSet set = variants(lecture(), 5, 4);
  for (const auto& v : set.variants) {
    SCOPED_TRACE(v.id);
    const std::string sheet = variant_sheet(set, v, SheetFormat::kMarkdown);
    const std::string key = render(v.session, run(v.session), Format::kMarkdown, 4);
    // The header of the empty table is the key's, word for word.
    EXPECT_NE(sheet.find(key.substr(0, key.find('\n'))), std::string::npos);
    EXPECT_NE(sheet.find("| step | w1 | b1 | z1 | y1 | dL/dw1 | dL/db1 | w2 | b2 | z2 | y2 | dL/dw2 | dL/db2 | L |"),
              std::string::npos);
    const std::string filled = filled_sheet_table(sheet, key);
    const Answer answer = parse_answer(v.session, filled);
    ASSERT_EQ(answer.rows.size(), 5u);
    ASSERT_EQ(answer.columns.size(), 14u);
    const CheckReport report = check_answer(v.session, answer, CheckMode::kStart);
    EXPECT_EQ(report.wrong, 0);
    EXPECT_EQ(report.rounding, 0);
    EXPECT_EQ(report.correct, 5 * 13);
    // The sheet gives every start number.
    EXPECT_NE(sheet.find("| w1 | " + shortest_number(v.session.network.layers[0].W(0, 0)) + " |"), std::string::npos);
    EXPECT_NE(sheet.find("| " + shortest_number(v.session.batch.X(0, 0)) + " | " +
                         shortest_number(v.session.batch.Y(0, 0)) + " |"),
              std::string::npos);
    EXPECT_NE(sheet.find("η = " + exact_text(v.session.optimizer.learning_rate)), std::string::npos);
  }
}

TEST(Variant, TheLatexSheetHasTheNumbersAndAnEmptyRowPerStep) {
  const VariantSet set = variants(lecture(), 5, 1, 7);
  const Variant& v = set.variants[0];
  const std::string tex = variant_sheet(set, v, SheetFormat::kLatex);
  EXPECT_EQ(tex.rfind("% Exercise v001", 0), 0u);
  EXPECT_NE(tex.find("\\begin{document}"), std::string::npos);
  EXPECT_NE(tex.find("\\end{document}"), std::string::npos);
  EXPECT_NE(tex.find("step & $w_{1}$ & $b_{1}$ & $z_{1}$"), std::string::npos);
  EXPECT_NE(tex.find("$w_{1} = " + shortest_number(v.session.network.layers[0].W(0, 0)) + "$"), std::string::npos);
  for (int k = 1; k <= 7; ++k)
    EXPECT_NE(tex.find("\n" + std::to_string(k) + " &  &  & "), std::string::npos) << k;
  EXPECT_EQ(tex.find("\n8 & "), std::string::npos);
  EXPECT_EQ(tex.find("σ"), std::string::npos);  // ASCII only: pdflatex without inputenc tricks
}

TEST(Variant, TheKeyIsTheTableOfTheVariantsSession) {
  const VariantSet set = variants(lecture(), 9, 3);
  for (const auto& v : set.variants) {
    const auto files = variant_files(set, v);
    ASSERT_EQ(files.size(), 5u);
    EXPECT_EQ(files[0].name, v.id + ".session.json");
    EXPECT_EQ(files[3].name, v.id + ".key.csv");
    // The session file read back (as a student's tools would) gives the key's table.
    const Session back = parse_session(files[0].text);
    EXPECT_EQ(back.id, v.id);
    EXPECT_EQ(files[3].text, render(back, run(back), Format::kCsv, 4));
    EXPECT_NE(files[4].text.find(render(back, run(back), Format::kMarkdown, 4)), std::string::npos);
  }
}

TEST(Variant, TheLinkHoldsTheSessionAsTheLecturePageReadsIt) {
  const VariantSet set = variants(lecture(), 4, 2);
  const std::string fragment = share_fragment(set.variants[1].session);
  ASSERT_EQ(fragment.rfind("#session=", 0), 0u);
  const std::string payload = fragment.substr(9);
  EXPECT_EQ(payload.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(from_base64url(payload), session_to_json(set.variants[1].session));
  const std::string index = variants_index_csv(set, "https://example.org/nntutor/index.html");
  EXPECT_EQ(index.rfind("id,title,session,sheet_md,sheet_tex,key_csv,key_md,link\n", 0), 0u);
  EXPECT_NE(index.find("v002,Variant v002 (seed 4),v002.session.json,v002.sheet.md,v002.sheet.tex,v002.key.csv,"
                       "v002.key.md,https://example.org/nntutor/index.html" + fragment + "\n"),
            std::string::npos);
}

TEST(Variant, BadOptionsAndTemplatesAreNamed) {
  EXPECT_SESSION_ERROR(variants(lecture(), 1, 0), "count: expected a whole number from 1 to 1000, got 0");
  EXPECT_SESSION_ERROR(variants(lecture(), 1, 1001), "count: expected a whole number from 1 to 1000, got 1001");
  EXPECT_SESSION_ERROR(variants(lecture(), 1, 2, 51),
                       "steps: a variant's sheet has 1 to 50 rows (filled by hand), got 51");
  EXPECT_SESSION_ERROR(variants(lecture(), 1, 2, 0),
                       "steps: a variant's sheet has 1 to 50 rows (filled by hand), got 0");
  Session big = lecture();
  big.network.layers[0].W = Eigen::MatrixXd::Constant(40, 1, 0.1);
  big.network.layers[0].b = Eigen::VectorXd::Zero(40);
  big.network.layers[1].W = Eigen::MatrixXd::Constant(1, 40, 0.1);
  EXPECT_SESSION_ERROR(variants(big, 1, 2), "template: layers[0].units: the page allows at most 32 units per layer, got 40");
  // adam at η = 1e-7 (drawn × 0.5, 1 or 2) moves no weight visibly: no draw keeps rule 3.
  Session still = lecture();
  still.optimizer.kind = keras::OptimizerKind::kAdam;
  still.optimizer.learning_rate = 1e-7;
  EXPECT_SESSION_ERROR(variants(still, 1, 1),
                       "template: no readable variant in 200 draws for v001 (the last draw: the loss changes by "
                       "only 0.0000 in 5 steps (at least 0.002))");
  std::string site;
  const VariantOptions o = parse_variant_options(R"({"seed": 3, "count": 4, "steps": null, "site": "x.html"})", &site);
  EXPECT_EQ(o.seed, 3u);
  EXPECT_EQ(o.count, 4);
  EXPECT_FALSE(o.steps.has_value());
  EXPECT_EQ(site, "x.html");
  EXPECT_SESSION_ERROR(parse_variant_options(R"({"seed": 3})"), "count: required field is missing");
  EXPECT_SESSION_ERROR(parse_variant_options(R"({"count": 0})"), "count: expected a whole number from 1 to 1000, got 0");
  EXPECT_SESSION_ERROR(parse_variant_options(R"({"count": 2.5})"), "count: expected a whole number, got 2.5");
  EXPECT_SESSION_ERROR(parse_variant_options(R"({"count": 2, "steps": 60})"), "steps: expected a whole number from 1 to 50, got 60");
  EXPECT_SESSION_ERROR(parse_variant_options(R"({"count": 2, "seed": -1})"),
                       "seed: expected a whole number from 0 to 9007199254740992, got -1");
  EXPECT_SESSION_ERROR(parse_variant_options(R"({"count": 2, "colour": 1})"),
                       "options.colour: unknown field (expected one of count, seed, site, steps)");
}

TEST(Variant, TheTemplatesOfferedAreTheExamples) {
  const auto presets = nlohmann::json::parse(variant_templates_json());
  ASSERT_EQ(presets.size(), 2u);
  EXPECT_EQ(presets[0]["name"], "lecture");
  EXPECT_EQ(session_to_json(parse_session(presets[0]["session"].dump())), session_to_json(lecture()));
  EXPECT_EQ(presets[1]["name"], "assignment");
  EXPECT_EQ(session_to_json(parse_session(presets[1]["session"].dump())), session_to_json(assignment_template()));
}

TEST(SessionLabels, IdAndTitleAreOptionalAndRoundTrip) {
  std::string text = lecture_json();
  text.insert(text.rfind('}'), R"x(, "id": "v007", "title": "Variant v007 (seed 2)")x");
  const Session s = parse_session(text);
  EXPECT_EQ(s.id, "v007");
  EXPECT_EQ(s.title, "Variant v007 (seed 2)");
  EXPECT_EQ(parse_session(session_to_json(s)).id, "v007");
  EXPECT_NE(session_to_json(s).find(R"x("seed":1,"id":"v007","title":"Variant v007 (seed 2)"})x"), std::string::npos);
  EXPECT_EQ(session_to_json(lecture()).find("\"id\""), std::string::npos);  // absent stays absent
  std::string bad = lecture_json();
  bad.insert(bad.rfind('}'), R"(, "id": "v 1")");
  EXPECT_SESSION_ERROR(parse_session(bad), "id: expected letters, digits, - and _ only, got string \"v 1\"");
  bad = lecture_json();
  bad.insert(bad.rfind('}'), R"(, "title": "")");
  EXPECT_SESSION_ERROR(parse_session(bad), "title: expected 1 to 200 characters, got 0");
  bad = lecture_json();
  bad.insert(bad.rfind('}'), R"(, "id": 7)");
  EXPECT_SESSION_ERROR(parse_session(bad), "id: expected a string, got number 7");
}

#ifdef NNTUTOR_CLI
using nntutor_test::cli;
using nntutor_test::temp_path;
using nntutor_test::write_temp;

TEST(VariantCli, WritesEachVariantsFilesAndAnIndex) {
  const std::string dir = temp_path("variants");
  const auto r = cli("variant --seed 7 --count 3 --out '" + dir + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("wrote 3 variants (16 files) to " + dir + "/\nv001  eta = ", 0), 0u) << r.out;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files += entry.is_regular_file();
  EXPECT_EQ(files, 16);
  const std::string index = read_text(dir + "/index.csv");
  EXPECT_EQ(std::count(index.begin(), index.end(), '\n'), 4);
  EXPECT_NE(index.find("\nv003,Variant v003 (seed 7),v003.session.json,v003.sheet.md,v003.sheet.tex,"
                       "v003.key.csv,v003.key.md,index.html#session="),
            std::string::npos);
  // The core's variants, and each key is `nntutor table` of its session file.
  VariantOptions o;
  o.seed = 7;
  o.count = 3;
  const VariantSet set = make_variants(lecture(), o);
  for (const auto& v : set.variants) {
    EXPECT_EQ(read_text(dir + "/" + v.id + ".session.json"), session_to_json(v.session) + "\n");
    const auto table = cli("table '" + dir + "/" + v.id + ".session.json'");
    EXPECT_EQ(table.status, 0);
    EXPECT_EQ(table.out, read_text(dir + "/" + v.id + ".key.csv"));
    EXPECT_EQ(read_text(dir + "/" + v.id + ".sheet.md"), variant_sheet(set, v, SheetFormat::kMarkdown));
  }
  std::filesystem::remove_all(dir);
}

TEST(VariantCli, TakesATemplateStepsAndASite) {
  const std::string dir = temp_path("variants");
  const std::string templ = write_temp("t.json", read_text(source_path("examples/assignment-pass.json")));
  const auto r = cli("variant --count 2 --template '" + templ + "' --steps 3 --site https://x.org/i.html --out '" + dir + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("(Assignment 4 style: each passes Assignment 4 and has a rising rate)"), std::string::npos);
  EXPECT_NE(r.out.find("rising eta = "), std::string::npos);
  EXPECT_NE(read_text(dir + "/index.csv").find(",https://x.org/i.html#session="), std::string::npos);
  const std::string key = read_text(dir + "/v001.key.csv");
  EXPECT_EQ(std::count(key.begin(), key.end(), '\n'), 4);  // header + 3 steps
  std::filesystem::remove_all(dir);
}

TEST(VariantCli, BadInputNamesTheOption) {
  const std::string dir = temp_path("variants");
  const auto expect = [&](const std::string& args, const std::string& message) {
    const auto r = cli("variant " + args + " --out '" + dir + "'");
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.err, "nntutor: " + message + "\n") << args;
  };
  expect("--count 0", "--count: expected a whole number from 1 to 1000, got 0");
  expect("--count 1001", "--count: expected a whole number from 1 to 1000, got 1001");
  expect("--count x", "--count: expected a whole number, got \"x\"");
  expect("--seed 1", "--count: required (how many variants, a whole number from 1 to 1000)");
  expect("--count 2 --steps 51", "--steps: expected a whole number from 1 to 50, got 51");
  expect("--count 2 --template /nonexistent/t.json", "--template: /nonexistent/t.json: cannot open the file");
  const std::string not_session = write_temp("n.json", R"({"layers": []})");
  expect("--count 2 --template '" + not_session + "'", "--template: " + not_session + ": inputs: required field is missing");
  const std::string model = write_temp("m.json", "[1, 2]");
  expect("--count 2 --template '" + model + "'", "--template: " + model + ": session: expected a JSON object, got an array of 2 items");
  expect("--count 2 extra.json", "extra.json: unexpected argument (variant reads no file argument (give the template with --template))");
  const std::string long_session = write_temp("l.json", R"({"inputs": [[1]], "targets": [[1]], "steps": 80,
    "layers": [{"units": 1, "activation": "sigmoid"}]})");
  expect("--count 2 --template '" + long_session + "'",
         "--template: steps is 80, but a variant's sheet has 1 to 50 rows (filled by hand); give the number of steps");
  EXPECT_FALSE(std::filesystem::exists(dir));  // nothing written on bad input
}
#endif

}  // namespace
