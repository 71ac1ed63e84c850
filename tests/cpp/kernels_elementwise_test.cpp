// The trainer's other kernels (cpp/kernels, below the products): batch normalization forward
// and backward, scale-and-shift, the bias gradient's row sums, relu forward and backward and the
// squared error, against long double loops and hand values, on every path this build has (Eigen
// natively and the portable loops; tests/js/kernels.test.mjs runs the same self-check in the
// Wasm SIMD build, where both paths must give the same bits).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels.hpp"

namespace {

using nntutor::kernels::Path;

// The longest sum in elementwise_self_check has 300 terms; batch normalization's x̂ and ∂L/∂x
// add a few roundings (the mean, the root, the factor) to those of their sums.
constexpr double kMaxTerms = 300 + 16;

TEST(ElementwiseKernels, FloatAgreesWithLongDoubleLoops) {
  const double error = nntutor::kernels::elementwise_self_check<float>();
  EXPECT_LE(error, kMaxTerms * FLT_EPSILON);
  EXPECT_GT(error, 0.0);  // float rounding is seen: the check compares with exact sums
}

TEST(ElementwiseKernels, DoubleAgreesWithLongDoubleLoops) {
  EXPECT_LE(nntutor::kernels::elementwise_self_check<double>(), kMaxTerms * DBL_EPSILON);
}

/// Four samples of two features, by hand: x₁ = 1, 2, 3, 4 (mean 2.5, biased variance 1.25) and
/// x₂ = −2, −2, 6, 6 (mean 2, variance 16), leading dimension 3.
template <class T>
void batch_norm_by_hand(Path path) {
  const T x[] = {1, -2, 99, 2, -2, 99, 3, 6, 99, 4, 6, 99};
  const T gamma[] = {2, 0.5}, beta[] = {1, -1};
  const T epsilon = T(0.25);  // 1.25 + 0.25 = 1.5; 16 + 0.25 = 16.25
  T mean[2], variance[2], inv_std[2], xhat[12], y[12];
  nntutor::kernels::batch_norm_train<T>(2, 4, x, 3, gamma, beta, epsilon, mean, variance, inv_std, xhat, 3, y, 3, path);
  EXPECT_EQ(mean[0], T(2.5));
  EXPECT_EQ(mean[1], T(2));
  EXPECT_EQ(variance[0], T(1.25));
  EXPECT_EQ(variance[1], T(16));
  const T tolerance = 4 * std::numeric_limits<T>::epsilon();
  EXPECT_NEAR(inv_std[0], 1 / std::sqrt(T(1.5)), tolerance);
  EXPECT_NEAR(inv_std[1], 1 / std::sqrt(T(16.25)), tolerance);
  for (int s = 0; s < 4; ++s) {
    const T xh0 = (x[3 * s] - T(2.5)) / std::sqrt(T(1.5)), xh1 = (x[3 * s + 1] - 2) / std::sqrt(T(16.25));
    EXPECT_NEAR(xhat[3 * s], xh0, tolerance);
    EXPECT_NEAR(xhat[3 * s + 1], xh1, tolerance);
    EXPECT_NEAR(y[3 * s], 2 * xh0 + 1, 4 * tolerance);
    EXPECT_NEAR(y[3 * s + 1], T(0.5) * xh1 - 1, 4 * tolerance);
  }
  // Backward with dy = 1 everywhere: Σdy = 4, Σdy·x̂ = Σx̂ = 0, so ∂L/∂x = γ·inv_std/4·(4 − 4) = 0.
  const T dy[] = {1, 1, 7, 1, 1, 7, 1, 1, 7, 1, 1, 7};
  T dgamma[2], dbeta[2], dx[12];
  nntutor::kernels::batch_norm_backward<T>(2, 4, dy, 3, xhat, 3, gamma, inv_std, dgamma, dbeta, dx, 3, path);
  EXPECT_EQ(dbeta[0], T(4));
  EXPECT_EQ(dbeta[1], T(4));
  EXPECT_NEAR(dgamma[0], T(0), 8 * tolerance);
  EXPECT_NEAR(dgamma[1], T(0), 8 * tolerance);
  for (int s = 0; s < 4; ++s) {
    EXPECT_NEAR(dx[3 * s], T(0), 16 * tolerance);
    EXPECT_NEAR(dx[3 * s + 1], T(0), 16 * tolerance);
  }
  // Without dx (the first layer): only the parameters' gradients.
  T dgamma2[2], dbeta2[2];
  nntutor::kernels::batch_norm_backward<T>(2, 4, dy, 3, xhat, 3, gamma, inv_std, dgamma2, dbeta2, nullptr, 0, path);
  EXPECT_EQ(dgamma2[0], dgamma[0]);
  EXPECT_EQ(dbeta2[1], dbeta[1]);
}

TEST(ElementwiseKernels, BatchNormalizationByHandOnEveryPath) {
  for (const Path path : {Path::kBest, Path::kPortable}) {
    batch_norm_by_hand<float>(path);
    batch_norm_by_hand<double>(path);
  }
}

template <class T>
void relu_special_values(Path path) {
  const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
  // 9 rows (two SIMD vectors of float and a scalar tail) × 1 sample
  const std::vector<T> z = {T(-1), T(0), -T(0), T(2.5), nan, -inf, inf, T(1e-30), T(-1e-30)};
  const std::vector<T> dy = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<T> y(9), dz(9);
  nntutor::kernels::relu<T>(9, 1, z.data(), 9, y.data(), 9, path);
  nntutor::kernels::relu_backward<T>(9, 1, z.data(), 9, dy.data(), 9, dz.data(), 9, path);
  for (int i = 0; i < 9; ++i) {
    const T want = std::max(z[static_cast<std::size_t>(i)], T(0));  // std::max: NaN and −0 pass
    if (std::isnan(want)) EXPECT_TRUE(std::isnan(y[static_cast<std::size_t>(i)])) << i;
    else EXPECT_EQ(y[static_cast<std::size_t>(i)], want) << i;
    EXPECT_EQ(std::signbit(y[static_cast<std::size_t>(i)]), std::signbit(want)) << i;
  }
  const std::vector<T> want_dz = {0, 0, 0, 4, 0, 0, 7, 8, 0};  // the gradient is 0 at z = 0 and for NaN
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(dz[static_cast<std::size_t>(i)], want_dz[static_cast<std::size_t>(i)]) << i;
    EXPECT_FALSE(std::signbit(dz[static_cast<std::size_t>(i)])) << i;
  }
}

TEST(ElementwiseKernels, ReluPassesNaNAndSignedZeroAsStdMaxOnEveryPath) {
  for (const Path path : {Path::kBest, Path::kPortable}) {
    relu_special_values<float>(path);
    relu_special_values<double>(path);
  }
}

template <class T>
void sums_and_squared_error(Path path) {
  // 3 rows × 4 samples, leading dimension 5: integers, so every path is exact.
  const T d[] = {1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 7, 8, 9, 0, 0, -1, -2, -3, 0, 0};
  T sums[3];
  nntutor::kernels::row_sums<T>(3, 4, d, 5, sums, path);
  EXPECT_EQ(sums[0], T(11));
  EXPECT_EQ(sums[1], T(13));
  EXPECT_EQ(sums[2], T(15));
  const T t[] = {0, 2, 1, 9, 9, 4, 4, 4, 9, 9, 7, 7, 7, 9, 9, 0, 0, 0, 9, 9};
  T grad[20];
  for (T& g : grad) g = T(-5);
  const T total = nntutor::kernels::squared_error<T>(3, 4, d, 5, t, 5, T(0.5), grad, 5, path);
  // differences 1 0 2 | 0 1 2 | 0 1 2 | −1 −2 −3: squares 1+0+4+0+1+4+0+1+4+1+4+9 = 29
  EXPECT_EQ(total, T(29));
  const T want[] = {0.5, 0, 1, -5, -5, 0, 0.5, 1, -5, -5, 0, 0.5, 1, -5, -5, -0.5, -1, -1.5, -5, -5};
  for (int k = 0; k < 20; ++k) EXPECT_EQ(grad[k], want[k]) << k;  // the padding stays
  EXPECT_EQ(nntutor::kernels::squared_error<T>(3, 4, d, 5, t, 5, T(0.5), nullptr, 0, path), T(29));
}

TEST(ElementwiseKernels, RowSumsAndSquaredErrorAreExactOnIntegersOnEveryPath) {
  for (const Path path : {Path::kBest, Path::kPortable}) {
    sums_and_squared_error<float>(path);
    sums_and_squared_error<double>(path);
  }
}

TEST(ElementwiseKernels, PortablePathSumsLeftToRightFromTheFirstTerm) {
  // The portable path (and so the Wasm SIMD one, which gives its bits) adds in the order of
  // Eigen's scalar loops: ((1e8 + 1) + 1) + … in float loses every 1; another order would not.
  std::vector<float> d(1 * 9, 1.0f);
  d[0] = 1e8f;
  float sum = 0;
  nntutor::kernels::row_sums<float>(1, 9, d.data(), 1, &sum, Path::kPortable);
  EXPECT_EQ(sum, 1e8f);
}

}  // namespace

namespace {

// 1/√(σ² + ε) correctly rounded on every path and CPU: natively Eigen's float packets under
// EIGEN_FAST_MATH would take the CPU's rsqrt estimate, whose last bits differ between Intel and
// AMD (and from the Wasm build). 37 features: whole packets and a tail.
TEST(ElementwiseKernels, FloatInverseStdIsCorrectlyRounded) {
  const int features = 37, n = 5;
  std::vector<float> x(static_cast<std::size_t>(features * n)), gamma(features, 1.0f), beta(features, 0.0f);
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = 0.37f * static_cast<float>(k % 11) - 1.3f + 0.001f * static_cast<float>(k);
  const float epsilon = 1e-3f;
  for (const Path path : {Path::kBest, Path::kPortable}) {
    std::vector<float> mean(features), variance(features), inv_std(features), xhat(x.size()), y(x.size());
    nntutor::kernels::batch_norm_train<float>(features, n, x.data(), features, gamma.data(), beta.data(), epsilon,
                                              mean.data(), variance.data(), inv_std.data(), xhat.data(), features,
                                              y.data(), features, path);
    for (int i = 0; i < features; ++i)
      EXPECT_EQ(inv_std[static_cast<std::size_t>(i)], 1.0f / std::sqrt(variance[static_cast<std::size_t>(i)] + epsilon))
          << "feature " << i;
  }
}

}  // namespace
