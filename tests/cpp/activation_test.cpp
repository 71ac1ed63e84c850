// Activations: values against closed forms, derivatives against central finite differences.
#include "nntutor/activation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace {

using nntutor::Activation;
using nntutor::activation_by_name;

const std::vector<double> kPoints = {-3.1, -1.2, -0.37, 0.42, 1.5, 2.8};

/// Central finite difference (f(z+h) − f(z−h)) / 2h.
double central_difference(const Activation& f, double z, double h = 1e-6) {
  return (f(z + h) - f(z - h)) / (2 * h);
}

void expect_derivative_matches_finite_difference(const Activation& f) {
  for (double z : kPoints) {
    SCOPED_TRACE(f.name + " at z = " + std::to_string(z));
    EXPECT_NEAR(f.derivative(z, f(z)), central_difference(f, z), 1e-8);
  }
}

TEST(Activation, NamesInTheLecturesOrder) {
  EXPECT_EQ(nntutor::activation_names(),
            (std::vector<std::string>{"sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear",
                                      "softplus", "swish", "softmax"}));
  for (const auto& name : nntutor::activation_names()) EXPECT_EQ(activation_by_name(name).name, name);
}

TEST(Activation, OnlyLeakyReluAndEluTakeAlpha) {
  for (const auto& name : nntutor::activation_names())
    EXPECT_EQ(activation_by_name(name).has_alpha(), name == "leaky_relu" || name == "elu") << name;
}

TEST(Activation, SigmoidValuesAndDerivative) {
  const Activation f = activation_by_name("sigmoid");
  EXPECT_EQ(f(0), 0.5);
  for (double z : kPoints) {
    EXPECT_NEAR(f(z), 1 / (1 + std::exp(-z)), 1e-15) << z;
    EXPECT_NEAR(nntutor::sigmoid(z), 1 / (1 + std::exp(-z)), 1e-15) << z;
    EXPECT_NEAR(f(-z), 1 - f(z), 1e-15) << z;  // σ(−z) = 1 − σ(z)
    EXPECT_NEAR(f.derivative(z, f(z)), f(z) * (1 - f(z)), 1e-15) << z;  // σ' = σ(1 − σ)
  }
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, SigmoidSaturatesWithoutOverflow) {
  const Activation f = activation_by_name("sigmoid");
  for (double z : {800.0, 1e300, -800.0, -1e300}) {
    const double y = f(z);
    EXPECT_TRUE(std::isfinite(y)) << z;
    EXPECT_EQ(y, z > 0 ? 1.0 : 0.0) << z;
    EXPECT_EQ(nntutor::sigmoid(z), y) << z;
    EXPECT_EQ(f.derivative(z, y), 0.0) << z;  // the vanishing gradient, but not NaN
  }
  EXPECT_GT(f(-700), 0.0);  // e^−700 ≈ 1e−304 is still a (normal) double
  EXPECT_NEAR(f(-700) / std::exp(-700.0), 1.0, 1e-12);
}

TEST(Activation, TanhValuesAndDerivative) {
  const Activation f = activation_by_name("tanh");
  EXPECT_EQ(f(0), 0.0);  // zero-centred, unlike sigmoid
  for (double z : kPoints) {
    EXPECT_NEAR(f(z), (std::exp(z) - std::exp(-z)) / (std::exp(z) + std::exp(-z)), 1e-15) << z;
    EXPECT_NEAR(f.derivative(z, f(z)), 1 - f(z) * f(z), 1e-15) << z;  // tanh' = 1 − tanh²
  }
  EXPECT_EQ(f(800), 1.0);
  EXPECT_EQ(f(-800), -1.0);
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, ReluValuesAndDerivative) {
  const Activation f = activation_by_name("relu");
  EXPECT_EQ(f(2.5), 2.5);
  EXPECT_EQ(f(-2.5), 0.0);
  EXPECT_EQ(f(0), 0.0);
  EXPECT_EQ(f.derivative(2.5, 2.5), 1.0);
  EXPECT_EQ(f.derivative(-2.5, 0), 0.0);
  EXPECT_EQ(f.derivative(0, 0), 0.0);  // "1 if z > 0 else 0"
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, LeakyReluDefaultAlphaIsTheSlides) {
  const Activation f = activation_by_name("leaky_relu");
  EXPECT_EQ(f.alpha, 0.1);
  EXPECT_EQ(f(3), 3.0);
  EXPECT_NEAR(f(-2), -0.2, 1e-16);  // max(0.1z, z)
  EXPECT_EQ(f.derivative(3, 3), 1.0);
  EXPECT_EQ(f.derivative(-2, f(-2)), 0.1);
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, LeakyReluCustomAlpha) {
  Activation f = activation_by_name("leaky_relu");
  f.alpha = 0.3;
  EXPECT_EQ(f(3), 3.0);
  EXPECT_NEAR(f(-2), -0.6, 1e-16);
  EXPECT_EQ(f.derivative(-2, f(-2)), 0.3);
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, EluDefaultAlphaIsOne) {
  const Activation f = activation_by_name("elu");
  EXPECT_EQ(f.alpha, 1.0);
  EXPECT_EQ(f(0), 0.0);
  EXPECT_EQ(f(1.5), 1.5);
  EXPECT_NEAR(f(-1), std::exp(-1.0) - 1, 1e-16);  // α(e^z − 1)
  EXPECT_NEAR(f.derivative(-1, f(-1)), std::exp(-1.0), 1e-16);  // αe^z
  EXPECT_EQ(f.derivative(1.5, 1.5), 1.0);
  EXPECT_EQ(f(-800), -1.0);
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, EluCustomAlpha) {
  Activation f = activation_by_name("elu");
  f.alpha = 2;
  EXPECT_NEAR(f(-1), 2 * (std::exp(-1.0) - 1), 1e-15);
  EXPECT_NEAR(f.derivative(-1, f(-1)), 2 * std::exp(-1.0), 1e-15);
  EXPECT_EQ(f(0.7), 0.7);
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, LinearIsTheIdentity) {
  const Activation f = activation_by_name("linear");
  for (double z : kPoints) {
    EXPECT_EQ(f(z), z);
    EXPECT_EQ(f.derivative(z, z), 1.0);
  }
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, UnknownNameNamesTheFieldAndTheChoices) {
  EXPECT_SESSION_ERROR(activation_by_name("maxout"),
                       "activation: expected one of sigmoid, tanh, relu, leaky_relu, elu, "
                       "linear, softplus, swish, softmax, got \"maxout\"");
  EXPECT_SESSION_ERROR(activation_by_name("ReLU", "layers[2].activation"),
                       "layers[2].activation: expected one of sigmoid, tanh, relu, leaky_relu, "
                       "elu, linear, softplus, swish, softmax, got \"ReLU\"");
  EXPECT_SESSION_ERROR(activation_by_name(""),
                       "activation: expected one of sigmoid, tanh, relu, leaky_relu, elu, "
                       "linear, softplus, swish, softmax, got \"\"");
}

}  // namespace

namespace {

TEST(Activation, SoftplusAsKeras) {
  const Activation f = activation_by_name("softplus");
  EXPECT_DOUBLE_EQ(f(0), std::log(2.0));                      // ln(1 + e^0)
  EXPECT_DOUBLE_EQ(f(2), std::log1p(std::exp(2.0)));
  EXPECT_DOUBLE_EQ(f(-3), std::log1p(std::exp(-3.0)));
  EXPECT_EQ(f(1000), 1000.0);                                 // no overflow of e^z
  EXPECT_GT(f(-1000), -1e-300);
  EXPECT_DOUBLE_EQ(f.derivative(0.7, f(0.7)), nntutor::sigmoid(0.7));  // softplus′ = σ
  EXPECT_FALSE(f.has_alpha());
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, SwishAsKeras) {
  const Activation f = activation_by_name("swish");
  EXPECT_DOUBLE_EQ(f(1), 1 / (1 + std::exp(-1.0)));          // z·σ(z)
  EXPECT_DOUBLE_EQ(f(-2), -2 / (1 + std::exp(2.0)));
  EXPECT_EQ(f(0), 0.0);
  EXPECT_EQ(f(-1000), 0.0);                                   // no overflow of e^−z
  const double s = nntutor::sigmoid(0.4);
  EXPECT_DOUBLE_EQ(f.derivative(0.4, f(0.4)), s * (1 + 0.4 * (1 - s)));
  EXPECT_FALSE(f.has_alpha());
  expect_derivative_matches_finite_difference(f);
}

TEST(Activation, EveryRowHasItsFormsAndRange) {
  for (const auto& row : nntutor::activations()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_FALSE(row.title.empty());
    EXPECT_FALSE(row.latex_f.empty());
    EXPECT_FALSE(row.latex_df.empty());
    EXPECT_LT(row.output.lo, row.output.hi);
    EXPECT_EQ(&nntutor::activation_info(row.kind), &row);
    if (row.kind == nntutor::ActivationKind::kSoftmax) continue;
    // Each y = f(z) at a few points lies in the stated output range.
    for (double z : kPoints) {
      const double y = row.f(z, row.alpha.value_or(0));
      EXPECT_GE(y, row.output.lo);
      EXPECT_LE(y, row.output.hi);
    }
  }
}

}  // namespace
