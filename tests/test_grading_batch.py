"""Batch grading: ``numopt grade SUBMISSIONS --algorithm KEY --out RESULTS``."""

import csv
import json
from pathlib import Path

from numopt.cli import main

FIXTURES = Path(__file__).parent / "grading_fixtures"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def _class_folder(root: Path) -> Path:
    """Five students: a right file, a wrong folder, a CS231n function, a broken file, an ambiguous folder."""
    sub = root / "submissions"
    sub.mkdir()
    (sub / "alice.py").write_text((FIXTURES / "adam_class.py").read_text())
    (sub / "bob").mkdir()
    (sub / "bob" / "student.py").write_text((FIXTURES / "wrong_adam.py").read_text())
    (sub / "bob" / "notes.py").write_text("# scratch\n")
    (sub / "carol.py").write_text((FIXTURES / "cs231n_style.py").read_text())  # defines adam(w, dw, config)
    (sub / "dave.py").write_text("raise RuntimeError('unfinished')\n")
    (sub / "erin").mkdir()
    (sub / "erin" / "a.py").write_text("")
    (sub / "erin" / "b.py").write_text("")
    return sub


def test_batch_grading_writes_scores_and_results_and_a_summary(capsys, tmp_path):
    sub, out = _class_folder(tmp_path), tmp_path / "results"
    status, stdout, stderr = run(capsys, "grade", sub, "--algorithm", "adam", "--out", out, "--workers", "2")
    assert status == 0
    assert "graded 5/5" in stderr
    with open(out / "scores.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student"] for r in rows] == ["alice", "bob", "carol", "dave", "erin"]
    by = {r["student"]: r for r in rows}
    assert {r["max_score"] for r in rows} == {"9"}
    assert by["alice"]["score"] == by["carol"]["score"] == "9" and by["alice"]["first_failing_case"] == ""
    assert by["bob"]["score"] == "0"
    assert by["bob"]["first_failing_case"] == "one step from zero state, gradients of order 1"
    assert by["bob"]["diagnosis"] == "Adam without bias correction on m̂ (m̂ = m instead of m / (1 − β1ᵗ))"
    assert "could not import dave.py: RuntimeError: unfinished (line 1)" in by["dave"]["diagnosis"]
    assert "erin/ has 2 .py files (a.py, b.py); expected one" in by["erin"]["diagnosis"]
    for student in by:
        data = json.loads((out / student / "results.json").read_text())
        assert len(data["tests"]) == 9 and data["score"] == int(by[student]["score"])
    assert "5 submissions graded" in stdout and ": 2 passed, 3 failed" in stdout
    assert "     1  no_bias_correction_m: Adam without bias correction on m̂" in stdout
    assert "     2  could not be loaded" in stdout
    assert str(tmp_path) not in (out / "scores.csv").read_text()


def test_a_folder_without_out_is_a_usage_error(capsys, tmp_path):
    status, _, err = run(capsys, "grade", tmp_path, "--algorithm", "adam")
    assert status == 2 and "expected --out RESULTS" in err and err.count("\n") == 1


def test_batch_usage_errors_exit_2(capsys, tmp_path):
    status, _, err = run(capsys, "grade", tmp_path, "--algorithm", "adam", "--out", tmp_path / "r", "--workers", "0")
    assert status == 2 and "--workers 0 is not allowed; expected a number of processes >= 1" in err
    status, _, err = run(capsys, "grade", tmp_path, "--algorithm", "adamm", "--out", tmp_path / "r")
    assert status == 2 and "algorithm 'adamm' is unknown" in err
    status, _, err = run(capsys, "grade", FIXTURES / "cs231n_optim.py", "--algorithm", "sgd,adam", "--hp", "lr=0.1")
    assert status == 2 and "--hp 'lr=0.1' with several algorithms is ambiguous" in err


def test_the_benchmark_runs_as_a_module(tmp_path):
    """``python -m numopt.grading.batch N`` grades N synthetic submissions (7: each kind once) and prints the time."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "numopt.grading.batch", "7"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "7 submissions graded in" in done.stdout and ": 1 passed, 6 failed" in done.stdout
    assert "7 submissions on" in done.stdout


HOSTILE = Path(__file__).parent / "hostile"
HOSTILE_IN_CLASS = ("imports_reference", "exec_source", "clones_code_object", "copies_classmate", "rewrites_scores",
                    "forges_half_frame", "forges_wrong_shape", "forges_garbage", "prints_into_output", "fork_bomb",
                    "setsid_grandchild", "kills_grader")


def test_a_class_of_40_with_12_hostile_submissions_grades_every_honest_one_as_alone(tmp_path):
    """28 honest submissions (4 of each benchmark kind) graded in a batch beside 12 attacks get exactly the
    result each gets graded alone; every attack gets 0; the results are the grader's."""
    from numopt.grading import grade
    from numopt.grading.batch import _MISTAKES, _RIGHT

    sub = tmp_path / "class"
    sub.mkdir()
    alone = {}
    for kind, (old, new) in _MISTAKES.items():
        source = _RIGHT.replace(old, new) if old else _RIGHT
        (tmp_path / f"{kind}.py").write_text(source)
        alone[kind] = grade(f"{tmp_path / kind}.py:Adam", "adam", time_limit=1).to_gradescope()
        for i in range(4):
            (sub / f"{kind}_{i}.py").write_text(source)
    for attack in HOSTILE_IN_CLASS:
        (sub / f"{attack}.py").write_text((HOSTILE / f"{attack}.py").read_text())
    status = main(["grade", str(sub), "-a", "adam", "--out", str(tmp_path / "out"), "--time-limit", "1"])
    assert status == 0
    with open(tmp_path / "out" / "scores.csv", newline="") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert len(rows) == 40
    for kind, expected in alone.items():
        for i in range(4):
            student = f"{kind}_{i}"
            text = (tmp_path / "out" / student / "results.json").read_text()
            text = text.replace(f"{student}/{student}.py", f"{kind}.py:Adam").replace(f"{student}.py", f"{kind}.py")
            assert json.loads(text) == expected, student
            assert rows[student]["score"] == str(expected["score"])
    assert {kind for kind, data in alone.items() if data["score"] == 9} == {"right"}
    for attack in HOSTILE_IN_CLASS:
        assert rows[attack]["score"] == "0", attack
