#include "nntutor/train.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include "nntutor/error.hpp"
#include "nntutor/init.hpp"
#include "nntutor/table.hpp"
#include "run_steps.hpp"

namespace nntutor {

namespace {

std::string what_happened(double v) {
  if (std::isnan(v)) return " is undefined (NaN)";
  return v > 0 ? " overflowed to +inf" : " overflowed to -inf";
}

/// The first entry of `m` that is not finite, named as its table column; empty if all are.
std::string first_non_finite(const Eigen::MatrixXd& m, Column::Kind kind, const Network& net,
                             int samples, int layer) {
  if (m.allFinite()) return {};
  for (Eigen::Index c = 0; c < m.cols(); ++c)
    for (Eigen::Index r = 0; r < m.rows(); ++r)
      if (!std::isfinite(m(r, c))) {
        const int col = static_cast<int>(c) + 1;
        const bool per_sample = kind == Column::Kind::kZ || kind == Column::Kind::kY;
        const bool matrix = kind == Column::Kind::kW || kind == Column::Kind::kDW;
        return row_name(kind, net, samples, layer, static_cast<int>(r), matrix ? col : 0,
                        per_sample ? col : 0) +
               what_happened(m(r, c));
      }
  return {};
}

/// Copies every layer's W (column-major) then b into one vector, layer by layer.
template <typename Get>
void flatten(const Network& net, Eigen::VectorXd& out, Get get) {
  Eigen::Index at = 0;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto& [W, b] = get(l);
    out.segment(at, W.size()) = Eigen::Map<const Eigen::VectorXd>(W.data(), W.size());
    at += W.size();
    out.segment(at, b.size()) = b;
    at += b.size();
  }
}

}  // namespace

keras::OptimizerConfig OptimizerSettings::keras_config() const {
  keras::OptimizerConfig c = keras::default_optimizer(kind);
  c.learning_rate = learning_rate;
  c.momentum = momentum;
  c.nesterov = nesterov;
  c.rho = rho;
  c.beta_1 = beta_1;
  c.beta_2 = beta_2;
  c.epsilon = epsilon;
  c.initial_accumulator_value = initial_accumulator_value;
  return c;
}

void OptimizerSettings::set_config(const keras::OptimizerConfig& c) {
  kind = c.kind;
  learning_rate = c.learning_rate;
  momentum = c.momentum;
  nesterov = c.nesterov;
  rho = c.rho;
  beta_1 = c.beta_1;
  beta_2 = c.beta_2;
  epsilon = c.epsilon;
  initial_accumulator_value = c.initial_accumulator_value;
}

std::vector<std::string> OptimizerSettings::slots() const {
  std::vector<std::string> letters;
  for (std::string_view name : keras::slot_names(keras_config()))
    letters.emplace_back(name.substr(0, 1));  // momentum → m, velocity → v, accumulator → a
  return letters;
}

OptimizerState::OptimizerState(const OptimizerSettings& settings, const Network& net, int samples)
    : settings_(settings),
      optimizer_(settings.keras_config(), net.parameters()),
      theta_(net.parameters()),
      gradient_(net.parameters()),
      order_(static_cast<std::size_t>(samples)),
      engine_(settings.shuffle_seed),
      slots_(settings.slots()) {
  std::iota(order_.begin(), order_.end(), Eigen::Index{0});
}

const std::vector<int>& OptimizerState::next_batch() {
  const std::size_t samples = order_.size();
  const bool mini = settings_.mini_batch(static_cast<int>(samples));
  if (!mini && batch_.size() == samples) return batch_;  // every sample, in order, every step
  // keras::fit: each epoch shuffles the order the last one left, then takes batches of
  // batch_size in that order; the last batch of an epoch may be smaller.
  if (mini && position_ == 0) shuffle(order_, engine_);
  const std::size_t n = mini ? std::min<std::size_t>(static_cast<std::size_t>(settings_.batch_size),
                                                     samples - position_)
                             : samples;
  batch_.resize(n);
  for (std::size_t i = 0; i < n; ++i) batch_[i] = static_cast<int>(order_[position_ + i]);
  position_ = mini ? (position_ + n) % samples : 0;
  return batch_;
}

std::optional<Divergence> train_step(Network& net, const Batch& data, const Loss& loss,
                                     OptimizerState& state, int step, Pass& pass,
                                     StepTrace* trace) {
  const int samples = data.samples();
  const auto diverged = [&](std::string reason) {
    return std::optional<Divergence>(Divergence{step, std::move(reason)});
  };
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const int layer = static_cast<int>(l) + 1;
    const auto& p = net.layers[l];
    for (auto r : {first_non_finite(p.W, Column::Kind::kW, net, samples, layer),
                   first_non_finite(p.b, Column::Kind::kB, net, samples, layer)})
      if (!r.empty())
        return diverged(step > 1 ? r + " in the update of step " + std::to_string(step - 1) : r);
  }
  // z and y of every sample (the table shows them all); the loss and the gradients are those of
  // the step's batch, which with mini-batches is a selection of those columns.
  forward(net, data, loss, pass);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const int layer = static_cast<int>(l) + 1;
    for (auto r : {first_non_finite(pass.Z[l], Column::Kind::kZ, net, samples, layer),
                   first_non_finite(pass.A[l], Column::Kind::kY, net, samples, layer)})
      if (!r.empty()) return diverged(r);
  }
  const std::vector<int>& batch = state.next_batch();
  const bool mini = static_cast<int>(batch.size()) < samples;
  Pass& used = mini ? state.pass_ : pass;
  const Batch& batch_data = mini ? state.data_ : data;
  if (mini) {
    // The batch's columns of the data and of the forward pass (Eigen's indexed views).
    state.data_.X = data.X(Eigen::all, batch);
    state.data_.Y = data.Y(Eigen::all, batch);
    used.Z.resize(net.layers.size());
    used.A.resize(net.layers.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      used.Z[l] = pass.Z[l](Eigen::all, batch);
      used.A[l] = pass.A[l](Eigen::all, batch);
    }
    used.loss = loss_of(net, loss, used, state.data_.Y);
  }
  if (!std::isfinite(used.loss)) return diverged("L" + what_happened(used.loss));
  backward(net, batch_data, loss, used);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const int layer = static_cast<int>(l) + 1;
    for (auto r : {first_non_finite(used.dW[l], Column::Kind::kDW, net, samples, layer),
                   first_non_finite(used.db[l], Column::Kind::kDB, net, samples, layer)})
      if (!r.empty()) return diverged(r);
  }
  if (trace) {
    trace->step = step;
    trace->loss = used.loss;
    trace->layers.resize(net.layers.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      LayerTrace& t = trace->layers[l];
      t.W = net.layers[l].W;
      t.b = net.layers[l].b;
      t.z = pass.Z[l];
      t.y = pass.A[l];
      t.dW = used.dW[l];
      t.db = used.db[l];
    }
    trace->batch.clear();
    if (mini)
      for (int s : batch) trace->batch.push_back(s + 1);
  }
  // The update comes last: the row shows the parameters this step's gradients were taken at.
  if (state.slots_.empty() && state.optimizer_.config().kind == keras::OptimizerKind::kSgd) {
    // Plain gradient descent has no state: w ← w − η·∂L/∂w in place, the same arithmetic as
    // keras::Optimizer's sgd without copying every parameter into one vector and back.
    const double eta = state.optimizer_.learning_rate();
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      net.layers[l].W.array() -= eta * used.dW[l].array();
      net.layers[l].b.array() -= eta * used.db[l].array();
    }
    pass.loss = used.loss;
    return std::nullopt;
  }
  // keras::Optimizer updates every parameter at once, from one vector (W column-major, then b).
  flatten(net, state.theta_, [&](std::size_t l) {
    return std::pair<const Eigen::MatrixXd&, const Eigen::VectorXd&>(net.layers[l].W, net.layers[l].b);
  });
  flatten(net, state.gradient_, [&](std::size_t l) {
    return std::pair<const Eigen::MatrixXd&, const Eigen::VectorXd&>(used.dW[l], used.db[l]);
  });
  state.optimizer_.apply(state.theta_, state.gradient_);  // e.g. sgd: w ← w − η·∂L/∂w
  const std::vector<std::string>& slots = state.slots_;
  for (std::size_t k = 0; k < slots.size(); ++k) {
    const Eigen::VectorXd& slot = state.optimizer_.slot(k);
    if (slot.allFinite()) continue;
    Eigen::Index at = 0;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      const Layer& layer = net.layers[l];
      const auto rows = layer.W.rows();  // units·pieces
      const int k_pieces = layer.pieces();
      const auto piece = [&](Eigen::Index row) { return k_pieces > 1 ? static_cast<int>(row % k_pieces) + 1 : 0; };
      for (Eigen::Index i = 0; i < layer.W.size(); ++i, ++at)
        if (!std::isfinite(slot(at)))
          return diverged(state_name(slots[k], Column::Kind::kW, net, static_cast<int>(l) + 1,
                                     static_cast<int>(i % rows / k_pieces) + 1,
                                     static_cast<int>(i / rows) + 1, piece(i % rows)) +
                          what_happened(slot(at)));
      for (Eigen::Index j = 0; j < layer.b.size(); ++j, ++at)
        if (!std::isfinite(slot(at)))
          return diverged(state_name(slots[k], Column::Kind::kB, net, static_cast<int>(l) + 1,
                                     static_cast<int>(j / k_pieces) + 1, 0, piece(j)) +
                          what_happened(slot(at)));
    }
  }
  Eigen::Index at = 0;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    Layer& layer = net.layers[l];
    const auto W_size = layer.W.size(), b_size = layer.b.size();
    Eigen::Map<Eigen::VectorXd>(layer.W.data(), W_size) = state.theta_.segment(at, W_size);
    layer.b = state.theta_.segment(at + W_size, b_size);
    if (trace) {
      LayerTrace& t = trace->layers[l];
      t.state_W.resize(slots.size());
      t.state_b.resize(slots.size());
      for (std::size_t k = 0; k < slots.size(); ++k) {
        const Eigen::VectorXd& slot = state.optimizer_.slot(k);
        t.state_W[k] = Eigen::Map<const Eigen::MatrixXd>(slot.data() + at, layer.W.rows(), layer.inputs());
        t.state_b[k] = slot.segment(at + W_size, b_size);
      }
    }
    at += W_size + b_size;
  }
  pass.loss = used.loss;  // the step's loss: that of its batch
  return std::nullopt;
}

std::optional<Divergence> train_step(Network& net, const Batch& batch, const Loss& loss,
                                     const OptimizerSettings& opt, int step, Pass& pass,
                                     StepTrace* trace) {
  OptimizerState state(opt, net, batch.samples());
  return train_step(net, batch, loss, state, step, pass, trace);
}

Trace run(Network net, const Batch& batch, const Loss& loss, const OptimizerSettings& opt,
          int steps) {
  Pass pass;
  OptimizerState state(opt, net, batch.samples());
  return run_steps(steps, [&](int k, StepTrace& row) { return train_step(net, batch, loss, state, k, pass, &row); });
}

const StepTrace& recorded_step(const Trace& trace, long long step) {
  const auto recorded = static_cast<long long>(trace.steps.size());
  if (step > recorded && trace.diverged && step >= trace.diverged->at)
    throw SessionError("step: the run diverged at step " + std::to_string(trace.diverged->at) +
                       " (" + trace.diverged->reason + "), so step " + std::to_string(step) +
                       " has no numbers");
  if (step < 1 || step > recorded)
    throw SessionError(recorded == 0 ? "step: no step has been computed yet, got " +
                                           std::to_string(step)
                                     : "step: expected a computed step from 1 to " +
                                           std::to_string(recorded) + ", got " +
                                           std::to_string(step));
  return trace.steps[static_cast<std::size_t>(step - 1)];
}

double train_silently(Network& net, const Batch& batch, const Loss& loss,
                      const OptimizerSettings& opt, int steps) {
  Pass pass;
  OptimizerState state(opt, net, batch.samples());
  for (int k = 1; k <= steps; ++k)
    if (train_step(net, batch, loss, state, k, pass, nullptr))
      return std::numeric_limits<double>::quiet_NaN();
  return pass.loss;
}

}  // namespace nntutor
