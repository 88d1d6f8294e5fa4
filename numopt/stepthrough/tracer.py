"""Tracing one real step: :func:`explain` runs a copy's ``step`` and records what ``_update`` computed."""

from __future__ import annotations

import ast
import copy
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..base import Optimizer, Params
from ..box import BoxStatement, box_statements
from ..hyperparameters import learning_rate
from ..structure import check_params
from .record import Explanation, Line, Step

__all__ = ["explain"]

_SCALAR_CALLS = frozenset({"max", "min", "abs", "float"})


def explain(
    optimizer: Optimizer,
    params: Params,
    grads: Params | Callable[[Params], Params],
    *,
    steps: int = 1,
    advance: bool = False,
) -> Explanation:
    """Take ``steps`` steps of ``optimizer`` on copies and record every box line with its values.

    Parameters
    ----------
    optimizer : Optimizer
        A numopt optimizer, fresh or part-way through a run.
    params : ndarray, list/tuple of ndarray, or dict of ndarray
        As for :meth:`Optimizer.step`.
    grads : same structure as ``params``, or callable
        The gradient of every step, or a function ``grads(params)`` that is
        called with the (copied) params before each step. Handed to the
        copy's ``step`` as given (never written), so that it is read in its
        own memory layout, as by ``step``.
    steps : int, default 1
        How many steps to record.
    advance : bool, default False
        If true, once every step has succeeded, write the resulting params into
        ``params`` and the resulting ``t`` and state into ``optimizer`` (as if
        ``step`` had been called ``steps`` times: the same bits). Otherwise, or
        if a step raises, neither changes.

    Returns
    -------
    Explanation

    Raises
    ------
    TypeError, ValueError, FloatingPointError
        Whatever ``step`` raises for these params and grads; nothing is changed then.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer={optimizer!r} is not a numopt optimizer; expected e.g. numopt.Adam()")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps={steps!r} is not valid; expected a whole number >= 1")
    check_params(params, params, None, None)  # step's checks of the caller's params: [a, a] is refused here too
    statements = box_statements(type(optimizer))
    work = copy.deepcopy(optimizer)
    work.elementwise = False  # this copy only: whole arrays, so that every line records the whole array
    theta = _copy(params)
    record = Explanation(repr(optimizer), optimizer.key, dict(optimizer.hyperparameters))
    for _ in range(steps):
        g = grads(_copy(theta)) if callable(grads) else grads  # as given: a layout of its own gives step's bits
        calls = _traced_step(work, theta, g, statements)
        keys = work._structure.keys
        lines = [line for key, call in zip(keys, calls, strict=True) for line in _lines(call, key, work.t, statements)]
        record.steps.append(Step(
            work.t, learning_rate(work.lr, work.t), {key: call.inputs for key, call in zip(keys, calls, strict=True)},
            lines, _copy(theta), copy.deepcopy(work.state),
        ))
    if advance:
        _advance(optimizer, params, work, theta)
    return record


def _advance(optimizer: Optimizer, params: Params, work: Optimizer, theta: Params) -> None:
    """Leave ``optimizer`` and ``params`` as the real steps would have: all of it, or nothing.

    Runs only after every step on the copies succeeded, and nothing here can fail
    halfway: the params were checked like a step's (writeable, not sharing memory,
    the shapes and dtypes of ``theta``), and the optimizer takes over the copy's
    bookkeeping (``t``, structure, state, warnings given) as it is, without a check
    that could refuse what a step may leave. Its hyperparameters stay its own (the
    same values; a schedule stays the caller's object).
    """
    keep = set(optimizer.hyperparameters) | {"elementwise"}  # (the copy's elementwise switch is explain's own)
    bookkeeping = {name: value for name, value in vars(work).items() if name not in keep}
    for mine, result in zip(_arrays(params), _arrays(theta), strict=True):
        np.copyto(mine, result)
    vars(optimizer).update(bookkeeping)


@dataclass
class _Call:
    """What the trace saw in one call of ``_update``."""

    inputs: dict[str, Any]
    executed: dict[int, dict[str, Any]] = field(default_factory=dict)
    pending: int | None = None
    scalars: dict[str, Any] = field(default_factory=dict)


def _traced_step(work: Optimizer, theta: Params, g: Params, statements: list[BoxStatement]) -> list[_Call]:
    """Run ``work.step(theta, g)`` while recording, for each call of ``_update``, the values of its box lines."""
    owner = next(c for c in type(work).__mro__ if "_update" in vars(c))
    code = vars(owner)["_update"].__code__
    statement_at = {n: i for i, s in enumerate(statements) for n in range(s.first_line, s.last_line + 1)}
    calls: list[_Call] = []

    def finish(call: _Call, frame) -> None:
        names = _targets(statements[call.pending].node)
        values = {name: _snapshot(frame.f_locals[name]) for name in names if name in frame.f_locals}
        call.executed[call.pending] = {**values, **call.scalars}
        call.pending = None

    def local(frame, event, arg):
        call = calls[-1]
        here = statement_at.get(frame.f_lineno)
        if call.pending is not None and (event == "return" or (event == "line" and here != call.pending)):
            finish(call, frame)
        if event == "line" and here is not None and here not in call.executed and here != call.pending:
            call.pending = here
            call.scalars = _scalar_parts(statements[here].node, frame)
        return local

    def watch(frame, event, arg):
        if event == "call" and frame.f_code is code:
            calls.append(_Call(_inputs(frame.f_locals)))
            return local
        return None

    previous = sys.gettrace()
    sys.settrace(watch)
    try:
        work.step(theta, g)
    finally:
        sys.settrace(previous)
    return calls


def _inputs(local: Mapping[str, Any]) -> dict[str, Any]:
    """What ``_update`` received: theta, g and the state arrays it keeps (an optional one not kept is None), copied."""
    return {name: _snapshot(value) for name, value in local.items()
            if name not in ("self", "t", "lr") and value is not None}


def _lines(call: _Call, key: Any, t: int, statements: list[BoxStatement]) -> list[Line]:
    return [
        Line(s.box, s.code, call.executed.get(i, {}), i not in call.executed, t, key,
             tuple(n for n in _targets(s.node) if n in call.executed.get(i, {})), s.label, s.mark, s.formula)
        for i, s in enumerate(statements)
    ]


def _targets(stmt: ast.stmt) -> list[str]:
    """The names a statement assigns: ``x = ...``, ``x -= ...`` and ``x[...] = ...`` give ``x``; ``a, b = ...`` both."""
    targets = list(stmt.targets) if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    names = []
    while targets:
        target = targets.pop(0)
        if isinstance(target, ast.Tuple):  # a, b = ...
            targets[:0] = target.elts
            continue
        while isinstance(target, ast.Subscript):
            target = target.value
        if isinstance(target, ast.Name):
            names.append(target.id)
    return names


def _scalar_parts(stmt: ast.stmt, frame) -> dict[str, Any]:
    """The statement's largest sub-expressions built only from scalars, each evaluated from its own text."""
    scope = dict(frame.f_locals)
    found: dict[str, Any] = {}

    def scalar(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        if isinstance(node, ast.Name):
            value = scope.get(node.id)
            return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
        if isinstance(node, ast.BinOp):
            return scalar(node.left) and scalar(node.right)
        if isinstance(node, ast.UnaryOp):
            return scalar(node.operand)
        if isinstance(node, ast.Call):
            f = node.func
            known = (isinstance(f, ast.Name) and f.id in _SCALAR_CALLS) or (
                isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "math")
            return known and not node.keywords and all(scalar(a) for a in node.args)
        return False

    def visit(node: ast.AST) -> None:
        trivial = isinstance(node, (ast.Name, ast.Constant)) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.operand, (ast.Name, ast.Constant)))
        if isinstance(node, ast.expr) and not trivial and scalar(node):
            text = ast.unparse(node)
            found[text] = eval(text, frame.f_globals, scope)  # only scalars: no side effects
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(stmt.value)
    return found


def _snapshot(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _copy(params: Any) -> Any:
    """A copy of params (or grads) in the same structure; arrays keep their dtype and read-only flag."""
    if isinstance(params, np.ndarray):
        result = params.copy()
        result.flags.writeable = params.flags.writeable
        return result
    if isinstance(params, (list, tuple)):
        return type(params)(_copy(p) for p in params)
    if isinstance(params, Mapping):
        return {k: _copy(v) for k, v in params.items()}
    return copy.deepcopy(params)


def _arrays(params: Params) -> list[np.ndarray]:
    if isinstance(params, np.ndarray):
        return [params]
    return list(params.values() if isinstance(params, Mapping) else params)


