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
from .candidates import (
    FORMS,
    HP_ALIASES,
    Candidate,
    CandidateError,
    CandidateLoadError,
    Session,
    describe_candidate,
    parse_spec,
    source_of,
)
from .cases import Case, default_cases, other_hyperparameters
from .compare import Tolerance, relative_error
from .mutants import CORRECTIONS, FAMILY, Mutant, catalogue_for, correction
from .report import GradeReport
from .results import CaseResult
from .sandbox import RemoteCandidate

__all__ = [
    "STATE_NAMES", "CaseResult", "assert_matches", "grade", "grade_module", "resolve_hyperparameters", "run_case",
]

STATE_NAMES: dict[str, str] = {
    **dict.fromkeys(("m", "exp_avg", "m_t", "mt", "first_moment"), "m"),
    **dict.fromkeys(("v", "exp_avg_sq", "v_t", "vt", "second_moment", "cache", "sum_sq"), "v"),
    **dict.fromkeys(("m_hat", "mhat"), "m_hat"),
    **dict.fromkeys(("v_hat", "vhat"), "v_hat"),
    **dict.fromkeys(("b", "momentum_buffer", "buf"), "b"),
    **dict.fromkeys(("velocity", "u"), "velocity"),
    **dict.fromkeys(("E_g2", "square_avg"), "E_g2"),
    **dict.fromkeys(("E_delta2", "acc_delta"), "E_delta2"),
    **dict.fromkeys(("g_bar", "grad_avg"), "g_bar"),
    **dict.fromkeys(("v_max", "max_exp_avg_sq"), "v_max"),
    **{name: name for name in ("nu", "g_prev", "p", "s", "t")},
}
"""Names a candidate may keep its state under -> numopt's quantity (torch's and CS231n's included)."""


# ---------------------------------------------------------------------------- hyperparameters
def resolve_hyperparameters(key: str, hp: Mapping[str, Any] | None) -> tuple[dict[str, Any], frozenset[str]]:
    """The reference's full hyperparameters and the names the caller set.

    Names may be numopt's or an alias from :data:`HP_ALIASES`
    (``learning_rate`` for ``lr``, ``epsilon`` for ``eps``, ...).

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
        canonical = name if name in defaults else next(
            (n for n in defaults if name in HP_ALIASES.get(n, ())), None
        )
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


# ---------------------------------------------------------------------------- state
def _reference_quantities(session: Session, key: str) -> dict[str, list[np.ndarray]]:
    """numopt's state after the last step, with the values each recognised name may hold."""
    opt = session.driver
    quantities = {name: [np.asarray(a, dtype=float)] for name, a in opt.state.items()}
    quantities["t"] = [np.asarray(float(opt.t))]
    hp = opt.hyperparameters
    if "b" in quantities and not callable(hp["lr"]):
        b = quantities["b"][0]
        quantities["velocity"] = [b, hp["lr"] * b, -hp["lr"] * b]  # b (torch), u = ηb (doc 003), −ηb (CS231n)
    if key in FAMILY and opt.t > 0:
        correct_m, correct_v = CORRECTIONS[FAMILY[key]]
        b1, b2 = hp.get("beta1", 0.0), hp.get("beta2", hp.get("beta", 0.0))
        if "m" in quantities:
            quantities["m_hat"] = [quantities["m"][0] / correction(correct_m, b1, opt.t)]
        if "v_hat" in quantities:  # AdaX keeps v̂ (bounded); a candidate may keep doc 000's v
            quantities["v"] = [quantities["v_hat"][0] * correction(correct_v, b2, opt.t)]
        else:
            quantities["v_hat"] = [quantities["v"][0] / correction(correct_v, b2, opt.t)]
    return quantities


def _state_differences(cand: Session, ref: Session, key: str, tol: Tolerance) -> tuple[list[str], list[str]]:
    """The candidate's recognised state names that differ from the reference, and those that agree."""
    expected = _reference_quantities(ref, key)
    differ, agree = [], []
    for name, value in cand.state().items():
        options = expected.get(STATE_NAMES.get(name, ""), [])
        options = [o for o in options if o.shape == value.shape]
        if options:
            (agree if any(tol.close(value, o) for o in options) else differ).append(name)
    return differ, agree


def _first_differing_line(
    replay: tuple, g: np.ndarray, k: int, state: Mapping[str, np.ndarray], differ: list[str], tol: Tolerance
) -> str | None:
    """The first line of the algorithm box whose value differs from the candidate's, as a sentence.

    ``replay`` is the reference optimizer and θ before step ``k``; the step is replayed
    with :func:`numopt.explain`, and each executed line's assigned values are compared,
    in the box's order, with the candidate's quantities of the same meaning.
    """
    optimizer, theta = replay
    for line in explain(optimizer, theta, g).lines:
        for name, value in line.values.items():
            for mine in (c for c in differ if STATE_NAMES.get(c, c) == name and c in state):
                yours, reference = state[mine], np.asarray(value, dtype=float)
                failing = ~tol.passing(yours, reference) if yours.shape == reference.shape else None
                if failing is not None and failing.any():
                    i = int(np.argmax(failing))
                    where = f"[{i}]" if yours.size > 1 else ""
                    return (f"at step {k}, line {line.box}: yours {mine}{where} = {yours.flat[i]:.6g}, "
                            f"reference {reference.flat[i]:.6g}")
    return None


# ---------------------------------------------------------------------------- running
def run_case(
    case: Case,
    reference: Candidate,
    candidate: Candidate,
    tol: Tolerance,
    key: str,
    matching: bool = False,
) -> CaseResult:
    """Run one case for both and compare every compared step.

    Parameters
    ----------
    case : Case
    reference, candidate : Candidate
        ``reference`` is numopt's optimizer, or a mutant when matching.
    tol : Tolerance
    key : str
        The algorithm, to interpret the state.
    matching : bool, default False
        Test whether the candidate *is* ``reference`` (a mutant): the run
        stops at the first difference, a reference that fails means no
        match, and no state is compared.

    Notes
    -----
    A NaN or inf of the candidate passes only where the reference has the
    same value. A closed-loop run ends early if the reference diverges (its
    gradient is no longer finite); a forced run whose reference produced a
    non-finite value (a mutant dividing by zero) goes on from the last finite
    parameters.

    Returns
    -------
    CaseResult
    """
    result = CaseResult(case)
    ref, cand = reference.session(), candidate.session()
    closed = case.kind == "closed"
    theta, theta_c = case.theta0.copy(), case.theta0.copy()
    for k in range(1, case.steps + 1):
        explaining = not matching and not closed and result.state_note is None and ref.driver is not None
        replay = (copy.deepcopy(ref.driver), theta.copy()) if explaining else None  # to replay step k line by line
        if closed:
            with np.errstate(all="ignore"):
                g_ref, g_c = case.problem.grad(theta), case.problem.grad(theta_c)
            if not np.isfinite(g_ref).all():
                break  # the reference has diverged: nothing more to compare
        else:
            g_ref = g_c = case.grads[k - 1]
        try:
            y = ref.step(theta, g_ref, k)
        except CandidateError:
            if not matching:
                raise
            result.passed, result.first_failure = False, k
            return result
        try:
            x = cand.step(theta_c if closed else theta, g_c, k)
        except CandidateError as failure:
            result.passed, result.first_failure = False, k
            result.failure, result.details = failure.message, failure.details
            return result
        if case.compared(k):
            result.worst_error = max(result.worst_error, relative_error(x, y))
            before = theta_c if closed else theta
            if not (tol.close(x, y, equal_nan=True) and tol.step_close(x, y, before, theta)):
                result.passed = False
                result.first_failure = result.first_failure or k
                if not matching and np.array_equal(x, before) and not np.array_equal(y, theta):
                    result.failure = result.failure or (
                        f"step {k} left the parameters unchanged; expected the parameters to be updated in place "
                        "(params -= ..., not params = params - ...) or the new ones returned"
                    )
                if (~np.isfinite(x) & np.isfinite(y)).any():
                    result.failure = result.failure or f"step {k} produced NaN or inf where the reference is finite"
                if matching or closed:
                    return result
        if not matching and not closed and result.state_note is None:  # same gradients on both sides
            differ, agree = _state_differences(cand, ref, key, tol)
            if differ:
                agreed = f" ({', '.join(agree)} agree there)" if agree else ""
                result.state_note = f"{', '.join(differ)} first differs from the reference at step {k}{agreed}"
                line = _first_differing_line(replay, g_ref, k, cand.state(), differ, tol)
                if line:
                    result.state_note += f"; {line}"
        if closed:
            theta, theta_c = y, x
        else:  # a reference that divides by zero (a mutant): go on from the last finite point
            theta = np.where(np.isfinite(y), y, theta)
    return result


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


def _matches(cases: list[Case], pairs: Pair, tol: Tolerance, key: str) -> bool:
    for case in cases:
        reference, candidate = pairs[case.hp_key]
        if isinstance(candidate, str) or not run_case(case, reference, candidate, tol, key, matching=True).passed:
            return False
    return True


def _pairs(build: Any, candidates: dict, key: str, hps: dict, label: str) -> Pair:
    """Reference (``build(key, hp)``) and candidate for each kind of case."""
    return {kind: (Candidate(build(key, hps[kind]), key, hps[kind], form="step", label=label), candidates[kind])
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
        Legitimate variants to accept (``"eps_in_sqrt"``, ``"ewma"``, ``"dozat"``).
    form : str, optional
        ``"step"``, ``"cs231n"`` or ``"pure"``; detected when omitted.
    label : str, optional
        How the report names the candidate.
    time_limit : float or None, default 10
        Seconds that the candidate's import, constructor and each of its steps
        may take before it fails with "did not return within"; ``None`` for no
        limit.
    memory_limit : int, optional
        Bytes of address space for the child process of a file submission
        (:data:`numopt.grading.sandbox.MEMORY_LIMIT` by default).

    Notes
    -----
    Isolation applies to file submissions. A ``"FILE.py:NAME"`` string, and a
    class or function that :func:`~numopt.grading.candidates.load_candidate`
    imported from a file, run in a child process of their own
    (:mod:`numopt.grading.sandbox`): the time limit kills the process, the
    memory is limited, and nothing the student's code does reaches this
    process, where the reference runs. Such a candidate that runs numopt's own
    algorithm code (a subclass or a wrapper of a numopt optimizer) fails.
    Any other object (a class defined in a notebook cell or a test, an
    instance, numopt's own classes) cannot be sent to another process and runs
    in this one: then the time limit is ``SIGALRM`` (POSIX, main thread, and
    not reliable against every loop on Python 3.10), and the candidate can
    reach the grader; a subclass of a numopt optimizer is still refused
    (numopt's own classes and the catalogue's mutants are not).

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
    cls = OPTIMIZERS[algorithm]
    cases = default_cases(seed, positive=cls.positive_params)
    if not _has_other_hyperparameters(cls):
        cases = [case for case in cases if not case.other_hp]
    report = GradeReport(
        label=label or describe_candidate(candidate), algorithm=algorithm, hp=full, seed=seed, tolerance=tol,
        allow=allow,
    )
    report.cases = cases
    if form is not None and form not in FORMS:
        raise ValueError(f"form={form!r} is not a candidate form; expected one of {', '.join(FORMS)}")
    try:
        cand = _load(candidate, algorithm, full, explicit, form, report.label, time_limit, memory_limit)
    except CandidateLoadError as err:
        report.load_error = str(err)
        return report
    if "|" in report.label and getattr(cand, "found", None):  # alternatives: say which one is graded
        report.label = f"{report.label.rpartition(':')[0]}:{cand.found}"
    try:
        report.notes = list(cand.notes)
        hps = {"assignment": full, "other": other_hyperparameters(cls, full, cand.accepted)}
        report.other_hp = hps["other"]
        candidates = {"assignment": cand, "other": cand}
        if hps["other"] != full:
            try:
                candidates["other"] = cand.with_hp(hps["other"])
            except CandidateLoadError as err:
                candidates["other"] = f"at other hyperparameters: {err}"
        reference = _pairs(lambda key, hp: cls(**hp), candidates, algorithm, hps, f"numopt {algorithm}")
        report.results = _run_all(cases, reference, tol, algorithm)
        if not report.passed:
            report.diagnosis = _diagnose(cases, candidates, tol, algorithm, hps)
            if report.diagnosis is not None and report.diagnosis.variant in allow:
                variant = _pairs(report.diagnosis.build, candidates, algorithm, hps, report.diagnosis.name)
                report.results = _run_all(cases, variant, tol, algorithm)
    finally:
        if isinstance(cand, RemoteCandidate):
            cand.close()
    return report


def grade_module(path: str, algorithms: Iterable[str], **options: Any) -> dict[str, GradeReport]:
    """Grade several functions or classes of one file, each against its algorithm.

    For a CS231n ``optim.py``: ``grade_module("optim.py", ["momentum", "rmsprop", "adam"])``
    grades ``sgd_momentum``, ``rmsprop`` and ``adam``. The name graded for
    each algorithm is the first of numopt's class name, the key and CS231n's
    name that the file defines (:func:`numopt.grading.batch.default_names`).

    Parameters
    ----------
    path : str
        The student's file.
    algorithms : iterable of str
        Registry keys.
    **options
        As for :func:`grade`, except ``hp`` (each algorithm gets its defaults).
    """
    from .batch import default_names

    keys = list(algorithms)
    for key in keys:
        if key not in OPTIMIZERS:
            raise ValueError(f"algorithm {key!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    return {key: grade(f"{path}:{default_names(key)}", key, **options) for key in keys}


def _has_other_hyperparameters(cls: type) -> bool:
    """Whether the algorithm has a hyperparameter that :func:`other_hyperparameters` can move."""
    defaults = cls().hyperparameters
    return other_hyperparameters(cls, defaults, set(defaults)) != defaults


def _load(candidate: Any, key: str, hp: dict, explicit: frozenset[str], form: str | None, label: str,
          time_limit: float | None, memory_limit: int | None) -> Candidate | RemoteCandidate:
    """A file submission in its own process, any other object in this one (see :func:`grade`)."""
    explicit = explicit - set(OPTIMIZERS[key].switches)  # a switch chooses the reference's form, not the candidate's
    source = parse_spec(candidate) if isinstance(candidate, str) else source_of(candidate)
    if source is not None:
        return RemoteCandidate(source[0], source[1], key, hp, explicit, form, label, time_limit, memory_limit)
    cls = candidate if isinstance(candidate, type) else type(candidate)
    base = next((k for k in cls.__mro__ if k in OPTIMIZERS.values()), None)
    if base is not None and not cls.__module__.startswith("numopt."):  # numopt's own classes and mutants are fine
        raise CandidateLoadError(
            f"{cls.__qualname__} is a subclass of numopt's {base.__name__}: it would be graded against numopt's "
            "own code; expected your own implementation (numopt.base.Optimizer may be used for the bookkeeping only)"
        )
    return Candidate(candidate, key, hp, explicit, form, label, time_limit)


def _diagnose(cases: list[Case], candidates: dict, tol: Tolerance, key: str, hps: dict) -> Mutant | None:
    """The first catalogue entry that the candidate matches on every case."""
    for mutant in catalogue_for(key, hps["assignment"]):
        try:
            pairs = _pairs(mutant.build, candidates, key, hps, mutant.name)
        except (TypeError, ValueError):  # the mistake makes no sense at the other hyperparameters
            continue
        if _matches(cases, pairs, tol, key):
            return mutant
    return None


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
