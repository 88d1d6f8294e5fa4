#!/usr/bin/env python3
"""Adam, a student framework's `Adam.step(params, grads)` over a list: the moments are never bias-corrected
(no division by 1 - beta1^t nor by 1 - beta2^t; the class keeps no step counter)."""
import numpy as np


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.m = None
        self.v = None

    def step(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * grads[i]
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * np.square(grads[i])
            params[i] -= self.lr * self.m[i] / (np.sqrt(self.v[i]) + self.eps)
