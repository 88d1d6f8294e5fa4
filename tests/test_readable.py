"""Every ``_update`` is its module's algorithm box, statement by statement.

The box is the first literal block of the module docstring (after the line
that ends in ``::``). Each of its lines must be the comment of one statement of
``_update`` (trailing, or on its own line just above the statement), in the
box's order, and every commented statement must be a box line. A line marked
``(switch)`` must sit in the body of an ``if`` that tests ``self.switch``, a line
marked ``(otherwise)`` in an ``else``, and any other marked line (``(AdamW)``)
under some ``if``; an unmarked line is a top-level statement of ``_update``.
The module may import from :mod:`numopt.base` only the base class and its
types, and must not write through ``out=``.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path

import pytest

import numopt
from numopt.box import box_lines, commented_statements, split_line
from numopt.hyperparameters import SWITCHES

MODULES = sorted({sys.modules[cls.__module__] for cls in numopt.OPTIMIZERS.values()}, key=lambda m: m.__name__)


def _classes(module) -> list[type]:
    """The classes of ``module`` that define their own ``_update``."""
    return [cls for cls in vars(module).values()
            if isinstance(cls, type) and cls.__module__ == module.__name__ and "_update" in vars(cls)]


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_update_is_the_box_line_by_line(module):
    box = box_lines(module)
    (cls,) = _classes(module)
    statements = commented_statements(cls)
    assert [c for c, _, _ in statements] == box, (
        f"{module.__name__}: the comments of _update's statements must be the box lines, in order"
    )
    for line, chain, stmt in statements:
        _, mark, _ = split_line(line)
        where = f"{module.__name__} line {stmt.lineno} of _update ({line})"
        if not mark:
            assert not chain, f"{where}: an unmarked box line must be a top-level statement"
            continue
        assert chain, f"{where}: a marked line must sit under an if"
        node, branch = chain[-1]
        if mark == "otherwise":
            assert branch == "orelse", f"{where}: an (otherwise) line must sit in an else"
        elif mark in SWITCHES:
            assert branch == "body" and f"self.{mark}" in ast.unparse(node.test), (
                f"{where}: must sit in the body of `if self.{mark}`"
            )


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_module_imports_only_the_base_class_and_its_types_and_writes_no_out(module):
    tree = ast.parse(Path(module.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "base":
            assert {a.name for a in node.names} <= {"Optimizer", "LearningRate", "Interval", "Params"}
        if isinstance(node, ast.keyword):
            assert node.arg != "out", f"{module.__name__}: out= in line {node.value.lineno}"
    for cls in _classes(module):
        args = ast.parse(inspect.getsource(cls._update).strip()).body[0].args
        assert not args.defaults and not args.kw_defaults, f"{cls.__name__}._update: state parameters with defaults"


def test_every_statement_of_update_that_computes_an_array_has_a_box_line():
    """A statement without a comment may only unpack hyperparameters or look up a variant's state."""
    for module in MODULES:
        for cls in _classes(module):
            source = inspect.getsource(cls._update)
            func = ast.parse(source.strip()).body[0]
            commented = {ast.unparse(s) for _, _, s in commented_statements(cls)}
            for stmt in ast.walk(func):
                if not isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Expr)) or ast.unparse(stmt) in commented:
                    continue
                text = ast.unparse(stmt)
                assert "self." in text or "_state[" in text or "state[" in text, (
                    f"{cls.__name__}._update: `{text}` computes something but carries no box line"
                )


def test_base_is_small_and_holds_no_mathematics():
    source = Path(numopt.base.__file__).read_text()
    assert len(source.splitlines()) < 300
    used = set(re.findall(r"\bnp\.(\w+)", source))
    assert used <= {"ndarray", "zeros", "ascontiguousarray"}, f"base.py uses np.{sorted(used)}"
