#!/usr/bin/env python3
"""Momentum, Holberton task 5 `update_variables_momentum`: the new moment is computed and returned, but var is
moved with the previous moment v instead of the new one."""


def update_variables_momentum(alpha, beta1, var, grad, v):
    """Updates a variable using gradient descent with momentum"""
    new_v = beta1 * v + (1 - beta1) * grad
    var = var - alpha * v
    return var, new_v
