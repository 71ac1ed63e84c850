#pragma once
/// Loss functions of one sample, beside their gradient with respect to the output ŷ.
#include <Eigen/Dense>
#include <string>
#include <vector>

namespace nntutor {

/// A loss ℓ(ŷ, y) of one sample (ŷ, y: one value per output) and its gradient ∂ℓ/∂ŷ.
struct Loss {
  std::string name;  ///< half_sse or mse
  double (*value)(const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y) = nullptr;
  void (*gradient)(const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y,
                   Eigen::VectorXd& d_y_hat) = nullptr;

  /// Mean over samples of ℓ: L = (1/S) Σ_s ℓ(Ŷ[:,s], Y[:,s]); Ŷ, Y are outputs × samples.
  double mean(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y) const;
  /// ∂L/∂Ŷ of that mean, column by column (so each column carries the factor 1/S).
  void mean_gradient(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y,
                     Eigen::MatrixXd& d_y_hat) const;
};

/// The loss called `name`; throws SessionError naming `field` if there is none of that name.
Loss loss_by_name(const std::string& name, const std::string& field = "loss");

/// The names `loss_by_name` accepts.
const std::vector<std::string>& loss_names();

}  // namespace nntutor
