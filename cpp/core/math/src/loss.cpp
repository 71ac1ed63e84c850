#include "nntutor/loss.hpp"

#include "nntutor/error.hpp"

namespace nntutor {

namespace {

const std::vector<Loss>& table() {
  static const std::vector<Loss> kTable = {
      // The lecture's ½Σ_k(ŷ_k − y_k)²; ∂ℓ/∂ŷ_k = ŷ_k − y_k.
      {"half_sse",
       [](const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y) {
         return 0.5 * (y_hat - y).squaredNorm();
       },
       [](const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y, Eigen::VectorXd& d) {
         d = y_hat - y;
       },
       std::nullopt},
      // Keras' mse: (1/K)Σ_k(ŷ_k − y_k)²; ∂ℓ/∂ŷ_k = 2(ŷ_k − y_k)/K.
      {"mse",
       [](const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y) {
         return (y_hat - y).squaredNorm() / static_cast<double>(y.size());
       },
       [](const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y, Eigen::VectorXd& d) {
         d = (2.0 / static_cast<double>(y.size())) * (y_hat - y);
       },
       std::nullopt},
      // Keras' losses, with nntutor::keras's formulas (model.hpp, docs/model.md "Losses").
      {"mae", nullptr, nullptr, keras::LossKind::kMae},
      {"msle", nullptr, nullptr, keras::LossKind::kMsle},
      {"bce", nullptr, nullptr, keras::LossKind::kBce},
      {"cross_entropy", nullptr, nullptr, keras::LossKind::kCrossEntropy},
  };
  return kTable;
}

}  // namespace

double Loss::mean(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y) const {
  if (keras) return keras::compute_loss(*keras, y_hat, y);
  double sum = 0;
  for (Eigen::Index s = 0; s < y.cols(); ++s) sum += value(y_hat.col(s), y.col(s));
  return sum / static_cast<double>(y.cols());
}

void Loss::mean_gradient(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y,
                         Eigen::MatrixXd& d_y_hat) const {
  if (keras) {
    keras::compute_loss(*keras, y_hat, y, &d_y_hat);
    return;
  }
  d_y_hat.resize(y.rows(), y.cols());
  Eigen::VectorXd d(y.rows());
  const double inv_samples = 1.0 / static_cast<double>(y.cols());
  for (Eigen::Index s = 0; s < y.cols(); ++s) {
    gradient(y_hat.col(s), y.col(s), d);
    d_y_hat.col(s) = inv_samples * d;
  }
}

bool Loss::from_logits(const Activation& last) const {
  return (keras == keras::LossKind::kBce && last.name == "sigmoid") ||
         (keras == keras::LossKind::kCrossEntropy && last.is_softmax());
}

double Loss::mean_from_logits(const Eigen::MatrixXd& z, const Eigen::MatrixXd& y,
                              Eigen::MatrixXd* d_z) const {
  return keras::compute_loss_from_logits(*keras, z, y, d_z);
}

Loss loss_by_name(const std::string& name, const std::string& field) {
  for (const auto& loss : table())
    if (loss.name == name) return loss;
  std::string list;
  for (const auto& n : loss_names()) list += (list.empty() ? "" : ", ") + n;
  throw SessionError(field + ": expected one of " + list + ", got \"" + name + "\"");
}

const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& l : table()) names.push_back(l.name);
    return names;
  }();
  return kNames;
}

}  // namespace nntutor
