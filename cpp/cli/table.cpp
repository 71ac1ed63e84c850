// `nntutor table SESSION.json [--steps N] [--format json|csv|markdown|latex] [--precision P]`
#include <iostream>

#include "commands.hpp"
#include "nntutor/table.hpp"
#include "options.hpp"

namespace nntutor::cli {

int table(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"SESSION.json: expected a session file or -"}},
                              "only one session file is read",
                              false,
                              {whole("--steps"), value("--format"), whole("--precision", 0, 17, "4")}});
  // The core checks the format and the number of steps, named as the user typed them.
  const Format format = a.has("--format") ? parse_format(a.text("--format"), "--format") : Format::kCsv;
  const int precision = static_cast<int>(*a.number("--precision"));
  Session session = load_session(a.positional(0));
  if (const auto steps = a.number("--steps")) set_steps(session, *steps, "--steps");
  const Trace trace = run(session);
  std::cout << render(session, trace, format, precision);
  if (trace.diverged)
    std::cerr << "nntutor: diverged at step " << trace.diverged->at << ": " << trace.diverged->reason << "\n";
  return 0;
}

}  // namespace nntutor::cli
