#include "nntutor/optimizer.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "kernels.hpp"
#include "nntutor/error.hpp"
#include "nntutor/numbers.hpp"

namespace nntutor::keras {

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& message) {
  throw SessionError(field + ": " + message);
}

constexpr double kInf = HUGE_VAL;

}  // namespace

const std::vector<HyperparameterInfo>& hyperparameters() {
  static const std::vector<HyperparameterInfo> kRows = {
      {"momentum", "\\mu", &OptimizerConfig::momentum, 0, 1, false, false, "a number from 0 to 1",
       "momentum: how much of the last update carries over", true, nullptr, {}, true},
      {"nesterov", "\\text{Nesterov}", nullptr, 0, 1, false, false, "true or false",
       "Nesterov momentum: the update looks one momentum step ahead", true,
       &OptimizerConfig::nesterov, "Nesterov"},
      {"rho", "\\rho", &OptimizerConfig::rho, 0, 1, false, false, "a number from 0 to 1",
       "decay of the moving mean square of the gradients", true},
      {"beta_1", "\\beta_1", &OptimizerConfig::beta_1, 0, 1, false, true,
       "a number from 0 up to (not including) 1", "decay of the first moment (mean of g)", true},
      {"beta_2", "\\beta_2", &OptimizerConfig::beta_2, 0, 1, false, true,
       "a number from 0 up to (not including) 1", "decay of the second moment (mean of g²)", true},
      {"epsilon", "\\epsilon", &OptimizerConfig::epsilon, 0, kInf, true, false,
       "a number greater than 0", "keeps the division away from 0", true},
      {"initial_accumulator_value", "a_0", &OptimizerConfig::initial_accumulator_value, 0, kInf,
       false, false, "a number of at least 0", "the accumulator's start value", true},
  };
  return kRows;
}

const HyperparameterInfo& hyperparameter(std::string_view name) {
  for (const auto& row : hyperparameters())
    if (row.name == name) return row;
  throw SessionError("hyperparameter: no row called " + std::string(name));
}

const std::vector<OptimizerInfo>& optimizers() {
  static const std::vector<OptimizerInfo> kRows = {
      {OptimizerKind::kSgd, "sgd", "gradient descent (sgd)", 0.01, {"momentum", "nesterov"}, {"momentum"},
       "\\theta \\leftarrow \\theta - \\eta\\, g", "momentum"},
      {OptimizerKind::kAdagrad, "adagrad", "adagrad", 0.001, {"initial_accumulator_value", "epsilon"},
       {"accumulator"}, "a \\leftarrow a + g^2,\\quad \\theta \\leftarrow \\theta - \\eta\\,\\frac{g}{\\sqrt{a + \\epsilon}}"},
      {OptimizerKind::kRmsprop, "rmsprop", "rmsprop", 0.001, {"rho", "epsilon"}, {"velocity"},
       "v \\leftarrow \\rho v + (1 - \\rho) g^2,\\quad \\theta \\leftarrow \\theta - \\eta\\,\\frac{g}{\\sqrt{v + \\epsilon}}"},
      {OptimizerKind::kAdam, "adam", "adam", 0.001, {"beta_1", "beta_2", "epsilon"},
       {"momentum", "velocity"},
       "m \\leftarrow \\beta_1 m + (1 - \\beta_1) g,\\quad v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2,\\quad "
       "\\theta \\leftarrow \\theta - \\eta\\,\\frac{\\sqrt{1 - \\beta_2^t}}{1 - \\beta_1^t}\\,\\frac{m}{\\sqrt{v} + \\epsilon}"},
  };
  return kRows;
}

const OptimizerInfo& optimizer_info(OptimizerKind kind) {
  return optimizers()[static_cast<std::size_t>(kind)];
}

OptimizerConfig default_optimizer(OptimizerKind kind) {
  OptimizerConfig c;
  c.kind = kind;
  c.learning_rate = optimizer_info(kind).keras_learning_rate;
  return c;
}

const std::string& optimizer_name(OptimizerKind kind) {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& row : optimizers()) names.emplace_back(row.name);
    return names;
  }();
  return kNames[static_cast<std::size_t>(kind)];
}

OptimizerKind parse_optimizer_kind(const std::string& name, const std::string& field) {
  const auto& rows = optimizers();
  for (const auto& row : rows)
    if (row.name == name) return row.kind;
  std::string list;
  for (std::size_t i = 0; i < rows.size(); ++i)
    list += std::string(i == 0 ? "" : i + 1 == rows.size() ? " or " : ", ") + std::string(rows[i].name);
  std::string shown = name.size() > 40 ? name.substr(0, 40) + "…" : name;
  fail(field, "expected " + list + ", got \"" + shown + "\"");
}

void validate(const OptimizerConfig& c, const std::string& field) {
  const auto check = [&](std::string_view name, double v, double lo, bool lo_open, double hi,
                         bool hi_open, std::string_view rule) {
    const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (!ok) fail(field + "." + std::string(name), "expected " + std::string(rule) + ", got " + shortest_number(v));
  };
  check("learning_rate", c.learning_rate, 0, true, kInf, false, "a number greater than 0");
  for (std::string_view name : optimizer_info(c.kind).hyperparameters) {
    const HyperparameterInfo& h = hyperparameter(name);
    if (h.is_flag()) continue;  // true or false: nothing to range-check
    check(h.name, c.*h.field, h.lo, h.lo_open, h.hi, h.hi_open, h.rule);
  }
}

std::vector<std::string_view> slot_names(const OptimizerConfig& config) {
  const OptimizerInfo& row = optimizer_info(config.kind);
  // Keras' slots; plain sgd (no momentum) keeps none.
  if (!row.slots_need.empty() && config.*hyperparameter(row.slots_need).field == 0) return {};
  return row.slots;
}

Optimizer::Optimizer(const OptimizerConfig& config, Eigen::Index parameters)
    : config_(config), parameters_(parameters) {
  validate(config_);
  for (std::string_view slot : keras::slot_names(config_)) slot_names_.emplace_back(slot);
  slots_.assign(slot_names_.size(), Eigen::VectorXd(parameters_));
  reset();
}

void Optimizer::reset() {
  learning_rate_ = config_.learning_rate;
  iterations_ = 0;
  const double start = config_.kind == OptimizerKind::kAdagrad ? config_.initial_accumulator_value : 0;
  for (auto& s : slots_) s.setConstant(start);
  for (auto& s : slots_f_) s.setConstant(static_cast<float>(start));
  slots_stale_ = false;
}

namespace {

/// One update in T (double, or float for a model trained in float32: every hyperparameter
/// rounded to float, as Keras' float32 variables hold them; Adam's α_t computed in double and
/// rounded once).
template <class T>
void update(const OptimizerConfig& config, double eta_, long long iterations,
            Eigen::Ref<Eigen::Matrix<T, Eigen::Dynamic, 1>> theta,
            const Eigen::Ref<const Eigen::Matrix<T, Eigen::Dynamic, 1>>& gradient,
            std::vector<Eigen::Matrix<T, Eigen::Dynamic, 1>>& slots) {
  const T eta = static_cast<T>(eta_);
  const T epsilon = static_cast<T>(config.epsilon);
  const auto g = gradient.array();
  auto w = theta.array();
  // √ correctly rounded on every CPU, as the Wasm build (kernels.hpp)
  const kernels::ExactSqrt exact_sqrt;
  switch (config.kind) {
    case OptimizerKind::kSgd:
      if (config.momentum == 0) {
        w -= eta * g;  // θ ← θ − η·g
      } else {
        const T mu = static_cast<T>(config.momentum);
        auto m = slots[0].array();
        m = mu * m - eta * g;  // m ← μ·m − η·g
        if (config.nesterov) w += mu * m - eta * g;  // θ ← θ + μ·m − η·g
        else w += m;                                  // θ ← θ + m
      }
      break;
    case OptimizerKind::kAdagrad: {
      auto a = slots[0].array();
      a += g.square();                                     // a ← a + g²
      w -= eta * g / (a + epsilon).unaryExpr(exact_sqrt);  // θ ← θ − η·g/√(a + ε)
      break;
    }
    case OptimizerKind::kRmsprop: {
      const T rho = static_cast<T>(config.rho);
      auto v = slots[0].array();
      v = rho * v + (1 - rho) * g.square();                // v ← ρ·v + (1 − ρ)·g²
      w -= eta * g / (v + epsilon).unaryExpr(exact_sqrt);  // θ ← θ − η·g/√(v + ε)
      break;
    }
    case OptimizerKind::kAdam: {
      const double t = static_cast<double>(iterations + 1);
      const double b1 = config.beta_1, b2 = config.beta_2;
      const double alpha = eta_ * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
      // m ← m + (g − m)(1 − β₁), v ← v + (g² − v)(1 − β₂), θ ← θ − α_t·m/(√v + ε): in that
      // order of operations in every kernel path (cpp/kernels), so the same bits as before.
      kernels::adam<T>(theta.size(), theta.data(), gradient.data(), slots[0].data(), slots[1].data(),
                       static_cast<T>(alpha), static_cast<T>(1 - b1), static_cast<T>(1 - b2), epsilon);
      break;
    }
  }
}

}  // namespace

void Optimizer::apply(Eigen::Ref<Eigen::VectorXd> theta,
                      const Eigen::Ref<const Eigen::VectorXd>& gradient) {
  update<double>(config_, learning_rate_, iterations_, theta, gradient, slots_);
  ++iterations_;
}

void Optimizer::apply(Eigen::Ref<Eigen::VectorXf> theta,
                      const Eigen::Ref<const Eigen::VectorXf>& gradient) {
  if (slots_f_.size() != slots_.size()) {  // the first float update: the state as it stands
    slots_f_.clear();
    for (const auto& s : slots_) slots_f_.push_back(s.cast<float>());
  }
  update<float>(config_, learning_rate_, iterations_, theta, gradient, slots_f_);
  slots_stale_ = true;
  ++iterations_;
}

const Eigen::VectorXd& Optimizer::slot(std::size_t i) const {
  if (slots_stale_) {
    for (std::size_t s = 0; s < slots_.size(); ++s) slots_[s] = slots_f_[s].cast<double>();
    slots_stale_ = false;
  }
  return slots_.at(i);
}

}  // namespace nntutor::keras
