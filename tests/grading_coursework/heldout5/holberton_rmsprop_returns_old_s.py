#!/usr/bin/env python3
"""RMSProp, Holberton task 7 `update_variables_RMSProp`: the step uses the new moment new_s, but the function
returns the old s, so the second moment never advances from one call to the next."""
import numpy as np


def update_variables_RMSProp(alpha, beta2, epsilon, var, grad, s):
    """Updates a variable using the RMSProp optimization algorithm"""
    new_s = beta2 * s + (1 - beta2) * grad * grad
    var = var - alpha * grad / (np.sqrt(new_s) + epsilon)
    return var, s
