"""``--hp``: one parser, one vocabulary, one set of hints on every subcommand that takes it.

Each row of the tables is run through ``explain``, ``grade`` (one file, and a
folder of submissions) and ``assignment --gradescope``. What reaches the work
each subcommand does is captured where the command hands it over (the
optimizer ``explain`` steps, the ``hp`` that ``grade``, ``grade_folder`` and
``write_autograder`` get), so the rows check the parsing and not the grading.
The expected names come from the libraries' own documentation of their
arguments: torch.optim.Adam's ``betas``, torch.optim.RMSprop's ``alpha`` (the
smoothing constant), Keras's ``learning_rate``, ``beta_1``, ``epsilon`` and
RMSprop ``rho``, optax's ``b1``, ``decay`` and ``initial_accumulator_value``.
"""

from __future__ import annotations

import json
import re

import pytest

import numopt
import numopt.grading.cli as grading_cli
import numopt.stepthrough.command as explain_command
from numopt.cli import main, parse_hp, parse_hyperparameters


@pytest.fixture
def captured(monkeypatch, tmp_path):
    """Run a subcommand with ``--hp`` texts; return (exit status, stderr, the hyperparameters handed over)."""
    seen: dict = {}

    def grade(candidate, algorithm, hp, **kwargs):
        seen.update(hp)
        raise ValueError("captured")

    def grade_folder(folder, algorithm, out, hp, **kwargs):
        seen.update(hp)
        raise ValueError("captured")

    def write_autograder(algorithm, folder, hp, **kwargs):
        seen.update(hp)
        raise ValueError("captured")

    def explain(optimizer, params, grads, steps):
        seen.update(optimizer.hyperparameters)
        raise ValueError("captured")

    monkeypatch.setattr(grading_cli, "grade", grade)
    monkeypatch.setattr(grading_cli, "grade_folder", grade_folder)
    monkeypatch.setattr(grading_cli, "write_autograder", write_autograder)
    monkeypatch.setattr(explain_command, "explain", explain)
    (tmp_path / "class").mkdir()
    commands = {
        "explain": lambda key: ["explain", key, "--grads", "1"],
        "grade": lambda key: ["grade", "student.py:Opt", "--algorithm", key],
        "grade a folder": lambda key: ["grade", str(tmp_path / "class"), "--algorithm", key, "--out",
                                       str(tmp_path / "results")],
        "assignment": lambda key: ["assignment", key, "--gradescope", str(tmp_path / "autograder")],
    }

    def run(capsys, command: str, key: str, texts: list[str]) -> tuple[int, str, dict]:
        seen.clear()
        status = main([*commands[command](key), *(arg for text in texts for arg in ("--hp", text))])
        return status, capsys.readouterr().err, dict(seen)

    run.commands = tuple(commands)
    return run


COMMANDS = ("explain", "grade", "grade a folder", "assignment")

ACCEPTED = [
    ("adam", ["lr=1e-2,beta1=0.8"], {"lr": 1e-2, "beta1": 0.8}),
    ("adam", ["lr=1e-2", "beta1=0.8"], {"lr": 1e-2, "beta1": 0.8}),  # repeated --hp
    ("adam", ["learning_rate=0.1"], {"lr": 0.1}),  # Keras, optax
    ("adam", ["beta_1=0.8,beta_2=0.99"], {"beta1": 0.8, "beta2": 0.99}),  # Keras
    ("adam", ["b1=0.8", "b2=0.99"], {"beta1": 0.8, "beta2": 0.99}),  # optax
    ("adam", ["epsilon=1e-7"], {"eps": 1e-7}),  # Keras
    ("adam", ["alpha=0.01"], {"lr": 0.01}),  # Kingma & Ba's α is the step size
    ("adam", ["eps_in_sqrt=TRUE,amsgrad=false"], {"eps_in_sqrt": True, "amsgrad": False}),
    ("rmsprop", ["alpha=0.95"], {"beta": 0.95}),  # torch.optim.RMSprop's alpha is the smoothing constant
    ("rmsprop", ["rho=0.95"], {"beta": 0.95}),  # Keras's RMSprop
    ("momentum", ["momentum=0.5"], {"beta": 0.5}),  # torch.optim.SGD
    ("momentum", ["alpha=0.5"], {"lr": 0.5}),
    ("funnel", ["momentum=0.5,p_bounds=(0.1, 10),s_bounds=none"], {"mu": 0.5, "p_bounds": (0.1, 10),
                                                                   "s_bounds": None}),
    ("adadelta", ["decay=0.95"], {"rho": 0.95}),  # optax
    ("adagrad", ["initial_accumulator=0.1"], {"initial_accumulator_value": 0.1}),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("key", "texts", "expected"), ACCEPTED)
def test_every_subcommand_reads_the_same_names(captured, capsys, command, key, texts, expected):
    status, err, seen = captured(capsys, command, key, texts)
    assert status == 2 and "captured" in err, err  # parsed, then handed over
    assert {name: seen[name] for name in expected} == expected


REFUSED = [
    ("adam", ["betas=0.9,0.99"],
     "--hp betas=0.9,0.99: torch.optim's betas=(b1, b2) is beta1=b1, beta2=b2 here; write --hp beta1=0.9 --hp "
     "beta2=0.99"),
    ("adam", ["betas=(0.9, 0.99)"],
     "--hp betas=(0.9, 0.99): torch.optim's betas=(b1, b2) is beta1=b1, beta2=b2 here; write --hp beta1=0.9 --hp "
     "beta2=0.99"),
    ("adam", ["lr=0.1,betas=0.9,0.99"], "write --hp beta1=0.9 --hp beta2=0.99"),
    ("momentum", ["nesterov=true"],
     "--hp nesterov=true: 'nesterov' is not a hyperparameter of momentum (Nesterov momentum is its own class here: "
     "numopt.NAG); expected one of lr, beta, ewma"),
    ("adam", ["betaa=0.5"], "'betaa' is not a hyperparameter of adam; did you mean beta1, beta2?"),
    ("adam", ["momentum=0.9"], "'momentum' is not a hyperparameter of adam; expected one of lr, beta1"),
    ("adam", ["lr"], "--hp 'lr' is not NAME=VALUE; expected e.g. --hp lr=1e-2,beta1=0.8"),
    ("adam", ["lr=fast"], "--hp lr='fast' is not a value"),
    ("adam", ["lr=0.1", "learning_rate=0.2"], "--hp learning_rate=0.2: lr is given twice"),
    ("adam", ["beta1=2"], "--hp beta1=2.0 is out of range; expected 0 <= beta1 < 1"),
    ("adamm", ["lr=0.1"], "algorithm 'adamm' is unknown"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("key", "texts", "message"), REFUSED)
def test_every_subcommand_refuses_with_the_same_line(captured, capsys, command, key, texts, message):
    status, err, seen = captured(capsys, command, key, texts)
    assert status == 2 and seen == {}
    assert err.startswith("numopt: error: ") and err.count("\n") == 1 and message in err, err


@pytest.mark.parametrize(
    ("call", "name"),
    [(lambda: numopt.Adam(betas=(0.9, 0.99)), "betas"), (lambda: numopt.Momentum(nesterov=True), "nesterov")],
)
def test_the_command_line_hints_as_the_python_api_does(call, name):
    with pytest.raises(TypeError) as info:
        call()
    note = re.search(r"argument '\w+' \((.*)\);", str(info.value)).group(1)
    key = "adam" if name == "betas" else "momentum"
    with pytest.raises(numopt.cli.CLIError, match=re.escape(note)):
        parse_hp([f"{name}=true"], key)


def test_python_api_and_command_line_share_the_per_algorithm_meaning():
    with pytest.raises(TypeError, match=r"did you mean beta\?"):
        numopt.RMSProp(alpha=0.99)
    with pytest.raises(TypeError, match=r"did you mean lr\?"):
        numopt.Adam(alpha=0.01)
    assert parse_hp(["alpha=0.99"], "rmsprop") == {"beta": 0.99}
    assert parse_hp(["alpha=0.01"], "adam") == {"lr": 0.01}


def test_syntax_items_keep_what_was_written():
    items = parse_hyperparameters("lr=1e-2, beta1=0.8,eps_in_sqrt=TRUE,p_bounds=(0.1, 10),s_bounds=none")
    assert items == [("lr", 0.01, "1e-2"), ("beta1", 0.8, "0.8"), ("eps_in_sqrt", True, "TRUE"),
                     ("p_bounds", (0.1, 10), "(0.1, 10)"), ("s_bounds", None, "none")]
    assert parse_hyperparameters("") == []
    assert parse_hp([], "adam") == {}


def test_explain_steps_with_the_foreign_names_value(capsys):
    """End to end, nothing captured: the step explain records is taken with η = learning_rate."""
    assert main(["explain", "adam", "--hp", "learning_rate=0.1", "--grads", "0.5", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["hyperparameters"]["lr"] == 0.1 and record["steps"][0]["lr"] == 0.1
