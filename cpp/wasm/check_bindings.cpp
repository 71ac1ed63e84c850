// The checker's module (nntutor_check_wasm.js): a student's table checked against a session,
// and Assignment 4's requirements checked for a network, with its report.
// Separate from the engine's module because the page loads it only when "Check my table" is
// first used (it adds ~100 KB gzipped). One-line adapters, no logic.
#include <emscripten/bind.h>

#include <string>

#include "nntutor/assignment.hpp"
#include "nntutor/check.hpp"
#include "nntutor/report.hpp"
#include "nntutor/session.hpp"
#include "nntutor/tutor.hpp"
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

Result tutor_step(const std::string& session_json, int step, int decimals) {
  return guarded([&] {
    return nntutor::tutor_step_json(nntutor::tutor_step(nntutor::parse_session(session_json), step), decimals);
  });
}

Result tutor_check(const std::string& session_json, int step, const std::string& column, int row,
                   const std::string& given, int decimals) {
  return guarded([&] {
    return nntutor::tutor_check_json(
        nntutor::tutor_check(nntutor::parse_session(session_json), step, column, row, given, decimals), decimals);
  });
}

Result report(const std::string& session_json, const std::string& description,
              const std::string& format, int precision) {
  return guarded([&] {
    return nntutor::assignment_report(nntutor::parse_session(session_json), description,
                                      nntutor::parse_report_format(format, "format"), precision);
  });
}

std::string version() { return NNTUTOR_VERSION; }

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor_check) {
  nntutor_wasm::register_result();
  emscripten::function("check", &check);
  emscripten::function("assignment", &assignment);
  emscripten::function("report", &report);
  emscripten::function("tutorStep", &tutor_step);
  emscripten::function("tutorCheck", &tutor_check);
  emscripten::function("version", &version);
}
