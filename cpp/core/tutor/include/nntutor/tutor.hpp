#pragma once
/// Tutor mode: the student works out one training step cell by cell, in the lecture's order
/// (z1, y1, z2, y2, L, the gradients from the output layer back, the updated parameters), and
/// each typed number is judged by the checker (check.hpp) with its rules. docs/check.md,
/// section "Tutor mode", states them.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/check.hpp"
#include "nntutor/session.hpp"

namespace nntutor {

/// Tutor mode asks for at most this many numbers per step: it is for networks small enough to
/// work out by hand (the lecture's 1-1-1 asks for 13, a 2-3-1 for 35).
constexpr int kMaxTutorCells = 120;

/// One number the student types.
struct TutorCell {
  std::string column;  ///< the engine's name: z1, y2@2, L, dL/dw2[1,3], w1 …
  int row = 0;         ///< the table row it belongs to: the step, or step + 1 for an update
  std::string stage;   ///< forward, loss, gradient, velocity (sgd with momentum) or update
  double exact = 0;    ///< the exact value (what "reveal" shows)
};

/// One step to work out: what the student is given, and what they type, in order.
struct TutorStep {
  int step = 0;
  std::vector<std::pair<std::string, double>> given;  ///< row `step`'s weights and biases
  /// sgd with momentum: the velocity before this step's update (the row above's m_w1 …, 0 at
  /// step 1); empty without momentum.
  std::vector<std::pair<std::string, double>> state;
  double momentum = 0;  ///< μ (sgd with momentum)
  std::vector<TutorCell> cells;
  /// Why some cells are not asked (the updated parameters when step + 1 cannot be computed).
  std::string note;
};

/// The cells of step `step` (1-based) of `session` (its own step count is not used). Throws
/// SessionError when the step is beyond the limits, when the run diverges before it, or when
/// it has more than kMaxTutorCells numbers.
TutorStep tutor_step(const Session& session, int step);

/// {"step", "given": [{"column", "value", "text"}], "cells": [{"column", "row", "stage",
///  "exact", "text"}], "decimals", "note"}: `text` is the value with `decimals` decimals; with
///  momentum also "state": [{"column", "value", "text"}] (TutorStep::state) and "momentum": μ.
std::string tutor_step_json(const TutorStep& step, int decimals);

/// The verdict on one typed number: the checker's verdict against the exact run, and
/// `decimals_missing` when the number is right to the decimals written but has fewer than
/// `decimals` of them (and is not exactly the value) — the tutor then asks for more.
struct TutorCheck {
  CellCheck cell;
  bool decimals_missing = false;
};

/// Judges `given` (one number as the student writes it) for `column` in table row `row` of
/// step `step` (row = step, or step + 1 for an updated parameter). Throws SessionError naming
/// the cell for text that is not one number, or for a column or row this step does not ask.
TutorCheck tutor_check(const Session& session, int step, const std::string& column, int row,
                       std::string_view given, int decimals);

/// {"verdict": "correct|rounding|wrong|more_decimals", "given", "expected", "why", "formula",
///  "slip"?, "slip_id"?}.
std::string tutor_check_json(const TutorCheck& check, int decimals);

}  // namespace nntutor
