"""Every lesson and solutions notebook runs, is in sync with its pair and matches its committed output.

Also: every lesson exports to reveal.js slides, fits a lecture (prose budget), and
has a solutions notebook that answers each of its exercises with checks.
"""

import asyncio
import importlib.util
import re
import shutil
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
    assert len(LESSON_SOURCES) >= 8, [p.name for p in LESSON_SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_lesson_pair_in_sync(source):
    assert build.drift(source) == [], f"run python lessons/build.py {source.stem}"


def _save_in_jupyterlab(folder: Path, name: str) -> None:
    """Open ``name`` and save it through jupytext's contents manager, as JupyterLab does on Ctrl-S."""
    from jupytext.async_contentsmanager import AsyncTextFileContentsManager

    manager = AsyncTextFileContentsManager(root_dir=str(folder))

    async def open_and_save():
        model = await manager.get(name, content=True)
        await manager.save(model, name)

    asyncio.run(open_and_save())


@pytest.mark.parametrize("opened", [".ipynb", ".py"])
@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_a_save_in_jupyterlab_keeps_the_pair(source, opened, tmp_path):
    shutil.copy(build.PAIRING, tmp_path)
    for suffix in (".py", ".ipynb"):
        shutil.copy(source.with_suffix(suffix), tmp_path)
    copy = tmp_path / source.name
    _save_in_jupyterlab(tmp_path, source.stem + opened)
    assert copy.read_bytes() == source.read_bytes(), f"saving {source.stem}{opened} rewrote {source.name}"
    assert build.drift(copy) == []
    assert build.slides(copy.with_suffix(".ipynb")).count("<section") >= 3


def test_check_catches_a_header_and_lost_slide_metadata(tmp_path):
    source = LESSON_SOURCES[0]
    shutil.copy(source, tmp_path)
    copy = tmp_path / source.name
    nb = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    nbformat.write(nb, copy.with_suffix(".ipynb"))
    assert build.drift(copy) == []
    copy.write_text("# ---\n# jupyter:\n#   jupytext:\n#     formats: ipynb,py:percent\n# ---\n\n" + source.read_text())
    assert any("not what jupytext writes" in problem for problem in build.drift(copy))
    shutil.copy(source, tmp_path)
    for cell in nb.cells:
        cell.metadata.pop("slideshow")
    nbformat.write(nb, copy.with_suffix(".ipynb"))
    assert build.drift(copy) == [f"{copy.with_suffix('.ipynb').name} has lost or changed its slide metadata"]


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_lesson_runs_and_matches_committed_output(source):
    fresh = build.execute(source)
    committed = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    found = build.differences(committed, fresh)
    assert not found, f"{source.name} (rerun python lessons/build.py {source.stem}):\n" + "\n".join(found)


@pytest.mark.parametrize(("committed", "fresh", "agree"), [
    ("1.6e-16", "0.0e+00", True),   # rounding level on two CPUs: both mean "exact up to rounding"
    ("-3.3e-12", "0", True),
    ("0.1235", "0.1234", True),     # one unit in the last printed digit
    ("1.000e+03", "1.001e+03", True),
    ("0.0879", "0.0344", False),    # a chaotic run's loss: a different conclusion
    ("0.1235", "0.1233", False),
    ("2.5e-03", "2.7e-03", False),
    ("153", "154", False),          # counts are exact
    ("2e-09", "0", False),          # above rounding level
    ("0.9999", "1", True),          # %g prints 1.0 as "1"
    ("0.30000000000000004", "0.30000000000000010", True),  # printed in full: relative 1e-11
    ("0.3000000000001", "0.3000000000002", True),
    ("0.300000001", "0.300000003", False),
])
def test_printed_numbers_are_compared_to_their_printed_precision(committed, fresh, agree):
    assert build.numbers_agree(committed, fresh) is agree


def test_differences_ignore_figure_reprs_and_column_padding_but_not_words():
    def notebook(*texts):
        cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text=t)]) for t in texts]
        return nbformat.v4.new_notebook(cells=cells)

    committed = notebook("error 1.6e-16, loss [ 0.5  -2. ]\n<Figure size 640x480 with 1 Axes>\n", "best eta 0.1\n")
    assert build.differences(committed, notebook("error 0.0e+00, loss [0.5 -2. ]\n", "best eta 0.1\n")) == []
    assert build.differences(committed, notebook("error 0.0e+00, loss [0.5 -2. ]\n", "best eta 0.3\n")) == [
        "code cell 2: printed 0.3 where the committed notebook has 0.1"
    ]
    assert "printed 'worst" in build.differences(committed, notebook("error 0, loss [0.5 -2.]", "worst eta 0.1\n"))[0]


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
