/// The checker on a graph session: every row of a student's table of a DAG of neurons judged as
/// the layered checker judges a layered table (check_rows.hpp: the same verdicts, sentences,
/// summary), with the graph engine's level-by-level steps (z = W·y_src + b per level, δ over
/// each neuron's successors, later levels first) run on the checker's number type
/// (check_rounded.hpp), and the slip table (check_slips.cpp) formed on the graph.
/// docs/check.md "Graph sessions" states what differs.
#include "check_graph.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "check_rows.hpp"
#include "nntutor/check_detail.hpp"
#include "nntutor/check_rounded.hpp"
#include "nntutor/check_slips.hpp"
#include "nntutor/error.hpp"
#include "nntutor/graph.hpp"
#include "nntutor/table.hpp"

namespace nntutor::check_detail {

namespace {

using Kind = Column::Kind;

/// The DAG as the checker walks it: per neuron (0-based) its edges in and out, its level (the
/// longest path from the inputs, in neurons) and, per level, the sources that feed it, as the
/// engine groups them (docs/graph.md "Engine").
struct Shape {
  int d = 0, N = 0, E = 0, S = 0;
  std::vector<std::vector<int>> in, out;  ///< edge indices into / out of each neuron, in edge order
  std::vector<int> level;                 ///< 1-based
  std::vector<std::vector<int>> levels;   ///< neurons of each level, ascending
  /// Per level: its sources as keys (input i → i, neuron j → d + j; 0-based), ascending.
  std::vector<std::vector<int>> sources;
  std::vector<int> order;      ///< neurons by level, then by number
  std::vector<int> output_of;  ///< per neuron: its index among the outputs, or −1
  std::vector<int> outputs;    ///< 0-based output neurons, in order

  int key(const GraphEdge& e) const { return e.from_input() ? e.input() - 1 : d + e.from - 1; }
};

Shape shape_of(const GraphNetwork& g, int samples) {
  Shape sh;
  sh.d = g.inputs, sh.N = g.nodes(), sh.E = static_cast<int>(g.edges.size()), sh.S = samples;
  sh.in.resize(static_cast<std::size_t>(sh.N));
  sh.out.resize(static_cast<std::size_t>(sh.N));
  for (int e = 0; e < sh.E; ++e) {
    const GraphEdge& edge = g.edges[static_cast<std::size_t>(e)];
    sh.in[static_cast<std::size_t>(edge.to - 1)].push_back(e);
    if (!edge.from_input()) sh.out[static_cast<std::size_t>(edge.from - 1)].push_back(e);
  }
  // Levels by longest path (Kahn's order; the session is a validated DAG).
  sh.level.assign(static_cast<std::size_t>(sh.N), 1);
  std::vector<int> waiting(static_cast<std::size_t>(sh.N), 0), ready;
  for (int j = 0; j < sh.N; ++j)
    for (int e : sh.in[static_cast<std::size_t>(j)])
      if (!g.edges[static_cast<std::size_t>(e)].from_input()) ++waiting[static_cast<std::size_t>(j)];
  for (int j = 0; j < sh.N; ++j)
    if (waiting[static_cast<std::size_t>(j)] == 0) ready.push_back(j);
  for (std::size_t r = 0; r < ready.size(); ++r) {
    const int i = ready[r];
    for (int e : sh.out[static_cast<std::size_t>(i)]) {
      const int k = g.edges[static_cast<std::size_t>(e)].to - 1;
      auto& lk = sh.level[static_cast<std::size_t>(k)];
      lk = std::max(lk, sh.level[static_cast<std::size_t>(i)] + 1);
      if (--waiting[static_cast<std::size_t>(k)] == 0) ready.push_back(k);
    }
  }
  const int top = sh.N ? *std::max_element(sh.level.begin(), sh.level.end()) : 0;
  sh.levels.resize(static_cast<std::size_t>(top));
  for (int j = 0; j < sh.N; ++j) sh.levels[static_cast<std::size_t>(sh.level[static_cast<std::size_t>(j)] - 1)].push_back(j);
  for (const auto& nodes : sh.levels) {
    std::vector<int> keys;
    for (int j : nodes)
      for (int e : sh.in[static_cast<std::size_t>(j)]) keys.push_back(sh.key(g.edges[static_cast<std::size_t>(e)]));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    sh.sources.push_back(std::move(keys));
    sh.order.insert(sh.order.end(), nodes.begin(), nodes.end());
  }
  sh.output_of.assign(static_cast<std::size_t>(sh.N), -1);
  for (std::size_t k = 0; k < g.outputs.size(); ++k) {
    sh.output_of[static_cast<std::size_t>(g.outputs[k] - 1)] = static_cast<int>(k);
    sh.outputs.push_back(g.outputs[k] - 1);
  }
  return sh;
}

/// Where each quantity of the graph sits among the table's columns (−1: no column).
struct GraphLayout {
  std::vector<int> w, dw, mw;  ///< per edge
  std::vector<int> b, db, mb;  ///< per neuron
  Eigen::MatrixXi z, y;        ///< neuron × sample
  int L = 0;
};

GraphLayout layout_of(const std::vector<Column>& columns, const Shape& sh) {
  GraphLayout at;
  for (auto* v : {&at.w, &at.dw, &at.mw}) v->assign(static_cast<std::size_t>(sh.E), -1);
  for (auto* v : {&at.b, &at.db, &at.mb}) v->assign(static_cast<std::size_t>(sh.N), -1);
  at.z = Eigen::MatrixXi::Constant(sh.N, sh.S, -1);
  at.y = at.z;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const Column& col = columns[c];
    const int n = static_cast<int>(c), u = col.unit - 1, s = col.sample - 1;
    switch (col.kind) {
      case Kind::kW: at.w[static_cast<std::size_t>(u)] = n; break;
      case Kind::kDW: at.dw[static_cast<std::size_t>(u)] = n; break;
      case Kind::kB: at.b[static_cast<std::size_t>(u)] = n; break;
      case Kind::kDB: at.db[static_cast<std::size_t>(u)] = n; break;
      case Kind::kZ: at.z(u, s) = n; break;
      case Kind::kY: at.y(u, s) = n; break;
      case Kind::kState: (col.input > 0 ? at.mw : at.mb)[static_cast<std::size_t>(u)] = n; break;
      case Kind::kLoss: at.L = n; break;
      case Kind::kStep: case Kind::kBatch: case Kind::kWinner: break;
    }
  }
  return at;
}

/// What the slips' chains change in the backward pass (values only).
struct Chain {
  enum class Kind { kNone, kActivationForDerivative, kNoDerivative, kNoWeights, kZInput, kSkipTerm, kPredecessors };
  Kind kind = Kind::kNone;
  int node = -1;  ///< 0-based neuron (−2: every neuron)
  int edge = -1;  ///< kSkipTerm: the edge whose term is left out
  bool operator<(const Chain& o) const { return std::tie(kind, node, edge) < std::tie(o.kind, o.node, o.edge); }
};

/// A row's numbers as plain doubles (the student's where given).
struct Values {
  Eigen::VectorXd w, b, dw, db;
  Eigen::MatrixXd Z, Y;
  double L = 0;
};

std::string list_of(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + words[i];
  return out;
}

class GraphChecker;

/// Forms the numbers and sentences of the slip table's rows for one column of a graph table.
class GraphFormer {
 public:
  GraphFormer(GraphChecker& ck, std::size_t c);
  bool holds(unsigned when) const;
  std::vector<SlipStep> steps(SlipOver over) const;
  double value(SlipForm form, const SlipStep& step) const;
  std::string sentence(const char* text, const SlipStep& step) const;

 private:
  std::string word(const std::string& key, const SlipStep& step) const;
  /// Neurons whose numbers the column's gradient passes through on the way to L: this one and
  /// every one it reaches, later levels first.
  std::vector<int> chain_nodes() const;
  std::vector<int> neuron_predecessors() const;

  GraphChecker& ck_;
  std::size_t c_;
  const Column& col_;
  int node_ = -1, edge_ = -1, sample_ = 0;  ///< 0-based neuron, edge, sample of the column
  int g_ = -1, m_ = -1;                     ///< a parameter's gradient and velocity columns
};

class GraphChecker : public RowChecker {
 public:
  GraphChecker(const Session& session, const Answer& answer, CheckMode mode, std::vector<Column> columns)
      : RowChecker(answer, mode, column_names(columns), parameter_columns(columns)), s_(session),
        g_(*session.graph), sh_(shape_of(g_, session.batch.samples())), columns_(std::move(columns)),
        at_(layout_of(columns_, sh_)), momentum_(session.optimizer.momentum != 0) {
    Session exact = session;
    const auto rows = static_cast<long long>(answer.rows.size());
    try {
      set_steps(exact, rows, "steps");
    } catch (const SessionError& e) {
      throw SessionError("answer: " + std::to_string(rows) +
                         " rows are more steps than this session allows (" + e.what() + ")");
    }
    trace_ = run(exact);
    diverged_ = trace_.diverged;
  }

 private:
  friend class GraphFormer;

  void row_numbers(int k) override {
    RowChecker::load(k);
    if (static_cast<std::size_t>(k) <= trace_.steps.size())
      for (std::size_t c = 1; c < C_; ++c) exact_[c] = column_value(columns_[c], trace_.steps[static_cast<std::size_t>(k - 1)]);
    values_.reset();
    after_.reset();
    chains_.clear();
  }

  std::size_t u(int i) const { return static_cast<std::size_t>(i); }

  void parameters() override {
    for (int e = 0; e < sh_.E; ++e)
      update_parameter(at_.w[u(e)], at_.dw[u(e)], momentum_ ? at_.mw[u(e)] : -1, g_.edges[u(e)].weight, s_.optimizer);
    for (int j = 0; j < sh_.N; ++j)
      update_parameter(at_.b[u(j)], at_.db[u(j)], momentum_ ? at_.mb[u(j)] : -1, g_.bias[u(j)], s_.optimizer);
  }

  void velocity() override {
    if (!momentum_) return;
    for (int e = 0; e < sh_.E; ++e) update_velocity(at_.mw[u(e)], at_.dw[u(e)], s_.optimizer);
    for (int j = 0; j < sh_.N; ++j) update_velocity(at_.mb[u(j)], at_.db[u(j)], s_.optimizer);
  }

  static void put(RoundedMatrix& m, Eigen::Index i, Eigen::Index j, const Rounded& r) {
    m.value(i, j) = r.value, m.radius(i, j) = r.radius, m.origin(i, j) = r.origin;
  }
  /// Neuron j's row of z or y (1 × samples) as the student has it.
  RoundedMatrix node_row(const Eigen::MatrixXi& where, int j) const {
    RoundedMatrix m;
    m.resize(1, sh_.S);
    for (int s = 0; s < sh_.S; ++s) put(m, 0, s, used(u(where(j, s))));
    return m;
  }
  /// Level v's weights (neurons × sources, non-edges exact zeros), biases and sources.
  RoundedMatrix level_weights(std::size_t v) const {
    const auto& nodes = sh_.levels[v];
    const auto& src = sh_.sources[v];
    RoundedMatrix W = RoundedMatrix::exact(Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(nodes.size()),
                                                                 static_cast<Eigen::Index>(src.size())));
    for (std::size_t r = 0; r < nodes.size(); ++r)
      for (int e : sh_.in[u(nodes[r])]) put(W, static_cast<Eigen::Index>(r), column_of(v, e), used(u(at_.w[u(e)])));
    return W;
  }
  Eigen::Index column_of(std::size_t v, int e) const {
    const auto& src = sh_.sources[v];
    return std::lower_bound(src.begin(), src.end(), sh_.key(g_.edges[u(e)])) - src.begin();
  }
  RoundedMatrix level_sources(std::size_t v) const {
    const auto& src = sh_.sources[v];
    RoundedMatrix A;
    A.resize(static_cast<Eigen::Index>(src.size()), sh_.S);
    for (std::size_t c = 0; c < src.size(); ++c)
      for (int s = 0; s < sh_.S; ++s)
        put(A, static_cast<Eigen::Index>(c), s,
            src[c] < sh_.d ? Rounded{s_.batch.X(src[c], s), 0, -1} : used(u(at_.y(src[c] - sh_.d, s))));
    return A;
  }

  /// The graph engine's forward pass on the student's own numbers, level by level: z = W·y_src
  /// + b (affine), then y = f(z) neuron by neuron; each settled before the next step reads it.
  void forward() override {
    for (std::size_t v = 0; v < sh_.levels.size(); ++v) {
      const auto& nodes = sh_.levels[v];
      const RoundedMatrix W = level_weights(v), A = level_sources(v);
      RoundedMatrix b, Z;
      b.resize(static_cast<Eigen::Index>(nodes.size()), 1);
      for (std::size_t r = 0; r < nodes.size(); ++r) put(b, static_cast<Eigen::Index>(r), 0, used(u(at_.b[u(nodes[r])])));
      affine(W, b, A, Z);  // z = W·a + b
      for (std::size_t r = 0; r < nodes.size(); ++r) {
        const int j = nodes[r];
        for (int s = 0; s < sh_.S; ++s) {
          // A neuron's z inherits the slips of its own edges, sources and bias only.
          Origin o = b.origin(static_cast<Eigen::Index>(r), 0);
          for (int e : sh_.in[u(j)]) {
            const Eigen::Index col = column_of(v, e);
            o = earlier(o, earlier(W.origin(static_cast<Eigen::Index>(r), col), A.origin(col, s)));
          }
          settle(u(at_.z(j, s)), Z.value(static_cast<Eigen::Index>(r), s), Z.radius(static_cast<Eigen::Index>(r), s), o);
        }
      }
      for (int j : nodes) {
        RoundedMatrix Y;
        activate(g_.f[u(j)], node_row(at_.z, j), Y);  // y = f(z)
        for (int s = 0; s < sh_.S; ++s) settle(u(at_.y(j, s)), Y.value(0, s), Y.radius(0, s), Y.origin(0, s));
      }
    }
    const Rounded L = mean_loss(s_.loss, outputs(), s_.batch.Y);
    settle(u(at_.L), L.value, L.radius, L.origin);
  }

  RoundedMatrix outputs() const {
    RoundedMatrix Yhat;
    Yhat.resize(static_cast<Eigen::Index>(sh_.outputs.size()), sh_.S);
    for (std::size_t k = 0; k < sh_.outputs.size(); ++k)
      for (int s = 0; s < sh_.S; ++s) put(Yhat, static_cast<Eigen::Index>(k), s, used(u(at_.y(sh_.outputs[k], s))));
    return Yhat;
  }

  /// The graph engine's backward pass on the student's own numbers: ∂L/∂ŷ into the outputs,
  /// then level by level from the last: δ = ∂L/∂y ⊙ f′(z) per neuron, ∂L/∂w = δ·y_srcᵀ and
  /// ∂L/∂b = Σ_s δ (settled), and Wᵀ·δ added to each source neuron's ∂L/∂y.
  void backward() override {
    RoundedMatrix G, DY = RoundedMatrix::exact(Eigen::MatrixXd::Zero(sh_.N, sh_.S));
    mean_loss_gradient(s_.loss, outputs(), s_.batch.Y, G);  // ∂L/∂ŷ
    for (std::size_t k = 0; k < sh_.outputs.size(); ++k)
      for (int s = 0; s < sh_.S; ++s) add(DY, sh_.outputs[k], s, G(static_cast<Eigen::Index>(k), s));
    for (std::size_t v = sh_.levels.size(); v-- > 0;) {
      const auto& nodes = sh_.levels[v];
      RoundedMatrix D;
      D.resize(static_cast<Eigen::Index>(nodes.size()), sh_.S);
      for (std::size_t r = 0; r < nodes.size(); ++r) {
        const int j = nodes[r];
        RoundedMatrix dY, Dj;
        dY.resize(1, sh_.S);
        for (int s = 0; s < sh_.S; ++s) put(dY, 0, s, DY(j, s));
        delta(g_.f[u(j)], dY, node_row(at_.z, j), node_row(at_.y, j), Dj);  // δ = ∂L/∂y ⊙ f′(z)
        for (int s = 0; s < sh_.S; ++s) put(D, static_cast<Eigen::Index>(r), s, Dj(0, s));
      }
      const RoundedMatrix A = level_sources(v), W = level_weights(v);
      RoundedMatrix dW, db;
      gradients(D, A, dW, db);  // ∂L/∂W = δ·aᵀ, ∂L/∂b = Σ_s δ
      for (std::size_t r = 0; r < nodes.size(); ++r) {
        const int j = nodes[r];
        for (int e : sh_.in[u(j)]) {
          const Rounded x = dW(static_cast<Eigen::Index>(r), column_of(v, e));
          settle(u(at_.dw[u(e)]), x.value, x.radius, x.origin);
        }
        const Rounded x = db(static_cast<Eigen::Index>(r), 0);
        settle(u(at_.db[u(j)]), x.value, x.radius, x.origin);
      }
      if (v == 0) continue;  // level 1 reads only inputs
      RoundedMatrix dA;
      backprop(W, D, dA);  // ∂L/∂y of the sources = Wᵀ·δ
      const auto& src = sh_.sources[v];
      for (std::size_t col = 0; col < src.size(); ++col) {
        if (src[col] < sh_.d) continue;
        const int i = src[col] - sh_.d;
        for (int s = 0; s < sh_.S; ++s) {
          Rounded x = dA(static_cast<Eigen::Index>(col), s);
          x.origin = -1;  // the slips of its own successors' edges and δ only
          for (int e : sh_.out[u(i)]) {
            const int k = g_.edges[u(e)].to - 1;
            if (sh_.level[u(k)] != static_cast<int>(v) + 1) continue;
            const auto r = std::find(nodes.begin(), nodes.end(), k) - nodes.begin();
            x.origin = earlier(x.origin, earlier(W.origin(r, static_cast<Eigen::Index>(col)), D.origin(r, s)));
          }
          add(DY, i, s, x);
        }
      }
    }
  }

  static void add(RoundedMatrix& m, Eigen::Index i, Eigen::Index j, const Rounded& r) {
    m.value(i, j) += r.value;
    m.radius(i, j) += r.radius;
    m.origin(i, j) = earlier(m.origin(i, j), r.origin);
  }

  // ---- slips: the row's numbers as doubles, the pass after the update, the chain with a slip ----

  const Values& values() {
    if (!values_) {
      Values x;
      x.w.resize(sh_.E), x.dw.resize(sh_.E), x.b.resize(sh_.N), x.db.resize(sh_.N);
      x.Z.resize(sh_.N, sh_.S), x.Y.resize(sh_.N, sh_.S);
      for (int e = 0; e < sh_.E; ++e) x.w(e) = used_[u(at_.w[u(e)])], x.dw(e) = used_[u(at_.dw[u(e)])];
      for (int j = 0; j < sh_.N; ++j) {
        x.b(j) = used_[u(at_.b[u(j)])], x.db(j) = used_[u(at_.db[u(j)])];
        for (int s = 0; s < sh_.S; ++s) x.Z(j, s) = used_[u(at_.z(j, s))], x.Y(j, s) = used_[u(at_.y(j, s))];
      }
      x.L = used_[u(at_.L)];
      values_ = std::move(x);
    }
    return *values_;
  }

  double source(const Eigen::MatrixXd& Y, const GraphEdge& e, int s) const {
    return e.from_input() ? s_.batch.X(e.input() - 1, s) : Y(e.from - 1, s);
  }

  Eigen::MatrixXd output_rows(const Eigen::MatrixXd& M) const {
    Eigen::MatrixXd out(static_cast<Eigen::Index>(sh_.outputs.size()), sh_.S);
    for (std::size_t k = 0; k < sh_.outputs.size(); ++k) out.row(static_cast<Eigen::Index>(k)) = M.row(sh_.outputs[k]);
    return out;
  }

  /// z, y and L from weights and biases (neuron by neuron in level order).
  void forward_values(Values& x) const {
    x.Z.resize(sh_.N, sh_.S), x.Y.resize(sh_.N, sh_.S);
    for (int j : sh_.order)
      for (int s = 0; s < sh_.S; ++s) {
        double z = 0;
        for (int e : sh_.in[u(j)]) z += x.w(e) * source(x.Y, g_.edges[u(e)], s);
        x.Z(j, s) = z + x.b(j);
        x.Y(j, s) = g_.f[u(j)](x.Z(j, s));
      }
    x.L = s_.loss.mean(output_rows(x.Y), s_.batch.Y);
  }

  /// ∂L/∂w and ∂L/∂b from the row's z, y and w with one link of the chain changed.
  void backward_values(Values& x, const Chain& chain) const {
    using CK = Chain::Kind;
    Eigen::MatrixXd G, DY = Eigen::MatrixXd::Zero(sh_.N, sh_.S), Delta(sh_.N, sh_.S);
    s_.loss.mean_gradient(output_rows(x.Y), s_.batch.Y, G);
    for (std::size_t k = 0; k < sh_.outputs.size(); ++k) DY.row(sh_.outputs[k]) += G.row(static_cast<Eigen::Index>(k));
    const auto at = [&](int j) { return chain.node == j || chain.node == -2; };
    for (auto it = sh_.order.rbegin(); it != sh_.order.rend(); ++it) {
      const int j = *it;
      const Activation& f = g_.f[u(j)];
      for (int s = 0; s < sh_.S; ++s) {
        const double z = x.Z(j, s), y = x.Y(j, s);
        const double df = chain.kind == CK::kActivationForDerivative && at(j) ? y
                          : chain.kind == CK::kNoDerivative && at(j)       ? 1.0
                                                                           : f.derivative(z, y);
        Delta(j, s) = DY(j, s) * df;
      }
      for (int e : sh_.in[u(j)]) {
        const GraphEdge& edge = g_.edges[u(e)];
        if (edge.from_input() || (chain.kind == CK::kSkipTerm && chain.edge == e)) continue;
        const double w = chain.kind == CK::kNoWeights && chain.node == j ? 1.0 : x.w(e);
        DY.row(edge.from - 1) += w * Delta.row(j);
      }
    }
    if (chain.kind == CK::kPredecessors) {  // δ_j from its predecessors' δ instead of its successors'
      const int j = chain.node;
      for (int s = 0; s < sh_.S; ++s) {
        double sum = 0;
        for (int e : sh_.in[u(j)])
          if (!g_.edges[u(e)].from_input()) sum += x.w(e) * Delta(g_.edges[u(e)].from - 1, s);
        Delta(j, s) = sum * g_.f[u(j)].derivative(x.Z(j, s), x.Y(j, s));
      }
    }
    x.dw.resize(sh_.E), x.db.resize(sh_.N);
    for (int e = 0; e < sh_.E; ++e) {
      const GraphEdge& edge = g_.edges[u(e)];
      double sum = 0;
      for (int s = 0; s < sh_.S; ++s)
        sum += Delta(edge.to - 1, s) *
               (chain.kind == CK::kZInput && !edge.from_input() ? x.Z(edge.from - 1, s) : source(x.Y, edge, s));
      x.dw(e) = sum;
    }
    for (int j = 0; j < sh_.N; ++j) x.db(j) = Delta.row(j).sum();
  }

  /// The row recomputed from the parameters after this row's update.
  const Values& after_update() {
    if (!after_) {
      const Values& now = values();
      const OptimizerSettings& o = s_.optimizer;
      Values x;
      const auto step = [&](double p, double grad, int m) {
        if (!momentum_) return p - o.learning_rate * grad;
        const double v = used_[u(m)];
        return o.nesterov ? p + (o.momentum * v - o.learning_rate * grad) : p + v;
      };
      x.w.resize(sh_.E), x.b.resize(sh_.N);
      for (int e = 0; e < sh_.E; ++e) x.w(e) = step(now.w(e), now.dw(e), at_.mw[u(e)]);
      for (int j = 0; j < sh_.N; ++j) x.b(j) = step(now.b(j), now.db(j), at_.mb[u(j)]);
      forward_values(x);
      backward_values(x, {});
      after_ = std::move(x);
    }
    return *after_;
  }

  /// ∂L/∂w and ∂L/∂b from the row's own numbers with `chain`'s slip.
  const Values& chain(const Chain& chain) {
    const auto found = chains_.find(chain);
    if (found != chains_.end()) return found->second;
    Values x = values();
    backward_values(x, chain);
    return chains_.emplace(chain, std::move(x)).first->second;
  }

  std::vector<Candidate> candidates(std::size_t c) override {
    const unsigned quantity = slip_quantity(columns_[c].kind);
    if (quantity == 0) return {};
    std::vector<Candidate> all = candidates_from(GraphFormer(*this, c), quantity);
    // The graph's own slips (graph_slip_table(), tried last by candidates_from) belong with the
    // chain's slips: right after weight-missing, before the generic ones (input-missing …).
    std::vector<Candidate> graph, rest;
    for (Candidate& k : all) (is_graph_slip(k.id) ? graph : rest).push_back(std::move(k));
    auto at = std::find_if(rest.begin(), rest.end(), [](const Candidate& k) {
      return k.id == "input-missing" || k.id == "z-for-y-input" || k.id == "loss-factor-2" ||
             k.id == "sum-over-samples" || k.id == "other-gradient" || k.id == "before-update" || k.id == "copied";
    });
    rest.insert(at, std::make_move_iterator(graph.begin()), std::make_move_iterator(graph.end()));
    return rest;
  }

  static bool is_graph_slip(const std::string& id) {
    for (const Slip& slip : graph_slip_table())
      if (id == slip.id) return true;
    return false;
  }

  // ---- formulas ----

  std::string node_name(char what, int j, int s) const {  // z[3], y[3]@2 (s 0-based; −1: no sample)
    return std::string(1, what) + "[" + std::to_string(j + 1) + "]" + (s >= 0 && sh_.S > 1 ? "@" + std::to_string(s + 1) : "");
  }
  std::string source_name(const GraphEdge& e, int s) const {
    if (e.from_input()) return "x" + std::to_string(e.input()) + (s >= 0 && sh_.S > 1 ? "@" + std::to_string(s + 1) : "");
    return node_name('y', e.from - 1, s);
  }
  std::string name(int c) const { return columns_[u(c)].name; }
  std::string target(int k) const {  // the target of output k
    return std::string("y") + (sh_.outputs.size() > 1 ? "[" + std::to_string(k + 1) + "]" : "");
  }

  /// δ_j in words: the loss's part for an output, f′(z_j), and the sum over its successors.
  std::string delta_text(int j) const {
    const Activation& f = g_.f[u(j)];
    std::string sum;
    const auto& out = sh_.out[u(j)];
    for (std::size_t n = 0; n < out.size(); ++n)
      sum += (n ? " + " : "") + name(at_.w[u(out[n])]) + "·δ[" + std::to_string(g_.edges[u(out[n])].to) + "]";
    const int k = sh_.output_of[u(j)];
    std::string loss;
    if (k >= 0) {
      const int K = static_cast<int>(sh_.outputs.size());
      loss = "(" + node_name('y', j, -1) + " − " + target(k) + ")";
      if (s_.loss.kind == LossKind::kMse) loss = (K > 1 ? "(2/" + std::to_string(K) + ")" : "2") + loss;
      if (sh_.S > 1) loss = "(1/" + std::to_string(sh_.S) + ")" + loss;
    }
    std::string dy = loss.empty() ? sum : sum.empty() ? loss : "(" + loss + " + " + sum + ")";
    if (loss.empty() && out.size() > 1) dy = "(" + sum + ")";
    std::string df = f.kind == ActivationKind::kLinear ? "" :
                     derivative_text(f, node_name('y', j, -1), node_name('z', j, -1));
    if (!df.empty() && df.front() != '(' && (df.find(" − ") != std::string::npos || df.find(" + ") != std::string::npos))
      df = "(" + df + ")";  // 1 − y[1]² as a factor
    return "δ[" + std::to_string(j + 1) + "] = " + (df.empty() ? dy : dy + "·" + df);
  }

  std::string formula(std::size_t c, int row) override {
    const Column& col = columns_[c];
    const int n = col.unit - 1, s = col.sample - 1;
    switch (col.kind) {
      case Kind::kW: case Kind::kB: return parameter_formula(col.name, row, s_.optimizer);
      case Kind::kState:
        return velocity_formula(col.name, name(col.input > 0 ? at_.w[u(n)] : at_.b[u(n)]), s_.optimizer);
      case Kind::kZ: {
        const auto& in = sh_.in[u(n)];
        std::string rhs;
        if (in.size() <= 4) {
          for (std::size_t i = 0; i < in.size(); ++i)
            rhs += (i ? " + " : "") + name(at_.w[u(in[i])]) + "·" + source_name(g_.edges[u(in[i])], s);
        } else {
          rhs = "Σ_i w[" + std::to_string(n + 1) + ",i]·y[i]" + (sh_.S > 1 ? "@" + std::to_string(s + 1) : "") +
                " (i over the " + std::to_string(in.size()) + " predecessors)";
        }
        return col.name + " = " + rhs + " + " + name(at_.b[u(n)]);
      }
      case Kind::kY: {
        const Activation& f = g_.f[u(n)];
        return f.info().text_function(col.name, node_name('z', n, s), short_number(f.alpha));
      }
      case Kind::kLoss: {
        const int K = static_cast<int>(sh_.outputs.size());
        const std::string out = (K > 1 ? std::string("ŷ[k]") : node_name('y', sh_.outputs[0], -1)) + (sh_.S > 1 ? "@s" : "");
        const std::string tgt = std::string("y") + (K > 1 ? "[k]" : "") + (sh_.S > 1 ? "@s" : "");
        std::string one = "(" + out + " − " + tgt + ")²";
        if (K > 1) one = "Σ_k" + one;
        one = (s_.loss.kind == LossKind::kMse ? (K > 1 ? "(1/" + std::to_string(K) + ")" : "") : "½") + one;
        std::string text = "L = " + (sh_.S > 1 ? "(1/" + std::to_string(sh_.S) + ")Σ_s " : std::string()) + one;
        if (K > 1) {
          std::vector<std::string> ys;
          for (int o : sh_.outputs) ys.push_back(node_name('y', o, -1));
          text += ", ŷ = (" + list_of(ys) + ")";
        }
        return text;
      }
      case Kind::kDW: {
        const GraphEdge& e = g_.edges[u(n)];
        const std::string d = "δ[" + std::to_string(e.to) + "]";
        const std::string a = e.from_input() ? "x" + std::to_string(e.input()) : "y[" + std::to_string(e.from) + "]";
        return col.name + " = " + (sh_.S > 1 ? "Σ_s " + d + "@s·" + a + "@s" : d + "·" + a) + ", where " +
               delta_text(e.to - 1);
      }
      case Kind::kDB: {
        const std::string d = "δ[" + std::to_string(n + 1) + "]";
        return col.name + " = " + (sh_.S > 1 ? "Σ_s " + d + "@s" : d) + ", where " + delta_text(n);
      }
      case Kind::kStep: case Kind::kBatch: case Kind::kWinner: break;
    }
    return "";
  }

  const Session& s_;
  const GraphNetwork& g_;
  Shape sh_;
  std::vector<Column> columns_;
  GraphLayout at_;
  bool momentum_;
  Trace trace_;
  std::optional<Values> values_, after_;
  std::map<Chain, Values> chains_;
};

// ---- the graph's slip forms ----

GraphFormer::GraphFormer(GraphChecker& ck, std::size_t c) : ck_(ck), c_(c), col_(ck.columns_[c]) {
  const int n = col_.unit - 1;
  const auto& edges = ck.g_.edges;
  switch (col_.kind) {
    case Kind::kW: case Kind::kDW: edge_ = n, node_ = edges[static_cast<std::size_t>(n)].to - 1; break;
    case Kind::kB: case Kind::kDB: case Kind::kZ: case Kind::kY: node_ = n; break;
    case Kind::kState:
      if (col_.input > 0) edge_ = n, node_ = edges[static_cast<std::size_t>(n)].to - 1;
      else node_ = n;
      break;
    default: break;
  }
  sample_ = col_.sample > 0 ? col_.sample - 1 : 0;
  const GraphLayout& at = ck.at_;
  if (col_.kind == Kind::kW || col_.kind == Kind::kB || col_.kind == Kind::kState) {
    g_ = edge_ >= 0 ? at.dw[static_cast<std::size_t>(edge_)] : at.db[static_cast<std::size_t>(node_)];
    if (ck.momentum_) m_ = edge_ >= 0 ? at.mw[static_cast<std::size_t>(edge_)] : at.mb[static_cast<std::size_t>(node_)];
  }
}

std::vector<int> GraphFormer::neuron_predecessors() const {
  std::vector<int> out;
  for (int e : ck_.sh_.in[static_cast<std::size_t>(node_)])
    if (!ck_.g_.edges[static_cast<std::size_t>(e)].from_input()) out.push_back(ck_.g_.edges[static_cast<std::size_t>(e)].from - 1);
  return out;
}

std::vector<int> GraphFormer::chain_nodes() const {
  const Shape& sh = ck_.sh_;
  std::vector<bool> on(static_cast<std::size_t>(sh.N), false);
  on[static_cast<std::size_t>(node_)] = true;
  for (int j : sh.order)  // level order: a neuron's predecessors come first
    if (on[static_cast<std::size_t>(j)])
      for (int e : sh.out[static_cast<std::size_t>(j)]) on[static_cast<std::size_t>(ck_.g_.edges[static_cast<std::size_t>(e)].to - 1)] = true;
  std::vector<int> out;
  for (auto it = sh.order.rbegin(); it != sh.order.rend(); ++it)
    if (on[static_cast<std::size_t>(*it)]) out.push_back(*it);
  return out;
}

bool GraphFormer::holds(unsigned when) const {
  const Activation* f = node_ >= 0 ? &ck_.g_.f[static_cast<std::size_t>(node_)] : nullptr;
  const Session& s = ck_.s_;
  if ((when & kLaterRow) && ck_.row_ <= 1) return false;
  if (when & kHiddenInput) {  // the number reads a neuron's y (z-for-y, z-for-y-input)
    if (node_ < 0) return false;
    if (col_.kind == Kind::kDW) {
      if (ck_.g_.edges[static_cast<std::size_t>(edge_)].from_input()) return false;
    } else if (neuron_predecessors().empty()) {
      return false;
    }
  }
  if ((when & kNonlinear) && (!f || f->kind == ActivationKind::kLinear)) return false;
  if (when & kPiece) return false;
  if ((when & kSigmoid) && (!f || f->kind != ActivationKind::kSigmoid)) return false;
  if ((when & kHalfSse) && s.loss.kind != LossKind::kHalfSse) return false;
  if ((when & kMse) && s.loss.kind == LossKind::kHalfSse) return false;
  if ((when & kSamples) && ck_.sh_.S <= 1) return false;
  if ((when & kWeight) && col_.kind != Kind::kDW) return false;
  if ((when & kNoMomentum) && ck_.momentum_) return false;
  if ((when & kAnyMomentum) && !ck_.momentum_) return false;
  if ((when & kMomentum) && (!ck_.momentum_ || s.optimizer.nesterov)) return false;
  if ((when & kNesterov) && !(ck_.momentum_ && s.optimizer.nesterov)) return false;
  return true;
}

std::vector<SlipStep> GraphFormer::steps(SlipOver over) const {
  const Shape& sh = ck_.sh_;
  const GraphLayout& at = ck_.at_;
  std::vector<SlipStep> out;
  const auto gradients_of = [&](int j, std::vector<std::size_t>& list) {
    for (int e : sh.in[static_cast<std::size_t>(j)]) list.push_back(static_cast<std::size_t>(at.dw[static_cast<std::size_t>(e)]));
    list.push_back(static_cast<std::size_t>(at.db[static_cast<std::size_t>(j)]));
  };
  switch (over) {
    case SlipOver::kOnce: out.push_back({}); break;
    case SlipOver::kOtherGradientsOfUnit: {
      std::vector<std::size_t> list;
      gradients_of(node_, list);
      for (std::size_t o : list)
        if (static_cast<int>(o) != g_) out.push_back({0, o});
      break;
    }
    case SlipOver::kNonlinearLayersDown: {
      int nonlinear = 0;
      for (int k : chain_nodes())
        if (ck_.g_.f[static_cast<std::size_t>(k)].kind != ActivationKind::kLinear) out.push_back({k + 1, 0}), ++nonlinear;
      if (nonlinear > 1) out.push_back({-1, 0});  // every neuron's f′ changed alike
      break;
    }
    case SlipOver::kLayersAbove:
      for (int k : chain_nodes())
        if (k != node_) out.push_back({k + 1, 0});
      break;
    case SlipOver::kOtherGradients: {
      std::vector<std::size_t> list;
      gradients_of(node_, list);
      std::vector<int> near = neuron_predecessors();
      for (int e : sh.out[static_cast<std::size_t>(node_)]) near.push_back(ck_.g_.edges[static_cast<std::size_t>(e)].to - 1);
      std::sort(near.begin(), near.end());
      near.erase(std::unique(near.begin(), near.end()), near.end());
      for (int k : near) gradients_of(k, list);
      std::size_t tried = 0;
      for (std::size_t o : list)
        if (o != c_ && ++tried <= 64) out.push_back({0, o});
      break;
    }
    case SlipOver::kSuccessorTerms: {
      std::vector<int> nodes = chain_nodes();
      std::reverse(nodes.begin(), nodes.end());  // this neuron first, then those it reaches
      for (int k : nodes)
        if (sh.out[static_cast<std::size_t>(k)].size() >= 2)
          for (int e : sh.out[static_cast<std::size_t>(k)])
            if (out.size() < 64) out.push_back({k + 1, static_cast<std::size_t>(e)});
      break;
    }
  }
  return out;
}

double GraphFormer::value(SlipForm form, const SlipStep& step) const {
  GraphChecker& ck = ck_;
  const double own = ck.own_[c_];
  const OptimizerSettings& o = ck.s_.optimizer;
  const double eta = o.learning_rate, mu = o.momentum;
  const int S = ck.sh_.S;
  const auto prev = [&](int c) { return ck.prev_used_[static_cast<std::size_t>(c)]; };
  const auto now = [&](int c) { return ck.used_[static_cast<std::size_t>(c)]; };
  const auto pick = [&](const Values& x) { return col_.kind == Kind::kDW ? x.dw(edge_) : x.db(node_); };
  using CK = Chain::Kind;
  const auto chain = [&](CK kind, int node, int edge = -1) {
    Chain slip;
    slip.kind = kind, slip.node = node, slip.edge = edge;
    return pick(ck.chain(slip));
  };
  const auto before_velocity = [&] { return ck.row_ <= 1 ? 0.0 : ck.prev_used_[c_]; };
  switch (form) {
    case SlipForm::kUpdateSign: return ck.prev_used_[c_] + eta * prev(g_);
    case SlipForm::kNoLearningRate: return ck.prev_used_[c_] - prev(g_);
    case SlipForm::kLearningRateTwice: return ck.prev_used_[c_] - eta * eta * prev(g_);
    case SlipForm::kNoUpdate: return ck.prev_used_[c_];
    case SlipForm::kUpdateWithOther: return ck.prev_used_[c_] - eta * ck.prev_used_[step.other];
    case SlipForm::kParameterAfterUpdate:
      if (!ck.momentum_) return own - eta * now(g_);
      return o.nesterov ? own + (mu * now(m_) - eta * now(g_)) : own + now(m_);
    case SlipForm::kPlainUpdate: return ck.prev_used_[c_] - eta * prev(g_);
    case SlipForm::kOtherMomentumUpdate:
      return o.nesterov ? ck.prev_used_[c_] + prev(m_) : ck.prev_used_[c_] + (mu * prev(m_) - eta * prev(g_));
    case SlipForm::kVelocitySign: return mu * before_velocity() + eta * now(g_);
    case SlipForm::kVelocityNoMomentum: return -eta * now(g_);
    case SlipForm::kVelocityNoLearningRate: return mu * before_velocity() - now(g_);
    case SlipForm::kNoBias:
    case SlipForm::kZBelowForY: {
      const Values& x = ck.values();
      double sum = 0;
      for (int e : ck.sh_.in[static_cast<std::size_t>(node_)]) {
        const GraphEdge& edge = ck.g_.edges[static_cast<std::size_t>(e)];
        const double a = form == SlipForm::kZBelowForY && !edge.from_input() ? x.Z(edge.from - 1, sample_)
                                                                             : ck.source(x.Y, edge, sample_);
        sum += x.w(e) * a;
      }
      return form == SlipForm::kNoBias ? sum : sum + x.b(node_);
    }
    case SlipForm::kPassAfterUpdate: {
      const Values& after = ck.after_update();
      if (col_.kind == Kind::kZ) return after.Z(node_, sample_);
      if (col_.kind == Kind::kY) return after.Y(node_, sample_);
      return after.L;
    }
    case SlipForm::kNoActivation: return ck.values().Z(node_, sample_);
    case SlipForm::kDerivativeForActivation: {
      const Activation& f = ck.g_.f[static_cast<std::size_t>(node_)];
      const double z = ck.values().Z(node_, sample_);
      return f.derivative(z, f(z));
    }
    case SlipForm::kExponentSign: return ck.g_.f[static_cast<std::size_t>(node_)](-ck.values().Z(node_, sample_));
    case SlipForm::kTwiceOwn: return 2 * own;
    case SlipForm::kHalfOwn: return own / 2;
    case SlipForm::kNoSquareHalf:
    case SlipForm::kNoSquareMean: {
      const Eigen::MatrixXd diff = ck.output_rows(ck.values().Y) - ck.s_.batch.Y;
      return form == SlipForm::kNoSquareHalf ? 0.5 * diff.sum() / S : diff.sum() / static_cast<double>(diff.rows()) / S;
    }
    case SlipForm::kLossOfZ: return ck.s_.loss.mean(ck.output_rows(ck.values().Z), ck.s_.batch.Y);
    case SlipForm::kSamplesTimesOwn: return S * own;
    case SlipForm::kNegatedOwn: return -own;
    case SlipForm::kChainActivationForDerivative: return chain(CK::kActivationForDerivative, step.k > 0 ? step.k - 1 : -2);
    case SlipForm::kChainNoDerivative: return chain(CK::kNoDerivative, step.k > 0 ? step.k - 1 : -2);
    case SlipForm::kChainNoWeights: return chain(CK::kNoWeights, step.k - 1);
    case SlipForm::kChainZInput: return chain(CK::kZInput, -1);
    case SlipForm::kChainEveryPiece: return kNaN;  // no maxout in a graph
    case SlipForm::kChainSuccessorMissing: return chain(CK::kSkipTerm, step.k - 1, static_cast<int>(step.other));
    case SlipForm::kChainPredecessorsForSuccessors:
      if (neuron_predecessors().empty() || ck.sh_.out[static_cast<std::size_t>(node_)].empty()) return kNaN;
      return chain(CK::kPredecessors, node_);
    case SlipForm::kBiasGradient: return ck.own_[static_cast<std::size_t>(ck.at_.db[static_cast<std::size_t>(node_)])];
    case SlipForm::kOtherOwn: return ck.own_[step.other];
    case SlipForm::kGradientAfterUpdate: return pick(ck.after_update());
    case SlipForm::kRowAbove: return ck.prev_given_[c_];
  }
  return kNaN;
}

std::string GraphFormer::sentence(const char* text, const SlipStep& step) const {
  // z-for-y with several neuron predecessors: one sentence for all of them.
  if (std::string(text).rfind("{z_below}", 0) == 0 && neuron_predecessors().size() > 1)
    return "The predecessors' z (" + word("z_below", step) + ") were used where their y (" + word("y_below", step) +
           ") belong.";
  std::string out;
  for (const char* p = text; *p;) {
    if (*p != '{') {
      out += *p++;
      continue;
    }
    const char* close = p;
    while (*close && *close != '}') ++close;
    out += word(std::string(p + 1, close), step);
    p = *close ? close + 1 : close;
  }
  return out;
}

std::string GraphFormer::word(const std::string& key, const SlipStep& step) const {
  const GraphChecker& ck = ck_;
  const GraphNetwork& g = ck.g_;
  const auto nodes_named = [&](char what, const std::vector<int>& nodes) {
    std::vector<std::string> names;
    for (int k : nodes) names.push_back(ck.node_name(what, k, -1));
    return list_of(names);
  };
  const bool one_output = ck.sh_.outputs.size() == 1;
  const int k = step.k > 0 ? step.k - 1 : -1;  // a neuron of the loop
  const GraphEdge* edge = edge_ >= 0 ? &g.edges[static_cast<std::size_t>(edge_)] : nullptr;
  if (key == "name") return col_.name;
  if (key == "dp") return ck.name(g_);
  if (key == "m") return ck.name(m_);
  if (key == "other") return ck.columns_[step.other].name;
  if (key == "b") return ck.name(ck.at_.b[static_cast<std::size_t>(node_)]);
  if (key == "z_below") return nodes_named('z', neuron_predecessors());
  if (key == "y_below") return nodes_named('y', neuron_predecessors());
  if (key == "f_below") return symbol(g.f[static_cast<std::size_t>(neuron_predecessors().front())]);
  if (key == "zn") return ck.node_name('z', node_, sample_);
  if (key == "yk") return k >= 0 ? ck.node_name('y', k, -1) : "y";
  if (key == "zk") return k >= 0 ? ck.node_name('z', k, -1) : "z";
  if (key == "fs") return symbol(g.f[static_cast<std::size_t>(k >= 0 ? k : node_)]);
  if (key == "dtext") {
    if (step.k != 0)
      return derivative_text(g.f[static_cast<std::size_t>(k >= 0 ? k : node_)], k >= 0 ? ck.node_name('y', k, -1) : "y",
                             k >= 0 ? ck.node_name('z', k, -1) : "z");
    return derivative_text(g.f[static_cast<std::size_t>(node_)], col_.name, ck.node_name('z', node_, sample_));
  }
  if (key == "yhat" || key == "out") return one_output ? ck.node_name('y', ck.sh_.outputs[0], -1) : "ŷ";
  if (key == "z_last") return one_output ? ck.node_name('z', ck.sh_.outputs[0], -1) : "the outputs' z";
  if (key == "weights") {
    std::vector<int> from;
    for (int e : ck.sh_.in[static_cast<std::size_t>(k)])
      if (!g.edges[static_cast<std::size_t>(e)].from_input()) from.push_back(e);
    return from.size() == 1 ? ck.name(ck.at_.w[static_cast<std::size_t>(from[0])]) + " is"
                            : "The weights into neuron " + std::to_string(k + 1) + " are";
  }
  if (key == "input") return edge ? ck.source_name(*edge, -1) : "";
  if (key == "w") return edge ? ck.name(ck.at_.w[static_cast<std::size_t>(edge_)]) : "";
  if (key == "z_in") return edge ? ck.node_name('z', edge->from - 1, -1) : "";
  if (key == "y_in") return edge ? ck.node_name('y', edge->from - 1, -1) : "";
  if (key == "which") {
    const Column& other = ck.columns_[step.other];
    const int other_node = other.kind == Kind::kDW ? g.edges[static_cast<std::size_t>(other.unit - 1)].to - 1 : other.unit - 1;
    return other_node != node_ ? ": the gradient of another neuron." : ", another parameter's gradient.";
  }
  if (key == "term") {
    const GraphEdge& e = g.edges[step.other];
    return ck.name(ck.at_.w[step.other]) + "·δ[" + std::to_string(e.to) + "]";
  }
  if (key == "succ") return std::to_string(g.edges[step.other].to);
  if (key == "node") return std::to_string(k >= 0 ? k + 1 : node_ + 1);
  if (key == "preds") {
    std::vector<std::string> n;
    for (int p : neuron_predecessors()) n.push_back(std::to_string(p + 1));
    return list_of(n);
  }
  if (key == "succs") {
    std::vector<std::string> n;
    for (int e : ck.sh_.out[static_cast<std::size_t>(node_)]) n.push_back(std::to_string(g.edges[static_cast<std::size_t>(e)].to));
    return list_of(n);
  }
  return "{" + key + "}";
}


}  // namespace

std::vector<Column> check_columns(const Session& session) { return session_columns(session); }

std::string yhat_column(const Session& session) {
  if (!session.is_graph()) return "y" + std::to_string(session.network.layers.size());
  // Several outputs: ŷ names none of them (the header is refused as unknown; write y[o]).
  if (session.graph->outputs.size() != 1) return "yhat";
  return "y[" + std::to_string(session.graph->outputs.front()) + "]";
}

std::vector<int> graph_order(const GraphNetwork& g) { return shape_of(g, 1).order; }

CheckReport check_graph_answer(const Session& session, const Answer& answer, CheckMode mode) {
  return GraphChecker(session, answer, mode, check_columns(session)).check();
}

}  // namespace nntutor::check_detail
