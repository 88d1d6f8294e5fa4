#!/usr/bin/env python3
"""Adam, d2l's `adam(params, states, hyperparams)` ported to NumPy arrays with the gradients beside the
parameters, d2l's ε = 1e-6: `hyperparams["t"] += 1` left out (t stays 1) and ε under the root."""
import numpy as np


def init_adam_states(params):
    return [(np.zeros_like(p), np.zeros_like(p)) for p in params]


def adam(params, grads, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-6
    for p, g, (v, s) in zip(params, grads, states, strict=True):
        v[:] = beta1 * v + (1 - beta1) * g
        s[:] = beta2 * s + (1 - beta2) * np.square(g)
        v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
        s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
        p[:] -= hyperparams["lr"] * v_bias_corr / np.sqrt(s_bias_corr + eps)
