"""Write golden data for the algorithms beyond the source documents (issue 24): torch.optim and optax, float64.

Run it in a separate environment that has torch, jax and optax (never numopt dependencies;
jax on CPU, with 64-bit floats switched on)::

    python3 -m venv /tmp/gold
    /tmp/gold/bin/pip install torch==2.13.0 jax optax numpy
    /tmp/gold/bin/pip install -e .
    /tmp/gold/bin/python tests/reference/make_golden_beyond.py

It writes ``golden_beyond.json`` (versions, recipe, and per case the torch class and
arguments next to the numopt key and arguments) and ``golden_beyond.npz`` (the stream and
every trajectory), next to this file. ``tests/test_reference_beyond.py`` replays them
without torch or jax and re-runs them live under ``pytest -m torch`` and ``pytest -m optax``.

The parameters are a matrix W (3 × 2) and a vector b (2,), float64. Two problems:

* ``teacher``: a seeded stream of ``N_STEPS`` gradients fed whatever the parameters are;
  about a third of its entries are exactly 0 (SparseAdam's untouched entries, Rprop's
  "no sign" case);
* ``quadratic``: closed loop on f(W, b) = ½ ‖X W − Y‖² + ½ (b − b*)ᵀ Q (b − b*), whose
  gradient (Xᵀ(X W − Y), Q (b − b*)) couples the entries of W and of b.

Two torch classes need a word (see the modules' docstrings):

* LBFGS flattens all parameters into one history; numopt keeps one per array, so the
  torch side runs one ``LBFGS(max_iter=1)`` per parameter array.
* Muon takes matrices only (the torch side gets W alone) and runs its Newton–Schulz
  iteration in bfloat16; the generation runs torch's Muon with ``Tensor.bfloat16``
  returning a copy in the working precision inside ``step``, everything else torch's own code.
"""

from __future__ import annotations

import contextlib
import json
import platform
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

try:
    from make_golden import write_npz
except ImportError:  # imported by the tests as reference.make_golden_beyond
    from .make_golden import write_npz

HERE = Path(__file__).resolve().parent
GOLDEN_JSON = HERE / "golden_beyond.json"
GOLDEN_NPZ = HERE / "golden_beyond.npz"

PROBLEM_NAMES = ("teacher", "quadratic")
N_STEPS = 30
SHAPES = ((3, 2), (2,))
STREAM_SEED = 20261204
ZERO_FRACTION = 0.3
STREAM_RECIPE = (
    "rng = numpy.random.default_rng(seed); theta0[i] = rng.uniform(-1, 1, SHAPES[i]) for each i; then for each "
    "step and each i: g[i] = (0.5 + rng.standard_normal(SHAPES[i])) * (rng.uniform(size=SHAPES[i]) >= ZERO_FRACTION)"
)
X = ((1.0, 0.5, 0.0), (0.0, 1.0, 0.3), (0.2, 0.0, 2.0), (1.0, 1.0, 1.0))
Y = ((1.0, -1.0), (0.5, 2.0), (-1.0, 0.0), (0.0, 1.0))
Q = ((3.0, 1.0), (1.0, 2.0))
B_MIN = (0.5, -1.5)
START = (((0.3, -0.2), (0.1, 0.4), (-0.5, 0.2)), (1.0, 1.0))


def teacher_stream(seed: int = STREAM_SEED) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The teacher-forced stream (``STREAM_RECIPE``): initial params, and per array its gradients stacked over steps."""
    rng = np.random.default_rng(seed)
    theta0 = [rng.uniform(-1.0, 1.0, shape) for shape in SHAPES]
    steps = [
        [(0.5 + rng.standard_normal(shape)) * (rng.uniform(size=shape) >= ZERO_FRACTION) for shape in SHAPES]
        for _ in range(N_STEPS)
    ]
    return theta0, [np.array([step[i] for step in steps]) for i in range(len(SHAPES))]


def quadratic_grads(params: list[np.ndarray]) -> list[np.ndarray]:
    """(Xᵀ(X W − Y), Q (b − b*)), written out with explicit sums so every machine gets the same bits."""
    w, b = params
    x, y, q = np.array(X), np.array(Y), np.array(Q)
    residual = np.array([[sum(x[r, k] * w[k, j] for k in range(3)) - y[r, j] for j in range(2)] for r in range(4)])
    grad_w = np.array([[sum(x[r, i] * residual[r, j] for r in range(4)) for j in range(2)] for i in range(3)])
    d = [b[0] - B_MIN[0], b[1] - B_MIN[1]]
    grad_b = np.array([q[0, 0] * d[0] + q[0, 1] * d[1], q[1, 0] * d[0] + q[1, 1] * d[1]])
    return [grad_w, grad_b]


Step = Callable[[list, list], None]


def trajectory(make_step: Callable[[list], Step], problem: str, arrays: tuple[int, ...] = (0, 1),
               stream: tuple[list, list] | None = None) -> list[np.ndarray]:
    """The parameters after every step (one ``(N_STEPS, *shape)`` array per parameter array in ``arrays``).

    ``make_step(params)`` returns ``step(params, grads)``; ``arrays`` picks W (0), b (1) or both.
    """
    theta0, grads = stream if stream is not None else teacher_stream()
    start = theta0 if problem == "teacher" else [np.array(a, dtype=np.float64) for a in START]
    params = [np.array(start[i], dtype=np.float64) for i in arrays]
    step = make_step(params)
    history = []
    for k in range(N_STEPS):
        if problem == "teacher":
            gs = [grads[i][k].copy() for i in arrays]
        else:
            full = quadratic_grads([params[arrays.index(i)] if i in arrays else np.array(START[i]) for i in (0, 1)])
            gs = [full[i] for i in arrays]
        step(params, gs)
        history.append([p.copy() for p in params])
    return [np.array([h[i] for h in history]) for i in range(len(params))]


def _case(name: str, torch_class: str, torch_kwargs: dict, key: str, kwargs: dict, arrays=(0, 1)) -> dict:
    return {"name": name, "torch": {"class": torch_class, "kwargs": torch_kwargs},
            "numopt": {"key": key, "kwargs": kwargs}, "arrays": list(arrays)}


CASES = [
    _case("adamax_default", "Adamax", {}, "adamax", {}),
    _case("adamax_b", "Adamax", {"lr": 0.05, "betas": [0.8, 0.99], "weight_decay": 0.1},
          "adamax", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "weight_decay": 0.1}),
    _case("radam_default", "RAdam", {}, "radam", {}),
    _case("radam_b", "RAdam", {"lr": 0.05, "betas": [0.8, 0.9], "weight_decay": 0.1, "decoupled_weight_decay": True},
          "radam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "weight_decay": 0.1, "decoupled": True}),
    _case("rprop_default", "Rprop", {}, "rprop", {}),
    _case("rprop_b", "Rprop", {"lr": 0.1, "etas": [0.3, 1.5], "step_sizes": [1e-3, 0.5]},
          "rprop", {"lr": 0.1, "eta_minus": 0.3, "eta_plus": 1.5, "step_sizes": [1e-3, 0.5]}),
    _case("asgd_default", "ASGD", {}, "asgd", {}),
    _case("asgd_b", "ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1},
          "asgd", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1}),
    _case("adafactor_default", "Adafactor", {}, "adafactor", {}),
    _case("adafactor_b", "Adafactor", {"lr": 0.2, "beta2_decay": -0.5, "eps": [1e-20, 1e-2], "d": 2.0,
                                       "weight_decay": 0.1},
          "adafactor", {"lr": 0.2, "beta2_decay": -0.5, "eps1": 1e-20, "eps2": 1e-2, "d": 2.0, "weight_decay": 0.1}),
    _case("lbfgs_default", "LBFGS", {"max_iter": 1}, "lbfgs", {}),
    _case("lbfgs_b", "LBFGS", {"max_iter": 1, "lr": 0.5, "history_size": 3}, "lbfgs", {"lr": 0.5, "history_size": 3}),
    _case("muon_default", "Muon", {}, "muon", {}, arrays=(0,)),
    _case("muon_b", "Muon", {"lr": 0.05, "momentum": 0.8, "nesterov": False, "weight_decay": 0.0},
          "muon", {"lr": 0.05, "beta": 0.8, "nesterov": False, "weight_decay": 0.0}, arrays=(0,)),
    _case("sparse_adam_default", "SparseAdam", {}, "sparse_adam", {}),
    _case("sparse_adam_b", "SparseAdam", {"lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-6},
          "sparse_adam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
]
"""Every torch.optim configuration with the numopt key and arguments that must match it (defaults first)."""

OPTAX_CASES = [
    _case("lion_default", "lion", {"learning_rate": 1e-4, "weight_decay": 0.0}, "lion", {}),
    _case("lion_b", "lion", {"learning_rate": 0.01, "b1": 0.8, "b2": 0.95, "weight_decay": 0.1},
          "lion", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95, "weight_decay": 0.1}),
    _case("signum_default", "signum", {"learning_rate": 1e-4}, "signum", {}),
    _case("signum_b", "signum", {"learning_rate": 0.01, "beta": 0.5}, "signum", {"lr": 0.01, "beta": 0.5}),
    _case("adabelief_default", "adabelief", {"learning_rate": 1e-3}, "adabelief", {}),
    _case("adabelief_b", "adabelief", {"learning_rate": 0.05, "b1": 0.8, "b2": 0.95, "eps": 1e-8, "eps_root": 1e-8},
          "adabelief", {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8}),
    _case("yogi_default", "yogi", {"learning_rate": 0.01}, "yogi", {}),
    _case("yogi_b", "scale_by_yogi", {"learning_rate": 0.05, "b1": 0.8, "b2": 0.9, "eps": 1e-4,
                                      "initial_accumulator_value": 0.01},
          "yogi", {"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 1e-4, "initial_accumulator_value": 0.01}),
    _case("lamb_default", "lamb", {"learning_rate": 1e-3, "weight_decay": 0.01}, "lamb", {}),
    _case("lamb_b", "lamb", {"learning_rate": 0.05, "b1": 0.8, "b2": 0.95, "eps": 1e-8, "weight_decay": 0.1},
          "lamb", {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.1}),
    _case("lars_default", "lars", {"learning_rate": 1.0, "weight_decay": 5e-4}, "lars", {}),
    _case("schedule_free_default", "contrib.schedule_free_adamw", {"learning_rate": 0.0025}, "schedule_free", {}),
    _case("schedule_free_b", "contrib.schedule_free_adamw",
          {"learning_rate": 0.05, "b1": 0.8, "b2": 0.95, "eps": 1e-6, "weight_decay": 0.1},
          "schedule_free", {"lr": 0.05, "beta": 0.8, "beta2": 0.95, "eps": 1e-6, "weight_decay": 0.1}),
    _case("schedule_free_sgd", "contrib.schedule_free_sgd", {"learning_rate": 0.05, "b1": 0.8, "weight_decay": 0.1},
          "schedule_free", {"lr": 0.05, "beta": 0.8, "weight_decay": 0.1, "adam": False}),
    _case("lars_b", "lars", {"learning_rate": 0.5, "weight_decay": 0.01, "trust_coefficient": 0.01, "momentum": 0.5},
          "lars", {"lr": 0.5, "weight_decay": 0.01, "trust_coefficient": 0.01, "momentum": 0.5}),
    _case("lookahead_default", "lookahead", {"adam": {"learning_rate": 1e-3}, "sync_period": 5, "slow_step_size": 0.5},
          "lookahead", {}),
    _case("lookahead_b", "lookahead", {"adam": {"learning_rate": 0.05}, "sync_period": 3, "slow_step_size": 0.8},
          "lookahead", {"lr": 0.05, "k": 3, "alpha": 0.8}),
]
"""Every optax configuration ("torch" holds the optax function and its arguments) with numopt's key and arguments.

Each default case passes numopt's defaults to optax explicitly (optax has no default learning
rate, and Lion's and LARS's weight decay defaults differ); ``scale_by_yogi`` is chained with
``scale_by_learning_rate``, to set Yogi's initial accumulator, which ``optax.yogi`` fixes at 1e-6.
``lookahead`` wraps ``optax.adam`` with the arguments under ``"adam"`` (numopt's default inner
optimizer, whose ``lr`` is Lookahead's); its params are the pair ``LookaheadParams(fast, slow)``,
the gradient is taken at the fast ones and the fast ones are written back (numopt's θ)."""

FOREACH = {"Adamax", "RAdam", "Rprop", "ASGD", "Adafactor"}
"""The classes that take ``foreach``: the plain per-tensor loop is asked for."""


@contextlib.contextmanager
def _muon_in_working_precision(torch) -> Iterator[None]:
    """Inside the block ``Tensor.bfloat16`` returns a copy in the working precision (torch's Muon casts to bfloat16)."""
    original = torch.Tensor.bfloat16
    torch.Tensor.bfloat16 = lambda self, *args, **kwargs: self.clone()  # a copy, as the cast makes
    try:
        yield
    finally:
        torch.Tensor.bfloat16 = original


def torch_stepper(case: dict) -> Callable[[list], Step]:
    """A ``make_step`` running the case's torch.optim class on tensors that share the NumPy arrays' memory."""
    import torch

    torch.set_default_dtype(torch.float64)
    name = case["torch"]["class"]
    cls = getattr(torch.optim, name)
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in case["torch"]["kwargs"].items()}
    if name in FOREACH:
        kwargs["foreach"] = False

    def make_step(params: list) -> Step:
        tensors = [torch.from_numpy(p) for p in params]
        optimizers = [cls([x], **kwargs) for x in tensors] if name == "LBFGS" else [cls(tensors, **kwargs)]

        def step(params: list, grads: list) -> None:
            for tensor, g in zip(tensors, grads, strict=True):
                grad = torch.from_numpy(g)
                tensor.grad = grad.to_sparse() if name == "SparseAdam" else grad
            for opt in optimizers:
                if name == "LBFGS":
                    opt.step(lambda: torch.zeros(()))
                elif name == "Muon":
                    with _muon_in_working_precision(torch):
                        opt.step()
                else:
                    opt.step()

        return step

    return make_step


def optax_stepper(case: dict) -> Callable[[list], Step]:
    """A ``make_step`` running the case's optax transformation in float64, writing back into the NumPy arrays."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import optax

    name, kwargs = case["torch"]["class"], dict(case["torch"]["kwargs"])
    if name == "scale_by_yogi":
        lr = kwargs.pop("learning_rate")
        transform = optax.chain(optax.scale_by_yogi(**kwargs), optax.scale_by_learning_rate(lr))
    elif name == "lookahead":
        return _optax_lookahead_stepper(optax.lookahead(optax.adam(**kwargs.pop("adam")), **kwargs))
    else:
        module, _, function = name.rpartition(".")
        transform = getattr(getattr(optax, module) if module else optax, function)(**kwargs)

    def make_step(params: list) -> Step:
        state = transform.init([jnp.asarray(p) for p in params])

        def step(params: list, grads: list) -> None:
            nonlocal state
            current = [jnp.asarray(p) for p in params]
            updates, state = transform.update([jnp.asarray(g) for g in grads], state, current)
            for p, new in zip(params, optax.apply_updates(current, updates), strict=True):
                p[...] = np.asarray(new)

        return step

    return make_step


def _optax_lookahead_stepper(transform) -> Callable[[list], Step]:
    """A ``make_step`` for ``optax.lookahead``: it keeps the (fast, slow) pair and writes the fast params back."""
    import jax.numpy as jnp
    import optax

    def make_step(params: list) -> Step:
        pair = optax.LookaheadParams.init_synced([jnp.asarray(p) for p in params])
        state = transform.init(pair)

        def step(params: list, grads: list) -> None:
            nonlocal pair, state
            updates, state = transform.update([jnp.asarray(g) for g in grads], state, pair)
            pair = optax.apply_updates(pair, updates)
            for p, new in zip(params, pair.fast, strict=True):
                p[...] = np.asarray(new)

        return step

    return make_step


def npz_key(case_name: str, problem: str, index: int) -> str:
    """The key of one trajectory array in ``golden_beyond.npz``."""
    return f"{case_name}/{problem}/{index}"


def run_torch_case(case: dict, stream: tuple) -> dict[str, list[np.ndarray]]:
    """The torch trajectories of one case, keyed by problem name."""
    arrays = tuple(case["arrays"])
    return {p: trajectory(torch_stepper(case), p, arrays, stream) for p in PROBLEM_NAMES}


def run_optax_case(case: dict, stream: tuple) -> dict[str, list[np.ndarray]]:
    """The optax trajectories of one case, keyed by problem name."""
    arrays = tuple(case["arrays"])
    return {p: trajectory(optax_stepper(case), p, arrays, stream) for p in PROBLEM_NAMES}


def main() -> None:
    """Run every case with torch or optax and write ``golden_beyond.json`` and ``golden_beyond.npz``."""
    import jax
    import optax
    import torch

    stream = teacher_stream()
    arrays = {}
    for i, (theta0, grads) in enumerate(zip(*stream, strict=True)):
        arrays[f"stream/theta0/{i}"] = theta0
        arrays[f"stream/grads/{i}"] = grads
    runs = [(case, run_torch_case) for case in CASES] + [(case, run_optax_case) for case in OPTAX_CASES]
    for case, run_case in runs:
        for problem, history in run_case(case, stream).items():
            for i, h in enumerate(history):
                arrays[npz_key(case["name"], problem, i)] = h
    meta = {
        "written_by": "tests/reference/make_golden_beyond.py",
        "torch_version": torch.__version__,
        "jax_version": jax.__version__,
        "optax_version": optax.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
        "torch_settings": "torch.set_default_dtype(torch.float64); foreach=False where accepted; "
                          "LBFGS: one optimizer per parameter array; Muon: W only, bfloat16 cast disabled",
        "stream": {"seed": STREAM_SEED, "recipe": STREAM_RECIPE, "shapes": [list(s) for s in SHAPES],
                   "zero_fraction": ZERO_FRACTION, "n_steps": N_STEPS},
        "quadratic": {"X": X, "Y": Y, "Q": Q, "b_min": B_MIN, "start": START, "n_steps": N_STEPS},
        "cases": CASES,
        "optax_settings": "jax_enable_x64 on, CPU; optax.apply_updates",
        "optax_cases": OPTAX_CASES,
    }
    GOLDEN_JSON.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    write_npz(GOLDEN_NPZ, arrays)
    print(f"wrote {len(CASES)} torch {torch.__version__} and {len(OPTAX_CASES)} optax {optax.__version__} cases")


if __name__ == "__main__":
    main()
