#!/usr/bin/env python3
"""AdamW as an online judge's `adamw_step(w, m, v, grad, lr, beta1, beta2, weight_decay, eps) -> (w, m, v)`:
the decoupled decay is right, but with no t argument neither m̂ nor v̂ is bias-corrected."""
import numpy as np


def adamw_step(w, m, v, grad, lr=0.001, beta1=0.9, beta2=0.999, weight_decay=0.01, eps=1e-8):
    w = np.asarray(w, dtype=float)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    w = w - lr * weight_decay * w
    w = w - lr * m / (np.sqrt(v) + eps)
    return w, m, v
