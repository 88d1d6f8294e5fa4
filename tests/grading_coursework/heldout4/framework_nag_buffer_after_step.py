#!/usr/bin/env python3
"""NAG, a student framework's `step(params, grads)` over a dict in the buffer form g + momentum*buf:
the buffer is refreshed after the parameters move, so the look-ahead uses last step's buffer."""
import numpy as np


class NesterovSGD:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.buf = {}

    def step(self, params, grads):
        for name in params:
            if name not in self.buf:
                self.buf[name] = np.zeros_like(params[name])
            params[name] -= self.lr * (grads[name] + self.momentum * self.buf[name])
            self.buf[name] = self.momentum * self.buf[name] + grads[name]
