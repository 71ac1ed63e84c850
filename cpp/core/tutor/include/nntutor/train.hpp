#pragma once
/// Training step by step, with the trace the lecture's table shows: plain gradient descent as on
/// the slides, or Keras' sgd (on mini-batches), adagrad, rmsprop and adam, whose update formulas
/// are keras::Optimizer's (optimizer.hpp).
#include <cstdint>
#include <random>
#include <optional>
#include <string>
#include <vector>

#include "nntutor/network.hpp"
#include "nntutor/optimizer.hpp"

namespace nntutor {

/// A session's optimizer: which update, its hyperparameters (Keras 3's defaults) and the samples
/// each step uses. The default is the lecture's plain gradient descent, w ← w − η·∂L/∂w with
/// η = 0.1 on every sample, so `Sgd{0.5}` is gradient descent at η = 0.5. With g the gradient
/// of the step's batch and t the step (keras::Optimizer, element by element):
///   sgd      θ ← θ − η·g;  with momentum μ > 0 (Keras 3): m ← μ·m − η·g, θ ← θ + m,
///            Nesterov: m ← μ·m − η·g, θ ← θ + μ·m − η·g                       (m₀ = 0)
///   adagrad  a ← a + g²,  θ ← θ − η·g/√(a + ε)                      (a₀ = initial_accumulator_value)
///   rmsprop  v ← ρ·v + (1 − ρ)·g²,  θ ← θ − η·g/√(v + ε)
///   adam     m ← m + (1 − β₁)(g − m),  v ← v + (1 − β₂)(g² − v),
///            θ ← θ − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε)
struct OptimizerSettings {
  double learning_rate = 0.1;  ///< η (the lecture's 0.1; Keras' default is 0.01 for sgd)
  keras::OptimizerKind kind = keras::OptimizerKind::kSgd;
  double momentum = 0;                     ///< sgd: μ (0: the lecture's gradient descent, no state)
  bool nesterov = false;                   ///< sgd: Nesterov momentum
  double rho = 0.9;                        ///< rmsprop: ρ
  double beta_1 = 0.9;                     ///< adam: β₁
  double beta_2 = 0.999;                   ///< adam: β₂
  double epsilon = 1e-7;                   ///< adagrad, rmsprop, adam: ε
  double initial_accumulator_value = 0.1;  ///< adagrad: a₀
  /// Samples per step, in a shuffled order (a new Fisher–Yates permutation from shuffle_seed
  /// each epoch, as keras::fit); 0, or at least the number of samples, = every sample each step.
  int batch_size = 0;
  std::uint64_t shuffle_seed = 1;

  /// The same as keras::OptimizerConfig (whose validate() and Optimizer this reuses).
  keras::OptimizerConfig keras_config() const;
  /// Takes kind, learning rate and hyperparameters from `config` (the inverse of keras_config).
  void set_config(const keras::OptimizerConfig& config);
  /// True when a step uses fewer than all `samples`.
  bool mini_batch(int samples) const { return batch_size > 0 && batch_size < samples; }
  /// True for the lecture's gradient descent: sgd without momentum on every sample.
  bool plain_gradient_descent(int samples) const {
    return kind == keras::OptimizerKind::kSgd && momentum == 0 && !mini_batch(samples);
  }
  /// The optimizer's state per parameter as the table names it: the first letter of each of
  /// Keras' slot names — adam m (momentum) and v (velocity), rmsprop v, adagrad a
  /// (accumulator), sgd with momentum m (Keras' slot "momentum": the velocity), plain sgd none.
  std::vector<std::string> slots() const;
};

/// Plain gradient descent at η: `Sgd{eta}`.
using Sgd = OptimizerSettings;

/// One layer's numbers in one step: parameters before the update, z and y per sample, gradients,
/// and the optimizer's state after the update.
struct LayerTrace {
  Eigen::MatrixXd W, dW;  ///< units × inputs
  Eigen::VectorXd b, db;  ///< units
  Eigen::MatrixXd z, y;   ///< units × samples (every sample, at the parameters before the update)
  /// The optimizer's state after this step's update, one per OptimizerSettings::slots() letter:
  /// units × inputs for the weights, units for the biases. Empty for sgd.
  std::vector<Eigen::MatrixXd> state_W;
  std::vector<Eigen::VectorXd> state_b;
};

/// Everything the per-step table shows for one step (parameters before the update).
struct StepTrace {
  int step = 0;  ///< 1-based, as in the lecture's table
  double loss = 0;  ///< L of the step's batch (every sample unless mini-batches)
  std::vector<LayerTrace> layers;
  /// With mini-batches: the 1-based samples this step used, in the order used; empty when the
  /// step used every sample.
  std::vector<int> batch;
};

/// Where and why a run stopped because a number overflowed or became undefined.
struct Divergence {
  int at = 0;          ///< the step whose row could not be computed
  std::string reason;  ///< e.g. "z1 overflowed to +inf"
};

/// A run: the rows that could be computed, and the divergence if the run stopped early.
struct Trace {
  std::vector<StepTrace> steps;
  std::optional<Divergence> diverged;
};

/// What carries from one step to the next besides the weights: the optimizer's state (Keras'
/// slots and iteration count) and, with mini-batches, this epoch's order of the samples.
class OptimizerState {
 public:
  /// The state before the first step of `settings` on `net` with `samples` samples.
  OptimizerState(const OptimizerSettings& settings, const Network& net, int samples);

  const OptimizerSettings& settings() const { return settings_; }
  /// 0-based samples of the next step's batch (every sample, in order, without mini-batches);
  /// advances to the batch after it, with a new permutation at the start of each epoch.
  const std::vector<int>& next_batch();

 private:
  friend std::optional<Divergence> train_step(Network&, const Batch&, const Loss&,
                                              OptimizerState&, int, Pass&, StepTrace*);
  OptimizerSettings settings_;
  keras::Optimizer optimizer_;            ///< Keras' update and slots, over all parameters
  Eigen::VectorXd theta_, gradient_;      ///< every W (column-major) then b, layer by layer
  std::vector<Eigen::Index> order_;       ///< this epoch's order of the samples
  std::size_t position_ = 0;              ///< where the next batch starts in order_
  std::mt19937_64 engine_;                ///< the shuffling, seeded with shuffle_seed
  std::vector<int> batch_;                ///< the current batch (0-based samples)
  Batch data_;                            ///< the current batch's X and Y (mini-batches)
  Pass pass_;                             ///< the batch's pass (mini-batches)
  std::vector<std::string> slots_;        ///< settings_.slots()
};

/// Forward, backward and one update of `net` on the next batch of `data`; returns the trace of
/// this step (numbered `step`); afterwards pass.loss is the step's loss (that of its batch). Throws nothing; if a value is not finite, returns the Divergence
/// instead and leaves `net` as it was (the optimizer's state is then spent).
std::optional<Divergence> train_step(Network& net, const Batch& data, const Loss& loss,
                                     OptimizerState& state, int step, Pass& pass,
                                     StepTrace* trace);

/// The same with a state made afresh for this one step: for plain gradient descent, which keeps
/// no state (any other optimizer would start from its initial state at every call).
std::optional<Divergence> train_step(Network& net, const Batch& batch, const Loss& loss,
                                     const OptimizerSettings& opt, int step, Pass& pass,
                                     StepTrace* trace);

/// Runs `steps` steps of `opt` from `net` (which is left untouched) and records each.
Trace run(Network net, const Batch& batch, const Loss& loss, const OptimizerSettings& opt,
          int steps);

/// The recorded step `step` (1-based) of `trace`. Throws SessionError "step: …" if it was not
/// computed, naming the divergence when the run stopped at or before it.
const StepTrace& recorded_step(const Trace& trace, long long step);

/// Runs `steps` steps without recording (for benchmarks), the optimizer's state starting
/// afresh; returns the loss of the last step, or NaN if the run diverged.
double train_silently(Network& net, const Batch& batch, const Loss& loss,
                      const OptimizerSettings& opt, int steps);

}  // namespace nntutor
