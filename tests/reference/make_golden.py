"""Write the torch.optim golden trajectories that ``tests/test_reference.py`` replays through numopt.

Run it with an interpreter that has torch (never numopt's own environment; numopt does
not depend on torch)::

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/pip install -e .
    /tmp/torchvenv/bin/python tests/reference/make_golden.py

It writes ``golden.json`` (torch and NumPy versions, the gradient-stream recipe and seed,
and for every case the torch class and arguments next to the numopt key and arguments)
and ``golden.npz`` (the stream and every trajectory: the parameters after every step),
both next to this file.

Three problems, the same for every case:

* ``teacher``: teacher forcing. A fixed seeded gradient stream of ``N_TEACHER`` steps is
  fed to both sides whatever the parameters are, so the update rules are compared without
  feedback. The parameters are three arrays of shapes ``SHAPES`` (a 0-d array among them);
  some coordinates get gradients of magnitude 1e-6, 1e-9 and 1e-12, where the placement of
  ε decides the step.
* ``rosenbrock`` and ``quadratic``: closed loop for ``N_CLOSED`` steps, the gradient of
  :func:`rosenbrock_grad` or :func:`quadratic_grad` at the current point.

This module is also imported by the tests, for the problems, the stream recipe and the
trajectory driver, so that both sides are fed exactly the same gradients; it imports
torch only inside :func:`torch_stepper`.
"""

from __future__ import annotations

import io
import json
import platform
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
GOLDEN_JSON = HERE / "golden.json"
GOLDEN_NPZ = HERE / "golden.npz"

PROBLEM_NAMES = ("teacher", "rosenbrock", "quadratic")

# ---------------------------------------------------------------- the teacher-forced stream
STREAM_SEED = 20240531
N_TEACHER = 200
SHAPES = ((), (2,), (1, 3))
SCALES = (np.array(1.0), np.array([1.0, 1e-9]), np.array([[3.0, 1e-6, 1e-12]]))
"""Gradient magnitude of every coordinate: unit scale, and tiny ones where ε matters."""
MEAN = 0.5
"""Offset of the standard normal draws, so gradients keep their sign more often than not."""
STREAM_RECIPE = (
    "rng = numpy.random.default_rng(seed); theta0[i] = rng.uniform(0.5, 1.5, SHAPES[i]) for each i; "
    "then for each step and each i: g[i] = SCALES[i] * (MEAN + rng.standard_normal(SHAPES[i]))"
)

# ---------------------------------------------------------------- the closed-loop problems
N_CLOSED = 100
START = (-1.5, 2.0)
POSITIVE_START = (1.5, 2.0)
"""Start of EGU, which needs strictly positive parameters."""
QUADRATIC_A = ((50.5, 49.5), (49.5, 50.5))
"""Eigenvalues 100 and 1 (eigenvectors (1, 1) and (1, −1)): condition number 100."""
QUADRATIC_MIN = (1.0, 1.0)


def rosenbrock_grad(theta: np.ndarray) -> np.ndarray:
    """Gradient of the Rosenbrock function f(x, y) = (1 − x)² + 100 (y − x²)².

    Parameters
    ----------
    theta : ndarray, shape (2,)
        The point (x, y).

    Returns
    -------
    ndarray, shape (2,)
        (−2(1 − x) − 400 x (y − x²), 200 (y − x²)).
    """
    x, y = float(theta[0]), float(theta[1])
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


def quadratic_grad(theta: np.ndarray) -> np.ndarray:
    """Gradient A (θ − θ*) of the ill-conditioned quadratic f(θ) = ½ (θ − θ*)ᵀ A (θ − θ*).

    Parameters
    ----------
    theta : ndarray, shape (2,)
        The point.

    Returns
    -------
    ndarray, shape (2,)
        The gradient, with A = ``QUADRATIC_A`` and θ* = ``QUADRATIC_MIN``, written out
        element by element so every environment computes the same bits.
    """
    (a, b), (c, d) = QUADRATIC_A
    dx, dy = float(theta[0]) - QUADRATIC_MIN[0], float(theta[1]) - QUADRATIC_MIN[1]
    return np.array([a * dx + b * dy, c * dx + d * dy])


def teacher_stream(seed: int = STREAM_SEED) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The teacher-forced stream, following ``STREAM_RECIPE``.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    theta0 : list of ndarray
        The initial parameters, one array per shape in ``SHAPES``.
    grads : list of ndarray
        For every array, its gradients stacked over the steps: shape ``(N_TEACHER, *shape)``.
    """
    rng = np.random.default_rng(seed)
    theta0 = [rng.uniform(0.5, 1.5, shape) for shape in SHAPES]
    steps = [
        [scale * (MEAN + rng.standard_normal(shape)) for shape, scale in zip(SHAPES, SCALES, strict=True)]
        for _ in range(N_TEACHER)
    ]
    grads = [np.array([step[i] for step in steps]) for i in range(len(SHAPES))]
    return theta0, grads


Step = Callable[[list, list], None]
"""``step(params, grads)``: update the list of parameter arrays in place."""


def trajectory(
    make_step: Callable[[list], Step],
    problem: str,
    stream: tuple[Sequence[np.ndarray], Sequence[np.ndarray]],
    start: Sequence[float] = START,
) -> list[np.ndarray]:
    """Run an optimizer on one problem and return the parameters after every step.

    Parameters
    ----------
    make_step : callable
        Called once with the list of parameter arrays (float64, updated in place); returns
        the ``step(params, grads)`` to call at every step.
    problem : {"teacher", "rosenbrock", "quadratic"}
        Which gradients to feed.
    stream : (theta0, grads)
        The teacher-forced stream (see :func:`teacher_stream` or the stored copy).
    start : pair of float
        The start of the closed-loop problems.

    Returns
    -------
    list of ndarray
        One array per parameter array, of shape ``(n_steps, *shape)``.
    """
    if problem == "teacher":
        theta0, grads = stream
        params = [np.array(a, dtype=np.float64) for a in theta0]
        feed = [[g[k, ...] for g in grads] for k in range(len(grads[0]))]
        step = make_step(params)
        history = []
        for gs in feed:
            step(params, [g.copy() for g in gs])
            history.append([p.copy() for p in params])
        return [np.array([h[i] for h in history]) for i in range(len(params))]
    grad_fn = {"rosenbrock": rosenbrock_grad, "quadratic": quadratic_grad}[problem]
    params = [np.array(start, dtype=np.float64)]
    step = make_step(params)
    history = []
    for _ in range(N_CLOSED):
        step(params, [grad_fn(params[0])])
        history.append(params[0].copy())
    return [np.array(history)]


# ---------------------------------------------------------------- the torch cases
def _case(name: str, torch_class: str, torch_kwargs: dict, numopt_key: str, numopt_kwargs: dict) -> dict:
    return {
        "name": name,
        "torch": {"class": torch_class, "kwargs": torch_kwargs},
        "numopt": {"key": numopt_key, "kwargs": numopt_kwargs},
    }


NADAM_DOZAT = 1e9
"""torch NAdam's momentum_decay: μ_t = β1 (1 − ½·0.96^(t·1e9)) = β1 exactly, i.e. numopt's dozat=True."""

# Every setting keeps the closed loops stable. In an unstable run (an effective step beyond
# 2/λ somewhere) the last-bit differences between two correct implementations, such as
# torch's lerp for an EWMA against β m + (1 − β) g, grow by a constant factor per step, and
# the comparison then says nothing about the update rule. Centered RMSProp with β = 0.8 at
# lr = 5e-3 is such a case on the quadratic: v − ḡ² gets small, the effective step grows,
# and a difference of 4e-16 at step 85 is 8e-9 at step 96.
TORCH_CASES = [
    _case("sgd_a", "SGD", {"lr": 1e-3}, "sgd", {"lr": 1e-3}),
    _case("sgd_b", "SGD", {"lr": 2.5e-4}, "sgd", {"lr": 2.5e-4}),
    _case("momentum_a", "SGD", {"lr": 5e-4, "momentum": 0.9, "dampening": 0.0}, "momentum", {"lr": 5e-4, "beta": 0.9}),
    _case("momentum_b", "SGD", {"lr": 2e-4, "momentum": 0.5, "dampening": 0.0}, "momentum", {"lr": 2e-4, "beta": 0.5}),
    _case(
        "nag_a", "SGD", {"lr": 5e-4, "momentum": 0.9, "dampening": 0.0, "nesterov": True},
        "nag", {"lr": 5e-4, "beta": 0.9},
    ),
    _case(
        "nag_b", "SGD", {"lr": 1e-4, "momentum": 0.95, "dampening": 0.0, "nesterov": True},
        "nag", {"lr": 1e-4, "beta": 0.95},
    ),
    _case("adagrad_a", "Adagrad", {"lr": 0.3}, "adagrad", {"lr": 0.3}),
    _case(
        "adagrad_b", "Adagrad", {"lr": 0.05, "eps": 1e-6, "initial_accumulator_value": 0.1},
        "adagrad", {"lr": 0.05, "eps": 1e-6, "initial_accumulator_value": 0.1},
    ),
    _case("rmsprop_a", "RMSprop", {"lr": 1e-2, "alpha": 0.9}, "rmsprop", {"lr": 1e-2, "beta": 0.9}),
    _case(
        "rmsprop_b", "RMSprop", {"lr": 5e-3, "alpha": 0.99, "eps": 1e-6},
        "rmsprop", {"lr": 5e-3, "beta": 0.99, "eps": 1e-6},
    ),
    _case(
        "rmsprop_centered_a", "RMSprop", {"lr": 1e-2, "alpha": 0.95, "centered": True},
        "rmsprop", {"lr": 1e-2, "beta": 0.95, "centered": True},
    ),
    _case(
        "rmsprop_centered_b", "RMSprop", {"lr": 5e-3, "alpha": 0.9, "eps": 1e-6, "centered": True},
        "rmsprop", {"lr": 5e-3, "beta": 0.9, "eps": 1e-6, "centered": True},
    ),
    _case("adadelta_a", "Adadelta", {"lr": 1.0, "rho": 0.9}, "adadelta", {"lr": 1.0, "rho": 0.9}),
    _case(
        "adadelta_b", "Adadelta", {"lr": 1.0, "rho": 0.99, "eps": 1e-5},
        "adadelta", {"lr": 1.0, "rho": 0.99, "eps": 1e-5},
    ),
    _case(
        "adam_a", "Adam", {"lr": 3e-2, "betas": [0.8, 0.99]},
        "adam", {"lr": 3e-2, "beta1": 0.8, "beta2": 0.99},
    ),
    _case("adam_b", "Adam", {"lr": 2e-2, "eps": 1e-6}, "adam", {"lr": 2e-2, "eps": 1e-6}),
    _case(
        "adam_l2_a", "Adam", {"lr": 1e-2, "weight_decay": 0.1},
        "adam", {"lr": 1e-2, "weight_decay": 0.1},
    ),
    _case(
        "adam_l2_b", "Adam", {"lr": 3e-3, "betas": [0.85, 0.995], "weight_decay": 0.01},
        "adam", {"lr": 3e-3, "beta1": 0.85, "beta2": 0.995, "weight_decay": 0.01},
    ),
    _case(
        "adamw_a", "AdamW", {"lr": 3e-2, "weight_decay": 0.1},
        "adamw", {"lr": 3e-2, "weight_decay": 0.1},
    ),
    _case(
        "adamw_b", "AdamW", {"lr": 3e-3, "betas": [0.85, 0.995], "weight_decay": 0.5},
        "adamw", {"lr": 3e-3, "beta1": 0.85, "beta2": 0.995, "weight_decay": 0.5},
    ),
    _case(
        "amsgrad_a", "Adam", {"lr": 3e-2, "amsgrad": True},
        "adam", {"lr": 3e-2, "amsgrad": True},
    ),
    _case(
        "amsgrad_b", "Adam", {"lr": 3e-3, "betas": [0.5, 0.9], "amsgrad": True},
        "adam", {"lr": 3e-3, "beta1": 0.5, "beta2": 0.9, "amsgrad": True},
    ),
    _case(
        "nadam_dozat_a", "NAdam", {"lr": 3e-2, "momentum_decay": NADAM_DOZAT},
        "nadam", {"lr": 3e-2, "dozat": True},
    ),
    _case(
        "nadam_dozat_b", "NAdam", {"lr": 3e-3, "betas": [0.8, 0.99], "eps": 1e-6, "momentum_decay": NADAM_DOZAT},
        "nadam", {"lr": 3e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "dozat": True},
    ),
]
"""Every torch.optim configuration, with the numopt key and arguments that must match it."""


def torch_stepper(case: dict) -> Callable[[list], Step]:
    """A ``make_step`` for :func:`trajectory` that runs the case's torch.optim class.

    The torch tensors share memory with the NumPy parameter arrays, so torch's in-place
    update is the trajectory. Float64 throughout: the default dtype is set to float64 so
    that torch's scalar state (step counts, NAdam's μ product) is float64 too, and the
    plain per-tensor loop is used (``foreach=False``).
    """
    import torch

    torch.set_default_dtype(torch.float64)
    cls = getattr(torch.optim, case["torch"]["class"])
    kwargs = dict(case["torch"]["kwargs"])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])

    def make_step(params: list) -> Step:
        tensors = [torch.from_numpy(p) for p in params]
        opt = cls(tensors, foreach=False, **kwargs)

        def step(params: list, grads: list) -> None:
            for tensor, g in zip(tensors, grads, strict=True):
                tensor.grad = torch.from_numpy(g)
            opt.step()

        return step

    return make_step


def run_torch_case(case: dict, stream: tuple) -> dict[str, list[np.ndarray]]:
    """The torch trajectories of one case on every problem, keyed by problem name."""
    return {problem: trajectory(torch_stepper(case), problem, stream) for problem in PROBLEM_NAMES}


def npz_key(case_name: str, problem: str, index: int) -> str:
    """The key of one trajectory array in ``golden.npz``."""
    return f"{case_name}/{problem}/{index}"


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as a compressed ``.npz`` that ``np.load`` reads, with the same bytes on every run.

    ``np.savez_compressed`` stamps each member with the current time; here every
    member gets 1980-01-01 and the members are sorted, so a rerun with the same
    torch gives a byte-identical file (and an unchanged ``git status``).
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, buffer.getvalue())


def main() -> None:
    """Run every torch case and write ``golden.json`` and ``golden.npz``."""
    import torch

    stream = teacher_stream()
    arrays = {}
    for i, (theta0, grads) in enumerate(zip(*stream, strict=True)):
        arrays[f"stream/theta0/{i}"] = theta0
        arrays[f"stream/grads/{i}"] = grads
    for case in TORCH_CASES:
        for problem, history in run_torch_case(case, stream).items():
            for i, h in enumerate(history):
                arrays[npz_key(case["name"], problem, i)] = h
    meta = {
        "written_by": "tests/reference/make_golden.py",
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
        "torch_settings": "torch.set_default_dtype(torch.float64); foreach=False",
        "stream": {
            "seed": STREAM_SEED,
            "recipe": STREAM_RECIPE,
            "shapes": [list(s) for s in SHAPES],
            "scales": [s.tolist() for s in SCALES],
            "mean": MEAN,
            "n_steps": N_TEACHER,
        },
        "closed_loop": {
            "n_steps": N_CLOSED,
            "start": list(START),
            "rosenbrock": "f(x, y) = (1 - x)^2 + 100 (y - x^2)^2",
            "quadratic": {"A": [list(r) for r in QUADRATIC_A], "minimum": list(QUADRATIC_MIN)},
        },
        "cases": TORCH_CASES,
    }
    GOLDEN_JSON.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    write_npz(GOLDEN_NPZ, arrays)
    size = GOLDEN_JSON.stat().st_size + GOLDEN_NPZ.stat().st_size
    print(f"wrote {len(TORCH_CASES)} cases with torch {torch.__version__}: {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
