r"""Adafactor: a second moment stored as row and column averages for matrices, and a relative step size.

Algorithm (Shazeer & Stern 2018, Alg. 4 and 5 with §7's relative step; torch.optim.Adafactor)
---------------------------------------------------------------------------------------------
Given η, the decay exponent c, ε1, ε2, the clipping threshold d, λ and
R_0 = 0, C_0 = 0, v_0 = 0, step t = 1, 2, … receives g_t = ∇J(θ_{t-1}) and
runs, in this order (a line marked ``(matrix)`` runs for an array of two or
more axes, ``(otherwise)`` for a scalar or a vector)::

    w_t ← t^{c}
    ρ_t ← min(η, 1 / √t)
    α_t ← max(ε2, RMS(θ_{t-1})) ρ_t
    θ_{t-1} ← θ_{t-1} (1 − η λ)
    (matrix)      R_t ← (1 − w_t) R_{t-1} + w_t mean_cols(g_t²)
    (matrix)      C_t ← (1 − w_t) C_{t-1} + w_t mean_rows(g_t²)
    (matrix)      V_t ← R_t C_t / max(mean(R_t), ε1)
    (otherwise)   v_t ← (1 − w_t) v_{t-1} + w_t g_t²
    (otherwise)   V_t ← v_t
    U_t ← g_t / √max(V_t, ε1²)
    θ_t ← θ_{t-1} − α_t U_t / max(1, RMS(U_t) / d)

w_t = 1 − β̂2_t is the weight of the new g² (β̂2_t = 1 − t^c rises towards 1,
so no bias correction is needed: w_1 = 1). For a matrix g of shape (n, k)
the second moment V_t is the rank-one outer product of the row means R
(shape (n, 1)) and the column means C (shape (1, k)) divided by their
common total: n + k numbers of state instead of n·k. Arrays of more than two
axes are factored over their last two axes (a stack of matrices).
RMS(x) = ‖x‖ / √size(x). The step α_t is relative to the scale of θ, and the
update U_t is clipped to an RMS of at most d.

Not elementwise: RMS(θ), RMS(U) and the row and column means need whole
arrays. State per array: R and C for a matrix (n + k numbers, an empty v),
v for a scalar or a vector (as many numbers as θ, empty R and C); it does not
grow with t.

Symbols and variables
---------------------
===========  ================  ==================================================
symbol       variable          meaning
===========  ================  ==================================================
η            ``lr``            the cap of the relative step ρ_t
c            ``beta2_decay``   exponent of w_t = 1 − β̂2_t (≤ 0)
ε1, ε2       ``eps1``,         floor of V (squared in U) and of RMS(θ)
             ``eps2``
d            ``d``             clipping threshold of RMS(U)
λ            ``weight_decay``  decoupled weight decay, multiplied by η
R_t, C_t     ``r``, ``c``      row and column means of g², EWMAs (state, matrices)
v_t          ``v``             EWMA of g² (state, scalars and vectors)
V_t, U_t     ``v_est``,       the second-moment estimate and the unclipped update
             ``u_t``
α_t          ``alpha_t``       the step size: ρ_t times the scale of θ
===========  ================  ==================================================

Defaults and where they come from
---------------------------------
``lr=0.01, beta2_decay=-0.8, eps1=2.22e-16, eps2=1e-3, d=1, weight_decay=0``:
torch.optim.Adafactor (``eps=(None, 1e-3)``, where None is the machine epsilon
of the parameter's dtype: 2.22e-16 for float64, which numopt takes for every
dtype). Shazeer & Stern: ρ_t = min(10⁻², 1/√t), c = −0.8, d = 1, ε1 = 10⁻³⁰,
ε2 = 10⁻³, no first moment.

Conventions
-----------
* torch's form: ρ_t caps at ``lr``; ε1 floors V_t (as ε1²) and the mean of R;
  weight decay is decoupled and multiplied by η, applied after α_t is read
  from θ_{t-1}.
* No first moment (the paper's β1 = 0, torch's Adafactor has none).

Differences from torch.optim and optax
--------------------------------------
* torch.optim.Adafactor: the same update (the means by norms, equal to
  rounding); torch's ε1 default follows the dtype (1.19e-7 for float32).
* optax.adafactor(learning_rate=None, min_dim_size_to_factor=128,
  decay_rate=0.8, multiply_by_parameter_scale=True, clipping_threshold=1.0,
  momentum=None, eps=1e-30, …) factors only axes of at least 128 elements,
  adds ε1 to g² instead of flooring V, and factors the two largest axes.

References
----------
N. Shazeer, M. Stern. Adafactor: Adaptive Learning Rates with Sublinear Memory
Cost. ICML 2018, arXiv:1804.04235.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Adafactor"]


def rms(x: np.ndarray) -> float:
    """RMS(x) = ‖x‖ / √size(x), the root mean square of the entries."""
    return float(np.linalg.norm(x.ravel()) / math.sqrt(x.size))


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern 2018), as torch.optim.Adafactor.

    Parameters
    ----------
    lr : float or callable, default 0.01
        η, the cap of the relative step size ρ_t = min(η, 1/√t).
    beta2_decay : float, default -0.8
        c in w_t = t^c, ``<= 0``.
    eps1 : float, default 2.22e-16
        ε1, floor of the second moment, ``> 0``.
    eps2 : float, default 1e-3
        ε2, floor of RMS(θ), ``>= 0``.
    d : float, default 1
        Clipping threshold of RMS(U), ``>= 1``.
    weight_decay : float, default 0
        λ, decoupled (θ ← θ(1 − ηλ)), ``>= 0``.
    """

    key = "adafactor"
    ranges = inequalities(
        "-inf < beta2_decay <= 0", "eps1 > 0", "eps2 >= 0", "d >= 1", "weight_decay >= 0",
    )
    elementwise = False
    adaptive = True
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = dict.fromkeys(("r", "c", "v"), (0.0, float("inf")))

    def __init__(
        self,
        lr: LearningRate = 1e-2,
        beta2_decay: float = -0.8,
        eps1: float = float(np.finfo(np.float64).eps),
        eps2: float = 1e-3,
        d: float = 1.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr=lr, beta2_decay=beta2_decay, eps1=eps1, eps2=eps2, d=d, weight_decay=weight_decay)

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        empty = np.zeros((0,), theta.dtype)
        if theta.ndim < 2:
            return {"r": empty, "c": empty.copy(), "v": np.zeros(theta.shape, theta.dtype)}
        return {
            "r": np.zeros((*theta.shape[:-1], 1), theta.dtype),  # one mean per row
            "c": np.zeros((*theta.shape[:-2], 1, theta.shape[-1]), theta.dtype),  # one mean per column
            "v": empty,
        }

    def _update(self, theta, g, t, lr, r, c, v):
        beta2_decay, eps1, eps2, d, weight_decay = self.beta2_decay, self.eps1, self.eps2, self.d, self.weight_decay
        w_t = t**beta2_decay  # w_t ← t^{c}
        rho_t = min(lr, 1 / math.sqrt(t))  # ρ_t ← min(η, 1 / √t)
        alpha_t = max(eps2, rms(theta)) * rho_t  # α_t ← max(ε2, RMS(θ_{t-1})) ρ_t
        theta *= 1 - lr * weight_decay  # θ_{t-1} ← θ_{t-1} (1 − η λ)
        if g.ndim >= 2:
            # (matrix) R_t ← (1 − w_t) R_{t-1} + w_t mean_cols(g_t²)
            r[...] = (1 - w_t) * r + w_t * np.mean(g**2, axis=-1, keepdims=True)
            # (matrix) C_t ← (1 − w_t) C_{t-1} + w_t mean_rows(g_t²)
            c[...] = (1 - w_t) * c + w_t * np.mean(g**2, axis=-2, keepdims=True)
            # (matrix) V_t ← R_t C_t / max(mean(R_t), ε1)
            v_est = r * c / np.maximum(np.mean(r, axis=-2, keepdims=True), eps1)
        else:
            v[...] = (1 - w_t) * v + w_t * g**2  # (otherwise) v_t ← (1 − w_t) v_{t-1} + w_t g_t²
            v_est = v  # (otherwise) V_t ← v_t
        u_t = g / np.sqrt(np.maximum(v_est, eps1**2))  # U_t ← g_t / √max(V_t, ε1²)
        theta -= alpha_t * u_t / max(1.0, rms(u_t) / d)  # θ_t ← θ_{t-1} − α_t U_t / max(1, RMS(U_t) / d)
