"""The trajectory runner: closed-form runs, convergence of every algorithm, seeds, shapes, errors."""

import subprocess
import sys

import numpy as np
import pytest

import numopt
from numopt.problems import MLP, DriftingStream, Problem, Quadratic, Reddi, Rosenbrock
from numopt.runner import (
    ADAPTIVE,
    SELF_SCALED,
    SUGGESTED,
    Trajectory,
    learning_rate,
    make_optimizer,
    make_problem,
    run,
    suggested,
)

# Settings with which each algorithm converges on Quadratic() (κ = 10). Where a
# default would not converge, the reason:
# * RMSProp with a constant lr ends in a cycle of amplitude ~lr (g/√v ≈ ±1), so lr decays as 1/√t;
# * near the minimum AdaDelta is gradient descent with step lr·√(E[Δ²]+ε)/√ε ≥ lr, stable only for
#   lr·λ_max < 2, i.e. lr < 0.2 here (with lr = 1 it leaves the minimum again);
# * AdamW and AdaXW with weight decay converge to another point, so λ = 0 here.
# * Rprop and L-BFGS stop short of 1e-6 with torch's Δ_min = 1e-6 and tolerances; ASGD's λ shrinks θ to 0;
# * Muon's step has norm ~η and Adafactor's is relative to ‖θ‖ with ρ_t ~ 1/√t: both need a shrinking η,
#   as do the sign methods (Lion, Signum) and the trust-ratio ones (LAMB, LARS: steps relative to ‖θ‖).
CONVERGING = {
    "sgd": {"lr": 0.1},
    "momentum": {"lr": 0.05},
    "nag": {"lr": 0.05},
    "adagrad": {"lr": 0.5},
    "rmsprop": {"lr": lambda t: 0.05 / t**0.5},
    "adadelta": {"lr": 0.19},
    "adam": {"lr": 0.05},
    "adamw": {"lr": 0.05, "weight_decay": 0.0},
    "nadam": {"lr": 0.05},
    "adax": {"lr": 0.05},
    "adaxw": {"lr": 0.05, "weight_decay": 0.0},
    "egu": {"lr": 0.05},
    "egsgd": {"lr": 0.05},
    "funnel": {"lr": 0.05},
    "adamax": {"lr": 0.05},
    "radam": {"lr": 0.05},
    "rprop": {"step_sizes": (1e-12, 50.0)},
    "asgd": {"lr": 0.1, "lambd": 0.0},
    "adafactor": {"lr": lambda t: 0.1 * 0.995**t},
    "lbfgs": {"tolerance_grad": 0.0, "tolerance_change": 0.0},
    "muon": {"lr": lambda t: 0.2 * 0.98**t, "weight_decay": 0.0},
    "sparse_adam": {"lr": 0.05},
    "lion": {"lr": lambda t: 0.2 * 0.98**t},
    "signum": {"lr": lambda t: 0.2 * 0.98**t},
    "adabelief": {"lr": 0.05},
    "yogi": {"lr": 0.05},
    "lamb": {"lr": lambda t: 0.1 * 0.99**t, "weight_decay": 0.0},
    "lars": {"lr": lambda t: 100 * 0.99**t, "weight_decay": 0.0},
    "schedule_free": {"lr": 0.05},
    "lookahead": {"lr": 0.05},  # the inner Adam's
}


def test_every_algorithm_is_covered():
    assert set(CONVERGING) == set(numopt.OPTIMIZERS)


@pytest.mark.parametrize("key", CONVERGING)
def test_every_algorithm_reaches_the_quadratic_minimum(key):
    problem = Quadratic()
    traj = run(numopt.OPTIMIZERS[key](**CONVERGING[key]), problem, 3000)
    tol = 1e-3 if key == "rmsprop" else 1e-6  # 1/√t decay: distance ~ lr/√t at the end
    assert np.linalg.norm(traj.params[-1] - problem.minimizer) < tol
    assert traj.losses[-1] < traj.losses[0]


def test_sgd_run_follows_the_closed_form():
    # θ_k − θ* = (I − ηA)^k (θ_0 − θ*); loss ½ dᵀAd; gradient norm ‖A d‖ before each step
    problem, eta = Quadratic(condition=4.0), 0.1
    traj = run(numopt.SGD(lr=eta), problem, 5)
    d0 = problem.init() - problem.minimizer
    M = np.eye(2) - eta * problem.A
    expected = np.array([np.linalg.matrix_power(M, k) @ d0 for k in range(6)])
    np.testing.assert_allclose(traj.params - problem.minimizer, expected, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(traj.losses, [0.5 * d @ problem.A @ d for d in expected], rtol=1e-13)
    np.testing.assert_allclose(traj.grad_norms, [np.linalg.norm(problem.A @ d) for d in expected[:-1]], rtol=1e-13)


def test_projection_is_applied_after_every_step():
    # SGD, lr 1 on Reddi (C = 3): 0 −3→ −1 (clipped), +1 → 0, +1 → 1, −3 → −1 (clipped)
    traj = run(numopt.SGD(lr=1.0), Reddi(), 4)
    np.testing.assert_array_equal(traj.params[:, 0], [0.0, -1.0, 0.0, 1.0, -1.0])
    np.testing.assert_array_equal(traj.grad_norms, [3.0, 1.0, 1.0, 3.0])


def test_shapes_and_recorded_state_for_array_params():
    opt = numopt.Adam(lr=0.01)
    traj = run(opt, "rosenbrock", 7, record_state=True)
    assert traj.params.shape == (8, 2) and traj.losses.shape == (8,) and traj.grad_norms.shape == (7,)
    assert set(traj.state) == {"m", "v"} and traj.state["v"].shape == (7, 2)
    np.testing.assert_array_equal(traj.state["m"][-1], opt.state["m"])
    assert traj.steps == 7 and traj.key == "adam" and traj.problem == "rosenbrock"
    assert traj.optimizer == repr(opt)


def test_shapes_and_recorded_state_for_dict_params():
    problem = MLP(n=40, hidden=5, batch_size=8)
    traj = run(numopt.Funnel(), problem, 4, record_state=True)
    assert traj.params["W1"].shape == (5, 2, 5) and traj.params["b2"].shape == (5, 1)
    assert traj.state["W1"]["p"].shape == (4, 2, 5)
    assert traj.state["b1"]["s"].shape == (4,)  # one scale per parameter array


def test_without_record_state_there_is_no_state():
    assert run("sgd", "quadratic", 3).state is None
    assert run("sgd", "quadratic", 0, record_state=True).state == {}


@pytest.mark.parametrize("name", ["logistic", "mlp", "drift"])
def test_a_fixed_seed_reproduces_a_run_exactly(name):
    a, b, c = (run("adam", name, 30, seed=s) for s in (3, 3, 4))
    first = (lambda p: p["w"]) if name == "drift" else (lambda p: p["W1"]) if name == "mlp" else (lambda p: p)
    np.testing.assert_array_equal(first(a.params), first(b.params))
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.grad_norms, b.grad_norms)
    assert not np.array_equal(a.grad_norms, c.grad_norms)


def test_metrics_and_markers_of_the_drifting_stream():
    traj = run("sgd", DriftingStream(period=5, drifts=2), 12)
    assert traj.markers == {"drift": (5, 10)}
    assert traj.metrics["accuracy"].shape == (13,)
    assert ((0.0 <= traj.metrics["accuracy"]) & (traj.metrics["accuracy"] <= 1.0)).all()


def test_start_is_copied_not_changed():
    start = np.array([0.5, 0.5])
    traj = run("sgd", "quadratic", 3, start=start)
    np.testing.assert_array_equal(start, [0.5, 0.5])
    np.testing.assert_array_equal(traj.params[0], [0.5, 0.5])


def test_steps_to_tolerance_and_gaps():
    traj = Trajectory("x", "sgd", "p", np.zeros((4, 1)), np.array([5.0, 3.0, 2.0, 1.5]), np.ones(3), min_value=1.0)
    np.testing.assert_array_equal(traj.gaps, [4.0, 2.0, 1.0, 0.5])
    assert traj.steps_to(1.0) == 2
    assert traj.steps_to(0.1) is None


def test_make_optimizer_uses_the_suggested_learning_rate():
    problem = make_problem("rosenbrock")
    assert make_optimizer("adam", problem).lr == SUGGESTED[Rosenbrock].adaptive
    assert make_optimizer("nag", problem).lr == SUGGESTED[Rosenbrock].gradient
    assert make_optimizer("adadelta", problem).lr == numopt.AdaDelta().lr
    assert make_optimizer("adam", problem, lr=0.5, beta1=0.5).beta1 == 0.5
    assert make_optimizer("egsgd", problem).gamma == SUGGESTED[Rosenbrock].overrides["egsgd"]["gamma"]


def test_learning_rate_families():
    problem = Rosenbrock()
    assert learning_rate("adam", problem) == learning_rate("adax", problem) == suggested(problem).adaptive
    assert learning_rate("momentum", problem) == learning_rate("sgd", problem) == suggested(problem).gradient
    assert learning_rate("adadelta", problem) is None


def test_suggested_settings_name_only_registered_keys_and_follow_subclasses():
    keys = set(numopt.OPTIMIZERS)
    assert ADAPTIVE <= keys and SELF_SCALED <= keys and not ADAPTIVE & SELF_SCALED
    assert all(set(s.overrides) <= keys for s in SUGGESTED.values())

    class Valley(Rosenbrock):
        pass

    class Bare(Problem):
        pass

    assert suggested(Valley()) is SUGGESTED[Rosenbrock]
    assert suggested(Bare()) is SUGGESTED[Problem]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: run("sgd", "quadratic", -1), "^steps=-1; expected an int >= 0"),
        (lambda: run("sgd", "quadratic", 2.5), "^steps=2.5"),
        (lambda: run("sgd", "nope", 1), "^problem='nope' is unknown; expected one of quadratic, rosenbrock"),
        (lambda: run("adamm", "quadratic", 1), "^optimizer='adamm' is unknown; expected one of sgd, momentum"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_numopt_imports_without_matplotlib():
    code = (
        "import sys, numopt, numopt.runner, numopt.problems, numopt.cli; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_effective_rates_of_sgd_are_its_learning_rate_and_of_adagrad_one_over_root_sum():
    from numopt.runner import effective_rates

    grads = np.array([[1.0, -2.0], [3.0, 0.5], [-1.0, 1.0]])
    np.testing.assert_allclose(effective_rates(numopt.SGD(lr=0.1), grads), np.full(grads.shape, 0.1), rtol=1e-15)
    # AdaGrad with ε → 0: the rate at step t is η / √(Σ_{k≤t} g_k²), per coordinate
    expected = 0.1 / np.sqrt(np.cumsum(grads**2, axis=0))
    np.testing.assert_allclose(effective_rates(numopt.AdaGrad(lr=0.1, eps=1e-300), grads), expected, rtol=1e-14)


def test_final_loss_is_the_last_loss_of_run_and_inf_for_a_blow_up():
    from numopt.runner import final_loss

    problem = Quadratic()
    trajectory = run(numopt.SGD(lr=0.05), problem, 30, seed=2)
    assert final_loss(numopt.SGD(lr=0.05), problem, 30, seed=2) == trajectory.losses[-1]
    assert final_loss(numopt.SGD(lr=1e3), problem, 200, seed=2) == float("inf")
