// `nntutor check SESSION.json ANSWER [--mode start|step] [--format text|json]`
#include <iostream>

#include "commands.hpp"
#include "nntutor/check.hpp"
#include "options.hpp"

namespace nntutor::cli {

int check(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"SESSION.json: expected a session file or -"}, {"ANSWER: expected an answer file or -"}},
                              "check reads one session and one answer",
                              false,
                              {value("--mode"), choice("--format", {"text", "json"}, "text")}});
  const std::string& session_path = a.positional(0);
  const std::string& answer_path = a.positional(1);
  if (session_path == "-" && answer_path == "-")
    throw SessionError("-: only one of SESSION.json and ANSWER can be standard input");
  const CheckMode mode = a.has("--mode") ? parse_check_mode(a.text("--mode"), "--mode") : CheckMode::kStart;
  const std::string format = a.text("--format");
  const Session session = load_session(session_path);
  const std::string text = read_all(answer_path);
  const CheckReport report =
      prefixed(answer_path, [&] { return check_answer(session, parse_answer(session, text), mode); });
  std::cout << (format == "json" ? check_report_json(report) + "\n" : check_report_text(report));
  return report.wrong > 0 ? 1 : 0;
}

}  // namespace nntutor::cli
