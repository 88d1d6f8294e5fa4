#!/usr/bin/env python3
"""AdaDelta, a student framework's `step(params, grads)`: ε added outside both square roots, as in Adam,
(√E[Δx²] + ε)/(√E[g²] + ε), instead of inside them."""
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
        self.Eg2 = self.rho * self.Eg2 + (1 - self.rho) * grads ** 2
        dx = -(np.sqrt(self.Edx2) + self.eps) / (np.sqrt(self.Eg2) + self.eps) * grads
        self.Edx2 = self.rho * self.Edx2 + (1 - self.rho) * dx ** 2
        params += dx
