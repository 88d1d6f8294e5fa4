#!/usr/bin/env python3
"""Gradient descent, a CS229-style helper `gradient_step(theta, grad, alpha)` returning the new theta,
graded with --signature: correct."""
import numpy as np


def gradient_step(theta, grad, alpha):
    """One batch gradient descent update: theta := theta - alpha * grad."""
    theta = np.asarray(theta, dtype=float)
    return theta - alpha * grad
