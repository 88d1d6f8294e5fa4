#!/usr/bin/env python3
"""RMSProp, Holberton task 7: the squared gradient added without its (1 − β2) weight."""
import numpy as np


def update_variables_RMSProp(alpha, beta2, epsilon, var, grad, s):
    """Updates a variable using the RMSProp optimization algorithm"""
    s = beta2 * s + grad ** 2
    var = var - alpha * grad / (np.sqrt(s) + epsilon)
    return var, s
