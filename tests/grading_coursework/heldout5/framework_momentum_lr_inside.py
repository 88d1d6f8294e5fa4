#!/usr/bin/env python3
"""Momentum (EWMA form), a student framework's `Momentum.step(params, grads)` over a list: the stored velocity is
lr * (beta * v + (1 - beta) * g), so the old velocity is multiplied by lr again on every step."""
import numpy as np


class Momentum:
    def __init__(self, lr=0.01, beta=0.9):
        self.lr = lr
        self.beta = beta
        self.velocities = None

    def step(self, params, grads):
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            p, g = params[i], grads[i]
            self.velocities[i] = self.lr * (self.beta * self.velocities[i] + (1 - self.beta) * g)
            p -= self.velocities[i]
