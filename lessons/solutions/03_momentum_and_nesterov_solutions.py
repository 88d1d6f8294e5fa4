# %% [markdown]
# # Lesson 03 — worked solutions
#
# Each answer derives the result, then checks it numerically with `numopt` and `numopt.theory`.

# %%
import numpy as np

import numopt
from numopt import theory
from numopt.grading import assert_matches, grade
from numopt.problems import Quadratic, Rosenbrock
from numopt.runner import run

problem = Quadratic(condition=20.0)
lams = np.array([1.0, 20.0])
start = np.array([-0.9, 1.1])


def velocity_form(problem, lr, beta, steps, start):
    """Doc 003's momentum: u ← βu + η_t g, θ ← θ − u (as in the lesson). Returns θ_0..θ_steps."""
    theta, u = start.copy(), np.zeros_like(start)
    path = [theta.copy()]
    for t in range(1, steps + 1):
        u = beta * u + lr(t) * problem.grad(theta)
        theta = theta - u
        path.append(theta.copy())
    return np.array(path)


def measured_rate(opt, steps, window):
    """Run opt on the error e = θ − θ* of ``problem`` (gradient A e); rate from the envelope of ‖e_t‖."""
    e = start - problem.minimizer
    norms = [np.linalg.norm(e)]
    for _ in range(steps):
        opt.step(e, problem.A @ e)
        norms.append(np.linalg.norm(e))
    early, late = max(norms[window:2 * window]), max(norms[steps - window:steps])
    return (late / early) ** (1 / (steps - 2 * window))


# %% [markdown]
# ## Exercise 1
#
# With a warm-up, $\eta_t$ grows: $\eta_t \ge \eta_k$ for every $k \le t \le 20$. The torch form
# steps by $\eta_t \sum_k \beta^{t-k} g_k$, the velocity form by $\sum_k \beta^{t-k} \eta_k g_k$: the
# torch form re-scales the *old* gradients, gathered when the rate was small, by today's larger
# rate. So (for gradients that keep roughly one direction, as here at the start) **the torch form
# moves further** during the warm-up. Both take the same first step, $\eta_1 g_1$.

# %%
def warmup(t):
    """η_t rising linearly from 0 to 0.02 over 20 steps, then 0.02."""
    return 0.02 * min(t, 20) / 20


torch_w = run(numopt.Momentum(lr=warmup, beta=0.9), problem, 20, start=start).params
velocity_w = velocity_form(problem, warmup, 0.9, 20, start)
moved = {name: np.linalg.norm(p[20] - p[0]) for name, p in (("torch", torch_w), ("velocity", velocity_w))}
print(f"distance moved in 20 steps: torch form {moved['torch']:.4f}, velocity form {moved['velocity']:.4f}")
assert np.allclose(torch_w[1], velocity_w[1], rtol=0, atol=1e-15)  # same first step
assert moved["torch"] > 1.2 * moved["velocity"]

# %% [markdown]
# ## Exercise 2
#
# numopt.NAG steps with $d_t = g_t + \beta b_t$, where $b_t = \beta b_{t-1} + g_t$. Then
#
# $$d_t - \beta d_{t-1} = g_t - \beta g_{t-1} + \beta\,(b_t - \beta b_{t-1})
#   = g_t - \beta g_{t-1} + \beta g_t = \hat g_t,$$
#
# and $d_1 = (1+\beta) g_1 = \hat g_1$ with $g_0 = 0$. So $d$ is exactly Momentum's buffer fed with
# $\hat g_t = g_t + \beta(g_t - g_{t-1})$, and both step by $\theta \leftarrow \theta - \eta d$. The
# term $g_t - g_{t-1} \approx H(\theta_{t-1} - \theta_{t-2})$ is a finite-difference Hessian-vector
# product along the last step: NAG adds a curvature correction that brakes when the gradient
# turns (an overshoot) and pushes when it grows.

# %%
rosen, lr, beta, steps = Rosenbrock(), 1e-3, 0.9, 300
nag = run(numopt.NAG(lr=lr, beta=beta), rosen, steps).params
theta, opt, g_prev = rosen.init(), numopt.Momentum(lr=lr, beta=beta), np.zeros(2)
fed = [theta.copy()]
for _ in range(steps):
    g = rosen.grad(theta)
    opt.step(theta, g + beta * (g - g_prev))
    g_prev = g
    fed.append(theta.copy())
err = np.max(np.abs(np.array(fed) - nag))
assert err < 1e-10
print(f"NAG and Momentum fed g + beta (g - g_prev) agree within 1e-10 over {steps} Rosenbrock steps")

# %% [markdown]
# ## Exercise 3
#
# The EWMA form keeps $m_t = (1-\beta) b_t$, so `Momentum(lr=η', ewma=True)` takes the torch form's
# steps with $\eta'(1-\beta)$. To run at the optimum $(\eta^\ast, \beta^\ast)$ it needs
# $\eta' = \eta^\ast/(1-\beta^\ast)$, about 1.67 times $\eta^\ast$ for $\beta^\ast = 0.40$ (not 10 times,
# as for β = 0.9).

# %%
lr_opt, beta_opt, rate_opt = theory.heavy_ball_optimal(*lams)
lr_ewma = lr_opt / (1 - beta_opt)
rate_ewma = measured_rate(numopt.Momentum(lr=lr_ewma, beta=beta_opt, ewma=True), 500, 20)
print(f"eta* = {lr_opt:.4f}, beta* = {beta_opt:.4f}: EWMA form needs lr = {lr_ewma:.4f}; "
      f"measured rate {rate_ewma:.4f}, (sqrt(k)-1)/(sqrt(k)+1) = {(np.sqrt(20) - 1) / (np.sqrt(20) + 1):.4f}")
assert abs(rate_ewma / rate_opt - 1) < 0.01
rate_unscaled = measured_rate(numopt.Momentum(lr=lr_opt, beta=beta_opt, ewma=True), 500, 20)
print(f"with lr = eta* unscaled: rate {rate_unscaled:.4f}")
assert rate_unscaled > rate_opt + 0.05

# %% [markdown]
# ## Exercise 4
#
# Along $\lambda$ the roots are complex exactly when $(1+\beta-\eta\lambda)^2 < 4\beta$, that is
# $(1-\sqrt\beta)^2 < \eta\lambda < (1+\sqrt\beta)^2$; then both have modulus $\sqrt\beta$ (their
# product is $\beta$). Both directions are underdamped, and the rate is $\sqrt\beta$, when
# $(1-\sqrt\beta)^2/\lambda_{\min} < \eta < (1+\sqrt\beta)^2/\lambda_{\max}$: for $\beta = 0.9$ and
# $\kappa = 20$ that is $0.00263 < \eta < 0.190$, a 70-fold range where η does not matter at all.
# A larger β only raises $\sqrt\beta$ there; a smaller one leaves a direction overdamped.

# %%
beta = 0.9
low, high = (1 - np.sqrt(beta)) ** 2 / lams[0], (1 + np.sqrt(beta)) ** 2 / lams[1]
print(f"interval: {low:.5f} < eta < {high:.5f}")
inside = np.linspace(low, high, 500)[1:-1]
assert np.allclose(theory.heavy_ball_rate(inside, beta, lams), np.sqrt(beta), rtol=1e-7, atol=0)
assert theory.heavy_ball_rate(0.5 * low, beta, lams) > np.sqrt(beta) + 1e-3
assert theory.heavy_ball_rate(1.02 * high, beta, lams) > np.sqrt(beta) + 1e-3
for lr in (0.004, 0.05, 0.18):
    rate = measured_rate(numopt.Momentum(lr=lr, beta=beta), 3000, 200)
    print(f"eta = {lr:5.3f}: measured rate {rate:.4f}, sqrt(beta) = {np.sqrt(beta):.4f}")
    assert abs(rate / np.sqrt(beta) - 1) < 0.005


# %% [markdown]
# ## Lab
#
# The lesson's first attempt stores the EWMA $\beta b + (1-\beta)g$: the third convention of §1, the same path only
# with $\eta$ scaled by $1/(1-\beta)$, so the grader calls it a legitimate variant but not the asked form. numopt's
# (and torch's) velocity adds the whole gradient:

# %%
def momentum_update(param, grad, state, t, lr=0.02, beta=0.9):
    """One heavy-ball step in numopt's (torch's) convention b ← βb + g, θ ← θ − ηb; returns (new_param, new_state)."""
    velocity = np.zeros_like(param) if state is None else state
    velocity = beta * velocity + grad
    return param - lr * velocity, velocity


print(grade(momentum_update, "momentum", {"lr": 0.02, "beta": 0.9}).summary())
assert_matches(momentum_update, "momentum", {"lr": 0.02, "beta": 0.9})
