#pragma once
/// Small helpers shared by the GoogleTest files: exact-message exception checks, the lecture's
/// 1-1-1 network, file reading, temporary files and running the CLI.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <Eigen/Dense>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "nntutor/activation.hpp"
#include "nntutor/error.hpp"
#include "nntutor/network.hpp"

namespace nntutor_test {

/// Succeeds if `f()` throws nntutor::SessionError whose what() is exactly `expected`.
template <typename F>
::testing::AssertionResult throws_session_error(F&& f, const std::string& expected) {
  try {
    f();
  } catch (const nntutor::SessionError& e) {
    if (expected == e.what()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "SessionError message was\n  " << e.what()
                                         << "\nexpected\n  " << expected;
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure()
           << "threw another exception type instead of SessionError: " << e.what()
           << "\nexpected SessionError: " << expected;
  } catch (...) {
    return ::testing::AssertionFailure() << "threw a non-std exception; expected " << expected;
  }
  return ::testing::AssertionFailure() << "did not throw; expected SessionError: " << expected;
}

/// EXPECT_THROW with the exact message, as fmt's tests do.
#define EXPECT_SESSION_ERROR(statement, message) \
  EXPECT_TRUE(::nntutor_test::throws_session_error([&] { (void)(statement); }, message))

/// A matrix from rows, e.g. matrix({{1, 2}, {3, 4}}).
inline Eigen::MatrixXd matrix(std::initializer_list<std::initializer_list<double>> rows) {
  const auto r = static_cast<Eigen::Index>(rows.size());
  const auto c = static_cast<Eigen::Index>(rows.begin()->size());
  Eigen::MatrixXd m(r, c);
  Eigen::Index i = 0;
  for (const auto& row : rows) {
    Eigen::Index j = 0;
    for (double v : row) m(i, j++) = v;
    ++i;
  }
  return m;
}

inline Eigen::VectorXd vector(std::initializer_list<double> values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (double x : values) v(i++) = x;
  return v;
}

inline nntutor::Layer layer(Eigen::MatrixXd W, Eigen::VectorXd b, const std::string& activation) {
  nntutor::Layer l;
  l.W = std::move(W);
  l.b = std::move(b);
  l.f = nntutor::activation_by_name(activation);
  return l;
}

/// The lecture's worked example: two layers of one sigmoid unit each.
inline nntutor::Network lecture_network(double w1 = 0.5, double b1 = 0, double w2 = 0.8,
                                        double b2 = 0) {
  nntutor::Network net;
  net.layers.push_back(layer(matrix({{w1}}), vector({b1}), "sigmoid"));
  net.layers.push_back(layer(matrix({{w2}}), vector({b2}), "sigmoid"));
  return net;
}

/// One sample x → y.
inline nntutor::Batch single_batch(double x = 1, double y = 1) {
  return {matrix({{x}}), matrix({{y}})};
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The folder of this test program (build/native, build/asan, …). The build passes the source
/// folder and the CLI relative to it (NNTUTOR_SOURCE_DIR = "../..", NNTUTOR_CLI = "nntutor"), not
/// as absolute paths: an absolute path in a define is part of every test object's compile command,
/// so each clone of the repository would compile the tests anew instead of reusing ccache's
/// objects (docs/testing.md).
inline std::string test_program_dir() {
  static const std::string dir = [] {
    char buffer[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n <= 0) return std::string(".");
    const std::string exe(buffer, static_cast<std::size_t>(n));
    return exe.substr(0, exe.find_last_of('/'));
  }();
  return dir;
}

inline std::string source_path(const std::string& relative) {
  return test_program_dir() + "/" NNTUTOR_SOURCE_DIR "/" + relative;
}

/// The lecture session (η = 0.1, 5 steps), as examples/lecture.json holds it.
inline std::string lecture_json() { return read_text(source_path("examples/lecture.json")); }

/// How many columns of P have their largest entry where Y has its own, counted by hand (the
/// first of equal values wins): the classifiers' accuracy, as the fit tests check it.
inline int correct_by_hand(const Eigen::MatrixXd& P, const Eigen::MatrixXd& Y) {
  int correct = 0;
  for (Eigen::Index s = 0; s < P.cols(); ++s) {
    Eigen::Index p = 0, t = 0;
    for (Eigen::Index k = 1; k < P.rows(); ++k) {
      if (P(k, s) > P(p, s)) p = k;
      if (Y(k, s) > Y(t, s)) t = k;
    }
    correct += p == t ? 1 : 0;
  }
  return correct;
}

/// What a run of the CLI printed and how it ended.
struct CliResult {
  int status = -1;  ///< exit code; -1 if the process did not exit normally (a crash)
  std::string out, err;
};

/// A fresh path in the test's temporary folder, unique within this process.
inline std::string temp_path(const std::string& name) {
  static int counter = 0;
  return ::testing::TempDir() + "nntutor_test_" + std::to_string(::getpid()) + "_" +
         std::to_string(++counter) + "_" + name;
}

/// Writes `text` to a fresh temporary file and returns its path.
inline std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

#ifdef NNTUTOR_CLI
/// Runs `nntutor ARGS` (through sh), optionally with `stdin_text` on standard input.
inline CliResult cli(const std::string& args, const std::string* stdin_text = nullptr) {
  const std::string out = temp_path("stdout"), err = temp_path("stderr");
  std::string command = "'" + test_program_dir() + "/" NNTUTOR_CLI "' " + args + " >'" + out + "' 2>'" + err + "'";
  if (stdin_text) command += " <'" + write_temp("stdin", *stdin_text) + "'";
  const int raw = std::system(command.c_str());
  CliResult r;
  r.status = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}
#endif

}  // namespace nntutor_test
