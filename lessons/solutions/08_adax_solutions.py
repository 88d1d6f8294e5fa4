# %% [markdown]
# # Lesson 08 — AdaX: worked solutions
#
# One section per exercise of [lesson 08](../08_adax.ipynb). Every claim is checked with an `assert`; the closed
# forms are derived here, not read off numopt's code.

# %%
import math

import numpy as np

import numopt
from numopt import theory
from numopt.grading import assert_matches, grade
from numopt.problems import Reddi
from numopt.runner import run

rng = np.random.default_rng(8)

# %% [markdown]
# ## Exercise 1
#
# AdaX's $\hat v_t = \sum_k w_k g_k^2$ with $w_k = \beta_2(1+\beta_2)^{t-k}/((1+\beta_2)^t - 1)$. For fixed $t$ and
# $\beta_2 \to 0$: $(1+\beta_2)^{t-k} = 1 + O(\beta_2)$ and $(1+\beta_2)^t - 1 = t\beta_2 + O(\beta_2^2)$, so
#
# $$w_k = \frac{\beta_2\,(1 + O(\beta_2))}{t\beta_2\,(1 + O(\beta_2))} \;\to\; \frac1t, \qquad
#   \hat v_t \to \frac1t\sum_{k=1}^t g_k^2 ,$$
#
# the arithmetic mean of the squared gradients; more precisely $|t\,w_k - 1| \le (1+\beta_2)^{t-1} - 1 \approx
# (t-1)\beta_2$. **AdaGrad** (lesson 04) keeps $v_t = \sum_{k\le t} g_k^2 = t\cdot$ (that mean): AdaX with a tiny
# $\beta_2$ normalises by $\sqrt{v_t/t}$ where AdaGrad normalises by $\sqrt{v_t}$, so its steps do not decay like
# $1/\sqrt t$.
#
# Check: the weights for shrinking $\beta_2$, and `numopt.AdaX(beta2=1e-10)`'s $\hat v$ against `numopt.AdaGrad`'s
# $v/t$ on the same 50 random gradients.

# %%
t_fixed = 50
for beta2 in (1e-2, 1e-4, 1e-6, 1e-8):
    gap = np.max(np.abs(t_fixed * theory.adax_weights(beta2, t_fixed) - 1))
    print(f"beta2 = {beta2:.0e}: max |t w_k - 1| = {gap:.2e}   bound (1+beta2)^(t-1) - 1 = "
          f"{(1 + beta2) ** (t_fixed - 1) - 1:.2e}")
    assert gap <= (1 + beta2) ** (t_fixed - 1) - 1 + 1e-12

grads = rng.standard_normal((t_fixed, 4)) * np.array([1.0, 10.0, 0.1, 1e-3])
adax, adagrad = numopt.AdaX(lr=0.0, beta2=1e-10), numopt.AdaGrad(lr=0.0)
theta_x, theta_g = np.zeros(4), np.zeros(4)
for g in grads:
    adax.step(theta_x, g)
    adagrad.step(theta_g, g)
v_hat_adax = adax.state["v_hat"]  # numopt's AdaX keeps v̂ = v / ((1 + β2)ᵗ − 1) itself
mean_sq = np.mean(grads**2, axis=0)
print("AdaX v_hat / (AdaGrad v / t) - 1:", np.array2string(v_hat_adax / (adagrad.state["v"] / t_fixed) - 1,
                                                           precision=2))

# %%
assert np.allclose(adagrad.state["v"], t_fixed * mean_sq, rtol=1e-13)  # AdaGrad keeps t × the mean
assert np.allclose(v_hat_adax, mean_sq, rtol=1e-8)  # β2 = 1e-10: within ~(t−1)β2 plus the digits lost in expm1

# %% [markdown]
# ## Exercise 2
#
# The newest weight over the oldest is $w_t/w_1 = (1+\beta_2)^{-(t-1)}$. It reaches $\frac12$ when
#
# $$(1+\beta_2)^{t-1} = 2 \iff t = 1 + \frac{\ln 2}{\ln(1+\beta_2)} \approx 1 + \frac{\ln 2}{\beta_2}.$$
#
# For $\beta_2 = 10^{-4}$: $t = 1 + 6931.8 = 6932.8$, so from step **6933** on the newest gradient weighs at most half
# as much as the oldest. (The same $\ln 2/\ln(1+\beta_2)$ is where $B_t = (1+\beta_2)^t - 1$ passes 1, the step at
# which the authors' $\epsilon'$ of lesson 08 §5 crosses $\epsilon$.)

# %%
beta2 = 1e-4
t_half = 1 + math.log(2) / math.log1p(beta2)
print(f"t_half = {t_half:.3f}  (1 + ln2/beta2 = {1 + math.log(2) / beta2:.3f})")
for t in (6932, 6933):
    w = theory.adax_weights(beta2, t)
    print(f"t = {t}: newest/oldest weight = {w[-1] / w[0]:.6f}")

# %%
assert 6932 < t_half < 6933
w_before, w_after = theory.adax_weights(beta2, 6932), theory.adax_weights(beta2, 6933)
assert w_before[-1] / w_before[0] > 0.5 >= w_after[-1] / w_after[0]
assert abs(t_half - (1 + math.log(2) / beta2)) < 0.5  # ln(1+β2) ≈ β2(1 − β2/2): a shift of ln2/2 ≈ 0.35

# %% [markdown]
# ## Exercise 3
#
# **Measurement.** In setting (a) (C = 3, period 3, $\beta_1 = 0$, $\eta_t = 0.1/\sqrt t$, 3000 steps) Adam with
# $\beta_2 = 0.3$ still fails (it drifts up to $x \approx 0.9$), while 0.9, 0.99 and 0.999 all end at $x = -1$: the
# failure of Theorem 1's $\beta_2 = 1/(1+C^2) = 0.1$ is gone at 0.9 on this instance (not on every instance:
# Reddi et al. give a failing one for every $\beta_2 < 1$, and the lesson's setting (c) fails at $\beta_2 = 0.99$).
#
# **Threshold.** With $\beta_1 = 0$ every step is $-\eta_t\,g_t/\sqrt{\hat v_t}$. Once the bias correction has died
# out, $v$ is periodic: after the step with gradient $C$ it is $v_1$, then $v_2 = \beta_2 v_1 + (1-\beta_2)$ and
# $v_3 = \beta_2 v_2 + (1-\beta_2)$, and $v_1 = \beta_2 v_3 + (1-\beta_2)C^2$ closes the cycle:
#
# $$v_1 = \frac{C^2 + \beta_2 + \beta_2^2}{1 + \beta_2 + \beta_2^2}.$$
#
# Over one period ($\eta$ nearly constant) $x$ moves by $\eta\,D(\beta_2)$ with
# $D = -C/\sqrt{v_1} + 1/\sqrt{v_2} + 1/\sqrt{v_3}$. If $D > 0$ Adam drifts up to $+1$; if $D < 0$, down to $-1$. The
# root $\beta_2^\ast$ of $D$ is the threshold. In terms of memory: $1/(1-\beta_2^\ast) \approx 2$ steps is shorter
# than the period 3. With a memory shorter than the period, $v$ has forgotten most of $C^2$ by the two small
# gradients, which are then divided by a small $\sqrt v$ and win; with a memory of several periods, $v$ is nearly
# constant ($\approx (C^2+2)/3$) and every step is proportional to the true gradient, so the period's net step is
# $-(C-2)\eta/\sqrt v < 0$.
#
# Close to the threshold $|D|$ is small and Adam drifts the predicted way only slowly: 0.05 either side of
# $\beta_2^\ast$ it is still far from $\pm1$ after 3000 steps.

# %%
C = 3.0


def drift(b):
    """D(β2): the periodic steady state's net movement per period, in units of η."""
    v1 = (C * C + b + b * b) / (1 + b + b * b)
    v2 = b * v1 + (1 - b)
    v3 = b * v2 + (1 - b)
    return -C / math.sqrt(v1) + 1 / math.sqrt(v2) + 1 / math.sqrt(v3)


lo, hi = 0.1, 0.9  # D(0.1) > 0 (Theorem 1 fails), D(0.9) < 0
for _ in range(60):
    mid = 0.5 * (lo + hi)
    lo, hi = (mid, hi) if drift(mid) > 0 else (lo, mid)
threshold = 0.5 * (lo + hi)
print(f"threshold beta2* = {threshold:.4f}, memory 1/(1 - beta2*) = {1 / (1 - threshold):.2f} steps (period 3)")


def x_final(beta2):
    trajectory = run(numopt.Adam(lr=lambda t: 0.1 / math.sqrt(t), beta1=0.0, beta2=beta2), Reddi(C=C), 3_000)
    return trajectory.params[-3:, 0].mean()


measured = {b: x_final(b) for b in (0.1, 0.3, threshold - 0.05, threshold + 0.05, 0.9, 0.99, 0.999)}
for b, x in measured.items():
    print(f"beta2 = {b:.4f}: D = {drift(b):+.3f}, Adam's x_T = {x:+.3f}")

# %%
assert drift(0.1) > 0 > drift(0.9) and abs(drift(threshold)) < 1e-12
assert 0.4 < threshold < 0.55 and 1 / (1 - threshold) < 3  # the memory at the threshold is shorter than a period
for b, x in measured.items():
    assert np.sign(x) == np.sign(drift(b))  # the sign of D predicts the direction Adam drifts in
    if abs(drift(b)) > 0.3:
        assert abs(x) > 0.99  # far from the threshold it reaches the end of the interval
assert measured[0.3] > 0.5 and all(measured[b] < -0.99 for b in (0.9, 0.99, 0.999))  # 0.3 fails, the others do not


# %% [markdown]
# ## Lab
#
# The lesson's first attempt keeps Adam's correction $1-\beta_2^t$, which is about 1 for $\beta_2 = 10^{-4}$, while
# AdaX's $v_t$ weights sum to $(1+\beta_2)^t - 1 \approx t\beta_2$: its $\hat v$ is far too small and the steps far
# too long. AdaX divides by $(1+\beta_2)^t - 1$, computed as in §4:

# %%
def adax_update(param, grad, state, t, lr=1.5e-3, beta1=0.9, beta2=1e-4, eps=1e-12):
    """One AdaX step (§2, doc 000's form); state is the pair (m, v); returns (new_param, new_state)."""
    m, v = (np.zeros_like(param), np.zeros_like(param)) if state is None else state
    m = beta1 * m + (1 - beta1) * grad
    v = (1 + beta2) * v + beta2 * grad**2
    v_hat = v / np.expm1(t * np.log1p(beta2))  # (1 + β2)ᵗ − 1, without cancellation (§4)
    return param - lr * m / (np.sqrt(v_hat) + eps), (m, v)


print(grade(adax_update, "adax", {"lr": 1.5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12}).summary())
assert_matches(adax_update, "adax", {"lr": 1.5e-3, "beta1": 0.9, "beta2": 1e-4, "eps": 1e-12})
