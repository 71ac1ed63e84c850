#include "nntutor/threads.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "nntutor/error.hpp"
#include "pool.hpp"

namespace nntutor::keras {

int max_threads() { return kernels::max_threads(); }

void set_threads(int n) {
  try {
    kernels::set_threads(n);
  } catch (const std::invalid_argument& e) {
    throw SessionError(e.what());
  }
}

int threads() { return kernels::threads(); }

std::string threads_json() {
  nlohmann::ordered_json j;
  j["threads"] = threads();
  j["min"] = 1;
  j["max"] = max_threads();
  return j.dump();
}

}  // namespace nntutor::keras
