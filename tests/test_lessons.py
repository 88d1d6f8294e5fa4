"""Every lesson and solutions notebook runs, is in sync with its pair and matches its committed output.

Also: every lesson exports to reveal.js slides, fits a lecture (prose budget), and
has a solutions notebook that answers each of its exercises with checks.
"""

import asyncio
import importlib.util
import re
import shutil
from html.parser import HTMLParser
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


@pytest.mark.parametrize(("failures", "error", "starts"), [
    (["Kernel didn't respond in 60 seconds"], None, 2),  # a kernel that lost the race for its ports: another
    (["Kernel didn't respond in 60 seconds"] * 2, "Kernel didn't respond", 2),  # twice: the error, not a loop
    (["Kernel died before replying to kernel_info"], "Kernel died", 1),  # anything else: at once
])
def test_a_kernel_that_does_not_answer_is_replaced_once(monkeypatch, failures, error, starts):
    started = []

    class Client:
        def __init__(self, nb, **options):
            started.append(options["startup_timeout"])

        def execute(self):
            if len(started) <= len(failures):
                raise RuntimeError(failures[len(started) - 1])

    monkeypatch.setattr(build, "NotebookClient", Client)
    if error is None:
        assert build.execute(LESSON_SOURCES[0]).cells
    else:
        with pytest.raises(RuntimeError, match=error):
            build.execute(LESSON_SOURCES[0])
    assert started == [build.STARTUP_TIMEOUT] * starts


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


class _Pages(HTMLParser):
    """Counts the reveal.js pages of an exported deck: <section>s one and two levels inside div.slides."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                      "wbr"})

    def __init__(self):
        super().__init__()
        self.stack, self.slides_at, self.slides, self.subslides = [], None, 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if tag == "div" and "slides" in (dict(attrs).get("class") or "").split():
            self.slides_at = len(self.stack)
        self.stack.append(tag)
        if tag == "section" and self.slides_at is not None:
            depth = self.stack[self.slides_at + 1:].count("section")
            self.slides += depth == 1
            self.subslides += depth == 2

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


@pytest.mark.parametrize("source", LESSON_SOURCES, ids=[p.stem for p in LESSON_SOURCES])
def test_lesson_exports_to_slides_with_its_pages(source):
    notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in notebook.cells]
    pages = _Pages()
    pages.feed(build.slides(source.with_suffix(".ipynb")))
    # each slide is a <section> holding one <section> for itself and one per sub-slide
    assert (pages.slides, pages.subslides) == (kinds.count("slide"), kinds.count("slide") + kinds.count("subslide"))
    assert pages.slides >= 3, f"{source.name}: the slide export has no slides"


_LOADED = re.compile(r"""(?:src=|href=|from\s+|^\s*)["'](https?://[^"']+)["']""", flags=re.M)
"""A URL the page fetches: a script's src, a stylesheet's href, an ES import, an entry of require's list."""


def test_the_readme_lists_every_url_an_exported_deck_loads():
    html = build.slides(LESSON_SOURCES[0].with_suffix(".ipynb"))
    readme = (LESSONS / "README.md").read_text(encoding="utf-8")
    listed = readme.split("<!-- slides-network")[1].split("<!-- /slides-network -->")[0]
    assert set(_LOADED.findall(html)) == set(re.findall(r"`(https?://[^`]+)`", listed))


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_lesson_runs_without_its_verification_cells(source):
    """The slides skip the verification cells, so no other cell may need a name only they define."""
    build.run_in_process(jupytext.read(source), source.parent, verification=False)


def _lab(nb: nbformat.NotebookNode, like: nbformat.NotebookNode | None = None) -> list:
    """The lab of a lesson: the cell with the solution region and the grader cell after it.

    With ``like``, the cells at the places where ``like`` has its lab (for a student version).
    """
    at = [i for i, c in enumerate((like or nb).cells) if c.cell_type == "code" and build.BEGIN_SOLUTION in c.source]
    return nb.cells[at[0]: at[0] + 2] if at else []


LABS = [p for p in LESSON_SOURCES if _lab(jupytext.read(p))]


def test_at_least_six_lessons_end_with_a_lab():
    assert len(LABS) >= 6, [p.name for p in LABS]


@pytest.mark.parametrize("source", LABS, ids=[p.stem for p in LABS])
def test_the_lab_grader_names_the_shipped_mistake(source):
    """Each lesson ships its lab with a common mistake, and the grader cell must name it."""
    imports = nbformat.v4.new_code_cell("import numpy as np\nfrom numopt.grading import grade")
    lab = nbformat.v4.new_notebook(cells=[imports, *_lab(jupytext.read(source))])
    printed = build.run_in_process(lab, source.parent)[-1]
    assert "fails" in printed and "your update matches" in printed, printed


def test_student_version_strips_the_lab_and_the_grader_reports_it_unimplemented():
    source = LESSONS / "04_adagrad.py"
    nb = jupytext.read(source)
    student = build.student_version(nb)
    lab_before, lab_after = _lab(nb)[0].source, _lab(student, like=nb)[0].source
    assert build.BEGIN_SOLUTION not in lab_after and "    raise NotImplementedError()" in lab_after
    assert lab_before.split(build.BEGIN_SOLUTION)[0] in lab_after  # the signature, docstring and TODO stay
    assert "np.sqrt(v + eps)" in lab_before and "np.sqrt(v + eps)" not in lab_after
    printed = build.run_in_process(student, source.parent)
    assert "is not implemented yet: it raised NotImplementedError" in printed[-1], printed[-1]


def test_student_version_refuses_an_unclosed_solution_region():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f():\n    # BEGIN SOLUTION\n    return 1")])
    with pytest.raises(ValueError, match="without '# END SOLUTION'"):
        build.student_version(nb)
