// Keras 3's optimizers: trajectories of one parameter under a constant gradient against their
// closed forms, Keras' own test values (keras/src/optimizers/*_test.py), the state for the page,
// and every rejected hyperparameter.
#include "nntutor/optimizer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using Eigen::VectorXd;

/// θ after each of `steps` updates of θ₀ = 1 by the constant gradient g = 0.5.
std::vector<double> trajectory(const OptimizerConfig& config, int steps = 5) {
  Optimizer opt(config, 1);
  VectorXd theta = VectorXd::Constant(1, 1.0), g = VectorXd::Constant(1, 0.5);
  std::vector<double> out;
  for (int t = 0; t < steps; ++t) {
    opt.apply(theta, g);
    out.push_back(theta(0));
  }
  return out;
}

void expect_trajectory(const std::vector<double>& got, const std::vector<double>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t t = 0; t < got.size(); ++t) EXPECT_NEAR(got[t], expected[t], 1e-15) << "step " << t + 1;
}

TEST(ModelOptimizer, KerasDefaults) {
  const OptimizerConfig sgd = default_optimizer(OptimizerKind::kSgd);
  EXPECT_EQ(sgd.learning_rate, 0.01);
  EXPECT_EQ(sgd.momentum, 0.0);
  EXPECT_FALSE(sgd.nesterov);
  const OptimizerConfig adagrad = default_optimizer(OptimizerKind::kAdagrad);
  EXPECT_EQ(adagrad.learning_rate, 0.001);
  EXPECT_EQ(adagrad.initial_accumulator_value, 0.1);
  EXPECT_EQ(adagrad.epsilon, 1e-7);
  const OptimizerConfig rmsprop = default_optimizer(OptimizerKind::kRmsprop);
  EXPECT_EQ(rmsprop.learning_rate, 0.001);
  EXPECT_EQ(rmsprop.rho, 0.9);
  EXPECT_EQ(rmsprop.epsilon, 1e-7);
  const OptimizerConfig adam = default_optimizer(OptimizerKind::kAdam);
  EXPECT_EQ(adam.learning_rate, 0.001);
  EXPECT_EQ(adam.beta_1, 0.9);
  EXPECT_EQ(adam.beta_2, 0.999);
  EXPECT_EQ(adam.epsilon, 1e-7);
  EXPECT_EQ(OptimizerConfig().kind, OptimizerKind::kRmsprop);  // Keras' compile() default
}

TEST(ModelOptimizer, SgdTrajectory) {
  // θ_t = 1 − t·η·g = 1 − 0.005·t
  expect_trajectory(trajectory(default_optimizer(OptimizerKind::kSgd)), {0.995, 0.99, 0.985, 0.98, 0.975});
  // Momentum 0.9: m ← 0.9·m − 0.005 = −0.005, −0.0095, −0.01355; θ ← θ + m.
  OptimizerConfig momentum = default_optimizer(OptimizerKind::kSgd);
  momentum.momentum = 0.9;
  expect_trajectory(trajectory(momentum, 3), {0.995, 0.9855, 0.97195});
  // Nesterov: θ ← θ + 0.9·m − 0.005 = 1 − 0.0045 − 0.005, then − 0.00855 − 0.005.
  momentum.nesterov = true;
  expect_trajectory(trajectory(momentum, 2), {0.9905, 0.97695});
}

TEST(ModelOptimizer, AdagradTrajectory) {
  // a_t = 0.1 + t·0.25, θ_t = θ_{t−1} − 0.001·0.5/√(a_t + 1e-7) (ε inside the root)
  expect_trajectory(trajectory(default_optimizer(OptimizerKind::kAdagrad)),
                    {0.99915484586600778, 0.99850934869543129, 0.99796702258278613, 0.99749029130983291,
                     0.99705995984285922});
}

TEST(ModelOptimizer, RmspropTrajectory) {
  // v_t = (1 − 0.9ᵗ)·0.25, θ_t = θ_{t−1} − 0.001·0.5/√(v_t + 1e-7) (ε inside the root)
  expect_trajectory(trajectory(default_optimizer(OptimizerKind::kRmsprop)),
                    {0.99683772866436793, 0.9945435737405609, 0.99262262828224401, 0.99091739555351654,
                     0.98935472462703589});
}

TEST(ModelOptimizer, AdamTrajectory) {
  // m_t = (1 − 0.9ᵗ)g, v_t = (1 − 0.999ᵗ)g², α_t = η√(1 − 0.999ᵗ)/(1 − 0.9ᵗ):
  // θ_t = θ_{t−1} − 0.001·√(1 − 0.999ᵗ)·0.5/(√(1 − 0.999ᵗ)·0.5 + 1e-7) (ε outside the root),
  // a step of just under η each time.
  expect_trajectory(trajectory(default_optimizer(OptimizerKind::kAdam)),
                    {0.99900000632451535, 0.9980000107977498, 0.99700001445104669, 0.99600001761568713,
                     0.99500002044693603});
}

TEST(ModelOptimizer, StateAfterFiveStepsInClosedForm) {
  const VectorXd g = VectorXd::Constant(1, 0.5);
  VectorXd theta = VectorXd::Ones(1);
  Optimizer adam(default_optimizer(OptimizerKind::kAdam), 1);
  for (int t = 0; t < 5; ++t) adam.apply(theta, g);
  ASSERT_EQ(adam.slot_names(), (std::vector<std::string>{"momentum", "velocity"}));
  EXPECT_NEAR(adam.slot(0)(0), (1 - std::pow(0.9, 5)) * 0.5, 1e-16);
  EXPECT_NEAR(adam.slot(1)(0), (1 - std::pow(0.999, 5)) * 0.25, 1e-17);
  EXPECT_EQ(adam.iterations(), 5);

  Optimizer adagrad(default_optimizer(OptimizerKind::kAdagrad), 1);
  for (int t = 0; t < 5; ++t) adagrad.apply(theta, g);
  EXPECT_EQ(adagrad.slot_names(), std::vector<std::string>{"accumulator"});
  EXPECT_NEAR(adagrad.slot(0)(0), 0.1 + 5 * 0.25, 1e-15);

  Optimizer rmsprop(default_optimizer(OptimizerKind::kRmsprop), 1);
  for (int t = 0; t < 5; ++t) rmsprop.apply(theta, g);
  EXPECT_EQ(rmsprop.slot_names(), std::vector<std::string>{"velocity"});
  EXPECT_NEAR(rmsprop.slot(0)(0), (1 - std::pow(0.9, 5)) * 0.25, 1e-16);

  EXPECT_TRUE(Optimizer(default_optimizer(OptimizerKind::kSgd), 1).slot_names().empty());
}

/// Keras' test_single_step: vars [1, 2, 3, 4], grads [1, 6, 7, 2], learning rate 0.5.
std::vector<double> keras_single_step(OptimizerKind kind) {
  OptimizerConfig c = default_optimizer(kind);
  c.learning_rate = 0.5;
  Optimizer opt(c, 4);
  VectorXd vars(4), grads(4);
  vars << 1, 2, 3, 4;
  grads << 1, 6, 7, 2;
  opt.apply(vars, grads);
  return {vars(0), vars(1), vars(2), vars(3)};
}

TEST(ModelOptimizer, KerasSingleStepTests) {
  const auto near = [](const std::vector<double>& got, const std::vector<double>& keras) {
    for (std::size_t i = 0; i < keras.size(); ++i) EXPECT_NEAR(got[i], keras[i], 1e-4) << i;
  };
  near(keras_single_step(OptimizerKind::kSgd), {0.5, -1.0, -0.5, 3.0});
  near(keras_single_step(OptimizerKind::kAdagrad), {0.5233, 1.5007, 2.5005, 3.5061});
  near(keras_single_step(OptimizerKind::kRmsprop), {-0.5811, 0.4189, 1.4189, 2.4189});
  near(keras_single_step(OptimizerKind::kAdam), {0.5, 1.5, 2.5, 3.5});
  // Keras' RMSprop docstring: var 10, loss var²/2 (gradient 10), learning rate 0.1 → 9.683772.
  OptimizerConfig c = default_optimizer(OptimizerKind::kRmsprop);
  c.learning_rate = 0.1;
  Optimizer opt(c, 1);
  VectorXd var = VectorXd::Constant(1, 10.0);
  opt.apply(var, VectorXd::Constant(1, 10.0));
  EXPECT_NEAR(var(0), 9.683772, 1e-6);
}

TEST(ModelOptimizer, KerasGoldenAdagrad) {
  // keras/src/optimizers/adagrad_test.py test_correctness_with_golden.
  OptimizerConfig c = default_optimizer(OptimizerKind::kAdagrad);
  c.learning_rate = 0.2;
  c.initial_accumulator_value = 0.3;
  c.epsilon = 1e-6;
  Optimizer opt(c, 10);
  VectorXd x = VectorXd::Ones(10), grads(10);
  for (int i = 0; i < 10; ++i) grads(i) = 0.1 * (i + 1);
  const double golden[5][10] = {
      {0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963},
      {0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209},
      {0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891},
      {0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579},
      {0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825}};
  opt.apply(x, VectorXd::Constant(10, 0.01));
  for (int row = 0; row < 5; ++row) {
    for (int i = 0; i < 10; ++i) EXPECT_NEAR(x(i), golden[row][i], 5e-4 + 5e-4 * golden[row][i]);
    opt.apply(x, grads);
  }
}

TEST(ModelOptimizer, KerasGoldenSgd) {
  // keras/src/optimizers/sgd_test.py (SGD(nesterov=True) with momentum 0: plain steps of 0.01·g).
  OptimizerConfig c = default_optimizer(OptimizerKind::kSgd);
  c.nesterov = true;
  Optimizer opt(c, 10);
  VectorXd x = VectorXd::Ones(10), grads(10);
  for (int i = 0; i < 10; ++i) grads(i) = 0.1 * (i + 1);
  opt.apply(x, VectorXd::Constant(10, 0.01));
  for (int row = 0; row < 5; ++row) {
    for (int i = 0; i < 10; ++i) EXPECT_NEAR(x(i), 0.9999 - 0.001 * row * (i + 1), 1e-12);
    opt.apply(x, grads);
  }
}

TEST(ModelOptimizer, LearningRateChangesAndReset) {
  Optimizer opt(default_optimizer(OptimizerKind::kSgd), 1);
  VectorXd theta = VectorXd::Zero(1);
  opt.set_learning_rate(0.1);
  opt.apply(theta, VectorXd::Constant(1, 1.0));
  EXPECT_DOUBLE_EQ(theta(0), -0.1);
  opt.reset();
  EXPECT_EQ(opt.learning_rate(), 0.01);
  EXPECT_EQ(opt.iterations(), 0);
}

TEST(ModelOptimizer, RejectedHyperparameters) {
  const auto check = [](OptimizerKind kind, void (*change)(OptimizerConfig&), const std::string& message) {
    OptimizerConfig c = default_optimizer(kind);
    change(c);
    EXPECT_SESSION_ERROR(Optimizer(c, 1), message);
  };
  check(OptimizerKind::kAdam, [](OptimizerConfig& c) { c.learning_rate = 0; },
        "optimizer.learning_rate: expected a number greater than 0, got 0");
  check(OptimizerKind::kAdam, [](OptimizerConfig& c) { c.beta_1 = 1; },
        "optimizer.beta_1: expected a number from 0 up to (not including) 1, got 1");
  check(OptimizerKind::kAdam, [](OptimizerConfig& c) { c.beta_2 = -0.5; },
        "optimizer.beta_2: expected a number from 0 up to (not including) 1, got -0.5");
  check(OptimizerKind::kAdam, [](OptimizerConfig& c) { c.epsilon = 0; },
        "optimizer.epsilon: expected a number greater than 0, got 0");
  check(OptimizerKind::kRmsprop, [](OptimizerConfig& c) { c.rho = 1.5; },
        "optimizer.rho: expected a number from 0 to 1, got 1.5");
  check(OptimizerKind::kSgd, [](OptimizerConfig& c) { c.momentum = 2; },
        "optimizer.momentum: expected a number from 0 to 1, got 2");
  check(OptimizerKind::kAdagrad, [](OptimizerConfig& c) { c.initial_accumulator_value = -0.1; },
        "optimizer.initial_accumulator_value: expected a number of at least 0, got -0.1");
  EXPECT_SESSION_ERROR(parse_optimizer_kind("adamw", "optimizer.name"),
                       "optimizer.name: expected sgd, adagrad, rmsprop or adam, got \"adamw\"");
}

}  // namespace

namespace {

// A float32 model's adagrad and rmsprop take √ correctly rounded (std::sqrt), as the Wasm
// build does: Eigen's float packets under EIGEN_FAST_MATH would take the CPU's rsqrt estimate,
// whose last bits differ between Intel and AMD. 1,001 parameters: whole packets and a tail.
TEST(ModelOptimizer, FloatRootsAreCorrectlyRoundedOnEveryCpu) {
  const int size = 1001;
  for (const OptimizerKind kind : {OptimizerKind::kAdagrad, OptimizerKind::kRmsprop}) {
    OptimizerConfig config = default_optimizer(kind);
    Optimizer optimizer(config, size);
    Eigen::VectorXf theta(size), g(size);
    for (int i = 0; i < size; ++i) {
      theta(i) = 0.5f + 0.001f * static_cast<float>(i);
      g(i) = 1e-4f * static_cast<float>((i * 7919) % 4099) - 0.2f;
    }
    const Eigen::VectorXf before = theta;
    optimizer.apply(theta, g);
    const float eta = static_cast<float>(config.learning_rate), eps = static_cast<float>(config.epsilon);
    for (int i = 0; i < size; ++i) {
      const float a = kind == OptimizerKind::kAdagrad
                          ? static_cast<float>(config.initial_accumulator_value) + g(i) * g(i)
                          : static_cast<float>(config.rho) * 0.0f + (1 - static_cast<float>(config.rho)) * (g(i) * g(i));
      EXPECT_EQ(theta(i), before(i) - eta * g(i) / std::sqrt(a + eps)) << optimizer_name(kind) << " " << i;
    }
  }
}

}  // namespace
