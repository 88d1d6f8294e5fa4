"""A student framework's Adam: step(model, grads) hands each layer to adam_update(params, grads);
m is not bias-corrected and ε is under the root."""
import numpy as np


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.state = {}

    def step(self, model, grads):
        for layer, g in zip(model.layers, grads, strict=True):
            self.adam_update(layer.params, g)

    def adam_update(self, params, grads):
        for name in params:
            m, v, t = self.state.get(name, (np.zeros_like(params[name]), np.zeros_like(params[name]), 0))
            t += 1
            m = self.beta1 * m + (1 - self.beta1) * grads[name]
            v = self.beta2 * v + (1 - self.beta2) * grads[name] ** 2
            v_hat = v / (1 - self.beta2 ** t)
            params[name] -= self.lr * m / np.sqrt(v_hat + self.eps)
            self.state[name] = (m, v, t)
