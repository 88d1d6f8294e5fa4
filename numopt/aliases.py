"""Other libraries' names for numopt's hyperparameters, for the error a misnamed argument raises.

``Adam(betas=(0.9, 0.999))`` is torch.optim's spelling and ``Adam(learning_rate=1e-3)``
Keras's and optax's; numopt writes ``beta1, beta2`` and ``lr``, as the lecture notes do.
Python's own message ("got an unexpected keyword argument 'betas'") does not say
what to write instead, so :class:`numopt.base.Optimizer` has every subclass's
constructor check its keyword names first (:func:`check_keywords`) and raise a
``TypeError`` that names numopt's parameters::

    Adam() got an unexpected keyword argument 'betas' (torch.optim's betas=(b1, b2) is
    beta1=b1, beta2=b2 here); did you mean beta1, beta2? Adam takes: lr, beta1, beta2, ...

Only the names are checked here; the values are checked as before
(:mod:`numopt.hyperparameters`). No algorithm module knows about this table.

This is numopt's one table of foreign names: the command line's ``--hp``
(:func:`numopt.cli.parse_hp`) reads a name through :func:`meaning` too, and
the grader binds a student's argument names with it. A name that means
different things in different algorithms has an entry in
:data:`BY_ALGORITHM` (torch's RMSprop ``alpha`` is numopt's ``beta``; elsewhere
``alpha`` is the step size of Kingma & Ba and Keras).
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["ALIASES", "BY_ALGORITHM", "check_keywords", "meaning", "unexpected_keyword"]

ALIASES: dict[str, tuple[tuple[tuple[str, ...], ...], str]] = {
    "learning_rate": ((("lr",),), "Keras's and optax's learning_rate is lr here"),
    "betas": ((("beta1", "beta2"),), "torch.optim's betas=(b1, b2) is beta1=b1, beta2=b2 here"),
    "b1": ((("beta1",),), "optax's b1 is beta1 here"),
    "b2": ((("beta2",),), "optax's b2 is beta2 here"),
    "beta_1": ((("beta1",),), "Keras's beta_1 is beta1 here"),
    "beta_2": ((("beta2",),), "Keras's beta_2 is beta2 here"),
    "epsilon": ((("eps",),), "Keras's epsilon is eps here"),
    "momentum": ((("mu",), ("beta",)), "the momentum coefficient of torch.optim and Keras is mu in the Funnel, "
                 "beta elsewhere here"),
    "alpha": ((("lr",),), "Kingma & Ba's and Keras's alpha is lr here"),
    "rho": ((("beta",),), "Keras's RMSprop rho is beta here"),
    "decay": ((("rho",), ("beta",)), "optax's decay is rho in AdaDelta, beta elsewhere here"),
    "initial_accumulator": ((("initial_accumulator_value",),), "optax's name"),
    "nesterov": ((), "Nesterov momentum is its own class here: numopt.NAG"),
}
"""A name other libraries use -> (what it may mean here, a note on the difference).

What it may mean is a list of alternatives, each a tuple of numopt's names; the
first alternative that the class takes all of is suggested.
"""

BY_ALGORITHM: dict[str, dict[str, tuple[tuple[tuple[str, ...], ...], str]]] = {
    "rmsprop": {"alpha": ((("beta",),), "torch.optim.RMSprop's alpha is beta here")},
}
"""Registry key -> the names whose meaning in that algorithm is not :data:`ALIASES`'s."""


def meaning(name: str, key: str, accepted: tuple[str, ...]) -> tuple[tuple[str, ...] | None, str]:
    """What another library's ``name`` is in algorithm ``key``, which takes ``accepted``: (numopt's names, a note).

    The names are None when the table knows no alternative that ``key`` takes
    all of; the note says what the name is elsewhere ("" for an unknown name).
    """
    alternatives, note = BY_ALGORITHM.get(key, {}).get(name) or ALIASES.get(name, ((), ""))
    meant = next((names for names in alternatives if set(names) <= set(accepted)), None)
    return meant, note if (meant or not alternatives) else ""


def parameters(init: Callable[..., Any]) -> tuple[str, ...] | None:
    """The keyword names ``init`` accepts, or None if it takes ``**kwargs`` (anything goes)."""
    params = list(inspect.signature(init).parameters.values())[1:]  # without self
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    return tuple(p.name for p in params if p.kind is not inspect.Parameter.VAR_POSITIONAL)


def unexpected_keyword(cls: type, name: str, accepted: tuple[str, ...]) -> TypeError:
    """The error for ``cls(name=...)``: what numopt calls it, and the names ``cls`` takes."""
    meant, note = meaning(name, getattr(cls, "key", ""), accepted)
    meant = meant or close_matches(name, accepted)
    return TypeError(
        f"{cls.__name__}() got an unexpected keyword argument {name!r}"
        + (f" ({note})" if note else "")
        + (f"; did you mean {', '.join(meant)}?" if meant else ";")
        + f" {cls.__name__} takes: {', '.join(accepted)}"
    )


def close_matches(name: str, accepted: tuple[str, ...]) -> tuple[str, ...]:
    """The names of ``accepted`` that look like ``name`` (a typo), in ``accepted``'s order."""
    return tuple(sorted(difflib.get_close_matches(name, accepted), key=accepted.index))


def check_keywords(cls: type) -> None:
    """Wrap the ``__init__`` that ``cls`` defines so that an unknown keyword raises :func:`unexpected_keyword`.

    The wrapped constructor keeps its signature (``inspect.signature``,
    ``help``); a class that defines no ``__init__`` of its own, or takes
    ``**kwargs``, is left alone.
    """
    init = cls.__dict__.get("__init__")
    accepted = None if init is None or hasattr(init, "__wrapped__") else parameters(init)
    if accepted is None:
        return

    @functools.wraps(init)
    def checked_init(self: Any, *args: Any, **kwargs: Any) -> None:
        for name in kwargs:
            if name not in accepted:
                raise unexpected_keyword(cls, name, accepted)
        init(self, *args, **kwargs)

    cls.__init__ = checked_init
