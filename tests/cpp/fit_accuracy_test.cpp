// Keras' "accuracy" metric in the fit history of a classifier (loss cross_entropy): categorical
// accuracy on the training batches before each update, and on the validation data after the
// epoch, each counted by hand here; none for a regression loss. (The digits page's live curves.)
#include <gtest/gtest.h>

#include <random>

#include "nntutor/fit.hpp"
#include "nntutor/trainer.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using A = ActivationKind;

/// Three classes of 4-feature points: the class is the index of the largest of the first three
/// features; one-hot targets.
Dataset classes(int samples, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  Dataset d;
  d.X.resize(4, samples);
  d.Y = Matrix::Zero(3, samples);
  for (int s = 0; s < samples; ++s) {
    for (int f = 0; f < 4; ++f) d.X(f, s) = 2 * uniform01(engine) - 1;
    Eigen::Index k = 0;
    d.X.col(s).head(3).maxCoeff(&k);
    d.Y(k, s) = 1;
  }
  return d;
}

ModelConfig classifier() {
  ModelConfig c;
  c.inputs = 4;
  c.layers = {dense(6, A::kRelu), dense(3, A::kSoftmax)};
  c.loss = LossKind::kCrossEntropy;
  c.fit.batch_size = 7;
  c.fit.epochs = 1;
  c.fit.shuffle = false;
  return c;
}

TEST(FitAccuracy, CountCorrectTakesTheFirstOfEqualOutputs) {
  Matrix P(3, 4), Y(3, 4);
  P << 0.2, 0.5, 0.4, 0.1,
       0.7, 0.5, 0.4, 0.1,
       0.1, 0.0, 0.2, 0.8;
  Y << 0, 1, 0, 0,
       1, 0, 1, 0,
       0, 0, 0, 1;
  // Sample 2 ties classes 0 and 1: the first (0) is the answer, its target is 0: right. Sample
  // 3 ties 0 and 1 with target 1: wrong.
  EXPECT_EQ(count_correct(P, Y, 4), 3);
  EXPECT_EQ(count_correct(P, Y, 2), 2);
}

TEST(FitAccuracy, TrainingAccuracyIsCountedOnEachBatchBeforeItsUpdate) {
  const Dataset train = classes(30, 1), validation = classes(12, 2);
  const ModelConfig c = classifier();
  Sequential fitted(c), manual(c);
  const FitResult r = fit(fitted, train, &validation);
  ASSERT_EQ(r.history.size(), 1u);
  // By hand: batches of 7 in order; each batch's predictions before its update.
  int correct = 0;
  for (Eigen::Index start = 0; start < 30; start += 7) {
    const Eigen::Index n = std::min<Eigen::Index>(7, 30 - start);
    const Matrix X = train.X.middleCols(start, n), Y = train.Y.middleCols(start, n);
    correct += nntutor_test::correct_by_hand(manual.predict(X), Y);
    manual.train_on_batch(X, Y);
  }
  ASSERT_TRUE(r.history[0].accuracy.has_value());
  EXPECT_DOUBLE_EQ(*r.history[0].accuracy, correct / 30.0);
  ASSERT_TRUE(r.history[0].val_accuracy.has_value());
  EXPECT_DOUBLE_EQ(*r.history[0].val_accuracy, nntutor_test::correct_by_hand(fitted.predict(validation.X), validation.Y) / 12.0);
}

TEST(FitAccuracy, AClassifierLearnsAndARegressionHasNoAccuracy) {
  const Dataset train = classes(300, 3), validation = classes(100, 4);
  ModelConfig c = classifier();
  c.fit.epochs = 30;
  c.fit.shuffle = true;
  c.optimizer = default_optimizer(OptimizerKind::kAdam);
  c.optimizer.learning_rate = 0.01;
  Sequential model(c);
  const FitResult r = fit(model, train, &validation);
  EXPECT_GT(*r.history.back().accuracy, 0.85);
  EXPECT_GT(*r.history.back().val_accuracy, 0.85);
  EXPECT_GT(*r.history.back().val_accuracy, *r.history.front().val_accuracy);

  ModelConfig m = classifier();
  m.layers = {dense(6, A::kRelu), dense(3)};
  m.loss = LossKind::kMse;
  Sequential regression(m);
  const FitResult q = fit(regression, train, &validation);
  EXPECT_FALSE(q.history[0].accuracy.has_value());
  EXPECT_FALSE(q.history[0].val_accuracy.has_value());
}

}  // namespace
