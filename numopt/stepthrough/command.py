"""``numopt explain``: :func:`numopt.explain` on the command line (imported by :mod:`numopt.cli` only)."""

from __future__ import annotations

import argparse
import json
import math
import shutil

import numpy as np

from ..cli import CLIError, count
from ..grading.cli import parse_hyperparameters
from ..registry import OPTIMIZERS
from .tracer import explain

__all__ = ["register"]


def _floats(option: str, text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",")]
    except ValueError:
        values = []
    if not values or not all(math.isfinite(v) for v in values):
        raise CLIError(f"{option} {text!r} is not valid; expected comma-separated finite numbers, e.g. 0.1,-0.2")
    return values


def _run_explain(args: argparse.Namespace) -> int:
    if args.algorithm not in OPTIMIZERS:
        raise CLIError(f"algorithm {args.algorithm!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    cls = OPTIMIZERS[args.algorithm]
    hp = parse_hyperparameters(",".join(args.hp))
    unknown = sorted(set(hp) - set(cls().hyperparameters))
    if unknown:
        raise CLIError(f"--hp {unknown[0]} is not a hyperparameter of {args.algorithm}; "
                       f"expected one of {', '.join(cls().hyperparameters)}")
    try:
        optimizer = cls(**hp)
    except (TypeError, ValueError) as err:
        raise CLIError(f"--hp {err}") from None
    steps = count("--steps", args.steps)
    grads = np.array(_floats("--grads", args.grads), dtype=args.dtype)
    params = np.ones_like(grads) if args.params is None else np.array(_floats("--params", args.params), args.dtype)
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
    p.add_argument("algorithm", metavar="ALGORITHM", help="numopt registry key, e.g. adam")
    p.add_argument("--hp", action="append", default=[], metavar="NAME=VALUE,...",
                   help="hyperparameters, e.g. lr=0.1,amsgrad=true (may be repeated)")
    p.add_argument("--grads", required=True, metavar="G1,G2,...", help="the gradient of every step, e.g. 0.1,-0.2")
    p.add_argument("--params", metavar="X1,X2,...", help="the starting parameters (default: ones)")
    p.add_argument("--steps", default="1", help="how many steps to show, e.g. 3 or 1e1 (default 1)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64", help="default float64")
    p.add_argument("--json", action="store_true", help="print everything recorded as JSON")
    p.set_defaults(func=_run_explain)
