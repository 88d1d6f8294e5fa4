"""One step and five steps of every algorithm and variant against hand derivations.

The expected values are never obtained from numopt. They come from

* a one-step closed form per algorithm, worked out by hand from the algorithm box
  in its module's docstring with zero (or the documented initial) state,
  e.g. Adam's first step is θ − η g/(|g| + ε) because m̂₁ = g and v̂₁ = g²;
* an independent re-derivation in plain Python floats (:mod:`math`), written here
  line by line from those equations, run on each coordinate of a fixed
  gradient sequence (the Funnel needs whole-array norms, so its reference works on
  the list of coordinates).

The gradient sequence has three coordinates: an ordinary one with sign changes; a
tiny one (1e-6 .. 1e-4) where √v is comparable to ε, so that the ε placement and the
bias corrections change the result by far more than the tolerance; and one that is
exactly zero at step 3. Every hyperparameter takes a non-default value in at least
one case, every default is used in the ``*-defaults`` cases, and the ``*-schedule``
cases pass a callable ``lr(t)`` whose calls are recorded. Tolerance: rtol = 1e-12
(float64 rounding of a few dozen operations is ~1e-15).
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

import numopt

THETA0 = [1.0, 0.5, 2.0]
GRADS = [
    [0.5, 1e-6, 2.0],
    [-0.3, 3e-5, 1.5],
    [0.8, -1e-4, 0.0],
    [0.1, 2e-6, -1.0],
    [-0.6, 5e-5, 0.7],
]
RTOL = 1e-12


def decaying(t: int) -> float:
    """The schedule of the ``*-schedule`` cases: η_t = 0.1 / √t."""
    return 0.1 / math.sqrt(t)


def eta(lr: float | Callable[[int], float], t: int) -> float:
    """η for step t: the constant, or the schedule evaluated at t."""
    return lr(t) if callable(lr) else lr


def clip(x: float, bounds: tuple[float, float] | None) -> float:
    """clip(x, low, high), or x itself when there are no bounds."""
    return x if bounds is None else min(max(x, bounds[0]), bounds[1])


def sign(x: float) -> float:
    """sign(x) ∈ {−1, 0, 1}."""
    return 0.0 if x == 0.0 else math.copysign(1.0, x)


def elementwise(scalar_reference: Callable) -> Callable:
    """Lift a one-coordinate reference to a list of coordinates (elementwise algorithms)."""

    @functools.wraps(scalar_reference)
    def reference(theta: list[float], grads: list[list[float]], **hp) -> tuple[list, dict]:
        per_coordinate = [
            scalar_reference(theta[i], [g[i] for g in grads], **hp) for i in range(len(theta))
        ]
        trajectory = [list(step) for step in zip(*(thetas for thetas, _ in per_coordinate), strict=True)]
        names = per_coordinate[0][1].keys()
        state = {name: [s[name] for _, s in per_coordinate] for name in names}
        return trajectory, state

    return reference


# ---------------------------------------------------------------------------- references
# Each reference returns (θ after every step, final state by the docstrings' symbol names).


@elementwise
def ref_sgd(theta, grads, lr):
    out = []
    for t, g in enumerate(grads, 1):
        theta = theta - eta(lr, t) * g  # θ ← θ − η g
        out.append(theta)
    return out, {}


@elementwise
def ref_momentum(theta, grads, lr, beta, ewma):
    out, b = [], 0.0
    for t, g in enumerate(grads, 1):
        b = beta * b + ((1.0 - beta) * g if ewma else g)  # m ← βm + (1−β)g  or  b ← βb + g
        theta = theta - eta(lr, t) * b  # θ ← θ − η b
        out.append(theta)
    return out, {"m" if ewma else "b": b}


@elementwise
def ref_nag(theta, grads, lr, beta):
    out, b = [], 0.0
    for t, g in enumerate(grads, 1):
        b = beta * b + g  # b ← βb + g
        theta = theta - eta(lr, t) * (g + beta * b)  # θ ← θ − η (g + βb)
        out.append(theta)
    return out, {"b": b}


@elementwise
def ref_adagrad(theta, grads, lr, eps, initial_accumulator_value, eps_in_sqrt):
    out, v = [], initial_accumulator_value
    for t, g in enumerate(grads, 1):
        v = v + g * g  # v ← v + g²
        denom = math.sqrt(v + eps) if eps_in_sqrt else math.sqrt(v) + eps
        theta = theta - eta(lr, t) * g / denom  # θ ← θ − η g / (√v + ε)
        out.append(theta)
    return out, {"v": v}


@elementwise
def ref_rmsprop(theta, grads, lr, beta, eps, eps_in_sqrt, centered):
    out, v, g_bar = [], 0.0, 0.0
    for t, g in enumerate(grads, 1):
        v = beta * v + (1.0 - beta) * g * g  # v ← βv + (1−β)g²
        g_bar = beta * g_bar + (1.0 - beta) * g  # ḡ ← βḡ + (1−β)g   (used only if centered)
        second = v - g_bar * g_bar if centered else v
        denom = math.sqrt(second + eps) if eps_in_sqrt else math.sqrt(second) + eps
        theta = theta - eta(lr, t) * g / denom
        out.append(theta)
    return out, ({"v": v, "g_bar": g_bar} if centered else {"v": v})


@elementwise
def ref_adadelta(theta, grads, lr, rho, eps):
    out, E_g2, E_d2 = [], 0.0, 0.0
    for t, g in enumerate(grads, 1):
        E_g2 = rho * E_g2 + (1.0 - rho) * g * g  # E[g²] ← ρE[g²] + (1−ρ)g²
        delta = -(math.sqrt(E_d2 + eps) / math.sqrt(E_g2 + eps)) * g  # Δ
        E_d2 = rho * E_d2 + (1.0 - rho) * delta * delta  # E[Δ²] ← ρE[Δ²] + (1−ρ)Δ²  (unscaled Δ)
        theta = theta + eta(lr, t) * delta  # θ ← θ + lr·Δ
        out.append(theta)
    return out, {"E_g2": E_g2, "E_delta2": E_d2}


@elementwise
def ref_adam(
    theta, grads, lr, beta1, beta2, eps, weight_decay, eps_in_sqrt, amsgrad, efficient=False,
    decoupled=False, correct_m=True, correct_v=True,
):
    """Adam/AdamW; ``correct_m``/``correct_v`` switch the bias corrections off for the invariants."""
    out, m, v, v_max = [], 0.0, 0.0, 0.0
    for t, g in enumerate(grads, 1):
        lr_t = eta(lr, t)
        if decoupled:
            theta = theta * (1.0 - lr_t * weight_decay)  # θ ← θ(1 − ηλ)
        else:
            g = g + weight_decay * theta  # g ← g + λθ  (L2)
        m = beta1 * m + (1.0 - beta1) * g  # m ← β1 m + (1−β1) g
        v = beta2 * v + (1.0 - beta2) * g * g  # v ← β2 v + (1−β2) g²
        v_max = max(v_max, v)
        m_hat = m / (1.0 - beta1**t) if correct_m else m  # m̂ = m/(1−β1ᵗ)
        second = v_max if amsgrad else v
        v_hat = second / (1.0 - beta2**t) if correct_v else second  # v̂ = v/(1−β2ᵗ)
        denom = math.sqrt(v_hat + eps) if eps_in_sqrt else math.sqrt(v_hat) + eps
        if efficient:  # α_t = η √(1−β2ᵗ)/(1−β1ᵗ), θ ← θ − α_t m/(√v + ε)
            theta = theta - lr_t * math.sqrt(1.0 - beta2**t) / (1.0 - beta1**t) * m / (math.sqrt(second) + eps)
        else:
            theta = theta - lr_t * m_hat / denom  # θ ← θ − η m̂/(√v̂ + ε)
        out.append(theta)
    return out, ({"m": m, "v": v, "v_max": v_max} if amsgrad else {"m": m, "v": v})


@elementwise
def ref_nadam(theta, grads, lr, beta1, beta2, eps, dozat, eps_in_sqrt):
    out, m, v = [], 0.0, 0.0
    for t, g in enumerate(grads, 1):
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        v_hat = v / (1.0 - beta2**t)
        # momentum term: doc 003 corrects m with 1−β1ᵗ, Dozat with 1−β1ᵗ⁺¹
        momentum = beta1 * m / (1.0 - beta1 ** (t + 1)) if dozat else beta1 * (m / (1.0 - beta1**t))
        m_bar = momentum + (1.0 - beta1) * g / (1.0 - beta1**t)
        denom = math.sqrt(v_hat + eps) if eps_in_sqrt else math.sqrt(v_hat) + eps
        theta = theta - eta(lr, t) * m_bar / denom
        out.append(theta)
    return out, {"m": m, "v": v}


def growth_minus_one(beta2: float, t: int) -> float:
    """(1 + β2)ᵗ − 1 by the binomial theorem, Σ_{k=1..t} C(t, k) β2ᵏ: no cancellation."""
    return math.fsum(math.comb(t, k) * beta2**k for k in range(1, t + 1))


@elementwise
def ref_adax(theta, grads, lr, beta1, beta2, eps, weight_decay, decoupled=False):
    out, m, v = [], 0.0, 0.0
    for t, g in enumerate(grads, 1):
        lr_t = eta(lr, t)
        if decoupled:
            theta = theta * (1.0 - lr_t * weight_decay)  # AdaXW: θ ← θ(1 − ηλ)
        else:
            g = g + weight_decay * theta  # AdaX: L2
        m = beta1 * m + (1.0 - beta1) * g  # no bias correction on m
        v = (1.0 + beta2) * v + beta2 * g * g  # v ← (1+β2)v + β2 g²
        v_hat = v / growth_minus_one(beta2, t)  # v̂ = v/((1+β2)ᵗ − 1)
        theta = theta - lr_t * m / (math.sqrt(v_hat) + eps)
        out.append(theta)
    return out, {"m": m, "v_hat": v_hat}  # numopt stores v̂, which stays bounded (v grows like (1+β2)ᵗ)


@elementwise
def ref_egu(theta, grads, lr):
    out = []
    for t, g in enumerate(grads, 1):
        theta = theta * math.exp(-eta(lr, t) * g)  # θ ← θ ⊙ exp(−η g)
        out.append(theta)
    return out, {}


@elementwise
def ref_egsgd(theta, grads, lr, gamma):
    out, nu, g_prev = [], 1.0, 0.0  # ν starts at 1, g_0 = 0
    for t, g in enumerate(grads, 1):
        nu = nu * math.exp(gamma * g_prev * g)  # ν ← ν ⊙ exp(γ g_{t−1} g_t)
        theta = theta - eta(lr, t) * nu * g  # θ ← θ − η ν ⊙ g
        g_prev = g
        out.append(theta)
    return out, {"nu": nu, "g_prev": g_prev}


def ref_funnel(theta, grads, lr, mu, beta, gamma_p, gamma_s, use_signs, use_directions, p_bounds, s_bounds):
    """The Funnel in the order of ``numopt/funnel.py``'s algorithm box, on the coordinates of one array."""
    n = len(theta)
    theta, nu, m, p, s = list(theta), [0.0] * n, [0.0] * n, [1.0] * n, 1.0
    out = []
    for t, g in enumerate(grads, 1):
        # 1. scale, from g and the ν of before this step
        if use_directions:
            norm_g = math.sqrt(math.fsum(x * x for x in g))
            norm_nu = math.sqrt(math.fsum(x * x for x in nu))
            c = math.fsum((g[i] / (norm_g + 1e-10)) * (nu[i] / (norm_nu + 1e-10)) for i in range(n))
        else:
            c = math.fsum(g[i] * nu[i] for i in range(n))
        s = clip(s * math.exp(gamma_s * c), s_bounds)
        # 2. gain, from g and the m of before this step
        for i in range(n):
            m_hat = m[i] / (1.0 - beta ** max(t - 1, 1))
            u = sign(g[i]) * sign(m[i]) if use_signs else g[i] * m_hat
            p[i] = clip(p[i] * math.exp(gamma_p * u), p_bounds)
        # 3. step
        for i in range(n):
            nu[i] = mu * nu[i] + eta(lr, t) * p[i] * g[i]
            m[i] = beta * m[i] + (1.0 - beta) * g[i]
            theta[i] = theta[i] - s * nu[i]
        out.append(list(theta))
    return out, {"nu": nu, "m": m, "p": p, "s": s}


# ---------------------------------------------------------------------------- first steps by hand
# θ₁ for one coordinate from θ₀ and g₁, with η = lr(1); the state before the step is its initial value.


def first_sgd(th, g, hp):
    return th - eta(hp["lr"], 1) * g


def first_momentum(th, g, hp):  # b₁ = g, or m₁ = (1−β) g
    return th - eta(hp["lr"], 1) * ((1 - hp["beta"]) * g if hp["ewma"] else g)


def first_nag(th, g, hp):  # b₁ = g, so θ₁ = θ₀ − η (1 + β) g
    return th - eta(hp["lr"], 1) * (1 + hp["beta"]) * g


def first_adagrad(th, g, hp):  # v₁ = v₀ + g²
    v = hp["initial_accumulator_value"] + g * g
    denom = math.sqrt(v + hp["eps"]) if hp["eps_in_sqrt"] else math.sqrt(v) + hp["eps"]
    return th - eta(hp["lr"], 1) * g / denom


def first_rmsprop(th, g, hp):  # v₁ = (1−β) g²; centered: v₁ − ḡ₁² = β(1−β) g²
    beta = hp["beta"]
    second = (beta * (1 - beta) if hp["centered"] else (1 - beta)) * g * g
    denom = math.sqrt(second + hp["eps"]) if hp["eps_in_sqrt"] else math.sqrt(second) + hp["eps"]
    return th - eta(hp["lr"], 1) * g / denom


def first_adadelta(th, g, hp):  # E[g²]₁ = (1−ρ) g², E[Δ²]₀ = 0
    return th - eta(hp["lr"], 1) * math.sqrt(hp["eps"]) / math.sqrt((1 - hp["rho"]) * g * g + hp["eps"]) * g


def first_adam(th, g, hp, decoupled=False):  # m̂₁ = g, v̂₁ = g² (amsgrad: the same)
    lr = eta(hp["lr"], 1)
    if decoupled:
        th = th * (1 - lr * hp["weight_decay"])
    else:
        g = g + hp["weight_decay"] * th
    denom = math.sqrt(g * g + hp["eps"]) if hp["eps_in_sqrt"] else abs(g) + hp["eps"]
    if hp["efficient"]:  # η √(1−β2)/(1−β1) · (1−β1) g / (√(1−β2) |g| + ε) = η g / (|g| + ε/√(1−β2))
        denom = abs(g) + hp["eps"] / math.sqrt(1 - hp["beta2"])
    return th - lr * g / denom


def first_nadam(th, g, hp):
    # doc 003: m̄₁ = β1 g + (1−β1) g/(1−β1) = (1+β1) g;  Dozat: β1(1−β1)g/(1−β1²) + g = (1 + β1/(1+β1)) g
    b1 = hp["beta1"]
    factor = 1 + b1 / (1 + b1) if hp["dozat"] else 1 + b1
    denom = math.sqrt(g * g + hp["eps"]) if hp["eps_in_sqrt"] else abs(g) + hp["eps"]
    return th - eta(hp["lr"], 1) * factor * g / denom


def first_adax(th, g, hp, decoupled=False):  # m₁ = (1−β1) g, v̂₁ = β2 g²/((1+β2) − 1) = g²
    lr = eta(hp["lr"], 1)
    if decoupled:
        th = th * (1 - lr * hp["weight_decay"])
    else:
        g = g + hp["weight_decay"] * th
    return th - lr * (1 - hp["beta1"]) * g / (abs(g) + hp["eps"])


def first_egu(th, g, hp):
    return th * math.exp(-eta(hp["lr"], 1) * g)


def first_egsgd(th, g, hp):  # ν₂ = exp(γ · 0 · g) = 1
    return th - eta(hp["lr"], 1) * g


def first_funnel(th, g, hp):  # ν₀ = 0 gives c = 0, s = 1; m₀ = 0 gives u = 0, p = 1; so ν₁ = η g
    return th - eta(hp["lr"], 1) * g


# ---------------------------------------------------------------------------- beyond the source documents
# The algorithms of issue 24 (torch.optim's others), each from the box in its module's docstring.


@elementwise
def ref_adamax(theta, grads, lr, beta1, beta2, eps, weight_decay):
    out, m, u = [], 0.0, 0.0
    for t, g in enumerate(grads, 1):
        g = g + weight_decay * theta  # L2
        m = beta1 * m + (1.0 - beta1) * g
        u = max(beta2 * u, abs(g) + eps)  # u ← max(β2 u, |g| + ε)
        theta = theta - eta(lr, t) / (1.0 - beta1**t) * m / u
        out.append(theta)
    return out, {"m": m, "u": u}


@elementwise
def ref_radam(theta, grads, lr, beta1, beta2, eps, weight_decay, decoupled):
    out, m, v = [], 0.0, 0.0
    rho_inf = 2.0 / (1.0 - beta2) - 1.0
    for t, g in enumerate(grads, 1):
        lr_t = eta(lr, t)
        if decoupled:
            theta = theta * (1.0 - lr_t * weight_decay)
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1**t)
        rho_t = rho_inf - 2.0 * t * beta2**t / (1.0 - beta2**t)  # the SMA length
        if rho_t > 5.0:
            r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            v_hat = v / (1.0 - beta2**t)
            theta = theta - lr_t * r * m_hat / (math.sqrt(v_hat) + eps / math.sqrt(1.0 - beta2**t))
        else:
            theta = theta - lr_t * m_hat  # SGD with bias-corrected momentum
        out.append(theta)
    return out, {"m": m, "v": v}


@elementwise
def ref_rprop(theta, grads, lr, eta_minus, eta_plus, step_sizes):
    out, g_prev, delta = [], 0.0, eta(lr, 1)
    for g in grads:
        agree = g * g_prev
        factor = eta_plus if agree > 0 else eta_minus if agree < 0 else 1.0
        delta = clip(delta * factor, step_sizes)
        if agree < 0:
            g = 0.0  # no move after a sign change, and no change of Δ at the next step
        theta = theta - sign(g) * delta
        g_prev = g
        out.append(theta)
    return out, {"step_size": delta, "g_prev": g_prev}


@elementwise
def ref_asgd(theta, grads, lr, lambd, alpha, t0, weight_decay):
    out, average = [], 0.0
    for t, g in enumerate(grads, 1):
        eta_t = eta(lr, t) / (1.0 + lambd * eta(lr, t) * (t - 1)) ** alpha
        mu_t = 1.0 / max(1.0, t - 1 - t0)
        theta = theta * (1.0 - lambd * eta_t) - eta_t * (g + weight_decay * theta)
        average = average + mu_t * (theta - average)  # θ̄ ← θ̄ + μ(θ − θ̄); μ = 1 copies θ
        out.append(theta)
    return out, {"theta_bar": average}


@elementwise
def ref_sparse_adam(theta, grads, lr, beta1, beta2, eps):
    out, m, v = [], 0.0, 0.0
    for t, g in enumerate(grads, 1):
        if g != 0.0:  # a zero gradient leaves m, v and θ as they are
            m = beta1 * m + (1.0 - beta1) * g
            v = beta2 * v + (1.0 - beta2) * g * g
            theta = theta - eta(lr, t) * math.sqrt(1.0 - beta2**t) / (1.0 - beta1**t) * m / (math.sqrt(v) + eps)
        out.append(theta)
    return out, {"m": m, "v": v}


def _rms(x: list[float]) -> float:
    return math.sqrt(math.fsum(a * a for a in x) / len(x))


def ref_adafactor(theta, grads, lr, beta2_decay, eps1, eps2, d, weight_decay):
    """Adafactor on a vector (not factored): v is an EWMA of g² with weight t^c on the new value."""
    theta, v, out = list(theta), [0.0] * len(theta), []
    for t, g in enumerate(grads, 1):
        lr_t, w = eta(lr, t), t**beta2_decay
        alpha = max(eps2, _rms(theta)) * min(lr_t, 1.0 / math.sqrt(t))
        theta = [x * (1.0 - lr_t * weight_decay) for x in theta]
        v = [(1.0 - w) * vi + w * gi * gi for vi, gi in zip(v, g, strict=True)]
        u = [gi / math.sqrt(max(vi, eps1 * eps1)) for vi, gi in zip(v, g, strict=True)]
        scale = alpha / max(1.0, _rms(u) / d)
        theta = [x - scale * ui for x, ui in zip(theta, u, strict=True)]
        out.append(theta)
    return out, {"r": [], "c": [], "v": v}


def _quintic_power(sigma: float, steps: int = 5) -> float:
    """Five Newton–Schulz steps on one singular value: σ ← aσ + bσ³ + cσ⁵."""
    for _ in range(steps):
        sigma = 3.4445 * sigma - 4.7750 * sigma**3 + 2.0315 * sigma**5
    return sigma


def ref_muon(theta, grads, lr, beta, weight_decay, eps, nesterov):
    """Muon on a vector, a 1 × n matrix: its one singular value ‖M‖ is normalised to ‖M‖/max(‖M‖, ε)
    and mapped by the quintic five times; the direction M/‖M‖ is kept; the scale √max(1, 1/n) is 1."""
    theta, b, out = list(theta), [0.0] * len(theta), []
    for t, g in enumerate(grads, 1):
        lr_t = eta(lr, t)
        b = [beta * bi + (1.0 - beta) * gi for bi, gi in zip(b, g, strict=True)]
        m = [(1.0 - beta) * gi + beta * bi for bi, gi in zip(b, g, strict=True)] if nesterov else b
        norm = math.sqrt(math.fsum(x * x for x in m))
        o = [_quintic_power(norm / max(norm, eps)) * x / norm for x in m]
        theta = [x * (1.0 - lr_t * weight_decay) - lr_t * oi for x, oi in zip(theta, o, strict=True)]
        out.append(theta)
    return out, {"b": b}


def ref_lbfgs(theta, grads, lr, history_size, tolerance_grad, tolerance_change):
    """torch's LBFGS(max_iter=1) on one vector, written with Python lists of pairs."""
    def dot(a, b):
        return math.fsum(x * y for x, y in zip(a, b, strict=True))

    theta, out = list(theta), []
    pairs, h, k, g_prev, s = [], 1.0, 0, [0.0] * len(theta), [0.0] * len(theta)
    for t, g in enumerate(grads, 1):
        if max(abs(x) for x in g) <= tolerance_grad:
            out.append(list(theta))
            continue
        k += 1
        if k == 1:
            d = [-x for x in g]
            gamma = min(1.0, 1.0 / math.fsum(abs(x) for x in g)) * eta(lr, t)
        else:
            y = [a - b for a, b in zip(g, g_prev, strict=True)]
            if dot(y, s) > 1e-10:
                pairs = ([*pairs, (list(s), y, 1.0 / dot(y, s))])[-int(history_size):]
                h = dot(y, s) / dot(y, y)
            q, alphas = [-x for x in g], []
            for s_i, y_i, rho_i in reversed(pairs):
                alphas.insert(0, rho_i * dot(s_i, q))
                q = [a - alphas[0] * b for a, b in zip(q, y_i, strict=True)]
            d = [h * x for x in q]
            for (s_i, y_i, rho_i), a_i in zip(pairs, alphas, strict=True):
                beta_i = rho_i * dot(y_i, d)
                d = [x + (a_i - beta_i) * si for x, si in zip(d, s_i, strict=True)]
            gamma = eta(lr, t)
        g_prev, s = list(g), [gamma * x for x in d]
        if dot(g, d) < -tolerance_change:
            theta = [a + b for a, b in zip(theta, s, strict=True)]
        out.append(list(theta))
    m = int(history_size)
    rows = [[0.0] * len(theta)] * (m - len(pairs))  # the history is m rows, the valid pairs last
    return out, {
        "S": rows + [p[0] for p in pairs], "Y": rows + [p[1] for p in pairs],
        "rho": [0.0] * (m - len(pairs)) + [p[2] for p in pairs], "n": len(pairs), "h": h, "k": k,
        "g_prev": g_prev, "s": s,
    }


def first_adamax(th, g, hp):  # m₁ = (1−β1) g, u₁ = |g| + ε, corrected by 1 − β1
    g = g + hp["weight_decay"] * th
    return th - eta(hp["lr"], 1) * g / (abs(g) + hp["eps"])


def first_radam(th, g, hp):  # ρ₁ = 2/(1−β2) − 1 − 2β2/(1−β2) = 1 ≤ 5: θ − η m̂₁ with m̂₁ = g
    lr = eta(hp["lr"], 1)
    if hp["decoupled"]:
        return th * (1 - lr * hp["weight_decay"]) - lr * g
    return th - lr * (g + hp["weight_decay"] * th)


def first_rprop(th, g, hp):  # g₀ = 0: no sign, Δ₁ = clip(η)
    return th - sign(g) * clip(eta(hp["lr"], 1), hp["step_sizes"])


def first_asgd(th, g, hp):  # η₁ = η
    lr = eta(hp["lr"], 1)
    return th * (1 - hp["lambd"] * lr) - lr * (g + hp["weight_decay"] * th)


def first_sparse_adam(th, g, hp):  # η √(1−β2)/(1−β1) · (1−β1) g / (√(1−β2) |g| + ε)
    if g == 0:
        return th
    return th - eta(hp["lr"], 1) * g / (abs(g) + hp["eps"] / math.sqrt(1 - hp["beta2"]))


def first_adafactor(th, g, hp):
    """w₁ = 1: v₁ = g², U₁ = sign(g), RMS(U₁) = 1 (no zero in GRADS[0]); α₁ = max(ε2, RMS(θ₀)) min(η, 1)."""
    lr = eta(hp["lr"], 1)
    alpha = max(hp["eps2"], _rms(THETA0)) * min(lr, 1.0)
    return th * (1 - lr * hp["weight_decay"]) - alpha / max(1.0, 1.0 / hp["d"]) * sign(g)


def first_muon(th, g, hp):
    """M₁ = (1 − β)(1 + β) g (Nesterov) or (1 − β) g: its direction is g/‖g‖, its singular value 1 after scaling."""
    lr, norm = eta(hp["lr"], 1), math.sqrt(math.fsum(x * x for x in GRADS[0]))
    return th * (1 - lr * hp["weight_decay"]) - lr * _quintic_power(1.0) * g / norm


def first_lbfgs(th, g, hp):  # d₁ = −g, γ₁ = min(1, 1/‖g‖₁) η
    return th - min(1.0, 1.0 / math.fsum(abs(x) for x in GRADS[0])) * eta(hp["lr"], 1) * g


BEYOND_DEFAULTS = {
    "adamax": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "radam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0, "decoupled": False},
    "rprop": {"lr": 1e-2, "eta_minus": 0.5, "eta_plus": 1.2, "step_sizes": (1e-6, 50.0)},
    "asgd": {"lr": 1e-2, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0.0},
    "adafactor": {"lr": 1e-2, "beta2_decay": -0.8, "eps1": 2.220446049250313e-16, "eps2": 1e-3, "d": 1.0,
                  "weight_decay": 0.0},
    "lbfgs": {"lr": 1.0, "history_size": 100, "tolerance_grad": 1e-7, "tolerance_change": 1e-9},
    "muon": {"lr": 1e-3, "beta": 0.95, "weight_decay": 0.1, "eps": 1e-7, "nesterov": True},
    "sparse_adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}
"""torch.optim 2.13's defaults, read from its source, and the papers' for the optax keys (each module's
docstring says which)."""

BEYOND_REFERENCES = {
    "adamax": (ref_adamax, first_adamax), "radam": (ref_radam, first_radam), "rprop": (ref_rprop, first_rprop),
    "asgd": (ref_asgd, first_asgd), "adafactor": (ref_adafactor, first_adafactor),
    "lbfgs": (ref_lbfgs, first_lbfgs), "muon": (ref_muon, first_muon),
    "sparse_adam": (ref_sparse_adam, first_sparse_adam),
}


# the optax keys of issue 24


@elementwise
def ref_lion(theta, grads, lr, beta1, beta2, weight_decay):
    out, m = [], 0.0
    for t, g in enumerate(grads, 1):
        c = beta1 * m + (1.0 - beta1) * g  # the step's interpolation uses β1 ...
        theta = theta - eta(lr, t) * (sign(c) + weight_decay * theta)
        m = beta2 * m + (1.0 - beta2) * g  # ... the stored momentum β2
        out.append(theta)
    return out, {"m": m}


@elementwise
def ref_signum(theta, grads, lr, beta):
    out, m = [], 0.0
    for t, g in enumerate(grads, 1):
        m = beta * m + (1.0 - beta) * g
        theta = theta - eta(lr, t) * sign(m)
        out.append(theta)
    return out, {"m": m}


@elementwise
def ref_adabelief(theta, grads, lr, beta1, beta2, eps):
    out, m, s = [], 0.0, 0.0
    for t, g in enumerate(grads, 1):
        m = beta1 * m + (1.0 - beta1) * g
        s = beta2 * s + (1.0 - beta2) * (g - m) ** 2 + eps  # the belief: spread of g around the new m
        theta = theta - eta(lr, t) * (m / (1.0 - beta1**t)) / (math.sqrt(s / (1.0 - beta2**t)) + eps)
        out.append(theta)
    return out, {"m": m, "s": s}


@elementwise
def ref_yogi(theta, grads, lr, beta1, beta2, eps, initial_accumulator_value):
    out, m, v = [], initial_accumulator_value, initial_accumulator_value
    for t, g in enumerate(grads, 1):
        m = beta1 * m + (1.0 - beta1) * g
        v = v - (1.0 - beta2) * sign(v - g * g) * g * g  # additive, towards g²
        theta = theta - eta(lr, t) * (m / (1.0 - beta1**t)) / (math.sqrt(v / (1.0 - beta2**t)) + eps)
        out.append(theta)
    return out, {"m": m, "v": v}


def _norm(x: list[float]) -> float:
    return math.sqrt(math.fsum(a * a for a in x))


def ref_lamb(theta, grads, lr, beta1, beta2, eps, weight_decay):
    """LAMB on one array: the AdamW direction r, scaled by ‖θ‖/‖r‖ (1 if either is 0)."""
    theta, n, out = list(theta), len(theta), []
    m, v = [0.0] * n, [0.0] * n
    for t, g in enumerate(grads, 1):
        m = [beta1 * a + (1.0 - beta1) * b for a, b in zip(m, g, strict=True)]
        v = [beta2 * a + (1.0 - beta2) * b * b for a, b in zip(v, g, strict=True)]
        r = [(m[i] / (1.0 - beta1**t)) / (math.sqrt(v[i] / (1.0 - beta2**t)) + eps) + weight_decay * theta[i]
             for i in range(n)]
        q = 1.0 if _norm(theta) * _norm(r) == 0 else _norm(theta) / _norm(r)
        theta = [theta[i] - eta(lr, t) * q * r[i] for i in range(n)]
        out.append(theta)
    return out, {"m": m, "v": v}


def ref_lars(theta, grads, lr, trust_coefficient, momentum, weight_decay):
    """LARS on one array: g + λθ scaled by κ‖θ‖/‖g + λθ‖ (1 if either is 0), torch-form momentum."""
    theta, n, out = list(theta), len(theta), []
    b = [0.0] * n
    for t, g in enumerate(grads, 1):
        d = [g[i] + weight_decay * theta[i] for i in range(n)]
        q = 1.0 if _norm(theta) * _norm(d) == 0 else trust_coefficient * _norm(theta) / _norm(d)
        b = [momentum * b[i] + eta(lr, t) * q * d[i] for i in range(n)]
        theta = [theta[i] - b[i] for i in range(n)]
        out.append(theta)
    return out, {"b": b}


def first_lion(th, g, hp):  # c₁ = (1 − β1) g: sign(g)
    return th - eta(hp["lr"], 1) * (sign(g) + hp["weight_decay"] * th)


def first_signum(th, g, hp):  # m₁ = (1 − β) g: sign(g) (β < 1)
    return th - eta(hp["lr"], 1) * sign(g)


def first_adabelief(th, g, hp):
    """m₁ = (1−β1)g, m̂₁ = g; s₁ = (1−β2)(β1 g)² + ε, ŝ₁ = β1² g² + ε/(1−β2)."""
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    return th - eta(hp["lr"], 1) * g / (math.sqrt(b1 * b1 * g * g + eps / (1 - b2)) + eps)


def first_yogi(th, g, hp):
    """m₁ = β1 v₀ + (1−β1) g; v₁ = v₀ + (1−β2) g² when v₀ < g² (v₀ − (1−β2) g² otherwise)."""
    b1, b2, v0 = hp["beta1"], hp["beta2"], hp["initial_accumulator_value"]
    m = b1 * v0 + (1 - b1) * g
    v = v0 + (1 - b2) * g * g if v0 < g * g else v0 - (1 - b2) * g * g
    return th - eta(hp["lr"], 1) * (m / (1 - b1)) / (math.sqrt(v / (1 - b2)) + hp["eps"])


def first_lamb(th, g, hp):
    """m̂₁ = g, v̂₁ = g²: r = g/(|g| + ε) + λθ, over the whole THETA0 and GRADS[0] for q."""
    r = [gi / (abs(gi) + hp["eps"]) + hp["weight_decay"] * ti for ti, gi in zip(THETA0, GRADS[0], strict=True)]
    q = _norm(THETA0) / _norm(r)
    return th - eta(hp["lr"], 1) * q * (g / (abs(g) + hp["eps"]) + hp["weight_decay"] * th)


def first_lars(th, g, hp):
    """b₁ = η q d with d = g + λθ, q = κ‖θ₀‖/‖d‖ over THETA0 and GRADS[0]."""
    d = [gi + hp["weight_decay"] * ti for ti, gi in zip(THETA0, GRADS[0], strict=True)]
    q = hp["trust_coefficient"] * _norm(THETA0) / _norm(d)
    return th - eta(hp["lr"], 1) * q * (g + hp["weight_decay"] * th)


BEYOND_DEFAULTS.update({
    "lion": {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0},
    "signum": {"lr": 1e-4, "beta": 0.9},
    "adabelief": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-16},
    "yogi": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-3, "initial_accumulator_value": 1e-6},
    "lamb": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-6, "weight_decay": 0.01},
    "lars": {"lr": 1.0, "trust_coefficient": 0.001, "momentum": 0.9, "weight_decay": 5e-4},
})
BEYOND_REFERENCES.update({
    "lion": (ref_lion, first_lion), "signum": (ref_signum, first_signum),
    "adabelief": (ref_adabelief, first_adabelief), "yogi": (ref_yogi, first_yogi),
    "lamb": (ref_lamb, first_lamb), "lars": (ref_lars, first_lars),
})


@elementwise
def ref_schedule_free(theta, grads, lr, beta, beta2, eps, weight_decay, adam):
    """Schedule-free: z takes the (RMS-normalized) step, x averages z with weights η_max², θ = y between them."""
    out, z, x, v, lr_max, weight_sum = [], theta, theta, 0.0, 0.0, 0.0
    for t, g in enumerate(grads, 1):
        if adam:
            v = beta2 * v + (1.0 - beta2) * g * g
            u = g / (math.sqrt(v / (1.0 - beta2**t)) + eps) + weight_decay * theta
        else:
            u = g + weight_decay * theta
        z = z - eta(lr, t) * u
        lr_max = max(lr_max, eta(lr, t))
        weight_sum = weight_sum + lr_max**2
        x = x + lr_max**2 / weight_sum * (z - x)  # x ← (1 − c) x + c z
        theta = beta * x + (1.0 - beta) * z
        out.append(theta)
    state = {"z": z, "x": x, "lr_max": lr_max, "weight_sum": weight_sum}
    return out, ({**state, "v": v} if adam else state)


def first_schedule_free(th, g, hp):
    """c₁ = 1: x₁ = z₁ = θ₀ − η u₁, so θ₁ = z₁; u₁ = g/(|g| + ε) + λθ (AdamW: v̂₁ = g²) or g + λθ."""
    u = g / (abs(g) + hp["eps"]) if hp["adam"] else g
    return th - eta(hp["lr"], 1) * (u + hp["weight_decay"] * th)


BEYOND_DEFAULTS["schedule_free"] = {
    "lr": 0.0025, "beta": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0, "adam": True,
}
BEYOND_REFERENCES["schedule_free"] = (ref_schedule_free, first_schedule_free)


class DefaultAdam:
    """Equal to an Adam with its defaults: Lookahead's default inner optimizer (an object, compared by value)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is numopt.Adam and other.hyperparameters == numopt.Adam().hyperparameters

    def __repr__(self) -> str:
        return "Adam()"


@elementwise
def ref_lookahead(theta, grads, inner, k, alpha, lr):
    """Lookahead over SGD or Adam (β1 0.9, β2 0.999, ε 1e-8): the inner step moves the fast θ; at t = k, 2k, ...
    φ ← φ + α (θ − φ) and θ ← φ. The inner Adam's m and v carry on across synchronisations."""
    out, phi, m, v = [], theta, 0.0, 0.0
    for t, g in enumerate(grads, 1):
        if isinstance(inner, numopt.SGD):
            theta = theta - eta(lr, t) * g
        else:
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            theta = theta - eta(lr, t) * (m / (1.0 - 0.9**t)) / (math.sqrt(v / (1.0 - 0.999**t)) + 1e-8)
        if t % k == 0:
            phi = phi + alpha * (theta - phi)
            theta = phi
        out.append(theta)
    return out, {"phi": phi}


def first_lookahead(th, g, hp):
    """The inner first step d (SGD: −η g; Adam: −η g/(|g| + ε)); with k = 1 it is synchronised: θ + α d."""
    d = -eta(hp["lr"], 1) * (g if isinstance(hp["inner"], numopt.SGD) else g / (abs(g) + 1e-8))
    return th + (hp["alpha"] if hp["k"] == 1 else 1.0) * d


BEYOND_DEFAULTS["lookahead"] = {"inner": DefaultAdam(), "k": 5, "alpha": 0.5, "lr": 1e-3}
BEYOND_REFERENCES["lookahead"] = (ref_lookahead, first_lookahead)


# ---------------------------------------------------------------------------- the cases

SHEET_DEFAULTS = {
    "sgd": {"lr": 0.01},
    "momentum": {"lr": 0.01, "beta": 0.9, "ewma": False},
    "nag": {"lr": 0.01, "beta": 0.9},
    "adagrad": {"lr": 0.01, "eps": 1e-10, "initial_accumulator_value": 0.0, "eps_in_sqrt": False},
    "rmsprop": {"lr": 0.01, "beta": 0.9, "eps": 1e-8, "eps_in_sqrt": False, "centered": False},
    "adadelta": {"lr": 1.0, "rho": 0.95, "eps": 1e-6},
    "adam": {
        "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0,
        "eps_in_sqrt": False, "amsgrad": False, "efficient": False,
    },
    "adamw": {
        "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2,
        "eps_in_sqrt": False, "amsgrad": False, "efficient": False,
    },
    "nadam": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "dozat": False, "eps_in_sqrt": False},
    "adax": {"lr": 1.5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12, "weight_decay": 0.0},
    "adaxw": {"lr": 5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12, "weight_decay": 5e-2},
    "egu": {"lr": 0.01},
    "egsgd": {"lr": 0.01, "gamma": 0.01},
    "funnel": {
        "lr": 0.01, "mu": 0.9, "beta": 0.9, "gamma_p": 0.01, "gamma_s": 0.001, "use_signs": True,
        "use_directions": True, "p_bounds": (0.01, 100.0), "s_bounds": (0.1, 10.0),
    },
}
"""numopt's documented defaults, copied from the module docstrings (the README's "Sources and errata" says
where they come from); written out here so that a change to a default in the code fails a test."""
SHEET_DEFAULTS.update(BEYOND_DEFAULTS)

REFERENCES = {
    "sgd": (ref_sgd, first_sgd),
    "momentum": (ref_momentum, first_momentum),
    "nag": (ref_nag, first_nag),
    "adagrad": (ref_adagrad, first_adagrad),
    "rmsprop": (ref_rmsprop, first_rmsprop),
    "adadelta": (ref_adadelta, first_adadelta),
    "adam": (ref_adam, first_adam),
    "adamw": (functools.partial(ref_adam, decoupled=True), functools.partial(first_adam, decoupled=True)),
    "nadam": (ref_nadam, first_nadam),
    "adax": (ref_adax, first_adax),
    "adaxw": (functools.partial(ref_adax, decoupled=True), functools.partial(first_adax, decoupled=True)),
    "egu": (ref_egu, first_egu),
    "egsgd": (ref_egsgd, first_egsgd),
    "funnel": (ref_funnel, first_funnel),
    **BEYOND_REFERENCES,
}


@dataclass(frozen=True)
class Case:
    """A constructor call and the complete hyperparameters the hand derivation uses."""

    name: str
    key: str
    kwargs: dict = field(default_factory=dict)

    @property
    def hp(self) -> dict:
        return {**SHEET_DEFAULTS[self.key], **self.kwargs}


CASES = [
    Case("sgd-defaults", "sgd"),
    Case("sgd", "sgd", {"lr": 0.3}),
    Case("sgd-schedule", "sgd", {"lr": decaying}),
    Case("momentum-defaults", "momentum"),
    Case("momentum", "momentum", {"lr": 0.05, "beta": 0.7}),
    Case("momentum-ewma", "momentum", {"lr": 0.05, "beta": 0.7, "ewma": True}),
    Case("momentum-schedule", "momentum", {"lr": decaying, "beta": 0.8}),
    Case("nag-defaults", "nag"),
    Case("nag", "nag", {"lr": 0.05, "beta": 0.6}),
    Case("adagrad-defaults", "adagrad"),
    Case("adagrad", "adagrad", {"lr": 0.1, "eps": 1e-7}),
    Case("adagrad-eps_in_sqrt", "adagrad", {"lr": 0.1, "eps": 1e-9, "eps_in_sqrt": True}),
    Case("adagrad-initial_accumulator", "adagrad", {"lr": 0.1, "eps": 1e-8, "initial_accumulator_value": 0.05}),
    Case("rmsprop-defaults", "rmsprop"),
    Case("rmsprop", "rmsprop", {"lr": 0.02, "beta": 0.8, "eps": 1e-6}),
    Case("rmsprop-eps_in_sqrt", "rmsprop", {"lr": 0.02, "beta": 0.8, "eps": 1e-9, "eps_in_sqrt": True}),
    Case("rmsprop-centered", "rmsprop", {"lr": 0.02, "beta": 0.85, "eps": 1e-7, "centered": True}),
    Case(
        "rmsprop-centered-eps_in_sqrt", "rmsprop",
        {"lr": 0.02, "beta": 0.85, "eps": 1e-10, "centered": True, "eps_in_sqrt": True},
    ),
    Case("adadelta-defaults", "adadelta"),
    Case("adadelta", "adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4}),
    Case("adam-defaults", "adam"),
    Case("adam", "adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6}),
    Case("adam-l2", "adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95, "weight_decay": 0.1}),
    Case("adam-eps_in_sqrt", "adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95, "eps": 1e-9, "eps_in_sqrt": True}),
    Case("adam-amsgrad", "adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.6, "amsgrad": True}),
    Case("adam-efficient", "adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95, "eps": 1e-3, "efficient": True}),
    Case("adam-schedule", "adam", {"lr": decaying}),
    Case("adamw-defaults", "adamw"),
    Case("adamw", "adamw", {"lr": 0.05, "beta1": 0.7, "beta2": 0.9, "eps": 1e-7, "weight_decay": 0.2}),
    Case(
        "adamw-amsgrad-eps_in_sqrt", "adamw",
        {"lr": 0.05, "beta2": 0.6, "weight_decay": 0.2, "eps_in_sqrt": True, "amsgrad": True},
    ),
    Case("adamw-efficient", "adamw", {"lr": 0.05, "beta2": 0.9, "eps": 1e-3, "weight_decay": 0.2, "efficient": True}),
    Case("nadam-defaults", "nadam"),
    Case("nadam", "nadam", {"lr": 0.01, "beta1": 0.85, "beta2": 0.97, "eps": 1e-6}),
    Case("nadam-dozat", "nadam", {"lr": 0.01, "beta1": 0.85, "beta2": 0.97, "dozat": True}),
    Case("nadam-eps_in_sqrt", "nadam", {"lr": 0.01, "beta1": 0.85, "eps": 1e-9, "eps_in_sqrt": True}),
    Case("adax-defaults", "adax"),
    Case("adax", "adax", {"lr": 0.01, "beta1": 0.8, "beta2": 0.01, "eps": 1e-9}),
    Case("adax-tiny_beta2", "adax", {"lr": 0.01, "beta2": 1e-9}),  # (1+β2)ᵗ − 1 must avoid cancellation
    Case("adax-l2", "adax", {"lr": 0.01, "beta2": 0.01, "weight_decay": 0.1}),
    Case("adaxw-defaults", "adaxw"),
    Case("adaxw", "adaxw", {"lr": 0.02, "beta1": 0.75, "beta2": 0.002, "eps": 1e-10, "weight_decay": 0.3}),
    Case("egu-defaults", "egu"),
    Case("egu", "egu", {"lr": 0.2}),
    Case("egu-schedule", "egu", {"lr": decaying}),
    Case("egsgd-defaults", "egsgd"),
    Case("egsgd", "egsgd", {"lr": 0.1, "gamma": 0.5}),
    Case("funnel-defaults", "funnel"),
    Case(
        "funnel", "funnel",
        {"lr": 0.05, "mu": 0.5, "beta": 0.6, "gamma_p": 0.3, "gamma_s": 0.2,
         "p_bounds": (0.8, 1.2), "s_bounds": (0.9, 1.01)},
    ),
    Case("funnel-no_signs", "funnel", {"lr": 0.05, "beta": 0.6, "gamma_p": 0.3, "use_signs": False}),
    Case("funnel-no_directions", "funnel", {"lr": 0.05, "gamma_s": 0.2, "use_directions": False}),
    Case(
        "funnel-plain", "funnel",
        {"lr": 0.05, "gamma_p": 0.5, "gamma_s": 0.3, "use_signs": False, "use_directions": False,
         "p_bounds": None, "s_bounds": None},
    ),
    Case("funnel-schedule", "funnel", {"lr": decaying, "gamma_p": 0.3, "gamma_s": 0.2}),
]

BEYOND_CASES = [
    Case("adamax-defaults", "adamax"),
    Case("adamax", "adamax", {"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 1e-5, "weight_decay": 0.1}),
    Case("radam-defaults", "radam"),
    Case("radam", "radam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1}),
    Case("radam-decoupled", "radam", {"lr": 0.05, "weight_decay": 0.1, "decoupled": True}),
    Case("rprop-defaults", "rprop"),
    Case("rprop", "rprop", {"lr": 0.1, "eta_minus": 0.3, "eta_plus": 1.5, "step_sizes": (1e-3, 0.12)}),
    Case("rprop-unbounded", "rprop", {"lr": 0.1, "step_sizes": None}),
    Case("asgd-defaults", "asgd"),
    Case("asgd", "asgd", {"lr": 0.05, "lambd": 0.1, "alpha": 0.5, "t0": 2.0, "weight_decay": 0.1}),
    Case("asgd-schedule", "asgd", {"lr": decaying, "lambd": 0.1, "t0": 1.0}),
    Case("adafactor-defaults", "adafactor"),
    Case("adafactor", "adafactor", {"lr": 0.2, "beta2_decay": -0.5, "eps1": 1e-20, "eps2": 1e-2, "d": 1.2,
                                    "weight_decay": 0.1}),
    Case("lbfgs-defaults", "lbfgs"),
    Case("lbfgs", "lbfgs", {"lr": 0.5, "history_size": 2, "tolerance_grad": 1e-5, "tolerance_change": 1e-3}),
    Case("lbfgs-stops", "lbfgs", {"lr": 0.5, "tolerance_grad": 0.9}),  # max|g| ≤ 0.9 at steps 3 and 5
    Case("muon-defaults", "muon"),
    Case("muon", "muon", {"lr": 0.05, "beta": 0.8, "weight_decay": 0.0, "eps": 1e-3, "nesterov": False}),
    Case("sparse_adam-defaults", "sparse_adam"),
    Case("sparse_adam", "sparse_adam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6}),
    Case("sparse_adam-schedule", "sparse_adam", {"lr": decaying}),
]
"""Every hyperparameter of the issue-24 algorithms at a non-default value somewhere."""
BEYOND_CASES += [
    Case("lion-defaults", "lion"),
    Case("lion", "lion", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95, "weight_decay": 0.1}),
    Case("signum-defaults", "signum"),
    Case("signum", "signum", {"lr": 0.01, "beta": 0.5}),
    Case("adabelief-defaults", "adabelief"),
    Case("adabelief", "adabelief", {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8}),
    Case("yogi-defaults", "yogi"),
    Case("yogi", "yogi", {"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 1e-4, "initial_accumulator_value": 0.5}),
    Case("lamb-defaults", "lamb"),
    Case("lamb", "lamb", {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.1}),
    Case("lars-defaults", "lars"),
    Case("lars", "lars", {"lr": 0.5, "trust_coefficient": 0.01, "momentum": 0.5, "weight_decay": 0.01}),
    Case("lars-schedule", "lars", {"lr": decaying}),
    Case("schedule_free-defaults", "schedule_free"),
    Case("schedule_free", "schedule_free", {"lr": 0.05, "beta": 0.8, "beta2": 0.95, "eps": 1e-6, "weight_decay": 0.1}),
    Case("schedule_free-sgd", "schedule_free", {"lr": 0.05, "beta": 0.7, "adam": False}),
    Case("schedule_free-warmup", "schedule_free", {"lr": lambda t: 0.05 * min(1.0, t / 3)}),  # η_max follows it
]
BEYOND_CASES += [
    Case("lookahead-defaults", "lookahead"),
    Case("lookahead", "lookahead", {"k": 2, "alpha": 0.8, "lr": 0.05}),
    Case("lookahead-sgd", "lookahead", {"inner": numopt.SGD(), "k": 3, "alpha": 0.3, "lr": 0.2}),
    Case("lookahead-every-step", "lookahead", {"k": 1, "alpha": 0.3, "lr": decaying}),
]
CASES += BEYOND_CASES


def run_numopt(case: Case, steps: int) -> tuple[list[np.ndarray], numopt.Optimizer, list[int]]:
    """Run numopt on THETA0/GRADS; return θ after each step, the optimizer, the lr(t) calls."""
    calls: list[int] = []
    kwargs = copy.deepcopy(case.kwargs)  # a fresh inner optimizer for every run of a Lookahead case
    if callable(kwargs.get("lr")):
        schedule = kwargs["lr"]

        def recorded(t: int) -> float:
            calls.append(t)
            return schedule(t)

        kwargs["lr"] = recorded
    opt = numopt.OPTIMIZERS[case.key](**kwargs)
    theta = np.array(THETA0)
    trajectory = []
    for g in GRADS[:steps]:
        opt.step(theta, np.array(g))
        trajectory.append(theta.copy())
    return trajectory, opt, calls


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_step_matches_the_closed_form(case: Case) -> None:
    _, first = REFERENCES[case.key]
    expected = [first(th, g, case.hp) for th, g in zip(THETA0, GRADS[0], strict=True)]
    trajectory, opt, _ = run_numopt(case, steps=1)
    assert opt.t == 1
    np.testing.assert_allclose(trajectory[0], expected, rtol=RTOL, atol=0)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_five_steps_match_the_scalar_derivation(case: Case) -> None:
    reference, _ = REFERENCES[case.key]
    expected_thetas, expected_state = reference(THETA0, GRADS, **case.hp)
    trajectory, opt, calls = run_numopt(case, steps=5)
    assert opt.t == 5
    np.testing.assert_allclose(np.array(trajectory), np.array(expected_thetas), rtol=RTOL, atol=0)
    assert set(opt.state) == set(expected_state)
    for name, value in expected_state.items():
        np.testing.assert_allclose(opt.state[name], value, rtol=RTOL, atol=0, err_msg=f"state {name!r}")
    if callable(case.kwargs.get("lr")):
        assert calls == [1, 2, 3, 4, 5]


def test_every_variant_and_hyperparameter_is_exercised() -> None:
    """The cases cover every registered algorithm and a non-default value of every hyperparameter."""
    assert {c.key for c in CASES} == set(numopt.OPTIMIZERS) == set(SHEET_DEFAULTS)
    for key, defaults in SHEET_DEFAULTS.items():
        changed = {name for c in CASES if c.key == key for name in c.kwargs if c.kwargs[name] != defaults[name]}
        assert changed == set(defaults), f"{key}: no case changes {sorted(set(defaults) - changed)}"
    assert any(callable(c.kwargs.get("lr")) for c in CASES)


@pytest.mark.parametrize(
    ("name", "sibling", "coordinate"),
    [
        ("adagrad", "adagrad-eps_in_sqrt", 1),
        ("rmsprop", "rmsprop-eps_in_sqrt", 1),
        ("adam", "adam-eps_in_sqrt", 1),
        ("nadam", "nadam-dozat", 0),
        ("nadam", "nadam-eps_in_sqrt", 1),
    ],
)
def test_the_data_tells_the_conventions_apart(name: str, sibling: str, coordinate: int) -> None:
    """A wrong ε placement or bias correction would fail: sibling conventions differ by ≫ RTOL.

    Each pair is run through the same reference with only the switch flipped, so the
    difference comes from the convention alone (on the tiny coordinate for ε).
    """
    by_name = {c.name: c for c in CASES}
    case = by_name[name]
    reference, _ = REFERENCES[case.key]
    flipped = {**case.hp, **{k: v for k, v in by_name[sibling].kwargs.items() if isinstance(v, bool)}}
    a, _ = reference(THETA0, GRADS, **case.hp)
    b, _ = reference(THETA0, GRADS, **flipped)
    assert abs(a[-1][coordinate] - b[-1][coordinate]) > 1e-6 * abs(a[-1][coordinate])


def test_adam_without_bias_correction_would_be_told_apart() -> None:
    """Dropping either bias correction changes the tiny coordinate of Adam by ≫ RTOL."""
    hp = {c.name: c for c in CASES}["adam"].hp
    exact, _ = ref_adam(THETA0, GRADS, **hp)
    for flags in ({"correct_m": False}, {"correct_v": False}):
        wrong, _ = ref_adam(THETA0, GRADS, **hp, **flags)
        assert abs(exact[-1][1] - wrong[-1][1]) > 1e-6 * abs(exact[-1][1]), flags


def test_radam_rectified_steps_match_the_scalar_derivation() -> None:
    """RAdam's rectified branch needs ρ_t > 5, which five steps never reach: 15 steps with β2 = 0.9 do (t ≥ 7)."""
    grads = GRADS * 3
    hp = {**SHEET_DEFAULTS["radam"], "lr": 0.05, "beta2": 0.9}
    expected, _ = ref_radam(THETA0, grads, **hp)
    opt, theta, trajectory = numopt.RAdam(**hp), np.array(THETA0), []
    for g in grads:
        opt.step(theta, np.array(g))
        trajectory.append(theta.copy())
    np.testing.assert_allclose(np.array(trajectory), np.array(expected), rtol=RTOL, atol=0)
    rho = [2 / 0.1 - 1 - 2 * t * 0.9**t / (1 - 0.9**t) for t in range(1, 16)]
    assert sum(r > 5 for r in rho) >= 8, "most steps must take the rectified branch"
