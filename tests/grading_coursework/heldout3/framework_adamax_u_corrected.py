#!/usr/bin/env python3
"""Adamax, a student framework's `step(params, grads)` written from an Adam: the max-norm u is
bias-corrected like Adam's v, û = u / (1 − β2ᵗ), though Adamax corrects only m."""
import numpy as np


class Adamax:
    def __init__(self, lr=0.002, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.m = None
        self.u = None
        self.t = 0

    def step(self, params, grads):
        if self.m is None:
            self.m = np.zeros_like(params)
            self.u = np.zeros_like(params)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grads
        self.u = np.maximum(self.beta2 * self.u, np.abs(grads) + self.eps)
        m_hat = self.m / (1 - self.beta1 ** self.t)
        u_hat = self.u / (1 - self.beta2 ** self.t)
        params -= self.lr * m_hat / u_hat
