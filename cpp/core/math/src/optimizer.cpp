#include "nntutor/optimizer.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "nntutor/error.hpp"

namespace nntutor::keras {

namespace {

/// The shortest text that reads back as `v` (as a JSON number would be written).
std::string number(double v) {
  char buffer[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    if (std::strtod(buffer, nullptr) == v) break;
  }
  return buffer;
}

[[noreturn]] void fail(const std::string& field, const std::string& message) {
  throw SessionError(field + ": " + message);
}

}  // namespace

OptimizerConfig default_optimizer(OptimizerKind kind) {
  OptimizerConfig c;
  c.kind = kind;
  c.learning_rate = kind == OptimizerKind::kSgd ? 0.01 : 0.001;
  return c;
}

const std::string& optimizer_name(OptimizerKind kind) {
  static const std::string names[] = {"sgd", "adagrad", "rmsprop", "adam"};
  return names[static_cast<int>(kind)];
}

OptimizerKind parse_optimizer_kind(const std::string& name, const std::string& field) {
  for (auto kind : {OptimizerKind::kSgd, OptimizerKind::kAdagrad, OptimizerKind::kRmsprop,
                    OptimizerKind::kAdam})
    if (name == optimizer_name(kind)) return kind;
  std::string shown = name.size() > 40 ? name.substr(0, 40) + "…" : name;
  fail(field, "expected sgd, adagrad, rmsprop or adam, got \"" + shown + "\"");
}

void validate(const OptimizerConfig& c, const std::string& field) {
  const auto check = [&](const char* name, double v, double lo, bool lo_open, double hi,
                         bool hi_open, const std::string& rule) {
    const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (!ok) fail(field + "." + name, "expected " + rule + ", got " + number(v));
  };
  const double inf = HUGE_VAL;
  check("learning_rate", c.learning_rate, 0, true, inf, false, "a number greater than 0");
  switch (c.kind) {
    case OptimizerKind::kSgd:
      check("momentum", c.momentum, 0, false, 1, false, "a number from 0 to 1");
      break;
    case OptimizerKind::kAdagrad:
      check("initial_accumulator_value", c.initial_accumulator_value, 0, false, inf, false,
            "a number of at least 0");
      check("epsilon", c.epsilon, 0, true, inf, false, "a number greater than 0");
      break;
    case OptimizerKind::kRmsprop:
      check("rho", c.rho, 0, false, 1, false, "a number from 0 to 1");
      check("epsilon", c.epsilon, 0, true, inf, false, "a number greater than 0");
      break;
    case OptimizerKind::kAdam:
      check("beta_1", c.beta_1, 0, false, 1, true, "a number from 0 up to (not including) 1");
      check("beta_2", c.beta_2, 0, false, 1, true, "a number from 0 up to (not including) 1");
      check("epsilon", c.epsilon, 0, true, inf, false, "a number greater than 0");
      break;
  }
}

Optimizer::Optimizer(const OptimizerConfig& config, Eigen::Index parameters)
    : config_(config), parameters_(parameters) {
  validate(config_);
  switch (config_.kind) {
    case OptimizerKind::kSgd:
      if (config_.momentum != 0) slot_names_ = {"momentum"};
      break;
    case OptimizerKind::kAdagrad: slot_names_ = {"accumulator"}; break;
    case OptimizerKind::kRmsprop: slot_names_ = {"velocity"}; break;
    case OptimizerKind::kAdam: slot_names_ = {"momentum", "velocity"}; break;
  }
  slots_.assign(slot_names_.size(), Eigen::VectorXd(parameters_));
  reset();
}

void Optimizer::reset() {
  learning_rate_ = config_.learning_rate;
  iterations_ = 0;
  const double start = config_.kind == OptimizerKind::kAdagrad ? config_.initial_accumulator_value : 0;
  for (auto& s : slots_) s.setConstant(start);
}

void Optimizer::apply(Eigen::Ref<Eigen::VectorXd> theta,
                      const Eigen::Ref<const Eigen::VectorXd>& gradient) {
  const double eta = learning_rate_;
  const auto g = gradient.array();
  auto w = theta.array();
  switch (config_.kind) {
    case OptimizerKind::kSgd:
      if (config_.momentum == 0) {
        w -= eta * g;  // θ ← θ − η·g
      } else {
        const double mu = config_.momentum;
        auto m = slots_[0].array();
        m = mu * m - eta * g;  // m ← μ·m − η·g
        if (config_.nesterov) w += mu * m - eta * g;  // θ ← θ + μ·m − η·g
        else w += m;                                   // θ ← θ + m
      }
      break;
    case OptimizerKind::kAdagrad: {
      auto a = slots_[0].array();
      a += g.square();                                     // a ← a + g²
      w -= eta * g / (a + config_.epsilon).sqrt();         // θ ← θ − η·g/√(a + ε)
      break;
    }
    case OptimizerKind::kRmsprop: {
      const double rho = config_.rho;
      auto v = slots_[0].array();
      v = rho * v + (1 - rho) * g.square();                // v ← ρ·v + (1 − ρ)·g²
      w -= eta * g / (v + config_.epsilon).sqrt();         // θ ← θ − η·g/√(v + ε)
      break;
    }
    case OptimizerKind::kAdam: {
      const double t = static_cast<double>(iterations_ + 1);
      const double b1 = config_.beta_1, b2 = config_.beta_2;
      const double alpha = eta * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
      auto m = slots_[0].array();
      auto v = slots_[1].array();
      m += (g - m) * (1 - b1);                             // m ← m + (g − m)(1 − β₁)
      v += (g.square() - v) * (1 - b2);                    // v ← v + (g² − v)(1 − β₂)
      w -= m * alpha / (v.sqrt() + config_.epsilon);       // θ ← θ − α_t·m/(√v + ε)
      break;
    }
  }
  ++iterations_;
}

}  // namespace nntutor::keras
