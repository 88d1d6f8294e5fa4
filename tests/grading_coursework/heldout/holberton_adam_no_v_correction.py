#!/usr/bin/env python3
"""Adam, Holberton task 9: v̂ left uncorrected."""
import numpy as np


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    """Adam"""
    m = beta1 * v + (1 - beta1) * grad
    r = beta2 * s + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    return var - alpha * m_hat / (np.sqrt(r) + epsilon), m, r
