# %% [markdown]
# # Lesson 11 — Warm-up and RAdam
#
# **The question.** Feed Adam gradients that are pure noise, $g_t \sim \mathcal N(0, 1)$ in every coordinate: there
# is nothing to learn, and a good optimizer should barely move. Below, `numopt.Adam` runs on 100 000 such
# coordinates at once (with $\eta = 0$, so that only the update direction $u_t = \hat m_t/(\sqrt{\hat v_t}+\varepsilon)$
# is recorded; the step is $\eta u_t$). At $t = 1$ every coordinate moves by exactly $\eta$; by $t = 200$ the
# average move is five times smaller. The first steps are the largest, exactly when Adam knows least.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt.schedules import Warmup
from numopt.theory import adaptive_rate_variance, bias_correction, ewma_weights, radam_rectification, sma_length

SEED, N, T = 0, 100_000, 200
beta1, beta2 = 0.9, 0.999
rng = np.random.default_rng(SEED)
opt = numopt.Adam(lr=0.0)
theta = np.zeros(N)
mean_move, psi_var = np.zeros(T + 1), np.zeros(T + 1)  # index t = 1..T; E|u_t| and Var[1/√v̂_t]
for t in range(1, T + 1):
    opt.step(theta, rng.standard_normal(N))
    m_hat = opt.state["m"] / bias_correction(beta1, t)
    v_hat = opt.state["v"] / bias_correction(beta2, t)
    mean_move[t] = np.mean(np.abs(m_hat / (np.sqrt(v_hat) + opt.eps)))
    psi_var[t] = np.var(1 / np.sqrt(v_hat))
for t in (1, 2, 3, 5, 10, 50, 200):
    print(f"t = {t:3d}: mean |step| / eta = {mean_move[t]:.3f}")

# %% [markdown]
# Two explanations are offered. Liu et al. ("On the Variance of the Adaptive Learning Rate and Beyond", Liu, Jiang,
# He, Chen, Liu, Gao, Han, 2020, arXiv:1908.03265) blame the **adaptive rate** $\psi_t = 1/\sqrt{\hat v_t}$: early on
# it is estimated from too few squared gradients, and its variance is huge (infinite at $t \le 2$). They propose
# RAdam. Ma & Yarats ("On the Adequacy of Untuned Warmup for Adaptive Optimization", 2021, arXiv:1910.04209) blame
# the size of the **whole update** $u_t$ and show that a plain linear warm-up does as well. This lesson derives the
# first explanation, checks it against the runs, then turns to the fixes: warm-up (§3) and RAdam's rectification (§4).
#
# At large $t$ the move has a closed form: $m_t$ is then a sum of many independent noise terms,
# $m_t \sim \mathcal N\bigl(0, \tfrac{1-\beta_1}{1+\beta_1}\bigr)$ (lesson 05's effective sample size),
# $\hat v_t \approx 1$, so $E|u_t| \to \sqrt{2/\pi}\,\sqrt{(1-\beta_1)/(1+\beta_1)}$.

# %%
late = math.sqrt(2 / math.pi) * math.sqrt((1 - beta1) / (1 + beta1))
print(f"predicted late mean |step| / eta = {late:.4f}; first step / late = {mean_move[1] / late:.2f}")

# %%
# Verification
assert np.allclose(mean_move[1], 1.0, atol=1e-6)  # first step: η·sign(g), |g| ≫ ε
assert np.all(np.diff(mean_move[1:21]) < 0)  # shrinks step by step while the averages fill up
assert abs(mean_move[T] / late - 1) < 0.02  # 100 000 samples: standard error ≈ 0.3 %
assert mean_move[1] / mean_move[T] > 5

# %% [markdown]
# ## 1. How many gradients does $\hat v_t$ average? The SMA length $\rho_t$
#
# Liu et al. approximate the bias-corrected EWMA by a simple moving average (SMA) of the last $\rho_t$ squared
# gradients, with $\rho_t$ chosen so that both have the same **mean age**. An SMA of $f$ samples has mean age
# $(f-1)/2$. The normalised EWMA weights $(1-\beta_2)\beta_2^{t-i}/(1-\beta_2^t)$ have mean age
# $\frac{\beta_2}{1-\beta_2} - \frac{t\,\beta_2^t}{1-\beta_2^t}$ (the lag of lesson 06 §2). Setting
# $(\rho_t - 1)/2$ equal to it:
#
# $$\rho_t = \rho_\infty - \frac{2t\,\beta_2^t}{1-\beta_2^t}, \qquad \rho_\infty = \frac{2}{1-\beta_2} - 1 .$$
#
# So $\rho_1 = 1$ ($\hat v_1 = g_1^2$, one sample), $\rho_t \approx t$ while $t(1-\beta_2) \ll 1$ (the running mean of
# lesson 06 §4), and $\rho_t \to \rho_\infty = 1999$ for $\beta_2 = 0.999$.
#
# `numopt.theory.sma_length(beta2, t)` is this formula.

# %%
rho_inf = 2 / (1 - beta2) - 1
steps = np.array([1, 2, 3, 5, 6, 10, 100, 1000, 10_000])
for t, r in zip(steps, sma_length(beta2, steps), strict=True):
    print(f"t = {t:6d}: rho_t = {r:9.3f}")
print(f"rho_inf = {rho_inf:.0f}")

# %%
# Verification
for t in (1, 2, 7, 300, 5000):
    w = ewma_weights(beta2, t) / bias_correction(beta2, t)
    mean_age = np.sum(w * (t - np.arange(1, t + 1)))
    assert abs(sma_length(beta2, t) - (1 + 2 * mean_age)) < 1e-8 * t
assert abs(sma_length(beta2, 1) - 1) < 1e-9
assert np.all(np.abs(sma_length(beta2, np.arange(1, 21)) - np.arange(1, 21)) < 0.2)  # ≈ t early
assert abs(sma_length(beta2, 10**6) - rho_inf) < 1e-6

# %% [markdown]
# ## 2. The variance of the adaptive rate
#
# Take Gaussian gradients $g \sim \mathcal N(0,\sigma^2)$ and treat $\hat v_t$ as the mean of $\rho = \rho_t$
# independent $g^2$: then $X = \rho\,\hat v_t/\sigma^2$ is $\chi^2_\rho$ and
# $\psi = 1/\sqrt{\hat v_t} = \sqrt\rho/(\sigma\sqrt X)$. The two moments of $X^{-1/2}$ we need follow from the
# $\chi^2$ density:
#
# $$E[X^{-1}] = \frac{1}{\rho-2}\ (\rho > 2), \qquad
#   E[X^{-1/2}] = \frac{\Gamma\bigl(\frac{\rho-1}{2}\bigr)}{\sqrt2\,\Gamma\bigl(\frac{\rho}{2}\bigr)}\ (\rho > 1),$$
#
# so
#
# $$\sigma^2\,\mathrm{Var}[\psi] = \frac{\rho}{\rho-2}
#   - \frac{\rho}{2}\left(\frac{\Gamma\bigl(\frac{\rho-1}{2}\bigr)}{\Gamma\bigl(\frac{\rho}{2}\bigr)}\right)^2$$
#
# (`numopt.theory.adaptive_rate_variance(rho)`).
#
# It is **infinite** for $\rho \le 2$, i.e. at $t = 1$ and $t = 2$: $1/g_1^2$ has no mean. For large $\rho$ it
# falls like $1/(2\rho)$: with $\rho_\infty = 1999$ samples the rate is well determined. Liu et al. use the expansion
# $\mathrm{Var}[\psi] \approx \rho/\bigl(2(\rho-2)(\rho-4)\sigma^2\bigr)$, which blows up at $\rho = 4$ instead of 2.
#
# The question's run recorded the sampled variance of $\psi_t$ over its 100 000 coordinates ($\sigma = 1$):

# %%
print("   t   rho_t   sampled Var[psi]   chi-squared formula   expansion rho/(2(rho-2)(rho-4))")
for t in (1, 2, 3, 5, 8, 20, 50, 200):
    rho = float(sma_length(beta2, t))
    expansion = rho / (2 * (rho - 2) * (rho - 4)) if rho > 4 else math.inf
    print(f"{t:4d} {rho:7.2f} {psi_var[t]:16.4f} {adaptive_rate_variance(rho):20.4f} {expansion:20.4f}")

# %%
# Verification
predicted = np.array([adaptive_rate_variance(float(sma_length(beta2, t))) for t in range(1, T + 1)])
ratio = psi_var[8:] / predicted[7:]  # t ≥ 8: ρ > 4, so the sample variance itself has a finite variance
assert np.all(np.abs(ratio - 1) < 0.1), (ratio.min(), ratio.max())
assert psi_var[1] > 1000 * psi_var[10]  # t = 1: Var[1/|g|] = ∞, the sample value is dominated by the smallest |g|
assert adaptive_rate_variance(float(sma_length(beta2, 2))) == math.inf and adaptive_rate_variance(3.0) < math.inf
big = 1e4
assert abs(adaptive_rate_variance(big) * 2 * big - 1) < 1e-3  # ≈ 1/(2ρ) for large ρ

# %%
t_axis = np.arange(1, T + 1)
curve = np.array([adaptive_rate_variance(float(sma_length(beta2, t))) for t in t_axis])
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.loglog(t_axis[2:], psi_var[3:], "o", ms=3, label="sampled, 100 000 coordinates")
ax1.loglog(t_axis[2:], curve[2:], "k-", lw=1, label=r"$\chi^2_{\rho_t}$ formula")
ax1.set_xlabel("step t")
ax1.set_ylabel(r"Var$[1/\sqrt{\hat v_t}]$  ($\sigma = 1$)")
ax1.set_title(r"the adaptive rate's variance (infinite at $t \leq 2$)")
ax1.legend()
ax2.semilogx(t_axis, mean_move[1:], label=r"$E|u_t|$, no warm-up")
ax2.axhline(late, color="k", ls=":", lw=1, label="late limit")
ax2.set_xlabel("step t")
ax2.set_ylabel(r"mean $|\Delta\theta_t| / \eta$")
ax2.set_title("pure-noise gradients: the first steps are the largest")
ax2.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. Warm-up
#
# The simplest repair lowers the learning rate while the averages fill up: $\eta_t = \eta\,\min(1, t/T_w)$,
# `numopt.schedules.Warmup(eta, steps=T_w)`. The actual move is $\eta_t\,|u_t|$: the ramp multiplies the large early
# $|u_t|$ by a small factor. Ma & Yarats' rule of thumb is $T_w = 2/(1-\beta_2)$, 2000 steps for $\beta_2 = 0.999$; a
# shorter ramp already removes the early bump. We rerun the noise experiment with `numopt.Adam(lr=Warmup(...))`
# and measure the steps themselves.

# %%
def mean_moves(lr, steps=T, n=20_000, seed=SEED):
    """Mean |θ_t − θ_{t−1}| over n pure-noise coordinates for t = 1..steps (index 0 unused)."""
    noise = np.random.default_rng(seed)
    run_opt, th = numopt.Adam(lr=lr), np.zeros(n)
    moves = np.zeros(steps + 1)
    for t in range(1, steps + 1):
        before = th.copy()
        run_opt.step(th, noise.standard_normal(n))
        moves[t] = np.mean(np.abs(th - before))
    return moves


eta = 0.01
plain = mean_moves(eta)
warm = {tw: mean_moves(Warmup(eta, steps=tw)) for tw in (20, 100)}
for tw, moves in warm.items():
    print(f"warm-up over {tw:3d} steps: largest mean step {moves[1:].max() / eta:.3f} eta; "
          f"without warm-up: {plain[1] / eta:.3f} eta, at t = 1")

# %%
# Verification
for tw, moves in warm.items():
    ramp = np.minimum(1, np.arange(1, T + 1) / tw)
    assert np.allclose(moves[1:], ramp * plain[1:], rtol=1e-9)  # same noise: the move is η_t·|u_t|
    assert moves[1:].max() < 0.6 * plain[1]
assert abs(plain[1] / eta - 1) < 1e-6

# %% [markdown]
# ## 4. RAdam: rectify the rate, and no rate at all while $\rho_t \le 4$
#
# RAdam multiplies the adaptive rate by a factor $r_t$ that gives $r_t\,\psi_t$ the variance of $\psi_\infty$.
# With the expansion of §2, $r_t^2 = \mathrm{Var}[\psi_\infty]/\mathrm{Var}[\psi_t]$ gives
#
# $$r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\,\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\,\rho_t}} .$$
#
# It exists only for $\rho_t > 4$. Before that the algorithm drops the adaptive rate and takes the momentum step
# $\theta_t = \theta_{t-1} - \eta\,\hat m_t$ (SGD with momentum); after it,
# $\theta_t = \theta_{t-1} - \eta\,r_t\,\hat m_t/\sqrt{\hat v_t}$. For $\beta_2 = 0.999$,
# $\rho_4 < 4 < \rho_5 < 5 < \rho_6$ (§1's table): four momentum steps, then rectified Adam. `numopt.RAdam`, like
# torch and optax, switches at $\rho_t > 5$: five momentum steps. $r_t$ rises from 0.02 to 1 over thousands of steps:
# a warm-up
# derived, not tuned.
#
# `numopt.theory.radam_rectification(beta2, t)` is $r_t$.

# %%
t_long = np.arange(5, 20_001)
r_long = radam_rectification(beta2, t_long)
for t in (5, 6, 10, 100, 1000, 2000, 10_000):
    print(f"t = {t:6d}: r_t = {r_long[t - 5]:.4f}   linear warm-up over 2/(1 - beta2) steps: "
          f"{min(1, t * (1 - beta2) / 2):.4f}")

# %%
# Verification
approx = np.array([rho / (2 * (rho - 2) * (rho - 4)) for rho in sma_length(beta2, t_long)])
approx_inf = rho_inf / (2 * (rho_inf - 2) * (rho_inf - 4))
assert np.allclose(r_long**2, approx_inf / approx, rtol=1e-12)  # r_t² = Var_∞/Var_t, both from the expansion
assert sma_length(beta2, 4) < 4 < sma_length(beta2, 5) < 5 < sma_length(beta2, 6)
assert abs(r_long[0] - 0.02) < 0.005  # r_5
assert np.all(np.diff(r_long) > 0) and r_long[0] < 0.05 and abs(r_long[-1] - 1) < 1e-3

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.semilogx(t_long, r_long, label=r"RAdam's $r_t$ ($\beta_2 = 0.999$)")
ax.semilogx(t_long, np.minimum(1, t_long * (1 - beta2) / 2), "--", label=r"linear warm-up over $2/(1-\beta_2)$")
ax.set_xlabel("step t")
ax.set_ylabel("multiplier of the learning rate")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# **Checked against `numopt.RAdam`.** We feed the same pure-noise stream to `numopt.RAdam` and `numopt.Adam`: their
# $m$ and $v$ are then identical, and each RAdam step must be either the momentum step $\eta\,\hat m_t$ or $r_t$ times
# Adam's step. Note what the momentum steps mean: $\eta\,\hat m_1 = \eta\,g_1$ is an SGD step, proportional to the
# gradient's scale, so during them RAdam needs an $\eta$ that suits SGD.

# %%
noise = np.random.default_rng(3).standard_normal((100, 8))
radam, adam = numopt.RAdam(lr=1.0), numopt.Adam(lr=1.0)
theta_r, theta_a = np.zeros(8), np.zeros(8)
kinds = []
for t, g in enumerate(noise, start=1):
    before_r, before_a = theta_r.copy(), theta_a.copy()
    radam.step(theta_r, g)
    adam.step(theta_a, g)
    m_hat = adam.state["m"] / bias_correction(beta1, t)
    if np.allclose(before_r - theta_r, m_hat, rtol=1e-12, atol=0):
        kinds.append("momentum")
    elif np.allclose(before_r - theta_r, radam_rectification(beta2, t) * (before_a - theta_a), rtol=1e-6, atol=0):
        kinds.append("rectified")
    else:
        kinds.append("neither")
switch = kinds.index("rectified") + 1
print(f"numopt.RAdam: momentum steps at t = 1..{switch - 1} (rho_{switch - 1} = "
      f"{float(sma_length(beta2, switch - 1)):.3f}), then rectified Adam steps from t = {switch} on")

# %%
# Verification
assert kinds == ["momentum"] * (switch - 1) + ["rectified"] * (len(kinds) - switch + 1)
assert switch == 6  # numopt's threshold ρ_t > 5 (torch's; the paper's ρ_t > 4 would give 5)

# %% [markdown]
# ## What to remember
# * Adam's first steps are its largest: $|u_1| = 1$ in every coordinate, about 0.18 later on pure noise.
# * $\hat v_t$ averages about $\rho_t = \rho_\infty - 2t\beta_2^t/(1-\beta_2^t)$ squared gradients: 1 at $t=1$,
#   $\approx t$ early, $2/(1-\beta_2) - 1$ late. For Gaussian gradients $\mathrm{Var}[1/\sqrt{\hat v_t}]$ is infinite
#   at $t \le 2$ and $\approx 1/(2\rho_t\sigma^2)$ later; the $\chi^2$ formula matches sampled runs within 10 % from
#   $t = 8$ on.
# * Warm-up, $\eta_t = \eta\min(1, t/T_w)$, multiplies the large early moves by a small factor.
# * RAdam's $r_t$ equalises the variance of the rate; it takes momentum steps while $\rho_t \le 4$ (numopt and torch:
#   5) and is close to a linear warm-up over $2/(1-\beta_2)$ steps.

# %% [markdown]
# ## Exercises
# 1. Kish's effective sample size of the normalised weights, $n_t = (\sum w_i)^2/\sum w_i^2$, is another way to count
#    the samples in $\hat v_t$. Show that $n_\infty = \rho_\infty$, and compute the largest relative difference between
#    `psi_variance` at $n_t$ and at $\rho_t$ over $t = 3, \dots, 5000$.
# 2. For $\beta_2 = 0.99$ and $\beta_2 = 0.999$, find the first step at which $r_t$ exceeds 0.5 and 0.9, and compare
#    with where the linear warm-up over $2/(1-\beta_2)$ steps reaches the same values.
# 3. Repeat the question's run with Rademacher gradients, $g = \pm 1$ with equal probability. What is the variance of
#    $\psi_t$ now, and what is the mean move at $t = 1$ and $t = 200$? Which of the two explanations of the
#    introduction survives?
