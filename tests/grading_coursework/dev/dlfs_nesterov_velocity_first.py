#!/usr/bin/env python3
"""NAG, Deep Learning from Scratch `Nesterov.update`: the velocity is updated before the μ²v look-ahead uses it."""
import numpy as np


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.v[k] = self.momentum * self.v[k] - self.lr * grads[k]
            params[k] += self.momentum ** 2 * self.v[k]
            params[k] -= (1 + self.momentum) * self.lr * grads[k]
