"""The shape of the API: params structures, dtypes, gradient ownership, repr and defaults.

Nothing here needs expected numbers: results are compared with other runs of the
same variant (bitwise, where the floating-point operations are the same) or with
numopt's documented defaults (``test_steps.SHEET_DEFAULTS``).
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from test_steps import SHEET_DEFAULTS

import numopt

STEPS = 6

CLASS_NAMES = {
    "sgd": "SGD", "momentum": "Momentum", "nag": "NAG", "adagrad": "AdaGrad", "rmsprop": "RMSProp",
    "adadelta": "AdaDelta", "adam": "Adam", "adamw": "AdamW", "nadam": "Nadam", "adax": "AdaX",
    "adaxw": "AdaXW", "egu": "EGU", "egsgd": "EGSGD", "funnel": "Funnel",
    "adamax": "Adamax", "radam": "RAdam", "rprop": "Rprop", "asgd": "ASGD", "adafactor": "Adafactor",
    "lbfgs": "LBFGS", "muon": "Muon", "sparse_adam": "SparseAdam",
    "lion": "Lion", "signum": "Signum", "adabelief": "AdaBelief", "yogi": "Yogi", "lamb": "LAMB", "lars": "LARS",
    "schedule_free": "ScheduleFree", "lookahead": "Lookahead",
}
"""Registry key -> class name, as the issue's public contract lists them."""


def run(opt: numopt.Optimizer, params, gradient, steps: int = STEPS, first: int = 1) -> None:
    """Step ``opt`` on ``params`` (any structure) with gradients ``gradient(θ, t)``, t = first, first + 1, ..."""
    for t in range(first, first + steps):
        if isinstance(params, dict):
            grads = {k: gradient(v, t) for k, v in params.items()}
        elif isinstance(params, (list, tuple)):
            grads = type(params)(gradient(v, t) for v in params)
        else:
            grads = gradient(params, t)
        opt.step(params, grads)


def _state_shape(variant, theta: np.ndarray, name: str) -> tuple[int, ...]:
    """θ's shape for an elementwise algorithm; otherwise the shape its module documents (Funnel's 0-d scale,
    Adafactor's row and column means, L-BFGS's history), read from the state it creates before a step."""
    if variant.make().elementwise:
        return theta.shape
    return variant.make()._initial_state(theta)[name].shape


# ---------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_dtype_of_params_and_state_is_preserved(variant, make_params, gradient, dtype) -> None:
    opt = variant.make()
    params = make_params(dtype)
    arrays = dict(params)
    moved = dict.fromkeys(params, False)  # at some step: Lion's steps of ±η can bring θ back to its start
    for t in range(1, STEPS + 1):
        before = {k: v.copy() for k, v in params.items()}
        run(opt, params, lambda theta, t: gradient(theta, t).astype(np.float64), steps=1, first=t)  # float64 grads
        moved = {k: moved[k] or not np.array_equal(params[k], before[k]) for k in params}
    for k, theta in params.items():
        assert theta is arrays[k], "params must be updated in place"
        assert theta.dtype == dtype, k
        assert moved[k], f"{k} did not move"
    for slot in opt.state.values():
        for name, a in slot.items():
            assert a.dtype == dtype, name


# ---------------------------------------------------------------------------- structures


def test_dict_of_arrays_equals_each_array_alone(variant, make_params, gradient) -> None:
    """A dict is stepped array by array (Funnel's scale s is per array): bitwise the same results."""
    together = make_params()
    opt = variant.make()
    run(opt, together, gradient)
    assert set(opt.state) == set(together)
    for k, alone in make_params().items():
        single = variant.make()
        run(single, alone, gradient)
        np.testing.assert_array_equal(together[k], alone, err_msg=k)
        assert set(opt.state[k]) == set(single.state)
        for name, a in single.state.items():
            np.testing.assert_array_equal(opt.state[k][name], a, err_msg=f"{k}: {name}")


@pytest.mark.parametrize("container", [list, tuple], ids=["list", "tuple"])
def test_sequence_of_arrays_equals_the_dict(variant, make_params, gradient, container) -> None:
    as_dict = make_params()
    run(variant.make(), as_dict, gradient)
    sequence = container(make_params().values())
    opt = variant.make()
    run(opt, sequence, gradient)
    assert len(opt.state) == len(sequence)
    for theta, expected in zip(sequence, as_dict.values(), strict=True):
        np.testing.assert_array_equal(theta, expected)


def test_state_mirrors_the_structure(variant, make_params, gradient) -> None:
    """Single array: one dict of named arrays; list: a sequence of them; dict: the same keys."""
    single, listed, keyed = variant.make(), variant.make(), variant.make()
    assert single.state == {}
    params = make_params()
    run(single, params["w"], gradient, steps=1)
    run(listed, list(make_params().values()), gradient, steps=1)
    run(keyed, params, gradient, steps=1)
    assert isinstance(single.state, dict) and all(isinstance(a, np.ndarray) for a in single.state.values())
    assert isinstance(listed.state, (list, tuple)) and len(listed.state) == 3
    assert isinstance(keyed.state, dict) and list(keyed.state) == list(params)
    for k, theta in params.items():
        assert keyed.state[k].keys() == single.state.keys()
        for name, a in keyed.state[k].items():
            assert a.shape == _state_shape(variant, theta, name), (k, name)


def test_zero_dimensional_param(variant, gradient) -> None:
    theta = np.array(0.9)
    opt = variant.make()
    run(opt, theta, gradient)
    assert theta.shape == () and theta.dtype == np.float64 and theta != 0.9
    assert all(a.shape == _state_shape(variant, theta, name) for name, a in opt.state.items())


def test_zero_dimensional_param_accepts_the_scalar_gradient_numpy_computes() -> None:
    """For a 0-d θ, NumPy arithmetic gives a NumPy scalar: ``2 * θ`` is an np.float64, not an ndarray.

    Inside a dict or list such a gradient is accepted; as the single gradient it must
    be too (this is the base class's bookkeeping, so one algorithm suffices).
    """
    theta, twin = np.array(0.9), {"x": np.array(0.9)}
    opt, opt_twin = numopt.SGD(lr=0.1), numopt.SGD(lr=0.1)
    for _ in range(3):
        opt.step(theta, 2 * theta - 1.0)
        opt_twin.step(twin, {"x": 2 * twin["x"] - 1.0})
    np.testing.assert_array_equal(theta, twin["x"])


# ---------------------------------------------------------------------------- the caller's gradients


def test_gradients_are_never_modified(variant, make_params, gradient) -> None:
    opt = variant.make()
    params = make_params()
    for t in range(1, STEPS + 1):
        grads = {k: gradient(v, t) for k, v in params.items()}
        kept = {k: g.copy() for k, g in grads.items()}
        opt.step(params, grads)
        for k in grads:
            np.testing.assert_array_equal(grads[k], kept[k], err_msg=k)


def test_read_only_gradients_work_and_give_the_same_result(variant, make_params, gradient) -> None:
    writeable, read_only = make_params(), make_params()
    run(variant.make(), writeable, gradient)

    def frozen_gradient(theta: np.ndarray, t: int) -> np.ndarray:
        g = gradient(theta, t)
        g.setflags(write=False)
        return g

    run(variant.make(), read_only, frozen_gradient)
    for k in writeable:
        np.testing.assert_array_equal(read_only[k], writeable[k], err_msg=k)


def test_gradient_that_is_the_params_array_itself(variant, gradient) -> None:
    """step(θ, θ) (∇ of ½‖θ‖²) must use the gradient's value at call time, like step(θ, θ.copy()).

    The gradient is "evaluated at the current parameters"; an update that writes θ
    before it has finished reading g (decoupled decay first, or keeping g for the
    next step after θ moved) silently uses a different gradient.
    """
    aliased, copied = np.array([1.3, 0.6, 2.2]), np.array([1.3, 0.6, 2.2])
    opt_aliased, opt_copied = variant.make(), variant.make()
    for _ in range(STEPS):
        opt_aliased.step(aliased, aliased)
        opt_copied.step(copied, copied.copy())
    np.testing.assert_array_equal(aliased, copied)
    for name, a in opt_copied.state.items():
        np.testing.assert_array_equal(opt_aliased.state[name], a, err_msg=name)


def test_large_arrays_give_the_same_bits_in_any_memory_layout(variant, gradient) -> None:
    """A C-ordered array larger than a block and its Fortran-ordered twin end bitwise equal.

    numopt may process large contiguous arrays in blocks; elementwise results must
    not depend on that.
    """
    rows, cols = 2, numopt.guard.BLOCK_BYTES // 8 // 2 + 37  # float64
    values = np.linspace(0.2, 2.0, rows * cols).reshape(rows, cols)
    c_order, f_order = np.ascontiguousarray(values), np.asfortranarray(values)
    run(variant.make(), c_order, gradient, steps=3)
    run(variant.make(), f_order, gradient, steps=3)
    np.testing.assert_array_equal(c_order, f_order)


# ---------------------------------------------------------------------------- registry, defaults, repr


def test_registry_keys_and_exported_classes() -> None:
    assert set(numopt.OPTIMIZERS) == set(CLASS_NAMES)
    for key, name in CLASS_NAMES.items():
        assert getattr(numopt, name) is numopt.OPTIMIZERS[key]
        assert issubclass(numopt.OPTIMIZERS[key], numopt.Optimizer)


def test_constructs_with_no_arguments_and_the_sheets_defaults(algorithm) -> None:
    opt = algorithm()
    expected = SHEET_DEFAULTS[algorithm.key]
    assert set(inspect.signature(algorithm).parameters) == set(expected)
    for name, value in expected.items():
        assert getattr(opt, name) == value, name
    assert opt.t == 0 and opt.state == {}


def test_repr_shows_the_class_and_every_hyperparameter(variant) -> None:
    changed = {"lr": 0.125} if variant.key != "adadelta" else {"lr": 0.5, "rho": 0.75}
    opt = variant.make(**changed)
    text = repr(opt)
    assert text.startswith(f"{type(opt).__name__}(")
    for name in inspect.signature(type(opt)).parameters:
        assert f"{name}={getattr(opt, name)!r}" in text, name
    for name, value in {**variant.kwargs, **changed}.items():
        assert f"{name}={value!r}" in text, name
