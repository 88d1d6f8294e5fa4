"""Isolation: a file submission runs in a child process and cannot alter any result.

Each hostile submission (tests/grading_fixtures/hostile.py, patches_*.py) must get a
one-line verdict, leave this process as it was, and not change the next student's result.
"""

import time
from pathlib import Path

import numpy as np
import pytest

import numopt
import numopt.adam
from numopt.grading import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"
RIGHT_ADAM = f"{FIXTURES / 'adam_class.py'}:Adam"


def hostile(name: str) -> str:
    return f"{FIXTURES / 'hostile.py'}:{name}"


@pytest.mark.parametrize("module", ["patches_numopt.py", "patches_numpy.py"])
def test_a_submission_that_patches_numopt_or_numpy_cannot_pass_itself(module):
    update, isclose = numopt.adam.Adam._update, np.isclose
    report = grade(f"{FIXTURES / module}:Adam", "adam")
    assert not report.passed
    assert sum(r.passed for r in report.results) == 0, report.to_text()
    assert numopt.adam.Adam._update is update and np.isclose is isclose  # this process is untouched
    assert grade(RIGHT_ADAM, "adam").passed  # and so is the next student's result


def test_a_subclass_of_a_numopt_optimizer_fails_with_a_message_that_says_so():
    report = grade(hostile("SubclassAdam"), "adam")
    assert report.load_error == (
        "SubclassAdam is a subclass of numopt's Adam: it would be graded against numopt's own code; "
        "expected your own implementation (numopt.base.Optimizer may be used for the bookkeeping only)"
    )


def test_a_wrapper_around_a_numopt_optimizer_fails_with_a_message_that_says_so():
    report = grade(hostile("WrapsAdam"), "adam")
    assert not report.passed and report.diagnosis is None
    assert "step(params, grads) runs numopt's own Adam._update at step 1 (it subclasses or wraps a numopt " \
           "optimizer)" in report.summary()


def test_numopts_optimizer_base_for_the_bookkeeping_is_fine():
    assert grade(hostile("OwnSGD"), "sgd", {"lr": 0.05}).passed


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ExitsHard", "step(params, grads) ended the submission's process at step 1: it exited with status 3"),
        ("Segfaults", "step(params, grads) ended the submission's process at step 1: it was killed by signal "
                      "SIGSEGV"),
        ("MemoryBomb", "step(params, grads) raised MemoryError at step 1"),
    ],
)
def test_a_submission_that_dies_gets_one_line_and_is_not_run_again(name, expected):
    report = grade(hostile(name), "sgd", time_limit=5, memory_limit=512 << 20)
    assert not report.passed
    assert expected in report.summary() and "\n" not in report.summary()
    if name != "MemoryBomb":  # the process is gone: the other cases are not run
        assert all(r.describe().startswith("not run: step(params, grads) ended") for r in report.results[1:])


def test_an_endless_loop_that_swallows_every_exception_is_killed_after_the_limit():
    start = time.monotonic()
    report = grade(hostile("LoopsForever"), "sgd", time_limit=1)
    assert time.monotonic() - start < 5
    assert "step(params, grads) did not return within 1 s at step 1" in report.summary()
    assert all(r.describe().startswith("not run") for r in report.results[1:])


def test_a_flood_of_output_is_dropped_and_the_candidate_graded(capfd):
    report = grade(hostile("Floods"), "sgd")
    assert report.passed, report.summary()
    out, err = capfd.readouterr()
    assert "x" * 100 not in out + err and "z" * 100 not in out + err and "w" * 100 not in out + err


def test_the_memory_limit_reaches_the_child(capsys):
    from numopt.cli import main

    spec = hostile("Needs600MB")
    assert main(["grade", spec, "-a", "sgd"]) == 0
    assert main(["grade", spec, "-a", "sgd", "--memory-limit", "256"]) == 1
    assert "step(params, grads) raised MemoryError at step 1" in capsys.readouterr().out


def test_a_subclass_defined_in_the_grading_process_is_refused_too():
    class MyAdam(numopt.Adam):  # as in a notebook cell
        pass

    report = grade(MyAdam, "adam")
    assert report.load_error.startswith("test_a_subclass_defined_in_the_grading_process_is_refused_too.<locals>."
                                        "MyAdam is a subclass of numopt's Adam")
    assert grade(numopt.Adam, "adam").passed  # numopt against itself stays possible
