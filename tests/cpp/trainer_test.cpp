// Trainer mode's session (the page's Web Worker calls exactly these): the data spec and its
// messages, the 70/20/10 split, epoch-by-epoch training that equals fit(), Stop, the test set's
// errors recomputed by hand, and a model that does not fit the data.
#include "nntutor/trainer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "nntutor/model_json.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using nlohmann::json;

const char* kSmallModel = R"({"inputs": 9, "layers": [
    {"type": "dense", "units": 16}, {"type": "batch_normalization"},
    {"type": "activation", "activation": "relu"}, {"type": "dense", "units": 54}],
  "loss": "mse", "optimizer": {"name": "adam", "learning_rate": 0.01},
  "fit": {"batch_size": 32, "epochs": 6, "seed": 3,
          "callbacks": [{"name": "reduce_lr_on_plateau", "patience": 1},
                        {"name": "early_stopping", "patience": 50, "restore_best_weights": true}]},
  "seed": 2})";
const char* kData = R"({"builtin": {"samples": 400, "noise": 0.01, "seed": 4}, "split_seed": 7})";

TEST(Trainer, LoadsTheBuiltinSpectraSplit70_20_10) {
  Trainer t;
  const json shape = json::parse(t.load_data(kData, ""));
  EXPECT_EQ(shape["samples"], 400);
  EXPECT_EQ(shape["train"], 280);
  EXPECT_EQ(shape["validation"], 80);
  EXPECT_EQ(shape["test"], 40);
  EXPECT_EQ(shape["features"].size(), 9U);
  EXPECT_EQ(shape["targets"].size(), 54U);
  EXPECT_EQ(shape["targets"][0], "flux_355");
}

TEST(Trainer, EpochByEpochIsFitAndTheTestErrorsAreRecomputable) {
  Trainer t;
  t.load_data(kData, "");
  const json ready = json::parse(t.start(kSmallModel));
  EXPECT_EQ(ready["epochs"], 6);
  EXPECT_EQ(ready["batch_size"], 32);
  EXPECT_NE(ready["summary"].get<std::string>().find("Total params:"), std::string::npos);
  json logs;
  int epochs = 0;
  do {
    logs = json::parse(t.epoch());
    EXPECT_EQ(logs["epoch"], ++epochs);
  } while (!logs["done"].get<bool>());
  const json result = json::parse(t.finish(100));

  // The same through fit() on the same prepared data.
  const PreparedData data = prepare_data(parse_data_spec(kData), "");
  Sequential model(parse_model(kSmallModel));
  const FitResult fitted = fit(model, data.split.train, &data.split.validation);
  ASSERT_EQ(result["history"].size(), fitted.history.size());
  for (std::size_t e = 0; e < fitted.history.size(); ++e) {
    EXPECT_EQ(result["history"][e]["loss"].get<double>(), fitted.history[e].loss) << e;
    EXPECT_EQ(result["history"][e]["val_loss"].get<double>(), *fitted.history[e].val_loss) << e;
    EXPECT_EQ(result["history"][e]["lr"].get<double>(), fitted.history[e].lr) << e;
  }
  EXPECT_EQ(result["stop"], "completed");
  EXPECT_EQ(result["restored_epoch"], *fitted.restored_epoch);

  // The test errors by hand, in the data's units.
  Eigen::MatrixXd predicted = model.predict(data.split.test.X);
  data.scalers.targets.invert(predicted);
  double se = 0, ae = 0;
  for (Eigen::Index i = 0; i < predicted.size(); ++i) {
    const double e = predicted(i) - data.test_truth(i);
    se += e * e;
    ae += std::fabs(e);
  }
  const double n = static_cast<double>(predicted.size());
  const json& test = result["test"];
  EXPECT_EQ(test["samples"], 40);
  EXPECT_NEAR(test["rmse"].get<double>(), std::sqrt(se / n), 1e-12 * std::sqrt(se / n));
  EXPECT_NEAR(test["mae"].get<double>(), ae / n, 1e-12 * ae / n);
  EXPECT_NEAR(test["loss"].get<double>(), model.evaluate(data.split.test.X, data.split.test.Y), 1e-12);
  EXPECT_GT(test["r2"].get<double>(), 0.5) << "six epochs already explain most of the spectra";
  EXPECT_EQ(test["points"]["shown"], 100);
  EXPECT_EQ(test["points"]["total"], 40 * 54);
  EXPECT_EQ(test["points"]["truth"][0].get<double>(), data.test_truth(0, 0));
  EXPECT_EQ(test["points"]["predicted"][0].get<double>(), predicted(0, 0));

  // The trained model saves and reads back as the same model.
  const std::string saved = t.model_json();
  EXPECT_EQ(model_to_json(Sequential(parse_model(saved))), saved);
}

TEST(Trainer, DataJsonIsTheStandardisedSetsSampleBySample) {
  Trainer t;
  EXPECT_SESSION_ERROR(t.data_json(), "data: no data loaded yet");
  t.load_data(kData, "");
  const json d = json::parse(t.data_json());
  const PreparedData data = prepare_data(parse_data_spec(kData), "");
  ASSERT_EQ(d["train"]["samples"], 280);
  ASSERT_EQ(d["train"]["x"].size(), 280U * 9);
  ASSERT_EQ(d["validation"]["y"].size(), 80U * 54);
  EXPECT_EQ(d["train"]["x"][9 * 5 + 2].get<double>(), data.split.train.X(2, 5));
  EXPECT_EQ(d["validation"]["y"][54 * 3 + 7].get<double>(), data.split.validation.Y(7, 3));
}

TEST(Trainer, StopEndsAfterTheEpochThatRan) {
  Trainer t;
  t.load_data(kData, "");
  t.start(kSmallModel);
  t.epoch();
  t.epoch();
  const json result = json::parse(t.finish());
  EXPECT_EQ(result["stop"], "requested");
  EXPECT_EQ(result["history"].size(), 2U);
  EXPECT_SESSION_ERROR(t.epoch(), "fit: training has ended; start a new fit");
}

TEST(Trainer, ReadsACsvWithChosenColumns) {
  std::string csv = "a,b,c,y\n";
  for (int i = 0; i < 20; ++i)
    csv += std::to_string(i) + "," + std::to_string(i % 3) + ",7," + std::to_string(2 * i + 1) + "\n";
  Trainer t;
  const json shape = json::parse(t.load_data(R"({"csv": {"source": "mine.csv", "features": "a,b"}})", csv));
  EXPECT_EQ(shape["features"], json::array({"a", "b"}));
  EXPECT_EQ(shape["targets"], json::array({"c", "y"}));
  EXPECT_EQ(shape["train"], 14);
  EXPECT_SESSION_ERROR(t.start(kSmallModel),
                       "the model does not fit the data: train: expected 9 features (the model's inputs), got 2");
  std::string bad = csv + "20,1,7,oops\n";
  try {
    t.load_data(R"({"csv": {"source": "mine.csv"}})", bad);
    FAIL() << "no error";
  } catch (const nntutor::SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("mine.csv line 22"), std::string::npos) << e.what();
  }
}

TEST(Trainer, BadSpecsNameTheField) {
  EXPECT_SESSION_ERROR(parse_data_spec("{"), "data: not valid JSON (parse error at line 1, column 2: syntax error while parsing object key - unexpected end of input; expected string literal)");
  EXPECT_SESSION_ERROR(parse_data_spec("{}"), "data: expected exactly one of builtin and csv");
  EXPECT_SESSION_ERROR(parse_data_spec(R"({"builtin": {"samples": 5}})"),
                       "data.builtin.samples: expected a whole number from 10 to 100000, got 5");
  EXPECT_SESSION_ERROR(parse_data_spec(R"({"builtin": {"noise": 2}})"),
                       "data.builtin.noise: expected a number from 0 to 1, got 2");
  EXPECT_SESSION_ERROR(parse_data_spec(R"({"builtin": {}, "colour": 1})"),
                       "data.colour: unknown field (expected builtin, csv, split_seed, standardize_targets)");
  EXPECT_SESSION_ERROR(parse_data_spec(R"({"csv": {"source": ""}})"),
                       "data.csv.source: expected a name of 1 to 200 characters");
  Trainer t;
  EXPECT_SESSION_ERROR(t.start(kSmallModel), "train: no data loaded yet");
  EXPECT_SESSION_ERROR(t.epoch(), "train: no model started");
  EXPECT_SESSION_ERROR(t.model_json(), "model: no model trained yet");
}

TEST(Trainer, SummaryJsonCountsTheLectureModel) {
  const json s = json::parse(summary_json(nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json"))));
  EXPECT_EQ(s["total"], 21750);
  EXPECT_EQ(s["trainable"], 21238);
  EXPECT_EQ(s["non_trainable"], 512);
  EXPECT_NE(s["text"].get<std::string>().find("Total params: 21,750"), std::string::npos);
  EXPECT_EQ(s["epochs"], 300);  // examples/keras-lecture.json: model.fit(..., epochs=300)
}


// Issue 10 item 7: targets are standardised for a regression loss only; bce and cross_entropy
// take the targets as given and refuse those they cannot take, naming the line and column.

/// 60 samples of 2 features, one-hot over 3 classes (the class is the larger feature's sign).
std::string one_hot_csv() {
  std::string csv = "x1,x2,setosa,versicolor,virginica\n";
  for (int i = 0; i < 60; ++i) {
    const double x1 = std::sin(0.7 * i) * 2, x2 = std::cos(1.3 * i) * 2;
    const int c = x1 > 0.5 ? 0 : x2 > 0 ? 1 : 2;
    csv += std::to_string(x1) + "," + std::to_string(x2) + (c == 0 ? ",1,0,0\n" : c == 1 ? ",0,1,0\n" : ",0,0,1\n");
  }
  return csv;
}

const char* kClassifier = R"({"inputs": 2, "layers": [
    {"type": "dense", "units": 8, "activation": "tanh"}, {"type": "dense", "units": 3, "activation": "softmax"}],
  "loss": "cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.05},
  "fit": {"batch_size": 8, "epochs": 20, "seed": 1}, "seed": 1})";
const char* kOneHotSpec = R"({"csv": {"source": "iris.csv", "features": "x1,x2"}})";

TEST(Trainer, CrossEntropyTrainsOnTheOneHotTargetsAsGiven) {
  Trainer t;
  t.load_data(kOneHotSpec, one_hot_csv());
  const json ready = json::parse(t.start(kClassifier));
  EXPECT_EQ(ready["targets_standardised"], false);
  // The targets it trains on are the file's 0s and 1s, not z-scores.
  const json d = json::parse(t.data_json());
  for (const auto& y : d["train"]["y"]) EXPECT_TRUE(y == 0.0 || y == 1.0) << y;
  std::vector<double> losses;
  json logs;
  do {
    logs = json::parse(t.epoch());
    losses.push_back(logs["loss"].get<double>());
    EXPECT_GT(logs["loss"].get<double>(), 0) << "epoch " << logs["epoch"];
    EXPECT_GT(logs["val_loss"].get<double>(), 0) << "epoch " << logs["epoch"];
  } while (!logs["done"].get<bool>());
  ASSERT_EQ(losses.size(), 20U);
  EXPECT_LT(losses.back(), 0.5 * losses.front()) << "the loss falls";
  const json result = json::parse(t.finish());
  EXPECT_EQ(result["test"]["targets_standardised"], false);
  EXPECT_GT(result["test"]["loss"].get<double>(), 0);
}

TEST(Trainer, BceRefusesATargetOutside0To1WithItsLineAndColumn) {
  std::string csv = "a,b,y\n";
  for (int i = 0; i < 20; ++i) csv += std::to_string(i) + "," + std::to_string(i % 3) + "," + (i == 6 ? "1.5" : std::to_string(i % 2)) + "\n";
  Trainer t;
  t.load_data(R"({"csv": {"source": "mine.csv"}})", csv);
  const char* bce = R"({"inputs": 2, "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}], "loss": "bce"})";
  // Sample 7 is line 8 (after the header).
  EXPECT_SESSION_ERROR(t.start(bce), "mine.csv line 8, column y: bce expects targets from 0 to 1 (probabilities), got 1.5");
  // mse takes them, standardised.
  const char* mse = R"({"inputs": 2, "layers": [{"type": "dense", "units": 1}], "loss": "mse"})";
  EXPECT_EQ(json::parse(t.start(mse))["targets_standardised"], true);
}

TEST(Trainer, CrossEntropyRefusesASampleNotAddingUpTo1) {
  std::string csv = one_hot_csv();
  csv += "\n0.5,0.5,0.25,0.25,0.25\n";  // a blank line, then line 63
  Trainer t;
  t.load_data(kOneHotSpec, csv);
  EXPECT_SESSION_ERROR(t.start(kClassifier),
                       "iris.csv line 63, columns setosa, versicolor, virginica: cross_entropy expects the targets of a "
                       "sample to add up to 1 (one class, or probabilities), got 0.75");
}

TEST(Trainer, MseStillStandardisesTheTargetsWithTheSameNumbers) {
  Trainer t;
  t.load_data(kData, "");
  const PreparedData data = prepare_data(parse_data_spec(kData), "");
  ASSERT_TRUE(data.targets_standardised);
  const json ready = json::parse(t.start(kSmallModel));
  EXPECT_EQ(ready["targets_standardised"], true);
  const auto same = [&](const json& d) {
    for (Eigen::Index s = 0; s < 280; s += 37)
      for (Eigen::Index k = 0; k < 54; k += 5)
        ASSERT_EQ(d["train"]["y"][static_cast<std::size_t>(54 * s + k)].get<double>(), data.split.train.Y(k, s));
    for (Eigen::Index s = 0; s < 80; s += 11)
      ASSERT_EQ(d["validation"]["y"][static_cast<std::size_t>(54 * s)].get<double>(), data.split.validation.Y(0, s));
  };
  same(json::parse(t.data_json()));
}

TEST(Trainer, SwitchingLossesGivesTheSameNumbersBack) {
  // One data set, an mse model, the classifier, mse again: each gets the very same targets.
  const std::string csv = one_hot_csv();
  CsvOptions o;
  o.source = "iris.csv";
  o.features = "x1,x2";
  const Dataset all = read_csv(csv, o);
  const PreparedData standardised = prepare_dataset(all, 1, true), as_given = prepare_dataset(all, 1, false);
  const char* mse = R"({"inputs": 2, "layers": [{"type": "dense", "units": 3}], "loss": "mse"})";
  const auto y = [](const Trainer& t) {
    const json d = json::parse(t.data_json());
    return std::make_pair(d["train"]["y"].get<std::vector<double>>(), d["validation"]["y"].get<std::vector<double>>());
  };
  const auto flat = [](const Eigen::MatrixXd& M) { return std::vector<double>(M.data(), M.data() + M.size()); };
  Trainer t;
  t.load_data(kOneHotSpec, csv);
  t.start(mse);
  EXPECT_EQ(y(t).first, flat(standardised.split.train.Y));
  EXPECT_EQ(y(t).second, flat(standardised.split.validation.Y));
  t.start(kClassifier);
  EXPECT_EQ(y(t).first, flat(as_given.split.train.Y));
  EXPECT_EQ(y(t).second, flat(as_given.split.validation.Y));
  t.start(mse);
  EXPECT_EQ(y(t).first, flat(standardised.split.train.Y));
  EXPECT_EQ(y(t).second, flat(standardised.split.validation.Y));
}

}  // namespace
