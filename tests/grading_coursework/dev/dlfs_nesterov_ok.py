#!/usr/bin/env python3
"""NAG, Deep Learning from Scratch `Nesterov.update(params, grads)`:
parameters moved with the old velocity first: correct."""
import numpy as np


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        mu = self.momentum
        for key in params.keys():
            params[key] += mu * mu * self.v[key] - (1 + mu) * self.lr * grads[key]
            self.v[key] = mu * self.v[key] - self.lr * grads[key]
