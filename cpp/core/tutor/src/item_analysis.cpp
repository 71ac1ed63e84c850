// What the class got wrong: per column, per named slip, where the first slip is, who stopped
// early; as JSON for the page and as Markdown with inline SVG bar charts. docs/grading.md.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "nntutor/grade.hpp"
#include "nntutor/numbers.hpp"

namespace nntutor {

namespace {

using nlohmann::ordered_json;

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : c == '<' ? std::string("&lt;") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

std::string slip_label(const std::string& id) { return id.empty() ? "no known slip" : id; }

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "chart" : out;
}

}  // namespace

ItemAnalysis item_analysis(const ClassGrade& g) {
  ItemAnalysis a;
  a.students = static_cast<int>(g.students.size());
  std::vector<std::string> order;
  std::set<std::string> seen;
  for (const StudentGrade& s : g.students)
    for (const std::string& c : s.columns)
      if (seen.insert(c).second) order.push_back(c);
  std::map<std::string, ItemAnalysis::ColumnItem> columns;
  for (const std::string& c : order) columns[c].column = c;
  std::map<std::string, ItemAnalysis::SlipItem> slips;
  std::vector<double> scores;
  int max_steps = 0;
  for (const StudentGrade& s : g.students) max_steps = std::max({max_steps, s.steps, s.rows});
  a.first_slip_rows.assign(static_cast<std::size_t>(max_steps), 0);
  for (const StudentGrade& s : g.students) {
    scores.push_back(s.score);
    for (const auto& [column, n] : s.wrong_by_column)
      if (n > 0 && columns.count(column)) ++columns[column].students_wrong;
    std::set<std::string> own_columns, own_slips;
    for (const auto& slip : s.all_slips) {
      own_columns.insert(slip.column);
      auto& item = slips[slip.slip_id];
      item.slip_id = slip.slip_id;
      if (item.sentence.empty()) item.sentence = slip.slip;
      ++item.times;
      own_slips.insert(slip.slip_id);
    }
    for (const std::string& c : own_columns)
      if (columns.count(c)) ++columns[c].students_slip;
    for (const std::string& id : own_slips) ++slips[id].students;
    if (s.first_slip) {
      if (columns.count(s.first_slip->column)) ++columns[s.first_slip->column].first_slips;
      const auto row = static_cast<std::size_t>(s.first_slip->row - 1);
      if (row < a.first_slip_rows.size()) ++a.first_slip_rows[row];
    } else {
      ++a.no_slip;
    }
    if (s.stopped_early()) a.stopped_early.push_back({s.id, s.rows, s.steps});
  }
  for (const std::string& c : order) a.columns.push_back(columns[c]);
  for (const auto& [id, item] : slips) a.slips.push_back(item);
  std::stable_sort(a.slips.begin(), a.slips.end(), [](const auto& x, const auto& y) {
    if (x.students != y.students) return x.students > y.students;
    if (x.slip_id.empty() != y.slip_id.empty()) return y.slip_id.empty();  // "no known slip" last
    return x.slip_id < y.slip_id;
  });
  if (!scores.empty()) {
    double sum = 0;
    for (double v : scores) sum += v;
    a.mean_score = sum / static_cast<double>(scores.size());
    std::sort(scores.begin(), scores.end());
    const std::size_t n = scores.size();
    a.median_score = n % 2 ? scores[n / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2;
  }
  return a;
}

std::string item_analysis_json(const ItemAnalysis& a) {
  ordered_json j;
  j["students"] = a.students;
  j["mean_score"] = std::round(a.mean_score * 100) / 100;
  j["median_score"] = std::round(a.median_score * 100) / 100;
  ordered_json columns = ordered_json::array();
  for (const auto& c : a.columns)
    columns.push_back({{"column", c.column}, {"students_wrong", c.students_wrong},
                       {"students_slip", c.students_slip}, {"first_slips", c.first_slips}});
  j["columns"] = columns;
  ordered_json slips = ordered_json::array();
  for (const auto& s : a.slips)
    slips.push_back({{"slip_id", s.slip_id.empty() ? ordered_json(nullptr) : ordered_json(s.slip_id)},
                     {"label", slip_label(s.slip_id)}, {"sentence", s.sentence}, {"students", s.students},
                     {"times", s.times}});
  j["slips"] = slips;
  j["first_slip_rows"] = a.first_slip_rows;
  j["no_slip"] = a.no_slip;
  ordered_json stopped = ordered_json::array();
  for (const auto& s : a.stopped_early) stopped.push_back({{"id", s.id}, {"rows", s.rows}, {"steps", s.steps}});
  j["stopped_early"] = stopped;
  return j.dump();
}

std::string bar_chart_svg(const std::string& title, const std::string& description,
                          const std::vector<std::pair<std::string, double>>& bars, const std::string& unit) {
  // Labels left, bars from a common axis, each value written at the bar's end: readable without
  // colour, and the numbers are also in the table under the chart.
  const int label_width = 200, bar_width = 360, row = 24, top = 8;
  const int width = label_width + bar_width + 90;
  const int height = top * 2 + row * static_cast<int>(std::max<std::size_t>(bars.size(), 1));
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.second);
  const std::string id = "grade-" + slug(title);  // the page's ids in its grading section start with grade-
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" aria-labelledby=\"" + id + "-title " + id + "-desc\">\n";
  out += "<title id=\"" + id + "-title\">" + xml(title) + "</title>\n";
  out += "<desc id=\"" + id + "-desc\">" + xml(description) + "</desc>\n";
  if (bars.empty())
    out += "<text x=\"8\" y=\"" + std::to_string(top + 16) + "\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#1a1a1a\">none</text>\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = top + row * static_cast<int>(i);
    const int w = max > 0 ? static_cast<int>(std::lround(bar_width * bars[i].second / max)) : 0;
    const std::string value = points_text(bars[i].second);
    out += "<g>\n<text x=\"" + std::to_string(label_width - 8) + "\" y=\"" + std::to_string(y + 16) +
           "\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#1a1a1a\">" +
           xml(bars[i].first) + "</text>\n";
    out += "<rect x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y + 3) + "\" width=\"" +
           std::to_string(w) + "\" height=\"" + std::to_string(row - 6) + "\" fill=\"#2b5f9e\"/>\n";
    out += "<text x=\"" + std::to_string(label_width + w + 6) + "\" y=\"" + std::to_string(y + 16) +
           "\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#1a1a1a\">" + value +
           (unit.empty() ? "" : " " + xml(unit)) + "</text>\n</g>\n";
  }
  return out + "</svg>";
}

std::vector<std::pair<std::string, std::string>> item_analysis_charts(const ItemAnalysis& a) {
  std::vector<std::pair<std::string, std::string>> charts;
  std::vector<std::pair<std::string, double>> bars;
  for (const auto& c : a.columns)
    if (c.students_wrong > 0) bars.push_back({c.column, c.students_wrong});
  const std::string columns = "Students with a wrong number, by column";
  charts.push_back({columns, bar_chart_svg(columns, "One bar per column that has a wrong number: the number of students.", bars, "")});
  bars.clear();
  for (const auto& s : a.slips) bars.push_back({slip_label(s.slip_id), s.students});
  const std::string slips = "Students who made each slip";
  charts.push_back({slips, bar_chart_svg(slips, "One bar per slip: the number of students who made it.", bars, "")});
  bars.clear();
  for (std::size_t r = 0; r < a.first_slip_rows.size(); ++r)
    bars.push_back({"row " + std::to_string(r + 1), a.first_slip_rows[r]});
  const std::string rows = "First slip by row";
  charts.push_back({rows, bar_chart_svg(rows, "One bar per row: the number of students whose first slip is in it.", bars, "")});
  return charts;
}

std::string item_analysis_charts_json(const ItemAnalysis& a) {
  ordered_json j = ordered_json::array();
  for (const auto& [title, svg] : item_analysis_charts(a)) j.push_back({{"title", title}, {"svg", svg}});
  return j.dump();
}

std::string item_analysis_markdown(const ClassGrade& g, const ItemAnalysis& a) {
  const auto n = [](int k, const char* one, const char* many) {
    return std::to_string(k) + " " + (k == 1 ? one : many);
  };
  std::string out = "# What the class got wrong\n\n";
  out += n(a.students, "student", "students") + " graded (" + (g.mode == CheckMode::kStep ? "step" : "start") +
         " mode); mean score " + fixed(a.mean_score, 2) + ", median " + fixed(a.median_score, 2) + " of " +
         points_text(g.rubric.points) + "; " + n(a.no_slip, "student", "students") + " without a slip; " +
         n(static_cast<int>(g.problems.size()), "file", "files") + " with a problem (listed at the end).\n\n";

  const auto charts = item_analysis_charts(a);
  out += "## Columns\n\nHow many students have a wrong number in each column (their own slip or one that "
         "follows from it), how many made a slip of their own there, and how many made their first slip there.\n\n";
  out += charts[0].second + "\n\n";
  out += "| column | students wrong | own slip | first slip |\n|---|---:|---:|---:|\n";
  for (const auto& c : a.columns)
    out += "| " + md_cell(c.column) + " | " + std::to_string(c.students_wrong) + " | " +
           std::to_string(c.students_slip) + " | " + std::to_string(c.first_slips) + " |\n";

  out += "\n## Slips\n\nEach named slip (docs/check.md lists them): how many students made it, and how often.\n\n";
  out += charts[1].second + "\n\n";
  if (a.slips.empty()) out += "No slips.\n";
  else {
    out += "| slip | students | times | for example |\n|---|---:|---:|---|\n";
    for (const auto& s : a.slips)
      out += "| " + md_cell(slip_label(s.slip_id)) + " | " + std::to_string(s.students) + " | " +
             std::to_string(s.times) + " | " + md_cell(s.sentence) + " |\n";
  }

  out += "\n## Where the first slip is\n\nThe row (step) of each student's first slip.\n\n";
  out += charts[2].second + "\n\n| row | students |\n|---:|---:|\n";
  for (std::size_t r = 0; r < a.first_slip_rows.size(); ++r)
    out += "| " + std::to_string(r + 1) + " | " + std::to_string(a.first_slip_rows[r]) + " |\n";
  out += "| no slip | " + std::to_string(a.no_slip) + " |\n";

  out += "\n## Stopped early\n\n";
  if (a.stopped_early.empty()) out += "Every student filled every row.\n";
  for (const auto& s : a.stopped_early)
    out += "- " + md_cell(s.id) + ": " + std::to_string(s.rows) + " of " + std::to_string(s.steps) + " rows\n";

  out += "\n## Problems\n\n";
  if (g.problems.empty()) out += "None: every file was matched and read.\n";
  for (const GradeProblem& p : g.problems)
    out += "- " + md_cell(p.file) + (p.line ? ", line " + std::to_string(p.line) : "") + " (" + p.kind + "): " +
           md_cell(p.message) + "\n";
  return out;
}

}  // namespace nntutor
