// The checker's number type (check_rounded.hpp) against the engine's steps (network.hpp): exact
// inputs give the engine's numbers bit for bit with radius 0, a radius bounds what rounding the
// inputs can do, and the slip table's sentences have every placeholder filled.
#include "nntutor/check_rounded.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "nntutor/check_slips.hpp"
#include "nntutor/loss.hpp"
#include "nntutor/network.hpp"

namespace {

using namespace nntutor;                 // NOLINT: the engine's steps, called unqualified
using namespace nntutor::check_detail;   // NOLINT: and their overloads for RoundedMatrix
using Eigen::MatrixXd;

MatrixXd random_matrix(std::mt19937& random, int rows, int cols, double scale = 1) {
  std::uniform_real_distribution<double> u(-scale, scale);
  MatrixXd m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = u(random);
  return m;
}

/// v moved by at most r in each entry.
MatrixXd perturbed(std::mt19937& random, const MatrixXd& v, const MatrixXd& r) {
  std::uniform_real_distribution<double> u(-1, 1);
  MatrixXd out = v;
  for (Eigen::Index k = 0; k < v.size(); ++k) out(k) += u(random) * r(k);
  return out;
}

TEST(CheckRounded, ExactInputsGiveTheEnginesNumbers) {
  std::mt19937 random(3);
  nntutor::Network net;
  net.layers.push_back({random_matrix(random, 5, 6), random_matrix(random, 5, 1).col(0),
                        nntutor::activation_by_name("tanh")});
  net.layers.push_back({random_matrix(random, 2, 5), random_matrix(random, 2, 1).col(0),
                        nntutor::activation_by_name("sigmoid")});
  const nntutor::Batch batch{random_matrix(random, 6, 3), random_matrix(random, 2, 3).cwiseAbs()};
  const nntutor::Loss loss = nntutor::loss_by_name("half_sse");
  nntutor::Pass pass;
  nntutor::forward(net, batch, loss, pass);
  nntutor::backward(net, batch, loss, pass);

  // The same steps on RoundedMatrix, from exact numbers.
  std::vector<RoundedMatrix> A;
  RoundedMatrix input = RoundedMatrix::exact(batch.X);
  for (const auto& layer : net.layers) {
    RoundedMatrix Z, Y;
    affine(RoundedMatrix::exact(layer.W), RoundedMatrix::exact(layer.b), input, Z);
    activate(layer.f, Z, Y);
    A.push_back(Y);
    input = Y;
  }
  const auto L = mean_loss(loss, A.back(), batch.Y);
  EXPECT_EQ(L.value, pass.loss);
  EXPECT_EQ(L.radius, 0);
  RoundedMatrix Up, D, dW, db;
  mean_loss_gradient(loss, A.back(), batch.Y, Up);
  for (int l = 1; l >= 0; --l) {
    const auto ul = static_cast<std::size_t>(l);
    if (l == 0) backprop(RoundedMatrix::exact(net.layers[1].W), D, Up);
    delta(net.layers[ul].f, Up, RoundedMatrix::exact(pass.Z[ul]), A[ul], D);
    gradients(D, l == 0 ? RoundedMatrix::exact(batch.X) : A[0], dW, db);
    EXPECT_TRUE(dW.value == pass.dW[ul]) << "layer " << l + 1;  // bit for bit
    EXPECT_TRUE(db.value.col(0) == pass.db[ul]) << "layer " << l + 1;
    EXPECT_EQ(dW.radius.cwiseAbs().maxCoeff(), 0);
    EXPECT_EQ(dW.origin.maxCoeff(), -1);
  }
  for (std::size_t l = 0; l < 2; ++l) EXPECT_TRUE(A[l].value == pass.A[l]);
}

TEST(CheckRounded, RadiusBoundsRoundedInputs) {
  std::mt19937 random(5);
  const auto f = nntutor::activation_by_name("sigmoid");
  for (int trial = 0; trial < 200; ++trial) {
    RoundedMatrix W{random_matrix(random, 3, 4), random_matrix(random, 3, 4, 1e-3).cwiseAbs(),
                    nntutor::check_detail::Origins::Constant(3, 4, -1)};
    RoundedMatrix a{random_matrix(random, 4, 2), random_matrix(random, 4, 2, 1e-3).cwiseAbs(),
                    nntutor::check_detail::Origins::Constant(4, 2, -1)};
    a.origin(2, 1) = 7;  // a slip in one input
    RoundedMatrix Z, Y;
    multiply(W, a, Z);
    activate(f, Z, Y);
    const MatrixXd Zp = perturbed(random, W.value, W.radius) * perturbed(random, a.value, a.radius);
    const MatrixXd Yp = Zp.unaryExpr([&](double v) { return f(v); });
    EXPECT_LE(((Zp - Z.value).cwiseAbs() - Z.radius).maxCoeff(), 1e-12);
    EXPECT_LE(((Yp - Y.value).cwiseAbs() - Y.radius).maxCoeff(), 1e-12);
    // Column 1 of the product reads a(2, 1): it inherits that slip; column 0 does not.
    EXPECT_EQ(Z.origin(0, 1), 7);
    EXPECT_EQ(Z.origin(0, 0), -1);
  }
}

TEST(CheckSlipTable, IdsAndPlaceholdersAreKnown) {
  const std::set<std::string> placeholders = {
      "name", "dp", "other", "b", "z_below", "y_below", "f_below", "zn", "yk", "zk", "fs", "dtext",
      "yhat", "z_last", "out", "weights", "input", "w", "z_in", "y_in", "which"};
  std::set<std::string> ids;
  for (const auto& slip : nntutor::check_detail::slip_table()) {
    ids.insert(slip.id);
    EXPECT_NE(slip.applies, 0u) << slip.id;
    const std::string text = slip.sentence;
    for (std::size_t p = text.find('{'); p != std::string::npos; p = text.find('{', p + 1)) {
      const std::size_t close = text.find('}', p);
      ASSERT_NE(close, std::string::npos) << slip.id;
      EXPECT_TRUE(placeholders.count(text.substr(p + 1, close - p - 1))) << slip.id << ": " << text;
    }
  }
  EXPECT_EQ(ids.size(), 24u);  // docs/check.md lists each
}

}  // namespace
