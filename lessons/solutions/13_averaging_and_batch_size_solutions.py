# %% [markdown]
# # Lesson 13 — Averaging and batch size: worked solutions
#
# One section per exercise of [lesson 13](../13_averaging_and_batch_size.ipynb), on the same problem:
# $J(\theta) = \frac12\sum_i\lambda_i\theta_i^2$ with $\lambda = (1, 0.1)$, gradient noise $\sigma = 1$. Every claim is
# checked with an `assert`.

# %%
import numpy as np

import numopt
from numopt import theory

lam, sigma = np.array([1.0, 0.1]), 1.0
replicas = 2000
lam_all = np.tile(lam, replicas)


def run_averages(lr, steps, e0, tail, beta_ema, seed=0):
    """numopt.SGD on `replicas` copies; the losses of the average of the last `tail` iterates and of the EMA."""
    rng = np.random.default_rng(seed)
    opt, theta = numopt.SGD(lr=lr), np.full(lam_all.size, e0)
    total, ema = np.zeros_like(theta), np.zeros_like(theta)
    for step in range(1, steps + 1):
        opt.step(theta, lam_all * theta + sigma * rng.standard_normal(theta.size))
        if step > steps - tail:
            total += theta
        ema = beta_ema * ema + (1 - beta_ema) * theta
    ema /= theory.bias_correction(beta_ema, steps)
    return [0.5 * np.sum(lam_all * x**2) / replicas for x in (total / tail, ema)]


# %% [markdown]
# ## Exercise 1
#
# Average the last $m$ of $n$ iterates. With $e_t = a^t e_0 - \eta\sum_{k\le t}a^{t-k}\xi_k$,
#
# $$E[\bar e] = \frac{e_0}{m}\sum_{t=n-m+1}^{n} a^t = \frac{e_0\,a^{n-m+1}(1-a^m)}{m(1-a)},$$
#
# which for $m = n/2$ decays like $a^{n/2}$, exponentially, instead of the full average's $1/(n\eta\lambda)$. The noise
# $\xi_k$ enters with the weight $\frac{\eta}{m}\sum_{t=\max(k,\,n-m+1)}^{n}a^{t-k}$, i.e.
# $\frac{\eta}{m}a^{n-m+1-k}\frac{1-a^m}{1-a}$ for $k \le n-m$ and $\frac{\eta}{m}\frac{1-a^{n-k+1}}{1-a}$ after. The
# variance is $\sigma^2$ times the sum of the squared weights, about $\sigma^2/(\lambda^2 m)$: **twice** the full
# average's. So tail averaging wins only when the start's bias matters more than a factor 2 in variance.

# %%
def tail_average_loss(lr, n, m, e0):
    """Expected loss of the average of θ_{n−m+1}..θ_n (closed form above)."""
    total = 0.0
    for a, lam_i in zip(1 - lr * lam, lam, strict=True):
        mean = e0 * a ** (n - m + 1) * (1 - a**m) / (m * (1 - a))
        k = np.arange(1, n + 1)
        w = lr / m * np.where(k <= n - m, a ** (n - m + 1 - k) * (1 - a**m), 1 - a ** (n - k + 1)) / (1 - a)
        total += 0.5 * lam_i * (mean**2 + sigma**2 * np.sum(w**2))
    return total


results = {}
for e0 in (1.0, 10.0):
    results[e0] = (tail_average_loss(0.02, 4000, 2000, e0), theory.sgd_averaged_loss(0.02, lam, sigma**2, e0, 4000))
    print(f"eta = 0.02, n = 4000, e0 = {e0:4}: last half averaged {results[e0][0]:.5f}, all averaged "
          f"{results[e0][1]:.5f}")
measured_tail, _ = run_averages(0.02, 4000, 10.0, tail=2000, beta_ema=0.99)
print(f"run, e0 = 10: last half averaged {measured_tail:.5f}")

# %%
assert abs(tail_average_loss(0.02, 4000, 4000, 10.0) / results[10.0][1] - 1) < 1e-9  # m = n: the full average
assert results[1.0][0] > results[1.0][1]  # e0 = 1: the doubled variance costs more than the bias saves
assert results[10.0][0] < 0.5 * results[10.0][1]  # e0 = 10: the bias dominates, tail averaging wins
assert abs(measured_tail / results[10.0][0] - 1) < 0.1

# %% [markdown]
# ## Exercise 2
#
# The EMA's stationary loss is $\sum_i r_i(\beta)\,\eta\sigma^2/(2(2-\eta\lambda_i))$ with lesson 13's ratio
# $r(\beta) = (1-\beta)(1+a\beta)/((1+\beta)(1-a\beta))$, which decreases to 0 as $\beta \to 1$. So there is a
# $\beta$, found by bisection: its window $1/(1-\beta)$ comes out at a few hundred steps, a sizeable fraction of the
# $n = 1000$ iterates the average uses. An EMA matches the average only by averaging about as long.

# %%
eta = 0.1
a = 1 - eta * lam
target = theory.sgd_averaged_loss(eta, lam, sigma**2, 1.0, 1000)


def ema_loss(beta):
    ratio = (1 - beta) * (1 + a * beta) / ((1 + beta) * (1 - a * beta))
    return float(np.sum(ratio * eta * sigma**2 / (2 * (2 - eta * lam))))


lo, hi = 0.9, 1 - 1e-9  # ema_loss(lo) > target > ema_loss(hi)
for _ in range(100):
    mid = 0.5 * (lo + hi)
    lo, hi = (mid, hi) if ema_loss(mid) > target else (lo, mid)
beta_match = 0.5 * (lo + hi)
_, measured_ema = run_averages(eta, 4000, 1.0, tail=4000, beta_ema=beta_match)
print(f"beta = {beta_match:.5f} (window {1 / (1 - beta_match):.0f} steps): EMA loss {ema_loss(beta_match):.5f} "
      f"= Polyak-Ruppert average of 1000 iterates {target:.5f}; measured after 4000 steps {measured_ema:.5f}")

# %%
assert abs(ema_loss(beta_match) / target - 1) < 1e-9
assert 200 < 1 / (1 - beta_match) < 1000
assert abs(measured_ema / target - 1) < 0.1  # the start is forgotten by t = 4000: stationary prediction holds

# %% [markdown]
# ## Exercise 3
#
# From `theory.sgd_expected_loss` with $\eta = 0.05B$: for $\lambda_{\max} = 1$ the samples stay within $1.2\times$ up
# to $B = 4$ ($\eta\lambda_{\max} = 0.2$). For $\lambda_{\max} = 10$ already $B = 2$ needs nearly twice the samples, and
# $B = 4$ diverges ($\eta\lambda_{\max} = 2$): the critical batch is set by $\eta\lambda_{\max}$, so ten times the
# curvature moves it down to $B = 1$.

# %%
critical = {}
for lam_max in (1.0, 10.0):
    lams = np.array([lam_max, 0.1])
    goal = 1.5 * theory.sgd_noise_floor(0.05, lams, sigma**2)
    samples = {}
    for batch in (1, 2, 4, 8, 16, 32, 64):
        lr = 0.05 * batch
        if np.any(lr * lams >= 2):
            samples[batch] = np.inf  # beyond the stability limit
            continue
        curve = theory.sgd_expected_loss(lr, lams, sigma**2 / batch, 1.0, 20_000)
        reached = np.flatnonzero(curve <= goal)
        samples[batch] = int(batch * reached[0]) if reached.size else np.inf
    critical[lam_max] = max(b for b, s in samples.items() if s <= 1.2 * samples[1])
    print(f"lambda_max = {lam_max:4}: samples to target {samples}; largest B within 1.2x: {critical[lam_max]}")
    if lam_max == 1.0:
        assert samples[4] < 1.12 * samples[1] and samples[8] > 1.22 * samples[1]  # no near-tie at the 1.2 cut

# %%
assert critical == {1.0: 4, 10.0: 1}
