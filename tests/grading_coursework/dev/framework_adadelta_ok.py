#!/usr/bin/env python3
"""AdaDelta, a student framework's `step(params, grads)`, Zeiler's Algorithm 1 with no learning rate: correct."""
import numpy as np


class AdaDelta:
    def __init__(self, rho=0.95, eps=1e-6):
        self.rho = rho
        self.eps = eps
        self.acc_grad = None
        self.acc_delta = None

    def step(self, params, grads):
        if self.acc_grad is None:
            self.acc_grad = np.zeros_like(params)
            self.acc_delta = np.zeros_like(params)
        self.acc_grad = self.rho * self.acc_grad + (1 - self.rho) * grads ** 2
        delta = -np.sqrt(self.acc_delta + self.eps) / np.sqrt(self.acc_grad + self.eps) * grads
        self.acc_delta = self.rho * self.acc_delta + (1 - self.rho) * delta ** 2
        params += delta
