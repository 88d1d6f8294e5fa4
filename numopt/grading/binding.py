r"""Hyperparameters by role: which of numopt's hyperparameters a student's argument takes.

A teaching assistant gives the assignment's values in numopt's names
(``--hp beta=0.99`` for RMSProp); the student's code calls the same quantity
``beta2``, ``decay_rate``, ``rho`` or ``rho2``, the step size ``alpha`` or
``learning_rate``, ε ``epsilon`` or ``epscut``. :func:`bind` finds, for one
argument name and one algorithm, the numopt hyperparameter with that *role*:

* the same name, if the algorithm has it;
* the role's vocabulary (:data:`ROLES`): a step size is ``lr``; ε is ``eps``; a
  decay rate is the algorithm's only decay rate (``beta`` of Momentum and
  RMSProp, ``rho`` of AdaDelta), or, for two (Adam's ``beta1``, ``beta2``),
  the first for a name ending in 1 or naming momentum, the second for one
  ending in 2 or naming a squared-gradient decay (``decay_rate``, ``rho``);
* other libraries' names from :data:`numopt.aliases.ALIASES` (the one table of
  foreign names), when the algorithm takes what they stand for.

The vocabulary of the *other* arguments of a course's function (the
parameters, the gradient, the state, the step number) is here too, for
:mod:`~numopt.grading.forms`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..aliases import ALIASES

__all__ = ["ROLES", "Binding", "bind", "role_of"]

ROLES: dict[str, tuple[str, ...]] = {
    "params": ("params", "parameters", "param", "var", "variable", "w", "theta", "x", "weights", "p", "value"),
    "grads": ("grads", "grad", "dw", "g", "gradient", "gradients", "dx", "dvar", "grad_var", "dtheta", "dp"),
    "state": ("v", "s", "m", "cache", "velocity", "moment", "moments", "state", "u", "r", "h", "m_t", "v_t",
              "first_moment", "second_moment", "config"),
    "t": ("t", "step", "iteration", "iter", "timestep", "time_step", "k", "n_iter"),
    "lr": ("lr", "alpha", "learning_rate", "eta", "step_size", "lr_rate", "rate"),
    "decay": ("beta", "beta1", "beta2", "beta_1", "beta_2", "b1", "b2", "rho", "rho1", "rho2", "decay_rate",
              "momentum", "mu", "decay", "gamma", "decay1", "decay2"),
    "eps": ("eps", "epsilon", "epscut", "eps_hat", "fuzz"),
    "weight_decay": ("weight_decay", "wd", "lam", "lambd", "l2", "decay_weight"),
}
"""Role -> the names course code gives an argument of that role (compared in lower case)."""

DECAY_RATES = ("beta", "rho", "mu")
"""numopt's names of an algorithm's single decay rate, in order of preference."""

_FIRST = re.compile(r"(1|_1|momentum|mu)$")
_SECOND = re.compile(r"(2|_2|decay_rate|rho|decay)$")


def role_of(name: str) -> str | None:
    """The role of an argument named ``name`` (``"lr"``, ``"decay"``, ``"params"`` ...), or None."""
    lowered = name.lower()
    return next((role for role, names in ROLES.items() if lowered in names), None)


def bind(name: str, hyperparameters: Iterable[str]) -> str | None:
    """The numopt hyperparameter (of ``hyperparameters``) that an argument named ``name`` takes, or None.

    Parameters
    ----------
    name : str
        The student's argument name (``"beta2"``, ``"decay_rate"``).
    hyperparameters : iterable of str
        The algorithm's hyperparameter names (``Adam().hyperparameters``).
    """
    names = tuple(hyperparameters)
    if name in names:
        return name
    role, lowered = role_of(name), name.lower()
    if role in ("lr", "eps", "weight_decay") and role in names:
        return role
    if lowered == "momentum" and "mu" in names:
        return "mu"  # the Funnel's momentum coefficient; its beta is another decay rate
    if role == "decay":
        if "beta1" in names and "beta2" in names:
            if _FIRST.search(lowered) or lowered in ("beta",):
                return "beta1"
            if _SECOND.search(lowered):
                return "beta2"
            return None
        return next((n for n in DECAY_RATES if n in names), None)
    alternatives, _ = ALIASES.get(name, ((), ""))
    return next((meant[0] for meant in alternatives if len(meant) == 1 and meant[0] in names), None)


class Binding:
    """How a candidate's hyperparameter arguments were bound, for the report.

    Parameters
    ----------
    algorithm : str
        numopt's class name, for sentences (``"RMSProp"``).
    """

    def __init__(self, algorithm: str) -> None:
        self.algorithm = algorithm
        self.by_role: list[tuple[str, str, Any]] = []  # (the candidate's name, numopt's name, value)
        self.left: list[tuple[str, Any]] = []  # (the candidate's name, its default), bound to nothing
        self.accepted: set[str] = set()  # numopt names the candidate takes

    def bound(self, theirs: str, ours: str, value: Any) -> None:
        """Record that the candidate's ``theirs`` gets numopt's ``ours=value``."""
        self.accepted.add(ours)
        if theirs != ours and not any(meant == (ours,) for meant in ALIASES.get(theirs, ((), ""))[0]):
            self.by_role.append((theirs, ours, value))  # another library's well-known name needs no sentence

    def notes(self) -> list[str]:
        """Sentences for the report: what was bound by role, what was left at the code's default."""
        notes = []
        if self.by_role:
            pairs = ", ".join(f"your {theirs} <- {ours}={value!r}" for theirs, ours, value in self.by_role)
            notes.append(f"hyperparameters bound by role: {pairs}")
        for theirs, default in self.left:
            notes.append(
                f"your argument {theirs} has no role among {self.algorithm}'s hyperparameters, so it was left at "
                f"the code's default ({theirs}={default!r})"
            )
        return notes


def keyword_arguments(
    names: Iterable[str], defaults: Mapping[str, Any], hp: Mapping[str, Any], binding: Binding,
) -> dict[str, Any]:
    """The keyword arguments for a function or constructor taking ``names``: each bound to its hyperparameter.

    ``defaults`` holds the arguments that have a default: one that binds to no
    hyperparameter is left at it (and ``binding`` notes it if it is a number).
    """
    kwargs: dict[str, Any] = {}
    taken: set[str] = set()
    for name in names:
        ours = bind(name, hp)
        if ours is not None and ours not in taken:
            kwargs[name] = hp[ours]
            taken.add(ours)
            binding.bound(name, ours, hp[ours])
        elif name in defaults and _is_number(defaults[name]) and role_of(name) not in ("params", "grads", "t"):
            binding.left.append((name, defaults[name]))
    return kwargs


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
