#include "nntutor/graph.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <set>

#include "nntutor/error.hpp"
#include "nntutor/init.hpp"
#include "nntutor/io/common.hpp"
#include "nntutor/session.hpp"

namespace nntutor {

namespace {

using common::describe;
using common::fail;
using common::finite_number;
using nlohmann::json;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Structure

void GraphNetwork::finalize(const std::string& field) {
  const int n = nodes(), d = inputs;
  if (n < 1 || n > GraphLimits::kMaxNodes)
    fail(field + ".nodes", "expected an array of 1 to " + std::to_string(GraphLimits::kMaxNodes) +
                               " nodes, got " + std::to_string(n));
  if (edges.size() > static_cast<std::size_t>(GraphLimits::kMaxEdges))
    fail(field + ".edges", "at most " + std::to_string(GraphLimits::kMaxEdges) + " edges, got " +
                               std::to_string(edges.size()));
  if (static_cast<int>(bias.size()) != n) bias.resize(static_cast<std::size_t>(n), 0.0);
  std::map<std::pair<int, int>, std::size_t> seen;
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const GraphEdge& edge = edges[e];
    const std::string at = field + ".edges[" + std::to_string(e) + "]";
    if (edge.from == 0 || edge.from > n || (edge.from < 0 && -edge.from > d))
      fail(at + ".from", "expected \"x1\" to \"x" + std::to_string(d) + "\" or a neuron 1 to " +
                             std::to_string(n) + ", got " +
                             (edge.from < 0 ? "\"x" + std::to_string(-edge.from) + "\""
                                            : std::to_string(edge.from)));
    if (edge.to < 1 || edge.to > n)
      fail(at + ".to", "expected a neuron 1 to " + std::to_string(n) + ", got " + std::to_string(edge.to));
    if (edge.from == edge.to)
      fail(at, std::to_string(edge.to) + " → " + std::to_string(edge.to) +
                   " is a loop (a neuron cannot feed itself)");
    const auto [it, fresh] = seen.emplace(std::make_pair(edge.from, edge.to), e);
    if (!fresh)
      fail(at, (edge.from < 0 ? "x" + std::to_string(-edge.from) : std::to_string(edge.from)) +
                   " → " + std::to_string(edge.to) + " repeats " + field + ".edges[" +
                   std::to_string(it->second) + "]");
  }
  // Kahn's order, ascending; a cycle is then found edge by edge to name the one closing it.
  std::vector<int> indegree(static_cast<std::size_t>(n), 0);
  std::vector<std::vector<int>> out(static_cast<std::size_t>(n));
  for (const auto& edge : edges)
    if (!edge.from_input()) {
      ++indegree[static_cast<std::size_t>(edge.to - 1)];
      out[static_cast<std::size_t>(edge.from - 1)].push_back(edge.to - 1);
    }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int j = 0; j < n; ++j)
    if (indegree[static_cast<std::size_t>(j)] == 0) ready.push(j);
  std::vector<int> order;
  while (!ready.empty()) {
    const int j = ready.top();
    ready.pop();
    order.push_back(j);
    for (int k : out[static_cast<std::size_t>(j)])
      if (--indegree[static_cast<std::size_t>(k)] == 0) ready.push(k);
  }
  if (static_cast<int>(order.size()) < n) {
    std::vector<std::vector<int>> added(static_cast<std::size_t>(n));
    for (std::size_t e = 0; e < edges.size(); ++e) {
      const GraphEdge& edge = edges[e];
      if (edge.from_input()) continue;
      const int u = edge.from - 1, v = edge.to - 1;
      // Is u reachable from v already? Then u → v closes v ⇝ u → v.
      std::vector<int> parent(static_cast<std::size_t>(n), -2);
      std::queue<int> q;
      q.push(v);
      parent[static_cast<std::size_t>(v)] = -1;
      bool found = false;
      while (!q.empty() && !found) {
        const int a = q.front();
        q.pop();
        for (int b : added[static_cast<std::size_t>(a)])
          if (parent[static_cast<std::size_t>(b)] == -2) {
            parent[static_cast<std::size_t>(b)] = a;
            if (b == u) { found = true; break; }
            q.push(b);
          }
      }
      if (u == v) found = true;
      if (found) {
        std::vector<int> path;
        for (int a = u; a != -1; a = parent[static_cast<std::size_t>(a)]) path.push_back(a);
        std::reverse(path.begin(), path.end());  // v … u
        std::string cycle;
        for (int a : path) cycle += std::to_string(a + 1) + " → ";
        cycle += std::to_string(v + 1);
        fail(field + ".edges[" + std::to_string(e) + "]",
             std::to_string(u + 1) + " → " + std::to_string(v + 1) + " closes a cycle " + cycle);
      }
      added[static_cast<std::size_t>(u)].push_back(v);
    }
  }
  // Outputs.
  std::vector<bool> is_output(static_cast<std::size_t>(n), false);
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const std::string at = field + ".outputs[" + std::to_string(k) + "]";
    if (outputs[k] < 1 || outputs[k] > n)
      fail(at, "expected a neuron 1 to " + std::to_string(n) + ", got " + std::to_string(outputs[k]));
    if (is_output[static_cast<std::size_t>(outputs[k] - 1)])
      fail(at, "neuron " + std::to_string(outputs[k]) + " is listed twice");
    is_output[static_cast<std::size_t>(outputs[k] - 1)] = true;
  }
  // Adjacency as keys, and the edges in and out of each node.
  pred_.assign(static_cast<std::size_t>(n), {});
  succ_.assign(static_cast<std::size_t>(n), {});
  in_edges_.assign(static_cast<std::size_t>(n), {});
  out_edges_.assign(static_cast<std::size_t>(n), {});
  {
    std::vector<std::vector<std::pair<int, int>>> in(static_cast<std::size_t>(n)), outp(static_cast<std::size_t>(n));
    for (std::size_t e = 0; e < edges.size(); ++e) {
      const GraphEdge& edge = edges[e];
      const int key = edge.from_input() ? edge.input() - 1 : d + edge.from - 1;
      in[static_cast<std::size_t>(edge.to - 1)].emplace_back(key, static_cast<int>(e));
      if (!edge.from_input())
        outp[static_cast<std::size_t>(edge.from - 1)].emplace_back(edge.to - 1, static_cast<int>(e));
    }
    for (int j = 0; j < n; ++j) {
      auto& a = in[static_cast<std::size_t>(j)];
      auto& b = outp[static_cast<std::size_t>(j)];
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      for (auto [key, e] : a) { pred_[static_cast<std::size_t>(j)].push_back(key); in_edges_[static_cast<std::size_t>(j)].push_back(e); }
      for (auto [k, e] : b) { succ_[static_cast<std::size_t>(j)].push_back(k); out_edges_[static_cast<std::size_t>(j)].push_back(e); }
    }
  }
  // Reached by an input (in topological order), reaching an output (in reverse).
  std::vector<bool> reached(static_cast<std::size_t>(n), false), reaches(static_cast<std::size_t>(n), false);
  level_of_.assign(static_cast<std::size_t>(n), 0);
  for (int j : order) {
    int level = 0;
    for (int key : pred_[static_cast<std::size_t>(j)]) {
      if (key < d) { reached[static_cast<std::size_t>(j)] = true; level = std::max(level, 0); }
      else {
        const int i = key - d;
        if (reached[static_cast<std::size_t>(i)]) reached[static_cast<std::size_t>(j)] = true;
        level = std::max(level, level_of_[static_cast<std::size_t>(i)]);
      }
    }
    level_of_[static_cast<std::size_t>(j)] = level + 1;
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int j = *it;
    if (is_output[static_cast<std::size_t>(j)]) reaches[static_cast<std::size_t>(j)] = true;
    for (int k : succ_[static_cast<std::size_t>(j)])
      if (reaches[static_cast<std::size_t>(k)]) reaches[static_cast<std::size_t>(j)] = true;
  }
  for (int j = 0; j < n; ++j)
    if (!reached[static_cast<std::size_t>(j)])
      fail(field + ".nodes[" + std::to_string(j) + "]",
           "neuron " + std::to_string(j + 1) + " is reached by no input (no path from x1…x" +
               std::to_string(d) + " to it)");
  for (int j = 0; j < n; ++j)
    if (!reaches[static_cast<std::size_t>(j)])
      fail(field + ".nodes[" + std::to_string(j) + "]",
           "neuron " + std::to_string(j + 1) + " reaches no output (no path from it to " + field +
               ".outputs)");
  // The levels: nodes ascending; sources the union of their predecessors, ascending.
  const int levels = n == 0 ? 0 : *std::max_element(level_of_.begin(), level_of_.end());
  levels_.assign(static_cast<std::size_t>(levels), {});
  for (int j = 0; j < n; ++j) levels_[static_cast<std::size_t>(level_of_[static_cast<std::size_t>(j)] - 1)].nodes.push_back(j);
  for (GraphLevel& level : levels_) {
    std::set<int> sources;
    for (int j : level.nodes)
      for (int key : pred_[static_cast<std::size_t>(j)]) sources.insert(key);
    level.sources.assign(sources.begin(), sources.end());
    for (std::size_t r = 0; r < level.nodes.size(); ++r) {
      const int j = level.nodes[r];
      const auto& keys = pred_[static_cast<std::size_t>(j)];
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const int col = static_cast<int>(std::lower_bound(level.sources.begin(), level.sources.end(), keys[i]) -
                                         level.sources.begin());
        level.entries.push_back({in_edges_[static_cast<std::size_t>(j)][i], static_cast<int>(r), col});
      }
    }
  }
}
std::string graph_edge_name(const GraphNetwork& g, int edge) {
  const GraphEdge& e = g.edges[static_cast<std::size_t>(edge)];
  return std::to_string(e.to) + "," + (e.from_input() ? "x" + std::to_string(e.input()) : std::to_string(e.from));
}

// ---------------------------------------------------------------------------------------------
// JSON

void draw_graph_weights(GraphNetwork& g, std::uint64_t seed) {
  const int n = g.nodes();
  std::vector<int> in(static_cast<std::size_t>(n), 0), out(static_cast<std::size_t>(n), 0);
  for (const auto& e : g.edges) {
    ++in[static_cast<std::size_t>(e.to - 1)];
    if (!e.from_input()) ++out[static_cast<std::size_t>(e.from - 1)];
  }
  for (int o : g.outputs) ++out[static_cast<std::size_t>(o - 1)];
  Uniform draw(seed);
  for (auto& e : g.edges) {
    const auto j = static_cast<std::size_t>(e.to - 1);
    const double limit = std::sqrt(6.0 / static_cast<double>(in[j] + out[j]));
    e.weight = (2 * draw() - 1) * limit;
  }
}

GraphNetwork parse_graph(std::string_view json_text, int inputs, int outputs, std::uint64_t seed) {
  const json root = common::parse_json(json_text, "graph");
  const std::string field = "graph";
  if (!root.is_object()) fail(field, "expected an object with nodes, edges and outputs, got " + describe(root));
  for (const auto& [key, value] : root.items())
    if (key != "nodes" && key != "edges" && key != "outputs" && key != "origin")
      fail(field + "." + key, "unknown field (expected one of edges, nodes, origin, outputs)");
  for (const char* required : {"nodes", "edges", "outputs"})
    if (!root.contains(required)) fail(field + "." + required, "required field is missing");
  GraphNetwork g;
  g.inputs = inputs;
  const json& nodes = root["nodes"];
  if (!nodes.is_array() || nodes.empty() || nodes.size() > static_cast<std::size_t>(GraphLimits::kMaxNodes)) {
    if (nodes.is_array() && nodes.size() > static_cast<std::size_t>(GraphLimits::kMaxNodes))
      fail(field + ".nodes", "at most " + std::to_string(GraphLimits::kMaxNodes) + " neurons, got " +
                                 std::to_string(nodes.size()));
    fail(field + ".nodes", "expected an array of 1 to " + std::to_string(GraphLimits::kMaxNodes) +
                               " nodes, got " + (nodes.is_array() ? std::to_string(nodes.size()) : describe(nodes)));
  }
  std::string names;
  for (const auto& row : activations())
    if (!row.last_layer_only) names += (names.empty() ? "" : ", ") + std::string(row.name);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string at = field + ".nodes[" + std::to_string(i) + "]";
    const json& jn = nodes[i];
    if (!jn.is_object()) fail(at, "expected an object with activation and bias, got " + describe(jn));
    for (const auto& [key, value] : jn.items())
      if (key != "activation" && key != "bias" && key != "alpha")
        fail(at + "." + key, "unknown field (expected one of activation, alpha, bias)");
    if (!jn.contains("activation")) fail(at + ".activation", "required field is missing");
    if (!jn["activation"].is_string()) fail(at + ".activation", "expected a string, got " + describe(jn["activation"]));
    const std::string name = jn["activation"].get<std::string>();
    const ActivationInfo* row = find_layer_activation(name);
    if (row && (row->last_layer_only || row->pieces > 0))
      fail(at + ".activation", "a graph node is one element-wise neuron; softmax and maxout act on a whole layer (use " +
                                   names + ")");
    Activation f = activation_by_name(name, at + ".activation");
    if (jn.contains("alpha")) {
      if (!f.has_alpha()) fail(at + ".alpha", "only leaky_relu and elu take alpha, not " + f.name);
      f.alpha = finite_number(jn["alpha"], at + ".alpha");
    }
    g.f.push_back(f);
    g.bias.push_back(jn.contains("bias") ? finite_number(jn["bias"], at + ".bias") : 0.0);
  }
  const int n = g.nodes();
  const json& edges = root["edges"];
  if (!edges.is_array()) fail(field + ".edges", "expected an array of edges, got " + describe(edges));
  if (edges.size() > static_cast<std::size_t>(GraphLimits::kMaxEdges))
    fail(field + ".edges", "at most " + std::to_string(GraphLimits::kMaxEdges) + " edges, got " +
                               std::to_string(edges.size()));
  std::vector<bool> drawn(edges.size(), false);
  const std::string from_range = "expected \"x1\" to \"x" + std::to_string(inputs) + "\" or a neuron 1 to " + std::to_string(n);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const std::string at = field + ".edges[" + std::to_string(e) + "]";
    const json& je = edges[e];
    if (!je.is_object()) fail(at, "expected an object {\"from\", \"to\", \"weight\"}, got " + describe(je));
    for (const auto& [key, value] : je.items())
      if (key != "from" && key != "to" && key != "weight")
        fail(at + "." + key, "unknown field (expected one of from, to, weight)");
    for (const char* required : {"from", "to"})
      if (!je.contains(required)) fail(at + "." + required, "required field is missing");
    GraphEdge edge;
    const json& jf = je["from"];
    if (jf.is_string()) {
      const std::string s = jf.get<std::string>();
      int i = 0;
      bool ok = s.size() >= 2 && s.size() <= 5 && s[0] == 'x';
      for (std::size_t c = 1; ok && c < s.size(); ++c) ok = std::isdigit(static_cast<unsigned char>(s[c])) != 0;
      if (ok) i = std::stoi(s.substr(1));
      if (!ok || i < 1 || i > inputs) fail(at + ".from", from_range + ", got " + describe(jf));
      edge.from = -i;
    } else if (jf.is_number_integer() || (jf.is_number() && std::floor(jf.get<double>()) == jf.get<double>())) {
      const double v = jf.get<double>();
      if (v < 1 || v > n) fail(at + ".from", from_range + ", got " + jf.dump());
      edge.from = static_cast<int>(v);
    } else {
      fail(at + ".from", from_range + ", got " + describe(jf));
    }
    const json& jt = je["to"];
    if (!(jt.is_number() && std::floor(jt.get<double>()) == jt.get<double>() && jt.get<double>() >= 1 &&
          jt.get<double>() <= n))
      fail(at + ".to", "expected a neuron 1 to " + std::to_string(n) + ", got " +
                           (jt.is_number() ? jt.dump() : describe(jt)));
    edge.to = static_cast<int>(jt.get<double>());
    if (je.contains("weight")) edge.weight = finite_number(je["weight"], at + ".weight");
    else drawn[e] = true;
    g.edges.push_back(edge);
  }
  const json& jo = root["outputs"];
  if (!jo.is_array()) fail(field + ".outputs", "expected an array of neuron numbers, got " + describe(jo));
  if (static_cast<int>(jo.size()) != outputs)
    fail(field + ".outputs", "expected " + std::to_string(outputs) + " number" + (outputs == 1 ? "" : "s") +
                                 " (one per target column), got " + std::to_string(jo.size()));
  for (std::size_t k = 0; k < jo.size(); ++k) {
    const json& v = jo[k];
    if (!(v.is_number() && std::floor(v.get<double>()) == v.get<double>() && v.get<double>() >= 1 && v.get<double>() <= n))
      fail(field + ".outputs[" + std::to_string(k) + "]",
           "expected a neuron 1 to " + std::to_string(n) + ", got " + (v.is_number() ? v.dump() : describe(v)));
    g.outputs.push_back(static_cast<int>(v.get<double>()));
  }
  if (root.contains("origin")) {
    if (!root["origin"].is_object()) fail(field + ".origin", "expected an object, got " + describe(root["origin"]));
    g.origin = root["origin"].dump();
  }
  g.finalize(field);
  if (std::find(drawn.begin(), drawn.end(), true) != drawn.end()) {
    // Only the weights left out are drawn, in edge order, each from its node's fan-in and fan-out.
    std::vector<int> in(static_cast<std::size_t>(n), 0), out(static_cast<std::size_t>(n), 0);
    for (const auto& e : g.edges) {
      ++in[static_cast<std::size_t>(e.to - 1)];
      if (!e.from_input()) ++out[static_cast<std::size_t>(e.from - 1)];
    }
    for (int o : g.outputs) ++out[static_cast<std::size_t>(o - 1)];
    Uniform draw(seed);
    for (std::size_t e = 0; e < g.edges.size(); ++e)
      if (drawn[e]) {
        const auto j = static_cast<std::size_t>(g.edges[e].to - 1);
        g.edges[e].weight = (2 * draw() - 1) * std::sqrt(6.0 / static_cast<double>(in[j] + out[j]));
      }
  }
  return g;
}

std::string graph_to_json(const GraphNetwork& g) {
  nlohmann::ordered_json j;
  auto nodes = nlohmann::ordered_json::array();
  for (int i = 0; i < g.nodes(); ++i) {
    nlohmann::ordered_json jn;
    const Activation& f = g.f[static_cast<std::size_t>(i)];
    jn["activation"] = f.name;
    if (f.has_alpha()) jn["alpha"] = f.alpha;
    jn["bias"] = g.bias[static_cast<std::size_t>(i)];
    nodes.push_back(std::move(jn));
  }
  auto edges = nlohmann::ordered_json::array();
  for (const auto& e : g.edges) {
    nlohmann::ordered_json je;
    if (e.from_input()) je["from"] = "x" + std::to_string(e.input());
    else je["from"] = e.from;
    je["to"] = e.to;
    je["weight"] = e.weight;
    edges.push_back(std::move(je));
  }
  j["nodes"] = std::move(nodes);
  j["edges"] = std::move(edges);
  j["outputs"] = g.outputs;
  if (!g.origin.empty()) j["origin"] = nlohmann::ordered_json::parse(g.origin);
  return j.dump();
}

GraphNetwork layered_as_graph(const Network& net) {
  GraphNetwork g;
  g.inputs = net.inputs();
  int offset = 0, previous = 0;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Layer& layer = net.layers[l];
    const std::string at = "layers[" + std::to_string(l) + "].activation";
    if (layer.f.is_softmax() || layer.f.is_piecewise())
      fail(at, layer.f.name + " acts on a whole layer; a graph node is one element-wise neuron, so this network has no graph form");
    for (int j = 0; j < layer.units(); ++j) {
      g.f.push_back(layer.f);
      g.bias.push_back(layer.b(j));
      for (int i = 0; i < layer.inputs(); ++i)
        g.edges.push_back({l == 0 ? -(i + 1) : previous + i + 1, offset + j + 1, layer.W(j, i)});
    }
    previous = offset;
    offset += layer.units();
  }
  for (int j = 0; j < net.outputs(); ++j) g.outputs.push_back(previous + j + 1);
  g.finalize("graph");
  return g;
}

Session layered_session_as_graph(const Session& session) {
  if (session.is_graph()) return session;
  Session s = session;
  s.graph = std::make_shared<const GraphNetwork>(layered_as_graph(session.network));
  s.network = Network{};
  return s;
}

std::string graph_step_json_text(const StepTrace& t, const std::vector<std::string>& slots) {
  nlohmann::ordered_json j;
  j["step"] = t.step;
  j["loss"] = t.loss;
  const LayerTrace& l = t.layers.at(0);
  nlohmann::ordered_json nodes;
  nodes["z"] = common::matrix_json<nlohmann::ordered_json>(l.z);
  nodes["y"] = common::matrix_json<nlohmann::ordered_json>(l.y);
  nodes["b"] = common::vector_json<nlohmann::ordered_json>(l.b);
  nodes["db"] = common::vector_json<nlohmann::ordered_json>(l.db);
  j["nodes"] = std::move(nodes);
  nlohmann::ordered_json edges;
  edges["w"] = common::vector_json<nlohmann::ordered_json>(Eigen::VectorXd(l.W.col(0)));
  edges["dw"] = common::vector_json<nlohmann::ordered_json>(Eigen::VectorXd(l.dW.col(0)));
  j["edges"] = std::move(edges);
  if (!slots.empty() && l.state_W.size() == slots.size()) {
    nlohmann::ordered_json state;
    for (std::size_t k = 0; k < slots.size(); ++k)
      state[slots[k]] = {{"w", common::vector_json<nlohmann::ordered_json>(Eigen::VectorXd(l.state_W[k].col(0)))},
                         {"b", common::vector_json<nlohmann::ordered_json>(l.state_b[k])}};
    j["state"] = std::move(state);
  }
  if (!t.batch.empty()) j["batch"] = t.batch;
  return j.dump();
}

}  // namespace nntutor
