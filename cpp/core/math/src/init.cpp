#include "nntutor/init.hpp"

#include <algorithm>
#include <cmath>

namespace nntutor {

double uniform01(std::mt19937_64& engine) { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }

void glorot_uniform(Eigen::Ref<Eigen::MatrixXd> W, Uniform& draw) {
  const double limit = std::sqrt(6.0 / static_cast<double>(W.cols() + W.rows()));
  for (Eigen::Index r = 0; r < W.rows(); ++r)
    for (Eigen::Index c = 0; c < W.cols(); ++c) W(r, c) = (2 * draw() - 1) * limit;
}

void shuffle(std::vector<Eigen::Index>& order, std::mt19937_64& engine) {
  for (std::size_t i = order.size(); i-- > 1;) {
    const double u = uniform01(engine);
    const auto j = std::min<std::size_t>(i, static_cast<std::size_t>(u * static_cast<double>(i + 1)));
    std::swap(order[i], order[j]);
  }
}

}  // namespace nntutor
