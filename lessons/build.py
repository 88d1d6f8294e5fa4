"""Build the lesson notebooks: execute each jupytext source and write the normalised ``.ipynb``.

Each lesson is written as a jupytext percent-format script ``lessons/NN_name.py`` (the
file to review and edit) and committed executed as ``lessons/NN_name.ipynb`` (the file
that reads well on GitHub); its worked solutions are the pair
``lessons/solutions/NN_name_solutions.py`` / ``.ipynb``, built the same way. Never edit a
``.ipynb`` by hand; regenerate it::

    python lessons/build.py                 # every lesson and every solutions notebook
    python lessons/build.py 02_ewma_and_bias_correction 02_ewma_and_bias_correction_solutions
    python lessons/build.py --check         # are the .ipynb files in sync with the .py files?
    python lessons/build.py --slides DIR    # export every lesson to reveal.js slides in DIR
    python lessons/build.py --student DIR 04_adagrad   # a student version: labs stripped, no outputs

Slides: the build marks each cell for ``jupyter nbconvert --to slides``. A markdown cell
that opens with a ``#`` or ``##`` heading starts a slide, one with ``###`` a sub-slide
(below it), other markdown continues the slide it follows, a code cell is a fragment
(it appears on the next click), and a verification cell (a code cell whose first line is
``# Verification``) is left out of the slides and shown folded in JupyterLab.

Outputs are normalised so that a rerun gives the same file: no execution timestamps, no
``<... at 0x...>`` reprs, no live widgets (a lesson draws the static figure next to each
widget, so GitHub shows a picture), consecutive printed chunks merged, execution counts
1, 2, ..., cell ids ``cell-00``, ``cell-01``, ... .

Labs: a lesson's lab cell holds the part a student writes between ``# BEGIN SOLUTION`` and
``# END SOLUTION`` lines, the markers nbgrader and otter-grader both recognise. The build
marks that cell as an nbgrader solution cell; :func:`student_version` replaces each region
with nbgrader's stub (``raise NotImplementedError()``), and :func:`run_in_process` runs a
notebook's cells in this process (the tests' quick way to run a lesson without its
verification cells, or its student version).
The test suite executes every source and compares its text output with the committed
notebook, with rounding-level numbers (``1.2e-15``: exponent -10 or below) masked, since
their last digits may differ between CPUs and NumPy builds while the claim they support
(an error at rounding level) does not.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import os
import re
import sys
import time
import warnings
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

LESSONS = Path(__file__).resolve().parent
TIMEOUT = 60
_WIDGET = "application/vnd.jupyter.widget-view+json"
_ADDRESS = re.compile(r"<[^<>]* at 0x[0-9a-fA-F]+>")
_ROUNDING_LEVEL = re.compile(r"[-+]?\d(?:\.\d+)?e-(?:1\d|[2-9]\d|\d{3})\b")


SOLUTIONS = LESSONS / "solutions"
VERIFICATION = "# Verification"
"""The first line of a code cell that only checks the lesson's claims (folded, not on slides)."""
BEGIN_SOLUTION, END_SOLUTION = "# BEGIN SOLUTION", "# END SOLUTION"
"""The lines around what a student writes in a lab (nbgrader and otter-grader both strip them)."""
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
"""What replaces a solution region in the student version: nbgrader's default code stub."""


def sources() -> list[Path]:
    """The lesson sources ``NN_name.py``, in order."""
    return sorted(p for p in LESSONS.glob("[0-9][0-9]_*.py"))


def solution_sources() -> list[Path]:
    """The solutions sources ``solutions/NN_name_solutions.py``, in order."""
    return sorted(p for p in SOLUTIONS.glob("[0-9][0-9]_*_solutions.py"))


def all_sources() -> list[Path]:
    """Every notebook source the build executes: lessons, then solutions."""
    return sources() + solution_sources()


def execute(source: Path) -> nbformat.NotebookNode:
    """Read a jupytext source, run it top to bottom in a fresh kernel and normalise it."""
    nb = jupytext.read(source)
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        nb, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(source.parent)}},
    )
    client.execute()
    return normalise(nb)


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes from run to run: timings, memory addresses, kernel versions."""
    nb.metadata.pop("language_info", None)
    nb.metadata.pop("widgets", None)
    count = 0
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:02d}"
        cell.metadata.pop("execution", None)
        cell.metadata["slideshow"] = {"slide_type": "slide" if index == 0 else _slide_type(cell)}
        if cell.cell_type == "code" and cell.source.startswith(VERIFICATION):
            cell.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
        if cell.cell_type == "code" and BEGIN_SOLUTION in cell.source:
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": f"lab-{index:02d}", "locked": False,
                                         "schema_version": 3, "solution": True, "task": False}
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        kept = []
        for out in cell.outputs:
            if _WIDGET in out.get("data", {}):
                continue  # a live widget: its model ids change every run and GitHub cannot show it
            if out.output_type == "execute_result":
                out.execution_count = count
                if _ADDRESS.search(out.get("data", {}).get("text/plain", "")) and len(out.data) == 1:
                    continue
            if out.output_type == "stream" and kept and kept[-1].output_type == "stream" and kept[-1].name == out.name:
                kept[-1].text += out.text  # the kernel splits printed text into chunks at random points
                continue
            kept.append(out)
        cell.outputs = kept
    return nb


def _slide_type(cell: nbformat.NotebookNode) -> str:
    """Where ``cell`` goes in the reveal.js slides (see the module docstring)."""
    if cell.cell_type == "code":
        return "skip" if cell.source.startswith(VERIFICATION) else "fragment"
    heading = re.match(r"#+ ", cell.source)
    if heading is None:
        return "-"
    return "slide" if len(heading.group(0)) <= 3 else "subslide"


def slides(notebook: Path) -> str:
    """The reveal.js slides of a built notebook, as one HTML page."""
    from nbconvert import SlidesExporter

    body, _ = SlidesExporter().from_notebook_node(nbformat.read(notebook, as_version=4))
    return body


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with every solution region replaced by :data:`STUB`, indented like its marker.

    The rule of nbgrader's ``ClearSolutions`` (any line containing ``BEGIN SOLUTION`` up to the
    line containing ``END SOLUTION``); outputs are cleared, as a student receives them.
    """
    student = copy.deepcopy(nb)
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        lines, inside = [], False
        for line in cell.source.split("\n"):
            if BEGIN_SOLUTION in line:
                indent = line[: len(line) - len(line.lstrip())]
                lines += [indent + stub for stub in STUB]
                inside = True
            elif END_SOLUTION in line:
                inside = False
            elif not inside:
                lines.append(line)
        if inside:
            raise ValueError(f"a cell has {BEGIN_SOLUTION!r} without {END_SOLUTION!r}:\n{cell.source}")
        cell.source = "\n".join(lines)
    return student


def run_in_process(nb: nbformat.NotebookNode, folder: Path, verification: bool = True) -> list[str]:
    """Run the code cells of ``nb`` in this process, in a fresh namespace, from ``folder``; return what each printed.

    A quick stand-in for a kernel (no display of results, figures drawn with Agg and closed),
    for running variants of a lesson: ``verification=False`` leaves out the verification cells,
    as the slides do. An exception in a cell propagates, with the cell's number in its traceback.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespace: dict = {"__name__": "__main__"}
    printed = []
    here = os.getcwd()
    try:
        os.chdir(folder)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or (not verification and cell.source.startswith(VERIFICATION)):
                continue
            out = io.StringIO()
            with contextlib.redirect_stdout(out), warnings.catch_warnings():
                warnings.filterwarnings("ignore", "FigureCanvasAgg is non-interactive", UserWarning)
                exec(compile(cell.source, f"<{nb.metadata.get('name', 'notebook')} cell {index}>", "exec"), namespace)
            printed.append(out.getvalue())
            plt.close("all")
    finally:
        os.chdir(here)
    return printed


def text_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """The printed text of every code cell (streams and plain-text results), for comparisons.

    Numbers at rounding level (``3.2e-15``, exponent -10 or below) are replaced by
    ``<rounding>``.
    """
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for out in cell.outputs:
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data") and "image/png" not in out.data:
                parts.append(out.data.get("text/plain", ""))
            elif out.output_type == "error":
                parts.append(f"{out.ename}: {out.evalue}")
        texts.append(_ROUNDING_LEVEL.sub("<rounding>", "".join(parts)))
    return texts


def in_sync(source: Path) -> bool:
    """True if ``source``'s cells equal those of the committed ``.ipynb`` beside it."""
    target = source.with_suffix(".ipynb")
    if not target.exists():
        return False
    want = [(c.cell_type, c.source) for c in jupytext.read(source).cells]
    have = [(c.cell_type, c.source) for c in nbformat.read(target, as_version=4).cells]
    return want == have


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="lessons to build (default: all), e.g. 01_framework_and_sgd")
    parser.add_argument("--check", action="store_true", help="only check that every .ipynb matches its .py")
    parser.add_argument(
        "--slides", metavar="DIR", type=Path, help="export the built lessons to reveal.js slides in DIR"
    )
    parser.add_argument(
        "--student", metavar="DIR", type=Path,
        help="write student versions (solution regions replaced by raise NotImplementedError(), no outputs) to DIR",
    )
    args = parser.parse_args(argv)
    chosen = [p for p in all_sources() if not args.names or p.stem in args.names]
    unknown = set(args.names) - {p.stem for p in chosen}
    if unknown:
        print(f"build.py: error: unknown lesson(s) {sorted(unknown)}; expected one of "
              f"{[p.stem for p in all_sources()]}", file=sys.stderr)
        return 2
    if args.slides:
        args.slides.mkdir(parents=True, exist_ok=True)
        for source in chosen:
            if source.parent == LESSONS:
                target = args.slides / f"{source.stem}.slides.html"
                target.write_text(slides(source.with_suffix(".ipynb")), encoding="utf-8")
                print(f"{source.stem}: slides in {target}")
        return 0
    if args.student:
        args.student.mkdir(parents=True, exist_ok=True)
        for source in chosen:
            nb = jupytext.read(source)
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            target = args.student / source.with_suffix(".ipynb").name
            nbformat.write(student_version(normalise(nb)), target)
            print(f"{source.stem}: student version in {target}")
        return 0
    if args.check:
        stale = [p.name for p in chosen if not in_sync(p)]
        for name in stale:
            print(f"out of sync: {name} (run: python lessons/build.py {Path(name).stem})")
        return 1 if stale else 0
    for source in chosen:
        start = time.perf_counter()
        nb = execute(source)
        nbformat.write(nb, source.with_suffix(".ipynb"))
        print(f"{source.stem}: executed in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
