"""The outcome of one grading case, :class:`CaseResult`.

Its own module because two others need it: :mod:`~numopt.grading.grader`
fills it in and :mod:`~numopt.grading.report` prints it, and the grader
imports the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cases import Case

__all__ = ["CaseResult"]


@dataclass
class CaseResult:
    """The outcome of one case.

    Attributes
    ----------
    case : Case
    passed : bool
    first_failure : int or None
        The first step that failed.
    worst_error : float
        The largest relative error over the compared steps that ran.
    failure : str or None
        What the candidate did wrong, if it did more than return other numbers
        (raised, returned the wrong shape, produced NaN).
    details : str
        A traceback, if the candidate raised.
    state_note : str or None
        Which state quantity first differed from the reference, if known.
    trace : list
        The candidate's steps, ``(t, θ before, g, θ after)``, for the diagnosis.
    """

    case: Case
    passed: bool = True
    first_failure: int | None = None
    worst_error: float = 0.0
    failure: str | None = None
    details: str = ""
    state_note: str | None = None
    trace: list = field(default_factory=list, repr=False)

    def describe(self) -> str:
        """``step 3: rel. error 4.1e-01`` or the failure message."""
        if self.failure:
            return self.failure
        if self.first_failure is None:
            return f"rel. error {self.worst_error:.1e}"
        return f"step {self.first_failure}: rel. error {self.worst_error:.1e}"
