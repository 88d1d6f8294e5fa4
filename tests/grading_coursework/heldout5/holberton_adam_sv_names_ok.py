#!/usr/bin/env python3
"""Adam, Holberton task 9 with the moments' names swapped in the signature,
`update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, s, v, t)`: s is the first moment, v the second,
used consistently by position: correct."""
import numpy as np


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, s, v, t):
    """Updates a variable using Adam; s is the first moment, v the second"""
    s = beta1 * s + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    s_hat = s / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    var = var - alpha * s_hat / (np.sqrt(v_hat) + epsilon)
    return var, s, v
