#!/usr/bin/env python3
"""SGD, a student framework's `step(params, grads)`: the student decays the step size inside step(),
η/√(t + 1), where the assignment asks for a constant η."""
import math


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.t = 0

    def step(self, params, grads):
        lr = self.lr / math.sqrt(self.t + 1)
        params -= lr * grads
        self.t += 1
