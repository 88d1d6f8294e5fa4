"""Generated cases over the surfaces around the step: explain, saved state, schedules, runner and problems.

A seeded generator (no hypothesis: it is not a test dependency) draws each case:
a variant, a dtype, a structure, a memory layout, gradients of ordinary or extreme
size, a number of steps, an interruption. Nothing here needs expected numbers: each
probe compares two ways to the same result (explain against step, a resumed run
against an uninterrupted one) bitwise, or checks that a refusal is a ValueError or
TypeError that names what it refuses and changes nothing. A failing case prints
its seed and description, so that it can be replayed alone.
"""

from __future__ import annotations

import math
import pickle
import warnings

import numpy as np
import pytest
from conftest import VARIANTS

import numopt
from numopt import schedules
from numopt.problems import PROBLEMS
from numopt.runner import run

CASES = 100
"""Generated cases per probe and seed block (each probe runs a few blocks)."""


def layout(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """``values`` in a random memory layout: contiguous, Fortran, reversed, strided, or a transposed copy."""
    kind = rng.integers(5)
    if values.ndim == 0:
        return values
    if kind == 1:
        return np.asfortranarray(values)
    if kind == 2:
        return np.flip(np.flip(values).copy())
    if kind == 3:
        wide = np.empty((*values.shape[:-1], 2 * values.shape[-1]), values.dtype)
        wide[..., ::2] = values
        return wide[..., ::2]
    if kind == 4 and values.ndim == 2:
        return values.T.copy().T
    return values


def draw_params(rng: np.random.Generator, dtype: type, positive: bool):
    """Params of a random structure (array, list or dict) of random shapes, > 0 for EGU."""
    def one():
        shape = tuple(int(n) for n in rng.integers(1, 6, size=rng.integers(0, 3)))
        values = rng.uniform(0.1, 2.0, shape) if positive else rng.standard_normal(shape)
        return np.asarray(values, dtype)

    kind = rng.integers(3)
    if kind == 0:
        return one()
    if kind == 1:
        return [one() for _ in range(rng.integers(1, 4))]
    return {f"w{i}": one() for i in range(rng.integers(1, 4))}


def arrays(params) -> list[np.ndarray]:
    if isinstance(params, np.ndarray):
        return [params]
    return list(params.values()) if isinstance(params, dict) else list(params)


def draw_grads(rng: np.random.Generator, params, scale: float):
    """Gradients like ``params``, of magnitude ``scale``, each in a random layout."""
    def one(theta):
        return layout(rng, np.asarray(scale * rng.standard_normal(theta.shape), theta.dtype))

    if isinstance(params, dict):
        return {k: one(v) for k, v in params.items()}
    if isinstance(params, list):
        return [one(v) for v in params]
    return one(params)


def copied(params):
    if isinstance(params, dict):
        return {k: v.copy() for k, v in params.items()}
    return [v.copy() for v in params] if isinstance(params, list) else params.copy()


def same_bits(a, b) -> bool:
    return all(x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
               for x, y in zip(arrays(a), arrays(b), strict=True))


def slots(opt: numopt.Optimizer) -> list[dict]:
    """The optimizer's per-array state dicts, whatever the structure of its params."""
    state = opt.state
    if isinstance(state, list):
        return state
    if state and all(isinstance(v, dict) for v in state.values()):
        return list(state.values())
    return [state]


def same_state(a: numopt.Optimizer, b: numopt.Optimizer) -> bool:
    return a.t == b.t and all(x.keys() == y.keys() and all(x[k].tobytes() == y[k].tobytes() for k in x)
                              for x, y in zip(slots(a), slots(b), strict=True))


SCALES = (1.0, 1e-30, 1e30, 1e150, 1e-300)
"""Gradient magnitudes: ordinary, tiny, and large enough to overflow g² (float64) or g itself (float32)."""


def case(seed: int):
    rng = np.random.default_rng(seed)
    variant = VARIANTS[rng.integers(len(VARIANTS))]
    dtype = (np.float32, np.float64)[rng.integers(2)]
    opt = variant.make()
    params = draw_params(rng, dtype, opt.positive_params)
    scale = float(SCALES[rng.integers(len(SCALES))])
    if dtype is np.float32:
        scale = min(scale, 1e30)  # a larger gradient does not fit float32 and is refused, as it should be
    return rng, variant, dtype, opt, params, scale, f"seed {seed}: {variant.name} {dtype.__name__} scale {scale:g}"


@pytest.mark.parametrize("block", range(3))
def test_explain_with_advance_is_bitwise_step_for_generated_cases(block):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", numopt.NumericalWarning)
        for seed in range(block * CASES, (block + 1) * CASES):
            rng, _, _, explained, params, scale, what = case(seed)
            stepped, theta = pickle.loads(pickle.dumps(explained)), copied(params)
            for _ in range(rng.integers(1, 4)):
                g = draw_grads(rng, params, scale)
                numopt.explain(explained, params, g, advance=True)
                stepped.step(theta, g)
            assert same_bits(params, theta) and same_state(explained, stepped), what


@pytest.mark.parametrize("block", range(3))
def test_an_interrupted_and_resumed_run_is_bitwise_the_run_for_generated_cases(block):
    """Save after k steps (pickled state_dict), load into a fresh optimizer, go on; a Ctrl-C in a step changes nothing.

    A state that a step left NaN (after its NumericalWarning) is the one thing
    load_state_dict refuses; then the refusal must say so.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", numopt.NumericalWarning)
        for seed in range(block * CASES, (block + 1) * CASES):
            rng, variant, _, whole, params, scale, what = case(seed)
            steps, cut = int(rng.integers(2, 12)), int(rng.integers(1, 10))
            grads = [draw_grads(rng, params, scale * float(rng.choice([1, -1]))) for _ in range(steps)]
            interrupted_at = int(rng.integers(1, steps + 1))
            theta = copied(params)
            for k, g in enumerate(grads):
                try:
                    whole.step(params, g)
                except (ValueError, FloatingPointError):  # (EGU's θ overflowed to inf, then inf · 0 is NaN)
                    grads = grads[:k]  # the run ends here; so does the interrupted one
                    break
            interrupted_at = min(interrupted_at, max(len(grads), 1))
            part, resumed = variant.make(), None
            for t, g in enumerate(grads, start=1):
                if t == interrupted_at:  # a Ctrl-C from the schedule: the step is undone, then taken again
                    part.lr = _Interrupt(part.lr)
                    with pytest.raises(KeyboardInterrupt):
                        part.step(theta, g)
                    part.lr = part.lr.lr
                if t == min(cut, steps):
                    saved = pickle.loads(pickle.dumps(part.state_dict()))
                    resumed = variant.make()
                    try:
                        resumed.load_state_dict(saved)
                    except ValueError as err:
                        assert "NaN value" in str(err), what
                        resumed = None
                        break
                (resumed or part).step(theta, g)
            else:
                assert same_bits(params, theta) and same_state(whole, resumed or part), what


class _Interrupt:
    """A step size that raises KeyboardInterrupt, as a Ctrl-C during the step would."""

    def __init__(self, lr):
        self.lr = lr

    def __call__(self, t):
        raise KeyboardInterrupt


HOSTILE = [None, "0.1", b"1", True, np.bool_(False), 10**400, -(10**400), math.nan, math.inf, -math.inf, -1.0, 1j,
           np.array([0.1, 0.2]), np.array(0.1), np.float32(0.5), [0.1], (0.1, 1.0), {0.1: 1.0}, {0.1, 2.0}, object(),
           2.0, 0.0, 1.0, 1e-320, 0.999999999999, np.int64(3), np.nan]
"""Values a script might pass as any argument."""


def test_every_hyperparameter_given_any_value_is_accepted_or_refused_by_name():
    for key, cls in numopt.OPTIMIZERS.items():
        for name in cls().hyperparameters:
            for value in HOSTILE:
                try:
                    opt = cls(**{name: value})
                except (TypeError, ValueError) as err:
                    assert name in str(err), (key, name, value, err)
                    continue
                theta = np.ones(3)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", numopt.NumericalWarning)
                    opt.step(theta, np.array([0.5, -0.5, 0.0]))
                assert opt.t == 1, (key, name, value)


SCHEDULES = {
    schedules.StepDecay: ("lr", "every", "factor"),
    schedules.Exponential: ("lr", "gamma"),
    schedules.InverseTime: ("lr", "decay"),
    schedules.Cosine: ("lr", "steps", "lr_min"),
    schedules.Warmup: ("after", "steps"),
}
VALID = {"lr": 0.1, "every": 3, "factor": 0.5, "gamma": 0.9, "decay": 0.1, "steps": 5, "lr_min": 0.01, "after": 0.2}


def test_every_schedule_given_any_argument_is_refused_by_name_or_gives_finite_step_sizes():
    ts = [1, 2, 3, 7, 10**6, 2**31, 2**53]
    for cls, names in SCHEDULES.items():
        for name in names:
            for value in HOSTILE:
                try:
                    schedule = cls(**{**{n: VALID[n] for n in names}, name: value})
                except ValueError as err:
                    assert str(err).split("=")[0] in names, (cls, name, value, err)  # this one, or one it bounds
                    continue
                repr(schedule)
                for t in ts:
                    step_size = schedule(t)
                    assert math.isfinite(step_size) and step_size >= 0, (cls, name, value, t)
                numopt.SGD(lr=schedule).state_dict()


def corruptions(saved: dict, rng: np.random.Generator):
    """Copies of ``saved`` with one entry (a leaf anywhere in it) replaced by a hostile value."""
    leaves = []

    def walk(node, path):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            leaves.append((*path, k))
            walk(v, (*path, k))

    walk(saved, ())
    extra = [np.full((2,), np.inf), np.ones((3, 3)), np.ones(2, np.float16), np.ones(2, complex), [[1.0], [1.0, 2.0]],
             2**40, [2**40], -1, "float16", "object", {}, [], ["array"], [None, None]]
    for _ in range(60):
        path = leaves[rng.integers(len(leaves))]
        value = (HOSTILE + extra)[rng.integers(len(HOSTILE) + len(extra))]
        broken = pickle.loads(pickle.dumps(saved))
        node = broken
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
        yield path, value, broken


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v.name in ("adam", "funnel", "egu", "momentum", "adax")],
                         ids=lambda v: v.name)
def test_a_corrupted_state_dict_is_loaded_or_refused_by_name_and_changes_nothing(variant):
    rng = np.random.default_rng(23)
    for structure in (np.ones(3), [np.ones(2), np.ones((2, 2))], {"a": np.ones(2), "b": np.ones(1)}):
        opt = variant.make()
        grads = (np.full(3, 0.1) if isinstance(structure, np.ndarray) else [np.full(2, 0.1), np.full((2, 2), 0.1)]
                 if isinstance(structure, list) else {"a": np.full(2, 0.1), "b": np.full(1, 0.1)})
        opt.step(copied(structure), grads)
        for path, value, broken in corruptions(opt.state_dict(), rng):
            fresh = variant.make()
            before = repr(fresh)
            try:
                fresh.load_state_dict(broken)
            except ValueError as err:
                assert "state_dict" in str(err), (path, value, err)
                assert fresh.t == 0 and fresh.state == {} and repr(fresh) == before, (path, value)
                continue
            theta = copied(structure)  # loaded: a step either works or is refused by step's own checks
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", numopt.NumericalWarning)  # an inf loaded spreads, announced
                    fresh.step(theta, grads)
            except (TypeError, ValueError, FloatingPointError) as err:
                assert "params" in str(err) or "grads" in str(err), (path, value, err)


def test_run_given_any_argument_runs_or_is_refused_by_name():
    problem_names = [*PROBLEMS, "", "nope", None, 3, ["quadratic"]]
    for problem in problem_names:
        for steps in (0, 1, -1, 1.5, True, None, "2", 10**400):
            for seed in (None, 0, 3, -1, 1.5, "1", True, 2**70):
                try:
                    trajectory = run("sgd", problem, steps, seed=seed)
                except (TypeError, ValueError) as err:
                    assert any(word in str(err) for word in ("problem", "steps", "seed", "optimizer")), err
                    continue
                assert len(trajectory.losses) == steps + 1
