# %% [markdown]
# # Lesson 07 — Nadam: Nesterov's look-ahead inside Adam
#
# **A puzzle.** Feed Adam and Nadam the same constant gradient. Adam's first step is exactly $\eta$ (lesson 06).
# Nadam's, as the survey deck writes it, is $1.9\,\eta$; Dozat's own Nadam takes $1.47\,\eta$; torch's `NAdam`
# $1.06\,\eta$.
# Three "Nadam"s, three first steps: where do they come from, and which one is Dozat's algorithm?

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import numopt
import numopt.plot
from numopt.grading import grade
from numopt.problems import Rosenbrock
from numopt.runner import run
from numopt.theory import bias_correction

SEED = 0


def first_step(opt):
    """The first step of ``opt`` on the constant gradient 1, in units of its learning rate."""
    theta = np.zeros(1)
    opt.step(theta, np.ones(1))
    return -theta[0] / opt.lr


puzzle = {"Adam": first_step(numopt.Adam()), "Nadam (doc 003)": first_step(numopt.Nadam()),
          "Nadam (Dozat)": first_step(numopt.Nadam(dozat=True))}
for name, step in puzzle.items():
    print(f"{name:16s} first step = {step:.4f} eta")

# %% [markdown]
# Source: doc 003 (the survey deck, its two "Nadam" slides), after Dozat (2016). Where the deck differs from
# the primary source, Dozat decides (erratum 8 in the
# [errata](../docs/sources.md#errata)).
#
# Plan: 1. derive Nadam from Adam as doc 003 does; 2. doc 003's bias correction of the look-ahead term
# versus Dozat's, stepped through; 3. how much the two forms differ; 4. torch's momentum schedule, which
# matches neither; 5. Adam versus Nadam on Rosenbrock's valley.
#
# ## 1. From Adam to Nadam (doc 003)
#
# Nesterov's idea (lesson 03) is to use the gradient at the point the momentum is about to carry us to; lesson
# 03 rewrote NAG with one gradient per step, like Momentum. Doc 003 notes that what matters is that *some*
# future information enters the update; Nadam puts the look-ahead into Adam's momentum term, again at the
# cost of one gradient per step.
#
# Expand the bias-corrected momentum in Adam's step (lesson 06), at step $t = 1, 2, \dots$:
#
# $$\theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{\hat v_t} + \varepsilon}\,\hat m_t
#   = \theta_{t-1} - \frac{\eta}{\sqrt{\hat v_t} + \varepsilon}
#     \left(\frac{\beta_1 m_{t-1}}{1-\beta_1^t} + \frac{(1-\beta_1)\,g_t}{1-\beta_1^t}\right).$$
#
# The first term is the momentum carried over from step $t-1$. Replace $m_{t-1}$ by $m_t$, the momentum the
# *next* step will carry — the look-ahead — and use $m_t/(1-\beta_1^t) = \hat m_t$:
#
# $$\theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{\hat v_t} + \varepsilon}\,\bar m_t, \qquad
#   \bar m_t = \beta_1 \hat m_t + \frac{(1-\beta_1)\,g_t}{1-\beta_1^t}.$$
#
# This is doc 003's Nadam and numopt's default `numopt.Nadam()` (with $\varepsilon$ outside the root; the deck's
# $\sqrt{\hat V_t + \epsilon}$ is `eps_in_sqrt=True`, erratum 2). The current gradient now enters twice: inside
# $m_t$ and on its own. For a constant gradient $\hat m_t = g$, so the first step is
# $\beta_1 + (1-\beta_1)/(1-\beta_1) = 1.9$ times $\eta$: the first number of the puzzle.
#
# ## 2. Which bias correction for the look-ahead term? (erratum 8)
#
# $m_t$ is the momentum of step $t+1$, and at step $t+1$ Adam would divide it by $1-\beta_1^{t+1}$, not
# $1-\beta_1^t$. Dozat's Nadam (with a constant momentum coefficient) does exactly that:
#
# $$\bar m_t^{\text{Dozat}} = \frac{\beta_1 m_t}{1-\beta_1^{t+1}} + \frac{(1-\beta_1)\,g_t}{1-\beta_1^t}
#   \qquad\text{vs}\qquad
#   \bar m_t^{\text{doc 003}} = \frac{\beta_1 m_t}{1-\beta_1^{t}} + \frac{(1-\beta_1)\,g_t}{1-\beta_1^t}.$$
#
# Doc 003 keeps $1-\beta_1^t$ and names no momentum schedule (erratum 8). numopt has both: `numopt.Nadam()` is
# doc 003's form, `numopt.Nadam(dozat=True)` Dozat's (also optax's `nadam`). For a constant gradient Dozat's
# first step is $\beta_1(1-\beta_1)/(1-\beta_1^2) + 1 = 1.47$ times $\eta$: the second number.
#
# `numopt.explain` steps both forms through step 4, after three steps of random gradients; the $\bar m_t$ line
# is where they part.

# %%
b1, b2 = 0.9, 0.999  # numopt.Nadam's default β1, β2
rng = np.random.default_rng(SEED)
grads = rng.standard_normal((4, 5))
theta0 = rng.standard_normal(5)
explained = {}
for dozat in (False, True):
    opt = numopt.Nadam(dozat=dozat)
    theta = theta0.copy()
    for g in grads[:3]:
        opt.step(theta, g)
    explained[dozat] = numopt.explain(opt, theta, grads[3])
    display(explained[dozat])

# %%
# Verification
for dozat, record in explained.items():  # step 4 worked out by hand from the state explain was given
    given = record.steps[0].inputs[None]
    m = b1 * given["m"] + (1 - b1) * given["g"]
    v_hat = (b2 * given["v"] + (1 - b2) * given["g"] ** 2) / bias_correction(b2, 4)
    m_bar = b1 * m / bias_correction(b1, 5 if dozat else 4) + (1 - b1) * given["g"] / bias_correction(b1, 4)
    theta_by_hand = given["theta"] - 2e-3 * m_bar / (np.sqrt(v_hat) + 1e-8)
    assert np.allclose(record.value_of("m_bar"), m_bar, rtol=1e-14, atol=0)
    assert np.allclose(record.value_of("theta"), theta_by_hand, rtol=1e-15, atol=1e-17)
assert abs(puzzle["Adam"] - 1) < 1e-7
assert abs(puzzle["Nadam (doc 003)"] - 1.9) < 1e-7
assert abs(puzzle["Nadam (Dozat)"] - (b1 * (1 - b1) / (1 - b1**2) + 1)) < 1e-7

# %% [markdown]
# ## 3. How different are the two forms?
#
# Write $\bar m_t = a_t\,\hat m_t + b_t\,g_t$ with $\hat m_t = m_t/(1-\beta_1^t)$. Adam has $a_t = 1$, $b_t = 0$;
# both Nadams have $b_t = (1-\beta_1)/(1-\beta_1^t)$, and
#
# $$a_t^{\text{doc 003}} = \beta_1, \qquad a_t^{\text{Dozat}} = \beta_1\,\frac{1-\beta_1^t}{1-\beta_1^{t+1}},
# \qquad \frac{a_t^{\text{doc 003}}}{a_t^{\text{Dozat}}} = 1 + \frac{\beta_1^t(1-\beta_1)}{1-\beta_1^t}.$$
#
# The ratio is 1.9 at $t = 1$; the excess falls like $\beta_1^t$, below 1 % from $t = 23$ and below $10^{-6}$ from
# $t \approx 110$. For a constant gradient the step is $\eta\,(a_t + b_t)$, which tends to $\eta$ for both forms since
# $a_t + b_t \to \beta_1 + (1-\beta_1) = 1$. We read the steps off numopt and compare with $a_t + b_t$.

# %%
T = 150
t = np.arange(1, T + 1)
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
print("   t   doc 003 step/eta   Dozat step/eta   a_doc003/a_Dozat - 1")
for k in (1, 2, 5, 10, 23, 50, 110, 150):
    r = a_forms["doc 003"][k - 1] / a_forms["Dozat"][k - 1] - 1
    print(f"{k:4d}   {measured['doc 003'][k - 1]:.8f}         {measured['Dozat'][k - 1]:.8f}       {r:.2e}")

# %% [markdown]
# With random gradients both runs share $m_t$ and $v_t$ ($\theta$ does not enter the moments), so their steps differ
# by exactly $-\eta\,(a_t^{\text{doc 003}} - a_t^{\text{Dozat}})\,\hat m_t/(\sqrt{\hat v_t} + \varepsilon)$, with
# $a_t^{\text{doc 003}} - a_t^{\text{Dozat}} = \beta_1^{t+1}(1-\beta_1)/(1-\beta_1^{t+1})$: the momentum term
# times a factor that dies out like $\beta_1^t$.

# %%
rng = np.random.default_rng(SEED)
stream = rng.standard_normal((T, 3))
opts = (numopt.Nadam(), numopt.Nadam(dozat=True))
worst_units = 0.0
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
    # each step is a dozen roundings of terms of this size, which can cancel: the error is measured in them
    terms = opts[0].lr * (b1 * np.abs(m_hat) + (1 - b1) / bias_correction(b1, k) * np.abs(g)) / denom
    worst_units = max(worst_units, np.max(np.abs(diff - predicted) / (np.finfo(float).eps * terms)))
    if k in (1, 10, 50, 150):
        print(f"{k:4d}   {np.max(np.abs(diff)) / opts[0].lr:.3e}                     "
              f"{np.max(np.abs(predicted)) / opts[0].lr:.3e}")

# %%
# Verification
for name in ("doc 003", "Dozat"):  # ε contributes a relative 1e-8
    assert np.allclose(measured[name], a_forms[name] + b_nadam, rtol=2e-8, atol=0)
excess = a_forms["doc 003"] / a_forms["Dozat"] - 1
assert abs(excess[0] - 0.9) < 1e-15 and excess[21] > 0.01 > excess[22]  # below 1 % from t = 23
assert excess[108] > 1e-6 > excess[110]  # below 1e-6 from t ≈ 110
assert worst_units <= 16

# %% [markdown]
# ## 4. torch's NAdam: a momentum schedule
#
# Dozat also proposes a momentum coefficient that varies with $t$, and torch's `NAdam` uses one by default:
#
# $$\mu_t = \beta_1\left(1 - \tfrac12\, 0.96^{\,t\psi}\right), \qquad \psi = \texttt{momentum\_decay} = 0.004,$$
#
# $$\bar m_t = \frac{\mu_{t+1}\, m_t}{1-\prod_{i=1}^{t+1}\mu_i} + \frac{(1-\mu_t)\, g_t}{1-\prod_{i=1}^{t}\mu_i},$$
#
# while $m_t$, $v_t$ are still Adam's EWMAs. In the notation above
# $a_t^{\text{torch}} = \mu_{t+1}(1-\beta_1^t)/(1-\prod_{i\le t+1}\mu_i)$ and
# $b_t^{\text{torch}} = (1-\mu_t)/(1-\prod_{i\le t}\mu_i)$. With a huge $\psi$ every $\mu_t = \beta_1$ and these are
# Dozat's weights: `numopt.Nadam(dozat=True)` equals torch's `NAdam` with a huge `momentum_decay`.
#
# With the default $\psi$ the exponent is tiny, $0.96^{0.004\,t} = e^{-1.63\times10^{-4}\,t}$:
# $\mu_1 \approx \beta_1/2$,
# and $\mu$ climbs towards $\beta_1$ over tens of thousands of steps (half-way at $t \approx 4250$). All that time torch
# weights the momentum less and the current gradient more than either constant-$\mu$ form: it matches neither,
# and its first step for a constant gradient, $a_1 + b_1$, is the $1.06\,\eta$ of the puzzle. We compute the weights
# with NumPy (torch itself is not needed).


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
print("      t    mu_t    a torch  a Dozat  a doc003    b torch  b Dozat/doc003   step/eta torch")
for k in (1, 2, 10, 100, 1000, 4250, 10_000, 50_000):
    i = k - 1
    print(f"{k:7d}  {mu_t[i]:.4f}   {a_torch[i]:.4f}   {a_dozat[i]:.4f}   {b1:.4f}     {b_torch[i]:.4f}   "
          f"{b_long[i]:.4f}           {a_torch[i] + b_torch[i]:.4f}")

# %%
# Verification
assert max(np.max(np.abs(a_huge / a_dozat - 1)), np.max(np.abs(b_huge / b_long - 1))) < 1e-13  # ψ huge: Dozat
assert abs(b_torch[0] - 1) < 1e-15 and abs(a_torch[0] + b_torch[0] - 1.0565) < 1e-4  # the puzzle's 1.06 η
assert abs(mu_t[4249] - 0.675) < 1e-3  # half-way from β1/2 to β1 at t ≈ 4250
assert abs(a_torch[9999] - 0.81) < 0.01 and abs(b_torch[9999] - 0.19) < 0.01  # after 10 000 steps
step_torch = a_torch + b_torch
assert 0.72 < step_torch[:100].min() < 0.74 and step_torch[:100].max() < 1.06  # 0.73 η .. 1.06 η early on

# %% [markdown]
# Even after 10 000 steps torch's default gives the momentum a weight of about 0.81 and the current gradient
# about 0.19, where both constant-$\mu$ forms have long settled at 0.9 and 0.1. (The last column, torch's step
# for a constant gradient, stays between $0.73\,\eta$ and $1.06\,\eta$ over the first steps.)

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
# ## 5. Adam versus Nadam on a problem
#
# Rosenbrock's valley from the standard start (−1.2, 1), 1000 steps, the same learning rate (the problem's
# adaptive rate, 0.05) for Adam and both Nadam forms. The look-ahead puts more weight on the current gradient,
# which is meant to make the momentum react sooner when the valley bends; whether it helps here is a
# measurement, not a promise.

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

# %%
# Verification
final = {name: tr.gaps[1000] for name, tr in runs.items()}
assert 7 < final["Adam"] / max(final["Nadam (doc 003)"], final["Nadam (Dozat)"])
assert final["Adam"] / min(final["Nadam (doc 003)"], final["Nadam (Dozat)"]) < 11
assert final["Nadam (doc 003)"] != final["Nadam (Dozat)"]

# %% [markdown]
# On this run both Nadam forms reach a loss 7 to 11 times lower than Adam's after 1000 steps, and most of the gap
# opens while the iterates follow the curved floor of the valley. The two Nadam forms differ only in their first
# few dozen steps, but on a curved valley those early differences shift the whole path.

# %% [markdown]
# ## What to remember
# * Nadam = Adam with $m_{t-1}$ replaced by $m_t$ in the expanded step (doc 003):
#   $\theta_t = \theta_{t-1} - \eta\,(\beta_1\hat m_t + (1-\beta_1)g_t/(1-\beta_1^t))/(\sqrt{\hat v_t}+\varepsilon)$.
# * Doc 003 corrects the look-ahead term with $1-\beta_1^t$; Dozat with $1-\beta_1^{t+1}$ (`dozat=True`,
#   erratum 8). Their ratio is $1 + \beta_1^t(1-\beta_1)/(1-\beta_1^t)$: 1.9 at $t = 1$, below 1 % after 23 steps.
# * Neither Nadam's first step is $\eta\,\mathrm{sign}(g)$: for a constant gradient it is $1.9\,\eta$ (doc 003) or
#   $1.47\,\eta$ (Dozat);
#   both tend to $\eta$.
# * torch's default NAdam uses the schedule $\mu_t = \beta_1(1-\frac12 0.96^{0.004t})$, starting near $\beta_1/2$,
#   so it matches neither constant-$\mu$ form; with a huge `momentum_decay` it becomes Dozat's.

# %% [markdown]
# ## Exercises
# 1. Derive the first step of torch's default NAdam for a constant gradient
#    ($\mu_2(1-\beta_1)/(1-\mu_1\mu_2) + 1$ in units of $\eta$) and evaluate it with
#    `torch_nadam_weights`.
# 2. Show that with `eps_in_sqrt=True` (doc 003's $\varepsilon$) the two Nadam forms still differ by the same
#    coefficient ratio, and check it with `numopt.Nadam(eps_in_sqrt=True)`.
# 3. Rerun section 5 with learning rates 0.01 and 0.2. Does the ranking of Adam and the two Nadam
#    forms change? Report what you measure.


# %% [markdown]
# ## Lab: write Nadam's update
#
# Write `nadam_update(param, grad, state, t)`: one step, where `state` is `None` at $t = 1$ and afterwards what the
# previous call returned; return `(new_param, new_state)`. The body below is a first attempt with a mistake students
# often make. The next cell runs numopt's grader in this process: it steps your function and `numopt.Nadam`
# through the same seeded cases and names the mistake it recognises. Fix the body until the checks pass (the
# solutions notebook has the answer). A course's student version replaces the body by
# `raise NotImplementedError()` ([lessons/README](README.md#labs-and-student-versions)).

# %%
def nadam_update(param, grad, state, t, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Nadam step in doc 003's form (§1); state is the pair (m, v); returns (new_param, new_state)."""
    # TODO: write the update; the grader in the next cell checks it
    # BEGIN SOLUTION
    m, v = (np.zeros_like(param), np.zeros_like(param)) if state is None else state
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    v_hat = v / (1 - beta2**t)
    m_bar = beta1 * m / (1 - beta1**t) + (1 - beta1) * grad
    return param - lr * m_bar / (np.sqrt(v_hat) + eps), (m, v)
    # END SOLUTION


# %%
print(grade(nadam_update, "nadam", {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}).summary())
