#!/usr/bin/env python3
"""AdaGrad in a Keras-like student library: `optimise_gradients(layer, gradients)` returns the steps
η g / (√G + ε) and the layer subtracts them: correct."""
import numpy as np


class AdaGrad:
    def __init__(self, learning_rate=0.01, epsilon=1e-7):
        self.learning_rate = learning_rate
        self.epsilon = epsilon
        self.G = {}

    def optimise_gradients(self, layer, gradients):
        if id(layer) not in self.G:
            self.G[id(layer)] = [np.zeros_like(g) for g in gradients]
        G = self.G[id(layer)]
        steps = []
        for i, g in enumerate(gradients):
            G[i] = G[i] + g ** 2
            steps.append(self.learning_rate * g / (np.sqrt(G[i]) + self.epsilon))
        return steps
