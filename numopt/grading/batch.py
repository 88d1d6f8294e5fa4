r"""Grade a folder of submissions: ``numopt grade SUBMISSIONS --algorithm KEY --out RESULTS``.

``SUBMISSIONS`` holds one entry per student: a ``.py`` file (the student is
the file name without ``.py``) or a folder (the student is the folder's name)
with the student's ``.py`` file in it; with several, the one given by
``--file``, else the one named ``student.py``, ``optim.py``, ``submission.py``
or like the algorithm. The class or function graded is ``--name``, or the
first of numopt's class name, the key and the names courses give it
(``Adam``, ``adam``, Coursera's ``update_parameters_with_adam``, Holberton's
``update_variables_Adam``: :data:`~numopt.grading.grader.COURSE_NAMES`) that
the file defines.

Each submission is graded by :func:`~numopt.grading.grade` in a pool of
worker processes, one per CPU core; each submission runs in a sandbox of its
own (:mod:`~numopt.grading.sandbox`), and without one the batch is refused
unless ``unsafe=True`` (``--unsafe-no-sandbox``). A progress line goes to
stderr. Written by the grader alone, as each result comes in, each file
replaced whole (written beside it, then renamed):

* ``RESULTS/scores.csv``: student, score, max_score, first failing case, diagnosis;
* ``RESULTS/<student>/results.json``: Gradescope's results.json;

and a class summary is printed: how many passed, and how many made each mistake.
A worker that dies while grading (it should not: the submission runs
elsewhere) costs only the submissions it held: they are graded once more in a
new pool, and fail with the reason if it dies again.

``python -m numopt.grading.batch [N]`` is the benchmark: it writes N synthetic
submissions (correct ones, catalogue mistakes, a few that do not import) to a
temporary folder, grades them and prints the time, and what the sandbox
costs a submission (the same file graded with and without it).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import OPTIMIZERS
from .grader import default_names
from .sandbox import isolation, printable, require_isolation

__all__ = ["BatchResult", "choose_file", "find_submissions", "grade_folder", "own_files"]

PREFERRED_FILES = ("student.py", "optim.py", "submission.py")
"""File names chosen, in this order, in a student folder with several ``.py`` files."""

PRELOAD = ["numopt.grading.grader"]
"""Modules the workers' forkserver imports once, before it forks any worker."""


@dataclass
class BatchResult:
    """One student's outcome (what scores.csv and the summary need)."""

    student: str
    score: int
    max_score: int
    passed: bool
    first_failure: str
    diagnosis: str
    mistake: str
    results: dict[str, Any]


def find_submissions(folder: str | Path, algorithm: str, file: str | None = None) -> dict[str, Path | str]:
    """Student name -> their ``.py`` file, or a sentence saying why none could be chosen.

    Raises
    ------
    ValueError
        If ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"SUBMISSIONS={str(folder)!r} is not a folder; expected one file or folder per student")
    found: dict[str, Path | str] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "_")) or not (entry.is_dir() or entry.suffix == ".py"):
            continue
        student = _student_name(entry, found)
        if entry.is_symlink():
            found[student] = f"{entry.name} is a symbolic link; expected a file or folder of the student's own"
        elif entry.is_file():
            found[student] = entry
        elif entry.is_dir():
            found[student] = choose_file(entry, algorithm, file, f"{entry.name}/")
    return found


RESERVED = ("scores.csv",)
"""Names in RESULTS that are the grader's: no student's results folder may take one."""


def _student_name(entry: Path, found: Mapping[str, object]) -> str:
    """The student's name: the file's stem or the folder's name, made unique (``alice`` and ``alice.py``)."""
    name = entry.stem if entry.suffix == ".py" and not entry.is_dir() else entry.name
    if name in found or name in RESERVED:
        name = entry.name
    while name in found or name in RESERVED:
        name += "_"
    return name


def own_files(folder: Path) -> list[Path]:
    """The ``.py`` files in a student's folder: its own, so no symbolic link on the way, none named ``_*``."""
    root = folder.resolve()
    return sorted(p for p in folder.rglob("*.py") if not p.name.startswith("_") and not p.is_symlink()
                  and p.is_file() and root in p.resolve().parents)


def choose_file(folder: Path, algorithm: str, file: str | None, who: str) -> Path | str:
    """The file to grade in a student's folder, or a sentence (starting with ``who``) saying why none was chosen."""
    files = own_files(folder)
    wanted = [file] if file else [*PREFERRED_FILES, f"{algorithm}.py"]
    chosen = next((p for name in wanted for p in files if p.name == name), None)
    if chosen is None and len(files) == 1 and not file:
        chosen = files[0]
    return chosen or (f"{who} has {len(files)} .py files ({', '.join(p.name for p in files[:5]) or 'none'}); "
                      f"expected one, or one named {' or '.join(wanted)}")


def _grade_one(student: str, source: Path | str, algorithm: str, name: str, options: Mapping[str, Any]) -> BatchResult:
    from .grader import grade
    from .report import GradeReport

    if isinstance(source, str):  # no file could be chosen: graded as a file that does not load
        report = grade(f"{student}.py:{name}", algorithm, **options)
        report.load_error = source
    else:
        report = grade(f"{source}:{name}", algorithm, label=f"{student}/{source.name}", **options)
    assert isinstance(report, GradeReport)
    data = report.to_gradescope()
    first = next((r for r in report.results if not r.passed), None)
    if report.load_error is not None:
        diagnosis, mistake = report.load_error, "could not be loaded"
    elif report.passed:
        diagnosis, mistake = "", "passed"
    elif report.diagnosis is not None:
        diagnosis = report.diagnosis.sentence(algorithm, report.hp)
        mistake = report.diagnosis.name
    else:
        diagnosis = first.failure or "matches no mistake in the catalogue"
        mistake = "failed: " + (first.failure.split(" at step")[0] if first.failure else "no named mistake")
    return BatchResult(
        student, int(data["score"]), sum(t["max_score"] for t in data["tests"]), report.passed,
        first.case.name if first is not None else ("" if report.load_error is None else "all"),
        diagnosis, mistake, data,
    )


def grade_folder(
    submissions: str | Path, algorithm: str, out: str | Path, *, name: str | None = None, file: str | None = None,
    workers: int | None = None, progress: Callable[[int, int], None] | None = None, unsafe: bool = False,
    **options: Any,
) -> list[BatchResult]:
    """Grade every submission in ``submissions`` and write ``out/scores.csv`` and ``out/<student>/results.json``.

    Parameters
    ----------
    submissions : path
        One ``.py`` file or one folder per student.
    algorithm : str
        Registry key of the reference.
    out : path
        The results folder (created).
    name : str, optional
        The class or function to grade; :func:`default_names` when omitted.
    file : str, optional
        The file to grade in a student folder with several.
    workers : int, optional
        Worker processes; the number of CPU cores by default.
    progress : callable, optional
        ``progress(done, total)`` after each submission.
    unsafe : bool, default False
        Grade even where submissions cannot be sandboxed (:func:`~numopt.grading.sandbox.isolation`).
    **options
        Passed to :func:`~numopt.grading.grade` (``hp``, ``seed``, ``allow``, ``time_limit``, ...).

    Returns
    -------
    list of BatchResult
        In the order of the students' names.

    Raises
    ------
    ValueError
        For an unknown algorithm or a ``submissions`` that is not a folder.
    UnsafeGradingError
        If submissions cannot be sandboxed here and ``unsafe`` is False.
    """
    if algorithm not in OPTIMIZERS:
        raise ValueError(f"algorithm {algorithm!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    require_isolation(unsafe, "batch grading")
    found = find_submissions(submissions, algorithm, file)
    name = name or default_names(algorithm)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="numopt-batch-") as staging:
        for student, source in found.items():
            if isinstance(source, Path) and source.parent == Path(submissions):
                found[student] = _alone(source, Path(staging) / student)
        return _grade_all(found, algorithm, name, out, workers, progress, options)


def _alone(source: Path, folder: Path) -> Path:
    """A copy of a student's loose file in a folder of its own, so that no classmate's file is beside it."""
    folder.mkdir()
    return Path(shutil.copy(source, folder / source.name))


def _grade_all(found: dict[str, Path | str], algorithm: str, name: str, out: Path, workers: int | None,
               progress: Callable[[int, int], None] | None, options: Mapping[str, Any]) -> list[BatchResult]:
    """Grade each submission in a pool of workers, writing each result as it comes."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    done: dict[str, BatchResult] = {}
    tries = dict.fromkeys(found, 0)
    while len(done) < len(found):
        pending = [s for s in found if s not in done]
        with ProcessPoolExecutor(workers or os.cpu_count() or 1, mp_context=context) as pool:
            with _main_not_rerun():  # the workers start here; they need numopt, not the caller's script
                futures = {pool.submit(_grade_one, student, found[student], algorithm, name, options): student
                           for student in pending}
            for future in as_completed(futures):
                student = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    tries[student] += 1
                    if tries[student] < 2:
                        continue  # graded again in a new pool
                    result = _failed(student, "the grading worker died twice while grading this submission")
                except Exception as err:  # a grader's error on one submission costs that submission only
                    result = _failed(student, f"the grader failed on this submission ({type(err).__name__}); "
                                              "tell your instructor")
                done[student] = result
                _write_result(out, result, done)
                if progress is not None:
                    progress(len(done), len(found))
    return sorted(done.values(), key=lambda r: r.student)


def _failed(student: str, why: str) -> BatchResult:
    """A result for a submission that could not be graded at all."""
    data = {"score": 0, "output": f"not graded: {why}", "tests": []}
    return BatchResult(student, 0, 0, False, "all", why, "could not be graded", data)


def _replace(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all: a file beside it, then renamed over it."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8", newline="")
    os.replace(temporary, path)


def _write_result(out: Path, result: BatchResult, done: Mapping[str, BatchResult]) -> None:
    """The student's results.json, and scores.csv with every result so far."""
    (out / result.student).mkdir(exist_ok=True)
    _replace(out / result.student / "results.json", json.dumps(result.results, indent=2, ensure_ascii=False))
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["student", "score", "max_score", "first_failing_case", "diagnosis"])
    for r in sorted(done.values(), key=lambda r: r.student):
        writer.writerow([_cell(r.student), r.score, r.max_score, _cell(r.first_failure), _cell(r.diagnosis)])
    _replace(out / "scores.csv", table.getvalue())


def _cell(text: str) -> str:
    """A text cell of scores.csv: one printable line, never read as a formula by a spreadsheet."""
    line = printable(text)
    return "'" + line if line.startswith(("=", "+", "-", "@")) else line


@contextlib.contextmanager
def _main_not_rerun() -> Iterator[None]:
    """Start the workers without multiprocessing's re-import of ``__main__`` in them.

    They need only numopt; re-running the caller's script there (a TA's
    grading script without a ``__main__`` guard, or code read from stdin)
    would be slow at best.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {name: vars(main)[name] for name in ("__file__", "__spec__") if name in vars(main)}
    if "__file__" in saved:
        del main.__file__
    main.__spec__ = None
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)
        if "__spec__" not in saved:
            del main.__spec__


def class_summary(results: list[BatchResult], seconds: float | None = None) -> str:
    """How many passed, and how many made each mistake (most frequent first)."""
    passed = sum(r.passed for r in results)
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    lines = [f"{len(results)} submissions graded{took}: {passed} passed, {len(results) - passed} failed"]
    counts = Counter(r.mistake for r in results if not r.passed)
    sentences = {r.mistake: r.diagnosis for r in results if not r.passed}
    for mistake, n in counts.most_common():
        example = sentences[mistake] if not mistake.startswith(("could not", "failed")) else ""
        lines.append(f"  {n:4d}  {mistake}" + (f": {example}" if example else ""))
    return "\n".join(lines)


# ---------------------------------------------------------------------------- the benchmark
_RIGHT = '''import numpy as np


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t, self.m, self.v = 0, 0.0, 0.0

    def step(self, params, grads):
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grads
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads**2
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        params -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
'''
_MISTAKES = {
    "right": ("", ""),
    "no_bias_m": ("m_hat = self.m / (1 - self.beta1**self.t)", "m_hat = self.m"),
    "eps_in_sqrt": ("(np.sqrt(v_hat) + self.eps)", "np.sqrt(v_hat + self.eps)"),
    "no_sqrt": ("(np.sqrt(v_hat) + self.eps)", "(v_hat + self.eps)"),
    "t_frozen": ("self.t += 1", "self.t = 1"),
    "unknown": ("grads**2", "grads**3"),
    "broken": ("import numpy as np", "import numpy as np\nraise RuntimeError('unfinished')"),
}


def write_benchmark_submissions(folder: Path, n: int) -> None:
    """``n`` synthetic Adam submissions: correct ones and one mistake each, in turn."""
    kinds = list(_MISTAKES)
    for i in range(n):
        kind = kinds[i % len(kinds)]
        old, new = _MISTAKES[kind]
        (folder / f"student{i:03d}_{kind}.py").write_text(_RIGHT.replace(old, new) if old else _RIGHT)


def sandbox_cost(submission: Path, repeat: int = 10) -> tuple[float, float]:
    """Seconds to start and end one sandbox, and one plain child process (the same Python, NumPy and file)."""
    from .sandbox import Sandbox

    costs = []
    for sandboxed in (True, False):
        start = time.perf_counter()
        for _ in range(repeat):
            Sandbox(submission, sandboxed=sandboxed).close()
        costs.append((time.perf_counter() - start) / repeat)
    return costs[0], costs[1]


def main(argv: list[str] | None = None) -> int:
    """Grade N synthetic submissions (default 200), print the time and what the sandbox costs each."""
    from ..cli import Parser, counted

    parser = Parser(
        prog="python -m numopt.grading.batch",
        description="Benchmark batch grading: write N synthetic Adam submissions (right ones and each known "
        "mistake) into a temporary folder, grade them on every core and print the time.",
    )
    parser.add_argument("n", nargs="?", default=200, metavar="N",
                        type=counted("N", 1, 10_000, "about 0.3 s each on 2 cores"),
                        help="how many submissions (default 200)")
    n = parser.parse_args(argv).n
    found = isolation()
    if not found.available:
        print(f"no sandbox on this machine ({found.reason}): the benchmark needs one")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        submissions, out = Path(tmp) / "submissions", Path(tmp) / "results"
        submissions.mkdir()
        write_benchmark_submissions(submissions, n)
        start = time.perf_counter()
        results = grade_folder(submissions, "adam", out)
        seconds = time.perf_counter() - start
        sandboxed, plain = sandbox_cost(next(submissions.iterdir()), repeat=max(2, min(10, n // 20)))
    print(class_summary(results, seconds))
    print(f"{n} submissions on {os.cpu_count()} cores: {seconds:.1f} s ({seconds / n:.2f} s each)")
    print(f"sandbox per submission: {sandboxed:.3f} s to start and end (bubblewrap, Python, NumPy), "
          f"{sandboxed - plain:.3f} s more than a plain child process")
    return 0


if __name__ == "__main__":  # run the importable module's main: its functions must pickle for the workers
    from numopt.grading.batch import main as _main

    sys.exit(_main())
