#pragma once
/// Keras 3's ReduceLROnPlateau and EarlyStopping as small state machines: they see one epoch's
/// monitored value at a time, so a scripted sequence of losses drives them in the tests exactly as
/// fit() does. Semantics and sources: docs/model.md "Callbacks".
#include <optional>
#include <string>

namespace nntutor::keras {

/// keras.callbacks.ReduceLROnPlateau (mode "min": the monitored quantity is a loss).
struct ReduceLROnPlateauConfig {
  std::string monitor = "val_loss";  ///< "val_loss" or "loss"
  double factor = 0.1;               ///< new_lr = lr·factor, 0 ≤ factor < 1
  int patience = 10;                 ///< epochs without improvement before a reduction
  double min_delta = 1e-4;           ///< improvement means current < best − min_delta
  int cooldown = 0;                  ///< epochs after a reduction during which wait stays 0
  double min_lr = 0;                 ///< the rate never goes below this
};

/// keras.callbacks.EarlyStopping (mode "min").
struct EarlyStoppingConfig {
  std::string monitor = "val_loss";   ///< "val_loss" or "loss"
  double min_delta = 0;               ///< improvement means current < best − |min_delta|
  int patience = 0;                   ///< epochs without improvement before stopping
  std::optional<double> baseline;     ///< if set, wait resets only when also better than this
  bool restore_best_weights = false;  ///< at the end of training, go back to the best epoch
  int start_from_epoch = 0;           ///< epochs (from 0) not monitored at the start
};

/// Throw SessionError naming `field` + ".<setting>" when a setting is out of range: monitor is
/// val_loss or loss; 0 ≤ factor < 1; patience, cooldown, start_from_epoch whole numbers from 0 to
/// 10000; min_delta and min_lr ≥ 0 (ReduceLROnPlateau); min_delta and baseline finite.
void validate(const ReduceLROnPlateauConfig& config, const std::string& field);
void validate(const EarlyStoppingConfig& config, const std::string& field);

/// Lowers the learning rate when the monitored loss stops improving. At the end of epoch e:
///   if cooldown_counter > 0: cooldown_counter −= 1, wait = 0
///   if current < best − min_delta: best = current, wait = 0
///   else if not in cooldown: wait += 1; if wait ≥ patience and lr > min_lr:
///       lr = max(lr·factor, min_lr), cooldown_counter = cooldown, wait = 0
/// (keras/src/callbacks/reduce_lr_on_plateau.py; when lr is already at min_lr, wait keeps
/// growing, as in Keras).
class ReduceLROnPlateau {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauConfig config = {});
  const ReduceLROnPlateauConfig& config() const { return config_; }

  /// Keras' on_train_begin: best = +∞, wait = 0, cooldown_counter = 0.
  void on_train_begin();
  /// Keras' on_epoch_end. `current` is the monitored value (absent: Keras warns and does
  /// nothing); `lr` the rate used in this epoch. Returns the rate for the next epoch.
  double on_epoch_end(std::optional<double> current, double lr);

  double best() const { return best_; }
  int wait() const { return wait_; }
  int cooldown_counter() const { return cooldown_counter_; }

 private:
  ReduceLROnPlateauConfig config_;
  double best_ = 0;
  int wait_ = 0;
  int cooldown_counter_ = 0;
};

/// Stops training when the monitored loss stops improving. At the end of epoch e (from 0):
///   (nothing before start_from_epoch or without a value)
///   if restore_best_weights and nothing saved yet: save the weights (epoch e)
///   wait += 1
///   if current − min_delta′ < best (min_delta′ = −|min_delta|): best = current, save the weights
///       if restore_best_weights, and wait = 0 unless a baseline is set and not beaten
///   else if wait ≥ patience and e > 0: stop
/// At the end of training (stopped or not) the saved weights are restored
/// (keras/src/callbacks/early_stopping.py; Keras 2 restored only when it stopped training).
class EarlyStopping {
 public:
  explicit EarlyStopping(EarlyStoppingConfig config = {});
  const EarlyStoppingConfig& config() const { return config_; }

  /// What the model must do at the end of an epoch.
  struct Action {
    bool save_weights = false;  ///< copy the current weights as the best ones
    bool stop = false;          ///< stop training after this epoch
  };

  /// Keras' on_train_begin: wait = 0, stopped_epoch = 0, nothing saved, best = +∞.
  void on_train_begin();
  /// Keras' on_epoch_end for epoch `epoch` (0-based) with the monitored value `current`.
  Action on_epoch_end(int epoch, std::optional<double> current);
  /// Keras' on_train_end: true when the saved weights (of best_epoch()) are to be restored.
  bool restore_at_end() const { return config_.restore_best_weights && saved_; }

  double best() const { return best_; }
  int wait() const { return wait_; }
  int best_epoch() const { return best_epoch_; }        ///< 0-based, as Keras
  int stopped_epoch() const { return stopped_epoch_; }  ///< 0-based; 0 = did not stop

 private:
  bool improves(double value, double reference) const;

  EarlyStoppingConfig config_;
  double best_ = 0;
  int wait_ = 0;
  int best_epoch_ = 0;
  int stopped_epoch_ = 0;
  bool saved_ = false;
};

}  // namespace nntutor::keras
