"""numopt.theory's closed forms of lesson 11 (ρ_t, the adaptive rate's variance, RAdam's r_t), derived independently."""

import math

import numpy as np
import pytest

from numopt import theory


@pytest.mark.parametrize("beta2", [0.9, 0.999])
@pytest.mark.parametrize("t", [1, 2, 7, 300, 5000])
def test_sma_length_has_the_mean_age_of_the_corrected_weights(beta2, t):
    ages = np.arange(t)[::-1].astype(float)  # g_1 is t − 1 steps old
    w = (1 - beta2) * beta2**ages  # written out here, not taken from theory
    mean_age = (w @ ages) / w.sum()
    assert theory.sma_length(beta2, t) == pytest.approx(1 + 2 * mean_age, rel=1e-9)  # SMA of ρ: mean age (ρ − 1)/2


def test_sma_length_limits():
    assert theory.sma_length(0.999, 1) == pytest.approx(1.0, abs=1e-9)  # one sample at t = 1
    assert theory.sma_length(0.999, 10**6) == pytest.approx(1999.0, rel=1e-12)  # 2/(1 − β2) − 1
    assert np.all(np.abs(theory.sma_length(0.999, np.arange(1, 21)) - np.arange(1, 21)) < 0.2)


def test_adaptive_rate_variance_against_the_chi_squared_integrals():
    assert theory.adaptive_rate_variance(2.0) == math.inf and theory.adaptive_rate_variance(1.0) == math.inf
    # ρ = 4: E[1/X] = 1/2, E[X^{-1/2}] = Γ(3/2)/(√2 Γ(2)) = √π/(2√2); Var = ρ(E[1/X] − E[X^{-1/2}]²)
    assert theory.adaptive_rate_variance(4.0) == pytest.approx(4 * (0.5 - math.pi / 8), rel=1e-13)
    # ρ = 3 by numerical integration of the χ²_3 density √x e^{-x/2} / (2^{3/2} Γ(3/2)), substituting x = u²
    du = 1e-4
    u = np.arange(du / 2, 40, du)  # midpoints; the integrands below are smooth in u
    c = 2**1.5 * math.gamma(1.5)
    e_inv = np.sum(2 * np.exp(-(u**2) / 2) / c) * du  # ∫ f(x)/x dx
    e_inv_sqrt = np.sum(2 * u * np.exp(-(u**2) / 2) / c) * du  # ∫ f(x)/√x dx
    assert e_inv == pytest.approx(1.0, rel=1e-9)  # E[1/X] = 1/(ρ − 2)
    want = 3 * (e_inv - e_inv_sqrt**2)
    assert theory.adaptive_rate_variance(3.0) == pytest.approx(want, rel=1e-8)  # midpoint rule: O(du²)
    assert theory.adaptive_rate_variance(1e4) * 2e4 == pytest.approx(1.0, abs=1e-3)  # ≈ 1/(2ρ)


def test_radam_rectification_is_the_ratio_of_the_expanded_variances():
    t = np.arange(5, 3000)
    rho, rho_inf = theory.sma_length(0.999, t), 1999.0
    expanded = rho / (2 * (rho - 2) * (rho - 4))
    assert np.allclose(theory.radam_rectification(0.999, t) ** 2, (rho_inf / (2 * 1997 * 1995)) / expanded, rtol=1e-12)
    assert np.isnan(theory.radam_rectification(0.999, 4))  # ρ_4 = 3.998 ≤ 4: no rectification
    assert np.isnan(theory.radam_rectification(0.999, 1))  # ρ_1 = 1: the formula's root is real, but no rectification
    assert theory.radam_rectification(0.999, 10**6) == pytest.approx(1.0, rel=1e-9)
