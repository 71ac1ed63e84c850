/// The slip catalogue: the table of known slips (data) and what turns a row of it into the
/// number a student with that slip would write.
#include "nntutor/check_slips.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace nntutor::check_detail {

namespace {

using Kind = Column::Kind;
using Over = SlipOver;
using Form = SlipForm;

constexpr const char* kAfterUpdate =
    "{name} was computed with the parameters after this step's update; each row uses the "
    "parameters before it.";

// In the order they are tried: the most specific first within each quantity.
const std::vector<Slip> kSlips = {
    // w and b: the update w ← w − η·∂L/∂w.
    {"update-sign", kParameter, kLaterRow | kNoMomentum, Over::kOnce, Form::kUpdateSign,
     "The update has the wrong sign: {name} + η·{dp} instead of {name} − η·{dp}."},
    {"no-learning-rate", kParameter, kLaterRow | kNoMomentum, Over::kOnce, Form::kNoLearningRate,
     "η is missing from the update: {name} − {dp} instead of {name} − η·{dp}."},
    {"learning-rate-twice", kParameter, kLaterRow | kNoMomentum, Over::kOnce, Form::kLearningRateTwice,
     "η is applied twice: {name} − η²·{dp} instead of {name} − η·{dp}."},
    {"no-update", kParameter, kLaterRow | kNoMomentum, Over::kOnce, Form::kNoUpdate,
     "{name} is copied from the row above: the update {name} − η·{dp} is missing."},
    {"other-gradient", kParameter, kLaterRow | kNoMomentum, Over::kOtherGradientsOfUnit, Form::kUpdateWithOther,
     "{name} was updated with {other} instead of {dp}."},
    {"after-update", kParameter, kAlways, Over::kOnce, Form::kParameterAfterUpdate,
     "This is {name} after this step's update; each row shows the parameters before it."},
    // z = W·a + b.
    {"no-bias", kZ, kAlways, Over::kOnce, Form::kNoBias, "The bias {b} is missing from {name}."},
    {"z-for-y", kZ, kHiddenInput, Over::kOnce, Form::kZBelowForY,
     "{z_below} was used where {y_below} = {f_below}({z_below}) belongs."},
    // y = f(z).
    {"no-activation", kY, kNonlinear, Over::kOnce, Form::kNoActivation,
     "The activation is missing: {name} = {zn} instead of {fs}({zn})."},
    {"derivative-for-activation", kY, kNonlinear, Over::kOnce, Form::kDerivativeForActivation,
     "This is {fs}′({zn}) = {dtext}, not {fs}({zn})."},
    {"exponent-sign", kY, kSigmoid, Over::kOnce, Form::kExponentSign,
     "The sign of the exponent is flipped: 1/(1 + e^{zn}) instead of 1/(1 + e^−{zn})."},
    {"after-update", kZ | kY, kAlways, Over::kOnce, Form::kPassAfterUpdate, kAfterUpdate},
    // L: ½(ŷ − y)² (half_sse) or the mean of (ŷ − y)² (mse), averaged over the samples.
    {"no-half", kLoss, kHalfSse, Over::kOnce, Form::kTwiceOwn,
     "The ½ is missing: ({yhat} − y)² instead of ½({yhat} − y)²."},
    {"no-square", kLoss, kHalfSse, Over::kOnce, Form::kNoSquareHalf, "({yhat} − y) is not squared."},
    {"extra-half", kLoss, kMse, Over::kOnce, Form::kHalfOwn, "The mse loss has no ½ in front."},
    {"no-square", kLoss, kMse, Over::kOnce, Form::kNoSquareMean, "({yhat} − y) is not squared."},
    {"z-for-y", kLoss, kAlways, Over::kOnce, Form::kLossOfZ, "{z_last} was used where {yhat} = ŷ belongs."},
    {"sum-over-samples", kLoss, kSamples, Over::kOnce, Form::kSamplesTimesOwn,
     "The samples' losses were added, not averaged."},
    {"after-update", kLoss, kAlways, Over::kOnce, Form::kPassAfterUpdate, kAfterUpdate},
    // ∂L/∂w and ∂L/∂b: the chain rule.
    {"gradient-sign", kGradient, kAlways, Over::kOnce, Form::kNegatedOwn,
     "(y − {out}) was used instead of ({out} − y): the gradient has the wrong sign."},
    {"activation-for-derivative", kGradient, kAlways, Over::kNonlinearLayersDown,
     Form::kChainActivationForDerivative, "{yk} = {fs}({zk}) was used where {fs}′({zk}) = {dtext} belongs."},
    {"derivative-missing", kGradient, kAlways, Over::kNonlinearLayersDown, Form::kChainNoDerivative,
     "The factor {fs}′({zk}) = {dtext} is missing."},
    // Maxout: its f′ is the indicator 1[this piece won]; left out, every piece gets ∂L/∂y.
    {"derivative-missing", kGradient, kPiece, Over::kOnce, Form::kChainEveryPiece,
     "The maxout factor is missing: {name} belongs to a piece that lost (its z is not the "
     "largest), and the gradient flows to the winning piece only, so it is 0."},
    {"weight-missing", kGradient, kAlways, Over::kLayersAbove, Form::kChainNoWeights,
     "{weights} missing from the chain."},
    {"input-missing", kGradient, kWeight, Over::kOnce, Form::kBiasGradient,
     "The factor {input} (what {w} multiplies) is missing."},
    {"z-for-y-input", kGradient, kWeight | kHiddenInput, Over::kOnce, Form::kChainZInput,
     "{z_in} was used where {y_in} belongs ({w} multiplies {y_in})."},
    {"loss-factor-2", kGradient, kHalfSse, Over::kOnce, Form::kTwiceOwn,
     "A factor 2 is too many: the derivative of ½({out} − y)² is ({out} − y)."},
    {"sum-over-samples", kGradient, kSamples, Over::kOnce, Form::kSamplesTimesOwn,
     "The samples' gradients were added, not averaged (1/S is missing)."},
    {"other-gradient", kGradient, kAlways, Over::kOtherGradients, Form::kOtherOwn,
     "This is the value of {other}{which}"},
    {"before-update", kGradient, kAlways, Over::kOnce, Form::kGradientAfterUpdate,
     "The gradient was taken after the update; take it first, then update the parameters."},
    // Any computed number.
    {"copied", kComputed | kVelocity, kLaterRow, Over::kOnce, Form::kRowAbove,
     "This is {name} of the row above: it was not recomputed."},
};

// sgd with momentum (Keras 3: m ← μ·m − η·∂L/∂w, then w ← w + m, or with Nesterov
// w ← w + μ·m − η·∂L/∂w): tried after the lecture's slips, whose update slips hold for plain
// gradient descent only (kNoMomentum).
const std::vector<Slip> kMomentumSlips = {
    {"no-momentum", kParameter, kLaterRow | kAnyMomentum, Over::kOnce, Form::kPlainUpdate,
     "The momentum is forgotten: {name} − η·{dp} is plain gradient descent; with momentum the update "
     "adds the velocity {m}."},
    {"nesterov-update", kParameter, kLaterRow | kMomentum, Over::kOnce, Form::kOtherMomentumUpdate,
     "This is Nesterov's update {name} + μ·{m} − η·{dp}; without Nesterov it is {name} + {m}."},
    {"plain-momentum-update", kParameter, kLaterRow | kNesterov, Over::kOnce, Form::kOtherMomentumUpdate,
     "This is {name} + {m}, plain momentum's update; with Nesterov it is {name} + μ·{m} − η·{dp}."},
    {"no-update", kParameter, kLaterRow | kAnyMomentum, Over::kOnce, Form::kNoUpdate,
     "{name} is copied from the row above: the update by the velocity {m} is missing."},
    // The velocity m ← μ·m − η·∂L/∂w (sgd with momentum).
    {"velocity-sign", kVelocity, kAlways, Over::kOnce, Form::kVelocitySign,
     "The velocity has the wrong sign: μ·{name} + η·{dp} instead of μ·{name} − η·{dp}."},
    {"no-momentum-term", kVelocity, kLaterRow, Over::kOnce, Form::kVelocityNoMomentum,
     "The momentum term μ·{name} (the row above's velocity) is missing: −η·{dp} instead of "
     "μ·{name} − η·{dp}."},
    {"no-learning-rate", kVelocity, kAlways, Over::kOnce, Form::kVelocityNoLearningRate,
     "η is missing from the velocity: μ·{name} − {dp} instead of μ·{name} − η·{dp}."},
};

// A graph session's own slips (δ_j = f′(z_j)·Σ_{k ∈ succ(j)} w_kj·δ_k over every successor),
// tried after the others; the layered former never holds them (kGraph).
const std::vector<Slip> kGraphSlips = {
    {"successor-missing", kGradient, kGraph, Over::kSuccessorTerms, Form::kChainSuccessorMissing,
     "The term {term} (from successor {succ} of neuron {node}) is missing: δ[{node}] sums over every "
     "successor."},
    {"predecessors-for-successors", kGradient, kGraph, Over::kOnce, Form::kChainPredecessorsForSuccessors,
     "δ[{node}] was summed over neuron {node}'s predecessors ({preds}) instead of its successors ({succs})."},
};

unsigned quantity_of(Kind kind) {
  switch (kind) {
    case Kind::kW: case Kind::kB: return kParameter;
    case Kind::kZ: return kZ;
    case Kind::kY: return kY;
    case Kind::kLoss: return kLoss;
    case Kind::kDW: case Kind::kDB: return kGradient;
    case Kind::kState: return kVelocity;
    case Kind::kStep: case Kind::kBatch: case Kind::kWinner: break;
  }
  return 0;
}

using Step = SlipStep;

/// Forms the numbers and the sentences of the slips for one column.
class Former {
 public:
  Former(const SlipInputs& in, std::size_t c)
      : in_(in), c_(c), col_(in.columns[c]), l_(col_.layer), j_(col_.unit), i_(col_.input),
        s_(col_.sample), ul_(static_cast<std::size_t>(l_ > 0 ? l_ - 1 : 0)),
        // The row of W, b, z: piece p of unit j is row j·k + p in a maxout layer.
        J_(l_ > 0 && col_.piece > 0 ? in.net.layers[ul_].row(j_, col_.piece) : j_ - 1),
        I_(i_ - 1), Sm_(s_ - 1), eta_(in.session.optimizer.learning_rate),
        mu_(in.session.optimizer.momentum), momentum_(!in.at.mW.empty()),
        nesterov_(momentum_ && in.session.optimizer.nesterov) {
    // A parameter's (or a velocity's) gradient column, and with momentum its velocity column.
    const bool weight = col_.kind == Kind::kW || (col_.kind == Kind::kState && i_ > 0);
    if (col_.kind == Kind::kW || col_.kind == Kind::kB || col_.kind == Kind::kState) {
      g_ = static_cast<std::size_t>(weight ? in.at.dW[ul_](J_, I_) : in.at.db[ul_](J_));
      if (momentum_) m_ = static_cast<std::size_t>(weight ? in.at.mW[ul_](J_, I_) : in.at.mb[ul_](J_));
    }
  }

  bool holds(unsigned when) const {
    const Activation* f = l_ > 0 ? &in_.net.layers[ul_].f : nullptr;
    if ((when & kLaterRow) && in_.row <= 1) return false;
    if (when & kGraph) return false;  // a graph's slips (check_graph.cpp)
    if ((when & kHiddenInput) && l_ <= 1) return false;
    // Maxout's y is one of its z: no f(z) or f′(z) to leave out or swap.
    if ((when & kNonlinear) && (!f || f->kind == ActivationKind::kLinear || f->is_piecewise())) return false;
    if ((when & kPiece) && col_.piece == 0) return false;
    if ((when & kSigmoid) && (!f || f->kind != ActivationKind::kSigmoid)) return false;
    if ((when & kHalfSse) && in_.session.loss.kind != LossKind::kHalfSse) return false;
    if ((when & kMse) && in_.session.loss.kind == LossKind::kHalfSse) return false;
    if ((when & kSamples) && in_.samples <= 1) return false;
    if ((when & kWeight) && col_.kind != Kind::kDW) return false;
    if ((when & kNoMomentum) && momentum_) return false;
    if ((when & kAnyMomentum) && !momentum_) return false;
    if ((when & kMomentum) && (!momentum_ || nesterov_)) return false;
    if ((when & kNesterov) && !nesterov_) return false;
    return true;
  }

  /// The steps of a loop, in the order they are tried.
  std::vector<Step> steps(Over over) const {
    std::vector<Step> out;
    switch (over) {
      case Over::kOnce: out.push_back({}); break;
      case Over::kOtherGradientsOfUnit: {
        const Layer& layer = in_.net.layers[ul_];
        for (int k = 0; k <= layer.inputs(); ++k) {
          const int other = k < layer.inputs() ? in_.at.dW[ul_](J_, k) : in_.at.db[ul_](J_);
          if (static_cast<std::size_t>(other) != g_) out.push_back({0, static_cast<std::size_t>(other)});
        }
        break;
      }
      case Over::kNonlinearLayersDown:
        for (int k = in_.layers; k >= l_; --k) {
          const Activation& f = in_.net.layers[static_cast<std::size_t>(k - 1)].f;
          if (f.kind != ActivationKind::kLinear && !f.is_piecewise()) out.push_back({k, 0});
        }
        break;
      case Over::kLayersAbove:
        for (int k = in_.layers; k > l_; --k) out.push_back({k, 0});
        break;
      case Over::kSuccessorTerms: break;  // a graph's
      case Over::kOtherGradients: {
        std::vector<std::size_t> others;
        for (std::size_t o : in_.gradients_of_unit.at({col_.layer, col_.unit})) others.push_back(o);
        for (const auto& [key, list] : in_.gradients_of_unit)
          if (key.first != col_.layer && key.second == col_.unit && !list.empty()) others.push_back(list.front());
        std::size_t tried = 0;
        for (std::size_t o : others) {
          if (o == c_ || ++tried > 64) continue;
          out.push_back({0, o});
        }
        break;
      }
    }
    return out;
  }

  double value(Form form, const Step& step) const {
    const double own = in_.own[c_];
    const int S = in_.samples;
    switch (form) {
      case Form::kUpdateSign: return in_.prev_used[c_] + eta_ * in_.prev_used[g_];
      case Form::kNoLearningRate: return in_.prev_used[c_] - in_.prev_used[g_];
      case Form::kLearningRateTwice: return in_.prev_used[c_] - eta_ * eta_ * in_.prev_used[g_];
      case Form::kNoUpdate: return in_.prev_used[c_];
      case Form::kUpdateWithOther: return in_.prev_used[c_] - eta_ * in_.prev_used[step.other];
      case Form::kParameterAfterUpdate:
        if (!momentum_) return own - eta_ * in_.used[g_];
        return nesterov_ ? own + (mu_ * in_.used[m_] - eta_ * in_.used[g_]) : own + in_.used[m_];
      case Form::kPlainUpdate: return in_.prev_used[c_] - eta_ * in_.prev_used[g_];
      case Form::kOtherMomentumUpdate:  // the form the session does not use
        return nesterov_ ? in_.prev_used[c_] + in_.prev_used[m_]
                         : in_.prev_used[c_] + (mu_ * in_.prev_used[m_] - eta_ * in_.prev_used[g_]);
      case Form::kVelocitySign: return mu_ * before_velocity() + eta_ * in_.used[g_];
      case Form::kVelocityNoMomentum: return -eta_ * in_.used[g_];
      case Form::kVelocityNoLearningRate: return mu_ * before_velocity() - in_.used[g_];
      case Form::kNoBias:
      case Form::kZBelowForY: {
        // Below a maxout layer y is the winning piece's z: there is no z to take for y.
        if (form == Form::kZBelowForY && in_.net.layers[ul_ - 1].f.is_piecewise()) return kNaN;
        const Mats& m = in_.mats();
        const Eigen::MatrixXd& A = input(l_);
        double wa = 0, wz = 0;
        for (Eigen::Index k = 0; k < A.rows(); ++k) {
          wa += m.W[ul_](J_, k) * A(k, Sm_);
          if (l_ > 1) wz += m.W[ul_](J_, k) * m.Z[ul_ - 1](k, Sm_);
        }
        return form == Form::kNoBias ? wa : wz + m.b[ul_](J_);
      }
      case Form::kPassAfterUpdate: {
        const Pass& after = in_.after_update();
        if (col_.kind == Kind::kZ) return after.Z[ul_](J_, Sm_);
        if (col_.kind == Kind::kY) return after.A[ul_](J_, Sm_);
        return after.loss;
      }
      case Form::kNoActivation: return in_.mats().Z[ul_](J_, Sm_);
      case Form::kDerivativeForActivation: {
        const Activation& f = in_.net.layers[ul_].f;
        const double z = in_.mats().Z[ul_](J_, Sm_);
        return f.derivative(z, f(z));
      }
      case Form::kExponentSign: return in_.net.layers[ul_].f(-in_.mats().Z[ul_](J_, Sm_));
      case Form::kTwiceOwn: return 2 * own;
      case Form::kHalfOwn: return own / 2;
      case Form::kNoSquareHalf: return 0.5 * difference().sum() / S;
      case Form::kNoSquareMean: {
        const Eigen::MatrixXd diff = difference();
        return diff.sum() / static_cast<double>(diff.rows()) / S;
      }
      case Form::kLossOfZ:  // a maxout output's y is one of its z (and its z has k rows per output)
        if (in_.net.layers.back().f.is_piecewise()) return kNaN;
        return in_.session.loss.mean(in_.mats().Z.back(), in_.session.batch.Y);
      case Form::kSamplesTimesOwn: return S * own;
      case Form::kNegatedOwn: return -own;
      case Form::kChainActivationForDerivative: {
        ChainSlip slip;
        slip.activation_for_derivative = step.k;
        return pick(in_.chain(slip, l_));
      }
      case Form::kChainNoDerivative: {
        ChainSlip slip;
        slip.no_derivative = step.k;
        return pick(in_.chain(slip, l_));
      }
      case Form::kChainNoWeights: {
        ChainSlip slip;
        slip.no_weights = step.k;
        return pick(in_.chain(slip, l_));
      }
      case Form::kChainZInput: {
        if (in_.net.layers[ul_ - 1].f.is_piecewise()) return kNaN;  // as kZBelowForY
        ChainSlip slip;
        slip.z_input = true;
        return pick(in_.chain(slip, l_));
      }
      case Form::kChainEveryPiece: {
        ChainSlip slip;
        slip.every_piece = l_;
        return pick(in_.chain(slip, l_));
      }
      case Form::kBiasGradient: return in_.own[static_cast<std::size_t>(in_.at.db[ul_](J_))];
      case Form::kOtherOwn: return in_.own[step.other];
      case Form::kGradientAfterUpdate: {
        const Pass& after = in_.after_update();
        return col_.kind == Kind::kDW ? after.dW[ul_](J_, I_) : after.db[ul_](J_);
      }
      case Form::kRowAbove: return in_.prev_given[c_];
      case Form::kChainSuccessorMissing: case Form::kChainPredecessorsForSuccessors: break;  // a graph's
    }
    return kNaN;
  }

  /// The sentence with its {placeholders} filled.
  std::string sentence(const char* text, const Step& step) const {
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

 private:
  std::string name(Kind kind, int l, int j, int i = 0, int s = 0) const {
    return quantity_name(kind, in_.net, in_.samples, l, j, i, s);
  }

  std::string word(const std::string& key, const Step& step) const {
    const Network& net = in_.net;
    if (key == "name") return col_.name;
    if (key == "dp") return in_.columns[g_].name;
    if (key == "m") return in_.columns[m_].name;
    if (key == "other") return in_.columns[step.other].name;
    if (key == "b") return quantity_name(Kind::kB, in_.net, in_.samples, l_, j_, 0, 0, col_.piece);
    if (key == "z_below") return layer_symbol(net, 'z', l_ - 1);
    if (key == "y_below") return layer_symbol(net, 'y', l_ - 1);
    if (key == "f_below") return symbol(net.layers[ul_ - 1].f);
    if (key == "zn") return name(Kind::kZ, l_, j_, 0, s_);
    if (key == "yk") return layer_symbol(net, 'y', step.k);
    if (key == "zk") return layer_symbol(net, 'z', step.k);
    if (key == "fs") return symbol(net.layers[static_cast<std::size_t>(step.k > 0 ? step.k - 1 : l_ - 1)].f);
    if (key == "dtext") {
      if (step.k > 0)
        return derivative_text(net.layers[static_cast<std::size_t>(step.k - 1)].f, layer_symbol(net, 'y', step.k),
                               layer_symbol(net, 'z', step.k));
      return derivative_text(net.layers[ul_].f, col_.name, name(Kind::kZ, l_, j_, 0, s_));
    }
    if (key == "yhat") {
      const std::string y = name(Kind::kY, in_.layers, 1, 0, 1);
      return y.substr(0, y.find_first_of("[@"));
    }
    if (key == "z_last") return "z" + std::to_string(in_.layers);
    if (key == "out") return layer_symbol(net, 'y', in_.layers);
    if (key == "weights")
      return net.layers[static_cast<std::size_t>(step.k - 1)].W.size() == 1
                 ? name(Kind::kW, step.k, 1, 1) + " is"
                 : "The weights w" + std::to_string(step.k) + " are";
    if (key == "input") {
      const std::string y = y_name(net, in_.samples, l_ - 1, i_, 1);
      return y.substr(0, y.find('@'));
    }
    if (key == "w") return quantity_name(Kind::kW, in_.net, in_.samples, l_, j_, i_, 0, col_.piece);
    if (key == "z_in") return name(Kind::kZ, l_ - 1, i_);
    if (key == "y_in") return name(Kind::kY, l_ - 1, i_);
    if (key == "which")
      return in_.columns[step.other].layer != col_.layer ? ": the gradient of the wrong layer."
                                                         : ", another parameter's gradient.";
    return "{" + key + "}";
  }

  const Eigen::MatrixXd& input(int l) const {  // l is 1-based: x for layer 1
    return l == 1 ? in_.session.batch.X : in_.mats().Y[static_cast<std::size_t>(l - 2)];
  }
  Eigen::MatrixXd difference() const { return in_.mats().Y.back() - in_.session.batch.Y; }
  /// A velocity column's value in the row above (0 before step 1).
  double before_velocity() const { return in_.row <= 1 ? 0.0 : in_.prev_used[c_]; }
  double pick(const std::pair<Eigen::MatrixXd, Eigen::VectorXd>& g) const {
    return col_.kind == Kind::kDW ? g.first(J_, I_) : g.second(J_);
  }

  const SlipInputs& in_;
  std::size_t c_;
  const Column& col_;
  int l_, j_, i_, s_;
  std::size_t ul_;
  int J_, I_, Sm_;
  double eta_, mu_;
  bool momentum_, nesterov_;
  std::size_t g_ = 0;  ///< a parameter's gradient column
  std::size_t m_ = 0;  ///< with momentum: a parameter's velocity column
};

}  // namespace

const std::vector<Slip>& slip_table() { return kSlips; }

const std::vector<Slip>& momentum_slip_table() { return kMomentumSlips; }

const std::vector<Slip>& graph_slip_table() { return kGraphSlips; }

unsigned slip_quantity(Column::Kind kind) { return quantity_of(kind); }

std::vector<Candidate> slip_candidates(const SlipInputs& in, std::size_t c) {
  const unsigned quantity = quantity_of(in.columns[c].kind);
  if (quantity == 0) return {};
  return candidates_from(Former(in, c), quantity);
}

}  // namespace nntutor::check_detail
