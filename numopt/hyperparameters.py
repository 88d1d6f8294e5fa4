"""Checking hyperparameters: the allowed range of every name, variant switches, clipping bounds.

:class:`numopt.base.Optimizer` calls :func:`check` whenever a hyperparameter is
set, in the constructor or later by assignment, so a value out of range is
refused with a message that names the parameter, the value and the range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .checks import as_real, shown

__all__ = ["BOUNDS", "RANGES", "SWITCHES", "VANISHING", "Interval", "LearningRate", "check", "check_dtypes",
           "check_lr_value", "learning_rate"]

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


_UNIT = Interval(0.0, 1.0)
_NONNEGATIVE = Interval(0.0, math.inf)
_POSITIVE = Interval(0.0, math.inf, low_open=True)

RANGES: dict[str, Interval] = {
    "lr": _NONNEGATIVE,
    "beta": _UNIT,
    "beta1": _UNIT,
    "beta2": _UNIT,
    "mu": _UNIT,
    "rho": Interval(0.0, 1.0, high_open=False),
    "eps": _POSITIVE,
    "weight_decay": _NONNEGATIVE,
    "gamma": _NONNEGATIVE,
    "gamma_p": _NONNEGATIVE,
    "gamma_s": _NONNEGATIVE,
    "initial_accumulator_value": _NONNEGATIVE,
}
"""Default ranges by hyperparameter name; a class may override some in ``ranges``."""

SWITCHES = frozenset(
    {"ewma", "eps_in_sqrt", "centered", "amsgrad", "dozat", "use_signs", "use_directions", "efficient"}
)
"""Hyperparameters that name a variant and must be ``True`` or ``False``."""

BOUNDS = frozenset({"p_bounds", "s_bounds"})
"""Hyperparameters that are ``None`` (no clipping) or a pair ``(low, high)``, 0 < low < high."""


def check(name: str, value: Any, ranges: Mapping[str, Interval]) -> Any:
    """Return ``value`` checked and normalised (Python float, bool or tuple).

    Parameters
    ----------
    name : str
        The hyperparameter's name.
    value : object
        The value given.
    ranges : mapping
        The class's overrides of :data:`RANGES`.

    Raises
    ------
    TypeError, ValueError
        Naming the parameter, the value and what was expected.
    """
    if name in SWITCHES:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name}={value!r} is not a bool; expected True or False")
        return bool(value)
    if name in BOUNDS:
        return _check_bounds(name, value)
    if name == "lr" and callable(value):
        return value
    interval = ranges.get(name, RANGES.get(name))
    if interval is None:
        return value
    number = as_real(value)
    if number is None:
        expected = "a float or a callable lr(t)" if name == "lr" else "a real number"
        raise TypeError(f"{name}={value!r} is a {type(value).__name__}; expected {expected}")
    if number not in interval:
        given = repr(number) if math.isfinite(number) else shown(value)
        raise ValueError(f"{name}={given} is out of range; expected {interval.describe(name)}")
    return number


VANISHING = frozenset({"eps"})
"""Hyperparameters that must not round to 0 in the parameters' dtype (a zero gradient would give 0/0 = NaN)."""


def check_dtypes(hyperparameters: Mapping[str, Any], dtypes: list[np.dtype]) -> None:
    """Refuse a hyperparameter of :data:`VANISHING` that rounds to 0 in one of the parameters' ``dtypes``."""
    for name in VANISHING & hyperparameters.keys():
        value = hyperparameters[name]
        for dtype in dict.fromkeys(dtypes):
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
    if number not in _NONNEGATIVE:
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
