// nntutor_bench: native time per training step, for `npm run bench`.
// Prints one line per case: name, microseconds per step.
// `nntutor_bench --assignment SESSION.json`: the median milliseconds of the Assignment 4 check
// (its learning-rate sweep and bisection) over 51 runs.
// `nntutor_bench --keras MODEL.json SAMPLES EPOCHS [THREADS]`: trains the model on the built-in spectra
// (SAMPLES, seed 1, split 70/20/10) as the trainer page does, one warm-up epoch then EPOCHS;
// prints two training rates in samples per second (validation included in the time, as in
// fit()): of the EPOCHS after the warm-up, and of all EPOCHS + 1 from the start of the fit, as a
// person pressing Train waits for them (the first epoch first touches every buffer).
// THREADS (default 1): the kernels' threads (docs/threads.md).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "nntutor/assignment.hpp"
#include "nntutor/session.hpp"
#include "nntutor/threads.hpp"
#include "nntutor/trainer.hpp"

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Median-free but robust enough: repeat until at least `min_seconds` have passed.
double microseconds_per_step(const nntutor::Session& session, double min_seconds) {
  using clock = std::chrono::steady_clock;
  long total_steps = 0;
  int chunk = 1;
  const auto start = clock::now();
  double elapsed = 0;
  while (elapsed < min_seconds) {
    nntutor::Network net = session.network;
    double loss = 0;
    if (session.is_graph()) {  // a graph session (docs/graph.md): its own engine's steps
      nntutor::GraphNetwork g = *session.graph;
      nntutor::GraphPass pass;
      nntutor::GraphOptimizerState state(session.optimizer, g, session.batch.samples());
      bool diverged = false;
      for (int k = 1; k <= chunk && !diverged; ++k)
        diverged = nntutor::graph_train_step(g, session.batch, session.loss, state, k, pass, nullptr).has_value();
      loss = diverged ? std::nan("") : pass.loss;
    } else {
      loss = nntutor::train_silently(net, session.batch, session.loss, session.optimizer, chunk);
    }
    if (loss != loss) std::fprintf(stderr, "warning: the benchmark run diverged\n");
    total_steps += chunk;
    chunk = chunk < 1 << 16 ? chunk * 2 : chunk;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  }
  return elapsed * 1e6 / static_cast<double>(total_steps);
}

/// Median milliseconds of check_assignment on `session`.
double assignment_milliseconds(const nntutor::Session& session) {
  using clock = std::chrono::steady_clock;
  std::vector<double> ms;
  for (int i = 0; i < 51; ++i) {
    const auto start = clock::now();
    const auto report = nntutor::check_assignment(session);
    ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - start).count());
    if (report.summary.empty()) std::fprintf(stderr, "warning: empty assignment report\n");
  }
  std::nth_element(ms.begin(), ms.begin() + 25, ms.end());
  return ms[25];
}

/// Training samples per second of the trainer on the built-in spectra: of the `epochs` after a
/// warm-up epoch, and of all epochs from the first.
struct KerasRates {
  double warm;
  double all;
};
KerasRates keras_samples_per_second(const std::string& model_json, int samples, int epochs) {
  using clock = std::chrono::steady_clock;
  using seconds = std::chrono::duration<double>;
  nntutor::keras::Trainer trainer;
  trainer.load_data("{\"builtin\": {\"samples\": " + std::to_string(samples) + ", \"seed\": 1}}", "");
  const auto ready = nlohmann::json::parse(trainer.start(model_json));
  const double train = ready["train"].get<double>();
  const auto first = clock::now();
  trainer.epoch();  // warm-up: first touches of every buffer
  const auto start = clock::now();
  for (int e = 0; e < epochs; ++e) trainer.epoch();
  const auto end = clock::now();
  return {train * epochs / seconds(end - start).count(), train * (epochs + 1) / seconds(end - first).count()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: nntutor_bench NAME=SESSION.json ... | --assignment SESSION.json\n");
    return 2;
  }
  if (std::string(argv[1]) == "--keras" && (argc == 5 || argc == 6)) {
    try {
      if (argc == 6) nntutor::keras::set_threads(std::stoi(argv[5]));
      const KerasRates rates = keras_samples_per_second(read_file(argv[2]), std::stoi(argv[3]), std::stoi(argv[4]));
      std::printf("%.1f %.1f\n", rates.warm, rates.all);
      return 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nntutor_bench: %s: %s\n", argv[2], e.what());
      return 2;
    }
  }
  if (std::string(argv[1]) == "--assignment" && argc == 3) {
    try {
      std::printf("%.4f\n", assignment_milliseconds(nntutor::parse_session(read_file(argv[2]))));
      return 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nntutor_bench: %s: %s\n", argv[2], e.what());
      return 2;
    }
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const std::string path = arg.substr(eq + 1);
    try {
      const auto session = nntutor::parse_session(read_file(path.c_str()));
      const double us = microseconds_per_step(session, 1.0);
      std::printf("%s %.4f\n", name.c_str(), us);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nntutor_bench: %s: %s\n", path.c_str(), e.what());
      return 2;
    }
  }
  return 0;
}
