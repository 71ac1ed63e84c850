#pragma once
// The {ok, error, value} result every bound function returns, shared by the two modules.
#include <emscripten/bind.h>

#include <exception>
#include <string>

#include "nntutor/error.hpp"

namespace nntutor_wasm {

struct Result {
  bool ok = false;
  std::string error;
  std::string value;
};

/// Runs `f`; a SessionError becomes its message, any other exception "internal error: …".
template <typename F>
Result guarded(F&& f) {
  try {
    return {true, "", f()};
  } catch (const nntutor::SessionError& e) {
    return {false, e.what(), ""};
  } catch (const std::exception& e) {
    return {false, std::string("internal error: ") + e.what(), ""};
  }
}

/// Registers Result as a plain JavaScript object {ok, error, value}.
inline void register_result() {
  emscripten::value_object<Result>("Result")
      .field("ok", &Result::ok)
      .field("error", &Result::error)
      .field("value", &Result::value);
}

}  // namespace nntutor_wasm
