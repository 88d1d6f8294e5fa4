"""numopt against code nobody here wrote.

1. torch.optim: ``tests/reference/golden.npz`` holds float64 torch.optim trajectories made by
   ``tests/reference/make_golden.py`` (see ``tests/reference/README.md``). Every case is
   replayed through numopt on the same gradients: a teacher-forced stream (200 steps, arrays
   of shapes (), (2,), (1, 3), some coordinates with gradients of 1e-6 to 1e-12) and closed
   loops on the Rosenbrock function and an ill-conditioned quadratic (100 steps).
2. What torch lacks (Nadam's document form, AdaX, AdaXW, EGU, EGSGD, Funnel and its
   variants): the functions ``ref_*`` below are re-derived from the documented equations
   alone (the algorithm boxes of the module docstrings; docs 000, 003 and 004), without
   running numopt's code, and compared the same way.
3. AdaX with the authors' ε placement agrees with numopt's AdaX to about 1e-10.
4. ``pytest -m torch`` re-runs the torch side live (needs torch; skipped otherwise, and never
   part of the default run).

Every comparison is float64 at rtol 1e-10, atol 1e-12 and prints its worst error
(``pytest -s`` shows the lines).
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pytest
from reference import make_golden as golden

import numopt

RTOL, ATOL = 1e-10, 1e-12

Array = np.ndarray

TORCH_CASES = json.loads(golden.GOLDEN_JSON.read_text(encoding="utf-8"))["cases"]


@functools.cache
def _arrays() -> dict[str, np.ndarray]:
    with np.load(golden.GOLDEN_NPZ) as z:
        return {key: z[key] for key in z.files}


def _stream() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The stored teacher-forced stream: initial parameters and gradients."""
    arrays, n = _arrays(), len(golden.SHAPES)
    return [arrays[f"stream/theta0/{i}"] for i in range(n)], [arrays[f"stream/grads/{i}"] for i in range(n)]


def _numopt_stepper(key: str, hyperparameters: dict):
    def make_step(params):
        return numopt.OPTIMIZERS[key](**hyperparameters).step

    return make_step


def _compare(label: str, actual: list[np.ndarray], expected: list[np.ndarray]) -> None:
    """Print the worst absolute and relative error, then assert agreement at RTOL, ATOL."""
    abs_err = max(float(np.max(np.abs(a - e))) for a, e in zip(actual, expected, strict=True))
    rel_err = max(
        float(np.max(np.abs(a - e) / np.maximum(np.abs(e), np.finfo(np.float64).tiny)))
        for a, e in zip(actual, expected, strict=True)
    )
    print(f"\n{label:<40} worst abs error {abs_err:.2e}  worst rel error {rel_err:.2e}")
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        np.testing.assert_allclose(a, e, rtol=RTOL, atol=ATOL, err_msg=f"{label}, parameter array {i}")


def _golden_history(case: dict, problem: str) -> list[np.ndarray]:
    n = len(golden.SHAPES) if problem == "teacher" else 1
    return [_arrays()[golden.npz_key(case["name"], problem, i)] for i in range(n)]


# ----------------------------------------------------------------------------- 1. torch.optim
def test_stored_stream_follows_the_recorded_recipe():
    theta0, grads = golden.teacher_stream()
    stored_theta0, stored_grads = _stream()
    for a, b in zip(theta0 + grads, stored_theta0 + stored_grads, strict=True):
        np.testing.assert_array_equal(a, b)
    assert [g.shape for g in stored_grads] == [(golden.N_TEACHER, *s) for s in golden.SHAPES]


@pytest.mark.parametrize("problem", golden.PROBLEM_NAMES)
@pytest.mark.parametrize("case", TORCH_CASES, ids=[c["name"] for c in TORCH_CASES])
def test_numopt_matches_torch_golden(case, problem):
    stepper = _numopt_stepper(case["numopt"]["key"], case["numopt"]["kwargs"])
    actual = golden.trajectory(stepper, problem, _stream())
    _compare(f"torch {case['name']} {problem}", actual, _golden_history(case, problem))


# ----------------------------------------------------------------------------- 2. from the equations
# Each ref_* function is one step for one parameter array, written from the documented equations:
# it takes θ, g, the step number t (1 on the first step) and a dict holding the state
# (empty before the first step, so the initial values are written here), and returns the new θ.
def ref_nadam_document(theta: Array, g: Array, t: int, state: dict, lr: float, beta1: float, beta2: float,
                       eps: float) -> Array:
    """Nadam, doc 003: θ ← θ − η (β1 m̂ + (1−β1) g/(1−β1ᵗ)) / (√v̂ + ε)."""
    m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * (beta1 * m_hat + (1 - beta1) * g / (1 - beta1**t)) / (np.sqrt(v_hat) + eps)


def ref_adax(theta: Array, g: Array, t: int, state: dict, lr: float, beta1: float, beta2: float, eps: float,
             weight_decay: float, decoupled: bool = False, authors_eps: bool = False) -> Array:
    """AdaX (doc 000), with L2 or (``decoupled``, AdaX-W) decoupled decay.

    ``authors_eps``: the authors' code, ε added to √v before dividing by √((1+β2)ᵗ − 1).
    """
    if decoupled:
        theta = theta * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * theta
    m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    v = state["v"] = (1 + beta2) * state.get("v", 0.0) + beta2 * g**2
    growth = math.expm1(t * math.log1p(beta2))  # (1 + β2)ᵗ − 1
    if authors_eps:
        return theta - lr * m / ((np.sqrt(v) + eps) / math.sqrt(growth))
    return theta - lr * m / (np.sqrt(v / growth) + eps)


def ref_egu(theta: Array, g: Array, t: int, state: dict, lr: float) -> Array:
    """EGU, doc 004 §1: θ ← θ ⊙ exp(−η g)."""
    return theta * np.exp(-lr * g)


def ref_egsgd(theta: Array, g: Array, t: int, state: dict, lr: float, gamma: float) -> Array:
    """EGSGD, doc 004 §2: ν ← ν ⊙ exp(γ g_{t−1} ⊙ g_t), θ ← θ − η ν ⊙ g_t; ν starts at 1, g_0 = 0."""
    nu = state["nu"] = state.get("nu", 1.0) * np.exp(gamma * state.get("g_prev", 0.0) * g)
    state["g_prev"] = g
    return theta - lr * nu * g


def _clip(x, bounds):
    return x if bounds is None else np.minimum(np.maximum(x, bounds[0]), bounds[1])


def ref_funnel(theta: Array, g: Array, t: int, state: dict, lr: float, mu: float, beta: float, gamma_p: float,
               gamma_s: float, use_signs: bool, use_directions: bool, p_bounds: tuple | None,
               s_bounds: tuple | None) -> Array:
    """Funnel, in the order of ``numopt/funnel.py``: scale s, then gain p, then ν, m, θ."""
    nu, m = state.get("nu", 0.0 * g), state.get("m", 0.0 * g)
    p, s = state.get("p", 1.0), state.get("s", 1.0)
    if use_directions:
        c = np.sum((g / (np.sqrt(np.sum(g * g)) + 1e-10)) * (nu / (np.sqrt(np.sum(nu * nu)) + 1e-10)))
    else:
        c = np.sum(g * nu)
    s = state["s"] = _clip(s * np.exp(gamma_s * c), s_bounds)
    u = np.sign(g) * np.sign(m) if use_signs else g * (m / (1 - beta ** max(t - 1, 1)))
    p = state["p"] = _clip(p * np.exp(gamma_p * u), p_bounds)
    nu = state["nu"] = mu * nu + lr * p * g
    state["m"] = beta * m + (1 - beta) * g
    return theta - s * nu


def _reference_stepper(update, hyperparameters: dict, **variant):
    def make_step(params):
        states = [{} for _ in params]
        t = 0

        def step(params, grads):
            nonlocal t
            t += 1
            for theta, g, state in zip(params, grads, states, strict=True):
                theta[...] = update(theta.copy(), g, t, state, **hyperparameters, **variant)

        return step

    return make_step


_FUNNEL = {"mu": 0.9, "beta": 0.9, "gamma_p": 0.05, "gamma_s": 0.01, "use_signs": True, "use_directions": True,
           "p_bounds": (0.01, 100.0), "s_bounds": (0.1, 10.0)}

# Every setting keeps the closed loops stable (see the note above make_golden.TORCH_CASES).
# The EG gains see g_{t-1} g_t of up to ~2e4 on the Rosenbrock function, hence the small γ.
SHEET_CASES = [
    # (name, numopt key, hyperparameters given to both sides, reference update, reference-only switches)
    ("nadam_document_a", "nadam", {"lr": 3e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, ref_nadam_document, {}),
    ("nadam_document_b", "nadam", {"lr": 3e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, ref_nadam_document, {}),
    ("adax_a", "adax", {"lr": 1e-2, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12, "weight_decay": 0.0}, ref_adax, {}),
    ("adax_b", "adax", {"lr": 3e-3, "beta1": 0.8, "beta2": 1e-3, "eps": 1e-10, "weight_decay": 0.05}, ref_adax, {}),
    ("adaxw_a", "adaxw", {"lr": 1e-2, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12, "weight_decay": 0.1}, ref_adax,
     {"decoupled": True}),
    ("adaxw_b", "adaxw", {"lr": 3e-3, "beta1": 0.85, "beta2": 5e-4, "eps": 1e-10, "weight_decay": 0.5}, ref_adax,
     {"decoupled": True}),
    ("egu_a", "egu", {"lr": 1e-3}, ref_egu, {}),
    ("egu_b", "egu", {"lr": 2e-3}, ref_egu, {}),
    ("egsgd_a", "egsgd", {"lr": 1e-3, "gamma": 1e-4}, ref_egsgd, {}),
    ("egsgd_b", "egsgd", {"lr": 3e-4, "gamma": 5e-5}, ref_egsgd, {}),
    ("funnel_a", "funnel", {**_FUNNEL, "lr": 1e-3}, ref_funnel, {}),
    ("funnel_b", "funnel", {**_FUNNEL, "lr": 2e-4, "mu": 0.5, "beta": 0.8, "gamma_p": 0.05, "gamma_s": 0.02,
                            "p_bounds": (0.1, 10.0), "s_bounds": (0.5, 2.0)}, ref_funnel, {}),
    ("funnel_gain_from_values", "funnel", {**_FUNNEL, "lr": 2e-4, "gamma_p": 3e-5, "use_signs": False},
     ref_funnel, {}),
    ("funnel_scale_from_inner_product", "funnel", {**_FUNNEL, "lr": 1e-3, "gamma_s": 1e-3, "use_directions": False},
     ref_funnel, {}),
    ("funnel_document", "funnel", {**_FUNNEL, "lr": 1e-4, "gamma_p": 1e-5, "gamma_s": 1e-4, "use_signs": False,
                                   "use_directions": False, "p_bounds": None, "s_bounds": None}, ref_funnel, {}),
    ("funnel_tight_bounds", "funnel", {**_FUNNEL, "lr": 1e-3, "gamma_p": 0.2, "gamma_s": 0.05,
                                       "p_bounds": (0.5, 2.0), "s_bounds": (0.8, 1.25)}, ref_funnel, {}),
]


def _start(key: str) -> tuple[float, float]:
    return golden.POSITIVE_START if key == "egu" else golden.START


@pytest.mark.parametrize("problem", golden.PROBLEM_NAMES)
@pytest.mark.parametrize(("name", "key", "hyperparameters", "update", "variant"), SHEET_CASES,
                         ids=[c[0] for c in SHEET_CASES])
def test_numopt_matches_sheet_rederivation(name, key, hyperparameters, update, variant, problem):
    stream, start = _stream(), _start(key)
    expected = golden.trajectory(_reference_stepper(update, hyperparameters, **variant), problem, stream, start)
    actual = golden.trajectory(_numopt_stepper(key, hyperparameters), problem, stream, start)
    _compare(f"re-derived {name} {problem}", actual, expected)


def test_funnel_tight_bounds_case_reaches_its_bounds():
    """The bounded Funnel case is only a test of the clipping if the clipping changes the path."""
    (_, _, hyperparameters, update, _), = (c for c in SHEET_CASES if c[0] == "funnel_tight_bounds")
    stream = _stream()
    clipped = golden.trajectory(_reference_stepper(update, hyperparameters), "teacher", stream)
    for lifted in ({"p_bounds": None}, {"s_bounds": None}):
        loose = golden.trajectory(_reference_stepper(update, {**hyperparameters, **lifted}), "teacher", stream)
        assert max(np.max(np.abs(a - b)) for a, b in zip(clipped, loose, strict=True)) > 1e-6, lifted


# ----------------------------------------------------------------------------- 3. AdaX, the authors' ε
ADAX_AUTHORS_DEFAULTS = {"lr": 1.5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12, "weight_decay": 0.0}


@pytest.mark.parametrize("lr", [1.5e-3, 1e-2])
def test_adax_authors_eps_placement_agrees_to_1e10(lr):
    """numopt adds ε to √v̂; the authors add it to √v, an effective ε/√((1+β2)ᵗ − 1).

    The two effective ε differ by at most ε/√β2 = 1e-10 (at t = 1, with ε = 1e-12,
    β2 = 1e-4), so for gradients of unit size the steps agree to about 1e-10 relative.
    Compared: the unit-scale coordinates of the teacher stream and both closed loops, by the
    largest difference of the two paths relative to the largest distance travelled from
    the start, per coordinate (a pointwise ratio would blow up where θ crosses zero).
    Measured worst: 1.2e-11 (teacher stream, the 0-d array, both learning rates); the
    closed loops, with |g| up to ~150, agree to 6e-13. Asserted: 1e-10, the bound above (erratum 13).
    """
    hp, stream = {**ADAX_AUTHORS_DEFAULTS, "lr": lr}, _stream()
    unit = [np.broadcast_to(scale >= 1.0, scale.shape) for scale in golden.SCALES]
    worst = 0.0
    for problem in golden.PROBLEM_NAMES:
        numopt_path = golden.trajectory(_numopt_stepper("adax", hp), problem, stream)
        authors_path = golden.trajectory(_reference_stepper(ref_adax, hp, authors_eps=True), problem, stream)
        starts = stream[0] if problem == "teacher" else [np.array(golden.START)]
        masks = unit if problem == "teacher" else [np.ones(2, bool)]
        for a, b, start, mask in zip(authors_path, numopt_path, starts, masks, strict=True):
            difference = np.max(np.abs(a - b), axis=0)[mask]
            travelled = np.max(np.abs(b - start), axis=0)[mask]
            worst = max(worst, float(np.max(difference / travelled)))
    print(f"\nAdaX authors' ε vs numopt, lr={lr}: worst relative difference {worst:.2e}")
    assert worst <= 1e-10, f"measured {worst:.2e}; expected at most ε/√β2 = 1e-10"


def test_adax_eps_placement_matters_for_tiny_gradients():
    """On the teacher stream's tiny coordinates the two ε placements do differ."""
    hp, stream = {**ADAX_AUTHORS_DEFAULTS, "lr": 1e-2}, _stream()
    numopt_path = golden.trajectory(_numopt_stepper("adax", hp), "teacher", stream)
    authors_path = golden.trajectory(_reference_stepper(ref_adax, hp, authors_eps=True), "teacher", stream)
    tiny = [scale < 1e-8 for scale in golden.SCALES]
    differences = [np.max(np.abs(a[:, m] - b[:, m]), initial=0.0)
                   for a, b, m in zip(authors_path, numopt_path, tiny, strict=True)]
    assert max(differences) > 1e-4


# ----------------------------------------------------------------------------- 4. torch, live
@pytest.mark.torch
@pytest.mark.parametrize("case", TORCH_CASES, ids=[c["name"] for c in TORCH_CASES])
def test_torch_live(case):
    """Re-run torch.optim now and compare it with numopt and with the committed golden data.

    Deselected by default (pyproject's addopts); `pytest -m torch` runs it, and skips it without torch.
    """
    pytest.importorskip("torch")
    stream = _stream()
    live = golden.run_torch_case(case, stream)
    for problem in golden.PROBLEM_NAMES:
        stepper = _numopt_stepper(case["numopt"]["key"], case["numopt"]["kwargs"])
        _compare(f"live torch {case['name']} {problem}", golden.trajectory(stepper, problem, stream), live[problem])
        _compare(f"golden vs live {case['name']} {problem}", _golden_history(case, problem), live[problem])
