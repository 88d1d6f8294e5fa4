r"""Load a student's optimizer and drive it, whatever its form, through one interface.

These forms are accepted (``detect_form`` tells them apart):

``"step"``
    A class or an instance with ``step(params, grads)`` that updates ``params``
    in place, like numopt's optimizers (returning the new array instead is
    accepted too). A class is built with the hyperparameters its constructor
    accepts; an instance is deep-copied for every case, so pass a fresh one.
``"cs231n"``
    A function ``update(w, dw, config) -> (next_w, config)`` that keeps its
    state in ``config`` (CS231n's ``optim.py``). The first call gets a
    ``config`` holding the hyperparameters under CS231n's names
    (``learning_rate``, ``epsilon``, ``momentum`` or ``decay_rate``, and
    ``beta1``, ``beta2`` as they are); the state (``m``, ``v``, ``t``,
    ``cache``, ``velocity``, ...) is whatever the function puts there. Like
    numopt, CS231n's Adam counts ``t`` from 0 and increments it *before* use,
    so the first step computes with t = 1.
``"pure"``
    A function ``update(param, grad, state, t) -> (new_param, new_state)``.
    The first call gets ``state=None``; ``t`` is the step number, 1 on the
    first step. Hyperparameters are passed as keyword arguments if the function
    accepts them (``def update(param, grad, state, t, lr=1e-3, beta1=0.9)``).
``"course"``
    A course's function, found by its signature and argument names
    (Holberton's ``update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t)``,
    Coursera's ``update_parameters_with_adam`` over layer dicts), or given by a
    ``"signature:SPEC"`` form (:mod:`~numopt.grading.forms`).

An object's method may take the gradient first (found by probing), be the
method that the course-facing one delegates to (``update(network, grads)``
calling ``update_params(params, grads)``), or take a layer and return the
steps (Keras-like ``optimise_gradients(layer, gradients)``).

Hyperparameters are bound by role: a candidate may call the step size
``lr``, ``learning_rate``, ``alpha``, ``eta`` or ``step_size``, ``eps`` may be
``epsilon`` or ``epscut``, RMSProp's β ``beta2`` or ``decay_rate``, and so on
(:mod:`~numopt.grading.binding`). A hyperparameter that the instructor set
explicitly but the candidate cannot accept is set on the reference only, and a
note says so; a variant switch such as ``eps_in_sqrt`` (it chooses the
reference's form) is simply not passed.

The candidate never sees the grader's own arrays: it gets copies, and a
candidate that writes into its gradient, raises, returns the wrong type or
shape is reported with a :class:`CandidateError` naming the step, not with a
crash of the grader. Its printed output is dropped so that ``--json`` stays
valid.

This module runs a candidate in the process that calls it. The grader uses
it that way only for objects that cannot be sent elsewhere (a class defined
in a notebook or a test, an instance), with ``time_limit`` enforced by
``SIGALRM`` (POSIX, main thread, best effort); file submissions run it in a
child process (:mod:`numopt.grading.child`), where the limits are enforced
from outside (:mod:`numopt.grading.sandbox`).
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import inspect
import io
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .binding import Binding, bind, keyword_arguments, role_of
from .forms import INITIALIZERS, Signature, course_signature, parse_signature

__all__ = [
    "FORMS",
    "Candidate",
    "CandidateError",
    "CandidateLoadError",
    "Reference",
    "describe_candidate",
    "detect_form",
    "load_candidate",
    "parse_spec",
    "source_of",
]

FORMS = ("step", "dict", "list", "cs231n", "pure", "course")
"""The accepted candidate forms (see the module docstring); ``"signature:SPEC"`` is one too."""

SIGNATURE = "signature:"
"""Prefix of a form given as an explicit signature spec, ``"signature:f(lr, w, g, v) -> (w, v)"``."""

OBJECT_FORMS = ("step", "dict", "list")
"""The forms that are an object with a method ``step`` or ``update`` (params as an array, a dict, a list)."""

METHODS = ("step", "update")
"""The names an object's update method may have, in order of preference."""

HOLDERS = ("network", "net", "model", "layers", "layer", "module", "nn")
"""First-argument names of a method that takes a whole network, not the parameters (it delegates)."""

NEUTRAL: dict[str, Any] = {"weight_decay": 0.0, "initial_accumulator_value": 0.0}
"""Values of a hyperparameter that change nothing: a candidate that cannot take it loses nothing."""

WHAT: dict[str, str] = {
    "step": "{method}(params, grads)", "dict": "{method}(params, grads)", "list": "{method}(params, grads)",
    "cs231n": "update(w, dw, config)", "pure": "update(param, grad, state, t)", "course": "{method}",
}
"""How messages name the call of each form."""

SOURCE_ATTRIBUTE = "__numopt_source__"
"""Set by :func:`load_candidate` on the class or function it loaded: (the file's path, the name)."""

CS231N_NAMES: dict[str, str] = {"lr": "learning_rate", "eps": "epsilon"}
"""numopt name -> key in a CS231n ``config`` (others keep their names, except ``beta``)."""

CS231N_BETA: dict[str, str] = {"momentum": "momentum", "nag": "momentum", "rmsprop": "decay_rate"}
"""What CS231n calls numopt's ``beta``, by algorithm."""


@dataclass(frozen=True)
class Reference:
    """What the adapter knows of the algorithm it grades against: plain data, no numopt code.

    This module runs inside the sandbox, where numopt's algorithms are not
    (:mod:`~numopt.grading.sandbox`), so the grader reads these facts from the
    reference's class (:meth:`of`) and sends them with the request.

    Attributes
    ----------
    key : str
        The registry key (``"adam"``): names CS231n's ``config`` keys.
    name : str
        The class's name (``"Adam"``), for messages.
    state : tuple of str
        The state arrays the reference keeps at these hyperparameters, in order: a
        course function's states are named by position as these (Coursera's ``v, s``
        are Adam's ``m, v``).
    switches : tuple of str
        The variant switches: they choose the reference's form, a candidate need not take them.
    """

    key: str
    name: str
    state: tuple[str, ...] = ()
    switches: tuple[str, ...] = ()

    @classmethod
    def of(cls, algorithm: type, hp: Mapping[str, Any]) -> Reference:
        """The facts of numopt's optimizer class ``algorithm`` built with ``hp`` (in the grader, where it is)."""
        return cls(algorithm.key, algorithm.__name__, tuple(algorithm(**hp)._kept_state()), tuple(algorithm.switches))

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> Reference:
        """The facts as :func:`dataclasses.asdict` sent them (the protocol's JSON has lists for tuples)."""
        return cls(str(message["key"]), str(message["name"]), tuple(message["state"]), tuple(message["switches"]))


class CandidateLoadError(ValueError):
    """The candidate could not be loaded or set up (the message is for the student)."""


class _TimeLimit(BaseException):
    """Raised inside the candidate's code when it overruns its time limit.

    A ``BaseException``, so that a student's ``except Exception`` cannot swallow it.
    """


class CandidateError(Exception):
    """The candidate misbehaved at a step: raised, wrong type or shape, wrote its gradient.

    Parameters
    ----------
    message : str
        One line for the report, naming the step.
    details : str, optional
        The traceback, shown only on request.
    """

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details


# ---------------------------------------------------------------------------- loading
def load_candidate(spec: Any, time_limit: float | None = None) -> Any:
    """Resolve ``"path/to/student.py:Name"`` to the object it names; return other objects as they are.

    Parameters
    ----------
    spec : str or object
        A ``FILE.py:NAME`` string, or the candidate itself.
    time_limit : float, optional
        Seconds the module's import may take (no limit when omitted).

    Raises
    ------
    CandidateLoadError
        If the string is malformed, the file is missing, the module fails to
        import (the message gives the exception and the line) or within the
        time limit, or lacks NAME.
    """
    if not isinstance(spec, str):
        return spec
    path, name = parse_spec(spec)
    module = _import_file(path, time_limit)
    names = name.split("|")  # alternatives, the first one defined wins (batch grading)
    name = next((n for n in names if hasattr(module, n)), name)
    if len(names) > 1 and not hasattr(module, name):
        defined = sorted(k for k, v in vars(module).items() if not k.startswith("_") and callable(v))
        raise CandidateLoadError(
            f"{path.name} defines none of {', '.join(names)}; expected a class or function of one of these names "
            f"(it defines: {', '.join(defined) or 'nothing callable'})"
        )
    if not hasattr(module, name):
        defined = sorted(k for k, v in vars(module).items() if not k.startswith("_") and callable(v))
        raise CandidateLoadError(
            f"{path.name} defines no {name!r}; expected a class or function of that name "
            f"(it defines: {', '.join(defined) or 'nothing callable'})"
        )
    obj = getattr(module, name)
    if inspect.isclass(obj) or inspect.isfunction(obj):
        with contextlib.suppress(AttributeError, TypeError):
            setattr(obj, SOURCE_ATTRIBUTE, (str(path.resolve()), name))
    return obj


def parse_spec(spec: str) -> tuple[Path, str]:
    """``"dir/student.py:Adam"`` -> (the file, ``"Adam"``).

    Raises
    ------
    CandidateLoadError
        If ``spec`` is not ``FILE.py:NAME`` or the file does not exist.
    """
    path_text, sep, name = spec.rpartition(":")
    if not sep or not path_text or not name:
        raise CandidateLoadError(
            f"candidate {Path(spec).name!r} is not of the form FILE.py:NAME; expected e.g. 'student.py:Adam'"
        )
    path = Path(path_text)
    if not path.is_file():
        raise CandidateLoadError(f"candidate file {path.name!r} does not exist; expected a Python file")
    return path, name


def source_of(obj: Any) -> tuple[Path, str] | None:
    """(file, name) of a class or function that :func:`load_candidate` imported from a student's file.

    Such an object can be imported again in a child process; others (defined
    in a notebook, a test, numopt itself; instances) cannot.
    """
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return None
    source = vars(obj).get(SOURCE_ATTRIBUTE)
    return None if source is None else (Path(source[0]), source[1])


def _import_file(path: Path, time_limit: float | None) -> Any:
    module_name = f"_numopt_candidate_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise CandidateLoadError(f"cannot import {path.name}; expected a Python source file (.py)")
    module = importlib.util.module_from_spec(spec)
    folder = path.parent.resolve()
    before = set(sys.modules)
    sys.path.insert(0, str(folder))
    sys.modules[module_name] = module  # as a normal import does: dataclasses and pickle look the module up
    try:
        with _quiet(time_limit):
            spec.loader.exec_module(module)
    except _TimeLimit:
        raise CandidateLoadError(
            f"importing {path.name} did not finish within {time_limit:g} s; expected a module that only "
            "defines things (is there an endless loop at module level?)"
        ) from None
    except (Exception, SystemExit) as err:
        raise CandidateLoadError(f"could not import {path.name}: {_describe_error(err, path)}") from None
    finally:
        sys.path.remove(str(folder))
        _forget_modules_from(folder, set(sys.modules) - before)
    return module


def _forget_modules_from(folder: Path, names: set[str]) -> None:
    """Drop the student's own modules (``student.py``, its ``helpers.py``) from ``sys.modules``.

    Otherwise the next student's ``import helpers`` in a batch would get this
    student's module. A module counts as the student's if its file lies beside
    ``student.py`` or in a package folder there named like the module; modules
    from elsewhere (NumPy's, the standard library's, a virtualenv's even if it
    sits in the same folder) stay imported.
    """
    for name in names:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file is None:
            continue
        where = Path(file).resolve()
        if where.parent == folder or where.is_relative_to(folder / name.partition(".")[0]):
            del sys.modules[name]


def _describe_error(err: BaseException, path: Path) -> str:
    """``SyntaxError: invalid syntax (line 12)``: the exception and the line in ``path``."""
    line = getattr(err, "lineno", None) if isinstance(err, SyntaxError) else None
    for frame in traceback.extract_tb(err.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    text = str(getattr(err, "msg", None) or err) if isinstance(err, SyntaxError) else str(err)
    return f"{type(err).__name__}: {text}" + (f" (line {line})" if line else "")


@contextlib.contextmanager
def _quiet(time_limit: float | None = None) -> Iterator[None]:
    """Run the candidate's code: swallow its prints and warnings, let NumPy divide by zero
    silently, and stop it with :class:`_TimeLimit` after ``time_limit`` seconds."""
    with (
        contextlib.redirect_stdout(_Discard()), contextlib.redirect_stderr(_Discard()), warnings.catch_warnings(),
        np.errstate(all="ignore"),
        _alarm(time_limit),
    ):
        warnings.simplefilter("ignore")
        yield


class _Discard(io.TextIOBase):
    """A text stream that drops what is written to it (a flood of prints costs no memory)."""

    def write(self, text: str) -> int:
        return len(text)


@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_TimeLimit` in the running code after ``seconds`` (POSIX, main thread only)."""
    if seconds is None or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _expire(signum: int, frame: Any) -> None:
    raise _TimeLimit


# ---------------------------------------------------------------------------- forms
def detect_form(obj: Any) -> str:
    """Which of :data:`FORMS` ``obj`` is.

    Raises
    ------
    CandidateLoadError
        If ``obj`` is none of them.
    """
    method = _method_of(obj)
    if method is not None:
        return _container(getattr(obj, method))
    if inspect.isfunction(obj) or inspect.ismethod(obj) or callable(obj):
        if course_signature(obj) is not None:
            return "course"
        try:
            params = inspect.signature(obj).parameters.values()
        except (TypeError, ValueError):
            params = ()
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        required = [p for p in positional if p.default is p.empty]
        if len(required) == 4:
            return "pure"
        if len(required) == 3 or (len(required) == 2 and len(positional) >= 3 and positional[2].default is None):
            return "cs231n"  # update(w, dw, config) or CS231n's own update(w, dw, config=None)
    raise CandidateLoadError(
        f"candidate {_label(obj)} has an unknown form; expected a class or instance with "
        "step(params, grads) or update(params, grads), a function update(w, dw, config) -> (next_w, config), "
        "a function update(param, grad, state, t) -> (new_param, new_state), or a course function such as "
        "update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t) (or give --signature)"
    )


def _positional(method: Any, obj: Any) -> list[inspect.Parameter] | None:
    """The positional parameters of ``obj``'s ``method`` without ``self``; None if it has no signature."""
    try:
        params = list(inspect.signature(method).parameters.values())
    except (TypeError, ValueError):
        return None
    if inspect.isclass(obj) and params and params[0].name == "self":
        params = params[1:]
    return [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]


def _method_of(obj: Any) -> str | None:
    """The method of a class or instance that takes one parameter container and its gradients.

    ``step`` or ``update`` with two arguments, unless its first argument is a
    whole network (``update(network, grads)``): then the method it delegates
    to, the one whose arguments are named as parameters and gradients
    (``update_params(params, grads)``), or a Keras-like method taking a layer
    and the gradients and returning the steps (``optimise_gradients(layer, gradients)``).
    """
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        return None
    for name in METHODS:
        method = getattr(obj, name, None)
        if not callable(method):
            continue
        params = _positional(method, obj)
        if params is None:
            return name
        required = [p for p in params if p.default is p.empty and p.kind != p.VAR_POSITIONAL]
        if any(p.kind == p.VAR_POSITIONAL for p in params):
            return name
        if len(required) == 2 and required[0].name.lower() not in HOLDERS:
            return name
    for name in sorted(n for n in dir(obj) if not n.startswith("__")):
        method = getattr(obj, name, None)
        params = _positional(method, obj) if callable(method) and not inspect.isclass(method) else None
        if params and len(params) >= 2 and len([p for p in params if p.default is p.empty]) == 2:
            roles = {role_of(params[0].name), role_of(params[1].name)}
            if roles == {"params", "grads"} or (params[0].name.lower() in HOLDERS and role_of(params[1].name) == "grads"
                                                and name not in METHODS):
                return name
    return None


_DICT_HINTS = (".keys()", ".items()", "params[key]", "params[k]", "params[name]", "grads[key]", "grads[k]")
_LIST_HINTS = ("zip(params", "enumerate(params", "for p in params", "params[i]", "range(len(params")


def _container(method: Any) -> str:
    """``"dict"``, ``"list"`` or ``"step"`` (one array): what the method's source does with ``params``."""
    try:
        source = inspect.getsource(method)
    except (OSError, TypeError):
        return "step"
    if any(hint in source for hint in _DICT_HINTS):
        return "dict"
    if any(hint in source for hint in _LIST_HINTS):
        return "list"
    return "step"


def _label(obj: Any) -> str:
    return getattr(obj, "__qualname__", None) or type(obj).__name__


def describe_candidate(obj: Any) -> str:
    """How reports name a candidate: ``student.py:NAME`` (the file name, no folders), or the object's name."""
    if isinstance(obj, str):
        path, sep, name = obj.rpartition(":")
        return f"{Path(path).name}{sep}{name}" if sep else Path(obj).name
    return _label(obj)


def _defaults(target: Callable, skip: int = 0) -> tuple[list[str], dict[str, Any], bool]:
    """(argument names, their defaults, whether it takes ``**kwargs``) of ``target`` after ``skip`` arguments."""
    try:
        params = list(inspect.signature(target).parameters.values())[skip:]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    defaults = {p.name: p.default for p in params if p.default is not p.empty}
    return names, defaults, any(p.kind == p.VAR_KEYWORD for p in params)


# ---------------------------------------------------------------------------- the adapter
class Candidate:
    """A candidate of any form, ready to be run on fresh state for each case.

    Parameters
    ----------
    obj : object or str
        The candidate, or ``"FILE.py:NAME"``.
    reference : Reference
        The algorithm it implements (:meth:`Reference.of`); names CS231n's
        ``config`` keys, the course states and the messages.
    hp : mapping
        The reference's hyperparameters, under numopt's names.
    explicit : collection of str, optional
        The names in ``hp`` that the instructor set.
    form : str, optional
        One of :data:`FORMS`, or ``"signature:SPEC"``; detected when omitted.
    label : str, optional
        How the report names the candidate (default: the spec or the object's name).
    time_limit : float, optional
        Seconds each call into the candidate's code may take (no limit when omitted).
    construct : bool, default True
        Build (or copy) the candidate once now, so that a broken constructor
        is reported up front; :meth:`construct` does it later.
    """

    def __init__(
        self,
        obj: Any,
        reference: Reference,
        hp: Mapping[str, Any],
        explicit: frozenset[str] | set[str] = frozenset(),
        form: str | None = None,
        label: str | None = None,
        time_limit: float | None = None,
        construct: bool = True,
    ) -> None:
        self.label = label or describe_candidate(obj)
        self.time_limit = time_limit
        self.notes: list[str] = []  # bindings, hyperparameters set on the reference only
        self.args = (dict(hp), frozenset(explicit), form, label, time_limit)
        self.overran = False  # set by a step that overran: the candidate is not called again
        obj = load_candidate(obj, time_limit)
        self.obj, self.reference = obj, reference
        self.signature: Signature | None = None
        if form is not None and form.startswith(SIGNATURE):
            try:
                self.signature = parse_signature(form[len(SIGNATURE):])
            except ValueError as err:
                raise CandidateLoadError(str(err)) from None
            form = "course"
        elif form is not None and form not in FORMS:
            raise ValueError(f"form={form!r} is not a candidate form; expected one of {', '.join(FORMS)}")
        self.form = form or detect_form(obj)
        if self.form == "course" and self.signature is None:
            self.signature = course_signature(obj)
            if self.signature is None:
                raise CandidateLoadError(f"{_label(obj)} is not a course function; expected one (or --signature)")
        self.method = (_method_of(obj) or "step") if self.form in OBJECT_FORMS else None
        self.what = WHAT[self.form].format(method=self.method or (self.signature and self.signature.describe()))
        binding = Binding(reference.name)
        hp = dict(hp)
        if self.form in OBJECT_FORMS:
            self.kwargs = self._keywords(obj, hp, binding) if inspect.isclass(obj) else {}
        elif self.form == "pure":
            self.kwargs = self._keywords(obj, hp, binding, skip=4)
        elif self.form == "course":
            self.kwargs = self._positional_hyperparameters(hp, binding)
        else:
            beta_name = CS231N_BETA.get(reference.key, "beta")
            self.kwargs = {
                (beta_name if name == "beta" else CS231N_NAMES.get(name, name)): value
                for name, value in hp.items()
            }
            binding.accepted = set(hp)
        self.accepted = binding.accepted
        self.notes += binding.notes()
        self._missing(hp, frozenset(explicit), inspect.isclass(obj) or self.form not in OBJECT_FORMS)
        self.steps_sign = 0.0  # a Keras-like method returns steps: +1 if they are subtracted, −1 if added
        self.gradient_first = False
        if self.form in OBJECT_FORMS and construct:
            self._fresh()  # build or copy once now, so that a broken constructor is reported up front
            self._probe()

    def _keywords(self, target: Callable, hp: dict, binding: Binding, skip: int = 0) -> dict[str, Any]:
        names, defaults, var_keyword = _defaults(target, skip)
        kwargs = keyword_arguments(names, defaults, hp, binding)
        if var_keyword:  # **kwargs: numopt's names for the hyperparameters no named argument took
            extra = {name: value for name, value in hp.items() if name not in binding.accepted}
            kwargs.update(extra)
            binding.accepted |= set(extra)
        return kwargs

    def _positional_hyperparameters(self, hp: dict, binding: Binding) -> dict[str, Any]:
        """The value of each hyperparameter argument of a course function: bound by role, or its default."""
        assert self.signature is not None
        names, defaults, _ = _defaults(self.obj)
        by_position = dict(zip([n for n, _ in self.signature.args], names, strict=False))
        values: dict[str, Any] = {}
        for name, role in self.signature.args:
            if role != "hp":
                continue
            ours = bind(name, hp)
            if ours is not None and ours not in binding.accepted:
                values[name] = hp[ours]
                binding.bound(name, ours, hp[ours])
            elif by_position.get(name) in defaults:
                values[name] = defaults[by_position[name]]
                binding.left.append((name, values[name]))
            else:
                raise CandidateLoadError(
                    f"{self.signature.describe()}: argument {name!r} takes none of {self.reference.name}'s "
                    f"hyperparameters ({', '.join(hp)}) and has no default; expected an argument of that "
                    "algorithm (or give --signature)"
                )
        return values

    def _missing(self, hp: dict, explicit: frozenset[str], can_take: bool) -> None:
        """Notes on what the reference uses that the candidate cannot accept."""
        if not can_take:
            return
        label = _label(self.obj)
        for name, value in hp.items():
            if name in self.accepted or name in self.reference.switches:
                continue
            if name in explicit:
                self.notes.append(f"{label} takes no argument for {name}, so {name}={value!r} was set on the "
                                  "reference only")
            elif name in NEUTRAL and value != NEUTRAL[name]:
                self.notes.append(f"the reference uses {name}={value!r}, which {label} cannot accept (it takes "
                                  f"no argument for {name}); expected an implementation with {name}")

    def with_hp(self, hp: Mapping[str, Any], reference: Reference) -> Candidate:
        """The same candidate built with other hyperparameters ``hp``, the reference's facts at them.

        Raises CandidateLoadError if its constructor refuses them.
        """
        _, _, form, label, time_limit = self.args
        return Candidate(self.obj, reference, hp, frozenset(), form or self.form, label, time_limit)

    def construct(self) -> None:
        """Build or copy the candidate once (object forms), raising CandidateLoadError if that fails."""
        if self.form in OBJECT_FORMS:
            self._fresh()
            self._probe()

    def arguments(self) -> str:
        """The constructor's keyword arguments as source, ``lr=0.01, beta1=0.9``."""
        return ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())

    def _probe(self) -> None:
        """Find out, by one call on a copy, whether the method takes the gradient first, or returns steps.

        Unless the first argument is named as the parameters, the call gets
        parameters near 10 and gradients near 1e-3, distinct arrays: the one
        the method changed, or the one it returned something close to, is
        the parameters. A method whose first argument is a layer
        (Keras-like) returns steps; they are subtracted if they have the
        sign of the gradient.
        """
        params = _positional(getattr(self.obj, self.method, None), self.obj) or []
        first = params[0].name.lower() if params else ""
        if role_of(first) == "params":
            return  # step(params, grads): nothing to find out (and the student's code runs in the cases only)
        a = 10.0 + np.linspace(0.1, 1.2, 12).reshape(3, 4)
        b = 1e-3 * np.linspace(1.0, 2.0, 12).reshape(3, 4)
        if first in HOLDERS:
            returned = self._call_probe(a, b)
            steps = returned if isinstance(returned, np.ndarray) else None
            if steps is not None and steps.shape == a.shape:
                self.steps_sign = 1.0 if float(np.sum(steps * b)) > 0 else -1.0
            return
        returned, (after_a, after_b) = self._call_probe(a, b, keep=True)
        moved_a, moved_b = not np.array_equal(after_a, a), not np.array_equal(after_b, b)
        if isinstance(returned, np.ndarray) and returned.shape == a.shape:
            self.gradient_first = bool(np.abs(returned - b).max() < np.abs(returned - a).max())
        elif moved_b and not moved_a:
            self.gradient_first = True

    def _call_probe(self, a: np.ndarray, b: np.ndarray, keep: bool = False) -> Any:
        session = Session(self)
        try:
            with _quiet(self.time_limit):
                first, second = session._wrap(a.copy()), session._wrap(b.copy())
                returned = session._invoke(first, second)
        except (Exception, SystemExit, _TimeLimit):  # the steps will say what is wrong
            returned, first, second = None, session._wrap(a), session._wrap(b)
        returned = session._unwrap(returned) if isinstance(returned, (list, dict)) else returned
        if keep:
            return returned, (session._unwrap(first), session._unwrap(second))
        return returned

    def _fresh(self) -> Any:
        if not inspect.isclass(self.obj):
            try:
                return copy.deepcopy(self.obj)
            except Exception as err:
                raise CandidateLoadError(
                    f"the instance {_label(self.obj)} cannot be copied ({type(err).__name__}: {err}); "
                    "expected a copyable object, or pass the class instead"
                ) from None
        args = self.arguments()
        try:
            with _quiet(self.time_limit):
                return self.obj(**self.kwargs)
        except _TimeLimit:
            raise CandidateLoadError(
                f"{_label(self.obj)}({args}) did not return within {self.time_limit:g} s; expected the "
                "constructor to store the hyperparameters (is there an endless loop?)"
            ) from None
        except Exception as err:
            raise CandidateLoadError(
                f"{_label(self.obj)}({args}) raised {type(err).__name__}: {err}; expected the constructor "
                "to accept these hyperparameters"
            ) from None

    def session(self) -> Session:
        """Fresh state for one case."""
        return Session(self)


class _Layer:
    """What a Keras-like ``optimise_gradients(layer, gradients)`` gets as the layer: the parameters, by name."""

    def __init__(self, params: list[np.ndarray]) -> None:
        self.params = self.weights = self.parameters = params
        self.name = "layer0"


class Session:
    """One run of a candidate from fresh state: ``step(theta, g, t) -> new theta``.

    Parameters
    ----------
    candidate : Candidate
        What to run.
    """

    def __init__(self, candidate: Candidate) -> None:
        self.candidate = candidate
        self.driver = candidate._fresh() if candidate.form in OBJECT_FORMS else None
        self.params: np.ndarray | None = None
        self.memory: Any = dict(candidate.kwargs) if candidate.form == "cs231n" else None
        self.layer: _Layer | None = None
        self.first_layer = 1  # Coursera's layers are numbered from 1, some students' from 0
        self.course_calls = 0

    def step(self, theta: np.ndarray, g: np.ndarray, t: int) -> np.ndarray:
        """Run step ``t`` from ``theta`` with gradient ``g``; return the new parameters (a copy).

        Raises
        ------
        CandidateError
            If the candidate raises, returns something unusable, writes into ``g``,
            or overruns its time limit (then, without calling it, at every later step).
        """
        form, grads, what = self.candidate.form, g.copy(), self.candidate.what
        if self.candidate.overran:
            raise CandidateError(f"not run: {what} overran its time limit in an earlier case")
        try:
            with _quiet(self.candidate.time_limit):
                if form in OBJECT_FORMS:
                    new = self._call_method(theta, grads)
                elif form == "course":
                    new = self._call_course(theta, grads, t)
                else:
                    args = (theta.copy(), grads, self.memory)
                    if form == "pure":
                        returned = self.candidate.obj(*args, t, **self.candidate.kwargs)
                    else:
                        returned = self.candidate.obj(*args)
                    new, self.memory = self._unpack(returned, what, t)
        except CandidateError:
            raise
        except _TimeLimit:
            self.candidate.overran = True
            raise CandidateError(
                f"{what} did not return within {self.candidate.time_limit:g} s at step {t}; expected a step "
                "on a few numbers to take microseconds (is there an endless loop?)",
                traceback.format_exc(),
            ) from None
        except NotImplementedError as err:
            raise CandidateError(
                f"{what} is not implemented yet: it raised NotImplementedError at step {t}"
                + (f" ({err})" if str(err) else ""),
                traceback.format_exc(),
            ) from None
        except (Exception, SystemExit) as err:
            raise CandidateError(
                f"{what} raised {type(err).__name__} at step {t}: {err}", traceback.format_exc()
            ) from None
        if not np.array_equal(grads, g, equal_nan=True):
            raise CandidateError(
                f"{what} modified the gradient it was given at step {t}; expected it to leave "
                "the gradient unchanged (write to a new array, e.g. g = g + ..., not g += ...)"
            )
        return self._checked(new, theta, what, t)

    # ---- object forms
    def _wrap(self, array: np.ndarray) -> Any:
        """``array`` in the container the method takes: itself, or two arrays as a network has them.

        A dict or a list gets the array's first two rows and the rest as two
        arrays (views), ``{"W": ..., "b": ...}`` or ``[W, b]``: a state shared
        between a network's arrays, or a t counted once per array, shows.
        """
        form = self.candidate.form
        return {"W": array[:2], "b": array[2:]} if form == "dict" else [array[:2], array[2:]] if form == "list" \
            else array

    @staticmethod
    def _unwrap(container: Any) -> Any:
        """The one array that :meth:`_wrap` wrapped (or that a container of one holds); else ``container``."""
        if isinstance(container, dict) and len(container) == 1:
            return next(iter(container.values()))
        if isinstance(container, list) and len(container) == 1:
            return container[0]
        if isinstance(container, dict) and container.keys() == {"W", "b"}:
            parts = [container["W"], container["b"]]
        elif isinstance(container, list) and len(container) == 2:
            parts = container
        else:
            return container
        try:
            return np.concatenate([np.asarray(p, dtype=float) for p in parts])
        except (TypeError, ValueError):  # not two arrays of a network: the step's checks say what it is
            return container

    def _invoke(self, params: Any, grads: Any) -> Any:
        """Call the method: params and grads in its order, or a layer and the gradients (Keras-like)."""
        method = getattr(self.driver, self.candidate.method)
        if self.candidate.steps_sign or _first_is_holder(method):
            if self.layer is None:
                self.layer = _Layer([self._unwrap(params)])
            self.layer.params[0] = self._unwrap(params)
            return method(self.layer, [self._unwrap(grads)])
        if self.candidate.gradient_first:
            return method(grads, params)
        return method(params, grads)

    def _call_method(self, theta: np.ndarray, grads: np.ndarray) -> Any:
        """``driver.step(params, grads)`` (or the method found) with params as an array, a dict or a list.

        The new parameters are what the method returned (ML-From-Scratch's
        ``update(w, grad) -> new_w``), else the container updated in place; a
        Keras-like method's returned steps are subtracted (or added, by the probe).
        """
        if self.candidate.form == "step":
            if self.params is None:
                self.params = theta.copy()  # one array for the whole run: state keyed by id() works
            self.params[...] = theta
            params: Any = self.params
        else:
            params = self._wrap(theta.copy())
        returned = _listed(self._invoke(params, self._wrap(grads)))
        if self.candidate.steps_sign:
            steps = np.asarray(self._unwrap(returned), dtype=float)
            return theta - self.candidate.steps_sign * steps
        if self.candidate.form == "step" and isinstance(returned, list):
            return returned  # one array's new values as a list of numbers
        if isinstance(returned, np.ndarray):
            return returned
        if isinstance(returned, (dict, list)) and isinstance(params, (dict, list)) and len(returned) == len(params):
            params = returned  # the new arrays, returned in the container they came in
        return self._unwrap(params)

    # ---- course functions
    def _layers(self, array: np.ndarray, prefix: str = "") -> dict[str, np.ndarray]:
        """Coursera's dicts: the array's first two rows as ``W{l}``, the rest as ``b{l}`` (``dW{l}``, ``db{l}``)."""
        n = self.first_layer
        return {f"{prefix}W{n}": array[:2].copy(), f"{prefix}b{n}": array[2:].copy()}

    def _assemble(self, layers: Mapping[str, Any], prefix: str = "") -> np.ndarray:
        n = self.first_layer
        return np.concatenate([np.asarray(layers[f"{prefix}W{n}"], dtype=float),
                               np.asarray(layers[f"{prefix}b{n}"], dtype=float)])

    def _initial_state(self, theta: np.ndarray) -> dict[str, Any]:
        """Zeros for every state argument, or what the module's ``initialize_adam(parameters)`` makes."""
        sig = self.candidate.signature
        assert sig is not None
        states = sig.states
        if not sig.layered:
            return {name: np.zeros_like(theta) for name in states}
        namespace = getattr(self.candidate.obj, "__globals__", {})
        made = next((namespace[n] for n in INITIALIZERS if callable(namespace.get(n))), None)
        if made is not None:
            result = made(self._layers(theta))
            result = result if isinstance(result, tuple) else (result,)
            if len(result) == len(states) and all(isinstance(r, dict) for r in result):
                return dict(zip(states, result, strict=True))
        return {name: self._layers(np.zeros_like(theta), "d") for name in states}

    def _call_course(self, theta: np.ndarray, grads: np.ndarray, t: int) -> Any:
        try:
            return self._course_once(theta, grads, t)
        except KeyError as err:  # a missing "W0": layers numbered from 0, so the first call is made again that way
            missing = str(err.args[0]) if err.args else ""
            if self.course_calls > 0 or self.first_layer == 0 or not missing.endswith("0"):
                raise
            self.first_layer, self.memory = 0, None
            return self._course_once(theta, grads, t)

    def _course_once(self, theta: np.ndarray, grads: np.ndarray, t: int) -> Any:
        sig = self.candidate.signature
        assert sig is not None
        if self.memory is None:
            self.memory = self._initial_state(theta)
        params: Any = self._layers(theta) if sig.layered else theta.copy()
        gradients: Any = self._layers(grads, "d") if sig.layered else grads
        values = {"params": params, "grads": gradients, "t": t}
        args = [self.candidate.kwargs[name] if role == "hp" else self.memory[name] if role == "state"
                else values[role] for name, role in sig.args]
        returned = self.candidate.obj(*args)
        self.course_calls += 1
        params_name = next(name for name, role in sig.args if role == "params")
        names = sig.returns or (params_name, *sig.states)
        if isinstance(returned, tuple):
            if len(returned) < len(names):
                raise CandidateError(f"{self.candidate.what} returned {len(returned)} values at step {t}; expected "
                                     f"{len(names)} ({', '.join(names)})")
            new = returned[0]  # more values are more to read (Coursera's 2021 Adam adds v_corrected, s_corrected)
            for name, value in zip(names[1:], returned[1:len(names)], strict=True):
                self.memory[name] = value
        else:
            new = params if returned is None else returned
        return self._assemble(new) if sig.layered and isinstance(new, Mapping) else new

    def _unpack(self, returned: Any, what: str, t: int) -> tuple[Any, Any]:
        if not (isinstance(returned, tuple) and len(returned) == 2):
            raise CandidateError(
                f"{what} returned {_kind(returned)} at step {t}; expected a pair "
                f"({'next_w, config' if self.candidate.form == 'cs231n' else 'new_param, new_state'})"
            )
        new, memory = returned
        if self.candidate.form == "cs231n" and not isinstance(memory, dict):
            raise CandidateError(
                f"{what} returned a config that is {_kind(memory)} at step {t}; expected a dict"
            )
        return new, memory

    @staticmethod
    def _checked(new: Any, theta: np.ndarray, what: str, t: int) -> np.ndarray:
        if new is None:
            raise CandidateError(
                f"{what} produced None as the new parameters at step {t}; expected an array of "
                f"shape {theta.shape}"
            )
        if _complex(new):
            raise CandidateError(
                f"{what} produced complex numbers as the new parameters at step {t}; expected real numbers "
                "(a complex value, from cmath or a negative number to a fractional power, has no place in the step)"
            )
        try:
            array = np.array(new, dtype=float)
        except (TypeError, ValueError):
            raise CandidateError(
                f"{what} produced {_kind(new)} as the new parameters at step {t}; expected an "
                f"array of shape {theta.shape}"
            ) from None
        if array.shape != theta.shape:
            raise CandidateError(
                f"{what} produced new parameters of shape {array.shape} at step {t}; expected "
                f"shape {theta.shape}, the shape of the parameters it was given"
            )
        return array

    def state(self, max_size: int | None = None) -> dict[str, Any]:
        """The candidate's state after the last step, by the names it uses (arrays and numbers only).

        A course function's states are named by position as the reference's
        (Coursera's and Holberton's ``v, s`` are Adam's ``m, v``).
        ``max_size`` leaves out arrays with more elements (a scratch buffer is not state to compare).
        """
        if self.candidate.form in OBJECT_FORMS:
            found = dict(vars(self.driver)) if hasattr(self.driver, "__dict__") else {}
            inner = getattr(self.driver, "state", None)
            if isinstance(inner, Mapping):
                found.update(inner)
        elif self.candidate.form == "course":
            found = self._course_state()
        elif isinstance(self.memory, Mapping):
            found = dict(self.memory)
        else:
            found = dict(vars(self.memory)) if hasattr(self.memory, "__dict__") else {}
        return {
            name: np.array(value, dtype=float)
            for name, value in found.items()
            if isinstance(name, str) and _is_numeric(value) and (max_size is None or np.size(value) <= max_size)
        }

    def _course_state(self) -> dict[str, Any]:
        sig = self.candidate.signature
        if sig is None or not isinstance(self.memory, Mapping):
            return {}
        ours = self.candidate.reference.state
        found = {}
        for i, name in enumerate(sig.states):
            value = self.memory.get(name)
            if sig.layered and isinstance(value, Mapping):
                try:
                    value = self._assemble(value, "d")
                except (KeyError, ValueError, TypeError):
                    continue
            found[ours[i] if len(ours) == len(sig.states) else name] = value
        return found


def _first_is_holder(method: Any) -> bool:
    try:
        params = list(inspect.signature(method).parameters)
    except (TypeError, ValueError):
        return False
    return bool(params) and params[0].lower() in HOLDERS


def _listed(returned: Any) -> Any:
    """What a step returned, with a generator of the new values read into a list (read once, now)."""
    return list(returned) if isinstance(returned, Iterator) else returned


def _complex(value: Any) -> bool:
    """Whether ``value`` holds complex numbers (``np.array(value, dtype=float)`` would drop their imaginary parts)."""
    try:
        return bool(np.iscomplexobj(value))
    except (TypeError, ValueError):  # ragged: refused as not an array afterwards
        return False


def _is_numeric(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fiu"
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    """``a list of 2 items``, ``None``, ``an ndarray of shape (3,)``: for messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an ndarray of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"
