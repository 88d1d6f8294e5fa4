"""A course's own heavy-ball step, heavy_ball(w, g, buf, lr, decay) -> (w, buf): correct."""


def heavy_ball(w, g, buf, lr, decay):
    buf = decay * buf + g
    return w - lr * buf, buf
