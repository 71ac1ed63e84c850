// `nntutor graph --family er|ba|ws --nodes N [--p P] [--m M] [--k K] --seed S [--activation A]
// [--inputs D] [--stats] [--steps-animation] [--format json|markdown]`: a randomly wired
// network as a graph session (docs/graph.md), its statistics or its generator's steps.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "nntutor/graph_random.hpp"
#include "options.hpp"

namespace nntutor::cli {

int graph(const std::vector<std::string>& args) {
  const char* const names[] = {"--family", "--nodes", "--p", "--m", "--k", "--seed", "--activation",
                               "--output-activation", "--inputs", "--outputs"};
  std::vector<Option> options;
  for (const char* name : names) options.push_back(value(name));
  options.push_back(flag("--stats"));
  options.push_back(flag("--steps-animation"));
  options.push_back(choice("--format", {"json", "markdown"}, "json"));
  const Args a = parse(args, {{}, "graph reads no file (it draws a graph from the options)", false, options});
  if (!a.has("--family")) throw SessionError("--family: expected er, ba or ws (required)");
  if (!a.has("--nodes")) throw SessionError("--nodes: expected the number of nodes (required)");
  if (!a.has("--seed")) throw SessionError("--seed: expected a whole number (required)");
  // The request the core reads; its messages name the request's fields, given back as options.
  nlohmann::json request = nlohmann::json::object();
  for (const char* name : names) {
    if (!a.has(name)) continue;
    std::string key = std::string(name).substr(2);
    for (char& c : key)
      if (c == '-') c = '_';
    const std::string text = a.text(name);
    const auto j = nlohmann::json::parse(text, nullptr, false);
    request[key] = !j.is_discarded() && j.is_number() ? j : nlohmann::json(text);
  }
  std::string out;
  try {
    if (a.has("--steps-animation")) {
      out = generator_steps_json(request.dump());
    } else if (a.has("--stats")) {
      const GeneratorRequest r = parse_generator_request(request.dump());
      out = undirected_statistics_json(random_graph(r), &r);
      if (a.text("--format") == "markdown") {
        std::cout << nlohmann::json::parse(out)["markdown"].get<std::string>();
        return 0;
      }
    } else {
      out = generate_json(request.dump());
    }
  } catch (const SessionError& e) {
    std::string what = e.what();  // "p: …" → "--p: …", "output_activation: …" → "--output-activation: …"
    const auto colon = what.find(':');
    if (colon != std::string::npos && what.find_first_of(" .[", 0) > colon) {
      std::string key = what.substr(0, colon);
      for (char& c : key)
        if (c == '_') c = '-';
      what = "--" + key + what.substr(colon);
    }
    throw SessionError(what);
  }
  std::cout << out << "\n";
  return 0;
}

}  // namespace nntutor::cli
