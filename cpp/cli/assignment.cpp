// `nntutor assignment SESSION.json [--format text|json]` and
// `nntutor assignment SESSION.json --report markdown|latex|json [--description FILE] [--precision P]`
#include <iostream>

#include "commands.hpp"
#include "nntutor/assignment.hpp"
#include "nntutor/report.hpp"
#include "options.hpp"

namespace nntutor::cli {

namespace {

/// `--report FORMAT [--description FILE] [--precision P]`: the report document.
int report(const Args& a) {
  if (a.has("--format")) throw SessionError("--format: not with --report (the report's format is its value)");
  const ReportFormat format = parse_report_format(a.text("--report"), "--report");
  const int precision = static_cast<int>(*a.number("--precision"));
  const std::string& session_path = a.positional(0);
  const std::string* description_path = a.given("--description");
  if (description_path && *description_path == "-" && session_path == "-")
    throw SessionError("-: only one of SESSION.json and --description can be standard input");
  const Session session = load_session(session_path);
  std::string description;
  if (description_path) {
    description = read_all(*description_path);  // its message names the file already
    description = prefixed(*description_path, [&] { return check_description(description, "description"); });
  }
  const Report r = prefixed(session_path, [&] { return make_report(session, description, precision); });
  switch (format) {
    case ReportFormat::kMarkdown: std::cout << report_markdown(r); break;
    case ReportFormat::kLatex: std::cout << report_latex(r); break;
    case ReportFormat::kJson: std::cout << report_json(r) << "\n"; break;
  }
  return r.check.passed ? 0 : 1;
}

}  // namespace

int assignment(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"SESSION.json: expected a session file or -"}},
                              "only one session file is read",
                              false,
                              {choice("--format", {"text", "json"}, "text"), value("--report"),
                               value("--description"), whole("--precision", 0, 17, "4")}});
  if (a.has("--report")) return report(a);
  for (const char* only : {"--description", "--precision"})
    if (a.has(only)) throw SessionError(std::string(only) + ": only with --report");
  const std::string format = a.text("--format");
  const std::string& session_path = a.positional(0);
  const Session session = load_session(session_path);
  const AssignmentReport r = prefixed(session_path, [&] { return check_assignment(session); });
  std::cout << (format == "json" ? assignment_json(r) + "\n" : assignment_text(r));
  return r.passed ? 0 : 1;
}

}  // namespace nntutor::cli
