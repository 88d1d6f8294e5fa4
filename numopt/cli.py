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
import ast
import importlib
import itertools
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np

__all__ = ["CLIError", "Parser", "add_hp_option", "algorithm_help", "check_name", "check_out", "count", "counted",
           "main", "need_matplotlib", "parse_hp", "parse_hyperparameters"]

SUBCOMMAND_MODULES = ("numopt.cli", "numopt.race", "numopt.figures", "numopt.grading.cli", "numopt.bench",
                      "numopt.stepthrough.command")
"""Modules whose ``register(subparsers)`` adds subcommands, in ``--help`` order."""


class CLIError(Exception):
    """A user error: printed as ``numopt: error: <message>``, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; see {self.prog} --help\n")


def count(option: str, text: str, low: int = 1, high: int | None = None, why: str = "") -> int:
    """A whole number given on the command line, as ``1000``, ``1_000`` or ``1e3``, in ``[low, high]``.

    Every count of every subcommand (``--steps``, ``--sizes``, ``--repeats``, ...) goes
    through this one parser, so that they all accept the same spellings, and each
    has an upper bound ``high`` beyond which the work would take hours or more memory
    than a machine has; ``why`` says so in the refusal.
    """
    cleaned = text.strip().replace("_", "")
    try:
        value: int | None = int(cleaned) if len(cleaned) < 100 else None  # (int() of 5000 digits refuses itself)
    except ValueError:
        try:
            number = float(cleaned)
        except ValueError:
            number = math.nan
        value = int(number) if math.isfinite(number) and number == int(number) else None
    if value is None or value < low:
        raise CLIError(f"{option} {text!r} is not valid; expected a whole number >= {low}, such as 1000 or 1e3")
    if high is not None and value > high:
        raise CLIError(f"{option} {text!r} is too large; expected at most {high:_}{f' ({why})' if why else ''}")
    return value


def counted(option: str, low: int = 1, high: int | None = None, why: str = "") -> Callable[[str], int]:
    """An argparse ``type=`` that reads a count with :func:`count` (a refusal is argparse's one-line usage error)."""
    def parse(text: str) -> int:
        try:
            return count(option, text, low, high, why)
        except CLIError as err:
            raise argparse.ArgumentTypeError(str(err).removeprefix(f"{option} ")) from None

    return parse


_ITEM = re.compile(r"\s*([A-Za-z_]\w*)\s*=\s*(\([^()]*\)|[^,]*)\s*(?:,|$)")
_WORDS = {"true": True, "false": False, "none": None}


def parse_hyperparameters(text: str) -> list[tuple[str, object, str]]:
    """The items of ``"lr=1e-2,beta1=0.8,eps_in_sqrt=true,p_bounds=(0.1,10)"``: (name, value, as written).

    Values are numbers, ``true``/``false``, ``none`` or a pair in parentheses.
    Only the syntax is checked here; :func:`parse_hp` checks the names.

    Raises
    ------
    CLIError
        On anything else, naming the offending item; ``betas=0.9,0.999`` (a
        name that stands for several of numopt's) gets the spelling to use.
    """
    items: list[tuple[str, object, str]] = []
    position, text = 0, text.strip()
    while position < len(text):
        match = _ITEM.match(text, position)
        if match is None or match.end() == position:
            rest = text[position:]
            if items and _several_names(items[-1][0]):  # betas=0.9,0.999: the values the name was given
                name, _, written = items[-1]
                values = [written, *itertools.takewhile(lambda v: "=" not in v, rest.split(","))]
                _several(name, ",".join(values), values)
            raise CLIError(f"--hp {rest!r} is not NAME=VALUE; expected e.g. --hp lr=1e-2,beta1=0.8")
        name, raw = match.group(1), match.group(2).strip()
        if raw.lower() in _WORDS:
            value = _WORDS[raw.lower()]
        else:
            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                value = raw
            if isinstance(value, bool) or not isinstance(value, (int, float, tuple)):
                raise CLIError(
                    f"--hp {name}={raw!r} is not a value; expected a number, true/false, none or (low, high)"
                )
        items.append((name, value, raw))
        position = match.end()
    return items


def _several_names(name: str) -> tuple[str, ...] | None:
    """numopt's names for another library's ``name`` that stands for several of them (``betas``), or None."""
    from .aliases import ALIASES

    return next((names for names in ALIASES.get(name, ((), ""))[0] if len(names) > 1), None)


def _several(name: str, written: str, values: Sequence[str]) -> NoReturn:
    """Raise the error for ``--hp betas=...``, a name that is several of numopt's: write them one by one."""
    from .aliases import ALIASES

    names = _several_names(name) or ()
    note = ALIASES[name][1]
    values = [v.strip(" ()") for v in values]
    if len(values) == len(names):
        spelled = " ".join(f"--hp {n}={v}" for n, v in zip(names, values, strict=True))
    else:
        spelled = " ".join(f"--hp {n}=..." for n in names)
    raise CLIError(f"--hp {name}={written}: {note}; write {spelled}")


def parse_hp(texts: Sequence[str], algorithm: str) -> dict[str, object]:
    """Every ``--hp NAME=VALUE,...`` of a subcommand, as keyword arguments of ``algorithm``'s class.

    The one parser of ``--hp`` (``explain``, ``grade``, ``assignment``): the
    option may be repeated; other libraries' names are read as numopt's
    (``learning_rate=0.1`` is ``lr=0.1``, ``beta_1`` is ``beta1``, and
    torch's RMSprop ``alpha`` is ``beta``) through :func:`numopt.aliases.meaning`,
    the table the Python API's errors use; and the values are checked by
    building the optimizer.

    Raises
    ------
    CLIError
        For an unknown algorithm, bad syntax, a name the algorithm does not
        take (with numopt's name when another library's was meant), a name
        given twice or a value the class refuses.
    """
    from .aliases import close_matches, meaning
    from .registry import OPTIMIZERS

    if algorithm not in OPTIMIZERS:
        raise CLIError(f"algorithm {algorithm!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    cls = OPTIMIZERS[algorithm]
    accepted = tuple(cls().hyperparameters)
    hp: dict[str, object] = {}
    for name, value, raw in (item for text in texts for item in parse_hyperparameters(text)):
        meant, note = (name,), ""
        if name not in accepted:
            meant, note = meaning(name, algorithm, accepted)
        if meant is not None and len(meant) > 1:
            _several(name, raw, raw.strip("()").split(","))
        if meant is None:
            guess = close_matches(name, accepted)
            raise CLIError(
                f"--hp {name}={raw}: {name!r} is not a hyperparameter of {algorithm}"
                + (f" ({note})" if note else "") + (f"; did you mean {', '.join(guess)}?" if guess else ";")
                + f" expected one of {', '.join(accepted)}"
            )
        if meant[0] in hp:
            raise CLIError(f"--hp {name}={raw}: {meant[0]} is given twice; expected each hyperparameter once")
        hp[meant[0]] = value
    try:
        cls(**hp)
    except (TypeError, ValueError) as err:
        raise CLIError(f"--hp {err}") from None
    return hp


def algorithm_help(what: str = "numopt registry key") -> str:
    """Help text for an algorithm argument, listing the registry's keys (so it cannot drift from the registry)."""
    from .registry import OPTIMIZERS

    return f"{what}, one of: {', '.join(OPTIMIZERS)}"


def add_hp_option(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--hp NAME=VALUE,...`` (repeatable) to a subcommand; ``what`` says what the values are for."""
    from .aliases import ALIASES

    foreign = ", ".join(sorted(n for n, (alternatives, _) in ALIASES.items() if any(len(a) == 1 for a in alternatives)))
    parser.add_argument(
        "--hp", action="append", default=[], metavar="NAME=VALUE,...",
        help=f"{what}, e.g. lr=1e-2,beta1=0.8 (may be repeated); other libraries' names ({foreign}) are read as "
             "numopt's",
    )


PLOTS_EXTRA = "pip install 'numopt[plots]' (in a clone: pip install -e '.[plots]')"
"""How to install matplotlib for numopt: the ``plots`` extra."""


def need_matplotlib(what: str) -> None:
    """Raise a :class:`CLIError` naming the extra to install if matplotlib does not import."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CLIError(f"{what} needs matplotlib: {PLOTS_EXTRA}") from None


def check_name(option: str, path: str, folder: bool = False) -> None:
    """Refuse a file or folder name that is blank or holds a NUL (no file system takes one), naming the option."""
    if not path.strip() or "\0" in path:
        what = "is blank" if not path.strip() else "holds a NUL character"
        raise CLIError(f"{option} {path!r} {what}; expected a {'folder' if folder else 'file'} name")


def check_out(option: str, path: str, folder: bool = False) -> Path:
    """Check before any work that ``path`` (a file, or a ``folder``) can be written; return it.

    The folder is created, as writing would create it; an ``OSError`` (a file in
    the way, no permission) is reported by :func:`main` like any unwritable output.
    """
    check_name(option, path, folder)
    out = Path(path)
    if out.is_dir() != folder and out.exists():
        raise CLIError(f"{option} {path}: " + ("is not a folder" if folder else "is a folder; expected a file name"))
    where = out if folder else out.parent
    in_the_way = next((p for p in (where, *where.parents) if p.exists() and not p.is_dir()), None)
    if in_the_way is not None:
        raise CLIError(f"{option} {path}: {in_the_way} is a file, not a folder; expected a path through folders")
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
    parser = Parser(
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
        if sys.stdout is not None:  # (None when the shell closed it: numopt ... >&-)
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
