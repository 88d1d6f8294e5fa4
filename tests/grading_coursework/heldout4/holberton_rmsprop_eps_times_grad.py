#!/usr/bin/env python3
"""RMSProp, Holberton `update_variables_RMSProp`: a misplaced parenthesis, var - (alpha / sqrt(s) + epsilon) * grad,
so epsilon multiplies grad instead of sitting in the denominator."""
import numpy as np


def update_variables_RMSProp(alpha, beta2, epsilon, var, grad, s):
    """updates a variable using the RMSProp optimization algorithm"""
    s = beta2 * s + (1 - beta2) * grad ** 2
    var = var - (alpha / np.sqrt(s) + epsilon) * grad
    return var, s
