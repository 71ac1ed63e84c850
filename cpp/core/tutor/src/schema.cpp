#include "nntutor/schema.hpp"

#include <nlohmann/json.hpp>

#include "nntutor/io/rows_json.hpp"
#include "nntutor/session.hpp"

namespace nntutor {

std::string schema_json() {
  using json = nlohmann::ordered_json;
  const Session defaults;  // the lecture's gradient descent, η = 0.1, 5 steps, seed 1
  json optimizers = io::optimizers_json();
  for (auto& o : optimizers) {
    OptimizerSettings settings;
    settings.kind = keras::parse_optimizer_kind(o["name"].get<std::string>(), "optimizer.name");
    // The worked example keeps the lecture's η = 0.1 for gradient descent, Keras' for the rest.
    if (settings.kind != keras::OptimizerKind::kSgd)
      settings.learning_rate = keras::default_optimizer(settings.kind).learning_rate;
    json hypers = json::array();
    for (const auto& h : o["hyperparameters"])
      if (h["worked_example"].get<bool>()) hypers.push_back(h["name"]);
    o["worked_example"] = {{"learning_rate", settings.learning_rate},
                           {"hyperparameters", std::move(hypers)},
                           {"state", settings.slots()}};
  }
  json schema;
  schema["activations"] = io::activations_json();
  // Maxout: a layer choice of the worked example (k affine pieces per unit), kept apart from the
  // element-wise rows that the trainer's activation layers share.
  json piecewise = json::array();
  for (const auto& row : piecewise_activations())
    piecewise.push_back({{"name", row.name}, {"title", row.title}, {"label", row.short_label},
                         {"latex_f", row.latex_f}, {"latex_df", row.latex_df},
                         {"pieces", {{"default", row.pieces}, {"min", row.min_pieces}, {"max", row.max_pieces}}}});
  schema["piecewise_activations"] = std::move(piecewise);
  schema["losses"] = io::losses_json();
  schema["optimizers"] = std::move(optimizers);
  schema["limits"] = json::parse(limits_json());
  schema["defaults"] = {
      {"activation", activation_info(ActivationKind::kSigmoid).name},
      {"loss", loss_info(LossKind::kHalfSse).name},
      {"optimizer", keras::optimizer_name(defaults.optimizer.kind)},
      {"learning_rate", defaults.optimizer.learning_rate},
      {"steps", defaults.steps},
      {"seed", defaults.seed},
      {"shuffle_seed", defaults.optimizer.shuffle_seed}};
  return schema.dump();
}

}  // namespace nntutor
