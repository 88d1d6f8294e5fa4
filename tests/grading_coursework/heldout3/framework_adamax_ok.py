#!/usr/bin/env python3
"""Adamax, a student framework's `step(params, grads)`, torch's form u ← max(β2 u, |g| + ε),
θ ← θ − η/(1 − β1ᵗ) · m/u: correct."""
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
        step_size = self.lr / (1 - self.beta1 ** self.t)
        params -= step_size * self.m / self.u
