// The activation explorer's curve (math/activation_curve.cpp) against the formulas written out
// by hand, and the initialisers it offers (math/init.cpp: He uniform and He normal).
#include "nntutor/activation_curve.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "nntutor/init.hpp"

namespace {

using nntutor::activation_by_name;
using nntutor::activation_curve;
using nntutor::activation_point;

nntutor::Activation with_alpha(const std::string& name, double alpha) {
  auto f = activation_by_name(name);
  f.alpha = alpha;
  return f;
}

TEST(ActivationCurve, ValuesMatchTheFormulasByHand) {
  const auto check = [](const nntutor::Activation& f, auto y_of, auto dy_of) {
    const auto c = activation_curve(f, -5, 5, 101);
    ASSERT_EQ(c.z.size(), 101u);
    EXPECT_EQ(c.z.front(), -5);
    EXPECT_EQ(c.z.back(), 5);
    for (std::size_t i = 0; i < c.z.size(); ++i) {
      const double z = c.z[i];
      EXPECT_NEAR(c.y[i], y_of(z), 1e-12) << f.name << " at z = " << z;
      EXPECT_NEAR(c.dy[i], dy_of(z), 1e-12) << f.name << "' at z = " << z;
    }
  };
  check(activation_by_name("sigmoid"), [](double z) { return 1 / (1 + std::exp(-z)); },
        [](double z) { return std::exp(-z) / std::pow(1 + std::exp(-z), 2); });
  check(activation_by_name("tanh"),
        [](double z) { return (std::exp(z) - std::exp(-z)) / (std::exp(z) + std::exp(-z)); },
        [](double z) { return 4 / std::pow(std::exp(z) + std::exp(-z), 2); });  // sech²
  check(activation_by_name("relu"), [](double z) { return z > 0 ? z : 0; },
        [](double z) { return z > 0 ? 1.0 : 0.0; });
  check(with_alpha("leaky_relu", 0.3), [](double z) { return std::max(0.3 * z, z); },
        [](double z) { return z > 0 ? 1.0 : 0.3; });
  check(with_alpha("elu", 2), [](double z) { return z >= 0 ? z : 2 * (std::exp(z) - 1); },
        [](double z) { return z >= 0 ? 1 : 2 * std::exp(z); });
  check(activation_by_name("linear"), [](double z) { return z; }, [](double) { return 1.0; });
  check(activation_by_name("softplus"), [](double z) { return std::log(1 + std::exp(z)); },
        [](double z) { return 1 / (1 + std::exp(-z)); });
  check(activation_by_name("swish"), [](double z) { return z / (1 + std::exp(-z)); },
        [](double z) {  // d/dz z/(1 + e^−z), the quotient rule
          const double e = std::exp(-z);
          return (1 + e + z * e) / std::pow(1 + e, 2);
        });
  // softmax of (z, 0): its first output e^z/(e^z + 1) and ∂y₁/∂z₁ = y₁(1 − y₁).
  check(activation_by_name("softmax"), [](double z) { return std::exp(z) / (std::exp(z) + 1); },
        [](double z) { return std::exp(z) / std::pow(std::exp(z) + 1, 2); });
}

TEST(ActivationCurve, SigmoidSaturatesBeyondAbout4point6) {
  const auto c = activation_curve(activation_by_name("sigmoid"), -10, 10, 201);
  // σ(1 − σ) = 0.01 at σ = (1 − √0.96)/2, z = ln(σ/(1 − σ)) = −4.5848…
  const double s = (1 - std::sqrt(0.96)) / 2, edge = std::log(s / (1 - s));
  EXPECT_NEAR(edge, -4.5848, 1e-4);
  ASSERT_EQ(c.saturated.size(), 2u);
  EXPECT_EQ(c.saturated[0].from, -10);
  EXPECT_TRUE(c.saturated[0].from_edge);
  EXPECT_FALSE(c.saturated[0].to_edge);
  EXPECT_NEAR(c.saturated[0].to, edge, 1e-9);
  EXPECT_NEAR(c.saturated[1].from, -edge, 1e-9);
  EXPECT_TRUE(c.saturated[1].to_edge);
  EXPECT_FALSE(c.zero_centred);
  EXPECT_FALSE(c.negative_outputs);
  EXPECT_EQ(c.y_at_zero, 0.5);
}

TEST(ActivationCurve, SaturationOfReluLeakyAndElu) {
  const auto relu = activation_curve(activation_by_name("relu"), -3, 3, 61);
  ASSERT_EQ(relu.saturated.size(), 1u);  // f′ = 0 for z ≤ 0
  EXPECT_TRUE(relu.saturated[0].from_edge);
  EXPECT_NEAR(relu.saturated[0].to, 0, 1e-12);
  EXPECT_TRUE(activation_curve(with_alpha("leaky_relu", 0.1), -3, 3, 61).saturated.empty());
  EXPECT_EQ(activation_curve(with_alpha("leaky_relu", 0.005), -3, 3, 61).saturated.size(), 1u);
  // ELU: αe^z < 0.01 for z < ln(0.01/α).
  const auto elu = activation_curve(with_alpha("elu", 2), -8, 8, 81);
  ASSERT_EQ(elu.saturated.size(), 1u);
  EXPECT_NEAR(elu.saturated[0].to, std::log(0.01 / 2), 1e-9);
  EXPECT_TRUE(activation_curve(activation_by_name("linear"), -8, 8, 81).saturated.empty());
}

TEST(ActivationCurve, ZeroCentredOnlyWhereFIsOdd) {
  const auto centred = [](const nntutor::Activation& f) { return activation_curve(f, -4, 4, 81).zero_centred; };
  EXPECT_TRUE(centred(activation_by_name("tanh")));
  EXPECT_TRUE(centred(activation_by_name("linear")));
  EXPECT_TRUE(centred(with_alpha("leaky_relu", 1)));  // then it is the identity
  EXPECT_FALSE(centred(activation_by_name("sigmoid")));
  EXPECT_FALSE(centred(activation_by_name("relu")));
  EXPECT_FALSE(centred(activation_by_name("elu")));
  EXPECT_FALSE(centred(activation_by_name("swish")));
  EXPECT_TRUE(activation_curve(activation_by_name("elu"), -4, 4, 81).negative_outputs);
  EXPECT_FALSE(activation_curve(activation_by_name("softplus"), -4, 4, 81).negative_outputs);
}

TEST(ActivationCurve, SoftmaxPointIsTheSigmoidOfTheDifference) {
  const auto p = activation_point(activation_by_name("softmax"), 0.5);
  const double s = nntutor::sigmoid(0.5);
  EXPECT_NEAR(p.y, s, 1e-15);
  EXPECT_NEAR(p.dy, s * (1 - s), 1e-15);
}

TEST(Init, HeUniformStaysWithinItsLimitAndRepeats) {
  Eigen::MatrixXd W(8, 6), again(8, 6);
  nntutor::Uniform a(3), b(3);
  nntutor::he_uniform(W, a);
  nntutor::he_uniform(again, b);
  EXPECT_EQ(W, again);
  const double limit = std::sqrt(6.0 / 6);
  EXPECT_LE(W.cwiseAbs().maxCoeff(), limit);
  EXPECT_GT(W.cwiseAbs().maxCoeff(), 0.5 * limit);
  // The first draw by hand: (2u − 1)·limit with u the first uniform01 of seed 3.
  nntutor::Uniform c(3);
  EXPECT_EQ(W(0, 0), (2 * c() - 1) * limit);
}

TEST(Init, HeNormalIsTruncatedAtTwoSigmaWithSpreadSqrtTwoOverFanIn) {
  Eigen::MatrixXd W(400, 50);
  nntutor::Uniform draw(11);
  nntutor::he_normal(W, draw);
  const double sd = std::sqrt(2.0 / 50) / 0.87962566103423978;
  EXPECT_LE(W.cwiseAbs().maxCoeff(), 2 * sd);
  const double mean = W.mean();
  const double spread = std::sqrt((W.array() - mean).square().mean());
  EXPECT_NEAR(mean, 0, 0.005);
  EXPECT_NEAR(spread, std::sqrt(2.0 / 50), 0.005);  // 20000 draws: ±1 %
}

TEST(Init, RowsAndConstant) {
  ASSERT_NE(nntutor::find_initializer("he_normal"), nullptr);
  EXPECT_EQ(nntutor::find_initializer("xavier"), nullptr);
  Eigen::MatrixXd W(2, 3);
  nntutor::Uniform draw(1);
  nntutor::initialize(nntutor::InitKind::kConstant, W, 0.7, draw);
  EXPECT_EQ(W, Eigen::MatrixXd::Constant(2, 3, 0.7));
  nntutor::initialize(nntutor::InitKind::kUniform, W, 0.2, draw);
  EXPECT_LE(W.cwiseAbs().maxCoeff(), 0.2);
}

}  // namespace

// Maxout of one input x (math layer): y = max_p (w_p x + b_p), dy/dx = w of the winner, against
// hand values, central differences away from the kinks, and the tie rule of maxout_winner().
TEST(MaxoutCurve, ValuesSlopesWinnersAndTies) {
  const std::vector<nntutor::MaxoutPiece> pieces = {{1, 0}, {-0.5, 0.5}, {0.25, 1}};
  const nntutor::MaxoutCurve c = nntutor::maxout_curve(pieces, -4, 4, 17);
  for (int i = 0; i < 17; ++i) {
    const double x = c.z[i];
    const double z[] = {x, -0.5 * x + 0.5, 0.25 * x + 1};
    int best = 0;
    for (int p = 1; p < 3; ++p)
      if (z[p] > z[best]) best = p;
    EXPECT_DOUBLE_EQ(c.y[i], z[best]) << x;
    EXPECT_DOUBLE_EQ(c.dy[i], pieces[best].w) << x;
    EXPECT_EQ(c.winner[i], best) << x;
    for (int p = 0; p < 3; ++p) EXPECT_DOUBLE_EQ(c.lines[p][i], z[p]);
  }
  // Central differences where no kink is within h (kinks at x = −2/3 and 4/3).
  for (double x : {-3.1, 0.2, 2.7}) {
    const double h = 1e-6;
    const double fd = (nntutor::maxout_point(pieces, x + h).y - nntutor::maxout_point(pieces, x - h).y) / (2 * h);
    EXPECT_NEAR(nntutor::maxout_point(pieces, x).dy, fd, 1e-8) << x;
  }
  // x = 4/3 in binary is not the kink; x = 2 with pieces (1, 0) and (0, 2) ties: the first wins.
  const nntutor::MaxoutPoint tie = nntutor::maxout_point({{1, 0}, {0, 2}}, 2);
  EXPECT_EQ(tie.winner, 0);
  EXPECT_DOUBLE_EQ(tie.y, 2);
  EXPECT_DOUBLE_EQ(tie.dy, 1);
  const nntutor::MaxoutPoint tie2 = nntutor::maxout_point({{0, 2}, {1, 0}}, 2);
  EXPECT_EQ(tie2.winner, 0);
  EXPECT_DOUBLE_EQ(tie2.dy, 0);
  // Saturated where a flat piece (|w| < 0.01) wins: x < 2 for max(2, x).
  const nntutor::MaxoutCurve flat = nntutor::maxout_curve({{0.005, 2}, {1, 0}}, -4, 4, 81);
  ASSERT_EQ(flat.saturated.size(), 1u);
  EXPECT_TRUE(flat.saturated[0].from_edge);
  EXPECT_NEAR(flat.saturated[0].to, 2 / 0.995, 1e-9);
}
