"""``numopt bench``: how fast each optimizer steps, measured interleaved with its peers in one process.

For every algorithm, parameter count and dtype, one table row gives

* ``numopt``: the median wall-clock time of one ``step`` on a single contiguous
  parameter array (hyperparameters at their defaults);
* ``whole`` and ``×whole``: the whole-array NumPy peer, the way pure-NumPy
  optimizers are usually written: the same algorithm box (``_update``) called
  directly on the whole arrays, without checks, undo copy or blocks, and
  numopt's time over it (not for Lookahead, whose ``step`` runs another
  optimizer's step around its box: there is no such peer);
* ``torch`` and ``×torch``: torch.optim's ``step`` on the same data, single
  threaded (``torch.set_num_threads(1)``) and ``foreach=False`` (one tensor at
  a time), and numopt's time over it, for the algorithms torch has (shown
  only when torch imports);
* ``floor`` and ``×floor``: the memory-traffic floor of the step, the bytes it
  must read and write (θ and g read, θ written, every state array read and
  written) at the bandwidth of ``np.copyto`` on an array of θ's size, timed
  with the others;
* ``extra``: the peak memory allocated during one numopt step beyond what was
  allocated before it (``tracemalloc``, which sees NumPy's buffers).

The contenders are timed **interleaved**: round after round, each runs one
timed batch of steps, in an order that rotates from round to round, all in
this one process, and the medians over the rounds are compared. An allocator
or cache state, a neighbour on a shared machine, or the order of the runs then
weighs on every side alike. A second table gives the time of a step on a
2-element float64 parameter, where the Python work is all there is, measured
the same way. The gradient is the same at every step, drawn once from a
seeded generator with entries of size about 1e-3 and parameters in
[0.5, 1.5], so that no state overflows however many steps a run takes.
Timing goals are printed (:data:`GOALS`); no test asserts a timing.
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

from .base import Optimizer
from .cli import CLIError, count
from .registry import OPTIMIZERS

__all__ = ["GOALS", "interleaved", "measure", "measure_overhead", "register", "torch_optimizer"]

MAX_SIZE = 10**8
"""The largest ``--sizes``: a float64 step keeps about ten arrays of it (8 GB at 10⁸)."""

DEFAULT_SIZES = (10**4, 10**5, 10**6, 10**7)
DTYPES = ("float32", "float64")
MIN_RUN_SECONDS = 0.02
"""Each timed batch repeats the call until it has taken at least this long."""

GOALS = (
    ("adam", "float32", 10**7, "ratio_to_torch", 0.5),
    ("adam", "float64", 10**7, "ratio_to_torch", 0.5),
    *(("adam", dtype, size, "ratio_to_whole", 1.0) for size in (10**5, 10**6, 10**7) for dtype in DTYPES),
)
"""(algorithm, dtype, size, ratio, at most): the goals of issue 22, checked against the rows measured."""

TINY_GOAL = ("adam", 0.5)
"""A 2-element Adam step at most this fraction of torch.optim's."""


def interleaved(contenders: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Median seconds per call of each contender, timed in rotating order round after round.

    Each contender is first called once (first-touch page faults, caches) and
    its batch length chosen so that a batch takes at least
    :data:`MIN_RUN_SECONDS`; then ``repeats`` rounds each time one batch of
    every contender, the order rotated by one per round.
    """
    names = list(contenders)
    numbers = {}
    for name, fn in contenders.items():
        fn()
        number = 1
        while True:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            elapsed = time.perf_counter() - start
            if elapsed >= MIN_RUN_SECONDS:
                break
            number = max(2 * number, math.ceil(number * 1.2 * MIN_RUN_SECONDS / max(elapsed, 1e-9)))
        numbers[name] = number
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeats):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            fn, number = contenders[name], numbers[name]
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(t) for name, t in times.items()}


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
    algorithm (see :mod:`numopt.nadam`) with the same cost per step. The
    algorithms beyond the source documents map as in
    ``tests/reference/make_golden_beyond.py``, where torch has them and steps a
    1-D tensor as numopt does (not L-BFGS, which takes a closure, SparseAdam,
    which takes sparse gradients, or Muon, which needs a matrix).
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
        "adamax": lambda: optim.Adamax(
            [param], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
            weight_decay=hp["weight_decay"], foreach=False,
        ),
        "radam": lambda: optim.RAdam(
            [param], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
            weight_decay=hp["weight_decay"], decoupled_weight_decay=hp["decoupled"], foreach=False,
        ),
        "rprop": lambda: optim.Rprop(
            [param], lr=hp["lr"], etas=(hp["eta_minus"], hp["eta_plus"]), step_sizes=hp["step_sizes"], foreach=False
        ),
        "asgd": lambda: optim.ASGD(
            [param], lr=hp["lr"], lambd=hp["lambd"], alpha=hp["alpha"], t0=hp["t0"],
            weight_decay=hp["weight_decay"], foreach=False,
        ),
        "adafactor": lambda: optim.Adafactor(
            [param], lr=hp["lr"], beta2_decay=hp["beta2_decay"], eps=(hp["eps1"], hp["eps2"]), d=hp["d"],
            weight_decay=hp["weight_decay"], foreach=False,
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


def _whole_array_step(key: str, theta: np.ndarray, g: np.ndarray) -> Callable[[], None]:
    """A call that runs the algorithm box on copies of the whole arrays: the plain NumPy peer."""
    opt, theta = OPTIMIZERS[key](), theta.copy()
    state = opt._initial_state(theta)
    steps = iter(range(1, 2**62))

    def step() -> None:
        with np.errstate(all="ignore"):
            opt._update(theta, g, next(steps), opt.lr, **state)

    return step


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


def _ratio_of(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a / b


def measure(key: str, size: int, dtype: str, repeats: int = 5, torch: Any = None) -> dict[str, Any]:
    """Time one algorithm on one contiguous array, interleaved with its peers; see the module docstring.

    Parameters
    ----------
    key : str
        Registry key (``"adam"``).
    size : int
        Number of parameters.
    dtype : str
        ``"float32"`` or ``"float64"``.
    repeats : int
        Rounds of interleaved batches; the medians are reported.
    torch : module or None
        torch (single-threaded), to time torch.optim too.

    Returns
    -------
    dict
        ``algorithm, dtype, size, seconds, whole_seconds, ratio_to_whole,
        torch_seconds, ratio_to_torch, floor_seconds, ratio_to_floor,
        extra_bytes`` (the torch fields are None without torch or a torch
        counterpart, the whole fields without a whole-array peer).
    """
    theta, g = _problem(size, dtype)
    opt = OPTIMIZERS[key]()
    copy_dst = np.empty_like(theta)
    contenders = {"numopt": lambda: opt.step(theta, g), "copy": lambda: np.copyto(copy_dst, g)}
    if type(opt).step is Optimizer.step:  # the box is the whole step
        contenders["whole"] = _whole_array_step(key, theta, g)
    torch_step = None if torch is None else _torch_step(torch, key, theta, g)
    if torch_step is not None:
        contenders["torch"] = torch_step
    seconds = interleaved(contenders, repeats)
    extra = _peak_extra_bytes(lambda: opt.step(theta, g))
    state_bytes = sum(a.nbytes for a in opt.state.values())
    traffic = 2 * theta.nbytes + g.nbytes + 2 * state_bytes
    floor = traffic / (2 * theta.nbytes / seconds["copy"])
    torch_seconds = seconds.get("torch")
    return {
        "algorithm": key,
        "dtype": dtype,
        "size": size,
        "seconds": seconds["numopt"],
        "whole_seconds": seconds.get("whole"),
        "ratio_to_whole": _ratio_of(seconds["numopt"], seconds.get("whole")),
        "torch_seconds": torch_seconds,
        "ratio_to_torch": _ratio_of(seconds["numopt"], torch_seconds),
        "floor_seconds": floor,
        "ratio_to_floor": seconds["numopt"] / floor,
        "extra_bytes": extra,
    }


def measure_overhead(key: str, repeats: int = 5, torch: Any = None) -> dict[str, Any]:
    """Seconds per step on a 2-element float64 parameter, for numopt and (if given) torch, interleaved."""
    theta, g = np.array([1.0, 2.0]), np.array([1e-3, -1e-3])
    opt = OPTIMIZERS[key]()
    contenders = {"numopt": lambda: opt.step(theta, g)}
    torch_step = None if torch is None else _torch_step(torch, key, theta, g)
    if torch_step is not None:
        contenders["torch"] = torch_step
    seconds = interleaved(contenders, repeats)
    return {
        "algorithm": key,
        "seconds": seconds["numopt"],
        "torch_seconds": seconds.get("torch"),
        "ratio_to_torch": _ratio_of(seconds["numopt"], seconds.get("torch")),
    }


def goals(rows: list[dict], overheads: list[dict]) -> list[str]:
    """One line per goal of :data:`GOALS` and :data:`TINY_GOAL` that the rows measured: met or not, and the ratio."""
    lines = []
    for key, dtype, size, field, limit in GOALS:
        for r in rows:
            if (r["algorithm"], r["dtype"], r["size"]) == (key, dtype, size) and r[field] is not None:
                peer = "torch.optim" if field == "ratio_to_torch" else "the whole-array peer"
                verdict = "met" if r[field] <= limit else "NOT met"
                lines.append(f"{key} {dtype} {size:.0e}: {r[field]:.2f}× {peer} (goal ≤ {limit}): {verdict}")
    key, limit = TINY_GOAL
    for o in overheads:
        if o["algorithm"] == key and o["ratio_to_torch"] is not None:
            verdict = "met" if o["ratio_to_torch"] <= limit else "NOT met"
            lines.append(f"{key} 2-element step: {o['ratio_to_torch']:.2f}× torch.optim (goal ≤ {limit}): {verdict}")
    return lines


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
    width = max(len("algorithm"), *(len(r["algorithm"]) for r in rows + overheads))
    head = f"{'algorithm':<{width}} {'dtype':<7} {'size':>8} {'numopt ms':>10} {'whole ms':>9} {'×whole':>7}"
    if with_torch:
        head += f" {'torch ms':>9} {'×torch':>7}"
    print(head + f" {'floor ms':>9} {'×floor':>7} {'extra':>11}")
    for r in rows:
        line = (
            f"{r['algorithm']:<{width}} {r['dtype']:<7} {r['size']:>8.0e} {_ms(r['seconds']):>10} "
            f"{_ms(r['whole_seconds']):>9} {_ratio(r['ratio_to_whole']):>7}"
        )
        if with_torch:
            line += f" {_ms(r['torch_seconds']):>9} {_ratio(r['ratio_to_torch']):>7}"
        print(line + f" {_ms(r['floor_seconds']):>9} {_ratio(r['ratio_to_floor']):>7} {_bytes(r['extra_bytes']):>11}")
    print()
    torch_head = f" {'torch µs':>9} {'×torch':>7}" if with_torch else ""
    print(f"{'algorithm':<{width}} {'2-element step µs':>18}{torch_head}")
    for o in overheads:
        line = f"{o['algorithm']:<{width}} {o['seconds'] * 1e6:>18.1f}"
        if with_torch:
            torch_us = "-" if o["torch_seconds"] is None else f"{o['torch_seconds'] * 1e6:.1f}"
            line += f" {torch_us:>9} {_ratio(o['ratio_to_torch']):>7}"
        print(line)
    reached = goals(rows, overheads)
    if reached:
        print()
        print("goals (issue 22):")
        for line in reached:
            print(f"  {line}")


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
        print(json.dumps({"machine": machine, "rows": rows, "overhead": overheads,
                          "goals": goals(rows, overheads)}, indent=1))
    else:
        _print_tables(rows, overheads, torch is not None)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``numopt bench``."""
    p = subparsers.add_parser(
        "bench",
        help="time every optimizer interleaved with its whole-array NumPy peer and torch.optim",
        description="Time each optimizer's step interleaved, in one process, with the same box on whole "
        "arrays (the plain NumPy peer), the memory-traffic floor and, when torch is installed, "
        "single-threaded torch.optim (foreach=False); medians over rotating rounds.",
    )
    p.add_argument("--sizes", default=",".join(f"{s:.0e}" for s in DEFAULT_SIZES),
                   help="comma-separated parameter counts (default: %(default)s)")
    p.add_argument("--dtypes", default=",".join(DTYPES), help="float32 and/or float64 (default: %(default)s)")
    p.add_argument("--algorithms", default=",".join(OPTIMIZERS),
                   help="comma-separated registry keys (default: all)")
    p.add_argument("--repeats", default="5", help="interleaved rounds per figure; the median is shown (default: 5)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=_run)
