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

The test suite executes every source and compares its printed output with the committed
notebook (:func:`differences`): the words must be the same, and every number must agree to
the precision it is printed with (one unit in its last printed digit, and never closer than
a relative 1e-11), because the last bits of a computation differ between CPUs, SIMD kernels,
OpenBLAS core types and NumPy versions while the claim a printed number supports does not.
Values at rounding level (magnitude at most 1e-10, exact zeros included) count as equal to
each other, and a figure's ``<Figure size …>`` repr is ignored. CI runs the comparison twice,
the second time with another CPU's kernels (``.ci/run``).
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
import jupytext.config
import nbformat
from nbclient import NotebookClient

LESSONS = Path(__file__).resolve().parent
TIMEOUT = 60
STARTUP_TIMEOUT = 120
"""Seconds a kernel may take to answer after its start, twice nbclient's default: CI starts kernels while its
other runs load every core."""
_WIDGET = "application/vnd.jupyter.widget-view+json"
_ADDRESS = re.compile(r"<[^<>]* at 0x[0-9a-fA-F]+>")
_FIGURE = re.compile(r"<Figure size [^<>]*>\n?")
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
ROUNDING_LEVEL = 1e-10
"""Printed values at most this large in magnitude are rounding errors (or exact zeros) and agree with each other."""
RTOL = 1e-11
"""The closest two printed numbers are required to agree, relative to their size (numbers printed in full)."""


SOLUTIONS = LESSONS / "solutions"
PAIRING = LESSONS / "jupytext.toml"
"""How each .ipynb is paired with its .py: jupytext reads it, in JupyterLab and here."""
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


def pairing() -> dict[str, str]:
    """The ``jupytext`` notebook metadata that :data:`PAIRING` declares, as JupyterLab writes it on a save."""
    config = jupytext.config.load_jupytext_configuration_file(str(PAIRING))
    return {
        "cell_metadata_filter": config.cell_metadata_filter,
        "formats": ",".join(config.formats) if isinstance(config.formats, list) else config.formats,
        "notebook_metadata_filter": config.notebook_metadata_filter,
    }


def execute(source: Path) -> nbformat.NotebookNode:
    """Read a jupytext source, run it top to bottom in a fresh kernel and normalise it.

    A kernel that does not answer within :data:`STARTUP_TIMEOUT` is replaced once by
    another: kernels started at the same moment by parallel test workers can race for the
    same ports, and the loser never answers. Nothing of the notebook has run by then.
    """
    nb = jupytext.read(source)
    nb.metadata["jupytext"] = pairing()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for start in range(2):
        client = NotebookClient(
            nb, timeout=TIMEOUT, startup_timeout=STARTUP_TIMEOUT, kernel_name="python3", record_timing=False,
            resources={"metadata": {"path": str(source.parent)}},
        )
        try:
            client.execute()
        except RuntimeError as err:
            if start == 0 and str(err).startswith("Kernel didn't respond"):
                continue
            raise
        break
    return normalise(nb)


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes from run to run: timings, memory addresses, kernel versions."""
    nb.metadata.pop("language_info", None)
    nb.metadata.pop("widgets", None)
    count = 0
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:02d}"
        cell.metadata.pop("execution", None)
        cell.metadata["slideshow"] = {"slide_type": slide_type(index, cell)}
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


def slide_type(index: int, cell: nbformat.NotebookNode) -> str:
    """Where cell number ``index`` goes in the reveal.js slides (see the module docstring)."""
    if index == 0:
        return "slide"
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
    """The printed text of every code cell (streams and plain-text results), figure reprs left out."""
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
        texts.append(_FIGURE.sub("", "".join(parts)))
    return texts


def _last_digit(number: str) -> float:
    """One unit in the last printed digit of ``number`` (``"0.125"`` -> 0.001, ``"1.5e-03"`` -> 1e-4)."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def numbers_agree(committed: str, fresh: str) -> bool:
    """True if two printed numbers say the same thing: see the module docstring."""
    if committed == fresh:
        return True
    a, b = float(committed), float(fresh)
    if abs(a) <= ROUNDING_LEVEL and abs(b) <= ROUNDING_LEVEL:
        return True
    printed = [n for n in (committed, fresh) if any(c in n for c in ".eE")]
    if not printed:
        return False  # integers (counts, sizes, steps) must be equal
    tolerance = max(*map(_last_digit, printed), RTOL * max(abs(a), abs(b)))
    return abs(a - b) <= tolerance * (1 + 1e-9)


def differences(committed: nbformat.NotebookNode, fresh: nbformat.NotebookNode) -> list[str]:
    """What the fresh run printed that the committed notebook does not say, one line per code cell.

    The text between numbers must be equal up to runs of white space (NumPy pads columns to
    the widest entry); each number must agree with the committed one
    (:func:`numbers_agree`). Empty if the two say the same.
    """
    found = []
    old, new = text_outputs(committed), text_outputs(fresh)
    if len(old) != len(new):
        return [f"{len(new)} code cells ran, the committed notebook has {len(old)}"]
    for index, (want, got) in enumerate(zip(old, new, strict=True)):
        want_numbers, got_numbers = _NUMBER.findall(want), _NUMBER.findall(got)
        if [" ".join(w.split()) for w in _NUMBER.split(want)] != [" ".join(g.split()) for g in _NUMBER.split(got)]:
            found.append(f"code cell {index + 1}: printed {got!r}, the committed notebook has {want!r}")
            continue
        for w, g in zip(want_numbers, got_numbers, strict=True):
            if not numbers_agree(w, g):
                found.append(f"code cell {index + 1}: printed {g} where the committed notebook has {w}")
    return found


def drift(source: Path) -> list[str]:
    """How ``source`` and the committed ``.ipynb`` beside it have drifted apart (empty if they have not).

    The cells (type and text) must be equal; the ``.py`` must be exactly what jupytext writes
    from the ``.ipynb`` (a save in JupyterLab that added a header shows here); the notebook must
    carry the pairing of :data:`PAIRING` and every cell the slide type the build gives it.
    """
    target = source.with_suffix(".ipynb")
    if not target.exists():
        return [f"{target.name} is missing"]
    nb = nbformat.read(target, as_version=4)
    found = []
    want = [(c.cell_type, c.source) for c in jupytext.read(source).cells]
    if want != [(c.cell_type, c.source) for c in nb.cells]:
        found.append(f"the cells of {source.name} and {target.name} differ")
    if nb.metadata.get("jupytext") != pairing():
        found.append(f"{target.name} is not paired as {PAIRING.name} says: {nb.metadata.get('jupytext')}")
    elif jupytext.writes(nb, fmt="py:percent") != source.read_text(encoding="utf-8"):
        found.append(f"{source.name} is not what jupytext writes from {target.name} (a header or metadata added?)")
    slides = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in nb.cells]
    if slides != [slide_type(index, cell) for index, cell in enumerate(nb.cells)]:
        found.append(f"{target.name} has lost or changed its slide metadata")
    return found


def in_sync(source: Path) -> bool:
    """True if ``source`` and the committed ``.ipynb`` beside it have not drifted apart (:func:`drift`)."""
    return not drift(source)


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
        stale = 0
        for source in chosen:
            for problem in drift(source):
                stale += 1
                print(f"out of sync: {problem} (run: python lessons/build.py {source.stem})")
        return 1 if stale else 0
    for source in chosen:
        start = time.perf_counter()
        nb = execute(source)
        nbformat.write(nb, source.with_suffix(".ipynb"))
        print(f"{source.stem}: executed in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
