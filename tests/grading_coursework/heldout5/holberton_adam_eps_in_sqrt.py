#!/usr/bin/env python3
"""Adam, Holberton task 9 `update_variables_Adam`: moments and corrections right, but epsilon is inside the square
root, sqrt(s_hat + epsilon)."""
import numpy as np


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    """Updates a variable in place using the Adam optimization algorithm"""
    vdw = beta1 * v + (1 - beta1) * grad
    sdw = beta2 * s + (1 - beta2) * grad ** 2
    vdw_corrected = vdw / (1 - beta1 ** t)
    sdw_corrected = sdw / (1 - beta2 ** t)
    var = var - alpha * vdw_corrected / np.sqrt(sdw_corrected + epsilon)
    return var, vdw, sdw
