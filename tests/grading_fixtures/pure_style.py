"""A correct student Adam as a pure function update(param, grad, state, t) -> (new_param, new_state).

The step size is called ``learning_rate`` to exercise the grader's name mapping.
"""

import numpy as np


def adam_update(param, grad, state, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"m": np.zeros_like(param), "v": np.zeros_like(param)}
    m = beta1 * state["m"] + (1 - beta1) * grad
    v = beta2 * state["v"] + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return param - learning_rate * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v}


def sgd_update(param, grad, state, t):
    """SGD with the step size fixed at numopt's default 0.01: it cannot take lr."""
    return param - 0.01 * grad, state
