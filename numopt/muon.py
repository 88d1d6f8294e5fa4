r"""Muon: momentum whose update matrix is orthogonalized by a Newton–Schulz iteration.

Algorithm (Jordan et al. 2024; torch.optim.Muon)
-----------------------------------------------
Given η, β, λ, ε and B_0 = 0, step t = 1, 2, … receives the gradient G_t of a
parameter matrix θ of shape (A, B) and runs, in this order (a line marked
``(switch)`` runs only in that variant, ``(otherwise)`` only without it)::

    A, B ← shape(θ)
    B_t ← β B_{t-1} + (1 − β) G_t
    (nesterov)    M_t ← (1 − β) G_t + β B_t
    (otherwise)   M_t ← B_t
    O_t ← newton_schulz(M_t)
    θ_{t-1} ← θ_{t-1} (1 − η λ)
    θ_t ← θ_{t-1} − η √max(1, A / B) O_t

:func:`newton_schulz` maps M = U S Vᵀ (its SVD) to about U Vᵀ, the nearest
semi-orthogonal matrix, without an SVD: X ← M / max(‖M‖_F, ε) (so that every
singular value is at most 1), then five times X ← a X + (b X Xᵀ + c (X Xᵀ)²) X
with (a, b, c) = (3.4445, −4.7750, 2.0315), on the wide orientation (the
transpose when A > B). Each iteration applies the odd polynomial
p(s) = a s + b s³ + c s⁵ to every singular value; these coefficients push
small singular values up fast and leave all of them between about 0.7 and 1.2
rather than exactly at 1. Every direction of the momentum thus gets a step of
about the same size, whatever its singular value.

Not elementwise: O_t depends on the whole matrix. State: the momentum B, one
number per entry of θ; it does not grow with t. Each Newton–Schulz iteration
costs about 2 A B min(A, B) + 2 min(A, B)³ multiply–adds.

Shapes. Muon is for matrices (torch refuses other shapes). numopt reads an
array of another rank as a matrix: a scalar as 1 × 1 and a vector as one row
1 × n (O is then M/‖M‖ up to the polynomial's error: normalized momentum); an
array of more than two axes as (shape[0], the rest), as Jordan's code does
for convolution filters. Jordan et al. advise AdamW for scalars, vectors and
the embedding and output layers.

Symbols and variables
---------------------
========  ================  ==================================================
symbol    variable          meaning
========  ================  ==================================================
η         ``lr``            step size (float or callable ``lr(t)``)
β         ``beta``          momentum coefficient (torch: ``momentum``)
λ         ``weight_decay``  decoupled weight decay, multiplied by η
ε         ``eps``           floor of ‖M‖_F in the normalization
B_t       ``b``             momentum buffer, an EWMA of G (state)
M_t       ``m_t``           what is orthogonalized
O_t       ``o_t``           the orthogonalized update, reshaped as θ
A, B      ``rows``, ``cols``  the shape of θ read as a matrix
========  ================  ==================================================

Defaults and where they come from
---------------------------------
``lr=1e-3, beta=0.95, weight_decay=0.1, eps=1e-7, nesterov=True``, five
Newton–Schulz iterations with (3.4445, −4.7750, 2.0315) and the scale
√max(1, A/B): torch.optim.Muon (``adjust_lr_fn=None``, "original"), whose
constants are those of Jordan's reference code.

Conventions
-----------
* The momentum is an EWMA, B ← βB + (1 − β)G, as torch (``lerp``); Jordan's
  blog writes B ← βB + G (the same direction, a different scale before the
  orthogonalization, which removes the scale: the two agree up to how ε and
  the polynomial treat it).
* The iteration runs in the parameter's dtype.

Differences from torch.optim and optax
--------------------------------------
* torch.optim.Muon runs the Newton–Schulz iteration in bfloat16 (8 bits of
  mantissa), so its steps differ from numopt's float64 ones by about 1e-2
  relative. The golden data (tests/reference/README.md) compares numopt with
  torch's own Muon code with that one cast removed; everything else is torch's.
* torch refuses parameters that are not matrices; torch's ``ns_steps``,
  ``ns_coefficients`` and ``adjust_lr_fn="match_rms_adamw"`` (scale
  0.2 √max(A, B)) are fixed here to the defaults.
* optax.contrib.muon(learning_rate, ns_coeffs=(3.4445, −4.775, 2.0315),
  ns_steps=5, beta=0.95, eps=1e-8, nesterov=True, adaptive=False, …) uses
  B ← βB + G and the scale √max(1, A/B); it runs Adam on the non-matrix parameters.

References
----------
K. Jordan, Y. Jin, V. Boza, J. You, F. Cesista, L. Newhouse, J. Bernstein.
Muon: An optimizer for hidden layers in neural networks. Blog post, 2024,
https://kellerjordan.github.io/posts/muon/ (no arXiv version).
"""

from __future__ import annotations

import math

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Muon", "newton_schulz"]

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
"""(a, b, c) of the quintic Newton–Schulz iteration (Jordan et al.; torch's defaults)."""
NS_STEPS = 5
"""Newton–Schulz iterations per step (torch's default)."""


def as_matrix(x: np.ndarray) -> np.ndarray:
    """``x`` read as a matrix (a view): 1 × 1 for a scalar, one row for a vector, (shape[0], rest) beyond two axes."""
    if x.ndim == 2:
        return x
    return x.reshape(1, -1) if x.ndim < 2 else x.reshape(x.shape[0], -1)


def newton_schulz(m: np.ndarray, eps: float) -> np.ndarray:
    """About U Vᵀ for the matrix ``m`` = U S Vᵀ: five quintic Newton–Schulz iterations.

    X ← M / max(‖M‖_F, ε) on the wide orientation (Mᵀ if M has more rows than
    columns), then five times X ← a X + (b X Xᵀ + c (X Xᵀ)²) X, transposed back.
    """
    a, b, c = NS_COEFFICIENTS
    x = m.T if m.shape[0] > m.shape[1] else m
    x = x / max(float(np.linalg.norm(x)), eps)
    for _ in range(NS_STEPS):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if m.shape[0] > m.shape[1] else x


class Muon(Optimizer):
    """Muon (Jordan et al. 2024), as torch.optim.Muon.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Step size η, or a schedule ``lr(t)``.
    beta : float, default 0.95
        Momentum coefficient β, ``0 <= beta < 1``.
    weight_decay : float, default 0.1
        λ, decoupled (θ ← θ(1 − ηλ)), ``>= 0``.
    eps : float, default 1e-7
        Floor of ‖M‖_F, ``> 0``.
    nesterov : bool, default True
        Orthogonalize (1 − β)G + βB instead of B.
    """

    key = "muon"
    ranges = inequalities("0 <= beta < 1", "weight_decay >= 0", "eps > 0")
    elementwise = False
    adaptive = True

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        beta: float = 0.95,
        weight_decay: float = 0.1,
        eps: float = 1e-7,
        nesterov: bool = True,
    ) -> None:
        super().__init__(lr=lr, beta=beta, weight_decay=weight_decay, eps=eps, nesterov=nesterov)

    def _update(self, theta, g, t, lr, b):
        beta, weight_decay, eps = self.beta, self.weight_decay, self.eps
        rows, cols = as_matrix(theta).shape  # A, B ← shape(θ)
        b[...] = beta * b + (1 - beta) * g  # B_t ← β B_{t-1} + (1 − β) G_t
        if self.nesterov:
            m_t = (1 - beta) * g + beta * b  # (nesterov) M_t ← (1 − β) G_t + β B_t
        else:
            m_t = b  # (otherwise) M_t ← B_t
        o_t = newton_schulz(as_matrix(m_t), eps).reshape(theta.shape)  # O_t ← newton_schulz(M_t)
        theta *= 1 - lr * weight_decay  # θ_{t-1} ← θ_{t-1} (1 − η λ)
        theta -= lr * math.sqrt(max(1, rows / cols)) * o_t  # θ_t ← θ_{t-1} − η √max(1, A / B) O_t
