#pragma once
/// The chain rule written out: for every weight and bias, the gradient equation in symbols
/// derived from the network, and the numbers of one step substituted factor by factor.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "nntutor/session.hpp"

namespace nntutor {

/// One factor of a product: its symbols, the same with numbers, and its value.
struct Factor {
  std::string symbolic;     ///< LaTeX, e.g. (1 - y_{2})y_{2}
  std::string substituted;  ///< LaTeX with the step's numbers, e.g. (1 - 0.6220)\cdot 0.6220
  double value = 0;
};

/// ∂L/∂(parameter) or δ (= ∂ℓ/∂z of one neuron and sample) as a product of factors per sample.
/// With S samples the gradient is the mean (1/S)Σ_s of the per-sample products.
struct Equation {
  std::string name;    ///< the table's name (dL/dw1, dL/db2[3]) or delta2[1] for δ
  std::string lhs;     ///< LaTeX left-hand side
  std::vector<std::vector<Factor>> factors;  ///< [sample][factor]
  double value = 0;    ///< mean over samples of the product of the factors
  /// With mini-batches: the 1-based samples of the step's batch, one per entry of `factors`;
  /// empty when the step used every sample (factors[s] is then sample s + 1).
  std::vector<int> samples;
  std::string symbolic() const;  ///< LaTeX right-hand side in symbols
};

/// One line of an optimizer's update of one parameter, e.g. for adam
/// m_{w_{1}} ← β₁·m_{w_{1}} + (1 − β₁)·∂L/∂w_{1} with the step's numbers.
struct UpdateLine {
  std::string lhs;          ///< LaTeX, e.g. m_{w_{1}} or w_{1}
  std::string symbolic;     ///< LaTeX right-hand side in symbols
  std::string substituted;  ///< the same with the numbers
  double value = 0;         ///< the value after the update (the table's next row has it too)
};

/// The update of one weight or bias by the session's optimizer in one step: the state lines
/// (adam m and v, rmsprop v, adagrad a), then the parameter's.
struct UpdateEquation {
  std::string name;  ///< the table's name of the parameter: w1, b2[3]
  std::vector<UpdateLine> lines;
};

/// The equations of step `step` (1-based) of `trace`: one per weight and bias in table order,
/// followed by the δ definitions they refer to. Where one path leads from a parameter to the
/// loss (every later layer has one unit) the chain is written out in full, as in the lecture:
/// ∂L/∂w1 = (y2 − y)·(1 − y2)y2·w2·(1 − y1)y1·x. Otherwise it is δ-recursion:
/// ∂L/∂w_l[j,i] = δ_l[j]·y_{l−1}[i], δ_l[j] = f'(z_l[j])·Σ_k w_{l+1}[k,j]·δ_{l+1}[k].
/// `layers` and `units` (1-based) limit the parameters to those of those units of those layers
/// (and the δ they refer to); empty = all. A large network's full set runs to megabytes, so
/// the page asks for one layer or one unit.
std::vector<Equation> gradient_equations(const Session& session, const StepTrace& step,
                                         int precision, const std::vector<int>& layers = {},
                                         const std::vector<int>& units = {});

/// The equations of a graph session's step (docs/graph.md "Equations"): ∂L/∂w_{j,i} = δ_j·y_i
/// and ∂L/∂b_j = δ_j per edge and neuron (of the neurons `units`, empty = all), then
/// δ_j = f′(z_j)·(Σ_{k∈succ(j)} w_{k,j}δ_k + ∂ℓ/∂ŷ for an output). gradient_equations calls it
/// for a graph session.
std::vector<Equation> graph_gradient_equations(const Session& session, const StepTrace& step,
                                               int precision, const std::vector<int>& units = {});
/// The updates of step `step` by the session's optimizer (keras::Optimizer's formulas written
/// out), for the parameters that `layers` and `units` choose (empty = all), in table order.
/// `previous` is the step before (its state is the state before this step's update); null for
/// step 1 (the optimizer's start values). Empty for plain gradient descent (w ← w − η·∂L/∂w),
/// which the lecture writes once.
std::vector<UpdateEquation> update_equations(const Session& session, const StepTrace& step,
                                             const StepTrace* previous, int precision,
                                             const std::vector<int>& layers = {},
                                             const std::vector<int>& units = {});

/// The equations as a LaTeX `align*` block (symbols, then numbers, then the value).
std::string equations_latex(const Session& session, const std::vector<Equation>& equations,
                            int precision);

/// The equations as JSON: [{"name", "latex", "substituted": [per sample], "factors":
/// [[{"symbolic", "substituted", "value"}]], "product"}].
std::string equations_json(const std::vector<Equation>& equations, int precision);

/// The same as a JSON value (no text round trip when it goes into a larger document).
nlohmann::ordered_json equations_to_json(const std::vector<Equation>& equations, int precision);

/// {"step", "latex", "equations"} of one recorded step (see equations_for_step), and for an
/// optimizer other than plain gradient descent "optimizer" (its name) and "updates":
/// [{"name", "lines": [{"lhs", "latex", "substituted", "value"}]}], whose align* block follows the
/// equations' in "latex". `previous`: the step before, as for update_equations.
std::string step_equations_json(const Session& session, const StepTrace& step, int precision,
                                const std::vector<int>& layers = {},
                                const std::vector<int>& units = {},
                                const StepTrace* previous = nullptr);

/// The same as a JSON value.
nlohmann::ordered_json step_equations(const Session& session, const StepTrace& step,
                                      int precision, const std::vector<int>& layers = {},
                                      const std::vector<int>& units = {},
                                      const StepTrace* previous = nullptr);

/// step_equations_json of step `step` (1-based) of `trace`, a recorded run of `session`, with the
/// step before it as `previous`: what equations_for_step returns, without running again.
/// Throws SessionError if `precision` is not 0…17 or the trace has no such step (naming the
/// divergence when the run stopped before it).
std::string trace_equations_json(const Session& session, const Trace& trace, long long step,
                                 int precision, const std::vector<int>& layers = {},
                                 const std::vector<int>& units = {});

/// Runs `session` to step `step` (1-based) and returns {"step", "latex": equations_latex,
/// "equations": equations_json}; throws SessionError if the step is out of range or the run
/// diverged before it. `layers` and `units` as for gradient_equations.
std::string equations_for_step(Session session, long long step, int precision,
                               const std::vector<int>& layers = {},
                               const std::vector<int>& units = {});

}  // namespace nntutor
