"""Write the learning rates of torch's schedulers that ``tests/test_schedules.py`` compares with numopt's.

Each numopt schedule's docstring names its torch equivalent; this records, for one setting of
each, the learning rate torch uses at steps t = 1, 2, ... (the optimizer's lr before the t-th
``scheduler.step()``). Run it with an interpreter that has torch (numopt does not depend on it)::

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0
    /tmp/torchvenv/bin/python tests/reference/make_schedules_golden.py

It writes ``schedules_torch.json`` next to this file.
"""

from __future__ import annotations

import json
from pathlib import Path

STEPS = 14
BASE_LR = 0.1
CASES = {  # name: the torch scheduler built on an SGD optimizer with lr = BASE_LR, as Python source
    "step": "StepLR(opt, step_size=3, gamma=0.5)",
    "exponential": "ExponentialLR(opt, gamma=0.9)",
    "inverse_time": "LambdaLR(opt, lr_lambda=lambda k: 1 / (1 + 0.5 * k))",
    "cosine": "CosineAnnealingLR(opt, T_max=5, eta_min=0.01)",
    "warmup_cosine_chained": "ChainedScheduler([LinearLR(opt, start_factor=1 / 4, total_iters=3), "
                             "CosineAnnealingLR(opt, T_max=10)])",
    "warmup_cosine_sequential": "SequentialLR(opt, [LinearLR(opt, start_factor=1 / 4, total_iters=3), "
                                "CosineAnnealingLR(opt, T_max=10)], milestones=[4])",
}


def learning_rates(source: str) -> list[float]:
    """The lr torch uses at steps 1..STEPS under the scheduler that ``source`` builds."""
    import torch
    from torch.optim import lr_scheduler

    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=BASE_LR)
    scheduler = eval(source, {"opt": opt, **vars(lr_scheduler)})  # the fixed sources of CASES
    used = []
    for _ in range(STEPS):
        used.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return used


def main() -> None:
    import torch

    golden = {"torch": torch.__version__, "base_lr": BASE_LR,
              "cases": {name: {"torch": source, "lr": learning_rates(source)} for name, source in CASES.items()}}
    (Path(__file__).resolve().parent / "schedules_torch.json").write_text(json.dumps(golden, indent=1) + "\n")


if __name__ == "__main__":
    main()
