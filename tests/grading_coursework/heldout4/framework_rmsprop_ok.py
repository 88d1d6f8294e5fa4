#!/usr/bin/env python3
"""RMSProp, a student framework's `step(params, grads)` over a list of arrays, one cache per array: correct."""
import numpy as np


class RMSProp:
    def __init__(self, lr=0.01, beta=0.9, eps=1e-8):
        self.lr = lr
        self.beta = beta
        self.eps = eps
        self.cache = None

    def step(self, params, grads):
        if self.cache is None:
            self.cache = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            p, g = params[i], grads[i]
            self.cache[i] = self.beta * self.cache[i] + (1 - self.beta) * g * g
            p -= self.lr * g / (np.sqrt(self.cache[i]) + self.eps)
