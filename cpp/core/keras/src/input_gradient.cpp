// Sequential::input_gradient: ∂(an output's logit)/∂x for one sample, in inference mode — the
// gradient behind the digits' saliency (docs/digits.md). Kept apart from model.cpp's training
// passes: it writes no parameter gradient and treats batch normalization with its moving
// statistics (y = scale·x + shift, so ∂y/∂x = scale).
#include <string>

#include "nntutor/io/common.hpp"
#include "nntutor/model.hpp"

namespace nntutor::keras {

using Eigen::Index;

Sequential::InputGradient Sequential::input_gradient(const Vector& x, int k) {
  if (x.size() != inputs())
    common::fail("x", "expected " + std::to_string(inputs()) + " inputs, got " + std::to_string(x.size()));
  if (k < 0 || k >= outputs())
    common::fail("output", "expected 0 to " + std::to_string(outputs() - 1) + ", got " + std::to_string(k));
  if (ws_.capacity == 0) reserve(1);
  const Matrix X = x;  // inputs × 1
  forward(X, 1, false);

  const std::size_t L = layers_.size();
  InputGradient result;
  for (std::size_t l = 0; l < L; ++l) result.outputs.push_back(ws_.y[l].col(0));

  // d: ∂logit/∂(the output of the layer below the one being handled).
  Matrix dy = Matrix::Zero(layers_[L - 1].outputs, 1);
  Matrix dz;
  std::size_t l = L;  // the layers below l still to go through
  const LayerConfig& last = layers_[L - 1].config;
  if (last.kind == LayerKind::kActivation) {
    // The logit is the activation layer's input.
    dy(k, 0) = 1;
    l = L - 1;
  } else if (last.kind == LayerKind::kDense) {
    // The logit is z_k: start below the activation.
    dz = Matrix::Zero(last.units, 1);
    dz(k, 0) = 1;
    const Matrix da = weights(static_cast<int>(L - 1)).transpose() * dz;
    dy = da;
    l = L - 1;
  } else {
    dy(k, 0) = 1;  // maxout or batch normalization last: y_k itself
  }
  // dy now holds ∂logit/∂y of layer l − 1 (or of the inputs when l = 0).
  while (l-- > 0) {
    const Layer& layer = layers_[l];
    const LayerConfig& c = layer.config;
    const int li = static_cast<int>(l);
    const Matrix in = l == 0 ? X : Matrix(ws_.y[l - 1].leftCols(1));
    switch (c.kind) {
      case LayerKind::kDense: {
        if (c.activation == ActivationKind::kLinear) dz = dy;
        else {
          dz.resize(layer.outputs, 1);
          activate_backward(c.activation, c.alpha.value_or(0), ws_.z[l].leftCols(1), ws_.y[l].leftCols(1), dy, dz);
        }
        dy = weights(li).transpose() * dz;
        break;
      }
      case LayerKind::kMaxout: {
        dz = Matrix::Zero(static_cast<Index>(c.units) * c.pieces, 1);
        for (int j = 0; j < c.units; ++j)
          dz(static_cast<Index>(j) * c.pieces + ws_.winner[l](j, 0), 0) = dy(j, 0);
        dy = weights(li).transpose() * dz;
        break;
      }
      case LayerKind::kBatchNormalization:
        dy.array().colwise() *= ws_.scale[l].array();  // inference: y = scale·x + shift
        break;
      case LayerKind::kActivation: {
        Matrix da(layer.inputs, 1);
        activate_backward(c.activation, c.alpha.value_or(0), in, ws_.y[l].leftCols(1), dy, da);
        dy = da;
        break;
      }
    }
  }
  result.gradient = dy.col(0);
  return result;
}

}  // namespace nntutor::keras
