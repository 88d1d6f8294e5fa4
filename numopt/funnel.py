r"""Funnel: momentum SGD with a per-coordinate gain and a per-layer scale, both EG-adapted.

Algorithm (doc 004 §3; Amid et al. 2022; the authors' EGDD in lingvo ``egdd.py``)
--------------------------------------------------------------------------------
For each parameter array (a "layer"), given η, μ, β, γ_p, γ_s, the bounds of p
and s, and ν = 0, m = 0, p = 1, s = 1 (one scalar per array), step t = 1, 2, …
receives g = ∇J(θ) and runs, in this order, with ν and m from before this step
(a line marked ``(switch)`` runs only in that variant, ``(otherwise)`` only
without it)::

    1. scale  (use_directions)      a ← max|g|, b ← max|ν|   (1 for a zero array)
              (use_directions)      c ← ⟨g/a, ν/b⟩ / ((‖g/a‖ + 1e-10/a)(‖ν/b‖ + 1e-10/b)), clipped to [−1, 1]
              (otherwise)           c ← ⟨g, ν⟩
              s ← clip(s · exp(γ_s c), s_low, s_high)
    2. gain   (use_signs)           u ← sign(g) ⊙ sign(m)
              (otherwise)           m̂ ← m / (1 − β^max(t−1, 1))
              (otherwise)           u ← g ⊙ m̂
              p ← clip(p ⊙ exp(γ_p u), p_low, p_high)
    3. step   ν ← μ ν + η p ⊙ g
              m ← β m + (1 − β) g
              θ ← θ − s ν

The bounds are (s_low, s_high) = (0.1, 10) and (p_low, p_high) = (0.01, 100)
by default; ``None`` means no clipping.

The cosine is the authors' ⟨g/(‖g‖ + 1e-10), ν/(‖ν‖ + 1e-10)⟩ with g and ν
first divided by their largest magnitude: equal in exact arithmetic (and to
rounding for ordinary inputs), but ‖g‖ and ⟨g, ν⟩ can no longer overflow, so
c stays in [−1, 1] for every finite g and ν (the authors' form gives NaN once
‖ν‖ overflows). exp(γ_s c) and exp(γ_p u) that overflow are inf, which the
clip saturates to the upper bound, as in the authors' code (TensorFlow's exp
returns inf too); without bounds s or p becomes inf and numopt warns.

With ``use_signs=False, use_directions=False`` and no bounds this is doc
004's p_{t+1} = p_t ⊙ exp(γ_p m_{t−1} ⊙ g_t), s_{t+1} = s_t · exp(γ_s ν_t · g_t).
Both exponents are positive because each is an EG step on −∂L/∂(·): θ moved
by −s ν_t at the last step, so ∂L/∂s = −ν_t · g_t, and ν_t grew by η p ⊙ g
(with m as its smoothed stand-in), so ∂L/∂p ∝ −m ⊙ g. The gain p grows on
coordinates whose gradient keeps its sign and shrinks where it flips; the
scale s grows while successive steps point the same way and shrinks when the
gradient turns against the velocity, as it does after the data drift.

Symbols and variables
---------------------
=============  ===============  ==============================================
symbol         variable         meaning
=============  ===============  ==============================================
η              ``lr``           step size of the velocity
μ              ``mu``           momentum coefficient of ν
β              ``beta``         decay rate of the gradient EWMA m
γ_p, γ_s       ``gamma_p``,     EG step sizes of the gain and the scale
               ``gamma_s``
ν              ``nu``           velocity (state)
m              ``m``            EWMA of g (state); m̂ its bias-corrected value
p              ``p``            per-coordinate gain, starts at 1 (state)
s              ``s``            step-size scale, one 0-d array per parameter array (state)
s_low, s_high  ``s_bounds``     clipping interval of s (none: (0, ∞))
p_low, p_high  ``p_bounds``     clipping interval of p (none: (0, ∞))
a, b           ``a``, ``b``     max|g| and max|ν| (1 for a zero array), scales for the cosine
c              ``c``            the scale's signal, cosine of g and ν by default
u              ``u``            the gain's signal
θ, g           ``theta``, ``g`` parameter and gradient
=============  ===============  ==============================================

Defaults and where they come from
---------------------------------
``lr=0.01, mu=0.9, beta=0.9, gamma_p=0.01, gamma_s=0.001``, bounds
``p_bounds=(0.01, 100)``, ``s_bounds=(0.1, 10)``, ``use_signs=True``,
``use_directions=True``: the authors' EGDD (lingvo ``egdd.py``), whose defaults
numopt keeps.

Conventions
-----------
* ``s`` is one scalar per parameter array (per layer), not per model.
* ``p_bounds`` and ``s_bounds`` may be ``None`` for no clipping.
* Not elementwise: the scale needs norms of whole arrays, so this update is
  never split into blocks.

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
12. Doc 004 uses ν both for the §2 gain and the §3 velocity, never defines
    m_{t−1} (it is the bias-corrected EWMA m̂ above), calls s a
    hyperparameter (it is adapted state), and omits the clipping bounds and
    the normalisations of the authors' code.

Differences from torch.optim and optax
--------------------------------------
Neither library has it; lingvo's EGDD is the authors' TensorFlow version.

References
----------
E. Amid, R. Anil, C. Fifty, M. K. Warmuth. Step-size Adaptation Using
Exponentiated Gradient Updates. arXiv:2202.00145, 2022.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Funnel"]


class Funnel(Optimizer):
    """The Funnel optimizer (doc 004 §3; the authors' EGDD).

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η of the velocity, or a schedule ``lr(t)``.
    mu : float, default 0.9
        Momentum coefficient μ, ``0 <= mu < 1``.
    beta : float, default 0.9
        Decay rate β of the gradient EWMA m, ``0 <= beta < 1``.
    gamma_p : float, default 0.01
        EG step size of the per-coordinate gain p, ``>= 0``.
    gamma_s : float, default 0.001
        EG step size of the per-array scale s, ``>= 0``.
    use_signs : bool, default True
        Gain signal sign(g) ⊙ sign(m) instead of g ⊙ m̂.
    use_directions : bool, default True
        Scale signal from unit vectors (a cosine) instead of ⟨g, ν⟩.
    p_bounds : (float, float) or None, default (0.01, 100)
        Clipping interval of p.
    s_bounds : (float, float) or None, default (0.1, 10)
        Clipping interval of s.
    """

    key = "funnel"
    ranges = inequalities("0 <= mu < 1", "0 <= beta < 1", "gamma_p >= 0", "gamma_s >= 0")
    bounds = ("p_bounds", "s_bounds")
    elementwise = False
    named_variants: ClassVar[dict[str, dict]] = {
        "plain": {"use_signs": False, "use_directions": False, "p_bounds": None, "s_bounds": None},
    }

    def __init__(
        self,
        lr: LearningRate = 0.01,
        mu: float = 0.9,
        beta: float = 0.9,
        gamma_p: float = 0.01,
        gamma_s: float = 0.001,
        use_signs: bool = True,
        use_directions: bool = True,
        p_bounds: tuple[float, float] | None = (0.01, 100.0),
        s_bounds: tuple[float, float] | None = (0.1, 10.0),
    ) -> None:
        super().__init__(
            lr=lr, mu=mu, beta=beta, gamma_p=gamma_p, gamma_s=gamma_s, use_signs=use_signs,
            use_directions=use_directions, p_bounds=p_bounds, s_bounds=s_bounds,
        )

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        zeros = np.zeros(theta.shape, theta.dtype)
        return {
            "nu": zeros,  # ν = 0
            "m": zeros.copy(),  # m = 0
            "p": np.ones(theta.shape, theta.dtype),  # p = 1
            "s": np.ones((), theta.dtype),  # s = 1, one per parameter array
        }

    def _state_bounds(self) -> dict[str, tuple[float, float]]:
        return {"p": self.p_bounds or (0.0, math.inf), "s": self.s_bounds or (0.0, math.inf)}  # the clips

    def _update(self, theta, g, t, lr, nu, m, p, s):
        mu, beta, gamma_p, gamma_s = self.mu, self.beta, self.gamma_p, self.gamma_s
        s_low, s_high = self.s_bounds or (0.0, math.inf)
        p_low, p_high = self.p_bounds or (0.0, math.inf)
        if self.use_directions:
            # 1. scale (use_directions) a ← max|g|, b ← max|ν| (1 for a zero array)
            a, b = float(np.abs(g).max(initial=0.0)) or 1.0, float(np.abs(nu).max(initial=0.0)) or 1.0
            # (use_directions) c ← ⟨g/a, ν/b⟩ / ((‖g/a‖ + 1e-10/a)(‖ν/b‖ + 1e-10/b)), clipped to [−1, 1]
            c = min(max(float(np.vdot(g / a, nu / b) / (np.linalg.norm(g / a) + 1e-10 / a)
                              / (np.linalg.norm(nu / b) + 1e-10 / b)), -1.0), 1.0)
        else:
            c = float(np.vdot(g, nu))  # (otherwise) c ← ⟨g, ν⟩
        s[...] = np.clip(s * float(np.exp(gamma_s * c)), s_low, s_high)  # s ← clip(s · exp(γ_s c), s_low, s_high)
        if self.use_signs:
            u = np.sign(g) * np.sign(m)  # 2. gain (use_signs) u ← sign(g) ⊙ sign(m)
        else:
            m_hat = m / (1 - beta ** max(t - 1, 1))  # (otherwise) m̂ ← m / (1 − β^max(t−1, 1))
            u = g * m_hat  # (otherwise) u ← g ⊙ m̂
        p[...] = np.clip(p * np.exp(gamma_p * u), p_low, p_high)  # p ← clip(p ⊙ exp(γ_p u), p_low, p_high)
        nu[...] = mu * nu + lr * p * g  # 3. step ν ← μ ν + η p ⊙ g
        m[...] = beta * m + (1 - beta) * g  # m ← β m + (1 − β) g
        theta -= s * nu  # θ ← θ − s ν
