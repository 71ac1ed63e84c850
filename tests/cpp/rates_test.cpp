// Learning rates side by side: where the loss first rises, and the sentence that explains a
// loss that never rises (the lecture's sigmoid output with target 1).
#include "nntutor/rates.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_helpers.hpp"

namespace {

std::string lecture(double target, const std::string& output = "sigmoid", int steps = 10) {
  return R"({"inputs": [[1]], "targets": [[)" + std::to_string(target) + R"(]],
    "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.5]], "biases": [0]},
               {"units": 1, "activation": ")" + output + R"(", "weights": [[0.8]], "biases": [0]}],
    "steps": )" + std::to_string(steps) + "}";
}

TEST(CompareRates, LectureExampleFallsAtEveryRateAndSaysWhy) {
  const auto session = nntutor::parse_session(lecture(1));
  const auto c = nntutor::compare_rates(session, {0.1, 1, 10});
  ASSERT_EQ(c.runs.size(), 3u);
  EXPECT_TRUE(c.all_fall);
  for (const auto& r : c.runs) {
    EXPECT_FALSE(r.first_rise);
    EXPECT_EQ(r.trace.steps.size(), 10u);
  }
  EXPECT_DOUBLE_EQ(c.runs[2].learning_rate, 10);
  EXPECT_EQ(c.explanation,
            "The loss falls at every one of the 10 steps at every rate tried (η = 0.1, 1 and 10). "
            "The output is σ(z), which stays strictly between 0 and 1, and the target y = 1 lies on "
            "its bound: ŷ can approach y but never reach or pass it, so no step overshoots and the "
            "loss falls at every learning rate. To see it rise, use a target inside the output's "
            "range (e.g. y = 0.5) or a linear output.");
  // A larger rate converges faster: the lecture's point of the three tables.
  EXPECT_LT(c.runs[2].trace.steps.back().loss, c.runs[1].trace.steps.back().loss);
  EXPECT_LT(c.runs[1].trace.steps.back().loss, c.runs[0].trace.steps.back().loss);
}

TEST(CompareRates, FirstRiseIsTheFirstStepAboveItsPredecessor) {
  // A linear output with target 0.5 overshoots at a large rate.
  const auto session = nntutor::parse_session(lecture(0.5, "linear"));
  const auto c = nntutor::compare_rates(session, {0.1, 10});
  EXPECT_FALSE(c.all_fall);
  EXPECT_FALSE(c.runs[0].first_rise);
  ASSERT_TRUE(c.runs[1].first_rise || c.runs[1].trace.diverged);
  if (c.runs[1].first_rise) {
    const int k = *c.runs[1].first_rise;
    const auto& steps = c.runs[1].trace.steps;
    EXPECT_GT(steps[k - 1].loss, steps[k - 2].loss);
    for (int i = 1; i < k - 1; ++i) EXPECT_LE(steps[i].loss, steps[i - 1].loss);
  }
  EXPECT_EQ(c.explanation.rfind("The loss does not always fall: at η = 10 ", 0), 0u) << c.explanation;
  EXPECT_NE(c.explanation.find("At η = 0.1 it falls at every step."), std::string::npos) << c.explanation;
}

TEST(CompareRates, TargetsInsideTheRangeGetNoBoundExplanation) {
  const auto session = nntutor::parse_session(lecture(0.9, "sigmoid", 3));
  const auto c = nntutor::compare_rates(session, {0.1});
  ASSERT_TRUE(c.all_fall);
  EXPECT_EQ(c.explanation,
            "The loss falls at every one of the 3 steps at every rate tried (η = 0.1). A larger "
            "rate, or more steps, may still make it rise.");
}

TEST(CompareRates, BadRatesAreRejectedByName) {
  const auto session = nntutor::parse_session(lecture(1));
  EXPECT_SESSION_ERROR(nntutor::compare_rates(session, {}), "rates: expected at least 1 learning rate, got none");
  EXPECT_SESSION_ERROR(nntutor::compare_rates(session, {0.1, -1}),
                       "rates[1]: expected a number greater than 0, got -1");
  EXPECT_SESSION_ERROR(nntutor::compare_rates(session, std::vector<double>(9, 0.1)),
                       "rates: expected at most 8 learning rates, got 9");
  EXPECT_SESSION_ERROR(nntutor::parse_rates("[0.1, \"x\"]"), "rates[1]: expected a number, got \"x\"");
  EXPECT_SESSION_ERROR(nntutor::parse_rates("0.1"), "rates: expected a JSON array of numbers like [0.1, 1, 10]");
}

TEST(CompareRates, JsonHasOneTablePerRate) {
  const auto session = nntutor::parse_session(lecture(1, "sigmoid", 5));
  const std::string json = nntutor::rate_comparison_json(session, nntutor::compare_rates(session, {0.1, 1}));
  EXPECT_EQ(json.rfind("{\"rates\":[{\"learning_rate\":0.1,\"losses\":[0.07144897080442665,", 0), 0u) << json.substr(0, 200);
  EXPECT_NE(json.find("\"first_rise\":null"), std::string::npos);
  EXPECT_NE(json.find("\"all_fall\":true"), std::string::npos);
}

TEST(CompareRates, AnyOptimizerVariesItsLearningRate) {
  // The same adam (and its β, ε) at each rate: each run is run() of the session at that rate.
  auto j = nlohmann::json::parse(lecture(0.5, "linear", 6));
  j["optimizer"] = {{"name", "adam"}, {"beta_1", 0.8}};
  const auto session = nntutor::parse_session(j.dump());
  const auto c = nntutor::compare_rates(session, {0.01, 0.5});
  ASSERT_EQ(c.runs.size(), 2u);
  for (const auto& r : c.runs) {
    nntutor::Session at = session;
    at.optimizer.learning_rate = r.learning_rate;
    const auto trace = nntutor::run(at);
    ASSERT_EQ(r.trace.steps.size(), trace.steps.size());
    for (std::size_t k = 0; k < trace.steps.size(); ++k) EXPECT_EQ(r.trace.steps[k].loss, trace.steps[k].loss);
    EXPECT_EQ(r.trace.steps[1].layers[0].state_W.size(), 2u);  // m and v
  }
  EXPECT_NE(c.runs[0].trace.steps[3].loss, c.runs[1].trace.steps[3].loss);
  // Each table has the state columns.
  const auto out = nlohmann::json::parse(nntutor::rate_comparison_json(session, c));
  EXPECT_EQ(out["rates"][0]["table"]["columns"][7]["name"], "m_w1");
  EXPECT_EQ(out["rates"][0]["table"]["columns"][7]["slot"], "m");
}

}  // namespace

// The lecture's chain written as a graph of two neurons: the same runs and the same sentence
// (the graph's output neuron is σ, as the layered output layer); a graph with one σ and one
// linear output neuron cannot say its targets are unreachable.
namespace {
std::string lecture_graph(double target, const std::string& second_output = "") {
  const bool two = !second_output.empty();
  return R"({"inputs": [[1]], "targets": [[)" + std::to_string(target) + (two ? ", 1" : "") + R"(]],
    "graph": {"nodes": [{"activation": "sigmoid", "bias": 0}, {"activation": "sigmoid", "bias": 0})" +
         (two ? R"(, {"activation": ")" + second_output + R"(", "bias": 0})" : "") + R"(],
              "edges": [{"from": "x1", "to": 1, "weight": 0.5}, {"from": 1, "to": 2, "weight": 0.8})" +
         (two ? R"(, {"from": 1, "to": 3, "weight": 0.3})" : "") + R"(],
              "outputs": [2)" + (two ? ", 3" : "") + R"(]},
    "steps": 10})";
}
}  // namespace

TEST(CompareRates, TheLectureAsAGraphFallsAtEveryRateWithTheLayeredSentence) {
  const auto layered = nntutor::compare_rates(nntutor::parse_session(lecture(1)), {0.1, 1, 10});
  const auto graph = nntutor::compare_rates(nntutor::parse_session(lecture_graph(1)), {0.1, 1, 10});
  ASSERT_EQ(graph.runs.size(), 3u);
  EXPECT_TRUE(graph.all_fall);
  EXPECT_EQ(graph.explanation, layered.explanation);
  for (std::size_t r = 0; r < 3; ++r)
    EXPECT_EQ(graph.runs[r].trace.steps.back().loss, layered.runs[r].trace.steps.back().loss);
}

TEST(CompareRates, AGraphWhoseOutputsDifferDoesNotClaimTheTargetsAreUnreachable) {
  const auto c = nntutor::compare_rates(nntutor::parse_session(lecture_graph(1, "linear")), {0.1});
  EXPECT_TRUE(c.all_fall) << c.explanation;
  EXPECT_EQ(c.explanation.find("lies on"), std::string::npos) << c.explanation;
}
