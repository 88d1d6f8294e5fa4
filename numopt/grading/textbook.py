r"""A second, deliberately independent copy of the textbook maths of the Adam family, with knobs.

**Not numopt's implementation.** numopt's algorithm modules are the reference;
this module writes the same updates (Adam, AdamW, Nadam, AdaX, RMSProp,
AdaGrad) once more, in one function, from the papers' equations, so that the
grader can turn *knobs*: each knob is one way a student's code departs from
the textbook (a bias correction missing or with the wrong exponent, ε inside
the root, g for g², the corrected moment stored as the state, a moment never
kept between steps, an average written as a sum, a hyperparameter acting with
another value or read where another belongs ...). With every knob at its
default it reproduces numopt (a test checks this on every algorithm of the
family); the catalogue of mistakes (:mod:`~numopt.grading.mutants`) and the
structural diagnosis (:mod:`~numopt.grading.diagnosis`) are built on it.

The update (one step, state arrays updated in place)::

    g ← g + λθ (L2)  or  θ ← θ(1 − ηλ) (decoupled)
    m ← β1 m + (1 − β1) g                       (Adam family; AdaGrad and RMSProp have no m)
    v ← β2 v + (1 − β2) g²                      (AdaGrad: v ← v + g²; AdaX: v ← (1 + β2) v + β2 g²)
    m̂ ← m / c1(t),  v̂ ← v / c2(t)               (c = 1 − βᵗ, (1 + β)ᵗ − 1, or 1)
    θ ← θ − η m̂ / (√v̂ + ε)                      (or √(v̂ + ε); Nadam: β1 m̂' + (1 − β1) g / c1(t))
    θ ← θ − η √c2(t)/c1(t) · m / (√v + ε)       (Kingma & Ba's efficient ordering)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import theory

__all__ = ["Knobs", "correction", "update"]


def correction(kind: str, beta: float, t: int) -> float:
    """The divisor of a bias correction at step t.

    ``"adam"``: 1 − βᵗ; ``"adax"``: (1 + β)ᵗ − 1; ``"squared"``: 1 − β² (a
    student's ``beta**2`` for ``beta**t``); ``"ahead"``: 1 − βᵗ⁺¹;
    ``"power_outside"``: (1 − β)ᵗ (a student's ``(1 - beta)**t``); anything
    else: 1. From :mod:`numopt.theory`; both are 0 at t = 0, so a t off by one
    divides by zero as a student's ``1 - beta**t`` does.
    """
    if kind == "adam":
        return float(theory.bias_correction(beta, t))
    if kind == "adax":
        return float(theory.adax_bias_correction(beta, t))
    if kind == "squared":
        return float(theory.bias_correction(beta, 2))
    if kind == "ahead":
        return float(theory.bias_correction(beta, t + 1))
    if kind == "power_outside":
        return (1.0 - beta) ** t
    return 1.0


@dataclass(frozen=True)
class Knobs:
    """The ways a step departs from the textbook; the defaults are the textbook (the reference's form).

    ``None`` means "as the reference's hyperparameters say" (``eps_in_sqrt``,
    ``efficient``) or "the family's own" (the corrections).
    """

    swap_beta1: bool = False  # m ← (1 − β1) m + β1 g
    swap_beta2: bool = False  # v ← (1 − β2) v + β2 g²
    g_not_squared: bool = False  # v accumulates g
    correct_m: str | None = None  # "none", "adam", "squared", "ahead" (None: the family's)
    correct_v: str | None = None  # "none", "adam", "adax", "squared", "ahead"
    eps_in_sqrt: bool | None = None
    efficient: bool | None = None  # Kingma & Ba's ordering, ε not scaled
    adam_v_in_adax: bool = False  # AdaX with v ← β2 v + (1 − β2) g²
    nesterov: str = "reference"  # Nadam: "none" (Adam's step), "uncorrected_gradient"
    t_shift: int = 0  # compute step t with t + t_shift
    t_fixed: int | None = None  # compute every step's bias corrections with this t (t never incremented)
    no_sqrt: bool = False  # divide by v̂ + ε instead of √v̂ + ε
    eps_value: float | None = None  # ε hard-coded to this value, whatever the eps argument
    store_corrected_m: bool = False  # the state kept (returned) is m̂, not m
    store_corrected_v: bool = False  # the state kept is v̂, not v
    history_dropped: str = ""  # "m" or "v": β added instead of multiplying the old moment (m ← β + (1 − β) g)
    not_kept: str = ""  # "m" or "v": the moment's new value never kept, every step starts it from its first value
    sum_not_average: str = ""  # "m" or "v": the factor 1 − β missing (m ← β m + g)
    old_not_decayed: str = ""  # "m" or "v": the factor β missing on the old moment (v ← v + (1 − β) g²)
    eps_times_g: bool = False  # θ ← θ − (η / √v̂ + ε) m̂: a parenthesis misplaced
    max_fed_back: bool = False  # AMSGrad: v ← β2 v_max + (1 − β2) g², the max fed back into the average
    values: Mapping[str, float] = field(default_factory=dict)  # hyperparameters acting with other values
    values_from: Mapping[str, str] = field(default_factory=dict)  # {"beta2": "beta1"}: β1 read where β2 belongs
    eps_added_to_step: bool = False  # θ ← θ − η(m̂ / √v̂ + ε): a parenthesis misplaced
    corrected_twice: bool = False  # the efficient ordering's η √c2 / c1 applied to m̂ / (√v̂ + ε)
    efficient_no_root: bool = False  # the efficient ordering with c2 / c1 for √c2 / c1
    decay_after: bool = False  # decoupled decay applied to θ_t after the step, not to θ_{t-1}
    theta_for_g: bool = False  # θ read where g belongs


def update(
    k: Knobs, family: str, corrections: tuple[str, str], hp: Mapping[str, Any], theta: np.ndarray, g: np.ndarray,
    t: int, lr: float,
    m: np.ndarray | None, v: np.ndarray, v_max: np.ndarray | None = None, decoupled: bool = False,
    dozat: bool = False,
) -> None:
    """One step of ``family`` with the knobs ``k``, on ``theta`` and the state arrays, in place.

    Parameters
    ----------
    k : Knobs
    family : str
        ``"adam"``, ``"nadam"``, ``"adax"``, ``"rmsprop"`` or ``"adagrad"``.
    corrections : (str, str)
        The family's own bias corrections of m and v, as kinds of :func:`correction`.
    hp : mapping
        The hyperparameters (numopt's names); ``k.values`` overrides them.
    theta, g : ndarray
        Parameters (updated in place) and gradient.
    t : int
        The step number, 1 on the first step.
    lr : float
        The step size of this step.
    m, v, v_max : ndarray or None
        The state: first moment (None without one), second moment (or AdaX's
        slot), AMSGrad's running max (None without AMSGrad).
    decoupled, dozat : bool
        AdamW's decoupled weight decay; Nadam with Dozat's correction.
    """
    values = {**hp, **{name: hp[other] for name, other in k.values_from.items()}, **k.values}
    lr = float(k.values.get("lr", lr))
    t = t + k.t_shift if k.t_fixed is None else k.t_fixed
    correct_m = k.correct_m or corrections[0]
    correct_v = k.correct_v or corrections[1]
    decay = values.get("weight_decay", 0.0)
    if k.theta_for_g:
        g = theta.copy()
    if decay and decoupled and not k.decay_after:
        theta *= 1.0 - lr * decay
    elif decay and not decoupled:
        g = g + decay * theta
    b1 = values.get("beta1", 0.0)
    b2 = values.get("beta2", values.get("beta", 0.0))
    g2 = g if k.g_not_squared else g * g
    if k.not_kept == "m" and m is not None:
        m[...] = 0.0
    if k.not_kept == "v":
        v[...] = values.get("initial_accumulator_value", 0.0)
    if m is not None:
        a1 = 1 - b1 if k.swap_beta1 else b1
        new_g1 = 1.0 if k.sum_not_average == "m" else 1 - a1
        old_m = 1.0 if k.history_dropped == "m" else m
        m[...] = (1.0 if k.old_not_decayed == "m" else a1) * old_m + new_g1 * g
    previous = v_max if (k.max_fed_back and v_max is not None) else v
    if family == "adagrad":
        v += g2
    elif family == "adax" and not k.adam_v_in_adax:
        v[...] = (1 + b2) * v + b2 * g2
    else:
        a2 = 1 - b2 if k.swap_beta2 else b2
        new_g2 = 1.0 if k.sum_not_average == "v" else 1 - a2
        old_v = 1.0 if k.history_dropped == "v" else previous
        v[...] = (1.0 if k.old_not_decayed == "v" else a2) * old_v + new_g2 * g2
    if v_max is not None:
        v_max[...] = np.maximum(v_max, v)
    raw_v = v_max if v_max is not None else v
    c1, c2 = correction(correct_m, b1, t), correction(correct_v, b2, t)
    direction = (g if m is None else m) / c1
    if family == "nadam" and k.nesterov != "none":
        ahead = correction(correct_m, b1, t + 1) if dozat else c1
        now = 1.0 if k.nesterov == "uncorrected_gradient" else c1
        direction = b1 * m / ahead + (1 - b1) * g / now
    v_hat = raw_v / c2
    in_sqrt = values.get("eps_in_sqrt", False) if k.eps_in_sqrt is None else k.eps_in_sqrt
    efficient = values.get("efficient", False) if k.efficient is None else k.efficient
    eps = float(values.get("eps", 0.0) if k.eps_value is None else k.eps_value)
    if k.corrected_twice and m is not None:
        step = lr * math.sqrt(c2) / c1 * direction / (np.sqrt(v_hat) + eps)
    elif k.efficient_no_root and m is not None:
        step = lr * c2 / c1 * m / (np.sqrt(raw_v) + eps)
    elif efficient and m is not None:
        step = lr * math.sqrt(c2) / c1 * m / (np.sqrt(raw_v) + eps)
    elif k.eps_added_to_step:
        step = lr * (direction / np.sqrt(v_hat) + eps)
    elif k.eps_times_g:
        step = (lr / np.sqrt(v_hat) + eps) * direction
    elif k.no_sqrt:
        step = lr * direction / (v_hat + eps)
    elif in_sqrt:
        step = lr * direction / np.sqrt(v_hat + eps)
    else:
        step = lr * direction / (np.sqrt(v_hat) + eps)
    theta -= step
    if decay and decoupled and k.decay_after:
        theta *= 1.0 - lr * decay
    if k.store_corrected_m and m is not None:
        m[...] = m / c1
    if k.store_corrected_v:
        v[...] = v / c2
