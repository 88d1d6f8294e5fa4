"""Grade every submission of a coursework set and count right verdicts and named mistakes.

    python tests/grading_coursework/measure.py dev        # or heldout; -v prints each summary

Each folder's expected.json gives, per file, the function or class graded, the
algorithm, the assignment's hyperparameters, an optional --signature spec, the
verdict a TA expects and, for a failing file, phrases the diagnosis must contain
(one per mistake the file makes). A mistake counts as named when its phrase is in the
diagnosis itself, "your update matches ...": not in the file's name, and not in the box line
that the state note quotes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from numopt.grading import grade
from numopt.grading.candidates import SIGNATURE

HERE = Path(__file__).parent


def outcome(folder: Path, file: str, spec: dict) -> tuple[bool, bool | None, str]:
    """(verdict right, every mistake named (None for a passing file), the one-line summary)."""
    form = SIGNATURE + spec["signature"] if "signature" in spec else None
    report = grade(f"{folder / file}:{spec['name']}", spec["algorithm"], spec.get("hp", {}), form=form)
    right = report.passed == (spec["verdict"] == "pass")
    diagnosis = "" if report.diagnosis is None else report.diagnosis.sentence(report.algorithm, report.hp)
    named = None if spec["verdict"] == "pass" else all(m in diagnosis for m in spec["mistakes"])
    return right, named, report.summary()


def measure(part: str, verbose: bool = False) -> dict[str, int]:
    folder = HERE / part
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    counts = {"files": 0, "right verdicts": 0, "failing files": 0, "mistakes named": 0}
    for file, spec in expected.items():
        right, named, summary = outcome(folder, file, spec)
        counts["files"] += 1
        counts["right verdicts"] += right
        counts["failing files"] += named is not None
        counts["mistakes named"] += bool(named)
        if verbose or not right or named is False:
            print(f"{'ok ' if right and named is not False else 'BAD'} {file}: {summary}")
    return counts


if __name__ == "__main__":
    print(measure(sys.argv[1] if len(sys.argv) > 1 else "dev", "-v" in sys.argv))
