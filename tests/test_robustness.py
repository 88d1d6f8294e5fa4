"""Long runs and unlucky inputs never turn into NaN without a word."""

import math
import re
import warnings

import numpy as np
import pytest

import numopt


def test_centered_rmsprop_with_a_steady_gradient_stays_finite():
    """v − ḡ² rounds below zero after ~3,200 steps of g = 0.1 at β = 0.99; the root of it was NaN.

    The recursions are run here in plain NumPy, to show that the difference
    really goes negative in this case, so the test cannot pass vacuously.
    """
    beta, g = 0.99, np.array([0.1])
    v, g_bar, negative_at = np.zeros(1), np.zeros(1), None
    theta = np.zeros(1)
    opt = numopt.RMSProp(lr=1e-9, beta=beta, centered=True)
    for t in range(1, 4001):
        v = beta * v + (1 - beta) * g**2
        g_bar = beta * g_bar + (1 - beta) * g
        if negative_at is None and (v - g_bar**2)[0] < 0:
            negative_at = t
        opt.step(theta, g)
        assert np.isfinite(theta).all(), f"theta is {theta} at step {t}"
    assert negative_at is not None and negative_at < 4000


# ---------------------------------------------------------------------------- AdaX over long runs (issue 12.1)
def _adax_loaded_at(t: int, v_hat: float, dtype=np.float64, **kwargs) -> tuple[numopt.AdaX, np.ndarray]:
    """An AdaX whose state says t steps were taken, with m = 0 and v̂ = ``v_hat`` everywhere."""
    opt, theta = numopt.AdaX(**kwargs), np.zeros(3, dtype)
    opt.step(theta, np.zeros(3, dtype))
    saved = opt.state_dict()
    saved["t"] = t
    saved["state"][0]["v_hat"][...] = v_hat
    opt.load_state_dict(saved)
    return opt, theta


def test_adax_steps_finitely_after_a_billion_steps():
    """At t = 10⁹, (1 + β2)ᵗ − 1 = e^(10⁵) overflows every float; v̂ is an average of g² and must not.

    With v̂ = 4 and g = 2 at every later step, v̂ stays 4 exactly (an average of 4s), m_t = (1 − β1ᵏ)·2
    after k steps from m = 0, and each step moves θ by −η m_t/(√4 + ε), computed here by hand.
    """
    lr, beta1, eps = 1e-3, 0.9, 1e-12
    for dtype in (np.float64, np.float32):
        opt, theta = _adax_loaded_at(10**9, 4.0, dtype, lr=lr, beta1=beta1, eps=eps)
        expected = 0.0
        for k in range(1, 4):
            opt.step(theta, np.full(3, 2.0, dtype))
            expected -= lr * (1 - beta1**k) * 2.0 / (2.0 + eps)
        assert opt.t == 10**9 + 3
        np.testing.assert_array_equal(opt.state["v_hat"], np.full(3, 4.0, dtype))
        np.testing.assert_allclose(theta, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)


def test_adax_agrees_with_doc_000s_update_where_that_is_finite():
    """From t = 10⁶ (float64), the authors' v ← (1 + β2)v + β2g², v̂ = v/((1 + β2)ᵗ − 1), in plain NumPy."""
    beta2, lr, beta1, eps, t0 = 1e-4, 1e-2, 0.9, 1e-12, 10**6
    rng = np.random.default_rng(12)
    grads = rng.standard_normal((20, 3)) * np.array([1e-3, 1.0, 1e3])
    opt, theta = _adax_loaded_at(t0, 2.5, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    B = lambda t: (1 + beta2) ** t - 1  # noqa: E731 (finite in float64 for t ≤ 7e6)
    v, m, ref = np.full(3, 2.5 * B(t0)), np.zeros(3), np.zeros(3)
    for k, g in enumerate(grads, start=1):
        opt.step(theta, g)
        m = beta1 * m + (1 - beta1) * g
        v = (1 + beta2) * v + beta2 * g**2
        ref = ref - lr * m / (np.sqrt(v / B(t0 + k)) + eps)
    np.testing.assert_allclose(theta, ref, rtol=1e-9)  # (1+β2)**t rounds to ~t·u ≈ 1e-10 at t = 10⁶
def test_adax_past_the_float32_overflow_of_the_divisor():
    """float32, β2 = 1e-4: (1 + β2)ᵗ − 1 exceeds 3.4e38 after t ≈ 887,273; the step stays η m/(√v̂ + ε)."""
    t0 = 900_000
    assert math.expm1(t0 * math.log1p(1e-4)) > float(np.finfo(np.float32).max)  # doc 000's divisor
    opt, theta = _adax_loaded_at(t0, 1.0, np.float32, lr=1e-3, beta1=0.0)
    opt.step(theta, np.ones(3, np.float32))  # β1 = 0: m = g = 1, v̂ stays 1, so θ moves by −η/(1 + ε)
    np.testing.assert_allclose(theta, -1e-3 / (1 + 1e-12), rtol=1e-6)




# ---------------------------------------------------------------------------- aliasing (issue 12.3)
def test_a_gradient_that_is_another_parameter_is_read_before_anything_is_written():
    """SGD(lr=0.1) on a = 1, b = 2 with grads (b, a): a ← 1 − 0.1·2 = 0.8, b ← 2 − 0.1·1 = 1.9 (not 1.92)."""
    a, b = np.array([1.0]), np.array([2.0])
    numopt.SGD(lr=0.1).step([a, b], [b, a])
    assert a[0] == 1.0 - 0.1 * 2.0 and b[0] == 2.0 - 0.1 * 1.0


def test_aliased_gradients_give_the_bits_of_copied_ones(variant):
    """For every variant, grads that are the other parameter, or the optimizer's own state, act like copies."""
    start = [np.array([0.5, 1.5, 0.8]), np.array([1.2, 0.7, 0.9])]
    aliased, copied = [a.copy() for a in start], [a.copy() for a in start]
    opt_a, opt_c = variant.make(), variant.make()
    for _ in range(3):
        opt_a.step(aliased, [aliased[1], aliased[0]])
        opt_c.step(copied, [copied[1].copy(), copied[0].copy()])
    state = opt_a.state[0]
    name = next((k for k, a in state.items() if a.shape == (3,)), None)
    if name is not None:  # a gradient that is a state array of the optimizer
        opt_a.step(aliased, [state[name], aliased[0]])
        opt_c.step(copied, [opt_c.state[0][name].copy(), copied[0].copy()])
    for x, y in zip(aliased, copied, strict=True):
        assert x.tobytes() == y.tobytes()
    for sx, sy in zip(opt_a.state, opt_c.state, strict=True):
        assert all(sx[k].tobytes() == sy[k].tobytes() for k in sx)


@pytest.mark.parametrize("overlap", ["same", "slice", "reshaped"])
def test_params_that_share_memory_are_refused(overlap):
    x = np.ones(6)
    other = {"same": x, "slice": x[2:5], "reshaped": x.reshape(2, 3)}[overlap]
    params = {"w": x, "u": other}
    opt = numopt.Momentum()
    with pytest.raises(ValueError, match=r"params\['w'\] and params\['u'\] share memory"):
        opt.step(params, {"w": np.ones(6), "u": np.ones(other.shape)})
    assert opt.t == 0 and opt.state == {} and (x == 1).all()


def test_interleaved_views_of_one_buffer_are_separate_parameters():
    """a[::2] and a[1::2] lie within the same bounds but share no element: they are accepted."""
    buf = np.zeros(4)
    numopt.SGD(lr=1.0).step([buf[::2], buf[1::2]], [np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    assert buf.tolist() == [-1.0, -3.0, -2.0, -4.0]


# ---------------------------------------------------------------------------- no half-applied step (12.5)
def _frozen(opt, params):
    """t, every state array and every parameter, as bytes."""
    state = [{k: a.tobytes() for k, a in slot.items()} for slot in opt.state_dict()["state"]]
    return opt.t, state, [p.tobytes() for p in params]


def test_a_callers_errstate_raise_does_not_stop_a_step_midway():
    """g² = 1e60 overflows float32: under the caller's errstate(all='raise') the old step raised mid-update."""
    theta = np.ones(2, np.float32)
    opt = numopt.Adam()
    with np.errstate(all="raise"), pytest.warns(numopt.NumericalWarning, match="v of params became inf"):
        opt.step(theta, np.full(2, 1e30, np.float32))
    assert opt.t == 1 and np.isinf(opt.state["v"]).all()
    np.testing.assert_array_equal(opt.state["m"], np.float32(0.1) * np.float32(1e30))


def test_a_warning_turned_into_an_error_leaves_everything_as_it_was():
    """With NumericalWarning as an error, the step raises it and nothing is half-applied (or applied)."""
    params = [np.ones(3, np.float32), np.ones(2, np.float32)]
    opt = numopt.AdaGrad()
    opt.step(params, [np.ones(3, np.float32), np.ones(2, np.float32)])
    before = _frozen(opt, params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", numopt.NumericalWarning)
        with pytest.raises(numopt.NumericalWarning):
            opt.step(params, [np.ones(3, np.float32), np.full(2, 1e20, np.float32)])
    assert _frozen(opt, params) == before


def test_an_exception_in_the_middle_of_a_blocked_update_is_rolled_back(monkeypatch):
    """An update that fails in the third block of the second array: the blocks already written are restored."""
    monkeypatch.setattr(numopt.guard, "BLOCK_BYTES", 4 * 8)  # 4 float64 elements
    params = [np.linspace(0.5, 1.5, 10), np.linspace(1.0, 2.0, 10)]
    opt = numopt.Adam()
    opt.step(params, [np.ones(10), np.ones(10)])
    before = _frozen(opt, params)
    calls, update = [], numopt.Adam._update

    def failing(self, theta, g, t, lr, **state):
        calls.append(theta.size)
        if len(calls) == 6:  # 3 blocks per array: the 3rd block of the 2nd array
            raise KeyboardInterrupt
        update(self, theta, g, t, lr, **state)

    monkeypatch.setattr(numopt.Adam, "_update", failing)
    with pytest.raises(KeyboardInterrupt):
        opt.step(params, [np.full(10, 0.3), np.full(10, -0.2)])
    assert calls == [4, 4, 2, 4, 4, 2] and _frozen(opt, params) == before


# ---------------------------------------------------------------------------- non-finite results (12.6)
CASES_6 = {
    "adagrad-v": (lambda: numopt.AdaGrad(), 1.0, 1e20, r"AdaGrad: v of params\['W'\] became inf at 1 of its 2 "
                  r"entries at step 1, from finite values; those coordinates will not move again"),
    "rmsprop-v": (lambda: numopt.RMSProp(), 1.0, 1e20, r"RMSProp: v of params\['W'\] became inf"),
    "adam-v": (lambda: numopt.Adam(), 1.0, 1e20, r"Adam: v of params\['W'\] became inf"),
    "nadam-v": (lambda: numopt.Nadam(), 1.0, 1e20, r"Nadam: v of params\['W'\] became inf"),
    "adax-v_hat": (lambda: numopt.AdaX(), 1.0, 1e20, r"AdaX: v_hat of params\['W'\] became inf"),
    "adadelta-E_g2": (lambda: numopt.AdaDelta(), 1.0, 1e20, r"AdaDelta: E_g2 of params\['W'\] became inf"),
    "momentum-theta": (lambda: numopt.Momentum(lr=1.0), 3e38, -1e38, r"Momentum: θ of params\['W'\] became inf"),
    "egu-theta": (lambda: numopt.EGU(lr=1.0), 1.0, -100.0, r"EGU: θ of params\['W'\] became inf"),
}


@pytest.mark.parametrize("case", CASES_6.values(), ids=CASES_6.keys())
def test_finite_inputs_that_leave_an_array_non_finite_are_reported_once(case):
    """float32: (1e20)² = 1e40 > 3.4e38; 3e38 + 1e38 > 3.4e38; e^100 = 2.7e43 > 3.4e38."""
    make, theta0, g0, message = case
    params = {"W": np.array([theta0, theta0], np.float32)}
    grads = {"W": np.array([g0, 1e-3], np.float32)}
    opt = make()
    with pytest.warns(numopt.NumericalWarning, match=message):
        opt.step(params, grads)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per optimizer and array: no second warning
        opt.step(params, grads)


def test_egsgd_gain_overflow_is_reported():
    """ν ← ν·exp(γ g_prev g): with γ = 1, g = 10 twice, ν = e^100 > 3.4e38 in float32."""
    theta = np.zeros(1, np.float32)
    opt = numopt.EGSGD(lr=1e-45, gamma=1.0)
    opt.step(theta, np.array([10.0], np.float32))
    with pytest.warns(numopt.NumericalWarning) as record:
        opt.step(theta, np.array([10.0], np.float32))
    messages = [str(w.message) for w in record]
    assert "EGSGD: nu of params became inf at 1 of its 1 entries at step 2, from finite values" in messages[0]
    assert messages[1].startswith("EGSGD: θ of params became inf")  # then θ − η·ν·g = −inf


# ---------------------------------------------------------------------------- vanishing ε (12.8), smaller (12.9)
def test_an_eps_that_rounds_to_zero_in_the_params_dtype_is_refused():
    """1e-46 is below float32's smallest subnormal 1.4e-45: ε = 0 there and a zero gradient gave 0/0 = NaN."""
    theta = np.ones(2, np.float32)
    opt = numopt.Adam(eps=1e-46)
    with pytest.raises(ValueError, match=r"eps=1e-46 rounds to 0 in float32"):
        opt.step(theta, np.zeros(2, np.float32))
    assert opt.t == 0 and (theta == 1).all()
    numopt.Adam(eps=1e-46).step(np.ones(2), np.zeros(2))  # float64 keeps it


def test_a_float64_gradient_that_overflows_float32_params_says_so():
    theta = np.ones(2, np.float32)
    with pytest.raises(FloatingPointError, match="overflow float32, the dtype of params"):
        numopt.SGD().step(theta, np.array([1e39, 1.0]))


@pytest.mark.parametrize("value", [True, "0.1"], ids=["bool", "str"])
def test_a_schedule_returning_a_bool_or_a_str_is_refused_like_in_the_constructor(value):
    with pytest.raises(TypeError, match=f"a {type(value).__name__}; expected a float"):
        numopt.SGD(lr=value)
    theta, opt = np.ones(2), numopt.SGD(lr=lambda t: value)
    with pytest.raises(TypeError, match=f"lr\\(1\\) returned {value!r}, a {type(value).__name__}; expected a float"):
        opt.step(theta, np.ones(2))
    assert opt.t == 0 and (theta == 1).all()


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_a_matrix_parameter_is_refused_up_front():
    """np.matrix reshapes to 2-d; large ones failed mid-step (after t was incremented) with a broadcast error."""
    theta = np.matrix(np.ones((600, 600)))
    opt = numopt.Adam()
    with pytest.raises(TypeError, match="params is a matrix, which does not reshape like an ndarray"):
        opt.step(theta, np.ones((600, 600)))
    assert opt.t == 0 and (theta == 1).all()


# ---------------------------------------------------------------------------- Funnel overflow (12.4)
def test_funnel_raw_signal_that_overflows_exp_saturates_s_at_its_bound():
    """use_directions=False, γ_s = 1: ⟨g, ν⟩ = 2·100·100 at step 2 and e^20000 overflows (math.exp raised).

    Step 1 (ν = m = 0): c = 0, s = 1; u = sign(g)·sign(0) = 0, p = 1; ν = η p g = 100; m = 0.1·100 = 10;
    θ = −s ν = −100. Step 2: s = clip(∞, 0.1, 10) = 10; u = 1, p = e^0.01; ν = 0.9·100 + e^0.01·100;
    θ = −100 − 10 ν.
    """
    theta = np.zeros(2)
    opt = numopt.Funnel(lr=1.0, gamma_s=1.0, use_directions=False)
    opt.step(theta, np.full(2, 100.0))
    opt.step(theta, np.full(2, 100.0))
    nu = 0.9 * 100.0 + math.exp(0.01) * 100.0
    assert opt.state["s"] == 10.0
    np.testing.assert_allclose(theta, -100.0 - 10.0 * nu, rtol=1e-15)


def test_funnel_raw_signal_without_bounds_warns_that_s_is_inf():
    theta = np.zeros(2)
    opt = numopt.Funnel(lr=1.0, gamma_s=1.0, use_directions=False, s_bounds=None)
    opt.step(theta, np.full(2, 100.0))
    with pytest.warns(numopt.NumericalWarning) as record:
        opt.step(theta, np.full(2, 100.0))
    assert str(record[0].message).startswith("Funnel: s of params became inf at 1 of its 1 entries at step 2")


def test_funnel_cosine_of_huge_finite_vectors_is_their_cosine():
    """g = (1e300, 1e300): ‖g‖ overflowed, so g/‖g‖ was 0 and the cosine of g with ν ∥ g came out 0 (or NaN).

    Step 1: c = 0 (ν = 0), s = 1, p = 1, ν = η g = 1e298, m = 0.1 g, θ = −1e298.
    Step 2: ν ∥ g, so c = 1 up to the authors' 1e-10 (relative 1e-310 here): s = e^0.001, p = e^0.01,
    ν = 0.9e298 + η e^0.01 g, θ = −1e298 − s ν.
    """
    theta, g = np.zeros(2), np.full(2, 1e300)
    opt = numopt.Funnel()
    opt.step(theta, g)
    opt.step(theta, g)
    s, nu = math.exp(0.001), 0.9 * 1e298 + 0.01 * math.exp(0.01) * 1e300
    np.testing.assert_allclose(opt.state["s"], s, rtol=1e-15)
    np.testing.assert_allclose(theta, -1e298 - s * nu, rtol=1e-14)


@pytest.mark.parametrize("scale", [1e-300, 1e-150, 1.0, 1e150, 1e300])
def test_funnel_cosine_agrees_with_the_authors_form_where_theirs_is_finite(scale):
    """c = ⟨g/(‖g‖ + 1e-10), ν/(‖ν‖ + 1e-10)⟩ in plain NumPy, read off s = e^(γ_s c) with γ_s = 1 on step 2."""
    rng = np.random.default_rng(4)
    g1, g2 = rng.standard_normal(5) * scale, rng.standard_normal(5) * scale
    theta = np.zeros(5)
    opt = numopt.Funnel(lr=1.0, gamma_s=1.0, s_bounds=None)
    opt.step(theta, g1)
    nu = opt.state["nu"].copy()  # η p g1 with p = 1
    opt.step(theta, g2)
    with np.errstate(over="ignore", invalid="ignore"):
        c = np.vdot(g2 / (np.linalg.norm(g2) + 1e-10), nu / (np.linalg.norm(nu) + 1e-10))
    if scale < 1e300:  # the authors' norms are finite
        np.testing.assert_allclose(math.log(float(opt.state["s"])), c, rtol=1e-14, atol=1e-16)
    assert -1.0 <= math.log(float(opt.state["s"])) <= 1.0


# ---------------------------------------------------------------------------- load_state_dict checks (12.7)
def _stepped(make, steps=2, dtype=np.float64):
    params = {"W": np.linspace(0.5, 1.5, 6, dtype=dtype).reshape(2, 3), "b": np.array([0.3, 0.6, 0.9], dtype)}
    opt = make()
    for t in range(1, steps + 1):
        opt.step(params, {k: (np.cos(t + np.arange(a.size)).reshape(a.shape)).astype(dtype) for k, a in params.items()})
    return opt, params


def _set(path, value):
    """A corruption: set saved[path...] = value (the last key may index an array)."""
    def corrupt(saved):
        target = saved
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = value
    return corrupt


CORRUPTIONS = {
    "nan-m": ("adam", _set(("state", 0, "m", (0, 1)), np.nan), r"'m' has 1 NaN value\(s\)"),
    "nan-v": ("adam", _set(("state", 1, "v", 2), np.nan), r"params\['b'\]: 'v' has 1 NaN value"),
    "minus-inf-v": ("adam", _set(("state", 1, "v", 2), -np.inf), r"params\['b'\]: 'v' has values in \[-inf"),
    "negative-v": ("adam", _set(("state", 1, "v", 0), -1.0), r"'v' has values in \[-1.0, .*expected every value in "
                   r"\[0.0, inf\]"),
    "negative-v_max": ("adam-amsgrad", _set(("state", 0, "v_max", (1, 1)), -2.0), r"'v_max' has values in \[-2.0"),
    "negative-adagrad": ("adagrad", _set(("state", 0, "v", (0, 0)), -1e-3), r"'v' has values in \[-0.001"),
    "negative-E_delta2": ("adadelta", _set(("state", 1, "E_delta2", 1), -1.0), r"'E_delta2' has values in \[-1.0"),
    "negative-v_hat": ("adax", _set(("state", 1, "v_hat", 1), -1.0), r"'v_hat' has values in \[-1.0"),
    "negative-nu": ("egsgd", _set(("state", 1, "nu", 1), -1.0), r"'nu' has values in \[-1.0"),
    "p-above-bound": ("funnel", _set(("state", 0, "p", (0, 2)), 1000.0), r"'p' has values in .*1000.0\]; expected "
                      r"every value in \[0.01, 100.0\]"),
    "s-below-bound": ("funnel", _set(("state", 1, "s", ()), 0.01), r"'s' has values in \[0.01, 0.01\]; expected every "
                      r"value in \[0.1, 10.0\]"),
    "unknown-kind": ("adam", _set(("structure", "kind"), "tree"), r"state_dict\['structure'\] has kind 'tree'"),
    "float16": ("adam", _set(("structure", "dtypes", 1), "float16"), r"state_dict\['structure'\]\['dtypes'\]\[1\] is "
                r"float16; expected float32 or float64"),
    "negative-shape": ("adam", _set(("structure", "shapes", 0), [-2, 3]), r"\['shapes'\]\[0\] is \[-2, 3\]; expected "
                       r"a list of ints >= 0"),
    "state-none": ("adam", _set(("state",), None), r"state_dict\['state'\] is None; expected a list of 2 dicts"),
    "keys-vs-shapes": ("adam", _set(("structure", "keys"), ["W", "b", "c"]), r"has 3 keys, 2 shapes and 2 dtypes"),
    "bad-hyperparameter": ("adam", _set(("hyperparameters", "beta1"), 1.5), r"state_dict\['hyperparameters'\] are "
                           r"refused: beta1=1.5 is out of range"),
}
MAKERS = {
    "adam": numopt.Adam, "adam-amsgrad": lambda: numopt.Adam(amsgrad=True), "adagrad": numopt.AdaGrad,
    "adadelta": numopt.AdaDelta, "adax": numopt.AdaX, "egsgd": numopt.EGSGD, "funnel": numopt.Funnel,
}


@pytest.mark.parametrize("case", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_load_state_dict_refuses_what_a_step_could_not_use_and_changes_nothing(case):
    maker, corrupt, message = case
    source, _ = _stepped(MAKERS[maker], steps=3)
    saved = source.state_dict()
    corrupt(saved)
    opt, params = _stepped(MAKERS[maker])
    before = _frozen(opt, list(params.values()))
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(saved)
    assert _frozen(opt, list(params.values())) == before and opt.hyperparameters == MAKERS[maker]().hyperparameters


def test_a_step_after_loading_says_the_structure_came_from_the_loaded_state():
    source, _ = _stepped(numopt.Adam, steps=3)
    opt = numopt.Adam()
    opt.load_state_dict(source.state_dict())
    params32 = {"W": np.ones((2, 3), np.float32), "b": np.ones(3, np.float32)}
    with pytest.raises(ValueError, match=r"expected the structure loaded by load_state_dict \(at t = 3\)"):
        opt.step(params32, {k: np.ones_like(a) for k, a in params32.items()})


# ---------------------------------------------------------------------------- state_dict resumes the run (15)
def _continue(opt, params, steps=3, first=3):
    for t in range(first, first + steps):
        opt.step(params, {k: (np.sin(t + np.arange(a.size)).reshape(a.shape)) for k, a in params.items()})
    return [a.tobytes() for a in params.values()]


@pytest.mark.parametrize("make", [lambda: numopt.Adam(lr=0.05, beta1=0.8), lambda: numopt.Adam(amsgrad=True),
                                  lambda: numopt.Funnel(lr=0.1, s_bounds=None, use_signs=False)],
                         ids=["adam-lr-beta1", "adam-amsgrad", "funnel-variant"])
def test_loading_into_a_default_optimizer_resumes_with_the_saved_hyperparameters(make):
    """Adam(lr=0.05, beta1=0.8) loaded into Adam() went on with lr 1e-3 and β1 0.9, silently."""
    source, params = _stepped(make)
    saved, copied = source.state_dict(), {k: a.copy() for k, a in params.items()}
    resumed = type(source)()
    resumed.load_state_dict(saved)
    assert resumed.hyperparameters == source.hyperparameters
    assert _continue(resumed, copied) == _continue(source, params)


def test_a_schedule_must_be_passed_again_and_then_resumes():
    def schedule(t):
        return 0.05 / t

    source, params = _stepped(lambda: numopt.Adam(lr=schedule))
    saved, copied = source.state_dict(), {k: a.copy() for k, a in params.items()}
    assert saved["lr_schedule"] == repr(schedule) and "lr" not in saved["hyperparameters"]
    opt = numopt.Adam()
    with pytest.raises(ValueError, match=r"cannot be saved by value; pass it again: load_state_dict\(state_dict, "
                                         r"lr=schedule\)"):
        opt.load_state_dict(saved)
    assert opt.t == 0 and opt.lr == 1e-3
    opt.load_state_dict(saved, lr=schedule)
    assert opt.lr is schedule and _continue(opt, copied) == _continue(source, params)


# ---------------------------------------------------------------------------- the probe: every variant, both dtypes
PROBE_GRADS = [1e-300, 1e-150, 1e-40, 1.0, 1e20, 1e38, 1e150, 1e300, 1e308]
PROBE_PARAMS = [1.0, 1e-300, 1e-30, 1e30, 1e300]
WARNED = re.compile(r"^\w+: (\S+) of (params\[\d+\]) became (?:inf|NaN) at \d+")


def _bytes(opt, params):
    state = [{k: a.tobytes() for k, a in slot.items()} for slot in opt.state_dict()["state"]]
    return opt.t, state, [p.tobytes() for p in params]


def _probe_step(opt, params, grads, warned: set) -> None:
    """One step: an exception changes nothing; every inf/NaN in θ or the state was announced by numopt."""
    before = _bytes(opt, params)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            opt.step(params, grads)
        except (ValueError, TypeError, FloatingPointError):
            assert _bytes(opt, params) == before, "a refused step changed something"
    for w in record:
        assert issubclass(w.category, numopt.NumericalWarning), f"{w.category.__name__}: {w.message}"
        match = WARNED.match(str(w.message))
        assert match, str(w.message)
        warned.add((match.group(1), match.group(2)))
    for i, p in enumerate(params):
        assert np.isfinite(p).all() or ("θ", f"params[{i}]") in warned, f"params[{i}] = {p} without a warning"
    for i, slot in enumerate(opt.state or []):
        for name, a in slot.items():
            assert np.isfinite(a).all() or (name, f"params[{i}]") in warned, f"{name} of params[{i}] = {a} unannounced"


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_probe_extreme_magnitudes_and_aliasing(variant, dtype):
    """Gradients from 1e-300 to 1e308 (float64, so some overflow float32 params) at parameters from 1e-300 to
    1e300, every third step with grads that are the other parameter."""
    pattern = np.array([1.0, -0.5, 0.25, 2.0])
    params = [np.full(4, 0.5, dtype), np.full(4, 1.5, dtype)]
    opt, warned = variant.make(), set()
    for scale in PROBE_PARAMS:
        if 2 * scale > float(np.finfo(dtype).max):
            continue  # the parameters themselves would be inf
        with np.errstate(under="ignore"):
            params[0][...], params[1][...] = np.abs(pattern) * scale, np.abs(pattern[::-1]) * scale
        for k, g in enumerate(PROBE_GRADS):
            grads = [params[1], params[0]] if k % 3 == 2 else [pattern * g, -pattern[::-1] * g]
            _probe_step(opt, params, grads, warned)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("t", [10**9, 2**53])
def test_probe_long_runs_from_a_loaded_state(variant, dtype, t):
    """A state saved after two steps and loaded at t = 10⁹ or 2⁵³: ordinary gradients give finite steps, no warning."""
    params = [np.full(4, 0.5, dtype), np.full(4, 1.5, dtype)]
    opt = variant.make()
    for k in range(2):
        opt.step(params, [np.cos(np.arange(4.0) + k), np.sin(np.arange(4.0) + k)])
    saved = opt.state_dict()
    saved["t"] = t
    opt.load_state_dict(saved)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for k in range(3):
            opt.step(params, [np.cos(np.arange(4.0) + k), np.sin(np.arange(4.0) + k)])
    assert opt.t == t + 3 and all(np.isfinite(p).all() for p in params)
    assert all(np.isfinite(a).all() for slot in opt.state for a in slot.values())


@pytest.mark.parametrize("value", [np.nan, -np.inf, -1.0, 1e300], ids=["nan", "-inf", "-1", "1e300"])
def test_probe_corrupted_state_dicts(variant, value):
    """Each state entry set to NaN, -inf, -1 or 1e300: refused with nothing changed (NaN, or out of the state's
    range), or loaded and then every inf/NaN that follows is announced."""
    params = [np.full(4, 0.5), np.full(4, 1.5)]
    source = variant.make()
    source.step(params, [np.ones(4), -np.ones(4)])
    for name in source.state[0]:
        if source.state[0][name].size == 0:
            continue  # Adafactor's unused factors: nothing to corrupt
        saved = source.state_dict()
        saved["state"][0][name].reshape(-1)[0] = value
        opt, params = variant.make(), [np.full(4, 0.5), np.full(4, 1.5)]
        opt.step(params, [np.ones(4), -np.ones(4)])
        before = _bytes(opt, params)
        try:
            opt.load_state_dict(saved)
        except ValueError as err:
            assert name in str(err) and _bytes(opt, params) == before
            high = opt._state_bounds().get(name, (0.0, math.inf))[1]
            assert not math.isfinite(value) or value < 0 or value > high  # (Funnel's p and s, Rprop's Δ, L-BFGS's n)
            continue
        assert not math.isnan(value), f"{name} = {value} was loaded"  # (an inf a step may leave loads)
        warned: set = set() if math.isfinite(value) else {(name, "params[0]")}  # loaded as inf, not made so
        for g in (1.0, 1e300, 1e-300):
            _probe_step(opt, params, [np.full(4, g), np.full(4, -g)], warned)


def test_a_first_step_that_fails_leaves_no_structure_behind(monkeypatch):
    """After a first step that raised inside the update, params of another shape are a fresh first step."""
    update, calls = numopt.SGD._update, []

    def failing_once(self, theta, g, t, lr):
        calls.append(t)
        if len(calls) == 1:
            raise KeyboardInterrupt
        update(self, theta, g, t, lr)

    monkeypatch.setattr(numopt.SGD, "_update", failing_once)
    opt, theta = numopt.SGD(lr=0.5), np.ones(3)
    with pytest.raises(KeyboardInterrupt):
        opt.step(theta, np.ones(3))
    assert opt.t == 0 and opt.state == {} and (theta == 1).all()
    other = np.ones(5)
    opt.step(other, np.ones(5))
    assert opt.t == 1 and (other == 0.5).all()
