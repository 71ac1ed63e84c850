// The activation explorer's deep chain and JSON (tutor/explorer.cpp): ∂L/∂W per layer at step 1
// against a chain worked by hand, the lecture's formulas, finite differences, sigmoid's
// vanishing and the linear chain's explosion; bad input; the CLI `nntutor gradients`.
#include "nntutor/explorer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "nntutor/session.hpp"
#include "test_helpers.hpp"

namespace {

using nlohmann::json;
using nntutor::chain_session;
using nntutor::ChainSpec;
using nntutor::GradientStatus;
using nntutor::parse_chain;
using nntutor::step_gradients;

ChainSpec chain(int depth, int width, const std::string& activation, nntutor::InitKind init, double scale,
                double x = 1, double y = 0) {
  ChainSpec s;
  s.depth = depth;
  s.width = width;
  s.activation = activation;
  s.init = init;
  s.scale = scale;
  s.x = x;
  s.y = y;
  return s;
}

double sig(double z) { return 1 / (1 + std::exp(-z)); }

TEST(Explorer, ChainOfThreeSigmoidsMatchesTheChainRuleByHand) {
  const double w = 0.5, x = 1, y = 0;
  const auto r = step_gradients(chain_session(chain(2, 1, "sigmoid", nntutor::InitKind::kConstant, w, x, y)));
  // z1 = w·x, y1 = σ(z1), z2 = w·y1, y2 = σ(z2), z3 = w·y2, y3 = σ(z3), L = ½(y3 − y)².
  const double y1 = sig(w * x), y2 = sig(w * y1), y3 = sig(w * y2);
  const double d3 = (y3 - y) * (1 - y3) * y3;
  const double d2 = d3 * w * (1 - y2) * y2;
  const double d1 = d2 * w * (1 - y1) * y1;
  ASSERT_EQ(r.layers.size(), 3u);
  EXPECT_NEAR(r.loss, 0.5 * (y3 - y) * (y3 - y), 1e-15);
  EXPECT_NEAR(r.layers[0].frobenius, std::fabs(d1 * x), 1e-15);
  EXPECT_NEAR(r.layers[1].frobenius, std::fabs(d2 * y1), 1e-15);
  EXPECT_NEAR(r.layers[2].frobenius, std::fabs(d3 * y2), 1e-15);
  for (const auto& g : r.layers) {
    EXPECT_EQ(g.status, GradientStatus::kFinite);
    EXPECT_EQ(g.mean_abs, g.frobenius);  // one weight per layer
  }
}

TEST(Explorer, LectureSessionGivesTheLecturesTwoGradients) {
  const auto r = step_gradients(nntutor::parse_session(nntutor_test::lecture_json()));
  const double y1 = sig(0.5), y2 = sig(0.8 * y1);
  ASSERT_EQ(r.layers.size(), 2u);
  // ∂L/∂w2 = (y2 − y)(1 − y2)y2·y1, ∂L/∂w1 = (y2 − y)(1 − y2)y2·w2·(1 − y1)y1·x
  EXPECT_NEAR(r.layers[1].frobenius, std::fabs((y2 - 1) * (1 - y2) * y2 * y1), 1e-15);
  EXPECT_NEAR(r.layers[0].frobenius, std::fabs((y2 - 1) * (1 - y2) * y2 * 0.8 * (1 - y1) * y1), 1e-15);
  EXPECT_NEAR(r.layers[0].frobenius, 0.0167, 5e-5);  // the lecture's table, row 1
  EXPECT_NEAR(r.layers[1].frobenius, 0.0553, 5e-5);
}

TEST(Explorer, NormsMatchTheTableTraceAndFiniteDifferences) {
  ChainSpec spec = chain(3, 3, "tanh", nntutor::InitKind::kGlorotUniform, 1, 0.7, -0.4);  // s unused
  spec.seed = 7;
  const nntutor::Session s = chain_session(spec);
  const auto r = step_gradients(s);
  const nntutor::Trace trace = nntutor::run(s);  // the table's trace
  ASSERT_EQ(trace.steps.size(), 1u);
  const auto loss_at = [&](nntutor::Network net) {
    nntutor::Pass p;
    nntutor::forward(net, s.batch, s.loss, p);
    return p.loss;
  };
  for (std::size_t l = 0; l < s.network.layers.size(); ++l) {
    const Eigen::MatrixXd& dW = trace.steps[0].layers[l].dW;
    EXPECT_EQ(r.layers[l].frobenius, dW.norm());
    EXPECT_DOUBLE_EQ(r.layers[l].mean_abs, dW.cwiseAbs().mean());
    Eigen::MatrixXd fd(dW.rows(), dW.cols());
    const double h = 1e-6;
    for (Eigen::Index j = 0; j < dW.rows(); ++j)
      for (Eigen::Index i = 0; i < dW.cols(); ++i) {
        nntutor::Network up = s.network, down = s.network;
        up.layers[l].W(j, i) += h;
        down.layers[l].W(j, i) -= h;
        fd(j, i) = (loss_at(up) - loss_at(down)) / (2 * h);
      }
    EXPECT_NEAR(r.layers[l].frobenius, fd.norm(), 1e-8 * std::max(1.0, fd.norm())) << "layer " << l + 1;
  }
}

TEST(Explorer, SigmoidGradientVanishesLayerByLayer) {
  const auto r = step_gradients(chain_session(chain(10, 1, "sigmoid", nntutor::InitKind::kConstant, 0.5)));
  ASSERT_EQ(r.layers.size(), 11u);
  for (std::size_t l = 0; l + 1 < r.layers.size(); ++l)
    EXPECT_LT(r.layers[l].frobenius, r.layers[l + 1].frobenius) << "layer " << l + 1;
  // Each layer back multiplies by w·σ′ ≤ 0.5·0.25: over 10 layers ≤ 0.125¹⁰ (times y ratios).
  EXPECT_LT(r.layers.front().frobenius / r.layers.back().frobenius, 1e-7);
  // ReLU with w = 1 passes it on: x = 1 > 0 keeps every unit active, every ∂L/∂w = (1 − 0)·1.
  const auto relu = step_gradients(chain_session(chain(10, 1, "relu", nntutor::InitKind::kConstant, 1)));
  for (const auto& g : relu.layers) EXPECT_EQ(g.frobenius, 1);
  // ŷ = 1 = y: nothing to learn, and the 0 says why.
  const auto done = step_gradients(chain_session(chain(3, 1, "relu", nntutor::InitKind::kConstant, 1, 1, 1)));
  EXPECT_EQ(nntutor::gradient_text(0, done.layers.front()), "0 (ŷ equals the target: ∂L/∂ŷ = 0)");
}

TEST(Explorer, LinearChainWithWeightsAboveOneExplodes) {
  // L layers of w = 2, x = 1, y = 1: ŷ = 2^L, every ∂L/∂w_l = (ŷ − y)·2^(L−1)·x (the other weights).
  double previous = 0;
  for (int depth : {5, 10, 20}) {
    const auto r = step_gradients(chain_session(chain(depth, 1, "linear", nntutor::InitKind::kConstant, 2, 1, 1)));
    const int L = depth + 1;
    const double expected = (std::ldexp(1, L) - 1) * std::ldexp(1, L - 1);
    for (const auto& g : r.layers) EXPECT_EQ(g.frobenius, expected);
    EXPECT_GT(r.layers.front().frobenius, previous * 1000);
    previous = r.layers.front().frobenius;
  }
}

TEST(Explorer, OverflowUnderflowAndDeadUnitsAreNamed) {
  const auto big = step_gradients(chain_session(chain(50, 32, "linear", nntutor::InitKind::kConstant, 100)));
  ASSERT_TRUE(big.diverged.has_value());
  EXPECT_EQ(big.layers.front().status, GradientStatus::kInfinite);
  EXPECT_EQ(nntutor::gradient_text(big.layers.front().frobenius, big.layers.front()), "inf (overflow)");
  // w = 1e-7: each sigmoid layer back multiplies by about 2.5e-8; 50 of them underflow.
  const auto tiny = step_gradients(chain_session(chain(50, 1, "sigmoid", nntutor::InitKind::kConstant, 1e-7)));
  EXPECT_FALSE(tiny.diverged.has_value());
  EXPECT_EQ(tiny.layers.front().status, GradientStatus::kZero);
  EXPECT_EQ(nntutor::gradient_text(0, tiny.layers.front()), "0 (underflow)");
  EXPECT_EQ(tiny.layers.back().status, GradientStatus::kFinite);
  // x = −1 into ReLU with w = 1: z1 = −1, every unit of layer 1 is dead, and so is all above.
  const auto dead = step_gradients(chain_session(chain(3, 2, "relu", nntutor::InitKind::kConstant, 1, -1)));
  EXPECT_EQ(dead.layers.front().status, GradientStatus::kZero);
  EXPECT_EQ(nntutor::gradient_text(0, dead.layers.front()), "0 (f′ = 0 at every unit of layer 1)");
  const json j = json::parse(nntutor::gradients_json(dead));
  EXPECT_TRUE(j["layers"][0]["frobenius"].is_null());
  EXPECT_TRUE(j["layers"][0]["log10_frobenius"].is_null());
  EXPECT_EQ(j["layers"][0]["status"], "zero");
}

TEST(Explorer, BadChainsAreRefusedNamingTheField) {
  EXPECT_SESSION_ERROR(parse_chain(R"({"depth": 60})"), "depth: expected a whole number from 2 to 50, got 60");
  EXPECT_SESSION_ERROR(parse_chain(R"({"depth": 1})"), "depth: expected a whole number from 2 to 50, got 1");
  EXPECT_SESSION_ERROR(parse_chain(R"({"width": 0})", "--"), "--width: expected a whole number from 1 to 32, got 0");
  EXPECT_SESSION_ERROR(parse_chain(R"({"activation": "foo"})"),
                       "activation: expected one of sigmoid, tanh, relu, leaky_relu, elu, linear, softplus, swish, softmax, got \"foo\"");
  EXPECT_SESSION_ERROR(parse_chain(R"({"activation": "softmax"})"),
                       "activation: softmax is a function of a whole layer, for a last layer only; the chain takes "
                       "sigmoid, tanh, relu, leaky_relu, elu, linear, softplus, swish");
  EXPECT_SESSION_ERROR(parse_chain(R"({"init": "xavier"})"),
                       "init: expected one of constant, uniform, glorot_uniform, he_uniform, he_normal, got \"xavier\"");
  EXPECT_SESSION_ERROR(parse_chain(R"({"scale": "abc"})"), "scale: expected a number, got string \"abc\"");
  EXPECT_SESSION_ERROR(parse_chain(R"({"scale": 0})"), "scale: expected a number greater than 0 and at most 100, got 0");
  EXPECT_SESSION_ERROR(parse_chain(R"({"init": "he_uniform", "scale": 2})"),
                       "scale: only constant and uniform read a scale, not he_uniform");
  EXPECT_SESSION_ERROR(parse_chain(R"({"seed": 4})", "--"),
                       "--seed: constant draws nothing, so it takes no seed (uniform, glorot_uniform, he_uniform and he_normal do)");
  EXPECT_SESSION_ERROR(parse_chain(R"({"alpha": 0.2})"), "alpha: only leaky_relu and elu take alpha, not sigmoid");
  EXPECT_SESSION_ERROR(parse_chain(R"({"dept": 3})"),
                       "dept: unknown field (expected one of depth, width, activation, alpha, init, scale, seed, x, y)");
  EXPECT_SESSION_ERROR(parse_chain("[1]"), "chain: expected a JSON object, got an array of 1 item");
}

TEST(Explorer, ChainJsonComparesWithSigmoidAndRelu) {
  const json j = json::parse(nntutor::chain_gradients_json(R"({"depth": 4, "activation": "tanh"})"));
  EXPECT_EQ(j["chain"]["depth"], 4);
  EXPECT_EQ(j["layers"].size(), 5u);
  ASSERT_EQ(j["comparison"].size(), 2u);
  EXPECT_EQ(j["comparison"][0]["activation"], "sigmoid");
  EXPECT_EQ(j["comparison"][1]["activation"], "relu");
  const auto sigmoid = step_gradients(chain_session(chain(4, 1, "sigmoid", nntutor::InitKind::kConstant, 1)));
  EXPECT_EQ(j["comparison"][0]["layers"][0]["frobenius"].get<double>(), sigmoid.layers[0].frobenius);
  EXPECT_EQ(json::parse(nntutor::chain_gradients_json(R"({"activation": "relu"})"))["comparison"].size(), 1u);
  const std::string text = j["explanation"];
  EXPECT_NE(text.find("With tanh"), std::string::npos);
  EXPECT_NE(j["slip"].get<std::string>().find("you would like it NOT to vanish"), std::string::npos);
  const json v = json::parse(nntutor::chain_gradients_json(R"({"depth": 10, "scale": 0.5})"));
  EXPECT_NE(v["explanation"].get<std::string>().find("vanishes"), std::string::npos);
}

TEST(Explorer, CurveJsonHasThePointInTheLecturesForm) {
  const json j = json::parse(nntutor::activation_curve_json(R"({"activation": "sigmoid", "from": -6, "to": 6, "points": 121, "at": 0.5})"));
  EXPECT_EQ(j["z"].size(), 121u);
  EXPECT_EQ(j["output"]["text"], "(0, 1)");
  EXPECT_EQ(j["zero_centred"], false);
  EXPECT_EQ(j["saturated"].size(), 2u);
  EXPECT_EQ(j["saturation_text"], "saturated (|f′(z)| < 0.01) where z < -4.585 and 4.585 < z");
  EXPECT_EQ(j["point"]["latex_f"], "f(0.5000) = 0.6225");
  EXPECT_EQ(j["point"]["latex_df"], "f'(0.5000) = (1 - 0.6225)\\cdot 0.6225 = 0.2350");
  EXPECT_NEAR(j["point"]["df"].get<double>(), sig(0.5) * (1 - sig(0.5)), 1e-16);
  const json elu = json::parse(nntutor::activation_curve_json(R"({"activation": "elu", "alpha": 2, "at": -1})"));
  EXPECT_EQ(elu["point"]["latex_df"], "f'(-1.0000) = 2.0000\\,e^{-1.0000} = 0.7358");
  EXPECT_EQ(elu["alpha"], 2);
  const json relu = json::parse(nntutor::activation_curve_json(R"({"activation": "relu"})"));
  EXPECT_EQ(relu["output"]["text"], "[0, ∞)");
  EXPECT_TRUE(relu["point"].is_null());
  const json soft = json::parse(nntutor::activation_curve_json(R"({"activation": "softmax", "at": 0})"));
  EXPECT_FALSE(soft["vector_note"].is_null());
  EXPECT_EQ(soft["point"]["latex_df"], "f'(0.0000) = 0.5000\\,(1 - 0.5000) = 0.2500");
  EXPECT_SESSION_ERROR(nntutor::activation_curve_json(R"({"from": 2, "to": 1})"),
                       "to: expected a number greater than from (2), got 1");
  EXPECT_SESSION_ERROR(nntutor::activation_curve_json(R"({"from": -80})"), "from: expected a number from −50 to 50, got -80");
  EXPECT_SESSION_ERROR(nntutor::activation_curve_json(R"({"points": 1})"), "points: expected a whole number from 2 to 2001, got 1");
}

TEST(Explorer, SchemaListsRowsAndLimits) {
  const json j = json::parse(nntutor::explorer_schema_json());
  EXPECT_EQ(j["activations"].size(), nntutor::activations().size());
  EXPECT_EQ(j["activations"].back()["chain"], false);  // softmax: drawn, but not a hidden layer
  EXPECT_EQ(j["activations"].back()["curve"], true);
  for (const auto& a : j["activations"]) EXPECT_EQ(a["curve"], true) << a["name"];  // all of z today
  EXPECT_EQ(j["initializers"].size(), 5u);
  EXPECT_EQ(j["chain"]["depth"]["max"], 50);
  EXPECT_EQ(j["chain"]["width"]["max"], 32);
}

TEST(ExplorerCli, GradientsOfAChainAndOfASession) {
  const auto r = nntutor_test::cli("gradients --depth 4 --activation tanh --format json");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json::parse(nntutor::chain_gradients_json(R"({"depth": 4, "activation": "tanh"})")));
  const auto text = nntutor_test::cli("gradients --depth 10 --scale 0.5");
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("10 sigmoid layers of 1 unit"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("the gradient vanishes"), std::string::npos) << text.out;
  const auto session = nntutor_test::cli("gradients '" + nntutor_test::source_path("examples/lecture.json") + "'");
  EXPECT_EQ(session.status, 0) << session.err;
  // |∂L/∂w1| and |∂L/∂w2| of the lecture's step 1 (LectureSessionGivesTheLecturesTwoGradients).
  EXPECT_NE(session.out.find("1      1×1           1.670968e-02"), std::string::npos) << session.out;
  EXPECT_NE(session.out.find("2      1×1           5.532411e-02"), std::string::npos) << session.out;
  const auto bad = nntutor_test::cli("gradients --depth 60");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "nntutor: --depth: expected a whole number from 2 to 50, got 60\n");
  const auto scale = nntutor_test::cli("gradients --scale abc");
  EXPECT_EQ(scale.err, "nntutor: --scale: expected a number, got string \"abc\"\n");
  const auto both = nntutor_test::cli("gradients x.json --depth 3");
  EXPECT_EQ(both.err, "nntutor: --depth: builds a deep chain, so it goes without a session file\n");
}

}  // namespace

// ---- Maxout drawn for one input x: y = max_p (w_p x + b_p), dy/dx = w of the winner ----

TEST(ExplorerMaxout, CurveMatchesHandFormulasAndTheWinnerGetsTheGradient) {
  // The defaults w = (1, −0.5), b = (0, 0.5): the pieces cross where x = 0.5 − 0.5x, x = 1/3.
  const json j = json::parse(nntutor::activation_curve_json(
      R"({"activation": "maxout", "pieces": [{"w": 1, "b": 0}, {"w": -0.5, "b": 0.5}], "from": -2, "to": 2, "points": 5, "at": 1})"));
  const double xs[] = {-2, -1, 0, 1, 2};
  for (int i = 0; i < 5; ++i) {
    const double x = xs[i], z1 = x, z2 = -0.5 * x + 0.5;
    EXPECT_DOUBLE_EQ(j["z"][i].get<double>(), x);
    EXPECT_DOUBLE_EQ(j["f"][i].get<double>(), std::max(z1, z2));
    EXPECT_DOUBLE_EQ(j["df"][i].get<double>(), z1 >= z2 ? 1.0 : -0.5);
    EXPECT_EQ(j["winner"][i].get<int>(), z1 >= z2 ? 1 : 2);
    EXPECT_DOUBLE_EQ(j["lines"][0][i].get<double>(), z1);
    EXPECT_DOUBLE_EQ(j["lines"][1][i].get<double>(), z2);
  }
  EXPECT_EQ(j["point"]["winner"], 1);
  EXPECT_DOUBLE_EQ(j["point"]["f"].get<double>(), 1);
  EXPECT_DOUBLE_EQ(j["point"]["df"].get<double>(), 1);
  EXPECT_DOUBLE_EQ(j["point"]["z_pieces"][1].get<double>(), 0);
  EXPECT_EQ(j["point"]["gradients_text"],
            "∂y/∂w1 = 1.0000, ∂y/∂b1 = 1; ∂y/∂w2 = 0, ∂y/∂b2 = 0 (the gradient flows to the winning piece only)");
  // Left of the kink piece 2 wins: dy/dx = −0.5, ∂y/∂w2 = x.
  const json left = json::parse(nntutor::activation_curve_json(R"({"activation": "maxout", "at": -1})"));
  EXPECT_EQ(left["point"]["winner"], 2);
  EXPECT_DOUBLE_EQ(left["point"]["df"].get<double>(), -0.5);
  EXPECT_DOUBLE_EQ(left["point"]["f"].get<double>(), 1);
  EXPECT_EQ(left["point"]["gradients_text"],
            "∂y/∂w1 = 0, ∂y/∂b1 = 0; ∂y/∂w2 = -1.0000, ∂y/∂b2 = 1 (the gradient flows to the winning piece only)");
  // Convex with slopes of both signs: bounded below at the kink, y(1/3) = 1/3.
  EXPECT_NE(j["range_text"].get<std::string>().find("output range [0.3333, ∞)"), std::string::npos);
  EXPECT_FALSE(j["zero_centred"]);
  EXPECT_EQ(j["saturated"].size(), 0u);
}

TEST(ExplorerMaxout, TieGoesToTheFirstOfTheLargest) {
  // Identical pieces tie everywhere: piece 1 wins (the Keras model's and maxout_winner's rule).
  const json j = json::parse(nntutor::activation_curve_json(
      R"({"activation": "maxout", "pieces": [{"w": 2, "b": 1}, {"w": 2, "b": 1}, {"w": -1, "b": 0}], "at": 0})"));
  EXPECT_EQ(j["point"]["winner"], 1);
  EXPECT_NE(j["point"]["winner_text"].get<std::string>().find("a tie"), std::string::npos);
  // At the kink of the defaults (x = 1/3 is not exact in binary; x = 1 with w = (1, 0), b = (0, 1)).
  const json kink = json::parse(nntutor::activation_curve_json(
      R"({"activation": "maxout", "pieces": [{"w": 0, "b": 1}, {"w": 1, "b": 0}], "at": 1})"));
  EXPECT_EQ(kink["point"]["winner"], 1);
  EXPECT_DOUBLE_EQ(kink["point"]["df"].get<double>(), 0);
  EXPECT_TRUE(kink["point"]["saturated"]);
}

TEST(ExplorerMaxout, SaturatesWhereAFlatPieceWinsAndIsZeroCentredForOddPieces) {
  const json flat = json::parse(nntutor::activation_curve_json(
      R"({"activation": "maxout", "pieces": [{"w": 0, "b": 1}, {"w": 1, "b": 0}], "from": -4, "to": 4, "points": 81})"));
  ASSERT_EQ(flat["saturated"].size(), 1u);
  EXPECT_TRUE(flat["saturated"][0]["from_edge"]);
  EXPECT_NEAR(flat["saturated"][0]["to"].get<double>(), 1, 1e-9);
  EXPECT_NE(flat["range_text"].get<std::string>().find("[1.0000, ∞)"), std::string::npos);
  // max(x, x) = x: odd, so zero-centred; slopes of one sign: unbounded both ways.
  const json odd = json::parse(nntutor::activation_curve_json(
      R"({"activation": "maxout", "pieces": [{"w": 1, "b": 0}, {"w": 1, "b": 0}]})"));
  EXPECT_TRUE(odd["zero_centred"]);
  EXPECT_NE(odd["range_text"].get<std::string>().find("(−∞, ∞)"), std::string::npos);
}

TEST(ExplorerMaxout, BadRequestsNameTheField) {
  EXPECT_SESSION_ERROR(nntutor::activation_curve_json(
                           R"({"activation": "maxout", "pieces": [{"w": 1, "b": 0}, {"w": "x", "b": 0}]})"),
                       "pieces[1].w: expected a number, got string \"x\"");
  EXPECT_SESSION_ERROR(nntutor::activation_curve_json(R"({"activation": "maxout", "pieces": [{"w": 1, "b": 0}]})"),
                       "pieces: expected 2 to 4 pieces, got 1");
  EXPECT_SESSION_ERROR(nntutor::activation_curve_json(R"({"activation": "maxout", "pieces": [{"w": 1}, {"w": 1, "b": 0}]})"),
                       "pieces[0].b: expected a number, got nothing");
  EXPECT_SESSION_ERROR(nntutor::activation_curve_json(
                           R"({"activation": "maxout", "pieces": [{"w": 1, "b": 0}, {"w": 1, "b": 500}]})"),
                       "pieces[1].b: expected a number from −100 to 100, got 500");
  EXPECT_SESSION_ERROR(nntutor::activation_curve_json(R"({"activation": "maxout", "alpha": 1})"),
                       "alpha: unknown field (expected one of activation, pieces, from, to, points, at)");
}

TEST(ExplorerMaxout, SchemaOffersMaxoutForTheCurveNotTheChain) {
  const json s = json::parse(nntutor::explorer_schema_json());
  const json* row = nullptr;
  for (const auto& a : s["activations"]) EXPECT_NE(a["name"], "maxout");
  ASSERT_EQ(s["piecewise"].size(), 1u);
  for (const auto& a : s["piecewise"])
    if (a["name"] == "maxout") row = &a;
  ASSERT_NE(row, nullptr);
  EXPECT_TRUE((*row)["curve"]);
  EXPECT_FALSE((*row)["chain"]);
  EXPECT_EQ((*row)["pieces"]["min"], 2);
  EXPECT_EQ((*row)["pieces"]["max"], 4);
  EXPECT_EQ((*row)["pieces"]["default"], 2);
  EXPECT_EQ((*row)["pieces"]["defaults"][1], json({{"w", -0.5}, {"b", 0.5}}));
}
