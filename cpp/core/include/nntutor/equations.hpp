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
  std::string symbolic() const;  ///< LaTeX right-hand side in symbols
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

/// The equations as a LaTeX `align*` block (symbols, then numbers, then the value).
std::string equations_latex(const Session& session, const std::vector<Equation>& equations,
                            int precision);

/// The equations as JSON: [{"name", "latex", "substituted": [per sample], "factors":
/// [[{"symbolic", "substituted", "value"}]], "product"}].
std::string equations_json(const std::vector<Equation>& equations, int precision);

/// The same as a JSON value (no text round trip when it goes into a larger document).
nlohmann::ordered_json equations_to_json(const std::vector<Equation>& equations, int precision);

/// {"step", "latex", "equations"} of one recorded step (see equations_for_step).
std::string step_equations_json(const Session& session, const StepTrace& step, int precision,
                                const std::vector<int>& layers = {},
                                const std::vector<int>& units = {});

/// The same as a JSON value.
nlohmann::ordered_json step_equations(const Session& session, const StepTrace& step,
                                      int precision, const std::vector<int>& layers = {},
                                      const std::vector<int>& units = {});

/// Runs `session` to step `step` (1-based) and returns {"step", "latex": equations_latex,
/// "equations": equations_json}; throws SessionError if the step is out of range or the run
/// diverged before it. `layers` and `units` as for gradient_equations.
std::string equations_for_step(Session session, long long step, int precision,
                               const std::vector<int>& layers = {},
                               const std::vector<int>& units = {});

}  // namespace nntutor
