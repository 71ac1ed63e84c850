#include "nntutor/model_json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "nntutor/dataset.hpp"
#include "nntutor/io/common.hpp"
#include "nntutor/error.hpp"

namespace nntutor::keras {

namespace {

using common::describe;
using common::fail;
using common::finite_number;
using common::whole_number;
using common::plural;

using nlohmann::json;
using nlohmann::ordered_json;
using Eigen::Index;

std::string text(const json& j, const std::string& field) {
  if (!j.is_string()) fail(field, "expected a string, got " + describe(j));
  return j.get<std::string>();
}

bool boolean(const json& j, const std::string& field) {
  if (!j.is_boolean()) fail(field, "expected true or false, got " + describe(j));
  return j.get<bool>();
}

void only_fields(const json& object, const std::string& where, const std::set<std::string>& allowed) {
  for (const auto& [key, value] : object.items())
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(where.empty() ? key : where + "." + key, "unknown field (expected one of " + list + ")");
    }
}

void require(const json& object, const std::string& where, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (!object.contains(name)) fail(where.empty() ? name : where + "." + name, "required field is missing");
}

Eigen::VectorXd vector_of(const json& j, const std::string& field, Index size, const char* what) {
  const std::string shape = plural(size, "number") + " (" + what + ")";
  if (!j.is_array()) fail(field, "expected " + shape + ", got " + describe(j));
  if (j.size() != static_cast<std::size_t>(size))
    fail(field, "expected " + shape + ", got " + std::to_string(j.size()));
  Eigen::VectorXd v(size);
  for (Index i = 0; i < size; ++i)
    v(i) = finite_number(j[static_cast<std::size_t>(i)], field + "[" + std::to_string(i) + "]");
  return v;
}

/// rows arrays of `cols` numbers each, into rows first..first+rows of `out` with a row stride.
Eigen::MatrixXd matrix_of(const json& j, const std::string& field, Index rows, Index cols,
                          const char* row_what) {
  const std::string shape = plural(rows, "row") + " of " + plural(cols, "number") + " (" + row_what + ")";
  if (!j.is_array()) fail(field, "expected " + shape + ", got " + describe(j));
  if (j.size() != static_cast<std::size_t>(rows))
    fail(field, "expected " + shape + ", got " + plural(static_cast<long long>(j.size()), "row"));
  Eigen::MatrixXd m(rows, cols);
  for (Index r = 0; r < rows; ++r)
    m.row(r) = vector_of(j[static_cast<std::size_t>(r)], field + "[" + std::to_string(r) + "]", cols,
                         "one per input").transpose();
  return m;
}

LayerKind layer_kind(const std::string& name, const std::string& field) {
  for (auto kind : {LayerKind::kDense, LayerKind::kBatchNormalization, LayerKind::kActivation,
                    LayerKind::kMaxout})
    if (name == layer_type_name(kind)) return kind;
  fail(field, "expected dense, batch_normalization, activation or maxout, got " + describe(json(name)));
}

void parse_mode(const json& o, const std::string& at) {
  if (!o.contains("mode")) return;
  const std::string mode = text(o["mode"], at + ".mode");
  if (mode != "auto" && mode != "min")
    fail(at + ".mode", "expected auto or min (the monitored loss is minimised), got " + describe(o["mode"]));
}

LayerConfig parse_layer(const json& jl, const std::string& at, int inputs) {
  if (!jl.is_object())
    fail(at, "expected an object like {\"type\": \"dense\", \"units\": 64}, got " + describe(jl));
  require(jl, at, {"type"});
  LayerConfig c;
  c.kind = layer_kind(text(jl["type"], at + ".type"), at + ".type");
  switch (c.kind) {
    case LayerKind::kDense:
      only_fields(jl, at, {"type", "name", "units", "activation", "alpha", "use_bias", "weights", "biases"});
      require(jl, at, {"units"});
      break;
    case LayerKind::kMaxout:
      only_fields(jl, at, {"type", "name", "units", "pieces", "use_bias", "weights", "biases"});
      require(jl, at, {"units"});
      break;
    case LayerKind::kBatchNormalization:
      only_fields(jl, at, {"type", "name", "momentum", "epsilon", "gamma", "beta", "moving_mean",
                           "moving_variance"});
      break;
    case LayerKind::kActivation:
      only_fields(jl, at, {"type", "name", "activation", "alpha"});
      require(jl, at, {"activation"});
      break;
  }
  if (jl.contains("name")) {
    c.name = text(jl["name"], at + ".name");
    if (c.name.empty()) fail(at + ".name", "expected 1 to " + std::to_string(ModelLimits::kMaxNameLength) + " characters, got 0");
  }
  if (jl.contains("units"))
    c.units = static_cast<int>(whole_number(jl["units"], at + ".units", 1, ModelLimits::kMaxUnits));
  if (jl.contains("pieces"))
    c.pieces = static_cast<int>(whole_number(jl["pieces"], at + ".pieces", 2, ModelLimits::kMaxPieces));
  if (jl.contains("activation"))
    c.activation = parse_activation(text(jl["activation"], at + ".activation"), at + ".activation");
  if (jl.contains("alpha")) c.alpha = finite_number(jl["alpha"], at + ".alpha");
  if (jl.contains("use_bias")) c.use_bias = boolean(jl["use_bias"], at + ".use_bias");
  if (jl.contains("momentum")) c.momentum = finite_number(jl["momentum"], at + ".momentum");
  if (jl.contains("epsilon")) c.epsilon = finite_number(jl["epsilon"], at + ".epsilon");
  if (c.kind == LayerKind::kDense) {
    if (jl.contains("weights"))
      c.weights = matrix_of(jl["weights"], at + ".weights", c.units, inputs, "one row per unit");
    if (jl.contains("biases") && c.use_bias)
      c.biases = vector_of(jl["biases"], at + ".biases", c.units, "one per unit");
  }
  if (c.kind == LayerKind::kMaxout) {
    const int k = c.pieces;
    if (jl.contains("weights")) {
      // [unit][piece][input] → row unit·pieces + piece
      const json& w = jl["weights"];
      const std::string field = at + ".weights";
      const std::string shape = plural(c.units, "unit") + " × " + plural(k, "piece") + " × " +
                                plural(inputs, "number");
      if (!w.is_array()) fail(field, "expected " + shape + ", got " + describe(w));
      if (w.size() != static_cast<std::size_t>(c.units))
        fail(field, "expected " + shape + ", got " + plural(static_cast<long long>(w.size()), "unit"));
      c.weights.resize(static_cast<Index>(c.units) * k, inputs);
      for (int j = 0; j < c.units; ++j)
        c.weights.middleRows(static_cast<Index>(j) * k, k) =
            matrix_of(w[static_cast<std::size_t>(j)], field + "[" + std::to_string(j) + "]", k, inputs,
                      "one row per piece");
    }
    if (jl.contains("biases") && c.use_bias) {
      const json& b = jl["biases"];
      const std::string field = at + ".biases";
      if (!b.is_array() || b.size() != static_cast<std::size_t>(c.units))
        fail(field, "expected " + plural(c.units, "array") + " of " + plural(k, "number") +
                        " (one per unit and piece), got " + describe(b));
      c.biases.resize(static_cast<Index>(c.units) * k);
      for (int j = 0; j < c.units; ++j)
        c.biases.segment(static_cast<Index>(j) * k, k) =
            vector_of(b[static_cast<std::size_t>(j)], field + "[" + std::to_string(j) + "]", k, "one per piece");
    }
  }
  if (jl.contains("biases") && !c.use_bias) fail(at + ".biases", "use_bias is false, so the layer has no biases");
  if (c.kind == LayerKind::kBatchNormalization) {
    if (jl.contains("gamma")) c.gamma = vector_of(jl["gamma"], at + ".gamma", inputs, "one per feature");
    if (jl.contains("beta")) c.beta = vector_of(jl["beta"], at + ".beta", inputs, "one per feature");
    if (jl.contains("moving_mean"))
      c.moving_mean = vector_of(jl["moving_mean"], at + ".moving_mean", inputs, "one per feature");
    if (jl.contains("moving_variance"))
      c.moving_variance = vector_of(jl["moving_variance"], at + ".moving_variance", inputs, "one per feature");
  }
  return c;
}

OptimizerConfig parse_optimizer(const json& o) {
  const std::string at = "optimizer";
  if (o.is_string()) return default_optimizer(parse_optimizer_kind(o.get<std::string>(), at));
  if (!o.is_object())
    fail(at, "expected a name like \"adam\" or an object like {\"name\": \"adam\", \"learning_rate\": 0.001}, got " +
                 describe(o));
  require(o, at, {"name"});
  OptimizerConfig c = default_optimizer(parse_optimizer_kind(text(o["name"], at + ".name"), at + ".name"));
  switch (c.kind) {
    case OptimizerKind::kSgd: only_fields(o, at, {"name", "learning_rate", "momentum", "nesterov"}); break;
    case OptimizerKind::kAdagrad:
      only_fields(o, at, {"name", "learning_rate", "initial_accumulator_value", "epsilon"});
      break;
    case OptimizerKind::kRmsprop: only_fields(o, at, {"name", "learning_rate", "rho", "epsilon"}); break;
    case OptimizerKind::kAdam: only_fields(o, at, {"name", "learning_rate", "beta_1", "beta_2", "epsilon"}); break;
  }
  const auto number = [&](const char* name, double& out) {
    if (o.contains(name)) out = finite_number(o[name], at + "." + name);
  };
  number("learning_rate", c.learning_rate);
  number("momentum", c.momentum);
  number("rho", c.rho);
  number("beta_1", c.beta_1);
  number("beta_2", c.beta_2);
  number("epsilon", c.epsilon);
  number("initial_accumulator_value", c.initial_accumulator_value);
  if (o.contains("nesterov")) c.nesterov = boolean(o["nesterov"], at + ".nesterov");
  validate(c, at);
  return c;
}

FitConfig parse_fit(const json& f) {
  const std::string at = "fit";
  if (!f.is_object()) fail(at, "expected an object like {\"batch_size\": 64, \"epochs\": 300}, got " + describe(f));
  only_fields(f, at, {"batch_size", "epochs", "shuffle", "seed", "callbacks"});
  FitConfig c;
  if (f.contains("batch_size"))
    c.batch_size = static_cast<int>(whole_number(f["batch_size"], at + ".batch_size", 1, ModelLimits::kMaxBatchSize));
  if (f.contains("epochs"))
    c.epochs = static_cast<int>(whole_number(f["epochs"], at + ".epochs", 1, ModelLimits::kMaxEpochs));
  if (f.contains("shuffle")) c.shuffle = boolean(f["shuffle"], at + ".shuffle");
  if (f.contains("seed")) c.seed = static_cast<std::uint64_t>(whole_number(f["seed"], at + ".seed", 0, 1LL << 53));
  if (!f.contains("callbacks")) return c;
  const json& list = f["callbacks"];
  if (!list.is_array())
    fail(at + ".callbacks", "expected an array like [{\"name\": \"early_stopping\", \"patience\": 50}], got " +
                                describe(list));
  int reduce_at = -1, early_at = -1;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string cat = at + ".callbacks[" + std::to_string(i) + "]";
    const json& o = list[i];
    if (!o.is_object()) fail(cat, "expected an object like {\"name\": \"early_stopping\"}, got " + describe(o));
    require(o, cat, {"name"});
    const std::string name = text(o["name"], cat + ".name");
    const auto integer = [&](const char* key, int& out) {
      if (o.contains(key)) out = static_cast<int>(whole_number(o[key], cat + "." + key, 0, ModelLimits::kMaxEpochs));
    };
    const auto number = [&](const char* key, double& out) {
      if (o.contains(key)) out = finite_number(o[key], cat + "." + key);
    };
    if (name == "reduce_lr_on_plateau") {
      if (reduce_at >= 0)
        fail(cat + ".name", "reduce_lr_on_plateau is already fit.callbacks[" + std::to_string(reduce_at) + "]");
      reduce_at = static_cast<int>(i);
      only_fields(o, cat, {"name", "monitor", "mode", "factor", "patience", "min_delta", "cooldown", "min_lr"});
      ReduceLROnPlateauConfig r;
      if (o.contains("monitor")) r.monitor = text(o["monitor"], cat + ".monitor");
      parse_mode(o, cat);
      number("factor", r.factor);
      integer("patience", r.patience);
      number("min_delta", r.min_delta);
      integer("cooldown", r.cooldown);
      number("min_lr", r.min_lr);
      validate(r, cat);
      c.reduce_lr_on_plateau = r;
    } else if (name == "early_stopping") {
      if (early_at >= 0)
        fail(cat + ".name", "early_stopping is already fit.callbacks[" + std::to_string(early_at) + "]");
      early_at = static_cast<int>(i);
      only_fields(o, cat, {"name", "monitor", "mode", "min_delta", "patience", "baseline",
                           "restore_best_weights", "start_from_epoch"});
      EarlyStoppingConfig e;
      if (o.contains("monitor")) e.monitor = text(o["monitor"], cat + ".monitor");
      parse_mode(o, cat);
      number("min_delta", e.min_delta);
      integer("patience", e.patience);
      if (o.contains("baseline")) e.baseline = finite_number(o["baseline"], cat + ".baseline");
      if (o.contains("restore_best_weights"))
        e.restore_best_weights = boolean(o["restore_best_weights"], cat + ".restore_best_weights");
      integer("start_from_epoch", e.start_from_epoch);
      validate(e, cat);
      c.early_stopping = e;
    } else {
      fail(cat + ".name", "expected reduce_lr_on_plateau or early_stopping, got " + describe(o["name"]));
    }
  }
  return c;
}

ordered_json vector_json(const Eigen::Ref<const Eigen::VectorXd>& v) {
  ordered_json a = ordered_json::array();
  for (Index i = 0; i < v.size(); ++i) a.push_back(v(i));
  return a;
}

ordered_json rows_json(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  ordered_json rows = ordered_json::array();
  for (Index r = 0; r < m.rows(); ++r) rows.push_back(vector_json(m.row(r).transpose()));
  return rows;
}

}  // namespace

ModelConfig parse_model(std::string_view json_text) {
  const json root = common::parse_json(json_text, "model");
  if (!root.is_object()) fail("model", "expected a JSON object, got " + describe(root));
  {
    // `dtype` is read below; an unknown field's message lists the other fields, as it always has.
    json keys = json::object();
    for (const auto& item : root.items())
      if (item.key() != "dtype") keys[item.key()] = nullptr;
    only_fields(keys, "", {"name", "inputs", "layers", "loss", "optimizer", "fit", "seed"});
  }
  require(root, "", {"inputs", "layers", "loss"});

  ModelConfig c;
  if (root.contains("name")) c.name = text(root["name"], "name");
  c.inputs = static_cast<int>(whole_number(root["inputs"], "inputs", 1, ModelLimits::kMaxInputs));
  if (root.contains("seed")) c.seed = static_cast<std::uint64_t>(whole_number(root["seed"], "seed", 0, 1LL << 53));
  c.loss = parse_loss(text(root["loss"], "loss"), "loss");
  if (root.contains("optimizer")) c.optimizer = parse_optimizer(root["optimizer"]);
  if (root.contains("fit")) c.fit = parse_fit(root["fit"]);
  if (root.contains("dtype")) c.dtype = parse_dtype(text(root["dtype"], "dtype"), "dtype");

  const json& layers = root["layers"];
  if (!layers.is_array()) fail("layers", "expected an array of layers, got " + describe(layers));
  if (layers.empty()) fail("layers", "expected at least 1 layer, got none");
  if (layers.size() > static_cast<std::size_t>(ModelLimits::kMaxLayers))
    fail("layers", "expected at most " + std::to_string(ModelLimits::kMaxLayers) + " layers, got " +
                       std::to_string(layers.size()));
  int inputs = c.inputs;
  long long parameters = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string at = "layers[" + std::to_string(i) + "]";
    c.layers.push_back(parse_layer(layers[i], at, inputs));
    const LayerConfig& l = c.layers.back();
    if (l.kind == LayerKind::kDense || l.kind == LayerKind::kMaxout) {
      // Stop before a huge layer is read further (prepare() checks the total again).
      const long long rows = static_cast<long long>(l.units) * (l.kind == LayerKind::kMaxout ? l.pieces : 1);
      parameters += rows * (inputs + 1);
      if (parameters > ModelLimits::kMaxParameters)
        fail(at + ".units", "the model would have more than " + std::to_string(ModelLimits::kMaxParameters) +
                                " parameters up to this layer");
      inputs = l.units;
    }
  }
  prepare(c);
  return c;
}

std::string model_to_json(const Sequential& model) {
  const ModelConfig& c = model.config();
  ordered_json j;
  j["name"] = c.name;
  j["inputs"] = c.inputs;
  ordered_json layers = ordered_json::array();
  for (std::size_t l = 0; l < model.layers().size(); ++l) {
    const Layer& layer = model.layers()[l];
    const LayerConfig& lc = layer.config;
    const int li = static_cast<int>(l);
    ordered_json jl;
    jl["type"] = layer_type_name(lc.kind);
    jl["name"] = lc.name;
    switch (lc.kind) {
      case LayerKind::kDense:
      case LayerKind::kMaxout: {
        jl["units"] = lc.units;
        if (lc.kind == LayerKind::kMaxout) jl["pieces"] = lc.pieces;
        else jl["activation"] = activation_name(lc.activation);
        if (lc.alpha) jl["alpha"] = *lc.alpha;
        jl["use_bias"] = lc.use_bias;
        const auto W = model.weights(li);
        const auto b = model.biases(li);
        if (lc.kind == LayerKind::kDense) {
          jl["weights"] = rows_json(W);
          if (lc.use_bias) jl["biases"] = vector_json(b);
        } else {
          const Index k = lc.pieces;
          ordered_json w = ordered_json::array(), bs = ordered_json::array();
          for (Index u = 0; u < lc.units; ++u) {
            w.push_back(rows_json(W.middleRows(u * k, k)));
            if (lc.use_bias) bs.push_back(vector_json(b.segment(u * k, k)));
          }
          jl["weights"] = std::move(w);
          if (lc.use_bias) jl["biases"] = std::move(bs);
        }
        break;
      }
      case LayerKind::kBatchNormalization:
        jl["momentum"] = lc.momentum;
        jl["epsilon"] = lc.epsilon;
        jl["gamma"] = vector_json(model.gamma(li));
        jl["beta"] = vector_json(model.beta(li));
        jl["moving_mean"] = vector_json(layer.moving_mean);
        jl["moving_variance"] = vector_json(layer.moving_variance);
        break;
      case LayerKind::kActivation:
        jl["activation"] = activation_name(lc.activation);
        if (lc.alpha) jl["alpha"] = *lc.alpha;
        break;
    }
    layers.push_back(std::move(jl));
  }
  j["layers"] = std::move(layers);
  j["loss"] = loss_name(c.loss);
  const OptimizerConfig& o = c.optimizer;
  ordered_json jo;
  jo["name"] = optimizer_name(o.kind);
  jo["learning_rate"] = o.learning_rate;
  switch (o.kind) {
    case OptimizerKind::kSgd:
      jo["momentum"] = o.momentum;
      jo["nesterov"] = o.nesterov;
      break;
    case OptimizerKind::kAdagrad:
      jo["initial_accumulator_value"] = o.initial_accumulator_value;
      jo["epsilon"] = o.epsilon;
      break;
    case OptimizerKind::kRmsprop:
      jo["rho"] = o.rho;
      jo["epsilon"] = o.epsilon;
      break;
    case OptimizerKind::kAdam:
      jo["beta_1"] = o.beta_1;
      jo["beta_2"] = o.beta_2;
      jo["epsilon"] = o.epsilon;
      break;
  }
  j["optimizer"] = std::move(jo);
  ordered_json jf;
  jf["batch_size"] = c.fit.batch_size;
  jf["epochs"] = c.fit.epochs;
  jf["shuffle"] = c.fit.shuffle;
  jf["seed"] = c.fit.seed;
  ordered_json callbacks = ordered_json::array();
  if (const auto& r = c.fit.reduce_lr_on_plateau)
    callbacks.push_back({{"name", "reduce_lr_on_plateau"}, {"monitor", r->monitor}, {"factor", r->factor},
                         {"patience", r->patience}, {"min_delta", r->min_delta}, {"cooldown", r->cooldown},
                         {"min_lr", r->min_lr}});
  if (const auto& e = c.fit.early_stopping) {
    ordered_json je = {{"name", "early_stopping"}, {"monitor", e->monitor}, {"min_delta", e->min_delta},
                       {"patience", e->patience}};
    if (e->baseline) je["baseline"] = *e->baseline;
    je["restore_best_weights"] = e->restore_best_weights;
    je["start_from_epoch"] = e->start_from_epoch;
    callbacks.push_back(std::move(je));
  }
  jf["callbacks"] = std::move(callbacks);
  j["fit"] = std::move(jf);
  j["seed"] = c.seed;
  j["dtype"] = dtype_name(c.dtype);
  return j.dump();
}

std::string model_limits_json() {
  return ordered_json{{"layers", ModelLimits::kMaxLayers},
                      {"units", ModelLimits::kMaxUnits},
                      {"inputs", ModelLimits::kMaxInputs},
                      {"pieces", ModelLimits::kMaxPieces},
                      {"parameters", ModelLimits::kMaxParameters},
                      {"epochs", ModelLimits::kMaxEpochs},
                      {"batch_size", ModelLimits::kMaxBatchSize},
                      {"work", ModelLimits::kMaxWork},
                      {"data",
                       {{"samples", DataLimits::kMaxSamples},
                        {"columns", DataLimits::kMaxColumns},
                        {"numbers", DataLimits::kMaxNumbers},
                        {"csv_bytes", DataLimits::kMaxCsvBytes},
                        {"builtin_samples", DataLimits::kMaxBuiltinSamples}}}}
      .dump();
}

}  // namespace nntutor::keras
