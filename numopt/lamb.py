r"""LAMB: the Adam step with weight decay, rescaled per parameter array by the trust ratio ‖θ‖/‖r‖.

Algorithm (You et al. 2020, Alg. 2; optax.lamb)
----------------------------------------------
For each parameter array, given η, β1, β2, ε, λ and m_0 = 0, v_0 = 0,
step t = 1, 2, … receives g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked
``(‖θ‖ ‖r‖ = 0)`` runs when either norm is zero)::

    m_t ← β1 m_{t-1} + (1 − β1) g_t
    v_t ← β2 v_{t-1} + (1 − β2) g_t²
    m̂_t ← m_t / (1 − β1ᵗ)
    v̂_t ← v_t / (1 − β2ᵗ)
    r_t ← m̂_t / (√v̂_t + ε) + λ θ_{t-1}
    (‖θ‖ ‖r‖ = 0)   q_t ← 1
    (otherwise)     q_t ← ‖θ_{t-1}‖ / ‖r_t‖
    θ_t ← θ_{t-1} − η q_t r_t

The direction r_t is AdamW's; its length is set per array ("layer") to η‖θ‖:
every array moves by the same fraction η of its own norm, whatever the scale of
its gradients. This is what allows the very large batches (and learning rates)
of the paper.

Not elementwise: q_t needs the norms of whole arrays (one q per parameter
array, not one for the whole model). State: m and v, as many numbers as θ each.

Symbols and variables
---------------------
======  ================  ==============================================
symbol  variable          meaning (optax name)
======  ================  ==============================================
η       ``lr``            step size (``learning_rate``)
β1, β2  ``beta1``,        decay rates of the moments (``b1``, ``b2``)
        ``beta2``
ε       ``eps``           added to √v̂ (``eps``)
λ       ``weight_decay``  decoupled weight decay inside r (``weight_decay``)
m, v    ``m``, ``v``      Adam's moments (state)
r_t     ``r``             the AdamW direction
q_t     ``q``             the trust ratio ‖θ‖/‖r‖ of this array
======  ================  ==============================================

Defaults and where they come from
---------------------------------
``beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.01``: You et al. (§4 and
their BERT settings); ``lr=1e-3``: numopt's choice (the paper scales η with the
batch size). optax.lamb: the same β and ε, ``weight_decay=0.0``, no default
learning rate.

Conventions
-----------
* φ(‖θ‖) = ‖θ‖ (the paper allows a clipped φ; optax and numopt take the identity).
* q = 1 where ‖θ‖ = 0 or ‖r‖ = 0 (optax), so a zero array still moves.

Differences from torch.optim and optax
--------------------------------------
* torch.optim has no LAMB.
* optax.lamb(learning_rate, b1=0.9, b2=0.999, eps=1e-6, eps_root=0.0,
  weight_decay=0.0, mask=None): the same update; mind the weight decay default.

References
----------
Y. You, J. Li, S. Reddi, J. Hseu, S. Kumar, S. Bhojanapalli, X. Song, J. Demmel,
K. Keutzer, C.-J. Hsieh. Large Batch Optimization for Deep Learning: Training
BERT in 76 minutes. ICLR 2020, arXiv:1904.00962.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["LAMB", "norm"]


def norm(x: np.ndarray) -> float:
    """‖x‖, summed in C order (the same bits whatever the memory layout of ``x``)."""
    return float(np.linalg.norm(x.ravel()))


class LAMB(Optimizer):
    """LAMB (You et al. 2020), as optax.lamb: one trust ratio per parameter array.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Step size η, or a schedule ``lr(t)``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moments, ``0 <= beta < 1``.
    eps : float, default 1e-6
        ε added to √v̂, ``> 0``.
    weight_decay : float, default 0.01
        λ, added to the Adam direction, ``>= 0``.
    """

    key = "lamb"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "eps > 0", "weight_decay >= 0")
    elementwise = False
    adaptive = True
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"v": (0.0, float("inf"))}
    second_moments = ("v",)

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-6,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

    def _update(self, theta, g, t, lr, m, v):
        beta1, beta2, eps, weight_decay = self.beta1, self.beta2, self.eps, self.weight_decay
        m[...] = beta1 * m + (1 - beta1) * g  # m_t ← β1 m_{t-1} + (1 − β1) g_t
        v[...] = beta2 * v + (1 - beta2) * g**2  # v_t ← β2 v_{t-1} + (1 − β2) g_t²
        m_hat = m / (1 - beta1**t)  # m̂_t ← m_t / (1 − β1ᵗ)
        v_hat = v / (1 - beta2**t)  # v̂_t ← v_t / (1 − β2ᵗ)
        r = m_hat / (np.sqrt(v_hat) + eps) + weight_decay * theta  # r_t ← m̂_t / (√v̂_t + ε) + λ θ_{t-1}
        if norm(theta) * norm(r) == 0:
            q = 1.0  # (‖θ‖ ‖r‖ = 0) q_t ← 1
        else:
            q = norm(theta) / norm(r)  # (otherwise) q_t ← ‖θ_{t-1}‖ / ‖r_t‖
        theta -= lr * q * r  # θ_t ← θ_{t-1} − η q_t r_t
