"""Run an optimizer on a problem and record everything: :func:`run` and :class:`Trajectory`.

::

    from numopt.runner import run
    traj = run("adam", "rosenbrock", steps=500, record_state=True)
    traj.params        # (501, 2): the start, then the point after every step
    traj.losses        # (501,): the loss at each of those points
    traj.state["v"]    # (500, 2): Adam's v after steps 1..500

A registry key is built by :func:`make_optimizer` with the settings the runner
suggests for the problem, :data:`SUGGESTED` (the problems themselves know
nothing about optimizers).

Indexing: ``params``, ``losses`` and ``metrics`` have ``steps + 1`` entries,
entry k after k steps (entry 0 is the start); ``grad_norms`` and ``state``
have ``steps`` entries, entry t − 1 for step t (the gradient handed to step t,
the state after step t).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from . import checks
from .base import Optimizer
from .checks import whole
from .guard import NumericalWarning
from .problems import MLP, PROBLEMS, Beale, DriftingStream, LogisticRegression, Problem, Quadratic, Reddi, Rosenbrock
from .registry import OPTIMIZERS

__all__ = [
    "ADAPTIVE", "MAX_STEPS", "SELF_SCALED", "SUGGESTED", "Suggested", "Trajectory", "effective_rates", "final_loss",
    "learning_rate", "make_optimizer", "make_problem", "run", "suggested",
]

ADAPTIVE = frozenset(key for key, cls in OPTIMIZERS.items() if cls.adaptive)
"""Keys whose step is about ``lr`` per coordinate whatever the gradient's size (the classes' ``adaptive``)."""

SELF_SCALED = frozenset(key for key, cls in OPTIMIZERS.items() if cls.self_scaled)
"""Keys that need no learning rate (the classes' ``self_scaled``: AdaDelta keeps its default lr=1)."""


MAX_STEPS = 10**7
"""The most steps :func:`run` takes: it keeps the params, loss and gradient norm of every step."""


class Suggested(NamedTuple):
    """The settings ``numopt race`` and the figures give every optimizer on one kind of problem.

    They are chosen by hand so that every method makes visible progress in a
    few hundred steps without overflowing; they are not tuned to make any
    method win.

    Attributes
    ----------
    gradient : float
        The learning rate of the methods that multiply the raw gradient (SGD,
        Momentum, NAG, EGU, EGSGD, Funnel).
    adaptive : float
        The learning rate of the :data:`ADAPTIVE` methods.
    overrides : mapping
        Other hyperparameters by optimizer key (e.g. a smaller EGSGD γ where the
        gradients are large, so that its gain exp(γ Σ g g) does not overflow).
    """

    gradient: float
    adaptive: float
    overrides: Mapping[str, Mapping[str, Any]] = MappingProxyType({})


SUGGESTED: dict[type[Problem], Suggested] = {
    Problem: Suggested(gradient=0.01, adaptive=0.01),
    Quadratic: Suggested(gradient=0.05, adaptive=0.05),
    Rosenbrock: Suggested(  # RAdam's first steps (ρ_t ≤ 5) are SGD with momentum, not adaptive
        gradient=1e-3, adaptive=0.05, overrides={"egsgd": {"gamma": 1e-3}, "radam": {"lr": 1e-3}},
    ),
    Beale: Suggested(gradient=1e-3, adaptive=0.02, overrides={"egsgd": {"gamma": 1e-4}}),
    Reddi: Suggested(gradient=0.01, adaptive=0.01),
    LogisticRegression: Suggested(gradient=0.5, adaptive=0.05),
    MLP: Suggested(gradient=0.1, adaptive=0.01),
    DriftingStream: Suggested(gradient=0.1, adaptive=0.01),
}
"""Problem class -> the suggested settings; a subclass gets its nearest listed base class's."""


def suggested(problem: Problem) -> Suggested:
    """The :data:`SUGGESTED` settings for ``problem``'s class (or its nearest base class listed there)."""
    return next(SUGGESTED[cls] for cls in type(problem).__mro__ if cls in SUGGESTED)


def learning_rate(key: str, problem: Problem) -> float | None:
    """The learning rate of algorithm ``key`` on ``problem``, or ``None`` for its default.

    Adaptive methods (AdaGrad, RMSProp, Adam and its relatives, AdaX) get
    ``suggested(problem).adaptive``; AdaDelta keeps its default; every other
    method (SGD, Momentum, NAG, EGU, EGSGD, Funnel) multiplies the raw
    gradient and gets ``suggested(problem).gradient``.
    """
    if key in SELF_SCALED:
        return None
    settings = suggested(problem)
    return settings.adaptive if key in ADAPTIVE else settings.gradient


@dataclass
class Trajectory:
    """Everything recorded by :func:`run`.

    Attributes
    ----------
    optimizer : str
        The optimizer's ``repr``, e.g. ``"Adam(lr=0.05, ...)"``.
    key : str
        The optimizer's registry key (``"adam"``).
    problem : str
        The problem's name.
    params : ndarray or dict of ndarray
        Shape ``(steps + 1, *shape)``: the start and the point after every step;
        for dict params a dict name -> such an array.
    losses : ndarray
        Shape ``(steps + 1,)``: ``problem.loss`` (the full objective) at each point.
    grad_norms : ndarray
        Shape ``(steps,)``: the Euclidean norm of the gradient handed to step t
        (the mini-batch gradient for stochastic problems), over all arrays.
    state : dict or None
        With ``record_state=True``, the optimizer's state after every step, in the
        structure of ``optimizer.state`` with each array stacked to
        ``(steps, *shape)``: ``state["v"]`` or ``state["W1"]["v"]``. Else ``None``.
    metrics : dict of ndarray
        ``problem.metrics`` by name, shape ``(steps + 1,)`` (e.g. the drifting
        stream's ``accuracy``); empty for most problems.
    markers : dict of tuple of int
        ``problem.markers`` (e.g. ``{"drift": (200, 400, ...)}``).
    min_value : float or None
        ``problem.min_value``.
    seconds : float
        Wall time of the run, recording included.
    """

    optimizer: str
    key: str
    problem: str
    params: Any
    losses: np.ndarray
    grad_norms: np.ndarray
    state: Any = None
    metrics: dict[str, np.ndarray] = field(default_factory=dict)
    markers: dict[str, tuple[int, ...]] = field(default_factory=dict)
    min_value: float | None = None
    seconds: float = 0.0

    @property
    def steps(self) -> int:
        """The number of steps taken."""
        return len(self.losses) - 1

    @property
    def gaps(self) -> np.ndarray:
        """``losses − min_value`` where the minimum is known, else ``losses``."""
        return self.losses if self.min_value is None else self.losses - self.min_value

    def steps_to(self, tol: float) -> int | None:
        """The first k with ``gaps[k] <= tol`` (loss within ``tol`` of the minimum), or ``None``."""
        hits = np.flatnonzero(self.gaps <= tol)
        return int(hits[0]) if hits.size else None


def make_problem(problem: Problem | str) -> Problem:
    """Return ``problem``, or build the problem registered under that name in ``PROBLEMS``.

    Raises
    ------
    ValueError
        For an unknown name, listing the valid ones.
    """
    if isinstance(problem, Problem):
        return problem
    if not isinstance(problem, str) or problem not in PROBLEMS:
        raise ValueError(f"problem={problem!r} is unknown; expected one of {', '.join(PROBLEMS)}")
    return PROBLEMS[problem]()


def make_optimizer(key: str, problem: Problem | str, **hyperparameters: Any) -> Optimizer:
    """The optimizer ``key`` with the settings the problem suggests, then ``hyperparameters``.

    The suggested settings are the learning rate :func:`learning_rate` and
    ``suggested(problem).overrides[key]``; every other hyperparameter keeps the
    algorithm's default unless given.

    Raises
    ------
    ValueError
        For an unknown key, listing the valid ones.
    """

    if key not in OPTIMIZERS:
        raise ValueError(f"optimizer={key!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    problem = make_problem(problem)
    lr = learning_rate(key, problem)
    overrides = dict(suggested(problem).overrides.get(key, {}))
    settings = ({} if lr is None else {"lr": lr}) | overrides | hyperparameters
    return OPTIMIZERS[key](**settings)


def _copy(x: Any) -> Any:
    """A copy of params or state (array, list/tuple or dict of arrays)."""
    if isinstance(x, dict):
        return {k: _copy(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_copy(v) for v in x]
    return np.array(x, copy=True)


def _checked_start(start: Any, like: Any) -> Any:
    """A copy of ``start`` (integers as floats), refused unless it has the keys and shapes of the problem's ``like``."""
    if isinstance(like, Mapping):
        if not isinstance(start, Mapping) or set(start) != set(like):
            raise ValueError(
                f"start is {_described(start)}; expected a dict with the keys {sorted(like)}, like the problem's params"
            )
        return {k: _checked_array(f"start[{k!r}]", start[k], np.shape(like[k])) for k in like}
    return _checked_array("start", start, np.shape(like))


def _described(x: Any) -> str:
    return f"a dict with the keys {sorted(map(str, x))}" if isinstance(x, Mapping) else f"a {type(x).__name__}"


def _checked_array(name: str, value: Any, shape: tuple) -> np.ndarray:
    try:
        array = np.array(value)
    except (TypeError, ValueError):  # a ragged list
        array = np.array(None)
    if array.dtype.kind in "biu":
        array = array.astype(float)
    if array.dtype.kind != "f" or array.shape != shape:
        raise ValueError(
            f"{name} is {_described(value)} of shape {array.shape} and dtype {array.dtype}; expected real numbers "
            f"of shape {shape}, like the problem's params"
        )
    return array


def _stack(snapshots: list) -> Any:
    """Stack a list of equally structured snapshots array by array."""
    first = snapshots[0]
    if isinstance(first, dict):
        return {k: _stack([s[k] for s in snapshots]) for k in first}
    if isinstance(first, (list, tuple)):
        return [_stack([s[i] for s in snapshots]) for i in range(len(first))]
    return np.stack(snapshots)


def _norm(g: Any) -> float:
    """The Euclidean norm over every array of ``g``."""
    arrays = g.values() if isinstance(g, dict) else g if isinstance(g, (list, tuple)) else [g]
    return float(np.sqrt(sum(float(np.vdot(a, a)) for a in arrays)))


def run(
    optimizer: Optimizer | str,
    problem: Problem | str,
    steps: int,
    record_state: bool = False,
    seed: int | None = None,
    start: Any = None,
) -> Trajectory:
    """Run ``optimizer`` on ``problem`` for ``steps`` steps and record the trajectory.

    Each step t takes the batch t from ``problem.batches(seed)``, computes
    ``g = problem.grad(params, batch)``, calls ``optimizer.step(params, g)`` and
    then ``problem.project(params)``.

    Parameters
    ----------
    optimizer : Optimizer or str
        An optimizer (it is stepped, so pass a fresh one), or a registry key:
        then :func:`make_optimizer` builds it with the suggested settings.
    problem : Problem or str
        A problem, or a name in :data:`numopt.problems.PROBLEMS`.
    steps : int
        Number of steps, ``0 <= steps <= MAX_STEPS``.
    record_state : bool, default False
        Record the optimizer's state after every step.
    seed : int or None, default None
        Seeds the start (``problem.init(seed)``; ``None`` gives the standard start)
        and the mini-batches (``problem.batches(seed)``; ``None`` means seed 0), so a
        given seed gives the identical run.
    start : params, optional
        The starting point instead of ``problem.init(seed)``; it is copied, never changed.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        For a negative or non-integer ``steps``, a seed that is not an int >= 0,
        an unknown name, or a ``start`` unlike the problem's params (another
        structure, keys or shapes).
    """
    steps, seed = whole("steps", steps, 0, MAX_STEPS), checks.seed(seed)
    problem = make_problem(problem)
    if isinstance(optimizer, str):
        optimizer = make_optimizer(optimizer, problem)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer={optimizer!r}; expected a numopt Optimizer or a registry key")
    began = time.perf_counter()
    params = problem.init(seed) if start is None else _checked_start(start, problem.init())
    batches = problem.batches(seed)
    points, losses, norms, states = [_copy(params)], [problem.loss(params)], [], []
    metrics = [problem.metrics(params, 0)]
    for t in range(1, steps + 1):
        g = problem.grad(params, next(batches))
        norms.append(_norm(g))
        optimizer.step(params, g)
        problem.project(params)
        points.append(_copy(params))
        losses.append(problem.loss(params))
        metrics.append(problem.metrics(params, t))
        if record_state:
            states.append(_copy(optimizer.state))
    return Trajectory(
        optimizer=repr(optimizer),
        key=optimizer.key,
        problem=problem.name,
        params=_stack(points),
        losses=np.array(losses),
        grad_norms=np.array(norms),
        state=_stack(states) if record_state and states else ({} if record_state else None),
        metrics={name: np.array([m[name] for m in metrics]) for name in metrics[0]},
        markers=dict(problem.markers),
        min_value=problem.min_value,
        seconds=time.perf_counter() - began,
    )


def effective_rates(optimizer: Optimizer, grads: np.ndarray) -> np.ndarray:
    """Feed the gradients ``grads[k]`` (shape (T, d)) to ``optimizer``; return the rates −Δθ/g, shape (T, d).

    For updates in which θ itself does not enter (no weight decay), θ restarts
    from 0 before each step and the rate is read off −θ/g, without the
    cancellation of a difference θ_t − θ_{t−1}. The optimizer's state carries
    over from step to step as usual.
    """
    grads = np.asarray(grads)
    if grads.ndim != 2 or grads.dtype.kind != "f":
        raise ValueError(f"grads has shape {grads.shape} and dtype {grads.dtype}; expected floats of shape (T, d)")
    theta = np.zeros(grads.shape[1], grads.dtype)
    rates = np.empty_like(grads)
    for k, g in enumerate(grads):
        theta[:] = 0.0
        optimizer.step(theta, g)
        rates[k] = -theta / g
    return rates


def final_loss(optimizer: Optimizer, problem: Problem, steps: int, seed: int | None = None) -> float:
    """The full-data loss after ``steps`` steps from ``problem.init(seed)``, or inf if the run fails.

    The same loop as :func:`run` without recording every step, for sweeps: a run
    whose loss is not finite, or whose step is refused (a NaN gradient, EGU
    refusing a non-positive parameter), counts as inf instead of stopping the
    sweep, and the :class:`~numopt.guard.NumericalWarning` of a blow-up is not shown.
    """
    steps, seed = whole("steps", steps, 0, MAX_STEPS), checks.seed(seed)
    params, batches = problem.init(seed), problem.batches(seed)
    try:
        with np.errstate(over="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", NumericalWarning)
            for _ in range(steps):
                optimizer.step(params, problem.grad(params, next(batches)))
            loss = problem.loss(params)
    except (ValueError, FloatingPointError):
        return math.inf
    return loss if math.isfinite(loss) else math.inf
