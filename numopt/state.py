"""Checking a saved ``state_dict`` before :meth:`numopt.base.Optimizer.load_state_dict` uses it.

Everything is checked before anything is changed, and every refusal names the
entry, what it holds and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .structure import Structure

__all__ = ["check_state_dict"]

InitialState = Callable[[np.ndarray], dict[str, np.ndarray]]
"""``initial_state(theta)`` -> the state arrays an optimizer keeps for ``theta``."""


def check_state_dict(
    state_dict: Mapping[str, Any], key: str, owner: str, fixed: Structure | None, initial_state: InitialState
) -> tuple[int, Structure | None, list[dict[str, np.ndarray]]]:
    """Return ``(t, structure, slots)`` from a saved state dict, copied and checked.

    Parameters
    ----------
    state_dict : mapping
        What :meth:`numopt.base.Optimizer.state_dict` returned.
    key : str
        The registry key of the optimizer that loads it.
    owner : str
        ``repr`` of that optimizer, for messages.
    fixed : Structure or None
        Its structure if it has stepped; the saved one must equal it.
    initial_state : callable
        Its ``_initial_state``: the names, shapes and dtypes the state must have.

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
    if state_dict["algorithm"] != key:
        raise ValueError(f"state_dict['algorithm'] is {state_dict['algorithm']!r}; expected {key!r} (this is {owner})")
    t = state_dict["t"]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
        raise ValueError(f"state_dict['t'] is {t!r}; expected an int >= 0")
    if state_dict["structure"] is None:
        return int(t), None, []
    try:
        structure = Structure.from_dict(state_dict["structure"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(
            f"state_dict['structure'] is malformed ({err!r}); "
            "expected the 'structure' written by Optimizer.state_dict()"
        ) from None
    if fixed is not None and structure != fixed:
        raise ValueError(
            f"state_dict is for params that are {structure.describe()} with shapes {list(structure.shapes)}; "
            f"expected {fixed.describe()} with shapes {list(fixed.shapes)}"
        )
    return int(t), structure, _checked_slots(structure, state_dict["state"], owner, initial_state)


def _checked_slots(
    structure: Structure, saved: Any, owner: str, initial_state: InitialState
) -> list[dict[str, np.ndarray]]:
    if len(saved) != len(structure.keys):
        raise ValueError(f"state_dict['state'] has {len(saved)} entries; expected {len(structure.keys)}")
    slots = []
    for key, shape, dtype, entry in zip(structure.keys, structure.shapes, structure.dtypes, saved, strict=True):
        where = f"state_dict['state'] for {structure.name('params', key)}"
        expected = initial_state(np.empty(shape, dtype))
        missing = sorted(set(expected) - set(entry))
        extra = sorted(set(entry) - set(expected))
        if missing or extra:
            raise ValueError(
                f"{where} has the arrays {sorted(entry)}; expected {sorted(expected)} "
                f"(missing {missing}, unexpected {extra}) for {owner}"
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
