"""``numopt race``: run several optimizers on one problem, print a table, draw the picture.

::

    numopt race rosenbrock --optimizers sgd,momentum,adam,adax --steps 1000 --out race.png

Each optimizer gets the problem's suggested settings (``make_optimizer``). The
table gives the final loss, the first step at which the loss is within the
tolerance of the minimum (of 0 where the minimum is unknown), and the wall time.
A run that fails (a gradient overflows, EGU meets a non-positive parameter) is
reported in its row and the race goes on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from . import OPTIMIZERS
from .cli import CLIError, check_out, count, need_matplotlib
from .problems import PROBLEMS
from .runner import Trajectory, make_optimizer, make_problem, run

__all__ = ["race", "register"]


MAX_STEPS = 2_000_000
"""The most steps a race takes in all (steps × optimizers): about 15 minutes on the slowest problem."""

SECONDS_PER_STEP = 5e-4
"""A step of the slowest problem (``drift``) with its recording, on a 2-core machine: for the estimate."""


def _duration(seconds: float) -> str:
    """``seconds`` in the largest unit that keeps the number >= 1 (for an estimate)."""
    for unit, size in (("years", 3.15e7), ("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} seconds"


def _nonnegative_float(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (np.isfinite(value) and value >= 0):
        raise CLIError(f"{name} {text!r} is not valid; expected a number >= 0")
    return value


def _keys(text: str) -> list[str]:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in OPTIMIZERS]
    if unknown or not keys:
        raise CLIError(
            f"unknown optimizer {', '.join(map(repr, unknown)) or repr(text)}; "
            f"expected a comma-separated list of: {', '.join(OPTIMIZERS)}"
        )
    return keys


def race(problem_name: str, keys: list[str], steps: int, seed: int | None) -> tuple[dict[str, Trajectory], list[str]]:
    """Run every optimizer of ``keys`` on the problem; return the trajectories and the failures.

    Returns
    -------
    trajectories : dict key -> Trajectory
        The runs that finished.
    failures : list of str
        One line per run that raised (key and message).
    """
    problem = make_problem(problem_name)
    trajectories, failures = {}, []
    for key in keys:
        try:
            with np.errstate(all="raise", under="ignore"):
                trajectories[key] = run(make_optimizer(key, problem), problem, steps, seed=seed)
        except (ValueError, FloatingPointError) as err:
            failures.append(f"{key}: {err}")
    return trajectories, failures


def _table(trajectories: dict[str, Trajectory], tol: float) -> str:
    known = all(tr.min_value is not None for tr in trajectories.values())
    gap = "loss − min" if known else ""
    wide = max(10, *map(len, trajectories))  # schedule_free, sparse_adam
    head = f"{'optimizer':<{wide}} {'final loss':>12} {gap:>12} {f'steps to {tol:g}':>16} {'time':>9}"
    rows = [head, "-" * len(head)]
    for key, tr in trajectories.items():
        hit = tr.steps_to(tol)
        gap = f"{tr.gaps[-1]:12.4e}" if known else " " * 12
        rows.append(
            f"{key:<{wide}} {tr.losses[-1]:12.4e} {gap} {'not reached' if hit is None else hit:>16} "
            f"{1e3 * tr.seconds:7.1f} ms"
        )
    return "\n".join(rows)


def _plot(problem_name: str, trajectories: dict[str, Trajectory], path: str) -> Path:
    from . import plot

    problem = make_problem(problem_name)
    two_d = problem.bounds is not None
    fig, axes = plot.figure(1, 2 if two_d else 1, size=(12.0 if two_d else 7.0, 4.8))
    axes = np.atleast_1d(axes)
    if two_d:
        plot.contours(problem, trajectories, ax=axes[0])
    plot.loss_curves(trajectories, ax=axes[-1], title=f"{problem_name}: loss per step")
    return plot.save(fig, path)


def _run_race(args: argparse.Namespace) -> int:
    if args.problem not in PROBLEMS:
        raise CLIError(f"unknown problem {args.problem!r}; expected one of: {', '.join(PROBLEMS)}")
    keys = _keys(args.optimizers)
    steps = count("--steps", args.steps)
    total = steps * len(keys)
    if total > MAX_STEPS:
        raise CLIError(
            f"--steps {args.steps!r} for {len(keys)} optimizer(s) is {total:.3g} steps in all, about "
            f"{_duration(total * SECONDS_PER_STEP)} and a recorded point per step; expected at most {MAX_STEPS:_} "
            f"steps in all (--steps {MAX_STEPS // len(keys):_} for {len(keys)} optimizer(s))"
        )
    tol = _nonnegative_float("--tol", args.tol)
    seed = None if args.seed is None else count("--seed", args.seed, 0)
    plot_to = None if args.no_plot else args.out
    if plot_to is not None:  # asked for a plot: check before the work that it can be drawn and written
        need_matplotlib("--out")
        check_out("--out", plot_to)
    elif not args.no_plot:
        try:
            need_matplotlib("the plot")
            plot_to = f"race-{args.problem}.png"
        except CLIError as err:
            print(f"numopt race: drawing no plot: {err}", file=sys.stderr)
    trajectories, failures = race(args.problem, keys, steps, seed)
    print(f"race on {make_problem(args.problem)!r}, {steps} steps, seed {seed}")
    if trajectories:
        print(_table(trajectories, tol))
    for line in failures:
        print(f"failed  {line}")
    if trajectories and plot_to is not None:
        path = _plot(args.problem, trajectories, plot_to)
        print(f"wrote {path}")
    return 0 if trajectories else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``numopt race``."""
    p = subparsers.add_parser(
        "race",
        help="run several optimizers on one test problem side by side",
        description=(
            "Run optimizers side by side on a test problem with the problem's suggested learning "
            "rates; print the final loss, the steps to reach a tolerance and the wall time, and "
            "write a plot (contours and loss curves for 2-D problems, loss curves otherwise). "
            f"Problems: {', '.join(PROBLEMS)}."
        ),
        epilog="Exit status: 0 if at least one run finished, 1 if all failed, 2 on bad input.",
    )
    p.add_argument("problem", metavar="PROBLEM", help=f"the test problem, one of: {', '.join(PROBLEMS)}")
    p.add_argument(
        "--optimizers", metavar="KEYS", default=",".join(OPTIMIZERS),
        help="comma-separated registry keys (default: all of them)",
    )
    p.add_argument("--steps", metavar="N", default="500", help="steps per optimizer, e.g. 1000 or 1e3 (default: 500)")
    p.add_argument(
        "--tol", metavar="T", default="1e-4",
        help="tolerance on loss − minimum (on the loss where the minimum is unknown) (default: 1e-4)",
    )
    p.add_argument(
        "--seed", metavar="S", default=None,
        help="seed of the start and the mini-batches (default: the standard start, batches of seed 0)",
    )
    p.add_argument(
        "--out", metavar="FILE", default=None,
        help="where to write the plot (default: race-PROBLEM.png, if matplotlib is installed)",
    )
    p.add_argument("--no-plot", action="store_true", help="print the table only")
    p.set_defaults(func=_run_race)
