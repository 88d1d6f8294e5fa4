#!/usr/bin/env python3
"""RMSProp, Holberton task 7: correct."""
import numpy as np


def update_variables_RMSProp(alpha, beta2, epsilon, var, grad, s):
    """RMSProp"""
    Sdw = beta2 * s + (1 - beta2) * grad * grad
    return var - alpha * grad / (np.sqrt(Sdw) + epsilon), Sdw
