// The checker's module (nntutor_check_wasm.js): a student's table checked against a session.
// Separate from the engine's module because the page loads it only when "Check my table" is
// first used (it adds ~100 KB gzipped). One-line adapters, no logic.
#include <emscripten/bind.h>

#include <string>

#include "nntutor/check.hpp"
#include "nntutor/session.hpp"
#include "result.hpp"

namespace {

using nntutor_wasm::guarded;
using nntutor_wasm::Result;

Result check(const std::string& session_json, const std::string& answer, const std::string& mode) {
  return guarded([&] {
    return nntutor::check_answer_json(nntutor::parse_session(session_json), answer,
                                      nntutor::parse_check_mode(mode, "mode"));
  });
}

std::string version() { return NNTUTOR_VERSION; }

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor_check) {
  nntutor_wasm::register_result();
  emscripten::function("check", &check);
  emscripten::function("version", &version);
}
