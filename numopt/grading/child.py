r"""The submission's side of :mod:`numopt.grading.sandbox`: the protocol and :func:`main`.

This module runs inside the sandbox, where it is one of the few numopt files
there are (:data:`~numopt.grading.sandbox.ADAPTERS`: with
:mod:`~numopt.grading.candidates`, which adapts the candidate's form, and the
course forms and hyperparameter binding that it uses): numopt's algorithms, its
package ``__init__`` and the rest of the grader are not in the sandbox, so a
submission cannot import, call, copy or exec numopt's reference. What the
adapter must know of the reference (its name, state arrays and switches)
comes in the ``prepare`` request, as data
(:class:`~numopt.grading.candidates.Reference`). It imports the standard
library, NumPy and those modules only.

:func:`main` limits its own process (address space, processes, file size,
open files, no core dumps) before any student code runs, points file
descriptors 0, 1 and 2 at ``/dev/null``, keeps at most a few thousand
characters of what ``print`` writes, says it is ready and then answers the
grader's requests on its socket until the grader closes it:

``import``     load ``path:name``;
``prepare``    detect the form and map the hyperparameters;
``construct``  run the constructor once;
``step``       one step (``fresh``: on a new instance, for a new case).

The protocol: a frame is a 4-byte big-endian length and that many bytes of
UTF-8 JSON holding one object; arrays are ``{"__array__": base64 of the
float64 bytes, "shape": [...], "dtype": "float64"}``. Never pickle: a reply
cannot run code in the grader, which also checks every reply's shape.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import socket
import struct
import sys
import traceback
from typing import Any

import numpy as np

from .candidates import Candidate, CandidateError, CandidateLoadError, Reference, Session, _label, load_candidate

__all__ = ["HEADER", "decode", "encode", "main"]

HEADER = struct.Struct("!I")
"""A frame's header: the length of its body."""

NUMOPT_NOTE = (
    "; submissions run without numopt's own modules (only NumPy and the standard library are there): "
    "expected your own implementation"
)


# ---------------------------------------------------------------------------- the protocol
def _to_json(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        array = np.array(value, dtype=np.float64, order="C")  # ascontiguousarray would make 0-d arrays 1-d
        return {"__array__": base64.b64encode(array.tobytes()).decode("ascii"), "shape": list(array.shape),
                "dtype": "float64"}
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
            if value.get("dtype") != "float64" or not isinstance(value.get("shape"), list):
                raise ValueError("an array must be float64 with a shape")
            flat = np.frombuffer(base64.b64decode(value["__array__"], validate=True), dtype=np.float64)
            return flat.reshape([int(n) for n in value["shape"]]).copy()
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def encode(message: dict) -> bytes:
    """One frame: the header and the message as JSON (arrays as base64 float64)."""
    body = json.dumps(_to_json(message), allow_nan=True).encode("utf-8")
    return HEADER.pack(len(body)) + body


def decode(body: bytes) -> dict:
    """The message of a frame's body; ValueError if it is not the protocol's JSON object."""
    try:
        message = _from_json(json.loads(body.decode("utf-8")))
    except Exception as err:  # a forged frame may raise anything: RecursionError, OverflowError ...
        raise ValueError(f"not the protocol's JSON: {type(err).__name__}") from None
    if not isinstance(message, dict):
        raise ValueError("a frame must hold a JSON object")
    return message


def _receive(connection: socket.socket) -> dict | None:
    """The grader's next request, None once it has closed the socket."""
    header = connection.recv(HEADER.size, socket.MSG_WAITALL)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    body = connection.recv(size, socket.MSG_WAITALL)
    return decode(body) if len(body) == size else None


# ---------------------------------------------------------------------------- the requests
def _load_error(err: CandidateLoadError) -> dict:
    text = str(err)
    return {"load_error": text + (NUMOPT_NOTE if "numopt" in text else "")}


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
    """The child's state: the loaded object, the candidates built from it, the current session."""

    def __init__(self) -> None:
        self.obj: Any = None
        self.candidates: dict[int, Candidate] = {}
        self.session: Session | None = None

    def handle(self, request: dict) -> dict:
        return getattr(self, f"do_{request['do']}")(request)

    def do_import(self, request: dict) -> dict:
        try:
            self.obj = load_candidate(f"{request['path']}:{request['name']}")
        except CandidateLoadError as err:
            return _load_error(err)
        return {"name": _label(self.obj)}

    def do_prepare(self, request: dict) -> dict:
        try:
            reference = Reference.from_message(request["reference"])
            c = Candidate(self.obj, reference, request["hp"], frozenset(request["explicit"]), request["form"],
                          request["label"], construct=False)
        except CandidateLoadError as err:
            return _load_error(err)
        self.candidates[request["slot"]] = c
        return {"form": c.form, "what": c.what, "notes": list(c.notes), "arguments": c.arguments(),
                "accepted": sorted(c.accepted)}

    def do_construct(self, request: dict) -> dict:
        try:
            self.candidates[request["slot"]].construct()
        except CandidateLoadError as err:
            return _load_error(err)
        return {}

    def do_step(self, request: dict) -> dict:
        c = self.candidates[request["slot"]]
        theta, g, t = request["theta"], request["g"], int(request["t"])
        try:
            if request["fresh"]:
                self.session = None  # the last case's instance goes before the next one is built
                self.session = c.session()
            new = self.session.step(theta, g, t)
        except CandidateLoadError as err:
            return {"error": f"{err} (at step {t})"}
        except CandidateError as err:
            return {"error": err.message, "details": err.details}
        return {"theta": new, "state": self.session.state(max_size=4 * max(1, theta.size))}


# ---------------------------------------------------------------------------- the process
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


def limit_process(memory: int, processes: int, file_size: int) -> None:
    """Limit this process and what it starts: memory beyond what is mapped now, processes, file size, files."""
    limits = {resource.RLIMIT_CORE: 0, resource.RLIMIT_FSIZE: file_size, resource.RLIMIT_NOFILE: 64}
    if processes > 0:
        limits[resource.RLIMIT_NPROC] = processes
    if memory > 0:  # on top of what is mapped already (NumPy's buffers depend on the machine)
        limits[resource.RLIMIT_AS] = _address_space() + memory
    for kind, value in limits.items():
        resource.setrlimit(kind, (value, value))


def main(fd: int, memory: int, processes: int, file_size: int, output: int) -> None:
    """Serve the grader on the socket ``fd`` until it closes it; the sandbox runs this."""
    connection = socket.socket(fileno=fd)
    null = os.open(os.devnull, os.O_RDWR)
    for standard in (0, 1, 2):
        os.dup2(null, standard)
    os.close(null)
    sys.stdout = sys.stderr = _Bounded(output)
    np.seterr(all="ignore")
    limit_process(memory, processes, file_size)
    server = Server()
    connection.sendall(encode({"ready": True}))
    while (request := _receive(connection)) is not None:
        try:
            reply = server.handle(request)
        except Exception as err:  # a bug here, or student code that broke the child's own modules
            reply = {"error": f"the grading process failed: {type(err).__name__}: {err}",
                     "details": traceback.format_exc()}
        try:
            body = encode(reply)
        except (TypeError, ValueError) as err:
            body = encode({"error": f"the candidate's result could not be sent back ({err})"})
        connection.sendall(body)
    os._exit(0)
