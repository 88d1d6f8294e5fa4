r"""Schedule-free SGD and AdamW: interpolate between a plain iterate z and its running average x.

Algorithm (Defazio et al. 2024, Alg. 1; optax.contrib.schedule_free_adamw and _sgd)
----------------------------------------------------------------------------------
Given η, β, β2, ε, λ and z_0 = x_0 = θ_0, v_0 = 0, η_max = 0, S_0 = 0,
step t = 1, 2, … receives g_t = ∇J(θ_{t-1}), the gradient at the interpolated point
θ = y, and runs, in this order (a line marked ``(switch)`` runs only in that
variant, ``(otherwise)`` only without it)::

    (adam)        v_t ← β2 v_{t-1} + (1 − β2) g_t²
    (adam)        u_t ← g_t / (√(v_t / (1 − β2ᵗ)) + ε) + λ θ_{t-1}
    (otherwise)   u_t ← g_t + λ θ_{t-1}
    z_t ← z_{t-1} − η u_t
    η_max ← max(η_max, η)
    S_t ← S_{t-1} + η_max²
    c_t ← η_max² / S_t
    x_t ← (1 − c_t) x_{t-1} + c_t z_t
    θ_t ← β x_t + (1 − β) z_t

z is a plain SGD (or RMSProp-normalized, "AdamW" with β1 = 0) iterate; x is the
average of the z's, weighted by η_max² (1/t with a constant η: the uniform
Polyak average); the gradient is taken at θ = y, between the two. The
**evaluation point is x**, ``opt.state["x"]`` (optax recovers it with
``schedule_free_eval_params``): the average converges without a decaying
learning-rate schedule, hence the name. β plays the part of momentum.

Per array, η_max and S are 0-d state arrays (the same numbers for every
array); the update is not split into blocks.

Symbols and variables
---------------------
============  ================  =================================================
symbol        variable          meaning (optax name)
============  ================  =================================================
η             ``lr``            step size of z (``learning_rate``)
β             ``beta``          interpolation between x and z (``b1``)
β2            ``beta2``         decay rate of v, AdamW variant (``b2``)
ε             ``eps``           added to √v̂ (``eps``)
λ             ``weight_decay``  weight decay at θ = y, times η (``weight_decay``)
z_t           ``z``             the base iterate (state)
x_t           ``x``             the average, the point to evaluate (state)
v_t           ``v``             EWMA of g² (state, ``adam=True``)
η_max, S_t    ``lr_max``,       largest η so far and the sum of the weights η_max² (state)
              ``weight_sum``
u_t, c_t      ``u``, ``c``      the base step and the averaging weight
============  ================  =================================================

Defaults and where they come from
---------------------------------
``lr=0.0025, beta=0.9, beta2=0.999, eps=1e-8, weight_decay=0, adam=True``:
Defazio et al.'s AdamW defaults (their ``schedulefree`` package and
optax.contrib.schedule_free_adamw). Schedule-free SGD (``adam=False``) has β = 0.9
too; its learning rate is problem-dependent (optax's default 1.0).
The averaging weight is η_max² (``weight_lr_power=2``).

Conventions
-----------
* θ, the parameter the caller holds, is y: gradients are taken there. Evaluate
  (test loss, checkpoints) at ``state["x"]``.
* Warm-up is a schedule ``lr(t)``; η_max makes the weights follow it
  (optax's ``warmup_steps`` is ``lr=lambda t: η·min(1, (t − 1)/warmup)``).
* The decay is applied at y and multiplied by η (optax, PyTorch).

Differences from torch.optim and optax
--------------------------------------
* torch.optim has none (the authors' ``schedulefree`` package has
  SGDScheduleFree and AdamWScheduleFree).
* optax.contrib.schedule_free_adamw(learning_rate=0.0025, warmup_steps=None,
  b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, weight_lr_power=2.0) and
  schedule_free_sgd(learning_rate=1.0, b1=0.9, weight_decay=None): the same
  updates; optax keeps z and recovers x from y and z, numopt keeps both.

References
----------
A. Defazio, X. Yang, H. Mehta, K. Mishchenko, A. Khaled, A. Cutkosky. The Road
Less Scheduled. NeurIPS 2024, arXiv:2405.15682.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["ScheduleFree"]


class ScheduleFree(Optimizer):
    """Schedule-free AdamW (or SGD, ``adam=False``) (Defazio et al. 2024); the evaluation point is ``state["x"]``.

    Parameters
    ----------
    lr : float or callable, default 0.0025
        Step size η of z, or a schedule ``lr(t)`` (warm-up).
    beta : float, default 0.9
        Interpolation β between x and z, ``0 < beta < 1``.
    beta2 : float, default 0.999
        Decay rate of v (AdamW variant), ``0 <= beta2 < 1``.
    eps : float, default 1e-8
        ε added to √v̂, ``> 0``.
    weight_decay : float, default 0
        λ, at θ and times η, ``>= 0``.
    adam : bool, default True
        Schedule-free AdamW; False for schedule-free SGD.
    """

    key = "schedule_free"
    ranges = inequalities("0 < beta < 1", "0 <= beta2 < 1", "eps > 0", "weight_decay >= 0")
    kept_when: ClassVar[dict[str, str]] = {"v": "adam"}
    elementwise = False
    adaptive = True
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {
        "v": (0.0, float("inf")), "lr_max": (0.0, float("inf")), "weight_sum": (0.0, float("inf")),
    }
    second_moments = ("v",)

    def __init__(
        self,
        lr: LearningRate = 0.0025,
        beta: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        adam: bool = True,
    ) -> None:
        super().__init__(lr=lr, beta=beta, beta2=beta2, eps=eps, weight_decay=weight_decay, adam=adam)

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        state = {
            "z": theta.copy(),  # z_0 = θ_0
            "x": theta.copy(),  # x_0 = θ_0
            "lr_max": np.zeros((), theta.dtype),
            "weight_sum": np.zeros((), theta.dtype),
        }
        return {**state, "v": np.zeros(theta.shape, theta.dtype)} if self.adam else state

    def _update(self, theta, g, t, lr, z, x, lr_max, weight_sum, v=None):
        beta, beta2, eps, weight_decay = self.beta, self.beta2, self.eps, self.weight_decay
        if self.adam:
            v[...] = beta2 * v + (1 - beta2) * g**2  # (adam) v_t ← β2 v_{t-1} + (1 − β2) g_t²
            # (adam) u_t ← g_t / (√(v_t / (1 − β2ᵗ)) + ε) + λ θ_{t-1}
            u = g / (np.sqrt(v / (1 - beta2**t)) + eps) + weight_decay * theta
        else:
            u = g + weight_decay * theta  # (otherwise) u_t ← g_t + λ θ_{t-1}
        z -= lr * u  # z_t ← z_{t-1} − η u_t
        lr_max[...] = max(lr_max, lr)  # η_max ← max(η_max, η)
        weight_sum += lr_max**2  # S_t ← S_{t-1} + η_max²
        c = lr_max**2 / weight_sum  # c_t ← η_max² / S_t
        x[...] = (1 - c) * x + c * z  # x_t ← (1 − c_t) x_{t-1} + c_t z_t
        theta[...] = beta * x + (1 - beta) * z  # θ_t ← β x_t + (1 − β) z_t
