r"""The child process of :mod:`numopt.grading.sandbox`: :func:`serve`.

Imported by the forkserver before any student code exists, this module notes
the code of every numopt algorithm's ``_update``. A child forked from it
limits its own address space, keeps at most a few thousand characters of
printed output, tells the grader it is ready, and then answers requests on
its pipe until the grader closes it:

``import``  load ``path:name`` (refused if it subclasses a numopt optimizer);
``build``   detect the form, map the hyperparameters, run the constructor once;
``step``    one step (``fresh``: on a new instance, for a new case), with a
            profiler watching for numopt's own ``_update`` running inside it.

Subclassing numopt's :class:`~numopt.base.Optimizer` for the bookkeeping is
fine; running a numopt algorithm's ``_update`` (by subclassing or wrapping a
numopt optimizer) fails the step with a message that says so.

The protocol (:func:`encode`, :func:`decode`) lives here too, so that the
sandbox imports the child and never the other way round.
"""

from __future__ import annotations

import base64
import inspect
import json
import os
import resource
import sys
import traceback
from typing import Any

import numpy as np

from .. import OPTIMIZERS
from ..base import Optimizer
from .candidates import Candidate, CandidateError, CandidateLoadError, Session, _label, load_candidate

ALGORITHM_CLASSES = tuple(OPTIMIZERS.values())
ALGORITHM_CODE = {
    vars(klass)["_update"].__code__: f"{klass.__name__}._update"
    for cls in ALGORITHM_CLASSES for klass in cls.__mro__
    if klass is not Optimizer and "_update" in vars(klass) and klass.__module__.startswith("numopt.")
}
"""numopt's algorithm code, noted before any student code can replace it."""

NUMOPT_CODE_MESSAGE = (
    "{what} runs numopt's own {where} at step {t} (it subclasses or wraps a numopt optimizer); expected "
    "your own implementation of the update (numopt.base.Optimizer may be used for the bookkeeping only)"
)


# ---------------------------------------------------------------------------- the protocol
def _to_json(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        array = np.array(value, dtype=np.float64, order="C")  # ascontiguousarray would make 0-d arrays 1-d
        return {"__array__": base64.b64encode(array.tobytes()).decode("ascii"), "shape": list(array.shape)}
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if "__array__" in value:
            flat = np.frombuffer(base64.b64decode(value["__array__"]), dtype=np.float64)
            return flat.reshape(value["shape"]).copy()
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def encode(message: dict) -> bytes:
    """A message as JSON bytes (arrays as base64 float64); sent as one multiprocessing frame."""
    return json.dumps(_to_json(message), allow_nan=True).encode("utf-8")


def decode(body: bytes) -> dict:
    """The message of a frame's body; ValueError if it is not a JSON object."""
    message = _from_json(json.loads(body.decode("utf-8")))
    if not isinstance(message, dict):
        raise ValueError("a frame must hold a JSON object")
    return message


class _Bounded:
    """A text stream that keeps the first ``limit`` characters written to it and drops the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.kept = limit, []
        self.size = 0

    def write(self, text: str) -> int:
        if self.size < self.limit:
            piece = str(text)[: self.limit - self.size]
            self.kept.append(piece)
            self.size += len(piece)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class Server:
    """The child's state: the loaded object, the candidate, the current session."""

    def __init__(self) -> None:
        self.obj: Any = None
        self.candidates: dict[int, Candidate] = {}
        self.session: Session | None = None

    def handle(self, request: dict) -> dict:
        return getattr(self, f"do_{request['do']}")(request)

    def do_import(self, request: dict) -> dict:
        try:
            obj = load_candidate(f"{request['path']}:{request['name']}")
        except CandidateLoadError as err:
            return {"load_error": str(err)}
        cls = obj if inspect.isclass(obj) else type(obj)
        base = next((k for k in getattr(cls, "__mro__", ()) if k in ALGORITHM_CLASSES), None)
        if base is not None:
            return {"load_error": (
                f"{_label(obj)} is a subclass of numopt's {base.__name__}: it would be graded against "
                f"numopt's own code; expected your own implementation (numopt.base.Optimizer may be used "
                "for the bookkeeping only)")}
        self.obj = obj
        return {"name": _label(obj)}

    def do_prepare(self, request: dict) -> dict:
        try:
            c = Candidate(self.obj, request["key"], request["hp"], frozenset(request["explicit"]),
                          request["form"], request["label"], construct=False)
        except CandidateLoadError as err:
            return {"load_error": str(err)}
        self.candidates[request["slot"]] = c
        return {"form": c.form, "what": c.what, "notes": list(c.notes), "arguments": c.arguments(),
                "accepted": sorted(c.accepted)}

    def do_construct(self, request: dict) -> dict:
        try:
            self.candidates[request["slot"]].construct()
        except CandidateLoadError as err:
            return {"load_error": str(err)}
        return {}

    def do_step(self, request: dict) -> dict:
        c = self.candidates[request["slot"]]
        theta, g, t = request["theta"], request["g"], int(request["t"])
        seen: list[str] = []

        def watch(frame: Any, event: str, arg: Any) -> None:
            if event == "call" and frame.f_code in ALGORITHM_CODE:
                seen.append(ALGORITHM_CODE[frame.f_code])

        sys.setprofile(watch)
        try:
            if request["fresh"]:
                self.session = None  # the last case's instance goes before the next one is built
                self.session = c.session()
            new = self.session.step(theta, g, t)
        except CandidateLoadError as err:
            return {"error": f"{err} (at step {t})"}
        except CandidateError as err:
            return {"error": err.message, "details": err.details}
        finally:
            watched = sys.getprofile() is watch
            sys.setprofile(None)
        if seen:
            return {"error": NUMOPT_CODE_MESSAGE.format(what=c.what, where=seen[0], t=t)}
        if not watched:
            return {"error": f"{c.what} switched off the grader's profiler at step {t}; expected a step that "
                             "leaves sys.setprofile alone"}
        state = self.session.state(max_size=4 * max(1, theta.size))
        return {"theta": new, "state": state}


def _address_space() -> int:
    """Bytes of address space this process has mapped (``VmSize``), 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def serve(connection: Any, memory: int, output: int) -> None:
    """Serve the grader on ``connection`` (a multiprocessing pipe end) until it closes it."""
    os.setsid()  # a process group of its own: the grader kills whatever the student starts
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdout = sys.stderr = _Bounded(output)
    np.seterr(all="ignore")
    if memory > 0:  # on top of what is mapped already (NumPy's thread buffers depend on the machine)
        limit = _address_space() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    server = Server()
    connection.send_bytes(encode({"ready": True}))
    while True:
        try:
            request = decode(connection.recv_bytes())
        except (EOFError, OSError):
            break
        try:
            reply = server.handle(request)
        except Exception as err:  # a bug here, or student code that broke the child's own modules
            reply = {"error": f"the grading process failed: {type(err).__name__}: {err}",
                     "details": traceback.format_exc()}
        try:
            body = encode(reply)
        except (TypeError, ValueError) as err:
            body = encode({"error": f"the candidate's result could not be sent back ({err})"})
        connection.send_bytes(body)
    os._exit(0)
