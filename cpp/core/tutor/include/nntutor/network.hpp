#pragma once
/// A fully connected feed-forward network and its forward and backward passes.
#include <Eigen/Dense>
#include <vector>

#include "nntutor/activation.hpp"
#include "nntutor/loss.hpp"

namespace nntutor {

/// One fully connected layer: z = W·a + b, y = f(z). A maxout layer (f.pieces = k > 1) has k
/// affine pieces per unit: z_{j,p} = W_{j,p}·a + b_{j,p}, y_j = max_p z_{j,p}; W and b then hold
/// units·k rows, row j·k + p for piece p of unit j (0-based), as the Keras model's maxout layer.
struct Layer {
  Eigen::MatrixXd W;  ///< (units·pieces) × inputs: row j holds the weights into neuron j
  Eigen::VectorXd b;  ///< one bias per unit (and piece)
  Activation f;

  int pieces() const { return f.pieces; }
  int units() const { return static_cast<int>(W.rows()) / f.pieces; }
  int inputs() const { return static_cast<int>(W.cols()); }
  /// The row of W, b and z of piece p (1-based; 0 for an element-wise layer) of unit j (1-based).
  int row(int j, int p = 0) const { return (j - 1) * f.pieces + (p > 0 ? p - 1 : 0); }
};

/// Layers from first to last; the worked example is two layers of one sigmoid unit each.
struct Network {
  std::vector<Layer> layers;

  int inputs() const { return layers.empty() ? 0 : layers.front().inputs(); }
  int outputs() const { return layers.empty() ? 0 : layers.back().units(); }
  /// Number of weights and biases.
  long parameters() const;
};

/// Training data, one column per sample: X is features × samples, Y is outputs × samples.
struct Batch {
  Eigen::MatrixXd X;
  Eigen::MatrixXd Y;
  int samples() const { return static_cast<int>(X.cols()); }
};

/// Everything one forward and backward pass computes, kept between steps to avoid allocation.
struct Pass {
  std::vector<Eigen::MatrixXd> Z;   ///< per layer: (units·pieces) × samples, z = W·a + b
  std::vector<Eigen::MatrixXd> A;   ///< per layer: units × samples, y = f(z)
  std::vector<Eigen::MatrixXd> dW;  ///< per layer: ∂L/∂W, units × inputs
  std::vector<Eigen::VectorXd> db;  ///< per layer: ∂L/∂b
  double loss = 0;                  ///< L, the mean over samples
  Eigen::MatrixXd delta, grad;      ///< scratch: ∂L/∂z and ∂L/∂y of the current layer
};

// ---------------------------------------------------------------------------------------------
// One layer's steps. forward() and backward() are made of these; the checker (check.cpp) runs
// the same steps on its own number type, which carries each value's rounding radius and slip
// (check_rounded.hpp): the templates below call the operations by name, and overloads for that
// type compute the values with these double ones.

/// C = A·B (Eigen's GEMM on doubles).
inline void multiply(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B, Eigen::MatrixXd& C) {
  C.resize(A.rows(), B.cols());
  C.noalias() = A * B;
}
/// C = Aᵀ·B.
inline void multiply_at(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B, Eigen::MatrixXd& C) {
  C.resize(A.cols(), B.cols());
  C.noalias() = A.transpose() * B;
}
/// C = A·Bᵀ.
inline void multiply_bt(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B, Eigen::MatrixXd& C) {
  C.resize(A.rows(), B.rows());
  C.noalias() = A * B.transpose();
}
/// Z[:, s] += b for every column s.
inline void add_to_columns(Eigen::MatrixXd& Z, const Eigen::VectorXd& b) { Z.colwise() += b; }
/// s_j = Σ_k D[j, k].
inline void row_sums(const Eigen::MatrixXd& D, Eigen::VectorXd& s) { s = D.rowwise().sum(); }

/// y = f(z), element by element (not softmax, which is per sample: softmax()); maxout:
/// y_j = max_p z_{j,p}, the rows of Z taken f.pieces at a time.
inline void activate(const Activation& f, const Eigen::MatrixXd& Z, Eigen::MatrixXd& Y) {
  if (f.is_piecewise()) {
    Y.resize(Z.rows() / f.pieces, Z.cols());
    maxout(Z, f.pieces, Y);
    return;
  }
  Y = Z.unaryExpr([&](double v) { return f(v); });
}

/// δ = ∂L/∂y ⊙ f'(z) with the derivative given as df(z, y): the chain rule through an
/// activation (the checker passes a wrong df to reproduce a slip).
template <class Derivative>
void delta_with(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y,
                Derivative&& df, Eigen::MatrixXd& D) {
  D.resize(Z.rows(), Z.cols());
  for (Eigen::Index s = 0; s < Z.cols(); ++s)
    for (Eigen::Index j = 0; j < Z.rows(); ++j) D(j, s) = dY(j, s) * df(Z(j, s), Y(j, s));
}
/// δ = ∂L/∂y ⊙ f'(z), f'(z) in the lecture's form f.derivative(z, y), e.g. (1 − y)y for σ;
/// maxout: δ_{j,p} = ∂L/∂y_j for the winning piece of unit j, 0 for the others.
inline void delta(const Activation& f, const Eigen::MatrixXd& dY, const Eigen::MatrixXd& Z,
                  const Eigen::MatrixXd& Y, Eigen::MatrixXd& D) {
  if (f.is_piecewise()) {
    D.resize(Z.rows(), Z.cols());
    maxout_backward(Z, f.pieces, dY, D);
    return;
  }
  delta_with(dY, Z, Y, [&f](double z, double y) { return f.derivative(z, y); }, D);
}

/// z = W·a + b, one column per sample, for any number type with multiply and add_to_columns.
template <class Matrix, class Vector>
void affine(const Matrix& W, const Vector& b, const Matrix& A, Matrix& Z) {
  multiply(W, A, Z);
  add_to_columns(Z, b);
}
/// ∂L/∂W = δ·aᵀ and ∂L/∂b = Σ_s δ[:, s].
template <class Matrix, class Vector>
void gradients(const Matrix& D, const Matrix& A, Matrix& dW, Vector& db) {
  multiply_bt(D, A, dW);
  row_sums(D, db);
}
/// ∂L/∂a = Wᵀ·δ: what the layer below receives as its ∂L/∂y.
template <class Matrix>
void backprop(const Matrix& W, const Matrix& D, Matrix& dA) {
  multiply_at(W, D, dA);
}

/// Forward pass: Z_l = W_l·A_{l−1} + b_l, A_l = f_l(Z_l) with A_0 = X; then L = loss(A_last, Y)
/// (from the logits Z_last when loss.from_logits: bce after sigmoid, cross_entropy after softmax).
void forward(const Network& net, const Batch& batch, const Loss& loss, Pass& pass);

/// L of the outputs in `pass` (after `forward`) against the targets Y: loss.mean(A_last, Y), or
/// from the logits Z_last when loss.from_logits.
double loss_of(const Network& net, const Loss& loss, const Pass& pass, const Eigen::MatrixXd& Y);

/// Backward pass by the chain rule, after `forward` on the same arguments:
/// δ_last = ∂L/∂ŷ ⊙ f'(z) (from the logits: δ_last = ∂L/∂z directly, e.g. (ŷ − y)/S for
/// softmax with cross_entropy); δ_{l−1} = (W_lᵀ·δ_l) ⊙ f'(z_{l−1}); ∂L/∂W_l = δ_l·A_{l−1}ᵀ;
/// ∂L/∂b_l = Σ_s δ_l[:, s].
void backward(const Network& net, const Batch& batch, const Loss& loss, Pass& pass);

}  // namespace nntutor
