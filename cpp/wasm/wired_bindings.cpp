// embind registrations of the Randomly wired page (web/wired.html, docs/graph.md "Wasm"): a
// module of its own. One-line adapters over the core; every call returns {ok, error, value}.
#include <emscripten/bind.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "nntutor/graph_random.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/wired/comparison.hpp"
#include "result.hpp"

namespace {

using nntutor_wasm::guarded;
using nntutor_wasm::Result;

Result wired_schema() { return guarded([] { return nntutor::wired::wired_schema_json(); }); }

Result generate(const std::string& request) {
  return guarded([&] { return nntutor::generate_json(request); });
}

Result generator_steps(const std::string& request) {
  return guarded([&] { return nntutor::generator_steps_json(request); });
}

Result statistics(const std::string& session) {
  return guarded([&] { return nntutor::graph_statistics_json(nntutor::parse_session(session)); });
}

Result layout(const std::string& session) {
  return guarded([&] { return nntutor::graph_layout_json(nntutor::parse_session(session)); });
}

/// run() of the engine module, for graph sessions too (tests: Wasm = native).
Result run(const std::string& session_json, const std::string& options_json) {
  return guarded([&] {
    const auto view = nntutor::parse_view(options_json);
    const auto session = nntutor::parse_session(session_json);
    return nntutor::run_result_json(session, nntutor::run(session), view);
  });
}

Result bench_steps(const std::string& session_json, int steps) {
  return guarded([&] {
    const double loss = nntutor::wired::bench_session(session_json, steps);
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", loss);
    return std::string("{\"loss\":") + (std::isfinite(loss) ? text : "null") + "}";
  });
}

/// The side-by-side training: `new Comparison(request)`, then error() ("" when the request was
/// good), epoch() and summary(); JavaScript must delete() it.
class Comparison {
 public:
  explicit Comparison(const std::string& request) {
    const Result r = guarded([&] {
      impl_ = std::make_unique<nntutor::wired::Comparison>(nntutor::wired::parse_comparison_request(request));
      return std::string();
    });
    error_ = r.error;
  }
  std::string error() const { return error_; }
  Result epoch() {
    return guarded([&] {
      if (!impl_) throw nntutor::SessionError("comparison: " + error_);
      return impl_->epoch();
    });
  }
  Result summary() const {
    return guarded([&] {
      if (!impl_) throw nntutor::SessionError("comparison: " + error_);
      return impl_->summary();
    });
  }

 private:
  std::unique_ptr<nntutor::wired::Comparison> impl_;
  std::string error_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor_wired) {
  nntutor_wasm::register_result();
  emscripten::function("wiredSchema", &wired_schema);
  emscripten::function("generate", &generate);
  emscripten::function("generatorSteps", &generator_steps);
  emscripten::function("statistics", &statistics);
  emscripten::function("layout", &layout);
  emscripten::function("run", &run);
  emscripten::function("benchSteps", &bench_steps);
  emscripten::class_<Comparison>("Comparison")
      .constructor<std::string>()
      .function("error", &Comparison::error)
      .function("epoch", &Comparison::epoch)
      .function("summary", &Comparison::summary);
}
