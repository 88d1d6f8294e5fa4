#!/usr/bin/env python3
"""Adam with a textbook's names: rho1, rho2, epscut (Goodfellow et al.'s notation)."""
import numpy as np


def update_variables_Adam(alpha, rho1, rho2, epscut, var, grad, v, s, t):
    """Adam"""
    v = rho1 * v + (1 - rho1) * grad
    s = rho2 * s + (1 - rho2) * grad ** 2
    var = var - alpha * (v / (1 - rho1 ** t)) / (np.sqrt(s / (1 - rho2 ** t)) + epscut)
    return var, v, s
