"""The forms of an :class:`~numopt.stepthrough.record.Explanation`: text, Markdown, HTML and JSON."""

from __future__ import annotations

import html
import math
import unicodedata
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .record import Explanation, Line

__all__ = ["html_table", "json_ready", "markdown", "short", "text"]


def _title(step: Any, key: Any) -> str:
    where = "" if key is None else f", params[{key!r}]"
    return f"step t = {step.t}, η = {short(step.lr)}{where}"


def text(explanation: Explanation, width: int | None = None) -> str:
    """The tables as plain text, one per step and array; see :meth:`Explanation.to_text` for ``width``."""
    out = [*_wrapped(explanation.optimizer, width, "    "), ""]
    for step, key, inputs, lines in explanation.sections():
        out.append(_title(step, key))
        out += _wrapped("given  " + "   ".join(f"{k} = {short(v)}" for k, v in inputs.items()), width, "       ")
        rows = [("box line", "code", "values"), *((line.box, line.code, _values_text(line)) for line in lines)]
        widths = [max(_width(row[i]) for row in rows) for i in range(2)]
        table = [f"{_pad(r[0], widths[0])}  {_pad(r[1], widths[1])}  {r[2]}".rstrip() for r in rows]
        if width is None or max(map(_width, table)) <= width:
            out += table
        else:  # too wide for the terminal: the code and the values under each box line, indented
            for box, code, values in rows[1:]:
                out += _wrapped(box, width, "  ")
                out += _wrapped(code, width, "        ", first="    ")
                out += _wrapped(values, width, "        ", first="    ")
        out.append("")
    return "\n".join(out).rstrip("\n")


def _wrapped(line: str, width: int | None, indent: str, first: str = "") -> list[str]:
    """``first + line`` cut at spaces into pieces of at most ``width`` columns, each later one after ``indent``."""
    if width is None:
        return [first + line]
    pieces, current = [], first
    for word in line.split(" "):
        candidate = f"{current} {word}" if current.strip() else current + word
        if _width(candidate) > width and current.strip():
            pieces.append(current.rstrip())
            current = indent + word
        else:
            current = candidate
    return [*pieces, current.rstrip()]


def markdown(explanation: Explanation) -> str:
    """The tables in Markdown, the box line in LaTeX where it converts."""
    out = [f"`{explanation.optimizer}`", ""]
    for step, key, inputs, lines in explanation.sections():
        out.append(f"**{_md(_title(step, key))}**  ")
        out.append("given " + ", ".join(f"`{k} = {short(v)}`" for k, v in inputs.items()))
        out += ["", "| box line | code | values |", "|---|---|---|"]
        for line in lines:
            values = "*skipped*" if line.skipped else "<br>".join(
                f"`{k} = {short(v)}`" for k, v in line.values.items())
            out.append(f"| {_md(_box_markup(line))} | `{_md(line.code)}` | {values} |")
        out.append("")
    return "\n".join(out)


def html_table(explanation: Explanation) -> str:
    """The tables in HTML, skipped lines faded."""
    out = [f"<p><code>{html.escape(explanation.optimizer)}</code></p>"]
    for step, key, inputs, lines in explanation.sections():
        given = ", ".join(f"<code>{html.escape(f'{k} = {short(v)}')}</code>" for k, v in inputs.items())
        out.append(f"<p><b>{html.escape(_title(step, key))}</b><br>given {given}</p>")
        out.append("<table><thead><tr><th>box line</th><th>code</th><th>values</th></tr></thead><tbody>")
        for line in lines:
            values = "<i>skipped</i>" if line.skipped else "<br>".join(
                f"<code>{html.escape(f'{k} = {short(v)}')}</code>" for k, v in line.values.items())
            style = ' style="opacity:0.5"' if line.skipped else ""
            out.append(
                f'<tr{style}><td title="{html.escape(line.box)}">{html.escape(_box_markup(line))}</td>'
                f"<td><code>{html.escape(line.code)}</code></td><td>{values}</td></tr>"
            )
        out.append("</tbody></table>")
    return "\n".join(out)


def json_ready(explanation: Explanation) -> dict[str, Any]:
    """Everything recorded, JSON-ready: arrays as nested lists at full precision, NaN/inf as strings."""
    return {
        "optimizer": explanation.optimizer,
        "algorithm": explanation.algorithm,
        "hyperparameters": {k: _jsonable(v) for k, v in explanation.hyperparameters.items()},
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
            for step in explanation.steps
        ],
    }


# ---------------------------------------------------------------------- formatting
def short(value: Any) -> str:
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
    return "   ".join(f"{k} = {short(v)}" for k, v in line.values.items())


def _box_markup(line: Line) -> str:
    """The box line for markdown and HTML: label and mark as text, the formula as ``$LaTeX$`` (or unicode)."""
    latex = line.latex
    formula = f"${latex}$" if latex is not None else line.formula
    parts = [line.label, f"({line.mark})" if line.mark else "", formula]
    return " ".join(p for p in parts if p)


def _md(text: str) -> str:
    return text.replace("|", r"\|")


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


