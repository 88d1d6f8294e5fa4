"""Reading an algorithm box and the ``_update`` statements that carry its lines.

Every algorithm module's docstring holds its algorithm box: the first literal
block, after the line that ends in ``::``. ``_update`` is that box statement by
statement: each box line is the comment of exactly one statement (trailing, or
on its own line just above a long statement), in the box's order. A box line
may start with a step label (the Funnel's ``1. scale``) and a mark in
parentheses: ``(switch)`` runs only in that variant, ``(otherwise)`` only
without it, any other mark (``(AdamW)``) under some condition.

This module reads both sides. ``tests/test_readable.py`` uses it to check that
they agree, and :mod:`numopt.stepthrough` uses it to show which box line a
statement computes. :func:`to_latex` writes a box formula in LaTeX.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import sys
import textwrap
import tokenize
from dataclasses import dataclass

__all__ = ["BoxStatement", "box_lines", "box_statements", "commented_statements", "split_line", "to_latex"]

STEP_LABEL = re.compile(r"^(\d+\.\s+\w+)\s+")
"""A step label at the start of a box line: the Funnel's ``1. scale``, ``2. gain``, ``3. step``."""

MARK = re.compile(r"^\(([^)]*)\)\s*")
"""A mark at the start of a box line (after any step label): ``(amsgrad)``, ``(otherwise)``."""


def _normal(text: str) -> str:
    return " ".join(text.split())


def box_lines(module) -> list[str]:
    """The lines of the first literal block of the module docstring, whitespace folded."""
    lines = module.__doc__.splitlines()
    start = next(i for i, line in enumerate(lines) if line.rstrip().endswith("::")) + 1
    box = []
    for line in lines[start:]:
        if line.strip() and not line.startswith(" "):
            break
        if line.strip():
            box.append(_normal(line))
    return box


def split_line(line: str) -> tuple[str, str, str]:
    """A box line as (step label, mark, formula); label and mark are ``""`` when absent.

    ``"1. scale (use_directions) c ← ⟨g, ν⟩"`` gives
    ``("1. scale", "use_directions", "c ← ⟨g, ν⟩")``.
    """
    label = STEP_LABEL.match(line)
    rest = line[label.end():] if label else line
    mark = MARK.match(rest)
    formula = rest[mark.end():] if mark else rest
    return (label.group(1) if label else "", mark.group(1) if mark else "", formula)


def _comments(source: str) -> dict[int, tuple[str, bool]]:
    """Line number -> (comment text, whether the comment stands alone on its line)."""
    found = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            alone = not tok.line[: tok.start[1]].strip()
            found[tok.start[0]] = (_normal(tok.string.lstrip("#")), alone)
    return found


def _update_source(cls: type) -> tuple[str, int]:
    """The dedented source of ``cls._update`` and the file line number of its ``def``."""
    lines, first = inspect.getsourcelines(cls._update)
    return textwrap.dedent("".join(lines)), first


def commented_statements(cls: type) -> list[tuple[str, list, ast.stmt]]:
    """(comment, chain of (if-node, branch) ancestors, statement) for every commented statement of ``_update``.

    Line numbers of the statements count from the ``def`` line of ``_update`` (1).
    """
    source, _ = _update_source(cls)
    func = ast.parse(source).body[0]
    comments = _comments(source)
    found = []

    def visit(body: list[ast.stmt], chain: list) -> None:
        for stmt in body:
            if isinstance(stmt, ast.If):
                visit(stmt.body, [*chain, (stmt, "body")])
                visit(stmt.orelse, [*chain, (stmt, "orelse")])
                continue
            trailing = [comments[n][0] for n in range(stmt.lineno, stmt.end_lineno + 1)
                        if n in comments and not comments[n][1]]
            above = comments.get(stmt.lineno - 1)
            if trailing:
                found.append((trailing[0], chain, stmt))
            elif above and above[1]:
                found.append((above[0], chain, stmt))

    visit(func.body, [])
    return found


@dataclass(frozen=True)
class BoxStatement:
    """One box line and the statement of ``_update`` that computes it.

    Attributes
    ----------
    box : str
        The box line, whitespace folded (label, mark and formula).
    label, mark, formula : str
        The parts of ``box`` (:func:`split_line`).
    code : str
        The statement's source, without its comment.
    node : ast.stmt
        The statement, line numbers counted from the ``def`` line of ``_update``.
    first_line, last_line : int
        The lines of the statement in its source file.
    """

    box: str
    label: str
    mark: str
    formula: str
    code: str
    node: ast.stmt
    first_line: int
    last_line: int


def box_statements(cls: type) -> list[BoxStatement]:
    """The box lines of ``cls``'s algorithm, in order, each with the statement of ``_update`` that computes it.

    The box is read from the module of the class that defines ``_update``
    (``AdamW`` uses ``Adam``'s). Raises ``ValueError`` if the comments of
    ``_update`` are not the box lines (``tests/test_readable.py`` checks that
    they are for every numopt algorithm).
    """
    owner = next(c for c in cls.__mro__ if "_update" in vars(c))
    module = sys.modules[owner.__module__]
    source, first = _update_source(owner)
    found = commented_statements(owner)
    try:
        box = box_lines(module)
    except (AttributeError, StopIteration):
        box = None
    if box != [comment for comment, _, _ in found]:
        raise ValueError(
            f"{owner.__name__}._update: the comments of its statements are not the algorithm box of "
            f"{module.__name__}; expected one box line per statement, in order"
        )
    return [
        BoxStatement(
            comment, *split_line(comment), _normal_code(ast.get_source_segment(source, stmt)), stmt,
            first + stmt.lineno - 1, first + stmt.end_lineno - 1,
        )
        for comment, _, stmt in found
    ]


def _normal_code(segment: str) -> str:
    """A statement's source on one line when it spans several (inside brackets)."""
    return _normal(segment) if "\n" in segment else segment


# ---------------------------------------------------------------------- LaTeX
_SYMBOLS = {
    "β": r"\beta", "η": r"\eta", "ε": r"\varepsilon", "λ": r"\lambda", "ρ": r"\rho", "μ": r"\mu",
    "γ": r"\gamma", "α": r"\alpha", "κ": r"\kappa", "ν": r"\nu", "θ": r"\theta", "Δ": r"\Delta", "φ": r"\phi",
    "τ": r"\tau", "←": r"\leftarrow", "−": "-",
    "·": r"\cdot", "⊙": r"\odot", "⟨": r"\langle ", "⟩": r"\rangle", "‖": r"\Vert ", "ḡ": r"\bar{g}",
    "∞": r"\infty", "≥": r"\ge", "≤": r"\le",
}
_SUPERSCRIPTS = {"ᵗ": "t", "⁺": "+", "¹": "1", "²": "2", "⁻": "-"}
_ACCENTS = {"\u0302": r"\hat", "\u0304": r"\bar"}
_WORDS = {"max": r"\max", "exp": r"\exp", "clip": r"\operatorname{clip}", "sign": r"\operatorname{sign}"}


def to_latex(formula: str) -> str | None:
    """The box formula in LaTeX (``m̂_t ← m_t / (1 − β1ᵗ)`` -> ``\\hat{m}_t \\leftarrow m_t / (1 - \\beta_1^{t})``).

    Greek letters, accents (m̂, m̄), superscripts (ᵗ, ²), square roots of a
    bracket or of one symbol, norms and inner products are converted; a
    parenthesised remark in words becomes ``\\text{...}``. Returns ``None`` if
    something is left that this converter does not know (a caller then shows
    the unicode line).
    """
    out, i = [], 0
    while i < len(formula):
        ch = formula[i]
        remark = re.match(r"\((?:[a-z]+ )+[a-z]+\)", formula[i:])
        number = re.match(r"1e-(\d+)", formula[i:])
        if remark:
            out.append(rf"\quad\text{{{remark.group(0)}}}")
            i += remark.end()
        elif number:
            out.append(rf"10^{{-{number.group(1)}}}")
            i += number.end()
        elif ch == "√" or (ch in "_^" and formula[i + 1:i + 2] in ("{", *"abcdefghijklmnopqrstuvwxyz0123456789")):
            argument, i = (_sqrt_argument if ch == "√" else _script)(formula, i + 1)
            inner = to_latex(argument)
            if inner is None:
                return None
            out.append(rf"\sqrt{{{inner}}}" if ch == "√" else f"{ch}{{{inner}}}")
        elif ch in _SUPERSCRIPTS:
            run = ""
            while i < len(formula) and formula[i] in _SUPERSCRIPTS:
                run += _SUPERSCRIPTS[formula[i]]
                i += 1
            out.append(f"^{{{run}}}")
        elif ch in _ACCENTS and out:
            out[-1] = f"{_ACCENTS[ch]}{{{out[-1]}}}"
            i += 1
        elif ch in _SYMBOLS:
            out.append(_SYMBOLS[ch] + (" " if ch.isalpha() else ""))
            i += 1
            digits = re.match(r"\d+", formula[i:])
            if ch.isalpha() and digits:  # β1 -> \beta_1
                out[-1] = f"{_SYMBOLS[ch]}_{{{digits.group(0)}}}"
                i += digits.end()
        elif ch.isascii():
            word = re.match(r"[A-Za-z]{2,}", formula[i:])
            if word:
                out.append(_WORDS.get(word.group(0), rf"\mathrm{{{word.group(0)}}}"))
                i += word.end()
            else:
                out.append(ch)
                i += 1
        else:
            return None
    return re.sub(r" +", " ", "".join(out)).strip()


def _sqrt_argument(text: str, i: int) -> tuple[str, int]:
    """The argument of a √ at ``text[i:]``: a bracketed group (without its brackets) or one symbol with decorations."""
    if text[i:i + 1] == "(":
        depth = 0
        for j in range(i, len(text)):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            if depth == 0:
                return text[i + 1:j], j + 1
    match = re.match(r"[^\s()+\-−/·]+", text[i:])
    return (match.group(0), i + match.end()) if match else ("", i)


def _script(text: str, i: int) -> tuple[str, int]:
    """A sub- or superscript at ``text[i:]``: a braced group, ``t``, ``max,t-1``, ``low``, or ``max(t−1, 1)``."""
    if text[i:i + 1] == "{":
        end = text.index("}", i)
        return text[i + 1:end], end + 1
    match = re.match(r"[A-Za-z]+\([^()]*\)|[A-Za-z0-9]+(?:,[A-Za-z0-9+\-]+)?", text[i:])
    return match.group(0), i + match.end()
