r"""Learning-rate schedules: callables ``lr(t)`` to pass as an optimizer's ``lr=``.

Every optimizer accepts ``lr=`` a float or a callable of the step ``t``; the first
step calls it with ``t = 1`` (as ``opt.t`` counts). Each schedule here is a small
class whose docstring gives its formula in that convention::

    opt = numopt.SGD(lr=numopt.schedules.InverseTime(0.1, decay=0.01))
    opt.step(theta, g)   # uses η_1 = 0.1; the next step η_2 = 0.1/1.01, ...

| schedule | η_t |
|---|---|
| ``StepDecay(lr, every, factor)`` | lr · factor^⌊(t − 1)/every⌋ |
| ``Exponential(lr, gamma)`` | lr · γ^(t − 1) |
| ``InverseTime(lr, decay)`` | lr / (1 + decay · (t − 1)) |
| ``Cosine(lr, steps, lr_min)`` | lr_min + ½(lr − lr_min)(1 + cos(π · min(t − 1, steps)/steps)) |
| ``Warmup(after, steps)`` | after(t) · min(1, t/steps) |

All start at η_1 = lr (``Warmup`` at after(1)/steps). The arguments are checked
when the schedule is made (``lr >= 0`` finite, whole ``every`` and ``steps >= 1``,
``factor`` and ``gamma`` in [0, 1], ``decay >= 0``, ``0 <= lr_min <= lr``), so every
value η_t is a finite float >= 0 for every t >= 1. Lesson 01 shows why a decaying
schedule matters: with a constant η, SGD's expected loss stalls at a floor
proportional to η (``theory.sgd_noise_floor``); a schedule with η_t → 0 goes below it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .checks import real, whole

__all__ = ["Cosine", "Exponential", "InverseTime", "StepDecay", "Warmup"]


class StepDecay:
    """η_t = lr · factor^⌊(t − 1)/every⌋: constant for ``every`` steps, then multiplied by ``factor``.

    torch: ``StepLR(step_size=every, gamma=factor)``.
    """

    def __init__(self, lr: float, every: int, factor: float = 0.1) -> None:
        self.lr, self.every = real("lr", lr, 0.0), whole("every", every, 1)
        self.factor = real("factor", factor, 0.0, 1.0)

    def __call__(self, t: int) -> float:
        return self.lr * self.factor ** ((t - 1) // self.every)

    def __repr__(self) -> str:
        return f"StepDecay(lr={self.lr:g}, every={self.every}, factor={self.factor:g})"


class Exponential:
    """η_t = lr · γ^(t − 1): multiplied by γ every step.

    torch: ``ExponentialLR(gamma=gamma)``.
    """

    def __init__(self, lr: float, gamma: float) -> None:
        self.lr, self.gamma = real("lr", lr, 0.0), real("gamma", gamma, 0.0, 1.0)

    def __call__(self, t: int) -> float:
        return self.lr * self.gamma ** (t - 1)

    def __repr__(self) -> str:
        return f"Exponential(lr={self.lr:g}, gamma={self.gamma:g})"


class InverseTime:
    """η_t = lr / (1 + decay · (t − 1)): the 1/t decay of Robbins and Monro (Σ η_t = ∞, Σ η_t² < ∞).

    torch has no class for it: ``LambdaLR(lr_lambda=lambda k: 1 / (1 + decay * k))``, whose
    counter k = t − 1 starts at 0.
    """

    def __init__(self, lr: float, decay: float) -> None:
        self.lr, self.decay = real("lr", lr, 0.0), real("decay", decay, 0.0)

    def __call__(self, t: int) -> float:
        return self.lr / (1 + self.decay * (t - 1))

    def __repr__(self) -> str:
        return f"InverseTime(lr={self.lr:g}, decay={self.decay:g})"


class Cosine:
    """η_t = lr_min + ½(lr − lr_min)(1 + cos(π · min(t − 1, steps)/steps)).

    Half a cosine from lr at t = 1 down to lr_min at t = steps + 1, then lr_min.

    torch: ``CosineAnnealingLR(T_max=steps, eta_min=lr_min)`` up to t = steps + 1; after that
    torch's cosine turns back up towards lr (a period of 2·steps), while this one holds lr_min.
    """

    def __init__(self, lr: float, steps: int, lr_min: float = 0.0) -> None:
        self.lr, self.steps = real("lr", lr, 0.0), whole("steps", steps, 1)
        self.lr_min = real("lr_min", lr_min, 0.0, self.lr)

    def __call__(self, t: int) -> float:
        progress = min(t - 1, self.steps) / self.steps
        return self.lr_min + 0.5 * (self.lr - self.lr_min) * (1 + math.cos(math.pi * progress))

    def __repr__(self) -> str:
        return f"Cosine(lr={self.lr:g}, steps={self.steps}, lr_min={self.lr_min:g})"


class Warmup:
    """η_t = after(t) · min(1, t/steps): a linear ramp over the first ``steps`` steps.

    ``after`` is a float or another schedule; from t = ``steps`` on, η_t = after(t).
    The ramp multiplies after(t) at the same t, so a cosine after it is not shifted: torch's
    ``ChainedScheduler([LinearLR(start_factor=1/steps, total_iters=steps - 1), ...])``, not
    ``SequentialLR``, which would start ``after`` afresh when the ramp ends.
    """

    def __init__(self, after: float | Callable[[int], float], steps: int) -> None:
        self.after = after if callable(after) else real("after", after, 0.0)
        self.steps = whole("steps", steps, 1)

    def __call__(self, t: int) -> float:
        base = self.after(t) if callable(self.after) else self.after
        return base * min(1.0, t / self.steps)

    def __repr__(self) -> str:
        return f"Warmup({self.after!r}, steps={self.steps})"
