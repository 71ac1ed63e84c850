// The trainer's module (nntutor_train_wasm.js): the Keras-style model trained one epoch at a
// time, for the trainer page's Web Worker (web/js/trainer-worker.js). One-line adapters over
// nntutor/trainer.hpp, no logic.
#include <emscripten/bind.h>

#include <string>

#include "nntutor/kernel_check.hpp"
#include "nntutor/model_schema.hpp"
#include "nntutor/trainer.hpp"
#include "result.hpp"

namespace {

using nntutor::keras::Trainer;
using nntutor_wasm::guarded;
using nntutor_wasm::Result;

Result summary(const std::string& model_json) {
  return guarded([&] { return nntutor::keras::summary_json(model_json); });
}

Result load_data(Trainer& t, const std::string& spec, const std::string& csv) {
  return guarded([&] { return t.load_data(spec, csv); });
}
Result start(Trainer& t, const std::string& model_json) {
  return guarded([&] { return t.start(model_json); });
}
Result epoch(Trainer& t) {
  return guarded([&] { return t.epoch(); });
}
Result finish(Trainer& t) {
  return guarded([&] { return t.finish(); });
}
Result data(const Trainer& t) {
  return guarded([&] { return t.data_json(); });
}
Result model(const Trainer& t) {
  return guarded([&] { return t.model_json(); });
}

std::string version() { return NNTUTOR_VERSION; }
/// The activations, losses and optimizers the trainer page offers in its selects.
std::string schema() { return nntutor::keras::model_schema_json(); }
/// The kernels this module runs (Wasm SIMD) and their self-check (tests/js/kernels.test.mjs).
std::string kernel_check() { return nntutor::keras::kernel_check_json(); }

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor_train) {
  nntutor_wasm::register_result();
  emscripten::function("summary", &summary);
  emscripten::function("version", &version);
  emscripten::function("schema", &schema);
  emscripten::function("kernelCheck", &kernel_check);
  emscripten::class_<Trainer>("Trainer")
      .constructor<>()
      .function("loadData", &load_data)
      .function("start", &start)
      .function("epoch", &epoch)
      .function("finish", &finish)
      .function("model", &model)
      .function("data", &data);
}
