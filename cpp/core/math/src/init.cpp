#include "nntutor/init.hpp"

#include <algorithm>
#include <cmath>

namespace nntutor {

double uniform01(std::mt19937_64& engine) { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }

void glorot_uniform(Eigen::Ref<Eigen::MatrixXd> W, Uniform& draw) {
  const double limit = std::sqrt(6.0 / static_cast<double>(W.cols() + W.rows()));
  for (Eigen::Index r = 0; r < W.rows(); ++r)
    for (Eigen::Index c = 0; c < W.cols(); ++c) W(r, c) = (2 * draw() - 1) * limit;
}

void he_uniform(Eigen::Ref<Eigen::MatrixXd> W, Uniform& draw) {
  const double limit = std::sqrt(6.0 / static_cast<double>(W.cols()));
  for (Eigen::Index r = 0; r < W.rows(); ++r)
    for (Eigen::Index c = 0; c < W.cols(); ++c) W(r, c) = (2 * draw() - 1) * limit;
}

double standard_normal(Uniform& draw) {
  const double u1 = 1 - draw();  // in (0, 1]: ln(u1) is finite
  const double u2 = draw();
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.14159265358979323846 * u2);
}

void he_normal(Eigen::Ref<Eigen::MatrixXd> W, Uniform& draw) {
  // Keras' VarianceScaling(2, "fan_in", "truncated_normal"): the σ of the untruncated normal is
  // raised by 1/0.8796… so that the normal cut at ±2σ has the spread √(2/fan_in).
  const double sd = std::sqrt(2.0 / static_cast<double>(W.cols())) / 0.87962566103423978;
  for (Eigen::Index r = 0; r < W.rows(); ++r)
    for (Eigen::Index c = 0; c < W.cols(); ++c) {
      double n = standard_normal(draw);
      while (std::fabs(n) > 2) n = standard_normal(draw);
      W(r, c) = n * sd;
    }
}

const std::vector<InitInfo>& initializers() {
  static const std::vector<InitInfo> kRows = {
      {InitKind::kConstant, "constant", "constant s", "every w = s", true, false},
      {InitKind::kUniform, "uniform", "uniform ±s", "w ~ U(−s, s)", true, true},
      {InitKind::kGlorotUniform, "glorot_uniform", "Glorot (Xavier) uniform",
       "w ~ U(−√(6/(fan_in + fan_out)), √(6/(fan_in + fan_out)))", false, true},
      {InitKind::kHeUniform, "he_uniform", "He uniform", "w ~ U(−√(6/fan_in), √(6/fan_in))", false,
       true},
      {InitKind::kHeNormal, "he_normal", "He normal",
       "w ~ N(0, σ²) cut at ±2σ, σ = √(2/fan_in)/0.8796 (spread √(2/fan_in))", false, true},
  };
  return kRows;
}

const InitInfo* find_initializer(std::string_view name) {
  for (const auto& row : initializers())
    if (row.name == name) return &row;
  return nullptr;
}

void initialize(InitKind kind, Eigen::Ref<Eigen::MatrixXd> W, double scale, Uniform& draw) {
  switch (kind) {
    case InitKind::kConstant: W.setConstant(scale); return;
    case InitKind::kUniform:
      for (Eigen::Index r = 0; r < W.rows(); ++r)
        for (Eigen::Index c = 0; c < W.cols(); ++c) W(r, c) = (2 * draw() - 1) * scale;
      return;
    case InitKind::kGlorotUniform: return glorot_uniform(W, draw);
    case InitKind::kHeUniform: return he_uniform(W, draw);
    case InitKind::kHeNormal: return he_normal(W, draw);
  }
}

void shuffle(std::vector<Eigen::Index>& order, std::mt19937_64& engine) {
  for (std::size_t i = order.size(); i-- > 1;) {
    const double u = uniform01(engine);
    const auto j = std::min<std::size_t>(i, static_cast<std::size_t>(u * static_cast<double>(i + 1)));
    std::swap(order[i], order[j]);
  }
}

}  // namespace nntutor
