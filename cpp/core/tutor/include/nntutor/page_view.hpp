#pragma once
/// What the page draws at once, decided here once for the page and the Assignment report: which
/// columns and layers the table keeps (a network too wide for the screen starts with its output
/// layer; a table with too many numbers shows the loss only), and which gradient equations are
/// written (all, the output layer's, or its first unit's, by how many products they hold).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

/// How much the page draws at once.
struct DrawLimits {
  static constexpr std::size_t kAutoColumns = 300;    ///< more columns: the output layer only
  static constexpr long long kMaxTableCells = 200000;  ///< more numbers: the loss only
  static constexpr long long kEquationBudget = 2000;   ///< products written out at once
};

/// The student's choice of what the table shows.
struct TableChoice {
  std::optional<std::vector<int>> layers;  ///< 1-based layers ticked; nullopt: the page chooses
  std::vector<Column::Kind> kinds;         ///< kinds ticked (state and batch kept where they apply)
  int steps = 0;                           ///< rows shown
};

/// What the table shows, and why when it shows less than chosen.
struct TableDecision {
  std::vector<Column::Kind> kinds;
  std::vector<int> layers;      ///< 1-based; every layer when the student chose none
  std::size_t all_columns = 0;  ///< columns of the chosen kinds over every layer (step included)
  long long cells = 0;          ///< columns shown × rows
  enum class Cut { kNone, kOutputLayer, kLossOnly } cut = Cut::kNone;
};

/// The table's decision: state only for an optimizer with state, batch only with mini-batches;
/// with no layers chosen and more than kAutoColumns columns, the output layer only (when there
/// are several layers); over kMaxTableCells numbers, the loss only.
TableDecision choose_table(const Session& session, const TableChoice& choice);
/// The same with the session's table_columns already built (a Workbook keeps them).
TableDecision choose_table(const Session& session, const std::vector<Column>& columns,
                           const TableChoice& choice);

/// About how many products the equations of `layer`/`unit` (0 = all) hold: each chosen
/// parameter, and the δ sums of later layers when more than one path leads to the loss; times
/// the samples.
long long equation_cost(const Session& session, int layer, int unit);

/// Which equations are written (0 = all).
struct EquationsDecision {
  int layer = 0, unit = 0;
  bool too_many = false;  ///< the student's choice is over four budgets
};

/// The student's choice if any (clamped to the network), else everything when it fits
/// kEquationBudget, else the output layer, else its first unit.
EquationsDecision choose_equations(const Session& session,
                                   std::optional<std::pair<int, int>> chosen = std::nullopt);

/// The page's view as JSON: choices {"layers": [..] | null, "columns": ["w", …], "steps": k,
/// "equations_of": {"layer", "unit"} | null} → {"table": {"columns", "layers", "all_columns",
/// "cells", "note"}, "equations": {"layer", "unit", "too_many", "cost"}, "limits": {"auto_columns",
/// "max_table_cells", "equation_budget"}}. The note is the page's sentence when it cut the table.
/// SessionError naming the field for a bad choice.
std::string describe_json(const Session& session, std::string_view choices_json);
/// The same with the session's table_columns already built (a Workbook keeps them): what the
/// page asks at every Step, without naming tens of thousands of columns again.
std::string describe_json(const Session& session, const std::vector<Column>& columns,
                          std::string_view choices_json);

}  // namespace nntutor
