#pragma once
/// The kernels' thread pool (docs/threads.md): the trainer's products and Adam's update split
/// their WORK over threads, never the batch. Each product is cut into ranges of independent
/// outputs (columns of C, ranges of parameters), and every output is computed by the same
/// sequence of operations whatever the number of threads, so 1, 2 or N threads give the same
/// bits (tests/cpp/pool_test.cpp).
///
/// The count is a runtime setting of the process (default 1), not part of a model: the CLI's
/// `--threads N` and the trainer module's `setThreads(n)` set it. Natively the workers are
/// std::threads; under Emscripten with -pthread the same code runs on Web Workers; a Wasm build
/// without threads has a pool of one (max_threads() == 1).
///
/// A worker waits for work with a short spin (so the products of one batch, a few µs apart, do
/// not pay a wake-up each), then sleeps on a condition variable (so an idle pool burns no core).
/// The caller takes parts too: when the workers are slow to wake (a loaded machine, or pthreads
/// not yet started) it does the parts they have not claimed, and the answer is the same.
#include <cstddef>
#include <type_traits>

namespace nntutor::kernels {

/// The largest thread count set_threads accepts in this build: 16 natively, 1 in a Wasm build
/// without threads, the pthread pool's size + 1 in the threaded Wasm module.
int max_threads();

/// Sets the number of threads the kernels use (1 = the caller alone, no worker). Throws
/// std::invalid_argument, naming the limits, when n < 1 or n > max_threads(). Not to be called
/// while a product runs on another thread.
void set_threads(int n);

/// The number of threads set (1 by default).
int threads();

/// Runs body(context, part) for every part in [0, parts) on the pool and the calling thread;
/// returns when all have finished. Parts must be independent. With threads() == 1 or parts <= 1
/// it is a plain loop on the caller.
void parallel_for(int parts, void (*body)(void* context, int part), void* context);

/// The same with a callable: f(part).
template <class F>
void parallel_for(int parts, F&& f) {
  using G = std::remove_reference_t<F>;
  parallel_for(parts, [](void* context, int part) { (*static_cast<G*>(context))(part); },
               const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace nntutor::kernels
