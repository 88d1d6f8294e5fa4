# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 06 — Nadam: Nesterov's look-ahead inside Adam
#
# Source: doc 003 (the survey deck, the two "Nadam" slides), after Dozat (2016). Where the deck
# differs from the primary source, Dozat decides (erratum 8 in the README's
# [Sources and errata](../README.md#sources-and-errata)).
#
# Plan:
# 1. Derive Nadam from Adam the way doc 003 does: expand $\hat m_t$ and replace $m_{t-1}$ by $m_t$.
# 2. Doc 003's bias correction of the momentum term versus Dozat's; one step of each by hand
#    against numopt.
# 3. How much the two forms differ, and how fast the difference disappears.
# 4. torch's `NAdam` default, which uses a momentum *schedule* and matches neither.
# 5. Adam versus Nadam on a test problem.

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
import numopt.plot
from numopt.problems import Rosenbrock
from numopt.runner import run
from numopt.theory import bias_correction

SEED = 0

# %% [markdown]
# ## 1. From Adam to Nadam (doc 003)
#
# Nesterov's idea (lesson 03) is to use the gradient at the point the momentum is about to carry
# us to, $\nabla J(\theta_t - \beta m_{t-1})$, instead of the gradient at $\theta_t$. Doc 003 notes
# that what matters is that *some* future information enters the update, not that it enters
# through the gradient; Nadam moves the look-ahead into the momentum term instead, which needs no
# extra gradient evaluation.
#
# Start from Adam's step (lesson 05) and expand the bias-corrected momentum:
#
# $$\theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{\hat v_t} + \varepsilon}\,\hat m_t
#   = \theta_t - \frac{\eta}{\sqrt{\hat v_t} + \varepsilon}
#     \left(\frac{\beta_1 m_{t-1}}{1-\beta_1^t} + \frac{(1-\beta_1)\,g_t}{1-\beta_1^t}\right).$$
#
# The first term is the contribution of the past, the momentum carried over from step $t-1$.
# Replace $m_{t-1}$ by $m_t$, the momentum that the *next* step will carry — that is the
# look-ahead — and use $m_t/(1-\beta_1^t) = \hat m_t$:
#
# $$\theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{\hat v_t} + \varepsilon}
#   \left(\beta_1 \hat m_t + \frac{(1-\beta_1)\,g_t}{1-\beta_1^t}\right).$$
#
# This is doc 003's Nadam and numopt's default `numopt.Nadam()` (with ε outside the root; the deck
# writes $\sqrt{\hat V_t + \epsilon}$, which is `eps_in_sqrt=True`, erratum 2). Compared with Adam the
# current gradient now enters twice: once inside $m_t$, once on its own.
#
# ## 2. Which bias correction for the look-ahead term? (erratum 8)
#
# $m_t$ is the momentum of step $t+1$, and at step $t+1$ Adam would divide it by $1-\beta_1^{t+1}$,
# not $1-\beta_1^t$. Dozat's Nadam (with a constant momentum coefficient) does exactly that:
#
# $$\bar m_t^{\text{Dozat}} = \frac{\beta_1 m_t}{1-\beta_1^{t+1}} + \frac{(1-\beta_1)\,g_t}{1-\beta_1^t}
#   \qquad\text{vs}\qquad
#   \bar m_t^{\text{doc 003}} = \frac{\beta_1 m_t}{1-\beta_1^{t}} + \frac{(1-\beta_1)\,g_t}{1-\beta_1^t}.$$
#
# Doc 003 keeps $1-\beta_1^t$ (erratum 8), and names no momentum schedule. numopt implements both:
# `numopt.Nadam()` is doc 003's form, `numopt.Nadam(dozat=True)` Dozat's (also optax's `nadam`).
#
# ### One step of each by hand
# Three steps of random gradients, then the fourth worked out from the state before it. Same
# formulas, possibly in a different order of operations, so we allow a few ulps ($10^{-15}$
# relative).

# %%
rng = np.random.default_rng(SEED)
grads = rng.standard_normal((4, 5))
theta0 = rng.standard_normal(5)
for dozat in (False, True):
    opt = numopt.Nadam(dozat=dozat)
    theta = theta0.copy()
    for g in grads[:3]:
        opt.step(theta, g)
    m_prev, v_prev, theta_prev = opt.state["m"].copy(), opt.state["v"].copy(), theta.copy()
    t, g = 4, grads[3]
    b1, b2, eta, eps = opt.beta1, opt.beta2, opt.lr, opt.eps
    m = b1 * m_prev + (1 - b1) * g
    v = b2 * v_prev + (1 - b2) * g**2
    v_hat = v / (1 - b2**t)
    momentum_correction = 1 - b1 ** (t + 1) if dozat else 1 - b1**t
    m_bar = b1 * m / momentum_correction + (1 - b1) * g / (1 - b1**t)
    by_hand = theta_prev - eta * m_bar / (np.sqrt(v_hat) + eps)
    opt.step(theta, g)
    err = np.max(np.abs(theta - by_hand) / np.abs(theta_prev - by_hand))
    print(f"Nadam(dozat={dozat!s:5}): step 4, max relative difference of the step from the hand computation {err:.1e}")
    assert err < 1e-15

# %% [markdown]
# ## 3. How different are the two forms?
#
# Write each step in terms of the bias-corrected momentum and the current gradient,
# $\bar m_t = a_t\,\hat m_t + b_t\,g_t$ with $\hat m_t = m_t/(1-\beta_1^t)$. Then
#
# $$\begin{aligned}
# \text{Adam:}\quad & a_t = 1, & b_t &= 0,\\
# \text{doc 003:}\quad & a_t = \beta_1, & b_t &= \frac{1-\beta_1}{1-\beta_1^t},\\
# \text{Dozat:}\quad & a_t = \beta_1\,\frac{1-\beta_1^t}{1-\beta_1^{t+1}}, & b_t &= \frac{1-\beta_1}{1-\beta_1^t}.
# \end{aligned}$$
#
# Only the momentum weight differs, by the factor
#
# $$\frac{a_t^{\text{doc 003}}}{a_t^{\text{Dozat}}} = \frac{1-\beta_1^{t+1}}{1-\beta_1^{t}}
#   = 1 + \frac{\beta_1^t(1-\beta_1)}{1-\beta_1^t},$$
#
# which is 1.9 at $t = 1$; the excess falls like $\beta_1^t$, below 1 % from $t = 23$ and below
# $10^{-6}$ from $t \approx 110$. Dozat's momentum weight starts at $\beta_1(1-\beta_1)/(1-\beta_1^2) = 0.47$
# and grows to β1, doc 003's is β1 from the start.
#
# A constant gradient makes the consequence visible: then $\hat m_t = g$, $\hat v_t = g^2$, and the step
# is $\eta\,(a_t + b_t)$ in the direction $-\mathrm{sign}(g)$. For doc 003 that is
# $\beta_1 + (1-\beta_1)/(1-\beta_1^t)$ — **1.9 η on the first step** — and for Dozat 1.47 η, where Adam's
# is exactly η. Both tend to η, since $a_t + b_t \to \beta_1 + (1-\beta_1) = 1$. We read the steps off
# numopt and compare with $a_t + b_t$ (ε contributes a relative $10^{-8}$, hence the tolerance).

# %%
T = 150
t = np.arange(1, T + 1)
b1 = 0.9
b_nadam = (1 - b1) / bias_correction(b1, t)
a_forms = {"doc 003": np.full(T, b1), "Dozat": b1 * bias_correction(b1, t) / bias_correction(b1, t + 1)}
measured = {}
for name, dozat in (("doc 003", False), ("Dozat", True)):
    opt = numopt.Nadam(lr=1.0, dozat=dozat)  # lr = 1: the step is its own multiple of η
    steps = np.empty(T)
    for k in range(T):
        theta = np.zeros(1)
        opt.step(theta, np.ones(1))
        steps[k] = -theta[0]
    measured[name] = steps
    assert np.allclose(steps, a_forms[name] + b_nadam, rtol=2e-8, atol=0)
print("   t   doc 003 step/eta   Dozat step/eta   a_doc003/a_Dozat - 1")
for k in (1, 2, 5, 10, 23, 50, 110, 150):
    r = a_forms["doc 003"][k - 1] / a_forms["Dozat"][k - 1] - 1
    print(f"{k:4d}   {measured['doc 003'][k - 1]:.8f}         {measured['Dozat'][k - 1]:.8f}       {r:.2e}")

# %% [markdown]
# With random gradients the two runs see the same stream, and since θ does not enter the moments
# they also share $m_t$ and $v_t$. The difference of their steps is therefore exactly
# $-\eta\,(a_t^{\text{doc 003}} - a_t^{\text{Dozat}})\,\hat m_t/(\sqrt{\hat v_t} + \varepsilon)$: the momentum
# term times a factor that dies out like $\beta_1^t$, with
# $a_t^{\text{doc 003}} - a_t^{\text{Dozat}} = \beta_1^{t+1}(1-\beta_1)/(1-\beta_1^{t+1})$. We check that
# identity on numopt's runs and watch the difference shrink. Each step is a dozen roundings of
# terms of size $\eta(|a_t\hat m_t| + |b_t g_t|)/(\sqrt{\hat v_t}+\varepsilon)$, and the two terms can
# cancel, so the measured difference carries an absolute error of a few ulps of *that*; we allow 16.

# %%
rng = np.random.default_rng(SEED)
stream = rng.standard_normal((T, 3))
opts = (numopt.Nadam(), numopt.Nadam(dozat=True))
print("   t   max |step difference| / eta   predicted")
for k, g in enumerate(stream, start=1):
    steps = []
    for opt in opts:
        theta = np.zeros(3)
        opt.step(theta, g)
        steps.append(theta)
    state = opts[0].state
    m_hat, v_hat = state["m"] / bias_correction(b1, k), state["v"] / bias_correction(opts[0].beta2, k)
    denom = np.sqrt(v_hat) + opts[0].eps
    a_gap = b1 * b1**k * (1 - b1) / bias_correction(b1, k + 1)  # a_doc − a_Dozat, without cancellation
    predicted = -opts[0].lr * a_gap * m_hat / denom
    diff = steps[0] - steps[1]
    terms = opts[0].lr * (b1 * np.abs(m_hat) + (1 - b1) / bias_correction(b1, k) * np.abs(g)) / denom
    assert np.all(np.abs(diff - predicted) <= 16 * np.finfo(float).eps * terms)
    if k in (1, 10, 50, 150):
        print(f"{k:4d}   {np.max(np.abs(diff)) / opts[0].lr:.3e}                     "
              f"{np.max(np.abs(predicted)) / opts[0].lr:.3e}")

# %% [markdown]
# ## 4. torch's NAdam: a momentum schedule
#
# Dozat's paper also proposes letting the momentum coefficient vary with $t$ (after Sutskever et
# al.), and torch's `NAdam` does so by default:
#
# $$\mu_t = \beta_1\left(1 - \tfrac12\, 0.96^{\,t\psi}\right), \qquad \psi = \texttt{momentum\_decay} = 0.004,$$
#
# $$\bar m_t = \frac{\mu_{t+1}\, m_t}{1-\prod_{i=1}^{t+1}\mu_i} + \frac{(1-\mu_t)\, g_t}{1-\prod_{i=1}^{t}\mu_i},$$
#
# while $m_t$ and $v_t$ are still Adam's EWMAs with β1 and β2. In the notation above,
# $a_t^{\text{torch}} = \mu_{t+1}(1-\beta_1^t)/(1-\prod_{i\le t+1}\mu_i)$ and
# $b_t^{\text{torch}} = (1-\mu_t)/(1-\prod_{i\le t}\mu_i)$. With a huge ψ, $0.96^{t\psi} = 0$, every
# $\mu_t = \beta_1$, and these are exactly Dozat's weights; that is why `numopt.Nadam(dozat=True)`
# equals torch's `NAdam` with a huge `momentum_decay`.
#
# With the default ψ = 0.004 the exponent is tiny: $0.96^{0.004\,t} = e^{-1.63\times10^{-4}\,t}$, so
# $\mu_1 \approx \beta_1/2 = 0.45$ and μ climbs towards β1 only over tens of thousands of steps (half-way
# at $t \approx 4250$). For all that time torch's Nadam puts less weight on the momentum and more on
# the current gradient than either constant-μ form: it matches neither. We compute the weights with
# NumPy (torch itself is not needed).


# %%
def torch_nadam_weights(beta1, steps, momentum_decay=0.004):
    """torch.optim.NAdam's weights (a_t, b_t) of m̂_t = m_t/(1 − β1ᵗ) and g_t, for t = 1..steps."""
    k = np.arange(1, steps + 2)
    mu = beta1 * (1 - 0.5 * 0.96 ** (k * momentum_decay))  # μ_1 .. μ_{T+1}
    prod = np.cumprod(mu)  # Π_{i≤k} μ_i
    t = k[:-1]
    a = mu[1:] * bias_correction(beta1, t) / (1 - prod[1:])  # μ_{t+1} (1 − β1ᵗ) / (1 − Π_{i≤t+1} μ_i)
    b = (1 - mu[:-1]) / (1 - prod[:-1])  # (1 − μ_t) / (1 − Π_{i≤t} μ_i)
    return a, b


T_long = 50_000
t_long = np.arange(1, T_long + 1)
mu_t = b1 * (1 - 0.5 * 0.96 ** (t_long * 0.004))
a_torch, b_torch = torch_nadam_weights(b1, T_long)
a_huge, b_huge = torch_nadam_weights(b1, T_long, momentum_decay=1e9)
a_dozat = b1 * bias_correction(b1, t_long) / bias_correction(b1, t_long + 1)
b_long = (1 - b1) / bias_correction(b1, t_long)
err = max(np.max(np.abs(a_huge / a_dozat - 1)), np.max(np.abs(b_huge / b_long - 1)))
print(f"torch with momentum_decay = 1e9 vs Dozat: max relative difference of the weights {err:.1e}")
assert err < 1e-13
print("      t    mu_t    a torch  a Dozat  a doc003    b torch  b Dozat/doc003   step/eta torch")
for k in (1, 2, 10, 100, 1000, 4250, 10_000, 50_000):
    i = k - 1
    print(f"{k:7d}  {mu_t[i]:.4f}   {a_torch[i]:.4f}   {a_dozat[i]:.4f}   {b1:.4f}     {b_torch[i]:.4f}   "
          f"{b_long[i]:.4f}           {a_torch[i] + b_torch[i]:.4f}")

# %% [markdown]
# Even after 10 000 steps torch's default gives the momentum a weight of about 0.81 and the current
# gradient about 0.19, where both constant-μ forms have long settled at 0.9 and 0.1. (The last column
# is torch's step for a constant gradient: between 0.73 η and 1.06 η over the first steps, instead of
# starting at 1.9 η or 1.47 η like the two forms above.)
#
# ## 5. Picture: the weights over time

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.semilogx(t_long, np.full(T_long, b1), label=r"doc 003: $\beta_1$")
ax1.semilogx(t_long, a_dozat, "--", label=r"Dozat: $\beta_1(1-\beta_1^t)/(1-\beta_1^{t+1})$")
ax1.semilogx(t_long, a_torch, label=r"torch default (schedule $\mu_t$)")
ax1.semilogx(t_long, np.ones(T_long), color="0.5", lw=1, label="Adam: 1")
ax1.set_xlabel("step t")
ax1.set_ylabel(r"weight $a_t$ of $\hat m_t$")
ax1.set_title(r"momentum weight $a_t$")
ax1.set_ylim(0, 1.05)
ax1.legend(fontsize=8, loc="lower right")
ax2.semilogx(t_long, b_long, label=r"doc 003 and Dozat: $(1-\beta_1)/(1-\beta_1^t)$")
ax2.semilogx(t_long, b_torch, label=r"torch default: $(1-\mu_t)/(1-\prod_{i\leq t}\mu_i)$")
ax2.axhline(1 - b1, color="k", ls=":", lw=1, label=r"$1-\beta_1 = 0.1$")
ax2.set_xlabel("step t")
ax2.set_ylabel(r"weight $b_t$ of $g_t$")
ax2.set_title(r"current-gradient weight $b_t$ (Adam: 0)")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 6. Adam versus Nadam on a problem
#
# Rosenbrock's valley from the standard start (−1.2, 1), 1000 steps, the same learning rate
# (the problem's adaptive rate, 0.05) for Adam and both Nadam forms. The look-ahead puts more weight
# on the current gradient, which is meant to make the momentum react sooner when the valley
# bends; whether it helps here is a measurement, not a promise.

# %%
rosen = Rosenbrock()
lr = 0.05  # the problem's suggested rate for adaptive methods, fixed here
runs = {
    "Adam": run(numopt.Adam(lr=lr), rosen, 1000),
    "Nadam (doc 003)": run(numopt.Nadam(lr=lr), rosen, 1000),
    "Nadam (Dozat)": run(numopt.Nadam(lr=lr, dozat=True), rosen, 1000),
}
for name, tr in runs.items():
    print(f"{name:16s} loss - min after 100/300/1000 steps: "
          + " / ".join(f"{tr.gaps[k]:.3e}" for k in (100, 300, 1000)))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
numopt.plot.contours(rosen, runs, ax=ax1)
numopt.plot.loss_curves(runs, ax=ax2)
for ax in (ax1, ax2):  # numopt.plot colours by algorithm, so both Nadam forms share one colour: dash Dozat's
    for line in ax.get_lines():
        if line.get_label() == "Nadam (Dozat)":
            line.set_linestyle("--")
    ax.legend(fontsize="small", ncol=2)
fig.tight_layout()
plt.show()

# %% [markdown]
# On this run both Nadam forms reach a loss 7 to 10 times lower than Adam's after 1000 steps
# (2.2e-4 and 3.0e-4 against 2.3e-3), and most of the gap opens while the iterates follow the
# curved floor of the valley. The two Nadam forms differ only in their first few dozen steps, but on a
# curved valley those early differences shift the whole path, so their final losses are not equal.
#
# ## What to remember
# * Nadam = Adam with $m_{t-1}$ replaced by $m_t$ in the expanded step (doc 003):
#   $\theta \leftarrow \theta - \eta\,(\beta_1\hat m_t + (1-\beta_1)g_t/(1-\beta_1^t))/(\sqrt{\hat v_t}+\varepsilon)$.
# * Doc 003 corrects the look-ahead term with $1-\beta_1^t$; Dozat with $1-\beta_1^{t+1}$
#   (`dozat=True`, erratum 8). Their ratio is $1 + \beta_1^t(1-\beta_1)/(1-\beta_1^t)$: 1.9 at $t = 1$, below
#   1 % after 23 steps.
# * Neither Nadam's first step is η·sign(g): for a constant gradient it is 1.9 η (doc 003) or 1.47 η
#   (Dozat); both tend to η.
# * torch's default NAdam uses the schedule $\mu_t = \beta_1(1-\frac12 0.96^{0.004t})$, starting near
#   $\beta_1/2$ and reaching 0.81 only after 10 000 steps, so it matches neither constant-μ form;
#   with a huge `momentum_decay` it becomes Dozat's.
#
# ## Exercises
# 1. Derive the first step of torch's default NAdam for a constant gradient
#    ($\mu_2(1-\beta_1)/(1-\mu_1\mu_2) + 1$ in units of η) and evaluate it with
#    `torch_nadam_weights`.
# 2. Show that with `eps_in_sqrt=True` (doc 003's ε) the two Nadam forms still differ by the same
#    coefficient ratio, and check it with `numopt.Nadam(eps_in_sqrt=True)`.
# 3. Rerun section 6 with learning rates 0.01 and 0.2. Does the ranking of Adam and the two Nadam
#    forms change? Report what you measure.
