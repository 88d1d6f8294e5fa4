#!/usr/bin/env python3
"""Adam, Holberton task 9 in Kingma & Ba's efficient ordering: α_t = α(1 − β2ᵗ)/(1 − β1ᵗ), the square root
of 1 − β2ᵗ missing."""
import numpy as np


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    """Updates a variable in place using the Adam optimization algorithm"""
    v = beta1 * v + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad ** 2
    alpha_t = alpha * (1 - beta2 ** t) / (1 - beta1 ** t)
    var = var - alpha_t * v / (np.sqrt(s) + epsilon)
    return var, v, s
