r"""LARS: momentum SGD whose step is rescaled per parameter array by a trust ratio κ‖θ‖/‖g‖.

Algorithm (You et al. 2017, Alg. 1; optax.lars)
----------------------------------------------
For each parameter array, given η, κ, μ, λ and b_0 = 0, step t = 1, 2, …
receives g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked
``(‖θ‖ ‖g‖ = 0)`` runs when either norm is zero)::

    g_t ← g_t + λ θ_{t-1}
    (‖θ‖ ‖g‖ = 0)   q_t ← 1
    (otherwise)     q_t ← κ ‖θ_{t-1}‖ / ‖g_t‖
    b_t ← μ b_{t-1} + η q_t g_t
    θ_t ← θ_{t-1} − b_t

The local learning rate η q_t makes every array ("layer") move by about ηκ
times its own norm per step (before momentum), whatever the size of its
gradient: the layers whose gradients are large relative to their weights no
longer dictate the global η, which allows the large batches of the paper.

Not elementwise: q_t needs the norms of whole arrays (one q per parameter
array). State: the momentum b, as many numbers as θ.

Symbols and variables
---------------------
======  =====================  =================================================
symbol  variable               meaning (optax name)
======  =====================  =================================================
η       ``lr``                 global step size (``learning_rate``)
κ       ``trust_coefficient``  trust coefficient (paper: η; ``trust_coefficient``)
μ       ``momentum``           momentum coefficient (paper: m; ``momentum``)
λ       ``weight_decay``       L2 term added to g (paper: β; ``weight_decay``)
q_t     ``q``                  the trust ratio of this array
b_t     ``b``                  momentum buffer (state; optax: ``trace``)
======  =====================  =================================================

Defaults and where they come from
---------------------------------
``trust_coefficient=0.001, momentum=0.9, weight_decay=5e-4``: You et al. (their
AlexNet and ResNet-50 settings); ``lr=1.0``: numopt's choice (the local rate
κ‖θ‖/‖g‖ sets the scale; the paper's global rates follow a polynomial decay
from a tuned start). optax.lars: ``trust_coefficient=0.001, momentum=0.9``,
``weight_decay=0.0``, no default learning rate.

Conventions
-----------
* optax's form: the trust ratio divides by ‖g + λθ‖ (the decayed gradient);
  the paper's Alg. 1 divides by ‖g‖ + λ‖θ‖. They differ unless g and θ are
  parallel; numopt follows optax so that it can be checked against it.
* q = 1 where ‖θ‖ = 0 or ‖g‖ = 0 (optax), so a zero array still moves.
* Momentum of the torch form: b accumulates η q g (η inside the buffer).

Differences from torch.optim and optax
--------------------------------------
* torch.optim has no LARS.
* optax.lars(learning_rate, weight_decay=0.0, weight_decay_mask=True,
  trust_coefficient=0.001, eps=0.0, trust_ratio_mask=True, momentum=0.9,
  nesterov=False): the same update with ``eps=0``; numopt has no masks (every
  array gets the decay and the trust ratio) and no ``nesterov``.

References
----------
Y. You, I. Gitman, B. Ginsburg. Large Batch Training of Convolutional Networks.
2017, arXiv:1708.03888.
"""

from __future__ import annotations

from .base import LearningRate, Optimizer, inequalities
from .lamb import norm

__all__ = ["LARS"]


class LARS(Optimizer):
    """LARS (You et al. 2017), as optax.lars: one trust ratio per parameter array.

    Parameters
    ----------
    lr : float or callable, default 1.0
        Global step size η, or a schedule ``lr(t)``.
    trust_coefficient : float, default 0.001
        κ, ``> 0``.
    momentum : float, default 0.9
        μ, ``0 <= momentum < 1``.
    weight_decay : float, default 5e-4
        λ, L2 term added to g, ``>= 0``.
    """

    key = "lars"
    ranges = inequalities("trust_coefficient > 0", "0 <= momentum < 1", "weight_decay >= 0")
    elementwise = False

    def __init__(
        self,
        lr: LearningRate = 1.0,
        trust_coefficient: float = 0.001,
        momentum: float = 0.9,
        weight_decay: float = 5e-4,
    ) -> None:
        super().__init__(lr=lr, trust_coefficient=trust_coefficient, momentum=momentum, weight_decay=weight_decay)

    def _update(self, theta, g, t, lr, b):
        trust_coefficient, momentum, weight_decay = self.trust_coefficient, self.momentum, self.weight_decay
        g = g + weight_decay * theta  # g_t ← g_t + λ θ_{t-1}
        if norm(theta) * norm(g) == 0:
            q = 1.0  # (‖θ‖ ‖g‖ = 0) q_t ← 1
        else:
            q = trust_coefficient * norm(theta) / norm(g)  # (otherwise) q_t ← κ ‖θ_{t-1}‖ / ‖g_t‖
        b[...] = momentum * b + lr * q * g  # b_t ← μ b_{t-1} + η q_t g_t
        theta -= b  # θ_t ← θ_{t-1} − b_t
