#!/usr/bin/env python3
"""RMSprop, a student framework's `step(params, grads)` over a list of arrays: `p = p - ...` rebinds the
loop variable, so the parameters in the list never change (the cache does)."""
import numpy as np


class RMSprop:
    def __init__(self, lr=0.01, beta=0.9, eps=1e-8):
        self.lr = lr
        self.beta = beta
        self.eps = eps
        self.cache = None

    def step(self, params, grads):
        if self.cache is None:
            self.cache = [np.zeros_like(p) for p in params]
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            self.cache[i] = self.beta * self.cache[i] + (1 - self.beta) * g ** 2
            p = p - self.lr * g / (np.sqrt(self.cache[i]) + self.eps)
