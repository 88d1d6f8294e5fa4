r"""AdaBelief: Adam whose denominator is the EWMA of (g − m)², the "belief" in the momentum.

Algorithm (Zhuang et al. 2020, Alg. 2; optax.adabelief)
------------------------------------------------------
Given η, β1, β2, ε and m_0 = 0, s_0 = 0, step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order::

    m_t ← β1 m_{t-1} + (1 − β1) g_t
    s_t ← β2 s_{t-1} + (1 − β2) (g_t − m_t)² + ε
    m̂_t ← m_t / (1 − β1ᵗ)
    ŝ_t ← s_t / (1 − β2ᵗ)
    θ_t ← θ_{t-1} − η m̂_t / (√ŝ_t + ε)

Adam divides by the root of the EWMA of g²; AdaBelief by the root of the EWMA
of the squared distance of g from its prediction m_t. Where the gradient
agrees with the momentum (a steady slope) s is small and the step large; where
it scatters around m (noise, or a sharp valley) the step is small. ε is added
twice: to s at every step (so s ≥ ε after the first) and to √ŝ.

Symbols and variables
---------------------
========  ==============  ===============================================
symbol    variable        meaning (optax name)
========  ==============  ===============================================
η         ``lr``          step size (``learning_rate``)
β1, β2    ``beta1``,      decay rates of m and s (``b1``, ``b2``)
          ``beta2``
ε         ``eps``         added to s and to √ŝ (``eps`` and ``eps_root``)
m_t       ``m``           EWMA of g (state; optax: ``mu``)
s_t       ``s``           EWMA of (g − m)², plus ε per step (state; optax: ``nu``)
m̂_t, ŝ_t  ``m_hat``,      bias-corrected m and s
          ``s_hat``
========  ==============  ===============================================

Defaults and where they come from
---------------------------------
``lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-16``: Zhuang et al. (the authors'
adabelief-pytorch since version 0.1 uses ε = 1e-16; the paper's experiments
1e-8 to 1e-16), and optax.adabelief's eps = eps_root = 1e-16.

Conventions
-----------
* m_t in (g − m_t)² is the momentum after this step's update (paper, optax).
* The same ε is added inside s and outside the root, as the paper's Alg. 2.

Differences from torch.optim and optax
--------------------------------------
* torch.optim has no AdaBelief (the authors publish ``adabelief-pytorch``).
* optax.adabelief(learning_rate, b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16,
  nesterov=False): the same update with its two ε equal; numopt has no
  ``nesterov``.

References
----------
J. Zhuang, T. Tang, Y. Ding, S. Tatikonda, N. Dvornek, X. Papademetris,
J. S. Duncan. AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
Gradients. NeurIPS 2020, arXiv:2010.07468.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["AdaBelief"]


class AdaBelief(Optimizer):
    """AdaBelief (Zhuang et al. 2020), as optax.adabelief.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Step size η, or a schedule ``lr(t)``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of m and s, ``0 <= beta < 1``.
    eps : float, default 1e-16
        ε, added to s and to √ŝ, ``> 0``.
    """

    key = "adabelief"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "eps > 0")
    adaptive = True
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"s": (0.0, float("inf"))}
    second_moments = ("s",)

    def __init__(self, lr: LearningRate = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-16) -> None:
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, eps=eps)

    def _update(self, theta, g, t, lr, m, s):
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        m[...] = beta1 * m + (1 - beta1) * g  # m_t ← β1 m_{t-1} + (1 − β1) g_t
        s[...] = beta2 * s + (1 - beta2) * (g - m) ** 2 + eps  # s_t ← β2 s_{t-1} + (1 − β2) (g_t − m_t)² + ε
        m_hat = m / (1 - beta1**t)  # m̂_t ← m_t / (1 − β1ᵗ)
        s_hat = s / (1 - beta2**t)  # ŝ_t ← s_t / (1 − β2ᵗ)
        theta -= lr * m_hat / (np.sqrt(s_hat) + eps)  # θ_t ← θ_{t-1} − η m̂_t / (√ŝ_t + ε)
