#pragma once
/// The lecture's per-step table: named columns from the network's shape, rows from a trace,
/// and the text formats the CLI and the page export (JSON Lines, CSV, Markdown, LaTeX).
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nntutor/numbers.hpp"
#include "nntutor/session.hpp"

namespace nntutor {

/// What a column holds; indices are 1-based, 0 where they do not apply.
/// kState: the optimizer's state of one weight (input ≥ 1) or bias (input 0) after the step's
/// update, `slot` naming which (m, v or a); kBatch: 1 if sample `sample` was in the step's
/// mini-batch, else 0. In a maxout layer w, b, z, dw, db and state are per piece (`piece` ≥ 1,
/// named w1p2[1,1], z1p2@3: "piece 2 of layer 1") and kWinner is the winning piece (1…k) of
/// unit `unit` for sample `sample` (win1[2]@3), the first of the largest z on a tie.
struct Column {
  enum class Kind { kStep, kW, kB, kZ, kY, kDW, kDB, kLoss, kState, kBatch, kWinner };
  Kind kind = Kind::kStep;
  int layer = 0, unit = 0, input = 0, sample = 0;
  std::string name;  ///< e.g. w1, dL/dw2[1,3], z1@2, m_w1, batch@3 (docs/engine-api.md)
  std::string slot;  ///< kState: m (adam's momentum), v (velocity), a (adagrad's accumulator)
  int slot_index = 0;  ///< kState: index into OptimizerSettings::slots() and LayerTrace::state_*
  int piece = 0;       ///< a maxout layer's piece (1-based) of w, b, z, dw, db, state; else 0
};

/// Columns and numeric rows (one row per step).
struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<double>> rows;
};

/// The text form of a Column::Kind: step, w, b, z, y, dw, db, loss, state, batch, winner.
const char* kind_name(Column::Kind kind);

/// Name of a quantity of `net` by the documented scheme: brackets only where there is a choice
/// (a layer with one unit and one input has `w1`, not `w1[1,1]`); `@s` when samples > 1.
/// In a maxout layer `piece` (1-based) names a piece's w, b, z: w1p2[1,1] (0: the unit's y, win).
std::string quantity_name(Column::Kind kind, const Network& net, int samples, int layer,
                          int unit, int input = 0, int sample = 0, int piece = 0);

/// The same for row `row` (0-based) of a layer's W, b, z (or their gradients and state): in a
/// maxout layer row j·k + p is piece p + 1 of unit j + 1.
std::string row_name(Column::Kind kind, const Network& net, int samples, int layer, int row,
                     int input = 0, int sample = 0);

/// The winning piece (1-based) of unit `unit` (1-based) of a maxout layer's z (units·k × samples)
/// for sample `sample` (1-based): the first of the largest.
int winning_piece(const Eigen::MatrixXd& z, int pieces, int unit, int sample);

/// The name of the optimizer's state `slot` (m, v, a) of a weight (kW) or bias (kB):
/// the slot, "_" and the parameter's name, e.g. m_w1, v_w2[1,3], a_b1[2].
std::string state_name(const std::string& slot, Column::Kind parameter, const Network& net,
                       int layer, int unit, int input = 0, int piece = 0);

/// The columns for a network of this shape and this many samples, trained by `opt`: with
/// mini-batches `batch@s` for every sample after the step; after each layer's gradients its
/// optimizer state, slot by slot (weights, then biases).
std::vector<Column> table_columns(const Network& net, int samples,
                                  const OptimizerSettings& opt = {});

/// The columns of a graph session (docs/graph.md "Table"): step, batch@s, w[j,i] per edge, b[j],
/// z[j]@s, y[j]@s, dL/dw[j,i], dL/db[j], the optimizer's state, L. `unit` is the edge (1-based)
/// for w, dw and their state, the neuron otherwise; `layer` 1.
std::vector<Column> graph_table_columns(const GraphNetwork& g, int samples,
                                        const OptimizerSettings& opt = {});
/// table_columns of a layered session, graph_table_columns of a graph session.
std::vector<Column> session_columns(const Session& session);

/// The table of a trace: one row per computed step.
Table make_table(const Network& net, int samples, const Trace& trace,
                 const OptimizerSettings& opt = {});

/// One recorded step as JSON, as `run` returns it in "steps": {"step", "loss", "layers": [{"W",
/// "b", "z", "y", "dW", "db", "state"?}], "batch"?}; `slots` are the optimizer's state letters
/// (OptimizerSettings::slots()) naming LayerTrace::state_*.
nlohmann::ordered_json step_json(const StepTrace& t, const std::vector<std::string>& slots);

/// step_json(t, slots).dump(), written straight into the text (a large network's step has tens
/// of thousands of numbers: no JSON value per number).
std::string step_json_text(const StepTrace& t, const std::vector<std::string>& slots);

/// The columns' JSON descriptions {"name", "kind", "layer", "unit", "input", "sample"} (and
/// "slot" for state columns) of `columns[keep[…]]`.
nlohmann::ordered_json columns_json(const std::vector<Column>& columns,
                                    const std::vector<std::size_t>& keep);

/// Output formats of `nntutor table` and of the page's exports.
enum class Format { kJson, kCsv, kMarkdown, kLatex };

/// Parses json, csv, markdown or latex; throws SessionError naming `field` otherwise.
Format parse_format(const std::string& text, const std::string& field = "--format");

/// The value of column `c` in recorded step `t`.
double column_value(const Column& c, const StepTrace& t);

/// The trace in `format`: JSON Lines at full precision, or the table with `precision` decimals.
/// A divergence ends the text: a `{"diverged_at":k,"reason":…}` line, a `# diverged …` line
/// after the CSV, a sentence after the Markdown or LaTeX table.
std::string render(const Session& session, const Trace& trace, Format format, int precision);

/// What of a run the page asks for: which column kinds go into the table (step always does)
/// and which steps' full traces go into "steps" (all, none, or one step k).
struct View {
  std::vector<Column::Kind> kinds = {Column::Kind::kW,    Column::Kind::kB,    Column::Kind::kZ,
                                     Column::Kind::kY,    Column::Kind::kDW,   Column::Kind::kDB,
                                     Column::Kind::kLoss, Column::Kind::kState, Column::Kind::kBatch};
  enum class Steps { kAll, kNone, kOne } steps = Steps::kAll;
  int trace_step = 0;  ///< with Steps::kOne: the 1-based step whose trace is included
  bool page_limits = false;  ///< "limits": "page": the session must fit PageLimits
  std::vector<int> layers;   ///< "layers": [1-based layers] whose columns are kept; empty = all
  std::vector<int> units;    ///< "units": [1-based units] of those layers; empty = all
  bool session = true;       ///< "session": false leaves the normalised session out
  /// "equations": {"precision": p, "layers": […], "units": […]}: the equations of the traced
  /// step (trace_step k) of those layers and units come back too (equations.hpp), saving the
  /// page a second run.
  struct Equations {
    int precision = 4;
    std::vector<int> layers, units;  ///< empty = all
  };
  std::optional<Equations> equations;
};

/// The indices of `table`'s columns that `view` keeps, in table order: the step column, then
/// the chosen kinds of the chosen layers and units (the loss column is kept when its kind is
/// chosen).
std::vector<std::size_t> view_columns(const Table& table, const View& view);

/// The same for the columns alone (what view_columns of a Table reads).
std::vector<std::size_t> view_columns(const std::vector<Column>& columns, const View& view);

/// The table of a recorded `trace` as run_result_json writes it, {"columns", "rows"}: the
/// columns `view` keeps of `columns` (table_columns of the trace's session), and one row per
/// recorded step from the 0-based `from` on; without "columns" when `with_columns` is false
/// (a page appending a row already has them).
nlohmann::ordered_json table_json(const std::vector<Column>& columns, const Trace& trace,
                                  const View& view, std::size_t from = 0,
                                  bool with_columns = true);

/// render() of the columns `view` keeps (csv, markdown, latex; json lines are whole steps).
std::string render(const Session& session, const Trace& trace, Format format, int precision,
                   const View& view);

/// Parses {"columns": ["w","b","z","y","dw","db","loss","state","batch"] ("y" keeps a maxout
/// unit's winning piece too), "layers": [1, 3], "units": [2],
/// "trace_step": k | "all" | "none", "limits": "engine" | "page", "session": true | false,
/// "equations": {"precision": p, "layers": [l], "units": [j]}};
/// "" or "{}" is the default View (everything). SessionError names the option.
View parse_view(const std::string& json_text);

/// Everything the page needs from one run, as one JSON document:
/// {"session", "steps", "diverged", "table": {"columns", "rows"}, "equations"}, cut to `view`
/// ("equations" only when asked for and the traced step was computed).
std::string run_result_json(const Session& session, const Trace& trace, const View& view = {});

}  // namespace nntutor
