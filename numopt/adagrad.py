r"""AdaGrad: per-coordinate step sizes from the sum of squared gradients.

Algorithm (Duchi, Hazan & Singer 2011; doc 003 "AdaGrad"; doc 001)
-----------------------------------------------------------------
Given η, ε and v_0 (``initial_accumulator_value``, default 0), step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(switch)`` runs only in
that variant, ``(otherwise)`` only without it)::

    v_t ← v_{t-1} + g_t²
    (eps_in_sqrt)  θ_t ← θ_{t-1} − η g_t / √(v_t + ε)
    (otherwise)    θ_t ← θ_{t-1} − η g_t / (√v_t + ε)

Each coordinate gets the step size η/√v_t: large for coordinates whose
gradients have been small, small for those whose gradients have been large,
and decaying for all of them, since v_t only grows (doc 003's "缺点").

Symbols and variables
---------------------
======  ==============================  ==================================
symbol  variable                        meaning
======  ==============================  ==================================
η       ``lr``                          step size
ε       ``eps``                         keeps the denominator above zero
v_t     ``v``                           sum of squared gradients (state)
v_0     ``initial_accumulator_value``   starting value of v
θ, g_t  ``theta``, ``g``                parameter and gradient
======  ==============================  ==================================

Defaults and where they come from
---------------------------------
``lr=0.01``, ``eps=1e-10``, ``initial_accumulator_value=0``: torch.optim.Adagrad.
Doc 003 suggests ε = 1e-8 inside the root.

Conventions
-----------
ε outside the square root (Duchi et al.; torch). Doc 003, Keras and optax put
it inside, ``√(v + ε)``: ``eps_in_sqrt=True`` (erratum 2).
The two differ most when v is tiny: with ``v = 0`` after a zero gradient
and g then tiny, outside gives g/ε (huge), inside g/√ε.

Differences from torch.optim and optax
--------------------------------------
* torch.optim.Adagrad also has ``lr_decay`` (η/(1 + (t−1)·decay)); use a
  callable ``lr`` for that.
* optax.adagrad uses ``initial_accumulator_value=0.1`` and ε inside the root.

References
----------
J. Duchi, E. Hazan, Y. Singer. Adaptive Subgradient Methods for Online Learning
and Stochastic Optimization. JMLR 12, 2011.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["AdaGrad"]


class AdaGrad(Optimizer):
    """AdaGrad, v ← v + g², θ ← θ − η g / (√v + ε).

    Parameters
    ----------
    lr : float or callable, default 0.01
        Step size η, or a schedule ``lr(t)``.
    eps : float, default 1e-10
        ε, ``> 0``.
    initial_accumulator_value : float, default 0
        v_0, ``>= 0``.
    eps_in_sqrt : bool, default False
        Use ``√(v + ε)`` (doc 003, Keras, optax) instead of ``√v + ε``.
    """

    key = "adagrad"
    ranges = inequalities("eps > 0", "initial_accumulator_value >= 0")
    adaptive = True
    family, corrections = "adagrad", ("none", "none")
    named_variants: ClassVar[dict[str, dict]] = {"initial_accumulator": {"initial_accumulator_value": 0.1}}
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {"v": (0.0, float("inf"))}
    second_moments = ("v",)

    def __init__(
        self,
        lr: LearningRate = 0.01,
        eps: float = 1e-10,
        initial_accumulator_value: float = 0.0,
        eps_in_sqrt: bool = False,
    ) -> None:
        super().__init__(
            lr=lr, eps=eps, initial_accumulator_value=initial_accumulator_value,
            eps_in_sqrt=eps_in_sqrt,
        )

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        return {"v": np.full(theta.shape, self.initial_accumulator_value, theta.dtype)}  # v_0

    def _update(self, theta, g, t, lr, v):
        eps = self.eps
        v += g**2  # v_t ← v_{t-1} + g_t²
        if self.eps_in_sqrt:
            theta -= lr * g / np.sqrt(v + eps)  # (eps_in_sqrt) θ_t ← θ_{t-1} − η g_t / √(v_t + ε)
        else:
            theta -= lr * g / (np.sqrt(v) + eps)  # (otherwise) θ_t ← θ_{t-1} − η g_t / (√v_t + ε)
