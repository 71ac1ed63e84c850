#pragma once
/// Keras 3's optimizers sgd, adagrad, rmsprop and adam: their default hyperparameters and their
/// update formulas, applied to all trainable parameters of a model at once (one flat vector).
/// docs/model.md gives each formula with its Keras source file.
#include <Eigen/Dense>
#include <string>
#include <string_view>
#include <vector>

namespace nntutor::keras {

enum class OptimizerKind { kSgd, kAdagrad, kRmsprop, kAdam };

/// An optimizer and its hyperparameters; fields that do not belong to `kind` are ignored.
/// Defaults are Keras 3's (keras/src/optimizers/*.py); `learning_rate` is 0.001 except for sgd
/// (0.01): use default_optimizer(kind) to get them.
struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kRmsprop;  ///< Keras' compile() default
  double learning_rate = 0.001;                   ///< η
  double momentum = 0;                            ///< sgd: μ (0 = plain gradient descent)
  bool nesterov = false;                          ///< sgd: Nesterov momentum
  double rho = 0.9;                               ///< rmsprop: ρ, decay of the mean square
  double beta_1 = 0.9;                            ///< adam: β₁, decay of the first moment
  double beta_2 = 0.999;                          ///< adam: β₂, decay of the second moment
  double epsilon = 1e-7;                          ///< adagrad, rmsprop, adam: ε
  double initial_accumulator_value = 0.1;         ///< adagrad: the accumulator's start value
};

/// One hyperparameter of an optimizer: its name, its symbol, its allowed range and what it
/// means. The session and model parsers, validate(), the equations and the page read these rows.
/// A number (`field`) or a flag (`flag`, true or false: sgd's nesterov); exactly one is set.
struct HyperparameterInfo {
  std::string_view name;   ///< rho, beta_1, …: the JSON field and Keras' argument
  std::string_view latex;  ///< \rho, \beta_1, \epsilon
  double OptimizerConfig::*field;  ///< the number; null for a flag
  double lo, hi;           ///< the allowed range
  bool lo_open, hi_open;   ///< whether lo and hi themselves are excluded
  std::string_view rule;   ///< the range in words, for messages: "a number from 0 to 1"
  std::string_view meaning;  ///< one line for the page: "decay of the mean square"
  bool worked_example;     ///< the worked-example session offers it
  bool OptimizerConfig::*flag = nullptr;  ///< the flag (sgd's nesterov); null for a number
  std::string_view label = {};  ///< how the page labels it, when not by its name ("Nesterov")
  /// Another Keras optimizer not offered here takes the same name (RMSprop's momentum), so a
  /// session that gives it to another optimizer hears "unknown field", not "only sgd takes it".
  bool also_elsewhere_in_keras = false;

  bool is_flag() const { return flag != nullptr; }
};

/// One optimizer: its name, Keras' default learning rate, its hyperparameters in Keras'
/// argument order, its per-parameter state (Keras' slot names) and its update in LaTeX.
struct OptimizerInfo {
  OptimizerKind kind;
  std::string_view name;   ///< sgd, adagrad, rmsprop, adam
  std::string_view title;  ///< how the page names it
  double keras_learning_rate;  ///< Keras 3's default η (sgd 0.01, the others 0.001)
  std::vector<std::string_view> hyperparameters;  ///< names of rows of hyperparameters()
  std::vector<std::string_view> slots;  ///< Keras' slot names: momentum, velocity, accumulator
  std::string_view latex_update;        ///< θ's update in LaTeX, g the gradient
  /// The hyperparameter whose value 0 means the optimizer keeps no state (sgd: momentum, as in
  /// Keras' SGD, which makes its momentum slots only for momentum ≠ 0); empty: always slots.
  std::string_view slots_need = {};
};

/// Every optimizer, in OptimizerKind's order.
const std::vector<OptimizerInfo>& optimizers();
/// The row of `kind`.
const OptimizerInfo& optimizer_info(OptimizerKind kind);
/// Every hyperparameter (learning_rate excepted: every optimizer takes it, greater than 0).
const std::vector<HyperparameterInfo>& hyperparameters();
/// The hyperparameter row called `name` (it must exist).
const HyperparameterInfo& hyperparameter(std::string_view name);

/// Keras 3's defaults for `kind`.
OptimizerConfig default_optimizer(OptimizerKind kind);

/// `sgd`, `adagrad`, `rmsprop`, `adam`.
const std::string& optimizer_name(OptimizerKind kind);

/// The optimizer called `name`; SessionError naming `field` if there is none.
OptimizerKind parse_optimizer_kind(const std::string& name, const std::string& field);

/// Keras' slot names that `config` keeps: the row's slots, none for sgd without momentum.
std::vector<std::string_view> slot_names(const OptimizerConfig& config);

/// Throws SessionError naming `field` + ".<hyperparameter>" when a value is out of range
/// (learning_rate > 0, momentum and rho in [0, 1], beta_1 and beta_2 in [0, 1), epsilon > 0,
/// initial_accumulator_value ≥ 0, all finite).
void validate(const OptimizerConfig& config, const std::string& field = "optimizer");

/// An optimizer with its state (Keras' optimizer variables) for `parameters` numbers. With g the
/// gradient, θ the parameter and t the step (1 for the first update), element by element:
///   sgd      θ ← θ − η·g;  with momentum μ: m ← μ·m − η·g, θ ← θ + m (Nesterov: θ ← θ + μ·m − η·g)
///   adagrad  a ← a + g²,  θ ← θ − η·g / √(a + ε)                       (a₀ = initial_accumulator_value)
///   rmsprop  v ← ρ·v + (1 − ρ)·g²,  θ ← θ − η·g / √(v + ε)              (ε inside the root)
///   adam     m ← m + (g − m)(1 − β₁),  v ← v + (g² − v)(1 − β₂),
///            α_t = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ),  θ ← θ − α_t·m / (√v + ε)    (ε outside, on √v)
/// Adam's ε is Kingma & Ba's "ε hat": it is added to √v, not to the bias-corrected √v̂.
class Optimizer {
 public:
  Optimizer() = default;
  /// Validates `config` (SessionError) and sets the state to Keras' start values.
  Optimizer(const OptimizerConfig& config, Eigen::Index parameters);

  /// One update of `theta` by `gradient` (both `parameters()` long), then iterations += 1.
  void apply(Eigen::Ref<Eigen::VectorXd> theta, const Eigen::Ref<const Eigen::VectorXd>& gradient);
  /// The same in float, for a model trained in float32: the state is then kept in float too
  /// (taken from the double state at the first float update); slot() reads it back as double.
  void apply(Eigen::Ref<Eigen::VectorXf> theta, const Eigen::Ref<const Eigen::VectorXf>& gradient);

  const OptimizerConfig& config() const { return config_; }
  /// The learning rate of the next update (ReduceLROnPlateau changes it).
  double learning_rate() const { return learning_rate_; }
  void set_learning_rate(double learning_rate) { learning_rate_ = learning_rate; }
  /// Updates applied so far (Keras' `optimizer.iterations`).
  long long iterations() const { return iterations_; }
  Eigen::Index parameters() const { return parameters_; }

  /// Keras' names of the per-parameter state: adam {momentum, velocity}, rmsprop {velocity},
  /// adagrad {accumulator}, sgd with momentum {momentum}, plain sgd none.
  const std::vector<std::string>& slot_names() const { return slot_names_; }
  /// The state `slot_names()[i]`, one number per parameter.
  const Eigen::VectorXd& slot(std::size_t i) const;

  /// Back to the start: iterations 0, slots at their start values, the configured learning rate.
  void reset();

 private:
  OptimizerConfig config_;
  Eigen::Index parameters_ = 0;
  double learning_rate_ = 0.001;
  long long iterations_ = 0;
  std::vector<std::string> slot_names_;
  mutable std::vector<Eigen::VectorXd> slots_;  ///< refreshed from slots_f_ when read after a float update
  std::vector<Eigen::VectorXf> slots_f_;         ///< the state of float updates
  mutable bool slots_stale_ = false;
};

}  // namespace nntutor::keras
