"""Bad input: a clear error naming the parameter, the value and what was expected; nothing changed.

Every check has two halves: ``pytest.raises(..., match=...)``, where the pattern
requires the parameter's name, the offending value and the word "expected" (in any
order), and a bitwise comparison of every param array, ``t`` and the whole
``state_dict()`` before and after the failed call.
"""

from __future__ import annotations

import copy
import inspect
import math
import re
from collections.abc import Callable

import numpy as np
import pytest

import numopt


def mentions(*parts: str) -> str:
    """A pattern that matches when every part, and "expected", occurs somewhere in the message."""
    return "(?s)" + "".join(f"(?=.*{re.escape(p)})" for p in (*parts, "expected"))


def leaves(params) -> list[np.ndarray]:
    if isinstance(params, dict):
        return list(params.values())
    return list(params) if isinstance(params, (list, tuple)) else [params]


def snapshot(opt: numopt.Optimizer, params) -> tuple:
    return [a.copy() for a in leaves(params)], opt.t, copy.deepcopy(opt.state_dict())


def assert_unchanged(opt: numopt.Optimizer, params, before: tuple) -> None:
    """Params, t and every state array are bitwise what they were."""
    arrays, t, saved = before
    for old, new in zip(arrays, leaves(params), strict=True):
        assert new.dtype == old.dtype and new.shape == old.shape
        assert new.tobytes() == old.tobytes(), "a param array changed"
    assert opt.t == t
    _assert_same_state_dict(opt.state_dict(), saved)


def _assert_same_state_dict(now: dict, saved: dict) -> None:
    """Bitwise the same, a wrapper's inner optimizer's (Lookahead's ``"inner"``) included."""
    if "inner" in saved:
        _assert_same_state_dict(now["inner"], saved["inner"])
    assert {k: v for k, v in now.items() if k not in ("state", "inner")} == {
        k: v for k, v in saved.items() if k not in ("state", "inner")
    }
    assert len(now["state"]) == len(saved["state"])
    for old_slot, new_slot in zip(saved["state"], now["state"], strict=True):
        assert old_slot.keys() == new_slot.keys()
        for name in old_slot:
            assert new_slot[name].dtype == old_slot[name].dtype
            assert new_slot[name].tobytes() == old_slot[name].tobytes(), f"state {name!r} changed"


def make_params() -> dict[str, np.ndarray]:
    return {"w": np.array([[0.5, 1.5, 0.8], [2.0, 0.3, 1.1]]), "b": np.array([0.7, 1.9])}


def make_grads() -> dict[str, np.ndarray]:
    return {"w": np.array([[0.1, -0.2, 0.3], [-0.4, 0.5, -0.6]]), "b": np.array([0.25, -0.75])}


def stepped(cls: type[numopt.Optimizer], steps: int = 2, **kwargs) -> tuple[numopt.Optimizer, dict]:
    """An optimizer that has taken ``steps`` good steps, and its params."""
    opt, params = cls(**kwargs), make_params()
    for _ in range(steps):
        opt.step(params, make_grads())
    return opt, params


# ---------------------------------------------------------------------------- hyperparameters

NAN = math.nan
BAD_VALUES: dict[str, list[tuple[object, type[Exception]]]] = {
    "lr": [(-0.1, ValueError), (NAN, ValueError), (math.inf, ValueError), ("0.1", TypeError), (None, TypeError)],
    "beta": [(-0.1, ValueError), (1.0, ValueError), (NAN, ValueError), ("0.9", TypeError)],
    "beta1": [(-0.1, ValueError), (1.0, ValueError), (NAN, ValueError), (None, TypeError)],
    "beta2": [(-0.1, ValueError), (1.0, ValueError), (NAN, ValueError), ("0.999", TypeError)],
    "mu": [(-0.1, ValueError), (1.0, ValueError), (NAN, ValueError)],
    "rho": [(-0.1, ValueError), (1.5, ValueError), (NAN, ValueError), ([0.9], TypeError)],
    "eps": [(0.0, ValueError), (-1e-8, ValueError), (NAN, ValueError), ("1e-8", TypeError)],
    "weight_decay": [(-0.01, ValueError), (NAN, ValueError), (None, TypeError)],
    "initial_accumulator_value": [(-0.1, ValueError), (NAN, ValueError)],
    "gamma": [(NAN, ValueError), ("0.01", TypeError)],
    "gamma_p": [(NAN, ValueError), ("0.01", TypeError)],
    "gamma_s": [(NAN, ValueError), (None, TypeError)],
    "ewma": [("yes", TypeError), (None, TypeError)],
    "eps_in_sqrt": [("yes", TypeError), (None, TypeError)],
    "centered": [("no", TypeError)],
    "amsgrad": [("yes", TypeError)],
    "efficient": [("yes", TypeError)],
    "dozat": [("yes", TypeError)],
    "use_signs": [("no", TypeError)],
    "use_directions": [("no", TypeError)],
    "p_bounds": [((100.0, 0.01), ValueError), ((0.0, 1.0), ValueError), ((1.0,), TypeError), ("wide", TypeError)],
    "s_bounds": [((10.0, 0.1), ValueError), ((0.5, NAN), ValueError), (2.0, TypeError)],
    # the algorithms beyond the source documents (issue 24), with the ranges their classes state
    "decoupled": [("yes", TypeError)],
    "nesterov": [("no", TypeError), (None, TypeError)],
    "eta_minus": [(0.0, ValueError), (1.0, ValueError), (NAN, ValueError)],
    "eta_plus": [(1.0, ValueError), (0.5, ValueError), ("1.2", TypeError)],
    "step_sizes": [((50.0, 1e-6), ValueError), ((0.0, 1.0), ValueError), ("wide", TypeError)],
    "lambd": [(-1e-4, ValueError), (NAN, ValueError)],
    "alpha": [(-0.75, ValueError), (math.inf, ValueError)],
    "t0": [(-1.0, ValueError), (None, TypeError)],
    "beta2_decay": [(0.5, ValueError), (NAN, ValueError), ("-0.8", TypeError)],
    "eps1": [(0.0, ValueError), (-1e-30, ValueError), (None, TypeError)],
    "eps2": [(-1e-3, ValueError), (NAN, ValueError)],
    "d": [(0.5, ValueError), (math.inf, ValueError)],
    "history_size": [(0, ValueError), (2.5, ValueError), (NAN, ValueError), ("100", TypeError)],
    "tolerance_grad": [(-1e-7, ValueError), (NAN, ValueError)],
    "tolerance_change": [(-1e-9, ValueError), (None, TypeError)],
    "trust_coefficient": [(0.0, ValueError), (NAN, ValueError), ("0.001", TypeError)],
    "momentum": [(-0.1, ValueError), (1.0, ValueError), (None, TypeError)],
    "adam": [("yes", TypeError)],
    "inner": [("adam", TypeError), (numopt.Adam, TypeError)],
    "k": [(0, ValueError), (2.5, ValueError), (NAN, ValueError), ("5", TypeError)],
}
"""Out of range (the issue's ranges: lr ≥ 0, betas in [0, 1), eps > 0, rho in [0, 1], λ ≥ 0,
bounds 0 < low < high), NaN, and wrong types, by hyperparameter name."""

HYPERPARAMETER_CASES = [
    pytest.param(cls, name, value, exc, id=f"{key}-{name}={value!r}")
    for key, cls in sorted(numopt.OPTIMIZERS.items())
    for name in inspect.signature(cls).parameters
    for value, exc in BAD_VALUES[name]
]


@pytest.mark.parametrize(("cls", "name", "value", "exc"), HYPERPARAMETER_CASES)
def test_bad_hyperparameter_at_construction(cls, name, value, exc) -> None:
    with pytest.raises(exc, match=mentions(name, repr(value))):
        cls(**{name: value})


@pytest.mark.parametrize(("cls", "name", "value", "exc"), HYPERPARAMETER_CASES)
def test_bad_hyperparameter_assigned_later(cls, name, value, exc) -> None:
    opt, params = stepped(cls)
    old, before = getattr(opt, name), snapshot(opt, params)
    with pytest.raises(exc, match=mentions(name, repr(value))):
        setattr(opt, name, value)
    assert getattr(opt, name) == old
    assert_unchanged(opt, params, before)


WHOLE = [(key, name) for key, cls in sorted(numopt.OPTIMIZERS.items()) for name in cls.integers]


def test_the_hyperparameters_that_count_are_lookaheads_k_and_lbfgs_history() -> None:
    assert WHOLE == [("lbfgs", "history_size"), ("lookahead", "k")]


@pytest.mark.parametrize(("key", "name"), WHOLE)
@pytest.mark.parametrize("given", [7, 7.0, np.int64(7), np.float32(7.0), np.array(7)], ids=repr)
def test_a_hyperparameter_that_counts_is_stored_as_an_int(key, name, given) -> None:
    """``k=7.0`` (or a NumPy 7) is the whole number 7: an int in the attribute, the repr and the saved state."""
    opt = numopt.OPTIMIZERS[key](**{name: given})
    assert type(getattr(opt, name)) is int and getattr(opt, name) == 7
    assert f"{name}=7," in repr(opt)
    assert type(opt.state_dict()["hyperparameters"][name]) is int


def test_every_hyperparameter_has_bad_values(algorithm) -> None:
    assert set(inspect.signature(algorithm).parameters) <= set(BAD_VALUES)


def test_assigning_beta1_two_raises() -> None:
    opt = numopt.Adam()
    with pytest.raises(ValueError, match=mentions("beta1", "2.0")):
        opt.beta1 = 2.0
    assert opt.beta1 == 0.9


# ---------------------------------------------------------------------------- step(params, grads)


def missing_key(p, g):
    return p, {"w": g["w"]}


def extra_key(p, g):
    return p, {**g, "c": np.zeros(2)}


def grads_as_list(p, g):
    return p, [g["w"], g["b"]]


def grads_single_array(p, g):
    return p, g["w"]


def grads_wrong_shape(p, g):
    return p, {**g, "b": np.zeros(3)}


def params_not_arrays(p, g):
    return {**p, "b": [0.7, 1.9]}, g


def params_a_float(p, g):
    return 1.5, g


def params_read_only(p, g):
    p["b"].setflags(write=False)
    return p, g


def grads_with(value: float) -> Callable:
    def bad(p, g):
        b = g["b"].copy()
        b[1] = value
        return p, {**g, "b": b}

    return bad


def params_of_dtype(dtype) -> Callable:
    def bad(p, g):
        return {**p, "w": np.ones((2, 3), dtype=dtype)}, g

    return bad


def grads_of_dtype(dtype) -> Callable:
    def bad(p, g):
        return p, {**g, "w": np.ones((2, 3), dtype=dtype)}

    return bad


STEP_CASES = [
    pytest.param(missing_key, ValueError, ["grads", "['w']", "['w', 'b']"], id="grads-missing-key"),
    pytest.param(extra_key, ValueError, ["grads", "'c'", "['w', 'b']"], id="grads-extra-key"),
    pytest.param(grads_as_list, ValueError, ["grads", "list", "dict"], id="grads-list-for-dict"),
    pytest.param(grads_single_array, ValueError, ["grads", "single array", "dict"], id="grads-array-for-dict"),
    pytest.param(grads_wrong_shape, ValueError, ["grads['b']", "(3,)", "(2,)"], id="grads-wrong-shape"),
    pytest.param(params_not_arrays, TypeError, ["params['b']", "list", "ndarray"], id="params-list-of-floats"),
    pytest.param(params_a_float, TypeError, ["params", "float", "ndarray"], id="params-a-float"),
    pytest.param(params_read_only, ValueError, ["params['b']", "read-only", "writeable"], id="params-read-only"),
    pytest.param(grads_with(NAN), FloatingPointError, ["grads['b']", "NaN", "step {t}"], id="grads-nan"),
    pytest.param(grads_with(math.inf), FloatingPointError, ["grads['b']", "inf", "step {t}"], id="grads-inf"),
    pytest.param(grads_with(-math.inf), FloatingPointError, ["grads['b']", "inf", "step {t}"], id="grads-minus-inf"),
    *[
        pytest.param(make, TypeError, [name, np.dtype(dtype).name], id=f"{name}-{np.dtype(dtype).name}")
        for dtype in (np.int64, np.bool_, np.complex128, object)
        for make, name in ((params_of_dtype(dtype), "params['w']"), (grads_of_dtype(dtype), "grads['w']"))
    ],
    pytest.param(params_of_dtype(np.float16), TypeError, ["params['w']", "float16", "float32 or float64"],
                 id="params-float16"),
]


@pytest.mark.parametrize("steps_before", [0, 2], ids=["first-step", "later-step"])
@pytest.mark.parametrize(("spoil", "exc", "parts"), STEP_CASES)
def test_bad_step_changes_nothing(algorithm, spoil, exc, parts, steps_before) -> None:
    opt, params = stepped(algorithm, steps=steps_before)
    before = snapshot(opt, params)
    bad_params, bad_grads = spoil(params, make_grads())
    t = steps_before + 1
    with pytest.raises(exc, match=mentions(*(p.format(t=t) for p in parts))):
        opt.step(bad_params, bad_grads)
    assert_unchanged(opt, params, before)
    if steps_before == 0:  # a failed first step does not fix the structure
        other = [np.array([1.0, 2.0])]
        opt.step(other, [np.array([0.5, -0.5])])
        assert opt.t == 1


@pytest.mark.parametrize("count", [1, 3], ids=["fewer", "more"])
def test_grads_of_another_count(algorithm, count) -> None:
    opt, params = algorithm(), list(make_params().values())
    opt.step(params, list(make_grads().values()))
    before = snapshot(opt, params)
    grads = [np.full(v.shape, 0.1) for v in params] + [np.zeros(2)]
    with pytest.raises(ValueError, match=mentions("grads", f"{count} arrays", "2 arrays")):
        opt.step(params, grads[:count])
    assert_unchanged(opt, params, before)


def later_as_list(p):
    return [p["w"], p["b"]]


def later_other_shape(p):
    return {"w": np.ones((3, 3)), "b": p["b"]}


def later_other_keys(p):
    return {"w": p["w"], "c": p["b"]}


def later_single_array(p):
    return p["w"]


@pytest.mark.parametrize(
    ("change", "parts"),
    [
        (later_as_list, ["params", "list", "'w'"]),
        (later_other_shape, ["params", "(3, 3)", "(2, 3)"]),
        (later_other_keys, ["params", "'c'", "'b'"]),
        (later_single_array, ["params", "single array", "'w'"]),
    ],
    ids=["dict-then-list", "other-shape", "other-keys", "dict-then-array"],
)
def test_later_step_must_keep_the_first_structure(algorithm, change, parts) -> None:
    opt, params = stepped(algorithm)
    before = snapshot(opt, params)
    later = change(params)
    grads = (
        {k: np.full(v.shape, 0.1) for k, v in later.items()}
        if isinstance(later, dict)
        else [np.full(v.shape, 0.1) for v in later] if isinstance(later, list) else np.full(later.shape, 0.1)
    )
    with pytest.raises(ValueError, match=mentions(*parts)):
        opt.step(later, grads)
    assert_unchanged(opt, params, before)


@pytest.mark.parametrize("bad", [0.0, -1.0], ids=["zero", "negative"])
@pytest.mark.parametrize("steps_before", [0, 2], ids=["first-step", "later-step"])
def test_egu_rejects_params_that_are_not_strictly_positive(bad, steps_before) -> None:
    opt, params = stepped(numopt.EGU, steps=steps_before)
    params["b"][1] = bad
    before = snapshot(opt, params)
    with pytest.raises(ValueError, match=mentions("params['b']", repr(bad), "> 0")):
        opt.step(params, make_grads())
    assert_unchanged(opt, params, before)


@pytest.mark.parametrize(
    ("returned", "exc"),
    [(-0.1, ValueError), (NAN, ValueError), (math.inf, ValueError), ("fast", TypeError)],
    ids=["negative", "nan", "inf", "str"],
)
def test_lr_callable_returning_a_bad_value(algorithm, returned, exc) -> None:
    calls = []

    def schedule(t: int):
        calls.append(t)
        return 0.01 if t < 3 else returned

    opt, params = stepped(algorithm, lr=schedule)
    before = snapshot(opt, params)
    with pytest.raises(exc, match=mentions("lr", repr(returned))):
        opt.step(params, make_grads())
    assert calls == [1, 2, 3]
    assert_unchanged(opt, params, before)


@pytest.mark.parametrize(
    ("key", "switch"),
    [("momentum", "ewma"), ("rmsprop", "centered"), ("adam", "amsgrad")],
)
def test_switching_a_variant_that_changes_the_state_after_the_first_step(key, switch) -> None:
    """Turning on a switch that needs other state arrays is refused, on assignment or on the next step.

    The state of the first steps does not hold the arrays the new variant needs (m vs b,
    ḡ, v_max): silently running without them, or failing half-way with t already
    advanced, both break "a clear error, nothing changed".
    """
    opt, params = stepped(numopt.OPTIMIZERS[key])
    before = snapshot(opt, params)
    with pytest.raises((TypeError, ValueError), match=mentions(switch)):
        setattr(opt, switch, True)
        opt.step(params, make_grads())
    assert_unchanged(opt, params, before)


# ---------------------------------------------------------------------------- load_state_dict


@pytest.mark.parametrize("missing", ["algorithm", "t", "structure", "state"])
def test_load_state_dict_with_a_missing_key(algorithm, missing) -> None:
    source, _ = stepped(algorithm, steps=3)
    saved = source.state_dict()
    del saved[missing]
    opt, params = stepped(algorithm)
    before = snapshot(opt, params)
    with pytest.raises(ValueError, match=mentions("state_dict", repr(missing))):
        opt.load_state_dict(saved)
    assert_unchanged(opt, params, before)


STATEFUL = sorted(set(numopt.OPTIMIZERS) - {"sgd", "egu"})  # SGD and EGU keep no state (their docstrings)


@pytest.mark.parametrize("target", ["fresh", "stepped"])
@pytest.mark.parametrize("key", STATEFUL)
def test_load_state_dict_with_a_wrong_state_shape(key, target) -> None:
    algorithm = numopt.OPTIMIZERS[key]
    source, _ = stepped(algorithm, steps=3)
    saved = source.state_dict()
    name = next(iter(saved["state"][1]))
    saved["state"][1][name] = np.zeros(5)
    opt, params = stepped(algorithm, steps=0 if target == "fresh" else 2)
    before = snapshot(opt, params)
    with pytest.raises(ValueError, match=mentions("state_dict", repr(name), "(5,)")):
        opt.load_state_dict(saved)
    assert_unchanged(opt, params, before)


def test_load_state_dict_with_an_unexpected_state_array(algorithm) -> None:
    source, _ = stepped(algorithm, steps=3)
    saved = source.state_dict()
    saved["state"][1]["zeta"] = np.zeros(2)
    opt, params = stepped(algorithm)
    before = snapshot(opt, params)
    with pytest.raises(ValueError, match=mentions("state_dict", "'zeta'")):
        opt.load_state_dict(saved)
    assert_unchanged(opt, params, before)


def test_load_state_dict_for_params_of_other_shapes(algorithm) -> None:
    source = algorithm()
    source.step({"w": np.ones((2, 2)), "b": np.ones(2)}, {"w": np.ones((2, 2)), "b": np.ones(2)})
    opt, params = stepped(algorithm)
    before = snapshot(opt, params)
    with pytest.raises(ValueError, match=mentions("state_dict", "(2, 2)", "(2, 3)")):
        opt.load_state_dict(source.state_dict())
    assert_unchanged(opt, params, before)


LOOK_ALIKES = [("adam", "adamw"), ("adamw", "adam"), ("adam", "nadam"), ("adax", "adaxw"), ("sgd", "egu"),
               ("momentum", "nag"), ("rmsprop", "adagrad"), ("funnel", "egsgd")]


@pytest.mark.parametrize(("source_key", "target_key"), LOOK_ALIKES, ids=[f"{a}-into-{b}" for a, b in LOOK_ALIKES])
def test_load_state_dict_of_another_algorithm(source_key, target_key) -> None:
    source, _ = stepped(numopt.OPTIMIZERS[source_key])
    opt, params = stepped(numopt.OPTIMIZERS[target_key])
    before = snapshot(opt, params)
    with pytest.raises(ValueError, match=mentions(repr(source_key), repr(target_key))):
        opt.load_state_dict(source.state_dict())
    assert_unchanged(opt, params, before)


@pytest.mark.parametrize(
    ("key", "source_kwargs", "target_kwargs", "name"),
    [
        ("adam", {"amsgrad": True}, {}, "v_max"),
        ("rmsprop", {}, {"centered": True}, "g_bar"),
        ("momentum", {"ewma": True}, {}, "b"),
    ],
    ids=["amsgrad-into-adam", "rmsprop-into-centered", "ewma-into-default"],
)
def test_load_state_dict_whose_arrays_are_another_variants(key, source_kwargs, target_kwargs, name) -> None:
    """The saved hyperparameters name one variant, the saved arrays are another's (an edited dict)."""
    source, _ = stepped(numopt.OPTIMIZERS[key], **source_kwargs)
    opt, params = stepped(numopt.OPTIMIZERS[key], **target_kwargs)
    saved = source.state_dict()
    saved["hyperparameters"].update(opt.hyperparameters)
    before = snapshot(opt, params)
    with pytest.raises(ValueError, match=mentions("state_dict", repr(name))):
        opt.load_state_dict(saved)
    assert_unchanged(opt, params, before)


@pytest.mark.parametrize("t", [-1, 2.5, True, "3"], ids=["negative", "float", "bool", "str"])
def test_load_state_dict_with_a_bad_t(t) -> None:
    source, _ = stepped(numopt.Adam)
    saved = source.state_dict()
    saved["t"] = t
    opt, params = stepped(numopt.Adam)
    before = snapshot(opt, params)
    with pytest.raises(ValueError, match=mentions("t", repr(t))):
        opt.load_state_dict(saved)
    assert_unchanged(opt, params, before)
