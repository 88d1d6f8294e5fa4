#!/usr/bin/env python3
"""AdaDelta, a student framework's `step(params, grads)`: E[Δx²] is read but never updated, so it stays 0."""
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
        dx = -(np.sqrt(self.Edx2 + self.eps) / np.sqrt(self.Eg2 + self.eps)) * grads
        params += dx
