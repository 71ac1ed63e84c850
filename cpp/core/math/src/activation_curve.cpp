#include "nntutor/activation_curve.hpp"

#include <algorithm>
#include <cmath>

namespace nntutor {

ActivationPoint activation_point(const Activation& f, double z) {
  if (!f.is_softmax()) {
    const double y = f(z);
    return {z, y, f.derivative(z, y)};
  }
  // softmax is a vector function: take the vector (z, 0) and follow its first output.
  Eigen::MatrixXd Z(2, 1), Y(2, 1), dY(2, 1), dZ(2, 1);
  Z << z, 0;
  softmax(Z, Y);
  dY << 1, 0;  // ∂y₁/∂z₁ = (Jᵀ·e₁)₁, the Jacobian's diagonal entry y₁(1 − y₁)
  activate_backward(ActivationKind::kSoftmax, 0, Z, Y, dY, dZ);
  return {z, Y(0, 0), dZ(0, 0)};
}

MaxoutPoint maxout_point(const std::vector<MaxoutPiece>& pieces, double x) {
  MaxoutPoint p{x, 0, 0, 0, {}};
  p.z.reserve(pieces.size());
  for (const auto& piece : pieces) p.z.push_back(piece.w * x + piece.b);
  p.winner = maxout_winner(p.z.data(), static_cast<int>(p.z.size()));
  p.y = p.z[p.winner];
  p.dy = pieces[p.winner].w;
  return p;
}

namespace {

template <class F>
bool saturated_at(const F& f, double z) {
  return std::fabs(activation_point(f, z).dy) < kSaturationThreshold;
}

/// The z between a and b where saturated_at changes (it differs at a and at b), by bisection.
template <class F>
double boundary(const F& f, double a, double b) {
  const bool at_a = saturated_at(f, a);
  for (int i = 0; i < 200 && std::fabs(b - a) > 1e-12 * std::max(1.0, std::fabs(a)); ++i) {
    const double m = a + (b - a) / 2;
    if (m == a || m == b) break;
    (saturated_at(f, m) == at_a ? a : b) = m;
  }
  return a + (b - a) / 2;
}

/// A maxout unit as a function of x, for the template below.
struct MaxoutOfX {
  const std::vector<MaxoutPiece>& pieces;
};
ActivationPoint activation_point(const MaxoutOfX& f, double x) {
  const MaxoutPoint p = maxout_point(f.pieces, x);
  return {x, p.y, p.dy};
}

/// f and f′ on the grid and the properties, for an Activation or a MaxoutOfX.
template <class F>
void fill_curve(const F& f, double from, double to, int points, ActivationCurve& c) {
  c.z.resize(points);
  c.y.resize(points);
  c.dy.resize(points);
  std::vector<bool> sat(points);
  c.zero_centred = true;
  c.negative_outputs = false;
  for (int i = 0; i < points; ++i) {
    // The ends exactly, the points between evenly.
    const double z = i == points - 1 ? to : from + (to - from) * i / (points - 1);
    const ActivationPoint p = activation_point(f, z);
    c.z[i] = z;
    c.y[i] = p.y;
    c.dy[i] = p.dy;
    sat[i] = std::fabs(p.dy) < kSaturationThreshold;
    const double mirrored = activation_point(f, -z).y;
    if (std::fabs(p.y + mirrored) > 1e-12 * std::max(1.0, std::fabs(p.y))) c.zero_centred = false;
    if (p.y < 0) c.negative_outputs = true;
  }
  c.y_min = *std::min_element(c.y.begin(), c.y.end());
  c.y_max = *std::max_element(c.y.begin(), c.y.end());
  c.y_at_zero = activation_point(f, 0).y;
  for (int i = 0; i < points;) {
    if (!sat[i]) {
      ++i;
      continue;
    }
    int j = i;
    while (j + 1 < points && sat[j + 1]) ++j;
    ZInterval s{c.z[i], c.z[j], i == 0, j == points - 1};
    if (i > 0) s.from = boundary(f, c.z[i - 1], c.z[i]);
    if (j < points - 1) s.to = boundary(f, c.z[j], c.z[j + 1]);
    c.saturated.push_back(s);
    i = j + 1;
  }
}

}  // namespace

ActivationCurve activation_curve(const Activation& f, double from, double to, int points) {
  ActivationCurve c;
  fill_curve(f, from, to, points, c);
  return c;
}

MaxoutCurve maxout_curve(const std::vector<MaxoutPiece>& pieces, double from, double to, int points) {
  MaxoutCurve c;
  fill_curve(MaxoutOfX{pieces}, from, to, points, c);
  c.winner.resize(points);
  c.lines.assign(pieces.size(), std::vector<double>(points));
  for (int i = 0; i < points; ++i) {
    const MaxoutPoint p = maxout_point(pieces, c.z[i]);
    c.winner[i] = p.winner;
    for (std::size_t q = 0; q < pieces.size(); ++q) c.lines[q][i] = p.z[q];
  }
  return c;
}

}  // namespace nntutor
