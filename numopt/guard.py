"""The step as one transaction: numopt's floating-point settings, an undo copy, and warnings of its own.

:meth:`numopt.base.Optimizer.step` runs every update through a :class:`StepGuard`:

* the arithmetic runs under ``np.errstate(all="ignore")`` (:func:`floating_point`),
  whatever the caller set: a caller's ``np.errstate(all="raise")`` can no longer stop an
  update halfway, and NumPy's anonymous RuntimeWarnings give way to numopt's own;
* before a block of a parameter is updated, it and its state are copied into
  the optimizer's backup arrays (in cache, one extra write per array). If anything
  raises before the step is complete, :meth:`StepGuard.rollback` writes every
  touched block back, so params and state are bitwise as they were;
* after a block is updated, θ and every state array are checked for
  finiteness, one read pass each (``a.sum()`` is finite iff every entry is,
  unless it overflows); an array that fails is counted entry by entry against
  its backup, and :meth:`StepGuard.warnings` reports what became inf or NaN as a
  :class:`NumericalWarning`, once per optimizer and array.

Nothing here knows an algorithm: which state arrays are second moments (the
step divides by their root) is each module's ``second_moments``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .structure import all_finite

__all__ = ["NumericalWarning", "StepGuard", "floating_point", "make_backup"]


class NumericalWarning(RuntimeWarning):
    """numopt's warning that finite inputs left a parameter or a state array inf or NaN."""


def floating_point() -> np.errstate:
    """numopt's floating-point settings for a step: no FloatingPointError, no NumPy RuntimeWarning."""
    return np.errstate(all="ignore")


def make_backup(thetas: list[np.ndarray], slots: list[dict[str, np.ndarray]]) -> list[dict[str, np.ndarray]]:
    """Arrays shaped like each parameter (``"theta"``) and its state, to undo a step into."""
    return [
        {"theta": np.empty_like(theta), **{k: np.empty_like(a) for k, a in slot.items()}}
        for theta, slot in zip(thetas, slots, strict=True)
    ]


class StepGuard:
    """The undo log and the finiteness findings of one step.

    Parameters
    ----------
    owner : str
        The optimizer's class name, for messages.
    labels : list of str
        The readable name of each parameter array (``params['W']``).
    t : int
        The step being taken.
    """

    def __init__(self, owner: str, labels: list[str], t: int) -> None:
        self.owner, self.labels, self.t = owner, labels, t
        self.touched: list[list] = []  # [arrays, backup, elements done] per parameter array begun
        self.suspects: set[tuple[int, str]] = set()

    def begin(self, arrays: dict[str, np.ndarray], backup: dict[str, np.ndarray]) -> None:
        """Start on one parameter array: ``arrays`` is θ (``"theta"``) and its state, whole."""
        self.touched.append([arrays, backup, 0])

    def update(
        self, index: int, update: Callable, arrays: dict[str, np.ndarray], backup: dict[str, np.ndarray],
        g: np.ndarray, t: int, lr: float,
    ) -> None:
        """Back up ``arrays`` (the next block of those begun), run ``update`` on them, check them."""
        for name, a in arrays.items():
            np.copyto(backup[name], a)
        self.touched[-1][2] += arrays["theta"].size
        state = {k: a for k, a in arrays.items() if k != "theta"}
        update(arrays["theta"], g, t, lr, **state)
        for name, a in arrays.items():
            if not all_finite(a):
                self.suspects.add((index, name))

    def rollback(self) -> None:
        """Write every block touched so far back to its value before the step."""
        for arrays, backup, done in reversed(self.touched):
            for name, a in arrays.items():
                if done == a.size or a.ndim == 0:
                    np.copyto(a, backup[name])
                else:  # blocked, so C-contiguous: the first ``done`` elements
                    a.reshape(-1)[:done] = backup[name].reshape(-1)[:done]

    def warnings(
        self, thetas: list[np.ndarray], slots: list[dict[str, np.ndarray]], backups: list[dict[str, np.ndarray]],
        warned: set, second_moments: tuple[str, ...],
    ) -> list[tuple[tuple[int, str], str]]:
        """``((index, name), message)`` for each array that finite values left inf or NaN.

        ``thetas`` and ``slots`` are the whole arrays after the step, ``backups``
        before it (θ as ``"theta"``); the (index, name) pairs in ``warned`` were
        reported before and are skipped (once per optimizer and array).
        """
        found = []
        full = [{"theta": theta, **slot} for theta, slot in zip(thetas, slots, strict=True)] if self.suspects else []
        for index, name in sorted(self.suspects - warned):
            now, before = full[index][name], backups[index][name]
            became = np.isfinite(before) & ~np.isfinite(now)
            counts = {"inf": int(np.count_nonzero(became & np.isinf(now))),
                      "NaN": int(np.count_nonzero(became & np.isnan(now)))}
            if not any(counts.values()):
                continue  # those entries were inf or NaN before the step: not this step's doing
            what = " and ".join(f"{kind} at {n}" for kind, n in counts.items() if n)
            quantity = "θ" if name == "theta" else name
            note = NOTES["theta" if name == "theta" else "root" if name in second_moments else "state"]
            found.append(((index, name), (
                f"{self.owner}: {quantity} of {self.labels[index]} became {what} of its {now.size} entries at "
                f"step {self.t}, from finite values; {note}"
            )))
        return found


NOTES = {
    "theta": "those parameters are no longer numbers a later step can repair",
    "root": "those coordinates will not move again (the step divides by its square root)",
    "state": "the parameters read it at every later step, so they will follow it",
}
"""What follows a non-finite θ, second moment (a module's ``second_moments``) or other state array."""
