"""``numopt figures``: regenerate every figure in ``figures/`` deterministically.

Each entry of :data:`FIGURES` is a file name (the builder's name, without a
``_figure`` suffix) with a one-line description and a function
``make(small) -> Figure``; ``small=True`` takes about a tenth of the
steps and a coarse contour grid (for the test suite). Every run is seeded and
the PNGs are written by :func:`numopt.plot.save`, so a rerun gives the same
bytes. matplotlib is imported only when the command runs, so ``numopt list``
works without it.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from . import OPTIMIZERS, theory
from .cli import CLIError, check_out, need_matplotlib
from .problems import MLP, Beale, DriftingStream, LogisticRegression, Problem, Quadratic, Reddi, Rosenbrock
from .runner import Trajectory, make_optimizer, run

__all__ = ["FIGURES", "Figure", "register", "write_figures"]

GROUPS = (
    ("gradient descent, momentum, EG", ("sgd", "momentum", "nag", "egu", "egsgd", "funnel")),
    ("adaptive step sizes", ("adagrad", "rmsprop", "adadelta", "adam", "nadam")),
    ("AdaX and decoupled weight decay", ("adam", "adamw", "adax", "adaxw")),
    ("torch.optim's others", ("adam", "adamax", "radam", "rprop", "asgd", "adafactor", "lbfgs", "muon", "sparse_adam")),
    ("optax and recent papers", ("adam", "lion", "signum", "adabelief", "yogi", "lamb", "lars", "schedule_free",
                                 "lookahead")),
)
"""The algorithms of each panel of the trajectory and loss figures (Adam twice, as the reference)."""


class Figure(NamedTuple):
    """One figure: what it shows and how to make it."""

    description: str
    make: Callable[[bool], Any]


def _steps(n: int, small: bool) -> int:
    return max(n // 10, 5) if small else n


def _label(key: str, problem: Problem) -> str:
    """``adam (lr=0.05)``: the key and the settings that differ from the defaults."""
    opt, default = make_optimizer(key, problem), OPTIMIZERS[key]()
    changed = {k: v for k, v in opt.hyperparameters.items() if v != default.hyperparameters[k]}
    return key + (f" ({', '.join(f'{k}={v:g}' for k, v in changed.items())})" if changed else "")


def _runs(problem: Problem, keys: Sequence[str], steps: int) -> tuple[dict[str, Trajectory], list[str]]:
    """Labelled runs of ``keys`` from the standard start; the keys that cannot run are returned apart."""
    runs, skipped = {}, []
    for key in keys:
        try:
            runs[_label(key, problem)] = run(key, problem, steps)
        except ValueError:  # EGU on a start with non-positive coordinates
            skipped.append(key)
    return runs, skipped


def _skipped_note(ax: Any, skipped: Sequence[str]) -> None:
    if skipped:
        ax.text(
            0.01, 0.01, f"not shown: {', '.join(skipped)} (needs θ > 0)", transform=ax.transAxes,
            fontsize="small", color="0.3", va="bottom",
        )


def _panels(plot: Any, size: tuple[float, float], **kwargs: Any) -> tuple[Any, list[Any]]:
    """A figure with one panel per group of :data:`GROUPS`, three to a row (unused places removed)."""
    rows = -(-len(GROUPS) // 3)
    fig, grid = plot.figure(rows, 3, size=size, squeeze=False, **kwargs)
    axes = list(grid.flat)
    for ax in axes[len(GROUPS):]:
        ax.remove()
    return fig, axes[:len(GROUPS)]


def _trajectories(problem: Problem, steps: int, small: bool) -> Any:
    from . import plot

    fig, axes = _panels(plot, size=(17.0, 14.0))
    fig.suptitle(f"{problem.name}, {_steps(steps, small)} steps")
    for ax, (title, keys) in zip(axes, GROUPS, strict=True):
        runs, skipped = _runs(problem, keys, _steps(steps, small))
        plot.contours(problem, runs, ax=ax, resolution=40 if small else 250)
        ax.set_title(title)
        _skipped_note(ax, skipped)
    return fig


def _loss_figure(problem: Problem, steps: int, small: bool, title: str) -> Any:
    from . import plot

    fig, axes = _panels(plot, size=(17.0, 10.0), sharey=True)
    fig.suptitle(title)
    for ax, (group, keys) in zip(axes, GROUPS, strict=True):
        runs, skipped = _runs(problem, keys, _steps(steps, small))
        plot.loss_curves(runs, ax=ax, title=group)
        _skipped_note(ax, skipped)
    return fig


def rosenbrock(small: bool) -> Any:
    """Trajectories of every algorithm on Rosenbrock's valley."""
    return _trajectories(Rosenbrock(), 1000, small)


def beale(small: bool) -> Any:
    """Trajectories of every algorithm on Beale's function."""
    return _trajectories(Beale(), 1000, small)


def loss_quadratic(small: bool) -> Any:
    """Loss curves on the rotated quadratic with condition number 10."""
    return _loss_figure(Quadratic(), 300, small, "quadratic, κ = 10")


def loss_logistic(small: bool) -> Any:
    """Loss curves of logistic regression with mini-batches of 32."""
    return _loss_figure(LogisticRegression(), 1000, small, "logistic regression")


def loss_mlp(small: bool) -> Any:
    """Loss curves of the two-layer MLP on two moons."""
    return _loss_figure(MLP(), 2000, small, "MLP, two moons")


def reddi(small: bool) -> Any:
    """Adam against AdaX on Reddi et al.'s online counterexample."""
    from . import plot

    fig, axes = plot.figure(1, 2, size=(15.0, 5.0))
    theorem = Reddi(C=3.0)
    beta2 = 1.0 / (1.0 + theorem.C**2)  # Theorem 1: β1 = 0, β2 = 1/(1 + C²)
    runs = {
        f"Adam (β1 = 0, β2 = 1/(1+C²) = {beta2:g})": _run_with(theorem, "adam", 2000, small, beta1=0.0, beta2=beta2),
        "AMSGrad (the same β1, β2)": _run_with(theorem, "adam", 2000, small, beta1=0.0, beta2=beta2, amsgrad=True),
        "AdaX (β1 = 0, β2 = 1e-4)": _run_with(theorem, "adax", 2000, small, beta1=0.0),
    }
    colors = dict(zip(runs, ("adam", "nadam", "adax"), strict=True))
    plot.curves(
        {k: tr.params[:, 0] for k, tr in runs.items()}, ax=axes[0], first_step=0, ylabel="x_t", colors=colors,
        title="Theorem 1: f_t(x) = 3x if t mod 3 = 1, else −x; lr = 0.01",
    )
    paper = Reddi(C=1010.0, period=101, slope=10.0)
    runs = {
        "Adam (β1 = 0.9, β2 = 0.99)": _run_with(paper, "adam", 30300, small, lr=0.05, beta2=0.99),
        "AdaX (β1 = 0.9, β2 = 1e-4)": _run_with(paper, "adax", 30300, small, lr=0.05),
    }
    period = paper.period
    averages = {k: tr.params[1:, 0].reshape(-1, period).mean(axis=1) for k, tr in runs.items()}
    plot.curves(
        averages, ax=axes[1], colors=dict(zip(runs, ("adam", "adax"), strict=True)),
        ylabel=f"x_t averaged over each period of {period} steps",
        title="the paper's experiment: 1010x if t mod 101 = 1, else −10x; lr = 0.05",
    )
    axes[1].set_xlabel(f"period ({period} steps each)")
    for ax in axes:
        ax.axhline(-1.0, color="gold", lw=2.5, zorder=0, label="x* = −1, the minimum")
        ax.set_ylim(-1.1, 1.1)
        ax.legend(loc="center right")
    return fig


def _run_with(problem: Problem, key: str, steps: int, small: bool, **hyperparameters: Any) -> Trajectory:
    """``run`` of ``OPTIMIZERS[key](**hyperparameters)`` for ``steps`` (a tenth if ``small``)."""
    return run(OPTIMIZERS[key](**({"lr": 0.01} | hyperparameters)), problem, _steps(steps, small))


def beta_hat(small: bool) -> Any:
    """Adam's and AdaX's β̂₂,ₜ: how much of its past v̂ keeps at step t."""
    from . import plot

    b_adam, b_adax = 0.999, 1e-4

    def adam(t: np.ndarray) -> np.ndarray:
        return theory.adam_beta2_hat(b_adam, t)  # β2(1 − β2^{t−1})/(1 − β2ᵗ)

    def adax(t: np.ndarray) -> np.ndarray:
        return theory.adax_beta2_hat(b_adax, t)  # 1 − β2/((1 + β2)ᵗ − 1)

    fig, axes = plot.figure(1, 2, size=(15.0, 5.0))
    early = np.arange(1, 31, dtype=float)
    late = np.unique(np.geomspace(1, 10 ** (4 if small else 6), 1500).round())
    names = ("Adam: β2(1 − β2^(t−1))/(1 − β2ᵗ), β2 = 0.999", "AdaX: 1 − β2/((1 + β2)ᵗ − 1), β2 = 1e-4")
    panels = (
        (axes[0], early, lambda b: b, "1 − 1/t: a plain average", "lower right"),
        (axes[1], late, lambda b: 1.0 - b, "1/t: a plain average", "lower left"),
    )
    for ax, t, transform, average, where in panels:
        for name, f, key, style in zip(names, (adam, adax), ("adam", "adax"), ("-", "--"), strict=True):
            ax.plot(t, transform(f(t)), style, color=plot.COLORS[key], lw=2.0, label=name)
        ax.plot(t, transform(1.0 - 1.0 / t), ":", color="0.2", lw=1.5, label=average)
        ax.set_xlabel("step t")
        ax.grid(True, alpha=0.3)
        ax.legend(loc=where)
    axes[0].set_ylabel("β̂₂,ₜ")
    axes[0].set_title("β̂₂,ₜ in the first steps: 0 at t = 1, then ≈ 1 − 1/t for both")
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    axes[1].set_ylim(1e-12, 2.0)
    axes[1].set_ylabel("1 − β̂₂,ₜ, the weight of the newest g²")
    axes[1].set_title("later: Adam's weight settles at 1 − β2, AdaX's keeps falling")
    return fig


def ewma_figure(small: bool) -> Any:
    """EWMA weights and why bias correction divides the output, not the state."""
    from . import plot

    fig, axes = plot.figure(1, 2, size=(14.0, 4.8))
    plot.ewma_bars(0.9, 30, ax=axes[0])
    beta, x, n = 0.9, 40.0, 120
    raws = theory.ewma(np.full(n, x), beta)  # v_t = β v_{t−1} + (1 − β) x
    corrected = raws / theory.bias_correction(beta, np.arange(1, n + 1))
    doc, docs = 0.0, []
    for t in range(1, n + 1):
        doc = (beta * doc + (1 - beta) * x) / theory.bias_correction(beta, t)  # doc 003 feeds the corrected value back
        docs.append(doc)
    plot.curves(
        {"raw EWMA v_t": raws, "corrected v_t/(1 − βᵗ)": corrected,
         "doc 003's recursion (blows up, then decays)": docs},
        ax=axes[1], log=True, ylabel="average of the constant input 40",
        title="bias correction on a constant input 40, β = 0.9",
    )
    return fig


def egsgd_gain_figure(small: bool) -> Any:
    """The EGSGD gain: it grows where the gradient keeps its sign and shrinks where it flips."""
    from . import plot

    problem = Quadratic(condition=10.0, angle=0.0)  # A = diag(1, 10): coordinate 2 flips sign for lr > 0.1
    lr, gamma, steps, start = 0.15, 0.02, _steps(40, small), np.array([-3.0, 2.5])
    traj = run(OPTIMIZERS["egsgd"](lr=lr, gamma=gamma), problem, steps, record_state=True, start=start)
    closed = theory.egsgd_gain(traj.state["g_prev"], gamma)  # ν_{t+1} = exp(γ Σ_{k≤t} g_{k−1} ⊙ g_k); g_prev: g_t
    fig, axes = plot.figure(1, 2, size=(15.0, 5.0))
    plot.curves(
        {"ν₁ (curvature 1: g₁ keeps its sign)": traj.state["nu"][:, 0],
         "ν₂ (curvature 10: g₂ flips its sign)": traj.state["nu"][:, 1]},
        ax=axes[0], ylabel="gain ν after step t", colors={"ν₁ (curvature 1: g₁ keeps its sign)": "adax"},
        title=f"EGSGD gain on ½(θ − 1)ᵀdiag(1, 10)(θ − 1), lr = {lr:g}, γ = {gamma:g}",
    )
    axes[0].plot(np.arange(1, steps + 1), closed[:, 0], "k.", ms=5, label="closed form exp(γ Σ g_(k−1) g_k)")
    axes[0].plot(np.arange(1, steps + 1), closed[:, 1], "k.", ms=5)
    axes[0].legend(loc="center right")
    sgd = run(OPTIMIZERS["sgd"](lr=lr), problem, steps, start=start)
    plot.loss_curves({"sgd": sgd, "egsgd": traj}, ax=axes[1], title=f"loss from θ₀ = (−3, 2.5), the same lr = {lr:g}")
    return fig


def funnel_drift(small: bool) -> Any:
    """The Funnel on the drifting stream: accuracy, scale and gain after each drift."""
    from . import plot

    problem = DriftingStream()
    steps = _steps(1000, small)
    gamma = {"gamma_p": 0.05, "gamma_s": 0.05}
    funnel = run(make_optimizer("funnel", problem, **gamma), problem, steps, record_state=True)
    keys = ("funnel", "momentum", "sgd", "adam")
    runs = {"funnel (γ_p = γ_s = 0.05)": funnel, **{_label(k, problem): run(k, problem, steps) for k in keys}}
    colors = {"funnel (γ_p = γ_s = 0.05)": "#e377c2", **{_label(k, problem): k for k in keys}}
    drifts = [d for d in problem.markers["drift"] if d < steps]
    fig, axes = plot.figure(1, 3, size=(18.0, 4.8))
    plot.curves(
        {k: tr.metrics["accuracy"] for k, tr in runs.items()}, ax=axes[0], first_step=0, markers=drifts,
        ylabel="accuracy on the current boundary", title="accuracy; the boundary turns 60° at each drift",
        colors=colors,
    )
    axes[0].set_ylim(0.25, 1.0)
    axes[0].legend(loc="lower center", ncol=2)
    state = funnel.state
    plot.curves(
        {"scale s of w": state["w"]["s"], "scale s of b": state["b"]["s"]}, ax=axes[1], markers=drifts,
        ylabel="step-size scale s", title="Funnel (γ_s = 0.05): one scale per array",
    )
    p = state["w"]["p"]
    plot.curves(
        {"gain p of w₁": p[:, 0], "gain p of w₂": p[:, 1], "mean gain of w₃..w₁₀ (noise)": p[:, 2:].mean(axis=1)},
        ax=axes[2], markers=drifts, ylabel="per-coordinate gain p",
        title="Funnel (γ_p = 0.05): gains of the boundary's coordinates",
    )
    return fig


FIGURES: dict[str, Figure] = {
    f"{make.__name__.removesuffix('_figure')}.png": Figure(make.__doc__.splitlines()[0], make)
    for make in (
        rosenbrock, beale, loss_quadratic, loss_logistic, loss_mlp, reddi, beta_hat, ewma_figure, egsgd_gain_figure,
        funnel_drift,
    )
}
"""File name -> :class:`Figure`, in the order ``numopt figures`` makes them."""


def write_figures(out: str | Path, small: bool = False, names: Sequence[str] | None = None) -> list[Path]:
    """Make the figures ``names`` (default: all) into the folder ``out``, printing progress.

    Returns
    -------
    list of Path
        The files written.
    """
    from . import plot

    names = list(FIGURES) if names is None else list(names)
    written = []
    for i, name in enumerate(names, start=1):
        began = time.perf_counter()
        print(f"[{i}/{len(names)}] {name}: {FIGURES[name].description} ...", end="", flush=True)
        with np.errstate(all="raise", under="ignore"), plot.style():
            fig = FIGURES[name].make(small)
            written.append(plot.save(fig, Path(out) / name))
        print(f" {time.perf_counter() - began:.1f} s", flush=True)
    return written


def _run_figures(args: argparse.Namespace) -> int:
    unknown = [n for n in args.only or () if n not in FIGURES]
    if unknown:
        raise CLIError(f"unknown figure {', '.join(map(repr, unknown))}; expected one of: {', '.join(FIGURES)}")
    need_matplotlib("numopt figures")
    check_out("--out", args.out, folder=True)  # before any work, not after the first figure
    paths = write_figures(args.out, small=args.small, names=args.only)
    print(f"wrote {len(paths)} figure(s) to {args.out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``numopt figures``."""
    p = subparsers.add_parser(
        "figures",
        help="regenerate the figures of the README (needs matplotlib)",
        description=(
            "Regenerate every figure deterministically (seeded runs, fixed dpi, no time stamps: "
            "a rerun writes the same bytes), printing progress. Figures: "
            + "; ".join(f"{name}: {fig.description.rstrip('.')}" for name, fig in FIGURES.items())
            + "."
        ),
    )
    p.add_argument("--out", metavar="DIR", default="figures", help="output folder (default: figures)")
    p.add_argument(
        "--small", action="store_true", help="about a tenth of the steps and coarse contours (quick check)"
    )
    p.add_argument("--only", metavar="NAME", nargs="+", help="make only these figures (file names as above)")
    p.set_defaults(func=_run_figures)
