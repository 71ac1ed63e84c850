// embind registrations and one-line adapters over the core: no math, no logic.
// Every function returns {ok, error, value} so no C++ exception ever reaches JavaScript.
// The checker has its own module (check_bindings.cpp), loaded only when a student uses it.
#include <emscripten/bind.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "nntutor/equations.hpp"
#include "nntutor/page_view.hpp"
#include "nntutor/rates.hpp"
#include "nntutor/schema.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/workbook.hpp"
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

/// The page's open session (nntutor::Workbook): `new Workbook()`, then open(); JavaScript
/// must delete() it. Every method returns {ok, error, value}; a refused call changes nothing.
class Workbook {
 public:
  Result open(const std::string& session_json, const std::string& options_json) {
    return guarded([&] {
      const auto view = nntutor::parse_view(options_json);
      nntutor::Workbook opened(nntutor::parse_session(session_json), view.page_limits);
      workbook_ = std::move(opened);
      return workbook_->status_json({0});
    });
  }
  Result set_session(const std::string& session_json) {
    return guarded([&] {
      auto session = nntutor::parse_session(session_json);
      return held().status_json(held().set_session(std::move(session)));
    });
  }
  Result step() { return guarded([&] { return held().status_json(held().step()); }); }
  Result back() { return guarded([&] { return held().status_json(held().back()); }); }
  Result reset() { return guarded([&] { return held().status_json(held().reset()); }); }
  Result status() { return guarded([&] { return held().status_json({held().rows()}); }); }
  Result rows(int from, const std::string& options_json) {
    return guarded([&] { return held().rows_json(from, nntutor::parse_view(options_json)); });
  }
  Result trace(int step) { return guarded([&] { return held().trace_json(step); }); }
  Result equations(int step, int precision, const std::string& options_json) {
    return guarded([&] {
      const auto view = nntutor::parse_view(options_json);
      return held().equations_json(step, precision, view.layers, view.units);
    });
  }
  Result session() { return guarded([&] { return held().session_json(); }); }
  Result describe(const std::string& choices_json) {
    return guarded([&] { return nntutor::describe_json(held().session(), held().columns(), choices_json); });
  }

 private:
  nntutor::Workbook& held() {
    if (!workbook_) throw nntutor::SessionError("workbook: no session is open (call open first)");
    return *workbook_;
  }
  std::optional<nntutor::Workbook> workbook_;
};

Result normalise(const std::string& session_json) {
  return guarded([&] {
    const auto session = nntutor::parse_session(session_json);
    nntutor::check_page_limits(session);
    return nntutor::session_to_json(session);
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
  emscripten::function("normalise", &normalise);
  emscripten::function("schema", &schema);
  emscripten::function("version", &version);
  emscripten::class_<Workbook>("Workbook")
      .constructor<>()
      .function("open", &Workbook::open)
      .function("setSession", &Workbook::set_session)
      .function("step", &Workbook::step)
      .function("back", &Workbook::back)
      .function("reset", &Workbook::reset)
      .function("status", &Workbook::status)
      .function("rows", &Workbook::rows)
      .function("trace", &Workbook::trace)
      .function("equations", &Workbook::equations)
      .function("session", &Workbook::session)
      .function("describe", &Workbook::describe);
}
