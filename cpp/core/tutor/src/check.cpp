#include "nntutor/check.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "nntutor/equations.hpp"
#include "nntutor/error.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

namespace {

using json = nlohmann::ordered_json;
using Kind = Column::Kind;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxDecimals = 17;  // beyond this a double has no more digits to compare
constexpr int kMaxDiagnosed = 1000;  // slips matched against the known ones, per report

// ---------------------------------------------------------------------------------------------
// Reading the text: lines, cells, numbers.

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/// Trims ASCII white space and non-breaking spaces (spreadsheets paste them) at both ends.
std::string trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    else if (s.size() >= 2 && s.substr(0, 2) == "\xC2\xA0") s.remove_prefix(2);
    else if (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") s.remove_suffix(2);
    else break;
  }
  return std::string(s);
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
}

/// Takes off what wraps a cell in Markdown or LaTeX: $…$, **…**, `…`.
std::string unwrap(std::string s) {
  for (bool changed = true; changed;) {
    changed = false;
    s = trim(s);
    for (std::string_view w : {"$", "**", "`"})
      if (s.size() >= 2 * w.size() && s.compare(0, w.size(), w) == 0 &&
          s.compare(s.size() - w.size(), w.size(), w) == 0) {
        s = s.substr(w.size(), s.size() - 2 * w.size());
        changed = true;
      }
  }
  return s;
}

std::string in_quotes(const std::string& s) {
  // Long junk (a fuzzer, a pasted paragraph) is cut so the message stays a sentence.
  return "\"" + (s.size() > 40 ? s.substr(0, 37) + "..." : s) + "\"";
}

std::string at(int line) { return "line " + std::to_string(line); }
std::string at(int line, std::size_t column, const std::string& header) {
  return at(line) + ", column " + std::to_string(column + 1) +
         (header.empty() ? "" : " (" + header + ")");
}

/// Counts `delimiter` outside "quotes" and [brackets] (w1[1,2] is one name).
std::size_t count_outside(std::string_view line, char delimiter) {
  std::size_t n = 0;
  bool quote = false;
  int depth = 0;
  for (char c : line) {
    if (c == '"') quote = !quote;
    else if (!quote && c == '[') ++depth;
    else if (!quote && c == ']' && depth > 0) --depth;
    else if (!quote && depth == 0 && c == delimiter) ++n;
  }
  return n;
}

/// The cells of one line, trimmed, split at `delimiter` outside "quotes" ("" is a quote
/// inside one) and [brackets]. A Markdown row (delimiter |) loses its outer pipes.
std::vector<std::string> split_cells(std::string_view line, char delimiter, int line_number) {
  std::string text = trim(line);
  if (delimiter == '|') {
    if (!text.empty() && text.front() == '|') text.erase(0, 1);
    if (!text.empty() && text.back() == '|' && !(text.size() >= 2 && text[text.size() - 2] == '\\'))
      text.pop_back();
  }
  std::vector<std::string> cells;
  std::string cell;
  int depth = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == delimiter && depth == 0)) {
      cells.push_back(trim(cell));
      cell.clear();
      continue;
    }
    const char c = text[i];
    if (c == '"' && trim(cell).empty() && delimiter != '|') {
      // A quoted cell: up to the closing quote; "" stands for one quote.
      std::size_t j = i + 1;
      std::string inside;
      for (;; ++j) {
        if (j >= text.size())
          throw SessionError(at(line_number) + ": a quote (\") is not closed");
        if (text[j] == '"') {
          if (j + 1 < text.size() && text[j + 1] == '"') {
            inside += '"';
            ++j;
          } else {
            break;
          }
        } else {
          inside += text[j];
        }
      }
      cell = inside;
      i = j;
      continue;
    }
    if (delimiter == '|' && c == '\\' && i + 1 < text.size() && text[i + 1] == '|') {
      cell += '|';
      ++i;
      continue;
    }
    if (delimiter != '|' && c == '[') ++depth;
    if (delimiter != '|' && c == ']' && depth > 0) --depth;
    cell += c;
  }
  return cells;
}

/// A number as written: its value, its decimals, and what went wrong if it is not one.
struct NumberText {
  enum class Status { kOk, kEmpty, kDecimalComma, kNotNumber, kTooLarge } status = Status::kOk;
  std::string ascii;  ///< the number in plain ASCII
  double value = kNaN;
  int decimals = 0;
};

/// Reads [+-]digits[.digits][e[+-]digits] (also .5 and 5.), with − (U+2212) for minus and
/// $…$ or **…** around it. `point` is the decimal separator to accept.
bool scan_number(const std::string& s, char point, std::string& ascii, int& decimals) {
  std::size_t i = 0;
  ascii.clear();
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') ascii += '-';
    ++i;
  }
  std::size_t whole = 0, fraction = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ascii += s[i++], ++whole;
  if (i < s.size() && s[i] == point) {
    ascii += '.';
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ascii += s[i++], ++fraction;
  }
  if (whole + fraction == 0) return false;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ascii += 'e';
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      negative = s[i] == '-';
      ascii += s[i++];
    }
    std::size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      exponent = std::min(exponent * 10 + (s[i] - '0'), 100000L);
      ascii += s[i++];
      ++digits;
    }
    if (digits == 0) return false;
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return false;
  decimals = static_cast<int>(std::clamp(static_cast<long>(fraction) - exponent, 0L,
                                         static_cast<long>(kMaxDecimals)));
  return true;
}

NumberText read_number(const std::string& cell) {
  NumberText n;
  std::string s = unwrap(cell);
  replace_all(s, "\xE2\x88\x92", "-");  // − (U+2212), as LaTeX and typeset tables write minus
  if (s.empty()) {
    n.status = NumberText::Status::kEmpty;
    return n;
  }
  if (!scan_number(s, '.', n.ascii, n.decimals)) {
    std::string ignored;
    int d = 0;
    n.status = s.find(',') != std::string::npos && scan_number(s, ',', ignored, d)
                   ? NumberText::Status::kDecimalComma
                   : NumberText::Status::kNotNumber;
    n.ascii = ignored;
    return n;
  }
  n.value = std::strtod(n.ascii.c_str(), nullptr);  // the C locale: the point is '.'
  if (!std::isfinite(n.value)) n.status = NumberText::Status::kTooLarge;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Headers: the many ways people write a column name, folded onto the engine's names.

/// A header folded to compare: LaTeX and Unicode forms to ASCII, no spaces, underscores or
/// braces, lower case. w_{1}, W1 and w₁ all become w1; ∂L/∂w2 becomes dl/dw2.
std::string fold(std::string_view raw) {
  std::string s = unwrap(std::string(raw));
  const std::pair<std::string_view, std::string_view> kReplace[] = {
      {"\\partial", "d"},   {"\xE2\x88\x82", "d"},      // ∂
      {"\\nabla", "@grad"}, {"\xE2\x88\x87", "@grad"},  // ∇
      {"\\hat{y}", "yhat"}, {"\\hat y", "yhat"},  {"\xC5\xB7", "yhat"},  // ŷ
      {"y\xCC\x82", "yhat"},                                              // y + combining ^
      {"\\mathcal{L}", "L"}, {"\xE2\x88\x92", "-"},  {"\xC2\xA0", ""},
      {"\xE2\x82\x80", "0"}, {"\xE2\x82\x81", "1"}, {"\xE2\x82\x82", "2"}, {"\xE2\x82\x83", "3"},
      {"\xE2\x82\x84", "4"}, {"\xE2\x82\x85", "5"}, {"\xE2\x82\x86", "6"}, {"\xE2\x82\x87", "7"},
      {"\xE2\x82\x88", "8"}, {"\xE2\x82\x89", "9"}};
  for (const auto& [from, to] : kReplace) replace_all(s, from, to);
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '_' && c != '{' && c != '}' && c != '\\' && c != '$' &&
        c != '*' && c != '`')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Our own LaTeX export writes the sample as ^{(s=2)}; the names write @2.
  for (std::size_t p = out.find("^(s="); p != std::string::npos; p = out.find("^(s=")) {
    const std::size_t close = out.find(')', p);
    if (close == std::string::npos) break;
    out = out.substr(0, p) + "@" + out.substr(p + 4, close - p - 4) + out.substr(close + 1);
  }
  return out;
}

/// The folded engine names a folded header stands for: usually one; two for ∇L(w/b1).
std::vector<std::string> resolve(const std::string& h, int layers) {
  for (const char* step : {"step", "steps", "k", "#"})
    if (h == step) return {"step"};
  if (h == "l" || h == "loss") return {"l"};
  if (h.rfind("yhat", 0) == 0) return {"y" + std::to_string(layers) + h.substr(4)};
  // Gradients: ∇L(w2), ∇L w2, grad w2, grad(w2), dL/dw2, dL_dw2, dw2 all name dL/dw2.
  std::string x;
  const auto strip = [&](std::string_view prefix, bool parenthesised) {
    if (h.rfind(prefix, 0) != 0) return false;
    std::string rest = h.substr(prefix.size());
    if (parenthesised) {
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return false;
      rest = rest.substr(1, rest.size() - 2);
    }
    x = rest;
    return true;
  };
  const bool gradient = strip("@gradl", true) || strip("@gradl", false) ||
                        strip("@grad", true) || strip("@grad", false) || strip("grad", true) ||
                        strip("grad", false) || strip("dl/d", false) || strip("dld", false) ||
                        strip("d", false);
  if (gradient && !x.empty() && (x[0] == 'w' || x[0] == 'b')) {
    // One column for both: ∇L(w/b1), dL/dw/b1, ∇L(w1/b1) (the slide's, as x = 1 there).
    if (x.rfind("w/b", 0) == 0) return {"dl/dw" + x.substr(3), "dl/db" + x.substr(3)};
    const std::size_t slash = x.find("/b");
    if (x[0] == 'w' && slash != std::string::npos && x.substr(1, slash - 1) == x.substr(slash + 2))
      return {"dl/d" + x.substr(0, slash), "dl/db" + x.substr(slash + 2)};
    return {"dl/d" + x};
  }
  return {h};
}

std::string name_list(const std::vector<Column>& columns) {
  std::string list;
  std::size_t shown = 0;
  for (const auto& c : columns) {
    if (c.kind == Kind::kStep) continue;
    if (shown == 16) return list + ", …";
    list += (shown++ ? ", " : "") + c.name;
  }
  return list;
}

bool is_comment(const std::string& trimmed) {
  if (trimmed.empty() || trimmed[0] != '#') return false;
  const std::size_t end = trimmed.find_first_of(",;\t|");
  return trim(std::string_view(trimmed).substr(0, end)) != "#";  // "#,w1,…" is a header
}

}  // namespace

// ---------------------------------------------------------------------------------------------

CheckMode parse_check_mode(const std::string& text, const std::string& field) {
  if (text == "start") return CheckMode::kStart;
  if (text == "step") return CheckMode::kStep;
  throw SessionError(field + ": expected start or step, got \"" + text + "\"");
}

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kCorrect: return "correct";
    case Verdict::kRounding: return "rounding";
    case Verdict::kWrong: return "wrong";
  }
  return "";
}

AnswerCell read_answer_number(std::string_view text, const std::string& where) {
  const std::string cell(text);
  const NumberText n = read_number(cell);
  switch (n.status) {
    case NumberText::Status::kOk: return {n.ascii, n.value, n.decimals};
    case NumberText::Status::kEmpty: throw SessionError(where + ": empty (expected a number)");
    case NumberText::Status::kDecimalComma:
      throw SessionError(where + ": " + in_quotes(cell) + " has a decimal comma; use a decimal point (" +
                         n.ascii + ")");
    case NumberText::Status::kTooLarge:
      throw SessionError(where + ": " + in_quotes(cell) + " is too large for a number");
    case NumberText::Status::kNotNumber: break;
  }
  throw SessionError(where + ": expected a number, got " + in_quotes(cell));
}

void require_gradient_descent(const Session& session, const std::string& who) {
  const std::string what = who == "tutor" ? "the tutor" : "the checker";
  const std::string knows = who + ": " + what +
                            " knows plain gradient descent (sgd on every sample) with the loss half_sse "
                            "or mse; this session's ";
  const OptimizerSettings& o = session.optimizer;
  if (o.kind != keras::OptimizerKind::kSgd)
    throw SessionError(knows + "optimizer.name is " + keras::optimizer_name(o.kind));
  if (o.mini_batch(session.batch.samples()))
    throw SessionError(knows + "optimizer.batch_size is " + std::to_string(o.batch_size) + " (of " +
                       std::to_string(session.batch.samples()) + " samples)");
  if (session.loss.name != "half_sse" && session.loss.name != "mse")
    throw SessionError(knows + "loss is " + session.loss.name);
}

Answer parse_answer(const Session& session, std::string_view text) {
  require_gradient_descent(session, "check");
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  const std::vector<Column> table = table_columns(session.network, session.batch.samples());
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < table.size(); ++i) by_name[fold(table[i].name)] = i;
  const int layers = static_cast<int>(session.network.layers.size());

  Answer answer;
  char delimiter = ',';
  bool markdown = false, header_done = false, separator_allowed = false, table_ended = false;
  int header_line = 0;
  std::size_t step_cell = 0, numbers = 0;
  std::vector<bool> used(table.size(), false);
  std::vector<std::size_t> first_at(table.size(), 0);

  std::size_t start = 0;
  int line_number = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const std::string line = trim(raw);
    if (line.empty()) {
      if (markdown && header_done) table_ended = true;
      if (end == text.size()) break;
      continue;
    }
    if (!header_done) {
      if (is_comment(line)) continue;
      markdown = line.front() == '|';
      if (markdown) {
        delimiter = '|';
      } else {
        std::size_t best = 0;
        for (char d : {',', ';', '\t'}) {
          const std::size_t n = count_outside(line, d);
          if (n > best || (n == best && n > 0 && d != ',')) best = n, delimiter = d;
        }
      }
      header_line = line_number;
      const std::vector<std::string> headers = split_cells(line, delimiter, line_number);
      bool has_step = false;
      for (std::size_t c = 0; c < headers.size(); ++c) {
        AnswerColumn column;
        column.header = headers[c];
        if (column.header.empty())
          throw SessionError(at(line_number, c, "") + ": empty column name");
        for (const std::string& name : resolve(fold(column.header), layers)) {
          const auto found = by_name.find(name);
          if (found == by_name.end())
            throw SessionError(at(line_number, c, "") + ": unknown column " +
                               in_quotes(column.header) + " (expected step or one of " +
                               name_list(table) + "; docs/check.md lists the spellings)");
          const std::size_t i = found->second;
          if (used[i])
            throw SessionError(at(line_number, c, "") + ": " + in_quotes(column.header) + " is " +
                               table[i].name + " again (column " +
                               std::to_string(first_at[i] + 1) + ")");
          used[i] = true;
          first_at[i] = c;
          if (table[i].kind == Kind::kStep) {
            has_step = true;
            step_cell = c;
          } else {
            column.columns.push_back(i);
          }
        }
        answer.columns.push_back(std::move(column));
      }
      if (!has_step)
        throw SessionError(at(line_number) + ": no step column (name one step, k or #)");
      if (answer.columns.size() < 2)
        throw SessionError(at(line_number) + ": no column to check (expected some of " +
                           name_list(table) + ")");
      header_done = true;
      separator_allowed = markdown;
      if (end == text.size()) break;
      continue;
    }
    if (markdown && (line.front() != '|' || table_ended))
      throw SessionError(at(line_number) + ": expected a Markdown table row starting with |" +
                         (table_ended ? " (the table ended at the blank line before)" : ""));
    if (!markdown && is_comment(line)) {
      if (end == text.size()) break;
      continue;
    }
    std::vector<std::string> cells = split_cells(line, delimiter, line_number);
    if (separator_allowed) {
      separator_allowed = false;
      const bool separator = std::all_of(cells.begin(), cells.end(), [](const std::string& c) {
        return !c.empty() && c.find_first_not_of(":-") == std::string::npos &&
               c.find('-') != std::string::npos;
      });
      if (separator) {
        if (end == text.size()) break;
        continue;
      }
    }
    if (cells.size() != answer.columns.size())
      throw SessionError(
          at(line_number) + ": expected " + std::to_string(answer.columns.size()) +
          " cells like the header (line " + std::to_string(header_line) + "), got " +
          std::to_string(cells.size()) +
          (cells.size() > answer.columns.size() && delimiter == ','
               ? " (decimal commas? write 0.5, not 0,5)"
               : ""));
    if (answer.rows.size() == static_cast<std::size_t>(kMaxAnswerRows))
      throw SessionError(at(line_number) + ": more than " + std::to_string(kMaxAnswerRows) +
                         " rows (the checker reads at most " + std::to_string(kMaxAnswerRows) +
                         " steps)");
    AnswerRow row;
    row.line = line_number;
    numbers += cells.size();
    if (numbers > static_cast<std::size_t>(kMaxAnswerNumbers))
      throw SessionError(at(line_number) + ": more than " + std::to_string(kMaxAnswerNumbers) +
                         " numbers (the checker reads at most " + std::to_string(kMaxAnswerNumbers) + ")");
    const int step = static_cast<int>(answer.rows.size()) + 1;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string& header = answer.columns[c].header;
      const NumberText n = read_number(cells[c]);
      if (c == step_cell) {
        if (n.status != NumberText::Status::kOk || n.ascii != std::to_string(step))
          throw SessionError(at(line_number, c, header) + ": expected step " +
                             std::to_string(step) + (step == 1 ? " (the first)" : " (the next one)") +
                             ", got " + (cells[c].empty() ? "an empty cell" : in_quotes(cells[c])));
        row.cells.push_back({n.ascii, static_cast<double>(step), 0});
        continue;
      }
      if (n.status == NumberText::Status::kEmpty) {
        row.cells.push_back({"", kNaN, 0});
        continue;
      }
      AnswerCell cell = read_answer_number(cells[c], at(line_number, c, header));
      answer.columns[c].decimals = std::max(answer.columns[c].decimals, cell.decimals);
      row.cells.push_back(std::move(cell));
    }
    answer.rows.push_back(std::move(row));
    if (end == text.size()) break;
  }
  if (!header_done)
    throw SessionError(
        "answer: the text is empty (expected a header row such as step,w1,b1,… and one row per "
        "step)");
  if (answer.rows.empty())
    throw SessionError("answer: a header row (line " + std::to_string(header_line) +
                       ") but no rows of numbers");
  return answer;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Checking: every quantity of a row recomputed twice, exactly (the engine's run) and from the
// student's own numbers (their previous row's parameters and gradients, this row's z and y),
// with how far rounding of those numbers can move it.

/// A slip's address: (row − 1)·columns + column; −1 for none. Earlier rows come first.
using Origin = std::int64_t;
using Origins = Eigen::Matrix<Origin, Eigen::Dynamic, Eigen::Dynamic>;

Origin earlier(Origin a, Origin b) { return a < 0 ? b : b < 0 ? a : std::min(a, b); }

double unit(int decimals) { return std::pow(10.0, -decimals); }

/// How far a number with `decimals` decimals may be off and still count as rounding: 2 units of
/// its last decimal, but no more than 0.02 (a number written to 0 or 1 decimals gets the band of
/// 2 decimals, not ±2 or ±0.2); plus a hair for binary fractions.
double band(int decimals) { return 2 * unit(std::max(decimals, 2)) * (1 + 1e-9); }

/// Equal when both are rounded to `decimals` (as printed, so −0.0000 equals 0.0000).
bool same_at(double a, double b, int decimals) { return fixed(a, decimals) == fixed(b, decimals); }

std::string decimals_text(int d) { return std::to_string(d) + (d == 1 ? " decimal" : " decimals"); }

std::string short_number(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

/// Where each quantity of the network sits among the table's columns.
struct Layout {
  std::vector<Eigen::MatrixXi> W, Z, Y, dW;  ///< per layer: units × inputs, units × samples
  std::vector<Eigen::VectorXi> b, db;
  int L = 0;
};

Layout layout_of(const std::vector<Column>& columns, const Network& net, int samples) {
  Layout at;
  for (const auto& layer : net.layers) {
    at.W.emplace_back(layer.units(), layer.inputs());
    at.dW.emplace_back(layer.units(), layer.inputs());
    at.b.emplace_back(layer.units());
    at.db.emplace_back(layer.units());
    at.Z.emplace_back(layer.units(), samples);
    at.Y.emplace_back(layer.units(), samples);
  }
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const Column& col = columns[c];
    const int l = col.layer - 1, j = col.unit - 1, i = col.input - 1, s = col.sample - 1;
    const int n = static_cast<int>(c);
    switch (col.kind) {
      case Kind::kStep: break;
      case Kind::kLoss: at.L = n; break;
      case Kind::kW: at.W[l](j, i) = n; break;
      case Kind::kB: at.b[l](j) = n; break;
      case Kind::kZ: at.Z[l](j, s) = n; break;
      case Kind::kY: at.Y[l](j, s) = n; break;
      case Kind::kDW: at.dW[l](j, i) = n; break;
      case Kind::kDB: at.db[l](j) = n; break;
      case Kind::kState: case Kind::kBatch: break;  // never: the checker refuses such sessions
    }
  }
  return at;
}

/// The activation's symbol in formulas: σ, tanh, relu, lrelu, elu.
std::string symbol(const Activation& f) {
  if (f.name == "sigmoid") return "σ";
  if (f.name == "leaky_relu") return "lrelu";
  return f.name;
}

/// The lecture's forms of f'(z) in terms of y = f(z) or z.
std::string derivative_text(const Activation& f, const std::string& y, const std::string& z) {
  if (f.name == "sigmoid") return "(1 − " + y + ")" + y;
  if (f.name == "tanh") return "1 − " + y + "²";
  if (f.name == "relu") return "1 if " + z + " > 0, else 0";
  if (f.name == "leaky_relu") return "1 if " + z + " > 0, else " + short_number(f.alpha);
  if (f.name == "elu") return "1 if " + z + " ≥ 0, else " + short_number(f.alpha) + "·e^" + z;
  // Every other row says its own f′ (softplus σ(z), swish y + σ(z)(1 − y), linear 1).
  const std::string alpha = short_number(f.alpha);
  return f.info().text_derivative(Operands{z, y, alpha, z, y, alpha});
}

/// f'(z, y) reads y for σ and tanh (σ' = σ(1 − σ)), z for the rest, nothing for linear.
bool derivative_reads_y(const Activation& f) { return f.name == "sigmoid" || f.name == "tanh"; }
bool derivative_reads_z(const Activation& f) { return !derivative_reads_y(f) && f.name != "linear"; }

/// The equations module's LaTeX in plain text: (y_{2} - y) \cdot w_{2} → (y2 − y)·w2.
std::string plain(std::string s) {
  replace_all(s, "\\frac{1}{S}\\sum_{s=1}^{S} ", "(1/S)Σ_s ");
  for (std::size_t p = s.find("\\frac{"); p != std::string::npos; p = s.find("\\frac{")) {
    const std::size_t a = s.find('}', p), b = a == std::string::npos ? a : s.find('}', a + 2);
    if (b == std::string::npos) break;
    s = s.substr(0, p) + s.substr(p + 6, a - p - 6) + "/" + s.substr(a + 2, b - a - 2) + s.substr(b + 1);
  }
  const std::pair<std::string_view, std::string_view> kReplace[] = {
      {" \\cdot ", "·"},     {"\\cdot ", "·"},          {"\\delta", "δ"},  {"\\left(", "("},
      {"\\right)", ")"},     {"\\,", "·"},               {"\\mathbb{1}[", "1["},
      {"\\mathrm{lrelu}'", "lrelu′"}, {"\\mathrm{elu}'", "elu′"}, {"^{2}", "²"}, {" - ", " − "}};
  for (const auto& [from, to] : kReplace) replace_all(s, from, to);
  for (std::size_t p = s.find("_{"); p != std::string::npos; p = s.find("_{")) {
    const std::size_t close = s.find('}', p);
    if (close == std::string::npos) break;
    s = s.substr(0, p) + s.substr(p + 2, close - p - 2) + s.substr(close + 1);
  }
  return s;
}

/// How one given number compares, from the start values and from the student's own numbers.
struct Judgement {
  enum class Basis { kExact, kOwn, kBand, kIntermediates, kNone };
  Verdict start = Verdict::kWrong, step = Verdict::kWrong;
  Basis start_basis = Basis::kNone, step_basis = Basis::kNone;
};

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

/// A slip that may explain a wrong number: what the number would be, and the sentence.
struct Candidate {
  std::string id;
  double value;
  std::string sentence;
};

/// The chain rule with one known slip in it (values only).
struct ChainSlip {
  int activation_for_derivative = 0;  ///< layer whose f'(z) is replaced by y = f(z)
  int no_derivative = 0;              ///< layer whose f'(z) is left out
  int no_weights = 0;                 ///< layer whose weights are left out of the chain
  bool z_input = false;               ///< ∂L/∂w = δ·z of the layer below instead of δ·y
  bool operator<(const ChainSlip& o) const {
    return std::tie(activation_for_derivative, no_derivative, no_weights, z_input) <
           std::tie(o.activation_for_derivative, o.no_derivative, o.no_weights, o.z_input);
  }
};

class Checker {
 public:
  Checker(const Session& session, const Answer& answer, CheckMode mode)
      : s_(session), answer_(answer), mode_(mode), net_(session.network),
        samples_(session.batch.samples()), layers_(static_cast<int>(net_.layers.size())),
        columns_(table_columns(net_, samples_)), C_(columns_.size()),
        at_(layout_of(columns_, net_, samples_)) {
    Session exact = session;
    const auto rows = static_cast<long long>(answer.rows.size());
    try {
      set_steps(exact, rows, "steps");
    } catch (const SessionError& e) {
      throw SessionError("answer: " + std::to_string(rows) +
                         " rows are more steps than this session allows (" + e.what() + ")");
    }
    trace_ = run(exact);
    for (auto* v : {&given_, &exact_, &own_, &radius_, &used_, &used_radius_, &prev_used_,
                    &prev_radius_, &prev_given_})
      v->assign(C_, kNaN);
    for (auto* v : {&inherited_, &origin_, &prev_origin_}) v->assign(C_, -1);
    decimals_.assign(C_, 0);
    judged_.resize(C_);
    is_parameter_.assign(C_, false);
    for (std::size_t c = 0; c < C_; ++c)
      is_parameter_[c] = columns_[c].kind == Kind::kW || columns_[c].kind == Kind::kB;
    in_answer_.assign(C_, false);
    for (const auto& a : answer.columns)
      for (std::size_t c : a.columns) in_answer_[c] = true;
    for (std::size_t c = 0; c < C_; ++c)
      if (columns_[c].kind == Kind::kDW || columns_[c].kind == Kind::kDB)
        gradients_of_unit_[{columns_[c].layer, columns_[c].unit}].push_back(c);
  }

  CheckReport check() {
    CheckReport report;
    report.mode = mode_;
    for (std::size_t k = 1; k <= answer_.rows.size(); ++k) {
      load(static_cast<int>(k));
      parameters(static_cast<int>(k));
      forward();
      backward();
      emit(static_cast<int>(k), report);
      prev_used_.swap(used_);
      prev_radius_.swap(used_radius_);
      prev_origin_.swap(origin_);
      prev_given_.swap(given_);
    }
    summarise(report);
    return report;
  }

 private:
  // ---- one row ----

  void load(int k) {
    std::fill(given_.begin(), given_.end(), kNaN);
    const AnswerRow& row = answer_.rows[static_cast<std::size_t>(k - 1)];
    for (std::size_t a = 0; a < answer_.columns.size(); ++a)
      for (std::size_t c : answer_.columns[a].columns)
        given_[c] = row.cells[a].value, decimals_[c] = row.cells[a].decimals;
    const bool computed = static_cast<std::size_t>(k) <= trace_.steps.size();
    for (std::size_t c = 1; c < C_; ++c)
      exact_[c] = computed ? column_value(columns_[c], trace_.steps[static_cast<std::size_t>(k - 1)]) : kNaN;
    row_ = k;
    mats_.reset();
    after_.reset();
    chains_.clear();
  }

  Origin id(std::size_t c) const { return static_cast<Origin>(row_ - 1) * static_cast<Origin>(C_) + static_cast<Origin>(c); }

  /// Records column c's value from the student's own numbers (`own`, ± `radius`, inheriting
  /// the slip `inherited`), judges the given number, and decides what later cells build on:
  /// the given number if there is one; else, for a parameter, the exact value (step mode needs
  /// the student's parameters; without them it assumes the exact ones); else `own`.
  void settle(std::size_t c, double own, double radius, Origin inherited) {
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

  Eigen::MatrixXd gather(const std::vector<double>& v, const Eigen::MatrixXi& where) const {
    return where.unaryExpr([&](int c) { return v[static_cast<std::size_t>(c)]; });
  }
  Eigen::VectorXd gather(const std::vector<double>& v, const Eigen::VectorXi& where) const {
    return where.unaryExpr([&](int c) { return v[static_cast<std::size_t>(c)]; });
  }
  Origin origin(int c) const { return origin_[static_cast<std::size_t>(c)]; }

  /// Row k's parameters: the session's start values in row 1, then the previous row's
  /// w − η·∂L/∂w (w ← w − η·∂L/∂w).
  void parameters(int k) {
    const double eta = s_.optimizer.learning_rate;
    const auto one = [&](int c, int g, double start) {
      const auto uc = static_cast<std::size_t>(c), ug = static_cast<std::size_t>(g);
      if (k == 1) return settle(uc, start, 0, -1);
      settle(uc, prev_used_[uc] - eta * prev_used_[ug], prev_radius_[uc] + eta * prev_radius_[ug],
             earlier(prev_origin_[uc], prev_origin_[ug]));
    };
    for (int l = 0; l < layers_; ++l) {
      const Layer& layer = net_.layers[static_cast<std::size_t>(l)];
      for (int j = 0; j < layer.units(); ++j) {
        for (int i = 0; i < layer.inputs(); ++i)
          one(at_.W[static_cast<std::size_t>(l)](j, i), at_.dW[static_cast<std::size_t>(l)](j, i), layer.W(j, i));
        one(at_.b[static_cast<std::size_t>(l)](j), at_.db[static_cast<std::size_t>(l)](j), layer.b(j));
      }
    }
  }

  /// The input of layer l (0-based) as the student has it: x, or the layer below's y.
  void input_of(int l, Eigen::MatrixXd& A, Eigen::MatrixXd& rA) const {
    if (l == 0) {
      A = s_.batch.X;
      rA = Eigen::MatrixXd::Zero(A.rows(), A.cols());
    } else {
      A = gather(used_, at_.Y[static_cast<std::size_t>(l - 1)]);
      rA = gather(used_radius_, at_.Y[static_cast<std::size_t>(l - 1)]);
    }
  }
  Origin input_origin(int l, int i, int s) const {
    return l == 0 ? -1 : origin(at_.Y[static_cast<std::size_t>(l - 1)](i, s));
  }

  /// z = W·a + b, then y = f(z), then L, each from the student's own numbers where given.
  /// The radius of a result bounds how far rounding its inputs can move it (to first order:
  /// |a|·r_b + |b|·r_a + r_a·r_b for a product; f at z ± r for an activation).
  void forward() {
    for (int l = 0; l < layers_; ++l) {
      const auto ul = static_cast<std::size_t>(l);
      const Layer& layer = net_.layers[ul];
      const Eigen::MatrixXd W = gather(used_, at_.W[ul]), rW = gather(used_radius_, at_.W[ul]);
      const Eigen::VectorXd b = gather(used_, at_.b[ul]), rb = gather(used_radius_, at_.b[ul]);
      Eigen::MatrixXd A, rA;
      input_of(l, A, rA);
      Eigen::MatrixXd Z = W * A;
      Z.colwise() += b;
      Eigen::MatrixXd rZ = W.cwiseAbs() * rA + rW * A.cwiseAbs() + rW * rA;
      rZ.colwise() += rb;
      for (int j = 0; j < layer.units(); ++j)
        for (int s = 0; s < samples_; ++s) {
          Origin o = origin(at_.b[ul](j));
          for (int i = 0; i < layer.inputs(); ++i)
            o = earlier(o, earlier(origin(at_.W[ul](j, i)), input_origin(l, i, s)));
          settle(static_cast<std::size_t>(at_.Z[ul](j, s)), Z(j, s), rZ(j, s), o);
        }
      for (int j = 0; j < layer.units(); ++j)
        for (int s = 0; s < samples_; ++s) {
          const auto c = static_cast<std::size_t>(at_.Z[ul](j, s));
          const double z = used_[c], r = used_radius_[c], y = layer.f(z);
          const double ry = std::max(std::fabs(layer.f(z + r) - y), std::fabs(layer.f(z - r) - y));
          settle(static_cast<std::size_t>(at_.Y[ul](j, s)), y, ry, origin_[c]);
        }
    }
    const auto last = static_cast<std::size_t>(layers_ - 1);
    const Eigen::MatrixXd Y = gather(used_, at_.Y[last]), rY = gather(used_radius_, at_.Y[last]);
    Eigen::MatrixXd G;
    s_.loss.mean_gradient(Y, s_.batch.Y, G);
    Origin o = -1;
    for (Eigen::Index i = 0; i < at_.Y[last].size(); ++i) o = earlier(o, origin(at_.Y[last](i)));
    settle(static_cast<std::size_t>(at_.L), s_.loss.mean(Y, s_.batch.Y),
           G.cwiseAbs().cwiseProduct(rY).sum() + rY.squaredNorm(), o);
  }

  /// δ = ∂L/∂z layer by layer from the student's y, z and w, then ∂L/∂W = δ·aᵀ, ∂L/∂b = Σ_s δ.
  void backward() {
    const auto last = static_cast<std::size_t>(layers_ - 1);
    const Eigen::MatrixXd YL = gather(used_, at_.Y[last]), rYL = gather(used_radius_, at_.Y[last]);
    Eigen::MatrixXd G, Gp, Gm;
    s_.loss.mean_gradient(YL, s_.batch.Y, G);  // ∂L/∂ŷ
    s_.loss.mean_gradient(YL + rYL, s_.batch.Y, Gp);
    s_.loss.mean_gradient(YL - rYL, s_.batch.Y, Gm);
    Eigen::MatrixXd D, rD;
    Origins oD;
    for (int l = layers_ - 1; l >= 0; --l) {
      const auto ul = static_cast<std::size_t>(l);
      const Layer& layer = net_.layers[ul];
      const int units = layer.units();
      Eigen::MatrixXd Up, rUp;
      Origins oUp(units, samples_);
      if (l == layers_ - 1) {
        Up = G;
        rUp = (Gp - G).cwiseAbs().cwiseMax((Gm - G).cwiseAbs());
        for (int j = 0; j < units; ++j)
          for (int s = 0; s < samples_; ++s) oUp(j, s) = origin(at_.Y[ul](j, s));
      } else {
        const Eigen::MatrixXd W = gather(used_, at_.W[ul + 1]), rW = gather(used_radius_, at_.W[ul + 1]);
        Up = W.transpose() * D;  // ∂L/∂y = Wᵀ·δ of the layer above
        rUp = W.cwiseAbs().transpose() * rD + rW.transpose() * D.cwiseAbs() + rW.transpose() * rD;
        for (int j = 0; j < units; ++j)
          for (int s = 0; s < samples_; ++s) {
            Origin o = -1;
            for (Eigen::Index k = 0; k < W.rows(); ++k)
              o = earlier(o, earlier(origin(at_.W[ul + 1](static_cast<int>(k), j)), oD(k, s)));
            oUp(j, s) = o;
          }
      }
      Eigen::MatrixXd F(units, samples_), rF(units, samples_);
      Origins oF(units, samples_);
      for (int j = 0; j < units; ++j)
        for (int s = 0; s < samples_; ++s) {
          const auto cz = static_cast<std::size_t>(at_.Z[ul](j, s));
          const auto cy = static_cast<std::size_t>(at_.Y[ul](j, s));
          const double z = used_[cz], y = used_[cy], rz = used_radius_[cz], ry = used_radius_[cy];
          const double f = layer.f.derivative(z, y);  // the lecture's f'(z), e.g. (1 − y)y
          F(j, s) = f;
          rF(j, s) = std::max({std::fabs(layer.f.derivative(z + rz, y) - f),
                               std::fabs(layer.f.derivative(z - rz, y) - f),
                               std::fabs(layer.f.derivative(z, y + ry) - f),
                               std::fabs(layer.f.derivative(z, y - ry) - f)});
          oF(j, s) = earlier(derivative_reads_z(layer.f) ? origin_[cz] : -1,
                             derivative_reads_y(layer.f) ? origin_[cy] : -1);
        }
      rD = Up.cwiseAbs().cwiseProduct(rF) + rUp.cwiseProduct(F.cwiseAbs()) + rUp.cwiseProduct(rF);
      D = Up.cwiseProduct(F);  // δ = ∂L/∂y ⊙ f'(z)
      oD.resize(units, samples_);
      for (int j = 0; j < units; ++j)
        for (int s = 0; s < samples_; ++s) oD(j, s) = earlier(oUp(j, s), oF(j, s));
      Eigen::MatrixXd A, rA;
      input_of(l, A, rA);
      const Eigen::MatrixXd dW = D * A.transpose();
      const Eigen::MatrixXd rdW = D.cwiseAbs() * rA.transpose() + rD * A.cwiseAbs().transpose() + rD * rA.transpose();
      const Eigen::VectorXd db = D.rowwise().sum(), rdb = rD.rowwise().sum();
      for (int j = 0; j < units; ++j) {
        Origin ob = -1;
        for (int s = 0; s < samples_; ++s) ob = earlier(ob, oD(j, s));
        for (int i = 0; i < layer.inputs(); ++i) {
          Origin o = ob;
          for (int s = 0; s < samples_; ++s) o = earlier(o, input_origin(l, i, s));
          settle(static_cast<std::size_t>(at_.dW[ul](j, i)), dW(j, i), rdW(j, i), o);
        }
        settle(static_cast<std::size_t>(at_.db[ul](j)), db(j), rdb(j), ob);
      }
    }
  }

  // ---- slips ----

  /// The row's numbers as the student has them (given, else as computed), as matrices.
  struct Mats {
    std::vector<Eigen::MatrixXd> W, Z, Y;
    std::vector<Eigen::VectorXd> b;
  };
  const Mats& mats() {
    if (!mats_) {
      Mats m;
      for (std::size_t l = 0; l < net_.layers.size(); ++l) {
        m.W.push_back(gather(used_, at_.W[l]));
        m.b.push_back(gather(used_, at_.b[l]));
        m.Z.push_back(gather(used_, at_.Z[l]));
        m.Y.push_back(gather(used_, at_.Y[l]));
      }
      mats_ = std::move(m);
    }
    return *mats_;
  }
  const Eigen::MatrixXd& input(int l) {  // l is 1-based: x for layer 1
    return l == 1 ? s_.batch.X : mats().Y[static_cast<std::size_t>(l - 2)];
  }

  /// The row recomputed (by the engine) from the parameters after this row's update: what a
  /// student gets who updates first and computes after.
  const Pass& after_update() {
    if (!after_) {
      Network net = net_;
      const double eta = s_.optimizer.learning_rate;
      for (std::size_t l = 0; l < net.layers.size(); ++l) {
        net.layers[l].W = gather(used_, at_.W[l]) - eta * gather(used_, at_.dW[l]);
        net.layers[l].b = gather(used_, at_.b[l]) - eta * gather(used_, at_.db[l]);
      }
      Pass pass;
      nntutor::forward(net, s_.batch, s_.loss, pass);
      nntutor::backward(net, s_.batch, s_.loss, pass);
      after_ = std::move(pass);
    }
    return *after_;
  }

  /// ∂L/∂W and ∂L/∂b of layer `layer` (1-based) from the row's own numbers, with one slip.
  const std::pair<Eigen::MatrixXd, Eigen::VectorXd>& chain(const ChainSlip& slip, int layer) {
    const auto key = std::make_pair(slip, layer);
    const auto found = chains_.find(key);
    if (found != chains_.end()) return found->second;
    const Mats& m = mats();
    Eigen::MatrixXd G, D;
    s_.loss.mean_gradient(m.Y.back(), s_.batch.Y, G);
    for (int l = layers_; l >= layer; --l) {
      const auto ul = static_cast<std::size_t>(l - 1);
      const Activation& f = net_.layers[ul].f;
      Eigen::MatrixXd Up;
      if (l == layers_) Up = G;
      else if (slip.no_weights == l + 1) Up = Eigen::MatrixXd::Ones(m.W[ul + 1].rows(), m.W[ul + 1].cols()).transpose() * D;
      else Up = m.W[ul + 1].transpose() * D;
      Eigen::MatrixXd F(Up.rows(), Up.cols());
      for (Eigen::Index j = 0; j < F.rows(); ++j)
        for (Eigen::Index s = 0; s < F.cols(); ++s)
          F(j, s) = slip.activation_for_derivative == l ? m.Y[ul](j, s)
                    : slip.no_derivative == l           ? 1.0
                                                        : f.derivative(m.Z[ul](j, s), m.Y[ul](j, s));
      D = Up.cwiseProduct(F);
    }
    const Eigen::MatrixXd& A = slip.z_input && layer > 1 ? m.Z[static_cast<std::size_t>(layer - 2)] : input(layer);
    return chains_[key] = {D * A.transpose(), D.rowwise().sum()};
  }

  std::string name(Kind kind, int l, int j, int i = 0, int s = 0) const {
    return quantity_name(kind, net_, samples_, l, j, i, s);
  }
  /// y of layer l (x for l = 0) for unit j, sample s (1-based).
  std::string y_name(int l, int j, int s) const {
    if (l > 0) return name(Kind::kY, l, j, 0, s);
    return (net_.inputs() == 1 ? std::string("x") : "x[" + std::to_string(j) + "]") +
           (samples_ > 1 ? "@" + std::to_string(s) : "");
  }
  /// Layer l's symbol for a sentence: y2 where the layer has one unit, else "layer 2's y".
  std::string layer_symbol(char what, int l) const {
    const int units = net_.layers[static_cast<std::size_t>(l - 1)].units();
    return units == 1 ? std::string(1, what) + std::to_string(l)
                      : std::string("layer ") + std::to_string(l) + "'s " + what;
  }

  /// The known slips for column c in this row, most specific first. Each is a number the
  /// student would have written with that slip, and a sentence for the student. To add a slip,
  /// add a line here and a row to docs/check.md.
  std::vector<Candidate> candidates(std::size_t c) {
    const Column& col = columns_[c];
    const int l = col.layer, j = col.unit, i = col.input, s = col.sample;
    const double eta = s_.optimizer.learning_rate;
    const int S = samples_;
    std::vector<Candidate> out;
    const auto add = [&](const char* id, double value, std::string sentence) {
      out.push_back({id, value, std::move(sentence)});
    };
    const Mats& m = mats();
    const auto ul = static_cast<std::size_t>(l > 0 ? l - 1 : 0);
    const int J = j - 1, I = i - 1, Sm = s - 1;
    switch (col.kind) {
      case Kind::kW:
      case Kind::kB: {
        const bool w = col.kind == Kind::kW;
        const int g = w ? at_.dW[ul](J, I) : at_.db[ul](J);
        const std::string p = col.name, dp = columns_[static_cast<std::size_t>(g)].name;
        if (row_ > 1) {
          const double before = prev_used_[c], grad = prev_used_[static_cast<std::size_t>(g)];
          add("update-sign", before + eta * grad,
              "The update has the wrong sign: " + p + " + η·" + dp + " instead of " + p + " − η·" + dp + ".");
          add("no-learning-rate", before - grad,
              "η is missing from the update: " + p + " − " + dp + " instead of " + p + " − η·" + dp + ".");
          add("learning-rate-twice", before - eta * eta * grad,
              "η is applied twice: " + p + " − η²·" + dp + " instead of " + p + " − η·" + dp + ".");
          add("no-update", before, p + " is copied from the row above: the update " + p + " − η·" + dp + " is missing.");
          // Updated with another gradient of the same unit (dL/db1 for w1, …).
          const Layer& layer = net_.layers[ul];
          for (int k = 0; k <= layer.inputs(); ++k) {
            const int other = k < layer.inputs() ? at_.dW[ul](J, k) : at_.db[ul](J);
            if (other == g) continue;
            add("other-gradient", before - eta * prev_used_[static_cast<std::size_t>(other)],
                p + " was updated with " + columns_[static_cast<std::size_t>(other)].name + " instead of " + dp + ".");
          }
        }
        add("after-update", own_[c] - eta * used_[static_cast<std::size_t>(g)],
            "This is " + p + " after this step's update; each row shows the parameters before it.");
        break;
      }
      case Kind::kZ: {
        const Eigen::MatrixXd& A = input(l);
        double wa = 0, wz = 0;
        for (Eigen::Index k = 0; k < A.rows(); ++k) {
          wa += m.W[ul](J, k) * A(k, Sm);
          if (l > 1) wz += m.W[ul](J, k) * m.Z[ul - 1](k, Sm);
        }
        add("no-bias", wa, "The bias " + name(Kind::kB, l, j) + " is missing from " + col.name + ".");
        if (l > 1) {
          const Activation& below = net_.layers[ul - 1].f;
          add("z-for-y", wz + m.b[ul](J),
              layer_symbol('z', l - 1) + " was used where " + layer_symbol('y', l - 1) + " = " +
                  symbol(below) + "(" + layer_symbol('z', l - 1) + ") belongs.");
        }
        add("after-update", after_update().Z[ul](J, Sm),
            col.name + " was computed with the parameters after this step's update; each row uses the parameters before it.");
        break;
      }
      case Kind::kY: {
        const Activation& f = net_.layers[ul].f;
        const double z = m.Z[ul](J, Sm);
        const std::string zn = name(Kind::kZ, l, j, 0, s), fs = symbol(f);
        if (f.name != "linear") {
          add("no-activation", z, "The activation is missing: " + col.name + " = " + zn + " instead of " + fs + "(" + zn + ").");
          add("derivative-for-activation", f.derivative(z, f(z)),
              "This is " + fs + "′(" + zn + ") = " + derivative_text(f, col.name, zn) + ", not " + fs + "(" + zn + ").");
        }
        if (f.name == "sigmoid")
          add("exponent-sign", f(-z), "The sign of the exponent is flipped: 1/(1 + e^" + zn + ") instead of 1/(1 + e^−" + zn + ").");
        add("after-update", after_update().A[ul](J, Sm),
            col.name + " was computed with the parameters after this step's update; each row uses the parameters before it.");
        break;
      }
      case Kind::kLoss: {
        const double own = own_[c];
        const std::string out = name(Kind::kY, layers_, 1, 0, 1).substr(0, name(Kind::kY, layers_, 1, 0, 1).find_first_of("[@"));
        const Eigen::MatrixXd diff = m.Y.back() - s_.batch.Y;
        if (s_.loss.name == "half_sse") {
          add("no-half", 2 * own, "The ½ is missing: (" + out + " − y)² instead of ½(" + out + " − y)².");
          add("no-square", 0.5 * diff.sum() / S, "(" + out + " − y) is not squared.");
        } else {
          add("extra-half", own / 2, "The mse loss has no ½ in front.");
          add("no-square", diff.sum() / static_cast<double>(diff.rows()) / S, "(" + out + " − y) is not squared.");
        }
        add("z-for-y", s_.loss.mean(m.Z.back(), s_.batch.Y),
            "z" + std::to_string(layers_) + " was used where " + out + " = ŷ belongs.");
        if (S > 1) add("sum-over-samples", S * own, "The samples' losses were added, not averaged.");
        add("after-update", after_update().loss,
            "L was computed with the parameters after this step's update; each row uses the parameters before it.");
        break;
      }
      case Kind::kDW:
      case Kind::kDB: {
        const bool w = col.kind == Kind::kDW;
        const auto pick = [&](const std::pair<Eigen::MatrixXd, Eigen::VectorXd>& g) {
          return w ? g.first(J, I) : g.second(J);
        };
        const double own = own_[c];
        const std::string out = layer_symbol('y', layers_);
        add("gradient-sign", -own,
            "(y − " + out + ") was used instead of (" + out + " − y): the gradient has the wrong sign.");
        for (int k = layers_; k >= l; --k) {
          const Activation& f = net_.layers[static_cast<std::size_t>(k - 1)].f;
          if (f.name == "linear") continue;
          const std::string yk = layer_symbol('y', k), zk = layer_symbol('z', k), fs = symbol(f);
          ChainSlip slip;
          slip.activation_for_derivative = k;
          add("activation-for-derivative", pick(chain(slip, l)),
              yk + " = " + fs + "(" + zk + ") was used where " + fs + "′(" + zk + ") = " +
                  derivative_text(f, yk, zk) + " belongs.");
          slip = {};
          slip.no_derivative = k;
          add("derivative-missing", pick(chain(slip, l)),
              "The factor " + fs + "′(" + zk + ") = " + derivative_text(f, yk, zk) + " is missing.");
        }
        for (int k = layers_; k > l; --k) {
          ChainSlip slip;
          slip.no_weights = k;
          const bool one = net_.layers[static_cast<std::size_t>(k - 1)].W.size() == 1;
          add("weight-missing", pick(chain(slip, l)),
              (one ? name(Kind::kW, k, 1, 1) + " is" : "The weights w" + std::to_string(k) + " are") +
                  " missing from the chain.");
        }
        if (w) {
          add("input-missing", own_[static_cast<std::size_t>(at_.db[ul](J))],
              "The factor " + y_name(l - 1, i, 1).substr(0, y_name(l - 1, i, 1).find('@')) + " (what " +
                  name(Kind::kW, l, j, i) + " multiplies) is missing.");
          if (l > 1) {
            ChainSlip slip;
            slip.z_input = true;
            add("z-for-y-input", pick(chain(slip, l)),
                name(Kind::kZ, l - 1, i) + " was used where " + name(Kind::kY, l - 1, i) + " belongs (" +
                    name(Kind::kW, l, j, i) + " multiplies " + name(Kind::kY, l - 1, i) + ").");
          }
        }
        if (s_.loss.name == "half_sse")
          add("loss-factor-2", 2 * own,
              "A factor 2 is too many: the derivative of ½(" + out + " − y)² is (" + out + " − y).");
        if (S > 1) add("sum-over-samples", S * own, "The samples' gradients were added, not averaged (1/S is missing).");
        // Another parameter's gradient: this unit's other ones, or the same unit in another layer.
        std::vector<std::size_t> others;
        for (std::size_t o : gradients_of_unit_[{col.layer, col.unit}]) others.push_back(o);
        for (const auto& [key, list] : gradients_of_unit_)
          if (key.first != col.layer && key.second == col.unit && !list.empty()) others.push_back(list.front());
        std::size_t tried = 0;
        for (std::size_t o : others) {
          const Column& other = columns_[o];
          if (o == c || ++tried > 64) continue;
          add("other-gradient", own_[o],
              "This is the value of " + other.name +
                  (other.layer != col.layer ? ": the gradient of the wrong layer." : ", another parameter's gradient."));
        }
        const Pass& after = after_update();
        add("before-update", w ? after.dW[ul](J, I) : after.db[ul](J),
            "The gradient was taken after the update; take it first, then update the parameters.");
        break;
      }
      case Kind::kStep: case Kind::kState: case Kind::kBatch: break;
    }
    if (row_ > 1 && col.kind != Kind::kW && col.kind != Kind::kB && std::isfinite(prev_given_[c]))
      add("copied", prev_given_[c], "This is " + col.name + " of the row above: it was not recomputed.");
    return out;
  }

  /// The first known slip that reproduces the given number (to its decimals, or within the
  /// rounding its inputs allow).
  std::optional<Candidate> diagnose(std::size_t c) {
    const double g = given_[c];
    const int d = decimals_[c];
    const double r = std::isfinite(radius_[c]) ? radius_[c] : 0;
    for (Candidate& k : candidates(c))
      if (std::isfinite(k.value) &&
          (same_at(g, k.value, d) || std::fabs(g - k.value) <= band(d) + 2 * r))
        return std::move(k);
    return std::nullopt;
  }

  // ---- formulas ----

  std::string formula(std::size_t c) {
    const Column& col = columns_[c];
    const int l = col.layer, j = col.unit, s = col.sample;
    switch (col.kind) {
      case Kind::kW:
      case Kind::kB: {
        const std::string dp = "dL/d" + col.name;
        if (row_ == 1) return col.name + " (step 1) = its start value in the session";
        const std::string k = std::to_string(row_), before = std::to_string(row_ - 1);
        return col.name + " (step " + k + ") = " + col.name + " (step " + before + ") − η·" + dp +
               " (step " + before + "), η = " + short_number(s_.optimizer.learning_rate);
      }
      case Kind::kZ: {
        const Layer& layer = net_.layers[static_cast<std::size_t>(l - 1)];
        std::string rhs;
        if (layer.inputs() <= 4) {
          for (int i = 1; i <= layer.inputs(); ++i)
            rhs += (i > 1 ? " + " : "") + name(Kind::kW, l, j, i) + "·" + y_name(l - 1, i, s);
        } else {
          const std::string a = l == 1 ? "x" : "y" + std::to_string(l - 1);
          rhs = "Σ_i w" + std::to_string(l) + "[" + std::to_string(j) + ",i]·" + a + "[i]" +
                (samples_ > 1 ? "@" + std::to_string(s) : "");
        }
        return col.name + " = " + rhs + " + " + name(Kind::kB, l, j);
      }
      case Kind::kY: {
        const Activation& f = net_.layers[static_cast<std::size_t>(l - 1)].f;
        const std::string z = name(Kind::kZ, l, j, 0, s);
        if (f.name == "linear") return col.name + " = " + z;
        if (f.name == "relu") return col.name + " = max(0, " + z + ")";
        if (f.name == "leaky_relu")
          return col.name + " = max(" + short_number(f.alpha) + "·" + z + ", " + z + ")";
        if (f.name == "elu")
          return col.name + " = " + z + " if " + z + " ≥ 0, else " + short_number(f.alpha) + "·(e^" + z + " − 1)";
        return col.name + " = " + symbol(f) + "(" + z + ")";
      }
      case Kind::kLoss: {
        const int K = net_.outputs();
        const std::string out = "y" + std::to_string(layers_) + (K > 1 ? "[k]" : "") + (samples_ > 1 ? "@s" : "");
        const std::string target = std::string("y") + (K > 1 ? "[k]" : "") + (samples_ > 1 ? "@s" : "");
        std::string one = "(" + out + " − " + target + ")²";
        if (K > 1) one = "Σ_k" + one;
        one = (s_.loss.name == "mse" ? (K > 1 ? "(1/" + std::to_string(K) + ")" : "") : "½") + one;
        return "L = " + (samples_ > 1 ? "(1/" + std::to_string(samples_) + ")Σ_s " : std::string()) + one;
      }
      case Kind::kDW:
      case Kind::kDB: {
        const auto key = std::make_pair(l, j);
        auto found = equations_.find(key);
        if (found == equations_.end()) {
          StepTrace zero;  // the symbols do not depend on the numbers
          for (const auto& layer : net_.layers) {
            LayerTrace t;
            t.W = layer.W;
            t.b = layer.b;
            t.dW = Eigen::MatrixXd::Zero(layer.units(), layer.inputs());
            t.db = Eigen::VectorXd::Zero(layer.units());
            t.z = t.y = Eigen::MatrixXd::Zero(layer.units(), samples_);
            zero.layers.push_back(std::move(t));
          }
          found = equations_.emplace(key, gradient_equations(s_, zero, 4, {l}, {j})).first;
        }
        std::string text;
        const std::string delta = "delta" + std::to_string(l) +
                                  (net_.layers[static_cast<std::size_t>(l - 1)].units() > 1 ? "[" + std::to_string(j) + "]" : "");
        for (const Equation& e : found->second)
          if (e.name == col.name) text = col.name + " = " + plain(e.symbolic());
        if (text.find("δ") != std::string::npos)
          for (const Equation& e : found->second)
            if (e.name == delta) text += ", where " + plain(e.lhs) + " = " + plain(e.symbolic());
        return text;
      }
      case Kind::kStep: case Kind::kState: case Kind::kBatch: break;
    }
    return "";
  }

  // ---- the report ----

  std::string where(Origin o) const {
    const auto c = static_cast<std::size_t>(o % static_cast<Origin>(C_));
    return columns_[c].name + " in row " + std::to_string(o / static_cast<Origin>(C_) + 1);
  }

  CellCheck cell(const AnswerColumn& a, const AnswerCell& given, int line, std::size_t c) {
    using Basis = Judgement::Basis;
    const Judgement& j = judged_[c];
    const int d = decimals_[c];
    const double exact = exact_[c], own = own_[c];
    const bool has_exact = std::isfinite(exact), has_own = std::isfinite(own);
    CellCheck out;
    out.row = row_;
    out.line = line;
    out.column = columns_[c].name;
    out.header = a.header;
    out.given = given.text;
    if (is_parameter_[c]) {
      out.formula = formula(c);
    } else {
      auto found = formulas_.find(c);
      if (found == formulas_.end()) found = formulas_.emplace(c, formula(c)).first;
      out.formula = found->second;
    }
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
        columns_[static_cast<std::size_t>(inherited % static_cast<Origin>(C_))].name};
    const std::string diverged =
        trace_.diverged ? "the exact run diverged at step " + std::to_string(trace_.diverged->at) + " (" +
                              trace_.diverged->reason + "), so this step has no exact value"
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
      out.why += " (" + a.header + " is checked as both " + columns_[a.columns[0]].name + " and " +
                 columns_[a.columns[1]].name +
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

  void emit(int k, CheckReport& report) {
    const AnswerRow& row = answer_.rows[static_cast<std::size_t>(k - 1)];
    for (std::size_t a = 0; a < answer_.columns.size(); ++a) {
      if (std::isnan(row.cells[a].value)) continue;  // an empty cell is not checked
      for (std::size_t c : answer_.columns[a].columns)
        report.cells.push_back(cell(answer_.columns[a], row.cells[a], row.line, c));
    }
  }

  void summarise(CheckReport& report) const {
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
        if (is_parameter_[c] && !in_answer_[c] && ++count <= 8) missing += (count > 1 ? ", " : "") + columns_[c].name;
      if (count > 8) missing += " and " + std::to_string(count - 8) + " more";
      if (count > 0)
        report.notes.push_back("Your table has no column for " + missing +
                               ", so step mode uses the exact values there.");
    }
    for (const auto& a : answer_.columns)
      if (a.columns.size() == 2)
        report.notes.push_back(a.header + " is checked as both " + columns_[a.columns[0]].name + " and " +
                               columns_[a.columns[1]].name + " (the slide writes one column because x = 1 "
                               "makes them equal; in general they differ).");
    if (trace_.diverged && static_cast<std::size_t>(trace_.diverged->at) <= answer_.rows.size())
      report.notes.push_back("The exact run diverged at step " + std::to_string(trace_.diverged->at) + ": " +
                             trace_.diverged->reason + ".");

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
      int slips = 0;
      for (const auto& c : report.cells) slips += c.verdict == Verdict::kWrong && !c.slip.empty();
      text = std::to_string(report.wrong) + " of " + cells(n) + " " + (report.wrong == 1 ? "is" : "are") +
             " wrong. The first slip is " + f.column + " in row " + std::to_string(f.row) + ": " + f.given +
             (f.expected.empty() ? "" : ", expected " + f.expected) + " (" + f.formula + "). " +
             (f.slip.empty() ? f.why + "." : f.slip);
      if (mode_ == CheckMode::kStart && report.follows > 0)
        text += " " + cells(report.follows) + (report.follows == 1 ? " only follows" : " only follow") +
                " from earlier slips (step mode, which checks each row "
                "from your own previous one, accepts them).";
      if (mode_ == CheckMode::kStart && slips > 1)
        text += " " + std::to_string(slips) + " wrong cells are slips of their own.";
      if (mode_ == CheckMode::kStep && report.wrong > 1)
        text += " " + std::to_string(report.wrong) + " slips in all.";
      if (mode_ == CheckMode::kStep && report.follows > 0)
        text += " " + cells(report.follows) + (report.follows == 1 ? " follows" : " follow") + " correctly from slips.";
      if (report.rounding > 0)
        text += " " + cells(report.rounding) + (report.rounding == 1 ? " differs" : " differ") + " only by rounding.";
    }
    report.summary = text;
  }

  const Session& s_;
  const Answer& answer_;
  CheckMode mode_;
  const Network& net_;
  int samples_, layers_;
  std::vector<Column> columns_;
  std::size_t C_;
  Layout at_;
  Trace trace_;
  int row_ = 0;
  // Per table column, for the current row (and the previous one).
  std::vector<double> given_, exact_, own_, radius_, used_, used_radius_;
  std::vector<double> prev_used_, prev_radius_, prev_given_;
  std::vector<Origin> inherited_, origin_, prev_origin_;
  std::vector<int> decimals_;
  std::vector<Judgement> judged_;
  std::vector<bool> is_parameter_, in_answer_;
  std::optional<Mats> mats_;
  std::optional<Pass> after_;
  std::map<std::pair<ChainSlip, int>, std::pair<Eigen::MatrixXd, Eigen::VectorXd>> chains_;
  std::map<std::pair<int, int>, std::vector<Equation>> equations_;
  std::map<std::pair<int, int>, std::vector<std::size_t>> gradients_of_unit_;  ///< (layer, unit) → dL/dw, dL/db
  std::map<std::size_t, std::string> formulas_;  ///< per column, except parameters (they name the step)
  int diagnosed_ = 0;
};

json cell_json(const CellCheck& c) {
  json j{{"row", c.row}, {"column", c.column}, {"given", c.given}};
  j["expected"] = c.expected.empty() ? json(nullptr) : json(c.expected);
  j["verdict"] = verdict_name(c.verdict);
  j["why"] = c.why;
  j["formula"] = c.formula;
  if (!c.slip.empty()) {
    j["slip"] = c.slip;
    j["slip_id"] = c.slip_id.empty() ? json(nullptr) : json(c.slip_id);
  }
  if (c.follows) j["follows"] = {{"row", c.follows->first}, {"column", c.follows->second}};
  j["header"] = c.header;
  j["line"] = c.line;
  return j;
}

}  // namespace

CheckReport check_answer(const Session& session, const Answer& answer, CheckMode mode) {
  require_gradient_descent(session, "check");
  return Checker(session, answer, mode).check();
}

std::string check_report_json(const CheckReport& report) {
  // Cell by cell, so a large report never holds a second copy of itself as a JSON tree.
  std::string out = "{\"cells\":[";
  for (std::size_t n = 0; n < report.cells.size(); ++n) out += (n ? "," : "") + cell_json(report.cells[n]).dump();
  json first = nullptr;
  if (report.first_wrong) {
    const CellCheck& f = report.cells[*report.first_wrong];
    first = {{"row", f.row}, {"column", f.column}};
  }
  json summary{{"correct", report.correct}, {"rounding", report.rounding}, {"wrong", report.wrong},
               {"first_wrong", first}, {"text", report.summary},
               {"mode", report.mode == CheckMode::kStart ? "start" : "step"},
               {"follows", report.follows}, {"notes", report.notes}};
  return out + "],\"summary\":" + summary.dump() + "}";
}

std::string check_report_text(const CheckReport& report) {
  std::string out = report.summary + "\n";
  for (const auto& note : report.notes) out += "Note: " + note + "\n";
  const auto section = [&](const char* title, auto&& keep) {
    std::string lines;
    std::size_t shown = 0, total = 0;
    for (const auto& c : report.cells) {
      if (!keep(c)) continue;
      if (++total > 50) continue;
      ++shown;
      lines += "  row " + std::to_string(c.row) + ", " + c.column + ": " + c.given +
               (c.expected.empty() ? "" : " (expected " + c.expected + ")") + " - " + c.why + ".\n";
      if (c.verdict == Verdict::kWrong) {
        if (!c.slip.empty()) lines += "    " + c.slip + "\n";
        lines += "    " + c.formula + "\n";
      }
    }
    if (total == 0) return;
    out += std::string("\n") + title + ":\n" + lines;
    if (total > shown) out += "  … and " + std::to_string(total - shown) + " more\n";
  };
  section("Wrong", [](const CellCheck& c) { return c.verdict == Verdict::kWrong; });
  section("Following an earlier slip",
          [](const CellCheck& c) { return c.verdict != Verdict::kWrong && c.follows.has_value(); });
  section("Rounding", [](const CellCheck& c) { return c.verdict == Verdict::kRounding && !c.follows; });
  return out;
}

std::string check_answer_json(const Session& session, std::string_view answer, CheckMode mode) {
  return check_report_json(check_answer(session, parse_answer(session, answer), mode));
}

}  // namespace nntutor
