#pragma once
/// How many threads the trainer's products and optimizer update use (docs/threads.md): a setting
/// of the process, not of a model (the model JSON has no such field). The work of each product
/// is split, never the batch, so any count gives the same bits as one thread. The CLI's
/// `--threads N` and the threaded trainer module's `setThreads(n)` / `threads()` come here.
#include <string>

namespace nntutor::keras {

/// The largest count this build takes: 16 natively, 1 in a Wasm module without threads, the
/// pthread pool's size + 1 in the threaded trainer module (nntutor_train_mt_wasm.js).
int max_threads();

/// Sets the count; SessionError "threads: expected a whole number from 1 to MAX …, got N" when
/// n is outside [1, max_threads()]. Not while a model trains on another thread.
void set_threads(int n);

/// The count set (1 until set).
int threads();

/// {"threads": n, "min": 1, "max": max_threads()}: what the trainer page's control shows.
std::string threads_json();

}  // namespace nntutor::keras
