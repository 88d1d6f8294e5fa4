"""The registry of algorithms, ``OPTIMIZERS``, and the tables derived from the facts on their classes.

A new algorithm module is registered here and nowhere else: every list of
algorithms elsewhere (the runner's adaptive methods, grading's families, the
tests' variants) is computed from ``OPTIMIZERS`` and the class attributes
:mod:`numopt.base` describes.
"""

from __future__ import annotations

from typing import Any

from .adabelief import AdaBelief
from .adadelta import AdaDelta
from .adafactor import Adafactor
from .adagrad import AdaGrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .adax import AdaX, AdaXW
from .asgd import ASGD
from .base import Optimizer
from .egsgd import EGSGD
from .egu import EGU
from .funnel import Funnel
from .lamb import LAMB
from .lars import LARS
from .lbfgs import LBFGS
from .lion import Lion
from .lookahead import Lookahead
from .momentum import Momentum
from .muon import Muon
from .nadam import Nadam
from .nag import NAG
from .radam import RAdam
from .rmsprop import RMSProp
from .rprop import Rprop
from .schedule_free import ScheduleFree
from .sgd import SGD
from .signum import Signum
from .sparse_adam import SparseAdam
from .yogi import Yogi

__all__ = ["BEYOND_NOTES", "LECTURE_NOTES", "OPTIMIZERS", "variants"]

_NOTES = (SGD, Momentum, NAG, AdaGrad, RMSProp, AdaDelta, Adam, AdamW, Nadam, AdaX, AdaXW, EGU, EGSGD, Funnel)
_BEYOND = (
    Adamax, RAdam, Rprop, ASGD, Adafactor, LBFGS, Muon, SparseAdam,  # torch.optim's others
    Lion, Signum, AdaBelief, Yogi, LAMB, LARS, ScheduleFree, Lookahead,  # from optax and the papers courses teach now
)

OPTIMIZERS: dict[str, type[Optimizer]] = {cls.key: cls for cls in (*_NOTES, *_BEYOND)}
"""Registry: key (``"sgd"``, ..., ``"funnel"``, ``"adamax"``, ..., ``"schedule_free"``) -> optimizer class,
the source documents' algorithms in the order of the lessons, then those beyond them."""

LECTURE_NOTES: tuple[str, ...] = tuple(cls.key for cls in _NOTES)
"""The keys of the source documents' fourteen algorithms, the ones the lessons teach."""

BEYOND_NOTES: tuple[str, ...] = tuple(cls.key for cls in _BEYOND)
"""The keys of the algorithms beyond the source documents (issue 24): torch.optim's others, then optax's and
the papers'."""


def variants() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every named variant: name -> (registry key, constructor arguments).

    Per algorithm: its defaults (named by the key), each switch flipped on its
    own (``adam-amsgrad``; ``funnel-no_use_signs`` for a switch on by default),
    and the class's ``named_variants`` (``adam-l2``).
    """
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, cls in OPTIMIZERS.items():
        found[key] = (key, {})
        defaults = cls().hyperparameters
        for switch in cls.switches:
            found[f"{key}-{'no_' if defaults[switch] else ''}{switch}"] = (key, {switch: not defaults[switch]})
        for name, kwargs in cls.named_variants.items():
            found[f"{key}-{name}"] = (key, dict(kwargs))
    return found
