r"""L-BFGS with one gradient per step and no line search: torch.optim.LBFGS(max_iter=1).

Algorithm (Nocedal 1980; Liu & Nocedal 1989; torch.optim.LBFGS with ``max_iter=1``)
----------------------------------------------------------------------------------
Given η, the history size m, the tolerances τ_g, τ_c and k = 0, h = 1, an
empty history (S, Y, ρ), step t = 1, 2, … receives g_t = ∇J(θ_{t-1}) and runs,
in this order (a marked line runs only under its condition; when ``stop`` holds, nothing
after it runs: θ and the state stay as they are)::

    stop ← max|g_t| ≤ τ_g
    k ← k + 1
    (k = 1)                    d ← −g_t
    (k = 1)                    γ ← min(1, 1 / ‖g_t‖_1) η
    (k > 1)                    y ← g_t − g_{t-1}
    (k > 1)                    c ← ⟨y, s⟩
    (k > 1, c > 1e-10)         S ← append(S, s)
    (k > 1, c > 1e-10)         Y ← append(Y, y)
    (k > 1, c > 1e-10)         ρ ← append(ρ, 1 / c)
    (k > 1, c > 1e-10)         n ← min(n + 1, m)
    (k > 1, c > 1e-10)         h ← c / ⟨y, y⟩
    (k > 1)                    d ← two_loop(−g_t, S, Y, ρ, n, h)
    (k > 1)                    γ ← η
    g_{t-1} ← g_t
    s ← γ d
    (⟨g_t, d⟩ < −τ_c)          θ_t ← θ_{t-1} + s

``append`` drops the oldest row of the m-row history and puts the new pair
last, so the n valid pairs are the last n rows. :func:`two_loop` is the
two-loop recursion: with q = −g, for i from the newest pair to the oldest
α_i ← ρ_i ⟨s_i, q⟩, q ← q − α_i y_i; then r ← h q, and for i from the oldest
to the newest β_i ← ρ_i ⟨y_i, r⟩, r ← r + (α_i − β_i) s_i. r = −H g, where H
is the BFGS inverse-Hessian approximation built from h I by the n stored
pairs (s, y) of steps and gradient changes. A pair is stored only if its
curvature ⟨y, s⟩ is positive (above 1e-10), which keeps H positive definite.

Not elementwise, and **one history per parameter array**: torch's LBFGS
flattens all parameters into one vector and keeps one joint history; numopt
keeps one per array (each array is its own L-BFGS problem), which is torch's
for a single array. State per array of n entries: S and Y, two (m, n) arrays
allocated at the first step (the history fills up to m pairs over the first
m + 1 steps and stays that size), ρ (m numbers), g_{t-1} and s (n each), and
the scalars n, h, k: 2 m n + 2 n + m + 3 numbers, 202 times θ with m = 100.

Symbols and variables
---------------------
=====================  ===================  ===============================================
symbol                 variable             meaning
=====================  ===================  ===============================================
η                      ``lr``               step length after the first step
m                      ``history_size``     pairs kept
τ_g                    ``tolerance_grad``   stop while max|g| is at most this
τ_c                    ``tolerance_change`` no step unless ⟨g, d⟩ < −τ_c
k                      ``k``                iterations taken (state; torch: ``n_iter``)
S, Y, ρ                ``S``, ``Y``,        the history: steps, gradient changes, 1/⟨y, s⟩ (state)
                       ``rho``
n                      ``n``                valid pairs in the history (state)
h                      ``h``                scale of the initial inverse Hessian (state; torch: ``H_diag``)
g_{t-1}, s             ``g_prev``, ``s``    last gradient and last step γ d (state)
d, γ, y, c             ``d``, ``gamma``,    direction, step length, gradient change, curvature
                       ``y``, ``c``
=====================  ===================  ===============================================

Defaults and where they come from
---------------------------------
``lr=1, history_size=100, tolerance_grad=1e-7, tolerance_change=1e-9``:
torch.optim.LBFGS. ``max_iter=1`` and ``line_search_fn=None`` are fixed: one
gradient per ``step`` like every numopt optimizer.

Conventions
-----------
* The first step is scaled by min(1, 1/‖g‖_1), torch's guess for a step with
  no curvature yet; later steps take γ = η with the scaling h of the newest pair.
* When ⟨g, d⟩ ≥ −τ_c (d not a descent direction) θ does not move, but s, g_{t-1}
  and k are updated, as in torch.

Differences from torch.optim and optax
--------------------------------------
* torch.optim.LBFGS: one joint history over all parameters (numopt: one per
  array; equal for a single array); numopt has no closure, no ``max_iter`` > 1
  and no strong-Wolfe line search.
* optax.lbfgs(learning_rate=None, memory_size=10, scale_init_precond=True,
  linesearch=zoom) keeps the joint history too and searches the step length.

References
----------
J. Nocedal. Updating Quasi-Newton Matrices with Limited Storage. Math. Comp.
35(151), 1980 (no arXiv version).
D. C. Liu, J. Nocedal. On the Limited Memory BFGS Method for Large Scale
Optimization. Math. Programming 45, 1989 (no arXiv version).
"""

from __future__ import annotations

import math

import numpy as np

from .base import LearningRate, Optimizer, inequalities
from .hyperparameters import check

__all__ = ["LBFGS", "append", "two_loop"]


def append(history: np.ndarray, row: np.ndarray | float) -> np.ndarray:
    """The history with its oldest (first) row dropped and ``row`` put last."""
    return np.concatenate([history[1:], np.asarray(row, history.dtype)[None]])


def two_loop(q: np.ndarray, S: np.ndarray, Y: np.ndarray, rho: np.ndarray, n: int, h: float) -> np.ndarray:
    """The L-BFGS two-loop recursion: H q for the approximation H of the last ``n`` pairs and scale ``h``."""
    q = q.copy()
    alpha = np.zeros(len(S))
    for i in range(len(S) - 1, len(S) - 1 - n, -1):
        alpha[i] = rho[i] * np.vdot(S[i], q)
        q -= alpha[i] * Y[i]
    r = h * q
    for i in range(len(S) - n, len(S)):
        beta = rho[i] * np.vdot(Y[i], r)
        r += (alpha[i] - beta) * S[i]
    return r


class LBFGS(Optimizer):
    """L-BFGS without line search, one gradient per step, one history per array (torch's LBFGS(max_iter=1)).

    Parameters
    ----------
    lr : float or callable, default 1
        Step length η (the first step is min(1, 1/‖g‖_1) η).
    history_size : int, default 100
        m, the number of (s, y) pairs kept, a whole number ``>= 1``.
    tolerance_grad : float, default 1e-7
        τ_g: no step while max|g| ≤ τ_g, ``>= 0``.
    tolerance_change : float, default 1e-9
        τ_c: no move unless ⟨g, d⟩ < −τ_c, ``>= 0``.
    """

    key = "lbfgs"
    ranges = inequalities("history_size >= 1", "tolerance_grad >= 0", "tolerance_change >= 0")
    integers = ("history_size",)
    elementwise = False

    def __init__(
        self,
        lr: LearningRate = 1.0,
        history_size: int = 100,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
    ) -> None:
        super().__init__(
            lr=lr, history_size=history_size, tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
        )

    def __setattr__(self, name: str, value: object) -> None:
        if name == "history_size" and self._slots:
            value = check(name, value, type(self))  # a whole number >= 1 first, then the same one
            if value != self.history_size:
                raise ValueError(
                    f"history_size={value!r} after step {self.t} would change the history's length; expected "
                    f"history_size={self.history_size!r} (create a new optimizer to change it)"
                )
        super().__setattr__(name, value)

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        m = self.history_size
        return {
            "S": np.zeros((m, *theta.shape), theta.dtype),
            "Y": np.zeros((m, *theta.shape), theta.dtype),
            "rho": np.zeros(m, theta.dtype),
            "n": np.zeros((), theta.dtype),
            "h": np.ones((), theta.dtype),  # h = 1
            "k": np.zeros((), theta.dtype),
            "g_prev": np.zeros(theta.shape, theta.dtype),
            "s": np.zeros(theta.shape, theta.dtype),
        }

    def _state_bounds(self) -> dict[str, tuple[float, float]]:
        return {"n": (0.0, self.history_size), "k": (0.0, math.inf), "h": (0.0, math.inf), "rho": (0.0, math.inf)}

    def _update(self, theta, g, t, lr, S, Y, rho, n, h, k, g_prev, s):
        tolerance_grad, tolerance_change = self.tolerance_grad, self.tolerance_change
        stop = np.max(np.abs(g), initial=0.0) <= tolerance_grad  # stop ← max|g_t| ≤ τ_g
        if stop:
            return
        k += 1  # k ← k + 1
        if k == 1:
            d = -g  # (k = 1) d ← −g_t
            gamma = min(1.0, 1.0 / float(np.sum(np.abs(g)))) * lr  # (k = 1) γ ← min(1, 1 / ‖g_t‖_1) η
        else:
            y = g - g_prev  # (k > 1) y ← g_t − g_{t-1}
            c = float(np.vdot(y, s))  # (k > 1) c ← ⟨y, s⟩
            if c > 1e-10:
                S[...] = append(S, s)  # (k > 1, c > 1e-10) S ← append(S, s)
                Y[...] = append(Y, y)  # (k > 1, c > 1e-10) Y ← append(Y, y)
                rho[...] = append(rho, 1 / c)  # (k > 1, c > 1e-10) ρ ← append(ρ, 1 / c)
                n[...] = min(n + 1, len(S))  # (k > 1, c > 1e-10) n ← min(n + 1, m)
                h[...] = c / np.vdot(y, y)  # (k > 1, c > 1e-10) h ← c / ⟨y, y⟩
            d = two_loop(-g, S, Y, rho, int(n), float(h))  # (k > 1) d ← two_loop(−g_t, S, Y, ρ, n, h)
            gamma = lr  # (k > 1) γ ← η
        g_prev[...] = g  # g_{t-1} ← g_t
        s[...] = gamma * d  # s ← γ d
        if np.vdot(g, d) < -tolerance_change:
            theta += s  # (⟨g_t, d⟩ < −τ_c) θ_t ← θ_{t-1} + s
