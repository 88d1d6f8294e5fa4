"""Coursera DLS Adam: v and s overwritten with their corrected values."""
import numpy as np


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    L = len(parameters) // 2
    for l in range(L):
        for p in "Wb":
            d = "d" + p + str(l + 1)
            v[d] = (beta1 * v[d] + (1 - beta1) * grads[d]) / (1 - beta1 ** t)
            s[d] = (beta2 * s[d] + (1 - beta2) * grads[d] ** 2) / (1 - beta2 ** t)
            parameters[p + str(l + 1)] -= learning_rate * v[d] / (np.sqrt(s[d]) + epsilon)
    return parameters, v, s
