"""A student Adam with a mistake: m̂ is not bias-corrected (the README's worked example)."""

import numpy as np


class Adam:
    """Adam that forgets to divide m by 1 − β1ᵗ."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m = self.v = self.m_hat = self.v_hat = None

    def step(self, params, grads):
        if self.m is None:
            self.m = np.zeros_like(params)
            self.v = np.zeros_like(params)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grads
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads**2
        self.m_hat = self.m  # the mistake: should be self.m / (1 - self.beta1**self.t)
        self.v_hat = self.v / (1 - self.beta2**self.t)
        params -= self.lr * self.m_hat / (np.sqrt(self.v_hat) + self.eps)
