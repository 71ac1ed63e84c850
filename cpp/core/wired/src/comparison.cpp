#include "nntutor/wired/comparison.hpp"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>

#include "nntutor/dataset.hpp"
#include "nntutor/error.hpp"
#include "nntutor/init.hpp"
#include "nntutor/io/common.hpp"
#include "nntutor/session.hpp"

namespace nntutor::wired {

namespace {

using common::describe;
using common::fail;
using common::finite_number;
using common::whole_number;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

const char* const kNames[] = {"er", "ba", "ws", "dense"};
/// The flux bins used as targets: 355, 615 and 885 nm (rows 0, 26, 53 of the 54).
const int kTargetBins[] = {0, 26, 53};

void standardize_rows(Eigen::MatrixXd& m) {
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    const double mean = m.row(r).mean();
    const double var = (m.row(r).array() - mean).square().mean();
    const double sd = var > 0 ? std::sqrt(var) : 1;
    m.row(r) = (m.row(r).array() - mean) / sd;
  }
}

}  // namespace

ComparisonRequest parse_comparison_request(const std::string& json_text) {
  const json root = common::parse_json(json_text.empty() ? "{}" : json_text, "request");
  if (!root.is_object()) fail("request", "expected a JSON object, got " + describe(root));
  ComparisonRequest r;
  for (const auto& [key, value] : root.items()) {
    if (key == "nodes") r.nodes = static_cast<int>(whole_number(value, key, ComparisonLimits::kMinNodes, ComparisonLimits::kMaxNodes));
    else if (key == "seed") r.seed = static_cast<std::uint64_t>(whole_number(value, key, 0, 1LL << 53));
    else if (key == "epochs") r.epochs = static_cast<int>(whole_number(value, key, 1, ComparisonLimits::kMaxEpochs));
    else if (key == "samples") r.samples = static_cast<int>(whole_number(value, key, ComparisonLimits::kMinSamples, ComparisonLimits::kMaxSamples));
    else if (key == "batch_size") r.batch_size = static_cast<int>(whole_number(value, key, 1, ComparisonLimits::kMaxSamples));
    else if (key == "activation") {
      if (!value.is_string()) fail(key, "expected a string, got " + describe(value));
      r.activation = value.get<std::string>();
    } else if (key == "optimizer") {
      if (!value.is_object()) fail(key, "expected an object like {\"name\": \"adam\", \"learning_rate\": 0.01}, got " + describe(value));
      for (const auto& [k, v] : value.items()) {
        if (k == "name") {
          if (!v.is_string()) fail("optimizer.name", "expected a string, got " + describe(v));
          keras::parse_optimizer_kind(v.get<std::string>(), "optimizer.name");
          r.optimizer = v.get<std::string>();
        } else if (k == "learning_rate") {
          r.learning_rate = finite_number(v, "optimizer.learning_rate");
          if (!(r.learning_rate > 0 && r.learning_rate <= 10))
            fail("optimizer.learning_rate", "expected a number greater than 0 and at most 10, got " + v.dump());
        } else {
          fail("optimizer." + k, "unknown field (expected one of learning_rate, name)");
        }
      }
    } else if (key == "er" || key == "ba" || key == "ws") {
      if (!value.is_object()) fail(key, "expected an object, got " + describe(value));
      for (const auto& [k, v] : value.items()) {
        const std::string at = key + "." + k;
        if (key == "er" && k == "p") r.er_p = finite_number(v, at);
        else if (key == "ba" && k == "m") r.ba_m = static_cast<int>(whole_number(v, at, -1000000, 1000000));
        else if (key == "ws" && k == "k") r.ws_k = static_cast<int>(whole_number(v, at, -1000000, 1000000));
        else if (key == "ws" && k == "p") r.ws_p = finite_number(v, at);
        else fail(at, std::string("unknown field (expected ") + (key == "er" ? "p" : key == "ba" ? "m" : "k, p") + ")");
      }
    } else {
      fail(key, "unknown field (expected one of activation, ba, batch_size, epochs, er, nodes, optimizer, samples, seed, ws)");
    }
  }
  // The families' own rules, with the field named as in this request.
  const auto check = [&](const std::string& family, GeneratorRequest g) {
    try {
      check_generator_request(g);
    } catch (const SessionError& e) {
      throw SessionError(family + "." + e.what());
    }
  };
  GeneratorRequest g;
  g.nodes = r.nodes;
  g.family = "er"; g.p = r.er_p; check("er", g);
  g.family = "ba"; g.m = r.ba_m; check("ba", g);
  g.family = "ws"; g.k = r.ws_k; g.p = r.ws_p; check("ws", g);
  const ActivationInfo* row = find_layer_activation(r.activation);
  if (row && (row->last_layer_only || row->pieces > 0))
    fail("activation", "a graph node is one element-wise neuron; softmax and maxout act on a whole layer");
  activation_by_name(r.activation, "activation");
  return r;
}

std::string comparison_schema_json() {
  const ComparisonRequest d;
  return ojson{{"defaults",
                {{"nodes", d.nodes}, {"seed", d.seed}, {"epochs", d.epochs}, {"samples", d.samples},
                 {"batch_size", d.batch_size}, {"optimizer", {{"name", d.optimizer}, {"learning_rate", d.learning_rate}}},
                 {"activation", d.activation}, {"er", {{"p", d.er_p}}}, {"ba", {{"m", d.ba_m}}},
                 {"ws", {{"k", d.ws_k}, {"p", d.ws_p}}}}},
               {"limits",
                {{"nodes", {{"min", ComparisonLimits::kMinNodes}, {"max", ComparisonLimits::kMaxNodes}}},
                 {"epochs", {{"min", 1}, {"max", ComparisonLimits::kMaxEpochs}}},
                 {"samples", {{"min", ComparisonLimits::kMinSamples}, {"max", ComparisonLimits::kMaxSamples}}}}},
               {"data", "spectra: 9 standardised parameters → 3 standardised flux bins (355, 615, 885 nm); loss mse"},
               {"note", "Xie et al.'s finding (randomly wired networks compete with hand-designed ones) is about large image models; this toy regression shows how the families train, not that result."}}
      .dump();
}

Comparison::Comparison(const ComparisonRequest& request)
    : request_(request), engine_(request.seed) {
  keras::SpectrumOptions options;
  options.samples = request.samples;
  options.seed = request.seed;
  const keras::Dataset data = keras::spectrum_dataset(options);
  data_.X = data.X;
  data_.Y.resize(3, data.Y.cols());
  for (int k = 0; k < 3; ++k) data_.Y.row(k) = data.Y.row(kTargetBins[k]);
  standardize_rows(data_.X);
  standardize_rows(data_.Y);
  loss_ = loss_by_name("mse");
  settings_.kind = keras::parse_optimizer_kind(request.optimizer, "optimizer.name");
  settings_.set_config(keras::default_optimizer(settings_.kind));
  settings_.learning_rate = request.learning_rate;
  const int batch = std::min(request.batch_size, request.samples);
  for (const char* family : {"er", "ba", "ws"}) {
    GeneratorRequest g;
    g.family = family;
    g.nodes = request.nodes;
    g.seed = request.seed;
    g.activation = request.activation;
    g.output_activation = "linear";
    g.inputs = static_cast<int>(data_.X.rows());
    g.outputs = static_cast<int>(data_.Y.rows());
    if (g.family == "er") g.p = request.er_p;
    if (g.family == "ba") g.m = request.ba_m;
    if (g.family == "ws") { g.k = request.ws_k; g.p = request.ws_p; }
    graphs_.push_back(graph_of(g, random_graph(g)));
    graph_states_.emplace_back(settings_, graphs_.back(), batch);
  }
  // The dense 9-h-3 network nearest the graphs' mean number of parameters: 13h + 3.
  double mean = 0;
  for (const auto& g : graphs_) mean += static_cast<double>(g.parameters()) / 3.0;
  const int d = static_cast<int>(data_.X.rows()), m = static_cast<int>(data_.Y.rows());
  const int h = std::max(1, static_cast<int>(std::lround((mean - m) / (d + 1 + m))));
  Uniform draw(request.seed);
  Layer hidden, out;
  hidden.f = activation_by_name(request.activation);
  hidden.W.resize(h, d);
  glorot_uniform(hidden.W, draw);
  hidden.b = Eigen::VectorXd::Zero(h);
  out.f = activation_by_name("linear");
  out.W.resize(m, h);
  glorot_uniform(out.W, draw);
  out.b = Eigen::VectorXd::Zero(m);
  dense_.layers = {hidden, out};
  dense_state_.emplace_back(settings_, dense_, batch);
  order_.resize(static_cast<std::size_t>(request.samples));
  std::iota(order_.begin(), order_.end(), Eigen::Index{0});
  losses_.assign(4, {});
  diverged_.assign(4, false);
}

std::vector<long> Comparison::parameters() const {
  return {graphs_[0].parameters(), graphs_[1].parameters(), graphs_[2].parameters(), dense_.parameters()};
}

std::string Comparison::epoch() {
  // One epoch: the samples shuffled (Fisher–Yates, the same order for every model), then
  // batches of batch_size; each model's loss is the mean of its batches' losses.
  shuffle(order_, engine_);
  const int samples = request_.samples, batch = std::min(request_.batch_size, samples);
  std::vector<double> sum(4, 0.0);
  int steps = 0;
  GraphPass gpass;
  Pass pass;
  const int step_base = epoch_ * ((samples + batch - 1) / batch);
  for (int start = 0; start < samples; start += batch) {
    const int nb = std::min(batch, samples - start);
    Batch b;
    b.X.resize(data_.X.rows(), nb);
    b.Y.resize(data_.Y.rows(), nb);
    for (int i = 0; i < nb; ++i) {
      b.X.col(i) = data_.X.col(order_[static_cast<std::size_t>(start + i)]);
      b.Y.col(i) = data_.Y.col(order_[static_cast<std::size_t>(start + i)]);
    }
    ++steps;
    const int k = step_base + steps;
    for (int g = 0; g < 3; ++g) {
      if (diverged_[static_cast<std::size_t>(g)]) continue;
      if (graph_train_step(graphs_[static_cast<std::size_t>(g)], b, loss_, graph_states_[static_cast<std::size_t>(g)], k, gpass, nullptr))
        diverged_[static_cast<std::size_t>(g)] = true;
      else
        sum[static_cast<std::size_t>(g)] += gpass.loss;
    }
    if (!diverged_[3]) {
      if (train_step(dense_, b, loss_, dense_state_[0], k, pass, nullptr)) diverged_[3] = true;
      else sum[3] += pass.loss;
    }
  }
  ++epoch_;
  ojson losses;
  for (int i = 0; i < 4; ++i) {
    const double v = diverged_[static_cast<std::size_t>(i)] ? std::numeric_limits<double>::quiet_NaN() : sum[static_cast<std::size_t>(i)] / steps;
    losses_[static_cast<std::size_t>(i)].push_back(v);
    losses[kNames[i]] = std::isfinite(v) ? ojson(v) : ojson(nullptr);
  }
  return ojson{{"epoch", epoch_}, {"losses", std::move(losses)}}.dump();
}

std::string Comparison::summary() const {
  static const char* const titles[] = {"ER (Erdős–Rényi)", "BA (Barabási–Albert)", "WS (Watts–Strogatz)", "dense (layered)"};
  const auto params = parameters();
  ojson models = ojson::array();
  for (int i = 0; i < 4; ++i) {
    const auto& l = losses_[static_cast<std::size_t>(i)];
    ojson list = ojson::array();
    for (double v : l) list.push_back(std::isfinite(v) ? ojson(v) : ojson(nullptr));
    ojson one = {{"name", kNames[i]}, {"title", titles[i]}, {"parameters", params[static_cast<std::size_t>(i)]}};
    if (i < 3) {
      one["edges"] = graphs_[static_cast<std::size_t>(i)].edges.size();
      one["nodes"] = graphs_[static_cast<std::size_t>(i)].nodes();
    } else {
      one["edges"] = dense_.layers[0].W.size() + dense_.layers[1].W.size();
      one["nodes"] = dense_.layers[0].units() + dense_.layers[1].units();
      one["hidden_units"] = dense_.layers[0].units();
    }
    one["final_loss"] = l.empty() || !std::isfinite(l.back()) ? ojson(nullptr) : ojson(l.back());
    one["diverged"] = static_cast<bool>(diverged_[static_cast<std::size_t>(i)]);
    one["losses"] = std::move(list);
    models.push_back(std::move(one));
  }
  const json schema = json::parse(comparison_schema_json());
  return ojson{{"epochs", epoch_}, {"data", schema["data"]}, {"models", std::move(models)}, {"note", schema["note"]}}.dump();
}

}  // namespace nntutor::wired

namespace nntutor::wired {

std::string wired_schema_json() {
  const GeneratorRequest d;
  const auto param = [](const char* name, const char* label, double min, double max, double def,
                        double step, bool integer, const char* rule) {
    return ojson{{"name", name}, {"label", label}, {"min", min}, {"max", max}, {"default", def},
                 {"step", step}, {"integer", integer}, {"rule", rule}};
  };
  const int page_max = GraphRandomLimits::kPageMaxNodes;
  ojson families = ojson::array();
  families.push_back({{"name", "er"}, {"title", "ER(P) — Erdős–Rényi"},
                      {"text", "each pair of nodes linked with probability P"},
                      {"parameters", ojson::array({param("p", "P (link probability)", 0, 1, 0.2, 0.01, false, "0 ≤ P ≤ 1")})}});
  families.push_back({{"name", "ba"}, {"title", "BA(M) — Barabási–Albert"},
                      {"text", "nodes added one at a time, each linked to M existing nodes with probability proportional to degree"},
                      {"parameters", ojson::array({param("m", "M (links per new node)", 1, page_max - 1, 2, 1, true, "1 ≤ M < N")})}});
  families.push_back({{"name", "ws"}, {"title", "WS(K, P) — Watts–Strogatz"},
                      {"text", "a ring where each node links to its K/2 neighbours on each side, each link rewired with probability P"},
                      {"parameters", ojson::array({param("k", "K (ring neighbours, even)", 2, page_max - 1, 4, 2, true, "K even, 2 ≤ K < N"),
                                                   param("p", "P (rewiring probability)", 0, 1, 0.25, 0.01, false, "0 ≤ P ≤ 1")})}});
  ojson activations_list = ojson::array();
  for (const auto& row : activations())
    if (!row.last_layer_only && row.pieces == 0) activations_list.push_back(std::string(row.name));
  return ojson{{"families", std::move(families)},
               {"nodes", param("nodes", "N (nodes)", GraphRandomLimits::kMinNodes, page_max, d.nodes, 1, true, "2 ≤ N")},
               {"seed", param("seed", "seed", 0, 9007199254740992.0, 1, 1, true, "a whole number")},
               {"inputs", param("inputs", "inputs d", 1, GraphRandomLimits::kMaxInputs, 1, 1, true, "1 ≤ d")},
               {"activations", std::move(activations_list)},
               {"default_activation", d.activation},
               {"limits", {{"nodes", GraphRandomLimits::kMaxNodes}, {"page_nodes", page_max},
                           {"graph_nodes", GraphLimits::kMaxNodes}, {"graph_edges", GraphLimits::kMaxEdges},
                           {"page_graph_nodes", GraphLimits::kPageMaxNodes}, {"page_graph_edges", GraphLimits::kPageMaxEdges}}},
               {"comparison", json::parse(comparison_schema_json())}}
      .dump();
}

double bench_session(const std::string& session_json, int steps) {
  Session s = parse_session(session_json);
  if (s.is_graph()) {
    GraphNetwork g = *s.graph;
    GraphPass pass;
    GraphOptimizerState state(s.optimizer, g, s.batch.samples());
    for (int k = 1; k <= steps; ++k)
      if (graph_train_step(g, s.batch, s.loss, state, k, pass, nullptr)) return std::numeric_limits<double>::quiet_NaN();
    return pass.loss;
  }
  return train_silently(s.network, s.batch, s.loss, s.optimizer, steps);
}

}  // namespace nntutor::wired
