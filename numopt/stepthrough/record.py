"""The data model of :func:`numopt.explain`: an :class:`Explanation` holds :class:`Step` s of :class:`Line` s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..base import Params
from ..box import to_latex
from . import render

__all__ = ["Difference", "Explanation", "Line", "Step"]


@dataclass
class Line:
    """One box line in one step for one parameter array.

    Attributes
    ----------
    box : str
        The box line as written in the docstring (whitespace folded).
    code : str
        The statement of ``_update`` that computes it.
    values : dict
        Name -> value after the statement: the variables it assigned (arrays
        are copies) and its scalar sub-expressions (``"1 - beta1 ** t"``).
        Empty if skipped.
    skipped : bool
        True if this variant did not execute the line.
    t : int
        The step number.
    param : None, int or str
        Which parameter array: ``None`` for a single array, the index of a
        list or the key of a dict.
    assigned : tuple of str
        The names in ``values`` that the statement assigned (the rest are
        sub-expressions).
    label, mark, formula : str
        The parts of the box line (``"1. scale"``, ``"amsgrad"``, the formula).
    """

    box: str
    code: str
    values: dict[str, Any]
    skipped: bool
    t: int
    param: Any
    assigned: tuple[str, ...]
    label: str = ""
    mark: str = ""
    formula: str = ""

    @property
    def latex(self) -> str | None:
        """The formula in LaTeX, or ``None`` if it does not convert (show :attr:`box` then)."""
        return to_latex(self.formula)


@dataclass
class Step:
    """One step: its number, step size, inputs, box lines, and the params and state after it."""

    t: int
    lr: float
    inputs: dict[Any, dict[str, Any]]
    """Parameter key -> what ``_update`` received: ``theta``, ``g`` and the state arrays (copies)."""
    lines: list[Line]
    params: Params
    """The params after the step (a copy, in the caller's structure)."""
    state: Any
    """The optimizer's ``state`` after the step (a copy)."""


@dataclass(frozen=True)
class Difference:
    """The first place where a value differs from the reference: the line, the name and both values."""

    line: Line
    name: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        where = "" if self.line.param is None else f" (params[{self.line.param!r}])"
        return (
            f"step {self.line.t}{where}, box line {self.line.box!r}: {self.name} is {render.short(self.actual)}, "
            f"expected {render.short(self.expected)}"
        )


@dataclass(repr=False)
class Explanation:
    """What :func:`explain` recorded: the optimizer and one :class:`Step` per step taken."""

    optimizer: str
    algorithm: str
    hyperparameters: dict[str, Any]
    steps: list[Step] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Explanation of {self.optimizer}: steps t = {', '.join(str(s.t) for s in self.steps)}>"

    @property
    def lines(self) -> list[Line]:
        """Every line of every step, in order (skipped lines included)."""
        return [line for step in self.steps for line in step.lines]

    def value_of(self, name: str, t: int | None = None, param: Any = None) -> Any:
        """The value of ``name`` after the last line that recorded it (in step ``t``, if given).

        ``name`` is a variable (``"m_hat"``, ``"theta"``) or a sub-expression
        (``"1 - beta1 ** t"``); ``param`` picks the array of a list or dict.

        Raises
        ------
        KeyError
            If no executed line recorded ``name``.
        """
        for line in reversed(self.lines):
            if name in line.values and line.param == param and (t is None or line.t == t):
                return line.values[name]
        raise KeyError(f"{name!r} is not recorded by any executed line{'' if t is None else f' of step {t}'}")

    def first_difference(
        self, other: Explanation | Mapping[str, Any], *, rtol: float = 0.0, atol: float = 0.0, param: Any = None,
    ) -> Difference | None:
        """The first line whose value differs from ``other``; ``None`` if all agree.

        ``other`` is another explanation (in each step, the final value of
        each name compared with the other's, so that a variant that sets θ
        on another box line compares too) or a candidate's values after the
        last step, name -> array (``{"m": ..., "v": ..., "theta": ...}``): each name is compared with
        its final value here, and the difference reported is the one whose
        line comes first in the box. Values agree if ``numpy.isclose`` with
        ``rtol`` and ``atol`` holds everywhere (NaN equals NaN); the defaults
        ask for equal values.
        """
        if isinstance(other, Explanation):  # by name within each step: a variant may set θ on another line
            for ours, theirs in zip(self.steps, other.steps, strict=False):
                final = {(line.param, name): value for line in theirs.lines for name, value in line.values.items()}
                last = {(line.param, name): line for line in ours.lines for name in line.values}
                for line in ours.lines:
                    for name, value in line.values.items():
                        key = (line.param, name)
                        if last[key] is line and key in final and not _close(final[key], value, rtol, atol):
                            return Difference(line, name, value, final[key])
            return None
        lines = [line for line in self.steps[-1].lines if line.param == param]
        for line in lines:
            for name in line.assigned:
                last = max(i for i, x in enumerate(lines) if name in x.assigned)
                if name in other and line is lines[last] and not _close(other[name], line.values[name], rtol, atol):
                    return Difference(line, name, line.values[name], np.asarray(other[name]))
        return None

    def sections(self):
        """(step, parameter key, what ``_update`` received, the lines of that array), one per table."""
        for step in self.steps:
            for key, inputs in step.inputs.items():
                yield step, key, inputs, [line for line in step.lines if line.param == key]

    def to_text(self, width: int | None = None) -> str:
        """The tables as plain text (box line in unicode, code, values), one per step and array.

        ``width``: the columns available (``numopt explain`` passes the
        terminal's); a table wider than that puts each line's code and values
        under its box line, wrapped. ``None``: one row per line, however wide.
        """
        return render.text(self, width)

    __str__ = to_text

    def _repr_markdown_(self) -> str:
        return render.markdown(self)

    def _repr_html_(self) -> str:
        return render.html_table(self)

    def to_json(self) -> dict[str, Any]:
        """Everything recorded, JSON-ready: arrays as nested lists at full precision, NaN/inf as strings."""
        return render.json_ready(self)


def _close(actual: Any, expected: Any, rtol: float, atol: float) -> bool:
    a, b = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    return a.shape == b.shape and bool(np.all(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)))
