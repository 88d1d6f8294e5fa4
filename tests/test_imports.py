"""The library never imports its command line, and no numopt module imports itself back.

``import numopt`` must leave ``argparse`` and every command module unloaded
(commands live with the CLI: ``numopt/cli.py``, ``race``, ``figures``,
``bench``, ``grading/cli``, ``stepthrough/command``). And the import graph of
``numopt/`` has no cycle, counting the imports inside functions too (a lazy
import that closes a loop is a cycle all the same); only imports under
``if TYPE_CHECKING:`` are left out, as they never run, and so is the implicit
import of a package's ``__init__`` by its modules (Python runs it first).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numopt

PACKAGE = Path(numopt.__file__).parent
COMMANDS = ("numopt.cli", "numopt.race", "numopt.figures", "numopt.bench", "numopt.grading.cli",
            "numopt.stepthrough.command")


def test_import_numopt_loads_no_command_line():
    """And ``numopt.schedules`` is there without importing it (its docstring's example)."""
    code = (
        "import sys, numopt; numopt.SGD(lr=numopt.schedules.InverseTime(0.1, decay=0.01)); "
        "print(sorted(m for m in sys.modules if m == 'argparse' or m.startswith('numopt')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "'argparse'" not in loaded, loaded
    for command in COMMANDS:
        assert f"'{command}'" not in loaded, f"import numopt imports {command}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            found |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return found


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The numopt modules ``path`` imports anywhere in it (``from . import x`` names module x if there is one)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    skip = _type_checking_only(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules) for p in paths}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_in_numopt_lazy_imports_included():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_check_finds_a_lazy_cycle():
    """The check itself: a lazy import back from b to a is reported."""
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
