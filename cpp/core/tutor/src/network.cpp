#include "nntutor/network.hpp"

namespace nntutor {

long Network::parameters() const {
  long n = 0;
  for (const auto& layer : layers) n += static_cast<long>(layer.W.size() + layer.b.size());
  return n;
}

void forward(const Network& net, const Batch& batch, const Loss& loss, Pass& pass) {
  const std::size_t n = net.layers.size();
  pass.Z.resize(n);
  pass.A.resize(n);
  for (std::size_t l = 0; l < n; ++l) {
    const Layer& layer = net.layers[l];
    const Eigen::MatrixXd& input = l == 0 ? batch.X : pass.A[l - 1];
    Eigen::MatrixXd& z = pass.Z[l];
    affine(layer.W, layer.b, input, z);  // z = W·a + b
    if (layer.f.is_softmax()) {
      pass.A[l].resize(z.rows(), z.cols());
      softmax(z, pass.A[l]);  // y = softmax(z), per sample
    } else {
      activate(layer.f, z, pass.A[l]);  // y = f(z)
    }
  }
  pass.loss = loss_of(net, loss, pass, batch.Y);
}

double loss_of(const Network& net, const Loss& loss, const Pass& pass, const Eigen::MatrixXd& Y) {
  // bce after a sigmoid and cross_entropy after a softmax: from the logits, as Keras does.
  return loss.from_logits(net.layers.back().f) ? loss.mean_from_logits(pass.Z.back(), Y)
                                                : loss.mean(pass.A.back(), Y);
}

void backward(const Network& net, const Batch& batch, const Loss& loss, Pass& pass) {
  const std::size_t n = net.layers.size();
  pass.dW.resize(n);
  pass.db.resize(n);
  const bool logits = loss.from_logits(net.layers.back().f);
  if (logits) loss.mean_from_logits(pass.Z.back(), batch.Y, &pass.delta);  // δ = ∂L/∂z = (ŷ − y)/…
  else loss.mean_gradient(pass.A.back(), batch.Y, pass.grad);              // ∂L/∂ŷ
  for (std::size_t l = n; l-- > 0;) {
    const Layer& layer = net.layers[l];
    const Eigen::MatrixXd& z = pass.Z[l];
    const Eigen::MatrixXd& y = pass.A[l];
    // δ = ∂L/∂z = ∂L/∂y ⊙ f'(z): the chain rule through this layer's activation.
    if (!(logits && l + 1 == n)) delta(layer.f, pass.grad, z, y, pass.delta);
    const Eigen::MatrixXd& input = l == 0 ? batch.X : pass.A[l - 1];
    gradients(pass.delta, input, pass.dW[l], pass.db[l]);  // ∂L/∂W = δ·aᵀ, ∂L/∂b = Σ_s δ
    if (l > 0) backprop(layer.W, pass.delta, pass.grad);    // ∂L/∂a = Wᵀ·δ
  }
}

}  // namespace nntutor
