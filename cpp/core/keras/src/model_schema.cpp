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
  // The numbers a model trains in: the page's select, float32 (Keras') first and its default.
  nlohmann::ordered_json dtypes = nlohmann::ordered_json::array();
  for (const DtypeInfo& row : keras::dtypes()) dtypes.push_back({{"name", row.name}, {"title", row.title}});
  schema["dtypes"] = std::move(dtypes);
  schema["default_dtype"] = dtype_name(Dtype::kFloat32);
  schema["limits"] = {{"layers", ModelLimits::kMaxLayers},     {"units", ModelLimits::kMaxUnits},
                      {"inputs", ModelLimits::kMaxInputs},     {"pieces", ModelLimits::kMaxPieces},
                      {"parameters", ModelLimits::kMaxParameters}, {"epochs", ModelLimits::kMaxEpochs},
                      {"batch_size", ModelLimits::kMaxBatchSize}};
  return schema.dump();
}

}  // namespace nntutor::keras
