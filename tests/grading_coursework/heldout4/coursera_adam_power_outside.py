#!/usr/bin/env python3
"""Coursera DLS course 2 week 2 `update_parameters_with_adam`, with the notebook's `initialize_adam`:
the bias corrections are written v / (1 - beta1) ** t and s / (1 - beta2) ** t (power outside the parenthesis)."""
import numpy as np


def initialize_adam(parameters):
    L = len(parameters) // 2
    v = {}
    s = {}
    for l in range(L):
        v["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)
        v["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)
        s["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)
        s["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                beta1=0.9, beta2=0.999, epsilon=1e-8):
    L = len(parameters) // 2
    v_corrected = {}
    s_corrected = {}

    for l in range(L):
        for p in ["W", "b"]:
            d = "d" + p + str(l + 1)
            v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
            v_corrected[d] = v[d] / (1 - beta1) ** t
            s[d] = beta2 * s[d] + (1 - beta2) * np.square(grads[d])
            s_corrected[d] = s[d] / (1 - beta2) ** t
            parameters[p + str(l + 1)] = parameters[p + str(l + 1)] - learning_rate * v_corrected[d] / (
                np.sqrt(s_corrected[d]) + epsilon)

    return parameters, v, s
