#!/usr/bin/env python3
"""Momentum, d2l's `sgd_momentum(params, states, hyperparams)` ported to NumPy arrays, the gradients passed
beside the parameters: v ← βv + g, p ← p − η v, updated with [:] in place: correct."""
import numpy as np


def init_momentum_states(params):
    return [np.zeros_like(p) for p in params]


def sgd_momentum(params, grads, states, hyperparams):
    for p, g, v in zip(params, grads, states, strict=True):
        v[:] = hyperparams["momentum"] * v + g
        p[:] -= hyperparams["lr"] * v
