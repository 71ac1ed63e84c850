#include "kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "pool.hpp"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif !defined(__wasm__)
#include <Eigen/Dense>
#endif

namespace nntutor::kernels {

namespace {

using std::ptrdiff_t;

// ---- Vector operations: one "vector" of W numbers. Scalar<T> (W = 1) is the portable path. ----

template <class T>
struct Scalar {
  using V = T;
  static constexpr int W = 1;
  static V load(const T* p) { return *p; }
  static void store(T* p, V v) { *p = v; }
  static V splat(T x) { return x; }
  static V zero() { return T(0); }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  static V sqrt(V a) { return std::sqrt(a); }
  static T sum(V a) { return a; }
};

#if defined(__wasm_simd128__)
struct F32x4 {
  using V = v128_t;
  static constexpr int W = 4;
  static V load(const float* p) { return wasm_v128_load(p); }
  static void store(float* p, V v) { wasm_v128_store(p, v); }
  static V splat(float x) { return wasm_f32x4_splat(x); }
  static V zero() { return wasm_f32x4_splat(0.0f); }
  static V add(V a, V b) { return wasm_f32x4_add(a, b); }
  static V sub(V a, V b) { return wasm_f32x4_sub(a, b); }
  static V mul(V a, V b) { return wasm_f32x4_mul(a, b); }
  static V div(V a, V b) { return wasm_f32x4_div(a, b); }
  static V sqrt(V a) { return wasm_f32x4_sqrt(a); }
  static float sum(V a) {
    return (wasm_f32x4_extract_lane(a, 0) + wasm_f32x4_extract_lane(a, 1)) +
           (wasm_f32x4_extract_lane(a, 2) + wasm_f32x4_extract_lane(a, 3));
  }
};
struct F64x2 {
  using V = v128_t;
  static constexpr int W = 2;
  static V load(const double* p) { return wasm_v128_load(p); }
  static void store(double* p, V v) { wasm_v128_store(p, v); }
  static V splat(double x) { return wasm_f64x2_splat(x); }
  static V zero() { return wasm_f64x2_splat(0.0); }
  static V add(V a, V b) { return wasm_f64x2_add(a, b); }
  static V sub(V a, V b) { return wasm_f64x2_sub(a, b); }
  static V mul(V a, V b) { return wasm_f64x2_mul(a, b); }
  static V div(V a, V b) { return wasm_f64x2_div(a, b); }
  static V sqrt(V a) { return wasm_f64x2_sqrt(a); }
  static double sum(V a) { return wasm_f64x2_extract_lane(a, 0) + wasm_f64x2_extract_lane(a, 1); }
};
template <class T> struct Simd;
template <> struct Simd<float> { using type = F32x4; };
template <> struct Simd<double> { using type = F64x2; };
#endif

// ---- C = A·B̃ (+ bias): register tiles of R vectors of rows × N columns. ----
// B̃(p, c) = B[p·bp + c·bc]: B itself (bp = 1, bc = ldb) for W·a, Bᵀ (bp = ldb, bc = 1) for δ·aᵀ.
// `first` is true for the first block of the sum: C starts from the bias (or 0), else from C.

template <class S, int R, int N, class T>
inline void tile_nb(int k, const T* A, int lda, const T* B, ptrdiff_t bp, ptrdiff_t bc,
                    const T* bias, bool first, T* C, int ldc) {
  using V = typename S::V;
  constexpr int W = S::W;
  V c[N][R];
  for (int j = 0; j < N; ++j)
    for (int r = 0; r < R; ++r)
      c[j][r] = !first ? S::load(C + static_cast<ptrdiff_t>(j) * ldc + r * W)
                       : bias ? S::load(bias + r * W) : S::zero();
  for (int p = 0; p < k; ++p) {
    const T* a = A + static_cast<ptrdiff_t>(p) * lda;
    V av[R];
    for (int r = 0; r < R; ++r) av[r] = S::load(a + r * W);
    const T* b = B + p * bp;
    for (int j = 0; j < N; ++j) {
      const V bv = S::splat(b[j * bc]);
      for (int r = 0; r < R; ++r) c[j][r] = S::add(c[j][r], S::mul(av[r], bv));
    }
  }
  for (int j = 0; j < N; ++j)
    for (int r = 0; r < R; ++r) S::store(C + static_cast<ptrdiff_t>(j) * ldc + r * W, c[j][r]);
}

/// Rows [0, m) of one block of the sum, columns [0, n): vector tiles, then single rows.
template <class S, class T>
void rows_nb(int m, int n, int k, const T* A, int lda, const T* B, ptrdiff_t bp, ptrdiff_t bc,
             const T* bias, bool first, T* C, int ldc) {
  constexpr int W = S::W;
  using One = Scalar<T>;
  const auto columns = [&](auto tile, int i) {
    int j = 0;
    for (; j + 4 <= n; j += 4)
      tile(std::integral_constant<int, 4>(), i, j);
    for (; j < n; ++j) tile(std::integral_constant<int, 1>(), i, j);
  };
  int i = 0;
  for (; i + 2 * W <= m; i += 2 * W)
    columns([&](auto cols, int i0, int j0) {
      tile_nb<S, 2, decltype(cols)::value>(k, A + i0, lda, B + j0 * bc, bp, bc, bias ? bias + i0 : nullptr,
                                           first, C + i0 + static_cast<ptrdiff_t>(j0) * ldc, ldc);
    }, i);
  for (; i + W <= m; i += W)
    columns([&](auto cols, int i0, int j0) {
      tile_nb<S, 1, decltype(cols)::value>(k, A + i0, lda, B + j0 * bc, bp, bc, bias ? bias + i0 : nullptr,
                                           first, C + i0 + static_cast<ptrdiff_t>(j0) * ldc, ldc);
    }, i);
  for (; i < m; ++i)
    columns([&](auto cols, int i0, int j0) {
      tile_nb<One, 1, decltype(cols)::value>(k, A + i0, lda, B + j0 * bc, bp, bc, bias ? bias + i0 : nullptr,
                                             first, C + i0 + static_cast<ptrdiff_t>(j0) * ldc, ldc);
    }, i);
}

/// C (m × n) = A (m × k) · B̃ (k × n) + bias, blocked: kDepthBlock terms of the sum at a time,
/// kRowBlock rows at a time within it.
template <class S, class T>
void blocked_nb(int m, int n, int k, const T* A, int lda, const T* B, ptrdiff_t bp, ptrdiff_t bc,
                const T* bias, T* C, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {  // an empty sum: the bias alone
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) C[i + static_cast<ptrdiff_t>(j) * ldc] = bias ? bias[i] : T(0);
    return;
  }
  for (int p0 = 0; p0 < k; p0 += kDepthBlock) {
    const int kb = std::min(kDepthBlock, k - p0);
    for (int i0 = 0; i0 < m; i0 += kRowBlock)
      rows_nb<S>(std::min(kRowBlock, m - i0), n, kb, A + i0 + static_cast<ptrdiff_t>(p0) * lda, lda,
                 B + p0 * bp, bp, bc, bias ? bias + i0 : nullptr, p0 == 0, C + i0, ldc);
  }
}

// ---- C = Aᵀ·D: Aᵀ written out once (k × m, a copy of W's size), then the tiles above. ----
// Dot products down the columns of A and D would need 6 loads for 8 multiply-adds and a
// horizontal sum per element; the copy costs m·k moves against 2·m·k·n operations.

template <class S, class T>
void blocked_tn(int k, int n, int m, const T* A, int lda, const T* D, int ldd, T* C, int ldc) {
  if (k <= 0 || n <= 0) return;
  thread_local std::vector<T> transposed;
  transposed.resize(static_cast<std::size_t>(k) * static_cast<std::size_t>(std::max(m, 0)));
  T* At = transposed.data();
  for (int i = 0; i < m; ++i)
    for (int q = 0; q < k; ++q) At[q + static_cast<ptrdiff_t>(i) * k] = A[i + static_cast<ptrdiff_t>(q) * lda];
  blocked_nb<S>(k, n, m, At, k, D, 1, ldd, static_cast<const T*>(nullptr), C, ldc);
}

template <class S, class T>
void adam_loop(ptrdiff_t size, T* w, const T* g, T* m, T* v, T alpha, T c1, T c2, T eps) {
  using One = Scalar<T>;
  constexpr int W = S::W;
  const auto step = [&](auto ops, ptrdiff_t i) {
    using O = decltype(ops);
    const auto gi = O::load(g + i);
    auto mi = O::load(m + i);
    auto vi = O::load(v + i);
    mi = O::add(mi, O::mul(O::sub(gi, mi), O::splat(c1)));
    vi = O::add(vi, O::mul(O::sub(O::mul(gi, gi), vi), O::splat(c2)));
    O::store(m + i, mi);
    O::store(v + i, vi);
    const auto update = O::div(O::mul(mi, O::splat(alpha)), O::add(O::sqrt(vi), O::splat(eps)));
    O::store(w + i, O::sub(O::load(w + i), update));
  };
  ptrdiff_t i = 0;
  for (; i + W <= size; i += W) step(S(), i);
  for (; i < size; ++i) step(One(), i);
}

#if !defined(__wasm__)
template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Strided = Eigen::Map<Mat<T>, 0, Eigen::OuterStride<>>;
template <class T>
using ConstStrided = Eigen::Map<const Mat<T>, 0, Eigen::OuterStride<>>;
#endif

// ---- Threads (pool.hpp, docs/threads.md): a product is split by columns of C, never by samples
// of the batch, so that every element of C is computed by the same operations with any number
// of threads. The split points are multiples of kSplitAlign columns and the last part takes the
// remainder: a column falls in a tile of 4 columns (these kernels' tiles, Eigen's `nr`) or in the
// tail in every part exactly as in the whole product. Eigen's other choices (the lazy product
// below EIGEN_GEMM_TO_COEFFBASED_THRESHOLD, its blocking of the sum) depend on the sizes a part
// keeps (rows and terms), and its products of one row or one column (gemv) are never split. ----

/// Columns of C in a part are a multiple of this (the last part excepted).
constexpr int kSplitAlign = 4;
#if !defined(__wasm__)
static_assert(Eigen::internal::gebp_traits<float, float>::nr == kSplitAlign &&
                  Eigen::internal::gebp_traits<double, double>::nr == kSplitAlign,
              "Eigen's panels of nr columns must be the split's alignment (docs/threads.md)");
#endif
/// Multiply-adds below which a product runs on one thread: the hand-off (1–2 µs, plus Eigen's
/// packing per part natively) would cost about what the half of the work it moves saves. Eigen
/// natively does 64 × 64 × 64 in ~20 µs, the Wasm SIMD tiles ~3× slower: a loaded-machine
/// measurement (docs/threads.md), to be redone on an idle one.
#if defined(__wasm__)
constexpr double kSplitWork = 1 << 16;
#else
constexpr double kSplitWork = 1 << 18;
#endif
/// Parameters below which Adam's update runs on one thread.
constexpr ptrdiff_t kSplitAdam = 1 << 14;

thread_local bool in_part = false;  // a part of a split product: never split again

/// How many parts to split a product of `cols` columns of C (m rows, k terms) into.
int column_parts(int m, int cols, int k) {
  if (in_part || threads() <= 1) return 1;
  if (m < kSplitAlign || k < kSplitAlign || static_cast<double>(m) * cols * k < kSplitWork) return 1;
  if (m + k + kSplitAlign < 20) return 1;  // Eigen's lazy product would take a part
  // Two parts per thread: the caller and the workers claim parts from one counter, so on a
  // loaded machine a worker that wakes late leaves more of the product to the caller instead
  // of making it wait for half of it.
  return std::min(2 * threads(), cols / kSplitAlign);
}

/// The columns [first, second) of part `part` of `parts`.
std::pair<int, int> column_range(int cols, int parts, int part) {
  const long long blocks = cols / kSplitAlign;
  const int begin = static_cast<int>(blocks * part / parts) * kSplitAlign;
  const int end = part + 1 == parts ? cols : static_cast<int>(blocks * (part + 1) / parts) * kSplitAlign;
  return {begin, end};
}

/// Runs f(first, count) on each part, on the pool.
template <class F>
void split_columns(int cols, int parts, F&& f) {
  parallel_for(parts, [&](int part) {
    const auto [begin, end] = column_range(cols, parts, part);
    const bool outer = in_part;
    in_part = true;
    f(begin, end - begin);
    in_part = outer;
  });
}

}  // namespace

template <class T>
void gemm_nn(int m, int n, int k, const T* A, int lda, const T* B, int ldb, const T* bias, T* C,
             int ldc, Path path) {
  if (const int parts = column_parts(m, n, k); parts > 1)
    return split_columns(n, parts, [&](int j, int cols) {
      gemm_nn<T>(m, cols, k, A, lda, B + static_cast<ptrdiff_t>(j) * ldb, ldb, bias,
                 C + static_cast<ptrdiff_t>(j) * ldc, ldc, path);
    });
  if (path == Path::kPortable)
    return blocked_nb<Scalar<T>>(m, n, k, A, lda, B, 1, ldb, bias, C, ldc);
#if defined(__wasm_simd128__)
  blocked_nb<typename Simd<T>::type>(m, n, k, A, lda, B, 1, ldb, bias, C, ldc);
#elif defined(__wasm__)
  blocked_nb<Scalar<T>>(m, n, k, A, lda, B, 1, ldb, bias, C, ldc);
#else
  if (m <= 0 || n <= 0) return;
  Strided<T> c(C, m, n, Eigen::OuterStride<>(ldc));
  if (k <= 0) c.setZero();
  else c.noalias() = ConstStrided<T>(A, m, k, Eigen::OuterStride<>(lda)) *
                     ConstStrided<T>(B, k, n, Eigen::OuterStride<>(ldb));
  if (bias) c.colwise() += Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>>(bias, m);
#endif
}

template <class T>
void gemm_nt(int m, int k, int n, const T* D, int ldd, const T* B, int ldb, T* C, int ldc, Path path) {
  if (const int parts = column_parts(m, k, n); parts > 1)  // columns of C = rows of B
    return split_columns(k, parts, [&](int q, int cols) {
      gemm_nt<T>(m, cols, n, D, ldd, B + q, ldb, C + static_cast<ptrdiff_t>(q) * ldc, ldc, path);
    });
  if (path == Path::kPortable) return blocked_nb<Scalar<T>>(m, k, n, D, ldd, B, ldb, 1, static_cast<const T*>(nullptr), C, ldc);
#if defined(__wasm_simd128__)
  blocked_nb<typename Simd<T>::type>(m, k, n, D, ldd, B, ldb, 1, static_cast<const T*>(nullptr), C, ldc);
#elif defined(__wasm__)
  blocked_nb<Scalar<T>>(m, k, n, D, ldd, B, ldb, 1, static_cast<const T*>(nullptr), C, ldc);
#else
  if (m <= 0 || k <= 0) return;
  Strided<T> c(C, m, k, Eigen::OuterStride<>(ldc));
  if (n <= 0) c.setZero();
  else c.noalias() = ConstStrided<T>(D, m, n, Eigen::OuterStride<>(ldd)) *
                     ConstStrided<T>(B, k, n, Eigen::OuterStride<>(ldb)).transpose();
#endif
}

template <class T>
void gemm_tn(int k, int n, int m, const T* A, int lda, const T* D, int ldd, T* C, int ldc, Path path) {
  if (const int parts = column_parts(k, n, m); parts > 1)
    return split_columns(n, parts, [&](int j, int cols) {
      gemm_tn<T>(k, cols, m, A, lda, D + static_cast<ptrdiff_t>(j) * ldd, ldd,
                 C + static_cast<ptrdiff_t>(j) * ldc, ldc, path);
    });
  if (path == Path::kPortable) return blocked_tn<Scalar<T>>(k, n, m, A, lda, D, ldd, C, ldc);
#if defined(__wasm_simd128__)
  blocked_tn<typename Simd<T>::type>(k, n, m, A, lda, D, ldd, C, ldc);
#elif defined(__wasm__)
  blocked_tn<Scalar<T>>(k, n, m, A, lda, D, ldd, C, ldc);
#else
  if (k <= 0 || n <= 0) return;
  Strided<T> c(C, k, n, Eigen::OuterStride<>(ldc));
  if (m <= 0) c.setZero();
  else c.noalias() = ConstStrided<T>(A, m, k, Eigen::OuterStride<>(lda)).transpose() *
                     ConstStrided<T>(D, m, n, Eigen::OuterStride<>(ldd));
#endif
}

template <class T>
void adam(ptrdiff_t size, T* theta, const T* g, T* m, T* v, T alpha, T c1, T c2, T eps, Path path) {
  if (threads() > 1 && size >= kSplitAdam && !in_part) {  // ranges of parameters, element by element
    const int parts = 2 * threads();
    const ptrdiff_t blocks = size / kSplitAlign;
    return parallel_for(parts, [&](int part) {
      const ptrdiff_t begin = blocks * part / parts * kSplitAlign;
      const ptrdiff_t end = part + 1 == parts ? size : blocks * (part + 1) / parts * kSplitAlign;
      in_part = true;
      adam<T>(end - begin, theta + begin, g + begin, m + begin, v + begin, alpha, c1, c2, eps, path);
      in_part = false;
    });
  }
#if defined(__wasm_simd128__)
  if (path == Path::kBest) return adam_loop<typename Simd<T>::type>(size, theta, g, m, v, alpha, c1, c2, eps);
#endif
  (void)path;
  adam_loop<Scalar<T>>(size, theta, g, m, v, alpha, c1, c2, eps);
}

const char* best_path() {
#if defined(__wasm_simd128__)
  return "wasm-simd128";
#elif defined(__wasm__)
  return "portable";
#else
  return "eigen";
#endif
}

namespace {

/// max over C of |C − exact| / (Σ|terms| + tiny), the exact product in long double.
template <class T>
double product_error(const std::vector<T>& C, int ldc, int rows, int cols,
                     const std::vector<long double>& exact, const std::vector<long double>& magnitude) {
  double worst = 0;
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) {
      const long double e = exact[static_cast<std::size_t>(i + j * rows)];
      const long double s = magnitude[static_cast<std::size_t>(i + j * rows)];
      const long double c = C[static_cast<std::size_t>(i + j * ldc)];
      if (!std::isfinite(static_cast<double>(c))) return HUGE_VAL;
      worst = std::max(worst, static_cast<double>(std::fabs(c - e) / (s + 1e-300L)));
    }
  return worst;
}

template <class T>
double check_shape(int m, int n, int k, bool with_bias, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  const auto fill = [&](std::vector<T>& v, std::size_t size) {
    v.resize(size);
    for (auto& x : v) x = static_cast<T>(u(rng));
  };
  const int pad = 3;  // leading dimensions larger than the rows
  double worst = 0;
  std::vector<T> A, B, D, bias, C;
  std::vector<long double> exact, magnitude;
  for (const Path path : {Path::kBest, Path::kPortable}) {
    // nn: C (m × n) = A (m × k) · B (k × n) + bias
    const int lda = m + pad, ldb = k + pad, ldc = m + pad;
    fill(A, static_cast<std::size_t>(lda) * std::max(k, 1));
    fill(B, static_cast<std::size_t>(ldb) * n);
    fill(bias, static_cast<std::size_t>(m));
    fill(C, static_cast<std::size_t>(ldc) * n);
    exact.assign(static_cast<std::size_t>(m) * n, 0);
    magnitude.assign(static_cast<std::size_t>(m) * n, 0);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) {
        long double s = with_bias ? bias[static_cast<std::size_t>(i)] : 0, a = std::fabs(static_cast<long double>(s));
        for (int p = 0; p < k; ++p) {
          const long double t = static_cast<long double>(A[static_cast<std::size_t>(i + p * lda)]) *
                                B[static_cast<std::size_t>(p + j * ldb)];
          s += t;
          a += std::fabs(t);
        }
        exact[static_cast<std::size_t>(i + j * m)] = s;
        magnitude[static_cast<std::size_t>(i + j * m)] = a;
      }
    gemm_nn<T>(m, n, k, A.data(), lda, B.data(), ldb, with_bias ? bias.data() : nullptr, C.data(), ldc, path);
    worst = std::max(worst, product_error(C, ldc, m, n, exact, magnitude));

    // nt: C (m × k) = D (m × n) · Bᵀ, B (k × n)
    const int ldd = m + pad, ldb2 = k + pad, ldc2 = m + pad;
    fill(D, static_cast<std::size_t>(ldd) * n);
    fill(B, static_cast<std::size_t>(ldb2) * n);
    fill(C, static_cast<std::size_t>(ldc2) * std::max(k, 1));
    exact.assign(static_cast<std::size_t>(m) * k, 0);
    magnitude.assign(static_cast<std::size_t>(m) * k, 0);
    for (int q = 0; q < k; ++q)
      for (int i = 0; i < m; ++i) {
        long double s = 0, a = 0;
        for (int j = 0; j < n; ++j) {
          const long double t = static_cast<long double>(D[static_cast<std::size_t>(i + j * ldd)]) *
                                B[static_cast<std::size_t>(q + j * ldb2)];
          s += t;
          a += std::fabs(t);
        }
        exact[static_cast<std::size_t>(i + q * m)] = s;
        magnitude[static_cast<std::size_t>(i + q * m)] = a;
      }
    gemm_nt<T>(m, k, n, D.data(), ldd, B.data(), ldb2, C.data(), ldc2, path);
    worst = std::max(worst, product_error(C, ldc2, m, k, exact, magnitude));

    // tn: C (k × n) = Aᵀ · D, A (m × k), D (m × n)
    const int lda3 = m + pad, ldd3 = m + pad, ldc3 = k + pad;
    fill(A, static_cast<std::size_t>(lda3) * k);
    fill(D, static_cast<std::size_t>(ldd3) * n);
    fill(C, static_cast<std::size_t>(ldc3) * n);
    exact.assign(static_cast<std::size_t>(k) * n, 0);
    magnitude.assign(static_cast<std::size_t>(k) * n, 0);
    for (int j = 0; j < n; ++j)
      for (int q = 0; q < k; ++q) {
        long double s = 0, a = 0;
        for (int i = 0; i < m; ++i) {
          const long double t = static_cast<long double>(A[static_cast<std::size_t>(i + q * lda3)]) *
                                D[static_cast<std::size_t>(i + j * ldd3)];
          s += t;
          a += std::fabs(t);
        }
        exact[static_cast<std::size_t>(q + j * k)] = s;
        magnitude[static_cast<std::size_t>(q + j * k)] = a;
      }
    gemm_tn<T>(k, n, m, A.data(), lda3, D.data(), ldd3, C.data(), ldc3, path);
    worst = std::max(worst, product_error(C, ldc3, k, n, exact, magnitude));
  }
  return worst;
}

template <class T>
bool adam_matches(std::ptrdiff_t size, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> g(static_cast<std::size_t>(size)), w0(g.size()), m0(g.size()), v0(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    g[i] = static_cast<T>(u(rng));
    w0[i] = static_cast<T>(u(rng));
    m0[i] = static_cast<T>(u(rng) * 0.1);
    v0[i] = static_cast<T>(std::fabs(u(rng)) * 0.01);
  }
  const T alpha = static_cast<T>(0.001 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9));
  const T c1 = static_cast<T>(1 - 0.9), c2 = static_cast<T>(1 - 0.999), eps = static_cast<T>(1e-7);
  for (const Path path : {Path::kBest, Path::kPortable}) {
    std::vector<T> w = w0, m = m0, v = v0;
    adam<T>(size, w.data(), g.data(), m.data(), v.data(), alpha, c1, c2, eps, path);
    for (std::size_t i = 0; i < g.size(); ++i) {  // the formula, one element at a time
      const T mi = m0[i] + (g[i] - m0[i]) * c1;
      const T vi = v0[i] + (g[i] * g[i] - v0[i]) * c2;
      const T wi = w0[i] - (mi * alpha) / (std::sqrt(vi) + eps);
      if (m[i] != mi || v[i] != vi || w[i] != wi) return false;
    }
  }
  return true;
}

}  // namespace

template <class T>
double self_check() {
  std::mt19937_64 rng(20261204);
  double worst = 0;
  // Every size up to 10 (below and past one vector, one tile of 2 vectors × 4 columns), then
  // sizes past two tiles with each remainder.
  const int sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 17};
  for (const int m : sizes)
    for (const int n : sizes)
      for (const int k : sizes) worst = std::max(worst, check_shape<T>(m, n, k, (m + n + k) % 2 == 0, rng));
  // Over the block edges: kRowBlock rows, kDepthBlock (nn, nt) and 2·kDepthBlock (tn) terms.
  const int big[][3] = {{65, 9, 129}, {128, 64, 128}, {130, 7, 257}, {200, 33, 64}, {9, 64, 200},
                        {54, 64, 64}, {3, 5, 300}, {0, 4, 4}, {4, 0, 4}, {4, 4, 0}};
  for (const auto& s : big) worst = std::max(worst, check_shape<T>(s[0], s[1], s[2], true, rng));
  for (const std::ptrdiff_t size : {0, 1, 2, 3, 4, 5, 7, 8, 9, 21750})
    if (!adam_matches<T>(size, rng)) return 1.0;
  return worst;
}

#define NNTUTOR_KERNELS(T)                                                                          \
  template void gemm_nn<T>(int, int, int, const T*, int, const T*, int, const T*, T*, int, Path);  \
  template void gemm_nt<T>(int, int, int, const T*, int, const T*, int, T*, int, Path);            \
  template void gemm_tn<T>(int, int, int, const T*, int, const T*, int, T*, int, Path);            \
  template void adam<T>(std::ptrdiff_t, T*, const T*, T*, T*, T, T, T, T, Path);                   \
  template double self_check<T>();
NNTUTOR_KERNELS(float)
NNTUTOR_KERNELS(double)
#undef NNTUTOR_KERNELS

}  // namespace nntutor::kernels
