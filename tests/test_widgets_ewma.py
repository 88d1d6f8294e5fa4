"""The EWMA-weights widget of lesson 02: its numbers against the recursion, and its sliders."""

import matplotlib

matplotlib.use("Agg")

import math

import matplotlib.pyplot as plt
import pytest

from numopt.widgets import ewma


def weight_by_impulse(beta, t, i):
    """Weight of x_i in v_t, by running v ← βv + (1 − β)x on the input that is 1 at i and 0 elsewhere."""
    v = 0.0
    for k in range(1, t + 1):
        v = beta * v + (1 - beta) * (1.0 if k == i else 0.0)
    return v


@pytest.mark.parametrize(("beta", "t"), [(0.5, 1), (0.9, 10), (0.95, 30), (0.99, 60)])
def test_draw_computes_the_weights_their_sum_and_the_window(beta, t):
    result = ewma.draw(beta, t)
    assert len(result.weights) == t
    for i in (1, (t + 1) // 2, t):
        assert result.weights[i - 1] == pytest.approx(weight_by_impulse(beta, t, i), rel=1e-12)
    assert result.total == pytest.approx(1 - beta**t, rel=1e-12)
    assert math.fsum(result.corrected) == pytest.approx(1.0, rel=1e-12)
    assert result.window == pytest.approx(1 / (1 - beta), rel=1e-12)
    ax = plt.gca()
    assert len(ax.patches) == 2 * t  # raw and corrected bars
    plt.close("all")


def test_widget_redraws_when_a_slider_moves():
    w = ewma.widget()
    beta_slider, t_slider = w.children[0], w.children[1]
    beta_slider.value = 0.8
    t_slider.value = 12
    assert w.result.total == pytest.approx(1 - 0.8**12, rel=1e-12)
    assert w.result.weights[-1] == pytest.approx(0.2, rel=1e-12)  # the newest weighs 1 − β
    assert w.result.window == pytest.approx(5.0, rel=1e-12)
    plt.close("all")
