r"""Course formats, found from the signature: what each argument of a student's function is.

Courses fix the call and the student writes the body:

* Coursera's Deep Learning Specialization:
  ``update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)``
  -> ``(parameters, v, s)``, over dicts keyed by layer (``W1``, ``b1``;
  ``dW1``, ``db1``; layers numbered from 1, or from 0), the state made by the
  module's ``initialize_adam(parameters)`` / ``initialize_velocity`` when it has one;
* Holberton School: ``update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t)``
  -> ``(var, v, s)``;
* anything else of that kind, through an explicit spec such as
  ``"f(lr, beta1, beta2, eps, w, g, m, v, t) -> (w, m, v)"`` (``--signature``).

A :class:`Signature` lists the arguments in the course's order, each with its
role (:data:`numopt.grading.binding.ROLES`): the parameters, the gradient, the
state (zeros at first, then whatever the function returned for it), the step
number t (1 on the first step) and hyperparameters, bound to numopt's by role.
The function is called positionally, as the course's own checker calls it, so
an argument's name only tells its role.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Any

from .binding import role_of

__all__ = ["INITIALIZERS", "Signature", "SignatureError", "course_signature", "parse_signature"]

HP_ROLES = ("lr", "decay", "eps", "weight_decay")
"""Roles of hyperparameter arguments."""

INITIALIZERS = ("initialize_adam", "initialize_velocity", "initialize_rmsprop", "initialize_momentum",
                "initialize_parameters_adam", "initialize_adagrad")
"""Functions of a Coursera-style module that make the state dicts from the parameters."""

_SPEC = re.compile(r"^\s*([A-Za-z_]\w*)\s*\(([^()]*)\)\s*(?:->\s*\(?([^()]*?)\)?)?\s*$")
_LAYERED = re.compile(r"""str\(|f["'][^"']*\{""")
"""Keys built from a layer number: ``"W" + str(l)``, ``"d" + p + str(l)``, ``f"dW{l}"``."""


class SignatureError(ValueError):
    """A ``--signature`` spec that cannot be read (the message says what was expected)."""


@dataclass(frozen=True)
class Signature:
    """A function's arguments in call order, with their roles, and what it returns.

    Attributes
    ----------
    name : str
        The function's name, for messages.
    args : tuple of (str, str)
        ``(name, role)`` per positional argument; role is ``params``, ``grads``,
        ``state``, ``t`` or ``hp``.
    returns : tuple of str, optional
        The returned names, in order (``("w", "m", "v")``); ``None`` when not
        given: then a tuple is the parameters followed by the states in
        argument order, anything else the parameters.
    layered : bool
        The parameters are a dict of layers (``W1``, ``b1``) and the
        gradients and states dicts keyed ``dW1``, ``db1`` (Coursera).
    spec : str
        The spec as the instructor wrote it ("" when found from the signature).
    """

    name: str
    args: tuple[tuple[str, str], ...]
    returns: tuple[str, ...] | None = None
    layered: bool = False
    spec: str = ""

    @property
    def states(self) -> tuple[str, ...]:
        """The names of the state arguments, in order."""
        return tuple(name for name, role in self.args if role == "state")

    def describe(self) -> str:
        """``update_variables_Adam(alpha, beta1, ..., t) -> (var, v, s)``."""
        params = next(name for name, role in self.args if role == "params")
        returns = self.returns or (params, *self.states)
        shown = returns[0] if len(returns) == 1 else f"({', '.join(returns)})"
        return f"{self.name}({', '.join(name for name, _ in self.args)}) -> {shown}"


def _roles(names: list[str], what: str) -> tuple[tuple[str, str], ...]:
    args = []
    for name in names:
        role = role_of(name)
        if role is None:
            raise SignatureError(
                f"{what}: argument {name!r} has no known role; expected names such as params/var/w, "
                "grads/grad/dw, state v/s/m/cache, t, lr/alpha/learning_rate, beta/beta1/beta2/rho/decay_rate, "
                "eps/epsilon"
            )
        args.append((name, "hp" if role in HP_ROLES else role))
    for role, label in (("params", "the parameters"), ("grads", "the gradient")):
        count = sum(r == role for _, r in args)
        if count != 1:
            raise SignatureError(f"{what}: {count} arguments are {label}; expected exactly one")
    return tuple(args)


def parse_signature(spec: str) -> Signature:
    """Read ``"f(lr, beta1, beta2, eps, w, g, m, v, t) -> (w, m, v)"``.

    Raises
    ------
    SignatureError
        If the spec is not ``NAME(ARG, ...) [-> (NAME, ...)]``, an argument has
        no known role, or the returned names are not arguments.
    """
    match = _SPEC.match(spec)
    if match is None:
        raise SignatureError(
            f"--signature {spec!r} is not NAME(ARG, ...) -> (NAME, ...); expected e.g. "
            "'f(lr, beta1, beta2, eps, w, g, m, v, t) -> (w, m, v)'"
        )
    name, arg_text, return_text = match.groups()
    names = [a.strip() for a in arg_text.split(",") if a.strip()]
    args = _roles(names, f"--signature {spec!r}")
    returns = None
    if return_text is not None and return_text.strip():
        returns = tuple(r.strip() for r in return_text.split(",") if r.strip())
        unknown = [r for r in returns if r not in names or dict(args)[r] not in ("params", "state")]
        params = next(n for n, role in args if role == "params")
        if unknown or returns[0] != params:
            raise SignatureError(
                f"--signature {spec!r} returns {', '.join(returns)}; expected the parameters ({params}) first, "
                "then state arguments"
            )
    return Signature(name, args, returns, spec=spec.strip())


def course_signature(function: Any) -> Signature | None:
    """The :class:`Signature` of a course function, from its parameter names; None if it is not one.

    A course function takes, positionally, one parameters argument, one
    gradient argument and hyperparameters, states or t, every name from the
    vocabulary. CS231n's ``update(w, dw, config)`` and the pure
    ``update(param, grad, state, t)`` are forms of their own and give None.
    """
    try:
        params = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return None
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) < 3:
        return None
    try:
        args = _roles(positional, "course function")
    except SignatureError:
        return None
    roles = [role for _, role in args]
    required = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    if "config" in positional or (roles[:4] == ["params", "grads", "state", "t"] and len(required) == 4):
        return None  # CS231n's form, or the pure form with keyword hyperparameters
    if "hp" not in roles and "state" not in roles:
        return None
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = ""
    params_name = next(name for name, role in args if role == "params")
    layered = params_name in ("parameters", "params") and bool(_LAYERED.search(source))
    return Signature(getattr(function, "__name__", "f"), args, None, layered)
