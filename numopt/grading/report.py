r"""The grading report: one line, a short human report, and Gradescope's ``results.json``.

The wording is deliberate: a passing candidate has passed the *public checks*
(or the checks of the instructor's seed), never "all tests"; hidden cases may
still find something. No traceback is shown unless asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .compare import Tolerance
from .mutants import Mutant
from .results import CaseResult

__all__ = ["GradeReport"]

REL_ERROR = "rel. error = max |x − y| / max(1e-8, |x| + |y|)"
NO_MATCH = "it matches no mistake in the catalogue, nor one or two changes of the textbook update"


@dataclass
class GradeReport:
    """What :func:`numopt.grading.grade` found.

    Attributes
    ----------
    label : str
        The candidate's name (``student.py:Adam``).
    algorithm : str
        The reference's registry key.
    hp : dict
        The reference's hyperparameters.
    seed : int
        The cases' seed (0: public).
    tolerance : Tolerance
        The pass rule.
    allow : tuple of str
        The legitimate variants the instructor accepts.
    results : list of CaseResult
        One per case (empty if the candidate could not be loaded).
    load_error : str or None
        Why the candidate could not be loaded or built.
    notes : list of str
        What the student should know besides the verdict (a hyperparameter
        set on the reference only).
    cases : list of Case
        The cases graded (also when the candidate could not be loaded, so
        that results.json lists the same tests whatever happens).
    diagnosis : Mutant or None
        The catalogue entry or structural finding the candidate matches, if it failed.
    other_hp : dict
        The hyperparameters of the cases "at other hyperparameters".
    strict : bool
        Whether only the plain form (and ``allow``) was accepted.
    call : str or None
        How a course function was called (its signature and returns), echoed in the header.
    variant_line : str or None
        For a candidate that is a legitimate variant: the first box line where the variant's
        step differs from the assignment's form.
    """

    label: str
    algorithm: str
    hp: dict[str, Any]
    seed: int
    tolerance: Tolerance
    allow: tuple[str, ...] = ()
    results: list[CaseResult] = field(default_factory=list)
    load_error: str | None = None
    diagnosis: Mutant | None = None
    notes: list[str] = field(default_factory=list)
    cases: list = field(default_factory=list)
    other_hp: dict[str, Any] = field(default_factory=dict)
    strict: bool = False
    call: str | None = None
    variant_line: str | None = None

    @property
    def passed(self) -> bool:
        """True if the candidate loaded and passed every case."""
        return self.load_error is None and bool(self.results) and all(r.passed for r in self.results)

    @property
    def accepted_variant(self) -> bool:
        """True if it passed as a legitimate variant the instructor allowed."""
        return self.passed and self.diagnosis is not None

    def _checks(self) -> str:
        return "public checks" if self.seed == 0 else "hidden checks"  # the seed is the instructor's secret

    def _diagnosis_sentence(self) -> str | None:
        if self.diagnosis is None:
            return None
        text = f"your update matches {self.diagnosis.sentence(self.algorithm, self.hp)}"
        if self.diagnosis.variant is None:
            return text + "."
        if self.accepted_variant:
            return text + f", a legitimate variant accepted here (allowed: {self.diagnosis.variant})."
        return (
            text + f": a legitimate variant, but not the form this assignment asks for (the instructor "
            f"can accept it with --allow {self.diagnosis.variant})."
        )

    def _state_note(self) -> str | None:
        """Which state quantity went wrong first, from the first failing case that says."""
        return next((r.state_note for r in self.results if r.state_note and not r.passed), None)

    def _first_failure(self) -> CaseResult | None:
        return next((r for r in self.results if not r.passed), None)

    def summary(self) -> str:
        """One line: the verdict, the first failure and the diagnosis (and any note)."""
        text = self._summary()
        return text + "".join(f" (Note: {note}.)" for note in self.notes)

    def _summary(self) -> str:
        title = f"{self.label} vs numopt {self.algorithm}"
        if self.load_error is not None:
            return f"{title}: {self.load_error}"
        if self.passed:
            n = len(self.results)
            extra = f"; {self._diagnosis_sentence()}" if self.accepted_variant else ""
            return f"{title}: {self._checks()} passed ({n} of {n} cases){extra}"
        first = self._first_failure()
        text = f"{title}: case '{first.case.name}' fails ({first.describe()})"
        sentence = self._diagnosis_sentence()
        if sentence:
            return f"{text}; {sentence}"
        if first.failure:
            return text
        note = self._state_note()
        if note:
            return f"{text}; in your state, {note}; {NO_MATCH}."
        return f"{text}; {NO_MATCH}."

    def to_text(self, tracebacks: bool = False) -> str:
        """The human report: header, one line per case, state and diagnosis, verdict."""
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hp.items())
        variants = ", ".join(self.allow) or "none"
        lines = [
            f"Grading {self.label} against numopt {self.algorithm} ({hp})",
            f"variants accepted: {variants}" + ("" if self.strict else " (the paper's efficient ordering is "
                                                "accepted unless --strict)"),
            *([f"called as {self.call}"] if self.call else []),
            f"seed {self.seed}; pass if {self.tolerance.describe()}; {REL_ERROR}",
            "",
        ]
        if self.load_error is not None:
            lines += [f"  FAIL  {self.load_error}", "", "FAILED: the candidate could not be loaded."]
            return "\n".join(lines)
        width = max(len(r.case.name) for r in self.results)
        for r in self.results:
            lines.append(f"  {'PASS' if r.passed else 'FAIL'}  {r.case.name:<{width}}  {r.describe()}")
            if tracebacks and r.details:
                lines += ["        " + line for line in r.details.rstrip().splitlines()]
        lines.append("")
        note = self._state_note()
        if note and not self.passed:
            lines.append(f"State: {note}.")
        sentence = self._diagnosis_sentence()
        if sentence:
            lines.append(f"Diagnosis: {sentence[0].upper()}{sentence[1:]}")
        elif not self.passed and not self._first_failure().failure:
            lines.append(f"Diagnosis: {NO_MATCH[0].upper()}{NO_MATCH[1:]}; compare your update with the "
                         "equations at the first failing step.")
        if self.variant_line:
            lines.append(f"Variant: at {self.variant_line}.")
        lines += [f"Note: {note}." for note in self.notes]
        failed = sum(not r.passed for r in self.results)
        lines.append(
            f"{self._checks().capitalize()} passed ({len(self.results)} of {len(self.results)} cases)."
            if self.passed else f"FAILED: {failed} of {len(self.results)} cases fail."
        )
        return "\n".join(lines)

    def to_gradescope(self, visibility: str = "visible") -> dict[str, Any]:
        """The report in the shape of Gradescope's ``results.json``.

        One test per case, each worth 1 point; ``score`` is the number of
        cases passed, and the top-level ``output`` is :meth:`summary`. The
        tests and their maximum scores are the same whatever happened: a
        candidate that could not be loaded fails every test, with the reason.

        Parameters
        ----------
        visibility : str, default "visible"
            Gradescope's ``visibility`` of each test: ``visible``, ``hidden``,
            ``after_due_date`` or ``after_published``.
        """
        if visibility not in ("visible", "hidden", "after_due_date", "after_published"):
            raise ValueError(
                f"visibility={visibility!r} is not a Gradescope visibility; expected visible, "
                "hidden, after_due_date or after_published"
            )
        if self.load_error is not None:  # the same tests as always, each failed with the reason
            tests = [{"name": f"{self.algorithm}: {case.name}", "score": 0, "max_score": 1,
                      "output": self.summary(), "visibility": visibility} for case in self.cases]
        else:
            first = self._first_failure()
            tests = []
            for r in self.results:
                output = "passed" if r.passed else r.describe()
                if r is first:
                    output = self.summary()
                tests.append({"name": f"{self.algorithm}: {r.case.name}", "score": int(r.passed), "max_score": 1,
                              "output": output, "visibility": visibility})
        return {
            "score": sum(t["score"] for t in tests),
            "output": self.summary(),
            "visibility": visibility,
            "tests": tests,
        }
