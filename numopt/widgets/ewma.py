r"""A β slider on the EWMA weights (lesson 02).

``draw(beta, t)`` computes the weights (1 − β)β^{t−i} an EWMA gives x_1..x_t after t
steps, their sum 1 − βᵗ, the bias-corrected weights (divided by 1 − βᵗ, summing to 1)
and the effective window 1/(1 − β), and draws them (``numopt.plot.ewma_bars``: raw
bars, corrected bars, the window dashed). ``widget()`` puts sliders for β and t on it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import theory

__all__ = ["EwmaWeights", "draw", "widget"]


class EwmaWeights(NamedTuple):
    """What the figure shows, as numbers."""

    weights: np.ndarray
    """(1 − β)β^{t−i} for i = 1..t (oldest first)."""
    total: float
    """Their sum, 1 − βᵗ."""
    corrected: np.ndarray
    """weights / (1 − βᵗ), summing to 1."""
    window: float
    """The effective window 1/(1 − β); the figure marks where it starts, at i = t − 1/(1 − β)."""


def draw(beta: float = 0.9, t: int = 30, ax: Any = None) -> EwmaWeights:
    """Compute the EWMA weights for ``beta`` and ``t`` and draw them on ``ax`` (a new figure if None)."""
    import matplotlib.pyplot as plt

    from ..plot import ewma_bars

    weights = theory.ewma_weights(beta, t)
    total = float(theory.bias_correction(beta, t))
    result = EwmaWeights(weights, total, weights / total, theory.effective_window(beta))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    ewma_bars(beta, t, ax=ax)
    return result


def widget(beta: float = 0.9, t: int = 30) -> Any:
    """Sliders for β (0.5 to 0.99) and t (1 to 100) over :func:`draw`; an ``ipywidgets.interactive``."""
    import ipywidgets
    import matplotlib.pyplot as plt

    def update(beta: float, t: int) -> EwmaWeights:
        result = draw(beta, t)
        plt.show()
        return result

    return ipywidgets.interactive(
        update,
        beta=ipywidgets.FloatSlider(value=beta, min=0.5, max=0.99, step=0.01, description="β"),
        t=ipywidgets.IntSlider(value=t, min=1, max=100, description="t"),
    )
