#include "nntutor/tutor.hpp"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "check_graph.hpp"
#include "nntutor/error.hpp"
#include "nntutor/table.hpp"
#include "nntutor/train.hpp"

namespace nntutor {

namespace {

using json = nlohmann::json;
using Kind = Column::Kind;

std::string step_text(int step) { return "step " + std::to_string(step); }

/// Runs `session` for `steps` steps from its start values (the CLI's limits).
Trace run_to(const Session& session, int steps, int asked) {
  Session s = session;
  try {
    set_steps(s, steps, "step");
  } catch (const SessionError&) {
    throw SessionError("tutor: " + step_text(asked) + " is beyond the " +
                       std::to_string(Limits::kMaxSteps - 1) + " steps tutor mode can work out");
  }
  return run(s);
}

void limit_cells(const TutorStep& out, bool graph) {
  if (static_cast<int>(out.cells.size()) > kMaxTutorCells)
    throw SessionError("tutor: a step of this network has " + std::to_string(out.cells.size()) +
                       " numbers to work out; tutor mode asks for at most " + std::to_string(kMaxTutorCells) +
                       (graph ? " (use fewer neurons, edges or samples)" : " (use fewer units, inputs or samples)"));
}

/// A graph session's cells (docs/check.md "Graph sessions"): each neuron's z and y in the
/// tutor's order (by level, then number); L; each neuron's gradients (its incoming weights' in
/// edge order, then its bias) from the last back, as δ runs over successors; the velocity and the
/// updated parameters neuron by neuron in the forward order.
void graph_cells(const Session& session, int step, const Trace& trace, TutorStep& out) {
  const GraphNetwork& g = *session.graph;
  const auto columns = check_detail::check_columns(session);
  const StepTrace& now = trace.steps[static_cast<std::size_t>(step - 1)];
  const StepTrace* next = static_cast<int>(trace.steps.size()) > step
                              ? &trace.steps[static_cast<std::size_t>(step)] : nullptr;
  const std::vector<int> order = check_detail::graph_order(g);
  // A column's neuron (1-based): its own, or a weight's (or its velocity's) target.
  const auto neuron = [&](const Column& c) {
    const bool edge = c.kind == Kind::kW || c.kind == Kind::kDW || (c.kind == Kind::kState && c.input > 0);
    return edge ? g.edges[static_cast<std::size_t>(c.unit - 1)].to : c.unit;
  };
  const auto add = [&](const char* stage, int row, const StepTrace& t, int j, std::initializer_list<Kind> kinds) {
    for (Kind kind : kinds)
      for (const Column& c : columns)
        if (c.kind == kind && neuron(c) == j) out.cells.push_back({c.name, row, stage, column_value(c, t)});
  };
  for (int j : order) add("forward", step, now, j + 1, {Kind::kZ, Kind::kY});
  for (const Column& c : columns)
    if (c.kind == Kind::kLoss) out.cells.push_back({c.name, step, "loss", column_value(c, now)});
  for (auto it = order.rbegin(); it != order.rend(); ++it) add("gradient", step, now, *it + 1, {Kind::kDW, Kind::kDB});
  for (int j : order) add("velocity", step, now, j + 1, {Kind::kState});
  if (next) {
    for (int j : order) add("update", step + 1, *next, j + 1, {Kind::kW, Kind::kB});
  } else {
    out.note = "The updated parameters are not asked: " + step_text(step + 1) + " cannot be computed (" +
               trace.diverged->reason + ").";
  }
  limit_cells(out, true);
}

}  // namespace

TutorStep tutor_step(const Session& session, int step) {
  require_gradient_descent(session, "tutor");
  if (step < 1) throw SessionError("tutor: the step must be 1 or more, got " + std::to_string(step));
  const auto columns = check_detail::check_columns(session);
  const Trace trace = run_to(session, step + 1, step);
  if (static_cast<int>(trace.steps.size()) < step)
    throw SessionError("tutor: " + step_text(step) + " cannot be worked out: the run diverged at " +
                       step_text(trace.diverged->at) + " (" + trace.diverged->reason + ")");
  const StepTrace& now = trace.steps[static_cast<std::size_t>(step - 1)];
  const StepTrace* next = static_cast<int>(trace.steps.size()) > step
                              ? &trace.steps[static_cast<std::size_t>(step)] : nullptr;

  TutorStep out;
  out.step = step;
  out.momentum = session.optimizer.momentum;
  const auto add = [&](const char* stage, int row, const StepTrace& t, auto&& keep) {
    for (const Column& c : columns)
      if (keep(c)) out.cells.push_back({c.name, row, stage, column_value(c, t)});
  };
  for (const Column& c : columns)
    if (c.kind == Kind::kW || c.kind == Kind::kB) out.given.emplace_back(c.name, column_value(c, now));
  for (const Column& c : columns)  // sgd's velocity before the update: the row above's (0 at step 1)
    if (c.kind == Kind::kState)
      out.state.emplace_back(c.name, step > 1 ? column_value(c, trace.steps[static_cast<std::size_t>(step - 2)]) : 0.0);
  if (session.is_graph()) {
    graph_cells(session, step, trace, out);
    return out;
  }
  const int layers = static_cast<int>(session.network.layers.size());
  for (int l = 1; l <= layers; ++l) {
    add("forward", step, now, [&](const Column& c) { return c.layer == l && c.kind == Kind::kZ; });
    // maxout: which piece won, before its y
    add("forward", step, now, [&](const Column& c) { return c.layer == l && c.kind == Kind::kWinner; });
    add("forward", step, now, [&](const Column& c) { return c.layer == l && c.kind == Kind::kY; });
  }
  add("loss", step, now, [](const Column& c) { return c.kind == Kind::kLoss; });
  for (int l = layers; l >= 1; --l) {
    add("gradient", step, now, [&](const Column& c) { return c.layer == l && c.kind == Kind::kDW; });
    add("gradient", step, now, [&](const Column& c) { return c.layer == l && c.kind == Kind::kDB; });
  }
  // sgd with momentum: this step's velocity m ← μ·m − η·∂L/∂w (the row's state columns).
  for (int l = 1; l <= layers; ++l)
    add("velocity", step, now, [&](const Column& c) { return c.layer == l && c.kind == Kind::kState; });
  if (next) {
    for (int l = 1; l <= layers; ++l) {
      add("update", step + 1, *next, [&](const Column& c) { return c.layer == l && c.kind == Kind::kW; });
      add("update", step + 1, *next, [&](const Column& c) { return c.layer == l && c.kind == Kind::kB; });
    }
  } else {
    out.note = "The updated parameters are not asked: " + step_text(step + 1) +
               " cannot be computed (" + trace.diverged->reason + ").";
  }
  limit_cells(out, false);
  return out;
}

std::string tutor_step_json(const TutorStep& step, int decimals) {
  json given = json::array(), cells = json::array();
  for (const auto& [column, value] : step.given)
    given.push_back({{"column", column}, {"value", value}, {"text", fixed(value, decimals)}});
  for (const TutorCell& c : step.cells)
    cells.push_back({{"column", c.column}, {"row", c.row}, {"stage", c.stage}, {"exact", c.exact},
                     {"text", fixed(c.exact, decimals)}});
  json out{{"step", step.step}, {"given", given}, {"cells", cells}, {"decimals", decimals},
           {"note", step.note}};
  if (!step.state.empty()) {
    json state = json::array();
    for (const auto& [column, value] : step.state)
      state.push_back({{"column", column}, {"value", value}, {"text", fixed(value, decimals)}});
    out["state"] = std::move(state);
    out["momentum"] = step.momentum;
  }
  return out.dump();
}

TutorCheck tutor_check(const Session& session, int step, const std::string& column, int row,
                       std::string_view given, int decimals) {
  const TutorStep asked = tutor_step(session, step);
  const TutorCell* cell = nullptr;
  for (const TutorCell& c : asked.cells)
    if (c.column == column && c.row == row) cell = &c;
  if (!cell)
    throw SessionError("tutor: " + step_text(step) + " does not ask for " + column + " of row " +
                       std::to_string(row));
  const std::string where = column + " (" + step_text(step) + ")";
  if (given.find_first_of("\t\r\n") != std::string_view::npos)
    throw SessionError(where + ": type one number");
  AnswerCell number = read_answer_number(given, where);

  const auto columns = check_detail::check_columns(session);
  std::size_t index = 0;
  while (columns[index].name != column) ++index;  // present: the cell list came from these columns
  Answer answer;
  answer.columns.push_back({"step", {}, 0});
  answer.columns.push_back({column, {index}, number.decimals});
  const double none = std::numeric_limits<double>::quiet_NaN();
  for (int r = 1; r <= row; ++r) {
    AnswerRow line;
    line.line = r + 1;
    line.cells.push_back({std::to_string(r), static_cast<double>(r), 0});
    line.cells.push_back(r == row ? number : AnswerCell{"", none, 0});
    answer.rows.push_back(std::move(line));
  }
  TutorCheck out;
  out.cell = check_answer(session, answer, CheckMode::kStart).cells.at(0);
  out.cell.header = column;
  out.decimals_missing = out.cell.verdict != Verdict::kWrong && number.decimals < decimals &&
                         number.value != cell->exact;
  if (out.cell.verdict == Verdict::kWrong)  // the checker's sentence names the exact value
    out.cell.why = "not " + column + (row == step ? "" : " after the update") + " of " + step_text(step);
  if (out.decimals_missing)
    out.cell.why = "right to the " + std::to_string(number.decimals) +
                   (number.decimals == 1 ? " decimal" : " decimals") + " written; write " +
                   std::to_string(decimals) + " decimals, as the table does";
  return out;
}

std::string tutor_check_json(const TutorCheck& check, int decimals) {
  const CellCheck& c = check.cell;
  json j{{"column", c.column}, {"row", c.row}, {"given", c.given},
         {"verdict", check.decimals_missing ? "more_decimals" : verdict_name(c.verdict)},
         {"why", c.why}, {"formula", c.formula}, {"decimals", decimals}};
  // The expected value is said only for a number that is right (to its decimals): a wrong
  // try gets the slip and, in the page, the formula as a hint; "reveal" shows the value.
  if (c.verdict != Verdict::kWrong) j["expected"] = c.expected;
  if (!c.slip.empty()) {
    j["slip"] = c.slip;
    j["slip_id"] = c.slip_id.empty() ? json(nullptr) : json(c.slip_id);
  }
  return j.dump();
}

}  // namespace nntutor
