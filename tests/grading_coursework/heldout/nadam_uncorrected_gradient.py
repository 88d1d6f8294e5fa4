"""A student's Nadam class: the gradient term (1 − β1) g is not divided by 1 − β1ᵗ."""
import numpy as np


class Nadam:
    def __init__(self, lr=0.002, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, params, grads):
        if self.m is None:
            self.m, self.v = np.zeros_like(params), np.zeros_like(params)
        self.t += 1
        b1, b2, t = self.beta1, self.beta2, self.t
        self.m = b1 * self.m + (1 - b1) * grads
        self.v = b2 * self.v + (1 - b2) * grads ** 2
        m_bar = b1 * self.m / (1 - b1 ** t) + (1 - b1) * grads
        params -= self.lr * m_bar / (np.sqrt(self.v / (1 - b2 ** t)) + self.eps)
