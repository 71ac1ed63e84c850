#pragma once
/// The known slips as data: one row per slip and quantity, with the sentence the student reads
/// and how the wrong number is formed from the row's own numbers. The checker tries the rows
/// for a wrong cell in table order and reports the first whose number matches (docs/check.md
/// lists every slip by its id). To add a slip: a row in kSlips (check_slips.cpp), a SlipForm if
/// none forms its number yet, and a row in docs/check.md.
#include <Eigen/Dense>
#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "nntutor/check_detail.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace nntutor::check_detail {

/// Which quantities a slip applies to (a bit mask of these).
enum SlipApplies : unsigned {
  kParameter = 1,  ///< w and b
  kZ = 2,          ///< z
  kY = 4,          ///< y
  kLoss = 8,       ///< L
  kGradient = 16,  ///< ∂L/∂w and ∂L/∂b
  kComputed = kZ | kY | kLoss | kGradient,
  kVelocity = 32,  ///< sgd's velocity m (with momentum)
};

/// When a slip is tried (a bit mask; every bit must hold).
enum SlipWhen : unsigned {
  kAlways = 0,
  kLaterRow = 1,      ///< not in row 1 (it reads the row above)
  kHiddenInput = 2,   ///< the layer's input is a layer's y, not x (layer ≥ 2)
  kNonlinear = 4,     ///< this layer's activation is not linear
  kSigmoid = 8,       ///< this layer's activation is σ
  kHalfSse = 16,      ///< the loss is half_sse
  kMse = 32,          ///< the loss is mse
  kSamples = 64,      ///< more than one sample
  kWeight = 128,      ///< a weight's gradient (∂L/∂w), not a bias's
  kNoMomentum = 256,  ///< the lecture's update w ← w − η·∂L/∂w (sgd without momentum)
  kMomentum = 512,    ///< sgd with momentum, not Nesterov: w ← w + m
  kNesterov = 1024,   ///< sgd with Nesterov momentum: w ← w + μ·m − η·∂L/∂w
  kAnyMomentum = 2048,  ///< sgd with momentum, Nesterov or not
  kPiece = 4096,      ///< a maxout piece's quantity (w1p2, dL/dw1p2 …)
  kGraph = 8192,      ///< a graph session's number (δ summed over a node's successors)
};

/// What a slip is tried over. Consecutive rows with the same (non-once) loop are tried
/// together, loop step by loop step: for each layer k, activation-for-derivative then
/// derivative-missing.
enum class SlipOver {
  kOnce,
  kOtherGradientsOfUnit,  ///< p updated with each other gradient of its unit (∂L/∂w…, ∂L/∂b)
  kNonlinearLayersDown,   ///< each layer k with an activation, from the last down to this one
  kLayersAbove,           ///< each layer k from the last down to the one above this one
  kOtherGradients,        ///< this unit's other gradients, then the same unit in other layers
  kSuccessorTerms,        ///< a graph: each term w_kj·δ_k of the sums over successors on the way
};

/// How the wrong number is formed. `own` is the value from the student's numbers, `before`
/// the row above's, η the learning rate, S the samples; "the chain" is ∂L/∂p recomputed from
/// the row's own numbers with one link changed.
enum class SlipForm {
  kUpdateSign,               ///< before(p) + η·before(∂L/∂p)
  kNoLearningRate,           ///< before(p) − before(∂L/∂p)
  kLearningRateTwice,        ///< before(p) − η²·before(∂L/∂p)
  kNoUpdate,                 ///< before(p)
  kUpdateWithOther,          ///< before(p) − η·before(another gradient of the unit)
  kParameterAfterUpdate,     ///< own(p) updated by this row: − η·∂L/∂p, or with momentum + m (…)
  kPlainUpdate,              ///< before(p) − η·before(∂L/∂p): momentum forgotten
  kOtherMomentumUpdate,      ///< Nesterov's update where plain momentum belongs, or the reverse
  kVelocitySign,             ///< μ·before(m) + η·∂L/∂p
  kVelocityNoMomentum,       ///< −η·∂L/∂p: μ·m forgotten
  kVelocityNoLearningRate,   ///< μ·before(m) − ∂L/∂p
  kNoBias,                   ///< Σ_i w_ji·a_i
  kZBelowForY,               ///< Σ_i w_ji·z_i of the layer below + b_j
  kPassAfterUpdate,          ///< z, y or L recomputed with the parameters after this row's update
  kNoActivation,             ///< z
  kDerivativeForActivation,  ///< f'(z) with y = f(z)
  kExponentSign,             ///< f(−z)
  kTwiceOwn,                 ///< 2·own
  kHalfOwn,                  ///< own/2
  kNoSquareHalf,             ///< ½·Σ(ŷ − y)/S
  kNoSquareMean,             ///< Σ(ŷ − y)/(K·S)
  kLossOfZ,                  ///< L of the last layer's z instead of its y
  kSamplesTimesOwn,          ///< S·own
  kNegatedOwn,               ///< −own
  kChainActivationForDerivative,  ///< the chain with f'(z_k) replaced by y_k
  kChainNoDerivative,        ///< the chain without f'(z_k)
  kChainNoWeights,           ///< the chain with W_k replaced by ones
  kChainZInput,              ///< the chain with a = z of the layer below
  kChainEveryPiece,          ///< the chain with ∂L/∂y of a maxout unit given to every piece
  kBiasGradient,             ///< own(∂L/∂b) of the unit (∂L/∂w without its input a)
  kOtherOwn,                 ///< own(another gradient)
  kGradientAfterUpdate,      ///< ∂L/∂p recomputed with the parameters after this row's update
  kRowAbove,                 ///< the number the student wrote in the row above
  kChainSuccessorMissing,    ///< a graph: the chain with one successor's term w_kj·δ_k left out
  kChainPredecessorsForSuccessors,  ///< a graph: δ_j summed over j's predecessors, not successors
};

/// One row of the slip table.
struct Slip {
  const char* id;        ///< as in docs/check.md, e.g. update-sign
  unsigned applies;      ///< SlipApplies bits
  unsigned when;         ///< SlipWhen bits
  SlipOver over;
  SlipForm form;
  /// The sentence, with {placeholders} filled from the cell: {name} the column, {dp} its
  /// gradient, {other} another column, {b}, {zn}, {fs} the activation's symbol, {dtext} its
  /// derivative in the lecture's form, {out} the output's symbol, {m} a parameter's velocity
  /// column, … (check_slips.cpp).
  const char* sentence;
};

/// The slip table, in the order slips are tried.
const std::vector<Slip>& slip_table();

/// The slips of sgd with momentum (velocity and momentum updates), tried after slip_table()'s.
const std::vector<Slip>& momentum_slip_table();

/// The slips of graph sessions (δ over a neuron's successors), tried after the others.
const std::vector<Slip>& graph_slip_table();

/// A slip that may explain a wrong number: what the number would be, and the sentence.
struct Candidate {
  std::string id;
  double value;
  std::string sentence;
};

/// What the slip forms read: the checker's current row (and the one above), per table column.
struct SlipInputs {
  const Session& session;
  const Network& net;
  int samples = 0, layers = 0, row = 0;
  const std::vector<Column>& columns;
  const Layout& at;
  const std::vector<double>& own;         ///< from the student's own numbers
  const std::vector<double>& used;        ///< what later cells build on (given, else own)
  const std::vector<double>& prev_used;   ///< the row above's
  const std::vector<double>& prev_given;  ///< the row above's numbers as written (NaN if none)
  /// (layer, unit) → that unit's ∂L/∂w and ∂L/∂b columns.
  const std::map<std::pair<int, int>, std::vector<std::size_t>>& gradients_of_unit;
  std::function<const Mats&()> mats;          ///< the row's numbers as matrices
  std::function<const Pass&()> after_update;  ///< the row after this row's update
  /// ∂L/∂W and ∂L/∂b of a layer (1-based) from the row's own numbers with one slip.
  std::function<const std::pair<Eigen::MatrixXd, Eigen::VectorXd>&(const ChainSlip&, int)> chain;
};

/// The known slips for column c of the current row, in table order: each the number the student
/// would have written with that slip, and its sentence.
std::vector<Candidate> slip_candidates(const SlipInputs& in, std::size_t c);

/// The SlipApplies bit of a column's kind (0: no slip applies, e.g. the step column).
unsigned slip_quantity(Column::Kind kind);

/// One step of a slip's loop: the layer (or node) k, or another column.
struct SlipStep {
  int k = 0;
  std::size_t other = 0;
};

/// The slip table's rows (slip_table(), momentum_slip_table(), graph_slip_table()) tried for a number of the
/// kind `quantity` by a shape's former (`holds(when)`, `steps(over)`, `value(form, step)`,
/// `sentence(text, step)`): a run of rows with the same loop is tried together, step by step.
template <class Former>
std::vector<Candidate> candidates_from(const Former& former, unsigned quantity) {
  std::vector<Candidate> out;
  for (const std::vector<Slip>* table : {&slip_table(), &momentum_slip_table(), &graph_slip_table()}) {
    const std::vector<Slip>& slips = *table;
    for (std::size_t r = 0; r < slips.size();) {
      std::size_t end = r + 1;
      if (slips[r].over != SlipOver::kOnce)
        while (end < slips.size() && slips[end].over == slips[r].over) ++end;
      std::vector<const Slip*> rows;
      for (std::size_t n = r; n < end; ++n)
        if ((slips[n].applies & quantity) && former.holds(slips[n].when)) rows.push_back(&slips[n]);
      if (!rows.empty())
        for (const SlipStep& step : former.steps(slips[r].over))
          for (const Slip* slip : rows) {
            const double value = former.value(slip->form, step);
            if (slip->form == SlipForm::kRowAbove && !std::isfinite(value)) continue;
            out.push_back({slip->id, value, former.sentence(slip->sentence, step)});
          }
      r = end;
    }
  }
  return out;
}

}  // namespace nntutor::check_detail
