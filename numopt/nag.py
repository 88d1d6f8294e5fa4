r"""NAG: Nesterov accelerated gradient, in the form a step(params, grads) API can run.

Algorithm (Bengio et al. 2013 reformulation; torch.optim.SGD(nesterov=True))
---------------------------------------------------------------------------
Given η, β and b_0 = 0, step t = 1, 2, …
receives g_t = ∇J(θ_{t-1}) and runs::

    b_t ← β b_{t-1} + g_t
    θ_t ← θ_{t-1} − η (g_t + β b_t)

Doc 003 writes NAG with the gradient at a look-ahead point::

    u_t ← β u_{t-1} + η ∇J(φ_{t-1} − β u_{t-1})        φ_t ← φ_{t-1} − u_t

A ``step(params, grads)`` API receives the gradient at the stored parameters
and cannot ask for it elsewhere. The change of variables θ = φ − β u (store
the look-ahead point itself) turns the look-ahead form into the one above,
with u = η b for a constant η: both visit the same look-ahead points θ_t.
Lesson 03 derives this and checks it numerically.

Symbols and variables
---------------------
======  =========  ====================================================
symbol  variable   meaning
======  =========  ====================================================
η       ``lr``     step size (float or callable ``lr(t)``)
β       ``beta``   momentum coefficient, ``0 <= beta < 1``
b_t     ``b``      velocity in gradient units (state); u_t = η b_t
θ       ``theta``  the stored (look-ahead) point, θ = φ − β u
g_t     ``g``      the gradient at θ_{t-1}
======  =========  ====================================================

Defaults and where they come from
---------------------------------
``lr=0.01``, ``beta=0.9`` (as :class:`numopt.Momentum`).

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
7. Doc 003 takes the gradient at the look-ahead point θ − β m_{t−1}, which a
   step(params, grads) API cannot evaluate; the reformulation above gives the
   same points.

Differences from torch.optim and optax
--------------------------------------
Identical to torch.optim.SGD(momentum=β, nesterov=True, dampening=0) and to
optax.sgd(momentum=β, nesterov=True).

References
----------
Y. Nesterov. A method for solving the convex programming problem with
convergence rate O(1/k²). 1983.
Y. Bengio, N. Boulanger-Lewandowski, R. Pascanu. Advances in optimizing
recurrent networks. ICASSP 2013.
"""

from __future__ import annotations

from .base import LearningRate, Optimizer, inequalities

__all__ = ["NAG"]


class NAG(Optimizer):
    """Nesterov momentum, b ← βb + g, θ ← θ − η(g + βb).

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η, or a schedule ``lr(t)``.
    beta : float, default 0.9
        Momentum coefficient β, ``0 <= beta < 1``.
    """

    key = "nag"
    ranges = inequalities("0 <= beta < 1")

    def __init__(self, lr: LearningRate = 0.01, beta: float = 0.9) -> None:
        super().__init__(lr=lr, beta=beta)

    def _update(self, theta, g, t, lr, b):
        beta = self.beta
        b[...] = beta * b + g  # b_t ← β b_{t-1} + g_t
        theta -= lr * (g + beta * b)  # θ_t ← θ_{t-1} − η (g_t + β b_t)
