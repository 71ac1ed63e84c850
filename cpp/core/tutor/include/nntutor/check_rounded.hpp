#pragma once
/// The checker's number type: a value computed from the student's own (rounded) numbers, how far
/// rounding those numbers can move it (its radius, to first order), and the earliest slip it
/// inherits (its origin). Matrices of them keep three planes so that the values go through the
/// engine's own double steps (network.hpp: multiply, activate, delta, … on Eigen's GEMM) and
/// come out bit for bit as the engine's arithmetic gives them; each overload below adds the
/// radius and the origin beside the value.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "nntutor/check_detail.hpp"
#include "nntutor/loss.hpp"
#include "nntutor/network.hpp"

namespace nntutor::check_detail {

/// Slip origins of a matrix of numbers.
using Origins = Eigen::Matrix<Origin, Eigen::Dynamic, Eigen::Dynamic>;

/// One number: value ± radius, inheriting the slip `origin` (−1 for none).
struct Rounded {
  double value = 0, radius = 0;
  Origin origin = -1;
};

/// A matrix of Rounded as three planes (a vector is one column).
struct RoundedMatrix {
  Eigen::MatrixXd value, radius;
  Origins origin;

  /// A rows × cols matrix (values unset).
  void resize(Eigen::Index rows, Eigen::Index cols) {
    value.resize(rows, cols);
    radius.resize(rows, cols);
    origin.resize(rows, cols);
  }
  /// Exact numbers with no slip: `v` ± 0.
  static RoundedMatrix exact(const Eigen::MatrixXd& v) {
    return {v, Eigen::MatrixXd::Zero(v.rows(), v.cols()), Origins::Constant(v.rows(), v.cols(), -1)};
  }
  Eigen::Index rows() const { return value.rows(); }
  Eigen::Index cols() const { return value.cols(); }
  /// The number at (i, j).
  Rounded operator()(Eigen::Index i, Eigen::Index j) const { return {value(i, j), radius(i, j), origin(i, j)}; }
};

/// The earliest slip among a·b's (or a + b's) inputs, for every (i, j) of a product A·B:
/// earlier over k of (A(i, k), B(k, j)).
inline Origins product_origins(const Origins& A, const Origins& B) {
  Origins out(A.rows(), B.cols());
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < B.cols(); ++j) {
      Origin o = -1;
      for (Eigen::Index k = 0; k < A.cols(); ++k) o = earlier(o, earlier(A(i, k), B(k, j)));
      out(i, j) = o;
    }
  return out;
}

/// C = A·B; radius |A|·r_B + r_A·|B| + r_A·r_B (a product's first-order bound, plus the
/// second-order term).
inline void multiply(const RoundedMatrix& A, const RoundedMatrix& B, RoundedMatrix& C) {
  nntutor::multiply(A.value, B.value, C.value);
  C.radius = A.value.cwiseAbs() * B.radius + A.radius * B.value.cwiseAbs() + A.radius * B.radius;
  C.origin = product_origins(A.origin, B.origin);
}
/// C = Aᵀ·B, the radius as for multiply.
inline void multiply_at(const RoundedMatrix& A, const RoundedMatrix& B, RoundedMatrix& C) {
  nntutor::multiply_at(A.value, B.value, C.value);
  C.radius = A.value.cwiseAbs().transpose() * B.radius + A.radius.transpose() * B.value.cwiseAbs() +
             A.radius.transpose() * B.radius;
  C.origin = product_origins(A.origin.transpose(), B.origin);
}
/// C = A·Bᵀ, the radius as for multiply.
inline void multiply_bt(const RoundedMatrix& A, const RoundedMatrix& B, RoundedMatrix& C) {
  nntutor::multiply_bt(A.value, B.value, C.value);
  C.radius = A.value.cwiseAbs() * B.radius.transpose() + A.radius * B.value.cwiseAbs().transpose() +
             A.radius * B.radius.transpose();
  C.origin = product_origins(A.origin, B.origin.transpose());
}
/// Z[:, s] += b; radii add.
inline void add_to_columns(RoundedMatrix& Z, const RoundedMatrix& b) {
  nntutor::add_to_columns(Z.value, Eigen::VectorXd(b.value.col(0)));
  Z.radius.colwise() += b.radius.col(0);
  for (Eigen::Index i = 0; i < Z.rows(); ++i)
    for (Eigen::Index j = 0; j < Z.cols(); ++j) Z.origin(i, j) = earlier(b.origin(i, 0), Z.origin(i, j));
}
/// s_j = Σ_k D[j, k]; radii add.
inline void row_sums(const RoundedMatrix& D, RoundedMatrix& s) {
  Eigen::VectorXd v;
  nntutor::row_sums(D.value, v);
  s.value = v;
  s.radius = D.radius.rowwise().sum();
  s.origin.resize(D.rows(), 1);
  for (Eigen::Index j = 0; j < D.rows(); ++j) {
    Origin o = -1;
    for (Eigen::Index k = 0; k < D.cols(); ++k) o = earlier(o, D.origin(j, k));
    s.origin(j, 0) = o;
  }
}

/// y = f(z); radius max |f(z ± r) − y| (f is monotone, so this bounds f on [z − r, z + r]).
/// Maxout: y_j = max_p z_{j,p}; radius max_p r_{j,p} (max moves by at most its inputs' largest
/// change); the earliest slip among the pieces.
inline void activate(const Activation& f, const RoundedMatrix& Z, RoundedMatrix& Y) {
  nntutor::activate(f, Z.value, Y.value);
  if (f.is_piecewise()) {
    const int k = f.pieces;
    Y.radius.resize(Y.value.rows(), Z.cols());
    Y.origin.resize(Y.value.rows(), Z.cols());
    for (Eigen::Index j = 0; j < Y.value.rows(); ++j)
      for (Eigen::Index s = 0; s < Z.cols(); ++s) {
        double r = 0;
        Origin o = -1;
        for (int p = 0; p < k; ++p) r = std::max(r, Z.radius(j * k + p, s)), o = earlier(o, Z.origin(j * k + p, s));
        Y.radius(j, s) = r;
        Y.origin(j, s) = o;
      }
    return;
  }
  Y.radius.resize(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.rows(); ++i)
    for (Eigen::Index j = 0; j < Z.cols(); ++j) {
      const double z = Z.value(i, j), r = Z.radius(i, j), y = Y.value(i, j);
      Y.radius(i, j) = std::max(std::fabs(f(z + r) - y), std::fabs(f(z - r) - y));
    }
  Y.origin = Z.origin;
}

/// f'(z, y) reads y for σ and tanh (σ' = σ(1 − σ)), z for ReLU and the rest, both for swish,
/// nothing for linear: the activation's row says.
inline bool derivative_reads_y(const Activation& f) { return f.info().derivative_reads_y; }
/// See derivative_reads_y.
inline bool derivative_reads_z(const Activation& f) { return f.info().derivative_reads_z; }

/// δ = ∂L/∂y ⊙ f'(z, y); f' moves by at most the largest change of f'(z ± r_z, y) and
/// f'(z, y ± r_y), and the radius of the product is as for multiply.
/// Maxout: δ_{j,p} = ∂L/∂y_j for the winning piece (the first of the largest z), else 0. Ties
/// within rounding: a piece whose z is within the two radii of the winner's could have won had
/// the numbers not been rounded, so its δ may be 0 or ∂L/∂y_j — its radius covers both
/// (|∂L/∂y_j| + its radius), as does the winner's.
inline void delta(const Activation& f, const RoundedMatrix& dY, const RoundedMatrix& Z,
                  const RoundedMatrix& Y, RoundedMatrix& D) {
  nntutor::delta(f, dY.value, Z.value, Y.value, D.value);
  if (f.is_piecewise()) {
    const int k = f.pieces;
    D.radius.resize(Z.rows(), Z.cols());
    D.origin.resize(Z.rows(), Z.cols());
    for (Eigen::Index j = 0; j < dY.rows(); ++j)
      for (Eigen::Index s = 0; s < Z.cols(); ++s) {
        const Eigen::Index first = j * k;
        const int win = maxout_winner(&Z.value(first, s), k);
        bool open = false;  // another piece within rounding of the winner
        for (int p = 0; p < k; ++p)
          if (p != win && Z.value(first + win, s) - Z.value(first + p, s) <=
                              Z.radius(first + win, s) + Z.radius(first + p, s))
            open = true;
        Origin oz = -1;
        for (int p = 0; p < k; ++p) oz = earlier(oz, Z.origin(first + p, s));
        for (int p = 0; p < k; ++p) {
          const bool near = open && (p == win || Z.value(first + win, s) - Z.value(first + p, s) <=
                                                     Z.radius(first + win, s) + Z.radius(first + p, s));
          D.radius(first + p, s) = near ? std::fabs(dY.value(j, s)) + dY.radius(j, s)
                                  : p == win ? dY.radius(j, s) : 0.0;
          D.origin(first + p, s) = p == win || near ? earlier(dY.origin(j, s), oz) : oz;
        }
      }
    return;
  }
  Eigen::MatrixXd F(Z.rows(), Z.cols()), rF(Z.rows(), Z.cols());
  D.origin.resize(Z.rows(), Z.cols());
  for (Eigen::Index j = 0; j < Z.rows(); ++j)
    for (Eigen::Index s = 0; s < Z.cols(); ++s) {
      const double z = Z.value(j, s), y = Y.value(j, s), rz = Z.radius(j, s), ry = Y.radius(j, s);
      const double d = f.derivative(z, y);  // the lecture's f'(z), e.g. (1 − y)y
      F(j, s) = d;
      rF(j, s) = std::max({std::fabs(f.derivative(z + rz, y) - d), std::fabs(f.derivative(z - rz, y) - d),
                           std::fabs(f.derivative(z, y + ry) - d), std::fabs(f.derivative(z, y - ry) - d)});
      const Origin oF = earlier(derivative_reads_z(f) ? Z.origin(j, s) : -1,
                                derivative_reads_y(f) ? Y.origin(j, s) : -1);
      D.origin(j, s) = earlier(dY.origin(j, s), oF);
    }
  D.radius = dY.value.cwiseAbs().cwiseProduct(rF) + dY.radius.cwiseProduct(F.cwiseAbs()) +
             dY.radius.cwiseProduct(rF);
}

/// L = loss.mean(Ŷ, Y); radius Σ |∂L/∂ŷ|·r + Σ r² (the loss is at most quadratic in ŷ).
inline Rounded mean_loss(const Loss& loss, const RoundedMatrix& Yhat, const Eigen::MatrixXd& Y) {
  Eigen::MatrixXd G;
  loss.mean_gradient(Yhat.value, Y, G);
  Origin o = -1;
  for (Eigen::Index i = 0; i < Yhat.origin.size(); ++i) o = earlier(o, Yhat.origin(i));
  return {loss.mean(Yhat.value, Y), G.cwiseAbs().cwiseProduct(Yhat.radius).sum() + Yhat.radius.squaredNorm(), o};
}

/// ∂L/∂ŷ = loss.mean_gradient(Ŷ, Y); radius max |∂L/∂ŷ(ŷ ± r) − ∂L/∂ŷ(ŷ)|.
inline void mean_loss_gradient(const Loss& loss, const RoundedMatrix& Yhat, const Eigen::MatrixXd& Y,
                               RoundedMatrix& G) {
  Eigen::MatrixXd Gp, Gm;
  loss.mean_gradient(Yhat.value, Y, G.value);
  loss.mean_gradient(Yhat.value + Yhat.radius, Y, Gp);
  loss.mean_gradient(Yhat.value - Yhat.radius, Y, Gm);
  G.radius = (Gp - G.value).cwiseAbs().cwiseMax((Gm - G.value).cwiseAbs());
  G.origin = Yhat.origin;
}

}  // namespace nntutor::check_detail
