#pragma once
/// Loss functions: one descriptor row each (losses()) with the formula beside its gradient, its
/// LaTeX and plain-text forms, the targets it accepts, which output activation it is taken from
/// the logits of, and whether Keras has it. The worked-example network and the Keras-style model
/// compute every loss with the same code (compute_loss, compute_loss_from_logits).
#include <Eigen/Dense>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/activation.hpp"

namespace nntutor {

/// The losses: the lecture's half_sse, then Keras' mse, mae, msle, bce and cross_entropy.
enum class LossKind { kHalfSse, kMse, kMae, kMsle, kBce, kCrossEntropy };

/// What targets a loss accepts.
enum class Targets {
  kAny,            ///< any finite number (regression)
  kProbabilities,  ///< each from 0 to 1 (bce)
  kDistribution,   ///< each from 0 to 1, a sample's adding up to 1 (cross_entropy)
};

/// One loss: everything the product knows of it.
struct LossInfo {
  LossKind kind;
  std::string_view name;   ///< the session's and Keras' name
  std::string_view title;  ///< how the page's builder names it: "half_sse — ½Σ(ŷ − y)²"
  std::string_view latex;  ///< ℓ of one sample in LaTeX
  bool keras;              ///< Keras has it (half_sse is the lecture's own)
  bool regression;         ///< a regression loss: targets may be standardised
  Targets targets;
  /// The output activation after which L and ∂L/∂z come from the logits, as Keras' TensorFlow
  /// backend computes them (bce after sigmoid, cross_entropy after softmax); none otherwise.
  std::optional<ActivationKind> from_logits_after;
  /// The output activation this loss needs, and which needs it (cross_entropy ↔ softmax).
  std::optional<ActivationKind> requires_output;
  /// The report's sentence for K outputs: "Loss: mse, L = (1/K) Σ (ŷ − y)² over the K = 2 outputs."
  std::string (*sentence)(int outputs);
};

/// Every loss, in LossKind's order.
const std::vector<LossInfo>& losses();
/// The row of `kind`.
const LossInfo& loss_info(LossKind kind);
/// The row called `name`, or nullptr.
const LossInfo* find_loss(std::string_view name);

/// Keras' fuzz factor, keras.backend.epsilon(): where the logarithmic losses clip.
constexpr double kClipEpsilon = 1e-7;

/// L = (1/S)·Σ_s ℓ(ŷ_s, y_s) for outputs × samples matrices ŷ (`y_hat`) and y, and ∂L/∂ŷ into
/// `d_y_hat` if given. ℓ per sample, over its K outputs (Keras 3, keras/src/losses/losses.py):
///   half_sse  ½Σ(ŷ − y)²                                       (the lecture's)
///   mse   (1/K)Σ(ŷ − y)²
///   mae   (1/K)Σ|ŷ − y|
///   msle  (1/K)Σ(log1p(max(ŷ, ε)) − log1p(max(y, ε)))²     (ε = kClipEpsilon)
///   bce   −(1/K)Σ[y·log p + (1 − y)·log(1 − p)],  p = clip(ŷ, ε, 1 − ε)
///   cross_entropy  −Σ y_i·log q_i,  q = clip(ŷ/Σŷ, ε, 1 − ε)
/// Where a value is clipped its gradient is 0, as the clip's is in Keras. SessionError when the
/// shapes differ or there is no sample.
double compute_loss(LossKind loss, const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y,
                    Eigen::MatrixXd* d_y_hat = nullptr);

/// The same from the logits z of a sigmoid (bce) or softmax (cross_entropy) output, as Keras'
/// TensorFlow backend does when the output layer is one of those: no clipping, and ∂L/∂z:
///   bce            ℓ = (1/K)Σ[max(z, 0) − z·y + log1p(e^−|z|)],  ∂L/∂z = (σ(z) − y)/(K·S)
///   cross_entropy  ℓ = Σ_i y_i·(lse(z) − z_i),  lse(z) = m + log Σ_j e^(z_j − m), m = max z,
///                  ∂L/∂z_i = (ŷ_i·Σ_j y_j − y_i)/S = (ŷ_i − y_i)/S for one-hot y
/// SessionError for other losses.
double compute_loss_from_logits(LossKind loss, const Eigen::MatrixXd& z, const Eigen::MatrixXd& y,
                                Eigen::MatrixXd* d_z = nullptr);

/// compute_loss on blocks of matrices (the model's workspace), without the shape check;
/// `d_y_hat` must have the shape of `y_hat`.
double output_loss(LossKind loss, const Eigen::Ref<const Eigen::MatrixXd>& y_hat,
                   const Eigen::Ref<const Eigen::MatrixXd>& y, Eigen::Ref<Eigen::MatrixXd>* d_y_hat);
/// compute_loss_from_logits on blocks of matrices, without the checks (bce or cross_entropy).
double logits_loss(LossKind loss, const Eigen::Ref<const Eigen::MatrixXd>& z,
                   const Eigen::Ref<const Eigen::MatrixXd>& y, Eigen::Ref<Eigen::MatrixXd>* d_z);
/// The same two in float (the Keras-style model trained in float32): the same formulas, every
/// operation in float (ε = 1e-7 rounded to float), the sum of the batch too.
double output_loss(LossKind loss, const Eigen::Ref<const Eigen::MatrixXf>& y_hat,
                   const Eigen::Ref<const Eigen::MatrixXf>& y, Eigen::Ref<Eigen::MatrixXf>* d_y_hat);
double logits_loss(LossKind loss, const Eigen::Ref<const Eigen::MatrixXf>& z,
                   const Eigen::Ref<const Eigen::MatrixXf>& y, Eigen::Ref<Eigen::MatrixXf>* d_z);

/// A loss of the worked-example network, by row.
struct Loss {
  std::string name;  ///< half_sse, mse, mae, msle, bce, cross_entropy
  LossKind kind = LossKind::kHalfSse;

  /// This loss's descriptor row.
  const LossInfo& info() const { return loss_info(kind); }
  /// ℓ(ŷ, y) of one sample.
  double value(const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y) const;
  /// Mean over samples of ℓ: L = (1/S) Σ_s ℓ(Ŷ[:,s], Y[:,s]); Ŷ, Y are outputs × samples.
  double mean(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y) const;
  /// ∂L/∂Ŷ of that mean, column by column (so each column carries the factor 1/S).
  void mean_gradient(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y,
                     Eigen::MatrixXd& d_y_hat) const;
  /// True when L and ∂L/∂z of the last layer come from its logits z (the row's
  /// from_logits_after: bce after a sigmoid, cross_entropy after a softmax).
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
