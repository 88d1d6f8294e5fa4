r"""Lookahead: any optimizer's fast weights, pulled back every k steps towards slow weights that follow them.

Algorithm (Zhang, Lucas, Hinton & Ba 2019, Algorithm 1)
-------------------------------------------------------
Given an inner optimizer A, k, α and the slow weights φ_0 = θ_0, step
t = 1, 2, … receives g_t = ∇J(θ_{t-1}). First A takes its own step on the
fast weights, θ_t ← A(θ_{t-1}, g_t) (``opt.inner.step(params, grads)``, with
A's own state); then, in this order (a line marked ``(k | t)`` runs only when
t is a multiple of k)::

    (k | t)   φ_t ← φ_{t-1} + α (θ_t − φ_{t-1})
    (k | t)   θ_t ← φ_t

Between two synchronisations φ stays put and θ explores k steps ahead of it;
every k steps φ moves the fraction α of the way to where θ got, and θ starts
the next k steps from there. With α = 1 Lookahead is the inner optimizer
itself; with k = 1 it is the inner step shortened by the factor α.

Symbols and variables
---------------------
======  ================  ==================================================
symbol  variable          meaning
======  ================  ==================================================
A       ``inner``         the inner ("fast") optimizer, any numopt optimizer
k       ``k``             steps between two synchronisations, whole, >= 1
α       ``alpha``         slow step size, 0 < α <= 1
η       ``lr``            the inner optimizer's learning rate (``inner.lr``);
                          the sync box receives α as its ``lr``
θ_t     params            the fast weights (what ``step`` updates)
φ_t     ``phi``           the slow weights (state; starts as a copy of θ_0)
======  ================  ==================================================

Defaults and where they come from
---------------------------------
``k=5, alpha=0.5``: within the paper's experimental range (k ∈ {5, 10},
α ∈ {0.5, 0.8}) and the values of optax.lookahead's documented example
(``sync_period=5, slow_step_size=0.5``).
``inner=Adam()``: the paper wraps SGD (image classification) and Adam
(language modelling, translation); the registry needs a default that runs
unattended on every problem with its own default learning rate, and Adam's
step of about ``lr`` per coordinate whatever the gradient's size is that
(the class's ``adaptive`` fact is the default inner's).

Conventions
-----------
* ``lr`` is the inner optimizer's: reading or assigning ``opt.lr`` reads or
  assigns ``opt.inner.lr``. Lookahead itself has no step size but α.
* The inner optimizer keeps its own state and step count
  (``opt.inner.state``, ``opt.inner.t``); ``opt.state`` holds φ.
* A step is all or nothing across both: if the inner step or the
  synchronisation fails, params, φ, the inner optimizer's state and both
  step counts are as they were. ``state_dict()`` holds the inner one's under
  ``"inner"``.

Differences from torch.optim and optax
--------------------------------------
* torch.optim has no Lookahead.
* ``optax.lookahead(fast_optimizer, sync_period, slow_step_size)``: k is
  ``sync_period``, α is ``slow_step_size``, A is ``fast_optimizer``. optax's
  params are a pair ``LookaheadParams(fast, slow)`` the caller keeps (and
  evaluates the slow ones); numopt's params are θ and φ is state. optax
  synchronises in the same step as the k-th inner update, as here, so after
  t steps its fast and slow params are numopt's θ_t and φ_t (numopt's φ is
  synchronised only at multiples of k too). optax's ``reset_state=True``
  (the inner state re-initialised at each synchronisation) has no numopt
  counterpart: numopt keeps it, as optax's default does.

References
----------
M. R. Zhang, J. Lucas, G. Hinton, J. Ba. Lookahead Optimizer: k steps
forward, 1 step back. NeurIPS 2019, arXiv:1907.08610.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

import numpy as np

from .adam import Adam
from .base import LearningRate, Optimizer, Params, inequalities
from .structure import check_params

__all__ = ["Lookahead"]


class _Kept:
    """The default of ``Lookahead(lr=...)``: keep the inner optimizer's learning rate."""

    def __repr__(self) -> str:
        return "KEPT"


KEPT = _Kept()


class Lookahead(Optimizer):
    """Lookahead around any numopt optimizer (Zhang et al. 2019; ``optax.lookahead``).

    Parameters
    ----------
    inner : Optimizer, default Adam()
        The inner (fast) optimizer A. It is the caller's object: Lookahead
        steps it and keeps its state in it.
    k : int, default 5
        Steps between two synchronisations, a whole number ``>= 1``.
    alpha : float, default 0.5
        α, the slow step size, ``0 < alpha <= 1``.
    lr : float or callable, default KEPT
        If given, replaces the inner optimizer's learning rate (``inner.lr``);
        by default the inner optimizer keeps its own.
    """

    key = "lookahead"
    ranges = inequalities("k >= 1", "0 < alpha <= 1")
    integers = ("k",)
    adaptive = True  # the default inner optimizer's (Adam)

    def __init__(
        self, inner: Optimizer | None = None, k: int = 5, alpha: float = 0.5, lr: LearningRate | _Kept = KEPT
    ) -> None:
        object.__setattr__(self, "_hyperparameter_names", ())  # so that ``inner`` is checked before the others
        self._syncing = False
        self.inner = Adam() if inner is None else inner
        super().__init__(lr=self.inner.lr if lr is KEPT else lr, k=k, alpha=alpha)
        self._starts: list[np.ndarray] = []  # θ_0 of each array, for φ_0, during the first step only

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "inner" and not isinstance(value, Optimizer):
            raise TypeError(f"inner={value!r} is a {type(value).__name__}; expected a numopt optimizer such as Adam()")
        super().__setattr__(name, value)

    @property
    def lr(self) -> LearningRate:
        """The inner optimizer's learning rate (assigning it assigns ``inner.lr``); α while the sync box runs."""
        return self.alpha if self._syncing else self.inner.lr

    @lr.setter
    def lr(self, value: LearningRate) -> None:
        self.inner.lr = value

    def __repr__(self) -> str:
        return f"Lookahead(inner={self.inner!r}, k={self.k!r}, alpha={self.alpha!r}, lr={self.lr!r})"

    def step(self, params: Params, grads: Params) -> None:
        """Let the inner optimizer step θ, then synchronise every k steps (all or nothing).

        Parameters and exceptions are those of :meth:`Optimizer.step`.
        """
        _, _, thetas, _ = check_params(params, grads, self._structure, None)
        before = [theta.copy() for theta in thetas]
        inner = self.inner
        saved = inner.t, inner._structure, [{k: v.copy() for k, v in s.items()} for s in inner._slots], inner._warned
        inner.step(params, grads)  # θ_t ← A(θ_{t-1}, g_t)
        self._starts = before if self._structure is None else []
        self._syncing = True  # the box's step size is α, and a schedule lr(t) is called once, by the inner step
        try:
            super().step(params, grads)
        except BaseException:  # put θ and the inner optimizer back as they were before its step
            for theta, old in zip(thetas, before, strict=True):
                theta[...] = old
            inner.t, inner._structure, inner._slots, inner._warned = saved
            inner._undo_buffers = None
            raise
        finally:
            self._starts, self._syncing = [], False

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        start = self._starts.pop(0) if self._starts else theta
        return {"phi": start.copy()}  # φ_0 = θ_0

    def _update(self, theta, g, t, lr, phi):
        if t % self.k == 0:
            phi += lr * (theta - phi)  # (k | t) φ_t ← φ_{t-1} + α (θ_t − φ_{t-1})
            theta[...] = phi  # (k | t) θ_t ← φ_t

    def state_dict(self) -> dict[str, Any]:
        """As :meth:`Optimizer.state_dict`, with the inner optimizer's under ``"inner"``."""
        return {**super().state_dict(), "inner": self.inner.state_dict()}

    def load_state_dict(self, state_dict: Mapping[str, Any], lr: LearningRate | None = None) -> None:
        """As :meth:`Optimizer.load_state_dict`, the inner optimizer's state included (all checked first)."""
        if not isinstance(state_dict, Mapping) or "inner" not in state_dict:
            raise ValueError("state_dict lacks the key 'inner'; expected the dict of Lookahead.state_dict()")
        inner = deepcopy(self.inner)
        try:
            inner.load_state_dict(state_dict["inner"], lr=lr)
        except ValueError as err:
            raise ValueError(f"state_dict['inner'] is refused: {err}") from None
        super().load_state_dict(state_dict, lr=lr)
        vars(self.inner).update(vars(inner))
