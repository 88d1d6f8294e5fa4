"""The ``Optimizer`` base class: the bookkeeping every algorithm shares, and no mathematics.

An algorithm module (``numopt/adam.py`` and the others) subclasses
:class:`Optimizer`, passes its hyperparameters to ``super().__init__`` and
writes its algorithm box in :meth:`Optimizer._update`, for **one** parameter
array, its gradient and its named state arrays. This class does the rest:

* :meth:`Optimizer.step` checks params and grads (:mod:`numopt.structure`)
  before anything is changed, counts ``t`` (the first step computes with
  ``t = 1``), takes the learning rate (a float or a schedule ``lr(t)``),
  creates the state on the first step and calls ``_update`` itself, on each
  block an :class:`numopt.guard.Undo` hands it: saved before, checked after,
  written back if the step does not complete;
* hyperparameters are checked (:mod:`numopt.hyperparameters`) in the
  constructor and whenever they are assigned later;
* :attr:`Optimizer.state`, :meth:`Optimizer.state_dict` and
  :meth:`Optimizer.load_state_dict` (checked by :mod:`numopt.state`);
* blocking: an elementwise update of a large array is handed aligned blocks
  of ``numopt.guard.BLOCK_BYTES`` (64 KiB), so that the temporaries of its
  whole-array NumPy expressions stay in cache and below the allocator's mmap
  threshold. Elementwise arithmetic gives the same bits however the array is
  cut, so blocking changes speed, never results.

The contract an algorithm module follows
----------------------------------------
* ``def _update(self, theta, g, t, lr, m, v, v_max=None)``: every state array
  is a named parameter after ``lr`` (:attr:`Optimizer.state_names` is read
  from this signature, once); one kept only by a variant defaults to ``None``
  and is declared in ``kept_when = {"v_max": "amsgrad"}`` (a switch, or
  ``"not ewma"``). State is updated in place; no ``**kwargs``.
* Facts are class attributes: ``key``, ``ranges = inequalities("0 <= beta1 < 1",
  "eps > 0", ...)`` (every hyperparameter but ``lr``, switches and bounds),
  ``bounds``, ``integers``, ``adaptive``, ``self_scaled``, ``elementwise``,
  ``positive_params``, ``second_moments``, ``state_bounds``, ``family`` and
  ``corrections``, ``named_variants``. ``switches`` are derived (the
  constructor's bool defaults). Every table elsewhere is derived from
  ``numopt.registry.OPTIMIZERS``, where a new class is registered.
* Initial state is zeros unless ``_initial_state`` says otherwise.

The design follows scikit-learn's ``BaseOptimizer`` (one ``update_params`` entry point)
and torch.optim's split of bookkeeping from the per-tensor update.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from .aliases import check_keywords
from .guard import NumericalWarning, Undo, floating_point
from .hyperparameters import Interval, LearningRate, check, check_dtypes, inequalities, learning_rate
from .state import check_state_dict, saved_hyperparameters
from .structure import Params, Structure, check_grads, check_params
from .structure import name as array_name

__all__ = ["Interval", "LearningRate", "Optimizer", "Params", "inequalities"]


class Optimizer:
    """Base class of every numopt optimizer.

    Subclasses state their facts as class attributes (module docstring, "The
    contract"), pass their hyperparameters to ``super().__init__`` and
    implement :meth:`_update`.

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

    ranges: ClassVar[dict[str, Interval]] = {}
    """Hyperparameter name -> its allowed range, written with :func:`inequalities` (``lr`` is the base's)."""

    bounds: ClassVar[tuple[str, ...]] = ()
    """Hyperparameters that are ``None`` (no clipping) or a pair ``(low, high)``, 0 < low < high."""

    integers: ClassVar[tuple[str, ...]] = ()
    """Hyperparameters in ``ranges`` that count something (Lookahead's ``k``): whole numbers, stored as int."""

    switches: ClassVar[tuple[str, ...]] = ()
    """Hyperparameters that name a variant (``True``/``False``): derived, the constructor's bool defaults."""

    state_names: ClassVar[tuple[str, ...]] = ()
    """Every state array the algorithm may keep: derived, the parameters of ``_update`` after ``lr``."""

    kept_when: ClassVar[dict[str, str]] = {}
    """Optional state name -> the switch that keeps it (``"amsgrad"``) or ``"not <switch>"``."""

    named_variants: ClassVar[dict[str, dict[str, Any]]] = {}
    """Variants beyond one flipped switch, name -> constructor arguments (tests run each)."""

    elementwise: ClassVar[bool] = True
    """True if the update of each element depends only on that element (blockable)."""

    positive_params: ClassVar[bool] = False
    """True if every parameter must stay strictly positive (EGU)."""

    adaptive: ClassVar[bool] = False
    """True if the step is about ``lr`` per coordinate whatever the gradient's size (AdaGrad, Adam, ...)."""

    self_scaled: ClassVar[bool] = False
    """True if the algorithm needs no learning rate (AdaDelta keeps lr=1)."""

    second_moments: ClassVar[tuple[str, ...]] = ()
    """State arrays whose square root the step divides by: where one is inf, θ stops moving."""

    state_bounds: ClassVar[dict[str, tuple[float, float]]] = {}
    """State name -> (low, high), the closed range its entries stay in (checked on loading)."""

    family: ClassVar[str | None] = None
    """The moment-method update it shares (``"adam"`` for Adam and AdamW), or None: grading's textbook forms."""

    corrections: ClassVar[tuple[str, str] | None] = None
    """The bias corrections of (m, v): ``"adam"`` 1 − βᵗ, ``"adax"`` (1 + β)ᵗ − 1 or ``"none"`` (with ``family``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_keywords(cls)  # Adam(betas=...) says "did you mean beta1, beta2?" (numopt/aliases.py)
        constructor = inspect.signature(cls.__init__).parameters.values()
        cls.switches = tuple(p.name for p in constructor if isinstance(p.default, bool))
        box = next((c for c in reversed(cls.__mro__) if "_update" in vars(c) and c is not Optimizer), Optimizer)
        names = list(inspect.signature(box._update).parameters)  # AdamW and grading's mutants inherit Adam's
        cls.state_names = tuple(names[names.index("lr") + 1:]) if "lr" in names else ()

    def __init__(self, **hyperparameters: Any) -> None:
        object.__setattr__(self, "_hyperparameter_names", tuple(hyperparameters))
        self.t = 0
        self._structure: Structure | None = None
        self._slots: list[dict[str, np.ndarray]] = []
        self._undo_buffers: list[dict[str, np.ndarray]] | None = None  # params and state before a step (numopt.guard)
        self._warned: set[tuple[int, str]] = set()  # (array index, name) already reported non-finite
        for name, value in hyperparameters.items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._hyperparameter_names:
            value = check(name, value, type(self))
            if name in self.switches and self._slots:
                self._check_switch_keeps_state(name, value)
        object.__setattr__(self, name, value)

    def _check_switch_keeps_state(self, name: str, value: bool) -> None:
        """Refuse a variant switch that would need other state arrays than those already kept."""
        old = getattr(self, name)
        object.__setattr__(self, name, value)
        try:
            wanted = self._kept_state()
        finally:
            object.__setattr__(self, name, old)
        kept = tuple(self._slots[0])
        if set(wanted) != set(kept):
            raise ValueError(
                f"{name}={value!r} after step {self.t} would change the state arrays from {kept} to "
                f"{wanted}; expected {name}={old!r} (create a new optimizer to change this variant)"
            )

    def _kept_state(self) -> tuple[str, ...]:
        """The state arrays this configuration keeps: :attr:`state_names` less the optional ones switched off."""
        def kept(name: str) -> bool:
            switch = self.kept_when.get(name)
            if switch is None:
                return True
            return not getattr(self, switch[4:]) if switch.startswith("not ") else getattr(self, switch)

        return tuple(name for name in self.state_names if kept(name))

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters by name, in constructor order."""
        return {name: getattr(self, name) for name in self._hyperparameter_names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({args})"

    def step(self, params: Params, grads: Params) -> None:
        """Take one optimisation step, updating ``params`` in place.

        Parameters
        ----------
        params : ndarray, list/tuple of ndarray, or dict of ndarray
            Floating-point, writeable arrays, none overlapping another. Their
            structure (kind, keys, shapes, dtypes) is fixed by the first step.
        grads : same structure as ``params``
            The gradient at the current ``params``. Cast to the parameters'
            dtypes if needed; never modified. A gradient that shares memory
            with a parameter is copied first: every gradient is read as it was
            before any parameter is written.

        Raises
        ------
        TypeError, ValueError, FloatingPointError
            On bad input, naming the offending array. Any exception that escapes
            ``step`` leaves params, state and ``t`` bitwise as they were.

        Warns
        -----
        NumericalWarning
            When finite inputs leave a parameter or state array inf or NaN
            (once per optimizer and array), whatever errstate the caller set.
        """
        positive = type(self).__name__ if self.positive_params else None
        with floating_point():
            kind, keys, thetas, gs = check_params(params, grads, self._structure, positive)
            t = self.t + 1
            slots = self._slots if self._structure else [self._initial_state(theta) for theta in thetas]
            gs = check_grads(kind, keys, thetas, gs, t, [a for slot in slots for a in slot.values()])
            lr = learning_rate(self.lr, t)
            check_dtypes(self, [theta.dtype for theta in thetas])
            if self._undo_buffers is None or not self._structure:  # (a failed first step may leave some)
                self._undo_buffers = Undo.buffers_for(thetas, slots)
            undo = Undo(self._undo_buffers)
            before = self.t, self._structure, self._slots, self._warned
            try:
                for i, (theta, g, state) in enumerate(zip(thetas, gs, slots, strict=True)):
                    for theta_block, g_block, state_block in undo.blocks(i, theta, g, state, self.elementwise):
                        self._update(theta_block, g_block, t, lr, **state_block)  # the algorithm box
                if undo.suspects:  # some array holds inf or NaN: say so if this step made it so
                    labels = [array_name(kind, "params", key) for key in keys]
                    found = undo.warnings(type(self).__name__, labels, t, thetas, slots, self._warned,
                                          self.second_moments)
                    for _, message in found:
                        warnings.warn(message, NumericalWarning, stacklevel=2)
                    self._warned = self._warned | {key for key, _ in found}
                if self._structure is None:  # commit: nothing can fail after this
                    self._structure, self._slots = Structure.of(kind, keys, thetas), slots
                self.t = t
            except BaseException:  # Ctrl-C included: put everything back as it was
                undo.rollback()
                self.t, self._structure, self._slots, self._warned = before
                raise

    def _update(self, theta: np.ndarray, g: np.ndarray, t: int, lr: float) -> None:
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

        A subclass adds its state arrays as named parameters after ``lr``
        (``m, v, v_max=None``): the same block of each, to update in place
        (``m[...] = ...``); an optional one is ``None`` unless :attr:`kept_when`
        keeps it.
        """
        raise NotImplementedError

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """State for one parameter array before the first step: zeros unless a module says otherwise."""
        return {name: np.zeros(theta.shape, theta.dtype) for name in self._kept_state()}

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

    def _state_bounds(self) -> dict[str, tuple[float, float]]:
        """State name -> the closed range its entries stay in (:attr:`state_bounds` unless a module says more)."""
        return self.state_bounds

    def state_dict(self) -> dict[str, Any]:
        """A deep copy of everything needed to resume: algorithm, ``t``, hyperparameters, structure, state.

        A schedule ``lr(t)`` cannot be saved by value: ``"lr_schedule"`` holds its
        repr and :meth:`load_state_dict` needs it passed again. For the same
        reason an optimizer whose ``lr`` is a lambda cannot be pickled; pickle
        its ``state_dict()`` (or use a module-level function as the schedule).
        """
        return {
            "algorithm": self.key,
            "t": self.t,
            "hyperparameters": {k: v for k, v in self.hyperparameters.items() if not callable(v)},
            "lr_schedule": repr(self.lr) if callable(self.lr) else None,
            "structure": None if self._structure is None else self._structure.as_dict(),
            "state": [{k: v.copy() for k, v in slot.items()} for slot in self._slots],
        }

    def load_state_dict(self, state_dict: Mapping[str, Any], lr: LearningRate | None = None) -> None:
        """Resume the run saved by :meth:`state_dict`: its hyperparameters, ``t``, structure and state.

        Everything is checked before anything is changed (:mod:`numopt.state`).
        ``lr`` replaces the saved learning rate; it is needed when the run was
        saved with a schedule ``lr(t)``, unless this optimizer's own ``lr`` is a
        schedule already (then that one is kept).

        Raises
        ------
        ValueError
            If the dict is for another algorithm, lacks a key, or does not fit,
            naming the entry.
        """
        current = self.hyperparameters
        hp = saved_hyperparameters(state_dict, self.key, repr(self), current, lr)
        try:
            loaded = type(self)(**hp)
        except (TypeError, ValueError) as err:
            raise ValueError(f"state_dict['hyperparameters'] are refused: {err}") from None
        t, structure, slots = check_state_dict(
            state_dict, self._structure, repr(loaded), loaded._initial_state, loaded._state_bounds()
        )
        for k, v in loaded.hyperparameters.items():
            object.__setattr__(self, k, v)
        self.t, self._structure, self._slots = t, structure, slots
        self._undo_buffers, self._warned = None, set()

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_undo_buffers": None}  # scratch, not state
