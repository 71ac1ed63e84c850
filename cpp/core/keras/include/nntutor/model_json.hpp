#pragma once
/// The model format (JSON): architecture, loss, optimizer, fit settings and, optionally, every
/// weight — parsed and validated once, here. docs/model.md describes every field.
#include <string>
#include <string_view>

#include "nntutor/model.hpp"

namespace nntutor::keras {

/// Parses and validates a model; unknown fields are rejected. SessionError naming the field,
/// the rule and the value, e.g. "layers[3].units: expected a whole number from 1 to 4096, got 0".
ModelConfig parse_model(std::string_view json_text);

/// The model as JSON with every default written out and its current weights, biases, gamma,
/// beta and moving statistics, so that Sequential(parse_model(text)) is the same model (bit for
/// bit). The optimizer's state is not saved (Keras' include_optimizer=False).
std::string model_to_json(const Sequential& model);

/// The limits as JSON: {"layers", "units", "inputs", "pieces", "parameters", "epochs",
/// "batch_size", "work", "data": {"samples", "columns", "numbers", "csv_bytes", "builtin_samples"}}.
std::string model_limits_json();

}  // namespace nntutor::keras
