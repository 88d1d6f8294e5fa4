r"""``numopt grade`` and ``numopt assignment``.

Exit status of ``numopt grade``: 0 if the candidate passes, 1 if it fails
(including a candidate that cannot be imported, which still gets a report and,
with ``--json``, a results.json), 2 for a mistake in the command itself.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from .. import OPTIMIZERS
from ..cli import CLIError, add_hp_option, algorithm_help, check_name, parse_hp
from .assignment import write_starter
from .batch import class_summary, grade_folder
from .candidates import FORMS, SIGNATURE
from .forms import SignatureError, parse_signature
from .grader import DEFAULT_VARIANTS, grade, grade_module, resolve_hyperparameters
from .gradescope import write_autograder
from .mutants import CATALOGUE
from .sandbox import UnsafeGradingError, isolation

__all__ = ["register"]

def variants_help() -> str:
    """The legitimate variants ``--allow`` takes, each with its algorithms, from the catalogue the grader checks."""
    keys: dict[str, list[str]] = {}
    for mutant in CATALOGUE:
        if mutant.variant:
            found = keys.setdefault(mutant.variant, [])
            found += [key for key in mutant.keys if key not in found]
    return "; ".join(f"{variant} ({', '.join(found)})" for variant, found in keys.items())


MAX_WORKERS = 256
"""The most ``--workers``: one process per core is fastest, and each holds a copy of NumPy."""


def _memory(megabytes: float | None) -> int | None:
    if megabytes is None:
        return None
    if not 0 < megabytes < math.inf:  # (nan and inf too: int(inf) overflows)
        raise CLIError(f"--memory-limit {megabytes:g} is not allowed; expected a number of MB > 0 (finite)")
    return int(megabytes * (1 << 20))


def _form(args: argparse.Namespace) -> str | None:
    """``--form``, or ``--signature SPEC`` (read here, so that a bad spec is a usage error) as ``signature:SPEC``."""
    if args.signature and args.form:
        raise CLIError(f"--signature {args.signature!r} and --form {args.form} both say how to call the candidate; "
                       "expected one of them")
    if args.signature:
        try:
            parse_signature(args.signature)
        except SignatureError as err:
            raise CLIError(str(err)) from None
    return SIGNATURE + args.signature if args.signature else args.form


def _budget(seconds: float) -> float | None:
    if not seconds >= 0:
        raise CLIError(f"--time-budget {seconds:g} is not allowed; expected a number of seconds > 0, or 0 for none")
    return seconds or None


def _warn_if_unsandboxed() -> None:
    """Say loudly on stderr that a file submission will run without a sandbox, if it will."""
    found = isolation()
    if not found.available:
        print(f"WARNING: submissions are NOT sandboxed on this machine ({found.reason}); the submission can read "
              "and write whatever you can. Grade only code you trust here.", file=sys.stderr)


def _names(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _run_batch(args: argparse.Namespace) -> int:
    if not args.out:
        raise CLIError(f"SUBMISSIONS={args.candidate!r} is a folder; expected --out RESULTS to write the results to")
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        raise CLIError(
            f"--workers {args.workers} is not allowed; expected a number of processes >= 1 and <= {MAX_WORKERS}"
        )
    options = {"hp": parse_hp(args.hp, args.algorithm), "seed": args.seed, "rtol": args.rtol, "atol": args.atol,
               "allow": _names(args.allow), "form": _form(args), "time_limit": args.time_limit,
               "memory_limit": _memory(args.memory_limit), "strict": args.strict,
               "time_budget": _budget(args.time_budget)}
    try:
        resolve_hyperparameters(args.algorithm, options["hp"])  # checked once, before the pool starts
        start = time.perf_counter()
        results = grade_folder(args.candidate, args.algorithm, args.out, name=args.name, file=args.file,
                               workers=args.workers, progress=_progress, unsafe=args.unsafe_no_sandbox, **options)
    except (ValueError, UnsafeGradingError) as err:
        raise CLIError(str(err)) from None
    print(file=sys.stderr)
    print(class_summary(results, time.perf_counter() - start))
    print(f"wrote {Path(args.out) / 'scores.csv'} and {len(results)} results.json files")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\rgraded {done}/{total}", end="", file=sys.stderr, flush=True)


def _run_module(args: argparse.Namespace) -> int:
    """``numopt grade optim.py --algorithm momentum,rmsprop,adam``: each function against its algorithm."""
    if args.hp:
        raise CLIError(f"--hp {','.join(args.hp)!r} with several algorithms is ambiguous; expected one algorithm, "
                       "or no --hp")
    try:
        reports = grade_module(args.candidate, _names(args.algorithm), seed=args.seed, rtol=args.rtol,
                               atol=args.atol, allow=_names(args.allow), form=_form(args),
                               time_limit=args.time_limit, strict=args.strict,
                               time_budget=_budget(args.time_budget))
    except ValueError as err:
        raise CLIError(str(err)) from None
    passed = sum(r.passed for r in reports.values())
    if args.json:
        tests = [t for r in reports.values() for t in r.to_gradescope(args.visibility)["tests"]]
        print(json.dumps({"score": sum(t["score"] for t in tests), "visibility": args.visibility,
                          "output": " ".join(r.summary() for r in reports.values()), "tests": tests},
                         indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(r.to_text(tracebacks=args.traceback) for r in reports.values()))
        print(f"\n{passed} of {len(reports)} algorithms pass.")
    return 0 if passed == len(reports) else 1


def _run_grade(args: argparse.Namespace) -> int:
    if Path(args.candidate).is_dir():
        return _run_batch(args)
    _warn_if_unsandboxed()
    if args.candidate.endswith(".py") and ":" not in args.candidate:
        return _run_module(args)
    try:
        report = grade(
            args.candidate, args.algorithm, parse_hp(args.hp, args.algorithm), seed=args.seed, rtol=args.rtol,
            atol=args.atol, allow=_names(args.allow), form=_form(args), time_limit=args.time_limit,
            memory_limit=_memory(args.memory_limit), strict=args.strict, time_budget=_budget(args.time_budget),
        )
    except ValueError as err:
        raise CLIError(str(err)) from None
    if args.json:
        print(json.dumps(report.to_gradescope(args.visibility), indent=2, ensure_ascii=False))
    else:
        print(report.to_text(tracebacks=args.traceback))
    return 0 if report.passed else 1


def _run_assignment(args: argparse.Namespace) -> int:
    for option, name, folder in (("-o", args.output, False), ("--gradescope", args.gradescope, True)):
        if name is not None:
            check_name(option, name, folder)
    if args.gradescope:  # the numbers grade() checks, checked before an autograder that would fail on them is written
        if args.seed < 0:
            raise CLIError(f"--seed {args.seed} is not allowed; expected a whole number >= 0 (0: the public cases)")
        if not 0 < args.time_limit < math.inf:
            raise CLIError(f"--time-limit {args.time_limit:g} is not allowed; expected a number of seconds > 0")
        try:
            folder = write_autograder(args.algorithm, args.gradescope, parse_hp(args.hp, args.algorithm),
                                      name=args.name, allow=_names(args.allow), seed=args.seed,
                                      time_limit=args.time_limit, overwrite=args.force,
                                      unsafe=args.unsafe_no_sandbox)
        except (ValueError, FileExistsError) as err:
            raise CLIError(str(err)) from None
        print(f"wrote the Gradescope autograder to {folder}; zip its contents and upload them")
        if not args.output:
            return 0
    elif not args.output:
        raise CLIError("assignment needs -o FILE (a starter file) or --gradescope DIR (an autograder); got neither")
    try:
        path = write_starter(args.algorithm, args.output, args.name, overwrite=args.force)
    except (ValueError, FileExistsError) as err:
        raise CLIError(str(err)) from None
    name = args.name or OPTIMIZERS[args.algorithm].__name__
    print(f"wrote {path}; check it with: numopt grade {path.name}:{name} --algorithm {args.algorithm}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``numopt grade`` and ``numopt assignment``."""
    p = subparsers.add_parser(
        "grade",
        help="grade a student's optimizer against numopt and name the mistake",
        description=(
            "Compare a student's optimizer with numopt's on seeded cases (single steps, teacher-forced "
            "runs, a closed loop on a quadratic). The candidate is a class or instance with "
            "step(params, grads), a CS231n-style update(w, dw, config), or a pure "
            "update(param, grad, state, t). Exit status 0 if it passes, 1 if not, 2 on a usage error."
        ),
    )
    p.add_argument("candidate", metavar="FILE.py:NAME|SUBMISSIONS",
                   help="the student's file and the class or function in it, or a folder with one file or "
                        "folder per student (batch grading, with --out)")
    p.add_argument("--algorithm", "-a", required=True, metavar="KEY",
                   help=algorithm_help() + "; for FILE.py without :NAME, several (momentum,rmsprop,adam)")
    add_hp_option(p, "hyperparameters that differ from numopt's defaults")
    p.add_argument("--seed", type=int, default=0, help="seed of the cases; 0 (default) gives the public ones")
    p.add_argument("--rtol", type=float, default=1e-6, help="pass if |x − y| <= atol + rtol·|y| (default 1e-6)")
    p.add_argument("--atol", type=float, default=1e-9, help="see --rtol (default 1e-9)")
    p.add_argument("--allow", default="", metavar="VARIANT,...",
                   help=f"variants to accept: {variants_help()}; {', '.join(DEFAULT_VARIANTS)} accepted unless "
                        "--strict")
    p.add_argument("--form", choices=FORMS, help="the candidate's form (detected by default)")
    p.add_argument("--signature", metavar="SPEC",
                   help="how to call a function the vocabulary does not recognise, echoed in the report, e.g. "
                        "'f(lr, beta1, beta2, eps, w, g, m, v, t) -> (w, m, v)'")
    p.add_argument("--strict", action="store_true",
                   help="require the plain form: refuse the paper's efficient ordering of Adam, accepted by default")
    p.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                   help="seconds the candidate's import, constructor and each step may take (default 10)")
    p.add_argument("--memory-limit", type=float, metavar="MB",
                   help="memory each process of a file submission may use beyond its start (default 1024)")
    p.add_argument("--time-budget", type=float, default=60.0, metavar="SECONDS",
                   help="seconds for everything a file submission runs, all cases together (default 60; 0: none)")
    p.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="batch: grade even where submissions cannot be sandboxed (each can then read and rewrite "
                        "the others' results)")
    p.add_argument("--json", action="store_true", help="print Gradescope's results.json instead of the report")
    p.add_argument("--visibility", default="visible",
                   choices=("visible", "hidden", "after_due_date", "after_published"),
                   help="Gradescope visibility of the tests in --json output (default visible)")
    p.add_argument("--traceback", action="store_true", help="show the candidate's tracebacks")
    p.add_argument("--out", metavar="RESULTS", help="batch: the folder for scores.csv and STUDENT/results.json")
    p.add_argument("--name", help="batch: the class or function to grade (default: e.g. Adam, then adam)")
    p.add_argument("--file", help="batch: the file to grade in a student folder with several .py files")
    p.add_argument("--workers", type=int, help="batch: worker processes (default: one per CPU core)")
    p.set_defaults(func=_run_grade)

    a = subparsers.add_parser(
        "assignment",
        help="write a starter file for students",
        description=(
            "Write a starter file: the algorithm's equations in the docstring, the constructor and "
            "state set-up, a step() that raises NotImplementedError, and the command that grades it."
        ),
    )
    a.add_argument("algorithm", metavar="ALGORITHM", help=algorithm_help())
    a.add_argument("-o", "--output", metavar="FILE", help="the starter file to write")
    a.add_argument("--gradescope", metavar="DIR",
                   help="write a Gradescope autograder (setup.sh, run_autograder, autograder.json) into DIR")
    add_hp_option(a, "--gradescope: the assignment's hyperparameters")
    a.add_argument("--allow", default="", metavar="VARIANT,...",
                   help=f"--gradescope: legitimate variants to accept: {variants_help()}")
    a.add_argument("--seed", type=int, default=0, help="--gradescope: seed of the cases (default 0, public)")
    a.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                   help="--gradescope: seconds per import, constructor and step (default 10)")
    a.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="--gradescope: grade even where the autograder cannot sandbox the submission")
    a.add_argument("--name", help="class name (default: numopt's, e.g. Adam)")
    a.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    a.set_defaults(func=_run_assignment)
