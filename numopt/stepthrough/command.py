"""``numopt explain``: :func:`numopt.explain` on the command line (imported by :mod:`numopt.cli` only)."""

from __future__ import annotations

import argparse
import json
import math
import shutil

import numpy as np

from ..cli import CLIError, add_hp_option, algorithm_help, count, parse_hp
from ..registry import OPTIMIZERS
from .tracer import explain

__all__ = ["register"]


MAX_STEPS = 1000
"""The most ``numopt explain --steps``: each step prints a table of every box line."""


def _floats(option: str, text: str, dtype: str) -> np.ndarray:
    """The comma-separated numbers of ``option`` as an array of ``dtype``, refused if one is not finite there."""
    try:
        values = [float(x) for x in text.split(",")]
    except ValueError:
        values = []
    if not values or not all(math.isfinite(v) for v in values):
        raise CLIError(f"{option} {text!r} is not valid; expected comma-separated finite numbers, e.g. 0.1,-0.2")
    largest = float(np.finfo(dtype).max)
    too_large = [v for v in values if abs(v) > largest]
    if too_large:
        raise CLIError(f"{option} {text!r} has {too_large[0]:g}, which overflows {dtype}; expected numbers of "
                       f"magnitude <= {largest:.4g} (or --dtype float64)")
    with np.errstate(under="ignore"):  # a tiny number rounds to 0 or a subnormal, as NumPy rounds it
        return np.array(values, dtype=dtype)


def _run_explain(args: argparse.Namespace) -> int:
    hp = parse_hp(args.hp, args.algorithm)  # refuses an unknown algorithm too
    optimizer = OPTIMIZERS[args.algorithm](**hp)
    steps = count("--steps", args.steps, high=MAX_STEPS, why="a table per step")
    grads = _floats("--grads", args.grads, args.dtype)
    params = np.ones_like(grads) if args.params is None else _floats("--params", args.params, args.dtype)
    if params.shape != grads.shape:
        raise CLIError(f"--params {args.params!r} has {params.size} values and --grads {args.grads!r} has "
                       f"{grads.size}; expected the same number")
    try:
        with np.errstate(all="raise", under="ignore"):
            explanation = explain(optimizer, params, grads, steps=steps)
    except (TypeError, ValueError, FloatingPointError) as err:
        raise CLIError(str(err)) from None
    if args.json:
        print(json.dumps(explanation.to_json(), indent=2, ensure_ascii=False))
    else:
        print(explanation.to_text(shutil.get_terminal_size().columns))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``numopt explain``."""
    p = subparsers.add_parser(
        "explain",
        help="step through updates: every box line, its code and the numbers it produced",
        description=(
            "Take one or more steps of an optimizer with a fixed gradient and print, for every line of "
            "its algorithm box, the code that computes it and the values it produced (lines of other "
            "variants are marked skipped), wrapped to the terminal's width. The steps are numopt's own "
            "step(), traced."
        ),
    )
    p.add_argument("algorithm", metavar="ALGORITHM", help=algorithm_help())
    add_hp_option(p, "hyperparameters")
    p.add_argument("--grads", required=True, metavar="G1,G2,...", help="the gradient of every step, e.g. 0.1,-0.2")
    p.add_argument("--params", metavar="X1,X2,...", help="the starting parameters (default: ones)")
    p.add_argument("--steps", default="1", help="how many steps to show, e.g. 3 or 1e1 (default 1)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64", help="default float64")
    p.add_argument("--json", action="store_true", help="print everything recorded as JSON")
    p.set_defaults(func=_run_explain)
