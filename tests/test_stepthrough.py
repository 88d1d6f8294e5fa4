"""``numopt.explain`` and ``numopt explain``: every box line of one step, with its code and its numbers.

The values must be those of a real ``step`` (bitwise, every algorithm, variant
and dtype, blocked or not), and nothing of the caller's may change.
"""

from __future__ import annotations

import copy
import html
import json
import shlex
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from conftest import VARIANTS, positive_params

import numopt
from numopt import guard
from numopt.box import box_statements, to_latex
from numopt.cli import main
from numopt.stepthrough import Explanation


def _same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _same_state(a, b) -> bool:
    return a.keys() == b.keys() and all(
        _same_bits(x, y) if not isinstance(x, dict) else _same_state(x, y) for x, y in zip(
            a.values(), b.values(), strict=True))


def _warmed(variant, dtype, gradient, steps=2):
    """A variant that has taken ``steps`` steps (non-zero state), its params and the next gradient."""
    opt = variant.make(lr=0.05) if variant.key != "adadelta" else variant.make()
    params = positive_params(dtype)
    for t in range(1, steps + 1):
        opt.step(params, {k: gradient(v, t) for k, v in params.items()})
    grads = {k: gradient(v, steps + 1) for k, v in params.items()}
    return opt, params, grads


def _check_against_step(opt, params, grads, steps):
    before_params, before_grads = copy.deepcopy(params), copy.deepcopy(grads)
    before_state, before_t = copy.deepcopy(opt.state_dict()), opt.t

    explanation = numopt.explain(opt, params, grads, steps=steps)

    reference, ref_params = copy.deepcopy(opt), copy.deepcopy(params)
    for i in range(steps):
        reference.step(ref_params, grads)
        recorded = explanation.steps[i]
        assert recorded.t == reference.t
        for key in ref_params:
            assert _same_bits(recorded.params[key], ref_params[key])
            assert _same_bits(explanation.value_of("theta", t=reference.t, param=key), ref_params[key])
            assert _same_state(recorded.state[key], reference.state[key])
            for name in reference.state[key]:
                assigned = [line for line in recorded.lines if line.param == key and name in line.assigned]
                if assigned:
                    assert _same_bits(assigned[-1].values[name], reference.state[key][name]), (key, name)
    # nothing of the caller's changed
    assert opt.t == before_t
    after_state = opt.state_dict()["state"]
    assert len(after_state) == len(before_state["state"])
    assert all(_same_state(x, y) for x, y in zip(after_state, before_state["state"], strict=True))
    assert all(_same_bits(params[k], before_params[k]) for k in params)
    assert all(_same_bits(grads[k], before_grads[k]) for k in grads)
    return explanation


BOXED = [v for v in VARIANTS if v.key != "lookahead"]
"""The variants whose step is their box alone. Lookahead's θ moves in its inner optimizer's step, outside its own
box (the synchronisation): explain records that box only, so "explain records exactly what step computes"
cannot hold for a wrapper; its box lines are still explained (the tests on every box line run it)."""
only_boxed = pytest.mark.parametrize("variant", BOXED, ids=[v.name for v in BOXED])


@only_boxed
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_explain_records_exactly_what_step_computes_and_changes_nothing(variant, dtype, gradient):
    opt, params, grads = _warmed(variant, dtype, gradient)
    explanation = _check_against_step(opt, params, grads, steps=2)
    assert [s.t for s in explanation.steps] == [3, 4]


@only_boxed
def test_explain_from_a_fresh_optimizer_matches_step(variant, gradient):
    opt = variant.make()
    params = positive_params()
    grads = {k: gradient(v, 1) for k, v in params.items()}
    _check_against_step(opt, params, grads, steps=3)
    assert opt.t == 0 and opt.state == {}


@only_boxed
def test_blocked_arrays_are_recorded_whole_and_exactly(variant, gradient, monkeypatch):
    monkeypatch.setattr(guard, "BLOCK_BYTES", 2 * 8)  # every float64 array of more than 2 elements is blocked
    opt, params, grads = _warmed(variant, np.float64, gradient)
    explanation = _check_against_step(opt, params, grads, steps=1)
    for line in explanation.lines:
        for name in line.assigned:
            value = line.values[name]
            if isinstance(value, np.ndarray) and name not in ("s",) and opt.elementwise:  # others: never blocked
                assert value.shape == params[line.param].shape, (line.box, name)


def test_every_box_line_appears_once_per_step_and_array_with_skipped_variants(variant, gradient):
    opt, params, grads = _warmed(variant, np.float64, gradient, steps=1)
    explanation = numopt.explain(opt, params, grads, steps=2)
    box = [s.box for s in box_statements(type(opt))]
    for step in explanation.steps:
        for key in params:
            lines = [line for line in step.lines if line.param == key]
            assert [line.box for line in lines] == box
            for line in lines:
                assert line.skipped == (not line.values)
                assert line.skipped or line.assigned, line.box
    marks = {line.mark for line in explanation.lines if line.skipped}
    if variant.key in ("adam", "rmsprop", "nadam", "adagrad", "funnel", "momentum"):
        assert marks, "a variant switch must leave lines of the other form skipped"


def test_adam_values_and_scalar_subexpressions():
    opt = numopt.Adam(lr=0.1)
    explanation = numopt.explain(opt, np.array([1.0, 2.0]), np.array([0.1, -0.2]), steps=2)
    m1 = (1 - 0.9) * np.array([0.1, -0.2])
    assert np.array_equal(explanation.value_of("m", t=1), m1)
    assert explanation.value_of("1 - beta1 ** t", t=1) == 1 - 0.9**1
    assert explanation.value_of("1 - beta1 ** t", t=2) == 1 - 0.9**2
    assert explanation.value_of("1 - beta2 ** t") == 1 - 0.999**2
    assert np.array_equal(explanation.value_of("m_hat", t=1), m1 / (1 - 0.9))
    amsgrad = [line for line in explanation.steps[0].lines if line.mark == "amsgrad"]
    assert len(amsgrad) == 2 and all(line.skipped for line in amsgrad)
    with pytest.raises(KeyError, match="v_max"):
        explanation.value_of("v_max")


def test_advance_is_the_same_as_step(variant, gradient):
    opt, params, grads = _warmed(variant, np.float64, gradient)
    reference, ref_params = copy.deepcopy(opt), copy.deepcopy(params)
    numopt.explain(opt, params, grads, steps=2, advance=True)
    reference.step(ref_params, grads)
    reference.step(ref_params, grads)
    assert opt.t == reference.t
    assert all(_same_bits(params[k], ref_params[k]) for k in params)
    assert all(_same_state(opt.state[k], reference.state[k]) for k in params)


def test_a_gradient_function_is_called_with_the_current_params():
    theta = np.array([3.0, -1.0])
    explanation = numopt.explain(numopt.SGD(lr=0.25), theta, lambda p: 2 * p, steps=3)
    assert np.array_equal(explanation.steps[-1].params, theta * 0.5**3)
    assert np.array_equal(theta, [3.0, -1.0])


def test_a_refused_step_raises_and_changes_nothing():
    opt, theta = numopt.Adam(), np.array([1.0, 2.0])
    with pytest.raises(FloatingPointError):
        numopt.explain(opt, theta, np.array([np.nan, 0.0]), advance=True)
    readonly = np.array([1.0, 2.0])
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match=r"read-only|writeable"):
        numopt.explain(opt, readonly, np.array([0.1, 0.2]))
    assert opt.t == 0 and np.array_equal(theta, [1.0, 2.0])
    with pytest.raises(TypeError, match="numopt optimizer"):
        numopt.explain(object(), theta, theta)
    with pytest.raises(ValueError, match="steps=0"):
        numopt.explain(opt, theta, theta, steps=0)


def test_the_trace_function_of_a_debugger_is_restored():
    def tracer(frame, event, arg):
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        numopt.explain(numopt.SGD(), np.array([1.0]), np.array([1.0]))
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


def test_first_difference_names_the_first_wrong_line():
    opt, theta, g = numopt.Adam(lr=0.1), np.array([1.0, 2.0]), np.array([0.1, -0.2])
    reference = numopt.explain(opt, theta, g, steps=2)
    assert reference.first_difference(reference) is None
    right = {"m": reference.value_of("m"), "v": reference.value_of("v"), "theta": reference.value_of("theta")}
    assert reference.first_difference(right) is None
    wrong = {**right, "v": right["v"] * 1.01, "theta": right["theta"] + 1}
    difference = reference.first_difference(wrong)
    assert difference.name == "v" and difference.line.box.startswith("v_t ←")
    assert "v_t ←" in str(difference) and "step 2" in str(difference)
    assert reference.first_difference(wrong, rtol=0.02, atol=0).name == "theta"
    other = numopt.explain(numopt.Adam(lr=0.1, beta1=0.8), theta, g, steps=2)
    assert reference.first_difference(other).line.box.startswith("m_t ←")


def test_every_box_line_converts_to_latex():
    for cls in numopt.OPTIMIZERS.values():
        for statement in box_statements(cls):
            latex = to_latex(statement.formula)
            assert latex is not None and latex.isascii(), statement.box
    assert to_latex("m̂_t ← m_t / (1 − β1ᵗ)") == r"\hat{m}_{t} \leftarrow m_{t} / (1 - \beta_{1}^{t})"
    assert to_latex("θ ← θ − η ☃") is None


def test_notebook_tables_show_every_executed_line_and_mark_skipped_ones(variant, gradient):
    opt, params, grads = _warmed(variant, np.float64, gradient, steps=1)
    explanation = numopt.explain(opt, params, grads)
    markdown, page, text = explanation._repr_markdown_(), explanation._repr_html_(), explanation.to_text()
    skipped = sum(line.skipped for line in explanation.lines)
    assert markdown.count("*skipped*") == skipped
    assert page.count("<i>skipped</i>") == skipped
    assert sum(row.endswith("  skipped") for row in text.splitlines()) == skipped
    for line in explanation.lines:
        assert f"${line.latex}$".replace("|", r"\|") in markdown, line.box  # a table cell escapes |
        assert f"${html.escape(line.latex)}$" in page and f'title="{html.escape(line.box)}"' in page
        assert line.box in text
        if not line.skipped:
            assert f"<code>{html.escape(line.code)}</code>" in page
            for name in line.values:
                assert f"`{name} = " in markdown


def test_json_has_full_precision():
    explanation = numopt.explain(numopt.Adam(lr=0.1), np.array([1.0, 2.0]), np.array([0.1, -0.2]))
    data = json.loads(json.dumps(explanation.to_json()))
    (step,) = data["steps"]
    line = next(x for x in step["lines"] if x["box"].startswith("m̂_t"))
    assert line["values"]["m_hat"]["value"] == explanation.value_of("m_hat").tolist()
    assert line["values"]["1 - beta1 ** t"] == 1 - 0.9
    assert isinstance(explanation, Explanation)


@pytest.mark.parametrize("key", sorted(numopt.OPTIMIZERS))
def test_cli_explains_every_algorithm(key, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # one row per box line
    assert main(["explain", key, "--grads", "0.1,-0.2", "--params", "1,2", "--steps", "2"]) == 0
    out = capsys.readouterr().out
    for statement in box_statements(numopt.OPTIMIZERS[key]):
        assert out.count(statement.box) == 2
    assert "step t = 2" in out
    assert main(["explain", key, "--grads", "0.1,-0.2", "--json", "--dtype", "float32"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["algorithm"] == key and len(data["steps"]) == 1


def test_cli_variants_and_three_steps_of_adam(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # one row per box line
    assert main(["explain", "adam", "--hp", "lr=0.1", "--hp", "amsgrad=true", "--grads", "0.1,-0.2",
                 "--params", "1,2", "--steps", "3"]) == 0
    out = capsys.readouterr().out
    assert "step t = 3" in out and "v_max = [" in out
    rows = [row for row in out.splitlines() if row.startswith("(otherwise) v̂_t")]
    assert len(rows) == 3 and all(row.endswith("skipped") for row in rows)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["explain", "adamm", "--grads", "1"], "algorithm 'adamm' is unknown"),
        (["explain", "adam", "--grads", "1,x"], "--grads '1,x' is not valid"),
        (["explain", "adam", "--grads", "1,2", "--params", "1"], "expected the same number"),
        (["explain", "adam", "--grads", "1", "--hp", "betaa=0.5"], "'betaa' is not a hyperparameter of adam"),
        (["explain", "adam", "--grads", "1", "--hp", "beta1=2"], "--hp beta1=2.0 is out of range"),
        (["explain", "adam", "--grads", "1", "--steps", "0"], "--steps '0' is not valid"),
        (["explain", "egu", "--grads", "1", "--params", "-1"], "positive"),
    ],
)
def test_cli_usage_errors_exit_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_cli_steps_must_be_a_whole_number(capsys):
    assert main(["explain", "adam", "--grads", "1", "--steps", "two"]) == 2
    err = capsys.readouterr().err
    assert "--steps 'two' is not valid; expected a whole number >= 1" in err and err.count("\n") == 1


def test_cli_steps_accepts_1e0_like_every_other_count(capsys):
    assert main(["explain", "sgd", "--grads", "1", "--steps", "2e0"]) == 0
    assert "step t = 2" in capsys.readouterr().out


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_cli_table_fits_the_terminal(capsys, monkeypatch, columns):
    """Every printed line fits ``columns`` (a single word longer than that, such as a long array, excepted)."""
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["explain", "adam", "--hp", "lr=0.1", "--params", "1,2", "--grads", "0.1,-0.2"]) == 0
    for line in capsys.readouterr().out.splitlines():
        assert _columns(line) <= columns or " " not in line.strip(), line


def test_cli_table_is_the_unwrapped_one_when_it_fits(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")
    assert main(["explain", "adam", "--hp", "lr=0.1", "--params", "1,2", "--grads", "0.1,-0.2"]) == 0
    explanation = numopt.explain(numopt.Adam(lr=0.1), np.array([1.0, 2.0]), np.array([0.1, -0.2]))
    assert capsys.readouterr().out == explanation.to_text() + "\n"


def _columns(text: str) -> int:
    """Terminal columns: combining accents (m̂) take none."""
    return sum(not unicodedata.combining(ch) for ch in text)


def test_the_readme_table_is_what_the_command_prints(capsys, monkeypatch):
    """The README shows the command in an 80-column terminal."""
    monkeypatch.setenv("COLUMNS", "80")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("## Step through one update", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    command, printed = block.split("\n", 1)
    assert main(shlex.split(command.removeprefix("$ numopt "))) == 0
    assert capsys.readouterr().out == printed


def test_first_difference_compares_variants_that_set_theta_on_another_line():
    theta, g = np.array([1.0, 2.0]), np.array([1e-9, -0.2])
    plain = numopt.explain(numopt.Adam(lr=0.1), theta, g, steps=2)
    inside = numopt.explain(numopt.Adam(lr=0.1, eps_in_sqrt=True), theta, g, steps=2)
    difference = plain.first_difference(inside, rtol=1e-6, atol=1e-9)
    # step 1: m̂ = g, v̂ = g², so θ moves by η·g/(|g| + ε) = 0.1·1e-9/(1e-9 + 1e-8) plainly
    # and by η·g/√(g² + ε) = 0.1·1e-9/√(1e-18 + 1e-8) with ε inside
    assert difference.name == "theta" and difference.line.t == 1
    assert np.isclose(difference.expected[0], 1.0 - 0.1 * 1e-9 / 1.1e-8)
    assert np.isclose(difference.actual[0], 1.0 - 0.1 * 1e-9 / np.sqrt(1e-18 + 1e-8))
    assert plain.first_difference(numopt.explain(numopt.Adam(lr=0.1), theta, g, steps=2)) is None
