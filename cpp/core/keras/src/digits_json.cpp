// The digit quiz's JSON edge (docs/digits.md "Wasm API"): options in, answers out, for the
// trainer module's one-line bindings and the CLI.
#include <cmath>
#include <nlohmann/json.hpp>

#include "nntutor/digits.hpp"
#include "nntutor/error.hpp"
#include "nntutor/io/common.hpp"
#include "nntutor/model_json.hpp"

namespace nntutor::keras {

namespace {

using common::describe;
using common::fail;
using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

ordered vector_json(const Eigen::VectorXd& v) { return ordered(std::vector<double>(v.data(), v.data() + v.size())); }

void only(const json& object, const std::string& field, std::initializer_list<const char*> names) {
  if (!object.is_object()) fail(field, "expected an object, got " + describe(object));
  for (const auto& item : object.items()) {
    bool known = false;
    for (const char* n : names) known = known || item.key() == n;
    if (!known) {
      std::string list;
      for (const char* n : names) list += std::string(list.empty() ? "" : ", ") + n;
      fail(field + "." + item.key(), "unknown field (expected " + list + ")");
    }
  }
}

}  // namespace

DigitsModelOptions parse_digits_options(std::string_view json_text) {
  const json j = common::parse_json(json_text, "digits");
  only(j, "digits", {"hidden", "activation", "epochs", "batch_size", "seed", "learning_rate"});
  DigitsModelOptions o;
  if (j.contains("hidden")) {
    const json& h = j["hidden"];
    if (!h.is_array() || h.empty() || h.size() > static_cast<std::size_t>(kMaxDigitsHiddenLayers))
      fail("digits.hidden", "expected 1 to " + std::to_string(kMaxDigitsHiddenLayers) +
                                " numbers of units (one per hidden layer), got " + describe(h));
    o.hidden.clear();
    for (std::size_t i = 0; i < h.size(); ++i)
      o.hidden.push_back(static_cast<int>(common::whole_number(
          h[i], "digits.hidden[" + std::to_string(i) + "]", 1, ModelLimits::kMaxUnits)));
  }
  if (j.contains("activation")) {
    if (!j["activation"].is_string()) fail("digits.activation", "expected text, got " + describe(j["activation"]));
    o.activation = parse_activation(j["activation"].get<std::string>(), "digits.activation");
  }
  if (j.contains("epochs"))
    o.epochs = static_cast<int>(common::whole_number(j["epochs"], "digits.epochs", 1, ModelLimits::kMaxEpochs));
  if (j.contains("batch_size"))
    o.batch_size = static_cast<int>(common::whole_number(j["batch_size"], "digits.batch_size", 1, ModelLimits::kMaxBatchSize));
  if (j.contains("seed"))
    o.seed = static_cast<std::uint64_t>(common::whole_number(j["seed"], "digits.seed", 0, 9007199254740992LL));
  if (j.contains("learning_rate")) {
    const double lr = common::finite_number(j["learning_rate"], "digits.learning_rate");
    if (!(lr > 0)) fail("digits.learning_rate", "expected a number greater than 0, got " + j["learning_rate"].dump());
    o.learning_rate = lr;
  }
  return o;
}

std::string digits_model_json(const DigitsModelOptions& o) {
  ordered layers = ordered::array();
  for (int units : o.hidden)
    layers.push_back({{"type", "dense"}, {"units", units}, {"activation", activation_name(o.activation)}});
  layers.push_back({{"type", "dense"}, {"units", DigitsShape::kClasses}, {"activation", "softmax"}});
  ordered j;
  j["name"] = "digits";
  j["inputs"] = DigitsShape::kPixels;
  j["layers"] = std::move(layers);
  j["loss"] = "cross_entropy";
  j["optimizer"] = {{"name", "adam"}, {"learning_rate", o.learning_rate}};
  j["fit"] = {{"batch_size", o.batch_size}, {"epochs", o.epochs}, {"shuffle", true}, {"seed", o.seed}};
  j["seed"] = o.seed;
  const std::string text = j.dump();
  parse_model(text);  // every range checked as a model file's
  return text;
}

std::string digits_check_json(std::string_view model_json) {
  const ModelConfig config = parse_model(model_json);
  check_digits_model(config);
  ordered hidden = ordered::array();
  const ParameterCounts counts = count_parameters(config);
  for (std::size_t l = 0; l + 1 < counts.layers.size(); ++l)
    hidden.push_back({{"name", counts.layers[l].name}, {"units", counts.layers[l].outputs}});
  ordered j;
  j["inputs"] = config.inputs;
  j["outputs"] = DigitsShape::kClasses;
  j["hidden"] = std::move(hidden);
  return j.dump();
}

std::string preprocessed_json(const PreprocessedDigit& p) {
  ordered j;
  j["pixels"] = vector_json(p.pixels);
  j["box"] = {{"top", p.top}, {"left", p.left}, {"height", p.height}, {"width", p.width}};
  j["scale"] = p.scale;
  j["center_of_mass"] = {p.center_row, p.center_col};
  return j.dump();
}

std::string digits_preprocess_json(std::string_view image_json) {
  const json j = common::parse_json(image_json, "image");
  only(j, "image", {"width", "height", "pixels"});
  for (const char* f : {"width", "height", "pixels"})
    if (!j.contains(f)) fail(std::string("image.") + f, "missing");
  GreyImage image;
  image.width = static_cast<int>(common::whole_number(j["width"], "image.width", 1, DigitsShape::kMaxImageSide));
  image.height = static_cast<int>(common::whole_number(j["height"], "image.height", 1, DigitsShape::kMaxImageSide));
  const json& px = j["pixels"];
  if (!px.is_array()) fail("image.pixels", "expected an array of numbers, got " + describe(px));
  image.pixels.reserve(px.size());
  for (std::size_t i = 0; i < px.size(); ++i) {
    if (!px[i].is_number())
      fail("image.pixels[" + std::to_string(i) + "]", "expected a number ≥ 0, got " + describe(px[i]));
    image.pixels.push_back(px[i].get<double>());
  }
  return preprocessed_json(preprocess_digit(image));
}

std::string digits_preprocess_grey(int width, int height, const std::vector<std::uint8_t>& bytes) {
  GreyImage image;
  image.width = width;
  image.height = height;
  image.pixels.assign(bytes.begin(), bytes.end());
  return preprocessed_json(preprocess_digit(image));
}

std::string digits_quiz_json() {
  ordered j;
  for (const QuizDigit& q : quiz_digits()) {
    GreyImage image{q.cols, q.rows, q.grid};
    const PreprocessedDigit p = preprocess_digit(image);
    j[q.name] = {{"rows", q.rows}, {"cols", q.cols}, {"grid", q.grid}, {"pixels", vector_json(p.pixels)}};
  }
  return j.dump();
}

Eigen::VectorXd parse_digit_pixels(std::string_view json_text, const std::string& field) {
  const json j = common::parse_json(json_text, field);
  if (!j.is_array() || j.size() != static_cast<std::size_t>(DigitsShape::kPixels))
    fail(field, "expected an array of 784 numbers (28 × 28, row by row), got " + describe(j));
  Eigen::VectorXd v(DigitsShape::kPixels);
  for (int i = 0; i < DigitsShape::kPixels; ++i) {
    const json& x = j[static_cast<std::size_t>(i)];
    if (!x.is_number() || !(x.get<double>() >= 0 && x.get<double>() <= 1))
      fail(field + "[" + std::to_string(i) + "]", "expected a number from 0 to 1, got " + describe(x));
    v(i) = x.get<double>();
  }
  return v;
}

std::string explanation_json(const DigitExplanation& e) {
  ordered j;
  j["probabilities"] = vector_json(e.probabilities);
  j["digit"] = e.digit;
  ordered layers = ordered::array();
  for (const auto& [name, values] : e.hidden)
    layers.push_back({{"name", name}, {"units", values.size()}, {"values", vector_json(values)}});
  j["layers"] = std::move(layers);
  j["score"] = "logit";
  j["gradient"] = vector_json(e.gradient);
  j["saliency"] = vector_json(e.saliency);
  return j.dump();
}

}  // namespace nntutor::keras
