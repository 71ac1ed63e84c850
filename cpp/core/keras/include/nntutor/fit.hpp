#pragma once
/// model.fit as Keras 3 runs it: shuffled mini-batches, one optimizer step per batch, the
/// validation loss in inference mode after each epoch, ReduceLROnPlateau and EarlyStopping, and
/// the history of loss, val_loss and lr. docs/model.md "Training".
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "nntutor/dataset.hpp"
#include "nntutor/model.hpp"

namespace nntutor::keras {

/// One epoch's line of the history.
struct EpochLogs {
  int epoch = 0;    ///< 1-based, as Keras prints "Epoch 1/300"
  double loss = 0;  ///< mean of the batch losses, weighted by batch size (Keras' loss tracker)
  std::optional<double> val_loss;  ///< the validation loss in inference mode, if there is data
  double lr = 0;    ///< the learning rate used in this epoch (Keras 3 logs it as learning_rate)
  /// Keras' "accuracy" metric of a classifier (loss cross_entropy; categorical accuracy: the
  /// share of samples whose largest output is their target's largest, the first of equal ones
  /// winning): on the training batches as they were trained (each before its update, as the
  /// loss), and on the validation data in inference mode after the epoch. Empty otherwise.
  std::optional<double> accuracy, val_accuracy;
};

/// Categorical accuracy of outputs `P` against targets `Y` (outputs × samples, first `n`
/// columns): how many samples have argmax P = argmax Y (the first of equal values).
Eigen::Index count_correct(const Eigen::Ref<const Matrix>& P, const Eigen::Ref<const Matrix>& Y, Eigen::Index n);

enum class StopReason {
  kCompleted,      ///< every epoch ran
  kEarlyStopping,  ///< EarlyStopping stopped training
  kRequested,      ///< the progress callback asked to stop
  kDiverged,       ///< the training loss was not finite (Keras would carry on with NaN)
};

/// What fit() did.
struct FitResult {
  std::vector<EpochLogs> history;
  StopReason stop = StopReason::kCompleted;
  std::optional<int> restored_epoch;  ///< 1-based epoch whose weights EarlyStopping restored
  std::string divergence;             ///< why, when stop is kDiverged
  std::vector<std::string> warnings;  ///< what Keras would warn about, e.g. a missing val_loss
};

/// Called after every epoch (after the callbacks) with that epoch's logs; returning false stops
/// training after this epoch, like setting Keras' model.stop_training.
using Progress = std::function<bool(const EpochLogs&)>;

/// fit() one epoch at a time, for a caller that must get control back between epochs (the
/// page's Web Worker reads Pause and Stop there). The same numbers as fit(): fit() is a loop
/// over it. Buffers are allocated in the constructor; the model and the data sets must outlive
/// the Fitter.
class Fitter {
 public:
  /// SessionError as fit() for data that do not fit the model or too much work.
  Fitter(Sequential& model, const Dataset& train, const Dataset* validation, const FitConfig& config);
  /// True when every epoch ran, EarlyStopping stopped, the loss diverged or a stop was asked.
  bool done() const { return done_; }
  /// Runs the next epoch (shuffle, batches, val_loss, callbacks) and returns its logs.
  /// SessionError once done().
  const EpochLogs& epoch();
  /// Ends training after the epoch that ran last (StopReason::kRequested), unless it has ended.
  void request_stop();
  /// Ends training: EarlyStopping restores the best weights if asked. Safe to call again.
  const FitResult& finish();
  const FitResult& result() const { return result_; }
  int epochs() const { return config_.epochs; }
  Eigen::Index batch_size() const { return batch_; }

 private:
  Sequential& model_;
  const Dataset& train_;
  const Dataset* validation_;
  FitConfig config_;
  FitResult result_;
  Eigen::Index batch_ = 0;
  Matrix xb_, yb_;
  std::vector<Eigen::Index> order_;
  std::mt19937_64 engine_;
  std::optional<ReduceLROnPlateau> reduce_;
  std::optional<EarlyStopping> early_;
  Sequential::Snapshot best_;
  bool done_ = false, finished_ = false;
};

/// Trains `model` on `train` (validation data optional) with `config`. Each epoch: a new order
/// of the samples (if shuffle: Fisher–Yates from one std::mt19937_64 seeded with config.seed
/// for the whole fit), batches of batch_size in that order (the last one smaller), one
/// train_on_batch each; then val_loss, the callbacks, the history, `progress`. At the end
/// EarlyStopping restores the best weights if asked. Buffers are allocated once, before the
/// first epoch. SessionError if the data do not fit the model or the work is over
/// ModelLimits::kMaxWork.
FitResult fit(Sequential& model, const Dataset& train, const Dataset* validation,
              const FitConfig& config, const Progress& progress = {});

/// The same with the model's own fit settings (config().fit).
FitResult fit(Sequential& model, const Dataset& train, const Dataset* validation,
              const Progress& progress = {});

/// The history as CSV: "epoch,loss,val_loss,lr" and one line per epoch at full precision
/// (val_loss empty without validation data).
std::string history_csv(const FitResult& result);

/// The result as JSON: {"history": [{"epoch", "loss", "val_loss" (or null), "lr"}…],
/// "stop": "completed"|"early_stopping"|"requested"|"diverged", "restored_epoch" (or null),
/// "divergence", "warnings"}.
std::string fit_result_json(const FitResult& result);

}  // namespace nntutor::keras
