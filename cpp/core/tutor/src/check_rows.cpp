/// The row-by-row bookkeeping every checker shares (check_rows.hpp): settling, judging, the
/// cell's sentence, the slip diagnosis and the summary. docs/check.md states the rules.
#include "check_rows.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "nntutor/numbers.hpp"

namespace nntutor::check_detail {

namespace {

constexpr int kMaxDiagnosed = 1000;  // slips matched against the known ones, per report

std::string decimals_text(int d) { return std::to_string(d) + (d == 1 ? " decimal" : " decimals"); }

}  // namespace

double unit(int decimals) { return std::pow(10.0, -decimals); }

/// How far a number with `decimals` decimals may be off and still count as rounding: 2 units of
/// its last decimal, but no more than 0.02 (a number written to 0 or 1 decimals gets the band of
/// 2 decimals, not ±2 or ±0.2); plus a hair for binary fractions.
double band(int decimals) { return 2 * unit(std::max(decimals, 2)) * (1 + 1e-9); }

/// Equal when both are rounded to `decimals` (as printed, so −0.0000 equals 0.0000).
bool same_at(double a, double b, int decimals) { return fixed(a, decimals) == fixed(b, decimals); }

Judgement judge(double given, int d, double exact, double own, double radius, Origin inherited) {
  using Basis = Judgement::Basis;
  const double margin = band(d);
  const bool has_exact = std::isfinite(exact);
  const bool has_own = std::isfinite(own) && std::isfinite(radius);
  const bool exact_equal = has_exact && same_at(given, exact, d);
  const bool exact_band = has_exact && std::fabs(given - exact) <= margin;
  const bool own_equal = has_own && same_at(given, own, d);
  const bool own_band = has_own && std::fabs(given - own) <= margin + radius;
  Judgement j;
  if (exact_equal) j.start = Verdict::kCorrect, j.start_basis = Basis::kExact;
  else if (exact_band) j.start = Verdict::kRounding, j.start_basis = Basis::kBand;
  else if (inherited < 0 && (own_equal || own_band))
    j.start = Verdict::kRounding, j.start_basis = Basis::kIntermediates;
  if (exact_equal) j.step = Verdict::kCorrect, j.step_basis = Basis::kExact;
  else if (own_equal) j.step = Verdict::kCorrect, j.step_basis = Basis::kOwn;
  else if (own_band) j.step = Verdict::kRounding, j.step_basis = Basis::kOwn;
  else if (exact_band) j.step = Verdict::kRounding, j.step_basis = Basis::kBand;
  return j;
}

std::vector<std::string> column_names(const std::vector<Column>& columns) {
  std::vector<std::string> out;
  for (const Column& c : columns) out.push_back(c.name);
  return out;
}

std::vector<bool> parameter_columns(const std::vector<Column>& columns) {
  std::vector<bool> out;
  for (const Column& c : columns) out.push_back(c.kind == Column::Kind::kW || c.kind == Column::Kind::kB);
  return out;
}

RowChecker::RowChecker(const Answer& answer, CheckMode mode, std::vector<std::string> names,
                       std::vector<bool> is_parameter)
    : answer_(answer), mode_(mode), names_(std::move(names)), C_(names_.size()),
      is_parameter_(std::move(is_parameter)) {
  for (auto* v : {&given_, &exact_, &own_, &radius_, &used_, &used_radius_, &prev_used_,
                  &prev_radius_, &prev_given_})
    v->assign(C_, kNaN);
  for (auto* v : {&inherited_, &origin_, &prev_origin_}) v->assign(C_, -1);
  decimals_.assign(C_, 0);
  judged_.resize(C_);
  in_answer_.assign(C_, false);
  for (const auto& a : answer.columns)
    for (std::size_t c : a.columns) in_answer_[c] = true;
}

CheckReport RowChecker::check() {
  CheckReport report;
  report.mode = mode_;
  for (std::size_t k = 1; k <= answer_.rows.size(); ++k) {
    row_numbers(static_cast<int>(k));
    parameters();
    forward();
    backward();
    velocity();
    emit(static_cast<int>(k), report);
    end_row();
  }
  summarise(report);
  return report;
}

void RowChecker::load(int k) {
  std::fill(given_.begin(), given_.end(), kNaN);
  const AnswerRow& row = answer_.rows[static_cast<std::size_t>(k - 1)];
  for (std::size_t a = 0; a < answer_.columns.size(); ++a)
    for (std::size_t c : answer_.columns[a].columns)
      given_[c] = row.cells[a].value, decimals_[c] = row.cells[a].decimals;
  std::fill(exact_.begin(), exact_.end(), kNaN);
  row_ = k;
}

void RowChecker::end_row() {
  prev_used_.swap(used_);
  prev_radius_.swap(used_radius_);
  prev_origin_.swap(origin_);
  prev_given_.swap(given_);
}

void RowChecker::update_parameter(int c, int g, int m, double start, const OptimizerSettings& o) {
  const double eta = o.learning_rate, mu = o.momentum;
  const auto uc = static_cast<std::size_t>(c), ug = static_cast<std::size_t>(g);
  if (row_ == 1) return settle(uc, start, 0, -1);
  if (m < 0)
    return settle(uc, prev_used_[uc] - eta * prev_used_[ug], prev_radius_[uc] + eta * prev_radius_[ug],
                  earlier(prev_origin_[uc], prev_origin_[ug]));
  const auto um = static_cast<std::size_t>(m);
  if (!o.nesterov)
    return settle(uc, prev_used_[uc] + prev_used_[um], prev_radius_[uc] + prev_radius_[um],
                  earlier(prev_origin_[uc], prev_origin_[um]));
  settle(uc, prev_used_[uc] + (mu * prev_used_[um] - eta * prev_used_[ug]),
         prev_radius_[uc] + mu * prev_radius_[um] + eta * prev_radius_[ug],
         earlier(prev_origin_[uc], earlier(prev_origin_[um], prev_origin_[ug])));
}

void RowChecker::update_velocity(int m, int g, const OptimizerSettings& o) {
  const double eta = o.learning_rate, mu = o.momentum;
  const auto um = static_cast<std::size_t>(m), ug = static_cast<std::size_t>(g);
  const bool first = row_ == 1;
  settle(um, mu * (first ? 0.0 : prev_used_[um]) - eta * used_[ug],
         mu * (first ? 0.0 : prev_radius_[um]) + eta * used_radius_[ug],
         earlier(first ? Origin{-1} : prev_origin_[um], origin_[ug]));
}

Origin RowChecker::id(std::size_t c) const {
  return static_cast<Origin>(row_ - 1) * static_cast<Origin>(C_) + static_cast<Origin>(c);
}

/// Records column c's value from the student's own numbers (`own`, ± `radius`, inheriting
/// the slip `inherited`), judges the given number, and decides what later cells build on:
/// the given number if there is one; else, for a parameter, the exact value (step mode needs
/// the student's parameters; without them it assumes the exact ones); else `own`.
void RowChecker::settle(std::size_t c, double own, double radius, Origin inherited) {
  own_[c] = own;
  radius_[c] = radius;
  inherited_[c] = inherited;
  const double g = given_[c];
  if (std::isnan(g)) {
    if (is_parameter_[c] && std::isfinite(exact_[c])) {
      used_[c] = exact_[c], used_radius_[c] = 0, origin_[c] = -1;
    } else {
      used_[c] = own, used_radius_[c] = radius, origin_[c] = inherited;
    }
    return;
  }
  const Judgement j = judge(g, decimals_[c], exact_[c], own, radius, inherited);
  judged_[c] = j;
  used_[c] = g;
  // A number rounded to d decimals is within half a unit of the d-th decimal of what the
  // student had; one that is the exact value (0.5 for w1 = 0.5) was not rounded at all.
  used_radius_[c] = std::fabs(g - exact_[c]) <= 1e-12 * std::max(1.0, std::fabs(g)) ? 0 : 0.5 * unit(decimals_[c]);
  // A number that is right (to rounding) stops a slip; a wrong one that does not follow
  // from the student's own numbers starts one.
  origin_[c] = j.start != Verdict::kWrong ? -1 : j.step == Verdict::kWrong ? id(c) : inherited;
}

/// The first known slip that reproduces the given number (to its decimals, or within the
/// rounding its inputs allow).
std::optional<Candidate> RowChecker::diagnose(std::size_t c) {
  const double g = given_[c];
  const int d = decimals_[c];
  const double r = std::isfinite(radius_[c]) ? radius_[c] : 0;
  for (Candidate& k : candidates(c))
    if (std::isfinite(k.value) &&
        (same_at(g, k.value, d) || std::fabs(g - k.value) <= band(d) + 2 * r))
      return std::move(k);
  return std::nullopt;
}

std::string RowChecker::where(Origin o) const {
  const auto c = static_cast<std::size_t>(o % static_cast<Origin>(C_));
  return names_[c] + " in row " + std::to_string(o / static_cast<Origin>(C_) + 1);
}

CellCheck RowChecker::cell(const AnswerColumn& a, const AnswerCell& given, int line, std::size_t c) {
  using Basis = Judgement::Basis;
  const Judgement& j = judged_[c];
  const int d = decimals_[c];
  const double exact = exact_[c], own = own_[c];
  const bool has_exact = std::isfinite(exact), has_own = std::isfinite(own);
  CellCheck out;
  out.row = row_;
  out.line = line;
  out.column = names_[c];
  out.header = a.header;
  out.given = given.text;
  out.formula = formula(c, row_);
  const bool start = mode_ == CheckMode::kStart;
  out.verdict = start ? j.start : j.step;
  const double expected = start || !has_own ? exact : own;
  out.expected = std::isfinite(expected) ? fixed(expected, d) : "";
  const std::string X = has_exact ? fixed(exact, d) : "", O = has_own ? fixed(own, d) : "";
  const std::string exact_fine = has_exact ? fixed(exact, std::min(d + 2, kMaxDecimals)) : "";
  const std::string in_band = "differs from the exact value " + exact_fine + " by at most " +
                              (d >= 2 ? "2 units of the last decimal" : "0.02") + ": a rounding difference";
  const Origin inherited = inherited_[c];
  const bool root = j.step == Verdict::kWrong;
  if (j.start == Verdict::kWrong && !root && inherited >= 0) out.follows = {
      static_cast<int>(inherited / static_cast<Origin>(C_) + 1),
      names_[static_cast<std::size_t>(inherited % static_cast<Origin>(C_))]};
  const std::string diverged =
      diverged_ ? "the exact run diverged at step " + std::to_string(diverged_->at) + " (" +
                            diverged_->reason + "), so this step has no exact value"
                      : "";
  if (start) {
    switch (j.start_basis) {
      case Basis::kExact: out.why = "equals the exact value to " + decimals_text(d); break;
      case Basis::kBand: out.why = in_band; break;
      case Basis::kIntermediates:
        out.why = "follows from your own rounded numbers; the exact value " + X + " differs only by rounding";
        break;
      default:
        if (!has_exact) out.why = diverged;
        else if (out.follows)
          out.why = "follows from your " + where(inherited) + ", which is wrong; the exact value is " + X;
        else if (has_own)
          out.why = "your own numbers give " + O + (X != O ? "; the exact value is " + X : ", as does the exact run");
        else
          out.why = "the exact value is " + X;
    }
  } else {
    switch (j.step_basis) {
      case Basis::kExact: out.why = "equals the exact value to " + decimals_text(d); break;
      case Basis::kBand: out.why = in_band; break;
      case Basis::kOwn:
        if (out.follows)
          out.why = std::string(j.step == Verdict::kCorrect ? "follows correctly" : "follows, within rounding,") +
                    " from your " + where(inherited) + " (a slip there); the exact value is " + X;
        else if (j.step == Verdict::kCorrect)
          out.why = "follows from your own numbers to " + decimals_text(d) +
                    (has_exact ? "; the exact value " + X + " differs only by rounding" : "");
        else
          out.why = "within rounding of " + O + ", the value your own numbers give";
        break;
      default:
        if (has_own)
          out.why = "your own numbers give " + O +
                    (!has_exact ? "" : X != O ? "; the exact value is " + X : ", as does the exact run");
        else
          out.why = "cannot be computed from your numbers (they overflow)" +
                    (has_exact ? "; the exact value is " + X : "");
    }
  }
  if (d < a.decimals)
    out.why += " (checked to the " + decimals_text(d) + " written; others in this column have " +
               std::to_string(a.decimals) + ")";
  if (a.columns.size() == 2) {
    const std::size_t other = a.columns[0] == c ? a.columns[1] : a.columns[0];
    const double e1 = start ? exact : expected, e2 = start || !std::isfinite(own_[other]) ? exact_[other] : own_[other];
    const bool equal = std::isfinite(e1) && std::isfinite(e2) && same_at(e1, e2, d);
    out.why += " (" + a.header + " is checked as both " + names_[a.columns[0]] + " and " +
               names_[a.columns[1]] +
               (equal ? ", equal here)" : ", which differ here, so one column cannot hold both)");
  }
  if (out.verdict == Verdict::kWrong && root && ++diagnosed_ > kMaxDiagnosed) {
    out.slip = "Not diagnosed: only the first " + std::to_string(kMaxDiagnosed) + " slips are.";
  } else if (out.verdict == Verdict::kWrong && root) {
    if (const auto slip = diagnose(c)) {
      out.slip_id = slip->id;
      out.slip = slip->sentence;
    } else {
      out.slip = "No known slip explains this.";
    }
  }
  return out;
}

void RowChecker::emit(int k, CheckReport& report) {
  const AnswerRow& row = answer_.rows[static_cast<std::size_t>(k - 1)];
  for (std::size_t a = 0; a < answer_.columns.size(); ++a) {
    if (std::isnan(row.cells[a].value)) continue;  // an empty cell is not checked
    for (std::size_t c : answer_.columns[a].columns)
      report.cells.push_back(cell(answer_.columns[a], row.cells[a], row.line, c));
  }
}

void RowChecker::summarise(CheckReport& report) const {
  for (std::size_t n = 0; n < report.cells.size(); ++n) {
    const CellCheck& c = report.cells[n];
    if (c.verdict == Verdict::kCorrect) ++report.correct;
    if (c.verdict == Verdict::kRounding) ++report.rounding;
    if (c.verdict == Verdict::kWrong) ++report.wrong;
    if (c.follows) ++report.follows;
    if (c.verdict == Verdict::kWrong && !c.slip.empty() && !report.first_wrong) report.first_wrong = n;
  }
  for (std::size_t n = 0; n < report.cells.size() && !report.first_wrong; ++n)
    if (report.cells[n].verdict == Verdict::kWrong) report.first_wrong = n;

  if (mode_ == CheckMode::kStep) {
    std::string missing;
    int count = 0;
    for (std::size_t c = 0; c < C_; ++c)
      if (is_parameter_[c] && !in_answer_[c] && ++count <= 8) missing += (count > 1 ? ", " : "") + names_[c];
    if (count > 8) missing += " and " + std::to_string(count - 8) + " more";
    if (count > 0)
      report.notes.push_back("Your table has no column for " + missing +
                             ", so step mode uses the exact values there.");
  }
  for (const auto& a : answer_.columns)
    if (a.columns.size() == 2)
      report.notes.push_back(a.header + " is checked as both " + names_[a.columns[0]] + " and " +
                             names_[a.columns[1]] + " (the slide writes one column because x = 1 "
                             "makes them equal; in general they differ).");
  if (diverged_ && static_cast<std::size_t>(diverged_->at) <= answer_.rows.size())
    report.notes.push_back("The exact run diverged at step " + std::to_string(diverged_->at) + ": " +
                           diverged_->reason + ".");

  const std::size_t n = report.cells.size();
  const auto cells = [](std::size_t k) { return std::to_string(k) + (k == 1 ? " cell" : " cells"); };
  std::string text;
  if (report.wrong == 0) {
    text = n == 0 ? "There is no number to check." :
           report.rounding == 0 ? "All " + cells(n) + " are correct."
                                : "All " + cells(n) + " are correct or differ only by rounding (" +
                                      std::to_string(report.rounding) + " rounding).";
  } else {
    const CellCheck& f = report.cells[*report.first_wrong];
    // In start mode a number that only follows from an earlier slip is wrong too; it is
    // counted apart from the slips themselves, as the page marks it (↳, not ✗).
    const int follow_wrong = mode_ == CheckMode::kStart ? report.follows : 0;
    const int own = std::max(report.wrong - follow_wrong, 1);
    text = std::to_string(own) + " of " + cells(n) + " " + (own == 1 ? "is" : "are") + " wrong" +
           (follow_wrong > 0 ? " and " + std::to_string(follow_wrong) + (follow_wrong == 1 ? " follows" : " follow") +
                                   (own == 1 ? " from it" : " from them")
                             : std::string()) +
           ". The first slip is " + f.column + " in row " + std::to_string(f.row) + ": " + f.given +
           (f.expected.empty() ? "" : ", expected " + f.expected) + " (" + f.formula + "). " +
           (f.slip.empty() ? f.why + "." : f.slip);
    if (follow_wrong > 0)
      text += std::string(" Step mode, which checks each row from your own previous one, accepts ") +
              (follow_wrong == 1 ? "the one that follows." : "those that follow.");
    if (mode_ == CheckMode::kStep && report.wrong > 1)
      text += " " + std::to_string(report.wrong) + " slips in all.";
    if (mode_ == CheckMode::kStep && report.follows > 0)
      text += " " + cells(report.follows) + (report.follows == 1 ? " follows" : " follow") + " correctly from slips.";
    if (report.rounding > 0)
      text += " " + cells(report.rounding) + (report.rounding == 1 ? " differs" : " differ") + " only by rounding.";
  }
  report.summary = text;
}

}  // namespace nntutor::check_detail
