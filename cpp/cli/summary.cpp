// `nntutor summary MODEL.json [--line-length N]`: Keras' model.summary().
#include <iostream>

#include "commands.hpp"
#include "options.hpp"

namespace nntutor::cli {

int summary(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"MODEL.json: expected a model file or -"}},
                              "summary reads one model",
                              true,
                              {whole("--line-length", 40, 200, "88")}});
  const int width = static_cast<int>(*a.number("--line-length"));
  std::cout << keras::summary(load_model(a.positional(0)), width);
  return 0;
}

}  // namespace nntutor::cli
