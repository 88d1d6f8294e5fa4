"""Every lesson runs top to bottom, is in sync with its jupytext pair, and matches its committed output."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
_spec = importlib.util.spec_from_file_location("lesson_build", LESSONS / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SOURCES = build.sources()


def test_there_are_lessons():
    assert len(SOURCES) >= 8, [p.name for p in SOURCES]


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
