#include "pool.hpp"

#include <stdexcept>
#include <string>

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
#define NNTUTOR_POOL_THREADS 1
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#endif

// The threaded Wasm module sets NNTUTOR_MAX_THREADS to its pthread pool's size + 1 (CMakeLists.txt).
#ifndef NNTUTOR_MAX_THREADS
#define NNTUTOR_MAX_THREADS 16
#endif

namespace nntutor::kernels {

int max_threads() {
#if defined(NNTUTOR_POOL_THREADS)
  return NNTUTOR_MAX_THREADS;
#else
  return 1;
#endif
}

namespace {

void check_count(int n) {
  if (n < 1 || n > max_threads())
    throw std::invalid_argument("threads: expected a whole number from 1 to " + std::to_string(max_threads()) +
                                " (this build" + (max_threads() == 1 ? " has no threads" : "'s limit") + "), got " +
                                std::to_string(n));
}

#if defined(NNTUTOR_POOL_THREADS)

/// How long a worker spins on the job counter before it sleeps (docs/threads.md: the products
/// of one batch come a few µs apart; longer than that, the core is given back).
constexpr auto kSpin = std::chrono::microseconds(200);

inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

class Pool {
 public:
  explicit Pool(int workers) {
    threads_.reserve(static_cast<std::size_t>(workers));
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  void run(int parts, void (*body)(void*, int), void* context) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      body_ = body;
      context_ = context;
      parts_ = parts;
      open_ = true;
      next_.store(0, std::memory_order_relaxed);
      done_.store(0, std::memory_order_relaxed);
    }
    // The new generation is published after the mutex is released: a spinning worker that sees
    // it then finds the mutex free. (Published inside, the worker could find the mutex still
    // held, block on it and be woken by the unlock: a futex wait and wake, in WebAssembly
    // Atomics.wait and notify, after which the caller would have done most parts alone.)
    generation_.fetch_add(1, std::memory_order_seq_cst);
    // A worker going to sleep counts itself in sleepers_ before it checks the generation, and
    // here the generation is changed before sleepers_ is read (both sequentially consistent):
    // either this reads its count, or it sees the new generation and does not sleep. Taking the
    // mutex once waits for a worker between its check and its wait to be waiting.
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      { std::lock_guard<std::mutex> lock(mutex_); }
      wake_.notify_all();
    }
    // The caller claims parts like any worker: what nobody else took, it does itself.
    claim(body, context, parts);
    // Parts claimed by workers are running: wait for them (they are short).
    for (int spins = 0; done_.load(std::memory_order_acquire) < parts; ++spins) {
      if (spins < 4096) relax();
      else std::this_thread::yield();
    }
    // Close the job: no worker enters it any more; wait for those inside to leave before the
    // next job reuses the counters.
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_ = false;
    }
    while (inside_.load(std::memory_order_acquire) > 0) std::this_thread::yield();
  }

 private:
  void claim(void (*body)(void*, int), void* context, int parts) {
    for (int i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < parts;) {
      body(context, i);
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void work() {
    unsigned long long seen = 0;
    for (;;) {
      // Spin, giving the core away now and then (std::this_thread::yield): on a machine with
      // more runnable threads than cores, a pure spin would take the time slices the caller
      // needs for the work between two products.
      const auto until = std::chrono::steady_clock::now() + kSpin;
      for (int spins = 0; generation_.load(std::memory_order_acquire) == seen; ++spins) {
        relax();
        if ((spins & 63) == 63) {
          if (std::chrono::steady_clock::now() > until) break;
          std::this_thread::yield();
        }
      }
      void (*body)(void*, int) = nullptr;
      void* context = nullptr;
      int parts = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (generation_.load(std::memory_order_relaxed) == seen) {
          sleepers_.fetch_add(1, std::memory_order_seq_cst);
          wake_.wait(lock, [&] { return generation_.load(std::memory_order_seq_cst) != seen; });
          sleepers_.fetch_sub(1, std::memory_order_relaxed);
        }
        if (quit_) return;
        seen = generation_.load(std::memory_order_relaxed);
        if (!open_) continue;
        body = body_;
        context = context_;
        parts = parts_;
        inside_.fetch_add(1, std::memory_order_acq_rel);
      }
      claim(body, context, parts);
      inside_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Guarded by mutex_, except generation_ (changed by run() after the job is set, read while
  // spinning) and sleepers_ (see run()).
  std::atomic<unsigned long long> generation_{0};
  bool quit_ = false;
  bool open_ = false;
  std::atomic<int> sleepers_{0};
  void (*body_)(void*, int) = nullptr;
  void* context_ = nullptr;
  int parts_ = 0;
  // The current job's counters.
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  std::atomic<int> inside_{0};
};

int g_threads = 1;
std::unique_ptr<Pool> g_pool;

#endif

}  // namespace

void set_threads(int n) {
  check_count(n);
#if defined(NNTUTOR_POOL_THREADS)
  if (n == g_threads) return;
  g_pool.reset();
  if (n > 1) g_pool = std::make_unique<Pool>(n - 1);
  g_threads = n;
#endif
}

int threads() {
#if defined(NNTUTOR_POOL_THREADS)
  return g_threads;
#else
  return 1;
#endif
}

void parallel_for(int parts, void (*body)(void* context, int part), void* context) {
#if defined(NNTUTOR_POOL_THREADS)
  if (parts > 1 && g_pool) return g_pool->run(parts, body, context);
#endif
  for (int i = 0; i < parts; ++i) body(context, i);
}

}  // namespace nntutor::kernels
