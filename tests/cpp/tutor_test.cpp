// Tutor mode: the cells of a step in the lecture's order with values derived by hand, the
// verdict on typed numbers (right, rounding, too few decimals, wrong with its slip), step 2
// continuing from step 1's updates, a 2-3-1 network's order, and every bad input's message.
#include "nntutor/tutor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nntutor/table.hpp"
#include "test_helpers.hpp"

namespace {

using nlohmann::json;
using nntutor::Session;
using nntutor::TutorStep;
using nntutor_test::lecture_json;

Session lecture() { return nntutor::parse_session(lecture_json()); }

double sigma(double z) { return 1 / (1 + std::exp(-z)); }

/// The lecture's step from (w1, b1, w2, b2) with x = y = 1, by its own formulas (section 3):
/// z1, y1, z2, y2, L, ∂L/∂w2, ∂L/∂b2, ∂L/∂w1, ∂L/∂b1, then the updated w1, b1, w2, b2.
std::vector<double> by_hand(double w1, double b1, double w2, double b2, double eta) {
  const double x = 1, y = 1;
  const double z1 = w1 * x + b1, y1 = sigma(z1), z2 = w2 * y1 + b2, y2 = sigma(z2);
  const double L = 0.5 * (y2 - y) * (y2 - y);
  const double d2 = (y2 - y) * (1 - y2) * y2;
  const double dw2 = d2 * y1, db2 = d2;
  const double d1 = d2 * w2 * (1 - y1) * y1;
  const double dw1 = d1 * x, db1 = d1;
  return {z1, y1, z2, y2, L, dw2, db2, dw1, db1, w1 - eta * dw1, b1 - eta * db1, w2 - eta * dw2, b2 - eta * db2};
}

json check(const Session& s, int step, const std::string& column, int row, const std::string& given,
           int decimals = 4) {
  return json::parse(nntutor::tutor_check_json(nntutor::tutor_check(s, step, column, row, given, decimals), decimals));
}

TEST(Tutor, LectureStepOneInTheLecturesOrderWithHandDerivedValues) {
  const TutorStep t = nntutor::tutor_step(lecture(), 1);
  const std::vector<std::string> names = {"z1", "y1", "z2", "y2", "L", "dL/dw2", "dL/db2",
                                          "dL/dw1", "dL/db1", "w1", "b1", "w2", "b2"};
  const std::vector<double> want = by_hand(0.5, 0, 0.8, 0, 0.1);
  ASSERT_EQ(t.cells.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(t.cells[i].column, names[i]);
    EXPECT_EQ(t.cells[i].row, i < 9 ? 1 : 2) << names[i];
    EXPECT_EQ(t.cells[i].stage, i < 4 ? "forward" : i == 4 ? "loss" : i < 9 ? "gradient" : "update");
    EXPECT_NEAR(t.cells[i].exact, want[i], 1e-15) << names[i];
  }
  ASSERT_EQ(t.given.size(), 4U);
  EXPECT_EQ(t.given[0], (std::pair<std::string, double>{"w1", 0.5}));
  EXPECT_EQ(t.given[2], (std::pair<std::string, double>{"w2", 0.8}));
  EXPECT_EQ(t.note, "");
}

TEST(Tutor, StepTwoStartsFromStepOnesUpdates) {
  const TutorStep one = nntutor::tutor_step(lecture(), 1);
  const TutorStep two = nntutor::tutor_step(lecture(), 2);
  ASSERT_EQ(two.given.size(), 4U);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(two.given[i].first, one.cells[9 + i].column);
    EXPECT_DOUBLE_EQ(two.given[i].second, one.cells[9 + i].exact);
  }
  const std::vector<double> want = by_hand(two.given[0].second, two.given[1].second, two.given[2].second,
                                           two.given[3].second, 0.1);
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(two.cells[i].exact, want[i], 1e-15);
  EXPECT_EQ(two.cells[9].row, 3);
}

TEST(Tutor, JsonWritesEachValueWithTheTablesDecimals) {
  const json j = json::parse(nntutor::tutor_step_json(nntutor::tutor_step(lecture(), 1), 4));
  EXPECT_EQ(j["step"], 1);
  EXPECT_EQ(j["decimals"], 4);
  EXPECT_EQ(j["given"][0]["text"], "0.5000");
  EXPECT_EQ(j["cells"][1]["column"], "y1");
  EXPECT_EQ(j["cells"][1]["text"], "0.6225");
  EXPECT_EQ(j["cells"][12]["row"], 2);
  EXPECT_EQ(j["cells"][12]["stage"], "update");
}

TEST(Tutor, RightRoundingAndTooFewDecimals) {
  const Session s = lecture();
  const json right = check(s, 1, "y1", 1, "0.6225");
  EXPECT_EQ(right["verdict"], "correct");
  EXPECT_EQ(right["expected"], "0.6225");
  EXPECT_EQ(right["formula"], "y1 = σ(z1)");
  EXPECT_EQ(check(s, 1, "y1", 1, "0.62246")["verdict"], "correct");
  EXPECT_EQ(check(s, 1, "y1", 1, "−0.6225")["verdict"], "wrong");  // a Unicode minus is read
  const json rounding = check(s, 1, "y1", 1, "0.6224");
  EXPECT_EQ(rounding["verdict"], "rounding");
  const json few = check(s, 1, "y1", 1, "0.62");
  EXPECT_EQ(few["verdict"], "more_decimals");
  EXPECT_EQ(few["why"], "right to the 2 decimals written; write 4 decimals, as the table does");
  // A value that is exact with fewer decimals needs no more: z1 = 0.5, b1 = 0.
  EXPECT_EQ(check(s, 1, "z1", 1, "0.5")["verdict"], "correct");
  EXPECT_EQ(check(s, 1, "z1", 1, "0.5", 6)["verdict"], "correct");
  // The tutor asks for what the table shows: 2 decimals when it shows 2.
  EXPECT_EQ(check(s, 1, "y1", 1, "0.62", 2)["verdict"], "correct");
}

TEST(Tutor, AWrongNumberGetsItsSlipButNotTheValue) {
  const Session s = lecture();
  const std::vector<double> v = by_hand(0.5, 0, 0.8, 0, 0.1);
  // The update with the wrong sign: w1 + η·∂L/∂w1.
  const std::string plus = nntutor::fixed(0.5 + 0.1 * v[7], 4);
  const json sign = check(s, 1, "w1", 2, plus);
  EXPECT_EQ(sign["verdict"], "wrong");
  EXPECT_EQ(sign["slip_id"], "update-sign");
  EXPECT_FALSE(sign.contains("expected"));
  EXPECT_EQ(sign["why"], "not w1 after the update of step 1");
  EXPECT_EQ(sign["formula"], "w1 (step 2) = w1 (step 1) − η·dL/dw1 (step 1), η = 0.1");
  EXPECT_EQ(sign["slip"].get<std::string>().find(nntutor::fixed(v[9], 4)), std::string::npos)
      << "the slip sentence gives the answer away: " << sign["slip"];
  // y2 written as z2 (σ not applied).
  const json raw = check(s, 1, "y2", 1, nntutor::fixed(v[2], 4));
  EXPECT_EQ(raw["verdict"], "wrong");
  EXPECT_EQ(raw["slip_id"], "no-activation");
  EXPECT_EQ(raw["why"], "not y2 of step 1");
  // Nothing known explains 7.
  const json odd = check(s, 1, "L", 1, "7.0000");
  EXPECT_EQ(odd["verdict"], "wrong");
  EXPECT_EQ(odd["slip"], "No known slip explains this.");
}

TEST(Tutor, LargerNetworkGoesLayerByLayerAndBackwards) {
  const TutorStep t = nntutor::tutor_step(nntutor::parse_session(R"({
    "inputs": [[1, 2]], "targets": [[1]], "layers": [
      {"units": 3, "activation": "relu", "weights": [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], "biases": [0, 0.1, 0]},
      {"units": 1, "activation": "sigmoid", "weights": [[0.7, -0.8, 0.9]], "biases": [0]}],
    "optimizer": {"name": "sgd", "learning_rate": 0.5}, "steps": 1})"), 1);
  std::vector<std::string> names;
  for (const auto& c : t.cells) names.push_back(c.column);
  const std::vector<std::string> want = {
      "z1[1]", "z1[2]", "z1[3]", "y1[1]", "y1[2]", "y1[3]", "z2", "y2", "L",
      "dL/dw2[1,1]", "dL/dw2[1,2]", "dL/dw2[1,3]", "dL/db2",
      "dL/dw1[1,1]", "dL/dw1[1,2]", "dL/dw1[2,1]", "dL/dw1[2,2]", "dL/dw1[3,1]", "dL/dw1[3,2]",
      "dL/db1[1]", "dL/db1[2]", "dL/db1[3]",
      "w1[1,1]", "w1[1,2]", "w1[2,1]", "w1[2,2]", "w1[3,1]", "w1[3,2]", "b1[1]", "b1[2]", "b1[3]",
      "w2[1,1]", "w2[1,2]", "w2[1,3]", "b2"};
  EXPECT_EQ(names, want);
  EXPECT_EQ(t.given.size(), 13U);
}

TEST(Tutor, BadInputNamesTheCell) {
  const Session s = lecture();
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "z1", 1, "abc", 4),
                       "z1 (step 1): expected a number, got \"abc\"");
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "z1", 1, "0,5", 4),
                       "z1 (step 1): \"0,5\" has a decimal comma; use a decimal point (0.5)");
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "z1", 1, "  ", 4), "z1 (step 1): empty (expected a number)");
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "z1", 1, "0.5\n0.6", 4), "z1 (step 1): type one number");
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "z1", 1, "1e999", 4),
                       "z1 (step 1): \"1e999\" is too large for a number");
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "x", 1, "1", 4), "tutor: step 1 does not ask for x of row 1");
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "z1", 2, "1", 4), "tutor: step 1 does not ask for z1 of row 2");
  EXPECT_SESSION_ERROR(nntutor::tutor_step(s, 0), "tutor: the step must be 1 or more, got 0");
  EXPECT_SESSION_ERROR(nntutor::tutor_step(s, 10000), "tutor: step 10000 is beyond the 9999 steps tutor mode can work out");
}

TEST(Tutor, RefusesANetworkTooLargeToWorkOutByHand) {
  std::string weights = "[";
  for (int j = 0; j < 20; ++j) weights += std::string(j ? "," : "") + "[0.1,0.1,0.1,0.1]";
  weights += "]";
  const Session big = nntutor::parse_session(R"({"inputs": [[1, 2, 3, 4]], "targets": [[1]], "layers": [
      {"units": 20, "activation": "sigmoid", "weights": )" + weights + R"(},
      {"units": 1, "activation": "sigmoid"}], "steps": 1, "seed": 3})");
  EXPECT_SESSION_ERROR(nntutor::tutor_step(big, 1),
                       "tutor: a step of this network has 285 numbers to work out; tutor mode asks "
                       "for at most 120 (use fewer units, inputs or samples)");
}

TEST(Tutor, ADivergingRunSaysWhere) {
  const Session s = nntutor::parse_session(R"({"inputs": [[1]], "targets": [[1]], "layers": [
      {"units": 1, "activation": "linear", "weights": [[1e150]]},
      {"units": 1, "activation": "linear", "weights": [[1e150]]}]})");
  try {
    nntutor::tutor_step(s, 2);
    FAIL() << "no error";
  } catch (const nntutor::SessionError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("tutor: step 2 cannot be worked out: the run diverged at step 1 (", 0), 0U)
        << e.what();
  }
}

}  // namespace

namespace {

using nntutor_test::cli;
using nntutor_test::source_path;

const std::string kLecture = source_path("examples/lecture.json");

TEST(TutorCli, AStudentWorksOutStepOneAtTheTerminal) {
  const std::string answers = "0.4\n0.5000\n0.62\n0.5000\n?\n0.4980\n0.6220\n0.0714\n-0.0553\n-0.0889\n"
                              "−0.0167\n-0.0168\n0.5017\n0.0017\n0.8055\n0.0089\n";
  const auto r = cli("tutor " + kLecture, &answers);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.rfind("Step 1, from w1 = 0.5000, b1 = 0.0000, w2 = 0.8000, b2 = 0.0000 (eta = 0.1). "
                        "Type each number with 4 decimals; ? reveals it, q stops.\n", 0), 0U) << r.out;
  EXPECT_NE(r.out.find("z1 =   wrong: not z1 of step 1. No known slip explains this.\n  hint: z1 = w1·x + b1\n"
                       "z1 =   right\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("y1 =   right to the 2 decimals written; write 4 decimals, as the table does.\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("y1 =   revealed: 0.6225\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("w1 for step 2 =   right\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Step 1 is worked out: 11 right, 1 within rounding, 1 revealed.\n"), std::string::npos) << r.out;
}

TEST(TutorCli, StopsOnQOrTheEndOfInputWithExitOne) {
  const std::string quit = "0.5033\nq\n";
  const auto q = cli("tutor " + kLecture + " --step 2", &quit);
  EXPECT_EQ(q.status, 1);
  EXPECT_NE(q.out.find("Stopped at y1.\n"), std::string::npos) << q.out;
  const std::string none;
  const auto eof = cli("tutor " + kLecture, &none);
  EXPECT_EQ(eof.status, 1);
  EXPECT_NE(eof.out.find("Stopped at z1.\n"), std::string::npos) << eof.out;
}

TEST(TutorCli, JsonIsTheCoresStepAndBadOptionsExitTwo) {
  const auto j = cli("tutor " + kLecture + " --step 2 --decimals 3 --format json");
  EXPECT_EQ(j.status, 0) << j.err;
  EXPECT_EQ(j.out, nntutor::tutor_step_json(nntutor::tutor_step(lecture(), 2), 3) + "\n");
  const auto step = cli("tutor " + kLecture + " --step 0");
  EXPECT_EQ(step.status, 2);
  EXPECT_EQ(step.err, "nntutor: --step: expected a whole number from 1 to 9999, got 0\n");
  const auto decimals = cli("tutor " + kLecture + " --decimals 13");
  EXPECT_EQ(decimals.status, 2);
  EXPECT_EQ(decimals.err, "nntutor: --decimals: expected a whole number from 0 to 12, got 13\n");
  const std::string session = nntutor_test::lecture_json();
  const auto piped = cli("tutor -", &session);
  EXPECT_EQ(piped.status, 2);
  EXPECT_EQ(piped.err, "nntutor: -: the tutor reads your answers from standard input; give the session as a file\n");
}

TEST(Tutor, RefusesOtherOptimizersAndLossesByName) {
  json j = json::parse(lecture_json());
  j["optimizer"] = {{"name", "rmsprop"}};
  const Session s = nntutor::parse_session(j.dump());
  const std::string message = "tutor: the tutor knows plain gradient descent (sgd on every sample) with the "
                              "loss half_sse or mse; this session's optimizer.name is rmsprop";
  EXPECT_SESSION_ERROR(nntutor::tutor_step(s, 1), message);
  EXPECT_SESSION_ERROR(nntutor::tutor_check(s, 1, "z1", 1, "0.5", 4), message);
  j = json::parse(lecture_json());
  j["loss"] = "bce";
  EXPECT_SESSION_ERROR(nntutor::tutor_step(nntutor::parse_session(j.dump()), 1),
                       "tutor: the tutor knows plain gradient descent (sgd on every sample) with the "
                       "loss half_sse or mse; this session's loss is bce");
}

}  // namespace
