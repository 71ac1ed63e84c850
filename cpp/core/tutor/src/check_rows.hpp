#pragma once
/// What every checker shares, whatever the network's shape (layers in check.cpp, a graph of
/// neurons in check_graph.cpp): per table column the student's number, the exact value, the
/// value from the student's own numbers with its rounding radius and inherited slip; settling a
/// number (judge it, then build on what the student wrote); the cell's verdict and sentence;
/// the slip diagnosis over the candidates the shape's slip forms give; and the summary.
/// docs/check.md states the rules. Not part of check.hpp's API.
#include <optional>
#include <string>
#include <vector>

#include "nntutor/check.hpp"
#include "nntutor/check_detail.hpp"
#include "nntutor/check_rounded.hpp"
#include "nntutor/check_slips.hpp"
#include "nntutor/table.hpp"
#include "nntutor/train.hpp"

namespace nntutor::check_detail {

/// 10^−decimals.
double unit(int decimals);
/// How far a number with `decimals` decimals may be off and still count as rounding.
double band(int decimals);
/// Equal when both are rounded to `decimals` (as printed, so −0.0000 equals 0.0000).
bool same_at(double a, double b, int decimals);

/// The names of `columns`, and which of them are parameters (w, b): what RowChecker reads.
std::vector<std::string> column_names(const std::vector<Column>& columns);
std::vector<bool> parameter_columns(const std::vector<Column>& columns);

/// How one given number compares, from the start values and from the student's own numbers.
struct Judgement {
  enum class Basis { kExact, kOwn, kBand, kIntermediates, kNone };
  Verdict start = Verdict::kWrong, step = Verdict::kWrong;
  Basis start_basis = Basis::kNone, step_basis = Basis::kNone;
};

/// The verdicts of `given` (d decimals) against the exact value and the student's own ± radius.
Judgement judge(double given, int d, double exact, double own, double radius, Origin inherited);

/// The row-by-row bookkeeping of a checker; a shape's checker derives from it, computes each
/// column's own value in its order and settles it, and names the slips and formulas.
class RowChecker {
 public:
  virtual ~RowChecker() = default;

  /// Checks the answer row by row, each in the order a student fills it: the row's numbers
  /// (row_numbers), its parameters, the forward pass, the backward pass and the velocity; then
  /// the counts and the summary.
  CheckReport check();

 protected:
  /// `names`: the table's columns (step first); `is_parameter`: w and b columns (a parameter
  /// missing from the answer is taken as exact).
  RowChecker(const Answer& answer, CheckMode mode, std::vector<std::string> names,
             std::vector<bool> is_parameter);

  /// Starts row k: the student's numbers; the derived checker then sets exact_ (NaN where the
  /// exact run has no value).
  void load(int k);
  /// Ends the row: it becomes the row above.
  void end_row();

  /// Records column c's value from the student's own numbers (`own` ± `radius`, inheriting the
  /// slip `inherited`), judges the given number, and decides what later cells build on.
  void settle(std::size_t c, double own, double radius, Origin inherited);
  /// Parameter column c of this row (gradient column g, velocity column m or −1 without
  /// momentum): `start` in row 1, then the row above's w − η·∂L/∂w, or with momentum (Keras 3's
  /// SGD) w + m, with Nesterov w + μ·m − η·∂L/∂w (m: that row's velocity after its update).
  void update_parameter(int c, int g, int m, double start, const OptimizerSettings& o);
  /// sgd with momentum: velocity column m after this row's update, μ·m (the row above's; 0
  /// before step 1) − η·∂L/∂w (gradient column g of this row).
  void update_velocity(int m, int g, const OptimizerSettings& o);
  /// Column c's number as the student has it (given, else computed), with its radius and slip.
  Rounded used(std::size_t c) const { return {used_[c], used_radius_[c], origin_[c]}; }
  /// The slip address of column c in this row.
  Origin id(std::size_t c) const;

  /// Appends row k's cells to the report.
  void emit(int k, CheckReport& report);
  /// Counts and the summary paragraph.
  void summarise(CheckReport& report) const;

  /// Row k's numbers: calls load(k), then sets exact_ from the exact run.
  virtual void row_numbers(int k) = 0;
  /// Row k's parameter columns, then its forward and backward columns, then its velocities
  /// (sgd with momentum), each settled from what the student has in the row so far.
  virtual void parameters() = 0;
  virtual void forward() = 0;
  virtual void backward() = 0;
  virtual void velocity() = 0;

  /// The known slips for column c in this row, in the slip table's order.
  virtual std::vector<Candidate> candidates(std::size_t c) = 0;
  /// The formula of column c in row `row`.
  virtual std::string formula(std::size_t c, int row) = 0;

  const Answer& answer_;
  CheckMode mode_;
  std::vector<std::string> names_;
  std::size_t C_;
  std::optional<Divergence> diverged_;  ///< the exact run's, if it diverged
  int row_ = 0;
  // Per table column, for the current row (and the previous one).
  std::vector<double> given_, exact_, own_, radius_, used_, used_radius_;
  std::vector<double> prev_used_, prev_radius_, prev_given_;
  std::vector<Origin> inherited_, origin_, prev_origin_;
  std::vector<int> decimals_;
  std::vector<Judgement> judged_;
  std::vector<bool> is_parameter_, in_answer_;

 private:
  std::string where(Origin o) const;
  std::optional<Candidate> diagnose(std::size_t c);
  CellCheck cell(const AnswerColumn& a, const AnswerCell& given, int line, std::size_t c);
  int diagnosed_ = 0;
};

}  // namespace nntutor::check_detail
