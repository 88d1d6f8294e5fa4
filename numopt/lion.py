r"""Lion: the sign of an interpolation of momentum and gradient, with two different β.

Algorithm (Chen et al. 2023, Alg. 2; optax.lion)
-----------------------------------------------
Given η, β1, β2, λ and m_0 = 0, step t = 1, 2, … receives g_t = ∇J(θ_{t-1}) and
runs, in this order::

    c_t ← β1 m_{t-1} + (1 − β1) g_t
    θ_t ← θ_{t-1} − η (sign(c_t) + λ θ_{t-1})
    m_t ← β2 m_{t-1} + (1 − β2) g_t

Two EWMAs of the gradient with different rates: the step takes the sign of
c_t (β1 = 0.9: mostly the current gradient), the state m keeps the slower
β2 = 0.99 average, updated after the step. Every coordinate moves by exactly
η (plus the decay), so η must be smaller than Adam's (the paper: 3–10 times).
The method was found by a program search (hence "EvoLved Sign Momentum").

Symbols and variables
---------------------
======  ================  ===============================================
symbol  variable          meaning (optax name)
======  ================  ===============================================
η       ``lr``            step size (``learning_rate``)
β1      ``beta1``         interpolation weight of the step (``b1``)
β2      ``beta2``         decay rate of the momentum m (``b2``)
λ       ``weight_decay``  decoupled weight decay, times η (``weight_decay``)
c_t     ``c``             the interpolation whose sign is the step
m_t     ``m``             EWMA of g (state; optax: ``mu``)
======  ================  ===============================================

Defaults and where they come from
---------------------------------
``beta1=0.9, beta2=0.99``: Chen et al. (their defaults, and optax's).
``lr=1e-4, weight_decay=0``: the paper tunes η and λ per task (η 3–10 times
smaller than AdamW's, λ 3–10 times larger); 1e-4 is AdamW's 1e-3 divided by 10,
and no decay unless asked. optax.lion has no default learning rate and
``weight_decay=1e-3``.

Conventions
-----------
* The decay is decoupled and multiplied by η, θ ← θ − ηλθ, read from θ_{t-1}.

Differences from torch.optim and optax
--------------------------------------
* torch.optim has no Lion.
* optax.lion(learning_rate, b1=0.9, b2=0.99, mu_dtype=None, weight_decay=1e-3):
  the same update (``mode="hard"``); mind its weight decay default.

References
----------
X. Chen, C. Liang, D. Huang, E. Real, K. Wang, Y. Liu, H. Pham, X. Dong, T. Luong,
C.-J. Hsieh, Y. Lu, Q. V. Le. Symbolic Discovery of Optimization Algorithms.
NeurIPS 2023, arXiv:2302.06675.
"""

from __future__ import annotations

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Lion"]


class Lion(Optimizer):
    """Lion (Chen et al. 2023), as optax.lion.

    Parameters
    ----------
    lr : float or callable, default 1e-4
        Step size η, or a schedule ``lr(t)``.
    beta1 : float, default 0.9
        Weight of the momentum in the step's interpolation, ``0 <= beta1 < 1``.
    beta2 : float, default 0.99
        Decay rate of the momentum, ``0 <= beta2 < 1``.
    weight_decay : float, default 0
        λ, decoupled and multiplied by η, ``>= 0``.
    """

    key = "lion"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "weight_decay >= 0")
    adaptive = True

    def __init__(
        self, lr: LearningRate = 1e-4, beta1: float = 0.9, beta2: float = 0.99, weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay)

    def _update(self, theta, g, t, lr, m):
        beta1, beta2, weight_decay = self.beta1, self.beta2, self.weight_decay
        c = beta1 * m + (1 - beta1) * g  # c_t ← β1 m_{t-1} + (1 − β1) g_t
        theta -= lr * (np.sign(c) + weight_decay * theta)  # θ_t ← θ_{t-1} − η (sign(c_t) + λ θ_{t-1})
        m[...] = beta2 * m + (1 - beta2) * g  # m_t ← β2 m_{t-1} + (1 − β2) g_t
