r"""Grade a candidate against numopt: run the cases, find the first failing step, name the mistake.

The reference is ``numopt.OPTIMIZERS[algorithm](**hp)``. Every case is run on
fresh state for both; a step passes if every parameter and the step itself
pass :class:`~numopt.grading.compare.Tolerance`. When a case fails, the grader
also looks at the candidate's state (if it keeps arrays under names it
recognises, :data:`STATE_NAMES`) to say which quantity went wrong first, and
runs the cases against every entry of the mutant catalogue to say which
mistake the candidate makes.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .. import OPTIMIZERS
from ..stepthrough import explain
from .binding import bind
from .candidates import (
    FORMS,
    SIGNATURE,
    Candidate,
    CandidateError,
    CandidateLoadError,
    Reference,
    describe_candidate,
    parse_spec,
    source_of,
)
from .cases import Case, default_cases, other_hyperparameters
from .compare import Tolerance, relative_error
from .diagnosis import STATE_NAMES, diagnose, first_differing_line, probe_traces, state_differences, traces_of
from .mutants import Mutant, catalogue_for
from .report import GradeReport
from .results import CaseResult
from .sandbox import TIME_BUDGET, RemoteCandidate

__all__ = [
    "DEFAULT_VARIANTS", "STATE_NAMES", "CaseResult", "assert_matches", "grade", "grade_module",
    "resolve_hyperparameters", "run_case",
]

DEFAULT_VARIANTS = ("efficient",)
"""Variants accepted unless ``strict``: a form the algorithm's own paper offers (Kingma & Ba's
efficient ordering with ε̂ = ε, Algorithm 1's last paragraph of section 2)."""


# ---------------------------------------------------------------------------- hyperparameters
def resolve_hyperparameters(key: str, hp: Mapping[str, Any] | None) -> tuple[dict[str, Any], frozenset[str]]:
    """The reference's full hyperparameters and the names the caller set.

    Names may be numopt's or another name of the same role
    (:func:`~numopt.grading.binding.bind`: ``learning_rate`` for ``lr``, ``epsilon`` for ``eps``, ...).

    Raises
    ------
    ValueError
        For an unknown algorithm or hyperparameter, or a value numopt rejects.
    """
    if key not in OPTIMIZERS:
        raise ValueError(f"algorithm {key!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    defaults = OPTIMIZERS[key]().hyperparameters
    resolved = {}
    for name, value in (hp or {}).items():
        canonical = bind(name, defaults)
        if canonical is None:
            raise ValueError(
                f"hyperparameter {name!r} is not one of {key}'s; expected one of {', '.join(defaults)}"
            )
        resolved[canonical] = value
    full = {**defaults, **resolved}
    try:
        OPTIMIZERS[key](**full)
    except (TypeError, ValueError) as err:
        raise ValueError(f"hyperparameters for {key}: {err}") from None
    return full, frozenset(resolved)


# ---------------------------------------------------------------------------- running
def run_case(
    case: Case,
    reference: Candidate,
    candidate: Candidate,
    tol: Tolerance,
    key: str,
) -> CaseResult:
    """Run one case for both and compare every compared step.

    Parameters
    ----------
    case : Case
    reference, candidate : Candidate
        ``reference`` is numopt's optimizer (or an allowed variant).
    tol : Tolerance
    key : str
        The algorithm, to interpret the state.

    Notes
    -----
    A NaN or inf of the candidate passes only where the reference has the
    same value. A closed-loop run ends early if the reference diverges (its
    gradient is no longer finite); a forced run whose reference produced a
    non-finite value goes on from the last finite parameters. Every step the
    candidate took is kept in ``trace`` for :mod:`~numopt.grading.diagnosis`.

    Returns
    -------
    CaseResult
    """
    result = CaseResult(case)
    ref, cand = reference.session(), candidate.session()
    closed = case.kind == "closed"
    theta, theta_c = case.theta0.copy(), case.theta0.copy()
    for k in range(1, case.steps + 1):
        explaining = not closed and result.state_note is None and ref.driver is not None
        replay = (copy.deepcopy(ref.driver), theta.copy()) if explaining else None  # to replay step k line by line
        if closed:
            with np.errstate(all="ignore"):
                g_ref, g_c = case.problem.grad(theta), case.problem.grad(theta_c)
            if not np.isfinite(g_ref).all():
                break  # the reference has diverged: nothing more to compare
        else:
            g_ref = g_c = case.grads[k - 1]
        y = ref.step(theta, g_ref, k)
        try:
            x = cand.step(theta_c if closed else theta, g_c, k)
        except CandidateError as failure:
            result.passed, result.first_failure = False, k
            result.failure, result.details = failure.message, failure.details
            return result
        result.trace.append((k, (theta_c if closed else theta).copy(), g_c.copy(), x))
        if case.compared(k):
            result.worst_error = max(result.worst_error, relative_error(x, y))
            before = theta_c if closed else theta
            if not (tol.close(x, y, equal_nan=True) and tol.step_close(x, y, before, theta)):
                result.passed = False
                result.first_failure = result.first_failure or k
                if np.array_equal(x, before) and not np.array_equal(y, theta):
                    result.failure = result.failure or (
                        f"step {k} left the parameters unchanged; expected the parameters to be updated in place "
                        "(params -= ..., not params = params - ...) or the new ones returned, by this step's "
                        "velocity or moments (updated before they move the parameters)"
                    )
                if _float32(x) and not _float32(y):
                    result.failure = result.failure or (
                        f"step {k} produced parameters that are all float32 numbers (7 significant digits) where the "
                        f"reference computes in float64; float32 rounding of θ is larger than the rule "
                        f"{tol.describe()} allows: keep params and state in float64 (no astype(np.float32))"
                    )
                if (~np.isfinite(x) & np.isfinite(y)).any():
                    result.failure = result.failure or f"step {k} produced NaN or inf where the reference is finite"
                if closed:
                    return result
        if not closed and result.state_note is None:  # same gradients on both sides
            differ, agree = state_differences(cand, ref, key, tol)
            if differ:
                agreed = f" ({', '.join(agree)} agree there)" if agree else ""
                result.state_note = f"{', '.join(differ)} first differs from the reference at step {k}{agreed}"
                line = first_differing_line(replay, g_ref, k, cand.state(), differ, tol)
                if line:
                    result.state_note += f"; {line}"
        if closed:
            theta, theta_c = y, x
        else:  # a reference that overflowed: go on from the last finite point
            theta = np.where(np.isfinite(y), y, theta)
    return result


def _float32(x: np.ndarray) -> bool:
    """Whether every finite entry of ``x`` is a float32 number (the mark of a step computed in float32)."""
    with np.errstate(all="ignore"):
        finite = x[np.isfinite(x)]
        return bool(finite.size) and bool((finite.astype(np.float32).astype(float) == finite).all())


Pair = dict
"""``{"assignment": (reference, candidate), "other": (reference, candidate)}``: who runs each kind of case."""


def _run_all(cases: list[Case], pairs: Pair, tol: Tolerance, key: str) -> list:
    results = []
    for case in cases:
        reference, candidate = pairs[case.hp_key]
        if isinstance(candidate, str):  # the candidate could not be built with these hyperparameters
            results.append(CaseResult(case, passed=False, first_failure=1, failure=candidate))
        else:
            results.append(run_case(case, reference, candidate, tol, key))
    return results


def _pairs(build: Any, candidates: dict, key: str, hps: dict, label: str) -> Pair:
    """Reference (``build(key, hp)``) and candidate for each kind of case."""
    return {kind: (Candidate(build(key, hps[kind]), Reference.of(OPTIMIZERS[key], hps[kind]), hps[kind], form="step",
                             label=label), candidates[kind])
            for kind in hps}


def grade(
    candidate: Any,
    algorithm: str,
    hp: Mapping[str, Any] | None = None,
    *,
    seed: int = 0,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    allow: Iterable[str] = (),
    form: str | None = None,
    label: str | None = None,
    time_limit: float | None = 10.0,
    memory_limit: int | None = None,
    strict: bool = False,
    time_budget: float | None = TIME_BUDGET,
) -> GradeReport:
    """Grade ``candidate`` against ``numopt.OPTIMIZERS[algorithm](**hp)``.

    Parameters
    ----------
    candidate : object or str
        A class or instance with ``step(params, grads)``, a CS231n-style
        ``update(w, dw, config)``, a pure ``update(param, grad, state, t)``,
        or ``"FILE.py:NAME"`` naming one (see :mod:`numopt.grading.candidates`).
    algorithm : str
        Registry key of the reference (``"adam"``).
    hp : mapping, optional
        Hyperparameters that differ from numopt's defaults; aliases such as
        ``learning_rate`` are accepted.
    seed : int, default 0
        Seed of the cases; 0 gives the public ones.
    rtol, atol : float, default 1e-6, 1e-9
        The pass rule ``|x − y| <= atol + rtol·|y|``.
    allow : iterable of str
        Legitimate variants to accept (``"eps_in_sqrt"``, ``"ewma"``, ``"dozat"``); the variants
        of :data:`DEFAULT_VARIANTS` are accepted unless ``strict``.
    form : str, optional
        ``"step"``, ``"cs231n"`` or ``"pure"``; detected when omitted.
    label : str, optional
        How the report names the candidate.
    time_limit : float or None, default 10
        Seconds that the candidate's import, constructor and each of its steps
        may take before it fails with "did not return within"; ``None`` for no
        limit.
    memory_limit : int, optional
        Bytes of address space for each process of a file submission
        (:data:`numopt.grading.sandbox.MEMORY_LIMIT` by default).
    strict : bool, default False
        Require the plain form: accept no variant but those in ``allow``.
    time_budget : float or None, default 60
        Seconds for everything a file submission runs, all cases together
        (:data:`numopt.grading.sandbox.TIME_BUDGET`); ``None`` for no budget.

    Notes
    -----
    Isolation applies to file submissions. A ``"FILE.py:NAME"`` string, and a
    class or function that :func:`~numopt.grading.candidates.load_candidate`
    imported from a file, run in a sandbox of their own
    (:mod:`numopt.grading.sandbox`; docs/grading.md has the threat model):
    they see no numopt algorithm, no other file and no other process, the
    time limits kill the sandbox, and nothing the student's code does reaches
    this process, where the reference runs. Any other object (a class defined
    in a notebook cell or a test, an instance, numopt's own classes) runs in
    this process, trusted: then the time limit is ``SIGALRM`` (POSIX, main
    thread, not reliable against every loop on Python 3.10) and the code can
    do anything the grader can; a subclass of a numopt optimizer is still
    refused (numopt's own classes and the catalogue's mutants are not).

    Returns
    -------
    GradeReport
        Never raises because of the candidate: a candidate that cannot be
        loaded, raises or misbehaves gets a failing report.

    Raises
    ------
    ValueError
        For a bad algorithm, hyperparameter, seed, tolerance, time limit or allowed variant
        (the instructor's input).
    """
    full, explicit = resolve_hyperparameters(algorithm, hp)
    tol = Tolerance(rtol, atol)
    number = isinstance(time_limit, (int, float)) and not isinstance(time_limit, bool)
    if time_limit is not None and not (number and 0 < time_limit < math.inf):
        raise ValueError(f"time_limit={time_limit!r} is not allowed; expected a number of seconds > 0, or None")
    if memory_limit is not None and (isinstance(memory_limit, bool) or not isinstance(memory_limit, int)
                                     or memory_limit <= 0):
        raise ValueError(f"memory_limit={memory_limit!r} is not allowed; expected a number of bytes > 0, or None")
    allow = tuple(allow)
    known = sorted({m.variant for m in catalogue_for(algorithm, full) if m.variant})
    for name in allow:
        if name not in known:
            raise ValueError(
                f"allow={name!r} is not a variant of {algorithm}; expected one of {', '.join(known) or 'none'}"
            )
    allow += tuple(v for v in DEFAULT_VARIANTS if v in known and v not in allow and not strict)
    cls = OPTIMIZERS[algorithm]
    cases = default_cases(seed, positive=cls.positive_params)
    if not _has_other_hyperparameters(cls):
        cases = [case for case in cases if not case.other_hp]
    report = GradeReport(
        label=label or describe_candidate(candidate), algorithm=algorithm, hp=full, seed=seed, tolerance=tol,
        allow=allow, strict=strict,
    )
    report.cases = cases
    if form is not None and form not in FORMS and not form.startswith(SIGNATURE):
        raise ValueError(f"form={form!r} is not a candidate form; expected one of {', '.join(FORMS)}")
    try:
        cand = _load(candidate, algorithm, full, explicit, form, report.label, time_limit, memory_limit,
                     time_budget, redact=seed != 0)
    except CandidateLoadError as err:
        report.load_error = str(err)
        return report
    if "|" in report.label and getattr(cand, "found", None):  # alternatives: say which one is graded
        report.label = f"{report.label.rpartition(':')[0]}:{cand.found}"
    try:
        report.notes = list(cand.notes)
        report.call = cand.what if cand.form == "course" else None
        hps = {"assignment": full, "other": other_hyperparameters(cls, full, cand.accepted)}
        report.other_hp = hps["other"]
        candidates = {"assignment": cand, "other": cand}
        if hps["other"] != full:
            try:
                candidates["other"] = cand.with_hp(hps["other"], Reference.of(cls, hps["other"]))
            except CandidateLoadError as err:
                candidates["other"] = f"at other hyperparameters: {err}"
        reference = _pairs(lambda key, hp: cls(**hp), candidates, algorithm, hps, f"numopt {algorithm}")
        report.results = _run_all(cases, reference, tol, algorithm)
        if not report.passed:
            traces = traces_of(report.results) + probe_traces(cand, algorithm, seed)
            instance = isinstance(cand, Candidate) and not callable(cand.obj)  # built by the caller: no arguments seen
            report.diagnosis = diagnose(algorithm, hps, traces, tol, None if instance else cand.accepted)
            if report.diagnosis is not None and report.diagnosis.variant is not None:
                report.variant_line = _variant_line(report.diagnosis, algorithm, full, cases, tol)
            if report.diagnosis is not None and report.diagnosis.variant in allow:
                variant = _pairs(report.diagnosis.build, candidates, algorithm, hps, report.diagnosis.name)
                report.results = _run_all(cases, variant, tol, algorithm)
    finally:
        if isinstance(cand, RemoteCandidate):
            cand.close()
    return report


COURSE_NAMES: dict[str, tuple[str, ...]] = {
    "sgd": ("update_parameters_with_gd",),
    "momentum": ("sgd_momentum", "update_parameters_with_momentum", "update_variables_momentum"),
    "nag": ("Nesterov",),
    "rmsprop": ("RMSprop", "update_variables_RMSProp"),
    "adam": ("update_parameters_with_adam", "update_variables_Adam"),
}
"""The names courses give an algorithm where it is neither numopt's class name nor the key: CS231n's
``sgd_momentum``; Coursera's Deep Learning Specialization's ``update_parameters_with_*``; Holberton's
``update_variables_*``; "Deep Learning from Scratch"'s ``Nesterov`` and Keras' ``RMSprop``."""


def default_names(algorithm: str) -> str:
    """``"Adam|adam|update_parameters_with_adam|update_variables_Adam"``: the names tried, in order, in a file."""
    names = [OPTIMIZERS[algorithm].__name__, algorithm, *COURSE_NAMES.get(algorithm, ())]
    return "|".join(dict.fromkeys(names))


def grade_module(path: str, algorithms: Iterable[str], **options: Any) -> dict[str, GradeReport]:
    """Grade several functions or classes of one file, each against its algorithm.

    For a CS231n ``optim.py``: ``grade_module("optim.py", ["momentum", "rmsprop", "adam"])``
    grades ``sgd_momentum``, ``rmsprop`` and ``adam``. The name graded for
    each algorithm is the first of numopt's class name, the key and the
    courses' names that the file defines (:func:`default_names`).

    Parameters
    ----------
    path : str
        The student's file.
    algorithms : iterable of str
        Registry keys.
    **options
        As for :func:`grade`, except ``hp`` (each algorithm gets its defaults).
    """
    keys = list(algorithms)
    for key in keys:
        if key not in OPTIMIZERS:
            raise ValueError(f"algorithm {key!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    return {key: grade(f"{path}:{default_names(key)}", key, **options) for key in keys}


def _variant_line(variant: Mutant, key: str, hp: dict, cases: list[Case], tol: Tolerance) -> str | None:
    """Where the variant first departs from the assignment's form, box line by box line.

    Both take the first step of each case in turn, replayed with :func:`numopt.explain`, and are
    compared with :meth:`~numopt.stepthrough.Explanation.first_difference` under the grader's
    tolerance; the first case that shows a difference gives it.
    """
    for case in cases:
        if case.grads is None:
            continue
        try:
            ours = explain(OPTIMIZERS[key](**hp), case.theta0, case.grads[0])
            theirs = explain(variant.build(key, hp), case.theta0, case.grads[0])
        except (TypeError, ValueError):
            return None  # not a class numopt can explain
        difference = ours.first_difference(theirs, rtol=tol.rtol, atol=tol.atol)
        if difference is not None:
            actual, expected = np.asarray(difference.actual, float), np.asarray(difference.expected, float)
            i = int(np.argmax(~tol.passing(actual, expected))) if actual.shape == expected.shape else 0
            where = f"[{i}]" if actual.size > 1 else ""
            return (f"step 1 of '{case.name}', line {difference.line.box}: {difference.name}{where} = "
                    f"{actual.flat[i]:.6g} in the variant, {expected.flat[i]:.6g} in the assignment's form")
    return None


def _has_other_hyperparameters(cls: type) -> bool:
    """Whether the algorithm has a hyperparameter that :func:`other_hyperparameters` can move."""
    defaults = cls().hyperparameters
    return other_hyperparameters(cls, defaults, set(defaults)) != defaults


def _load(candidate: Any, key: str, hp: dict, explicit: frozenset[str], form: str | None, label: str,
          time_limit: float | None, memory_limit: int | None, time_budget: float | None = TIME_BUDGET,
          redact: bool = False) -> Candidate | RemoteCandidate:
    """A file submission in its own sandbox, any other object in this process (see :func:`grade`)."""
    explicit = explicit - set(OPTIMIZERS[key].switches)  # a switch chooses the reference's form, not the candidate's
    reference = Reference.of(OPTIMIZERS[key], hp)  # sent as data: the sandbox has no numopt algorithm to look at
    source = parse_spec(candidate) if isinstance(candidate, str) else source_of(candidate)
    if source is not None:
        return RemoteCandidate(source[0], source[1], reference, hp, explicit, form, label, time_limit, memory_limit,
                               time_budget=time_budget, redact=redact)
    cls = candidate if isinstance(candidate, type) else type(candidate)
    base = next((k for k in cls.__mro__ if k in OPTIMIZERS.values()), None)
    if base is not None and not cls.__module__.startswith("numopt."):  # numopt's own classes and mutants are fine
        raise CandidateLoadError(
            f"{cls.__qualname__} is a subclass of numopt's {base.__name__}: it would be graded against numopt's "
            "own code; expected your own implementation (numopt.base.Optimizer may be used for the bookkeeping only)"
        )
    return Candidate(candidate, reference, hp, explicit, form, label, time_limit)


def assert_matches(candidate: Any, algorithm: str, hp: Mapping[str, Any] | None = None, **options: Any) -> GradeReport:
    """Grade ``candidate`` and raise AssertionError with the one-line summary if it fails.

    For pytest or nbgrader test cells::

        from numopt.grading import assert_matches
        assert_matches(Adam, "adam", {"lr": 1e-2})

    Parameters
    ----------
    candidate, algorithm, hp
        As for :func:`grade`.
    **options
        ``seed``, ``rtol``, ``atol``, ``allow``, ``form``, ``label`` as for :func:`grade`.

    Returns
    -------
    GradeReport
        The passing report.

    Raises
    ------
    AssertionError
        If the candidate fails; the message is :meth:`GradeReport.summary`.
    """
    report = grade(candidate, algorithm, hp, **options)
    if not report.passed:
        raise AssertionError(report.summary())
    return report
