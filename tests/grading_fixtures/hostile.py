"""Hostile or crashing student submissions, each with a step that is otherwise plain SGD or Adam.

Written for the isolation tests: the grader must give each a one-line verdict and keep
its own process and results intact. The attacks a student would write on purpose are in
tests/hostile/, one file each.
"""

import ctypes
import os
import sys

import numpy as np


class ExitsHard:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        os._exit(3)


class Segfaults:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        ctypes.string_at(0)


class LoopsForever:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        while True:
            try:
                params -= 0.0 * grads
            except BaseException:  # swallows everything a signal handler could raise
                pass


class MemoryBomb:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        hoard = []
        while True:
            hoard.append(np.ones(1 << 24))  # 128 MB a time


class Floods:
    """Correct SGD that prints 20 MB and writes 20 MB straight to file descriptors 1 and 2."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        print("x" * (10 << 20))
        sys.stderr.write("y" * (10 << 20))
        os.write(1, b"z" * (10 << 20))
        os.write(2, b"w" * (10 << 20))
        params -= self.lr * grads


class Needs600MB:
    """Correct SGD that holds a 600 MB scratch array: within the default limit, not within 256 MB."""

    def __init__(self, lr=0.01):
        self.lr = lr
        self.scratch = None

    def step(self, params, grads):
        if self.scratch is None:
            self.scratch = np.ones(75_000_000)
        params -= self.lr * grads
