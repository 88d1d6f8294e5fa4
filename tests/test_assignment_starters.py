"""Every starter file says what it contains: its class docstring is checked against the class itself.

The Adam starter used to say "with optional L2 weight decay and AMSGrad" (numopt's
own first docstring line) while its constructor had no ``amsgrad``. Here each
key's starter is executed, its class built and stepped once (which sets up the
state, then raises NotImplementedError), and the docstring's "takes", "keeps"
and "fixed" are compared with the constructor's signature, the attributes that
hold something after that step, and numopt's own constructor (a boolean
default is a variant switch, which the starter fixes instead of taking).
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

from numopt.grading.assignment import starter_source
from numopt.registry import OPTIMIZERS


def _listed(doc: str, word: str) -> list[str]:
    found = re.search(rf"{word} ([^;.]*)[;.]", doc)
    return [] if found is None or found.group(1) == "nothing" else found.group(1).split(", ")


STANDALONE = [key for key, cls in OPTIMIZERS.items() if "inner" not in inspect.signature(cls).parameters]
"""Every key but the wrappers (Lookahead): a starter is one class whose step is its own box."""


def test_a_wrapper_has_no_starter_and_says_why():
    with pytest.raises(ValueError, match=r"'lookahead' wraps another optimizer.*expected"):
        starter_source("lookahead")


@pytest.mark.parametrize("key", STANDALONE)
def test_a_starter_says_what_it_takes_keeps_and_fixes(key):
    source = starter_source(key)
    namespace: dict = {}
    exec(compile(source, f"{key}_starter.py", "exec"), namespace)
    cls = namespace[OPTIMIZERS[key].__name__]
    doc = " ".join(inspect.getdoc(cls).split())

    ours = inspect.signature(OPTIMIZERS[key]).parameters.values()
    switches = {p.name: p.default for p in ours if isinstance(p.default, bool)}
    takes = list(inspect.signature(cls).parameters)
    assert takes == [p.name for p in ours if p.name not in switches]
    assert _listed(doc, "takes") == takes

    student = cls()
    with pytest.raises(NotImplementedError):
        student.step(np.ones(3), np.ones(3))
    kept = [name for name, value in vars(student).items() if name not in takes and value is not None]
    assert sorted(_listed(doc, "keeps")) == sorted(kept)

    fixed = re.search(r"fixed: ([^.]*)\.", doc)
    assert (fixed.group(1) if fixed else "") == ", ".join(f"{k}={v}" for k, v in switches.items())
    for switch in switches:  # a switch is named in the module docstring as fixed, never as something to pass
        assert f"{switch}={switches[switch]}" in " ".join(source.split('"""')[1].split())
    assert "optional" not in doc
