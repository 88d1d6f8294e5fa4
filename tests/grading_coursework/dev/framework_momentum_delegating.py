"""A student framework: the optimizer is called with the network; the arithmetic lives in update_params."""
import numpy as np


class MomentumSGD:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.velocity = {}

    def update(self, network, grads):
        for i, layer in enumerate(network.layers):
            self.update_params(layer.params, grads[i])

    def update_params(self, params, grads):
        for name in params:
            b = self.velocity.setdefault(name, np.zeros_like(params[name]))
            b *= self.momentum
            b += grads[name]
            params[name] -= self.lr * b
