#include "nntutor/explorer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "nntutor/activation_curve.hpp"
#include "nntutor/io/common.hpp"
#include "nntutor/io/rows_json.hpp"
#include "nntutor/numbers.hpp"

namespace nntutor {

namespace {

using common::describe;
using common::fail;
using json = nlohmann::ordered_json;

/// The curve's limits and defaults: a range of z within ±kMaxZ, kMinPoints…kMaxPoints points.
struct CurveLimits {
  static constexpr double kMaxZ = 50, kDefaultFrom = -6, kDefaultTo = 6;
  static constexpr int kMinPoints = 2, kMaxPoints = 2001, kDefaultPoints = 241;
};

const char* const kSlip =
    "The slide says that saturating activations make the gradient vanish and that \"you would "
    "like it to vanish\" — it means the opposite: you would like it NOT to vanish. On its way "
    "back, each layer multiplies ∂L/∂W by its w and its f′(z). σ′ is at most 0.25, so through n "
    "sigmoid layers with |w| ≤ 1 the gradient shrinks at least like 0.25ⁿ and the first layers "
    "stop learning (it vanishes). ReLU's f′ is 1 wherever a unit is active, so only the weights "
    "scale it. Weights larger than 1 (or w·width > 1) multiply it up layer after layer until it "
    "explodes and, deep enough, overflows.";

nlohmann::json parse_object(std::string_view text, const std::string& what) {
  nlohmann::json root = common::parse_json(text, what);
  if (!root.is_object()) fail(what, "expected a JSON object, got " + describe(root));
  return root;
}

void only_fields(const nlohmann::json& o, const std::string& prefix,
                 std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : o.items()) {
    bool ok = false;
    std::string list;
    for (auto a : allowed) {
      ok = ok || key == a;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    if (!ok) fail(prefix + key, "unknown field (expected one of " + list + ")");
  }
}

std::string text_field(const nlohmann::json& j, const std::string& field) {
  if (!j.is_string()) fail(field, "expected a string, got " + describe(j));
  return j.get<std::string>();
}

/// True for a row the explorer can draw: a function of one number z (its f(0) is a number), or
/// softmax, drawn for the vector (z, 0). A row of another kind (one of several inputs, as
/// maxout's max(w1ᵀx + b1, w2ᵀx + b2)) has no curve of z.
bool drawable(const ActivationInfo& row) {
  return row.kind == ActivationKind::kSoftmax || !std::isnan(row.f(0, row.alpha.value_or(0)));
}

/// The activation called `name` and its α (checked: only leaky_relu and elu take one).
Activation activation_with_alpha(const nlohmann::json& o, const std::string& prefix) {
  const std::string name =
      o.contains("activation") ? text_field(o["activation"], prefix + "activation") : "sigmoid";
  Activation f = activation_by_name(name, prefix + "activation");
  if (!drawable(f.info()))
    fail(prefix + "activation", f.name + " is not a function of one number z, so it has no curve here");
  if (o.contains("alpha") && !o["alpha"].is_null()) {
    if (!f.has_alpha()) fail(prefix + "alpha", "only leaky_relu and elu take alpha, not " + f.name);
    f.alpha = common::finite_number(o["alpha"], prefix + "alpha");
  }
  return f;
}


/// The grid of a curve request: "from" and "to" within ±kMaxZ, from < to, and "points".
struct Grid {
  double from, to;
  int points;
};
Grid parse_grid(const nlohmann::json& o) {
  const auto z_field = [&](const char* name, double fallback) {
    if (!o.contains(name)) return fallback;
    const double v = common::finite_number(o[name], name);
    if (std::fabs(v) > CurveLimits::kMaxZ)
      fail(name, "expected a number from −" + exact_text(CurveLimits::kMaxZ) + " to " +
                     exact_text(CurveLimits::kMaxZ) + ", got " + exact_text(v));
    return v;
  };
  const double from = z_field("from", CurveLimits::kDefaultFrom);
  const double to = z_field("to", CurveLimits::kDefaultTo);
  if (!(from < to))
    fail("to", "expected a number greater than from (" + exact_text(from) + "), got " + exact_text(to));
  const int points = o.contains("points")
                         ? static_cast<int>(common::whole_number(o["points"], "points", CurveLimits::kMinPoints,
                                                                 CurveLimits::kMaxPoints))
                         : CurveLimits::kDefaultPoints;
  return {from, to, points};
}

/// The explorer's maxout unit of one input x: k pieces (w_p, b_p), k from kMinPieces to
/// kMaxPieces; the slide's k = 2 by default, pieces that cross at x = 1/3 (a visible kink).
struct MaxoutLimits {
  static constexpr int kMinPieces = 2, kMaxPieces = 4;
  static constexpr double kMaxParameter = 100;  ///< |w_p|, |b_p| at most this
  /// The first k of these are the defaults for k pieces.
  static const std::vector<MaxoutPiece>& defaults() {
    static const std::vector<MaxoutPiece> kDefaults = {{1, 0}, {-0.5, 0.5}, {0.25, 1}, {-2, -3}};
    return kDefaults;
  }
};

std::vector<MaxoutPiece> parse_pieces(const nlohmann::json& o) {
  if (!o.contains("pieces"))
    return {MaxoutLimits::defaults().begin(), MaxoutLimits::defaults().begin() + MaxoutLimits::kMinPieces};
  const nlohmann::json& list = o["pieces"];
  const std::string range = std::to_string(MaxoutLimits::kMinPieces) + " to " + std::to_string(MaxoutLimits::kMaxPieces);
  if (!list.is_array()) fail("pieces", "expected a list of " + range + " pieces {w, b}, got " + describe(list));
  if (list.size() < static_cast<std::size_t>(MaxoutLimits::kMinPieces) ||
      list.size() > static_cast<std::size_t>(MaxoutLimits::kMaxPieces))
    fail("pieces", "expected " + range + " pieces, got " + std::to_string(list.size()));
  std::vector<MaxoutPiece> pieces;
  for (std::size_t p = 0; p < list.size(); ++p) {
    const std::string at = "pieces[" + std::to_string(p) + "]";
    if (!list[p].is_object()) fail(at, "expected an object {w, b}, got " + describe(list[p]));
    only_fields(list[p], at + ".", {"w", "b"});
    const auto parameter = [&](const char* name) {
      const std::string field = at + "." + name;
      if (!list[p].contains(name)) fail(field, "expected a number, got nothing");
      const double v = common::finite_number(list[p][name], field);
      if (std::fabs(v) > MaxoutLimits::kMaxParameter)
        fail(field, "expected a number from −" + exact_text(MaxoutLimits::kMaxParameter) + " to " +
                        exact_text(MaxoutLimits::kMaxParameter) + ", got " + exact_text(v));
      return v;
    };
    pieces.push_back({parameter("w"), parameter("b")});
  }
  return pieces;
}

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

/// "(0, 1)", "[0, ∞)", "(−∞, ∞)".
std::string range_text(const Range& r) {
  const auto end = [](double v) {
    return std::isinf(v) ? std::string(v < 0 ? "−∞" : "∞") : exact_text(v);
  };
  return std::string(r.lo_closed ? "[" : "(") + end(r.lo) + ", " + end(r.hi) +
         (r.hi_closed ? "]" : ")");
}

/// A number as a factor of a product: in parentheses when negative (the equations' rule).
std::string factor(double v, int precision) {
  const std::string t = fixed(v, precision);
  return v < 0 ? "(" + t + ")" : t;
}

LayerGradient measure(int layer, const Eigen::MatrixXd& dW) {
  LayerGradient g;
  g.layer = layer;
  g.units = static_cast<int>(dW.rows());
  g.inputs = static_cast<int>(dW.cols());
  bool nan = false, inf = false;
  for (Eigen::Index r = 0; r < dW.rows(); ++r)
    for (Eigen::Index c = 0; c < dW.cols(); ++c) {
      nan = nan || std::isnan(dW(r, c));
      inf = inf || std::isinf(dW(r, c));
    }
  const double big = nan ? 0.0 : dW.cwiseAbs().maxCoeff();
  if (nan) {
    g.status = GradientStatus::kNaN;
    g.frobenius = g.mean_abs = std::numeric_limits<double>::quiet_NaN();
  } else if (inf) {
    g.status = GradientStatus::kInfinite;
    g.frobenius = g.mean_abs = std::numeric_limits<double>::infinity();
  } else if (big == 0) {
    g.status = GradientStatus::kZero;
  } else {
    g.frobenius = dW.norm();
    // Squares that overflow (entries above ~1e154) or underflow: the norm scaled by the largest.
    if (!std::isfinite(g.frobenius) || g.frobenius == 0) g.frobenius = big * (dW / big).norm();
    g.mean_abs = dW.cwiseAbs().mean();
  }
  return g;
}

/// The first layer from `from` (0-based) up whose f′ is 0 at every unit and sample, or −1.
int blocking_layer(const Network& net, const Pass& pass, std::size_t from) {
  for (std::size_t l = from; l < net.layers.size(); ++l) {
    bool all_zero = true;
    for (Eigen::Index s = 0; s < pass.Z[l].cols() && all_zero; ++s)
      for (Eigen::Index j = 0; j < pass.Z[l].rows() && all_zero; ++j)
        all_zero = net.layers[l].f.derivative(pass.Z[l](j, s), pass.A[l](j, s)) == 0;
    if (all_zero) return static_cast<int>(l);
  }
  return -1;
}

json layer_json(const LayerGradient& g) {
  const bool number = g.status == GradientStatus::kFinite;
  return {{"layer", g.layer},
          {"units", g.units},
          {"inputs", g.inputs},
          {"frobenius", number ? json(g.frobenius) : json(nullptr)},
          {"mean_abs", number ? json(g.mean_abs) : json(nullptr)},
          {"log10_frobenius", number ? json(std::log10(g.frobenius)) : json(nullptr)},
          {"log10_mean_abs", number ? json(std::log10(g.mean_abs)) : json(nullptr)},
          {"status", status_name(g.status)},
          {"text", gradient_text(g.frobenius, g)},
          {"mean_text", gradient_text(g.mean_abs, g)},
          {"blocked_at", g.blocked_at}};
}

json report_json(const GradientReport& r) {
  json layers = json::array();
  for (const auto& g : r.layers) layers.push_back(layer_json(g));
  json out;
  out["loss"] = number_or_null(r.loss);
  out["layers"] = std::move(layers);
  out["diverged"] = r.diverged ? json{{"at", r.diverged->at}, {"reason", r.diverged->reason}}
                               : json(nullptr);
  return out;
}

/// What the chosen activation's numbers say, in sentences.
std::string explanation(const ChainSpec& spec, const GradientReport& r) {
  const LayerGradient& first = r.layers.front();
  const LayerGradient& last = r.layers.back();
  const std::string name = spec.activation;
  std::string s;
  if (first.status == GradientStatus::kFinite && last.status == GradientStatus::kFinite) {
    const double d = std::log10(first.frobenius) - std::log10(last.frobenius);
    const std::string ratio = fixed(d, 1);
    if (d < -1)
      s = "With " + name + ", ‖∂L/∂W‖ of layer 1 is 10^" + ratio + " times the output layer's: the "
          "gradient vanishes on its way back through " + std::to_string(spec.depth) +
          " layers, and the first layers barely learn.";
    else if (d > 1)
      s = "With " + name + ", ‖∂L/∂W‖ of layer 1 is 10^" + ratio + " times the output layer's: the "
          "gradient grows on its way back — it explodes.";
    else
      s = "With " + name + ", ‖∂L/∂W‖ of layer 1 and of the output layer are within a factor of "
          "10 (10^" + ratio + "): the gradient passes through the " + std::to_string(spec.depth) +
          " layers.";
    double largest = 0;
    for (const auto& g : r.layers) largest = std::max(largest, g.frobenius);
    if (largest > 1e3)
      s += " Every step of η = 0.1 would move the weights by up to " + fixed(0.1 * largest, 1) +
           " (‖∂L/∂W‖ up to 10^" + fixed(std::log10(largest), 1) +
           "): the gradient explodes, and a deeper chain overflows.";
  } else if (first.status == GradientStatus::kZero) {
    s = "With " + name + ", no gradient reaches layer 1: " + gradient_text(0, first) + ".";
  } else {
    s = "With " + name + ", the gradient overflowed: layer 1's ‖∂L/∂W‖ is " +
        gradient_text(first.frobenius, first) + ".";
  }
  return s;
}

}  // namespace

ChainSpec parse_chain(std::string_view json_text, const std::string& prefix) {
  const nlohmann::json o = parse_object(json_text, "chain");
  only_fields(o, prefix, {"depth", "width", "activation", "alpha", "init", "scale", "seed", "x", "y"});
  ChainSpec spec;
  if (o.contains("depth"))
    spec.depth = static_cast<int>(common::whole_number(o["depth"], prefix + "depth",
                                                       ChainLimits::kMinDepth, ChainLimits::kMaxDepth));
  if (o.contains("width"))
    spec.width = static_cast<int>(common::whole_number(o["width"], prefix + "width",
                                                       ChainLimits::kMinWidth, ChainLimits::kMaxWidth));
  const Activation f = activation_with_alpha(o, prefix);
  if (f.info().last_layer_only) {
    std::string list;
    for (const auto& row : activations())
      if (!row.last_layer_only && drawable(row)) list += (list.empty() ? "" : ", ") + std::string(row.name);
    fail(prefix + "activation", f.name + " is a function of a whole layer, for a last layer only; "
                                         "the chain takes " + list);
  }
  spec.activation = f.name;
  if (o.contains("alpha") && !o["alpha"].is_null()) spec.alpha = f.alpha;
  if (o.contains("init")) {
    const std::string name = text_field(o["init"], prefix + "init");
    const InitInfo* row = find_initializer(name);
    if (!row) {
      std::string list;
      for (const auto& r : initializers()) list += (list.empty() ? "" : ", ") + std::string(r.name);
      fail(prefix + "init", "expected one of " + list + ", got \"" + name + "\"");
    }
    spec.init = row->kind;
  }
  // A setting the initialiser does not read is refused, not ignored (a typo must show).
  const InitInfo& init = initializers()[static_cast<std::size_t>(spec.init)];
  const auto readers = [](bool InitInfo::*uses) {
    std::vector<std::string> names;
    for (const auto& r : initializers())
      if (r.*uses) names.emplace_back(r.name);
    std::string list;
    for (std::size_t i = 0; i < names.size(); ++i)
      list += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return list;
  };
  if (o.contains("scale") && !init.uses_scale)
    fail(prefix + "scale", "only " + readers(&InitInfo::uses_scale) + " read a scale, not " + std::string(init.name));
  if (o.contains("seed") && !init.uses_seed)
    fail(prefix + "seed", std::string(init.name) + " draws nothing, so it takes no seed (" +
                              readers(&InitInfo::uses_seed) + " do)");
  if (o.contains("scale")) {
    spec.scale = common::finite_number(o["scale"], prefix + "scale");
    if (!(spec.scale > 0) || spec.scale > ChainLimits::kMaxScale)
      fail(prefix + "scale", "expected a number greater than 0 and at most " +
                                 exact_text(ChainLimits::kMaxScale) + ", got " + exact_text(spec.scale));
  }
  if (o.contains("seed"))
    spec.seed = static_cast<std::uint64_t>(common::whole_number(o["seed"], prefix + "seed", 0, 1LL << 53));
  if (o.contains("x")) spec.x = common::finite_number(o["x"], prefix + "x");
  if (o.contains("y")) spec.y = common::finite_number(o["y"], prefix + "y");
  return spec;
}

Session chain_session(const ChainSpec& spec) {
  if (spec.depth < ChainLimits::kMinDepth || spec.depth > ChainLimits::kMaxDepth)
    fail("depth", "expected a whole number from " + std::to_string(ChainLimits::kMinDepth) + " to " +
                      std::to_string(ChainLimits::kMaxDepth) + ", got " + std::to_string(spec.depth));
  if (spec.width < ChainLimits::kMinWidth || spec.width > ChainLimits::kMaxWidth)
    fail("width", "expected a whole number from " + std::to_string(ChainLimits::kMinWidth) + " to " +
                      std::to_string(ChainLimits::kMaxWidth) + ", got " + std::to_string(spec.width));
  Activation f = activation_by_name(spec.activation, "activation");
  if (spec.alpha) f.alpha = *spec.alpha;
  Session s;
  s.steps = 1;
  s.seed = spec.seed;
  Uniform draw(spec.seed);
  int inputs = 1;
  for (int l = 0; l <= spec.depth; ++l) {
    const int units = l < spec.depth ? spec.width : 1;  // the output layer: one unit, as ŷ
    Layer layer{Eigen::MatrixXd(units, inputs), Eigen::VectorXd::Zero(units), f};
    initialize(spec.init, layer.W, spec.scale, draw);
    s.network.layers.push_back(std::move(layer));
    inputs = units;
  }
  s.batch.X = Eigen::MatrixXd::Constant(1, 1, spec.x);
  s.batch.Y = Eigen::MatrixXd::Constant(1, 1, spec.y);
  return s;
}

GradientReport step_gradients(const Session& session) {
  GradientReport report;
  const Trace trace = run(session.network, session.batch, session.loss, session.optimizer, 1);
  Pass pass;
  forward(session.network, session.batch, session.loss, pass);
  if (!trace.steps.empty()) {
    const StepTrace& step = trace.steps.front();
    report.loss = step.loss;
    for (std::size_t l = 0; l < step.layers.size(); ++l)
      report.layers.push_back(measure(static_cast<int>(l) + 1, step.layers[l].dW));
  } else {
    // The table stops at step 1 (a number overflowed); the same pass, unstopped, shows how.
    report.diverged = trace.diverged;
    report.loss = pass.loss;
    Pass raw = pass;
    backward(session.network, session.batch, session.loss, raw);
    for (std::size_t l = 0; l < raw.dW.size(); ++l)
      report.layers.push_back(measure(static_cast<int>(l) + 1, raw.dW[l]));
  }
  // Why a gradient is exactly 0: a layer of dead units on the way, ∂L/∂ŷ = 0, or underflow.
  Pass at_output = pass;
  backward(session.network, session.batch, session.loss, at_output);
  const bool at_target = at_output.db.back().isZero(0) && blocking_layer(session.network, pass, report.layers.size() - 1) < 0;
  for (std::size_t l = 0; l < report.layers.size(); ++l)
    if (report.layers[l].status == GradientStatus::kZero) {
      report.layers[l].blocked_at = blocking_layer(session.network, pass, l) + 1;
      report.layers[l].at_target = report.layers[l].blocked_at == 0 && at_target;
    }
  return report;
}

std::string_view status_name(GradientStatus status) {
  switch (status) {
    case GradientStatus::kFinite: return "finite";
    case GradientStatus::kZero: return "zero";
    case GradientStatus::kInfinite: return "inf";
    case GradientStatus::kNaN: return "nan";
  }
  return "nan";
}

std::string gradient_text(double value, const LayerGradient& g) {
  switch (g.status) {
    case GradientStatus::kZero:
      if (g.blocked_at > 0) return "0 (f′ = 0 at every unit of layer " + std::to_string(g.blocked_at) + ")";
      return g.at_target ? "0 (ŷ equals the target: ∂L/∂ŷ = 0)" : "0 (underflow)";
    case GradientStatus::kInfinite: return "inf (overflow)";
    case GradientStatus::kNaN: return "NaN (undefined: inf − inf or 0·inf)";
    case GradientStatus::kFinite: break;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.6e", value);
  return text;
}

std::string gradients_json(const GradientReport& report) { return report_json(report).dump(); }

std::string chain_gradients_json(std::string_view request) {
  const ChainSpec spec = parse_chain(request);
  const GradientReport chosen = step_gradients(chain_session(spec));
  json out = report_json(chosen);
  json chain = {{"depth", spec.depth},
                {"width", spec.width},
                {"activation", spec.activation},
                {"alpha", spec.alpha ? json(*spec.alpha)
                                     : number_or_null(activation_by_name(spec.activation).info().alpha.value_or(NAN))},
                {"init", initializers()[static_cast<std::size_t>(spec.init)].name},
                {"scale", spec.scale},
                {"seed", spec.seed},
                {"x", spec.x},
                {"y", spec.y}};
  json comparison = json::array();
  for (ActivationKind kind : {ActivationKind::kSigmoid, ActivationKind::kRelu}) {
    const std::string name(activation_info(kind).name);
    if (name == spec.activation) continue;
    ChainSpec other = spec;
    other.activation = name;
    other.alpha.reset();
    json r = report_json(step_gradients(chain_session(other)));
    comparison.push_back({{"activation", name}, {"layers", std::move(r["layers"])}});
  }
  json result;
  result["chain"] = std::move(chain);
  result["norms"] = "frobenius: ‖∂L/∂W‖_F = √(Σ (∂L/∂w)²) over the layer's weights; mean_abs: their mean |∂L/∂w|";
  result["loss"] = out["loss"];
  result["layers"] = out["layers"];
  result["diverged"] = out["diverged"];
  result["comparison"] = std::move(comparison);
  result["explanation"] = explanation(spec, chosen);
  result["slip"] = kSlip;
  return result.dump();
}

namespace {

/// What every curve writes alike: its samples (z, f, df; a value that is not finite as null),
/// the saturated intervals of `var` with their sentence (`none` when there are none, else `some`
/// then where), and f(0) and the extremes shown.
void write_curve(json& out, const ActivationCurve& c, int points, double from, double to,
                 const std::string& var, const std::string& none, const std::string& some) {
  json z = json::array(), y = json::array(), dy = json::array();
  for (int i = 0; i < points; ++i) {
    z.push_back(c.z[i]);
    y.push_back(number_or_null(c.y[i]));
    dy.push_back(number_or_null(c.dy[i]));
  }
  out["z"] = std::move(z);
  out["f"] = std::move(y);
  out["df"] = std::move(dy);
  out["saturation_threshold"] = kSaturationThreshold;
  json sat = json::array();
  std::string sat_text;
  for (const auto& s : c.saturated) {
    sat.push_back({{"from", s.from}, {"to", s.to}, {"from_edge", s.from_edge}, {"to_edge", s.to_edge}});
    const std::string lo = s.from_edge ? "" : fixed(s.from, 3) + " < ";
    const std::string hi = s.to_edge ? "" : " < " + fixed(s.to, 3);
    sat_text += (sat_text.empty() ? "" : " and ") + (s.from_edge && s.to_edge ? "every " + var + " shown" : lo + var + hi);
  }
  out["saturated"] = std::move(sat);
  out["saturation_text"] = c.saturated.empty()
                               ? "no saturation from " + exact_text(from) + " to " + exact_text(to) + ": " + none
                               : some + " where " + sat_text;
  out["zero_centred"] = c.zero_centred;
  out["negative_outputs"] = c.negative_outputs;
  out["f_at_zero"] = c.y_at_zero;
  out["f_min"] = number_or_null(c.y_min);
  out["f_max"] = number_or_null(c.y_max);
}

/// The output range of max_p (w_p x + b_p) over every real x: convex and piecewise linear, so
/// bounded below (at its lowest kink) exactly when its slopes are of both signs or zero.
std::string maxout_range_text(const std::vector<MaxoutPiece>& pieces) {
  double lo_w = pieces[0].w, hi_w = pieces[0].w;
  for (const auto& p : pieces) lo_w = std::min(lo_w, p.w), hi_w = std::max(hi_w, p.w);
  if (lo_w > 0 || hi_w < 0) return "(−∞, ∞)";
  if (lo_w == 0 && hi_w == 0) {
    const std::string c = exact_text(maxout_point(pieces, 0).y);
    return "[" + c + ", " + c + "]";
  }
  double m = std::numeric_limits<double>::infinity();
  for (std::size_t p = 0; p < pieces.size(); ++p)
    for (std::size_t q = p + 1; q < pieces.size(); ++q)
      if (pieces[p].w != pieces[q].w)
        m = std::min(m, maxout_point(pieces, (pieces[q].b - pieces[p].b) / (pieces[p].w - pieces[q].w)).y);
  return "[" + fixed(m, 4) + ", ∞)";
}

std::string maxout_curve_json(const nlohmann::json& o) {
  only_fields(o, "", {"activation", "pieces", "from", "to", "points", "at"});
  const std::vector<MaxoutPiece> pieces = parse_pieces(o);
  const auto [from, to, points] = parse_grid(o);
  const MaxoutCurve c = maxout_curve(pieces, from, to, points);
  const ActivationInfo& row = activation_info(ActivationKind::kMaxout);
  const int k = static_cast<int>(pieces.size());
  json out;
  out["activation"] = row.name;
  out["title"] = row.title;
  out["alpha"] = nullptr;
  std::string pieces_latex;
  json pieces_json = json::array();
  for (int p = 0; p < k; ++p) {
    pieces_latex += (p ? ",\\; " : "") + std::string("w_{") + std::to_string(p + 1) + "} x + b_{" + std::to_string(p + 1) + "}";
    pieces_json.push_back({{"w", pieces[p].w}, {"b", pieces[p].b}});
  }
  out["latex_f"] = k == 2 ? "y = \\max(" + pieces_latex + ")"
                         : "y = \\max_{p = 1, \\dots, " + std::to_string(k) + "} (w_{p} x + b_{p})";
  out["latex_df"] = "\\frac{dy}{dx} = w_{p^*},\\; p^* \\text{ the winner}";
  out["vector_note"] =
      "maxout is not a function of one z: each of its k = " + std::to_string(k) +
      " pieces is an affine map of the input, z_p = w_p·x + b_p, and y is the largest (the winner p*: "
      "on a tie, the first of the largest). It is drawn for one input x (the horizontal axis); the "
      "gradient flows to the winning piece only.";
  out["output"] = {{"lo", io::bound(row.output.lo)}, {"hi", io::bound(row.output.hi)},
                   {"lo_closed", row.output.lo_closed}, {"hi_closed", row.output.hi_closed},
                   {"text", maxout_range_text(pieces)}};
  out["from"] = from;
  out["to"] = to;
  out["pieces"] = std::move(pieces_json);
  write_curve(out, c, points, from, to, "x", "the winning piece's |w| ≥ 0.01 everywhere shown",
              "saturated (the winning piece's |w| < 0.01)");
  json winner = json::array(), lines = json::array();
  for (int i = 0; i < points; ++i) winner.push_back(c.winner[i] + 1);
  for (const auto& line : c.lines) {
    json l = json::array();
    for (double v : line) l.push_back(number_or_null(v));
    lines.push_back(std::move(l));
  }
  out["winner"] = std::move(winner);  // 1-based, as the pieces are named
  out["lines"] = std::move(lines);
  out["zero_centred_text"] =
      c.zero_centred ? "zero-centred with these pieces: y(−x) = −y(x) (y(0) = " + fixed(c.y_at_zero, 4) + ")"
      : c.negative_outputs
          ? "not zero-centred with these pieces: y(−x) ≠ −y(x), though some outputs are negative (y(0) = " +
                fixed(c.y_at_zero, 4) + ", lowest shown " + fixed(c.y_min, 4) + ")"
          : "not zero-centred with these pieces: no output is negative (y(0) = " + fixed(c.y_at_zero, 4) +
                ", lowest shown " + fixed(c.y_min, 4) + ")";
  out["range_text"] = "output range " + maxout_range_text(pieces) +
                      " (convex, piecewise linear); from " + fixed(c.y_min, 4) + " to " + fixed(c.y_max, 4) +
                      " on the x shown";
  if (o.contains("at")) {
    const double at = common::finite_number(o["at"], "at");
    const MaxoutPoint p = maxout_point(pieces, at);
    const int d = 4;
    json zs = json::array();
    std::string grads;
    for (int q = 0; q < k; ++q) {
      zs.push_back(p.z[q]);
      const std::string n = std::to_string(q + 1);
      grads += (q ? "; " : "") + std::string("∂y/∂w") + n + " = " + (q == p.winner ? fixed(at, d) : "0") +
               ", ∂y/∂b" + n + " = " + (q == p.winner ? "1" : "0");
    }
    out["point"] = {{"z", p.x},
                    {"f", number_or_null(p.y)},
                    {"df", number_or_null(p.dy)},
                    {"saturated", std::fabs(p.dy) < kSaturationThreshold},
                    {"z_pieces", std::move(zs)},
                    {"winner", p.winner + 1},
                    {"winner_text", "piece " + std::to_string(p.winner + 1) + " wins" +
                                        (std::count(p.z.begin(), p.z.end(), p.y) > 1 ? " (a tie: the first of the largest)" : "")},
                    {"gradients_text", grads + " (the gradient flows to the winning piece only)"},
                    {"latex_f", "y(" + fixed(p.x, d) + ") = z_{" + std::to_string(p.winner + 1) + "} = " + fixed(p.y, d)},
                    {"latex_df", "\\frac{dy}{dx} = w_{" + std::to_string(p.winner + 1) + "} = " + fixed(p.dy, d)}};
  } else {
    out["point"] = nullptr;
  }
  return out.dump();
}

}  // namespace

std::string activation_curve_json(std::string_view request) {
  const nlohmann::json o = parse_object(request, "curve");
  if (o.contains("activation") && o["activation"] == activation_info(ActivationKind::kMaxout).name)
    return maxout_curve_json(o);
  only_fields(o, "", {"activation", "alpha", "from", "to", "points", "at"});
  const Activation f = activation_with_alpha(o, "");
  const auto [from, to, points] = parse_grid(o);
  const ActivationCurve c = activation_curve(f, from, to, points);
  const ActivationInfo& row = f.info();

  json out;
  out["activation"] = row.name;
  out["title"] = row.title;
  out["alpha"] = f.has_alpha() ? json(f.alpha) : json(nullptr);
  if (f.is_softmax()) {
    out["latex_f"] = "y_1 = \\mathrm{softmax}(z, 0)_1 = \\frac{e^{z}}{e^{z} + e^{0}}";
    out["latex_df"] = "\\frac{\\partial y_1}{\\partial z} = y_1(1 - y_1)";
    out["vector_note"] =
        "softmax is a function of a whole vector (" + std::string(row.latex_f) +
        " over the layer's units), so it is drawn for two inputs, (z, 0): its first output y₁ "
        "against z, with ∂y₁/∂z₁ from softmax's Jacobian " + std::string(row.latex_df) +
        " at i = j = 1. This is σ(z): softmax of two is the sigmoid of their difference.";
  } else {
    out["latex_f"] = "y = " + std::string(row.latex_f);
    out["latex_df"] = "f'(z) = " + std::string(row.latex_df);
    out["vector_note"] = nullptr;
  }
  out["output"] = {{"lo", io::bound(row.output.lo)}, {"hi", io::bound(row.output.hi)},
                   {"lo_closed", row.output.lo_closed}, {"hi_closed", row.output.hi_closed},
                   {"text", range_text(row.output)}};
  out["from"] = from;
  out["to"] = to;
  write_curve(out, c, points, from, to, "z", "|f′(z)| ≥ 0.01 everywhere shown", "saturated (|f′(z)| < 0.01)");
  out["zero_centred_text"] =
      c.zero_centred ? "zero-centred: f(−z) = −f(z), so outputs are as often negative as positive (f(0) = " +
                           fixed(c.y_at_zero, 4) + ")"
      : c.negative_outputs
          ? "not zero-centred: f(−z) ≠ −f(z), though some outputs are negative (f(0) = " +
                fixed(c.y_at_zero, 4) + ", lowest shown " + fixed(c.y_min, 4) + ")"
          : "not zero-centred: no output is negative (f(0) = " + fixed(c.y_at_zero, 4) +
                ", lowest shown " + fixed(c.y_min, 4) + ")";
  out["range_text"] = "output range " + range_text(row.output) +
                      (f.has_alpha() && row.alpha && f.alpha != *row.alpha ? " (for α = " + exact_text(*row.alpha) + ")" : "") +
                      "; from " + fixed(c.y_min, 4) + " to " + fixed(c.y_max, 4) + " on the z shown";
  if (o.contains("at")) {
    const double at = common::finite_number(o["at"], "at");
    const ActivationPoint p = activation_point(f, at);
    const int k = 4;
    std::string substituted;
    if (f.is_softmax()) {
      substituted = fixed(p.y, k) + "\\,(1 - " + fixed(p.y, k) + ")";
    } else {
      const auto numbers = row.latex_derivative(
          {fixed(p.z, k), fixed(p.y, k), fixed(f.alpha, k), factor(p.z, k), factor(p.y, k), factor(f.alpha, k)},
          p.z, true);
      substituted = numbers ? *numbers : "1";
    }
    out["point"] = {{"z", p.z},
                    {"f", number_or_null(p.y)},
                    {"df", number_or_null(p.dy)},
                    {"saturated", std::fabs(p.dy) < kSaturationThreshold},
                    {"latex_f", (f.is_softmax() ? std::string("y_1") : std::string("f(") + fixed(p.z, k) + ")") +
                                    " = " + fixed(p.y, k)},
                    {"latex_df", "f'(" + fixed(p.z, k) + ") = " + substituted + " = " + fixed(p.dy, k)}};
  } else {
    out["point"] = nullptr;
  }
  return out.dump();
}

std::string explorer_schema_json() {
  json acts = io::activations_json();
  for (std::size_t i = 0; i < acts.size(); ++i) {
    const ActivationInfo& row = activations()[i];
    acts[i]["curve"] = drawable(row);
    acts[i]["chain"] = drawable(row) && !row.last_layer_only;
  }
  json inits = json::array();
  for (const auto& row : initializers())
    inits.push_back({{"name", row.name}, {"title", row.title}, {"formula", row.formula},
                     {"uses_scale", row.uses_scale}, {"uses_seed", row.uses_seed}});
  json schema;
  // maxout: drawn for one input x with its pieces (maxout_curve_json), not a hidden layer here;
  // a list of its own, as piecewise_activations() is not among activations().
  json piecewise = json::array();
  {
    const ActivationInfo& row = activation_info(ActivationKind::kMaxout);
    json pieces = json::array();
    for (const auto& p : MaxoutLimits::defaults()) pieces.push_back({{"w", p.w}, {"b", p.b}});
    piecewise.push_back({{"name", row.name}, {"title", row.title}, {"alpha", nullptr}, {"curve", true}, {"chain", false},
                    {"chain_note", "maxout is not in the deep chain: the chain's layers are element-wise units of one z each"},
                    {"pieces", {{"min", MaxoutLimits::kMinPieces}, {"max", MaxoutLimits::kMaxPieces},
                                {"default", MaxoutLimits::kMinPieces}, {"max_abs", MaxoutLimits::kMaxParameter},
                                {"defaults", std::move(pieces)}}}});
  }
  schema["activations"] = std::move(acts);
  schema["piecewise"] = std::move(piecewise);
  schema["initializers"] = std::move(inits);
  schema["chain"] = {
      {"depth", {{"min", ChainLimits::kMinDepth}, {"max", ChainLimits::kMaxDepth}, {"default", ChainLimits::kDefaultDepth}}},
      {"width", {{"min", ChainLimits::kMinWidth}, {"max", ChainLimits::kMaxWidth}, {"default", ChainLimits::kDefaultWidth}}},
      {"scale", {{"min", 0}, {"min_open", true}, {"max", ChainLimits::kMaxScale}, {"default", ChainLimits::kDefaultScale}}},
      {"seed", {{"min", 0}, {"max", 1LL << 53}, {"default", 1}}},
      {"defaults", {{"activation", ChainSpec{}.activation}, {"init", initializers().front().name}, {"x", ChainSpec{}.x}, {"y", ChainSpec{}.y}}},
      {"comparison", {activation_info(ActivationKind::kSigmoid).name, activation_info(ActivationKind::kRelu).name}}};
  schema["curve"] = {{"max_z", CurveLimits::kMaxZ},
                     {"at", 0.5},  // the lecture's z1 = w1·x = 0.5
                     {"from", CurveLimits::kDefaultFrom},
                     {"to", CurveLimits::kDefaultTo},
                     {"points", {{"min", CurveLimits::kMinPoints}, {"max", CurveLimits::kMaxPoints}, {"default", CurveLimits::kDefaultPoints}}}};
  schema["saturation_threshold"] = kSaturationThreshold;
  schema["slip"] = kSlip;
  return schema.dump();
}

}  // namespace nntutor
