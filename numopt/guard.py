"""The step as one transaction: numopt's floating-point settings, the undo copy, and warnings of its own.

:meth:`numopt.base.Optimizer.step` calls ``_update`` on the blocks an :class:`Undo` hands it:

* the arithmetic runs under ``np.errstate(all="ignore")`` (:func:`floating_point`),
  whatever the caller set: a caller's ``np.errstate(all="raise")`` can no longer stop an
  update halfway, and NumPy's anonymous RuntimeWarnings give way to numopt's own;
* before a block of a parameter is handed to the update, it and its state are
  copied into the optimizer's undo buffers (the block is in cache, so this is
  one extra write per array). If anything raises before the step is complete,
  :meth:`Undo.rollback` writes every block handed out back, so params and state
  are bitwise as they were; a second Ctrl-C during the rollback does not stop
  it halfway;
* after a block is updated, θ and every state array are checked for
  finiteness, one read pass each of the block still in cache
  (:func:`numopt.structure.all_finite`); an array that fails is
  counted entry by entry against its undo copy, and :meth:`Undo.warnings`
  reports what became inf or NaN as a :class:`NumericalWarning`, once per
  optimizer and array.

Why an undo copy and not a double buffer (the box writing into spare arrays
that replace the state by a swap of references): θ is the caller's array and
cannot be swapped, so θ would be copied twice instead of once, and a state
array the caller holds (``v = opt.state["v"]``) would silently stop being the
state. The undo copy costs the same one pass for the state and one fewer for θ.

Blocks are sized in bytes, :data:`BLOCK_BYTES` (64 KiB): an expression's
temporary is one block, below glibc's 128 KiB threshold above which every
allocation is a fresh ``mmap`` with its page faults, so the speed of a step
does not depend on what the process allocated before.

Nothing here knows an algorithm: which state arrays are second moments (the
step divides by their root) is each module's ``second_moments``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from .structure import all_finite

__all__ = ["BLOCK_BYTES", "NumericalWarning", "Undo", "floating_point"]

BLOCK_BYTES = 65536
"""Bytes per block handed to an elementwise update (8192 float64 or 16384 float32 elements)."""


class NumericalWarning(RuntimeWarning):
    """numopt's warning that finite inputs left a parameter or a state array inf or NaN."""


def floating_point() -> np.errstate:
    """numopt's floating-point settings for a step: no FloatingPointError, no NumPy RuntimeWarning."""
    return np.errstate(all="ignore")


class Written(NamedTuple):
    """θ and the state of one parameter array as handed to the update, their undo copies, how far it got."""

    arrays: dict[str, np.ndarray]  # flat views when blocked, else the arrays themselves
    backup: dict[str, np.ndarray]  # the undo buffers, in the same form
    end: int | None  # blocked: the elements handed out so far (a prefix); None: the whole arrays


class Undo:
    """The undo log of one step: every block handed to an update, its copy from before, the findings.

    Parameters
    ----------
    buffers : list of dict
        Per parameter array, arrays shaped like θ (``"theta"``) and each state
        array: the optimizer's undo buffers, kept between steps
        (:meth:`buffers_for`).
    """

    def __init__(self, buffers: list[dict[str, np.ndarray]]) -> None:
        self.buffers = buffers
        self.written: list[Written] = []
        self.suspects: set[tuple[int, str]] = set()  # (array index, name) that may have become inf or NaN

    @staticmethod
    def buffers_for(thetas: list[np.ndarray], slots: list[dict[str, np.ndarray]]) -> list[dict[str, np.ndarray]]:
        """Undo buffers shaped like each parameter (``"theta"``) and its state."""
        return [
            {"theta": np.empty_like(theta), **{k: np.empty_like(a) for k, a in slot.items()}}
            for theta, slot in zip(thetas, slots, strict=True)
        ]

    def blocks(
        self, index: int, theta: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], blocked: bool
    ) -> Iterator[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
        """Yield ``(θ, g, state)`` of parameter array ``index`` block by block, each saved before it is yielded.

        ``blocked``: whether the update is elementwise; then a C-contiguous
        array larger than a block is cut into aligned blocks of
        :data:`BLOCK_BYTES`, else it is yielded whole. Each block is checked
        for finiteness when the loop asks for the next one.
        """
        arrays, backup = {"theta": theta, **state}, self.buffers[index]
        size = max(1, BLOCK_BYTES // theta.itemsize)
        if theta.size <= size or not blocked or not theta.flags.c_contiguous:  # whole
            for name, a in arrays.items():
                backup[name][...] = a
            self.written.append(Written(arrays, backup, None))  # only once saved: a rollback writes it back
            yield theta, g, state
            self._check(index, arrays)
            return
        arrays = {k: a.reshape(-1) for k, a in arrays.items()}
        backup = {k: a.reshape(-1) for k, a in backup.items()}
        flat_g = np.ascontiguousarray(g).reshape(-1)
        self.written.append(Written(arrays, backup, 0))
        for start in range(0, theta.size, size):
            cut = slice(start, start + size)
            block = {k: a[cut] for k, a in arrays.items()}
            for name, a in block.items():
                backup[name][cut] = a
            self.written[-1] = self.written[-1]._replace(end=cut.stop)  # only once saved
            theta_block = block.pop("theta")
            yield theta_block, flat_g[cut], block
            self._check(index, {"theta": theta_block, **block})

    def _check(self, index: int, arrays: dict[str, np.ndarray]) -> None:
        """Note which of ``arrays`` (θ and the state of parameter ``index``, or a block of them) hold inf or NaN."""
        for name, a in arrays.items():
            if not all_finite(a):
                self.suspects.add((index, name))

    def rollback(self) -> None:
        """Write every block handed out back to its value before the step; finish even if interrupted."""
        interrupted = None
        for written in reversed(self.written):
            while True:  # every copy below is idempotent: after a Ctrl-C, do them again
                try:
                    for name, a in written.arrays.items():
                        if written.end is None:
                            np.copyto(a, written.backup[name])
                        else:  # blocked: flat views whose first ``end`` elements were handed out
                            np.copyto(a[:written.end], written.backup[name][:written.end])
                    break
                except KeyboardInterrupt as err:
                    interrupted = err
        if interrupted is not None:
            raise interrupted

    def warnings(
        self, owner: str, labels: list[str], t: int, thetas: list[np.ndarray], slots: list[dict[str, np.ndarray]],
        warned: set, second_moments: tuple[str, ...],
    ) -> list[tuple[tuple[int, str], str]]:
        """``((index, name), message)`` for each array that finite values left inf or NaN.

        ``owner`` is the optimizer's class name and ``labels`` the readable name
        of each parameter array (``params['W']``), for the messages; ``thetas``
        and ``slots`` are the whole arrays after step ``t``. The (index, name)
        pairs in ``warned`` were reported before and are skipped (once per
        optimizer and array).
        """
        found = []
        for index, name in sorted(self.suspects - warned):
            now = thetas[index] if name == "theta" else slots[index][name]
            before = self.buffers[index][name]
            became = np.isfinite(before) & ~np.isfinite(now)
            counts = {"inf": int(np.count_nonzero(became & np.isinf(now))),
                      "NaN": int(np.count_nonzero(became & np.isnan(now)))}
            if not any(counts.values()):
                continue  # those entries were inf or NaN before the step: not this step's doing
            what = " and ".join(f"{kind} at {n}" for kind, n in counts.items() if n)
            quantity = "θ" if name == "theta" else name
            note = NOTES["theta" if name == "theta" else "root" if name in second_moments else "state"]
            found.append(((index, name), (
                f"{owner}: {quantity} of {labels[index]} became {what} of its {now.size} entries at "
                f"step {t}, from finite values; {note}"
            )))
        return found


NOTES = {
    "theta": "those parameters are no longer numbers a later step can repair",
    "root": "those coordinates will not move again (the step divides by its square root)",
    "state": "the parameters read it at every later step, so they will follow it",
}
"""What follows a non-finite θ, second moment (a module's ``second_moments``) or other state array."""
