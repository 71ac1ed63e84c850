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

struct Entry {
  Activation activation;
  bool has_alpha;
};

// Each formula beside its derivative; df receives y = f(z) for the lecture's forms.
const std::vector<Entry>& table() {
  static const std::vector<Entry> kTable = {
      {{"sigmoid", 0, [](double z, double) { return sigmoid(z); },
        [](double, double y, double) { return y * (1 - y); }},  // σ' = σ(1 − σ)
       false},
      {{"tanh", 0, [](double z, double) { return std::tanh(z); },
        [](double, double y, double) { return 1 - y * y; }},  // tanh' = 1 − tanh²
       false},
      {{"relu", 0, [](double z, double) { return z > 0 ? z : 0.0; },
        [](double z, double, double) { return z > 0 ? 1.0 : 0.0; }},  // 1 if z > 0 else 0
       false},
      {{"leaky_relu", 0.1, [](double z, double a) { return z > 0 ? z : a * z; },
        [](double z, double, double a) { return z > 0 ? 1.0 : a; }},  // 1 or α
       true},
      {{"elu", 1.0, [](double z, double a) { return z >= 0 ? z : a * std::expm1(z); },
        [](double z, double, double a) { return z >= 0 ? 1.0 : a * std::exp(z); }},  // 1 or αe^z
       true},
      {{"linear", 0, [](double z, double) { return z; },
        [](double, double, double) { return 1.0; }},
       false},
      // softmax y_i = e^(z_i − m)/Σ_j e^(z_j − m) is not element-wise: forward() computes it per
      // sample (network.cpp), and it is allowed only as the last layer with cross_entropy, whose
      // gradient ∂L/∂z_i = ŷ_i − y_i is taken from the logits. These element-wise entries are never
      // meant to be called; NaN makes a mistake show at once.
      {{"softmax", 0, [](double, double) { return std::numeric_limits<double>::quiet_NaN(); },
        [](double, double, double) { return std::numeric_limits<double>::quiet_NaN(); }},
       false},
  };
  return kTable;
}

}  // namespace

void softmax(const Eigen::Ref<const Eigen::MatrixXd>& z, Eigen::Ref<Eigen::MatrixXd> y) {
  for (Eigen::Index s = 0; s < z.cols(); ++s) {
    const double m = z.col(s).maxCoeff();  // e^(z − m) ≤ 1: nothing overflows
    y.col(s).array() = (z.col(s).array() - m).exp();
    y.col(s) /= y.col(s).sum();
  }
}

bool Activation::has_alpha() const {
  for (const auto& e : table())
    if (e.activation.name == name) return e.has_alpha;
  return false;
}

Activation activation_by_name(const std::string& name, const std::string& field) {
  for (const auto& e : table())
    if (e.activation.name == name) return e.activation;
  std::string list;
  for (const auto& n : activation_names()) list += (list.empty() ? "" : ", ") + n;
  throw SessionError(field + ": expected one of " + list + ", got \"" + name + "\"");
}

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& e : table()) names.push_back(e.activation.name);
    return names;
  }();
  return kNames;
}

}  // namespace nntutor
