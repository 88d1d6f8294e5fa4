"""``numopt grade`` and ``numopt assignment``: exit codes, reports, results.json, starter files."""

import json
import re
from pathlib import Path

import pytest

import numopt
from numopt.cli import main
from numopt.grading import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"
WRONG = f"{FIXTURES / 'wrong_adam.py'}:Adam"
RIGHT = f"{FIXTURES / 'adam_class.py'}:Adam"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_grade_a_wrong_student(capsys):
    status, out, err = run(capsys, "grade", WRONG, "--algorithm", "adam")
    assert status == 1
    assert "Diagnosis: Your update matches Adam without bias correction on m̂" in out
    assert "State: m_hat first differs from the reference at step 1" in out
    assert "FAILED: 9 of 9 cases fail." in out
    assert "Traceback" not in out + err


def test_grade_a_right_student(capsys):
    status, out, _ = run(capsys, "grade", RIGHT, "--algorithm", "adam", "--hp", "lr=1e-2,beta1=0.8")
    assert status == 0
    assert "Public checks passed (9 of 9 cases)." in out
    assert "all tests passed" not in out.lower()
    assert "lr=0.01, beta1=0.8" in out


def test_options_reach_the_grader(capsys):
    """--allow accepts the variant; --rtol loose enough lets the wrong student through."""
    eps_in = f"{FIXTURES / 'cs231n_style.py'}:adam"
    assert run(capsys, "grade", eps_in, "-a", "adam", "--hp", "eps_in_sqrt=true")[0] == 1
    status, out, _ = run(capsys, "grade", eps_in, "-a", "adam", "--hp", "eps_in_sqrt=true", "--allow", "eps_in_sqrt")
    assert status == 0 and "legitimate variant accepted" in out
    # m differs from m̂ by the factor 1 − β1ᵗ in (0, 1]: |Δx − Δy| < |Δy|, inside rtol = 2 (rtol = 1 would be the edge)
    assert run(capsys, "grade", WRONG, "-a", "adam", "--rtol", "2", "--atol", "1")[0] == 0
    status, out, _ = run(capsys, "grade", RIGHT, "-a", "adam", "--seed", "3")
    assert status == 0 and "Hidden checks passed" in out and "\nseed 3;" in out  # the seed: in the header only
    loops = f"{FIXTURES / 'misbehaving.py'}:Loops"  # killed in its child process, on Python 3.10 too
    status, out, _ = run(capsys, "grade", loops, "-a", "sgd", "--time-limit", "0.25")
    assert status == 1 and "did not return within 0.25 s at step 1" in out
    status, _, err = run(capsys, "grade", RIGHT, "-a", "adam", "--time-limit", "-1")
    assert status == 2 and "time_limit=-1.0 is not allowed" in err


RESULT_KEYS = {"name", "score", "max_score", "output", "visibility"}
VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}


def check_results_json(data):
    """The results.json shape Gradescope reads: a score and a list of tests."""
    assert isinstance(data, dict)
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["tests"], list) and data["tests"]
    for test in data["tests"]:
        assert set(test) == RESULT_KEYS
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["output"], str)
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["visibility"] in VISIBILITY
    assert data["score"] == sum(t["score"] for t in data["tests"])


@pytest.mark.parametrize(("spec", "status", "score"), [(RIGHT, 0, 9), (WRONG, 1, 0)])
def test_json_is_gradescope_results(capsys, spec, status, score):
    code, out, _ = run(capsys, "grade", spec, "--algorithm", "adam", "--json", "--visibility", "after_published")
    assert code == status
    data = json.loads(out)
    check_results_json(data)
    assert data["score"] == score
    assert {t["visibility"] for t in data["tests"]} == {"after_published"}
    if status:
        assert "without bias correction on m̂" in data["tests"][0]["output"]


def test_json_when_the_student_file_does_not_import(capsys, tmp_path):
    broken = tmp_path / "student.py"
    broken.write_text("raise RuntimeError('oops')\n")
    code, out, _ = run(capsys, "grade", f"{broken}:Adam", "--algorithm", "adam", "--json")
    assert code == 1
    data = json.loads(out)
    check_results_json(data)
    assert data["score"] == 0
    assert "could not import student.py: RuntimeError: oops (line 1)" in data["tests"][0]["output"]
    assert str(tmp_path) not in out  # the student's file by its name, not the grader's folders
    right = json.loads(run(capsys, "grade", RIGHT, "--algorithm", "adam", "--json")[1])
    assert [(t["name"], t["max_score"]) for t in data["tests"]] == [(t["name"], t["max_score"]) for t in right["tests"]]


def test_json_stays_valid_when_the_candidate_prints(capsys):
    code, out, _ = run(capsys, "grade", f"{FIXTURES / 'misbehaving.py'}:Prints", "-a", "sgd", "--json")
    assert code == 0
    check_results_json(json.loads(out))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--algorithm", "adamm"], "algorithm 'adamm' is unknown"),
        (["--algorithm", "adam", "--hp", "lr"], "--hp 'lr' is not NAME=VALUE"),
        (["--algorithm", "adam", "--hp", "lr=fast"], "--hp lr='fast' is not a value"),
        (["--algorithm", "adam", "--hp", "gamma=1"], "--hp gamma=1: 'gamma' is not a hyperparameter of adam"),
        (["--algorithm", "adam", "--allow", "dozat"], "allow='dozat' is not a variant of adam"),
        (["--algorithm", "adam", "--seed", "-2"], "seed=-2"),
        (["--algorithm", "adam", "--memory-limit", "0"], "--memory-limit 0 is not allowed; expected a number of MB"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, argv, message):
    status, _, err = run(capsys, "grade", RIGHT, *argv)
    assert status == 2
    assert err.startswith("numopt: error: ") and message in err
    assert err.count("\n") == 1


# ---------------------------------------------------------------------------- starter files
BODIES = {
    # written from the equations in each starter's docstring
    "adam": """
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grads
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads * grads
        m_hat = self.m / (1 - self.beta1 ** self.t)
        v_hat = self.v / (1 - self.beta2 ** self.t)
        params -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
""",
    "adagrad": """
        self.t += 1
        self.v += grads * grads
        params -= self.lr * grads / (np.sqrt(self.v) + self.eps)
""",
    "egsgd": """
        self.t += 1
        self.nu = self.nu * np.exp(self.gamma * self.g_prev * grads)
        params -= self.lr * self.nu * grads
        self.g_prev = grads.copy()
""",
    "lion": """
        self.t += 1
        c = self.beta1 * self.m + (1 - self.beta1) * grads
        params -= self.lr * (np.sign(c) + self.weight_decay * params)
        self.m = self.beta2 * self.m + (1 - self.beta2) * grads
""",
    "schedule_free": """
        self.t += 1
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads * grads
        u = grads / (np.sqrt(self.v / (1 - self.beta2 ** self.t)) + self.eps) + self.weight_decay * params
        self.z = self.z - self.lr * u
        self.lr_max = np.maximum(self.lr_max, self.lr)
        self.weight_sum = self.weight_sum + self.lr_max ** 2
        c = self.lr_max ** 2 / self.weight_sum
        self.x = (1 - c) * self.x + c * self.z
        params[...] = self.beta * self.x + (1 - self.beta) * self.z
""",
}


@pytest.mark.parametrize("key", sorted(BODIES))
def test_assignment_starter_imports_fails_then_passes(capsys, tmp_path, key):
    path = tmp_path / f"{key}_homework.py"
    status, out, _ = run(capsys, "assignment", key, "-o", path)
    assert status == 0 and path.exists()
    source = path.read_text()
    class_name = re.search(r"^class (\w+):", source, re.M).group(1)
    assert f"numopt grade {path.name}:{class_name} --algorithm {key}" in source  # the local check command
    assert "step t = 1, 2, …" in source  # the algorithm box and the sentence that introduces it
    assert f"numopt grade {path.name}:{class_name}" in out

    report = grade(f"{path}:{class_name}", key)
    assert not report.passed
    assert "is not implemented yet: it raised NotImplementedError at step 1" in report.summary()

    raise_line = re.search(r"^ *raise NotImplementedError\(.*\)\n", source, re.M).group(0)
    path.write_text(source.replace(raise_line, BODIES[key].lstrip("\n")))
    report = grade(f"{path}:{class_name}", key, {"lr": 0.05})
    assert report.passed, report.summary()


def test_a_wrapper_has_no_starter_and_the_command_says_why_in_one_line(capsys, tmp_path):
    status, out, err = run(capsys, "assignment", "lookahead", "-o", tmp_path / "lookahead_homework.py")
    assert status == 2 and not out and "wraps another optimizer" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "lookahead_homework.py").exists()


@pytest.mark.parametrize("key", [k for k in numopt.OPTIMIZERS if k != "lookahead"])  # a wrapper: the test above
def test_every_algorithm_has_a_starter_that_imports_and_is_not_implemented(capsys, tmp_path, key):
    path = tmp_path / f"{key}_homework.py"
    status, _, _ = run(capsys, "assignment", key, "-o", path)
    assert status == 0
    class_name = re.search(r"^class (\w+):", path.read_text(), re.M).group(1)
    assert "is not implemented yet" in grade(f"{path}:{class_name}", key).summary()


def test_adagrad_starter_uses_the_initial_accumulator(tmp_path, capsys):
    path = tmp_path / "adagrad_hw.py"
    run(capsys, "assignment", "adagrad", "-o", path)
    assert "np.full_like(params, self.initial_accumulator_value)" in path.read_text()


def test_assignment_refuses_to_overwrite(capsys, tmp_path):
    path = tmp_path / "a.py"
    path.write_text("# mine\n")
    status, _, err = run(capsys, "assignment", "adam", "-o", path)
    assert status == 2 and "exists" in err and path.read_text() == "# mine\n"
    assert run(capsys, "assignment", "adam", "-o", path, "--force")[0] == 0
    assert run(capsys, "assignment", "nope", "-o", tmp_path / "b.py")[0] == 2


def test_a_module_with_several_functions_is_graded_in_one_run(capsys):
    optim = FIXTURES / "cs231n_optim.py"
    status, out, _ = run(capsys, "grade", optim, "--algorithm", "sgd,momentum,rmsprop,adam")
    assert status == 1
    assert "Grading cs231n_optim.py:sgd against numopt sgd" in out
    assert "Grading cs231n_optim.py:sgd_momentum against numopt momentum" in out
    assert "RMSProp with ε inside the square root" in out
    assert "3 of 4 algorithms pass." in out
    status, out, _ = run(capsys, "grade", optim, "--algorithm", "sgd,momentum,adam", "--json")
    data = json.loads(out)
    check_results_json(data)
    assert status == 0 and data["score"] == len(data["tests"]) == 3 * 9  # 9 cases each, all passed


COURSEWORK = Path(__file__).parent / "grading_coursework" / "dev"


def test_signature_and_strict_reach_the_grader_and_the_report_echoes_them(capsys):
    step = f"{COURSEWORK / 'signature_adam_efficient_no_mhat.py'}:adam_step"
    spec = "adam_step(lr, beta1, beta2, eps, w, g, m, v, t) -> (w, m, v)"
    status, out, _ = run(capsys, "grade", step, "-a", "adam", "--signature", spec)
    assert status == 1 and f"called as {spec}" in out
    assert "no bias correction on m̂" in out
    status, _, err = run(capsys, "grade", step, "-a", "adam", "--signature", spec, "--form", "pure")
    assert status == 2 and "both say how to call the candidate" in err
    status, _, err = run(capsys, "grade", step, "-a", "adam", "--signature", "adam_step(lr, w, g, weird)")
    assert status == 2 and "argument 'weird' has no known role" in err
    efficient = f"{COURSEWORK / 'cs231n_adam_efficient.py'}:adam"
    status, out, _ = run(capsys, "grade", efficient, "-a", "adam")
    assert status == 0 and "variants accepted: efficient" in out
    status, out, _ = run(capsys, "grade", efficient, "-a", "adam", "--strict")
    assert status == 1 and "variants accepted: none" in out and "--allow efficient" in out
