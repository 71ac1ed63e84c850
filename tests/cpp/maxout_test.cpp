// Maxout in the worked example (issue 15): y_j = max_p z_{j,p}, the gradient to the winning piece
// only, ties to the first piece (as the Keras model's maxout layer). A 1-2(maxout k=2)-1 step
// derived by hand, finite differences away from ties, the tie rule, the session format and its
// errors, the table's per-piece and winner columns, the equations, the command line.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "nntutor/activation.hpp"
#include "nntutor/check.hpp"
#include "nntutor/equations.hpp"
#include "nntutor/network.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/train.hpp"
#include "nntutor/tutor.hpp"
#include "test_helpers.hpp"

namespace {

using nlohmann::json;
using nntutor::Column;
using nntutor::parse_session;
using nntutor::Session;
using nntutor_test::read_text;
using nntutor_test::source_path;

std::string maxout_json() { return read_text(source_path("examples/maxout.json")); }
json maxout() { return json::parse(maxout_json()); }
Session parse(const json& j) { return parse_session(j.dump()); }

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

TEST(MaxoutRow, IsARowOfTheActivationTableButNotAKerasActivation) {
  const nntutor::ActivationInfo* row = nntutor::find_layer_activation("maxout");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->kind, nntutor::ActivationKind::kMaxout);
  EXPECT_EQ(&nntutor::activation_info(nntutor::ActivationKind::kMaxout), row);
  EXPECT_EQ(row->pieces, 2);  // the slide's k
  EXPECT_EQ(row->min_pieces, 2);
  EXPECT_EQ(row->max_pieces, 16);  // as the Keras model's ModelLimits::kMaxPieces
  EXPECT_EQ(nntutor::find_activation("maxout"), nullptr);  // not an element-wise activation
  EXPECT_NE(std::string(row->latex_df).find("winning piece"), std::string::npos);
  const nntutor::Activation f = nntutor::layer_activation_by_name("maxout");
  EXPECT_TRUE(f.is_piecewise());
  EXPECT_EQ(f.pieces, 2);
  EXPECT_FALSE(nntutor::layer_activation_by_name("sigmoid").is_piecewise());
  EXPECT_EQ(nntutor::layer_activation_by_name("sigmoid").pieces, 1);
}

TEST(MaxoutRow, TiesGoToTheFirstPiece) {
  const double z[] = {0.3, 0.7, 0.7, 0.1};
  EXPECT_EQ(nntutor::maxout_winner(z, 4), 1);      // 0.7 twice: the first of them
  const double equal[] = {0.5, 0.5};
  EXPECT_EQ(nntutor::maxout_winner(equal, 2), 0);  // an exact tie: piece 1
  // The gradient of a tied unit flows to piece 1 only.
  Eigen::MatrixXd Z(2, 1), dY(1, 1), dZ(2, 1), Y(1, 1);
  Z << 0.5, 0.5;
  dY << -0.25;
  nntutor::maxout(Z, 2, Y);
  nntutor::maxout_backward(Z, 2, dY, dZ);
  EXPECT_EQ(Y(0, 0), 0.5);
  EXPECT_EQ(dZ(0, 0), -0.25);
  EXPECT_EQ(dZ(1, 0), 0.0);
}

// The session of examples/maxout.json: x = 1, y = 1; unit 1's pieces z = 0.5 + 0.1 = 0.6 and
// −0.3 + 0.2 = −0.1 (piece 1 wins), unit 2's z = 0.2 and 0.4 + 0.1 = 0.5 (piece 2 wins);
// z2 = 0.7·0.6 − 0.4·0.5 + 0.05 = 0.27, y2 = σ(0.27), δ2 = (y2 − 1)(1 − y2)y2.
TEST(MaxoutStep, HandDerivedForwardBackwardUpdate) {
  const Session s = parse_session(maxout_json());
  const nntutor::Trace trace = nntutor::run(s);
  ASSERT_GE(trace.steps.size(), 2u);
  const nntutor::LayerTrace& h = trace.steps[0].layers[0];
  const nntutor::LayerTrace& o = trace.steps[0].layers[1];
  ASSERT_EQ(h.z.rows(), 4);  // units·k pieces
  ASSERT_EQ(h.y.rows(), 2);
  EXPECT_NEAR(h.z(0, 0), 0.6, 1e-15);
  EXPECT_NEAR(h.z(1, 0), -0.1, 1e-15);
  EXPECT_NEAR(h.z(2, 0), 0.2, 1e-15);
  EXPECT_NEAR(h.z(3, 0), 0.5, 1e-15);
  EXPECT_NEAR(h.y(0, 0), 0.6, 1e-15);  // piece 1 of unit 1
  EXPECT_NEAR(h.y(1, 0), 0.5, 1e-15);  // piece 2 of unit 2
  const double z2 = 0.7 * 0.6 - 0.4 * 0.5 + 0.05, y2 = sigmoid(z2);
  const double d2 = (y2 - 1) * (1 - y2) * y2;
  EXPECT_NEAR(o.z(0, 0), z2, 1e-15);
  EXPECT_NEAR(o.y(0, 0), y2, 1e-15);
  EXPECT_NEAR(trace.steps[0].loss, 0.5 * (y2 - 1) * (y2 - 1), 1e-15);
  EXPECT_NEAR(o.dW(0, 0), d2 * 0.6, 1e-15);
  EXPECT_NEAR(o.dW(0, 1), d2 * 0.5, 1e-15);
  EXPECT_NEAR(o.db(0), d2, 1e-15);
  // Only the winners get a gradient: unit 1's piece 1 (w2 = 0.7), unit 2's piece 2 (w2 = −0.4).
  EXPECT_NEAR(h.dW(0, 0), d2 * 0.7 * 1, 1e-15);
  EXPECT_EQ(h.dW(1, 0), 0.0);
  EXPECT_EQ(h.dW(2, 0), 0.0);
  EXPECT_NEAR(h.dW(3, 0), d2 * -0.4 * 1, 1e-15);
  EXPECT_NEAR(h.db(0), d2 * 0.7, 1e-15);
  EXPECT_EQ(h.db(1), 0.0);
  EXPECT_EQ(h.db(2), 0.0);
  EXPECT_NEAR(h.db(3), d2 * -0.4, 1e-15);
  // w ← w − η·∂L/∂w: the losing pieces keep their weights.
  const nntutor::LayerTrace& h2 = trace.steps[1].layers[0];
  EXPECT_NEAR(h2.W(0, 0), 0.5 - 0.1 * d2 * 0.7, 1e-15);
  EXPECT_EQ(h2.W(1, 0), -0.3);
  EXPECT_EQ(h2.W(2, 0), 0.2);
  EXPECT_NEAR(h2.W(3, 0), 0.4 - 0.1 * d2 * -0.4, 1e-15);
  EXPECT_NEAR(trace.steps[1].layers[1].W(0, 0), 0.7 - 0.1 * d2 * 0.6, 1e-15);
}

TEST(MaxoutStep, WinnerChangesWhenThePiecesCross) {
  // Unit 1's pieces with the start values swapped: piece 2 now wins, and gets the gradient.
  json j = maxout();
  j["layers"][0]["weights"][0] = {{-0.3}, {0.5}};
  j["layers"][0]["biases"][0] = {0.2, 0.1};
  const nntutor::Trace trace = nntutor::run(parse(j));
  const nntutor::LayerTrace& h = trace.steps[0].layers[0];
  EXPECT_EQ(h.dW(0, 0), 0.0);
  EXPECT_NE(h.dW(1, 0), 0.0);
  EXPECT_NEAR(h.y(0, 0), 0.6, 1e-15);
}

/// L of `net` on `batch`.
double loss_of(const nntutor::Network& net, const nntutor::Batch& batch, const nntutor::Loss& loss) {
  nntutor::Pass pass;
  nntutor::forward(net, batch, loss, pass);
  return pass.loss;
}

/// The smallest gap between a unit's largest piece and its next over every maxout unit and sample.
double smallest_gap(const nntutor::Network& net, const nntutor::Batch& batch, const nntutor::Loss& loss) {
  nntutor::Pass pass;
  nntutor::forward(net, batch, loss, pass);
  double gap = INFINITY;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const int k = net.layers[l].pieces();
    if (k == 1) continue;
    for (Eigen::Index s = 0; s < pass.Z[l].cols(); ++s)
      for (int j = 0; j < net.layers[l].units(); ++j) {
        std::vector<double> z;
        for (int p = 0; p < k; ++p) z.push_back(pass.Z[l](j * k + p, s));
        std::sort(z.rbegin(), z.rend());
        gap = std::min(gap, z[0] - z[1]);
      }
  }
  return gap;
}

TEST(MaxoutStep, GradientsMatchFiniteDifferencesAwayFromTies) {
  std::mt19937_64 engine(15);
  std::uniform_real_distribution<double> u(-1, 1);
  int checked = 0;
  for (int trial = 0; trial < 20; ++trial) {
    // 3 inputs → 4 maxout units of k = 3 → 2 maxout units of k = 2 (the output) → mse.
    json j = {{"inputs", json::array()}, {"targets", json::array()}, {"loss", "mse"},
              {"seed", trial + 1},
              {"layers", {{{"units", 4}, {"activation", "maxout"}, {"pieces", 3}},
                          {{"units", 3}, {"activation", "tanh"}},
                          {{"units", 2}, {"activation", "maxout"}}}}};
    for (int s = 0; s < 4; ++s) {
      j["inputs"].push_back({u(engine), u(engine), u(engine)});
      j["targets"].push_back({u(engine), u(engine)});
    }
    Session session = parse(j);
    nntutor::Network& net = session.network;
    const double h = 1e-6;
    if (smallest_gap(net, session.batch, session.loss) < 1e-3) continue;  // near a tie: no derivative
    nntutor::Pass pass;
    nntutor::forward(net, session.batch, session.loss, pass);
    nntutor::backward(net, session.batch, session.loss, pass);
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      for (Eigen::Index r = 0; r < net.layers[l].W.rows(); ++r) {
        for (Eigen::Index c = 0; c < net.layers[l].W.cols(); ++c) {
          const double w = net.layers[l].W(r, c);
          net.layers[l].W(r, c) = w + h;
          const double up = loss_of(net, session.batch, session.loss);
          net.layers[l].W(r, c) = w - h;
          const double down = loss_of(net, session.batch, session.loss);
          net.layers[l].W(r, c) = w;
          EXPECT_NEAR(pass.dW[l](r, c), (up - down) / (2 * h), 1e-8) << "layer " << l << " row " << r;
        }
        const double b = net.layers[l].b(r);
        net.layers[l].b(r) = b + h;
        const double up = loss_of(net, session.batch, session.loss);
        net.layers[l].b(r) = b - h;
        const double down = loss_of(net, session.batch, session.loss);
        net.layers[l].b(r) = b;
        EXPECT_NEAR(pass.db[l](r), (up - down) / (2 * h), 1e-8);
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(MaxoutSession, FormatAndRoundTrip) {
  const Session s = parse_session(maxout_json());
  const nntutor::Layer& h = s.network.layers[0];
  EXPECT_EQ(h.units(), 2);
  EXPECT_EQ(h.pieces(), 2);
  EXPECT_EQ(h.W.rows(), 4);
  EXPECT_EQ(h.W(1, 0), -0.3);  // unit 1, piece 2: row j·k + p
  EXPECT_EQ(h.b(3), 0.1);      // unit 2, piece 2
  EXPECT_EQ(s.network.parameters(), 4 + 4 + 2 + 1);
  const json back = json::parse(nntutor::session_to_json(s));
  EXPECT_EQ(back["layers"][0]["pieces"], 2);
  EXPECT_EQ(back["layers"][0]["weights"], json::parse("[[[0.5], [-0.3]], [[0.2], [0.4]]]"));
  EXPECT_EQ(back["layers"][0]["biases"], json::parse("[[0.1, 0.2], [0, 0.1]]"));
  EXPECT_FALSE(back["layers"][1].contains("pieces"));
  const Session again = parse_session(back.dump());
  EXPECT_EQ(again.network.layers[0].W, h.W);
  EXPECT_EQ(again.network.layers[0].b, h.b);
}

TEST(MaxoutSession, DefaultPiecesAndGlorotLikeADenseLayerOfUnitsTimesK) {
  json j = maxout();
  j["layers"][0].erase("pieces");
  j["layers"][0].erase("weights");
  j["layers"][0].erase("biases");
  j["layers"][0]["units"] = 3;
  j["layers"][1]["weights"] = {{0.1, 0.2, 0.3}};
  const Session s = parse(j);
  EXPECT_EQ(s.network.layers[0].pieces(), 2);  // the default k
  EXPECT_EQ(s.network.layers[0].W.rows(), 6);
  EXPECT_EQ(s.network.layers[0].b, Eigen::VectorXd::Zero(6));
  // The same draws as a dense layer of 6 units (fan_out = units·k), as the Keras model's maxout.
  json dense = j;
  dense["layers"][0] = {{"units", 6}, {"activation", "linear"}};
  dense["layers"][1]["weights"] = {{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}};
  EXPECT_EQ(parse(dense).network.layers[0].W, s.network.layers[0].W);
  const double limit = std::sqrt(6.0 / (1 + 6));
  EXPECT_LE(s.network.layers[0].W.cwiseAbs().maxCoeff(), limit);
}

TEST(MaxoutSession, ErrorsNameTheField) {
  json j = maxout();
  j["layers"][0]["pieces"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].pieces: expected a whole number from 2 to 16, got 1");
  j["layers"][0]["pieces"] = 17;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].pieces: expected a whole number from 2 to 16, got 17");
  j["layers"][0]["pieces"] = "two";
  EXPECT_SESSION_ERROR(parse(j), "layers[0].pieces: expected a whole number, got string \"two\"");
  j = maxout();
  j["layers"][1]["pieces"] = 2;
  EXPECT_SESSION_ERROR(parse(j), "layers[1].pieces: only maxout takes pieces, not sigmoid");
  j = maxout();
  j["layers"][0]["weights"] = {{0.5, -0.3}, {0.2, 0.4}};  // [unit][input] as a dense layer's
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights[0][0]: expected 1 number (one per input), got number 0.5");
  j["layers"][0]["weights"] = {{{0.5}, {-0.3}}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights: expected 2 units of 2 pieces of 1 number "
                                 "([unit][piece][input]), got 1 unit");
  j["layers"][0]["weights"] = {{{0.5}, {-0.3}}, {{0.2}, {0.4}, {0.1}}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights[1]: expected 2 rows of 1 number, got 3 rows");
  j["layers"][0]["weights"] = {{{0.5}, {-0.3}}, {{0.2}, {0.4, 1}}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights[1][1]: expected 1 number (one per input), got 2");
  j = maxout();
  j["layers"][0]["biases"] = {0.1, 0.2};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases[0]: expected 2 numbers (one per piece), got number 0.1");
  j["layers"][0]["biases"] = {{0.1, 0.2}, {0, 0.1, 0.3}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases[1]: expected 2 numbers (one per piece), got 3");
  j["layers"][0]["biases"] = {{0.1, 0.2}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases: expected 2 units of 2 numbers (one per piece), got 1 unit");
}

TEST(MaxoutTable, PerPieceColumnsAndTheWinningPiece) {
  const Session s = parse_session(maxout_json());
  const auto columns = nntutor::table_columns(s.network, 1);
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "step", "w1p1[1,1]", "w1p2[1,1]", "w1p1[2,1]", "w1p2[2,1]", "b1p1[1]", "b1p2[1]",
                       "b1p1[2]", "b1p2[2]", "z1p1[1]", "z1p2[1]", "z1p1[2]", "z1p2[2]", "win1[1]",
                       "win1[2]", "y1[1]", "y1[2]", "dL/dw1p1[1,1]", "dL/dw1p2[1,1]", "dL/dw1p1[2,1]",
                       "dL/dw1p2[2,1]", "dL/db1p1[1]", "dL/db1p2[1]", "dL/db1p1[2]", "dL/db1p2[2]",
                       "w2[1,1]", "w2[1,2]", "b2", "z2", "y2", "dL/dw2[1,1]", "dL/dw2[1,2]", "dL/db2", "L"}));
  const std::string csv = nntutor::render(s, nntutor::run(s), nntutor::Format::kCsv, 4);
  // Row 1: the pieces' z, the winners 1 and 2, y = the winners' z, the losers' gradients 0.
  EXPECT_NE(csv.find("\n1,0.5000,-0.3000,0.2000,0.4000,0.1000,0.2000,0.0000,0.1000,0.6000,-0.1000,"
                     "0.2000,0.5000,1,2,0.6000,0.5000,"),
            std::string::npos)
      << csv;
  const double y2 = sigmoid(0.27), d2 = (y2 - 1) * (1 - y2) * y2;
  EXPECT_NE(csv.find("," + nntutor::fixed(0.7 * d2, 4) + ",0.0000,0.0000," + nntutor::fixed(-0.4 * d2, 4) + ","),
            std::string::npos)
      << csv;
  // The columns' JSON names the piece; "y" keeps the winner column.
  nntutor::View view;
  view.kinds = {Column::Kind::kY};
  const json t = nntutor::table_json(columns, nntutor::run(s), view);
  EXPECT_EQ(t["columns"][1]["name"], "win1[1]");
  EXPECT_EQ(t["columns"][1]["kind"], "winner");
  EXPECT_EQ(t["rows"][0][1], 1);
  EXPECT_EQ(t["rows"][0][2], 2);
  const auto all = nntutor::columns_json(columns, {1});
  EXPECT_EQ(all[0]["piece"], 1);
  const std::string latex = nntutor::render(s, nntutor::run(s), nntutor::Format::kLatex, 4);
  EXPECT_NE(latex.find("$w_{1,p2}[1,1]$"), std::string::npos) << latex;
}

TEST(MaxoutTable, NamesAWinnerPerSample) {
  json j = maxout();
  j["inputs"] = {{1}, {-1}};
  j["targets"] = {{1}, {0}};
  const Session s = parse(j);
  const nntutor::Table table = nntutor::make_table(s.network, 2, nntutor::run(s));
  // Sample 2 (x = −1): unit 1's pieces −0.4 and 0.5 → piece 2; unit 2's −0.2 and −0.3 → piece 1.
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].name == "win1[1]@2") EXPECT_EQ(table.rows[0][c], 2);
    if (table.columns[c].name == "win1[2]@2") EXPECT_EQ(table.rows[0][c], 1);
    if (table.columns[c].name == "win1[1]@1") EXPECT_EQ(table.rows[0][c], 1);
  }
}

TEST(MaxoutEquations, TheGradientFlowsToTheWinningPieceOnly) {
  const Session s = parse_session(maxout_json());
  const nntutor::Trace trace = nntutor::run(s);
  const auto eqs = nntutor::gradient_equations(s, trace.steps[0], 4);
  const double y2 = sigmoid(0.27), d2 = (y2 - 1) * (1 - y2) * y2;
  int seen = 0;
  for (const auto& e : eqs) {
    if (e.name == "dL/dw1p1[1,1]") {
      ++seen;
      EXPECT_NEAR(e.value, d2 * 0.7, 1e-15);
      // The one-path chain: (y2 − y)·σ′·w2[1,1]·1[z_{1,p1}[1] = y_{1}[1]]·x.
      EXPECT_NE(e.symbolic().find("\\mathbb{1}[z_{1,p1}[1] = y_{1}[1]]"), std::string::npos) << e.symbolic();
    }
    if (e.name == "dL/dw1p2[1,1]") {
      ++seen;
      EXPECT_EQ(e.value, 0.0);  // the losing piece: its indicator is 0 and names the winner
      const auto& indicator = e.factors[0][e.factors[0].size() - 2];
      EXPECT_EQ(indicator.value, 0.0);
      EXPECT_EQ(indicator.substituted, "\\mathbb{1}[-0.1000 = 0.6000]_{\\text{winner: piece 1}}");
    }
    if (e.name == "dL/db1p2[2]") {
      ++seen;
      EXPECT_NEAR(e.value, d2 * -0.4, 1e-15);
    }
  }
  EXPECT_EQ(seen, 3);
  for (const auto& e : eqs) {
    const auto& table = trace.steps[0].layers;
    if (e.name == "dL/dw1p2[2,1]") EXPECT_EQ(e.value, table[0].dW(3, 0));
  }
  // δ-recursion (a later layer with two units) goes through the winning piece's weights.
  json j = maxout();
  j["targets"] = {{1, 0}};
  j["layers"][1]["units"] = 2;
  j["layers"][1]["weights"] = {{0.7, -0.4}, {0.3, 0.9}};
  j["layers"][1]["biases"] = {0.05, -0.1};
  j["layers"].push_back({{"units", 2}, {"activation", "maxout"}, {"pieces", 3}});
  j["layers"][1]["activation"] = "tanh";
  j["targets"] = {{0.5, -0.5}};
  j["layers"][2]["weights"] = {{{0.2, 0.1}, {-0.5, 0.3}, {0.4, 0.4}}, {{0.1, -0.2}, {0.6, 0.2}, {-0.3, 0.0}}};
  const Session deep = parse(j);
  const nntutor::Trace t2 = nntutor::run(deep);
  for (const auto& e : nntutor::gradient_equations(deep, t2.steps[0], 6)) {
    const auto& cols = nntutor::table_columns(deep.network, 1);
    for (const auto& c : cols)
      if (c.name == e.name) EXPECT_NEAR(e.value, nntutor::column_value(c, t2.steps[0]), 1e-12) << e.name;
  }
}

/// The engine's own table of `s` for `steps` steps, as a student would copy it (4 decimals).
std::string engine_csv(Session s, int steps) {
  nntutor::set_steps(s, steps);
  return nntutor::render(s, nntutor::run(s), nntutor::Format::kCsv, 4);
}

/// `csv` with the cell of column `name` in row `row` (1-based) replaced by `text`.
std::string with_cell(const std::string& csv, const std::string& name, int row, const std::string& text) {
  std::vector<std::vector<std::string>> lines;
  std::string out;
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> header;
  int n = 0;
  while (std::getline(in, line)) {
    // Split on commas outside quotes.
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char ch : line) {
      if (ch == '"') quoted = !quoted;
      if (ch == ',' && !quoted) cells.push_back(cell), cell.clear();
      else cell += ch;
    }
    cells.push_back(cell);
    if (n == 0) header = cells;
    if (n == row)
      for (std::size_t c = 0; c < header.size(); ++c)
        if (header[c] == name || header[c] == "\"" + name + "\"") cells[c] = text;
    for (std::size_t c = 0; c < cells.size(); ++c) out += (c ? "," : "") + cells[c];
    out += "\n";
    ++n;
  }
  return out;
}

const nntutor::CellCheck* cell_of(const nntutor::CheckReport& r, const std::string& column, int row) {
  for (const auto& c : r.cells)
    if (c.column == column && c.row == row) return &c;
  return nullptr;
}

TEST(MaxoutCheck, TheEnginesOwnTableIsCorrectInBothModes) {
  const Session s = parse_session(maxout_json());
  const std::string csv = engine_csv(s, 3);
  for (auto mode : {nntutor::CheckMode::kStart, nntutor::CheckMode::kStep}) {
    const nntutor::CheckReport r = nntutor::check_answer(s, nntutor::parse_answer(s, csv), mode);
    EXPECT_EQ(r.wrong, 0) << r.summary;
    EXPECT_EQ(r.cells.size(), 3u * 33u);
    const nntutor::CellCheck* win = cell_of(r, "win1[2]", 1);
    ASSERT_NE(win, nullptr);
    EXPECT_EQ(win->verdict, nntutor::Verdict::kCorrect);
    EXPECT_EQ(win->formula, "win1[2] = the piece with the largest of z1p1[2], z1p2[2] (the first of them on a tie)");
    EXPECT_EQ(cell_of(r, "y1[1]", 1)->formula, "y1[1] = max(z1p1[1], z1p2[1])");
    EXPECT_EQ(cell_of(r, "z1p2[2]", 1)->formula, "z1p2[2] = w1p2[2,1]·x + b1p2[2]");
  }
}

TEST(MaxoutCheck, GradientGivenToTheLosingPieceIsNamed) {
  const Session s = parse_session(maxout_json());
  // Row 1: unit 1's piece 2 lost (z = −0.1 < 0.6), yet the student gave it the winner's gradient.
  const std::string csv = with_cell(engine_csv(s, 2), "dL/dw1p2[1,1]", 1, "-0.0744");
  const nntutor::CheckReport r = nntutor::check_answer(s, nntutor::parse_answer(s, csv), nntutor::CheckMode::kStep);
  ASSERT_EQ(r.wrong, 1) << r.summary;
  const nntutor::CellCheck* c = cell_of(r, "dL/dw1p2[1,1]", 1);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->verdict, nntutor::Verdict::kWrong);
  EXPECT_EQ(c->expected, "0.0000");
  EXPECT_EQ(c->slip_id, "derivative-missing");
  EXPECT_NE(c->slip.find("the gradient flows to the winning piece only"), std::string::npos) << c->slip;
  EXPECT_NE(c->formula.find("1[z1p2[1] = y1[1]]"), std::string::npos) << c->formula;
}

TEST(MaxoutCheck, AWrongWinnerIsWrongAndItsYFollows) {
  const Session s = parse_session(maxout_json());
  std::string csv = with_cell(engine_csv(s, 1), "win1[1]", 1, "2");
  csv = with_cell(csv, "y1[1]", 1, "-0.1000");
  const nntutor::CheckReport r = nntutor::check_answer(s, nntutor::parse_answer(s, csv), nntutor::CheckMode::kStart);
  EXPECT_EQ(cell_of(r, "win1[1]", 1)->verdict, nntutor::Verdict::kWrong);
  EXPECT_EQ(cell_of(r, "win1[1]", 1)->expected, "1");
  EXPECT_EQ(cell_of(r, "y1[1]", 1)->verdict, nntutor::Verdict::kWrong);
}

TEST(MaxoutCheck, ATieWithinRoundingAcceptsEitherPiece) {
  // z = 0.50004 and 0.50001: piece 1 wins, but both read 0.5000 at 4 decimals, so a student who
  // takes piece 2 (and gives it the gradient) differs from the exact run only by rounding.
  const Session s = parse_session(R"({"inputs": [[1]], "targets": [[1]],
      "layers": [{"units": 1, "activation": "maxout", "weights": [[[0.5], [0.3]]], "biases": [[0.00004, 0.20001]]},
                 {"units": 1, "activation": "sigmoid", "weights": [[0.8]], "biases": [0]}]})");
  const std::string exact = engine_csv(s, 1);
  EXPECT_NE(exact.find(",0.5000,0.5000,1,0.5000,-0.0771,0.0000,-0.0771,0.0000,"), std::string::npos) << exact;
  std::string csv = with_cell(exact, "win1", 1, "2");
  csv = with_cell(csv, "dL/dw1p1", 1, "0.0000");
  csv = with_cell(csv, "dL/dw1p2", 1, "-0.0771");
  csv = with_cell(csv, "dL/db1p1", 1, "0.0000");
  csv = with_cell(csv, "dL/db1p2", 1, "-0.0771");
  for (auto mode : {nntutor::CheckMode::kStart, nntutor::CheckMode::kStep}) {
    const nntutor::CheckReport r = nntutor::check_answer(s, nntutor::parse_answer(s, csv), mode);
    EXPECT_EQ(r.wrong, 0) << r.summary;
    EXPECT_EQ(cell_of(r, "win1", 1)->verdict, nntutor::Verdict::kRounding);
    EXPECT_EQ(cell_of(r, "dL/dw1p2", 1)->verdict, nntutor::Verdict::kRounding);
  }
  // Not so when the pieces are apart: z = 0.6 and −0.1.
  const Session apart = parse_session(maxout_json());
  const std::string wrong = with_cell(with_cell(engine_csv(apart, 1), "dL/dw1p1[1,1]", 1, "0.0000"),
                                      "dL/dw1p2[1,1]", 1, "-0.0744");
  const nntutor::CheckReport r = nntutor::check_answer(apart, nntutor::parse_answer(apart, wrong), nntutor::CheckMode::kStart);
  EXPECT_EQ(cell_of(r, "dL/dw1p1[1,1]", 1)->verdict, nntutor::Verdict::kWrong);
  EXPECT_EQ(cell_of(r, "dL/dw1p2[1,1]", 1)->verdict, nntutor::Verdict::kWrong);
}

TEST(MaxoutCheck, EveryCellWrongInADeepMaxoutNetworkIsJudgedAndDiagnosed) {
  // 2 inputs → 3 maxout units (k = 3) → 2 maxout outputs (k = 2), 2 samples: every slip form
  // is tried on piece rows, winner columns and a maxout output.
  const Session s = parse_session(R"({"inputs": [[0.5, -1], [1, 0.25]], "targets": [[0.2, -0.1], [0.4, 0.3]],
      "layers": [{"units": 3, "activation": "maxout", "pieces": 3}, {"units": 2, "activation": "maxout"}],
      "loss": "mse", "seed": 5})");
  const std::string exact = engine_csv(s, 2);
  const nntutor::Answer right = nntutor::parse_answer(s, exact);
  for (auto mode : {nntutor::CheckMode::kStart, nntutor::CheckMode::kStep})
    EXPECT_EQ(nntutor::check_answer(s, right, mode).wrong, 0);
  nntutor::Answer wrong = right;
  for (auto& row : wrong.rows)
    for (std::size_t c = 1; c < row.cells.size(); ++c) {
      row.cells[c].value += 0.5;
      row.cells[c].text = nntutor::fixed(row.cells[c].value, 4);
    }
  for (auto mode : {nntutor::CheckMode::kStart, nntutor::CheckMode::kStep}) {
    const nntutor::CheckReport r = nntutor::check_answer(s, wrong, mode);
    EXPECT_GT(r.wrong, 100);
    for (const auto& c : r.cells) EXPECT_FALSE(c.formula.empty()) << c.column;
  }
}

TEST(MaxoutTutor, AsksTheWinningPieceAfterThePiecesAndNamesALosingPiecesGradient) {
  const Session s = parse_session(maxout_json());
  const nntutor::TutorStep step = nntutor::tutor_step(s, 1);
  std::vector<std::string> first;
  for (std::size_t i = 0; i < 8; ++i) first.push_back(step.cells[i].column);
  EXPECT_EQ(first, (std::vector<std::string>{"z1p1[1]", "z1p2[1]", "z1p1[2]", "z1p2[2]", "win1[1]",
                                             "win1[2]", "y1[1]", "y1[2]"}));
  EXPECT_EQ(step.cells[5].exact, 2);
  EXPECT_EQ(nntutor::tutor_check(s, 1, "win1[2]", 1, "2", 4).cell.verdict, nntutor::Verdict::kCorrect);
  EXPECT_EQ(nntutor::tutor_check(s, 1, "win1[2]", 1, "1", 4).cell.verdict, nntutor::Verdict::kWrong);
  const nntutor::TutorCheck losing = nntutor::tutor_check(s, 1, "dL/db1p1[2]", 1, "0.0425", 4);
  EXPECT_EQ(losing.cell.verdict, nntutor::Verdict::kWrong);
  EXPECT_EQ(losing.cell.slip_id, "derivative-missing");
}

}  // namespace

#ifdef NNTUTOR_CLI
namespace {
using nntutor_test::cli;
using nntutor_test::CliResult;

TEST(Cli, MaxoutSessionTableAndEquations) {
  const std::string path = source_path("examples/maxout.json");
  const CliResult table = cli("table '" + path + "' --steps 1");
  EXPECT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("z1p1[1],z1p2[1],z1p1[2],z1p2[2],win1[1],win1[2],y1[1],y1[2]"), std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find(",0.6000,-0.1000,0.2000,0.5000,1,2,0.6000,0.5000,"), std::string::npos) << table.out;
  const CliResult md = cli("table '" + path + "' --steps 1 --format markdown");
  EXPECT_NE(md.out.find("| win1[1] |"), std::string::npos) << md.out;
  const CliResult equations = cli("equations '" + path + "'");
  EXPECT_EQ(equations.status, 0) << equations.err;
  EXPECT_NE(equations.out.find("\\mathbb{1}[z_{1,p2}[1] = y_{1}[1]]"), std::string::npos) << equations.out;
  const std::string text = R"({"inputs": [[1]], "targets": [[1]],
      "layers": [{"units": 1, "activation": "maxout", "pieces": 17}]})";
  const CliResult bad = cli("table -", &text);
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("layers[0].pieces: expected a whole number from 2 to 16, got 17"), std::string::npos)
      << bad.err;
}

}  // namespace
#endif
