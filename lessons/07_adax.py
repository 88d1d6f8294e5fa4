# %% [markdown]
# # Lesson 07 — AdaX: Adam with exponential long-term memory
#
# Source: doc 000 (a blog summary of Li, Zhang, Wang & Luo, *AdaX: Adaptive Gradient Descent with Exponential
# Long Term Memory*, 2020), checked against the paper, the authors' code (switchablenorms/AdaX, `AdaX.py`) and
# numopt's `adax` docstring; erratum 13 is in the README's [Sources and errata](../README.md#sources-and-errata).
#
# The plan:
# 1. rewrite Adam's bias-corrected second moment as an EWMA with a *time-varying* rate β̂₂,ₜ and see that
#    β̂₂,ₜ → β2 (doc 000 §1);
# 2. derive AdaX's rate β̂₂,ₜ = 1 − β2/((1+β2)ᵗ − 1), which tends to 1 (doc 000 §2);
# 3. find which past gradients carry the weight in each method;
# 4. two numerical details: computing (1+β2)ᵗ − 1 without cancellation, and where ε goes;
# 5. what doc 000 leaves out (erratum 13) and the missing bias correction of m;
# 6. Adam and AdaX on the online counterexample of Reddi, Kale & Kumar (2018).
#
# Every claim is checked with `numopt`; nothing below re-implements an optimizer except the authors'
# ε placement in §5, written out in three lines only to compare it with `numopt.AdaX`.

# %%
import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt import plot, theory
from numopt.problems import Reddi
from numopt.runner import run

rng = np.random.default_rng(7)
UNIT_ROUNDOFF = 2.0**-53  # half the spacing of doubles near 1

# %% [markdown]
# ## 1. Adam's second moment is an EWMA with rate β̂₂,ₜ → β2 (doc 000 §1)
#
# Adam keeps $v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2$ and divides by $\sqrt{\hat v_t}$ with
# $\hat v_t = v_t / (1-\beta_2^t)$. Substitute $v_{t-1} = (1-\beta_2^{t-1})\,\hat v_{t-1}$:
#
# $$\hat v_t = \frac{\beta_2 (1-\beta_2^{t-1})\,\hat v_{t-1} + (1-\beta_2) g_t^2}{1-\beta_2^t}
#           = \hat\beta_{2,t}\,\hat v_{t-1} + (1-\hat\beta_{2,t})\, g_t^2,
# \qquad \hat\beta_{2,t} = \beta_2\,\frac{1-\beta_2^{t-1}}{1-\beta_2^{t}}.$$
#
# The two coefficients add up to 1 because $\beta_2(1-\beta_2^{t-1}) + (1-\beta_2) = 1-\beta_2^t$.
# (Lesson 05 checks this rewriting for Adam; here it is the starting point for AdaX.)
# So the *corrected* second moment is itself an EWMA, with a rate that starts at $\hat\beta_{2,1} = 0$
# ($\hat v_1 = g_1^2$: the first step trusts only the first gradient) and rises to $\beta_2$.
#
# Why the authors dislike the limit: with $\hat\beta_{2,t} \to \beta_2 = 0.999$ the denominator keeps
# tracking the last ~1000 squared gradients for ever. Late in training the gradients are small and noisy, so
# $\sqrt{\hat v_t}$ keeps moving and the effective step $\eta/\sqrt{\hat v_t}$ keeps jumping. The authors
# would rather let $\hat\beta_{2,t} \to 1$: the denominator freezes into a long-run average and the method
# turns into SGD with a fixed per-coordinate scale late in training.
#
# **Check.** Run `numopt.Adam` with `lr=0` (so θ stays put and the gradients are whatever we feed it), form
# $\hat v_t$ from its state and test the recursion with `theory.adam_beta2_hat`.

# %%
T = 300
grads = rng.standard_normal((T, 3)) * np.array([1.0, 10.0, 0.01])  # three coordinates of very different scale


def corrected_second_moments(opt, grads, correction):
    """Feed ``grads`` to ``opt`` (built with lr=0) and return v_t / correction(t) for t = 1..T."""
    theta = np.zeros(grads.shape[1])
    out = []
    for g in grads:
        opt.step(theta, g)
        out.append(opt.state["v"] / correction(opt.t))
    return np.array(out)


beta2 = 0.999
v_hat = corrected_second_moments(numopt.Adam(lr=0.0, beta2=beta2), grads, lambda t: 1 - beta2**t)
b_hat = theory.adam_beta2_hat(beta2, np.arange(2, T + 1))[:, None]
predicted = b_hat * v_hat[:-1] + (1 - b_hat) * grads[1:] ** 2
err = np.max(np.abs(predicted - v_hat[1:]) / v_hat[1:])
print(f"Adam: max relative error of v̂_t = β̂ v̂_(t-1) + (1-β̂) g_t² over t = 2..{T}: {err:.2e}")
assert err < 1e-12  # a few roundings per step, nothing accumulates beyond ~1e-15 per step
print(f"β̂(1) = {theory.adam_beta2_hat(beta2, 1):.1f}, v̂_1 = g_1² exactly: {np.array_equal(v_hat[0], grads[0]**2)}")
for t in (10, 1_000, 10_000, 100_000):
    print(f"t = {t:>7}: β̂ = {theory.adam_beta2_hat(beta2, t):.6f}   (β2 = {beta2})")
assert abs(theory.adam_beta2_hat(beta2, 100_000) - beta2) < 1e-12  # the gap is β2^t(1-β2)/(1-β2^t) ≈ 4e-47

# %% [markdown]
# ## 2. AdaX: grow v instead of decaying it (doc 000 §2)
#
# AdaX makes two changes to Adam. The first is to drop the bias correction of $m$ (§5 below). The second is the
# second moment:
#
# $$v_t = (1+\beta_2)\,v_{t-1} + \beta_2\, g_t^2, \qquad \hat v_t = \frac{v_t}{(1+\beta_2)^t - 1},
# \qquad \beta_2 = 10^{-4}.$$
#
# Here $v$ is never shrunk: every step multiplies the old sum by $1+\beta_2 > 1$ and adds the new term. Write
# $B_t = (1+\beta_2)^t - 1$, so $v_{t-1} = B_{t-1}\hat v_{t-1}$ and $(1+\beta_2)B_{t-1} = B_t - \beta_2$:
#
# $$\hat v_t = \frac{(1+\beta_2) B_{t-1}\,\hat v_{t-1} + \beta_2 g_t^2}{B_t}
#           = \Big(1 - \frac{\beta_2}{B_t}\Big)\hat v_{t-1} + \frac{\beta_2}{B_t}\, g_t^2,
# \qquad \hat\beta_{2,t} = 1 - \frac{\beta_2}{(1+\beta_2)^t - 1}.$$
#
# Three properties, each proved in one line:
# * $t = 1$: $B_1 = \beta_2$, so $\hat\beta_{2,1} = 0$ and $\hat v_1 = g_1^2$, as in Adam.
# * $t \to \infty$: $B_t \to \infty$, so $\hat\beta_{2,t} \to 1$ — the memory becomes permanent.
# * In between: $B_t = \beta_2 \sum_{j=0}^{t-1}(1+\beta_2)^j$ lies between $t\beta_2$ and
#   $t\beta_2(1+\beta_2)^{t-1}$, so
#   $$\frac{1}{t\,(1+\beta_2)^{t-1}} \;\le\; 1-\hat\beta_{2,t} \;\le\; \frac1t .$$
#   While $t \ll 1/\beta_2 = 10^4$ the factor $(1+\beta_2)^{t-1} \approx 1$ and $\hat\beta_{2,t} \approx 1 - 1/t$:
#   $\hat v_t$ is then just the running *arithmetic mean* of $g_1^2,\dots,g_t^2$ (that recursion is exactly
#   $\bar x_t = (1-1/t)\bar x_{t-1} + x_t/t$). Beyond $t \approx 1/\beta_2$, $1-\hat\beta_{2,t}$ falls
#   exponentially and new gradients hardly move $\hat v$ any more.
#
# **Check** the recursion on `numopt.AdaX`'s state, then the two bounds on a grid up to $t = 10^6$.

# %%
beta2_x = 1e-4
v_hat_x = corrected_second_moments(
    numopt.AdaX(lr=0.0, beta2=beta2_x), grads, lambda t: math.expm1(t * math.log1p(beta2_x))
)
b_hat_x = theory.adax_beta2_hat(beta2_x, np.arange(2, T + 1))[:, None]
predicted = b_hat_x * v_hat_x[:-1] + (1 - b_hat_x) * grads[1:] ** 2
err = np.max(np.abs(predicted - v_hat_x[1:]) / v_hat_x[1:])
print(f"AdaX: max relative error of v̂_t = β̂ v̂_(t-1) + (1-β̂) g_t² over t = 2..{T}: {err:.2e}")
assert err < 1e-12

mean_sq = np.cumsum(grads**2, axis=0) / np.arange(1, T + 1)[:, None]
gap = np.max(np.abs(v_hat_x - mean_sq) / mean_sq)
print(f"AdaX v̂_t vs the arithmetic mean of g_1²..g_t² (t ≤ {T}): max relative gap {gap:.2e}")
assert gap < (1 + beta2_x) ** (T - 1) - 1  # t·w_k = tβ2(1+β2)^(t-k)/B_t lies in [(1+β2)^-(t-1), (1+β2)^(t-1)]

print(f"β̂(1) = {theory.adax_beta2_hat(beta2_x, 1):.2e}")
assert abs(theory.adax_beta2_hat(beta2_x, 1)) < 1e-15  # β2/expm1(log1p(β2)) = 1 up to two roundings

t_grid = np.unique(np.geomspace(1, 1e6, 400).round())
one_minus = 1 - theory.adax_beta2_hat(beta2_x, t_grid)
lower = 1 / (t_grid * np.exp((t_grid - 1) * math.log1p(beta2_x)))
slack = 2.0**-53  # β̂ is a double just below 1: 1 - β̂ is known only to that absolute spacing
assert np.all(one_minus <= 1 / t_grid + slack) and np.all(one_minus >= lower - slack)
print(f"1/(t(1+β2)^(t-1)) ≤ 1 - β̂ ≤ 1/t holds at all {t_grid.size} grid points in 1 ≤ t ≤ 1e6")
print(f"{'t':>9} {'Adam β̂ (0.999)':>15} {'AdaX β̂ (1e-4)':>15} {'1 - 1/t':>10}")
for t in (1, 2, 10, 100, 1_000, 10_000, 100_000):
    print(f"{t:>9} {theory.adam_beta2_hat(beta2, t):>15.6f} {theory.adax_beta2_hat(beta2_x, t):>15.6f} "
          f"{1 - 1 / t:>10.6f}")

# %% [markdown]
# The picture: β̂₂,ₜ against t on a log axis (left) and the distance to 1 on log–log axes (right). Adam's rate
# stops at β2 = 0.999, so 1 − β̂ levels off at 10⁻³; AdaX's follows 1/t until t ≈ 1/β2 = 10⁴ and then drops
# exponentially.

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
# Unroll both recursions from $v_0 = 0$.
#
# * Adam: $\hat v_t = \sum_{k=1}^t \frac{(1-\beta_2)\beta_2^{t-k}}{1-\beta_2^t}\, g_k^2$. The weight *decays*
#   with the age $t-k$: the newest gradient weighs most (lesson 2).
# * AdaX: $v_t = \beta_2\sum_{k=1}^t (1+\beta_2)^{t-k} g_k^2$, so
#   $$\hat v_t = \sum_{k=1}^t w_k\, g_k^2, \qquad w_k = \frac{\beta_2 (1+\beta_2)^{t-k}}{(1+\beta_2)^t - 1}.$$
#   The weight *grows* with the age: the **oldest** gradient weighs most, by the factor
#   $(1+\beta_2)^{t-1}$ over the newest. The weights sum to one exactly (a geometric series:
#   $\beta_2\sum_{j=0}^{t-1}(1+\beta_2)^j = (1+\beta_2)^t - 1$), which is why AdaX needs no separate bias
#   correction beyond the division by $B_t$.
#
# **Check** without reading any formula off the code: give a $T$-dimensional parameter the gradient
# $g_t = e_t$ (coordinate $t$ sees a 1 at step $t$ and 0 otherwise). Then coordinate $k$ of $\hat v_T$ is
# exactly the weight of step $k$.

# %%
T_w = 2_000
one_hot = np.eye(T_w)
w_adax = corrected_second_moments(
    numopt.AdaX(lr=0.0, beta2=beta2_x), one_hot, lambda t: math.expm1(t * math.log1p(beta2_x))
)[-1]
w_adam = corrected_second_moments(numopt.Adam(lr=0.0, beta2=beta2), one_hot, lambda t: 1 - beta2**t)[-1]
err_x = np.max(np.abs(w_adax - theory.adax_weights(beta2_x, T_w)) / theory.adax_weights(beta2_x, T_w))
adam_closed = theory.ewma_weights(beta2, T_w) / theory.bias_correction(beta2, T_w)
err_a = np.max(np.abs(w_adam - adam_closed) / adam_closed)
print(f"t = {T_w}: AdaX weights vs theory.adax_weights: {err_x:.2e};  Adam weights vs EWMA closed form: {err_a:.2e}")
assert err_x < 1e-12 and err_a < 1e-12
print(f"sums: AdaX {w_adax.sum():.15f}, Adam {w_adam.sum():.15f}")
assert abs(w_adax.sum() - 1) < 1e-12 and abs(w_adam.sum() - 1) < 1e-12
ratio = w_adax[0] / w_adax[-1]
print(f"AdaX oldest/newest weight = {ratio:.6f}, (1+β2)^(t-1) = {(1 + beta2_x) ** (T_w - 1):.6f}")
print(f"Adam oldest/newest weight = {w_adam[0] / w_adam[-1]:.3e}, β2^(t-1) = {beta2 ** (T_w - 1):.3e}")
assert np.all(np.diff(w_adax) < 0) and np.all(np.diff(w_adam) > 0)  # AdaX: older is heavier; Adam: newer is

# %% [markdown]
# At $t = 2000$ AdaX's weights are still almost uniform (ratio 1.22). The picture shows them at three times
# against Adam's: by $t = 3/\beta_2 = 30\,000$ AdaX gives the first gradients about $e^3 \approx 20$ times the
# weight of the latest ones, while Adam has forgotten everything older than a few thousand steps.

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
# For $\beta_2 = 10^{-4}$ the naive `(1 + beta2)**t - 1` subtracts two numbers that agree in their first
# four digits. Two errors get amplified by that cancellation:
# * storing $1+\beta_2$ rounds it by some $\delta$ ($|\delta| \le 2^{-53}$; here
#   $\delta \approx -1.1\cdot10^{-17}$), which changes the result by about $t\delta$, a relative error of
#   $t\delta/(t\beta_2) = \delta/\beta_2$ at every $t$;
# * the power itself is rounded by about $2^{-53}$, a relative error of up to $2^{-53}/(t\beta_2)$ after the
#   subtraction.
#
# `log1p` and `expm1` never form $1+\beta_2$, so the result keeps (almost) all 16 digits. We measure both against
# the exact value of $(1+\beta_2)^t - 1$ for the double nearest $10^{-4}$, computed in rational arithmetic, in units
# of roundoff $u = 2^{-53}$. In float32 the first error alone is ruinous: there $1+\beta_2$ is rounded by about
# $10^{-8}$, which is $10^{-4}$ relative to $\beta_2$.

# %%
def relative_error(x: float, exact: Fraction) -> float:
    return abs(float((Fraction(x) - exact) / exact))


delta = float(Fraction(1 + beta2_x) - 1 - Fraction(beta2_x))
delta32 = float(Fraction(float(np.float32(1) + np.float32(beta2_x))) - 1 - Fraction(beta2_x))
print(f"float64: 1 + β2 is stored with error δ = {delta:.3e}, so δ/β2 = {delta / beta2_x:.3e}")
print(f"float32: 1 + β2 is stored with error δ = {delta32:.3e}, so δ/β2 = {delta32 / beta2_x:.2e}")
print(f"{'t':>6} {'naive, in u':>12} {'expm1/log1p, in u':>18}")
for t in (1, 2, 5, 10, 100, 1_000):
    exact = (1 + Fraction(beta2_x)) ** t - 1
    naive = relative_error((1 + beta2_x) ** t - 1, exact) / UNIT_ROUNDOFF
    careful = relative_error(math.expm1(t * math.log1p(beta2_x)), exact) / UNIT_ROUNDOFF
    print(f"{t:>6} {naive:>12.0f} {careful:>18.1f}")
    assert careful < 8  # two correctly rounded functions and a product: a few units of roundoff
    assert naive > 100  # the δ/β2 term alone is 1.1e-13 ≈ 1000 u

# %% [markdown]
# The naive form is off by about a thousand units of roundoff at every $t$: three of the sixteen digits are gone
# (the $\delta/\beta_2$ term; an unluckier $\beta_2$, with $|\delta|$ near $2^{-53}$, could lose four). In float32,
# $\delta/\beta_2 \approx 2\cdot10^{-4}$ leaves only three or four correct digits of seven. `numopt.AdaX` and
# `theory.adax_beta2_hat` both use the `expm1`/`log1p` form.
#
# ## 5. Two differences from Adam that doc 000 states only in passing
#
# **No bias correction on $m$.** AdaX steps with $m_t$, not $m_t/(1-\beta_1^t)$. With a constant gradient
# $g$, both methods have $\hat v_t = g^2$ exactly (their weights sum to one), and $m_t = (1-\beta_1^t) g$, so
#
# $$\text{Adam: } \Delta\theta_t = -\eta\,\frac{g}{|g|+\epsilon}, \qquad
#   \text{AdaX: } \Delta\theta_t = -\eta\,(1-\beta_1^t)\,\frac{g}{|g|+\epsilon}:$$
#
# AdaX's first step is only $1-\beta_1 = 0.1$ of the learning rate, and it ramps up over ~$1/(1-\beta_1) = 10$
# steps — a built-in warm-up.

# %%
g_const = np.array([3.0, -0.5])
lr = 1e-2
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
    print(f"{name}: steps 1..50 with a constant gradient match -η·ramp(t)·g/(|g|+ε) to {worst:.1e} relative")
    assert worst < 1e-9  # θ - before loses digits as θ grows (|θ| ≤ 0.5, steps ≥ 1e-3): ≈ 500 ulp

# %% [markdown]
# **Where ε goes.** Doc 000 (and `numopt.AdaX`) divide by $\sqrt{\hat v_t} + \epsilon$. The authors' code
# divides by $\sqrt{v_t} + \epsilon$ and multiplies the step by $\sqrt{B_t}$:
#
# $$\eta\sqrt{B_t}\,\frac{m_t}{\sqrt{v_t}+\epsilon} = \eta\,\frac{m_t}{\sqrt{\hat v_t} + \epsilon/\sqrt{B_t}},$$
#
# an effective $\epsilon' = \epsilon/\sqrt{B_t}$. At $t = 1$, $B_1 = 10^{-4}$ and
# $\epsilon' = 100\,\epsilon = 10^{-10}$; it shrinks towards $\epsilon$ as $B_t$ grows past 1. The two steps
# differ by the relative amount
# $d_t = (\epsilon' - \epsilon)/(\sqrt{\hat v_t} + \epsilon')$ — about $10^{-10}$ for gradients of order one
# with the default $\epsilon = 10^{-12}$. We write the authors' step out (three lines) and compare.

# %%
eps = 1e-12
adax = numopt.AdaX(lr=1.0, beta2=beta2_x, eps=eps)
theta = np.zeros(3)
worst_gap, worst_prediction = 0.0, 0.0
for t, g in enumerate(grads[:200], start=1):
    theta[...] = 0.0  # AdaX's update does not depend on θ (no weight decay): read each step off exactly
    adax.step(theta, g)
    step_numopt = theta.copy()
    m, v = adax.state["m"], adax.state["v"]
    B = math.expm1(t * math.log1p(beta2_x))
    step_authors = -1.0 * math.sqrt(B) * m / (np.sqrt(v) + eps)  # the authors' AdaX.py, lr = 1
    gap = np.abs(step_authors - step_numopt) / np.abs(step_numopt)
    d = (eps / math.sqrt(B) - eps) / (np.sqrt(v / B) + eps / math.sqrt(B))
    worst_gap = max(worst_gap, float(gap.max()))
    worst_prediction = max(worst_prediction, float(np.max(np.abs(gap - d) / d)))
print(f"largest relative difference of the two steps over 200 steps: {worst_gap:.2e}")
print(f"it equals (ε' - ε)/(√v̂ + ε') to within {worst_prediction:.1e} (relative)")
assert worst_gap < 1e-7 and worst_prediction < 1e-3

# %% [markdown]
# ## 6. What doc 000 leaves out (erratum 13)
#
# Doc 000 gives only $\beta_2 = 10^{-4}$. The authors' code and README fix the rest, and recommend AdaX-W,
# decoupled weight decay as in AdamW (lesson 5). `numopt` takes its defaults from there:

# %%
authors = {
    "AdaX": {"lr": 1.5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12},
    "AdaXW": {"lr": 5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12, "weight_decay": 5e-2},
}
for cls in (numopt.AdaX, numopt.AdaXW):
    hp = cls().hyperparameters
    print(f"{cls.__name__:6s}", ", ".join(f"{k}={v:g}" for k, v in hp.items()))
    assert all(hp[k] == v for k, v in authors[cls.__name__].items())

# %% [markdown]
# (The authors' `AdaX` class also defaults to an L2 penalty of 5e-4; `numopt.AdaX` defaults to none, so that the
# plain constructor is the plain algorithm.)
#
# ## 7. The Reddi et al. counterexample
#
# Reddi, Kale & Kumar (2018) built an online problem on which Adam converges to the *worst* point.
# At step $t$ the loss is $f_t(x) = C x$ if $t \bmod 3 = 1$ and $-x$ otherwise, with $x \in [-1, 1]$ (projected
# after each step) and $C > 2$. Over one period the loss is $(C-2)x$, so the best fixed point is $x^* = -1$.
#
# The rare gradient $C$ is the informative one. Adam's memory is short: if $\hat v$ forgets $C^2$ within a
# period, the two steps of $+1$ that follow are divided by a small $\sqrt{\hat v}$ and each moves $x$ up by about
# $\eta$, while the step with gradient $C$ moves it down by only about $\eta$ — net drift upwards. Their Theorem 1
# uses $\beta_1 = 0$, $\beta_2 = 1/(1+C^2)$ and $\eta_t = \alpha/\sqrt t$. AdaX's $\hat v$ is (for $t \ll 10^4$)
# the mean of all $g^2$, close to $(C^2+2)/3$, so every step is the true gradient times one fixed number and the
# period's net step is $-(C-2)\eta/\sqrt{(C^2+2)/3} < 0$.
#
# We use `numopt.problems.Reddi` (C = 3, period 3) and `numopt.run` with the same schedule
# $\eta_t = 0.1/\sqrt t$, start $x_0 = 0$, 3000 steps, in three settings:
# (a) Theorem 1's $\beta$'s for Adam, $\beta_1 = 0$ and the default $\beta_2 = 10^{-4}$ for AdaX;
# (b) the usual $\beta_1 = 0.9$, $\beta_2 = 0.999$ for Adam (AdaX: $\beta_1 = 0.9$);
# (c) the paper's synthetic experiment: $C = 1010$, period 101, slope $-10$ elsewhere, $\beta_1 = 0.9$,
#     $\beta_2 = 0.99$ for Adam, 20 200 steps with $\eta_t = 0.5/\sqrt t$.

# %%
def schedule(alpha):
    return lambda t: alpha / math.sqrt(t)


C = 3.0
settings = {
    "(a) Thm 1": (Reddi(C=C), 3_000, 0.1, dict(beta1=0.0, beta2=1 / (1 + C * C)), dict(beta1=0.0)),
    "(b) usual": (Reddi(C=C), 3_000, 0.1, dict(beta1=0.9, beta2=0.999), dict(beta1=0.9)),
    "(c) paper": (Reddi(C=1010.0, period=101, slope=10.0), 20_200, 0.5, dict(beta1=0.9, beta2=0.99),
                  dict(beta1=0.9)),
}
trajectories = {}
print(f"{'setting':10s} {'Adam x_T':>9} {'AdaX x_T':>9}   (x* = -1; mean over the last period)")
for label, (problem, steps, alpha, adam_hp, adax_hp) in settings.items():
    adam_run = run(numopt.Adam(lr=schedule(alpha), **adam_hp), problem, steps)
    adax_run = run(numopt.AdaX(lr=schedule(alpha), **adax_hp), problem, steps)
    trajectories[label] = (adam_run.params[:, 0], adax_run.params[:, 0])
    last = slice(-problem.period, None)
    print(f"{label:10s} {adam_run.params[last, 0].mean():>9.3f} {adax_run.params[last, 0].mean():>9.3f}")
adam_a, adax_a = trajectories["(a) Thm 1"]
adam_c, adax_c = trajectories["(c) paper"]
assert adam_a[-3:].mean() > 0.99 and adax_a[-3:].mean() < -0.99
assert adam_c[-101:].mean() > 0.9 and adax_c[-101:].mean() < 0.0

# %% [markdown]
# What we measure:
# * (a) Adam ends at $x = +1$, the worst point; AdaX at $x = -1$.
# * (b) With the usual $\beta_2 = 0.999$ Adam's memory (~1000 steps) spans hundreds of periods, so $\hat v$ barely
#   moves within a period and **Adam also reaches $-1$** on this period-3 problem. The failure needs a memory that is
#   short compared with the period: it is not a property of every Adam run.
# * (c) On the paper's longer-period problem the usual $\beta$'s fail again: Adam ends at $+1$. AdaX moves the right
#   way but slowly — it is still near $x \approx -0.2$ after 20 200 steps, because the per-period gradient
#   $1010 - 100\cdot 10 = 10$ is tiny next to $\sqrt{\hat v} \approx 100$ and $\eta_t$ is decaying.

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
adam_b, adax_b = trajectories["(b) usual"]
plot.curves({"adam": adam_a, "adax": adax_a}, ax=ax1, first_step=0, ylabel="x_t",
            title="C = 3, period 3, η_t = 0.1/√t")
ax1.plot(adam_b, color=plot.COLORS["adam"], ls="--", lw=1.2, label="adam, usual β's (b)")
ax1.plot(adax_b, color=plot.COLORS["adax"], ls="--", lw=1.2, label="adax, β1 = 0.9 (b)")
ax1.lines[0].set_label("adam, Thm 1 β's (a)")
ax1.lines[1].set_label("adax, β1 = 0 (a)")
plot.curves({"adam": adam_c, "adax": adax_c}, ax=ax2, first_step=0, ylabel="x_t",
            title="(c) C = 1010, period 101, η_t = 0.5/√t")
ax2.set_xticks([0, 5_000, 10_000, 15_000, 20_000])
ax2.lines[0].set_label("adam, β1 = 0.9, β2 = 0.99")
ax2.lines[1].set_label("adax, β1 = 0.9, β2 = 1e-4")
for ax in (ax1, ax2):
    ax.axhline(-1, color="gray", lw=0.8, ls=":")
    ax.set_ylim(-1.1, 1.1)
    ax.legend(fontsize=8, loc="center right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What to remember
# * Bias-corrected Adam is an EWMA of $g^2$ with rate $\hat\beta_{2,t} = \beta_2(1-\beta_2^{t-1})/(1-\beta_2^t)$:
#   0 at the first step, then $\beta_2$ for ever — a fixed-length memory.
# * AdaX grows $v$ by $(1+\beta_2)$ per step and divides by $(1+\beta_2)^t - 1$; its rate
#   $1 - \beta_2/((1+\beta_2)^t-1)$ is ≈ $1 - 1/t$ (a plain running mean) while $t \ll 1/\beta_2$ and then → 1.
# * AdaX's weights on past $g^2$ sum to one and favour the **oldest** gradients; Adam's favour the newest.
# * Compute $(1+\beta_2)^t - 1$ as `expm1(t*log1p(beta2))`; the naive form loses ~3 digits in float64.
# * AdaX does not bias-correct $m$ (a 10-step warm-up), the authors' ε is $\epsilon/\sqrt{B_t}$ (a ~1e-10 effect),
#   and a long memory of rare large gradients is what fixes Reddi's counterexample when Adam's memory is short.
#
# ## Exercises
# 1. Show that for $\beta_2 \to 0$ with $t$ fixed, AdaX's $\hat v_t$ tends to the arithmetic mean of
#    $g_1^2, \dots, g_t^2$. Which optimizer of lesson 4 keeps exactly that denominator (up to a factor $t$)?
# 2. Find the step $t$ at which AdaX's newest gradient weighs half as much as its oldest, as a function of
#    $\beta_2$; evaluate it for $\beta_2 = 10^{-4}$ and check with `theory.adax_weights`.
# 3. In setting (a), replace Adam's $\beta_2$ by $0.9, 0.99, 0.999$ (keeping $\beta_1 = 0$) and record $x_T$.
#    Explain the threshold you find in terms of the memory $1/(1-\beta_2)$ and the period 3.
