"""Interactive figures for the lessons: ipywidgets sliders over numopt's closed forms and runs.

Each module holds one widget: a pure function that computes and draws the figure for given
slider values (what the tests call, headless) and ``widget()``, which wraps it in
ipywidgets sliders for a live notebook. ipywidgets and matplotlib are imported only when a
widget is drawn (``pip install -e ".[lessons]"``); the rest of numopt needs neither.
"""
