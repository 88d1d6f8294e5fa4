# %% [markdown]
# # Lesson 05 — worked solutions
#
# Each answer derives the result, then checks it numerically with `numopt`.

# %%
import numpy as np

import numopt
from numopt.grading import assert_matches, grade
from numopt.theory import ewma_effective_sample_size

SEED = 0
curv = np.array([1.0, 4.0])  # the lesson's quadratic ½ Σ curv x², from (1, −1)


def adadelta_path(opt, scale, steps):
    """AdaDelta in the units y = scale·x: f = ½ Σ curv (y/scale)², so ∇_y f = curv·y/scale². Returns y_t/scale."""
    y = scale * np.array([1.0, -1.0])
    path = [y / scale]
    for _ in range(steps):
        opt.step(y, curv * y / scale**2)
        path.append(y / scale)
    return np.array(path)


# %% [markdown]
# ## Exercise 1
#
# In $y = 10x$ the gradients are $g_y = g_x/10$. AdaDelta's first step is
# $\sqrt\varepsilon\,|g|/\sqrt{(1-\rho)g^2 + \varepsilon} \approx \sqrt{\varepsilon/(1-\rho)}$, the same
# *number* in whatever units the parameter has: in $y$ it is 0.00447 units of $y$, i.e. 0.000447
# units of $x$, ten times shorter than the run in $x$. The paths differ because ε carries a length
# scale. To agree, the first step in $y$ must be ten times longer, so $\sqrt{\varepsilon_y} = 10\sqrt\varepsilon$:
# $\varepsilon_y = 100\,\varepsilon = 10^{-4}$. Agreement is then approximate, not exact, because the
# same ε also sits in the denominator $\sqrt{(1-\rho)g_y^2 + \varepsilon_y}$, where the rescaling
# would need the opposite factor: the relative error of the first step is about
# $\tfrac12\,\varepsilon_y/((1-\rho)g_y^2)$ against $\tfrac12\,\varepsilon/((1-\rho)g_x^2)$.

# %%
x_path = adadelta_path(numopt.AdaDelta(), 1.0, 300)
y_same = adadelta_path(numopt.AdaDelta(), 10.0, 300)
y_fixed = adadelta_path(numopt.AdaDelta(eps=1e-4), 10.0, 300)
step_x, step_same, step_fixed = (np.abs(p[1] - p[0]) for p in (x_path, y_same, y_fixed))
print("first step in x units: run in x", step_x, " run in y (same eps)", step_same,
      " run in y (eps = 1e-4)", step_fixed)
assert np.allclose(step_same / step_x, 0.1, rtol=1e-3)  # ten times shorter, up to ε's relative size
rho = numopt.AdaDelta().rho
g_y = curv * 1.0 / 10  # |g_y| at the start, per coordinate
bound = 0.5 * 1e-4 / ((1 - rho) * g_y**2)
print("relative first-step mismatch with eps = 1e-4:", np.abs(step_fixed / step_x - 1), "bound", bound)
assert np.all(np.abs(step_fixed / step_x - 1) < bound)
print(f"after 300 steps: |x| = {np.abs(x_path[-1]).max():.3f}, same eps in y {np.abs(y_same[-1]).max():.3f}, "
      f"eps = 1e-4 in y {np.abs(y_fixed[-1]).max():.3f}")
assert np.abs(y_same[-1]).max() > np.abs(x_path[-1]).max()  # the ten-times-shorter steps lag behind

# %% [markdown]
# ## Exercise 2
#
# For a constant $g$, $E[g^2]_t = (1-\rho^t)\,g^2 \to g^2$. Then
# $\Delta_t^2 = (E[\Delta^2]_{t-1} + \varepsilon)\,g^2/(E[g^2]_t + \varepsilon)
# \approx E[\Delta^2]_{t-1} + \varepsilon$ and
#
# $$E[\Delta^2]_t = \rho E[\Delta^2]_{t-1} + (1-\rho)\Delta_t^2 \approx E[\Delta^2]_{t-1} + (1-\rho)\,\varepsilon,$$
#
# a linear growth, so $\Delta_t^2 \approx (1-\rho)\,\varepsilon\, t$ plus a constant from the start:
# the step grows like $\sqrt t$.
# On the quadratic the gradient is not constant: as the iterate approaches the minimum $g$
# shrinks, $\Delta_t$ shrinks in proportion, and the factor ρ makes $E[\Delta^2]$ decay; when the
# iterate overshoots, $E[g^2]$ grows and the ratio shrinks. The feedback that a constant gradient
# lacks is what stops the growth.

# %%
T, g = 10_000, 1.0
opt, theta = numopt.AdaDelta(), np.zeros(1)
E_d2, steps = [], []
for _ in range(T):
    before = theta[0]
    opt.step(theta, np.array([g]))
    steps.append(before - theta[0])
    E_d2.append(opt.state["E_delta2"][0])
increments = np.diff(E_d2)[-1000:]
print(f"mean increment of E[dx^2] over the last 1000 steps: {increments.mean():.4e}; "
      f"(1-rho) eps = {(1 - opt.rho) * opt.eps:.4e}")
assert abs(increments.mean() / ((1 - opt.rho) * opt.eps) - 1) < 1e-3
t = np.arange(1, T + 1)
slope = np.polyfit(t[999:], np.array(steps[999:]) ** 2, 1)[0]
print(f"slope of step^2 against t for t >= 1000: {slope:.4e}; "
      f"step at t = 1e4 {steps[-1]:.4e}, sqrt((1-rho) eps t) = {np.sqrt((1 - opt.rho) * opt.eps * T):.4e}")
assert abs(slope / ((1 - opt.rho) * opt.eps) - 1) < 0.01
assert abs(steps[-1] / np.sqrt((1 - opt.rho) * opt.eps * T) - 1) < 0.05

# %% [markdown]
# ## Exercise 3
#
# The EWMA is worth $(1+\beta)/(1-\beta)$ independent samples, so 100 samples need
# $(1+\beta)/(1-\beta) = 100$, i.e. $\beta = 99/101 \approx 0.9802$. Its window $1/(1-\beta) = 50.5$
# steps is half the sample count. The reason is the geometric tail: Kish's effective sample size of
# weights $w_j$ is $(\sum_j w_j)^2/\sum_j w_j^2$, and for $w_j = (1-\beta)\beta^j$ it is
# $1 \cdot (1-\beta^2)/(1-\beta)^2 = (1+\beta)/(1-\beta)$. The weights within the 1/e cut-off alone are worth
# about 46 samples, close to the window; the many small weights beyond it still average noise out, and
# they double the count. For $g \sim \mathcal N(1, 0.5^2)$,
# $\mathrm{Var}[g^2] = 1.125$ and the standard deviation of $v$ should be $\sqrt{1.125/100} = 0.106$.
# The simulation has about $30000/50 = 600$ independent stretches, so its std is known to a
# few percent; we allow 10%.

# %%
beta = 99 / 101
assert abs(ewma_effective_sample_size(beta) - 100) < 1e-9
w = (1 - beta) * beta ** np.arange(5000)  # the weights, newest first; the tail beyond 5000 is below 1e-40
assert abs(w.sum() ** 2 / (w**2).sum() - 100) < 1e-9  # Kish's formula gives the same 100
cut = int(np.ceil(1 / -np.log(beta)))  # the 1/e cut-off: the ages j < 1/(−ln β) ≈ 50 weigh more than 1/e of the newest
kish_head = w[:cut].sum() ** 2 / (w[:cut] ** 2).sum()
print(f"Kish's n_eff: all weights 100.0, the {cut} weights within the 1/e cut-off alone {kish_head:.1f}")
assert 40 < kish_head < 50.5  # (1 − β^c)²(1 + β)/((1 − β)(1 − β^2c)) with c = 51: about 46
rng = np.random.default_rng(SEED)
g_noisy = 1.0 + 0.5 * rng.standard_normal((30_500, 1))
opt, theta, v = numopt.RMSProp(lr=0.1, beta=beta), np.zeros(1), []
for gk in g_noisy:
    opt.step(theta, gk)
    v.append(opt.state["v"][0])
std = np.std(v[500:])
print(f"beta = {beta:.4f}, window {1 / (1 - beta):.1f} steps: std of v {std:.4f}, sqrt(1.125/100) = "
      f"{np.sqrt(1.125 / 100):.4f}")
assert abs(std / np.sqrt(1.125 / 100) - 1) < 0.1


# %% [markdown]
# ## Lab
#
# The lesson's first attempt borrows Adam's bias correction $v/(1-\beta^t)$. RMSProp has none: its $v$ starts at zero,
# so its first step is $1/\sqrt{1-\beta} \approx 3.2$ times longer than the corrected one. Without it:

# %%
def rmsprop_update(param, grad, state, t, lr=0.01, beta=0.9, eps=1e-8):
    """One RMSProp step: v ← βv + (1 − β)g², θ ← θ − ηg/(√v + ε); returns (new_param, new_state)."""
    v = np.zeros_like(param) if state is None else state
    v = beta * v + (1 - beta) * grad**2
    return param - lr * grad / (np.sqrt(v) + eps), v


print(grade(rmsprop_update, "rmsprop", {"lr": 0.01, "beta": 0.9, "eps": 1e-8}).summary())
assert_matches(rmsprop_update, "rmsprop", {"lr": 0.01, "beta": 0.9, "eps": 1e-8})
