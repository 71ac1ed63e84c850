// libFuzzer target: a student's table (CSV, TSV or Markdown) on arbitrary bytes, checked
// against the lecture session in both modes (docs/check.md, docs/testing.md). parse_answer
// either returns an Answer or throws SessionError; a table that parses must check and render
// (JSON and text) without any other exception, crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "nntutor/check.hpp"
#include "nntutor/error.hpp"
#include "nntutor/session.hpp"

namespace {

const nntutor::Session& lecture() {
  static const nntutor::Session session = nntutor::parse_session(R"({
    "inputs": [[1]], "targets": [[1]],
    "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.5]], "biases": [0]},
               {"units": 1, "activation": "sigmoid", "weights": [[0.8]], "biases": [0]}],
    "loss": "half_sse", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "steps": 5})");
  return session;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const nntutor::Answer answer = nntutor::parse_answer(lecture(), text);
    for (auto mode : {nntutor::CheckMode::kStart, nntutor::CheckMode::kStep}) {
      const auto report = nntutor::check_answer(lecture(), answer, mode);
      (void)nntutor::check_report_json(report);
      (void)nntutor::check_report_text(report);
    }
  } catch (const nntutor::SessionError&) {
    // A table that cannot be read: the expected outcome for most inputs.
  }
  return 0;
}
