// The trainer's kernels (cpp/kernels): every product against plain loops, on every path this
// build has (Eigen natively and the portable blocked loops; tests/js/kernels.test.mjs runs the
// same self-check in the Wasm SIMD build), in float and double.
#include <gtest/gtest.h>

#include <cfloat>
#include <cstring>
#include <string>
#include <vector>

#include "kernels.hpp"

namespace {

using nntutor::kernels::Path;

// The largest sum in self_check has 300 terms; a sum of k terms in any order is within
// k·ε of the exact one, relative to Σ|terms|.
constexpr double kMaxTerms = 300;

TEST(Kernels, FloatProductsAgreeWithPlainLoopsOnEveryShape) {
  const double error = nntutor::kernels::self_check<float>();
  EXPECT_LE(error, kMaxTerms * FLT_EPSILON);
  EXPECT_GT(error, 0.0);  // float rounding is there: the check compares with exact sums
}

TEST(Kernels, DoubleProductsAgreeWithPlainLoopsOnEveryShape) {
  EXPECT_LE(nntutor::kernels::self_check<double>(), kMaxTerms * DBL_EPSILON);
}

template <class T>
void small_integers(Path path) {
  // Integers: every path is exact. A 3 × 2 times 2 × 5 with a bias, leading dimensions 4 and 3.
  const T A[] = {1, 2, 3, -9, 4, 5, 6, -9};          // 3 × 2, lda 4
  const T B[] = {1, 0, -9, 0, 1, -9, 1, 1, -9, 2, -1, -9, 3, 2, -9};  // 2 × 5, ldb 3
  const T bias[] = {10, 20, 30};
  T C[15];
  nntutor::kernels::gemm_nn<T>(3, 5, 2, A, 4, B, 3, bias, C, 3, path);
  for (int j = 0; j < 5; ++j)
    for (int i = 0; i < 3; ++i) {
      T want = bias[i];
      for (int p = 0; p < 2; ++p) want += A[i + 4 * p] * B[p + 3 * j];
      EXPECT_EQ(C[i + 3 * j], want) << i << "," << j;
    }
  // δ·aᵀ with δ = A's 3 × 2 block (as 3 × n = 2) and a = 4 × 2 (B's first 4 rows... as ldb 3:
  // use a separate 4 × 2).
  const T a[] = {1, 2, 3, 4, -1, 0, 1, 2};  // 4 × 2
  T dW[12];
  nntutor::kernels::gemm_nt<T>(3, 4, 2, A, 4, a, 4, dW, 3, path);
  for (int q = 0; q < 4; ++q)
    for (int i = 0; i < 3; ++i) EXPECT_EQ(dW[i + 3 * q], A[i] * a[q] + A[i + 4] * a[q + 4]);
  // Wᵀ·δ: W = A (3 × 2), δ = 3 × 5 (C above) → 2 × 5.
  T da[10];
  nntutor::kernels::gemm_tn<T>(2, 5, 3, A, 4, C, 3, da, 2, path);
  for (int j = 0; j < 5; ++j)
    for (int q = 0; q < 2; ++q)
      EXPECT_EQ(da[q + 2 * j], A[4 * q] * C[3 * j] + A[4 * q + 1] * C[3 * j + 1] + A[4 * q + 2] * C[3 * j + 2]);
}

TEST(Kernels, SmallIntegerProductsAreExactOnEveryPath) {
  small_integers<float>(Path::kBest);
  small_integers<float>(Path::kPortable);
  small_integers<double>(Path::kBest);
  small_integers<double>(Path::kPortable);
}

TEST(Kernels, BestPathIsNamed) {
  const std::string path = nntutor::kernels::best_path();
  EXPECT_TRUE(path == "eigen" || path == "portable" || path == "wasm-simd128") << path;
}

}  // namespace
