"""A step that sleeps: the whole class waits on me."""
import time


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        time.sleep(3600)
