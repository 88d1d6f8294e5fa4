#!/usr/bin/env python3
"""Adamax in a NumPy library with `update(grad, params)`: m corrected by 1 − β1 (no t at all), and ε added
to u at the division, m/(u + ε), instead of to |g| inside the max."""
import numpy as np


class Adamax:
    def __init__(self, lr=0.002, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.m = None
        self.u = None

    def update(self, grad, params):
        if self.m is None:
            self.m = np.zeros_like(params)
            self.u = np.zeros_like(params)
        self.m = self.beta1 * self.m + (1 - self.beta1) * grad
        self.u = np.maximum(self.beta2 * self.u, np.abs(grad))
        m_hat = self.m / (1 - self.beta1)
        return params - self.lr * m_hat / (self.u + self.eps)
