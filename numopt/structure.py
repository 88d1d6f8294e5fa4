"""The structure of ``params`` and ``grads``, and the checks a step makes before it changes anything.

``params`` is a single ndarray, a list/tuple of ndarrays or a dict name ->
ndarray; ``grads`` has the same structure. The first step fixes the structure
(kind, keys, shapes, dtypes) and every later step must keep it. Every check
here runs before :meth:`numopt.base.Optimizer.step` writes anything, so a
refused step leaves params, state and ``t`` as they were.

Aliasing: entries of params that share memory are refused (a step would write
the shared entries twice), and a gradient that shares memory with a parameter
or a state array is copied first, so a step behaves as if every gradient were
read before anything is written (``SGD(lr=0.1).step([a, b], [b, a])`` moves b
by the old a).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "PARAM_DTYPES", "Params", "Structure", "all_finite", "check_grads", "check_params", "describe", "dtype_error",
    "name",
]

Params = np.ndarray | list | tuple | dict
"""A single ndarray, a list/tuple of ndarrays, or a dict name -> ndarray."""

PARAM_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
"""The dtypes numopt steps in. float16 is refused: ε = 1e-8 rounds to 0 there and a zero gradient gives NaN."""


def name(kind: str, what: str, key: Any) -> str:
    """The readable name of one array, e.g. ``params['W1']`` or ``grads[2]``."""
    return what if kind == "array" else f"{what}[{key!r}]"


def describe(kind: str, keys: tuple) -> str:
    """The structure in words, e.g. ``a dict with keys ['W', 'b']``."""
    if kind == "array":
        return "a single array"
    if kind == "sequence":
        return f"a list/tuple of {len(keys)} arrays"
    return f"a dict with keys {list(keys)}"


def dtype_error(label: str, dtype: np.dtype) -> TypeError:
    """The error for an array ``label`` whose dtype numopt does not step in."""
    real = dtype.kind in "biuf"  # bool, integer or float16: converting loses nothing
    fix = f"convert it first, {label} = {label}.astype(float)" if real else "pass real floating-point numbers"
    return TypeError(
        f"{label} has dtype {dtype}; expected a float32 or float64 array "
        f"(params), or a real floating-point one (grads), not float16, integer, bool, complex or object: {fix}"
    )


@dataclass(frozen=True)
class Structure:
    """The structure of ``params``, fixed by the first step."""

    kind: str  # "array", "sequence" or "dict"
    keys: tuple  # (None,), (0, 1, ...) or the dict keys in order
    shapes: tuple
    dtypes: tuple
    origin: str = field(default="fixed by the first step", compare=False)  # for messages

    @classmethod
    def of(cls, kind: str, keys: tuple, arrays: list) -> Structure:
        """The structure of ``arrays`` split from params as ``kind`` with ``keys``."""
        return cls(kind, keys, tuple(a.shape for a in arrays), tuple(a.dtype for a in arrays))

    def matches(self, kind: str, keys: tuple, arrays: list) -> bool:
        """Whether ``Structure.of(kind, keys, arrays) == self``, without building it."""
        if kind != self.kind or keys != self.keys:
            return False
        for a, shape, dtype in zip(arrays, self.shapes, self.dtypes, strict=True):
            if a.shape != shape or a.dtype != dtype:
                return False
        return True

    def name(self, what: str, key: Any) -> str:
        """The readable name of one array, e.g. ``params['W1']``."""
        return name(self.kind, what, key)

    def describe(self) -> str:
        """The structure in words."""
        return describe(self.kind, self.keys)

    def as_dict(self) -> dict:
        """Plain Python data for :meth:`numopt.base.Optimizer.state_dict`."""
        return {
            "kind": self.kind,
            "keys": list(self.keys),
            "shapes": [list(s) for s in self.shapes],
            "dtypes": [str(d) for d in self.dtypes],
        }


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


def all_finite(a: np.ndarray) -> bool:
    """Whether every entry of ``a`` is finite, by the fastest exact test for its size.

    * up to :data:`FEW` entries, entry by entry in Python: a tenth of the time
      of any NumPy call there;
    * up to :data:`BOUNDED` entries (a block of a step), ``np.isfinite(a).all()``:
      a vectorised pass whose boolean temporary stays small, 2.5 times faster
      than a float32 ``sum``;
    * larger arrays (whole, unblocked ones), Σ a, which is NaN or ±inf if any
      entry is and finite otherwise, without a temporary of the array's size;
      only if it overflows are the entries tested one by one. (``np.vdot(a, a)``
      would be faster, but it calls BLAS, whose threads made float64 steps
      several times slower on a busy machine; ``sum`` stays on one thread.)
    """
    if a.size <= FEW:
        return all(map(math.isfinite, a.reshape(-1).tolist()))
    if a.size <= BOUNDED:
        return bool(np.isfinite(a).all())
    return math.isfinite(a.sum()) or bool(np.isfinite(a).all())


FEW = 64
"""Arrays up to this many entries are checked for finiteness in Python (see :func:`all_finite`)."""

BOUNDED = 65536
"""Arrays up to this many entries are checked by ``np.isfinite``, whose temporary is then at most 64 KiB."""


_TOO_HARD = getattr(getattr(np, "exceptions", np), "TooHardError", Exception)


def _root(a: np.ndarray) -> int:
    """An id shared by every array that may share memory with ``a``: the ndarray owning its data.

    Views keep their owner in ``.base``; arrays over a buffer that is not an
    ndarray (bytes, mmap, memoryview) all get the id 0, to be compared pairwise.
    """
    while a.base is not None:
        if not isinstance(a.base, np.ndarray):
            return 0
        a = a.base
    return id(a)


def _overlapping_params(kind: str, keys: tuple, thetas: list) -> None:
    """Refuse two entries of params that are the same array or share memory (an update would write both)."""
    roots = [_root(theta) for theta in thetas]
    if len(set(roots)) == len(roots) and 0 not in roots:
        return  # every entry owns its memory or views another owner's: nothing to compare
    for i, theta in enumerate(thetas):
        for j in range(i):
            if roots[i] != roots[j] and roots[i] and roots[j]:
                continue
            try:
                shared = np.shares_memory(theta, thetas[j], max_work=10**6)
            except _TOO_HARD:  # pragma: no cover - only for strides too intricate to decide
                shared = True
            if shared:
                raise ValueError(
                    f"{name(kind, 'params', keys[j])} and {name(kind, 'params', keys[i])} share memory; "
                    "expected separate arrays (a step would update the shared entries twice)"
                )


def check_params(
    params: Params, grads: Any, fixed: Structure | None, positive: str | None
) -> tuple[str, tuple, list, list]:
    """Check params against grads and against the structure ``fixed`` by the first step.

    ``positive`` is the optimizer's class name if it keeps every parameter
    strictly positive (EGU), else None.

    Returns ``(kind, keys, thetas, gs)``: the arrays of params and the (not yet
    checked) gradients in the same order. Names and :class:`Structure` objects
    are built only for an error message, so the checks are cheap.
    """
    kind, keys, thetas = _split(params, "params")
    if kind == "dict" and fixed is not None and keys != fixed.keys and set(keys) == set(fixed.keys):
        keys = fixed.keys  # the same dict in another insertion order
        thetas = [params[k] for k in keys]
    gkind, gkeys, gs = _split(grads, "grads")
    if gkind != kind or (kind == "dict" and gkeys != keys and set(gkeys) != set(keys)) or len(gs) != len(thetas):
        raise ValueError(
            f"grads is {describe(gkind, gkeys)} but params is {describe(kind, keys)}; "
            "expected grads to have the same structure as params"
        )
    if kind == "dict":
        gs = [grads[k] for k in keys]
    for key, theta in zip(keys, thetas, strict=True):
        label = name(kind, "params", key)
        if not isinstance(theta, np.ndarray):
            raise TypeError(
                f"{label} is a {type(theta).__name__}; expected a numpy.ndarray (numopt updates parameters in place)"
            )
        if theta.dtype not in PARAM_DTYPES:
            raise dtype_error(label, theta.dtype)
        if type(theta) is not np.ndarray and np.ndim(theta.reshape(-1)) != 1:
            raise TypeError(
                f"{label} is a {type(theta).__name__}, which does not reshape like an ndarray; expected a "
                "numpy.ndarray (np.asarray gives one that shares its memory)"
            )
        if not theta.flags.writeable:
            raise ValueError(f"{label} is read-only; expected a writeable array (numopt updates parameters in place)")
        if positive and theta.size and not theta.min() > 0:  # min is NaN if any is
            raise ValueError(
                f"{label} has min value {float(theta.min())!r}; expected every entry > 0 "
                f"({positive} keeps parameters strictly positive)"
            )
    if fixed is not None and not fixed.matches(kind, keys, thetas):
        structure = Structure.of(kind, keys, thetas)
        raise ValueError(
            f"params is {structure.describe()} with shapes {list(structure.shapes)} and "
            f"dtypes {[str(d) for d in structure.dtypes]}; expected the structure {fixed.origin}: "
            f"{fixed.describe()} with shapes {list(fixed.shapes)} and dtypes {[str(d) for d in fixed.dtypes]}"
        )
    _overlapping_params(kind, keys, thetas)
    return kind, keys, thetas, gs


def check_grads(kind: str, keys: tuple, thetas: list, gs: list, t: int, state: list) -> list[np.ndarray]:
    """Gradients as arrays of the parameters' dtypes, checked; the caller's arrays are never written.

    A gradient that may share memory with a parameter or a ``state`` array is
    copied, so that every gradient is read as it was before the step wrote anything.
    """
    checked = []
    owned = (*thetas, *state)
    owners = {_root(a) for a in owned}
    for key, theta, g in zip(keys, thetas, gs, strict=True):
        g = np.asarray(g)
        if g.dtype.kind != "f":
            raise dtype_error(name(kind, "grads", key), g.dtype)
        if g.shape != theta.shape:
            raise ValueError(
                f"{name(kind, 'grads', key)} has shape {g.shape}; expected {theta.shape}, the "
                f"shape of {name(kind, 'params', key)}"
            )
        cast = g.astype(theta.dtype, copy=False)
        root = _root(g)
        if cast is g and (root in owners or not root) and any(np.may_share_memory(g, a) for a in owned):
            cast = g.copy()  # the update writes params and state; the gradient must keep its value
        if not all_finite(cast):
            bad = int(cast.size - np.count_nonzero(np.isfinite(cast)))
            if all_finite(g):
                raise FloatingPointError(
                    f"{name(kind, 'grads', key)} has {bad} value(s) at step {t} that overflow {theta.dtype}, the "
                    f"dtype of {name(kind, 'params', key)} (largest |g| = {float(np.abs(g).max()):.3g}); "
                    "expected gradients that fit the parameters' dtype"
                )
            raise FloatingPointError(
                f"{name(kind, 'grads', key)} has {bad} NaN or inf value(s) at step {t}; expected finite gradients"
            )
        checked.append(cast)
    return checked
