r"""Starter files for students: ``numopt assignment ALGORITHM -o FILE``.

The starter is a module with one class in the "step" form the grader accepts:

* the module docstring holds the algorithm's equations, copied from the
  algorithm box of numopt's own module docstring, the conventions the grader
  checks (t starts at 1, params updated in place, grads left alone) and the
  command that grades it locally;
* the constructor takes the reference's hyperparameters with numopt's
  defaults (the variant switches are fixed at the assignment's values and
  named in the docstring instead), stores them, and sets up ``t`` and the
  state attributes under numopt's names, so that the grader can say which
  state quantity goes wrong first;
* ``step`` creates the state on the first call with numopt's initial values
  (zeros, ones, or a hyperparameter such as AdaGrad's initial accumulator)
  and then raises NotImplementedError, which the grader reports as
  "not implemented yet".
"""

from __future__ import annotations

import inspect
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .. import OPTIMIZERS

__all__ = ["starter_source", "write_starter"]

_TEMPLATE = '''r"""Starter file: implement {name} ({key}) for numopt's grader.

Implement ``{name}.step`` from these equations (the algorithm box of numopt's
module ``numopt/{module}.py``, which also has the derivation, the symbol table
and the conventions).

{equations}
{variants}
Conventions the grader checks
-----------------------------
* ``params`` and ``grads`` are float NumPy arrays of the same shape. ``step``
  updates ``params`` in place (``params -= ...``) and must not write into
  ``grads``.
* ``t`` counts the steps taken: increment it at the start of ``step``, so the
  first step computes with t = 1.
* Keep the state in the attributes that ``__init__`` sets up{state_names}; the
  grader recognises these names and tells you which one goes wrong first.

Check your work locally (the public cases; the grader may use other seeds)::

    numopt grade {filename}:{name} --algorithm {key}
"""

import numpy as np


class {name}:
    """{summary}"""

    def __init__(self, {signature}):
{assignments}
        self.t = 0  # steps taken
{state_attributes}
    def step(self, params, grads):
        """Take one step: update ``params`` in place from ``grads``."""
{state_setup}        raise NotImplementedError("{name}.step: write the update from the equations above")
'''


def _equations(cls: type) -> str:
    """The algorithm box of the module's docstring: its first literal block, with the sentence that introduces it."""
    lines = (sys.modules[cls.__module__].__doc__ or "").splitlines()
    start = next(i for i, line in enumerate(lines) if line.rstrip().endswith("::"))
    first = max(i for i in range(start + 1) if i == 0 or not lines[i - 1].strip("- "))
    intro = [*lines[first:start], lines[start].rstrip()[:-1]]
    block = []
    for line in lines[start + 1 :]:
        if line.strip() and not line.startswith(" "):
            break
        block.append(line)
    return "\n".join(intro) + "\n\n" + textwrap.dedent("\n".join(block)).strip("\n")


def _initial_value(cls: type, hp: dict[str, Any], name: str) -> str:
    """Python source for the initial value of state ``name``, shaped like ``params``.

    State of another shape than the parameters (Adafactor's row and column means, L-BFGS's
    history: their modules' docstrings give the shapes) is left for the student to create;
    state that starts as a copy of the parameters (schedule-free's z and x) is ``params.copy()``.
    """
    probe = np.array([0.25, -0.5, 2.0])
    value = cls(**hp)._initial_state(probe)[name]
    if value.shape not in ((), probe.shape):
        return "np.empty(0)  # not shaped like params: create it with the shape the docstring gives"
    if value.shape == probe.shape and np.array_equal(value, probe):
        return "params.copy()"
    constant = float(value.flat[0])
    if value.shape == ():
        return f"np.full((), {constant!r}, params.dtype)"
    for hp_name, hp_value in hp.items():
        if isinstance(hp_value, float):
            try:
                moved = cls(**{**hp, hp_name: hp_value + 0.125})._initial_state(probe)[name]
            except ValueError:
                continue
            if not np.array_equal(moved, value):
                return f"np.full_like(params, self.{hp_name})"
    if constant == 0.0:
        return "np.zeros_like(params)"
    if constant == 1.0:
        return "np.ones_like(params)"
    return f"np.full_like(params, {constant!r})"


def _summary(name: str, key: str, takes: Iterable[str], keeps: Iterable[str], fixed: str) -> str:
    """The starter class's docstring: what this class takes and keeps, written from the class itself.

    (numopt's own first docstring line may name variants, "with optional ... AMSGrad",
    that the starter fixes instead of taking.)
    """
    summary = f"{name}, numopt's {key} as this assignment sets it: takes {', '.join(takes) or 'nothing'}; keeps " \
              f"{', '.join(keeps)}"
    summary += f"; fixed: {fixed}." if fixed else "."
    return textwrap.fill(summary, 110, subsequent_indent="    ")


def starter_source(algorithm: str, class_name: str | None = None, filename: str = "student.py") -> str:
    """The source of a starter file for ``algorithm``.

    Parameters
    ----------
    algorithm : str
        Registry key (``"adam"``).
    class_name : str, optional
        The class to define; numopt's class name by default.
    filename : str, default "student.py"
        The file name used in the local check command.

    Raises
    ------
    ValueError
        For an unknown algorithm or a class name that is not an identifier.
    """
    if algorithm not in OPTIMIZERS:
        raise ValueError(f"algorithm {algorithm!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    cls = OPTIMIZERS[algorithm]
    if "inner" in inspect.signature(cls).parameters:  # Lookahead: its step is another optimizer's, then its box
        raise ValueError(
            f"algorithm {algorithm!r} wraps another optimizer (inner=...); expected an algorithm whose step is its "
            "own box (a starter is one standalone class)"
        )
    name = class_name or cls.__name__
    if not name.isidentifier():
        raise ValueError(f"class name {name!r} is not a Python identifier; expected e.g. {cls.__name__!r}")
    reference = cls()
    hp = reference.hyperparameters
    switches = {k: v for k, v in hp.items() if k in cls.switches}
    kept = {k: v for k, v in hp.items() if k not in cls.switches}
    states = reference._initial_state(np.zeros(3))
    fixed = ", ".join(f"{k}={v}" for k, v in switches.items())
    variants = "\n" + textwrap.fill(
        f"This assignment is numopt's default form ({fixed}): lines of the box marked with another variant "
        "do not apply.", 79) + "\n" if switches else ""
    return _TEMPLATE.format(
        name=name,
        key=algorithm,
        module=cls.__module__.rsplit(".", 1)[-1],
        equations="\n".join(f"    {line}".rstrip() for line in _equations(cls).splitlines()),
        variants=variants,
        state_names=f" ({', '.join(['t', *states])})" if states else " (t)",
        filename=filename,
        summary=_summary(name, algorithm, kept, ["t", *states], fixed),
        signature=", ".join(f"{k}={v!r}" for k, v in kept.items()),
        assignments="\n".join(f"        self.{k} = {k}" for k in kept),
        state_attributes="".join(
            f"        self.{s} = None  # state, created on the first step\n" for s in states
        ),
        state_setup=(
            f"        if self.{next(iter(states))} is None:\n"
            + "".join(f"            self.{s} = {_initial_value(cls, hp, s)}\n" for s in states)
            if states else ""
        ),
    )


def write_starter(algorithm: str, path: str | Path, class_name: str | None = None, overwrite: bool = False) -> Path:
    """Write :func:`starter_source` to ``path`` and return the path.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; expected a new file (use --force to overwrite it)")
    path.write_text(starter_source(algorithm, class_name, path.name), encoding="utf-8")
    return path
