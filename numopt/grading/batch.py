r"""Grade a folder of submissions: ``numopt grade SUBMISSIONS --algorithm KEY --out RESULTS``.

``SUBMISSIONS`` holds one entry per student: a ``.py`` file (the student is
the file name without ``.py``) or a folder (the student is the folder's name)
with the student's ``.py`` file in it; with several, the one given by
``--file``, else the one named ``student.py``, ``optim.py``, ``submission.py``
or like the algorithm. The class or function graded is ``--name``, or the
first of numopt's class name, the key and CS231n's function name
(``Adam``, ``adam``; ``sgd_momentum`` for momentum) that the file defines.

Each submission is graded by :func:`~numopt.grading.grade` in a pool of
worker processes, one per CPU core (each submission still runs in a child of
its own, see :mod:`~numopt.grading.sandbox`); a progress line goes to stderr.
Written:

* ``RESULTS/scores.csv``: student, score, max_score, first failing case, diagnosis;
* ``RESULTS/<student>/results.json``: Gradescope's results.json;

and a class summary is printed: how many passed, and how many made each mistake.

``python -m numopt.grading.batch [N]`` is the benchmark: it writes N synthetic
submissions (correct ones, catalogue mistakes, a few that do not import) to a
temporary folder, grades them and prints the time.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import OPTIMIZERS
from .grader import default_names
from .sandbox import PRELOAD, _main_not_rerun

__all__ = ["BatchResult", "find_submissions", "grade_folder"]

PREFERRED_FILES = ("student.py", "optim.py", "submission.py")
"""File names chosen, in this order, in a student folder with several ``.py`` files."""

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
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_file() and entry.suffix == ".py":
            found[entry.stem] = entry
        elif entry.is_dir():
            files = sorted(p for p in entry.rglob("*.py") if not p.name.startswith("_"))
            wanted = [file] if file else [*PREFERRED_FILES, f"{algorithm}.py"]
            chosen = next((p for name in wanted for p in files if p.name == name), None)
            if chosen is None and len(files) == 1 and not file:
                chosen = files[0]
            found[entry.name] = chosen or (
                f"{entry.name}/ has {len(files)} .py files ({', '.join(p.name for p in files[:5]) or 'none'}); "
                f"expected one, or one named {' or '.join(wanted)}"
            )
    return found


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
    workers: int | None = None, progress: Callable[[int, int], None] | None = None, **options: Any,
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
    **options
        Passed to :func:`~numopt.grading.grade` (``hp``, ``seed``, ``allow``, ``time_limit``, ...).

    Returns
    -------
    list of BatchResult
        In the order of the students' names.
    """
    if algorithm not in OPTIMIZERS:
        raise ValueError(f"algorithm {algorithm!r} is unknown; expected one of {', '.join(OPTIMIZERS)}")
    found = find_submissions(submissions, algorithm, file)
    name = name or default_names(algorithm)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    results: list[BatchResult] = []
    with ProcessPoolExecutor(workers or os.cpu_count() or 1, mp_context=context) as pool:
        with _main_not_rerun():  # the workers start here; they need numopt, not the caller's script
            futures = [pool.submit(_grade_one, student, source, algorithm, name, options)
                       for student, source in found.items()]
        for future in as_completed(futures):
            results.append(future.result())
            if progress is not None:
                progress(len(results), len(futures))
    results.sort(key=lambda r: r.student)
    with open(out / "scores.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "score", "max_score", "first_failing_case", "diagnosis"])
        for r in results:
            writer.writerow([r.student, r.score, r.max_score, r.first_failure, r.diagnosis])
    for r in results:
        (out / r.student).mkdir(exist_ok=True)
        (out / r.student / "results.json").write_text(json.dumps(r.results, indent=2, ensure_ascii=False),
                                                      encoding="utf-8")
    return results


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


def main(argv: list[str] | None = None) -> int:
    """Grade N synthetic submissions (default 200) and print the time."""
    n = int((argv or sys.argv[1:] or ["200"])[0])
    with tempfile.TemporaryDirectory() as tmp:
        submissions, out = Path(tmp) / "submissions", Path(tmp) / "results"
        submissions.mkdir()
        write_benchmark_submissions(submissions, n)
        start = time.perf_counter()
        results = grade_folder(submissions, "adam", out)
        seconds = time.perf_counter() - start
    print(class_summary(results, seconds))
    print(f"{n} submissions on {os.cpu_count()} cores: {seconds:.1f} s ({seconds / n:.2f} s each)")
    return 0


if __name__ == "__main__":  # run the importable module's main: its functions must pickle for the workers
    from numopt.grading.batch import main as _main

    sys.exit(_main())
