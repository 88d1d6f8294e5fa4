"""Long runs and unlucky inputs never turn into NaN without a word."""

import math

import numpy as np

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
