// Assignment 4 on a session: the lecture example fails "neurons" and "rises" (its sigmoid output
// cannot overshoot y = 1), examples/assignment-pass.json passes all four, and the sweep's
// bisection agrees with a brute-force finer sweep.
#include "nntutor/assignment.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "test_helpers.hpp"

namespace {

using nntutor::AssignmentReport;
using nntutor::Session;
using json = nlohmann::json;

const std::string kLecturePath = nntutor_test::source_path("examples/lecture.json");
const std::string kPassPath = nntutor_test::source_path("examples/assignment-pass.json");

Session load(const std::string& path) { return nntutor::parse_session(nntutor_test::read_text(path)); }

/// 1-4-1, relu hidden, linear output, x = 4: at η = 0.1 the loss already rises at step 2.
const char* kOvershoots = R"({"inputs": [[4]], "targets": [[3]],
  "layers": [{"units": 4, "activation": "relu", "weights": [[0.5], [0.4], [0.3], [0.2]], "biases": [0, 0, 0, 0]},
             {"units": 1, "activation": "linear", "weights": [[0.5, 0.5, 0.5, 0.5]], "biases": [0]}]})";

/// 2-4-2-1 with tanh and linear only.
const char* kTanhOnly = R"({"inputs": [[1, 0.5]], "targets": [[0.3]],
  "layers": [{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "tanh"},
             {"units": 1, "activation": "linear"}], "seed": 3})";

const nntutor::Requirement& requirement(const AssignmentReport& r, const std::string& id) {
  for (const auto& q : r.requirements)
    if (q.id == id) return q;
  throw std::runtime_error("no requirement " + id);
}

std::string failed_ids(const AssignmentReport& r) {
  std::string out;
  for (const auto& q : r.requirements)
    if (!q.passed) out += (out.empty() ? "" : ",") + q.id;
  return out;
}

TEST(Assignment, LectureExampleFailsNeuronsAndRisesWithTheReason) {
  const AssignmentReport r = nntutor::check_assignment(load(kLecturePath));
  ASSERT_EQ(r.requirements.size(), 4u);
  EXPECT_EQ(r.requirements[0].id, "neurons");
  EXPECT_EQ(r.requirements[1].id, "activation");
  EXPECT_EQ(r.requirements[2].id, "monotone");
  EXPECT_EQ(r.requirements[3].id, "rises");
  EXPECT_EQ(failed_ids(r), "neurons,rises");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.neurons, 2);
  EXPECT_EQ(r.inputs, 1);
  EXPECT_EQ(requirement(r, "neurons").evidence,
            "The network has 2 neurons (1 + 1 units in 2 layers; neurons = units of the hidden and "
            "output layers, the 1 input is not counted): 2 < 5.");
  EXPECT_EQ(r.relu_sigmoid_layers, (std::vector<int>{1, 2}));
  ASSERT_EQ(r.at_rate.losses.size(), 10u);
  EXPECT_DOUBLE_EQ(r.at_rate.losses[0], 0.07144897080442665);
  EXPECT_EQ(r.sweep.size(), nntutor::assignment_sweep_rates().size());
  EXPECT_FALSE(r.smallest_rise);
  EXPECT_EQ(r.explanation,
            "The output is σ(z), which stays strictly between 0 and 1, and the target y = 1 lies on "
            "its bound: ŷ can approach y but never reach or pass it, so no step overshoots and the "
            "loss falls at every learning rate. To see it rise, use a target inside the output's "
            "range (e.g. y = 0.5) or a linear output.");
  EXPECT_EQ(requirement(r, "rises").evidence,
            "No learning rate from 0.2 to 1000 (12 rates tried) makes the loss rise within 10 steps. " +
                r.explanation);
  EXPECT_EQ(r.summary, "2 of 4 requirements of Assignment 4 fail: neurons, rises.");
}

TEST(Assignment, PassingExamplePassesAndItsRateReallyRises) {
  const Session s = load(kPassPath);
  const AssignmentReport r = nntutor::check_assignment(s);
  EXPECT_TRUE(r.passed) << nntutor::assignment_text(r);
  EXPECT_EQ(failed_ids(r), "");
  EXPECT_EQ(r.summary, "All 4 requirements of Assignment 4 pass.");
  EXPECT_GE(r.neurons, 5);
  ASSERT_TRUE(r.smallest_rise);
  ASSERT_TRUE(r.below);
  EXPECT_TRUE(r.refined);
  const double eta = r.smallest_rise->learning_rate;
  EXPECT_GT(eta, 0.1);
  EXPECT_LE(eta / *r.below, 1 + nntutor::kAssignmentTolerance);
  EXPECT_LE(r.bisections, 15);
  // Independently: the reported rate rises within 10 steps, a rate just below it does not.
  const auto at = nntutor::run(s.network, s.batch, s.loss, nntutor::Sgd{eta}, 10);
  bool rose = at.diverged.has_value();
  for (std::size_t k = 1; k < at.steps.size(); ++k) rose = rose || at.steps[k].loss > at.steps[k - 1].loss;
  EXPECT_TRUE(rose);
  for (double below : {*r.below, eta / (1 + nntutor::kAssignmentTolerance)}) {
    const auto run = nntutor::assignment_run(s, below);
    EXPECT_FALSE(run.rises()) << below;
  }
  // The monotone run at 0.1 falls at every step.
  ASSERT_EQ(r.at_rate.losses.size(), 10u);
  for (std::size_t k = 1; k < 10; ++k) EXPECT_LT(r.at_rate.losses[k], r.at_rate.losses[k - 1]);
}

/// The lecture's 1-1-1 with a linear output and y = 0.5 (rises from η ≈ 1.37).
const char* kLectureLinear = R"({"inputs": [[1]], "targets": [[0.5]],
  "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.5]], "biases": [0]},
             {"units": 1, "activation": "linear", "weights": [[0.8]], "biases": [0]}]})";

/// 2-3-2-1, relu, relu, linear, two samples (rises from η ≈ 0.63).
const char* kDeeper = R"({"inputs": [[0.5, 0.2], [0.1, 0.9]], "targets": [[0.4], [0.7]],
  "layers": [{"units": 3, "activation": "relu", "weights": [[0.3, 0.6], [0.7, -0.2], [0.4, 0.5]], "biases": [0.1, 0.1, 0]},
             {"units": 2, "activation": "relu", "weights": [[0.5, 0.3, 0.2], [0.1, 0.4, 0.6]], "biases": [0, 0]},
             {"units": 1, "activation": "linear", "weights": [[0.7, 0.5]], "biases": [0]}]})";

/// Independently of assignment_run: does the loss rise (or the run diverge) within 10 steps?
bool rises_within_10(const Session& s, double eta) {
  nntutor::Network net = s.network;
  nntutor::Pass pass;
  double previous = 0;
  for (int k = 1; k <= 10; ++k) {
    if (nntutor::train_step(net, s.batch, s.loss, nntutor::Sgd{eta}, k, pass, nullptr)) return true;
    if (k > 1 && pass.loss > previous) return true;
    previous = pass.loss;
  }
  return false;
}

TEST(Assignment, BisectionAgreesWithABruteForceSweep) {
  for (const std::string& text : {nntutor_test::read_text(kPassPath), std::string(kLectureLinear), std::string(kDeeper)}) {
    const Session s = nntutor::parse_session(text);
    const AssignmentReport r = nntutor::check_assignment(s);
    ASSERT_TRUE(r.smallest_rise);
    // Every rate from 0.1 up in steps of 0.1 % until the first that rises (1 % under the
    // sanitizers, where a run is ~100 times slower: the memory checks are the point there).
#if defined(__SANITIZE_ADDRESS__)
    const double factor = 1.01;
#else
    const double factor = 1.001;
#endif
    double first = 0;
    for (double eta = 0.1 * factor; eta < 1000; eta *= factor)
      if (rises_within_10(s, eta)) {
        first = eta;
        break;
      }
    ASSERT_GT(first, 0);
    const double found = r.smallest_rise->learning_rate;
    EXPECT_LE(first, found * factor) << "brute force " << first << ", bisection " << found;
    EXPECT_GE(first, found / (1 + nntutor::kAssignmentTolerance)) << "brute force " << first << ", bisection " << found;
  }
}

TEST(Assignment, BisectionFindsABoundaryEvenWhenRisingRatesAreNotAnInterval) {
  // The tanh network rises in narrow windows near η = 0.1754 … 0.1775 but not at 0.2 or 0.383:
  // the sweep starts at 0.2, so bisection finds the boundary near 0.383 (docs/assignment.md).
  const Session s = nntutor::parse_session(kTanhOnly);
  const AssignmentReport r = nntutor::check_assignment(s);
  ASSERT_TRUE(r.smallest_rise && r.below);
  EXPECT_TRUE(nntutor::assignment_run(s, r.smallest_rise->learning_rate).rises());
  EXPECT_FALSE(nntutor::assignment_run(s, *r.below).rises());
  EXPECT_LE(r.smallest_rise->learning_rate / *r.below, 1 + nntutor::kAssignmentTolerance);
  EXPECT_NEAR(r.smallest_rise->learning_rate, 0.383, 0.001);
}

TEST(Assignment, LossThatDoesNotFallAtTheLectureRateFailsMonotone) {
  const AssignmentReport r = nntutor::check_assignment(nntutor::parse_session(kOvershoots));
  EXPECT_EQ(failed_ids(r), "monotone");
  ASSERT_TRUE(r.at_rate.first_not_falling);
  EXPECT_EQ(*r.at_rate.first_not_falling, 2);
  EXPECT_GE(r.at_rate.losses[1], r.at_rate.losses[0]);
  EXPECT_EQ(requirement(r, "monotone").evidence.rfind("At η = 0.1 the loss does not fall at step 2 (0.02 → 0.0618957)", 0), 0u)
      << requirement(r, "monotone").evidence;
  // 0.1 itself rises: the sweep's first rate is the answer, with no bisection.
  EXPECT_FALSE(r.refined);
  ASSERT_TRUE(r.smallest_rise);
  EXPECT_DOUBLE_EQ(r.smallest_rise->learning_rate, 0.2);
}

TEST(Assignment, TanhOnlyFailsActivation) {
  const AssignmentReport r = nntutor::check_assignment(nntutor::parse_session(kTanhOnly));
  EXPECT_EQ(failed_ids(r), "activation");
  EXPECT_TRUE(r.relu_sigmoid_layers.empty());
  EXPECT_EQ(requirement(r, "activation").evidence,
            "No layer uses relu or sigmoid (layer 1 tanh, layer 2 tanh, layer 3 linear); leaky_relu "
            "and elu do not count as ReLU = max(0, z).");
  EXPECT_EQ(r.neurons, 7);
  EXPECT_EQ(r.inputs, 2);
}

TEST(Assignment, DivergenceCountsAsARise) {
  // A linear output far from its target at a huge rate overflows.
  const Session s = nntutor::parse_session(R"({"inputs": [[1]], "targets": [[1e6]],
      "layers": [{"units": 1, "activation": "linear", "weights": [[1]], "biases": [0]}]})");
  const auto run = nntutor::assignment_run(s, 1e150);
  EXPECT_TRUE(run.diverged);
  EXPECT_TRUE(run.rises());
  EXPECT_FALSE(run.monotone());
}

TEST(Assignment, SweepIsFast) {
  for (const std::string& path : {kLecturePath, kPassPath}) {
    const Session s = load(path);
    const auto start = std::chrono::steady_clock::now();
    const AssignmentReport r = nntutor::check_assignment(s);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[ timing   ] check_assignment(" << path.substr(path.rfind('/') + 1) << "): " << ms
              << " ms, " << r.sweep.size() << " sweep runs + " << r.bisections << " bisections\n";
    EXPECT_LT(ms, 500);  // natively about 0.1 ms; generous for the sanitizer build
  }
}

TEST(Assignment, JsonShape) {
  const json j = json::parse(nntutor::assignment_json(nntutor::check_assignment(load(kLecturePath))));
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["summary"], "2 of 4 requirements of Assignment 4 fail: neurons, rises.");
  ASSERT_EQ(j["requirements"].size(), 4u);
  const json& n = j["requirements"][0];
  EXPECT_EQ(n["id"], "neurons");
  EXPECT_EQ(n["passed"], false);
  EXPECT_EQ(n["neurons"], 2);
  EXPECT_EQ(n["inputs"], 1);
  EXPECT_EQ(n["units"], json::array({1, 1}));
  EXPECT_EQ(n["minimum"], 5);
  const json& a = j["requirements"][1];
  EXPECT_EQ(a["layers"], json::parse(R"([{"layer":1,"activation":"sigmoid"},{"layer":2,"activation":"sigmoid"}])"));
  const json& m = j["requirements"][2];
  EXPECT_EQ(m["passed"], true);
  EXPECT_EQ(m["learning_rate"], 0.1);
  EXPECT_EQ(m["losses"].size(), 10u);
  EXPECT_TRUE(m["first_rise"].is_null());
  const json& rises = j["requirements"][3];
  EXPECT_EQ(rises["passed"], false);
  EXPECT_TRUE(rises["learning_rate"].is_null());
  EXPECT_EQ(rises["sweep"].size(), 12u);
  EXPECT_EQ(rises["tolerance"], 1e-3);
  EXPECT_NE(rises["explanation"].get<std::string>().find("σ(z)"), std::string::npos);
  for (const auto& q : j["requirements"])
    for (const char* key : {"id", "title", "passed", "evidence"}) EXPECT_TRUE(q.contains(key)) << key;

  const json p = json::parse(nntutor::assignment_json(nntutor::check_assignment(load(kPassPath))));
  EXPECT_EQ(p["passed"], true);
  const json& pr = p["requirements"][3];
  EXPECT_TRUE(pr["learning_rate"].is_number());
  EXPECT_EQ(pr["losses"].size(), 10u);
  EXPECT_TRUE(pr["first_rise"].is_number());
  EXPECT_TRUE(pr["below"].is_number());
}

// --- the CLI -------------------------------------------------------------------------------

using nntutor_test::CliResult;
using nntutor_test::cli;
using nntutor_test::temp_path;
using nntutor_test::write_temp;

TEST(AssignmentCli, ExitCodes) {
  const CliResult pass = cli("assignment '" + kPassPath + "'");
  EXPECT_EQ(pass.status, 0) << pass.out << pass.err;
  EXPECT_EQ(pass.out, nntutor::assignment_text(nntutor::check_assignment(load(kPassPath))));
  EXPECT_EQ(pass.err, "");

  const CliResult fail = cli("assignment '" + kLecturePath + "' --format text");
  EXPECT_EQ(fail.status, 1);
  EXPECT_NE(fail.out.find("[FAIL] At least 5 neurons"), std::string::npos) << fail.out;
  EXPECT_NE(fail.out.find("2 of 4 requirements of Assignment 4 fail: neurons, rises."), std::string::npos);

  const CliResult j = cli("assignment '" + kLecturePath + "' --format json");
  EXPECT_EQ(j.status, 1);
  EXPECT_EQ(j.out, nntutor::assignment_json(nntutor::check_assignment(load(kLecturePath))) + "\n");

  const CliResult bad = cli("assignment '" + kLecturePath + "' --format csv");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err, "nntutor: --format: expected text or json, got \"csv\"\n");

  const std::string missing = temp_path("missing.json");
  const CliResult none = cli("assignment '" + missing + "'");
  EXPECT_EQ(none.status, 2);
  EXPECT_EQ(none.err, "nntutor: " + missing + ": cannot open the file\n");

  const std::string broken = temp_path("broken.json");
  std::ofstream(broken) << R"({"inputs": [[1]], "targets": [[1]], "layers": []})";
  const CliResult invalid = cli("assignment '" + broken + "'");
  EXPECT_EQ(invalid.status, 2);
  EXPECT_EQ(invalid.err.rfind("nntutor: " + broken + ": ", 0), 0u) << invalid.err;
  std::remove(broken.c_str());

  EXPECT_EQ(cli("assignment").status, 2);
  EXPECT_EQ(cli("--help").out.find("usage: nntutor assignment SESSION.json [--format text|json]") != std::string::npos, true);
}

TEST(Assignment, RunsTheSessionsOwnOptimizerAtEachRate) {
  // Assignment 4 asks about the learning rate; with adam chosen, every run is adam at that rate.
  auto j = nlohmann::json::parse(nntutor_test::read_text(kPassPath));
  j["optimizer"] = {{"name", "adam"}, {"learning_rate", 0.001}};
  const Session s = nntutor::parse_session(j.dump());
  const auto r = nntutor::assignment_run(s, 0.1);
  nntutor::Session at = s;
  at.optimizer.learning_rate = 0.1;
  nntutor::set_steps(at, 10);
  const auto trace = nntutor::run(at);
  ASSERT_EQ(r.losses.size(), trace.steps.size());
  for (std::size_t k = 0; k < trace.steps.size(); ++k) EXPECT_EQ(r.losses[k], trace.steps[k].loss);
  const auto plain = nntutor::assignment_run(load(kPassPath), 0.1);
  EXPECT_NE(plain.losses.back(), r.losses.back());
}

}  // namespace

// Assignment 4 asks for a layered network: a graph session gets a sentence that says so
// (the page's Check panel shows it), not a crash on the missing layers.
TEST(Assignment, AGraphSessionIsRefusedWithASentence) {
  const Session s = nntutor::parse_session(R"({"inputs": [[1]], "targets": [[1]],
    "graph": {"nodes": [{"activation": "sigmoid"}, {"activation": "sigmoid"}],
              "edges": [{"from": "x1", "to": 1, "weight": 0.5}, {"from": 1, "to": 2, "weight": 0.8}],
              "outputs": [2]}})");
  try {
    nntutor::check_assignment(s);
    FAIL() << "expected a SessionError";
  } catch (const nntutor::SessionError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("graph: Assignment 4 asks for a layered network", 0), 0u)
        << e.what();
  }
}
