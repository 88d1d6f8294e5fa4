#!/usr/bin/env python3
"""Nadam in a Keras-like student library: `optimise_gradients(layer, gradients)` returns the steps,
m̄ = β1 m̂ + (1 − β1) g / (1 − β1ᵗ) (the lecture's form): correct."""
import numpy as np


class Nadam:
    def __init__(self, eta=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.eta = eta
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.m, self.v, self.t = {}, {}, {}

    def optimise_gradients(self, layer, gradients):
        key = id(layer)
        if key not in self.m:
            self.m[key] = [np.zeros_like(g) for g in gradients]
            self.v[key] = [np.zeros_like(g) for g in gradients]
            self.t[key] = 0
        self.t[key] += 1
        t, b1, b2 = self.t[key], self.beta_1, self.beta_2
        steps = []
        for i, g in enumerate(gradients):
            self.m[key][i] = b1 * self.m[key][i] + (1 - b1) * g
            self.v[key][i] = b2 * self.v[key][i] + (1 - b2) * np.square(g)
            m_hat = self.m[key][i] / (1 - b1 ** t)
            v_hat = self.v[key][i] / (1 - b2 ** t)
            m_bar = b1 * m_hat + (1 - b1) * g / (1 - b1 ** t)
            steps.append(self.eta * m_bar / (np.sqrt(v_hat) + self.epsilon))
        return steps
