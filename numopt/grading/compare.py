r"""The tolerance test and the error measures of the grader.

Pass/fail is decided elementwise by the rule of ``numpy.isclose``::

    |x − y| <= atol + rtol·|y|          x: the candidate, y: the reference

with ``rtol=1e-6`` and ``atol=1e-9`` by default, and the *step* must match
as well, relative to its size::

    |Δx − Δy| <= rtol·max|Δy| + ROUNDING·(|θ| + |y|)     Δx = x − θ, Δy = y − θ

where θ is the parameter before the step (each side's own, in a closed
loop), the maximum runs over the array and ROUNDING (8 machine epsilons)
covers the rounding of θ itself. Without the step rule, a case whose steps
are far smaller than atol (gradients of 1e-8 with η = 0.01) would pass any
code at all. The report also gives the
familiar *relative error* of CS231n's gradient checks,

    max over elements of |x − y| / max(1e-8, |x| + |y|),

which is 0 for identical arrays, about 1e-16 for rounding differences and
close to 1 when one array is not related to the other. It is a readable
figure for the student; the decision uses only the tolerance rule.

NaN and inf count as failures unless the reference has the same non-finite
value in the same place (``equal_nan``), which is how a candidate is matched
against a mutant that divides by zero (for example Adam with t starting at 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ROUNDING", "Tolerance", "relative_error"]

ROUNDING = 8 * float(np.finfo(np.float64).eps)
"""Relative rounding allowed on the parameters in the step rule: a few units in the last place."""


@dataclass(frozen=True)
class Tolerance:
    """The pass/fail rule ``|x − y| <= atol + rtol·|y|``.

    Parameters
    ----------
    rtol : float, default 1e-6
        Relative tolerance, ``>= 0``.
    atol : float, default 1e-9
        Absolute tolerance, ``>= 0``.
    """

    rtol: float = 1e-6
    atol: float = 1e-9

    def __post_init__(self) -> None:
        for name in ("rtol", "atol"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 <= value < np.inf):
                raise ValueError(f"{name}={value!r} is not allowed; expected a finite number >= 0")

    def passing(self, x: np.ndarray, y: np.ndarray, equal_nan: bool = False) -> np.ndarray:
        """Which elements of ``x`` pass against the reference ``y`` (a boolean array).

        Parameters
        ----------
        x, y : ndarray
            Candidate and reference, of the same shape.
        equal_nan : bool, default False
            Let a NaN (or an inf of the same sign) in ``x`` match the same
            value in ``y``.
        """
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        with np.errstate(all="ignore"):
            ok = np.abs(x - y) <= self.atol + self.rtol * np.abs(y)
        if equal_nan:
            ok |= (np.isnan(x) & np.isnan(y)) | (np.isinf(x) & (x == y))
        return ok

    def close(self, x: np.ndarray, y: np.ndarray, equal_nan: bool = False) -> bool:
        """Whether every element of ``x`` passes against the reference ``y`` (see :meth:`passing`)."""
        return bool(self.passing(x, y, equal_nan).all())

    def step_close(self, x: np.ndarray, y: np.ndarray, x_old: np.ndarray, y_old: np.ndarray) -> bool:
        """Whether the candidate's step ``x − x_old`` matches the reference's ``y − y_old`` relative to its size.

        Elements where either step is not finite are left to :meth:`close`.
        """
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        with np.errstate(all="ignore"):
            dx, dy = x - np.asarray(x_old, dtype=float), y - np.asarray(y_old, dtype=float)
            finite = np.isfinite(dx) & np.isfinite(dy)
            scale = float(np.abs(dy[finite]).max()) if finite.any() else 0.0
            bound = self.rtol * scale + ROUNDING * (np.abs(x_old) + np.abs(y_old) + np.abs(y))
            ok = np.abs(dx - dy) <= bound
        return bool(ok[finite].all())

    def describe(self) -> str:
        """The rule in words, e.g. ``|x − y| <= 1e-09 + 1e-06·|y| and |Δx − Δy| <= 1e-06·max|Δy|``."""
        return f"|x − y| <= {self.atol:g} + {self.rtol:g}·|y| and the step |Δx − Δy| <= {self.rtol:g}·max|Δy|"


def relative_error(x: np.ndarray, y: np.ndarray) -> float:
    """``max(|x − y| / max(1e-8, |x| + |y|))``; ``inf`` if ``x`` has a NaN or inf that ``y`` has not.

    Parameters
    ----------
    x, y : ndarray
        Candidate and reference, of the same shape.

    Returns
    -------
    float
        0.0 for empty arrays.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size == 0:
        return 0.0
    with np.errstate(all="ignore"):
        err = np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))
    same = (np.isnan(x) & np.isnan(y)) | (np.isinf(x) & (x == y))
    err = np.where(same, 0.0, err)
    return float(np.where(np.isnan(err), np.inf, err).max())
