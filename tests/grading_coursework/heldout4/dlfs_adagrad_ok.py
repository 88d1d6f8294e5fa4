#!/usr/bin/env python3
"""AdaGrad, Deep Learning from Scratch `AdaGrad.update(params, grads)` over a dict, the book's 1e-7 outside the root:
correct (the assignment sets eps = 1e-7)."""
import numpy as np


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)

        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
