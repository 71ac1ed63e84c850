#pragma once
/// The activation explorer (web/explorer.html, `nntutor gradients`): an activation's curve and
/// properties, and the vanishing and exploding gradients of a deep chain — a worked-example
/// session of `depth` hidden layers of `width` units, whose step-1 ∂L/∂W per layer comes from
/// the same trace as the table. JSON in, JSON out for the page; structs for the CLI.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/init.hpp"
#include "nntutor/session.hpp"

namespace nntutor {

/// The deep chain's limits and defaults (the page reads them from explorer_schema_json()).
struct ChainLimits {
  static constexpr int kMinDepth = 2, kMaxDepth = 50, kDefaultDepth = 10;
  static constexpr int kMinWidth = 1, kMaxWidth = 32, kDefaultWidth = 1;
  static constexpr double kMaxScale = 100;  ///< s: greater than 0, at most this
  static constexpr double kDefaultScale = 1;
};

/// A deep chain to build: x → depth hidden layers of width units (activation, α) → one output
/// unit of the same activation, weights by `init` (scale s, seed), biases 0, target y, the
/// lecture's loss ½(ŷ − y)² and gradient descent. depth = 1 would be the lecture's 1-1-1 network.
struct ChainSpec {
  int depth = ChainLimits::kDefaultDepth;
  int width = ChainLimits::kDefaultWidth;
  std::string activation = "sigmoid";
  std::optional<double> alpha;  ///< leaky_relu and elu only; the row's default when absent
  InitKind init = InitKind::kConstant;
  double scale = ChainLimits::kDefaultScale;
  std::uint64_t seed = 1;
  double x = 1, y = 0;  ///< input and target (y = 0: ŷ never equals it, so a gradient flows)
};

/// Reads {"depth", "width", "activation", "alpha", "init", "scale", "seed", "x", "y"} (every
/// field optional, ChainSpec's defaults); SessionError naming `prefix` + the field, the rule and
/// the value: "depth: expected a whole number from 2 to 50, got 60" (the CLI passes "--").
ChainSpec parse_chain(std::string_view json_text, const std::string& prefix = "");

/// The chain as a session (network and data; steps = 1), validated as parse_chain validates.
Session chain_session(const ChainSpec& spec);

/// How one layer's gradient came out: a number, exactly 0, or not finite.
enum class GradientStatus { kFinite, kZero, kInfinite, kNaN };

/// ∂L/∂W of one layer at step 1 and its sizes.
struct LayerGradient {
  int layer = 0;          ///< 1-based, first hidden layer first; the last is the output layer
  int units = 0, inputs = 0;
  double frobenius = 0;   ///< ‖∂L/∂W‖_F = √(Σ_jk (∂L/∂w_jk)²)
  double mean_abs = 0;    ///< (1/(units·inputs))·Σ_jk |∂L/∂w_jk|
  GradientStatus status = GradientStatus::kFinite;
  /// With status kZero: the first layer at or above this one whose f′ is 0 at every unit (dead
  /// ReLUs block the gradient), or 0 when no layer blocks it.
  int blocked_at = 0;
  /// With status kZero and no blocking layer: ∂L/∂ŷ = 0 (ŷ equals the target), so no gradient
  /// starts; when false too, the product underflowed.
  bool at_target = false;
};

/// Step 1's gradients of a session, layer by layer.
struct GradientReport {
  double loss = 0;                       ///< L at step 1 (may be inf)
  std::vector<LayerGradient> layers;
  std::optional<Divergence> diverged;    ///< why the table would stop at step 1, if it would
};

/// ∂L/∂W of step 1 of `session`: the trace of run() (the table's numbers); when step 1 diverges
/// (a number overflows) the same forward and backward pass without the table's stop, so the
/// overflow is shown as inf or NaN rather than hidden.
GradientReport step_gradients(const Session& session);

/// "finite", "zero", "inf", "nan".
std::string_view status_name(GradientStatus status);

/// How a gradient norm reads: "1.234567e-05", "0 (underflow)", "0 (f′ = 0 at every unit of
/// layer 3)", "0 (ŷ equals the target: ∂L/∂ŷ = 0)",
/// "inf (overflow)", "NaN (undefined)".
std::string gradient_text(double value, const LayerGradient& g);

/// {"layers": [{"layer", "units", "inputs", "frobenius", "mean_abs", "log10_frobenius",
/// "log10_mean_abs", "status", "text", "mean_text"}], "loss", "diverged"}; a norm that is 0 or
/// not finite is null with its status and text.
std::string gradients_json(const GradientReport& report);

/// The page's deep chain: parse_chain(request), the report of the chosen activation and, at the
/// same settings, of sigmoid and ReLU (the lecture's pair) as "comparison", and the sentences
/// that read the numbers ("explanation", "slip"). docs/engine-api.md, "Explorer".
std::string chain_gradients_json(std::string_view request);

/// An activation's curve (activation_curve.hpp) from {"activation", "alpha", "from", "to",
/// "points", "at"}: z, f, f′, the saturated intervals, zero-centredness, the output range as
/// text, the row's formulas and, at z = "at", the point with the lecture's f′ substituted.
std::string activation_curve_json(std::string_view request);

/// What the explorer page offers: the activation rows (each with "chain": may it be a hidden
/// layer), the initialiser rows, the chain's and the curve's limits and defaults, the
/// saturation threshold and the lecture's slip.
std::string explorer_schema_json();

}  // namespace nntutor
