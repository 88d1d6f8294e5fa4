#!/usr/bin/env python3
"""Nadam, a student framework's `step(params, grads)`: the Nesterov term m_bar is computed,
but the update uses m_hat instead of m_bar (the step is plain Adam's)."""
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
        self.m = self.beta1 * self.m + (1 - self.beta1) * grads
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads * grads
        m_hat = self.m / (1 - self.beta1 ** self.t)
        v_hat = self.v / (1 - self.beta2 ** self.t)
        self.m_bar = self.beta1 * m_hat + (1 - self.beta1) * grads / (1 - self.beta1 ** self.t)
        params -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
