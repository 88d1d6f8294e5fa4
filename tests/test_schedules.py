"""numopt.schedules: each schedule against values computed by hand, and used as an optimizer's ``lr``."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import numopt
from numopt import schedules


def values(schedule, n):
    return [schedule(t) for t in range(1, n + 1)]


def test_step_decay_hand_values():
    # every 3 steps halve: 0.1 for t = 1..3, 0.05 for 4..6, 0.025 from 7
    assert values(schedules.StepDecay(0.1, every=3, factor=0.5), 7) == pytest.approx(
        [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], rel=1e-15
    )


def test_exponential_hand_values():
    assert values(schedules.Exponential(2.0, gamma=0.5), 4) == pytest.approx([2.0, 1.0, 0.5, 0.25], rel=1e-15)


def test_inverse_time_hand_values():
    # 1/(1 + 0.5 (t − 1)): 1, 1/1.5, 1/2, 1/2.5
    assert values(schedules.InverseTime(1.0, decay=0.5), 4) == pytest.approx([1.0, 2 / 3, 0.5, 0.4], rel=1e-15)


def test_cosine_hand_values():
    # steps = 4: progress 0, 1/4, 1/2, 3/4, 1, then clamped; cos(π/4) = √2/2
    s = schedules.Cosine(1.0, steps=4, lr_min=0.2)
    half = math.sqrt(2) / 2
    expected = [1.0, 0.2 + 0.4 * (1 + half), 0.6, 0.2 + 0.4 * (1 - half), 0.2, 0.2, 0.2]
    assert values(s, 7) == pytest.approx(expected, rel=1e-14, abs=1e-15)


def test_warmup_hand_values_with_a_constant_and_a_schedule():
    assert values(schedules.Warmup(0.4, steps=4), 6) == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.4, 0.4], rel=1e-15)
    inner = schedules.Exponential(1.0, gamma=0.5)
    # (t/2) · 0.5^(t−1) for t < 2, then 0.5^(t−1): 0.5, 0.5, 0.25
    assert values(schedules.Warmup(inner, steps=2), 3) == pytest.approx([0.5, 0.5, 0.25], rel=1e-15)


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.StepDecay(0.1, every=2, factor=0.5),
        schedules.Exponential(0.1, gamma=0.9),
        schedules.InverseTime(0.1, decay=1.0),
        schedules.Cosine(0.1, steps=3),
        schedules.Warmup(0.1, steps=3),
    ],
    ids=repr,
)
def test_sgd_with_a_schedule_takes_the_scheduled_step(schedule):
    """SGD's step t is θ − η_t g, with η_t = lr(t) and t counted from 1."""
    theta = np.array([1.0, -2.0])
    g = np.array([0.5, 4.0])
    opt = numopt.SGD(lr=schedule)
    hand = theta.copy()
    for t in range(1, 6):
        hand = hand - schedule(t) * g
        opt.step(theta, g)
        np.testing.assert_allclose(theta, hand, rtol=1e-15)


# ------------------------------------------------ the torch equivalents the docstrings name
TORCH = json.loads((Path(__file__).resolve().parent / "reference" / "schedules_torch.json").read_text())
"""torch's learning rates for one setting of each schedule (tests/reference/make_schedules_golden.py)."""
SAME_AS_TORCH = {  # case: (the numopt schedule the docstring says it equals, up to which step)
    "step": (schedules.StepDecay(0.1, every=3, factor=0.5), None),
    "exponential": (schedules.Exponential(0.1, gamma=0.9), None),
    "inverse_time": (schedules.InverseTime(0.1, decay=0.5), None),
    "cosine": (schedules.Cosine(0.1, steps=5, lr_min=0.01), 6),  # until t = steps + 1
    "warmup_cosine_chained": (schedules.Warmup(schedules.Cosine(0.1, steps=10), steps=4), 11),
}


@pytest.mark.parametrize("case", SAME_AS_TORCH, ids=str)
def test_each_schedule_equals_the_torch_scheduler_its_docstring_names(case):
    schedule, until = SAME_AS_TORCH[case]
    torch_lr = TORCH["cases"][case]["lr"][:until]
    assert values(schedule, len(torch_lr)) == pytest.approx(torch_lr, rel=1e-12, abs=1e-15), TORCH["cases"][case]
    assert TORCH["base_lr"] == 0.1


def test_after_its_steps_cosine_holds_lr_min_where_torch_turns_back_up():
    torch_lr = TORCH["cases"]["cosine"]["lr"]  # T_max = 5, eta_min = 0.01: the floor at t = 6
    ours = values(schedules.Cosine(0.1, steps=5, lr_min=0.01), len(torch_lr))
    assert ours[6:] == [0.01] * (len(torch_lr) - 6)
    assert all(later > 0.01 + 1e-3 for later in torch_lr[6:]) and torch_lr[10] == pytest.approx(0.1, rel=1e-12)


def test_warmup_is_torch_chained_scheduler_not_sequential_lr():
    """SequentialLR starts the cosine afresh after the ramp; Warmup multiplies the same t's cosine."""
    ours = values(schedules.Warmup(schedules.Cosine(0.1, steps=10), steps=4), 11)
    sequential = TORCH["cases"]["warmup_cosine_sequential"]["lr"][:11]
    assert ours[0] == pytest.approx(sequential[0], rel=1e-12)  # both start at lr/4
    assert sequential[4] == pytest.approx(0.1, rel=1e-12) and ours[4] < 0.07  # a fresh cosine, or t = 5's
    assert all(abs(a - b) > 1e-3 for a, b in zip(ours[1:10], sequential[1:10], strict=True))
