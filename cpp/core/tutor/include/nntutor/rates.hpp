#pragma once
/// The same network at several learning rates, side by side: where the loss first rises, and
/// a plain sentence on why it never does when that is the case.
#include <optional>
#include <string>
#include <vector>

#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

/// One learning rate's run.
struct RateRun {
  double learning_rate = 0;
  Trace trace;
  std::optional<int> first_rise;  ///< first step k ≥ 2 whose loss is above step k − 1's
};

/// All the rates, and what they show together.
struct RateComparison {
  std::vector<RateRun> runs;
  bool all_fall = true;     ///< no rate made the loss rise or diverge
  std::string explanation;  ///< a sentence for the student
};

/// At most this many rates in one comparison.
constexpr int kMaxRates = 8;

/// Runs `session` (its steps) once per rate. Throws SessionError for no rates, too many, or a
/// rate that is not a finite number > 0.
RateComparison compare_rates(const Session& session, const std::vector<double>& rates);

/// The comparison as JSON: {"rates": [{"learning_rate", "losses", "first_rise", "diverged",
/// "table": {"columns", "rows"}}], "all_fall", "explanation"}; each table cut to `view`'s
/// columns and layers.
std::string rate_comparison_json(const Session& session, const RateComparison& comparison,
                                 const View& view = {});

/// Parses a JSON array of rates, e.g. "[0.1, 1, 10]" (SessionError naming `field`).
std::vector<double> parse_rates(const std::string& json_text, const std::string& field = "rates");

}  // namespace nntutor
