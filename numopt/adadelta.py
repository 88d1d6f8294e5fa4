r"""AdaDelta: step sizes in the units of θ, from two EWMAs and no learning rate.

Algorithm (Zeiler 2012, Algorithm 1; doc 001; doc 003 "RMSProp/AdaDelta")
------------------------------------------------------------------------
Given ρ, ε, lr (1.0 in the paper) and E[g²]_0 = 0, E[Δ²]_0 = 0, step t = 1, 2, …
receives g_t = ∇J(θ_{t-1}) and runs::

    E[g²]_t ← ρ E[g²]_{t-1} + (1 − ρ) g_t²
    Δ_t ← −(√(E[Δ²]_{t-1} + ε) / √(E[g²]_t + ε)) g_t
    E[Δ²]_t ← ρ E[Δ²]_{t-1} + (1 − ρ) Δ_t²
    θ_t ← θ_{t-1} + lr · Δ_t

The units argument (doc 001, improvement ②): a gradient step has units of
1/θ, a Newton step H⁻¹g has units of θ. Since 1/H ≈ Δθ/g, AdaDelta
multiplies the gradient by RMS[Δθ]_{t-1}/RMS[g]_t, whose units are those of
θ/g, so Δ_t has the units of θ and no learning rate is needed. The numerator
uses the previous step's E[Δ²] because the current Δ_t is not yet known.

Symbols and variables
---------------------
=========  =============  ===============================================
symbol     variable       meaning
=========  =============  ===============================================
ρ          ``rho``        decay rate of both EWMAs (doc 003 calls it β, γ)
ε          ``eps``        inside both square roots; also seeds the first steps
lr         ``lr``         multiplier of Δ (1.0: the paper's algorithm)
E[g²]_t    ``E_g2``       EWMA of g² (state; doc 001 G_t, doc 003 v_t)
E[Δ²]_t    ``E_delta2``   EWMA of Δ² (state; doc 001 ΔX_t)
Δ_t        ``delta``      the update before ``lr``
θ, g_t     ``theta``,     parameter and gradient
           ``g``
=========  =============  ===============================================

Defaults and where they come from
---------------------------------
``rho=0.95``, ``eps=1e-6``: Zeiler 2012 §4.1 (doc 001 gives no values).
``lr=1.0`` makes this the paper's algorithm, which has no learning rate.

Conventions
-----------
* ε inside both square roots, as in the paper: it is what lets the first
  step move at all (E[Δ²]_0 = 0), so it cannot be moved outside.
* E[Δ²] accumulates the unscaled Δ_t, before ``lr`` (Zeiler; torch).

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
3. Doc 001 labels the final AdaDelta formula "Adagrad"; it is AdaDelta.
14. Doc 001 gives no ρ or ε (the paper uses 0.95 and 1e-6). "No learning
    rate" holds for the paper only: torch uses lr=1.0 (this algorithm),
    Keras lr=1e-3, and optax.adadelta with ``learning_rate=None`` goes
    uphill.

Differences from torch.optim and optax
--------------------------------------
* torch.optim.Adadelta: same algorithm, defaults rho=0.9, eps=1e-6, lr=1.0.
* optax.adadelta scales by ``learning_rate``; with none given its update
  has the wrong sign (it climbs). Keras defaults lr=1e-3, which slows the
  paper's algorithm a thousandfold.

References
----------
M. D. Zeiler. ADADELTA: An Adaptive Learning Rate Method. arXiv:1212.5701, 2012.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["AdaDelta"]


class AdaDelta(Optimizer):
    """AdaDelta (Zeiler 2012, Algorithm 1).

    Parameters
    ----------
    lr : float or callable, default 1.0
        Multiplier of the update; 1.0 is the paper's algorithm.
    rho : float, default 0.95
        Decay rate ρ of both EWMAs, ``0 <= rho <= 1``.
    eps : float, default 1e-6
        ε inside both square roots, ``> 0``.
    """

    key = "adadelta"
    ranges = inequalities("0 <= rho <= 1", "eps > 0")
    self_scaled = True
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = dict.fromkeys(("E_g2", "E_delta2"), (0.0, float("inf")))
    second_moments = ("E_g2",)

    def __init__(self, lr: LearningRate = 1.0, rho: float = 0.95, eps: float = 1e-6) -> None:
        super().__init__(lr=lr, rho=rho, eps=eps)

    def _update(self, theta, g, t, lr, E_g2, E_delta2):
        rho, eps = self.rho, self.eps
        E_g2[...] = rho * E_g2 + (1 - rho) * g**2  # E[g²]_t ← ρ E[g²]_{t-1} + (1 − ρ) g_t²
        delta = -(np.sqrt(E_delta2 + eps) / np.sqrt(E_g2 + eps)) * g  # Δ_t ← −(√(E[Δ²]_{t-1} + ε) / √(E[g²]_t + ε)) g_t
        E_delta2[...] = rho * E_delta2 + (1 - rho) * delta**2  # E[Δ²]_t ← ρ E[Δ²]_{t-1} + (1 − ρ) Δ_t²
        theta += lr * delta  # θ_t ← θ_{t-1} + lr · Δ_t
