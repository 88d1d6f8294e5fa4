"""A Keras-like student library: the optimiser returns the steps, the layer subtracts them."""
import numpy as np


class Adam:
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = learning_rate, beta_1, beta_2, epsilon
        self.m, self.v, self.iterations = {}, {}, {}

    def optimise_gradients(self, layer, gradients):
        key = id(layer)
        if key not in self.m:
            self.m[key] = [np.zeros_like(g) for g in gradients]
            self.v[key] = [np.zeros_like(g) for g in gradients]
            self.iterations[key] = 0
        self.iterations[key] += 1
        t = self.iterations[key]
        steps = []
        for i, g in enumerate(gradients):
            self.m[key][i] = self.beta_1 * self.m[key][i] + (1 - self.beta_1) * g
            self.v[key][i] = self.beta_2 * self.v[key][i] + (1 - self.beta_2) * g ** 2
            m_hat = self.m[key][i] / (1 - self.beta_1 ** t)
            v_hat = self.v[key][i] / (1 - self.beta_2 ** t)
            steps.append(self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon))
        return steps
