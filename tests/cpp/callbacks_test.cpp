// ReduceLROnPlateau and EarlyStopping driven by scripted sequences of the monitored loss, step
// by step as Keras 3's callbacks (keras/src/callbacks/*.py) would go.
#include "nntutor/callbacks.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;

/// The learning rate after each epoch's end, starting from 1.
std::vector<double> rates(ReduceLROnPlateau& callback, const std::vector<double>& losses) {
  std::vector<double> out;
  double lr = 1;
  for (double loss : losses) {
    lr = callback.on_epoch_end(loss, lr);
    out.push_back(lr);
  }
  return out;
}

TEST(ModelCallbacks, ReduceLROnPlateauKerasDefaults) {
  const ReduceLROnPlateauConfig c;
  EXPECT_EQ(c.monitor, "val_loss");
  EXPECT_EQ(c.factor, 0.1);
  EXPECT_EQ(c.patience, 10);
  EXPECT_EQ(c.min_delta, 1e-4);
  EXPECT_EQ(c.cooldown, 0);
  EXPECT_EQ(c.min_lr, 0.0);
  const EarlyStoppingConfig e;
  EXPECT_EQ(e.monitor, "val_loss");
  EXPECT_EQ(e.min_delta, 0.0);
  EXPECT_EQ(e.patience, 0);
  EXPECT_FALSE(e.restore_best_weights);
  EXPECT_FALSE(e.baseline.has_value());
}

TEST(ModelCallbacks, ReduceLROnPlateauWaitsPatienceEpochs) {
  ReduceLROnPlateauConfig c;
  c.patience = 2;
  c.factor = 0.5;
  c.min_delta = 0;
  ReduceLROnPlateau callback(c);
  // 0.9 again is no improvement (strictly less is needed); the second non-improving epoch
  // reduces, and wait starts again from 0.
  EXPECT_EQ(rates(callback, {1.0, 0.9, 0.9, 0.95, 0.8, 0.85, 0.85, 0.85}),
            (std::vector<double>{1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25}));
  EXPECT_EQ(callback.best(), 0.8);
  EXPECT_EQ(callback.wait(), 1);
}

TEST(ModelCallbacks, ReduceLROnPlateauMinDeltaIsAThreshold) {
  ReduceLROnPlateauConfig c;
  c.patience = 1;
  ReduceLROnPlateau callback(c);  // min_delta 1e-4: improving means < best − 1e-4
  EXPECT_EQ(rates(callback, {1.0, 0.99995}), (std::vector<double>{1, 0.1}));
  EXPECT_EQ(callback.best(), 1.0);
  ReduceLROnPlateau again(c);
  EXPECT_EQ(rates(again, {1.0, 0.9998}), (std::vector<double>{1, 1}));
}

TEST(ModelCallbacks, ReduceLROnPlateauCooldown) {
  ReduceLROnPlateauConfig c;
  c.patience = 1;
  c.cooldown = 2;
  c.factor = 0.5;
  ReduceLROnPlateau callback(c);
  // Reduced at epoch 1; epoch 2 is in cooldown (counter 2 → 1, not counted); at epoch 3 the
  // counter reaches 0, wait counts again and reaches patience at once.
  EXPECT_EQ(rates(callback, {1, 1, 1, 1, 1, 1}), (std::vector<double>{1, 0.5, 0.5, 0.25, 0.25, 0.125}));
}

TEST(ModelCallbacks, ReduceLROnPlateauStopsAtMinLr) {
  ReduceLROnPlateauConfig c;
  c.patience = 1;
  c.min_lr = 0.05;
  ReduceLROnPlateau callback(c);
  EXPECT_EQ(rates(callback, {1, 1, 1, 1, 1}), (std::vector<double>{1, 0.1, 0.05, 0.05, 0.05}));
  EXPECT_EQ(callback.wait(), 2);  // at min_lr nothing resets wait, as in Keras
}

TEST(ModelCallbacks, ReduceLROnPlateauWithoutAValueOrWithNaN) {
  ReduceLROnPlateauConfig c;
  c.patience = 1;
  ReduceLROnPlateau callback(c);
  EXPECT_EQ(callback.on_epoch_end(std::nullopt, 1.0), 1.0);  // Keras warns and does nothing
  EXPECT_EQ(callback.wait(), 0);
  EXPECT_EQ(callback.on_epoch_end(1.0, 1.0), 1.0);
  EXPECT_EQ(callback.on_epoch_end(std::nan(""), 1.0), 0.1);  // NaN is no improvement
  callback.on_train_begin();
  EXPECT_EQ(callback.best(), std::numeric_limits<double>::infinity());
}

struct Epoch {
  bool save, stop;
};

std::vector<Epoch> run(EarlyStopping& callback, const std::vector<double>& losses) {
  std::vector<Epoch> out;
  for (std::size_t e = 0; e < losses.size(); ++e) {
    const auto a = callback.on_epoch_end(static_cast<int>(e), losses[e]);
    out.push_back({a.save_weights, a.stop});
    if (a.stop) break;
  }
  return out;
}

TEST(ModelCallbacks, EarlyStoppingPatience) {
  EarlyStoppingConfig c;
  c.patience = 2;
  EarlyStopping callback(c);
  // Best 0.8 at epoch 1; epochs 2 and 3 do not improve: wait reaches 2 at epoch 3 → stop.
  const auto epochs = run(callback, {1.0, 0.8, 0.9, 0.85, 0.7});
  ASSERT_EQ(epochs.size(), 4u);
  EXPECT_TRUE(epochs[3].stop);
  EXPECT_EQ(callback.stopped_epoch(), 3);
  EXPECT_EQ(callback.best_epoch(), 1);
  EXPECT_EQ(callback.best(), 0.8);
  EXPECT_FALSE(callback.restore_at_end());  // restore_best_weights is off
}

TEST(ModelCallbacks, EarlyStoppingPatienceZeroNeverAtEpochZero) {
  EarlyStopping callback;  // patience 0
  EXPECT_FALSE(callback.on_epoch_end(0, std::nan("")).stop);  // not improving, but epoch 0
  EXPECT_FALSE(callback.on_epoch_end(1, 1.0).stop);
  EXPECT_TRUE(callback.on_epoch_end(2, 1.0).stop);  // equal is no improvement (min_delta 0)
}

TEST(ModelCallbacks, EarlyStoppingRestoreBestWeights) {
  EarlyStoppingConfig c;
  c.patience = 3;
  c.restore_best_weights = true;
  EarlyStopping callback(c);
  const auto epochs = run(callback, {1.0, 1.2, 0.6, 0.7, 0.65});
  // Saved at epoch 0 (nothing saved yet, and an improvement) and at epoch 2; never stopped.
  ASSERT_EQ(epochs.size(), 5u);
  EXPECT_TRUE(epochs[0].save);
  EXPECT_FALSE(epochs[1].save);
  EXPECT_TRUE(epochs[2].save);
  EXPECT_FALSE(epochs[3].save || epochs[4].save);
  EXPECT_FALSE(epochs[4].stop);
  // Keras 3 restores at the end of training even when it did not stop early.
  EXPECT_TRUE(callback.restore_at_end());
  EXPECT_EQ(callback.best_epoch(), 2);
}

TEST(ModelCallbacks, EarlyStoppingMinDelta) {
  EarlyStoppingConfig c;
  c.patience = 5;
  c.min_delta = -0.1;  // the sign does not matter: |min_delta|
  EarlyStopping callback(c);
  run(callback, {1.0, 0.95, 0.85});
  EXPECT_EQ(callback.best(), 0.85);  // 0.95 + 0.1 ≥ 1.0: no; 0.85 + 0.1 < 1.0: yes
  EXPECT_EQ(callback.best_epoch(), 2);
  EXPECT_EQ(callback.wait(), 0);
}

TEST(ModelCallbacks, EarlyStoppingBaseline) {
  EarlyStoppingConfig c;
  c.patience = 2;
  c.baseline = 0.5;
  EarlyStopping callback(c);
  // Improvements over the best that do not beat the baseline leave wait counting.
  const auto epochs = run(callback, {1.0, 0.9, 0.95});
  ASSERT_EQ(epochs.size(), 3u);
  EXPECT_TRUE(epochs[2].stop);
  EXPECT_EQ(callback.best(), 0.9);
}

TEST(ModelCallbacks, EarlyStoppingStartFromEpoch) {
  EarlyStoppingConfig c;
  c.start_from_epoch = 2;
  EarlyStopping callback(c);
  EXPECT_FALSE(callback.on_epoch_end(0, 5.0).stop);
  EXPECT_FALSE(callback.on_epoch_end(1, 6.0).stop);
  EXPECT_FALSE(callback.on_epoch_end(2, 7.0).stop);  // the first monitored epoch improves on +∞
  EXPECT_TRUE(callback.on_epoch_end(3, 7.0).stop);
  EXPECT_EQ(callback.best_epoch(), 2);
}

TEST(ModelCallbacks, EarlyStoppingWithoutAValue) {
  EarlyStopping callback;
  EXPECT_FALSE(callback.on_epoch_end(3, std::nullopt).stop);
  EXPECT_EQ(callback.wait(), 0);
}

TEST(ModelCallbacks, RejectedSettings) {
  ReduceLROnPlateauConfig r;
  r.factor = 1;
  EXPECT_SESSION_ERROR(validate(r, "fit.callbacks[0]"),
                       "fit.callbacks[0].factor: expected a number from 0 up to (not including) 1, got 1");
  r.factor = 0.5;
  r.monitor = "val_accuracy";
  EXPECT_SESSION_ERROR(validate(r, "fit.callbacks[0]"),
                       "fit.callbacks[0].monitor: expected val_loss or loss, got \"val_accuracy\"");
  r.monitor = "loss";
  r.min_lr = -1;
  EXPECT_SESSION_ERROR(validate(r, "x"), "x.min_lr: expected a number of at least 0, got -1");
  EarlyStoppingConfig e;
  e.patience = -1;
  EXPECT_SESSION_ERROR(validate(e, "x"), "x.patience: expected a whole number from 0 to 10000, got -1");
}

}  // namespace
