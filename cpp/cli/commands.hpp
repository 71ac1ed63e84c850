#pragma once
/// The commands of `nntutor`, one file each (table.cpp, equations.cpp, check.cpp,
/// assignment.cpp, tutor.cpp, summary.cpp, train.cpp), and what they share: reading a file or
/// standard input and loading a session or a model from it. Each command takes the arguments
/// after its name and returns the exit code; bad input is a SessionError (exit 2, main.cpp).
#include <string>
#include <vector>

#include "nntutor/error.hpp"
#include "nntutor/model.hpp"
#include "nntutor/session.hpp"

namespace nntutor::cli {

/// The usage text printed by `nntutor --help` (usage.cpp).
extern const char* const kUsage;

int table(const std::vector<std::string>& args);
int equations(const std::vector<std::string>& args);
int check(const std::vector<std::string>& args);
int assignment(const std::vector<std::string>& args);
int tutor(const std::vector<std::string>& args);
int summary(const std::vector<std::string>& args);
int train(const std::vector<std::string>& args);
int train_digits(const std::vector<std::string>& args);  // digits.cpp: train --builtin digits
/// With `--threads auto` (train.cpp), prints on standard error how many threads the core chose for
/// the training that starts, and why; nothing otherwise.
void print_auto_threads();
int predict(const std::vector<std::string>& args);       // digits.cpp
int gradients(const std::vector<std::string>& args);
int variant(const std::vector<std::string>& args);
int grade(const std::vector<std::string>& args);         // grade.cpp
int grade_report(const std::vector<std::string>& args);  // grade_report.cpp
int graph(const std::vector<std::string>& args);         // graph.cpp (docs/graph.md)

/// The whole file at `path`, or standard input for "-"; SessionError "PATH: cannot open the file".
std::string read_all(const std::string& path);

/// The session in the file at `path` (or "-"); the core's messages prefixed with "PATH: ".
Session load_session(const std::string& path);

/// The Keras-style model in the file at `path` (or "-"); the core's messages prefixed with "PATH: ".
keras::ModelConfig load_model(const std::string& path);

/// Runs `f`; a SessionError it throws comes out as "PREFIX: " + its message.
template <typename F>
auto prefixed(const std::string& prefix, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SessionError& e) {
    throw SessionError(prefix + ": " + e.what());
  }
}

}  // namespace nntutor::cli
