#pragma once
/// The trainer's kernels (cpp/kernels) as this build runs them: which implementation, and their
/// self-check against plain loops. For tests and the bench in every build (the Wasm module
/// included, where the kernels are the SIMD ones), not for the page.
#include <string>

namespace nntutor::keras {

/// {"path": "wasm-simd128" | "eigen" | "portable", "float_error", "double_error"}: the largest
/// error of every product against exact sums, relative to the sum of |terms| (for every shape
/// of sizes 1–10, 12, 15, 17 in each dimension and some over the cache blocks), or 1 if Adam's update is not
/// the formula bit for bit; "elementwise_float_error", "elementwise_double_error": the same for
/// batch normalization, relu, the bias gradient and mse (kernels.hpp; 1 if an element-wise result
/// is not its formula bit for bit), and "elementwise_same_bits": whether the best path gives the
/// portable loops' bits there (true in WebAssembly; Eigen sums in another order natively).
std::string kernel_check_json();

}  // namespace nntutor::keras
