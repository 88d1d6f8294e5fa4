"""The optimizer race widget (``numopt.widgets.race``), headless: its runs, its figure and its callbacks."""

import matplotlib
import numpy as np
import pytest

import numopt
from numopt.problems import Beale, Quadratic, Rosenbrock
from numopt.runner import run
from numopt.widgets import race

matplotlib.use("Agg")


def _lines(ax):
    """The (x, y) data of every line of ``ax`` with more than one point, by label."""
    return {line.get_label(): np.column_stack(line.get_data()) for line in ax.get_lines() if len(line.get_xdata()) > 1}


def test_sgd_path_is_the_closed_form_on_the_quadratic():
    # SGD on f = ½ dᵀAd: d_t = (I − ηA)^t d_0, derived by hand, not by numopt
    problem, eta, steps = Quadratic(), 0.07, 40
    result = race.draw("quadratic", ("sgd",), lr_gradient=eta, steps=steps)
    d = problem.init() - problem.minimizer
    M = np.eye(2) - eta * problem.A
    expected = np.array([problem.minimizer + np.linalg.matrix_power(M, t) @ d for t in range(steps + 1)])
    np.testing.assert_allclose(result.trajectories["sgd"].params, expected, rtol=0, atol=1e-13)
    # and the figure draws exactly that path, and the loss ½ dᵀAd per step
    left, right = result.figure.axes
    np.testing.assert_allclose(_lines(left)["sgd"], expected, rtol=0, atol=1e-13)
    drawn_loss = _lines(right)["sgd"][:, 1]
    exact_loss = [0.5 * (p - problem.minimizer) @ problem.A @ (p - problem.minimizer) for p in expected]
    np.testing.assert_allclose(drawn_loss, exact_loss, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(
    ("problem", "keys", "lr_gradient", "lr_adaptive", "beta", "built"),
    [
        ("rosenbrock", ("momentum", "adam"), 2e-3, 0.02, 0.5,
         {"momentum": numopt.Momentum(lr=2e-3, beta=0.5), "adam": numopt.Adam(lr=0.02, beta1=0.5)}),
        ("beale", ("nag", "rmsprop", "adadelta"), 1e-4, 0.003, 0.8,
         # RMSProp's beta is a second-moment decay: β leaves it alone; AdaDelta has no learning rate
         {"nag": numopt.NAG(lr=1e-4, beta=0.8), "rmsprop": numopt.RMSProp(lr=0.003), "adadelta": numopt.AdaDelta()}),
        ("quadratic", ("funnel", "adax", "nadam"), 0.01, 0.1, 0.7,
         {"funnel": numopt.Funnel(lr=0.01, mu=0.7), "adax": numopt.AdaX(lr=0.1, beta1=0.7),
          "nadam": numopt.Nadam(lr=0.1, beta1=0.7)}),
    ],
)
def test_slider_values_give_the_optimizers_built_by_hand(problem, keys, lr_gradient, lr_adaptive, beta, built):
    result = race.draw(problem, keys, lr_gradient=lr_gradient, lr_adaptive=lr_adaptive, beta=beta, steps=60)
    assert result.failures == []
    for key, optimizer in built.items():
        assert result.optimizers[key] == repr(optimizer)
        expected = run(optimizer, problem, 60)
        np.testing.assert_array_equal(result.trajectories[key].params, expected.params)
        np.testing.assert_array_equal(_lines(result.figure.axes[0])[key], expected.params)


def test_defaults_are_the_suggested_learning_rates():
    # README: Rosenbrock's suggested rates are 1e-3 (gradient methods) and 0.05 (adaptive ones); EGSGD's γ 1e-3
    result = race.draw("rosenbrock", ("sgd", "adam", "egsgd"), steps=30)
    assert result.optimizers == {
        "sgd": repr(numopt.SGD(lr=1e-3)), "adam": repr(numopt.Adam(lr=0.05)),
        "egsgd": repr(numopt.EGSGD(lr=1e-3, gamma=1e-3)),
    }
    expected = run(numopt.Adam(lr=0.05), Rosenbrock(), 30)
    np.testing.assert_array_equal(result.trajectories["adam"].params, expected.params)


def test_a_failed_run_is_reported_and_the_race_goes_on():
    # EGU needs positive parameters and Rosenbrock starts at (−1.2, 1); SGD with η = 1 overflows on Beale
    result = race.draw("rosenbrock", ("egu", "momentum"), steps=20)
    assert list(result.trajectories) == ["momentum"]
    assert len(result.failures) == 1 and result.failures[0].startswith("egu: ") and "-1.2" in result.failures[0]
    assert "failed: egu" in result.figure.axes[0].get_title()
    result = race.draw("beale", ("sgd", "adam"), lr_gradient=1.0, steps=200)
    assert list(result.trajectories) == ["adam"] and result.failures[0].startswith("sgd: ")
    assert np.isfinite(result.trajectories["adam"].losses).all()


def test_unknown_problem_is_refused():
    with pytest.raises(ValueError, match="problem='mlp'"):
        race.draw("mlp", ("sgd",))


def test_widget_redraws_on_every_control():
    pytest.importorskip("ipywidgets")
    box = race.widget()
    controls = box.controls
    assert set(controls) == {"problem", "optimizers", "lr_gradient", "lr_adaptive", "beta", "steps"}
    assert box.result.optimizers["momentum"] == repr(numopt.Momentum(lr=1e-3, beta=0.9))

    controls["beta"].value = 0.6
    assert box.result.optimizers["momentum"] == repr(numopt.Momentum(lr=1e-3, beta=0.6))
    controls["optimizers"].value = ("nag",)
    controls["steps"].value = 50
    assert list(box.result.trajectories) == ["nag"]
    expected = run(numopt.NAG(lr=1e-3, beta=0.6), Rosenbrock(), 50)
    np.testing.assert_array_equal(box.result.trajectories["nag"].params, expected.params)

    # a new problem resets both learning rates to its suggested values (Beale: 1e-3 and 0.02) and redraws once
    controls["optimizers"].value = ("sgd", "adam")
    controls["problem"].value = "beale"
    assert controls["lr_gradient"].value == pytest.approx(1e-3) and controls["lr_adaptive"].value == pytest.approx(0.02)
    assert box.result.optimizers == {"sgd": repr(numopt.SGD(lr=1e-3)), "adam": repr(numopt.Adam(lr=0.02, beta1=0.6))}
    np.testing.assert_array_equal(
        box.result.trajectories["adam"].params, run(numopt.Adam(lr=0.02, beta1=0.6), Beale(), 50).params
    )
    controls["lr_adaptive"].value = 0.1
    assert box.result.optimizers["adam"] == repr(numopt.Adam(lr=0.1, beta1=0.6))


def test_labels_are_shown_in_full():
    # ipywidgets cuts a description at its default width of 80 px ("lr (adaptiv…" in JupyterLab);
    # description_width "initial" lets the label take the width its text needs
    pytest.importorskip("ipywidgets")
    box = race.widget()
    for name, control in box.controls.items():
        assert control.style.description_width == "initial", name
        assert "…" not in control.description, name


def test_a_problem_change_redraws_once_and_writes_nothing(monkeypatch, capsys):
    """Changing the problem draws once, into the image widget, and sends no output anywhere else.

    Output that a callback displays (or prints, or warns) outside an Output widget goes to
    JupyterLab's log console; and a value the browser must round to a slider's grid comes back
    as a second change, which redrew while the first drawing was still being shown.
    """
    pytest.importorskip("ipywidgets")
    import warnings

    import IPython.display

    def refuse(*args, **kwargs):
        raise AssertionError("the widget displayed output from a callback")

    monkeypatch.setattr(IPython.display, "display", refuse)
    monkeypatch.setattr(IPython.display, "publish_display_data", refuse)
    drawn = []
    monkeypatch.setattr(race, "draw", lambda **kwargs: drawn.append(kwargs) or race_draw(**kwargs))
    box = race.widget()
    capsys.readouterr()
    images = [bytes(box.image.value)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for problem in ("beale", "quadratic", "rosenbrock"):
            drawn.clear()
            box.controls["problem"].value = problem
            assert len(drawn) == 1 and drawn[0]["problem"] == problem
            settings = numopt.runner.suggested(numopt.runner.make_problem(problem))
            # the suggested rates exactly, as options of the sliders: nothing for the browser to round
            for name, rate in (("lr_gradient", settings.gradient), ("lr_adaptive", settings.adaptive)):
                assert box.controls[name].value == rate and rate in box.controls[name].options
            image = bytes(box.image.value)  # the new figure, 12 × 4.8 inches at numopt.plot.DPI = 100
            assert image.startswith(b"\x89PNG\r\n\x1a\n") and image != images[-1]
            assert int.from_bytes(image[16:20], "big") == 1200 and int.from_bytes(image[20:24], "big") == 480
            images.append(image)
    assert caught == []
    assert capsys.readouterr() == ("", "")


def test_slider_values_are_exact():
    # k / 100 is the double nearest to each two-decimal β, so β = 0.9 is 0.9, not 0.9000000000000001
    assert race.BETAS[90] == 0.9 and race.BETAS[99] == 0.99 and len(race.BETAS) == 100
    assert race.LEARNING_RATES[0] == 1e-5 and race.LEARNING_RATES[-1] == 1.0
    assert 0.02 in race.LEARNING_RATES and 0.05 in race.LEARNING_RATES and 1e-3 in race.LEARNING_RATES


race_draw = race.draw
