# %% [markdown]
# # Lesson 12 — Sign methods: worked solutions
#
# One section per exercise of [lesson 12](../12_sign_methods.ipynb). Every claim is checked with an `assert`.

# %%
import math

import numpy as np

import numopt

# %% [markdown]
# ## Exercise 1
#
# signSGD's expected step is $\eta\,\mathrm{erf}(x/\sqrt2)$ at SNR $x = \mu/\sigma$, which is $\eta/2$ where
# $\Phi(x) = 3/4$: the upper quartile of the standard normal, $x \approx 0.674$. Signum's stationary momentum has the
# spread $\sigma\sqrt{(1-\beta)/(1+\beta)}$, so it reaches $\eta/2$ at $x\sqrt{(1-\beta)/(1+\beta)}$, about $0.155$ for
# $\beta = 0.9$: momentum makes the sign useful at a 4.4 times lower SNR.

# %%
lo, hi = 0.0, 3.0
for _ in range(100):
    mid = 0.5 * (lo + hi)
    lo, hi = (mid, hi) if math.erf(mid / math.sqrt(2)) < 0.5 else (lo, mid)
x_sign = 0.5 * (lo + hi)
x_signum = x_sign * math.sqrt((1 - 0.9) / (1 + 0.9))
rng = np.random.default_rng(0)
measured = {}
for beta, snr in ((0.0, x_sign), (0.9, x_signum)):
    opt, theta = numopt.Signum(lr=1.0, beta=beta), np.zeros(50_000)
    for _ in range(100):
        opt.step(theta, snr + rng.standard_normal(theta.size))
    start = theta.copy()
    for _ in range(100):
        opt.step(theta, snr + rng.standard_normal(theta.size))
    measured[beta] = np.mean(start - theta) / 100
    print(f"beta = {beta}: SNR {snr:.4f} gives a mean step of {measured[beta]:.4f} eta")

# %%
assert abs(x_sign - 0.6745) < 1e-4 and abs(math.erf(x_sign / math.sqrt(2)) - 0.5) < 1e-12
assert abs(x_signum - 0.1547) < 1e-4
assert abs(measured[0.0] - 0.5) < 0.01 and abs(measured[0.9] - 0.5) < 0.01

# %% [markdown]
# ## Exercise 2
#
# After $k$ gradients $a$, both memories hold $m_k = a(1-\beta^k)$ with their own $\beta$. Lion's next direction is
# $c = \beta_1 m_k - (1-\beta_1)b$ with $m_k = a(1-\beta_2^k)$: it reverses when
# $b/a > \beta_1(1-\beta_2^k)/(1-\beta_1)$. Signum's is $m_{k+1} = \beta m_k - (1-\beta)b$: it reverses when
# $b/a > \beta(1-\beta^k)/(1-\beta)$. For $k = 1$ Lion turns ten times more easily; for long runs of the same sign its
# slow memory fills up and the gap closes (5.7 against 9 at $k = 100$).

# %%
def reverses(opt, k, ratio):
    """True if, after k gradients +1, the gradient −ratio makes opt's next step go the other way."""
    theta = np.zeros(1)
    for _ in range(k):
        opt.step(theta, np.ones(1))
    before = theta.copy()
    opt.step(theta, np.array([-ratio]))
    return bool(theta[0] > before[0])


thresholds = {}
for k in (1, 10, 100):
    lion = 0.9 * (1 - 0.99**k) / (1 - 0.9)
    signum = 0.9 * (1 - 0.9**k) / (1 - 0.9)
    thresholds[k] = (lion, signum)
    print(f"k = {k:3d}: Lion reverses for b/a > {lion:.3f}, Signum (beta = 0.9) for b/a > {signum:.3f}")

# %%
for k, (lion, signum) in thresholds.items():
    for factor, expected in ((0.9, False), (1.1, True)):
        assert reverses(numopt.Lion(lr=0.1, beta1=0.9, beta2=0.99), k, factor * lion) is expected
        assert reverses(numopt.Signum(lr=0.1, beta=0.9), k, factor * signum) is expected
assert abs(thresholds[1][1] / thresholds[1][0] - 10) < 1e-9

# %% [markdown]
# ## Exercise 3
#
# The stream is $g_1 = 100$, then $g_t = 1$. With $m_t = (1-\beta_1)\beta_1^{t-1}\cdot100 + (1-\beta_1^{t-1})$ and
#
# * Adamax: $u_t = \max(100\,\beta_2^{t-1}, 1)$, step $\hat m_t/u_t$: the spike is forgotten only when
#   $100\,\beta_2^{t-1} \approx 2$, about $\ln 50/(-\ln\beta_2) \approx 3900$ steps;
# * Adam: $v_t = (1-\beta_2)\beta_2^{t-1}\cdot 10^4 + (1-\beta_2^{t-1})$, step $\hat m_t/\sqrt{\hat v_t}$: a square root
#   of a sum, so the spike's share drops below the constant's much sooner, after about 1500 steps.
#
# We evaluate both closed forms and find the first step of at least $\eta/2$, then run numopt.

# %%
b1, b2 = 0.9, 0.999
t = np.arange(1, 8001, dtype=float)
m = (1 - b1) * b1 ** (t - 1) * 100 + (1 - b1 ** (t - 1))
m_hat = m / (1 - b1**t)
adamax_step = m_hat / np.maximum(100 * b2 ** (t - 1), 1.0)
v = (1 - b2) * b2 ** (t - 1) * 1e4 + (1 - b2 ** (t - 1))
adam_step = m_hat / np.sqrt(v / (1 - b2**t))
first = {}
for name, predicted in (("adamax", adamax_step), ("adam", adam_step)):
    late = np.flatnonzero(predicted[50:] >= 0.5) + 50  # after the first steps, which are sign-like
    first[name] = int(late[0])
    opt = numopt.Adamax(lr=1.0, beta1=b1, beta2=b2) if name == "adamax" else numopt.Adam(lr=1.0, beta1=b1, beta2=b2)
    theta, measured = np.zeros(1), []
    for g in np.r_[100.0, np.ones(t.size - 1)]:
        before = theta[0]
        opt.step(theta, np.array([g]))
        measured.append(before - theta[0])
    first[name + " run"] = int(np.flatnonzero(np.array(measured[50:]) >= 0.5)[0] + 50)
    print(f"{name}: step back to >= eta/2 at t = {first[name] + 1} (closed form), "
          f"t = {first[name + ' run'] + 1} (numopt)")

# %%
assert first["adamax"] == first["adamax run"] and first["adam"] == first["adam run"]
for predicted, k in ((adamax_step, first["adamax"]), (adam_step, first["adam"])):
    assert predicted[k] > 0.5 + 1e-6 and predicted[k - 1] < 0.5 - 1e-6  # no near-tie decides the step
assert 3500 < first["adamax"] < 4300 and 1300 < first["adam"] < 1700
