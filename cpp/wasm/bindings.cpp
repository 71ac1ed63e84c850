// embind registrations and one-line adapters over the core: no math, no logic.
// Every function returns {ok, error, value} so no C++ exception ever reaches JavaScript.
// The checker has its own module (check_bindings.cpp), loaded only when a student uses it.
#include <emscripten/bind.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "nntutor/equations.hpp"
#include "nntutor/rates.hpp"
#include "nntutor/schema.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "result.hpp"

namespace {

using nntutor_wasm::guarded;
using nntutor_wasm::Result;

Result run(const std::string& session_json, const std::string& options_json) {
  return guarded([&] {
    const auto view = nntutor::parse_view(options_json);
    const auto session = nntutor::parse_session(session_json);
    if (view.page_limits) nntutor::check_page_limits(session);
    return nntutor::run_result_json(session, nntutor::run(session), view);
  });
}

Result format(const std::string& session_json, const std::string& format, int precision,
              const std::string& options_json) {
  return guarded([&] {
    const auto view = nntutor::parse_view(options_json);
    const auto session = nntutor::parse_session(session_json);
    return nntutor::render(session, nntutor::run(session), nntutor::parse_format(format, "format"),
                           precision, view);
  });
}

Result equations(const std::string& session_json, int step, int precision,
                 const std::string& options_json) {
  return guarded([&] {
    const auto view = nntutor::parse_view(options_json);
    return nntutor::equations_for_step(nntutor::parse_session(session_json), step, precision,
                                       view.layers, view.units);
  });
}

Result compare_rates(const std::string& session_json, const std::string& rates_json,
                     const std::string& options_json) {
  return guarded([&] {
    const auto view = nntutor::parse_view(options_json);
    const auto session = nntutor::parse_session(session_json);
    return nntutor::rate_comparison_json(
        session, nntutor::compare_rates(session, nntutor::parse_rates(rates_json)), view);
  });
}

Result bench_steps(const std::string& session_json, int steps) {
  return guarded([&] {
    auto session = nntutor::parse_session(session_json);
    const double loss = nntutor::train_silently(session.network, session.batch, session.loss,
                                                session.optimizer, steps);
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", loss);
    return std::string("{\"loss\":") + (std::isfinite(loss) ? text : "null") + "}";
  });
}

std::string version() { return NNTUTOR_VERSION; }

std::string limits() { return nntutor::limits_json(); }

std::string schema() { return nntutor::schema_json(); }

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor) {
  nntutor_wasm::register_result();
  emscripten::function("run", &run);
  emscripten::function("format", &format);
  emscripten::function("equations", &equations);
  emscripten::function("compareRates", &compare_rates);
  emscripten::function("benchSteps", &bench_steps);
  emscripten::function("limits", &limits);
  emscripten::function("schema", &schema);
  emscripten::function("version", &version);
}
