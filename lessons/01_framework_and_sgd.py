# %% [markdown]
# # Lesson 01 — One framework for every optimizer, and SGD as its simplest case
#
# Doc 003 (the survey deck, slide "基本框架", *basic framework*) opens with a template that
# every method in this course fills in. With parameters $\theta$, loss $J(\theta)$ and
# learning rate $\eta$, one step is:
#
# 1. the gradient at the current point, $g_t = \nabla J(\theta)$;
# 2. a **first moment** and a **second moment** built from the gradient history,
#    $$m_t = \varphi(g_1, \dots, g_t), \qquad V_t = \psi(g_1, \dots, g_t);$$
# 3. the step $\Delta\theta_t = -\eta\, m_t / \sqrt{V_t}$ (coordinate by coordinate: $V_t$ is a
#    diagonal matrix, so its square root and the division act on each coordinate);
# 4. the update $\theta \leftarrow \theta + \Delta\theta_t$.
#
# The deck numbers the points $\theta_t \to \theta_{t+1}$; numopt (like doc 002 and the
# Adam paper) counts steps from $t = 1$ and writes $\theta_t = \theta_{t-1} + \Delta\theta_t$
# with $g_t = \nabla J(\theta_{t-1})$. It is the same update with the index of $\theta$
# shifted by one.
#
# **SGD** is the case with no memory at all: $m_t = g_t$ and $V_t = I$ (the deck writes the
# identity matrix as $E$), so
#
# $$\Delta\theta_t = -\eta\, g_t, \qquad \theta_t = \theta_{t-1} - \eta\, g_t .$$
#
# Every other method changes only $\varphi$ (what to average as the direction) and $\psi$
# (what to divide by, per coordinate). The table uses numopt's canonical forms (each
# module's docstring, `numopt/<algorithm>.py`). Sums run over $k = 1..t$,
# $w_k(\beta) = (1-\beta)\beta^{t-k}$ are the EWMA weights of lesson 02, and the step is
# $\Delta\theta_t = -\eta\, m_t/(\sqrt{V_t}+\varepsilon)$
# with $\varepsilon = 0$ for SGD and Momentum ($\varepsilon$ keeps the division safe; doc 003
# puts it inside the root, erratum 2, lesson 04):
#
# | method | $m_t = \varphi(g_1..g_t)$ | $V_t = \psi(g_1..g_t)$ |
# |---|---|---|
# | SGD | $g_t$ | $1$ |
# | Momentum | $\sum_k \beta^{t-k} g_k$ | $1$ |
# | AdaGrad | $g_t$ | $\sum_k g_k^2$ |
# | RMSProp | $g_t$ | $\sum_k w_k(\beta)\, g_k^2$ |
# | Adam | $\sum_k w_k(\beta_1)\, g_k \,/\, (1-\beta_1^t)$ | $\sum_k w_k(\beta_2)\, g_k^2 \,/\, (1-\beta_2^t)$ |
#
# Momentum's $m_t$ is a decaying sum (lesson 03 compares its three conventions), RMSProp's
# and Adam's are exponentially weighted moving averages (lesson 02), and Adam divides each
# by the sum of its weights (bias correction, lesson 02).

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt import plot
from numopt.problems import Quadratic
from numopt.runner import run

rng = np.random.default_rng(1)

# %% [markdown]
# ## 1. `numopt.SGD` is exactly $\theta - \eta g$
#
# One hand step: $\theta - \eta g$ is one multiplication and one subtraction per coordinate,
# each correctly rounded, in the same order as numopt performs them. So the two results
# must agree **bit for bit**, not merely to a tolerance.

# %%
theta = np.array([1.5, -2.0, 0.25])
g = np.array([0.3, -1.2, 4.0])
eta = 0.1
by_hand = theta - eta * g
opt = numopt.SGD(lr=eta)
opt.step(theta, g)
print(f"numopt.SGD: {theta}\nby hand:    {by_hand}\nmax |difference| = {np.max(np.abs(theta - by_hand)):.1e}")
assert np.array_equal(theta, by_hand)

# %% [markdown]
# ## 2. The table, checked: each method's step is $-\eta\,\varphi/\sqrt{\psi}$
#
# We hand six random gradients to each optimizer and compare its last step with the
# formula of the table, evaluated directly from the whole history (the sums, not the
# recursions numopt uses). The two differ only in the order of roundings, a few units of
# $10^{-16}$ relative over six terms, so a relative tolerance of $10^{-12}$ is generous.

# %%
grads = rng.normal(size=(6, 3))
t = len(grads)
k = np.arange(1, t + 1)
eta, beta, beta1, beta2, eps = 0.1, 0.9, 0.9, 0.999, 1e-8


def decayed_sum(x, b, dampen):
    """Σ_k w_k x_k with w_k = β^(t-k), times (1 - β) if dampen: the history sums of the table."""
    weights = b ** (t - k) * ((1 - b) if dampen else 1.0)
    return weights @ x


framework = {  # name: (optimizer, m_t = φ(g_1..g_t), V_t = ψ(g_1..g_t), ε added to √V)
    "SGD": (numopt.SGD(lr=eta), grads[-1], np.ones(3), 0.0),
    "Momentum": (numopt.Momentum(lr=eta, beta=beta), decayed_sum(grads, beta, False), np.ones(3), 0.0),
    "AdaGrad": (numopt.AdaGrad(lr=eta, eps=eps), grads[-1], (grads**2).sum(axis=0), eps),
    "RMSProp": (numopt.RMSProp(lr=eta, beta=beta, eps=eps), grads[-1], decayed_sum(grads**2, beta, True), eps),
    "Adam": (
        numopt.Adam(lr=eta, beta1=beta1, beta2=beta2, eps=eps),
        decayed_sum(grads, beta1, True) / (1 - beta1**t),
        decayed_sum(grads**2, beta2, True) / (1 - beta2**t),
        eps,
    ),
}
for name, (opt, m, V, e) in framework.items():
    theta = np.zeros(3)
    for g in grads[:-1]:
        opt.step(theta, g)
    before = theta.copy()
    opt.step(theta, grads[-1])
    predicted = -eta * m / (np.sqrt(V) + e)
    err = np.max(np.abs((theta - before) - predicted) / np.abs(predicted))
    print(f"{name:<9} step {t}: max relative difference from -eta*m/(sqrt(V)+eps) = {err:.1e}")
    assert err < 1e-12

# %% [markdown]
# ## 3. SGD on an ill-conditioned quadratic
#
# Take $J(\theta) = \tfrac12 (\theta-\theta^*)^\top A (\theta-\theta^*)$ with $A$ symmetric
# positive definite, eigenvalues $\lambda_1 \le \dots \le \lambda_d$ and orthonormal
# eigenvectors $q_i$. The gradient is $A(\theta - \theta^*)$, so for the error
# $e_t = \theta_t - \theta^*$ one SGD step is linear:
#
# $$e_t = e_{t-1} - \eta A e_{t-1} = (I - \eta A)\, e_{t-1}.$$
#
# Write $e_t$ in the eigenbasis, $c_{i,t} = q_i^\top e_t$. Since $A q_i = \lambda_i q_i$, the
# coordinates decouple:
#
# $$c_{i,t} = (1 - \eta\lambda_i)\, c_{i,t-1} = (1-\eta\lambda_i)^t\, c_{i,0}.$$
#
# Each eigen-direction shrinks by the **contraction factor** $|1-\eta\lambda_i|$ per step
# (and flips sign when $\eta\lambda_i > 1$). Hence:
#
# * **stability:** every direction shrinks iff $|1-\eta\lambda_i| < 1$ for all $i$, i.e.
#   $0 < \eta < 2/\lambda_{\max}$. The steepest direction alone sets the limit;
# * **speed:** the slowest direction decays like $\max_i |1-\eta\lambda_i|^t$. This is
#   smallest when the two extremes balance, $1-\eta\lambda_{\min} = \eta\lambda_{\max} - 1$,
#   i.e. $\eta^* = 2/(\lambda_{\min}+\lambda_{\max})$, with rate
#   $(\kappa-1)/(\kappa+1)$ where $\kappa = \lambda_{\max}/\lambda_{\min}$: the larger the
#   condition number, the closer to 1 and the slower SGD gets;
# * **loss:** $J(\theta_t) = \tfrac12 \sum_i \lambda_i c_{i,0}^2 (1-\eta\lambda_i)^{2t}$.
#
# We use `numopt.problems.Quadratic(condition=20)`: $\lambda = (1, 20)$, eigenvectors rotated
# by 30°, minimum at $(1, 1)$. So $2/\lambda_{\max} = 0.1$ and $\eta^* = 2/21 \approx 0.0952$.
# Three step sizes: too small ($0.01$), the best ($\eta^*$), and too large ($0.105$, just
# above the limit). We start at $(-0.9, 1.1)$, whose error has a sizeable component along
# both eigenvectors.

# %%
problem = Quadratic(condition=20.0)
lam, Q = np.linalg.eigh(problem.A)  # ascending eigenvalues, eigenvectors in the columns
Q *= np.sign(Q[0])  # an eigenvector's sign is arbitrary; fix it so the printout is reproducible
print(f"eigenvalues {lam[0]:.6f}, {lam[1]:.6f};  stability limit 2/lambda_max = {2 / lam[1]:.6f}")
step_sizes = {"too small": 0.01, "best 2/(1+20)": 2 / (lam[0] + lam[1]), "too large": 0.105}
for label, eta in step_sizes.items():
    factors = 1 - eta * lam
    print(f"eta = {eta:.4f} ({label}): factors 1 - eta*lambda = {factors[0]:+.4f} (slow), "
          f"{factors[1]:+.4f} (fast); rate max|.| = {np.max(np.abs(factors)):.4f}")
start = np.array([-0.9, 1.1])
c_0 = (start - problem.minimizer) @ Q
print(f"start error in eigen-coordinates: c_0 = Q^T (start - theta*) = ({c_0[0]:+.4f}, {c_0[1]:+.4f})")
kappa = lam[1] / lam[0]
assert abs(np.max(np.abs(1 - step_sizes["best 2/(1+20)"] * lam)) - (kappa - 1) / (kappa + 1)) < 1e-14

# %% [markdown]
# Now run SGD with each step size (`numopt.run` records the point after every step)
# and measure, in each eigen-direction, the ratio $c_{i,t}/c_{i,t-1}$ over the first 20
# steps. It must equal $1-\eta\lambda_i$. The only error is rounding: each step rounds
# $\theta$ (size about 1) to about $10^{-16}$, while the smallest error component in these
# 20 steps stays above $10^{-3}$, so the measured ratios should match to about $10^{-12}$;
# we assert $10^{-10}$. We also compare the recorded loss with the closed form.

# %%
runs = {}
for label, eta in step_sizes.items():
    traj = run(numopt.SGD(lr=eta), problem, steps=60, start=start)
    runs[label] = traj
    c = (traj.params - problem.minimizer) @ Q  # eigen-coordinates c_{i,t}, shape (61, 2)
    measured = c[1:21] / c[:20]
    predicted = 1 - eta * lam
    err = np.max(np.abs(measured - predicted))
    closed_loss = 0.5 * np.sum(lam * c[0] ** 2 * predicted ** (2 * np.arange(61)[:, None]), axis=1)
    loss_err = np.max(np.abs(traj.losses - closed_loss) / closed_loss)
    mean = measured.mean(axis=0)
    print(f"eta = {eta:.4f}: measured factors ({mean[0]:+.6f}, {mean[1]:+.6f}), predicted ({predicted[0]:+.6f}, "
          f"{predicted[1]:+.6f}), max error {err:.1e}; loss vs closed form: max rel. error {loss_err:.1e}")
    assert err < 1e-10 and loss_err < 1e-9
for label, traj in runs.items():
    print(f"{label:<14} loss after 0, 20, 60 steps: {traj.losses[0]:.3e}, {traj.losses[20]:.3e}, {traj.losses[60]:.3e}")

# %% [markdown]
# The too-small step barely moves along the shallow direction (factor 0.99: after 60 steps
# the error there is still $0.99^{60} \approx 55\%$ of the start). The best step shrinks
# both directions by $19/21 \approx 0.905$ per step, zig-zagging across the valley (the fast
# factor is negative). Just above the limit, the steep direction grows by $1.1$ per step,
# flipping sign each time: divergence, although the shallow direction is still converging.
#
# ## 4. Pictures

# %%
colours = {"too small": "tab:blue", "best 2/(1+20)": "tab:green", "too large": "tab:red"}
fig, axes = plt.subplots(1, 3, figsize=(12, 4.2), sharey=True)
for ax, (label, eta) in zip(axes, step_sizes.items(), strict=True):
    plot.contours(problem, {f"η = {eta:.4f}": run(numopt.SGD(lr=eta), problem, 25, start=start)}, ax=ax)
    ax.set_title(f"{label}: η = {eta:.4f}, 25 steps", fontsize=10)
    ax.set_aspect("equal")
for ax in axes[1:]:
    ax.get_legend().remove()  # one legend is enough
fig.suptitle("SGD on the quadratic with κ = 20")
fig.tight_layout()
plt.show()

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
# ## What to remember
#
# - Doc 003's template: $m_t = \varphi(g_{1..t})$, $V_t = \psi(g_{1..t})$,
#   $\Delta\theta_t = -\eta\, m_t/\sqrt{V_t}$. SGD is $m_t = g_t$, $V_t = I$; Momentum changes
#   $\varphi$, AdaGrad/RMSProp change $\psi$, Adam changes both.
# - On a quadratic, SGD multiplies the error along eigenvector $i$ by $1-\eta\lambda_i$ each
#   step: it is stable iff $\eta < 2/\lambda_{\max}$.
# - The best constant step $2/(\lambda_{\min}+\lambda_{\max})$ still only gives the rate
#   $(\kappa-1)/(\kappa+1)$: ill-conditioning, not the step size, limits plain SGD. This is
#   what momentum (lesson 03) and per-coordinate scaling (lesson 04) attack.
#
# ## Exercises
#
# 1. For `Quadratic(condition=100)`, predict the best step size and the number of steps SGD
#    needs to reduce the loss by $10^{-6}$; check with `run(numopt.SGD(lr=...), problem, steps)`.
# 2. Rotate the quadratic to be axis-aligned (`Quadratic(condition=20, angle=0.0)`) and run
#    `numopt.AdaGrad`. Why does per-coordinate scaling help here much more than for the
#    rotated problem? Use the table above.
# 3. With $\eta$ slightly above $2/\lambda_{\max}$, how many steps does it take before the loss
#    exceeds its starting value? Derive it from the closed-form loss, then measure it.
