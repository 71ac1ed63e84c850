// A float32 model's double interface (model.hpp): theta_ and grad_ are copied from the float
// weights when they are read, not after every step, so every way of reading them gives the
// float numbers of the last step exactly, and a write through parameters() is what the next
// step trains from; the training accuracy of a float32 classifier is counted on its own float
// outputs (batch_outputs()).
#include <gtest/gtest.h>

#include <random>

#include "nntutor/fit.hpp"
#include "nntutor/model.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using A = ActivationKind;

ModelConfig small(Dtype dtype) {
  ModelConfig c;
  c.inputs = 3;
  c.layers = {dense(8), batch_normalization(), activation(A::kRelu), dense(5, A::kRelu), dense(2)};
  c.loss = LossKind::kMse;
  c.optimizer = default_optimizer(OptimizerKind::kAdam);
  c.dtype = dtype;
  c.seed = 7;
  return c;
}

Matrix numbers(int rows, int cols, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  Matrix m(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) m(i, j) = 2 * uniform01(engine) - 1;
  return m;
}

TEST(ModelFloat32, EveryReadingGivesTheLastStepsFloatNumbers) {
  const Matrix X = numbers(3, 16, 1), Y = numbers(2, 16, 2);
  Sequential read_each(small(Dtype::kFloat32)), read_last(small(Dtype::kFloat32));
  for (int step = 0; step < 4; ++step) {
    const Matrix x = X.middleCols(4 * step, 4), y = Y.middleCols(4 * step, 4);
    EXPECT_EQ(read_each.train_on_batch(x, y), read_last.train_on_batch(x, y));
    const Sequential& view = read_each;
    const Vector p = view.parameters(), g = view.gradients();
    EXPECT_EQ(p, p.cast<float>().cast<double>());  // floats, exactly
    EXPECT_EQ(g, g.cast<float>().cast<double>());
    // The accessors agree with each other.
    EXPECT_EQ(view.weights(0)(3, 1), p(3 + 8 * 1));
    EXPECT_EQ(view.parameter_state(0, "weights", 3, 1).value, p(3 + 8 * 1));
    EXPECT_EQ(view.parameter_state(0, "weights", 3, 1).gradient, g(3 + 8 * 1));
    EXPECT_EQ(view.gamma(1)(2), p(view.layer(1).offset + 2));
  }
  const Sequential& last = read_last;
  EXPECT_EQ(last.parameters(), read_each.parameters());  // read once at the end: the same
  EXPECT_EQ(last.gradients(), read_each.gradients());
  Sequential::Snapshot saved;
  read_last.save(saved);
  EXPECT_EQ(saved.parameters, read_each.parameters());
}

TEST(ModelFloat32, AWriteAfterAStepIsWhatTheNextStepTrainsFrom) {
  const Matrix X = numbers(3, 8, 3), Y = numbers(2, 8, 4);
  Sequential trained(small(Dtype::kFloat32)), fresh(small(Dtype::kFloat32));
  const Vector start = fresh.parameters();
  trained.train_on_batch(X, Y);
  ASSERT_NE(trained.parameters(), start);
  trained.parameters() = start;  // back to the start weights (the moving statistics differ: unused here)
  EXPECT_EQ(trained.compute_gradients(X, Y), fresh.compute_gradients(X, Y));
  EXPECT_EQ(trained.gradients(), fresh.gradients());
  EXPECT_EQ(trained.parameters(), start);
  // Restoring a snapshot after a step, likewise.
  Sequential::Snapshot snapshot;
  fresh.save(snapshot);
  trained.train_on_batch(X, Y);
  trained.restore(snapshot);
  EXPECT_EQ(trained.parameters(), start);
}

TEST(ModelFloat32, AClassifiersTrainingAccuracyCountsItsFloatOutputs) {
  // Three classes by the largest of three features, one-hot.
  Dataset train;
  train.X = numbers(3, 30, 5);
  train.Y = Matrix::Zero(3, 30);
  for (int s = 0; s < 30; ++s) {
    Eigen::Index k = 0;
    train.X.col(s).maxCoeff(&k);
    train.Y(k, s) = 1;
  }
  ModelConfig c;
  c.inputs = 3;
  c.layers = {dense(6, A::kRelu), dense(3, A::kSoftmax)};
  c.loss = LossKind::kCrossEntropy;
  c.fit.batch_size = 7;
  c.fit.epochs = 1;
  c.fit.shuffle = false;
  c.dtype = Dtype::kFloat32;
  Sequential fitted(c), manual(c);
  const FitResult r = fit(fitted, train, nullptr);
  int correct = 0;  // by hand: each batch's float32 predictions before its update
  for (Eigen::Index start = 0; start < 30; start += 7) {
    const Eigen::Index n = std::min<Eigen::Index>(7, 30 - start);
    const Matrix X = train.X.middleCols(start, n), Y = train.Y.middleCols(start, n);
    correct += nntutor_test::correct_by_hand(manual.predict(X), Y);
    manual.train_on_batch(X, Y);
    EXPECT_EQ(manual.batch_outputs().leftCols(n), manual.batch_outputs().leftCols(n).cast<float>().cast<double>());
  }
  ASSERT_TRUE(r.history[0].accuracy.has_value());
  EXPECT_DOUBLE_EQ(*r.history[0].accuracy, correct / 30.0);
}

}  // namespace
