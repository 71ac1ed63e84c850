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

namespace nntutor {

namespace {

using namespace check_detail;  // NOLINT: the checker's own parts
using Kind = Column::Kind;

constexpr int kMaxDiagnosed = 1000;  // slips matched against the known ones, per report

// ---------------------------------------------------------------------------------------------
// Checking: every quantity of a row recomputed twice, exactly (the engine's run) and from the
// student's own numbers (their previous row's parameters and gradients, this row's z and y),
// with how far rounding of those numbers can move it.

double unit(int decimals) { return std::pow(10.0, -decimals); }

/// How far a number with `decimals` decimals may be off and still count as rounding: 2 units of
/// its last decimal, but no more than 0.02 (a number written to 0 or 1 decimals gets the band of
/// 2 decimals, not ±2 or ±0.2); plus a hair for binary fractions.
double band(int decimals) { return 2 * unit(std::max(decimals, 2)) * (1 + 1e-9); }

/// Equal when both are rounded to `decimals` (as printed, so −0.0000 equals 0.0000).
bool same_at(double a, double b, int decimals) { return fixed(a, decimals) == fixed(b, decimals); }

std::string decimals_text(int d) { return std::to_string(d) + (d == 1 ? " decimal" : " decimals"); }

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

/// How one given number compares, from the start values and from the student's own numbers.
struct Judgement {
  enum class Basis { kExact, kOwn, kBand, kIntermediates, kNone };
  Verdict start = Verdict::kWrong, step = Verdict::kWrong;
  Basis start_basis = Basis::kNone, step_basis = Basis::kNone;
};

Judgement judge(double given, int d, double exact, double own, double radius, Origin inherited) {
  using Basis = Judgement::Basis;
  const double margin = band(d);
  const bool has_exact = std::isfinite(exact);
  const bool has_own = std::isfinite(own) && std::isfinite(radius);
  const bool exact_equal = has_exact && same_at(given, exact, d);
  const bool exact_band = has_exact && std::fabs(given - exact) <= margin;
  const bool own_equal = has_own && same_at(given, own, d);
  const bool own_band = has_own && std::fabs(given - own) <= margin + radius;
  Judgement j;
  if (exact_equal) j.start = Verdict::kCorrect, j.start_basis = Basis::kExact;
  else if (exact_band) j.start = Verdict::kRounding, j.start_basis = Basis::kBand;
  else if (inherited < 0 && (own_equal || own_band))
    j.start = Verdict::kRounding, j.start_basis = Basis::kIntermediates;
  if (exact_equal) j.step = Verdict::kCorrect, j.step_basis = Basis::kExact;
  else if (own_equal) j.step = Verdict::kCorrect, j.step_basis = Basis::kOwn;
  else if (own_band) j.step = Verdict::kRounding, j.step_basis = Basis::kOwn;
  else if (exact_band) j.step = Verdict::kRounding, j.step_basis = Basis::kBand;
  return j;
}


class Checker {
 public:
  Checker(const Session& session, const Answer& answer, CheckMode mode)
      : s_(session), answer_(answer), mode_(mode), net_(session.network),
        samples_(session.batch.samples()), layers_(static_cast<int>(net_.layers.size())),
        columns_(table_columns(net_, samples_, session.optimizer)), C_(columns_.size()),
        at_(layout_of(columns_, net_, samples_)), formulas_(session, columns_) {
    Session exact = session;
    const auto rows = static_cast<long long>(answer.rows.size());
    try {
      set_steps(exact, rows, "steps");
    } catch (const SessionError& e) {
      throw SessionError("answer: " + std::to_string(rows) +
                         " rows are more steps than this session allows (" + e.what() + ")");
    }
    trace_ = run(exact);
    for (auto* v : {&given_, &exact_, &own_, &radius_, &used_, &used_radius_, &prev_used_,
                    &prev_radius_, &prev_given_})
      v->assign(C_, kNaN);
    for (auto* v : {&inherited_, &origin_, &prev_origin_}) v->assign(C_, -1);
    decimals_.assign(C_, 0);
    judged_.resize(C_);
    is_parameter_.assign(C_, false);
    for (std::size_t c = 0; c < C_; ++c)
      is_parameter_[c] = columns_[c].kind == Kind::kW || columns_[c].kind == Kind::kB;
    in_answer_.assign(C_, false);
    for (const auto& a : answer.columns)
      for (std::size_t c : a.columns) in_answer_[c] = true;
    for (std::size_t c = 0; c < C_; ++c)
      if (columns_[c].kind == Kind::kDW || columns_[c].kind == Kind::kDB)
        gradients_of_unit_[{columns_[c].layer, columns_[c].unit}].push_back(c);
  }

  CheckReport check() {
    CheckReport report;
    report.mode = mode_;
    for (std::size_t k = 1; k <= answer_.rows.size(); ++k) {
      load(static_cast<int>(k));
      parameters(static_cast<int>(k));
      forward();
      backward();
      velocity();
      emit(static_cast<int>(k), report);
      prev_used_.swap(used_);
      prev_radius_.swap(used_radius_);
      prev_origin_.swap(origin_);
      prev_given_.swap(given_);
    }
    summarise(report);
    return report;
  }

 private:
  // ---- one row ----

  void load(int k) {
    std::fill(given_.begin(), given_.end(), kNaN);
    const AnswerRow& row = answer_.rows[static_cast<std::size_t>(k - 1)];
    for (std::size_t a = 0; a < answer_.columns.size(); ++a)
      for (std::size_t c : answer_.columns[a].columns)
        given_[c] = row.cells[a].value, decimals_[c] = row.cells[a].decimals;
    const bool computed = static_cast<std::size_t>(k) <= trace_.steps.size();
    for (std::size_t c = 1; c < C_; ++c)
      exact_[c] = computed ? column_value(columns_[c], trace_.steps[static_cast<std::size_t>(k - 1)]) : kNaN;
    row_ = k;
    mats_.reset();
    after_.reset();
    chains_.clear();
  }

  Origin id(std::size_t c) const { return static_cast<Origin>(row_ - 1) * static_cast<Origin>(C_) + static_cast<Origin>(c); }

  /// Records column c's value from the student's own numbers (`own`, ± `radius`, inheriting
  /// the slip `inherited`), judges the given number, and decides what later cells build on:
  /// the given number if there is one; else, for a parameter, the exact value (step mode needs
  /// the student's parameters; without them it assumes the exact ones); else `own`.
  void settle(std::size_t c, double own, double radius, Origin inherited) {
    own_[c] = own;
    radius_[c] = radius;
    inherited_[c] = inherited;
    const double g = given_[c];
    if (std::isnan(g)) {
      if (is_parameter_[c] && std::isfinite(exact_[c])) {
        used_[c] = exact_[c], used_radius_[c] = 0, origin_[c] = -1;
      } else {
        used_[c] = own, used_radius_[c] = radius, origin_[c] = inherited;
      }
      return;
    }
    const Judgement j = judge(g, decimals_[c], exact_[c], own, radius, inherited);
    judged_[c] = j;
    used_[c] = g;
    // A number rounded to d decimals is within half a unit of the d-th decimal of what the
    // student had; one that is the exact value (0.5 for w1 = 0.5) was not rounded at all.
    used_radius_[c] = std::fabs(g - exact_[c]) <= 1e-12 * std::max(1.0, std::fabs(g)) ? 0 : 0.5 * unit(decimals_[c]);
    // A number that is right (to rounding) stops a slip; a wrong one that does not follow
    // from the student's own numbers starts one.
    origin_[c] = j.start != Verdict::kWrong ? -1 : j.step == Verdict::kWrong ? id(c) : inherited;
  }

  Eigen::MatrixXd gather(const std::vector<double>& v, const Eigen::MatrixXi& where) const {
    return where.unaryExpr([&](int c) { return v[static_cast<std::size_t>(c)]; });
  }
  Eigen::VectorXd gather(const std::vector<double>& v, const Eigen::VectorXi& where) const {
    return where.unaryExpr([&](int c) { return v[static_cast<std::size_t>(c)]; });
  }
  /// Column c's number as the student has it (given, else computed), with its radius and slip.
  Rounded used(std::size_t c) const { return {used_[c], used_radius_[c], origin_[c]}; }
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
  void parameters(int k) {
    const double eta = s_.optimizer.learning_rate, mu = s_.optimizer.momentum;
    const bool momentum = !at_.mW.empty(), nesterov = s_.optimizer.nesterov;
    const auto one = [&](int c, int g, int m, double start) {
      const auto uc = static_cast<std::size_t>(c), ug = static_cast<std::size_t>(g);
      if (k == 1) return settle(uc, start, 0, -1);
      if (!momentum)
        return settle(uc, prev_used_[uc] - eta * prev_used_[ug], prev_radius_[uc] + eta * prev_radius_[ug],
                      earlier(prev_origin_[uc], prev_origin_[ug]));
      const auto um = static_cast<std::size_t>(m);
      if (!nesterov)
        return settle(uc, prev_used_[uc] + prev_used_[um], prev_radius_[uc] + prev_radius_[um],
                      earlier(prev_origin_[uc], prev_origin_[um]));
      settle(uc, prev_used_[uc] + (mu * prev_used_[um] - eta * prev_used_[ug]),
             prev_radius_[uc] + mu * prev_radius_[um] + eta * prev_radius_[ug],
             earlier(prev_origin_[uc], earlier(prev_origin_[um], prev_origin_[ug])));
    };
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
  void velocity() {
    if (at_.mW.empty()) return;
    const double eta = s_.optimizer.learning_rate, mu = s_.optimizer.momentum;
    const auto one = [&](int m, int g) {
      const auto um = static_cast<std::size_t>(m), ug = static_cast<std::size_t>(g);
      const bool first = row_ == 1;
      settle(um, mu * (first ? 0.0 : prev_used_[um]) - eta * used_[ug],
             mu * (first ? 0.0 : prev_radius_[um]) + eta * used_radius_[ug],
             earlier(first ? Origin{-1} : prev_origin_[um], origin_[ug]));
    };
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
  void forward() {
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
  void backward() {
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
  std::vector<Candidate> candidates(std::size_t c) {
    const SlipInputs in{s_, net_, samples_, layers_, row_, columns_, at_, own_, used_, prev_used_,
                        prev_given_, gradients_of_unit_,
                        [this]() -> const Mats& { return mats(); },
                        [this]() -> const Pass& { return after_update(); },
                        [this](const ChainSlip& slip, int layer) -> const std::pair<Eigen::MatrixXd, Eigen::VectorXd>& {
                          return chain(slip, layer);
                        }};
    return slip_candidates(in, c);
  }

  /// The first known slip that reproduces the given number (to its decimals, or within the
  /// rounding its inputs allow).
  std::optional<Candidate> diagnose(std::size_t c) {
    const double g = given_[c];
    const int d = decimals_[c];
    const double r = std::isfinite(radius_[c]) ? radius_[c] : 0;
    for (Candidate& k : candidates(c))
      if (std::isfinite(k.value) &&
          (same_at(g, k.value, d) || std::fabs(g - k.value) <= band(d) + 2 * r))
        return std::move(k);
    return std::nullopt;
  }

  // ---- the report ----

  std::string where(Origin o) const {
    const auto c = static_cast<std::size_t>(o % static_cast<Origin>(C_));
    return columns_[c].name + " in row " + std::to_string(o / static_cast<Origin>(C_) + 1);
  }

  CellCheck cell(const AnswerColumn& a, const AnswerCell& given, int line, std::size_t c) {
    using Basis = Judgement::Basis;
    const Judgement& j = judged_[c];
    const int d = decimals_[c];
    const double exact = exact_[c], own = own_[c];
    const bool has_exact = std::isfinite(exact), has_own = std::isfinite(own);
    CellCheck out;
    out.row = row_;
    out.line = line;
    out.column = columns_[c].name;
    out.header = a.header;
    out.given = given.text;
    out.formula = formulas_.of(c, row_);
    const bool start = mode_ == CheckMode::kStart;
    out.verdict = start ? j.start : j.step;
    const double expected = start || !has_own ? exact : own;
    out.expected = std::isfinite(expected) ? fixed(expected, d) : "";
    const std::string X = has_exact ? fixed(exact, d) : "", O = has_own ? fixed(own, d) : "";
    const std::string exact_fine = has_exact ? fixed(exact, std::min(d + 2, kMaxDecimals)) : "";
    const std::string in_band = "differs from the exact value " + exact_fine + " by at most " +
                                (d >= 2 ? "2 units of the last decimal" : "0.02") + ": a rounding difference";
    const Origin inherited = inherited_[c];
    const bool root = j.step == Verdict::kWrong;
    if (j.start == Verdict::kWrong && !root && inherited >= 0) out.follows = {
        static_cast<int>(inherited / static_cast<Origin>(C_) + 1),
        columns_[static_cast<std::size_t>(inherited % static_cast<Origin>(C_))].name};
    const std::string diverged =
        trace_.diverged ? "the exact run diverged at step " + std::to_string(trace_.diverged->at) + " (" +
                              trace_.diverged->reason + "), so this step has no exact value"
                        : "";
    if (start) {
      switch (j.start_basis) {
        case Basis::kExact: out.why = "equals the exact value to " + decimals_text(d); break;
        case Basis::kBand: out.why = in_band; break;
        case Basis::kIntermediates:
          out.why = "follows from your own rounded numbers; the exact value " + X + " differs only by rounding";
          break;
        default:
          if (!has_exact) out.why = diverged;
          else if (out.follows)
            out.why = "follows from your " + where(inherited) + ", which is wrong; the exact value is " + X;
          else if (has_own)
            out.why = "your own numbers give " + O + (X != O ? "; the exact value is " + X : ", as does the exact run");
          else
            out.why = "the exact value is " + X;
      }
    } else {
      switch (j.step_basis) {
        case Basis::kExact: out.why = "equals the exact value to " + decimals_text(d); break;
        case Basis::kBand: out.why = in_band; break;
        case Basis::kOwn:
          if (out.follows)
            out.why = std::string(j.step == Verdict::kCorrect ? "follows correctly" : "follows, within rounding,") +
                      " from your " + where(inherited) + " (a slip there); the exact value is " + X;
          else if (j.step == Verdict::kCorrect)
            out.why = "follows from your own numbers to " + decimals_text(d) +
                      (has_exact ? "; the exact value " + X + " differs only by rounding" : "");
          else
            out.why = "within rounding of " + O + ", the value your own numbers give";
          break;
        default:
          if (has_own)
            out.why = "your own numbers give " + O +
                      (!has_exact ? "" : X != O ? "; the exact value is " + X : ", as does the exact run");
          else
            out.why = "cannot be computed from your numbers (they overflow)" +
                      (has_exact ? "; the exact value is " + X : "");
      }
    }
    if (d < a.decimals)
      out.why += " (checked to the " + decimals_text(d) + " written; others in this column have " +
                 std::to_string(a.decimals) + ")";
    if (a.columns.size() == 2) {
      const std::size_t other = a.columns[0] == c ? a.columns[1] : a.columns[0];
      const double e1 = start ? exact : expected, e2 = start || !std::isfinite(own_[other]) ? exact_[other] : own_[other];
      const bool equal = std::isfinite(e1) && std::isfinite(e2) && same_at(e1, e2, d);
      out.why += " (" + a.header + " is checked as both " + columns_[a.columns[0]].name + " and " +
                 columns_[a.columns[1]].name +
                 (equal ? ", equal here)" : ", which differ here, so one column cannot hold both)");
    }
    if (out.verdict == Verdict::kWrong && root && ++diagnosed_ > kMaxDiagnosed) {
      out.slip = "Not diagnosed: only the first " + std::to_string(kMaxDiagnosed) + " slips are.";
    } else if (out.verdict == Verdict::kWrong && root) {
      if (const auto slip = diagnose(c)) {
        out.slip_id = slip->id;
        out.slip = slip->sentence;
      } else {
        out.slip = "No known slip explains this.";
      }
    }
    return out;
  }

  void emit(int k, CheckReport& report) {
    const AnswerRow& row = answer_.rows[static_cast<std::size_t>(k - 1)];
    for (std::size_t a = 0; a < answer_.columns.size(); ++a) {
      if (std::isnan(row.cells[a].value)) continue;  // an empty cell is not checked
      for (std::size_t c : answer_.columns[a].columns)
        report.cells.push_back(cell(answer_.columns[a], row.cells[a], row.line, c));
    }
  }

  void summarise(CheckReport& report) const {
    for (std::size_t n = 0; n < report.cells.size(); ++n) {
      const CellCheck& c = report.cells[n];
      if (c.verdict == Verdict::kCorrect) ++report.correct;
      if (c.verdict == Verdict::kRounding) ++report.rounding;
      if (c.verdict == Verdict::kWrong) ++report.wrong;
      if (c.follows) ++report.follows;
      if (c.verdict == Verdict::kWrong && !c.slip.empty() && !report.first_wrong) report.first_wrong = n;
    }
    for (std::size_t n = 0; n < report.cells.size() && !report.first_wrong; ++n)
      if (report.cells[n].verdict == Verdict::kWrong) report.first_wrong = n;

    if (mode_ == CheckMode::kStep) {
      std::string missing;
      int count = 0;
      for (std::size_t c = 0; c < C_; ++c)
        if (is_parameter_[c] && !in_answer_[c] && ++count <= 8) missing += (count > 1 ? ", " : "") + columns_[c].name;
      if (count > 8) missing += " and " + std::to_string(count - 8) + " more";
      if (count > 0)
        report.notes.push_back("Your table has no column for " + missing +
                               ", so step mode uses the exact values there.");
    }
    for (const auto& a : answer_.columns)
      if (a.columns.size() == 2)
        report.notes.push_back(a.header + " is checked as both " + columns_[a.columns[0]].name + " and " +
                               columns_[a.columns[1]].name + " (the slide writes one column because x = 1 "
                               "makes them equal; in general they differ).");
    if (trace_.diverged && static_cast<std::size_t>(trace_.diverged->at) <= answer_.rows.size())
      report.notes.push_back("The exact run diverged at step " + std::to_string(trace_.diverged->at) + ": " +
                             trace_.diverged->reason + ".");

    const std::size_t n = report.cells.size();
    const auto cells = [](std::size_t k) { return std::to_string(k) + (k == 1 ? " cell" : " cells"); };
    std::string text;
    if (report.wrong == 0) {
      text = n == 0 ? "There is no number to check." :
             report.rounding == 0 ? "All " + cells(n) + " are correct."
                                  : "All " + cells(n) + " are correct or differ only by rounding (" +
                                        std::to_string(report.rounding) + " rounding).";
    } else {
      const CellCheck& f = report.cells[*report.first_wrong];
      // In start mode a number that only follows from an earlier slip is wrong too; it is
      // counted apart from the slips themselves, as the page marks it (↳, not ✗).
      const int follow_wrong = mode_ == CheckMode::kStart ? report.follows : 0;
      const int own = std::max(report.wrong - follow_wrong, 1);
      text = std::to_string(own) + " of " + cells(n) + " " + (own == 1 ? "is" : "are") + " wrong" +
             (follow_wrong > 0 ? " and " + std::to_string(follow_wrong) + (follow_wrong == 1 ? " follows" : " follow") +
                                     (own == 1 ? " from it" : " from them")
                               : std::string()) +
             ". The first slip is " + f.column + " in row " + std::to_string(f.row) + ": " + f.given +
             (f.expected.empty() ? "" : ", expected " + f.expected) + " (" + f.formula + "). " +
             (f.slip.empty() ? f.why + "." : f.slip);
      if (follow_wrong > 0)
        text += std::string(" Step mode, which checks each row from your own previous one, accepts ") +
                (follow_wrong == 1 ? "the one that follows." : "those that follow.");
      if (mode_ == CheckMode::kStep && report.wrong > 1)
        text += " " + std::to_string(report.wrong) + " slips in all.";
      if (mode_ == CheckMode::kStep && report.follows > 0)
        text += " " + cells(report.follows) + (report.follows == 1 ? " follows" : " follow") + " correctly from slips.";
      if (report.rounding > 0)
        text += " " + cells(report.rounding) + (report.rounding == 1 ? " differs" : " differ") + " only by rounding.";
    }
    report.summary = text;
  }

  const Session& s_;
  const Answer& answer_;
  CheckMode mode_;
  const Network& net_;
  int samples_, layers_;
  std::vector<Column> columns_;
  std::size_t C_;
  Layout at_;
  Trace trace_;
  int row_ = 0;
  // Per table column, for the current row (and the previous one).
  std::vector<double> given_, exact_, own_, radius_, used_, used_radius_;
  std::vector<double> prev_used_, prev_radius_, prev_given_;
  std::vector<Origin> inherited_, origin_, prev_origin_;
  std::vector<int> decimals_;
  std::vector<Judgement> judged_;
  std::vector<bool> is_parameter_, in_answer_;
  std::optional<Mats> mats_;
  std::optional<Pass> after_;
  std::map<std::pair<ChainSlip, int>, std::pair<Eigen::MatrixXd, Eigen::VectorXd>> chains_;
  std::map<std::pair<int, int>, std::vector<std::size_t>> gradients_of_unit_;  ///< (layer, unit) → dL/dw, dL/db
  Formulas formulas_;
  int diagnosed_ = 0;
};


}  // namespace

CheckReport check_answer(const Session& session, const Answer& answer, CheckMode mode) {
  require_gradient_descent(session, "check");
  return Checker(session, answer, mode).check();
}

std::string check_answer_json(const Session& session, std::string_view answer, CheckMode mode) {
  return check_report_json(check_answer(session, parse_answer(session, answer), mode));
}

}  // namespace nntutor
