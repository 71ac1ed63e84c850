#pragma once
/// An activation seen as a curve: f and f′ over a range of z, and the properties the lecture
/// names, computed rather than stated — where it saturates (|f′| below a threshold), whether it
/// is zero-centred, the values it takes. The activation explorer (web/explorer.html) draws this.
#include <vector>

#include "nntutor/activation.hpp"

namespace nntutor {

/// The threshold below which the explorer calls f′ saturated: |f′(z)| < 0.01.
inline constexpr double kSaturationThreshold = 0.01;

/// y = f(z) and f′(z) at one z. Element-wise activations: the row's f and df (f′ in the
/// lecture's form, from y). Softmax, a function of a vector: the first output of softmax((z, 0)),
/// y = e^z/(e^z + e^0) (which is σ(z)), and its slope ∂y₁/∂z₁ from the core's softmax Jacobian.
struct ActivationPoint {
  double z, y, dy;
};
ActivationPoint activation_point(const Activation& f, double z);

/// An interval of z, within the curve's range; `from_edge`/`to_edge` when it reaches the range's
/// end (so it may go on beyond what is shown).
struct ZInterval {
  double from, to;
  bool from_edge, to_edge;
};

/// f and f′ at `points` evenly spaced z from `from` to `to` (both included), and:
struct ActivationCurve {
  std::vector<double> z, y, dy;
  /// Where |f′(z)| < kSaturationThreshold: found on the grid, each end refined by bisection to
  /// 1e-12 (so sigmoid's ends are ±4.5848…, where σ(1 − σ) = 0.01).
  std::vector<ZInterval> saturated;
  double y_min, y_max;    ///< the smallest and largest f on the grid
  double y_at_zero;       ///< f(0)
  /// f(−z) = −f(z) at every grid z (to 1e-12·max(1, |f|)): outputs symmetric about 0, as tanh's.
  bool zero_centred;
  bool negative_outputs;  ///< f(z) < 0 somewhere on the grid
};

/// The curve of `f` over [from, to] at `points` ≥ 2 points (the caller checks the arguments).
ActivationCurve activation_curve(const Activation& f, double from, double to, int points);

/// One affine piece of a maxout unit of one input x: z_p = w·x + b.
struct MaxoutPiece {
  double w, b;
};

/// A maxout unit of one input at x: each piece's z_p, the winner (0-based: the largest z_p, on a
/// tie the first of the largest, maxout_winner()'s rule), y = z_winner and dy/dx = w_winner
/// (∂y/∂w_p = x and ∂y/∂b_p = 1 for the winner, 0 for the others).
struct MaxoutPoint {
  double x, y, dy;
  int winner;
  std::vector<double> z;
};
MaxoutPoint maxout_point(const std::vector<MaxoutPiece>& pieces, double x);

/// The curve of a maxout unit of one input x (y = max_p (w_p x + b_p), dy/dx = w of the winner)
/// with the element-wise curve's properties (z is x here), plus the winner and each piece's line
/// w_p x + b_p at every grid x.
struct MaxoutCurve : ActivationCurve {
  std::vector<int> winner;
  std::vector<std::vector<double>> lines;  ///< lines[p][i] = w_p·x_i + b_p
};
/// `pieces` not empty, `points` ≥ 2 (the caller checks the arguments).
MaxoutCurve maxout_curve(const std::vector<MaxoutPiece>& pieces, double from, double to, int points);

}  // namespace nntutor
