#include "nntutor/train.hpp"

#include <cmath>
#include <limits>

#include "nntutor/table.hpp"

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
        const int row = static_cast<int>(r) + 1, col = static_cast<int>(c) + 1;
        const bool per_sample = kind == Column::Kind::kZ || kind == Column::Kind::kY;
        const bool matrix = kind == Column::Kind::kW || kind == Column::Kind::kDW;
        return quantity_name(kind, net, samples, layer, row, matrix ? col : 0,
                             per_sample ? col : 0) +
               what_happened(m(r, c));
      }
  return {};
}

}  // namespace

std::optional<Divergence> train_step(Network& net, const Batch& batch, const Loss& loss,
                                     const Sgd& opt, int step, Pass& pass, StepTrace* trace) {
  const int samples = batch.samples();
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
  forward(net, batch, loss, pass);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const int layer = static_cast<int>(l) + 1;
    for (auto r : {first_non_finite(pass.Z[l], Column::Kind::kZ, net, samples, layer),
                   first_non_finite(pass.A[l], Column::Kind::kY, net, samples, layer)})
      if (!r.empty()) return diverged(r);
  }
  if (!std::isfinite(pass.loss)) return diverged("L" + what_happened(pass.loss));
  backward(net, batch, loss, pass);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const int layer = static_cast<int>(l) + 1;
    for (auto r : {first_non_finite(pass.dW[l], Column::Kind::kDW, net, samples, layer),
                   first_non_finite(pass.db[l], Column::Kind::kDB, net, samples, layer)})
      if (!r.empty()) return diverged(r);
  }
  if (trace) {
    trace->step = step;
    trace->loss = pass.loss;
    trace->layers.resize(net.layers.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      LayerTrace& t = trace->layers[l];
      t.W = net.layers[l].W;
      t.b = net.layers[l].b;
      t.z = pass.Z[l];
      t.y = pass.A[l];
      t.dW = pass.dW[l];
      t.db = pass.db[l];
    }
  }
  // The update comes last: the row shows the parameters this step's gradients were taken at.
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    net.layers[l].W -= opt.learning_rate * pass.dW[l];  // w ← w − η·∂L/∂w
    net.layers[l].b -= opt.learning_rate * pass.db[l];  // b ← b − η·∂L/∂b
  }
  return std::nullopt;
}

Trace run(Network net, const Batch& batch, const Loss& loss, const Sgd& opt, int steps) {
  Trace trace;
  trace.steps.reserve(static_cast<std::size_t>(steps));
  Pass pass;
  for (int k = 1; k <= steps; ++k) {
    StepTrace row;
    if (auto d = train_step(net, batch, loss, opt, k, pass, &row)) {
      trace.diverged = std::move(d);
      break;
    }
    trace.steps.push_back(std::move(row));
  }
  return trace;
}

double train_silently(Network& net, const Batch& batch, const Loss& loss, const Sgd& opt,
                      int steps) {
  Pass pass;
  for (int k = 1; k <= steps; ++k)
    if (train_step(net, batch, loss, opt, k, pass, nullptr))
      return std::numeric_limits<double>::quiet_NaN();
  return pass.loss;
}

}  // namespace nntutor
