"""numopt.theory's heavy-ball closed forms against numopt.Momentum runs and numpy's eigensolver."""

import math

import numpy as np
import pytest

import numopt
from numopt import theory


def _momentum_errors(lr, beta, lams, steps, start=(1.0, 1.0)):
    """Run numopt.Momentum on f(x) = ½ Σ λ_i x_i² (minimum at 0, so no cancellation); return |x_t|."""
    lams = np.asarray(lams, dtype=float)
    x = np.array(start, dtype=float)
    opt = numopt.Momentum(lr=lr, beta=beta)
    norms = [np.linalg.norm(x)]
    for _ in range(steps):
        opt.step(x, lams * x)
        norms.append(np.linalg.norm(x))
    return np.array(norms)


def test_matrix_is_one_momentum_step_along_an_eigen_direction():
    lr, beta, lam = 0.03, 0.8, 7.0
    x, opt = np.array([0.7]), numopt.Momentum(lr=lr, beta=beta)
    state = np.array([0.7, 0.0])
    for _ in range(5):
        opt.step(x, lam * x)
        state = theory.heavy_ball_matrix(lr, beta, lam) @ state
        assert x[0] == pytest.approx(state[0], rel=1e-13)
        assert opt.state["b"][0] == pytest.approx(state[1], rel=1e-13)


@pytest.mark.parametrize("lr,beta,lam", [(0.02, 0.9, 1.0), (0.02, 0.9, 20.0), (0.1, 0.1, 1.0), (0.05, 0.5, 30.0)])
def test_eigenvalues_are_those_of_the_recursion(lr, beta, lam):
    # Polyak's two-step form x_t = (1 + β − ηλ) x_{t−1} − β x_{t−2} as a companion matrix
    companion = np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])
    want = np.sort_complex(np.linalg.eigvals(companion))
    have = np.sort_complex(theory.heavy_ball_eigenvalues(lr, beta, lam))
    np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-14)


def test_the_lesson_03_roots_both_directions_underdamped():
    roots = theory.heavy_ball_eigenvalues(0.02, 0.9, np.array([1.0, 20.0]))
    # hand values: λ = 1: 0.94 ± i√(0.9 − 0.94²); λ = 20: 0.75 ± i√(0.9 − 0.75²)
    assert roots[0, 0] == pytest.approx(complex(0.94, math.sqrt(0.9 - 0.94**2)), rel=1e-14)
    assert roots[1, 0] == pytest.approx(complex(0.75, math.sqrt(0.9 - 0.75**2)), rel=1e-14)
    np.testing.assert_allclose(np.abs(roots), math.sqrt(0.9), rtol=1e-14)


@pytest.mark.parametrize("lr,beta", [(0.02, 0.9), (0.05, 0.5), (0.08, 0.3), (0.01, 0.0)])
def test_rate_matches_a_run(lr, beta):
    lams = [1.0, 20.0]
    norms = _momentum_errors(lr, beta, lams, 1000)
    # envelope over a window at each end, so an oscillation's zero crossing cannot fool us
    early, late = norms[200:240].max(), norms[960:1000].max()
    measured = (late / early) ** (1 / 760)
    assert measured == pytest.approx(float(theory.heavy_ball_rate(lr, beta, lams)), rel=3e-3)


def test_rate_above_one_is_divergence():
    lams = [1.0, 20.0]
    lr, beta = 0.2, 0.9  # ηλ_max = 4 > 2(1 + β) = 3.8
    assert theory.heavy_ball_rate(lr, beta, lams) > 1
    assert _momentum_errors(lr, beta, lams, 200)[-1] > 1e3


def test_critical_beta_gives_a_double_root():
    for lr, lam in [(0.02, 1.0), (0.02, 20.0), (0.1, 3.0)]:
        beta_c = float(theory.heavy_ball_critical_beta(lr, lam))
        z = np.linalg.eigvals(np.array([[1 + beta_c - lr * lam, -beta_c], [1.0, 0.0]]))
        assert abs(z[0] - z[1]) < 1e-6  # a double root is found to about √(machine ε)
        above = np.linalg.eigvals(np.array([[1 + beta_c + 0.01 - lr * lam, -(beta_c + 0.01)], [1.0, 0.0]]))
        assert np.all(np.abs(above.imag) > 0)


def test_optimum_beats_a_grid_and_matches_polyak():
    lams = np.array([1.0, 20.0])
    lr_opt, beta_opt, rate = theory.heavy_ball_optimal(1.0, 20.0)
    kappa = 20.0
    assert rate == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), rel=1e-14)
    # brute force over a grid, with numpy's eigensolver on the companion matrices
    lr_grid, beta_grid = np.meshgrid(np.linspace(0.005, 0.19, 120), np.linspace(0.0, 0.99, 120))
    traces = 1 + beta_grid[..., None] - lr_grid[..., None] * lams
    mats = np.zeros((*traces.shape, 2, 2))
    mats[..., 0, 0], mats[..., 0, 1], mats[..., 1, 0] = traces, -beta_grid[..., None], 1.0
    grid_rates = np.abs(np.linalg.eigvals(mats)).max(axis=(-1, -2))
    assert grid_rates.min() >= rate - 1e-6
    assert grid_rates.min() < rate + 0.02
    measured = _momentum_errors(lr_opt, beta_opt, lams, 600)
    assert (measured[600] / measured[100]) ** (1 / 500) == pytest.approx(rate, rel=5e-3)


def test_ewma_effective_sample_size_by_simulation():
    rng = np.random.default_rng(3)
    for beta in (0.5, 0.9):
        x = rng.standard_normal(200_000)
        v = np.empty_like(x)
        acc = 0.0
        for k, xk in enumerate(x):
            acc = beta * acc + (1 - beta) * xk
            v[k] = acc
        assert 1 / np.var(v[1000:]) == pytest.approx(theory.ewma_effective_sample_size(beta), rel=0.03)
