#pragma once
/// A fully connected feed-forward network and its forward and backward passes.
#include <Eigen/Dense>
#include <vector>

#include "nntutor/activation.hpp"
#include "nntutor/loss.hpp"

namespace nntutor {

/// One fully connected layer: z = W·a + b, y = f(z).
struct Layer {
  Eigen::MatrixXd W;  ///< units × inputs: row j holds the weights into neuron j
  Eigen::VectorXd b;  ///< one bias per unit
  Activation f;

  int units() const { return static_cast<int>(W.rows()); }
  int inputs() const { return static_cast<int>(W.cols()); }
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
  std::vector<Eigen::MatrixXd> Z;   ///< per layer: units × samples, z = W·a + b
  std::vector<Eigen::MatrixXd> A;   ///< per layer: units × samples, y = f(z)
  std::vector<Eigen::MatrixXd> dW;  ///< per layer: ∂L/∂W, units × inputs
  std::vector<Eigen::VectorXd> db;  ///< per layer: ∂L/∂b
  double loss = 0;                  ///< L, the mean over samples
  Eigen::MatrixXd delta, grad;      ///< scratch: ∂L/∂z and ∂L/∂y of the current layer
};

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
