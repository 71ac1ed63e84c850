// model.fit: mini-batches in the shuffled order, the epoch loss, the history, the callbacks inside
// a real fit, seeded determinism, divergence, and training on the built-in data set.
#include "nntutor/fit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "nntutor/model_json.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using A = ActivationKind;

Dataset random_data(int features, int targets, int samples, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  Dataset d;
  d.X.resize(features, samples);
  d.Y.resize(targets, samples);
  for (int s = 0; s < samples; ++s) {
    for (int f = 0; f < features; ++f) d.X(f, s) = 2 * uniform01(engine) - 1;
    for (int t = 0; t < targets; ++t) d.Y(t, s) = d.X.col(s).sum() * (t + 1) + 0.1 * uniform01(engine);
  }
  return d;
}

ModelConfig small_config(OptimizerKind optimizer = OptimizerKind::kAdam) {
  ModelConfig c;
  c.inputs = 3;
  c.layers = {dense(8, A::kTanh), batch_normalization(), dense(2)};
  c.optimizer = default_optimizer(optimizer);
  c.fit.batch_size = 4;
  c.fit.epochs = 3;
  return c;
}

TEST(ModelFit, BatchesFollowTheFisherYatesOrder) {
  const Dataset train = random_data(3, 2, 10, 1);
  ModelConfig c = small_config();
  c.fit.seed = 5;
  Sequential fitted(c), manual(c);
  fit(fitted, train, nullptr);
  // The same by hand: per epoch one shuffle of [0, 10) from one engine, batches of 4, 4 and 2.
  std::vector<Eigen::Index> order(10);
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::mt19937_64 engine(5);
  for (int epoch = 0; epoch < 3; ++epoch) {
    shuffle(order, engine);
    for (Eigen::Index start = 0; start < 10; start += 4) {
      const Eigen::Index n = std::min<Eigen::Index>(4, 10 - start);
      Matrix X(3, n), Y(2, n);
      for (Eigen::Index i = 0; i < n; ++i) {
        X.col(i) = train.X.col(order[static_cast<std::size_t>(start + i)]);
        Y.col(i) = train.Y.col(order[static_cast<std::size_t>(start + i)]);
      }
      manual.train_on_batch(X, Y);
    }
  }
  EXPECT_EQ(fitted.parameters(), manual.parameters());
  EXPECT_EQ(fitted.layer(1).moving_mean, manual.layer(1).moving_mean);
  EXPECT_EQ(fitted.optimizer().iterations(), 9);
}

TEST(ModelFit, ShuffleIsPinnedForNativeAndWasm) {
  std::vector<Eigen::Index> order(8);
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::mt19937_64 engine(1);
  shuffle(order, engine);
  // Pinned: the WebAssembly build must give the same permutation.
  EXPECT_EQ(order, (std::vector<Eigen::Index>{3, 4, 5, 7, 6, 2, 0, 1}));
}

TEST(ModelFit, EpochLossIsTheMeanOfTheBatchLossesBeforeEachUpdate) {
  // One batch holding every sample, no batch normalization: the epoch's loss is the loss before
  // the update, i.e. evaluate() before fit.
  ModelConfig c;
  c.inputs = 3;
  c.layers = {dense(4, A::kRelu), dense(2)};
  c.fit.batch_size = 100;
  c.fit.shuffle = false;
  const Dataset train = random_data(3, 2, 20, 2);
  Sequential model(c);
  const double before = model.evaluate(train.X, train.Y);
  const FitResult r = fit(model, train, &train);
  ASSERT_EQ(r.history.size(), 1u);
  EXPECT_DOUBLE_EQ(r.history[0].loss, before);
  EXPECT_DOUBLE_EQ(*r.history[0].val_loss, model.evaluate(train.X, train.Y));
  EXPECT_EQ(r.history[0].lr, 0.001);
  EXPECT_EQ(r.stop, StopReason::kCompleted);
}

TEST(ModelFit, SameSeedSameWeightsAndHistory) {
  const Dataset train = random_data(3, 2, 40, 3), validation = random_data(3, 2, 10, 4);
  ModelConfig c = small_config();
  c.fit.epochs = 4;
  Sequential a(c), b(c);
  const FitResult ra = fit(a, train, &validation), rb = fit(b, train, &validation);
  EXPECT_EQ(a.parameters(), b.parameters());
  ASSERT_EQ(ra.history.size(), rb.history.size());
  for (std::size_t e = 0; e < ra.history.size(); ++e) {
    EXPECT_EQ(ra.history[e].loss, rb.history[e].loss);
    EXPECT_EQ(*ra.history[e].val_loss, *rb.history[e].val_loss);
  }
  c.fit.seed = 2;  // another shuffling order, another run
  Sequential other(c);
  const FitResult ro = fit(other, train, &validation);
  EXPECT_NE(ro.history.back().loss, ra.history.back().loss);
}

TEST(ModelFit, ReduceLROnPlateauInTheHistory) {
  ModelConfig c = small_config();
  c.fit.epochs = 4;
  ReduceLROnPlateauConfig r;
  r.patience = 1;
  r.factor = 0.5;
  r.min_delta = 10;  // nothing after the first epoch counts as an improvement
  c.fit.reduce_lr_on_plateau = r;
  const Dataset train = random_data(3, 2, 12, 5);
  Sequential model(c);
  const FitResult result = fit(model, train, &train);
  ASSERT_EQ(result.history.size(), 4u);
  EXPECT_EQ(result.history[0].lr, 0.001);
  EXPECT_EQ(result.history[1].lr, 0.001);
  EXPECT_EQ(result.history[2].lr, 0.0005);  // reduced at the end of epoch 2
  EXPECT_EQ(result.history[3].lr, 0.00025);
  EXPECT_EQ(model.optimizer().learning_rate(), 0.000125);
}

TEST(ModelFit, EarlyStoppingRestoresTheBestEpochsWeights) {
  ModelConfig c = small_config(OptimizerKind::kSgd);
  c.optimizer.learning_rate = 0.5;  // large: the validation loss jumps about
  c.fit.epochs = 30;
  EarlyStoppingConfig e;
  e.patience = 3;
  e.restore_best_weights = true;
  c.fit.early_stopping = e;
  const Dataset train = random_data(3, 2, 16, 6), validation = random_data(3, 2, 8, 7);
  Sequential model(c);
  const FitResult r = fit(model, train, &validation);
  ASSERT_TRUE(r.restored_epoch.has_value());
  double best = 1e300;
  int best_epoch = 0;
  for (const auto& logs : r.history)
    if (*logs.val_loss < best) {
      best = *logs.val_loss;
      best_epoch = logs.epoch;
    }
  EXPECT_EQ(*r.restored_epoch, best_epoch);
  // The restored weights (and moving statistics) give exactly that epoch's validation loss.
  EXPECT_EQ(model.evaluate(validation.X, validation.Y), best);
  ASSERT_EQ(r.stop, StopReason::kEarlyStopping);
  EXPECT_LT(best_epoch, static_cast<int>(r.history.size()));      // not simply the last epoch
  EXPECT_EQ(static_cast<int>(r.history.size()), best_epoch + 3);  // patience epochs after the best
}

TEST(ModelFit, ProgressCanStopTraining) {
  ModelConfig c = small_config();
  c.fit.epochs = 10;
  Sequential model(c);
  std::vector<int> seen;
  const FitResult r = fit(model, random_data(3, 2, 8, 8), nullptr, [&](const EpochLogs& logs) {
    seen.push_back(logs.epoch);
    return logs.epoch < 2;
  });
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  EXPECT_EQ(r.history.size(), 2u);
  EXPECT_EQ(r.stop, StopReason::kRequested);
  EXPECT_FALSE(r.history[0].val_loss.has_value());
}

TEST(ModelFit, DivergenceStopsWithAReason) {
  ModelConfig c;
  c.inputs = 3;
  c.layers = {dense(2)};
  c.optimizer = default_optimizer(OptimizerKind::kSgd);
  c.optimizer.learning_rate = 1e3;
  c.fit.epochs = 200;
  Sequential model(c);
  const FitResult r = fit(model, random_data(3, 2, 8, 9), nullptr);
  EXPECT_EQ(r.stop, StopReason::kDiverged);
  EXPECT_FALSE(std::isfinite(r.history.back().loss));
  EXPECT_NE(r.divergence.find("the training loss of epoch " + std::to_string(r.history.back().epoch)),
            std::string::npos)
      << r.divergence;
}

TEST(ModelFit, WarningsAndErrors) {
  ModelConfig c = small_config();
  c.fit.early_stopping = EarlyStoppingConfig{};
  Sequential model(c);
  const FitResult r = fit(model, random_data(3, 2, 8, 10), nullptr);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "EarlyStopping monitors val_loss, but there is no validation data: it does nothing");
  EXPECT_EQ(r.stop, StopReason::kCompleted);

  EXPECT_SESSION_ERROR(fit(model, random_data(4, 2, 8, 1), nullptr),
                       "train: expected 3 features (the model's inputs), got 4");
  const Dataset wrong_targets = random_data(3, 1, 8, 1);
  EXPECT_SESSION_ERROR(fit(model, random_data(3, 2, 8, 1), &wrong_targets),
                       "validation: expected 2 targets (the units of the last layer), got 1");
  ModelConfig lecture =
      parse_model(nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json")));
  lecture.fit.epochs = 10000;
  Sequential big(lecture);
  EXPECT_SESSION_ERROR(fit(big, random_data(9, 54, 10000, 1), nullptr),
                       "fit.epochs: 10000 epochs × 10000 samples × 21238 parameters is more than the limit "
                       "of 1e12; use fewer epochs or samples");
  FitConfig zero = c.fit;
  zero.batch_size = 0;
  EXPECT_SESSION_ERROR(fit(model, random_data(3, 2, 8, 1), nullptr, zero),
                       "fit.batch_size: expected a whole number from 1 to 8192, got 0");
}

TEST(ModelFit, HistoryAsCsvAndJson) {
  FitResult r;
  r.history = {{1, 0.5, 0.25, 0.001}, {2, 0.125, std::nullopt, 0.0005}};
  r.stop = StopReason::kEarlyStopping;
  r.restored_epoch = 1;
  EXPECT_EQ(history_csv(r), "epoch,loss,val_loss,lr\n1,0.5,0.25,0.001\n2,0.125,,0.00050000000000000001\n");
  EXPECT_EQ(fit_result_json(r),
            "{\"history\":[{\"epoch\":1,\"loss\":0.5,\"val_loss\":0.25,\"lr\":0.001},{\"epoch\":2,\"loss\":0.125,"
            "\"val_loss\":null,\"lr\":0.0005}],\"stop\":\"early_stopping\",\"restored_epoch\":1,\"divergence\":\"\","
            "\"warnings\":[]}");
}

TEST(ModelFit, TheLectureModelLearnsTheBuiltInSpectra) {
  SpectrumOptions options;
  options.samples = 1000;
  Split split = split_dataset(spectrum_dataset(options), 1);
  standardize(split);
  ModelConfig c = parse_model(nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json")));
  c.fit.epochs = 6;
  Sequential model(c);
  const double before = model.evaluate(split.validation.X, split.validation.Y);
  const FitResult r = fit(model, split.train, &split.validation);
  ASSERT_EQ(r.history.size(), 6u);
  EXPECT_LT(*r.history.back().val_loss, *r.history.front().val_loss);
  EXPECT_LT(*r.history.back().val_loss, 0.5 * before);
  EXPECT_LT(r.history.back().loss, r.history.front().loss);
  // Predictions on the test set, back in flux units, beat predicting the training mean.
  const Matrix predicted = model.predict(split.test.X);
  const double model_mse = (predicted - split.test.Y).squaredNorm();
  const double mean_mse = split.test.Y.squaredNorm();  // the mean is 0 after standardising
  EXPECT_LT(model_mse, 0.5 * mean_mse);
}

// ---- The command line: nntutor train ----

std::string lecture_path() { return nntutor_test::source_path("examples/keras-lecture.json"); }

/// A CSV of `rows` samples: an id, 3 features and 2 targets.
std::string csv_text(int rows) {
  const Dataset d = random_data(3, 2, rows, 11);
  std::string text = "id,a,b,c,y1,y2\n";
  for (int s = 0; s < rows; ++s) {
    text += "star-" + std::to_string(s);
    for (int f = 0; f < 3; ++f) text += "," + std::to_string(d.X(f, s));
    for (int t = 0; t < 2; ++t) text += "," + std::to_string(d.Y(t, s));
    text += "\n";
  }
  return text;
}

std::string small_model_json() {
  return R"({"inputs": 3, "layers": [{"type": "dense", "units": 8, "activation": "relu"},
            {"type": "dense", "units": 2}], "loss": "mse", "optimizer": "adam",
            "fit": {"batch_size": 8, "epochs": 4}})";
}

TEST(ModelCli, TrainOnTheBuiltInData) {
  const std::string history = nntutor_test::temp_path("history.csv"), saved = nntutor_test::temp_path("saved.json");
  const auto r = nntutor_test::cli("train '" + lecture_path() + "' --builtin --samples 300 --epochs 3 --history '" +
                                   history + "' --save '" + saved + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Trained sequential on 210 samples (validation 60, test 30): 3 epochs, completed\n", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("\nTest loss: "), std::string::npos) << r.out;
  // Not a terminal: one progress line per epoch.
  EXPECT_EQ(r.err.rfind("Epoch 1/3 - loss: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("\nEpoch 3/3 - loss: "), std::string::npos) << r.err;
  const std::string csv = nntutor_test::read_text(history);
  EXPECT_EQ(csv.rfind("epoch,loss,val_loss,lr\n1,", 0), 0u) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  Sequential loaded(parse_model(nntutor_test::read_text(saved)));
  EXPECT_EQ(loaded.parameters().size(), 21238);
  EXPECT_NE(loaded.layer(1).moving_mean.norm(), 0.0);  // trained, not the start values
}

TEST(ModelCli, TrainOnACsvFile) {
  const std::string model = nntutor_test::write_temp("model.json", small_model_json());
  const std::string data = nntutor_test::write_temp("data.csv", csv_text(40));
  const auto r = nntutor_test::cli("train '" + model + "' '" + data + "' --features a,b,c --targets 5-6");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Trained sequential on 28 samples (validation 8, test 4): 4 epochs, completed\n", 0), 0u)
      << r.out;
}

TEST(ModelCli, TrainBadInput) {
  const std::string model = nntutor_test::write_temp("model.json", small_model_json());
  const std::string data = nntutor_test::write_temp("data.csv", csv_text(40));
  const auto expect = [](const std::string& args, const std::string& message) {
    const auto r = nntutor_test::cli(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(r.err, "nntutor: " + message + "\n") << args;
  };
  const std::string m = "train '" + model + "'";
  expect(m, "DATA.csv: expected a CSV file or --builtin");
  expect(m + " '" + data + "' --builtin", data + ": not with --builtin (train on a CSV file or on the built-in data)");
  expect(m + " --builtin --features a", "--features: only with a CSV file");
  expect(m + " '" + data + "' --samples 10", "--samples: only with --builtin");
  expect(m + " '" + data + "' --features a,b,c --targets y1,y2 --epochs 0",
         "--epochs: expected a whole number from 1 to 10000, got 0");
  expect(m + " '" + data + "' --features a,b --targets y1,y2",
         data + ": 2 feature columns (a, b), but the model takes 3 inputs");
  expect(m + " '" + data + "' --features a,b,c --targets y1",
         data + ": 1 target column (y1), but the model's last layer has 2 units");
  expect(m + " '" + data + "'", data + " line 2, column id: expected a number, got \"star-0\"");
  expect(m + " '" + data + "' --features a,b,x --targets y1,y2",
         "--features: no column named \"x\" (the header has id, a, b, c, y1, y2)");
  const std::string bad = nntutor_test::write_temp("bad.csv", "a,b,c,y1,y2\n1,2,3,4,5\n1,2,oops,4,5\n");
  expect(m + " '" + bad + "'", bad + " line 3, column c: expected a number, got \"oops\"");
  const std::string few = nntutor_test::write_temp("few.csv", "a,b,c,y1,y2\n1,2,3,4,5\n");
  expect(m + " '" + few + "' --targets y1,y2", few + ": data: expected at least 10 samples to split 70/20/10, got 1");
  expect(m + " '" + data + "' --epoch 3", "--epoch: unknown option (expected --features, --targets, --epochs, "
                                          "--samples, --data-seed, --split-seed, --history, --save, --builtin)");
  expect(m + " '" + data + "' --features a,b,c --targets y1,y2 --save /nonexistent/dir/out.json",
         "--save: cannot write /nonexistent/dir/out.json");
}

// Issue 10 item 7: cross_entropy trains on the one-hot targets as given (a positive loss, and
// the summary says the targets are not standardised); bce refuses a target it cannot take.
TEST(ModelCli, TrainClassifiersOnTargetsAsGiven) {
  std::string csv = "x1,x2,red,green,blue\n";
  for (int i = 0; i < 60; ++i) {
    const double x1 = std::sin(0.7 * i) * 2, x2 = std::cos(1.3 * i) * 2;
    const int c = x1 > 0.5 ? 0 : x2 > 0 ? 1 : 2;
    csv += std::to_string(x1) + "," + std::to_string(x2) + (c == 0 ? ",1,0,0\n" : c == 1 ? ",0,1,0\n" : ",0,0,1\n");
  }
  const std::string data = nntutor_test::write_temp("classes.csv", csv);
  const std::string model = nntutor_test::write_temp("classifier.json", R"({"inputs": 2, "layers": [
      {"type": "dense", "units": 8, "activation": "tanh"}, {"type": "dense", "units": 3, "activation": "softmax"}],
      "loss": "cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.05},
      "fit": {"batch_size": 8, "epochs": 10, "seed": 1}, "seed": 1})");
  const auto r = nntutor_test::cli("train '" + model + "' '" + data + "' --features x1,x2");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::size_t at = r.out.find("\nTest loss: ");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_GT(std::stod(r.out.substr(at + 12)), 0) << r.out;
  EXPECT_NE(r.out.find(" (targets as given: cross_entropy is not a regression loss, so they are not standardised)\n"),
            std::string::npos)
      << r.out;
  // Every epoch's loss is positive, and the last below the first.
  std::vector<double> losses;
  for (std::size_t l = r.err.find(" - loss: "); l != std::string::npos; l = r.err.find(" - loss: ", l + 1))
    losses.push_back(std::stod(r.err.substr(l + 9)));
  ASSERT_EQ(losses.size(), 10U) << r.err;
  for (double l : losses) EXPECT_GT(l, 0) << r.err;
  EXPECT_LT(losses.back(), losses.front()) << r.err;

  // bce refuses a 1.5, naming the file's line and the column.
  const std::string bad = nntutor_test::write_temp("bce.csv", "a,b,y\n1,2,0\n3,4,1\n5,6,1.5\n");
  const std::string bce = nntutor_test::write_temp("bce.json", R"({"inputs": 2,
      "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}], "loss": "bce"})");
  const auto refused = nntutor_test::cli("train '" + bce + "' '" + bad + "'");
  EXPECT_EQ(refused.status, 2);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err, "nntutor: " + bad + " line 4, column y: bce expects targets from 0 to 1 (probabilities), got 1.5\n");

  // mse still says its targets are standardised.
  const auto regression = nntutor_test::cli("train '" + nntutor_test::write_temp("model.json", small_model_json()) + "' '" +
                                            nntutor_test::write_temp("data.csv", csv_text(40)) + "' --features a,b,c --targets 5-6");
  ASSERT_EQ(regression.status, 0) << regression.err;
  EXPECT_NE(regression.out.find(" (standardised targets)\n"), std::string::npos) << regression.out;
}

}  // namespace
