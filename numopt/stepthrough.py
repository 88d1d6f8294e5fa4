r"""Step through one update: every line of the algorithm box with the numbers it produced.

::

    explanation = numopt.explain(numopt.Adam(lr=0.1), np.array([1.0, 2.0]), np.array([0.1, -0.2]))
    explanation                        # in a notebook: a table, box line in LaTeX | code | values
    print(explanation)                 # the same table as text
    explanation.value_of("m_hat")      # array([ 0.1, -0.2])
    numopt explain adam --hp lr=0.1 --params 1,2 --grads 0.1,-0.2 --steps 3

How it works. :func:`explain` deep-copies the optimizer and the params and
calls the copy's own ``step`` on them, so the numbers come from the same
``_update`` code as a real step, not from a second copy of the mathematics.
While it runs, a trace function (``sys.settrace``) watches the frame of
``_update``: before each statement that carries a box line (found by
:mod:`numopt.box`) it evaluates the statement's scalar sub-expressions
(``1 - beta1 ** t``, ``1 - lr * weight_decay``: the parts built only from
hyperparameters, ``t`` and ``lr``, evaluated from the statement's own text),
and after it reads the variables the statement assigned (``m_hat``, or ``m``
for ``m[...] = ...``, whose state array is read after the write) and copies
them. What is shown is therefore: the assigned value of every executed box
line, and its scalar sub-expressions; intermediate *array* sub-expressions
(``lr * m_hat``) are not shown. Box lines of other variants are listed as
skipped. The caller's optimizer, its state and the params are not changed
unless ``advance=True``, which then copies the result back (the same bits).

Blocking. A real step hands a large array (more than ``BLOCK_SIZE`` elements)
to ``_update`` in blocks. The copy explained here is told to update whole
arrays instead (its ``elementwise`` attribute is set to ``False`` on the
copy only; nothing global is patched), so every line records the whole
array. Elementwise arithmetic gives the same bits however the array is cut,
and the tests check that ``explain`` and ``step`` agree bitwise.
"""

from __future__ import annotations

import argparse
import ast
import copy
import html
import json
import math
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .base import Optimizer, Params
from .box import BoxStatement, box_statements, to_latex
from .cli import CLIError
from .hyperparameters import learning_rate

__all__ = ["Difference", "Explanation", "Line", "Step", "explain", "register"]

_SCALAR_CALLS = frozenset({"max", "min", "abs", "float"})


@dataclass
class Line:
    """One box line in one step for one parameter array.

    Attributes
    ----------
    box : str
        The box line as written in the docstring (whitespace folded).
    code : str
        The statement of ``_update`` that computes it.
    values : dict
        Name -> value after the statement: the variables it assigned (arrays
        are copies) and its scalar sub-expressions (``"1 - beta1 ** t"``).
        Empty if skipped.
    skipped : bool
        True if this variant did not execute the line.
    t : int
        The step number.
    param : None, int or str
        Which parameter array: ``None`` for a single array, the index of a
        list or the key of a dict.
    assigned : tuple of str
        The names in ``values`` that the statement assigned (the rest are
        sub-expressions).
    label, mark, formula : str
        The parts of the box line (``"1. scale"``, ``"amsgrad"``, the formula).
    """

    box: str
    code: str
    values: dict[str, Any]
    skipped: bool
    t: int
    param: Any
    assigned: tuple[str, ...]
    label: str = ""
    mark: str = ""
    formula: str = ""

    @property
    def latex(self) -> str | None:
        """The formula in LaTeX, or ``None`` if it does not convert (show :attr:`box` then)."""
        return to_latex(self.formula)


@dataclass
class Step:
    """One step: its number, step size, inputs, box lines, and the params and state after it."""

    t: int
    lr: float
    inputs: dict[Any, dict[str, Any]]
    """Parameter key -> what ``_update`` received: ``theta``, ``g`` and the state arrays (copies)."""
    lines: list[Line]
    params: Params
    """The params after the step (a copy, in the caller's structure)."""
    state: Any
    """The optimizer's ``state`` after the step (a copy)."""


@dataclass(frozen=True)
class Difference:
    """The first place where a value differs from the reference: the line, the name and both values."""

    line: Line
    name: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        where = "" if self.line.param is None else f" (params[{self.line.param!r}])"
        return (
            f"step {self.line.t}{where}, box line {self.line.box!r}: {self.name} is {_format(self.actual)}, "
            f"expected {_format(self.expected)}"
        )


@dataclass(repr=False)
class Explanation:
    """What :func:`explain` recorded: the optimizer and one :class:`Step` per step taken."""

    optimizer: str
    algorithm: str
    hyperparameters: dict[str, Any]
    steps: list[Step] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Explanation of {self.optimizer}: steps t = {', '.join(str(s.t) for s in self.steps)}>"

    @property
    def lines(self) -> list[Line]:
        """Every line of every step, in order (skipped lines included)."""
        return [line for step in self.steps for line in step.lines]

    def value_of(self, name: str, t: int | None = None, param: Any = None) -> Any:
        """The value of ``name`` after the last line that recorded it (in step ``t``, if given).

        ``name`` is a variable (``"m_hat"``, ``"theta"``) or a sub-expression
        (``"1 - beta1 ** t"``); ``param`` picks the array of a list or dict.

        Raises
        ------
        KeyError
            If no executed line recorded ``name``.
        """
        for line in reversed(self.lines):
            if name in line.values and line.param == param and (t is None or line.t == t):
                return line.values[name]
        raise KeyError(f"{name!r} is not recorded by any executed line{'' if t is None else f' of step {t}'}")

    def first_difference(
        self, other: Explanation | Mapping[str, Any], *, rtol: float = 0.0, atol: float = 0.0, param: Any = None,
    ) -> Difference | None:
        """The first line whose value differs from ``other``; ``None`` if all agree.

        ``other`` is another explanation (lines compared in order, name by
        name) or a candidate's values after the last step, name -> array
        (``{"m": ..., "v": ..., "theta": ...}``): each name is compared with
        its final value here, and the difference reported is the one whose
        line comes first in the box. Values agree if ``numpy.isclose`` with
        ``rtol`` and ``atol`` holds everywhere (NaN equals NaN); the defaults
        ask for equal values.
        """
        if isinstance(other, Explanation):
            for ours, theirs in zip(self.lines, other.lines, strict=False):
                for name in ours.values.keys() & theirs.values.keys():
                    if not _close(theirs.values[name], ours.values[name], rtol, atol):
                        return Difference(ours, name, ours.values[name], theirs.values[name])
            return None
        lines = [line for line in self.steps[-1].lines if line.param == param]
        for line in lines:
            for name in line.assigned:
                last = max(i for i, x in enumerate(lines) if name in x.assigned)
                if name in other and line is lines[last] and not _close(other[name], line.values[name], rtol, atol):
                    return Difference(line, name, line.values[name], np.asarray(other[name]))
        return None

    # ------------------------------------------------------------------ rendering
    def _sections(self):
        for step in self.steps:
            for key, inputs in step.inputs.items():
                yield step, key, inputs, [line for line in step.lines if line.param == key]

    def _title(self, step: Step, key: Any) -> str:
        where = "" if key is None else f", params[{key!r}]"
        return f"step t = {step.t}, η = {_format(step.lr)}{where}"

    def to_text(self) -> str:
        """The tables as plain text (box line in unicode, code, values), one per step and array."""
        out = [self.optimizer, ""]
        for step, key, inputs, lines in self._sections():
            rows = [("box line", "code", "values")]
            rows += [(line.box, line.code, _values_text(line)) for line in lines]
            widths = [max(_width(row[i]) for row in rows) for i in range(2)]
            out.append(self._title(step, key))
            out.append("given  " + "   ".join(f"{k} = {_format(v)}" for k, v in inputs.items()))
            out += [f"{_pad(r[0], widths[0])}  {_pad(r[1], widths[1])}  {r[2]}".rstrip() for r in rows]
            out.append("")
        return "\n".join(out).rstrip("\n")

    __str__ = to_text

    def _repr_markdown_(self) -> str:
        out = [f"`{self.optimizer}`", ""]
        for step, key, inputs, lines in self._sections():
            out.append(f"**{_md(self._title(step, key))}**  ")
            out.append("given " + ", ".join(f"`{k} = {_format(v)}`" for k, v in inputs.items()))
            out += ["", "| box line | code | values |", "|---|---|---|"]
            for line in lines:
                values = "*skipped*" if line.skipped else "<br>".join(
                    f"`{k} = {_format(v)}`" for k, v in line.values.items())
                out.append(f"| {_md(_box_markup(line))} | `{_md(line.code)}` | {values} |")
            out.append("")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        out = [f"<p><code>{html.escape(self.optimizer)}</code></p>"]
        for step, key, inputs, lines in self._sections():
            given = ", ".join(f"<code>{html.escape(f'{k} = {_format(v)}')}</code>" for k, v in inputs.items())
            out.append(f"<p><b>{html.escape(self._title(step, key))}</b><br>given {given}</p>")
            out.append("<table><thead><tr><th>box line</th><th>code</th><th>values</th></tr></thead><tbody>")
            for line in lines:
                values = "<i>skipped</i>" if line.skipped else "<br>".join(
                    f"<code>{html.escape(f'{k} = {_format(v)}')}</code>" for k, v in line.values.items())
                style = ' style="opacity:0.5"' if line.skipped else ""
                out.append(
                    f'<tr{style}><td title="{html.escape(line.box)}">{html.escape(_box_markup(line))}</td>'
                    f"<td><code>{html.escape(line.code)}</code></td><td>{values}</td></tr>"
                )
            out.append("</tbody></table>")
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        """Everything recorded, JSON-ready: arrays as nested lists at full precision, NaN/inf as strings."""
        return {
            "optimizer": self.optimizer,
            "algorithm": self.algorithm,
            "hyperparameters": {k: _jsonable(v) for k, v in self.hyperparameters.items()},
            "steps": [
                {
                    "t": step.t,
                    "lr": step.lr,
                    "inputs": [{"param": key, **{k: _jsonable(v) for k, v in inputs.items()}}
                               for key, inputs in step.inputs.items()],
                    "lines": [
                        {"param": line.param, "box": line.box, "latex": line.latex, "code": line.code,
                         "skipped": line.skipped, "assigned": list(line.assigned),
                         "values": {k: _jsonable(v) for k, v in line.values.items()}}
                        for line in step.lines
                    ],
                }
                for step in self.steps
            ],
        }


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
        called with the (copied) params before each step.
    steps : int, default 1
        How many steps to record.
    advance : bool, default False
        If true, afterwards write the resulting params into ``params`` and the
        resulting ``t`` and state into ``optimizer`` (as if ``step`` had been
        called ``steps`` times). Otherwise neither changes.

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
    statements = box_statements(type(optimizer))
    work = copy.deepcopy(optimizer)
    work.elementwise = False  # this copy only: whole arrays, so that every line records the whole array
    theta = _copy(params)
    record = Explanation(repr(optimizer), optimizer.key, dict(optimizer.hyperparameters))
    for _ in range(steps):
        g = _copy(grads(_copy(theta)) if callable(grads) else grads)
        calls = _traced_step(work, theta, g, statements)
        keys = work._structure.keys
        lines = [line for key, call in zip(keys, calls, strict=True) for line in _lines(call, key, work.t, statements)]
        record.steps.append(Step(
            work.t, learning_rate(work.lr, work.t), {key: call.inputs for key, call in zip(keys, calls, strict=True)},
            lines, _copy(theta), copy.deepcopy(work.state),
        ))
    if advance:
        for mine, result in zip(_arrays(params), _arrays(theta), strict=True):
            np.copyto(mine, result)
        optimizer.load_state_dict(work.state_dict())
    return record


# ---------------------------------------------------------------------- tracing
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


# ---------------------------------------------------------------------- formatting
def _format(value: Any) -> str:
    """A value in a few characters: 6 significant digits, long arrays elided."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        text = np.array2string(value, separator=", ", threshold=8, edgeitems=3, max_line_width=10**6,
                               formatter={"float_kind": _number, "int_kind": str})
        return " ".join(text.split())
    if isinstance(value, (np.ndarray, np.generic)):
        value = value.item()
    if isinstance(value, float):
        return _number(value)
    return repr(value)


def _number(x: float) -> str:
    return f"{x:.6g}"


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: combining accents (m̂) take none."""
    return sum(not unicodedata.combining(ch) for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _values_text(line: Line) -> str:
    if line.skipped:
        return "skipped"
    return "   ".join(f"{k} = {_format(v)}" for k, v in line.values.items())


def _box_markup(line: Line) -> str:
    """The box line for markdown and HTML: label and mark as text, the formula as ``$LaTeX$`` (or unicode)."""
    latex = line.latex
    formula = f"${latex}$" if latex is not None else line.formula
    parts = [line.label, f"({line.mark})" if line.mark else "", formula]
    return " ".join(p for p in parts if p)


def _md(text: str) -> str:
    return text.replace("|", r"\|")


def _close(actual: Any, expected: Any, rtol: float, atol: float) -> bool:
    a, b = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    return a.shape == b.shape and bool(np.all(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return {"dtype": str(value.dtype), "shape": list(value.shape), "value": _jsonable(value.tolist())}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if callable(value):
        return repr(value)
    return value


# ---------------------------------------------------------------------- numopt explain
def _floats(option: str, text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",")]
    except ValueError:
        values = []
    if not values or not all(math.isfinite(v) for v in values):
        raise CLIError(f"{option} {text!r} is not valid; expected comma-separated finite numbers, e.g. 0.1,-0.2")
    return values


def _run_explain(args: argparse.Namespace) -> int:
    from . import OPTIMIZERS
    from .grading.cli import parse_hyperparameters

    if args.algorithm not in OPTIMIZERS:
        raise CLIError(f"algorithm {args.algorithm!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    cls = OPTIMIZERS[args.algorithm]
    hp = parse_hyperparameters(",".join(args.hp))
    unknown = sorted(set(hp) - set(cls().hyperparameters))
    if unknown:
        raise CLIError(f"--hp {unknown[0]} is not a hyperparameter of {args.algorithm}; "
                       f"expected one of {', '.join(cls().hyperparameters)}")
    try:
        optimizer = cls(**hp)
    except (TypeError, ValueError) as err:
        raise CLIError(f"--hp {err}") from None
    if args.steps < 1:
        raise CLIError(f"--steps {args.steps} is not valid; expected a whole number >= 1")
    grads = np.array(_floats("--grads", args.grads), dtype=args.dtype)
    params = np.ones_like(grads) if args.params is None else np.array(_floats("--params", args.params), args.dtype)
    if params.shape != grads.shape:
        raise CLIError(f"--params {args.params!r} has {params.size} values and --grads {args.grads!r} has "
                       f"{grads.size}; expected the same number")
    try:
        with np.errstate(all="raise", under="ignore"):
            explanation = explain(optimizer, params, grads, steps=args.steps)
    except (TypeError, ValueError, FloatingPointError) as err:
        raise CLIError(str(err)) from None
    if args.json:
        print(json.dumps(explanation.to_json(), indent=2, ensure_ascii=False))
    else:
        print(explanation.to_text())
    return 0


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``numopt explain``."""
    p = subparsers.add_parser(
        "explain",
        help="step through updates: every box line, its code and the numbers it produced",
        description=(
            "Take one or more steps of an optimizer with a fixed gradient and print, for every line of "
            "its algorithm box, the code that computes it and the values it produced (lines of other "
            "variants are marked skipped). The steps are numopt's own step(), traced."
        ),
    )
    p.add_argument("algorithm", metavar="ALGORITHM", help="numopt registry key, e.g. adam")
    p.add_argument("--hp", action="append", default=[], metavar="NAME=VALUE,...",
                   help="hyperparameters, e.g. lr=0.1,amsgrad=true (may be repeated)")
    p.add_argument("--grads", required=True, metavar="G1,G2,...", help="the gradient of every step, e.g. 0.1,-0.2")
    p.add_argument("--params", metavar="X1,X2,...", help="the starting parameters (default: ones)")
    p.add_argument("--steps", type=_whole, default=1, help="how many steps to show (default 1)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64", help="default float64")
    p.add_argument("--json", action="store_true", help="print everything recorded as JSON")
    p.set_defaults(func=_run_explain)
