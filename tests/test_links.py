"""Every link a reader can follow resolves: relative links and #anchors in README.md, docs/, lessons/ and numopt/.

What is checked, and from where a link is resolved:

* Markdown links ``[text](path#anchor)`` in README.md, docs/*.md, lessons/README.md and the markdown
  cells of the lessons (lessons/*.py, jupytext's percent format) resolve relative to the file that
  holds them. That is how GitHub resolves them, and how JupyterLab does when its root is the
  repository (``jupyter lab`` in a clone; lessons/ then link ``../docs/sources.md#errata``).
* An anchor names a heading of the target by GitHub's rule (:func:`slug`: lower case, punctuation
  but ``-`` and ``_`` dropped, spaces to ``-``, ``-1``, ``-2`` ... for repeats); ``#anchor`` alone
  names a heading of the same file.
* Paths written as code (```docs/grading.md```, ```tests/test_readable.py```) in the Markdown files,
  and paths in numopt's docstrings and messages (``docs/sources.md``), are read from the repository
  root, where a reader of a clone is; a path followed by ``, "Title"`` (``docs/sources.md, "Errata"``)
  must have that heading.

Links to web pages are not fetched (no network in tests).
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN = sorted([ROOT / "README.md", ROOT / "lessons" / "README.md", *(ROOT / "docs").glob("*.md")])
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
PATH = re.compile(r"(?<![\w/.-])((?:README|docs/[\w.-]+|lessons/[\w./-]+|tests/[\w./-]+|numopt/[\w./-]+"
                  r"|figures/[\w.-]+)\.(?:md|py|ipynb|png|npz|json|csv))(#[\w-]+)?(?:, \"([^\"]+)\")?")
FILE_LINK = re.compile(r"^(?:[\w.-]+/)*[\w.-]+\.(?:md|py|ipynb|png)(?:#[\w-]+)?$|^#[\w-]+$")
"""What a link in a Python string must look like to be checked (``[x](**hp)`` in a docstring is code)."""


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but - and _ dropped, spaces to -."""
    text = heading.strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


def _without_code_blocks(text: str) -> str:
    """The text with fenced code blocks blanked (their lines kept, so line numbers still count)."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append("")
        else:
            out.append("" if fenced else line)
    return "\n".join(out)


def markdown_of_lesson(path: Path) -> str:
    """The markdown cells of a jupytext percent-format lesson, as Markdown."""
    cells, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# %%"):
            current = [] if "[markdown]" in line else None
            if current is not None:
                cells.append(current)
        elif current is not None:
            current.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return "\n\n".join("\n".join(cell) for cell in cells)


def text_of(path: Path) -> str:
    """What a reader sees of ``path``: Markdown, a lesson's markdown cells, or a notebook's markdown cells."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    if path.parent.name == "lessons" and path.suffix == ".py":
        return markdown_of_lesson(path)
    return path.read_text(encoding="utf-8")


def anchors(path: Path) -> set[str]:
    """GitHub's anchors of every heading of ``path`` (Markdown, or a notebook's markdown cells)."""
    seen: dict[str, int] = {}
    found = set()
    for line in _without_code_blocks(text_of(path)).splitlines():
        heading = re.match(r" {0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            base = slug(heading.group(1))
            found.add(base if base not in seen else f"{base}-{seen[base]}")
            seen[base] = seen.get(base, 0) + 1
    return found


def headings(path: Path) -> set[str]:
    """The text of every heading of ``path``."""
    return {m.group(1).strip() for m in re.finditer(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$",
                                                    _without_code_blocks(text_of(path)), re.M)}


def check_target(where: str, base: Path, target: str) -> str | None:
    """Why ``target`` (a relative link, resolved from ``base``) does not resolve, or None."""
    path_part, _, anchor = target.partition("#")
    resolved = (base / path_part).resolve() if path_part else None
    if resolved is not None and not resolved.exists():
        return f"{where}: {target} -> {resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else resolved} " \
               "does not exist"
    if anchor and resolved is not None and resolved.is_dir():
        return f"{where}: {target} anchors into a folder"
    if anchor and (resolved is None or resolved.suffix in (".md", ".ipynb")):
        heading_file = resolved or where_path(where)
        if anchor not in anchors(heading_file):
            return f"{where}: {target}: {heading_file.relative_to(ROOT)} has no heading whose anchor is #{anchor}"
    return None


def where_path(where: str) -> Path:
    return ROOT / where.split(":")[0]


def markdown_links(path: Path) -> list[tuple[str, str]]:
    """(where, target) of every relative link in the reader's text of ``path``."""
    found = []
    for number, line in enumerate(_without_code_blocks(text_of(path)).splitlines(), 1):
        for match in LINK.finditer(re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line)):
            target = match.group(1) or match.group(2)
            if not re.match(r"^[a-z][\w+.-]*:", target):  # http:, https:, mailto:
                found.append((f"{path.relative_to(ROOT)}:{number}", target))
    return found


@pytest.mark.parametrize("path", [*MARKDOWN, *LESSONS], ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_links_resolve(path):
    problems = [check_target(where, path.parent, target) for where, target in markdown_links(path)]
    assert [p for p in problems if p] == []


def code_paths(text: str) -> list[tuple[str, str | None, str | None]]:
    """(path, #anchor, "Title") of every repository path written in ``text``."""
    return [(m.group(1), m.group(2), m.group(3)) for m in PATH.finditer(text)]


def check_path(where: str, path: str, anchor: str | None, title: str | None) -> str | None:
    """Why a path read from the repository root does not resolve, or None."""
    problem = check_target(where, ROOT, path + (anchor or ""))
    if problem is None and title and (ROOT / path).suffix == ".md" and title not in headings(ROOT / path):
        problem = f"{where}: {path}, {title!r}: {path} has no heading {title!r}"
    return problem


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_paths_written_as_code_exist(path):
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for span in re.findall(r"`([^`]+)`", line):
            for found in code_paths(span):
                problems.append(check_path(f"{path.relative_to(ROOT)}:{number}", *found))
    assert [p for p in problems if p] == []


def python_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant of a module: docstrings, messages, help texts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


@pytest.mark.parametrize("path", sorted((ROOT / "numopt").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_docstrings_and_messages_name_existing_files_and_headings(path):
    problems = []
    for number, text in python_strings(path):
        for where_target in LINK.finditer(text):
            target = where_target.group(1) or where_target.group(2)
            if FILE_LINK.match(target):
                problems.append(check_target(f"{path.relative_to(ROOT)}:{number}", ROOT, target))
        for found in code_paths(text):
            problems.append(check_path(f"{path.relative_to(ROOT)}:{number}", *found))
    assert [p for p in problems if p] == []


# ---------------------------------------------------------------------------- the checker itself
@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        # GitHub's anchors of headings in this repository and of common forms, as GitHub renders them
        ("Sources and errata", "sources-and-errata"),
        ("The source documents, doc 000 … doc 004", "the-source-documents-doc-000--doc-004"),
        ("Set up and test", "set-up-and-test"),
        ("Ten lines: minimise a function with Adam", "ten-lines-minimise-a-function-with-adam"),
        ("numopt.explain and `numopt explain`", "numoptexplain-and-numopt-explain"),
        ("Errata", "errata"),
        ("β̂ and AdaX", "β̂-and-adax"),
    ],
)
def test_slug_follows_githubs_rule(heading, anchor):
    assert slug(heading) == anchor


def test_the_checker_finds_broken_links(tmp_path, monkeypatch):
    page = ROOT / "docs" / "sources.md"
    assert check_target("x", ROOT / "lessons", "../docs/sources.md#errata") is None
    assert check_target("x", ROOT / "lessons", "../docs/sources.md") is None
    assert "has no heading" in check_target("x", ROOT / "lessons", "../docs/sources.md#erratum")
    assert "does not exist" in check_target("x", ROOT / "lessons", "../docs/source.md#errata")
    assert "does not exist" in check_target("x", ROOT, "../docs/sources.md")  # from the root: outside it
    assert check_path("x", "docs/sources.md", None, "Errata") is None
    assert "no heading 'Erratas'" in check_path("x", "docs/sources.md", None, "Erratas")
    assert code_paths('see docs/sources.md, "Errata", and tests/test_links.py') == [
        ("docs/sources.md", None, "Errata"), ("tests/test_links.py", None, None)]
    assert "errata" in anchors(page)


def test_the_readme_is_a_front_page_that_links_every_reference():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250  # issue 26: read in five minutes
    linked = {target.partition("#")[0] for _, target in markdown_links(ROOT / "README.md")}
    assert {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")} <= linked
