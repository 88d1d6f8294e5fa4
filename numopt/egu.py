r"""EGU: the exponentiated gradient update for strictly positive parameters.

Algorithm (doc 004 §1; Kivinen & Warmuth 1997)
---------------------------------------------
Given η and θ_0 > 0 elementwise, step t = 1, 2, …
receives g_t = ∇J(θ_{t-1}) and runs::

    θ_t ← θ_{t-1} ⊙ exp(−η g_t)
    θ_t ← max(θ_t, θ_min)

The update multiplies instead of adding, so a positive parameter stays
positive. In floating point the product rounds to 0 once η g is large
(exp(−η g) underflows past η g ≈ 745 in float64, ≈ 104 in float32), and a
step from 0 is refused; the second line keeps such an entry at θ_min, the
smallest positive number of θ's dtype (the representable value nearest the
true, positive one), so θ stays > 0 and the run goes on.

Taking logarithms shows what it is: log θ_t = log θ_{t-1} − η g_t, a
gradient step **in log-space that uses the θ-gradient**. It is *not* plain
gradient descent on φ = log θ, whose gradient is ∇_φ L = θ ⊙ ∇_θ L; doc 004
absorbs that factor θ into a "η'" that is then not a constant.

Symbols and variables
---------------------
======  =========  ===================================
symbol  variable   meaning
======  =========  ===================================
η       ``lr``     step size
θ       ``theta``  the parameter array, every entry > 0
g_t     ``g``      its gradient
θ_min   (none)     the smallest positive float of θ's dtype
======  =========  ===================================

EGU keeps no state.

Defaults and where they come from
---------------------------------
``lr=0.01``: numopt's choice (doc 004 gives none).

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
11. Doc 004 §1 says "take logs of both sides" where it exponentiates; and EG
    equals a log-space step with the θ-gradient, not gradient descent on
    φ = log θ (that would use θ ⊙ ∇_θ L).

Differences from torch.optim and optax
--------------------------------------
Neither library has it. Parameters that are not strictly positive are
rejected with an error before anything is changed.

References
----------
J. Kivinen, M. K. Warmuth. Exponentiated Gradient versus Gradient Descent for
Linear Predictors. Information and Computation 132, 1997.
E. Amid, R. Anil, C. Fifty, M. K. Warmuth. Step-size Adaptation Using
Exponentiated Gradient Updates. arXiv:2202.00145, 2022.
"""

from __future__ import annotations

import numpy as np

from .base import LearningRate, Optimizer

__all__ = ["EGU"]


class EGU(Optimizer):
    """Exponentiated gradient, θ ← θ ⊙ exp(−η g), for θ > 0.

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η, or a schedule ``lr(t)``.
    """

    key = "egu"
    positive_params = True

    def __init__(self, lr: LearningRate = 0.01) -> None:
        super().__init__(lr=lr)

    def _update(self, theta, g, t, lr):
        theta *= np.exp(-lr * g)  # θ_t ← θ_{t-1} ⊙ exp(−η g_t)
        theta[...] = np.maximum(theta, np.finfo(theta.dtype).smallest_subnormal)  # θ_t ← max(θ_t, θ_min)
