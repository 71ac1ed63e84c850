#pragma once
/// The Keras-style trainer's hot loops (docs/bench.md "Kernels"): the three matrix products of a
/// dense layer and the Adam update, for float and double; below them (end of this file) batch
/// normalization, relu, the bias gradient and mse. Not a public header of the core: only
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
///   - natively: Eigen's products (its own SSE/AVX kernels); Adam on SSE2 (4 floats / 2 doubles).
/// Every path computes each product's sums left to right within a block of the sum; the paths
/// differ from each other (and from Eigen) only in the order of additions, i.e. in the last bits.
#include <cmath>
#include <cstddef>

namespace nntutor::kernels {

enum class Path {
  kBest,      ///< what this build does best: Wasm SIMD, Eigen (and SSE2) natively, else portable
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

/// √v and 1/√v correctly rounded, as functors for Eigen's `unaryExpr`. Natively, Eigen's float
/// packets under EIGEN_FAST_MATH compute both from the CPU's rsqrt estimate, whose last bits differ
/// between Intel and AMD; these give the Wasm build's bits on every CPU (docs/model.md, "The same
/// numbers on every CPU"). Batch normalization's 1/√(σ² + ε) and adagrad's and rmsprop's √ use them.
struct ExactSqrt {
  template <class T>
  T operator()(T v) const { return std::sqrt(v); }
};
struct ExactInverseSqrt {
  template <class T>
  T operator()(T v) const { return T(1) / std::sqrt(v); }
};

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

namespace nntutor::kernels {

// ---- The trainer's other loops: batch normalization, relu, the bias gradient, mse ----
// The same three implementations as the products (Wasm SIMD, portable scalar loops, Eigen
// natively). Every sum over the samples (a row of a features × samples matrix) runs left to
// right from its first term, one lane per feature: the Wasm SIMD and portable paths give the
// same bits as each other and as Eigen's scalar loops (the Wasm build before these kernels);
// natively Eigen's own vectorised sums (another order) are kept, with the very expressions the
// model used before, so native results are unchanged too. Element-wise results are the same
// bits on every path.

/// Batch normalization's forward pass in training mode over n samples, per feature i (row):
/// mean = (Σ_s x)/n, variance = (Σ_s (x − mean)²)/n (biased, as Keras 3), inv_std =
/// 1/√(variance + ε), xhat = (x − mean)·inv_std, y = xhat·γ + β. mean, variance, inv_std,
/// gamma and beta hold one number per feature.
template <class T>
void batch_norm_train(int features, int n, const T* x, int ldx, const T* gamma, const T* beta, T epsilon,
                      T* mean, T* variance, T* inv_std, T* xhat, int ldxhat, T* y, int ldy,
                      Path path = Path::kBest);

/// Batch normalization's backward pass: dgamma = Σ_s dy·x̂, dbeta = Σ_s dy and, if dx is not
/// null, dx = ((x̂·(−dgamma) + dy·n) − dbeta)·(γ·inv_std/n), i.e. ∂L/∂x =
/// γ/(n·√(σ² + ε))·(n·dy − Σ_s dy − x̂·Σ_s dy·x̂).
template <class T>
void batch_norm_backward(int features, int n, const T* dy, int lddy, const T* xhat, int ldxhat,
                         const T* gamma, const T* inv_std, T* dgamma, T* dbeta, T* dx, int lddx,
                         Path path = Path::kBest);

/// y = x·scale + shift per feature (row): batch normalization in inference mode, with
/// scale = γ/√(moving_variance + ε) and shift = β − moving_mean·scale.
template <class T>
void scale_shift(int features, int n, const T* x, int ldx, const T* scale, const T* shift, T* y, int ldy,
                 Path path = Path::kBest);

/// out_i = Σ_s d(i, s) over n columns: a dense layer's bias gradient.
template <class T>
void row_sums(int rows, int n, const T* d, int ldd, T* out, Path path = Path::kBest);

/// relu: y = max(z, 0) as this build's std::max(z, 0): a NaN passes; a −0 stays −0 natively
/// (g++) and becomes +0 in WebAssembly (clang makes std::max an f32.max there; the SIMD path
/// adds +0 to match).
template <class T>
void relu(int rows, int n, const T* z, int ldz, T* y, int ldy, Path path = Path::kBest);

/// relu's backward pass: dz = dy where z > 0, else +0.
template <class T>
void relu_backward(int rows, int n, const T* z, int ldz, const T* dy, int lddy, T* dz, int lddz,
                   Path path = Path::kBest);

/// The squared error of outputs p against targets t (rows × n): returns Σ (p − t)² summed
/// column by column from the first element (in T), and writes grad = c·(p − t) if grad is not
/// null (mse: c = 2/(rows·n)).
template <class T>
T squared_error(int rows, int n, const T* p, int ldp, const T* t, int ldt, T c, T* grad, int ldg,
                Path path = Path::kBest);

// ---- For the pool (docs/threads.md): one hand-off to the threads for what a layer does in a
// row, each part computed by the kernels above on its range, so the same bits as calling them
// one after the other. ----

/// A dense layer's backward pass: ∂L/∂W = δ·aᵀ (gemm_nt: δ units × n, a inputs × n, into dW,
/// units × inputs, lddw), ∂L/∂b = Σ_s δ (row_sums into db, if not null) and ∂L/∂a = Wᵀ·δ (gemm_tn:
/// W units × inputs, into da, inputs × n, ldda, if not null). With threads, the parts of the two
/// products and the bias gradient are claimed side by side in one job.
template <class T>
void dense_backward(int units, int inputs, int n, const T* W, int ldw, const T* delta, int lddelta, const T* a,
                    int lda, T* dW, int lddw, T* db, T* da, int ldda, Path path = Path::kBest);

/// Checks the kernels above on both paths against loops in long double, for features and
/// samples of 1–10, 15, 17 and over 64 (rows shorter and longer than one vector and one block of
/// four), with leading dimensions larger than the rows. Returns the largest error relative to the
/// sum of |terms| of that element (0 for the element-wise kernels, which must be bit for bit), or
/// 1 if relu or relu_backward differ from their formula in one bit.
template <class T>
double elementwise_self_check();

/// Whether the best path gives the same bits as the portable one on the checks above (true in
/// WebAssembly, where both sum in the same order; natively Eigen sums in its own order).
template <class T>
bool elementwise_same_bits();

}  // namespace nntutor::kernels
