// Grading a class: one submission against its key by the checker, the rubric's score, the plan
// that matches files to ids, and the grade sheet (CSV, JSON, Markdown). docs/grading.md.
#include "nntutor/grade.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "nntutor/error.hpp"
#include "nntutor/numbers.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

namespace {

using nlohmann::ordered_json;

const char* scheme_name(Rubric::Scheme s) { return s == Rubric::Scheme::kRows ? "rows" : "cells"; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string basename(const std::string& name) {
  const auto slash = name.find_last_of("/\\");
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

/// The extension after the last dot of the base name, lower case ("" if none).
std::string extension(const std::string& name) {
  const std::string base = basename(name);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? "" : lower(base.substr(dot + 1));
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && lower(s.substr(s.size() - tail.size())) == tail;
}

/// "line N" at the start of a reader's message (0 if none).
int message_line(const std::string& message) {
  if (message.rfind("line ", 0) != 0) return 0;
  int line = 0;
  for (std::size_t i = 5; i < message.size() && i < 14 && std::isdigit(static_cast<unsigned char>(message[i])); ++i)
    line = line * 10 + (message[i] - '0');
  return line;
}

/// The columns a key's table has (the step and mini-batch markers are not answers).
std::vector<std::string> key_columns(const Session& key) {
  std::vector<std::string> out;
  for (const Column& c : table_columns(key.network, key.batch.samples(), key.optimizer))
    if (c.kind != Column::Kind::kStep && c.kind != Column::Kind::kBatch) out.push_back(c.name);
  return out;
}

double weight_of(const Rubric& rubric, const std::string& column) {
  const auto it = rubric.weights.find(column_group(column));
  return it == rubric.weights.end() ? 1 : it->second;
}

}  // namespace

// ---- Rubric ----

std::string points_text(double v) {
  return v == std::floor(v) && std::fabs(v) < 1e15 ? std::to_string(static_cast<long long>(v)) : shortest_number(v);
}

std::string column_group(const std::string& column) {
  if (column.rfind("dL/d", 0) == 0) return "gradients";
  if (column == "L") return "loss";
  const char first = column.empty() ? ' ' : column[0];
  const bool indexed = column.size() > 1 && std::isdigit(static_cast<unsigned char>(column[1]));
  if (indexed && (first == 'w' || first == 'b')) return "parameters";
  if (indexed && (first == 'z' || first == 'y')) return "forward";
  return "other";
}

Rubric parse_rubric(std::string_view json_text) {
  nlohmann::json j;  // parsed as the session is (one JSON reader in the module)
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    throw SessionError(std::string("rubric: not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) throw SessionError("rubric: expected a JSON object such as {\"scheme\": \"cells\"}");
  Rubric r;
  const auto number = [&](const char* field, double lo, double hi) {
    const auto& v = j[field];
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi)
      throw SessionError(std::string("rubric.") + field + ": expected a number from " + shortest_number(lo) +
                         " to " + shortest_number(hi) + ", got " + v.dump());
    return v.get<double>();
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "scheme") {
      if (it->is_string() && *it == "cells") r.scheme = Rubric::Scheme::kCells;
      else if (it->is_string() && *it == "rows") r.scheme = Rubric::Scheme::kRows;
      else throw SessionError("rubric.scheme: expected \"cells\" or \"rows\", got " + it->dump());
    } else if (key == "points") {
      r.points = number("points", 0, 1e6);
    } else if (key == "rounding") {
      r.rounding = number("rounding", 0, 1);
    } else if (key == "follows") {
      if (it->is_string() && *it == "right") r.follows_right = true;
      else if (it->is_string() && *it == "wrong") r.follows_right = false;
      else throw SessionError("rubric.follows: expected \"right\" or \"wrong\", got " + it->dump());
    } else if (key == "weights") {
      if (!it->is_object()) throw SessionError("rubric.weights: expected an object such as {\"gradients\": 2}");
      for (auto w = it->begin(); w != it->end(); ++w) {
        if (!r.weights.count(w.key()))
          throw SessionError("rubric.weights." + w.key() +
                             ": unknown column group (expected parameters, forward, loss, gradients or other)");
        if (!w->is_number() || w->get<double>() < 0 || w->get<double>() > 1e6 || !std::isfinite(w->get<double>()))
          throw SessionError("rubric.weights." + w.key() + ": expected a number from 0 to 1e+06, got " + w->dump());
        r.weights[w.key()] = w->get<double>();
      }
      if (std::all_of(r.weights.begin(), r.weights.end(), [](const auto& w) { return w.second == 0; }))
        throw SessionError("rubric.weights: at least one group needs a weight above 0");
    } else {
      throw SessionError("rubric." + key + ": unknown field (expected scheme, points, rounding, follows or weights)");
    }
  }
  return r;
}

namespace {

ordered_json rubric_object(const Rubric& r) {
  ordered_json j;
  j["scheme"] = scheme_name(r.scheme);
  j["points"] = r.points;
  j["rounding"] = r.rounding;
  j["follows"] = r.follows_right ? "right" : "wrong";
  ordered_json w = ordered_json::object();
  for (const char* g : {"parameters", "forward", "loss", "gradients", "other"}) w[g] = r.weights.at(g);
  j["weights"] = w;
  return j;
}

}  // namespace

std::string rubric_json(const Rubric& r) { return rubric_object(r).dump(); }

// ---- One submission ----

StudentGrade grade_submission(const Session& key, std::string_view text, const Rubric& rubric, CheckMode mode) {
  const Answer answer = parse_answer(key, text);
  const CheckReport report = check_answer(key, answer, mode);
  StudentGrade g;
  g.rows = static_cast<int>(answer.rows.size());
  g.steps = key.steps;
  g.correct = report.correct;
  g.rounding = report.rounding;
  g.wrong = report.wrong;
  g.follows = report.follows;
  g.columns = key_columns(key);
  g.points = rubric.points;
  g.expected = g.steps * static_cast<int>(g.columns.size());

  // Credit per (row, column) of the key's table; a cell the student left out scores nothing.
  std::map<std::pair<int, std::string>, double> credit;
  for (const CellCheck& c : report.cells) {
    double k = 0;
    if (c.verdict == Verdict::kCorrect) k = 1;
    else if (c.verdict == Verdict::kRounding) k = rubric.rounding;
    else if (c.follows) k = rubric.follows_right ? 1 : 0;
    const bool slip = c.verdict == Verdict::kWrong && !c.follows;
    if (c.verdict == Verdict::kWrong) ++g.wrong_by_column[c.column];
    if (slip) {
      ++g.slips;
      g.all_slips.push_back({c.row, c.column, c.given, c.expected, c.slip_id, c.slip});
    }
    if (c.row <= g.steps) credit[{c.row, c.column}] = k;
  }
  if (report.first_wrong) {
    const CellCheck& c = report.cells[*report.first_wrong];
    g.first_slip = StudentGrade::Slip{c.row, c.column, c.given, c.expected, c.slip_id, c.slip};
  }
  double earned = 0, total = 0;
  for (int row = 1; row <= g.steps; ++row) {
    double row_earned = 0, row_total = 0;
    bool all = true;
    for (const std::string& column : g.columns) {
      const double w = weight_of(rubric, column);
      const auto it = credit.find({row, column});
      if (it == credit.end()) ++g.missing;
      const double k = it == credit.end() ? 0 : it->second;
      if (w > 0 && k == 0) all = false;
      row_earned += w * k;
      row_total += w;
    }
    if (rubric.scheme == Rubric::Scheme::kRows) {
      earned += all && row_total > 0 ? row_earned / row_total : 0;
      total += 1;
    } else {
      earned += row_earned;
      total += row_total;
    }
  }
  g.score = total > 0 ? rubric.points * earned / total : 0;
  return g;
}

// ---- Matching files to ids ----

std::string file_id(const std::string& name) {
  const std::string base = basename(name);
  const auto dot = base.find('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

namespace {

bool is_key_file(const std::string& name) { return ends_with(basename(name), ".json"); }

bool is_submission_file(const std::string& name) {
  const std::string ext = extension(name);
  return ext == "csv" || ext == "md" || ext == "txt" || ext == "tsv";
}

bool problem_order(const GradeProblem& a, const GradeProblem& b) {
  return std::tie(a.id, a.file, a.kind) < std::tie(b.id, b.file, b.kind);
}

}  // namespace

GradePlan plan_grading(const std::vector<std::string>& key_files, const std::vector<std::string>& submission_files) {
  GradePlan plan;
  std::map<std::string, std::vector<std::string>> keys, subs;
  for (const std::string& k : key_files)
    if (is_key_file(k) && !file_id(k).empty()) keys[file_id(k)].push_back(k);
  for (const std::string& s : submission_files) {
    if (!is_submission_file(s) || file_id(s).empty()) {
      plan.problems.push_back({s, file_id(s), "not-a-submission", 0,
                               "not a submission: expected a .csv, .md, .txt or .tsv file named by the student's id"});
      continue;
    }
    subs[file_id(s)].push_back(s);
  }
  for (auto& [id, files] : keys) {
    std::sort(files.begin(), files.end());
    if (files.size() > 1)
      for (const std::string& f : files)
        plan.problems.push_back({f, id, "duplicate-key", 0,
                                 "two keys for " + id + " (" + files[0] + " and " + files[1] +
                                     "): neither is used, so " + id + " is not graded"});
  }
  for (auto& [id, files] : subs) {
    std::sort(files.begin(), files.end());
    if (files.size() > 1) {
      for (const std::string& f : files)
        plan.problems.push_back({f, id, "duplicate", 0,
                                 "two submissions for " + id + " (" + files[0] + " and " + files[1] +
                                     "): neither is graded; keep one"});
      continue;
    }
    const auto key = keys.find(id);
    if (key == keys.end()) {
      plan.problems.push_back({files[0], id, "no-key", 0,
                               "no key for " + id + " (expected " + id + ".session.json or " + id +
                                   ".json among the keys)"});
      continue;
    }
    if (key->second.size() > 1) continue;  // the duplicate key is named above
    plan.tasks.push_back({id, files[0], key->second[0]});
  }
  for (const auto& [id, files] : keys)
    if (!subs.count(id) && files.size() == 1)
      plan.problems.push_back({files[0], id, "no-submission", 0, "no submission from " + id});
  std::sort(plan.problems.begin(), plan.problems.end(), problem_order);
  return plan;
}

// ---- The class ----

void ClassGrader::add_key(GradeFile file) { keys_[file.name] = std::move(file.text); }

void ClassGrader::add_submission(GradeFile file) { submissions_[file.name] = std::move(file.text); }

void ClassGrader::add_unreadable(const std::string& name, const std::string& message) {
  unreadable_.push_back({name, file_id(name), "unreadable", message_line(message), message});
}

std::size_t ClassGrader::plan() {
  std::vector<std::string> keys, subs;
  for (const auto& k : keys_) keys.push_back(k.first);
  for (const auto& s : submissions_) subs.push_back(s.first);
  // A file that could not be read is listed once, as unreadable, not again as unmatched.
  for (const auto& u : unreadable_) subs.erase(std::remove(subs.begin(), subs.end(), u.file), subs.end());
  plan_ = plan_grading(keys, subs);
  students_.clear();
  problems_.clear();
  return plan_.tasks.size();
}

void ClassGrader::grade(std::size_t i) {
  const GradeTask& task = plan_.tasks.at(i);
  auto cached = sessions_.find(task.key);
  if (cached == sessions_.end()) {
    std::optional<Session> session;
    try {
      session = parse_session(keys_.at(task.key));
      require_gradient_descent(*session, "check");  // a key the checker cannot grade is the key's problem
    } catch (const SessionError& e) {
      session.reset();
      problems_.push_back({task.key, task.id, "bad-key", 0, std::string("the key cannot be read: ") + e.what()});
    }
    cached = sessions_.emplace(task.key, std::move(session)).first;
  }
  if (!cached->second) {
    problems_.push_back({task.submission, task.id, "bad-key", 0,
                         "not graded: its key " + task.key + " cannot be read"});
    return;
  }
  try {
    StudentGrade g = grade_submission(*cached->second, submissions_.at(task.submission), rubric_, mode_);
    g.id = task.id;
    g.file = task.submission;
    g.key_file = task.key;
    students_.push_back(std::move(g));
  } catch (const SessionError& e) {
    problems_.push_back({task.submission, task.id, "unreadable", message_line(e.what()), e.what()});
  }
}

ClassGrade ClassGrader::result() const {
  ClassGrade out;
  out.mode = mode_;
  out.rubric = rubric_;
  out.students = students_;
  std::sort(out.students.begin(), out.students.end(),
            [](const StudentGrade& a, const StudentGrade& b) { return a.id < b.id; });
  out.problems = unreadable_;
  out.problems.insert(out.problems.end(), plan_.problems.begin(), plan_.problems.end());
  out.problems.insert(out.problems.end(), problems_.begin(), problems_.end());
  std::sort(out.problems.begin(), out.problems.end(), problem_order);
  return out;
}

ClassGrade grade_class(const std::vector<GradeFile>& keys, const std::vector<GradeFile>& submissions,
                       const Rubric& rubric, CheckMode mode) {
  ClassGrader grader(rubric, mode);
  for (const GradeFile& k : keys) grader.add_key(k);
  for (const GradeFile& s : submissions) grader.add_submission(s);
  const std::size_t n = grader.plan();
  for (std::size_t i = 0; i < n; ++i) grader.grade(i);
  return grader.result();
}

// ---- The grade sheet ----

namespace {

std::string score_text(double score) { return fixed(score, 2); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

/// One line of the sheet: a graded student or a problem, in the order of ids.
struct SheetRow {
  std::string id, file;
  const StudentGrade* student = nullptr;
  const GradeProblem* problem = nullptr;
};

std::vector<SheetRow> sheet_rows(const ClassGrade& g) {
  std::vector<SheetRow> rows;
  for (const auto& s : g.students) rows.push_back({s.id, s.file, &s, nullptr});
  for (const auto& p : g.problems) rows.push_back({p.id, p.file, nullptr, &p});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const SheetRow& a, const SheetRow& b) { return std::tie(a.id, a.file) < std::tie(b.id, b.file); });
  return rows;
}

ordered_json slip_json(const StudentGrade::Slip& s) {
  ordered_json j;
  j["row"] = s.row;
  j["column"] = s.column;
  j["given"] = s.given;
  j["expected"] = s.expected;
  j["slip_id"] = s.slip_id.empty() ? ordered_json(nullptr) : ordered_json(s.slip_id);
  j["slip"] = s.slip;
  return j;
}

}  // namespace

std::string grade_sheet_csv(const ClassGrade& g) {
  std::string out =
      "id,file,status,rows,steps,correct,rounding,wrong,follows,slips,missing,first_slip_row,"
      "first_slip_column,first_slip_id,first_slip,score,points,line,message\n";
  for (const SheetRow& r : sheet_rows(g)) {
    if (r.student) {
      const StudentGrade& s = *r.student;
      const auto& f = s.first_slip;
      out += csv_field(s.id) + "," + csv_field(s.file) + ",graded," + std::to_string(s.rows) + "," +
             std::to_string(s.steps) + "," + std::to_string(s.correct) + "," + std::to_string(s.rounding) + "," +
             std::to_string(s.wrong) + "," + std::to_string(s.follows) + "," + std::to_string(s.slips) + "," +
             std::to_string(s.missing) + "," + (f ? std::to_string(f->row) : "") + "," +
             csv_field(f ? f->column : "") + "," + csv_field(f ? f->slip_id : "") + "," +
             csv_field(f ? f->slip : "") + "," + score_text(s.score) + "," + points_text(s.points) + ",,\n";
    } else {
      const GradeProblem& p = *r.problem;
      out += csv_field(p.id) + "," + csv_field(p.file) + "," + p.kind + ",,,,,,,,,,,,,,," +
             (p.line ? std::to_string(p.line) : "") + "," + csv_field(p.message) + "\n";
    }
  }
  return out;
}

std::string grade_sheet_json(const ClassGrade& g) {
  ordered_json j;
  j["mode"] = g.mode == CheckMode::kStep ? "step" : "start";
  j["rubric"] = rubric_object(g.rubric);
  ordered_json students = ordered_json::array();
  for (const StudentGrade& s : g.students) {
    ordered_json x;
    x["id"] = s.id;
    x["file"] = s.file;
    x["key"] = s.key_file;
    x["rows"] = s.rows;
    x["steps"] = s.steps;
    x["correct"] = s.correct;
    x["rounding"] = s.rounding;
    x["wrong"] = s.wrong;
    x["follows"] = s.follows;
    x["slips"] = s.slips;
    x["missing"] = s.missing;
    x["expected"] = s.expected;
    x["stopped_early"] = s.stopped_early();
    x["first_slip"] = s.first_slip ? slip_json(*s.first_slip) : ordered_json(nullptr);
    ordered_json all = ordered_json::array();
    for (const auto& slip : s.all_slips) all.push_back(slip_json(slip));
    x["all_slips"] = all;
    x["score"] = std::round(s.score * 100) / 100;
    x["points"] = s.points;
    students.push_back(x);
  }
  j["students"] = students;
  ordered_json problems = ordered_json::array();
  for (const GradeProblem& p : g.problems)
    problems.push_back({{"file", p.file}, {"id", p.id}, {"kind", p.kind},
                        {"line", p.line ? ordered_json(p.line) : ordered_json(nullptr)}, {"message", p.message}});
  j["problems"] = problems;
  // The analysis's text spliced in, so its JSON is written in one place (item_analysis_json).
  j["analysis"] = nullptr;
  std::string text = j.dump();
  const std::string tail = "\"analysis\":null}";
  return text.substr(0, text.size() - tail.size()) + "\"analysis\":" + item_analysis_json(item_analysis(g)) + "}";
}

std::string grade_sheet_markdown(const ClassGrade& g) {
  const auto cell = [](std::string s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : c == '<' ? std::string("&lt;") : std::string(1, c);
    return out;
  };
  std::string out = "# Grade sheet\n\n" + std::to_string(g.students.size()) + " graded, " +
                    std::to_string(g.problems.size()) + (g.problems.size() == 1 ? " problem" : " problems") +
                    "; " + (g.mode == CheckMode::kStep ? "step" : "start") + " mode.\n\n";
  out += "| id | file | rows | correct | rounding | wrong | follows | first slip | score |\n"
         "|---|---|---:|---:|---:|---:|---:|---|---:|\n";
  for (const StudentGrade& s : g.students) {
    std::string first = "—";
    if (s.first_slip)
      first = s.first_slip->column + " in row " + std::to_string(s.first_slip->row) +
              (s.first_slip->slip_id.empty() ? "" : " (" + s.first_slip->slip_id + ")");
    out += "| " + cell(s.id) + " | " + cell(s.file) + " | " + std::to_string(s.rows) + " of " +
           std::to_string(s.steps) + " | " + std::to_string(s.correct) + " | " + std::to_string(s.rounding) + " | " +
           std::to_string(s.wrong) + " | " + std::to_string(s.follows) + " | " + cell(first) + " | " +
           score_text(s.score) + " / " + points_text(s.points) + " |\n";
  }
  if (!g.problems.empty()) {
    out += "\n## Problems\n\n";
    for (const GradeProblem& p : g.problems)
      out += "- " + cell(p.file) + (p.line ? ", line " + std::to_string(p.line) : "") + " (" + p.kind + "): " +
             cell(p.message) + "\n";
  }
  return out;
}

}  // namespace nntutor
