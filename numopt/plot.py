"""Plots of trajectories, loss curves, per-step quantities and EWMA weights (needs matplotlib).

This and :mod:`numopt.widgets` are the only numopt modules that import matplotlib (``pip install -e
".[plots]"``); ``import numopt`` works without it. Every function draws on the
axes ``ax`` it is given, or on new axes from ``matplotlib.pyplot`` (so that a
notebook shows them), and returns the axes.

* :func:`contours`: level sets of a 2-D problem with several trajectories;
* :func:`loss_curves`: loss (minus the minimum, where known) per step, log scale;
* :func:`curves`: any per-step quantity, e.g. β̂₂,ₜ, a gain or a learning-rate multiplier;
* :func:`ewma_bars`: the weights an EWMA gives to past inputs, with and without bias correction;
* :func:`figure`, :func:`style` and :func:`save`: figures without pyplot's
  global state, with the fonts of the saved figures, saved deterministically
  (Agg, fixed dpi, no time stamp or version in the file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

try:
    import matplotlib
except ModuleNotFoundError as err:  # say which extra brings it, for pip and editable installs alike
    raise ModuleNotFoundError(
        "numopt.plot needs matplotlib, which numopt installs only with an extra: "
        "pip install 'numopt[plots]', or pip install -e '.[plots]' in a clone",
        name=err.name,
    ) from None
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from . import theory
from .checks import real, whole
from .problems import Problem
from .runner import Trajectory, make_problem

__all__ = ["COLORS", "DPI", "contours", "curves", "ewma_bars", "figure", "loss_curves", "save", "style"]

DPI = 100
"""Resolution of saved figures, dots per inch."""

COLORS = {
    "sgd": "#000000", "momentum": "#1f77b4", "nag": "#17becf", "adagrad": "#8c564b", "rmsprop": "#bcbd22",
    "adadelta": "#7f7f7f", "adam": "#d62728", "adamw": "#ff9896", "nadam": "#9467bd", "adax": "#2ca02c",
    "adaxw": "#98df8a", "egu": "#e377c2", "egsgd": "#ff7f0e", "funnel": "#b8860b",
    "adamax": "#843c39", "radam": "#7b4173", "rprop": "#393b79", "asgd": "#637939", "adafactor": "#8c6d31",
    "lbfgs": "#5254a3", "muon": "#bd9e39", "sparse_adam": "#e7969c",
    "lion": "#e6550d", "signum": "#636363", "adabelief": "#31a354", "yogi": "#756bb1", "lamb": "#3182bd",
    "lars": "#9c9ede", "schedule_free": "#a55194", "lookahead": "#6b6ecf",
}
"""A fixed colour per algorithm key, so that every figure uses the same one."""

MAX_BARS = 2000
"""The most bars :func:`ewma_bars` draws (more would take minutes and show nothing more)."""


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(6, 4), layout="constrained")[1]


def _labelled(
    trajectories: Trajectory | Mapping[str, Trajectory] | Sequence[Trajectory],
) -> list[tuple[str, Trajectory]]:
    """(label, trajectory) pairs: the mapping's keys, or each trajectory's key (one trajectory alone too).

    Raises
    ------
    TypeError
        If an entry is not a :class:`~numopt.runner.Trajectory` (what :func:`numopt.run` returns).
    """
    if isinstance(trajectories, Trajectory):
        return [(trajectories.key, trajectories)]
    if isinstance(trajectories, Mapping):
        pairs = list(trajectories.items())
    elif isinstance(trajectories, (list, tuple)):
        pairs = [(getattr(tr, "key", i), tr) for i, tr in enumerate(trajectories)]
    else:
        pairs = [(None, trajectories)]
    for label, tr in pairs:
        if not isinstance(tr, Trajectory):
            where = "trajectories" if label is None else f"trajectories[{label!r}]"
            raise TypeError(f"{where} is a {type(tr).__name__}; expected a Trajectory, as numopt.run returns")
    return pairs


def _color(label: str, tr: Trajectory | None, i: int) -> Any:
    key = tr.key if tr is not None else label
    return COLORS.get(key, COLORS.get(label, f"C{i % 10}"))


def contours(
    problem: Problem,
    trajectories: Trajectory | Mapping[str, Trajectory] | Sequence[Trajectory] = (),
    ax: Axes | None = None,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    levels: int = 25,
    resolution: int = 200,
) -> Axes:
    """Level sets of a 2-D ``problem`` with the paths of ``trajectories`` drawn over them.

    Parameters
    ----------
    problem : Problem or str
        A problem with 2-D array params, or its name in ``numopt.PROBLEMS``.
    trajectories : Trajectory, mapping label -> Trajectory, or sequence of Trajectory
        Paths to draw; a sequence (or one trajectory) is labelled by the optimizers' keys.
    ax : Axes, optional
    bounds : ((x_min, x_max), (y_min, y_max)), optional
        The window; ``problem.bounds`` by default.
    levels : int, default 25
        Number of contour levels, log-spaced between the smallest and largest
        values of ``loss − min_value`` in the window.
    resolution : int, default 200
        Grid points per axis.

    Returns
    -------
    Axes

    Raises
    ------
    ValueError
        If ``problem`` does not have 2-D array params, or a trajectory is another problem's.
    """
    problem = make_problem(problem)
    start = problem.init()
    if isinstance(start, Mapping) or np.shape(start) != (2,):
        given = "a dict of arrays" if isinstance(start, Mapping) else f"an array of shape {np.shape(start)}"
        raise ValueError(
            f"contours needs a problem whose params are an array of shape (2,); {problem!r} has {given}: "
            "plot its loss with plot.loss_curves instead"
        )
    pairs = _labelled(trajectories)
    for label, tr in pairs:
        if tr.problem != problem.name or np.shape(tr.params)[1:] != (2,):
            raise ValueError(
                f"trajectory {label!r} is a run on {tr.problem!r} with params of shape {np.shape(tr.params)[1:]}; "
                f"expected runs on {problem.name!r}, whose params have shape (2,)"
            )
    levels, resolution = whole("levels", levels, 2, 1000), whole("resolution", resolution, 2, 2000)
    ax = _axes(ax)
    (x0, x1), (y0, y1) = bounds or problem.bounds or ((-2.0, 2.0), (-2.0, 2.0))
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    floor = problem.min_value or 0.0
    Z = np.array([[problem.loss(np.array([x, y])) - floor for x in xs] for y in ys])
    low = max(float(Z.min()), float(Z.max()) * 1e-9, 1e-12)
    ax.contour(
        xs, ys, np.maximum(Z, low), levels=np.geomspace(low, float(Z.max()), levels),
        norm=LogNorm(), cmap="Greys_r", linewidths=0.6, alpha=0.8,
    )
    for i, (label, tr) in enumerate(pairs):
        path = np.asarray(tr.params)
        color = _color(label, tr, i)
        ax.plot(path[:, 0], path[:, 1], "-", color=color, lw=1.3, alpha=0.85, label=label)
        ax.plot(path[-1, 0], path[-1, 1], "o", color=color, ms=4)
    if pairs:
        start = np.asarray(pairs[0][1].params)[0]
        ax.plot(start[0], start[1], "s", color="black", ms=6, label="start")
    if problem.minimizer is not None:
        ax.plot(*problem.minimizer[:2], "*", color="gold", mec="black", ms=14, label="minimum")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    ax.set_title(f"{problem.name}: level sets of the loss (log-spaced)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize="small")
    return ax


def loss_curves(
    trajectories: Trajectory | Mapping[str, Trajectory] | Sequence[Trajectory],
    ax: Axes | None = None,
    log: bool = True,
    title: str | None = None,
) -> Axes:
    """Loss against step for several runs; ``loss − min`` where the minimum is known.

    Parameters
    ----------
    trajectories : Trajectory, mapping label -> Trajectory, or sequence of Trajectory
    ax : Axes, optional
    log : bool, default True
        Log-scaled y axis. Exact zeros (a method that lands on the minimum) are
        drawn at the smallest positive value of the plot.
    title : str, optional
        Defaults to the problem's name.

    Returns
    -------
    Axes
    """
    ax = _axes(ax)
    pairs = _labelled(trajectories)
    known = all(tr.min_value is not None for _, tr in pairs)
    positive = [tr.gaps[tr.gaps > 0] for _, tr in pairs]
    floor = min((float(p.min()) for p in positive if p.size), default=1e-16)
    for i, (label, tr) in enumerate(pairs):
        y = np.maximum(tr.gaps, floor) if log else tr.gaps
        ax.plot(np.arange(len(y)), y, color=_color(label, tr, i), lw=1.3, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("loss − minimum" if known else "loss")
    ax.set_title(title if title is not None else (pairs[0][1].problem if pairs else ""))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", ncol=2, fontsize="small")
    return ax


def curves(
    series: Mapping[str, Any],
    ax: Axes | None = None,
    ylabel: str = "",
    title: str = "",
    first_step: int = 1,
    log: bool = False,
    markers: Sequence[int] = (),
    colors: Mapping[str, Any] | None = None,
) -> Axes:
    """Per-step curves of any quantity: β̂ schedules, gains, learning-rate multipliers, accuracy.

    Parameters
    ----------
    series : mapping label -> array of shape (n,) or (n, k)
        One curve per label (k curves for a 2-D array, drawn in one colour,
        labelled once). A label that is an algorithm key gets its colour.
    ax : Axes, optional
    ylabel, title : str
    first_step : int, default 1
        The step number of each series' first entry (1 for state after step 1,
        0 for values that start before the first step).
    log : bool, default False
        Log-scaled y axis.
    markers : sequence of int
        Steps to mark with vertical dashed lines (e.g. drift times).
    colors : mapping label -> colour, optional
        Colours for some labels (an algorithm key such as ``"adam"`` is also
        accepted as a colour and gives that algorithm's colour).

    Returns
    -------
    Axes
    """
    if not isinstance(series, Mapping):
        raise TypeError(f"series is a {type(series).__name__}; expected a mapping label -> array of values")
    ax = _axes(ax)
    colors = colors or {}
    for i, (label, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        steps = np.arange(first_step, first_step + len(values))
        color = COLORS.get(colors.get(label), colors.get(label)) or _color(label, None, i)
        lines = ax.plot(steps, values.reshape(len(values), -1), color=color, lw=1.2, alpha=0.9)
        lines[0].set_label(label)
    for k, step in enumerate(markers):
        ax.axvline(step, color="0.4", ls="--", lw=0.8, label="drift" if k == 0 else None)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return ax


def ewma_bars(beta: float, t: int, ax: Axes | None = None, corrected: bool = True) -> Axes:
    """Bars of the weight (1 − β) β^{t−i} an EWMA gives input i after t steps.

    The raw weights sum to 1 − βᵗ, not 1; dividing by 1 − βᵗ (bias correction)
    makes them sum to 1. A dashed line marks the effective window of about
    1/(1 − β) steps, where the relative weight β^{t−i} falls below 1/e.

    Parameters
    ----------
    beta : float
        Decay rate, 0 < beta < 1.
    t : int
        Number of inputs, 1 <= t <= ``MAX_BARS`` (one bar each).
    ax : Axes, optional
    corrected : bool, default True
        Also draw the bias-corrected weights (1 − β) β^{t−i} / (1 − βᵗ).

    Returns
    -------
    Axes
    """
    beta = real("beta", beta, 0.0, 1.0, strict=True)
    if beta == 1.0:
        raise ValueError(f"beta={beta!r}; expected 0 < beta < 1")
    t = whole("t", t, 1, MAX_BARS)
    ax = _axes(ax)
    i = np.arange(1, t + 1)
    raw = theory.ewma_weights(beta, t)  # (1 − β) β^{t−i}
    width = 0.8 if corrected else 0.9
    ax.bar(i, raw, width=width, color="#1f77b4", label=f"raw (1−β)β^(t−i), sum = 1 − βᵗ = {raw.sum():.3f}")
    if corrected:
        ax.bar(i, raw / theory.bias_correction(beta, t), width=width * 0.45, color="#d62728",
               label="bias-corrected, divided by 1 − βᵗ: sum = 1")
    window = t - theory.effective_window(beta)
    if window > 0.5:
        ax.axvline(window, color="0.3", ls="--", lw=1,
                   label=f"window ≈ 1/(1−β) = {theory.effective_window(beta):g} steps")
    ax.set_xlabel("input i (1 = oldest)")
    ax.set_ylabel("weight of input i")
    ax.set_title(f"EWMA weights after t = {t} steps, β = {beta:g}")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def style() -> Any:
    """A context manager with the font sizes of the saved figures (wrap the making and the saving)."""
    return matplotlib.rc_context(
        {"font.size": 12, "axes.titlesize": 12, "axes.labelsize": 12, "legend.fontsize": 11}
    )


def figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (6.0, 4.0), **kwargs: Any) -> tuple[Figure, Any]:
    """A new figure and its axes, outside pyplot (no global state; for scripts and :mod:`numopt.figures`).

    Returns ``(fig, axes)`` as ``plt.subplots`` would, with a constrained layout
    attached to the Agg canvas.
    """
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def save(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as a PNG with the Agg renderer; the same figure gives the same bytes.

    No time stamp or software version goes into the file and the dpi is fixed
    (:data:`DPI`), so regenerating a figure does not change the file.
    """
    if not str(path).strip() or Path(path).is_dir():
        what = "blank" if not str(path).strip() else "a folder"
        raise ValueError(f"path={str(path)!r} is {what}; expected a file name")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None})
    return path
