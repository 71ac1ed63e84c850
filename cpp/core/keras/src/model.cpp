#include "nntutor/model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <type_traits>

#include "kernels.hpp"
#include "nntutor/io/common.hpp"
#include "nntutor/error.hpp"

namespace nntutor::keras {

using Eigen::Index;
using ConstRef = Eigen::Ref<const Matrix>;
using MutRef = Eigen::Ref<Matrix>;

// The three products of a dense or maxout layer go through the kernels (cpp/kernels): Wasm SIMD
// in the browser, Eigen natively. Blocks and Refs are column-major with an outer stride.
template <class M>
int stride(const M& m) { return static_cast<int>(m.outerStride()); }

/// z = W·a (+ b): W rows × cols, a cols × n, z rows × n.
template <class W, class A, class Z>
void product_forward(const W& w, const A& a, Eigen::Index n, const typename W::Scalar* bias, Z&& z) {
  kernels::gemm_nn<typename W::Scalar>(static_cast<int>(w.rows()), static_cast<int>(n),
                                       static_cast<int>(w.cols()), w.data(), stride(w), a.data(),
                                       stride(a), bias, z.data(), stride(z));
}
// The backward products (∂L/∂W = δ·aᵀ, ∂L/∂a = Wᵀ·δ) and the bias gradient: kernels::dense_backward.

namespace {

using common::fail;
using common::Uniform;
const auto number_text = common::shortest_number;

std::string at(std::size_t l, const std::string& field) {
  return "layers[" + std::to_string(l) + "]." + field;
}

void whole(long long v, long long lo, long long hi, const std::string& field) {
  if (v < lo || v > hi)
    fail(field, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                    ", got " + std::to_string(v));
}


// Activations are the math layer's (activation.hpp): nntutor::activate and activate_backward.

// Losses are the math layer's (loss.hpp): nntutor::output_loss and logits_loss.


/// Outputs of a layer given its inputs, and its parameter counts.
struct Shape {
  int outputs = 0;
  long long trainable = 0, non_trainable = 0;
};

Shape shape_of(const LayerConfig& c, int inputs) {
  switch (c.kind) {
    case LayerKind::kDense:
      return {c.units, static_cast<long long>(c.units) * inputs + (c.use_bias ? c.units : 0), 0};
    case LayerKind::kMaxout: {
      const long long rows = static_cast<long long>(c.units) * c.pieces;
      return {c.units, rows * inputs + (c.use_bias ? rows : 0), 0};
    }
    case LayerKind::kBatchNormalization:
      return {inputs, 2LL * inputs, 2LL * inputs};
    case LayerKind::kActivation:
      return {inputs, 0, 0};
  }
  return {};
}

bool valid_name_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '-' || ch == '.';
}

void check_name(const std::string& name, const std::string& field) {
  if (name.empty() || name.size() > static_cast<std::size_t>(ModelLimits::kMaxNameLength))
    fail(field, "expected 1 to " + std::to_string(ModelLimits::kMaxNameLength) +
                    " characters, got " + std::to_string(name.size()));
  for (char ch : name)
    if (!valid_name_char(ch))
      fail(field, "expected letters, digits, _, - and . only, got \"" + name + "\"");
}

void check_vector(const Vector& v, Index size, const std::string& field, const char* what) {
  if (v.size() != 0 && v.size() != size)
    fail(field, "expected " + std::to_string(size) + " numbers (" + what + "), got " +
                    std::to_string(v.size()));
  for (Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v(i)))
      fail(field + "[" + std::to_string(i) + "]", "expected a finite number, got " + number_text(v(i)));
}

}  // namespace

// ---- Names ----

const std::string& activation_name(ActivationKind f) {
  return activation_names()[static_cast<std::size_t>(f)];
}

ActivationKind parse_activation(const std::string& name, const std::string& field) {
  if (const ActivationInfo* row = find_activation(name)) return row->kind;
  const auto& names = activation_names();
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  fail(field, "expected " + list + ", got \"" + name + "\"");
}

std::optional<double> default_alpha(ActivationKind f) { return activation_info(f).keras_alpha; }

const std::vector<DtypeInfo>& dtypes() {
  static const std::vector<DtypeInfo> kRows = {
      {Dtype::kFloat32, "float32", "float32 (as Keras trains; about 7 digits)"},
      {Dtype::kFloat64, "float64", "float64 (double; about 16 digits)"},
  };
  return kRows;
}

const std::string& dtype_name(Dtype dtype) {
  static const std::string kNames[] = {"float32", "float64"};
  return kNames[dtype == Dtype::kFloat32 ? 0 : 1];
}

Dtype parse_dtype(const std::string& name, const std::string& field) {
  for (const DtypeInfo& row : dtypes())
    if (row.name == name) return row.dtype;
  fail(field, "expected float32 or float64, got \"" + (name.size() > 40 ? name.substr(0, 40) + "…" : name) + "\"");
}

const std::string& layer_type_name(LayerKind kind) {
  static const std::string names[] = {"dense", "batch_normalization", "activation", "maxout"};
  return names[static_cast<int>(kind)];
}

const std::string& layer_class_name(LayerKind kind) {
  static const std::string names[] = {"Dense", "BatchNormalization", "Activation", "Maxout"};
  return names[static_cast<int>(kind)];
}

LayerConfig dense(int units, ActivationKind activation) {
  LayerConfig c;
  c.kind = LayerKind::kDense;
  c.units = units;
  c.activation = activation;
  return c;
}

LayerConfig batch_normalization() {
  LayerConfig c;
  c.kind = LayerKind::kBatchNormalization;
  return c;
}

LayerConfig activation(ActivationKind f) {
  LayerConfig c;
  c.kind = LayerKind::kActivation;
  c.activation = f;
  return c;
}

LayerConfig maxout(int units, int pieces) {
  LayerConfig c;
  c.kind = LayerKind::kMaxout;
  c.units = units;
  c.pieces = pieces;
  return c;
}

const std::string& loss_name(LossKind loss) { return loss_names()[static_cast<std::size_t>(loss)]; }

LossKind parse_loss(const std::string& name, const std::string& field) {
  const LossInfo* row = find_loss(name);
  if (row && row->keras) return row->kind;
  std::vector<std::string> names;
  for (const auto& r : losses())
    if (r.keras) names.emplace_back(r.name);
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  fail(field, "expected " + list + ", got \"" + name + "\"");
}

// ---- Configuration ----

void validate(const FitConfig& fit, const std::string& field) {
  whole(fit.batch_size, 1, ModelLimits::kMaxBatchSize, field + ".batch_size");
  whole(fit.epochs, 1, ModelLimits::kMaxEpochs, field + ".epochs");
  if (fit.reduce_lr_on_plateau)
    validate(*fit.reduce_lr_on_plateau, field + ".callbacks.reduce_lr_on_plateau");
  if (fit.early_stopping) validate(*fit.early_stopping, field + ".callbacks.early_stopping");
}

void prepare(ModelConfig& config) {
  check_name(config.name, "name");
  whole(config.inputs, 1, ModelLimits::kMaxInputs, "inputs");
  if (config.layers.empty()) fail("layers", "expected at least 1 layer, got none");
  if (config.layers.size() > static_cast<std::size_t>(ModelLimits::kMaxLayers))
    fail("layers", "expected at most " + std::to_string(ModelLimits::kMaxLayers) + " layers, got " +
                       std::to_string(config.layers.size()));
  std::map<std::string, int> next_number;  // Keras numbers automatic names per layer type
  std::map<std::string, std::size_t> taken;
  for (std::size_t l = 0; l < config.layers.size(); ++l)
    if (!config.layers[l].name.empty()) {
      check_name(config.layers[l].name, at(l, "name"));
      if (const auto it = taken.find(config.layers[l].name); it != taken.end())
        fail(at(l, "name"), "\"" + config.layers[l].name + "\" is already the name of layers[" +
                                std::to_string(it->second) + "]");
      taken.emplace(config.layers[l].name, l);
    }
  long long total = 0;
  int inputs = config.inputs;
  for (std::size_t l = 0; l < config.layers.size(); ++l) {
    LayerConfig& c = config.layers[l];
    const bool has_units = c.kind == LayerKind::kDense || c.kind == LayerKind::kMaxout;
    if (has_units) whole(c.units, 1, ModelLimits::kMaxUnits, at(l, "units"));
    if (c.kind == LayerKind::kMaxout) whole(c.pieces, 2, ModelLimits::kMaxPieces, at(l, "pieces"));
    if (c.kind == LayerKind::kDense || c.kind == LayerKind::kActivation) {
      const auto alpha = default_alpha(c.activation);
      if (c.alpha && !alpha)
        fail(at(l, "alpha"), "only leaky_relu and elu take alpha, not " + activation_name(c.activation));
      if (c.alpha && !std::isfinite(*c.alpha))
        fail(at(l, "alpha"), "expected a finite number, got " + number_text(*c.alpha));
      if (!c.alpha) c.alpha = alpha;
    } else if (c.alpha) {
      fail(at(l, "alpha"), "only dense and activation layers take alpha");
    }
    if (c.kind == LayerKind::kBatchNormalization) {
      if (!(std::isfinite(c.momentum) && c.momentum >= 0 && c.momentum <= 1))
        fail(at(l, "momentum"), "expected a number from 0 to 1, got " + number_text(c.momentum));
      if (!(std::isfinite(c.epsilon) && c.epsilon > 0))
        fail(at(l, "epsilon"), "expected a number greater than 0, got " + number_text(c.epsilon));
    }
    const Shape shape = shape_of(c, inputs);
    // Start values: shapes and finiteness.
    if (has_units) {
      const Index rows = static_cast<Index>(c.units) * (c.kind == LayerKind::kMaxout ? c.pieces : 1);
      if (c.weights.size() != 0) {
        if (c.weights.rows() != rows || c.weights.cols() != inputs)
          fail(at(l, "weights"), "expected " + std::to_string(rows) + " × " + std::to_string(inputs) +
                                     " numbers, got " + std::to_string(c.weights.rows()) + " × " +
                                     std::to_string(c.weights.cols()));
        if (!c.weights.allFinite()) fail(at(l, "weights"), "expected finite numbers only");
      }
      if (!c.use_bias && c.biases.size() != 0)
        fail(at(l, "biases"), "use_bias is false, so the layer has no biases");
      check_vector(c.biases, rows, at(l, "biases"), "one per row of weights");
    } else if (c.weights.size() != 0 || c.biases.size() != 0) {
      fail(at(l, c.weights.size() != 0 ? "weights" : "biases"),
           "only dense and maxout layers have weights and biases");
    }
    if (c.kind == LayerKind::kBatchNormalization) {
      check_vector(c.gamma, inputs, at(l, "gamma"), "one per feature");
      check_vector(c.beta, inputs, at(l, "beta"), "one per feature");
      check_vector(c.moving_mean, inputs, at(l, "moving_mean"), "one per feature");
      check_vector(c.moving_variance, inputs, at(l, "moving_variance"), "one per feature");
      for (Index i = 0; i < c.moving_variance.size(); ++i)
        if (c.moving_variance(i) < 0)
          fail(at(l, "moving_variance[" + std::to_string(i) + "]"),
               "expected a number of at least 0 (a variance), got " + number_text(c.moving_variance(i)));
    } else if (c.gamma.size() || c.beta.size() || c.moving_mean.size() || c.moving_variance.size()) {
      fail(at(l, "gamma"), "only batch_normalization layers have gamma, beta and moving statistics");
    }
    total += shape.trainable + shape.non_trainable;
    if (total > ModelLimits::kMaxParameters)
      fail(at(l, has_units ? "units" : "type"),
           "the model would have " + std::to_string(total) + " parameters up to this layer, more than the limit of " +
               std::to_string(ModelLimits::kMaxParameters));
    if (c.name.empty()) {
      // Keras' automatic names: dense, dense_1, dense_2, … skipping names already taken.
      const std::string& base = layer_type_name(c.kind);
      int& n = next_number[base];
      std::string name;
      do {
        name = n == 0 ? base : base + "_" + std::to_string(n);
        ++n;
      } while (taken.count(name));
      c.name = name;
      taken.emplace(name, l);
    }
    inputs = shape.outputs;
  }
  validate(config.optimizer, "optimizer");
  validate(config.fit, "fit");
}

ParameterCounts count_parameters(const ModelConfig& config) {
  ModelConfig c = config;
  prepare(c);
  ParameterCounts counts;
  int inputs = c.inputs;
  for (const auto& layer : c.layers) {
    const Shape shape = shape_of(layer, inputs);
    counts.layers.push_back({layer.name, layer_class_name(layer.kind), shape.outputs,
                             shape.trainable + shape.non_trainable, shape.trainable});
    counts.trainable += shape.trainable;
    counts.non_trainable += shape.non_trainable;
    inputs = shape.outputs;
  }
  counts.total = counts.trainable + counts.non_trainable;
  return counts;
}

// ---- The built model ----

Sequential::Sequential(ModelConfig config) : config_(std::move(config)) {
  prepare(config_);
  int inputs = config_.inputs;
  Index offset = 0;
  for (const auto& c : config_.layers) {
    Layer layer;
    layer.config = c;
    layer.config.weights.resize(0, 0);  // the start values are read from config_ below
    layer.config.biases.resize(0);
    layer.config.gamma.resize(0);
    layer.config.beta.resize(0);
    layer.config.moving_mean.resize(0);
    layer.config.moving_variance.resize(0);
    layer.inputs = inputs;
    const Shape shape = shape_of(c, inputs);
    layer.outputs = shape.outputs;
    layer.offset = offset;
    layer.trainable = static_cast<Index>(shape.trainable);
    offset += layer.trainable;
    inputs = shape.outputs;
    layers_.push_back(std::move(layer));
  }
  theta_.resize(offset);
  grad_ = Vector::Zero(offset);

  Uniform uniform(config_.seed);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    LayerConfig& c = config_.layers[l];
    Layer& layer = layers_[l];
    const int li = static_cast<int>(l);
    if (c.kind == LayerKind::kDense || c.kind == LayerKind::kMaxout) {
      auto W = weights(li);
      if (c.weights.size() != 0) {
        W = c.weights;
      } else {
        // Glorot uniform, as Keras' Dense; a maxout layer counts as a dense layer of
        // units·pieces outputs.
        glorot_uniform(W, uniform);
      }
      if (c.use_bias) {
        auto b = biases(li);
        if (c.biases.size() != 0) b = c.biases;
        else b.setZero();
      }
    } else if (c.kind == LayerKind::kBatchNormalization) {
      const Index n = layer.inputs;
      // Keras' initialisers: gamma ones, beta zeros, moving_mean zeros, moving_variance ones.
      if (c.gamma.size()) gamma(li) = c.gamma;
      else gamma(li).setOnes();
      if (c.beta.size()) beta(li) = c.beta;
      else beta(li).setZero();
      layer.moving_mean = c.moving_mean.size() ? c.moving_mean : Vector(Vector::Zero(n));
      layer.moving_variance = c.moving_variance.size() ? c.moving_variance : Vector(Vector::Ones(n));
    }
    // The start values now live in the model; the configuration keeps the architecture.
    c.weights.resize(0, 0);
    c.biases.resize(0);
    c.gamma.resize(0);
    c.beta.resize(0);
    c.moving_mean.resize(0);
    c.moving_variance.resize(0);
  }
  if (float32()) {  // the start values as the model holds them: rounded to float
    theta_ = theta_.cast<float>().cast<double>();
    for (Layer& layer : layers_) {
      layer.moving_mean = layer.moving_mean.cast<float>().cast<double>();
      layer.moving_variance = layer.moving_variance.cast<float>().cast<double>();
    }
  }
  optimizer_ = Optimizer(config_.optimizer, theta_.size());
  const LayerConfig& last = config_.layers.back();
  const bool has_activation = last.kind == LayerKind::kDense || last.kind == LayerKind::kActivation;
  from_logits_ = has_activation &&
                 ((config_.loss == LossKind::kCrossEntropy && last.activation == ActivationKind::kSoftmax) ||
                  (config_.loss == LossKind::kBce && last.activation == ActivationKind::kSigmoid));
}

Eigen::Map<Matrix> Sequential::weights(int l) {
  sync_double();
  float_stale_ = true;  // the caller may write them
  const Layer& layer = layers_.at(static_cast<std::size_t>(l));
  const Index rows = layer.config.kind == LayerKind::kMaxout
                         ? static_cast<Index>(layer.config.units) * layer.config.pieces
                         : layer.config.units;
  const Index cols = rows == 0 ? 0 : layer.inputs;
  return Eigen::Map<Matrix>(theta_.data() + layer.offset, rows, cols);
}

Eigen::Map<const Matrix> Sequential::weights(int l) const {
  auto w = const_cast<Sequential*>(this)->weights(l);
  return Eigen::Map<const Matrix>(w.data(), w.rows(), w.cols());
}

Eigen::Map<Vector> Sequential::biases(int l) {
  float_stale_ = true;  // the caller may write them
  const Layer& layer = layers_.at(static_cast<std::size_t>(l));
  auto W = weights(l);
  const Index n = layer.config.use_bias ? W.rows() : 0;
  return Eigen::Map<Vector>(theta_.data() + layer.offset + W.size(), n);
}

Eigen::Map<const Vector> Sequential::biases(int l) const {
  auto b = const_cast<Sequential*>(this)->biases(l);
  return Eigen::Map<const Vector>(b.data(), b.size());
}

Eigen::Map<Vector> Sequential::gamma(int l) {
  sync_double();
  float_stale_ = true;  // the caller may write them
  const Layer& layer = layers_.at(static_cast<std::size_t>(l));
  const Index n = layer.config.kind == LayerKind::kBatchNormalization ? layer.inputs : 0;
  return Eigen::Map<Vector>(theta_.data() + layer.offset, n);
}

Eigen::Map<const Vector> Sequential::gamma(int l) const {
  auto g = const_cast<Sequential*>(this)->gamma(l);
  return Eigen::Map<const Vector>(g.data(), g.size());
}

Eigen::Map<Vector> Sequential::beta(int l) {
  sync_double();
  float_stale_ = true;  // the caller may write them
  const Layer& layer = layers_.at(static_cast<std::size_t>(l));
  const Index n = layer.config.kind == LayerKind::kBatchNormalization ? layer.inputs : 0;
  return Eigen::Map<Vector>(theta_.data() + layer.offset + n, n);
}

Eigen::Map<const Vector> Sequential::beta(int l) const {
  auto b = const_cast<Sequential*>(this)->beta(l);
  return Eigen::Map<const Vector>(b.data(), b.size());
}

void Sequential::reserve(Index samples) {
  reserve_workspace(ws_, samples);  // also for a float32 model: the double path reads it
  if (float32() && samples > wsf_.capacity) {
    reserve_workspace(wsf_, samples);
    wsf_.x.resize(inputs(), samples);
    wsf_.t.resize(outputs(), samples);
  }
}

template <class T>
void Sequential::reserve_workspace(Workspace<T>& ws, Index samples) {
  if (samples <= ws.capacity) return;
  const std::size_t L = layers_.size();
  ws.z.assign(L, MatrixT<T>());
  ws.y.assign(L, MatrixT<T>());
  ws.dy.assign(L, MatrixT<T>());
  ws.dz.assign(L, MatrixT<T>());
  ws.winner.assign(L, Eigen::MatrixXi());
  ws.mean.assign(L, VectorT<T>());
  ws.variance.assign(L, VectorT<T>());
  ws.scale.assign(L, VectorT<T>());
  ws.shift.assign(L, VectorT<T>());
  for (std::size_t l = 0; l < L; ++l) {
    const Layer& layer = layers_[l];
    const LayerConfig& c = layer.config;
    ws.y[l].resize(layer.outputs, samples);
    ws.dy[l].resize(layer.outputs, samples);
    switch (c.kind) {
      case LayerKind::kDense:
        if (c.activation != ActivationKind::kLinear) ws.z[l].resize(layer.outputs, samples);
        ws.dz[l].resize(layer.outputs, samples);
        break;
      case LayerKind::kMaxout:
        ws.z[l].resize(static_cast<Index>(c.units) * c.pieces, samples);
        ws.dz[l].resize(static_cast<Index>(c.units) * c.pieces, samples);
        ws.winner[l].resize(c.units, samples);
        break;
      case LayerKind::kBatchNormalization:
        ws.z[l].resize(layer.inputs, samples);
        for (auto* v : {&ws.mean[l], &ws.variance[l], &ws.scale[l], &ws.shift[l]}) v->resize(layer.inputs);
        break;
      case LayerKind::kActivation:
        if (l + 1 == L && from_logits_) ws.dz[l].resize(layer.outputs, samples);
        break;
    }
  }
  ws.capacity = samples;
}

void Sequential::refresh_float() const {
  if (!float_stale_) return;
  theta_f_ = theta_.cast<float>();
  float_stale_ = false;
}

void Sequential::sync_double() const {
  if (!double_stale_) return;
  theta_ = theta_f_.cast<double>();
  grad_ = grad_f_.cast<double>();
  double_stale_ = false;
}

const Matrix& Sequential::batch_outputs() const {
  if (!float32()) return ws_.y.back();
  outputs_ = wsf_.y.back().cast<double>();  // the float32 step's outputs (ws_ is the double path's)
  return outputs_;
}

void Sequential::check_batch(const Matrix& X, const Matrix* Y, Index n) const {
  if (X.rows() != inputs())
    fail("X", "expected " + std::to_string(inputs()) + " rows (one per input feature), got " +
                  std::to_string(X.rows()));
  if (n < 1 || n > X.cols())
    fail("X", "expected at least " + std::to_string(std::max<Index>(n, 1)) + " samples (columns), got " +
                  std::to_string(X.cols()));
  if (Y) {
    if (Y->rows() != outputs())
      fail("Y", "expected " + std::to_string(outputs()) + " rows (one per output), got " +
                    std::to_string(Y->rows()));
    if (Y->cols() != X.cols())
      fail("Y", "expected " + std::to_string(X.cols()) + " samples (columns, as X), got " +
                    std::to_string(Y->cols()));
  }
}

namespace {

/// A layer's tensors inside a flat parameter vector of either scalar (Sequential's class comment).
template <class T>
Index weight_rows(const Layer& layer) {
  return layer.config.kind == LayerKind::kMaxout ? static_cast<Index>(layer.config.units) * layer.config.pieces
                                                 : layer.config.units;
}
template <class T>
Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>> weights_in(const T* theta, const Layer& layer) {
  const Index rows = weight_rows<T>(layer);
  return {theta + layer.offset, rows, rows == 0 ? 0 : layer.inputs};
}
template <class T>
const T* biases_in(const T* theta, const Layer& layer) {
  return layer.config.use_bias ? theta + layer.offset + weight_rows<T>(layer) * layer.inputs : nullptr;
}
template <class T>
Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>> gamma_in(const T* theta, const Layer& layer) {
  return {theta + layer.offset, layer.inputs};
}
template <class T>
Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>> beta_in(const T* theta, const Layer& layer) {
  return {theta + layer.offset + layer.inputs, layer.inputs};
}

/// y = f(z) of a dense or activation layer on n samples: relu by its kernel, the others by
/// their rows (activation.cpp).
template <class In, class Out>
void activation_forward(const LayerConfig& c, const In& z, Index n, Out& y) {
  using T = typename Out::Scalar;
  if (c.activation == ActivationKind::kRelu)
    return kernels::relu<T>(static_cast<int>(z.rows()), static_cast<int>(n), z.data(), stride(z), y.data(), stride(y));
  activate(c.activation, c.alpha.value_or(0), z, y);
}

/// dz = dy ⊙ f′(z) into the first n columns of `dz` (a workspace matrix).
template <class In, class M>
void activation_backward(const LayerConfig& c, const In& z, const In& y, const In& dy, Index n, M& dz) {
  using T = typename M::Scalar;
  if (c.activation == ActivationKind::kRelu)
    return kernels::relu_backward<T>(static_cast<int>(z.rows()), static_cast<int>(n), z.data(), stride(z), dy.data(),
                                     stride(dy), dz.data(), stride(dz));
  activate_backward(c.activation, c.alpha.value_or(0), z, y, dy, dz.leftCols(n));
}

}  // namespace

template <class T>
void Sequential::forward(Workspace<T>& ws, const T* theta, const InputT<T>& X, Index n, bool training) {
  using In = InputT<T>;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    const LayerConfig& c = layer.config;
    const In in = l == 0 ? In(X) : In(ws.y[l - 1].leftCols(n));
    auto y = ws.y[l].leftCols(n);
    switch (c.kind) {
      case LayerKind::kDense: {  // z = W·a + b, y = f(z)
        const auto W = weights_in(theta, layer);
        const T* bias = biases_in(theta, layer);
        if (c.activation == ActivationKind::kLinear) {
          product_forward(W, in, n, bias, y);
        } else {
          auto z = ws.z[l].leftCols(n);
          product_forward(W, in, n, bias, z);
          activation_forward(c, z, n, y);
        }
        break;
      }
      case LayerKind::kMaxout: {  // z_{j,p} = W_{j,p}·a + b_{j,p}, y_j = max_p z_{j,p}
        auto z = ws.z[l].leftCols(n);
        product_forward(weights_in(theta, layer), in, n, biases_in(theta, layer), z);
        const int k = c.pieces;
        auto& winner = ws.winner[l];
        for (Index s = 0; s < n; ++s)
          for (int j = 0; j < c.units; ++j) {
            const Index row = static_cast<Index>(j) * k;
            int best = 0;
            for (int p = 1; p < k; ++p)
              if (z(row + p, s) > z(row + best, s)) best = p;  // ties: the first piece wins
            y(j, s) = z(row + best, s);
            winner(j, s) = best;
          }
        break;
      }
      case LayerKind::kBatchNormalization: {
        const auto g = gamma_in(theta, layer);
        const auto b = beta_in(theta, layer);
        const T epsilon = static_cast<T>(c.epsilon);
        const int features = layer.inputs;
        if (training) {  // x̂ = (x − μ_B)/√(σ²_B + ε), y = γ·x̂ + β (biased batch variance)
          // ws.scale holds 1/√(σ²_B + ε), ws.z x̂ (for the backward pass)
          kernels::batch_norm_train<T>(features, static_cast<int>(n), in.data(), stride(in), g.data(), b.data(),
                                       epsilon, ws.mean[l].data(), ws.variance[l].data(), ws.scale[l].data(),
                                       ws.z[l].data(), stride(ws.z[l]), y.data(), stride(y));
        } else {  // y = γ·(x − moving_mean)/√(moving_variance + ε) + β
          auto& scale = ws.scale[l];
          auto& shift = ws.shift[l];
          // 1/√(variance + ε) correctly rounded on every CPU, as in training (kernels.hpp)
          scale = (g.array() * (layer.moving_variance.template cast<T>().array() + epsilon)
                                   .unaryExpr(kernels::ExactInverseSqrt()))
                      .matrix();
          shift = (b.array() - layer.moving_mean.template cast<T>().array() * scale.array()).matrix();
          kernels::scale_shift<T>(features, static_cast<int>(n), in.data(), stride(in), scale.data(), shift.data(),
                                  y.data(), stride(y));
        }
        break;
      }
      case LayerKind::kActivation:
        activation_forward(c, in, n, y);
        break;
    }
  }
}

void Sequential::forward(const ConstRef& X, Index n, bool training) {
  sync_double();
  forward<double>(ws_, theta_.data(), X, n, training);
}

template <class T>
double Sequential::loss_and_output_gradient(Workspace<T>& ws, const InputT<T>& X, const InputT<T>& Y, Index n,
                                            bool gradient) {
  using In = InputT<T>;
  using Out = Eigen::Ref<MatrixT<T>>;
  const std::size_t L = layers_.size() - 1;
  if (from_logits_) {
    const In z = layers_[L].config.kind == LayerKind::kDense
                     ? In(ws.z[L].leftCols(n))
                     : (L == 0 ? In(X) : In(ws.y[L - 1].leftCols(n)));
    if (!gradient) return logits_loss(config_.loss, z, Y, static_cast<Out*>(nullptr));
    Out g = ws.dz[L].leftCols(n);
    return logits_loss(config_.loss, z, Y, &g);
  }
  if (config_.loss == LossKind::kMse) {  // the lecture's: the kernel, with the row's formula (loss.cpp)
    // ℓ = (1/K)Σ(ŷ − y)², ∂L/∂ŷ = 2(ŷ − y)/(K·S), in T as output_loss computes it
    const auto& p = ws.y[L];
    const T KS = static_cast<T>(p.rows() * n);
    const T total = kernels::squared_error<T>(static_cast<int>(p.rows()), static_cast<int>(n), p.data(), stride(p),
                                              Y.data(), stride(Y), 2 / KS, gradient ? ws.dy[L].data() : nullptr,
                                              stride(ws.dy[L]));
    return total / KS;
  }
  if (!gradient) return output_loss(config_.loss, In(ws.y[L].leftCols(n)), Y, static_cast<Out*>(nullptr));
  Out g = ws.dy[L].leftCols(n);
  return output_loss(config_.loss, In(ws.y[L].leftCols(n)), Y, &g);
}

template <class T>
void Sequential::backward(Workspace<T>& ws, const T* theta, T* grad, const InputT<T>& X, Index n) {
  using In = InputT<T>;
  const std::size_t last = layers_.size() - 1;
  for (std::size_t l = layers_.size(); l-- > 0;) {
    const Layer& layer = layers_[l];
    const LayerConfig& c = layer.config;
    const In in = l == 0 ? In(X) : In(ws.y[l - 1].leftCols(n));
    const auto dy = ws.dy[l].leftCols(n);
    const bool logits_given = from_logits_ && l == last;  // ∂L/∂z is already in dz
    switch (c.kind) {
      case LayerKind::kDense:
      case LayerKind::kMaxout: {
        const MatrixT<T>* delta = &ws.dz[l];
        if (c.kind == LayerKind::kMaxout) {  // the gradient flows to the winning piece only
          auto dz = ws.dz[l].leftCols(n);
          dz.setZero();
          const auto& winner = ws.winner[l];
          for (Index s = 0; s < n; ++s)
            for (int j = 0; j < c.units; ++j)
              dz(static_cast<Index>(j) * c.pieces + winner(j, s), s) = dy(j, s);
        } else if (!logits_given) {
          if (c.activation == ActivationKind::kLinear) delta = &ws.dy[l];
          else activation_backward(c, In(ws.z[l].leftCols(n)), In(ws.y[l].leftCols(n)), In(dy), n, ws.dz[l]);
        }
        const auto d = delta->leftCols(n);
        const auto W = weights_in(theta, layer);
        // ∂L/∂W = δ·aᵀ, ∂L/∂b = Σ_s δ, ∂L/∂a = Wᵀ·δ (the kernels gemm_nt, row_sums and gemm_tn, in one
        // hand-off to the threads)
        kernels::dense_backward<T>(static_cast<int>(W.rows()), static_cast<int>(W.cols()), static_cast<int>(n),
                                   W.data(), stride(W), d.data(), stride(d), in.data(), stride(in), grad + layer.offset,
                                   static_cast<int>(W.rows()), c.use_bias ? grad + layer.offset + W.size() : nullptr,
                                   l > 0 ? ws.dy[l - 1].data() : nullptr, l > 0 ? stride(ws.dy[l - 1]) : 0);
        break;
      }
      case LayerKind::kBatchNormalization: {
        // ∂L/∂γ = Σ_s dy·x̂, ∂L/∂β = Σ_s dy,
        // ∂L/∂x = γ/(n·√(σ² + ε))·(n·dy − Σ_s dy − x̂·Σ_s dy·x̂)
        // (the kernel: ∂L/∂γ and ∂L/∂β straight into grad; ws.scale holds 1/√(σ² + ε))
        const int features = layer.inputs;
        T* dx = l > 0 ? ws.dy[l - 1].data() : nullptr;
        kernels::batch_norm_backward<T>(features, static_cast<int>(n), dy.data(), stride(dy), ws.z[l].data(),
                                        stride(ws.z[l]), gamma_in(theta, layer).data(), ws.scale[l].data(),
                                        grad + layer.offset, grad + layer.offset + features, dx,
                                        l > 0 ? stride(ws.dy[l - 1]) : 0);
        break;
      }
      case LayerKind::kActivation:
        if (l == 0) break;  // no parameters, and nobody needs ∂L/∂X
        if (logits_given) ws.dy[l - 1].leftCols(n) = ws.dz[l].leftCols(n);
        else activation_backward(c, in, In(ws.y[l].leftCols(n)), In(dy), n, ws.dy[l - 1]);
        break;
    }
  }
}

template <class T>
double Sequential::step(Workspace<T>& ws, VectorT<T>& theta, VectorT<T>& grad, const InputT<T>& x,
                        const InputT<T>& y, Index n, bool update) {
  forward(ws, theta.data(), x, n, true);
  const double loss = loss_and_output_gradient(ws, x, y, n, true);
  backward(ws, theta.data(), grad.data(), x, n);
  if (!update) return loss;
  // Keras updates the moving statistics in the forward pass of a training step:
  // moving = moving·momentum + batch·(1 − momentum), with the biased batch variance.
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    Layer& layer = layers_[l];
    if (layer.config.kind != LayerKind::kBatchNormalization) continue;
    if constexpr (std::is_same_v<T, double>) {
      const double m = layer.config.momentum;
      layer.moving_mean = layer.moving_mean * m + ws.mean[l] * (1 - m);
      layer.moving_variance = layer.moving_variance * m + ws.variance[l] * (1 - m);
    } else {  // in float, as Keras' float32 variables
      const T m = static_cast<T>(layer.config.momentum), rest = static_cast<T>(1 - layer.config.momentum);
      layer.moving_mean = (layer.moving_mean.cast<T>() * m + ws.mean[l] * rest).template cast<double>();
      layer.moving_variance = (layer.moving_variance.cast<T>() * m + ws.variance[l] * rest).template cast<double>();
    }
  }
  optimizer_.apply(theta, grad);
  return loss;
}

double Sequential::compute_gradients(const Matrix& X, const Matrix& Y) {
  check_batch(X, &Y, X.cols());
  const Index n = X.cols();
  reserve(n);
  if (!float32()) return step<double>(ws_, theta_, grad_, X, Y, n, false);
  sync_double();  // theta_ as trained so far; grad_ is written below
  refresh_float();
  wsf_.x.leftCols(n) = X.cast<float>();
  wsf_.t.leftCols(n) = Y.cast<float>();
  grad_f_.resize(theta_f_.size());
  const double loss = step<float>(wsf_, theta_f_, grad_f_, wsf_.x.leftCols(n), wsf_.t.leftCols(n), n, false);
  grad_ = grad_f_.cast<double>();
  return loss;
}

double Sequential::train_on_batch(const Matrix& X, const Matrix& Y) {
  return train_on_batch(X, Y, X.cols());
}

double Sequential::train_on_batch(const Matrix& X, const Matrix& Y, Index n) {
  check_batch(X, &Y, n);
  reserve(n);
  if (!float32()) return step<double>(ws_, theta_, grad_, X.leftCols(n), Y.leftCols(n), n, true);
  refresh_float();
  wsf_.x.leftCols(n) = X.leftCols(n).cast<float>();
  wsf_.t.leftCols(n) = Y.leftCols(n).cast<float>();
  grad_f_.resize(theta_f_.size());
  const double loss = step<float>(wsf_, theta_f_, grad_f_, wsf_.x.leftCols(n), wsf_.t.leftCols(n), n, true);
  // The interface's double copies (the same numbers, exactly) are written when read.
  double_stale_ = true;
  return loss;
}

template <class T>
double Sequential::inference_loss(Workspace<T>& ws, const T* theta, const InputT<T>& x, const InputT<T>& y,
                                  Index m) {
  forward(ws, theta, x, m, false);
  return loss_and_output_gradient(ws, x, y, m, false);
}

double Sequential::evaluate(const Matrix& X, const Matrix& Y) {
  check_batch(X, &Y, X.cols());
  if ((float32() ? wsf_.capacity : ws_.capacity) == 0) reserve(std::min<Index>(X.cols(), 1024));
  if (float32()) refresh_float();
  const Index N = X.cols(), chunk = float32() ? wsf_.capacity : ws_.capacity;
  double total = 0;
  for (Index start = 0; start < N; start += chunk) {
    const Index m = std::min(chunk, N - start);
    double loss = 0;
    if (float32()) {
      wsf_.x.leftCols(m) = X.middleCols(start, m).cast<float>();
      wsf_.t.leftCols(m) = Y.middleCols(start, m).cast<float>();
      loss = inference_loss<float>(wsf_, theta_f_.data(), wsf_.x.leftCols(m), wsf_.t.leftCols(m), m);
    } else {
      loss = inference_loss<double>(ws_, theta_.data(), X.middleCols(start, m), Y.middleCols(start, m), m);
    }
    total += loss * static_cast<double>(m);
  }
  return total / static_cast<double>(N);
}

Matrix Sequential::predict(const Matrix& X) {
  check_batch(X, nullptr, X.cols());
  if ((float32() ? wsf_.capacity : ws_.capacity) == 0) reserve(std::min<Index>(X.cols(), 1024));
  if (float32()) refresh_float();
  const Index N = X.cols(), chunk = float32() ? wsf_.capacity : ws_.capacity;
  Matrix out(outputs(), N);
  for (Index start = 0; start < N; start += chunk) {
    const Index m = std::min(chunk, N - start);
    if (float32()) {
      wsf_.x.leftCols(m) = X.middleCols(start, m).cast<float>();
      forward<float>(wsf_, theta_f_.data(), InputT<float>(wsf_.x.leftCols(m)), m, false);
      out.middleCols(start, m) = wsf_.y.back().leftCols(m).cast<double>();
    } else {
      forward<double>(ws_, theta_.data(), InputT<double>(X.middleCols(start, m)), m, false);
      out.middleCols(start, m) = ws_.y.back().leftCols(m);
    }
  }
  return out;
}

Index Sequential::parameter_index(int l, const std::string& tensor, int row, int col) const {
  if (l < 0 || static_cast<std::size_t>(l) >= layers_.size())
    fail("layer", "expected a layer from 0 to " + std::to_string(layers_.size() - 1) + ", got " +
                      std::to_string(l));
  const Layer& layer = layers_[static_cast<std::size_t>(l)];
  const std::string field = at(static_cast<std::size_t>(l), tensor);
  Index rows = 0, cols = 1, start = layer.offset;
  const LayerKind kind = layer.config.kind;
  if ((kind == LayerKind::kDense || kind == LayerKind::kMaxout) && tensor == "weights") {
    const auto W = weights(l);
    rows = W.rows();
    cols = W.cols();
  } else if ((kind == LayerKind::kDense || kind == LayerKind::kMaxout) && tensor == "biases") {
    rows = biases(l).size();
    start += weights(l).size();
  } else if (kind == LayerKind::kBatchNormalization && (tensor == "gamma" || tensor == "beta")) {
    rows = layer.inputs;
    if (tensor == "beta") start += rows;
  } else {
    const std::string names = kind == LayerKind::kBatchNormalization
                                  ? "gamma, beta, moving_mean or moving_variance"
                                  : kind == LayerKind::kActivation ? "nothing (an activation layer has no parameters)"
                                                                   : "weights or biases";
    fail(field, "no such tensor in a " + layer_type_name(kind) + " layer (expected " + names + ")");
  }
  if (rows == 0) fail(field, "this layer has none (use_bias is false)");
  if (row < 0 || row >= rows || col < 0 || col >= cols)
    fail(field, "expected row 0 to " + std::to_string(rows - 1) + " and column 0 to " +
                    std::to_string(cols - 1) + ", got (" + std::to_string(row) + ", " +
                    std::to_string(col) + ")");
  return start + row + static_cast<Index>(col) * rows;
}

ParameterState Sequential::parameter_state(int l, const std::string& tensor, int row, int col) const {
  ParameterState state;
  state.iterations = optimizer_.iterations();
  state.learning_rate = optimizer_.learning_rate();
  if (l >= 0 && static_cast<std::size_t>(l) < layers_.size() &&
      layers_[static_cast<std::size_t>(l)].config.kind == LayerKind::kBatchNormalization &&
      (tensor == "moving_mean" || tensor == "moving_variance")) {
    const Layer& layer = layers_[static_cast<std::size_t>(l)];
    const Vector& v = tensor == "moving_mean" ? layer.moving_mean : layer.moving_variance;
    if (row < 0 || row >= v.size() || col != 0)
      fail(at(static_cast<std::size_t>(l), tensor),
           "expected row 0 to " + std::to_string(v.size() - 1) + " and column 0, got (" +
               std::to_string(row) + ", " + std::to_string(col) + ")");
    state.value = v(row);
    state.trainable = false;
    return state;
  }
  const Index i = parameter_index(l, tensor, row, col);
  sync_double();
  state.value = theta_(i);
  state.gradient = grad_(i);
  for (std::size_t s = 0; s < optimizer_.slot_names().size(); ++s)
    state.slots.emplace_back(optimizer_.slot_names()[s], optimizer_.slot(s)(i));
  return state;
}

void Sequential::save(Snapshot& snapshot) const {
  sync_double();
  snapshot.parameters = theta_;
  snapshot.moving_mean.resize(layers_.size());
  snapshot.moving_variance.resize(layers_.size());
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    snapshot.moving_mean[l] = layers_[l].moving_mean;
    snapshot.moving_variance[l] = layers_[l].moving_variance;
  }
}

void Sequential::restore(const Snapshot& snapshot) {
  sync_double();  // grad_ stays the last batch's
  float_stale_ = true;
  theta_ = snapshot.parameters;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    layers_[l].moving_mean = snapshot.moving_mean[l];
    layers_[l].moving_variance = snapshot.moving_variance[l];
  }
}

}  // namespace nntutor::keras
