"""Identities between algorithms that the docstrings and lessons state, checked on real trajectories.

Most run on the quadratic f(θ) = ½ θᵀAθ − bᵀθ with A = diag(1, 10), so the
gradients depend on the path. "Equal" means bitwise where both sides perform the
same floating-point operations (AdamW with λ = 0 and Adam), and rtol = 1e-12
otherwise (the two sides round differently, ~1e-16 per operation over ≤ 40 steps
of a contracting iteration).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from test_steps import GRADS, THETA0, ref_adam

import numopt

A = np.diag([1.0, 10.0])
B = np.array([1.0, 2.0])
START = np.array([3.0, -1.0])
RTOL = 1e-12


def quadratic_gradient(theta: np.ndarray) -> np.ndarray:
    """∇f(θ) = Aθ − b."""
    return A @ theta - B


def trajectory(opt: numopt.Optimizer, steps: int, start: np.ndarray = START) -> np.ndarray:
    """θ after each of ``steps`` steps of ``opt`` on the quadratic."""
    theta = start.copy()
    out = []
    for _ in range(steps):
        opt.step(theta, quadratic_gradient(theta))
        out.append(theta.copy())
    return np.array(out)


@pytest.mark.parametrize(
    "switches",
    [{}, {"amsgrad": True}, {"eps_in_sqrt": True}],
    ids=["plain", "amsgrad", "eps_in_sqrt"],
)
def test_adamw_without_weight_decay_is_adam(switches: dict) -> None:
    kwargs = {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, **switches}
    np.testing.assert_array_equal(
        trajectory(numopt.AdamW(weight_decay=0.0, **kwargs), 40),
        trajectory(numopt.Adam(**kwargs), 40),
    )


def test_adaxw_without_weight_decay_is_adax() -> None:
    kwargs = {"lr": 0.05, "beta1": 0.8, "beta2": 0.01}
    np.testing.assert_array_equal(
        trajectory(numopt.AdaXW(weight_decay=0.0, **kwargs), 40),
        trajectory(numopt.AdaX(**kwargs), 40),
    )


@pytest.mark.parametrize("eps_in_sqrt", [False, True], ids=["eps_outside", "eps_in_sqrt"])
def test_rmsprop_is_adam_with_beta1_zero_and_no_bias_correction(eps_in_sqrt: bool) -> None:
    """RMSProp(β) equals the hand Adam with β1 = 0, β2 = β, and neither m nor v bias-corrected."""
    beta, lr, eps = 0.85, 0.02, 1e-7
    expected, state = ref_adam(
        THETA0, GRADS, lr=lr, beta1=0.0, beta2=beta, eps=eps, weight_decay=0.0,
        eps_in_sqrt=eps_in_sqrt, amsgrad=False, correct_m=False, correct_v=False,
    )
    opt = numopt.RMSProp(lr=lr, beta=beta, eps=eps, eps_in_sqrt=eps_in_sqrt)
    theta = np.array(THETA0)
    for g, want in zip(GRADS, expected, strict=True):
        opt.step(theta, np.array(g))
        np.testing.assert_allclose(theta, want, rtol=RTOL, atol=0)
    np.testing.assert_allclose(opt.state["v"], state["v"], rtol=RTOL, atol=0)


def test_momentum_ewma_is_the_default_form_with_lr_times_one_minus_beta() -> None:
    """ewma=True with η visits the same points as the default form with η(1 − β) (erratum 6).

    m = (1 − β) b at every step, so η m = η(1 − β) b. (Stated the other way round,
    "ewma with η(1 − β) equals the default with η", it would be false.)
    """
    lr, beta = 0.05, 0.8
    np.testing.assert_allclose(
        trajectory(numopt.Momentum(lr=lr, beta=beta, ewma=True), 40),
        trajectory(numopt.Momentum(lr=lr * (1 - beta), beta=beta), 40),
        rtol=RTOL, atol=0,
    )


def test_momentum_is_the_decks_velocity_form() -> None:
    """Doc 003's intended form u ← βu + ηg, θ ← θ − u gives the same points (constant η)."""
    lr, beta = 0.05, 0.8
    theta, u, expected = START.copy(), np.zeros(2), []
    for _ in range(40):
        u = beta * u + lr * quadratic_gradient(theta)
        theta = theta - u
        expected.append(theta)
    np.testing.assert_allclose(trajectory(numopt.Momentum(lr=lr, beta=beta), 40), expected, rtol=RTOL, atol=0)


def test_egsgd_gain_has_the_closed_form() -> None:
    """ν_{t+1} = exp(γ Σ_{k≤t} g_{k−1} ⊙ g_k) with g_0 = 0, after every step."""
    gamma = 0.02  # larger γ makes the gain, and θ, blow up on this quadratic
    opt = numopt.EGSGD(lr=0.02, gamma=gamma)
    theta = START.copy()
    previous, exponent = [0.0, 0.0], [0.0, 0.0]
    for _ in range(30):
        g = quadratic_gradient(theta)
        exponent = [e + gp * gk for e, gp, gk in zip(exponent, previous, g.tolist(), strict=True)]
        previous = g.tolist()
        opt.step(theta, g)
        np.testing.assert_allclose(opt.state["nu"], [math.exp(gamma * e) for e in exponent], rtol=RTOL, atol=0)


ZERO_GRADIENT_AT_REST = {
    "sgd": lambda: numopt.SGD(lr=0.5),
    "momentum": lambda: numopt.Momentum(lr=0.5, beta=0.9),
    "momentum-ewma": lambda: numopt.Momentum(lr=0.5, beta=0.9, ewma=True),
    "nag": lambda: numopt.NAG(lr=0.5, beta=0.9),
    "adam": lambda: numopt.Adam(lr=0.5),
    "adam-eps_in_sqrt": lambda: numopt.Adam(lr=0.5, eps_in_sqrt=True),
    "adam-amsgrad": lambda: numopt.Adam(lr=0.5, amsgrad=True),
}


@pytest.mark.parametrize("make", ZERO_GRADIENT_AT_REST.values(), ids=ZERO_GRADIENT_AT_REST.keys())
def test_zero_gradient_leaves_params_at_rest(make: Callable[[], numopt.Optimizer]) -> None:
    """From a fresh state, zero gradients move nothing: bitwise the same params."""
    opt = make()
    params = {"w": np.array([[1.5, -2.0], [0.25, 3.0]]), "c": np.array(-0.7)}
    before = {k: v.copy() for k, v in params.items()}
    for _ in range(3):
        opt.step(params, {k: np.zeros_like(v) for k, v in params.items()})
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_nag_reformulation_visits_the_look_ahead_points() -> None:
    """Doc 003's u ← βu + η∇J(φ − βu), φ ← φ − u, against numopt's NAG, with θ = φ − βu."""
    lr, beta = 0.04, 0.9
    phi, u, look_ahead = START.copy(), np.zeros(2), []
    for _ in range(40):
        u = beta * u + lr * quadratic_gradient(phi - beta * u)  # gradient at the look-ahead point
        phi = phi - u
        look_ahead.append(phi - beta * u)
    np.testing.assert_allclose(trajectory(numopt.NAG(lr=lr, beta=beta), 40), look_ahead, rtol=RTOL, atol=1e-15)


def test_l2_equals_decoupled_decay_for_plain_sgd() -> None:
    """SGD on L + ½λ‖θ‖² equals the paper's decoupled θ ← θ − λ'θ − η∇L with λ' = ηλ."""
    lr, decay = 0.05, 0.3
    l2_opt, decoupled_opt = numopt.SGD(lr=lr), numopt.SGD(lr=lr)
    l2, decoupled = START.copy(), START.copy()
    for _ in range(40):
        l2_opt.step(l2, quadratic_gradient(l2) + decay * l2)  # L2: the decay is part of the gradient
        g = quadratic_gradient(decoupled)
        decoupled -= (lr * decay) * decoupled  # decoupled, rescaled λ' = ηλ
        decoupled_opt.step(decoupled, g)
        np.testing.assert_allclose(l2, decoupled, rtol=RTOL, atol=0)


def test_adam_l2_is_adam_on_the_regularised_gradient() -> None:
    """Adam(weight_decay=λ) is Adam(λ = 0) handed g + λθ."""
    lr, decay = 0.05, 0.3
    reference, theta = numopt.Adam(lr=lr), START.copy()
    expected = []
    for _ in range(40):
        reference.step(theta, quadratic_gradient(theta) + decay * theta)
        expected.append(theta.copy())
    np.testing.assert_allclose(trajectory(numopt.Adam(lr=lr, weight_decay=decay), 40), expected, rtol=RTOL, atol=0)


def test_adamw_is_decay_then_the_adam_step() -> None:
    """AdamW(λ): θ ← θ(1 − ηλ), then Adam(λ = 0) with the gradient taken before the decay."""
    lr, decay = 0.05, 0.3
    reference, theta = numopt.Adam(lr=lr), START.copy()
    expected = []
    for _ in range(40):
        g = quadratic_gradient(theta)
        theta *= 1 - lr * decay
        reference.step(theta, g)
        expected.append(theta.copy())
    np.testing.assert_allclose(trajectory(numopt.AdamW(lr=lr, weight_decay=decay), 40), expected, rtol=RTOL, atol=0)


def test_l2_and_decoupled_decay_differ_for_adam() -> None:
    """Under Adam the two kinds of weight decay give visibly different points (erratum 9)."""
    lr, decay = 0.05, 0.3
    l2 = trajectory(numopt.Adam(lr=lr, weight_decay=decay), 40)
    decoupled = trajectory(numopt.AdamW(lr=lr, weight_decay=decay), 40)
    assert np.max(np.abs(l2[-1] - decoupled[-1])) > 1e-2
