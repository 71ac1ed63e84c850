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
    z.resize(layer.units(), input.cols());
    z.noalias() = layer.W * input;
    z.colwise() += layer.b;  // z = W·a + b
    if (layer.f.is_softmax()) {
      pass.A[l].resize(z.rows(), z.cols());
      softmax(z, pass.A[l]);  // y = softmax(z), per sample
    } else {
      pass.A[l] = z.unaryExpr([&](double v) { return layer.f(v); });  // y = f(z)
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
    if (!(logits && l + 1 == n)) {
      pass.delta.resize(z.rows(), z.cols());
      for (Eigen::Index s = 0; s < z.cols(); ++s)
        for (Eigen::Index j = 0; j < z.rows(); ++j)
          pass.delta(j, s) = pass.grad(j, s) * layer.f.derivative(z(j, s), y(j, s));
    }
    const Eigen::MatrixXd& input = l == 0 ? batch.X : pass.A[l - 1];
    pass.dW[l].resize(layer.units(), layer.inputs());
    pass.dW[l].noalias() = pass.delta * input.transpose();  // ∂L/∂W = δ·aᵀ
    pass.db[l] = pass.delta.rowwise().sum();                // ∂L/∂b = δ
    if (l > 0) {
      pass.grad.resize(layer.inputs(), z.cols());
      pass.grad.noalias() = layer.W.transpose() * pass.delta;  // ∂L/∂a = Wᵀ·δ
    }
  }
}

}  // namespace nntutor
