# %% [markdown]
# # Lesson 01 — Solutions to the exercises
#
# Worked answers to the exercises of
# [lesson 01](../01_framework_and_sgd.ipynb). Each answer derives the number first, then runs
# numopt and checks the derivation with `assert`s.

# %%
import numpy as np

import numopt
from numopt import theory
from numopt.problems import Quadratic
from numopt.runner import run

# %% [markdown]
# ## Exercise 1
#
# *For `Quadratic(condition=100)`, predict the best step size and the number of steps SGD needs to
# reduce the loss by a factor $10^{6}$; check with `run`.*
#
# The eigenvalues are $\lambda = (1, 100)$. The best constant step balances the two extreme
# contraction factors:
#
# $$\eta^\ast = \frac{2}{\lambda_{\min}+\lambda_{\max}} = \frac{2}{101},\qquad
#   1-\eta^\ast\lambda_{\min} = \frac{99}{101},\qquad 1-\eta^\ast\lambda_{\max} = -\frac{99}{101}.$$
#
# Both factors have the same size $\rho = (\kappa-1)/(\kappa+1) = 99/101$, so *every* eigen-coordinate
# shrinks by $\rho$ per step and the closed-form loss
# $J(\theta_t) = \tfrac12\sum_i \lambda_i c_{i,0}^2 (1-\eta\lambda_i)^{2t}$ is exactly
# $J(\theta_0)\,\rho^{2t}$, whatever the start. The loss is down by a factor $10^6$ once
#
# $$\rho^{2t} \le 10^{-6} \iff t \ge \frac{\ln 10^{6}}{2\ln(101/99)} \approx 345.4,$$
#
# so after 346 steps (and not after 345).

# %%
problem = Quadratic(condition=100.0)
lam = np.linalg.eigvalsh(problem.A)
eta = 2 / (lam[0] + lam[1])
rho = (100 - 1) / (100 + 1)
t_needed = int(np.ceil(np.log(1e6) / (2 * np.log(1 / rho))))
print(f"eigenvalues {lam}; best step 2/101 = {eta:.6f}; rate 99/101 = {rho:.6f}; predicted steps: {t_needed}")

traj = run(numopt.SGD(lr=eta), problem, steps=400)
ratio = traj.losses / traj.losses[0]
measured = int(np.argmax(ratio <= 1e-6))
print(f"measured: loss ratio {ratio[measured - 1]:.3e} after {measured - 1} steps, "
      f"{ratio[measured]:.3e} after {measured}")

# %%
# Verification
assert np.allclose(lam, [1.0, 100.0], rtol=1e-12)
assert abs(eta - 2 / 101) < 1e-15
assert np.allclose(ratio, rho ** (2 * np.arange(401)), rtol=1e-9)  # J_t = J_0 ρ^{2t} exactly
assert t_needed == 346 and measured == t_needed

# %% [markdown]
# ## Exercise 2
#
# *Run `numopt.AdaGrad` on the axis-aligned `Quadratic(condition=20, angle=0.0)`. Why does
# per-coordinate scaling help much more here than for the rotated problem?*
#
# In the table of lesson 01 AdaGrad divides coordinate $i$ of the gradient by
# $\sqrt{V_{i,t}} = \sqrt{\sum_k g_{i,k}^2}$. When $A = \operatorname{diag}(\lambda_1, \lambda_2)$ is
# aligned with the axes, coordinate $i$ of the gradient is $g_{i,k} = \lambda_i e_{i,k-1}$ (with
# $e = \theta - \theta^\ast$) and depends on that coordinate only. Then
#
# $$\frac{g_{i,t}}{\sqrt{\sum_k g_{i,k}^2}} = \frac{\lambda_i\, e_{i,t-1}}{\lambda_i\sqrt{\sum_k e_{i,k-1}^2}}
#   = \frac{e_{i,t-1}}{\sqrt{\sum_k e_{i,k-1}^2}} :$$
#
# $\lambda_i$ cancels (up to $\varepsilon$), so the iterates do not depend on the curvatures at all
# and AdaGrad moves on $\kappa = 20$ exactly as on $\kappa = 1$. When the quadratic is rotated,
# each gradient coordinate mixes both eigen-directions, the per-coordinate $V$ cannot separate
# them, and the ill-conditioning stays. We run AdaGrad with $\eta = 0.5$ for 1000 steps from the
# standard start on four problems.

# %%
aligned = {k: Quadratic(condition=k, angle=0.0) for k in (1.0, 20.0)}
rotated = {k: Quadratic(condition=k) for k in (1.0, 20.0)}
runs = {}
for name, problems in (("aligned", aligned), ("rotated", rotated)):
    for k, p in problems.items():
        runs[name, k] = run(numopt.AdaGrad(lr=0.5), p, steps=1000)
        print(f"{name:<8} kappa = {k:>4g}: steps to a loss below 1e-8: {runs[name, k].steps_to(1e-8)}")

# %%
# Verification
gap = np.max(np.abs(runs["aligned", 20.0].params - runs["aligned", 1.0].params))
print(f"aligned: max |theta(kappa=20) - theta(kappa=1)| over 1000 steps = {gap:.1e}")
assert gap < 1e-6  # identical up to ε = 1e-10 in the denominator
assert runs["rotated", 20.0].steps_to(1e-8) > 4 * runs["aligned", 20.0].steps_to(1e-8)

# %% [markdown]
# ## Exercise 3
#
# *With $\eta$ slightly above $2/\lambda_{\max}$, how many steps until the loss exceeds its start?*
#
# Take the lesson's `Quadratic(condition=20)` and $\eta = 0.105$: the factors are
# $r_1 = 1-\eta\lambda_1 = 0.895$ and $r_2 = 1-\eta\lambda_2 = -1.1$. From the closed form,
#
# $$J(\theta_t) - J(\theta_0) = \tfrac12\lambda_2 c_{2,0}^2\,(r_2^{2t}-1) - \tfrac12\lambda_1 c_{1,0}^2\,(1-r_1^{2t}),$$
#
# the steep term grows by $r_2^2 = 1.21$ per step and the shallow one can save at most
# $\tfrac12\lambda_1 c_{1,0}^2$. The answer is the first $t$ at which the difference is positive.
# Once $r_1^{2t}$ is small, it is about
#
# $$t \approx \frac{\ln\bigl(1 + \lambda_1 c_{1,0}^2/(\lambda_2 c_{2,0}^2)\bigr)}{2\ln|r_2|},$$
#
# so it depends on how much of the start lies along the steep direction. From the lesson's start
# $(-0.9, 1.1)$ the steep term already dominates $J(\theta_0)$ and the loss grows at once, $t = 1$.
# From a start almost on the shallow axis, $c_0 = (1, 0.01)$, the estimate gives
# $\ln(1 + 1/(20\cdot 10^{-4}))/(2\ln 1.1) \approx 32.6$; the exact first crossing comes from
# evaluating the closed form for $t = 1, 2, \dots$. As $\eta \downarrow 2/\lambda_{\max}$,
# $\ln|r_2| \to 0$ and the answer grows without bound.

# %%
problem = Quadratic(condition=20.0)
lam, Q = np.linalg.eigh(problem.A)
eta = 0.105
r = 1 - eta * lam
t = np.arange(200)
answers = {}
for name, start in (
    ("lesson's start", np.array([-0.9, 1.1])),
    ("start c_0 = (1, 0.01)", problem.minimizer + Q @ np.array([1.0, 0.01])),
):
    c0 = Q.T @ (start - problem.minimizer)
    closed = 0.5 * ((lam * c0**2) * r ** (2 * t[:, None])).sum(axis=1)
    predicted = int(np.argmax(closed > closed[0]))
    estimate = np.log(1 + lam[0] * c0[0] ** 2 / (lam[1] * c0[1] ** 2)) / (2 * np.log(abs(r[1])))
    traj = run(numopt.SGD(lr=eta), problem, steps=199, start=start)
    measured = int(np.argmax(traj.losses > traj.losses[0]))
    answers[name] = (closed, predicted, measured, estimate, traj)
    print(f"{name}: J_0 = {closed[0]:.4f}; estimate {estimate:.1f}; closed form: first t with J_t > J_0 is "
          f"{predicted}; measured with numopt.SGD: {measured}")

# %%
# Verification
for closed, predicted, measured, estimate, traj in answers.values():
    assert np.allclose(traj.losses, closed, rtol=1e-9)
    assert predicted == measured
    assert closed[predicted - 1] <= closed[0] < closed[predicted]
    assert abs(predicted - estimate) < 1.5
assert answers["lesson's start"][1] == 1
assert answers["start c_0 = (1, 0.01)"][1] == 33

# %% [markdown]
# ## Exercise 4
#
# *Halve the batch size of lesson 01 §3 to $B = 2$: predict the noise floor for $\eta = 0.1$ and
# the constant $\eta$ that brings it back to the floor of $B = 4$.*
#
# The mini-batch noise has variance $\sigma_j^2 = \lambda_j^2 v_j/B$, so halving $B$ doubles every
# $\sigma_j^2$. The floor $\sum_j \eta\sigma_j^2/(2(2-\eta\lambda_j))$ is linear in the $\sigma_j^2$:
# it **doubles**. To get back, $\eta'$ must solve
#
# $$\sum_j \frac{\eta'\, 2\sigma_j^2}{2\,(2-\eta'\lambda_j)} = \sum_j \frac{0.1\,\sigma_j^2}{2\,(2-0.1\,\lambda_j)} .$$
#
# If the floor were exactly $\eta\sum_j\sigma_j^2/4$, the answer would be $\eta' = 0.05$. The
# factor $1/(2-\eta\lambda_j)$ makes the floor grow faster than $\eta$ when $\eta\lambda_j$ is not
# small ($\eta\lambda_2 = 1$ here), so halving $\eta$ more than halves it, and $\eta'$ is a bit above
# 0.05. The left side increases with $\eta'$, so bisection finds it. We rebuild §3's setting (same
# recipe, own seed) and simulate 500 runs for each case.

# %%
rng = np.random.default_rng(4)
n, R, T = 1000, 500, 500
lam = np.array([1.0, 10.0])
data = rng.normal([1.0, 1.0], [1.0, 0.1], size=(n, 2))
theta_star, start = data.mean(axis=0), data.mean(axis=0) + np.array([-2.0, 1.0])


def sigma2(B):
    return lam**2 * data.var(axis=0) / B


target = theory.sgd_noise_floor(0.1, lam, sigma2(4))
low, high = 0.0, 0.19  # the floor is increasing on 0 < η < 2/λ_max = 0.2
for _ in range(60):
    mid = (low + high) / 2
    low, high = (mid, high) if theory.sgd_noise_floor(mid, lam, sigma2(2)) < target else (low, mid)
eta_back = (low + high) / 2
predicted = {"B = 4, eta = 0.1": (4, 0.1), "B = 2, eta = 0.1": (2, 0.1), f"B = 2, eta = {eta_back:.4f}": (2, eta_back)}


def final_losses(B, eta, seed=0):
    draw = np.random.default_rng(seed)
    theta = np.tile(start, (R, 1))
    opt = numopt.SGD(lr=eta)
    for _ in range(T):
        batch = data[draw.integers(n, size=(R, B))]
        opt.step(theta, lam * (theta - batch.sum(axis=1) / B))
    return 0.5 * ((theta - theta_star) ** 2 @ lam)


measured = {}
for seed, (name, (B, eta)) in enumerate(predicted.items(), start=1):
    measured[name] = final_losses(B, eta, seed)
    print(f"{name}: floor {theory.sgd_noise_floor(eta, lam, sigma2(B)):.5f}, simulated mean after {T} steps "
          f"{measured[name].mean():.5f} ± {measured[name].std() / np.sqrt(R):.5f} (standard error)")

# %%
# Verification
assert abs(theory.sgd_noise_floor(0.1, lam, sigma2(2)) / target - 2) < 1e-12
assert 0.05 < eta_back < 0.07 and abs(theory.sgd_noise_floor(eta_back, lam, sigma2(2)) / target - 1) < 1e-12
for name, (B, eta) in predicted.items():
    expected = theory.sgd_expected_loss(eta, lam, sigma2(B), start - theta_star, T)[-1]
    losses = measured[name]
    assert abs(losses.mean() - expected) < 4 * losses.std() / np.sqrt(R), name
