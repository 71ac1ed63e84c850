#include "nntutor/page_view.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "nntutor/error.hpp"
#include "nntutor/io/common.hpp"

namespace nntutor {

using Kind = Column::Kind;

namespace {

std::size_t count_columns(const std::vector<Column>& columns, const std::vector<Kind>& kinds,
                          const std::vector<int>& layers) {
  View view;
  view.kinds = kinds;
  view.layers = layers;
  return view_columns(columns, view).size();
}

}  // namespace

TableDecision choose_table(const Session& s, const TableChoice& choice) {
  return choose_table(s, session_columns(s), choice);
}

TableDecision choose_table(const Session& s, const std::vector<Column>& columns,
                           const TableChoice& choice) {
  // A graph session's columns are all in "layer" 1 (docs/graph.md).
  const int n = s.is_graph() ? 1 : static_cast<int>(s.network.layers.size());
  const int samples = s.batch.samples();
  TableDecision d;
  for (Kind k : choice.kinds) {
    if (k == Kind::kState && s.optimizer.slots().empty()) continue;
    if (k == Kind::kBatch && !s.optimizer.mini_batch(samples)) continue;
    d.kinds.push_back(k);
  }
  std::vector<int> all(static_cast<std::size_t>(n));
  for (int l = 1; l <= n; ++l) all[static_cast<std::size_t>(l - 1)] = l;
  d.layers = all;
  if (choice.layers) {
    d.layers.clear();
    for (int l : *choice.layers)
      if (l >= 1 && l <= n) d.layers.push_back(l);
  }
  d.all_columns = count_columns(columns, d.kinds, all);
  if (!choice.layers && d.all_columns > DrawLimits::kAutoColumns && n > 1) {
    d.layers = {n};
    d.cut = TableDecision::Cut::kOutputLayer;
  }
  d.cells = static_cast<long long>(count_columns(columns, d.kinds, d.layers)) * std::max(1, choice.steps);
  if (d.cells > DrawLimits::kMaxTableCells) {
    d.kinds = {Kind::kLoss};
    d.cut = TableDecision::Cut::kLossOnly;
  }
  return d;
}

long long equation_cost(const Session& s, int layer, int unit) {
  const auto& layers = s.network.layers;
  const int n = static_cast<int>(layers.size());
  const auto units = [&](int l) { return static_cast<long long>(layers[static_cast<std::size_t>(l - 1)].units()); };
  long long cost = 0;
  int lowest = n + 1;
  for (int l = 1; l <= n; ++l) {
    if (layer != 0 && layer != l) continue;
    cost += (unit == 0 ? units(l) : 1) * (layers[static_cast<std::size_t>(l - 1)].inputs() + 1);
    lowest = std::min(lowest, l);
  }
  bool one_path = true;
  for (int m = lowest + 1; m <= n; ++m) one_path = one_path && units(m) == 1;
  if (!one_path)
    for (int m = lowest; m <= n; ++m)
      cost += (m == lowest && unit != 0 ? 1 : units(m)) * (m < n ? units(m + 1) : 1);
  return cost * s.batch.samples();
}

EquationsDecision choose_equations(const Session& s, std::optional<std::pair<int, int>> chosen) {
  const int n = static_cast<int>(s.network.layers.size());
  const long long budget = DrawLimits::kEquationBudget;
  if (chosen) {
    const int layer = std::clamp(chosen->first, 0, n);
    const int units = layer == 0 ? 0 : s.network.layers[static_cast<std::size_t>(layer - 1)].units();
    const int unit = layer == 0 || chosen->second > units || chosen->second < 0 ? 0 : chosen->second;
    return {layer, unit, equation_cost(s, layer, unit) > 4 * budget};
  }
  if (equation_cost(s, 0, 0) <= budget) return {0, 0, false};
  if (equation_cost(s, n, 0) <= budget) return {n, 0, false};
  return {n, 1, false};
}

std::string describe_json(const Session& s, std::string_view choices_json) {
  return describe_json(s, session_columns(s), choices_json);
}

std::string describe_json(const Session& s, const std::vector<Column>& table,
                          std::string_view choices_json) {
  using json = nlohmann::ordered_json;
  const nlohmann::json c = common::parse_json(choices_json, "view");
  if (!c.is_object()) common::fail("view", "expected an object like {\"columns\": [\"w\"], \"steps\": 1}");
  TableChoice choice;
  if (c.contains("layers") && !c["layers"].is_null()) {
    if (!c["layers"].is_array()) common::fail("view.layers", "expected an array of layer numbers or null");
    choice.layers.emplace();
    for (std::size_t i = 0; i < c["layers"].size(); ++i)
      choice.layers->push_back(static_cast<int>(common::whole_number(
          c["layers"][i], "view.layers[" + std::to_string(i) + "]", 1, Limits::kMaxLayers)));
  }
  // The column kinds, read as the run options read them.
  View kinds = parse_view(json{{"columns", c.value("columns", nlohmann::json::array())}}.dump());
  choice.kinds = kinds.kinds;
  if (c.contains("steps")) choice.steps = static_cast<int>(common::whole_number(c["steps"], "view.steps", 0, Limits::kMaxSteps));
  std::optional<std::pair<int, int>> of;
  if (c.contains("equations_of") && !c["equations_of"].is_null()) {
    const auto& e = c["equations_of"];
    if (!e.is_object()) common::fail("view.equations_of", "expected {\"layer\": l, \"unit\": j} or null");
    of = std::make_pair(static_cast<int>(common::whole_number(e.value("layer", nlohmann::json(0)), "view.equations_of.layer", 0, Limits::kMaxLayers)),
                        static_cast<int>(common::whole_number(e.value("unit", nlohmann::json(0)), "view.equations_of.unit", 0, Limits::kMaxUnits)));
  }
  const TableDecision t = choose_table(s, table, choice);
  const int n = static_cast<int>(s.network.layers.size());
  std::string note;
  if (t.cut == TableDecision::Cut::kOutputLayer)
    note = "This network's table would have " + grouped(static_cast<long long>(t.all_columns)) +
           " columns: it shows layer " + std::to_string(n) + " (the output) only. Tick other layers to add them.";
  if (t.cut == TableDecision::Cut::kLossOnly)
    note = "The table would hold " + grouped(t.cells) + " numbers (the page draws at most " +
           grouped(DrawLimits::kMaxTableCells) +
           "): it shows the loss only. Choose fewer layers or kinds of columns.";
  json columns = json::array();
  for (Kind k : t.kinds) columns.push_back(kind_name(k));
  const EquationsDecision e = choose_equations(s, of);
  json out;
  out["table"] = {{"columns", std::move(columns)}, {"layers", t.layers},
                  {"all_columns", t.all_columns}, {"cells", t.cells}, {"note", note}};
  out["equations"] = {{"layer", e.layer}, {"unit", e.unit}, {"too_many", e.too_many},
                      {"cost", equation_cost(s, e.layer, e.unit)}};
  out["limits"] = {{"auto_columns", DrawLimits::kAutoColumns},
                   {"max_table_cells", DrawLimits::kMaxTableCells},
                   {"equation_budget", DrawLimits::kEquationBudget}};
  return out.dump();
}

}  // namespace nntutor
