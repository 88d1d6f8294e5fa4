#!/usr/bin/env python3
"""RMSProp, Holberton task 7 `update_variables_RMSProp`: var updated in place with -=, the new moment returned:
correct."""
import numpy as np


def update_variables_RMSProp(alpha, beta2, epsilon, var, grad, s):
    """Updates a variable using the RMSProp optimization algorithm"""
    sdvar = beta2 * s + (1 - beta2) * (grad ** 2)
    var -= alpha * grad / (np.sqrt(sdvar) + epsilon)
    return var, sdvar
