"""Student SGDs that misbehave in the ways the grader must report without crashing."""

import numpy as np


class Raises:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        raise ValueError("operands could not be broadcast together")


class WrongShape:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        return (params - self.lr * grads).ravel()


class ReturnsNaN:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        params -= self.lr * grads / np.zeros_like(grads)


class MutatesGradients:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        grads *= self.lr
        params -= grads


class Prints:
    """Correct, but chatty: its output must not reach the report or the JSON."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        print("debug: stepping")
        params -= self.lr * grads


def returns_array(w, dw, config):
    """CS231n form that forgets to return the config."""
    return w - 0.01 * dw


def returns_none(param, grad, state, t):
    """Pure form that returns nothing."""


class Exits:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        raise SystemExit(3)


class Loops:
    """Never returns from its first step (a while loop whose condition never changes)."""

    calls = 0

    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        Loops.calls += 1
        done = False
        while not done:
            try:
                params -= 0.0 * grads
            except Exception:  # a student's blanket handler must not swallow the time limit
                done = True


class LoopsInConstructor:
    def __init__(self, lr=0.01):
        while lr:
            pass

    def step(self, params, grads):
        params -= grads
