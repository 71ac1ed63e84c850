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
#if !defined(__wasm__) && defined(__SSE2__)
#include <emmintrin.h>
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

// Natively the products and most element-wise loops are Eigen's; Adam's update is these loops'
// own (adam_loop), on SSE2's 4 floats / 2 doubles (every x86-64 CPU has it). Each operation is
// the same correctly rounded IEEE operation per lane as the scalar path's (no fused
// multiply-add, √ exact), so both paths give the same bits, as in WebAssembly.
#if !defined(__wasm__) && defined(__SSE2__)
struct Sse32x4 {
  using V = __m128;
  static constexpr int W = 4;
  static V load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, V v) { _mm_storeu_ps(p, v); }
  static V splat(float x) { return _mm_set1_ps(x); }
  static V add(V a, V b) { return _mm_add_ps(a, b); }
  static V sub(V a, V b) { return _mm_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm_mul_ps(a, b); }
  static V div(V a, V b) { return _mm_div_ps(a, b); }
  static V sqrt(V a) { return _mm_sqrt_ps(a); }
};
struct Sse64x2 {
  using V = __m128d;
  static constexpr int W = 2;
  static V load(const double* p) { return _mm_loadu_pd(p); }
  static void store(double* p, V v) { _mm_storeu_pd(p, v); }
  static V splat(double x) { return _mm_set1_pd(x); }
  static V add(V a, V b) { return _mm_add_pd(a, b); }
  static V sub(V a, V b) { return _mm_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm_mul_pd(a, b); }
  static V div(V a, V b) { return _mm_div_pd(a, b); }
  static V sqrt(V a) { return _mm_sqrt_pd(a); }
};
#endif
/// The vectors of Adam's kBest path: Wasm SIMD, SSE2 natively, else one number at a time.
template <class T>
struct AdamVector { using type = Scalar<T>; };
#if defined(__wasm_simd128__)
template <> struct AdamVector<float> { using type = F32x4; };
template <> struct AdamVector<double> { using type = F64x2; };
#elif !defined(__wasm__) && defined(__SSE2__)
template <> struct AdamVector<float> { using type = Sse32x4; };
template <> struct AdamVector<double> { using type = Sse64x2; };
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

// The element-wise loops (this one, the batch-normalization, relu, loss and sum loops below) are
// functions of their own, never inlined: each entry point calls the portable loop or the SIMD one,
// and inlined both would sit in its body. In the browser a function runs in V8's baseline tier
// until it has run enough to be compiled again by the optimising one, which takes longer the larger
// the body: out of line, only the loop that runs is compiled, and the entry point is a few bytes
// (docs/bench.md, "The first epochs").
template <class S, class T>
[[gnu::noinline]] void adam_loop(ptrdiff_t size, T* w, const T* g, T* m, T* v, T alpha, T c1, T c2, T eps) {
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
/// Multiply-adds below which a product runs on one thread: the hand-off (~1 µs on an idle
/// machine, plus Eigen's packing per part natively) would cost about what the half of the work it
/// moves saves. Eigen natively does 64 × 64 × 64 in ~20 µs, the Wasm SIMD tiles ~3× slower; 2¹⁷
/// natively takes in the lecture's output layer (54 × 64 × 64), which gained (docs/threads.md).
#if defined(__wasm__)
constexpr double kSplitWork = 1 << 16;
#else
constexpr double kSplitWork = 1 << 17;
#endif
/// Parts per thread of a product alone: natively one (each part packs A again in Eigen), in
/// WebAssembly two (no packing; a worker that wakes late leaves more of the product to the
/// caller): measured idle under Node, float32, 1→2 threads 1.39–1.41× with two, 1.29–1.33× with
/// one, 1.34–1.38× with four.
#if defined(__wasm__)
constexpr int kPartsPerThread = 2;
#else
constexpr int kPartsPerThread = 1;
#endif
/// Parameters below which Adam's update runs on one thread.
constexpr ptrdiff_t kSplitAdam = 1 << 14;

thread_local bool in_part = false;  // a part of a split product: never split again

/// How many parts to split a product of `cols` columns of C (m rows, k terms) into, at most
/// `per_thread` per thread; `any_size`: even below kSplitWork (a product beside others in a job).
int column_parts(int m, int cols, int k, int per_thread = kPartsPerThread, bool any_size = false) {
  if (threads() <= 1 || (in_part && !any_size)) return 1;
  if (m < kSplitAlign || k < kSplitAlign || (!any_size && static_cast<double>(m) * cols * k < kSplitWork)) return 1;
  if (m + k + kSplitAlign < 20) return 1;  // Eigen's lazy product would take a part
  // The caller and the workers claim parts from one counter: with two parts per thread a worker
  // that wakes late leaves more of the product to the caller instead of making it wait for half
  // of it (kPartsPerThread).
  return std::max(1, std::min(per_thread * threads(), cols / kSplitAlign));
}

/// The range [first, second) of part `part` of `parts` of [0, size): whole blocks of `align`,
/// the last part taking the remainder.
std::pair<int, int> part_range(int size, int parts, int part, int align = kSplitAlign) {
  const long long blocks = size / align;
  const int begin = static_cast<int>(blocks * part / parts) * align;
  const int end = part + 1 == parts ? size : static_cast<int>(blocks * (part + 1) / parts) * align;
  return {begin, end};
}

/// Runs f() as a part of a split job: anything it calls runs whole on this thread.
template <class F>
void as_part(F&& f) {
  const bool outer = in_part;
  in_part = true;
  f();
  in_part = outer;
}

/// Runs f(first, count) on each part, on the pool.
template <class F>
void split_columns(int cols, int parts, F&& f) {
  parallel_for(parts, [&](int part) {
    const std::pair<int, int> range = part_range(cols, parts, part);  // (no structured binding: a lambda uses it)
    as_part([&] { f(range.first, range.second - range.first); });
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
  if (path == Path::kBest) return adam_loop<typename AdamVector<T>::type>(size, theta, g, m, v, alpha, c1, c2, eps);
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


// ---- The trainer's other loops (kernels.hpp, after the products): batch normalization, relu,
// the bias gradient, mse. One lane per feature (a row of a features × samples matrix, contiguous
// in memory); every sum over the samples runs left to right from its first term. ----

namespace {

/// The operations these loops need beyond the products' (Scalar, F32x4, F64x2 above).
template <class S>
struct More;
template <class T>
struct More<Scalar<T>> {
  static T max0(T z) { return std::max(z, T(0)); }  // z < 0 ? 0 : z; −0 as the compiler makes it
  static T if_positive(T z, T dy) { return z > T(0) ? dy : T(0); }  // +0 where z ≤ 0
  static T neg(T a) { return -a; }
};
#if defined(__wasm_simd128__)
template <>
struct More<F32x4> {
  // pmax(z, 0) is z < 0 ? 0 : z (a NaN passes); + 0 turns a −0 into +0, as the compiler's
  // f32.max for std::max(z, 0) in the scalar rows does.
  static v128_t max0(v128_t z) {
    const v128_t zero = wasm_f32x4_splat(0.0f);
    return wasm_f32x4_add(wasm_f32x4_pmax(z, zero), zero);
  }
  static v128_t if_positive(v128_t z, v128_t dy) {
    return wasm_v128_and(dy, wasm_f32x4_gt(z, wasm_f32x4_splat(0.0f)));
  }
  static v128_t neg(v128_t a) { return wasm_f32x4_neg(a); }
};
template <>
struct More<F64x2> {
  static v128_t max0(v128_t z) {
    const v128_t zero = wasm_f64x2_splat(0.0);
    return wasm_f64x2_add(wasm_f64x2_pmax(z, zero), zero);
  }
  static v128_t if_positive(v128_t z, v128_t dy) {
    return wasm_v128_and(dy, wasm_f64x2_gt(z, wasm_f64x2_splat(0.0)));
  }
  static v128_t neg(v128_t a) { return wasm_f64x2_neg(a); }
};
#endif

/// Calls f(ops, blocks, i) for rows [i, i + blocks·W) in order: 4 vectors at a time (four
/// independent sums in flight), then one vector, then the last rows one by one (scalar).
template <class S, class T, class F>
void over_rows(int rows, F&& f) {
  constexpr int W = S::W;
  int i = 0;
  for (; i + 4 * W <= rows; i += 4 * W) f(S(), std::integral_constant<int, 4>(), i);
  for (; i + W <= rows; i += W) f(S(), std::integral_constant<int, 1>(), i);
  for (; i < rows; ++i) f(Scalar<T>(), std::integral_constant<int, 1>(), i);
}

/// Calls f(ops, i) for every vector of rows [i, i + W) of a column, then every row left.
template <class S, class T, class F>
void over_column(int rows, F&& f) {
  constexpr int W = S::W;
  int i = 0;
  for (; i + W <= rows; i += W) f(S(), i);
  for (; i < rows; ++i) f(Scalar<T>(), i);
}

template <class T>
inline const T* col(const T* p, int ld, int s) { return p + static_cast<ptrdiff_t>(s) * ld; }
template <class T>
inline T* col(T* p, int ld, int s) { return p + static_cast<ptrdiff_t>(s) * ld; }

template <class S, class T>
[[gnu::noinline]] void bn_train_loop(int features, int n, const T* x, int ldx, const T* gamma, const T* beta, T epsilon, T* mean,
                   T* variance, T* inv_std, T* xhat, int ldxhat, T* y, int ldy) {
  over_rows<S, T>(features, [&](auto ops, auto blocks, int i) {
    using O = decltype(ops);
    using V = typename O::V;
    constexpr int R = decltype(blocks)::value, W = O::W;
    V acc[R], mu[R], inv[R], g[R], b[R];
    // mean = (Σ_s x)/n
    for (int r = 0; r < R; ++r) acc[r] = O::load(x + i + r * W);
    for (int s = 1; s < n; ++s)
      for (int r = 0; r < R; ++r) acc[r] = O::add(acc[r], O::load(col(x, ldx, s) + i + r * W));
    for (int r = 0; r < R; ++r) {
      mu[r] = O::div(acc[r], O::splat(static_cast<T>(n)));
      O::store(mean + i + r * W, mu[r]);
    }
    // variance = (Σ_s (x − mean)²)/n
    for (int r = 0; r < R; ++r) {
      const V d = O::sub(O::load(x + i + r * W), mu[r]);
      acc[r] = O::mul(d, d);
    }
    for (int s = 1; s < n; ++s)
      for (int r = 0; r < R; ++r) {
        const V d = O::sub(O::load(col(x, ldx, s) + i + r * W), mu[r]);
        acc[r] = O::add(acc[r], O::mul(d, d));
      }
    for (int r = 0; r < R; ++r) {
      const V var = O::div(acc[r], O::splat(static_cast<T>(n)));
      O::store(variance + i + r * W, var);
      inv[r] = O::div(O::splat(T(1)), O::sqrt(O::add(var, O::splat(epsilon))));
      O::store(inv_std + i + r * W, inv[r]);
      g[r] = O::load(gamma + i + r * W);
      b[r] = O::load(beta + i + r * W);
    }
    // x̂ = (x − mean)·inv_std, y = x̂·γ + β
    for (int s = 0; s < n; ++s)
      for (int r = 0; r < R; ++r) {
        const V xh = O::mul(O::sub(O::load(col(x, ldx, s) + i + r * W), mu[r]), inv[r]);
        O::store(col(xhat, ldxhat, s) + i + r * W, xh);
        O::store(col(y, ldy, s) + i + r * W, O::add(O::mul(xh, g[r]), b[r]));
      }
  });
}

template <class S, class T>
[[gnu::noinline]] void bn_backward_loop(int features, int n, const T* dy, int lddy, const T* xhat, int ldxhat, const T* gamma,
                      const T* inv_std, T* dgamma, T* dbeta, T* dx, int lddx) {
  over_rows<S, T>(features, [&](auto ops, auto blocks, int i) {
    using O = decltype(ops);
    using M = More<O>;
    using V = typename O::V;
    constexpr int R = decltype(blocks)::value, W = O::W;
    V sdy[R], sdx[R];
    for (int r = 0; r < R; ++r) {
      const V d = O::load(dy + i + r * W);
      sdy[r] = d;
      sdx[r] = O::mul(d, O::load(xhat + i + r * W));
    }
    for (int s = 1; s < n; ++s)
      for (int r = 0; r < R; ++r) {
        const V d = O::load(col(dy, lddy, s) + i + r * W);
        sdy[r] = O::add(sdy[r], d);
        sdx[r] = O::add(sdx[r], O::mul(d, O::load(col(xhat, ldxhat, s) + i + r * W)));
      }
    for (int r = 0; r < R; ++r) {
      O::store(dgamma + i + r * W, sdx[r]);
      O::store(dbeta + i + r * W, sdy[r]);
    }
    if (!dx) return;
    const V count = O::splat(static_cast<T>(n));
    V factor[R], minus_sdx[R];
    for (int r = 0; r < R; ++r) {
      factor[r] = O::div(O::mul(O::load(gamma + i + r * W), O::load(inv_std + i + r * W)), count);
      minus_sdx[r] = M::neg(sdx[r]);
    }
    for (int s = 0; s < n; ++s)
      for (int r = 0; r < R; ++r) {
        V t = O::mul(O::load(col(xhat, ldxhat, s) + i + r * W), minus_sdx[r]);
        t = O::add(t, O::mul(O::load(col(dy, lddy, s) + i + r * W), count));
        t = O::sub(t, sdy[r]);
        O::store(col(dx, lddx, s) + i + r * W, O::mul(t, factor[r]));
      }
  });
}

template <class S, class T>
[[gnu::noinline]] void scale_shift_loop(int features, int n, const T* x, int ldx, const T* scale, const T* shift, T* y, int ldy) {
  for (int s = 0; s < n; ++s)
    over_column<S, T>(features, [&](auto ops, int i) {
      using O = decltype(ops);
      O::store(col(y, ldy, s) + i,
               O::add(O::mul(O::load(col(x, ldx, s) + i), O::load(scale + i)), O::load(shift + i)));
    });
}

template <class S, class T>
[[gnu::noinline]] void row_sums_loop(int rows, int n, const T* d, int ldd, T* out) {
  over_rows<S, T>(rows, [&](auto ops, auto blocks, int i) {
    using O = decltype(ops);
    using V = typename O::V;
    constexpr int R = decltype(blocks)::value, W = O::W;
    V acc[R];
    for (int r = 0; r < R; ++r) acc[r] = O::load(d + i + r * W);
    for (int s = 1; s < n; ++s)
      for (int r = 0; r < R; ++r) acc[r] = O::add(acc[r], O::load(col(d, ldd, s) + i + r * W));
    for (int r = 0; r < R; ++r) O::store(out + i + r * W, acc[r]);
  });
}

template <class S, class T>
[[gnu::noinline]] void relu_loop(int rows, int n, const T* z, int ldz, T* y, int ldy) {
  for (int s = 0; s < n; ++s)
    over_column<S, T>(rows, [&](auto ops, int i) {
      using O = decltype(ops);
      O::store(col(y, ldy, s) + i, More<O>::max0(O::load(col(z, ldz, s) + i)));
    });
}

template <class S, class T>
[[gnu::noinline]] void relu_backward_loop(int rows, int n, const T* z, int ldz, const T* dy, int lddy, T* dz, int lddz) {
  for (int s = 0; s < n; ++s)
    over_column<S, T>(rows, [&](auto ops, int i) {
      using O = decltype(ops);
      O::store(col(dz, lddz, s) + i, More<O>::if_positive(O::load(col(z, ldz, s) + i), O::load(col(dy, lddy, s) + i)));
    });
}

template <class S, class T>
[[gnu::noinline]] T squared_error_loop(int rows, int n, const T* p, int ldp, const T* t, int ldt, T c, T* grad, int ldg) {
  // The sum in one chain, column by column (a few thousand additions: not worth another order).
  T total = 0;
  bool first = true;
  for (int s = 0; s < n; ++s)
    for (int i = 0; i < rows; ++i) {
      const T d = col(p, ldp, s)[i] - col(t, ldt, s)[i];
      total = first ? d * d : total + d * d;
      first = false;
    }
  if (grad)
    for (int s = 0; s < n; ++s)
      over_column<S, T>(rows, [&](auto ops, int i) {
        using O = decltype(ops);
        O::store(col(grad, ldg, s) + i, O::mul(O::splat(c), O::sub(O::load(col(p, ldp, s) + i), O::load(col(t, ldt, s) + i))));
      });
  return total;
}

#if !defined(__wasm__)
template <class T>
using Column = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T>
using ColumnMap = Eigen::Map<Column<T>>;
template <class T>
using ConstColumnMap = Eigen::Map<const Column<T>>;
#endif

}  // namespace

// Each entry point: the portable loops when asked, else this build's best (Wasm SIMD, the
// portable loops in Wasm without SIMD, natively Eigen with the expressions the model had).
#if defined(__wasm_simd128__)
#define NNTUTOR_BEST_LOOP(name, T, ...) return name<typename Simd<T>::type, T>(__VA_ARGS__)
#elif defined(__wasm__)
#define NNTUTOR_BEST_LOOP(name, T, ...) return name<Scalar<T>, T>(__VA_ARGS__)
#else
#define NNTUTOR_BEST_LOOP(name, T, ...) (void)0
#endif

template <class T>
void batch_norm_train(int features, int n, const T* x, int ldx, const T* gamma, const T* beta, T epsilon,
                      T* mean, T* variance, T* inv_std, T* xhat, int ldxhat, T* y, int ldy, Path path) {
  if (features <= 0 || n <= 0) return;
  if (path == Path::kPortable)
    return bn_train_loop<Scalar<T>, T>(features, n, x, ldx, gamma, beta, epsilon, mean, variance, inv_std, xhat,
                                       ldxhat, y, ldy);
  NNTUTOR_BEST_LOOP(bn_train_loop, T, features, n, x, ldx, gamma, beta, epsilon, mean, variance, inv_std, xhat,
                    ldxhat, y, ldy);
#if !defined(__wasm__)
  const ConstStrided<T> in(x, features, n, Eigen::OuterStride<>(ldx));
  Strided<T> xh(xhat, features, n, Eigen::OuterStride<>(ldxhat));
  Strided<T> out(y, features, n, Eigen::OuterStride<>(ldy));
  ColumnMap<T> mu(mean, features), var(variance, features), inv(inv_std, features);
  mu = in.rowwise().mean();
  xh = in.colwise() - mu;
  var = xh.rowwise().squaredNorm() / static_cast<T>(n);
  inv = (var.array() + epsilon).unaryExpr(ExactInverseSqrt()).matrix();  // correctly rounded (kernels.hpp)
  xh.array().colwise() *= inv.array();
  out.array() = (xh.array().colwise() * ConstColumnMap<T>(gamma, features).array()).colwise() +
                ConstColumnMap<T>(beta, features).array();
#endif
}

template <class T>
void batch_norm_backward(int features, int n, const T* dy, int lddy, const T* xhat, int ldxhat, const T* gamma,
                         const T* inv_std, T* dgamma, T* dbeta, T* dx, int lddx, Path path) {
  if (features <= 0 || n <= 0) return;
  if (path == Path::kPortable)
    return bn_backward_loop<Scalar<T>, T>(features, n, dy, lddy, xhat, ldxhat, gamma, inv_std, dgamma, dbeta, dx,
                                          lddx);
  NNTUTOR_BEST_LOOP(bn_backward_loop, T, features, n, dy, lddy, xhat, ldxhat, gamma, inv_std, dgamma, dbeta, dx,
                    lddx);
#if !defined(__wasm__)
  const ConstStrided<T> d(dy, features, n, Eigen::OuterStride<>(lddy));
  const ConstStrided<T> xh(xhat, features, n, Eigen::OuterStride<>(ldxhat));
  ColumnMap<T> sum_dy(dbeta, features), sum_dy_xhat(dgamma, features);
  sum_dy = d.rowwise().sum();
  sum_dy_xhat = (d.array() * xh.array()).rowwise().sum().matrix();
  if (!dx) return;
  // γ·inv_std/n and −Σ dy·x̂ in a buffer kept between calls: no allocation per batch (Eigen would
  // evaluate the negation into a temporary for the column-wise product).
  thread_local std::vector<T> scratch;
  scratch.resize(2 * static_cast<std::size_t>(features));
  ColumnMap<T> factor(scratch.data(), features), minus_sum_dy_xhat(scratch.data() + features, features);
  factor = (ConstColumnMap<T>(gamma, features).array() * ConstColumnMap<T>(inv_std, features).array() / static_cast<T>(n)).matrix();
  minus_sum_dy_xhat = -sum_dy_xhat;
  Strided<T> out(dx, features, n, Eigen::OuterStride<>(lddx));
  out.array() = xh.array().colwise() * minus_sum_dy_xhat.array();
  out.array() += d.array() * static_cast<T>(n);
  out.array().colwise() -= sum_dy.array();
  out.array().colwise() *= factor.array();
#endif
}

template <class T>
void scale_shift(int features, int n, const T* x, int ldx, const T* scale, const T* shift, T* y, int ldy, Path path) {
  if (features <= 0 || n <= 0) return;
  if (path == Path::kPortable) return scale_shift_loop<Scalar<T>, T>(features, n, x, ldx, scale, shift, y, ldy);
  NNTUTOR_BEST_LOOP(scale_shift_loop, T, features, n, x, ldx, scale, shift, y, ldy);
#if !defined(__wasm__)
  Strided<T>(y, features, n, Eigen::OuterStride<>(ldy)).array() =
      (ConstStrided<T>(x, features, n, Eigen::OuterStride<>(ldx)).array().colwise() *
       ConstColumnMap<T>(scale, features).array()).colwise() +
      ConstColumnMap<T>(shift, features).array();
#endif
}

template <class T>
void row_sums(int rows, int n, const T* d, int ldd, T* out, Path path) {
  if (rows <= 0) return;
  if (n <= 0) return std::fill(out, out + rows, T(0));
  if (path == Path::kPortable) return row_sums_loop<Scalar<T>, T>(rows, n, d, ldd, out);
  NNTUTOR_BEST_LOOP(row_sums_loop, T, rows, n, d, ldd, out);
#if !defined(__wasm__)
  ColumnMap<T>(out, rows) = ConstStrided<T>(d, rows, n, Eigen::OuterStride<>(ldd)).rowwise().sum();
#endif
}

template <class T>
void relu(int rows, int n, const T* z, int ldz, T* y, int ldy, Path path) {
  if (rows <= 0 || n <= 0) return;
  if (path == Path::kPortable) return relu_loop<Scalar<T>, T>(rows, n, z, ldz, y, ldy);
  NNTUTOR_BEST_LOOP(relu_loop, T, rows, n, z, ldz, y, ldy);
#if !defined(__wasm__)
  Strided<T>(y, rows, n, Eigen::OuterStride<>(ldy)) =
      ConstStrided<T>(z, rows, n, Eigen::OuterStride<>(ldz)).cwiseMax(T(0));
#endif
}

template <class T>
void relu_backward(int rows, int n, const T* z, int ldz, const T* dy, int lddy, T* dz, int lddz, Path path) {
  if (rows <= 0 || n <= 0) return;
  if (path == Path::kPortable) return relu_backward_loop<Scalar<T>, T>(rows, n, z, ldz, dy, lddy, dz, lddz);
  NNTUTOR_BEST_LOOP(relu_backward_loop, T, rows, n, z, ldz, dy, lddy, dz, lddz);
#if !defined(__wasm__)
  // The portable loop natively too (a selection: the same bits as Eigen's select(dy, 0), which
  // runs one element at a time with a branch that mispredicts on a relu's random signs: 12 % of
  // a float32 batch of the lecture model; g++ makes the loop a compare and a mask).
  relu_backward_loop<Scalar<T>, T>(rows, n, z, ldz, dy, lddy, dz, lddz);
#endif
}

template <class T>
T squared_error(int rows, int n, const T* p, int ldp, const T* t, int ldt, T c, T* grad, int ldg, Path path) {
  if (rows <= 0 || n <= 0) return T(0);
  if (path == Path::kPortable) return squared_error_loop<Scalar<T>, T>(rows, n, p, ldp, t, ldt, c, grad, ldg);
  NNTUTOR_BEST_LOOP(squared_error_loop, T, rows, n, p, ldp, t, ldt, c, grad, ldg);
#if !defined(__wasm__)
  const ConstStrided<T> P(p, rows, n, Eigen::OuterStride<>(ldp)), Y(t, rows, n, Eigen::OuterStride<>(ldt));
  const T total = (P - Y).squaredNorm();
  if (grad) Strided<T>(grad, rows, n, Eigen::OuterStride<>(ldg)) = c * (P - Y);
  return total;
#endif
}

#undef NNTUTOR_BEST_LOOP

template <class T>
void dense_backward(int units, int inputs, int n, const T* W, int ldw, const T* delta, int lddelta, const T* a,
                    int lda, T* dW, int lddw, T* db, T* da, int ldda, Path path) {
  const double work = static_cast<double>(units) * inputs * n * (da ? 2 : 1);
  if (in_part || threads() <= 1 || work < kSplitWork) {
    gemm_nt<T>(units, inputs, n, delta, lddelta, a, lda, dW, lddw, path);
    if (db) row_sums<T>(units, n, delta, lddelta, db, path);
    if (da) gemm_tn<T>(inputs, n, units, W, ldw, delta, lddelta, da, ldda, path);
    return;
  }
  // One part per thread of each product (two products keep every thread busy; fewer parts pack
  // δ and Wᵀ fewer times natively; two per thread measured no better in Wasm), the bias gradient
  // last, whole: it fills the wait.
  const int nt = column_parts(units, inputs, n, 1, true), tn = da ? column_parts(inputs, n, units, 1, true) : 0;
  const int parts = nt + tn + (db ? 1 : 0);
  parallel_for(parts, [&](int part) {
    as_part([&] {
      if (part < nt) {
        const auto [q0, q1] = part_range(inputs, nt, part);
        gemm_nt<T>(units, q1 - q0, n, delta, lddelta, a + q0, lda, dW + static_cast<ptrdiff_t>(q0) * lddw, lddw, path);
      } else if (part < nt + tn) {
        const auto [j0, j1] = part_range(n, tn, part - nt);
        gemm_tn<T>(inputs, j1 - j0, units, W, ldw, delta + static_cast<ptrdiff_t>(j0) * lddelta, lddelta,
                   da + static_cast<ptrdiff_t>(j0) * ldda, ldda, path);
      } else {
        row_sums<T>(units, n, delta, lddelta, db, path);
      }
    });
  });
}

namespace {

/// The same number, sign of zero and NaN included.
template <class T>
bool same_number(T a, T b) {
  return std::isnan(a) ? std::isnan(b) : a == b && std::signbit(a) == std::signbit(b);
}

/// The inputs and every output of the kernels above on one shape, for one path.
template <class T>
struct ElementwiseRun {
  std::vector<T> mean, variance, inv_std, xhat, y, dgamma, dbeta, dx, shifted, sums, relu_y, relu_dz, grad;
  T total = 0;
};

template <class T>
struct ElementwiseCase {
  int features = 0, n = 0, ld = 0;
  T epsilon = T(1e-3);
  std::vector<T> x, gamma, beta, dy, xhat, inv_std, scale, shift, z, target;

  ElementwiseCase(int f, int samples, std::mt19937_64& rng) : features(f), n(samples), ld(f + 3) {
    std::uniform_real_distribution<double> u(-1, 1);
    const auto fill = [&](std::vector<T>& v, std::size_t size, double offset, double spread) {
      v.resize(size);
      for (auto& e : v) e = static_cast<T>(offset + spread * u(rng));
    };
    const std::size_t size = static_cast<std::size_t>(ld) * static_cast<std::size_t>(n);
    fill(x, size, 0.5, 2.0);  // an offset mean, so x − mean cancels
    fill(gamma, static_cast<std::size_t>(f), 1.0, 0.5);
    fill(beta, static_cast<std::size_t>(f), 0.0, 0.5);
    fill(dy, size, 0.0, 1.0);
    fill(xhat, size, 0.0, 1.5);
    fill(inv_std, static_cast<std::size_t>(f), 2.0, 1.0);
    fill(scale, static_cast<std::size_t>(f), 0.0, 2.0);
    fill(shift, static_cast<std::size_t>(f), 0.0, 1.0);
    fill(z, size, 0.0, 1.0);
    fill(target, size, 0.0, 1.0);
    for (std::size_t k = 0; k < z.size(); k += 7) z[k] = T(0);  // relu at 0: its gradient is 0 there
    if (z.size() > 3) z[3] = -T(0);
  }

  ElementwiseRun<T> run(Path path) const {
    ElementwiseRun<T> r;
    const std::size_t size = x.size(), f = static_cast<std::size_t>(features);
    r.mean.assign(f, T(-7));
    r.variance.assign(f, T(-7));
    r.inv_std.assign(f, T(-7));
    r.xhat.assign(size, T(-7));
    r.y.assign(size, T(-7));
    batch_norm_train<T>(features, n, x.data(), ld, gamma.data(), beta.data(), epsilon, r.mean.data(), r.variance.data(),
                        r.inv_std.data(), r.xhat.data(), ld, r.y.data(), ld, path);
    r.dgamma.assign(f, T(-7));
    r.dbeta.assign(f, T(-7));
    r.dx.assign(size, T(-7));
    batch_norm_backward<T>(features, n, dy.data(), ld, xhat.data(), ld, gamma.data(), inv_std.data(), r.dgamma.data(),
                           r.dbeta.data(), r.dx.data(), ld, path);
    r.shifted.assign(size, T(-7));
    scale_shift<T>(features, n, x.data(), ld, scale.data(), shift.data(), r.shifted.data(), ld, path);
    r.sums.assign(f, T(-7));
    row_sums<T>(features, n, dy.data(), ld, r.sums.data(), path);
    r.relu_y.assign(size, T(-7));
    relu<T>(features, n, z.data(), ld, r.relu_y.data(), ld, path);
    r.relu_dz.assign(size, T(-7));
    relu_backward<T>(features, n, z.data(), ld, dy.data(), ld, r.relu_dz.data(), ld, path);
    r.grad.assign(size, T(-7));
    const T c = static_cast<T>(2) / static_cast<T>(features * n);
    r.total = squared_error<T>(features, n, x.data(), ld, target.data(), ld, c, r.grad.data(), ld, path);
    return r;
  }

  T at(const std::vector<T>& v, int i, int s) const { return v[static_cast<std::size_t>(i + s * ld)]; }

  /// The largest error of `r` against long double (relative to the terms' magnitudes), or 1
  /// when an element-wise result differs from its formula in T.
  double error(const ElementwiseRun<T>& r) const {
    using L = long double;
    double worst = 0;
    const auto rel = [&](L got, L exact, L magnitude) {
      if (!std::isfinite(static_cast<double>(got))) return 1.0;
      return static_cast<double>(std::fabs(got - exact) / (magnitude + 1e-300L));
    };
    const auto bits = [](T a, T b) { return same_number(a, b); };
    const T c = static_cast<T>(2) / static_cast<T>(features * n);
    L total = 0, total_magnitude = 0;
    for (int i = 0; i < features; ++i) {
      const std::size_t fi = static_cast<std::size_t>(i);
      L sum = 0, sum_abs = 0, sum_dy = 0, abs_dy = 0, sum_dyx = 0, abs_dyx = 0;
      for (int s = 0; s < n; ++s) {
        sum += at(x, i, s);
        sum_abs += std::fabs(static_cast<L>(at(x, i, s)));
        sum_dy += at(dy, i, s);
        abs_dy += std::fabs(static_cast<L>(at(dy, i, s)));
        sum_dyx += static_cast<L>(at(dy, i, s)) * at(xhat, i, s);
        abs_dyx += std::fabs(static_cast<L>(at(dy, i, s)) * at(xhat, i, s));
      }
      const L mean = sum / n;
      L var = 0;
      for (int s = 0; s < n; ++s) var += (at(x, i, s) - mean) * (at(x, i, s) - mean);
      var /= n;
      const L inv = 1 / std::sqrt(var + static_cast<L>(epsilon));
      worst = std::max({worst, rel(r.mean[fi], mean, sum_abs / n), rel(r.variance[fi], var, var + sum_abs * sum_abs / n / n * 1e-30L),
                        rel(r.inv_std[fi], inv, inv), rel(r.dgamma[fi], sum_dyx, abs_dyx), rel(r.dbeta[fi], sum_dy, abs_dy),
                        rel(r.sums[fi], sum_dy, abs_dy)});
      const L factor = static_cast<L>(gamma[fi]) * inv_std[fi] / n;
      for (int s = 0; s < n; ++s) {
        const L xh = (at(x, i, s) - mean) * inv, xh_magnitude = (std::fabs(static_cast<L>(at(x, i, s))) + sum_abs / n) * inv;
        worst = std::max(worst, rel(at(r.xhat, i, s), xh, xh_magnitude));
        worst = std::max(worst, rel(at(r.y, i, s), xh * gamma[fi] + beta[fi],
                                    xh_magnitude * std::fabs(static_cast<L>(gamma[fi])) + std::fabs(static_cast<L>(beta[fi]))));
        const L d = static_cast<L>(at(dy, i, s)), xg = at(xhat, i, s);
        const L dx = factor * (n * d - sum_dy - xg * sum_dyx);
        const L dx_magnitude = std::fabs(factor) * (n * std::fabs(d) + abs_dy + std::fabs(xg) * abs_dyx);
        worst = std::max(worst, rel(at(r.dx, i, s), dx, dx_magnitude));
        // element-wise: the formula in T, bit for bit
        const T zi = at(z, i, s), dyi = at(dy, i, s);
        if (!bits(at(r.shifted, i, s), at(x, i, s) * scale[fi] + shift[fi]) || !bits(at(r.relu_y, i, s), std::max(zi, T(0))) ||
            !bits(at(r.relu_dz, i, s), zi > T(0) ? dyi : T(0)) ||
            !bits(at(r.grad, i, s), c * (at(x, i, s) - at(target, i, s))))
          return 1.0;
      }
    }
    for (int s = 0; s < n; ++s)
      for (int i = 0; i < features; ++i) {
        const L d = static_cast<L>(at(x, i, s)) - at(target, i, s);
        total += d * d;
        total_magnitude += d * d;
      }
    return std::max(worst, rel(r.total, total, total_magnitude));
  }
};

/// The shapes of the checks: features (rows) × samples.
std::vector<std::pair<int, int>> elementwise_shapes() {
  std::vector<std::pair<int, int>> shapes;
  for (const int f : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 17})
    for (const int n : {1, 2, 3, 5, 8, 17}) shapes.emplace_back(f, n);
  for (const auto& s : {std::pair<int, int>{64, 64}, {128, 64}, {54, 64}, {130, 7}, {3, 300}, {37, 100}})
    shapes.push_back(s);
  return shapes;
}

template <class T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_number(a[i], b[i])) return false;
  return true;
}

}  // namespace

template <class T>
double elementwise_self_check() {
  std::mt19937_64 rng(20261205);
  double worst = 0;
  for (const auto& [f, n] : elementwise_shapes()) {
    const ElementwiseCase<T> c(f, n, rng);
    for (const Path path : {Path::kBest, Path::kPortable}) worst = std::max(worst, c.error(c.run(path)));
  }
  return worst;
}

template <class T>
bool elementwise_same_bits() {
  std::mt19937_64 rng(20261206);
  for (const auto& [f, n] : elementwise_shapes()) {
    const ElementwiseCase<T> c(f, n, rng);
    const ElementwiseRun<T> a = c.run(Path::kBest), b = c.run(Path::kPortable);
    if (!same(a.mean, b.mean) || !same(a.variance, b.variance) || !same(a.inv_std, b.inv_std) || !same(a.xhat, b.xhat) ||
        !same(a.y, b.y) || !same(a.dgamma, b.dgamma) || !same(a.dbeta, b.dbeta) || !same(a.dx, b.dx) ||
        !same(a.shifted, b.shifted) || !same(a.sums, b.sums) || !same(a.relu_y, b.relu_y) || !same(a.relu_dz, b.relu_dz) ||
        !same(a.grad, b.grad) || !same_number(a.total, b.total))
      return false;
  }
  return true;
}

#define NNTUTOR_ELEMENTWISE_KERNELS(T)                                                                          \
  template void batch_norm_train<T>(int, int, const T*, int, const T*, const T*, T, T*, T*, T*, T*, int, T*, int, \
                                    Path);                                                                      \
  template void batch_norm_backward<T>(int, int, const T*, int, const T*, int, const T*, const T*, T*, T*, T*,  \
                                       int, Path);                                                              \
  template void scale_shift<T>(int, int, const T*, int, const T*, const T*, T*, int, Path);                     \
  template void row_sums<T>(int, int, const T*, int, T*, Path);                                                  \
  template void relu<T>(int, int, const T*, int, T*, int, Path);                                                 \
  template void relu_backward<T>(int, int, const T*, int, const T*, int, T*, int, Path);                         \
  template T squared_error<T>(int, int, const T*, int, const T*, int, T, T*, int, Path);                         \
  template void dense_backward<T>(int, int, int, const T*, int, const T*, int, const T*, int, T*, int, T*, T*, int, \
                                  Path);                                                                        \
  template double elementwise_self_check<T>();                                                                   \
  template bool elementwise_same_bits<T>();
NNTUTOR_ELEMENTWISE_KERNELS(float)
NNTUTOR_ELEMENTWISE_KERNELS(double)
#undef NNTUTOR_ELEMENTWISE_KERNELS

}  // namespace nntutor::kernels
