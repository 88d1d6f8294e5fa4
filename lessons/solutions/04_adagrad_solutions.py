# %% [markdown]
# # Lesson 04 — worked solutions
#
# Each answer derives the result, then checks it numerically with `numopt.AdaGrad`.

# %%
import numpy as np

import numopt
from numopt.grading import assert_matches, grade
from numopt.runner import effective_rates

SEED = 0


# %% [markdown]
# ## Exercise 1
#
# With $g_k = k^{-1/2}$, $v_t = \sum_{k\le t} 1/k = H_t$, the harmonic number, and
# $H_t = \ln t + \gamma + \frac{1}{2t} + O(t^{-2})$ with Euler's $\gamma = 0.5772$. So
# $v_t \approx \ln t$ and the rate $\eta/\sqrt{H_t}$ decays only like $1/\sqrt{\ln t}$: from
# $t = 10^2$ to $10^4$ it falls by about a quarter, not by the factor 10 of a constant gradient. Near an
# optimum the gradients shrink, so $v$ nearly stops growing: AdaGrad's rate freezes at the level
# the early, large gradients set, instead of adapting to the small ones.

# %%
eta, T = 0.1, 10_000
t = np.arange(1, T + 1)
rates = effective_rates(numopt.AdaGrad(lr=eta), (1 / np.sqrt(t))[:, None])[:, 0]
harmonic = np.cumsum(1.0 / t)
err = np.max(np.abs(rates - eta / (np.sqrt(harmonic) + numopt.AdaGrad().eps)) / rates)
print(f"max relative error against eta/sqrt(H_t): {err:.1e}")
assert err < 1e-12
asymptotic = np.log(t) + np.euler_gamma + 1 / (2 * t)
assert np.max(np.abs(harmonic - asymptotic)[9:]) < 1e-3  # the O(1/t²) remainder, from t = 10
print(f"rate ratio t = 1e4 / t = 1e2: {rates[-1] / rates[99]:.3f} "
      f"(sqrt(H_100/H_10000) = {np.sqrt(harmonic[99] / harmonic[-1]):.3f}; constant gradient: 0.1)")
assert 0.65 < rates[-1] / rates[99] < 0.75

# %% [markdown]
# ## Exercise 2
#
# The coordinate's $v_t$ is the number $n_t$ of steps on which $g = 1$ arrived, a binomial count
# with mean $pt$ and standard deviation $\sqrt{pt(1-p)}$. Its rate is $\eta/\sqrt{n_t} \approx \eta/\sqrt{pt}$,
# against $\eta/\sqrt t$ for a coordinate that receives $g = 1$ every step: $1/\sqrt p$ times
# larger, 10 for $p = 0.01$ and 3.16 for $p = 0.1$. With $pt = 100$ the count is known to 10%, so
# the rate to about 5%; we allow three standard deviations.

# %%
rng = np.random.default_rng(SEED)
for p in (0.01, 0.1):
    present = (rng.random(T) < p).astype(float)
    grads = np.column_stack([present, np.ones(T)])  # coordinate 0: sparse; coordinate 1: every step
    opt, theta = numopt.AdaGrad(lr=eta), np.zeros(2)
    for g in grads:
        opt.step(theta, g)
    before = theta.copy()
    opt.step(theta, np.ones(2))  # one more step with g = 1 on both: its length is the rate
    rate = before - theta
    sd = np.sqrt(p * T * (1 - p))
    print(f"p = {p}: rate {rate[0]:.5f} (eta/sqrt(pt) = {eta / np.sqrt(p * T):.5f}), "
          f"every-step coordinate {rate[1]:.5f}, ratio {rate[0] / rate[1]:.2f} (1/sqrt(p) = {1 / np.sqrt(p):.2f})")
    assert abs(rate[1] - eta / np.sqrt(T + 1)) < 1e-12
    assert abs(np.sqrt(p * T) * rate[0] / eta - 1) < 1.5 * sd / (p * T)  # 3 sd of n_t halve under the root
    assert abs(rate[0] / rate[1] * np.sqrt(p) - 1) < 1.5 * sd / (p * T) + 1e-3


# %% [markdown]
# ## Exercise 3
#
# Minimise $F(s) = \sum_i v_i/s_i$ subject to $\sum_i s_i = c$, $s > 0$ (with $v_i = v_{t,i} > 0$). $F$ is convex
# on $s > 0$, so a stationary point of the Lagrangian $\sum_i v_i/s_i + \mu(\sum_i s_i - c)$ is the minimum:
# $-v_i/s_i^2 + \mu = 0$, so $s_i = \sqrt{v_i/\mu} \propto \sqrt{v_i}$, and the trace fixes
# $s_i = c\sqrt{v_i}/\sum_j\sqrt{v_j}$, where $F = (\sum_i \sqrt{v_i})^2/c$. That is AdaGrad's $\sqrt{v_t}$, up to the
# scale that $\eta$ absorbs. (By Cauchy–Schwarz, $(\sum_i\sqrt{v_i})^2 = (\sum_i \sqrt{v_i/s_i}\sqrt{s_i})^2
# \le F(s)\,c$ for every admissible $s$: the same bound, with equality only at $s \propto \sqrt v$.)
#
# On 200 random gradients in 6 coordinates of different scales: $F$ at $s \propto \sqrt v$ against $(\sum\sqrt v)^2/c$,
# and against 1,000 random diagonals of the same trace, and a few named ones.

# %%
rng = np.random.default_rng(SEED)
g = rng.standard_normal((200, 6)) * np.array([0.01, 0.1, 1.0, 1.0, 10.0, 100.0])
v = (g**2).sum(axis=0)
c = 1.0


def trace_sum(s):
    """Σ_t g_tᵀ diag(s)⁻¹ g_t = Σ_i v_i / s_i."""
    return np.sum(g**2 / s)


adagrad_s = c * np.sqrt(v) / np.sqrt(v).sum()
others = c * rng.dirichlet(np.ones(6), size=1000)  # random positive s with Σ s = c
named = {"identity (SGD)": np.full(6, c / 6), "s ∝ v": c * v / v.sum(), "s ∝ v^(1/4)": c * v**0.25 / (v**0.25).sum()}
print(f"F at s ∝ sqrt(v): {trace_sum(adagrad_s):.6g}; (Σ sqrt v)²/c = {np.sqrt(v).sum() ** 2 / c:.6g}")
for name, s in named.items():
    print(f"F at {name:<15}: {trace_sum(s):.6g}")
print(f"smallest F over 1,000 random diagonals of trace c: {min(trace_sum(s) for s in others):.6g}")

# %%
# Verification
assert abs(trace_sum(adagrad_s) / (np.sqrt(v).sum() ** 2 / c) - 1) < 1e-12
assert all(trace_sum(s) > trace_sum(adagrad_s) for s in [*named.values(), *others])


# %% [markdown]
# ## Lab
#
# The lesson's first attempt puts ε inside the root, doc 003's placement (erratum 2, §4): the same steps for ordinary
# gradients, frozen coordinates for $|g| \lesssim \sqrt\varepsilon$, which the grader's tiny-gradient cases catch. ε
# goes outside:

# %%
def adagrad_update(param, grad, state, t, lr=0.1, eps=1e-10):
    """One AdaGrad step: v ← v + g², θ ← θ − ηg/(√v + ε); returns (new_param, new_state)."""
    v = (np.zeros_like(param) if state is None else state) + grad**2
    return param - lr * grad / (np.sqrt(v) + eps), v


print(grade(adagrad_update, "adagrad", {"lr": 0.1, "eps": 1e-10}).summary())
assert_matches(adagrad_update, "adagrad", {"lr": 0.1, "eps": 1e-10})
