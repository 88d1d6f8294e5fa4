#!/usr/bin/env python3
"""Momentum, a student framework's `SGDMomentum.step(params, grads)` over a dict, torch's form v = βv + g,
p -= lr * v: correct."""
import numpy as np


class SGDMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}

    def step(self, params, grads):
        for name, p in params.items():
            if name not in self.velocity:
                self.velocity[name] = np.zeros_like(p)
            self.velocity[name] = self.momentum * self.velocity[name] + grads[name]
            p -= self.lr * self.velocity[name]
