r"""Closed forms that the lessons derive and the figures draw.

These are the *analysis* of the algorithms, not their updates: the weights an
EWMA puts on past observations, the bias correction, the effective window, the
implied decay rates β̂₂,ₜ of Adam and AdaX, and the EGSGD gain in closed form.
Each function is vectorised over ``t`` where that makes sense.

This module is the one place outside the algorithm modules where these forms
are written: the figures, the plots, the lessons and the grader's mutants call
these functions rather than writing their own copies.

References: doc 000 §1–2 (β̂₂,ₜ), doc 003 (EWMA, bias correction), doc 004 §2
(EGSGD gain); the documents are identified in docs/sources.md.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "adam_beta2_hat",
    "adaptive_rate_variance",
    "adax_beta2_hat",
    "adax_bias_correction",
    "adax_weights",
    "bias_correction",
    "effective_window",
    "egsgd_gain",
    "ewma",
    "ewma_effective_sample_size",
    "ewma_half_life",
    "ewma_mean_age",
    "ewma_weights",
    "heavy_ball_critical_beta",
    "heavy_ball_eigenvalues",
    "heavy_ball_matrix",
    "heavy_ball_optimal",
    "heavy_ball_rate",
    "radam_rectification",
    "sgd_averaged_loss",
    "sgd_expected_loss",
    "sgd_noise_floor",
    "sma_length",
]


def ewma_weights(beta: float, t: int) -> np.ndarray:
    """Weights of observations x_1..x_t in the EWMA v_t = β v_{t-1} + (1 − β) x_t, v_0 = 0.

    Unrolling gives v_t = Σ_{i=1}^{t} (1 − β) β^{t−i} x_i; entry ``i-1`` is the
    weight of x_i. They sum to 1 − βᵗ, not 1: the bias that
    :func:`bias_correction` removes.

    Parameters
    ----------
    beta : float
        Decay rate, 0 <= beta < 1.
    t : int
        Number of observations, >= 1.

    Returns
    -------
    ndarray of shape (t,)
    """
    i = np.arange(1, t + 1)
    return (1 - beta) * beta ** (t - i)


def ewma(x: ArrayLike, beta: float) -> np.ndarray:
    """The raw EWMA v_t = β v_{t-1} + (1 − β) x_t with v_0 = 0, for every t.

    Parameters
    ----------
    x : array_like of shape (T,)
        Observations x_1..x_T.
    beta : float
        Decay rate, 0 <= beta < 1.

    Returns
    -------
    ndarray of shape (T,)
        v_1..v_T (not bias-corrected).
    """
    x = np.asarray(x, dtype=float)
    v = np.empty_like(x)
    acc = 0.0
    for k, xk in enumerate(x):
        acc = beta * acc + (1 - beta) * xk
        v[k] = acc
    return v


def bias_correction(beta: float, t: ArrayLike) -> np.ndarray:
    """The factor 1 − βᵗ by which the EWMA's weights fall short of 1 (divide v_t by it).

    Parameters
    ----------
    beta : float
        Decay rate.
    t : int or array_like of int
        Step(s), >= 1; at t = 0 the factor is 0 (for β = 0 too, as ``1 - 0.0**0`` is).
    """
    t = np.asarray(t)
    return -np.expm1(t * np.log(beta)) if beta > 0 else 1.0 - np.power(0.0, t)


def adax_bias_correction(beta2: float, t: ArrayLike) -> np.ndarray:
    """AdaX's divisor (1 + β2)ᵗ − 1, computed as ``expm1(t·log1p(β2))`` to keep its digits for small β2.

    AdaX's v_t = (1 + β2) v_{t−1} + β2 g_t² puts the total weight (1 + β2)ᵗ − 1
    on g_1²..g_t²; v̂_t = v_t / ((1 + β2)ᵗ − 1) is their weighted average.

    Parameters
    ----------
    beta2 : float
        AdaX's β2 > 0.
    t : int or array_like of int
        Step(s), >= 1.
    """
    return np.expm1(np.asarray(t, dtype=float) * np.log1p(beta2))


def effective_window(beta: float) -> float:
    """About how many recent observations an EWMA averages: 1/(1 − β).

    An observation i steps back has *relative* weight βⁱ (relative to the
    newest); βⁱ < 1/e once i > 1/(1 − β), because β^{1/(1−β)} → 1/e as β → 1.
    """
    return 1.0 / (1.0 - beta)


def adam_beta2_hat(beta2: float, t: ArrayLike) -> np.ndarray:
    """Adam's implied decay rate of v̂: β̂₂,ₜ = β2 (1 − β2^{t−1}) / (1 − β2ᵗ).

    With it, v̂_t = β̂₂,ₜ v̂_{t−1} + (1 − β̂₂,ₜ) g_t² (doc 000 §1). It is 0 at
    t = 1 and tends to β2.
    """
    t = np.asarray(t, dtype=float)
    return beta2 * bias_correction(beta2, t - 1) / bias_correction(beta2, t)


def adax_beta2_hat(beta2: float, t: ArrayLike) -> np.ndarray:
    """AdaX's implied decay rate of v̂: β̂₂,ₜ = 1 − β2 / ((1 + β2)ᵗ − 1).

    0 at t = 1 and tends to 1 (≈ 1 − 1/t while t ≪ 1/β2): v̂ becomes a
    long-term average (doc 000 §2). (1 + β2)ᵗ − 1 is :func:`adax_bias_correction`.
    """
    return 1.0 - beta2 / adax_bias_correction(beta2, t)


def adax_weights(beta2: float, t: int) -> np.ndarray:
    """Weights of g_1²..g_t² in AdaX's v̂_t = v_t / ((1 + β2)ᵗ − 1).

    Unrolling v_t = (1 + β2) v_{t−1} + β2 g_t² gives the weight
    β2 (1 + β2)^{t−k} / ((1 + β2)ᵗ − 1) on g_k²: the *oldest* gradients weigh
    most, and the weights sum to 1 exactly (no bias correction needed).
    """
    k = np.arange(1, t + 1)
    return beta2 * np.exp((t - k) * np.log1p(beta2)) / adax_bias_correction(beta2, t)


def egsgd_gain(grads: ArrayLike, gamma: float) -> np.ndarray:
    """The EGSGD gain after each step in closed form: ν_{t+1} = exp(γ Σ_{k≤t} g_{k−1} ⊙ g_k), g_0 = 0.

    Parameters
    ----------
    grads : array_like of shape (T, ...)
        The gradients g_1..g_T.
    gamma : float
        The gain's step size γ.

    Returns
    -------
    ndarray of shape (T, ...)
        ν_2..ν_{T+1}, the gain used at steps 1..T.
    """
    g = np.asarray(grads, dtype=float)
    previous = np.concatenate([np.zeros_like(g[:1]), g[:-1]])
    return np.exp(gamma * np.cumsum(previous * g, axis=0))


# --- Lessons 01 and 02: four readings of an EWMA's window; SGD's noise floor on a quadratic ---


def ewma_mean_age(beta: float) -> float:
    """The mean age β/(1 − β) of an EWMA's observations (the newest has age 0), for large t.

    The weight of the observation j steps back is (1 − β)βʲ, so the mean age is
    Σⱼ j (1 − β)βʲ = β/(1 − β): one less than :func:`effective_window`.
    """
    return beta / (1.0 - beta)


def ewma_half_life(beta: float) -> float:
    """The half-life ln 2/(−ln β): after it, an observation weighs half as much as the newest.

    Equivalently, the newest ``h`` observations carry 1 − βʰ = ½ of the (large-t)
    weight. About ln 2 · :func:`effective_window` = 0.69/(1 − β) as β → 1.
    """
    return float(np.log(2.0) / -np.log(beta))


def ewma_effective_sample_size(beta: float) -> float:
    """How many iid observations an EWMA is worth: (1 + β)/(1 − β), for large t.

    For iid x with variance σ², Var[v_t] = σ² Σ wᵢ² → σ² (1 − β)/(1 + β); an
    average of n iid observations has variance σ²/n, so n = (1 + β)/(1 − β),
    about 2 · :func:`effective_window` as β → 1 (Kish's (Σw)²/Σw²).
    """
    return (1.0 + beta) / (1.0 - beta)


def sgd_noise_floor(lr: float, lam: ArrayLike, sigma2: ArrayLike) -> float:
    """The stationary expected loss of SGD with constant η on a diagonal quadratic with gradient noise.

    Loss J(θ) = ½ Σᵢ λᵢ (θᵢ − θᵢ*)², stochastic gradient λᵢ(θᵢ − θᵢ*) + ξᵢ with
    E ξᵢ = 0, Var ξᵢ = σᵢ², independent across steps. The error eᵢ = θᵢ − θᵢ* follows
    e_t = (1 − ηλ) e_{t−1} − η ξ_t, so its stationary variance solves
    s = (1 − ηλ)² s + η²σ², s = ησ²/(λ(2 − ηλ)), and

        E[J] → Σᵢ ½ λᵢ sᵢ = Σᵢ η σᵢ² / (2 (2 − ηλᵢ))   (≈ η Σᵢ σᵢ²/4 for ηλ ≪ 1),

    for 0 < ηλᵢ < 2. Proportional to η: a constant step size cannot go below it.
    """
    lam, sigma2 = np.asarray(lam, dtype=float), np.asarray(sigma2, dtype=float)
    return float(np.sum(lr * sigma2 / (2.0 * (2.0 - lr * lam))))


def sgd_expected_loss(lr, lam: ArrayLike, sigma2: ArrayLike, e0: ArrayLike, steps: int) -> np.ndarray:
    """E[J(θ_t)] for t = 0..steps of SGD on the noisy diagonal quadratic of :func:`sgd_noise_floor`.

    ``lr`` is a float or a schedule ``lr(t)`` (t = 1, 2, ...). The mean and the
    variance of each error coordinate follow exactly

        μ_t = (1 − η_t λ) μ_{t−1},   s_t = (1 − η_t λ)² s_{t−1} + η_t² σ²,   μ_0 = e0, s_0 = 0,

    and E[J(θ_t)] = ½ Σᵢ λᵢ (μᵢ,ₜ² + sᵢ,ₜ).

    Returns
    -------
    ndarray of shape (steps + 1,)
    """
    lam, sigma2 = np.asarray(lam, dtype=float), np.asarray(sigma2, dtype=float)
    mean = np.asarray(e0, dtype=float) * np.ones_like(lam)
    var = np.zeros_like(mean)
    out = [0.5 * np.sum(lam * mean**2)]
    for t in range(1, steps + 1):
        eta = lr(t) if callable(lr) else lr
        mean = (1 - eta * lam) * mean
        var = (1 - eta * lam) ** 2 * var + eta**2 * sigma2
        out.append(0.5 * np.sum(lam * (mean**2 + var)))
    return np.array(out)


def sgd_averaged_loss(lr: float, lam: ArrayLike, sigma2: ArrayLike, e0: ArrayLike, steps: int) -> float:
    """E[J(θ̄_n)] for the Polyak–Ruppert average θ̄_n = (θ_1 + … + θ_n)/n of constant-η SGD.

    Same noisy diagonal quadratic as :func:`sgd_noise_floor`. With a = 1 − ηλ, the error
    e_t = aᵗ e0 − η Σ_{k≤t} a^{t−k} ξ_k averages to

        E[ē] = e0 a (1 − aⁿ)/(n (1 − a)),   Var[ē] = η² σ² Σ_{j=1}^{n} (1 − aʲ)² / (n² (1 − a)²),

    and E[J(θ̄_n)] = ½ Σᵢ λᵢ (E[ē]² + Var[ē]). For large n it tends to Σᵢ σᵢ²/(2 λᵢ n),
    whatever η (Polyak & Juditsky 1992): the average goes below the floor of every iterate.
    """
    lam, sigma2 = np.asarray(lam, dtype=float), np.asarray(sigma2, dtype=float)
    a = 1.0 - lr * lam
    j = np.arange(1, steps + 1)[:, None]
    mean = np.asarray(e0, dtype=float) * a * (1.0 - a**steps) / (steps * (1.0 - a))
    var = lr**2 * sigma2 * np.sum((1.0 - a**j) ** 2, axis=0) / (steps**2 * (1.0 - a) ** 2)
    return float(0.5 * np.sum(lam * (mean**2 + var)))


# --- Heavy-ball momentum on a quadratic (lesson 03) ------------------------------------------------
#
# numopt.Momentum's form b_t = β b_{t−1} + g_t, θ_t = θ_{t−1} − η b_t on f(θ) = ½ (θ − θ*)ᵀ A (θ − θ*).
# Along an eigenvector of A with eigenvalue λ, the error x = θ − θ* and the velocity b obey
# (x_t, b_t) = M (x_{t−1}, b_{t−1}) with the 2×2 matrix below. Eliminating b gives Polyak's
# x_t = (1 + β − ηλ) x_{t−1} − β x_{t−2}, with the same η: numopt's form needs no rescaling
# (the EWMA form m = (1 − β) b does: η_EWMA = η/(1 − β)).


def heavy_ball_matrix(lr: float, beta: float, lam: float) -> np.ndarray:
    """The 2×2 matrix M with (x_t, b_t) = M (x_{t−1}, b_{t−1}) along an eigen-direction λ.

    b_t = λ x_{t−1} + β b_{t−1} and x_t = x_{t−1} − η b_t = (1 − ηλ) x_{t−1} − ηβ b_{t−1}.
    Its trace is 1 + β − ηλ and its determinant β.
    """
    return np.array([[1.0 - lr * lam, -lr * beta], [lam, beta]])


def heavy_ball_eigenvalues(lr: ArrayLike, beta: ArrayLike, lam: ArrayLike) -> np.ndarray:
    """The two roots of z² − (1 + β − ηλ) z + β = 0 (the eigenvalues of :func:`heavy_ball_matrix`).

    Vectorised over broadcast ``lr``, ``beta``, ``lam``; returns a complex array of shape
    ``broadcast shape + (2,)``, the root with ``+√`` first. When (1 + β − ηλ)² < 4β the roots
    are complex conjugates of modulus √β (underdamped: the error spirals in); otherwise real.
    """
    lr, beta, lam = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (lr, beta, lam)))
    trace = 1.0 + beta - lr * lam
    root = np.sqrt((trace**2 - 4.0 * beta).astype(complex))
    return np.stack([(trace + root) / 2, (trace - root) / 2], axis=-1)


def heavy_ball_rate(lr: ArrayLike, beta: ArrayLike, lams: ArrayLike) -> np.ndarray:
    """The asymptotic rate of heavy-ball momentum: the largest root modulus over the eigenvalues ``lams``.

    ``lams`` is a 1-D array of A's eigenvalues; ``lr`` and ``beta`` broadcast (a grid for a map).
    The error shrinks like rateᵗ (times a polynomial in t where roots are double); rate ≥ 1
    means divergence. With β = 0 this is plain gradient descent's max |1 − ηλ|.
    """
    lams = np.atleast_1d(np.asarray(lams, dtype=float))
    lr, beta = np.broadcast_arrays(np.asarray(lr, dtype=float), np.asarray(beta, dtype=float))
    roots = heavy_ball_eigenvalues(lr[..., None], beta[..., None], lams)
    return np.abs(roots).max(axis=(-1, -2))


def heavy_ball_critical_beta(lr: ArrayLike, lam: float) -> np.ndarray:
    """Critical damping along λ: β_c = (1 − √(ηλ))², where the two roots meet (double root √β_c).

    For β > β_c (and ηλ < 4) the roots are complex, of modulus √β; for β < β_c they are real.
    """
    return (1.0 - np.sqrt(np.asarray(lr, dtype=float) * lam)) ** 2


def heavy_ball_optimal(lam_min: float, lam_max: float) -> tuple[float, float, float]:
    """The (η, β) that minimise :func:`heavy_ball_rate` on eigenvalues in [λ_min, λ_max], and that rate.

    η* = 4/(√λ_max + √λ_min)², β* = ((√κ − 1)/(√κ + 1))² with κ = λ_max/λ_min, rate √β*
    (Polyak 1964). Both extreme directions are then critically damped.
    """
    s_min, s_max = math.sqrt(lam_min), math.sqrt(lam_max)
    rate = (s_max - s_min) / (s_max + s_min)
    return 4.0 / (s_max + s_min) ** 2, rate**2, rate


# --- Warm-up and RAdam (lesson 11): how many squared gradients Adam's v̂_t averages ---------------


def sma_length(beta2: float, t: ArrayLike) -> np.ndarray:
    """ρ_t: the length of the simple moving average with the mean age of Adam's v̂_t.

    The bias-corrected weights (1 − β2)β2^{t−i}/(1 − β2ᵗ) have mean age
    β2/(1 − β2) − t β2ᵗ/(1 − β2ᵗ); an average of the last ρ samples has mean age
    (ρ − 1)/2. Equating them (Liu et al. 2020, arXiv:1908.03265, eq. 6)::

        ρ_t = ρ_∞ − 2 t β2ᵗ / (1 − β2ᵗ),   ρ_∞ = 2/(1 − β2) − 1.

    ρ_1 = 1, ρ_t ≈ t while t(1 − β2) ≪ 1, and ρ_t → ρ_∞.
    """
    t = np.asarray(t, dtype=float)
    return 2.0 / (1.0 - beta2) - 1.0 - 2.0 * t * beta2**t / bias_correction(beta2, t)


def adaptive_rate_variance(rho: float) -> float:
    """σ²·Var[1/√v̂] when ρ v̂/σ² is chi-squared with ρ degrees of freedom (ρ > 0, not only integers).

    With X ~ χ²_ρ, E[1/X] = 1/(ρ − 2) for ρ > 2 and E[X^{−1/2}] = Γ((ρ − 1)/2)/(√2 Γ(ρ/2)),
    so σ² Var[ψ] = ρ/(ρ − 2) − (ρ/2)(Γ((ρ − 1)/2)/Γ(ρ/2))². Infinite for ρ ≤ 2; ≈ 1/(2ρ)
    for large ρ.
    """
    if rho <= 2:
        return math.inf
    log_ratio = math.lgamma((rho - 1) / 2) - math.lgamma(rho / 2)
    return rho / (rho - 2) - rho / 2 * math.exp(2 * log_ratio)


def radam_rectification(beta2: float, t: ArrayLike) -> np.ndarray:
    """RAdam's r_t = √((ρ_t − 4)(ρ_t − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρ_t)), NaN where ρ_t ≤ 4.

    r_t² is Var[ψ_∞]/Var[ψ_t] with the expansion Var[ψ] ≈ ρ/(2(ρ − 2)(ρ − 4)σ²) of
    :func:`adaptive_rate_variance` (Liu et al. 2020, arXiv:1908.03265, eq. 7); ρ_t is
    :func:`sma_length`. It rises from near 0 to 1.
    """
    rho, rho_inf = sma_length(beta2, t), 2.0 / (1.0 - beta2) - 1.0
    with np.errstate(invalid="ignore"):  # the root is of a negative number for 2 < ρ_t < 4
        r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
    return np.where(rho > 4, r, np.nan)  # ρ_t < 2 (t = 1) gives a real root, of a variance that does not exist
