"""Issue 15: what a newcomer trips over in the first hour, each fixed and checked here.

Item 4: errors that said nothing but raw Python now say what to do. Item 5: the
command line (``--version``, output checked before work, progress, counts such as
``1e3``), all through :func:`numopt.cli.main`.
"""

import re
import subprocess
import sys

import numpy as np
import pytest

import numopt
from numopt import problems
from numopt.cli import CLIError, count, main


def _without_matplotlib(monkeypatch):
    """Make ``import matplotlib`` fail as it does where the extra is not installed."""
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.") or m == "numopt.plot"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.delattr(numopt, "plot", raising=False)


# ---------------------------------------------------------------------------- item 4: errors
def test_import_plot_without_matplotlib_names_the_extra():
    code = "import sys; sys.modules['matplotlib'] = None; import numopt.plot"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: numopt.plot needs matplotlib")
    assert "pip install 'numopt[plots]'" in last and "pip install -e '.[plots]'" in last


def test_race_without_out_and_without_matplotlib_prints_the_table(capsys, monkeypatch, tmp_path):
    _without_matplotlib(monkeypatch)
    monkeypatch.chdir(tmp_path)
    assert main(["race", "rosenbrock", "--optimizers", "sgd,adam", "--steps", "20"]) == 0
    out, err = capsys.readouterr()
    assert "adam " in out and "wrote" not in out
    assert "no plot" in err and "numopt[plots]" in err
    assert list(tmp_path.iterdir()) == []


def test_race_with_out_and_without_matplotlib_fails_before_the_work(capsys, monkeypatch, tmp_path):
    _without_matplotlib(monkeypatch)
    assert main(["race", "rosenbrock", "--steps", "20", "--out", str(tmp_path / "r.png")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("numopt: error: --out needs matplotlib: pip install 'numopt[plots]'")


def test_figures_without_matplotlib_names_the_extra(capsys, monkeypatch, tmp_path):
    _without_matplotlib(monkeypatch)
    assert main(["figures", "--out", str(tmp_path)]) == 2
    assert "numopt figures needs matplotlib: pip install 'numopt[plots]'" in capsys.readouterr().err


def test_contours_of_a_problem_that_is_not_2d_says_so():
    pytest.importorskip("matplotlib")
    from numopt import plot

    for problem, given in [(problems.Rosenbrock(dim=10), "shape (10,)"), (problems.MLP(), "a dict of arrays")]:
        with pytest.raises(ValueError, match=re.escape(given) + ".*plot.loss_curves"):
            plot.contours(problem)


def test_plots_accept_one_trajectory():
    pytest.importorskip("matplotlib")
    from numopt import plot

    traj = numopt.run("adam", "rosenbrock", 10)
    _, (left, right) = plot.figure(1, 2)
    plot.contours(problems.Rosenbrock(), traj, ax=left)
    plot.loss_curves(traj, ax=right)
    assert [line.get_label() for line in right.get_lines()] == ["adam"]
    assert "adam" in [line.get_label() for line in left.get_lines()]


@pytest.mark.parametrize("problem", [problems.Quadratic(), problems.Rosenbrock(), problems.Beale()], ids=repr)
@pytest.mark.parametrize("convert", [list, tuple, lambda a: a.astype(int).tolist()], ids=["list", "tuple", "ints"])
def test_problems_accept_array_likes(problem, convert):
    theta = np.array([1.0, 2.0])
    expected = (problem.loss(theta), problem.grad(theta))
    assert problem.loss(convert(theta)) == expected[0]
    np.testing.assert_array_equal(problem.grad(convert(theta)), expected[1])


def test_problems_keep_float32():
    assert problems.Rosenbrock().grad(np.ones(2, np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: numopt.Adam(betas=(0.9, 0.999)), "did you mean beta1, beta2?"),
        (lambda: numopt.Adam(learning_rate=1e-3), "did you mean lr?"),
        (lambda: numopt.AdamW(epsilon=1e-8), "did you mean eps?"),
        (lambda: numopt.Nadam(b1=0.9), "did you mean beta1?"),
        (lambda: numopt.RMSProp(alpha=0.99), "did you mean beta?"),
        (lambda: numopt.Momentum(momentum=0.9), "did you mean beta?"),
        (lambda: numopt.Funnel(momentum=0.9), "did you mean mu?"),
        (lambda: numopt.Momentum(nesterov=True), "numopt.NAG"),
        (lambda: numopt.SGD(lr=0.1, weight_decay=1e-4), "SGD takes: lr"),
    ],
)
def test_other_libraries_names_get_numopts(call, expected):
    with pytest.raises(TypeError, match=re.escape(expected)):
        call()


def test_the_name_check_applies_to_every_optimizer_and_keeps_signatures():
    import inspect

    for cls in numopt.OPTIMIZERS.values():
        with pytest.raises(TypeError, match=rf"^{cls.__name__}\(\) got an unexpected keyword argument 'betas'"):
            cls(betas=(0.9, 0.999))
        assert "lr" in inspect.signature(cls).parameters

    class Student(numopt.Optimizer):  # a subclass outside numopt gets the check too
        def __init__(self, lr=0.1):
            super().__init__(lr=lr)

    with pytest.raises(TypeError, match="did you mean lr"):
        Student(learning_rate=0.1)
    assert Student(lr=0.5).lr == 0.5


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float16])
def test_an_integer_array_message_ends_with_the_fix(dtype):
    params = {"w": np.ones(3, dtype)}
    with pytest.raises(TypeError) as info:
        numopt.SGD().step(params, {"w": np.ones(3)})
    assert str(info.value).endswith("params['w'] = params['w'].astype(float)")


# ---------------------------------------------------------------------------- item 5: the command line
def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"numopt {numopt.__version__}\n"


def test_figures_checks_out_before_any_work(capsys, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    assert main(["figures", "--small", "--out", str(blocker)]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no "[1/10] ..." progress: nothing was computed
    assert err == f"numopt: error: --out {blocker}: is not a folder\n"


@pytest.mark.parametrize(("text", "value"), [("1000", 1000), ("1e3", 1000), ("1_000", 1000), ("2.5e1", 25)])
def test_counts_accept_scientific_notation(text, value):
    assert count("--steps", text) == value


@pytest.mark.parametrize("text", ["0", "1.5", "1e-3", "ten", "inf", "nan", "-1e3"])
def test_counts_refuse_what_is_not_a_whole_number(text):
    with pytest.raises(CLIError, match=re.escape(f"--steps {text!r} is not valid; expected a whole number >= 1")):
        count("--steps", text)


def test_race_and_bench_accept_1e3_counts(capsys):
    assert main(["race", "quadratic", "--optimizers", "sgd", "--steps", "1e3", "--seed", "1e1", "--no-plot"]) == 0
    assert "1000 steps, seed 10" in capsys.readouterr().out
    assert main(["bench", "--sizes", "1e3", "--algorithms", "sgd", "--dtypes", "float64", "--repeats", "1e0"]) == 0


def test_bench_shows_progress_and_says_when_torch_is_missing(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    args = ["bench", "--sizes", "1e3,2e3", "--algorithms", "sgd,adam", "--dtypes", "float64", "--repeats", "1"]
    assert main([*args, "--json"]) == 0
    out, err = capsys.readouterr()
    assert out.lstrip().startswith("{")  # progress goes to stderr, the JSON alone to stdout
    assert "torch is not installed" in err
    assert "[1/4] sgd float64 1e+03" in err and "[4/4] adam float64 2e+03" in err
