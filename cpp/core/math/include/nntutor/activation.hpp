#pragma once
/// Activation functions y = f(z), each with its derivative, as a table of data.
#include <Eigen/Dense>
#include <string>
#include <vector>

namespace nntutor {

/// One activation: the formula f(z) beside its derivative f'(z), written with y = f(z) where
/// that is the lecture's form (σ' = σ(1 − σ), tanh' = 1 − tanh²).
struct Activation {
  std::string name;  ///< sigmoid, tanh, relu, leaky_relu, elu, linear, softmax
  double alpha = 0;  ///< slope of leaky_relu for z ≤ 0, scale of elu for z < 0; unused otherwise
  double (*f)(double z, double alpha) = nullptr;
  double (*df)(double z, double y, double alpha) = nullptr;

  /// y = f(z)
  double operator()(double z) const { return f(z, alpha); }
  /// f'(z), given y = f(z)
  double derivative(double z, double y) const { return df(z, y, alpha); }
  /// True for the activations that take a parameter α (leaky_relu, elu).
  bool has_alpha() const;
  /// True for softmax, which is not element-wise: y = softmax(z) per sample (see softmax()).
  bool is_softmax() const { return name == "softmax"; }
};

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

}  // namespace nntutor
