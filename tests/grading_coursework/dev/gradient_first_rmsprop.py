"""A NumPy library's RMSprop: update(grad, params), the gradient first."""
import numpy as np


class RMSprop:
    def __init__(self, lr=0.001, rho=0.9, eps=1e-8):
        self.lr, self.rho, self.eps = lr, rho, eps
        self.sq = None

    def update(self, g, p):
        if self.sq is None:
            self.sq = np.zeros_like(p)
        self.sq = self.rho * self.sq + (1 - self.rho) * g * g
        return p - self.lr * g / (np.sqrt(self.sq) + self.eps)
