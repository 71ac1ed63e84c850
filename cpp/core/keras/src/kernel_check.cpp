#include "nntutor/kernel_check.hpp"

#include <nlohmann/json.hpp>

#include "kernels.hpp"

namespace nntutor::keras {

std::string kernel_check_json() {
  nlohmann::ordered_json j;
  j["path"] = kernels::best_path();
  j["float_error"] = kernels::self_check<float>();
  j["double_error"] = kernels::self_check<double>();
  // Batch normalization, relu, the bias gradient, mse (kernels.hpp, after the products).
  j["elementwise_float_error"] = kernels::elementwise_self_check<float>();
  j["elementwise_double_error"] = kernels::elementwise_self_check<double>();
  j["elementwise_same_bits"] = kernels::elementwise_same_bits<float>() && kernels::elementwise_same_bits<double>();
  return j.dump();
}

}  // namespace nntutor::keras
