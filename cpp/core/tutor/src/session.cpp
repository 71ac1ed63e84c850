#include "nntutor/session.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "nntutor/io/common.hpp"
#include "nntutor/error.hpp"

namespace nntutor {

namespace {

using common::describe;
using common::fail;
using common::finite_number;
using common::whole_number;
using common::Uniform;
using common::plural;
const auto exact_number = common::shortest_number;

using nlohmann::json;

std::string text(const json& j, const std::string& field) {
  if (!j.is_string()) fail(field, "expected a string, got " + describe(j));
  return j.get<std::string>();
}

/// An optional label of the session (`id`, `title`): a string of 1 to `max` characters, and for
/// an id only letters, digits, - and _ (it names files); never control characters.
std::string label(const json& j, const std::string& field, std::size_t max, bool id) {
  const std::string s = text(j, field);
  if (s.empty() || s.size() > max)
    fail(field, "expected 1 to " + std::to_string(max) + " characters, got " + std::to_string(s.size()));
  for (unsigned char c : s) {
    const bool ok = id ? (std::isalnum(c) != 0 || c == '-' || c == '_') : (c >= 0x20 && c != 0x7F);
    if (!ok)
      fail(field, id ? "expected letters, digits, - and _ only, got " + describe(j)
                     : "expected text without control characters, got " + describe(j));
  }
  return s;
}

/// Refuses a key of `object` that is neither `allowed` nor `unlisted`; the message lists `allowed`
/// minus `unlisted` (accepted, but left out of the list: the optional labels id and title, and
/// sgd's momentum and nesterov in a session that gives neither).
void only_fields(const json& object, const std::string& where,
                 const std::set<std::string>& allowed, const std::set<std::string>& unlisted = {}) {
  for (const auto& [key, value] : object.items())
    if (!allowed.count(key) && !unlisted.count(key)) {
      std::string list;
      for (const auto& a : allowed)
        if (!unlisted.count(a)) list += (list.empty() ? "" : ", ") + a;
      fail(where.empty() ? key : where + "." + key,
           "unknown field (expected one of " + list + ")");
    }
}

/// A samples × columns array of finite numbers, returned transposed: columns × samples.
Eigen::MatrixXd sample_matrix(const json& j, const std::string& field, int max_columns) {
  if (!j.is_array()) fail(field, "expected an array of samples (arrays of numbers), got " + describe(j));
  if (j.empty()) fail(field, "expected at least 1 sample, got none");
  if (j.size() > static_cast<std::size_t>(Limits::kMaxSamples))
    fail(field, "expected at most " + std::to_string(Limits::kMaxSamples) + " samples, got " +
                    std::to_string(j.size()));
  std::size_t columns = 0;
  for (std::size_t s = 0; s < j.size(); ++s) {
    const std::string row = field + "[" + std::to_string(s) + "]";
    if (!j[s].is_array()) fail(row, "expected an array of numbers, got " + describe(j[s]));
    if (s == 0) {
      columns = j[s].size();
      if (columns == 0) fail(row, "expected at least 1 number, got none");
      if (columns > static_cast<std::size_t>(max_columns))
        fail(row, "expected at most " + std::to_string(max_columns) + " numbers, got " +
                      std::to_string(columns));
    } else if (j[s].size() != columns) {
      fail(row, "expected " + plural(static_cast<long>(columns), "number") + " (like " + field +
                    "[0]), got " + std::to_string(j[s].size()));
    }
  }
  Eigen::MatrixXd m(static_cast<Eigen::Index>(columns), static_cast<Eigen::Index>(j.size()));
  for (std::size_t s = 0; s < j.size(); ++s)
    for (std::size_t c = 0; c < columns; ++c)
      m(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(s)) = finite_number(
          j[s][c], field + "[" + std::to_string(s) + "][" + std::to_string(c) + "]");
  return m;
}

Eigen::MatrixXd parse_weights(const json& j, const std::string& field, int units, int inputs) {
  const auto shape = plural(units, "row") + " of " + plural(inputs, "number");
  if (!j.is_array()) fail(field, "expected " + shape + ", got " + describe(j));
  if (j.size() != static_cast<std::size_t>(units))
    fail(field, "expected " + shape + ", got " + plural(static_cast<long>(j.size()), "row"));
  Eigen::MatrixXd W(units, inputs);
  for (int r = 0; r < units; ++r) {
    const std::string row = field + "[" + std::to_string(r) + "]";
    const json& jr = j[static_cast<std::size_t>(r)];
    if (!jr.is_array())
      fail(row, "expected " + plural(inputs, "number") + " (one per input), got " + describe(jr));
    if (jr.size() != static_cast<std::size_t>(inputs))
      fail(row, "expected " + plural(inputs, "number") + " (one per input), got " +
                    std::to_string(jr.size()));
    for (int c = 0; c < inputs; ++c)
      W(r, c) = finite_number(jr[static_cast<std::size_t>(c)], row + "[" + std::to_string(c) + "]");
  }
  return W;
}

Eigen::VectorXd parse_biases(const json& j, const std::string& field, int units) {
  if (!j.is_array())
    fail(field, "expected " + plural(units, "number") + " (one per unit), got " + describe(j));
  if (j.size() != static_cast<std::size_t>(units))
    fail(field, "expected " + plural(units, "number") + " (one per unit), got " +
                    std::to_string(j.size()));
  Eigen::VectorXd b(units);
  for (int r = 0; r < units; ++r)
    b(r) = finite_number(j[static_cast<std::size_t>(r)], field + "[" + std::to_string(r) + "]");
  return b;
}

/// A maxout layer's weights, [unit][piece][input] as the Keras model's (docs/model.md), into the
/// rows j·k + p of W.
Eigen::MatrixXd parse_piece_weights(const json& j, const std::string& field, int units, int pieces,
                                    int inputs) {
  const auto shape = plural(units, "unit") + " of " + plural(pieces, "piece") + " of " +
                     plural(inputs, "number");
  if (!j.is_array()) fail(field, "expected " + shape + " ([unit][piece][input]), got " + describe(j));
  if (j.size() != static_cast<std::size_t>(units))
    fail(field, "expected " + shape + " ([unit][piece][input]), got " +
                    plural(static_cast<long>(j.size()), "unit"));
  Eigen::MatrixXd W(units * pieces, inputs);
  for (int u = 0; u < units; ++u) {
    const std::string at = field + "[" + std::to_string(u) + "]";
    W.middleRows(u * pieces, pieces) = parse_weights(j[static_cast<std::size_t>(u)], at, pieces, inputs);
  }
  return W;
}

/// A maxout layer's biases, [unit][piece], into the rows j·k + p of b.
Eigen::VectorXd parse_piece_biases(const json& j, const std::string& field, int units, int pieces) {
  const auto shape = plural(units, "unit") + " of " + plural(pieces, "number") + " (one per piece)";
  if (!j.is_array()) fail(field, "expected " + shape + ", got " + describe(j));
  if (j.size() != static_cast<std::size_t>(units))
    fail(field, "expected " + shape + ", got " + plural(static_cast<long>(j.size()), "unit"));
  Eigen::VectorXd b(units * pieces);
  for (int u = 0; u < units; ++u) {
    const std::string at = field + "[" + std::to_string(u) + "]";
    const json& ju = j[static_cast<std::size_t>(u)];
    if (!ju.is_array() || ju.size() != static_cast<std::size_t>(pieces))
      fail(at, "expected " + plural(pieces, "number") + " (one per piece), got " +
                   (ju.is_array() ? std::to_string(ju.size()) : describe(ju)));
    for (int p = 0; p < pieces; ++p)
      b(u * pieces + p) = finite_number(ju[static_cast<std::size_t>(p)], at + "[" + std::to_string(p) + "]");
  }
  return b;
}

void check_work(const Session& s, const std::string& field) {
  const long parameters = s.is_graph() ? s.graph->parameters() : s.network.parameters();
  const double work = static_cast<double>(s.steps) * s.batch.samples() *
                      static_cast<double>(parameters);
  if (work > Limits::kMaxWork)
    fail(field, "this session needs " + std::to_string(s.steps) + " steps × " +
                    plural(s.batch.samples(), "sample") + " × " +
                    plural(parameters, "parameter") +
                    ", more than the limit of 2e8; use fewer steps or a smaller network");
  // Each recorded step holds W, b, ∂L/∂W, ∂L/∂b, the optimizer's state, z and y per unit and
  // sample, and with mini-batches the batch.
  long units = 0;
  for (const auto& layer : s.network.layers) units += layer.units() * layer.pieces();
  if (s.is_graph()) units = s.graph->nodes();
  const double slots = static_cast<double>(s.optimizer.slots().size());
  const double per_step = (2.0 + slots) * static_cast<double>(parameters) +
                          2.0 * static_cast<double>(units) * s.batch.samples() + 1 +
                          (s.optimizer.mini_batch(s.batch.samples()) ? s.batch.samples() : 0);
  if (static_cast<double>(s.steps) * per_step > Limits::kMaxTraceNumbers)
    fail(field, "a table of " + std::to_string(s.steps) + " steps × " +
                    std::to_string(static_cast<long>(per_step)) +
                    " numbers is more than the limit of 5e6 numbers; use fewer steps or a "
                    "smaller network");
}

/// The optimizer object: its name, then only that optimizer's hyperparameters (Keras 3's
/// defaults; learning_rate 0.1 for sgd as in the lecture, Keras' 0.001 for the others), and for
/// every optimizer the mini-batches: batch_size and shuffle_seed.
void parse_optimizer(const json& o, Session& s) {
  if (!o.is_object())
    fail("optimizer", "expected an object like {\"name\": \"sgd\", \"learning_rate\": 0.1}, got " +
                          describe(o));
  using keras::OptimizerKind;
  OptimizerSettings& opt = s.optimizer;
  if (o.contains("name"))
    opt.kind = keras::parse_optimizer_kind(text(o["name"], "optimizer.name"), "optimizer.name");
  if (opt.kind != OptimizerKind::kSgd) opt.learning_rate = keras::default_optimizer(opt.kind).learning_rate;
  // Which optimizers take each hyperparameter: the math layer's rows (keras/src/optimizers/*.py).
  keras::OptimizerConfig config = opt.keras_config();
  std::set<std::string> allowed = {"name", "learning_rate", "batch_size", "shuffle_seed"};
  for (const auto& h : keras::hyperparameters()) {
    if (!h.worked_example) continue;
    std::vector<std::string> who;
    for (const auto& row : keras::optimizers())
      for (std::string_view name : row.hyperparameters)
        if (name == h.name) who.emplace_back(row.name);
    const auto& own = keras::optimizer_info(opt.kind).hyperparameters;
    if (std::find(own.begin(), own.end(), h.name) != own.end()) {
      allowed.emplace(h.name);
    } else if (o.contains(h.name) && !h.also_elsewhere_in_keras) {
      std::string list;
      for (std::size_t i = 0; i < who.size(); ++i)
        list += (i == 0 ? "" : i + 1 == who.size() ? " and " : ", ") + who[i];
      fail("optimizer." + std::string(h.name), "only " + list + " take" + (who.size() == 1 ? "s " : " ") +
                                                   std::string(h.name) + ", not " + keras::optimizer_name(opt.kind));
    }
  }
  // The lecture's gradient descent names only its own fields: sgd's momentum and nesterov (the
  // row's slots_need and what goes with it) join the list once the object gives one of them.
  std::set<std::string> unlisted;
  const keras::OptimizerInfo& row = keras::optimizer_info(opt.kind);
  if (!row.slots_need.empty()) {
    for (std::string_view name : row.hyperparameters) unlisted.emplace(name);
    for (std::string_view name : row.hyperparameters)
      if (o.contains(std::string(name))) unlisted.clear();
  }
  only_fields(o, "optimizer", allowed, unlisted);
  if (o.contains("learning_rate")) {
    const double eta = finite_number(o["learning_rate"], "optimizer.learning_rate");
    if (!(eta > 0))
      fail("optimizer.learning_rate", "expected a number greater than 0, got " + o["learning_rate"].dump());
    opt.learning_rate = eta;
  }
  config.learning_rate = opt.learning_rate;
  for (const auto& h : keras::hyperparameters()) {
    const std::string name(h.name);
    if (!allowed.count(name) || !o.contains(name)) continue;
    if (!h.is_flag()) {
      config.*h.field = finite_number(o[name], "optimizer." + name);
    } else if (o[name].is_boolean()) {
      config.*h.flag = o[name].get<bool>();
    } else {
      fail("optimizer." + name, "expected true or false, got " + describe(o[name]));
    }
  }
  keras::validate(config, "optimizer");  // the ranges, named optimizer.beta_1 …
  opt.set_config(config);
  if (o.contains("batch_size"))
    opt.batch_size = static_cast<int>(whole_number(o["batch_size"], "optimizer.batch_size", 1, Limits::kMaxSamples));
  if (o.contains("shuffle_seed"))
    opt.shuffle_seed = static_cast<std::uint64_t>(whole_number(o["shuffle_seed"], "optimizer.shuffle_seed", 0, 1LL << 53));
}

/// The rows' pairings (math/loss.hpp, activation.hpp): an activation for the last layer only
/// (softmax) only there and only with the loss that requires it (cross_entropy, whose gradient
/// ŷ − y is taken from the logits), and that loss only after it; the targets each loss takes
/// (bce's and cross_entropy's are probabilities; cross_entropy's add up to 1 per sample, so that
/// ∂L/∂z_i = ŷ_i − y_i).
void check_targets(const Session& s);

void check_loss_and_outputs(const Session& s) {
  if (s.is_graph()) {  // every node is element-wise (the parser refuses softmax): no pairing to check
    const LossInfo& loss = s.loss.info();
    if (loss.requires_output)
      fail("loss", s.loss.name + " needs " + std::string(activation_info(*loss.requires_output).name) +
                       " on a whole output layer, which a graph session cannot have (use half_sse, mse, mae, msle or bce)");
    check_targets(s);
    return;
  }
  const auto& layers = s.network.layers;
  const std::size_t last = layers.size() - 1;
  const LossInfo& loss = s.loss.info();
  const auto loss_requiring = [](ActivationKind f) -> std::string {
    for (const auto& row : losses())
      if (row.requires_output == f) return std::string(row.name);
    return "";
  };
  for (std::size_t l = 0; l < last; ++l)
    if (layers[l].f.info().last_layer_only)
      fail("layers[" + std::to_string(l) + "].activation",
           layers[l].f.name + " is allowed only in the last layer (with the loss " +
               loss_requiring(layers[l].f.kind) + ")");
  const std::string at_last = "layers[" + std::to_string(last) + "]";
  const Activation& out = layers[last].f;
  if (out.info().last_layer_only && loss.requires_output != out.kind)
    fail(at_last + ".activation", out.name + " goes with the loss " + loss_requiring(out.kind) +
                                      " (then ∂L/∂z = ŷ − y), not " + s.loss.name);
  if (loss.requires_output && *loss.requires_output != out.kind)
    fail("loss", s.loss.name + " needs " + std::string(activation_info(*loss.requires_output).name) +
                     " in the last layer (" + at_last + ".activation is " + out.name + ")");
  check_targets(s);
}

/// The targets each loss takes (bce's and cross_entropy's are probabilities; cross_entropy's add
/// up to 1 per sample).
void check_targets(const Session& s) {
  const LossInfo& loss = s.loss.info();
  if (loss.targets == Targets::kAny) return;
  const Eigen::MatrixXd& Y = s.batch.Y;  // outputs × samples
  for (Eigen::Index n = 0; n < Y.cols(); ++n) {
    for (Eigen::Index k = 0; k < Y.rows(); ++k)
      if (!(Y(k, n) >= 0 && Y(k, n) <= 1))
        fail("targets[" + std::to_string(n) + "][" + std::to_string(k) + "]",
             s.loss.name + " expects targets from 0 to 1 (probabilities), got " + exact_number(Y(k, n)));
    if (loss.targets == Targets::kDistribution && std::fabs(Y.col(n).sum() - 1) > 1e-6)
      fail("targets[" + std::to_string(n) + "]",
           s.loss.name + " expects the targets of a sample to add up to 1 (one class, or "
           "probabilities), got " + exact_number(Y.col(n).sum()));
  }
}

}  // namespace

std::string limits_json() {
  return nlohmann::ordered_json{{"layers", Limits::kMaxLayers},     {"units", Limits::kMaxUnits},
                                {"features", Limits::kMaxFeatures}, {"samples", Limits::kMaxSamples},
                                {"steps", Limits::kMaxSteps},       {"work", Limits::kMaxWork},
                                {"trace_numbers", Limits::kMaxTraceNumbers},
                                {"page",
                                 {{"layers", PageLimits::kMaxLayers},
                                  {"units", PageLimits::kMaxUnits},
                                  {"features", PageLimits::kMaxFeatures},
                                  {"samples", PageLimits::kMaxSamples},
                                  {"steps", PageLimits::kMaxSteps}}}}
      .dump();
}

void check_page_limits(const Session& session) {
  const auto over = [](const std::string& field, const std::string& what, long long limit,
                       long long got) {
    if (got > limit)
      fail(field, "the page allows at most " + std::to_string(limit) + " " + what + ", got " +
                      std::to_string(got));
  };
  const auto& layers = session.network.layers;
  if (session.is_graph()) {
    over("graph.nodes", "neurons", GraphLimits::kPageMaxNodes, session.graph->nodes());
    over("graph.edges", "edges", GraphLimits::kPageMaxEdges, static_cast<long long>(session.graph->edges.size()));
  }
  over("layers", "layers", PageLimits::kMaxLayers, static_cast<long long>(layers.size()));
  for (std::size_t l = 0; l < layers.size(); ++l)
    over("layers[" + std::to_string(l) + "].units", "units per layer", PageLimits::kMaxUnits,
         layers[l].units());
  over("inputs", "samples", PageLimits::kMaxSamples, session.batch.X.cols());
  over("inputs[0]", "input features", PageLimits::kMaxFeatures, session.batch.X.rows());
  over("steps", "steps", PageLimits::kMaxSteps, session.steps);
}

void set_steps(Session& session, long long steps, const std::string& field) {
  if (steps < 0 || steps > Limits::kMaxSteps)
    fail(field, "expected a whole number from 0 to " + std::to_string(Limits::kMaxSteps) +
                    ", got " + std::to_string(steps));
  Session checked = session;  // a rejected value must leave the session as it was
  checked.steps = static_cast<int>(steps);
  check_work(checked, field);
  session.steps = checked.steps;
}

Session parse_session(std::string_view json_text) {
  const json root = common::parse_json(json_text, "session");
  if (!root.is_object()) fail("session", "expected a JSON object, got " + describe(root));
  only_fields(root, "", {"inputs", "targets", "layers", "loss", "optimizer", "steps", "seed"}, {"id", "title", "graph"});

  Session s;
  if (root.contains("id")) s.id = label(root["id"], "id", 32, true);
  if (root.contains("title")) s.title = label(root["title"], "title", 200, false);
  const bool graph = root.contains("graph");  // the graph form (docs/graph.md)
  if (graph && root.contains("layers"))
    fail("graph", "a session has layers or a graph, not both");
  for (const char* required : {"inputs", "targets", graph ? "graph" : "layers"})
    if (!root.contains(required)) fail(required, "required field is missing");

  s.batch.X = sample_matrix(root["inputs"], "inputs", Limits::kMaxFeatures);
  s.batch.Y = sample_matrix(root["targets"], "targets", Limits::kMaxUnits);
  if (s.batch.Y.cols() != s.batch.X.cols())
    fail("targets", "expected " + plural(s.batch.X.cols(), "sample") +
                        " (one per row of inputs), got " + std::to_string(s.batch.Y.cols()));

  if (root.contains("seed"))
    s.seed = static_cast<std::uint64_t>(whole_number(root["seed"], "seed", 0, 1LL << 53));
  if (root.contains("steps"))
    s.steps = static_cast<int>(whole_number(root["steps"], "steps", 0, Limits::kMaxSteps));
  if (root.contains("loss")) s.loss = loss_by_name(text(root["loss"], "loss"), "loss");
  else s.loss = loss_by_name(std::string(loss_info(LossKind::kHalfSse).name));
  if (root.contains("optimizer")) parse_optimizer(root["optimizer"], s);

  if (graph) {
    s.graph = std::make_shared<const GraphNetwork>(
        parse_graph(root["graph"].dump(), static_cast<int>(s.batch.X.rows()),
                    static_cast<int>(s.batch.Y.rows()), s.seed));
    check_loss_and_outputs(s);
    check_work(s, "steps");
    return s;
  }
  const json& layers = root["layers"];
  if (!layers.is_array()) fail("layers", "expected an array of layers, got " + describe(layers));
  if (layers.empty()) fail("layers", "expected at least 1 layer, got none");
  if (layers.size() > static_cast<std::size_t>(Limits::kMaxLayers))
    fail("layers", "expected at most " + std::to_string(Limits::kMaxLayers) + " layers, got " +
                       std::to_string(layers.size()));
  Uniform uniform(s.seed);
  int inputs = static_cast<int>(s.batch.X.rows());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string at = "layers[" + std::to_string(i) + "]";
    const json& jl = layers[i];
    if (!jl.is_object()) fail(at, "expected an object with units and activation, got " + describe(jl));
    // pieces belongs to maxout only (a row with pieces > 0): named so on any other layer.
    const ActivationInfo* named = jl.contains("activation") && jl["activation"].is_string()
                                      ? find_layer_activation(jl["activation"].get<std::string>())
                                      : nullptr;
    if (jl.contains("pieces") && named && named->pieces == 0)
      fail(at + ".pieces", "only maxout takes pieces, not " + std::string(named->name));
    if (named && named->pieces > 0)
      only_fields(jl, at, {"units", "activation", "alpha", "pieces", "weights", "biases"});
    else
      only_fields(jl, at, {"units", "activation", "alpha", "weights", "biases"});
    for (const char* required : {"units", "activation"})
      if (!jl.contains(required)) fail(at + "." + required, "required field is missing");
    const int units = static_cast<int>(whole_number(jl["units"], at + ".units", 1, Limits::kMaxUnits));
    Layer layer;
    layer.f = layer_activation_by_name(text(jl["activation"], at + ".activation"), at + ".activation");
    if (jl.contains("alpha")) {
      if (!layer.f.has_alpha())
        fail(at + ".alpha", "only leaky_relu and elu take alpha, not " + layer.f.name);
      layer.f.alpha = finite_number(jl["alpha"], at + ".alpha");
    }
    const ActivationInfo& row = layer.f.info();
    if (jl.contains("pieces")) {
      layer.f.pieces = static_cast<int>(whole_number(jl["pieces"], at + ".pieces", row.min_pieces, row.max_pieces));
    }
    const int k = layer.f.pieces;
    if (jl.contains("weights")) {
      layer.W = k > 1 ? parse_piece_weights(jl["weights"], at + ".weights", units, k, inputs)
                      : parse_weights(jl["weights"], at + ".weights", units, inputs);
    } else {
      // As Keras' Dense; a maxout layer as a dense layer of units·k outputs (the Keras model's).
      layer.W.resize(units * k, inputs);
      glorot_uniform(layer.W, uniform);
    }
    if (!jl.contains("biases")) layer.b = Eigen::VectorXd::Zero(units * k);
    else layer.b = k > 1 ? parse_piece_biases(jl["biases"], at + ".biases", units, k)
                         : parse_biases(jl["biases"], at + ".biases", units);
    s.network.layers.push_back(std::move(layer));
    inputs = units;
  }
  const int outputs = s.network.outputs();
  if (outputs != s.batch.Y.rows())
    fail("layers[" + std::to_string(layers.size() - 1) + "].units",
         "expected " + std::to_string(s.batch.Y.rows()) +
             " (the number of target columns), got " + std::to_string(outputs));
  check_loss_and_outputs(s);
  check_work(s, "steps");
  return s;
}

std::string session_to_json(const Session& s) {
  nlohmann::ordered_json j;
  j["inputs"] = common::matrix_json(s.batch.X.transpose());
  j["targets"] = common::matrix_json(s.batch.Y.transpose());
  auto layers = nlohmann::ordered_json::array();
  if (s.is_graph()) j["graph"] = nlohmann::ordered_json::parse(graph_to_json(*s.graph));
  for (const auto& layer : s.network.layers) {
    nlohmann::ordered_json jl;
    jl["units"] = layer.units();
    jl["activation"] = layer.f.name;
    if (layer.f.has_alpha()) jl["alpha"] = layer.f.alpha;
    if (layer.f.is_piecewise()) {  // [unit][piece][input] and [unit][piece]
      const int k = layer.pieces();
      jl["pieces"] = k;
      auto weights = nlohmann::ordered_json::array(), biases = nlohmann::ordered_json::array();
      for (int u = 0; u < layer.units(); ++u) {
        weights.push_back(common::matrix_json<nlohmann::ordered_json>(Eigen::MatrixXd(layer.W.middleRows(u * k, k))));
        biases.push_back(common::vector_json<nlohmann::ordered_json>(Eigen::VectorXd(layer.b.segment(u * k, k))));
      }
      jl["weights"] = std::move(weights);
      jl["biases"] = std::move(biases);
    } else {
      jl["weights"] = common::matrix_json(layer.W);
      jl["biases"] = common::vector_json(layer.b);
    }
    layers.push_back(std::move(jl));
  }
  if (!s.is_graph()) j["layers"] = std::move(layers);
  j["loss"] = s.loss.name;
  const OptimizerSettings& o = s.optimizer;
  nlohmann::ordered_json opt = {{"name", keras::optimizer_name(o.kind)}, {"learning_rate", o.learning_rate}};
  switch (o.kind) {
    case keras::OptimizerKind::kSgd:
      if (o.momentum != 0 || std::signbit(o.momentum) || o.nesterov) {  // absent: plain gradient descent
        opt["momentum"] = o.momentum;
        opt["nesterov"] = o.nesterov;
      }
      break;
    case keras::OptimizerKind::kAdagrad:
      opt["initial_accumulator_value"] = o.initial_accumulator_value;
      opt["epsilon"] = o.epsilon;
      break;
    case keras::OptimizerKind::kRmsprop:
      opt["rho"] = o.rho;
      opt["epsilon"] = o.epsilon;
      break;
    case keras::OptimizerKind::kAdam:
      opt["beta_1"] = o.beta_1;
      opt["beta_2"] = o.beta_2;
      opt["epsilon"] = o.epsilon;
      break;
  }
  if (o.batch_size > 0) {  // absent: every sample each step (and no shuffling to write)
    opt["batch_size"] = o.batch_size;
    opt["shuffle_seed"] = o.shuffle_seed;
  }
  j["optimizer"] = std::move(opt);
  j["steps"] = s.steps;
  j["seed"] = s.seed;
  if (!s.id.empty()) j["id"] = s.id;
  if (!s.title.empty()) j["title"] = s.title;
  return j.dump();
}

Trace run(const Session& session) {
  if (session.is_graph())
    return graph_run(*session.graph, session.batch, session.loss, session.optimizer, session.steps);
  return run(session.network, session.batch, session.loss, session.optimizer, session.steps);
}

}  // namespace nntutor
