#pragma once
// What the core's parsers and initialisers share: the wording of a bad value (so a session, a
// model and a data spec describe it the same way), reading JSON text, and the platform-exact
// uniform draw of the weight initialisation. Internal to the core: the tutor and keras layers include it, the math layer never does.
#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>

#include "nntutor/error.hpp"
#include "nntutor/init.hpp"
#include "nntutor/numbers.hpp"

namespace nntutor::common {

/// Throws "field: message" as a SessionError.
[[noreturn]] inline void fail(const std::string& field, const std::string& message) {
  throw SessionError(field + ": " + message);
}

/// "1 item", "3 items".
inline std::string plural(long long n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// How a JSON value looks to the user: `string "abc"`, `an array of 3 items`, `number 1.5`.
inline std::string describe(const nlohmann::json& j) {
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (s.size() > 40) {
      std::size_t n = 40;
      while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // UTF-8 boundary
      s = s.substr(0, n) + "…";
    }
    return "string \"" + s + "\"";
  }
  if (j.is_number()) return "number " + j.dump();
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_array()) return "an array of " + plural(static_cast<long long>(j.size()), "item");
  if (j.is_object()) return "an object";
  return "null";
}

/// A JSON number that is finite; SessionError naming `field` otherwise.
inline double finite_number(const nlohmann::json& j, const std::string& field) {
  if (!j.is_number()) fail(field, "expected a number, got " + describe(j));
  const double v = j.get<double>();
  if (!std::isfinite(v)) fail(field, "expected a finite number, got one too large for a double");
  return v;
}

/// A JSON whole number from `lo` to `hi` (1 and 1.0 both are); SessionError naming `field`.
inline long long whole_number(const nlohmann::json& j, const std::string& field, long long lo, long long hi) {
  if (!j.is_number()) fail(field, "expected a whole number, got " + describe(j));
  const double v = j.get<double>();
  if (!std::isfinite(v) || v != std::floor(v)) fail(field, "expected a whole number, got " + j.dump());
  if (v < static_cast<double>(lo) || v > static_cast<double>(hi))
    fail(field, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                    ", got " + j.dump());
  return static_cast<long long>(v);
}

using nntutor::shortest_number;  ///< numbers.hpp: the shortest %g text that reads back as v

/// Parses JSON text; a syntax error or a number too large for a double becomes a SessionError
/// starting with `what` ("session: not valid JSON (parse error at line 1, column 2: …)").
inline nlohmann::json parse_json(std::string_view text, const std::string& what) {
  const auto useful = [](std::string message) {
    // nlohmann prefixes "[json.exception.parse_error.101] "; the rest is the useful part.
    if (auto p = message.find("] "); p != std::string::npos) message = message.substr(p + 2);
    return message;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw SessionError(what + ": not valid JSON (" + useful(e.what()) + ")");
  } catch (const nlohmann::json::out_of_range& e) {
    // A literal too large for a double ("1e999") is reported this way, without its path.
    throw SessionError(what + ": " + useful(e.what()) + " (expected a finite number)");
  }
}

/// A matrix as JSON rows of numbers, [[…], …] (Json: nlohmann::json or ordered_json).
template <class Json = nlohmann::json>
Json matrix_json(const Eigen::MatrixXd& m) {
  Json rows = Json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    Json row = Json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(m(r, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

/// A vector as a JSON array of numbers.
template <class Json = nlohmann::json>
Json vector_json(const Eigen::VectorXd& v) {
  Json a = Json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(v(i));
  return a;
}

using nntutor::Uniform;  ///< init.hpp: platform-exact uniform draws

}  // namespace nntutor::common
