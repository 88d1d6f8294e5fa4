#!/usr/bin/env python3
"""AdamW, a homework function `adamw_update(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay) -> (w, m, v)`,
graded with --signature: the decay lr * wd * w beside the Adam step, from the old w: correct."""
import numpy as np


def adamw_update(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    w = w - lr * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * w)
    return w, m, v
