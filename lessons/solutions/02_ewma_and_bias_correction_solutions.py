# %% [markdown]
# # Lesson 02 — Solutions to the exercises
#
# Worked answers to the exercises of
# [lesson 02](../02_ewma_and_bias_correction.ipynb). Each answer derives the result first, then
# checks it with `numopt.theory` and `assert`s.

# %%
import numpy as np

from numopt import theory

rng = np.random.default_rng(2)

# %% [markdown]
# ## Exercise 1
#
# *For $\beta = 1 - 1/n$ the last $n$ observations carry the fraction $1-\beta^n$ of the
# (large-$t$) weight, which tends to $1-1/e$.*
#
# The newest $n$ weights are $(1-\beta)\beta^{j}$ for $j = 0, \dots, n-1$ steps back, a geometric
# sum:
#
# $$\sum_{j=0}^{n-1}(1-\beta)\beta^j = 1-\beta^n .$$
#
# For large $t$ all weights together sum to $1-\beta^t \to 1$, so $1-\beta^n$ is the fraction of
# the weight. With $\beta = 1-1/n$, $\beta^n = (1-1/n)^n \to 1/e$, so the fraction tends to
# $1-1/e \approx 0.632$. From $\ln(1-1/n) = -1/n - 1/(2n^2) - \dots$, the gap is
# $1/e - \beta^n \approx 1/(2en)$: it shrinks like $1/n$, from above.

# %%
shares = {}
for n in (10, 100, 1000):
    beta = 1 - 1 / n
    w = theory.ewma_weights(beta, 50 * n)  # t = 50n: the missing mass β^t ≈ e^-50 is negligible
    shares[n] = w[-n:].sum() / w.sum()
    print(f"n = {n:>4}: last n carry {shares[n]:.6f}; 1 - beta^n = {1 - beta**n:.6f}; "
          f"gap to 1 - 1/e = {shares[n] - (1 - np.exp(-1)):.2e}, 1/(2en) = {1 / (2 * np.e * n):.2e}")

# %%
# Verification
for n, share in shares.items():
    assert abs(share - (1 - (1 - 1 / n) ** n)) < 1e-12
    assert abs((share - (1 - np.exp(-1))) / (1 / (2 * np.e * n)) - 1) < 0.1
assert shares[10] > shares[100] > shares[1000] > 1 - np.exp(-1)

# %% [markdown]
# ## Exercise 2
#
# *A step input ($x_t = 0$ for $t \le 50$, then $1$): after how many steps past the jump does the
# raw EWMA reach $1-1/e$? Compare with $1/(1-\beta)$. Does bias correction matter?*
#
# Before the jump $v_{50} = 0$; $k$ steps after it, $v_{50+k} = (1-\beta)\sum_{j<k}\beta^j = 1-\beta^k$.
# This reaches $1-1/e$ when $\beta^k \le 1/e$, i.e. $k \ge 1/(-\ln\beta)$: 9.49 for $\beta = 0.9$ and
# 99.5 for $\beta = 0.99$, so after $k = 10$ and $k = 100$ steps, exactly $1/(1-\beta)$ (the
# window of lesson 02 §4, read as a response time).
#
# The corrected output is $\hat v_{50+k} = (1-\beta^k)/(1-\beta^{50+k})$. For $\beta = 0.9$ the
# divisor is $1 - 0.9^{60} \approx 0.998$: no visible effect. For $\beta = 0.99$, $t = 50$ is not
# long compared with the window of 100 steps and the divisor is far from 1 ($1 - 0.99^{150}
# \approx 0.78$): the corrected value averages only the 50 zeros that were observed, not an
# imagined zero prehistory, so it reaches $1-1/e$ sooner. The crossing $k$ solves
# $(1-\beta^k)/(1-\beta^{50+k}) \ge 1-1/e$; we find it by evaluating it for every $k$.

# %%
x = np.r_[np.zeros(50), np.ones(400)]
target = 1 - np.exp(-1)
crossings = {}
for beta in (0.9, 0.99):
    v = theory.ewma(x, beta)
    corrected = v / theory.bias_correction(beta, np.arange(1, x.size + 1))
    k_raw = int(np.argmax(v[50:] >= target)) + 1  # v[50] is v_51, one step after the jump
    k_corrected = int(np.argmax(corrected[50:] >= target)) + 1
    crossings[beta] = (k_raw, k_corrected, v, corrected)
    print(f"beta = {beta}: raw reaches 1 - 1/e after {k_raw} steps (1/(1-beta) = {theory.effective_window(beta):g}, "
          f"1/(-ln beta) = {-1 / np.log(beta):.2f}); corrected after {k_corrected} steps")

# %%
# Verification
for beta, (k_raw, _, v, corrected) in crossings.items():
    k = np.arange(1, 401)
    assert np.allclose(v[50:], 1 - beta**k, rtol=1e-12)
    assert np.allclose(corrected[50:], (1 - beta**k) / (1 - beta ** (50 + k)), rtol=1e-12)
    assert k_raw == int(np.ceil(-1 / np.log(beta))) == round(theory.effective_window(beta))
assert crossings[0.9][1] == crossings[0.9][0]  # correction invisible for β = 0.9
assert crossings[0.99][1] < 0.8 * crossings[0.99][0]  # and large for β = 0.99

# %% [markdown]
# ## Exercise 3
#
# *Find $\hat\beta_t$ with $\hat v_t = \hat\beta_t\hat v_{t-1} + (1-\hat\beta_t)x_t$ exactly.*
#
# Divide the raw recursion by $1-\beta^t$ and write $v_{t-1} = (1-\beta^{t-1})\,\hat v_{t-1}$:
#
# $$\hat v_t = \frac{\beta v_{t-1} + (1-\beta)x_t}{1-\beta^t}
#   = \underbrace{\frac{\beta(1-\beta^{t-1})}{1-\beta^t}}_{\hat\beta_t}\,\hat v_{t-1}
#   + \frac{1-\beta}{1-\beta^t}\,x_t .$$
#
# The two coefficients add up to one, $\beta - \beta^t + 1 - \beta = 1 - \beta^t$, so the second
# is $1-\hat\beta_t$: the corrected value *can* be carried as a recursion, provided its decay rate
# changes with $t$. $\hat\beta_1 = 0$ (the first output is $x_1$ itself) and $\hat\beta_t \to \beta$.
# This is Adam's $\hat\beta_{2,t}$ (lesson 06), `theory.adam_beta2_hat`. Doc 003's printed recursion
# (erratum 4) uses $\beta$ and the divisor $1-\beta^t$ instead, which is why it blows up.

# %%
x = rng.normal(40.0, 5.0, size=200)
results = {}
for beta in (0.9, 0.999):
    t = np.arange(1, x.size + 1)
    beta_hat = beta * (1 - beta ** (t - 1)) / (1 - beta**t)
    v_hat, previous = np.empty_like(x), 0.0
    for k, (b, xk) in enumerate(zip(beta_hat, x, strict=True)):
        previous = b * previous + (1 - b) * xk
        v_hat[k] = previous
    reference = theory.ewma(x, beta) / theory.bias_correction(beta, t)
    results[beta] = (beta_hat, v_hat, reference)
    err = np.max(np.abs(v_hat - reference) / np.abs(reference))
    print(f"beta = {beta}: beta_hat_1..3 = {np.round(beta_hat[:3], 6).tolist()}, beta_hat_200 = {beta_hat[-1]:.6f}; "
          f"max rel. difference from v_t/(1 - beta^t) {'below' if err < 1e-12 else 'NOT below'} 1e-12")

# %%
# Verification
for beta, (beta_hat, v_hat, reference) in results.items():
    assert np.allclose(v_hat, reference, rtol=1e-12)
    assert np.allclose(beta_hat, theory.adam_beta2_hat(beta, np.arange(1, x.size + 1)), rtol=1e-12, atol=1e-15)
    assert beta_hat[0] == 0.0 and v_hat[0] == x[0]
