"""Checking hyperparameters against the facts their class states: ranges, variant switches, clipping bounds.

:class:`numopt.base.Optimizer` calls :func:`check` whenever a hyperparameter is
set, in the constructor or later by assignment, so a value out of range is
refused with a message that names the parameter, the value and the range. What
each name may hold is the optimizer class's own fact (``ranges``, written with
:func:`inequalities`; ``switches``; ``bounds``); only ``lr`` is the same for all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .checks import as_real, shown

__all__ = ["LR_RANGE", "Interval", "LearningRate", "check", "check_dtypes", "check_lr_value", "inequalities",
           "learning_rate", "vanishing"]

LearningRate = float | Callable[[int], float]
"""A constant step size, or a schedule ``lr(t)`` called once per step with t >= 1."""


@dataclass(frozen=True)
class Interval:
    """The allowed range of a real hyperparameter, e.g. ``0 <= beta1 < 1``.

    Parameters
    ----------
    low, high : float
        The end points.
    low_open, high_open : bool
        Whether each end point is excluded. Infinite end points are always
        excluded, so every accepted value is finite.
    """

    low: float
    high: float
    low_open: bool = False
    high_open: bool = True

    def __contains__(self, x: float) -> bool:
        above = x > self.low if self.low_open else x >= self.low
        below = x < self.high if self.high_open else x <= self.high
        return above and below and math.isfinite(x)

    def describe(self, name: str) -> str:
        """Write the interval as an inequality in ``name``, e.g. ``0 <= beta1 < 1``."""
        lower = f"{self.low:g} {'<' if self.low_open else '<='} " if math.isfinite(self.low) else ""
        upper = f" {'<' if self.high_open else '<='} {self.high:g}" if math.isfinite(self.high) else ""
        text = f"{lower}{name}{upper}"
        return text if math.isfinite(self.high) else f"{text} (finite)"


LR_RANGE = Interval(0.0, math.inf)
"""The range of a constant learning rate (and of every value a schedule ``lr(t)`` returns): ``lr >= 0``."""


def inequalities(*texts: str) -> dict[str, Interval]:
    """Hyperparameter name -> :class:`Interval`, from inequalities written as the docstrings write them.

    ``inequalities("0 <= beta1 < 1", "eps > 0")`` gives
    ``{"beta1": Interval(0, 1), "eps": Interval(0, inf, low_open=True)}``; each
    interval's :meth:`Interval.describe` writes its inequality back.
    """
    found = {}
    for text in texts:
        parts = text.split()
        if len(parts) == 3 and parts[1] in (">", ">="):  # name > low, name >= low
            name, interval = parts[0], Interval(float(parts[2]), math.inf, low_open=parts[1] == ">")
        elif len(parts) == 5 and parts[1] in ("<", "<=") and parts[3] in ("<", "<="):  # low < name < high
            name = parts[2]
            interval = Interval(float(parts[0]), float(parts[4]), parts[1] == "<", parts[3] == "<")
        else:
            raise ValueError(f"range {text!r} is not an inequality; expected 'low <= name < high' or 'name >= low'")
        found[name] = interval
    return found


def check(name: str, value: Any, facts: type) -> Any:
    """Return ``value`` checked and normalised (Python float, int, bool or tuple).

    Parameters
    ----------
    name : str
        The hyperparameter's name.
    value : object
        The value given.
    facts : type
        The optimizer class: its ``switches``, ``bounds`` and ``ranges`` say
        what ``name`` is (``lr`` is a float >= 0 or a schedule for every class);
        a name in its ``integers`` is a whole number (``5`` or ``5.0``), returned as int.

    Raises
    ------
    TypeError, ValueError
        Naming the parameter, the value and what was expected.
    """
    if name in facts.switches:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name}={value!r} is not a bool; expected True or False")
        return bool(value)
    if name in facts.bounds:
        return _check_bounds(name, value)
    if name == "lr" and callable(value):
        return value
    interval = LR_RANGE if name == "lr" else facts.ranges.get(name)
    if interval is None:
        return value
    number = as_real(value)
    if number is None:
        expected = "a float or a callable lr(t)" if name == "lr" else "a real number"
        raise TypeError(f"{name}={value!r} is a {type(value).__name__}; expected {expected}")
    if number not in interval:
        given = repr(number) if math.isfinite(number) else shown(value)
        raise ValueError(f"{name}={given} is out of range; expected {interval.describe(name)}")
    if name in facts.integers:
        if not number.is_integer():
            raise ValueError(
                f"{name}={number!r} is not a whole number; expected a whole number, {interval.describe(name)}"
            )
        return int(number)
    return number


def vanishing(ranges: Mapping[str, Interval]) -> tuple[str, ...]:
    """The names whose range excludes 0 from above (``eps > 0``): they must not round to 0 in the parameters' dtype.

    A zero ε would turn a zero gradient into 0/0 = NaN, however carefully the
    constructor refused ``eps=0``.
    """
    return tuple(name for name, interval in ranges.items() if interval.low == 0 and interval.low_open)


def check_dtypes(optimizer: Any, dtypes: list[np.dtype]) -> None:
    """Refuse a strictly positive hyperparameter (:func:`vanishing`) that rounds to 0 in one of the ``dtypes``.

    ``optimizer`` holds the hyperparameters as attributes and their ``ranges``.
    A float64 parameter needs no check: the value is a float64 already.
    """
    narrower = [dtype for dtype in dict.fromkeys(dtypes) if dtype != np.float64]
    if not narrower:
        return
    for name in vanishing(optimizer.ranges):
        value = getattr(optimizer, name)
        for dtype in narrower:
            if dtype.type(value) == 0:
                raise ValueError(
                    f"{name}={value!r} rounds to 0 in {dtype}, the dtype of the parameters; expected "
                    f"{name} >= {np.finfo(dtype).smallest_subnormal} for {dtype} parameters (or float64 parameters)"
                )


def learning_rate(lr: LearningRate, t: int) -> float:
    """The step size of step ``t``: ``lr`` itself, or a schedule's ``lr(t)`` checked like a constant."""
    return check_lr_value(t, lr(t)) if callable(lr) else lr


def check_lr_value(t: int, value: Any) -> float:
    """Return the value a schedule ``lr(t)`` gave, checked like a constant ``lr``."""
    number = as_real(value)
    if number is None:
        raise TypeError(
            f"lr({t}) returned {value!r}, a {type(value).__name__}; expected a float >= 0 (any real scalar)"
        )
    if number not in LR_RANGE:
        given = repr(number) if math.isfinite(number) else shown(value)
        raise ValueError(f"lr({t}) returned {given}; expected a finite float >= 0")
    return number


def _check_bounds(name: str, value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    sequence = isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim == 1)
    pair = list(value) if sequence else []
    low, high = (as_real(x) for x in pair) if len(pair) == 2 else (None, None)  # not a str, dict or set
    if low is None or high is None:
        raise TypeError(f"{name}={value!r}; expected None or a pair (low, high) of real numbers")
    if not (0.0 < low < high < math.inf):
        raise ValueError(f"{name}={value!r} is not a valid interval; expected 0 < low < high (finite)")
    return (low, high)
