// Reading what the commands are given: a file or standard input, a session, a model.
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "nntutor/model_json.hpp"

namespace nntutor::cli {

std::string read_all(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SessionError(path + ": cannot open the file");
  text << in.rdbuf();
  return text.str();
}

Session load_session(const std::string& path) {
  const std::string text = read_all(path);  // its message names the path already
  return prefixed(path, [&] { return parse_session(text); });
}

keras::ModelConfig load_model(const std::string& path) {
  const std::string text = read_all(path);  // its message names the path already
  return prefixed(path, [&] { return keras::parse_model(text); });
}

}  // namespace nntutor::cli
