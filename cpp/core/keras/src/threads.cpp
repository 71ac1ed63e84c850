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
}

bool threads_auto() { return auto_available > 0; }

void threads_for_training(const ModelConfig& config, int batch_size) {
  last = Training{batch_work(config, batch_size), config.dtype};
  if (auto_available > 0) set_count(count_for(*last, auto_available));
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
  const std::string count = std::to_string(n) + (n == 1 ? " thread" : " threads");
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
  const std::string of_model = "a batch of this model is " + millions(work) + " multiply-adds, ";
  const std::string from = " the " + millions(limit) + " (" + dtype_name(last->dtype) +
                           ") from which a second thread gains.";
  if (auto_available == 1) j["reason"] = "Auto chose 1 thread: one is available.";
  else if (work < limit) j["reason"] = "Auto chose " + count + ": " + of_model + "under" + from;
  else j["reason"] = "Auto chose " + count + ": " + of_model + "at least" + from;
  return j.dump();
}

}  // namespace nntutor::keras
