// Gradient descent and its trace: the lecture's table (section 3) row by row against the
// chain rule computed here, several samples, divergence, and train_silently.
#include "nntutor/train.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <limits>
#include <string>
#include <vector>

#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "test_helpers.hpp"

namespace {

using nntutor::Batch;
using nntutor::Network;
using nntutor::Sgd;
using nntutor::Trace;
using nntutor_test::lecture_network;
using nntutor_test::matrix;
using nntutor_test::single_batch;
using nntutor_test::vector;

/// One row of the lecture's table: the parameters before the step's update.
struct LectureRow {
  double w1, b1, z1, y1, dw1, db1, w2, b2, z2, y2, dw2, db2, L;
};

double logistic(double z) { return 1 / (1 + std::exp(-z)); }

/// The lecture's closed-form chain rule for the 1-1-1 sigmoid network, written out by hand.
std::vector<LectureRow> lecture_rows(double eta, int steps, double x = 1, double y = 1,
                                     double w1 = 0.5, double b1 = 0, double w2 = 0.8,
                                     double b2 = 0) {
  std::vector<LectureRow> rows;
  for (int k = 1; k <= steps; ++k) {
    LectureRow r{};
    r.w1 = w1, r.b1 = b1, r.w2 = w2, r.b2 = b2;
    r.z1 = w1 * x + b1;
    r.y1 = logistic(r.z1);
    r.z2 = w2 * r.y1 + b2;
    r.y2 = logistic(r.z2);
    r.L = 0.5 * (r.y2 - y) * (r.y2 - y);
    r.dw2 = (r.y2 - y) * (1 - r.y2) * r.y2 * r.y1;
    r.db2 = (r.y2 - y) * (1 - r.y2) * r.y2;
    r.dw1 = (r.y2 - y) * (1 - r.y2) * r.y2 * w2 * (1 - r.y1) * r.y1 * x;
    r.db1 = (r.y2 - y) * (1 - r.y2) * r.y2 * w2 * (1 - r.y1) * r.y1;
    rows.push_back(r);
    w1 -= eta * r.dw1;  // w ← w − η·∂L/∂w
    b1 -= eta * r.db1;
    w2 -= eta * r.dw2;
    b2 -= eta * r.db2;
  }
  return rows;
}

void expect_trace_matches(const Trace& trace, const std::vector<LectureRow>& rows) {
  ASSERT_FALSE(trace.diverged);
  ASSERT_EQ(trace.steps.size(), rows.size());
  const double tol = 1e-12;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    SCOPED_TRACE("step " + std::to_string(k + 1));
    const auto& t = trace.steps[k];
    const auto& r = rows[k];
    EXPECT_EQ(t.step, static_cast<int>(k) + 1);
    ASSERT_EQ(t.layers.size(), 2u);
    const auto& l1 = t.layers[0];
    const auto& l2 = t.layers[1];
    EXPECT_NEAR(l1.W(0, 0), r.w1, tol);
    EXPECT_NEAR(l1.b(0), r.b1, tol);
    EXPECT_NEAR(l1.z(0, 0), r.z1, tol);
    EXPECT_NEAR(l1.y(0, 0), r.y1, tol);
    EXPECT_NEAR(l1.dW(0, 0), r.dw1, tol);
    EXPECT_NEAR(l1.db(0), r.db1, tol);
    EXPECT_NEAR(l2.W(0, 0), r.w2, tol);
    EXPECT_NEAR(l2.b(0), r.b2, tol);
    EXPECT_NEAR(l2.z(0, 0), r.z2, tol);
    EXPECT_NEAR(l2.y(0, 0), r.y2, tol);
    EXPECT_NEAR(l2.dW(0, 0), r.dw2, tol);
    EXPECT_NEAR(l2.db(0), r.db2, tol);
    EXPECT_NEAR(t.loss, r.L, tol);
  }
}

const auto kHalfSse = nntutor::loss_by_name("half_sse");

class LectureTable : public ::testing::TestWithParam<double> {};

TEST_P(LectureTable, EveryNumberOfEveryRowFollowsTheChainRule) {
  const double eta = GetParam();
  for (int steps : {5, 10}) {
    SCOPED_TRACE("η = " + std::to_string(eta) + ", " + std::to_string(steps) + " steps");
    const Trace trace = nntutor::run(lecture_network(), single_batch(), kHalfSse, Sgd{eta}, steps);
    expect_trace_matches(trace, lecture_rows(eta, steps));
  }
}

TEST_P(LectureTable, LossDecreasesMonotonicallyForTargetOne) {
  const double eta = GetParam();
  const Trace trace = nntutor::run(lecture_network(), single_batch(), kHalfSse, Sgd{eta}, 10);
  ASSERT_EQ(trace.steps.size(), 10u);
  for (std::size_t k = 1; k < trace.steps.size(); ++k)
    EXPECT_LT(trace.steps[k].loss, trace.steps[k - 1].loss) << "η = " << eta << ", step " << k + 1;
}

INSTANTIATE_TEST_SUITE_P(SlidesLearningRates, LectureTable, ::testing::Values(0.1, 1.0, 10.0),
                         [](const ::testing::TestParamInfo<double>& info) {
                           return info.param == 0.1 ? std::string("eta_0_1")
                                                    : "eta_" + std::to_string(int(info.param));
                         });

TEST(LectureTable, RowsOneAndTwoAsPrintedInTheLecture) {
  const Trace trace = nntutor::run(lecture_network(), single_batch(), kHalfSse, Sgd{0.1}, 2);
  ASSERT_EQ(trace.steps.size(), 2u);
  const auto row = [&](int k) {
    const auto& t = trace.steps[static_cast<std::size_t>(k - 1)];
    const auto& l1 = t.layers[0];
    const auto& l2 = t.layers[1];
    std::vector<std::string> cells;
    for (double v : {l1.W(0, 0), l1.b(0), l1.z(0, 0), l1.y(0, 0), l1.dW(0, 0), l1.db(0),
                     l2.W(0, 0), l2.b(0), l2.z(0, 0), l2.y(0, 0), l2.dW(0, 0), l2.db(0), t.loss})
      cells.push_back(nntutor::fixed(v, 4));
    return cells;
  };
  // | step | w1 | b1 | z1 | y1 | ∂L/∂w1 (= ∂L/∂b1 as x = 1) | w2 | b2 | z2 | y2 | ∂L/∂w2 | ∂L/∂b2 | L |
  EXPECT_EQ(row(1), (std::vector<std::string>{"0.5000", "0.0000", "0.5000", "0.6225", "-0.0167",
                                               "-0.0167", "0.8000", "0.0000", "0.4980", "0.6220",
                                               "-0.0553", "-0.0889", "0.0714"}));
  EXPECT_EQ(row(2), (std::vector<std::string>{"0.5017", "0.0017", "0.5033", "0.6232", "-0.0166",
                                               "-0.0166", "0.8055", "0.0089", "0.5109", "0.6250",
                                               "-0.0548", "-0.0879", "0.0703"}));
  // The slide's row 2 says z2 = 0.5151; w2·y1 + b2 is 0.5109 (a real slip on the slide).
  EXPECT_NEAR(trace.steps[1].layers[1].z(0, 0), 0.8055 * 0.6232 + 0.0089, 1e-4);
}

TEST(LectureTable, InputOtherThanOneSeparatesTheWeightAndBiasGradients) {
  const Trace trace = nntutor::run(lecture_network(), single_batch(2, 1), kHalfSse, Sgd{0.5}, 5);
  expect_trace_matches(trace, lecture_rows(0.5, 5, 2, 1));
  for (const auto& t : trace.steps) {
    EXPECT_NE(t.layers[0].dW(0, 0), t.layers[0].db(0));
    EXPECT_NEAR(t.layers[0].dW(0, 0), 2 * t.layers[0].db(0), 1e-15);  // ∂L/∂w1 = x·∂L/∂b1
  }
}

TEST(LectureTable, OtherStartAndTarget) {
  const Trace trace = nntutor::run(lecture_network(-0.3, 0.2, 1.1, -0.4), single_batch(-1.5, 0.25),
                                   kHalfSse, Sgd{2}, 6);
  expect_trace_matches(trace, lecture_rows(2, 6, -1.5, 0.25, -0.3, 0.2, 1.1, -0.4));
}

TEST(Train, SeveralSamplesTakeTheMeanOverSamples) {
  Network net;
  net.layers.push_back(nntutor_test::layer(matrix({{0.4, -0.7}, {1.1, 0.3}, {-0.2, 0.9}}),
                                           vector({0.1, -0.2, 0.05}), "tanh"));
  net.layers.push_back(nntutor_test::layer(matrix({{0.6, -0.5, 0.8}}), vector({0.3}), "sigmoid"));
  const Eigen::MatrixXd X = matrix({{1, -0.5, 2}, {0.3, 1.5, -1}});
  const Eigen::MatrixXd Y = matrix({{1, 0, 0.4}});
  for (const auto& loss_name : nntutor::loss_names()) {
    SCOPED_TRACE(loss_name);
    const auto loss = nntutor::loss_by_name(loss_name);
    const Trace all = nntutor::run(net, Batch{X, Y}, loss, Sgd{0.1}, 1);
    ASSERT_EQ(all.steps.size(), 1u);
    const auto& t = all.steps[0];
    double mean_loss = 0;
    std::vector<Eigen::MatrixXd> mean_dW = {Eigen::MatrixXd::Zero(3, 2), Eigen::MatrixXd::Zero(1, 3)};
    std::vector<Eigen::VectorXd> mean_db = {Eigen::VectorXd::Zero(3), Eigen::VectorXd::Zero(1)};
    for (int s = 0; s < 3; ++s) {
      const Trace one = nntutor::run(net, Batch{X.col(s), Y.col(s)}, loss, Sgd{0.1}, 1);
      const auto& o = one.steps[0];
      mean_loss += o.loss / 3;
      for (int l = 0; l < 2; ++l) {
        mean_dW[l] += o.layers[l].dW / 3;
        mean_db[l] += o.layers[l].db / 3;
        // z and y: one column per sample (units × samples)
        EXPECT_TRUE(t.layers[l].z.col(s).isApprox(o.layers[l].z.col(0), 1e-15));
        EXPECT_TRUE(t.layers[l].y.col(s).isApprox(o.layers[l].y.col(0), 1e-15));
      }
    }
    EXPECT_NEAR(t.loss, mean_loss, 1e-15);
    for (int l = 0; l < 2; ++l) {
      EXPECT_TRUE(t.layers[l].dW.isApprox(mean_dW[l], 1e-13)) << t.layers[l].dW << "\n" << mean_dW[l];
      EXPECT_TRUE(t.layers[l].db.isApprox(mean_db[l], 1e-13)) << t.layers[l].db;
      EXPECT_EQ(t.layers[l].z.rows(), net.layers[l].units());
      EXPECT_EQ(t.layers[l].z.cols(), 3);
    }
  }
}

TEST(Train, RunLeavesTheNetworkUntouchedAndRecordsParametersBeforeTheUpdate) {
  const Network net = lecture_network();
  const Trace trace = nntutor::run(net, single_batch(), kHalfSse, Sgd{1}, 3);
  EXPECT_EQ(net.layers[0].W(0, 0), 0.5);
  ASSERT_EQ(trace.steps.size(), 3u);
  EXPECT_EQ(trace.steps[0].layers[0].W(0, 0), 0.5);
  for (std::size_t k = 1; k < 3; ++k)
    for (std::size_t l = 0; l < 2; ++l) {
      const auto& before = trace.steps[k - 1].layers[l];
      EXPECT_EQ(trace.steps[k].layers[l].W, before.W - 1.0 * before.dW);
      EXPECT_EQ(trace.steps[k].layers[l].b, before.b - 1.0 * before.db);
    }
}

TEST(Train, ZeroStepsGiveAnEmptyTrace) {
  const Trace trace = nntutor::run(lecture_network(), single_batch(), kHalfSse, Sgd{0.1}, 0);
  EXPECT_TRUE(trace.steps.empty());
  EXPECT_FALSE(trace.diverged);
}

TEST(Train, TrainStepNumbersTheRowAndUpdatesTheNetwork) {
  Network net = lecture_network();
  nntutor::Pass pass;
  nntutor::StepTrace row;
  EXPECT_FALSE(nntutor::train_step(net, single_batch(), kHalfSse, Sgd{0.1}, 7, pass, &row));
  EXPECT_EQ(row.step, 7);
  const auto r = lecture_rows(0.1, 2);
  EXPECT_NEAR(row.loss, r[0].L, 1e-15);
  EXPECT_NEAR(net.layers[0].W(0, 0), r[1].w1, 1e-15);
  EXPECT_NEAR(net.layers[1].b(0), r[1].b2, 1e-15);
}

/// All numbers of the recorded steps are finite.
void expect_all_finite(const Trace& trace) {
  for (const auto& t : trace.steps) {
    EXPECT_TRUE(std::isfinite(t.loss)) << "step " << t.step;
    for (const auto& l : t.layers)
      EXPECT_TRUE(l.W.allFinite() && l.b.allFinite() && l.z.allFinite() && l.y.allFinite() &&
                  l.dW.allFinite() && l.db.allFinite())
          << "step " << t.step;
  }
}

Network linear_1_1(double w, double b) {
  Network net;
  net.layers.push_back(nntutor_test::layer(matrix({{w}}), vector({b}), "linear"));
  return net;
}

TEST(Divergence, TooLargeALearningRateOverflowsTheLoss) {
  // 1-1 linear, x = 1, y = 1, η = 10: the error e = w + b − 1 becomes −19·e each step, so the
  // loss ½e² overflows first. Find that step independently.
  const double eta = 10;
  double w = 0.5, b = 0;
  int expected_at = 0;
  for (int k = 1; k <= 1000; ++k) {
    const double e = w * 1 + b - 1;
    if (!std::isfinite(0.5 * e * e)) {
      expected_at = k;
      break;
    }
    w -= eta * e;
    b -= eta * e;
  }
  ASSERT_GT(expected_at, 10);
  const Trace trace = nntutor::run(linear_1_1(0.5, 0), single_batch(), kHalfSse, Sgd{eta}, 1000);
  ASSERT_TRUE(trace.diverged);
  EXPECT_EQ(trace.diverged->at, expected_at);
  EXPECT_EQ(trace.diverged->reason, "L overflowed to +inf");
  EXPECT_EQ(trace.steps.size(), static_cast<std::size_t>(expected_at - 1));
  expect_all_finite(trace);
  // The loss grows (19² per step) until it overflows.
  for (std::size_t k = 1; k < trace.steps.size(); ++k)
    EXPECT_GT(trace.steps[k].loss, trace.steps[k - 1].loss);
}

TEST(Divergence, HugeInputTimesHugeWeightOverflowsZ1AtStep1) {
  Network net = lecture_network(1e200, 0, 0.8, 0);
  const Trace trace = nntutor::run(net, single_batch(1e200, 1), kHalfSse, Sgd{0.1}, 5);
  ASSERT_TRUE(trace.diverged);
  EXPECT_EQ(trace.diverged->at, 1);
  EXPECT_EQ(trace.diverged->reason, "z1 overflowed to +inf");
  EXPECT_TRUE(trace.steps.empty());

  // train_step reports it and leaves the network as it was.
  nntutor::Pass pass;
  nntutor::StepTrace row;
  const auto d = nntutor::train_step(net, single_batch(1e200, 1), kHalfSse, Sgd{0.1}, 1, pass, &row);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "z1 overflowed to +inf");
  EXPECT_EQ(net.layers[0].W(0, 0), 1e200);
  EXPECT_EQ(net.layers[1].W(0, 0), 0.8);
}

TEST(Divergence, NegativeOverflowAndNaNAreNamedWithTheirColumn) {
  // Sample 2 of 2 overflows to −inf: the reason uses the table's column name z1@2.
  Network net = lecture_network(1e200, 0, 0.8, 0);
  const Trace neg = nntutor::run(net, Batch{matrix({{1, -1e200}}), matrix({{1, 1}})}, kHalfSse,
                                 Sgd{0.1}, 3);
  ASSERT_TRUE(neg.diverged);
  EXPECT_EQ(neg.diverged->at, 1);
  EXPECT_EQ(neg.diverged->reason, "z1@2 overflowed to -inf");

  // inf − inf inside W·x: z is undefined.
  Network two_inputs;
  two_inputs.layers.push_back(nntutor_test::layer(matrix({{1e200, -1e200}}), vector({0}), "linear"));
  const Trace nan = nntutor::run(two_inputs, Batch{matrix({{1e200}, {1e200}}), matrix({{0}})},
                                 kHalfSse, Sgd{0.1}, 3);
  ASSERT_TRUE(nan.diverged);
  EXPECT_EQ(nan.diverged->reason, "z1 is undefined (NaN)");
}

TEST(Divergence, AnUpdateThatOverflowsIsReportedAtTheNextStep) {
  // x = 1, y = 0, w = 2: ∂L/∂w = ∂L/∂b = 2; with η = 1.5e308, w ← 2 − 3e308 = −inf.
  const Trace trace =
      nntutor::run(linear_1_1(2, 0), single_batch(1, 0), kHalfSse, Sgd{1.5e308}, 5);
  ASSERT_TRUE(trace.diverged);
  EXPECT_EQ(trace.diverged->at, 2);
  EXPECT_EQ(trace.diverged->reason, "w1 overflowed to -inf in the update of step 1");
  ASSERT_EQ(trace.steps.size(), 1u);
  EXPECT_EQ(trace.steps[0].layers[0].dW(0, 0), 2.0);
  expect_all_finite(trace);
}

TEST(TrainSilently, SameFinalStateAndLossAsRun) {
  for (double eta : {0.1, 1.0, 10.0}) {
    Network net = lecture_network();
    const double loss = nntutor::train_silently(net, single_batch(), kHalfSse, Sgd{eta}, 5);
    // run records the parameters *before* each step: the state after 5 steps is row 6.
    const Trace trace = nntutor::run(lecture_network(), single_batch(), kHalfSse, Sgd{eta}, 6);
    ASSERT_EQ(trace.steps.size(), 6u);
    EXPECT_EQ(loss, trace.steps[4].loss) << eta;
    for (std::size_t l = 0; l < 2; ++l) {
      EXPECT_EQ(net.layers[l].W, trace.steps[5].layers[l].W) << eta;
      EXPECT_EQ(net.layers[l].b, trace.steps[5].layers[l].b) << eta;
    }
  }
}

TEST(TrainSilently, DivergenceGivesNaN) {
  Network net = linear_1_1(0.5, 0);
  EXPECT_TRUE(std::isnan(nntutor::train_silently(net, single_batch(), kHalfSse, Sgd{10}, 1000)));
}

// ---- Keras' optimizers on the lecture's 1-1-1 network, against their formulas written out ----

/// The lecture's four gradients at (w1, b1, w2, b2) for x = 1, y = 1 (section 3's chain rule).
std::array<double, 4> lecture_gradients(const std::array<double, 4>& p) {
  const double y1 = logistic(p[0] * 1 + p[1]);
  const double y2 = logistic(p[2] * y1 + p[3]);
  const double d2 = (y2 - 1) * (1 - y2) * y2;
  const double d1 = d2 * p[2] * (1 - y1) * y1;
  return {d1 * 1, d1, d2 * y1, d2};
}

/// Three steps of an optimizer from the lecture's start: each row's parameters (before the
/// update) and state (after it) must be the closed form's. `update` applies one step of the
/// formula to one parameter and its state.
template <typename Update>
void expect_three_steps(const nntutor::OptimizerSettings& opt, std::vector<double> state0,
                        Update update) {
  const Trace trace = nntutor::run(lecture_network(), single_batch(), kHalfSse, opt, 3);
  ASSERT_FALSE(trace.diverged);
  ASSERT_EQ(trace.steps.size(), 3u);
  std::array<double, 4> p = {0.5, 0, 0.8, 0};
  std::array<std::vector<double>, 4> state = {state0, state0, state0, state0};
  for (int t = 1; t <= 3; ++t) {
    SCOPED_TRACE("step " + std::to_string(t));
    const auto& row = trace.steps[static_cast<std::size_t>(t - 1)];
    const std::array<double, 4> before = {row.layers[0].W(0, 0), row.layers[0].b(0),
                                          row.layers[1].W(0, 0), row.layers[1].b(0)};
    for (int k = 0; k < 4; ++k) EXPECT_NEAR(before[k], p[k], 1e-12) << "parameter " << k;
    const auto g = lecture_gradients(p);
    for (int k = 0; k < 4; ++k) update(p[k], state[k], g[k], t);
    for (std::size_t slot = 0; slot < state0.size(); ++slot) {
      EXPECT_NEAR(row.layers[0].state_W[slot](0, 0), state[0][slot], 1e-15) << "slot " << slot;
      EXPECT_NEAR(row.layers[0].state_b[slot](0), state[1][slot], 1e-15) << "slot " << slot;
      EXPECT_NEAR(row.layers[1].state_W[slot](0, 0), state[2][slot], 1e-15) << "slot " << slot;
      EXPECT_NEAR(row.layers[1].state_b[slot](0), state[3][slot], 1e-15) << "slot " << slot;
    }
  }
}

TEST(Optimizers, AdamThreeStepsAsKerasWritesIt) {
  nntutor::OptimizerSettings adam;
  adam.kind = nntutor::keras::OptimizerKind::kAdam;  // β₁ = 0.9, β₂ = 0.999, ε = 1e-7
  adam.learning_rate = 0.1;
  EXPECT_EQ(adam.slots(), (std::vector<std::string>{"m", "v"}));
  // m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε):
  // Keras' form, ε outside the root and not bias-corrected.
  expect_three_steps(adam, {0, 0}, [](double& theta, std::vector<double>& s, double g, int t) {
    s[0] = 0.9 * s[0] + 0.1 * g;
    s[1] = 0.999 * s[1] + 0.001 * g * g;
    const double m_hat = s[0] / (1 - std::pow(0.9, t)), v_hat = s[1] / (1 - std::pow(0.999, t));
    // the same as η·m̂/(√v̂ + ε/√(1 − β₂ᵗ))
    theta -= 0.1 * m_hat / (std::sqrt(v_hat) + 1e-7 / std::sqrt(1 - std::pow(0.999, t)));
  });
  // Adam's first step moves every parameter by about η (m̂/√v̂ = sign g): the slide's w1 = 0.5
  // becomes 0.599981 (not 0.6, by ε/√v), where gradient descent at η = 0.1 gives 0.5017.
  const Trace trace = nntutor::run(lecture_network(), single_batch(), kHalfSse, adam, 2);
  EXPECT_NEAR(trace.steps[1].layers[0].W(0, 0), 0.599981, 1e-6);
  EXPECT_NEAR(trace.steps[1].layers[1].b(0), 0.099996, 1e-6);
  EXPECT_NEAR(trace.steps[0].layers[0].state_W[0](0, 0), -0.0016710, 1e-7);  // m = 0.1·g
  EXPECT_NEAR(trace.steps[0].layers[0].state_W[1](0, 0), 2.79213e-7, 1e-12);  // v = 0.001·g²
}

TEST(Optimizers, RmspropThreeSteps) {
  nntutor::OptimizerSettings rmsprop;
  rmsprop.kind = nntutor::keras::OptimizerKind::kRmsprop;
  rmsprop.learning_rate = 0.01;
  rmsprop.rho = 0.8;
  EXPECT_EQ(rmsprop.slots(), (std::vector<std::string>{"v"}));
  // v ← ρv + (1 − ρ)g², θ ← θ − η·g/√(v + ε): ε inside the root.
  expect_three_steps(rmsprop, {0}, [](double& theta, std::vector<double>& s, double g, int) {
    s[0] = 0.8 * s[0] + 0.2 * g * g;
    theta -= 0.01 * g / std::sqrt(s[0] + 1e-7);
  });
}

TEST(Optimizers, AdagradThreeSteps) {
  nntutor::OptimizerSettings adagrad;
  adagrad.kind = nntutor::keras::OptimizerKind::kAdagrad;
  adagrad.learning_rate = 0.5;
  EXPECT_EQ(adagrad.slots(), (std::vector<std::string>{"a"}));
  // a ← a + g² from a₀ = 0.1 (Keras' initial_accumulator_value), θ ← θ − η·g/√(a + ε).
  expect_three_steps(adagrad, {0.1}, [](double& theta, std::vector<double>& s, double g, int) {
    s[0] += g * g;
    theta -= 0.5 * g / std::sqrt(s[0] + 1e-7);
  });
}

TEST(Optimizers, PlainSgdKeepsNoStateAndIsTheLecturesTable) {
  EXPECT_TRUE(nntutor::Sgd{0.1}.slots().empty());
  const Trace trace = nntutor::run(lecture_network(), single_batch(), kHalfSse, Sgd{0.1}, 5);
  expect_trace_matches(trace, lecture_rows(0.1, 5));
  for (const auto& t : trace.steps) {
    EXPECT_TRUE(t.batch.empty());
    EXPECT_TRUE(t.layers[0].state_W.empty());
  }
}

TEST(Optimizers, AStateThatOverflowsStopsTheRunAtItsStep) {
  // g = w·x² ≈ 1e160 for a 1-1 linear unit: g² overflows adam's v in the update of step 1.
  nntutor::OptimizerSettings adam;
  adam.kind = nntutor::keras::OptimizerKind::kAdam;
  const Trace trace = nntutor::run(linear_1_1(1, 0), single_batch(1e80, 0), kHalfSse, adam, 3);
  ASSERT_TRUE(trace.diverged);
  EXPECT_EQ(trace.diverged->at, 1);
  EXPECT_EQ(trace.diverged->reason, "v_w1 overflowed to +inf");
}

// ---- Mini-batches ----

/// keras::fit's order, written out: Fisher–Yates on the order the last epoch left, for
/// i = n − 1 … 1: j = min(i, ⌊u·(i + 1)⌋), u = (next() >> 11)·2⁻⁵³ of mt19937_64(seed).
std::vector<std::vector<int>> expected_batches(int samples, int batch, std::uint64_t seed, int steps) {
  std::mt19937_64 engine(seed);
  std::vector<int> order(static_cast<std::size_t>(samples));
  for (int s = 0; s < samples; ++s) order[static_cast<std::size_t>(s)] = s + 1;
  std::vector<std::vector<int>> out;
  std::size_t at = 0;
  while (static_cast<int>(out.size()) < steps) {
    if (at == 0)
      for (std::size_t i = order.size() - 1; i >= 1; --i) {
        const double u = static_cast<double>(engine() >> 11) * 0x1.0p-53;
        std::swap(order[i], order[std::min(i, static_cast<std::size_t>(u * static_cast<double>(i + 1)))]);
      }
    const std::size_t n = std::min(static_cast<std::size_t>(batch), order.size() - at);
    out.emplace_back(order.begin() + static_cast<long>(at), order.begin() + static_cast<long>(at + n));
    at = (at + n) % order.size();
  }
  return out;
}

TEST(MiniBatches, EachStepTakesTheNextBatchOfTheSeedsOrder) {
  // 5 samples in batches of 2: 2, 2, 1 per epoch (Keras keeps the smaller last batch).
  const Eigen::MatrixXd X = matrix({{0.1, -0.4, 0.9, 1.5, -1.2}});
  const Eigen::MatrixXd Y = matrix({{0.2, 0.8, 0.4, 1.0, 0.0}});
  nntutor::OptimizerSettings opt{0.3};
  opt.batch_size = 2;
  opt.shuffle_seed = 42;
  const Trace trace = nntutor::run(lecture_network(), Batch{X, Y}, kHalfSse, opt, 7);
  ASSERT_EQ(trace.steps.size(), 7u);
  const auto expected = expected_batches(5, 2, 42, 7);
  for (std::size_t k = 0; k < 7; ++k) EXPECT_EQ(trace.steps[k].batch, expected[k]) << "step " << k + 1;
  EXPECT_EQ(trace.steps[2].batch.size(), 1u);
  // Every epoch uses every sample once.
  std::vector<int> epoch;
  for (std::size_t k = 3; k < 6; ++k)
    epoch.insert(epoch.end(), trace.steps[k].batch.begin(), trace.steps[k].batch.end());
  std::sort(epoch.begin(), epoch.end());
  EXPECT_EQ(epoch, (std::vector<int>{1, 2, 3, 4, 5}));
  // Another seed, another order.
  opt.shuffle_seed = 43;
  const Trace other = nntutor::run(lecture_network(), Batch{X, Y}, kHalfSse, opt, 3);
  EXPECT_NE(other.steps[0].batch, trace.steps[0].batch);

  // A step is full-batch gradient descent on its own batch: the same loss and gradients, and
  // z and y of every sample at the parameters before the update.
  for (std::size_t k = 0; k < 7; ++k) {
    SCOPED_TRACE("step " + std::to_string(k + 1));
    const auto& t = trace.steps[k];
    Network at;
    for (const auto& l : t.layers) at.layers.push_back(nntutor_test::layer(l.W, l.b, "sigmoid"));
    Batch own{Eigen::MatrixXd(1, static_cast<Eigen::Index>(t.batch.size())),
              Eigen::MatrixXd(1, static_cast<Eigen::Index>(t.batch.size()))};
    for (std::size_t i = 0; i < t.batch.size(); ++i) {
      own.X(0, static_cast<Eigen::Index>(i)) = X(0, t.batch[i] - 1);
      own.Y(0, static_cast<Eigen::Index>(i)) = Y(0, t.batch[i] - 1);
    }
    const Trace alone = nntutor::run(at, own, kHalfSse, Sgd{0.3}, 1);
    EXPECT_NEAR(t.loss, alone.steps[0].loss, 1e-15);
    for (std::size_t l = 0; l < 2; ++l) {
      EXPECT_TRUE(t.layers[l].dW.isApprox(alone.steps[0].layers[l].dW, 1e-14));
      EXPECT_TRUE(t.layers[l].db.isApprox(alone.steps[0].layers[l].db, 1e-14));
      EXPECT_EQ(t.layers[l].z.cols(), 5);
    }
    if (k + 1 < 7)
      EXPECT_NEAR(trace.steps[k + 1].layers[1].W(0, 0), t.layers[1].W(0, 0) - 0.3 * t.layers[1].dW(0, 0), 1e-15);
  }
}

TEST(MiniBatches, ABatchAsLargeAsTheDataIsFullBatchGradientDescent) {
  const Eigen::MatrixXd X = matrix({{0.1, -0.4, 0.9}});
  const Eigen::MatrixXd Y = matrix({{0.2, 0.8, 0.4}});
  nntutor::OptimizerSettings opt{0.3};
  opt.batch_size = 3;
  const Trace batched = nntutor::run(lecture_network(), Batch{X, Y}, kHalfSse, opt, 4);
  const Trace full = nntutor::run(lecture_network(), Batch{X, Y}, kHalfSse, Sgd{0.3}, 4);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_TRUE(batched.steps[k].batch.empty());
    EXPECT_EQ(batched.steps[k].loss, full.steps[k].loss);
  }
}

// ---- Keras' losses through the session engine: gradients against finite differences ----

/// Every ∂L/∂w and ∂L/∂b of step 1 of `json` against (L(θ + h) − L(θ − h))/2h, L being step
/// 1's loss of the session with that one parameter moved.
void expect_session_gradients(const std::string& json) {
  SCOPED_TRACE(json);
  const nntutor::Session session = nntutor::parse_session(json);
  const Trace trace = nntutor::run(session);
  ASSERT_FALSE(trace.steps.empty());
  const auto& t = trace.steps[0];
  const double h = 1e-6;
  const auto loss_with = [&](std::size_t l, int j, int i, double delta) {
    nntutor::Session moved = session;
    if (i >= 0) moved.network.layers[l].W(j, i) += delta;
    else moved.network.layers[l].b(j) += delta;
    nntutor::set_steps(moved, 1);
    return nntutor::run(moved).steps.at(0).loss;
  };
  for (std::size_t l = 0; l < session.network.layers.size(); ++l) {
    const auto& layer = session.network.layers[l];
    for (int j = 0; j < layer.units(); ++j) {
      for (int i = 0; i < layer.inputs(); ++i) {
        const double fd = (loss_with(l, j, i, h) - loss_with(l, j, i, -h)) / (2 * h);
        EXPECT_NEAR(t.layers[l].dW(j, i), fd, 1e-7 + 1e-6 * std::fabs(fd)) << "w" << l + 1 << "[" << j + 1 << "," << i + 1 << "]";
      }
      const double fd = (loss_with(l, j, -1, h) - loss_with(l, j, -1, -h)) / (2 * h);
      EXPECT_NEAR(t.layers[l].db(j), fd, 1e-7 + 1e-6 * std::fabs(fd)) << "b" << l + 1 << "[" << j + 1 << "]";
    }
  }
}

TEST(SessionLosses, GradientsMatchFiniteDifferences) {
  const std::string data2 = R"("inputs": [[0.3, -1.2], [1.1, 0.4], [-0.7, 0.9]], )";
  // softmax + cross_entropy, 3 classes (one-hot and one soft target).
  expect_session_gradients("{" + data2 + R"("targets": [[1, 0, 0], [0, 0, 1], [0.2, 0.5, 0.3]],
      "layers": [{"units": 3, "activation": "tanh"}, {"units": 3, "activation": "softmax"}],
      "loss": "cross_entropy", "seed": 4})");
  // bce after sigmoid (from the logits), one and two outputs.
  expect_session_gradients("{" + data2 + R"("targets": [[1], [0], [0.25]],
      "layers": [{"units": 2, "activation": "elu"}, {"units": 1, "activation": "sigmoid"}],
      "loss": "bce", "seed": 5})");
  expect_session_gradients("{" + data2 + R"("targets": [[1, 0], [0, 1], [1, 1]],
      "layers": [{"units": 3, "activation": "sigmoid"}, {"units": 2, "activation": "sigmoid"}],
      "loss": "bce", "seed": 6})");
  // bce after tanh: the clipped probability (inside the clip here).
  expect_session_gradients("{" + data2 + R"("targets": [[1], [0], [0.5]],
      "layers": [{"units": 2, "activation": "sigmoid", "weights": [[0.3, 0.1], [-0.2, 0.4]]},
                 {"units": 1, "activation": "tanh", "weights": [[0.5, 0.6]], "biases": [0.4]}],
      "loss": "bce"})");
  // mae and msle, linear and sigmoid outputs.
  expect_session_gradients("{" + data2 + R"("targets": [[2, -1], [0.5, 0.5], [-3, 1]],
      "layers": [{"units": 3, "activation": "tanh"}, {"units": 2, "activation": "linear"}],
      "loss": "mae", "seed": 7})");
  expect_session_gradients("{" + data2 + R"("targets": [[2, 0.1], [0.5, 3], [1, 1]],
      "layers": [{"units": 3, "activation": "relu"}, {"units": 2, "activation": "sigmoid"}],
      "loss": "msle", "seed": 8})");
}

TEST(SessionLosses, HandComputedFirstStepOfTheLectureNetwork) {
  // The lecture's 1-1-1 network with x = 1: ŷ = σ(0.8·σ(0.5)) = 0.621982…, for y = 1.
  const double y1 = logistic(0.5), y2 = logistic(0.8 * y1);
  const auto first = [](const std::string& loss, double target) {
    const std::string json = R"({"inputs": [[1]], "targets": [[)" + std::to_string(target) + R"(]],
      "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.5]], "biases": [0]},
                 {"units": 1, "activation": "sigmoid", "weights": [[0.8]], "biases": [0]}],
      "loss": ")" + loss + R"(", "steps": 1})";
    return nntutor::run(nntutor::parse_session(json)).steps.at(0);
  };
  const auto mae = first("mae", 1);
  EXPECT_NEAR(mae.loss, 1 - y2, 1e-15);
  EXPECT_NEAR(mae.layers[1].db(0), -1 * (1 - y2) * y2, 1e-15);  // sign(ŷ − y)·σ'
  const auto msle = first("msle", 1);
  const double d = std::log1p(y2) - std::log(2.0);
  EXPECT_NEAR(msle.loss, d * d, 1e-15);
  EXPECT_NEAR(msle.layers[1].db(0), 2 * d / (1 + y2) * (1 - y2) * y2, 1e-15);
  const auto bce = first("bce", 1);
  EXPECT_NEAR(bce.loss, -std::log(y2), 1e-15);
  EXPECT_NEAR(bce.layers[1].db(0), y2 - 1, 1e-15);  // ∂L/∂z2 = ŷ − y after a sigmoid
  EXPECT_NEAR(bce.layers[1].dW(0, 0), (y2 - 1) * y1, 1e-15);
}

}  // namespace
