"""Coursera DLS Adam: the corrections use t + 1 ("t starts at 0")."""
import numpy as np


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        for p in ("W", "b"):
            k = f"d{p}{l}"
            v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
            s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
            v_hat = v[k] / (1 - beta1 ** (t + 1))
            s_hat = s[k] / (1 - beta2 ** (t + 1))
            parameters[f"{p}{l}"] -= learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return parameters, v, s
