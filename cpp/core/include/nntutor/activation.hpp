#pragma once
/// Activation functions y = f(z), each with its derivative, as a table of data.
#include <string>
#include <vector>

namespace nntutor {

/// One activation: the formula f(z) beside its derivative f'(z), written with y = f(z) where
/// that is the lecture's form (σ' = σ(1 − σ), tanh' = 1 − tanh²).
struct Activation {
  std::string name;  ///< sigmoid, tanh, relu, leaky_relu, elu, linear
  double alpha = 0;  ///< slope of leaky_relu for z ≤ 0, scale of elu for z < 0; unused otherwise
  double (*f)(double z, double alpha) = nullptr;
  double (*df)(double z, double y, double alpha) = nullptr;

  /// y = f(z)
  double operator()(double z) const { return f(z, alpha); }
  /// f'(z), given y = f(z)
  double derivative(double z, double y) const { return df(z, y, alpha); }
  /// True for the activations that take a parameter α (leaky_relu, elu).
  bool has_alpha() const;
};

/// The activation called `name` with its default α (leaky_relu 0.1 as on the slide, elu 1);
/// throws SessionError naming `field` if there is none of that name.
Activation activation_by_name(const std::string& name, const std::string& field = "activation");

/// The names `activation_by_name` accepts, in the lecture's order.
const std::vector<std::string>& activation_names();

/// Numerically safe logistic function σ(z) = 1/(1 + e^−z): no overflow for large |z|.
double sigmoid(double z);

}  // namespace nntutor
