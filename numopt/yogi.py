r"""Yogi: Adam whose second moment moves towards g² by an additive, sign-controlled step.

Algorithm (Zaheer et al. 2018, Alg. 2, with optax.yogi's bias corrections and start)
-----------------------------------------------------------------------------------
Given η, β1, β2, ε, the initial value v_init and m_0 = v_0 = v_init,
step t = 1, 2, … receives g_t = ∇J(θ_{t-1}) and runs, in this order::

    m_t ← β1 m_{t-1} + (1 − β1) g_t
    v_t ← v_{t-1} − (1 − β2) sign(v_{t-1} − g_t²) g_t²
    m̂_t ← m_t / (1 − β1ᵗ)
    v̂_t ← v_t / (1 − β2ᵗ)
    θ_t ← θ_{t-1} − η m̂_t / (√v̂_t + ε)

Adam's v_t − v_{t-1} = −(1 − β2)(v_{t-1} − g²) is proportional to the gap, so
after a burst of large gradients v (and the step's denominator) can fall
quickly; Yogi's change is (1 − β2) g² in size whatever the gap, only its sign
follows the gap, so v forgets large past gradients slowly (additively) and
the effective step size grows in a controlled way.

Symbols and variables
---------------------
=========  ==============================  ==========================================
symbol     variable                        meaning (optax name)
=========  ==============================  ==========================================
η          ``lr``                          step size (``learning_rate``)
β1, β2     ``beta1``, ``beta2``            decay rates (``b1``, ``b2``)
ε          ``eps``                         added to √v̂ (``eps``)
v_init     ``initial_accumulator_value``   start of m and v (optax's scale_by_yogi)
m_t, v_t   ``m``, ``v``                    first and second moment (state; optax ``mu``, ``nu``)
=========  ==============================  ==========================================

Defaults and where they come from
---------------------------------
``lr=0.01, beta1=0.9, beta2=0.999, eps=1e-3``: Zaheer et al. (their
recommended η = 10⁻², ε = 10⁻³) and optax.yogi. ``initial_accumulator_value=1e-6``:
optax (the paper starts v from a small value or a first minibatch's g²).

Conventions
-----------
* Both moments start at v_init (optax), not 0, and both are bias-corrected as
  in Adam (optax); the paper's Alg. 2 writes no bias correction.

Differences from torch.optim and optax
--------------------------------------
* torch.optim has no Yogi.
* optax.yogi(learning_rate, b1=0.9, b2=0.999, eps=1e-3): the same update.

References
----------
M. Zaheer, S. J. Reddi, D. Sachan, S. Kale, S. Kumar. Adaptive Methods for
Nonconvex Optimization. NeurIPS 2018 (no arXiv version; proceedings.neurips.cc).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Yogi"]


class Yogi(Optimizer):
    """Yogi (Zaheer et al. 2018), as optax.yogi.

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η, or a schedule ``lr(t)``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates, ``0 <= beta < 1``.
    eps : float, default 1e-3
        ε added to √v̂, ``> 0``.
    initial_accumulator_value : float, default 1e-6
        v_init, the start of m and v, ``>= 0``.
    """

    key = "yogi"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "eps > 0", "initial_accumulator_value >= 0")
    adaptive = True
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"v": (0.0, float("inf"))}
    second_moments = ("v",)

    def __init__(
        self,
        lr: LearningRate = 0.01,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-3,
        initial_accumulator_value: float = 1e-6,
    ) -> None:
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, eps=eps, initial_accumulator_value=initial_accumulator_value)

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        start = self.initial_accumulator_value
        return {"m": np.full(theta.shape, start, theta.dtype), "v": np.full(theta.shape, start, theta.dtype)}

    def _update(self, theta, g, t, lr, m, v):
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        m[...] = beta1 * m + (1 - beta1) * g  # m_t ← β1 m_{t-1} + (1 − β1) g_t
        v[...] = v - (1 - beta2) * np.sign(v - g**2) * g**2  # v_t ← v_{t-1} − (1 − β2) sign(v_{t-1} − g_t²) g_t²
        m_hat = m / (1 - beta1**t)  # m̂_t ← m_t / (1 − β1ᵗ)
        v_hat = v / (1 - beta2**t)  # v̂_t ← v_t / (1 − β2ᵗ)
        theta -= lr * m_hat / (np.sqrt(v_hat) + eps)  # θ_t ← θ_{t-1} − η m̂_t / (√v̂_t + ε)
