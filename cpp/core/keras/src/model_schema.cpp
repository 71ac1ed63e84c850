#include "nntutor/model_schema.hpp"

#include <nlohmann/json.hpp>

#include "nntutor/io/rows_json.hpp"
#include "nntutor/model.hpp"

namespace nntutor::keras {

std::string model_schema_json() {
  nlohmann::ordered_json schema;
  schema["activations"] = io::activations_json();
  schema["losses"] = io::losses_json();
  schema["optimizers"] = io::optimizers_json();
  schema["limits"] = {{"layers", ModelLimits::kMaxLayers},     {"units", ModelLimits::kMaxUnits},
                      {"inputs", ModelLimits::kMaxInputs},     {"pieces", ModelLimits::kMaxPieces},
                      {"parameters", ModelLimits::kMaxParameters}, {"epochs", ModelLimits::kMaxEpochs},
                      {"batch_size", ModelLimits::kMaxBatchSize}};
  return schema.dump();
}

}  // namespace nntutor::keras
