// The chain rule written out: the lecture's four equations for the 1-1-1 network, and on random
// networks every equation's factors multiply (and average over samples) to the engine's gradient.
#include "nntutor/equations.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "test_helpers.hpp"

namespace {

using nntutor::Equation;

const char* kLecture = R"({"inputs": [[1]], "targets": [[1]],
  "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.5]], "biases": [0]},
             {"units": 1, "activation": "sigmoid", "weights": [[0.8]], "biases": [0]}],
  "optimizer": {"name": "sgd", "learning_rate": 0.1}, "steps": 2})";

double product_mean(const Equation& e) {
  double sum = 0;
  for (const auto& fs : e.factors) {
    double p = 1;
    for (const auto& f : fs) p *= f.value;
    sum += p;
  }
  return sum / static_cast<double>(e.factors.size());
}

TEST(Equations, LectureChainRuleInTheLecturesWords) {
  const auto session = nntutor::parse_session(kLecture);
  const auto trace = nntutor::run(session);
  const auto eqs = nntutor::gradient_equations(session, trace.steps[0], 4);
  ASSERT_EQ(eqs.size(), 4u);  // one path everywhere: no δ definitions needed
  EXPECT_EQ(eqs[0].lhs + " = " + eqs[0].symbolic(),
            "\\frac{\\partial L}{\\partial w_{1}} = (y_{2} - y) \\cdot (1 - y_{2})y_{2} \\cdot "
            "w_{2} \\cdot (1 - y_{1})y_{1} \\cdot x");
  EXPECT_EQ(eqs[1].lhs + " = " + eqs[1].symbolic(),
            "\\frac{\\partial L}{\\partial b_{1}} = (y_{2} - y) \\cdot (1 - y_{2})y_{2} \\cdot "
            "w_{2} \\cdot (1 - y_{1})y_{1}");
  EXPECT_EQ(eqs[2].lhs + " = " + eqs[2].symbolic(),
            "\\frac{\\partial L}{\\partial w_{2}} = (y_{2} - y) \\cdot (1 - y_{2})y_{2} \\cdot y_{1}");
  EXPECT_EQ(eqs[3].lhs + " = " + eqs[3].symbolic(),
            "\\frac{\\partial L}{\\partial b_{2}} = (y_{2} - y) \\cdot (1 - y_{2})y_{2}");
  EXPECT_EQ(eqs[0].name, "dL/dw1");
  EXPECT_EQ(eqs[3].name, "dL/db2");
  // The numbers of step 1, factor by factor, as a student would substitute them.
  std::string substituted;
  for (const auto& f : eqs[0].factors[0]) substituted += "[" + f.substituted + "]";
  EXPECT_EQ(substituted,
            "[(0.6220 - 1.0000)][(1 - 0.6220)\\cdot 0.6220][0.8000][(1 - 0.6225)\\cdot 0.6225][1.0000]");
  EXPECT_EQ(nntutor::fixed(eqs[0].value, 4), "-0.0167");
  EXPECT_EQ(nntutor::fixed(eqs[2].value, 4), "-0.0553");
  EXPECT_EQ(nntutor::fixed(eqs[3].value, 4), "-0.0889");
}

TEST(Equations, LectureProductsEqualTheTablesGradientsAtEveryStep) {
  const auto session = nntutor::parse_session(kLecture);
  const auto trace = nntutor::run(session);
  for (const auto& step : trace.steps) {
    const auto eqs = nntutor::gradient_equations(session, step, 4);
    EXPECT_NEAR(eqs[0].value, step.layers[0].dW(0, 0), 1e-15);
    EXPECT_NEAR(eqs[1].value, step.layers[0].db(0), 1e-15);
    EXPECT_NEAR(eqs[2].value, step.layers[1].dW(0, 0), 1e-15);
    EXPECT_NEAR(eqs[3].value, step.layers[1].db(0), 1e-15);
  }
}

/// For every activation and loss, on networks with wide layers (δ-recursion) and chains (full
/// expansion), several samples: each parameter's equation equals the engine's gradient.
TEST(Equations, FactorsMultiplyToTheEngineGradientOnRandomNetworks) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  const std::vector<std::vector<int>> shapes = {{2, 3, 1}, {3, 4, 2}, {1, 1, 1, 1}, {2, 3, 3, 2}, {4, 1, 2}};
  int checked = 0;
  for (const std::string activation : {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear"})
    for (const std::string loss : {"half_sse", "mse"})
      for (const auto& shape : shapes) {
        std::string inputs = "[", targets = "[";
        for (int s = 0; s < 3; ++s) {
          inputs += std::string(s ? "," : "") + "[";
          for (int i = 0; i < shape.front(); ++i) inputs += (i ? "," : "") + std::to_string(u(rng));
          inputs += "]";
          targets += std::string(s ? "," : "") + "[";
          for (int k = 0; k < shape.back(); ++k) targets += (k ? "," : "") + std::to_string(u(rng));
          targets += "]";
        }
        std::string layers = "[";
        for (std::size_t l = 1; l < shape.size(); ++l)
          layers += std::string(l > 1 ? "," : "") + "{\"units\":" + std::to_string(shape[l]) +
                    ",\"activation\":\"" + activation + "\"}";
        const std::string json = "{\"inputs\":" + inputs + "],\"targets\":" + targets +
                                 "],\"layers\":" + layers + "],\"loss\":\"" + loss +
                                 "\",\"steps\":3,\"seed\":" + std::to_string(checked) + "}";
        const auto session = nntutor::parse_session(json);
        const auto trace = nntutor::run(session);
        ASSERT_EQ(trace.steps.size(), 3u);
        const auto& step = trace.steps.back();
        const auto eqs = nntutor::gradient_equations(session, step, 4);
        std::size_t n = 0;
        for (std::size_t l = 0; l < step.layers.size(); ++l) {
          const auto& t = step.layers[l];
          for (Eigen::Index j = 0; j < t.dW.rows(); ++j)
            for (Eigen::Index i = 0; i < t.dW.cols(); ++i, ++n) {
              ASSERT_LT(n, eqs.size());
              EXPECT_NEAR(product_mean(eqs[n]), t.dW(j, i), 1e-12 * std::max(1.0, std::abs(t.dW(j, i))))
                  << json << " " << eqs[n].name;
            }
          for (Eigen::Index j = 0; j < t.db.rows(); ++j, ++n)
            EXPECT_NEAR(product_mean(eqs[n]), t.db(j), 1e-12 * std::max(1.0, std::abs(t.db(j))))
                << json << " " << eqs[n].name;
        }
        // What follows the parameters are the δ definitions the δ-form equations refer to.
        for (; n < eqs.size(); ++n) EXPECT_EQ(eqs[n].name.rfind("delta", 0), 0u) << eqs[n].name;
        ++checked;
      }
  EXPECT_EQ(checked, 60);
}

TEST(Equations, WideLayersUseDeltaRecursionWithTheSumWrittenOut) {
  const auto session = nntutor::parse_session(R"({"inputs": [[1, 2]], "targets": [[1]],
    "layers": [{"units": 2, "activation": "relu", "weights": [[0.5, -0.2], [0.3, 0.4]]},
               {"units": 2, "activation": "tanh", "weights": [[0.1, 0.2], [0.3, 0.4]]},
               {"units": 1, "activation": "sigmoid", "weights": [[0.7, -0.6]]}], "steps": 1})");
  const auto trace = nntutor::run(session);
  const auto eqs = nntutor::gradient_equations(session, trace.steps[0], 4);
  // Layer 1's weights reach the loss by several paths: δ-form.
  EXPECT_EQ(eqs[0].lhs + " = " + eqs[0].symbolic(),
            "\\frac{\\partial L}{\\partial w_{1}[1,1]} = \\delta_{1}[1] \\cdot x[1]");
  // Layer 2's reach it by one path (layer 3 has one unit): written out in full.
  EXPECT_EQ(eqs[6].lhs + " = " + eqs[6].symbolic(),
            "\\frac{\\partial L}{\\partial w_{2}[1,1]} = (y_{3} - y) \\cdot (1 - y_{3})y_{3} \\cdot "
            "w_{3}[1,1] \\cdot (1 - y_{2}[1]^{2}) \\cdot y_{1}[1]");
  // The δ definitions follow: layer 1 refers to layer 2, which refers to layer 3.
  std::vector<std::string> names;
  for (const auto& e : eqs)
    if (e.name.rfind("delta", 0) == 0) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"delta1[1]", "delta1[2]", "delta2[1]", "delta2[2]", "delta3"}));
  const auto& d11 = eqs[eqs.size() - 5];
  EXPECT_EQ(d11.lhs + " = " + d11.symbolic(),
            "\\delta_{1}[1] = \\mathbb{1}[z_{1}[1] > 0] \\cdot \\left(w_{2}[1,1]\\,\\delta_{2}[1] + "
            "w_{2}[2,1]\\,\\delta_{2}[2]\\right)");
  EXPECT_EQ(eqs.back().lhs + " = " + eqs.back().symbolic(),
            "\\delta_{3} = (y_{3} - y) \\cdot (1 - y_{3})y_{3}");
}

TEST(Equations, LatexAndJsonCarryTheSameNumbers) {
  const auto session = nntutor::parse_session(kLecture);
  const auto trace = nntutor::run(session);
  const auto eqs = nntutor::gradient_equations(session, trace.steps[1], 4);
  const std::string latex = nntutor::equations_latex(session, eqs, 4);
  EXPECT_EQ(latex.rfind("\\begin{align*}\n", 0), 0u);
  EXPECT_NE(latex.find(" &= -0.0548 \\\\[6pt]\n"), std::string::npos) << latex;  // ∂L/∂w2, row 2
  const std::string json = nntutor::equations_json(eqs, 4);
  EXPECT_NE(json.find("\"name\":\"dL/dw2\""), std::string::npos);
  EXPECT_NE(json.find("= -0.0879\""), std::string::npos) << json;  // ∂L/∂b2, row 2
}

TEST(Equations, ALayerFilterKeepsThoseParametersAndTheirDeltas) {
  const auto session = nntutor::parse_session(R"({"inputs": [[1, 2]], "targets": [[1]],
    "layers": [{"units": 2, "activation": "relu", "weights": [[0.5, -0.2], [0.3, 0.4]]},
               {"units": 2, "activation": "tanh", "weights": [[0.1, 0.2], [0.3, 0.4]]},
               {"units": 1, "activation": "sigmoid", "weights": [[0.7, -0.6]]}], "steps": 1})");
  const auto trace = nntutor::run(session);
  const auto all = nntutor::gradient_equations(session, trace.steps[0], 4);
  const auto last = nntutor::gradient_equations(session, trace.steps[0], 4, {3});
  std::vector<std::string> names;
  for (const auto& e : last) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dL/dw3[1,1]", "dL/dw3[1,2]", "dL/db3"}));
  EXPECT_EQ(last[0].value, all[12].value);
  names.clear();
  for (const auto& e : nntutor::gradient_equations(session, trace.steps[0], 4, {1}))
    names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dL/dw1[1,1]", "dL/dw1[1,2]", "dL/dw1[2,1]",
                                             "dL/dw1[2,2]", "dL/db1[1]", "dL/db1[2]", "delta1[1]",
                                             "delta1[2]", "delta2[1]", "delta2[2]", "delta3"}));
  names.clear();
  for (const auto& e : nntutor::gradient_equations(session, trace.steps[0], 4, {2}, {2}))
    names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dL/dw2[2,1]", "dL/dw2[2,2]", "dL/db2[2]"}));
}

/// step_equations of the first step as JSON (with the step before it: none).
nlohmann::ordered_json json_of(const nntutor::Session& session, const nntutor::Trace& trace) {
  return nntutor::step_equations(session, trace.steps[0], 4);
}

// ---- Keras' losses, other optimizers and mini-batches ----

/// A random session of `shape` (inputs, units…) with `activation` inside, `output` last, 4
/// samples whose targets suit `loss`, trained by `optimizer` (a JSON object).
std::string random_session(std::mt19937& rng, const std::vector<int>& shape, const std::string& activation,
                           const std::string& output, const std::string& loss, const std::string& optimizer,
                           int seed) {
  std::uniform_real_distribution<double> u(-1.5, 1.5), p(0, 1);
  std::string inputs = "[", targets = "[";
  for (int s = 0; s < 4; ++s) {
    inputs += std::string(s ? "," : "") + "[";
    for (int i = 0; i < shape.front(); ++i) inputs += (i ? "," : "") + std::to_string(u(rng));
    inputs += "]";
    targets += std::string(s ? "," : "") + "[";
    const int K = shape.back(), hot = static_cast<int>(p(rng) * K) % K;
    for (int k = 0; k < K; ++k) {
      const double t = loss == "cross_entropy" ? (k == hot ? 1 : 0)
                       : loss == "bce"         ? p(rng)
                       : loss == "msle"        ? 2 * p(rng)
                                               : u(rng);
      targets += (k ? "," : "") + std::to_string(t);
    }
    targets += "]";
  }
  std::string layers = "[";
  for (std::size_t l = 1; l < shape.size(); ++l)
    layers += std::string(l > 1 ? "," : "") + "{\"units\":" + std::to_string(shape[l]) + ",\"activation\":\"" +
              (l + 1 == shape.size() ? output : activation) + "\"}";
  return "{\"inputs\":" + inputs + "],\"targets\":" + targets + "],\"layers\":" + layers + "],\"loss\":\"" + loss +
         "\",\"optimizer\":" + optimizer + ",\"steps\":3,\"seed\":" + std::to_string(seed) + "}";
}

/// Each parameter's equation (its factors multiplied and averaged over the step's batch) is
/// the table's gradient.
void expect_products_are_gradients(const std::string& json) {
  SCOPED_TRACE(json);
  const auto session = nntutor::parse_session(json);
  const auto trace = nntutor::run(session);
  ASSERT_EQ(trace.steps.size(), 3u);
  for (const auto& step : trace.steps) {
    const auto eqs = nntutor::gradient_equations(session, step, 4);
    std::size_t n = 0;
    for (std::size_t l = 0; l < step.layers.size(); ++l) {
      const auto& t = step.layers[l];
      for (Eigen::Index j = 0; j < t.dW.rows(); ++j)
        for (Eigen::Index i = 0; i < t.dW.cols(); ++i, ++n) {
          ASSERT_LT(n, eqs.size());
          EXPECT_NEAR(product_mean(eqs[n]), t.dW(j, i), 1e-12 * std::max(1.0, std::abs(t.dW(j, i)))) << eqs[n].name;
          EXPECT_EQ(eqs[n].samples, step.batch);
        }
      for (Eigen::Index j = 0; j < t.db.rows(); ++j, ++n)
        EXPECT_NEAR(product_mean(eqs[n]), t.db(j), 1e-12 * std::max(1.0, std::abs(t.db(j)))) << eqs[n].name;
    }
  }
}

TEST(Equations, EveryLossOptimizerAndBatchMultipliesToTheEngineGradient) {
  std::mt19937 rng(2025);
  const std::vector<std::vector<int>> shapes = {{2, 3, 1}, {3, 4, 2}, {1, 1, 1, 1}, {2, 3, 3}};
  const std::vector<std::string> optimizers = {
      R"({"name": "sgd", "learning_rate": 0.5})", R"({"name": "adam", "learning_rate": 0.05})",
      R"({"name": "rmsprop", "batch_size": 2, "shuffle_seed": 5})", R"({"name": "sgd", "batch_size": 3})",
      R"({"name": "adagrad", "learning_rate": 0.3, "batch_size": 1})"};
  struct Case {
    const char* loss;
    std::vector<const char*> outputs;
  };
  const std::vector<Case> cases = {{"mae", {"linear", "tanh", "sigmoid"}},
                                   {"msle", {"sigmoid", "relu", "linear"}},
                                   {"bce", {"sigmoid", "tanh", "linear"}},
                                   {"cross_entropy", {"softmax"}},
                                   {"half_sse", {"sigmoid"}},
                                   {"mse", {"linear"}}};
  int checked = 0;
  for (const auto& c : cases)
    for (const char* output : c.outputs)
      for (const std::string activation : {"tanh", "relu", "elu"})
        for (const auto& shape : shapes) {
          const std::string& optimizer = optimizers[static_cast<std::size_t>(checked) % optimizers.size()];
          expect_products_are_gradients(random_session(rng, shape, activation, output, c.loss, optimizer, checked));
          ++checked;
        }
  EXPECT_EQ(checked, 12 * 12);
}

TEST(Equations, SoftmaxWithCrossEntropyIsTheLecturesYHatMinusY) {
  const auto session = nntutor::parse_session(R"({"inputs": [[1, 2]], "targets": [[0, 1, 0]],
    "layers": [{"units": 3, "activation": "softmax", "weights": [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]}],
    "loss": "cross_entropy", "steps": 1})");
  const auto trace = nntutor::run(session);
  const auto eqs = nntutor::gradient_equations(session, trace.steps[0], 4);
  // ∂L/∂w1[2,1] = ∂L/∂z_2 · x_1 = (ŷ_2 − y_2)·x_1: no separate softmax derivative.
  EXPECT_EQ(eqs[2].lhs + " = " + eqs[2].symbolic(),
            "\\frac{\\partial L}{\\partial w_{1}[2,1]} = (y_{1}[2] - y[2]) \\cdot x[1]");
  const double y2 = trace.steps[0].layers[0].y(1, 0);
  EXPECT_EQ(eqs[2].factors[0][0].substituted, "(" + nntutor::fixed(y2, 4) + " - 1.0000)");
  EXPECT_NEAR(eqs[2].value, (y2 - 1) * 1, 1e-15);
}

TEST(Equations, TheFirstFactorOfEachLoss) {
  const auto first = [](const std::string& loss, const std::string& output, double target) {
    const std::string json = R"({"inputs": [[1]], "targets": [[)" + std::to_string(target) + R"(]],
      "layers": [{"units": 1, "activation": ")" + output + R"(", "weights": [[0.5]], "biases": [0]}],
      "loss": ")" + loss + R"(", "steps": 1})";
    const auto session = nntutor::parse_session(json);
    const auto eqs = nntutor::gradient_equations(session, nntutor::run(session).steps[0], 4);
    return eqs[0].lhs + " = " + eqs[0].symbolic();
  };
  EXPECT_EQ(first("mae", "sigmoid", 1),
            "\\frac{\\partial L}{\\partial w_{1}} = \\operatorname{sign}(y_{1} - y) \\cdot (1 - y_{1})y_{1} \\cdot x");
  EXPECT_EQ(first("msle", "sigmoid", 1),
            "\\frac{\\partial L}{\\partial w_{1}} = 2\\frac{\\ln(1 + y_{1}) - \\ln(1 + y)}{1 + y_{1}} \\cdot "
            "(1 - y_{1})y_{1} \\cdot x");
  EXPECT_EQ(first("bce", "tanh", 1),
            "\\frac{\\partial L}{\\partial w_{1}} = \\frac{y_{1} - y}{y_{1}(1 - y_{1})} \\cdot (1 - y_{1}^{2}) \\cdot x");
  // After a sigmoid, bce's chain ∂L/∂ŷ·σ'(z) = (ŷ − y)/(ŷ(1 − ŷ))·ŷ(1 − ŷ) is ŷ − y.
  EXPECT_EQ(first("bce", "sigmoid", 1), "\\frac{\\partial L}{\\partial w_{1}} = (y_{1} - y) \\cdot x");
}

TEST(Equations, ANegativeNumberAfterAMinusIsInParentheses) {
  // Issue 10: ŷ − y with y = −0.25 is written 0.0000 - (-0.2500), never 0.0000 - -0.2500.
  const auto session = nntutor::parse_session(R"({"inputs": [[1]], "targets": [[-0.25]],
    "layers": [{"units": 1, "activation": "linear", "weights": [[0]], "biases": [0]}], "steps": 1})");
  const auto eqs = nntutor::gradient_equations(session, nntutor::run(session).steps[0], 4);
  ASSERT_FALSE(eqs.empty());
  EXPECT_EQ(eqs[0].factors[0][0].substituted, "(0.0000 - (-0.2500))");
  const std::string latex = nntutor::equations_latex(session, eqs, 4);
  EXPECT_NE(latex.find("(0.0000 - (-0.2500))"), std::string::npos) << latex;
  EXPECT_EQ(latex.find("- -"), std::string::npos) << latex;
  // bce on a tanh output (the quotient form) writes its difference the same way.
  const auto bce = nntutor::parse_session(R"({"inputs": [[1]], "targets": [[0]],
    "layers": [{"units": 1, "activation": "tanh", "weights": [[0.5]], "biases": [0]}], "loss": "bce", "steps": 1})");
  const auto b = nntutor::gradient_equations(bce, nntutor::run(bce).steps[0], 4);
  EXPECT_EQ(b[0].factors[0][0].substituted.rfind("\\frac{0.4621 - 0.0000}{", 0), 0u) << b[0].factors[0][0].substituted;
}

TEST(Equations, MiniBatchesAverageOverTheBatch) {
  const auto session = nntutor::parse_session(R"({"inputs": [[1], [2], [3]], "targets": [[1], [0], [1]],
    "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.5]]}],
    "optimizer": {"name": "sgd", "batch_size": 2, "shuffle_seed": 1}, "steps": 2})");
  const auto trace = nntutor::run(session);
  const auto eqs = nntutor::gradient_equations(session, trace.steps[0], 4);
  EXPECT_EQ(eqs[0].samples, trace.steps[0].batch);
  EXPECT_EQ(eqs[0].symbolic(), "\\frac{1}{|B|}\\sum_{s \\in B} (y_{1} - y) \\cdot (1 - y_{1})y_{1} \\cdot x");
  // x of each sample of the batch, in the batch's order.
  ASSERT_EQ(eqs[0].factors.size(), 2u);
  EXPECT_EQ(eqs[0].factors[1].back().value, static_cast<double>(trace.steps[0].batch[1]));
  const auto j = json_of(session, trace);
  EXPECT_EQ(j["equations"][0]["samples"], nlohmann::ordered_json(trace.steps[0].batch));
}

TEST(Equations, TheOptimizersUpdateIsWrittenOutAndGivesTheNextRow) {
  for (const std::string optimizer : {R"({"name": "adam", "learning_rate": 0.1})",
                                      R"({"name": "rmsprop", "learning_rate": 0.01})",
                                      R"({"name": "adagrad", "learning_rate": 0.5})"}) {
    SCOPED_TRACE(optimizer);
    auto j = nlohmann::json::parse(kLecture);
    j["optimizer"] = nlohmann::json::parse(optimizer);
    j["steps"] = 3;
    const auto session = nntutor::parse_session(j.dump());
    const auto trace = nntutor::run(session);
    for (std::size_t k = 0; k + 1 < trace.steps.size(); ++k) {
      const auto updates = nntutor::update_equations(session, trace.steps[k], k ? &trace.steps[k - 1] : nullptr, 4);
      ASSERT_EQ(updates.size(), 4u);
      EXPECT_EQ(updates[0].name, "w1");
      EXPECT_EQ(updates[3].name, "b2");
      const auto& next = trace.steps[k + 1].layers;
      EXPECT_NEAR(updates[0].lines.back().value, next[0].W(0, 0), 1e-15);
      EXPECT_NEAR(updates[1].lines.back().value, next[0].b(0), 1e-15);
      EXPECT_NEAR(updates[2].lines.back().value, next[1].W(0, 0), 1e-15);
      EXPECT_NEAR(updates[3].lines.back().value, next[1].b(0), 1e-15);
      // The state lines are the row's state columns.
      const auto& now = trace.steps[k].layers;
      for (std::size_t slot = 0; slot < now[0].state_W.size(); ++slot)
        EXPECT_EQ(updates[0].lines[slot].value, now[0].state_W[slot](0, 0));
    }
    const auto j2 = json_of(session, trace);
    EXPECT_EQ(j2["optimizer"], session.optimizer.kind == nntutor::keras::OptimizerKind::kAdam ? "adam"
                               : session.optimizer.kind == nntutor::keras::OptimizerKind::kRmsprop ? "rmsprop"
                                                                                                    : "adagrad");
    EXPECT_EQ(j2["updates"].size(), 4u);
    EXPECT_NE(j2["latex"].get<std::string>().find("w_{1} &\\leftarrow w_{1} - \\eta"), std::string::npos);
  }
  const auto adam = [] {
    auto j = nlohmann::json::parse(kLecture);
    j["optimizer"] = {{"name", "adam"}, {"learning_rate", 0.1}};
    return nntutor::parse_session(j.dump());
  }();
  const auto updates = nntutor::update_equations(adam, nntutor::run(adam).steps[0], nullptr, 4);
  EXPECT_EQ(updates[0].lines[0].lhs + " <- " + updates[0].lines[0].symbolic,
            "m_{w_{1}} <- \\beta_1\\,m_{w_{1}} + (1 - \\beta_1)\\,\\frac{\\partial L}{\\partial w_{1}}");
  EXPECT_EQ(updates[0].lines[1].substituted, "0.999\\cdot 0.0000 + (1 - 0.999)\\cdot (-0.0167)^{2}");
  EXPECT_EQ(updates[0].lines[2].substituted,
            "0.5000 - 0.1\\cdot\\frac{\\sqrt{1 - 0.999^{1}}}{1 - 0.9^{1}}\\cdot\\frac{(-0.0017)}{\\sqrt{2.79\\cdot "
            "10^{-7}} + 10^{-7}}");
  // Plain gradient descent: the lecture's w ← w − η·∂L/∂w, written once; nothing added.
  const auto plain = nntutor::parse_session(kLecture);
  EXPECT_TRUE(nntutor::update_equations(plain, nntutor::run(plain).steps[0], nullptr, 4).empty());
  EXPECT_FALSE(json_of(plain, nntutor::run(plain)).contains("updates"));
}

}  // namespace
