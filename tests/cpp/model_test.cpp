// The Keras-style Sequential model: every layer and loss against finite differences and hand
// values, batch normalization's statistics, the initialisation, parameter counts and the text of
// Keras' model.summary().
#include "nntutor/model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "nntutor/dataset.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using nntutor_test::matrix;
using A = ActivationKind;

const std::vector<A> kActivations = {A::kLinear, A::kRelu,      A::kSigmoid, A::kTanh,
                                     A::kSoftmax, A::kLeakyRelu, A::kElu,     A::kSoftplus,
                                     A::kSwish};

/// rows × cols numbers uniform in [lo, hi), the same on every run.
Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, double lo = -1,
                     double hi = 1) {
  std::mt19937_64 engine(seed);
  Matrix m(rows, cols);
  for (Eigen::Index c = 0; c < cols; ++c)
    for (Eigen::Index r = 0; r < rows; ++r) m(r, c) = lo + (hi - lo) * uniform01(engine);
  return m;
}

ModelConfig config_of(int inputs, std::vector<LayerConfig> layers, LossKind loss = LossKind::kMse) {
  ModelConfig c;
  c.inputs = inputs;
  c.layers = std::move(layers);
  c.loss = loss;
  return c;
}

/// The lecture's Keras model: 9 → 64 → BN → ReLU → 128 → BN → ReLU → 64 → BN → ReLU → 54.
ModelConfig lecture_config() {
  ModelConfig c = config_of(9, {dense(64), batch_normalization(), activation(A::kRelu), dense(128),
                                batch_normalization(), activation(A::kRelu), dense(64),
                                batch_normalization(), activation(A::kRelu), dense(54)});
  c.optimizer = default_optimizer(OptimizerKind::kAdam);
  return c;
}

/// Compares ∂L/∂θ of compute_gradients with central differences of the loss, parameter by
/// parameter (BN in training mode: the batch statistics move with θ, as they should).
void expect_gradients_match(Sequential& model, const Matrix& X, const Matrix& Y,
                            const std::string& what) {
  model.compute_gradients(X, Y);
  const Vector analytic = model.gradients();
  Vector& theta = model.parameters();
  int wrong = 0;
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    const double keep = theta(i), h = 1e-6;
    theta(i) = keep + h;
    const double up = model.compute_gradients(X, Y);
    theta(i) = keep - h;
    const double down = model.compute_gradients(X, Y);
    theta(i) = keep;
    const double numeric = (up - down) / (2 * h);
    if (std::fabs(numeric - analytic(i)) > 1e-7 + 1e-6 * std::fabs(analytic(i)) && wrong++ < 5)
      ADD_FAILURE() << what << ": parameter " << i << " analytic " << analytic(i) << " numeric "
                    << numeric;
  }
  EXPECT_EQ(wrong, 0) << what;
}

/// A model with every parameter moved to a random value in [−1, 1) (so that gamma and beta are
/// not 1 and 0), checked on a random batch of 5 samples.
void check_model(ModelConfig config, const Matrix& Y, const std::string& what, std::uint64_t seed = 7) {
  Sequential model(std::move(config));
  model.parameters() = random_matrix(model.parameters().size(), 1, seed);
  const Matrix X = random_matrix(model.inputs(), Y.cols(), seed + 1, -2, 2);
  expect_gradients_match(model, X, Y, what);
}

Matrix targets(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, double lo = -1, double hi = 1) {
  return random_matrix(rows, cols, seed, lo, hi);
}

/// One-hot columns: sample s has class s mod rows.
Matrix one_hot(Eigen::Index rows, Eigen::Index cols) {
  Matrix y = Matrix::Zero(rows, cols);
  for (Eigen::Index s = 0; s < cols; ++s) y(s % rows, s) = 1;
  return y;
}

TEST(ModelGradients, EveryActivationInsideDense) {
  for (A f : kActivations)
    check_model(config_of(3, {dense(4, f), dense(2)}), targets(2, 5, 3), "dense " + activation_name(f));
}

TEST(ModelGradients, EveryActivationAsALayer) {
  for (A f : kActivations)
    check_model(config_of(3, {dense(4), activation(f), dense(2)}), targets(2, 5, 3),
                "activation " + activation_name(f));
}

TEST(ModelGradients, AlphaOfLeakyReluAndElu) {
  LayerConfig leaky = dense(4, A::kLeakyRelu), elu = activation(A::kElu);
  leaky.alpha = 0.35;
  elu.alpha = 1.7;
  check_model(config_of(3, {leaky, elu, dense(2)}), targets(2, 5, 3), "alpha");
}

TEST(ModelGradients, BatchNormalizationInTrainingMode) {
  check_model(config_of(3, {dense(4), batch_normalization(), activation(A::kTanh), dense(2)}),
              targets(2, 6, 11), "dense → bn → tanh");
  check_model(config_of(3, {batch_normalization(), dense(2)}), targets(2, 4, 12), "bn first");
  check_model(config_of(3, {dense(4, A::kSigmoid), batch_normalization()}), targets(4, 5, 13), "bn last");
  check_model(config_of(3, {dense(5), batch_normalization(), batch_normalization(), dense(1)}),
              targets(1, 7, 14), "two bn");
}

TEST(ModelGradients, MaxoutFlowsToTheWinningPiece) {
  check_model(config_of(3, {maxout(4, 3), dense(2)}), targets(2, 5, 21), "maxout → dense");
  LayerConfig last = maxout(2, 2);
  last.use_bias = false;
  check_model(config_of(3, {dense(4, A::kTanh), last}), targets(2, 5, 22), "maxout last, no bias");
}

TEST(ModelGradients, DenseWithoutBias) {
  LayerConfig d = dense(4, A::kTanh);
  d.use_bias = false;
  check_model(config_of(3, {d, dense(2)}), targets(2, 5, 31), "no bias");
}

TEST(ModelGradients, EveryLoss) {
  const auto net = [](LossKind loss, A out, int outputs = 3) {
    return config_of(3, {dense(4, A::kTanh), dense(outputs, out)}, loss);
  };
  check_model(net(LossKind::kMse, A::kLinear), targets(3, 5, 41), "mse");
  check_model(net(LossKind::kMae, A::kLinear), targets(3, 5, 42), "mae");
  check_model(net(LossKind::kMsle, A::kSigmoid), targets(3, 5, 43, 0, 2), "msle");
  check_model(net(LossKind::kMsle, A::kLinear), targets(3, 5, 44, 0, 2), "msle, some outputs clipped");
  check_model(net(LossKind::kBce, A::kSigmoid), targets(3, 5, 45, 0, 1), "bce from sigmoid logits");
  check_model(config_of(3, {dense(3), activation(A::kSigmoid)}, LossKind::kBce), targets(3, 5, 46, 0, 1),
              "bce after a sigmoid activation layer");
  check_model(net(LossKind::kBce, A::kSoftmax), targets(3, 5, 47, 0, 1), "bce clipped (softmax output)");
  check_model(net(LossKind::kCrossEntropy, A::kSoftmax), one_hot(3, 5), "cross_entropy from softmax logits");
  check_model(config_of(3, {dense(3), activation(A::kSoftmax)}, LossKind::kCrossEntropy), one_hot(3, 5),
              "cross_entropy after a softmax activation layer");
  check_model(net(LossKind::kCrossEntropy, A::kSigmoid), one_hot(3, 5),
              "cross_entropy normalised and clipped (sigmoid output)");
  check_model(net(LossKind::kCrossEntropy, A::kSoftmax), targets(3, 5, 48, 0, 1),
              "cross_entropy, targets that do not sum to 1");
}

TEST(ModelGradients, TheLectureModel) {
  Sequential model(lecture_config());
  const Matrix X = random_matrix(9, 8, 51, -2, 2), Y = random_matrix(54, 8, 52);
  model.compute_gradients(X, Y);
  const Vector analytic = model.gradients();
  // Every 97th parameter of the 21,238 (all layers are visited).
  Vector& theta = model.parameters();
  for (Eigen::Index i = 0; i < theta.size(); i += 97) {
    const double keep = theta(i), h = 1e-6;
    theta(i) = keep + h;
    const double up = model.compute_gradients(X, Y);
    theta(i) = keep - h;
    const double down = model.compute_gradients(X, Y);
    theta(i) = keep;
    EXPECT_NEAR((up - down) / (2 * h), analytic(i), 1e-7 + 1e-6 * std::fabs(analytic(i))) << i;
  }
}

TEST(ModelGradients, SoftmaxWithCrossEntropyIsYHatMinusY) {
  // The lecture's ∂L/∂z_i = ŷ_i − y_i, here per sample and divided by the batch size.
  Sequential model(config_of(3, {dense(4, A::kSoftmax)}, LossKind::kCrossEntropy));
  EXPECT_TRUE(model.loss_from_logits());
  const Matrix X = random_matrix(3, 6, 61), Y = one_hot(4, 6);
  model.compute_gradients(X, Y);
  const Matrix y_hat = model.predict(X);  // no batch normalization: the same in both modes
  const Vector expected_db = (y_hat - Y).rowwise().mean();
  const Eigen::Index db_at = model.weights(0).size();
  EXPECT_LT((model.gradients().segment(db_at, 4) - expected_db).cwiseAbs().maxCoeff(), 1e-15);

  Matrix dz;
  const Matrix z = random_matrix(4, 2, 62, -3, 3), y = one_hot(4, 2);
  compute_loss_from_logits(LossKind::kCrossEntropy, z, y, &dz);
  for (Eigen::Index s = 0; s < 2; ++s) {
    const Eigen::ArrayXd e = (z.col(s).array() - z.col(s).maxCoeff()).exp();
    const Eigen::VectorXd softmax = (e / e.sum()).matrix();
    EXPECT_LT(((softmax - y.col(s)) / 2 - dz.col(s)).cwiseAbs().maxCoeff(), 1e-16);
  }
}

// ---- Losses against numbers worked out by hand (Keras' docstring values where there are). ----

TEST(ModelLoss, MseMaeByHand) {
  // Outputs × samples: sample 1 ŷ = (1, 3), y = (0, 1); sample 2 ŷ = (2, 5), y = (2, 2).
  const Matrix y_hat = matrix({{1, 2}, {3, 5}}), y = matrix({{0, 2}, {1, 2}});
  Matrix d;
  EXPECT_DOUBLE_EQ(compute_loss(LossKind::kMse, y_hat, y, &d), (1 + 4 + 0 + 9) / 4.0);
  EXPECT_EQ(d, matrix({{0.5, 0}, {1, 1.5}}));  // 2(ŷ − y)/(K·S)
  EXPECT_DOUBLE_EQ(compute_loss(LossKind::kMae, y_hat, y, &d), (1 + 2 + 0 + 3) / 4.0);
  EXPECT_EQ(d, matrix({{0.25, 0}, {0.25, 0.25}}));  // sign(ŷ − y)/(K·S), sign(0) = 0
}

TEST(ModelLoss, MsleHasTheSquareAndClipsAtEpsilon) {
  const double e = std::exp(1.0);
  // One sample, two outputs: log1p(e − 1) − log1p(e³ − 1) = 1 − 3; ŷ = −0.5 is clipped to 1e-7.
  const Matrix y_hat = matrix({{e - 1}, {-0.5}}), y = matrix({{e * e * e - 1}, {e - 1}});
  Matrix d;
  const double clipped = std::log1p(1e-7) - 1;
  EXPECT_NEAR(compute_loss(LossKind::kMsle, y_hat, y, &d), (4 + clipped * clipped) / 2, 1e-15);
  EXPECT_NEAR(d(0, 0), 2 * (1 - 3) / (e * 2), 1e-15);  // 2·d/(1 + ŷ)/K
  EXPECT_EQ(d(1, 0), 0.0);                              // clipped: no gradient, as in Keras
}

TEST(ModelLoss, BinaryCrossEntropyClipsAtEpsilon) {
  const Matrix y_hat = matrix({{0.8, 0.3}}), y = matrix({{1, 0}});
  // −(log 0.8 + log 0.7)/2
  EXPECT_NEAR(compute_loss(LossKind::kBce, y_hat, y), (0.22314355131420976 + 0.35667494393873245) / 2, 1e-15);
  // p = 1 with y = 0 is clipped to 1 − 1e-7: −log(1e-7) ≈ 16.118, not infinity.
  Matrix d;
  EXPECT_NEAR(compute_loss(LossKind::kBce, matrix({{1.0}}), matrix({{0.0}}), &d), 16.11809565095832, 1e-6);
  EXPECT_EQ(d(0, 0), 0.0);
}

TEST(ModelLoss, CategoricalCrossEntropyKerasDocstring) {
  // keras.losses.categorical_crossentropy([[0,1,0],[0,0,1]], [[.05,.95,0],[.1,.8,.1]]) = [0.0513, 2.303]
  const Matrix y_hat = matrix({{0.05, 0.1}, {0.95, 0.8}, {0, 0.1}}), y = matrix({{0, 0}, {1, 0}, {0, 1}});
  EXPECT_NEAR(compute_loss(LossKind::kCrossEntropy, y_hat, y), (0.05129329438755058 + 2.302585092994046) / 2,
              1e-15);
}

TEST(ModelLoss, FromLogitsByHand) {
  Matrix d;
  // bce: z = 0, y = 1: log 2, gradient σ(0) − 1 = −0.5
  EXPECT_DOUBLE_EQ(compute_loss_from_logits(LossKind::kBce, matrix({{0.0}}), matrix({{1.0}}), &d),
                   0.6931471805599453);
  EXPECT_DOUBLE_EQ(d(0, 0), -0.5);
  // Large logits do not overflow: z = 1000, y = 0 → 1000; z = −1000, y = 0 → 0.
  EXPECT_DOUBLE_EQ(compute_loss_from_logits(LossKind::kBce, matrix({{1000.0, -1000.0}}), matrix({{0.0, 0.0}})),
                   500.0);
  // cross_entropy: z = (1, 2, 3), y = (0, 0, 1): log(e⁻² + e⁻¹ + 1) = 0.40760596444438
  EXPECT_NEAR(compute_loss_from_logits(LossKind::kCrossEntropy, matrix({{1}, {2}, {3}}), matrix({{0}, {0}, {1}}), &d),
              0.40760596444438030, 1e-15);
  EXPECT_NEAR(d(0, 0), 0.09003057317038046, 1e-15);
  EXPECT_NEAR(d(1, 0), 0.24472847105479767, 1e-15);
  EXPECT_NEAR(d(2, 0), 0.66524095577482189 - 1, 1e-15);
  // With logits 1000 apart, log-sum-exp keeps it finite.
  EXPECT_NEAR(compute_loss_from_logits(LossKind::kCrossEntropy, matrix({{0}, {1000}}), matrix({{1}, {0}})), 1000,
              1e-12);
}

TEST(ModelLoss, LogitsAndClippedFormsAgreeInsideTheClip) {
  const Matrix z = matrix({{-2, 0.5}, {1, 3}}), y = matrix({{0, 1}, {1, 0.25}});
  const Matrix p = (1 / (1 + (-z.array()).exp())).matrix();
  EXPECT_NEAR(compute_loss_from_logits(LossKind::kBce, z, y), compute_loss(LossKind::kBce, p, y), 1e-15);
}

TEST(ModelLoss, ShapesAndNamesAreChecked) {
  EXPECT_SESSION_ERROR(compute_loss(LossKind::kMse, Matrix::Zero(2, 3), Matrix::Zero(3, 2)),
                       "y: expected the shape of y_hat (2 × 3), got 3 × 2");
  EXPECT_SESSION_ERROR(compute_loss_from_logits(LossKind::kMse, Matrix::Zero(1, 1), Matrix::Zero(1, 1)),
                       "loss: only bce and cross_entropy are computed from logits, not mse");
  EXPECT_SESSION_ERROR(parse_loss("hinge", "loss"),
                       "loss: expected mse, mae, msle, bce or cross_entropy, got \"hinge\"");
  EXPECT_SESSION_ERROR(parse_activation("gelu", "layers[0].activation"),
                       "layers[0].activation: expected sigmoid, tanh, relu, leaky_relu, elu, linear, "
                       "softplus, swish or softmax, got \"gelu\"");
}

// ---- Batch normalization's statistics ----

TEST(ModelBatchNormalization, MovingStatisticsAsKeras) {
  Sequential model(config_of(2, {batch_normalization()}));
  const Matrix X = matrix({{1, 2, 6}, {-1, -1, 5}});  // means 3 and 1, biased variances 14/3 and 8
  model.train_on_batch(X, Matrix::Zero(2, 3));
  // moving = moving·0.99 + batch·0.01, from mean 0 and variance 1, with the biased variance.
  EXPECT_NEAR(model.layer(0).moving_mean(0), 0.03, 1e-15);
  EXPECT_NEAR(model.layer(0).moving_mean(1), 0.01, 1e-15);
  EXPECT_NEAR(model.layer(0).moving_variance(0), 0.99 + 0.01 * 14 / 3, 1e-15);
  EXPECT_NEAR(model.layer(0).moving_variance(1), 0.99 + 0.01 * 8, 1e-15);
  // compute_gradients leaves them alone.
  const Vector mean = model.layer(0).moving_mean;
  model.compute_gradients(X, Matrix::Zero(2, 3));
  EXPECT_EQ(model.layer(0).moving_mean, mean);
}

TEST(ModelBatchNormalization, TrainingUsesTheBatchInferenceTheMovingStatistics) {
  Sequential model(config_of(1, {batch_normalization()}));
  model.gamma(0)(0) = 2;
  model.beta(0)(0) = 0.5;
  model.moving_mean(0)(0) = 1;
  model.moving_variance(0)(0) = 4;
  const Matrix X = matrix({{0, 2}});  // batch mean 1, biased variance 1
  // Training: 2·(x − 1)/√(1 + 0.001) + 0.5; loss mse against 0.
  const double a = 2 / std::sqrt(1.001);
  EXPECT_NEAR(model.compute_gradients(X, Matrix::Zero(1, 2)), (std::pow(0.5 - a, 2) + std::pow(0.5 + a, 2)) / 2,
              1e-15);
  // Inference: 2·(x − 1)/√(4 + 0.001) + 0.5.
  const Matrix y = model.predict(X);
  EXPECT_NEAR(y(0, 0), 0.5 - 2 / std::sqrt(4.001), 1e-15);
  EXPECT_NEAR(y(0, 1), 0.5 + 2 / std::sqrt(4.001), 1e-15);
}

// ---- Initialisation and parameters ----

TEST(ModelInit, GlorotUniformFromTheSeedRowByRow) {
  ModelConfig c = config_of(3, {dense(2), batch_normalization(), dense(1)});
  c.seed = 42;
  Sequential model(c);
  std::mt19937_64 engine(42);
  const double limit0 = std::sqrt(6.0 / (3 + 2)), limit2 = std::sqrt(6.0 / (2 + 1));
  for (int r = 0; r < 2; ++r)
    for (int col = 0; col < 3; ++col)
      EXPECT_EQ(model.weights(0)(r, col), (2 * uniform01(engine) - 1) * limit0);
  for (int col = 0; col < 2; ++col) EXPECT_EQ(model.weights(2)(0, col), (2 * uniform01(engine) - 1) * limit2);
  EXPECT_EQ(model.biases(0), Vector::Zero(2));
  EXPECT_EQ(model.gamma(1), Vector::Ones(2));
  EXPECT_EQ(model.beta(1), Vector::Zero(2));
  EXPECT_EQ(model.layer(1).moving_mean, Vector::Zero(2));
  EXPECT_EQ(model.layer(1).moving_variance, Vector::Ones(2));
  // Same seed, same weights; another seed, others.
  EXPECT_EQ(Sequential(c).parameters(), model.parameters());
  c.seed = 43;
  EXPECT_NE(Sequential(c).parameters(), model.parameters());
}

TEST(ModelInit, GivenStartValuesAreKeptAndDrawNothing) {
  ModelConfig c = config_of(1, {dense(1), dense(1)});
  c.layers[0].weights = matrix({{0.5}});
  c.layers[0].biases = nntutor_test::vector({0.25});
  Sequential model(c);
  EXPECT_EQ(model.weights(0)(0, 0), 0.5);
  EXPECT_EQ(model.biases(0)(0), 0.25);
  std::mt19937_64 engine(1);  // the first draw goes to the second layer
  EXPECT_EQ(model.weights(1)(0, 0), (2 * uniform01(engine) - 1) * std::sqrt(3.0));
  EXPECT_EQ(model.config().layers[0].weights.size(), 0);  // moved into the model
}

TEST(ModelInit, LeakyReluAndEluTakeKerasDefaults) {
  Sequential model(config_of(1, {dense(1, A::kLeakyRelu), activation(A::kElu), dense(1)}));
  EXPECT_EQ(model.layer(0).config.alpha, 0.2);
  EXPECT_EQ(model.layer(1).config.alpha, 1.0);
  EXPECT_FALSE(model.layer(2).config.alpha.has_value());
}

TEST(ModelParameters, StateOfOneParameterForThePage) {
  ModelConfig c = config_of(2, {dense(1), batch_normalization()});
  c.optimizer = default_optimizer(OptimizerKind::kAdam);
  Sequential model(c);
  const Matrix X = matrix({{1, 2}, {3, -1}}), Y = matrix({{0.5, -0.5}});
  model.train_on_batch(X, Y);
  const ParameterState w = model.parameter_state(0, "weights", 0, 1);
  const Eigen::Index i = model.parameter_index(0, "weights", 0, 1);
  EXPECT_EQ(i, 1);  // column-major: (row 0, column 1) of a 1 × 2 matrix
  EXPECT_EQ(w.value, model.parameters()(i));
  EXPECT_EQ(w.gradient, model.gradients()(i));
  ASSERT_EQ(w.slots.size(), 2u);
  EXPECT_EQ(w.slots[0].first, "momentum");
  EXPECT_EQ(w.slots[0].second, w.gradient * (1 - 0.9));  // m = (g − 0)(1 − β₁) after one step
  EXPECT_EQ(w.slots[1].first, "velocity");
  EXPECT_EQ(w.slots[1].second, w.gradient * w.gradient * (1 - 0.999));  // v = (g² − 0)(1 − β₂)
  EXPECT_EQ(w.iterations, 1);
  EXPECT_EQ(w.learning_rate, 0.001);
  EXPECT_EQ(model.parameter_index(0, "biases", 0), 2);
  EXPECT_EQ(model.parameter_index(1, "gamma", 0), 3);
  EXPECT_EQ(model.parameter_index(1, "beta", 0), 4);
  const ParameterState mv = model.parameter_state(1, "moving_variance", 0);
  EXPECT_FALSE(mv.trainable);
  EXPECT_EQ(mv.value, model.layer(1).moving_variance(0));
  EXPECT_SESSION_ERROR(model.parameter_state(0, "weights", 1, 0),
                       "layers[0].weights: expected row 0 to 0 and column 0 to 1, got (1, 0)");
  EXPECT_SESSION_ERROR(model.parameter_state(1, "weights", 0),
                       "layers[1].weights: no such tensor in a batch_normalization layer (expected gamma, "
                       "beta, moving_mean or moving_variance)");
  EXPECT_SESSION_ERROR(model.parameter_state(2, "weights", 0), "layer: expected a layer from 0 to 1, got 2");
}

TEST(ModelParameters, BatchShapesAreChecked) {
  Sequential model(config_of(2, {dense(3)}));
  EXPECT_SESSION_ERROR(model.compute_gradients(Matrix::Zero(3, 4), Matrix::Zero(3, 4)),
                       "X: expected 2 rows (one per input feature), got 3");
  EXPECT_SESSION_ERROR(model.compute_gradients(Matrix::Zero(2, 4), Matrix::Zero(1, 4)),
                       "Y: expected 3 rows (one per output), got 1");
  EXPECT_SESSION_ERROR(model.compute_gradients(Matrix::Zero(2, 4), Matrix::Zero(3, 5)),
                       "Y: expected 4 samples (columns, as X), got 5");
  EXPECT_SESSION_ERROR(model.predict(Matrix::Zero(2, 0)), "X: expected at least 1 samples (columns), got 0");
}

TEST(ModelParameters, PredictInChunksEqualsOneBatch) {
  Sequential model(lecture_config());
  const Matrix X = random_matrix(9, 50, 71);
  model.reserve(7);  // predict then runs in chunks of 7
  const Matrix chunked = model.predict(X);
  Sequential fresh(lecture_config());
  fresh.reserve(64);
  EXPECT_LT((fresh.predict(X) - chunked).cwiseAbs().maxCoeff(), 1e-13);
}

// ---- Counts and model.summary() ----

TEST(ModelSummary, LectureModelCounts) {
  const ParameterCounts counts = count_parameters(lecture_config());
  EXPECT_EQ(counts.total, 21750);
  EXPECT_EQ(counts.trainable, 21238);
  EXPECT_EQ(counts.non_trainable, 512);
  // lecture.md section 6, layer by layer (the activation layers have none).
  const std::vector<std::pair<std::string, long long>> expected = {
      {"dense", 640},         {"batch_normalization", 256},   {"activation", 0},
      {"dense_1", 8320},      {"batch_normalization_1", 512}, {"activation_1", 0},
      {"dense_2", 8256},      {"batch_normalization_2", 256}, {"activation_2", 0},
      {"dense_3", 3510}};
  ASSERT_EQ(counts.layers.size(), expected.size());
  for (std::size_t l = 0; l < expected.size(); ++l) {
    EXPECT_EQ(counts.layers[l].name, expected[l].first);
    EXPECT_EQ(counts.layers[l].parameters, expected[l].second) << expected[l].first;
  }
  EXPECT_EQ(counts.layers[1].trainable, 128);
  EXPECT_EQ(Sequential(lecture_config()).parameters().size(), 21238);
}

TEST(ModelSummary, TwoOtherModels) {
  // The MNIST classifier of the quiz: 784 → Dense(128, relu) → Dense(10, softmax).
  ParameterCounts mnist =
      count_parameters(config_of(784, {dense(128, A::kRelu), dense(10, A::kSoftmax)}, LossKind::kCrossEntropy));
  EXPECT_EQ(mnist.layers[0].parameters, 100480);  // 784·128 + 128
  EXPECT_EQ(mnist.layers[1].parameters, 1290);    // 128·10 + 10
  EXPECT_EQ(mnist.total, 101770);
  EXPECT_EQ(mnist.non_trainable, 0);
  // No bias, batch normalization, elu and maxout: 9 → Dense(32, no bias) → BN → ELU → Maxout(8, 3) → Dense(1).
  LayerConfig no_bias = dense(32);
  no_bias.use_bias = false;
  ParameterCounts other = count_parameters(
      config_of(9, {no_bias, batch_normalization(), activation(A::kElu), maxout(8, 3), dense(1)}));
  EXPECT_EQ(other.layers[0].parameters, 288);  // 9·32
  EXPECT_EQ(other.layers[1].parameters, 128);  // 4·32
  EXPECT_EQ(other.layers[2].parameters, 0);
  EXPECT_EQ(other.layers[3].parameters, 792);  // 8·3·(32 + 1)
  EXPECT_EQ(other.layers[3].name, "maxout");
  EXPECT_EQ(other.layers[3].class_name, "Maxout");
  EXPECT_EQ(other.layers[4].parameters, 9);    // 8 + 1
  EXPECT_EQ(other.total, 1217);
  EXPECT_EQ(other.trainable, 1153);
  EXPECT_EQ(other.non_trainable, 64);
}

TEST(ModelSummary, KerasText) {
  const std::string expected =
      "Model: \"sequential\"\n"
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓\n"
      "┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃\n"
      "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩\n"
      "│ dense (Dense)                        │ (None, 64)                  │             640 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ batch_normalization                  │ (None, 64)                  │             256 │\n"
      "│ (BatchNormalization)                 │                             │                 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ activation (Activation)              │ (None, 64)                  │               0 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ dense_1 (Dense)                      │ (None, 128)                 │           8,320 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ batch_normalization_1                │ (None, 128)                 │             512 │\n"
      "│ (BatchNormalization)                 │                             │                 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ activation_1 (Activation)            │ (None, 128)                 │               0 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ dense_2 (Dense)                      │ (None, 64)                  │           8,256 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ batch_normalization_2                │ (None, 64)                  │             256 │\n"
      "│ (BatchNormalization)                 │                             │                 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ activation_2 (Activation)            │ (None, 64)                  │               0 │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ dense_3 (Dense)                      │ (None, 54)                  │           3,510 │\n"
      "└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘\n"
      " Total params: 21,750 (84.96 KB)\n"
      " Trainable params: 21,238 (82.96 KB)\n"
      " Non-trainable params: 512 (2.00 KB)\n";
  EXPECT_EQ(summary(lecture_config()), expected);
}

TEST(ModelSummary, NarrowTerminalAndSmallSizes) {
  // An 80-column terminal gives line_length 76 (cells of 33, 24 and 15 characters, as Keras
  // prints in such a notebook); sizes below 1 KB are in bytes.
  ModelConfig c = config_of(9, {batch_normalization(), dense(1)});
  c.name = "tiny";
  const std::string expected =
      "Model: \"tiny\"\n"
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
      "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
      "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
      "│ batch_normalization             │ (None, 9)              │            36 │\n"
      "│ (BatchNormalization)            │                        │               │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ dense (Dense)                   │ (None, 1)              │            10 │\n"
      "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
      " Total params: 46 (184.00 B)\n"
      " Trainable params: 28 (112.00 B)\n"
      " Non-trainable params: 18 (72.00 B)\n";
  EXPECT_EQ(summary(c, 76), expected);
  EXPECT_SESSION_ERROR(summary(c, 20), "line_length: expected a whole number from 40 to 200, got 20");
}

TEST(ModelSummary, LongNamesAreCutWithAnEllipsis) {
  ModelConfig c = config_of(2, {dense(1)});
  c.layers[0].name = "a_very_long_layer_name_that_does_not_fit_in_the_column";
  const std::string text = summary(c);
  EXPECT_NE(text.find("│ a_very_long_layer_name_that_does_no… │"), std::string::npos) << text;
  EXPECT_NE(text.find("│ (Dense)                              │"), std::string::npos) << text;
}

TEST(ModelSummary, NamesGivenAndAutomatic) {
  ModelConfig c = config_of(2, {dense(3), dense(3), dense(1)});
  c.layers[0].name = "dense_1";  // taken: the automatic names skip it
  const ParameterCounts counts = count_parameters(c);
  EXPECT_EQ(counts.layers[0].name, "dense_1");
  EXPECT_EQ(counts.layers[1].name, "dense");
  EXPECT_EQ(counts.layers[2].name, "dense_2");
  c.layers[2].name = "dense_1";
  EXPECT_SESSION_ERROR(count_parameters(c), "layers[2].name: \"dense_1\" is already the name of layers[0]");
}

// ---- The command line: nntutor summary ----

TEST(ModelCli, SummaryPrintsKerasText) {
  const std::string path = nntutor_test::source_path("examples/keras-lecture.json");
  const auto r = nntutor_test::cli("summary '" + path + "'");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, summary(lecture_config()));
  EXPECT_EQ(r.err, "");
  const auto narrow = nntutor_test::cli("summary '" + path + "' --line-length 76");
  EXPECT_EQ(narrow.out, summary(lecture_config(), 76));
}

TEST(ModelCli, SummaryBadInput) {
  const auto bad = nntutor_test::write_temp(
      "bad.json", R"({"inputs": 9, "layers": [{"type": "dense", "units": 0}], "loss": "mse"})");
  auto r = nntutor_test::cli("summary '" + bad + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "nntutor: " + bad + ": layers[0].units: expected a whole number from 1 to 4096, got 0\n");
  r = nntutor_test::cli("summary /nonexistent/model.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "nntutor: /nonexistent/model.json: cannot open the file\n");
  r = nntutor_test::cli("summary");
  EXPECT_EQ(r.err, "nntutor: MODEL.json: expected a model file or -\n");
  r = nntutor_test::cli("summary '" + bad + "' --line-length wide");
  EXPECT_EQ(r.err, "nntutor: --line-length: expected a whole number, got \"wide\"\n");
  r = nntutor_test::cli("summary '" + bad + "' --line-length 30");
  EXPECT_EQ(r.err, "nntutor: --line-length: expected a whole number from 40 to 200, got 30\n");
  r = nntutor_test::cli("summary '" + bad + "' --width 30");
  EXPECT_EQ(r.err, "nntutor: --width: unknown option (expected --line-length)\n");
  const std::string lecture = nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json"));
  r = nntutor_test::cli("summary -", &lecture);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, summary(lecture_config()));
}

}  // namespace
