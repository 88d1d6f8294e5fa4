r"""SGD: plain (stochastic) gradient descent.

Algorithm (doc 003 "基本框架"/SGD; doc 001 first equation; doc 004 §1)
-------------------------------------------------------------------
Given η, step t = 1, 2, …
receives g_t = ∇J(θ_{t-1}) and runs::

    θ_t ← θ_{t-1} − η g_t

In doc 003's generic framework ``m_t = φ(g_1..g_t)``, ``V_t = ψ(g_1..g_t)``,
``Δθ_t = −η m_t / √V_t``, SGD is the special case ``m_t = g_t`` and
``V_t = 1`` (the deck writes the identity matrix as E).

Symbols and variables
---------------------
======  =========  ======================================
symbol  variable   meaning
======  =========  ======================================
η       ``lr``     step size (float or callable ``lr(t)``)
θ       ``theta``  the parameter array
g_t     ``g``      its gradient
t       ``t``      step number, 1 on the first step
======  =========  ======================================

SGD keeps no state.

Defaults and where they come from
---------------------------------
``lr=0.01``: numopt's choice, the common textbook value (torch.optim.SGD has no default learning rate
before 2.x and 1e-3 since; optax.sgd requires one).

Differences from torch.optim and optax
--------------------------------------
torch.optim.SGD folds momentum, dampening, Nesterov and weight decay into one
class; here those are :class:`numopt.Momentum` and :class:`numopt.NAG`.
optax.sgd likewise takes ``momentum`` and ``nesterov`` arguments.

References
----------
H. Robbins, S. Monro. A Stochastic Approximation Method. Ann. Math. Stat. 1951.
"""

from __future__ import annotations

from .base import LearningRate, Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent θ ← θ − η g.

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η, or a schedule ``lr(t)``.
    """

    key = "sgd"

    def __init__(self, lr: LearningRate = 0.01) -> None:
        super().__init__(lr=lr)

    def _update(self, theta, g, t, lr):
        theta -= lr * g  # θ_t ← θ_{t-1} − η g_t
