#pragma once
/// Random draws that are the same on every platform (library distributions differ between
/// libstdc++ and libc++): the start weights (Glorot uniform) and the shuffled sample orders of
/// the worked example and the Keras-style model.
#include <Eigen/Dense>
#include <cstdint>
#include <random>
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

/// Fisher–Yates: for i = n − 1 down to 1, j = min(i, ⌊u·(i + 1)⌋) with u = uniform01(engine),
/// swap order[i] and order[j]. The same permutation natively and in WebAssembly.
void shuffle(std::vector<Eigen::Index>& order, std::mt19937_64& engine);

}  // namespace nntutor
