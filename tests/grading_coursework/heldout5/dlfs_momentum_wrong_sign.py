#!/usr/bin/env python3
"""Momentum, Deep Learning from Scratch `Momentum.update(params, grads)`: v = momentum * v - lr * grad as in the
book, but the parameters are updated with -= v instead of += v (gradient ascent)."""
import numpy as np


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)

        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] -= self.v[key]
