// The stateful workbook against the stateless run(): stepping, going back, resetting and
// editing must leave exactly run(session()) — every number to the last bit — and every JSON
// read must be the text run_result_json / equations_for_step give for the same step.
#include "nntutor/workbook.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "nntutor/equations.hpp"
#include "test_helpers.hpp"

namespace {

using json = nlohmann::ordered_json;  // keeps the engine's key order
using nntutor::Session;
using nntutor::StepTrace;
using nntutor::Trace;
using nntutor::View;
using nntutor::Workbook;
using nntutor_test::lecture_json;

/// True when `a` and `b` hold the same bits (so -0 differs from 0, unlike ==).
bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

::testing::AssertionResult same_trace(const Trace& a, const Trace& b) {
  if (a.steps.size() != b.steps.size())
    return ::testing::AssertionFailure() << a.steps.size() << " rows vs " << b.steps.size();
  for (std::size_t k = 0; k < a.steps.size(); ++k) {
    const StepTrace &s = a.steps[k], &t = b.steps[k];
    const bool head = s.step == t.step && std::memcmp(&s.loss, &t.loss, sizeof s.loss) == 0 &&
                      s.batch == t.batch && s.layers.size() == t.layers.size();
    if (!head) return ::testing::AssertionFailure() << "step " << k + 1 << ": step, loss or batch";
    for (std::size_t l = 0; l < s.layers.size(); ++l) {
      const auto &p = s.layers[l], &q = t.layers[l];
      bool same = same_bits(p.W, q.W) && same_bits(p.b, q.b) && same_bits(p.z, q.z) &&
                  same_bits(p.y, q.y) && same_bits(p.dW, q.dW) && same_bits(p.db, q.db) &&
                  p.state_W.size() == q.state_W.size() && p.state_b.size() == q.state_b.size();
      for (std::size_t i = 0; same && i < p.state_W.size(); ++i)
        same = same_bits(p.state_W[i], q.state_W[i]) && same_bits(p.state_b[i], q.state_b[i]);
      if (!same) return ::testing::AssertionFailure() << "step " << k + 1 << ", layer " << l + 1;
    }
  }
  if (a.diverged.has_value() != b.diverged.has_value() ||
      (a.diverged && (a.diverged->at != b.diverged->at || a.diverged->reason != b.diverged->reason)))
    return ::testing::AssertionFailure() << "the divergence differs";
  return ::testing::AssertionSuccess();
}

Session with_steps(Session s, int steps) {
  s.steps = steps;
  return s;
}

/// The sessions of the comparisons: the lecture, a 2-3-1 network, Keras' optimizers with and
/// without mini-batches, and a run that diverges.
std::vector<std::pair<std::string, Session>> sessions() {
  const std::string data3 = R"("inputs": [[0.3, -1.2], [1.1, 0.4], [-0.7, 0.9]], )";
  std::vector<std::pair<std::string, std::string>> texts = {
      {"lecture", lecture_json()},
      {"2-3-1 tanh/sigmoid, mse", R"({"inputs": [[0.5, -0.2], [0.1, 0.9]], "targets": [[1], [0]],
        "layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "seed": 4})"},
      {"adam on batches of 2", "{" + data3 + R"("targets": [[1, 0, 0], [0, 0, 1], [0, 1, 0]],
        "loss": "cross_entropy",
        "layers": [{"units": 3, "activation": "tanh"}, {"units": 3, "activation": "softmax"}],
        "optimizer": {"name": "adam", "learning_rate": 0.05, "batch_size": 2, "shuffle_seed": 7},
        "seed": 3})"},
      {"rmsprop on batches of 2", "{" + data3 + R"("targets": [[1], [0], [0.25]], "loss": "bce",
        "layers": [{"units": 2, "activation": "elu"}, {"units": 1, "activation": "sigmoid"}],
        "optimizer": {"name": "rmsprop", "learning_rate": 0.01, "rho": 0.8, "batch_size": 2,
                      "shuffle_seed": 9}, "seed": 4})"},
      {"adagrad", "{" + data3 + R"("targets": [[2, -1], [0.5, 0.5], [-3, 1]], "loss": "mae",
        "layers": [{"units": 3, "activation": "relu"}, {"units": 2, "activation": "linear"}],
        "optimizer": {"name": "adagrad", "learning_rate": 0.3, "initial_accumulator_value": 0.5},
        "seed": 5})"},
      {"diverging", R"({"inputs": [[1]], "targets": [[2]],
        "layers": [{"units": 1, "activation": "linear", "weights": [[1]]}],
        "optimizer": {"name": "sgd", "learning_rate": 1e20}})"},
  };
  std::vector<std::pair<std::string, Session>> out;
  for (auto& [name, text] : texts) out.emplace_back(name, nntutor::parse_session(text));
  return out;
}

constexpr int kSteps = 30;  // past a few checkpoints (every 8 steps)

/// The JSON texts the stateless path gives for step k of `session` run to `steps` steps.
json stateless(const Session& session, int steps, int k) {
  View view;
  view.steps = View::Steps::kOne;
  view.trace_step = k;
  view.equations = View::Equations{};
  const Session s = with_steps(session, steps);
  return json::parse(nntutor::run_result_json(s, nntutor::run(s), view));
}

TEST(Workbook, OpenHoldsTheRunOfTheSession) {
  for (const auto& [name, session] : sessions()) {
    SCOPED_TRACE(name);
    const Workbook wb(with_steps(session, 17));
    EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(with_steps(session, 17))));
  }
}

TEST(Workbook, StepByStepIsTheRunToThatStep) {
  for (const auto& [name, session] : sessions()) {
    SCOPED_TRACE(name);
    Workbook wb(with_steps(session, 0));
    for (int k = 1; k <= kSteps && !wb.trace().diverged; ++k) {
      const nntutor::Change change = wb.step();
      EXPECT_EQ(change.kept, k - 1);
      const Trace expected = nntutor::run(with_steps(session, k));
      ASSERT_TRUE(same_trace(wb.trace(), expected)) << "after step " << k;
      if (expected.diverged) break;
      // The reads give the stateless path's text for the same step.
      const json run = stateless(session, k, k);
      const json rows = json::parse(wb.rows_json(k, View{}));
      EXPECT_EQ(rows["rows"].dump(), json{run["table"]["rows"].back()}.dump());
      EXPECT_EQ(rows.contains("columns"), k == 1);  // only the whole table has them
      EXPECT_EQ(wb.trace_json(k), run["steps"][0].dump());
      EXPECT_EQ(wb.equations_json(k, 4), run["equations"].dump());
      EXPECT_EQ(wb.equations_json(k, 4), nntutor::equations_for_step(session, k, 4));
    }
  }
}

TEST(Workbook, ReadsAnEarlierRowAsTheRunDoes) {
  for (const auto& [name, session] : sessions()) {
    SCOPED_TRACE(name);
    const Workbook wb(with_steps(session, kSteps));
    const int rows = wb.rows();
    for (int k : {1, 2, rows / 2, rows}) {
      if (k < 1) continue;
      const json run = stateless(session, kSteps, k);
      EXPECT_EQ(wb.trace_json(k), run["steps"][0].dump()) << "step " << k;
      EXPECT_EQ(wb.equations_json(k, 6, {1}, {}),
                nntutor::equations_for_step(session, k, 6, {1}, {}));
    }
    const json all = json::parse(wb.rows_json(1, View{}));
    const json run = stateless(session, kSteps, 1);
    EXPECT_EQ(all["columns"].dump(), run["table"]["columns"].dump());
    EXPECT_EQ(all["rows"].dump(), run["table"]["rows"].dump());
    EXPECT_EQ(all["diverged"].dump(), run["diverged"].dump());
  }
}

TEST(Workbook, RowsKeepTheViewsColumns) {
  const Session session = sessions()[2].second;  // adam on batches: state and batch columns
  const Workbook wb(with_steps(session, 6));
  const View view = nntutor::parse_view(R"({"columns": ["w", "state", "loss"], "layers": [2]})");
  const Session s = with_steps(session, 6);
  const json run = json::parse(nntutor::run_result_json(s, nntutor::run(s), view));
  const json all = json::parse(wb.rows_json(1, view));
  EXPECT_EQ(all["columns"].dump(), run["table"]["columns"].dump());
  EXPECT_EQ(all["rows"].dump(), run["table"]["rows"].dump());
  const json tail = json::parse(wb.rows_json(5, view));
  ASSERT_EQ(tail["rows"].size(), 2u);
  EXPECT_EQ(tail["rows"][1].dump(), run["table"]["rows"][5].dump());
  EXPECT_EQ(json::parse(wb.rows_json(7, view))["rows"].size(), 0u);
}

TEST(Workbook, BackThenStepGivesTheSameRows) {
  for (const auto& [name, session] : sessions()) {
    SCOPED_TRACE(name);
    Workbook wb(with_steps(session, 19));
    if (wb.trace().diverged) continue;  // ADivergenceEndsTheSteps goes back from a divergence
    const Trace before = wb.trace();
    // Back across a checkpoint (16), then forward again from the one before it.
    for (int i = 0; i < 5; ++i) wb.back();
    EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(with_steps(session, 14))));
    EXPECT_EQ(wb.steps(), 14);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(wb.step().kept, 14 + i);
    EXPECT_TRUE(same_trace(wb.trace(), before));
    // One back and one step: the row the live state computed is computed again.
    wb.back();
    wb.step();
    EXPECT_TRUE(same_trace(wb.trace(), before));
  }
}

TEST(Workbook, ResetGoesBackToStepZero) {
  const Session session = sessions()[2].second;
  Workbook wb(with_steps(session, 11));
  EXPECT_EQ(wb.reset().kept, 0);
  EXPECT_EQ(wb.rows(), 0);
  EXPECT_EQ(wb.steps(), 0);
  for (int k = 0; k < 11; ++k) wb.step();
  EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(with_steps(session, 11))));
  Workbook empty(with_steps(session, 0));
  EXPECT_EQ(empty.back().kept, 0);
  EXPECT_EQ(empty.rows(), 0);
}

TEST(Workbook, ADivergenceEndsTheSteps) {
  const Session session = sessions().back().second;
  Workbook wb(with_steps(session, 0));
  while (!wb.trace().diverged) wb.step();
  const int at = wb.trace().diverged->at;
  EXPECT_EQ(wb.steps(), at);
  EXPECT_EQ(wb.rows(), at - 1);
  EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(with_steps(session, at + 50))));
  EXPECT_SESSION_ERROR(wb.step(), "step: the run diverged at step " + std::to_string(at) + " (" +
                                      wb.trace().diverged->reason +
                                      "), so there is no next step");
  EXPECT_SESSION_ERROR(wb.trace_json(at), "step: the run diverged at step " + std::to_string(at) +
                                              " (" + wb.trace().diverged->reason + "), so step " +
                                              std::to_string(at) + " has no numbers");
  // Back drops the step that diverged and keeps every row; a step diverges again.
  EXPECT_EQ(wb.back().kept, at - 1);
  EXPECT_FALSE(wb.trace().diverged);
  EXPECT_EQ(wb.steps(), at - 1);
  wb.step();
  EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(with_steps(session, at))));
  // More steps asked of the same session: still the divergence.
  Session more = with_steps(session, at + 10);
  EXPECT_EQ(wb.set_session(more).kept, at - 1);
  EXPECT_EQ(wb.steps(), at);
}

TEST(Workbook, SetSessionKeepsTheCommonPrefix) {
  const Session session = sessions()[2].second;
  Workbook wb(with_steps(session, 10));
  EXPECT_EQ(wb.set_session(with_steps(session, 20)).kept, 10);
  EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(with_steps(session, 20))));
  EXPECT_EQ(wb.set_session(with_steps(session, 7)).kept, 7);
  EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(with_steps(session, 7))));
  // Another seed with the same (written-out) weights is the same run.
  Session reseeded = with_steps(session, 9);
  reseeded.seed = 99;
  EXPECT_EQ(wb.set_session(reseeded).kept, 7);
  EXPECT_EQ(wb.session().seed, 99u);
  EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(reseeded)));
}

TEST(Workbook, SetSessionWithAChangedWeightRestarts) {
  for (const auto& [name, session] : sessions()) {
    SCOPED_TRACE(name);
    Workbook wb(with_steps(session, 12));
    Session edited = with_steps(session, 12);
    edited.network.layers[0].W(0, 0) += 0.25;
    EXPECT_EQ(wb.set_session(edited).kept, 0);
    EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(edited)));
    Session faster = edited;
    faster.optimizer.learning_rate *= 0.5;
    EXPECT_EQ(wb.set_session(faster).kept, 0);
    EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(faster)));
    // Back to the first values: another restart.
    Session back = with_steps(session, 3);
    EXPECT_EQ(wb.set_session(back).kept, 0);
    EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(back)));
  }
}

TEST(Workbook, ItsColumnsAreThoseOfItsSessionsTable) {
  // describe() counts the workbook's columns: they follow the session through every change.
  const auto names = [](const std::vector<nntutor::Column>& columns) {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(c.name);
    return out;
  };
  const auto expected = [&](const Session& s) {
    return names(nntutor::table_columns(s.network, s.batch.samples(), s.optimizer));
  };
  const auto all = sessions();
  Workbook wb(with_steps(all[0].second, 3));
  EXPECT_EQ(names(wb.columns()), expected(all[0].second));
  for (const auto& [name, session] : all) {
    SCOPED_TRACE(name);
    wb.set_session(with_steps(session, 2));
    EXPECT_EQ(names(wb.columns()), expected(session));
    if (!wb.trace().diverged) wb.step();
    EXPECT_EQ(names(wb.columns()), expected(session));
  }
}

TEST(Workbook, ABiasOfMinusZeroIsAnotherSession) {
  const Session lecture = with_steps(nntutor::parse_session(lecture_json()), 4);
  ASSERT_EQ(lecture.network.layers[0].b(0), 0.0);
  Workbook wb(lecture);
  Session negative = lecture;
  negative.network.layers[0].b(0) = -0.0;  // the table writes -0 in row 1
  EXPECT_EQ(wb.set_session(negative).kept, 0);
  EXPECT_TRUE(same_trace(wb.trace(), nntutor::run(negative)));
}

TEST(Workbook, PageLimitsApplyToEverySessionAndStep) {
  const Session lecture = nntutor::parse_session(lecture_json());
  Session wide = nntutor::parse_session(
      R"({"inputs": [[1]], "targets": [[1]], "layers": [{"units": 40, "activation": "tanh"},
          {"units": 1, "activation": "sigmoid"}]})");
  EXPECT_SESSION_ERROR(Workbook(wide, true),
                       "layers[0].units: the page allows at most 32 units per layer, got 40");
  EXPECT_NO_THROW(Workbook(wide, false));

  Workbook wb(with_steps(lecture, 999), true);
  wb.step();
  EXPECT_SESSION_ERROR(wb.step(), "steps: the page allows at most 1000 steps, got 1001");
  EXPECT_EQ(wb.steps(), 1000);
  // A refused session leaves the workbook as it was.
  const Trace before = wb.trace();
  EXPECT_SESSION_ERROR(wb.set_session(wide),
                       "layers[0].units: the page allows at most 32 units per layer, got 40");
  EXPECT_TRUE(same_trace(wb.trace(), before));
  EXPECT_EQ(wb.session().network.layers.size(), 2u);
}

TEST(Workbook, EngineLimitsApplyToSteps) {
  Workbook wb(with_steps(nntutor::parse_session(lecture_json()), 10000));
  EXPECT_SESSION_ERROR(wb.step(), "steps: expected a whole number from 0 to 10000, got 10001");
  EXPECT_EQ(wb.rows(), 10000);
}

TEST(Workbook, ReadsNameTheStepOrRow) {
  Workbook wb(with_steps(nntutor::parse_session(lecture_json()), 0));
  EXPECT_SESSION_ERROR(wb.trace_json(1), "step: no step has been computed yet, got 1");
  EXPECT_SESSION_ERROR(wb.equations_json(1, 4), "step: no step has been computed yet, got 1");
  wb.step();
  wb.step();
  wb.step();
  EXPECT_SESSION_ERROR(wb.trace_json(4), "step: expected a computed step from 1 to 3, got 4");
  EXPECT_SESSION_ERROR(wb.trace_json(0), "step: expected a computed step from 1 to 3, got 0");
  EXPECT_SESSION_ERROR(wb.equations_json(2, 18),
                       "precision: expected a whole number from 0 to 17, got 18");
  EXPECT_SESSION_ERROR(wb.rows_json(5, View{}), "from: expected a row from 1 to 4, got 5");
  EXPECT_SESSION_ERROR(wb.rows_json(0, View{}), "from: expected a row from 1 to 4, got 0");
  EXPECT_EQ(json::parse(wb.rows_json(4, View{}))["rows"].size(), 0u);
  EXPECT_EQ(wb.status_json({3}), R"({"steps":3,"rows":3,"kept":3,"diverged":null})");
}

}  // namespace

namespace {

TEST(StepJsonText, IsTheDumpOfStepJson) {
  nntutor::StepTrace t;
  t.step = 7;
  t.loss = 1e-320;  // subnormal
  nntutor::LayerTrace l;
  l.W = nntutor_test::matrix({{-0.0, 1e300, 0.1}, {2, -3.5e-7, 123456789012345680.0}});
  l.b = Eigen::VectorXd::Constant(2, 1.0 / 3);
  l.z = nntutor_test::matrix({{1}, {-1}});
  l.y = l.z;
  l.dW = -l.W;
  l.db = l.b;
  t.layers = {l, l};
  EXPECT_EQ(nntutor::step_json_text(t, {}), nntutor::step_json(t, {}).dump());
  t.layers[1].state_W = {l.W, 2 * l.W};
  t.layers[1].state_b = {l.b, -l.b};
  t.layers[0].state_W = t.layers[1].state_W;
  t.layers[0].state_b = t.layers[1].state_b;
  t.batch = {3, 1};
  EXPECT_EQ(nntutor::step_json_text(t, {"m", "v"}), nntutor::step_json(t, {"m", "v"}).dump());
}

}  // namespace
