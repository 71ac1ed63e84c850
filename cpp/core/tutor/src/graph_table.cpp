// The per-step table and the gradient equations of a graph session (docs/graph.md "Table",
// "Equations"): columns named w[j,i], b[j], z[j]@s, …, read from the one LayerTrace of a graph
// step by the table's own column_value.
#include <cmath>

#include "nntutor/equations.hpp"
#include "nntutor/error.hpp"
#include "nntutor/graph.hpp"
#include "nntutor/numbers.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

using Kind = Column::Kind;

std::vector<Column> graph_table_columns(const GraphNetwork& g, int samples,
                                        const OptimizerSettings& opt) {
  std::vector<Column> cols;
  const auto at = [&](int s) { return samples > 1 ? "@" + std::to_string(s) : std::string(); };
  const auto add = [&](Kind kind, int unit, int input, int sample, std::string name) {
    cols.push_back({kind, kind == Kind::kStep || kind == Kind::kLoss || kind == Kind::kBatch ? 0 : 1,
                    unit, input, sample, std::move(name), "", 0, 0});
  };
  const int n = g.nodes();
  const int E = static_cast<int>(g.edges.size());
  add(Kind::kStep, 0, 0, 0, "step");
  if (opt.mini_batch(samples))
    for (int s = 1; s <= samples; ++s) add(Kind::kBatch, 0, 0, s, "batch@" + std::to_string(s));
  for (int e = 0; e < E; ++e) add(Kind::kW, e + 1, 1, 0, "w[" + graph_edge_name(g, e) + "]");
  for (int j = 1; j <= n; ++j) add(Kind::kB, j, 0, 0, "b[" + std::to_string(j) + "]");
  for (int j = 1; j <= n; ++j)
    for (int s = 1; s <= samples; ++s) add(Kind::kZ, j, 0, s, "z[" + std::to_string(j) + "]" + at(s));
  for (int j = 1; j <= n; ++j)
    for (int s = 1; s <= samples; ++s) add(Kind::kY, j, 0, s, "y[" + std::to_string(j) + "]" + at(s));
  for (int e = 0; e < E; ++e) add(Kind::kDW, e + 1, 1, 0, "dL/dw[" + graph_edge_name(g, e) + "]");
  for (int j = 1; j <= n; ++j) add(Kind::kDB, j, 0, 0, "dL/db[" + std::to_string(j) + "]");
  const std::vector<std::string> slots = opt.slots();
  for (std::size_t k = 0; k < slots.size(); ++k) {
    for (int e = 0; e < E; ++e)
      cols.push_back({Kind::kState, 1, e + 1, 1, 0, slots[k] + "_w[" + graph_edge_name(g, e) + "]",
                      slots[k], static_cast<int>(k), 0});
    for (int j = 1; j <= n; ++j)
      cols.push_back({Kind::kState, 1, j, 0, 0, slots[k] + "_b[" + std::to_string(j) + "]", slots[k],
                      static_cast<int>(k), 0});
  }
  add(Kind::kLoss, 0, 0, 0, "L");
  return cols;
}

std::vector<Column> session_columns(const Session& s) {
  if (s.is_graph()) return graph_table_columns(*s.graph, s.batch.samples(), s.optimizer);
  return table_columns(s.network, s.batch.samples(), s.optimizer);
}

namespace {

std::string source_symbol(const GraphEdge& e) {
  return e.from_input() ? "x_{" + std::to_string(e.input()) + "}" : "y_{" + std::to_string(e.from) + "}";
}

}  // namespace

std::vector<Equation> graph_gradient_equations(const Session& session, const StepTrace& step,
                                               int precision, const std::vector<int>& units) {
  const GraphNetwork& shape = *session.graph;
  GraphNetwork g = shape;  // at the step's parameters (before its update)
  const LayerTrace& t = step.layers.at(0);
  for (std::size_t e = 0; e < g.edges.size(); ++e) g.edges[e].weight = t.W(static_cast<Eigen::Index>(e), 0);
  for (int j = 0; j < g.nodes(); ++j) g.bias[static_cast<std::size_t>(j)] = t.b(j);
  // The step's batch: every sample, or its mini-batch.
  Batch data;
  std::vector<int> used;
  if (step.batch.empty()) {
    data = session.batch;
    for (int s = 1; s <= session.batch.samples(); ++s) used.push_back(s);
  } else {
    used = step.batch;
    data.X.resize(session.batch.X.rows(), static_cast<Eigen::Index>(used.size()));
    data.Y.resize(session.batch.Y.rows(), static_cast<Eigen::Index>(used.size()));
    for (std::size_t i = 0; i < used.size(); ++i) {
      data.X.col(static_cast<Eigen::Index>(i)) = session.batch.X.col(used[i] - 1);
      data.Y.col(static_cast<Eigen::Index>(i)) = session.batch.Y.col(used[i] - 1);
    }
  }
  GraphPass pass;
  graph_forward(g, data, session.loss, pass);
  graph_backward(g, data, session.loss, pass);
  const auto S = static_cast<double>(data.samples());
  const auto num = [&](double v) { return fixed(v, precision); };
  const auto chosen = [&](int node) {
    return units.empty() || std::find(units.begin(), units.end(), node) != units.end();
  };
  const auto y_of = [&](const GraphEdge& e, Eigen::Index s) {
    return e.from_input() ? data.X(e.input() - 1, s) : pass.y(e.from - 1, s);
  };
  std::vector<Equation> out;
  std::vector<bool> needs_delta(static_cast<std::size_t>(g.nodes()), false);
  for (std::size_t ei = 0; ei < g.edges.size(); ++ei) {
    const GraphEdge& e = g.edges[ei];
    if (!chosen(e.to)) continue;
    needs_delta[static_cast<std::size_t>(e.to - 1)] = true;
    Equation q;
    q.name = "dL/dw[" + graph_edge_name(g, static_cast<int>(ei)) + "]";
    const std::string w = e.from_input() ? std::to_string(e.to) + ",x_{" + std::to_string(e.input()) + "}"
                                         : std::to_string(e.to) + "," + std::to_string(e.from);
    q.lhs = "\\frac{\\partial L}{\\partial w_{" + w + "}}";
    for (Eigen::Index s = 0; s < pass.z.cols(); ++s) {
      const double delta = S * pass.delta(e.to - 1, s);
      const double y = y_of(e, s);
      q.factors.push_back({{"\\delta_{" + std::to_string(e.to) + "}", num(delta), delta},
                           {source_symbol(e), num(y), y}});
    }
    if (!step.batch.empty()) q.samples = used;
    q.value = t.dW(static_cast<Eigen::Index>(ei), 0);
    out.push_back(std::move(q));
  }
  for (int j = 1; j <= g.nodes(); ++j) {
    if (!chosen(j)) continue;
    needs_delta[static_cast<std::size_t>(j - 1)] = true;
    Equation q;
    q.name = "dL/db[" + std::to_string(j) + "]";
    q.lhs = "\\frac{\\partial L}{\\partial b_{" + std::to_string(j) + "}}";
    for (Eigen::Index s = 0; s < pass.z.cols(); ++s) {
      const double delta = S * pass.delta(j - 1, s);
      q.factors.push_back({{"\\delta_{" + std::to_string(j) + "}", num(delta), delta}});
    }
    if (!step.batch.empty()) q.samples = used;
    q.value = t.db(j - 1);
    out.push_back(std::move(q));
  }
  // δ_j = f′(z_j)·(Σ_{k∈succ(j)} w_kj δ_k + ∂ℓ/∂ŷ_j for an output), per sample (without the 1/S).
  Eigen::MatrixXd out_grad;
  {
    Eigen::MatrixXd yhat(static_cast<Eigen::Index>(g.outputs.size()), pass.y.cols());
    for (std::size_t k = 0; k < g.outputs.size(); ++k) yhat.row(static_cast<Eigen::Index>(k)) = pass.y.row(g.outputs[k] - 1);
    session.loss.mean_gradient(yhat, data.Y, out_grad);
  }
  for (int j = 1; j <= g.nodes(); ++j) {
    if (!needs_delta[static_cast<std::size_t>(j - 1)]) continue;
    const Activation& f = g.f[static_cast<std::size_t>(j - 1)];
    const std::string J = std::to_string(j);
    int out_k = -1;
    for (std::size_t k = 0; k < g.outputs.size(); ++k)
      if (g.outputs[k] == j) out_k = static_cast<int>(k);
    Equation q;
    q.name = "delta[" + J + "]";
    q.lhs = "\\delta_{" + J + "}";
    double mean = 0;
    for (Eigen::Index s = 0; s < pass.z.cols(); ++s) {
      const double z = pass.z(j - 1, s), y = pass.y(j - 1, s);
      const double df = f.derivative(z, y);
      std::string sym, sub;
      double sum = 0;
      for (std::size_t i = 0; i < g.successors()[static_cast<std::size_t>(j - 1)].size(); ++i) {
        const int k = g.successors()[static_cast<std::size_t>(j - 1)][i];
        const int e = g.out_edges()[static_cast<std::size_t>(j - 1)][i];
        const double w = g.edges[static_cast<std::size_t>(e)].weight;
        const double dk = S * pass.delta(k, s);
        sym += (sym.empty() ? "" : " + ") + std::string("w_{") + std::to_string(k + 1) + "," + J + "}\\delta_{" + std::to_string(k + 1) + "}";
        sub += (sub.empty() ? "" : " + ") + num(w) + "\\cdot " + num(dk);
        sum += w * dk;
      }
      if (out_k >= 0) {
        const double dl = S * out_grad(out_k, s);
        sym += (sym.empty() ? "" : " + ") + std::string("\\frac{\\partial \\ell}{\\partial \\hat{y}_{") + std::to_string(out_k + 1) + "}}";
        sub += (sub.empty() ? "" : " + ") + num(dl);
        sum += dl;
      }
      std::vector<Factor> fs;
      fs.push_back({"f_{" + J + "}'(z_{" + J + "})", "f'(" + num(z) + ")", df});
      fs.push_back({"(" + sym + ")", "(" + sub + ")", sum});
      q.factors.push_back(std::move(fs));
      mean += df * sum;
    }
    if (!step.batch.empty()) q.samples = used;
    q.value = mean / S;
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace nntutor
