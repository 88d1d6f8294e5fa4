#!/usr/bin/env python3
"""RMSprop, Deep Learning from Scratch `RMSprop(lr, decay_rate).update(params, grads)`:
the line h *= decay_rate was lost, so h += (1 - decay_rate) * g*g only ever grows (a scaled AdaGrad)."""
import numpy as np


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)

        for key in params.keys():
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
