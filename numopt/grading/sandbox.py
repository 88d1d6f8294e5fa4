r"""Run a student's file in a child process of its own: the grader's side.

A submission given as ``FILE.py:NAME`` is never imported by the grading
process. :class:`Sandbox` starts a child (forked from multiprocessing's
forkserver, a clean process that never imports student code), which runs
:func:`numopt.grading.child.serve`: it imports the file and then serves
requests over a pipe: build the candidate, start a session, take a step.
The grader computes the reference (and the catalogue's mutants) itself
and only sends the child parameters and gradients, so a submission that
patches NumPy or numopt changes nothing but its own process.

Limits, enforced from outside the child so that they work on every Python
and whatever the student's code catches:

* **wall time**: every request (the import, the constructor, each step) gets
  ``time_limit`` seconds; then the child is killed (SIGKILL) and the
  candidate is not called again;
* **memory**: the child sets ``RLIMIT_AS`` to ``memory_limit`` bytes more than
  it has mapped before importing the file, so a memory bomb raises
  MemoryError (or the process dies) in the child;
* **output**: the child points its file descriptors 1 and 2 at ``/dev/null``
  and ``sys.stdout``/``sys.stderr`` keep at most :data:`OUTPUT_LIMIT` characters;
* **replies**: a reply longer than :data:`REPLY_LIMIT` bytes, or one that is
  not the protocol's JSON, ends the child. Replies are JSON with arrays as
  base64 float64 bytes, never pickle, so a reply cannot run code here.

A child that exits, is killed by a signal (a segfault) or overruns gives a
one-line verdict naming the step. One child serves every case of a submission
(and the diagnosis).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .candidates import CandidateError, CandidateLoadError
from .child import decode, encode, serve

__all__ = ["MEMORY_LIMIT", "OUTPUT_LIMIT", "REPLY_LIMIT", "RemoteCandidate", "Sandbox"]

MEMORY_LIMIT = 1 << 30
"""Default address space the child may map beyond what it has at start (NumPy and numopt loaded), bytes."""

OUTPUT_LIMIT = 10_000
"""Characters of the candidate's printed output that the child keeps; the rest is dropped."""

REPLY_LIMIT = 16 << 20
"""Largest reply the grader reads from a child, bytes."""

START_LIMIT = 60.0
"""Seconds a child may take to start (import NumPy and numopt) before grading gives up on it."""



class _ChildGoneError(Exception):
    """The child died, overran or broke the protocol (``str`` says which)."""


# ---------------------------------------------------------------------------- the child process
class Sandbox:
    """One child process hosting one submission.

    The child is forked from multiprocessing's *forkserver*, a clean process
    that has imported NumPy and numopt (:data:`PRELOAD`) and never any
    student code, so a child starts in milliseconds instead of the second a
    fresh interpreter takes here; the first child of a grading process also
    starts the forkserver.

    Parameters
    ----------
    memory_limit : int, optional
        ``RLIMIT_AS`` of the child in bytes (:data:`MEMORY_LIMIT` by default).
    """

    def __init__(self, memory_limit: int | None = None) -> None:
        context = _context()
        self.connection, theirs = context.Pipe()
        limit = MEMORY_LIMIT if memory_limit is None else int(memory_limit)
        self.process = context.Process(target=_serve, args=(theirs, limit, OUTPUT_LIMIT), daemon=True)
        with _main_not_rerun():
            self.process.start()
        theirs.close()
        self.dead: str | None = None  # why the child is gone, once it is
        try:
            self._receive(START_LIMIT)
        except _ChildGoneError as gone:
            raise CandidateLoadError(f"the grading process for this submission did not start ({gone})") from None

    def request(self, message: dict, timeout: float | None) -> dict:
        """Send ``message`` and return the reply; ``_ChildGoneError`` if the child dies or overruns."""
        if self.dead is not None:
            raise _ChildGoneError(self.dead)
        try:
            self.connection.send_bytes(encode(message))
        except OSError:
            self._end("exited")
        return self._receive(timeout)

    def _receive(self, timeout: float | None) -> dict:
        try:
            if not self.connection.poll(timeout):
                self._end(f"did not return within {timeout:g} s", timed_out=True)
            body = self.connection.recv_bytes(REPLY_LIMIT)
        except (EOFError, OSError) as err:
            self._end("exited" if isinstance(err, EOFError) else f"sent a reply over {REPLY_LIMIT} bytes")
        try:
            return decode(body)
        except (ValueError, UnicodeDecodeError):
            self._end("broke the grading protocol")
        raise AssertionError("unreachable")

    def _end(self, why: str, timed_out: bool = False) -> None:
        """Kill the child and raise _ChildGoneError with a sentence on how it ended."""
        if not timed_out:
            self.process.join(2.0)
            code = self.process.exitcode
            if code is not None and code < 0:
                why = f"was killed by signal {signal.Signals(-code).name}"
            elif code is not None:
                why = f"exited with status {code}"
        self.close()
        self.dead = why
        raise _ChildGoneError(why)

    def close(self) -> None:
        """Kill the child (and anything it started in its session) and wait for it."""
        if self.process.exitcode is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # the child made itself a process group
            except (ProcessLookupError, PermissionError):
                pass
            self.process.kill()
        self.process.join()
        self.connection.close()


PRELOAD = ["numopt.grading.child"]
"""Modules the forkserver imports once, before it forks any child."""

_CONTEXT: Any = None


def _context() -> Any:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(PRELOAD)
    return _CONTEXT


@contextlib.contextmanager
def _main_not_rerun() -> Iterator[None]:
    """Start a child without multiprocessing's re-import of ``__main__`` in it.

    The child needs only numopt; re-running the caller's script there (a TA's
    grading script without a ``__main__`` guard, or code read from stdin)
    would be slow at best.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {name: vars(main)[name] for name in ("__file__", "__spec__") if name in vars(main)}
    if "__file__" in saved:
        del main.__file__
    main.__spec__ = None
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)
        if "__spec__" not in saved:
            del main.__spec__


def _serve(connection: Any, memory: int, output: int) -> None:

    serve(connection, memory, output)


# ---------------------------------------------------------------------------- the adapter
class RemoteCandidate:
    """A file submission run in a :class:`Sandbox`, with the interface of :class:`~.candidates.Candidate`.

    Parameters
    ----------
    path : str or Path
        The student's file.
    name : str
        The class or function in it.
    key, hp, explicit, form, label
        As for :class:`~.candidates.Candidate`.
    time_limit : float or None
        Seconds for the import, the constructor and each step.
    memory_limit : int, optional
        Bytes of address space for the child.
    qualname : str, optional
        Dotted path to the object inside the module (default ``name``).

    Raises
    ------
    CandidateLoadError
        If the file cannot be imported, lacks ``name``, has an unknown form,
        subclasses a numopt optimizer, its constructor fails, or the child dies
        or overruns while doing so.
    """

    def __init__(
        self, path: str | Path, name: str, key: str, hp: dict, explicit: frozenset[str] = frozenset(),
        form: str | None = None, label: str | None = None, time_limit: float | None = 10.0,
        memory_limit: int | None = None, qualname: str | None = None, sandbox: Sandbox | None = None,
        slot: int = 0,
    ) -> None:
        self.label = label or f"{Path(path).name}:{name}"
        self.time_limit = time_limit
        self.slot = slot
        self.args = (path, name, key, form, self.label, time_limit, memory_limit, qualname)
        self.sandbox = sandbox or Sandbox(memory_limit)
        self.notes: list[str] = []
        file = Path(path).name
        try:
            reply = {"name": name} if sandbox else self._ask({"do": "import", "path": str(path),
                                                               "name": qualname or name}, "import")
        except _ChildGoneError as gone:
            raise CandidateLoadError(self._load_gone(gone, f"importing {file}", "a module that only defines things "
                                                    "(is there an endless loop at module level?)")) from None
        self.found = reply["name"]  # the name graded, of alternatives "Adam|adam"
        built = f"{reply['name']}(...)"
        try:
            reply = self._ask({"do": "prepare", "key": key, "hp": hp, "explicit": sorted(explicit), "form": form,
                               "label": self.label, "slot": slot}, "prepare")
            self.form, self.what, self.notes = reply["form"], reply["what"], reply["notes"]
            self.accepted = set(reply["accepted"])
            built = f"{built[:-5]}({reply['arguments']})"
            self._ask({"do": "construct", "slot": slot}, "construct")
        except _ChildGoneError as gone:
            raise CandidateLoadError(self._load_gone(gone, built, "the constructor to store the hyperparameters "
                                                    "(is there an endless loop?)")) from None

    def _load_gone(self, gone: _ChildGoneError, doing: str, expected: str) -> str:
        text = str(gone)
        if text.startswith("did not return") and doing.startswith("importing"):
            return f"{doing} did not finish within {self.time_limit:g} s; expected {expected}"
        if text.startswith("did not return"):
            return f"{doing} did not return within {self.time_limit:g} s; expected {expected}"
        return f"{doing}: the submission's process {text}; expected {expected} (no exit, no crash)"

    def _ask(self, message: dict, stage: str) -> dict:
        reply = self.sandbox.request(message, self.time_limit)
        if "load_error" in reply:
            raise CandidateLoadError(str(reply["load_error"]))
        return reply

    def with_hp(self, hp: dict) -> RemoteCandidate:
        """The same submission, in the same child, built with other hyperparameters."""
        path, name, key, form, label, time_limit, memory_limit, qualname = self.args
        return RemoteCandidate(path, name, key, hp, frozenset(), form or self.form, label, time_limit, memory_limit,
                               qualname, sandbox=self.sandbox, slot=self.slot + 1)

    def session(self) -> RemoteSession:
        """Fresh state for one case (the constructor runs again in the child)."""
        return RemoteSession(self)

    def close(self) -> None:
        """End the child process."""
        self.sandbox.close()


class RemoteSession:
    """One run from fresh state in the child: ``step(theta, g, t) -> new theta``."""

    def __init__(self, candidate: RemoteCandidate) -> None:
        self.candidate = candidate
        self.started = False
        self._state: dict[str, Any] = {}

    def step(self, theta: np.ndarray, g: np.ndarray, t: int) -> np.ndarray:
        """Run step ``t`` in the child; CandidateError if it fails, dies or overruns."""
        c = self.candidate
        if c.sandbox.dead is not None:
            raise CandidateError(f"not run: {c.what} {c.sandbox.dead} in an earlier case")
        message = {"do": "step", "theta": theta, "g": g, "t": t, "fresh": not self.started, "slot": c.slot}
        self.started = True
        try:
            reply = c.sandbox.request(message, c.time_limit)
        except _ChildGoneError as gone:
            if str(gone).startswith("did not return"):
                c.sandbox.dead = "overran its time limit"
                raise CandidateError(
                    f"{c.what} did not return within {c.time_limit:g} s at step {t}; expected a step on a few "
                    "numbers to take microseconds (is there an endless loop?)"
                ) from None
            c.sandbox.dead = "ended the submission's process"
            raise CandidateError(
                f"{c.what} ended the submission's process at step {t}: it {gone}; expected a step that "
                "returns (no os._exit, no crash)"
            ) from None
        if "error" in reply:
            raise CandidateError(str(reply["error"]), str(reply.get("details", "")))
        self._state = reply.get("state", {})
        return np.asarray(reply["theta"], dtype=float)

    def state(self) -> dict[str, np.ndarray]:
        """The candidate's recognised numeric state after the last step."""
        return {k: np.asarray(v, dtype=float) for k, v in self._state.items()}
