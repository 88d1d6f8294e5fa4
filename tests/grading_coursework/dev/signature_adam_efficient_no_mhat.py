"""A course's own Adam step, f(lr, beta1, beta2, eps, w, g, m, v, t): the efficient ordering without 1/(1 − β1ᵗ)."""
import math

import numpy as np


def adam_step(lr, beta1, beta2, eps, w, g, m, v, t):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    a = lr * math.sqrt(1 - beta2 ** t)
    return w - a * m / (np.sqrt(v) + eps), m, v
