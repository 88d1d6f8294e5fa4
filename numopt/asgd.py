r"""ASGD: SGD with a decaying step size and the running average of its iterates kept as state.

Algorithm (Polyak & Juditsky 1992; Bottou 2012; torch.optim.ASGD)
----------------------------------------------------------------
Given η, λ, α, t_0, the weight decay w and θ̄_0 = 0, step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(w > 0)`` runs only
with weight decay, ``(μ_t = 1)`` only while the average is still a copy)::

    η_t ← η / (1 + λ η (t − 1))^{α}
    μ_t ← 1 / max(1, t − 1 − t_0)
    (w > 0)       g_t ← g_t + w θ_{t-1}
    θ_t ← θ_{t-1} (1 − λ η_t) − η_t g_t
    (μ_t = 1)     θ̄_t ← θ_t
    (otherwise)   θ̄_t ← θ̄_{t-1} + μ_t (θ_t − θ̄_{t-1})

θ_t is the SGD iterate (with a step size that decays like t^(−α) and a
shrinkage λ); θ̄_t, the state ``theta_bar``, is the average of the iterates
after step t_0 + 1: the point Polyak–Juditsky averaging returns. The average
is what one evaluates: read it as ``opt.state["theta_bar"]``. With the
default t_0 = 10⁶ it is a copy of θ for the first million steps.

Symbols and variables
---------------------
======  ================  ==================================================
symbol  variable          meaning
======  ================  ==================================================
η       ``lr``            initial step size (float or callable ``lr(t)``)
λ       ``lambd``         decay term of the step size and shrinkage of θ
α       ``alpha``         power of the step-size decay
t_0     ``t0``            the step after which averaging starts
w       ``weight_decay``  L2 penalty added to the gradient
η_t     ``eta_t``         step size of step t
μ_t     ``mu_t``          weight of the new iterate in the average
θ̄_t     ``theta_bar``     the averaged iterate (state; torch: ``ax``)
======  ================  ==================================================

Defaults and where they come from
---------------------------------
``lr=0.01, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0``: torch.optim.ASGD.

Conventions
-----------
* η_t and μ_t are functions of t (torch keeps them as per-parameter state,
  computed at the end of the previous step from the same formulas with the
  step count t − 1; η_1 = η and μ_1 = 1).
* θ̄ starts at 0 and becomes θ at the first step (μ_1 = 1).

Differences from torch.optim and optax
--------------------------------------
* torch.optim.ASGD: the same update for a constant ``lr``. With a schedule,
  torch's η_t uses the ``lr`` of step t − 1 (it is computed at the end of that
  step); numopt uses ``lr(t)``.
* optax has no ASGD (``optax.contrib`` has none either); Polyak averaging of
  any optimizer's iterates is ``optax.ema``-like tracking outside the update.

References
----------
B. T. Polyak, A. B. Juditsky. Acceleration of Stochastic Approximation by
Averaging. SIAM J. Control Optim. 30(4), 1992 (no arXiv version).
L. Bottou. Stochastic Gradient Descent Tricks. Neural Networks: Tricks of the
Trade, 2012 (no arXiv version).
"""

from __future__ import annotations

from .base import LearningRate, Optimizer, inequalities

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged SGD, as torch.optim.ASGD.

    Parameters
    ----------
    lr : float or callable, default 0.01
        Initial step size η, or a schedule ``lr(t)``.
    lambd : float, default 1e-4
        λ, ``>= 0``.
    alpha : float, default 0.75
        α, the power of the decay, ``>= 0``.
    t0 : float, default 1e6
        Averaging starts after step t_0 + 1, ``>= 0``.
    weight_decay : float, default 0
        w, L2 penalty, ``>= 0``.
    """

    key = "asgd"
    ranges = inequalities("lambd >= 0", "alpha >= 0", "t0 >= 0", "weight_decay >= 0")

    def __init__(
        self,
        lr: LearningRate = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay)

    def _update(self, theta, g, t, lr, theta_bar):
        lambd, alpha, t0, weight_decay = self.lambd, self.alpha, self.t0, self.weight_decay
        eta_t = lr / (1 + lambd * lr * (t - 1)) ** alpha  # η_t ← η / (1 + λ η (t − 1))^{α}
        mu_t = 1 / max(1, t - 1 - t0)  # μ_t ← 1 / max(1, t − 1 − t_0)
        if weight_decay > 0:
            g = g + weight_decay * theta  # (w > 0) g_t ← g_t + w θ_{t-1}
        theta[...] = theta * (1 - lambd * eta_t) - eta_t * g  # θ_t ← θ_{t-1} (1 − λ η_t) − η_t g_t
        if mu_t == 1:
            theta_bar[...] = theta  # (μ_t = 1) θ̄_t ← θ_t
        else:
            theta_bar += mu_t * (theta - theta_bar)  # (otherwise) θ̄_t ← θ̄_{t-1} + μ_t (θ_t − θ̄_{t-1})
