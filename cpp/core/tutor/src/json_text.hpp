#pragma once
// Writing JSON text straight into a string, character for character what nlohmann's dump()
// writes for the same values (its own number formatting; its escaping of valid UTF-8), for
// the large documents of one step (trace, equations) where a JSON value per number costs more
// than the text. Private to the tutor core's sources.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace nntutor::json_text {

/// `x` as dump() writes a double: shortest round-trip digits, "1.0" for whole numbers, null if
/// not finite.
inline void number(std::string& out, double x) {
  if (!std::isfinite(x)) {
    out += "null";
    return;
  }
  char buffer[64];
  out.append(buffer, nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, x));
}

/// `s` quoted as dump() writes a valid UTF-8 string (ensure_ascii off): \" \\ \b \f \n \r \t,
/// other control characters as \u00xx, everything else as it is.
inline void string(std::string& out, const std::string& s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) <= 0x1F) {
          char code[8];
          std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned>(c));
          out += code;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

/// `"key":` (keys are plain ASCII names).
inline void key(std::string& out, const char* name) {
  out += '"';
  out += name;
  out += "\":";
}

}  // namespace nntutor::json_text
