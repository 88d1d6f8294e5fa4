"""Send my gradients home: to the machine's own services and to the internet."""
import socket

PORT = 0  # the test puts the port of a server it runs on this machine here


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr

    def step(self, params, grads):
        reached = []
        for address in (("127.0.0.1", PORT), ("1.1.1.1", 53)):
            try:
                with socket.create_connection(address, timeout=1) as connection:
                    connection.sendall(grads.tobytes())
                    reached.append(address)
            except OSError:
                pass
        if reached:
            raise RuntimeError(f"reached {reached}")
        params -= self.lr * grads
