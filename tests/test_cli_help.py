"""Help texts say what the code does: they are generated from the facts the code checks against.

``--allow`` lists the variants the grader accepts (its catalogue, each a switch
on the algorithm's class), ALGORITHM the registry, ``--hp`` the foreign names
``parse_hp`` reads. Each test compares the printed help with those facts,
read here from where the code reads them, not from the help's own helpers.
"""

from __future__ import annotations

import re

import pytest

from numopt.aliases import ALIASES
from numopt.cli import main, parse_hp
from numopt.grading.mutants import CATALOGUE, catalogue_for
from numopt.registry import OPTIMIZERS


def help_of(capsys, *command: str) -> str:
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal: compare words


def option_help(text: str, option: str) -> str:
    """The help of one option: from its name to the next option at the start of a help entry."""
    start = text.index(f" {option} ")
    following = re.search(r" --?[a-z][\w-]* [A-Z{]| --[a-z][\w-]* [a-z(]", text[start + len(option) + 2:])
    return text[start: start + len(option) + 2 + (following.start() if following else len(text))]


def test_allow_lists_every_variant_the_grader_accepts_with_its_algorithms(capsys):
    for command in (("grade",), ("assignment",)):
        allow = option_help(help_of(capsys, *command), "--allow VARIANT,...")
        for key, cls in OPTIMIZERS.items():
            accepted = {m.variant for m in catalogue_for(key, cls().hyperparameters) if m.variant}
            for variant in accepted:
                listed = re.search(rf"\b{variant} \(([^)]*)\)", allow)
                assert listed is not None, f"{command}: --allow does not list {variant}: {allow}"
                assert key in listed.group(1).split(", "), f"{command}: {variant} does not list {key}"
        named = set(re.findall(r"(\w+) \(", allow))
        assert named == {m.variant for m in CATALOGUE if m.variant}
    assert "efficient (adam, adamw)" in option_help(help_of(capsys, "grade"), "--allow VARIANT,...")


def test_every_allowed_variant_is_a_switch_of_its_algorithms():
    for mutant in CATALOGUE:
        if mutant.variant:
            for key in mutant.keys:
                assert mutant.variant in OPTIMIZERS[key].switches, (mutant.name, key)


@pytest.mark.parametrize("command", [("explain",), ("assignment",), ("grade",)])
def test_algorithm_arguments_list_the_registry(capsys, command):
    text = help_of(capsys, *command)
    listed = re.search(r"numopt registry key, one of: ([\w, ]+?)(;| options:)", text).group(1).split(", ")
    assert listed == list(OPTIMIZERS)


@pytest.mark.parametrize("command", [("explain",), ("assignment",), ("grade",)])
def test_hp_lists_the_foreign_names_it_reads(capsys, command):
    text = option_help(help_of(capsys, *command), "--hp NAME=VALUE,...")
    names = re.search(r"other libraries' names \(([^)]*)\)", text).group(1).split(", ")
    single = {name for name, (meanings, _) in ALIASES.items() if any(len(m) == 1 for m in meanings)}
    assert set(names) == single
    for name in names:  # each is read as numopt's name by at least one algorithm
        assert any(_reads(name, key) for key in OPTIMIZERS), name


def _reads(name: str, key: str) -> bool:
    cls = OPTIMIZERS[key]
    try:
        hp = parse_hp([f"{name}=0.5"], key)
    except Exception:
        return False
    return list(hp) != [name] and set(hp) <= set(cls().hyperparameters)
