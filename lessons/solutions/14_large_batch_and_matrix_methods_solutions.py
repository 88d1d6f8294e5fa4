# %% [markdown]
# # Lesson 14 — Large-batch and matrix methods: worked solutions
#
# One section per exercise of [lesson 14](../14_large_batch_and_matrix_methods.ipynb). Every claim is checked with an
# `assert`.

# %%
import numpy as np

import numopt
from numopt.muon import NS_COEFFICIENTS
from numopt.problems import MLP

# %% [markdown]
# ## Exercise 1
#
# With $\lambda = 0$ LARS adds $\eta q g = \eta\kappa\lVert W\rVert\,g/\lVert g\rVert$ to the momentum buffer: the
# gradient enters only through its direction $g/\lVert g\rVert$, which does not change when the loss, and so every
# gradient, is
# multiplied by $c > 0$. If the two runs are at the same point, they take the same step; by induction they stay
# together for ever. (The two computations round differently, so they agree to rounding, not bit for bit.) One
# exception: an array whose norm is 0, like the MLP's biases at initialisation, has no trust ratio, and numopt's LARS
# gives it the local rate 1, which is not scale-free. We start from biases of 0.1.

# %%
mlp = MLP()


def start():
    return {k: (v if k.startswith("W") else np.full_like(v, 0.1)) for k, v in mlp.init(0).items()}


def lars_path(scale, steps=50):
    params = start()
    opt = numopt.LARS(lr=1.0, weight_decay=0.0)
    for _ in range(steps):
        opt.step(params, {k: scale * v for k, v in mlp.grad(params).items()})
    return params


plain, loud = lars_path(1.0), lars_path(100.0)
gap = max(np.max(np.abs(plain[k] - loud[k])) for k in plain)
moved = max(np.max(np.abs(plain[k] - start()[k])) for k in plain)
print(f"50 LARS steps with the loss and with 100 x the loss: the paths agree to rounding: {gap < 1e-9 * moved}")

# %%
assert moved > 1e-3 and gap < 1e-9 * moved

# %% [markdown]
# ## Exercise 2
#
# For a constant gradient the decay rate only averages equal values (its first weight is 1), so $R$ and $C$ are the
# row and column means of $g^2$. If $g^2 = p\,q^\top$, then $R = p\,\bar q$, $C = \bar p\,q$ and
# $\mathrm{mean}(R) = \bar p\,\bar q$ (bars are means), so $RC^\top/\mathrm{mean}(R) = p\,q^\top = g^2$. For
# $g = ab^\top + \delta E$ the error grows with $\delta$, roughly in proportion while $\delta$ is small.

# %%
rng = np.random.default_rng(0)
n, m = 64, 32
a, b, noise = rng.standard_normal(n), rng.standard_normal(m), rng.standard_normal((n, m))
errors = {}
for delta in (1e-3, 1e-2, 1e-1):
    g = np.outer(a, b) + delta * noise
    opt, w = numopt.Adafactor(), rng.standard_normal((n, m))
    for _ in range(10):
        opt.step(w, g)
    v_hat = opt.state["r"] * opt.state["c"] / opt.state["r"].mean()
    errors[delta] = np.linalg.norm(v_hat - g**2) / np.linalg.norm(g**2)
    print(f"delta = {delta:g}: relative error of V_hat {errors[delta]:.2e}")

# %%
assert errors[1e-3] < errors[1e-2] < errors[1e-1]
assert 3 < errors[1e-2] / errors[1e-3] < 30  # about proportional to δ while δ is small
assert errors[1e-3] < 0.01

# %% [markdown]
# ## Exercise 3
#
# While $\sigma$ is small both polynomials multiply it by their linear coefficient: 3.4445 for the quintic, 1.5 for the
# cubic. From $10^{-3}$ to 0.5 takes about $\ln 500/\ln 3.4445 \approx 5$ quintic iterations but
# $\ln 500/\ln 1.5 \approx 15$ cubic ones, plus one or two where the growth slows: the quintic buys speed with its
# inexact limit.

# %%
def iterations_to(poly, target=0.5, sigma=1e-3):
    values = [sigma]
    while values[-1] <= target:
        values.append(poly(values[-1]))
    return len(values) - 1, values


a3, b3, c3 = NS_COEFFICIENTS
quintic = iterations_to(lambda x: a3 * x + b3 * x**3 + c3 * x**5)
cubic = iterations_to(lambda x: 1.5 * x - 0.5 * x**3)
print(f"quintic: {quintic[0]} iterations; cubic: {cubic[0]} iterations")

# %%
for _, values in (quintic, cubic):
    assert values[-2] < 0.5 - 1e-3 and values[-1] > 0.5 + 1e-3  # no near-tie decides the count
assert quintic[0] in (5, 6) and cubic[0] in (15, 16, 17)
