"""Interactive figures for the lessons: ipywidgets sliders over numopt's closed forms and runs.

Each module holds one widget: a pure function that computes and draws the figure for given
slider values (what the tests call, headless) and ``widget()``, which wraps it in
ipywidgets sliders for a live notebook. ipywidgets and matplotlib are imported only when a
widget is drawn (``pip install -e ".[lessons]"``); the rest of numopt needs neither.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["FULL_LABEL", "exact_slider"]

FULL_LABEL = {"style": {"description_width": "initial"}}
"""Keyword arguments that show a control's description in full (ipywidgets cuts it at 80 px otherwise)."""


def exact_slider(values: Iterable[float], value: float, description: str) -> Any:
    """A slider over exactly ``values``, with its label in full.

    A ``FloatSlider`` is drawn by the browser on the grid min + k·step, computed in JavaScript:
    given 0.9 on the grid 0, 0.01, ... it shows 0.9000000000000001 and sends that back, a second
    change that redraws the figure (and, while the first drawing is still shown, puts output in
    JupyterLab's log console). A ``SelectionSlider`` sends an index into ``values``, so the value
    is always one of them, exactly.
    """
    import ipywidgets

    return ipywidgets.SelectionSlider(options=tuple(values), value=value, description=description, **FULL_LABEL)
