#pragma once
// The math layer's descriptor rows as JSON, for the page (schema()): every list, default, range
// and formula the page shows of an activation, a loss or an optimizer comes from here, so the
// page spells none of them. Shared by the worked example's schema (tutor) and the trainer's
// (keras); the math layer itself never sees JSON.
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "nntutor/activation.hpp"
#include "nntutor/loss.hpp"
#include "nntutor/optimizer.hpp"

namespace nntutor::io {

/// A bound as JSON: the number, or null for ±∞.
inline nlohmann::ordered_json bound(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

/// [{name, title, label, latex_f, latex_df, alpha, keras_alpha, output: {lo, hi, lo_closed,
/// hi_closed}, last_layer_only, derivative_reads: ["z", "y"]}] in the rows' order.
inline nlohmann::ordered_json activations_json() {
  auto list = nlohmann::ordered_json::array();
  for (const auto& row : activations()) {
    nlohmann::ordered_json a;
    a["name"] = row.name;
    a["title"] = row.title;
    a["label"] = row.short_label;
    a["latex_f"] = row.latex_f;
    a["latex_df"] = row.latex_df;
    a["alpha"] = row.alpha ? nlohmann::ordered_json(*row.alpha) : nlohmann::ordered_json(nullptr);
    a["keras_alpha"] = row.keras_alpha ? nlohmann::ordered_json(*row.keras_alpha) : nlohmann::ordered_json(nullptr);
    a["output"] = {{"lo", bound(row.output.lo)}, {"hi", bound(row.output.hi)},
                   {"lo_closed", row.output.lo_closed}, {"hi_closed", row.output.hi_closed}};
    a["last_layer_only"] = row.last_layer_only;
    auto reads = nlohmann::ordered_json::array();
    if (row.derivative_reads_z) reads.push_back("z");
    if (row.derivative_reads_y) reads.push_back("y");
    a["derivative_reads"] = std::move(reads);
    list.push_back(std::move(a));
  }
  return list;
}

/// [{name, title, latex, keras, regression, targets, from_logits_after, requires_output}].
inline nlohmann::ordered_json losses_json() {
  auto list = nlohmann::ordered_json::array();
  const auto name_of = [](const std::optional<ActivationKind>& f) {
    return f ? nlohmann::ordered_json(activation_info(*f).name) : nlohmann::ordered_json(nullptr);
  };
  for (const auto& row : losses()) {
    nlohmann::ordered_json l;
    l["name"] = row.name;
    l["title"] = row.title;
    l["latex"] = row.latex;
    l["keras"] = row.keras;
    l["regression"] = row.regression;
    l["targets"] = row.targets == Targets::kAny             ? "any"
                   : row.targets == Targets::kProbabilities ? "probabilities"
                                                            : "distribution";
    l["from_logits_after"] = name_of(row.from_logits_after);
    l["requires_output"] = name_of(row.requires_output);
    list.push_back(std::move(l));
  }
  return list;
}

/// [{name, title, keras_learning_rate, hyperparameters: [{name, latex, default, min, max,
/// min_open, max_open, rule, meaning, worked_example, type, label}], slots, slot_letters,
/// latex_update, slots_need}]. A flag (type "boolean": sgd's nesterov) has a true/false default
/// and no min or max; slots_need names the hyperparameter whose 0 means no slots (sgd: momentum).
inline nlohmann::ordered_json optimizers_json() {
  auto list = nlohmann::ordered_json::array();
  for (const auto& row : keras::optimizers()) {
    const keras::OptimizerConfig defaults = keras::default_optimizer(row.kind);
    nlohmann::ordered_json o;
    o["name"] = row.name;
    o["title"] = row.title;
    o["keras_learning_rate"] = row.keras_learning_rate;
    auto hypers = nlohmann::ordered_json::array();
    for (std::string_view name : row.hyperparameters) {
      const auto& h = keras::hyperparameter(name);
      const auto value = h.is_flag() ? nlohmann::ordered_json(defaults.*h.flag)
                                     : nlohmann::ordered_json(defaults.*h.field);
      nlohmann::ordered_json j = {{"name", h.name}, {"latex", h.latex}, {"default", value},
                                  {"min", bound(h.lo)}, {"max", bound(h.hi)}, {"min_open", h.lo_open},
                                  {"max_open", h.hi_open}, {"rule", h.rule}, {"meaning", h.meaning},
                                  {"worked_example", h.worked_example}};
      if (h.is_flag()) {  // true or false: no range
        j["min"] = nullptr;
        j["max"] = nullptr;
      }
      j["type"] = h.is_flag() ? "boolean" : "number";
      j["label"] = h.label.empty() ? h.name : h.label;
      hypers.push_back(std::move(j));
    }
    o["hyperparameters"] = std::move(hypers);
    auto slots = nlohmann::ordered_json::array(), letters = nlohmann::ordered_json::array();
    for (std::string_view slot : row.slots) {
      slots.push_back(slot);
      letters.push_back(std::string(1, slot.front()));  // momentum → m, velocity → v, …
    }
    o["slots"] = std::move(slots);
    o["slot_letters"] = std::move(letters);
    o["latex_update"] = row.latex_update;
    o["slots_need"] = row.slots_need.empty() ? nlohmann::ordered_json(nullptr)
                                             : nlohmann::ordered_json(row.slots_need);
    list.push_back(std::move(o));
  }
  return list;
}

}  // namespace nntutor::io
