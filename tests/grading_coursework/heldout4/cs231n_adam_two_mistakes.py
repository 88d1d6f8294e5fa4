#!/usr/bin/env python3
"""CS231n optim.py `adam(w, dw, config)`, two mistakes: only the first moment is bias-corrected
(v is used as it is), and epsilon goes inside the square root, sqrt(v + eps)."""
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

    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw * dw
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    next_w = w - config["learning_rate"] * m_hat / np.sqrt(config["v"] + config["epsilon"])
    return next_w, config
