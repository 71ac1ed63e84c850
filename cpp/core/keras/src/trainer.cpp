#include "nntutor/trainer.hpp"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "nntutor/io/common.hpp"
#include "nntutor/error.hpp"
#include "nntutor/model_json.hpp"
#include "nntutor/numbers.hpp"
#include "nntutor/threads.hpp"

namespace nntutor::keras {

namespace {

using common::fail;
using nntutor::exact_text;  // numbers.hpp

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;
using Eigen::Index;

std::string shown(const json& v) {
  std::string text = v.dump();
  return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

void only(const json& object, const std::string& field, std::initializer_list<const char*> names) {
  if (!object.is_object()) fail(field, "expected an object, got " + shown(object));
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

long long whole(const json& v, const std::string& field, long long lo, long long hi) {
  const std::string range = "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  if (!v.is_number_integer() && !v.is_number_unsigned()) {
    if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() &&
        std::fabs(v.get<double>()) < 9e15) {
      const auto n = static_cast<long long>(v.get<double>());
      if (n >= lo && n <= hi) return n;
    }
    fail(field, range + ", got " + shown(v));
  }
  if (v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(hi))
    fail(field, range + ", got " + shown(v));
  const long long n = v.get<long long>();
  if (n < lo || n > hi) fail(field, range + ", got " + shown(v));
  return n;
}

double number(const json& v, const std::string& field, double lo, double hi) {
  if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi))
    fail(field, "expected a number from " + exact_text(lo) + " to " + exact_text(hi) + ", got " + shown(v));
  return v.get<double>();
}

std::string text(const json& v, const std::string& field) {
  if (!v.is_string()) fail(field, "expected text, got " + shown(v));
  return v.get<std::string>();
}

/// JSON number or null for a value that is not finite.
ordered finite(double v) { return std::isfinite(v) ? ordered(v) : ordered(nullptr); }

/// Sets the targets of `d` from their own units (`train`, `validation`, d.test_truth): standardised
/// with the training statistics if `on` (as standardize() does), else as given.
void set_targets(PreparedData& d, const Eigen::MatrixXd& train, const Eigen::MatrixXd& validation, bool on) {
  Split& s = d.split;
  s.train.Y = train;
  s.validation.Y = validation;
  s.test.Y = d.test_truth;
  if (on) {
    d.scalers.targets = Standardizer::fit(s.train.Y);
    for (Dataset* set : {&s.train, &s.validation, &s.test}) d.scalers.targets.apply(set->Y);
  } else {
    d.scalers.targets.mean = Eigen::VectorXd::Zero(train.rows());
    d.scalers.targets.scale = Eigen::VectorXd::Ones(train.rows());
  }
  d.targets_standardised = on;
}

}  // namespace

DataSpec parse_data_spec(std::string_view json_text) {
  const json j = common::parse_json(json_text, "data");
  only(j, "data", {"builtin", "csv", "split_seed", "standardize_targets"});
  DataSpec spec;
  if (j.contains("builtin") == j.contains("csv"))
    fail("data", "expected exactly one of builtin and csv");
  if (j.contains("builtin")) {
    const json& b = j["builtin"];
    only(b, "data.builtin", {"samples", "noise", "seed"});
    SpectrumOptions o;
    if (b.contains("samples"))
      o.samples = static_cast<int>(whole(b["samples"], "data.builtin.samples", 10, DataLimits::kMaxBuiltinSamples));
    if (b.contains("noise")) o.noise = number(b["noise"], "data.builtin.noise", 0, 1);
    if (b.contains("seed"))
      o.seed = static_cast<std::uint64_t>(whole(b["seed"], "data.builtin.seed", 0, 9007199254740992LL));
    spec.builtin = o;
  } else {
    const json& c = j["csv"];
    only(c, "data.csv", {"source", "features", "targets"});
    CsvOptions o;
    if (c.contains("source")) o.source = text(c["source"], "data.csv.source");
    if (o.source.empty() || o.source.size() > 200) fail("data.csv.source", "expected a name of 1 to 200 characters");
    if (c.contains("features")) o.features = text(c["features"], "data.csv.features");
    if (c.contains("targets")) o.targets = text(c["targets"], "data.csv.targets");
    o.features_field = "feature columns";
    o.targets_field = "target columns";
    spec.csv = o;
  }
  if (j.contains("split_seed"))
    spec.split_seed = static_cast<std::uint64_t>(whole(j["split_seed"], "data.split_seed", 0, 9007199254740992LL));
  if (j.contains("standardize_targets")) {
    if (!j["standardize_targets"].is_boolean())
      fail("data.standardize_targets", "expected true or false, got " + shown(j["standardize_targets"]));
    spec.standardize_targets = j["standardize_targets"].get<bool>();
  }
  return spec;
}

PreparedData prepare_data(const DataSpec& spec, std::string_view csv) {
  const Dataset all = spec.builtin ? spectrum_dataset(*spec.builtin) : read_csv(csv, *spec.csv);
  return prepare_dataset(all, spec.split_seed, spec.standardize_targets);
}

PreparedData prepare_dataset(const Dataset& all, std::uint64_t split_seed, bool standardize_targets) {
  PreparedData d;
  d.split = split_dataset(all, split_seed);
  d.test_truth = d.split.test.Y;
  d.scalers = standardize(d.split, standardize_targets);
  d.targets_standardised = standardize_targets;
  return d;
}

TestReport test_report(Sequential& model, const PreparedData& data, int max_points) {
  const Dataset& test = data.split.test;
  TestReport r;
  r.samples = test.samples();
  if (r.samples == 0) return r;
  r.loss = model.evaluate(test.X, test.Y);
  Eigen::MatrixXd predicted = model.predict(test.X);
  data.scalers.targets.invert(predicted);
  const Eigen::MatrixXd& truth = data.test_truth;
  const Eigen::ArrayXXd error = (predicted - truth).array();
  const double n = static_cast<double>(truth.size());
  r.rmse = std::sqrt(error.square().sum() / n);
  r.mae = error.abs().sum() / n;
  const double mean = truth.mean();
  const double total = (truth.array() - mean).square().sum();
  r.r2 = total > 0 ? 1 - error.square().sum() / total : 0;
  r.total_points = truth.size();
  const Index keep = std::min<Index>(std::max(max_points, 0), r.total_points);
  for (Index i = 0; i < keep; ++i) {
    // Evenly over the (target, sample) values, column by column (sample by sample).
    const Index at = keep == r.total_points ? i : i * r.total_points / keep;
    r.truth.push_back(truth(at % truth.rows(), at / truth.rows()));
    r.predicted.push_back(predicted(at % truth.rows(), at / truth.rows()));
  }
  return r;
}

std::string summary_json(std::string_view model_json) {
  const ModelConfig config = parse_model(model_json);
  const ParameterCounts counts = count_parameters(config);
  ordered j;
  j["text"] = summary(config);
  j["total"] = counts.total;
  j["trainable"] = counts.trainable;
  j["non_trainable"] = counts.non_trainable;
  j["epochs"] = config.fit.epochs;  // the page's progress label before a training: "epoch 0 of 20"
  return j.dump();
}

Trainer::Trainer() = default;
Trainer::~Trainer() = default;

std::string Trainer::load_data(std::string_view spec_json, std::string_view csv) {
  fitter_.reset();
  model_.reset();
  data_.reset();
  refusals_.clear();
  digits_ = false;
  const DataSpec spec = parse_data_spec(spec_json);
  std::unique_ptr<PreparedData> data;
  {
    const Dataset all = spec.builtin ? spectrum_dataset(*spec.builtin) : read_csv(csv, *spec.csv);
    data = std::make_unique<PreparedData>(prepare_dataset(all, spec.split_seed, false));
    // Which losses cannot take these targets, found now while the lines are in order.
    for (const LossInfo& row : losses()) {
      if (row.targets == Targets::kAny) continue;
      try {
        check_targets(all, row.kind, spec.builtin ? "the built-in data" : spec.csv->source);
      } catch (const SessionError& e) {
        refusals_.emplace_back(row.kind, e.what());
      }
    }
  }
  train_targets_ = data->split.train.Y;
  validation_targets_ = data->split.validation.Y;
  standardize_targets_ = spec.standardize_targets;
  // Until a model says otherwise, the data are prepared as the spec says (data_json()).
  if (standardize_targets_) set_targets(*data, train_targets_, validation_targets_, true);
  data_ = std::move(data);
  const Split& s = data_->split;
  ordered j;
  j["samples"] = s.train.samples() + s.validation.samples() + s.test.samples();
  j["train"] = s.train.samples();
  j["validation"] = s.validation.samples();
  j["test"] = s.test.samples();
  j["features"] = s.train.feature_names;
  j["targets"] = s.train.target_names;
  return j.dump();
}

std::string Trainer::start(std::string_view model_json) {
  if (!data_) throw SessionError("train: no data loaded yet");
  fitter_.reset();
  model_ = std::make_unique<Sequential>(parse_model(model_json));
  const LossKind loss = model_->config().loss;
  for (const auto& [kind, message] : refusals_)
    if (kind == loss) {
      model_.reset();
      throw SessionError(message);
    }
  // Keras never standardises targets; the trainer does it for a regression loss only.
  const bool standardised = standardize_targets_ && standardises_targets(loss);
  if (standardised != data_->targets_standardised)
    set_targets(*data_, train_targets_, validation_targets_, standardised);
  if (digits_) {
    try {
      check_digits_model(model_->config());
    } catch (const SessionError&) {
      model_.reset();
      throw;
    }
  }
  const Split& s = data_->split;
  const Dataset* validation = s.validation.samples() > 0 ? &s.validation : nullptr;
  try {
    fitter_ = std::make_unique<Fitter>(*model_, s.train, validation, model_->config().fit);
  } catch (const SessionError& e) {
    // "train: expected 9 features (the model's inputs), got 4" names the model's side too.
    throw SessionError(std::string("the model does not fit the data: ") + e.what());
  }
  // Auto mode: the count for this model, timed over the first epochs (threads_before_epoch).
  threads_for_training(model_->config(), static_cast<int>(fitter_->batch_size()), /*timed=*/true);
  ordered j;
  j["summary"] = summary(model_->config());
  j["epochs"] = fitter_->epochs();
  j["batch_size"] = fitter_->batch_size();
  j["train"] = s.train.samples();
  j["parameters"] = model_->parameters().size();
  j["targets_standardised"] = data_->targets_standardised;
  j["threads"] = ordered::parse(threads_json());
  return j.dump();
}

std::string Trainer::epoch() {
  if (!fitter_) throw SessionError("train: no model started");
  threads_before_epoch();
  const auto began = std::chrono::steady_clock::now();
  const EpochLogs& logs = fitter_->epoch();
  threads_after_epoch(std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  ordered j;
  j["epoch"] = logs.epoch;
  j["loss"] = finite(logs.loss);
  j["val_loss"] = logs.val_loss ? finite(*logs.val_loss) : ordered(nullptr);
  j["lr"] = logs.lr;
  if (logs.accuracy) j["accuracy"] = finite(*logs.accuracy);
  if (logs.val_accuracy) j["val_accuracy"] = finite(*logs.val_accuracy);
  j["done"] = fitter_->done();
  // While auto mode times the count, and once it chose: the page's threads line follows it.
  if (threads_timed()) j["threads"] = ordered::parse(threads_json());
  return j.dump();
}

std::string Trainer::finish(int max_points) {
  if (!fitter_) throw SessionError("train: no model started");
  fitter_->request_stop();
  ordered j = ordered::parse(fit_result_json(fitter_->finish()));
  const TestReport t = test_report(*model_, *data_, max_points);
  ordered test;
  test["samples"] = t.samples;
  test["loss"] = finite(t.loss);
  test["targets_standardised"] = data_->targets_standardised;
  test["rmse"] = finite(t.rmse);
  test["mae"] = finite(t.mae);
  test["r2"] = finite(t.r2);
  ordered truth = ordered::array(), predicted = ordered::array();
  for (double v : t.truth) truth.push_back(finite(v));
  for (double v : t.predicted) predicted.push_back(finite(v));
  test["points"] = {{"truth", truth}, {"predicted", predicted},
                    {"shown", t.truth.size()}, {"total", t.total_points}};
  if (digits_) test["accuracy"] = digits_report(*model_, data_->split.test.X, digit_labels_, 0).accuracy;
  j["test"] = std::move(test);
  return j.dump();
}

std::string Trainer::data_json() const {
  if (!data_) throw SessionError("data: no data loaded yet");
  const auto side = [](const Eigen::MatrixXd& M) {
    // Column-major features × samples is row-major samples × features.
    return ordered(std::vector<double>(M.data(), M.data() + M.size()));
  };
  const auto set = [&](const Dataset& d) {
    return ordered{{"x", side(d.X)}, {"y", side(d.Y)}, {"samples", d.samples()}};
  };
  ordered j;
  j["train"] = set(data_->split.train);
  j["validation"] = set(data_->split.validation);
  return j.dump();
}

std::string Trainer::model_json() const {
  if (!model_) throw SessionError("model: no model trained yet");
  return keras::model_to_json(*model_);
}

std::string Trainer::load_digits(std::string_view bytes) {
  fitter_.reset();
  model_.reset();
  data_.reset();
  refusals_.clear();
  digits_ = false;
  DigitsSplit d = split_digits(read_digits(bytes));
  auto data = std::make_unique<PreparedData>();
  data->split = std::move(d.split);
  data->test_truth = data->split.test.Y;
  // Pixels are byte/255 and targets one-hot: nothing is standardised (identity scalers).
  const Index features = data->split.train.X.rows(), targets = data->split.train.Y.rows();
  data->scalers.features.mean = Eigen::VectorXd::Zero(features);
  data->scalers.features.scale = Eigen::VectorXd::Ones(features);
  data->scalers.targets.mean = Eigen::VectorXd::Zero(targets);
  data->scalers.targets.scale = Eigen::VectorXd::Ones(targets);
  data->targets_standardised = false;
  train_targets_ = data->split.train.Y;
  validation_targets_ = data->split.validation.Y;
  standardize_targets_ = false;
  digit_labels_ = std::move(d.test_labels);
  digit_indices_ = std::move(d.test_index);
  data_ = std::move(data);
  digits_ = true;
  const Split& s = data_->split;
  ordered j;
  j["samples"] = s.train.samples() + s.validation.samples() + s.test.samples();
  j["train"] = s.train.samples();
  j["validation"] = s.validation.samples();
  j["test"] = s.test.samples();
  j["rows"] = DigitsShape::kRows;
  j["cols"] = DigitsShape::kCols;
  j["classes"] = DigitsShape::kClasses;
  return j.dump();
}

Sequential& Trainer::digits_model(const char* what) {
  if (!model_) throw SessionError(std::string(what) + ": no model yet (train one, or load one and start it)");
  check_digits_model(model_->config());
  return *model_;
}

std::string Trainer::digits_explain(std::string_view pixels_json) {
  Sequential& model = digits_model("explain");
  return explanation_json(explain_digit(model, parse_digit_pixels(pixels_json)));
}

std::string Trainer::digits_results(int least_sure) {
  if (!digits_) throw SessionError("results: the digits are not loaded");
  Sequential& model = digits_model("results");
  const DigitsReport r = digits_report(model, data_->split.test.X, digit_labels_, least_sure);
  ordered j;
  j["samples"] = r.samples;
  j["accuracy"] = r.accuracy;
  ordered confusion = ordered::array();
  for (int t = 0; t < DigitsShape::kClasses; ++t) {
    ordered row = ordered::array();
    for (int p = 0; p < DigitsShape::kClasses; ++p) row.push_back(r.confusion(t, p));
    confusion.push_back(std::move(row));
  }
  j["confusion"] = std::move(confusion);
  j["cells"] = r.cells;
  ordered unsure = ordered::array();
  for (const DigitsReport::Unsure& u : r.least_sure)
    unsure.push_back({{"index", u.index}, {"file_index", digit_indices_[static_cast<std::size_t>(u.index)]},
                      {"label", u.label}, {"predicted", u.predicted}, {"confidence", u.confidence},
                      {"margin", u.margin}});
  j["least_sure"] = std::move(unsure);
  j["measure"] = "max_probability";
  return j.dump();
}

std::string Trainer::digits_test(std::string_view indices_json) {
  if (!digits_) throw SessionError("test digits: the digits are not loaded");
  const json j = common::parse_json(indices_json, "indices");
  const Index n = data_->split.test.samples();
  if (!j.is_array() || j.size() > 100)
    fail("indices", "expected an array of at most 100 test indices, got " + common::describe(j));
  ordered out = ordered::array();
  for (std::size_t k = 0; k < j.size(); ++k) {
    const Index i = static_cast<Index>(common::whole_number(j[k], "indices[" + std::to_string(k) + "]", 0, n - 1));
    const Eigen::VectorXd x = data_->split.test.X.col(i);
    ordered d;
    d["index"] = i;
    d["file_index"] = digit_indices_[static_cast<std::size_t>(i)];
    d["label"] = digit_labels_[static_cast<std::size_t>(i)];
    if (model_) {
      const Eigen::VectorXd p = model_->predict(Eigen::MatrixXd(x)).col(0);
      int best = 0;
      for (int c = 1; c < p.size(); ++c)
        if (p(c) > p(best)) best = c;
      d["predicted"] = best;
      d["probabilities"] = std::vector<double>(p.data(), p.data() + p.size());
    } else {
      d["predicted"] = nullptr;
      d["probabilities"] = nullptr;
    }
    d["pixels"] = std::vector<double>(x.data(), x.data() + x.size());
    out.push_back(std::move(d));
  }
  return out.dump();
}

}  // namespace nntutor::keras
