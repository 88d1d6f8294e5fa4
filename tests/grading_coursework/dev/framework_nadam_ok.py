#!/usr/bin/env python3
"""Nadam, a student framework's `step(params, grads)`, the lecture's form β1·m̂ + (1 − β1)g/(1 − β1ᵗ): correct."""
import numpy as np


class Nadam:
    def __init__(self, lr=0.002, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.m = None
        self.v = None
        self.t = 0

    def step(self, params, grads):
        if self.m is None:
            self.m = np.zeros_like(params)
            self.v = np.zeros_like(params)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m = b1 * self.m + (1 - b1) * grads
        self.v = b2 * self.v + (1 - b2) * grads ** 2
        bc1 = 1 - b1 ** self.t
        m_hat = self.m / bc1
        v_hat = self.v / (1 - b2 ** self.t)
        m_nesterov = b1 * m_hat + (1 - b1) * grads / bc1
        params -= self.lr * m_nesterov / (np.sqrt(v_hat) + self.eps)
