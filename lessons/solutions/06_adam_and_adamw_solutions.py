# %% [markdown]
# # Lesson 06 — Adam and AdamW: worked solutions
#
# One section per exercise of [lesson 06](../06_adam_and_adamw.ipynb). Every claim is checked with an
# `assert` against `numopt`; the closed forms are derived here, not read off numopt's code.

# %%
import numpy as np

import numopt
from numopt.grading import assert_matches, grade
from numopt.theory import bias_correction, ewma_weights

# %% [markdown]
# ## Exercise 1
#
# **The lag of $\hat v_t$ under a drifting gradient $g_t = b\,t$.** With normalised weights
# $w_i = (1-\beta_2)\beta_2^{t-i}/(1-\beta_2^t)$ (they sum to 1) and the age $a = t - i$ of $g_i$,
#
# $$\hat v_t = \sum_i w_i\, b^2 (t-a)^2 = b^2\left(t^2 - 2t\,\mu_1 + \mu_2\right),
# \qquad \mu_k = \sum_i w_i\, a^k .$$
#
# For $t \gg 1/(1-\beta_2)$ the ages are geometric: $\mu_1 = \beta_2/(1-\beta_2) = 999$ and
# $\mu_2 = \beta_2(1+\beta_2)/(1-\beta_2)^2$. Define the lag $L_t$ by $\hat v_t = g_{t-L_t}^2 = b^2(t-L_t)^2$:
#
# $$L_t = t - \sqrt{t^2 - 2t\mu_1 + \mu_2} = \mu_1 - \frac{\mu_2 - \mu_1^2}{2t} + O(t^{-2})
#   \;\longrightarrow\; \frac{\beta_2}{1-\beta_2} = 999 \text{ steps}.$$
#
# So $\hat v_t$ is about **999 steps** behind $g_t^2$ once $t$ is large — the same mean age $\beta/(1-\beta)$ as
# for $\hat m_t$ in section 2, with $\beta_2$ in place of $\beta_1$ — and the approach is slow, since the
# correction $(\mu_2-\mu_1^2)/(2t) = \beta_2/(2t(1-\beta_2)^2)$ is still 100 steps at $t = 5000$.
#
# Check on `numopt.Adam`'s state for 5000 steps against the exact finite sum (no asymptotics), then the
# finite-$t$ lag against the limit.

# %%
b, T, beta2 = 1e-3, 5000, 0.999
opt = numopt.Adam(lr=0.0)  # lr = 0: θ stays put, the state sees exactly the stream we feed
theta = np.zeros(1)
for t in range(1, T + 1):
    opt.step(theta, np.array([b * t]))
v_hat = opt.state["v"][0] / bias_correction(beta2, T)


def lag(t, beta):
    """L_t from the exact normalised weights of the first t observations."""
    w = ewma_weights(beta, t) / bias_correction(beta, t)
    ages = t - np.arange(1, t + 1)
    mu1, mu2 = np.sum(w * ages), np.sum(w * ages**2.0)
    return t - np.sqrt(t * t - 2 * t * mu1 + mu2), mu1, mu2


L_exact, mu1, mu2 = lag(T, beta2)
L_numopt = T - np.sqrt(v_hat) / b
print(f"t = {T}: lag of v_hat behind g_t^2 from numopt's state {L_numopt:.3f} steps, exact sum {L_exact:.3f}")
for t in (5_000, 50_000, 1_000_000):
    print(f"t = {t:>9}: L_t = {lag(t, beta2)[0]:8.3f} steps   (limit beta2/(1 - beta2) = {beta2 / (1 - beta2):.0f})")

# %%
assert abs(L_numopt - L_exact) < 1e-6  # same quantity, different arithmetic: agreement to rounding
L_big, mu1_big, mu2_big = lag(1_000_000, beta2)
assert abs(mu1_big - beta2 / (1 - beta2)) < 1e-6 and abs(mu2_big - beta2 * (1 + beta2) / (1 - beta2) ** 2) < 1e-3
assert abs(L_big - (mu1_big - (mu2_big - mu1_big**2) / (2e6))) < 0.01  # the 1/t expansion
assert 998 < L_big < 999 and abs(L_big - 999) < 1  # → 999 steps

# %% [markdown]
# ## Exercise 2
#
# At $t = 1$, $\hat m_1 = g_1$ and $\hat v_1 = g_1^2$ with either placement, so
#
# $$\text{inside: } \Delta\theta_1 = -\eta\,\frac{g_1}{\sqrt{g_1^2 + \varepsilon}}
#   = -\eta\,\frac{\mathrm{sign}(g_1)}{\sqrt{1 + \varepsilon/g_1^2}}, \qquad
#   \text{outside: } \Delta\theta_1 = -\eta\,\frac{\mathrm{sign}(g_1)}{1 + \varepsilon/|g_1|}.$$
#
# The inside form is $\eta\,\mathrm{sign}(g_1)$ as long as $g_1^2 \gg \varepsilon$ (not $|g_1| \gg \varepsilon$: with
# $\varepsilon = 10^{-8}$ that is $|g_1| \gg 10^{-4}$). The ratio of the two step lengths is
# $r(x) = \sqrt{1+\varepsilon/x^2}\,/\,(1+\varepsilon/x)$ for $x = |g_1|$; for $x \gg \varepsilon$ it is
# $\approx\sqrt{1+\varepsilon/x^2}$, which exceeds 1.01 when $\varepsilon/x^2 > 0.0201$, i.e.
# $|g_1| < \sqrt{\varepsilon/0.0201} \approx 7.05\cdot10^{-4}$. We solve $r(x) = 1.01$ exactly by bisection and test
# the first steps of `numopt.Adam` with both placements just above and below the threshold.

# %%
eps = 1e-8


def ratio(x):
    return np.sqrt(1 + eps / x**2) / (1 + eps / x)


lo, hi = 1e-5, 1e-2  # r(lo) > 1.01 > r(hi); r decreases on this interval
for _ in range(100):
    mid = np.sqrt(lo * hi)
    lo, hi = (mid, hi) if ratio(mid) > 1.01 else (lo, mid)
threshold = np.sqrt(lo * hi)
print(f"the placements differ by 1 % at |g_1| = {threshold:.4e}  (approximation sqrt(eps/0.0201) = "
      f"{np.sqrt(eps / 0.0201):.4e})")


def first_steps(g):
    out = []
    for inside in (False, True):
        theta = np.zeros(g.size)
        numopt.Adam(lr=1.0, eps=eps, eps_in_sqrt=inside).step(theta, g)
        out.append(theta)
    return out


g1 = np.array([1.0, 1e-2, 1.1 * threshold, 0.9 * threshold, 1e-5])
outside, inside = first_steps(g1)
for gi, so, si in zip(g1, outside, inside, strict=True):
    print(f"g_1 = {gi:.3e}: step/eta outside {so:+.6f}, inside {si:+.6f}, ratio - 1 = {so / si - 1:.4f}")

# %%
assert abs(ratio(threshold) - 1.01) < 1e-12 and abs(threshold - np.sqrt(eps / 0.0201)) < 1e-3 * threshold
assert np.allclose(inside, -g1 / np.sqrt(g1**2 + eps), rtol=1e-15) and np.allclose(outside, -g1 / (g1 + eps))
assert abs(inside[0] + 1) < 1e-8  # g² ≫ ε: η·sign(g)
differ = outside / inside - 1
assert differ[2] < 0.01 < differ[3]  # the threshold separates the two numopt runs

# %% [markdown]
# ## Exercise 3
#
# **Argument.** Near equilibrium $\theta$ moves slowly compared with the EWMA windows, so $\hat m_{t,i} \approx E[g_i]$
# and $\hat v_{t,i} \approx E[g_i^2]$ (the windows average the noise). AdamW's expected step is then
# $-\eta\,(E[g_i]/\sqrt{E[g_i^2]} + \lambda\theta_i)$, and at rest
#
# $$\frac{E[g_i]}{\sqrt{E[g_i^2]}} = -\lambda\theta_i
# \quad\Longleftrightarrow\quad
# E[g_i] + \lambda\sqrt{E[g_i^2]}\;\theta_i = 0 ,$$
#
# the stationarity condition of L2 with the per-coordinate strength $\lambda_i = \lambda\sqrt{E[g_i^2]}$.
# For $g_i = a_i(\theta_i - c_i) + \sigma\xi$: $E[g_i] = a_i(\theta_i - c_i)$ and
# $E[g_i^2] = a_i^2(\theta_i - c_i)^2 + \sigma^2$. Without noise ($\sigma = 0$) the left side is $\pm1$ and we get
# back the box minimiser of the lesson; with $\sigma = 1$ the third coordinate ($a = 0.01$, gradient
# $\approx 0.2 \ll \sigma$)
# has $\sqrt{E[g^2]} \approx 1$ and AdamW acts like L2 with $\lambda \approx 0.1$ there: it should stop near 1.8, not
# near 10.
#
# We solve the equation per coordinate by bisection and run `numopt.AdamW(lr=0.01, weight_decay=0.1)` on 64
# independent copies of the problem at once (Adam is elementwise, so the copies do not interact), averaging $\theta$
# over the last 3000 of 6000 steps. The argument neglects the correlation between $\hat m$ and $\hat v$ and
# the noise in $\hat v$, so we expect agreement to a few hundredths, not to the statistical error.

# %%
a_quad, c_quad, lam, sigma = np.array([100.0, 1.0, 0.01]), np.array([0.5, 2.0, 20.0]), 0.1, 1.0


def equilibrium(a, c):
    """θ with a(θ − c)/√(a²(θ − c)² + σ²) + λθ = 0 (increasing in θ), by bisection on [−1/λ, 1/λ]."""
    lo, hi = -1 / lam, 1 / lam
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f = a * (mid - c) / np.sqrt(a**2 * (mid - c) ** 2 + sigma**2) + lam * mid
        lo, hi = (lo, mid) if f > 0 else (mid, hi)
    return 0.5 * (lo + hi)


predicted = np.array([equilibrium(a, c) for a, c in zip(a_quad, c_quad, strict=True)])
strength = lam * np.sqrt(a_quad**2 * (predicted - c_quad) ** 2 + sigma**2)

copies = 64
a_all, c_all = np.tile(a_quad, copies), np.tile(c_quad, copies)
rng = np.random.default_rng(0)
opt = numopt.AdamW(lr=0.01, weight_decay=lam)
theta = np.zeros(3 * copies)
total, count = np.zeros(3 * copies), 0
for k in range(6000):
    opt.step(theta, a_all * (theta - c_all) + sigma * rng.standard_normal(theta.size))
    if k >= 3000:
        total += theta
        count += 1
measured = (total / count).reshape(copies, 3).mean(axis=0)
print(f"predicted equilibrium      {np.array2string(predicted, precision=4)}")
print(f"measured (64 x 3000 steps) {np.array2string(measured, precision=4)}")
print(f"effective L2 strength lambda*sqrt(E[g^2]) {np.array2string(strength, precision=4)}")
print(f"noiseless AdamW limit      {np.array2string(np.clip(c_quad, -1 / lam, 1 / lam), precision=4)}")

# %%
assert np.allclose(a_quad * c_quad / (a_quad + strength), predicted, rtol=1e-12)  # it is L2 with λ_i
assert np.all(np.abs(measured - predicted) < 0.03)
assert measured[2] < 2.5  # far from the noiseless box minimiser 10: the noise turned AdamW into L2


# %% [markdown]
# ## Lab
#
# The lesson's first attempt corrects $m$ but not $v$: early on $v$ is $1-\beta_2^t$ times too small, so the first
# step is about $\eta/\sqrt{1-\beta_2} \approx 32\,\eta$ instead of $\eta$. Both moments are corrected:

# %%
def adam_update(param, grad, state, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (§1's box); state is the pair (m, v); returns (new_param, new_state)."""
    m, v = (np.zeros_like(param), np.zeros_like(param)) if state is None else state
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v)


print(grade(adam_update, "adam", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}).summary())
assert_matches(adam_update, "adam", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8})
