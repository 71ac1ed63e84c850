#pragma once
/// Random graphs of Xie et al. 2019 (ER, BA, WS) as graph sessions, the generators' steps for
/// animation, the statistics that tell the families apart, and a layered drawing of the DAG.
/// docs/graph.md gives every rule and JSON shape.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nntutor/session.hpp"

namespace nntutor {

struct GraphRandomLimits {
  static constexpr int kMinNodes = 2;
  static constexpr int kMaxNodes = 256;
  static constexpr int kPageMaxNodes = 64;
  static constexpr int kMaxInputs = 16;
};

/// What to generate (the fields of docs/graph.md "Generators").
struct GeneratorRequest {
  std::string family = "ws";  ///< er, ba, ws
  int nodes = 16;
  double p = 0.25;  ///< ER, WS
  int m = 2;        ///< BA
  int k = 4;        ///< WS
  std::uint64_t seed = 1;
  std::string activation = "sigmoid", output_activation;  ///< "" = activation
  double alpha = 0;  ///< 0: the row's default α
  int inputs = 1, outputs = 1;
  bool has_p = false, has_m = false, has_k = false;
};

/// Parses a request (JSON object); SessionError naming the field.
GeneratorRequest parse_generator_request(const std::string& json_text);
/// Checks the family's parameters (K even and < N, 1 ≤ M < N, 0 ≤ P ≤ 1, N in range).
void check_generator_request(const GeneratorRequest& r);

/// The undirected graph of nodes 0…n−1 (edges i < j, in the order the generator made them).
struct UndirectedGraph {
  int n = 0;
  std::vector<std::pair<int, int>> edges;
};

/// The random graph alone (0-based nodes), drawn from `seed` by Uniform (math/init.hpp).
UndirectedGraph random_graph(const GeneratorRequest& r);
/// The DAG of `u` for request `r` (inputs, output neurons, weights drawn from r.seed).
GraphNetwork graph_of(const GeneratorRequest& r, const UndirectedGraph& u);
/// The graph session of a request: the DAG (lower → higher), sources read every input, one
/// output neuron per output fed by every sink, weights drawn from seed.
Session generate_session(const GeneratorRequest& r);
/// generate_session's JSON (session_to_json).
std::string generate_json(const std::string& request_json);
/// The generator's steps for animation (JSON).
std::string generator_steps_json(const std::string& request_json);

/// Statistics of an undirected graph (+ the DAG's longest path) as JSON; `closed` adds the
/// family's closed forms when `r` is given.
std::string undirected_statistics_json(const UndirectedGraph& g, const GeneratorRequest* r);
/// The statistics of a graph session (its origin's nodes, or all neurons).
std::string graph_statistics_json(const Session& session);
/// The drawing of a graph session (layers, slots, dummy points).
std::string graph_layout_json(const Session& session);

}  // namespace nntutor
