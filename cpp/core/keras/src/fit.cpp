#include "nntutor/fit.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "nntutor/error.hpp"

namespace nntutor::keras {

using Eigen::Index;

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& message) {
  throw SessionError(field + ": " + message);
}

void check_data(const Sequential& model, const Dataset& d, const std::string& field) {
  if (d.X.rows() != model.inputs())
    fail(field, "expected " + std::to_string(model.inputs()) + " features (the model's inputs), got " +
                    std::to_string(d.X.rows()));
  if (d.Y.rows() != model.outputs())
    fail(field, "expected " + std::to_string(model.outputs()) +
                    " targets (the units of the last layer), got " + std::to_string(d.Y.rows()));
  if (d.Y.cols() != d.X.cols())
    fail(field, "expected as many target columns as feature columns, got " +
                    std::to_string(d.Y.cols()) + " and " + std::to_string(d.X.cols()));
}

std::string full(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

Index count_correct(const Eigen::Ref<const Matrix>& P, const Eigen::Ref<const Matrix>& Y, Index n) {
  Index correct = 0;
  for (Index s = 0; s < n; ++s) {
    Index predicted = 0, truth = 0;
    P.col(s).maxCoeff(&predicted);
    Y.col(s).maxCoeff(&truth);
    if (predicted == truth) ++correct;
  }
  return correct;
}

Fitter::Fitter(Sequential& model, const Dataset& train, const Dataset* validation, const FitConfig& config)
    : model_(model), train_(train), validation_(validation), config_(config) {
  validate(config_);
  check_data(model_, train_, "train");
  const Index N = train_.samples();
  if (N < 1) fail("train", "expected at least 1 sample, got none");
  if (validation_) {
    check_data(model_, *validation_, "validation");
    if (validation_->samples() == 0) validation_ = nullptr;
  }
  const double parameters = static_cast<double>(model_.parameters().size());
  const double work = static_cast<double>(config_.epochs) * static_cast<double>(N) * parameters;
  if (work > ModelLimits::kMaxWork)
    fail("fit.epochs", std::to_string(config_.epochs) + " epochs × " + std::to_string(N) + " samples × " +
                           std::to_string(static_cast<long long>(parameters)) +
                           " parameters is more than the limit of 1e12; use fewer epochs or samples");

  batch_ = std::min<Index>(config_.batch_size, N);
  model_.reserve(batch_);
  xb_.resize(model_.inputs(), batch_);
  yb_.resize(model_.outputs(), batch_);
  order_.resize(static_cast<std::size_t>(N));
  std::iota(order_.begin(), order_.end(), Index{0});
  engine_.seed(config_.seed);

  if (config_.reduce_lr_on_plateau) reduce_.emplace(*config_.reduce_lr_on_plateau);
  if (config_.early_stopping) early_.emplace(*config_.early_stopping);
  const std::string missing = " monitors val_loss, but there is no validation data: it does nothing";
  if (reduce_ && reduce_->config().monitor == "val_loss" && !validation_)
    result_.warnings.push_back("ReduceLROnPlateau" + missing);
  if (early_ && early_->config().monitor == "val_loss" && !validation_)
    result_.warnings.push_back("EarlyStopping" + missing);
  if (early_ && early_->config().restore_best_weights) model_.save(best_);  // allocate once
  done_ = config_.epochs == 0;
}

const EpochLogs& Fitter::epoch() {
  if (done_) throw SessionError("fit: training has ended; start a new fit");
  const Index N = train_.samples();
  const int epoch = static_cast<int>(result_.history.size());
  if (config_.shuffle) shuffle(order_, engine_);
  EpochLogs logs;
  logs.epoch = epoch + 1;
  logs.lr = model_.optimizer().learning_rate();
  double sum = 0;
  const bool classifier = model_.config().loss == LossKind::kCrossEntropy;
  Index correct = 0;
  for (Index start = 0; start < N; start += batch_) {
    const Index n = std::min(batch_, N - start);
    for (Index i = 0; i < n; ++i) {
      const Index s = order_[static_cast<std::size_t>(start + i)];
      xb_.col(i) = train_.X.col(s);
      yb_.col(i) = train_.Y.col(s);
    }
    sum += model_.train_on_batch(xb_, yb_, n) * static_cast<double>(n);
    if (classifier) correct += count_correct(model_.batch_outputs().leftCols(n), yb_.leftCols(n), n);
  }
  if (classifier) logs.accuracy = static_cast<double>(correct) / static_cast<double>(N);
  logs.loss = sum / static_cast<double>(N);
  if (!std::isfinite(logs.loss)) {
    result_.history.push_back(logs);
    result_.stop = StopReason::kDiverged;
    result_.divergence = "the training loss of epoch " + std::to_string(logs.epoch) + " is " +
                         (std::isnan(logs.loss) ? "not a number" : "infinite") +
                         "; try a smaller learning rate";
    done_ = true;
    return result_.history.back();
  }
  if (validation_) logs.val_loss = model_.evaluate(validation_->X, validation_->Y);
  if (validation_ && classifier) {
    const Index n = validation_->samples();
    logs.val_accuracy = static_cast<double>(count_correct(model_.predict(validation_->X), validation_->Y, n)) /
                        static_cast<double>(n);
  }
  const auto monitored = [&](const std::string& name) -> std::optional<double> {
    return name == "loss" ? std::optional<double>(logs.loss) : logs.val_loss;
  };
  if (reduce_)
    model_.optimizer().set_learning_rate(reduce_->on_epoch_end(monitored(reduce_->config().monitor), logs.lr));
  if (early_) {
    const auto action = early_->on_epoch_end(epoch, monitored(early_->config().monitor));
    if (action.save_weights) model_.save(best_);
    if (action.stop) {
      done_ = true;
      result_.stop = StopReason::kEarlyStopping;
    }
  }
  result_.history.push_back(logs);
  if (static_cast<int>(result_.history.size()) >= config_.epochs) done_ = true;
  return result_.history.back();
}

void Fitter::request_stop() {
  if (done_) return;
  done_ = true;
  result_.stop = StopReason::kRequested;
}

const FitResult& Fitter::finish() {
  if (!finished_) {
    finished_ = true;
    done_ = true;
    if (early_ && early_->restore_at_end()) {
      model_.restore(best_);
      result_.restored_epoch = early_->best_epoch() + 1;
    }
  }
  return result_;
}

FitResult fit(Sequential& model, const Dataset& train, const Dataset* validation,
              const FitConfig& config, const Progress& progress) {
  Fitter fitter(model, train, validation, config);
  while (!fitter.done()) {
    const EpochLogs& logs = fitter.epoch();
    if (progress && !progress(logs)) fitter.request_stop();
  }
  return fitter.finish();
}

FitResult fit(Sequential& model, const Dataset& train, const Dataset* validation,
              const Progress& progress) {
  const FitConfig config = model.config().fit;
  return fit(model, train, validation, config, progress);
}

std::string history_csv(const FitResult& result) {
  std::string out = "epoch,loss,val_loss,lr\n";
  for (const auto& e : result.history)
    out += std::to_string(e.epoch) + "," + full(e.loss) + "," + (e.val_loss ? full(*e.val_loss) : "") +
           "," + full(e.lr) + "\n";
  return out;
}

std::string fit_result_json(const FitResult& result) {
  using nlohmann::ordered_json;
  ordered_json history = ordered_json::array();
  for (const auto& e : result.history) {
    ordered_json line;
    line["epoch"] = e.epoch;
    line["loss"] = std::isfinite(e.loss) ? ordered_json(e.loss) : ordered_json(nullptr);
    line["val_loss"] = e.val_loss ? ordered_json(*e.val_loss) : ordered_json(nullptr);
    line["lr"] = e.lr;
    history.push_back(std::move(line));
  }
  static const char* stops[] = {"completed", "early_stopping", "requested", "diverged"};
  ordered_json j;
  j["history"] = std::move(history);
  j["stop"] = stops[static_cast<int>(result.stop)];
  j["restored_epoch"] = result.restored_epoch ? ordered_json(*result.restored_epoch) : ordered_json(nullptr);
  j["divergence"] = result.divergence;
  j["warnings"] = result.warnings;
  return j.dump();
}

}  // namespace nntutor::keras
