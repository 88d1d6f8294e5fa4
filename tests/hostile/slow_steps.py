"""Every step just under the per-step limit: many steps, many times that limit."""
import time


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        time.sleep(0.4)
        params -= self.lr * grads
