#pragma once
/// A session held open with its trace: the page's table, one step at a time. Where `run` replays
/// a session from step 0 on every call, a Workbook keeps the recorded steps and the network and
/// optimizer after the last one, so a Step computes one step and a row read only reads.
#include <optional>
#include <string>
#include <vector>

#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/train.hpp"

namespace nntutor {

/// What a change did to the table: rows 1…kept are as they were, later ones are new or gone.
struct Change {
  int kept = 0;  ///< rows left exactly as they were before the call
};

/// A session and its recorded run. Invariant: trace() is exactly run(session()) — the same
/// numbers to the last bit — after every call; a call that throws changes nothing.
/// After a divergence at step k the session holds k steps (its k − 1 rows and the divergence),
/// as the page shows it.
class Workbook {
 public:
  /// Opens `session` and computes its `steps` steps. With `page_limits` the session (and every
  /// later one, and every step count) must fit PageLimits (check_page_limits); SessionError
  /// naming the field otherwise.
  explicit Workbook(Session session, bool page_limits = false);

  /// The session with `steps` = the steps held (rows, plus 1 after a divergence).
  const Session& session() const { return session_; }
  /// The recorded run of session(): its rows and the divergence, if any.
  const Trace& trace() const { return trace_; }
  /// Steps held: rows, plus the step that diverged.
  int steps() const { return session_.steps; }
  /// The table's columns of session() (table_columns of its network, samples and optimizer).
  const std::vector<Column>& columns() const { return columns_; }
  /// Rows recorded (steps that were computed).
  int rows() const { return static_cast<int>(trace_.steps.size()); }

  /// Computes one more step from the network and optimizer after the last one (no replay,
  /// except after back() or a divergence: then from the nearest checkpoint, at most
  /// kCheckpointEvery − 1 steps, without recording). SessionError if the run has diverged or
  /// one more step is over the limits ("steps: …", the same message as a session with that
  /// many steps); a step that diverges is recorded as the divergence.
  Change step();
  /// Drops the last step (the divergence, if the run stopped there); nothing at 0 steps.
  Change back();
  /// Back to step 0 (the session's start values are kept).
  Change reset();
  /// Replaces the session, keeping what it does not change. If `next` has the same start
  /// network, data, loss and optimizer (everything session_to_json writes but `steps` and
  /// `seed`) the recorded steps are a common prefix: a smaller `steps` truncates, a larger one
  /// computes only the new steps. Anything else (a weight, a sample, η, …) changes step 1's
  /// numbers already, so the run restarts from step 1. With page limits `next` is checked
  /// first; a rejected session leaves the workbook as it was.
  Change set_session(Session next);

  /// {"steps", "rows", "kept", "diverged": null | {"at", "reason"}} after `change`.
  std::string status_json(const Change& change) const;
  /// The table rows from the 1-based row `from` on, with the columns `view` keeps (its
  /// columns, layers and units): {"columns", "rows", "diverged"}, with "columns" only when
  /// `from` is 1 (then "columns" and "rows" are run_result_json's "table"). SessionError if
  /// `from` is not 1…rows() + 1.
  std::string rows_json(long long from, const View& view) const;
  /// The trace of recorded step `step` (1-based) as run_result_json writes it in "steps"
  /// (trace_step k). SessionError if the step was not computed.
  std::string trace_json(long long step) const;
  /// The equations of recorded step `step`, as equations_for_step returns them (layers and
  /// units as for gradient_equations). SessionError as trace_equations_json.
  std::string equations_json(long long step, int precision, const std::vector<int>& layers = {},
                             const std::vector<int>& units = {}) const;
  /// The session as run_result_json writes it in "session" (session_to_json).
  std::string session_json() const { return session_to_json(session_); }

  /// A copy of the network and optimizer is kept after every this many steps.
  static constexpr int kCheckpointEvery = 8;

 private:
  /// The network and the optimizer's state after step `at`.
  struct Checkpoint {
    int at = 0;
    Network net;
    OptimizerState state;
    /// A graph session's network and optimizer (docs/graph.md); empty for the layered form.
    std::optional<GraphNetwork> graph;
    std::optional<GraphOptimizerState> graph_state;
  };
  /// One step of the live network (layered or graph), recorded into `row` when given.
  std::optional<Divergence> advance(Checkpoint& at, int k, StepTrace* row);

  /// Throws SessionError if a session of `steps` steps is over the limits.
  void check_steps(long long steps) const;
  /// Starts again from step 0 with the held session (trace, checkpoints and live state).
  void restart();
  /// Computes steps rows() + 1 … `target`, recording each, stopping at a divergence.
  void extend_to(int target);
  /// Drops every row after `rows` (and the divergence).
  void truncate_to(int rows);
  /// Makes live_ the state after the last row (from a checkpoint when it is not).
  void catch_up();

  Session session_;
  bool page_limits_ = false;
  Trace trace_;
  std::string start_;                    ///< session_to_json of session_ without steps and seed
  std::vector<std::string> slots_;       ///< session_.optimizer.slots()
  std::vector<Column> columns_;          ///< table_columns of session_ (its shape and optimizer)
  std::vector<Checkpoint> checkpoints_;  ///< after steps 0, kCheckpointEvery, 2·kCheckpointEvery…
  std::optional<Checkpoint> live_;       ///< after the last computed step (when `at` says so)
  Pass pass_;                            ///< scratch of the forward and backward passes
  GraphPass graph_pass_;                 ///< the same for a graph session
};

}  // namespace nntutor
