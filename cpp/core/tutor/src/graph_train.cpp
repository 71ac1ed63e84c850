// A graph network's training (docs/graph.md): the forward and backward passes level by level,
// the training step and its run. Apart from graph.cpp (structure, parsing, JSON) because it is
// the hot path of the randomly wired page and compiled for speed in WebAssembly (CMakeLists.txt).
#include <cmath>
#include <string>

#include "nntutor/graph.hpp"
#include "nntutor/session.hpp"
#include "run_steps.hpp"

namespace nntutor {

namespace {

std::string what_happened(double v) {
  if (std::isnan(v)) return " is undefined (NaN)";
  return v > 0 ? " overflowed to +inf" : " overflowed to -inf";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Forward and backward, level by level with the layered engine's own calls.

namespace {

bool outputs_from_logits(const GraphNetwork& g, const Loss& loss) {
  for (int o : g.outputs)
    if (!loss.from_logits(g.f[static_cast<std::size_t>(o - 1)])) return false;
  return !g.outputs.empty();
}

void gather_outputs(const GraphNetwork& g, const Eigen::MatrixXd& m, Eigen::MatrixXd& out) {
  out.resize(static_cast<Eigen::Index>(g.outputs.size()), m.cols());
  for (std::size_t k = 0; k < g.outputs.size(); ++k) out.row(static_cast<Eigen::Index>(k)) = m.row(g.outputs[k] - 1);
}

double graph_loss(const GraphNetwork& g, const Loss& loss, const GraphPass& pass,
                  const Eigen::MatrixXd& Y) {
  Eigen::MatrixXd out;
  if (outputs_from_logits(g, loss)) {
    gather_outputs(g, pass.z, out);
    return loss.mean_from_logits(out, Y);
  }
  gather_outputs(g, pass.y, out);
  return loss.mean(out, Y);
}

}  // namespace

void graph_forward(const GraphNetwork& g, const Batch& batch, const Loss& loss, GraphPass& pass) {
  const auto& plan = g.plan();
  const Eigen::Index S = batch.X.cols();
  const int d = g.inputs;
  pass.z.resize(g.nodes(), S);
  pass.y.resize(g.nodes(), S);
  pass.levels.resize(plan.size());
  for (std::size_t l = 0; l < plan.size(); ++l) {
    const GraphLevel& level = plan[l];
    GraphPass::Level& lv = pass.levels[l];
    const auto rows = static_cast<Eigen::Index>(level.nodes.size());
    const auto cols = static_cast<Eigen::Index>(level.sources.size());
    lv.W.setZero(rows, cols);
    for (const auto& e : level.entries) lv.W(e.row, e.col) = g.edges[static_cast<std::size_t>(e.edge)].weight;
    lv.b.resize(rows);
    for (Eigen::Index r = 0; r < rows; ++r) lv.b(r) = g.bias[static_cast<std::size_t>(level.nodes[static_cast<std::size_t>(r)])];
    lv.src.resize(cols, S);
    for (Eigen::Index c = 0; c < cols; ++c) {
      const int key = level.sources[static_cast<std::size_t>(c)];
      if (key < d) lv.src.row(c) = batch.X.row(key);
      else lv.src.row(c) = pass.y.row(key - d);
    }
    affine(lv.W, lv.b, lv.src, lv.Z);  // z = W·y_src + b
    lv.A.resize(rows, S);
    for (Eigen::Index r = 0; r < rows; ++r) {
      const Activation& f = g.f[static_cast<std::size_t>(level.nodes[static_cast<std::size_t>(r)])];
      for (Eigen::Index s = 0; s < S; ++s) lv.A(r, s) = f(lv.Z(r, s));  // y = f(z)
    }
    for (Eigen::Index r = 0; r < rows; ++r) {
      const int j = level.nodes[static_cast<std::size_t>(r)];
      pass.z.row(j) = lv.Z.row(r);
      pass.y.row(j) = lv.A.row(r);
    }
  }
  pass.loss = graph_loss(g, loss, pass, batch.Y);
}

void graph_backward(const GraphNetwork& g, const Batch& batch, const Loss& loss, GraphPass& pass) {
  const auto& plan = g.plan();
  const int n = g.nodes(), d = g.inputs;
  const Eigen::Index S = pass.z.cols();
  pass.dy.setZero(n, S);
  pass.delta.resize(n, S);
  pass.dw.resize(static_cast<Eigen::Index>(g.edges.size()));
  pass.db.resize(n);
  std::vector<bool> assigned(static_cast<std::size_t>(n), false);
  const bool logits = outputs_from_logits(g, loss);
  Eigen::MatrixXd out, grad;
  std::vector<int> output_row(static_cast<std::size_t>(n), -1);
  for (std::size_t k = 0; k < g.outputs.size(); ++k) output_row[static_cast<std::size_t>(g.outputs[k] - 1)] = static_cast<int>(k);
  if (logits) {
    gather_outputs(g, pass.z, out);
    loss.mean_from_logits(out, batch.Y, &grad);  // ∂L/∂z of the outputs
  } else {
    gather_outputs(g, pass.y, out);
    loss.mean_gradient(out, batch.Y, grad);  // ∂L/∂ŷ
    for (std::size_t k = 0; k < g.outputs.size(); ++k) {
      pass.dy.row(g.outputs[k] - 1) = grad.row(static_cast<Eigen::Index>(k));
      assigned[static_cast<std::size_t>(g.outputs[k] - 1)] = true;
    }
  }
  for (std::size_t l = plan.size(); l-- > 0;) {
    const GraphLevel& level = plan[l];
    GraphPass::Level& lv = pass.levels[l];
    const auto rows = static_cast<Eigen::Index>(level.nodes.size());
    lv.D.resize(rows, S);
    for (Eigen::Index r = 0; r < rows; ++r) {
      const int j = level.nodes[static_cast<std::size_t>(r)];
      const Activation& f = g.f[static_cast<std::size_t>(j)];
      const int k = output_row[static_cast<std::size_t>(j)];
      for (Eigen::Index s = 0; s < S; ++s) {
        if (logits && k >= 0) {  // δ = ∂L/∂z from the logits (+ what the successors send back)
          const double from_loss = grad(k, s);
          lv.D(r, s) = assigned[static_cast<std::size_t>(j)]
                           ? from_loss + pass.dy(j, s) * f.derivative(lv.Z(r, s), lv.A(r, s))
                           : from_loss;
        } else {
          lv.D(r, s) = pass.dy(j, s) * f.derivative(lv.Z(r, s), lv.A(r, s));  // δ = ∂L/∂y·f′(z)
        }
      }
      pass.delta.row(j) = lv.D.row(r);
    }
    gradients(lv.D, lv.src, lv.dW, lv.db);  // ∂L/∂W = δ·y_srcᵀ, ∂L/∂b = Σ_s δ
    for (const auto& e : level.entries) pass.dw(e.edge) = lv.dW(e.row, e.col);
    for (Eigen::Index r = 0; r < rows; ++r) pass.db(level.nodes[static_cast<std::size_t>(r)]) = lv.db(r);
    if (level.sources.empty() || level.sources.back() < d) continue;  // inputs only
    backprop(lv.W, lv.D, lv.G);  // ∂L/∂y_src = Wᵀ·δ
    for (std::size_t c = 0; c < level.sources.size(); ++c) {
      const int key = level.sources[c];
      if (key < d) continue;
      const int i = key - d;
      if (assigned[static_cast<std::size_t>(i)]) pass.dy.row(i) += lv.G.row(static_cast<Eigen::Index>(c));
      else pass.dy.row(i) = lv.G.row(static_cast<Eigen::Index>(c));
      assigned[static_cast<std::size_t>(i)] = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Training

GraphOptimizerState::GraphOptimizerState(const OptimizerSettings& settings, const GraphNetwork& g,
                                         int samples)
    : settings_(settings),
      optimizer_(settings.keras_config(), g.parameters()),
      theta_(g.parameters()),
      gradient_(g.parameters()),
      batches_(settings, Network{}, samples),
      slots_(settings.slots()) {}

namespace {

std::string sample_suffix(int samples, Eigen::Index s) {
  return samples > 1 ? "@" + std::to_string(s + 1) : "";
}

/// The first entry of a nodes × samples matrix that is not finite, named as its column.
std::string first_bad_node(const Eigen::MatrixXd& m, const char* letter, int samples) {
  if (m.allFinite()) return {};
  for (Eigen::Index s = 0; s < m.cols(); ++s)
    for (Eigen::Index j = 0; j < m.rows(); ++j)
      if (!std::isfinite(m(j, s)))
        return std::string(letter) + "[" + std::to_string(j + 1) + "]" + sample_suffix(samples, s) +
               what_happened(m(j, s));
  return {};
}

std::string first_bad_vector(const GraphNetwork& g, const Eigen::VectorXd& v, const std::string& prefix,
                             bool edges) {
  if (v.allFinite()) return {};
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v(i)))
      return prefix + "[" + (edges ? graph_edge_name(g, static_cast<int>(i)) : std::to_string(i + 1)) + "]" +
             what_happened(v(i));
  return {};
}

Eigen::VectorXd edge_weights(const GraphNetwork& g) {
  Eigen::VectorXd w(static_cast<Eigen::Index>(g.edges.size()));
  for (std::size_t e = 0; e < g.edges.size(); ++e) w(static_cast<Eigen::Index>(e)) = g.edges[e].weight;
  return w;
}

}  // namespace

std::optional<Divergence> graph_train_step(GraphNetwork& g, const Batch& data, const Loss& loss,
                                           GraphOptimizerState& state, int step, GraphPass& pass,
                                           StepTrace* trace) {
  const int samples = data.samples();
  const auto diverged = [&](std::string reason) {
    return std::optional<Divergence>(Divergence{step, std::move(reason)});
  };
  const Eigen::VectorXd w = edge_weights(g);
  const Eigen::VectorXd b = Eigen::Map<const Eigen::VectorXd>(g.bias.data(), g.nodes());
  for (auto r : {first_bad_vector(g, w, "w", true), first_bad_vector(g, b, "b", false)})
    if (!r.empty()) return diverged(step > 1 ? r + " in the update of step " + std::to_string(step - 1) : r);
  graph_forward(g, data, loss, pass);
  for (auto r : {first_bad_node(pass.z, "z", samples), first_bad_node(pass.y, "y", samples)})
    if (!r.empty()) return diverged(r);
  const std::vector<int>& batch = state.batches_.next_batch();
  const bool mini = static_cast<int>(batch.size()) < samples;
  GraphPass& used = mini ? state.pass_ : pass;
  const Batch& batch_data = mini ? state.data_ : data;
  if (mini) {
    // The batch's columns of the data and of the forward pass (Eigen's indexed views).
    state.data_.X = data.X(Eigen::all, batch);
    state.data_.Y = data.Y(Eigen::all, batch);
    used.z = pass.z(Eigen::all, batch);
    used.y = pass.y(Eigen::all, batch);
    used.levels.resize(pass.levels.size());
    for (std::size_t l = 0; l < pass.levels.size(); ++l) {
      used.levels[l].W = pass.levels[l].W;
      used.levels[l].b = pass.levels[l].b;
      used.levels[l].src = pass.levels[l].src(Eigen::all, batch);
      used.levels[l].Z = pass.levels[l].Z(Eigen::all, batch);
      used.levels[l].A = pass.levels[l].A(Eigen::all, batch);
    }
    used.loss = graph_loss(g, loss, used, state.data_.Y);
  }
  if (!std::isfinite(used.loss)) return diverged("L" + what_happened(used.loss));
  graph_backward(g, batch_data, loss, used);
  for (auto r : {first_bad_vector(g, used.dw, "dL/dw", true), first_bad_vector(g, used.db, "dL/db", false)})
    if (!r.empty()) return diverged(r);
  if (trace) {
    trace->step = step;
    trace->loss = used.loss;
    trace->layers.resize(1);
    LayerTrace& t = trace->layers[0];
    t.W = w;
    t.b = b;
    t.z = pass.z;
    t.y = pass.y;
    t.dW = used.dw;
    t.db = used.db;
    t.state_W.clear();
    t.state_b.clear();
    trace->batch.clear();
    if (mini)
      for (int s : batch) trace->batch.push_back(s + 1);
  }
  const auto E = static_cast<Eigen::Index>(g.edges.size());
  const Eigen::Index N = g.nodes();
  if (state.slots_.empty() && state.optimizer_.config().kind == keras::OptimizerKind::kSgd) {
    const double eta = state.optimizer_.learning_rate();  // w ← w − η·∂L/∂w, as the layered engine
    for (Eigen::Index e = 0; e < E; ++e) g.edges[static_cast<std::size_t>(e)].weight -= eta * used.dw(e);
    for (Eigen::Index j = 0; j < N; ++j) g.bias[static_cast<std::size_t>(j)] -= eta * used.db(j);
    pass.loss = used.loss;
    return std::nullopt;
  }
  state.theta_.head(E) = w;
  state.theta_.tail(N) = b;
  state.gradient_.head(E) = used.dw;
  state.gradient_.tail(N) = used.db;
  state.optimizer_.apply(state.theta_, state.gradient_);
  const auto& slots = state.slots_;
  for (std::size_t k = 0; k < slots.size(); ++k) {
    const Eigen::VectorXd& slot = state.optimizer_.slot(k);
    for (auto r : {first_bad_vector(g, slot.head(E), slots[k] + "_w", true),
                   first_bad_vector(g, slot.tail(N), slots[k] + "_b", false)})
      if (!r.empty()) return diverged(r);
  }
  for (Eigen::Index e = 0; e < E; ++e) g.edges[static_cast<std::size_t>(e)].weight = state.theta_(e);
  for (Eigen::Index j = 0; j < N; ++j) g.bias[static_cast<std::size_t>(j)] = state.theta_(E + j);
  if (trace) {
    LayerTrace& t = trace->layers[0];
    t.state_W.resize(slots.size());
    t.state_b.resize(slots.size());
    for (std::size_t k = 0; k < slots.size(); ++k) {
      t.state_W[k] = state.optimizer_.slot(k).head(E);
      t.state_b[k] = state.optimizer_.slot(k).tail(N);
    }
  }
  pass.loss = used.loss;
  return std::nullopt;
}

Trace graph_run(GraphNetwork g, const Batch& batch, const Loss& loss, const OptimizerSettings& opt,
                int steps) {
  GraphPass pass;
  GraphOptimizerState state(opt, g, batch.samples());
  return run_steps(steps,
                   [&](int k, StepTrace& row) { return graph_train_step(g, batch, loss, state, k, pass, &row); });
}

}  // namespace nntutor
