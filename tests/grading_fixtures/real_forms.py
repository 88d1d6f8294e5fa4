"""Correct optimizers in the forms real coursework uses, written from the equations for these tests.

* ``BookAdam``, ``BookMomentum``: objects with ``update(params, grads)`` on dicts of arrays,
  updated in place (the style of "Deep Learning from Scratch"); the book's Adam hard-codes
  ε = 1e-7 and folds the bias corrections into the step size.
* ``ListSGD``: ``step(params, grads)`` on lists of arrays.
* ``ScratchRMSprop``: ``update(w, grad_wrt_w) -> new_w`` returning a new array (ML-From-Scratch),
  constructor names ``learning_rate`` and ``rho``.
* ``KerasAdam``: constructor names ``learning_rate``, ``beta_1``, ``beta_2``, ``epsilon``.
* ``NotInPlace``: writes ``params = params - ...`` and returns nothing (a mistake).
"""

import numpy as np


class BookAdam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        self.iter += 1
        step = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in params.keys():
            self.m[key] = self.beta1 * self.m[key] + (1 - self.beta1) * grads[key]
            self.v[key] = self.beta2 * self.v[key] + (1 - self.beta2) * grads[key] ** 2
            params[key] -= step * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


class BookMomentum:
    """Velocity form v ← μv − ηg, θ ← θ + v (= numopt's b with v = −ηb)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class ListSGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        for p, g in zip(params, grads, strict=True):
            p -= self.lr * g


class ScratchRMSprop:
    def __init__(self, learning_rate=0.01, rho=0.99):
        self.learning_rate, self.rho = learning_rate, rho
        self.Eg = None

    def update(self, w, grad_wrt_w):
        if self.Eg is None:
            self.Eg = np.zeros(np.shape(grad_wrt_w))
        self.Eg = self.rho * self.Eg + (1 - self.rho) * grad_wrt_w**2
        return w - self.learning_rate * grad_wrt_w / (np.sqrt(self.Eg) + 1e-8)


class KerasAdam:
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = learning_rate, beta_1, beta_2, epsilon
        self.t = 0
        self.m = self.v = 0.0

    def step(self, params, grads):
        self.t += 1
        self.m = self.beta_1 * self.m + (1 - self.beta_1) * grads
        self.v = self.beta_2 * self.v + (1 - self.beta_2) * grads * grads
        m_hat = self.m / (1 - self.beta_1**self.t)
        v_hat = self.v / (1 - self.beta_2**self.t)
        params -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)


class NotInPlace:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        params = params - self.lr * grads  # the mistake: a new local array
