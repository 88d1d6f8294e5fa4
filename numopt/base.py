"""The ``Optimizer`` base class: the bookkeeping every algorithm shares, and no mathematics.

An algorithm module (``numopt/adam.py`` and the others) subclasses
:class:`Optimizer`, passes its hyperparameters to ``super().__init__`` and
writes its algorithm box in :meth:`Optimizer._update`, for **one** parameter
array, its gradient and its named state arrays. This class does the rest:

* :meth:`Optimizer.step` checks params and grads (:mod:`numopt.structure`)
  before anything is changed, counts ``t`` (incremented first, so the first
  step computes with ``t = 1``), takes the learning rate (a float or a
  schedule ``lr(t)``), creates the state on the first step and calls
  ``_update`` for every parameter array;
* hyperparameters are checked (:mod:`numopt.hyperparameters`) in the
  constructor and whenever they are assigned later;
* :attr:`Optimizer.state`, :meth:`Optimizer.state_dict` and
  :meth:`Optimizer.load_state_dict` (checked by :mod:`numopt.state`);
* blocking: an elementwise update of a large array is handed aligned blocks
  of ``BLOCK_SIZE`` elements, so that the temporaries of its whole-array
  NumPy expressions stay in cache. Elementwise arithmetic gives the same bits
  however the array is cut, so blocking changes speed, never results.

The design follows scikit-learn's small ``BaseOptimizer`` (one
``update_params(params, grads)`` entry point) and torch.optim's separation of
bookkeeping (``Optimizer``) from the per-tensor update (``_single_tensor_*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from .aliases import check_keywords
from .hyperparameters import SWITCHES, Interval, LearningRate, check, check_lr_value
from .state import check_state_dict
from .structure import Params, Structure, check_grads, check_params

__all__ = ["BLOCK_SIZE", "Interval", "LearningRate", "Optimizer", "Params"]

BLOCK_SIZE = 131072
"""Elements per block handed to an elementwise update (1 MiB of float64)."""


class Optimizer:
    """Base class of every numopt optimizer.

    Subclasses set :attr:`key` and :attr:`state_names`, pass their
    hyperparameters to ``super().__init__`` and implement :meth:`_update`.

    Parameters
    ----------
    **hyperparameters
        The algorithm's hyperparameters by name. Each is checked and stored as
        an attribute; assigning the attribute later checks it again.

    Attributes
    ----------
    t : int
        Steps taken so far. It is incremented at the start of a step, so the
        first step computes with ``t = 1``.
    """

    key: ClassVar[str] = ""
    """Registry key (``"adam"``), as in ``numopt.OPTIMIZERS``."""

    state_names: ClassVar[tuple[str, ...]] = ()
    """Names of the per-parameter state arrays: the symbols of the equations."""

    ranges: ClassVar[dict[str, Interval]] = {}
    """Per-class overrides of :data:`numopt.hyperparameters.RANGES`."""

    elementwise: ClassVar[bool] = True
    """True if the update of each element depends only on that element (blockable)."""

    positive_params: ClassVar[bool] = False
    """True if every parameter must stay strictly positive (EGU)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_keywords(cls)  # Adam(betas=...) says "did you mean beta1, beta2?" (numopt/aliases.py)

    def __init__(self, **hyperparameters: Any) -> None:
        object.__setattr__(self, "_hyperparameter_names", tuple(hyperparameters))
        self.t = 0
        self._structure: Structure | None = None
        self._slots: list[dict[str, np.ndarray]] = []
        for name, value in hyperparameters.items():
            setattr(self, name, value)

    # ------------------------------------------------------------------ hyperparameters
    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._hyperparameter_names:
            value = check(name, value, self.ranges)
            if name in SWITCHES and self._slots:
                self._check_switch_keeps_state(name, value)
        object.__setattr__(self, name, value)

    def _check_switch_keeps_state(self, name: str, value: bool) -> None:
        """Refuse a variant switch that would need other state arrays than those already kept."""
        old = getattr(self, name)
        object.__setattr__(self, name, value)
        try:
            wanted = self._state_names()
        finally:
            object.__setattr__(self, name, old)
        kept = tuple(self._slots[0])
        if set(wanted) != set(kept):
            raise ValueError(
                f"{name}={value!r} after step {self.t} would change the state arrays from {kept} to "
                f"{wanted}; expected {name}={old!r} (create a new optimizer to change this variant)"
            )

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters by name, in constructor order."""
        return {name: getattr(self, name) for name in self._hyperparameter_names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({args})"

    # ------------------------------------------------------------------ the step
    def step(self, params: Params, grads: Params) -> None:
        """Take one optimisation step, updating ``params`` in place.

        Parameters
        ----------
        params : ndarray, list/tuple of ndarray, or dict of ndarray
            Floating-point, writeable arrays. Their structure (kind, keys,
            shapes, dtypes) is fixed by the first step.
        grads : same structure as ``params``
            The gradient at the current ``params``. Cast to the parameters'
            dtypes if needed; never modified.

        Raises
        ------
        TypeError, ValueError, FloatingPointError
            On bad input, with a message naming the offending array. Nothing
            is changed when an error is raised.
        """
        positive = type(self).__name__ if self.positive_params else None
        kind, keys, thetas, gs = check_params(params, grads, self._structure, positive)
        t = self.t + 1
        gs = check_grads(kind, keys, thetas, gs, t)
        lr = self._learning_rate(t)
        if self._structure is None:
            self._slots = [self._initial_state(theta) for theta in thetas]
            self._structure = Structure.of(kind, keys, thetas)
        self.t = t
        for theta, g, slot in zip(thetas, gs, self._slots, strict=True):
            self._apply(theta, g, slot, t, lr)

    def _learning_rate(self, t: int) -> float:
        """The step size for step ``t``: ``lr``, or ``lr(t)`` checked like a constant."""
        if callable(self.lr):
            return check_lr_value(t, self.lr(t))
        return self.lr

    def _apply(self, theta: np.ndarray, g: np.ndarray, slot: dict[str, np.ndarray], t: int, lr: float) -> None:
        """Run :meth:`_update` on the whole array, or block by block if elementwise and large.

        Blocks are aligned slices of the flattened arrays, ``BLOCK_SIZE`` elements
        long, the last one shorter. Small, non-contiguous and non-elementwise
        arrays are updated whole.
        """
        n = theta.size
        if n <= BLOCK_SIZE or not self.elementwise or not theta.flags.c_contiguous:
            self._update(theta, g, t, lr, **slot)
            return
        flat_theta, flat_g = theta.reshape(-1), np.ascontiguousarray(g).reshape(-1)
        flat_state = {name: a.reshape(-1) for name, a in slot.items()}
        for i in range(0, n, BLOCK_SIZE):
            block = slice(i, i + BLOCK_SIZE)
            self._update(flat_theta[block], flat_g[block], t, lr, **{k: a[block] for k, a in flat_state.items()})

    def _update(self, theta: np.ndarray, g: np.ndarray, t: int, lr: float, **state: np.ndarray) -> None:
        """The algorithm box for one array: update ``theta`` and the state arrays in place.

        Parameters
        ----------
        theta : ndarray
            The parameter (or an aligned block of it); write the new value into it.
        g : ndarray
            The gradient (the same block); read it, never write it (it may be
            the caller's array).
        t : int
            The step number, 1 on the first step.
        lr : float
            The step size for this step.
        **state : ndarray
            The state arrays by name (:attr:`state_names`, or
            :meth:`_state_names` for variants), the same block; update them in
            place (``m[...] = ...``).
        """
        raise NotImplementedError

    # ------------------------------------------------------------------ state
    def _state_names(self) -> tuple[str, ...]:
        """The state arrays this configuration keeps (variants may add some)."""
        return self.state_names

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """State for one parameter array before the first step: zeros unless a module says otherwise."""
        return {name: np.zeros(theta.shape, theta.dtype) for name in self._state_names()}

    @property
    def state(self) -> Any:
        """Per-parameter dicts of named state arrays, in the structure of ``params``.

        A single array gives one dict (``opt.state["m"]``), a list gives a list of
        dicts (``opt.state[0]["m"]``), a dict gives a dict (``opt.state["W1"]["m"]``).
        Empty (``{}``) before the first step. The arrays are the optimizer's own:
        read them, do not write them.
        """
        if self._structure is None:
            return {}
        if self._structure.kind == "array":
            return self._slots[0]
        if self._structure.kind == "sequence":
            return list(self._slots)
        return dict(zip(self._structure.keys, self._slots, strict=True))

    def state_dict(self) -> dict[str, Any]:
        """A deep copy of everything needed to resume: algorithm, ``t``, structure, state.

        The hyperparameters are included for the record;
        :meth:`load_state_dict` does not change them.
        """
        return {
            "algorithm": self.key,
            "t": self.t,
            "hyperparameters": {k: v for k, v in self.hyperparameters.items() if not callable(v)},
            "structure": None if self._structure is None else self._structure.as_dict(),
            "state": [{k: v.copy() for k, v in slot.items()} for slot in self._slots],
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore ``t`` and the state saved by :meth:`state_dict`.

        Everything is checked before anything is changed: the algorithm, the
        keys, the structure (against this optimizer's, if it has stepped), and
        the names, shapes and dtypes of every state array.

        Raises
        ------
        ValueError
            If the dict is for another algorithm, lacks a key, or does not fit.
        """
        t, structure, slots = check_state_dict(state_dict, self.key, repr(self), self._structure, self._initial_state)
        self.t = t
        self._structure = structure
        self._slots = slots
