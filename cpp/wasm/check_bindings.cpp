// The checker's module (nntutor_check_wasm.js): a student's table checked against a session,
// and Assignment 4's requirements checked for a network, with its report.
// Separate from the engine's module because the page loads it only when "Check my table" is
// first used (it adds ~100 KB gzipped). One-line adapters, no logic.
#include <emscripten/bind.h>

#include <string>

#include "nntutor/assignment.hpp"
#include "nntutor/assignment_grade.hpp"
#include "nntutor/check.hpp"
#include "nntutor/grade.hpp"
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

/// A class graded file by file (the page shows a progress bar between calls): the core's
/// ClassGrader behind one-line adapters; `setup` first (a bad rubric is its error).
class Grader {
 public:
  Result setup(const std::string& rubric_json, const std::string& mode) {
    return guarded([&] {
      grader_ = nntutor::ClassGrader(rubric_json.empty() ? nntutor::Rubric{} : nntutor::parse_rubric(rubric_json),
                                     nntutor::parse_check_mode(mode, "mode"));
      return std::string();
    });
  }
  void add_key(const std::string& name, const std::string& text) { grader_.add_key({name, text}); }
  void add_submission(const std::string& name, const std::string& text) { grader_.add_submission({name, text}); }
  void add_unreadable(const std::string& name, const std::string& message) { grader_.add_unreadable(name, message); }
  int plan() { return static_cast<int>(grader_.plan()); }
  Result grade(int i) {
    return guarded([&] {
      grader_.grade(static_cast<std::size_t>(i));
      return std::string();
    });
  }
  /// format: csv, json, markdown (the grade sheet), analysis (the Markdown report), charts.
  Result result(const std::string& format) {
    return guarded([&] {
      const nntutor::ClassGrade g = grader_.result();
      if (format == "csv") return nntutor::grade_sheet_csv(g);
      if (format == "json") return nntutor::grade_sheet_json(g);
      if (format == "markdown") return nntutor::grade_sheet_markdown(g);
      if (format == "analysis") return nntutor::item_analysis_markdown(g, nntutor::item_analysis(g));
      if (format == "charts") return nntutor::item_analysis_charts_json(nntutor::item_analysis(g));
      throw nntutor::SessionError("format: expected csv, json, markdown, analysis or charts, got \"" + format + "\"");
    });
  }

 private:
  nntutor::ClassGrader grader_;
};

std::string default_rubric() { return nntutor::rubric_json(nntutor::Rubric{}); }

Result grade_report(const std::string& report_text, const std::string& session_json) {
  return guarded([&] {
    std::optional<nntutor::Session> network;
    if (!session_json.empty()) network = nntutor::parse_session(session_json);
    return nntutor::report_grade_json(nntutor::grade_report(nntutor::read_report(report_text), network));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor_check) {
  nntutor_wasm::register_result();
  emscripten::function("check", &check);
  emscripten::function("assignment", &assignment);
  emscripten::function("report", &report);
  emscripten::function("tutorStep", &tutor_step);
  emscripten::function("tutorCheck", &tutor_check);
  emscripten::function("version", &version);
  emscripten::class_<Grader>("Grader")
      .constructor<>()
      .function("setup", &Grader::setup)
      .function("addKey", &Grader::add_key)
      .function("addSubmission", &Grader::add_submission)
      .function("addUnreadable", &Grader::add_unreadable)
      .function("plan", &Grader::plan)
      .function("grade", &Grader::grade)
      .function("result", &Grader::result);
  emscripten::function("defaultRubric", &default_rubric);
  emscripten::function("gradeReport", &grade_report);
}
