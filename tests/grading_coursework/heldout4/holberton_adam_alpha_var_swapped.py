#!/usr/bin/env python3
"""Adam, Holberton `update_variables_Adam`: alpha and var trade places in the last line,
alpha - var * (v_hat / (sqrt(s_hat) + epsilon)) instead of var - alpha * (...)."""
import numpy as np


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    """updates a variable in place using the Adam optimization algorithm"""
    Vd = beta1 * v + (1 - beta1) * grad
    Sd = beta2 * s + (1 - beta2) * np.power(grad, 2)
    Vd_hat = Vd / (1 - beta1 ** t)
    Sd_hat = Sd / (1 - beta2 ** t)
    new_var = alpha - var * (Vd_hat / (np.sqrt(Sd_hat) + epsilon))
    return new_var, Vd, Sd
