#include "nntutor/rates.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "nntutor/error.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

namespace {

using json = nlohmann::ordered_json;

/// True when every target sits at or beyond the bound that the output activation can only
/// approach (σ ∈ (0, 1), tanh ∈ (−1, 1)) on the same side for each output: then ŷ moves towards
/// y but can never pass it, and the loss cannot overshoot.
bool targets_unreachable(const Session& s, std::string& why) {
  // The output activation: the last layer's, or a graph's output neurons' when they share one.
  if (s.is_graph()) {
    const GraphNetwork& g = *s.graph;
    for (int o : g.outputs)
      if (g.f[static_cast<std::size_t>(o - 1)].name != g.f[static_cast<std::size_t>(g.outputs.front() - 1)].name)
        return false;
  }
  const Activation& f = s.is_graph() ? s.graph->f[static_cast<std::size_t>(s.graph->outputs.front() - 1)]
                                     : s.network.layers.back().f;
  // An output range with open, finite ends (the row's: σ ∈ (0, 1), tanh ∈ (−1, 1)).
  const Range& range = f.info().output;
  if (f.is_softmax() || range.lo_closed || range.hi_closed || !std::isfinite(range.lo) ||
      !std::isfinite(range.hi))
    return false;
  const double lo = range.lo, hi = range.hi;
  const Eigen::MatrixXd& Y = s.batch.Y;
  for (Eigen::Index k = 0; k < Y.rows(); ++k) {
    const bool all_high = (Y.row(k).array() >= hi).all();
    const bool all_low = (Y.row(k).array() <= lo).all();
    if (!all_high && !all_low) return false;
  }
  const bool one = Y.size() == 1;
  const std::string symbol(f.info().symbol);
  why = "The output is " + symbol + "(z), which stays strictly between " + (lo < 0 ? "−" : "") +
        exact_text(std::fabs(lo)) + " and " + exact_text(hi) +
        (one ? ", and the target y = " + exact_text(Y(0, 0)) + " lies on its bound"
             : ", and every target lies on (or beyond) one of its bounds") +
        ": ŷ can approach y but never reach or pass it, so no step overshoots and the loss falls "
        "at every learning rate. To see it rise, use a target inside the output's range (e.g. y = " +
        exact_text((lo + hi) / 2) + ") or a linear output.";
  return true;
}

}  // namespace

RateComparison compare_rates(const Session& session, const std::vector<double>& rates) {
  if (rates.empty()) throw SessionError("rates: expected at least 1 learning rate, got none");
  if (rates.size() > static_cast<std::size_t>(kMaxRates))
    throw SessionError("rates: expected at most " + std::to_string(kMaxRates) +
                       " learning rates, got " + std::to_string(rates.size()));
  RateComparison out;
  for (std::size_t r = 0; r < rates.size(); ++r) {
    if (!std::isfinite(rates[r]) || !(rates[r] > 0))
      throw SessionError("rates[" + std::to_string(r) + "]: expected a number greater than 0, got " +
                         exact_text(rates[r]));
    RateRun run_at{rates[r], {}, std::nullopt};
    Session s = session;
    s.optimizer.learning_rate = rates[r];
    run_at.trace = run(s);
    const auto& steps = run_at.trace.steps;
    for (std::size_t k = 1; k < steps.size() && !run_at.first_rise; ++k)
      if (steps[k].loss > steps[k - 1].loss) run_at.first_rise = steps[k].step;
    if (run_at.first_rise || run_at.trace.diverged) out.all_fall = false;
    out.runs.push_back(std::move(run_at));
  }
  std::string list;
  for (std::size_t r = 0; r < out.runs.size(); ++r)
    list += (r == 0 ? "" : r + 1 == out.runs.size() ? " and " : ", ") + exact_text(out.runs[r].learning_rate);
  const std::string steps = std::to_string(session.steps);
  if (out.all_fall) {
    std::string why;
    out.explanation = "The loss falls at every one of the " + steps + " steps at every rate tried (η = " +
                      list + "). " +
                      (targets_unreachable(session, why)
                           ? why
                           : "A larger rate, or more steps, may still make it rise.");
  } else {
    std::string rises, falls;
    for (const auto& r : out.runs) {
      if (r.trace.diverged)
        rises += (rises.empty() ? "" : "; ") + std::string("at η = ") + exact_text(r.learning_rate) +
                 " the run diverges at step " + std::to_string(r.trace.diverged->at);
      else if (r.first_rise)
        rises += (rises.empty() ? "" : "; ") + std::string("at η = ") + exact_text(r.learning_rate) +
                 " it first rises at step " + std::to_string(*r.first_rise);
      else
        falls += (falls.empty() ? "" : ", ") + exact_text(r.learning_rate);
    }
    out.explanation = "The loss does not always fall: " + rises + "." +
                      (falls.empty() ? "" : " At η = " + falls + " it falls at every step.") +
                      " A step that is too large overshoots the minimum along the gradient.";
  }
  return out;
}

std::string rate_comparison_json(const Session& session, const RateComparison& comparison,
                                 const View& view) {
  json rates = json::array();
  for (const auto& r : comparison.runs) {
    json losses = json::array();
    for (const auto& t : r.trace.steps) losses.push_back(t.loss);
    const Table table = make_table(session.network, session.batch.samples(), r.trace, session.optimizer);
    const std::vector<std::size_t> keep = view_columns(table, view);
    json columns = columns_json(table.columns, keep);
    json rows = json::array();
    for (const auto& row : table.rows) {
      json kept = json::array();
      for (std::size_t i : keep) kept.push_back(row[i]);
      rows.push_back(std::move(kept));
    }
    rates.push_back(
        {{"learning_rate", r.learning_rate},
         {"losses", std::move(losses)},
         {"first_rise", r.first_rise ? json(*r.first_rise) : json(nullptr)},
         {"diverged", r.trace.diverged ? json{{"at", r.trace.diverged->at}, {"reason", r.trace.diverged->reason}}
                                       : json(nullptr)},
         {"table", {{"columns", std::move(columns)}, {"rows", std::move(rows)}}}});
  }
  return json{{"rates", std::move(rates)},
              {"all_fall", comparison.all_fall},
              {"explanation", comparison.explanation}}.dump();
}

std::vector<double> parse_rates(const std::string& json_text, const std::string& field) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception&) {
    throw SessionError(field + ": expected a JSON array of numbers like [0.1, 1, 10]");
  }
  if (!j.is_array()) throw SessionError(field + ": expected a JSON array of numbers like [0.1, 1, 10]");
  std::vector<double> rates;
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_number())
      throw SessionError(field + "[" + std::to_string(i) + "]: expected a number, got " + j[i].dump());
    rates.push_back(j[i].get<double>());
  }
  return rates;
}

}  // namespace nntutor
