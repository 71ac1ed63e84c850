#pragma once
/// The session format (JSON): network, data, loss, optimizer and steps, parsed and validated
/// once, here. docs/engine-api.md describes every field.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "nntutor/graph.hpp"
#include "nntutor/network.hpp"
#include "nntutor/train.hpp"

namespace nntutor {

/// Limits that keep a run to about a second of work; checked when a session is parsed.
struct Limits {
  static constexpr int kMaxLayers = 16;
  static constexpr int kMaxUnits = 256;
  static constexpr int kMaxFeatures = 256;
  static constexpr int kMaxSamples = 1024;
  static constexpr int kMaxSteps = 10000;
  static constexpr double kMaxWork = 2e8;  ///< steps × samples × parameters
  static constexpr double kMaxTraceNumbers = 5e6;  ///< numbers a recorded run may hold (40 MB)
};

/// The page's tighter limits: there every weight and every data cell is an input box, so a
/// session must stay small enough to show (docs/page.md). Checked by check_page_limits.
struct PageLimits {
  static constexpr int kMaxLayers = 8;
  static constexpr int kMaxUnits = 32;
  static constexpr int kMaxFeatures = 32;
  static constexpr int kMaxSamples = 256;
  static constexpr int kMaxSteps = 1000;
};

/// The limits as JSON, for the page to state: {"layers", "units", "features", "samples",
/// "steps", "work", "trace_numbers", "page": {"layers", "units", "features", "samples",
/// "steps"}}.
std::string limits_json();

/// A validated session: everything needed to run the table.
struct Session {
  Network network;
  Batch batch;
  Loss loss;
  OptimizerSettings optimizer;  ///< default: the lecture's gradient descent, η = 0.1
  int steps = 5;
  std::uint64_t seed = 1;
  /// Optional labels that change no number (a variant's "v001" and "Variant v001 (seed 7)");
  /// written by session_to_json only when not empty.
  std::string id, title;
  /// A graph session (docs/graph.md): the network is this DAG and `network` is empty. Null for
  /// the layered form.
  std::shared_ptr<const GraphNetwork> graph;
  bool is_graph() const { return graph != nullptr; }
};

/// Parses and validates a session; weights that are omitted are drawn from `seed`
/// (Glorot uniform, see docs/engine-api.md). Throws SessionError naming the field.
Session parse_session(std::string_view json_text);

/// The session as JSON with every default and every initial weight written out, so it
/// reproduces the same run when parsed again.
std::string session_to_json(const Session& session);

/// Sets the number of steps, checked against the same limits as the session's `steps`
/// (SessionError naming `field`, e.g. "--steps").
void set_steps(Session& session, long long steps, const std::string& field = "steps");

/// Throws SessionError naming the field when a (valid) session is over the page's limits,
/// e.g. "layers[2].units: the page allows at most 32 units per layer, got 40".
void check_page_limits(const Session& session);

/// Runs the session's steps of its optimizer and records each.
Trace run(const Session& session);

}  // namespace nntutor
