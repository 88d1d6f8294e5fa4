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
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import numpy as np

__all__ = ["CLIError", "main"]

SUBCOMMAND_MODULES = ("numopt.cli", "numopt.race", "numopt.figures", "numopt.grading.cli", "numopt.bench",
                      "numopt.stepthrough")
"""Modules whose ``register(subparsers)`` adds subcommands, in ``--help`` order."""


class CLIError(Exception):
    """A user error: printed as ``numopt: error: <message>``, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; see {self.prog} --help\n")


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if text and text.strip() else ""


def _run_list(args: argparse.Namespace) -> int:
    from . import OPTIMIZERS

    for key, cls in OPTIMIZERS.items():
        defaults = ", ".join(f"{k}={v!r}" for k, v in cls().hyperparameters.items())
        print(f"{key:<9} {cls.__name__:<9} {_first_line(cls.__doc__)}")
        print(f"{'':<19} {defaults}")
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
