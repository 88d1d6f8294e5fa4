#!/usr/bin/env python3
"""RMSProp, CS231n optim.py `rmsprop(w, dw, config)` written from a blog's formula: the cache decays with a
hard-coded 0.9 / 0.1 instead of config['decay_rate'] (0.99), and epsilon is inside the square root."""
import numpy as np


def rmsprop(w, dw, config=None):
    """
    Uses the RMSProp update rule.

    config format:
    - learning_rate: Scalar learning rate.
    - decay_rate: Scalar between 0 and 1 giving the decay rate for the squared gradient cache.
    - epsilon: Small scalar used for smoothing to avoid dividing by zero.
    - cache: Moving average of second moments of gradients.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    next_w = None
    cache = 0.9 * config["cache"] + 0.1 * dw ** 2
    next_w = w - config["learning_rate"] * dw / np.sqrt(cache + config["epsilon"])
    config["cache"] = cache

    return next_w, config
