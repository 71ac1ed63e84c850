// The digit quiz's core (docs/digits.md): the digits file, the fixed split, the default model
// and its check, MNIST's preprocessing, the slide's quiz digits, the explanation of one
// prediction and the test set's confusion matrix. JSON adapters are in digits_json.cpp.
#include "nntutor/digits.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "nntutor/error.hpp"
#include "nntutor/init.hpp"
#include "nntutor/io/common.hpp"

namespace nntutor::keras {

using Eigen::Index;
using common::fail;

namespace {

using S = DigitsShape;

std::uint32_t u32(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}

std::vector<std::string> pixel_names() {
  std::vector<std::string> names;
  names.reserve(S::kPixels);
  for (int r = 0; r < S::kRows; ++r)
    for (int c = 0; c < S::kCols; ++c) names.push_back("r" + std::to_string(r) + "c" + std::to_string(c));
  return names;
}

std::vector<std::string> digit_names() {
  std::vector<std::string> names;
  for (int d = 0; d < S::kClasses; ++d) names.push_back("digit_" + std::to_string(d));
  return names;
}

Dataset subset(const Digits& all, const std::vector<Index>& order, std::size_t from, std::size_t count) {
  Dataset d;
  d.feature_names = all.data.feature_names;
  d.target_names = all.data.target_names;
  d.X.resize(S::kPixels, static_cast<Index>(count));
  d.Y.resize(S::kClasses, static_cast<Index>(count));
  for (std::size_t i = 0; i < count; ++i) {
    d.X.col(static_cast<Index>(i)) = all.data.X.col(order[from + i]);
    d.Y.col(static_cast<Index>(i)) = all.data.Y.col(order[from + i]);
  }
  return d;
}

/// The first of the largest.
int argmax(const Eigen::Ref<const Eigen::VectorXd>& v) {
  int best = 0;
  for (int i = 1; i < v.size(); ++i)
    if (v(i) > v(best)) best = i;
  return best;
}

/// How much of source pixel [p, p + 1) lies in [a, b).
double overlap(double a, double b, int p) {
  return std::max(0.0, std::min(b, p + 1.0) - std::max(a, static_cast<double>(p)));
}

/// The weights of the source pixels `from` … `from + n − 1` in each of the 28 field pixels
/// along one axis: field pixel R covers source [from + (R − offset)/s, from + (R + 1 − offset)/s).
Eigen::MatrixXd axis_weights(int n, double offset, double s) {
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(S::kRows, n);
  for (int R = 0; R < S::kRows; ++R) {
    const double a = (R - offset) / s, b = (R + 1 - offset) / s;
    const int first = std::max(0, static_cast<int>(std::floor(a)));
    const int last = std::min(n - 1, static_cast<int>(std::ceil(b)));
    for (int p = first; p <= last; ++p) A(R, p) = overlap(a, b, p) * s;  // in field units
  }
  return A;
}

}  // namespace

Digits read_digits(std::string_view bytes, const std::string& source) {
  if (bytes.size() < static_cast<std::size_t>(S::kHeaderBytes))
    throw SessionError(source + ": expected at least a 16-byte header, got " + std::to_string(bytes.size()) +
                       " bytes");
  if (bytes.substr(0, 8) != "NNTDIGIT")
    throw SessionError(source + ": expected the magic NNTDIGIT at byte 0 (not a digits file)");
  const auto byte = [&](std::size_t at) { return static_cast<int>(static_cast<unsigned char>(bytes[at])); };
  if (byte(8) != S::kVersion)
    throw SessionError(source + ": expected format version 1 at byte 8, got " + std::to_string(byte(8)));
  if (byte(9) != S::kRows || byte(10) != S::kCols || byte(11) != S::kClasses)
    throw SessionError(source + ": expected 28 rows, 28 columns and 10 classes at bytes 9-11, got " +
                       std::to_string(byte(9)) + ", " + std::to_string(byte(10)) + " and " +
                       std::to_string(byte(11)));
  const std::uint32_t n = u32(bytes, 12);
  if (n < 10 || n > static_cast<std::uint32_t>(DataLimits::kMaxBuiltinSamples))
    throw SessionError(source + ": expected 10 to " + std::to_string(DataLimits::kMaxBuiltinSamples) +
                       " digits at bytes 12-15, got " + std::to_string(n));
  const std::size_t want = S::kHeaderBytes + static_cast<std::size_t>(n) * (1 + S::kPixels);
  if (bytes.size() != want)
    throw SessionError(source + ": expected " + std::to_string(want) + " bytes for " + std::to_string(n) +
                       " digits, got " + std::to_string(bytes.size()));
  Digits d;
  d.data.feature_names = pixel_names();
  d.data.target_names = digit_names();
  d.labels.resize(n);
  d.data.X.resize(S::kPixels, n);
  d.data.Y = Eigen::MatrixXd::Zero(S::kClasses, n);
  const std::size_t pixels = S::kHeaderBytes + n;
  for (std::uint32_t i = 0; i < n; ++i) {
    const int label = byte(S::kHeaderBytes + i);
    if (label >= S::kClasses)
      throw SessionError(source + ": the label of digit " + std::to_string(i) + " (byte " +
                         std::to_string(S::kHeaderBytes + i) + ") is " + std::to_string(label) +
                         ", expected 0 to 9");
    d.labels[i] = label;
    d.data.Y(label, i) = 1;
    const std::size_t at = pixels + static_cast<std::size_t>(i) * S::kPixels;
    for (int p = 0; p < S::kPixels; ++p) d.data.X(p, i) = byte(at + p) / 255.0;
  }
  return d;
}

DigitsSplit split_digits(const Digits& digits) {
  const Index n = digits.data.samples();
  if (n < 10) throw SessionError("digits: expected at least 10 digits to split, got " + std::to_string(n));
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  std::mt19937_64 engine(1);
  shuffle(order, engine);
  const auto train = static_cast<std::size_t>(n * 8 / 10), validation = static_cast<std::size_t>(n / 10);
  const std::size_t test = static_cast<std::size_t>(n) - train - validation;
  DigitsSplit s;
  s.split.train = subset(digits, order, 0, train);
  s.split.validation = subset(digits, order, train, validation);
  s.split.test = subset(digits, order, train + validation, test);
  s.train_index.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(train));
  s.validation_index.assign(order.begin() + static_cast<std::ptrdiff_t>(train),
                            order.begin() + static_cast<std::ptrdiff_t>(train + validation));
  s.test_index.assign(order.begin() + static_cast<std::ptrdiff_t>(train + validation), order.end());
  for (Index i : s.test_index) s.test_labels.push_back(digits.labels[static_cast<std::size_t>(i)]);
  return s;
}

void check_digits_model(const ModelConfig& config) {
  if (config.inputs != S::kPixels)
    fail("inputs", "the digits need 784 inputs (28 × 28 pixels), got " + std::to_string(config.inputs));
  if (config.layers.empty()) fail("layers", "the digits need a last layer of 10 outputs, got no layers");
  // The output width of every layer: dense and maxout set it, the others keep their input's.
  int width = config.inputs;
  for (const LayerConfig& c : config.layers)
    if (c.kind == LayerKind::kDense || c.kind == LayerKind::kMaxout) width = c.units;
  if (width != S::kClasses) {
    // Name the layer that sets the output's width.
    std::size_t l = config.layers.size() - 1;
    while (l > 0 && config.layers[l].kind != LayerKind::kDense && config.layers[l].kind != LayerKind::kMaxout) --l;
    const LayerConfig& c = config.layers[l];
    const std::string name = c.name.empty() ? layer_type_name(c.kind) : c.name;
    fail("layers[" + std::to_string(l) + "] (" + name + ")",
         "the digits need 10 outputs (one per digit), got " + std::to_string(width));
  }
}

PreprocessedDigit preprocess_digit(const GreyImage& image) {
  const auto side = [](int v, const char* field) {
    if (v < 1 || v > S::kMaxImageSide)
      fail(std::string("image.") + field, "expected a whole number from 1 to " +
                                              std::to_string(S::kMaxImageSide) + ", got " + std::to_string(v));
  };
  side(image.width, "width");
  side(image.height, "height");
  const std::size_t count = static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height);
  if (image.pixels.size() != count)
    fail("image.pixels", "expected " + std::to_string(count) + " numbers (height × width), got " +
                             std::to_string(image.pixels.size()));
  double peak = 0;
  int top = image.height, bottom = -1, left = image.width, right = -1;
  for (int r = 0; r < image.height; ++r)
    for (int c = 0; c < image.width; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * image.width + c;
      const double v = image.pixels[i];
      if (!std::isfinite(v) || v < 0)
        fail("image.pixels[" + std::to_string(i) + "]", "expected a finite number ≥ 0, got " + common::shortest_number(v));
      if (v > 0) {
        peak = std::max(peak, v);
        top = std::min(top, r);
        bottom = std::max(bottom, r);
        left = std::min(left, c);
        right = std::max(right, c);
      }
    }
  if (bottom < 0) throw SessionError("the image is empty: no pixel has ink (draw a digit first)");
  PreprocessedDigit p;
  p.top = top;
  p.left = left;
  p.height = bottom - top + 1;
  p.width = right - left + 1;
  p.scale = static_cast<double>(S::kBox) / std::max(p.height, p.width);
  // The ink of the box, 0…1, and its centre of mass (pixel (r, c) at r + ½, c + ½).
  Eigen::MatrixXd F(p.height, p.width);
  double mass = 0, my = 0, mx = 0;
  for (int r = 0; r < p.height; ++r)
    for (int c = 0; c < p.width; ++c) {
      const double v = image.pixels[static_cast<std::size_t>(top + r) * image.width + left + c] / peak;
      F(r, c) = v;
      mass += v;
      my += v * (r + 0.5);
      mx += v * (c + 0.5);
    }
  // Field coordinate u = offset + s·(box coordinate); the centre of mass goes to 14.
  const double center = S::kRows / 2.0;
  const double oy = center - p.scale * my / mass, ox = center - p.scale * mx / mass;
  const Eigen::MatrixXd A = axis_weights(p.height, oy, p.scale);
  const Eigen::MatrixXd B = axis_weights(p.width, ox, p.scale);
  const Eigen::MatrixXd G = (A * F * B.transpose()).cwiseMin(1.0);  // 28 × 28, the mean over each field pixel
  p.pixels.resize(S::kPixels);
  double m = 0, cy = 0, cx = 0;
  for (int r = 0; r < S::kRows; ++r)
    for (int c = 0; c < S::kCols; ++c) {
      const double v = G(r, c);
      p.pixels(r * S::kCols + c) = v;
      m += v;
      cy += v * (r + 0.5);
      cx += v * (c + 0.5);
    }
  if (!(m > 0)) throw SessionError("the image is empty: no pixel has ink (draw a digit first)");
  p.center_row = cy / m;
  p.center_col = cx / m;
  return p;
}

const std::vector<QuizDigit>& quiz_digits() {
  // The slides' two versions of the quiz (../shared/quiz-digit-a.csv and quiz-digit-b.csv):
  // a "3" of 14 rows × 17 columns; in "b" rows 7–8 sit one column further right.
  static const std::vector<QuizDigit> digits = [] {
    const std::vector<double> a = {
        0, 0, 0, 0, 0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0.5, 0.9, 1,   1,   0.7, 0,   0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0.4, 0.3, 0.4, 0.5, 1,   0.5, 0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,   0,   0,   0.6, 1,   0.5, 0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,   0,   0.3, 0.9, 0.9, 0.5, 0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,   1,   1,   0.9, 0.4, 0,   0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,   0.1, 0.1, 0.5, 0.9, 0.6, 0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,   0,   0,   0,   0.2, 1,   0.4, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0.1, 0.4, 0, 0,   0,   0.4, 1,   0.4, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0.4, 0.7, 0.3, 0.5, 0.8, 1, 0.7, 0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0.6, 1,   1,   0.8, 0.4, 0,   0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0, 0, 0};
    std::vector<double> b = a;
    // Rows 7–8 (1-based; 6–7 from 0) one column further right.
    for (int r : {6, 7}) {
      for (int c = 16; c > 0; --c) b[static_cast<std::size_t>(r * 17 + c)] = a[static_cast<std::size_t>(r * 17 + c - 1)];
      b[static_cast<std::size_t>(r * 17)] = 0;
    }
    return std::vector<QuizDigit>{{"a", 14, 17, a}, {"b", 14, 17, b}};
  }();
  return digits;
}

DigitExplanation explain_digit(Sequential& model, const Eigen::VectorXd& pixels) {
  check_digits_model(model.config());
  if (pixels.size() != S::kPixels)
    fail("pixels", "expected 784 numbers (28 × 28), got " + std::to_string(pixels.size()));
  DigitExplanation e;
  const Eigen::MatrixXd X = pixels;
  e.probabilities = model.predict(X).col(0);
  e.digit = argmax(e.probabilities);
  Sequential::InputGradient g = model.input_gradient(pixels, e.digit);
  for (std::size_t l = 0; l + 1 < g.outputs.size(); ++l)
    e.hidden.emplace_back(model.layers()[l].config.name, std::move(g.outputs[l]));
  e.gradient = std::move(g.gradient);
  e.saliency = e.gradient.cwiseProduct(pixels);
  return e;
}

DigitsReport digits_report(Sequential& model, const Eigen::MatrixXd& X, const std::vector<int>& labels,
                           int least_sure) {
  check_digits_model(model.config());
  if (static_cast<std::size_t>(X.cols()) != labels.size() || X.rows() != S::kPixels)
    fail("test", "expected 784 rows and one label per column");
  DigitsReport r;
  r.samples = X.cols();
  if (least_sure < 0 || least_sure > r.samples)
    fail("least_sure", "expected a whole number from 0 to " + std::to_string(r.samples) + ", got " +
                           std::to_string(least_sure));
  r.confusion = Eigen::MatrixXi::Zero(S::kClasses, S::kClasses);
  r.cells.assign(S::kClasses, std::vector<std::vector<Index>>(S::kClasses));
  if (r.samples == 0) return r;
  r.probabilities = model.predict(X);
  std::vector<Index> order(static_cast<std::size_t>(r.samples));
  std::vector<double> confidence(order.size());
  for (Index i = 0; i < r.samples; ++i) {
    const int p = argmax(r.probabilities.col(i));
    const int t = labels[static_cast<std::size_t>(i)];
    r.predicted.push_back(p);
    r.confusion(t, p) += 1;
    r.cells[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)].push_back(i);
    if (p == t) ++r.correct;
    order[static_cast<std::size_t>(i)] = i;
    confidence[static_cast<std::size_t>(i)] = r.probabilities(p, i);
  }
  r.accuracy = static_cast<double>(r.correct) / static_cast<double>(r.samples);
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    return confidence[static_cast<std::size_t>(a)] < confidence[static_cast<std::size_t>(b)];
  });
  for (int j = 0; j < least_sure; ++j) {
    const Index i = order[static_cast<std::size_t>(j)];
    DigitsReport::Unsure u;
    u.index = i;
    u.label = labels[static_cast<std::size_t>(i)];
    u.predicted = r.predicted[static_cast<std::size_t>(i)];
    u.confidence = confidence[static_cast<std::size_t>(i)];
    Eigen::VectorXd p = r.probabilities.col(i);
    std::sort(p.data(), p.data() + p.size(), std::greater<>());
    u.margin = p(0) - p(1);
    r.least_sure.push_back(u);
  }
  return r;
}

}  // namespace nntutor::keras
