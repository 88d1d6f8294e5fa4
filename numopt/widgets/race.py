"""The optimizer race on a 2-D problem, with sliders: which optimizers, their learning rates and β.

::

    from numopt.widgets.race import draw, widget
    result = draw("rosenbrock", ("sgd", "momentum", "adam"), steps=500)  # the figure and the runs
    result.figure; result.trajectories["adam"].losses; result.failures
    widget()                                                            # the same, live, in a notebook

:func:`draw` is the pure function the widget calls: it builds each optimizer with
:func:`numopt.runner.make_optimizer` (the problem's suggested settings, then the slider values), runs it
with :func:`numopt.runner.run` from the problem's standard start and draws the paths over the level
sets (left) and the loss curves (right). Two learning-rate sliders follow the runner's split
(:data:`numopt.runner.SUGGESTED`): one for the methods that multiply the raw gradient (SGD, Momentum,
NAG, EGU, EGSGD, Funnel), one for the adaptive methods (:data:`numopt.runner.ADAPTIVE`); AdaDelta has
no learning rate and keeps its default. The β slider sets the momentum coefficient where an
optimizer has one (:data:`MOMENTUM`: Momentum's and NAG's ``beta``, the Adam family's ``beta1``,
the Funnel's ``mu``); RMSProp's ``beta`` is a second-moment decay and is not touched. A run that
fails (an overflow, EGU from a non-positive start) is listed in ``failures`` and in the figure's
title, and the race goes on, as in ``numopt race``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..runner import ADAPTIVE, SELF_SCALED, Trajectory, make_optimizer, make_problem, run, suggested
from . import FULL_LABEL, exact_slider

__all__ = ["BETAS", "LEARNING_RATES", "MOMENTUM", "PROBLEMS", "RaceResult", "draw", "hyperparameters", "png",
           "widget"]

PROBLEMS = ("rosenbrock", "beale", "quadratic")
"""The 2-D problems the widget offers (``numopt.PROBLEMS`` keys)."""

MOMENTUM = {
    "momentum": "beta", "nag": "beta", "adam": "beta1", "adamw": "beta1", "nadam": "beta1", "adax": "beta1",
    "adaxw": "beta1", "funnel": "mu",
}
"""Optimizer key -> the name of its momentum (first-moment) coefficient, which the β slider sets."""


@dataclass
class RaceResult:
    """What :func:`draw` computed and drew.

    Attributes
    ----------
    figure : matplotlib Figure
    trajectories : dict key -> Trajectory
        The runs that finished.
    optimizers : dict key -> str
        The ``repr`` of every optimizer that was built (its hyperparameters).
    failures : list of str
        One line per run that raised (key and message).
    """

    figure: Any
    trajectories: dict[str, Trajectory] = field(default_factory=dict)
    optimizers: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def hyperparameters(
    key: str, lr_gradient: float | None = None, lr_adaptive: float | None = None, beta: float | None = None
) -> dict[str, Any]:
    """The hyperparameters the sliders give optimizer ``key`` (on top of the problem's suggested settings).

    ``None`` leaves a value to :func:`numopt.runner.make_optimizer` (the suggested learning rate, the
    algorithm's default β).
    """
    settings: dict[str, Any] = {}
    lr = lr_adaptive if key in ADAPTIVE else None if key in SELF_SCALED else lr_gradient
    if lr is not None:
        settings["lr"] = lr
    if beta is not None and key in MOMENTUM:
        settings[MOMENTUM[key]] = beta
    return settings


def draw(
    problem: str = "rosenbrock",
    optimizers: tuple[str, ...] | list[str] = ("sgd", "momentum", "adam"),
    lr_gradient: float | None = None,
    lr_adaptive: float | None = None,
    beta: float | None = None,
    steps: int = 500,
    figure: Any = None,
) -> RaceResult:
    """Run ``optimizers`` on the 2-D ``problem`` from its standard start and draw the race.

    Parameters
    ----------
    problem : str
        One of :data:`PROBLEMS`.
    optimizers : sequence of str
        Registry keys (``numopt.OPTIMIZERS``).
    lr_gradient, lr_adaptive : float or None
        Learning rates of the gradient-multiplying and of the adaptive methods; ``None`` for the
        problem's suggested values (:func:`numopt.runner.suggested`).
    beta : float or None
        Momentum coefficient of the optimizers in :data:`MOMENTUM`; ``None`` for their defaults.
    steps : int
        Steps per optimizer.
    figure : matplotlib Figure, optional
        Drawn on after clearing it; a new figure by default.

    Returns
    -------
    RaceResult
    """
    from .. import plot

    if problem not in PROBLEMS:
        raise ValueError(f"problem={problem!r}; expected one of {', '.join(PROBLEMS)}")
    task = make_problem(problem)
    result = RaceResult(figure=None)
    for key in optimizers:
        settings = hyperparameters(key, lr_gradient, lr_adaptive, beta)
        try:
            optimizer = make_optimizer(key, task, **settings)
            result.optimizers[key] = repr(optimizer)
            with np.errstate(all="raise", under="ignore"):
                result.trajectories[key] = run(optimizer, task, steps)
        except (ValueError, FloatingPointError) as err:
            result.failures.append(f"{key}: {err}")
    if figure is None:
        figure, _ = plot.figure(1, 2, size=(12.0, 4.8))
    else:
        figure.clear()
        figure.subplots(1, 2)
    left, right = figure.axes
    plot.contours(task, result.trajectories, ax=left, resolution=120)
    if result.trajectories:
        plot.loss_curves(result.trajectories, ax=right, title=f"{problem}: loss − minimum per step")
    failed = ", ".join(line.split(":")[0] for line in result.failures)
    left.set_title(f"{problem}, {steps} steps" + (f" (failed: {failed})" if failed else ""))
    result.figure = figure
    return result


LEARNING_RATES = tuple(sorted({m * 10.0**e for e in range(-5, 1) for m in (1.0, 2.0, 5.0) if m * 10.0**e <= 1.0}))
"""The learning rates the sliders offer (1, 2, 5 per decade, 1e-5 to 1), to which :func:`widget` adds the
problems' suggested ones: a slider holds exact values, which the browser has no reason to round."""

BETAS = tuple(k / 100 for k in range(100))
"""The β slider's values, 0 to 0.99 (``k / 100``, the float nearest to each two-decimal number)."""


def png(figure: Any) -> bytes:
    """The figure as PNG bytes, at :data:`numopt.plot.DPI` (what the widget's image shows)."""
    from io import BytesIO

    from ..plot import DPI

    buffer = BytesIO()
    figure.savefig(buffer, dpi=DPI, format="png")
    return buffer.getvalue()


def widget() -> Any:
    """The race as an ipywidgets box: problem, optimizers, two learning rates, β and steps.

    The returned box has ``controls`` (name -> control widget), ``image`` (the figure, as a PNG)
    and ``result`` (the latest :class:`RaceResult`); changing any control redraws once.
    Changing the problem sets the learning rates to its suggested values.

    The learning rates and β are sliders over exact values (:func:`numopt.widgets.exact_slider`,
    :data:`LEARNING_RATES`, :data:`BETAS`), so the browser never rounds a value the kernel set and
    sends it back (a log slider snapped 0.02 to its grid, 10^-1.75, and that echo redrew the race a
    second time while the first drawing was still being shown). The figure is the value of an ``Image`` widget, not
    output displayed from a callback, so nothing of it can land in JupyterLab's log console.
    Labels are shown in full (``description_width: initial``).
    """
    import ipywidgets as w

    from .. import OPTIMIZERS

    rates = set(LEARNING_RATES)
    for name in PROBLEMS:
        settings = suggested(make_problem(name))
        rates |= {settings.gradient, settings.adaptive}
    rates = sorted(rates)
    first = suggested(make_problem(PROBLEMS[0]))
    controls = {
        "problem": w.Dropdown(options=PROBLEMS, value=PROBLEMS[0], description="problem", **FULL_LABEL),
        "optimizers": w.SelectMultiple(
            options=list(OPTIMIZERS), value=("sgd", "momentum", "adam"), rows=7, description="optimizers",
            **FULL_LABEL,
        ),
        "lr_gradient": exact_slider(rates, first.gradient, "lr (gradient methods)"),
        "lr_adaptive": exact_slider(rates, first.adaptive, "lr (adaptive methods)"),
        "beta": exact_slider(BETAS, 0.9, "β (momentum)"),
        "steps": w.IntSlider(value=500, min=10, max=2000, step=10, description="steps", **FULL_LABEL),
    }
    image = w.Image(format="png")
    box = w.VBox([w.HBox([w.VBox([controls["problem"], controls["optimizers"]]),
                          w.VBox([controls[k] for k in ("lr_gradient", "lr_adaptive", "beta", "steps")])]),
                  image])
    box.controls, box.image, box.result = controls, image, None
    busy = {"resetting": False}

    def redraw(_change: Any = None) -> None:
        if busy["resetting"]:
            return
        values = {name: control.value for name, control in controls.items()}
        values["optimizers"] = tuple(values["optimizers"])
        box.result = draw(**values)
        image.value = png(box.result.figure)

    def new_problem(change: Any) -> None:
        settings = suggested(make_problem(change["new"]))
        busy["resetting"] = True
        try:
            controls["lr_gradient"].value, controls["lr_adaptive"].value = settings.gradient, settings.adaptive
        finally:
            busy["resetting"] = False
        redraw()

    for name, control in controls.items():
        control.observe(new_problem if name == "problem" else redraw, names="value")
    redraw()
    return box
