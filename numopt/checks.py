"""Checking the plain arguments of problems, schedules, runs and plots: whole numbers, reals and seeds.

Each function returns the value as a Python ``int`` or ``float`` or raises a
``ValueError`` that names the argument, the value given and what was expected,
so that a bad argument never reaches NumPy (whose messages name neither).
A real is accepted as a Python or NumPy number or a 0-d real array, never a
bool; an integer too large for a float (``10**400``) is refused like any other
value out of range.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = ["as_real", "real", "seed", "shown", "whole"]


def as_real(value: Any) -> float | None:
    """``value`` as a Python float if it is a real number (not a bool), else ``None``.

    An integer beyond the float range gives ``±inf``, which every finite range refuses.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def shown(value: Any) -> str:
    """``repr(value)`` for a message, with a huge int as ``~10**400`` (its 401 digits say nothing more)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and abs(int(value)) >= 10**18:
        return f"{'-' if value < 0 else ''}~10**{int(abs(int(value)).bit_length() * math.log10(2))}"
    return repr(value)


def real(name: str, value: Any, low: float = -math.inf, high: float = math.inf, *, strict: bool = False) -> float:
    """A finite real number ``low <= value <= high`` (``low < value`` if ``strict``), as a float."""
    number = as_real(value)
    if number is None or not math.isfinite(number) or not (number > low if strict else number >= low) or number > high:
        bounds = [f"{'>' if strict else '>='} {low:g}" if math.isfinite(low) else "", f"<= {high:g}" if
                  math.isfinite(high) else ""]
        expected = " and ".join(b for b in bounds if b)
        raise ValueError(f"{name}={shown(value)}; expected a finite real number{' ' + expected if expected else ''}")
    return number


def whole(name: str, value: Any, low: int, high: int | None = None) -> int:
    """A whole number ``low <= value <= high`` given as a Python or NumPy int (not a bool or a float), as an int."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low or (
        high is not None and value > high
    ):
        upper = "" if high is None else f" and <= {high:,}".replace(",", "_")
        raise ValueError(f"{name}={shown(value)}; expected an int >= {low}{upper}")
    return int(value)


def seed(value: Any, name: str = "seed") -> int | None:
    """A seed for ``numpy.random.default_rng``: ``None`` or an int >= 0."""
    return None if value is None else whole(name, value, 0)
