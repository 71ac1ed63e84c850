// libFuzzer target: the session parser on arbitrary bytes (docs/testing.md).
//   parse_session(bytes) either returns a valid Session or throws SessionError; any other
//   exception, crash, leak, sanitizer report or failed check below is a finding.
//   A valid session must survive the round trip: parse(to_json(s)) == s, bit for bit, and
//   to_json of that is the same text again.
//   A tiny valid session (little work) is also run, and its table, trace and equations are
//   rendered as the page and the CLI ask for them.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "nntutor/error.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace {

using nntutor::Session;

[[noreturn]] void mismatch(const char* what, const std::string& json) {
  std::fprintf(stderr, "session_fuzz: round trip changed %s\nsession_to_json: %s\n", what,
               json.c_str());
  std::abort();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_matrix(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (!same_bits(a.data()[i], b.data()[i])) return false;
  return true;
}

void check_same(const Session& a, const Session& b, const std::string& json) {
  if (!same_matrix(a.batch.X, b.batch.X)) mismatch("inputs", json);
  if (!same_matrix(a.batch.Y, b.batch.Y)) mismatch("targets", json);
  if (a.network.layers.size() != b.network.layers.size()) mismatch("the number of layers", json);
  for (std::size_t l = 0; l < a.network.layers.size(); ++l) {
    const auto& la = a.network.layers[l];
    const auto& lb = b.network.layers[l];
    if (!same_matrix(la.W, lb.W)) mismatch("weights", json);
    if (!same_matrix(la.b, lb.b)) mismatch("biases", json);
    if (la.f.name != lb.f.name || la.f.kind != lb.f.kind || la.f.f != lb.f.f || la.f.df != lb.f.df)
      mismatch("an activation", json);
    if (!same_bits(la.f.alpha, lb.f.alpha)) mismatch("an activation's alpha", json);
  }
  if (a.loss.name != b.loss.name || a.loss.kind != b.loss.kind)
    mismatch("the loss", json);
  if (!same_bits(a.optimizer.learning_rate, b.optimizer.learning_rate))
    mismatch("the learning rate", json);
  const auto& oa = a.optimizer;
  const auto& ob = b.optimizer;
  if (oa.kind != ob.kind || !same_bits(oa.momentum, ob.momentum) || oa.nesterov != ob.nesterov ||
      !same_bits(oa.rho, ob.rho) || !same_bits(oa.beta_1, ob.beta_1) ||
      !same_bits(oa.beta_2, ob.beta_2) || !same_bits(oa.epsilon, ob.epsilon) ||
      !same_bits(oa.initial_accumulator_value, ob.initial_accumulator_value) ||
      oa.mini_batch(a.batch.samples()) != ob.mini_batch(b.batch.samples()) ||
      (oa.batch_size > 0 && (oa.batch_size != ob.batch_size || oa.shuffle_seed != ob.shuffle_seed)))
    mismatch("the optimizer", json);
  if (a.steps != b.steps) mismatch("steps", json);
  if (a.seed != b.seed) mismatch("seed", json);
}

/// Runs only sessions this small (steps × samples × parameters), to keep each input fast.
constexpr double kMaxFuzzWork = 20000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Session s;
  try {
    s = nntutor::parse_session(text);
  } catch (const nntutor::SessionError&) {
    return 0;  // bad input, reported as it should be
  }

  const std::string json = nntutor::session_to_json(s);
  Session again;
  try {
    again = nntutor::parse_session(json);
  } catch (const nntutor::SessionError& e) {
    std::fprintf(stderr, "session_fuzz: session_to_json wrote a session that does not parse: %s\n%s\n",
                 e.what(), json.c_str());
    std::abort();
  }
  check_same(s, again, json);
  if (nntutor::session_to_json(again) != json) mismatch("the JSON text", json);

  const double work = static_cast<double>(s.steps) * s.batch.samples() *
                      static_cast<double>(s.network.parameters());
  if (work <= kMaxFuzzWork) {
    const nntutor::Trace trace = nntutor::run(s);
    if (trace.steps.size() > static_cast<std::size_t>(s.steps)) {
      std::fprintf(stderr, "session_fuzz: run() recorded %zu steps of %d\n", trace.steps.size(),
                   s.steps);
      std::abort();
    }
    (void)nntutor::run_result_json(s, trace);
    (void)nntutor::render(s, trace, nntutor::Format::kCsv, 4);
    if (!trace.steps.empty()) {  // the page's view: one step's trace and its equations
      nntutor::View view;
      view.steps = nntutor::View::Steps::kOne;
      view.trace_step = trace.steps.back().step;
      view.equations = nntutor::View::Equations{};
      (void)nntutor::run_result_json(s, trace, view);
    }
  }
  return 0;
}
