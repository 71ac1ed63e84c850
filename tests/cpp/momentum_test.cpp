// sgd with momentum and Nesterov in the worked example (issue 15): Keras 3's update rules
//   m ← μ·m − η·g,  θ ← θ + m            (plain momentum; Keras' slot "momentum", m₀ = 0)
//   m ← μ·m − η·g,  θ ← θ + μ·m − η·g    (nesterov=True)
// through the session, the trace, the table's state columns, the equations, the report, the
// schema and the CLI; and μ = 0 stays the lecture's gradient descent.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nntutor/check.hpp"
#include "nntutor/check_slips.hpp"
#include "nntutor/equations.hpp"
#include "nntutor/error.hpp"
#include "nntutor/model.hpp"
#include "nntutor/report.hpp"
#include "nntutor/schema.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/train.hpp"
#include "nntutor/tutor.hpp"
#include "test_helpers.hpp"

namespace {

using json = nlohmann::json;
using nntutor::Session;
using nntutor::Trace;


/// The lecture's 1-1-1 example (x = 1, y = 1, w1 = 0.5, b1 = 0, w2 = 0.8, b2 = 0, η = 0.1,
/// half_sse) with `optimizer`.
json lecture(const json& optimizer, int steps = 3, const char* loss = "half_sse") {
  json j = json::parse(nntutor_test::lecture_json());
  j["optimizer"] = optimizer;
  j["steps"] = steps;
  j["loss"] = loss;
  return j;
}

Session session(const json& optimizer, int steps = 3, const char* loss = "half_sse") {
  return nntutor::parse_session(lecture(optimizer, steps, loss).dump());
}

/// (w1, b1, w2, b2) of a row: the parameters before its update.
std::array<double, 4> params(const nntutor::StepTrace& row) {
  return {row.layers[0].W(0, 0), row.layers[0].b(0), row.layers[1].W(0, 0), row.layers[1].b(0)};
}
/// The velocity m of (w1, b1, w2, b2) after the row's update.
std::array<double, 4> velocity(const nntutor::StepTrace& row) {
  return {row.layers[0].state_W[0](0, 0), row.layers[0].state_b[0](0), row.layers[1].state_W[0](0, 0),
          row.layers[1].state_b[0](0)};
}

void expect_near4(const std::array<double, 4>& got, const std::array<double, 4>& want, double tol) {
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(got[k], want[k], tol) << "parameter " << k << " (w1, b1, w2, b2)";
}

// Hand derivation, μ = 0.9, η = 0.1, from the lecture's chain rule (section 3):
// step 1 at (w1, b1, w2, b2) = (0.5, 0, 0.8, 0): y1 = σ(0.5) = 0.622459, y2 = σ(0.8·0.622459)
//   = σ(0.497967) = 0.621980; δ2 = (y2 − 1)(1 − y2)y2 = −0.088880; ∂L/∂w2 = δ2·y1 = −0.055324,
//   ∂L/∂b2 = −0.088880, ∂L/∂w1 = ∂L/∂b1 = δ2·w2·(1 − y1)y1 = −0.016710.
//   m = 0.9·0 − 0.1·g = −0.1·g = (0.0016710, 0.0016710, 0.0055324, 0.0088880).
// Plain:    θ ← θ + m: step 2 starts at (0.501671, 0.001671, 0.805532, 0.008888), where
//   g = (−0.016623, −0.016623, −0.054772, −0.087882), so m = 0.9·m − 0.1·g
//   = (0.003166, 0.003166, 0.010456, 0.016787) and step 3 starts at θ + m
//   = (0.504837, 0.004837, 0.815989, 0.025675).
// Nesterov: θ ← θ + 0.9·m − 0.1·g = θ + 1.9·m at step 1 (−0.1·g = m):
//   step 2 starts at (0.503175, 0.003175, 0.810512, 0.016887), where
//   g = (−0.016542, −0.016542, −0.054274, −0.086985), m = (0.003158, 0.003158, 0.010407, 0.016698),
//   and step 3 starts at θ + 0.9·m − 0.1·g = (0.507671, 0.007671, 0.825305, 0.040614).
TEST(Momentum, LectureTwoStepsByHandAsKerasWritesThem) {
  const Trace plain = nntutor::run(session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}}));
  ASSERT_EQ(plain.steps.size(), 3u);
  expect_near4(params(plain.steps[0]), {0.5, 0, 0.8, 0}, 0);
  expect_near4(velocity(plain.steps[0]), {0.0016710, 0.0016710, 0.0055324, 0.0088880}, 5e-8);
  expect_near4(params(plain.steps[1]), {0.501671, 0.001671, 0.805532, 0.008888}, 5e-7);
  expect_near4(velocity(plain.steps[1]), {0.003166, 0.003166, 0.010456, 0.016787}, 5e-7);
  expect_near4(params(plain.steps[2]), {0.504837, 0.004837, 0.815989, 0.025675}, 5e-7);

  const Trace nesterov = nntutor::run(
      session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}));
  ASSERT_EQ(nesterov.steps.size(), 3u);
  expect_near4(velocity(nesterov.steps[0]), {0.0016710, 0.0016710, 0.0055324, 0.0088880}, 5e-8);
  expect_near4(params(nesterov.steps[1]), {0.503175, 0.003175, 0.810512, 0.016887}, 5e-7);
  expect_near4(velocity(nesterov.steps[1]), {0.003158, 0.003158, 0.010407, 0.016698}, 5e-7);
  expect_near4(params(nesterov.steps[2]), {0.507671, 0.007671, 0.825305, 0.040614}, 5e-7);
}

/// The lecture's four gradients at (w1, b1, w2, b2) for x = 1, y = 1 (the chain rule as written).
std::array<double, 4> lecture_gradients(const std::array<double, 4>& p) {
  const auto s = [](double z) { return 1 / (1 + std::exp(-z)); };
  const double y1 = s(p[0] + p[1]), y2 = s(p[2] * y1 + p[3]);
  const double d2 = (y2 - 1) * (1 - y2) * y2, d1 = d2 * p[2] * (1 - y1) * y1;
  return {d1, d1, d2 * y1, d2};
}

TEST(Momentum, EveryRowFollowsTheClosedFormsForSeveralMu) {
  for (const double mu : {0.5, 0.9, 1.0})
    for (const bool nesterov : {false, true}) {
      SCOPED_TRACE("mu " + std::to_string(mu) + (nesterov ? " nesterov" : ""));
      const Trace trace = nntutor::run(
          session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", mu}, {"nesterov", nesterov}}, 6));
      ASSERT_EQ(trace.steps.size(), 6u);
      std::array<double, 4> p = {0.5, 0, 0.8, 0}, m = {0, 0, 0, 0};
      for (const auto& row : trace.steps) {
        expect_near4(params(row), p, 1e-14);
        const auto g = lecture_gradients(p);
        for (int k = 0; k < 4; ++k) {
          m[k] = mu * m[k] - 0.1 * g[k];
          p[k] += nesterov ? mu * m[k] - 0.1 * g[k] : m[k];
        }
        expect_near4(velocity(row), m, 1e-15);
      }
    }
}

TEST(Momentum, AgreesWithTheKerasModelsSgdOnTheSameParameters) {
  // The trainer's Sequential (Dense(1, sigmoid) → Dense(1, sigmoid), mse) with SGD(momentum,
  // nesterov) and the worked example with loss mse, from the same start values: the same numbers.
  for (const bool nesterov : {false, true}) {
    SCOPED_TRACE(nesterov ? "nesterov" : "momentum");
    using namespace nntutor::keras;
    ModelConfig c;
    c.inputs = 1;
    c.layers = {dense(1, ActivationKind::kSigmoid), dense(1, ActivationKind::kSigmoid)};
    c.loss = nntutor::LossKind::kMse;
    c.optimizer = default_optimizer(OptimizerKind::kSgd);
    c.optimizer.learning_rate = 0.1;
    c.optimizer.momentum = 0.9;
    c.optimizer.nesterov = nesterov;
    Sequential model(c);
    model.weights(0)(0, 0) = 0.5;
    model.biases(0)(0) = 0;
    model.weights(1)(0, 0) = 0.8;
    model.biases(1)(0) = 0;
    const Eigen::MatrixXd X = Eigen::MatrixXd::Constant(1, 1, 1.0), Y = Eigen::MatrixXd::Constant(1, 1, 1.0);
    const Trace trace = nntutor::run(
        session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", nesterov}}, 3, "mse"));
    ASSERT_EQ(trace.steps.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
      SCOPED_TRACE("step " + std::to_string(k + 1));
      expect_near4(params(trace.steps[k]),
                   {model.weights(0)(0, 0), model.biases(0)(0), model.weights(1)(0, 0), model.biases(1)(0)}, 1e-15);
      model.train_on_batch(X, Y);
      ASSERT_EQ(model.optimizer().slot_names(), (std::vector<std::string>{"momentum"}));
      // Keras' momentum slot, in the model's parameter order (kernel, bias per layer).
      expect_near4(velocity(trace.steps[k]),
                   {model.optimizer().slot(0)(0), model.optimizer().slot(0)(1), model.optimizer().slot(0)(2),
                    model.optimizer().slot(0)(3)},
                   1e-15);
    }
  }
}

TEST(Momentum, ZeroMomentumIsTheLecturesGradientDescentBitForBit) {
  const Session plain = session({{"name", "sgd"}, {"learning_rate", 0.1}}, 5);
  for (const json& opt : {json{{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0}},
                          json{{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0}, {"nesterov", true}}}) {
    SCOPED_TRACE(opt.dump());
    const Session s = session(opt, 5);
    EXPECT_TRUE(s.optimizer.slots().empty());
    EXPECT_TRUE(s.optimizer.plain_gradient_descent(1));
    EXPECT_EQ(nntutor::render(s, nntutor::run(s), nntutor::Format::kCsv, 17),
              nntutor::render(plain, nntutor::run(plain), nntutor::Format::kCsv, 17));
  }
  // The session writer leaves a plain sgd as it was, and keeps a momentum or a nesterov given.
  EXPECT_EQ(json::parse(nntutor::session_to_json(plain))["optimizer"],
            json::parse(R"({"name": "sgd", "learning_rate": 0.1})"));
  EXPECT_FALSE(session({{"name", "sgd"}, {"momentum", 0.9}}).optimizer.plain_gradient_descent(1));
}

TEST(Momentum, SessionRoundTripAndErrorsNameTheField) {
  const Session s = session({{"name", "sgd"}, {"momentum", 0.9}, {"nesterov", true}});
  EXPECT_EQ(s.optimizer.momentum, 0.9);
  EXPECT_TRUE(s.optimizer.nesterov);
  const json written = json::parse(nntutor::session_to_json(s));
  EXPECT_EQ(written["optimizer"],
            json::parse(R"({"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": true})"));
  const Session again = nntutor::parse_session(written.dump());
  EXPECT_EQ(again.optimizer.momentum, 0.9);
  EXPECT_TRUE(again.optimizer.nesterov);
  EXPECT_EQ(nntutor::session_to_json(again), nntutor::session_to_json(s));

  EXPECT_SESSION_ERROR(session({{"name", "sgd"}, {"momentum", 1.5}}),
                       "optimizer.momentum: expected a number from 0 to 1, got 1.5");
  EXPECT_SESSION_ERROR(session({{"name", "sgd"}, {"momentum", -0.1}}),
                       "optimizer.momentum: expected a number from 0 to 1, got -0.1");
  EXPECT_SESSION_ERROR(session({{"name", "sgd"}, {"momentum", "0.9"}}),
                       "optimizer.momentum: expected a number, got string \"0.9\"");
  EXPECT_SESSION_ERROR(session({{"name", "sgd"}, {"nesterov", "yes"}}),
                       "optimizer.nesterov: expected true or false, got string \"yes\"");
  EXPECT_SESSION_ERROR(session({{"name", "sgd"}, {"nesterov", 1}}),
                       "optimizer.nesterov: expected true or false, got number 1");
  EXPECT_SESSION_ERROR(session({{"name", "adam"}, {"nesterov", true}}),
                       "optimizer.nesterov: only sgd takes nesterov, not adam");
  // A misspelt field: the list names momentum and nesterov once the session uses momentum.
  EXPECT_SESSION_ERROR(session({{"name", "sgd"}, {"momentum", 0.9}, {"nesterow", true}}),
                       "optimizer.nesterow: unknown field (expected one of batch_size, learning_rate, momentum, "
                       "name, nesterov, shuffle_seed)");
}

TEST(Momentum, TableHasTheVelocityColumnsAfterTheGradients) {
  const Session s = session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}}, 2);
  EXPECT_EQ(s.optimizer.slots(), (std::vector<std::string>{"m"}));  // Keras' slot "momentum"
  const auto columns = nntutor::table_columns(s.network, 1, s.optimizer);
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"step", "w1", "b1", "z1", "y1", "dL/dw1", "dL/db1", "m_w1", "m_b1",
                                             "w2", "b2", "z2", "y2", "dL/dw2", "dL/db2", "m_w2", "m_b2", "L"}));
  EXPECT_EQ(columns[7].kind, nntutor::Column::Kind::kState);
  const std::string csv = nntutor::render(s, nntutor::run(s), nntutor::Format::kCsv, 4);
  EXPECT_EQ(csv,
            "step,w1,b1,z1,y1,dL/dw1,dL/db1,m_w1,m_b1,w2,b2,z2,y2,dL/dw2,dL/db2,m_w2,m_b2,L\n"
            "1,0.5000,0.0000,0.5000,0.6225,-0.0167,-0.0167,0.0017,0.0017,0.8000,0.0000,0.4980,0.6220,-0.0553,"
            "-0.0889,0.0055,0.0089,0.0714\n"
            "2,0.5017,0.0017,0.5033,0.6232,-0.0166,-0.0166,0.0032,0.0032,0.8055,0.0089,0.5109,0.6250,-0.0548,"
            "-0.0879,0.0105,0.0168,0.0703\n");
}

TEST(Momentum, EquationsWriteTheVelocityAndTheUpdateInBothForms) {
  for (const bool nesterov : {false, true}) {
    SCOPED_TRACE(nesterov ? "nesterov" : "momentum");
    const Session s =
        session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", nesterov}}, 3);
    const Trace trace = nntutor::run(s);
    for (std::size_t k = 0; k + 1 < trace.steps.size(); ++k) {
      const auto updates = nntutor::update_equations(s, trace.steps[k], k ? &trace.steps[k - 1] : nullptr, 4);
      ASSERT_EQ(updates.size(), 4u);
      ASSERT_EQ(updates[0].lines.size(), 2u);
      // The velocity line is the row's m column; the parameter line gives the next row (bit for bit).
      EXPECT_EQ(updates[0].lines[0].value, trace.steps[k].layers[0].state_W[0](0, 0));
      EXPECT_EQ(updates[3].lines[0].value, trace.steps[k].layers[1].state_b[0](0));
      EXPECT_EQ(updates[0].lines[1].value, trace.steps[k + 1].layers[0].W(0, 0));
      EXPECT_EQ(updates[1].lines[1].value, trace.steps[k + 1].layers[0].b(0));
      EXPECT_EQ(updates[2].lines[1].value, trace.steps[k + 1].layers[1].W(0, 0));
      EXPECT_EQ(updates[3].lines[1].value, trace.steps[k + 1].layers[1].b(0));
    }
    const auto step2 = nntutor::update_equations(s, trace.steps[1], &trace.steps[0], 4);
    const auto& m = step2[2].lines[0];
    EXPECT_EQ(m.lhs + " <- " + m.symbolic, "m_{w_{2}} <- \\mu\\,m_{w_{2}} - \\eta\\,\\frac{\\partial L}{\\partial w_{2}}");
    // Step 2's gradient: −0.0548 after plain momentum's step, −0.0543 after Nesterov's.
    EXPECT_EQ(m.substituted, nesterov ? "0.9\\cdot 0.0055 - 0.1\\cdot (-0.0543)" : "0.9\\cdot 0.0055 - 0.1\\cdot (-0.0548)");
    const auto& w = step2[2].lines[1];
    if (nesterov) {
      EXPECT_EQ(w.lhs + " <- " + w.symbolic,
                "w_{2} <- w_{2} + \\mu\\,m_{w_{2}} - \\eta\\,\\frac{\\partial L}{\\partial w_{2}}");
      EXPECT_EQ(w.substituted, "0.8105 + 0.9\\cdot 0.0104 - 0.1\\cdot (-0.0543)");
    } else {
      EXPECT_EQ(w.lhs + " <- " + w.symbolic, "w_{2} <- w_{2} + m_{w_{2}}");
      EXPECT_EQ(w.substituted, "0.8055 + 0.0105");
    }
    const json j = json::parse(nntutor::step_equations_json(s, trace.steps[1], 4, {}, {}, &trace.steps[0]));
    EXPECT_EQ(j["optimizer"], "sgd");
    EXPECT_EQ(j["updates"].size(), 4u);
    EXPECT_NE(j["latex"].get<std::string>().find("m_{w_{1}} &\\leftarrow \\mu\\,m_{w_{1}} - \\eta"), std::string::npos);
  }
}

TEST(Momentum, ReportAndSchema) {
  const Session s = session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}, 3);
  // The schema: sgd's worked example offers momentum (a number 0…1) and nesterov (a flag).
  const json schema = json::parse(nntutor::schema_json());
  const json& sgd = schema["optimizers"][0];
  EXPECT_EQ(sgd["worked_example"]["hyperparameters"], (json{"momentum", "nesterov"}));
  EXPECT_EQ(sgd["worked_example"]["state"], json::array());  // at the default μ = 0
  EXPECT_EQ(sgd["slots_need"], "momentum");
  EXPECT_EQ(sgd["slot_letters"], (json{"m"}));
  EXPECT_EQ(sgd["hyperparameters"][0]["type"], "number");
  EXPECT_EQ(sgd["hyperparameters"][0]["default"], 0);
  EXPECT_EQ(sgd["hyperparameters"][0]["max"], 1);
  EXPECT_EQ(sgd["hyperparameters"][1]["name"], "nesterov");
  EXPECT_EQ(sgd["hyperparameters"][1]["type"], "boolean");
  EXPECT_EQ(sgd["hyperparameters"][1]["default"], false);
  EXPECT_EQ(sgd["hyperparameters"][1]["label"], "Nesterov");
  EXPECT_EQ(schema["optimizers"][3]["slots_need"], nullptr);
  // The report states the optimizer with its formulas.
  const nntutor::Report report = nntutor::make_report(s, "");
  bool stated = false;
  for (const auto& fact : report.facts)
    stated = stated || fact.find("Training: sgd with Nesterov momentum (Keras), m ← μ·m − η·g, "
                                 "w ← w + μ·m − η·g, μ = 0.9") == 0;
  EXPECT_TRUE(stated);
}

/// The CSV's cells, row by row (the header first).
std::vector<std::vector<std::string>> cells_of(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::size_t start = 0;
  while (start < csv.size()) {
    const std::size_t end = csv.find('\n', start);
    const std::string line = csv.substr(start, end - start);
    std::vector<std::string> row;
    std::size_t from = 0;
    for (std::size_t comma; (comma = line.find(',', from)) != std::string::npos; from = comma + 1)
      row.push_back(line.substr(from, comma - from));
    row.push_back(line.substr(from));
    rows.push_back(std::move(row));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return rows;
}

std::string csv_of(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + row[c];
    out += "\n";
  }
  return out;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c] == name) return c;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

const nntutor::CellCheck* find_cell(const nntutor::CheckReport& r, int row, const std::string& column) {
  for (const auto& c : r.cells)
    if (c.row == row && c.column == column) return &c;
  return nullptr;
}

TEST(MomentumCheck, TheExactTableWithItsVelocityColumnsIsCorrect) {
  for (const bool nesterov : {false, true}) {
    SCOPED_TRACE(nesterov ? "nesterov" : "momentum");
    const Session s =
        session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", nesterov}}, 5);
    const std::string csv = nntutor::render(s, nntutor::run(s), nntutor::Format::kCsv, 4);
    for (const auto mode : {nntutor::CheckMode::kStart, nntutor::CheckMode::kStep}) {
      const nntutor::CheckReport r = nntutor::check_answer(s, nntutor::parse_answer(s, csv), mode);
      EXPECT_EQ(r.cells.size(), 5u * 17u);  // every column but step, m_w1 … m_b2 included
      EXPECT_EQ(r.wrong, 0);
      const auto* m = find_cell(r, 3, "m_w2");
      ASSERT_NE(m, nullptr);
      EXPECT_NE(m->verdict, nntutor::Verdict::kWrong);
      EXPECT_EQ(m->formula, "m_w2 = μ·m_w2 (the row above; 0 before step 1) − η·dL/dw2, μ = 0.9, η = 0.1");
      EXPECT_EQ(find_cell(r, 3, "w2")->formula,
                nesterov ? "w2 (step 3) = w2 (step 2) + μ·m_w2 (step 2) − η·dL/dw2 (step 2), μ = 0.9, η = 0.1"
                         : "w2 (step 3) = w2 (step 2) + m_w2 (step 2)");
    }
    // Row 3's w1 by gradient descent from row 2 (w1 − η·∂L/∂w1; in row 2 both updates agree,
    // as m = −η·g after step 1 — not with Nesterov): wrong, and the momentum is forgotten.
    auto rows = cells_of(csv);
    const Trace trace = nntutor::run(s);
    const double plain_w1 = trace.steps[1].layers[0].W(0, 0) - 0.1 * trace.steps[1].layers[0].dW(0, 0);
    rows[3][column(rows[0], "w1")] = nntutor::fixed(plain_w1, 4);
    const nntutor::CheckReport r =
        nntutor::check_answer(s, nntutor::parse_answer(s, csv_of(rows)), nntutor::CheckMode::kStep);
    const auto* w1 = find_cell(r, 3, "w1");
    ASSERT_NE(w1, nullptr);
    EXPECT_EQ(w1->verdict, nntutor::Verdict::kWrong);
    EXPECT_EQ(w1->slip_id, "no-momentum");
    EXPECT_EQ(w1->slip, "The momentum is forgotten: w1 − η·dL/dw1 is plain gradient descent; with momentum the "
                        "update adds the velocity m_w1.");
  }
}

TEST(MomentumCheck, APlantedVelocitySlipIsFoundAndTheUpdateFollowsIt) {
  const Session s = session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}, 3);
  const Trace trace = nntutor::run(s);
  auto rows = cells_of(nntutor::render(s, trace, nntutor::Format::kCsv, 6));
  // Row 2's m_b2 with the wrong sign: μ·m + η·g instead of μ·m − η·g.
  const double m1 = trace.steps[0].layers[1].state_b[0](0), g2 = trace.steps[1].layers[1].db(0);
  rows[2][column(rows[0], "m_b2")] = nntutor::fixed(0.9 * m1 + 0.1 * g2, 6);
  // Row 3's b2 as the student computes it from that velocity: b2 + μ·m − η·g (Nesterov).
  const double b2 = trace.steps[1].layers[1].b(0);
  rows[3][column(rows[0], "b2")] = nntutor::fixed(b2 + (0.9 * (0.9 * m1 + 0.1 * g2) - 0.1 * g2), 6);
  const nntutor::CheckReport r =
      nntutor::check_answer(s, nntutor::parse_answer(s, csv_of(rows)), nntutor::CheckMode::kStep);
  const auto* m = find_cell(r, 2, "m_b2");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->verdict, nntutor::Verdict::kWrong);
  EXPECT_EQ(m->slip_id, "velocity-sign");
  EXPECT_EQ(m->slip, "The velocity has the wrong sign: μ·m_b2 + η·dL/db2 instead of μ·m_b2 − η·dL/db2.");
  const auto* b = find_cell(r, 3, "b2");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->verdict, nntutor::Verdict::kCorrect);  // step mode: right from the student's own m_b2
  ASSERT_TRUE(b->follows.has_value());
  EXPECT_EQ(b->follows->second, "m_b2");
  // Start mode: the same b2 is wrong, inheriting the slip.
  const nntutor::CheckReport start =
      nntutor::check_answer(s, nntutor::parse_answer(s, csv_of(rows)), nntutor::CheckMode::kStart);
  EXPECT_EQ(find_cell(start, 3, "b2")->verdict, nntutor::Verdict::kWrong);
  EXPECT_EQ(start.wrong, 2);
  // Forgetting μ·m in row 2 is named too.
  rows = cells_of(nntutor::render(s, trace, nntutor::Format::kCsv, 6));
  rows[2][column(rows[0], "m_w1")] = nntutor::fixed(-0.1 * trace.steps[1].layers[0].dW(0, 0), 6);
  const nntutor::CheckReport forgot =
      nntutor::check_answer(s, nntutor::parse_answer(s, csv_of(rows)), nntutor::CheckMode::kStep);
  EXPECT_EQ(find_cell(forgot, 2, "m_w1")->slip_id, "no-momentum-term");
}

TEST(MomentumTutor, AsksTheVelocityAfterTheGradientsAndGivesTheOneBefore) {
  const Session s = session({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}, 3);
  const Trace trace = nntutor::run(s);
  const nntutor::TutorStep t = nntutor::tutor_step(s, 2);
  // Given: row 2's parameters and the velocity after step 1 (what m ← μ·m − η·g starts from).
  ASSERT_EQ(t.state.size(), 4u);
  EXPECT_EQ(t.state[0].first, "m_w1");
  EXPECT_EQ(t.state[0].second, trace.steps[0].layers[0].state_W[0](0, 0));
  EXPECT_EQ(t.state[3].first, "m_b2");
  EXPECT_EQ(nntutor::tutor_step(s, 1).state[0].second, 0.0);  // m₀ = 0
  // Asked: forward, loss, gradients, then this step's velocity, then the next row's parameters.
  std::vector<std::string> stages, velocity;
  for (const auto& c : t.cells) {
    if (stages.empty() || stages.back() != c.stage) stages.push_back(c.stage);
    if (c.stage == "velocity") {
      velocity.push_back(c.column);
      EXPECT_EQ(c.row, 2);
    }
  }
  EXPECT_EQ(stages, (std::vector<std::string>{"forward", "loss", "gradient", "velocity", "update"}));
  EXPECT_EQ(velocity, (std::vector<std::string>{"m_w1", "m_b1", "m_w2", "m_b2"}));
  const json j = json::parse(nntutor::tutor_step_json(t, 4));
  EXPECT_EQ(j["momentum"], 0.9);
  EXPECT_EQ(j["state"][0]["text"], "0.0017");
  // A typed velocity is judged like a table cell, with its slip.
  const double m2 = trace.steps[1].layers[0].state_W[0](0, 0);
  EXPECT_EQ(nntutor::tutor_check(s, 2, "m_w1", 2, nntutor::fixed(m2, 4), 4).cell.verdict, nntutor::Verdict::kCorrect);
  const double wrong = 0.9 * trace.steps[0].layers[0].state_W[0](0, 0) + 0.1 * trace.steps[1].layers[0].dW(0, 0);
  const nntutor::TutorCheck slip = nntutor::tutor_check(s, 2, "m_w1", 2, nntutor::fixed(wrong, 6), 6);
  EXPECT_EQ(slip.cell.verdict, nntutor::Verdict::kWrong);
  EXPECT_EQ(slip.cell.slip_id, "velocity-sign");
  // The updated w1 (row 3) by Nesterov's rule.
  const double w3 = trace.steps[2].layers[0].W(0, 0);
  EXPECT_EQ(nntutor::tutor_check(s, 2, "w1", 3, nntutor::fixed(w3, 4), 4).cell.verdict, nntutor::Verdict::kCorrect);
  // Plain gradient descent is asked as before: no velocity, no state.
  const nntutor::TutorStep plain = nntutor::tutor_step(session({{"name", "sgd"}, {"learning_rate", 0.1}}), 2);
  EXPECT_TRUE(plain.state.empty());
  EXPECT_FALSE(json::parse(nntutor::tutor_step_json(plain, 4)).contains("state"));
}

TEST(MomentumCheck, SlipTableIdsAndPlaceholders) {
  std::set<std::string> ids;
  for (const auto& slip : nntutor::check_detail::momentum_slip_table()) {
    ids.insert(slip.id);
    const std::string text = slip.sentence;
    for (std::size_t p = text.find('{'); p != std::string::npos; p = text.find('{', p + 1)) {
      const std::string key = text.substr(p + 1, text.find('}', p) - p - 1);
      EXPECT_TRUE(key == "name" || key == "dp" || key == "m") << slip.id << ": " << text;
    }
  }
  EXPECT_EQ(ids, (std::set<std::string>{"no-momentum", "nesterov-update", "plain-momentum-update", "no-update",
                                        "velocity-sign", "no-momentum-term", "no-learning-rate"}));
}

#ifdef NNTUTOR_CLI
TEST(MomentumCli, TableAndEquationsOfANesterovSession) {
  const std::string path = nntutor_test::write_temp(
      "nesterov.json",
      lecture({{"name", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}, 2).dump());
  const auto table = nntutor_test::cli("table '" + path + "' --format csv --precision 4");
  EXPECT_EQ(table.status, 0) << table.err;
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')),
            "step,w1,b1,z1,y1,dL/dw1,dL/db1,m_w1,m_b1,w2,b2,z2,y2,dL/dw2,dL/db2,m_w2,m_b2,L");
  EXPECT_NE(table.out.find("\n2,0.5032,0.0032,"), std::string::npos) << table.out;
  const auto equations = nntutor_test::cli("equations '" + path + "' --step 2");
  EXPECT_EQ(equations.status, 0) << equations.err;
  EXPECT_NE(equations.out.find("w_{1} &\\leftarrow w_{1} + \\mu\\,m_{w_{1}} - \\eta"), std::string::npos)
      << equations.out;
  const std::string answer = nntutor_test::write_temp("nesterov.csv", table.out);
  const auto check = nntutor_test::cli("check '" + path + "' '" + answer + "'");
  EXPECT_EQ(check.status, 0) << check.out << check.err;
  EXPECT_EQ(check.out, "All 34 cells are correct.\n");
  std::remove(answer.c_str());
  const auto tutor = nntutor_test::cli("tutor '" + path + "' --step 2 --format json");
  EXPECT_EQ(tutor.status, 0) << tutor.err;
  EXPECT_EQ(json::parse(tutor.out)["state"][0]["column"], "m_w1") << tutor.out;
  std::remove(path.c_str());
}
#endif

}  // namespace
