#pragma once
/// A Keras-style Sequential model (Dense, BatchNormalization, Activation and Maxout layers; the
/// losses mse, mae, msle, bce and cross_entropy) that computes what Keras 3 computes, in double.
/// Data are features × samples (one column per sample), as in the rest of the engine.
/// docs/model.md gives every formula, its Keras source and the JSON format (model_json.hpp).
#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nntutor/activation.hpp"
#include "nntutor/callbacks.hpp"
#include "nntutor/loss.hpp"
#include "nntutor/optimizer.hpp"

namespace nntutor::keras {

/// Keras computes in float32; the tutor in double, so hand-checked numbers agree to ~1e-15.
/// The summary still reports Keras' float32 byte sizes. The model's interface is in double; a
/// model whose dtype is float32 trains in float inside (ModelConfig::dtype).
using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

/// The numbers a model trains in (the model JSON's `dtype`): float32 as Keras trains (every
/// weight, activation, gradient, loss sum and optimizer state in float; about 7 significant
/// digits), or float64 (double, the engine's default and the worked example's). The interface
/// stays double either way: a float32 model's parameters() are its float weights, exactly.
enum class Dtype { kFloat32, kFloat64 };

/// One dtype of the model JSON: its name and what the page says of it.
struct DtypeInfo {
  Dtype dtype;
  std::string_view name;   ///< float32, float64
  std::string_view title;  ///< how the page's select names it
};
/// Every dtype, float32 first (the trainer page's default; the engine's default for a model
/// JSON without `dtype` is float64, so models saved before keep training as they did).
const std::vector<DtypeInfo>& dtypes();
/// `float32`, `float64`.
const std::string& dtype_name(Dtype dtype);
/// The dtype called `name`; SessionError naming `field` if there is none.
Dtype parse_dtype(const std::string& name, const std::string& field);

/// Limits checked when a model is built, so that no model can exhaust a browser tab's memory.
struct ModelLimits {
  static constexpr int kMaxLayers = 64;
  static constexpr int kMaxUnits = 4096;   ///< per dense or maxout layer
  static constexpr int kMaxInputs = 4096;  ///< input features
  static constexpr int kMaxPieces = 16;    ///< maxout pieces per unit
  static constexpr long long kMaxParameters = 2000000;  ///< trainable + non-trainable (16 MB)
  static constexpr int kMaxNameLength = 64;
  static constexpr int kMaxEpochs = 10000;
  static constexpr int kMaxBatchSize = 8192;
  static constexpr double kMaxWork = 1e12;  ///< fit: epochs × training samples × parameters
};

/// The activations are the math layer's descriptor rows (activation.hpp).
using nntutor::ActivationKind;

/// `linear`, `relu`, `sigmoid`, … : the row's name.
const std::string& activation_name(ActivationKind f);
/// The activation called `name`; SessionError naming `field` if there is none.
ActivationKind parse_activation(const std::string& name, const std::string& field);
/// Keras' default α: leaky_relu 0.2 (keras.activations.leaky_relu's negative_slope), elu 1.
/// Other activations take no α.
std::optional<double> default_alpha(ActivationKind f);

enum class LayerKind { kDense, kBatchNormalization, kActivation, kMaxout };

/// `dense`, `batch_normalization`, `activation`, `maxout` (the JSON `type`).
const std::string& layer_type_name(LayerKind kind);
/// Keras' class name: `Dense`, `BatchNormalization`, `Activation`, `Maxout`.
const std::string& layer_class_name(LayerKind kind);

/// One layer as configured. The start values are optional: empty means Glorot-uniform weights
/// drawn from the model's seed (dense, maxout), zero biases and beta, gamma and moving variance
/// 1, moving mean 0 — Keras' defaults.
struct LayerConfig {
  LayerKind kind = LayerKind::kDense;
  std::string name;  ///< empty: Keras' automatic name (dense, dense_1, …) when built
  int units = 0;     ///< dense, maxout: number of outputs
  int pieces = 2;    ///< maxout: k affine pieces per unit, y_j = max_p (W_{j,p}·a + b_{j,p})
  ActivationKind activation = ActivationKind::kLinear;  ///< dense (Keras' None) and activation
  std::optional<double> alpha;  ///< leaky_relu slope / elu scale; empty: default_alpha
  bool use_bias = true;         ///< dense, maxout
  double momentum = 0.99;       ///< batch_normalization: moving = moving·momentum + batch·(1 − momentum)
  double epsilon = 1e-3;        ///< batch_normalization: x̂ = (x − μ)/√(σ² + ε)

  /// dense: units × inputs, row j holding the weights into unit j (Keras' kernel transposed);
  /// maxout: (units·pieces) × inputs, row j·pieces + p for piece p of unit j.
  Matrix weights;
  Vector biases;  ///< dense: units; maxout: units·pieces (same order as the rows of weights)
  Vector gamma, beta, moving_mean, moving_variance;  ///< batch_normalization, one per feature
};

/// Layer constructors with Keras' defaults.
LayerConfig dense(int units, ActivationKind activation = ActivationKind::kLinear);
LayerConfig batch_normalization();
LayerConfig activation(ActivationKind f);
LayerConfig maxout(int units, int pieces = 2);

/// The losses are the math layer's descriptor rows (loss.hpp): each the mean over the samples
/// of a batch (Keras' "sum_over_batch_size"), computed by nntutor::compute_loss. The model takes
/// Keras' own: mse, mae, msle, bce, cross_entropy (not the lecture's half_sse).
using nntutor::LossKind;
using nntutor::kClipEpsilon;
using nntutor::compute_loss;
using nntutor::compute_loss_from_logits;
/// `mse`, `mae`, `msle`, `bce`, `cross_entropy`.
const std::string& loss_name(LossKind loss);
/// The Keras loss called `name`; SessionError naming `field` if there is none.
LossKind parse_loss(const std::string& name, const std::string& field);

/// The fit() settings (Keras' model.fit arguments and callbacks).
struct FitConfig {
  int batch_size = 32;  ///< Keras' default
  int epochs = 1;
  bool shuffle = true;     ///< a new order of the training samples every epoch
  std::uint64_t seed = 1;  ///< seeds the shuffling (Fisher–Yates, docs/model.md)
  std::optional<ReduceLROnPlateauConfig> reduce_lr_on_plateau;
  std::optional<EarlyStoppingConfig> early_stopping;
};

/// A whole model: architecture, loss, optimizer, fit settings and the seed of the start weights.
struct ModelConfig {
  std::string name = "sequential";
  int inputs = 0;  ///< input features
  std::vector<LayerConfig> layers;
  LossKind loss = LossKind::kMse;
  OptimizerConfig optimizer;  ///< Keras' compile() default is rmsprop
  FitConfig fit;
  std::uint64_t seed = 1;  ///< Glorot-uniform draws (docs/engine-api.md "Initialisation")
  Dtype dtype = Dtype::kFloat64;  ///< what it trains in (the start weights are drawn in double and rounded)
};

/// Checks a configuration and completes it: gives unnamed layers Keras' automatic names
/// (dense, dense_1, batch_normalization, …, numbered per layer type), fills α from
/// default_alpha, and checks every range, limit and start-value shape. SessionError messages
/// name the field as the JSON does, e.g. "layers[3].units: expected a whole number from 1 to
/// 4096, got 0".
void prepare(ModelConfig& config);

/// Throws SessionError naming `field` when the fit settings are out of range.
void validate(const FitConfig& fit, const std::string& field = "fit");

/// One layer's parameter counts, as a row of Keras' summary.
struct LayerCount {
  std::string name;        ///< e.g. batch_normalization_1
  std::string class_name;  ///< e.g. BatchNormalization
  int outputs = 0;         ///< the output shape is (None, outputs)
  long long parameters = 0;
  long long trainable = 0;
};

/// Keras' counts: dense units·inputs (+ units with a bias); batch_normalization 4 per feature,
/// of which gamma and beta (2 per feature) are trainable; activation 0; maxout
/// units·pieces·inputs (+ units·pieces).
struct ParameterCounts {
  long long total = 0, trainable = 0, non_trainable = 0;
  std::vector<LayerCount> layers;
};

/// The counts of a configuration (prepared on a copy; SessionError if it is invalid).
ParameterCounts count_parameters(const ModelConfig& config);

/// Keras 3's model.summary() text before the model is trained (no "Optimizer params" line):
/// the rich table of `line_length` columns (Keras' default 88; a terminal narrower than 92
/// columns gets columns − 4, e.g. 76), then the totals with their float32 sizes, e.g.
/// " Total params: 21,750 (84.96 KB)". keras/src/utils/summary_utils.py.
std::string summary(const ModelConfig& config, int line_length = 88);

/// One layer of a built model.
struct Layer {
  LayerConfig config;  ///< architecture and hyperparameters (start values moved into the model)
  int inputs = 0, outputs = 0;
  Eigen::Index offset = 0;     ///< where its trainable parameters start in parameters()
  Eigen::Index trainable = 0;  ///< weights then biases, or gamma then beta
  Vector moving_mean, moving_variance;  ///< batch_normalization: the non-trainable state
};

/// Everything the page shows for one parameter: its value, its gradient in the last computed
/// batch, and the optimizer's state for it (Keras' slot names).
struct ParameterState {
  double value = 0;
  double gradient = 0;
  std::vector<std::pair<std::string, double>> slots;  ///< e.g. {"momentum", m}, {"velocity", v}
  long long iterations = 0;
  double learning_rate = 0;
  bool trainable = true;  ///< false for moving_mean and moving_variance (no gradient, no slots)
};

/// A built model. All trainable parameters live in one vector (layer by layer: dense and maxout
/// weights column-major then biases; batch_normalization gamma then beta) so the optimizer updates
/// them in one pass. Forward and backward passes work on preallocated features × batch buffers:
/// after reserve(n) no step allocates.
class Sequential {
 public:
  /// Builds the model: prepare(config), then every start value (given, Glorot uniform from
  /// config.seed layer by layer and row by row as docs/engine-api.md, or Keras' defaults).
  explicit Sequential(ModelConfig config);

  const ModelConfig& config() const { return config_; }
  int inputs() const { return config_.inputs; }
  int outputs() const { return layers_.back().outputs; }
  const std::vector<Layer>& layers() const { return layers_; }
  const Layer& layer(int l) const { return layers_.at(static_cast<std::size_t>(l)); }

  /// All trainable parameters, flat (see the class comment).
  Vector& parameters() {
    sync_double();
    float_stale_ = true;  // the caller may write them
    return theta_;
  }
  const Vector& parameters() const {
    sync_double();
    return theta_;
  }
  /// ∂L/∂θ of the last batch given to compute_gradients or train_on_batch.
  const Vector& gradients() const {
    sync_double();
    return grad_;
  }

  /// dense, maxout: the weights of layer `l` (see LayerConfig::weights), a view into parameters().
  Eigen::Map<Matrix> weights(int l);
  Eigen::Map<const Matrix> weights(int l) const;
  /// dense, maxout: the biases (empty without use_bias).
  Eigen::Map<Vector> biases(int l);
  Eigen::Map<const Vector> biases(int l) const;
  /// batch_normalization: gamma and beta.
  Eigen::Map<Vector> gamma(int l);
  Eigen::Map<const Vector> gamma(int l) const;
  Eigen::Map<Vector> beta(int l);
  Eigen::Map<const Vector> beta(int l) const;
  /// batch_normalization: the moving statistics (non-trainable).
  Vector& moving_mean(int l) { return layers_.at(static_cast<std::size_t>(l)).moving_mean; }
  Vector& moving_variance(int l) { return layers_.at(static_cast<std::size_t>(l)).moving_variance; }

  Optimizer& optimizer() { return optimizer_; }
  const Optimizer& optimizer() const { return optimizer_; }

  /// True when the loss is computed from the logits of the output layer (bce after sigmoid,
  /// cross_entropy after softmax), as Keras' TensorFlow backend does.
  bool loss_from_logits() const { return from_logits_; }
  /// The last layer's outputs of the batch computed last (its first n columns): after
  /// train_on_batch, the predictions its loss was computed from (before the update). A float32
  /// model's, in double.
  const Matrix& batch_outputs() const;

  /// Makes room for batches of up to `samples` columns; compute, train and predict then
  /// allocate nothing for batches that fit.
  void reserve(Eigen::Index samples);

  /// The loss of the batch (X: inputs × n, Y: outputs × n) in training mode (batch
  /// normalization with this batch's statistics) and ∂L/∂θ into gradients(). Changes nothing
  /// else: no update, the moving statistics stay.
  double compute_gradients(const Matrix& X, const Matrix& Y);
  /// Keras' train step: compute_gradients, then the moving statistics, then one optimizer
  /// update. Returns the batch's loss (before the update).
  double train_on_batch(const Matrix& X, const Matrix& Y);
  /// The same on the first n columns of X and Y, without copying them (fit's inner loop).
  double train_on_batch(const Matrix& X, const Matrix& Y, Eigen::Index n);
  /// The loss in inference mode (moving statistics), mean over all samples of X, Y; computed in
  /// chunks of the reserved size.
  double evaluate(const Matrix& X, const Matrix& Y);
  /// The outputs in inference mode: outputs × samples.
  Matrix predict(const Matrix& X);

  /// One sample in inference mode: every layer's output, and the gradient of output `k`'s
  /// logit with respect to the inputs by the backward pass's chain rule (inference-mode batch
  /// normalization: a fixed scale). The logit is the output layer's value before its
  /// activation (z_k of a dense layer with one, the input of a final activation layer), or y_k
  /// when there is no activation to look through. gradients() and the optimizer stay as they
  /// are. (input_gradient.cpp; used for the digits' saliency, docs/digits.md.)
  struct InputGradient {
    std::vector<Vector> outputs;  ///< per layer
    Vector gradient;              ///< inputs()
  };
  InputGradient input_gradient(const Vector& x, int k);

  /// Where parameter (`row`, `col`) of tensor `tensor` of layer `l` is, and its state. Tensors:
  /// dense and maxout `weights` (row, col), `biases` (row, col 0); batch_normalization `gamma`,
  /// `beta`, `moving_mean`, `moving_variance` (row, col 0). SessionError if there is none.
  ParameterState parameter_state(int l, const std::string& tensor, int row, int col = 0) const;

  /// Trainable parameters and moving statistics, for EarlyStopping's best weights.
  struct Snapshot {
    Vector parameters;
    std::vector<Vector> moving_mean, moving_variance;
  };
  void save(Snapshot& snapshot) const;  ///< reuses snapshot's buffers when their sizes match
  void restore(const Snapshot& snapshot);

  /// Index in parameters() of a trainable parameter; SessionError naming the tensor otherwise.
  Eigen::Index parameter_index(int l, const std::string& tensor, int row, int col = 0) const;

 private:
  template <class T>
  using MatrixT = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  template <class T>
  using VectorT = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  template <class T>
  using InputT = Eigen::Ref<const MatrixT<T>>;

  /// The buffers of one batch, in the scalar the model trains in.
  template <class T>
  struct Workspace {
    Eigen::Index capacity = 0;
    std::vector<MatrixT<T>> z;   ///< dense, maxout: pre-activation; batch_normalization: x̂
    std::vector<MatrixT<T>> y;   ///< outputs
    std::vector<MatrixT<T>> dy;  ///< ∂L/∂y
    std::vector<MatrixT<T>> dz;  ///< ∂L/∂z (dense, maxout; the logits' gradient of the last layer)
    std::vector<Eigen::MatrixXi> winner;  ///< maxout: the winning piece of each unit and sample
    std::vector<VectorT<T>> mean, variance, scale, shift;  ///< batch_normalization, per feature
    MatrixT<T> x, t;  ///< float32: the batch's inputs and targets rounded to float
  };

  template <class T>
  void reserve_workspace(Workspace<T>& ws, Eigen::Index samples);
  /// The double path on theta_ (for a float32 model: its float weights, computed in double),
  /// for code that reads ws_ after it (one sample's saliency).
  void forward(const Eigen::Ref<const Matrix>& X, Eigen::Index n, bool training);
  // X and Y hold exactly the n samples of the batch (views, never copies).
  template <class T>
  void forward(Workspace<T>& ws, const T* theta, const InputT<T>& X, Eigen::Index n, bool training);
  template <class T>
  double loss_and_output_gradient(Workspace<T>& ws, const InputT<T>& X, const InputT<T>& Y, Eigen::Index n,
                                  bool gradient);
  template <class T>
  void backward(Workspace<T>& ws, const T* theta, T* grad, const InputT<T>& X, Eigen::Index n);
  /// Forward, loss and backward on the first n columns of X and Y; with `update`, then the
  /// moving statistics and one optimizer step. Returns the loss.
  template <class T>
  double step(Workspace<T>& ws, VectorT<T>& theta, VectorT<T>& grad, const InputT<T>& X,
              const InputT<T>& Y, Eigen::Index n, bool update);
  /// The loss in inference mode of the m samples of X and Y (a chunk of evaluate()).
  template <class T>
  double inference_loss(Workspace<T>& ws, const T* theta, const InputT<T>& X, const InputT<T>& Y, Eigen::Index m);
  void check_batch(const Matrix& X, const Matrix* Y, Eigen::Index n) const;
  bool float32() const { return config_.dtype == Dtype::kFloat32; }
  /// float32: the float weights from theta_ when theta_ may have been changed since.
  void refresh_float() const;
  /// float32: theta_ and grad_ from the float ones when a step has changed those since.
  void sync_double() const;

  ModelConfig config_;
  std::vector<Layer> layers_;
  mutable Vector theta_, grad_;  // mutable: a float32 model writes them when they are read
  Optimizer optimizer_;
  bool from_logits_ = false;
  Workspace<double> ws_;
  Workspace<float> wsf_;
  // float32: the weights and gradient the model trains with; theta_ and grad_ hold the same
  // numbers in double whenever they are read (a step marks them stale, every accessor of
  // theta_ and grad_ copies them first: not 2 × 21,750 conversions per batch). An accessor that
  // can write theta_ marks the float ones stale.
  mutable Eigen::VectorXf theta_f_;
  Eigen::VectorXf grad_f_;
  mutable bool float_stale_ = true;
  mutable bool double_stale_ = false;
  mutable Matrix outputs_;  ///< float32: batch_outputs() in double
};

}  // namespace nntutor::keras
