/// The checker: every row of a student's table judged cell by cell against the engine's exact
/// run and against the student's own numbers, with how far rounding can move them; a wrong
/// cell is matched against the slip table (check_slips.cpp) and the report is written by
/// check_report.cpp. The table is read by check_table.cpp. docs/check.md states every rule.
#include "nntutor/check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nntutor/check_detail.hpp"
#include "nntutor/check_rounded.hpp"
#include "nntutor/check_slips.hpp"
#include "nntutor/error.hpp"
#include "nntutor/table.hpp"
#include "check_graph.hpp"
#include "check_rows.hpp"

namespace nntutor {

namespace {

using namespace check_detail;  // NOLINT: the checker's own parts
using Kind = Column::Kind;

// ---------------------------------------------------------------------------------------------
// Checking: every quantity of a row recomputed twice, exactly (the engine's run) and from the
// student's own numbers (their previous row's parameters and gradients, this row's z and y),
// with how far rounding of those numbers can move it.

Layout layout_of(const std::vector<Column>& columns, const Network& net, int samples) {
  Layout at;
  for (const auto& layer : net.layers) {
    const auto rows = layer.W.rows();  // units·pieces
    at.W.emplace_back(rows, layer.inputs());
    at.dW.emplace_back(rows, layer.inputs());
    at.b.emplace_back(rows);
    at.db.emplace_back(rows);
    at.Z.emplace_back(rows, samples);
    at.Y.emplace_back(layer.units(), samples);
    at.Win.push_back(Eigen::MatrixXi::Constant(layer.units(), samples, -1));
  }
  // sgd with momentum: its velocity columns (the only state a checked session can have).
  if (std::any_of(columns.begin(), columns.end(), [](const Column& c) { return c.kind == Kind::kState; }))
    for (const auto& layer : net.layers) {
      at.mW.emplace_back(layer.W.rows(), layer.inputs());
      at.mb.emplace_back(layer.W.rows());
    }
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const Column& col = columns[c];
    const int l = col.layer - 1, i = col.input - 1, s = col.sample - 1;
    // W, b, z and their gradients: the row of the column's piece (j·k + p in a maxout layer).
    const int j = l >= 0 && col.kind != Kind::kY && col.kind != Kind::kWinner
                      ? net.layers[static_cast<std::size_t>(l)].row(col.unit, col.piece)
                      : col.unit - 1;
    const int n = static_cast<int>(c);
    switch (col.kind) {
      case Kind::kStep: break;
      case Kind::kLoss: at.L = n; break;
      case Kind::kW: at.W[l](j, i) = n; break;
      case Kind::kB: at.b[l](j) = n; break;
      case Kind::kZ: at.Z[l](j, s) = n; break;
      case Kind::kY: at.Y[l](j, s) = n; break;
      case Kind::kDW: at.dW[l](j, i) = n; break;
      case Kind::kDB: at.db[l](j) = n; break;
      case Kind::kState: (col.input > 0 ? at.mW[l](j, i) : at.mb[l](j)) = n; break;  // sgd's velocity
      case Kind::kBatch: break;  // never: the checker refuses mini-batches
      case Kind::kWinner: at.Win[l](j, s) = n; break;
    }
  }
  return at;
}

/// The layered network's checker: the engine's layer steps on the checker's number type.
class Checker : public RowChecker {
 public:
  Checker(const Session& session, const Answer& answer, CheckMode mode)
      : Checker(session, answer, mode, table_columns(session.network, session.batch.samples(), session.optimizer)) {}

  Checker(const Session& session, const Answer& answer, CheckMode mode, std::vector<Column> columns)
      : RowChecker(answer, mode, column_names(columns), parameter_columns(columns)), s_(session), net_(session.network),
        samples_(session.batch.samples()), layers_(static_cast<int>(net_.layers.size())),
        columns_(std::move(columns)), at_(layout_of(columns_, net_, samples_)), formulas_(session, columns_) {
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
    for (std::size_t c = 0; c < C_; ++c)
      if (columns_[c].kind == Kind::kDW || columns_[c].kind == Kind::kDB)
        gradients_of_unit_[{columns_[c].layer, columns_[c].unit}].push_back(c);
  }

 private:
  // ---- one row ----

  void row_numbers(int k) override {
    RowChecker::load(k);
    const bool computed = static_cast<std::size_t>(k) <= trace_.steps.size();
    for (std::size_t c = 1; c < C_; ++c)
      exact_[c] = computed ? column_value(columns_[c], trace_.steps[static_cast<std::size_t>(k - 1)]) : kNaN;
    mats_.reset();
    after_.reset();
    chains_.clear();
  }

  Eigen::MatrixXd gather(const std::vector<double>& v, const Eigen::MatrixXi& where) const {
    return where.unaryExpr([&](int c) { return v[static_cast<std::size_t>(c)]; });
  }
  Eigen::VectorXd gather(const std::vector<double>& v, const Eigen::VectorXi& where) const {
    return where.unaryExpr([&](int c) { return v[static_cast<std::size_t>(c)]; });
  }
  /// The numbers at `where` (table columns) as the student has them.
  template <class Where>
  RoundedMatrix gather(const Where& where) const {
    RoundedMatrix m;
    m.resize(where.rows(), where.cols());
    for (Eigen::Index j = 0; j < where.cols(); ++j)
      for (Eigen::Index i = 0; i < where.rows(); ++i) {
        const Rounded r = used(static_cast<std::size_t>(where(i, j)));
        m.value(i, j) = r.value, m.radius(i, j) = r.radius, m.origin(i, j) = r.origin;
      }
    return m;
  }
  /// Settles every number of `m` into its column at `where`, unit by unit.
  template <class Where>
  void settle_all(const Where& where, const RoundedMatrix& m) {
    for (Eigen::Index i = 0; i < where.rows(); ++i)
      for (Eigen::Index j = 0; j < where.cols(); ++j)
        settle(static_cast<std::size_t>(where(i, j)), m.value(i, j), m.radius(i, j), m.origin(i, j));
  }

  /// Row k's parameters: the session's start values in row 1, then the previous row's
  /// w − η·∂L/∂w (w ← w − η·∂L/∂w); with momentum (Keras 3's SGD) the previous row's w + m,
  /// or with Nesterov w + μ·m − η·∂L/∂w, m being that row's velocity after its update.
  void parameters() override {
    const bool momentum = !at_.mW.empty();
    const auto one = [&](int c, int g, int m, double start) { update_parameter(c, g, m, start, s_.optimizer); };
    for (int l = 0; l < layers_; ++l) {
      const auto ul = static_cast<std::size_t>(l);
      const Layer& layer = net_.layers[ul];
      for (int j = 0; j < layer.W.rows(); ++j) {  // every unit's (every piece's) row
        for (int i = 0; i < layer.inputs(); ++i)
          one(at_.W[ul](j, i), at_.dW[ul](j, i), momentum ? at_.mW[ul](j, i) : -1, layer.W(j, i));
        one(at_.b[ul](j), at_.db[ul](j), momentum ? at_.mb[ul](j) : -1, layer.b(j));
      }
    }
  }

  /// sgd with momentum: row k's velocity after its update, m ← μ·m − η·∂L/∂w, from the row
  /// above's m (0 before step 1) and this row's gradient (Keras 3's SGD). Nothing otherwise.
  void velocity() override {
    if (at_.mW.empty()) return;
    const auto one = [&](int m, int g) { update_velocity(m, g, s_.optimizer); };
    for (int l = 0; l < layers_; ++l) {
      const auto ul = static_cast<std::size_t>(l);
      const Layer& layer = net_.layers[ul];
      for (int j = 0; j < layer.W.rows(); ++j) {  // every unit's (every piece's) row
        for (int i = 0; i < layer.inputs(); ++i) one(at_.mW[ul](j, i), at_.dW[ul](j, i));
        one(at_.mb[ul](j), at_.db[ul](j));
      }
    }
  }

  /// The input of layer l (0-based) as the student has it: x (exact), or the layer below's y.
  RoundedMatrix input_of(int l) const {
    return l == 0 ? RoundedMatrix::exact(s_.batch.X) : gather(at_.Y[static_cast<std::size_t>(l - 1)]);
  }

  /// The engine's forward pass (network.hpp: affine, activate) on the student's own numbers:
  /// each z, y and L is settled (judged, then replaced by the number the student gave) before
  /// the next step reads it.
  void forward() override {
    for (int l = 0; l < layers_; ++l) {
      const auto ul = static_cast<std::size_t>(l);
      RoundedMatrix Z, Y;
      affine(gather(at_.W[ul]), gather(at_.b[ul]), input_of(l), Z);  // z = W·a + b
      settle_all(at_.Z[ul], Z);
      activate(net_.layers[ul].f, gather(at_.Z[ul]), Y);  // y = f(z)
      if (net_.layers[ul].f.is_piecewise()) winners(l);
      settle_all(at_.Y[ul], Y);
    }
    const Rounded L = mean_loss(s_.loss, gather(at_.Y.back()), s_.batch.Y);
    settle(static_cast<std::size_t>(at_.L), L.value, L.radius, L.origin);
  }

  /// A maxout layer's winning pieces from the student's own z: the first of the largest. On a
  /// tie within rounding (another piece's z within both radii of the winner's) either piece may
  /// be written: the radius then covers the pieces between them.
  void winners(int l) {
    const auto ul = static_cast<std::size_t>(l);
    const int k = net_.layers[ul].pieces();
    const Eigen::MatrixXi& where = at_.Win[ul];
    for (Eigen::Index j = 0; j < where.rows(); ++j)
      for (Eigen::Index s = 0; s < where.cols(); ++s) {
        if (where(j, s) < 0) continue;
        std::vector<double> z(static_cast<std::size_t>(k)), r(static_cast<std::size_t>(k));
        Origin o = -1;
        for (int p = 0; p < k; ++p) {
          const Rounded piece = used(static_cast<std::size_t>(at_.Z[ul](j * k + p, s)));
          z[static_cast<std::size_t>(p)] = piece.value, r[static_cast<std::size_t>(p)] = piece.radius;
          o = earlier(o, piece.origin);
        }
        const int win = maxout_winner(z.data(), k);
        double spread = 0;
        for (int p = 0; p < k; ++p)
          if (z[static_cast<std::size_t>(win)] - z[static_cast<std::size_t>(p)] <=
              r[static_cast<std::size_t>(win)] + r[static_cast<std::size_t>(p)])
            spread = std::max(spread, static_cast<double>(std::abs(p - win)));
        settle(static_cast<std::size_t>(where(j, s)), win + 1, spread, o);
      }
  }

  /// The engine's backward pass (network.hpp: delta, gradients, backprop) on the student's
  /// own y, z and w; each ∂L/∂W and ∂L/∂b is settled.
  void backward() override {
    RoundedMatrix Up, D, dW, db;
    mean_loss_gradient(s_.loss, gather(at_.Y.back()), s_.batch.Y, Up);  // ∂L/∂ŷ
    for (int l = layers_ - 1; l >= 0; --l) {
      const auto ul = static_cast<std::size_t>(l);
      if (l < layers_ - 1) backprop(gather(at_.W[ul + 1]), D, Up);  // ∂L/∂y = Wᵀ·δ of the layer above
      delta(net_.layers[ul].f, Up, gather(at_.Z[ul]), gather(at_.Y[ul]), D);  // δ = ∂L/∂y ⊙ f'(z)
      gradients(D, input_of(l), dW, db);  // ∂L/∂W = δ·aᵀ, ∂L/∂b = Σ_s δ
      settle_all(at_.dW[ul], dW);
      settle_all(at_.db[ul], db);
    }
  }

  // ---- slips ----

  /// The row's numbers as the student has them (given, else as computed), as matrices.
  const Mats& mats() {
    if (!mats_) {
      Mats m;
      for (std::size_t l = 0; l < net_.layers.size(); ++l) {
        m.W.push_back(gather(used_, at_.W[l]));
        m.b.push_back(gather(used_, at_.b[l]));
        m.Z.push_back(gather(used_, at_.Z[l]));
        m.Y.push_back(gather(used_, at_.Y[l]));
      }
      mats_ = std::move(m);
    }
    return *mats_;
  }
  const Eigen::MatrixXd& input(int l) {  // l is 1-based: x for layer 1
    return l == 1 ? s_.batch.X : mats().Y[static_cast<std::size_t>(l - 2)];
  }

  /// The row recomputed (by the engine) from the parameters after this row's update: what a
  /// student gets who updates first and computes after.
  const Pass& after_update() {
    if (!after_) {
      Network net = net_;
      const double eta = s_.optimizer.learning_rate, mu = s_.optimizer.momentum;
      for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const Eigen::MatrixXd W = gather(used_, at_.W[l]), dW = gather(used_, at_.dW[l]);
        const Eigen::VectorXd b = gather(used_, at_.b[l]), db = gather(used_, at_.db[l]);
        if (at_.mW.empty()) {
          net.layers[l].W = W - eta * dW;
          net.layers[l].b = b - eta * db;
        } else {  // with momentum: θ + m, or (Nesterov) θ + μ·m − η·g, m this row's velocity
          const Eigen::MatrixXd mW = gather(used_, at_.mW[l]);
          const Eigen::VectorXd mb = gather(used_, at_.mb[l]);
          net.layers[l].W = s_.optimizer.nesterov ? Eigen::MatrixXd(W + (mu * mW - eta * dW)) : Eigen::MatrixXd(W + mW);
          net.layers[l].b = s_.optimizer.nesterov ? Eigen::VectorXd(b + (mu * mb - eta * db)) : Eigen::VectorXd(b + mb);
        }
      }
      Pass pass;
      nntutor::forward(net, s_.batch, s_.loss, pass);
      nntutor::backward(net, s_.batch, s_.loss, pass);
      after_ = std::move(pass);
    }
    return *after_;
  }

  /// ∂L/∂W and ∂L/∂b of layer `layer` (1-based) from the row's own numbers with one slip: the
  /// engine's backward steps with one link changed.
  const std::pair<Eigen::MatrixXd, Eigen::VectorXd>& chain(const ChainSlip& slip, int layer) {
    const auto key = std::make_pair(slip, layer);
    const auto found = chains_.find(key);
    if (found != chains_.end()) return found->second;
    const Mats& m = mats();
    Eigen::MatrixXd Up, D;
    s_.loss.mean_gradient(m.Y.back(), s_.batch.Y, Up);
    for (int l = layers_; l >= layer; --l) {
      const auto ul = static_cast<std::size_t>(l - 1);
      const Eigen::MatrixXd &Z = m.Z[ul], &Y = m.Y[ul];
      if (l < layers_ && slip.no_weights == l + 1)
        backprop(Eigen::MatrixXd(Eigen::MatrixXd::Ones(m.W[ul + 1].rows(), m.W[ul + 1].cols())), D, Up);
      else if (l < layers_)
        backprop(m.W[ul + 1], D, Up);
      const bool piecewise = net_.layers[ul].f.is_piecewise();  // maxout: no f′ to change
      if (slip.every_piece == l && piecewise) every_piece_delta(net_.layers[ul].pieces(), Up, Z, D);
      else if (slip.activation_for_derivative == l && !piecewise) delta_with(Up, Z, Y, [](double, double y) { return y; }, D);
      else if (slip.no_derivative == l && !piecewise) delta_with(Up, Z, Y, [](double, double) { return 1.0; }, D);
      else delta(net_.layers[ul].f, Up, Z, Y, D);
    }
    const Eigen::MatrixXd& A = slip.z_input && layer > 1 ? m.Z[static_cast<std::size_t>(layer - 2)] : input(layer);
    std::pair<Eigen::MatrixXd, Eigen::VectorXd>& out = chains_[key];
    gradients(D, A, out.first, out.second);
    return out;
  }

  /// Maxout without its factor 1[piece won] (the slip derivative-missing): ∂L/∂y_j given to
  /// every piece of unit j, the losing ones too.
  static void every_piece_delta(int k, const Eigen::MatrixXd& dY, const Eigen::MatrixXd& Z, Eigen::MatrixXd& D) {
    D.resize(Z.rows(), Z.cols());
    for (Eigen::Index s = 0; s < Z.cols(); ++s)
      for (Eigen::Index j = 0; j < dY.rows(); ++j)
        for (int p = 0; p < k; ++p) D(j * k + p, s) = dY(j, s);
  }

  /// The known slips for column c in this row, in the slip table's order (check_slips.cpp).
  std::vector<Candidate> candidates(std::size_t c) override {
    const SlipInputs in{s_, net_, samples_, layers_, row_, columns_, at_, own_, used_, prev_used_,
                        prev_given_, gradients_of_unit_,
                        [this]() -> const Mats& { return mats(); },
                        [this]() -> const Pass& { return after_update(); },
                        [this](const ChainSlip& slip, int layer) -> const std::pair<Eigen::MatrixXd, Eigen::VectorXd>& {
                          return chain(slip, layer);
                        }};
    return slip_candidates(in, c);
  }

  std::string formula(std::size_t c, int row) override { return formulas_.of(c, row); }

  const Session& s_;
  const Network& net_;
  int samples_, layers_;
  std::vector<Column> columns_;
  Layout at_;
  Trace trace_;
  std::optional<Mats> mats_;
  std::optional<Pass> after_;
  std::map<std::pair<ChainSlip, int>, std::pair<Eigen::MatrixXd, Eigen::VectorXd>> chains_;
  std::map<std::pair<int, int>, std::vector<std::size_t>> gradients_of_unit_;  ///< (layer, unit) → dL/dw, dL/db
  Formulas formulas_;
};


}  // namespace

CheckReport check_answer(const Session& session, const Answer& answer, CheckMode mode) {
  require_gradient_descent(session, "check");
  if (session.is_graph()) return check_detail::check_graph_answer(session, answer, mode);
  return Checker(session, answer, mode).check();
}

std::string check_answer_json(const Session& session, std::string_view answer, CheckMode mode) {
  return check_report_json(check_answer(session, parse_answer(session, answer), mode));
}

}  // namespace nntutor
