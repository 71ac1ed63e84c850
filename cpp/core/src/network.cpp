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
    pass.A[l] = z.unaryExpr([&](double v) { return layer.f(v); });  // y = f(z)
  }
  pass.loss = loss.mean(pass.A.back(), batch.Y);
}

void backward(const Network& net, const Batch& batch, const Loss& loss, Pass& pass) {
  const std::size_t n = net.layers.size();
  pass.dW.resize(n);
  pass.db.resize(n);
  loss.mean_gradient(pass.A.back(), batch.Y, pass.grad);  // ∂L/∂ŷ
  for (std::size_t l = n; l-- > 0;) {
    const Layer& layer = net.layers[l];
    const Eigen::MatrixXd& z = pass.Z[l];
    const Eigen::MatrixXd& y = pass.A[l];
    // δ = ∂L/∂z = ∂L/∂y ⊙ f'(z): the chain rule through this layer's activation.
    pass.delta.resize(z.rows(), z.cols());
    for (Eigen::Index s = 0; s < z.cols(); ++s)
      for (Eigen::Index j = 0; j < z.rows(); ++j)
        pass.delta(j, s) = pass.grad(j, s) * layer.f.derivative(z(j, s), y(j, s));
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
