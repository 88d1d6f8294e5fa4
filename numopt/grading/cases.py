r"""The seeded cases a candidate is graded on, designed to tell the mistakes apart.

Three kinds:

``"single"``
    One step compared: step t from given parameters with a given gradient, in
    the state that a given history of gradients produces. The state is given
    *as that history* and both candidate and reference are fed it (with the
    parameters re-synced to the reference's after each step) before the
    compared step: the only way to set the state of every form the same way,
    since the forms keep it under different names and conventions (CS231n's
    momentum keeps velocity = −η·b, numopt keeps b).
``"forced"``
    Teacher-forced multi-step run: the same gradient sequence is fed to both,
    and before every step the candidate's parameters are reset to the
    reference's, so each step is compared from the same point and one mistake
    does not compound. The candidate keeps its own state (it cannot be set
    from outside, see above), so a wrong state shows at its first step and
    the report gives that step.
``"closed"``
    Closed loop on a problem: each side computes its gradient at its own
    parameters, as in training; the first step that differs ends the run.
    The problem is :class:`numopt.problems.Quadratic` with condition number
    100 in 12 dimensions (rotated, so no per-coordinate scaling removes the
    ill-conditioning; minimum at θ* = 1).

The last two cases run at *other hyperparameters*: every decay rate, ε, η,
γ, λ and AdaGrad's v₀ (if not 0) that the candidate takes is moved (β 0.9 -> 0.8, ε × 1000, η × 3, see
:func:`other_hyperparameters`), so that a candidate that ignores an argument
and uses its default fails them and is named.

Why the defaults discriminate:

* gradients of size 1e-8 to 1e-6 make v̂ (≈ g², 1e-16 to 1e-12) far smaller
  than ε = 1e-8, so ε inside or outside the square root changes the step by
  orders of magnitude, and ε = 1e-12 of AdaX shows as well;
* the first steps (t = 1, 2, 3, 5) are where bias corrections, 1 − βᵗ, differ
  most from 1 and where t off by one shows;
* large parameters with small gradients make λθ dominate the gradient, so L2
  and decoupled weight decay differ by whole steps;
* per-coordinate scales from 1e-8 to 10 and gradients that change sign
  exercise β, g² and the sign-driven gains (EGSGD, Funnel);
* a coordinate whose gradient is exactly zero for the first steps tests
  0/0-safe code.

All cases use ``numpy.random.default_rng(seed)``; the public seed is 0 and an
instructor can pass another for hidden cases. Parameters are float64 arrays
of shape (3, 4); for algorithms that need positive parameters (EGU) every
starting point is made positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..problems import Problem, Quadratic

__all__ = ["SHAPE", "Case", "FlatProblem", "default_cases", "other_hyperparameters"]

BETAS = frozenset({"beta", "beta1", "beta2", "rho", "mu"})
"""Decay rates in [0, 1): moved to 1 − 2(1 − β) (0.9 -> 0.8, 0.999 -> 0.998), or β + 0.25 below ½."""

SCALED = {"lr": 3.0, "eps": 1000.0, "gamma": 2.0, "gamma_p": 2.0, "gamma_s": 2.0, "weight_decay": 3.0,
          "initial_accumulator_value": 3.0}
"""Other hyperparameters that are moved, by the factor they are multiplied by."""


def other_hyperparameters(cls: type, hp: dict, names: set[str] | frozenset[str]) -> dict:
    """``hp`` with each of ``names`` that can be moved (:data:`BETAS`, :data:`SCALED`) moved.

    Only names the candidate takes are moved (one it does not take cannot be
    passed to it); a value that ``cls`` refuses, a schedule or a zero stays.
    """
    moved = dict(hp)
    for name in sorted(names):
        value = hp.get(name)
        if isinstance(value, bool) or not isinstance(value, float) or (value == 0.0 and name not in BETAS):
            continue
        if name in BETAS:
            new = 1 - 2 * (1 - value) if value >= 0.5 else value + 0.25
        elif name in SCALED:
            new = value * SCALED[name]
        else:
            continue
        try:
            cls(**{**moved, name: new})
        except (TypeError, ValueError):
            continue
        moved[name] = new
    return moved


SHAPE = (3, 4)
"""The shape of the parameter array in every case."""


class FlatProblem:
    """A problem of :mod:`numopt.problems` on flattened parameters: ``grad`` keeps the shape.

    Parameters
    ----------
    problem : numopt.problems.Problem
        A problem whose ``grad`` takes a 1-D array.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """The problem's gradient at ``theta.ravel()``, in the shape of ``theta``."""
        return self.problem.grad(theta.reshape(-1)).reshape(theta.shape)


@dataclass(frozen=True)
class Case:
    """One grading case.

    Parameters
    ----------
    name : str
        Short description shown to the student.
    kind : str
        ``"single"``, ``"forced"`` or ``"closed"``.
    theta0 : ndarray
        Starting parameters.
    grads : ndarray, optional
        Gradients g_1..g_T, stacked (single and forced cases).
    problem : FlatProblem, optional
        The objective (closed-loop cases).
    steps : int
        Number of steps T.
    other_hp : bool, default False
        Run at hyperparameters other than the assignment's
        (:func:`other_hyperparameters`), so that a candidate that ignores an
        argument shows.
    """

    name: str
    kind: str
    theta0: np.ndarray
    grads: np.ndarray | None = None
    problem: FlatProblem | None = None
    steps: int = 0
    other_hp: bool = False

    @property
    def hp_key(self) -> str:
        """``"other"`` for a case run at other hyperparameters, ``"assignment"`` otherwise."""
        return "other" if self.other_hp else "assignment"

    def compared(self, step: int) -> bool:
        """Whether step ``step`` (1-based) is compared; a single-step case compares its last only."""
        return self.kind != "single" or step == self.steps


def default_cases(seed: int = 0, positive: bool = False) -> list[Case]:
    """The default cases for ``seed``.

    Parameters
    ----------
    seed : int, default 0
        Seed of ``numpy.random.default_rng``; 0 gives the public cases.
    positive : bool, default False
        Make every starting point strictly positive (EGU).

    Returns
    -------
    list of Case
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r} is not allowed; expected an int >= 0")
    rng = np.random.default_rng(seed)

    def start(scale: float = 1.0) -> np.ndarray:
        theta = scale * rng.standard_normal(SHAPE)
        return np.abs(theta) + 0.5 * scale if positive else theta

    def tiny(steps: int) -> np.ndarray:
        """Gradients of magnitude 1e-8..1e-6 (log-uniform) with random signs."""
        size = 10.0 ** rng.uniform(-8, -6, (steps, *SHAPE))
        return size * rng.choice([-1.0, 1.0], (steps, *SHAPE))

    def normal(steps: int, scale: float | np.ndarray = 1.0) -> np.ndarray:
        return scale * rng.standard_normal((steps, *SHAPE))

    scales = 10.0 ** rng.uniform(-8, 1, SHAPE)  # per coordinate, fixed over the run
    flips = np.abs(normal(12)) * (-1.0) ** np.arange(1, 13)[:, None, None]  # sign changes every step
    flips[:4, 0, :2] = 0.0  # two coordinates with a zero gradient for the first four steps
    cases = [
        Case("one step from zero state, gradients of order 1", "single", start(), normal(1), steps=1),
        Case("one step from zero state, tiny gradients (1e-8 to 1e-6)", "single", start(), tiny(1), steps=1),
        Case("step 3, tiny gradients throughout", "single", start(), tiny(3), steps=3),
        Case("step 5, large parameters and small gradients", "single", start(10.0), normal(5, 1e-3), steps=5),
        Case("25 teacher-forced steps, coordinate scales 1e-8 to 10", "forced", start(), normal(25, scales),
             steps=25),
        Case("12 teacher-forced steps, sign flips and zero gradients", "forced", start(), flips, steps=12),
        Case("40 closed-loop steps on a rotated quadratic (condition number 100)", "closed", 1.0 + start(0.05),
             problem=FlatProblem(Quadratic(condition=100.0, dim=int(np.prod(SHAPE)))), steps=40),
    ]
    return [
        *cases,
        Case("step 3, tiny gradients, at other hyperparameters", "single", start(), tiny(3), steps=3, other_hp=True),
        Case("12 teacher-forced steps, sign flips, at other hyperparameters", "forced", cases[5].theta0, flips,
             steps=12, other_hp=True),
    ]
