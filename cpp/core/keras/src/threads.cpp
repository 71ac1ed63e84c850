#include "nntutor/threads.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "nntutor/error.hpp"
#include "pool.hpp"

namespace nntutor::keras {

namespace {

// Auto mode (0: a count set by hand), and what auto mode needs of the last started training.
int auto_available = 0;
struct Training {
  double work;  ///< batch_work of its model and batch
  Dtype dtype;
};
std::optional<Training> last;

/// The timing of the last timed training's count (threads_before_epoch).
struct Timing {
  int many;                  ///< k, the rule's count
  int epoch = 0;             ///< the epochs begun
  double seconds_many = 0;   ///< epochs 2 and 5, on k threads
  double seconds_one = 0;    ///< epochs 3 and 4, on 1
  bool done = false;
};
std::optional<Timing> timing;

/// The count auto mode gives epoch `epoch` (1-based) of a timed training: k, 1, 1, k over the
/// timed epochs.
int timed_count(const Timing& t, int epoch) {
  const int i = epoch - kTimedFirstEpoch;
  return i == 1 || i == 2 ? 1 : t.many;
}

double threshold(Dtype dtype) { return dtype == Dtype::kFloat32 ? kAutoWorkFloat32 : kAutoWorkFloat64; }
int count_for(const Training& t, int available) { return t.work < threshold(t.dtype) ? 1 : available; }

/// 1306624 → "1.3 million".
std::string millions(double work) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f million", work / 1e6);
  return text;
}

void set_count(int n) {
  try {
    kernels::set_threads(n);
  } catch (const std::invalid_argument& e) {
    throw SessionError(e.what());
  }
}

}  // namespace

int max_threads() { return kernels::max_threads(); }

void set_threads(int n) {
  set_count(n);
  auto_available = 0;
  timing.reset();
}

int threads() { return kernels::threads(); }

double batch_work(const ModelConfig& config, int batch_size) {
  double per_sample = 0;
  int features = config.inputs;
  for (const LayerConfig& layer : config.layers) {
    if (layer.kind == LayerKind::kDense) {
      per_sample += static_cast<double>(layer.units) * features;
      features = layer.units;
    } else if (layer.kind == LayerKind::kMaxout) {
      per_sample += static_cast<double>(layer.units) * layer.pieces * features;
      features = layer.units;
    }
  }
  return per_sample * batch_size;
}

int auto_threads(const ModelConfig& config, int batch_size, int available) {
  return count_for({batch_work(config, batch_size), config.dtype}, available);
}

void set_threads_auto(int available) {
  if (available < 1 || available > max_threads())
    throw SessionError("threads: expected a whole number of available threads from 1 to " +
                       std::to_string(max_threads()) + ", got " + std::to_string(available));
  set_count(last ? count_for(*last, available) : 1);
  auto_available = available;
  timing.reset();  // a count set now is the rule's; the next timed training is timed again
}

bool threads_auto() { return auto_available > 0; }

void threads_for_training(const ModelConfig& config, int batch_size, bool timed) {
  last = Training{batch_work(config, batch_size), config.dtype};
  timing.reset();
  if (auto_available == 0) return;
  const int n = count_for(*last, auto_available);
  set_count(n);
  if (timed && n > 1) timing = Timing{n};
}

void threads_before_epoch() {
  if (!timing || timing->done) return;
  timing->epoch += 1;
  if (timing->epoch >= kTimedFirstEpoch && timing->epoch <= kTimedLastEpoch)
    set_count(timed_count(*timing, timing->epoch));
}

bool threads_timed() { return timing.has_value(); }

void threads_after_epoch(double seconds) {
  if (!timing || timing->done) return;
  const int epoch = timing->epoch;
  if (epoch < kTimedFirstEpoch || epoch > kTimedLastEpoch) return;
  (timed_count(*timing, epoch) == 1 ? timing->seconds_one : timing->seconds_many) += seconds;
  if (epoch < kTimedLastEpoch) return;
  timing->done = true;
  set_count(timing->seconds_many < timing->seconds_one ? timing->many : 1);
}

std::string threads_json() {
  nlohmann::ordered_json j;
  const int n = threads();
  j["threads"] = n;
  j["min"] = 1;
  j["max"] = max_threads();
  if (!threads_auto()) return j.dump();
  j["auto"] = true;
  j["available"] = auto_available;
  // While a count is timed, the reason stays the rule's: its count, not the one of this epoch.
  const int chosen = timing && !timing->done ? timing->many : n;
  const std::string count = std::to_string(chosen) + (chosen == 1 ? " thread" : " threads");
  if (!last) {
    j["work"] = nullptr;
    j["threshold"] = kAutoWorkFloat32;
    j["reason"] = auto_available == 1
                      ? "Auto: 1 thread (one is available)."
                      : "Auto: 1 thread for a model whose batch is under " + millions(kAutoWorkFloat32) +
                            " multiply-adds (float32; " + millions(kAutoWorkFloat64) + " in float64), " +
                            std::to_string(auto_available) + " above; chosen when training starts.";
    return j.dump();
  }
  const double work = last->work;
  const double limit = threshold(last->dtype);
  j["work"] = work;
  j["threshold"] = limit;
  if (timing && timing->done) {
    // Two epochs each: the mean milliseconds of one epoch.
    const double many_ms = timing->seconds_many * 1000 / 2, one_ms = timing->seconds_one * 1000 / 2;
    char ms[96];
    std::snprintf(ms, sizeof ms, "%.1f ms an epoch on %d threads against %.1f ms on 1", many_ms, timing->many, one_ms);
    const std::string epochs = "epochs " + std::to_string(kTimedFirstEpoch) + "–" + std::to_string(kTimedLastEpoch);
    j["timing"] = {{"threads", timing->many}, {"epochs", {kTimedFirstEpoch, kTimedLastEpoch}}, {"done", true},
                   {"ms_many", many_ms}, {"ms_one", one_ms}};
    j["reason"] = n > 1 ? "Auto chose " + count + ", timed on this machine: " + ms + " (" + epochs + ")."
                        : "Auto chose 1 thread, timed on this machine: " + std::string(ms) + " (" + epochs +
                              (timing->many == 2 ? "): here a second thread does not gain."
                                                 : "): here more threads do not gain.");
    return j.dump();
  }
  const std::string of_model = "a batch of this model is " + millions(work) + " multiply-adds, ";
  const std::string from = " the " + millions(limit) + " (" + dtype_name(last->dtype) +
                           ") from which a second thread gains.";
  if (auto_available == 1) j["reason"] = "Auto chose 1 thread: one is available.";
  else if (work < limit) j["reason"] = "Auto chose " + count + ": " + of_model + "under" + from;
  else j["reason"] = "Auto chose " + count + ": " + of_model + "at least" + from;
  if (timing) {
    j["timing"] = {{"threads", timing->many}, {"epochs", {kTimedFirstEpoch, kTimedLastEpoch}}, {"done", false},
                   {"ms_many", nullptr}, {"ms_one", nullptr},
                   {"text", "Epochs " + std::to_string(kTimedFirstEpoch) + "–" + std::to_string(kTimedLastEpoch) +
                                " run on " + std::to_string(timing->many) + ", 1, 1 and " +
                                std::to_string(timing->many) +
                                " threads, and the faster count stays."}};
  }
  return j.dump();
}

}  // namespace nntutor::keras
