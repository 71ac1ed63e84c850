// nntutor: the command-line shell over the core. Each command is a file of its own over one
// option parser (options.hpp); here only the dispatch and the one place errors are printed.
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) {
  namespace cli = nntutor::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << cli::kUsage;
      return args.empty() ? 2 : 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "table") return cli::table(rest);
    if (args[0] == "equations") return cli::equations(rest);
    if (args[0] == "check") return cli::check(rest);
    if (args[0] == "assignment") return cli::assignment(rest);
    if (args[0] == "tutor") return cli::tutor(rest);
    if (args[0] == "summary") return cli::summary(rest);
    if (args[0] == "train") return cli::train(rest);
    if (args[0] == "gradients") return cli::gradients(rest);
    if (args[0] == "variant") return cli::variant(rest);
    if (args[0] == "grade") return cli::grade(rest);
    if (args[0] == "grade-report") return cli::grade_report(rest);
    if (args[0] == "predict") return cli::predict(rest);
    throw nntutor::SessionError("\"" + args[0] + "\": unknown command (expected table, equations, check, "
                                "assignment, tutor, summary, train, gradients, variant, grade or "
                                "grade-report)");
  } catch (const nntutor::SessionError& e) {
    std::cerr << "nntutor: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "nntutor: internal error: " << e.what() << "\n";
    return 3;
  }
}
