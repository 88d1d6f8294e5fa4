"""numopt.theory's four EWMA windows and SGD's noise floor, against independent derivations."""

import math

import numpy as np
import pytest

from numopt import theory


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_mean_age_is_the_weighted_mean_of_the_ages(beta):
    t = 4000
    ages = np.arange(t)[::-1]  # x_1 is t − 1 steps old, x_t is 0 steps old
    w = (1 - beta) * beta ** ages.astype(float)  # written out here, not taken from theory
    assert theory.ewma_mean_age(beta) == pytest.approx((w @ ages) / w.sum(), rel=1e-9)


def test_half_life_hand_values():
    assert theory.ewma_half_life(0.5) == pytest.approx(1.0, rel=1e-15)  # 0.5¹ = ½
    assert theory.ewma_half_life(0.25) == pytest.approx(0.5, rel=1e-15)  # 0.25^½ = ½
    h = theory.ewma_half_life(0.9)
    assert 0.9 ** math.floor(h) > 0.5 > 0.9 ** math.ceil(h)  # 6.58: 0.9⁶ = 0.531, 0.9⁷ = 0.478


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_effective_sample_size_is_kish_and_the_variance_ratio(beta):
    w = np.array([(1 - beta) * beta**j for j in range(3000)])
    assert theory.ewma_effective_sample_size(beta) == pytest.approx(w.sum() ** 2 / (w @ w), rel=1e-12)
    assert theory.ewma_effective_sample_size(0.0) == 1.0  # β = 0 keeps only the newest observation


def test_noise_floor_hand_value_and_the_moment_recursion():
    # one coordinate, λ = 2, η = 0.5, σ² = 1: s = ησ²/(λ(2 − ηλ)) = 0.5/2 = 0.25, E J = ½·2·0.25 = 0.25
    assert theory.sgd_noise_floor(0.5, [2.0], [1.0]) == pytest.approx(0.25, rel=1e-15)
    # two coordinates add; η = 0.1, λ = (1, 10), σ² = (1, 4): 0.1/(2·1.9) + 0.4/(2·1) = 0.0263158 + 0.2
    assert theory.sgd_noise_floor(0.1, [1.0, 10.0], [1.0, 4.0]) == pytest.approx(0.1 / 3.8 + 0.2, rel=1e-15)
    # from e0 = 0 the first step gives E J_1 = ½ λ η² σ²
    assert theory.sgd_expected_loss(0.5, [2.0], [1.0], [0.0], 1)[1] == pytest.approx(0.25, rel=1e-15)
    curve = theory.sgd_expected_loss(0.1, [1.0, 10.0], [1.0, 4.0], [1.0, -1.0], 2000)
    assert curve[0] == pytest.approx(0.5 * (1 + 10), rel=1e-15)
    assert curve[-1] == pytest.approx(theory.sgd_noise_floor(0.1, [1.0, 10.0], [1.0, 4.0]), rel=1e-12)


def test_expected_loss_matches_a_simulation_and_a_schedule_goes_below_the_floor():
    rng = np.random.default_rng(7)
    lam, sigma2, eta, runs, steps = np.array([1.0, 4.0]), np.array([0.5, 2.0]), 0.1, 20000, 200
    e = np.ones((runs, 2))
    for _ in range(steps):
        e = e - eta * (lam * e + rng.normal(scale=np.sqrt(sigma2), size=e.shape))
    losses = 0.5 * (e**2 * lam).sum(axis=1)
    expected = theory.sgd_expected_loss(eta, lam, sigma2, [1.0, 1.0], steps)[-1]
    assert abs(losses.mean() - expected) < 4 * losses.std() / math.sqrt(runs)
    decaying = theory.sgd_expected_loss(lambda t: eta / (1 + 0.01 * (t - 1)), lam, sigma2, [1.0, 1.0], 5000)
    assert decaying[-1] < 0.2 * theory.sgd_noise_floor(eta, lam, sigma2)


def test_averaged_loss_against_the_covariance_of_the_whole_path():
    # e = a^t e0 − η L ξ with L[t, k] = a^{t−k} (k ≤ t): the average is a linear map of ξ, its variance ‖1ᵀL‖² η²σ²/n²
    lr, lam, sigma2, e0, n = 0.3, np.array([1.0, 0.2]), np.array([1.0, 4.0]), np.array([2.0, -1.0]), 60
    want = 0.0
    for lam_i, s2, e in zip(lam, sigma2, e0, strict=True):
        a = 1 - lr * lam_i
        t, k = np.meshgrid(np.arange(1, n + 1), np.arange(1, n + 1), indexing="ij")
        L = np.where(k <= t, a ** (t - k).astype(float), 0.0)
        mean = e * np.mean(a ** np.arange(1, n + 1))
        var = lr**2 * s2 * np.sum(L.sum(axis=0) ** 2) / n**2
        want += 0.5 * lam_i * (mean**2 + var)
    assert theory.sgd_averaged_loss(lr, lam, sigma2, e0, n) == pytest.approx(want, rel=1e-12)
    # one step: the average is θ_1, whose expected loss sgd_expected_loss gives
    assert theory.sgd_averaged_loss(lr, lam, sigma2, e0, 1) == pytest.approx(
        theory.sgd_expected_loss(lr, lam, sigma2, e0, 1)[1], rel=1e-12)
    # many steps: σ²/(2λn) per coordinate, whatever η
    for eta in (0.05, 0.5):
        big = theory.sgd_averaged_loss(eta, lam, sigma2, [0.0, 0.0], 10**6)
        assert big == pytest.approx(np.sum(sigma2 / (2 * lam * 10**6)), rel=1e-3)
