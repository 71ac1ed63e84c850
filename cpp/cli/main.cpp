// nntutor: the command-line shell over the core. Argument parsing and printing only.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "nntutor/assignment.hpp"
#include "nntutor/check.hpp"
#include "nntutor/equations.hpp"
#include "nntutor/error.hpp"
#include "nntutor/report.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/tutor.hpp"

namespace {

constexpr const char* kUsage =
    "usage: nntutor table SESSION.json [--steps N] [--format json|csv|markdown|latex] "
    "[--precision P]\n"
    "  Prints the per-step table of gradient descent on the session (SESSION.json, or - for\n"
    "  standard input). json: one JSON object per step at full precision (JSON Lines);\n"
    "  csv, markdown, latex: the lecture's table with P decimals (default 4).\n"
    "  Exit 0 on success (also when the run diverged: that is a result), 2 on bad input.\n"
    "usage: nntutor equations SESSION.json [--step K] [--format latex|json] [--precision P]\n"
    "  Prints the chain rule for every weight and bias at step K (default 1): the symbols,\n"
    "  the step's numbers substituted factor by factor, and their product (= the gradient).\n"
    "usage: nntutor check SESSION.json ANSWER [--mode start|step] [--format text|json]\n"
    "  Checks a student's table (ANSWER: CSV, tab-separated or Markdown, or - for standard\n"
    "  input; one row per step) against the session: each cell correct, rounding or wrong,\n"
    "  with the expected value, its formula and the slip that explains a wrong number.\n"
    "  start: every cell against the exact run; step: each row from your own previous row.\n"
    "  Exit 0 when no cell is wrong, 1 when one is, 2 on bad input.\n"
    "usage: nntutor assignment SESSION.json [--format text|json]\n"
    "  Checks Assignment 4 on the session's network: at least 5 neurons, ReLU or sigmoid used,\n"
    "  the loss falls monotonically over 10 steps at learning rate 0.1, and some rate > 0.1\n"
    "  makes it rise within 10 steps (the smallest such rate found), each with its evidence.\n"
    "  Exit 0 when every requirement passes, 1 when one fails, 2 on bad input.\n"
    "usage: nntutor assignment SESSION.json --report markdown|latex|json [--description FILE]\n"
    "       [--precision P]\n"
    "  Writes the assignment's report instead: the description (FILE, UTF-8, at most 5000\n"
    "  characters, or - for standard input), the network and the requirements checked, the\n"
    "  gradient equations at step 1, and the 10-step tables at 0.1 and at a rate that makes\n"
    "  the loss rise, with P decimals (default 4). latex: a document that compiles on its own.\n"
    "  The same exit codes.\n"
    "usage: nntutor tutor SESSION.json [--step K] [--decimals D] [--format text|json]\n"
    "  Tutor mode: asks for step K's numbers one at a time in the lecture's order (z1, y1, z2,\n"
    "  y2, L, the gradients from the last layer back, the updated parameters), reading one\n"
    "  answer per line from standard input; says right, rounding or wrong (with the slip and\n"
    "  the formula as a hint); ? reveals the value, q stops. json: prints the step's cells and\n"
    "  exact values instead. Exit 0 when the step is worked out, 1 when stopped, 2 on bad input.\n";

std::string read_all(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw nntutor::SessionError(path + ": cannot open the file");
  text << in.rdbuf();
  return text.str();
}

long long whole_number(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw nntutor::SessionError(option + ": expected a whole number, got \"" + text + "\"");
  return value;
}

/// The options the commands share: the files named (one session, for check also an answer)
/// and --name value pairs.
struct Options {
  std::string path;
  std::vector<std::string> more;  ///< files after the first, for commands that take more
  std::vector<std::pair<std::string, std::string>> values;
  const std::string* find(const std::string& name) const {
    for (const auto& [k, v] : values)
      if (k == name) return &v;
    return nullptr;
  }
};

Options parse_options(const std::vector<std::string>& args, const std::vector<std::string>& names,
                      std::size_t files = 1) {
  Options o;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool known = false;
    for (const auto& n : names) known = known || a == n;
    if (known) {
      if (i + 1 >= args.size()) throw nntutor::SessionError(a + ": expected a value after it");
      o.values.emplace_back(a, args[++i]);
    } else if (a.size() > 1 && a[0] == '-') {
      throw nntutor::SessionError(a + ": unknown option (expected " + list + ")");
    } else if (o.path.empty()) {
      o.path = a;
    } else if (o.more.size() + 1 < files) {
      o.more.push_back(a);
    } else if (files > 1) {
      throw nntutor::SessionError(a + ": unexpected argument (check reads one session and one answer)");
    } else {
      throw nntutor::SessionError(a + ": unexpected argument (only one session file is read)");
    }
  }
  if (o.path.empty()) throw nntutor::SessionError("SESSION.json: expected a session file or -");
  return o;
}

nntutor::Session load(const std::string& path) {
  const std::string text = read_all(path);  // its message names the path already
  try {
    return nntutor::parse_session(text);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(path + ": " + e.what());
  }
}

int precision_of(const Options& o) {
  const std::string* p = o.find("--precision");
  const long long precision = p ? whole_number(*p, "--precision") : 4;
  if (precision < 0 || precision > 17)
    throw nntutor::SessionError("--precision: expected a whole number from 0 to 17, got " +
                                std::to_string(precision));
  return static_cast<int>(precision);
}

int table(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--steps", "--format", "--precision"});
  const std::string* f = o.find("--format");
  const nntutor::Format format = f ? nntutor::parse_format(*f, "--format") : nntutor::Format::kCsv;
  const int precision = precision_of(o);
  nntutor::Session session = load(o.path);
  if (const std::string* steps = o.find("--steps"))
    nntutor::set_steps(session, whole_number(*steps, "--steps"), "--steps");
  const nntutor::Trace trace = nntutor::run(session);
  std::cout << nntutor::render(session, trace, format, precision);
  if (trace.diverged)
    std::cerr << "nntutor: diverged at step " << trace.diverged->at << ": "
              << trace.diverged->reason << "\n";
  return 0;
}

int equations(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--step", "--format", "--precision"});
  const std::string* f = o.find("--format");
  const std::string format = f ? *f : "latex";
  if (format != "latex" && format != "json")
    throw nntutor::SessionError("--format: expected latex or json, got \"" + format + "\"");
  const int precision = precision_of(o);
  const nntutor::Session session = load(o.path);
  const std::string* k = o.find("--step");
  const long long step = k ? whole_number(*k, "--step") : 1;
  std::string result;
  try {
    result = nntutor::equations_for_step(session, step, precision);
  } catch (const nntutor::SessionError& e) {
    const std::string what = e.what();  // name the option as the user typed it
    throw nntutor::SessionError(what.rfind("step:", 0) == 0 ? "--" + what : what);
  }
  const auto parsed = nlohmann::ordered_json::parse(result);
  std::cout << (format == "json" ? parsed["equations"].dump() + "\n"
                                 : parsed["latex"].get<std::string>());
  return 0;
}

int check(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--mode", "--format"}, 2);
  if (o.more.empty()) throw nntutor::SessionError("ANSWER: expected an answer file or -");
  const std::string& answer_path = o.more[0];
  if (o.path == "-" && answer_path == "-")
    throw nntutor::SessionError("-: only one of SESSION.json and ANSWER can be standard input");
  const std::string* m = o.find("--mode");
  const nntutor::CheckMode mode = m ? nntutor::parse_check_mode(*m, "--mode") : nntutor::CheckMode::kStart;
  const std::string* f = o.find("--format");
  const std::string format = f ? *f : "text";
  if (format != "text" && format != "json")
    throw nntutor::SessionError("--format: expected text or json, got \"" + format + "\"");
  const nntutor::Session session = load(o.path);
  const std::string text = read_all(answer_path);
  nntutor::CheckReport report;
  try {
    report = nntutor::check_answer(session, nntutor::parse_answer(session, text), mode);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(answer_path + ": " + e.what());
  }
  std::cout << (format == "json" ? nntutor::check_report_json(report) + "\n"
                                 : nntutor::check_report_text(report));
  return report.wrong > 0 ? 1 : 0;
}

/// `assignment --report FORMAT [--description FILE] [--precision P]`: the report document.
int assignment_report(const Options& o, const std::string& report_format) {
  if (o.find("--format"))
    throw nntutor::SessionError("--format: not with --report (the report's format is its value)");
  const nntutor::ReportFormat format = nntutor::parse_report_format(report_format, "--report");
  const int precision = precision_of(o);
  const std::string* description_path = o.find("--description");
  if (description_path && *description_path == "-" && o.path == "-")
    throw nntutor::SessionError("-: only one of SESSION.json and --description can be standard input");
  const nntutor::Session session = load(o.path);
  std::string description;
  if (description_path) {
    description = read_all(*description_path);  // its message names the file already
    try {
      description = nntutor::check_description(description, "description");
    } catch (const nntutor::SessionError& e) {
      throw nntutor::SessionError(*description_path + ": " + e.what());
    }
  }
  nntutor::Report report;
  try {
    report = nntutor::make_report(session, description, precision);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(o.path + ": " + e.what());
  }
  switch (format) {
    case nntutor::ReportFormat::kMarkdown: std::cout << nntutor::report_markdown(report); break;
    case nntutor::ReportFormat::kLatex: std::cout << nntutor::report_latex(report); break;
    case nntutor::ReportFormat::kJson: std::cout << nntutor::report_json(report) << "\n"; break;
  }
  return report.check.passed ? 0 : 1;
}

int assignment(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--format", "--report", "--description", "--precision"});
  if (const std::string* r = o.find("--report")) return assignment_report(o, *r);
  for (const char* only : {"--description", "--precision"})
    if (o.find(only)) throw nntutor::SessionError(std::string(only) + ": only with --report");
  const std::string* f = o.find("--format");
  const std::string format = f ? *f : "text";
  if (format != "text" && format != "json")
    throw nntutor::SessionError("--format: expected text or json, got \"" + format + "\"");
  const nntutor::Session session = load(o.path);
  nntutor::AssignmentReport report;
  try {
    report = nntutor::check_assignment(session);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(o.path + ": " + e.what());
  }
  std::cout << (format == "json" ? nntutor::assignment_json(report) + "\n"
                                 : nntutor::assignment_text(report));
  return report.passed ? 0 : 1;
}

/// One step worked out at the terminal: a prompt per cell, the core's verdict per answer.
int tutor(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--step", "--decimals", "--format"});
  const std::string* f = o.find("--format");
  const std::string format = f ? *f : "text";
  if (format != "text" && format != "json")
    throw nntutor::SessionError("--format: expected text or json, got \"" + format + "\"");
  const std::string* d = o.find("--decimals");
  const long long decimals = d ? whole_number(*d, "--decimals") : 4;
  if (decimals < 0 || decimals > 12)
    throw nntutor::SessionError("--decimals: expected a whole number from 0 to 12, got " + std::to_string(decimals));
  const std::string* k = o.find("--step");
  const long long step = k ? whole_number(*k, "--step") : 1;
  if (step < 1 || step >= nntutor::Limits::kMaxSteps)
    throw nntutor::SessionError("--step: expected a whole number from 1 to " +
                                std::to_string(nntutor::Limits::kMaxSteps - 1) + ", got " + std::to_string(step));
  if (o.path == "-" && format == "text")
    throw nntutor::SessionError("-: the tutor reads your answers from standard input; give the session as a file");
  const nntutor::Session session = load(o.path);
  const int p = static_cast<int>(decimals), s = static_cast<int>(step);
  nntutor::TutorStep asked;
  try {
    asked = nntutor::tutor_step(session, s);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(o.path + ": " + e.what());
  }
  if (format == "json") {
    std::cout << nntutor::tutor_step_json(asked, p) << "\n";
    return 0;
  }
  std::cout << "Step " << s << ", from";
  for (std::size_t i = 0; i < asked.given.size(); ++i)
    std::cout << (i ? ", " : " ") << asked.given[i].first << " = " << nntutor::fixed(asked.given[i].second, p);
  std::cout << " (eta = " << nntutor::exact_text(session.optimizer.learning_rate) << "). Type each number with "
            << p << " decimals; ? reveals it, q stops.\n";
  if (!asked.note.empty()) std::cout << asked.note << "\n";
  int right = 0, rounding = 0, revealed = 0;
  for (const nntutor::TutorCell& cell : asked.cells) {
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
        std::cout << "  revealed: " << nntutor::fixed(cell.exact, p) << "\n";
        ++revealed;
        break;
      }
      try {
        const nntutor::TutorCheck c = nntutor::tutor_check(session, s, cell.column, cell.row, line, p);
        const nntutor::CellCheck& v = c.cell;
        if (c.decimals_missing) {
          std::cout << "  " << v.why << ".\n";
          continue;
        }
        if (v.verdict == nntutor::Verdict::kWrong) {
          std::cout << "  wrong: " << v.why << "." << (v.slip.empty() ? "" : " " + v.slip) << "\n"
                    << "  hint: " << v.formula << "\n";
          continue;
        }
        const bool exact = v.verdict == nntutor::Verdict::kCorrect;
        std::cout << "  " << (exact ? "right" : "right within rounding: " + v.why) << "\n";
        ++(exact ? right : rounding);
        break;
      } catch (const nntutor::SessionError& e) {
        std::cout << "  " << e.what() << "\n";
      }
    }
  }
  std::cout << "Step " << s << " is worked out: " << right << " right, " << rounding << " within rounding, "
            << revealed << " revealed.\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << kUsage;
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "table") return table({args.begin() + 1, args.end()});
    if (args[0] == "equations") return equations({args.begin() + 1, args.end()});
    if (args[0] == "check") return check({args.begin() + 1, args.end()});
    if (args[0] == "assignment") return assignment({args.begin() + 1, args.end()});
    if (args[0] == "tutor") return tutor({args.begin() + 1, args.end()});
    throw nntutor::SessionError("\"" + args[0] + "\": unknown command (expected table, equations, check, assignment or tutor)");
  } catch (const nntutor::SessionError& e) {
    std::cerr << "nntutor: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "nntutor: internal error: " << e.what() << "\n";
    return 3;
  }
}
