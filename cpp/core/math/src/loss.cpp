#include "nntutor/loss.hpp"

#include <algorithm>
#include <cmath>

#include "nntutor/error.hpp"

namespace nntutor {

using Eigen::Index;
using ConstRef = Eigen::Ref<const Eigen::MatrixXd>;
using MutRef = Eigen::Ref<Eigen::MatrixXd>;

namespace {

std::string per_k(const char* what, int outputs) {
  return std::string(what) + " over the K = " + std::to_string(outputs) + " outputs.";
}

const std::vector<LossInfo>& table() {
  using A = ActivationKind;
  static const std::vector<LossInfo> kTable = {
      {LossKind::kHalfSse, "half_sse", "half_sse — ½Σ(ŷ − y)²", "\\tfrac{1}{2}\\sum_k (\\hat{y}_k - y_k)^2",
       false, true, Targets::kAny, std::nullopt, std::nullopt,
       [](int) { return std::string("Loss: half_sse, L = ½ Σ (ŷ − y)² over the outputs."); }},
      {LossKind::kMse, "mse", "mse — mean squared error", "\\tfrac{1}{K}\\sum_k (\\hat{y}_k - y_k)^2",
       true, true, Targets::kAny, std::nullopt, std::nullopt,
       [](int k) { return per_k("Loss: mse, L = (1/K) Σ (ŷ − y)²", k); }},
      {LossKind::kMae, "mae", "mae — mean absolute error", "\\tfrac{1}{K}\\sum_k |\\hat{y}_k - y_k|",
       true, true, Targets::kAny, std::nullopt, std::nullopt,
       [](int k) { return per_k("Loss: mae, L = (1/K) Σ |ŷ − y|", k); }},
      {LossKind::kMsle, "msle", "msle — mean squared log error",
       "\\tfrac{1}{K}\\sum_k (\\ln(1 + \\hat{y}_k) - \\ln(1 + y_k))^2", true, true, Targets::kAny,
       std::nullopt, std::nullopt,
       [](int k) { return per_k("Loss: msle, L = (1/K) Σ (log(1 + ŷ) − log(1 + y))²", k); }},
      {LossKind::kBce, "bce", "bce — binary cross-entropy",
       "-\\tfrac{1}{K}\\sum_k [y_k \\ln \\hat{y}_k + (1 - y_k)\\ln(1 - \\hat{y}_k)]", true, false,
       Targets::kProbabilities, A::kSigmoid, std::nullopt,
       [](int k) { return per_k("Loss: bce, L = −(1/K) Σ [y·log ŷ + (1 − y)·log(1 − ŷ)]", k); }},
      {LossKind::kCrossEntropy, "cross_entropy", "cross_entropy — with softmax",
       "-\\sum_i y_i \\ln \\hat{y}_i", true, false, Targets::kDistribution, A::kSoftmax, A::kSoftmax,
       [](int k) {
         return "Loss: cross_entropy, L = −Σ y·log ŷ over the " + std::to_string(k) + " softmax outputs.";
       }},
  };
  return kTable;
}

void check_same_shape(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const char* a_name,
                      const char* b_name) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw SessionError(std::string(b_name) + ": expected the shape of " + a_name + " (" +
                       std::to_string(a.rows()) + " × " + std::to_string(a.cols()) + "), got " +
                       std::to_string(b.rows()) + " × " + std::to_string(b.cols()));
  if (a.size() == 0) throw SessionError(std::string(a_name) + ": expected at least 1 sample, got none");
}

}  // namespace

const std::vector<LossInfo>& losses() { return table(); }

const LossInfo& loss_info(LossKind kind) { return table()[static_cast<std::size_t>(kind)]; }

const LossInfo* find_loss(std::string_view name) {
  for (const auto& row : table())
    if (row.name == name) return &row;
  return nullptr;
}

// ---- Each loss's formula beside its gradient (L = mean over samples). ----

template <class T>
using RefT = Eigen::Ref<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>>;
template <class T>
using MutRefT = Eigen::Ref<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>>;

/// From the outputs ŷ (`p`); the gradient ∂L/∂ŷ into *grad if given.
template <class T>
double output_loss_t(LossKind loss, const RefT<T>& p, const RefT<T>& t, MutRefT<T>* grad) {
  const Index K = p.rows(), S = p.cols();
  const T KS = static_cast<T>(K * S);
  const T eps = static_cast<T>(kClipEpsilon);
  T total = 0;
  switch (loss) {
    case LossKind::kHalfSse:  // ℓ = ½Σ(ŷ − y)², ∂L/∂ŷ = (ŷ − y)/S (the lecture's)
      if (grad) *grad = (p - t) / static_cast<T>(S);
      return static_cast<T>(0.5) * (p - t).squaredNorm() / static_cast<T>(S);
    case LossKind::kMse:  // ℓ = (1/K)Σ(ŷ − y)², ∂L/∂ŷ = 2(ŷ − y)/(K·S)
      total = (p - t).squaredNorm();
      if (grad) *grad = (2 / KS) * (p - t);
      return total / KS;
    case LossKind::kMae:  // ℓ = (1/K)Σ|ŷ − y|, ∂L/∂ŷ = sign(ŷ − y)/(K·S), sign(0) = 0
      total = (p - t).cwiseAbs().sum();
      if (grad) grad->array() = (p - t).array().sign() / KS;
      return total / KS;
    case LossKind::kMsle:  // ℓ = (1/K)Σ(log1p(max(ŷ, ε)) − log1p(max(y, ε)))²
      for (Index s = 0; s < S; ++s)
        for (Index k = 0; k < K; ++k) {
          const T q = std::max(p(k, s), eps);
          const T d = std::log1p(q) - std::log1p(std::max(t(k, s), eps));
          total += d * d;
          // ∂/∂ŷ = 2d/(1 + ŷ) where ŷ ≥ ε; below ε the clip's gradient is 0
          if (grad) (*grad)(k, s) = p(k, s) >= eps ? 2 * d / ((1 + q) * KS) : T(0);
        }
      return total / KS;
    case LossKind::kBce:  // ℓ = −(1/K)Σ[y·log p + (1 − y)·log(1 − p)], p = clip(ŷ, ε, 1 − ε)
      for (Index s = 0; s < S; ++s)
        for (Index k = 0; k < K; ++k) {
          const T y = t(k, s), q = std::clamp(p(k, s), eps, 1 - eps);
          total -= y * std::log(q) + (1 - y) * std::log(1 - q);
          // ∂/∂p = (p − y)/(p(1 − p)) inside the clip, 0 outside
          if (grad) {
            const bool inside = p(k, s) >= eps && p(k, s) <= 1 - eps;
            (*grad)(k, s) = inside ? (q - y) / (q * (1 - q) * KS) : T(0);
          }
        }
      return total / KS;
    case LossKind::kCrossEntropy:  // ℓ = −Σ y_i·log q_i, q = clip(ŷ/Σŷ, ε, 1 − ε)
      for (Index s = 0; s < S; ++s) {
        const T sum = p.col(s).sum();
        T inside_y = 0;  // Σ_i y_i over the unclipped outputs
        for (Index k = 0; k < K; ++k) {
          const T r = p(k, s) / sum, q = std::clamp(r, eps, 1 - eps);
          total -= t(k, s) * std::log(q);
          if (r >= eps && r <= 1 - eps) inside_y += t(k, s);
        }
        // ∂ℓ/∂ŷ_j = (Σ_i y_i [i unclipped] − y_j/q_j [j unclipped]) / Σŷ
        if (grad)
          for (Index k = 0; k < K; ++k) {
            const T r = p(k, s) / sum, q = std::clamp(r, eps, 1 - eps);
            const T own = r >= eps && r <= 1 - eps ? t(k, s) / q : T(0);
            (*grad)(k, s) = (inside_y - own) / (sum * static_cast<T>(S));
          }
      }
      return total / static_cast<T>(S);
  }
  return 0;
}

/// From the logits z of a sigmoid (bce) or softmax (cross_entropy) output; ∂L/∂z into *grad.
template <class T>
double logits_loss_t(LossKind loss, const RefT<T>& z, const RefT<T>& t, MutRefT<T>* grad) {
  const Index K = z.rows(), S = z.cols();
  T total = 0;
  if (loss == LossKind::kBce) {
    const T KS = static_cast<T>(K * S);
    for (Index s = 0; s < S; ++s)
      for (Index k = 0; k < K; ++k) {
        const T x = z(k, s), y = t(k, s);
        // ℓ = max(z, 0) − z·y + log1p(e^−|z|)   (tf.nn.sigmoid_cross_entropy_with_logits)
        total += std::max(x, T(0)) - x * y + std::log1p(std::exp(-std::fabs(x)));
        if (grad) {  // ∂ℓ/∂z = σ(z) − y
          const T e = std::exp(-std::fabs(x));
          const T sigma = x >= 0 ? 1 / (1 + e) : e / (1 + e);
          (*grad)(k, s) = (sigma - y) / KS;
        }
      }
    return total / KS;
  }
  for (Index s = 0; s < S; ++s) {
    const T m = z.col(s).maxCoeff();
    const T lse = m + std::log((z.col(s).array() - m).exp().sum());
    const T sum_y = t.col(s).sum();
    total += sum_y * lse - t.col(s).dot(z.col(s));  // ℓ = Σ_i y_i(lse − z_i)
    if (grad)  // ∂ℓ/∂z_i = ŷ_i·Σy − y_i, ŷ = softmax(z)
      grad->col(s) = ((z.col(s).array() - lse).exp() * sum_y - t.col(s).array()).matrix() /
                     static_cast<T>(S);
  }
  return total / static_cast<T>(S);
}


double output_loss(LossKind loss, const ConstRef& p, const ConstRef& t, MutRef* grad) {
  return output_loss_t<double>(loss, p, t, grad);
}
double output_loss(LossKind loss, const Eigen::Ref<const Eigen::MatrixXf>& p,
                   const Eigen::Ref<const Eigen::MatrixXf>& t, Eigen::Ref<Eigen::MatrixXf>* grad) {
  return output_loss_t<float>(loss, p, t, grad);
}
double logits_loss(LossKind loss, const ConstRef& z, const ConstRef& t, MutRef* grad) {
  return logits_loss_t<double>(loss, z, t, grad);
}
double logits_loss(LossKind loss, const Eigen::Ref<const Eigen::MatrixXf>& z,
                   const Eigen::Ref<const Eigen::MatrixXf>& t, Eigen::Ref<Eigen::MatrixXf>* grad) {
  return logits_loss_t<float>(loss, z, t, grad);
}

double compute_loss(LossKind loss, const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y,
                    Eigen::MatrixXd* d_y_hat) {
  check_same_shape(y_hat, y, "y_hat", "y");
  if (!d_y_hat) return output_loss(loss, y_hat, y, nullptr);
  d_y_hat->resize(y_hat.rows(), y_hat.cols());
  MutRef g(*d_y_hat);
  return output_loss(loss, y_hat, y, &g);
}

double compute_loss_from_logits(LossKind loss, const Eigen::MatrixXd& z, const Eigen::MatrixXd& y,
                                Eigen::MatrixXd* d_z) {
  if (loss != LossKind::kBce && loss != LossKind::kCrossEntropy)
    throw SessionError("loss: only bce and cross_entropy are computed from logits, not " +
                       std::string(loss_info(loss).name));
  check_same_shape(z, y, "z", "y");
  if (!d_z) return logits_loss(loss, z, y, nullptr);
  d_z->resize(z.rows(), z.cols());
  MutRef g(*d_z);
  return logits_loss(loss, z, y, &g);
}

double Loss::value(const Eigen::VectorXd& y_hat, const Eigen::VectorXd& y) const {
  return compute_loss(kind, y_hat, y);
}

double Loss::mean(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y) const {
  return compute_loss(kind, y_hat, y);
}

void Loss::mean_gradient(const Eigen::MatrixXd& y_hat, const Eigen::MatrixXd& y,
                         Eigen::MatrixXd& d_y_hat) const {
  compute_loss(kind, y_hat, y, &d_y_hat);
}

bool Loss::from_logits(const Activation& last) const {
  return info().from_logits_after == last.kind;
}

double Loss::mean_from_logits(const Eigen::MatrixXd& z, const Eigen::MatrixXd& y,
                              Eigen::MatrixXd* d_z) const {
  return compute_loss_from_logits(kind, z, y, d_z);
}

Loss loss_by_name(const std::string& name, const std::string& field) {
  if (const LossInfo* row = find_loss(name)) return Loss{std::string(row->name), row->kind};
  std::string list;
  for (const auto& n : loss_names()) list += (list.empty() ? "" : ", ") + n;
  throw SessionError(field + ": expected one of " + list + ", got \"" + name + "\"");
}

const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& row : table()) names.emplace_back(row.name);
    return names;
  }();
  return kNames;
}

}  // namespace nntutor
