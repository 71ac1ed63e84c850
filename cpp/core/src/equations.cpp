#include "nntutor/equations.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "nntutor/error.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

namespace {

using json = nlohmann::ordered_json;

/// Symbols in the table's naming scheme: w_{1} for the lecture's one-unit layers, w_{2}[1,3]
/// where there is a choice; x and y (the target) likewise.
class Symbols {
 public:
  explicit Symbols(const Network& net) : net_(net) {}
  int units(int l) const { return net_.layers[static_cast<std::size_t>(l - 1)].units(); }
  int inputs(int l) const { return net_.layers[static_cast<std::size_t>(l - 1)].inputs(); }

  std::string y(int l, int j) const {  // l = 0: the input x
    if (l == 0) return net_.inputs() == 1 ? "x" : "x[" + std::to_string(j) + "]";
    return indexed("y", l, j);
  }
  std::string z(int l, int j) const { return indexed("z", l, j); }
  std::string b(int l, int j) const { return indexed("b", l, j); }
  std::string delta(int l, int j) const { return indexed("\\delta", l, j); }
  std::string w(int l, int j, int i) const {
    std::string s = "w_{" + std::to_string(l) + "}";
    if (!(units(l) == 1 && inputs(l) == 1)) s += "[" + std::to_string(j) + "," + std::to_string(i) + "]";
    return s;
  }
  std::string target(int k) const {
    return net_.outputs() == 1 ? "y" : "y[" + std::to_string(k) + "]";
  }

 private:
  std::string indexed(const char* symbol, int l, int j) const {
    std::string s = std::string(symbol) + "_{" + std::to_string(l) + "}";
    if (units(l) > 1) s += "[" + std::to_string(j) + "]";
    return s;
  }
  const Network& net_;
};

class Builder {
 public:
  Builder(const Session& session, const StepTrace& step, int precision)
      : session_(session), step_(step), precision_(precision), sym_(session.network),
        samples_(session.batch.samples()), layers_(static_cast<int>(session.network.layers.size())) {
    compute_deltas();
  }

  std::vector<Equation> build(const std::vector<int>& layers, const std::vector<int>& units) {
    const auto chosen = [](const std::vector<int>& list, int n) {
      return list.empty() || std::find(list.begin(), list.end(), n) != list.end();
    };
    std::vector<Equation> out;
    for (int l = 1; l <= layers_; ++l) {
      if (!chosen(layers, l)) continue;
      for (int j = 1; j <= sym_.units(l); ++j)
        for (int i = 1; i <= sym_.inputs(l) && chosen(units, j); ++i) out.push_back(parameter(l, j, i));
      for (int j = 1; j <= sym_.units(l); ++j)
        if (chosen(units, j)) out.push_back(parameter(l, j, 0));
    }
    // δ definitions that the equations above refer to, first layer first.
    for (int l = 1; l <= layers_; ++l)
      for (int j = 1; j <= sym_.units(l); ++j)
        if (needed_.count(key(l, j))) out.push_back(delta_equation(l, j));
    return out;
  }

 private:
  std::string num(double v) const { return fixed(v, precision_); }
  /// A number as a factor of a product: negative numbers in parentheses.
  std::string factor_num(double v) const {
    const std::string s = num(v);
    return s[0] == '-' ? "(" + s + ")" : s;
  }
  const LayerTrace& layer(int l) const { return step_.layers[static_cast<std::size_t>(l - 1)]; }
  const Activation& activation(int l) const {
    return session_.network.layers[static_cast<std::size_t>(l - 1)].f;
  }
  double y_value(int l, int j, int s) const {
    return l == 0 ? session_.batch.X(j - 1, s) : layer(l).y(j - 1, s);
  }
  static std::size_t key(int l, int j) { return static_cast<std::size_t>(l) * 100000 + static_cast<std::size_t>(j); }
  /// δ_l[j] per sample = ∂ℓ_s/∂z_l[j], recomputed from the trace (independently of backward()).
  void compute_deltas() {
    delta_.resize(static_cast<std::size_t>(layers_) + 1);
    for (int l = layers_; l >= 1; --l) {
      Eigen::MatrixXd d(sym_.units(l), samples_);
      for (int s = 0; s < samples_; ++s)
        for (int j = 1; j <= sym_.units(l); ++j) {
          const double upstream =
              l == layers_ ? loss_factor(j, s).value
                           : (layer(l + 1).W.col(j - 1).array() *  // this step's weights
                              delta_[static_cast<std::size_t>(l) + 1].col(s).array()).sum();
          d(j - 1, s) = upstream * activation(l).derivative(layer(l).z(j - 1, s), layer(l).y(j - 1, s));
        }
      delta_[static_cast<std::size_t>(l)] = d;
    }
  }

  /// ∂ℓ/∂ŷ_k of one sample: half_sse (y_L − y), mse (2/K)(y_L − y).
  Factor loss_factor(int k, int s) const {
    const double y = layer(layers_).y(k - 1, s), t = session_.batch.Y(k - 1, s);
    const std::string out = sym_.y(layers_, k), target = sym_.target(k);
    if (session_.loss.name == "mse") {
      const int outputs = session_.network.outputs();
      const std::string scale = outputs == 1 ? "2" : "\\frac{2}{" + std::to_string(outputs) + "}";
      return {scale + "(" + out + " - " + target + ")", scale + "(" + num(y) + " - " + num(t) + ")",
              2.0 / outputs * (y - t)};
    }
    return {"(" + out + " - " + target + ")", "(" + num(y) + " - " + num(t) + ")", y - t};
  }

  /// f'(z_l[j]) of one sample in the lecture's form, or nothing for a linear unit (f' = 1).
  std::optional<Factor> derivative_factor(int l, int j, int s) const {
    const Activation& f = activation(l);
    const double z = layer(l).z(j - 1, s), y = layer(l).y(j - 1, s);
    const double value = f.derivative(z, y);
    const std::string Y = sym_.y(l, j), Z = sym_.z(l, j);
    if (f.name == "sigmoid")
      return Factor{"(1 - " + Y + ")" + Y, "(1 - " + num(y) + ")\\cdot " + factor_num(y), value};
    if (f.name == "tanh")
      return Factor{"(1 - " + Y + "^{2})", "(1 - " + factor_num(y) + "^{2})", value};
    if (f.name == "relu")
      return Factor{"\\mathbb{1}[" + Z + " > 0]", "\\mathbb{1}[" + num(z) + " > 0]", value};
    if (f.name == "leaky_relu")
      return Factor{"\\mathrm{lrelu}'(" + Z + ")", z > 0 ? "1" : num(f.alpha), value};
    if (f.name == "elu")
      return Factor{"\\mathrm{elu}'(" + Z + ")",
                    z >= 0 ? "1" : factor_num(f.alpha) + "\\,e^{" + num(z) + "}", value};
    return std::nullopt;
  }

  void add(std::vector<Factor>& fs, std::optional<Factor> f) const {
    if (f) fs.push_back(std::move(*f));
  }

  Equation finish(std::string name, std::string lhs, std::vector<std::vector<Factor>> factors) const {
    Equation e{std::move(name), std::move(lhs), std::move(factors), 0};
    for (const auto& fs : e.factors) {
      double p = 1;
      for (const auto& f : fs) p *= f.value;
      e.value += p;
    }
    e.value /= static_cast<double>(e.factors.size());
    return e;
  }

  /// ∂L/∂w_l[j,i] (i ≥ 1) or ∂L/∂b_l[j] (i = 0).
  Equation parameter(int l, int j, int i) {
    bool one_path = true;
    for (int m = l + 1; m <= layers_; ++m) one_path = one_path && sym_.units(m) == 1;
    std::vector<std::vector<Factor>> per_sample;
    for (int s = 0; s < samples_; ++s) {
      std::vector<Factor> fs;
      if (one_path) {
        // The lecture's chain, from the loss back to the parameter.
        const int k = l == layers_ ? j : 1;
        fs.push_back(loss_factor(k, s));
        for (int m = layers_; m > l; --m) {
          add(fs, derivative_factor(m, 1, s));
          const int into = m - 1 == l ? j : 1;
          const double w_step = layer(m).W(0, into - 1);
          fs.push_back({sym_.w(m, 1, into), factor_num(w_step), w_step});
        }
        add(fs, derivative_factor(l, j, s));
      } else {
        const double d = delta_[static_cast<std::size_t>(l)](j - 1, s);
        fs.push_back({sym_.delta(l, j), factor_num(d), d});
        needed_.insert(key(l, j));
        mark_needed_below(l);
      }
      if (i > 0) {
        const double a = y_value(l - 1, i, s);
        fs.push_back({sym_.y(l - 1, i), factor_num(a), a});
      }
      per_sample.push_back(std::move(fs));
    }
    const std::string p = i > 0 ? sym_.w(l, j, i) : sym_.b(l, j);
    const Column::Kind kind = i > 0 ? Column::Kind::kDW : Column::Kind::kDB;
    return finish(quantity_name(kind, session_.network, samples_, l, j, i),
                  "\\frac{\\partial L}{\\partial " + p + "}", std::move(per_sample));
  }

  /// δ_l[j] refers to the δ of the next layer: mark those too.
  void mark_needed_below(int l) {
    for (int m = l + 1; m <= layers_; ++m)
      for (int k = 1; k <= sym_.units(m); ++k) needed_.insert(key(m, k));
  }

  /// δ_l[j] = ∂ℓ/∂z_l[j]: output layer (ŷ − y)·f'(z); hidden f'(z)·Σ_k w_{l+1}[k,j]·δ_{l+1}[k].
  Equation delta_equation(int l, int j) const {
    std::vector<std::vector<Factor>> per_sample;
    for (int s = 0; s < samples_; ++s) {
      std::vector<Factor> fs;
      if (l == layers_) {
        fs.push_back(loss_factor(j, s));
        add(fs, derivative_factor(l, j, s));
      } else {
        add(fs, derivative_factor(l, j, s));
        std::string symbolic, substituted;
        double sum = 0;
        for (int k = 1; k <= sym_.units(l + 1); ++k) {
          const double w = layer(l + 1).W(k - 1, j - 1);
          const double d = delta_[static_cast<std::size_t>(l) + 1](k - 1, s);
          symbolic += (k > 1 ? " + " : "") + sym_.w(l + 1, k, j) + "\\," + sym_.delta(l + 1, k);
          substituted += (k > 1 ? " + " : "") + factor_num(w) + "\\cdot " + factor_num(d);
          sum += w * d;
        }
        fs.push_back({"\\left(" + symbolic + "\\right)", "\\left(" + substituted + "\\right)", sum});
      }
      per_sample.push_back(std::move(fs));
    }
    std::string name = "delta" + std::to_string(l);
    if (sym_.units(l) > 1) name += "[" + std::to_string(j) + "]";
    return finish(name, sym_.delta(l, j), std::move(per_sample));
  }

  const Session& session_;
  const StepTrace& step_;
  int precision_;
  Symbols sym_;
  int samples_, layers_;
  std::vector<Eigen::MatrixXd> delta_;
  std::set<std::size_t> needed_;
};

std::string product(const std::vector<Factor>& fs, bool substituted) {
  std::string s;
  for (const auto& f : fs) s += (s.empty() ? "" : " \\cdot ") + (substituted ? f.substituted : f.symbolic);
  return s.empty() ? "1" : s;
}

std::string substituted_rhs(const Equation& e) {
  if (e.factors.size() == 1) return product(e.factors[0], true);
  std::string s = "\\frac{1}{" + std::to_string(e.factors.size()) + "}\\Big[";
  for (std::size_t i = 0; i < e.factors.size(); ++i)
    s += (i ? " + " : "") + product(e.factors[i], true);
  return s + "\\Big]";
}

}  // namespace

std::string Equation::symbolic() const {
  const std::string p = product(factors.front(), false);
  if (factors.size() == 1 || lhs.rfind("\\delta", 0) == 0) return p;
  return "\\frac{1}{S}\\sum_{s=1}^{S} " + p;
}

std::vector<Equation> gradient_equations(const Session& session, const StepTrace& step,
                                         int precision, const std::vector<int>& layers,
                                         const std::vector<int>& units) {
  return Builder(session, step, precision).build(layers, units);
}

std::string equations_latex(const Session&, const std::vector<Equation>& equations,
                            int precision) {
  std::string out = "\\begin{align*}\n";
  for (std::size_t n = 0; n < equations.size(); ++n) {
    const Equation& e = equations[n];
    out += e.lhs + " &= " + e.symbolic() + " \\\\\n";
    out += " &= " + substituted_rhs(e) + " \\\\\n";
    out += " &= " + fixed(e.value, precision) + (n + 1 < equations.size() ? " \\\\[6pt]\n" : "\n");
  }
  return out + "\\end{align*}\n";
}

std::string equations_json(const std::vector<Equation>& equations, int precision) {
  return equations_to_json(equations, precision).dump();
}

nlohmann::ordered_json equations_to_json(const std::vector<Equation>& equations, int precision) {
  json all = json::array();
  for (const auto& e : equations) {
    json factors = json::array(), substituted = json::array(), products = json::array();
    for (const auto& fs : e.factors) {
      json row = json::array();
      double p = 1;
      for (const auto& f : fs) {
        row.push_back({{"symbolic", f.symbolic}, {"substituted", f.substituted}, {"value", f.value}});
        p *= f.value;
      }
      factors.push_back(std::move(row));
      substituted.push_back(product(fs, true) + " = " + fixed(p, precision));
      products.push_back(p);
    }
    all.push_back({{"name", e.name}, {"lhs", e.lhs}, {"latex", e.lhs + " = " + e.symbolic()},
                   {"substituted", std::move(substituted)}, {"factors", std::move(factors)},
                   {"products", std::move(products)}, {"value", e.value}});
  }
  return all;
}

std::string equations_for_step(Session session, long long step, int precision,
                               const std::vector<int>& layers, const std::vector<int>& units) {
  if (precision < 0 || precision > 17)
    throw SessionError("precision: expected a whole number from 0 to 17, got " +
                       std::to_string(precision));
  if (step < 1 || step > Limits::kMaxSteps)
    throw SessionError("step: expected a whole number from 1 to " +
                       std::to_string(Limits::kMaxSteps) + ", got " + std::to_string(step));
  set_steps(session, step, "step");
  const Trace trace = run(session);
  if (trace.steps.size() < static_cast<std::size_t>(step))
    throw SessionError("step: the run diverged at step " + std::to_string(trace.diverged->at) +
                       " (" + trace.diverged->reason + "), so step " + std::to_string(step) +
                       " has no numbers");
  return step_equations_json(session, trace.steps.back(), precision, layers, units);
}

std::string step_equations_json(const Session& session, const StepTrace& step, int precision,
                                const std::vector<int>& layers, const std::vector<int>& units) {
  return step_equations(session, step, precision, layers, units).dump();
}

nlohmann::ordered_json step_equations(const Session& session, const StepTrace& step,
                                      int precision, const std::vector<int>& layers,
                                      const std::vector<int>& units) {
  if (precision < 0 || precision > 17)
    throw SessionError("precision: expected a whole number from 0 to 17, got " +
                       std::to_string(precision));
  const auto eqs = gradient_equations(session, step, precision, layers, units);
  json out;
  out["step"] = step.step;
  out["latex"] = equations_latex(session, eqs, precision);
  out["equations"] = equations_to_json(eqs, precision);
  return out;
}

}  // namespace nntutor
