"""The grading toolkit: tolerance rule, candidate forms, mutant catalogue, failure reports.

The student implementations in ``tests/grading_fixtures`` are written from the
equations in the module docstrings, independently of numopt's code; the mutants
are the catalogue's own, and the tests check that each one is caught and named.
"""

import re
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

import numopt
from numopt.grading import CATALOGUE, Tolerance, assert_matches, grade, load_candidate, relative_error
from numopt.grading.cases import default_cases
from numopt.grading.grader import resolve_hyperparameters
from numopt.grading.mutants import FAMILY, _textbook

FIXTURES = Path(__file__).parent / "grading_fixtures"


def fixture(name: str) -> str:
    return f"{FIXTURES / name}"


# ---------------------------------------------------------------------------- the rule
def test_tolerance_rule_by_hand():
    tol = Tolerance(rtol=1e-6, atol=1e-9)
    # |x − y| = 1e-6 + 1e-16 or so <= 1e-9 + 1e-6·1 = 1.001e-6
    assert tol.close(np.array([1.0 + 1e-6]), np.array([1.0]))
    assert not tol.close(np.array([1.0 + 2e-6]), np.array([1.0]))
    # near zero the absolute part decides: 5e-10 <= 1e-9, 2e-9 > 1e-9
    assert tol.close(np.array([5e-10]), np.array([0.0]))
    assert not tol.close(np.array([2e-9]), np.array([0.0]))
    # NaN passes only against the same NaN, and only when asked
    assert not tol.close(np.array([np.nan]), np.array([1.0]), equal_nan=True)
    assert tol.close(np.array([np.nan]), np.array([np.nan]), equal_nan=True)
    assert not tol.close(np.array([np.nan]), np.array([np.nan]))


def test_relative_error_by_hand():
    assert relative_error(np.array([1.0]), np.array([3.0])) == 0.5  # 2 / 4
    assert relative_error(np.array([0.0]), np.array([0.0])) == 0.0  # 0 / max(1e-8, 0)
    assert relative_error(np.array([1e-9]), np.array([0.0])) == pytest.approx(0.1)  # 1e-9 / 1e-8
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 1.0])) == pytest.approx(1 / 3)  # max(0, 1/3)
    assert relative_error(np.array([np.nan]), np.array([1.0])) == np.inf


@pytest.mark.parametrize("bad", [{"rtol": -1.0}, {"atol": float("nan")}, {"rtol": "1e-6"}])
def test_tolerance_rejects_bad_values(bad):
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        Tolerance(**bad)


def test_cases_are_seeded():
    a, b, c = default_cases(0), default_cases(0), default_cases(1)
    assert all(np.array_equal(x.theta0, y.theta0) for x, y in zip(a, b, strict=True))
    assert not any(np.array_equal(x.theta0, y.theta0) for x, y in zip(a, c, strict=True))
    assert all((case.theta0 > 0).all() for case in default_cases(0, positive=True))
    tiny = a[1].grads
    assert 1e-8 <= np.abs(tiny).min() and np.abs(tiny).max() <= 1e-6


# ---------------------------------------------------------------------------- numopt against itself
@pytest.mark.parametrize("key", list(numopt.OPTIMIZERS))
def test_numopt_passes_against_itself(key):
    report = grade(numopt.OPTIMIZERS[key], key)
    assert report.passed, report.summary()
    assert "public checks passed" in report.summary()
    assert report.diagnosis is None


@pytest.mark.parametrize("key", sorted(FAMILY))
def test_textbook_update_reproduces_numopt_with_no_knob_turned(key):
    """The generic update behind most Adam-family mutants equals numopt when it changes nothing."""
    hp, _ = resolve_hyperparameters(key, {"weight_decay": 1e-2} if "weight_decay" in
                                    numopt.OPTIMIZERS[key]().hyperparameters else {})
    report = grade(_textbook()(key, hp), key, hp, rtol=1e-12, atol=0.0)
    assert report.passed, report.summary()


# ---------------------------------------------------------------------------- the mutant table
TABLE = [(m, key) for m in CATALOGUE for key in m.keys]


@pytest.mark.parametrize(("mutant", "key"), TABLE, ids=[f"{k}-{m.name}" for m, k in TABLE])
def test_every_mutant_fails_and_is_named(mutant, key):
    hp, _ = resolve_hyperparameters(key, dict(mutant.example_hp))
    assert mutant.applies(hp), f"{mutant.name} does not apply to {key} under its example_hp"
    report = grade(mutant.build(key, hp), key, hp, label=mutant.name, strict=True)
    assert not report.passed, f"{mutant.name} passes the default cases of {key}"
    assert report.diagnosis is not None, report.summary()
    assert report.diagnosis.name == mutant.name, report.summary()
    assert mutant.sentence(key, hp) in report.summary()


VARIANTS = [(m, key) for m, key in TABLE if m.variant]


@pytest.mark.parametrize(("variant", "key"), VARIANTS, ids=[f"{k}-{m.name}" for m, k in VARIANTS])
def test_legitimate_variants_pass_only_when_allowed(variant, key):
    hp, _ = resolve_hyperparameters(key, dict(variant.example_hp))
    refused = grade(variant.build(key, hp), key, hp, strict=True)
    assert not refused.passed
    assert f"--allow {variant.variant}" in refused.summary()
    accepted = grade(variant.build(key, hp), key, hp, allow=[variant.variant])
    assert accepted.passed and accepted.accepted_variant, accepted.summary()
    assert "legitimate variant accepted" in accepted.summary()


def test_every_algorithm_has_a_catalogue():
    assert {key for m in CATALOGUE for key in m.keys} == set(numopt.OPTIMIZERS)


def test_mutants_that_do_not_apply_are_not_offered():
    """With weight_decay = 0 (Adam's default) L2 and decoupled decay coincide: no such diagnosis."""
    hp, _ = resolve_hyperparameters("adam", {})
    assert not any(m.applies(hp) for m in CATALOGUE if m.name == "decoupled_instead_of_l2")


# ---------------------------------------------------------------------------- candidate forms
@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ("adam_class.py:Adam", "adam"),  # (a) a class with step(params, grads)
        ("cs231n_style.py:adam", "adam"),  # (b) CS231n update(w, dw, config=None)
        ("cs231n_style.py:sgd_momentum", "momentum"),  # (b) velocity v = μv − η dw
        ("cs231n_style.py:rmsprop", "rmsprop"),  # (b) decay_rate and cache
        ("pure_style.py:adam_update", "adam"),  # (c) update(param, grad, state, t)
    ],
)
@pytest.mark.parametrize("hp", [{}, {"lr": 3e-2}])
def test_each_candidate_form_passes(spec, key, hp):
    report = grade(fixture(spec), key, hp)
    assert report.passed, report.summary()


def test_hyperparameters_reach_the_candidate_under_its_names():
    """beta1=0.8 must reach each form, or the candidate would fail with its default 0.9."""
    for spec in ("adam_class.py:Adam", "cs231n_style.py:adam", "pure_style.py:adam_update"):
        assert grade(fixture(spec), "adam", {"learning_rate": 1e-2, "beta1": 0.8}).passed, spec


def test_an_instance_is_copied_for_every_case():
    instance = load_candidate(fixture("adam_class.py:Adam"))(lr=1e-2)
    assert grade(instance, "adam", {"lr": 1e-2}).passed
    assert instance.t == 0 and instance.m is None  # the caller's object is untouched


def test_a_python_object_works_as_well_as_a_path():
    adam = load_candidate(fixture("cs231n_style.py:adam"))
    assert grade(adam, "adam").passed
    assert_matches(adam, "adam")


def test_wrong_student_adam_is_diagnosed_with_its_state():
    report = grade(fixture("wrong_adam.py:Adam"), "adam")
    assert not report.passed
    assert report.diagnosis.name == "no_bias_correction_m"
    assert "your update matches Adam without bias correction on m̂" in report.summary()
    note = report.results[0].state_note
    assert note.startswith("m_hat first differs from the reference at step 1"), note
    assert "m, v, v_hat agree" in note
    # the first box line whose value differs, replayed with numopt.explain: at t = 1 the student's m̂ is
    # m = (1 − β1) g and the reference's m̂ = m / (1 − β1) = g, ten times larger
    line = re.search(r"at step 1, line m̂_t ← m_t / \(1 − β1ᵗ\): yours m_hat\[(\d+)\] = (\S+), reference (\S+)$", note)
    assert line, note
    assert float(line.group(3)) == pytest.approx(10 * float(line.group(2)), rel=1e-5)
    assert "line m̂_t" in report.to_text()


def test_cs231n_t_incremented_after_use_is_named():
    report = grade(fixture("cs231n_style.py:adam_t_after_use"), "adam")
    assert report.diagnosis.name == "t_from_zero"
    assert "NaN or inf" in report.results[0].describe()


def test_assert_matches_raises_the_one_line_summary():
    with pytest.raises(AssertionError) as info:
        assert_matches(fixture("wrong_adam.py:Adam"), "adam")
    message = str(info.value)
    assert message == grade(fixture("wrong_adam.py:Adam"), "adam").summary()
    assert "\n" not in message
    assert assert_matches(fixture("adam_class.py:Adam"), "adam").passed


def test_hidden_seed():
    good = grade(fixture("adam_class.py:Adam"), "adam", seed=7)
    bad = grade(fixture("wrong_adam.py:Adam"), "adam", seed=7)
    assert good.passed and "hidden checks passed" in good.summary()
    assert "seed" not in good.summary()  # the students see the summary: the seed is the instructor's secret
    assert "public" not in good.summary()
    assert bad.diagnosis.name == "no_bias_correction_m"


# ---------------------------------------------------------------------------- misbehaving candidates
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Raises", "step(params, grads) raised ValueError at step 1: operands could not be broadcast"),
        ("WrongShape", "produced new parameters of shape (12,) at step 1; expected shape (3, 4)"),
        ("ReturnsNaN", "step 1 produced NaN or inf where the reference is finite"),
        ("MutatesGradients", "modified the gradient it was given at step 1"),
        ("returns_array", "returned an ndarray of shape (3, 4) at step 1; expected a pair (next_w, config)"),
        ("returns_none", "returned None at step 1; expected a pair (new_param, new_state)"),
        ("Exits", "step(params, grads) raised SystemExit at step 1: 3"),
    ],
)
def test_misbehaving_candidates_get_a_clear_message(name, expected):
    report = grade(fixture(f"misbehaving.py:{name}"), "sgd")
    assert not report.passed
    assert expected in report.summary()
    text = report.to_text()
    assert expected in text and "Traceback" not in text


def test_a_candidate_that_never_returns_fails_once_after_the_time_limit():
    loops = load_candidate(fixture("misbehaving.py:Loops"))
    report = grade(loops, "sgd", time_limit=0.2)
    assert not report.passed
    assert "step(params, grads) did not return within 0.2 s at step 1" in report.summary()
    assert report.diagnosis is None
    # the child was killed: not called again in the other cases or for the diagnosis
    assert all(r.describe().startswith("not run: step(params, grads) overran") for r in report.results[1:])
    built = grade(fixture("misbehaving.py:LoopsInConstructor"), "sgd", time_limit=0.2)
    assert "LoopsInConstructor(lr=0.01) did not return within 0.2 s" in built.load_error


def test_a_module_that_loops_when_imported_fails_after_the_time_limit(tmp_path):
    path = tmp_path / "student.py"
    path.write_text("while True:\n    pass\n")
    report = grade(f"{path}:SGD", "sgd", time_limit=0.2)
    assert "importing student.py did not finish within 0.2 s" in report.load_error


def test_the_time_limit_leaves_no_alarm_behind():
    previous = signal.getsignal(signal.SIGALRM)
    assert grade(fixture("adam_class.py:Adam"), "adam", time_limit=5).passed
    assert signal.getsignal(signal.SIGALRM) is previous
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_tracebacks_only_on_request():
    report = grade(fixture("misbehaving.py:Raises"), "sgd")
    assert "Traceback" not in report.to_text()
    assert "Traceback" in report.to_text(tracebacks=True)


def test_printing_candidate_passes_and_its_output_is_swallowed(capsys):
    assert grade(fixture("misbehaving.py:Prints"), "sgd").passed
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import numpy as np\nx = 1 / 0\n", "could not import student.py: ZeroDivisionError: division by zero "
                                             "(line 2)"),
        ("def step(:\n", "could not import student.py: SyntaxError"),
        ("import numpy_that_does_not_exist\n", "ModuleNotFoundError"),
        ("class Other:\n    pass\n", "student.py defines no 'Adam'; expected a class or function of that name"),
    ],
)
def test_a_student_module_that_fails_to_import_gets_a_clear_message(tmp_path, source, expected):
    path = tmp_path / "student.py"
    path.write_text(source)
    report = grade(f"{path}:Adam", "adam")
    assert not report.passed
    assert expected in report.load_error
    assert expected in report.summary() and expected in report.to_text()


def test_malformed_or_missing_candidate_files(tmp_path):
    assert "not of the form FILE.py:NAME" in grade("student.py", "adam").load_error
    assert "does not exist" in grade(f"{tmp_path}/nope.py:Adam", "adam").load_error
    assert "unknown form" in grade(3, "adam").load_error


def test_a_broken_constructor_or_uncopyable_instance_is_reported():
    class Broken:
        def __init__(self, lr=0.01):
            raise RuntimeError("forgot something")

        def step(self, params, grads):
            pass

    class Uncopyable(Broken):
        def __init__(self):
            self.handle = (i for i in range(3))  # generators cannot be deep-copied

    assert "Broken(lr=0.01) raised RuntimeError: forgot something" in grade(Broken, "sgd").load_error
    assert "cannot be copied (TypeError" in grade(Uncopyable(), "sgd").load_error


def test_an_explicit_hyperparameter_the_candidate_cannot_take_is_set_on_the_reference_only():
    report = grade(fixture("pure_style.py:sgd_update"), "sgd", {"lr": 0.1})
    note = "sgd_update takes no argument for lr, so lr=0.1 was "
    assert report.load_error is None and not report.passed  # it steps with 0.01, the reference with 0.1
    assert note + "set on the reference only" in report.summary()
    assert "Note: " + note in report.to_text()
    assert grade(fixture("pure_style.py:sgd_update"), "sgd").passed  # the default needs no passing


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"algorithm": "adamm"}, "algorithm 'adamm' is unknown; expected one of sgd"),
        ({"hp": {"gamma": 1.0}}, "hyperparameter 'gamma' is not one of adam's"),
        ({"hp": {"beta1": 1.5}}, "beta1=1.5 is out of range"),
        ({"allow": ["ewma"]}, "allow='ewma' is not a variant of adam; expected one of efficient, eps_in_sqrt"),
        ({"seed": -1}, "seed=-1"),
        ({"rtol": -1.0}, "rtol=-1.0"),
        ({"time_limit": 0}, "time_limit=0 is not allowed; expected a number of seconds > 0, or None"),
        ({"time_limit": "10"}, "time_limit='10' is not allowed"),
        ({"time_limit": True}, "time_limit=True is not allowed"),
        ({"memory_limit": -5}, "memory_limit=-5 is not allowed; expected a number of bytes > 0, or None"),
    ],
)
def test_bad_instructor_input_is_a_value_error(kwargs, expected):
    kwargs = {"algorithm": "adam", **kwargs}
    with pytest.raises(ValueError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        grade(fixture("adam_class.py:Adam"), **kwargs)


# ---------------------------------------------------------------------------- how students write code
def _eps_inside_adam(tmp_path: Path) -> str:
    """The correct fixture Adam with doc 003's ε inside the root, as a file."""
    source = (FIXTURES / "adam_class.py").read_text()
    assert "(np.sqrt(v_hat) + self.eps)" in source
    path = tmp_path / "eps_inside.py"
    path.write_text(source.replace("(np.sqrt(v_hat) + self.eps)", "np.sqrt(v_hat + self.eps)"))
    return f"{path}:Adam"


def test_a_variant_switch_chooses_the_reference_and_is_not_passed_to_the_candidate(tmp_path):
    spec = _eps_inside_adam(tmp_path)
    assert grade(spec, "adam", {"eps_in_sqrt": True}).passed  # Adam(lr, beta1, beta2, eps) has no eps_in_sqrt
    assert not grade(spec, "adam").passed


def test_the_state_note_comes_from_cases_with_the_same_gradients(tmp_path):
    """With ε inside the root only θ differs; m and v agree whenever both sides get the same g."""
    text = grade(_eps_inside_adam(tmp_path), "adam").to_text()
    assert "m first differs" not in text and "v first differs" not in text


def test_a_dataclass_student_imports(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(
        "from __future__ import annotations\n\nfrom dataclasses import dataclass\n\n\n@dataclass\n"
        "class SGD:\n    lr: float = 0.01\n\n    def step(self, params, grads):\n        params -= self.lr * grads\n"
    )
    report = grade(f"{path}:SGD", "sgd")
    assert report.load_error is None and report.passed


def test_each_student_in_a_batch_gets_their_own_helper_module(tmp_path):
    """Two folders with student.py importing helpers.py: the second student must not get the first's helpers."""
    for folder, sign in (("right", 1.0), ("wrong", -1.0)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "helpers.py").write_text(f"SIGN = {sign}\n")
        (tmp_path / folder / "student.py").write_text(
            "import helpers\n\n\nclass SGD:\n    def __init__(self, lr=0.01):\n        self.lr = lr\n\n"
            "    def step(self, params, grads):\n        params -= helpers.SIGN * self.lr * grads\n"
        )
    folders = ("right", "wrong", "right")
    verdicts = [grade(f"{tmp_path / folder / 'student.py'}:SGD", "sgd").passed for folder in folders]
    assert verdicts == [True, False, True]
    assert "helpers" not in sys.modules


# ---------------------------------------------------------------------------- the step rule
def test_step_rule_by_hand():
    tol = Tolerance(rtol=1e-6, atol=1e-9)
    theta = np.array([1.0])
    # the reference steps by −1e-10, the candidate by −2e-10: within atol, but twice the step
    assert tol.close(np.array([1.0 - 2e-10]), np.array([1.0 - 1e-10]))
    assert not tol.step_close(np.array([1.0 - 2e-10]), np.array([1.0 - 1e-10]), theta, theta)
    # a difference of 1e-15 is rounding of θ ≈ 1: 1e-15 <= 1e-6·1e-10 + 8·2.2e-16·(1 + 1 + 1) ≈ 5.3e-15
    assert tol.step_close(np.array([1.0 - 1e-10 + 1e-15]), np.array([1.0 - 1e-10]), theta, theta)
    # relative to the largest step of the array: 1e-7 off a step of 0.5 passes, 1e-6 off does not
    old = np.array([0.0, 0.0])
    assert tol.step_close(np.array([0.5 + 1e-7, 0.0]), np.array([0.5, 0.0]), old, old)
    assert not tol.step_close(np.array([0.5, 1e-6]), np.array([0.5, 0.0]), old, old)


class _SGDAsMomentum:
    """Momentum that forgot the momentum: θ ← θ − ηg."""

    def __init__(self, lr=0.01, beta=0.9):
        self.lr = lr

    def step(self, params, grads):
        params -= self.lr * grads


def test_tiny_steps_do_not_pass_wrong_code():
    """With η = 1e-3 and gradients of 1e-8..1e-6 every step is below atol: only the step rule sees the mistake."""
    case = default_cases(0)[2]  # step 3, tiny gradients throughout
    g1, g2, g3 = case.grads
    b3 = 0.9 * (0.9 * g1 + g2) + g3  # b_t = β b_{t−1} + g_t from b_0 = 0
    assert np.abs(1e-3 * b3 - 1e-3 * g3).max() < 1e-9  # momentum's step 3 and SGD's differ by less than atol
    report = grade(_SGDAsMomentum, "momentum", {"lr": 1e-3})
    failing = [r.case.name for r in report.results if not r.passed]
    assert case.name in failing


# ---------------------------------------------------------------------------- the forms real code has
@pytest.mark.parametrize(
    ("name", "key", "hp", "form"),
    [
        ("BookMomentum", "momentum", {"lr": 0.05, "momentum": 0.8}, "dict"),  # update(params, grads) on dicts
        ("ListSGD", "sgd", {"learning_rate": 0.1}, "list"),  # step(params, grads) on lists
        ("ScratchRMSprop", "rmsprop", {"rho": 0.95, "lr": 0.02}, "step"),  # update(w, grad) -> new_w
        ("KerasAdam", "adam", {"b1": 0.8, "beta_2": 0.99, "epsilon": 1e-6}, "step"),  # Keras's names
    ],
)
def test_real_forms_pass_without_an_adapter(name, key, hp, form):
    """Each fixture takes these values only under its own names: a wrong mapping leaves its default and fails."""
    report = grade(fixture(f"real_forms.py:{name}"), key, hp)
    assert report.passed, report.summary()
    assert not report.notes
    assert grade(load_candidate(fixture(f"real_forms.py:{name}")), key, hp, form=form).passed


def test_hyperparameter_aliases_name_numopts_parameter():
    full, explicit = resolve_hyperparameters("rmsprop", {"rho": 0.95, "learning_rate": 0.1})
    assert (full["beta"], full["lr"], explicit) == (0.95, 0.1, frozenset({"beta", "lr"}))
    full, _ = resolve_hyperparameters("adam", {"b1": 0.8, "beta_2": 0.99, "epsilon": 1e-7})
    assert (full["beta1"], full["beta2"], full["eps"]) == (0.8, 0.99, 1e-7)
    assert resolve_hyperparameters("momentum", {"mu": 0.5})[0]["beta"] == 0.5


def test_not_updating_in_place_is_named():
    report = grade(fixture("real_forms.py:NotInPlace"), "sgd")
    assert sum(r.passed for r in report.results) == 0
    assert "step 1 left the parameters unchanged; expected the parameters to be updated in place " \
           "(params -= ..., not params = params - ...)" in report.summary()


# ---------------------------------------------------------------------------- conventions and mistakes
def test_adam_efficient_ordering_is_its_formula():
    """θ_t = θ_{t−1} − η √(1 − β2ᵗ)/(1 − β1ᵗ) · m_t/(√v_t + ε), written out with Python floats."""
    lr, b1, b2, eps = 1e-2, 0.8, 0.99, 1e-3
    grads = [0.5, -1e-4, 2.0]
    theta, m, v = 1.0, 0.0, 0.0
    expected = []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta = theta - lr * (1 - b2**t) ** 0.5 / (1 - b1**t) * m / (v**0.5 + eps)
        expected.append(theta)
    opt = numopt.Adam(lr=lr, beta1=b1, beta2=b2, eps=eps, efficient=True)
    params = np.array([1.0])
    for g, want in zip(grads, expected, strict=True):
        opt.step(params, np.array([g]))
        assert params[0] == pytest.approx(want, rel=1e-14)
    plain = numopt.Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    other = np.array([1.0])
    plain.step(other, np.array([0.5]))
    assert other[0] != pytest.approx(expected[0], rel=1e-6)  # ε̂ = ε is a different update


def test_the_books_adam_passes_with_its_epsilon_and_the_efficient_variant_allowed():
    spec = fixture("real_forms.py:BookAdam")
    refused = grade(spec, "adam", {"eps": 1e-7}, strict=True)
    assert refused.diagnosis.name == "efficient" and "--allow efficient" in refused.summary()
    assert "eps=1e-07 was set on the reference only" in refused.summary()
    accepted = grade(spec, "adam", {"eps": 1e-7}, allow=["efficient"])
    assert accepted.passed and accepted.accepted_variant, accepted.summary()


@pytest.mark.parametrize(
    ("spec", "key", "name"),
    [
        ("AdamTFrozen", "adam", "t_frozen"),
        ("AdamBeta2Squared", "adam", "beta2_squared"),
        ("rmsprop_no_sqrt", "rmsprop", "no_sqrt"),
        ("AdamEps1e6", "adam", "eps_hard_coded_1e-06"),
        ("BookNesterov", "nag", "velocity_updated_first"),
    ],
)
def test_real_mistakes_are_named(spec, key, name):
    report = grade(fixture(f"mistakes.py:{spec}"), key)
    assert not report.passed
    assert report.diagnosis is not None and report.diagnosis.name == name, report.summary()


def test_grading_messages_name_formulas_not_documents():
    for mutant in CATALOGUE:
        for key in mutant.keys:
            hp, _ = resolve_hyperparameters(key, dict(mutant.example_hp))
            sentence = mutant.sentence(key, hp)
            assert "doc 0" not in sentence and "erratum" not in sentence, sentence


def test_an_ignored_argument_is_caught_at_other_hyperparameters_and_named():
    report = grade(fixture("mistakes.py:MomentumIgnoresBeta"), "momentum")
    by_name = {r.case.name: r.passed for r in report.results}
    assert all(passed for name, passed in by_name.items() if "other hyperparameters" not in name)
    assert not any(passed for name, passed in by_name.items() if "other hyperparameters" in name)
    assert report.other_hp["beta"] == pytest.approx(0.8)  # 1 − 2(1 − 0.9)
    assert "your update matches Momentum that ignores its beta argument: it behaves as beta=0.9 for every " \
           "value" in report.summary()
