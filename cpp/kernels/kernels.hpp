#pragma once
/// The Keras-style trainer's hot loops (docs/bench.md "Kernels"): the three matrix products of a
/// dense layer and the Adam update, for float and double. Not a public header of the core: only
/// nntutor_math, nntutor_keras and the tests include it (cpp/kernels is on no layer's public
/// include path).
///
/// Matrices are column-major with a leading dimension (the distance between two columns), as
/// Eigen's. Three implementations of the same products:
///   - WebAssembly with SIMD (`-msimd128`, __wasm_simd128__): f32x4 / f64x2 register tiles of
///     2 vectors of rows × 4 columns (a column of the left matrix times a broadcast number of the
///     right one), blocked for cache (kRowBlock rows × kDepthBlock terms of the sum at a time);
///     Wᵀ·δ writes Wᵀ out first (W's size) and runs the same tiles;
///   - the portable path: the same blocked loops on scalars (WebAssembly without SIMD), also
///     callable natively so the tests run it;
///   - natively: Eigen's products (its own SSE/AVX kernels).
/// Every path computes each product's sums left to right within a block of the sum; the paths
/// differ from each other (and from Eigen) only in the order of additions, i.e. in the last bits.
#include <cstddef>

namespace nntutor::kernels {

enum class Path {
  kBest,      ///< what this build does best: Wasm SIMD, Eigen natively, else portable
  kPortable,  ///< the blocked scalar loops (for tests and builds without SIMD)
};

/// Rows of C computed per block, and terms of each sum per block (C is accumulated between
/// blocks of the sum), so that a block of A (64 × 128 doubles, 64 KB) stays in cache while every
/// column of B passes by.
inline constexpr int kRowBlock = 64;
inline constexpr int kDepthBlock = 128;

/// The forward product of a dense layer, z = W·a + b:
/// C (m × n, ldc) = A (m × k, lda) · B (k × n, ldb), plus bias[i] on row i if bias is not null.
template <class T>
void gemm_nn(int m, int n, int k, const T* A, int lda, const T* B, int ldb, const T* bias, T* C,
             int ldc, Path path = Path::kBest);

/// The weights' gradient, ∂L/∂W = δ·aᵀ: C (m × k, ldc) = D (m × n, ldd) · Bᵀ, B (k × n, ldb).
template <class T>
void gemm_nt(int m, int k, int n, const T* D, int ldd, const T* B, int ldb, T* C, int ldc,
             Path path = Path::kBest);

/// The input's gradient, ∂L/∂a = Wᵀ·δ: C (k × n, ldc) = Aᵀ · D, A (m × k, lda), D (m × n, ldd).
template <class T>
void gemm_tn(int k, int n, int m, const T* A, int lda, const T* D, int ldd, T* C, int ldc,
             Path path = Path::kBest);

/// Keras' Adam step on `size` parameters, element by element, in this order of operations:
///   m ← m + (g − m)·c1,  v ← v + (g² − v)·c2,  θ ← θ − (m·alpha)/(√v + eps)
/// with c1 = 1 − β₁, c2 = 1 − β₂ and alpha = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ). Every path gives the same
/// bits (each operation is one correctly rounded IEEE operation, no fused multiply-add).
template <class T>
void adam(std::ptrdiff_t size, T* theta, const T* g, T* m, T* v, T alpha, T c1, T c2, T eps,
          Path path = Path::kBest);

/// Which implementation Path::kBest runs in this build: "wasm-simd128", "eigen" or "portable".
const char* best_path();

/// Checks every kernel on both paths against plain triple loops in long double, for every shape
/// with sizes 1–10, 12, 15, 17 in each dimension (rows, columns and sums shorter and longer than
/// one vector and one tile) and larger shapes over a block edge (up to 300), with leading dimensions
/// larger than the rows, and a bias or none. Returns the largest error relative to the sum of
/// |terms| of that element (0 for Adam, which must be bit for bit), so that a caller can hold it
/// to float's or double's rounding. `T` is the kernels' scalar type.
template <class T>
double self_check();

}  // namespace nntutor::kernels
