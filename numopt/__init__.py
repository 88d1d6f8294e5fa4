"""numopt: the gradient-descent optimizers of the lecture notes, in readable NumPy.

Every optimizer updates NumPy arrays in place::

    import numpy as np
    import numopt

    theta = np.array([1.0, -2.0])
    opt = numopt.Adam(lr=0.1)
    for _ in range(100):
        opt.step(theta, 2 * theta)  # gradient of ||theta||²

One module per algorithm holds its equations; :mod:`numopt.base` holds the
bookkeeping. ``OPTIMIZERS`` (:mod:`numopt.registry`) maps the registry keys
(``"sgd"`` … ``"funnel"``) to the classes; ``numopt.schedules`` holds the
learning-rate schedules. The source documents and their errata are listed in
docs/sources.md.
"""

from . import schedules
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
from .guard import NumericalWarning
from .lamb import LAMB
from .lars import LARS
from .lbfgs import LBFGS
from .lion import Lion
from .lookahead import Lookahead
from .momentum import Momentum
from .muon import Muon
from .nadam import Nadam
from .nag import NAG
from .problems import PROBLEMS
from .radam import RAdam
from .registry import OPTIMIZERS
from .rmsprop import RMSProp
from .rprop import Rprop
from .runner import Trajectory, run
from .schedule_free import ScheduleFree
from .sgd import SGD
from .signum import Signum
from .sparse_adam import SparseAdam
from .stepthrough import explain
from .yogi import Yogi

__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 (the order of the lessons)
    "OPTIMIZERS", "SGD", "Momentum", "NAG", "AdaGrad", "RMSProp", "AdaDelta", "Adam", "AdamW",
    "Nadam", "AdaX", "AdaXW", "EGU", "EGSGD", "Funnel",
    "Adamax", "RAdam", "Rprop", "ASGD", "Adafactor", "LBFGS", "Muon", "SparseAdam",
    "Lion", "Signum", "AdaBelief", "Yogi", "LAMB", "LARS", "ScheduleFree", "Lookahead",
    "Optimizer",
    "PROBLEMS", "Trajectory", "run", "explain", "NumericalWarning", "schedules",
]
