r"""Nadam: Adam with Nesterov momentum (doc 003's form, or Dozat's).

Algorithm (doc 003 "Nadam"; Dozat 2016)
---------------------------------------
Given η, β1, β2, ε and m_0 = 0, v_0 = 0, step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(switch)`` runs only in
that variant, ``(otherwise)`` only without it)::

    m_t ← β1 m_{t-1} + (1 − β1) g_t
    v_t ← β2 v_{t-1} + (1 − β2) g_t²
    v̂_t ← v_t / (1 − β2ᵗ)
    (dozat)        m̄_t ← β1 m_t / (1 − β1ᵗ⁺¹) + (1 − β1) g_t / (1 − β1ᵗ)
    (otherwise)    m̂_t ← m_t / (1 − β1ᵗ)
    (otherwise)    m̄_t ← β1 m̂_t + (1 − β1) g_t / (1 − β1ᵗ)
    (eps_in_sqrt)  θ_t ← θ_{t-1} − η m̄_t / √(v̂_t + ε)
    (otherwise)    θ_t ← θ_{t-1} − η m̄_t / (√v̂_t + ε)

The derivation (doc 003): Adam's step uses m̂_t = (β1 m_{t-1} + (1 − β1) g_t)/(1 − β1ᵗ).
Nesterov's idea is to use a look-ahead in place of the past, so replace
m_{t-1} by m_t, the momentum the next step will use. Doc 003 keeps the
correction 1 − β1ᵗ on the momentum term; Dozat corrects m_t with
1 − β1ᵗ⁺¹, the correction it will get at step t + 1.

Symbols and variables
---------------------
=============  ===============  =========================================
symbol         variable         meaning
=============  ===============  =========================================
η              ``lr``           step size
β1, β2         ``beta1``,       decay rates of the moment EWMAs
               ``beta2``
ε              ``eps``          keeps the denominator away from zero
m_t, v_t       ``m``, ``v``     EWMAs of g and g² (state)
m̂_t, v̂_t      ``m_hat``,       bias-corrected moments
               ``v_hat``
m̄_t            ``m_bar``        the Nesterov momentum term
θ, g_t         ``theta``, ``g`` parameter and gradient
=============  ===============  =========================================

Defaults and where they come from
---------------------------------
``lr=2e-3``, ``beta1=0.9``, ``beta2=0.999``, ``eps=1e-8``: Dozat 2016 and
standalone Keras up to 2.3 (torch.optim.NAdam also uses lr=2e-3; tf.keras now
defaults to lr=1e-3, eps=1e-7).

Conventions
-----------
* ε outside the root; doc 003 writes it inside: ``eps_in_sqrt=True``
  (erratum 2).
* A constant momentum coefficient β1 (no schedule).
* m̄_t is built in the array that holds m̂_t (the doc 003 form scales m̂_t by
  β1 in place), so the code keeps the symbols m̂, v̂ and m̄ of the box above.

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
2. Doc 003 puts ε inside the square root.
8. Doc 003 bias-corrects the momentum term with 1 − β1ᵗ; Dozat's
   constant-μ form uses 1 − β1ᵗ⁺¹ (``dozat=True``). Doc 003 also names no
   momentum schedule.

Differences from torch.optim and optax
--------------------------------------
* ``dozat=True`` equals optax.nadam and torch.optim.NAdam with a huge
  ``momentum_decay`` (say 1e9), which turns torch's schedule off.
* torch.optim.NAdam's default uses the schedule μ_t = β1(1 − ½·0.96^{0.004 t})
  and matches neither form here.

References
----------
T. Dozat. Incorporating Nesterov Momentum into Adam. ICLR workshop, 2016.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Nadam"]


class Nadam(Optimizer):
    """Nadam: Adam with the momentum term looked ahead (doc 003, or Dozat's).

    Parameters
    ----------
    lr : float or callable, default 2e-3
        Step size η, or a schedule ``lr(t)``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moment EWMAs, ``0 <= beta < 1``.
    eps : float, default 1e-8
        ε, ``> 0``.
    dozat : bool, default False
        Correct the momentum term with 1 − β1ᵗ⁺¹ (Dozat; optax; torch with
        huge ``momentum_decay``) instead of doc 003's 1 − β1ᵗ.
    eps_in_sqrt : bool, default False
        Use ``√(v̂ + ε)`` (doc 003) instead of ``√v̂ + ε``.
    """

    key = "nadam"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "eps > 0")
    adaptive = True
    family, corrections = "nadam", ("adam", "adam")
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"v": (0.0, float("inf"))}
    second_moments = ("v",)

    def __init__(
        self,
        lr: LearningRate = 2e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        dozat: bool = False,
        eps_in_sqrt: bool = False,
    ) -> None:
        super().__init__(
            lr=lr, beta1=beta1, beta2=beta2, eps=eps, dozat=dozat, eps_in_sqrt=eps_in_sqrt
        )

    def _update(self, theta, g, t, lr, m, v):
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        m[...] = beta1 * m + (1 - beta1) * g  # m_t ← β1 m_{t-1} + (1 − β1) g_t
        v[...] = beta2 * v + (1 - beta2) * g**2  # v_t ← β2 v_{t-1} + (1 − β2) g_t²
        v_hat = v / (1 - beta2**t)  # v̂_t ← v_t / (1 − β2ᵗ)
        if self.dozat:
            # (dozat) m̄_t ← β1 m_t / (1 − β1ᵗ⁺¹) + (1 − β1) g_t / (1 − β1ᵗ)
            m_bar = beta1 * m / (1 - beta1 ** (t + 1)) + (1 - beta1) * g / (1 - beta1**t)
        else:
            m_hat = m / (1 - beta1**t)  # (otherwise) m̂_t ← m_t / (1 − β1ᵗ)
            # (otherwise) m̄_t ← β1 m̂_t + (1 − β1) g_t / (1 − β1ᵗ)
            m_bar = beta1 * m_hat + (1 - beta1) * g / (1 - beta1**t)
        if self.eps_in_sqrt:
            theta -= lr * m_bar / np.sqrt(v_hat + eps)  # (eps_in_sqrt) θ_t ← θ_{t-1} − η m̄_t / √(v̂_t + ε)
        else:
            theta -= lr * m_bar / (np.sqrt(v_hat) + eps)  # (otherwise) θ_t ← θ_{t-1} − η m̄_t / (√v̂_t + ε)
