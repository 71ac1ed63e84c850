#pragma once
/// Activation functions y = f(z): one descriptor row each (activations()), holding everything
/// the product says about the function — f beside f′ in the lecture's form, their LaTeX and
/// plain-text forms, the parameter α and its defaults, the output range, the Keras name. The
/// session and model parsers, the worked-example network, the Keras-style model, the equations,
/// the checker and the page (through schema()) all read this table; nothing else spells them.
#include <Eigen/Dense>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nntutor {

/// The activations, in the lecture's order; softmax last of the element-wise list (only for the
/// last layer). Maxout follows: it is not element-wise but the max of a unit's k affine pieces,
/// a choice of the worked example's layers (the Keras model has it as a layer type).
enum class ActivationKind {
  kSigmoid, kTanh, kRelu, kLeakyRelu, kElu, kLinear, kSoftplus, kSwish, kSoftmax, kMaxout
};

/// An interval of values an output can take: (0, 1) for σ, [0, ∞) for ReLU.
struct Range {
  double lo, hi;
  bool lo_closed, hi_closed;
};

/// How a derivative or function is written with given operands: the symbols z and y
/// (z_{1}, y_{2}) or the step's numbers, already formatted by the caller. `factor` forms put a
/// negative number in parentheses, as a factor of a product must be.
struct Operands {
  std::string z, y, alpha;                      ///< as written alone
  std::string z_factor, y_factor, alpha_factor;  ///< as a factor of a product
};

/// One activation: everything the product knows of it.
struct ActivationInfo {
  ActivationKind kind;
  std::string_view name;    ///< the session's, the model's and Keras' name: sigmoid, leaky_relu
  std::string_view title;   ///< how the page names it: "sigmoid σ", "leaky ReLU"
  std::string_view symbol;  ///< in plain-text formulas: σ, tanh, relu, lrelu, elu, softplus, swish
  std::string_view short_label;  ///< on a neuron of the graph: σ, tanh, ReLU, LReLU, ELU, lin
  std::string_view latex_f;      ///< f(z) in LaTeX: \sigma(z) = \frac{1}{1 + e^{-z}}
  std::string_view latex_df;     ///< f′(z) in LaTeX, the lecture's form: \sigma(z)(1 - \sigma(z))
  std::optional<double> alpha;        ///< the session's default α (leaky_relu 0.1 as on the slide, elu 1)
  std::optional<double> keras_alpha;  ///< Keras' default α (leaky_relu 0.2, elu 1)
  Range output;                       ///< the values y can take
  bool last_layer_only;               ///< softmax: per sample, only as the last layer
  bool derivative_reads_y;            ///< f′ is written with y = f(z) (σ, tanh, swish)
  bool derivative_reads_z;            ///< f′ is written with z (ReLU, ELU, softplus, swish)
  /// y = f(z) (NaN for softmax, which is not element-wise: see softmax()).
  double (*f)(double z, double alpha);
  /// f′(z), given y = f(z) (NaN for softmax).
  double (*df)(double z, double y, double alpha);
  /// f′ in an equation's LaTeX, with the symbols ((1 - y_{2})y_{2}) or, when `numbers`, with the
  /// step's numbers ((1 - 0.6220)\cdot 0.6220; `z` picks the branch of a piecewise f′);
  /// nullopt where f′ = 1 (linear) or is folded into the loss (softmax).
  std::optional<std::string> (*latex_derivative)(const Operands& o, double z, bool numbers);
  /// f′ in plain text, as the checker's formulas write it: (1 − y1)y1, 1 if z1 > 0, else 0.
  std::string (*text_derivative)(const Operands& o);
  /// y = f(z) in plain text for the checker's formulas, with `y` the output's and `z` the sum's
  /// symbol: y1 = σ(z1), y1 = max(0, z1).
  std::string (*text_function)(const std::string& y, const std::string& z, const std::string& alpha);
  /// Maxout: y_j = max_p z_{j,p} over k pieces, each an affine map of its own (W_{j,p}, b_{j,p});
  /// the default k and its range (0 for the element-wise rows, whose units have one piece).
  /// For such a row f and df are not called (they are NaN): maxout() and maxout_winner() compute
  /// it, and latex_derivative / text_derivative are written with o.z a piece's z and o.y the
  /// unit's y, the derivative being 1 for the winning piece and 0 for the others.
  int pieces = 0, min_pieces = 0, max_pieces = 0;
};

/// Every element-wise activation, in the lecture's order (ActivationKind's order), softmax last:
/// those of the Keras model and of `activation_names()`.
const std::vector<ActivationInfo>& activations();

/// The rows whose unit has several affine pieces (maxout): a choice of the worked example's
/// layers only, so not in activations() (whose names the Keras model's activation layers take).
const std::vector<ActivationInfo>& piecewise_activations();

/// The row called `name` among activations() and piecewise_activations(), or nullptr.
const ActivationInfo* find_layer_activation(std::string_view name);

/// The row of `kind`.
const ActivationInfo& activation_info(ActivationKind kind);

/// The row called `name`, or nullptr.
const ActivationInfo* find_activation(std::string_view name);

/// The row called `name`; SessionError "field: expected one of sigmoid, …, got \"name\"".
const ActivationInfo& activation_info(const std::string& name, const std::string& field);

/// One activation of the worked-example network: its row and its α.
struct Activation {
  std::string name;  ///< the row's name
  double alpha = 0;  ///< slope of leaky_relu for z ≤ 0, scale of elu for z < 0; unused otherwise
  ActivationKind kind = ActivationKind::kLinear;
  double (*f)(double z, double alpha) = nullptr;
  double (*df)(double z, double y, double alpha) = nullptr;
  /// Affine pieces per unit: 1 for an element-wise activation, k (2…16) for maxout, whose layer
  /// then holds units·k rows of weights (row j·k + p for piece p of unit j, as the Keras model).
  int pieces = 1;

  /// y = f(z)
  double operator()(double z) const { return f(z, alpha); }
  /// f'(z), given y = f(z)
  double derivative(double z, double y) const { return df(z, y, alpha); }
  /// This activation's descriptor row.
  const ActivationInfo& info() const { return activation_info(kind); }
  /// True for the activations that take a parameter α (leaky_relu, elu).
  bool has_alpha() const { return info().alpha.has_value(); }
  /// True for softmax, which is not element-wise: y = softmax(z) per sample (see softmax()).
  bool is_softmax() const { return kind == ActivationKind::kSoftmax; }
  /// True for maxout: y_j = max_p z_{j,p} over the unit's pieces (see maxout()).
  bool is_piecewise() const { return info().pieces > 0; }
};

/// The activation of a worked-example layer called `name` (activation_by_name's, or maxout with
/// its default k); an unknown name gives activation_by_name's SessionError.
Activation layer_activation_by_name(const std::string& name, const std::string& field = "activation");

/// The winning piece (0-based) among z[0], z[stride], …, z[(k − 1)·stride]: the largest; on a
/// tie the first of the largest (the lowest p), as the Keras model's maxout layer.
inline int maxout_winner(const double* z, int k, long stride = 1) {
  int best = 0;
  for (int p = 1; p < k; ++p)
    if (z[p * stride] > z[best * stride]) best = p;  // ties: the first piece wins
  return best;
}

/// Maxout per sample (column): y_j = max_p z_{j·k + p} for the rows of Z taken k at a time.
void maxout(const Eigen::Ref<const Eigen::MatrixXd>& z, int k, Eigen::Ref<Eigen::MatrixXd> y);

/// dz = ∂L/∂z of every piece from dy = ∂L/∂y: dy_j for the winning piece of unit j, 0 for the
/// others (the gradient flows to the winning piece only).
void maxout_backward(const Eigen::Ref<const Eigen::MatrixXd>& z, int k,
                     const Eigen::Ref<const Eigen::MatrixXd>& dy, Eigen::Ref<Eigen::MatrixXd> dz);

/// The activation called `name` with its default α (leaky_relu 0.1 as on the slide, elu 1);
/// throws SessionError naming `field` if there is none of that name.
Activation activation_by_name(const std::string& name, const std::string& field = "activation");

/// The names `activation_by_name` accepts, in the lecture's order, softmax last (it is allowed
/// only as the last layer, with the loss cross_entropy; session.hpp checks that).
const std::vector<std::string>& activation_names();

/// Numerically safe logistic function σ(z) = 1/(1 + e^−z): no overflow for large |z|.
double sigmoid(double z);

/// Softmax per sample (column): y_i = e^(z_i − m)/Σ_j e^(z_j − m) with m = max_j z_j, so that no
/// exponential overflows (the same as keras.activations.softmax).
void softmax(const Eigen::Ref<const Eigen::MatrixXd>& z, Eigen::Ref<Eigen::MatrixXd> y);

/// y = f(z) element by element (softmax: per column), for the Keras-style model's matrices. The
/// same formulas as the rows' f, inlined per kind so the loops stay fast.
void activate(ActivationKind kind, double alpha, const Eigen::Ref<const Eigen::MatrixXd>& z,
              Eigen::Ref<Eigen::MatrixXd> y);

/// dz = ∂L/∂z from dy = ∂L/∂y, given z and y = f(z) (softmax: its Jacobian per column).
void activate_backward(ActivationKind kind, double alpha, const Eigen::Ref<const Eigen::MatrixXd>& z,
                       const Eigen::Ref<const Eigen::MatrixXd>& y,
                       const Eigen::Ref<const Eigen::MatrixXd>& dy, Eigen::Ref<Eigen::MatrixXd> dz);

/// The same in float, for the Keras-style model trained in float32 (its dtype): the same
/// formulas on float matrices; leaky_relu, elu, softplus and swish evaluate the row's function in
/// double and round it once.
void activate(ActivationKind kind, double alpha, const Eigen::Ref<const Eigen::MatrixXf>& z,
              Eigen::Ref<Eigen::MatrixXf> y);
void activate_backward(ActivationKind kind, double alpha, const Eigen::Ref<const Eigen::MatrixXf>& z,
                       const Eigen::Ref<const Eigen::MatrixXf>& y,
                       const Eigen::Ref<const Eigen::MatrixXf>& dy, Eigen::Ref<Eigen::MatrixXf> dz);

}  // namespace nntutor
