#pragma once
/// What the checker's parts share (check_table.cpp, check.cpp, check_slips.cpp,
/// check_report.cpp): where each quantity sits among the table's columns, the row's numbers as
/// matrices, and the words formulas and slips are written with. Not part of check.hpp's API.
#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "nntutor/check.hpp"
#include "nntutor/equations.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace nntutor::check_detail {

/// Reads a student's table whose columns may be `table` (the engine's names, "step" among them),
/// ŷ standing for the column `yhat`: parse_answer's reader for any network's columns (a layered
/// network's, a graph's). Throws SessionError with the line and column.
Answer read_answer(const std::vector<std::string>& table, const std::string& yhat, std::string_view text);

/// A missing number (an empty cell, a value that cannot be computed).
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Beyond this many decimals a double has no more digits to compare.
constexpr int kMaxDecimals = 17;

/// Replaces every `from` in `s` by `to`, left to right.
inline void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
}

/// A number in a sentence: up to 10 significant digits (%.10g).
inline std::string short_number(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

/// A slip's address: (row − 1)·columns + column; −1 for none. Earlier rows come first.
using Origin = std::int64_t;

/// The earlier of two slips (−1, none, loses to any).
inline Origin earlier(Origin a, Origin b) { return a < 0 ? b : b < 0 ? a : std::min(a, b); }

/// Where each quantity of the network sits among the table's columns.
struct Layout {
  /// Per layer: W and dW (units·pieces) × inputs, Z (units·pieces) × samples (row j·k + p in
  /// a maxout layer), Y and Win units × samples (Win: a maxout unit's winning piece; −1 where
  /// the table has no such column).
  std::vector<Eigen::MatrixXi> W, Z, Y, dW, Win;
  std::vector<Eigen::VectorXi> b, db;
  /// sgd with momentum: the velocity m of each weight and bias (Keras' slot "momentum"); empty
  /// without momentum.
  std::vector<Eigen::MatrixXi> mW;
  std::vector<Eigen::VectorXi> mb;
  int L = 0;
};

/// The row's numbers as the student has them (given, else as computed), as matrices.
struct Mats {
  std::vector<Eigen::MatrixXd> W, Z, Y;
  std::vector<Eigen::VectorXd> b;
};

/// The chain rule with one known slip in it (values only).
struct ChainSlip {
  int activation_for_derivative = 0;  ///< layer whose f'(z) is replaced by y = f(z)
  int no_derivative = 0;              ///< layer whose f'(z) is left out
  int no_weights = 0;                 ///< layer whose weights are left out of the chain
  bool z_input = false;               ///< ∂L/∂w = δ·z of the layer below instead of δ·y
  int every_piece = 0;                ///< maxout layer whose ∂L/∂y went to every piece (no 1[won])
  bool operator<(const ChainSlip& o) const {
    return std::tie(activation_for_derivative, no_derivative, no_weights, z_input, every_piece) <
           std::tie(o.activation_for_derivative, o.no_derivative, o.no_weights, o.z_input, o.every_piece);
  }
};

/// The activation's symbol in formulas: σ, tanh, relu, lrelu, elu (the row's).
inline std::string symbol(const Activation& f) { return std::string(f.info().symbol); }

/// The lecture's forms of f'(z) in terms of y = f(z) or z (the row's plain text).
inline std::string derivative_text(const Activation& f, const std::string& y, const std::string& z) {
  const std::string a = short_number(f.alpha);
  return f.info().text_derivative({z, y, a, z, y, a});
}

/// y of layer l (x for l = 0) for unit j, sample s (1-based), as the table names it.
inline std::string y_name(const Network& net, int samples, int l, int j, int s) {
  if (l > 0) return quantity_name(Column::Kind::kY, net, samples, l, j, 0, s);
  return (net.inputs() == 1 ? std::string("x") : "x[" + std::to_string(j) + "]") +
         (samples > 1 ? "@" + std::to_string(s) : "");
}

/// Layer l's symbol for a sentence: y2 where the layer has one unit, else "layer 2's y".
inline std::string layer_symbol(const Network& net, char what, int l) {
  const int units = net.layers[static_cast<std::size_t>(l - 1)].units();
  return units == 1 ? std::string(1, what) + std::to_string(l)
                    : std::string("layer ") + std::to_string(l) + "'s " + what;
}

/// A parameter's formula in row `row`: its start value in row 1, then the update from the row
/// above (w1 (step 3) = w1 (step 2) − η·dL/dw1 (step 2), η = 0.1; with momentum, + m_w1 …).
std::string parameter_formula(const std::string& name, int row, const OptimizerSettings& o);
/// sgd's velocity: m_w1 = μ·m_w1 (the row above; 0 before step 1) − η·dL/dw1, μ = …, η = ….
std::string velocity_formula(const std::string& name, const std::string& parameter, const OptimizerSettings& o);

/// The formula beside a cell in plain text (z2 = w2·y1 + b2; a gradient from the equations
/// module's symbols), kept per column once written (a parameter's names the step).
class Formulas {
 public:
  /// The formulas of `session`'s table `columns`.
  Formulas(const Session& session, const std::vector<Column>& columns);
  /// The formula of column c in row `row` (1-based).
  std::string of(std::size_t c, int row);

 private:
  std::string compute(std::size_t c, int row);

  const Session& s_;
  const Network& net_;
  int samples_, layers_;
  const std::vector<Column>& columns_;
  std::map<std::pair<int, int>, std::vector<Equation>> equations_;  ///< (layer, unit) → ∂L/∂… symbols
  std::map<std::size_t, std::string> cache_;
};

}  // namespace nntutor::check_detail
