"""Every algorithm and variant finds the known minimum of a convex quadratic.

f(θ) = ½ θᵀAθ − bᵀθ with A = diag(1, 10), b = (1, 2): the minimiser A⁻¹b = (1, 0.2)
is strictly positive, so EGU can reach it from a positive start. With L2 weight
decay λ (Adam, AdaX) the loss is f + ½λ‖θ‖², minimised at (A + λI)⁻¹b; the
decoupled variants (AdamW, AdaXW) are run with λ = 0, since their fixed point has
no closed form.

Tolerance: max |θ − θ*| ≤ 1e-9 after 1000 steps. At the hyperparameters below every
method converges linearly on this problem, so 1000 steps bring it to within a few
ulps (float64 floor ~1e-16); 1e-9 leaves margin for the slowest variant while
ruling out a wrong fixed point: L2 decay treated as decoupled, for instance, would
end ~1e-2 away from (A + λI)⁻¹b at λ = 0.1.
"""

from __future__ import annotations

import numpy as np

A = np.diag([1.0, 10.0])
B = np.array([1.0, 2.0])
START = np.array([2.0, 1.0])
STEPS = 1000
TOLERANCE = 1e-9

SUITABLE = {
    "sgd": {"lr": 0.15},  # < 2/λ_max = 0.2
    "momentum": {"lr": 0.05, "beta": 0.5},
    "nag": {"lr": 0.05, "beta": 0.5},
    "adagrad": {"lr": 0.5},
    "rmsprop": {"lr": lambda t: 0.1 / t},  # a constant step makes RMSProp hover at distance ~lr
    "adadelta": {},  # the paper's algorithm as it is
    "adam": {"lr": 0.05},
    "adamw": {"lr": 0.05, "weight_decay": 0.0},
    "nadam": {"lr": 0.05},
    "adax": {"lr": 0.05},
    "adaxw": {"lr": 0.05, "weight_decay": 0.0},
    "egu": {"lr": 0.15},
    "egsgd": {"lr": 0.05, "gamma": 0.01},  # small γ: the gain exp(γ Σ g g) stays moderate
    "funnel": {"lr": 0.05},
    "adamax": {"lr": 0.05},
    "radam": {"lr": 0.05},
    "rprop": {"step_sizes": (1e-12, 50.0)},  # torch's Δ_min = 1e-6 stops it ~1e-7 away
    "asgd": {"lr": 0.15, "lambd": 0.0},  # λ shrinks θ towards 0: its fixed point is not the minimiser
    "adafactor": {"lr": 0.05},
    "lbfgs": {"tolerance_grad": 0.0, "tolerance_change": 0.0},  # torch's tolerances stop it ~1e-5 away
    "muon": {"lr": lambda t: 0.2 * 0.98**t, "weight_decay": 0.0},  # a step of norm ~η: η must shrink
    "sparse_adam": {"lr": 0.05},
    "lion": {"lr": lambda t: 0.2 * 0.97**t},  # sign methods: steps of size η, which must shrink
    "signum": {"lr": lambda t: 0.2 * 0.97**t},
    "adabelief": {"lr": 0.05},
    "yogi": {"lr": 0.05},
    "lamb": {"lr": lambda t: 0.2 * 0.97**t, "weight_decay": 0.0},  # steps of η‖θ‖; λ moves the fixed point
    "lars": {"lr": lambda t: 50 * 0.98**t},  # steps of about ηκ‖θ‖ (κ = 0.001)
    "schedule_free": {"lr": 0.05},
    "lookahead": {"lr": 0.05},  # Adam's, inside
}

SLOWER = {"schedule_free": 2e-3}
"""Tolerances of the methods that do not converge linearly here. Schedule-free's θ = βx + (1 − β)z with x the
uniform average of the z's: while z converges linearly, x (and θ) converge like (Σ_k ‖z_k − θ*‖)/t, i.e. ~C/t
(measured 1.26e-3 at t = 1000 for both variants; 5.8e-8 at t = 3000 on tests/test_run.py's quadratic)."""
"""Hyperparameters at which each algorithm converges on this quadratic (the rest: the variant's)."""


def test_every_algorithm_has_suitable_hyperparameters(algorithm) -> None:
    assert algorithm.key in SUITABLE


def test_converges_to_the_minimiser(variant) -> None:
    overrides = SUITABLE[variant.key]
    opt = variant.make(**overrides)
    decay = opt.weight_decay if variant.key in ("adam", "adax", "adamax", "radam", "lars") else 0.0  # L2
    if variant.key in ("adamw", "adaxw"):
        assert opt.weight_decay == 0.0
    minimiser = np.linalg.solve(A + decay * np.eye(2), B)
    theta = START.copy()
    for _ in range(STEPS):
        opt.step(theta, A @ theta - B)
    np.testing.assert_allclose(theta, minimiser, rtol=0, atol=SLOWER.get(variant.key, TOLERANCE))
