"""Every lesson and solutions notebook runs, is in sync with its pair and matches its committed output.

Also: every lesson exports to reveal.js slides, fits a lecture (prose budget), and
has a solutions notebook that answers each of its exercises with checks.
"""

import importlib.util
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
_spec = importlib.util.spec_from_file_location("lesson_build", LESSONS / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SOURCES = build.all_sources()
LESSON_SOURCES = build.sources()
PROSE_WORDS = 1500
"""A lesson's prose budget: about what a 50-minute lecture can say next to its code and figures."""


def test_there_are_lessons():
    assert len(LESSON_SOURCES) >= 12, [p.name for p in LESSON_SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_lesson_pair_in_sync(source):
    assert build.in_sync(source), f"{source.name} and its .ipynb differ: run python lessons/build.py {source.stem}"


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_lesson_runs_and_matches_committed_output(source):
    fresh = build.execute(source)
    committed = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    assert build.text_outputs(fresh) == build.text_outputs(committed), (
        f"{source.name}: output differs from the committed notebook; rerun python lessons/build.py {source.stem}"
    )


def _prose_words(source: Path) -> int:
    """Words of markdown outside $…$ maths."""
    cells = jupytext.read(source).cells
    text = " ".join(c.source for c in cells if c.cell_type == "markdown")
    return len(re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S).split())


def _exercises(source: Path) -> int:
    """How many numbered items the lesson's "## Exercises" section has."""
    cells = [c.source for c in jupytext.read(source).cells if c.cell_type == "markdown"]
    section = next((c for c in cells if c.startswith("## Exercises")), "")
    return len(re.findall(r"^\d+\. ", section, flags=re.M))


@pytest.mark.parametrize("source", LESSON_SOURCES, ids=[p.stem for p in LESSON_SOURCES])
def test_lesson_fits_a_lecture(source):
    words = _prose_words(source)
    assert words <= PROSE_WORDS, f"{source.name} has {words} words of prose; expected at most {PROSE_WORDS}"


@pytest.mark.parametrize("source", LESSON_SOURCES, ids=[p.stem for p in LESSON_SOURCES])
def test_every_exercise_has_a_checked_solution(source):
    solutions = build.SOLUTIONS / f"{source.stem}_solutions.py"
    assert solutions.exists(), f"{source.name} has no solutions notebook {solutions.name}"
    cells = jupytext.read(solutions).cells
    answered = [int(m) for c in cells if c.cell_type == "markdown" for m in re.findall(r"^## Exercise (\d+)", c.source)]
    assert answered == list(range(1, _exercises(source) + 1)), f"{solutions.name} answers exercises {answered}"
    assert any("assert " in c.source for c in cells if c.cell_type == "code"), f"{solutions.name} checks nothing"


@pytest.mark.parametrize("source", LESSON_SOURCES, ids=[p.stem for p in LESSON_SOURCES])
def test_lesson_exports_to_slides(source):
    html = build.slides(source.with_suffix(".ipynb"))
    assert "reveal" in html and html.count("<section") >= 3, f"{source.name}: the slide export has no slides"
