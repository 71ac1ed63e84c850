// The trainer's thread count (cpp/core/keras/src/threads.cpp, docs/threads.md): auto mode, the
// trainer page's default, gives a training 1 thread or all it may use from the model's work per
// batch, and says why, then times that count against 1 over epochs 2–5 and keeps the faster; a
// count set by hand leaves auto mode. The limits and the bits on any count are pool_test.cpp's.
#include "nntutor/threads.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

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

/// The lecture model in float64: 1.3 million multiply-adds a batch, so auto mode's rule gives it
/// every available thread (the float64 threshold is 1.0 million).
k::ModelConfig lecture64() {
  k::ModelConfig c = lecture();
  c.dtype = k::Dtype::kFloat64;
  return c;
}

/// Runs `seconds.size()` epochs through the timing hooks as Trainer::epoch does, each taking the
/// given time; returns the count each epoch ran on.
std::vector<int> timed_epochs(const std::vector<double>& seconds) {
  std::vector<int> counts;
  for (const double s : seconds) {
    k::threads_before_epoch();
    counts.push_back(k::threads());
    k::threads_after_epoch(s);
  }
  return counts;
}

TEST_F(Threads, AutoTimesItsCountOverEpochsTwoToFiveAndKeepsTheFaster) {
  k::set_threads_auto(2);
  k::threads_for_training(lecture64(), 64, /*timed=*/true);
  EXPECT_EQ(k::threads(), 2);
  json j = json::parse(k::threads_json());
  EXPECT_EQ(j["reason"], "Auto chose 2 threads: a batch of this model is 1.3 million multiply-adds, at least the 1.0 "
                         "million (float64) from which a second thread gains.");
  EXPECT_EQ(j["timing"], json::parse(R"({"threads": 2, "epochs": [2, 5], "done": false, "ms_many": null,
    "ms_one": null, "text": "Epochs 2–5 run on 2, 1, 1 and 2 threads, and the faster count stays."})"));

  // Epoch 1 (9 s: a first epoch's warm-up) is not counted; 2 and 5 on 2 threads took 50 ms,
  // 3 and 4 on 1 thread 40 ms: one thread stays from epoch 6 on.
  EXPECT_EQ(timed_epochs({9.0, 0.050, 0.040, 0.040, 0.050, 0.030, 0.030}), (std::vector<int>{2, 2, 1, 1, 2, 1, 1}));
  EXPECT_EQ(k::threads(), 1);
  j = json::parse(k::threads_json());
  EXPECT_EQ(j["threads"], 1);
  EXPECT_EQ(j["auto"], true);
  EXPECT_EQ(j["reason"], "Auto chose 1 thread, timed on this machine: 50.0 ms an epoch on 2 threads against 40.0 ms "
                         "on 1 (epochs 2–5): here a second thread does not gain.");
  EXPECT_EQ(j["timing"]["done"], true);
  EXPECT_DOUBLE_EQ(j["timing"]["ms_many"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(j["timing"]["ms_one"].get<double>(), 40.0);
  EXPECT_FALSE(j["timing"].contains("text"));

  // The next training is timed afresh: here two threads win (30 and 34 ms against 40 and 41).
  k::threads_for_training(lecture64(), 64, true);
  EXPECT_EQ(timed_epochs({1.0, 0.030, 0.040, 0.041, 0.034, 1.0}), (std::vector<int>{2, 2, 1, 1, 2, 2}));
  EXPECT_EQ(json::parse(k::threads_json())["reason"],
            "Auto chose 2 threads, timed on this machine: 32.0 ms an epoch on 2 threads against 40.5 ms on 1 (epochs "
            "2–5).");

  // A tie keeps one thread: the second gains nothing.
  k::threads_for_training(lecture64(), 64, true);
  EXPECT_EQ(timed_epochs({1.0, 0.040, 0.040, 0.040, 0.040, 1.0}), (std::vector<int>{2, 2, 1, 1, 2, 1}));
}

TEST_F(Threads, OnlyATimedTrainingOfMoreThanOneThreadIsTimed) {
  k::set_threads_auto(2);
  // The CLI's training (not timed): the rule's count, for every epoch.
  k::threads_for_training(lecture64(), 64);
  EXPECT_FALSE(json::parse(k::threads_json()).contains("timing"));
  EXPECT_EQ(timed_epochs({1, 1, 1, 1, 1, 1}), (std::vector<int>{2, 2, 2, 2, 2, 2}));
  // The rule gives 1 thread (float32): nothing to time.
  k::ModelConfig float32 = lecture();
  float32.dtype = k::Dtype::kFloat32;
  k::threads_for_training(float32, 64, true);
  EXPECT_FALSE(json::parse(k::threads_json()).contains("timing"));
  EXPECT_EQ(timed_epochs({1, 1, 1, 1, 1, 1}), (std::vector<int>{1, 1, 1, 1, 1, 1}));
  // A count set by hand is kept, timed or not.
  k::threads_for_training(lecture64(), 64, true);
  k::set_threads(2);
  EXPECT_FALSE(json::parse(k::threads_json()).contains("timing"));
  EXPECT_EQ(timed_epochs({1, 9, 1, 1, 9, 1}), (std::vector<int>{2, 2, 2, 2, 2, 2}));
}

// Through the page's Trainer: the epochs say what auto mode times and what it chose, and the
// training's numbers are those of one thread set by hand, to the bit.
TEST_F(Threads, TheTrainersEpochsCarryTheTimingAndItsNumbersAreOneThreadsBits) {
  json model = json::parse(nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json")));
  model["dtype"] = "float64";
  model["fit"]["epochs"] = 7;
  model["fit"]["callbacks"] = json::array();
  const auto train = [&](bool automatic) {
    if (automatic) k::set_threads_auto(2);
    else k::set_threads(1);
    k::Trainer t;
    t.load_data(R"({"builtin": {"samples": 300, "noise": 0.01, "seed": 4}, "split_seed": 7})", "");
    t.start(model.dump());
    std::vector<json> epochs;
    for (int e = 0; e < 7; ++e) epochs.push_back(json::parse(t.epoch()));
    return std::make_pair(epochs, t.model_json());
  };
  const auto [one, one_model] = train(false);
  const auto [timed, timed_model] = train(true);
  EXPECT_EQ(timed_model, one_model) << "the weights of the timed training, to the last bit";
  for (int e = 0; e < 7; ++e) {
    EXPECT_FALSE(one[e].contains("threads")) << "no timing with a count set by hand";
    ASSERT_TRUE(timed[e].contains("threads")) << "epoch " << e + 1;
    EXPECT_EQ(timed[e]["threads"]["timing"]["done"], e + 1 >= k::kTimedLastEpoch) << "epoch " << e + 1;
    json without = timed[e];
    without.erase("threads");
    EXPECT_EQ(without, one[e]) << "epoch " << e + 1;
  }
  const json& chosen = timed.back()["threads"];
  EXPECT_TRUE(chosen["threads"] == 1 || chosen["threads"] == 2);
  EXPECT_EQ(chosen["reason"].get<std::string>().rfind("Auto chose " + std::string(chosen["threads"] == 1 ? "1 thread" : "2 threads") + ", timed on this machine: ", 0), 0u)
      << chosen["reason"];
}

}  // namespace

