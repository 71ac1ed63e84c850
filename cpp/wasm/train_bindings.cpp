// The trainer's module (nntutor_train_wasm.js): the Keras-style model trained one epoch at a
// time, for the trainer page's Web Worker (web/js/trainer-worker.js). One-line adapters over
// nntutor/trainer.hpp, no logic.
#include <emscripten/bind.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/kernel_check.hpp"
#include "nntutor/digits.hpp"
#include "nntutor/model_schema.hpp"
#include "nntutor/threads.hpp"
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

// The digit quiz (docs/digits.md "Wasm API"). Bytes arrive as a Uint8Array, copied in one
// typed-array set.
std::vector<std::uint8_t> bytes_of(const emscripten::val& array) {
  return emscripten::convertJSArrayToNumberVector<std::uint8_t>(array);
}
Result load_digits(Trainer& t, const emscripten::val& bytes) {
  return guarded([&] {
    const std::vector<std::uint8_t> b = bytes_of(bytes);
    return t.load_digits(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  });
}
Result digits_explain(Trainer& t, const std::string& pixels) {
  return guarded([&] { return t.digits_explain(pixels); });
}
Result digits_results(Trainer& t, int least_sure) {
  return guarded([&] { return t.digits_results(least_sure); });
}
Result digits_test(Trainer& t, const std::string& indices) {
  return guarded([&] { return t.digits_test(indices); });
}
Result digits_model(const std::string& options) {
  return guarded([&] { return nntutor::keras::digits_model_json(nntutor::keras::parse_digits_options(options)); });
}
Result digits_check_model(const std::string& model_json) {
  return guarded([&] { return nntutor::keras::digits_check_json(model_json); });
}
Result digits_preprocess(const std::string& image) {
  return guarded([&] { return nntutor::keras::digits_preprocess_json(image); });
}
Result digits_preprocess_grey(int width, int height, const emscripten::val& bytes) {
  return guarded([&] { return nntutor::keras::digits_preprocess_grey(width, height, bytes_of(bytes)); });
}
Result digits_quiz() {
  return guarded([] { return nntutor::keras::digits_quiz_json(); });
}

// Threads (docs/threads.md): 1 to max in the threaded module (nntutor_train_mt_wasm.js), 1 to 1
// in this one. Set between epochs, never during one.
Result set_threads(int n) {
  return guarded([&] {
    nntutor::keras::set_threads(n);
    return nntutor::keras::threads_json();
  });
}
/// Auto mode with `available` threads at most: the count follows each training's model.
Result set_threads_auto(int available) {
  return guarded([&] {
    nntutor::keras::set_threads_auto(available);
    return nntutor::keras::threads_json();
  });
}
std::string threads() { return nntutor::keras::threads_json(); }

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
  emscripten::function("setThreads", &set_threads);
  emscripten::function("setThreadsAuto", &set_threads_auto);
  emscripten::function("threads", &threads);
  emscripten::function("digitsModel", &digits_model);
  emscripten::function("digitsCheckModel", &digits_check_model);
  emscripten::function("digitsPreprocess", &digits_preprocess);
  emscripten::function("digitsPreprocessGrey", &digits_preprocess_grey);
  emscripten::function("digitsQuiz", &digits_quiz);
  emscripten::class_<Trainer>("Trainer")
      .constructor<>()
      .function("loadData", &load_data)
      .function("start", &start)
      .function("epoch", &epoch)
      .function("finish", &finish)
      .function("model", &model)
      .function("data", &data)
      .function("loadDigits", &load_digits)
      .function("digitsExplain", &digits_explain)
      .function("digitsResults", &digits_results)
      .function("digitsTest", &digits_test);
}
