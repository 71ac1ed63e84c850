#include "nntutor/workbook.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "nntutor/equations.hpp"
#include "nntutor/error.hpp"

namespace nntutor {

namespace {

using json = nlohmann::ordered_json;

/// What decides every number of a run but the step count: session_to_json without `steps` and
/// `seed` (the seed only drew the weights, which are written out).
std::string start_of(const Session& session) {
  Session start = session;
  start.steps = 0;
  start.seed = 0;
  return session_to_json(start);
}

json divergence_json(const Trace& trace) {
  return trace.diverged ? json{{"at", trace.diverged->at}, {"reason", trace.diverged->reason}}
                        : json(nullptr);
}

}  // namespace

Workbook::Workbook(Session session, bool page_limits)
    : session_(std::move(session)), page_limits_(page_limits) {
  if (page_limits_) check_page_limits(session_);
  const int target = session_.steps;
  restart();
  extend_to(target);
}

void Workbook::check_steps(long long steps) const {
  Session probe = session_;
  set_steps(probe, steps, "steps");
  if (page_limits_) check_page_limits(probe);
}

void Workbook::restart() {
  trace_ = Trace{};
  session_.steps = 0;
  start_ = start_of(session_);
  slots_ = session_.optimizer.slots();
  columns_ = session_columns(session_);
  checkpoints_.clear();
  checkpoints_.push_back(Checkpoint{
      0, session_.network,
      OptimizerState(session_.optimizer, session_.network, session_.batch.samples()), {}, {}});
  if (session_.is_graph()) {
    checkpoints_.front().graph = *session_.graph;
    checkpoints_.front().graph_state.emplace(session_.optimizer, *session_.graph, session_.batch.samples());
  }
  live_ = checkpoints_.front();
}

std::optional<Divergence> Workbook::advance(Checkpoint& at, int k, StepTrace* row) {
  if (at.graph)
    return graph_train_step(*at.graph, session_.batch, session_.loss, *at.graph_state, k,
                            graph_pass_, row);
  return train_step(at.net, session_.batch, session_.loss, at.state, k, pass_, row);
}

void Workbook::catch_up() {
  const int rows = this->rows();
  if (live_ && live_->at == rows) return;
  // The latest checkpoint at or before the last row, then the steps after it without recording
  // (the same arithmetic as when they were recorded, so the same numbers).
  const auto from = std::find_if(checkpoints_.rbegin(), checkpoints_.rend(),
                                 [&](const Checkpoint& c) { return c.at <= rows; });
  live_ = *from;
  for (int k = live_->at + 1; k <= rows; ++k) {
    advance(*live_, k, nullptr);
    live_->at = k;
  }
}

void Workbook::extend_to(int target) {
  if (trace_.diverged || rows() >= target) return;
  catch_up();
  trace_.steps.reserve(static_cast<std::size_t>(target));
  for (int k = rows() + 1; k <= target; ++k) {
    StepTrace row;
    if (auto d = advance(*live_, k, &row)) {
      trace_.diverged = std::move(d);
      session_.steps = k;
      live_.reset();  // train_step left the network as it was, but the optimizer's state spent
      return;
    }
    trace_.steps.push_back(std::move(row));
    live_->at = k;
    if (k % kCheckpointEvery == 0 &&
        std::none_of(checkpoints_.begin(), checkpoints_.end(),
                     [&](const Checkpoint& c) { return c.at == k; }))
      checkpoints_.push_back(*live_);
  }
  session_.steps = target;
}

void Workbook::truncate_to(int rows) {
  trace_.steps.resize(static_cast<std::size_t>(rows));
  trace_.diverged.reset();
  session_.steps = rows;
}

Change Workbook::step() {
  if (trace_.diverged)
    throw SessionError("step: the run diverged at step " + std::to_string(trace_.diverged->at) +
                       " (" + trace_.diverged->reason + "), so there is no next step");
  check_steps(static_cast<long long>(steps()) + 1);
  const Change change{rows()};
  extend_to(rows() + 1);
  return change;
}

Change Workbook::back() {
  if (trace_.diverged) {  // the step that diverged goes; every row stays
    trace_.diverged.reset();
    session_.steps = rows();
    return {rows()};
  }
  if (rows() > 0) truncate_to(rows() - 1);
  return {rows()};
}

Change Workbook::reset() {
  truncate_to(0);
  return {0};
}

Change Workbook::set_session(Session next) {
  if (page_limits_) check_page_limits(next);
  const int target = next.steps;
  if (start_of(next) != start_) {
    session_ = std::move(next);
    restart();
    extend_to(target);
    return {0};
  }
  next.steps = session_.steps;
  session_ = std::move(next);  // the same run; only the seed may differ
  if (trace_.diverged && target >= trace_.diverged->at) return {rows()};
  if (target <= rows()) {
    truncate_to(target);
    return {target};
  }
  const Change change{rows()};
  extend_to(target);
  return change;
}

std::string Workbook::status_json(const Change& change) const {
  return json{{"steps", steps()},
              {"rows", rows()},
              {"kept", change.kept},
              {"diverged", divergence_json(trace_)}}
      .dump();
}

std::string Workbook::rows_json(long long from, const View& view) const {
  if (from < 1 || from > static_cast<long long>(rows()) + 1)
    throw SessionError("from: expected a row from 1 to " + std::to_string(rows() + 1) +
                       ", got " + std::to_string(from));
  json out = table_json(columns_, trace_, view, static_cast<std::size_t>(from - 1), from == 1);
  out["diverged"] = divergence_json(trace_);
  return out.dump();
}

std::string Workbook::trace_json(long long step) const {
  if (session_.is_graph()) return graph_step_json_text(recorded_step(trace_, step), slots_);
  return step_json_text(recorded_step(trace_, step), slots_);
}

std::string Workbook::equations_json(long long step, int precision,
                                     const std::vector<int>& layers,
                                     const std::vector<int>& units) const {
  return trace_equations_json(session_, trace_, step, precision, layers, units);
}

}  // namespace nntutor
