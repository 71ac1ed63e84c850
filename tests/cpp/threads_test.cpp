// The trainer's thread count (cpp/core/keras/src/threads.cpp, docs/threads.md): auto mode, the
// trainer page's default, gives a training 1 thread or all it may use from the model's work per
// batch, and says why; a count set by hand leaves auto mode. The limits and the bits on any count
// are pool_test.cpp's.
#include "nntutor/threads.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "nntutor/error.hpp"
#include "nntutor/model_json.hpp"
#include "nntutor/trainer.hpp"
#include "test_helpers.hpp"

namespace {

namespace k = nntutor::keras;
using nlohmann::json;

/// Back to one thread set by hand (not auto) after each test: the count is the process's.
class Threads : public ::testing::Test {
 protected:
  void TearDown() override { k::set_threads(1); }
};

k::ModelConfig lecture() {
  k::ModelConfig c = k::parse_model(nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json")));
  k::prepare(c);
  return c;
}

/// The lecture model with other hidden widths (64, 128, 64 in the lecture).
k::ModelConfig widths(int a, int b, int c) {
  k::ModelConfig m = lecture();
  m.layers[0].units = a;
  m.layers[3].units = b;
  m.layers[6].units = c;
  return m;
}

TEST_F(Threads, BatchWorkCountsTheDenseLayersMultiplyAdds) {
  // 9 → 64 → 128 → 64 → 54, batch 64: 64·(9·64 + 64·128 + 128·64 + 64·54) = 64 · 20,416.
  EXPECT_EQ(k::batch_work(lecture(), 64), 1306624.0);
  EXPECT_EQ(k::batch_work(lecture(), 1), 20416.0);
  // A maxout layer of k pieces does k affine maps per unit.
  k::ModelConfig m;
  m.inputs = 10;
  m.layers = {k::maxout(4, 3), k::batch_normalization(), k::dense(2)};
  EXPECT_EQ(k::batch_work(m, 8), 8.0 * (4 * 3 * 10 + 2 * 4));
}

TEST_F(Threads, AutoGivesOneThreadUnderTheThresholdAndAllAtOrAboveIt) {
  k::ModelConfig m = lecture();
  m.dtype = k::Dtype::kFloat32;
  EXPECT_EQ(k::auto_threads(m, 64, 2), 1);   // 1.3 million < 2.1 million
  EXPECT_EQ(k::auto_threads(m, 128, 2), 2);  // 2.6 million
  EXPECT_EQ(k::auto_threads(m, 128, 4), 4);
  m.dtype = k::Dtype::kFloat64;               // a float64 multiply-add weighs two
  EXPECT_EQ(k::auto_threads(m, 64, 2), 2);   // 1.3 million ≥ 1.05 million
  EXPECT_EQ(k::auto_threads(m, 32, 2), 1);   // 0.65 million
  // Exactly at the threshold: threads.
  k::ModelConfig exact;
  exact.inputs = 1024;
  exact.layers = {k::dense(32)};
  exact.dtype = k::Dtype::kFloat32;
  EXPECT_EQ(k::batch_work(exact, 64), k::kAutoWorkFloat32);
  EXPECT_EQ(k::auto_threads(exact, 64, 2), 2);
  EXPECT_EQ(k::auto_threads(exact, 63, 2), 1);
}

TEST_F(Threads, TheTrainerChoosesTheCountAtStartAndSaysWhy) {
  k::set_threads_auto(2);
  EXPECT_TRUE(k::threads_auto());
  k::Trainer t;
  t.load_data(R"({"builtin": {"samples": 400, "noise": 0.01, "seed": 4}, "split_seed": 7})", "");

  json model = json::parse(nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json")));
  model["dtype"] = "float32";
  json ready = json::parse(t.start(model.dump()));
  EXPECT_EQ(k::threads(), 1);
  EXPECT_EQ(ready["threads"]["threads"], 1);
  EXPECT_EQ(ready["threads"]["auto"], true);
  EXPECT_EQ(ready["threads"]["available"], 2);
  EXPECT_EQ(ready["threads"]["work"], 1306624.0);
  EXPECT_EQ(ready["threads"]["reason"],
            "Auto chose 1 thread: a batch of this model is 1.3 million multiply-adds, under the 2.1 million "
            "(float32) from which a second thread gains.");

  model["dtype"] = "float64";
  ready = json::parse(t.start(model.dump()));
  EXPECT_EQ(k::threads(), 2);
  EXPECT_EQ(ready["threads"]["reason"],
            "Auto chose 2 threads: a batch of this model is 1.3 million multiply-adds, at least the 1.0 million "
            "(float64) from which a second thread gains.");
  EXPECT_EQ(json::parse(k::threads_json()), ready["threads"]);  // the page's threads() says the same

  // A count chosen by hand leaves auto mode, and the next start keeps it.
  k::set_threads(1);
  EXPECT_FALSE(k::threads_auto());
  EXPECT_EQ(k::threads_json(), R"({"threads":1,"min":1,"max":16})");
  ready = json::parse(t.start(model.dump()));
  EXPECT_EQ(k::threads(), 1);
  EXPECT_EQ(ready["threads"], json::parse(R"({"threads":1,"min":1,"max":16})"));

  // Auto again applies at once to the model started last.
  k::set_threads_auto(3);
  EXPECT_EQ(k::threads(), 3);
}

TEST_F(Threads, AutoWithOneAvailableOrOutsideTheLimits) {
  k::set_threads_auto(1);
  k::threads_for_training(lecture(), 64);
  EXPECT_EQ(k::threads(), 1);
  EXPECT_EQ(json::parse(k::threads_json())["reason"], "Auto chose 1 thread: one is available.");
  for (const int bad : {0, -2, 17}) {
    try {
      k::set_threads_auto(bad);
      FAIL() << bad << " was taken";
    } catch (const nntutor::SessionError& e) {
      EXPECT_EQ(std::string(e.what()),
                "threads: expected a whole number of available threads from 1 to 16, got " + std::to_string(bad));
    }
    EXPECT_TRUE(k::threads_auto()) << "a refused value keeps auto mode as it was";
    EXPECT_EQ(k::threads(), 1);
  }
}

}  // namespace
