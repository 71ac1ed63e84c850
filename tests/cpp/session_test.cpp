// The session format: parsing, defaults, seeded initialisation, round trip, and every
// rejection with its exact message.
#include "nntutor/session.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "test_helpers.hpp"

namespace {

using nlohmann::json;
using nntutor::parse_session;
using nntutor::Session;
using nntutor_test::lecture_json;

/// The lecture session as a JSON value, to be changed one field at a time.
json lecture() { return json::parse(lecture_json()); }

/// Parses `j` (after dumping it) as a session.
Session parse(const json& j) { return parse_session(j.dump()); }

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

TEST(Session, ParsesTheLectureExample) {
  const Session s = parse_session(lecture_json());
  ASSERT_EQ(s.network.layers.size(), 2u);
  for (const auto& layer : s.network.layers) {
    EXPECT_EQ(layer.units(), 1);
    EXPECT_EQ(layer.inputs(), 1);
    EXPECT_EQ(layer.f.name, "sigmoid");
  }
  EXPECT_EQ(s.network.layers[0].W(0, 0), 0.5);
  EXPECT_EQ(s.network.layers[0].b(0), 0.0);
  EXPECT_EQ(s.network.layers[1].W(0, 0), 0.8);
  EXPECT_EQ(s.network.layers[1].b(0), 0.0);
  EXPECT_EQ(s.batch.X, nntutor_test::matrix({{1}}));
  EXPECT_EQ(s.batch.Y, nntutor_test::matrix({{1}}));
  EXPECT_EQ(s.loss.name, "half_sse");
  EXPECT_EQ(s.optimizer.learning_rate, 0.1);
  EXPECT_EQ(s.steps, 5);
  EXPECT_EQ(s.seed, 1u);

  const nntutor::Trace trace = nntutor::run(s);
  ASSERT_EQ(trace.steps.size(), 5u);
  EXPECT_NEAR(trace.steps[0].loss, 0.5 * std::pow(nntutor::sigmoid(0.8 * nntutor::sigmoid(0.5)) - 1, 2),
              1e-15);
}

TEST(Session, SamplesAreRowsAndBecomeColumns) {
  json j = {{"inputs", {{1, 2, 3}, {4, 5, 6}}},
            {"targets", {{0.5, -1}, {1.5, 2}}},
            {"layers", {{{"units", 2}, {"activation", "linear"}}}}};
  const Session s = parse(j);
  // X is features × samples, Y outputs × samples.
  EXPECT_EQ(s.batch.X, nntutor_test::matrix({{1, 4}, {2, 5}, {3, 6}}));
  EXPECT_EQ(s.batch.Y, nntutor_test::matrix({{0.5, 1.5}, {-1, 2}}));
  EXPECT_EQ(s.batch.samples(), 2);
  EXPECT_EQ(s.network.layers[0].W.rows(), 2);
  EXPECT_EQ(s.network.layers[0].W.cols(), 3);
}

TEST(Session, Defaults) {
  const Session s = parse_session(
      R"({"inputs": [[1]], "targets": [[1]], "layers": [{"units": 1, "activation": "sigmoid"}]})");
  EXPECT_EQ(s.loss.name, "half_sse");
  EXPECT_EQ(s.optimizer.learning_rate, 0.1);
  EXPECT_EQ(s.steps, 5);
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.network.layers[0].b, Eigen::VectorXd::Zero(1));
  // An empty optimizer object, or one with only the name, keeps η = 0.1.
  json j = lecture();
  j["optimizer"] = json::object();
  EXPECT_EQ(parse(j).optimizer.learning_rate, 0.1);
  j["optimizer"] = {{"name", "sgd"}};
  EXPECT_EQ(parse(j).optimizer.learning_rate, 0.1);
}

TEST(Session, AlphaDefaultsAndOverrides) {
  json j = lecture();
  j["layers"][0]["activation"] = "leaky_relu";
  j["layers"][1]["activation"] = "elu";
  Session s = parse(j);
  EXPECT_EQ(s.network.layers[0].f.alpha, 0.1);
  EXPECT_EQ(s.network.layers[1].f.alpha, 1.0);
  j["layers"][0]["alpha"] = 0.3;
  j["layers"][1]["alpha"] = 2;
  s = parse(j);
  EXPECT_EQ(s.network.layers[0].f.alpha, 0.3);
  EXPECT_EQ(s.network.layers[1].f.alpha, 2.0);
}

TEST(Session, OtherFieldsAreRead) {
  json j = lecture();
  j["loss"] = "mse";
  j["optimizer"]["learning_rate"] = 2.5;
  j["steps"] = 0;
  j["seed"] = 9007199254740992.0;  // 2^53, the largest seed
  const Session s = parse(j);
  EXPECT_EQ(s.loss.name, "mse");
  EXPECT_EQ(s.optimizer.learning_rate, 2.5);
  EXPECT_EQ(s.steps, 0);
  EXPECT_EQ(s.seed, 9007199254740992u);
  j["steps"] = 10000;
  EXPECT_EQ(parse(j).steps, 10000);
}

// A 2-3-1 network without weights: Glorot uniform from the seed.
json unweighted(int seed) {
  return {{"inputs", {{0.5, -1}}},
          {"targets", {{1}}},
          {"layers", {{{"units", 3}, {"activation", "tanh"}}, {{"units", 1}, {"activation", "sigmoid"}}}},
          {"seed", seed}};
}

TEST(Session, OmittedWeightsAreGlorotUniformFromTheSeed) {
  const Session s = parse(unweighted(1));
  // docs/engine-api.md: (2u − 1)·√(6/(fan_in + fan_out)), u = (next() >> 11)·2⁻⁵³ of
  // std::mt19937_64(seed); layer by layer, row by row.
  std::mt19937_64 engine(1);
  const auto u = [&] { return static_cast<double>(engine() >> 11) * 0x1.0p-53; };
  const int fan_in[] = {2, 3}, fan_out[] = {3, 1};
  for (int l = 0; l < 2; ++l) {
    const auto& W = s.network.layers[static_cast<std::size_t>(l)].W;
    ASSERT_EQ(W.rows(), fan_out[l]);
    ASSERT_EQ(W.cols(), fan_in[l]);
    const double limit = std::sqrt(6.0 / (fan_in[l] + fan_out[l]));
    for (int r = 0; r < W.rows(); ++r)
      for (int c = 0; c < W.cols(); ++c) {
        EXPECT_EQ(W(r, c), (2 * u() - 1) * limit) << "layer " << l << " (" << r << ", " << c << ")";
        EXPECT_LE(std::fabs(W(r, c)), limit);
      }
    EXPECT_EQ(s.network.layers[static_cast<std::size_t>(l)].b,
              Eigen::VectorXd::Zero(fan_out[l]));  // Keras' default: zero biases
  }
}

TEST(Session, SameSeedSameWeightsOtherSeedOtherWeights) {
  const Session a = parse(unweighted(7)), b = parse(unweighted(7)), c = parse(unweighted(8));
  for (std::size_t l = 0; l < 2; ++l) {
    EXPECT_EQ(a.network.layers[l].W, b.network.layers[l].W);
    EXPECT_NE(a.network.layers[l].W, c.network.layers[l].W);
  }
  // Seed 0 is a seed like any other.
  EXPECT_NE(parse(unweighted(0)).network.layers[0].W, a.network.layers[0].W);
}

TEST(Session, GivenWeightsDoNotConsumeDraws) {
  // Only layers without weights draw; so the second layer gets the first draws of the seed.
  json j = unweighted(3);
  j["layers"][0]["weights"] = {{1, 2}, {3, 4}, {5, 6}};
  const Session s = parse(j);
  std::mt19937_64 engine(3);
  const double limit = std::sqrt(6.0 / 4);
  for (int c = 0; c < 3; ++c)
    EXPECT_EQ(s.network.layers[1].W(0, c),
              (2 * (static_cast<double>(engine() >> 11) * 0x1.0p-53) - 1) * limit);
}

void expect_identical(const Session& a, const Session& b) {
  const auto same = [](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
    if (x.rows() != y.rows() || x.cols() != y.cols()) return false;
    for (Eigen::Index i = 0; i < x.size(); ++i)
      if (bits(x.data()[i]) != bits(y.data()[i])) return false;
    return true;
  };
  EXPECT_TRUE(same(a.batch.X, b.batch.X));
  EXPECT_TRUE(same(a.batch.Y, b.batch.Y));
  ASSERT_EQ(a.network.layers.size(), b.network.layers.size());
  for (std::size_t l = 0; l < a.network.layers.size(); ++l) {
    const auto& p = a.network.layers[l];
    const auto& q = b.network.layers[l];
    EXPECT_TRUE(same(p.W, q.W)) << "layer " << l;
    EXPECT_TRUE(same(p.b, q.b)) << "layer " << l;
    EXPECT_EQ(p.f.name, q.f.name);
    EXPECT_EQ(bits(p.f.alpha), bits(q.f.alpha));
  }
  EXPECT_EQ(a.loss.name, b.loss.name);
  EXPECT_EQ(bits(a.optimizer.learning_rate), bits(b.optimizer.learning_rate));
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.seed, b.seed);
}

TEST(Session, ToJsonRoundTripsBitForBit) {
  json j = {{"inputs", {{0.1, 1.0 / 3}, {-2.5e-8, 123456.789}, {1e-300, -7}}},
            {"targets", {{0.3, 1}, {2.0 / 3, 0}, {0, -1e200}}},
            {"layers", {{{"units", 4}, {"activation", "leaky_relu"}, {"alpha", 0.3}},
                        {{"units", 3}, {"activation", "elu"}},
                        {{"units", 2}, {"activation", "tanh"}, {"biases", {0.1, -1.0 / 7}}}}},
            {"loss", "mse"},
            {"optimizer", {{"name", "sgd"}, {"learning_rate", 0.037}}},
            {"steps", 17},
            {"seed", 4242}};
  const Session s = parse(j);
  const std::string text = nntutor::session_to_json(s);
  const Session again = parse_session(text);
  expect_identical(s, again);
  EXPECT_EQ(nntutor::session_to_json(again), text);
  // Every default and every initial weight is written out.
  const json written = json::parse(text);
  EXPECT_EQ(written["layers"][1]["alpha"], 1.0);
  EXPECT_EQ(written["layers"][0]["weights"].size(), 4u);
  EXPECT_EQ(written["layers"][1]["biases"], json({0.0, 0.0, 0.0}));
  EXPECT_FALSE(written["layers"][2].contains("alpha"));  // tanh takes none
  EXPECT_EQ(written["seed"], 4242);

  const Session lecture_session = parse_session(lecture_json());
  expect_identical(lecture_session, parse_session(nntutor::session_to_json(lecture_session)));
}

// ---- Rejections, each with its exact message ----

TEST(SessionError, NotJsonOrNotAnObject) {
  EXPECT_SESSION_ERROR(parse_session("{"),
                       "session: not valid JSON (parse error at line 1, column 2: syntax error "
                       "while parsing object key - unexpected end of input; expected string literal)");
  EXPECT_SESSION_ERROR(parse_session(""),
                       "session: not valid JSON (parse error at line 1, column 1: syntax error "
                       "while parsing value - unexpected end of input; expected '[', '{', or a literal)");
  EXPECT_SESSION_ERROR(parse_session("[1]"), "session: expected a JSON object, got an array of 1 item");
  EXPECT_SESSION_ERROR(parse_session("3"), "session: expected a JSON object, got number 3");
  EXPECT_SESSION_ERROR(parse_session("null"), "session: expected a JSON object, got null");
}

TEST(SessionError, NumberTooLargeForADouble) {
  // nlohmann rejects 1e999 while parsing (json::out_of_range 406, without the field's path);
  // it must still come out as a SessionError (CLI exit 2, no "internal error" on the page).
  std::string text = lecture_json();
  const auto at = text.find("[[1]]");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 5, "[[1e999]]");
  EXPECT_SESSION_ERROR(parse_session(text),
                       "session: number overflow parsing '1e999' (expected a finite number)");
  text = lecture_json();
  text.replace(text.find("0.8"), 3, "-1e400");
  EXPECT_SESSION_ERROR(parse_session(text),
                       "session: number overflow parsing '-1e400' (expected a finite number)");
}

TEST(SessionError, UnknownFields) {
  json j = lecture();
  j["foo"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "foo: unknown field (expected one of inputs, layers, loss, "
                                 "optimizer, seed, steps, targets)");
  j = lecture();
  j["optimizer"] = {{"name", "sgd"}, {"lerning_rate", 0.1}};
  EXPECT_SESSION_ERROR(parse(j), "optimizer.lerning_rate: unknown field (expected one of "
                                 "batch_size, learning_rate, name, shuffle_seed)");
  j = lecture();
  j["layers"][1]["unit"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "layers[1].unit: unknown field (expected one of activation, "
                                 "alpha, biases, units, weights)");
}

TEST(SessionError, MissingRequiredFields) {
  for (const char* field : {"inputs", "targets", "layers"}) {
    json j = lecture();
    j.erase(field);
    EXPECT_SESSION_ERROR(parse(j), std::string(field) + ": required field is missing");
  }
  for (const char* field : {"units", "activation"}) {
    json j = lecture();
    j["layers"][1].erase(field);
    EXPECT_SESSION_ERROR(parse(j), "layers[1]." + std::string(field) + ": required field is missing");
  }
}

TEST(SessionError, Inputs) {
  const auto with_inputs = [](json inputs) {
    json j = lecture();
    j["inputs"] = std::move(inputs);
    return parse(j);
  };
  EXPECT_SESSION_ERROR(with_inputs(1),
                       "inputs: expected an array of samples (arrays of numbers), got number 1");
  EXPECT_SESSION_ERROR(with_inputs("1"),
                       "inputs: expected an array of samples (arrays of numbers), got string \"1\"");
  EXPECT_SESSION_ERROR(with_inputs(json::object()),
                       "inputs: expected an array of samples (arrays of numbers), got an object");
  EXPECT_SESSION_ERROR(with_inputs(json::array()), "inputs: expected at least 1 sample, got none");
  EXPECT_SESSION_ERROR(with_inputs({1}), "inputs[0]: expected an array of numbers, got number 1");
  EXPECT_SESSION_ERROR(with_inputs({json::array()}), "inputs[0]: expected at least 1 number, got none");
  EXPECT_SESSION_ERROR(with_inputs({{1}, {2, 3}}), "inputs[1]: expected 1 number (like inputs[0]), got 2");
  EXPECT_SESSION_ERROR(with_inputs({{1, 2}, {3}}), "inputs[1]: expected 2 numbers (like inputs[0]), got 1");
  EXPECT_SESSION_ERROR(with_inputs({{"a"}}), "inputs[0][0]: expected a number, got string \"a\"");
  EXPECT_SESSION_ERROR(with_inputs({{true}}), "inputs[0][0]: expected a number, got true");
  EXPECT_SESSION_ERROR(with_inputs({{nullptr}}), "inputs[0][0]: expected a number, got null");
  EXPECT_SESSION_ERROR(with_inputs({{1}, {2}, {json::array({1})}}),
                       "inputs[2][0]: expected a number, got an array of 1 item");
}

TEST(SessionError, InputLimits) {
  json j = lecture();
  j["inputs"] = {std::vector<double>(257, 0.0)};
  EXPECT_SESSION_ERROR(parse(j), "inputs[0]: expected at most 256 numbers, got 257");
  j = lecture();
  j["inputs"] = std::vector<std::vector<double>>(1025, {0.0});
  EXPECT_SESSION_ERROR(parse(j), "inputs: expected at most 1024 samples, got 1025");
}

TEST(SessionError, Targets) {
  json j = lecture();
  j["targets"] = {{1}, {1}};
  EXPECT_SESSION_ERROR(parse(j), "targets: expected 1 sample (one per row of inputs), got 2");
  j = lecture();
  j["inputs"] = {{1}, {2}, {3}};
  EXPECT_SESSION_ERROR(parse(j), "targets: expected 3 samples (one per row of inputs), got 1");
  j = lecture();
  j["targets"] = {{"1"}};
  EXPECT_SESSION_ERROR(parse(j), "targets[0][0]: expected a number, got string \"1\"");
  j = lecture();
  j["targets"] = {{1, 0}};
  EXPECT_SESSION_ERROR(parse(j), "layers[1].units: expected 2 (the number of target columns), got 1");
}

TEST(SessionError, Layers) {
  json j = lecture();
  j["layers"] = json::array();
  EXPECT_SESSION_ERROR(parse(j), "layers: expected at least 1 layer, got none");
  j["layers"] = json::object();
  EXPECT_SESSION_ERROR(parse(j), "layers: expected an array of layers, got an object");
  j["layers"] = {3};
  EXPECT_SESSION_ERROR(parse(j), "layers[0]: expected an object with units and activation, got number 3");
  j["layers"] = json::array();
  for (int i = 0; i < 17; ++i) j["layers"].push_back({{"units", 1}, {"activation", "linear"}});
  EXPECT_SESSION_ERROR(parse(j), "layers: expected at most 16 layers, got 17");
  j["layers"].erase(0);
  EXPECT_NO_THROW(parse(j));  // 16 layers are allowed
}

TEST(SessionError, Units) {
  const auto with_units = [](json units) {
    json j = lecture();
    j["layers"][0]["units"] = std::move(units);
    return parse(j);
  };
  EXPECT_SESSION_ERROR(with_units(0), "layers[0].units: expected a whole number from 1 to 256, got 0");
  EXPECT_SESSION_ERROR(with_units(300), "layers[0].units: expected a whole number from 1 to 256, got 300");
  EXPECT_SESSION_ERROR(with_units(-2), "layers[0].units: expected a whole number from 1 to 256, got -2");
  EXPECT_SESSION_ERROR(with_units(1.5), "layers[0].units: expected a whole number, got 1.5");
  EXPECT_SESSION_ERROR(with_units("2"), "layers[0].units: expected a whole number, got string \"2\"");
  EXPECT_SESSION_ERROR(with_units(nullptr), "layers[0].units: expected a whole number, got null");
}

TEST(SessionError, LongStringsAreCutAtACharacterBoundary) {
  // describe() shortens strings to 40 bytes; cutting inside a UTF-8 sequence would put an
  // invalid byte into the message (shown as U+FFFD on the page).
  json j = lecture();
  j["layers"][0]["units"] = std::string(39, 'a') + "\xC3\xA9" + "bcdef";  // 39 × a, then é
  EXPECT_SESSION_ERROR(parse(j), "layers[0].units: expected a whole number, got string \"" +
                                     std::string(39, 'a') + "…\"");
  j["layers"][0]["units"] = std::string(45, 'a');
  EXPECT_SESSION_ERROR(parse(j), "layers[0].units: expected a whole number, got string \"" +
                                     std::string(40, 'a') + "…\"");
}

TEST(SessionError, ActivationAndAlpha) {
  json j = lecture();
  j["layers"][1]["activation"] = "gelu";
  EXPECT_SESSION_ERROR(parse(j), "layers[1].activation: expected one of sigmoid, tanh, relu, "
                                 "leaky_relu, elu, linear, softplus, swish, softmax, got \"gelu\"");
  j["layers"][1]["activation"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "layers[1].activation: expected a string, got number 1");
  j = lecture();
  j["layers"][0]["alpha"] = 0.2;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].alpha: only leaky_relu and elu take alpha, not sigmoid");
  j["layers"][0]["activation"] = "leaky_relu";
  j["layers"][0]["alpha"] = "0.2";
  EXPECT_SESSION_ERROR(parse(j), "layers[0].alpha: expected a number, got string \"0.2\"");
}

TEST(SessionError, Weights) {
  json j = lecture();
  j["layers"][1]["weights"] = {{0.8}, {0.1}};
  EXPECT_SESSION_ERROR(parse(j), "layers[1].weights: expected 1 row of 1 number, got 2 rows");
  j["layers"][1]["weights"] = json::array();
  EXPECT_SESSION_ERROR(parse(j), "layers[1].weights: expected 1 row of 1 number, got 0 rows");
  j["layers"][1]["weights"] = 0.8;
  EXPECT_SESSION_ERROR(parse(j), "layers[1].weights: expected 1 row of 1 number, got number 0.8");
  j["layers"][1]["weights"] = {0.8};
  EXPECT_SESSION_ERROR(parse(j), "layers[1].weights[0]: expected 1 number (one per input), got number 0.8");
  j["layers"][1]["weights"] = {{0.8, 0.1}};
  EXPECT_SESSION_ERROR(parse(j), "layers[1].weights[0]: expected 1 number (one per input), got 2");
  j["layers"][1]["weights"] = {{"0.8"}};
  EXPECT_SESSION_ERROR(parse(j), "layers[1].weights[0][0]: expected a number, got string \"0.8\"");

  // Plural forms, with 2 units of 3 inputs.
  j = {{"inputs", {{1, 2, 3}}}, {"targets", {{1, 1}}},
       {"layers", {{{"units", 2}, {"activation", "linear"}, {"weights", {{1, 2, 3}}}}}}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights: expected 2 rows of 3 numbers, got 1 row");
  j["layers"][0]["weights"] = {{1, 2, 3}, {4, 5}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights[1]: expected 3 numbers (one per input), got 2");
}

TEST(SessionError, Biases) {
  json j = lecture();
  j["layers"][0]["biases"] = {0, 0};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases: expected 1 number (one per unit), got 2");
  j["layers"][0]["biases"] = 0;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases: expected 1 number (one per unit), got number 0");
  j["layers"][0]["biases"] = {"0"};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases[0]: expected a number, got string \"0\"");
}

TEST(SessionError, Loss) {
  json j = lecture();
  j["loss"] = "mape";
  EXPECT_SESSION_ERROR(parse(j), "loss: expected one of half_sse, mse, mae, msle, bce, "
                                 "cross_entropy, got \"mape\"");
  j["loss"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "loss: expected a string, got number 1");
}

TEST(SessionError, Optimizer) {
  json j = lecture();
  j["optimizer"] = "sgd";
  EXPECT_SESSION_ERROR(parse(j), "optimizer: expected an object like {\"name\": \"sgd\", "
                                 "\"learning_rate\": 0.1}, got string \"sgd\"");
  j["optimizer"] = {{"name", "adamw"}};
  EXPECT_SESSION_ERROR(parse(j), "optimizer.name: expected sgd, adagrad, rmsprop or adam, got \"adamw\"");
  j["optimizer"] = {{"name", 1}};
  EXPECT_SESSION_ERROR(parse(j), "optimizer.name: expected a string, got number 1");
  for (const auto& [eta, message] : std::vector<std::pair<json, std::string>>{
           {0, "expected a number greater than 0, got 0"},
           {-1, "expected a number greater than 0, got -1"},
           {-0.5, "expected a number greater than 0, got -0.5"},
           {"0.1", "expected a number, got string \"0.1\""},
           {nullptr, "expected a number, got null"}}) {
    j["optimizer"] = {{"name", "sgd"}, {"learning_rate", eta}};
    EXPECT_SESSION_ERROR(parse(j), "optimizer.learning_rate: " + message);
  }
}

TEST(SessionError, StepsAndSeed) {
  for (const auto& [steps, message] : std::vector<std::pair<json, std::string>>{
           {-1, "expected a whole number from 0 to 10000, got -1"},
           {10001, "expected a whole number from 0 to 10000, got 10001"},
           {2.5, "expected a whole number, got 2.5"},
           {"5", "expected a whole number, got string \"5\""}}) {
    json j = lecture();
    j["steps"] = steps;
    EXPECT_SESSION_ERROR(parse(j), "steps: " + message);
  }
  for (const auto& [seed, message] : std::vector<std::pair<json, std::string>>{
           {-1, "expected a whole number from 0 to 9007199254740992, got -1"},
           {0.5, "expected a whole number, got 0.5"},
           {1e300, "expected a whole number from 0 to 9007199254740992, got 1e+300"}}) {
    json j = lecture();
    j["seed"] = seed;
    EXPECT_SESSION_ERROR(parse(j), "seed: " + message);
  }
}

/// 1024 samples of 1 feature → 10 linear units: 20 parameters; a recorded step holds
/// 2·20 + 2·10·1024 + 1 = 20521 numbers.
json big_session(int steps) {
  return {{"inputs", std::vector<std::vector<double>>(1024, {0.5})},
          {"targets", std::vector<std::vector<double>>(1024, std::vector<double>(10, 0.0))},
          {"layers", {{{"units", 10}, {"activation", "linear"}}}},
          {"steps", steps}};
}

TEST(SessionError, TooMuchWork) {
  // steps × samples × parameters: 10000 × 1024 × 20 = 2.048e8 > 2e8 (checked first).
  EXPECT_SESSION_ERROR(parse(big_session(10000)),
                       "steps: this session needs 10000 steps × 1024 samples × 20 parameters, "
                       "more than the limit of 2e8; use fewer steps or a smaller network");
}

TEST(SessionError, TooLargeATable) {
  // steps × (2·parameters + 2·units·samples + 1) ≤ 5e6: 243 × 20521 = 4 986 603 is allowed.
  EXPECT_NO_THROW(parse(big_session(243)));
  EXPECT_SESSION_ERROR(parse(big_session(244)),
                       "steps: a table of 244 steps × 20521 numbers is more than the limit of 5e6 "
                       "numbers; use fewer steps or a smaller network");
  // The lecture network (13 numbers a step) may run the full 10000 steps.
  json j = lecture();
  j["steps"] = 10000;
  EXPECT_NO_THROW(parse(j));
}

TEST(SetSteps, SameLimitsAsTheSession) {
  Session s = parse_session(lecture_json());
  nntutor::set_steps(s, 10000);
  EXPECT_EQ(s.steps, 10000);
  nntutor::set_steps(s, 0);
  EXPECT_EQ(s.steps, 0);
  EXPECT_SESSION_ERROR(nntutor::set_steps(s, 10001),
                       "steps: expected a whole number from 0 to 10000, got 10001");
  EXPECT_SESSION_ERROR(nntutor::set_steps(s, -1, "--steps"),
                       "--steps: expected a whole number from 0 to 10000, got -1");

  Session big = parse(big_session(1));
  nntutor::set_steps(big, 243);
  EXPECT_EQ(big.steps, 243);
  EXPECT_SESSION_ERROR(nntutor::set_steps(big, 244, "--steps"),
                       "--steps: a table of 244 steps × 20521 numbers is more than the limit of 5e6 "
                       "numbers; use fewer steps or a smaller network");
  EXPECT_SESSION_ERROR(nntutor::set_steps(big, 10000, "--steps"),
                       "--steps: this session needs 10000 steps × 1024 samples × 20 parameters, "
                       "more than the limit of 2e8; use fewer steps or a smaller network");
}

TEST(SetSteps, LeavesTheSessionUnchangedWhenItThrows) {
  Session big = parse(big_session(3));
  EXPECT_THROW(nntutor::set_steps(big, 244, "--steps"), nntutor::SessionError);
  EXPECT_EQ(big.steps, 3);  // not the rejected 244
}


TEST(PageLimits, TheLectureAndTheLimitsThemselvesFit) {
  EXPECT_NO_THROW(nntutor::check_page_limits(parse(lecture())));
  json j = lecture();
  j.erase("layers");
  j["layers"] = json::array();
  for (int l = 0; l < 7; ++l) j["layers"].push_back({{"units", 32}, {"activation", "relu"}});
  j["layers"].push_back({{"units", 1}, {"activation", "sigmoid"}});
  j["inputs"] = std::vector<std::vector<double>>(256, std::vector<double>(32, 0.5));
  j["targets"] = std::vector<std::vector<double>>(256, {1.0});
  j["steps"] = 1;
  EXPECT_NO_THROW(nntutor::check_page_limits(parse(j)));
  j = lecture();
  j["steps"] = 1000;
  EXPECT_NO_THROW(nntutor::check_page_limits(parse(j)));
}

TEST(PageLimits, EachLimitNamesItsField) {
  json j = lecture();
  j["steps"] = 1001;
  EXPECT_SESSION_ERROR(nntutor::check_page_limits(parse(j)),
                       "steps: the page allows at most 1000 steps, got 1001");
  j = lecture();
  j["layers"][0]["units"] = 33;
  j["layers"][0].erase("weights");
  j["layers"][0].erase("biases");
  j["layers"][1].erase("weights");
  EXPECT_SESSION_ERROR(nntutor::check_page_limits(parse(j)),
                       "layers[0].units: the page allows at most 32 units per layer, got 33");
  j = lecture();
  j["layers"] = json::array();
  for (int l = 0; l < 9; ++l) j["layers"].push_back({{"units", 1}, {"activation", "tanh"}});
  EXPECT_SESSION_ERROR(nntutor::check_page_limits(parse(j)),
                       "layers: the page allows at most 8 layers, got 9");
  j = lecture();
  j["inputs"] = {std::vector<double>(33, 0.0)};
  j["layers"][0].erase("weights");
  EXPECT_SESSION_ERROR(nntutor::check_page_limits(parse(j)),
                       "inputs[0]: the page allows at most 32 input features, got 33");
  j = lecture();
  j["inputs"] = std::vector<std::vector<double>>(257, {0.0});
  j["targets"] = std::vector<std::vector<double>>(257, {0.0});
  EXPECT_SESSION_ERROR(nntutor::check_page_limits(parse(j)),
                       "inputs: the page allows at most 256 samples, got 257");
}

TEST(PageLimits, StatedInLimitsJson) {
  const json j = json::parse(nntutor::limits_json());
  EXPECT_EQ(j["page"], json({{"layers", 8}, {"units", 32}, {"features", 32}, {"samples", 256},
                             {"steps", 1000}}));
  EXPECT_EQ(j["units"], 256);
}

// ---- Optimizers, mini-batches and Keras' losses ----

TEST(SessionOptimizer, EachOptimizerWithKerasDefaults) {
  json j = lecture();
  j["optimizer"] = {{"name", "adam"}};
  Session s = parse(j);
  EXPECT_EQ(s.optimizer.kind, nntutor::keras::OptimizerKind::kAdam);
  EXPECT_EQ(s.optimizer.learning_rate, 0.001);  // Keras' default for adam, rmsprop, adagrad
  EXPECT_EQ(s.optimizer.beta_1, 0.9);
  EXPECT_EQ(s.optimizer.beta_2, 0.999);
  EXPECT_EQ(s.optimizer.epsilon, 1e-7);
  EXPECT_EQ(s.optimizer.batch_size, 0);  // every sample
  j["optimizer"] = {{"name", "rmsprop"}, {"learning_rate", 0.02}, {"rho", 0.5}, {"epsilon", 1e-6}};
  s = parse(j);
  EXPECT_EQ(s.optimizer.learning_rate, 0.02);
  EXPECT_EQ(s.optimizer.rho, 0.5);
  EXPECT_EQ(s.optimizer.epsilon, 1e-6);
  j["optimizer"] = {{"name", "adagrad"}, {"initial_accumulator_value", 0}};
  EXPECT_EQ(parse(j).optimizer.initial_accumulator_value, 0.0);
  j["optimizer"] = {{"name", "sgd"}, {"batch_size", 1}, {"shuffle_seed", 9}};
  s = parse(j);
  EXPECT_EQ(s.optimizer.learning_rate, 0.1);  // sgd keeps the lecture's η
  EXPECT_EQ(s.optimizer.batch_size, 1);
  EXPECT_EQ(s.optimizer.shuffle_seed, 9u);
  EXPECT_FALSE(s.optimizer.mini_batch(1));  // one sample: a batch of 1 is every sample
}

TEST(SessionOptimizer, ToJsonWritesThatOptimizersHyperparametersAndRoundTrips) {
  json j = lecture();
  j["inputs"] = {{1}, {0.5}, {-1}};
  j["targets"] = {{1}, {0}, {0.5}};
  for (const json& opt : {json{{"name", "adam"}, {"learning_rate", 0.05}, {"batch_size", 2}},
                          json{{"name", "rmsprop"}}, json{{"name", "adagrad"}, {"epsilon", 1e-5}},
                          json{{"name", "sgd"}, {"learning_rate", 0.3}, {"batch_size", 2}, {"shuffle_seed", 7}}}) {
    SCOPED_TRACE(opt.dump());
    j["optimizer"] = opt;
    const Session s = parse(j);
    const std::string text = nntutor::session_to_json(s);
    const json written = json::parse(text)["optimizer"];
    EXPECT_EQ(nntutor::session_to_json(parse_session(text)), text);
    EXPECT_EQ(written["name"], opt["name"]);
    const auto& o = parse_session(text).optimizer;
    EXPECT_EQ(o.kind, s.optimizer.kind);
    EXPECT_EQ(bits(o.learning_rate), bits(s.optimizer.learning_rate));
    EXPECT_EQ(o.batch_size, s.optimizer.batch_size);
    EXPECT_EQ(o.shuffle_seed, s.optimizer.shuffle_seed);
  }
  j["optimizer"] = {{"name", "adam"}, {"learning_rate", 0.05}, {"batch_size", 2}};
  EXPECT_EQ(json::parse(nntutor::session_to_json(parse(j)))["optimizer"],
            json::parse(R"({"name": "adam", "learning_rate": 0.05, "beta_1": 0.9, "beta_2": 0.999,
                            "epsilon": 1e-7, "batch_size": 2, "shuffle_seed": 1})"));
  j["optimizer"] = {{"name", "sgd"}};
  EXPECT_EQ(json::parse(nntutor::session_to_json(parse(j)))["optimizer"],
            json::parse(R"({"name": "sgd", "learning_rate": 0.1})"));  // as before: unchanged
}

TEST(SessionOptimizer, SoftmaxAndCrossEntropyGoTogether) {
  json j = lecture();
  j["targets"] = {{0, 1}};
  j["layers"][1] = {{"units", 2}, {"activation", "softmax"}};
  j["loss"] = "cross_entropy";
  EXPECT_EQ(parse(j).network.layers[1].f.name, "softmax");
}

TEST(SessionError, OptimizerHyperparameters) {
  json j = lecture();
  const auto with = [&](json opt) {
    j["optimizer"] = std::move(opt);
    return parse(j);
  };
  EXPECT_SESSION_ERROR(with({{"name", "sgd"}, {"beta_1", 0.9}}), "optimizer.beta_1: only adam takes beta_1, not sgd");
  EXPECT_SESSION_ERROR(with({{"name", "adam"}, {"rho", 0.9}}), "optimizer.rho: only rmsprop takes rho, not adam");
  EXPECT_SESSION_ERROR(with({{"epsilon", 1e-7}}),
                       "optimizer.epsilon: only adagrad, rmsprop and adam take epsilon, not sgd");
  EXPECT_SESSION_ERROR(with({{"name", "rmsprop"}, {"initial_accumulator_value", 1}}),
                       "optimizer.initial_accumulator_value: only adagrad takes initial_accumulator_value, not rmsprop");
  EXPECT_SESSION_ERROR(with({{"name", "adam"}, {"momentum", 0.9}}),
                       "optimizer.momentum: unknown field (expected one of batch_size, beta_1, beta_2, "
                       "epsilon, learning_rate, name, shuffle_seed)");
  EXPECT_SESSION_ERROR(with({{"name", "adam"}, {"beta_1", 1}}),
                       "optimizer.beta_1: expected a number from 0 up to (not including) 1, got 1");
  EXPECT_SESSION_ERROR(with({{"name", "adam"}, {"beta_2", -0.1}}),
                       "optimizer.beta_2: expected a number from 0 up to (not including) 1, got -0.1");
  EXPECT_SESSION_ERROR(with({{"name", "adam"}, {"epsilon", 0}}),
                       "optimizer.epsilon: expected a number greater than 0, got 0");
  EXPECT_SESSION_ERROR(with({{"name", "rmsprop"}, {"rho", 1.5}}),
                       "optimizer.rho: expected a number from 0 to 1, got 1.5");
  EXPECT_SESSION_ERROR(with({{"name", "adagrad"}, {"initial_accumulator_value", -1}}),
                       "optimizer.initial_accumulator_value: expected a number of at least 0, got -1");
  EXPECT_SESSION_ERROR(with({{"name", "adam"}, {"beta_1", "0.9"}}),
                       "optimizer.beta_1: expected a number, got string \"0.9\"");
  EXPECT_SESSION_ERROR(with({{"name", "adam"}, {"learning_rate", 0}}),
                       "optimizer.learning_rate: expected a number greater than 0, got 0");
  EXPECT_SESSION_ERROR(with({{"name", "sgd"}, {"batch_size", 0}}),
                       "optimizer.batch_size: expected a whole number from 1 to 1024, got 0");
  EXPECT_SESSION_ERROR(with({{"name", "sgd"}, {"batch_size", 2.5}}),
                       "optimizer.batch_size: expected a whole number, got 2.5");
  EXPECT_SESSION_ERROR(with({{"name", "sgd"}, {"shuffle_seed", -1}}),
                       "optimizer.shuffle_seed: expected a whole number from 0 to 9007199254740992, got -1");
}

TEST(SessionError, SoftmaxCrossEntropyAndProbabilityTargets) {
  json j = lecture();
  j["layers"][0]["activation"] = "softmax";
  EXPECT_SESSION_ERROR(parse(j), "layers[0].activation: softmax is allowed only in the last layer "
                                 "(with the loss cross_entropy)");
  j = lecture();
  j["layers"][1]["activation"] = "softmax";
  EXPECT_SESSION_ERROR(parse(j), "layers[1].activation: softmax goes with the loss cross_entropy "
                                 "(then ∂L/∂z = ŷ − y), not half_sse");
  j = lecture();
  j["loss"] = "cross_entropy";
  EXPECT_SESSION_ERROR(parse(j), "loss: cross_entropy needs softmax in the last layer "
                                 "(layers[1].activation is sigmoid)");
  j["layers"][1] = {{"units", 2}, {"activation", "softmax"}};
  j["targets"] = {{0.5, 0.4}};
  EXPECT_SESSION_ERROR(parse(j), "targets[0]: cross_entropy expects the targets of a sample to add up "
                                 "to 1 (one class, or probabilities), got 0.9");
  j["targets"] = {{1.5, -0.5}};
  EXPECT_SESSION_ERROR(parse(j), "targets[0][0]: cross_entropy expects targets from 0 to 1 "
                                 "(probabilities), got 1.5");
  j = lecture();
  j["loss"] = "bce";
  j["targets"] = {{2}};
  EXPECT_SESSION_ERROR(parse(j), "targets[0][0]: bce expects targets from 0 to 1 (probabilities), got 2");
  j["targets"] = {{-0.25}};
  EXPECT_SESSION_ERROR(parse(j), "targets[0][0]: bce expects targets from 0 to 1 (probabilities), got -0.25");
}

}  // namespace
