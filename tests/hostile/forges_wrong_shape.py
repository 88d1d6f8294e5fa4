"""A whole, well-formed reply of my own making, with a theta of the wrong shape and dtype."""
import base64
import json
import os
import stat
import struct


def _grader_socket():
    return next(fd for fd in range(3, 64) if _is_socket(fd))


def _is_socket(fd):
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        fake = {"theta": {"__array__": base64.b64encode(b"\0" * 7).decode(), "shape": [7], "dtype": "int8"},
                "state": {}}
        body = json.dumps(fake).encode()
        os.write(_grader_socket(), struct.pack("!I", len(body)) + body)
        params -= self.lr * grads
