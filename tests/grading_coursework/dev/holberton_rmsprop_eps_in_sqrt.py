#!/usr/bin/env python3
"""RMSProp, Holberton task 7: ε under the root."""
import numpy as np


def update_variables_RMSProp(alpha, beta2, epsilon, var, grad, s):
    """RMSProp"""
    s_new = beta2 * s + (1 - beta2) * grad ** 2
    return var - alpha * grad / np.sqrt(s_new + epsilon), s_new
