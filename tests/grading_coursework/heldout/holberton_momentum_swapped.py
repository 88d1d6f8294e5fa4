#!/usr/bin/env python3
"""Momentum, Holberton task 5: β1 and 1 − β1 the wrong way round."""


def update_variables_momentum(alpha, beta1, var, grad, v):
    """Momentum"""
    v = (1 - beta1) * v + beta1 * grad
    var = var - alpha * v
    return var, v
