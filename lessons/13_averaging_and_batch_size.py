# %% [markdown]
# # Lesson 13 — Averaging the iterates, and batch size against learning rate
#
# **A failing run.** SGD with a constant learning rate on a quadratic with noisy gradients stops improving: after
# 1000 steps and after 4000 steps its loss is the same (lesson 01's noise floor). Lesson 01 cured this with a
# decaying schedule. Here is another cure, applied to the *same* run: average the iterates it visited.

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt import theory

SEED = 0
lam = np.array([1.0, 0.1])  # curvatures of J(θ) = ½ Σ λ_i θ_i², minimum θ* = 0
sigma, e0, replicas = 1.0, 1.0, 2000  # gradient noise, start θ_0 = e0, independent copies of the problem
lam_all = np.tile(lam, replicas)  # SGD is elementwise: 2000 copies run as one 4000-coordinate problem


def loss(theta):
    """J averaged over the replicas: an estimate of the expected loss."""
    return 0.5 * np.sum(lam_all * theta**2) / replicas


def sgd_run(lr, steps, batch=1, beta_ema=0.99, seed=SEED):
    """numopt.SGD on the noisy quadratic; returns the losses of the last iterate, the average and the EMA."""
    rng = np.random.default_rng(seed)
    opt, theta = numopt.SGD(lr=lr), np.full(lam_all.size, e0)
    total, ema = np.zeros_like(theta), np.zeros_like(theta)
    for _ in range(steps):
        noise = sigma * rng.standard_normal((batch, theta.size)).mean(axis=0)  # a mini-batch of `batch` samples
        opt.step(theta, lam_all * theta + noise)
        total += theta
        ema = beta_ema * ema + (1 - beta_ema) * theta
    return loss(theta), loss(total / steps), loss(ema / theory.bias_correction(beta_ema, steps))


eta = 0.1
runs = {n: sgd_run(eta, n) for n in (1000, 4000)}
for n, (last, average, _) in runs.items():
    print(f"eta = {eta}, {n} steps: loss of the last iterate {last:.4f}, of the average of all {n} iterates "
          f"{average:.5f}")

# %% [markdown]
# The average of points that each sit at the floor is more than 30 times below it, and it keeps improving. Why, and what
# does it cost? This lesson derives the answer (§2), looks at the moving average of the weights (§3) and at the
# other knob that sets the floor, the batch size (§4).

# %% [markdown]
# ## 1. The floor
#
# Along each eigen-direction the error $e_t = \theta_t - \theta^*$ of SGD follows
# $e_t = a\,e_{t-1} - \eta\,\xi_t$ with $a = 1 - \eta\lambda$ and gradient noise $\xi_t$ of variance $\sigma^2$. Its
# mean decays like $a^t$; its variance settles at $s = \eta\sigma^2/(\lambda(2-\eta\lambda))$ (lesson 01), so
# $E[J] \to \sum_i \eta\sigma_i^2/(2(2-\eta\lambda_i))$: `theory.sgd_noise_floor`. Proportional to $\eta$.

# %%
floor = theory.sgd_noise_floor(eta, lam, sigma**2)
print(f"predicted floor {floor:.4f}; measured {runs[1000][0]:.4f} (1000 steps), {runs[4000][0]:.4f} (4000 steps)")

# %%
# Verification
for last, _, _ in runs.values():
    assert abs(last / floor - 1) < 0.1  # 4000 coordinates: the estimate's relative error is ≈ 3 %
assert abs(runs[4000][0] / runs[1000][0] - 1) < 0.1  # no progress from 1000 to 4000 steps

# %% [markdown]
# ## 2. Polyak–Ruppert averaging
#
# Polyak & Juditsky ("Acceleration of Stochastic Approximation by Averaging", 1992) and Ruppert ("Efficient
# Estimations from a Slowly Convergent Robbins–Monro Process", 1988) average the
# iterates, $\bar\theta_n = \frac1n\sum_{t=1}^n \theta_t$. Unrolling $e_t = a^t e_0 - \eta\sum_{k\le t}a^{t-k}\xi_k$
# and summing over $t$, the noise $\xi_k$ enters $\bar e_n$ with the weight $\eta(1-a^{n-k+1})/(n(1-a))$, so
#
# $$E[\bar e_n] = \frac{e_0\,a(1-a^n)}{n(1-a)}, \qquad
#   \mathrm{Var}[\bar e_n] = \frac{\eta^2\sigma^2}{n^2(1-a)^2}\sum_{j=1}^{n}(1-a^j)^2
#   \;\approx\; \frac{\sigma^2}{\lambda^2\,n} \quad (n \gg 1/(\eta\lambda)),$$
#
# using $1 - a = \eta\lambda$. The variance falls like $1/n$ and its limit **does not depend on $\eta$**: each
# noise sample is eventually counted with weight $\eta/(1-a) = 1/\lambda$, which is what the exact minimiser of $n$
# noisy gradients would do. The learning rate only sets the transient: the bias term decays like
# $1/(n\eta\lambda)$. `theory.sgd_averaged_loss` is $\frac12\sum_i\lambda_i(E[\bar e]^2 + \mathrm{Var}[\bar e])$; we run
# two learning rates for 1000 and 4000 steps.

# %%
averaged = {}
for lr in (0.1, 0.02):
    for n in (1000, 4000):
        measured = runs[n][1] if lr == eta else sgd_run(lr, n)[1]
        averaged[lr, n] = (measured, theory.sgd_averaged_loss(lr, lam, sigma**2, e0, n))
        print(f"eta = {lr:4}, n = {n}: average's loss {measured:.5f}, predicted {averaged[lr, n][1]:.5f}, "
              f"limit sigma^2/(2 lambda n) summed {np.sum(sigma**2 / (2 * lam * n)):.5f}, "
              f"last-iterate floor {theory.sgd_noise_floor(lr, lam, sigma**2):.4f}")

# %%
# Verification
for measured, predicted in averaged.values():
    assert abs(measured / predicted - 1) < 0.1
assert runs[4000][0] / runs[4000][1] > 30  # the average is more than 30× below the floor
limit = np.sum(sigma**2 / (2 * lam * 4000))
assert abs(averaged[0.1, 4000][1] / limit - 1) < 0.05  # η = 0.1: at the η-free limit
assert averaged[0.02, 4000][1] > 1.3 * limit  # η = 0.02: still paying for the slow transient

# %%
n_axis = np.unique(np.logspace(1, 4, 40).astype(int))
fig, ax = plt.subplots(figsize=(7, 4))
for lr, color in ((0.1, "C0"), (0.02, "C1")):
    curve = theory.sgd_expected_loss(lr, lam, sigma**2, e0, int(n_axis[-1]))
    ax.loglog(n_axis, curve[n_axis], color=color, lw=1, label=rf"last iterate, $\eta$ = {lr}")
    ax.loglog(n_axis, [theory.sgd_averaged_loss(lr, lam, sigma**2, e0, int(n)) for n in n_axis], color=color,
              ls="--", label=rf"average of $\theta_1..\theta_n$, $\eta$ = {lr}")
ax.loglog(n_axis, np.sum(sigma**2 / (2 * lam)) / n_axis, "k:", lw=1, label=r"$\sum\sigma^2/(2\lambda n)$")
ax.set_xlabel("steps n")
ax.set_ylabel("expected loss (closed forms)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Averaging built into the optimizer.** `numopt.ASGD` (averaged SGD, as torch.optim.ASGD) keeps the average as its
# state `theta_bar`. By default it also decays the step, $\eta_t = \eta/(1+\lambda\eta(t-1))^{\alpha}$ with
# $\alpha = 0.75$ (Polyak and Juditsky allow any decay slower than $1/t$), and starts averaging only after
# $t_0 = 10^6$ steps. With $\lambda = 0$, $\alpha = 0$ and $t_0 = 0$ it is the constant-$\eta$ run above, with the
# average of $\theta_2, \dots, \theta_n$ (torch's count starts one step late).

# %%
asgd = numopt.ASGD(lr=eta, lambd=0.0, alpha=0.0, t0=0.0)
noise_rng = np.random.default_rng(SEED)  # the same noise as sgd_run(eta, 4000)
theta = np.full(lam_all.size, e0)
for _ in range(4000):
    asgd.step(theta, lam_all * theta + sigma * noise_rng.standard_normal(theta.size))
print(f"numopt.ASGD, 4000 steps: last iterate {loss(theta):.4f}, its theta_bar {loss(asgd.state['theta_bar']):.5f}")

# %%
# Verification
check_rng, check = np.random.default_rng(SEED), numopt.SGD(lr=eta)
sgd_theta, tail_sum = np.full(lam_all.size, e0), np.zeros(lam_all.size)
for step in range(1, 4001):
    check.step(sgd_theta, lam_all * sgd_theta + sigma * check_rng.standard_normal(sgd_theta.size))
    tail_sum += sgd_theta if step > 1 else 0.0
assert np.array_equal(theta, sgd_theta)  # λ = 0: ASGD's iterates are SGD's
assert np.allclose(asgd.state["theta_bar"], tail_sum / 3999, rtol=1e-9, atol=1e-12)  # the average of θ_2..θ_4000
assert abs(loss(asgd.state["theta_bar"]) / runs[4000][1] - 1) < 0.05

# %% [markdown]
# **Schedule-free SGD** (Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky, "The Road Less Scheduled", 2024,
# arXiv:2405.15682) feeds the average back. It keeps a base iterate $z$ (SGD steps) and its uniform average $x$, and
# takes each gradient at $y = \beta x + (1-\beta)z$; one evaluates $x$. With $\beta \to 0$ it is SGD plus
# Polyak–Ruppert averaging. `numopt.ScheduleFree(adam=False)` on the same problem, two β and two learning rates:

# %%
free = {}
for beta in (0.5, 0.9):
    for lr in (0.1, 1.0):
        noise_rng, opt = np.random.default_rng(SEED), numopt.ScheduleFree(lr=lr, beta=beta, adam=False)
        theta = np.full(lam_all.size, e0)
        for _ in range(4000):
            opt.step(theta, lam_all * theta + sigma * noise_rng.standard_normal(theta.size))
        free[beta, lr] = loss(opt.state["x"])
        print(f"beta = {beta}, eta = {lr}: loss at x after 4000 steps {free[beta, lr]:.5f}; Polyak-Ruppert average "
              f"of SGD {theory.sgd_averaged_loss(lr, lam, sigma**2, e0, 4000):.5f}")

# %% [markdown]
# On this noise-dominated problem $x$ is nearly independent of $\eta$, as the average's limit is, and the feedback
# costs accuracy: the default $\beta = 0.9$ ends several times above plain averaging. Its gain is elsewhere (the paper:
# matching tuned schedules on real training runs, where the deterministic part of the gradient dominates).

# %%
# Verification
for lr in (0.1, 1.0):
    averaged_sgd = theory.sgd_averaged_loss(lr, lam, sigma**2, e0, 4000)
    assert 1 < free[0.5, lr] / averaged_sgd < 1.6 and free[0.9, lr] / averaged_sgd > 3
assert abs(free[0.5, 1.0] / free[0.5, 0.1] - 1) < 0.1  # nearly η-free

# %% [markdown]
# ## 3. An exponential moving average of the weights
#
# Deep-learning practice keeps instead an EWMA of the weights, $z_t = \beta z_{t-1} + (1-\beta)\theta_t$ (bias-corrected
# as in lesson 02). It forgets old iterates, so it follows a moving target, but it cannot average the noise away: its
# window is fixed. At stationarity the iterates are correlated, $\mathrm{Cov}[e_t, e_{t+k}] = s\,a^k$, and summing
# the double series of weights gives
#
# $$\frac{\mathrm{Var}[z]}{\mathrm{Var}[e]} = \frac{(1-\beta)(1+a\beta)}{(1+\beta)(1-a\beta)} .$$
#
# For $\beta = 0.99$ and $\eta = 0.1$ that is 0.087 along $\lambda = 1$ but 0.50 along $\lambda = 0.1$, where the
# iterates are themselves strongly correlated: an EMA only helps where its window $1/(1-\beta)$ is long compared with
# the iterates' correlation time $1/(\eta\lambda)$.

# %%
beta_ema = 0.99
a = 1 - eta * lam
ratio = (1 - beta_ema) * (1 + a * beta_ema) / ((1 + beta_ema) * (1 - a * beta_ema))
per_direction = eta * sigma**2 / (2 * (2 - eta * lam))  # each direction's share of the floor
ema_predicted = np.sum(ratio * per_direction)
print(f"variance ratio per direction {np.array2string(ratio, precision=3)}; EMA's loss predicted "
      f"{ema_predicted:.4f}, measured {runs[4000][2]:.4f}; floor {floor:.4f}")

# %%
# Verification
assert abs(runs[4000][2] / ema_predicted - 1) < 0.1
assert abs(ratio[0] - 0.087) < 0.001 and abs(ratio[1] - 0.50) < 0.005
j = np.arange(2500)
w = (1 - beta_ema) * beta_ema**j  # the EMA's weights, newest first
for a_i, r_i in zip(a, ratio, strict=True):
    cov = a_i ** np.abs(j[:, None] - j[None, :]).astype(float)  # Cov[e_{t−i}, e_{t−k}] / s
    assert abs(w @ cov @ w - r_i) < 1e-9  # the double sum, written out

# %% [markdown]
# ## 4. Batch size against learning rate
#
# A mini-batch of $B$ samples divides the gradient noise's variance by $B$, so the floor is
# $\sum_i \eta\sigma_i^2/(2B(2-\eta\lambda_i))$: while $\eta\lambda \ll 1$ it depends only on $\eta/B$. Doubling $B$ and
# $\eta$ together keeps the floor and halves the steps the transient needs ($a^t$ with $a = 1-\eta\lambda$): the
# "linear scaling rule" (Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", 2017,
# arXiv:1706.02677). It breaks where $\eta\lambda_{\max}$ is no longer small: the factor $2 - \eta\lambda$ shrinks,
# the floor rises, and at $\eta = 2/\lambda_{\max}$ SGD diverges whatever $B$ (McCandlish et al., "An Empirical Model of
# Large-Batch Training", 2018, arXiv:1812.06162, call the batch where returns start to diminish the critical batch
# size). We count the samples $B \times$ steps needed to reach $1.5\times$ the floor of $(\eta, B) = (0.05, 1)$, from
# `theory.sgd_expected_loss`, and measure each floor with 2000 replicas.

# %%
target = 1.5 * theory.sgd_noise_floor(0.05, lam, sigma**2)
scaling = {}
print("  eta    B   floor (theory)  floor (measured)  steps to target  samples B x steps")
for lr, batch in ((0.05, 1), (0.1, 2), (0.2, 4), (0.4, 8), (0.8, 16), (1.6, 32)):
    curve = theory.sgd_expected_loss(lr, lam, sigma**2 / batch, e0, 4000)
    reached = np.flatnonzero(curve <= target)
    steps = int(reached[0]) if reached.size else None
    measured = sgd_run(lr, 400, batch=batch)[0]
    scaling[lr, batch] = (theory.sgd_noise_floor(lr, lam, sigma**2 / batch), measured, steps, curve)
    print(f"{lr:5} {batch:4d} {scaling[lr, batch][0]:14.4f} {measured:17.4f} {steps or 'never':>16} "
          f"{batch * steps if steps else 'never':>18}")

# %%
# Verification
for predicted, measured, steps, curve in scaling.values():
    assert abs(measured / predicted - 1) < 0.1  # after 400 steps every run is at its floor
    if steps is not None:
        assert curve[steps] < target * (1 - 1e-6) and curve[steps - 1] > target * (1 + 1e-6)  # no near-tie
samples = {key: value[2] * key[1] for key, value in scaling.items() if value[2] is not None}
assert max(samples[0.05, 1], samples[0.1, 2], samples[0.2, 4]) < 1.2 * min(samples[0.05, 1], samples[0.1, 2])
assert samples[0.8, 16] > 1.5 * samples[0.05, 1] and scaling[1.6, 32][2] is None  # the rule breaks

# %% [markdown]
# ## What to remember
# * With a constant $\eta$ every SGD iterate stays at a floor $\propto \eta$; the **average** of the iterates goes below
#   it, with error variance $\sigma^2/(\lambda^2 n)$ independent of $\eta$ (Polyak–Ruppert). $\eta$ only sets how fast
#   the start is forgotten.
# * An EMA of the weights has a fixed window: it lowers the floor by $(1-\beta)(1+a\beta)/((1+\beta)(1-a\beta))$ per
#   direction, a lot where the iterates decorrelate quickly, little where they do not.
# * The floor depends on $\eta/B$: a larger batch with a proportionally larger $\eta$ reaches it in fewer steps and the
#   same number of samples, until $\eta\lambda_{\max}$ approaches 2.

# %% [markdown]
# ## Exercises
# 1. **Tail averaging.** Average only the last $n/2$ iterates. Derive $E[\bar e]$ and show that the start is forgotten
#    like $a^{n/2}$ instead of $1/n$. Compare its expected loss with the full average's for $\eta = 0.02$, $n = 4000$,
#    from $e_0 = 1$ and from $e_0 = 10$; check one case with a run.
# 2. Which $\beta$ makes the EMA of the weights as good as the Polyak–Ruppert average of $n = 1000$ iterates at
#    $\eta = 0.1$ (on this problem)? Is there one?
# 3. With $\eta = 0.05\,B$ and $B = 1, 2, 4, \dots, 64$, find by the closed form the largest $B$ for which the samples
#    needed to reach §4's target stay within $1.2\times$ those of $B = 1$. Then take $\lambda = (10, 0.1)$, with the
#    target $1.5\times$ its own floor at $(\eta, B) = (0.05, 1)$, and find it again.
