#!/usr/bin/env python3
"""Adam, Coursera DLS `update_parameters_with_adam`: v_corrected divided by 1 − β1² (np.power(beta1, 2) for t)."""
import numpy as np


def initialize_adam(parameters):
    L = len(parameters) // 2
    v = {}
    s = {}
    for l in range(L):
        for name in ("W", "b"):
            v["d" + name + str(l + 1)] = np.zeros(parameters[name + str(l + 1)].shape)
            s["d" + name + str(l + 1)] = np.zeros(parameters[name + str(l + 1)].shape)
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    L = len(parameters) // 2
    v_corrected = {}
    s_corrected = {}
    for l in range(L):
        for name in ("W", "b"):
            g = "d" + name + str(l + 1)
            v[g] = beta1 * v[g] + (1 - beta1) * grads[g]
            v_corrected[g] = v[g] / (1 - np.power(beta1, 2))
            s[g] = beta2 * s[g] + (1 - beta2) * np.power(grads[g], 2)
            s_corrected[g] = s[g] / (1 - np.power(beta2, t))
            parameters[name + str(l + 1)] = parameters[name + str(l + 1)] - learning_rate * v_corrected[g] / (
                np.sqrt(s_corrected[g]) + epsilon)
    return parameters, v, s
