r"""Rprop: a step size per coordinate, grown while the gradient keeps its sign and cut when it flips.

Algorithm (Riedmiller & Braun 1993; torch.optim.Rprop's variant)
---------------------------------------------------------------
Given η, η_minus < 1 < η_plus, the bounds Δ_min, Δ_max and g_0 = 0,
step t = 1, 2, … receives g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked
``(t = 1)`` runs on the first step only)::

    (t = 1)   Δ_0 ← η
    s_t ← sign(g_t ⊙ g_{t-1})
    Δ_t ← η_plus Δ_{t-1} where s_t > 0, η_minus Δ_{t-1} where s_t < 0, Δ_{t-1} where s_t = 0
    Δ_t ← clip(Δ_t, Δ_min, Δ_max)
    g_t ← 0 where s_t < 0
    θ_t ← θ_{t-1} − sign(g_t) ⊙ Δ_t
    g_{t-1} ← g_t

Only the sign of the gradient is used. After a sign change the coordinate
does not move, and its stored gradient is set to 0 so that the next step
neither grows nor cuts Δ again (this is Rprop⁻ without weight backtracking,
the variant torch implements; Igel & Hüsken call the family iRprop⁻).

Symbols and variables
---------------------
===================  ============================  ========================================
symbol               variable                      meaning
===================  ============================  ========================================
η                    ``lr``                        the initial step size Δ_0 (read at t = 1)
η_minus, η_plus      ``eta_minus``, ``eta_plus``   factors that cut and grow Δ
Δ_min, Δ_max         ``step_sizes``                the clip interval of Δ (None: no clip)
Δ_t                  ``step_size``                 per-coordinate step size (state)
g_{t-1}              ``g_prev``                    the previous gradient, zeroed after a flip (state)
s_t                  ``s``                         sign agreement of the last two gradients
===================  ============================  ========================================

Defaults and where they come from
---------------------------------
``lr=0.01, eta_minus=0.5, eta_plus=1.2, step_sizes=(1e-6, 50)``: torch.optim.Rprop
(its ``etas=(0.5, 1.2)``, ``step_sizes=(1e-6, 50)``); Riedmiller & Braun give
η⁻ = 0.5, η⁺ = 1.2, Δ_max = 50 and Δ_0 = 0.1.

Conventions
-----------
* Δ_0 is the learning rate of the first step (torch fills the step sizes with
  ``lr`` when it creates the state); later values of ``lr`` are not used.
* Full-batch method: with noisy minibatch gradients the sign test misfires.

Differences from torch.optim and optax
--------------------------------------
* torch.optim.Rprop: the same update; torch takes ``lr`` when the state is
  created, numopt at t = 1 (the same for a constant ``lr``).
* optax has no Rprop.

References
----------
M. Riedmiller, H. Braun. A Direct Adaptive Method for Faster Backpropagation
Learning: The RPROP Algorithm. IEEE ICNN 1993, pp. 586–591 (no arXiv version).
C. Igel, M. Hüsken. Improving the Rprop Learning Algorithm. NC 2000.
"""

from __future__ import annotations

import math

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Rprop (Riedmiller & Braun 1993), as torch.optim.Rprop.

    Parameters
    ----------
    lr : float or callable, default 0.01
        The initial step size Δ_0 (a schedule is read at t = 1 only).
    eta_minus : float, default 0.5
        Factor that cuts Δ after a sign change, ``0 < eta_minus < 1``.
    eta_plus : float, default 1.2
        Factor that grows Δ while the sign holds, ``eta_plus > 1``.
    step_sizes : (float, float) or None, default (1e-6, 50)
        Clip interval (Δ_min, Δ_max) of the step sizes.
    """

    key = "rprop"
    ranges = inequalities("0 < eta_minus < 1", "eta_plus > 1")
    bounds = ("step_sizes",)
    adaptive = True

    def __init__(
        self,
        lr: LearningRate = 1e-2,
        eta_minus: float = 0.5,
        eta_plus: float = 1.2,
        step_sizes: tuple[float, float] | None = (1e-6, 50.0),
    ) -> None:
        super().__init__(lr=lr, eta_minus=eta_minus, eta_plus=eta_plus, step_sizes=step_sizes)

    def _state_bounds(self) -> dict[str, tuple[float, float]]:
        return {"step_size": self.step_sizes or (0.0, math.inf)}  # the clip

    def _update(self, theta, g, t, lr, step_size, g_prev):
        eta_minus, eta_plus = self.eta_minus, self.eta_plus
        step_min, step_max = self.step_sizes or (0.0, math.inf)
        if t == 1:
            step_size[...] = lr  # (t = 1) Δ_0 ← η
        s = np.sign(g * g_prev)  # s_t ← sign(g_t ⊙ g_{t-1})
        # Δ_t ← η_plus Δ_{t-1} where s_t > 0, η_minus Δ_{t-1} where s_t < 0, Δ_{t-1} where s_t = 0
        step_size[...] = np.where(s > 0, eta_plus * step_size, np.where(s < 0, eta_minus * step_size, step_size))
        step_size[...] = np.clip(step_size, step_min, step_max)  # Δ_t ← clip(Δ_t, Δ_min, Δ_max)
        g = np.where(s < 0, 0.0, g)  # g_t ← 0 where s_t < 0
        theta -= np.sign(g) * step_size  # θ_t ← θ_{t-1} − sign(g_t) ⊙ Δ_t
        g_prev[...] = g  # g_{t-1} ← g_t
