// `nntutor grade-report REPORT.md|REPORT.tex [--network NET.json] [--format text|json]` and
// `nntutor grade-report --network NET.json --table01 A.csv --table-high B.csv [--eta E]
//  [--description FILE]`: an Assignment 4 report against the assignment's rubric.
#include <iostream>

#include "commands.hpp"
#include "nntutor/assignment_grade.hpp"
#include "nntutor/check.hpp"
#include "options.hpp"

namespace nntutor::cli {

namespace {

/// The learning rate of the second table: --eta, or the first of the assignment's sweep that
/// makes the network's loss rise.
double high_rate(const Args& a, const Session& network) {
  if (const std::string* eta = a.given("--eta")) {
    const AnswerCell c = read_answer_number(*eta, "--eta");
    if (!(c.value > kAssignmentRate))
      throw SessionError("--eta: expected a learning rate above 0.1, got " + *eta);
    return c.value;
  }
  const AssignmentReport r = check_assignment(network);
  for (const AssignmentRun& run : r.sweep)
    if (run.rises()) return run.learning_rate;
  throw SessionError("--eta: no learning rate up to 1000 makes this network's loss rise; name the table's rate");
}

}  // namespace

int grade_report(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"REPORT: expected a report file (.md or .tex) or --table01", false}},
                              "grade-report reads one report",
                              false,
                              {value("--network"), value("--table01"), value("--table-high"), value("--eta"),
                               value("--description"), choice("--format", {"text", "json"}, "text")}});
  std::optional<Session> network;
  if (const std::string* path = a.given("--network")) network = load_session(*path);
  SubmittedReport report;
  if (a.positionals() == 1) {
    for (const char* only : {"--table01", "--table-high", "--eta", "--description"})
      if (a.has(only)) throw SessionError(std::string(only) + ": not with a REPORT (only with --network and the tables)");
    const std::string& path = a.positional(0);
    const std::string text = read_all(path);
    report = read_report(text);
  } else {
    if (!network || !a.has("--table01") || !a.has("--table-high"))
      throw SessionError("grade-report: expected REPORT, or --network NET.json --table01 A.csv --table-high B.csv");
    report.format = "parts";
    report.low = SubmittedReport::Table{kAssignmentRate, read_all(*a.given("--table01"))};
    report.high = SubmittedReport::Table{prefixed(*a.given("--network"), [&] { return high_rate(a, *network); }),
                                         read_all(*a.given("--table-high"))};
    if (const std::string* d = a.given("--description")) report.description = read_all(*d);
  }
  const ReportGrade g = prefixed(a.positionals() == 1 ? a.positional(0) : *a.given("--network"),
                                 [&] { return grade_report(report, network); });
  std::cout << (a.text("--format") == "json" ? report_grade_json(g) + "\n" : report_grade_text(g));
  bool passed = g.score >= g.points - 1e-9;
  for (const Requirement& r : g.requirements) passed = passed && r.passed;
  return passed ? 0 : 1;
}

}  // namespace nntutor::cli
