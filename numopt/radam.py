r"""RAdam: Adam whose adaptive step is switched on, and scaled, by a variance rectification.

Algorithm (Liu et al. 2020, Alg. 2; torch.optim.RAdam)
-----------------------------------------------------
Given η, β1, β2, ε, λ and m_0 = 0, v_0 = 0, step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(switch)`` runs only
in that variant, ``(otherwise)`` only without it)::

    (decoupled)   θ_{t-1} ← θ_{t-1} (1 − η λ)
    (L2, λ > 0)   g_t ← g_t + λ θ_{t-1}
    m_t ← β1 m_{t-1} + (1 − β1) g_t
    v_t ← β2 v_{t-1} + (1 − β2) g_t²
    m̂_t ← m_t / (1 − β1ᵗ)
    ρ_{∞} ← 2 / (1 − β2) − 1
    ρ_t ← ρ_{∞} − 2 t β2ᵗ / (1 − β2ᵗ)
    (ρ_t > 5)     r_t ← √((ρ_t − 4) (ρ_t − 2) ρ_{∞} / ((ρ_{∞} − 4) (ρ_{∞} − 2) ρ_t))
    (ρ_t > 5)     θ_t ← θ_{t-1} − η r_t m̂_t √(1 − β2ᵗ) / (√v_t + ε)
    (otherwise)   θ_t ← θ_{t-1} − η m̂_t

ρ_t is the length of the simple moving average that the EWMA v_t
approximates; Liu et al. show that the variance of the adaptive rate
√(1/v̂_t) is unbounded while ρ_t ≤ 4 and rectify it by r_t afterwards. While
ρ_t ≤ 5 (the first 5 steps with β2 = 0.999) the step is SGD with bias-corrected
EWMA momentum; r_t grows to 1 as t → ∞, where RAdam becomes Adam.

Symbols and variables
---------------------
=============  ================  ==============================================
symbol         variable          meaning
=============  ================  ==============================================
η              ``lr``            step size (float or callable ``lr(t)``)
β1, β2         ``beta1``,        decay rates of the moments
               ``beta2``
ε              ``eps``           added to √v_t
λ              ``weight_decay``  L2, or decoupled with ``decoupled=True``
m_t, v_t       ``m``, ``v``      EWMAs of g and g² (state)
m̂_t            ``m_hat``         bias-corrected m
ρ_{∞}, ρ_t     ``rho_inf``,      maximum and current length of the approximated SMA
               ``rho_t``
r_t            ``r_t``           variance rectification term
=============  ================  ==============================================

Defaults and where they come from
---------------------------------
``lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0, decoupled=False``:
torch.optim.RAdam (the paper uses Adam's defaults). The threshold 5 is
torch's and optax's (``threshold=5.0``); the paper's Alg. 2 writes ρ_t > 4.

Conventions
-----------
* ε is added to √v_t and the bias correction of v is folded into the step as
  √(1 − β2ᵗ), as torch does: ε is in effect ε/√(1 − β2ᵗ) against √v̂_t. The
  paper has no ε.
* ``decoupled=True`` is torch's ``decoupled_weight_decay=True`` (AdamW-style).

Differences from torch.optim and optax
--------------------------------------
* torch.optim.RAdam: the same update; ``maximize``, ``foreach``,
  ``capturable`` have no counterpart here.
* optax.radam(learning_rate, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0,
  threshold=5.0) adds ε to √v̂_t (not √v_t) and has no weight decay.

References
----------
L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao, J. Han. On the Variance of the
Adaptive Learning Rate and Beyond. ICLR 2020, arXiv:1908.03265.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam (Liu et al. 2020), as torch.optim.RAdam.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Step size η, or a schedule ``lr(t)``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moment EWMAs, ``0 <= beta < 1``.
    eps : float, default 1e-8
        ε added to √v, ``> 0``.
    weight_decay : float, default 0
        λ, ``>= 0``: L2 unless ``decoupled``.
    decoupled : bool, default False
        Decoupled weight decay θ ← θ(1 − ηλ) (torch's ``decoupled_weight_decay``).
    """

    key = "radam"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "eps > 0", "weight_decay >= 0")
    adaptive = True
    named_variants: ClassVar[dict[str, dict]] = {"l2": {"weight_decay": 0.1}}
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"v": (0.0, float("inf"))}
    second_moments = ("v",)
    threshold = 5.0
    """ρ_t above which the step is rectified (torch, optax; Liu et al.'s Alg. 2 writes 4)."""

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled: bool = False,
    ) -> None:
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, decoupled=decoupled)

    def _update(self, theta, g, t, lr, m, v):
        beta1, beta2, eps, weight_decay = self.beta1, self.beta2, self.eps, self.weight_decay
        if self.decoupled:
            theta *= 1 - lr * weight_decay  # (decoupled) θ_{t-1} ← θ_{t-1} (1 − η λ)
        elif weight_decay > 0:
            g = g + weight_decay * theta  # (L2, λ > 0) g_t ← g_t + λ θ_{t-1}
        m[...] = beta1 * m + (1 - beta1) * g  # m_t ← β1 m_{t-1} + (1 − β1) g_t
        v[...] = beta2 * v + (1 - beta2) * g**2  # v_t ← β2 v_{t-1} + (1 − β2) g_t²
        m_hat = m / (1 - beta1**t)  # m̂_t ← m_t / (1 − β1ᵗ)
        rho_inf = 2 / (1 - beta2) - 1  # ρ_{∞} ← 2 / (1 − β2) − 1
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)  # ρ_t ← ρ_{∞} − 2 t β2ᵗ / (1 − β2ᵗ)
        if rho_t > self.threshold:
            # (ρ_t > 5) r_t ← √((ρ_t − 4) (ρ_t − 2) ρ_{∞} / ((ρ_{∞} − 4) (ρ_{∞} − 2) ρ_t))
            r_t = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            # (ρ_t > 5) θ_t ← θ_{t-1} − η r_t m̂_t √(1 − β2ᵗ) / (√v_t + ε)
            theta -= lr * r_t * m_hat * math.sqrt(1 - beta2**t) / (np.sqrt(v) + eps)
        else:
            theta -= lr * m_hat  # (otherwise) θ_t ← θ_{t-1} − η m̂_t
