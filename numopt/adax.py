r"""AdaX and AdaXW: Adam with exponential long-term memory of g².

Algorithm (doc 000 §2; Li et al. 2020, Algorithm 2; the authors' AdaX.py)
------------------------------------------------------------------------
Given η, β1, β2, ε, λ and m_0 = 0, v_0 = 0, step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(switch)`` runs only in
that variant, ``(otherwise)`` only without it)::

    (AdaXW)        θ_{t-1} ← θ_{t-1} (1 − η λ)
    (AdaX, λ > 0)  g_t ← g_t + λ θ_{t-1}
    m_t ← β1 m_{t-1} + (1 − β1) g_t
    w_t ← β2 / ((1 + β2)ᵗ − 1)
    v̂_t ← (1 − w_t) v̂_{t-1} + w_t g_t²
    θ_t ← θ_{t-1} − η m_t / (√v̂_t + ε)

with v̂_0 = 0. This is doc 000's v_t ← (1 + β2) v_{t-1} + β2 g_t²,
v̂_t ← v_t / ((1 + β2)ᵗ − 1), written as the recursion of v̂ that doc 000
itself derives (β̂_{2,t} = 1 − w_t below): numopt stores v̂, a bounded
average of the g², instead of v, which grows like (1 + β2)ᵗ and overflows
(see "Long runs" below).

Why (doc 000 §1–2): Adam's v̂ obeys v̂_t = β̂_{2,t} v̂_{t-1} + (1 − β̂_{2,t}) g_t²
with β̂_{2,t} = β2(1 − β2^{t−1})/(1 − β2ᵗ) → β2, so late in training v̂ keeps
reacting to new gradients. AdaX's v̂ obeys the same recursion with
β̂_{2,t} = 1 − β2/((1 + β2)ᵗ − 1) → 1: the second moment becomes a long-term
average (≈ 1 − 1/t while t ≪ 1/β2) and the method approaches SGD with a fixed
per-coordinate scale. Because v grows by (1 + β2) per step, *older* gradients
carry the larger weights (1 + β2)^{t−k}.

Symbols and variables
---------------------
==========  ================  ==========================================
symbol      variable          meaning
==========  ================  ==========================================
η           ``lr``            step size
β1          ``beta1``         decay rate of the first-moment EWMA
β2          ``beta2``         growth rate of the second moment, ``0 < beta2 < 1``
ε           ``eps``           keeps the denominator away from zero
λ           ``weight_decay``  L2 (AdaX) or decoupled (AdaXW) decay
m_t         ``m``             EWMA of g, not bias-corrected (state)
w_t         ``w``             weight of g_t² in v̂_t, 1 at t = 1, → 0
v̂_t         ``v_hat``         v_t / ((1 + β2)ᵗ − 1), a weighted average of
                              g_1², …, g_t² (state)
θ, g_t      ``theta``, ``g``  parameter and gradient
==========  ================  ==========================================

Defaults and where they come from
---------------------------------
AdaX: ``lr=1.5e-3``, ``beta1=0.9``, ``beta2=1e-4``, ``eps=1e-12``,
``weight_decay=0``; AdaXW: ``lr=5e-3``, ``weight_decay=5e-2``. The learning
rates, β1, ε and AdaXW's decay are the authors' (switchablenorms/AdaX); doc 000
gives only β2 = 1e-4. AdaX's ``weight_decay=0`` is numopt's choice, so
that plain AdaX is the update of doc 000 (the authors' AdaX class defaults to an
L2 term of 5e-4).

Conventions
-----------
* Long runs. Doc 000's v_t = Σ_k β2 (1 + β2)^{t−k} g_k² and its divisor
  (1 + β2)ᵗ − 1 grow without bound: in float32 at β2 = 1e-4 the divisor
  overflows at t ≈ 887,000 (v̂ becomes 0 and one step moves θ by η m/ε),
  with |g| > 1 v overflows earlier, and in float64 the divisor overflows
  near t ≈ 7.1 million. Their ratio v̂ lies between the smallest and the
  largest g_k², so numopt stores v̂ and updates it by
  v̂_t = (1 − w_t) v̂_{t-1} + w_t g_t², which follows from
  v_{t-1} = ((1 + β2)^{t−1} − 1) v̂_{t-1} (lesson 07, section 2). It is the
  same update in exact arithmetic and agrees with doc 000's to rounding
  wherever that one is finite, and it runs any number of steps.
* w_t = β2/((1 + β2)ᵗ − 1) is computed as β2 e^{−x}/(1 − e^{−x}) with
  x = t·log1p(β2) and 1 − e^{−x} = ``-expm1(-x)``: this never overflows
  (e^{−x} underflows to 0 and w_t to 0 for huge t), and at small t it avoids
  the cancellation of the naive ``(1 + beta2)**t - 1``, which loses about
  three significant digits for β2 = 1e-4.
* ε is added to √v̂, as in doc 000. The authors' code adds ε to √v before
  dividing by √((1 + β2)ᵗ − 1), i.e. an effective ε/√((1 + β2)ᵗ − 1); with
  ε = 1e-12 the two agree to about 1e-10 relative for gradients of order 1
  (the gap grows like 1e-10/|g| for tiny gradients).
* m is not bias-corrected (doc 000: the first of AdaX's two changes to Adam).

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
13. Doc 000 omits β1, the learning rates and AdaX-W, which the authors
    recommend; the values above are theirs.

Differences from torch.optim and optax
--------------------------------------
Neither library has AdaX.

References
----------
W. Li, Z. Zhang, X. Wang, P. Luo. AdaX: Adaptive Gradient Descent with
Exponential Long Term Memory. arXiv:2004.09740, 2020.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["AdaX", "AdaXW"]


class AdaX(Optimizer):
    """AdaX (Li et al. 2020), with optional L2 weight decay.

    Parameters
    ----------
    lr : float or callable, default 1.5e-3
        Step size η, or a schedule ``lr(t)``.
    beta1 : float, default 0.9
        Decay rate of the first-moment EWMA, ``0 <= beta1 < 1``.
    beta2 : float, default 1e-4
        Growth rate of the second moment, ``0 < beta2 < 1``.
    eps : float, default 1e-12
        ε, ``> 0``.
    weight_decay : float, default 0
        λ. L2 for AdaX (g ← g + λθ); decoupled for :class:`AdaXW`.
    """

    key = "adax"
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"v_hat": (0.0, float("inf"))}
    second_moments = ("v_hat",)
    ranges = inequalities("0 <= beta1 < 1", "0 < beta2 < 1", "eps > 0", "weight_decay >= 0")
    adaptive = True
    family, corrections = "adax", ("none", "adax")
    named_variants: ClassVar[dict[str, dict]] = {"l2": {"weight_decay": 0.1}}
    decoupled = False

    def __init__(
        self,
        lr: LearningRate = 1.5e-3,
        beta1: float = 0.9,
        beta2: float = 1e-4,
        eps: float = 1e-12,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

    def _update(self, theta, g, t, lr, m, v_hat):
        beta1, beta2, eps, weight_decay = self.beta1, self.beta2, self.eps, self.weight_decay
        if self.decoupled:
            theta *= 1 - lr * weight_decay  # (AdaXW) θ_{t-1} ← θ_{t-1} (1 − η λ)
        elif weight_decay > 0:
            g = g + weight_decay * theta  # (AdaX, λ > 0) g_t ← g_t + λ θ_{t-1}
        m[...] = beta1 * m + (1 - beta1) * g  # m_t ← β1 m_{t-1} + (1 − β1) g_t
        # w_t ← β2 / ((1 + β2)ᵗ − 1)
        w = beta2 * math.exp(-t * math.log1p(beta2)) / -math.expm1(-t * math.log1p(beta2))
        v_hat[...] = (1 - w) * v_hat + w * g**2  # v̂_t ← (1 − w_t) v̂_{t-1} + w_t g_t²
        theta -= lr * m / (np.sqrt(v_hat) + eps)  # θ_t ← θ_{t-1} − η m_t / (√v̂_t + ε)


class AdaXW(AdaX):
    """AdaX-W: decoupled weight decay θ ← θ(1 − ηλ), then the AdaX step.

    Parameters are those of :class:`AdaX`, with the authors' defaults
    ``lr=5e-3`` and ``weight_decay=5e-2``.
    """

    key = "adaxw"
    named_variants: ClassVar[dict[str, dict]] = {}  # its weight decay is the decoupled default already
    decoupled = True

    def __init__(
        self,
        lr: LearningRate = 5e-3,
        beta1: float = 0.9,
        beta2: float = 1e-4,
        eps: float = 1e-12,
        weight_decay: float = 5e-2,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps, weight_decay)
