r"""RMSProp: AdaGrad with an exponentially weighted moving average of g².

Algorithm (doc 002 "RMSprop"; doc 003 "RMSProp/AdaDelta"; Hinton, lecture 6e)
----------------------------------------------------------------------------
Given η, β, ε and v_0 = 0 (ḡ_0 = 0 with ``centered``), step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(switch)`` runs only in
that variant, ``(otherwise)`` only without it)::

    v_t ← β v_{t-1} + (1 − β) g_t²
    (centered)     ḡ_t ← β ḡ_{t-1} + (1 − β) g_t
    (centered)     s_t ← max(v_t − ḡ_t², 0)
    (otherwise)    s_t ← v_t
    (eps_in_sqrt)  θ_t ← θ_{t-1} − η g_t / √(s_t + ε)
    (otherwise)    θ_t ← θ_{t-1} − η g_t / (√s_t + ε)

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
s_t     ``s``       what the root is taken of: v_t, or the variance
                    estimate max(v_t − ḡ_t², 0) when centered
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
  ``eps_in_sqrt=True`` (erratum 2).
* No bias correction: v starts at 0, so the first steps are larger than
  η·sign(g) (by 1/√(1 − β) on the first step).
* ``centered=True`` estimates the variance v − ḡ² instead of the raw second
  moment (Graves 2013; torch ``centered=True``), clamped at zero. In exact
  arithmetic v ≥ ḡ² (an EWMA of squares is at least the square of the EWMA),
  but with a (nearly) constant gradient the two agree to the last bits and
  v − ḡ² rounds below zero after a few hundred steps; its square root is then
  NaN. The clamp keeps the step finite (the denominator becomes ε).

Differences from torch.optim and optax
--------------------------------------
* torch.optim.RMSprop calls β ``alpha`` and defaults it to 0.99; it also
  offers momentum and weight decay, which are not part of this reference.
* torch's ``centered=True`` takes the root of v − ḡ² without a clamp, so with
  a steady gradient its step turns NaN once the difference rounds below zero
  (``tests/test_robustness.py``: g = 0.1, β = 0.99, after about 3,200 steps).
  numopt clamps at zero and agrees with torch wherever torch's step is finite.
* optax.rmsprop puts ε inside the root by default (``eps_in_sqrt=True``),
  with decay 0.9 and eps 1e-8.

References
----------
G. Hinton, N. Srivastava, K. Swersky. Neural Networks for Machine Learning,
lecture 6e, 2012.
A. Graves. Generating Sequences With Recurrent Neural Networks. 2013.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

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
    ranges = inequalities("0 <= beta < 1", "eps > 0")
    kept_when: ClassVar[dict[str, str]] = {"g_bar": "centered"}
    adaptive = True
    family, corrections = "rmsprop", ("none", "none")
    named_variants: ClassVar[dict[str, dict]] = {"centered-eps_in_sqrt": {"centered": True, "eps_in_sqrt": True}}
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"v": (0.0, float("inf"))}
    second_moments = ("v",)

    def __init__(
        self,
        lr: LearningRate = 0.01,
        beta: float = 0.9,
        eps: float = 1e-8,
        eps_in_sqrt: bool = False,
        centered: bool = False,
    ) -> None:
        super().__init__(lr=lr, beta=beta, eps=eps, eps_in_sqrt=eps_in_sqrt, centered=centered)

    def _update(self, theta, g, t, lr, v, g_bar=None):
        beta, eps = self.beta, self.eps
        v[...] = beta * v + (1 - beta) * g**2  # v_t ← β v_{t-1} + (1 − β) g_t²
        if self.centered:
            g_bar[...] = beta * g_bar + (1 - beta) * g  # (centered) ḡ_t ← β ḡ_{t-1} + (1 − β) g_t
            s = np.maximum(v - g_bar**2, 0)  # (centered) s_t ← max(v_t − ḡ_t², 0)
        else:
            s = v  # (otherwise) s_t ← v_t
        if self.eps_in_sqrt:
            theta -= lr * g / np.sqrt(s + eps)  # (eps_in_sqrt) θ_t ← θ_{t-1} − η g_t / √(s_t + ε)
        else:
            theta -= lr * g / (np.sqrt(s) + eps)  # (otherwise) θ_t ← θ_{t-1} − η g_t / (√s_t + ε)
