#pragma once
/// Loss functions beside their gradient with respect to the output ŷ. half_sse and mse are the
/// worked example's own; mae, msle, bce and cross_entropy are nntutor::keras's (model.hpp), so the
/// lecture's table and the Keras-style model compute them with the same formulas.
#include <Eigen/Dense>
#include <optional>
#include <string>
#include <vector>

#include "nntutor/activation.hpp"
#include "nntutor/model.hpp"

namespace nntutor {

/// A loss L of a batch: the mean over its samples of a loss ℓ(ŷ, y) of one sample.
///   half_sse       ℓ = ½Σ_k(ŷ_k − y_k)²                 (the lecture's, summed over outputs)
///   mse            ℓ = (1/K)Σ_k(ŷ_k − y_k)²
///   mae            ℓ = (1/K)Σ_k|ŷ_k − y_k|
///   msle           ℓ = (1/K)Σ_k(log(1 + ŷ_k) − log(1 + y_k))²   (ŷ, y below ε = 1e-7 raised to ε)
///   bce            ℓ = −(1/K)Σ_k[y_k·log p_k + (1 − y_k)·log(1 − p_k)], p = clip(ŷ, ε, 1 − ε)
///   cross_entropy  ℓ = −Σ_i y_i·log ŷ_i   (only after a softmax layer; from the logits)
/// mae, msle, bce and cross_entropy are keras::compute_loss and keras::compute_loss_from_logits.
struct Loss {
  std::string name;  ///< half_sse, mse, mae, msle, bce, cross_entropy
  /// ℓ of one sample and its gradient ∂ℓ/∂ŷ: half_sse and mse; null for the Keras losses.
  double (*value)(const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y) = nullptr;
  void (*gradient)(const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y,
                   Eigen::VectorXd& d_y_hat) = nullptr;
  /// mae, msle, bce, cross_entropy: the nntutor::keras loss that computes it.
  std::optional<keras::LossKind> keras;

  /// Mean over samples of ℓ: L = (1/S) Σ_s ℓ(Ŷ[:,s], Y[:,s]); Ŷ, Y are outputs × samples.
  double mean(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y) const;
  /// ∂L/∂Ŷ of that mean, column by column (so each column carries the factor 1/S).
  void mean_gradient(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y,
                     Eigen::MatrixXd& d_y_hat) const;

  /// True when L and ∂L/∂z of the last layer come from its logits z, as Keras' TensorFlow
  /// backend computes them: bce after a sigmoid, cross_entropy after a softmax. Then
  /// ∂L/∂z_k = (ŷ_k − y_k)/(K·S) (bce) and ∂L/∂z_i = (ŷ_i·Σ_j y_j − y_i)/S (cross_entropy),
  /// without clipping; mean_from_logits gives both.
  bool from_logits(const Activation& last) const;
  /// L from the logits Z (outputs × samples), and ∂L/∂Z into `d_z` if given.
  double mean_from_logits(const Eigen::MatrixXd& z, const Eigen::MatrixXd& y,
                          Eigen::MatrixXd* d_z = nullptr) const;
};

/// The loss called `name`; throws SessionError naming `field` if there is none of that name.
Loss loss_by_name(const std::string& name, const std::string& field = "loss");

/// The names `loss_by_name` accepts: the lecture's half_sse and mse, then Keras' mae, msle, bce
/// and cross_entropy.
const std::vector<std::string>& loss_names();

}  // namespace nntutor
