#pragma once
/// What the page needs to know of the engine before it has a session: the activations, losses
/// and optimizers (the math layer's rows, with the worked example's own defaults), the limits and
/// the session's defaults. The page builds its choosers, default values and limits from this and
/// spells none of them itself.
#include <string>

namespace nntutor {

/// {"activations": [...], "losses": [...], "optimizers": [... each with "worked_example":
/// {"learning_rate", "hyperparameters", "state"}], "limits": limits_json(), "defaults":
/// {"activation", "loss", "optimizer", "learning_rate", "steps", "seed", "shuffle_seed"}}.
/// docs/engine-api.md describes every field.
std::string schema_json();

}  // namespace nntutor
