#!/usr/bin/env python3
"""AdamW, a student framework's `step(params, grads)`: the decoupled decay λθ is not multiplied by η."""
import numpy as np


class AdamW:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.weight_decay = weight_decay
        self.state = None
        self.t = 0

    def step(self, params, grads):
        if self.state is None:
            self.state = {"m": np.zeros_like(params), "v": np.zeros_like(params)}
        self.t += 1
        m = self.state["m"] = self.beta1 * self.state["m"] + (1 - self.beta1) * grads
        v = self.state["v"] = self.beta2 * self.state["v"] + (1 - self.beta2) * grads ** 2
        m_hat = m / (1 - self.beta1 ** self.t)
        v_hat = v / (1 - self.beta2 ** self.t)
        update = self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        if self.weight_decay > 0:
            update += self.weight_decay * params
        params -= update
