// Losses: values and gradients by hand (mean over samples), and finite differences.
#include "nntutor/loss.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace {

using nntutor::loss_by_name;
using nntutor_test::matrix;

// 2 outputs × 3 samples. ŷ − y per sample: (0.2, −0.3), (−0.5, −0.3), (0, −0.5).
const Eigen::MatrixXd kYHat = matrix({{0.2, 0.5, 1.0}, {0.7, -0.3, 0.0}});
const Eigen::MatrixXd kY = matrix({{0.0, 1.0, 1.0}, {1.0, 0.0, 0.5}});

TEST(Loss, Names) {
  EXPECT_EQ(nntutor::loss_names(), (std::vector<std::string>{"half_sse", "mse", "mae", "msle", "bce",
                                                             "cross_entropy"}));
  for (const auto& name : nntutor::loss_names()) EXPECT_EQ(loss_by_name(name).name, name);
}

TEST(Loss, HalfSseIsTheLecturesHalfSquaredErrorSummedOverOutputs) {
  const auto loss = loss_by_name("half_sse");
  // ½Σ_k: 0.5·(0.04 + 0.09) = 0.065, 0.5·(0.25 + 0.09) = 0.17, 0.5·(0 + 0.25) = 0.125
  EXPECT_NEAR(loss.value(kYHat.col(0), kY.col(0)), 0.065, 1e-15);
  EXPECT_NEAR(loss.value(kYHat.col(1), kY.col(1)), 0.17, 1e-15);
  EXPECT_NEAR(loss.value(kYHat.col(2), kY.col(2)), 0.125, 1e-15);
  EXPECT_NEAR(loss.mean(kYHat, kY), (0.065 + 0.17 + 0.125) / 3, 1e-15);

  Eigen::MatrixXd d;
  loss.mean_gradient(kYHat, kY, d);  // (ŷ − y)/S, S = 3
  const Eigen::MatrixXd expected = matrix({{0.2, -0.5, 0.0}, {-0.3, -0.3, -0.5}}) / 3;
  ASSERT_EQ(d.rows(), 2);
  ASSERT_EQ(d.cols(), 3);
  EXPECT_TRUE(d.isApprox(expected, 1e-14)) << d;
}

TEST(Loss, MseDividesByTheNumberOfOutputs) {
  const auto loss = loss_by_name("mse");
  // With K = 2 outputs mse = (1/2)Σ_k equals half_sse; so also check K = 3 below.
  EXPECT_NEAR(loss.mean(kYHat, kY), (0.13 / 2 + 0.34 / 2 + 0.25 / 2) / 3, 1e-15);
  Eigen::MatrixXd d;
  loss.mean_gradient(kYHat, kY, d);  // 2(ŷ − y)/K/S
  EXPECT_TRUE(d.isApprox(matrix({{0.2, -0.5, 0.0}, {-0.3, -0.3, -0.5}}) * (2.0 / 2 / 3), 1e-14));

  // 3 outputs × 2 samples: ŷ − y = (1, 2, −2) and (0, 0, 3).
  const Eigen::MatrixXd y_hat = matrix({{1, 0}, {2, 1}, {-2, 3}});
  const Eigen::MatrixXd y = matrix({{0, 0}, {0, 1}, {0, 0}});
  EXPECT_NEAR(loss.mean(y_hat, y), (9.0 / 3 + 9.0 / 3) / 2, 1e-15);
  EXPECT_NEAR(loss_by_name("half_sse").mean(y_hat, y), (4.5 + 4.5) / 2, 1e-15);
  loss.mean_gradient(y_hat, y, d);
  EXPECT_TRUE(d.isApprox(matrix({{1, 0}, {2, 0}, {-2, 3}}) * (2.0 / 3 / 2), 1e-14)) << d;
}

TEST(Loss, MeanGradientMatchesFiniteDifferencesOfMean) {
  std::mt19937 rng(20250101);
  std::uniform_real_distribution<double> uniform(-2, 2);
  for (const auto& name : nntutor::loss_names()) {
    const auto loss = loss_by_name(name);
    for (const auto& [outputs, samples] : std::vector<std::pair<int, int>>{{2, 3}, {1, 1}, {4, 5}}) {
      SCOPED_TRACE(name + " " + std::to_string(outputs) + "×" + std::to_string(samples));
      Eigen::MatrixXd y_hat(outputs, samples), y(outputs, samples);
      for (int s = 0; s < samples; ++s)
        for (int k = 0; k < outputs; ++k) y_hat(k, s) = uniform(rng), y(k, s) = uniform(rng);
      Eigen::MatrixXd d;
      loss.mean_gradient(y_hat, y, d);
      const double h = 1e-6;
      for (int s = 0; s < samples; ++s)
        for (int k = 0; k < outputs; ++k) {
          Eigen::MatrixXd plus = y_hat, minus = y_hat;
          plus(k, s) += h;
          minus(k, s) -= h;
          const double fd = (loss.mean(plus, y) - loss.mean(minus, y)) / (2 * h);
          EXPECT_NEAR(d(k, s), fd, 1e-8) << "k = " << k << ", s = " << s;
        }
    }
  }
}

TEST(Loss, UnknownNameNamesTheFieldAndTheChoices) {
  EXPECT_SESSION_ERROR(loss_by_name("mape"),
                       "loss: expected one of half_sse, mse, mae, msle, bce, cross_entropy, got \"mape\"");
  EXPECT_SESSION_ERROR(loss_by_name("MSE", "session.loss"),
                       "session.loss: expected one of half_sse, mse, mae, msle, bce, cross_entropy, got \"MSE\"");
}

// ---- Keras' losses (mae, msle, bce, cross_entropy), by hand ----

TEST(Loss, MaeIsTheMeanAbsoluteErrorAndItsGradientTheSign) {
  const auto loss = loss_by_name("mae");
  // |ŷ − y| per sample: (0.2, 0.3), (0.5, 0.3), (0, 0.5); mean over K = 2, then over S = 3.
  EXPECT_NEAR(loss.mean(kYHat, kY), ((0.5 / 2) + (0.8 / 2) + (0.5 / 2)) / 3, 1e-15);
  Eigen::MatrixXd d;
  loss.mean_gradient(kYHat, kY, d);  // sign(ŷ − y)/(K·S), sign(0) = 0
  EXPECT_TRUE(d.isApprox(matrix({{1, -1, 0}, {-1, -1, -1}}) / 6, 1e-15)) << d;
}

TEST(Loss, MsleHasTheSquareAndClipsBelowEpsilon) {
  const auto loss = loss_by_name("msle");
  const Eigen::MatrixXd y_hat = matrix({{0.5}, {2.0}});
  const Eigen::MatrixXd y = matrix({{1.0}, {0.0}});
  const double d1 = std::log(1.5) - std::log(2.0), d2 = std::log(3.0) - std::log1p(1e-7);
  EXPECT_NEAR(loss.mean(y_hat, y), (d1 * d1 + d2 * d2) / 2, 1e-15);  // the slide drops the square
  Eigen::MatrixXd d;
  loss.mean_gradient(y_hat, y, d);  // 2·(ln(1 + ŷ) − ln(1 + y))/((1 + ŷ)·K)
  EXPECT_NEAR(d(0, 0), 2 * d1 / (1.5 * 2), 1e-15);
  EXPECT_NEAR(d(1, 0), 2 * d2 / (3.0 * 2), 1e-15);
  // ŷ below ε = 1e-7 is raised to ε, and the clip passes no gradient.
  loss.mean_gradient(matrix({{-0.5}}), matrix({{1.0}}), d);
  EXPECT_EQ(d(0, 0), 0.0);
  const double clipped = std::log1p(1e-7) - std::log(2.0);
  EXPECT_NEAR(loss.mean(matrix({{-0.5}}), matrix({{1.0}})), clipped * clipped, 1e-15);
}

TEST(Loss, BceClipsTheProbabilityAndFromLogitsDoesNot) {
  const auto loss = loss_by_name("bce");
  const Eigen::MatrixXd p = matrix({{0.8, 0.1}});  // 1 output × 2 samples
  const Eigen::MatrixXd y = matrix({{1.0, 0.0}});
  EXPECT_NEAR(loss.mean(p, y), -(std::log(0.8) + std::log(0.9)) / 2, 1e-15);
  Eigen::MatrixXd d;
  loss.mean_gradient(p, y, d);  // (p − y)/(p(1 − p))/S
  EXPECT_NEAR(d(0, 0), (0.8 - 1) / (0.8 * 0.2) / 2, 1e-14);
  EXPECT_NEAR(d(0, 1), (0.1 - 0) / (0.1 * 0.9) / 2, 1e-14);
  // p = 1 is clipped to 1 − ε: log(ε) instead of log(0), and no gradient through the clip.
  EXPECT_NEAR(loss.mean(matrix({{1.0}}), matrix({{0.0}})), -std::log(1e-7), 1e-6);
  loss.mean_gradient(matrix({{1.0}}), matrix({{0.0}}), d);
  EXPECT_EQ(d(0, 0), 0.0);
  // After a sigmoid the loss is taken from z: max(z, 0) − z·y + log(1 + e^−|z|), ∂L/∂z = σ(z) − y.
  EXPECT_TRUE(loss.from_logits(nntutor::activation_by_name("sigmoid")));
  EXPECT_FALSE(loss.from_logits(nntutor::activation_by_name("linear")));
  const Eigen::MatrixXd z = matrix({{2.0, -40.0}});
  EXPECT_NEAR(loss.mean_from_logits(z, y, &d),
              ((2 - 2 + std::log1p(std::exp(-2.0))) + (0 + std::log1p(std::exp(-40.0)))) / 2, 1e-15);
  EXPECT_NEAR(d(0, 0), (nntutor::sigmoid(2.0) - 1) / 2, 1e-15);
  EXPECT_NEAR(d(0, 1), nntutor::sigmoid(-40.0) / 2, 1e-25);
  // The target 1 at z = −40: the clipped form would stop at log(1e7); from z it is exact.
  EXPECT_NEAR(loss.mean_from_logits(matrix({{-40.0}}), matrix({{1.0}})), 40 + std::log1p(std::exp(-40.0)),
              1e-12);
}

TEST(Loss, CrossEntropyAfterSoftmaxHasTheLecturesGradient) {
  const auto loss = loss_by_name("cross_entropy");
  EXPECT_TRUE(loss.from_logits(nntutor::activation_by_name("softmax")));
  EXPECT_FALSE(loss.from_logits(nntutor::activation_by_name("sigmoid")));
  // 3 classes, 2 samples: logits z, one-hot targets (class 1, then class 3).
  const Eigen::MatrixXd z = matrix({{1.0, 0.0}, {2.0, 0.0}, {0.5, 3.0}});
  const Eigen::MatrixXd y = matrix({{1, 0}, {0, 0}, {0, 1}});
  Eigen::MatrixXd y_hat(3, 2);
  nntutor::softmax(z, y_hat);
  const double e1 = std::exp(1.0), e2 = std::exp(2.0), e05 = std::exp(0.5), e3 = std::exp(3.0);
  EXPECT_NEAR(y_hat(0, 0), e1 / (e1 + e2 + e05), 1e-15);
  EXPECT_NEAR(y_hat(2, 1), e3 / (2 + e3), 1e-15);
  Eigen::MatrixXd d;
  // L = mean of −log ŷ_class; ∂L/∂z_i = (ŷ_i − y_i)/S.
  EXPECT_NEAR(loss.mean_from_logits(z, y, &d),
              (-std::log(e1 / (e1 + e2 + e05)) - std::log(e3 / (2 + e3))) / 2, 1e-15);
  EXPECT_TRUE(d.isApprox((y_hat - y) / 2, 1e-14)) << d;
  // Softmax of large logits does not overflow (e^(z − max z)).
  Eigen::MatrixXd big(2, 1);
  nntutor::softmax(matrix({{1000.0}, {999.0}}), big);
  EXPECT_NEAR(big(0, 0), 1 / (1 + std::exp(-1.0)), 1e-15);
}

}  // namespace
