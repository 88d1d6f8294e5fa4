"""``numopt list``, ``numopt race`` and ``numopt figures``; the plot helpers they use."""

import subprocess
import sys

import numpy as np
import pytest

import numopt
from numopt.cli import main
from numopt.figures import FIGURES
from numopt.problems import PROBLEMS, Quadratic
from numopt.runner import learning_rate


def test_list_prints_every_algorithm(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for key, cls in numopt.OPTIMIZERS.items():
        assert key in out and cls.__name__ in out


def test_race_table_matches_the_closed_form_for_sgd(capsys, tmp_path):
    problem = Quadratic()
    eta, tol = learning_rate("sgd", problem), 1e-4
    # SGD on the quadratic: d_k = (I − ηA)^k d_0, loss ½ d_kᵀ A d_k
    M, d = np.eye(2) - eta * problem.A, problem.init() - problem.minimizer
    k = 0
    while 0.5 * d @ problem.A @ d > tol:
        d, k = M @ d, k + 1
    out_png = tmp_path / "race.png"
    assert main(["race", "quadratic", "--optimizers", "sgd,adam", "--steps", "200", "--out", str(out_png)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("sgd "))
    assert row.split()[3] == str(k)
    assert any(line.startswith("adam ") for line in out.splitlines())
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_race_reports_a_failed_run_and_goes_on(capsys, tmp_path):
    # EGU cannot start at Rosenbrock's (−1.2, 1): it keeps parameters positive
    assert main(["race", "rosenbrock", "--optimizers", "egu,sgd", "--steps", "5", "--no-plot"]) == 0
    out = capsys.readouterr().out
    assert "failed  egu: params has min value -1.2" in out
    assert any(line.startswith("sgd ") for line in out.splitlines())
    assert main(["race", "rosenbrock", "--optimizers", "egu", "--steps", "5", "--no-plot"]) == 1
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["race", "nope"], "unknown problem 'nope'; expected one of: " + ", ".join(PROBLEMS)),
        (["race", "quadratic", "--optimizers", "adam,adamm"], "unknown optimizer 'adamm'; expected"),
        (["race", "quadratic", "--optimizers", ","], "unknown optimizer ','; expected"),
        (["race", "quadratic", "--steps", "0"], "--steps '0' is not valid; expected a whole number >= 1"),
        (["race", "quadratic", "--steps", "ten"], "--steps 'ten' is not valid"),
        (["race", "quadratic", "--tol", "-1"], "--tol '-1' is not valid; expected a number >= 0"),
        (["race", "quadratic", "--seed", "-3"], "--seed '-3' is not valid; expected a whole number >= 0"),
        (["figures", "--only", "nope.png"], "unknown figure 'nope.png'; expected one of: rosenbrock.png"),
    ],
)
def test_bad_input_is_one_line_with_exit_status_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"numopt: error: {message}")
    assert err.count("\n") == 1


def test_the_command_exits_with_status_2_and_lists_the_names():
    result = subprocess.run(
        [sys.executable, "-m", "numopt", "race", "nope"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"numopt: error: unknown problem 'nope'; expected one of: {', '.join(PROBLEMS)}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "numopt: error: the following arguments are required: COMMAND; see numopt --help"),
        (["race"], "numopt race: error: the following arguments are required: PROBLEM; see numopt race --help"),
        (["race", "quadratic", "--bogus"], "numopt: error: unrecognized arguments: --bogus; see numopt --help"),
        (["nosuch"], "numopt: error: argument COMMAND: invalid choice: 'nosuch'"),
    ],
)
def test_usage_errors_are_one_line_with_exit_status_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_an_output_file_that_cannot_be_written_is_one_line_with_exit_status_2(capsys, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    assert main(["race", "quadratic", "--steps", "3", "--optimizers", "sgd", "--out", str(blocker / "x.png")]) == 2
    err = capsys.readouterr().err
    assert err == (f"numopt: error: --out {blocker / 'x.png'}: {blocker} is a file, not a folder; "
                   "expected a path through folders\n")  # the folder of --out cannot be made


def test_a_closed_pipe_ends_the_command_quietly():
    """``numopt list | head -1`` when head has gone before numopt writes: no traceback, status 141."""
    process = subprocess.Popen([sys.executable, "-m", "numopt", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the only reader leaves before the first write
    err = process.stderr.read()
    assert process.wait() == 141
    assert err == b""


@pytest.mark.parametrize(
    ("command", "options"),
    [("race", ["--optimizers", "--steps", "--tol", "--seed", "--out", "--no-plot"]), ("figures", ["--out", "--small"])],
)
def test_help_lists_every_option(capsys, command, options):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(option in out for option in options)


@pytest.mark.slow
def test_figures_small_writes_every_file_and_reruns_byte_identically(capsys, tmp_path):
    assert main(["figures", "--small", "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert f"[{len(FIGURES)}/{len(FIGURES)}]" in out
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert written == sorted(FIGURES)
    assert main(["figures", "--small", "--out", str(tmp_path / "b"), "--only", "ewma.png", "reddi.png"]) == 0
    for name in ("ewma.png", "reddi.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_plot_helpers_draw_on_the_given_axes():
    from numopt import plot

    _, axes = plot.figure(1, 4)
    problem = Quadratic()
    runs = {"sgd": numopt.run("sgd", problem, 5), "adam": numopt.run("adam", problem, 5)}
    assert plot.contours(problem, runs, ax=axes[0], resolution=10) is axes[0]
    assert plot.loss_curves(runs, ax=axes[1]) is axes[1]
    assert plot.curves({"adam": np.ones(5)}, ax=axes[2], markers=[2]) is axes[2]
    assert plot.ewma_bars(0.5, 4, ax=axes[3]) is axes[3]
    # the raw weights (1 − β)β^(t−i), i = 1..4, β = 0.5: 1/16, 1/8, 1/4, 1/2
    heights = [bar.get_height() for bar in axes[3].patches[:4]]
    assert heights == [0.0625, 0.125, 0.25, 0.5]
    with pytest.raises(ValueError, match=r"^beta=1\.0; expected 0 < beta < 1"):
        plot.ewma_bars(1.0, 3)


def test_every_registered_algorithm_has_a_colour_and_a_panel():
    """plot.COLORS and figures.GROUPS are choices per algorithm; they must follow the one registry."""
    from numopt import plot
    from numopt.figures import GROUPS

    assert set(plot.COLORS) == set(numopt.OPTIMIZERS)
    assert {key for _, keys in GROUPS for key in keys} == set(numopt.OPTIMIZERS)
