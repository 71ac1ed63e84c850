#pragma once
/// How the engine writes a number: in tables (fixed decimals), in messages (shortest text that
/// reads back the same) and in JSON (the shortest %g). One copy of each, for every layer.
#include <string>

namespace nntutor {

/// A number with `precision` decimals, never "-0.0000"; scientific (1.2345e+20) from 1e15 on.
std::string fixed(double value, int precision);

/// The shortest %g text that reads back as the same number, written plainly where it is
/// short: 0.1, 1, 10, 1e-05 (learning rates in messages).
std::string exact_text(double value);

/// The shortest %g text that reads back as `v`: 2, 0.5, 1e-07 (as a JSON number is written).
std::string shortest_number(double v);

/// 1234567 → "1,234,567", as Python's f"{n:,}" and the page's toLocaleString('en').
std::string grouped(long long n);

}  // namespace nntutor
