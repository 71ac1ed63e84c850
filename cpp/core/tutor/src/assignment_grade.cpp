// Grading an Assignment 4 report: the report read into its parts (Markdown or LaTeX), each part
// scored by the assignment's rubric with its evidence, the four requirements. docs/grading.md.
#include "nntutor/assignment_grade.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "nntutor/check.hpp"
#include "nntutor/error.hpp"
#include "nntutor/grade.hpp"
#include "nntutor/numbers.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

/// `text` cut at `separator` (no stream: the checker's Wasm module has no iostreams).
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find(separator, at), text.size());
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  if (!out.empty() && out.back().empty() && !text.empty() && text.back() == separator) out.pop_back();
  return out;
}

/// The words of `text` (separated by white space).
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = text.find_first_not_of(" \t\r\n", at)) != std::string::npos) {
    const std::size_t end = std::min(text.find_first_of(" \t\r\n", at), text.size());
    out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

/// A quantity as the report writes it (w_{1}[2,1], \partial L/\partial b_{2}, z_{1}[1]^{(s=2)},
/// ∂L/∂w2) in the engine's names (w1[2,1], dL/db2, z1[1]@2).
std::string fold(std::string s) {
  replace_all(s, "$", "");
  replace_all(s, "∂", "\\partial ");
  // ^{(s=K)} or ^(s=K): sample K.
  for (std::size_t at = s.find("^"); at != std::string::npos; at = s.find("^", at + 1)) {
    std::size_t i = at + 1;
    const bool brace = i < s.size() && s[i] == '{';
    if (brace) ++i;
    if (s.compare(i, 3, "(s=") != 0) continue;
    i += 3;
    const std::size_t digits = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == digits || i >= s.size() || s[i] != ')') continue;
    const std::string k = s.substr(digits, i - digits);
    ++i;
    if (brace && i < s.size() && s[i] == '}') ++i;
    s.replace(at, i - at, "@" + k);
  }
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '{' && c != '}' && c != '_') out += c;
  replace_all(out, "\\partialL/\\partial", "dL/d");
  return out;
}

/// The heading's level and title, or level 0 if the line is no heading.
std::pair<int, std::string> heading(const std::string& line, bool latex) {
  if (!latex) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == '#') ++n;
    if (n == 0 || n > 6 || (n < line.size() && line[n] != ' ')) return {0, ""};
    return {static_cast<int>(n), trim(line.substr(n))};
  }
  const std::string t = trim(line);
  int level = 0;
  std::size_t i = 0;
  for (const auto& [name, l] : {std::pair<const char*, int>{"\\subsubsection", 3}, {"\\subsection", 2}, {"\\section", 1}})
    if (t.rfind(name, 0) == 0) {
      level = l;
      i = std::string(name).size();
      break;
    }
  if (level == 0) return {0, ""};
  if (i < t.size() && t[i] == '*') ++i;
  if (i >= t.size() || t[i] != '{' || t.back() != '}') return {0, ""};
  return {level, t.substr(i + 1, t.size() - i - 2)};
}

/// The learning rate a heading names ("Learning rate η = 0.1", "\ensuremath{\eta} = 10", "eta: 2").
std::optional<double> heading_rate(std::string title) {
  replace_all(title, "\\ensuremath{\\eta}", "η");
  replace_all(title, "$\\eta$", "η");
  replace_all(title, "\\eta", "η");
  const std::string l = lower(title);
  // The first "η", "eta" or "learning rate" followed by [=, : or ≈ and] a number.
  for (std::size_t at = 0; at < l.size(); ++at) {
    std::size_t i = std::string::npos;
    for (const char* word : {"η", "eta", "learning rate"})
      if (l.compare(at, std::string(word).size(), word) == 0) i = at + std::string(word).size();
    if (i == std::string::npos) continue;
    const auto spaces = [&] { while (i < l.size() && l[i] == ' ') ++i; };
    spaces();
    for (const char* sign : {"=", ":", "≈"})
      if (l.compare(i, std::string(sign).size(), sign) == 0) i += std::string(sign).size();
    spaces();
    std::size_t end = i;
    while (end < l.size() && (std::isdigit(static_cast<unsigned char>(l[end])) || l[end] == '.' || l[end] == 'e' ||
                              ((l[end] == '-' || l[end] == '+') && end > i && l[end - 1] == 'e')))
      ++end;
    if (end > i && std::isdigit(static_cast<unsigned char>(l[end - 1]))) {
      try {
        return std::stod(l.substr(i, end - i));
      } catch (const std::exception&) {
      }
    }
  }
  return std::nullopt;
}

/// A LaTeX tabular's rows as Markdown rows ("| a | b |").
std::string tabular_rows(const std::vector<std::string>& lines, std::size_t& i) {
  std::string out;
  for (; i < lines.size() && lines[i].find("\\end{tabular}") == std::string::npos; ++i) {
    std::string row = lines[i];
    replace_all(row, "\\hline", "");
    if (row.find('&') == std::string::npos) continue;
    const auto end = row.rfind("\\\\");
    if (end != std::string::npos) row = row.substr(0, end);
    replace_all(row, "&", "|");
    out += "| " + trim(row) + " |\n";
  }
  return out;
}

/// The file of a Markdown image ![alt](file) in `line`, or "".
std::string markdown_image(const std::string& line) {
  const auto open = line.find("![");
  if (open == std::string::npos) return "";
  const auto link = line.find("](", open);
  if (link == std::string::npos) return "";
  const auto end = line.find_first_of(") ", link + 2);
  return end == std::string::npos ? "" : line.substr(link + 2, end - link - 2);
}

/// The file of \includegraphics[options]{file} in `line`, or "".
std::string latex_image(const std::string& line) {
  const auto at = line.find("\\includegraphics");
  if (at == std::string::npos) return "";
  std::size_t i = at + std::string("\\includegraphics").size();
  if (i < line.size() && line[i] == '[') i = line.find(']', i) == std::string::npos ? line.size() : line.find(']', i) + 1;
  if (i >= line.size() || line[i] != '{') return "";
  const auto end = line.find('}', i);
  return end == std::string::npos ? "" : line.substr(i + 1, end - i - 1);
}

/// The part a heading starts, by its words (description, graph, equations, tables) or "".
std::string part_of(const std::string& title) {
  const std::string t = lower(title);
  if (t.find("description") != std::string::npos) return "description";
  if (t.find("graph") != std::string::npos) return "graph";
  if (t.find("equation") != std::string::npos) return "equations";
  if (t.find("table") != std::string::npos) return "tables";
  return "";
}

struct Cell {
  double value = std::nan("");
  int decimals = 0;
};

/// A Markdown table's header (folded) and numbers.
struct SimpleTable {
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
  int column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  }
};

std::vector<std::string> split_row(const std::string& line) {
  std::string s = trim(line);
  if (!s.empty() && s.front() == '|') s.erase(0, 1);
  if (!s.empty() && s.back() == '|') s.pop_back();
  std::vector<std::string> cells;
  for (const std::string& cell : split(s, '|')) cells.push_back(trim(cell));
  return cells;
}

SimpleTable simple_table(const std::string& text) {
  SimpleTable t;
  for (const std::string& line : split(text, '\n')) {
    const auto cells = split_row(line);
    if (cells.empty()) continue;
    if (t.header.empty()) {
      for (const auto& c : cells) t.header.push_back(lower(fold(c)) == "l" ? "L" : fold(c));
      continue;
    }
    if (cells[0].find("---") != std::string::npos || cells[0].find(":--") != std::string::npos) continue;
    std::vector<Cell> row;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      Cell c;
      try {
        const AnswerCell a = read_answer_number(cells[i], "cell");
        c.value = a.value;
        c.decimals = a.decimals;
      } catch (const SessionError&) {
      }
      row.push_back(c);
    }
    t.rows.push_back(row);
  }
  return t;
}

/// The band within which a number written to d decimals is right (the checker's 2 units of the
/// last decimal; 0.02 for 0 or 1 decimals).
double band(int d) { return d >= 2 ? 2 * std::pow(10.0, -d) : 0.02; }

std::string count(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

std::string list_some(const std::vector<std::string>& items, std::size_t most = 5) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < most; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > most) out += " and " + std::to_string(items.size() - most) + " more";
  return out;
}

std::string rate_text(double eta) { return points_text(eta); }

}  // namespace

SubmittedReport read_report(std::string_view text_view) {
  const std::string text(text_view);
  SubmittedReport r;
  const bool latex = text.find("\\begin{document}") != std::string::npos || text.find("\\section") != std::string::npos;
  r.format = latex ? "latex" : "markdown";
  std::vector<std::string> lines;
  {
    for (std::string line : split(text, '\n')) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (latex && trim(line).rfind("%", 0) == 0) continue;  // a comment is not part of the report
      if (latex) {
        replace_all(line, "\\ensuremath{\\rightarrow}", "→");
        replace_all(line, "$\\rightarrow$", "→");
      }
      lines.push_back(line);
    }
  }
  std::string part;
  std::string description;
  bool in_description_text = false;
  double pending_rate = std::nan("");  // the rate the last heading named
  std::string equations_text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const auto [level, title] = heading(line, latex);
    if (level > 0) {
      const std::string p = part_of(title);
      in_description_text = false;
      if (!p.empty() && level <= 2) {
        part = p;
        if (p == "description") {
          r.description = "";
          in_description_text = true;
        }
        if (p == "graph") r.graph_section = true;
        if (p == "equations") r.equations_section = true;
      }
      if (const auto eta = heading_rate(title)) pending_rate = *eta;
      continue;
    }
    if (in_description_text) description += line + "\n";
    if (part == "graph") {
      if (r.graph_image.empty()) r.graph_image = markdown_image(line);
      if (r.graph_image.empty()) r.graph_image = latex_image(line);
      if (r.graph_image.empty() && line.find("<svg") != std::string::npos) r.graph_image = "inline SVG";
      else if (r.graph_image.empty() && line.find("<img") != std::string::npos) r.graph_image = "an <img> element";
      if (r.structure.empty() && line.find("→") != std::string::npos && lower(line).find("input") != std::string::npos) {
        const auto comma = line.find(", fully");
        r.structure = trim(comma == std::string::npos ? line : line.substr(0, comma));
      }
    }
    if (part == "equations") equations_text += line + "\n";
    // A table after a heading that names its learning rate.
    const bool md_table = !latex && trim(line).rfind("|", 0) == 0;
    const bool tex_table = latex && line.find("\\begin{tabular}") != std::string::npos;
    if ((md_table || tex_table) && std::isfinite(pending_rate)) {
      std::string rows;
      if (md_table) {
        for (; i < lines.size() && trim(lines[i]).rfind("|", 0) == 0; ++i) rows += lines[i] + "\n";
        --i;
      } else {
        rows = tabular_rows(lines, ++i);
      }
      const SubmittedReport::Table t{pending_rate, rows};
      if (std::fabs(pending_rate - kAssignmentRate) < 1e-12 && !r.low) r.low = t;
      else if (pending_rate > kAssignmentRate && !r.high) r.high = t;
      pending_rate = std::nan("");
    }
  }
  if (r.description) r.description = trim(description);
  // Equations: \frac{\partial L}{\partial X} (or \partial L/\partial X) then the last "&= v".
  // Equations: \frac{\partial L}{\partial X} (or \partial L/\partial X) where a line begins,
  // its value the number after the last "=" before the next one.
  std::vector<std::pair<std::size_t, std::string>> starts;
  std::size_t line_start = 0;
  while (line_start < equations_text.size()) {
    const std::size_t line_end = std::min(equations_text.find('\n', line_start), equations_text.size());
    std::string line = equations_text.substr(line_start, line_end - line_start);
    std::size_t i = line.find_first_not_of(" \t$");
    if (i != std::string::npos) {
      const std::string frac = "\\frac{\\partial L}{\\partial ";
      std::string name;
      if (line.compare(i, frac.size(), frac) == 0) {
        int depth = 1;
        std::size_t j = i + frac.size();
        for (; j < line.size() && depth > 0; ++j) depth += line[j] == '{' ? 1 : line[j] == '}' ? -1 : 0;
        if (depth == 0) name = line.substr(i + frac.size(), j - 1 - i - frac.size());
      } else if (line.compare(i, 10, "\\partial L") == 0) {
        std::size_t j = line.find("\\partial", i + 10);
        if (j != std::string::npos && trim(line.substr(i + 10, j - i - 10)) == "/") {
          j += 8;
          while (j < line.size() && line[j] == ' ') ++j;
          const std::size_t k = line.find_first_of(" =&$", j);
          name = line.substr(j, (k == std::string::npos ? line.size() : k) - j);
        }
      }
      if (!name.empty()) starts.push_back({line_start, "dL/d" + fold(name)});
    }
    line_start = line_end + 1;
  }
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const std::size_t end = k + 1 < starts.size() ? starts[k + 1].first : equations_text.size();
    std::string last;
    for (const std::string& line : split(equations_text.substr(starts[k].first, end - starts[k].first), '\n')) {
      const auto eq = line.rfind('=');
      if (eq == std::string::npos) continue;
      std::string v = trim(line.substr(eq + 1));
      // An align* row ends with \\ or \\[6pt]; a $…$ may wrap the number.
      const auto breaks = v.find("\\\\");
      if (breaks != std::string::npos) v = trim(v.substr(0, breaks));
      try {
        last = read_answer_number(v, "value").text;
      } catch (const SessionError&) {
      }
    }
    r.equations.push_back({starts[k].second, last});
  }
  return r;
}

ReportGrade grade_report(const SubmittedReport& report, const std::optional<Session>& network) {
  ReportGrade g;
  g.checked_with_network = network.has_value();
  std::optional<SimpleTable> low, high;
  if (report.low) low = simple_table(report.low->text);
  if (report.high) high = simple_table(report.high->text);

  // 1. Description.
  {
    ReportPart p{"description", "Description of the model", 0, 10, ""};
    const std::string d = report.description ? trim(*report.description) : "";
    if (!report.description) p.evidence = "No description part (a heading with \"Description\").";
    else if (d.empty() || d.find("No description given") != std::string::npos)
      p.evidence = "The description part has no text of the student's own.";
    else {
      const int n = static_cast<int>(words_of(d).size());
      std::string first = d.substr(0, std::min<std::size_t>(d.size(), 80));
      replace_all(first, "\n", " ");
      p.score = 10;
      p.evidence = "A description of " + count(n, "word", "words") + ": \"" + first + (d.size() > 80 ? "…" : "") + "\".";
    }
    g.parts.push_back(p);
  }
  // 2. Graph.
  {
    ReportPart p{"graph", "Graph of the network structure", 0, 10, ""};
    if (!report.graph_section) p.evidence = "No graph part (a heading with \"Graph\").";
    else if (!report.graph_image.empty()) {
      p.score = 10;
      p.evidence = "The graph part shows " + (report.graph_image == "inline SVG" || report.graph_image.rfind("an ", 0) == 0
                                                  ? report.graph_image
                                                  : "the image " + report.graph_image) +
                   (report.structure.empty() ? "." : " and states the structure: " + report.structure + ".");
    } else if (!report.structure.empty()) {
      p.score = 5;
      p.evidence = "The structure is given in words only (" + report.structure +
                   "); no drawing is included (a Markdown image or \\includegraphics).";
    } else {
      p.evidence = "The graph part has neither a drawing nor the structure.";
    }
    g.parts.push_back(p);
  }
  // 3. Equations: one per weight and bias, each ending with its value at step 1.
  {
    ReportPart p{"equations", "Gradient equations for all neurons", 0, 30, ""};
    std::vector<std::string> expected;
    std::map<std::string, double> reference;
    std::string against;
    if (network) {
      Session s = *network;
      s.optimizer.learning_rate = kAssignmentRate;
      set_steps(s, 1);
      const Trace t = run(s);
      for (const Column& c : table_columns(s.network, s.batch.samples(), s.optimizer))
        if (c.kind == Column::Kind::kDW || c.kind == Column::Kind::kDB) {
          expected.push_back(c.name);
          if (!t.steps.empty()) reference[c.name] = column_value(c, t.steps[0]);
        }
      against = "the engine's step 1 at η = 0.1";
    } else if (low || high) {
      const SimpleTable& t = low ? *low : *high;
      for (std::size_t i = 0; i < t.header.size(); ++i)
        if (t.header[i].rfind("dL/d", 0) == 0) {
          expected.push_back(t.header[i]);
          if (!t.rows.empty() && i < t.rows[0].size() && std::isfinite(t.rows[0][i].value))
            reference[t.header[i]] = t.rows[0][i].value;
        }
      against = "row 1 of the table at η = " + rate_text(low ? report.low->learning_rate : report.high->learning_rate);
    }
    std::map<std::string, std::string> written;
    for (const auto& e : report.equations)
      if (!written.count(e.column)) written[e.column] = e.value;
    std::vector<std::string> missing, off;
    int good = 0;
    for (const std::string& c : expected) {
      const auto w = written.find(c);
      if (w == written.end()) {
        missing.push_back(c);
        continue;
      }
      const auto r = reference.find(c);
      if (r == reference.end() || w->second.empty()) {
        if (w->second.empty()) off.push_back(c + " (no value)");
        else ++good;
        continue;
      }
      try {
        const AnswerCell a = read_answer_number(w->second, c);
        if (std::fabs(a.value - r->second) <= band(a.decimals) + 1e-12) ++good;
        else off.push_back(c + " (" + a.text + ", expected " + fixed(r->second, a.decimals) + ")");
      } catch (const SessionError&) {
        off.push_back(c + " (\"" + w->second + "\" is not a number)");
      }
    }
    if (!report.equations_section && report.equations.empty())
      p.evidence = "No equations part (a heading with \"Equations\").";
    else if (expected.empty())
      p.evidence = count(static_cast<int>(report.equations.size()), "gradient equation", "gradient equations") +
                   " found, but how many the network needs is unknown: give the network (--network) or a table "
                   "with the gradient columns.";
    else {
      p.score = 30.0 * good / static_cast<double>(expected.size());
      p.evidence = std::to_string(good) + " of " + count(static_cast<int>(expected.size()), "gradient equation", "gradient equations") +
                   " (one per weight and bias) given with the value of " + against + ".";
      if (!missing.empty()) p.evidence += " Missing: " + list_some(missing) + ".";
      if (!off.empty()) p.evidence += " Wrong value: " + list_some(off) + ".";
    }
    g.parts.push_back(p);
  }
  // 4, 5. The tables.
  const auto table_part = [&](const char* id, const char* title, const std::optional<SubmittedReport::Table>& t,
                              const std::optional<SimpleTable>& simple, const std::string& which) {
    ReportPart p{id, title, 0, 25, ""};
    if (!t) {
      p.evidence = "No table " + which + " (a heading naming the learning rate, e.g. \"Learning rate η = " +
                   (std::string(id) == "table_low" ? "0.1" : "2") + "\", then the table).";
      return p;
    }
    const std::string at = "at η = " + rate_text(t->learning_rate);
    if (network) {
      try {
        Session s = *network;
        s.optimizer.learning_rate = t->learning_rate;
        set_steps(s, kAssignmentSteps);
        const StudentGrade sg = grade_submission(s, t->text, Rubric{}, CheckMode::kStart);
        p.score = 25.0 * sg.score / 100.0;
        p.evidence = "The table " + at + " checked against the engine: " + std::to_string(sg.rows) + " of " +
                     std::to_string(kAssignmentSteps) + " rows, " + std::to_string(sg.correct) + " correct, " +
                     std::to_string(sg.rounding) + " rounding, " + std::to_string(sg.slips) + " wrong" +
                     (sg.follows ? " and " + std::to_string(sg.follows) + " following from them" : "") +
                     (sg.missing ? ", " + std::to_string(sg.missing) + " of " + std::to_string(sg.expected) + " cells missing" : "") +
                     (sg.first_slip ? "; the first slip is " + sg.first_slip->column + " in row " +
                                          std::to_string(sg.first_slip->row) + " (" + sg.first_slip->given +
                                          ", expected " + sg.first_slip->expected + ")"
                                    : "") +
                     ".";
        return p;
      } catch (const SessionError& e) {
        p.evidence = std::string("The table ") + at + " cannot be checked against the network: " + e.what() + ". ";
      }
    }
    // Without the network: 10 rows, and each row's parameters following from the row above
    // (w − η·∂L/∂w) within the rounding of the numbers written.
    const int rows = static_cast<int>(simple->rows.size());
    int ok = 0, checks = 0;
    std::vector<std::string> broken;
    for (std::size_t i = 0; i < simple->header.size(); ++i) {
      const std::string& name = simple->header[i];
      if (column_group(name) != "parameters") continue;
      const int gi = simple->column("dL/d" + name);
      if (gi < 0) continue;
      for (int k = 1; k < rows && k < kAssignmentSteps; ++k) {
        const auto& prev = simple->rows[static_cast<std::size_t>(k - 1)];
        const auto& row = simple->rows[static_cast<std::size_t>(k)];
        if (i >= row.size() || i >= prev.size() || static_cast<std::size_t>(gi) >= prev.size()) continue;
        const Cell w0 = prev[i], g0 = prev[static_cast<std::size_t>(gi)], w1 = row[i];
        if (!std::isfinite(w0.value) || !std::isfinite(g0.value) || !std::isfinite(w1.value)) continue;
        ++checks;
        const double r = 0.5 * std::pow(10.0, -w0.decimals) + t->learning_rate * 0.5 * std::pow(10.0, -g0.decimals);
        if (std::fabs(w1.value - (w0.value - t->learning_rate * g0.value)) <= band(w1.decimals) + r + 1e-12) ++ok;
        else if (broken.size() < 5) broken.push_back(name + " in row " + std::to_string(k + 1));
      }
    }
    const double share_rows = std::min(rows, kAssignmentSteps) / static_cast<double>(kAssignmentSteps);
    if (checks > 0) p.score = 25.0 * share_rows * ok / checks;
    p.evidence += "The table " + at + " has " + std::to_string(rows) + " of " + std::to_string(kAssignmentSteps) +
                  " rows; " + std::to_string(ok) + " of " + std::to_string(checks) +
                  " parameter updates follow w − η·∂L/∂w from the row above (within rounding)" +
                  (broken.empty() ? "" : "; not: " + list_some(broken)) +
                  (checks == 0 ? " (no parameter column with its gradient to check)" : "") +
                  ". Its numbers are checked against the network only with --network.";
    return p;
  };
  g.parts.push_back(table_part("table_low", "Table at η = 0.1", report.low, low, "at η = 0.1"));
  g.parts.push_back(table_part("table_high", "Table at η > 0.1", report.high, high, "at an η > 0.1"));

  // The four requirements.
  if (network) {
    g.requirements = check_assignment(*network).requirements;
  } else {
    // From the report: the structure in words, and the loss columns of the tables.
    Requirement neurons{"neurons", "At least 5 neurons", false, ""};
    Requirement activation{"activation", "ReLU or sigmoid used", false, ""};
    if (!report.structure.empty()) {
      // "2 inputs → 4 relu → 1 sigmoid (output)": each "N word" after the first is a layer.
      int n = 0;
      bool first = true, relu_sigmoid = false;
      std::string previous;
      for (const std::string& word : words_of(report.structure)) {
        const bool count = !previous.empty() && previous.size() <= 6 && std::all_of(previous.begin(), previous.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        });
        if (count && first) first = false;  // the inputs are not neurons
        else if (count) {
          n += std::stoi(previous);
          relu_sigmoid = relu_sigmoid || word == "relu" || word == "sigmoid";
        }
        previous = word;
      }
      neurons.passed = n >= kAssignmentMinNeurons;
      neurons.evidence = "The structure " + report.structure + " has " + count(n, "neuron", "neurons") + ".";
      activation.passed = relu_sigmoid;
      activation.evidence = relu_sigmoid ? "The structure uses relu or sigmoid." : "The structure names neither relu nor sigmoid.";
    } else {
      neurons.evidence = activation.evidence = "The report does not state the structure (give --network).";
    }
    const auto losses = [](const std::optional<SimpleTable>& t) {
      std::vector<double> out;
      if (!t) return out;
      const int l = t->column("L");
      if (l < 0) return out;
      for (const auto& row : t->rows)
        if (static_cast<std::size_t>(l) < row.size()) out.push_back(row[static_cast<std::size_t>(l)].value);
      return out;
    };
    Requirement monotone{"monotone", "The loss falls monotonically over 10 steps at η = 0.1", false, ""};
    const auto lo = losses(low);
    if (lo.size() < static_cast<std::size_t>(kAssignmentSteps)) monotone.evidence = "The table at η = 0.1 has no 10 losses.";
    else {
      int bad = 0;
      for (int k = 1; k < kAssignmentSteps && !bad; ++k)
        if (lo[static_cast<std::size_t>(k)] > lo[static_cast<std::size_t>(k - 1)]) bad = k + 1;
      // Written to a few decimals, two losses may look equal; only a visible rise refutes it.
      monotone.passed = bad == 0;
      monotone.evidence = bad ? "The table's loss rises at step " + std::to_string(bad) + "."
                              : "The table's loss never rises over the 10 steps (to the decimals written).";
    }
    Requirement rises{"rises", "Some learning rate > 0.1 makes the loss rise within 10 steps", false, ""};
    const auto hi = losses(high);
    int up = 0;
    for (std::size_t k = 1; k < hi.size() && k < static_cast<std::size_t>(kAssignmentSteps) && !up; ++k)
      if (hi[k] > hi[k - 1]) up = static_cast<int>(k) + 1;
    rises.passed = up > 0;
    rises.evidence = !high ? "There is no table at an η > 0.1."
                     : up ? "At η = " + rate_text(report.high->learning_rate) + " the table's loss rises at step " + std::to_string(up) + "."
                          : "The table at η = " + rate_text(report.high->learning_rate) + " shows no rise of the loss.";
    g.requirements = {neurons, activation, monotone, rises};
  }

  g.score = 0;
  for (const ReportPart& p : g.parts) g.score += p.score;
  std::string parts;
  for (const ReportPart& p : g.parts)
    parts += (parts.empty() ? "" : ", ") + p.id + " " + fixed(p.score, 1) + "/" + points_text(p.points);
  int failed = 0;
  for (const Requirement& r : g.requirements) failed += r.passed ? 0 : 1;
  g.summary = "Score " + fixed(g.score, 1) + " of 100 (" + parts + "); " +
              (failed ? std::to_string(failed) + " of 4 requirements fail" : std::string("all 4 requirements pass")) +
              (network ? "." : " (read from the report; give --network to check the numbers against the network).");
  return g;
}

std::string report_grade_json(const ReportGrade& g) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (const ReportPart& p : g.parts)
    parts.push_back({{"id", p.id}, {"title", p.title}, {"score", std::round(p.score * 100) / 100},
                     {"points", p.points}, {"evidence", p.evidence}});
  j["parts"] = parts;
  nlohmann::ordered_json reqs = nlohmann::ordered_json::array();
  for (const Requirement& r : g.requirements)
    reqs.push_back({{"id", r.id}, {"title", r.title}, {"passed", r.passed}, {"evidence", r.evidence}});
  j["requirements"] = reqs;
  j["checked_with_network"] = g.checked_with_network;
  j["score"] = std::round(g.score * 100) / 100;
  j["points"] = g.points;
  j["summary"] = g.summary;
  return j.dump();
}

std::string report_grade_text(const ReportGrade& g) {
  std::string out = "Assignment 4 report\n";
  for (const ReportPart& p : g.parts)
    out += fixed(p.score, 1) + " / " + points_text(p.points) + "  " + p.title + "\n    " + p.evidence + "\n";
  out += "Requirements:\n";
  int i = 0;
  for (const Requirement& r : g.requirements)
    out += std::to_string(++i) + ". [" + (r.passed ? "PASS" : "FAIL") + "] " + r.title + "\n    " + r.evidence + "\n";
  return out + g.summary + "\n";
}

}  // namespace nntutor
