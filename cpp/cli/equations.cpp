// `nntutor equations SESSION.json [--step K] [--format latex|json] [--precision P]`
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "nntutor/equations.hpp"
#include "options.hpp"

namespace nntutor::cli {

int equations(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"SESSION.json: expected a session file or -"}},
                              "only one session file is read",
                              false,
                              {whole("--step", LLONG_MIN, LLONG_MAX, "1"), choice("--format", {"latex", "json"}, "latex"),
                               whole("--precision", 0, 17, "4")}});
  const std::string format = a.text("--format");
  const int precision = static_cast<int>(*a.number("--precision"));
  const Session session = load_session(a.positional(0));
  const long long step = *a.number("--step");
  std::string result;
  try {
    result = equations_for_step(session, step, precision);  // the core checks the step's range
  } catch (const SessionError& e) {
    const std::string what = e.what();  // name the option as the user typed it
    throw SessionError(what.rfind("step:", 0) == 0 ? "--" + what : what);
  }
  const auto parsed = nlohmann::ordered_json::parse(result);
  std::cout << (format == "json" ? parsed["equations"].dump() + "\n" : parsed["latex"].get<std::string>());
  return 0;
}

}  // namespace nntutor::cli
