r"""EGSGD: gradient descent with per-coordinate gains adapted by exponentiated gradients.

Algorithm (doc 004 §2)
----------------------
Given η, γ and ν_1 = 1, g_0 = 0, step t = 1, 2, …
receives g_t = ∇J(θ_{t-1}) and runs::

    ν_{t+1} ← ν_t ⊙ exp(γ g_{t-1} ⊙ g_t)
    θ_t ← θ_{t-1} − η ν_{t+1} ⊙ g_t
    g_{t-1} ← g_t   (kept for the next step)

The gain ν is a positive per-coordinate multiplier of the step size, so it
is itself learned with an EG step. The current point depends on ν through the
previous step, θ_{t-1} = θ_{t-2} − η ν ⊙ g_{t-1}, so the chain rule gives
∂L(θ_{t-1})/∂ν = −η g_{t-1} ⊙ g_t, and the EG step on ν is
ν ← ν ⊙ exp(γ η g_{t-1} ⊙ g_t); doc 004 folds γη into one γ. Unrolled from
ν_1 = 1 the gain has the closed form

    ν_{t+1} = exp(γ Σ_{k=1}^{t} g_{k-1} ⊙ g_k),

so a coordinate whose gradient keeps its sign gets a growing step and one
whose gradient flips sign a shrinking step, as in RProp.

Symbols and variables
---------------------
=======  ==========  ==================================================
symbol   variable    meaning
=======  ==========  ==================================================
η        ``lr``      step size
γ        ``gamma``   step size of the gain's EG update (doc 004's γη)
ν        ``nu``      per-coordinate gain, starts at 1 (state)
g_{t-1}  ``g_prev``  the previous gradient, starts at 0 (state)
θ, g_t   ``theta``,  parameter and gradient
         ``g``
=======  ==========  ==================================================

Defaults and where they come from
---------------------------------
``lr=0.01``, ``gamma=0.01``: numopt's choice (doc 004 gives none).

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
12. Doc 004 uses ν both for this gain and for the Funnel's velocity (§3);
    here the gain is ``nu`` in this module and the Funnel's gain is ``p``.

Differences from torch.optim and optax
--------------------------------------
Neither library has it.

References
----------
E. Amid, R. Anil, C. Fifty, M. K. Warmuth. Step-size Adaptation Using
Exponentiated Gradient Updates. arXiv:2202.00145, 2022.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["EGSGD"]


class EGSGD(Optimizer):
    """SGD with an EG-adapted per-coordinate gain ν (doc 004 §2).

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η, or a schedule ``lr(t)``.
    gamma : float, default 0.01
        Step size γ of the gain update, ``>= 0``.
    """

    key = "egsgd"
    ranges = inequalities("gamma >= 0")
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"nu": (0.0, float("inf"))}

    def __init__(self, lr: LearningRate = 0.01, gamma: float = 0.01) -> None:
        super().__init__(lr=lr, gamma=gamma)

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        return {
            "nu": np.ones(theta.shape, theta.dtype),  # ν_1 = 1
            "g_prev": np.zeros(theta.shape, theta.dtype),  # g_0 = 0
        }

    def _update(self, theta, g, t, lr, nu, g_prev):
        gamma = self.gamma
        nu *= np.exp(gamma * g_prev * g)  # ν_{t+1} ← ν_t ⊙ exp(γ g_{t-1} ⊙ g_t)
        theta -= lr * nu * g  # θ_t ← θ_{t-1} − η ν_{t+1} ⊙ g_t
        g_prev[...] = g  # g_{t-1} ← g_t (kept for the next step)
