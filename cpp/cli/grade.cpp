// `nntutor grade KEYS/ SUBMISSIONS/ [--rubric FILE] [--format csv|json|markdown]
//  [--analysis FILE.md] [--mode start|step]`: a class's tables against their keys.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "nntutor/grade.hpp"
#include "options.hpp"

namespace nntutor::cli {

namespace {

namespace fs = std::filesystem;

/// The regular files directly in `dir`, by name; SessionError when it is not a folder.
std::vector<fs::path> files_in(const std::string& dir, const std::string& what) {
  std::error_code error;
  if (!fs::is_directory(dir, error))
    throw SessionError(dir + ": not a folder (" + what + " is a folder of files named by student id)");
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir, error))
    if (entry.is_regular_file(error)) out.push_back(entry.path());
  if (error) throw SessionError(dir + ": cannot list the folder (" + error.message() + ")");
  std::sort(out.begin(), out.end());
  return out;
}

/// The file's text, or nullopt when it cannot be read.
std::optional<std::string> try_read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int grade(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"KEYS: expected a folder of keys (<id>.session.json)"},
                               {"SUBMISSIONS: expected a folder of submissions (<id>.csv, .md or .txt)"}},
                              "grade reads one folder of keys and one of submissions",
                              false,
                              {value("--rubric"), choice("--format", {"csv", "json", "markdown"}, "csv"),
                               value("--analysis"), value("--mode")}});
  const CheckMode mode = a.has("--mode") ? parse_check_mode(a.text("--mode"), "--mode") : CheckMode::kStart;
  const std::string format = a.text("--format");
  Rubric rubric;
  if (const std::string* path = a.given("--rubric")) {
    const std::string text = read_all(*path);
    rubric = prefixed(*path, [&] { return parse_rubric(text); });
  }
  const std::vector<fs::path> keys = files_in(a.positional(0), "KEYS");
  const std::vector<fs::path> submissions = files_in(a.positional(1), "SUBMISSIONS");

  ClassGrader grader(rubric, mode);
  for (const fs::path& k : keys) {
    if (k.extension() != ".json") continue;  // a variant's sheet and key table sit beside the keys
    if (auto text = try_read(k)) grader.add_key({k.filename().string(), std::move(*text)});
    else grader.add_unreadable(k.filename().string(), "cannot open the key");
  }
  for (const fs::path& s : submissions) {
    if (auto text = try_read(s)) grader.add_submission({s.filename().string(), std::move(*text)});
    else grader.add_unreadable(s.filename().string(), "cannot open the file");
  }
  const std::size_t n = grader.plan();
  for (std::size_t i = 0; i < n; ++i) grader.grade(i);
  const ClassGrade result = grader.result();

  if (const std::string* path = a.given("--analysis")) {
    std::ofstream out(*path, std::ios::binary);
    if (!out) throw SessionError(*path + ": cannot write the file");
    out << item_analysis_markdown(result, item_analysis(result));
  }
  if (format == "json") std::cout << grade_sheet_json(result) << "\n";
  else if (format == "markdown") std::cout << grade_sheet_markdown(result);
  else std::cout << grade_sheet_csv(result);
  // Every problem is in the sheet; standard error names them too, so none passes unseen.
  for (const GradeProblem& p : result.problems)
    std::cerr << "nntutor: grade: " << p.file << (p.line ? ", line " + std::to_string(p.line) : "") << ": "
              << p.message << "\n";
  return result.problems.empty() ? 0 : 1;
}

}  // namespace nntutor::cli
