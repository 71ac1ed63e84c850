// libFuzzer target: the explorer's two requests on arbitrary bytes (docs/testing.md). Each of
// chain_gradients_json and activation_curve_json either returns JSON or throws SessionError;
// anything else is a finding. A chain is at most 51 layers of 32 units, so every request that
// parses is computed in full (three chains, a curve of up to 2001 points).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "nntutor/error.hpp"
#include "nntutor/explorer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto out = nlohmann::json::parse(nntutor::chain_gradients_json(text));
    if (!out.contains("layers") || out["layers"].empty()) __builtin_trap();
  } catch (const nntutor::SessionError&) {
  }
  try {
    const auto out = nlohmann::json::parse(nntutor::activation_curve_json(text));
    if (out["z"].size() != out["f"].size() || out["z"].size() != out["df"].size()) __builtin_trap();
  } catch (const nntutor::SessionError&) {
  }
  return 0;
}
