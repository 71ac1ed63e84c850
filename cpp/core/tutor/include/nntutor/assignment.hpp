#pragma once
/// The lecture's Assignment 4, checked on the student's own network (a session): at least 5
/// neurons, ReLU or sigmoid used, the loss falls monotonically over 10 steps at η = 0.1, and
/// some η > 0.1 makes it rise within 10 steps (a sweep, refined by bisection). Each requirement
/// comes with its evidence; docs/assignment.md gives every rule.
#include <optional>
#include <string>
#include <vector>

#include "nntutor/session.hpp"

namespace nntutor {

/// The assignment's numbers.
constexpr int kAssignmentSteps = 10;          ///< steps of every run
constexpr double kAssignmentRate = 0.1;       ///< η of the monotone requirement
constexpr int kAssignmentMinNeurons = 5;      ///< at least this many neurons
/// Log-spaced rates above 0.1 tried in order (1-2-5 per decade) until the loss rises.
const std::vector<double>& assignment_sweep_rates();
/// Bisection (on a log scale) stops when the rising rate is within this factor of the last rate
/// known not to rise: hi / lo ≤ 1 + kAssignmentTolerance.
constexpr double kAssignmentTolerance = 1e-3;
constexpr int kAssignmentMaxBisections = 40;  ///< a safety bound; ~11 are needed from ×2.5

/// One learning rate's 10-step run, reduced to what the report shows.
struct AssignmentRun {
  double learning_rate = 0;
  std::vector<double> losses;     ///< one per computed step (the loss before its update)
  std::optional<int> first_rise;  ///< first step k ≥ 2 whose loss is above step k − 1's
  std::optional<int> first_not_falling;  ///< first step k ≥ 2 with loss ≥ step k − 1's
  std::optional<Divergence> diverged;
  /// The loss rose (or the run diverged) within the steps.
  bool rises() const { return first_rise.has_value() || diverged.has_value(); }
  /// Every step's loss is strictly below the one before, and no divergence.
  bool monotone() const { return !first_not_falling && !diverged; }
};

/// Runs `session` from its start values for `steps` steps of its optimizer at `learning_rate`.
AssignmentRun assignment_run(const Session& session, double learning_rate,
                             int steps = kAssignmentSteps);

/// One requirement's verdict and its evidence (a sentence).
struct Requirement {
  std::string id;  ///< neurons, activation, monotone, rises
  std::string title;
  bool passed = false;
  std::string evidence;
};

/// Everything the check found.
struct AssignmentReport {
  // neurons: units of the hidden and output layers; inputs are not neurons.
  int neurons = 0;
  int inputs = 0;
  std::vector<int> units;  ///< per layer
  // activation: the (1-based) layers using relu or sigmoid, and every layer's activation.
  std::vector<int> relu_sigmoid_layers;
  std::vector<std::string> activations;
  // monotone: the run at η = 0.1.
  AssignmentRun at_rate;
  // rises: the sweep (in order, up to the first rate that rises), the refined result.
  std::vector<AssignmentRun> sweep;
  std::optional<AssignmentRun> smallest_rise;  ///< the smallest rising rate found, its run
  std::optional<double> below;  ///< the largest rate > 0.1 known not to rise under it
  int bisections = 0;
  bool refined = false;  ///< false when η = 0.1 itself rises (no non-rising rate to start from)
  std::string explanation;  ///< why no rate rises, when none does
  std::vector<Requirement> requirements;  ///< neurons, activation, monotone, rises
  bool passed = false;
  std::string summary;
};

/// Checks the four requirements on `session` (its network, data, loss and start weights; its
/// own learning rate and steps are not used; its optimizer is, at each rate tried — plain
/// gradient descent unless the session chose another). Throws SessionError if 10 steps exceed
/// the limits.
AssignmentReport check_assignment(const Session& session);

/// {"requirements": [{"id", "title", "passed", "evidence", …structured fields}], "passed",
/// "summary"}; docs/assignment.md lists the fields of each requirement.
std::string assignment_json(const AssignmentReport& report);

/// A readable report: one block per requirement, then the summary.
std::string assignment_text(const AssignmentReport& report);

}  // namespace nntutor
