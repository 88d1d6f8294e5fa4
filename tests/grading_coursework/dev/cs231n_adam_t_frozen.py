#!/usr/bin/env python3
"""Adam, CS231n optim.py `adam`: t + 1 taken into a local and never stored, so every step uses t = 1."""
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
    t = config["t"] + 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * (dw ** 2)
    m_unbias = config["m"] / (1 - config["beta1"] ** t)
    v_unbias = config["v"] / (1 - config["beta2"] ** t)
    next_w = w - config["learning_rate"] * m_unbias / (np.sqrt(v_unbias) + config["epsilon"])
    return next_w, config
