// Grading a class: a synthetic class of 30 students (the lecture's network with its own x and η
// each, 10 steps) whose submissions are the exact key tables with slips planted from the slip
// catalogue, some rounded, some stopped early, one unreadable, one unmatched, one duplicated —
// so its item analysis is known in advance; the rubric's scores computed by hand; `nntutor grade`.
#include "nntutor/grade.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "nntutor/table.hpp"
#include "test_helpers.hpp"

namespace {

using nlohmann::json;
using nntutor::CheckMode;
using nntutor::ClassGrade;
using nntutor::GradeFile;
using nntutor::Rubric;
using nntutor::Session;
using nntutor::StudentGrade;

/// Student i's key: the lecture's network with x = 0.5 + 0.05·i and η = 0.1 + 0.02·(i mod 4).
std::string key_json(int i) {
  const double x = 0.5 + 0.05 * i, eta = 0.1 + 0.02 * (i % 4);
  return "{\"inputs\": [[" + nntutor::shortest_number(x) + "]], \"targets\": [[1]], \"layers\": ["
         "{\"units\": 1, \"activation\": \"sigmoid\", \"weights\": [[0.5]], \"biases\": [0]},"
         "{\"units\": 1, \"activation\": \"sigmoid\", \"weights\": [[0.8]], \"biases\": [0]}],"
         "\"loss\": \"half_sse\", \"optimizer\": {\"name\": \"sgd\", \"learning_rate\": " +
         nntutor::shortest_number(eta) + "}, \"steps\": 10}";
}

std::string id_of(int i) { return (i < 10 ? "s0" : "s") + std::to_string(i); }

/// The key's exact table as CSV cells, `precision` decimals, `rows` rows.
std::vector<std::vector<std::string>> exact_cells(int i, int precision = 4, int rows = 10) {
  const Session s = nntutor::parse_session(key_json(i));
  std::vector<std::vector<std::string>> out;
  std::istringstream lines(nntutor::render(s, nntutor::run(s), nntutor::Format::kCsv, precision));
  std::string line;
  while (std::getline(lines, line) && static_cast<int>(out.size()) <= rows) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string c; std::getline(fields, c, ',');) cells.push_back(c);
    out.push_back(cells);
  }
  return out;
}

std::string join(const std::vector<std::vector<std::string>>& rows, const std::string& sep = ",") {
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.size(); ++k) out += (k ? sep : "") + row[k];
    out += "\n";
  }
  return out;
}

/// A slip planted in student i's exact table: row, column and the value the slip gives.
struct Plant {
  int row;
  std::string column;
  double value;
};

Plant plant_for(int i, const std::string& slip) {
  const Session s = nntutor::parse_session(key_json(i));
  const nntutor::Trace t = nntutor::run(s);
  const double eta = s.optimizer.learning_rate;
  const auto& L = [&](int k, int l) -> const nntutor::LayerTrace& {
    return t.steps[static_cast<std::size_t>(k - 1)].layers[static_cast<std::size_t>(l - 1)];
  };
  if (slip == "no-bias") return {3, "z2", L(3, 2).W(0, 0) * L(3, 1).y(0, 0)};
  if (slip == "update-sign") return {4, "w2", L(3, 2).W(0, 0) + eta * L(3, 2).dW(0, 0)};
  if (slip == "no-half") {
    const double e = L(2, 2).y(0, 0) - 1;
    return {2, "L", e * e};
  }
  return {5, "dL/dw2", -L(5, 2).dW(0, 0)};  // gradient-sign
}

std::string planted(int i, const std::string& slip) {
  auto rows = exact_cells(i);
  const Plant p = plant_for(i, slip);
  const auto& header = rows[0];
  const auto at = static_cast<std::size_t>(std::find(header.begin(), header.end(), p.column) - header.begin());
  rows[static_cast<std::size_t>(p.row)][at] = nntutor::fixed(p.value, 4);
  return join(rows);
}

/// The slip planted for each student (none for the others).
const std::map<int, std::string>& plants() {
  static const std::map<int, std::string> p = {
      {11, "no-bias"},     {12, "no-bias"},     {13, "no-bias"}, {14, "no-bias"},
      {15, "update-sign"}, {16, "update-sign"}, {17, "update-sign"},
      {18, "no-half"},     {19, "no-half"},     {20, "gradient-sign"}};
  return p;
}

/// The class: keys s01…s30; submissions as described at the top.
struct SyntheticClass {
  std::vector<GradeFile> keys, submissions;
};

SyntheticClass synthetic_class() {
  SyntheticClass c;
  for (int i = 1; i <= 30; ++i) c.keys.push_back({id_of(i) + ".session.json", key_json(i)});
  c.keys.push_back({"s01.sheet.md", "# not a key: a variant's sheet sits beside the keys"});
  for (int i = 1; i <= 30; ++i) {
    const std::string id = id_of(i);
    if (plants().count(i)) c.submissions.push_back({id + ".csv", planted(i, plants().at(i))});
    else if (i == 21) c.submissions.push_back({id + ".csv", join(exact_cells(i, 3))});  // 3 decimals
    else if (i == 22) {                                                                 // one cell 1 unit off
      auto rows = exact_cells(i);
      const double L7 = std::stod(rows[7][13]);
      rows[7][13] = nntutor::fixed(L7 + 0.0001, 4);
      c.submissions.push_back({id + ".csv", join(rows)});
    } else if (i == 23 || i == 24) c.submissions.push_back({id + ".csv", join(exact_cells(i, 4, 6))});  // stopped
    else if (i == 25) c.submissions.push_back({id + ".csv", "step,w1,b1\n1,0.5000,0.0000\n2,abc,0.0017\n"});
    else if (i == 26) continue;  // no submission
    else if (i == 27) {
      c.submissions.push_back({id + ".csv", join(exact_cells(i))});
      c.submissions.push_back({id + ".md", join(exact_cells(i))});
    } else if (i == 28) {  // Markdown
      auto rows = exact_cells(i);
      std::string md = "## My table\n\n";
      for (std::size_t r = 0; r < rows.size(); ++r) {
        md += "| " + join({rows[r]}, " | ").substr(0, join({rows[r]}, " | ").size() - 1) + " |\n";
        if (r == 0) md += "|" + std::string(rows[0].size() * 4, '-').substr(0, 3) + std::string("|---") + "|\n";
      }
      c.submissions.push_back({id + ".md", md});
    } else if (i == 29) c.submissions.push_back({id + ".txt", join(exact_cells(i), "\t")});  // pasted
    else c.submissions.push_back({id + ".csv", join(exact_cells(i))});
  }
  c.submissions.push_back({"x99.csv", join(exact_cells(1))});  // no key for x99
  c.submissions.push_back({"notes.pdf", "%PDF-1.4"});
  return c;
}

const ClassGrade& graded() {
  static const ClassGrade g = [] {
    const SyntheticClass c = synthetic_class();
    return nntutor::grade_class(c.keys, c.submissions, Rubric{}, CheckMode::kStart);
  }();
  return g;
}

const StudentGrade& student(const std::string& id) {
  for (const auto& s : graded().students)
    if (s.id == id) return s;
  throw std::runtime_error("no student " + id);
}

TEST(GradeClass, EveryMatchedReadableSubmissionIsGradedInIdOrder) {
  const ClassGrade& g = graded();
  std::vector<std::string> ids;
  for (const auto& s : g.students) ids.push_back(s.id);
  std::vector<std::string> expected;
  for (int i = 1; i <= 30; ++i)
    if (i != 25 && i != 26 && i != 27) expected.push_back(id_of(i));
  EXPECT_EQ(ids, expected);
}

TEST(GradeClass, EveryProblemIsListedWithItsFileAndLine) {
  std::vector<std::string> problems;
  for (const auto& p : graded().problems)
    problems.push_back(p.file + "|" + p.kind + "|" + std::to_string(p.line) + "|" + p.message);
  EXPECT_EQ(problems, (std::vector<std::string>{
                          "notes.pdf|not-a-submission|0|not a submission: expected a .csv, .md, .txt or .tsv file "
                          "named by the student's id",
                          "s25.csv|unreadable|3|line 3, column 2 (w1): expected a number, got \"abc\"",
                          "s26.session.json|no-submission|0|no submission from s26",
                          "s27.csv|duplicate|0|two submissions for s27 (s27.csv and s27.md): neither is graded; keep one",
                          "s27.md|duplicate|0|two submissions for s27 (s27.csv and s27.md): neither is graded; keep one",
                          "x99.csv|no-key|0|no key for x99 (expected x99.session.json or x99.json among the keys)",
                      }));
}

TEST(GradeClass, CountsFirstSlipAndScores) {
  // The lecture's 1-1-1 table has 13 columns: 130 cells in 10 rows.
  const StudentGrade& exact = student("s01");
  EXPECT_EQ(exact.expected, 130);
  EXPECT_EQ(exact.correct, 130);
  EXPECT_EQ(exact.wrong, 0);
  EXPECT_FALSE(exact.first_slip);
  EXPECT_DOUBLE_EQ(exact.score, 100);

  for (const auto& [i, slip] : plants()) {
    SCOPED_TRACE(id_of(i) + " " + slip);
    const StudentGrade& s = student(id_of(i));
    const Plant p = plant_for(i, slip);
    ASSERT_TRUE(s.first_slip);
    EXPECT_EQ(s.first_slip->row, p.row);
    EXPECT_EQ(s.first_slip->column, p.column);
    EXPECT_EQ(s.first_slip->slip_id, slip);
    EXPECT_EQ(s.slips, 1);
    EXPECT_NEAR(s.score, 100.0 * 129 / 130, 1e-9);  // one cell of 130
  }
  EXPECT_EQ(student("s11").first_slip->slip, "The bias b2 is missing from z2.");

  const StudentGrade& three = student("s21");  // every number to 3 decimals
  EXPECT_EQ(three.wrong, 0);
  EXPECT_DOUBLE_EQ(three.score, 100);
  const StudentGrade& off = student("s22");  // L in row 7 one unit off: rounding, full credit
  EXPECT_EQ(off.rounding, 1);
  EXPECT_EQ(off.wrong, 0);
  EXPECT_DOUBLE_EQ(off.score, 100);

  const StudentGrade& stopped = student("s23");  // 6 of 10 rows: 78 of 130 cells
  EXPECT_EQ(stopped.rows, 6);
  EXPECT_TRUE(stopped.stopped_early());
  EXPECT_EQ(stopped.missing, 52);
  EXPECT_NEAR(stopped.score, 60, 1e-9);

  EXPECT_DOUBLE_EQ(student("s28").score, 100);  // Markdown
  EXPECT_DOUBLE_EQ(student("s29").score, 100);  // tab-separated
}

TEST(GradeClass, ItemAnalysisIsKnownInAdvance) {
  const nntutor::ItemAnalysis a = nntutor::item_analysis(graded());
  EXPECT_EQ(a.students, 27);
  EXPECT_EQ(a.no_slip, 17);
  std::vector<std::string> slips;
  for (const auto& s : a.slips) slips.push_back(s.slip_id + ":" + std::to_string(s.students) + ":" + std::to_string(s.times));
  EXPECT_EQ(slips, (std::vector<std::string>{"no-bias:4:4", "update-sign:3:3", "no-half:2:2", "gradient-sign:1:1"}));
  EXPECT_EQ(a.first_slip_rows, (std::vector<int>{0, 2, 4, 3, 1, 0, 0, 0, 0, 0}));
  std::map<std::string, int> own, first;
  for (const auto& c : a.columns) {
    if (c.students_slip) own[c.column] = c.students_slip;
    if (c.first_slips) first[c.column] = c.first_slips;
    EXPECT_EQ(c.students_wrong, c.students_slip) << c.column;  // no number here follows a slip
  }
  EXPECT_EQ(own, (std::map<std::string, int>{{"z2", 4}, {"w2", 3}, {"L", 2}, {"dL/dw2", 1}}));
  EXPECT_EQ(first, own);
  ASSERT_EQ(a.columns.size(), 13u);
  EXPECT_EQ(a.columns[0].column, "w1");
  ASSERT_EQ(a.stopped_early.size(), 2u);
  EXPECT_EQ(a.stopped_early[0].id, "s23");
  EXPECT_EQ(a.stopped_early[1].id, "s24");
  EXPECT_EQ(a.stopped_early[0].rows, 6);
  // 15 at 100, 10 at 129/130·100, 2 at 60.
  EXPECT_NEAR(a.mean_score, (15 * 100 + 10 * 100.0 * 129 / 130 + 2 * 60) / 27, 1e-9);
  EXPECT_DOUBLE_EQ(a.median_score, 100);
}

TEST(GradeClass, StepModeGivesTheSameSlipsAndScores) {
  const SyntheticClass c = synthetic_class();
  const ClassGrade step = nntutor::grade_class(c.keys, c.submissions, Rubric{}, CheckMode::kStep);
  ASSERT_EQ(step.students.size(), graded().students.size());
  for (std::size_t k = 0; k < step.students.size(); ++k) {
    EXPECT_NEAR(step.students[k].score, graded().students[k].score, 1e-9) << step.students[k].id;
    EXPECT_EQ(step.students[k].slips, graded().students[k].slips) << step.students[k].id;
  }
}

TEST(GradeRubric, SchemesWeightsRoundingAndFollows) {
  const Session key = nntutor::parse_session(key_json(11));
  const std::string no_bias = planted(11, "no-bias");
  Rubric rows;
  rows.scheme = Rubric::Scheme::kRows;
  EXPECT_NEAR(nntutor::grade_submission(key, no_bias, rows, CheckMode::kStart).score, 90, 1e-9);  // 9 of 10 rows
  Rubric gradients = nntutor::parse_rubric(R"({"weights": {"gradients": 2}, "points": 20})");
  // Per row 4 parameters + 4 forward + 4 gradients × 2 + L = 17; z2 of row 3 lost: 169 of 170.
  EXPECT_NEAR(nntutor::grade_submission(key, no_bias, gradients, CheckMode::kStart).score, 20.0 * 169 / 170, 1e-9);
  const Session key20 = nntutor::parse_session(key_json(20));
  EXPECT_NEAR(nntutor::grade_submission(key20, planted(20, "gradient-sign"), gradients, CheckMode::kStart).score,
              20.0 * 168 / 170, 1e-9);

  // The slide's table (lecture.md): 1 slip and 3 numbers that follow it, of 65.
  const Session lecture = nntutor::parse_session(nntutor_test::lecture_json());
  const std::string slide = nntutor_test::read_text(nntutor_test::source_path("examples/lecture-slide-eta0.1.csv"));
  const StudentGrade s = nntutor::grade_submission(lecture, slide, Rubric{}, CheckMode::kStart);
  EXPECT_EQ(s.slips, 1);
  EXPECT_EQ(s.follows, 3);
  EXPECT_NEAR(s.score, 100.0 * 64 / 65, 1e-9);
  const Rubric strict = nntutor::parse_rubric(R"({"follows": "wrong", "rounding": 0.5})");
  const StudentGrade t = nntutor::grade_submission(lecture, slide, strict, CheckMode::kStart);
  // Right: 65 − 1 − 3 − rounding ones; each rounding cell earns ½.
  EXPECT_NEAR(t.score, 100.0 * (s.correct + 0.5 * s.rounding) / 65, 1e-9);
}

TEST(GradeRubric, BadRubricsAreNamed) {
  EXPECT_SESSION_ERROR(nntutor::parse_rubric("{\"scheme\": \"all\"}"),
                       "rubric.scheme: expected \"cells\" or \"rows\", got \"all\"");
  EXPECT_SESSION_ERROR(nntutor::parse_rubric("{\"rounding\": 2}"), "rubric.rounding: expected a number from 0 to 1, got 2");
  EXPECT_SESSION_ERROR(nntutor::parse_rubric("{\"weights\": {\"biases\": 1}}"),
                       "rubric.weights.biases: unknown column group (expected parameters, forward, loss, gradients or other)");
  EXPECT_SESSION_ERROR(nntutor::parse_rubric("{\"pts\": 1}"),
                       "rubric.pts: unknown field (expected scheme, points, rounding, follows or weights)");
  EXPECT_SESSION_ERROR(nntutor::parse_rubric("[1]"), "rubric: expected a JSON object such as {\"scheme\": \"cells\"}");
  EXPECT_EQ(nntutor::rubric_json(Rubric{}),
            R"({"scheme":"cells","points":100.0,"rounding":1.0,"follows":"right","weights":{"parameters":1.0,"forward":1.0,"loss":1.0,"gradients":1.0,"other":1.0}})");
}

TEST(GradeClass, ABadKeyIsNamedAndTheRestIsGraded) {
  const std::vector<GradeFile> keys = {{"a.json", key_json(1)}, {"b.session.json", "{\"inputs\": 3}"},
                                       {"c.json", key_json(2)}, {"c.session.json", key_json(2)}};
  const std::vector<GradeFile> subs = {{"a.csv", join(exact_cells(1))}, {"b.csv", join(exact_cells(1))},
                                       {"c.csv", join(exact_cells(2))}};
  const ClassGrade g = nntutor::grade_class(keys, subs, Rubric{}, CheckMode::kStart);
  ASSERT_EQ(g.students.size(), 1u);
  EXPECT_EQ(g.students[0].id, "a");
  std::vector<std::string> kinds;
  for (const auto& p : g.problems) kinds.push_back(p.file + ":" + p.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"b.csv:bad-key", "b.session.json:bad-key", "c.json:duplicate-key",
                                             "c.session.json:duplicate-key"}));
}

TEST(GradeClass, AKeyTheCheckerCannotGradeIsTheKeysProblem) {
  std::string adam = key_json(1);
  adam.replace(adam.find("\"sgd\""), 5, "\"adam\"");
  const ClassGrade g = nntutor::grade_class({{"a.json", adam}}, {{"a.csv", join(exact_cells(1))}}, Rubric{}, CheckMode::kStart);
  EXPECT_TRUE(g.students.empty());
  ASSERT_EQ(g.problems.size(), 2u);
  EXPECT_EQ(g.problems[0].file, "a.csv");
  EXPECT_EQ(g.problems[0].message, "not graded: its key a.json cannot be read");
  EXPECT_EQ(g.problems[1].file, "a.json");
  EXPECT_EQ(g.problems[1].kind, "bad-key");
  EXPECT_EQ(g.problems[1].message.rfind("the key cannot be read: check: the checker knows plain gradient descent", 0), 0u)
      << g.problems[1].message;
}

TEST(GradeSheet, CsvJsonMarkdownAndTheReport) {
  const std::string csv = nntutor::grade_sheet_csv(graded());
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "id,file,status,rows,steps,correct,rounding,wrong,follows,slips,missing,first_slip_row,"
            "first_slip_column,first_slip_id,first_slip,score,points,line,message");
  EXPECT_NE(csv.find("\ns11,s11.csv,graded,10,10,129,0,1,0,1,0,3,z2,no-bias,The bias b2 is missing from z2.,99.23,100,,\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\ns25,s25.csv,unreadable,,,,,,,,,,,,,,,3,\"line 3, column 2 (w1): expected a number, got \"\"abc\"\"\"\n"),
            std::string::npos);
  EXPECT_NE(csv.find("\ns23,s23.csv,graded,6,10,78,0,0,0,0,52,,,,,60.00,100,,\n"), std::string::npos);
  // One line per graded student and per problem.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 27 + 6);

  const json j = json::parse(nntutor::grade_sheet_json(graded()));
  EXPECT_EQ(j["students"].size(), 27u);
  EXPECT_EQ(j["problems"].size(), 6u);
  EXPECT_EQ(j["analysis"]["slips"][0]["slip_id"], "no-bias");
  EXPECT_EQ(j["students"][10]["first_slip"]["column"], "z2");

  const std::string md = nntutor::grade_sheet_markdown(graded());
  EXPECT_NE(md.find("| s11 | s11.csv | 10 of 10 | 129 | 0 | 1 | 0 | z2 in row 3 (no-bias) | 99.23 / 100 |"), std::string::npos)
      << md;

  const std::string report = nntutor::item_analysis_markdown(graded(), nntutor::item_analysis(graded()));
  EXPECT_NE(report.find("# What the class got wrong"), std::string::npos);
  EXPECT_NE(report.find("| no-bias | 4 | 4 | The bias b2 is missing from z2. |"), std::string::npos) << report;
  EXPECT_NE(report.find("| z2 | 4 | 4 | 4 |"), std::string::npos);
  EXPECT_NE(report.find("- s23: 6 of 10 rows"), std::string::npos);
  EXPECT_NE(report.find("- s25.csv, line 3 (unreadable): line 3, column 2 (w1)"), std::string::npos);
  // Three charts: columns, slips, first slip by row.
  std::size_t charts = 0;
  for (std::size_t at = report.find("<svg "); at != std::string::npos; at = report.find("<svg ", at + 1)) ++charts;
  EXPECT_EQ(charts, 3u);
}

TEST(GradeSheet, BarChartsAreAccessibleSvg) {
  const std::string svg = nntutor::bar_chart_svg("First slip by row", "One bar per row.", {{"row 1", 2}, {"row <2>", 4}}, "");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"", 0), 0u);
  EXPECT_NE(svg.find("aria-labelledby=\"grade-first-slip-by-row-title grade-first-slip-by-row-desc\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"grade-first-slip-by-row-title\">First slip by row</title>"), std::string::npos);
  EXPECT_NE(svg.find(">row &lt;2&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find("width=\"180\""), std::string::npos);  // row 1: half of the longest bar (360)
  EXPECT_NE(svg.find("width=\"360\""), std::string::npos);
  EXPECT_NE(svg.find(">4</text>"), std::string::npos);
}

TEST(GradeFiles, IdsAndPlans) {
  EXPECT_EQ(nntutor::file_id("class/s07.session.json"), "s07");
  EXPECT_EQ(nntutor::file_id("s07.csv"), "s07");
  EXPECT_EQ(nntutor::file_id("C:\\x\\s07.v2.md"), "s07");
  const nntutor::GradePlan plan = nntutor::plan_grading({"b.json", "a.session.json", "a.sheet.md"}, {"b.TXT", "a.tsv"});
  ASSERT_EQ(plan.tasks.size(), 2u);
  EXPECT_EQ(plan.tasks[0].id, "a");
  EXPECT_EQ(plan.tasks[0].key, "a.session.json");
  EXPECT_EQ(plan.tasks[1].submission, "b.TXT");
  EXPECT_TRUE(plan.problems.empty());
}

// ---- The command ----

using nntutor_test::cli;
using nntutor_test::CliResult;

std::string write_class(const SyntheticClass& c) {
  namespace fs = std::filesystem;
  const std::string root = nntutor_test::temp_path("class");
  fs::create_directories(root + "/keys");
  fs::create_directories(root + "/subs");
  for (const auto& k : c.keys) std::ofstream(root + "/keys/" + k.name, std::ios::binary) << k.text;
  for (const auto& s : c.submissions) std::ofstream(root + "/subs/" + s.name, std::ios::binary) << s.text;
  return root;
}

TEST(GradeCli, ClassSheetAnalysisAndExitCode) {
  const std::string root = write_class(synthetic_class());
  const CliResult r = cli("grade '" + root + "/keys' '" + root + "/subs' --analysis '" + root + "/analysis.md'");
  EXPECT_EQ(r.status, 1);  // problems were listed
  EXPECT_EQ(r.out, nntutor::grade_sheet_csv(graded()));
  EXPECT_NE(r.err.find("nntutor: grade: s25.csv, line 3: line 3, column 2 (w1): expected a number, got \"abc\"\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("nntutor: grade: x99.csv: no key for x99"), std::string::npos);
  EXPECT_EQ(nntutor_test::read_text(root + "/analysis.md"),
            nntutor::item_analysis_markdown(graded(), nntutor::item_analysis(graded())));

  const CliResult json_out = cli("grade '" + root + "/keys' '" + root + "/subs' --format json --mode step");
  EXPECT_EQ(json::parse(json_out.out)["mode"], "step");
  const CliResult md = cli("grade '" + root + "/keys' '" + root + "/subs' --format markdown");
  EXPECT_EQ(md.out, nntutor::grade_sheet_markdown(graded()));
}

TEST(GradeCli, AllGoodIsExitZeroAndBadInputIsTwo) {
  SyntheticClass c;
  for (int i = 1; i <= 3; ++i) {
    c.keys.push_back({id_of(i) + ".json", key_json(i)});
    c.submissions.push_back({id_of(i) + ".csv", join(exact_cells(i))});
  }
  const std::string root = write_class(c);
  const CliResult ok = cli("grade '" + root + "/keys' '" + root + "/subs' --rubric '" +
                           nntutor_test::write_temp("rubric.json", "{\"points\": 20}") + "'");
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(ok.err, "");
  EXPECT_NE(ok.out.find("\ns03,s03.csv,graded,10,10,130,0,0,0,0,0,,,,,20.00,20,,\n"), std::string::npos) << ok.out;

  const CliResult no_folder = cli("grade '" + root + "/nothing' '" + root + "/subs'");
  EXPECT_EQ(no_folder.status, 2);
  EXPECT_EQ(no_folder.err, "nntutor: " + root + "/nothing: not a folder (KEYS is a folder of files named by student id)\n");
  const std::string bad = nntutor_test::write_temp("rubric.json", "{\"scheme\": 1}");
  const CliResult bad_rubric = cli("grade '" + root + "/keys' '" + root + "/subs' --rubric '" + bad + "'");
  EXPECT_EQ(bad_rubric.status, 2);
  EXPECT_EQ(bad_rubric.err, "nntutor: " + bad + ": rubric.scheme: expected \"cells\" or \"rows\", got 1\n");
  const CliResult bad_mode = cli("grade '" + root + "/keys' '" + root + "/subs' --mode exact");
  EXPECT_EQ(bad_mode.status, 2);
}

}  // namespace
