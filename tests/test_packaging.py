"""Issue 15, items 1, 2 and 6: what setup.cfg declares is what CI tests and what the README uses.

Read from the files themselves (setup.cfg, pyproject.toml, README.md, .ci/run), so that
a change to one without the others fails here rather than in a newcomer's first hour.
"""

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = configparser.ConfigParser()
SETUP.read(ROOT / "setup.cfg", encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _lines(section: str, key: str) -> list[str]:
    return [line.strip() for line in SETUP[section][key].splitlines() if line.strip()]


def _extra(name: str) -> set[str]:
    """The distributions an extra installs, with ``numopt[a,b]`` expanded."""
    found = set()
    for requirement in _lines("options.extras_require", name):
        project = re.match(r"[A-Za-z0-9_.-]+", requirement).group()
        if project == "numopt":
            for other in re.search(r"\[(.*)\]", requirement).group(1).split(","):
                found |= _extra(other.strip())
        else:
            found.add(project.lower())
    return found


def _oldest() -> tuple[str, str]:
    python = re.fullmatch(r">=\s*([\d.]+)", SETUP["options"]["python_requires"]).group(1)
    numpy = next(re.fullmatch(r"numpy>=([\d.]+)", r).group(1) for r in _lines("options", "install_requires"))
    return python, numpy


# ---------------------------------------------------------------------------- item 1: CI tests the declared range
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_runs_the_oldest_python_and_numpy_that_setup_cfg_declares():
    out = subprocess.run(["bash", str(ROOT / ".ci" / "run"), "--oldest"], capture_output=True, text=True, check=True)
    python, numpy = _oldest()
    assert out.stdout.split() == ["python", python, "numpy", numpy]
    assert (python, numpy) == ("3.10", "1.24")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_runs_the_newest_python_the_classifiers_declare():
    out = subprocess.run(["bash", str(ROOT / ".ci" / "run"), "--newest"], capture_output=True, text=True, check=True)
    classifiers = _lines("metadata", "classifiers")
    named = [c.rsplit(" ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert out.stdout.split() == ["python", max(named, key=lambda v: int(v.split(".")[1]))] == ["python", "3.13"]


def test_ci_checks_the_lessons_on_another_cpus_kernels():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" OPENBLAS_CORETYPE=Haswell' in run
    assert "-m slow -k runs_and_matches tests/test_lessons.py" in run


def test_the_classifiers_name_every_python_from_the_oldest_on():
    classifiers = _lines("metadata", "classifiers")
    named = sorted(
        (int(m.group(1)), int(m.group(2)))
        for c in classifiers
        if (m := re.fullmatch(r"Programming Language :: Python :: (\d+)\.(\d+)", c))
    )
    oldest = tuple(int(x) for x in _oldest()[0].split("."))
    assert named[0] == oldest
    assert named == [(3, minor) for minor in range(oldest[1], named[-1][1] + 1)]


def test_the_slow_tests_are_a_marker_the_second_run_can_leave_out():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"slow:' in pyproject
    assert "not slow and not torch" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- item 2: one set-up command
def test_the_readme_set_up_command_installs_everything_the_readme_uses():
    command = re.search(r'pip install -e "\.\[(\w+)\]"', README)
    assert command, "the README's set-up command"
    installed = _extra(command.group(1))
    needed = {"matplotlib", "jupyterlab", "ipywidgets", "nbconvert", "jupytext", "ipykernel", "pytest", "ruff"}
    assert needed <= installed, needed - installed
    assert _extra("test") <= installed and _extra("lessons") <= installed and _extra("plots") <= installed
    for extra in SETUP["options.extras_require"]:
        assert f"`{extra}`" in README, f"the README does not name the {extra!r} extra"


def test_every_jupyter_command_of_the_readmes_is_installed_by_the_lessons_extra():
    text = README + (ROOT / "lessons" / "README.md").read_text(encoding="utf-8")
    provider = {"lab": "jupyterlab", "nbconvert": "nbconvert", "notebook": "notebook"}
    for sub in set(re.findall(r"\bjupyter (\w+)", text)):
        assert provider.get(sub) in _extra("lessons"), f"jupyter {sub}"


# ---------------------------------------------------------------------------- item 6: packaging
def test_packaging_metadata():
    meta = SETUP["metadata"]
    classifiers = _lines("metadata", "classifiers")
    assert meta["license_expression"] == "MIT" and "license" not in meta
    assert not [c for c in classifiers if c.startswith("License ::")]  # setuptools >= 77 warns about these
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert any(c.startswith("Intended Audience ::") for c in classifiers)
    assert "Typing :: Typed" in classifiers
    build = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'requires = \["setuptools>=(\d+)"', build) and int(
        re.search(r'"setuptools>=(\d+)"', build).group(1)
    ) >= 77  # license_expression


def test_py_typed_ships():
    assert (ROOT / "numopt" / "py.typed").is_file()
    assert _lines("options.package_data", "numopt") == ["py.typed"]
