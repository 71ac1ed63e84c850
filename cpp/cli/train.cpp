// `nntutor train MODEL.json DATA.csv|--builtin [--features COLS] [--targets COLS] [--epochs N]
// [--samples N] [--data-seed S] [--split-seed S] [--history H.csv] [--save OUT.json] [--threads N|auto]`:
// Keras' fit on the data split 70/20/10, with a progress bar on standard error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>
#include <nlohmann/json.hpp>

#include <unistd.h>  // isatty: a progress bar only on a terminal

#include "commands.hpp"
#include "nntutor/dataset.hpp"
#include "nntutor/fit.hpp"
#include "nntutor/model_json.hpp"
#include "nntutor/threads.hpp"
#include "nntutor/trainer.hpp"
#include "options.hpp"

namespace nntutor::cli {

namespace {

namespace k = nntutor::keras;

/// The data the options choose, checked by the core's data spec (the trainer page's check:
/// --samples from 10, the seeds up to 2^53), its fields named as the options are typed.
k::DataSpec data_spec(const Args& a, bool builtin) {
  nlohmann::json j;
  const auto put = [&](nlohmann::json& at, const char* key, const char* option) {
    if (a.has(option)) at[key] = whole_number(*a.given(option), option);
  };
  if (builtin) {
    j["builtin"] = nlohmann::json::object();
    put(j["builtin"], "samples", "--samples");
    put(j["builtin"], "seed", "--data-seed");
  } else {
    // The path and the columns are set below: they are text the spec does not check (beyond a
    // page's name length), and JSON would refuse bytes that are not UTF-8.
    j["csv"] = {{"source", "data"}};
  }
  put(j, "split_seed", "--split-seed");
  k::DataSpec spec;
  try {
    spec = k::parse_data_spec(j.dump());
  } catch (const SessionError& e) {
    std::string what = e.what();
    for (const auto& [field, option] : {std::pair<std::string, std::string>{"data.builtin.samples", "--samples"},
                                        {"data.builtin.seed", "--data-seed"},
                                        {"data.split_seed", "--split-seed"}})
      if (what.rfind(field + ": ", 0) == 0) what = option + what.substr(field.size());
    throw SessionError(what);
  }
  if (spec.csv) {
    spec.csv->source = a.positional(1);
    if (a.has("--features")) spec.csv->features = *a.given("--features");
    if (a.has("--targets")) spec.csv->targets = *a.given("--targets");
    spec.csv->features_field = "--features";
    spec.csv->targets_field = "--targets";
  }
  return spec;
}

/// An output file opened before the work, so that a wrong path costs no training run.
std::ofstream open_output(const std::string* path, const std::string& option) {
  std::ofstream out;
  if (!path) return out;
  out.open(*path, std::ios::binary);
  if (!out) throw SessionError(option + ": cannot write " + *path);
  return out;
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

/// "2 feature columns (a, b)": the count and at most four names.
std::string columns(Eigen::Index n, const std::string& kind, const std::vector<std::string>& names) {
  std::string out = std::to_string(n) + " " + kind + (n == 1 ? " column" : " columns") + " (";
  for (std::size_t i = 0; i < names.size() && i < 4; ++i) out += (i ? ", " : "") + names[i];
  return out + (names.size() > 4 ? ", …" : "") + ")";
}

/// `--threads N|auto` (docs/threads.md): the kernels' thread count, read and set before the
/// other options are parsed (both train commands take it), and removed from `args`. The same bits
/// with any count, only faster on N cores. `auto` is the trainer page's Auto: the core gives the
/// model 1 thread or as many as the machine has cores (at most 16), by the work of its batch.
std::vector<std::string> take_threads(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--threads") {
      rest.push_back(args[i]);
      continue;
    }
    if (i + 1 >= args.size()) throw SessionError("--threads: expected a value after it");
    if (args[i + 1] == "auto") {
      ++i;
      const int cores = static_cast<int>(std::thread::hardware_concurrency());  // 0 when unknown
      k::set_threads_auto(std::clamp(cores, 1, k::max_threads()));
      continue;
    }
    const long long n = whole_number(args[++i], "--threads");
    if (n < 1 || n > k::max_threads())
      throw SessionError("--threads: expected a whole number from 1 to " + std::to_string(k::max_threads()) +
                         ", got " + std::to_string(n));
    k::set_threads(static_cast<int>(n));
  }
  return rest;
}

}  // namespace

void print_auto_threads() {
  if (!k::threads_auto()) return;
  std::cerr << nlohmann::json::parse(k::threads_json())["reason"].get<std::string>() << "\n";
}

int train(const std::vector<std::string>& given) {
  const std::vector<std::string> args = take_threads(given);
  // `--builtin digits`: the digit quiz's data (digits.cpp).
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--builtin" && args[i + 1] == "digits") {
      std::vector<std::string> rest(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
      rest.insert(rest.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 2, args.end());
      return train_digits(rest);
    }
  const Args a = parse(args, {{{"MODEL.json: expected a model file or -"}, {"", false}},
                              "train reads a model and a CSV file",
                              true,
                              {value("--features"), value("--targets"), whole("--epochs", 1, k::ModelLimits::kMaxEpochs),
                               value("--samples"), value("--data-seed"), value("--split-seed"), value("--history"),
                               value("--save"), flag("--builtin")}});
  const bool builtin = a.has("--builtin");
  const std::string& model_path = a.positional(0);
  const std::string source = a.positionals() == 2 ? a.positional(1) : "the built-in data";
  if (builtin && a.positionals() == 2)
    throw SessionError(source + ": not with --builtin (train on a CSV file or on the built-in data)");
  if (!builtin && a.positionals() < 2) throw SessionError("DATA.csv: expected a CSV file or --builtin");
  if (model_path == "-" && source == "-")
    throw SessionError("-: only one of MODEL.json and DATA.csv can be standard input");
  for (const char* csv_only : {"--features", "--targets"})
    if (builtin && a.has(csv_only)) throw SessionError(std::string(csv_only) + ": only with a CSV file");
  for (const char* builtin_only : {"--samples", "--data-seed"})
    if (!builtin && a.has(builtin_only)) throw SessionError(std::string(builtin_only) + ": only with --builtin");

  k::ModelConfig config = load_model(model_path);
  if (const auto epochs = a.number("--epochs")) config.fit.epochs = static_cast<int>(*epochs);
  const k::DataSpec spec = data_spec(a, builtin);
  const k::Dataset data = builtin ? k::spectrum_dataset(*spec.builtin) : k::read_csv(read_all(source), *spec.csv);
  // fit() checks this too; here the message names the columns and the file.
  if (data.X.rows() != config.inputs)
    throw SessionError(source + ": " + columns(data.X.rows(), "feature", data.feature_names) + ", but the model takes " +
                       std::to_string(config.inputs) + " inputs");
  k::Sequential model(config);
  if (data.Y.rows() != model.outputs())
    throw SessionError(source + ": " + columns(data.Y.rows(), "target", data.target_names) + ", but the model's last layer has " +
                       std::to_string(model.outputs()) + " units");
  // bce and cross_entropy take probabilities: a target they cannot take is named by its line and column.
  k::check_targets(data, config.loss, source);
  // The page's trainer prepares its data with the same call: the same seeds give the same numbers.
  // Keras never standardises targets; here a regression loss's are (the row's `regression`).
  const bool standardised = k::standardises_targets(config.loss);
  const k::PreparedData prepared =
      prefixed(source, [&] { return k::prepare_dataset(data, spec.split_seed, standardised); });
  const k::Split& split = prepared.split;
  std::ofstream history = open_output(a.given("--history"), "--history");
  std::ofstream saved = open_output(a.given("--save"), "--save");

  // The progress bar: one updating line on a terminal, a line per epoch otherwise.
  const bool terminal = isatty(STDERR_FILENO) != 0;
  auto last = std::chrono::steady_clock::now();
  const auto progress = [&](const k::EpochLogs& logs) {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - last).count();
    last = now;
    std::string line = "Epoch " + std::to_string(logs.epoch) + "/" + std::to_string(config.fit.epochs);
    if (terminal) {
      const int filled = static_cast<int>(20.0 * logs.epoch / config.fit.epochs);
      line += " [" + std::string(static_cast<std::size_t>(filled), '=') +
              std::string(static_cast<std::size_t>(20 - filled), ' ') + "]";
    }
    line += " - loss: " + number(logs.loss);
    if (logs.val_loss) line += " - val_loss: " + number(*logs.val_loss);
    line += " - lr: " + number(logs.lr) + " - " + std::to_string(static_cast<long long>(ms + 0.5)) + " ms";
    std::cerr << (terminal ? "\r\033[K" : "") << line << (terminal ? "" : "\n") << std::flush;
    return true;
  };
  // --threads auto: the count for this model and its batch, and why (as the trainer page says it).
  if (k::threads_auto()) {
    k::threads_for_training(config, static_cast<int>(std::min<Eigen::Index>(config.fit.batch_size, split.train.samples())));
    print_auto_threads();
  }
  const k::FitResult result = k::fit(model, split.train, &split.validation, config.fit, progress);
  if (terminal) std::cerr << "\n";
  for (const auto& w : result.warnings) std::cerr << "nntutor: warning: " << w << "\n";

  const k::EpochLogs& end = result.history.back();
  std::cout << "Trained " << config.name << " on " << split.train.samples() << " samples (validation "
            << split.validation.samples() << ", test " << split.test.samples() << "): " << result.history.size()
            << (result.history.size() == 1 ? " epoch" : " epochs");
  switch (result.stop) {
    case k::StopReason::kCompleted: std::cout << ", completed\n"; break;
    case k::StopReason::kEarlyStopping: std::cout << ", stopped early by EarlyStopping\n"; break;
    case k::StopReason::kRequested: std::cout << ", stopped\n"; break;
    case k::StopReason::kDiverged: std::cout << ", diverged: " << result.divergence << "\n"; break;
  }
  if (result.restored_epoch) std::cout << "Restored the weights of epoch " << *result.restored_epoch << "\n";
  std::cout << "Epoch " << end.epoch << ": loss " << number(end.loss);
  if (end.val_loss) std::cout << " - val_loss " << number(*end.val_loss);
  std::cout << " - lr " << number(end.lr) << "\n";
  if (result.stop != k::StopReason::kDiverged)
    std::cout << "Test loss: " << number(model.evaluate(split.test.X, split.test.Y))
              << (standardised ? " (standardised targets)\n"
                               : " (targets as given: " + k::loss_name(config.loss) +
                                     " is not a regression loss, so they are not standardised)\n");
  if (history.is_open() && !(history << k::history_csv(result) << std::flush))
    throw SessionError("--history: cannot write " + *a.given("--history"));
  if (saved.is_open() && result.stop == k::StopReason::kDiverged)
    std::cerr << "nntutor: " << *a.given("--save") << " is left empty: the weights are not finite numbers\n";
  else if (saved.is_open() && !(saved << k::model_to_json(model) << "\n" << std::flush))
    throw SessionError("--save: cannot write " + *a.given("--save"));
  return 0;
}

}  // namespace nntutor::cli
