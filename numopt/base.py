"""The ``Optimizer`` base class: all of the bookkeeping, none of the mathematics.

An algorithm module (``numopt/adam.py`` and friends) subclasses :class:`Optimizer`
and writes down only its equations, in :meth:`Optimizer._update`, for **one**
parameter array, its gradient and its named state arrays. Everything else
happens here, once, for every algorithm:

* validating hyperparameters (range, type) at construction and on assignment;
* accepting ``params`` as a single array, a list/tuple of arrays or a dict
  name -> array, and checking that ``grads`` has the same structure, keys and
  shapes, and that later steps keep the structure of the first;
* rejecting integer, bool, complex and object arrays, read-only parameters and
  non-finite gradients *before* anything is changed, so that a failed call
  leaves every parameter and every state array exactly as it was;
* never writing into the caller's gradient arrays;
* the step counter ``t`` (incremented at the start of a step, so the first
  step uses ``t = 1``), the learning rate as a float or a callable ``lr(t)``;
* the per-parameter state, :meth:`Optimizer.state_dict` and
  :meth:`Optimizer.load_state_dict`;
* for elementwise algorithms, handing the update aligned blocks of the
  flattened arrays (``BLOCK_SIZE`` elements) so that the temporaries of a
  readable whole-array expression stay in cache. Elementwise arithmetic gives
  the same bits whichever way the array is cut, so blocking changes speed,
  never results.

The design follows scikit-learn's small ``BaseOptimizer`` (one
``update_params(params, grads)`` entry point) and torch.optim's separation of
bookkeeping (``Optimizer``) from the per-tensor update (``_single_tensor_*``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

__all__ = ["BLOCK_SIZE", "Interval", "LearningRate", "Optimizer", "Params"]

Params = np.ndarray | list | tuple | dict
"""A single ndarray, a list/tuple of ndarrays, or a dict name -> ndarray."""

LearningRate = float | Callable[[int], float]
"""A constant step size, or a schedule ``lr(t)`` called once per step with t >= 1."""

BLOCK_SIZE = 131072
"""Elements per block handed to an elementwise update (see the module docstring)."""


@dataclass(frozen=True)
class Interval:
    """The allowed range of a real hyperparameter, e.g. ``0 <= beta1 < 1``.

    Parameters
    ----------
    low, high : float
        The end points.
    low_open, high_open : bool
        Whether each end point is excluded. Infinite end points are always
        excluded, so every accepted value is finite.
    """

    low: float
    high: float
    low_open: bool = False
    high_open: bool = True

    def __contains__(self, x: float) -> bool:
        above = x > self.low if self.low_open else x >= self.low
        below = x < self.high if self.high_open else x <= self.high
        return above and below and math.isfinite(x)

    def describe(self, name: str) -> str:
        """Write the interval as an inequality in ``name``, e.g. ``0 <= beta1 < 1``."""
        lower = f"{self.low:g} {'<' if self.low_open else '<='} " if math.isfinite(self.low) else ""
        upper = f" {'<' if self.high_open else '<='} {self.high:g}" if math.isfinite(self.high) else ""
        text = f"{lower}{name}{upper}"
        return text if math.isfinite(self.high) else f"{text} (finite)"


_UNIT = Interval(0.0, 1.0)
_NONNEGATIVE = Interval(0.0, math.inf)
_POSITIVE = Interval(0.0, math.inf, low_open=True)

RANGES: dict[str, Interval] = {
    "lr": _NONNEGATIVE,
    "beta": _UNIT,
    "beta1": _UNIT,
    "beta2": _UNIT,
    "mu": _UNIT,
    "rho": Interval(0.0, 1.0, high_open=False),
    "eps": _POSITIVE,
    "weight_decay": _NONNEGATIVE,
    "gamma": _NONNEGATIVE,
    "gamma_p": _NONNEGATIVE,
    "gamma_s": _NONNEGATIVE,
    "initial_accumulator_value": _NONNEGATIVE,
}
"""Default ranges by hyperparameter name; a class may override some in ``ranges``."""

SWITCHES = frozenset(
    {"ewma", "eps_in_sqrt", "centered", "amsgrad", "dozat", "use_signs", "use_directions"}
)
"""Hyperparameters that name a variant and must be ``True`` or ``False``."""

BOUNDS = frozenset({"p_bounds", "s_bounds"})
"""Hyperparameters that are ``None`` (no clipping) or a pair ``(low, high)``, 0 < low < high."""


@dataclass(frozen=True)
class _Structure:
    """The structure of ``params``, fixed by the first step."""

    kind: str  # "array", "sequence" or "dict"
    keys: tuple  # (None,), (0, 1, ...) or the dict keys in order
    shapes: tuple
    dtypes: tuple

    @classmethod
    def of(cls, kind: str, keys: tuple, arrays: list) -> _Structure:
        """The structure of ``arrays`` split from params as ``kind`` with ``keys``."""
        return cls(kind, keys, tuple(a.shape for a in arrays), tuple(a.dtype for a in arrays))

    def matches(self, kind: str, keys: tuple, arrays: list) -> bool:
        """Whether ``_Structure.of(kind, keys, arrays) == self``, without building it."""
        if kind != self.kind or keys != self.keys:
            return False
        for a, shape, dtype in zip(arrays, self.shapes, self.dtypes, strict=True):
            if a.shape != shape or a.dtype != dtype:
                return False
        return True

    def name(self, what: str, key: Any) -> str:
        """The readable name of one array, e.g. ``params['W1']`` or ``grads[2]``."""
        return _name(self.kind, what, key)

    def describe(self) -> str:
        return _describe(self.kind, self.keys)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "keys": list(self.keys),
            "shapes": [list(s) for s in self.shapes],
            "dtypes": [str(d) for d in self.dtypes],
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> _Structure:
        return cls(
            d["kind"],
            tuple(d["keys"]),
            tuple(tuple(s) for s in d["shapes"]),
            tuple(np.dtype(x) for x in d["dtypes"]),
        )


def _split(obj: Any, what: str) -> tuple[str, tuple, list]:
    """Split ``params`` or ``grads`` into (kind, keys, items); raise TypeError otherwise."""
    if isinstance(obj, np.ndarray):
        return "array", (None,), [obj]
    if isinstance(obj, Mapping):
        return "dict", tuple(obj.keys()), list(obj.values())
    if isinstance(obj, (list, tuple)):
        return "sequence", tuple(range(len(obj))), list(obj)
    if what == "grads" and isinstance(obj, (np.generic, float)):
        return "array", (None,), [obj]  # a NumPy scalar is the gradient NumPy computes for a 0-d param
    raise TypeError(
        f"{what} is a {type(obj).__name__}; expected a numpy.ndarray, a list/tuple of "
        "ndarrays or a dict name -> ndarray"
    )


def _name(kind: str, what: str, key: Any) -> str:
    """The readable name of one array, e.g. ``params['W1']`` or ``grads[2]``."""
    return what if kind == "array" else f"{what}[{key!r}]"


PARAM_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
"""The dtypes numopt steps in. float16 is refused: ε = 1e-8 rounds to 0 there and a zero gradient gives NaN."""


def _dtype_error(name: str, dtype: np.dtype) -> TypeError:
    """The error for an array ``name`` whose dtype numopt does not step in."""
    return TypeError(
        f"{name} has dtype {dtype}; expected a float32 or float64 array "
        "(params), or a real floating-point one (grads), not float16, integer, bool, complex or object"
    )


def _all_finite(a: np.ndarray) -> bool:
    """Whether every entry of ``a`` is finite, in one read-only pass and no temporary.

    ⟨a, a⟩ = Σ a² is NaN or +inf if any entry is NaN or ±inf, and finite otherwise
    unless it overflows; only then are the entries tested one by one.
    """
    return math.isfinite(np.vdot(a, a)) or bool(np.isfinite(a).all())


class Optimizer:
    """Base class of every numopt optimizer.

    Subclasses set :attr:`key` and :attr:`state_names`, pass their
    hyperparameters to ``super().__init__`` and implement :meth:`_update`.

    Parameters
    ----------
    **hyperparameters
        The algorithm's hyperparameters by name. Each is validated (see
        :data:`RANGES`, :data:`SWITCHES`, :data:`BOUNDS`) and stored as an
        attribute; assigning the attribute later validates it again.

    Attributes
    ----------
    t : int
        Steps taken so far. It is incremented at the start of a step, so the
        first step computes with ``t = 1``.
    """

    key: ClassVar[str] = ""
    """Registry key, as in the reference sheet (``"adam"``)."""

    state_names: ClassVar[tuple[str, ...]] = ()
    """Names of the per-parameter state arrays: the symbols of the equations."""

    ranges: ClassVar[dict[str, Interval]] = {}
    """Per-class overrides of :data:`RANGES`."""

    elementwise: ClassVar[bool] = True
    """True if the update of each element depends only on that element (blockable)."""

    positive_params: ClassVar[bool] = False
    """True if every parameter must stay strictly positive (EGU)."""

    scratch_names: ClassVar[tuple[str, ...]] = ()
    """Names of the work arrays :meth:`_update` gets besides the state: each is an
    uninitialised array shaped like the block it updates, for ``out=``."""

    def __init__(self, **hyperparameters: Any) -> None:
        object.__setattr__(self, "_hyperparameter_names", tuple(hyperparameters))
        self.t = 0
        self._structure: _Structure | None = None
        self._slots: list[dict[str, np.ndarray]] = []
        self._small_scratch: dict[tuple, dict[str, np.ndarray]] = {}
        for name, value in hyperparameters.items():
            setattr(self, name, value)

    # ------------------------------------------------------------------ hyperparameters
    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._hyperparameter_names:
            value = self._validate(name, value)
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

    def _validate(self, name: str, value: Any) -> Any:
        """Return ``value`` checked and normalised (Python float/bool/tuple)."""
        if name in SWITCHES:
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name}={value!r} is not a bool; expected True or False")
            return bool(value)
        if name in BOUNDS:
            return self._validate_bounds(name, value)
        if name == "lr" and callable(value):
            return value
        interval = self.ranges.get(name, RANGES.get(name))
        if interval is None:
            return value
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            expected = "a float or a callable lr(t)" if name == "lr" else "a real number"
            raise TypeError(f"{name}={value!r} is a {type(value).__name__}; expected {expected}")
        value = float(value)
        if value not in interval:
            raise ValueError(f"{name}={value!r} is out of range; expected {interval.describe(name)}")
        return value

    @staticmethod
    def _validate_bounds(name: str, value: Any) -> tuple[float, float] | None:
        if value is None:
            return None
        try:
            low, high = (float(x) for x in value)
        except (TypeError, ValueError):
            raise TypeError(f"{name}={value!r}; expected None or a pair (low, high)") from None
        if not (0.0 < low < high < math.inf):
            raise ValueError(
                f"{name}={value!r} is not a valid interval; expected 0 < low < high (finite)"
            )
        return (low, high)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters by name, in constructor order."""
        return {name: getattr(self, name) for name in self._hyperparameter_names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({args})"

    def _learning_rate(self, t: int) -> float:
        """The step size for step ``t``: ``lr`` or ``lr(t)``, checked."""
        if not callable(self.lr):
            return self.lr
        value = self.lr(t)
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"lr({t}) returned {value!r}; expected a float >= 0") from None
        if value not in _NONNEGATIVE:
            raise ValueError(f"lr({t}) returned {value!r}; expected a finite float >= 0")
        return value

    # ------------------------------------------------------------------ state
    def _state_names(self) -> tuple[str, ...]:
        """The state arrays this configuration keeps (variants may add some)."""
        return self.state_names

    def _initial_state(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """State for one parameter array before the first step: zeros by default."""
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
        for k in ("algorithm", "t", "structure", "state"):
            if k not in state_dict:
                raise ValueError(
                    f"state_dict is missing the key {k!r}; expected the keys "
                    "'algorithm', 't', 'structure', 'state' of Optimizer.state_dict()"
                )
        if state_dict["algorithm"] != self.key:
            raise ValueError(
                f"state_dict['algorithm'] is {state_dict['algorithm']!r}; expected {self.key!r} "
                f"(this is a {type(self).__name__})"
            )
        t = state_dict["t"]
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
            raise ValueError(f"state_dict['t'] is {t!r}; expected an int >= 0")
        if state_dict["structure"] is None:
            structure, slots = None, []
        else:
            try:
                structure = _Structure.from_dict(state_dict["structure"])
            except (KeyError, TypeError, ValueError) as err:
                raise ValueError(
                    f"state_dict['structure'] is malformed ({err!r}); expected the 'structure' "
                    "written by Optimizer.state_dict()"
                ) from None
            if self._structure is not None and structure != self._structure:
                raise ValueError(
                    f"state_dict is for params that are {structure.describe()} with shapes "
                    f"{list(structure.shapes)}; expected {self._structure.describe()} with "
                    f"shapes {list(self._structure.shapes)}"
                )
            slots = self._checked_slots(structure, state_dict["state"])
        self.t = int(t)
        self._structure = structure
        self._slots = slots

    def _checked_slots(self, structure: _Structure, saved: Any) -> list[dict[str, np.ndarray]]:
        if len(saved) != len(structure.keys):
            raise ValueError(
                f"state_dict['state'] has {len(saved)} entries; expected {len(structure.keys)}"
            )
        slots = []
        for key, shape, dtype, entry in zip(structure.keys, structure.shapes, structure.dtypes, saved, strict=True):
            where = f"state_dict['state'] for {structure.name('params', key)}"
            expected = self._initial_state(np.empty(shape, dtype))
            missing = sorted(set(expected) - set(entry))
            extra = sorted(set(entry) - set(expected))
            if missing or extra:
                raise ValueError(
                    f"{where} has the arrays {sorted(entry)}; expected {sorted(expected)} "
                    f"(missing {missing}, unexpected {extra}) for {self!r}"
                )
            slot = {}
            for name, like in expected.items():
                value = np.asarray(entry[name])
                if value.shape != like.shape or value.dtype != like.dtype:
                    raise ValueError(
                        f"{where}: {name!r} has shape {value.shape} and dtype {value.dtype}; "
                        f"expected shape {like.shape} and dtype {like.dtype}"
                    )
                slot[name] = value.copy()
            slots.append(slot)
        return slots

    # ------------------------------------------------------------------ the step
    def _checked_params(self, params: Params, grads: Any) -> tuple[str, tuple, list, list]:
        """Check params against grads and against the structure of the first step.

        Returns ``(kind, keys, thetas, gs)``. Every check runs on every step, but
        cheaply: names and :class:`_Structure` objects are built only for an
        error message (and once, on the first step, by :meth:`step`).
        """
        kind, keys, thetas = _split(params, "params")
        fixed = self._structure
        if kind == "dict" and fixed is not None and keys != fixed.keys and set(keys) == set(fixed.keys):
            keys = fixed.keys  # the same dict in another insertion order
            thetas = [params[k] for k in keys]
        gkind, gkeys, gs = _split(grads, "grads")
        if (
            gkind != kind
            or (kind == "dict" and gkeys != keys and set(gkeys) != set(keys))
            or len(gs) != len(thetas)
        ):
            raise ValueError(
                f"grads is {_describe(gkind, gkeys)} but params is {_describe(kind, keys)}; "
                "expected grads to have the same structure as params"
            )
        if kind == "dict":
            gs = [grads[k] for k in keys]
        for key, theta in zip(keys, thetas, strict=True):
            if not isinstance(theta, np.ndarray):
                raise TypeError(
                    f"{_name(kind, 'params', key)} is a {type(theta).__name__}; expected a "
                    "numpy.ndarray (numopt updates parameters in place)"
                )
            if theta.dtype not in PARAM_DTYPES:
                raise _dtype_error(_name(kind, "params", key), theta.dtype)
            if not theta.flags.writeable:
                raise ValueError(
                    f"{_name(kind, 'params', key)} is read-only; expected a writeable array "
                    "(numopt updates parameters in place)"
                )
            if self.positive_params and theta.size and not theta.min() > 0:  # min is NaN if any is
                raise ValueError(
                    f"{_name(kind, 'params', key)} has min value {float(theta.min())!r}; expected "
                    f"every entry > 0 ({type(self).__name__} keeps parameters strictly positive)"
                )
        if fixed is not None and not fixed.matches(kind, keys, thetas):
            structure = _Structure.of(kind, keys, thetas)
            raise ValueError(
                f"params is {structure.describe()} with shapes {list(structure.shapes)} and "
                f"dtypes {[str(d) for d in structure.dtypes]}; expected the structure fixed by "
                f"the first step: {fixed.describe()} with shapes {list(fixed.shapes)} and dtypes "
                f"{[str(d) for d in fixed.dtypes]}"
            )
        return kind, keys, thetas, gs

    @staticmethod
    def _checked_grads(kind: str, keys: tuple, thetas: list, gs: list, t: int) -> list:
        """Gradients as arrays of the parameters' dtypes, checked; never the caller's copy mutated."""
        checked = []
        for key, theta, g in zip(keys, thetas, gs, strict=True):
            g = np.asarray(g)
            if g.dtype.kind != "f":
                raise _dtype_error(_name(kind, "grads", key), g.dtype)
            if g.shape != theta.shape:
                raise ValueError(
                    f"{_name(kind, 'grads', key)} has shape {g.shape}; expected {theta.shape}, the "
                    f"shape of {_name(kind, 'params', key)}"
                )
            g = g.astype(theta.dtype, copy=False)
            if np.may_share_memory(g, theta):
                g = g.copy()  # the update writes theta; the gradient must keep its value
            if not _all_finite(g):
                bad = int(g.size - np.count_nonzero(np.isfinite(g)))
                raise FloatingPointError(
                    f"{_name(kind, 'grads', key)} has {bad} NaN or inf value(s) at step {t}; "
                    "expected finite gradients"
                )
            checked.append(g)
        return checked

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
        kind, keys, thetas, gs = self._checked_params(params, grads)
        t = self.t + 1
        gs = self._checked_grads(kind, keys, thetas, gs, t)
        lr = self._learning_rate(t)
        if self._structure is None:
            self._slots = [self._initial_state(theta) for theta in thetas]
            self._structure = _Structure.of(kind, keys, thetas)
        self.t = t
        for theta, g, slot in zip(thetas, gs, self._slots, strict=True):
            self._apply(theta, g, slot, t, lr)

    def _apply(self, theta: np.ndarray, g: np.ndarray, slot: dict, t: int, lr: float) -> None:
        """Run :meth:`_update` on the whole array, or block by block if elementwise and large.

        Blocks are aligned slices of the flattened arrays, ``BLOCK_SIZE`` elements
        long; each gets views of one block-sized scratch array per name in
        :attr:`scratch_names`. Small (at most ``BLOCK_SIZE`` elements),
        non-contiguous and non-elementwise arrays are updated whole, with
        whole-array scratch; for small arrays it is kept between steps.
        """
        n = theta.size
        if n <= BLOCK_SIZE:
            scratch = self._small_scratch.get((theta.shape, theta.dtype))
            if scratch is None:  # kept between steps: small, and allocating it is most of the cost
                scratch = {name: np.empty(theta.shape, theta.dtype) for name in self.scratch_names}
                self._small_scratch[theta.shape, theta.dtype] = scratch
            self._update(theta, g, t, lr, **slot, **scratch)
            return
        if not self.elementwise or not theta.flags.c_contiguous:
            self._update(theta, g, t, lr, **slot, **{name: np.empty_like(theta) for name in self.scratch_names})
            return
        flat_theta, flat_g = theta.reshape(-1), np.ascontiguousarray(g).reshape(-1)
        names = (*slot, *self.scratch_names)
        flats = [a.reshape(-1) for a in slot.values()]
        scratch = list(np.empty((len(self.scratch_names), BLOCK_SIZE), theta.dtype))
        for i in range(0, n, BLOCK_SIZE):
            j = i + BLOCK_SIZE
            if j > n:  # the last block is shorter
                scratch = [a[: n - i] for a in scratch]
            blocks = [a[i:j] for a in flats]
            self._update(flat_theta[i:j], flat_g[i:j], t, lr, **dict(zip(names, blocks + scratch, strict=True)))

    def _update(self, theta: np.ndarray, g: np.ndarray, t: int, lr: float, **state: np.ndarray) -> None:
        """The algorithm's equations for one array: update ``theta`` and ``state`` in place.

        Parameters
        ----------
        theta : ndarray
            The parameter (or a block of it); write the new value into it.
        g : ndarray
            The gradient; read-only (it may be the caller's array).
        t : int
            The step number, 1 on the first step.
        lr : float
            The step size for this step.
        **state : ndarray
            The state arrays by name (see :attr:`state_names`); update in place.
            Also one uninitialised work array per name in :attr:`scratch_names`,
            shaped like ``theta``, to hold intermediate results (``out=``).
        """
        raise NotImplementedError


def _describe(kind: str, keys: tuple) -> str:
    if kind == "array":
        return "a single array"
    if kind == "sequence":
        return f"a list/tuple of {len(keys)} arrays"
    return f"a dict with keys {list(keys)}"


def weight_decay(theta: np.ndarray, g: np.ndarray, lr: float, decay: float, decoupled: bool) -> np.ndarray:
    """Apply weight decay ``decay`` = λ and return the gradient to use.

    * L2 (``decoupled=False``, torch ``Adam(weight_decay=λ)``): g ← g + λθ; θ unchanged.
    * decoupled (``decoupled=True``, AdamW, doc 002): θ ← θ(1 − ηλ); g unchanged.

    A new gradient array is made for L2, so the caller's gradient is never written.
    """
    if decay == 0.0:
        return g
    if decoupled:
        theta *= 1.0 - lr * decay  # θ ← θ (1 − η λ)
        return g
    return g + decay * theta  # g ← g + λ θ


def ewma(average: np.ndarray, beta: float, x: np.ndarray, work: np.ndarray) -> None:
    """Update an exponentially weighted moving average in place: ``average ← β average + (1 − β) x``.

    ``work`` is scratch shaped like ``average``; it receives (1 − β) x. Same bits as
    the expression ``beta * average + (1 - beta) * x``.
    """
    average *= beta
    average += np.multiply(x, 1 - beta, out=work)


def ewma_of_square(average: np.ndarray, beta: float, x: np.ndarray, work: np.ndarray) -> None:
    """Update an EWMA of squares in place: ``average ← β average + (1 − β) x²``.

    ``work`` is scratch shaped like ``average``; it receives (1 − β) x². Same bits
    as the expression ``beta * average + (1 - beta) * x * x``.
    """
    average *= beta
    square = np.multiply(x, 1 - beta, out=work)
    square *= x
    average += square


def root_plus_eps(x: np.ndarray, eps: float, eps_in_sqrt: bool, out: np.ndarray) -> np.ndarray:
    """``√x + ε``, or ``√(x + ε)`` when ``eps_in_sqrt``, computed into ``out`` and returned."""
    if eps_in_sqrt:
        return np.sqrt(np.add(x, eps, out=out), out=out)
    root = np.sqrt(x, out=out)
    root += eps
    return root


def descend(theta: np.ndarray, step: float, numerator: np.ndarray, denominator: np.ndarray) -> None:
    """``θ ← θ − step · numerator / denominator`` in place; ``denominator`` is overwritten."""
    update = np.divide(numerator, denominator, out=denominator)
    update *= step
    theta -= update
