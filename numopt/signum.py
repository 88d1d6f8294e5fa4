r"""Signum: signSGD with momentum, the sign of an EWMA of the gradient.

Algorithm (Bernstein et al. 2018, Alg. 1 "Signum"; optax.signum)
---------------------------------------------------------------
Given η, β and m_0 = 0, step t = 1, 2, … receives g_t = ∇J(θ_{t-1}) and runs::

    m_t ← β m_{t-1} + (1 − β) g_t
    θ_t ← θ_{t-1} − η sign(m_t)

Every coordinate moves by exactly η (or not at all where m_t = 0). With β = 0
it is signSGD. The sign needs one bit per coordinate, which is why the paper
studies it for compressed distributed training. It is Adam's m/√v with v = m²
and ε = 0: m/|m| = sign(m).

Symbols and variables
---------------------
======  ========  ============================================
symbol  variable  meaning (optax name)
======  ========  ============================================
η       ``lr``    step size (``learning_rate``)
β       ``beta``  decay rate of the momentum (``beta``)
m_t     ``m``     EWMA of g (state; optax: ``ema``)
======  ========  ============================================

Defaults and where they come from
---------------------------------
``beta=0.9``: Bernstein et al. (and optax.signum). ``lr=1e-4``: the paper tunes
η per task; numopt takes Lion's default, another sign method with steps of
exactly η (optax.signum has no default learning rate).

Conventions
-----------
* The momentum is an EWMA (1 − β) g, not a sum; only its sign is used, so the
  two forms take the same steps. No bias correction (the sign does not see it).
* sign(0) = 0: a coordinate whose momentum is exactly zero does not move.

Differences from torch.optim and optax
--------------------------------------
* torch.optim has no Signum.
* optax.signum(learning_rate, beta=0.9): the same update.

References
----------
J. Bernstein, Y.-X. Wang, K. Azizzadenesheli, A. Anandkumar. signSGD: Compressed
Optimisation for Non-Convex Problems. ICML 2018, arXiv:1802.04434.
"""

from __future__ import annotations

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Signum"]


class Signum(Optimizer):
    """Signum, signSGD with momentum (Bernstein et al. 2018), as optax.signum.

    Parameters
    ----------
    lr : float or callable, default 1e-4
        Step size η, or a schedule ``lr(t)``.
    beta : float, default 0.9
        Decay rate of the momentum, ``0 <= beta < 1``.
    """

    key = "signum"
    ranges = inequalities("0 <= beta < 1")
    adaptive = True

    def __init__(self, lr: LearningRate = 1e-4, beta: float = 0.9) -> None:
        super().__init__(lr=lr, beta=beta)

    def _update(self, theta, g, t, lr, m):
        beta = self.beta
        m[...] = beta * m + (1 - beta) * g  # m_t ← β m_{t-1} + (1 − β) g_t
        theta -= lr * np.sign(m)  # θ_t ← θ_{t-1} − η sign(m_t)
