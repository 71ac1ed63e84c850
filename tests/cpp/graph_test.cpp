// Graph sessions (docs/graph.md): the dense layered network as a graph bit for bit, gradients
// against central differences on random ER, BA and WS graphs, the generators' edge counts and
// closed forms, every refused input, the table, equations, Workbook and CLI on graph sessions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "nntutor/equations.hpp"
#include "nntutor/graph.hpp"
#include "nntutor/graph_random.hpp"
#include "nntutor/init.hpp"
#include "nntutor/page_view.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/wired/comparison.hpp"
#include "nntutor/workbook.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor;
using nlohmann::json;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// Every number of the graph trace equals the layered trace's, bit for bit.
void expect_same_trace(const Session& layered) {
  const Session graph = layered_session_as_graph(layered);
  const Trace a = run(layered), b = run(graph);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  ASSERT_EQ(a.diverged.has_value(), b.diverged.has_value());
  for (std::size_t k = 0; k < a.steps.size(); ++k) {
    const StepTrace& s = a.steps[k];
    const LayerTrace& g = b.steps[k].layers.at(0);
    EXPECT_TRUE(same_bits(s.loss, b.steps[k].loss)) << "step " << k + 1 << " L " << s.loss << " vs " << b.steps[k].loss;
    Eigen::Index node = 0, edge = 0;
    for (const LayerTrace& l : s.layers) {
      for (Eigen::Index j = 0; j < l.W.rows(); ++j, ++node) {
        for (Eigen::Index i = 0; i < l.W.cols(); ++i, ++edge) {
          ASSERT_TRUE(same_bits(l.W(j, i), g.W(edge, 0))) << "step " << k + 1 << " w edge " << edge;
          ASSERT_TRUE(same_bits(l.dW(j, i), g.dW(edge, 0))) << "step " << k + 1 << " dw edge " << edge;
          for (std::size_t q = 0; q < l.state_W.size(); ++q)
            ASSERT_TRUE(same_bits(l.state_W[q](j, i), g.state_W[q](edge, 0)));
        }
        ASSERT_TRUE(same_bits(l.b(j), g.b(node)));
        ASSERT_TRUE(same_bits(l.db(j), g.db(node))) << "step " << k + 1 << " db node " << node;
        for (std::size_t q = 0; q < l.state_b.size(); ++q) ASSERT_TRUE(same_bits(l.state_b[q](j), g.state_b[q](node)));
        for (Eigen::Index s2 = 0; s2 < l.z.cols(); ++s2) {
          ASSERT_TRUE(same_bits(l.z(j, s2), g.z(node, s2))) << "step " << k + 1 << " z node " << node;
          ASSERT_TRUE(same_bits(l.y(j, s2), g.y(node, s2)));
        }
      }
    }
    EXPECT_EQ(s.batch, b.steps[k].batch);
  }
}

std::string dense_session(int inputs, const std::vector<int>& units, int samples, const std::string& hidden,
                          const std::string& optimizer, int steps, int seed) {
  json s;
  Uniform u(static_cast<std::uint64_t>(seed) + 100);
  json X = json::array(), Y = json::array();
  for (int n = 0; n < samples; ++n) {
    json x = json::array(), y = json::array();
    for (int i = 0; i < inputs; ++i) x.push_back(2 * u() - 1);
    for (int i = 0; i < units.back(); ++i) y.push_back(u());
    X.push_back(x);
    Y.push_back(y);
  }
  s["inputs"] = X;
  s["targets"] = Y;
  json layers = json::array();
  for (std::size_t l = 0; l < units.size(); ++l)
    layers.push_back({{"units", units[l]}, {"activation", l + 1 == units.size() ? "sigmoid" : hidden}});
  s["layers"] = layers;
  s["optimizer"] = json::parse(optimizer);
  s["steps"] = steps;
  s["seed"] = seed;
  return s.dump();
}

TEST(GraphTest, LectureExampleAsAGraphIsTheLayeredTraceBitForBit) {
  expect_same_trace(parse_session(nntutor_test::lecture_json()));
}

TEST(GraphTest, TwoThreeTwoWithSeveralSamplesAndEveryOptimizerBitForBit) {
  for (const char* opt : {R"({"name":"sgd","learning_rate":0.5})", R"({"name":"sgd","learning_rate":0.1,"momentum":0.9})",
                          R"({"name":"adam","learning_rate":0.05})", R"({"name":"rmsprop"})", R"({"name":"adagrad","learning_rate":0.1})",
                          R"({"name":"sgd","learning_rate":0.3,"batch_size":2,"shuffle_seed":7})"}) {
    SCOPED_TRACE(opt);
    expect_same_trace(parse_session(dense_session(2, {3, 2}, 5, "tanh", opt, 12, 3)));
  }
  // bce after sigmoid outputs is computed from the logits in both engines; mse and mae too.
  for (const char* loss : {"bce", "mse", "mae"}) {
    SCOPED_TRACE(loss);
    json s = json::parse(dense_session(2, {3, 2}, 5, "elu", R"({"name":"adam","learning_rate":0.05})", 8, 4));
    s["loss"] = loss;
    expect_same_trace(parse_session(s.dump()));
  }
}

TEST(GraphTest, ThePagesTableDecisionKeepsAGraphsColumns) {
  const Session s = parse_session(generate_json(R"({"family":"er","nodes":6,"p":0.5,"seed":1})"));
  const json d = json::parse(describe_json(s, R"({"layers": null, "columns": ["w", "y", "loss"], "steps": 5, "equations_of": null})"));
  EXPECT_EQ(d["table"]["layers"].dump(), "[1]") << d.dump();
  EXPECT_EQ(d["table"]["note"], "");
  EXPECT_EQ(d["table"]["all_columns"].get<std::size_t>(),
            1 + s.graph->edges.size() + static_cast<std::size_t>(s.graph->nodes()) + 1);  // step, w, y, L
}

TEST(GraphTest, LargeLayersThroughEigensGemmBitForBit) {
  // 8 inputs × 32 × 32 × 4 with 40 samples: the products go through Eigen's blocked GEMM.
  expect_same_trace(parse_session(dense_session(8, {32, 32, 4}, 40, "relu", R"({"name":"adam","learning_rate":0.01})", 6, 5)));
  expect_same_trace(parse_session(dense_session(8, {32}, 16, "sigmoid", R"({"name":"sgd","learning_rate":0.2})", 4, 9)));
}

TEST(GraphTest, TheGraphFormOfTheLectureReadsAndWritesBack) {
  const Session s = layered_session_as_graph(parse_session(nntutor_test::lecture_json()));
  const std::string text = session_to_json(s);
  EXPECT_NE(text.find(R"("graph":{"nodes":[{"activation":"sigmoid","bias":0.0},{"activation":"sigmoid","bias":0.0}],"edges":[{"from":"x1","to":1,"weight":0.5},{"from":1,"to":2,"weight":0.8}],"outputs":[2]})"),
            std::string::npos)
      << text;
  const Session back = parse_session(text);
  ASSERT_TRUE(back.is_graph());
  EXPECT_EQ(session_to_json(back), text);
  const auto columns = session_columns(back);
  std::string names;
  for (const auto& c : columns) names += c.name + ",";
  EXPECT_EQ(names, "step,w[1,x1],w[2,1],b[1],b[2],z[1],z[2],y[1],y[2],dL/dw[1,x1],dL/dw[2,1],dL/db[1],dL/db[2],L,");
  // The same numbers as the layered table, column by column.
  const Session layered = parse_session(nntutor_test::lecture_json());
  const Table a = make_table(layered.network, 1, run(layered));
  const std::string csv = render(back, run(back), Format::kCsv, 17);
  const std::string row1 = csv.substr(csv.find('\n') + 1, csv.find('\n', csv.find('\n') + 1) - csv.find('\n') - 1);
  const auto r = a.rows[0];  // step,w1,b1,z1,y1,dL/dw1,dL/db1,w2,b2,z2,y2,dL/dw2,dL/db2,L
  const std::vector<double> graph_order = {r[0], r[1], r[7], r[2], r[8], r[3], r[9], r[4], r[10], r[5], r[11], r[6], r[12], r[13]};
  std::string expected = "1";
  for (std::size_t i = 1; i < graph_order.size(); ++i) expected += "," + fixed(graph_order[i], 17);
  EXPECT_EQ(row1, expected);
}

/// Central differences of L in every weight and bias against graph_backward.
void expect_gradients(const GraphNetwork& g0, const Batch& batch, const Loss& loss) {
  GraphPass pass;
  graph_forward(g0, batch, loss, pass);
  graph_backward(g0, batch, loss, pass);
  const double h = 1e-6;
  const auto L = [&](const GraphNetwork& g) {
    GraphPass p;
    graph_forward(g, batch, loss, p);
    return p.loss;
  };
  for (std::size_t e = 0; e < g0.edges.size(); ++e) {
    GraphNetwork up = g0, down = g0;
    up.edges[e].weight += h;
    down.edges[e].weight -= h;
    const double fd = (L(up) - L(down)) / (2 * h);
    ASSERT_NEAR(pass.dw(static_cast<Eigen::Index>(e)), fd, 1e-7 + 1e-5 * std::fabs(fd)) << "edge " << e;
  }
  for (int j = 0; j < g0.nodes(); ++j) {
    GraphNetwork up = g0, down = g0;
    up.bias[static_cast<std::size_t>(j)] += h;
    down.bias[static_cast<std::size_t>(j)] -= h;
    const double fd = (L(up) - L(down)) / (2 * h);
    ASSERT_NEAR(pass.db(j), fd, 1e-7 + 1e-5 * std::fabs(fd)) << "node " << j + 1;
  }
}

TEST(GraphTest, GradientsMatchCentralDifferencesOnFiftyRandomGraphsOfEachFamily) {
  for (const char* family : {"er", "ba", "ws"}) {
    for (int seed = 1; seed <= 50; ++seed) {
      GeneratorRequest r;
      r.family = family;
      r.nodes = 5 + seed % 8;
      r.seed = static_cast<std::uint64_t>(seed);
      r.p = 0.3 + 0.01 * (seed % 20);
      r.m = 1 + seed % 3;
      r.k = 2 + 2 * (seed % 2);
      r.activation = seed % 2 ? "tanh" : "sigmoid";
      r.output_activation = "linear";
      r.inputs = 2;
      r.outputs = 1 + seed % 2;
      SCOPED_TRACE(std::string(family) + " seed " + std::to_string(seed));
      const GraphNetwork g = graph_of(r, random_graph(r));
      Uniform u(static_cast<std::uint64_t>(seed) * 7);
      Batch b;
      b.X.resize(2, 3);
      b.Y.resize(r.outputs, 3);
      for (Eigen::Index i = 0; i < b.X.size(); ++i) b.X(i) = 2 * u() - 1;
      for (Eigen::Index i = 0; i < b.Y.size(); ++i) b.Y(i) = u();
      expect_gradients(g, b, loss_by_name(seed % 3 ? "half_sse" : "mse"));
    }
  }
}

TEST(GraphTest, GeneratorsEdgeCountsAndClosedForms) {
  for (int seed = 1; seed <= 20; ++seed) {
    GeneratorRequest ba;
    ba.family = "ba";
    ba.nodes = 20;
    ba.m = 1 + seed % 5;
    ba.seed = static_cast<std::uint64_t>(seed);
    EXPECT_EQ(random_graph(ba).edges.size(), static_cast<std::size_t>(ba.m * (ba.nodes - ba.m)));
    GeneratorRequest ws;
    ws.family = "ws";
    ws.nodes = 24;
    ws.k = 2 * (1 + seed % 4);
    ws.p = 0.05 * (seed % 10);
    ws.seed = static_cast<std::uint64_t>(seed);
    const UndirectedGraph g = random_graph(ws);
    EXPECT_EQ(g.edges.size(), static_cast<std::size_t>(ws.nodes * ws.k / 2));
    std::set<std::pair<int, int>> unique(g.edges.begin(), g.edges.end());
    EXPECT_EQ(unique.size(), g.edges.size());
    for (auto [i, j] : g.edges) EXPECT_LT(i, j);
  }
  // ER: the mean over 200 seeds of the edge count is P·N(N−1)/2 within 3 standard errors.
  GeneratorRequest er;
  er.family = "er";
  er.nodes = 16;
  er.p = 0.3;
  double sum = 0;
  for (int seed = 1; seed <= 200; ++seed) {
    er.seed = static_cast<std::uint64_t>(seed);
    sum += static_cast<double>(random_graph(er).edges.size());
  }
  const double pairs = 16 * 15 / 2.0, expected = 0.3 * pairs, se = std::sqrt(pairs * 0.3 * 0.7 / 200);
  EXPECT_NEAR(sum / 200, expected, 3 * se);
  const json stats = json::parse(undirected_statistics_json(random_graph(er), &er));
  EXPECT_DOUBLE_EQ(stats["closed_forms"]["mean_degree"].get<double>(), 0.3 * 15);
  EXPECT_DOUBLE_EQ(stats["mean_degree"].get<double>(), 2.0 * stats["edges"].get<double>() / 16);
  // WS with P = 0 is the ring lattice: clustering 3(K − 2)/(4(K − 1)) exactly, degree K.
  for (int k : {2, 4, 6, 8}) {
    GeneratorRequest ring;
    ring.family = "ws";
    ring.nodes = 30;
    ring.k = k;
    ring.p = 0;
    const json s = json::parse(undirected_statistics_json(random_graph(ring), &ring));
    EXPECT_NEAR(s["clustering"].get<double>(), 3.0 * (k - 2) / (4.0 * (k - 1)), 1e-12);
    EXPECT_NEAR(s["closed_forms"]["clustering"].get<double>(), 3.0 * (k - 2) / (4.0 * (k - 1)), 1e-15);
    EXPECT_DOUBLE_EQ(s["mean_degree"].get<double>(), k);
    EXPECT_EQ(s["components"].get<int>(), 1);
  }
}

TEST(GraphTest, StatisticsOfASmallGraphByHand) {
  // The path 1 — 2 — 3 and the lone node 4: distances 1, 1, 2 each way; one triangle-free graph.
  UndirectedGraph g;
  g.n = 4;
  g.edges = {{0, 1}, {1, 2}};
  const json s = json::parse(undirected_statistics_json(g, nullptr));
  EXPECT_DOUBLE_EQ(s["average_shortest_path"].get<double>(), (1 + 1 + 2) * 2 / 6.0);
  EXPECT_EQ(s["connected_pairs"].get<int>(), 6);
  EXPECT_EQ(s["pairs"].get<int>(), 12);
  EXPECT_EQ(s["components"].get<int>(), 2);
  EXPECT_EQ(s["longest_path_nodes"].get<int>(), 3);
  EXPECT_DOUBLE_EQ(s["clustering"].get<double>(), 0);
  EXPECT_EQ(s["degree_histogram"].dump(), R"([{"count":1,"degree":0},{"count":2,"degree":1},{"count":1,"degree":2}])");
  // A triangle: clustering 1.
  g.n = 3;
  g.edges = {{0, 1}, {0, 2}, {1, 2}};
  EXPECT_DOUBLE_EQ(json::parse(undirected_statistics_json(g, nullptr))["clustering"].get<double>(), 1);
}

TEST(GraphTest, GeneratedSessionReadsInputsAtSourcesAndFeedsTheOutputFromSinks) {
  const Session s = parse_session(generate_json(R"({"family":"ws","nodes":8,"k":2,"p":0,"seed":3,"inputs":2})"));
  ASSERT_TRUE(s.is_graph());
  const GraphNetwork& g = *s.graph;
  EXPECT_EQ(g.nodes(), 9);  // 8 + the output neuron
  EXPECT_EQ(g.outputs, std::vector<int>{9});
  // The ring 1-2-…-8-1 oriented low → high: node 1 is the only source, node 8 the only sink.
  int from_inputs = 0, into_output = 0;
  for (const auto& e : g.edges) {
    if (e.from_input()) { EXPECT_EQ(e.to, 1); ++from_inputs; }
    if (e.to == 9) { EXPECT_EQ(e.from, 8); ++into_output; }
  }
  EXPECT_EQ(from_inputs, 2);
  EXPECT_EQ(into_output, 1);
  // Same request, same session; and the statistics read the origin's 8 nodes.
  EXPECT_EQ(generate_json(R"({"family":"ws","nodes":8,"k":2,"p":0,"seed":3,"inputs":2})"), session_to_json(s));
  const json stats = json::parse(graph_statistics_json(s));
  EXPECT_EQ(stats["nodes"].get<int>(), 8);
  EXPECT_EQ(stats["edges"].get<int>(), 8);
  EXPECT_DOUBLE_EQ(stats["clustering"].get<double>(), 0);
}

TEST(GraphTest, BadGraphsAreRefusedNamingTheItem) {
  const auto session = [](const std::string& graph, const std::string& extra = "") {
    return R"({"inputs": [[1]], "targets": [[1]], "graph": )" + graph + extra + "}";
  };
  const std::string nodes5 = R"("nodes": [{"activation":"sigmoid"},{"activation":"sigmoid"},{"activation":"sigmoid"},{"activation":"sigmoid"},{"activation":"sigmoid"}])";
  EXPECT_SESSION_ERROR(parse_session(session(R"({)" + nodes5 + R"(, "edges": [{"from":"x1","to":1},{"from":1,"to":2},{"from":2,"to":3},{"from":3,"to":4},{"from":4,"to":5},{"from":2,"to":4},{"from":4,"to":3},{"from":5,"to":3}], "outputs": [5]})")),
                       "graph.edges[6]: 4 → 3 closes a cycle 3 → 4 → 3");
  EXPECT_SESSION_ERROR(parse_session(session(R"({)" + nodes5 + R"(, "edges": [{"from":"x1","to":1},{"from":1,"to":9}], "outputs": [5]})")),
                       "graph.edges[1].to: expected a neuron 1 to 5, got 9");
  EXPECT_SESSION_ERROR(parse_session(session(R"({)" + nodes5 + R"(, "edges": [{"from":"x7","to":1}], "outputs": [5]})")),
                       "graph.edges[0].from: expected \"x1\" to \"x1\" or a neuron 1 to 5, got string \"x7\"");
  EXPECT_SESSION_ERROR(parse_session(session(R"({)" + nodes5 + R"(, "edges": [{"from":"x1","to":1},{"from":1,"to":2},{"from":1,"to":2}], "outputs": [5]})")),
                       "graph.edges[2]: 1 → 2 repeats graph.edges[1]");
  EXPECT_SESSION_ERROR(parse_session(session(R"({)" + nodes5 + R"(, "edges": [{"from":"x1","to":1},{"from":1,"to":1}], "outputs": [5]})")),
                       "graph.edges[1]: 1 → 1 is a loop (a neuron cannot feed itself)");
  EXPECT_SESSION_ERROR(parse_session(session(R"({)" + nodes5 + R"(, "edges": [{"from":"x1","to":1},{"from":1,"to":2},{"from":2,"to":5},{"from":3,"to":5},{"from":1,"to":4},{"from":4,"to":5}], "outputs": [5]})")),
                       "graph.nodes[2]: neuron 3 is reached by no input (no path from x1…x1 to it)");
  EXPECT_SESSION_ERROR(parse_session(session(R"({)" + nodes5 + R"(, "edges": [{"from":"x1","to":1},{"from":1,"to":2},{"from":2,"to":5},{"from":1,"to":3},{"from":1,"to":4},{"from":4,"to":5}], "outputs": [5]})")),
                       "graph.nodes[2]: neuron 3 reaches no output (no path from it to graph.outputs)");
  EXPECT_SESSION_ERROR(parse_session(session(R"({"nodes":[{"activation":"sigmoid"}], "edges":[{"from":"x1","to":1}], "outputs": [2]})")),
                       "graph.outputs[0]: expected a neuron 1 to 1, got 2");
  EXPECT_SESSION_ERROR(parse_session(session(R"({"nodes":[{"activation":"sigmoid"}], "edges":[{"from":"x1","to":1}], "outputs": [1, 1]})")),
                       "graph.outputs: expected 1 number (one per target column), got 2");
  EXPECT_SESSION_ERROR(parse_session(session(R"({"nodes":[{"activation":"softmax"}], "edges":[{"from":"x1","to":1}], "outputs": [1]})")),
                       "graph.nodes[0].activation: a graph node is one element-wise neuron; softmax and maxout act on a whole layer (use sigmoid, tanh, relu, leaky_relu, elu, linear, softplus, swish)");
  EXPECT_SESSION_ERROR(parse_session(session(R"({"nodes":[{"activation":"sigmoid"}], "edges":[{"from":"x1","to":1}], "outputs": [1]})", R"(, "layers": [])")),
                       "graph: a session has layers or a graph, not both");
  EXPECT_SESSION_ERROR(parse_session(session(R"({"nodes":[{"activation":"sigmoid"}], "edges":[{"from":"x1","to":1}], "outputs": [1]})", R"(, "loss": "cross_entropy")")),
                       "loss: cross_entropy needs softmax on a whole output layer, which a graph session cannot have (use half_sse, mse, mae, msle or bce)");
}

TEST(GraphTest, GeneratorRequestsTheFamilyDoesNotAllowAreRefused) {
  EXPECT_SESSION_ERROR(parse_generator_request(R"({"family":"ws","nodes":8,"k":3})"), "k: WS needs an even K, got 3");
  EXPECT_SESSION_ERROR(parse_generator_request(R"({"family":"ws","nodes":8,"k":8})"), "k: expected K from 2 to N − 1 (7), got 8");
  EXPECT_SESSION_ERROR(parse_generator_request(R"({"family":"ba","nodes":8,"m":8})"), "m: expected M from 1 to N − 1 (7), got 8");
  EXPECT_SESSION_ERROR(parse_generator_request(R"({"family":"ba","nodes":8,"m":0})"), "m: expected M from 1 to N − 1 (7), got 0");
  EXPECT_SESSION_ERROR(parse_generator_request(R"({"family":"er","nodes":8,"p":1.5})"), "p: expected a number from 0 to 1, got 1.5");
  EXPECT_SESSION_ERROR(parse_generator_request(R"({"family":"er","nodes":1})"), "nodes: expected a whole number from 2 to 256, got 1");
  EXPECT_SESSION_ERROR(parse_generator_request(R"({"family":"xx"})"), "family: expected er, ba or ws, got \"xx\"");
  EXPECT_SESSION_ERROR(parse_generator_request(R"({"family":"ws","m":2})"), "m: only ba takes m, not ws");
}

TEST(GraphTest, BaStepsAttachByTheDegreesOfTheMomentAndWsStepsRewire) {
  const json ba = json::parse(generator_steps_json(R"({"family":"ba","nodes":7,"m":2,"seed":4})"));
  ASSERT_EQ(ba["steps"].size(), 1u + 5u);  // start, then nodes 3…7
  EXPECT_EQ(ba["steps"][0]["kind"], "start");
  EXPECT_EQ(ba["steps"][1]["targets"].dump(), "[1,2]");
  for (std::size_t i = 1; i < ba["steps"].size(); ++i) {
    const auto& s = ba["steps"][i];
    EXPECT_EQ(s["targets"].size(), 2u);
    EXPECT_EQ(s["degrees"].size(), static_cast<std::size_t>(s["node"].get<int>() - 1));
    if (i > 1)
      for (const auto& t : s["targets"]) EXPECT_GT(s["degrees"][t.get<int>() - 1].get<int>(), 0);
    EXPECT_EQ(s["edges"].size(), 2 * i);
  }
  const json ws = json::parse(generator_steps_json(R"({"family":"ws","nodes":10,"k":4,"p":0.5,"seed":2})"));
  EXPECT_EQ(ws["steps"][0]["kind"], "ring");
  EXPECT_EQ(ws["steps"].size(), 1u + 20u);  // every edge considered once
  int rewired = 0;
  for (const auto& s : ws["steps"]) {
    EXPECT_EQ(s["edges"].size(), 20u);
    if (s["kind"] == "rewire") ++rewired;
  }
  EXPECT_GT(rewired, 0);
  // The last step's edges are the generated graph's.
  GeneratorRequest r = parse_generator_request(R"({"family":"ws","nodes":10,"k":4,"p":0.5,"seed":2})");
  json last = json::array();
  for (auto [i, j] : random_graph(r).edges) last.push_back({i + 1, j + 1});
  EXPECT_EQ(ws["steps"].back()["edges"], last);
}

TEST(GraphTest, LayoutPutsInputsLeftOutputRightAndEdgesStepOneLayerAtATime) {
  const Session s = parse_session(generate_json(R"({"family":"er","nodes":12,"p":0.4,"seed":5,"inputs":2})"));
  const json lay = json::parse(graph_layout_json(s));
  const int layers = lay["layers"].get<int>();
  for (const auto& n : lay["nodes"]) {
    if (n["id"].is_string()) EXPECT_EQ(n["layer"].get<int>(), 0);
    if (n["output"].get<bool>()) EXPECT_EQ(n["layer"].get<int>(), layers - 1);
  }
  ASSERT_EQ(lay["edges"].size(), s.graph->edges.size());
  // Every segment joins adjacent layers, so no edge passes a node's layer between its ends.
  std::set<std::pair<int, double>> occupied;
  for (const auto& n : lay["nodes"]) occupied.insert({n["x"].get<int>(), n["y"].get<double>()});
  for (const auto& e : lay["edges"]) {
    const auto& p = e["points"];
    for (std::size_t i = 0; i + 1 < p.size(); ++i) EXPECT_EQ(p[i + 1][0].get<int>() - p[i][0].get<int>(), 1);
    for (std::size_t i = 1; i + 1 < p.size(); ++i)  // dummy points sit where no node is
      EXPECT_EQ(occupied.count({p[i][0].get<int>(), p[i][1].get<double>()}), 0u);
  }
}

TEST(GraphTest, WorkbookStepsAGraphSessionAsRunDoes) {
  const Session s = parse_session(generate_json(R"({"family":"ba","nodes":6,"m":2,"seed":2})"));
  Workbook book(s, true);
  EXPECT_EQ(book.rows(), 5);
  for (int i = 0; i < 11; ++i) book.step();
  book.back();
  Session ten = s;
  ten.steps = 15;
  const Trace t = run(ten);
  ASSERT_EQ(book.rows(), 15);
  for (int k = 0; k < 15; ++k) EXPECT_TRUE(same_bits(book.trace().steps[static_cast<std::size_t>(k)].loss, t.steps[static_cast<std::size_t>(k)].loss));
  const json row = json::parse(book.rows_json(1, View{}));
  EXPECT_EQ(row["columns"][1]["name"], "w[1,x1]");
  const json tr = json::parse(book.trace_json(3));
  EXPECT_EQ(tr["nodes"]["z"].size(), 7u);
  const json eq = json::parse(book.equations_json(2, 4));
  EXPECT_NE(eq["latex"].get<std::string>().find("\\delta_{7}"), std::string::npos);
}

TEST(GraphTest, EquationsOfTheLectureGraphGiveTheTracesGradients) {
  const Session s = layered_session_as_graph(parse_session(nntutor_test::lecture_json()));
  const Trace t = run(s);
  const auto eqs = gradient_equations(s, t.steps[0], 4);
  ASSERT_EQ(eqs.size(), 2u + 2u + 2u);  // 2 weights, 2 biases, 2 δ
  EXPECT_EQ(eqs[0].name, "dL/dw[1,x1]");
  EXPECT_EQ(eqs[0].symbolic(), "\\delta_{1} \\cdot x_{1}");
  double p = 1;
  for (const auto& f : eqs[0].factors[0]) p *= f.value;
  EXPECT_NEAR(p, t.steps[0].layers[0].dW(0, 0), 1e-15);
  EXPECT_EQ(eqs[5].name, "delta[2]");
  EXPECT_NE(eqs[5].factors[0][1].symbolic.find("\\hat{y}_{1}"), std::string::npos);
  EXPECT_NE(eqs[4].factors[0][1].symbolic.find("w_{2,1}\\delta_{2}"), std::string::npos);
  // δ_1 = σ′(z1)·w21·δ2, the value ∂L/∂b1.
  EXPECT_NEAR(eqs[4].value, t.steps[0].layers[0].db(0), 1e-15);
}

TEST(GraphTest, CliGraphPrintsASessionThatTableReads) {
  const auto r = nntutor_test::cli("graph --family ws --nodes 8 --k 2 --p 0.5 --seed 4");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string path = nntutor_test::write_temp("ws.json", r.out);
  const auto t = nntutor_test::cli("table '" + path + "' --steps 2");
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.out.rfind("step,\"w[1,x1]\",", 0), 0u) << t.out;
  const auto e = nntutor_test::cli("equations '" + path + "' --step 2");
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_NE(e.out.find("\\delta_{9}"), std::string::npos);
  const auto bad = nntutor_test::cli("graph --family ws --nodes 8 --k 3 --seed 1");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "nntutor: --k: WS needs an even K, got 3\n");
  const std::string cyclic = nntutor_test::write_temp("cyclic.json", R"({"inputs": [[1]], "targets": [[1]], "graph": {"nodes": [{"activation": "sigmoid"}, {"activation": "sigmoid"}], "edges": [{"from": "x1", "to": 1}, {"from": 1, "to": 2}, {"from": 2, "to": 1}], "outputs": [2]}})");
  const auto refused = nntutor_test::cli("table '" + cyclic + "'");
  EXPECT_EQ(refused.status, 2);
  EXPECT_EQ(refused.err, "nntutor: " + cyclic + ": graph.edges[2]: 2 → 1 closes a cycle 1 → 2 → 1\n");
  const auto steps = nntutor_test::cli("graph --family ws --nodes 6 --k 2 --p 0.5 --seed 1 --steps-animation");
  ASSERT_EQ(steps.status, 0) << steps.err;
  EXPECT_EQ(json::parse(steps.out)["steps"].size(), 1u + 6u);
  const auto stats = nntutor_test::cli("graph --family ba --nodes 10 --m 3 --seed 1 --stats");
  ASSERT_EQ(stats.status, 0) << stats.err;
  EXPECT_EQ(json::parse(stats.out)["edges"].get<int>(), 21);
}

TEST(GraphTest, SideBySideTrainsFourModelsOfAboutTheSameSize) {
  wired::ComparisonRequest r;
  r.samples = 64;
  r.batch_size = 8;
  r.epochs = 3;
  wired::Comparison a(r), b(r);
  for (int e = 0; e < 3; ++e) EXPECT_EQ(a.epoch(), b.epoch());  // deterministic
  const auto params = a.parameters();
  const double mean = (params[0] + params[1] + params[2]) / 3.0;
  EXPECT_LE(std::fabs(static_cast<double>(params[3]) - mean), 13.0);  // the nearest 9-h-3
  for (const auto& l : a.losses()) {
    ASSERT_EQ(l.size(), 3u);
    for (double v : l) EXPECT_TRUE(std::isfinite(v));
    EXPECT_LT(l.back(), l.front());  // they learn
  }
  const json s = json::parse(a.summary());
  EXPECT_EQ(s["models"].size(), 4u);
  EXPECT_NE(s["note"].get<std::string>().find("large image models"), std::string::npos);
  EXPECT_SESSION_ERROR(wired::parse_comparison_request(R"({"ws":{"k":3}})"), "ws.k: WS needs an even K, got 3");
  EXPECT_SESSION_ERROR(wired::parse_comparison_request(R"({"nodes":100})"), "nodes: expected a whole number from 4 to 64, got 100");
}

}  // namespace
