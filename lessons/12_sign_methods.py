# %% [markdown]
# # Lesson 12 — Sign methods: signSGD, Signum, Lion and Adamax
#
# **The question.** Set Adam's two decay rates to zero, $\beta_1 = \beta_2 = 0$, and run it on a quadratic whose
# curvatures differ by a factor $10^4$. Gradient descent would need $\eta < 2/100$ and then about
# $1/(\eta\lambda_{\min})$ =
# 5000 steps for the flat direction. This "Adam" reaches both coordinates' neighbourhood of the minimum in the same
# few dozen steps, and then stops improving.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt.theory import bias_correction

lam = np.array([100.0, 0.01])  # J(θ) = ½ Σ λ_i θ_i², minimum at 0
eta = 0.03
opt = numopt.Adam(lr=eta, beta1=0.0, beta2=0.0)
theta = np.ones(2)
path = [theta.copy()]
for _ in range(60):
    opt.step(theta, lam * theta)
    path.append(theta.copy())
path = np.array(path)
for t in (0, 10, 20, 32, 33, 34, 60):
    print(f"t = {t:2d}: theta = {np.array2string(path[t], precision=4)}")

# %% [markdown]
# With $\beta_1 = \beta_2 = 0$, $\hat m_t = g_t$ and $\hat v_t = g_t^2$: the step is
# $-\eta\,g_t/(|g_t| + \varepsilon) \approx -\eta\,\mathrm{sign}(g_t)$, **signSGD**. Every coordinate moves by $\eta$
# whatever its curvature, so after $\lfloor 1/\eta\rfloor = 33$ steps both are within $\eta$ of the minimum, and there
# they bounce between two points for ever. This lesson looks at the family of methods that keep only the sign: what
# the sign costs with noisy gradients and what momentum buys back (Signum), Lion's two decay rates, and Adamax, the
# other limit of Adam's normaliser.

# %%
# Verification
assert np.all(np.abs(path[33:]) < eta) and np.all(np.abs(path[:33]) > eta)  # the band is reached at t = 33
assert np.min(np.abs(path)) > 1e-4  # no step near θ = 0, where rounding could pick the sign
assert np.allclose(np.abs(np.diff(path[:34], axis=0)), eta, rtol=1e-3)  # ε/|g| ≤ 1e-4: steps of η
assert np.allclose(path[35:], path[33:-2], atol=1e-5)  # period 2 (up to ε/|g| ≈ 1e-4 of η): the bounce

# %% [markdown]
# ## 1. Adam's step is a softened sign
#
# At $t = 1$ any Adam is signSGD: $\hat m_1 = g_1$ and $\hat v_1 = g_1^2$, so
#
# $$\Delta\theta_1 = -\eta\,\frac{g_1}{|g_1| + \varepsilon}
#   = -\eta\,\mathrm{sign}(g_1)\Bigl(1 - \frac{\varepsilon}{|g_1| + \varepsilon}\Bigr):$$
#
# the sign, shortened by the fraction $\varepsilon/(|g_1|+\varepsilon)$, which matters only where
# $|g_1| \lesssim \varepsilon$
# (lesson 06 §3). Later, Adam averages before it normalises, and its step is *not* bounded by $\eta$. Kingma & Ba
# ("Adam: A Method for Stochastic Optimization", 2015, arXiv:1412.6980, §2.1) point to the worst case: a gradient
# that is zero for a long time and then not. After $t - 1$ zero gradients, $\hat m_t = (1-\beta_1)g/(1-\beta_1^t)$ and
# $\hat v_t = (1-\beta_2)g^2/(1-\beta_2^t)$, so
#
# $$\frac{|\Delta\theta_t|}{\eta} = \frac{1-\beta_1}{1-\beta_1^t}\cdot\frac{\sqrt{1-\beta_2^t}}{\sqrt{1-\beta_2}}
#   \;\to\; \frac{1-\beta_1}{\sqrt{1-\beta_2}} = 3.16 .$$
#
# A sign method never moves a coordinate by more than $\eta$.

# %%
spike = {}
for quiet in (0, 10, 100, 1000, 10_000):
    opt = numopt.Adam(lr=1.0)
    theta = np.zeros(1)
    for _ in range(quiet):
        opt.step(theta, np.zeros(1))
    opt.step(theta, np.array([5.0]))
    t = quiet + 1
    predicted = (1 - opt.beta1) / bias_correction(opt.beta1, t) * math.sqrt(bias_correction(opt.beta2, t))
    predicted /= math.sqrt(1 - opt.beta2)
    spike[quiet] = (abs(theta[0]), predicted)
    print(f"{quiet:6d} zero gradients, then g = 5: |step| / eta = {abs(theta[0]):.4f} (predicted {predicted:.4f})")

# %%
# Verification
for measured, predicted in spike.values():
    assert abs(measured - predicted) < 1e-6 * predicted  # ε/√v̂ ≤ 1e-7 is left out of the formula
assert abs(spike[10_000][0] - 0.1 / math.sqrt(0.001)) < 1e-3

# %% [markdown]
# ## 2. signSGD and Signum with noisy gradients
#
# Bernstein, Wang, Azizzadenesheli & Anandkumar ("signSGD: Compressed Optimisation for Non-Convex Problems", 2018,
# arXiv:1802.04434) study $\theta_t = \theta_{t-1} - \eta\,\mathrm{sign}(g_t)$ and its momentum version **Signum**,
# $m_t = \beta m_{t-1} + (1-\beta)g_t$, $\theta_t = \theta_{t-1} - \eta\,\mathrm{sign}(m_t)$. The sign throws away the
# size
# of the gradient, and with noise that costs: if $g \sim \mathcal N(\mu, \sigma^2)$ the sign is right with probability
# $\Phi(|\mu|/\sigma)$, so
#
# $$E[\mathrm{sign}(g)] = 2\Phi(\mu/\sigma) - 1 = \mathrm{erf}\Bigl(\frac{\mu}{\sigma\sqrt2}\Bigr)
#   \approx \sqrt{\frac2\pi}\,\frac{\mu}{\sigma} \quad (|\mu| \ll \sigma):$$
#
# where the signal-to-noise ratio is low, the expected step is proportional to it, as for SGD, but divided by
# $\sigma$. Momentum averages the noise before the sign is taken: at stationarity
# $m \sim \mathcal N\bigl(\mu, \sigma^2(1-\beta)/(1+\beta)\bigr)$ (lesson 05), so Signum's expected step is
# $\mathrm{erf}\bigl(\mu/(\sigma\sqrt{2(1-\beta)/(1+\beta)})\bigr)$: the SNR is multiplied by
# $\sqrt{(1+\beta)/(1-\beta)} = 4.36$ for $\beta = 0.9$. We measure the mean step of
# `numopt.Signum` over 50 000 coordinates whose gradient is $\mu + \sigma\xi$, independent of $\theta$.

# %%
mu_over_sigma = np.array([0.05, 0.2, 0.5, 1.0, 2.0])
coords, warm, measure = 50_000, 100, 100
rng = np.random.default_rng(0)
mean_step = {}
for beta in (0.0, 0.9):
    for snr in mu_over_sigma:
        opt, theta = numopt.Signum(lr=1.0, beta=beta), np.zeros(coords)
        for _ in range(warm):  # let m reach its stationary spread
            opt.step(theta, snr + rng.standard_normal(coords))
        start = theta.copy()
        for _ in range(measure):
            opt.step(theta, snr + rng.standard_normal(coords))
        spread = math.sqrt((1 - beta) / (1 + beta))
        mean_step[beta, snr] = (np.mean(start - theta) / measure, math.erf(snr / (spread * math.sqrt(2))))
print(" mu/sigma   signSGD: measured  erf(...)    Signum beta=0.9: measured  erf(...)")
for snr in mu_over_sigma:
    print(f"{snr:8.2f} {mean_step[0.0, snr][0]:18.4f} {mean_step[0.0, snr][1]:9.4f} "
          f"{mean_step[0.9, snr][0]:25.4f} {mean_step[0.9, snr][1]:9.4f}")

# %%
# Verification
for measured, predicted in mean_step.values():
    assert abs(measured - predicted) < 0.01  # 5·10⁶ signs per entry: standard error < 0.001
assert mean_step[0.9, 0.2][0] > 3 * mean_step[0.0, 0.2][0]  # momentum multiplies the low-SNR step by ≈ 4.36

# %%
snr_axis = np.linspace(0, 2.2, 200)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for beta, color in ((0.0, "C0"), (0.9, "C1")):
    spread = math.sqrt((1 - beta) / (1 + beta))
    ax.plot(snr_axis, [math.erf(x / (spread * math.sqrt(2))) for x in snr_axis], color=color,
            label=f"erf, beta = {beta}")
    ax.plot(mu_over_sigma, [mean_step[beta, x][0] for x in mu_over_sigma], "o", color=color,
            label=f"numopt.Signum, beta = {beta}")
ax.plot(snr_axis, np.sqrt(2 / np.pi) * snr_axis, "k:", lw=1, label=r"$\sqrt{2/\pi}\,\mu/\sigma$")
ax.set_ylim(0, 1.05)
ax.set_xlabel(r"signal-to-noise ratio $\mu/\sigma$ of the gradient")
ax.set_ylabel(r"mean step / $\eta$")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. Lion: two decay rates
#
# Lion came out of a program search (Chen et al., "Symbolic Discovery of Optimization Algorithms", 2023,
# arXiv:2302.06675). With $m_0 = 0$:
#
# $$c_t = \beta_1 m_{t-1} + (1-\beta_1)\,g_t, \qquad
#   \theta_t = \theta_{t-1} - \eta\,\bigl(\mathrm{sign}(c_t) + \lambda\,\theta_{t-1}\bigr), \qquad
#   m_t = \beta_2 m_{t-1} + (1-\beta_2)\,g_t,$$
#
# with $\beta_1 = 0.9$, $\beta_2 = 0.99$. The **order** matters: the direction $c_t$ is interpolated with the
# short rate $\beta_1$ from the long memory $m_{t-1}$, which is updated afterwards with $\beta_2$. Unrolled, $c_t$
# weighs
# the current gradient $1-\beta_1 = 0.1$ and $g_{t-k}$ ($k \ge 1$) $\beta_1(1-\beta_2)\beta_2^{k-1}$: a fresh gradient
# counts ten times more than in the memory, old ones fade with $\beta_2$. With $\beta_1 = \beta_2 = \beta$, $c_t = m_t$
# and Lion is Signum.
#
# A reversal shows the difference. After one gradient $g_1 = a > 0$, a gradient $g_2 = -b$ turns Lion's step when
# $(1-\beta_1)b > \beta_1(1-\beta_2)a$, i.e. $b/a > 0.09$; Signum with $\beta = 0.9$ needs $b/a > \beta = 0.9$.

# %%
def second_step(opt, ratio):
    """The sign of the second step after g_1 = 1, g_2 = −ratio (+1: still moving as g_1 says)."""
    theta = np.zeros(1)
    opt.step(theta, np.ones(1))
    before = theta.copy()
    opt.step(theta, np.array([-ratio]))
    return int(np.sign(before - theta)[0])


threshold = 0.9 * (1 - 0.99) / (1 - 0.9)
reversal = {}
for ratio in (0.5 * threshold, 2 * threshold, 0.5, 2.0):
    reversal[ratio] = (second_step(numopt.Lion(lr=0.1), ratio), second_step(numopt.Signum(lr=0.1, beta=0.9), ratio))
    print(f"b/a = {ratio:5.3f}: second step follows g_1 (+1) or g_2 (-1): Lion {reversal[ratio][0]:+d}, "
          f"Signum {reversal[ratio][1]:+d}")

# %%
# Verification
assert reversal[0.5 * threshold] == (1, 1) and reversal[2 * threshold] == (-1, 1)
assert reversal[0.5] == (-1, 1) and reversal[2.0] == (-1, -1)
rng = np.random.default_rng(1)
grads = rng.standard_normal((200, 5))
paths = []
for opt in (numopt.Lion(lr=0.01, beta1=0.9, beta2=0.9), numopt.Signum(lr=0.01, beta=0.9)):
    theta = np.zeros(5)
    for g in grads:
        opt.step(theta, g)
    paths.append(theta)
assert np.allclose(paths[0], paths[1], atol=1e-12)  # β1 = β2: Lion is Signum

# %% [markdown]
# Lion's decoupled weight decay acts as in AdamW (lesson 06 §5): a unit step against $\lambda|\theta|$ keeps every
# coordinate within $|\theta_i| \le 1/\lambda$ once it gets there. Because every coordinate moves by $\eta$ each step,
# Lion's authors use a learning rate 3–10 times smaller than AdamW's, and a $\lambda$ as much larger.

# %% [markdown]
# ## 4. Adamax: the $\infty$-norm limit of Adam
#
# Adam divides by the root of an EWMA of $g^2$. Kingma & Ba (§7.1) replace the square by a power $p$:
# $v_t = \beta_2^p v_{t-1} + (1-\beta_2^p)|g_t|^p$, normaliser $v_t^{1/p}$. Unrolled,
#
# $$v_t^{1/p} = (1-\beta_2^p)^{1/p}\Bigl(\sum_{i=1}^{t}\bigl(\beta_2^{t-i}|g_i|\bigr)^p\Bigr)^{1/p}
#   \;\xrightarrow{p\to\infty}\; \max_i \beta_2^{t-i}|g_i| =: u_t,$$
#
# since $(1-\beta_2^p)^{1/p} \to 1$ and a $p$-norm tends to the largest entry. The limit has the recursion
# $u_t = \max(\beta_2 u_{t-1}, |g_t|)$ and needs no bias correction (no weight is missing); Adamax steps
# $\theta_t = \theta_{t-1} - \eta\,\hat m_t/u_t$ (numopt, like torch, keeps $u_t$ above zero with
# $\max(\beta_2 u_{t-1}, |g_t| + \varepsilon)$). It is nearly a sign method: at $t = 1$ the step is
# $\eta\,\mathrm{sign}(g_1)$, and since $|g_{t-k}| \le u_t/\beta_2^k$, summing the weights of $\hat m_t$ bounds every
# step by $\eta\,(1-\beta_1)/(1-\beta_1/\beta_2) \approx 1.01\,\eta$, with no quiet-spell spike as in §1. We feed one
# gradient stream to `numopt.Adamax` and compare its $u_t$ with the $p$-norms (of $|g_i| + \varepsilon$).

# %%
rng = np.random.default_rng(2)
stream = rng.standard_normal((50, 1)) * np.exp(rng.standard_normal((50, 1)))  # sizes vary over orders of magnitude
opt = numopt.Adamax(lr=0.01)
theta = np.zeros(1)
steps = []
for g in stream:
    before = theta.copy()
    opt.step(theta, g)
    steps.append(abs(theta[0] - before[0]) / opt.lr)
u_numopt = opt.state["u"][0]
b2, t_end = opt.beta2, len(stream)
weighted = b2 ** np.arange(t_end - 1, -1, -1.0) * (np.abs(stream[:, 0]) + opt.eps)  # β2^{t−i}(|g_i| + ε)
for p in (2, 8, 32, 128, 512):
    log_norm = (np.log1p(-(b2**p)) + np.log(np.sum((weighted / weighted.max()) ** p))) / p + np.log(weighted.max())
    print(f"p = {p:4d}: v_t^(1/p) = {np.exp(log_norm):.6f}")
print(f"numopt.Adamax u_t = {u_numopt:.6f}; largest |step| / eta over the run {max(steps):.6f}")

# %%
# Verification
assert abs(u_numopt - weighted.max()) < 1e-12 * u_numopt
assert max(steps) <= (1 - opt.beta1) / (1 - opt.beta1 / b2) and abs(steps[0] - 1) < 1e-6

# %% [markdown]
# ## What to remember
# * Adam with $\beta_1 = \beta_2 = 0$ is signSGD up to $\varepsilon$, and every Adam starts with a sign step. Later
#   Adam's step can exceed $\eta$ (up to $(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.16\,\eta$ after a quiet spell); a sign
#   method's never does.
# * Sign steps ignore curvature, so they cross badly conditioned valleys fast, and with a constant $\eta$ they stop in
#   a band of width $\eta$.
# * With noise the expected sign is $\mathrm{erf}(\mu/(\sigma\sqrt2))$; momentum before the sign (Signum) raises the
#   SNR by $\sqrt{(1+\beta)/(1-\beta)}$.
# * Lion takes the sign of a short-rate interpolation ($\beta_1 = 0.9$) of a long memory ($\beta_2 = 0.99$).
# * Adamax's $u_t = \max(\beta_2u_{t-1}, |g_t|)$ is the $p \to \infty$ limit of Adam's normaliser.

# %% [markdown]
# ## Exercises
# 1. For signSGD with Gaussian noise, find the SNR $\mu/\sigma$ at which the expected step is $\eta/2$; which SNR
#    gives the same expected step for Signum with $\beta = 0.9$? Check both with `numopt.Signum`.
# 2. Feed $k$ gradients $g = a$ and then one $g = -b$. Derive the ratio $b/a$ above which the next step of Lion (with
#    $\beta_1 = 0.9$, $\beta_2 = 0.99$), and of Signum ($\beta = 0.9$), reverses; evaluate it for $k = 1, 10, 100$ and
#    check it with runs.
# 3. After one gradient of size 100 and then gradients of size 1, how many steps does Adamax ($\beta_2 = 0.999$) take
#    until its step is back to at least $\eta/2$? And Adam with the same $\beta_2$? Derive, then check with runs.
