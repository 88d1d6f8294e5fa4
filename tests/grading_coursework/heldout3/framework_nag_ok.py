#!/usr/bin/env python3
"""NAG, a student framework's `step(params, grads)` in the CS231n notes' form:
v_prev kept as a copy, x += −μ v_prev + (1 + μ) v: correct."""
import numpy as np


class Nesterov:
    def __init__(self, lr=0.01, mu=0.9):
        self.lr = lr
        self.mu = mu
        self.v = None

    def step(self, params, grads):
        if self.v is None:
            self.v = np.zeros_like(params)
        v_prev = self.v.copy()
        self.v = self.mu * self.v - self.lr * grads
        params += -self.mu * v_prev + (1 + self.mu) * self.v
