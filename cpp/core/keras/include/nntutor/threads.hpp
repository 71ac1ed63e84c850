#pragma once
/// How many threads the trainer's products and optimizer update use (docs/threads.md): a setting
/// of the process, not of a model (the model JSON has no such field). The work of each product
/// is split, never the batch, so any count gives the same bits as one thread. The CLI's
/// `--threads N` and the threaded trainer module's `setThreads(n)` / `setThreadsAuto(n)` /
/// `threads()` come here.
#include <string>

#include "nntutor/model.hpp"

namespace nntutor::keras {

/// The largest count this build takes: 16 natively, 1 in a Wasm module without threads, the
/// pthread pool's size + 1 in the threaded trainer module (nntutor_train_mt_wasm.js).
int max_threads();

/// Sets the count (and leaves auto mode); SessionError "threads: expected a whole number from 1
/// to MAX …, got N" when n is outside [1, max_threads()]. Not while a model trains on another
/// thread.
void set_threads(int n);

/// The count set (1 until set).
int threads();

/// Auto mode (the trainer page's default): each training gets 1 thread when a batch's forward
/// pass is under the work below, else `available` threads (the cores the page may use, at most
/// max_threads()). A product is split by its columns, so a second thread gains only when each
/// hand-off carries enough work: the lecture model's batch (1.3 million multiply-adds) ran at
/// 0.8–1.1× of one thread in float32 on two cores, and at 0.9–1.3× in float64; the digits
/// model's (6.5 million) at 1.4–1.6× (docs/threads.md, ninth session). A float64 multiply-add
/// costs about two float32 ones, so its threshold is half.
inline constexpr double kAutoWorkFloat32 = 2097152;  // 2²¹ multiply-adds a batch
inline constexpr double kAutoWorkFloat64 = 1048576;  // 2²⁰

/// Multiply-adds of one batch's forward pass through the dense and maxout layers of `config`
/// (prepared): Σ rows × inputs × batch_size.
double batch_work(const ModelConfig& config, int batch_size);

/// The count auto mode gives a training of `config` with batches of `batch_size`, on
/// `available` threads.
int auto_threads(const ModelConfig& config, int batch_size, int available);

/// Enters auto mode with `available` threads at most (SessionError naming "threads" outside
/// [1, max_threads()]); the count follows the model that trains (below), at once if one was
/// started.
void set_threads_auto(int available);

/// Whether auto mode is on.
bool threads_auto();

/// Called by a training's start (Trainer::start, the CLI's train): remembers the model and its
/// batch, and in auto mode sets the count for them. With `timed` (the Trainer, which calls the
/// two functions below around each epoch), auto mode also times the count it chose.
void threads_for_training(const ModelConfig& config, int batch_size, bool timed = false);

/// Auto mode's timing. The rule above was measured on one machine; on another (a busy or a
/// virtual one) a second thread may lose time where it gained there. So when the rule gives a
/// timed training k > 1 threads, its epochs 2 to 5 run on k, 1, 1 and k threads (epoch 1 warms
/// the code and the caches up; the order k, 1, 1, k makes a steady drift of the machine's speed
/// weigh on both counts alike), and from epoch 6 on the training keeps the count whose two epochs
/// took less time in all (1 on a tie). Any count gives the same bits, so the timing changes no
/// number of the training. Called before each epoch of the training last started: sets the
/// count for it.
void threads_before_epoch();

/// Called after each epoch with how long it took (seconds).
void threads_after_epoch(double seconds);

/// Whether the training last started is timed (threads_json() then has "timing").
bool threads_timed();

/// The epochs auto mode times: the first and the last (1-based).
inline constexpr int kTimedFirstEpoch = 2;
inline constexpr int kTimedLastEpoch = 5;

/// {"threads": n, "min": 1, "max": max_threads()}, and in auto mode also "auto": true,
/// "available", "work" (the last started model's, or null), "threshold" and "reason": what the trainer page's
/// control and status line show. "reason" says why the count is what it is, e.g. "Auto chose 1
/// thread: a batch of this model is 1.3 million multiply-adds, under the 2.1 million (float32)
/// from which a second thread gains." While a training's count is timed, also "timing":
/// {"threads": k, "epochs": [2, 5], "done": false, "ms_many": null, "ms_one": null, "text": "…"}
/// ("text" says what is timed, to show after the reason); once timed, "done": true, the mean
/// milliseconds of an epoch on k threads and on 1 (no "text"), and "reason" says which count
/// stayed and why.
std::string threads_json();

}  // namespace nntutor::keras
