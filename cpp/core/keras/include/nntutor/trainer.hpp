#pragma once
/// Trainer mode (the page's trainer, in a Web Worker; the same steps as `nntutor train`): the
/// data chosen by a small JSON spec, split 70/20/10 and standardised; a model trained one epoch
/// at a time (Fitter); then the test set's errors in the data's own units. Every answer is
/// JSON, so the Wasm binding is one line per method. docs/model.md "Trainer mode".
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nntutor/dataset.hpp"
#include "nntutor/digits.hpp"
#include "nntutor/fit.hpp"
#include "nntutor/model.hpp"

namespace nntutor::keras {

/// What the data spec chooses. JSON: {"builtin": {"samples": 10000, "noise": 0.01, "seed": 1}}
/// or {"csv": {"source": "file.csv", "features": "1-9", "targets": "flux_355"}}, with
/// "split_seed" (1) and "standardize_targets" (true) beside either. Targets are standardised
/// only when this allows it and the model's loss is a regression loss (standardises_targets).
struct DataSpec {
  std::optional<SpectrumOptions> builtin;
  std::optional<CsvOptions> csv;
  std::uint64_t split_seed = 1;
  bool standardize_targets = true;
};

/// Parses and checks the spec; SessionError naming the field (e.g. "data.builtin.samples:
/// expected a whole number from 10 to 100000, got 5"). Unknown fields are rejected.
DataSpec parse_data_spec(std::string_view json_text);

/// The data of a spec, split and standardised.
struct PreparedData {
  Split split;                ///< standardised
  Scalers scalers;            ///< the training set's statistics
  Eigen::MatrixXd test_truth; ///< the test targets in the data's own units
  bool targets_standardised = false;  ///< the targets too (else their scaler is the identity)
};

/// Reads the data of `spec` (`csv`: the file's text when the spec says csv), then
/// prepare_dataset with spec.split_seed and spec.standardize_targets.
PreparedData prepare_data(const DataSpec& spec, std::string_view csv);

/// Splits `all` 70/20/10 with `split_seed` and standardises it with the training statistics
/// (the targets too if `standardize_targets`): what the page and `nntutor train` both do, with
/// `standardize_targets` = standardises_targets(the model's loss).
PreparedData prepare_dataset(const Dataset& all, std::uint64_t split_seed, bool standardize_targets = true);

/// The test set's errors: the loss as trained (standardised units), and RMSE, MAE and R² of
/// the predictions in the data's own units over every (target, sample) value, with at most
/// `max_points` of the (true, predicted) pairs, taken evenly, for the plot.
struct TestReport {
  Eigen::Index samples = 0;
  double loss = 0, rmse = 0, mae = 0, r2 = 0;
  std::vector<double> truth, predicted;
  Eigen::Index total_points = 0;
};
TestReport test_report(Sequential& model, const PreparedData& data, int max_points);

/// The model's summary as JSON: {"text", "total", "trainable", "non_trainable"}.
std::string summary_json(std::string_view model_json);

/// One training session of the page: load data, start a model, run epochs, finish.
class Trainer {
 public:
  Trainer();
  ~Trainer();
  /// Reads and prepares the data (a running training is dropped); returns {"samples", "train",
  /// "validation", "test", "features": [names], "targets": [names]}.
  std::string load_data(std::string_view spec_json, std::string_view csv);
  /// Builds the model from its JSON (its start weights, if given: training goes on from them)
  /// for the loaded data; returns {"summary", "epochs", "batch_size", "train", "parameters",
  /// "targets_standardised"}: the targets are standardised only for a regression loss (and if
  /// the data spec allows it). SessionError without data, when the model does not fit the data,
  /// or when its loss cannot take the targets (check_targets: the CSV's line and column).
  std::string start(std::string_view model_json);
  /// Runs the next epoch: {"epoch", "loss", "val_loss", "lr", "done"}, and for a classifier
  /// (loss cross_entropy) "accuracy" and "val_accuracy" between "lr" and "done" (EpochLogs);
  /// while auto mode times the thread count, and once it chose, also "threads" (threads_json():
  /// threads.hpp, threads_before_epoch). The epoch is timed for it.
  std::string epoch();
  /// Ends training (EarlyStopping's restore) and reports: fit_result_json's fields plus
  /// "test": {"samples", "loss", "targets_standardised", "rmse", "mae", "r2", "points":
  /// {"truth", "predicted", "shown", "total"}} ("loss" is in the units trained on: standardised
  /// targets if "targets_standardised").
  std::string finish(int max_points = 2000);
  /// The model as it is now (model_to_json).
  std::string model_json() const;
  /// The prepared (standardised) training and validation sets, one array per set and side,
  /// sample by sample: {"train": {"x": [n·features], "y": [n·targets], "samples": n},
  /// "validation": {…}} — for benchmarks that train another library on the very same numbers.
  std::string data_json() const;

  // The digit quiz (docs/digits.md "Wasm API").
  /// Reads digits.bin (read_digits), splits it 8000/1000/1000 (split_digits), no
  /// standardisation; returns {"samples", "train", "validation", "test", "rows", "cols",
  /// "classes"}. start() then refuses a model that is not 784 → … → 10 (check_digits_model).
  std::string load_digits(std::string_view bytes);
  /// The current model's explanation of 784 pixels (a JSON array, 0…1): explanation_json.
  std::string digits_explain(std::string_view pixels_json);
  /// The test set's results (digits_report) as {"samples", "accuracy", "confusion", "cells",
  /// "least_sure", "measure"}.
  std::string digits_results(int least_sure);
  /// Test digits by index (a JSON array of at most 100): [{"index", "file_index", "label",
  /// "predicted", "probabilities", "pixels"}].
  std::string digits_test(std::string_view indices_json);

 private:
  Sequential& digits_model(const char* what);
  bool digits_ = false;
  std::vector<int> digit_labels_;            ///< of the test set
  std::vector<Eigen::Index> digit_indices_;  ///< the test set's indices in the file

  std::unique_ptr<PreparedData> data_;
  /// The training and validation targets in the data's own units (the test's: test_truth), so
  /// that each model's loss gets its targets standardised or not from the same numbers.
  Eigen::MatrixXd train_targets_, validation_targets_;
  bool standardize_targets_ = true;  ///< the data spec's standardize_targets
  /// For each loss that refuses some of the loaded targets, check_targets' message.
  std::vector<std::pair<LossKind, std::string>> refusals_;
  std::unique_ptr<Sequential> model_;
  std::unique_ptr<Fitter> fitter_;
};

}  // namespace nntutor::keras
