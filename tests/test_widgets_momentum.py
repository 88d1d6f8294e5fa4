"""The momentum widget, headless: its numbers against an independent derivation, and its sliders."""

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from numopt.widgets import momentum


def _spectral_radius(lr, beta, problem_matrix):
    """Spectral radius of the full 4×4 momentum iteration (θ − θ*, b) ↦ (θ' − θ*, b') in the original axes."""
    n = problem_matrix.shape[0]
    eye = np.eye(n)
    # b' = A e + β b,  e' = e − η b' = (I − ηA) e − ηβ b
    big = np.block([[eye - lr * problem_matrix, -lr * beta * eye], [problem_matrix, beta * eye]])
    return np.abs(np.linalg.eigvals(big)).max()


@pytest.mark.parametrize("lr,beta,condition", [(0.02, 0.9, 20.0), (0.05, 0.3, 20.0), (0.1, 0.6, 10.0),
                                               (0.01, 0.0, 50.0)])
def test_map_numbers_against_the_full_iteration_matrix(lr, beta, condition):
    from numopt.problems import Quadratic

    view = momentum.momentum_map(lr, beta, condition, steps=60, grid=40)
    matplotlib.pyplot.close(view.figure)
    assert view.rate == pytest.approx(_spectral_radius(lr, beta, Quadratic(condition=condition).A), rel=1e-9)
    # the run's distance follows the rate: over 60 steps it cannot shrink faster than rate^t allows
    envelope = view.distances[0] * view.rate ** np.arange(61)
    assert view.distances[-1] <= 20 * 61 * envelope[-1]
    # Polyak's optimum, by hand: κ = condition, eigenvalues 1 and κ
    s = math.sqrt(condition)
    assert view.lr_opt == pytest.approx(4 / (s + 1) ** 2, rel=1e-14)
    assert view.rate_opt == pytest.approx((s - 1) / (s + 1), rel=1e-14)
    assert view.rate_opt <= view.rate + 1e-12


def test_default_view_is_the_lesson_03_case():
    view = momentum.momentum_map(grid=20)
    matplotlib.pyplot.close(view.figure)
    np.testing.assert_allclose(np.abs(view.roots), math.sqrt(0.9), rtol=1e-14)  # both directions spiral
    assert np.all(view.roots[:, 0].imag > 0)
    assert view.rate == pytest.approx(math.sqrt(0.9), rel=1e-14)


def test_widget_callback_follows_the_sliders():
    from numopt.problems import Quadratic

    w = momentum.widget()
    lr, beta, condition = w.children[:3]
    beta.value = 0.3
    lr.value = 0.06
    condition.value = 30.0
    assert w.result.rate == pytest.approx(_spectral_radius(0.06, 0.3, Quadratic(condition=30.0).A), rel=1e-9)
    assert len(w.result.distances) == 101


def test_sliders_hold_exact_values_so_the_browser_sends_nothing_back():
    # a FloatSlider's value is redrawn on min + k·step in the browser (0.9 -> 0.9000000000000001)
    # and sent back, a second redraw that put a figure in JupyterLab's log console
    import ipywidgets

    lr, beta, condition = momentum.widget().children[:3]
    for slider, value in ((lr, 0.02), (beta, 0.9), (condition, 20.0)):
        assert isinstance(slider, ipywidgets.SelectionSlider)
        assert slider.value == value and value in slider.options
        assert slider.style.description_width == "initial"
    assert lr.options[0] == 0.002 and lr.options[-1] == 0.2 and beta.options[-1] == 0.99
