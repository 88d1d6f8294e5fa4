r"""Heavy-ball momentum on a quadratic: the convergence-rate map over (η, β) and a run.

After "Why Momentum Really Works" (G. Goh, Distill 2017), for numopt's form
b_t = β b_{t−1} + g_t, θ_t = θ_{t−1} − η b_t on ``Quadratic(condition=κ)`` (eigenvalues 1 and κ).
Left: the asymptotic rate :func:`numopt.theory.heavy_ball_rate` over a grid of (η, β), the
critical-damping curves β = (1 − √(ηλ))² of both eigenvalues (above a curve that direction
spirals, with root modulus √β), the chosen (η, β) and Polyak's optimum. Right: the distance
‖θ_t − θ*‖ of a numopt.Momentum run from that (η, β) against the predicted rateᵗ.

:func:`momentum_map` computes and draws for given slider values (what tests and the lesson's
static figure call); :func:`widget` wraps it in sliders.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import theory
from ..momentum import Momentum
from ..problems import Quadratic
from . import exact_slider

__all__ = ["MomentumView", "momentum_map", "widget"]


class MomentumView(NamedTuple):
    """What :func:`momentum_map` computed (and the figure it drew)."""

    figure: Any
    rate: float
    """max |root| over both directions: the error shrinks like rateᵗ."""
    roots: np.ndarray
    """shape (2, 2): the two roots for λ = 1 (row 0) and λ = κ (row 1)."""
    lr_opt: float
    beta_opt: float
    rate_opt: float
    distances: np.ndarray
    """‖θ_t − θ*‖ for t = 0..steps of the numopt.Momentum run."""


def momentum_map(lr: float = 0.02, beta: float = 0.9, condition: float = 20.0, steps: int = 100,
                 grid: int = 160) -> MomentumView:
    """Compute the rate map and a run for (η, β) on ``Quadratic(condition)``, and draw them."""
    import matplotlib.pyplot as plt

    problem = Quadratic(condition=condition)
    lams = np.array([1.0, condition])
    lr_max = 4.0 / condition  # ηλ_max < 2(1 + β) < 4: beyond this nothing converges
    lrs = np.linspace(lr_max / grid, lr_max, grid)
    betas = np.linspace(0.0, 0.99, grid)
    rates = theory.heavy_ball_rate(lrs[None, :], betas[:, None], lams)
    lr_opt, beta_opt, rate_opt = theory.heavy_ball_optimal(1.0, condition)
    rate = float(theory.heavy_ball_rate(lr, beta, lams))
    roots = theory.heavy_ball_eigenvalues(lr, beta, lams)

    theta = problem.init()
    opt = Momentum(lr=lr, beta=beta)
    distances = [np.linalg.norm(theta - problem.minimizer)]
    for _ in range(steps):
        opt.step(theta, problem.grad(theta))
        distances.append(np.linalg.norm(theta - problem.minimizer))
    distances = np.array(distances)

    fig, (ax_map, ax_run) = plt.subplots(1, 2, figsize=(11, 4.3))
    image = ax_map.pcolormesh(lrs, betas, np.minimum(rates, 1.0), cmap="viridis_r", vmin=rate_opt, vmax=1.0,
                              shading="auto")
    ax_map.contourf(lrs, betas, rates >= 1.0, levels=[0.5, 1.5], colors=["0.85"])
    fig.colorbar(image, ax=ax_map, label="rate  max |root|  (grey: diverges)")
    for lam, style in zip(lams, ("--", ":"), strict=True):
        beta_c = theory.heavy_ball_critical_beta(lrs, lam)
        shown = lrs * lam < 4
        ax_map.plot(lrs[shown], beta_c[shown], "w" + style, lw=1.5, label=f"critical damping, λ = {lam:g}")
    ax_map.plot(lr, beta, "o", color="C3", ms=8, label=f"η = {lr:.3g}, β = {beta:.2f}: rate {rate:.3f}")
    ax_map.plot(lr_opt, beta_opt, "*", color="w", mec="k", ms=13, label=f"optimum: rate {rate_opt:.3f}")
    ax_map.set(xlim=(0, lr_max), ylim=(0, 0.99), xlabel="η", ylabel="β",
               title=f"Momentum on a quadratic, κ = {condition:g}")
    ax_map.legend(fontsize=7, loc="upper right")

    t = np.arange(steps + 1)
    ax_run.semilogy(t, distances, color="C3", label="numopt.Momentum run")
    ax_run.semilogy(t, distances[0] * rate**t, "k--", lw=1, label=f"rate$^t$ = {rate:.3f}$^t$")
    ax_run.semilogy(t, distances[0] * rate_opt**t, color="0.6", lw=1, label=f"optimum {rate_opt:.3f}$^t$")
    ax_run.set(xlabel="step t", ylabel=r"$\|\theta_t - \theta^\ast\|$", title="Distance to the minimum")
    ax_run.legend(fontsize=8)
    fig.tight_layout()
    return MomentumView(fig, rate, roots, lr_opt, beta_opt, rate_opt, distances)


def widget():
    """Sliders for η, β and κ over :func:`momentum_map` (needs ipywidgets and a live kernel).

    The sliders hold exact values (:func:`numopt.widgets.exact_slider`), so the browser sends
    nothing back when the widget appears.
    """
    import ipywidgets
    import matplotlib.pyplot as plt

    def show(lr, beta, condition):
        view = momentum_map(lr, beta, condition)
        plt.show()
        plt.close(view.figure)
        return view

    return ipywidgets.interactive(
        show,
        lr=exact_slider((k / 500 for k in range(1, 101)), 0.02, "η"),  # 0.002 to 0.2
        beta=exact_slider((k / 100 for k in range(100)), 0.9, "β"),
        condition=exact_slider((float(k) for k in range(2, 101)), 20.0, "κ"),
    )
