# %% [markdown]
# # Lesson 11 — Warm-up and RAdam: worked solutions
#
# One section per exercise of [lesson 11](../11_warmup_and_radam.ipynb). Every claim is checked with an `assert`.

# %%
import math

import numpy as np

import numopt
from numopt.theory import adaptive_rate_variance, bias_correction, radam_rectification, sma_length

# %% [markdown]
# ## Exercise 1
#
# With the normalised weights $w_i = (1-\beta_2)\beta_2^{t-i}/(1-\beta_2^t)$, $\sum w_i = 1$ and
#
# $$\sum_i w_i^2 = \frac{(1-\beta_2)^2}{(1-\beta_2^t)^2}\cdot\frac{1-\beta_2^{2t}}{1-\beta_2^2}
# \quad\Longrightarrow\quad
# n_t = \frac{(1-\beta_2^t)^2\,(1+\beta_2)}{(1-\beta_2)(1-\beta_2^{2t})}
# \;\longrightarrow\; \frac{1+\beta_2}{1-\beta_2} = \frac{2}{1-\beta_2} - 1 = \rho_\infty .$$
#
# Both counts agree at $t = 1$ ($n_1 = 1 = \rho_1$) and at $t \to \infty$; in between $n_t \ge \rho_t$. The predicted
# variances agree within 1 % for $t \le 50$ and part most, by about 10 %, around $t \approx 1/(1-\beta_2)$, where
# $\hat v_t$ is neither a running mean nor a stationary EWMA.

# %%
beta2 = 0.999
t = np.arange(3, 5001)
n_t = bias_correction(beta2, t) ** 2 * (1 + beta2) / ((1 - beta2) * bias_correction(beta2, 2 * t))
rho_t = sma_length(beta2, t)
var_n = np.array([adaptive_rate_variance(n) for n in n_t])
var_rho = np.array([adaptive_rate_variance(r) for r in rho_t])
relative = np.abs(var_n / var_rho - 1)
print(f"n_inf = {(1 + beta2) / (1 - beta2):.1f}, rho_inf = {2 / (1 - beta2) - 1:.1f}")
print(f"largest relative difference of Var[psi] at n_t and at rho_t, t = 3..5000: {relative.max():.3f}")
print(f"at t = 3, 10, 100, 5000: {np.array2string(relative[[0, 7, 97, -1]], precision=4)}")

# %%
w = (1 - beta2) * beta2 ** np.arange(200)[::-1] / bias_correction(beta2, 200)  # t = 200, written out
assert abs(w.sum() ** 2 / (w @ w) - n_t[200 - 3]) < 1e-9 * n_t[200 - 3]
assert abs((1 + beta2) / (1 - beta2) - (2 / (1 - beta2) - 1)) < 1e-9
assert np.all(n_t >= rho_t - 1e-9)
assert 0.05 < relative.max() < 0.2 and 1000 < t[np.argmax(relative)] < 2000  # the counts part most mid-way
assert np.all(relative[:48] < 0.01)  # t ≤ 50: within 1 %

# %% [markdown]
# ## Exercise 2
#
# $r_t$ increases with $t$, so the first step above a level is found by a search over $t$. The linear warm-up over
# $T_w = 2/(1-\beta_2)$ steps reaches the level $q$ at $t = q\,T_w$.

# %%
first = {}
for b2 in (0.99, 0.999):
    steps = np.arange(1, 200_001)
    r = radam_rectification(b2, steps)
    for level in (0.5, 0.9):
        k = int(np.argmax(np.nan_to_num(r) > level))  # r is NaN (no rectification) while ρ_t ≤ 4
        first[b2, level] = (steps[k], r[k - 1], r[k])
        print(f"beta2 = {b2}: r_t > {level} first at t = {steps[k]:6d};   linear warm-up over 2/(1 - beta2) "
              f"reaches {level} at t = {level * 2 / (1 - b2):.0f}")

# %%
for (b2, level), (k, before, after) in first.items():
    assert before < level - 1e-6 and after > level + 1e-6  # no near-tie decides the step
    assert 0.4 < k * (1 - b2) / 2 / level < 1.6  # the same order as the linear warm-up, within a factor 1.6

# %% [markdown]
# ## Exercise 3
#
# With $g = \pm1$, $g^2 = 1$ always, so $\hat v_t = 1$ exactly and $\psi_t = 1$: **no variance at all**. But
# $\hat m_1 = g_1$, so the first move is still $\eta$ in every coordinate, and later $m_t$ is again a weighted sum of
# independent $\pm(1-\beta_1)\beta_1^{k}$ terms with variance $(1-\beta_1)/(1+\beta_1)$, nearly Gaussian, so the late
# move is again about $0.18\,\eta$. The first moves are large without any variance in the adaptive rate: Ma & Yarats'
# explanation (the size of the update) survives, Liu et al.'s (the variance of $\psi_t$) does not cover this case.
# RAdam still helps here, because its $r_t$ does not look at the data.

# %%
rng = np.random.default_rng(0)
n, T = 100_000, 200
opt = numopt.Adam(lr=0.0)
theta = np.zeros(n)
moves, psi_spread = {}, 0.0
for step in range(1, T + 1):
    opt.step(theta, rng.choice([-1.0, 1.0], size=n))
    m_hat = opt.state["m"] / bias_correction(opt.beta1, step)
    v_hat = opt.state["v"] / bias_correction(opt.beta2, step)
    psi_spread = max(psi_spread, float(np.ptp(1 / np.sqrt(v_hat))))
    moves[step] = np.mean(np.abs(m_hat / (np.sqrt(v_hat) + opt.eps)))
late = math.sqrt(2 / math.pi) * math.sqrt((1 - opt.beta1) / (1 + opt.beta1))
print(f"Rademacher gradients: largest spread of psi_t over all steps < 1e-12: {psi_spread < 1e-12}")
print(f"mean move / eta: t = 1: {moves[1]:.4f}, t = 200: {moves[T]:.4f} (Gaussian-limit prediction {late:.4f})")

# %%
assert psi_spread < 1e-12  # ψ_t = 1 in every coordinate, up to rounding
assert abs(moves[1] - 1) < 1e-6 and abs(moves[T] / late - 1) < 0.03
