"""state_dict / load_state_dict: an exact resume, and a saved dict that is nobody's alias.

Run 10 steps, save, run 10 more; a fresh optimizer with the same hyperparameters
that loads the saved dict and runs the same 10 steps (same gradients, same t) must
end bitwise equal, params and state, for every algorithm and variant.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from test_structures import run

import numopt

STEPS = 10


def copy_params(params):
    if isinstance(params, dict):
        return {k: v.copy() for k, v in params.items()}
    if isinstance(params, list):
        return [v.copy() for v in params]
    return params.copy()


def assert_bitwise_equal(a, b) -> None:
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_bitwise_equal(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_bitwise_equal(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    else:
        assert a == b


STRUCTURES = {
    "dict": lambda params: params,
    "list": lambda params: list(params.values()),
    "array": lambda params: params["w"],
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("structure", STRUCTURES.values(), ids=STRUCTURES.keys())
def test_round_trip_resumes_bitwise(variant, make_params, gradient, structure, dtype) -> None:
    opt = variant.make()
    params = structure(make_params(dtype))
    run(opt, params, gradient, STEPS)
    saved, params_at_save = opt.state_dict(), copy_params(params)
    run(opt, params, gradient, STEPS, first=STEPS + 1)

    resumed = variant.make()
    resumed.load_state_dict(saved)
    assert resumed.t == STEPS
    again = copy_params(params_at_save)
    run(resumed, again, gradient, STEPS, first=STEPS + 1)

    assert resumed.t == opt.t == 2 * STEPS
    assert_bitwise_equal(again, params)
    assert_bitwise_equal(resumed.state, opt.state)
    assert_bitwise_equal(resumed.state_dict(), opt.state_dict())


def test_round_trip_with_a_schedule_continues_at_t(make_params, gradient) -> None:
    calls = []

    def schedule(t: int) -> float:
        calls.append(t)
        return 0.05 / t

    opt, params = numopt.Adam(lr=schedule), make_params()
    run(opt, params, gradient, STEPS)
    saved, params_at_save = opt.state_dict(), copy_params(params)
    run(opt, params, gradient, STEPS, first=STEPS + 1)
    resumed, again = numopt.Adam(lr=schedule), copy_params(params_at_save)
    resumed.load_state_dict(saved)
    run(resumed, again, gradient, STEPS, first=STEPS + 1)
    assert calls == [*range(1, 2 * STEPS + 1), *range(STEPS + 1, 2 * STEPS + 1)]
    assert_bitwise_equal(again, params)


def test_saved_dict_is_a_deep_copy(variant, make_params, gradient) -> None:
    opt, params = variant.make(), make_params()
    run(opt, params, gradient, STEPS)
    saved = opt.state_dict()
    frozen = copy.deepcopy(saved)
    run(opt, params, gradient, STEPS, first=STEPS + 1)  # the optimizer moves on ...
    assert_bitwise_equal(saved, frozen)  # ... the saved dict does not
    state_now = copy.deepcopy(opt.state_dict())
    for slot in saved["state"]:  # writing into the saved dict does not reach the optimizer
        for a in slot.values():
            a[...] = -7.0
    saved["structure"]["shapes"][0] = [99]
    assert_bitwise_equal(opt.state_dict(), state_now)


def test_loaded_state_is_not_the_callers_dict(variant, make_params, gradient) -> None:
    source, params = variant.make(), make_params()
    run(source, params, gradient, STEPS)
    saved = source.state_dict()
    opt = variant.make()
    opt.load_state_dict(saved)
    loaded = copy.deepcopy(opt.state_dict())
    for slot in saved["state"]:
        for a in slot.values():
            a[...] = -7.0
    assert_bitwise_equal(opt.state_dict(), loaded)


def test_state_dict_before_any_step_round_trips(variant, make_params, gradient) -> None:
    """Saving a fresh optimizer and loading it elsewhere gives a fresh optimizer."""
    fresh = variant.make()
    resumed = variant.make()
    resumed.load_state_dict(fresh.state_dict())
    assert resumed.t == 0 and resumed.state == {}
    a, b = make_params(), make_params()
    run(fresh, a, gradient, 3)
    run(resumed, b, gradient, 3)
    assert_bitwise_equal(a, b)
