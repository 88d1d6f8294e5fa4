"""Grading that generalizes: course formats by signature, hyperparameters by role, mistakes by structure.

The submissions are our own, written in each course's format to reproduce mistakes seen in
public coursework (tests/grading_coursework/README.md says which repositories inspired which);
the development part is graded here, the held-out part only measured (docs/grading.md).
"""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

import numopt
from numopt.grading import grade
from numopt.grading.binding import bind
from numopt.grading.candidates import SIGNATURE, Candidate, Reference
from numopt.grading.forms import SignatureError, course_signature, parse_signature
from numopt.grading.grader import default_names

DEV = Path(__file__).parent / "grading_coursework" / "dev"
EXPECTED = json.loads((DEV / "expected.json").read_text(encoding="utf-8"))


def dev(file: str) -> str:
    return f"{DEV / file}:{EXPECTED[file]['name']}"


def graded(file: str, **options):
    spec = EXPECTED[file]
    form = SIGNATURE + spec["signature"] if "signature" in spec else None
    return grade(dev(file), spec["algorithm"], spec.get("hp", {}), form=form, **options)


NAMED_BY_THE_STUDENT = {"framework_momentum_delegating.py", "signature_adam_efficient_no_mhat.py",
                        "signature_momentum_decay.py"}
"""Coursework whose class or function has a name of the student's own (MomentumSGD, adam_step, heavy_ball)."""


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_batch_grading_finds_every_course_format_by_its_default_names(part):
    """Coursera's, Holberton's, CS231n's, DLFS's and Keras' names are among the names a batch tries (no --name)."""
    folder = DEV.parent / part
    for file, spec in json.loads((folder / "expected.json").read_text(encoding="utf-8")).items():
        if file in NAMED_BY_THE_STUDENT:
            continue
        tree = ast.parse((folder / file).read_text(encoding="utf-8"))
        defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        tried = default_names(spec["algorithm"]).split("|")
        assert next((name for name in tried if name in defined), None) == spec["name"], (file, tried)


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_every_development_submission_gets_its_verdict_and_each_of_its_mistakes_named(file):
    report = graded(file)
    spec = EXPECTED[file]
    assert report.passed == (spec["verdict"] == "pass"), report.summary()
    diagnosis = "" if report.diagnosis is None else report.diagnosis.sentence(report.algorithm, report.hp)
    for mistake in spec.get("mistakes", []):  # named by the diagnosis, not by the file's name or a quoted box line
        assert mistake in diagnosis, report.summary()


# ---------------------------------------------------------------------------- formats
def test_course_functions_are_found_by_signature_and_vocabulary():
    def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):  # noqa: N802
        return var, v, s

    def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
        return parameters["W" + str(1)], v

    holberton = course_signature(update_variables_Adam)
    assert [role for _, role in holberton.args] == ["hp"] * 4 + ["params", "grads", "state", "state", "t"]
    call = "update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t) -> (var, v, s)"
    assert holberton.describe() == call
    assert not holberton.layered
    assert course_signature(update_parameters_with_momentum).layered  # keys built from layer numbers

    def cs231n(w, dw, config=None):
        return w, config

    def pure(param, grad, state, t):
        return param, state

    assert course_signature(cs231n) is None and course_signature(pure) is None


def test_coursera_dicts_use_the_modules_initializer_and_layers_from_0_or_1():
    report = graded("coursera_adam_ok.py")
    assert report.passed and report.call.startswith("update_parameters_with_adam(parameters, grads, v, s, t")
    assert graded("coursera_momentum_layers_from_0.py").passed  # W0, b0, and only the parameters returned


def test_holberton_state_is_compared_as_adams_m_and_v_by_position():
    report = graded("holberton_adam_stores_corrected.py")
    # Holberton's v, s are Adam's m, v: the state note names m (the candidate returns m̂ as m)
    assert "State: m first differs from the reference at step 1" in report.to_text()


def test_gradient_first_methods_are_detected_by_probing_not_by_names(tmp_path):
    source = textwrap.dedent('''
        import numpy as np

        class SGD:
            def __init__(self, lr=0.01):
                self.lr = lr

            def update(self, a, b):  # the gradient first, under names that say nothing
                return b - self.lr * a
    ''')
    (tmp_path / "opaque.py").write_text(source, encoding="utf-8")
    assert grade(f"{tmp_path / 'opaque.py'}:SGD", "sgd").passed
    assert graded("gradient_first_rmsprop.py").passed  # update(g, p)


def test_delegating_objects_and_keras_like_steps_are_graded_as_written():
    hp = numopt.Momentum().hyperparameters
    cand = Candidate(_load("framework_momentum_delegating.py"), Reference.of(numopt.Momentum, hp), hp)
    assert cand.method == "update_params"
    hp = numopt.Adam().hyperparameters
    keras = Candidate(_load("keras_like_adam.py"), Reference.of(numopt.Adam, hp), hp)
    assert keras.method == "optimise_gradients" and keras.steps_sign == 1.0  # steps are subtracted
    assert graded("keras_like_adam.py").passed


def _load(file: str):
    from numopt.grading.candidates import load_candidate

    return load_candidate(dev(file))


def test_an_explicit_signature_is_echoed_and_a_bad_one_is_refused():
    report = graded("signature_adam_efficient_no_mhat.py")
    assert report.call == "adam_step(lr, beta1, beta2, eps, w, g, m, v, t) -> (w, m, v)"
    assert "called as adam_step(lr, beta1, beta2, eps, w, g, m, v, t) -> (w, m, v)" in report.to_text()
    with pytest.raises(SignatureError, match="argument 'weird' has no known role"):
        parse_signature("f(lr, w, g, weird) -> (w, weird)")
    with pytest.raises(SignatureError, match="expected the parameters"):
        parse_signature("f(lr, w, g, m) -> (m, w)")
    failed = grade(dev("holberton_adam_ok.py"), "adam", form=SIGNATURE + "f(w, g")
    assert "is not NAME(ARG, ...)" in failed.load_error


# ---------------------------------------------------------------------------- hyperparameters by role
@pytest.mark.parametrize(
    ("name", "key", "expected"),
    [
        ("beta2", "rmsprop", "beta"),  # Holberton's RMSProp decay
        ("decay_rate", "rmsprop", "beta"),  # CS231n, Deep Learning from Scratch
        ("rho1", "adam", "beta1"), ("rho2", "adam", "beta2"), ("epscut", "adam", "eps"),
        ("decay_rate", "adam", "beta2"), ("momentum", "adam", "beta1"),
        ("beta1", "momentum", "beta"), ("alpha", "adam", "lr"), ("rho", "adadelta", "rho"),
        ("momentum", "funnel", "mu"), ("weird", "adam", None),
    ],
)
def test_arguments_are_bound_by_role(name, key, expected):
    assert bind(name, numopt.OPTIMIZERS[key]().hyperparameters) == expected


def test_the_report_says_what_was_bound_by_role_and_what_was_left_at_the_codes_default(tmp_path):
    report = graded("holberton_rmsprop_eps_in_sqrt.py")
    assert "your beta2 <- beta=0.9" in report.summary()
    source = textwrap.dedent('''
        import numpy as np

        class RMSprop:
            def __init__(self, lr=0.01, beta=0.9, eps=1e-8, smoothing=0.5):
                self.lr, self.beta, self.eps, self.s = lr, beta, eps, None

            def step(self, params, grads):
                if self.s is None:
                    self.s = np.zeros_like(params)
                self.s = self.beta * self.s + (1 - self.beta) * grads**2
                params -= self.lr * grads / (np.sqrt(self.s) + self.eps)
    ''')
    (tmp_path / "extra.py").write_text(source, encoding="utf-8")
    passed = grade(f"{tmp_path / 'extra.py'}:RMSprop", "rmsprop")
    assert passed.passed
    assert "your argument smoothing has no role among RMSProp's hyperparameters, so it was left at the code's " \
           "default (smoothing=0.5)" in passed.summary()


def test_an_argument_never_passed_is_not_blamed_as_ignored():
    # the pure SGD takes no lr argument: its 0.01 is the code's, and the report says so instead of
    # "ignores its lr argument"
    report = grade(str(Path(__file__).parent / "grading_fixtures" / "pure_style.py") + ":sgd_update", "sgd",
                   {"lr": 0.1})
    assert "ignores its lr argument" not in report.summary()
    assert "takes no argument for lr, so lr=0.1 was set on the reference only" in report.summary()


def test_the_other_hyperparameter_cases_move_every_bound_argument():
    report = graded("holberton_adam_rho_names.py")  # alpha, rho1, rho2, epscut: all bound by role
    defaults = numopt.Adam().hyperparameters
    moved = {name for name in ("lr", "beta1", "beta2", "eps") if report.other_hp[name] != defaults[name]}
    assert moved == {"lr", "beta1", "beta2", "eps"} and report.passed


def test_what_the_reference_uses_that_the_candidate_cannot_accept_is_said():
    report = grade(dev("holberton_adam_ok.py"), "adamw")  # AdamW's weight_decay=0.01 against a plain Adam
    assert "the reference uses weight_decay=0.01, which update_variables_Adam cannot accept" in report.summary()
    assert not report.passed


# ---------------------------------------------------------------------------- variants and mistakes
def test_the_papers_efficient_ordering_passes_by_default_and_strict_requires_the_plain_form():
    report = graded("cs231n_adam_efficient.py")
    assert report.passed and "efficient ordering" in report.summary()
    assert "variants accepted: efficient" in report.to_text()
    strict = graded("cs231n_adam_efficient.py", strict=True)
    assert not strict.passed and "--allow efficient" in strict.summary()
    assert "variants accepted: none" in strict.to_text()


def _structural(source: str, tmp_path: Path, key: str = "adam", **options):
    (tmp_path / "student.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return grade(f"{tmp_path / 'student.py'}:update_variables_Adam", key, **options)


ADAM = '''
    import numpy as np

    def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
        b2 = {B2}
        v = beta1 * v + (1 - beta1) * grad
        s = {S}
        v_hat = v / (1 - beta1 ** {T1})
        s_hat = s / (1 - b2 ** {T2})
        return var - alpha * v_hat / ({DENOM}), v, s
'''


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"T2": "(t + 1)"}, ["1 − β2ᵗ⁺¹ where 1 − β2ᵗ belongs in v̂"]),
        ({"S": "b2 + (1 - b2) * grad ** 2"}, ["v's history dropped"]),
        ({"B2": "0.01"}, ["β2 acting as 0.01"]),  # a default of 0.01 seen in a real submission
        ({"DENOM": "np.sqrt(s_hat) + 1e-4"}, ["ε acting as 0.0001"]),
        ({"T1": "2", "DENOM": "np.sqrt(s_hat + epsilon)"}, ["ε inside the square root", "1 − β1² where"]),
    ],
)
def test_mistakes_are_named_by_structure_with_their_numbers(changes, named, tmp_path):
    fields = {"B2": "beta2", "S": "b2 * s + (1 - b2) * grad ** 2", "T1": "t", "T2": "t",
              "DENOM": "np.sqrt(s_hat) + epsilon", **changes}
    report = _structural(ADAM.format(**fields), tmp_path)
    assert not report.passed
    for sentence in named:
        assert sentence in report.summary(), report.summary()


@pytest.mark.parametrize("variant", [{"efficient": True}, {"amsgrad": True}, {"eps_in_sqrt": True},
                                     {"amsgrad": True, "weight_decay": 1e-2}])
def test_the_textbook_copy_reproduces_numopts_own_variants_with_no_knob_turned(variant):
    from numopt.grading.grader import resolve_hyperparameters
    from numopt.grading.mutants import _textbook

    hp, _ = resolve_hyperparameters("adam", variant)
    report = grade(_textbook()("adam", hp), "adam", hp, rtol=1e-12, atol=0.0, strict=True)
    assert report.passed, report.summary()


def test_a_structural_finding_replays_what_the_candidate_did():
    # the two-mistake Coursera file of the development part: its finding, built as an optimizer, takes the same steps
    report = graded("coursera_adam_two_mistakes.py")
    finding = report.diagnosis
    assert finding.name.startswith("structure:") and finding.variant is None
    hp = report.hp
    theta, g = np.full(3, 0.5), np.array([0.1, -2.0, 3e-7])
    optimizer = finding.build("adam", hp)
    optimizer.step(theta, g)
    # step 1 by hand: m̂ = g, v̂ = (1 − β2) g² / (1 − β2²) = g² / (1 + β2), no root: θ − η m̂ / (v̂ + ε)
    v_hat = g**2 / (1 + hp["beta2"])
    np.testing.assert_allclose(theta, 0.5 - hp["lr"] * g / (v_hat + hp["eps"]), rtol=1e-12)


def test_an_amsgrad_whose_max_is_fed_back_into_the_average_is_named(tmp_path):
    # one state s for both: s ← max(s, β2 s + (1 − β2) g²), so the next average starts from the max
    report = _structural('''
        import numpy as np

        def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
            v = beta1 * v + (1 - beta1) * grad
            s = np.maximum(s, beta2 * s + (1 - beta2) * grad ** 2)
            v_hat = v / (1 - beta1 ** t)
            s_hat = s / (1 - beta2 ** t)
            return var - alpha * v_hat / (np.sqrt(s_hat) + epsilon), v, s
    ''', tmp_path, hp={"amsgrad": True})
    assert not report.passed
    assert "the max fed back into the moving average" in report.summary(), report.summary()


def test_a_variant_is_shown_where_it_departs_from_the_assignments_form_box_line_by_box_line():
    from numopt.grading.cases import default_cases

    report = graded("holberton_rmsprop_eps_in_sqrt.py")
    case = default_cases(0)[1]  # the first case where ε's place shows: tiny gradients
    theta, g = case.theta0.flat[0], case.grads[0].flat[0]
    lr, beta, eps = 0.01, 0.9, 1e-8
    s = (1 - beta) * g**2  # step 1 from s = 0
    inside, outside = theta - lr * g / np.sqrt(s + eps), theta - lr * g / (np.sqrt(s) + eps)
    line = report.variant_line
    assert line.startswith(f"step 1 of '{case.name}', line (otherwise) θ_t ← θ_{{t-1}} − η g_t / (√s_t + ε)")
    assert f"theta[0] = {inside:.6g} in the variant, {outside:.6g} in the assignment's form" in line
    assert f"Variant: at {line}." in report.to_text()


def test_a_course_function_returning_too_few_values_is_told_what_was_expected(tmp_path):
    report = _structural('''
        def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
            return var - alpha * grad, v
    ''', tmp_path)
    assert "returned 2 values at step 1; expected 3 (var, v, s)" in report.summary()


def test_probes_of_a_positive_parameter_method_start_and_stay_where_the_reference_can_step():
    """EGU keeps θ > 0: probes from negative θ, or on from a θ that underflowed, hid lesson 09's lab mistake."""

    def egu_update(param, grad, state, t, lr=0.1):
        return param * np.exp(-lr * param * grad), state  # gradient descent on log θ

    summary = grade(egu_update, "egu", {"lr": 0.1}).summary()
    assert "your update matches gradient descent on φ = log θ" in summary, summary


# ---------------------------------------------------------------------------- mistakes by structure
class _AdamSlip:
    """Adam on one array, with one slip chosen by ``slip``."""

    slip = ""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, params, grads):
        if self.m is None:
            self.m, self.v = np.zeros_like(params), np.zeros_like(params)
        self.t += 1
        b1 = self.beta2 if self.slip == "beta2 for beta1" else self.beta1
        old_m = 0.0 if self.slip == "m not kept" else self.m
        decay = 1.0 if self.slip == "m never decayed" else b1
        self.m = decay * old_m + (1.0 if self.slip == "m summed" else 1 - b1) * grads
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads**2
        c1, c2 = 1 - b1**self.t, 1 - self.beta2**self.t
        m_hat = self.m / c1
        v_hat = self.v / ((1 - self.beta2) ** self.t if self.slip == "power outside" else c2)
        if self.slip == "eps in the step":
            params -= self.lr * (m_hat / np.sqrt(v_hat) + self.eps)
        elif self.slip == "corrected twice":
            params -= self.lr * np.sqrt(c2) / c1 * m_hat / (np.sqrt(v_hat) + self.eps)
        elif self.slip == "efficient without the root":
            params -= self.lr * c2 / c1 * self.m / (np.sqrt(self.v) + self.eps)
        elif self.slip == "eps times the step":
            params -= (self.lr / np.sqrt(v_hat) + self.eps) * m_hat
        else:
            params -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class _NagBufferNotKept:
    """NAG (b ← βb + g, θ ← θ − η(g + βb)) whose buffer is a local: b = g at every step."""

    def __init__(self, lr=0.01, beta=0.9):
        self.lr, self.beta = lr, beta

    def step(self, params, grads):
        b = grads  # b ← β b + g with the last b never stored: β · 0 + g
        params -= self.lr * (grads + self.beta * b)


@pytest.mark.parametrize(("slip", "named"), [
    ("m not kept", "m's new value never kept"),
    ("m summed", "the factor 1 − β1 missing in m"),
    ("beta2 for beta1", "β2 read where β1 belongs"),
    ("eps in the step", "ε added to the step"),
    ("corrected twice", "the bias corrections applied twice"),
    ("efficient without the root", "the efficient ordering without the root"),
    ("m never decayed", "the factor β1 missing on the old m"),
    ("power outside", "(1 − β2)ᵗ where 1 − β2ᵗ belongs in v̂"),
    ("eps times the step", "ε added to η / √v̂ and multiplying the gradient"),
])
def test_structural_slips_in_adam_are_named(slip, named):
    candidate = type("Adam", (_AdamSlip,), {"slip": slip})
    report = grade(candidate, "adam")
    assert not report.passed
    assert named in report.diagnosis.sentence("adam", report.hp), report.summary()


def test_a_state_array_never_kept_is_named_for_an_algorithm_outside_the_adam_family():
    report = grade(_NagBufferNotKept, "nag", {"lr": 0.01, "beta": 0.9})
    assert not report.passed
    assert "the state b's new value never kept" in report.diagnosis.sentence("nag", report.hp), report.summary()


class _SgdSlip:
    """SGD (``lr``) with θ for g, or a step size the student decays as η/(t + 1) with t from 1."""

    slip = ""

    def __init__(self, lr=0.01):
        self.lr, self.t = lr, 0

    def step(self, params, grads):
        self.t += 1
        if self.slip == "theta for g":
            params -= self.lr * params.copy()
        else:
            params -= self.lr / (self.t + 1) * grads


class _AdamWDecayLast:
    """AdamW whose decoupled decay θ(1 − ηλ) is applied to θ_t, after the Adam step."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1):
        self.lr, self.beta1, self.beta2, self.eps, self.weight_decay = lr, beta1, beta2, eps, weight_decay
        self.m = self.v = 0.0
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grads
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads**2
        m_hat, v_hat = self.m / (1 - self.beta1**self.t), self.v / (1 - self.beta2**self.t)
        params -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        params *= 1 - self.lr * self.weight_decay


@pytest.mark.parametrize(("slip", "named"), [
    ("theta for g", "θ read where the gradient g belongs"),
    ("decayed", "η decayed inside the step as η/(t + 1)"),
])
def test_theta_for_g_and_a_step_size_decayed_by_the_student_are_named_outside_the_adam_family(slip, named):
    report = grade(type("SGD", (_SgdSlip,), {"slip": slip}), "sgd", {"lr": 0.01})
    assert not report.passed
    assert named in report.diagnosis.sentence("sgd", report.hp), report.summary()


def test_decoupled_decay_applied_after_the_step_is_named():
    report = grade(_AdamWDecayLast, "adamw", {"weight_decay": 0.1})
    assert not report.passed
    assert "decay applied after the step" in report.diagnosis.sentence("adamw", report.hp), report.summary()



def test_hidden_cases_hide_the_digits_of_messages_but_not_of_the_call_a_course_function_gets():
    """Digits are hidden in what a submission says after a hidden case ran, not in its signature, said before."""
    report = graded("holberton_adam_ok.py", seed=5)
    assert report.passed and "beta1, beta2" in report.call


class _ListAdam:
    """Adam over a list of arrays; with ``t_per_array`` its t advances once per array, not once per step."""

    t_per_array = False

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, params, grads):
        if self.m is None:
            self.m, self.v = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
        self.t += 0 if self.t_per_array else 1
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            self.t += 1 if self.t_per_array else 0
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g**2
            m_hat, v_hat = self.m[i] / (1 - self.beta1**self.t), self.v[i] / (1 - self.beta2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def test_a_list_of_arrays_is_graded_as_several_arrays_so_a_t_counted_per_array_shows():
    assert grade(type("Adam", (_ListAdam,), {}), "adam").passed
    report = grade(type("Adam", (_ListAdam,), {"t_per_array": True}), "adam")
    assert not report.passed and "t first differs" in report.summary(), report.summary()


def test_a_course_function_that_returns_more_values_than_its_state_is_read_for_the_first_ones(tmp_path):
    """Coursera's 2021 Adam returns ``parameters, v, s, v_corrected, s_corrected``: the extra two are not state."""
    source = (DEV / "coursera_adam_ok.py").read_text(encoding="utf-8")
    assert "    return parameters, v, s\n" in source
    (tmp_path / "adam.py").write_text(source.replace("    return parameters, v, s\n",
                                                     "    return parameters, v, s, dict(v), dict(s)\n"))
    assert grade(f"{tmp_path / 'adam.py'}:update_parameters_with_adam", "adam").passed


class _MomentumLate:
    """Momentum (b ← βb + g, θ ← θ − ηb) that moves θ with b before this step updates it."""

    def __init__(self, lr=0.01, beta=0.9):
        self.lr, self.beta, self.b = lr, beta, 0.0

    def step(self, params, grads):
        params -= self.lr * self.b
        self.b = self.beta * self.b + grads


class _MomentumNesterov:
    """Momentum written as v ← μv − ηg, θ ← θ + μv − ηg: Sutskever's Nesterov step, not plain momentum."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, 0.0

    def step(self, params, grads):
        self.v = self.momentum * self.v - self.lr * grads
        params += self.momentum * self.v - self.lr * grads


@pytest.mark.parametrize(("candidate", "named"), [
    (_MomentumLate, "the update one step late"),
    (_MomentumNesterov, "NAG, Nesterov's look-ahead step"),
])
def test_a_momentum_one_step_late_or_nesterovs_instead_is_named(candidate, named):
    report = grade(candidate, "momentum")
    assert not report.passed
    assert named in report.diagnosis.sentence("momentum", report.hp), report.summary()


class _AdamReturnsItsState(_AdamSlip):
    """A right Adam on one array that updates it in place and returns its state: a dict of three entries."""

    def step(self, params, grads):
        super().step(params, grads)
        return {"m": self.m, "v": self.v, "t": self.t}


def test_a_step_on_one_array_that_returns_a_dict_of_its_state_is_read_from_the_array():
    """Not taken for new parameters in a container: one array went in, and it holds the step."""
    assert grade(_AdamReturnsItsState, "adam").passed
