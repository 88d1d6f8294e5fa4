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


def run_numopt(case: Case, steps: int) -> tuple[list[np.ndarray], numopt.Optimizer, list[int]]:
    """Run numopt on THETA0/GRADS; return θ after each step, the optimizer, the lr(t) calls."""
    calls: list[int] = []
    kwargs = dict(case.kwargs)
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
