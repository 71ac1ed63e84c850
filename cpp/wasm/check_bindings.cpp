// The checker's module (nntutor_check_wasm.js): a student's table checked against a session,
// and Assignment 4's requirements checked for a network.
// Separate from the engine's module because the page loads it only when "Check my table" is
// first used (it adds ~100 KB gzipped). One-line adapters, no logic.
#include <emscripten/bind.h>

#include <string>

#include "nntutor/assignment.hpp"
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

Result assignment(const std::string& session_json) {
  return guarded([&] {
    return nntutor::assignment_json(nntutor::check_assignment(nntutor::parse_session(session_json)));
  });
}

std::string version() { return NNTUTOR_VERSION; }

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor_check) {
  nntutor_wasm::register_result();
  emscripten::function("check", &check);
  emscripten::function("assignment", &assignment);
  emscripten::function("version", &version);
}
