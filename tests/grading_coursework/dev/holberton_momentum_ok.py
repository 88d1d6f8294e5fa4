#!/usr/bin/env python3
"""Momentum, Holberton task 5: the EWMA form the course teaches."""


def update_variables_momentum(alpha, beta1, var, grad, v):
    """Momentum"""
    dv = beta1 * v + (1 - beta1) * grad
    return var - alpha * dv, dv
