"""numopt against torch.optim and optax for the algorithms beyond the source documents (issue 24).

``tests/reference/golden_beyond.npz`` holds float64 torch.optim and optax trajectories made by
``tests/reference/make_golden_beyond.py``: for every case (each key with its defaults, and one
other setting) a teacher-forced stream with exact zeros in the gradients and a
closed loop on a coupled matrix-and-vector quadratic, 30 steps each. Each is replayed
through numopt on the same gradients and must agree at rtol 1e-10, atol 1e-12 (the worst
error is printed; ``pytest -s`` shows it). ``pytest -m torch`` and ``pytest -m optax`` re-run
the libraries live.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest
from reference import make_golden_beyond as golden

import numopt

RTOL, ATOL = 1e-10, 1e-12
META = json.loads(golden.GOLDEN_JSON.read_text(encoding="utf-8"))
TORCH_CASES, OPTAX_CASES = META["cases"], META["optax_cases"]
CASES = TORCH_CASES + OPTAX_CASES
IDS = [c["name"] for c in CASES]


@functools.cache
def _arrays() -> dict[str, np.ndarray]:
    with np.load(golden.GOLDEN_NPZ) as z:
        return {key: z[key] for key in z.files}


def _stream() -> tuple[list[np.ndarray], list[np.ndarray]]:
    n = len(golden.SHAPES)
    return [_arrays()[f"stream/theta0/{i}"] for i in range(n)], [_arrays()[f"stream/grads/{i}"] for i in range(n)]


def _numopt(case: dict, problem: str) -> list[np.ndarray]:
    def make_step(params):
        return numopt.OPTIMIZERS[case["numopt"]["key"]](**case["numopt"]["kwargs"]).step

    return golden.trajectory(make_step, problem, tuple(case["arrays"]), _stream())


def _compare(label: str, actual: list[np.ndarray], expected: list[np.ndarray]) -> None:
    worst = max(float(np.max(np.abs(a - e))) for a, e in zip(actual, expected, strict=True))
    print(f"\n{label:<44} worst abs error {worst:.2e}")
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        np.testing.assert_allclose(a, e, rtol=RTOL, atol=ATOL, err_msg=f"{label}, parameter array {i}")


def test_stored_stream_follows_the_recorded_recipe():
    theta0, grads = golden.teacher_stream()
    for a, b in zip(theta0 + grads, _stream()[0] + _stream()[1], strict=True):
        np.testing.assert_array_equal(a, b)
    zeros = np.mean(np.concatenate([g.ravel() for g in grads]) == 0)
    assert 0.15 < zeros < 0.45, "the stream must exercise SparseAdam's untouched entries"


def test_every_key_has_a_default_case():
    torch_keys = {"adamax", "radam", "rprop", "asgd", "adafactor", "lbfgs", "muon", "sparse_adam"}
    assert {c["numopt"]["key"] for c in TORCH_CASES if not c["numopt"]["kwargs"]} == torch_keys
    optax_keys = {"lion", "signum", "adabelief", "yogi", "lamb", "lars", "schedule_free", "lookahead"}
    assert {c["numopt"]["key"] for c in OPTAX_CASES if not c["numopt"]["kwargs"]} == optax_keys


@pytest.mark.parametrize("problem", golden.PROBLEM_NAMES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_numopt_matches_torch_golden(case, problem):
    expected = [_arrays()[golden.npz_key(case["name"], problem, i)] for i in range(len(case["arrays"]))]
    _compare(f"golden {case['name']} {problem}", _numopt(case, problem), expected)


@pytest.mark.parametrize("problem", golden.PROBLEM_NAMES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_case_moves_the_parameters(case, problem):
    """A trajectory that never moved would agree with anything."""
    path = _arrays()[golden.npz_key(case["name"], problem, 0)]
    assert np.max(np.abs(path[-1] - path[0])) > 1e-4


def _live(case: dict, live: dict) -> None:
    for problem in golden.PROBLEM_NAMES:
        stored = [_arrays()[golden.npz_key(case["name"], problem, i)] for i in range(len(case["arrays"]))]
        _compare(f"live torch {case['name']} {problem}", _numopt(case, problem), live[problem])
        _compare(f"golden vs live {case['name']} {problem}", stored, live[problem])


@pytest.mark.torch
@pytest.mark.parametrize("case", TORCH_CASES, ids=[c["name"] for c in TORCH_CASES])
def test_torch_live(case):
    """Re-run torch.optim now: it must agree with numopt and with the committed golden data."""
    pytest.importorskip("torch")
    _live(case, golden.run_torch_case(case, _stream()))


@pytest.mark.optax
@pytest.mark.parametrize("case", OPTAX_CASES, ids=[c["name"] for c in OPTAX_CASES])
def test_optax_live(case):
    """Re-run optax (jax on CPU, float64) now: it must agree with numopt and with the committed golden data."""
    pytest.importorskip("optax")
    _live(case, golden.run_optax_case(case, _stream()))


BENCH_TORCH = ["sgd", "momentum", "nag", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "radam",
               "rprop", "asgd", "adafactor"]
"""The keys ``numopt bench`` times torch.optim for and whose update torch's is; its NAdam is timed too, but
has a momentum schedule numopt's Nadam leaves out (numopt/nadam.py)."""


@pytest.mark.torch
@pytest.mark.parametrize("key", BENCH_TORCH)
def test_the_bench_times_torchs_own_version_of_each_algorithm(key):
    """``numopt bench`` compares like with like: its torch.optim counterpart takes numopt's steps.

    In float64 throughout, as the golden data are made: torch's ASGD keeps its step sizes in the
    default dtype, float32 unless told otherwise, which costs the same but rounds them.
    """
    torch = pytest.importorskip("torch")
    from numopt.bench import torch_optimizer

    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        _bench_counterpart_agrees(torch, torch_optimizer, key)
    finally:
        torch.set_default_dtype(default)


def _bench_counterpart_agrees(torch, torch_optimizer, key: str) -> None:
    rng = np.random.default_rng(7)
    theta, grads = rng.uniform(0.5, 1.5, 6), rng.standard_normal((5, 6))
    opt = numopt.OPTIMIZERS[key]()
    param = torch.from_numpy(theta.copy())
    counterpart = torch_optimizer(torch, opt, param)
    for g in grads:
        param.grad = torch.from_numpy(g.copy())
        counterpart.step()
        opt.step(theta, g.copy())
    np.testing.assert_allclose(param.numpy(), theta, rtol=RTOL, atol=ATOL)
