"""``numopt bench``: how fast each optimizer steps, against the memory-traffic floor and torch.optim.

For every algorithm, parameter count and dtype, one table row gives

* ``numopt``: the median wall-clock time of one ``step`` on a single contiguous
  parameter array (hyperparameters at their defaults);
* ``floor``: the memory-traffic floor of that step, measured in the same run:
  the bytes a step must read and write (θ and g read, θ written, every state
  array read and written) divided by the copy bandwidth, which is
  ``2 · nbytes / t`` for ``np.copyto`` of an array of θ's size;
* ``×floor``: numopt's time over the floor (1.0 would be a single streaming pass);
* ``×whole``: numopt's time over the same step with blocking switched off
  (``BLOCK_SIZE`` larger than the array), i.e. the same NumPy expressions on
  whole arrays, the way pure-NumPy optimizers are usually written; below 1.0
  the blocks (temporaries that stay in cache) pay off;
* ``torch`` and ``×torch``: torch.optim's ``step`` on the same data, single
  threaded (``torch.set_num_threads(1)``) and ``foreach=False``, and numopt's
  time over it, for the algorithms torch has (shown only when torch imports);
* ``extra``: the peak memory allocated during one numopt step beyond what was
  allocated before it (``tracemalloc``, which sees NumPy's buffers): the
  temporaries of the update's expressions, at most a few blocks of
  ``BLOCK_SIZE`` elements.

A second table gives the per-step overhead on a 2-element float64 parameter,
where the Python work (validation, bookkeeping, one ufunc call per operation)
is all there is. Timings are medians over ``--repeats`` runs, each run long
enough (at least 20 ms) to be timed reliably. The gradient is the same at every
step, drawn once from a seeded generator with entries of size about 1e-3 and
parameters in [0.5, 1.5], so that no state overflows however many steps a
run takes. Timing goals are read from these tables; no test asserts them.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from . import OPTIMIZERS, base
from .base import Optimizer
from .cli import CLIError, count

__all__ = ["measure", "measure_overhead", "register", "torch_optimizer"]

MAX_SIZE = 10**8
"""The largest ``--sizes``: a float64 step keeps about ten arrays of it (8 GB at 10⁸)."""

DEFAULT_SIZES = (10**4, 10**5, 10**6, 10**7)
DTYPES = ("float32", "float64")
MIN_RUN_SECONDS = 0.02
"""Each timed run repeats the call until it has taken at least this long."""


def _seconds_per_call(fn: Callable[[], Any], repeats: int) -> float:
    """Median over ``repeats`` runs of the wall-clock seconds per call of ``fn``."""
    fn()  # warm up: first-touch page faults, caches
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_RUN_SECONDS:
            break
        number = max(2 * number, math.ceil(number * 1.2 * MIN_RUN_SECONDS / max(elapsed, 1e-9)))
    times = [elapsed / number]
    for _ in range(repeats - 1):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def _problem(size: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """Seeded parameters in [0.5, 1.5] and a gradient with entries ±[0.5, 1.5]·1e-3."""
    rng = np.random.default_rng(0)
    theta = rng.uniform(0.5, 1.5, size).astype(dtype)
    g = (rng.uniform(0.5, 1.5, size) * rng.choice([-1e-3, 1e-3], size)).astype(dtype)
    return theta, g


def _import_torch() -> Any:
    """torch, single-threaded, or None if it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def torch_optimizer(torch: Any, opt: Optimizer, param: Any) -> Any:
    """The torch.optim counterpart of ``opt`` (same hyperparameters, ``foreach=False``), or None.

    Nadam maps to torch's NAdam, whose default momentum schedule is a different
    algorithm (see :mod:`numopt.nadam`) with the same cost per step.
    """
    hp, optim = opt.hyperparameters, torch.optim
    builders = {
        "sgd": lambda: optim.SGD([param], lr=hp["lr"], foreach=False),
        "momentum": lambda: None if hp["ewma"] else optim.SGD([param], lr=hp["lr"], momentum=hp["beta"], foreach=False),
        "nag": lambda: optim.SGD([param], lr=hp["lr"], momentum=hp["beta"], nesterov=True, foreach=False),
        "adagrad": lambda: optim.Adagrad(
            [param], lr=hp["lr"], eps=hp["eps"],
            initial_accumulator_value=hp["initial_accumulator_value"], foreach=False,
        ),
        "rmsprop": lambda: optim.RMSprop(
            [param], lr=hp["lr"], alpha=hp["beta"], eps=hp["eps"], centered=hp["centered"], foreach=False
        ),
        "adadelta": lambda: optim.Adadelta([param], lr=hp["lr"], rho=hp["rho"], eps=hp["eps"], foreach=False),
        "adam": lambda: optim.Adam(
            [param], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
            weight_decay=hp["weight_decay"], amsgrad=hp["amsgrad"], foreach=False,
        ),
        "adamw": lambda: optim.AdamW(
            [param], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
            weight_decay=hp["weight_decay"], amsgrad=hp["amsgrad"], foreach=False,
        ),
        "nadam": lambda: optim.NAdam(
            [param], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"], foreach=False
        ),
    }
    build = builders.get(opt.key)
    return None if build is None else build()


def _torch_step(torch: Any, key: str, theta: np.ndarray, g: np.ndarray) -> Callable[[], Any] | None:
    """A call that takes one torch.optim step on copies of ``theta`` and ``g``, or None."""
    param = torch.from_numpy(theta.copy())
    param.grad = torch.from_numpy(g.copy())
    optimizer = torch_optimizer(torch, OPTIMIZERS[key](), param)
    return None if optimizer is None else optimizer.step


def _peak_extra_bytes(step: Callable[[], None]) -> int:
    """Peak bytes allocated during ``step()`` beyond those allocated before it."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        step()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def measure(key: str, size: int, dtype: str, repeats: int = 5, torch: Any = None) -> dict[str, Any]:
    """Time one algorithm on one contiguous array; see the module docstring for the fields.

    Parameters
    ----------
    key : str
        Registry key (``"adam"``).
    size : int
        Number of parameters.
    dtype : str
        ``"float32"`` or ``"float64"``.
    repeats : int
        Timed runs; the median is reported.
    torch : module or None
        torch (single-threaded), to time torch.optim too.

    Returns
    -------
    dict
        ``algorithm, dtype, size, seconds, floor_seconds, ratio_to_floor,
        whole_seconds, ratio_to_whole, torch_seconds, ratio_to_torch,
        extra_bytes`` (the torch fields are None without torch or a torch
        counterpart).
    """
    theta, g = _problem(size, dtype)
    opt = OPTIMIZERS[key]()
    seconds = _seconds_per_call(lambda: opt.step(theta, g), repeats)
    whole_seconds = _unblocked(lambda: _seconds_per_call(lambda: opt.step(theta, g), repeats))
    extra = _peak_extra_bytes(lambda: opt.step(theta, g))
    state_bytes = sum(a.nbytes for a in opt.state.values())
    traffic = 2 * theta.nbytes + g.nbytes + 2 * state_bytes
    copy_dst = np.empty_like(theta)
    copy_seconds = _seconds_per_call(lambda: np.copyto(copy_dst, g), repeats)
    floor = traffic / (2 * theta.nbytes / copy_seconds)
    torch_step = None if torch is None else _torch_step(torch, key, *_problem(size, dtype))
    torch_seconds = None if torch_step is None else _seconds_per_call(torch_step, repeats)
    return {
        "algorithm": key,
        "dtype": dtype,
        "size": size,
        "seconds": seconds,
        "floor_seconds": floor,
        "ratio_to_floor": seconds / floor,
        "whole_seconds": whole_seconds,
        "ratio_to_whole": seconds / whole_seconds,
        "torch_seconds": torch_seconds,
        "ratio_to_torch": None if torch_seconds is None else seconds / torch_seconds,
        "extra_bytes": extra,
    }


def _unblocked(measurement: Callable[[], float]) -> float:
    """Run ``measurement`` with blocking switched off: every update on the whole array."""
    block_size = base.BLOCK_SIZE
    base.BLOCK_SIZE = 2**62
    try:
        return measurement()
    finally:
        base.BLOCK_SIZE = block_size


def measure_overhead(key: str, repeats: int = 5, torch: Any = None) -> dict[str, Any]:
    """Seconds per step on a 2-element float64 parameter, for numopt and (if given) torch."""
    theta, g = np.array([1.0, 2.0]), np.array([1e-3, -1e-3])
    opt = OPTIMIZERS[key]()
    seconds = _seconds_per_call(lambda: opt.step(theta, g), repeats)
    torch_step = None if torch is None else _torch_step(torch, key, theta, g)
    return {
        "algorithm": key,
        "seconds": seconds,
        "torch_seconds": None if torch_step is None else _seconds_per_call(torch_step, repeats),
    }


def _parse_list(text: str, what: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    items = [x.strip() for x in text.split(",") if x.strip()]
    if not items:
        raise CLIError(f"--{what} {text!r} is empty; expected a comma-separated list")
    for x in items:
        if allowed is not None and x not in allowed:
            raise CLIError(f"--{what} contains {x!r}; expected some of {', '.join(allowed)}")
    return items


def _parse_sizes(text: str) -> list[int]:
    why = "a step's arrays would not fit in memory"
    return [count("--sizes", x, high=MAX_SIZE, why=why) for x in _parse_list(text, "sizes")]


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.3g}"


def _ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _bytes(n: int) -> str:
    return f"{n / 2**20:.2f} MiB" if n >= 2**20 else f"{n / 2**10:.1f} KiB"


def _print_tables(rows: list[dict], overheads: list[dict], with_torch: bool) -> None:
    head = f"{'algorithm':<9} {'dtype':<7} {'size':>8} {'numopt ms':>10} {'floor ms':>9} {'×floor':>7} {'×whole':>7}"
    if with_torch:
        head += f" {'torch ms':>9} {'×torch':>7}"
    print(head + f" {'extra':>11}")
    for r in rows:
        line = (
            f"{r['algorithm']:<9} {r['dtype']:<7} {r['size']:>8.0e} {_ms(r['seconds']):>10} "
            f"{_ms(r['floor_seconds']):>9} {_ratio(r['ratio_to_floor']):>7} {_ratio(r['ratio_to_whole']):>7}"
        )
        if with_torch:
            line += f" {_ms(r['torch_seconds']):>9} {_ratio(r['ratio_to_torch']):>7}"
        print(line + f" {_bytes(r['extra_bytes']):>11}")
    print()
    print(f"{'algorithm':<9} {'2-element step µs':>18}" + (f" {'torch µs':>9}" if with_torch else ""))
    for o in overheads:
        torch_us = "-" if o["torch_seconds"] is None else f"{o['torch_seconds'] * 1e6:.1f}"
        print(f"{o['algorithm']:<9} {o['seconds'] * 1e6:>18.1f}" + (f" {torch_us:>9}" if with_torch else ""))


def _run(args: argparse.Namespace) -> int:
    sizes = _parse_sizes(args.sizes)
    dtypes = _parse_list(args.dtypes, "dtypes", DTYPES)
    algorithms = _parse_list(args.algorithms, "algorithms", tuple(OPTIMIZERS))
    repeats = count("--repeats", args.repeats, high=1000, why="the median of more says nothing new")
    torch = _import_torch()
    if torch is None:
        print("numopt bench: torch is not installed, so the torch columns are left out", file=sys.stderr)
    cases = [(key, size, dtype) for key in algorithms for size in sizes for dtype in dtypes]
    rows = []
    for i, (key, size, dtype) in enumerate(cases, start=1):  # progress on stderr, so that --json stays clean
        print(f"[{i}/{len(cases)}] {key} {dtype} {size:.0e}", file=sys.stderr, flush=True)
        rows.append(measure(key, size, dtype, repeats, torch))
    print(f"2-element steps of {len(algorithms)} algorithm(s)", file=sys.stderr, flush=True)
    overheads = [measure_overhead(key, repeats, torch) for key in algorithms]
    if args.json:
        machine = {
            "numpy": np.__version__,
            "torch": None if torch is None else torch.__version__,
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        }
        print(json.dumps({"machine": machine, "rows": rows, "overhead": overheads}, indent=1))
    else:
        _print_tables(rows, overheads, torch is not None)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``numopt bench``."""
    p = subparsers.add_parser(
        "bench",
        help="time every optimizer against the memory-traffic floor and torch.optim",
        description="Time each optimizer's step against the memory-traffic floor measured in the same "
        "run and, when torch is installed, against single-threaded torch.optim (foreach=False).",
    )
    p.add_argument("--sizes", default=",".join(f"{s:.0e}" for s in DEFAULT_SIZES),
                   help="comma-separated parameter counts (default: %(default)s)")
    p.add_argument("--dtypes", default=",".join(DTYPES), help="float32 and/or float64 (default: %(default)s)")
    p.add_argument("--algorithms", default=",".join(OPTIMIZERS),
                   help="comma-separated registry keys (default: all)")
    p.add_argument("--repeats", default="5", help="timed runs per figure; the median is shown (default: 5)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=_run)
