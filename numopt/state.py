"""Checking a saved ``state_dict`` before :meth:`numopt.base.Optimizer.load_state_dict` uses it.

Everything is checked before anything is changed, and every refusal names the
entry, what it holds and what was expected: the algorithm, the hyperparameters
(checked as the constructor checks them), ``t``, the structure (kind, keys,
shapes, dtypes a step accepts) and every state array (names, shapes, dtypes,
no NaN, values inside the range its algorithm keeps it in, e.g. v >= 0; an inf
that a step left after a NumericalWarning is accepted, so every state a step
reaches loads back).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .checks import shown
from .structure import PARAM_DTYPES, Structure, all_finite

__all__ = ["check_state_dict", "saved_hyperparameters"]

MAX_T = 2**53
"""The largest step count loaded: every t up to it is exact as a float, so β^t and lr(t) compute."""

MAX_BYTES = 2**40
"""The largest array a saved structure may describe (1 TiB): a larger shape is refused before anything is allocated."""

KEYS = ("algorithm", "t", "hyperparameters", "structure", "state")
"""The keys :meth:`numopt.base.Optimizer.state_dict` writes (``lr_schedule`` is optional)."""


def saved_hyperparameters(
    state_dict: Mapping[str, Any], key: str, owner: str, current: Mapping[str, Any], lr: Any
) -> dict[str, Any]:
    """The hyperparameters to resume with: the saved ones, and ``lr`` if given (it replaces the saved one).

    A schedule ``lr(t)`` is not saved by value (``state_dict['lr_schedule']``
    holds its repr): it must be passed again, as ``lr``, or be this optimizer's
    own ``lr`` already.

    Raises
    ------
    ValueError
        If a key is missing, the dict is another algorithm's, or the
        hyperparameters are not this algorithm's.
    """
    if not isinstance(state_dict, Mapping):
        raise ValueError(f"state_dict is a {type(state_dict).__name__}; expected the dict of Optimizer.state_dict()")
    for k in KEYS:
        if k not in state_dict:
            raise ValueError(
                f"state_dict is missing the key {k!r}; expected the keys {', '.join(map(repr, KEYS))} "
                "of Optimizer.state_dict()"
            )
    if not isinstance(state_dict["algorithm"], str) or state_dict["algorithm"] != key:
        raise ValueError(f"state_dict['algorithm'] is {state_dict['algorithm']!r}; expected {key!r} (this is {owner})")
    saved = state_dict["hyperparameters"]
    if not isinstance(saved, Mapping) or not set(saved) <= set(current):
        extra = sorted(set(saved) - set(current)) if isinstance(saved, Mapping) else saved
        raise ValueError(f"state_dict['hyperparameters'] has {extra!r}; expected names among {list(current)}")
    schedule = state_dict.get("lr_schedule")
    if lr is None and "lr" not in saved and not callable(current["lr"]):
        raise ValueError(
            f"state_dict was saved with the schedule lr={schedule}, which cannot be saved by value; "
            "pass it again: load_state_dict(state_dict, lr=schedule)"
        )
    missing = sorted(set(current) - set(saved) - {"lr"})
    if missing:
        raise ValueError(f"state_dict['hyperparameters'] lacks {missing}; expected all of {list(current)}")
    return {**current, **saved, **({} if lr is None else {"lr": lr})}


def check_state_dict(
    state_dict: Mapping[str, Any], fixed: Structure | None, owner: str,
    initial_state: Callable[[np.ndarray], dict[str, np.ndarray]], bounds: Mapping[str, tuple[float, float]],
) -> tuple[int, Structure | None, list[dict[str, np.ndarray]]]:
    """Return ``(t, structure, slots)`` from a saved state dict, copied and checked.

    Parameters
    ----------
    state_dict : mapping
        What :meth:`numopt.base.Optimizer.state_dict` returned (its header
        already checked by :func:`saved_hyperparameters`).
    fixed : Structure or None
        The loading optimizer's structure if it has stepped; the saved one must equal it.
    owner : str
        ``repr`` of the optimizer as loaded, for messages.
    initial_state : callable
        Its ``_initial_state``: the names, shapes and dtypes the state must have.
    bounds : mapping
        State name -> (low, high), the closed range its entries must lie in.

    Raises
    ------
    ValueError
        If anything does not fit, naming the entry.
    """
    t = state_dict["t"]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t <= MAX_T:
        raise ValueError(f"state_dict['t'] is {shown(t)}; expected an int >= 0 and <= 2**53")
    if state_dict["structure"] is None:
        if state_dict["state"] not in ([], ()):
            raise ValueError(f"state_dict['state'] is {state_dict['state']!r} with no structure; expected []")
        return int(t), None, []
    structure = _checked_structure(state_dict["structure"], t)
    if fixed is not None and structure != fixed:
        raise ValueError(
            f"state_dict is for params that are {structure.describe()} with shapes {list(structure.shapes)}; "
            f"expected {fixed.describe()} with shapes {list(fixed.shapes)}"
        )
    return int(t), structure, _checked_slots(structure, state_dict["state"], owner, initial_state, bounds)


def _checked_structure(d: Any, t: int) -> Structure:
    where = "state_dict['structure']"
    try:
        if not isinstance(d, Mapping):
            raise TypeError(f"a {type(d).__name__}, not a dict")
        kind, keys, shapes, dtypes = d["kind"], tuple(d["keys"]), list(d["shapes"]), list(d["dtypes"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(
            f"{where} is malformed ({err!r}); expected the 'structure' written by Optimizer.state_dict()"
        ) from None
    if not isinstance(kind, str) or kind not in ("array", "sequence", "dict"):
        raise ValueError(f"{where} has kind {kind!r}; expected 'array', 'sequence' or 'dict'")
    if not all(k is None or isinstance(k, (str, int, float)) for k in keys) or (kind == "dict" and not _distinct(keys)):
        raise ValueError(f"{where} has the keys {list(keys)}; expected distinct keys, each a str or a number")
    expected_keys = {"array": (None,), "sequence": tuple(range(len(keys)))}.get(kind, keys)
    if keys != expected_keys:
        raise ValueError(
            f"{where} has kind {kind!r} and keys {list(keys)}; expected kind 'array' (keys [None]), "
            "'sequence' (keys [0, 1, ...]) or 'dict'"
        )
    if not len(keys) == len(shapes) == len(dtypes):
        raise ValueError(
            f"{where} has {len(keys)} keys, {len(shapes)} shapes and {len(dtypes)} dtypes; expected one of each per key"
        )
    for i, shape in enumerate(shapes):
        if not isinstance(shape, (list, tuple)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0 for n in shape
        ):
            raise ValueError(f"{where}['shapes'][{i}] is {shape!r}; expected a list of ints >= 0")
    try:
        parsed = [np.dtype(x) for x in dtypes]
    except TypeError as err:
        raise ValueError(f"{where}['dtypes'] is {dtypes!r} ({err}); expected 'float32' or 'float64'") from None
    for i, dtype in enumerate(parsed):
        if dtype not in PARAM_DTYPES:
            raise ValueError(f"{where}['dtypes'][{i}] is {dtype}; expected float32 or float64, as a step accepts")
    shapes = tuple(tuple(int(n) for n in shape) for shape in shapes)
    for i, (shape, dtype) in enumerate(zip(shapes, parsed, strict=True)):
        if math.prod(shape) * dtype.itemsize > MAX_BYTES:
            raise ValueError(
                f"{where}['shapes'][{i}] has {shown(math.prod(shape))} entries of {dtype}; expected at most "
                f"{MAX_BYTES >> 30} GiB, the most one saved array may hold"
            )
    return Structure(kind, keys, shapes, tuple(parsed), origin=f"loaded by load_state_dict (at t = {t})")


def _distinct(keys: tuple) -> bool:
    """Whether the keys of a dict structure are distinct strs or numbers (what a dict of params can have)."""
    return all(isinstance(k, (str, int, float)) for k in keys) and len(set(keys)) == len(keys)


def _checked_slots(
    structure: Structure, saved: Any, owner: str, initial_state: Callable, bounds: Mapping[str, tuple[float, float]]
) -> list[dict[str, np.ndarray]]:
    if not isinstance(saved, (list, tuple)) or len(saved) != len(structure.keys):
        count = f"{len(saved)} entries" if isinstance(saved, (list, tuple)) else repr(saved)
        raise ValueError(f"state_dict['state'] is {count}; expected a list of {len(structure.keys)} dicts")
    slots = []
    for key, shape, dtype, entry in zip(structure.keys, structure.shapes, structure.dtypes, saved, strict=True):
        where = f"state_dict['state'] for {structure.name('params', key)}"
        if not isinstance(entry, Mapping):
            raise ValueError(f"{where} is {entry!r}; expected a dict name -> array")
        try:
            expected = initial_state(np.broadcast_to(np.zeros((), dtype), shape))  # (only its shape and dtype are read)
        except MemoryError:
            raise ValueError(
                f"{where}: the shape {list(shape)} in state_dict['structure'] is too large for this machine's "
                f"memory; expected the shape of the saved params"
            ) from None
        missing = sorted(set(expected) - set(entry))
        extra = sorted(set(entry) - set(expected))
        if missing or extra:
            raise ValueError(
                f"{where} has the arrays {sorted(entry)}; expected {sorted(expected)} "
                f"(missing {missing}, unexpected {extra}) for {owner}"
            )
        slot = {}
        for name, like in expected.items():
            try:
                value = np.asarray(entry[name])
            except (TypeError, ValueError):  # a ragged list
                raise ValueError(
                    f"{where}: {name!r} is a ragged {type(entry[name]).__name__}, not an array; expected shape "
                    f"{like.shape} and dtype {like.dtype}"
                ) from None
            if value.shape != like.shape or value.dtype != like.dtype:
                raise ValueError(
                    f"{where}: {name!r} has shape {value.shape} and dtype {value.dtype}; "
                    f"expected shape {like.shape} and dtype {like.dtype}"
                )
            _check_values(f"{where}: {name!r}", value, _rounded(bounds.get(name), value.dtype))
            slot[name] = value.copy()
        slots.append(slot)
    return slots


def _rounded(bounds: tuple[float, float] | None, dtype: np.dtype) -> tuple[float, float] | None:
    """``bounds`` rounded to ``dtype`` as a clip in it rounds them: float32(0.01) < 0.01 is a reachable value."""
    return None if bounds is None else (float(dtype.type(bounds[0])), float(dtype.type(bounds[1])))


def _check_values(where: str, value: np.ndarray, bounds: tuple[float, float] | None) -> None:
    """Refuse NaN entries, and entries outside ``bounds`` (closed), naming how many and the extremes.

    An inf is accepted: a step whose g² overflowed leaves one (with a
    NumericalWarning), and the run, and so its saved state, goes on.
    """
    if not all_finite(value) and np.isnan(value).any():
        bad = int(np.count_nonzero(np.isnan(value)))
        raise ValueError(f"{where} has {bad} NaN value(s); expected numbers (inf is accepted, as a step may leave it)")
    if bounds is not None and value.size:
        low, high = bounds
        lowest, highest = float(value.min()), float(value.max())
        if lowest < low or highest > high:
            raise ValueError(
                f"{where} has values in [{lowest!r}, {highest!r}]; expected every value in [{low!r}, {high!r}]"
            )
