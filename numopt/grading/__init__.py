r"""Grade a student's optimizer against numopt and say what is wrong.

Teaching assistants use numopt as the grading reference for coursework::

    from numopt.grading import grade, assert_matches

    report = grade("student.py:Adam", "adam", {"lr": 1e-2})
    print(report.to_text())          # short human report
    report.to_gradescope()           # Gradescope results.json as a dict
    assert_matches(Adam, "adam")     # raises AssertionError with one line (pytest, nbgrader)

or from the shell, ``numopt grade student.py:Adam --algorithm adam`` (a folder
of submissions with ``--out RESULTS``: :mod:`~numopt.grading.batch`). A
starter file for students comes from ``numopt assignment adam -o adam.py``, a
Gradescope autograder from ``numopt assignment adam --gradescope DIR``
(:mod:`~numopt.grading.gradescope`). File submissions run in a sandbox of
their own (:mod:`~numopt.grading.sandbox`, :mod:`~numopt.grading.child`); an
object passed to :func:`grade` or :func:`assert_matches` runs in the calling
process and must be trusted code.

Modules, by concern: loading and forms, :mod:`~numopt.grading.candidates` (the
candidate forms and the adapter) and :mod:`~numopt.grading.forms` (course functions
found by signature, ``--signature`` specs); hyperparameters,
:mod:`~numopt.grading.binding` (bound by role); the cases,
:mod:`~numopt.grading.cases`, and the tolerance rule, :mod:`~numopt.grading.compare`;
running, :mod:`~numopt.grading.grader`; diagnosis, :mod:`~numopt.grading.diagnosis`
(state, recorded steps, probes, structural hypotheses), :mod:`~numopt.grading.mutants`
(the catalogue of named mistakes) and :mod:`~numopt.grading.textbook` (the second,
deliberately independent copy of the textbook maths); reporting,
:mod:`~numopt.grading.results` and :mod:`~numopt.grading.report`; starter files,
:mod:`~numopt.grading.assignment`, and the commands, :mod:`~numopt.grading.cli`.
"""

from __future__ import annotations

from .candidates import Candidate, CandidateLoadError, load_candidate
from .cases import Case, default_cases
from .compare import Tolerance, relative_error
from .grader import CaseResult, assert_matches, grade
from .mutants import CATALOGUE, Mutant
from .report import GradeReport

__all__ = [
    "CATALOGUE",
    "Candidate",
    "CandidateLoadError",
    "Case",
    "CaseResult",
    "GradeReport",
    "Mutant",
    "Tolerance",
    "assert_matches",
    "default_cases",
    "grade",
    "load_candidate",
    "relative_error",
]
