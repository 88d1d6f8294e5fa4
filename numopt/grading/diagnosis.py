r"""What a failing candidate computes instead: its state, and its mistakes found by structure.

Two kinds of evidence:

* **the state**, where the candidate keeps it under a recognisable name
  (:data:`STATE_NAMES`): which quantity first differs from the reference, and,
  from the reference's step replayed with :func:`numopt.explain`, the first
  line of the algorithm box whose value differs (:func:`state_differences`,
  :func:`first_differing_line`);
* **its steps**: every step the candidate took in the grading cases, and in
  designed probes run only when it fails (:func:`probe_traces`: a constant
  gradient, which shows the bias corrections; a run followed by zero
  gradients, which shows what the moments remember; gradients scaled by 1000,
  which shows g against g² and the root; gradients far below ε, which show
  where ε sits and its value), is recorded as (θ before, g, θ after). A
  hypothesis, an optimizer, *explains* the candidate if, fed the same θ and g,
  it gives the same θ after every recorded step (:func:`explains`).

:func:`diagnose` tries, in order: the catalogue of named mistakes
(:mod:`~numopt.grading.mutants`); one structural change of the textbook update
(:mod:`~numopt.grading.textbook`: a bias correction missing or with another
exponent, ε inside the root, g for g², the corrected moment kept as state, t
one ahead or frozen, a dropped history, a max fed back, Nadam's gradient term
uncorrected, a moment never kept between steps, an average written as a sum,
an old moment never decayed, (1 − β)ᵗ for 1 − βᵗ, ε added to the step or to
η/√v̂, the corrections applied twice, the efficient ordering without its root,
decoupled decay after the step) or one hyperparameter acting
with another value (β2 acting as 0.01, ε as 1e-4, η as 1 − β1) or read where
another belongs (β1 for β2); for every algorithm, θ read for g and a step size
the student decays (η/√t ...); for the others, a state array never kept
between steps or a hyperparameter's value; then two of these at once,
variants included (Kingma & Ba's efficient ordering without its m̂
correction). The first that explains every recorded step names the mistakes,
each with its numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import OPTIMIZERS
from ..stepthrough import explain
from .candidates import Candidate, CandidateError, Reference, Session
from .cases import SHAPE
from .compare import Tolerance
from .mutants import CORRECTIONS, FAMILY, Mutant, _adapted, _textbook, catalogue_for, correction, one_step_late
from .results import CaseResult

__all__ = ["STATE_NAMES", "Trace", "diagnose", "explains", "first_differing_line", "probe_traces",
           "state_differences"]

STATE_NAMES: dict[str, str] = {
    **dict.fromkeys(("m", "exp_avg", "m_t", "mt", "first_moment"), "m"),
    **dict.fromkeys(("v", "exp_avg_sq", "v_t", "vt", "second_moment", "cache", "sum_sq"), "v"),
    **dict.fromkeys(("m_hat", "mhat"), "m_hat"),
    **dict.fromkeys(("v_hat", "vhat"), "v_hat"),
    **dict.fromkeys(("b", "momentum_buffer", "buf"), "b"),
    **dict.fromkeys(("velocity", "u"), "velocity"),
    **dict.fromkeys(("E_g2", "square_avg"), "E_g2"),
    **dict.fromkeys(("E_delta2", "acc_delta"), "E_delta2"),
    **dict.fromkeys(("g_bar", "grad_avg"), "g_bar"),
    **dict.fromkeys(("v_max", "max_exp_avg_sq"), "v_max"),
    **{name: name for name in ("nu", "g_prev", "p", "s", "t")},
}
"""Names a candidate may keep its state under -> numopt's quantity (torch's and CS231n's included)."""


# ---------------------------------------------------------------------------- the state
def _reference_quantities(session: Session, key: str) -> dict[str, list[np.ndarray]]:
    """numopt's state after the last step, with the values each recognised name may hold."""
    opt = session.driver
    quantities = {name: [np.asarray(a, dtype=float)] for name, a in opt.state.items()}
    quantities["t"] = [np.asarray(float(opt.t))]
    hp = opt.hyperparameters
    if "b" in quantities and not callable(hp["lr"]):
        b = quantities["b"][0]
        quantities["velocity"] = [b, hp["lr"] * b, -hp["lr"] * b]  # b (torch), u = ηb (doc 003), −ηb (CS231n)
    if key in FAMILY and opt.t > 0:
        correct_m, correct_v = CORRECTIONS[FAMILY[key]]
        b1, b2 = hp.get("beta1", 0.0), hp.get("beta2", hp.get("beta", 0.0))
        if "m" in quantities:
            quantities["m_hat"] = [quantities["m"][0] / correction(correct_m, b1, opt.t)]
        if "v_hat" in quantities:  # AdaX keeps v̂ (bounded); a candidate may keep doc 000's v
            quantities["v"] = [quantities["v_hat"][0] * correction(correct_v, b2, opt.t)]
        else:
            quantities["v_hat"] = [quantities["v"][0] / correction(correct_v, b2, opt.t)]
    return quantities


def state_differences(cand: Any, ref: Session, key: str, tol: Tolerance) -> tuple[list[str], list[str]]:
    """The candidate's recognised state names that differ from the reference, and those that agree."""
    expected = _reference_quantities(ref, key)
    differ, agree = [], []
    for name, value in cand.state().items():
        options = expected.get(STATE_NAMES.get(name, ""), [])
        options = [o for o in options if o.shape == value.shape]
        if options:
            (agree if any(tol.close(value, o) for o in options) else differ).append(name)
    return differ, agree


def first_differing_line(
    replay: tuple, g: np.ndarray, k: int, state: Mapping[str, np.ndarray], differ: list[str], tol: Tolerance
) -> str | None:
    """The first line of the algorithm box whose value differs from the candidate's, as a sentence.

    ``replay`` is the reference optimizer and θ before step ``k``; the step is replayed
    with :func:`numopt.explain`, and each executed line's assigned values are compared,
    in the box's order, with the candidate's quantities of the same meaning.
    """
    optimizer, theta = replay
    for line in explain(optimizer, theta, g).lines:
        for name, value in line.values.items():
            for mine in (c for c in differ if STATE_NAMES.get(c, c) == name and c in state):
                yours, reference = state[mine], np.asarray(value, dtype=float)
                failing = ~tol.passing(yours, reference) if yours.shape == reference.shape else None
                if failing is not None and failing.any():
                    i = int(np.argmax(failing))
                    where = f"[{i}]" if yours.size > 1 else ""
                    return (f"at step {k}, line {line.box}: yours {mine}{where} = {yours.flat[i]:.6g}, "
                            f"reference {reference.flat[i]:.6g}")
    return None


# ---------------------------------------------------------------------------- steps and probes
@dataclass(frozen=True)
class Trace:
    """The steps a candidate took in one run: ``(t, θ before, g, θ after)``, and the hyperparameters' kind."""

    steps: tuple[tuple[int, np.ndarray, np.ndarray, np.ndarray], ...]
    hp_key: str = "assignment"


def probe_traces(candidate: Any, key: str, seed: int = 0) -> list[Trace]:
    """Run the designed probes on ``candidate`` (at the assignment's hyperparameters) and record its steps.

    Each probe runs on the candidate's own parameters (its output is its next
    input), starting from positive ones for an algorithm that keeps them
    positive (EGU); a probe stops at the first step the candidate cannot take
    and after a step that leaves parameters no reference could step from.
    """
    rng = np.random.default_rng(10_000 + seed)
    positive = OPTIMIZERS[key].positive_params
    scales = 10.0 ** np.linspace(-3.0, 1.0, int(np.prod(SHAPE))).reshape(SHAPE)
    signs = rng.choice([-1.0, 1.0], SHAPE)
    run = rng.standard_normal((4, *SHAPE))
    probes = [
        np.repeat((scales * signs)[None], 6, axis=0),  # constant: the bias corrections, t
        np.concatenate([run, np.zeros((4, *SHAPE))]),  # a run, then zero gradients: what the moments remember
        1e3 * rng.standard_normal((5, *SHAPE)),  # scaled: g against g², the root
        10.0 ** rng.uniform(-10, -6, (5, *SHAPE)) * signs,  # far below ε: where ε sits, its value
    ]
    traces = []
    for grads in probes:
        theta = rng.standard_normal(SHAPE)
        if positive:
            theta = 0.5 + np.abs(theta)
        session, steps = candidate.session(), []
        for k, g in enumerate(grads, start=1):
            try:
                x = session.step(theta, g, k)
            except CandidateError:
                break
            steps.append((k, theta.copy(), g.copy(), x))
            if not np.all(np.isfinite(x)) or (positive and not np.all(x > 0)):
                break  # no reference could take the next step from there
            theta = x
        traces.append(Trace(tuple(steps)))
    return traces


def explains(build: Callable[[str, dict], Any], key: str, hps: Mapping[str, dict], traces: list[Trace],
             tol: Tolerance) -> bool:
    """Whether the optimizer ``build(key, hp)`` takes every recorded step as the candidate did (and there is one)."""
    if not any(trace.steps for trace in traces):
        return False
    for trace in traces:
        if not trace.steps:
            continue
        try:
            optimizer = build(key, hps[trace.hp_key])
        except (TypeError, ValueError):
            return False  # the hypothesis makes no sense at these hyperparameters
        reference = Reference.of(OPTIMIZERS[key], hps[trace.hp_key])
        session = Candidate(optimizer, reference, hps[trace.hp_key], form="step", construct=False).session()
        for k, theta, g, x in trace.steps:
            try:
                y = session.step(theta, g, k)
            except CandidateError:
                return False
            if not (tol.close(x, y, equal_nan=True) and tol.step_close(x, y, theta, theta)):
                return False
    return True


def traces_of(results: list[CaseResult]) -> list[Trace]:
    """The recorded steps of the graded cases, the first failing case first (it rules out most hypotheses)."""
    ordered = sorted(results, key=lambda r: r.passed)
    return [Trace(tuple(r.trace), r.case.hp_key) for r in ordered if r.trace]


# ---------------------------------------------------------------------------- hypotheses
@dataclass(frozen=True)
class Change:
    """One departure from the textbook: a sentence, textbook knobs, and whether it is a legitimate variant."""

    says: str
    knobs: Mapping[str, Any]
    variant: str | None = None


LR_DECAYS: dict[str, Callable[[float], Callable[[int], float]]] = {
    "η/√t": lambda lr: lambda t: lr / math.sqrt(t),
    "η/√(t + 1)": lambda lr: lambda t: lr / math.sqrt(t + 1),
    "η/t": lambda lr: lambda t: lr / t,
    "η/(t + 1)": lambda lr: lambda t: lr / (t + 1),
}
"""Step sizes a student's step may decay by itself (t counted from 1, or from 0 as t + 1)."""

_SYMBOL = {"lr": "η", "beta": "β", "beta1": "β1", "beta2": "β2", "eps": "ε", "rho": "ρ", "mu": "μ", "gamma": "γ"}
_TRIED: dict[str, tuple[float, ...]] = {
    "eps": (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12, 1e-16, 0.0),
    "beta": (0.9, 0.99, 0.999, 0.9999, 0.95, 0.5, 0.1, 0.01, 0.001, 0.0),
}
"""Values a hyperparameter is tried at, besides those derived from the assignment's (1 − β, β², η/10 ...)."""


def _tried_values(name: str, hp: Mapping[str, Any], default: Any) -> list[tuple[float, str]]:
    """(value, how to say where it comes from) for hyperparameter ``name``."""
    value = hp[name]
    out: list[tuple[float, str]] = []
    if name == "eps":
        out += [(v, "") for v in _TRIED["eps"]]
    elif name in ("beta", "beta1", "beta2", "rho", "mu"):
        out += [(1 - value, f" = 1 − {_SYMBOL.get(name, name)}"), (value**2, f" = {_SYMBOL.get(name, name)}²")]
        out += [(v, "") for v in _TRIED["beta"]]
    elif name == "lr":
        out += [(value * f, f" = {f:g}η") for f in (10.0, 0.1, 2.0, 0.5)] + [(value**2, " = η²")]
        out += [(1 - hp[b], f" = 1 − {_SYMBOL[b]}") for b in ("beta1", "beta2", "beta") if isinstance(hp.get(b), float)]
    out.append((default, " (its default)"))
    seen, kept = set(), []
    for v, why in out:
        if isinstance(v, float) and v != value and v not in seen and v >= 0:
            seen.add(v)
            kept.append((v, why))
    return kept


def _changes(key: str, hp: Mapping[str, Any]) -> list[Change]:
    """The single departures tried for algorithm ``key`` under ``hp``."""
    changes: list[Change] = []
    defaults = OPTIMIZERS[key]().hyperparameters
    family = FAMILY.get(key)
    if family is not None:
        has_m = family in ("adam", "nadam", "adax")
        b2 = "β2" if has_m else "β"
        correct_m, correct_v = CORRECTIONS[family]
        if correct_m == "adam" and hp.get("beta1", 0) > 0:
            changes += [
                Change("no bias correction on m̂ (m̂ = m instead of m / (1 − β1ᵗ))", {"correct_m": "none"}),
                Change("1 − β1² where 1 − β1ᵗ belongs in m̂ (β1**2 for β1**t)", {"correct_m": "squared"}),
                Change("1 − β1ᵗ⁺¹ where 1 − β1ᵗ belongs in m̂ (the exponent one ahead)", {"correct_m": "ahead"}),
                Change("the bias-corrected m̂ kept as the state m (the next step starts from m̂)",
                       {"store_corrected_m": True}),
            ]
        if correct_m == "adam" and hp.get("beta1", 0) > 0:
            changes.append(Change("(1 − β1)ᵗ where 1 − β1ᵗ belongs in m̂ (the power outside the bracket)",
                                  {"correct_m": "power_outside"}))
        if correct_v == "adam":
            changes.append(Change(f"(1 − {b2})ᵗ where 1 − {b2}ᵗ belongs in v̂ (the power outside the bracket)",
                                  {"correct_v": "power_outside"}))
            changes += [
                Change(f"no bias correction on v̂ (v̂ = v instead of v / (1 − {b2}ᵗ))", {"correct_v": "none"}),
                Change(f"1 − {b2}² where 1 − {b2}ᵗ belongs in v̂ ({b2}**2 for {b2}**t)", {"correct_v": "squared"}),
                Change(f"1 − {b2}ᵗ⁺¹ where 1 − {b2}ᵗ belongs in v̂ (the exponent one ahead)", {"correct_v": "ahead"}),
                Change("the bias-corrected v̂ kept as the state v (the next step starts from v̂)",
                       {"store_corrected_v": True}),
            ]
        if family in ("rmsprop",) and hp.get("beta", 0) > 0:
            changes.append(Change("Adam's bias correction v / (1 − βᵗ), which RMSProp does not have",
                                  {"correct_v": "adam"}))
        if correct_m == "adam" or correct_v in ("adam", "adax"):
            changes += [
                Change("t one ahead (the first step computes with t = 2)", {"t_shift": 1}),
                Change("t one behind (t from 0, or incremented after use)", {"t_shift": -1}),
                Change("t frozen at 1 (never incremented, or never stored)", {"t_fixed": 1}),
            ]
        changes += [
            Change("no square root (dividing by v̂ + ε instead of √v̂ + ε)", {"no_sqrt": True}),
            Change("v accumulating g instead of g²", {"g_not_squared": True}),
            Change("ε added to the step, η (… / √v̂ + ε), instead of to the root (a parenthesis misplaced)",
                   {"eps_added_to_step": True}),
            Change("ε added to η / √v̂ and multiplying the gradient, (η / √v̂ + ε) …, instead of in the "
                   "denominator (a parenthesis misplaced)", {"eps_times_g": True}),
        ]
        if has_m and correct_m == "adam":
            changes += [
                Change("the bias corrections applied twice: the efficient ordering's η √(1 − β2ᵗ) / (1 − β1ᵗ) "
                       "on m̂ / (√v̂ + ε)", {"corrected_twice": True}),
                Change("the efficient ordering without the root: η (1 − β2ᵗ) / (1 − β1ᵗ) where "
                       "η √(1 − β2ᵗ) / (1 − β1ᵗ) belongs", {"efficient_no_root": True}),
            ]
        if getattr(OPTIMIZERS[key], "decoupled", False) and hp.get("weight_decay", 0) > 0:
            changes.append(Change("the decoupled weight decay applied after the step, to θ_t, instead of to "
                                  "θ_{t-1}", {"decay_after": True}))
        if has_m and 0 < hp.get("beta1", 0) < 1 and hp["beta1"] != 0.5:
            changes.append(Change("β1 and 1 − β1 swapped in m (m ← (1 − β1) m + β1 g)", {"swap_beta1": True}))
            changes.append(Change("m's history dropped: β1 added instead of multiplying the old m "
                                  "(m ← β1 + (1 − β1) g)", {"history_dropped": "m"}))
        if family != "adagrad" and 0 < hp.get("beta2", hp.get("beta", 0)) < 1:
            changes.append(Change(f"{b2} and 1 − {b2} swapped in v (v ← (1 − {b2}) v + {b2} g²)",
                                  {"swap_beta2": True}))
            changes.append(Change(f"v's history dropped: {b2} added instead of multiplying the old v "
                                  f"(v ← {b2} + (1 − {b2}) g²)", {"history_dropped": "v"}))
        for moment, beta in (("m", "β1"), ("v", b2)):
            if moment == "v" or has_m:
                changes.append(Change(f"{moment}'s new value never kept: every step starts it from its first value "
                                      f"(the state not stored or not returned)", {"not_kept": moment}))
            if (moment == "m" and has_m and hp.get("beta1", 0) > 0) or (moment == "v" and family != "adagrad"):
                new = "g" if moment == "m" else "g²"
                changes.append(Change(f"the factor 1 − {beta} missing in {moment} (a sum, not an average: "
                                      f"{moment} ← {beta} {moment} + {new})", {"sum_not_average": moment}))
                changes.append(Change(f"the factor {beta} missing on the old {moment}, never decayed: "
                                      f"{moment} ← {moment} + (1 − {beta}) {new}", {"old_not_decayed": moment}))
        if hp.get("amsgrad"):
            changes.append(Change("the max fed back into the moving average (v ← β2 v_max + (1 − β2) g²)",
                                  {"max_fed_back": True}))
        if family == "nadam":
            changes += [Change("the gradient term (1 − β1) g of Nadam not divided by 1 − β1ᵗ",
                               {"nesterov": "uncorrected_gradient"}),
                        Change("Adam's step, without Nadam's look-ahead term", {"nesterov": "none"})]
        if "eps_in_sqrt" in hp and family != "adax":
            changes.append(Change("ε inside the square root, √(v̂ + ε)" if not hp["eps_in_sqrt"] else
                                  "ε outside the square root, √v̂ + ε", {"eps_in_sqrt": not hp["eps_in_sqrt"]},
                                  variant="eps_in_sqrt"))
        if "efficient" in hp and not hp["efficient"] and not hp.get("eps_in_sqrt"):
            changes.append(Change("Kingma & Ba's efficient ordering θ ← θ − η √(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε), "
                                  "ε not scaled", {"efficient": True}, variant="efficient"))
    else:
        for name in OPTIMIZERS[key](**hp)._kept_state():
            changes.append(Change(f"the state {name}'s new value never kept: every step starts it from its first "
                                  f"value (the state not stored, or its update line missing)", {"not_kept": name}))
    changes.append(Change("θ read where the gradient g belongs", {"theta_for_g": True}))
    changes.append(Change("the update one step late: each step moves θ by the change the step before computed "
                          "(the velocity or moments used before this step updates them)", {"one_step_late": True}))
    if isinstance(hp.get("lr"), float):
        changes += [Change(f"η decayed inside the step as {name} (the assignment's η is constant)",
                           {"lr_decay": name}) for name in LR_DECAYS]
    for name, other in (("beta2", "beta1"), ("beta1", "beta2")):
        if isinstance(hp.get(name), float) and isinstance(hp.get(other), float) and hp[name] != hp[other]:
            said, read = _SYMBOL[name], _SYMBOL[other]
            changes.append(Change(f"{read} read where {said} belongs ({said} acting as {read}, lines copied from "
                                  f"the other moment)", {"values_from": {name: other}}))
    for name in ("lr", "beta1", "beta2", "beta", "rho", "mu", "eps"):
        if isinstance(hp.get(name), float) and not isinstance(hp[name], bool):
            for value, why in _tried_values(name, hp, defaults[name]):
                sym = _SYMBOL.get(name, name)
                changes.append(Change(f"{sym} acting as {value:g}{why} (the assignment's {sym} is {hp[name]:g})",
                                      {"values": {name: value}}))
    return changes


def _builder(key: str, knobs: Mapping[str, Any]) -> Callable[[str, dict], Any]:
    """The optimizer with ``knobs``: the textbook's (Adam family) or numopt's class at other values."""
    if knobs.get("one_step_late"):
        return one_step_late(_builder(key, {name: value for name, value in knobs.items() if name != "one_step_late"}))
    decay = LR_DECAYS.get(knobs.get("lr_decay", ""))
    if key in FAMILY:
        build = _textbook(**{name: value for name, value in knobs.items() if name != "lr_decay"})
        changed: Callable[[dict], dict] = dict
    else:
        build = _adapted(knobs.get("not_kept", ""), knobs.get("theta_for_g", False))
        values, values_from = knobs.get("values", {}), knobs.get("values_from", {})

        def changed(hp: dict) -> dict:
            return {**hp, **{name: hp[other] for name, other in values_from.items()}, **values}

    def built(k: str, hp: dict) -> Any:
        hp = changed(hp)
        return build(k, hp if decay is None else {**hp, "lr": decay(hp["lr"])})

    return built


def _combined(a: Change, b: Change) -> Change | None:
    """Both changes at once (a variant said first, as such), or None if they turn the same knob."""
    if b.variant and not a.variant:
        a, b = b, a
    knobs = dict(a.knobs)
    for name, value in b.knobs.items():
        if name == "values" and "values" in knobs:
            if knobs["values"].keys() & value.keys():
                return None
            knobs["values"] = {**knobs["values"], **value}
        elif name in knobs:
            return None
        else:
            knobs[name] = value
    return Change(f"{a.says}; {b.says}", knobs, a.variant if b.variant is None and a.variant else None)


def _hypotheses(key: str, hp: Mapping[str, Any]) -> Iterator[tuple[str, list[Change]]]:
    """Stages of hypotheses: single changes, then pairs (a variant with a mistake included)."""
    singles = _changes(key, hp)
    if key not in FAMILY:
        singles = [c for c in singles if c.knobs.keys() <= {"values", "values_from", "not_kept", "theta_for_g",
                                                             "lr_decay", "one_step_late"}]
    yield "single", singles
    pairs = []
    for a, b in itertools.combinations(singles, 2):
        both = _combined(a, b)
        if both is not None:
            pairs.append((a, b, both))
    yield "pair", [both for _, _, both in pairs]


def _sentence(name: str, change: Change) -> str:
    """The diagnosis as the report completes "your update matches ..."."""
    parts = change.says.split("; ")
    if len(parts) == 1:
        return f"{name} with {parts[0]}" if change.variant else f"{name} with one mistake: {parts[0]}"
    if change.variant:  # a legitimate variant and a mistake in it
        return f"{name} in a legitimate variant, {parts[0]}, with one mistake: {parts[1]}"
    return f"{name} with two mistakes: (1) {parts[0]}; (2) {parts[1]}"


def diagnose(key: str, hps: Mapping[str, dict], traces: list[Trace], tol: Tolerance,
             accepted: set[str] | frozenset[str] | None) -> Mutant | None:
    """The catalogue entry, or else the structural hypothesis, that explains every recorded step.

    Parameters
    ----------
    key : str
        The algorithm.
    hps : mapping
        ``{"assignment": hp, "other": hp}``.
    traces : list of Trace
        The candidate's recorded steps.
    tol : Tolerance
    accepted : set of str or None
        The hyperparameters the candidate takes: "ignores its X argument" is
        said only of those (one never passed was left at the code's default);
        None if not known (an instance built by the caller).

    Returns
    -------
    Mutant or None
        A structural finding is returned as a :class:`Mutant` named
        ``structure:...`` whose sentence names each change with its numbers.
    """
    hp = hps["assignment"]
    for mutant in catalogue_for(key, hp):
        if mutant.name.startswith("ignores_") and accepted is not None and mutant.name[8:] not in accepted:
            continue
        if explains(mutant.build, key, hps, traces, tol):
            return mutant
    name = OPTIMIZERS[key].__name__
    for _, stage in _hypotheses(key, hp):
        for change in stage:
            if explains(_builder(key, change.knobs), key, hps, traces, tol):
                says = _sentence(name, change).replace("{", "{{").replace("}", "}}")
                mistake = ";" in change.says  # a variant with a mistake in it is a mistake
                return Mutant(f"structure:{change.says}", (key,), says, _builder(key, change.knobs),
                              variant=None if mistake else change.variant)
    return None

