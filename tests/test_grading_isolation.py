"""Isolation: a file submission runs in a sandbox and cannot alter any result.

Each crashing submission (tests/grading_fixtures/hostile.py, patches_*.py) must get a
one-line verdict, leave this process as it was, and not change the next student's result.
The attacks a student would write on purpose are in tests/hostile/ (tests/test_hostile.py).
Where no sandbox can be made, grading says so, and batch and Gradescope grading refuse.
"""

import ast
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

import numopt
import numopt.adam
from numopt.cli import main
from numopt.grading import batch, grade, gradescope, sandbox
from numopt.grading.sandbox import Isolation, UnsafeGradingWarning

FIXTURES = Path(__file__).parent / "grading_fixtures"
RIGHT_ADAM = f"{FIXTURES / 'adam_class.py'}:Adam"
NONE = Isolation(None, "no bubblewrap in this test")


def hostile(name: str) -> str:
    return f"{FIXTURES / 'hostile.py'}:{name}"


@pytest.fixture
def no_sandbox(monkeypatch):
    """This process finds no sandbox (as on a machine without user namespaces), nor another user to run as."""
    monkeypatch.setattr(sandbox, "isolation", lambda: NONE)
    monkeypatch.setattr(sandbox, "unprivileged_fallback", lambda: False)
    monkeypatch.setattr(gradescope, "unprivileged_fallback", lambda: False)


def test_this_machine_has_the_sandbox():
    """The tests of the sandbox's guarantees need it: the 'grading' extra installs bubblewrap."""
    assert sandbox.isolation().available, sandbox.isolation().reason


@pytest.mark.parametrize("module", ["patches_numopt.py", "patches_numpy.py"])
def test_a_submission_that_patches_numopt_or_numpy_cannot_pass_itself(module):
    update, isclose = numopt.adam.Adam._update, np.isclose
    report = grade(f"{FIXTURES / module}:Adam", "adam")
    assert not report.passed
    assert sum(r.passed for r in report.results) == 0, report.to_text()
    assert numopt.adam.Adam._update is update and np.isclose is isclose  # this process is untouched
    assert grade(RIGHT_ADAM, "adam").passed  # and so is the next student's result


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


def test_a_students_own_helper_module_is_there_and_nothing_else(tmp_path):
    (tmp_path / "helpers.py").write_text("import os\n\nSEEN = sorted(os.listdir('/submission'))\n")
    (tmp_path / "classmate.py").write_text("")
    (tmp_path / "student.py").write_text(
        "import helpers\n\n\nclass SGD:\n    def __init__(self, lr=0.01):\n        self.lr = lr\n\n"
        "    def step(self, params, grads):\n        raise ValueError(helpers.SEEN)\n"
    )
    report = grade(f"{tmp_path / 'student.py'}:SGD", "sgd")
    assert "raised ValueError at step 1: ['helpers.py', 'student.py']" in report.summary()


def test_the_sandboxs_numopt_modules_import_only_each_other():
    """What runs in the sandbox (ADAPTERS) imports no other numopt module, so no algorithm and no ``__init__``.

    ``from .. import OPTIMIZERS`` in the adapter would fail there, or, with numopt mounted, hand the
    submission the reference; the grader sends the reference's facts as data instead.
    """
    package = Path(numopt.__file__).parent
    inside = {package / name for name in sandbox.ADAPTERS}
    for path in sorted(inside):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "numopt" for a in node.names), (path.name, ast.unparse(node))
            elif isinstance(node, ast.ImportFrom):
                assert node.level or not (node.module or "").startswith("numopt"), (path.name, ast.unparse(node))
                folder = path.parents[node.level - 1] if node.level else None
                if folder is None:
                    continue
                base = folder.joinpath(*node.module.split(".")) if node.module else folder
                targets = ([base.with_suffix(".py")] if node.module
                           else [base / f"{a.name}.py" if (base / f"{a.name}.py").exists() else base / "__init__.py"
                                 for a in node.names])
                for target in targets:
                    assert target in inside, f"{path.name}: {ast.unparse(node)} needs {target.name}, not in the sandbox"


def test_inside_the_sandbox_only_the_adapter_modules_of_numopt_are_loaded(tmp_path):
    (tmp_path / "student.py").write_text(
        "import sys\n\n\ndef update_variables_momentum(alpha, beta1, var, grad, v):\n"
        "    raise ValueError(sorted(m for m in sys.modules if m.startswith('numopt')))\n"
    )
    report = grade(f"{tmp_path / 'student.py'}:update_variables_momentum", "momentum")  # a course function
    loaded = ["numopt", "numopt.aliases", "numopt.grading", "numopt.grading.binding", "numopt.grading.candidates",
              "numopt.grading.child", "numopt.grading.forms"]
    assert f"raised ValueError at step 1: {loaded}" in report.summary()


# ---------------------------------------------------------------------------- without a sandbox
def test_without_a_sandbox_a_file_is_still_graded_with_a_warning(no_sandbox):
    with pytest.warns(UnsafeGradingWarning, match="NOT sandboxed on this machine \\(no bubblewrap in this test\\)"):
        assert grade(RIGHT_ADAM, "adam").passed


def test_without_a_sandbox_the_command_says_so_loudly(no_sandbox, monkeypatch, capsys):
    monkeypatch.setattr("numopt.grading.cli.isolation", sandbox.isolation)
    with pytest.warns(UnsafeGradingWarning):
        assert main(["grade", RIGHT_ADAM, "-a", "adam"]) == 0
    assert "WARNING: submissions are NOT sandboxed on this machine" in capsys.readouterr().err


def test_without_a_sandbox_batch_grading_refuses_unless_told(no_sandbox, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "alice.py").write_text((FIXTURES / "adam_class.py").read_text())
    assert main(["grade", str(tmp_path / "in"), "-a", "adam", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "batch grading refused: submissions cannot be sandboxed on this machine: no bubblewrap" in err
    assert "--unsafe-no-sandbox" in err and err.count("\n") == 1
    assert not (tmp_path / "out" / "scores.csv").exists()
    assert main(["grade", str(tmp_path / "in"), "-a", "adam", "--out", str(tmp_path / "out"),
                 "--unsafe-no-sandbox"]) == 0
    assert (tmp_path / "out" / "scores.csv").read_text().splitlines()[1].startswith("alice,9,9")


def test_without_a_sandbox_gradescope_grades_nobody_unless_told(no_sandbox, tmp_path):
    root = tmp_path / "autograder"
    gradescope.write_autograder("adam", root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "adam.py").write_text((FIXTURES / "adam_class.py").read_text())
    assert gradescope.main([str(root)]) == 0
    result = json.loads((root / "results" / "results.json").read_text())
    assert result["score"] == 0 and len(result["tests"]) == 9
    assert "the autograder did not run your file: grading refused" in result["tests"][0]["output"]
    gradescope.write_autograder("adam", root / "source", unsafe=True, overwrite=True)
    with pytest.warns(UnsafeGradingWarning):
        assert gradescope.main([str(root)]) == 0
    assert json.loads((root / "results" / "results.json").read_text())["score"] == 9


def test_a_worker_that_dies_costs_only_its_own_submissions(tmp_path, monkeypatch):
    """A worker killed while grading (here: one whose pool breaks once): the submission is graded again."""
    calls = []
    original = batch.ProcessPoolExecutor

    class BreaksOnce(original):
        def submit(self, fn, *args, **kwargs):
            calls.append(args[0])
            if len(calls) == 1:
                return super().submit(os._exit, 1)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", BreaksOnce)
    (tmp_path / "in").mkdir()
    for student in ("alice", "bob"):
        (tmp_path / "in" / f"{student}.py").write_text((FIXTURES / "adam_class.py").read_text())
    results = batch.grade_folder(tmp_path / "in", "adam", tmp_path / "out", workers=1)
    assert [(r.student, r.score) for r in results] == [("alice", 9), ("bob", 9)]
    assert calls.count("alice") == 2
