// Losses: values and gradients by hand (mean over samples), and finite differences.
#include "nntutor/loss.hpp"

#include <gtest/gtest.h>

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
  EXPECT_EQ(nntutor::loss_names(), (std::vector<std::string>{"half_sse", "mse"}));
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
  EXPECT_SESSION_ERROR(loss_by_name("mae"), "loss: expected one of half_sse, mse, got \"mae\"");
  EXPECT_SESSION_ERROR(loss_by_name("MSE", "session.loss"),
                       "session.loss: expected one of half_sse, mse, got \"MSE\"");
}

}  // namespace
