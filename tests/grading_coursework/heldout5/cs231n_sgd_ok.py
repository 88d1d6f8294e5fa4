#!/usr/bin/env python3
"""SGD, CS231n optim.py `sgd(w, dw, config)`: the template's vanilla update, w -= lr * dw: correct."""


def sgd(w, dw, config=None):
    """
    Performs vanilla stochastic gradient descent.

    config format:
    - learning_rate: Scalar learning rate.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)

    w -= config["learning_rate"] * dw
    return w, config
