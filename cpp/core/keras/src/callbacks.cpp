#include "nntutor/callbacks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "nntutor/io/common.hpp"
#include "nntutor/error.hpp"

namespace nntutor::keras {

namespace {

using common::fail;
const auto number_text = common::shortest_number;

constexpr int kMaxEpochs = 10000;  // as ModelLimits::kMaxEpochs

void monitor(const std::string& m, const std::string& field) {
  if (m != "val_loss" && m != "loss")
    fail(field, "expected val_loss or loss, got \"" + (m.size() > 40 ? m.substr(0, 40) + "…" : m) + "\"");
}

void whole(int v, const std::string& field) {
  if (v < 0 || v > kMaxEpochs)
    fail(field, "expected a whole number from 0 to " + std::to_string(kMaxEpochs) + ", got " +
                    std::to_string(v));
}

void at_least_0(double v, const std::string& field) {
  if (!(std::isfinite(v) && v >= 0)) fail(field, "expected a number of at least 0, got " + number_text(v));
}

void finite(double v, const std::string& field) {
  if (!std::isfinite(v)) fail(field, "expected a finite number, got " + number_text(v));
}

}  // namespace

void validate(const ReduceLROnPlateauConfig& c, const std::string& field) {
  monitor(c.monitor, field + ".monitor");
  if (!(std::isfinite(c.factor) && c.factor >= 0 && c.factor < 1))
    fail(field + ".factor", "expected a number from 0 up to (not including) 1, got " + number_text(c.factor));
  whole(c.patience, field + ".patience");
  at_least_0(c.min_delta, field + ".min_delta");
  whole(c.cooldown, field + ".cooldown");
  at_least_0(c.min_lr, field + ".min_lr");
}

void validate(const EarlyStoppingConfig& c, const std::string& field) {
  monitor(c.monitor, field + ".monitor");
  finite(c.min_delta, field + ".min_delta");
  whole(c.patience, field + ".patience");
  if (c.baseline) finite(*c.baseline, field + ".baseline");
  whole(c.start_from_epoch, field + ".start_from_epoch");
}

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauConfig config) : config_(std::move(config)) {
  on_train_begin();
}

void ReduceLROnPlateau::on_train_begin() {
  best_ = std::numeric_limits<double>::infinity();
  wait_ = 0;
  cooldown_counter_ = 0;
}

double ReduceLROnPlateau::on_epoch_end(std::optional<double> current, double lr) {
  if (!current) return lr;
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    wait_ = 0;
  }
  // np.less(current, best − min_delta): false for NaN, so a NaN epoch counts as no improvement.
  if (*current < best_ - config_.min_delta) {
    best_ = *current;
    wait_ = 0;
  } else if (cooldown_counter_ == 0) {
    ++wait_;
    // Keras compares with np.float32(min_lr); with the rate in double the float cast is moot.
    if (wait_ >= config_.patience && lr > config_.min_lr) {
      lr = std::max(lr * config_.factor, config_.min_lr);
      cooldown_counter_ = config_.cooldown;
      wait_ = 0;
    }
  }
  return lr;
}

EarlyStopping::EarlyStopping(EarlyStoppingConfig config) : config_(std::move(config)) {
  on_train_begin();
}

void EarlyStopping::on_train_begin() {
  best_ = std::numeric_limits<double>::infinity();
  wait_ = 0;
  best_epoch_ = 0;
  stopped_epoch_ = 0;
  saved_ = false;
}

bool EarlyStopping::improves(double value, double reference) const {
  // Keras: monitor_op(value − min_delta, reference) with monitor_op = less and min_delta made
  // negative, i.e. value + |min_delta| < reference.
  return value + std::fabs(config_.min_delta) < reference;
}

EarlyStopping::Action EarlyStopping::on_epoch_end(int epoch, std::optional<double> current) {
  Action action;
  if (!current || epoch < config_.start_from_epoch) return action;
  if (config_.restore_best_weights && !saved_) {
    // Keras: "If best weights were never set, then the current weights are the best."
    action.save_weights = true;
    saved_ = true;
    best_epoch_ = epoch;
  }
  ++wait_;
  if (improves(*current, best_)) {
    best_ = *current;
    best_epoch_ = epoch;
    if (config_.restore_best_weights) action.save_weights = true;
    if (!config_.baseline || improves(*current, *config_.baseline)) wait_ = 0;
    return action;
  }
  if (wait_ >= config_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    action.stop = true;
  }
  return action;
}

}  // namespace nntutor::keras
