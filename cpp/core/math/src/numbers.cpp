#include "nntutor/numbers.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nntutor {

std::string fixed(double value, int precision) {
  char buffer[512];
  // Beyond 1e15 fixed notation is a wall of digits; scientific keeps the same decimals.
  std::snprintf(buffer, sizeof buffer, std::fabs(value) < 1e15 ? "%.*f" : "%.*e", precision, value);
  std::string s = buffer;
  // "-0.0000" is a rounding artefact of a tiny negative number; the table shows "0.0000".
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string exact_text(double value) {
  char text[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    const bool plain = std::fabs(value) >= 1e-4 && std::fabs(value) < 1e15;  // 10, not 1e+01
    if (std::strtod(text, nullptr) == value && !(plain && std::strchr(text, 'e'))) break;
  }
  return text;
}

std::string shortest_number(double v) {
  char buffer[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    if (std::strtod(buffer, nullptr) == v) break;
  }
  return buffer;
}

std::string grouped(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

}  // namespace nntutor
