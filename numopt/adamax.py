r"""Adamax: Adam with the infinity norm, u ← max(β2 u, |g|), in place of the root of an EWMA of g².

Algorithm (Kingma & Ba 2015, §7.1 and Alg. 2; torch.optim.Adamax)
-----------------------------------------------------------------
Given η, β1, β2, ε, λ and m_0 = 0, u_0 = 0, step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(λ > 0)`` runs only
with weight decay)::

    (λ > 0)   g_t ← g_t + λ θ_{t-1}
    m_t ← β1 m_{t-1} + (1 − β1) g_t
    u_t ← max(β2 u_{t-1}, |g_t| + ε)
    θ_t ← θ_{t-1} − η / (1 − β1ᵗ) · m_t / u_t

u_t is the limit p → ∞ of Adam's (β2ᵖ-weighted) ℓ_p norm of the past
gradients: the largest exponentially discounted |g|. It needs no bias
correction (a max of discounted values is not biased towards its zero start).

Symbols and variables
---------------------
======  ================  ==============================================
symbol  variable          meaning
======  ================  ==============================================
η       ``lr``            step size (float or callable ``lr(t)``)
β1, β2  ``beta1``,        decay of the first moment and of the max
        ``beta2``
ε       ``eps``           added to |g|, keeps u_t above zero
λ       ``weight_decay``  L2 penalty added to the gradient
m_t     ``m``             EWMA of g (state)
u_t     ``u``             discounted running max of |g| (state; torch: ``exp_inf``)
======  ================  ==============================================

Defaults and where they come from
---------------------------------
``lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0``: torch.optim.Adamax
(Kingma & Ba §7.1 give α = 0.002, β1 = 0.9, β2 = 0.999 and no ε).

Conventions
-----------
* ε is added to |g_t| inside the max, as torch does; the paper has no ε (u_t > 0
  once any gradient is non-zero).
* Weight decay is L2 (added to g before the moments), as torch.optim.Adamax.

Differences from torch.optim and optax
--------------------------------------
* torch.optim.Adamax: the same update (m by ``lerp``, equal to rounding);
  ``maximize``, ``foreach`` and ``capturable`` have no counterpart here.
* optax.adamax(learning_rate, b1=0.9, b2=0.999, eps=1e-8) adds ε to u at the
  division, u ← max(β2 u, |g|), θ ← θ − η m̂ / (u + ε): the same where |g| ≫ ε.

References
----------
D. P. Kingma, J. Ba. Adam: A Method for Stochastic Optimization. ICLR 2015,
arXiv:1412.6980, §7.1.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (Kingma & Ba 2015, §7.1), as torch.optim.Adamax.

    Parameters
    ----------
    lr : float or callable, default 2e-3
        Step size η, or a schedule ``lr(t)``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates, ``0 <= beta < 1``.
    eps : float, default 1e-8
        ε added to |g|, ``> 0``.
    weight_decay : float, default 0
        λ of the L2 penalty, ``>= 0``.
    """

    key = "adamax"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "eps > 0", "weight_decay >= 0")
    adaptive = True
    named_variants: ClassVar[dict[str, dict]] = {"l2": {"weight_decay": 0.1}}
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"u": (0.0, float("inf"))}

    def __init__(
        self,
        lr: LearningRate = 2e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

    def _update(self, theta, g, t, lr, m, u):
        beta1, beta2, eps, weight_decay = self.beta1, self.beta2, self.eps, self.weight_decay
        if weight_decay > 0:
            g = g + weight_decay * theta  # (λ > 0) g_t ← g_t + λ θ_{t-1}
        m[...] = beta1 * m + (1 - beta1) * g  # m_t ← β1 m_{t-1} + (1 − β1) g_t
        u[...] = np.maximum(beta2 * u, np.abs(g) + eps)  # u_t ← max(β2 u_{t-1}, |g_t| + ε)
        theta -= lr / (1 - beta1**t) * m / u  # θ_t ← θ_{t-1} − η / (1 − β1ᵗ) · m_t / u_t
