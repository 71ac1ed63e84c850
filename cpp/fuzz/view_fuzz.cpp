// libFuzzer target: the page's view options and the learning-rate list on arbitrary bytes
// (docs/testing.md). parse_view and parse_rates either return a value or throw SessionError;
// anything else is a finding. A view that parses is applied to a small fixed run (table,
// traces, equations, rate comparison), and rates that parse are compared on that session.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nntutor/error.hpp"
#include "nntutor/rates.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace {

/// Two inputs, two samples, layers of 3 and 2 units: every column kind, layer and unit
/// choice has something to cut.
const nntutor::Session& small_session() {
  static const nntutor::Session session = nntutor::parse_session(R"({
    "inputs": [[1, -2], [0.5, 3]], "targets": [[1, 0], [0, 1]],
    "layers": [{"units": 3, "activation": "leaky_relu", "alpha": 0.2},
               {"units": 2, "activation": "sigmoid"}],
    "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "steps": 3, "seed": 7})");
  return session;
}

const nntutor::Trace& small_trace() {
  static const nntutor::Trace trace = nntutor::run(small_session());
  return trace;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  try {
    const nntutor::View view = nntutor::parse_view(text);
    const nntutor::Session& session = small_session();
    if (view.page_limits) nntutor::check_page_limits(session);
    (void)nntutor::run_result_json(session, small_trace(), view);
    const auto comparison = nntutor::compare_rates(session, {0.1, 1, 10});
    (void)nntutor::rate_comparison_json(session, comparison, view);
  } catch (const nntutor::SessionError&) {
    // bad options, reported as they should be
  }

  try {
    const std::vector<double> rates = nntutor::parse_rates(text);
    const auto comparison = nntutor::compare_rates(small_session(), rates);
    (void)nntutor::rate_comparison_json(small_session(), comparison);
  } catch (const nntutor::SessionError&) {
    // bad rates (none, more than 8, not finite or not > 0), reported as they should be
  }
  return 0;
}
