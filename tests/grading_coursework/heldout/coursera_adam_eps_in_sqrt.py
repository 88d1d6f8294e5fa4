"""Coursera DLS Adam with np.power, ε under the root."""
import numpy as np


def initialize_adam(parameters):
    L = len(parameters) // 2
    v, s = {}, {}
    for l in range(L):
        v["dW" + str(l + 1)] = np.zeros_like(parameters["W" + str(l + 1)])
        v["db" + str(l + 1)] = np.zeros_like(parameters["b" + str(l + 1)])
        s["dW" + str(l + 1)] = np.zeros_like(parameters["W" + str(l + 1)])
        s["db" + str(l + 1)] = np.zeros_like(parameters["b" + str(l + 1)])
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.1, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    L = len(parameters) // 2
    for l in range(L):
        for x in ("W", "b"):
            d = "d" + x + str(l + 1)
            v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
            s[d] = beta2 * s[d] + (1 - beta2) * np.power(grads[d], 2)
            v_c = v[d] / (1 - np.power(beta1, t))
            s_c = s[d] / (1 - np.power(beta2, t))
            parameters[x + str(l + 1)] = parameters[x + str(l + 1)] - learning_rate * v_c / np.sqrt(s_c + epsilon)
    return parameters, v, s
