"""The test problems: analytic gradients against finite differences, hand-computed values, minima."""

import math

import numpy as np
import pytest

from numopt.problems import (
    MLP,
    PROBLEMS,
    Beale,
    DriftingStream,
    LogisticRegression,
    Quadratic,
    Reddi,
    Rosenbrock,
    two_moons,
)

EXTRA = {
    "quadratic5": lambda: Quadratic(condition=100.0, dim=5),
    "rosenbrock5": lambda: Rosenbrock(dim=5),
    "reddi_paper": lambda: Reddi(C=1010.0, period=101, slope=10.0),
    "mlp_small": lambda: MLP(n=20, hidden=3, batch_size=5),
}
ALL = {**PROBLEMS, **EXTRA}


def _flat(params):
    """(vector, rebuild) for an array or a dict of arrays."""
    if isinstance(params, dict):
        keys = list(params)
        shapes = [params[k].shape for k in keys]
        sizes = [params[k].size for k in keys]

        def rebuild(v):
            parts = np.split(v, np.cumsum(sizes)[:-1])
            return {k: p.reshape(s) for k, p, s in zip(keys, parts, shapes, strict=True)}

        return np.concatenate([params[k].ravel() for k in keys]), rebuild
    return params.ravel().copy(), lambda v: v.reshape(params.shape)


def _central_differences(problem, params, batch, h=1e-6):
    x, rebuild = _flat(params)
    fd = np.empty_like(x)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        fd[i] = (problem.loss(rebuild(up), batch) - problem.loss(rebuild(down), batch)) / (2 * h)
    return fd


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("seed", [None, 1])
def test_analytic_gradient_matches_central_differences(name, seed):
    problem = ALL[name]()
    params = problem.init(seed)
    batch = next(iter(problem.batches(seed=3)))
    for b in (None, batch):
        analytic, _ = _flat(problem.grad(params, b))
        np.testing.assert_allclose(analytic, _central_differences(problem, params, b), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ALL)
def test_grad_has_the_structure_of_params_and_loss_is_a_float(name):
    problem = ALL[name]()
    params = problem.init()
    g = problem.grad(params)
    if isinstance(params, dict):
        assert list(g) == list(params)
        assert all(g[k].shape == params[k].shape for k in params)
    else:
        assert g.shape == params.shape
    assert isinstance(problem.loss(params), float)


@pytest.mark.parametrize("name", ALL)
def test_init_gives_fresh_arrays_and_seeds_reproduce(name):
    problem = ALL[name]()
    a, b = problem.init(7), problem.init(7)
    np.testing.assert_array_equal(_flat(a)[0], _flat(b)[0])
    for array in a.values() if isinstance(a, dict) else [a]:
        array += 1.0  # changing one start must not change the next
    np.testing.assert_array_equal(_flat(problem.init(7))[0], _flat(b)[0])


def test_hand_computed_values_at_the_standard_starts():
    # Rosenbrock at (−1.2, 1): 100 (1 − 1.44)² + (1 + 1.2)² = 19.36 + 4.84
    assert Rosenbrock().loss(Rosenbrock().init()) == pytest.approx(24.2, rel=1e-14)
    # Beale at (1, 1.5): residuals 1.5 − 1 + 1.5 = 2, 2.25 − 1 + 2.25 = 3.5, 2.625 − 1 + 3.375 = 5
    assert Beale().loss(Beale().init()) == pytest.approx(4.0 + 12.25 + 25.0, rel=1e-14)
    # Quadratic: start θ* + (−0.8, 1.5); eigenvalues 1 and 10 along (cos 30°, sin 30°), (−sin 30°, cos 30°)
    d = np.array([-0.8, 1.5])
    c, s = math.cos(math.pi / 6), math.sin(math.pi / 6)
    along = d @ np.array([c, s]), d @ np.array([-s, c])
    assert Quadratic().loss(Quadratic().init()) == pytest.approx(0.5 * (along[0] ** 2 + 10 * along[1] ** 2))
    # MLP with all-zero weights: z = 0 everywhere, loss log(1 + e⁰) = log 2
    zero = {k: np.zeros_like(v) for k, v in MLP().init().items()}
    assert MLP().loss(zero) == pytest.approx(math.log(2.0), rel=1e-15)


@pytest.mark.parametrize(
    "problem", [Quadratic(), Quadratic(condition=1e3, dim=6), Rosenbrock(), Rosenbrock(dim=7), Beale()]
)
def test_known_minimum_has_zero_gradient_and_the_stated_value(problem):
    assert problem.loss(problem.minimizer) == problem.min_value == 0.0
    np.testing.assert_array_equal(problem.grad(problem.minimizer), 0.0)


def test_quadratic_condition_number_is_the_parameter():
    for condition, dim in ((10.0, 2), (1e4, 8)):
        eigenvalues = np.linalg.eigvalsh(Quadratic(condition=condition, dim=dim).A)
        assert eigenvalues.max() / eigenvalues.min() == pytest.approx(condition, rel=1e-10)


def test_reddi_online_losses_and_projection():
    problem = Reddi()  # C = 3, period 3, slope 1
    slopes = [problem.grad(np.zeros(1), t)[0] for t in range(1, 8)]
    assert slopes == [3.0, -1.0, -1.0, 3.0, -1.0, -1.0, 3.0]
    # average loss (3 − 1 − 1)/3 · x, minimum at x = −1: −1/3
    assert problem.min_value == pytest.approx(-1.0 / 3.0)
    assert problem.loss(np.array([-1.0])) == pytest.approx(-1.0 / 3.0)
    x = np.array([2.5])
    problem.project(x)
    assert x[0] == 1.0
    paper = Reddi(C=1010.0, period=101, slope=10.0)
    assert paper.min_value == pytest.approx(-(1010.0 - 1000.0) / 101.0)


def test_logistic_minimizer_is_a_stationary_point_and_the_minimum():
    problem = LogisticRegression()
    w = problem.minimizer
    assert np.abs(problem.grad(w)).max() < 1e-12
    rng = np.random.default_rng(5)
    for _ in range(20):
        assert problem.loss(w + 0.1 * rng.standard_normal(3)) > problem.min_value


def test_finite_sum_batches_are_seeded_index_sets():
    problem = LogisticRegression(n=50, batch_size=8)
    a = [next(it) for it in [problem.batches(4)] for _ in range(5)]
    b = [next(it) for it in [problem.batches(4)] for _ in range(5)]
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
        assert len(np.unique(x)) == 8 and x.min() >= 0 and x.max() < 50
    assert not np.array_equal(next(problem.batches(5)), a[0])


def test_two_moons_labels_and_shape():
    X, y = two_moons(100, 0.0, seed=0)
    assert X.shape == (100, 2) and set(y) == {0.0, 1.0} and y.sum() == 50
    # without noise the upper moon lies on the unit circle around (−0.5, −0.25)
    upper = X[y == 1.0] + np.array([0.5, 0.25])
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-14)


def test_drifting_stream_phases_boundaries_and_markers():
    problem = DriftingStream(period=10, drifts=3, angle=60.0)
    assert [problem.phase(t) for t in (1, 10, 11, 20, 21, 40, 41, 100)] == [0, 0, 1, 1, 2, 3, 3, 3]
    assert problem.markers == {"drift": (10, 20, 30)}
    assert problem.normal(1) @ problem.normal(0) == pytest.approx(0.5)  # cos 60°
    # with no label noise every label of step t agrees with the boundary of its phase
    clean = DriftingStream(period=5, drifts=2, label_noise=0.0)
    for t, (X, y) in zip(range(1, 16), clean.batches(seed=2), strict=False):
        np.testing.assert_array_equal(y, np.where(X @ clean.normal(clean.phase(t)) >= 0, 1.0, -1.0))
    # a perfect model of phase 0 has accuracy 1 on phase 0
    perfect = {"w": 1e3 * problem.normal(0), "b": np.zeros(1)}
    assert problem.metrics(perfect, 0)["accuracy"] == 1.0


@pytest.mark.parametrize(
    ("factory", "kwargs", "name"),
    [
        (Quadratic, {"condition": 0.5}, "condition"),
        (Quadratic, {"dim": 0}, "dim"),
        (Rosenbrock, {"dim": 1}, "dim"),
        (Reddi, {"C": 1.5}, "C"),
        (Reddi, {"period": 1}, "period"),
        (LogisticRegression, {"batch_size": 1000}, "batch_size"),
        (MLP, {"hidden": 0}, "hidden"),
        (DriftingStream, {"label_noise": 0.5}, "label_noise"),
    ],
)
def test_bad_settings_raise_naming_the_parameter(factory, kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}="):
        factory(**kwargs)


def test_scaled_multiplies_loss_and_gradient_and_keeps_the_minimiser():
    from numopt.problems import Scaled

    base = Quadratic(condition=10.0)
    scaled = Scaled(base, 100.0)
    x = base.init(3)
    assert scaled.loss(x) == 100.0 * base.loss(x)
    np.testing.assert_array_equal(scaled.grad(x), 100.0 * base.grad(x))
    np.testing.assert_array_equal(scaled.init(3), x)
    with pytest.raises(ValueError, match="c"):
        Scaled(base, 0.0)


def test_flattened_joins_the_arrays_in_order_and_splits_them_back():
    from numopt.problems import MLP, Flattened

    mlp = MLP()
    flat = Flattened(mlp)
    params = mlp.init(1)
    x = flat.init(1)
    assert x.shape == (sum(a.size for a in params.values()),)
    start = 0
    for a in params.values():  # the vector is the arrays, raveled, in the problem's order
        np.testing.assert_array_equal(x[start : start + a.size], a.ravel())
        start += a.size
    assert flat.loss(x) == mlp.loss(params)
    np.testing.assert_array_equal(flat.split(flat.grad(x))["W1"], mlp.grad(params)["W1"])
