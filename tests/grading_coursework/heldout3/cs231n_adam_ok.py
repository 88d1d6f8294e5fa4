#!/usr/bin/env python3
"""Adam, CS231n optim.py `adam(w, dw, config)`: t counted from 0 and raised first, m̂ and v̂ in the plain
order: correct."""
import numpy as np


def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)

    next_w = None
    config["t"] += 1
    beta1, beta2, t = config["beta1"], config["beta2"], config["t"]
    config["m"] = beta1 * config["m"] + (1 - beta1) * dw
    config["v"] = beta2 * config["v"] + (1 - beta2) * (dw ** 2)
    mb = config["m"] / (1 - beta1 ** t)
    vb = config["v"] / (1 - beta2 ** t)
    next_w = w - config["learning_rate"] * mb / (np.sqrt(vb) + config["epsilon"])
    return next_w, config
