// `nntutor gradients [SESSION.json] [--depth N --width N --activation A --alpha A --init I
// --scale S --seed S --x X --y Y] [--format text|json]`: |∂L/∂W| per layer at step 1, of a
// session or of the explorer's deep chain (the numbers of web/explorer.html).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "nntutor/explorer.hpp"
#include "options.hpp"

namespace nntutor::cli {

namespace {

const char* const kChainOptions[] = {"--depth", "--width", "--activation", "--alpha", "--init",
                                     "--scale", "--seed", "--x", "--y"};

/// The option's text as a JSON value: a number when it reads as one, else the text (so the core
/// names the option and says what it expected).
nlohmann::json value_of(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  return !j.is_discarded() && j.is_number() ? j : nlohmann::json(text);
}

std::string cell(const nlohmann::json& layer, const char* key, const char* text_key) {
  return layer[key].is_null() ? layer[text_key].get<std::string>() : [&] {
    char t[32];
    std::snprintf(t, sizeof t, "%.6e", layer[key].get<double>());
    return std::string(t);
  }();
}

void print_layers(const nlohmann::json& result) {
  std::printf("%-6s %-14s %-34s %-34s %s\n", "layer", "units×inputs", "|dL/dW| (Frobenius)",
              "mean |dL/dw|", "log10 |dL/dW|");
  for (const auto& l : result["layers"]) {
    const std::string shape = std::to_string(l["units"].get<int>()) + "×" + std::to_string(l["inputs"].get<int>());
    char log10[32] = "—";
    if (!l["log10_frobenius"].is_null()) std::snprintf(log10, sizeof log10, "%.3f", l["log10_frobenius"].get<double>());
    // "×" is two bytes in UTF-8: pad by one more so the columns line up.
    std::printf("%-6d %-14s %-34s %-34s %s\n", l["layer"].get<int>(), shape.c_str(),
                cell(l, "frobenius", "text").c_str(), cell(l, "mean_abs", "mean_text").c_str(), log10);
  }
  if (!result["diverged"].is_null())
    std::printf("the table would stop at step 1: %s\n", result["diverged"]["reason"].get<std::string>().c_str());
}

}  // namespace

int gradients(const std::vector<std::string>& args) {
  std::vector<Option> options;
  for (const char* name : kChainOptions) options.push_back(value(name));
  options.push_back(choice("--format", {"text", "json"}, "text"));
  const Args a = parse(args, {{{"SESSION.json: expected a session file or -", false}},
                              "only one session file is read",
                              false,
                              options});
  const bool json = a.text("--format") == "json";
  if (a.positionals() > 0) {
    for (const char* name : kChainOptions)
      if (a.has(name))
        throw SessionError(std::string(name) + ": builds a deep chain, so it goes without a session file");
    const GradientReport report = step_gradients(load_session(a.positional(0)));
    const auto result = nlohmann::ordered_json::parse(gradients_json(report));
    if (json) {
      std::cout << result.dump() << "\n";
      return 0;
    }
    std::printf("∂L/∂W per layer at step 1 of %s (L = %.6g)\n", a.positional(0).c_str(), report.loss);
    print_layers(result);
    return 0;
  }
  nlohmann::json request = nlohmann::json::object();
  for (const char* name : kChainOptions)
    if (const std::string* v = a.given(name)) request[std::string(name).substr(2)] = value_of(*v);
  // Checked here with the options' names; the core reads the request again below.
  const ChainSpec spec = parse_chain(request.dump(), "--");
  const InitInfo& init = initializers()[static_cast<std::size_t>(spec.init)];
  const auto result = nlohmann::ordered_json::parse(chain_gradients_json(request.dump()));
  if (json) {
    std::cout << result.dump() << "\n";
    return 0;
  }
  const auto& c = result["chain"];
  std::printf("∂L/∂W per layer at step 1 of a deep chain: x = %g → %d %s layers of %d unit%s → 1 %s unit, "
              "weights %s%s%s, biases 0, target y = %g, L = ½(ŷ − y)² = %.6g\n",
              c["x"].get<double>(), c["depth"].get<int>(), c["activation"].get<std::string>().c_str(),
              c["width"].get<int>(), c["width"].get<int>() == 1 ? "" : "s",
              c["activation"].get<std::string>().c_str(), c["init"].get<std::string>().c_str(),
              init.uses_scale ? (" s = " + c["scale"].dump()).c_str() : "",
              init.uses_seed ? (" (seed " + c["seed"].dump() + ")").c_str() : "", c["y"].get<double>(),
              result["loss"].is_null() ? NAN : result["loss"].get<double>());
  print_layers(result);
  std::printf("%s\n", result["explanation"].get<std::string>().c_str());
  return 0;
}

}  // namespace nntutor::cli
