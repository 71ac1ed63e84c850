#include "nntutor/activation.hpp"

#include <cmath>
#include <limits>

#include "nntutor/error.hpp"

namespace nntutor {

double sigmoid(double z) {
  // Two branches so that e^(±z) is only ever taken of a non-positive number: no overflow.
  if (z >= 0) return 1 / (1 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1 + e);
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Each activation: f beside f′ (f′ receives y = f(z) for the lecture's forms), as inline
// functions that the descriptor row points to and that activate() inlines into its loops.

struct Sigmoid {  // σ(z) = 1/(1 + e^−z);  σ′ = σ(1 − σ)
  static double f(double z, double) { return sigmoid(z); }
  static double df(double, double y, double) { return y * (1 - y); }
};
struct Tanh {  // tanh z;  tanh′ = 1 − tanh²
  static double f(double z, double) { return std::tanh(z); }
  static double df(double, double y, double) { return 1 - y * y; }
};
struct Relu {  // max(0, z);  1 if z > 0 else 0
  static double f(double z, double) { return z > 0 ? z : 0.0; }
  static double df(double z, double, double) { return z > 0 ? 1.0 : 0.0; }
};
struct LeakyRelu {  // z if z > 0 else α·z;  1 or α
  static double f(double z, double a) { return z > 0 ? z : a * z; }
  static double df(double z, double, double a) { return z > 0 ? 1.0 : a; }
};
struct Elu {  // z if z ≥ 0 else α(e^z − 1);  1 or αe^z (the lecture's z ≥ 0: f′(0) = 1)
  static double f(double z, double a) { return z >= 0 ? z : a * std::expm1(z); }
  static double df(double z, double, double a) { return z >= 0 ? 1.0 : a * std::exp(z); }
};
struct Linear {  // z;  1
  static double f(double z, double) { return z; }
  static double df(double, double, double) { return 1.0; }
};
struct Softplus {  // ln(1 + e^z), from e^−|z| so that nothing overflows;  softplus′ = σ(z)
  static double f(double z, double) { return std::max(z, 0.0) + std::log1p(std::exp(-std::fabs(z))); }
  static double df(double z, double, double) { return sigmoid(z); }
};
struct Swish {  // z·σ(z) (Keras' silu/swish);  swish′ = σ(z)(1 + z(1 − σ(z))) = y + σ(z)(1 − y)
  static double f(double z, double) { return z * sigmoid(z); }
  static double df(double z, double y, double) { return y + sigmoid(z) * (1 - y); }
};
// softmax y_i = e^(z_i − m)/Σ_j e^(z_j − m) is not element-wise: softmax() computes it per sample,
// and it is allowed only as the last layer with cross_entropy, whose gradient ∂L/∂z_i = ŷ_i − y_i is
// taken from the logits. Its element-wise entries are never meant to be called; NaN makes a
// mistake show at once.
struct Softmax {
  static double f(double, double) { return kNaN; }
  static double df(double, double, double) { return kNaN; }
};

using Latex = std::optional<std::string>;

const std::vector<ActivationInfo>& table() {
  static const std::vector<ActivationInfo> kTable = {
      {ActivationKind::kSigmoid, "sigmoid", "sigmoid σ", "σ", "σ",
       "\\sigma(z) = \\frac{1}{1 + e^{-z}}", "\\sigma(z)\\,(1 - \\sigma(z)) = (1 - y)\\,y", std::nullopt,
       std::nullopt, {0, 1, false, false}, false, true, false, Sigmoid::f, Sigmoid::df,
       [](const Operands& o, double, bool numbers) -> Latex {
         return "(1 - " + o.y + ")" + (numbers ? "\\cdot " + o.y_factor : o.y);
       },
       [](const Operands& o) { return "(1 − " + o.y + ")" + o.y; },
       [](const std::string& y, const std::string& z, const std::string&) { return y + " = σ(" + z + ")"; }},
      {ActivationKind::kTanh, "tanh", "tanh", "tanh", "tanh",
       "\\tanh(z) = \\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", "1 - \\tanh^{2}(z) = 1 - y^{2}", std::nullopt,
       std::nullopt, {-1, 1, false, false}, false, true, false, Tanh::f, Tanh::df,
       [](const Operands& o, double, bool) -> Latex { return "(1 - " + o.y_factor + "^{2})"; },
       [](const Operands& o) { return "1 − " + o.y + "²"; },
       [](const std::string& y, const std::string& z, const std::string&) { return y + " = tanh(" + z + ")"; }},
      {ActivationKind::kRelu, "relu", "ReLU", "relu", "ReLU", "\\max(0, z)",
       "\\mathbb{1}[z > 0]", std::nullopt, std::nullopt, {0, kInf, true, false}, false, false, true,
       Relu::f, Relu::df,
       [](const Operands& o, double, bool) -> Latex { return "\\mathbb{1}[" + o.z + " > 0]"; },
       [](const Operands& o) { return "1 if " + o.z + " > 0, else 0"; },
       [](const std::string& y, const std::string& z, const std::string&) { return y + " = max(0, " + z + ")"; }},
      {ActivationKind::kLeakyRelu, "leaky_relu", "leaky ReLU", "lrelu", "LReLU",
       "\\max(\\alpha z, z)", "1 \\text{ if } z > 0 \\text{, else } \\alpha", 0.1, 0.2,
       {-kInf, kInf, false, false}, false, false, true, LeakyRelu::f, LeakyRelu::df,
       [](const Operands& o, double z, bool numbers) -> Latex {
         if (!numbers) return "\\mathrm{lrelu}'(" + o.z + ")";
         return z > 0 ? std::string("1") : o.alpha;
       },
       [](const Operands& o) { return "1 if " + o.z + " > 0, else " + o.alpha; },
       [](const std::string& y, const std::string& z, const std::string& a) {
         return y + " = max(" + a + "·" + z + ", " + z + ")";
       }},
      {ActivationKind::kElu, "elu", "ELU", "elu", "ELU",
       "z \\text{ if } z \\ge 0 \\text{, else } \\alpha(e^{z} - 1)",
       "1 \\text{ if } z \\ge 0 \\text{, else } \\alpha e^{z}", 1.0, 1.0, {-1, kInf, false, false},
       false, false, true, Elu::f, Elu::df,
       [](const Operands& o, double z, bool numbers) -> Latex {
         if (!numbers) return "\\mathrm{elu}'(" + o.z + ")";
         return z >= 0 ? std::string("1") : o.alpha_factor + "\\,e^{" + o.z + "}";
       },
       [](const Operands& o) { return "1 if " + o.z + " ≥ 0, else " + o.alpha + "·e^" + o.z; },
       [](const std::string& y, const std::string& z, const std::string& a) {
         return y + " = " + z + " if " + z + " ≥ 0, else " + a + "·(e^" + z + " − 1)";
       }},
      {ActivationKind::kLinear, "linear", "linear", "linear", "lin", "z", "1", std::nullopt,
       std::nullopt, {-kInf, kInf, false, false}, false, false, false, Linear::f, Linear::df,
       [](const Operands&, double, bool) -> Latex { return std::nullopt; },
       [](const Operands&) { return std::string("1"); },
       [](const std::string& y, const std::string& z, const std::string&) { return y + " = " + z; }},
      {ActivationKind::kSoftplus, "softplus", "softplus", "softplus", "sp",
       "\\ln(1 + e^{z})", "\\sigma(z) = \\frac{1}{1 + e^{-z}}", std::nullopt, std::nullopt,
       {0, kInf, false, false}, false, false, true, Softplus::f, Softplus::df,
       [](const Operands& o, double, bool) -> Latex { return "\\sigma(" + o.z + ")"; },
       [](const Operands& o) { return "σ(" + o.z + ")"; },
       [](const std::string& y, const std::string& z, const std::string&) {
         return y + " = ln(1 + e^" + z + ")";
       }},
      {ActivationKind::kSwish, "swish", "swish (SiLU)", "swish", "swish", "z\\,\\sigma(z)",
       "\\sigma(z)\\,(1 + z(1 - \\sigma(z))) = y + \\sigma(z)(1 - y)", std::nullopt, std::nullopt,
       {-0.27846454276107379, kInf, true, false}, false, true, true, Swish::f, Swish::df,
       [](const Operands& o, double, bool) -> Latex {
         return "(" + o.y + " + \\sigma(" + o.z + ")(1 - " + o.y + "))";
       },
       [](const Operands& o) { return o.y + " + σ(" + o.z + ")(1 − " + o.y + ")"; },
       [](const std::string& y, const std::string& z, const std::string&) {
         return y + " = " + z + "·σ(" + z + ")";
       }},
      {ActivationKind::kSoftmax, "softmax", "softmax", "softmax", "soft",
       "\\frac{e^{z_i}}{\\sum_j e^{z_j}}", "\\hat{y}_i(\\delta_{ij} - \\hat{y}_j)", std::nullopt,
       std::nullopt, {0, 1, false, false}, true, true, false, Softmax::f, Softmax::df,
       [](const Operands&, double, bool) -> Latex { return std::nullopt; },
       [](const Operands&) { return std::string("1"); },
       [](const std::string& y, const std::string& z, const std::string&) {
         return y + " = softmax(" + z + ")";
       }},
  };
  return kTable;
}

/// Maxout's row: y_j = max_p z_{j,p} (the lecture's max(w1ᵀx + b1, w2ᵀx + b2) for k = 2); ∂y_j/∂z_{j,p}
/// is 1 for the winning piece and 0 for the others. Not element-wise: f and df are NaN, as
/// softmax's (maxout() and maxout_backward() compute it); k is 2 by default, 2…16 as the Keras
/// model's maxout layer.
const std::vector<ActivationInfo>& piecewise_table() {
  static const std::vector<ActivationInfo> kTable = {
      {ActivationKind::kMaxout, "maxout", "maxout (max of k pieces)", "max", "max",
       "\\max_{p} z_{p},\\; z_{p} = w_{p}^{\\top} x + b_{p}",
       "1 \\text{ for the winning piece, } 0 \\text{ for the others}", std::nullopt, std::nullopt,
       {-kInf, kInf, false, false}, false, true, true, Softmax::f, Softmax::df,
       // o.z is a piece's z, o.y the unit's y = max_p z_p: the indicator that this piece won.
       [](const Operands& o, double, bool) -> Latex { return "\\mathbb{1}[" + o.z + " = " + o.y + "]"; },
       [](const Operands& o) { return "1 if " + o.z + " is the winning piece of " + o.y + ", else 0"; },
       [](const std::string& y, const std::string& z, const std::string&) {
         return y + " = max(" + z + ")";
       },
       2, 2, 16},
  };
  return kTable;
}

template <class T>
using MatrixT = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using In = Eigen::Ref<const MatrixT<T>>;
template <class T>
using Out = Eigen::Ref<MatrixT<T>>;

/// y = F(z) element by element: the row's own inline function, so the loop can be vectorised.
/// In float (the trainer's float32) the row's function runs in double and is rounded once.
template <class F, class T>
void map(double alpha, const In<T>& z, Out<T> y) {
  y = z.unaryExpr([alpha](T v) { return static_cast<T>(F::f(v, alpha)); });
}

/// dz = dy ⊙ F′(z, y).
template <class F, class T>
void map_backward(double alpha, const In<T>& z, const In<T>& y, const In<T>& dy, Out<T> dz) {
  for (Eigen::Index s = 0; s < z.cols(); ++s)
    for (Eigen::Index j = 0; j < z.rows(); ++j)
      dz(j, s) = dy(j, s) * static_cast<T>(F::df(z(j, s), y(j, s), alpha));
}

template <class T>
void softmax_t(const In<T>& z, Out<T> y) {
  for (Eigen::Index s = 0; s < z.cols(); ++s) {
    const T m = z.col(s).maxCoeff();  // e^(z − m) ≤ 1: nothing overflows
    y.col(s).array() = (z.col(s).array() - m).exp();
    y.col(s) /= y.col(s).sum();
  }
}

template <class T>
void activate_t(ActivationKind kind, double alpha, const In<T>& z, Out<T> y) {
  switch (kind) {
    case ActivationKind::kSigmoid:  // from e^−|z| so that nothing overflows
      y.array() = (-z.array().abs()).exp();
      y.array() = (z.array() >= 0).select(1 / (1 + y.array()), y.array() / (1 + y.array()));
      return;
    case ActivationKind::kTanh: y.array() = z.array().tanh(); return;
    case ActivationKind::kRelu: y = z.cwiseMax(T(0)); return;
    case ActivationKind::kLeakyRelu: return map<LeakyRelu, T>(alpha, z, y);
    case ActivationKind::kElu: return map<Elu, T>(alpha, z, y);
    case ActivationKind::kLinear: y = z; return;
    case ActivationKind::kSoftplus: return map<Softplus, T>(alpha, z, y);
    case ActivationKind::kSwish: return map<Swish, T>(alpha, z, y);
    case ActivationKind::kSoftmax: return softmax_t<T>(z, y);
    case ActivationKind::kMaxout: y.setConstant(static_cast<T>(kNaN)); return;  // not element-wise: maxout()
  }
}

template <class T>
void activate_backward_t(ActivationKind kind, double alpha, const In<T>& z, const In<T>& y,
                         const In<T>& dy, Out<T> dz) {
  switch (kind) {
    case ActivationKind::kMaxout: dz.setConstant(static_cast<T>(kNaN)); return;  // not element-wise: maxout_backward()
    case ActivationKind::kSigmoid: dz.array() = dy.array() * y.array() * (1 - y.array()); return;
    case ActivationKind::kTanh: dz.array() = dy.array() * (1 - y.array().square()); return;
    case ActivationKind::kRelu: dz.array() = (z.array() > 0).select(dy.array(), T(0)); return;
    case ActivationKind::kLeakyRelu: return map_backward<LeakyRelu, T>(alpha, z, y, dy, dz);
    case ActivationKind::kElu: return map_backward<Elu, T>(alpha, z, y, dy, dz);
    case ActivationKind::kLinear: dz = dy; return;
    case ActivationKind::kSoftplus: return map_backward<Softplus, T>(alpha, z, y, dy, dz);
    case ActivationKind::kSwish: return map_backward<Swish, T>(alpha, z, y, dy, dz);
    case ActivationKind::kSoftmax:  // ∂y_i/∂z_j = y_i(δ_ij − y_j): dz = y ⊙ (dy − dy·y)
      for (Eigen::Index s = 0; s < z.cols(); ++s) {
        const T dot = dy.col(s).dot(y.col(s));
        dz.col(s).array() = y.col(s).array() * (dy.col(s).array() - dot);
      }
      return;
  }
}

}  // namespace

const std::vector<ActivationInfo>& activations() { return table(); }

const std::vector<ActivationInfo>& piecewise_activations() { return piecewise_table(); }

const ActivationInfo& activation_info(ActivationKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < table().size() ? table()[i] : piecewise_table()[i - table().size()];
}

const ActivationInfo* find_layer_activation(std::string_view name) {
  if (const ActivationInfo* row = find_activation(name)) return row;
  for (const auto& row : piecewise_table())
    if (row.name == name) return &row;
  return nullptr;
}

Activation layer_activation_by_name(const std::string& name, const std::string& field) {
  const ActivationInfo* row = find_layer_activation(name);
  if (!row) return activation_by_name(name, field);  // its message names the field
  return Activation{std::string(row->name), row->alpha.value_or(0), row->kind, row->f, row->df,
                    row->pieces > 0 ? row->pieces : 1};
}

void maxout(const Eigen::Ref<const Eigen::MatrixXd>& z, int k, Eigen::Ref<Eigen::MatrixXd> y) {
  for (Eigen::Index s = 0; s < z.cols(); ++s)
    for (Eigen::Index j = 0; j < y.rows(); ++j) {
      const double* piece = z.data() + s * z.outerStride() + j * k;  // a column: stride 1
      y(j, s) = piece[maxout_winner(piece, k)];
    }
}

void maxout_backward(const Eigen::Ref<const Eigen::MatrixXd>& z, int k,
                     const Eigen::Ref<const Eigen::MatrixXd>& dy, Eigen::Ref<Eigen::MatrixXd> dz) {
  dz.setZero();
  for (Eigen::Index s = 0; s < z.cols(); ++s)
    for (Eigen::Index j = 0; j < dy.rows(); ++j)
      dz(j * k + maxout_winner(z.data() + s * z.outerStride() + j * k, k), s) = dy(j, s);  // to the winning piece only
}

const ActivationInfo* find_activation(std::string_view name) {
  for (const auto& row : table())
    if (row.name == name) return &row;
  return nullptr;
}

const ActivationInfo& activation_info(const std::string& name, const std::string& field) {
  if (const ActivationInfo* row = find_activation(name)) return *row;
  std::string list;
  for (const auto& n : activation_names()) list += (list.empty() ? "" : ", ") + n;
  throw SessionError(field + ": expected one of " + list + ", got \"" + name + "\"");
}

void softmax(const Eigen::Ref<const Eigen::MatrixXd>& z, Eigen::Ref<Eigen::MatrixXd> y) {
  softmax_t<double>(z, y);
}

Activation activation_by_name(const std::string& name, const std::string& field) {
  const ActivationInfo& row = activation_info(name, field);
  return Activation{std::string(row.name), row.alpha.value_or(0), row.kind, row.f, row.df};
}

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& row : table()) names.emplace_back(row.name);
    return names;
  }();
  return kNames;
}

void activate(ActivationKind kind, double alpha, const Eigen::Ref<const Eigen::MatrixXd>& z,
              Eigen::Ref<Eigen::MatrixXd> y) {
  activate_t<double>(kind, alpha, z, y);
}

void activate(ActivationKind kind, double alpha, const Eigen::Ref<const Eigen::MatrixXf>& z,
              Eigen::Ref<Eigen::MatrixXf> y) {
  activate_t<float>(kind, alpha, z, y);
}

void activate_backward(ActivationKind kind, double alpha, const Eigen::Ref<const Eigen::MatrixXd>& z,
                       const Eigen::Ref<const Eigen::MatrixXd>& y,
                       const Eigen::Ref<const Eigen::MatrixXd>& dy, Eigen::Ref<Eigen::MatrixXd> dz) {
  activate_backward_t<double>(kind, alpha, z, y, dy, dz);
}

void activate_backward(ActivationKind kind, double alpha, const Eigen::Ref<const Eigen::MatrixXf>& z,
                       const Eigen::Ref<const Eigen::MatrixXf>& y,
                       const Eigen::Ref<const Eigen::MatrixXf>& dy, Eigen::Ref<Eigen::MatrixXf> dz) {
  activate_backward_t<float>(kind, alpha, z, y, dy, dz);
}

}  // namespace nntutor
