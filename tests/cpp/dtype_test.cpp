// The model's dtype (docs/model.md "dtype"): float32 as Keras trains, float64 as before. The
// JSON field, float-exact weights, and float32 against float64 on the same start weights:
// gradients of every layer kind and loss, a whole fit, and the lecture model on the built-in data.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "nntutor/fit.hpp"
#include "nntutor/model.hpp"
#include "nntutor/model_json.hpp"
#include "nntutor/trainer.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using A = ActivationKind;

/// ‖a − b‖ / ‖b‖.
double relative(const Eigen::VectorXd& a, const Eigen::VectorXd& b) { return (a - b).norm() / b.norm(); }

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  Matrix m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = u(engine);
  return m;
}

/// The same model in both dtypes, from the same (float-exact) start weights.
std::pair<Sequential, Sequential> twins(ModelConfig c) {
  c.dtype = Dtype::kFloat32;
  Sequential f32(c);
  c.dtype = Dtype::kFloat64;
  Sequential f64(c);
  f64.parameters() = f32.parameters();
  return {std::move(f32), std::move(f64)};
}

TEST(ModelDtype, JsonReadsWritesAndRefuses) {
  const std::string base = R"({"inputs": 2, "layers": [{"type": "dense", "units": 1}], "loss": "mse")";
  EXPECT_EQ(parse_model(base + "}").dtype, Dtype::kFloat64);  // models saved before train as they did
  EXPECT_EQ(parse_model(base + R"(, "dtype": "float32"})").dtype, Dtype::kFloat32);
  EXPECT_EQ(parse_model(base + R"(, "dtype": "float64"})").dtype, Dtype::kFloat64);
  EXPECT_TRUE(nntutor_test::throws_session_error([&] { parse_model(base + R"(, "dtype": "float16"})"); },
                                                 "dtype: expected float32 or float64, got \"float16\""));
  EXPECT_TRUE(nntutor_test::throws_session_error([&] { parse_model(base + R"(, "dtype": 32})"); },
                                                 "dtype: expected a string, got number 32"));
  Sequential m(parse_model(base + R"(, "dtype": "float32"})"));
  const std::string saved = model_to_json(m);
  EXPECT_NE(saved.find(R"("dtype":"float32")"), std::string::npos) << saved;
  Sequential again(parse_model(saved));
  EXPECT_EQ(again.config().dtype, Dtype::kFloat32);
  EXPECT_EQ(again.parameters(), m.parameters());
  EXPECT_EQ(model_to_json(again), saved);
}

TEST(ModelDtype, Float32WeightsAreFloatsBeforeAndAfterTraining) {
  ModelConfig c;
  c.inputs = 3;
  c.layers = {dense(8, A::kTanh), batch_normalization(), dense(2)};
  c.optimizer = default_optimizer(OptimizerKind::kAdam);
  c.dtype = Dtype::kFloat32;
  Sequential m(c);
  const auto all_float = [](const Eigen::VectorXd& v) {
    for (Eigen::Index i = 0; i < v.size(); ++i)
      if (static_cast<double>(static_cast<float>(v(i))) != v(i)) return false;
    return true;
  };
  EXPECT_TRUE(all_float(m.parameters()));
  const Matrix X = random_matrix(3, 5, 1), Y = random_matrix(2, 5, 2);
  const Eigen::VectorXd before = m.parameters();
  m.train_on_batch(X, Y);
  EXPECT_NE(m.parameters(), before);
  EXPECT_TRUE(all_float(m.parameters()));
  EXPECT_TRUE(all_float(m.gradients()));
  EXPECT_TRUE(all_float(m.layer(1).moving_mean));
  EXPECT_TRUE(all_float(m.optimizer().slot(0)));
  EXPECT_TRUE(all_float(m.optimizer().slot(1)));
  EXPECT_EQ(m.optimizer().iterations(), 1);
}

TEST(ModelDtype, Float32SeesWeightsWrittenThroughTheInterface) {
  ModelConfig c;
  c.inputs = 2;
  c.layers = {dense(1)};
  c.loss = LossKind::kMse;
  c.dtype = Dtype::kFloat32;
  Sequential m(c);
  const Matrix X = (Matrix(2, 1) << 1, 2).finished(), Y = (Matrix(1, 1) << 0).finished();
  m.compute_gradients(X, Y);
  m.weights(0) << 0.5, -0.25;  // written after a first float step
  m.biases(0) << 1;
  // ŷ = 0.5 − 0.5 + 1 = 1, L = 1, ∂L/∂W = 2·(ŷ − y)·x = (2, 4), ∂L/∂b = 2: exact in float.
  EXPECT_EQ(m.compute_gradients(X, Y), 1.0);
  EXPECT_EQ(m.gradients(), (Eigen::VectorXd(3) << 2, 4, 2).finished());
  EXPECT_EQ(m.predict(X)(0, 0), 1.0);
}

struct Case {
  const char* name;
  ModelConfig config;
  bool probabilities;  // targets from 0 to 1 (bce) or one-hot (cross_entropy)
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const auto model = [](int inputs, std::vector<LayerConfig> layers, LossKind loss) {
    ModelConfig c;
    c.inputs = inputs;
    c.layers = std::move(layers);
    c.loss = loss;
    c.optimizer = default_optimizer(OptimizerKind::kAdam);
    return c;
  };
  out.push_back({"lecture widths, BN, relu, mse",
                 model(9, {dense(64), batch_normalization(), activation(A::kRelu), dense(128), batch_normalization(),
                           activation(A::kRelu), dense(54)}, LossKind::kMse), false});
  out.push_back({"tanh, sigmoid, leaky_relu, elu; mae",
                 model(5, {dense(7, A::kTanh), dense(6, A::kSigmoid), dense(5, A::kLeakyRelu), dense(3, A::kElu)},
                       LossKind::kMae), false});
  out.push_back({"softplus, swish; msle", model(4, {dense(6, A::kSoftplus), dense(3, A::kSwish)}, LossKind::kMsle), true});
  out.push_back({"maxout, sigmoid from logits; bce", model(4, {maxout(5, 3), dense(3, A::kSigmoid)}, LossKind::kBce), true});
  out.push_back({"softmax from logits; cross_entropy",
                 model(4, {dense(9, A::kTanh), dense(4, A::kSoftmax)}, LossKind::kCrossEntropy), true});
  return out;
}

TEST(ModelDtype, Float32GradientsAgreeWithFloat64ForEveryLayerAndLoss) {
  for (const Case& k : cases()) {
    auto [f32, f64] = twins(k.config);
    const Matrix X = random_matrix(k.config.inputs, 64, 3);
    Matrix Y = random_matrix(f32.outputs(), 64, 4);
    if (k.probabilities) {
      Y = (Y.array() + 1) / 2;
      if (k.config.loss == LossKind::kCrossEntropy)
        for (Eigen::Index s = 0; s < Y.cols(); ++s) Y.col(s) /= Y.col(s).sum();
    }
    const double l32 = f32.compute_gradients(X, Y), l64 = f64.compute_gradients(X, Y);
    EXPECT_NEAR(l32, l64, 1e-5 * std::fabs(l64)) << k.name;
    EXPECT_LE(relative(f32.gradients(), f64.gradients()), 1e-4) << k.name;
  }
}

TEST(ModelDtype, Float32FitFollowsFloat64) {
  // The lecture model on 700 training samples of the built-in spectra, 3 epochs of Adam: the
  // history in float32 within 1e-3 of float64's (float32 carries about 7 digits; 330 updates
  // let the two drift apart a little).
  Trainer t32, t64;
  const std::string data = R"({"builtin": {"samples": 1000, "seed": 2}})";
  t32.load_data(data, "");
  t64.load_data(data, "");
  std::string lecture = nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json"));
  const auto with = [&](const char* dtype) {
    std::string m = lecture;
    m.insert(m.rfind('}'), std::string(R"(, "dtype": ")") + dtype + "\"");
    const auto at = m.find("\"epochs\": 300");
    return m.replace(at, 13, "\"epochs\": 3");
  };
  t32.start(with("float32"));
  t64.start(with("float64"));
  for (int e = 0; e < 3; ++e) {
    const auto a = nlohmann::json::parse(t32.epoch()), b = nlohmann::json::parse(t64.epoch());
    EXPECT_NEAR(a["loss"].get<double>(), b["loss"].get<double>(), 1e-3 * b["loss"].get<double>()) << e;
    EXPECT_NEAR(a["val_loss"].get<double>(), b["val_loss"].get<double>(), 1e-3 * b["val_loss"].get<double>()) << e;
  }
  const auto r32 = nlohmann::json::parse(t32.finish()), r64 = nlohmann::json::parse(t64.finish());
  EXPECT_NEAR(r32["test"]["rmse"].get<double>(), r64["test"]["rmse"].get<double>(), 1e-3 * r64["test"]["rmse"].get<double>());
}

TEST(ModelDtype, Float32EvaluateAndPredictAgree) {
  ModelConfig c = cases()[0].config;
  auto [f32, f64] = twins(c);
  const Matrix X = random_matrix(9, 300, 5), Y = random_matrix(54, 300, 6);
  f32.reserve(64);
  f64.reserve(64);
  EXPECT_NEAR(f32.evaluate(X, Y), f64.evaluate(X, Y), 1e-5 * f64.evaluate(X, Y));
  EXPECT_LE((f32.predict(X) - f64.predict(X)).norm() / f64.predict(X).norm(), 1e-5);
}

}  // namespace
