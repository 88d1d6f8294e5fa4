"""Known limits of a supported Python that a few tests step around, each with what lifts it.

Imported by test modules (``from known_limits import ...``); pytest puts ``tests/`` on
``sys.path``.
"""

import sys

import pytest

GRADER_TIME_LIMIT_HANGS = sys.version_info < (3, 11)
"""True where the grader's time limit cannot stop misbehaving.py:Loops (Python 3.10)."""

grader_time_limit_hangs_on_py310 = pytest.mark.skipif(
    GRADER_TIME_LIMIT_HANGS,
    reason=(
        "grading time-limit issue: Python 3.10 does not run the grader's SIGALRM handler inside a "
        "'while cond: try/except' loop (misbehaving.py:Loops), so the candidate never stops; skipped "
        "on 3.10 until the grader runs each candidate in a child process that it kills"
    ),
)
"""For the tests of ``grade(..., time_limit=...)`` on a candidate that never returns."""
