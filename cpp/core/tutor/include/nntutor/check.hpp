#pragma once
/// Checking a student's table against the engine: the table is read (CSV, TSV pasted from a
/// spreadsheet, or Markdown), every cell gets a verdict (correct, rounding, wrong) with the
/// expected value and the formula that gives it, and a wrong number is matched against common
/// slips. docs/check.md states every rule.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nntutor/session.hpp"

namespace nntutor {

/// At most this many rows (steps) in a student's table.
constexpr int kMaxAnswerRows = 1000;
/// At most this many cells (steps included) in a student's table.
constexpr int kMaxAnswerNumbers = 100000;

/// What each row of the table is checked against.
enum class CheckMode {
  kStart,  ///< the exact run from the session's start values
  kStep,   ///< the student's own previous row: a slip is reported once, where it happens
};

/// Parses `start` or `step`; throws SessionError naming `field` otherwise.
CheckMode parse_check_mode(const std::string& text, const std::string& field = "--mode");

/// One cell as the student wrote it.
struct AnswerCell {
  std::string text;  ///< the number in plain ASCII (−0.5 → -0.5); "" for an empty cell
  double value = 0;  ///< NaN for an empty cell
  int decimals = 0;  ///< decimals written (1.25e-3 has 5)
};

/// One column of the student's table and the table columns (table_columns) it stands for.
struct AnswerColumn {
  std::string header;                ///< as written
  std::vector<std::size_t> columns;  ///< one; two for ∇L(w/b1); none for the step column
  /// The most decimals written in this column (a number with fewer is checked only to its
  /// own, and its verdict says so).
  int decimals = 0;
};

/// One row (= one step) of the student's table.
struct AnswerRow {
  int line = 0;                   ///< 1-based line in the text
  std::vector<AnswerCell> cells;  ///< one per AnswerColumn
};

/// A student's table, read and matched to the session's columns; row k is step k.
struct Answer {
  std::vector<AnswerColumn> columns;
  std::vector<AnswerRow> rows;
};

/// Throws SessionError when `session` is not what the checker and the tutor know: plain gradient
/// descent (sgd on every sample) with half_sse or mse; `who` (check or tutor) starts the message,
/// which names the field, e.g. "check: the checker knows plain gradient descent (sgd on every
/// sample) with the loss half_sse or mse; this session's optimizer.name is adam".
void require_gradient_descent(const Session& session, const std::string& who);

/// Reads one number as a student writes it (-0.5, −0.5, 1.25e-3, $0.5$, **0.5**). Throws
/// SessionError starting with `where` for an empty cell, text, a decimal comma or an overflow.
AnswerCell read_answer_number(std::string_view text, const std::string& where);

/// Reads a table of CSV (`,` or `;`), tab-separated text or Markdown, matching each header to
/// the session's columns (w1, W_1, ∂L/∂w2, ∇L(w2), grad w2, dw2, ŷ, loss, k, #, w2[1,3],
/// z1@2 …). Throws SessionError with the line and column for anything it cannot read: an
/// unknown or repeated column, no step column, ragged rows, text or decimal commas in a
/// number, a step that is not the next one, more than kMaxAnswerRows rows.
Answer parse_answer(const Session& session, std::string_view text);

/// A cell's verdict.
enum class Verdict {
  kCorrect,   ///< equal to the expected value rounded to the decimals written
  kRounding,  ///< off by at most 2 units of the last decimal, or explained by rounded inputs
  kWrong,
};

/// correct, rounding or wrong.
const char* verdict_name(Verdict verdict);

/// The verdict on one cell of the student's table.
struct CellCheck {
  int row = 0;           ///< the step (1-based)
  int line = 0;          ///< the line of the text
  std::string column;    ///< the engine's name, e.g. z2 or dL/dw1[2,1]
  std::string header;    ///< the column's header as written, e.g. ∇L(w/b1)
  std::string given;     ///< the student's number
  std::string expected;  ///< to the decimals written; "" when it cannot be computed
  Verdict verdict = Verdict::kCorrect;
  std::string why;      ///< a sentence for the student
  std::string formula;  ///< e.g. z2 = w2·y1 + b2
  /// For a wrong cell that is a slip itself (not inherited): the known slip that reproduces
  /// the number (`slip_id` as in docs/check.md), or slip_id "" and "no known slip explains this".
  std::string slip_id, slip;
  /// The earlier slip (row, column) this number inherits, when it differs from the exact run
  /// only because of it.
  std::optional<std::pair<int, std::string>> follows;
};

/// Every cell's verdict and a summary.
struct CheckReport {
  CheckMode mode = CheckMode::kStart;
  std::vector<CellCheck> cells;  ///< row by row, in the answer's column order
  int correct = 0, rounding = 0, wrong = 0;
  /// Cells that differ from the exact run only because they inherit an earlier slip.
  int follows = 0;
  std::optional<std::size_t> first_wrong;  ///< the first real slip (index into cells)
  std::vector<std::string> notes;          ///< e.g. what step mode assumed for missing columns
  std::string summary;                     ///< one paragraph for the student
};

/// Checks `answer` against `session` (run for as many steps as the answer has rows).
CheckReport check_answer(const Session& session, const Answer& answer, CheckMode mode);

/// {"cells": [{"row", "column", "given", "expected", "verdict", "why", "formula", "slip"?, …}],
///  "summary": {"correct", "rounding", "wrong", "first_wrong": {"row", "column"} | null,
///  "text", …}} (docs/check.md).
std::string check_report_json(const CheckReport& report);

/// A readable report led by the first real slip.
std::string check_report_text(const CheckReport& report);

/// parse_answer + check_answer + check_report_json in one call (for the Wasm binding).
std::string check_answer_json(const Session& session, std::string_view answer, CheckMode mode);

}  // namespace nntutor
