// The kernels' thread pool (cpp/kernels/pool.cpp, docs/threads.md): every part runs once, the
// count's limits, and the point of it all: 1, 2, 3 and 4 threads give the same bits, for each
// kernel on both paths and for a few epochs of the lecture's Keras model in float32 and float64.
#include "pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kernels.hpp"
#include "nntutor/error.hpp"
#include "nntutor/fit.hpp"
#include "nntutor/model_json.hpp"
#include "nntutor/threads.hpp"
#include "test_helpers.hpp"

namespace {

namespace kn = nntutor::kernels;
namespace k = nntutor::keras;

/// Sets the thread count for a scope, back to 1 after.
struct Threads {
  explicit Threads(int n) { kn::set_threads(n); }
  ~Threads() { kn::set_threads(1); }
};

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

TEST(Pool, EveryPartRunsOnceWhateverTheCount) {
  for (const int n : {1, 2, 3, 4, 8}) {
    Threads threads(n);
    EXPECT_EQ(kn::threads(), n);
    for (int job = 0; job < 300; ++job) {
      const int parts = 1 + job % 11;
      std::vector<std::atomic<int>> runs(static_cast<std::size_t>(parts));
      kn::parallel_for(parts, [&](int part) { runs[static_cast<std::size_t>(part)].fetch_add(1); });
      for (int p = 0; p < parts; ++p) ASSERT_EQ(runs[static_cast<std::size_t>(p)].load(), 1) << n << " threads, job " << job;
    }
  }
  EXPECT_EQ(kn::threads(), 1);
}

TEST(Pool, CountOutsideTheLimitsIsRefusedAndKeepsTheLastGoodOne) {
  EXPECT_EQ(kn::max_threads(), 16);
  Threads threads(2);
  for (const int bad : {0, -1, 17}) {
    try {
      k::set_threads(bad);
      FAIL() << bad << " was taken";
    } catch (const nntutor::SessionError& e) {
      EXPECT_EQ(std::string(e.what()), "threads: expected a whole number from 1 to 16 (this build's limit), got " +
                                           std::to_string(bad));
    }
    EXPECT_EQ(k::threads(), 2);
  }
  EXPECT_EQ(k::threads_json(), R"({"threads":2,"min":1,"max":16})");
}

/// `size` numbers drawn from U(−1, 1) with `rng`.
template <class T>
std::vector<T> random_vector(std::mt19937_64& rng, std::size_t size) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> v(size);
  for (auto& x : v) x = static_cast<T>(u(rng));
  return v;
}

/// gemm_nn, gemm_nt, gemm_tn and adam on random inputs of one shape with `n` threads.
template <class T>
std::vector<std::vector<T>> kernels_with(int threads, int m, int n, int k, kn::Path path) {
  Threads set(threads);
  std::mt19937_64 rng(static_cast<std::uint64_t>(m * 1000003 + n * 1009 + k));
  const auto random = [&](std::size_t size) { return random_vector<T>(rng, size); };
  const int pad = 3;
  const auto A = random(static_cast<std::size_t>(m + pad) * k), B = random(static_cast<std::size_t>(k + pad) * n),
             bias = random(static_cast<std::size_t>(m)), D = random(static_cast<std::size_t>(m + pad) * n),
             Bt = random(static_cast<std::size_t>(k + pad) * n);
  std::vector<T> nn(static_cast<std::size_t>(m + pad) * n, T(7)), nt(static_cast<std::size_t>(m + pad) * k, T(7)),
      tn(static_cast<std::size_t>(k + pad) * n, T(7));
  kn::gemm_nn<T>(m, n, k, A.data(), m + pad, B.data(), k + pad, bias.data(), nn.data(), m + pad, path);
  kn::gemm_nt<T>(m, k, n, D.data(), m + pad, Bt.data(), k + pad, nt.data(), m + pad, path);
  kn::gemm_tn<T>(k, n, m, A.data(), m + pad, D.data(), m + pad, tn.data(), k + pad, path);
  const std::size_t size = static_cast<std::size_t>(m) * k * 3 + 5;
  auto w = random(size), g = random(size), mom = random(size), v = random(size);
  for (auto& x : v) x = x * x;
  kn::adam<T>(static_cast<std::ptrdiff_t>(size), w.data(), g.data(), mom.data(), v.data(), T(0.001), T(0.1), T(0.001),
              T(1e-7), path);
  return {nn, nt, tn, w, mom, v};
}

template <class T>
void expect_same_bits_for_every_count() {
  // The lecture model's products (batch 64: 9→64→128→64→54), the digits model's (784→128→10),
  // odd sizes with remainders of every tile, and sizes past the kernels' cache blocks.
  const int shapes[][3] = {{64, 64, 9},   {128, 64, 64},  {64, 64, 128}, {54, 64, 64},  {128, 64, 784},
                           {10, 64, 128}, {37, 61, 53},   {129, 67, 131}, {65, 9, 129},  {200, 33, 300},
                           {12, 100, 12}, {5, 130, 40},   {48, 23, 48},  {300, 130, 7}, {16, 4, 2000}};
  for (const kn::Path path : {kn::Path::kBest, kn::Path::kPortable})
    for (const auto& s : shapes) {
      const auto one = kernels_with<T>(1, s[0], s[1], s[2], path);
      for (const int threads : {2, 3, 4}) {
        const auto many = kernels_with<T>(threads, s[0], s[1], s[2], path);
        for (std::size_t r = 0; r < one.size(); ++r)
          EXPECT_TRUE(same_bits(one[r], many[r]))
              << "result " << r << " (nn, nt, tn, θ, m, v) of " << s[0] << "×" << s[1] << "×" << s[2] << " with "
              << threads << " threads, path " << (path == kn::Path::kBest ? "best" : "portable");
      }
    }
}

TEST(Pool, KernelsGiveTheSameBitsOnAnyNumberOfThreadsFloat) { expect_same_bits_for_every_count<float>(); }
TEST(Pool, KernelsGiveTheSameBitsOnAnyNumberOfThreadsDouble) { expect_same_bits_for_every_count<double>(); }

/// dense_backward (δ·aᵀ, the bias gradient and Wᵀ·δ in one job) on random inputs of one shape
/// with `threads` threads: {dW, db, da}; `separately`: the three kernels called one by one.
template <class T>
std::vector<std::vector<T>> dense_backward_with(int threads, int units, int inputs, int n, kn::Path path,
                                                bool separately = false, bool with_da = true) {
  Threads set(threads);
  std::mt19937_64 rng(static_cast<std::uint64_t>(units * 1000003 + inputs * 1009 + n));
  const auto random = [&](std::size_t size) { return random_vector<T>(rng, size); };
  const int pad = 3;
  const auto W = random(static_cast<std::size_t>(units + pad) * inputs),
             delta = random(static_cast<std::size_t>(units + pad) * n), a = random(static_cast<std::size_t>(inputs + pad) * n);
  std::vector<T> dW(static_cast<std::size_t>(units + pad) * inputs, T(7)), db(static_cast<std::size_t>(units), T(7)),
      da(static_cast<std::size_t>(inputs + pad) * n, T(7));
  T* da_out = with_da ? da.data() : nullptr;
  if (separately) {
    kn::gemm_nt<T>(units, inputs, n, delta.data(), units + pad, a.data(), inputs + pad, dW.data(), units + pad, path);
    kn::row_sums<T>(units, n, delta.data(), units + pad, db.data(), path);
    if (with_da)
      kn::gemm_tn<T>(inputs, n, units, W.data(), units + pad, delta.data(), units + pad, da_out, inputs + pad, path);
  } else {
    kn::dense_backward<T>(units, inputs, n, W.data(), units + pad, delta.data(), units + pad, a.data(), inputs + pad,
                          dW.data(), units + pad, db.data(), da_out, inputs + pad, path);
  }
  return {dW, db, da};
}

template <class T>
void expect_dense_backward_same_bits() {
  // units × inputs × samples: the lecture's layers (batch 64 and a last batch of 20), the digits
  // model's, odd sizes, one below every split threshold, one with fewer than 4 units.
  const int shapes[][3] = {{64, 9, 64},   {128, 64, 64}, {64, 128, 64}, {54, 64, 64}, {54, 64, 20}, {128, 784, 64},
                           {10, 128, 64}, {37, 53, 61},  {129, 131, 67}, {8, 8, 8},  {3, 200, 100}};
  for (const kn::Path path : {kn::Path::kBest, kn::Path::kPortable})
    for (const auto& s : shapes)
      for (const bool with_da : {true, false}) {
        const auto alone = dense_backward_with<T>(1, s[0], s[1], s[2], path, true, with_da);
        for (const int threads : {1, 2, 3, 4}) {
          const auto fused = dense_backward_with<T>(threads, s[0], s[1], s[2], path, false, with_da);
          for (std::size_t r = 0; r < alone.size(); ++r)
            EXPECT_TRUE(same_bits(alone[r], fused[r]))
                << "result " << r << " (dW, db, da) of " << s[0] << "×" << s[1] << "×" << s[2] << (with_da ? "" : " without da")
                << " with " << threads << " threads, path " << (path == kn::Path::kBest ? "best" : "portable");
        }
      }
}

TEST(Pool, DenseBackwardGivesTheBitsOfItsThreeKernelsOnAnyNumberOfThreadsFloat) {
  expect_dense_backward_same_bits<float>();
}
TEST(Pool, DenseBackwardGivesTheBitsOfItsThreeKernelsOnAnyNumberOfThreadsDouble) {
  expect_dense_backward_same_bits<double>();
}

/// The lecture's Keras model (examples/keras-lecture.json) trained 3 epochs on 1000 built-in
/// spectra with `threads` threads: its parameters and every epoch's losses.
struct LectureRun {
  std::vector<double> parameters;
  std::vector<double> losses;
};
LectureRun lecture_run(int threads, k::Dtype dtype) {
  Threads set(threads);
  k::SpectrumOptions options;
  options.samples = 1000;
  k::Split split = k::split_dataset(k::spectrum_dataset(options), 1);
  k::standardize(split);
  k::ModelConfig c = k::parse_model(nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json")));
  c.fit.epochs = 3;
  c.dtype = dtype;
  k::Sequential model(c);
  const k::FitResult r = k::fit(model, split.train, &split.validation);
  LectureRun run;
  const auto p = model.parameters();
  run.parameters.assign(p.data(), p.data() + p.size());
  for (const auto& e : r.history) {
    run.losses.push_back(e.loss);
    run.losses.push_back(*e.val_loss);
  }
  return run;
}

TEST(Pool, TheLectureModelTrainsToTheSameBitsOnOneTwoAndThreeThreads) {
  for (const k::Dtype dtype : {k::Dtype::kFloat32, k::Dtype::kFloat64}) {
    const LectureRun one = lecture_run(1, dtype);
    ASSERT_EQ(one.losses.size(), 6u);
    for (const int threads : {2, 3}) {
      const LectureRun many = lecture_run(threads, dtype);
      EXPECT_TRUE(same_bits(one.parameters, many.parameters)) << threads << " threads";
      EXPECT_TRUE(same_bits(one.losses, many.losses)) << threads << " threads";
    }
  }
}

// ---- nntutor train --threads N ----

TEST(PoolCli, TrainThreadsGivesTheSameOutputAndRefusesCountsOutsideItsLimits) {
  const std::string lecture = nntutor_test::source_path("examples/keras-lecture.json");
  const std::string base = "train '" + lecture + "' --builtin --samples 400 --epochs 2";
  const auto one = nntutor_test::cli(base);
  const auto two = nntutor_test::cli(base + " --threads 2");
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(one.out, two.out);  // the last epoch's losses and the test loss, to the printed digit
  for (const std::string bad : {"0", "17", "-2"}) {
    const auto r = nntutor_test::cli(base + " --threads " + bad);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--threads: expected a whole number from 1 to 16, got " + bad), std::string::npos) << r.err;
  }
  const auto r = nntutor_test::cli(base + " --threads two");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--threads: expected a whole number, got \"two\""), std::string::npos) << r.err;
}

// `--threads auto`, the trainer page's Auto: the core's count for the model, said on standard
// error as the page says it, and the numbers of one thread.
TEST(PoolCli, TrainThreadsAutoSaysWhatItChoseAndGivesTheSameOutput) {
  const std::string lecture = nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json"));
  // The lecture model's batch of 64 is 64 · (9·64 + 64·128 + 128·64 + 64·54) = 1,306,624
  // multiply-adds: over float64's threshold (2^20), under float32's (2^21).
  auto as_float32 = nlohmann::json::parse(lecture);
  as_float32["dtype"] = "float32";
  const int cores = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 16);
  for (const auto& [file, over] : {std::pair{nntutor_test::write_temp("lecture64.json", lecture), true},
                                   std::pair{nntutor_test::write_temp("lecture32.json", as_float32.dump()), false}}) {
    const std::string base = "train '" + file + "' --builtin --samples 400 --epochs 2";
    const auto one = nntutor_test::cli(base);
    const auto automatic = nntutor_test::cli(base + " --threads auto");
    ASSERT_EQ(one.status, 0) << one.err;
    ASSERT_EQ(automatic.status, 0) << automatic.err;
    EXPECT_EQ(one.out, automatic.out) << file;
    EXPECT_EQ(one.err.find("Auto chose"), std::string::npos) << "no such line without auto";
    std::string said;
    if (cores == 1) said = "Auto chose 1 thread: one is available.\n";
    else if (over) said = "Auto chose " + std::to_string(cores) + " threads: a batch of this model is 1.3 million multiply-adds, at least";
    else said = "Auto chose 1 thread: a batch of this model is 1.3 million multiply-adds, under";
    EXPECT_EQ(automatic.err.rfind(said, 0), 0u) << automatic.err;  // the first line, before the epochs
  }
  const auto bad = nntutor_test::cli("train '" + nntutor_test::source_path("examples/keras-lecture.json") +
                                     "' --builtin --samples 400 --threads Auto");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--threads: expected a whole number, got \"Auto\""), std::string::npos) << bad.err;
}

}  // namespace
