// The checker: reading a student's table (CSV, TSV, Markdown, header spellings, every bad
// input with its message), the verdicts in both modes on the slide's η = 0.1 table, the
// known slips planted one by one, a 2-2-1 network with engine names, and `nntutor check`.
#include "nntutor/check.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "nntutor/table.hpp"
#include "test_helpers.hpp"

namespace {

using nlohmann::json;
using nntutor::CellCheck;
using nntutor::CheckMode;
using nntutor::CheckReport;
using nntutor::Session;
using nntutor::Verdict;
using nntutor_test::lecture_json;

Session lecture_session() { return nntutor::parse_session(lecture_json()); }

/// The engine's own table of `session` for `steps` steps as CSV with `precision` decimals.
std::string exact_csv(Session session, int steps, int precision = 4) {
  nntutor::set_steps(session, steps);
  return nntutor::render(session, nntutor::run(session), nntutor::Format::kCsv, precision);
}

std::vector<std::vector<std::string>> csv_cells(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(csv);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream fields(line);
    while (std::getline(fields, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

std::string join_csv(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + row[i];
    out += "\n";
  }
  return out;
}

/// The lecture's exact table at 4 decimals with the cell (row, column) replaced by `text`.
std::string planted(int row, const std::string& column, const std::string& text, int steps = 5) {
  auto rows = csv_cells(exact_csv(lecture_session(), steps));
  const auto& header = rows[0];
  const auto at = std::find(header.begin(), header.end(), column) - header.begin();
  EXPECT_LT(static_cast<std::size_t>(at), header.size()) << column;
  rows[static_cast<std::size_t>(row)][static_cast<std::size_t>(at)] = text;
  return join_csv(rows);
}

std::string four(double v) { return nntutor::fixed(v, 4); }

CheckReport check(const Session& session, const std::string& text, CheckMode mode) {
  return nntutor::check_answer(session, nntutor::parse_answer(session, text), mode);
}
CheckReport check(const std::string& text, CheckMode mode = CheckMode::kStart) {
  return check(lecture_session(), text, mode);
}

const CellCheck* find(const CheckReport& r, int row, const std::string& column) {
  for (const auto& c : r.cells)
    if (c.row == row && c.column == column) return &c;
  return nullptr;
}

/// The exact trace of the lecture session, to compute slips from.
nntutor::Trace lecture_trace(int steps = 5) {
  Session s = lecture_session();
  nntutor::set_steps(s, steps);
  return nntutor::run(s);
}

std::vector<const CellCheck*> wrong_cells(const CheckReport& r) {
  std::vector<const CellCheck*> out;
  for (const auto& c : r.cells)
    if (c.verdict == Verdict::kWrong) out.push_back(&c);
  return out;
}

// ---- An exact answer ----

TEST(CheckExact, TheEnginesOwnTableIsAllCorrectInBothModes) {
  const std::string csv = exact_csv(lecture_session(), 5);
  for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
    const CheckReport r = check(csv, mode);
    EXPECT_EQ(r.cells.size(), 5u * 13);
    EXPECT_EQ(r.correct, 65);
    EXPECT_EQ(r.rounding, 0);
    EXPECT_EQ(r.wrong, 0);
    EXPECT_FALSE(r.first_wrong);
    EXPECT_EQ(r.summary, "All 65 cells are correct.");
  }
  const CheckReport start = check(csv);
  const CellCheck* z2 = find(start, 2, "z2");
  ASSERT_NE(z2, nullptr);
  EXPECT_EQ(z2->given, "0.5109");
  EXPECT_EQ(z2->expected, "0.5109");
  EXPECT_EQ(z2->why, "equals the exact value to 4 decimals");
  EXPECT_EQ(z2->formula, "z2 = w2·y1 + b2");
}

TEST(CheckExact, FormulasAreTheLectures) {
  const CheckReport r = check(exact_csv(lecture_session(), 3));
  const auto formula = [&](int row, const char* column) { return find(r, row, column)->formula; };
  EXPECT_EQ(formula(1, "z1"), "z1 = w1·x + b1");
  EXPECT_EQ(formula(1, "y2"), "y2 = σ(z2)");
  EXPECT_EQ(formula(1, "L"), "L = ½(y2 − y)²");
  EXPECT_EQ(formula(1, "dL/dw2"), "dL/dw2 = (y2 − y)·(1 − y2)y2·y1");
  EXPECT_EQ(formula(1, "dL/db2"), "dL/db2 = (y2 − y)·(1 − y2)y2");
  EXPECT_EQ(formula(1, "dL/dw1"), "dL/dw1 = (y2 − y)·(1 − y2)y2·w2·(1 − y1)y1·x");
  EXPECT_EQ(formula(1, "dL/db1"), "dL/db1 = (y2 − y)·(1 − y2)y2·w2·(1 − y1)y1");
  EXPECT_EQ(formula(1, "w1"), "w1 (step 1) = its start value in the session");
  EXPECT_EQ(formula(3, "w1"), "w1 (step 3) = w1 (step 2) − η·dL/dw1 (step 2), η = 0.1");
}

TEST(CheckExact, MoreDecimalsAndAccumulatedRoundingAreAccepted) {
  // A student who rounds every number to 4 decimals and computes from the rounded ones.
  const std::string rounded =
      "step,w1,b1,z1,y1,dL/dw1,w2,b2,z2,y2,dL/dw2,dL/db2,L\n"
      "1,0.5,0,0.5,0.6225,-0.0167,0.8,0,0.498,0.622,-0.0553,-0.0889,0.0714\n"
      "2,0.50167,0.00167,0.50334,0.62324,-0.01662,0.80553,0.00889,0.51093,0.62502,-0.05477,-0.08788,0.0703\n";
  for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
    const CheckReport r = check(rounded, mode);
    EXPECT_EQ(r.wrong, 0) << r.summary;
  }
}

// ---- The slide's η = 0.1 table ----

std::string slide() {
  return nntutor_test::read_text(nntutor_test::source_path("examples/lecture-slide-eta0.1.csv"));
}

TEST(CheckSlide, RowOneIsRoundingOnly) {
  for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
    const CheckReport r = check(slide(), mode);
    for (const auto& c : r.cells)
      if (c.row == 1) EXPECT_NE(c.verdict, Verdict::kWrong) << c.column;
    const CellCheck* g = find(r, 1, "dL/dw1");
    EXPECT_EQ(g->verdict, Verdict::kRounding);
    EXPECT_EQ(g->header, "∇L(w/b1)");
    EXPECT_EQ(g->given, "-0.0168");
    EXPECT_EQ(g->expected, "-0.0167");
    EXPECT_EQ(find(r, 1, "dL/db1")->verdict, Verdict::kRounding);  // the same cell, checked as both
    EXPECT_EQ(find(r, 1, "L")->verdict, Verdict::kRounding);
    EXPECT_EQ(find(r, 1, "z2")->verdict, Verdict::kCorrect);
  }
  const CheckReport start = check(slide());
  const CellCheck* L = find(start, 1, "L");
  EXPECT_EQ(L->why, "differs from the exact value 0.071449 by at most 2 units of the last decimal: a "
                    "rounding difference");
}

TEST(CheckSlide, StartModeReportsTheSlipAndWhatInheritsIt) {
  const CheckReport r = check(slide(), CheckMode::kStart);
  ASSERT_TRUE(r.first_wrong);
  const CellCheck& z2 = r.cells[*r.first_wrong];
  EXPECT_EQ(z2.row, 2);
  EXPECT_EQ(z2.column, "z2");
  EXPECT_EQ(z2.given, "0.5151");
  EXPECT_EQ(z2.expected, "0.5109");
  EXPECT_EQ(z2.verdict, Verdict::kWrong);
  EXPECT_EQ(z2.formula, "z2 = w2·y1 + b2");
  EXPECT_EQ(z2.why, "your own numbers give 0.5109, as does the exact run");
  EXPECT_EQ(z2.slip, "No known slip explains this.");
  EXPECT_EQ(z2.slip_id, "");
  // y2, dL/db2 and L of row 2 are computed correctly from the wrong z2: wrong here, inherited.
  for (const char* column : {"y2", "dL/db2", "L"}) {
    const CellCheck* c = find(r, 2, column);
    EXPECT_EQ(c->verdict, Verdict::kWrong) << column;
    ASSERT_TRUE(c->follows) << column;
    EXPECT_EQ(*c->follows, std::make_pair(2, std::string("z2")));
    EXPECT_EQ(c->slip, "") << column;
  }
  EXPECT_EQ(find(r, 2, "y2")->why, "follows from your z2 in row 2, which is wrong; the exact value is 0.6250");
  EXPECT_EQ(r.wrong, 4);
  EXPECT_EQ(r.follows, 3);
  EXPECT_EQ(r.summary.rfind("1 of 65 cells is wrong and 3 follow from it. The first slip is z2 in row 2: "
                            "0.5151, expected 0.5109 (z2 = w2·y1 + b2). No known slip explains this. Step "
                            "mode, which checks each row from your own previous one, accepts those that follow.",
                            0),
            0u)
      << r.summary;
}

TEST(CheckSlide, StepModeReportsTheSlipOnceAndTheRestFollows) {
  const CheckReport r = check(slide(), CheckMode::kStep);
  ASSERT_EQ(wrong_cells(r).size(), 1u) << r.summary;
  EXPECT_EQ(wrong_cells(r)[0]->column, "z2");
  EXPECT_EQ(wrong_cells(r)[0]->row, 2);
  EXPECT_EQ(wrong_cells(r)[0]->why, "your own numbers give 0.5109, as does the exact run");
  const CellCheck* y2 = find(r, 2, "y2");
  EXPECT_EQ(y2->verdict, Verdict::kCorrect);
  EXPECT_EQ(y2->expected, "0.6260");  // σ(0.5151)
  EXPECT_EQ(y2->why, "follows correctly from your z2 in row 2 (a slip there); the exact value is 0.6250");
  ASSERT_TRUE(y2->follows);
  EXPECT_EQ(r.follows, 3);
  // Rows 3–5 continue from the slip; with η = 0.1 it moves the next parameters by only
  // η·Δ(dL/dw2) ≈ 3e-5, so they are within rounding of the exact run too.
  for (const auto& c : r.cells)
    if (c.row >= 3) EXPECT_NE(c.verdict, Verdict::kWrong) << c.row << " " << c.column;
  EXPECT_EQ(r.summary,
            "1 of 65 cells is wrong. The first slip is z2 in row 2: 0.5151, expected 0.5109 (z2 = w2·y1 + "
            "b2). No known slip explains this. 3 cells follow correctly from slips. 3 cells differ only by "
            "rounding.");
  EXPECT_EQ(r.notes, std::vector<std::string>{
                         "∇L(w/b1) is checked as both dL/dw1 and dL/db1 (the slide writes one column "
                         "because x = 1 makes them equal; in general they differ)."});
}

/// Row 1 exact; from row 2 on the run continues from w2 updated with the wrong sign
/// (w2 + η·dL/dw2), so every later number inherits it.
std::string update_sign_slip() {
  const nntutor::Trace t = lecture_trace(1);
  const auto& l1 = t.steps[0].layers[0];
  const auto& l2 = t.steps[0].layers[1];
  json j = json::parse(lecture_json());
  j["layers"][0]["weights"] = {{l1.W(0, 0) - 0.1 * l1.dW(0, 0)}};
  j["layers"][0]["biases"] = {l1.b(0) - 0.1 * l1.db(0)};
  j["layers"][1]["weights"] = {{l2.W(0, 0) + 0.1 * l2.dW(0, 0)}};
  j["layers"][1]["biases"] = {l2.b(0) - 0.1 * l2.db(0)};
  auto rows = csv_cells(exact_csv(lecture_session(), 1));
  const auto later = csv_cells(exact_csv(nntutor::parse_session(j.dump()), 4));
  for (std::size_t k = 1; k < later.size(); ++k) {
    auto row = later[k];
    row[0] = std::to_string(k + 1);
    rows.push_back(row);
  }
  return join_csv(rows);
}

TEST(CheckModes, ASlipInAParameterIsInheritedByEveryLaterRow) {
  const std::string csv = update_sign_slip();
  const CheckReport step = check(csv, CheckMode::kStep);
  ASSERT_EQ(wrong_cells(step).size(), 1u) << step.summary;
  const CellCheck& w2 = *wrong_cells(step)[0];
  EXPECT_EQ(w2.row, 2);
  EXPECT_EQ(w2.column, "w2");
  EXPECT_EQ(w2.given, "0.7945");
  EXPECT_EQ(w2.expected, "0.8055");
  EXPECT_EQ(w2.slip_id, "update-sign");
  EXPECT_EQ(w2.slip, "The update has the wrong sign: w2 + η·dL/dw2 instead of w2 − η·dL/dw2.");
  EXPECT_EQ(w2.formula, "w2 (step 2) = w2 (step 1) − η·dL/dw2 (step 1), η = 0.1");
  EXPECT_GT(step.follows, 20);

  const CheckReport start = check(csv, CheckMode::kStart);
  EXPECT_GT(start.wrong, 20);
  ASSERT_TRUE(start.first_wrong);
  EXPECT_EQ(start.cells[*start.first_wrong].column, "w2");
  for (const CellCheck* c : wrong_cells(start)) {
    if (c->column == "w2" && c->row == 2) continue;
    EXPECT_GE(c->row, 2);
    ASSERT_TRUE(c->follows) << c->row << " " << c->column;
    EXPECT_EQ(*c->follows, std::make_pair(2, std::string("w2")));
  }
  EXPECT_EQ(find(start, 5, "z2")->verdict, Verdict::kWrong);
  EXPECT_EQ(find(step, 5, "z2")->verdict, Verdict::kCorrect);
}

// ---- Known slips, planted one at a time in the exact table ----

struct Planted {
  int row;
  const char* column;
  double value;
  const char* id;
  const char* sentence;
};

std::vector<Planted> planted_slips() {
  const nntutor::Trace t = lecture_trace();
  const double eta = 0.1;
  const auto W = [&](int k, int l) { return t.steps[static_cast<std::size_t>(k - 1)].layers[static_cast<std::size_t>(l - 1)].W(0, 0); };
  const auto b = [&](int k, int l) { return t.steps[static_cast<std::size_t>(k - 1)].layers[static_cast<std::size_t>(l - 1)].b(0); };
  const auto z = [&](int k, int l) { return t.steps[static_cast<std::size_t>(k - 1)].layers[static_cast<std::size_t>(l - 1)].z(0, 0); };
  const auto y = [&](int k, int l) { return t.steps[static_cast<std::size_t>(k - 1)].layers[static_cast<std::size_t>(l - 1)].y(0, 0); };
  const auto dW = [&](int k, int l) { return t.steps[static_cast<std::size_t>(k - 1)].layers[static_cast<std::size_t>(l - 1)].dW(0, 0); };
  const auto db = [&](int k, int l) { return t.steps[static_cast<std::size_t>(k - 1)].layers[static_cast<std::size_t>(l - 1)].db(0); };
  const auto L = [&](int k) { return t.steps[static_cast<std::size_t>(k - 1)].loss; };
  const auto s = [](double v) { return nntutor::sigmoid(v); };
  const double e2 = y(2, 2) - 1;  // (y2 − y) in row 2
  return {
      {3, "w2", W(2, 2) + eta * dW(2, 2), "update-sign",
       "The update has the wrong sign: w2 + η·dL/dw2 instead of w2 − η·dL/dw2."},
      {3, "b2", b(2, 2) - db(2, 2), "no-learning-rate",
       "η is missing from the update: b2 − dL/db2 instead of b2 − η·dL/db2."},
      {3, "w1", W(2, 1) - eta * eta * dW(2, 1), "learning-rate-twice",
       "η is applied twice: w1 − η²·dL/dw1 instead of w1 − η·dL/dw1."},
      {3, "b2", b(2, 2), "no-update", "b2 is copied from the row above: the update b2 − η·dL/db2 is missing."},
      {2, "w2", W(3, 2), "after-update",
       "This is w2 after this step's update; each row shows the parameters before it."},
      {2, "z2", W(2, 2) * y(2, 1), "no-bias", "The bias b2 is missing from z2."},
      {2, "z2", W(2, 2) * z(2, 1) + b(2, 2), "z-for-y", "z1 was used where y1 = σ(z1) belongs."},
      {1, "y1", z(1, 1), "no-activation", "The activation is missing: y1 = z1 instead of σ(z1)."},
      {2, "y2", y(2, 2) * (1 - y(2, 2)), "derivative-for-activation",
       "This is σ′(z2) = (1 − y2)y2, not σ(z2)."},
      {2, "y2", s(-z(2, 2)), "exponent-sign",
       "The sign of the exponent is flipped: 1/(1 + e^z2) instead of 1/(1 + e^−z2)."},
      {3, "y2", y(2, 2), "copied", "This is y2 of the row above: it was not recomputed."},
      {2, "L", e2 * e2, "no-half", "The ½ is missing: (y2 − y)² instead of ½(y2 − y)²."},
      {2, "L", 0.5 * e2, "no-square", "(y2 − y) is not squared."},
      {2, "L", 0.5 * (z(2, 2) - 1) * (z(2, 2) - 1), "z-for-y", "z2 was used where y2 = ŷ belongs."},
      {2, "dL/dw2", -dW(2, 2), "gradient-sign",
       "(y − y2) was used instead of (y2 − y): the gradient has the wrong sign."},
      {2, "dL/dw2", e2 * y(2, 2) * y(2, 1), "activation-for-derivative",
       "y2 = σ(z2) was used where σ′(z2) = (1 − y2)y2 belongs."},
      {2, "dL/db2", e2, "derivative-missing", "The factor σ′(z2) = (1 − y2)y2 is missing."},
      {2, "dL/dw1", db(2, 2) * (1 - y(2, 1)) * y(2, 1), "weight-missing", "w2 is missing from the chain."},
      {2, "dL/dw2", db(2, 2), "input-missing", "The factor y1 (what w2 multiplies) is missing."},
      {2, "dL/dw2", db(2, 2) * z(2, 1), "z-for-y-input", "z1 was used where y1 belongs (w2 multiplies y1)."},
      {2, "dL/db2", 2 * db(2, 2), "loss-factor-2",
       "A factor 2 is too many: the derivative of ½(y2 − y)² is (y2 − y)."},
      {2, "dL/dw1", dW(2, 2), "other-gradient", "This is the value of dL/dw2: the gradient of the wrong layer."},
      {2, "dL/dw2", dW(3, 2), "before-update",
       "The gradient was taken after the update; take it first, then update the parameters."},
      {2, "L", L(2) * 1.5, "", "No known slip explains this."},
  };
}

TEST(CheckSlips, EachPlantedSlipIsNamed) {
  for (const Planted& p : planted_slips()) {
    SCOPED_TRACE(std::string(p.id) + " in row " + std::to_string(p.row) + ", " + p.column);
    const std::string csv = planted(p.row, p.column, four(p.value));
    for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
      const CheckReport r = check(csv, mode);
      ASSERT_EQ(wrong_cells(r).size(), 1u) << r.summary;
      const CellCheck& c = *wrong_cells(r)[0];
      EXPECT_EQ(c.row, p.row);
      EXPECT_EQ(c.column, p.column);
      EXPECT_EQ(c.slip_id, p.id);
      EXPECT_EQ(c.slip, p.sentence);
      EXPECT_EQ(r.first_wrong, std::optional<std::size_t>(static_cast<std::size_t>(&c - r.cells.data())));
    }
  }
}

TEST(CheckSlips, TwoSamplesAndMse) {
  // 1-1 linear on two samples: L and the gradients are means over samples.
  const Session two = nntutor::parse_session(
      R"({"inputs": [[1], [2], [-1]], "targets": [[1], [3], [0]],
          "layers": [{"units": 1, "activation": "linear", "weights": [[0.5]], "biases": [0.25]}],
          "steps": 2})");
  const nntutor::Trace t = nntutor::run(two);
  auto rows = csv_cells(exact_csv(two, 2));
  ASSERT_EQ(rows[0].back(), "L");
  rows[1].back() = four(3 * t.steps[0].loss);
  const CheckReport r = check(two, join_csv(rows), CheckMode::kStart);
  ASSERT_EQ(wrong_cells(r).size(), 1u);
  EXPECT_EQ(wrong_cells(r)[0]->slip_id, "sum-over-samples");
  EXPECT_EQ(wrong_cells(r)[0]->formula, "L = (1/3)Σ_s ½(y1@s − y@s)²");

  json j = json::parse(lecture_json());
  j["loss"] = "mse";
  const Session mse = nntutor::parse_session(j.dump());
  const nntutor::Trace tm = nntutor::run(mse);
  rows = csv_cells(exact_csv(mse, 2));
  rows[1].back() = four(tm.steps[0].loss / 2);
  const CheckReport rm = check(mse, join_csv(rows), CheckMode::kStart);
  ASSERT_EQ(wrong_cells(rm).size(), 1u);
  EXPECT_EQ(wrong_cells(rm)[0]->slip_id, "extra-half");
  EXPECT_EQ(wrong_cells(rm)[0]->formula, "L = (y2 − y)²");
}

// ---- A larger network with the engine's names ----

const char* const k221Session =
    R"({"inputs": [[1, -0.5]], "targets": [[1]],
        "layers": [{"units": 2, "activation": "sigmoid", "weights": [[0.5, -0.25], [0.75, 0.1]],
                    "biases": [0.1, -0.2]},
                   {"units": 1, "activation": "sigmoid", "weights": [[0.8, -0.6]], "biases": [0.05]}],
        "steps": 3})";

TEST(CheckLarger, A221NetworkWithEngineNames) {
  const Session s = nntutor::parse_session(k221Session);
  const std::string csv = exact_csv(s, 3);
  EXPECT_EQ(csv.rfind("step,\"w1[1,1]\",\"w1[1,2]\",\"w1[2,1]\",\"w1[2,2]\",b1[1],b1[2],z1[1],z1[2],", 0), 0u);
  for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
    const CheckReport r = check(s, csv, mode);
    EXPECT_EQ(r.wrong, 0) << r.summary;
    EXPECT_EQ(r.cells.size(), 3u * 25);
  }
  const CheckReport r = check(s, csv, CheckMode::kStart);
  EXPECT_EQ(find(r, 1, "z1[2]")->formula, "z1[2] = w1[2,1]·x[1] + w1[2,2]·x[2] + b1[2]");
  EXPECT_EQ(find(r, 1, "z2")->formula, "z2 = w2[1,1]·y1[1] + w2[1,2]·y1[2] + b2");
  EXPECT_EQ(find(r, 1, "dL/dw1[2,1]")->formula, "dL/dw1[2,1] = (y2 − y)·(1 − y2)y2·w2[1,2]·(1 − y1[2])y1[2]·x[1]");

  // A slip in z1[2] (the bias left out), in a table pasted from a spreadsheet (tabs).
  const nntutor::Trace t = nntutor::run(s);
  const auto table = nntutor::make_table(s.network, 1, t);
  std::string tsv;
  for (std::size_t c = 0; c < table.columns.size(); ++c) tsv += (c ? "\t" : "") + table.columns[c].name;
  tsv += "\n";
  for (std::size_t k = 0; k < table.rows.size(); ++k) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      std::string v = c == 0 ? std::to_string(k + 1) : four(table.rows[k][c]);
      if (k == 1 && table.columns[c].name == "z1[2]") v = four(t.steps[1].layers[0].z(1, 0) - t.steps[1].layers[0].b(1));
      tsv += (c ? "\t" : "") + v;
    }
    tsv += "\n";
  }
  const CheckReport slip = check(s, tsv, CheckMode::kStep);
  ASSERT_EQ(wrong_cells(slip).size(), 1u) << slip.summary;
  EXPECT_EQ(wrong_cells(slip)[0]->column, "z1[2]");
  EXPECT_EQ(wrong_cells(slip)[0]->slip_id, "no-bias");
  EXPECT_EQ(wrong_cells(slip)[0]->slip, "The bias b1[2] is missing from z1[2].");
}

TEST(CheckLarger, OraclePropertyOnRandomNetworks) {
  // The engine's own table at 6 decimals is correct in both modes for any network.
  std::mt19937 random(7);
  const std::vector<std::string> activations = {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear"};
  for (int n = 0; n < 12; ++n) {
    json j;
    const int inputs = 1 + static_cast<int>(random() % 3), samples = 1 + static_cast<int>(random() % 3);
    j["inputs"] = json::array();
    j["targets"] = json::array();
    for (int s = 0; s < samples; ++s) {
      json x = json::array();
      for (int i = 0; i < inputs; ++i) x.push_back(static_cast<int>(random() % 5) - 2);
      j["inputs"].push_back(x);
      j["targets"].push_back({static_cast<int>(random() % 2)});
    }
    j["layers"] = {{{"units", 1 + static_cast<int>(random() % 3)}, {"activation", activations[random() % 6]}},
                   {{"units", 1}, {"activation", activations[random() % 6]}}};
    j["seed"] = n;
    j["loss"] = n % 2 ? "mse" : "half_sse";
    const Session s = nntutor::parse_session(j.dump());
    const std::string csv = exact_csv(s, 4, 6);
    for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
      const CheckReport r = check(s, csv, mode);
      EXPECT_EQ(r.wrong, 0) << j.dump() << "\n" << r.summary;
    }
  }
}

// ---- Reading the table ----

/// The engine names a one-column answer with header `header` is matched to.
std::vector<std::string> matched(const std::string& header) {
  const Session s = lecture_session();
  const auto answer = nntutor::parse_answer(s, "step," + header + "\n1,0.5\n");
  const auto columns = nntutor::table_columns(s.network, 1);
  std::vector<std::string> out;
  for (std::size_t c : answer.columns[1].columns) out.push_back(columns[c].name);
  return out;
}

TEST(ParseAnswer, HeaderSpellings) {
  using V = std::vector<std::string>;
  for (const char* h : {"w1", "w_1", "W1", "W_{1}", "w₁", "$w_{1}$", "**w1**", " w 1 "})
    EXPECT_EQ(matched(h), V{"w1"}) << h;
  for (const char* h : {"dL/dw2", "∂L/∂w2", "∂L/∂w_2", "∇L(w2)", "∇L(w_2)", "grad w2", "grad(w2)",
                        "dw2", "dW2", "dL_dw2", "$\\partial L/\\partial w_{2}$", "\\nabla L(w_2)"})
    EXPECT_EQ(matched(h), V{"dL/dw2"}) << h;
  EXPECT_EQ(matched("∇L(b2)"), V{"dL/db2"});
  for (const char* h : {"∇L(w/b1)", "dL/dw/b1", "∇L(w1/b1)"}) EXPECT_EQ(matched(h), (V{"dL/dw1", "dL/db1"})) << h;
  for (const char* h : {"y2", "ŷ", "yhat", "y_hat", "Y2", "\\hat{y}"}) EXPECT_EQ(matched(h), V{"y2"}) << h;
  for (const char* h : {"L", "loss", "Loss"}) EXPECT_EQ(matched(h), V{"L"}) << h;
  for (const char* h : {"step", "k", "#", "Step"}) {
    const auto a = nntutor::parse_answer(lecture_session(), std::string(h) + ",w1\n1,0.5\n");
    EXPECT_TRUE(a.columns[0].columns.empty()) << h;
  }
  // The engine's names of a larger network, and our own LaTeX export's sample suffix.
  const Session s = nntutor::parse_session(
      R"({"inputs": [[1, 2], [3, 4]], "targets": [[1], [0]],
          "layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]})");
  const auto a = nntutor::parse_answer(
      s, "step,\"w2[1,3]\",b1[2],z1[1]@2,$z_{1}[3]^{(s=1)}$,\"dL/dw1[2,1]\",∂L/∂b1[3],ŷ@2\n1,1,1,1,1,1,1,1\n");
  const auto columns = nntutor::table_columns(s.network, 2);
  V names;
  for (std::size_t i = 1; i < a.columns.size(); ++i) names.push_back(columns[a.columns[i].columns[0]].name);
  EXPECT_EQ(names, (V{"w2[1,3]", "b1[2]", "z1[1]@2", "z1[3]@1", "dL/dw1[2,1]", "dL/db1[3]", "y2@2"}));
}

TEST(ParseAnswer, MarkdownTsvSemicolonsAndComments) {
  Session s = lecture_session();
  nntutor::set_steps(s, 2);
  const nntutor::Trace t = nntutor::run(s);
  const std::string markdown = nntutor::render(s, t, nntutor::Format::kMarkdown, 4);
  std::string tsv = exact_csv(lecture_session(), 2), semicolons = tsv;
  std::replace(tsv.begin(), tsv.end(), ',', '\t');
  std::replace(semicolons.begin(), semicolons.end(), ',', ';');
  for (const std::string& text : {markdown, tsv, semicolons, "# a comment\n\n" + tsv + "\n# Diverged …\n",
                                  std::string("\xEF\xBB\xBF") + markdown, "## My table\n" + markdown}) {
    const CheckReport r = check(text);
    EXPECT_EQ(r.correct, 26) << text;
  }
  // Decimal points, − for minus, $…$ around numbers, empty cells not checked.
  const auto a = nntutor::parse_answer(s, "| step | w1 | dL/dw1 |\n|:--|--:|---|\n| 1 | $0.5$ | −0.0167 |\n| 2 |  | -1.67e-2 |\n");
  ASSERT_EQ(a.rows.size(), 2u);
  EXPECT_EQ(a.rows[0].cells[1].text, "0.5");
  EXPECT_EQ(a.rows[0].cells[2].text, "-0.0167");
  EXPECT_EQ(a.rows[0].cells[2].decimals, 4);
  EXPECT_TRUE(std::isnan(a.rows[1].cells[1].value));
  EXPECT_EQ(a.rows[1].cells[2].decimals, 4);
  EXPECT_EQ(a.columns[1].decimals, 1);
  EXPECT_EQ(check(std::string("step,w1,dL/dw1\n1,0.5,-0.0167\n2,,-1.67e-2\n")).cells.size(), 3u);
}

TEST(ParseAnswer, ANumberIsCheckedToTheDecimalsWritten) {
  const CheckReport r = check("step,w1,z1,y1\n1,0.5,0.5,0.6\n2,0.5017,0.5033,0.6232\n", CheckMode::kStep);
  EXPECT_EQ(find(r, 1, "w1")->verdict, Verdict::kCorrect);
  EXPECT_EQ(find(r, 1, "w1")->expected, "0.5");
  EXPECT_EQ(find(r, 1, "y1")->verdict, Verdict::kCorrect);
  EXPECT_EQ(find(r, 1, "y1")->why,
            "equals the exact value to 1 decimal (checked to the 1 decimal written; others in this column have 4)");
  // Integers get the band of 2 decimals (±0.02), not ±2.
  const CheckReport whole = check("step,y1,y2\n1,0,0.63\n");  // y1 = 0.6225 rounds to 1
  EXPECT_EQ(find(whole, 1, "y1")->verdict, Verdict::kWrong);
  EXPECT_EQ(find(whole, 1, "y2")->verdict, Verdict::kRounding);
  EXPECT_EQ(find(whole, 1, "y2")->why,
            "differs from the exact value 0.6220 by at most 2 units of the last decimal: a rounding difference");
  EXPECT_EQ(check("step,y1\n1,0.61\n").wrong, 0);
  EXPECT_EQ(check("step,y1\n1,0.6\n").wrong, 0);   // correct to 1 decimal
  EXPECT_EQ(check("step,y1\n1,0.7\n").wrong, 1);   // 0.0775 off: more than 0.02
  // 0.5 is the exact w1, not a rounded one: z1 = 0.55 is not excused as rounding.
  const CheckReport z = check("step,w1,b1,z1\n1,0.5,0,0.55\n", CheckMode::kStep);
  EXPECT_EQ(find(z, 1, "z1")->verdict, Verdict::kWrong);
}

const std::string kHeader = "step,w1,b1,z1,y1,dL/dw1,dL/db1,w2,b2,z2,y2,dL/dw2,dL/db2,L\n";

TEST(ParseAnswer, BadInputSaysWhereAndWhat) {
  const Session s = lecture_session();
  const auto bad = [&](const std::string& text, const std::string& message) {
    EXPECT_SESSION_ERROR(nntutor::parse_answer(s, text), message);
  };
  bad("", "answer: the text is empty (expected a header row such as step,w1,b1,… and one row per step)");
  bad("\n  \n# only a comment\n",
      "answer: the text is empty (expected a header row such as step,w1,b1,… and one row per step)");
  bad(kHeader, "answer: a header row (line 1) but no rows of numbers");
  bad("| step | w1 |\n|---|---|\n", "answer: a header row (line 1) but no rows of numbers");
  bad("step,w1,b1\n1,0.5\n", "line 2: expected 3 cells like the header (line 1), got 2");
  bad("step,w1\n1,0,5\n",
      "line 2: expected 2 cells like the header (line 1), got 3 (decimal commas? write 0.5, not 0,5)");
  bad("step,w1\n1,abc\n", "line 2, column 2 (w1): expected a number, got \"abc\"");
  bad("step,w1\n1,0.5.1\n", "line 2, column 2 (w1): expected a number, got \"0.5.1\"");
  bad("step,w1\n1,nan\n", "line 2, column 2 (w1): expected a number, got \"nan\"");
  bad("step\tw1\n1\t0,5\n", "line 2, column 2 (w1): \"0,5\" has a decimal comma; use a decimal point (0.5)");
  bad("step;w1\n1;-0,0167\n",
      "line 2, column 2 (w1): \"-0,0167\" has a decimal comma; use a decimal point (-0.0167)");
  bad("step,w1\n1,1e999\n", "line 2, column 2 (w1): \"1e999\" is too large for a number");
  bad("step,w1\n1,0.5\n3,0.5\n", "line 3, column 1 (step): expected step 2 (the next one), got \"3\"");
  bad("step,w1\n0,0.5\n", "line 2, column 1 (step): expected step 1 (the first), got \"0\"");
  bad("step,w1\n1,0.5\n1,0.5\n", "line 3, column 1 (step): expected step 2 (the next one), got \"1\"");
  bad("step,w1\n,0.5\n", "line 2, column 1 (step): expected step 1 (the first), got an empty cell");
  bad("step,w1\n1.0,0.5\n", "line 2, column 1 (step): expected step 1 (the first), got \"1.0\"");
  bad("step,eta\n1,0.1\n",
      "line 1, column 2: unknown column \"eta\" (expected step or one of w1, b1, z1, y1, dL/dw1, dL/db1, "
      "w2, b2, z2, y2, dL/dw2, dL/db2, L; docs/check.md lists the spellings)");
  bad("step,w3\n1,0.1\n",
      "line 1, column 2: unknown column \"w3\" (expected step or one of w1, b1, z1, y1, dL/dw1, dL/db1, "
      "w2, b2, z2, y2, dL/dw2, dL/db2, L; docs/check.md lists the spellings)");
  bad("step,w1,W_1\n1,0.5,0.5\n", "line 1, column 3: \"W_1\" is w1 again (column 2)");
  bad("step,∇L(w/b1),dL/db1\n1,1,1\n", "line 1, column 3: \"dL/db1\" is dL/db1 again (column 2)");
  bad("k,step,w1\n1,1,0.5\n", "line 1, column 2: \"step\" is step again (column 1)");
  bad("w1,b1\n0.5,0\n", "line 1: no step column (name one step, k or #)");
  bad("step\n1\n",
      "line 1: no column to check (expected some of w1, b1, z1, y1, dL/dw1, dL/db1, w2, b2, z2, y2, "
      "dL/dw2, dL/db2, L)");
  bad("step,,w1\n1,1,1\n", "line 1, column 2: empty column name");
  bad("step,w1\n1,\"0.5\n", "line 2: a quote (\") is not closed");
  bad("| step | w1 |\n|---|---|\n| 1 | 0.5 |\nnot a row\n",
      "line 4: expected a Markdown table row starting with |");
  bad("| step | w1 |\n|---|---|\n| 1 | 0.5 |\n\n| 2 | 0.5 |\n",
      "line 5: expected a Markdown table row starting with | (the table ended at the blank line before)");
  std::string many = "step,w1\n";
  for (int k = 1; k <= 1001; ++k) many += std::to_string(k) + ",0.5\n";
  bad(many, "line 1002: more than 1000 rows (the checker reads at most 1000 steps)");
  const Session big = nntutor::parse_session(
      R"({"inputs": [[1]], "targets": [[1]], "layers": [{"units": 200, "activation": "relu"},
          {"units": 1, "activation": "linear"}]})");
  std::string numbers = "step";
  for (int k = 1; k <= 199; ++k) numbers += ",\"w1[" + std::to_string(k) + ",1]\"";
  numbers += "\n";
  for (int r = 1; r <= 501; ++r) {
    numbers += std::to_string(r);
    for (int k = 1; k <= 199; ++k) numbers += ",0.1";
    numbers += "\n";
  }
  EXPECT_SESSION_ERROR(nntutor::parse_answer(big, numbers),
                       "line 502: more than 100000 numbers (the checker reads at most 100000)");
}

TEST(ParseAnswer, ThousandRowsAreFine) {
  std::string rows = "step,w1\n";
  for (int k = 1; k <= 1000; ++k) rows += std::to_string(k) + ",0.5\n";
  const CheckReport r = check(rows, CheckMode::kStep);
  EXPECT_EQ(r.cells.size(), 1000u);
}

TEST(ParseAnswer, GarbageNeverCrashes) {
  // Random edits of a good table: each is read and checked, or refused with a SessionError.
  const std::string good = "# comment\n" + exact_csv(lecture_session(), 3) + "| x |\n";
  const std::string alphabet = ",;\t|\n\"[]#-.e0123456789 $*`wbzyLd/\xE2\x88\x87\xC2\xA0";
  std::mt19937 random(11);
  const Session s = lecture_session();
  for (int n = 0; n < 3000; ++n) {
    std::string text = good;
    for (int edits = 1 + static_cast<int>(random() % 4); edits > 0; --edits) {
      const std::size_t at = random() % (text.size() + 1);
      switch (random() % 3) {
        case 0: text.insert(at, 1, alphabet[random() % alphabet.size()]); break;
        case 1: if (at < text.size()) text.erase(at, 1); break;
        default: if (at < text.size()) text[at] = alphabet[random() % alphabet.size()];
      }
    }
    try {
      const std::string out = nntutor::check_answer_json(s, text, n % 2 ? CheckMode::kStep : CheckMode::kStart);
      EXPECT_TRUE(json::accept(out));
    } catch (const nntutor::SessionError&) {
    }
  }
}

TEST(ParseAnswer, HugeAndOverflowingNumbersAreJudgedNotCrashed) {
  const CheckReport r = check("step,w1,z1,y1,L\n1,1e300,1e308,0.5,1e-300\n2,-1e300,5,0.5,0\n", CheckMode::kStep);
  EXPECT_GT(r.wrong, 0);
  EXPECT_TRUE(json::accept(nntutor::check_report_json(r)));
}

TEST(CheckMode, ParsesStartAndStep) {
  EXPECT_EQ(nntutor::parse_check_mode("start"), CheckMode::kStart);
  EXPECT_EQ(nntutor::parse_check_mode("step"), CheckMode::kStep);
  EXPECT_SESSION_ERROR(nntutor::parse_check_mode("steps"), "--mode: expected start or step, got \"steps\"");
}

TEST(CheckSession, MoreRowsThanTheSessionAllows) {
  // 256 units × 256 inputs: 1000 rows would be a larger table than a run may record.
  json j;
  j["inputs"] = {std::vector<double>(256, 1.0)};
  j["targets"] = {{1}};
  j["layers"] = {{{"units", 256}, {"activation", "relu"}}, {{"units", 1}, {"activation", "linear"}}};
  const Session s = nntutor::parse_session(j.dump());
  std::string rows = "step,L\n";
  for (int k = 1; k <= 1000; ++k) rows += std::to_string(k) + ",0.5\n";
  EXPECT_SESSION_ERROR(check(s, rows, CheckMode::kStart),
                       "answer: 1000 rows are more steps than this session allows (steps: a table of "
                       "1000 steps × 132613 numbers is more than the limit of 5e6 numbers; use fewer "
                       "steps or a smaller network)");
}

TEST(CheckJson, Shape) {
  const json j = json::parse(nntutor::check_answer_json(lecture_session(), slide(), CheckMode::kStart));
  ASSERT_EQ(j["cells"].size(), 65u);
  const json& z2 = j["cells"][13 + 8];  // 13 cells a row (∇L(w/b1) is two); z2 is the 9th
  EXPECT_EQ(z2["row"], 2);
  EXPECT_EQ(z2["column"], "z2");
  EXPECT_EQ(z2["given"], "0.5151");
  EXPECT_EQ(z2["expected"], "0.5109");
  EXPECT_EQ(z2["verdict"], "wrong");
  EXPECT_EQ(z2["formula"], "z2 = w2·y1 + b2");
  EXPECT_EQ(z2["slip"], "No known slip explains this.");
  EXPECT_TRUE(z2["slip_id"].is_null());
  EXPECT_EQ(z2["line"], 7);
  EXPECT_EQ(j["cells"][0],
            json({{"row", 1}, {"column", "w1"}, {"given", "0.5000"}, {"expected", "0.5000"}, {"verdict", "correct"},
                  {"why", "equals the exact value to 4 decimals"},
                  {"formula", "w1 (step 1) = its start value in the session"}, {"header", "w1"}, {"line", 6}}));
  const json& y2 = j["cells"][13 + 9];
  EXPECT_EQ(y2["follows"], json({{"row", 2}, {"column", "z2"}}));
  EXPECT_FALSE(y2.contains("slip"));
  const json& summary = j["summary"];
  EXPECT_EQ(summary["correct"], 51);
  EXPECT_EQ(summary["rounding"], 10);
  EXPECT_EQ(summary["wrong"], 4);
  EXPECT_EQ(summary["first_wrong"], json({{"row", 2}, {"column", "z2"}}));
  EXPECT_EQ(summary["mode"], "start");
  EXPECT_EQ(summary["follows"], 3);
  EXPECT_TRUE(summary["text"].is_string());
  const json ok = json::parse(nntutor::check_answer_json(lecture_session(), exact_csv(lecture_session(), 1),
                                                         CheckMode::kStep));
  EXPECT_TRUE(ok["summary"]["first_wrong"].is_null());
}

// ---- The CLI, end to end ----

using nntutor_test::CliResult;
using nntutor_test::cli;
using nntutor_test::temp_path;
using nntutor_test::write_temp;

const std::string kLecture = "'" + nntutor_test::source_path("examples/lecture.json") + "'";
const std::string kSlide = "'" + nntutor_test::source_path("examples/lecture-slide-eta0.1.csv") + "'";

TEST(CheckCli, ExitCodes) {
  const std::string exact = write_temp("exact.csv", exact_csv(lecture_session(), 5));
  const CliResult ok = cli("check " + kLecture + " '" + exact + "'");
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(ok.out, "All 65 cells are correct.\n");
  EXPECT_EQ(ok.err, "");

  const CliResult wrong = cli("check " + kLecture + " " + kSlide);
  EXPECT_EQ(wrong.status, 1);
  EXPECT_EQ(wrong.out.rfind("1 of 65 cells is wrong and 3 follow from it. The first slip is z2 in row 2", 0), 0u)
      << wrong.out;
  EXPECT_NE(wrong.out.find("\nWrong:\n  row 2, z2: 0.5151 (expected 0.5109) - your own numbers give 0.5109, as "
                           "does the exact run.\n    No known slip explains this.\n    z2 = w2·y1 + b2\n"),
            std::string::npos)
      << wrong.out;
  EXPECT_EQ(wrong.err, "");

  const CliResult step = cli("check " + kLecture + " " + kSlide + " --mode step");
  EXPECT_EQ(step.status, 1);
  EXPECT_NE(step.out.find("\nFollowing an earlier slip:\n  row 2, y2: 0.6260 (expected 0.6260) - follows "
                          "correctly from your z2 in row 2"),
            std::string::npos)
      << step.out;
}

TEST(CheckCli, JsonIsTheLibrarys) {
  const CliResult r = cli("check " + kLecture + " " + kSlide + " --format json --mode step");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, nntutor::check_answer_json(lecture_session(), slide(), CheckMode::kStep) + "\n");
  const json j = json::parse(r.out);
  EXPECT_EQ(j["summary"]["wrong"], 1);
}

TEST(CheckCli, AnswerFromStandardInput) {
  const std::string text = exact_csv(lecture_session(), 2);
  const CliResult r = cli("check " + kLecture + " -", &text);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "All 26 cells are correct.\n");
}

void expect_bad(const std::string& args, const std::string& message, const std::string* stdin_text = nullptr) {
  SCOPED_TRACE("nntutor " + args);
  const CliResult r = cli(args, stdin_text);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, message + "\n");
  EXPECT_EQ(r.out, "");
}

TEST(CheckCli, BadInput) {
  const std::string path = write_temp("bad.csv", "step,w1\n1,abc\n");
  expect_bad("check " + kLecture + " '" + path + "'",
             "nntutor: " + path + ": line 2, column 2 (w1): expected a number, got \"abc\"");
  const std::string empty = write_temp("empty.csv", "");
  expect_bad("check " + kLecture + " '" + empty + "'",
             "nntutor: " + empty +
                 ": answer: the text is empty (expected a header row such as step,w1,b1,… and one row per step)");
  const std::string text = "step,w1\n1,0,5\n";
  expect_bad("check " + kLecture + " -", "nntutor: -: line 2: expected 2 cells like the header (line 1), got 3 "
                                         "(decimal commas? write 0.5, not 0,5)",
             &text);
  expect_bad("check " + kLecture, "nntutor: ANSWER: expected an answer file or -");
  expect_bad("check", "nntutor: SESSION.json: expected a session file or -");
  expect_bad("check - -", "nntutor: -: only one of SESSION.json and ANSWER can be standard input");
  expect_bad("check " + kLecture + " " + kSlide + " --mode exact",
             "nntutor: --mode: expected start or step, got \"exact\"");
  expect_bad("check " + kLecture + " " + kSlide + " --format csv",
             "nntutor: --format: expected text or json, got \"csv\"");
  expect_bad("check " + kLecture + " " + kSlide + " extra.csv",
             "nntutor: extra.csv: unexpected argument (check reads one session and one answer)");
  expect_bad("check " + kLecture + " " + kSlide + " --steps 3",
             "nntutor: --steps: unknown option (expected --mode, --format)");
  const std::string missing = temp_path("missing.csv");
  expect_bad("check " + kLecture + " '" + missing + "'", "nntutor: " + missing + ": cannot open the file");
}

TEST(CheckRefuses, OtherOptimizersLossesAndMiniBatchesByName) {
  json j = json::parse(lecture_json());
  const std::string answer = "step,w1\n1,0.5\n";
  const auto expect = [&](const std::string& message) {
    const Session s = nntutor::parse_session(j.dump());
    EXPECT_SESSION_ERROR(nntutor::parse_answer(s, answer), message);
    EXPECT_SESSION_ERROR(nntutor::check_answer_json(s, answer, CheckMode::kStart), message);
  };
  const std::string knows = "check: the checker knows plain gradient descent (sgd on every sample) with "
                            "the loss half_sse or mse; this session's ";
  j["optimizer"] = {{"name", "adam"}};
  expect(knows + "optimizer.name is adam");
  j["optimizer"] = {{"name", "sgd"}, {"batch_size", 1}};
  j["inputs"] = {{1}, {0}};
  j["targets"] = {{1}, {0}};
  expect(knows + "optimizer.batch_size is 1 (of 2 samples)");
  j = json::parse(lecture_json());
  j["loss"] = "mae";
  expect(knows + "loss is mae");
  // A batch as large as the data is every sample: checked as before.
  j = json::parse(lecture_json());
  j["optimizer"] = {{"name", "sgd"}, {"learning_rate", 0.1}, {"batch_size", 4}};
  const auto report = nntutor::check_answer(nntutor::parse_session(j.dump()),
                                            nntutor::parse_answer(nntutor::parse_session(j.dump()), answer),
                                            CheckMode::kStart);
  EXPECT_EQ(report.wrong, 0);
}

}  // namespace

namespace {

// ---- A new activation is one row: softplus and swish are checked like the lecture's ----

TEST(CheckNewActivations, SoftplusAndSwishTablesAndTheirFormulas) {
  const Session s = nntutor::parse_session(
      R"({"inputs": [[1]], "targets": [[1]],
          "layers": [{"units": 1, "activation": "softplus", "weights": [[0.5]], "biases": [0]},
                     {"units": 1, "activation": "swish", "weights": [[0.8]], "biases": [0]}],
          "steps": 3})");
  const std::string csv = exact_csv(s, 3);
  for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
    const CheckReport r = check(s, csv, mode);
    EXPECT_EQ(r.wrong, 0) << r.summary;
    EXPECT_EQ(r.cells.size(), 3u * 13);
  }
  const CheckReport r = check(s, csv, CheckMode::kStart);
  EXPECT_EQ(find(r, 1, "y1")->formula, "y1 = ln(1 + e^z1)");
  EXPECT_EQ(find(r, 1, "y2")->formula, "y2 = z2·σ(z2)");
  EXPECT_EQ(find(r, 1, "dL/dw1")->formula,
            "dL/dw1 = (y2 − y)·(y2 + σ(z2)(1 − y2))·w2·σ(z1)·x");

  // y1 written as z1 (the activation left out) is wrong, and what follows from it follows.
  auto rows = csv_cells(csv);
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin());
  };
  rows[1][col("y1")] = rows[1][col("z1")];
  const CheckReport slip = check(s, join_csv(rows), CheckMode::kStart);
  const CellCheck* y1 = find(slip, 1, "y1");
  ASSERT_NE(y1, nullptr);
  EXPECT_EQ(y1->verdict, Verdict::kWrong);
  EXPECT_EQ(y1->formula, "y1 = ln(1 + e^z1)");
}

}  // namespace
