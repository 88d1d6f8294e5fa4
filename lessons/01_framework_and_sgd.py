# %% [markdown]
# # Lesson 01 — One framework for every optimizer, and SGD as its simplest case
#
# **A failing run.** Plain SGD on a quadratic valley: with step size $\eta = 0.095$ the loss
# drops more than $10^5$-fold in 60 steps; with $\eta = 0.105$, about 10 % more, it explodes. And
# with mini-batch gradients even a good $\eta$ stalls at a loss floor. By the end of this
# lesson both are predicted to the digit: the limit $\eta < 2/\lambda_{\max}$ (§2) and the floor
# $\propto \eta\sigma^2$ (§3), which a decaying schedule, a larger batch or averaging the iterates all get below (§4).

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt import plot, schedules, theory
from numopt.problems import Quadratic
from numopt.runner import run

rng = np.random.default_rng(1)
problem = Quadratic(condition=20.0)
start = np.array([-0.9, 1.1])
for eta in (0.095, 0.105):
    losses = run(numopt.SGD(lr=eta), problem, steps=60, start=start).losses
    print(f"SGD, eta = {eta}: loss {losses[0]:.3g} at the start, {losses[60]:.3g} after 60 steps")

# %% [markdown]
# ## 1. One template for every optimizer
#
# Doc 003 (the survey deck, slide "基本框架", *basic framework*) writes every method of the
# course as one template. With the gradient $g_t = \nabla J(\theta_{t-1})$ at step $t = 1, 2, \dots$:
#
# $$m_t = \varphi(g_1, \dots, g_t), \qquad V_t = \psi(g_1, \dots, g_t), \qquad
#   \theta_t = \theta_{t-1} - \eta\, \frac{m_t}{\sqrt{V_t}+\varepsilon},$$
#
# a **first moment** (the direction) and a **second moment** (what to divide by, per
# coordinate). The deck numbers the points $\theta_t \to \theta_{t+1}$; numopt, doc 002 and the
# Adam paper count steps from $t = 1$ as above: the same update, index shifted by one.
#
# **SGD** has no memory: $m_t = g_t$, $V_t = 1$, so $\theta_t = \theta_{t-1} - \eta\, g_t$.
# The others change only $\varphi$ and $\psi$ (numopt's canonical forms, `numopt/<algorithm>.py`;
# sums over $k = 1..t$, $w_k(\beta) = (1-\beta)\beta^{t-k}$ the EWMA weights of lesson 02;
# $\varepsilon = 0$ for SGD and Momentum, and doc 003 puts it inside the root, erratum 2):
#
# | method | $m_t = \varphi(g_1..g_t)$ | $V_t = \psi(g_1..g_t)$ |
# |---|---|---|
# | SGD | $g_t$ | $1$ |
# | Momentum | $\sum_k \beta^{t-k} g_k$ | $1$ |
# | AdaGrad | $g_t$ | $\sum_k g_k^2$ |
# | RMSProp | $g_t$ | $\sum_k w_k(\beta)\, g_k^2$ |
# | Adam | $\sum_k w_k(\beta_1)\, g_k \,/\, (1-\beta_1^t)$ | $\sum_k w_k(\beta_2)\, g_k^2 \,/\, (1-\beta_2^t)$ |
#
# `numopt.explain` shows one SGD step line by line: the box line, the code, the values.

# %%
theta = np.array([1.5, -2.0, 0.25])
g = np.array([0.3, -1.2, 4.0])
numopt.explain(numopt.SGD(lr=0.1), theta, g, steps=1)

# %%
# Verification
# θ − ηg is one multiplication and one subtraction per coordinate, each correctly rounded,
# in numopt's order: the results must agree bit for bit.
by_hand = theta - 0.1 * g
numopt.SGD(lr=0.1).step(theta, g)
print(f"numopt.SGD: {theta}, by hand: {by_hand}")
assert np.array_equal(theta, by_hand)

# %% [markdown]
# ### The table, checked
#
# Six random gradients go to each optimizer; its last step must equal the table's formula
# evaluated from the whole history (the sums, not numopt's recursions). They differ only in
# the order of roundings, so a relative $10^{-12}$ is generous.

# %%
grads = rng.normal(size=(6, 3))
t = len(grads)
k = np.arange(1, t + 1)
eta, beta, beta1, beta2, eps = 0.1, 0.9, 0.9, 0.999, 1e-8


def decayed_sum(x, b, dampen):
    """Σ_k w_k x_k with w_k = β^(t-k), times (1 - β) if dampen: the history sums of the table."""
    weights = theory.ewma_weights(b, t) if dampen else b ** (t - k)
    return weights @ x


framework = {  # name: (optimizer, m_t = φ(g_1..g_t), V_t = ψ(g_1..g_t), ε added to √V)
    "SGD": (numopt.SGD(lr=eta), grads[-1], np.ones(3), 0.0),
    "Momentum": (numopt.Momentum(lr=eta, beta=beta), decayed_sum(grads, beta, False), np.ones(3), 0.0),
    "AdaGrad": (numopt.AdaGrad(lr=eta, eps=eps), grads[-1], (grads**2).sum(axis=0), eps),
    "RMSProp": (numopt.RMSProp(lr=eta, beta=beta, eps=eps), grads[-1], decayed_sum(grads**2, beta, True), eps),
    "Adam": (
        numopt.Adam(lr=eta, beta1=beta1, beta2=beta2, eps=eps),
        decayed_sum(grads, beta1, True) / theory.bias_correction(beta1, t),
        decayed_sum(grads**2, beta2, True) / theory.bias_correction(beta2, t),
        eps,
    ),
}
table_errors = {}
for name, (opt, m, V, e) in framework.items():
    theta = np.zeros(3)
    for g in grads[:-1]:
        opt.step(theta, g)
    before = theta.copy()
    opt.step(theta, grads[-1])
    predicted = -eta * m / (np.sqrt(V) + e)
    table_errors[name] = np.max(np.abs((theta - before) - predicted) / np.abs(predicted))
    print(f"{name:<9} step {t}: {np.round(theta - before, 6)}")

# %%
# Verification
for name, err in table_errors.items():
    print(f"{name:<9} max relative difference from -eta*m/(sqrt(V)+eps) = {err:.1e}")
    assert err < 1e-12

# %% [markdown]
# ## 2. SGD on an ill-conditioned quadratic
#
# Take $J(\theta) = \tfrac12 (\theta-\theta^\ast)^\top A (\theta-\theta^\ast)$, $A$ symmetric positive
# definite with eigenvalues $\lambda_1 \le \dots \le \lambda_d$ and orthonormal eigenvectors $q_i$.
# The gradient is $A(\theta - \theta^\ast)$, so the error $e_t = \theta_t - \theta^\ast$ obeys
# $e_t = (I - \eta A)\, e_{t-1}$, and its eigen-coordinates $c_{i,t} = q_i^\top e_t$ decouple:
#
# $$c_{i,t} = (1 - \eta\lambda_i)\, c_{i,t-1} = (1-\eta\lambda_i)^t\, c_{i,0}, \qquad
#   J(\theta_t) = \tfrac12 \sum_i \lambda_i c_{i,0}^2 (1-\eta\lambda_i)^{2t}.$$
#
# * **Stability:** every direction shrinks iff $|1-\eta\lambda_i| < 1$ for all $i$, i.e.
#   $0 < \eta < 2/\lambda_{\max}$. The steepest direction alone sets the limit.
# * **Speed:** the slowest direction decays like $\max_i |1-\eta\lambda_i|^t$, smallest when
#   $1-\eta\lambda_{\min} = \eta\lambda_{\max} - 1$: $\eta^\ast = 2/(\lambda_{\min}+\lambda_{\max})$,
#   rate $(\kappa-1)/(\kappa+1)$ with $\kappa = \lambda_{\max}/\lambda_{\min}$.
#
# `Quadratic(condition=20)` has $\lambda = (1, 20)$, eigenvectors rotated by 30°, minimum
# $(1, 1)$: the limit is $2/\lambda_{\max} = 0.1$ and $\eta^\ast = 2/21$. That is the opening run:
# $0.105$ is just past the limit.

# %%
lam, Q = np.linalg.eigh(problem.A)  # ascending eigenvalues, eigenvectors in the columns
Q *= np.sign(Q[0])  # an eigenvector's sign is arbitrary; fix it so the printout is reproducible
print(f"eigenvalues {lam[0]:.6f}, {lam[1]:.6f};  stability limit 2/lambda_max = {2 / lam[1]:.6f}")
step_sizes = {"too small": 0.01, "best 2/(1+20)": 2 / (lam[0] + lam[1]), "too large": 0.105}
for label, eta in step_sizes.items():
    factors = 1 - eta * lam
    print(f"eta = {eta:.4f} ({label}): factors 1 - eta*lambda = {factors[0]:+.4f} (slow), "
          f"{factors[1]:+.4f} (fast); rate max|.| = {np.max(np.abs(factors)):.4f}")
runs = {label: run(numopt.SGD(lr=eta), problem, steps=60, start=start) for label, eta in step_sizes.items()}
for label, traj in runs.items():
    print(f"{label:<14} loss after 0, 20, 60 steps: {traj.losses[0]:.3e}, {traj.losses[20]:.3e}, {traj.losses[60]:.3e}")

# %%
# Verification
# In each eigen-direction the measured ratio c_{i,t}/c_{i,t-1} over the first 20 steps must
# be 1 - eta*lambda_i, and the loss must follow the closed form. Rounding is the only error:
# each step rounds θ (size about 1) to ~1e-16 while the error components stay above 1e-3.
kappa = lam[1] / lam[0]
assert abs(np.max(np.abs(1 - step_sizes["best 2/(1+20)"] * lam)) - (kappa - 1) / (kappa + 1)) < 1e-14
for label, eta in step_sizes.items():
    c = (runs[label].params - problem.minimizer) @ Q  # eigen-coordinates c_{i,t}, shape (61, 2)
    predicted = 1 - eta * lam
    err = np.max(np.abs(c[1:21] / c[:20] - predicted))
    closed_loss = 0.5 * np.sum(lam * c[0] ** 2 * predicted ** (2 * np.arange(61)[:, None]), axis=1)
    loss_err = np.max(np.abs(runs[label].losses - closed_loss) / closed_loss)
    print(f"eta = {eta:.4f}: max error of the measured factors {err:.1e}; loss vs closed form {loss_err:.1e}")
    assert err < 1e-10 and loss_err < 1e-9

# %% [markdown]
# The too-small step barely moves along the shallow direction (factor 0.99). The best step
# shrinks both by $19/21 \approx 0.905$ per step, zig-zagging across the valley (the fast factor
# is negative). Just above the limit the steep direction grows by $1.1$ per step, flipping
# sign each time, while the shallow one still converges.

# %%
colours = {"too small": "tab:blue", "best 2/(1+20)": "tab:green", "too large": "tab:red"}
fig, axes = plt.subplots(1, 3, figsize=(12, 4.2), sharey=True)
for ax, (label, eta) in zip(axes, step_sizes.items(), strict=True):
    plot.contours(problem, {f"η = {eta:.4f}": run(numopt.SGD(lr=eta), problem, 25, start=start)}, ax=ax, resolution=100)
    ax.set_title(f"{label}: η = {eta:.4f}, 25 steps", fontsize=10)
    ax.set_aspect("equal")
for ax in axes[1:]:
    ax.get_legend().remove()  # one legend is enough, inside the first panel, clear of its θ₁ label
axes[0].legend(loc="upper left", fontsize="small")
fig.suptitle("SGD on the quadratic with κ = 20")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Loss curves and the rate as a function of $\eta$

# %%
fig, (ax_loss, ax_rate) = plt.subplots(1, 2, figsize=(10, 4))
for label, traj in runs.items():
    ax_loss.semilogy(traj.losses, color=colours[label], label=f"η = {step_sizes[label]:.4f} ({label})")
ax_loss.set_xlabel("step t")
ax_loss.set_ylabel("loss J(θ_t) (log scale)")
ax_loss.set_title("Loss curves")
ax_loss.legend(fontsize=8)
etas = np.linspace(0.0, 0.12, 481)
ax_rate.plot(etas, np.abs(1 - etas * lam[0]), "--", color="0.5", label="|1 − ηλ_min|")
ax_rate.plot(etas, np.abs(1 - etas * lam[1]), ":", color="0.5", label="|1 − ηλ_max|")
ax_rate.plot(etas, np.max(np.abs(1 - np.outer(etas, lam)), axis=1), "k", label="rate max_i |1 − ηλ_i|")
for label, eta in step_sizes.items():
    ax_rate.plot(eta, np.max(np.abs(1 - eta * lam)), "o", color=colours[label])
ax_rate.axhline(1.0, color="tab:red", linewidth=0.8)
ax_rate.axvline(2 / lam[1], color="tab:red", linewidth=0.8, linestyle="--")
ax_rate.text(2 / lam[1], 0.15, " 2/λ_max", color="tab:red")
ax_rate.set_ylim(0, 1.5)
ax_rate.set_xlabel("step size η")
ax_rate.set_ylabel("contraction per step")
ax_rate.set_title("Rate of SGD on the quadratic")
ax_rate.legend(fontsize=8, loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. Mini-batch noise and SGD's noise floor
#
# Now the gradient is noisy. Take $n$ data points $a_i \in \mathbb{R}^2$ and the loss
# $J(\theta) = \frac1n\sum_i \tfrac12\sum_j \lambda_j(\theta_j - a_{ij})^2$, which is §2's quadratic
# with $A = \operatorname{diag}(\lambda)$ and minimum $\theta^\ast = \bar a$, the data's mean, plus a
# constant. A mini-batch of $B$ indices drawn with replacement gives
#
# $$g_t = \lambda \odot (\theta_{t-1} - \bar a_B) = \lambda \odot (\theta_{t-1} - \theta^\ast) + \xi_t ,$$
#
# with noise $\xi_t = \lambda\odot(\bar a - \bar a_B)$: mean 0, variance $\sigma_j^2 = \lambda_j^2 v_j/B$
# ($v_j$ the data's variance) in coordinate $j$, fresh at every step. Per coordinate the error
# follows $e_t = (1-\eta\lambda)\,e_{t-1} - \eta\,\xi_t$, so its mean and variance obey
#
# $$\mathbb{E}\,e_t = (1-\eta\lambda)\,\mathbb{E}\,e_{t-1}, \qquad s_t = (1-\eta\lambda)^2 s_{t-1} + \eta^2\sigma^2 .$$
#
# The mean dies out as in §2, but the variance settles where $s = (1-\eta\lambda)^2 s + \eta^2\sigma^2$:
#
# $$s_\infty = \frac{\eta\,\sigma^2}{\lambda\,(2-\eta\lambda)}, \qquad
#   \mathbb{E}\bigl[J(\theta_t) - J(\theta^\ast)\bigr] \to \sum_j \frac{\eta\,\sigma_j^2}{2\,(2-\eta\lambda_j)}
#   \approx \frac{\eta}{4}\sum_j \sigma_j^2 .$$
#
# The **noise floor** is proportional to $\eta\sigma^2$: a smaller $\eta$ (or a larger batch)
# lowers it, at the price of a slower start. `theory.sgd_noise_floor` is this limit and
# `theory.sgd_expected_loss` the exact recursion for every $t$. We run 500 independent SGD runs
# at once (SGD acts coordinate by coordinate, so a $(500, 2)$ array holds 500 runs).

# %%
n, B, R, T = 1000, 4, 500, 500
lam_d = np.array([1.0, 10.0])  # the diagonal of A
data = rng.normal([1.0, 1.0], [1.0, 0.1], size=(n, 2))
theta_star = data.mean(axis=0)
sigma2 = lam_d**2 * data.var(axis=0) / B  # variance of the mini-batch noise per coordinate
start_d = theta_star + np.array([-2.0, 1.0])


def sgd_runs(lr, steps=T, seed=0):
    """Mean and standard deviation over R runs of the excess loss J(θ_t) − J(θ*), t = 0..steps."""
    draw = np.random.default_rng(seed)
    theta = np.tile(start_d, (R, 1))
    opt = numopt.SGD(lr=lr)
    losses = [0.5 * ((theta - theta_star) ** 2 @ lam_d)]
    for _ in range(steps):
        batch = data[draw.integers(n, size=(R, B))]  # R mini-batches of B points, shape (R, B, 2)
        opt.step(theta, lam_d * (theta - batch.sum(axis=1) / B))
        losses.append(0.5 * ((theta - theta_star) ** 2 @ lam_d))
    losses = np.array(losses)
    return losses.mean(axis=1), losses.std(axis=1)


sim = {eta: sgd_runs(eta) for eta in (0.1, 0.02)}
for eta, (mean, _) in sim.items():
    floor = theory.sgd_noise_floor(eta, lam_d, sigma2)
    print(f"eta = {eta}: mean excess loss after 100 / {T} steps {mean[100]:.5f} / {mean[T]:.5f}; "
          f"noise floor {floor:.5f}")

# %%
# Verification
# The simulated mean must agree with the exact recursion within 4 standard errors (R runs),
# and the recursion must settle on the closed-form floor.
def check_against_theory(lr, mean, std):
    expected = theory.sgd_expected_loss(lr, lam_d, sigma2, start_d - theta_star, T)
    z = np.abs(mean - expected)[[10, 100, T]] / (std[[10, 100, T]] / np.sqrt(R))
    print(f"{lr!r}: |simulated - expected| at t = 10, 100, {T} in standard errors: {np.round(z, 2)}")
    assert np.all(z < 4)
    return expected


for eta, (mean, std) in sim.items():
    expected = check_against_theory(eta, mean, std)
    assert abs(expected[-1] / theory.sgd_noise_floor(eta, lam_d, sigma2) - 1) < 1e-4  # transient ~ 0.98^1000
ratio = theory.sgd_noise_floor(0.1, lam_d, sigma2) / theory.sgd_noise_floor(0.02, lam_d, sigma2)
print(f"floor(0.1) / floor(0.02) = {ratio:.3f} (5 if the floor were exactly proportional to eta)")
assert 5 < ratio < 5 * 2 / (2 - 0.1 * lam_d.max())

# %% [markdown]
# ## 4. Learning-rate schedules get below the floor
#
# A constant $\eta$ trades speed for floor. A **schedule** $\eta_t$ takes big steps while far away
# and small ones near the minimum. Every numopt optimizer accepts `lr=` a callable of $t$
# ($t = 1$ at the first step); `numopt.schedules` has the classic ones, each with its formula
# and its torch equivalent in its docstring. With $\eta$ = `lr` and the other arguments by name:
#
# | schedule | $\eta_t$ |
# |---|---|
# | `StepDecay(lr, every, factor)` | $\eta \cdot \text{factor}^{\lfloor (t-1)/\text{every}\rfloor}$ |
# | `Exponential(lr, gamma)` | $\eta\,\gamma^{t-1}$ |
# | `InverseTime(lr, decay)` | $\eta/(1 + \text{decay}\cdot(t-1))$ |
# | `Cosine(lr, steps)` | $\tfrac12\eta\,(1 + \cos(\pi \min(t-1, \text{steps})/\text{steps}))$ |
# | `Warmup(after, steps)` | $\text{after}(t)\cdot\min(1, t/\text{steps})$ |
#
# `Cosine` then stays at its floor (`lr_min`, default 0), where torch's `CosineAnnealingLR` turns back up.
# `Warmup` multiplies its ramp into `after(t)` at the same $t$, as torch's `ChainedScheduler` does; torch's
# `SequentialLR` would instead start the cosine afresh when the ramp ends.
#
# The $1/t$ decay is Robbins and Monro's: $\sum_t \eta_t = \infty$ (it can still travel any
# distance) and $\sum_t \eta_t^2 < \infty$ (the injected variance $\eta_t^2\sigma^2$ adds up to a
# finite amount), so the expected loss goes to 0.
#
# Two more ways below the floor keep $\eta$ constant: a **larger batch** (the floor is proportional to
# $\sigma^2 \propto 1/B$) and **averaging the iterates** $\bar\theta = \frac1K\sum\theta_t$ over the last $K$ steps,
# whose noise averages out while SGD's iterates jitter around the minimum.

# %%
chosen = {
    "constant 0.1": 0.1,
    "step: x0.3 every 125": schedules.StepDecay(0.1, every=125, factor=0.3),
    "1/t: decay 0.05": schedules.InverseTime(0.1, decay=0.05),
    "cosine over 500": schedules.Cosine(0.1, steps=T),
}
sim_schedules = {name: sim[0.1] if lr == 0.1 else sgd_runs(lr) for name, lr in chosen.items()}
floor = theory.sgd_noise_floor(0.1, lam_d, sigma2)
for name, (mean, _) in sim_schedules.items():
    print(f"{name:<22} mean excess loss after {T} steps {mean[T]:.2e} = {mean[T] / floor:.3f} x the floor")

# %%
# Verification
for name, lr in list(chosen.items())[1:]:  # the constant one was checked in §3
    mean, std = sim_schedules[name]
    check_against_theory(lr, mean, std)
    assert mean[T] < 0.1 * floor
cosine = schedules.Cosine(0.1, steps=T)
assert cosine(T + 1) == cosine(3 * T) == 0.0  # holds its floor; CosineAnnealingLR would be back at 0.1 at 3T + 1
warm = schedules.Warmup(cosine, steps=50)
assert all(abs(warm(t) - cosine(t) * t / 50) <= 1e-15 * cosine(t) for t in range(1, 51))  # the same t: unshifted
assert warm(100) == cosine(100)

# %% [markdown]
# The other two ways, at $\eta = 0.1$ over the same 500 runs: a batch four times larger, and the average of the
# iterates over the last 250 steps.

# %%
def final_excess(lr, batch, average_from, seed=0):
    """Mean over R runs of the excess loss of θ_T (average_from = T) or of the average of θ_t for t > average_from."""
    draw = np.random.default_rng(seed)
    theta, total = np.tile(start_d, (R, 1)), np.zeros((R, 2))
    opt = numopt.SGD(lr=lr)
    for t in range(1, T + 1):
        picks = data[draw.integers(n, size=(R, batch))]
        opt.step(theta, lam_d * (theta - picks.sum(axis=1) / batch))
        total += theta if t > average_from else 0.0
    final = total / (T - average_from) if average_from < T else theta
    return float(np.mean(0.5 * ((final - theta_star) ** 2 @ lam_d)))


below = {f"batch {4 * B}, last iterate": final_excess(0.1, 4 * B, T),
         "batch 4, average of the last 250 iterates": final_excess(0.1, B, T // 2)}
for name, value in below.items():
    print(f"{name:<42} mean excess loss after {T} steps {value / floor:.3f} x the floor")

# %%
# Verification
# The floor is linear in σ² ∝ 1/B: a 4× batch quarters it (the simulated mean of 500 runs within 20 % of a
# quarter, about 3 standard errors). The mean of K = 250 iterates of an AR(1) error with factor ρ = 1 − ηλ has at
# most (1 + ρ)/((1 − ρ) K) of its variance: 19/250 < 0.08 for ρ = 0.9, less for the other coordinate.
assert abs(below[f"batch {4 * B}, last iterate"] / floor - 0.25) < 0.05
assert below["batch 4, average of the last 250 iterates"] < 0.1 * floor

# %%
fig, (ax_lr, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
t_axis = np.arange(1, T + 1)
shown = {**chosen, "exponential 0.997": schedules.Exponential(0.1, 0.997),
         "warm-up 50 × cosine": schedules.Warmup(schedules.Cosine(0.1, steps=T), steps=50)}
for name, lr in shown.items():
    ax_lr.plot(t_axis, [lr(t) for t in t_axis] if callable(lr) else np.full(T, lr), label=name)
ax_lr.set_xlabel("step t")
ax_lr.set_ylabel("learning rate η_t")
ax_lr.set_title("numopt.schedules")
ax_lr.legend(fontsize=8)
for name, (mean, _) in sim_schedules.items():
    line, = ax_loss.semilogy(mean, label=name)
    ax_loss.semilogy(theory.sgd_expected_loss(chosen[name], lam_d, sigma2, start_d - theta_star, T), ":",
                     color=line.get_color())
ax_loss.semilogy(sim[0.02][0], color="0.6", label="constant 0.02")
ax_loss.axhline(floor, color="k", lw=0.8, ls="--", label="noise floor, η = 0.1")
ax_loss.set_xlabel("step t")
ax_loss.set_ylabel(f"mean excess loss over {R} runs (log)")
ax_loss.set_title("Mini-batch SGD (dotted: theory.sgd_expected_loss)")
ax_loss.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What to remember
#
# - Doc 003's template: $m_t = \varphi(g_{1..t})$, $V_t = \psi(g_{1..t})$,
#   $\theta_t = \theta_{t-1} - \eta\, m_t/\sqrt{V_t}$. SGD is $m_t = g_t$, $V_t = 1$; Momentum changes
#   $\varphi$, AdaGrad/RMSProp change $\psi$, Adam changes both.
# - On a quadratic, SGD multiplies the error along eigenvector $i$ by $1-\eta\lambda_i$ each
#   step: stable iff $\eta < 2/\lambda_{\max}$; the best constant step still only gives the rate
#   $(\kappa-1)/(\kappa+1)$. Momentum (lesson 03) and per-coordinate scaling (lesson 04) attack this.
# - With mini-batch noise of variance $\sigma^2$, constant-$\eta$ SGD stalls at an expected excess
#   loss $\sum_j \eta\sigma_j^2/(2(2-\eta\lambda_j)) \approx \eta\sum_j\sigma_j^2/4$; a decaying
#   schedule ($1/t$, step, cosine), a larger batch or averaging the iterates goes below it.

# %% [markdown]
# ## Exercises
#
# 1. For `Quadratic(condition=100)`, predict the best step size and the number of steps SGD
#    needs to reduce the loss by a factor $10^{6}$; check with `run(numopt.SGD(lr=...), problem, steps)`.
# 2. Rotate the quadratic to be axis-aligned (`Quadratic(condition=20, angle=0.0)`) and run
#    `numopt.AdaGrad`. Why does per-coordinate scaling help here much more than for the
#    rotated problem? Use the table above.
# 3. With $\eta$ slightly above $2/\lambda_{\max}$, how many steps does it take before the loss
#    exceeds its starting value? Derive it from the closed-form loss, then measure it.
# 4. In §3, halve the batch size to $B = 2$. Predict the new noise floor for $\eta = 0.1$, and
#    the constant $\eta$ that brings it back to the floor of $B = 4$; check both by simulation.
