// embind registrations of the activation explorer (web/explorer.html): a module of its own, so
// the worked example's engine (bindings.cpp), on the main page's critical path, does not carry
// it (+125 KB of Wasm, +36 KB gzipped when it did). One-line adapters; {ok, error, value}.
#include <emscripten/bind.h>

#include <string>

#include "nntutor/explorer.hpp"
#include "result.hpp"

namespace {

using nntutor_wasm::guarded;
using nntutor_wasm::Result;

Result activation_curve(const std::string& request) {
  return guarded([&] { return nntutor::activation_curve_json(request); });
}

Result chain_gradients(const std::string& request) {
  return guarded([&] { return nntutor::chain_gradients_json(request); });
}

std::string explorer_schema() { return nntutor::explorer_schema_json(); }

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor_explorer) {
  nntutor_wasm::register_result();
  emscripten::function("activationCurve", &activation_curve);
  emscripten::function("chainGradients", &chain_gradients);
  emscripten::function("explorerSchema", &explorer_schema);
}
