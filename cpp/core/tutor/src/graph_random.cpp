// Xie et al. 2019's random graphs (ER, BA, WS), their steps, statistics and a layered drawing
// (docs/graph.md "Generators", "Statistics", "Layout").
#include "nntutor/graph_random.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <queue>
#include <set>

#include "nntutor/error.hpp"
#include "nntutor/init.hpp"
#include "nntutor/io/common.hpp"
#include "nntutor/numbers.hpp"

namespace nntutor {

namespace {

using common::describe;
using common::fail;
using common::finite_number;
using common::whole_number;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

/// What one generator step did (for the animation); the edge list is kept by the caller.
struct Event {
  std::string kind, text;
  ojson extra = ojson::object();
  std::vector<std::pair<int, int>> edges;  // after the step, i < j, 0-based
};

std::pair<int, int> ordered(int a, int b) { return a < b ? std::make_pair(a, b) : std::make_pair(b, a); }

std::vector<std::pair<int, int>> sorted_edges(const std::set<std::pair<int, int>>& s) {
  return {s.begin(), s.end()};
}

/// The random graph, and each step when `events` is given.
UndirectedGraph draw_graph(const GeneratorRequest& r, std::vector<Event>* events) {
  check_generator_request(r);
  UndirectedGraph g;
  g.n = r.nodes;
  Uniform u(r.seed);
  const int n = r.nodes;
  if (r.family == "er") {
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j)
        if (u() < r.p) {
          g.edges.emplace_back(i, j);
          if (events)
            events->push_back({"pair", "nodes " + std::to_string(i + 1) + " and " + std::to_string(j + 1) +
                                           " linked (probability P = " + common::shortest_number(r.p) + ")",
                               ojson{{"edge", {i + 1, j + 1}}}, g.edges});
        }
    return g;
  }
  if (r.family == "ba") {
    const int m = r.m;
    std::vector<int> degree(static_cast<std::size_t>(n), 0);
    std::set<std::pair<int, int>> present;
    if (events)
      events->push_back({"start", "nodes 1 to " + std::to_string(m) + " without edges", ojson::object(), {}});
    for (int v = m; v < n; ++v) {
      std::vector<int> targets;
      const std::vector<int> before(degree.begin(), degree.begin() + v);
      if (v == m) {
        for (int t = 0; t < m; ++t) targets.push_back(t);  // every degree is 0: link to all M
      } else {
        long total = 0;
        for (int t = 0; t < v; ++t) total += degree[static_cast<std::size_t>(t)];
        while (static_cast<int>(targets.size()) < m) {
          // One draw picks a node by the cumulative degrees; a node already chosen is drawn again.
          const double x = u() * static_cast<double>(total);
          long acc = 0;
          int pick = v - 1;
          for (int t = 0; t < v; ++t) {
            acc += degree[static_cast<std::size_t>(t)];
            if (x < static_cast<double>(acc)) { pick = t; break; }
          }
          if (std::find(targets.begin(), targets.end(), pick) == targets.end()) targets.push_back(pick);
        }
      }
      for (int t : targets) {
        g.edges.emplace_back(t, v);
        present.insert({t, v});
        ++degree[static_cast<std::size_t>(t)];
        ++degree[static_cast<std::size_t>(v)];
      }
      if (events) {
        std::vector<int> shown;
        for (int t : targets) shown.push_back(t + 1);
        std::string list;
        for (int t : shown) list += (list.empty() ? "" : ", ") + std::to_string(t);
        events->push_back({"attach",
                           "node " + std::to_string(v + 1) + " attaches to " + list +
                               (v == m ? " (all start nodes: every degree is 0)"
                                       : " (chosen with probability ∝ degree)"),
                           ojson{{"node", v + 1}, {"targets", shown}, {"degrees", before}},
                           sorted_edges(present)});
      }
    }
    return g;
  }
  // WS: the ring lattice, then each clockwise edge v — v + i rewired with probability P.
  const int half = r.k / 2;
  std::set<std::pair<int, int>> present;
  std::vector<std::set<int>> adj(static_cast<std::size_t>(n));
  for (int i = 1; i <= half; ++i)
    for (int v = 0; v < n; ++v) {
      const int w = (v + i) % n;
      present.insert(ordered(v, w));
      adj[static_cast<std::size_t>(v)].insert(w);
      adj[static_cast<std::size_t>(w)].insert(v);
    }
  if (events)
    events->push_back({"ring", "the ring: each node linked to its " + std::to_string(half) +
                                   " neighbours on each side", ojson::object(), sorted_edges(present)});
  for (int i = 1; i <= half; ++i)
    for (int v = 0; v < n; ++v) {
      const int t = (v + i) % n;
      const double x = u();
      if (x < r.p && static_cast<int>(adj[static_cast<std::size_t>(v)].size()) < n - 1) {
        // w uniform among the nodes that are not v and not linked to v.
        std::vector<int> free;
        for (int w = 0; w < n; ++w)
          if (w != v && !adj[static_cast<std::size_t>(v)].count(w)) free.push_back(w);
        const auto at = std::min(free.size() - 1, static_cast<std::size_t>(u() * static_cast<double>(free.size())));
        const int w = free[at];
        present.erase(ordered(v, t));
        adj[static_cast<std::size_t>(v)].erase(t);
        adj[static_cast<std::size_t>(t)].erase(v);
        present.insert(ordered(v, w));
        adj[static_cast<std::size_t>(v)].insert(w);
        adj[static_cast<std::size_t>(w)].insert(v);
        if (events)
          events->push_back({"rewire",
                             "edge " + std::to_string(v + 1) + " — " + std::to_string(t + 1) + " rewired to " +
                                 std::to_string(v + 1) + " — " + std::to_string(w + 1),
                             ojson{{"from", v + 1}, {"old", t + 1}, {"new", w + 1}, {"u", x}},
                             sorted_edges(present)});
      } else if (events) {
        events->push_back({"keep", "edge " + std::to_string(v + 1) + " — " + std::to_string(t + 1) + " kept",
                           ojson{{"from", v + 1}, {"old", t + 1}, {"u", x}}, sorted_edges(present)});
      }
    }
  g.edges = sorted_edges(present);
  return g;
}

ojson edges_json(const std::vector<std::pair<int, int>>& edges) {
  ojson a = ojson::array();
  for (auto [i, j] : edges) a.push_back({i + 1, j + 1});
  return a;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

GeneratorRequest parse_generator_request(const std::string& json_text) {
  const json root = common::parse_json(json_text.empty() ? "{}" : json_text, "request");
  if (!root.is_object()) fail("request", "expected a JSON object, got " + describe(root));
  static const std::set<std::string> allowed = {"family", "nodes", "p", "m", "k", "seed", "activation",
                                                "output_activation", "alpha", "inputs", "outputs"};
  for (const auto& [key, value] : root.items())
    if (!allowed.count(key))
      fail(key, "unknown field (expected one of activation, alpha, family, inputs, k, m, nodes, output_activation, outputs, p, seed)");
  GeneratorRequest r;
  if (root.contains("family")) {
    if (!root["family"].is_string()) fail("family", "expected er, ba or ws, got " + describe(root["family"]));
    r.family = root["family"].get<std::string>();
  }
  if (r.family != "er" && r.family != "ba" && r.family != "ws")
    fail("family", "expected er, ba or ws, got \"" + r.family + "\"");
  if (root.contains("nodes"))
    r.nodes = static_cast<int>(whole_number(root["nodes"], "nodes", GraphRandomLimits::kMinNodes, GraphRandomLimits::kMaxNodes));
  if (root.contains("p")) {
    if (r.family == "ba") fail("p", "only er and ws take p, not ba");
    r.p = finite_number(root["p"], "p");
    r.has_p = true;
  } else if (r.family == "er") {
    r.p = 0.2;
  }
  if (root.contains("m")) {
    if (r.family != "ba") fail("m", "only ba takes m, not " + r.family);
    r.m = static_cast<int>(whole_number(root["m"], "m", -1000000, 1000000));
    r.has_m = true;
  }
  if (root.contains("k")) {
    if (r.family != "ws") fail("k", "only ws takes k, not " + r.family);
    r.k = static_cast<int>(whole_number(root["k"], "k", -1000000, 1000000));
    r.has_k = true;
  }
  if (root.contains("seed")) r.seed = static_cast<std::uint64_t>(whole_number(root["seed"], "seed", 0, 1LL << 53));
  if (root.contains("activation")) {
    if (!root["activation"].is_string()) fail("activation", "expected a string, got " + describe(root["activation"]));
    r.activation = root["activation"].get<std::string>();
  }
  if (root.contains("output_activation")) {
    if (!root["output_activation"].is_string())
      fail("output_activation", "expected a string, got " + describe(root["output_activation"]));
    r.output_activation = root["output_activation"].get<std::string>();
  }
  if (root.contains("alpha")) r.alpha = finite_number(root["alpha"], "alpha");
  if (root.contains("inputs"))
    r.inputs = static_cast<int>(whole_number(root["inputs"], "inputs", 1, GraphRandomLimits::kMaxInputs));
  if (root.contains("outputs"))
    r.outputs = static_cast<int>(whole_number(root["outputs"], "outputs", 1, GraphRandomLimits::kMaxInputs));
  check_generator_request(r);
  return r;
}

void check_generator_request(const GeneratorRequest& r) {
  if (r.family != "er" && r.family != "ba" && r.family != "ws")
    fail("family", "expected er, ba or ws, got \"" + r.family + "\"");
  if (r.nodes < GraphRandomLimits::kMinNodes || r.nodes > GraphRandomLimits::kMaxNodes)
    fail("nodes", "expected a whole number from " + std::to_string(GraphRandomLimits::kMinNodes) + " to " +
                      std::to_string(GraphRandomLimits::kMaxNodes) + ", got " + std::to_string(r.nodes));
  if (r.family != "ba" && !(r.p >= 0 && r.p <= 1))
    fail("p", "expected a number from 0 to 1, got " + common::shortest_number(r.p));
  if (r.family == "ba" && (r.m < 1 || r.m >= r.nodes))
    fail("m", "expected M from 1 to N − 1 (" + std::to_string(r.nodes - 1) + "), got " + std::to_string(r.m));
  if (r.family == "ws") {
    if (r.k % 2 != 0) fail("k", "WS needs an even K, got " + std::to_string(r.k));
    if (r.k < 2 || r.k >= r.nodes)
      fail("k", "expected K from 2 to N − 1 (" + std::to_string(r.nodes - 1) + "), got " + std::to_string(r.k));
  }
  if (r.inputs < 1 || r.inputs > GraphRandomLimits::kMaxInputs)
    fail("inputs", "expected a whole number from 1 to " + std::to_string(GraphRandomLimits::kMaxInputs) +
                       ", got " + std::to_string(r.inputs));
  if (r.outputs < 1 || r.outputs > GraphRandomLimits::kMaxInputs)
    fail("outputs", "expected a whole number from 1 to " + std::to_string(GraphRandomLimits::kMaxInputs) +
                        ", got " + std::to_string(r.outputs));
}

UndirectedGraph random_graph(const GeneratorRequest& r) { return draw_graph(r, nullptr); }

namespace {

Activation node_activation(const std::string& name, double alpha, const std::string& field) {
  const ActivationInfo* row = find_layer_activation(name);
  if (row && (row->last_layer_only || row->pieces > 0))
    fail(field, "a graph node is one element-wise neuron; softmax and maxout act on a whole layer");
  Activation f = activation_by_name(name, field);
  if (alpha != 0) {
    if (!f.has_alpha()) fail("alpha", "only leaky_relu and elu take alpha, not " + f.name);
    f.alpha = alpha;
  }
  return f;
}

}  // namespace

GraphNetwork graph_of(const GeneratorRequest& r, const UndirectedGraph& u) {
  const int n = u.n;
  GraphNetwork g;
  g.inputs = r.inputs;
  const Activation f = node_activation(r.activation, r.alpha, "activation");
  const Activation fo = node_activation(r.output_activation.empty() ? r.activation : r.output_activation,
                                        r.output_activation.empty() ? r.alpha : 0, "output_activation");
  std::vector<std::vector<int>> pred(static_cast<std::size_t>(n));
  std::vector<bool> has_succ(static_cast<std::size_t>(n), false);
  for (auto [i, j] : u.edges) {
    pred[static_cast<std::size_t>(j)].push_back(i);
    has_succ[static_cast<std::size_t>(i)] = true;
  }
  for (int j = 0; j < n; ++j) {
    g.f.push_back(f);
    g.bias.push_back(0);
    auto& p = pred[static_cast<std::size_t>(j)];
    std::sort(p.begin(), p.end());
    if (p.empty())
      for (int x = 1; x <= r.inputs; ++x) g.edges.push_back({-x, j + 1, 0});
    for (int i : p) g.edges.push_back({i + 1, j + 1, 0});
  }
  for (int o = 0; o < r.outputs; ++o) {
    g.f.push_back(fo);
    g.bias.push_back(0);
    for (int i = 0; i < n; ++i)
      if (!has_succ[static_cast<std::size_t>(i)]) g.edges.push_back({i + 1, n + o + 1, 0});
    g.outputs.push_back(n + o + 1);
  }
  json origin = {{"family", r.family}, {"nodes", r.nodes}};  // sorted keys, as a parsed session writes them back
  if (r.family == "er") origin["p"] = r.p;
  if (r.family == "ba") origin["m"] = r.m;
  if (r.family == "ws") { origin["k"] = r.k; origin["p"] = r.p; }
  origin["seed"] = r.seed;
  g.origin = origin.dump();
  g.finalize("graph");
  draw_graph_weights(g, r.seed);
  return g;
}

Session generate_session(const GeneratorRequest& r) {
  const UndirectedGraph u = random_graph(r);
  Session s;
  s.graph = std::make_shared<const GraphNetwork>(graph_of(r, u));
  s.batch.X = Eigen::MatrixXd::Ones(r.inputs, 1);
  s.batch.Y = Eigen::MatrixXd::Ones(r.outputs, 1);
  s.loss = loss_by_name("half_sse");
  s.seed = r.seed;
  s.steps = 5;
  return s;
}

std::string generate_json(const std::string& request_json) {
  return session_to_json(generate_session(parse_generator_request(request_json)));
}

std::string generator_steps_json(const std::string& request_json) {
  const GeneratorRequest r = parse_generator_request(request_json);
  std::vector<Event> events;
  draw_graph(r, &events);
  ojson steps = ojson::array();
  for (auto& e : events) {
    ojson j = {{"kind", e.kind}, {"text", e.text}};
    for (auto& [k, v] : e.extra.items()) j[k] = v;
    j["edges"] = edges_json(e.edges);
    steps.push_back(std::move(j));
  }
  return ojson{{"family", r.family}, {"nodes", r.nodes}, {"steps", std::move(steps)}}.dump();
}

// ---------------------------------------------------------------------------------------------
// Statistics

std::string undirected_statistics_json(const UndirectedGraph& g, const GeneratorRequest* r) {
  const int n = g.n;
  std::vector<std::set<int>> adj(static_cast<std::size_t>(n));
  for (auto [i, j] : g.edges) {
    adj[static_cast<std::size_t>(i)].insert(j);
    adj[static_cast<std::size_t>(j)].insert(i);
  }
  int max_degree = 0;
  for (const auto& a : adj) max_degree = std::max(max_degree, static_cast<int>(a.size()));
  std::vector<int> hist(static_cast<std::size_t>(max_degree + 1), 0);
  double degree_sum = 0, clustering = 0;
  for (int v = 0; v < n; ++v) {
    const auto& a = adj[static_cast<std::size_t>(v)];
    ++hist[a.size()];
    degree_sum += static_cast<double>(a.size());
    if (a.size() < 2) continue;
    long links = 0;
    for (int x : a)
      for (int y : a)
        if (x < y && adj[static_cast<std::size_t>(x)].count(y)) ++links;
    const double k = static_cast<double>(a.size());
    clustering += 2.0 * static_cast<double>(links) / (k * (k - 1));
  }
  // Shortest paths by BFS from every node; pairs with no path are left out of the mean.
  double distance_sum = 0;
  long connected = 0;
  int components = 0;
  std::vector<int> component(static_cast<std::size_t>(n), -1);
  for (int s = 0; s < n; ++s) {
    std::vector<int> dist(static_cast<std::size_t>(n), -1);
    std::queue<int> q;
    dist[static_cast<std::size_t>(s)] = 0;
    q.push(s);
    if (component[static_cast<std::size_t>(s)] < 0) component[static_cast<std::size_t>(s)] = components++;
    while (!q.empty()) {
      const int a = q.front();
      q.pop();
      for (int b : adj[static_cast<std::size_t>(a)])
        if (dist[static_cast<std::size_t>(b)] < 0) {
          dist[static_cast<std::size_t>(b)] = dist[static_cast<std::size_t>(a)] + 1;
          component[static_cast<std::size_t>(b)] = component[static_cast<std::size_t>(s)];
          q.push(b);
        }
    }
    for (int t = 0; t < n; ++t)
      if (t != s && dist[static_cast<std::size_t>(t)] > 0) {
        distance_sum += dist[static_cast<std::size_t>(t)];
        ++connected;
      }
  }
  // Longest directed path (lower → higher index), in nodes.
  std::vector<int> longest(static_cast<std::size_t>(n), 1);
  int longest_path = n > 0 ? 1 : 0;
  for (int v = 0; v < n; ++v)
    for (int w : adj[static_cast<std::size_t>(v)])
      if (w < v) {
        longest[static_cast<std::size_t>(v)] = std::max(longest[static_cast<std::size_t>(v)], longest[static_cast<std::size_t>(w)] + 1);
        longest_path = std::max(longest_path, longest[static_cast<std::size_t>(v)]);
      }
  ojson out;
  out["nodes"] = n;
  out["edges"] = g.edges.size();
  ojson h = ojson::array();
  for (std::size_t d = 0; d < hist.size(); ++d) h.push_back({{"degree", d}, {"count", hist[d]}});
  out["degree_histogram"] = std::move(h);
  const double mean_degree = n > 0 ? degree_sum / n : 0;
  const double mean_clustering = n > 0 ? clustering / n : 0;
  out["mean_degree"] = mean_degree;
  out["clustering"] = mean_clustering;
  out["average_shortest_path"] = connected > 0 ? ojson(distance_sum / static_cast<double>(connected)) : ojson(nullptr);
  out["connected_pairs"] = connected;
  out["pairs"] = static_cast<long>(n) * (n - 1);
  out["components"] = components;
  out["longest_path_nodes"] = longest_path;
  ojson closed = ojson::object();
  if (r) {
    const double N = r->nodes;
    if (r->family == "er") closed["mean_degree"] = r->p * (N - 1);
    if (r->family == "ba") closed["mean_degree"] = 2.0 * r->m * (N - r->m) / N;
    if (r->family == "ws") {
      closed["mean_degree"] = r->k;
      if (r->p == 0) closed["clustering"] = 3.0 * (r->k - 2) / (4.0 * (r->k - 1));
    }
  }
  out["closed_forms"] = closed;
  const auto num = [](double v) { return fixed(v, 4); };
  std::string md = "| statistic | value |\n|---|---:|\n";
  md += "| nodes | " + std::to_string(n) + " |\n| edges | " + std::to_string(g.edges.size()) + " |\n";
  md += "| mean degree | " + num(mean_degree) + " |\n| clustering coefficient | " + num(mean_clustering) + " |\n";
  md += "| average shortest path | " + (connected > 0 ? num(distance_sum / static_cast<double>(connected)) : std::string("—")) +
        " (over " + std::to_string(connected) + " of " + std::to_string(static_cast<long>(n) * (n - 1)) + " ordered pairs) |\n";
  md += "| nodes on the longest path | " + std::to_string(longest_path) + " |\n";
  for (auto& [k, v] : closed.items()) md += "| closed form: " + k + " | " + num(v.get<double>()) + " |\n";
  md += "\n| degree | count |\n|---:|---:|\n";
  for (std::size_t d = 0; d < hist.size(); ++d) md += "| " + std::to_string(d) + " | " + std::to_string(hist[d]) + " |\n";
  out["markdown"] = md;
  return out.dump();
}

namespace {

/// The request an origin object describes, or nothing.
std::optional<GeneratorRequest> origin_request(const GraphNetwork& g) {
  if (g.origin.empty()) return std::nullopt;
  const json o = json::parse(g.origin);
  GeneratorRequest r;
  r.family = o.value("family", std::string("ws"));
  r.nodes = o.value("nodes", 0);
  r.p = o.value("p", 0.0);
  r.m = o.value("m", 0);
  r.k = o.value("k", 0);
  if (r.nodes < 1 || r.nodes > g.nodes()) return std::nullopt;
  return r;
}

}  // namespace

std::string graph_statistics_json(const Session& session) {
  if (!session.is_graph()) fail("graph", "statistics are of a graph session (it has layers)");
  const GraphNetwork& g = *session.graph;
  const auto r = origin_request(g);
  UndirectedGraph u;
  u.n = r ? r->nodes : g.nodes();
  for (const auto& e : g.edges)
    if (!e.from_input() && e.from <= u.n && e.to <= u.n) u.edges.push_back(ordered(e.from - 1, e.to - 1));
  return undirected_statistics_json(u, r ? &*r : nullptr);
}

// ---------------------------------------------------------------------------------------------
// Layout: layers by longest path, barycentre sweeps, dummy points on long edges.

std::string graph_layout_json(const Session& session) {
  if (!session.is_graph()) fail("graph", "the layout is of a graph session (it has layers)");
  const GraphNetwork& g = *session.graph;
  const int d = g.inputs, n = g.nodes();
  int last = 0;
  for (int j = 0; j < n; ++j) last = std::max(last, g.level_of()[static_cast<std::size_t>(j)]);
  std::vector<bool> is_output(static_cast<std::size_t>(n), false);
  for (int o : g.outputs) is_output[static_cast<std::size_t>(o - 1)] = true;
  // Vertex ids: inputs 0…d−1, neurons d…d+n−1, dummies after.
  std::vector<int> layer_of(static_cast<std::size_t>(d + n));
  for (int i = 0; i < d; ++i) layer_of[static_cast<std::size_t>(i)] = 0;
  bool outputs_last = true;
  for (int j = 0; j < n; ++j)
    if (is_output[static_cast<std::size_t>(j)] && g.level_of()[static_cast<std::size_t>(j)] != last) outputs_last = false;
  const int out_layer = outputs_last ? last : last + 1;
  for (int j = 0; j < n; ++j)
    layer_of[static_cast<std::size_t>(d + j)] = is_output[static_cast<std::size_t>(j)] ? out_layer : g.level_of()[static_cast<std::size_t>(j)];
  const int layers = out_layer + 1;
  // Chains: each edge as a list of vertices, dummies for every skipped layer.
  std::vector<std::vector<int>> chains;
  std::vector<std::vector<int>> down(static_cast<std::size_t>(d + n)), up(static_cast<std::size_t>(d + n));
  const auto link = [&](int a, int b) {
    if (static_cast<int>(down.size()) <= std::max(a, b)) { down.resize(static_cast<std::size_t>(std::max(a, b) + 1)); up.resize(down.size()); }
    down[static_cast<std::size_t>(a)].push_back(b);
    up[static_cast<std::size_t>(b)].push_back(a);
  };
  for (const auto& e : g.edges) {
    const int a = e.from_input() ? e.input() - 1 : d + e.from - 1;
    const int b = d + e.to - 1;
    std::vector<int> chain = {a};
    for (int l = layer_of[static_cast<std::size_t>(a)] + 1; l < layer_of[static_cast<std::size_t>(b)]; ++l) {
      const int dummy = static_cast<int>(layer_of.size());
      layer_of.push_back(l);
      chain.push_back(dummy);
    }
    chain.push_back(b);
    for (std::size_t k = 0; k + 1 < chain.size(); ++k) link(chain[k], chain[k + 1]);
    chains.push_back(std::move(chain));
  }
  const int V = static_cast<int>(layer_of.size());
  down.resize(static_cast<std::size_t>(V));
  up.resize(static_cast<std::size_t>(V));
  std::vector<std::vector<int>> order(static_cast<std::size_t>(layers));
  for (int v = 0; v < V; ++v) order[static_cast<std::size_t>(layer_of[static_cast<std::size_t>(v)])].push_back(v);
  std::vector<double> pos(static_cast<std::size_t>(V), 0);
  const auto number = [&]() {
    for (auto& o : order)
      for (std::size_t i = 0; i < o.size(); ++i) pos[static_cast<std::size_t>(o[i])] = static_cast<double>(i);
  };
  number();
  const auto sweep = [&](int l, const std::vector<std::vector<int>>& nb) {
    auto& o = order[static_cast<std::size_t>(l)];
    std::vector<std::pair<double, int>> key;
    for (std::size_t i = 0; i < o.size(); ++i) {
      const auto& ns = nb[static_cast<std::size_t>(o[i])];
      double b = static_cast<double>(i);
      if (!ns.empty()) {
        b = 0;
        for (int w : ns) b += pos[static_cast<std::size_t>(w)];
        b /= static_cast<double>(ns.size());
      }
      key.emplace_back(b, o[i]);
    }
    std::stable_sort(key.begin(), key.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (std::size_t i = 0; i < o.size(); ++i) {
      o[i] = key[i].second;
      pos[static_cast<std::size_t>(o[i])] = static_cast<double>(i);
    }
  };
  for (int pass = 0; pass < 4; ++pass) {
    for (int l = 1; l < layers; ++l) sweep(l, up);
    for (int l = layers - 2; l >= 0; --l) sweep(l, down);
  }
  std::size_t slots = 0;
  for (const auto& o : order) slots = std::max(slots, o.size());
  // Centre each layer in the tallest one.
  std::vector<double> y(static_cast<std::size_t>(V));
  for (const auto& o : order) {
    const double offset = (static_cast<double>(slots) - static_cast<double>(o.size())) / 2.0;
    for (std::size_t i = 0; i < o.size(); ++i) y[static_cast<std::size_t>(o[i])] = offset + static_cast<double>(i);
  }
  ojson nodes = ojson::array();
  for (int v = 0; v < d + n; ++v) {
    ojson id = v < d ? ojson("x" + std::to_string(v + 1)) : ojson(v - d + 1);
    nodes.push_back({{"id", id}, {"layer", layer_of[static_cast<std::size_t>(v)]},
                     {"slot", static_cast<int>(pos[static_cast<std::size_t>(v)])},
                     {"x", layer_of[static_cast<std::size_t>(v)]}, {"y", y[static_cast<std::size_t>(v)]},
                     {"output", v >= d && is_output[static_cast<std::size_t>(v - d)]}});
  }
  ojson edges = ojson::array();
  for (std::size_t e = 0; e < chains.size(); ++e) {
    const auto& c = chains[e];
    ojson points = ojson::array();
    for (int v : c) points.push_back({layer_of[static_cast<std::size_t>(v)], y[static_cast<std::size_t>(v)]});
    const GraphEdge& ge = g.edges[e];
    edges.push_back({{"edge", e}, {"from", ge.from_input() ? ojson("x" + std::to_string(ge.input())) : ojson(ge.from)},
                     {"to", ge.to}, {"points", std::move(points)}});
  }
  return ojson{{"layers", layers}, {"slots", slots}, {"nodes", std::move(nodes)}, {"edges", std::move(edges)}}.dump();
}

}  // namespace nntutor
