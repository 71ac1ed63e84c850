// nntutor: the command-line shell over the core. Argument parsing and printing only.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "nntutor/error.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace {

constexpr const char* kUsage =
    "usage: nntutor table SESSION.json [--steps N] [--format json|csv|markdown|latex] "
    "[--precision P]\n"
    "  Prints the per-step table of gradient descent on the session (SESSION.json, or - for\n"
    "  standard input). json: one JSON object per step at full precision (JSON Lines);\n"
    "  csv, markdown, latex: the lecture's table with P decimals (default 4).\n"
    "  Exit 0 on success (also when the run diverged: that is a result), 2 on bad input.\n";

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

int table(const std::vector<std::string>& args) {
  std::string path;
  long long steps = -1, precision = 4;
  nntutor::Format format = nntutor::Format::kCsv;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--steps" || a == "--format" || a == "--precision") {
      if (i + 1 >= args.size()) throw nntutor::SessionError(a + ": expected a value after it");
      const std::string& v = args[++i];
      if (a == "--steps") steps = whole_number(v, a);
      else if (a == "--format") format = nntutor::parse_format(v, a);
      else precision = whole_number(v, a);
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      throw nntutor::SessionError(a + ": unknown option (expected --steps, --format or --precision)");
    } else if (path.empty()) {
      path = a;
    } else {
      throw nntutor::SessionError(a + ": unexpected argument (only one session file is read)");
    }
  }
  if (path.empty()) throw nntutor::SessionError("SESSION.json: expected a session file or -");
  if (precision < 0 || precision > 17)
    throw nntutor::SessionError("--precision: expected a whole number from 0 to 17, got " +
                                std::to_string(precision));
  nntutor::Session session;
  try {
    session = nntutor::parse_session(read_all(path));
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(path + ": " + e.what());
  }
  if (steps >= 0) nntutor::set_steps(session, steps, "--steps");
  const nntutor::Trace trace = nntutor::run(session);
  std::cout << nntutor::render(session, trace, format, static_cast<int>(precision));
  if (trace.diverged)
    std::cerr << "nntutor: diverged at step " << trace.diverged->at << ": "
              << trace.diverged->reason << "\n";
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
    throw nntutor::SessionError("\"" + args[0] + "\": unknown command (expected table)");
  } catch (const nntutor::SessionError& e) {
    std::cerr << "nntutor: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "nntutor: internal error: " << e.what() << "\n";
    return 3;
  }
}
