r"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay.

Algorithm (doc 002 "Adam Optimizer"; doc 000 §1; Kingma & Ba 2015, Alg. 1)
---------------------------------------------------------------------------
Given η, β1, β2, ε, λ and m_0 = 0, v_0 = 0, step t = 1, 2, … receives
g_t = ∇J(θ_{t-1}) and runs, in this order (a line marked ``(switch)`` runs only in
that variant, ``(otherwise)`` only without it)::

    (AdamW)        θ_{t-1} ← θ_{t-1} (1 − η λ)
    (Adam, λ > 0)  g_t ← g_t + λ θ_{t-1}
    m_t ← β1 m_{t-1} + (1 − β1) g_t
    v_t ← β2 v_{t-1} + (1 − β2) g_t²
    m̂_t ← m_t / (1 − β1ᵗ)
    (amsgrad)      v_max,t ← max(v_max,t-1, v_t)
    (amsgrad)      v̂_t ← v_max,t / (1 − β2ᵗ)
    (otherwise)    v̂_t ← v_t / (1 − β2ᵗ)
    (efficient)    θ_t ← θ_{t-1} − η √(1 − β2ᵗ) / (1 − β1ᵗ) · m_t / (√v_t + ε)
    (eps_in_sqrt)  θ_t ← θ_{t-1} − η m̂_t / √(v̂_t + ε)
    (otherwise)    θ_t ← θ_{t-1} − η m̂_t / (√v̂_t + ε)

Symbols and variables
---------------------
=============  ==============  ==============================================
symbol         variable        meaning
=============  ==============  ==============================================
η              ``lr``          step size (float or callable ``lr(t)``)
β1, β2         ``beta1``,      decay rates of the first and second moment
               ``beta2``       EWMAs
ε              ``eps``         keeps the denominator away from zero
λ              ``weight_decay``  L2 (Adam) or decoupled (AdamW) decay
t              ``t``           step number, 1 on the first step
θ              ``theta``       the parameter array
g_t            ``g``           its gradient
m_t            ``m``           EWMA of g (state)
v_t            ``v``           EWMA of g² (state); uncentred, not a variance
v_max          ``v_max``       running max of v (state, ``amsgrad=True``)
m̂_t, v̂_t      ``m_hat``,      bias-corrected moments
               ``v_hat``
=============  ==============  ==============================================

Defaults and where they come from
---------------------------------
``lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8``: Kingma & Ba (2015) §2, also
torch.optim.Adam (optax.adam has the same β1, β2, ε and no default learning
rate). ``weight_decay=0`` for Adam; ``1e-2`` for
AdamW, as torch.optim.AdamW.

Conventions
-----------
* ε outside the square root, ``√v̂ + ε`` (doc 002, Kingma & Ba, torch, optax).
  Doc 003 writes ``√(v̂ + ε)``; that form is ``eps_in_sqrt=True``
  (erratum 2).
* Both moments are bias-corrected at their output; the raw EWMAs ``m``, ``v``
  are what is stored (erratum 4).
* Adam's ``weight_decay`` is L2: it is added to the gradient before the
  moments (torch.optim.Adam). AdamW's is decoupled and multiplied by the
  learning rate, θ ← θ(1 − ηλ) (doc 002, torch.optim.AdamW); Loshchilov &
  Hutter's paper scales λ by the schedule multiplier only, θ ← θ − η_t λ θ,
  which differs from this form when ``lr`` is not the schedule multiplier.
* ``amsgrad=True`` follows torch: the running max is taken of the raw ``v``
  and then bias-corrected.
* The code computes m̂ and v̂ as written above. Kingma & Ba §2 note a "more
  efficient" ordering that folds both corrections into the step size,
  θ ← θ − η√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε̂); with ε̂ = ε√(1 − β2ᵗ) it is the
  update above up to rounding. Written with ε̂ = ε, as TensorFlow 1 and
  "Deep Learning from Scratch" do, it is a different update, ``efficient=True``
  (the ``(efficient)`` line; with ``amsgrad`` v_max,t stands for v_t there):
  ε is in effect multiplied by 1/√(1 − β2ᵗ), which is large in the first
  steps (about 32 at t = 1 with β2 = 0.999), so it differs when √v̂ is not far
  above ε.

Errata in the documents (numbered as in docs/sources.md, "Errata")
------------------------------------------------------------------
1. Doc 002 writes ``m ← β1 m + (1 − β) g``; it means ``(1 − β1)``.
2. Doc 003 puts ε inside the square root (``eps_in_sqrt=True`` here).
9. Doc 002 says L2 equals weight decay "if L is linear in w"; in fact the two
   coincide for plain SGD for any loss (after rescaling λ) and differ under
   momentum and under Adam.
10. Doc 002 calls v a "variance"; it is the uncentred EWMA of g². m̂ and v̂
    are unbiased only if the gradients are stationary.

Differences from torch.optim and optax
--------------------------------------
* torch.optim.Adam/AdamW compute the same quantities with the bias corrections
  folded into the step size; results agree to rounding. torch's ``maximize``,
  ``capturable`` and ``foreach`` options have no counterpart here.
* optax.adam has ``eps_root`` (ε inside the root, added to v̂) in addition to
  ``eps``; ``eps_in_sqrt=True`` here is optax with ``eps=0, eps_root=ε``.
  optax.adamw's ``weight_decay`` is multiplied by the learning rate like here.

References
----------
D. P. Kingma, J. Ba. Adam: A Method for Stochastic Optimization. ICLR 2015.
I. Loshchilov, F. Hutter. Decoupled Weight Decay Regularization. ICLR 2019.
S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from .base import LearningRate, Optimizer, inequalities

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015), with optional L2 weight decay and AMSGrad.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Step size η, or a schedule ``lr(t)``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moment EWMAs, ``0 <= beta < 1``.
    eps : float, default 1e-8
        ε in the denominator, ``> 0``.
    weight_decay : float, default 0
        λ. L2 for Adam (g ← g + λθ); decoupled for :class:`AdamW`.
    eps_in_sqrt : bool, default False
        Use ``√(v̂ + ε)`` (doc 003) instead of ``√v̂ + ε``.
    amsgrad : bool, default False
        Normalise by the running maximum of ``v`` (Reddi et al. 2018).
    efficient : bool, default False
        Kingma & Ba's efficient ordering with ε̂ = ε (TensorFlow 1):
        θ ← θ − η√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε).
    """

    key = "adam"
    ranges = inequalities("0 <= beta1 < 1", "0 <= beta2 < 1", "eps > 0", "weight_decay >= 0")
    kept_when: ClassVar[dict[str, str]] = {"v_max": "amsgrad"}
    adaptive = True
    family, corrections = "adam", ("adam", "adam")
    named_variants: ClassVar[dict[str, dict]] = {"l2": {"weight_decay": 0.1}}
    decoupled = False
    state_bounds: ClassVar[dict[str, tuple[float, float]]] = dict.fromkeys(("v", "v_max"), (0.0, float("inf")))
    second_moments = ("v", "v_max")

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        eps_in_sqrt: bool = False,
        amsgrad: bool = False,
        efficient: bool = False,
    ) -> None:
        super().__init__(
            lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay,
            eps_in_sqrt=eps_in_sqrt, amsgrad=amsgrad, efficient=efficient,
        )

    def _update(self, theta, g, t, lr, m, v, v_max=None):
        beta1, beta2, eps, weight_decay = self.beta1, self.beta2, self.eps, self.weight_decay
        if self.decoupled:
            theta *= 1 - lr * weight_decay  # (AdamW) θ_{t-1} ← θ_{t-1} (1 − η λ)
        elif weight_decay > 0:
            g = g + weight_decay * theta  # (Adam, λ > 0) g_t ← g_t + λ θ_{t-1}
        m[...] = beta1 * m + (1 - beta1) * g  # m_t ← β1 m_{t-1} + (1 − β1) g_t
        v[...] = beta2 * v + (1 - beta2) * g**2  # v_t ← β2 v_{t-1} + (1 − β2) g_t²
        m_hat = m / (1 - beta1**t)  # m̂_t ← m_t / (1 − β1ᵗ)
        if self.amsgrad:
            v_max[...] = np.maximum(v_max, v)  # (amsgrad) v_max,t ← max(v_max,t-1, v_t)
            v_hat = v_max / (1 - beta2**t)  # (amsgrad) v̂_t ← v_max,t / (1 − β2ᵗ)
        else:
            v_hat = v / (1 - beta2**t)  # (otherwise) v̂_t ← v_t / (1 − β2ᵗ)
        if self.efficient:
            # (efficient) θ_t ← θ_{t-1} − η √(1 − β2ᵗ) / (1 − β1ᵗ) · m_t / (√v_t + ε)
            theta -= lr * math.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v_max if self.amsgrad else v) + eps)
        elif self.eps_in_sqrt:
            theta -= lr * m_hat / np.sqrt(v_hat + eps)  # (eps_in_sqrt) θ_t ← θ_{t-1} − η m̂_t / √(v̂_t + ε)
        else:
            theta -= lr * m_hat / (np.sqrt(v_hat) + eps)  # (otherwise) θ_t ← θ_{t-1} − η m̂_t / (√v̂_t + ε)


class AdamW(Adam):
    """AdamW: decoupled weight decay θ ← θ(1 − ηλ), then the Adam step (doc 002).

    Parameters are those of :class:`Adam`; ``weight_decay`` defaults to 1e-2
    (torch.optim.AdamW) and is decoupled from the gradient.
    """

    key = "adamw"
    named_variants: ClassVar[dict[str, dict]] = {}  # its weight decay is the decoupled default already
    decoupled = True

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        eps_in_sqrt: bool = False,
        amsgrad: bool = False,
        efficient: bool = False,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps, weight_decay, eps_in_sqrt, amsgrad, efficient)

