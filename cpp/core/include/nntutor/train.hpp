#pragma once
/// Gradient descent, step by step, with the trace the lecture's table shows.
#include <optional>
#include <string>
#include <vector>

#include "nntutor/network.hpp"

namespace nntutor {

/// Plain gradient descent: w ← w − η·∂L/∂w, b ← b − η·∂L/∂b.
struct Sgd {
  double learning_rate = 0.1;  ///< η
};

/// One layer's numbers in one step: parameters before the update, z and y per sample, gradients.
struct LayerTrace {
  Eigen::MatrixXd W, dW;  ///< units × inputs
  Eigen::VectorXd b, db;  ///< units
  Eigen::MatrixXd z, y;   ///< units × samples
};

/// Everything the per-step table shows for one step (parameters before the update).
struct StepTrace {
  int step = 0;  ///< 1-based, as in the lecture's table
  double loss = 0;
  std::vector<LayerTrace> layers;
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

/// Forward, backward and one update of `net`; returns the trace of this step (numbered `step`).
/// Throws nothing; if a value is not finite, returns the Divergence instead and leaves `net`
/// as it was.
std::optional<Divergence> train_step(Network& net, const Batch& batch, const Loss& loss,
                                     const Sgd& opt, int step, Pass& pass, StepTrace* trace);

/// Runs `steps` steps of gradient descent from `net` (which is left untouched) and records each.
Trace run(Network net, const Batch& batch, const Loss& loss, const Sgd& opt, int steps);

/// Runs `steps` steps without recording (for benchmarks); returns the loss of the last step,
/// or NaN if the run diverged.
double train_silently(Network& net, const Batch& batch, const Loss& loss, const Sgd& opt,
                      int steps);

}  // namespace nntutor
