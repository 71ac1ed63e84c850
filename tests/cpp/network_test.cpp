// Forward and backward passes: shapes, a forward pass by hand, and every ∂L/∂W, ∂L/∂b of
// random networks against central finite differences of the loss.
#include "nntutor/network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace {

using nntutor::Batch;
using nntutor::Network;
using nntutor::Pass;
using nntutor_test::layer;
using nntutor_test::matrix;
using nntutor_test::vector;

TEST(Network, ShapeAndParameterCount) {
  Network net;
  EXPECT_EQ(net.inputs(), 0);
  EXPECT_EQ(net.outputs(), 0);
  EXPECT_EQ(net.parameters(), 0);
  net.layers.push_back(layer(Eigen::MatrixXd::Zero(4, 3), Eigen::VectorXd::Zero(4), "tanh"));
  net.layers.push_back(layer(Eigen::MatrixXd::Zero(2, 4), Eigen::VectorXd::Zero(2), "linear"));
  EXPECT_EQ(net.inputs(), 3);
  EXPECT_EQ(net.outputs(), 2);
  EXPECT_EQ(net.layers[0].units(), 4);
  EXPECT_EQ(net.layers[0].inputs(), 3);
  EXPECT_EQ(net.parameters(), 3 * 4 + 4 + 4 * 2 + 2);
}

TEST(Network, ForwardByHand) {
  // 2 inputs → 2 relu units → 1 linear unit, 2 samples (columns).
  Network net;
  net.layers.push_back(layer(matrix({{1, -1}, {0.5, 2}}), vector({0.25, -3}), "relu"));
  net.layers.push_back(layer(matrix({{2, -1}}), vector({0.5}), "linear"));
  const Batch batch{matrix({{1, 3}, {2, 1}}), matrix({{0, 1}})};
  Pass pass;
  nntutor::forward(net, batch, nntutor::loss_by_name("half_sse"), pass);
  ASSERT_EQ(pass.Z.size(), 2u);
  // sample 1: z1 = (1 − 2 + 0.25, 0.5 + 4 − 3) = (−0.75, 1.5), y1 = (0, 1.5)
  // sample 2: z1 = (3 − 1 + 0.25, 1.5 + 2 − 3) = (2.25, 0.5), y1 = (2.25, 0.5)
  EXPECT_TRUE(pass.Z[0].isApprox(matrix({{-0.75, 2.25}, {1.5, 0.5}})));
  EXPECT_TRUE(pass.A[0].isApprox(matrix({{0, 2.25}, {1.5, 0.5}})));
  // z2 = 2·y1[1] − y1[2] + 0.5: sample 1: −1.5 + 0.5 = −1, sample 2: 4.5 − 0.5 + 0.5 = 4.5
  EXPECT_TRUE(pass.Z[1].isApprox(matrix({{-1, 4.5}})));
  EXPECT_TRUE(pass.A[1].isApprox(matrix({{-1, 4.5}})));
  // L = mean of ½(ŷ − y)²: (0.5·1 + 0.5·3.5²)/2
  EXPECT_NEAR(pass.loss, (0.5 + 0.5 * 12.25) / 2, 1e-15);

  nntutor::backward(net, batch, nntutor::loss_by_name("half_sse"), pass);
  // δ2 = (ŷ − y)/2 = (−0.5, 1.75); ∂L/∂W2 = δ2·y1ᵀ, ∂L/∂b2 = Σ δ2
  EXPECT_TRUE(pass.dW[1].isApprox(matrix({{-0.5 * 0 + 1.75 * 2.25, -0.5 * 1.5 + 1.75 * 0.5}})));
  EXPECT_NEAR(pass.db[1](0), 1.25, 1e-15);
  // δ1 = W2ᵀδ2 ⊙ relu'(z1): sample 1 (0, −1·−0.5) = (0, 0.5); sample 2 (2·1.75, −1.75)
  EXPECT_TRUE(pass.dW[0].isApprox(
      matrix({{3.5 * 3, 3.5 * 1}, {0.5 * 1 - 1.75 * 3, 0.5 * 2 - 1.75 * 1}})));
  EXPECT_TRUE(pass.db[0].isApprox(vector({3.5, 0.5 - 1.75})));
}

struct ActivationCase {
  std::string name;
  double alpha;  // < 0: keep the default
  bool kinked;   // derivative jumps at z = 0
};

std::string case_name(const ActivationCase& c) {
  return c.alpha < 0 ? c.name : c.name + "(" + std::to_string(c.alpha) + ")";
}

// gtest prints parameters; without this it would dump the struct's bytes (padding included).
void PrintTo(const ActivationCase& c, std::ostream* os) { *os << case_name(c); }

class NetworkGradient : public ::testing::TestWithParam<ActivationCase> {};

/// A random network of `shape` (inputs, units of layer 1, …) with `hidden` in every layer
/// but the last, which uses `output`.
Network random_network(const std::vector<int>& shape, const ActivationCase& hidden,
                       const ActivationCase& output, std::mt19937& rng) {
  std::uniform_real_distribution<double> w(-1.2, 1.2), b(-0.5, 0.5);
  Network net;
  for (std::size_t l = 1; l < shape.size(); ++l) {
    const ActivationCase& c = l + 1 == shape.size() ? output : hidden;
    Eigen::MatrixXd W(shape[l], shape[l - 1]);
    Eigen::VectorXd bias(shape[l]);
    for (int j = 0; j < shape[l]; ++j) {
      bias(j) = b(rng);
      for (int i = 0; i < shape[l - 1]; ++i) W(j, i) = w(rng);
    }
    net.layers.push_back(layer(W, bias, c.name));
    if (c.alpha >= 0) net.layers.back().f.alpha = c.alpha;
  }
  return net;
}

bool near_a_kink(const Network& net, const Pass& pass, const ActivationCase& hidden,
                 const ActivationCase& output) {
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const bool kinked = l + 1 == net.layers.size() ? output.kinked : hidden.kinked;
    if (kinked && pass.Z[l].cwiseAbs().minCoeff() < 1e-4) return true;
  }
  return false;
}

/// Checks every ∂L/∂W and ∂L/∂b of `backward` against (L(θ+h) − L(θ−h))/2h.
void check_gradients(const std::vector<int>& shape, int samples, const ActivationCase& hidden,
                     const ActivationCase& output, const std::string& loss_name,
                     std::mt19937& rng) {
  std::string trace = case_name(hidden) + "/" + case_name(output) + " " + loss_name + " shape";
  for (int n : shape) trace += " " + std::to_string(n);
  trace += ", " + std::to_string(samples) + " samples";
  SCOPED_TRACE(trace);
  const auto loss = nntutor::loss_by_name(loss_name);
  std::uniform_real_distribution<double> data(-1.5, 1.5), target(-1, 1);

  Network net;
  Batch batch;
  Pass pass;
  // Redraw until no z sits within 1e-4 of a kink (the finite difference would straddle it).
  for (int attempt = 0;; ++attempt) {
    ASSERT_LT(attempt, 100) << "could not draw a network away from the kinks";
    net = random_network(shape, hidden, output, rng);
    batch.X.resize(shape.front(), samples);
    batch.Y.resize(shape.back(), samples);
    for (int s = 0; s < samples; ++s) {
      for (int i = 0; i < shape.front(); ++i) batch.X(i, s) = data(rng);
      for (int k = 0; k < shape.back(); ++k) batch.Y(k, s) = target(rng);
    }
    nntutor::forward(net, batch, loss, pass);
    if (!near_a_kink(net, pass, hidden, output)) break;
  }
  nntutor::backward(net, batch, loss, pass);

  const double h = 1e-6;
  const auto loss_at = [&](const Network& n) {
    Pass p;
    nntutor::forward(n, batch, loss, p);
    return p.loss;
  };
  const auto expect_close = [&](double analytic, double fd, const std::string& what) {
    EXPECT_NEAR(analytic, fd, 1e-6 * std::fabs(fd) + 1e-9) << what;
  };
  ASSERT_EQ(pass.dW.size(), net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto& layer_l = net.layers[l];
    ASSERT_EQ(pass.dW[l].rows(), layer_l.W.rows());
    ASSERT_EQ(pass.dW[l].cols(), layer_l.W.cols());
    ASSERT_EQ(pass.db[l].size(), layer_l.b.size());
    for (int j = 0; j < layer_l.units(); ++j) {
      for (int i = 0; i < layer_l.inputs(); ++i) {
        Network plus = net, minus = net;
        plus.layers[l].W(j, i) += h;
        minus.layers[l].W(j, i) -= h;
        expect_close(pass.dW[l](j, i), (loss_at(plus) - loss_at(minus)) / (2 * h),
                     "dL/dW" + std::to_string(l + 1) + "[" + std::to_string(j + 1) + "," +
                         std::to_string(i + 1) + "]");
      }
      Network plus = net, minus = net;
      plus.layers[l].b(j) += h;
      minus.layers[l].b(j) -= h;
      expect_close(pass.db[l](j), (loss_at(plus) - loss_at(minus)) / (2 * h),
                   "dL/db" + std::to_string(l + 1) + "[" + std::to_string(j + 1) + "]");
    }
  }
}

const std::vector<std::vector<int>> kShapes = {{3, 4, 2}, {2, 3, 3, 1}, {1, 1, 1}, {4, 2}};

TEST_P(NetworkGradient, BackwardMatchesFiniteDifferences) {
  std::mt19937 rng(12345);
  for (const auto& loss : nntutor::loss_names())
    if (loss != "cross_entropy")  // only after softmax: SoftmaxCrossEntropy in session_engine_test
    for (const auto& shape : kShapes)
      for (int samples : {1, 4}) check_gradients(shape, samples, GetParam(), GetParam(), loss, rng);
}

TEST_P(NetworkGradient, BackwardMatchesFiniteDifferencesWithOtherOutputActivations) {
  std::mt19937 rng(777);
  for (const ActivationCase& output :
       {ActivationCase{"linear", -1, false}, ActivationCase{"sigmoid", -1, false}})
    for (const auto& loss : nntutor::loss_names())
      if (loss != "cross_entropy")  // only after softmax
      check_gradients({3, 5, 2, 2}, 3, GetParam(), output, loss, rng);
}

INSTANTIATE_TEST_SUITE_P(
    EveryActivation, NetworkGradient,
    ::testing::Values(ActivationCase{"sigmoid", -1, false}, ActivationCase{"tanh", -1, false},
                      ActivationCase{"relu", -1, true}, ActivationCase{"leaky_relu", -1, true},
                      ActivationCase{"leaky_relu", 0.3, true}, ActivationCase{"elu", -1, false},
                      ActivationCase{"elu", 0.5, true}, ActivationCase{"linear", -1, false}),
    [](const ::testing::TestParamInfo<ActivationCase>& info) {
      std::string name = info.param.name;
      if (info.param.alpha >= 0) name += "_alpha_" + std::to_string(int(info.param.alpha * 10));
      return name;
    });

TEST(Network, PassIsReusableAcrossShapes) {
  // The same Pass serves networks of different shapes (train_step keeps one between steps).
  std::mt19937 rng(99);
  Pass pass;
  const auto loss = nntutor::loss_by_name("half_sse");
  for (const auto& shape : kShapes) {
    ActivationCase tanh{"tanh", -1, false};
    Network net = random_network(shape, tanh, tanh, rng);
    Batch batch{Eigen::MatrixXd::Constant(shape.front(), 2, 0.3),
                Eigen::MatrixXd::Constant(shape.back(), 2, 0.1)};
    nntutor::forward(net, batch, loss, pass);
    nntutor::backward(net, batch, loss, pass);
    Pass fresh;
    nntutor::forward(net, batch, loss, fresh);
    nntutor::backward(net, batch, loss, fresh);
    EXPECT_EQ(pass.loss, fresh.loss);
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      EXPECT_EQ(pass.dW[l], fresh.dW[l]);
      EXPECT_EQ(pass.db[l], fresh.db[l]);
    }
  }
}

}  // namespace
