"""Blocking changes speed, never results; validation happens before any array is changed.

``numopt.guard.Undo.blocks`` hands an elementwise update aligned blocks of
``BLOCK_BYTES`` bytes. These tests run the same seeded steps twice, once with tiny blocks
(many blocks per array, a ragged last block) and once with blocks larger than
any array (every update on the whole array), and require the parameters and
every state array to be bitwise identical. No expected value is computed here:
the unblocked run is the reference for the blocked one.
"""

import json
import math
import tracemalloc

import numpy as np
import pytest

import numopt
from numopt import guard

TINY_BLOCK = 7 * 8  # bytes: 7 float64 or 14 float32 elements
HUGE_BLOCK = 10**12
STEPS = 4

CONFIGS = [
    ("sgd", {}),
    ("momentum", {}),
    ("momentum", {"ewma": True}),
    ("nag", {}),
    ("adagrad", {}),
    ("adagrad", {"eps_in_sqrt": True, "initial_accumulator_value": 0.1}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True}),
    ("rmsprop", {"eps_in_sqrt": True}),
    ("adadelta", {}),
    ("adam", {}),
    ("adam", {"amsgrad": True, "weight_decay": 0.1}),
    ("adam", {"eps_in_sqrt": True}),
    ("adamw", {}),
    ("nadam", {}),
    ("nadam", {"dozat": True, "eps_in_sqrt": True}),
    ("adax", {}),
    ("adax", {"weight_decay": 0.1}),
    ("adaxw", {}),
    ("egu", {}),
    ("egsgd", {}),
    ("funnel", {}),
    ("funnel", {"use_signs": False, "use_directions": False, "p_bounds": None, "s_bounds": None}),
]
IDS = [key + "".join(f"-{k}={v}" for k, v in hp.items()) for key, hp in CONFIGS]


def _arrays(dtype: str) -> list[np.ndarray]:
    """Seeded parameters in [0.5, 1.5] (EGU needs them positive) of four layouts.

    A 1-D array of 1000 elements (in float64 143 blocks of 7, the last one of 6), a C-ordered
    2-D array, a non-contiguous strided view into a larger array and a 0-d array.
    """
    rng = np.random.default_rng(1)
    strided = rng.uniform(0.5, 1.5, (12, 18)).astype(dtype)[:, ::2]
    return [
        rng.uniform(0.5, 1.5, 1000).astype(dtype),
        rng.uniform(0.5, 1.5, (20, 13)).astype(dtype),
        strided,
        np.array(rng.uniform(0.5, 1.5), dtype=dtype),
    ]


def _gradients(like: list[np.ndarray], step: int) -> list[np.ndarray]:
    """Seeded gradients, new at every step, of the parameters' shapes and dtypes."""
    rng = np.random.default_rng(100 + step)
    return [(0.1 * rng.standard_normal(a.shape)).astype(a.dtype) for a in like]


def _run(monkeypatch, block_size: int, key: str, hp: dict, dtype: str, as_dict: bool):
    monkeypatch.setattr(guard, "BLOCK_BYTES", block_size)
    params = _arrays(dtype)
    opt = numopt.OPTIMIZERS[key](**hp)
    for step in range(STEPS):
        grads = _gradients(params, step)
        if as_dict:
            opt.step(dict(zip("abcd", params, strict=True)), dict(zip("abcd", grads, strict=True)))
        else:
            opt.step(params, grads)
    states = opt.state.values() if as_dict else opt.state
    return params, [{name: a.copy() for name, a in state.items()} for state in states]


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("as_dict", [False, True], ids=["list", "dict"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("key", "hp"), CONFIGS, ids=IDS)
def test_blocked_and_unblocked_steps_are_bitwise_identical(monkeypatch, key, hp, dtype, as_dict):
    blocked_params, blocked_state = _run(monkeypatch, TINY_BLOCK, key, hp, dtype, as_dict)
    whole_params, whole_state = _run(monkeypatch, HUGE_BLOCK, key, hp, dtype, as_dict)
    for i, (p, q) in enumerate(zip(blocked_params, whole_params, strict=True)):
        assert p.dtype == np.dtype(dtype)
        assert _same_bits(p, q), f"params[{i}] differ between blocked and whole-array updates"
    for i, (s, r) in enumerate(zip(blocked_state, whole_state, strict=True)):
        assert s.keys() == r.keys()
        for name in s:
            assert _same_bits(s[name], r[name]), f"state[{i}][{name!r}] differs"


@pytest.mark.parametrize("key", [key for key, cls in numopt.OPTIMIZERS.items() if cls.elementwise])
def test_tiny_blocks_really_split_the_update(monkeypatch, key):
    """The bitwise test above would pass trivially if nothing were blocked."""
    monkeypatch.setattr(guard, "BLOCK_BYTES", TINY_BLOCK)
    opt = numopt.OPTIMIZERS[key]()
    sizes = []
    update = opt._update

    def spy(theta, *args, **kwargs):
        sizes.append(theta.size)
        return update(theta, *args, **kwargs)

    monkeypatch.setattr(opt, "_update", spy)
    theta = np.linspace(0.5, 1.5, 1000)  # float64: blocks of 7 elements
    opt.step(theta, np.full(1000, 0.01))
    assert sizes == [7] * (1000 // 7) + [1000 % 7]


@pytest.mark.parametrize("block_size", [TINY_BLOCK, HUGE_BLOCK], ids=["blocked", "whole"])
@pytest.mark.parametrize("key", list(numopt.OPTIMIZERS))
def test_bad_gradient_on_the_second_array_leaves_the_first_unchanged(monkeypatch, key, block_size):
    monkeypatch.setattr(guard, "BLOCK_BYTES", block_size)
    params = [np.linspace(0.5, 1.5, 100), np.linspace(0.5, 1.5, 10)]
    opt = numopt.OPTIMIZERS[key]()
    opt.step(params, [np.full(100, 0.01), np.full(10, 0.02)])
    before = [p.copy() for p in params], [{k: a.copy() for k, a in s.items()} for s in opt.state]
    bad = np.full(10, 0.02)
    bad[3] = np.nan
    with pytest.raises(FloatingPointError, match=r"grads\[1\] has 1 NaN or inf value\(s\) at step 2"):
        opt.step(params, [np.full(100, 0.01), bad])
    assert opt.t == 1
    for p, q in zip(params, before[0], strict=True):
        assert _same_bits(p, q)
    for s, r in zip(opt.state, before[1], strict=True):
        assert all(_same_bits(s[name], r[name]) for name in r)


BLOCKED_ALONE = [key for key, cls in numopt.OPTIMIZERS.items() if cls.elementwise and key != "lookahead"]
"""The elementwise keys but Lookahead: its step is all or nothing across the inner optimizer's step, so it copies
θ and the inner optimizer's state whole before that step (the inner step itself is blocked; numopt/lookahead.py)."""


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("key", BLOCKED_ALONE)
def test_extra_memory_during_a_step_is_a_few_blocks_not_the_array(monkeypatch, key, dtype):
    """Peak allocation during a step (tracemalloc sees NumPy's buffers) is bounded by the block size.

    The array is 100 blocks long. The temporaries of an update's expressions
    (``beta1 * m``, ``(1 - beta1) * g``, their sum, ``m_hat``, ...) are block-sized
    and live at most a few at a time; measured, the longest update (Nadam, Adam
    with AMSGrad and L2) peaks below 7 blocks, so 8 are allowed.
    """
    block = 1024
    monkeypatch.setattr(guard, "BLOCK_BYTES", block * np.dtype(dtype).itemsize)
    opt = numopt.OPTIMIZERS[key]()
    theta = np.linspace(0.5, 1.5, 100 * block).astype(dtype)
    g = np.full(theta.shape, 1e-3, dtype)
    opt.step(theta, g)  # the state is allocated on the first step
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        opt.step(theta, g)
        extra = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    bound = 8 * block * theta.itemsize
    assert extra <= bound, f"{extra} bytes allocated during a step; expected at most {bound}"
    assert theta.nbytes > bound  # so a single whole-array temporary could not pass


def test_finite_check_falls_back_when_the_sum_overflows():
    """Σg overflows for 70000 entries of 3e37 in float32 although every entry is finite (a whole Funnel array)."""
    n = 70000
    assert n > numopt.structure.BOUNDED  # so the sum, not np.isfinite, is tried first
    theta = np.zeros(n, np.float32)
    numopt.Funnel(lr=1e-40).step(theta, np.full(n, 3e37, np.float32))
    assert np.all(np.isfinite(theta))
    with np.errstate(over="ignore"):
        assert math.isinf(float(np.full(n, 3e37, np.float32).sum()))
        assert numopt.structure.all_finite(np.full(n, 3e37, np.float32))


@pytest.mark.parametrize("size", [1, 2, 64, 65, 1000, 65536, 65537])
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_finite_check_finds_one_bad_entry_in_small_and_large_arrays(size, bad):
    a = np.ones(size)
    assert numopt.structure.all_finite(a) and numopt.structure.all_finite(a.reshape(size, 1)[:, 0])
    a[size // 2] = bad
    assert not numopt.structure.all_finite(a) and not numopt.structure.all_finite(np.array(a[size // 2]))


def test_numopt_bench_reports_every_algorithm_as_json(capsys):
    """``numopt bench`` (which reads these timings; no timing is asserted) runs every algorithm."""
    from numopt.cli import main

    args = ["bench", "--sizes", "1e3", "--dtypes", "float32", "--repeats", "1", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["algorithm"] for r in report["rows"]] == list(numopt.OPTIMIZERS)
    assert [o["algorithm"] for o in report["overhead"]] == list(numopt.OPTIMIZERS)
    for row in report["rows"]:
        assert (row["size"], row["dtype"]) == (1000, "float32")
        assert row["seconds"] > 0 and row["floor_seconds"] > 0
        assert row["ratio_to_floor"] == pytest.approx(row["seconds"] / row["floor_seconds"])
        if row["algorithm"] == "lookahead":  # its step runs Adam's around its box: no whole-array peer
            assert row["whole_seconds"] is None and row["ratio_to_whole"] is None
        else:
            assert row["ratio_to_whole"] == pytest.approx(row["seconds"] / row["whole_seconds"])
        assert row["extra_bytes"] >= 0


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--sizes", "0", "--sizes '0' is not valid; expected a whole number >= 1"),
        ("--dtypes", "float16", "--dtypes contains 'float16'; expected some of float32, float64"),
        ("--algorithms", "adamx", "--algorithms contains 'adamx'; expected some of sgd, momentum"),
        ("--repeats", "0", "--repeats '0' is not valid; expected a whole number >= 1"),
    ],
)
def test_numopt_bench_rejects_bad_options(capsys, option, value, message):
    from numopt.cli import main

    assert main(["bench", option, value]) == 2
    assert message in capsys.readouterr().err


def test_a_second_ctrl_c_during_the_rollback_does_not_stop_it(monkeypatch):
    """Ctrl-C in the 2nd block of the 2nd array, and again in the first copy back: everything is still restored."""
    monkeypatch.setattr(guard, "BLOCK_BYTES", 4 * 8)  # 4 float64 elements: 3 blocks per array
    params = [np.linspace(0.5, 1.5, 10), np.linspace(1.0, 2.0, 10)]
    opt = numopt.Adam()
    opt.step(params, [np.ones(10), np.ones(10)])
    before = [p.copy() for p in params], [{k: a.copy() for k, a in s.items()} for s in opt.state], opt.t
    update, copyto, calls = numopt.Adam._update, np.copyto, []

    def copy_interrupted_once(dst, src, **kwargs):
        monkeypatch.setattr(np, "copyto", copyto)
        raise KeyboardInterrupt

    def failing(self, theta, g, t, lr, **state):
        calls.append(theta.size)
        if len(calls) == 5:
            monkeypatch.setattr(np, "copyto", copy_interrupted_once)
            raise KeyboardInterrupt
        update(self, theta, g, t, lr, **state)

    monkeypatch.setattr(numopt.Adam, "_update", failing)
    with pytest.raises(KeyboardInterrupt):
        opt.step(params, [np.full(10, 0.3), np.full(10, -0.2)])
    assert np.copyto is copyto  # the rollback was interrupted once
    assert opt.t == before[2]
    for p, q in zip(params, before[0], strict=True):
        assert _same_bits(p, q)
    for s, r in zip(opt.state, before[1], strict=True):
        assert all(_same_bits(s[name], r[name]) for name in r)
