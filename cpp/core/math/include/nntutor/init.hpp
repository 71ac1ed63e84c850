#pragma once
/// Random draws that are the same on every platform (library distributions differ between
/// libstdc++ and libc++): the start weights (Glorot uniform) and the shuffled sample orders of
/// the worked example and the Keras-style model.
#include <Eigen/Dense>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace nntutor {

/// A uniform draw in [0, 1) from the raw 64-bit output of std::mt19937_64: (next() >> 11)·2⁻⁵³.
double uniform01(std::mt19937_64& engine);

/// Uniform draws in [0, 1) from a seed, uniform01 one after the other.
class Uniform {
 public:
  explicit Uniform(std::uint64_t seed) : engine_(seed) {}
  double operator()() { return uniform01(engine_); }

 private:
  std::mt19937_64 engine_;
};

/// Glorot uniform, as Keras' Dense: W(r, c) = (2u − 1)·limit, limit = √(6/(fan_in + fan_out))
/// with fan_in = columns and fan_out = rows, drawn row by row from `draw`.
void glorot_uniform(Eigen::Ref<Eigen::MatrixXd> W, Uniform& draw);

/// He uniform, as Keras' HeUniform: W(r, c) = (2u − 1)·limit, limit = √(6/fan_in), fan_in =
/// columns, drawn row by row from `draw`.
void he_uniform(Eigen::Ref<Eigen::MatrixXd> W, Uniform& draw);

/// A standard normal draw from two uniform draws (Box–Muller): √(−2 ln(1 − u₁))·cos(2π u₂).
double standard_normal(Uniform& draw);

/// He normal, as Keras' HeNormal: a normal of mean 0 and σ = √(2/fan_in)/0.87962566103423978,
/// redrawn while outside ±2σ (truncated, so that the truncated spread is √(2/fan_in)); row by
/// row from `draw` (standard_normal).
void he_normal(Eigen::Ref<Eigen::MatrixXd> W, Uniform& draw);

/// The start-weight rules of the deep-chain explorer, one row each (initializers()).
enum class InitKind { kConstant, kUniform, kGlorotUniform, kHeUniform, kHeNormal };

/// One initialiser: its name (Keras' where Keras has it), how the page titles it, its formula
/// in plain text and whether it reads the scale s and the seed.
struct InitInfo {
  InitKind kind;
  std::string_view name;     ///< constant, uniform, glorot_uniform, he_uniform, he_normal
  std::string_view title;    ///< "Glorot (Xavier) uniform"
  std::string_view formula;  ///< "w ~ U(−√(6/(fan_in + fan_out)), +√(6/(fan_in + fan_out)))"
  bool uses_scale;           ///< reads s (constant: every w = s; uniform: U(−s, s))
  bool uses_seed;            ///< draws from the seed
};

/// Every initialiser, in InitKind's order.
const std::vector<InitInfo>& initializers();

/// The row called `name`, or nullptr.
const InitInfo* find_initializer(std::string_view name);

/// Fills W by `kind`: constant s, U(−s, s), Glorot uniform, He uniform or He normal (s unused
/// by the last three), drawing from `draw` row by row.
void initialize(InitKind kind, Eigen::Ref<Eigen::MatrixXd> W, double scale, Uniform& draw);

/// Fisher–Yates: for i = n − 1 down to 1, j = min(i, ⌊u·(i + 1)⌋) with u = uniform01(engine),
/// swap order[i] and order[j]. The same permutation natively and in WebAssembly.
void shuffle(std::vector<Eigen::Index>& order, std::mt19937_64& engine);

}  // namespace nntutor
