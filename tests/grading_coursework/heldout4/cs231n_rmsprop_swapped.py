#!/usr/bin/env python3
"""CS231n optim.py `rmsprop(w, dw, config)`: decay_rate and 1 - decay_rate swapped in the cache,
cache = (1 - decay_rate) * cache + decay_rate * dw**2."""
import numpy as np


def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    decay = config["decay_rate"]
    config["cache"] = (1 - decay) * config["cache"] + decay * dw ** 2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    return next_w, config
