/// The table reader: a student's text (CSV, TSV pasted from a spreadsheet, or Markdown) split
/// into lines and cells, each cell read as a number, each header folded onto the session's
/// columns; the result is an Answer (check.hpp). docs/check.md lists the spellings it accepts.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "nntutor/check.hpp"
#include "check_graph.hpp"
#include "nntutor/check_detail.hpp"
#include "nntutor/error.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

namespace {

using check_detail::kMaxDecimals;
using check_detail::kNaN;
using check_detail::replace_all;

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

/// The folded engine names a folded header stands for: usually one; two for ∇L(w/b1). `yhat`
/// is the folded name ŷ stands for (y2 in a two-layer network).
std::vector<std::string> resolve(const std::string& h, const std::string& yhat) {
  for (const char* step : {"step", "steps", "k", "#"})
    if (h == step) return {"step"};
  if (h == "l" || h == "loss") return {"l"};
  if (h.rfind("yhat", 0) == 0) return {yhat + h.substr(4)};
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

std::string name_list(const std::vector<std::string>& columns) {
  std::string list;
  std::size_t shown = 0;
  for (const auto& c : columns) {
    if (c == "step") continue;
    if (shown == 16) return list + ", …";
    list += (shown++ ? ", " : "") + c;
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
  if (session.loss.kind != LossKind::kHalfSse && session.loss.kind != LossKind::kMse)
    throw SessionError(knows + "loss is " + session.loss.name);
}

Answer parse_answer(const Session& session, std::string_view text) {
  require_gradient_descent(session, "check");
  std::vector<std::string> names;
  for (const Column& c : check_detail::check_columns(session)) names.push_back(c.name);
  return check_detail::read_answer(names, check_detail::yhat_column(session), text);
}

Answer check_detail::read_answer(const std::vector<std::string>& table, const std::string& yhat,
                                 std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < table.size(); ++i) by_name[fold(table[i])] = i;
  const std::string yhat_folded = fold(yhat);

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
        for (const std::string& name : resolve(fold(column.header), yhat_folded)) {
          const auto found = by_name.find(name);
          if (found == by_name.end())
            throw SessionError(at(line_number, c, "") + ": unknown column " +
                               in_quotes(column.header) + " (expected step or one of " +
                               name_list(table) + "; docs/check.md lists the spellings)");
          const std::size_t i = found->second;
          if (used[i])
            throw SessionError(at(line_number, c, "") + ": " + in_quotes(column.header) + " is " +
                               table[i] + " again (column " +
                               std::to_string(first_at[i] + 1) + ")");
          used[i] = true;
          first_at[i] = c;
          if (table[i] == "step") {
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

}  // namespace nntutor
