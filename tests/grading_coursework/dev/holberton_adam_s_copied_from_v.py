#!/usr/bin/env python3
"""Adam, Holberton task 9: the s lines copied from the v lines, so β1 is used wherever β2 belongs."""
import numpy as np


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    """Updates a variable in place using the Adam optimization algorithm"""
    Vdw = beta1 * v + (1 - beta1) * grad
    Sdw = beta1 * s + (1 - beta1) * grad ** 2
    Vdw_c = Vdw / (1 - beta1 ** t)
    Sdw_c = Sdw / (1 - beta1 ** t)
    var = var - alpha * Vdw_c / (np.sqrt(Sdw_c) + epsilon)
    return var, Vdw, Sdw
