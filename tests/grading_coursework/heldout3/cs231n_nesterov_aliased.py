#!/usr/bin/env python3
"""NAG, CS231n-style `nesterov_momentum(w, dw, config)`: v_prev = config["velocity"] is the same array that
*= and -= then change, so −μ v_prev + (1 + μ) v is just v: plain heavy-ball momentum."""
import numpy as np


def nesterov_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    config.setdefault("velocity", np.zeros_like(w))
    mu = config["momentum"]
    v = config["velocity"]
    v_prev = v
    v *= mu
    v -= config["learning_rate"] * dw
    next_w = w - mu * v_prev + (1 + mu) * v
    config["velocity"] = v
    return next_w, config
