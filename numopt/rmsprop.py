r"""RMSProp: AdaGrad with an exponentially weighted moving average of g².

Algorithm (doc 002 "RMSprop"; doc 003 "RMSProp/AdaDelta"; Hinton, lecture 6e)
----------------------------------------------------------------------------
::

    given lr η, β, ε;  v_0 = 0 (and ḡ_0 = 0 when centered)
    t ← t + 1
    g_t ← ∇J(θ_{t-1})
    v_t ← β v_{t-1} + (1 − β) g_t²
    (centered)  ḡ_t ← β ḡ_{t-1} + (1 − β) g_t ;   use v_t − ḡ_t² in place of v_t
    θ_t ← θ_{t-1} − η g_t / (√v_t + ε)          (eps_in_sqrt: η g_t / √(v_t + ε))

Replacing AdaGrad's sum by an EWMA keeps the denominator from growing without
bound: it estimates the mean of g² over roughly the last 1/(1 − β) steps.
RMSProp is Adam with β1 = 0 and no bias correction on v.

Symbols and variables
---------------------
======  ==========  ================================================
symbol  variable    meaning
======  ==========  ================================================
η       ``lr``      step size
β       ``beta``    decay rate of the EWMA (torch: ``alpha``)
ε       ``eps``     keeps the denominator above zero
v_t     ``v``       EWMA of g² (state)
ḡ_t     ``g_bar``   EWMA of g (state, ``centered=True``)
θ, g_t  ``theta``,  parameter and gradient
        ``g``
======  ==========  ================================================

Defaults and where they come from
---------------------------------
``lr=0.01``, ``beta=0.9`` (Hinton's lecture; torch uses alpha=0.99),
``eps=1e-8`` (torch).

Conventions
-----------
* ε outside the root (doc 002, torch); doc 003 puts it inside:
  ``eps_in_sqrt=True`` (reference sheet, erratum 2).
* No bias correction: v starts at 0, so the first steps are larger than
  η·sign(g) (by 1/√(1 − β) on the first step).
* ``centered=True`` estimates the variance v − ḡ² instead of the raw second
  moment (Graves 2013; torch ``centered=True``).

Differences from torch.optim and optax
--------------------------------------
* torch.optim.RMSprop calls β ``alpha`` and defaults it to 0.99; it also
  offers momentum and weight decay, which are not part of this reference.
* optax.rmsprop puts ε inside the root by default (``eps_in_sqrt=True``),
  with decay 0.9 and eps 1e-8.

References
----------
G. Hinton, N. Srivastava, K. Swersky. Neural Networks for Machine Learning,
lecture 6e, 2012.
A. Graves. Generating Sequences With Recurrent Neural Networks. 2013.
"""

from __future__ import annotations

import numpy as np

from .base import LearningRate, Optimizer, descend, ewma, ewma_of_square, root_plus_eps

__all__ = ["RMSProp"]


class RMSProp(Optimizer):
    """RMSProp, v ← βv + (1 − β)g², θ ← θ − η g / (√v + ε).

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η, or a schedule ``lr(t)``.
    beta : float, default 0.9
        EWMA decay rate β, ``0 <= beta < 1``.
    eps : float, default 1e-8
        ε, ``> 0``.
    eps_in_sqrt : bool, default False
        Use ``√(v + ε)`` (doc 003) instead of ``√v + ε``.
    centered : bool, default False
        Normalise by the estimated variance v − ḡ².
    """

    key = "rmsprop"
    scratch_names = ("work",)

    def __init__(
        self,
        lr: LearningRate = 0.01,
        beta: float = 0.9,
        eps: float = 1e-8,
        eps_in_sqrt: bool = False,
        centered: bool = False,
    ) -> None:
        super().__init__(lr=lr, beta=beta, eps=eps, eps_in_sqrt=eps_in_sqrt, centered=centered)

    def _state_names(self) -> tuple[str, ...]:
        return ("v", "g_bar") if self.centered else ("v",)

    def _update(self, theta, g, t, lr, v, g_bar=None, *, work):
        beta = self.beta
        ewma_of_square(v, beta, g, work)  # v_t = β v_{t-1} + (1 − β) g_t²
        if g_bar is not None:
            ewma(g_bar, beta, g, work)  # ḡ_t = β ḡ_{t-1} + (1 − β) g_t
            v = np.subtract(v, np.multiply(g_bar, g_bar, out=work), out=work)  # v_t − ḡ_t²   (centered)
        denom = root_plus_eps(v, self.eps, self.eps_in_sqrt, out=work)  # √v_t + ε or √(v_t + ε)
        descend(theta, lr, g, denom)  # θ_t = θ_{t-1} − η g_t / denom
