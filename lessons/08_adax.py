# %% [markdown]
# # Lesson 08 — AdaX: Adam with exponential long-term memory
#
# **A failing run.** Reddi, Kale & Kumar (2018) built an online problem on $[-1, 1]$ whose best point is
# $x^\ast = -1$. Adam, with the $\beta$'s of their Theorem 1, ends at $+1$, the *worst* point; AdaX, with the
# same learning-rate schedule, ends at $-1$. What does AdaX remember that Adam forgets?

# %%
import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import numopt
from numopt import plot, theory
from numopt.grading import grade
from numopt.problems import Reddi
from numopt.runner import run

rng = np.random.default_rng(7)
UNIT_ROUNDOFF = 2.0**-53  # half the spacing of doubles near 1


def schedule(alpha):
    return lambda t: alpha / math.sqrt(t)


C = 3.0
opening = {
    "Adam": run(numopt.Adam(lr=schedule(0.1), beta1=0.0, beta2=1 / (1 + C * C)), Reddi(C=C), 3_000),
    "AdaX": run(numopt.AdaX(lr=schedule(0.1), beta1=0.0), Reddi(C=C), 3_000),
}
for name, trajectory in opening.items():
    print(f"{name}: x after 3000 steps = {trajectory.params[-1, 0]:+.4f}   (x* = -1)")

# %% [markdown]
# Source: doc 000 (a blog summary of Li, Zhang, Wang & Luo, *AdaX*, 2020), checked against the paper, the
# authors' code (switchablenorms/AdaX, `AdaX.py`) and numopt's `adax` docstring; erratum 13 is in the
# [errata](../docs/sources.md#errata).
#
# Plan: 1. Adam's $\hat v_t$ as an EWMA with rate $\hat\beta_{2,t} \to \beta_2$; 2. AdaX's rate, which tends to 1;
# 3. which past gradients carry the weight; 4. computing $(1+\beta_2)^t - 1$; 5. no bias correction of $m$, and
# where $\epsilon$ goes; 6. what doc 000 leaves out; 7. the counterexample, with AMSGrad alongside.
#
# ## 1. Adam's second moment is an EWMA with rate $\hat\beta_{2,t} \to \beta_2$ (doc 000 §1)
#
# Lesson 06 §4 showed that Adam's bias-corrected $\hat v_t = v_t/(1-\beta_2^t)$ obeys
#
# $$\hat v_t = \hat\beta_{2,t}\,\hat v_{t-1} + (1-\hat\beta_{2,t})\, g_t^2,
# \qquad \hat\beta_{2,t} = \beta_2\,\frac{1-\beta_2^{t-1}}{1-\beta_2^{t}},$$
#
# with $\hat\beta_{2,1} = 0$ and $\hat\beta_{2,t} \to \beta_2$. The authors dislike the limit: with
# $\hat\beta_{2,t} \to 0.999$ the denominator tracks the last ~1000 squared gradients for ever, so late in training,
# when gradients are small and noisy, the effective step $\eta/\sqrt{\hat v_t}$ keeps jumping. They would rather
# have $\hat\beta_{2,t} \to 1$: a denominator that freezes into a long-run average.

# %%
beta2 = 0.999  # Adam's default β2
T = 300
grads = rng.standard_normal((T, 3)) * np.array([1.0, 10.0, 0.01])  # three coordinates of very different scale


def corrected_second_moments(opt, grads, correction, name="v"):
    """Feed ``grads`` to ``opt`` (built with lr=0) and return state[name]_t / correction(t) for t = 1..T."""
    theta = np.zeros(grads.shape[1])
    out = []
    for g in grads:
        opt.step(theta, g)
        out.append(opt.state[name] / correction(opt.t))
    return np.array(out)


# %%
# Verification
v_hat = corrected_second_moments(numopt.Adam(lr=0.0, beta2=beta2), grads, lambda t: theory.bias_correction(beta2, t))
b_hat = theory.adam_beta2_hat(beta2, np.arange(2, T + 1))[:, None]
predicted = b_hat * v_hat[:-1] + (1 - b_hat) * grads[1:] ** 2
assert np.max(np.abs(predicted - v_hat[1:]) / v_hat[1:]) < 1e-12  # a few roundings per step
assert theory.adam_beta2_hat(beta2, 1) == 0 and np.array_equal(v_hat[0], grads[0] ** 2)
assert abs(theory.adam_beta2_hat(beta2, 100_000) - beta2) < 1e-12  # the gap is β2^t(1-β2)/(1-β2^t) ≈ 4e-47

# %% [markdown]
# ## 2. AdaX: grow v instead of decaying it (doc 000 §2)
#
# AdaX changes Adam twice. It drops the bias correction of $m$ (§5), and it grows the second moment:
#
# $$v_t = (1+\beta_2)\,v_{t-1} + \beta_2\, g_t^2, \qquad \hat v_t = \frac{v_t}{(1+\beta_2)^t - 1},
# \qquad \beta_2 = 10^{-4}.$$
#
# With $B_t = (1+\beta_2)^t - 1$ we have $v_{t-1} = B_{t-1}\hat v_{t-1}$ and $(1+\beta_2)B_{t-1} = B_t - \beta_2$, so
#
# $$\hat v_t = \Big(1 - \frac{\beta_2}{B_t}\Big)\hat v_{t-1} + \frac{\beta_2}{B_t}\, g_t^2,
# \qquad \hat\beta_{2,t} = 1 - \frac{\beta_2}{(1+\beta_2)^t - 1}.$$
#
# * $t = 1$: $B_1 = \beta_2$, so $\hat\beta_{2,1} = 0$ and $\hat v_1 = g_1^2$, as in Adam.
# * $t \to \infty$: $\hat\beta_{2,t} \to 1$ — the memory becomes permanent.
# * In between, $B_t = \beta_2 \sum_{j=0}^{t-1}(1+\beta_2)^j$ gives
#   $1/(t\,(1+\beta_2)^{t-1}) \le 1-\hat\beta_{2,t} \le 1/t$. While $t \ll 1/\beta_2 = 10^4$,
#   $\hat\beta_{2,t} \approx 1 - 1/t$: $\hat v_t$ is the running *arithmetic mean* of $g_1^2,\dots,g_t^2$. Beyond
#   that, $1-\hat\beta_{2,t}$ falls exponentially and new gradients hardly move $\hat v$.
#
# `numopt.explain` shows three AdaX steps with the gradients 1, 3, 2. Reading $\hat v$ off the table,
# $\hat\beta_{2,t} = (\hat v_t - g_t^2)/(\hat v_{t-1} - g_t^2)$: $\hat v_2 = 5$ is the mean of 1 and 9, $\hat v_3$
# the mean of 1, 9 and 4, so $\hat\beta_{2,2} \approx 1/2$ and $\hat\beta_{2,3} \approx 2/3$.

# %%
beta2_x = 1e-4
g_three = np.array([1.0, 3.0, 2.0])
rows = iter(g_three)  # explain calls grads(params) once per step: hand out 1, 3, 2
three_steps = numopt.explain(numopt.AdaX(), np.zeros(1), lambda params: np.array([next(rows)]), steps=3)
display(three_steps)
v_three = [three_steps.value_of("v_hat", t=t)[0] for t in (1, 2, 3)]
b_read = [(v_three[k] - g_three[k] ** 2) / (v_three[k - 1] - g_three[k] ** 2) for k in (1, 2)]
print(f"beta2_hat read off the table: t = 2: {b_read[0]:.8f}, t = 3: {b_read[1]:.8f};  "
      f"theory.adax_beta2_hat: {theory.adax_beta2_hat(beta2_x, 2):.8f}, {theory.adax_beta2_hat(beta2_x, 3):.8f}")
print(f"{'t':>9} {'Adam β̂ (0.999)':>15} {'AdaX β̂ (1e-4)':>15} {'1 - 1/t':>10}")
for t in (1, 2, 10, 100, 1_000, 10_000, 100_000):
    print(f"{t:>9} {theory.adam_beta2_hat(beta2, t):>15.6f} {theory.adax_beta2_hat(beta2_x, t):>15.6f} "
          f"{1 - 1 / t:>10.6f}")

# %%
# Verification
assert np.allclose(b_read, theory.adax_beta2_hat(beta2_x, np.array([2, 3])), rtol=1e-9)
assert abs(b_read[0] - 1 / 2) < 1e-4 and abs(b_read[1] - 2 / 3) < 1e-4  # ≈ 1 − 1/t
v_hat_x = corrected_second_moments(numopt.AdaX(lr=0.0, beta2=beta2_x), grads, lambda t: 1.0, "v_hat")  # see § 8
b_hat_x = theory.adax_beta2_hat(beta2_x, np.arange(2, T + 1))[:, None]
predicted = b_hat_x * v_hat_x[:-1] + (1 - b_hat_x) * grads[1:] ** 2
assert np.max(np.abs(predicted - v_hat_x[1:]) / v_hat_x[1:]) < 1e-12  # the recursion on numopt.AdaX's state
mean_sq = np.cumsum(grads**2, axis=0) / np.arange(1, T + 1)[:, None]
# t·w_k = tβ2(1+β2)^(t-k)/B_t lies in [(1+β2)^-(t-1), (1+β2)^(t-1)]: v̂ is the arithmetic mean up to that factor
assert np.max(np.abs(v_hat_x - mean_sq) / mean_sq) < (1 + beta2_x) ** (T - 1) - 1
assert abs(theory.adax_beta2_hat(beta2_x, 1)) < 1e-15  # β2/expm1(log1p(β2)) = 1 up to two roundings
t_grid = np.unique(np.geomspace(1, 1e6, 400).round())
one_minus = 1 - theory.adax_beta2_hat(beta2_x, t_grid)
lower = 1 / (t_grid * np.exp((t_grid - 1) * math.log1p(beta2_x)))
slack = 2.0**-53  # β̂ is a double just below 1: 1 - β̂ is known only to that absolute spacing
assert np.all(one_minus <= 1 / t_grid + slack) and np.all(one_minus >= lower - slack)

# %% [markdown]
# Left: $\hat\beta_{2,t}$ against $t$; right: the distance to 1. Adam's levels off at $1-\beta_2 = 10^{-3}$; AdaX's
# follows $1/t$ until $t \approx 1/\beta_2 = 10^4$ and then drops exponentially.

# %%
t_plot = np.geomspace(1, 2e5, 500)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax1.semilogx(t_plot, theory.adam_beta2_hat(beta2, t_plot), label="Adam, β2 = 0.999")
ax1.semilogx(t_plot, theory.adax_beta2_hat(beta2_x, t_plot), label="AdaX, β2 = 1e-4")
ax1.axhline(beta2, color="gray", lw=0.8, ls=":")
ax1.set(xlabel="step t", ylabel="β̂₂,ₜ", title="implied EWMA rate of v̂")
ax1.legend()
ax2.loglog(t_plot, 1 - theory.adam_beta2_hat(beta2, t_plot), label="Adam: → 1 − β2")
ax2.loglog(t_plot, 1 - theory.adax_beta2_hat(beta2_x, t_plot), label="AdaX: ≈ 1/t, then → 0")
ax2.loglog(t_plot, 1 / t_plot, color="gray", lw=0.8, ls="--", label="1/t")
ax2.axvline(1 / beta2_x, color="gray", lw=0.8, ls=":")
ax2.set(xlabel="step t", ylabel="1 − β̂₂,ₜ", title="how much a new g² counts", ylim=(1e-9, 2))
ax2.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. Which past gradients carry the weight
#
# Unrolled from $v_0 = 0$, Adam's $\hat v_t = \sum_{k} \frac{(1-\beta_2)\beta_2^{t-k}}{1-\beta_2^t}\, g_k^2$ weights
# the newest gradient most. AdaX's is
#
# $$\hat v_t = \sum_{k=1}^t w_k\, g_k^2, \qquad w_k = \frac{\beta_2 (1+\beta_2)^{t-k}}{(1+\beta_2)^t - 1}:$$
#
# the **oldest** gradient weighs most, by the factor $(1+\beta_2)^{t-1}$ over the newest, and the weights sum to one
# exactly (a geometric series), which is why AdaX needs no other bias correction. We read the weights off numopt
# with one-hot gradients: coordinate $t$ of a $T$-dimensional parameter sees a 1 at step $t$, so coordinate $k$ of
# $\hat v_T$ is the weight of step $k$.

# %%
T_w = 2_000
one_hot = np.eye(T_w)
w_adax = corrected_second_moments(numopt.AdaX(lr=0.0, beta2=beta2_x), one_hot, lambda t: 1.0, "v_hat")[-1]
w_adam = corrected_second_moments(
    numopt.Adam(lr=0.0, beta2=beta2), one_hot, lambda t: theory.bias_correction(beta2, t)
)[-1]
print(f"t = {T_w}: sums of the weights: AdaX {w_adax.sum():.15f}, Adam {w_adam.sum():.15f}")
print(f"AdaX oldest/newest weight = {w_adax[0] / w_adax[-1]:.6f}, (1+β2)^(t-1) = {(1 + beta2_x) ** (T_w - 1):.6f}")
print(f"Adam oldest/newest weight = {w_adam[0] / w_adam[-1]:.3e}, β2^(t-1) = {beta2 ** (T_w - 1):.3e}")

# %%
# Verification
closed_x = theory.adax_weights(beta2_x, T_w)
closed_a = theory.ewma_weights(beta2, T_w) / theory.bias_correction(beta2, T_w)
assert np.max(np.abs(w_adax - closed_x) / closed_x) < 1e-12 and np.max(np.abs(w_adam - closed_a) / closed_a) < 1e-12
assert abs(w_adax.sum() - 1) < 1e-12 and abs(w_adam.sum() - 1) < 1e-12
assert np.all(np.diff(w_adax) < 0) and np.all(np.diff(w_adam) > 0)  # AdaX: older is heavier; Adam: newer is
assert abs(w_adax[0] / w_adax[-1] - 1.22) < 0.005
w_late = theory.adax_weights(beta2_x, 30_000)
assert abs(w_late[0] / w_late[-1] - math.exp(3)) < 0.01 * math.exp(3)  # ≈ e³ ≈ 20 at t = 3/β2

# %% [markdown]
# At $t = 2000$ AdaX's weights are almost uniform (ratio 1.22); by $t = 3/\beta_2 = 30\,000$ it gives the first
# gradients about $e^3 \approx 20$ times the weight of the latest, while Adam has forgotten everything older than a
# few thousand steps.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for t_w, style in ((2_000, ":"), (10_000, "--"), (30_000, "-")):
    k = np.arange(1, t_w + 1)
    ax.semilogy(k, theory.adax_weights(beta2_x, t_w), ls=style, color="C1", label=f"AdaX, t = {t_w}")
    ax.semilogy(k, theory.ewma_weights(beta2, t_w) / theory.bias_correction(beta2, t_w), ls=style,
                color="C0", label=f"Adam, t = {t_w}")
ax.set(xlabel="step k of the past gradient", ylabel="weight of g_k² in v̂_t", ylim=(1e-7, 2e-3),
       title="weights on past squared gradients (β2: Adam 0.999, AdaX 1e-4)")
ax.legend(ncol=2, fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. Computing $(1+\beta_2)^t - 1$: use `expm1(t·log1p(β2))`
#
# For $\beta_2 = 10^{-4}$ the naive `(1 + beta2)**t - 1` subtracts two numbers that agree in four digits. Storing
# $1+\beta_2$ rounds it by some $|\delta| \le 2^{-53}$, which changes the result by about $t\delta$, a relative
# error of $\delta/\beta_2$ at every $t$; the rounding of the power adds up to $2^{-53}/(t\beta_2)$. `log1p` and
# `expm1` never form $1+\beta_2$. We measure both against the exact value in rational arithmetic, in units of
# $u = 2^{-53}$; in float32, $1+\beta_2$ is rounded by about $10^{-8}$, i.e. $10^{-4}$ relative to $\beta_2$.

# %%
def relative_error(x: float, exact: Fraction) -> float:
    return abs(float((Fraction(x) - exact) / exact))


delta = float(Fraction(1 + beta2_x) - 1 - Fraction(beta2_x))
delta32 = float(Fraction(float(np.float32(1) + np.float32(beta2_x))) - 1 - Fraction(beta2_x))
print(f"float64: 1 + β2 is stored with error δ = {delta:.3e}, so δ/β2 = {delta / beta2_x:.3e}")
print(f"float32: 1 + β2 is stored with error δ = {delta32:.3e}, so δ/β2 = {delta32 / beta2_x:.2e}")
print(f"{'t':>6} {'naive, in u':>12} {'expm1/log1p, in u':>18}")
errors = {}
for t in (1, 2, 5, 10, 100, 1_000):
    exact = (1 + Fraction(beta2_x)) ** t - 1
    naive = relative_error((1 + beta2_x) ** t - 1, exact) / UNIT_ROUNDOFF
    careful = relative_error(float(theory.adax_bias_correction(beta2_x, t)), exact) / UNIT_ROUNDOFF
    errors[t] = (naive, careful)
    print(f"{t:>6} {naive:>12.0f} {careful:>18.1f}")

# %%
# Verification
for naive, careful in errors.values():
    assert careful < 8  # two correctly rounded functions and a product: a few units of roundoff
    assert naive > 100  # the δ/β2 term alone is 1.1e-13 ≈ 1000 u
assert 1e-4 < abs(delta32 / beta2_x) < 1e-3

# %% [markdown]
# The naive form loses about three of sixteen digits at every $t$; in float32 only three or four of seven remain.
# `numopt.AdaX` and `theory.adax_beta2_hat` use the `expm1`/`log1p` form.
#
# ## 5. Two differences from Adam that doc 000 states only in passing
#
# **No bias correction on $m$.** AdaX steps with $m_t$, not $m_t/(1-\beta_1^t)$. For a constant gradient both
# methods have $\hat v_t = g^2$ and $m_t = (1-\beta_1^t) g$, so
#
# $$\text{Adam: } \theta_t - \theta_{t-1} = -\eta\,\frac{g}{|g|+\epsilon}, \qquad
#   \text{AdaX: } \theta_t - \theta_{t-1} = -\eta\,(1-\beta_1^t)\,\frac{g}{|g|+\epsilon}:$$
#
# AdaX's first step is $1-\beta_1 = 0.1$ of the learning rate, ramping up over ~10 steps — a built-in warm-up.

# %%
g_const = np.array([3.0, -0.5])
lr = 1e-2
ramp_error = {}
for name, opt, ramp in (
    ("Adam", numopt.Adam(lr=lr, beta1=0.9), lambda t: 1.0),
    ("AdaX", numopt.AdaX(lr=lr, beta1=0.9), lambda t: 1 - 0.9**t),
):
    theta = np.zeros(2)
    worst = 0.0
    for t in range(1, 51):
        before = theta.copy()
        opt.step(theta, g_const)
        expected = -lr * ramp(t) * g_const / (np.abs(g_const) + opt.eps)
        worst = max(worst, float(np.max(np.abs((theta - before) - expected) / np.abs(expected))))
    ramp_error[name] = worst
    print(f"{name}: steps 1..50 with a constant gradient match -η·ramp(t)·g/(|g|+ε) "
          f"{'within' if worst < 1e-9 else 'NOT within'} 1e-9 relative")

# %% [markdown]
# **Where $\epsilon$ goes.** Doc 000 (and `numopt.AdaX`) divide by $\sqrt{\hat v_t} + \epsilon$. The authors' code
# divides
# by $\sqrt{v_t} + \epsilon$ and multiplies the step by $\sqrt{B_t}$:
#
# $$\eta\sqrt{B_t}\,\frac{m_t}{\sqrt{v_t}+\epsilon} = \eta\,\frac{m_t}{\sqrt{\hat v_t} + \epsilon/\sqrt{B_t}},$$
#
# an effective $\epsilon' = \epsilon/\sqrt{B_t}$. Since $B_t$ grows without bound, $\epsilon'$ does not settle at
# $\epsilon$: it starts at $100\,\epsilon$ ($B_1 = 10^{-4}$), crosses $\epsilon$ when $B_t = 1$, at
# $t = \ln 2/\ln(1+\beta_2) \approx 6931$, and tends to 0 ($\epsilon'/\epsilon \approx 0.0067$ at $t = 10^5$). The two
# steps differ by the relative amount $d_t = (\epsilon' - \epsilon)/(\sqrt{\hat v_t} + \epsilon')$, at most about
# $10^{-10}$ for gradients of order one with $\epsilon = 10^{-12}$. We write the authors' step out and compare.

# %%
eps = 1e-12
for t in (1, 6_931, 100_000):
    print(f"t = {t:>7}: eps'/eps = 1/sqrt(B_t) = {1 / math.sqrt(theory.adax_bias_correction(beta2_x, t)):.4g}")
adax = numopt.AdaX(lr=1.0, beta2=beta2_x, eps=eps)
theta = np.zeros(3)
worst_gap, worst_prediction = 0.0, 0.0
for t, g in enumerate(grads[:200], start=1):
    theta[...] = 0.0  # AdaX's update does not depend on θ (no weight decay): read each step off exactly
    adax.step(theta, g)
    step_numopt = theta.copy()
    B = float(theory.adax_bias_correction(beta2_x, t))
    m, v = adax.state["m"], adax.state["v_hat"] * B  # numopt keeps v̂ (§ 8); doc 000's v_t = B_t v̂_t
    step_authors = -1.0 * math.sqrt(B) * m / (np.sqrt(v) + eps)  # the authors' AdaX.py, lr = 1
    gap = np.abs(step_authors - step_numopt) / np.abs(step_numopt)
    d = (eps / math.sqrt(B) - eps) / (np.sqrt(v / B) + eps / math.sqrt(B))
    worst_gap = max(worst_gap, float(gap.max()))
    worst_prediction = max(worst_prediction, float(np.max(np.abs(gap - d) / d)))
print(f"largest relative difference of the two steps over 200 steps: {worst_gap:.2e}")

# %%
# Verification
assert ramp_error["Adam"] < 1e-9 and ramp_error["AdaX"] < 1e-9  # θ - before loses digits as θ grows: ≈ 500 ulp
eps_ratio = 1 / np.sqrt(theory.adax_bias_correction(beta2_x, np.array([1.0, 6_931, 100_000])))
assert abs(eps_ratio[0] - 100) < 1e-9  # ε' = 100 ε at t = 1
assert abs(eps_ratio[1] - 1) < 5e-4 and abs(math.log(2) / math.log1p(beta2_x) - 6931.8) < 0.1  # ε' = ε near t = 6931
assert abs(eps_ratio[2] - 0.0067) < 0.00005  # ε' → 0, not → ε
assert np.all(np.diff(1 / np.sqrt(theory.adax_bias_correction(beta2_x, np.arange(1, 200_001)))) < 0)  # decreasing
assert worst_gap < 1e-7 and worst_prediction < 1e-3  # the steps differ by d_t, as predicted

# %% [markdown]
# ## 6. What doc 000 leaves out (erratum 13)
#
# Doc 000 gives only $\beta_2 = 10^{-4}$. The authors' code and README fix the rest and recommend AdaX-W, decoupled
# weight decay as in AdamW (lesson 06); numopt takes its defaults from there. (The authors' `AdaX` class also
# defaults to an L2 penalty of 5e-4; `numopt.AdaX` to none, so that the plain constructor is the plain algorithm.)

# %%
authors = {
    "AdaX": {"lr": 1.5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12},
    "AdaXW": {"lr": 5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12, "weight_decay": 5e-2},
}
for cls in (numopt.AdaX, numopt.AdaXW):
    hp = cls().hyperparameters
    print(f"{cls.__name__:6s}", ", ".join(f"{k}={v:g}" for k, v in hp.items()))

# %%
# Verification
for cls in (numopt.AdaX, numopt.AdaXW):
    assert all(cls().hyperparameters[k] == v for k, v in authors[cls.__name__].items())

# %% [markdown]
# ## 7. The Reddi et al. counterexample, with AMSGrad
#
# At step $t$ the loss is $f_t(x) = C x$ if $t \bmod 3 = 1$ and $-x$ otherwise, $x \in [-1, 1]$ (projected after
# each step), $C > 2$. Over a period the loss is $(C-2)x$, so $x^\ast = -1$. The rare gradient $C$ is the
# informative one. If Adam's $\hat v$ forgets $C^2$ within a period, the two steps with gradient $-1$ are divided by
# a small $\sqrt{\hat v}$ and each moves $x$ up by about $\eta$, while the step with gradient $C$ moves it down by only
# about $\eta$: net drift upwards. AdaX's $\hat v$ is (for $t \ll 10^4$) the mean of all $g^2$, close to $(C^2+2)/3$, so
# every step is the gradient times one fixed number and the period's net step is
# $-(C-2)\eta/\sqrt{(C^2+2)/3} < 0$.
#
# Reddi et al.'s own fix is AMSGrad (`numopt.Adam(amsgrad=True)`): divide by the running *maximum* of $v$, so the
# denominator never shrinks after a large gradient. We run all three with $\eta_t = \alpha/\sqrt t$ from $x_0 = 0$,
# AMSGrad with Adam's $\beta$'s:
# (a) Theorem 1's $\beta_1 = 0$, $\beta_2 = 1/(1+C^2)$ for Adam, $\beta_1 = 0$ for AdaX; $C = 3$, $\alpha = 0.1$, 3000
# steps;
# (b) the usual $\beta_1 = 0.9$, $\beta_2 = 0.999$ (AdaX: $\beta_1 = 0.9$);
# (c) the paper's synthetic experiment: $C = 1010$, period 101, slope $-10$ elsewhere, $\beta_2 = 0.99$, $\alpha = 0.5$,
#     10 100 steps (100 periods).

# %%
settings = {
    "(a) Thm 1": (Reddi(C=C), 3_000, 0.1, dict(beta1=0.0, beta2=1 / (1 + C * C)), dict(beta1=0.0)),
    "(b) usual": (Reddi(C=C), 3_000, 0.1, dict(beta1=0.9, beta2=0.999), dict(beta1=0.9)),
    "(c) paper": (Reddi(C=1010.0, period=101, slope=10.0), 10_100, 0.5, dict(beta1=0.9, beta2=0.99),
                  dict(beta1=0.9)),
}
trajectories, final = {}, {}
print(f"{'setting':10s} {'Adam x_T':>9} {'AMSGrad':>9} {'AdaX x_T':>9}   (x* = -1; mean over the last period)")
for label, (problem, steps, alpha, adam_hp, adax_hp) in settings.items():
    adam_run, adax_run = (opening["Adam"], opening["AdaX"]) if label == "(a) Thm 1" else (  # (a) ran above
        run(numopt.Adam(lr=schedule(alpha), **adam_hp), problem, steps),
        run(numopt.AdaX(lr=schedule(alpha), **adax_hp), problem, steps))
    paths = (adam_run, run(numopt.Adam(lr=schedule(alpha), amsgrad=True, **adam_hp), problem, steps), adax_run)
    trajectories[label] = [p.params[:, 0] for p in paths]
    final[label] = [p.params[-problem.period:, 0].mean() for p in paths]
    print(f"{label:10s} " + " ".join(f"{x:>9.3f}" for x in final[label]))

# %%
# Verification
assert opening["Adam"].params[-1, 0] > 0.99 and opening["AdaX"].params[-1, 0] < -0.99
(adam_a, ams_a, adax_a), (adam_b, ams_b, adax_b), (adam_c, ams_c, adax_c) = final.values()
assert adam_a > 0.99 and ams_a < -0.99 and adax_a < -0.99
assert adam_b < -0.99 and ams_b < -0.99 and adax_b < -0.99
assert adam_c > 0.9 and ams_c < -0.85 and -0.5 < adax_c < 0.0
_, ams_path, adax_path = trajectories["(c) paper"]
assert abs(ams_path[1] + 0.5) < 1e-6 and abs(adax_path[1] + 0.05) < 1e-6  # first steps: η_1 and (1 − β1) η_1
assert ams_path[101] < -0.7 < -0.06 < adax_path[101]  # the lead after one period...
assert ams_path[101] - ams_path[-1] < 0.3 and adax_path[101] - adax_path[-1] < 0.3  # ...is most of the final gap

# %% [markdown]
# * (a) Adam ends at $+1$, the worst point; AMSGrad and AdaX at $-1$.
# * (b) With $\beta_2 = 0.999$ Adam's memory (~1000 steps) spans hundreds of periods, so **Adam also reaches $-1$**:
#   the failure needs a memory short compared with the period, not every Adam run has it.
# * (c) On the longer period Adam fails again. AMSGrad and AdaX move the right way, but slowly: the per-period
#   gradient $1010 - 100\cdot 10 = 10$ is tiny next to $\sqrt{\hat v} \approx 100$ and $\eta_t$ decays. AMSGrad
#   ends near $-0.9$, AdaX near $-0.15$; most of the gap is the very first step, on the gradient $C$: Adam's first
#   step is $\eta_1\,\mathrm{sign}(g) = 0.5$ long, AdaX's only a tenth of that (its warm-up, §5).

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
for (label, ax), title in zip(((("(a) Thm 1"), ax1), ("(c) paper", ax2)),
                              ("(a) C = 3, period 3, η_t = 0.1/√t", "(c) C = 1010, period 101, η_t = 0.5/√t"),
                              strict=True):
    adam_x, ams_x, adax_x = trajectories[label]
    plot.curves({"adam": adam_x, "adax": adax_x}, ax=ax, first_step=0, ylabel="x_t", title=title)
    ax.lines[0].set_label("adam")
    ax.lines[1].set_label("adax")
    ax.plot(ams_x, color=plot.COLORS["adam"], ls=":", lw=1.5, label="adam, amsgrad=True")
ax1.plot(trajectories["(b) usual"][0], color=plot.COLORS["adam"], ls="--", lw=1.2, label="adam, usual β's (b)")
ax2.set_xticks([0, 2_500, 5_000, 7_500, 10_000])
for ax in (ax1, ax2):
    ax.axhline(-1, color="gray", lw=0.8, ls=":")
    ax.set_ylim(-1.1, 1.1)
    ax.legend(fontsize=8, loc="center right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 8. Long runs: why `numopt.AdaX` stores $\hat v$, not $v$
#
# Doc 000's $v_t$ and $B_t = (1+\beta_2)^t - 1$ both grow like $(1+\beta_2)^t$. In float32 $B_t$ overflows once
# $t\log(1+\beta_2) > \log(3.4\cdot10^{38})$, at $t \approx 887{,}000$ for $\beta_2 = 10^{-4}$ (then $\hat v = 0$
# and one step moves θ by $\eta m/\epsilon$); in float64 near $t \approx 7.1\cdot10^6$. Their ratio $\hat v_t$ is a
# weighted average of $g_1^2, \dots, g_t^2$ (§ 3), so it stays bounded. `numopt.AdaX` therefore stores $\hat v$ and
# runs the recursion of § 2, $\hat v_t = (1-w_t)\hat v_{t-1} + w_t g_t^2$ with
# $w_t = 1-\hat\beta_{2,t} = \beta_2/B_t$, computed as $\beta_2 e^{-x}/(1-e^{-x})$, $x = t\log(1+\beta_2)$: no
# overflow for any $t$ ($w_t \to 0$). Where doc 000's form is finite the two agree to rounding (§ 2 and § 5 check
# it), and a state loaded at $t = 10^9$ still steps.

# %%
t_overflow = math.log(np.finfo(np.float32).max) / math.log1p(beta2_x)
print(f"float32: B_t overflows after t ≈ {t_overflow:,.0f}; float64: after t ≈ {709.78 / math.log1p(beta2_x):,.0f}")
long_run = numopt.AdaX(lr=1e-3, beta2=beta2_x)
theta_long = np.ones(3, dtype=np.float32)
long_run.step(theta_long, np.ones(3, dtype=np.float32))  # creates the state
saved = long_run.state_dict()
saved["t"] = 10**9  # as if a billion steps had been taken
long_run.load_state_dict(saved)
for g in grads[:5].astype(np.float32):
    long_run.step(theta_long, g)
print(f"after loading at t = 1e9 and 5 more steps: θ = {theta_long}, v̂ = {long_run.state['v_hat']}")

# %%
# Verification: a billion steps in, the newest gradient's weight w_t has underflowed to 0, so v̂ keeps its value
assert np.isfinite(theta_long).all() and np.array_equal(long_run.state["v_hat"], np.ones(3, np.float32))

# %% [markdown]
# ## What to remember
# * Bias-corrected Adam is an EWMA of $g^2$ with rate $\hat\beta_{2,t} = \beta_2(1-\beta_2^{t-1})/(1-\beta_2^t)$:
#   0 at the first step, then $\beta_2$ for ever — a fixed-length memory.
# * AdaX grows $v$ by $(1+\beta_2)$ per step and divides by $(1+\beta_2)^t - 1$; its rate
#   $1 - \beta_2/((1+\beta_2)^t-1)$ is $\approx 1 - 1/t$ (a running mean) while $t \ll 1/\beta_2$, then → 1.
# * AdaX's weights on past $g^2$ sum to one and favour the **oldest** gradients; Adam's favour the newest.
# * Compute $(1+\beta_2)^t - 1$ as `expm1(t*log1p(beta2))`; the naive form loses ~3 digits in float64.
# * AdaX does not bias-correct $m$ (a 10-step warm-up). The authors' $\epsilon$ is $\epsilon/\sqrt{B_t}$:
#   $100\,\epsilon$ at
#   first, then → 0 (a $\le 10^{-10}$ effect on the step).
# * On Reddi's counterexample a long memory of the rare large gradient (AdaX), or never letting the denominator
#   shrink (AMSGrad), fixes what Adam's short memory breaks.

# %% [markdown]
# ## Exercises
# 1. Show that for $\beta_2 \to 0$ with $t$ fixed, AdaX's $\hat v_t$ tends to the arithmetic mean of
#    $g_1^2, \dots, g_t^2$. Which optimizer of lesson 4 keeps exactly that denominator (up to a factor $t$)?
# 2. Find the step $t$ at which AdaX's newest gradient weighs half as much as its oldest, as a function of
#    $\beta_2$; evaluate it for $\beta_2 = 10^{-4}$ and check with `theory.adax_weights`.
# 3. In setting (a), replace Adam's $\beta_2$ by $0.3, 0.9, 0.99, 0.999$ (keeping $\beta_1 = 0$) and record $x_T$.
#    Explain the threshold you find in terms of the memory $1/(1-\beta_2)$ and the period 3. (The larger
#    $\beta_2$ do not fail *this* instance, but Reddi et al. build a failing one for every $\beta_2 < 1$ with
#    $\beta_1 < \sqrt{\beta_2}$, with a larger $C$ and a longer period; setting (c) is one for $\beta_2 = 0.99$.)


# %% [markdown]
# ## Lab: write AdaX's update
#
# Write `adax_update(param, grad, state, t)`: one step, where `state` is `None` at $t = 1$ and afterwards what the
# previous call returned; return `(new_param, new_state)`. The body below is a first attempt with a mistake students
# often make. The next cell runs numopt's grader in this process: it steps your function and `numopt.AdaX`
# through the same seeded cases and names the mistake it recognises. Fix the body until the checks pass (the
# solutions notebook has the answer). A course's student version replaces the body by
# `raise NotImplementedError()` ([lessons/README](README.md#labs-and-student-versions)).

# %%
def adax_update(param, grad, state, t, lr=1.5e-3, beta1=0.9, beta2=1e-4, eps=1e-12):
    """One AdaX step (§2, doc 000's form); state is the pair (m, v); returns (new_param, new_state)."""
    # TODO: write the update; the grader in the next cell checks it
    # BEGIN SOLUTION
    m, v = (np.zeros_like(param), np.zeros_like(param)) if state is None else state
    m = beta1 * m + (1 - beta1) * grad
    v = (1 + beta2) * v + beta2 * grad**2
    v_hat = v / (1 - beta2**t)
    return param - lr * m / (np.sqrt(v_hat) + eps), (m, v)
    # END SOLUTION


# %%
print(grade(adax_update, "adax", {"lr": 1.5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12}).summary())
