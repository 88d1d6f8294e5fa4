"""A Keras-like student library's RMSprop: returns the steps for the layer's parameters."""
import numpy as np


class RMSprop:
    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        self.learning_rate, self.rho, self.epsilon = learning_rate, rho, epsilon
        self.caches = {}

    def optimise_gradients(self, layer, gradients):
        cache = self.caches.setdefault(id(layer), [np.zeros_like(g) for g in gradients])
        out = []
        for i, g in enumerate(gradients):
            cache[i] = self.rho * cache[i] + (1 - self.rho) * np.square(g)
            out.append(self.learning_rate * g / (np.sqrt(cache[i]) + self.epsilon))
        return out
