"""Long runs and unlucky inputs never turn into NaN without a word."""

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
