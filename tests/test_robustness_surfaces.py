"""Robustness of the surfaces around the step (issue 23): explain, saved state, schedules, runner, plots, grading.

One test (or a few) per numbered class of the issue, each of which failed before
the fix; the generated-case probes and the command line have files of their own
(test_robustness_probes.py, test_robustness_cli.py). Every expected number is
derived in the test's comment (a float32 rounding, a smallest subnormal, a
closed-form schedule value), never copied from a run.
"""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest

import numopt
from numopt import schedules
from numopt.grading import grade
from numopt.problems import MLP, Flattened, Quadratic, Rosenbrock, Scaled
from numopt.runner import run


def twins(optimizer):
    """Two optimizers in the same state: one to explain, one to step."""
    return optimizer, pickle.loads(pickle.dumps(optimizer))


def assert_same_state(a, b) -> None:
    assert a.t == b.t
    assert a.state.keys() == b.state.keys()
    for name in a.state:
        x, y = a.state[name], b.state[name]
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name


# ---------------------------------------------------------------- 1. explain and shared memory
@pytest.mark.parametrize("advance", [True, False])
def test_explain_refuses_params_that_share_memory_as_step_does(advance):
    a = np.ones(3)
    opt = numopt.SGD(lr=0.1)
    with pytest.raises(ValueError, match=r"params\[0\] and params\[1\] share memory"):
        numopt.explain(opt, [a, a], [np.ones(3), np.ones(3)], advance=advance)
    assert (a == 1).all() and opt.t == 0 and opt.state == {}


# ---------------------------------------------------------------- 2. explain(advance=True) is all or nothing
def test_explain_advance_leaves_what_step_leaves_when_the_state_becomes_inf():
    """g = 1e200: g² = 1e400 overflows, so AdaGrad's v becomes inf (a NumericalWarning); a reload would refuse it."""
    explained, stepped = twins(numopt.AdaGrad(lr=0.1))
    theta_e, theta_s, g = np.ones(2), np.ones(2), np.array([1e200, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", numopt.NumericalWarning)
        numopt.explain(explained, theta_e, g, advance=True)
        stepped.step(theta_s, g)
    assert np.isinf(stepped.state["v"][0])
    assert theta_e.tobytes() == theta_s.tobytes()
    assert_same_state(explained, stepped)


def test_explain_advance_changes_nothing_when_a_later_step_raises():
    opt = numopt.Adam(lr=0.1)
    theta = np.array([1.0, 2.0])
    calls = []

    def grads(params):
        calls.append(1)
        return np.array([0.5, -0.5]) if len(calls) < 3 else np.array([np.nan, 0.0])

    with pytest.raises(FloatingPointError, match="NaN or inf"):
        numopt.explain(opt, theta, grads, steps=3, advance=True)
    assert theta.tolist() == [1.0, 2.0] and opt.t == 0 and opt.state == {}


# ---------------------------------------------------------------- 3. explain is step for every layout
def test_explain_is_bitwise_step_for_a_strided_gradient_of_the_funnel_without_directions():
    """c = ⟨g, ν⟩ summed over a strided g (step) and over a contiguous copy (explain before) rounded differently.

    gamma_s = 0.5 without bounds makes s = exp(γ_s c) carry c's last bit into θ; seed 1 gave a difference.
    """
    rng = np.random.default_rng(1)
    explained, stepped = twins(numopt.Funnel(use_directions=False, gamma_s=0.5, s_bounds=None))
    theta_e = rng.standard_normal(64)
    theta_s = theta_e.copy()
    for _ in range(3):
        g = rng.standard_normal(128)[::2]
        numopt.explain(explained, theta_e, g, advance=True)
        stepped.step(theta_s, g)
    assert theta_e.tobytes() == theta_s.tobytes()
    assert_same_state(explained, stepped)


# ---------------------------------------------------------------- 4. every state a step reaches loads back
def test_a_float32_funnel_at_its_lower_clip_resumes():
    """Gradients that flip sign every step make u = −1, so p shrinks by exp(−γ_p) a step: below 0.01 after 461.

    The clip gives float32(0.01) = 0.00999999977648..., which is below the float 0.01.
    """
    opt = numopt.Funnel()
    theta = np.ones(3, np.float32)
    for k in range(600):
        opt.step(theta, np.array([1.0, -1.0, 1.0], np.float32) * (-1) ** k)
    assert (opt.state["p"] == np.float32(0.01)).all() and float(np.float32(0.01)) < 0.01
    resumed = numopt.Funnel()
    resumed.load_state_dict(opt.state_dict())
    theta2, g = theta.copy(), np.array([0.5, 0.5, -0.5], np.float32)
    opt.step(theta, g)
    resumed.step(theta2, g)
    assert theta.tobytes() == theta2.tobytes()
    assert_same_state(opt, resumed)


def test_a_run_whose_second_moment_overflowed_resumes_bitwise():
    """g = 1e200 makes AdaGrad's v = g² = inf in the first coordinate (frozen from then on, as the warning says);
    the other coordinate trains on, and a checkpoint of the run must load and go on as the run does."""
    run_on, theta = numopt.AdaGrad(lr=0.1), np.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", numopt.NumericalWarning)
        run_on.step(theta, np.array([1e200, 1.0]))
    resumed, theta2 = numopt.AdaGrad(lr=0.1), theta.copy()
    resumed.load_state_dict(run_on.state_dict())
    for g in (np.array([1.0, 0.5]), np.array([-2.0, 0.25])):
        run_on.step(theta, g)
        resumed.step(theta2, g)
    assert np.isinf(resumed.state["v"][0]) and theta.tobytes() == theta2.tobytes()
    assert_same_state(run_on, resumed)


# ---------------------------------------------------------------- 5. EGU keeps θ > 0
@pytest.mark.parametrize(("dtype", "smallest"), [(np.float32, 2.0**-149), (np.float64, 2.0**-1074)])
def test_egu_keeps_a_product_that_underflows_at_the_smallest_positive_float(dtype, smallest):
    """η g = 0.01 · 1e19 = 1e17: exp(−1e17) is 0 in any dtype; the smallest subnormals are 2⁻¹⁴⁹ and 2⁻¹⁰⁷⁴."""
    opt = numopt.EGU(lr=0.01)
    theta = np.array([1.0, 1.0], dtype)
    opt.step(theta, np.array([1e19, 0.0], dtype))
    assert theta[0] == smallest and theta[1] == 1.0
    opt.step(theta, np.array([-1.0, 0.0], dtype))  # the next step is taken: θ is still > 0
    assert opt.t == 2 and theta[0] > 0


# ---------------------------------------------------------------- 6 and 13. grading what a step returns
class ComplexSGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def step(self, params, grads):
        return params - self.lr * grads + 0j  # the right real part, and complex numbers


class ListSGD(ComplexSGD):
    def step(self, params, grads):
        return [p - self.lr * g for p, g in zip(params, grads, strict=True)]


class NumbersSGD(ComplexSGD):
    def step(self, params, grads):
        return (params - self.lr * grads).tolist()  # one array's new values as a list of numbers


class GeneratorSGD(ComplexSGD):
    def step(self, params, grads):
        return (p - self.lr * g for p, g in zip(params, grads, strict=True))


class Float32SGD(ComplexSGD):
    def step(self, params, grads):
        params[...] = params.astype(np.float32) - np.float32(self.lr) * grads.astype(np.float32)


def test_a_candidate_returning_complex_parameters_fails_and_is_told_why():
    report = grade(ComplexSGD, "sgd")
    assert not report.passed
    assert any("produced complex numbers" in (r.failure or "") for r in report.results)


@pytest.mark.parametrize("candidate", [ListSGD, NumbersSGD, GeneratorSGD])
def test_a_step_returning_its_new_values_as_a_list_or_generator_is_read(candidate):
    assert grade(candidate, "sgd").passed


def test_a_float32_candidate_is_told_that_float32_rounding_fails_the_rule():
    report = grade(Float32SGD, "sgd")
    assert not report.passed
    assert any("float32" in (r.failure or "") for r in report.results)


# ---------------------------------------------------------------- 7. numbers beyond the floats
def test_a_hyperparameter_of_10_to_the_400_is_refused_by_name():
    with pytest.raises(ValueError, match=r"lr=~10\*\*400 is out of range"):
        numopt.SGD(lr=10**400)
    saved = numopt.SGD(lr=0.1).state_dict()
    saved["hyperparameters"]["lr"] = 10**400
    opt = numopt.SGD(lr=0.1)
    with pytest.raises(ValueError, match=r"hyperparameters'\] are refused: lr=~10\*\*400"):
        opt.load_state_dict(saved)
    assert opt.lr == 0.1


def test_a_schedule_value_of_10_to_the_400_is_refused_by_name_and_changes_nothing():
    theta, opt = np.ones(2), numopt.SGD(lr=lambda t: 10**400)
    with pytest.raises(ValueError, match=r"lr\(1\) returned ~10\*\*400"):
        opt.step(theta, np.ones(2))
    assert opt.t == 0 and (theta == 1).all()


def test_a_saved_t_beyond_2_to_the_53_is_refused():
    opt = numopt.Adam()
    opt.step(np.ones(2), np.ones(2))
    saved = opt.state_dict()
    saved["t"] = 10**400
    fresh = numopt.Adam()
    with pytest.raises(ValueError, match=r"state_dict\['t'\] is ~10\*\*400; expected an int >= 0 and <= 2\*\*53"):
        fresh.load_state_dict(saved)
    saved["t"] = 2**53  # the largest accepted: β^t and lr(t) still compute (β^(2^53) underflows to 0)
    fresh.load_state_dict(saved)
    theta = np.ones(2)
    fresh.step(theta, np.ones(2))
    assert np.isfinite(theta).all()


# ---------------------------------------------------------------- 8. malformed saved structure
def saved_momentum(params):
    opt = numopt.Momentum(lr=0.1)
    opt.step(params, {k: np.ones_like(v) for k, v in params.items()} if isinstance(params, dict) else
             np.ones_like(params))
    return opt.state_dict()


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (lambda d: d["structure"].update(shapes=[[2**40]]), r"\['shapes'\]\[0\] has 1099511627776 entries of float64"),
        (lambda d: d["structure"].update(kind=["array"]), r"has kind \['array'\]; expected 'array'"),
        (lambda d: d["state"][0].update(b=[[1.0], [1.0, 2.0]]), r"'b' is a ragged list, not an array"),
    ],
    ids=["huge shape", "list kind", "ragged"],
)
def test_a_malformed_saved_structure_is_refused_by_name(corrupt, message):
    saved = saved_momentum(np.ones(2))
    corrupt(saved)
    opt = numopt.Momentum(lr=0.1)
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(saved)
    assert opt.t == 0 and opt.state == {}


def test_duplicate_keys_in_a_saved_structure_are_refused():
    saved = saved_momentum({"a": np.ones(2)})
    s = saved["structure"]
    s["keys"], s["shapes"], s["dtypes"] = ["a", "a"], s["shapes"] * 2, s["dtypes"] * 2
    saved["state"] *= 2
    with pytest.raises(ValueError, match=r"has the keys \['a', 'a'\]; expected distinct keys"):
        numopt.Momentum(lr=0.1).load_state_dict(saved)


# ---------------------------------------------------------------- 9. schedules check their arguments
@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: schedules.StepDecay(0.1, every=0), "every"),
        (lambda: schedules.StepDecay(0.1, every=2, factor=1.5), "factor"),
        (lambda: schedules.Cosine(0.1, steps=0), "steps"),
        (lambda: schedules.Cosine(0.1, steps=10, lr_min=0.2), "lr_min"),
        (lambda: schedules.Exponential(0.1, gamma=1.01), "gamma"),
        (lambda: schedules.InverseTime(0.1, decay=-1.0), "decay"),
        (lambda: schedules.Warmup(0.1, steps=0), "steps"),
        (lambda: schedules.Warmup("0.1", steps=3), "after"),
        (lambda: schedules.StepDecay("a", every=2), "lr"),
        (lambda: schedules.Exponential(float("nan"), gamma=0.5), "lr"),
        (lambda: schedules.StepDecay(0.1, every=2.5), "every"),
    ],
)
def test_a_schedule_refuses_a_bad_argument_when_made(make, name):
    with pytest.raises(ValueError, match=rf"^{name}="):
        make()


@pytest.mark.parametrize(
    ("schedule", "t", "expected"),
    [
        # 0.1 · 0.5^⌊(2⁵³ − 1)/2⌋ underflows to 0; 0.1 · 0.9^(2⁵³ − 1) too; 0.1/(1 + 1·(2⁵³ − 1)) = 0.1 · 2⁻⁵³
        (schedules.StepDecay(0.1, every=2, factor=0.5), 2**53, 0.0),
        (schedules.Exponential(0.1, gamma=0.9), 2**53, 0.0),
        (schedules.InverseTime(0.1, decay=1.0), 2**53, 0.1 * 2.0**-53),
        (schedules.Cosine(0.1, steps=3, lr_min=0.01), 2**53, 0.01),  # past the end: lr_min
        (schedules.Warmup(0.4, steps=4), 2**53, 0.4),  # past the ramp: after
    ],
)
def test_a_schedule_gives_a_finite_step_size_at_the_largest_t_a_state_may_hold(schedule, t, expected):
    assert schedule(t) == pytest.approx(expected, rel=1e-15, abs=0.0)


def test_a_schedule_over_any_valid_argument_has_a_repr_so_state_dict_works():
    for schedule in (schedules.StepDecay(np.float32(0.1), every=np.int64(3)), schedules.Warmup(np.array(0.1), 2)):
        assert numopt.SGD(lr=schedule).state_dict()["lr_schedule"] == repr(schedule)


@pytest.mark.parametrize("value", [np.array(0.25), np.float32(0.25), 1, np.int64(1)], ids=["0-d", "f32", "int", "i64"])
def test_lr_t_may_return_any_real_scalar(value):
    """θ = 1 − lr · 1: 0.75 for 0.25 and 0 for 1."""
    theta = np.ones(1)
    numopt.SGD(lr=lambda t: value).step(theta, np.ones(1))
    assert theta[0] == 1.0 - float(value)


# ---------------------------------------------------------------- 11. runner and plots
def test_run_refuses_a_start_unlike_the_problems_params_by_name():
    with pytest.raises(ValueError, match=r"start is a dict with the keys \['W1'\]; expected a dict with the keys"):
        run("sgd", "mlp", 2, start={"W1": np.ones((2, 16))})
    with pytest.raises(ValueError, match=r"start is a ndarray of shape \(3,\) .*expected real numbers of shape \(2,\)"):
        run("sgd", "quadratic", 2, start=np.ones(3))
    traj = run("sgd", "quadratic", 1, start=[2, 1])  # a list of ints is a start of floats
    assert traj.params[0].tolist() == [2.0, 1.0]


def test_the_sweep_and_rate_helpers_refuse_bad_counts_and_shapes():
    from numopt.runner import effective_rates, final_loss

    with pytest.raises(ValueError, match=r"^steps=-1; expected an int >= 0"):
        final_loss(numopt.SGD(), Quadratic(), -1)  # before: range(-1) took no step and returned the start's loss
    with pytest.raises(ValueError, match=r"^grads has shape \(3,\) and dtype float64; expected floats of shape"):
        effective_rates(numopt.SGD(), np.ones(3))


@pytest.mark.parametrize("seed", [-1, 1.5, "1", True])
def test_run_refuses_a_seed_that_is_not_an_int_at_least_0(seed):
    with pytest.raises(ValueError, match=r"^seed="):
        run("sgd", "quadratic", 2, seed=seed)


def test_problem_wrappers_refuse_what_they_cannot_wrap():
    with pytest.raises(ValueError, match=r"Flattened\(Quadratic\(condition=10, dim=2\)\): its params are ndarray"):
        Flattened(Quadratic())
    with pytest.raises(TypeError, match=r"Scaled\(problem='mlp'\); expected a Problem"):
        Scaled("mlp", 2.0)
    assert Flattened(MLP()).init().shape == (2 * 16 + 16 + 16 + 1,)  # W1 (2, 16), b1, W2 (16, 1), b2


@pytest.mark.parametrize("angle", ["x", float("nan"), float("inf"), None])
def test_quadratic_refuses_an_angle_that_is_not_a_finite_number(angle):
    with pytest.raises(ValueError, match=r"^angle="):
        Quadratic(angle=angle)


def test_plots_take_a_problem_name_and_refuse_what_they_cannot_draw():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from numopt import plot

    fig, ax = plt.subplots()
    try:
        assert plot.contours("rosenbrock", run("sgd", "rosenbrock", 3), ax=ax, resolution=20) is ax
        with pytest.raises(ValueError, match=r"trajectory 'sgd' is a run on 'rosenbrock10'"):
            plot.contours(Rosenbrock(), [run("sgd", "rosenbrock10", 2)], ax=ax)
        with pytest.raises(TypeError, match=r"trajectories\[0\] is a ndarray; expected a Trajectory"):
            plot.loss_curves([np.ones(3)], ax=ax)
        with pytest.raises(ValueError, match=r"^t=10000000; expected an int >= 1 and <= 2_000"):
            plot.ewma_bars(0.9, 10**7, ax=ax)
        with pytest.raises(TypeError, match=r"series is a NoneType; expected a mapping"):
            plot.curves(None, ax=ax)
        for path in ("", " ", ".", str(Path.cwd())):
            with pytest.raises(ValueError, match=r"^path=.* is (blank|a folder); expected a file name"):
                plot.save(fig, path)
    finally:
        plt.close(fig)


# ---------------------------------------------------------------- 12. the Funnel's bounds
@pytest.mark.parametrize("bounds", ["12", {0.1: 1, 2: 3}, {0.1, 2.0}, (0.1,), (0.1, 2.0, 3.0), [0.1, [2.0]]])
def test_funnel_bounds_are_only_a_pair_of_reals(bounds):
    with pytest.raises(TypeError, match=r"p_bounds=.*expected None or a pair \(low, high\) of real numbers"):
        numopt.Funnel(p_bounds=bounds)


def test_funnel_bounds_accept_a_list_or_an_array_of_two():
    assert numopt.Funnel(p_bounds=[0.1, 2]).p_bounds == (0.1, 2.0)
    assert numopt.Funnel(s_bounds=np.array([0.5, 4.0])).s_bounds == (0.5, 4.0)
