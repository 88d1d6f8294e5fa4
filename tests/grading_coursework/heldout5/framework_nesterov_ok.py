#!/usr/bin/env python3
"""Nesterov momentum, a student framework's `NesterovMomentum.step(params, grads)` over a dict, torch's form
buf = mu * buf + g, p -= lr * (g + mu * buf): correct."""
import numpy as np


class NesterovMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.buf = {}

    def step(self, params, grads):
        for k in params:
            g = grads[k]
            if k not in self.buf:
                self.buf[k] = np.zeros_like(g)
            self.buf[k] = self.momentum * self.buf[k] + g
            params[k] -= self.lr * (g + self.momentum * self.buf[k])
