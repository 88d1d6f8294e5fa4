r"""SparseAdam: lazy Adam, whose moments and parameters change only where the gradient is non-zero.

Algorithm (torch.optim.SparseAdam; Kingma & Ba 2015 restricted to the gradient's support)
-----------------------------------------------------------------------------------------
Given η, β1, β2, ε and m_0 = 0, v_0 = 0, step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order, where x[k] is x on the entries k
where g_t is non-zero (the other entries of m, v and θ are left as they are)::

    k ← (g_t != 0)
    m_t[k] ← β1 m_{t-1}[k] + (1 − β1) g_t[k]
    v_t[k] ← β2 v_{t-1}[k] + (1 − β2) g_t[k]²
    θ_t[k] ← θ_{t-1}[k] − η √(1 − β2ᵗ) / (1 − β1ᵗ) · m_t[k] / (√v_t[k] + ε)

This is the optimizer of embedding tables: a row not looked up in a batch has
a zero (torch: absent) gradient, and its moments are neither decayed nor
moved. The bias corrections use the global step t, so a row updated rarely
gets the small corrections of a late step. With a gradient that has no zero
entry it is Adam in Kingma & Ba's "efficient" ordering (numopt's
``Adam(efficient=True)``).

Symbols and variables
---------------------
========  ==============  ==============================================
symbol    variable        meaning
========  ==============  ==============================================
η         ``lr``          step size (float or callable ``lr(t)``)
β1, β2    ``beta1``,      decay rates of the moments
          ``beta2``
ε         ``eps``         added to √v
k         ``k``           the entries where g_t is non-zero (a boolean mask)
m_t, v_t  ``m``, ``v``    EWMAs of g and g² over the steps that touched each entry (state)
========  ==============  ==============================================

Defaults and where they come from
---------------------------------
``lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8``: torch.optim.SparseAdam (Adam's).

Conventions
-----------
* numopt takes dense gradients: "sparse" means its exactly-zero entries. torch
  takes a sparse tensor and updates the entries it stores; a dense gradient
  turned sparse with ``Tensor.to_sparse()`` stores exactly its non-zero entries,
  which is how the golden data compares the two. (A sparse tensor that stores
  an explicit 0 updates that entry in torch: its moments decay; numopt cannot
  express that.)
* ε is added to √v_t and both corrections are folded into the step size, as
  torch's SparseAdam does: ε is in effect ε/√(1 − β2ᵗ) against √v̂_t.

Differences from torch.optim and optax
--------------------------------------
* torch.optim.SparseAdam refuses dense gradients; numopt has no sparse type.
* optax has no lazy Adam (``optax.adam`` decays every entry).

References
----------
D. P. Kingma, J. Ba. Adam: A Method for Stochastic Optimization. ICLR 2015,
arXiv:1412.6980.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """Lazy Adam, as torch.optim.SparseAdam on the non-zero entries of a dense gradient.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Step size η, or a schedule ``lr(t)``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moment EWMAs, ``0 <= beta < 1``.
    eps : float, default 1e-8
        ε added to √v, ``> 0``.
    """

    key = "sparse_adam"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "eps > 0")
    adaptive = True
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"v": (0.0, float("inf"))}
    second_moments = ("v",)

    def __init__(
        self, lr: LearningRate = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
    ) -> None:
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, eps=eps)

    def _update(self, theta, g, t, lr, m, v):
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        k = g != 0  # k ← (g_t != 0)
        m[k] = beta1 * m[k] + (1 - beta1) * g[k]  # m_t[k] ← β1 m_{t-1}[k] + (1 − β1) g_t[k]
        v[k] = beta2 * v[k] + (1 - beta2) * g[k] ** 2  # v_t[k] ← β2 v_{t-1}[k] + (1 − β2) g_t[k]²
        # θ_t[k] ← θ_{t-1}[k] − η √(1 − β2ᵗ) / (1 − β1ᵗ) · m_t[k] / (√v_t[k] + ε)
        theta[k] -= lr * math.sqrt(1 - beta2**t) / (1 - beta1**t) * m[k] / (np.sqrt(v[k]) + eps)
