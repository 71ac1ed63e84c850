// The checker and the tutor on graph sessions (docs/check.md "Graph sessions"): a correct table
// gets full marks in both modes (the lecture's chain, a branching graph, random DAGs); planted
// slips are found with their names, cells and sentences, the graph's own (a successor's term
// left out, δ summed over predecessors) included; the lecture's network written as a graph gets
// the same verdicts and slips as the layered session for the same table, column names aside;
// the tutor asks a graph's step neuron by neuron; and `nntutor check` / `tutor` take graphs.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "nntutor/check.hpp"
#include "nntutor/graph.hpp"
#include "nntutor/graph_random.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/tutor.hpp"
#include "test_helpers.hpp"

namespace {

using nlohmann::json;
using nntutor::CellCheck;
using nntutor::CheckMode;
using nntutor::CheckReport;
using nntutor::Session;
using nntutor::Verdict;

const char* const kLectureGraph = R"({"inputs": [[1]], "targets": [[1]],
  "graph": {"nodes": [{"activation": "sigmoid", "bias": 0}, {"activation": "sigmoid", "bias": 0}],
            "edges": [{"from": "x1", "to": 1, "weight": 0.5}, {"from": 1, "to": 2, "weight": 0.8}],
            "outputs": [2]},
  "loss": "half_sse", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "steps": 5})";

/// Two inputs, four neurons: 1 and 2 read the inputs, 3 reads 1 and 2, the output 4 reads 1
/// (a skip) and 3. Neuron 1 has two successors, neuron 3 two neuron predecessors.
const char* const kBranching = R"({"inputs": [[1, -0.5]], "targets": [[0.7]],
  "graph": {"nodes": [{"activation": "tanh", "bias": 0.1}, {"activation": "sigmoid", "bias": -0.2},
                      {"activation": "sigmoid", "bias": 0.05}, {"activation": "sigmoid", "bias": 0}],
            "edges": [{"from": "x1", "to": 1, "weight": 0.5}, {"from": "x2", "to": 1, "weight": -0.25},
                      {"from": "x2", "to": 2, "weight": 0.75}, {"from": 1, "to": 3, "weight": 0.8},
                      {"from": 2, "to": 3, "weight": -0.6}, {"from": 1, "to": 4, "weight": 0.3},
                      {"from": 3, "to": 4, "weight": 0.9}],
            "outputs": [4]},
  "loss": "half_sse", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "steps": 3})";

Session graph(const char* text) { return nntutor::parse_session(text); }

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
    bool quote = false;
    for (char c : line) {
      if (c == '"') quote = !quote;
      else if (c == ',' && !quote) cells.push_back(cell), cell.clear();
      else cell += c;
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

std::string join_csv(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + ("\"" + row[i] + "\"");
    out += "\n";
  }
  return out;
}

CheckReport check(const Session& s, const std::string& text, CheckMode mode) {
  return nntutor::check_answer(s, nntutor::parse_answer(s, text), mode);
}

std::vector<const CellCheck*> wrong_cells(const CheckReport& r) {
  std::vector<const CellCheck*> out;
  for (const auto& c : r.cells)
    if (c.verdict == Verdict::kWrong) out.push_back(&c);
  return out;
}

/// The exact table of `s` (`steps` rows, 4 decimals) with (row, column) set to `value`.
std::string planted(const Session& s, int steps, int row, const std::string& column, double value) {
  auto rows = csv_cells(exact_csv(s, steps));
  const auto at = std::find(rows[0].begin(), rows[0].end(), column) - rows[0].begin();
  EXPECT_LT(static_cast<std::size_t>(at), rows[0].size()) << column;
  rows[static_cast<std::size_t>(row)][static_cast<std::size_t>(at)] = nntutor::fixed(value, 4);
  return join_csv(rows);
}

// ---- Full marks ----

TEST(GraphCheck, TheEnginesOwnTableIsAllCorrectInBothModes) {
  for (const char* text : {kLectureGraph, kBranching}) {
    const Session s = graph(text);
    const std::string csv = exact_csv(s, 4);
    for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
      const CheckReport r = check(s, csv, mode);
      EXPECT_EQ(r.wrong, 0) << r.summary;
      EXPECT_EQ(r.rounding, 0) << r.summary;
      EXPECT_FALSE(r.first_wrong);
    }
  }
  const CheckReport r = check(graph(kLectureGraph), exact_csv(graph(kLectureGraph), 5), CheckMode::kStart);
  EXPECT_EQ(r.summary, "All 65 cells are correct.");
}

TEST(GraphCheck, RandomDagsAtSixDecimalsAreCorrect) {
  // The oracle property on random DAGs: sources read every input, one output neuron reads every
  // sink; random activations, samples and losses.
  std::mt19937 random(11);
  const std::vector<std::string> activations = {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear",
                                                "softplus", "swish"};
  for (int n = 0; n < 16; ++n) {
    const int d = 1 + static_cast<int>(random() % 3), N = 2 + static_cast<int>(random() % 5);
    const int samples = 1 + static_cast<int>(random() % 3);
    json j;
    for (int s = 0; s < samples; ++s) {
      json x = json::array();
      for (int i = 0; i < d; ++i) x.push_back(static_cast<int>(random() % 5) - 2);
      j["inputs"].push_back(x);
      j["targets"].push_back({static_cast<int>(random() % 3) - 1});
    }
    json nodes = json::array(), edges = json::array();
    std::vector<bool> has_pred(static_cast<std::size_t>(N + 1), false), has_succ(has_pred);
    for (int t = 2; t <= N; ++t)
      for (int f = 1; f < t; ++f)
        if (random() % 2) edges.push_back({{"from", f}, {"to", t}}), has_pred[t] = true, has_succ[f] = true;
    for (int t = 1; t <= N; ++t) {
      nodes.push_back({{"activation", activations[random() % activations.size()]}, {"bias", 0.1 * (t % 3)}});
      if (!has_pred[static_cast<std::size_t>(t)])
        for (int i = 1; i <= d; ++i) edges.push_back({{"from", "x" + std::to_string(i)}, {"to", t}});
    }
    nodes.push_back({{"activation", n % 2 ? "linear" : "sigmoid"}});
    for (int f = 1; f <= N; ++f)
      if (!has_succ[static_cast<std::size_t>(f)]) edges.push_back({{"from", f}, {"to", N + 1}});
    j["graph"] = {{"nodes", nodes}, {"edges", edges}, {"outputs", {N + 1}}};
    j["seed"] = n;
    j["loss"] = n % 3 ? "half_sse" : "mse";
    j["optimizer"] = {{"name", "sgd"}, {"learning_rate", 0.2}};
    const Session s = nntutor::parse_session(j.dump());
    const std::string csv = exact_csv(s, 3, 6);
    for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
      const CheckReport r = check(s, csv, mode);
      EXPECT_EQ(r.wrong, 0) << j.dump() << "\n" << r.summary;
    }
  }
}

TEST(GraphCheck, GeneratedGraphsOfEachFamilyAreCorrect) {
  for (const char* request : {R"({"family": "er", "nodes": 8, "p": 0.4, "seed": 2})",
                              R"({"family": "ba", "nodes": 8, "m": 2, "seed": 2})",
                              R"({"family": "ws", "nodes": 8, "k": 4, "p": 0.25, "seed": 2, "activation": "tanh"})"}) {
    const Session s = nntutor::parse_session(nntutor::generate_json(request));
    const std::string csv = exact_csv(s, 3, 6);
    for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
      const CheckReport r = check(s, csv, mode);
      EXPECT_EQ(r.wrong, 0) << request << "\n" << r.summary;
    }
  }
}

// ---- The lecture's network as a graph: the layered checker's verdicts ----

/// The layered lecture's column names and the graph's.
const std::map<std::string, std::string> kGraphName = {
    {"step", "step"}, {"w1", "w[1,x1]"}, {"w2", "w[2,1]"}, {"b1", "b[1]"}, {"b2", "b[2]"},
    {"z1", "z[1]"}, {"z2", "z[2]"}, {"y1", "y[1]"}, {"y2", "y[2]"}, {"dL/dw1", "dL/dw[1,x1]"},
    {"dL/dw2", "dL/dw[2,1]"}, {"dL/db1", "dL/db[1]"}, {"dL/db2", "dL/db[2]"}, {"L", "L"}};

TEST(GraphCheck, TheLecturesNetworkAsAGraphGetsTheLayeredVerdicts) {
  const Session layered = nntutor::parse_session(nntutor_test::lecture_json());
  const Session as_graph = nntutor::layered_session_as_graph(layered);
  ASSERT_TRUE(as_graph.is_graph());
  const auto base = csv_cells(exact_csv(layered, 4));
  const nntutor::Trace t = nntutor::run(layered);
  int compared = 0, wrong = 0;
  // Every cell of rows 2 and 3 changed four ways: by 0.01, its sign, the row above's number, twice it.
  for (int row = 2; row <= 3; ++row)
    for (std::size_t col = 1; col < base[0].size(); ++col)
      for (int how = 0; how < 4; ++how) {
        auto rows = base;
        const double v = std::stod(rows[static_cast<std::size_t>(row)][col]);
        const double above = std::stod(rows[static_cast<std::size_t>(row - 1)][col]);
        const double value = how == 0 ? v + 0.01 : how == 1 ? -v : how == 2 ? above : 2 * v;
        rows[static_cast<std::size_t>(row)][col] = nntutor::fixed(value, 4);
        auto renamed = rows;
        for (auto& h : renamed[0]) h = kGraphName.at(h);
        for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
          SCOPED_TRACE(base[0][col] + " in row " + std::to_string(row) + ", change " + std::to_string(how));
          const CheckReport a = check(layered, join_csv(rows), mode);
          const CheckReport b = check(as_graph, join_csv(renamed), mode);
          ASSERT_EQ(a.cells.size(), b.cells.size());
          for (std::size_t n = 0; n < a.cells.size(); ++n) {
            const CellCheck &x = a.cells[n], &y = b.cells[n];
            EXPECT_EQ(kGraphName.at(x.column), y.column);
            EXPECT_EQ(x.verdict, y.verdict) << x.column;
            EXPECT_EQ(x.expected, y.expected) << x.column;
            EXPECT_EQ(x.slip_id, y.slip_id) << x.column;
            EXPECT_EQ(x.follows.has_value(), y.follows.has_value()) << x.column;
            if (x.follows && y.follows) {
              EXPECT_EQ(x.follows->first, y.follows->first);
              EXPECT_EQ(kGraphName.at(x.follows->second), y.follows->second);
            }
            ++compared;
            wrong += x.verdict == Verdict::kWrong;
          }
          EXPECT_EQ(a.correct, b.correct);
          EXPECT_EQ(a.rounding, b.rounding);
          EXPECT_EQ(a.follows, b.follows);
        }
      }
  EXPECT_GT(compared, 10000);
  EXPECT_GE(wrong, 200);
  (void)t;
}

TEST(GraphCheck, TheSlidesSlipAsAGraph) {
  const Session s = graph(kLectureGraph);
  const nntutor::Trace t = nntutor::run(s);
  const CheckReport r = check(s, planted(s, 5, 2, "z[2]", 0.5151), CheckMode::kStart);
  ASSERT_EQ(wrong_cells(r).size(), 1u) << r.summary;
  const CellCheck& z = *wrong_cells(r)[0];
  EXPECT_EQ(z.column, "z[2]");
  EXPECT_EQ(z.expected, "0.5109");
  EXPECT_EQ(z.formula, "z[2] = w[2,1]·y[1] + b[2]");
  EXPECT_EQ(z.slip, "No known slip explains this.");
  EXPECT_EQ(r.summary.rfind("1 of 65 cells is wrong. The first slip is z[2] in row 2: 0.5151, expected 0.5109", 0), 0u)
      << r.summary;
}

// ---- Planted slips on a branching graph ----

double sigma(double z) { return 1 / (1 + std::exp(-z)); }

/// The branching graph's step 2 by hand (z, y, δ per neuron; x = (1, −0.5), target 0.7).
struct Hand {
  double w[8], b[5], z[5], y[5], d[5], dd[5];  // 1-based neurons; edges 1…7 as in kBranching
};

Hand by_hand(const nntutor::StepTrace& t) {
  Hand h{};
  for (int e = 1; e <= 7; ++e) h.w[e] = t.layers[0].W(e - 1, 0);
  for (int j = 1; j <= 4; ++j) h.b[j] = t.layers[0].b(j - 1);
  const double x1 = 1, x2 = -0.5;
  h.z[1] = h.w[1] * x1 + h.w[2] * x2 + h.b[1], h.y[1] = std::tanh(h.z[1]);
  h.z[2] = h.w[3] * x2 + h.b[2], h.y[2] = sigma(h.z[2]);
  h.z[3] = h.w[4] * h.y[1] + h.w[5] * h.y[2] + h.b[3], h.y[3] = sigma(h.z[3]);
  h.z[4] = h.w[6] * h.y[1] + h.w[7] * h.y[3] + h.b[4], h.y[4] = sigma(h.z[4]);
  const auto ds = [&](int j) { return (1 - h.y[j]) * h.y[j]; };
  h.dd[1] = 1 - h.y[1] * h.y[1], h.dd[2] = ds(2), h.dd[3] = ds(3), h.dd[4] = ds(4);
  h.d[4] = (h.y[4] - 0.7) * h.dd[4];
  h.d[3] = h.w[7] * h.d[4] * h.dd[3];
  h.d[2] = h.w[5] * h.d[3] * h.dd[2];
  h.d[1] = (h.w[4] * h.d[3] + h.w[6] * h.d[4]) * h.dd[1];
  return h;
}

TEST(GraphCheck, TheStepByHandIsTheEngines) {
  const Session s = graph(kBranching);
  const nntutor::Trace t = nntutor::run(s);
  const Hand h = by_hand(t.steps[1]);
  const auto& L = t.steps[1].layers[0];
  for (int j = 1; j <= 4; ++j) {
    EXPECT_NEAR(L.z(j - 1, 0), h.z[j], 1e-15);
    EXPECT_NEAR(L.db(j - 1), h.d[j], 1e-15);
  }
  EXPECT_NEAR(L.dW(0, 0), h.d[1] * 1, 1e-15);
  EXPECT_NEAR(L.dW(6, 0), h.d[4] * h.y[3], 1e-15);
}

struct Plant {
  int row;
  const char* column;
  double value;
  const char* id;
  const char* sentence;
};

TEST(GraphCheck, EachPlantedSlipIsNamed) {
  const Session s = graph(kBranching);
  const nntutor::Trace t = nntutor::run(s);
  const Hand h = by_hand(t.steps[1]);
  const auto& one = t.steps[0].layers[0];
  const double eta = 0.5;
  const std::vector<Plant> plants = {
      {2, "w[4,1]", one.W(5, 0) + eta * one.dW(5, 0), "update-sign",
       "The update has the wrong sign: w[4,1] + η·dL/dw[4,1] instead of w[4,1] − η·dL/dw[4,1]."},
      {2, "z[3]", h.w[4] * h.y[1] + h.w[5] * h.y[2], "no-bias", "The bias b[3] is missing from z[3]."},
      {2, "z[3]", h.w[4] * h.z[1] + h.w[5] * h.z[2] + h.b[3], "z-for-y",
       "The predecessors' z (z[1], z[2]) were used where their y (y[1], y[2]) belong."},
      {2, "y[2]", h.z[2], "no-activation", "The activation is missing: y[2] = z[2] instead of σ(z[2])."},
      {2, "dL/dw[4,3]", -h.d[4] * h.y[3], "gradient-sign",
       "(y − y[4]) was used instead of (y[4] − y): the gradient has the wrong sign."},
      {2, "dL/dw[4,3]", h.d[4] * h.z[3], "z-for-y-input", "z[3] was used where y[3] belongs (w[4,3] multiplies y[3])."},
      {2, "dL/dw[3,1]", h.d[3], "input-missing", "The factor y[1] (what w[3,1] multiplies) is missing."},
      {2, "dL/db[3]", h.w[7] * h.d[4], "derivative-missing", "The factor σ′(z[3]) = (1 − y[3])y[3] is missing."},
      {2, "dL/dw[1,x1]", h.w[6] * h.d[4] * h.dd[1] * 1, "successor-missing",
       "The term w[3,1]·δ[3] (from successor 3 of neuron 1) is missing: δ[1] sums over every successor."},
      {2, "dL/db[3]", (h.w[4] * h.d[1] + h.w[5] * h.d[2]) * h.dd[3], "predecessors-for-successors",
       "δ[3] was summed over neuron 3's predecessors (1, 2) instead of its successors (4)."},
  };
  for (const Plant& p : plants) {
    SCOPED_TRACE(std::string(p.id) + " in row " + std::to_string(p.row) + ", " + p.column);
    const std::string csv = planted(s, 2, p.row, p.column, p.value);
    for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) {
      const CheckReport r = check(s, csv, mode);
      ASSERT_TRUE(r.first_wrong) << r.summary;
      const CellCheck& c = r.cells[*r.first_wrong];
      EXPECT_EQ(c.row, p.row);
      EXPECT_EQ(c.column, p.column);
      EXPECT_EQ(c.slip_id, p.id);
      EXPECT_EQ(c.slip, p.sentence);
      if (mode == CheckMode::kStep) EXPECT_EQ(r.wrong, 1) << r.summary;
    }
  }
}

TEST(GraphCheck, FormulasNameTheGraphsQuantities) {
  const Session s = graph(kBranching);
  const CheckReport r = check(s, exact_csv(s, 2), CheckMode::kStart);
  std::map<std::string, std::string> formula;
  for (const auto& c : r.cells)
    if (c.row == 2) formula[c.column] = c.formula;
  EXPECT_EQ(formula["z[1]"], "z[1] = w[1,x1]·x1 + w[1,x2]·x2 + b[1]");
  EXPECT_EQ(formula["z[4]"], "z[4] = w[4,1]·y[1] + w[4,3]·y[3] + b[4]");
  EXPECT_EQ(formula["y[1]"], "y[1] = tanh(z[1])");
  EXPECT_EQ(formula["L"], "L = ½(y[4] − y)²");
  EXPECT_EQ(formula["dL/dw[4,3]"], "dL/dw[4,3] = δ[4]·y[3], where δ[4] = (y[4] − y)·(1 − y[4])y[4]");
  EXPECT_EQ(formula["dL/db[1]"], "dL/db[1] = δ[1], where δ[1] = (w[3,1]·δ[3] + w[4,1]·δ[4])·(1 − y[1]²)");
  EXPECT_EQ(formula["w[3,2]"], "w[3,2] (step 2) = w[3,2] (step 1) − η·dL/dw[3,2] (step 1), η = 0.5");
}

TEST(GraphCheck, ReaderAndRefusals) {
  const Session s = graph(kLectureGraph);
  // ŷ is the output neuron's y; the spellings of the layered reader hold.
  const auto answer = nntutor::parse_answer(s, "k,ŷ,∂L/∂w[2,1],$b_{[1]}$\n1,0.6220,-0.0553,0\n");
  const auto columns = nntutor::session_columns(s);
  ASSERT_EQ(answer.columns.size(), 4u);
  EXPECT_EQ(columns[answer.columns[1].columns[0]].name, "y[2]");
  EXPECT_EQ(columns[answer.columns[2].columns[0]].name, "dL/dw[2,1]");
  EXPECT_EQ(columns[answer.columns[3].columns[0]].name, "b[1]");
  EXPECT_SESSION_ERROR(nntutor::parse_answer(s, "step,w1\n1,0.5\n"),
                       "line 1, column 2: unknown column \"w1\" (expected step or one of w[1,x1], w[2,1], b[1], "
                       "b[2], z[1], z[2], y[1], y[2], dL/dw[1,x1], dL/dw[2,1], dL/db[1], dL/db[2], L; docs/check.md "
                       "lists the spellings)");
  json j = json::parse(kLectureGraph);
  j["optimizer"] = {{"name", "adam"}};
  const Session adam = nntutor::parse_session(j.dump());
  EXPECT_SESSION_ERROR(nntutor::parse_answer(adam, "step,L\n1,0.07\n"),
                       "check: the checker knows plain gradient descent (sgd on every sample) with the loss "
                       "half_sse or mse; this session's optimizer.name is adam");
  EXPECT_SESSION_ERROR(nntutor::tutor_step(adam, 1),
                       "tutor: the tutor knows plain gradient descent (sgd on every sample) with the loss "
                       "half_sse or mse; this session's optimizer.name is adam");
}

TEST(GraphCheck, TwoOutputsAndTwoSamples) {
  const Session s = nntutor::parse_session(R"({"inputs": [[1, 0], [-1, 2]], "targets": [[0.5, 1], [0, -1]],
    "graph": {"nodes": [{"activation": "relu", "bias": 0.1}, {"activation": "linear"}, {"activation": "tanh"}],
              "edges": [{"from": "x1", "to": 1, "weight": 0.4}, {"from": "x2", "to": 1, "weight": -0.3},
                        {"from": 1, "to": 2, "weight": 0.7}, {"from": 1, "to": 3, "weight": -0.5},
                        {"from": "x2", "to": 3, "weight": 0.2}],
              "outputs": [2, 3]},
    "loss": "mse", "steps": 3})");
  const std::string csv = exact_csv(s, 3);
  for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) EXPECT_EQ(check(s, csv, mode).wrong, 0);
  const CheckReport r = check(s, csv, CheckMode::kStart);
  EXPECT_EQ(r.cells.size(), 3u * 29);  // 5 w, 3 b, 6 z, 6 y, 5 dL/dw, 3 dL/db, L
  EXPECT_EQ(r.cells[9].column, "z[1]@2");
  EXPECT_EQ(r.cells[9].formula, "z[1]@2 = w[1,x1]·x1@2 + w[1,x2]·x2@2 + b[1]");
  for (const auto& c : r.cells)
    if (c.column == "L") EXPECT_EQ(c.formula, "L = (1/2)Σ_s (1/2)Σ_k(ŷ[k]@s − y[k]@s)², ŷ = (y[2], y[3])");
  // ŷ stands for no one neuron here.
  EXPECT_SESSION_ERROR(nntutor::parse_answer(s, "step,ŷ\n1,0.5\n"),
                       "line 1, column 2: unknown column \"ŷ\" (expected step or one of w[1,x1], w[1,x2], w[2,1], "
                       "w[3,1], w[3,x2], b[1], b[2], b[3], z[1]@1, z[1]@2, z[2]@1, z[2]@2, z[3]@1, z[3]@2, y[1]@1, "
                       "y[1]@2, …; docs/check.md lists the spellings)");
}

TEST(GraphCheck, MomentumOnAGraph) {
  json j = json::parse(kBranching);
  j["optimizer"] = {{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}};
  const Session s = nntutor::parse_session(j.dump());
  const std::string csv = exact_csv(s, 3);
  for (CheckMode mode : {CheckMode::kStart, CheckMode::kStep}) EXPECT_EQ(check(s, csv, mode).wrong, 0);
  const nntutor::Trace t = nntutor::run(s);
  // w[4,1] of row 3 as plain gradient descent: the velocity forgotten.
  const double plain = t.steps[1].layers[0].W(5, 0) - 0.1 * t.steps[1].layers[0].dW(5, 0);
  const CheckReport r = check(s, planted(s, 3, 3, "w[4,1]", plain), CheckMode::kStep);
  ASSERT_EQ(wrong_cells(r).size(), 1u) << r.summary;
  EXPECT_EQ(wrong_cells(r)[0]->slip_id, "no-momentum");
}

// ---- The tutor ----

TEST(GraphTutor, TheLecturesChainAsksWhatTheLayeredTutorAsks) {
  const Session layered = nntutor::parse_session(nntutor_test::lecture_json());
  const Session as_graph = graph(kLectureGraph);
  for (int step : {1, 3}) {
    const nntutor::TutorStep a = nntutor::tutor_step(layered, step), b = nntutor::tutor_step(as_graph, step);
    ASSERT_EQ(a.cells.size(), b.cells.size());
    for (std::size_t i = 0; i < a.cells.size(); ++i) {
      EXPECT_EQ(kGraphName.at(a.cells[i].column), b.cells[i].column);
      EXPECT_EQ(a.cells[i].row, b.cells[i].row);
      EXPECT_EQ(a.cells[i].stage, b.cells[i].stage);
      EXPECT_EQ(a.cells[i].exact, b.cells[i].exact) << b.cells[i].column;  // bit for bit
    }
    ASSERT_EQ(a.given.size(), b.given.size());
  }
}

TEST(GraphTutor, ABranchingGraphNeuronByNeuron) {
  const Session s = graph(kBranching);
  const nntutor::TutorStep t = nntutor::tutor_step(s, 1);
  std::vector<std::string> names;
  for (const auto& c : t.cells) names.push_back(c.column);
  const std::vector<std::string> want = {
      "z[1]", "y[1]", "z[2]", "y[2]", "z[3]", "y[3]", "z[4]", "y[4]", "L",
      // gradients from the output back: δ[4], δ[3], then δ[2] and δ[1] (the last level by number, backwards)
      "dL/dw[4,1]", "dL/dw[4,3]", "dL/db[4]", "dL/dw[3,1]", "dL/dw[3,2]", "dL/db[3]", "dL/dw[2,x2]", "dL/db[2]",
      "dL/dw[1,x1]", "dL/dw[1,x2]", "dL/db[1]",
      "w[1,x1]", "w[1,x2]", "b[1]", "w[2,x2]", "b[2]", "w[3,1]", "w[3,2]", "b[3]", "w[4,1]", "w[4,3]", "b[4]"};
  EXPECT_EQ(names, want);
  EXPECT_EQ(t.given.size(), 11u);
  const auto verdict = [&](const std::string& column, int row, const std::string& given) {
    return json::parse(nntutor::tutor_check_json(nntutor::tutor_check(s, 1, column, row, given, 4), 4));
  };
  const double y3 = t.cells[5].exact;
  EXPECT_EQ(verdict("y[3]", 1, nntutor::fixed(y3, 4))["verdict"], "correct");
  EXPECT_EQ(verdict("y[3]", 1, nntutor::fixed(y3, 2))["verdict"], "more_decimals");
  const json wrong = verdict("y[3]", 1, nntutor::fixed(t.cells[4].exact, 4));
  EXPECT_EQ(wrong["verdict"], "wrong");
  EXPECT_EQ(wrong["slip_id"], "no-activation");
  EXPECT_EQ(wrong["why"], "not y[3] of step 1");
  EXPECT_EQ(wrong["formula"], "y[3] = σ(z[3])");
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "y3", 1, "0.5", 4), "tutor: step 1 does not ask for y3 of row 1");
  const Session big = nntutor::parse_session(nntutor::generate_json(
      R"({"family": "ws", "nodes": 16, "k": 4, "p": 0.25, "seed": 1})"));
  EXPECT_SESSION_ERROR(nntutor::tutor_step(big, 1),
                       "tutor: a step of this network has 143 numbers to work out; tutor mode asks for at most 120 "
                       "(use fewer neurons, edges or samples)");
}

// ---- The CLI ----

using nntutor_test::cli;
using nntutor_test::CliResult;
using nntutor_test::write_temp;

TEST(GraphCheckCli, CheckAndTutorTakeAGraphSession) {
  const std::string session = write_temp("graph.json", kLectureGraph);
  const CliResult table = cli("table '" + session + "' --format csv");
  ASSERT_EQ(table.status, 0) << table.err;
  const std::string answer = write_temp("graph.csv", table.out);
  const CliResult ok = cli("check '" + session + "' '" + answer + "'");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out, "All 65 cells are correct.\n");

  const Session s = graph(kLectureGraph);
  const std::string slip = write_temp("slip.csv", planted(s, 5, 2, "z[2]", 0.5151));
  const CliResult wrong = cli("check '" + session + "' '" + slip + "' --format json --mode step");
  EXPECT_EQ(wrong.status, 1);
  EXPECT_EQ(wrong.out, nntutor::check_answer_json(s, planted(s, 5, 2, "z[2]", 0.5151), CheckMode::kStep) + "\n");
  EXPECT_EQ(json::parse(wrong.out)["summary"]["first_wrong"], json({{"row", 2}, {"column", "z[2]"}}));

  const CliResult tutor = cli("tutor '" + session + "' --step 2 --format json");
  EXPECT_EQ(tutor.status, 0) << tutor.err;
  EXPECT_EQ(tutor.out, nntutor::tutor_step_json(nntutor::tutor_step(s, 2), 4) + "\n");

  // At the terminal: every number typed right, one wrong try with its slip first.
  std::string typed;
  const nntutor::TutorStep step = nntutor::tutor_step(s, 1);
  typed += "0.5\n";  // y[1] is asked second; z[1] = 0.5 first
  for (std::size_t i = 1; i < step.cells.size(); ++i) {
    if (i == 1) typed += "0.5000\n";  // y[1] = z[1]: the activation left out
    typed += nntutor::fixed(step.cells[i].exact, 4) + "\n";
  }
  const CliResult term = cli("tutor '" + session + "'", &typed);
  EXPECT_EQ(term.status, 0) << term.err;
  EXPECT_NE(term.out.find("y[1] =   wrong: not y[1] of step 1. The activation is missing: y[1] = z[1] instead of σ(z[1]).\n"
                          "  hint: y[1] = σ(z[1])"),
            std::string::npos)
      << term.out;
  EXPECT_NE(term.out.find("Step 1 is worked out: 13 right, 0 within rounding, 0 revealed."), std::string::npos) << term.out;
}

}  // namespace
