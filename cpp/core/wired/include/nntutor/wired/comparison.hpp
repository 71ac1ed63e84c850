#pragma once
/// Side by side: ER, BA and WS graphs and a dense layered network of about the same number of
/// parameters, trained on the same data (the lecture's built-in spectra) with the same optimizer,
/// seeds and mini-batch order, one epoch per call (docs/graph.md "Side by side"). On the tutor
/// layer (graphs, the layered engine) and the keras layer (the data set).
#include <cstdint>
#include <string>
#include <vector>

#include "nntutor/graph.hpp"
#include "nntutor/graph_random.hpp"
#include "nntutor/network.hpp"
#include "nntutor/train.hpp"

namespace nntutor::wired {

/// The request's fields with their defaults (the schema's numbers).
struct ComparisonRequest {
  int nodes = 16;
  std::uint64_t seed = 1;
  int epochs = 50;
  int samples = 256;
  int batch_size = 32;
  std::string optimizer = "adam";
  double learning_rate = 0.01;
  std::string activation = "relu";
  double er_p = 0.2;
  int ba_m = 2;
  int ws_k = 4;
  double ws_p = 0.25;
};

struct ComparisonLimits {
  static constexpr int kMinNodes = 4, kMaxNodes = 64;
  static constexpr int kMaxEpochs = 500;
  static constexpr int kMinSamples = 16, kMaxSamples = 2048;
};

/// Parses a request (JSON object, every field optional); SessionError naming the field.
ComparisonRequest parse_comparison_request(const std::string& json_text);
/// The defaults and limits as JSON (for the page's schema).
std::string comparison_schema_json();

class Comparison {
 public:
  explicit Comparison(const ComparisonRequest& request);
  /// Trains every model one more epoch; {"epoch", "losses": {"er", "ba", "ws", "dense"}}.
  std::string epoch();
  /// {"epochs", "data", "models": [{"name", "title", "parameters", "edges", "nodes",
  /// "final_loss", "losses"}], "note"}.
  std::string summary() const;
  int epochs_done() const { return epoch_; }
  /// The mean training loss of each epoch so far, per model (er, ba, ws, dense).
  const std::vector<std::vector<double>>& losses() const { return losses_; }
  /// Parameters of each model (er, ba, ws, dense).
  std::vector<long> parameters() const;

 private:
  ComparisonRequest request_;
  Batch data_;
  std::vector<GraphNetwork> graphs_;
  std::vector<GraphOptimizerState> graph_states_;
  Network dense_;
  std::vector<OptimizerState> dense_state_;
  OptimizerSettings settings_;
  Loss loss_;
  std::vector<Eigen::Index> order_;
  std::mt19937_64 engine_;
  int epoch_ = 0;
  std::vector<std::vector<double>> losses_;
  std::vector<bool> diverged_;
};

}  // namespace nntutor::wired

namespace nntutor::wired {
/// What the Randomly wired page builds its controls from (docs/graph.md "Wasm"): the families
/// and their parameters (label, min, max, default, step, integer), nodes, seed, inputs,
/// activations, limits and the comparison's defaults.
std::string wired_schema_json();
/// Runs `steps` steps of a session (layered or graph) without recording; the last loss (NaN if
/// it diverged). For the bench.
double bench_session(const std::string& session_json, int steps);
}  // namespace nntutor::wired
