"""Build the lesson notebooks: execute each jupytext source and write the normalised ``.ipynb``.

Each lesson is written as a jupytext percent-format script ``lessons/NN_name.py`` (the
file to review and edit) and committed executed as ``lessons/NN_name.ipynb`` (the file
that reads well on GitHub). Never edit a ``.ipynb`` by hand; regenerate it::

    python lessons/build.py                 # every lesson
    python lessons/build.py 02_ewma_and_bias_correction
    python lessons/build.py --check         # are the .ipynb files in sync with the .py files?

Outputs are normalised so that a rerun gives the same file: no execution timestamps, no
``<... at 0x...>`` reprs, consecutive printed chunks merged, execution counts 1, 2, ...,
cell ids ``cell-00``, ``cell-01``, ... .
The test suite executes every source and compares its text output with the committed
notebook, with rounding-level numbers (``1.2e-15``: exponent -10 or below) masked, since
their last digits may differ between CPUs and NumPy builds while the claim they support
(an error at rounding level) does not.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

LESSONS = Path(__file__).resolve().parent
TIMEOUT = 60
_ADDRESS = re.compile(r"<[^<>]* at 0x[0-9a-fA-F]+>")
_ROUNDING_LEVEL = re.compile(r"[-+]?\d(?:\.\d+)?e-(?:1\d|[2-9]\d|\d{3})\b")


def sources() -> list[Path]:
    """The lesson sources ``NN_name.py``, in order."""
    return sorted(p for p in LESSONS.glob("[0-9][0-9]_*.py"))


def execute(source: Path) -> nbformat.NotebookNode:
    """Read a jupytext source, run it top to bottom in a fresh kernel and normalise it."""
    nb = jupytext.read(source)
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        nb, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(LESSONS)}},
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
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        kept = []
        for out in cell.outputs:
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
    args = parser.parse_args(argv)
    chosen = [p for p in sources() if not args.names or p.stem in args.names]
    unknown = set(args.names) - {p.stem for p in chosen}
    if unknown:
        print(f"build.py: error: unknown lesson(s) {sorted(unknown)}; expected one of "
              f"{[p.stem for p in sources()]}", file=sys.stderr)
        return 2
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
