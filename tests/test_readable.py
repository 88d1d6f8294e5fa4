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
        elif mark in cls.switches:
            assert branch == "body" and f"self.{mark}" in ast.unparse(node.test), (
                f"{where}: must sit in the body of `if self.{mark}`"
            )


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_module_imports_only_the_base_class_and_its_types_and_writes_no_out(module):
    tree = ast.parse(Path(module.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "base":
            assert {a.name for a in node.names} <= {"Optimizer", "LearningRate", "Interval", "Params", "inequalities"}
        if isinstance(node, ast.keyword):
            assert node.arg != "out", f"{module.__name__}: out= in line {node.value.lineno}"


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_update_names_its_state_once_and_only_variant_state_is_optional(module):
    """``_update(self, theta, g, t, lr, m, v, v_max=None)``: no ``**kwargs``, ``None`` only for ``kept_when`` state."""
    for cls in _classes(module):
        args = ast.parse(inspect.getsource(cls._update).strip()).body[0].args
        assert args.vararg is None and args.kwarg is None and not args.kwonlyargs, f"{cls.__name__}._update: *args"
        assert [a.arg for a in args.args] == ["self", "theta", "g", "t", "lr", *cls.state_names]
        optional = [a.arg for a in args.args[len(args.args) - len(args.defaults):]] if args.defaults else []
        assert sorted(optional) == sorted(cls.kept_when), f"{cls.__name__}: defaults {optional} vs kept_when"
        assert all(isinstance(d, ast.Constant) and d.value is None for d in args.defaults)
        for name, switch in cls.kept_when.items():
            assert switch.removeprefix("not ") in cls.switches, f"{cls.__name__}.kept_when[{name!r}] = {switch!r}"


def _reads_hyperparameters_only(stmt: ast.stmt, hyperparameters: set[str]) -> bool:
    """``beta1, eps = self.beta1, self.eps`` or ``low, high = self.s_bounds or (0.0, math.inf)``: nothing else."""
    if not isinstance(stmt, ast.Assign):
        return False
    names = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
    read = {n.attr for n in ast.walk(stmt.value) if isinstance(n, ast.Attribute) and ast.unparse(n.value) == "self"}
    return names <= {"self", "math"} and read <= hyperparameters


def test_every_statement_of_update_that_computes_an_array_has_a_box_line():
    """A statement without a comment may only read hyperparameters into local names."""
    for module in MODULES:
        for cls in _classes(module):
            source = inspect.getsource(cls._update)
            func = ast.parse(source.strip()).body[0]
            commented = {ast.unparse(s) for _, _, s in commented_statements(cls)}
            hyperparameters = set(cls().hyperparameters)
            for stmt in ast.walk(func):
                if not isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Expr)) or ast.unparse(stmt) in commented:
                    continue
                assert _reads_hyperparameters_only(stmt, hyperparameters), (
                    f"{cls.__name__}._update: `{ast.unparse(stmt)}` computes something but carries no box line"
                )


def _code_words(path: Path) -> set[str]:
    """Every attribute and word of a string constant in a module's code (docstrings, comments, locals left out)."""
    tree = ast.parse(path.read_text())
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    words = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words.update(re.findall(r"\w+", node.value))
    return words


def test_base_holds_no_mathematics_and_knows_no_algorithm():
    """What the old 300-line budget stood for: base.py is bookkeeping only.

    It computes nothing with NumPy but zeros and contiguous views, and its code
    names no algorithm, hyperparameter (but ``lr``) or state array: every such
    fact is on the algorithm's class.
    """
    path = Path(numopt.base.__file__)
    used = set(re.findall(r"\bnp\.(\w+)", path.read_text()))
    assert used <= {"ndarray", "zeros", "ascontiguousarray"}, f"base.py uses np.{sorted(used)}"
    facts = set()
    for key, cls in numopt.OPTIMIZERS.items():
        facts |= {key, cls.__name__, *cls().hyperparameters, *cls.state_names}
    assert not _code_words(path) & (facts - {"lr"}), "base.py names an algorithm's fact"


@pytest.mark.parametrize("key", sorted(numopt.OPTIMIZERS))
def test_every_hyperparameter_is_a_fact_of_its_class(key):
    """Each constructor argument is ``lr``, a switch, a bounds pair or has a range: none goes unchecked."""
    cls = numopt.OPTIMIZERS[key]
    for name in cls().hyperparameters:
        kinds = [name == "lr", name in cls.switches, name in cls.bounds, name in cls.ranges]
        assert kinds.count(True) == 1, f"{cls.__name__}: {name!r} is {kinds.count(True)} kinds of hyperparameter"
    assert set(cls.ranges) | set(cls.bounds) <= set(cls().hyperparameters), f"{cls.__name__}: a fact for no argument"
    assert set(cls.kept_when) <= set(cls.state_names) and set(cls.second_moments) <= set(cls.state_names)
    assert bool(cls.family) == bool(cls.corrections)
