// Gradient descent and its trace: the lecture's table (section 3) row by row against the
// chain rule computed here, several samples, divergence, and train_silently.
#include "nntutor/train.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

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

}  // namespace
