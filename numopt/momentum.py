r"""Momentum: gradient descent with heavy-ball momentum.

Algorithm (canonical: torch form; variant: doc 002's EWMA form)
--------------------------------------------------------------
Given η, β and b_0 = 0 (m_0 = 0 with ``ewma``), step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(switch)`` runs only in
that variant, ``(otherwise)`` only without it)::

    (ewma)       m_t ← β m_{t-1} + (1 − β) g_t
    (ewma)       θ_t ← θ_{t-1} − η m_t
    (otherwise)  b_t ← β b_{t-1} + g_t
    (otherwise)  θ_t ← θ_{t-1} − η b_t

Doc 003 writes a third form, ``u_t ← β u_{t-1} + η g_t``, ``θ_t ← θ_{t-1} − u_t``
(the velocity carries η). For a **constant** η the three produce the same θ:
``u_t = η b_t``, and ``ewma=True`` with step size η equals the default with
step size η(1 − β). With a schedule η_t the forms differ, because the torch
and EWMA forms apply today's η to the whole accumulated velocity while doc
003's form applied each past η_k to its own gradient.

Symbols and variables
---------------------
======  =========  =====================================================
symbol  variable   meaning
======  =========  =====================================================
η       ``lr``     step size (float or callable ``lr(t)``)
β       ``beta``   momentum coefficient, ``0 <= beta < 1``
b_t     ``b``      velocity, sum of past gradients weighted by βᵏ (state)
m_t     ``m``      EWMA of the gradients (state, ``ewma=True``)
θ, g_t  ``theta``, ``g``  parameter and gradient
======  =========  =====================================================

Defaults and where they come from
---------------------------------
``lr=0.01``, ``beta=0.9`` (the usual value; Sutskever et al. 2013, CS231n).

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
6. Doc 003's line "η·m_t := β m_{t−1} + η g_t" counts η twice within its own
   framework (Δθ = −η m_t); the intended form is u ← β u + η g, θ ← θ − u.
   Doc 002 uses the EWMA form. All three agree for constant η after
   rescaling η.

Differences from torch.optim and optax
--------------------------------------
* The default is torch.optim.SGD(momentum=β, dampening=0). torch's
  ``dampening=β`` is ``ewma=True`` from the second step on, but torch
  initialises the buffer with g_1 instead of (1 − β) g_1, so the first steps
  differ.
* optax.sgd(momentum=β) and optax.trace use the default form.

References
----------
B. T. Polyak. Some methods of speeding up the convergence of iteration methods. 1964.
I. Sutskever, J. Martens, G. Dahl, G. Hinton. On the importance of initialization
and momentum in deep learning. ICML 2013.
"""

from __future__ import annotations

from typing import ClassVar

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Momentum"]


class Momentum(Optimizer):
    """Heavy-ball momentum, b ← βb + g, θ ← θ − ηb (or the EWMA form).

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η, or a schedule ``lr(t)``.
    beta : float, default 0.9
        Momentum coefficient β, ``0 <= beta < 1``.
    ewma : bool, default False
        Use doc 002's form m ← βm + (1 − β)g, θ ← θ − ηm.
    """

    key = "momentum"
    ranges = inequalities("0 <= beta < 1")
    kept_when: ClassVar[dict[str, str]] = {"b": "not ewma", "m": "ewma"}

    def __init__(self, lr: LearningRate = 0.01, beta: float = 0.9, ewma: bool = False) -> None:
        super().__init__(lr=lr, beta=beta, ewma=ewma)

    def _update(self, theta, g, t, lr, b=None, m=None):
        beta = self.beta
        if self.ewma:
            m[...] = beta * m + (1 - beta) * g  # (ewma) m_t ← β m_{t-1} + (1 − β) g_t
            theta -= lr * m  # (ewma) θ_t ← θ_{t-1} − η m_t
        else:
            b[...] = beta * b + g  # (otherwise) b_t ← β b_{t-1} + g_t
            theta -= lr * b  # (otherwise) θ_t ← θ_{t-1} − η b_t
