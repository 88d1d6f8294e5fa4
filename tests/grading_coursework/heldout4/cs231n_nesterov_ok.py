#!/usr/bin/env python3
"""CS231n-style `nesterov_momentum(w, dw, config)`, written in the Lasagne form:
v = mu*v - lr*dw, then w + mu*v - lr*dw (the look-ahead folded into the step): correct."""
import numpy as np


def nesterov_momentum(w, dw, config=None):
    """
    Performs stochastic gradient descent with Nesterov momentum.

    config format:
    - learning_rate: Scalar learning rate.
    - momentum: Scalar between 0 and 1 giving the momentum value.
    - velocity: A numpy array of the same shape as w and dw.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    mu = config["momentum"]
    lr = config["learning_rate"]
    v = mu * v - lr * dw
    next_w = w + mu * v - lr * dw

    config["velocity"] = v
    return next_w, config
