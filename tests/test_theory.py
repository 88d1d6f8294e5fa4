"""The closed forms in numopt.theory against the recursions they summarise."""

import math
from fractions import Fraction

import numpy as np
import pytest

import numopt
from numopt import theory

RNG_SEED = 20261122


def test_ewma_weights_hand_values_and_sum():
    # β = 0.9, t = 3: weights (1−β)β², (1−β)β, (1−β) on x_1, x_2, x_3
    np.testing.assert_allclose(theory.ewma_weights(0.9, 3), [0.081, 0.09, 0.1], rtol=1e-15)
    for beta, t in [(0.9, 1), (0.9, 50), (0.99, 7), (0.5, 30)]:
        assert math.isclose(theory.ewma_weights(beta, t).sum(), 1 - beta**t, rel_tol=1e-13)
        np.testing.assert_allclose(theory.bias_correction(beta, t), 1 - beta**t, rtol=1e-13)


def test_ewma_is_the_weighted_sum_and_bias_correction_recovers_a_constant():
    x = np.random.default_rng(RNG_SEED).standard_normal(40)
    v = theory.ewma(x, 0.8)
    for t in (1, 5, 40):
        assert math.isclose(v[t - 1], float(theory.ewma_weights(0.8, t) @ x[:t]), rel_tol=1e-12, abs_tol=1e-15)
    # the document's example: constant input 40 gives v_1 = 4; the corrected output is 40 at every t
    constant = theory.ewma(np.full(10, 40.0), 0.9)
    assert constant[0] == pytest.approx(4.0, rel=1e-15)
    np.testing.assert_allclose(constant / theory.bias_correction(0.9, np.arange(1, 11)), 40.0, rtol=1e-13)


def test_effective_window_relative_weight_crosses_one_over_e():
    for beta in (0.9, 0.99, 0.999):
        n = theory.effective_window(beta)
        assert n == pytest.approx(1 / (1 - beta))
        assert beta ** math.floor(n) >= math.exp(-1) * beta  # still about 1/e at the window's edge
        assert beta ** (2 * n) < math.exp(-1)  # and well below it twice as far back
    assert 0.999 ** (1 / 0.001) == pytest.approx(math.exp(-1), rel=1e-3)


@pytest.mark.parametrize("beta2", [0.999, 0.9])
def test_adam_beta2_hat_reproduces_v_hat(beta2):
    g = np.random.default_rng(RNG_SEED).standard_normal(30)
    v, v_hat_prev = 0.0, 0.0
    for t, gt in enumerate(g, start=1):
        v = beta2 * v + (1 - beta2) * gt**2
        b = float(theory.adam_beta2_hat(beta2, t))
        v_hat = b * v_hat_prev + (1 - b) * gt**2
        assert math.isclose(v_hat, v / (1 - beta2**t), rel_tol=1e-12)
        v_hat_prev = v_hat
    assert theory.adam_beta2_hat(beta2, 1) == 0.0
    assert theory.adam_beta2_hat(beta2, 10**5) == pytest.approx(beta2, rel=1e-12)


def test_bias_corrections_at_t_zero_and_beta_zero_are_what_the_naive_forms_give():
    """0 at t = 0 (a student's t off by one divides by it), 1 − 0ᵗ for β = 0; AdaX's keeps its digits."""
    for beta in (0.0, 0.5, 0.9):
        assert theory.bias_correction(beta, 0) == 0.0 == 1 - beta**0
        np.testing.assert_array_equal(theory.bias_correction(0.0, [1, 2, 5]), 1.0)
    assert theory.adax_bias_correction(1e-4, 0) == 0.0
    for t in (1, 2, 10, 1000):
        exact = (1 + Fraction(1e-4)) ** t - 1
        assert abs(float((Fraction(float(theory.adax_bias_correction(1e-4, t))) - exact) / exact)) < 1e-15


def test_adax_beta2_hat_reproduces_v_hat_and_weights_sum_to_one():
    beta2 = 1e-4
    g = np.random.default_rng(RNG_SEED).standard_normal(30)
    opt = numopt.AdaX(beta2=beta2)
    theta = np.zeros(1)
    v_hat_prev = 0.0
    for t, gt in enumerate(g, start=1):
        opt.step(theta, np.array([gt]))
        b = float(theory.adax_beta2_hat(beta2, t))
        v_hat = b * v_hat_prev + (1 - b) * gt**2
        assert math.isclose(v_hat, opt.state["v_hat"][0], rel_tol=1e-9)  # AdaX keeps v̂ = v/((1 + β2)ᵗ − 1)
        assert math.isclose(v_hat, float(theory.adax_weights(beta2, t) @ g[:t] ** 2), rel_tol=1e-9)
        v_hat_prev = v_hat
    assert theory.adax_beta2_hat(beta2, 1) == pytest.approx(0.0, abs=1e-12)
    assert theory.adax_beta2_hat(beta2, 100) == pytest.approx(1 - 1 / 100, abs=1e-3)
    w = theory.adax_weights(beta2, 1000)
    assert w.sum() == pytest.approx(1.0, rel=1e-12) and w[0] > w[-1]


def test_egsgd_gain_closed_form_matches_the_recursion():
    g = np.random.default_rng(RNG_SEED).standard_normal((12, 3))
    nu, prev = np.ones(3), np.zeros(3)
    gains = theory.egsgd_gain(g, 0.05)
    for t in range(12):
        nu = nu * np.exp(0.05 * prev * g[t])
        prev = g[t]
        np.testing.assert_allclose(gains[t], nu, rtol=1e-13)
