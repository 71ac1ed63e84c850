#include "nntutor/equations.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "nntutor/error.hpp"
#include "nntutor/table.hpp"
#include "json_text.hpp"

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
  /// A maxout layer's piece p (1-based) of unit j: z_{1,p2}[j] (p = 0: no piece).
  std::string z(int l, int j, int p = 0) const { return indexed("z", l, j, p); }
  std::string b(int l, int j, int p = 0) const { return indexed("b", l, j, p); }
  std::string delta(int l, int j) const { return indexed("\\delta", l, j); }
  std::string w(int l, int j, int i, int p = 0) const {
    std::string s = "w_{" + std::to_string(l) + piece(p) + "}";
    if (!(units(l) == 1 && inputs(l) == 1)) s += "[" + std::to_string(j) + "," + std::to_string(i) + "]";
    return s;
  }
  std::string target(int k) const {
    return net_.outputs() == 1 ? "y" : "y[" + std::to_string(k) + "]";
  }

 private:
  static std::string piece(int p) { return p > 0 ? ",p" + std::to_string(p) : ""; }
  std::string indexed(const char* symbol, int l, int j, int p = 0) const {
    std::string s = std::string(symbol) + "_{" + std::to_string(l) + piece(p) + "}";
    if (units(l) > 1) s += "[" + std::to_string(j) + "]";
    return s;
  }
  const Network& net_;
};

class Builder {
 public:
  Builder(const Session& session, const StepTrace& step, int precision)
      : session_(session), step_(step), precision_(precision), sym_(session.network),
        layers_(static_cast<int>(session.network.layers.size())),
        combined_(session.loss.from_logits(session.network.layers.back().f)) {
    // The samples of the step's batch (0-based; every sample without mini-batches).
    if (step.batch.empty())
      for (int s = 0; s < session.batch.samples(); ++s) batch_.push_back(s);
    else
      for (int s : step.batch) batch_.push_back(s - 1);
    samples_ = static_cast<int>(batch_.size());
    compute_deltas();
  }

  std::vector<Equation> build(const std::vector<int>& layers, const std::vector<int>& units) {
    const auto chosen = [](const std::vector<int>& list, int n) {
      return list.empty() || std::find(list.begin(), list.end(), n) != list.end();
    };
    std::vector<Equation> out;
    const std::vector<int> numbers = step_.batch;  // 1-based samples of a mini-batch, else none
    for (int l = 1; l <= layers_; ++l) {
      if (!chosen(layers, l)) continue;
      // A maxout layer: every piece p = 1…k of each unit (0 alone for the others).
      const int k = session_.network.layers[static_cast<std::size_t>(l - 1)].pieces();
      const int first = k > 1 ? 1 : 0, last = k > 1 ? k : 0;
      for (int j = 1; j <= sym_.units(l); ++j)
        for (int p = first; p <= last; ++p)
          for (int i = 1; i <= sym_.inputs(l) && chosen(units, j); ++i) out.push_back(parameter(l, j, i, p));
      for (int j = 1; j <= sym_.units(l); ++j)
        for (int p = first; p <= last; ++p)
          if (chosen(units, j)) out.push_back(parameter(l, j, 0, p));
    }
    // δ definitions that the equations above refer to, first layer first.
    for (int l = 1; l <= layers_; ++l)
      for (int j = 1; j <= sym_.units(l); ++j)
        if (needed_.count(key(l, j))) out.push_back(delta_equation(l, j));
    for (auto& e : out) e.samples = numbers;
    return out;
  }

 private:
  std::string num(double v) const { return fixed(v, precision_); }
  /// A number as a factor of a product or after a minus: negative numbers in parentheses
  /// (0.0000 - (-0.2500), never 0.0000 - -0.2500).
  std::string factor_num(double v) const {
    const std::string s = num(v);
    return s[0] == '-' ? "(" + s + ")" : s;
  }
  const LayerTrace& layer(int l) const { return step_.layers[static_cast<std::size_t>(l - 1)]; }
  const Activation& activation(int l) const {
    return session_.network.layers[static_cast<std::size_t>(l - 1)].f;
  }
  /// y_l[j] (x for l = 0) of the b-th sample of the step's batch.
  double y_value(int l, int j, int b) const {
    const int s = batch_[static_cast<std::size_t>(b)];
    return l == 0 ? session_.batch.X(j - 1, s) : layer(l).y(j - 1, s);
  }
  double z_of(int l, int j, int b, int p = 0) const {
    return layer(l).z(net_layer(l).row(j, p), batch_[static_cast<std::size_t>(b)]);
  }
  const Layer& net_layer(int l) const { return session_.network.layers[static_cast<std::size_t>(l - 1)]; }
  /// The winning piece (1-based) of unit j of a maxout layer l for the b-th sample of the batch.
  int winner(int l, int j, int b) const {
    return winning_piece(layer(l).z, net_layer(l).pieces(), j, batch_[static_cast<std::size_t>(b)] + 1);
  }
  /// The row of W_l that carries unit j's output for the b-th sample: the winning piece's in a
  /// maxout layer (the gradient flows through it only), row j otherwise.
  int through_row(int l, int j, int b) const {
    return activation(l).is_piecewise() ? net_layer(l).row(j, winner(l, j, b)) : j - 1;
  }
  /// w_m[k, i] of the row that carries unit k, as a symbol: the winning piece's in maxout.
  std::string through_w(int m, int k, int i, int b) const {
    return sym_.w(m, k, i, activation(m).is_piecewise() ? winner(m, k, b) : 0);
  }
  double y_of(int l, int j, int b) const { return layer(l).y(j - 1, batch_[static_cast<std::size_t>(b)]); }
  static std::size_t key(int l, int j) { return static_cast<std::size_t>(l) * 100000 + static_cast<std::size_t>(j); }
  /// δ_l[j] per sample = ∂ℓ_s/∂z_l[j], recomputed from the trace (independently of backward()).
  void compute_deltas() {
    delta_.resize(static_cast<std::size_t>(layers_) + 1);
    for (int l = layers_; l >= 1; --l) {
      Eigen::MatrixXd d(sym_.units(l), samples_);
      for (int s = 0; s < samples_; ++s)
        for (int j = 1; j <= sym_.units(l); ++j) {
          double upstream = 0;
          if (l == layers_) upstream = loss_factor(j, s).value;
          else  // Σ_k w_{l+1}[k, j]·δ_{l+1}[k] with this step's weights (maxout: the winners')
            for (int k = 1; k <= sym_.units(l + 1); ++k)
              upstream += layer(l + 1).W(through_row(l + 1, k, s), j - 1) *
                          delta_[static_cast<std::size_t>(l) + 1](k - 1, s);
          // The last layer of bce after sigmoid or cross_entropy after softmax: the loss factor
          // is already ∂ℓ/∂z (the combined δ = ŷ − y).
          // A maxout unit's δ is that of its winning piece: ∂y/∂z = 1 there.
          d(j - 1, s) = (l == layers_ && combined_) || activation(l).is_piecewise()
                            ? upstream
                            : upstream * activation(l).derivative(z_of(l, j, s), y_of(l, j, s));
        }
      delta_[static_cast<std::size_t>(l)] = d;
    }
  }

  /// The chain rule's first factor for output k of the b-th sample of the batch: ∂ℓ/∂ŷ_k —
  /// half_sse (ŷ − y), mse (2/K)(ŷ − y), mae sign(ŷ − y)/K, msle 2(ln(1 + ŷ) − ln(1 + y))/((1 + ŷ)K),
  /// bce (ŷ − y)/(ŷ(1 − ŷ)K) (0 where ŷ or y is clipped) — or, for bce after sigmoid and
  /// cross_entropy after softmax, ∂ℓ/∂z_k itself: (ŷ − y)/K and ŷ_i − y_i (the lecture's).
  Factor loss_factor(int k, int b) const {
    const int s = batch_[static_cast<std::size_t>(b)];
    const double y = layer(layers_).y(k - 1, s), t = session_.batch.Y(k - 1, s);
    const std::string out = sym_.y(layers_, k), target = sym_.target(k);
    const LossKind loss = session_.loss.kind;
    const int outputs = session_.network.outputs();
    const double K = outputs;
    const std::string over_k = outputs == 1 ? "" : "\\frac{1}{" + std::to_string(outputs) + "}";
    const std::string diff = "(" + out + " - " + target + ")", diff_num = "(" + num(y) + " - " + factor_num(t) + ")";
    if (loss == LossKind::kMse) {
      const std::string scale = outputs == 1 ? "2" : "\\frac{2}{" + std::to_string(outputs) + "}";
      return {scale + diff, scale + diff_num, 2.0 / outputs * (y - t)};
    }
    if (loss == LossKind::kMae) {  // sign(0) = 0, as Keras' gradient of |·|
      const double sign = y > t ? 1.0 : y < t ? -1.0 : 0.0;
      return {over_k + "\\operatorname{sign}" + diff, over_k + "\\operatorname{sign}" + diff_num, sign / K};
    }
    if (loss == LossKind::kMsle) {  // ŷ and y below ε are raised to ε; ŷ's clip has gradient 0
      const double eps = kClipEpsilon, q = std::max(y, eps), r = std::max(t, eps);
      const double d = std::log1p(q) - std::log1p(r);
      const std::string scale = outputs == 1 ? "2" : "\\frac{2}{" + std::to_string(outputs) + "}";
      return {scale + "\\frac{\\ln(1 + " + out + ") - \\ln(1 + " + target + ")}{1 + " + out + "}",
              scale + "\\frac{\\ln(1 + " + num(q) + ") - \\ln(1 + " + num(r) + ")}{1 + " + num(q) + "}",
              y >= eps ? 2 * d / ((1 + q) * K) : 0.0};
    }
    if (loss == LossKind::kBce && !combined_) {  // p = clip(ŷ, ε, 1 − ε); outside the clip the gradient is 0
      const double eps = kClipEpsilon, p = std::clamp(y, eps, 1 - eps);
      const bool inside = y >= eps && y <= 1 - eps;
      return {over_k + "\\frac{" + out + " - " + target + "}{" + out + "(1 - " + out + ")}",
              over_k + "\\frac{" + num(p) + " - " + factor_num(t) + "}{" + num(p) + "(1 - " + num(p) + ")}",
              inside ? (p - t) / (p * (1 - p) * K) : 0.0};
    }
    if (loss == LossKind::kBce) return {over_k + diff, over_k + diff_num, (y - t) / K};  // σ: (ŷ − y)/K
    if (loss == LossKind::kCrossEntropy) {
      // ∂ℓ/∂z_i = ŷ_i·Σ_j y_j − y_i = ŷ_i − y_i: the targets of a sample add up to 1.
      double sum = 0;
      for (int i = 1; i <= outputs; ++i) sum += session_.batch.Y(i - 1, s);
      return {diff, diff_num, y * sum - t};
    }
    return {diff, diff_num, y - t};
  }

  /// f'(z_l[j]) of one sample in the lecture's form, or nothing for a linear unit (f' = 1).
  /// Maxout: ∂y_l[j]/∂z_{l,p}[j] of piece p, 1 if p is the winning piece and 0 for the others,
  /// written as the indicator 1[z_{l,p} = y_l]; nothing for p = 0 (through the winner: 1).
  std::optional<Factor> derivative_factor(int l, int j, int s, int p = 0) const {
    const Activation& f = activation(l);
    if (l == layers_ && combined_) return std::nullopt;  // inside the combined δ = ŷ − y
    if (f.is_piecewise()) {
      if (p == 0) return std::nullopt;
      const ActivationInfo& row = f.info();
      const std::string Y = sym_.y(l, j), Z = sym_.z(l, j, p);
      const double z = z_of(l, j, s, p), y = y_of(l, j, s);
      const auto symbolic = row.latex_derivative({Z, Y, "", Z, Y, ""}, z, false);
      const auto numbers = row.latex_derivative({num(z), num(y), "", factor_num(z), factor_num(y), ""}, z, true);
      const bool won = winner(l, j, s) == p;  // ties: the first of the largest (the tie rule)
      // The numbers name the winner: on a tie (equal z) only the tie rule tells which piece won.
      return Factor{*symbolic, *numbers + "_{\\text{winner: piece " + std::to_string(winner(l, j, s)) + "}}",
                    won ? 1.0 : 0.0};
    }
    const double z = z_of(l, j, s), y = y_of(l, j, s);
    const double value = f.derivative(z, y);
    // The row's forms (math/activation.cpp): with the symbols, then with the step's numbers.
    const std::string Y = sym_.y(l, j), Z = sym_.z(l, j);
    const ActivationInfo& row = f.info();
    const auto symbolic = row.latex_derivative({Z, Y, "\\alpha", Z, Y, "\\alpha"}, z, false);
    if (!symbolic) return std::nullopt;
    const auto numbers = row.latex_derivative(
        {num(z), num(y), num(f.alpha), factor_num(z), factor_num(y), factor_num(f.alpha)}, z, true);
    return Factor{*symbolic, *numbers, value};
  }

  void add(std::vector<Factor>& fs, std::optional<Factor> f) const {
    if (f) fs.push_back(std::move(*f));
  }

  Equation finish(std::string name, std::string lhs, std::vector<std::vector<Factor>> factors) const {
    Equation e{std::move(name), std::move(lhs), std::move(factors), 0, {}};
    for (const auto& fs : e.factors) {
      double p = 1;
      for (const auto& f : fs) p *= f.value;
      e.value += p;
    }
    e.value /= static_cast<double>(e.factors.size());
    return e;
  }

  /// ∂L/∂w_l[j,i] (i ≥ 1) or ∂L/∂b_l[j] (i = 0); of piece p (1-based) in a maxout layer:
  /// the chain to y_l[j] times 1[piece p won], so only the winning piece's gradient is not 0.
  Equation parameter(int l, int j, int i, int p = 0) {
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
          const double w_step = layer(m).W(through_row(m, 1, s), into - 1);
          fs.push_back({through_w(m, 1, into, s), factor_num(w_step), w_step});
        }
        add(fs, derivative_factor(l, j, s, p));
      } else {
        const double d = delta_[static_cast<std::size_t>(l)](j - 1, s);
        fs.push_back({sym_.delta(l, j), factor_num(d), d});
        if (p > 0) add(fs, derivative_factor(l, j, s, p));  // maxout: 1[this piece won]
        needed_.insert(key(l, j));
        mark_needed_below(l);
      }
      if (i > 0) {
        const double a = y_value(l - 1, i, s);
        fs.push_back({sym_.y(l - 1, i), factor_num(a), a});
      }
      per_sample.push_back(std::move(fs));
    }
    const std::string name = i > 0 ? sym_.w(l, j, i, p) : sym_.b(l, j, p);
    const Column::Kind kind = i > 0 ? Column::Kind::kDW : Column::Kind::kDB;
    return finish(quantity_name(kind, session_.network, samples_, l, j, i, 0, p),
                  "\\frac{\\partial L}{\\partial " + name + "}", std::move(per_sample));
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
          const double w = layer(l + 1).W(through_row(l + 1, k, s), j - 1);
          const double d = delta_[static_cast<std::size_t>(l) + 1](k - 1, s);
          symbolic += (k > 1 ? " + " : "") + through_w(l + 1, k, j, s) + "\\," + sym_.delta(l + 1, k);
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
  int layers_;
  bool combined_;  ///< the loss factor is ∂ℓ/∂z of the last layer (bce + sigmoid, cross_entropy + softmax)
  std::vector<int> batch_;  ///< the step's samples, 0-based
  int samples_ = 0;         ///< batch_.size()
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

/// A hyperparameter as LaTeX: 0.9, 0.999, 10^{-7}, 2.5\cdot 10^{-8}.
std::string hyper(double v) {
  std::string t = exact_text(v);
  const auto e = t.find('e');
  if (e == std::string::npos) return t;
  const std::string mantissa = t.substr(0, e);
  const int exponent = std::stoi(t.substr(e + 1));
  return (mantissa == "1" ? "" : mantissa + "\\cdot ") + "10^{" + std::to_string(exponent) + "}";
}

/// An optimizer's state value: `precision` decimals, or 3 significant digits where those
/// decimals would show 0 (adam's v is a mean of squared gradients: often 1e-6 and less);
/// negative numbers in parentheses when `as_factor`.
std::string state_text(double v, int precision, bool as_factor) {
  std::string out;
  if (v == 0 || std::fabs(v) >= std::pow(10.0, -precision)) {
    out = fixed(v, precision);
  } else {
    char text[32];
    std::snprintf(text, sizeof text, "%.2e", v);
    const std::string t = text;
    const auto e = t.find('e');
    out = t.substr(0, e) + "\\cdot 10^{" + std::to_string(std::stoi(t.substr(e + 1))) + "}";
  }
  return as_factor && out[0] == '-' ? "(" + out + ")" : out;
}

/// The update lines of one parameter (keras::Optimizer's formulas; docs/model.md "Optimizers").
class Updater {
 public:
  Updater(const Session& session, const StepTrace& step, const StepTrace* previous, int precision)
      : s_(session), step_(step), previous_(previous), precision_(precision),
        sym_(session.network), slots_(session.optimizer.slots()) {}

  /// `i` ≥ 1: w_l[j,i]; `i` = 0: b_l[j]; of piece `piece` (1-based) in a maxout layer.
  UpdateEquation parameter(int l, int j, int i, int piece = 0) const {
    const OptimizerSettings& o = s_.optimizer;
    const LayerTrace& t = step_.layers[static_cast<std::size_t>(l - 1)];
    const bool w = i > 0;
    j = s_.network.layers[static_cast<std::size_t>(l - 1)].row(j, piece) + 1;  // W's row, 1-based
    const double theta = w ? t.W(j - 1, i - 1) : t.b(j - 1);
    const double g = w ? t.dW(j - 1, i - 1) : t.db(j - 1);
    const int unit = piece > 0 ? (j - 1) / s_.network.layers[static_cast<std::size_t>(l - 1)].pieces() + 1 : j;
    const std::string p = w ? sym_.w(l, unit, i, piece) : sym_.b(l, unit, piece);
    const std::string grad = "\\frac{\\partial L}{\\partial " + p + "}";
    const auto after = [&](std::size_t k) {
      return w ? t.state_W[k](j - 1, i - 1) : t.state_b[k](j - 1);
    };
    const auto before = [&](std::size_t k) {
      if (!previous_) return o.kind == keras::OptimizerKind::kAdagrad ? o.initial_accumulator_value : 0.0;
      const LayerTrace& pt = previous_->layers[static_cast<std::size_t>(l - 1)];
      return w ? pt.state_W[k](j - 1, i - 1) : pt.state_b[k](j - 1);
    };
    const auto state = [&](std::size_t k) { return slots_[k] + "_{" + p + "}"; };
    UpdateEquation u;
    u.name = quantity_name(w ? Column::Kind::kW : Column::Kind::kB, s_.network, 1, l, unit, i, 0, piece);
    const std::string eta = hyper(o.learning_rate), eps = hyper(o.epsilon);
    const std::string g_num = factor(g), theta_num = num(theta);
    double next = theta;
    switch (o.kind) {
      case keras::OptimizerKind::kSgd: {
        if (slots_.empty()) {  // the lecture's w ← w − η·∂L/∂w (not listed: written once)
          next = theta - o.learning_rate * g;
          u.lines.push_back({p, p + " - \\eta\\," + grad, theta_num + " - " + eta + "\\cdot " + g_num, next});
          break;
        }
        // Keras 3's SGD: m ← μ·m − η·g (the velocity), then θ ← θ + m, or with Nesterov
        // θ ← θ + μ·m − η·g (the same order of operations as keras::Optimizer::apply).
        const double m = after(0), mu = o.momentum;
        const std::string mu_text = hyper(mu);
        u.lines.push_back({state(0), "\\mu\\," + state(0) + " - \\eta\\," + grad,
                           mu_text + "\\cdot " + small(before(0)) + " - " + eta + "\\cdot " + g_num, m});
        if (o.nesterov) {
          next = theta + (mu * m - o.learning_rate * g);
          u.lines.push_back({p, p + " + \\mu\\," + state(0) + " - \\eta\\," + grad,
                             theta_num + " + " + mu_text + "\\cdot " + small(m) + " - " + eta + "\\cdot " + g_num,
                             next});
        } else {
          next = theta + m;
          u.lines.push_back({p, p + " + " + state(0), theta_num + " + " + small(m), next});
        }
        break;
      }
      case keras::OptimizerKind::kAdagrad: {
        const double a = after(0);
        u.lines.push_back({state(0), state(0) + " + \\left(" + grad + "\\right)^{2}",
                           small(before(0)) + " + " + g_num + "^{2}", a});
        next = theta - o.learning_rate * g / std::sqrt(a + o.epsilon);
        u.lines.push_back({p, p + " - \\eta\\,\\frac{" + grad + "}{\\sqrt{" + state(0) + " + \\epsilon}}",
                           theta_num + " - " + eta + "\\cdot\\frac{" + g_num + "}{\\sqrt{" + small(a) +
                               " + " + eps + "}}",
                           next});
        break;
      }
      case keras::OptimizerKind::kRmsprop: {
        const double v = after(0), rho = o.rho;
        u.lines.push_back({state(0), "\\rho\\," + state(0) + " + (1 - \\rho)\\left(" + grad + "\\right)^{2}",
                           hyper(rho) + "\\cdot " + small(before(0)) + " + (1 - " + hyper(rho) + ")\\cdot " +
                               g_num + "^{2}",
                           v});
        next = theta - o.learning_rate * g / std::sqrt(v + o.epsilon);
        u.lines.push_back({p, p + " - \\eta\\,\\frac{" + grad + "}{\\sqrt{" + state(0) + " + \\epsilon}}",
                           theta_num + " - " + eta + "\\cdot\\frac{" + g_num + "}{\\sqrt{" + small(v) +
                               " + " + eps + "}}",
                           next});
        break;
      }
      case keras::OptimizerKind::kAdam: {
        const double m = after(0), v = after(1), b1 = o.beta_1, b2 = o.beta_2;
        const double k = static_cast<double>(step_.step);  // t: the updates so far, this one included
        u.lines.push_back({state(0), "\\beta_1\\," + state(0) + " + (1 - \\beta_1)\\," + grad,
                           hyper(b1) + "\\cdot " + small(before(0)) + " + (1 - " + hyper(b1) + ")\\cdot " + g_num, m});
        u.lines.push_back({state(1),
                           "\\beta_2\\," + state(1) + " + (1 - \\beta_2)\\left(" + grad + "\\right)^{2}",
                           hyper(b2) + "\\cdot " + small(before(1)) + " + (1 - " + hyper(b2) + ")\\cdot " + g_num +
                               "^{2}",
                           v});
        // Keras: α_t = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ), θ ← θ − α_t·m/(√v + ε) (ε outside the root).
        const double alpha = o.learning_rate * std::sqrt(1 - std::pow(b2, k)) / (1 - std::pow(b1, k));
        next = theta - m * alpha / (std::sqrt(v) + o.epsilon);
        const std::string t_text = std::to_string(step_.step);
        u.lines.push_back({p,
                           p + " - \\eta\\,\\frac{\\sqrt{1 - \\beta_2^{t}}}{1 - \\beta_1^{t}}\\cdot\\frac{" +
                               state(0) + "}{\\sqrt{" + state(1) + "} + \\epsilon}",
                           theta_num + " - " + eta + "\\cdot\\frac{\\sqrt{1 - " + hyper(b2) + "^{" + t_text +
                               "}}}{1 - " + hyper(b1) + "^{" + t_text + "}}\\cdot\\frac{" + small(m) +
                               "}{\\sqrt{" + small(v) + "} + " + eps + "}",
                           next});
        break;
      }
    }
    return u;
  }

 private:
  std::string num(double v) const { return fixed(v, precision_); }
  std::string factor(double v) const {
    const std::string t = num(v);
    return t[0] == '-' ? "(" + t + ")" : t;
  }
  std::string small(double v) const { return state_text(v, precision_, true); }

  const Session& s_;
  const StepTrace& step_;
  const StepTrace* previous_;
  int precision_;
  Symbols sym_;
  std::vector<std::string> slots_;
};

std::string updates_latex(const std::vector<UpdateEquation>& updates, int precision) {
  std::string out = "\\begin{align*}\n";
  for (std::size_t n = 0; n < updates.size(); ++n)
    for (std::size_t k = 0; k < updates[n].lines.size(); ++k) {
      const UpdateLine& line = updates[n].lines[k];
      const bool last = n + 1 == updates.size() && k + 1 == updates[n].lines.size();
      out += line.lhs + " &\\leftarrow " + line.symbolic + " \\\\\n";
      const bool parameter = k + 1 == updates[n].lines.size();  // the last line; the others are state
      out += " &= " + line.substituted + " = " +
             (parameter ? fixed(line.value, precision) : state_text(line.value, precision, false)) +
             (last ? "\n" : k + 1 == updates[n].lines.size() ? " \\\\[6pt]\n" : " \\\\\n");
    }
  return out + "\\end{align*}\n";
}

}  // namespace

std::vector<UpdateEquation> update_equations(const Session& session, const StepTrace& step,
                                             const StepTrace* previous, int precision,
                                             const std::vector<int>& layers,
                                             const std::vector<int>& units) {
  std::vector<UpdateEquation> out;
  // Plain gradient descent keeps no state; its w ← w − η·∂L/∂w is written once.
  if (session.optimizer.kind == keras::OptimizerKind::kSgd && session.optimizer.slots().empty()) return out;
  if (session.is_graph()) return out;  // graph sessions: the gradients only (docs/graph.md)
  const auto chosen = [](const std::vector<int>& list, int n) {
    return list.empty() || std::find(list.begin(), list.end(), n) != list.end();
  };
  const Updater updater(session, step, previous, precision);
  const Network& net = session.network;
  for (int l = 1; l <= static_cast<int>(net.layers.size()); ++l) {
    if (!chosen(layers, l)) continue;
    const Layer& layer = net.layers[static_cast<std::size_t>(l - 1)];
    const int first = layer.pieces() > 1 ? 1 : 0, last = layer.pieces() > 1 ? layer.pieces() : 0;
    for (int j = 1; j <= layer.units(); ++j)
      for (int p = first; p <= last; ++p)
        for (int i = 1; i <= layer.inputs() && chosen(units, j); ++i) out.push_back(updater.parameter(l, j, i, p));
    for (int j = 1; j <= layer.units(); ++j)
      for (int p = first; p <= last; ++p)
        if (chosen(units, j)) out.push_back(updater.parameter(l, j, 0, p));
  }
  return out;
}

std::string Equation::symbolic() const {
  const std::string p = product(factors.front(), false);
  if (lhs.rfind("\\delta", 0) == 0) return p;
  // A mini-batch B: the mean over its samples (a batch of one is still a choice of sample).
  if (!samples.empty()) return "\\frac{1}{|B|}\\sum_{s \\in B} " + p;
  if (factors.size() == 1) return p;
  return "\\frac{1}{S}\\sum_{s=1}^{S} " + p;
}

std::vector<Equation> gradient_equations(const Session& session, const StepTrace& step,
                                         int precision, const std::vector<int>& layers,
                                         const std::vector<int>& units) {
  if (session.is_graph()) return graph_gradient_equations(session, step, precision, units);
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
    json one = {{"name", e.name}, {"lhs", e.lhs}, {"latex", e.lhs + " = " + e.symbolic()},
                {"substituted", std::move(substituted)}, {"factors", std::move(factors)},
                {"products", std::move(products)}, {"value", e.value}};
    if (!e.samples.empty()) one["samples"] = e.samples;
    all.push_back(std::move(one));
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
  return trace_equations_json(session, run(session), step, precision, layers, units);
}

std::string trace_equations_json(const Session& session, const Trace& trace, long long step,
                                 int precision, const std::vector<int>& layers,
                                 const std::vector<int>& units) {
  if (precision < 0 || precision > 17)
    throw SessionError("precision: expected a whole number from 0 to 17, got " +
                       std::to_string(precision));
  const StepTrace& at = recorded_step(trace, step);
  const auto k = static_cast<std::size_t>(step - 1);
  return step_equations_json(session, at, precision, layers, units,
                             k > 0 ? &trace.steps[k - 1] : nullptr);
}

namespace {

/// equations_to_json(equations, precision).dump(), written straight into `out`.
void append_equations(std::string& out, const std::vector<Equation>& equations, int precision) {
  using json_text::key;
  using json_text::number;
  using json_text::string;
  out += '[';
  for (std::size_t i = 0; i < equations.size(); ++i) {
    const Equation& e = equations[i];
    std::string factors = "[", substituted = "[", products = "[";
    for (std::size_t s = 0; s < e.factors.size(); ++s) {
      const auto& fs = e.factors[s];
      factors += s ? ",[" : "[";
      double p = 1;
      for (std::size_t f = 0; f < fs.size(); ++f) {
        factors += f ? ",{" : "{";
        key(factors, "symbolic");
        string(factors, fs[f].symbolic);
        factors += ',';
        key(factors, "substituted");
        string(factors, fs[f].substituted);
        factors += ',';
        key(factors, "value");
        number(factors, fs[f].value);
        factors += '}';
        p *= fs[f].value;
      }
      factors += ']';
      if (s) substituted += ',';
      string(substituted, product(fs, true) + " = " + fixed(p, precision));
      if (s) products += ',';
      number(products, p);
    }
    out += i ? ",{" : "{";
    key(out, "name");
    string(out, e.name);
    out += ',';
    key(out, "lhs");
    string(out, e.lhs);
    out += ',';
    key(out, "latex");
    string(out, e.lhs + " = " + e.symbolic());
    out += ',';
    key(out, "substituted");
    out += substituted + "],";
    key(out, "factors");
    out += factors + "],";
    key(out, "products");
    out += products + "],";
    key(out, "value");
    number(out, e.value);
    if (!e.samples.empty()) {
      out += ',';
      key(out, "samples");
      out += '[';
      for (std::size_t s = 0; s < e.samples.size(); ++s)
        out += (s ? "," : "") + std::to_string(e.samples[s]);
      out += ']';
    }
    out += '}';
  }
  out += ']';
}

}  // namespace

std::string step_equations_json(const Session& session, const StepTrace& step, int precision,
                                const std::vector<int>& layers, const std::vector<int>& units,
                                const StepTrace* previous) {
  // step_equations(…).dump(), written as text: a large network's equations hold thousands of
  // strings and numbers, and a JSON value for each costs more than writing it.
  using json_text::key;
  using json_text::number;
  using json_text::string;
  if (precision < 0 || precision > 17)
    throw SessionError("precision: expected a whole number from 0 to 17, got " +
                       std::to_string(precision));
  const auto eqs = gradient_equations(session, step, precision, layers, units);
  const auto updates = update_equations(session, step, previous, precision, layers, units);
  std::string out = "{";
  key(out, "step");
  out += std::to_string(step.step) + ",";
  key(out, "latex");
  string(out, updates.empty() ? equations_latex(session, eqs, precision)
                              : equations_latex(session, eqs, precision) +
                                    updates_latex(updates, precision));
  out += ',';
  key(out, "equations");
  append_equations(out, eqs, precision);
  if (!updates.empty()) {
    out += ',';
    key(out, "optimizer");
    string(out, keras::optimizer_name(session.optimizer.kind));
    out += ',';
    key(out, "updates");
    out += '[';
    for (std::size_t u = 0; u < updates.size(); ++u) {
      out += u ? ",{" : "{";
      key(out, "name");
      string(out, updates[u].name);
      out += ',';
      key(out, "lines");
      out += '[';
      for (std::size_t l = 0; l < updates[u].lines.size(); ++l) {
        const UpdateLine& line = updates[u].lines[l];
        out += l ? ",{" : "{";
        key(out, "lhs");
        string(out, line.lhs);
        out += ',';
        key(out, "latex");
        string(out, line.lhs + " \\leftarrow " + line.symbolic);
        out += ',';
        key(out, "substituted");
        string(out, line.substituted);
        out += ',';
        key(out, "value");
        number(out, line.value);
        out += '}';
      }
      out += "]}";
    }
    out += ']';
  }
  out += '}';
  return out;
}

nlohmann::ordered_json step_equations(const Session& session, const StepTrace& step,
                                      int precision, const std::vector<int>& layers,
                                      const std::vector<int>& units, const StepTrace* previous) {
  if (precision < 0 || precision > 17)
    throw SessionError("precision: expected a whole number from 0 to 17, got " +
                       std::to_string(precision));
  const auto eqs = gradient_equations(session, step, precision, layers, units);
  json out;
  out["step"] = step.step;
  out["latex"] = equations_latex(session, eqs, precision);
  out["equations"] = equations_to_json(eqs, precision);
  const auto updates = update_equations(session, step, previous, precision, layers, units);
  if (!updates.empty()) {
    out["latex"] = out["latex"].get<std::string>() + updates_latex(updates, precision);
    out["optimizer"] = keras::optimizer_name(session.optimizer.kind);
    json list = json::array();
    for (const auto& u : updates) {
      json lines = json::array();
      for (const auto& line : u.lines)
        lines.push_back({{"lhs", line.lhs}, {"latex", line.lhs + " \\leftarrow " + line.symbolic},
                         {"substituted", line.substituted}, {"value", line.value}});
      list.push_back({{"name", u.name}, {"lines", std::move(lines)}});
    }
    out["updates"] = std::move(list);
  }
  return out;
}

}  // namespace nntutor
