"""A step that waits for input that never comes."""
import sys


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        sys.stdin.read()
        import os
        os.read(0, 1)
        r, _ = os.pipe()
        os.read(r, 1)
