"""Hostile submissions (tests/hostile/, one attack per file): what each must and must not achieve.

Each test failed before file submissions ran in a sandbox (a child process of the grader's
user, seeing the whole filesystem and every process): the reference could be imported, the
results folder rewritten, a half frame hung the grader, grandchildren outlived the run.
docs/grading.md ("Threat model") states each guarantee and its limit.
"""

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from numopt.cli import main
from numopt.grading import default_cases, grade
from numopt.grading.batch import grade_folder
from numopt.grading.sandbox import isolation

HOSTILE = Path(__file__).parent / "hostile"
RIGHT_ADAM = Path(__file__).parent / "grading_fixtures" / "adam_class.py"


def hostile(name: str) -> str:
    return f"{HOSTILE / name}.py:Adam"


def one_line_failure(report) -> None:
    """Failed every case, with a one-line summary: the verdict of an attack."""
    assert not report.passed and sum(r.passed for r in report.results) == 0, report.to_text()
    assert "\n" not in report.summary()


def left_running(marker: str) -> list[int]:
    """Processes on this machine whose command line holds ``marker`` (waiting a little for the kernel to reap)."""
    for _ in range(20):
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(int(pid))
            except OSError:
                pass
        if not found:
            return []
        time.sleep(0.1)
    return found


@pytest.fixture(autouse=True)
def sandbox_or_nothing():
    """Without a sandbox these attacks would run as the tester (a fork bomb, a sleeper that outlives the run,
    a walk over /tmp that rewrites files): fail before any of them runs, never run them unsandboxed."""
    if not isolation().available:
        pytest.fail(f"hostile submissions are not run without a sandbox: {isolation().reason}", pytrace=False)


# ---------------------------------------------------------------------------- no optimizer of their own
@pytest.mark.parametrize("attack", ["imports_reference", "subclasses_reference", "pickle_reference"])
def test_numopt_is_not_there_to_import(attack):
    report = grade(hostile(attack), "adam")
    assert report.load_error is not None and "numopt" in report.load_error
    assert "submissions run without numopt's own modules" in report.load_error


@pytest.mark.parametrize(("attack", "error", "why"), [
    ("importlib_reference", "ModuleNotFoundError", "No module named 'numopt.adam'"),
    ("exec_source", "FileNotFoundError", "numopt/adam.py is nowhere to be seen"),
    ("clones_code_object", "StopIteration", ""),  # no Adam._update among the live objects
    ("sys_modules_reference", "IndexError", ""),  # no numopt module with an Adam
])
def test_numopts_reference_cannot_be_reached_at_step_time_either(attack, error, why):
    """Not found rather than found and detected: the reference is not in the sandbox at all."""
    report = grade(hostile(attack), "adam", time_limit=3)
    one_line_failure(report)
    assert f"step(params, grads) raised {error} at step 1" in report.summary() and why in report.summary()


def test_a_classmates_file_cannot_be_copied(tmp_path):
    for name in ("alice.py", "mallory.py"):
        shutil.copy(RIGHT_ADAM if name == "alice.py" else HOSTILE / "copies_classmate.py", tmp_path / name)
    one_line_failure(grade(f"{tmp_path / 'mallory.py'}:Adam", "adam", time_limit=3))


# ---------------------------------------------------------------------------- the results
def test_the_results_folder_cannot_be_rewritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scores.csv").write_text("student,score\nalice,9\n")
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "results.json").write_text('{"score": 9}')
    shutil.copy(HOSTILE / "rewrites_scores.py", tmp_path / "rewrites_scores.py")
    assert grade(f"{tmp_path / 'rewrites_scores.py'}:Adam", "sgd", time_limit=3).passed  # honest SGD otherwise
    assert (tmp_path / "scores.csv").read_text() == "student,score\nalice,9\n"
    assert (tmp_path / "alice" / "results.json").read_text() == '{"score": 9}'


# ---------------------------------------------------------------------------- the reply channel
def test_half_a_frame_then_sleep_is_cut_off_by_the_time_limit():
    start = time.monotonic()
    report = grade(hostile("forges_half_frame"), "adam", time_limit=1)
    assert time.monotonic() - start < 5
    one_line_failure(report)
    assert "step(params, grads) did not return within 1 s at step 1" in report.summary()


@pytest.mark.parametrize("attack", ["forges_wrong_shape", "forges_garbage", "forges_deep_json", "forges_huge_shape"])
def test_a_forged_reply_breaks_the_protocol_in_one_line(attack, capsys):
    assert main(["grade", hostile(attack), "-a", "adam", "--json"]) == 1
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["score"] == 0 and "Traceback" not in out + err
    assert "step(params, grads) broke the grading protocol" in data["output"]


def test_nothing_a_submission_writes_reaches_the_graders_output():
    """``numopt grade --json`` as a shell runs it: its stdout is the results.json, whatever the submission writes."""
    done = subprocess.run([sys.executable, "-m", "numopt", "grade", f"{HOSTILE / 'prints_into_output.py'}:Adam",
                           "-a", "sgd", "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == 9
    assert "PWNED" not in done.stdout + done.stderr


# ---------------------------------------------------------------------------- time
@pytest.mark.parametrize("attack", ["sleeps", "blocks_reading"])
def test_a_step_that_never_returns_is_killed(attack):
    start = time.monotonic()
    report = grade(hostile(attack), "adam", time_limit=1)
    assert time.monotonic() - start < 5
    one_line_failure(report)
    assert "did not return within 1 s at step 1" in report.summary()


def test_steps_just_under_the_limit_use_up_the_budget_for_the_whole_submission():
    start = time.monotonic()
    report = grade(hostile("slow_steps"), "sgd", time_limit=1, time_budget=2)
    assert time.monotonic() - start < 6  # without the budget: 9 cases of up to 40 steps of 0.4 s
    assert "used up its time budget" in report.summary()
    assert all(r.describe().startswith("not run") for r in report.results[-3:])


# ---------------------------------------------------------------------------- processes, memory, files
def test_a_fork_bomb_is_contained_and_leaves_nothing_running():
    start = time.monotonic()
    report = grade(hostile("fork_bomb"), "adam", time_limit=1)
    assert time.monotonic() - start < 8
    one_line_failure(report)
    assert left_running("987.651") == []


def test_a_setsid_grandchild_dies_with_the_sandbox():
    assert grade(hostile("setsid_grandchild"), "sgd").passed
    assert left_running("987.652") == []


def test_a_memory_bomb_over_many_processes_is_contained():
    start = time.monotonic()
    report = grade(hostile("memory_bomb"), "adam", time_limit=1, memory_limit=128 << 20)
    assert time.monotonic() - start < 8
    one_line_failure(report)


def test_huge_files_and_many_files_stay_in_the_sandbox(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(HOSTILE / "huge_file.py", tmp_path / "huge_file.py")
    before = set(os.listdir("/tmp"))
    assert grade(f"{tmp_path / 'huge_file.py'}:Adam", "sgd").passed  # its own /tmp, discarded
    assert sorted(os.listdir(tmp_path)) == ["huge_file.py"]
    assert not [f for f in set(os.listdir("/tmp")) - before if f.startswith("hostile_")]


def test_no_core_dump(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(HOSTILE / "dumps_core.py", tmp_path / "dumps_core.py")
    report = grade(f"{tmp_path / 'dumps_core.py'}:Adam", "adam")
    assert "it was killed by signal SIGABRT" in report.summary()
    assert sorted(os.listdir(tmp_path)) == ["dumps_core.py"]


# ---------------------------------------------------------------------------- the grader's process
def test_signals_reach_nothing_outside_the_sandbox():
    report = grade(hostile("kills_grader"), "sgd")  # this test's process is the grader: it is still here
    one_line_failure(report)
    assert grade(f"{RIGHT_ADAM}:Adam", "adam").passed


def test_the_graders_environment_and_memory_are_out_of_reach():
    """A grader started with a secret in its environment: nothing of it in the report."""
    code = ("import json; from numopt.grading import grade; "
            f"r = grade({hostile('reads_grader_memory')!r}, 'adam'); "
            "print(r.to_text(tracebacks=True)); print(json.dumps(r.to_gradescope()))")
    env = {**os.environ, "NUMOPT_TEST_SECRET": "hunter2"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "step(params, grads) raised RuntimeError at step 1" in done.stdout
    assert "hunter2" not in done.stdout


def test_no_network(tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    port = server.getsockname()[1]
    source = (HOSTILE / "uses_network.py").read_text().replace("PORT = 0", f"PORT = {port}")
    (tmp_path / "uses_network.py").write_text(source)
    with server:
        assert grade(f"{tmp_path / 'uses_network.py'}:Adam", "sgd").passed
        with pytest.raises(TimeoutError):
            server.accept()


def test_an_error_message_does_not_carry_the_hidden_cases():
    report = grade(hostile("leaks_hidden_cases"), "adam", seed=1234)
    one_line_failure(report)
    seen = json.dumps(report.to_gradescope())  # what the students see
    case = default_cases(1234)[0]
    for value in (*case.theta0.ravel()[:3], *case.grads[0].ravel()[:3]):
        assert f"{value:.4f}"[-6:] not in seen  # digits of the hidden parameters and gradients
    assert "1234" not in seen and "raised ValueError at step 1" in seen


# ---------------------------------------------------------------------------- what the adapter says
def test_text_forged_by_patching_the_adapter_stays_one_bounded_printable_line_per_item(tmp_path):
    report = grade(hostile("forges_report_text"), "adam")
    one_line_failure(report)
    text = report.to_text()
    assert len(report.notes) <= 10 and len(text) < 20_000, len(text)
    assert "\x1b" not in text and "\nzed,9,9" not in text
    assert not any(line.lstrip().startswith(("PASS  every case", "Public checks passed")) for line in text.splitlines())
    shutil.copy(HOSTILE / "forges_report_text.py", tmp_path / "mallory.py")
    shutil.copy(RIGHT_ADAM, tmp_path / "alice.py")
    results = grade_folder(tmp_path, "adam", tmp_path / "out", workers=1)
    rows = list(csv.reader((tmp_path / "out" / "scores.csv").read_text().splitlines()))
    assert [r[0] for r in rows] == ["student", "alice", "mallory"] and [r.passed for r in results] == [True, False]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row), rows


def test_a_reply_that_crashes_the_decoder_costs_only_its_own_submission_in_a_batch(tmp_path):
    for student, source in (("alice", RIGHT_ADAM), ("mallory", HOSTILE / "forges_deep_json.py"),
                            ("zed", RIGHT_ADAM)):
        shutil.copy(source, tmp_path / f"{student}.py")
    results = grade_folder(tmp_path, "adam", tmp_path / "out", workers=1)
    assert [(r.student, r.passed) for r in results] == [("alice", True), ("mallory", False), ("zed", True)]
    assert "broke the grading protocol" in results[1].diagnosis


# ---------------------------------------------------------------------------- what the grader lets in
_READS_ITS_SIBLING = """try:
    import notes
except Exception:
    pass


class Adam:
    def step(self, params, grads):
        raise RuntimeError(open("/submission/notes.py").read())
"""


def test_a_symbolic_link_beside_a_submission_shows_the_sandbox_nothing_it_points_at(tmp_path):
    (tmp_path / "secret.txt").write_text("HIDDEN_SEED = 424242")
    (tmp_path / "secret.txt").chmod(0o600)
    folder = tmp_path / "subs" / "mallory"
    folder.mkdir(parents=True)
    (folder / "student.py").write_text(_READS_ITS_SIBLING)
    (folder / "notes.py").symlink_to(tmp_path / "secret.txt")
    report = grade(f"{folder / 'student.py'}:Adam", "adam", time_limit=3)
    one_line_failure(report)
    assert "424242" not in report.to_text() and "No such file" in report.summary()


def test_a_submission_that_is_a_symbolic_link_is_not_graded(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    shutil.copy(RIGHT_ADAM, subs / "alice" / "adam.py")
    (subs / "eve").mkdir()
    (subs / "eve" / "student.py").symlink_to(subs / "alice" / "adam.py")  # a classmate's work
    (subs / "bob.py").symlink_to(subs / "alice" / "adam.py")
    report = grade(f"{subs / 'eve' / 'student.py'}:Adam", "adam")
    assert not report.passed and "is a symbolic link" in report.load_error
    results = {r.student: r for r in grade_folder(subs, "adam", tmp_path / "out", workers=1)}
    assert results["alice"].passed and not results["eve"].passed and not results["bob"].passed
    assert "eve/ has 0 .py files" in results["eve"].diagnosis and "symbolic link" in results["bob"].diagnosis


def test_the_gradescope_submission_cannot_link_to_the_autograders_source(tmp_path, capsys):
    root = tmp_path / "autograder"
    assert main(["assignment", "adam", "--gradescope", str(root / "source"), "--seed", "987654"]) == 0
    capsys.readouterr()
    (root / "submission").mkdir()
    (root / "submission" / "src").symlink_to(root / "source")
    (root / "submission" / "adam.py").write_text(
        "try:\n    import src\nexcept Exception:\n    pass\n\n\nclass Adam:\n    def step(self, params, grads):\n"
        "        import os\n        raise RuntimeError(' '.join(os.listdir('/submission')))\n")
    env = {**os.environ, "NUMOPT_AUTOGRADER_ROOT": str(root), "NUMOPT_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr
    output = (root / "results" / "results.json").read_text()
    assert "autograder.json" not in output and "run_autograder" not in output
    assert "raised RuntimeError at step 1: adam.py" in output


# ---------------------------------------------------------------------------- names in the results
def test_names_that_collide_with_a_classmate_or_the_graders_files_are_all_graded_apart(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    shutil.copy(RIGHT_ADAM, subs / "alice" / "adam.py")
    for name in ("alice.py", "scores.csv.py", '=HYPERLINK("http:__evil.example","x").py'):
        (subs / name).write_text("class Adam:\n    def step(self, params, grads):\n        pass\n")
    results = grade_folder(subs, "adam", tmp_path / "out", workers=1)
    assert {r.student: r.passed for r in results} == {
        "alice": True, "alice.py": False, "scores.csv.py": False, '=HYPERLINK("http:__evil.example","x")': False}
    rows = list(csv.reader((tmp_path / "out" / "scores.csv").read_text().splitlines()))
    assert len(rows) == 5 and rows[1][0] == '\'=HYPERLINK("http:__evil.example","x")'
    assert json.loads((tmp_path / "out" / "alice" / "results.json").read_text())["score"] == 9

