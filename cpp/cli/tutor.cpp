// `nntutor tutor SESSION.json [--step K] [--decimals D] [--format text|json]`: one step worked
// out at the terminal, a prompt per cell and the core's verdict per answer.
#include <iostream>

#include "commands.hpp"
#include "nntutor/table.hpp"
#include "nntutor/tutor.hpp"
#include "options.hpp"

namespace nntutor::cli {

int tutor(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"SESSION.json: expected a session file or -"}},
                              "only one session file is read",
                              false,
                              {whole("--step", 1, Limits::kMaxSteps - 1, "1"), whole("--decimals", 0, 12, "4"),
                               choice("--format", {"text", "json"}, "text")}});
  const std::string format = a.text("--format");
  const int p = static_cast<int>(*a.number("--decimals"));
  const int s = static_cast<int>(*a.number("--step"));
  const std::string& path = a.positional(0);
  if (path == "-" && format == "text")
    throw SessionError("-: the tutor reads your answers from standard input; give the session as a file");
  const Session session = load_session(path);
  const TutorStep asked = prefixed(path, [&] { return tutor_step(session, s); });
  if (format == "json") {
    std::cout << tutor_step_json(asked, p) << "\n";
    return 0;
  }
  std::cout << "Step " << s << ", from";
  for (std::size_t i = 0; i < asked.given.size(); ++i)
    std::cout << (i ? ", " : " ") << asked.given[i].first << " = " << fixed(asked.given[i].second, p);
  std::cout << " (eta = " << exact_text(session.optimizer.learning_rate) << "). Type each number with " << p
            << " decimals; ? reveals it, q stops.\n";
  if (!asked.state.empty()) {  // sgd with momentum: the velocity m ← mu·m − eta·g starts from
    std::cout << "Velocity before this step's update (mu = " << exact_text(session.optimizer.momentum) << "):";
    for (std::size_t i = 0; i < asked.state.size(); ++i)
      std::cout << (i ? ", " : " ") << asked.state[i].first << " = " << fixed(asked.state[i].second, p);
    std::cout << ".\n";
  }
  if (!asked.note.empty()) std::cout << asked.note << "\n";
  int right = 0, rounding = 0, revealed = 0;
  for (const TutorCell& cell : asked.cells) {
    const std::string name = cell.column + (cell.row == s ? "" : " for step " + std::to_string(cell.row));
    for (;;) {
      std::cout << name << " = " << std::flush;
      std::string line;
      if (!std::getline(std::cin, line) || line == "q") {
        std::cout << (std::cin ? "" : "\n") << "Stopped at " << name << ".\n";
        return 1;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line == "?") {
        std::cout << "  revealed: " << fixed(cell.exact, p) << "\n";
        ++revealed;
        break;
      }
      try {
        const TutorCheck c = tutor_check(session, s, cell.column, cell.row, line, p);
        const CellCheck& v = c.cell;
        if (c.decimals_missing) {
          std::cout << "  " << v.why << ".\n";
          continue;
        }
        if (v.verdict == Verdict::kWrong) {
          std::cout << "  wrong: " << v.why << "." << (v.slip.empty() ? "" : " " + v.slip) << "\n"
                    << "  hint: " << v.formula << "\n";
          continue;
        }
        const bool exact = v.verdict == Verdict::kCorrect;
        std::cout << "  " << (exact ? "right" : "right within rounding: " + v.why) << "\n";
        ++(exact ? right : rounding);
        break;
      } catch (const SessionError& e) {
        std::cout << "  " << e.what() << "\n";
      }
    }
  }
  std::cout << "Step " << s << " is worked out: " << right << " right, " << rounding << " within rounding, "
            << revealed << " revealed.\n";
  return 0;
}

}  // namespace nntutor::cli
