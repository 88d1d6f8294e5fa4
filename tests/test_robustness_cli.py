"""Every subcommand of ``numopt`` (and ``python -m numopt.grading.batch``) given hostile arguments.

Each case is refused before any work: exit status 2, one line on stderr, no
Python traceback (an exception escaping ``main`` is one). The cases are the
cross product of each subcommand's options with values a careful user might
mistype or a script might produce: counts that are 0, negative, fractional,
nan, inf, 10^12 or 5000 digits long; numbers that are nan, inf or negative;
names that do not exist; paths that are empty, hold a NUL, run through a file
or into /proc; hyperparameters beyond the floats or of the wrong kind.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from numopt.cli import build_parser, main
from numopt.grading import batch

FIXTURES = Path(__file__).parent / "grading_fixtures"
CANDIDATE = f"{FIXTURES / 'adam_class.py'}:Adam"

BAD_COUNTS = ["0", "-1", "1.5", "nan", "inf", "-inf", "1e12", "", " ", "abc", "1e400", "9" * 5000, "0x10", "1e3.5"]
BAD_REALS = ["nan", "inf", "-inf", "-1", "1e400", "", "abc"]
BAD_NAMES = ["", "nope", "__class__", "ADAM"]
BAD_HP = ["lr=1e400", "lr=nan", "lr=", "=1", "lr=[1,2]", "lr=10**400", "lr=(1,", "nope=1", "lr=-1", "lr=true"]


def bad_paths(tmp: Path) -> list[str]:
    (tmp / "file.txt").write_text("x")
    return ["", " ", "a\0b", str(tmp / "file.txt" / "below"), "/proc/numopt-nope/x"]


def cases(tmp: Path) -> list[list[str]]:
    """(argv) for every subcommand; each must be refused."""
    paths, folder = bad_paths(tmp), str(tmp)
    found = [["list", "extra"], ["list", "--nope"], [], ["nope"], ["--nope"]]
    for v in BAD_COUNTS:
        found += [
            ["race", "quadratic", "--no-plot", "--steps", v],
            ["race", "quadratic", "--no-plot", "--steps", "2", "--seed", v] if v not in ("0", "1e12") else [],
            ["bench", "--sizes", v],
            ["bench", "--sizes", "10", "--repeats", v],
            ["explain", "adam", "--grads", "1", "--steps", v],
            ["grade", folder, "-a", "adam", "--out", str(tmp / "results"), "--workers", v],
        ]
    for v in ["-5", "-1", "1.5", "x"]:
        found += [["grade", CANDIDATE, "-a", "adam", "--seed", v],
                  ["assignment", "adam", "--gradescope", str(tmp / "gs"), "--seed", v]]
    for v in BAD_REALS:
        found += [
            ["race", "quadratic", "--no-plot", "--steps", "2", "--tol", v],
            ["grade", CANDIDATE, "-a", "adam", "--rtol", v],
            ["grade", CANDIDATE, "-a", "adam", "--atol", v],
            ["grade", CANDIDATE, "-a", "adam", "--time-limit", v],
            ["grade", CANDIDATE, "-a", "adam", "--memory-limit", v],
            ["assignment", "adam", "--gradescope", str(tmp / "gs"), "--time-limit", v],
        ]
    for v in ["nan", "inf", "-inf", "1e400", "", "abc", "1,,2", "1;2"]:
        found += [["explain", "adam", "--grads", v], ["explain", "adam", "--grads", "1", "--params", v]]
    for v in ["0", "1e39"]:
        found += [["grade", CANDIDATE, "-a", "adam", "--time-limit", "0"],
                  ["grade", CANDIDATE, "-a", "adam", "--memory-limit", "0"],
                  ["explain", "adam", "--grads", v, "--params", "1e39", "--dtype", "float32"]]
    for v in paths:
        found += [
            ["race", "quadratic", "--steps", "2", "--out", v],
            ["figures", "--out", v, "--only", "ewma.png"],
            ["assignment", "adam", "-o", v],
            ["assignment", "adam", "--gradescope", v],
        ]
    for v in BAD_NAMES:
        found += [
            ["race", v, "--no-plot"],
            ["race", "quadratic", "--no-plot", "--optimizers", v],
            ["explain", v, "--grads", "1"],
            ["grade", CANDIDATE, "-a", v],
            ["grade", CANDIDATE, "-a", "adam", "--allow", v] if v else [],
            ["grade", CANDIDATE, "-a", "adam", "--form", v],
            ["grade", CANDIDATE, "-a", "adam", "--visibility", v],
            ["assignment", v, "-o", str(tmp / "starter.py")],
            ["bench", "--algorithms", v],
            ["bench", "--dtypes", v],
            ["figures", "--only", v],
            ["explain", "adam", "--grads", "1", "--dtype", v],
        ]
    for v in BAD_HP:
        found += [
            ["explain", "funnel", "--grads", "1", "--hp", v],
            ["grade", CANDIDATE, "-a", "adam", "--hp", v],
            ["assignment", "adam", "--gradescope", str(tmp / "gs"), "--hp", v],
        ]
    found += [
        ["explain", "funnel", "--grads", "1", "--hp", "p_bounds=12"],
        ["explain", "adam", "--grads", "1,2", "--params", "1"],
        ["explain", "egu", "--grads", "1", "--params", "1e-50", "--dtype", "float32"],  # rounds to 0: not > 0
        ["assignment", "adam"],
        ["grade", CANDIDATE],
        ["grade", folder, "-a", "adam"],  # a folder needs --out
        ["race", "quadratic", "--steps", "200000", "--no-plot"],  # 14 optimizers: 2.8e6 steps in all
    ]
    return [argv for argv in found if argv]


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exit_:  # argparse's usage errors
            status = exit_.code
    return status, err.getvalue()


def test_every_subcommand_refuses_hostile_arguments_in_one_line_with_exit_2(tmp_path):
    subcommands = set(build_parser()._subparsers._group_actions[0].choices)  # argparse keeps them there
    driven, failures = set(), []
    for argv in cases(tmp_path):
        driven.add(argv[0] if argv and argv[0] in subcommands else None)
        try:
            status, err = run(argv)
        except Exception as err:  # what would have been a traceback
            failures.append(f"{argv!r}: traceback {type(err).__name__}: {err}")
            continue
        lines = err.strip().splitlines()
        if status != 2 or len(lines) != 1 or "Traceback" in err:
            failures.append(f"{[a[:40] for a in argv]!r}: exit {status}, stderr {err[-300:]!r}")
    assert subcommands <= driven, f"subcommands not driven: {subcommands - driven}"
    assert not failures, "\n".join(failures[:20])
    assert not (tmp_path / "gs").exists()  # no autograder was written for a refused --seed or --time-limit


@pytest.mark.parametrize("argv", [["-5"], ["0"], ["x"], ["1.5"], ["1e9"], ["nan"], ["--nope"], ["1", "2"]])
def test_the_batch_benchmark_refuses_a_bad_count_in_one_line_with_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        batch.main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and len(err.strip().splitlines()) == 1, err


def test_the_batch_benchmark_has_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        batch.main(["--help"])
    assert exit_info.value.code == 0
    assert "usage: python -m numopt.grading.batch [-h] [N]" in capsys.readouterr().out


def test_race_refuses_a_count_that_would_run_for_hours_with_an_estimate(capsys):
    """1e12 steps × 30 optimizers at the 0.5 ms a step of the estimate: 1.5e10 s, 476 years."""
    status, err = run(["race", "rosenbrock", "--steps", "1e12"])
    assert status == 2
    assert "is 3e+13 steps in all, about 476 years" in err and "--steps 66_666 for 30 optimizer(s)" in err


def test_a_closed_stdout_is_no_traceback():
    """``numopt list >&-``: Python starts with sys.stdout None; the command still ends with status 0."""
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "numopt", "list"], stderr=subprocess.PIPE, text=True, timeout=60,
                          preexec_fn=lambda: os.close(1))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr

