#!/usr/bin/env python3
"""AdaGrad, a student framework's `AdaGrad.step(params, grads)` over a list, eps = 1e-8 outside the root: correct."""
import numpy as np


class AdaGrad:
    def __init__(self, lr=0.01, eps=1e-8):
        self.lr = lr
        self.eps = eps
        self.G = None

    def step(self, params, grads):
        if self.G is None:
            self.G = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.G[i] += grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.G[i]) + self.eps)
