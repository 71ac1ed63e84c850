#pragma once
/// A network of neurons wired as any DAG (the general case of which the layered network is one
/// instance): its session form, validation, forward and backward passes, training trace, and the
/// writer of a layered network as a graph. docs/graph.md describes the JSON.
///
/// The engine evaluates the DAG level by level (a node's level = the longest path from the
/// inputs to it, in neurons): each level is one matrix product z = W·y_src + b over the nodes
/// that feed it, non-edges exact zeros, with the same Eigen calls as the layered engine
/// (network.hpp's affine, delta_with, gradients, backprop). So a dense layered network written
/// as a graph gives the layered trace bit for bit at any size (Eigen's summation order is the
/// same because the products are the same), and any DAG gives z_j = Σ_{i∈pred(j)} w_ji y_i + b_j,
/// δ_j = f′(z_j)·Σ_{k∈succ(j)} w_kj δ_k (+ ∂L/∂ŷ for an output node).
#include <Eigen/Dense>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/activation.hpp"
#include "nntutor/loss.hpp"
#include "nntutor/network.hpp"
#include "nntutor/train.hpp"

namespace nntutor {

struct Session;

/// Limits of a graph session (the layered form's, in nodes and edges): checked by the parser.
struct GraphLimits {
  static constexpr int kMaxNodes = 512;    ///< neurons
  static constexpr int kMaxEdges = 8192;   ///< weights
  static constexpr int kMaxFeatures = 256; ///< inputs x1…xd (as the layered form)
  /// The page's: every weight is a box there.
  static constexpr int kPageMaxNodes = 64;
  static constexpr int kPageMaxEdges = 512;
};

/// One weighted edge. `from` ≥ 1 is neuron `from` (1-based), `from` ≤ −1 the input x_{−from};
/// `to` is a neuron (1-based).
struct GraphEdge {
  int from = 0;
  int to = 0;
  double weight = 0;
  bool from_input() const { return from < 0; }
  int input() const { return -from; }  ///< 1-based input when from_input()
};

/// The evaluation plan derived from the edges (GraphNetwork::plan()): levels by longest path.
struct GraphLevel {
  std::vector<int> nodes;    ///< 0-based neurons of this level, ascending
  std::vector<int> sources;  ///< what feeds it, as keys (input i → i, neuron j → inputs + j; 0-based), ascending
  /// Per edge into this level: (edge index, row in nodes, column in sources).
  struct Entry { int edge, row, col; };
  std::vector<Entry> entries;
};

/// A DAG of neurons: N nodes (activation, bias), edges with weights, the output nodes ŷ_1…ŷ_m.
struct GraphNetwork {
  int inputs = 0;                   ///< d, the features x1…xd
  std::vector<Activation> f;        ///< per node (element-wise activations only)
  std::vector<double> bias;         ///< per node
  std::vector<GraphEdge> edges;     ///< in the session's order (the table's order of w)
  std::vector<int> outputs;         ///< 1-based nodes whose y are ŷ_1…ŷ_m
  std::string origin;               ///< the generator's "origin" object (JSON text), or empty

  int nodes() const { return static_cast<int>(f.size()); }
  long parameters() const { return static_cast<long>(edges.size()) + nodes(); }

  /// Checks the structure (throws SessionError naming the item, e.g. "graph.edges[7]: 5 → 3
  /// closes a cycle 3 → 4 → 5 → 3") and computes the plan. Called by the parser and the
  /// generators; call again after changing the edges' endpoints.
  void finalize(const std::string& field = "graph");
  const std::vector<GraphLevel>& plan() const { return levels_; }
  /// Level (1-based) of each node: the longest path from the inputs, in neurons.
  const std::vector<int>& level_of() const { return level_of_; }
  /// Predecessors of each node as keys (input i → i, neuron j → inputs + j; 0-based) and
  /// successors (0-based neurons), ascending.
  const std::vector<std::vector<int>>& predecessors() const { return pred_; }
  const std::vector<std::vector<int>>& successors() const { return succ_; }
  /// Edge index of each (predecessor, node) pair, in predecessors() order.
  const std::vector<std::vector<int>>& in_edges() const { return in_edges_; }
  /// Edge indices leaving each node, in successors() order.
  const std::vector<std::vector<int>>& out_edges() const { return out_edges_; }

 private:
  std::vector<GraphLevel> levels_;
  std::vector<int> level_of_;
  std::vector<std::vector<int>> pred_, succ_, in_edges_, out_edges_;
};

/// One forward and backward pass's numbers: per node z, y (nodes × samples), per edge and node
/// the gradients, and the per-level scratch of the matrix products.
struct GraphPass {
  Eigen::MatrixXd z, y;      ///< nodes × samples
  Eigen::VectorXd dw, db;    ///< ∂L/∂w per edge, ∂L/∂b per node (means over the samples)
  Eigen::MatrixXd dy;        ///< ∂L/∂y per node (nodes × samples), summed over successors
  Eigen::MatrixXd delta;     ///< δ = ∂L/∂z per node (nodes × samples)
  double loss = 0;
  struct Level { Eigen::MatrixXd W, src, Z, A, D, G, dW; Eigen::VectorXd b, db; };
  std::vector<Level> levels;
};

/// Forward pass over the DAG level by level; then L of the outputs against Y (from the logits
/// when every output is a sigmoid and the loss is bce, as the layered engine).
void graph_forward(const GraphNetwork& g, const Batch& batch, const Loss& loss, GraphPass& pass);
/// Backward pass after graph_forward on the same arguments: δ from the outputs back, ∂L/∂w_ji =
/// Σ_s δ_j y_i (means, as the loss), ∂L/∂b_j = Σ_s δ_j.
void graph_backward(const GraphNetwork& g, const Batch& batch, const Loss& loss, GraphPass& pass);

/// A graph step's trace is a StepTrace with ONE LayerTrace (so the table's column_value, the
/// Workbook and recorded_step work unchanged): W, dW are edges × 1 (edge e in row e), b, db
/// nodes, z, y nodes × samples, state_W edges × 1 and state_b nodes per optimizer letter.
/// The optimizer's state and mini-batch order as the layered trace (train.hpp).
class GraphOptimizerState {
 public:
  GraphOptimizerState(const OptimizerSettings& settings, const GraphNetwork& g, int samples);
  const OptimizerSettings& settings() const { return settings_; }

 private:
  friend std::optional<Divergence> graph_train_step(GraphNetwork&, const Batch&, const Loss&,
                                                    GraphOptimizerState&, int, GraphPass&,
                                                    StepTrace*);
  OptimizerSettings settings_;
  keras::Optimizer optimizer_;
  Eigen::VectorXd theta_, gradient_;  ///< every edge weight (edge order), then every bias
  OptimizerState batches_;            ///< the mini-batch order (next_batch), the layered rule
  std::vector<std::string> slots_;
  Batch data_;
  GraphPass pass_;
};

/// One step: forward, backward and the update on the next batch; the trace as described above.
/// A value that is not finite returns the Divergence (named as the table's column) and leaves
/// `g` as it was.
std::optional<Divergence> graph_train_step(GraphNetwork& g, const Batch& data, const Loss& loss,
                                           GraphOptimizerState& state, int step, GraphPass& pass,
                                           StepTrace* trace);
/// Runs `steps` steps from `g` (left untouched) and records each.
Trace graph_run(GraphNetwork g, const Batch& batch, const Loss& loss,
                const OptimizerSettings& opt, int steps);

/// A graph session: Session with `graph` set (session.hpp); parse_session dispatches here when
/// the JSON has "graph" instead of "layers". Weights left out are drawn from `seed`
/// (docs/graph.md: Glorot-like per node, limit √(6/(fan_in + fan_out)) with the node's
/// in-degree and out-degree, edges in order), biases left out are 0.
Session parse_graph_session(std::string_view json_text);
/// The "graph" object of a graph session as JSON text (every weight and bias written out).
std::string graph_to_json(const GraphNetwork& g);
/// Parses a "graph" object (the generators' output, a session's "graph"); `inputs` = d,
/// `outputs` = m (target columns); weights left out drawn from `seed`. Validated (finalize).
GraphNetwork parse_graph(std::string_view json_text, int inputs, int outputs,
                         std::uint64_t seed = 1);
/// Draws every edge weight from `seed` as the parser does for omitted ones.
void draw_graph_weights(GraphNetwork& g, std::uint64_t seed);
/// The layered network written as a graph: neurons numbered layer by layer, unit by unit;
/// edges layer by layer, unit by unit, input by input (every weight, zeros included); outputs
/// the last layer's units. SessionError for softmax or maxout layers (a graph node is one
/// element-wise neuron).
GraphNetwork layered_as_graph(const Network& net);
/// The same for a whole session (data, loss, optimizer, steps, seed, id, title kept).
Session layered_session_as_graph(const Session& session);

/// Table names of graph quantities: w[5,3], w[3,x1], b[3], z[3], y[3]@2, dL/dw[5,3],
/// dL/db[3], m_w[5,3] (docs/graph.md "Table").
std::string graph_edge_name(const GraphNetwork& g, int edge);  ///< "5,3" or "3,x1"
/// The trace JSON of one graph step: {"step", "loss", "nodes": {"z", "y", "b", "db"},
/// "edges": {"w", "dw"}, "state"?: {"m": {"w", "b"}}, "batch"?}.
std::string graph_step_json_text(const StepTrace& t, const std::vector<std::string>& slots);

}  // namespace nntutor
