#pragma once
/// What the trainer page needs to know before it has a model: the activations, losses and
/// optimizers (the math layer's rows; the model takes the losses marked keras) and the model's
/// limits. The trainer form builds its selects from this and spells none of them itself.
#include <string>

namespace nntutor::keras {

/// {"activations": [...], "losses": [...], "optimizers": [...], "limits": {"layers", "units",
/// "inputs", "pieces", "parameters", "epochs", "batch_size"}, "dtypes": [{"name", "title"}…],
/// "default_dtype": "float32"} (rows as in schema_json()).
std::string model_schema_json();

}  // namespace nntutor::keras
