"""The ``numopt`` command (also ``python -m numopt``).

Each subcommand lives in the module that does its work and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a
function ``func(args) -> int``. This module only collects them, turns a
:class:`CLIError`, a usage error or a file that cannot be written into one
readable line on stderr with exit status 2 (and a closed output pipe into the
shell's status 141, without a traceback), and lists the subcommands in
``--help``.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np

__all__ = ["CLIError", "check_out", "count", "main", "need_matplotlib"]

SUBCOMMAND_MODULES = ("numopt.cli", "numopt.race", "numopt.figures", "numopt.grading.cli", "numopt.bench",
                      "numopt.stepthrough.command")
"""Modules whose ``register(subparsers)`` adds subcommands, in ``--help`` order."""


class CLIError(Exception):
    """A user error: printed as ``numopt: error: <message>``, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; see {self.prog} --help\n")


def count(option: str, text: str, low: int = 1) -> int:
    """A whole number given on the command line, as ``1000``, ``1_000`` or ``1e3``.

    Every count of every subcommand (``--steps``, ``--sizes``, ``--repeats``, ...) goes
    through this one parser, so that they all accept the same spellings.
    """
    cleaned = text.strip().replace("_", "")
    try:
        value: int | None = int(cleaned)
    except ValueError:
        try:
            number = float(cleaned)
        except ValueError:
            number = math.nan
        value = int(number) if math.isfinite(number) and number == int(number) else None
    if value is None or value < low:
        raise CLIError(f"{option} {text!r} is not valid; expected a whole number >= {low}, such as 1000 or 1e3")
    return value


PLOTS_EXTRA = "pip install 'numopt[plots]' (in a clone: pip install -e '.[plots]')"
"""How to install matplotlib for numopt: the ``plots`` extra."""


def need_matplotlib(what: str) -> None:
    """Raise a :class:`CLIError` naming the extra to install if matplotlib does not import."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CLIError(f"{what} needs matplotlib: {PLOTS_EXTRA}") from None


def check_out(option: str, path: str, folder: bool = False) -> Path:
    """Check before any work that ``path`` (a file, or a ``folder``) can be written; return it.

    The folder is created, as writing would create it; an ``OSError`` (a file in
    the way, no permission) is reported by :func:`main` like any unwritable output.
    """
    out = Path(path)
    if out.is_dir() != folder and out.exists():
        raise CLIError(f"{option} {path}: " + ("is not a folder" if folder else "is a folder; expected a file name"))
    where = out if folder else out.parent
    where.mkdir(parents=True, exist_ok=True)
    if not os.access(where, os.W_OK):
        raise CLIError(f"{option} {path}: the folder {where} is not writable")
    return out


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if text and text.strip() else ""


def _run_list(args: argparse.Namespace) -> int:
    from . import OPTIMIZERS

    wide = max(map(len, OPTIMIZERS)), max(len(cls.__name__) for cls in OPTIMIZERS.values())
    for key, cls in OPTIMIZERS.items():
        defaults = ", ".join(f"{k}={v!r}" for k, v in cls().hyperparameters.items())
        print(f"{key:<{wide[0]}} {cls.__name__:<{wide[1]}} {_first_line(cls.__doc__)}")
        print(f"{'':<{wide[0] + wide[1] + 1}} {defaults}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``numopt list``."""
    p = subparsers.add_parser(
        "list",
        help="list every algorithm with its key, defaults and summary",
        description="List every algorithm: registry key, class, first docstring line, defaults.",
    )
    p.set_defaults(func=_run_list)


def build_parser() -> argparse.ArgumentParser:
    """The ``numopt`` argument parser with every registered subcommand."""
    parser = _Parser(
        prog="numopt",
        description="Readable NumPy gradient-descent optimizers: list, compare, grade, benchmark.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"numopt {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with np.errstate(all="raise"):
            status = args.func(args)
        sys.stdout.flush()  # a closed pipe is reported here, not after main has returned
        return status
    except CLIError as err:
        print(f"numopt: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``numopt list | head``): stop quietly, and point stdout
        # at /dev/null so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as err:  # an output file that cannot be written (--out in a missing or read-only place)
        where = f"{err.filename}: " if err.filename else ""
        print(f"numopt: error: {where}{err.strerror or err}", file=sys.stderr)
        return 2
