#!/usr/bin/env python3
"""Momentum, a student framework's `step(params, grads)`:
the velocity already carries η and the step multiplies by η again."""
import numpy as np


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = None

    def step(self, params, grads):
        if self.velocity is None:
            self.velocity = np.zeros_like(params)
        self.velocity = self.momentum * self.velocity + self.lr * grads
        params -= self.lr * self.velocity
