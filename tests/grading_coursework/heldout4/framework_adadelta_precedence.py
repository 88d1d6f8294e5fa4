#!/usr/bin/env python3
"""AdaDelta, a student framework's `step(params, grads)` (Zeiler's Algorithm 1, no learning rate):
a misplaced parenthesis in the gradient average,
E[g^2] = (rho * E[g^2] + 1 - rho) * g^2 instead of rho * E[g^2] + (1 - rho) * g^2."""
import numpy as np


class AdaDelta:
    def __init__(self, rho=0.95, eps=1e-6):
        self.rho = rho
        self.eps = eps
        self.Eg2 = None
        self.Edx2 = None

    def step(self, params, grads):
        if self.Eg2 is None:
            self.Eg2 = np.zeros_like(params)
            self.Edx2 = np.zeros_like(params)
        self.Eg2 = (self.rho * self.Eg2 + 1 - self.rho) * grads ** 2
        dx = -np.sqrt(self.Edx2 + self.eps) / np.sqrt(self.Eg2 + self.eps) * grads
        self.Edx2 = self.rho * self.Edx2 + (1 - self.rho) * dx ** 2
        params += dx
