# %% [markdown]
# # Lesson 04 — AdaGrad: one step size per coordinate
#
# **The question.** A linear model has one feature present in every example and one that
# appears in 1% of them (a rare word, say). Train it with SGD and a step size that decays
# like $\eta/\sqrt t$, as noisy gradients require: below, after 3000 steps the common weight is
# accurate to 0.05 while the rare one, which starts 2 from its value, is still off by 0.7 (RMS over
# the runs): it has covered only about 60 % of the way. Why, and how does AdaGrad (doc 003, slide
# "AdaGrad"; doc 001) fix it without hurting the common weight?
#
# Where the documents are wrong, the erratum numbers are those of the
# [errata](../docs/sources.md#errata). RMSProp and AdaDelta, which repair
# AdaGrad's decay, are lesson 05.

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt.grading import grade
from numopt.runner import effective_rates

SEED = 0

# Sparse linear regression: y = x·w* + noise, x = (1, present w.p. 0.1, present w.p. 0.01)
runs, T = 200, 3000  # 200 independent runs side by side: row r of the params is run r
freq = np.array([1.0, 0.1, 0.01])
w_star = np.array([1.0, -1.0, 2.0])
rng = np.random.default_rng(SEED)
X = (rng.random((T, runs, 3)) < freq).astype(float)
y = X @ w_star + 0.5 * rng.standard_normal((T, runs))


def train(opt):
    """Online least squares, one example per step and run; returns the final weights, shape (runs, 3)."""
    w = np.zeros((runs, 3))
    for t in range(T):
        residual = np.einsum("rd,rd->r", X[t], w) - y[t]
        opt.step(w, residual[:, None] * X[t])  # gradient of ½(x·w − y)²
    return w, opt


def rms_error(w):
    """Root-mean-square error of each weight over the runs."""
    return np.sqrt(np.mean((w - w_star) ** 2, axis=0))


sgd_w, _ = train(numopt.SGD(lr=lambda t: 1.0 / np.sqrt(t)))
print("SGD, eta_t = 1/sqrt(t): RMS error of the weights (common, 10%, 1%):", np.round(rms_error(sgd_w), 3))

# %% [markdown]
# Each coordinate of a numopt optimizer is updated on its own, so one optimizer on a
# $200\times3$ array runs 200 independent trainings at once; we report the root-mean-square
# error over them.
#
# ## 1. AdaGrad: a learning rate for every coordinate
#
# Doc 003 starts from the generic update $\Delta\theta_t = -\eta\, m_t / \sqrt{V_t}$ (lesson 01).
# SGD uses $V_t = I$: every coordinate gets the same $\eta$. The deck's argument: a parameter
# updated often and strongly is well informed and should move cautiously; one rarely updated
# should learn a lot from each occasional gradient. AdaGrad measures "how much has this
# coordinate been updated" by the sum of its squared gradients,
#
# $$v_{t,i} = \sum_{k=1}^{t} g_{k,i}^2, \qquad
#   \theta_{t,i} = \theta_{t-1,i} - \frac{\eta}{\sqrt{v_{t,i}} + \varepsilon}\, g_{t,i},$$
#
# so coordinate $i$ has its own rate $\eta_{t,i} = \eta / (\sqrt{v_{t,i}} + \varepsilon)$ (doc 001
# writes it without ε; doc 003 puts ε inside the root, section 4). On step 1, $v_1 = g_1^2$, so
# the step is $\eta\, g_1/(|g_1| + \varepsilon) \approx \eta\,\mathrm{sign}(g_1)$: the same size for
# every coordinate, whatever the scale of its gradient.
#
# Duchi, Hazan & Singer (2011), who introduced AdaGrad, derive it as a **preconditioner**: the step
# $-\eta S^{-1} g_t$ with a matrix $S$ chosen in hindsight. Their regret bound contains
# $\sum_t g_t^\top S^{-1} g_t$, and among diagonal $S \succ 0$ of a given trace the one minimising it is
# $S \propto \operatorname{diag}(\sqrt{v_t})$ (exercise 3): the square root of the accumulated squared
# gradients. Their full-matrix version uses $(\sum_t g_t g_t^\top)^{1/2}$, too costly beyond small models.

# %%


eta = 0.1
g1 = np.array([100.0, 1.0, 1e-3])
theta = np.zeros(3)
numopt.AdaGrad(lr=eta).step(theta, g1)
for gi, si in zip(g1, -theta, strict=True):
    print(f"g = {gi:8.0e}   first step / eta = {si / eta:.12f}")

# %%
# Verification: the first step is eta*g/(|g| + eps) (same arithmetic: agreement to a few ulps)
closed = eta * g1 / (np.abs(g1) + numopt.AdaGrad().eps)
err = np.max(np.abs(-theta - closed) / closed)
assert err < 1e-15
print("first step against eta*g/(|g|+eps): relative error below 1e-15")

# %% [markdown]
# ## 2. Sparse features: the documents' motivation, shown
#
# A rare feature's gradient is zero whenever the feature is absent, so its sum $v_{t,i}$ grows
# only on the steps where it appears. After $t$ steps a feature seen with frequency $p$ has
# about $pt$ terms, and its rate is about $\sqrt{1/p}$ times that of a common feature with
# gradients of the same size: 10 times for $p = 0.01$. SGD's $\eta/\sqrt t$ counts every step,
# present or not, so the rare weight gets the small late rate on its few occasions. Here the
# measured ratio is smaller, about 7.5: when the rare feature appears, its residual also carries
# its own larger error, so its squared gradients are larger than the common feature's.

# %%
ada_w, ada = train(numopt.AdaGrad(lr=1.0))
sgd_err, ada_err = rms_error(sgd_w), rms_error(ada_w)
rates_end = 1.0 / (np.sqrt(ada.state["v"]) + ada.eps)  # AdaGrad's rate per coordinate at t = 3000
print("RMS error (common, 10%, 1%):  SGD eta/sqrt(t)", np.round(sgd_err, 3), "  AdaGrad", np.round(ada_err, 3))
print(f"rate at t = {T}: SGD {1 / np.sqrt(T):.4f} for all; AdaGrad (median over runs)",
      np.round(np.median(rates_end, axis=0), 4))

# %%
# Verification: same decay law, same eta; AdaGrad is 3x better on the 1% weight, less than twice
# worse on the common one and worse on the 10% one; SGD's rare weight covered 50-75 % of its way (RMS).
assert ada_err[2] < sgd_err[2] / 3 and ada_err[0] < 2 * sgd_err[0] and ada_err[1] > sgd_err[1]
assert sgd_err[0] < 0.06 and 0.5 < 1 - sgd_err[2] / abs(w_star[2]) < 0.75
# The rare rate is below √(1/p) = 10 times the common one by exactly the ratio of the mean squared
# gradients per appearance: v_rare/(p_obs·t) against v_common/t.
ratio = np.median(rates_end[:, 2] / rates_end[:, 0])
present = X[:, :, 2].sum(axis=0)  # how often the rare feature appeared in each run
per_appearance = np.median(np.sqrt((ada.state["v"][:, 2] / present) / (ada.state["v"][:, 0] / T)))
print(f"median rate ratio rare/common {ratio:.1f}; rare/common RMS gradient per appearance {per_appearance:.2f}")
assert 5 < ratio < 10 and 1.1 < per_appearance < 1.6

# %% [markdown]
# It is not free: the 10% weight, whose rate AdaGrad also raises, ends noisier than under SGD.
# And a constant-rate SGD could use a large $\eta$ for the rare weight, but the same $\eta$
# leaves the common weight jumping around in the noise: one $\eta$ cannot suit both.
#
# ## 3. AdaGrad's decay: the rate falls like $1/\sqrt t$
#
# Since $v_t$ only grows (doc 003's "缺点", doc 001's first drawback), every rate decreases,
# whether or not the coordinate is near its optimum. For a **constant** gradient $g$,
# $v_t = t\,g^2$ and
#
# $$\eta_t = \frac{\eta}{|g|\sqrt t + \varepsilon} \approx \frac{\eta}{|g|}\, t^{-1/2},$$
#
# slope $-\tfrac12$ on log–log axes. We feed a constant gradient with two coordinates of
# different size and fit the slope. Doc 001's second drawback is the same fact from the start:
# one large early gradient stays in the sum for ever. A gradient of 100 at step 1, then 1s,
# keeps the rate at $\eta/\sqrt{10^4 + t - 1}$ instead of $\eta/\sqrt t$.

# %%
T_const = 10_000
g_const = np.array([1.0, 0.01])
rates = effective_rates(numopt.AdaGrad(lr=eta), np.tile(g_const, (T_const, 1)))
t = np.arange(1, T_const + 1)
slopes = [np.polyfit(np.log(t[9:]), np.log(rates[9:, i]), 1)[0] for i in range(2)]
print("fitted log-log slopes for t >= 10:", [f"{s:+.8f}" for s in slopes])
spike = np.ones((1000, 1))
spike[0] = 100.0
with_spike = effective_rates(numopt.AdaGrad(lr=eta), spike)[:, 0]
without = effective_rates(numopt.AdaGrad(lr=eta), np.ones((1000, 1)))[:, 0]
for k in (10, 100, 1000):
    print(f"t = {k:4d}: rate after a spike {with_spike[k - 1]:.4e}, without {without[k - 1]:.4e}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(t, rates[:, 0], label="|g| = 1")
ax.loglog(t, rates[:, 1], label="|g| = 0.01")
ax.loglog(np.arange(1, 1001), with_spike, label="|g| = 1 after one gradient of 100")
ax.set(xlabel="step t", ylabel=r"rate $-\Delta\theta/g$", title="AdaGrad's rate decays like $t^{-1/2}$")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# Verification: closed forms. A sum of 1e4 terms rounds to a relative T*u ≈ 1e-12; ε departs
# from the power law by ε/(|g|√t) <= 1e-8, so the slope is −1/2 to better than 1e-6.
closed = eta / (np.abs(g_const) * np.sqrt(t)[:, None] + numopt.AdaGrad().eps)
err = np.max(np.abs(rates - closed) / closed)
assert err < 1e-12 and all(abs(s + 0.5) < 1e-6 for s in slopes)
print("rates against eta/(|g| sqrt(t) + eps): relative error below 1e-12; slopes within 1e-6 of -1/2")
for k in (10, 100, 1000):
    expected = eta / np.sqrt(1e4 + k - 1)
    assert abs(with_spike[k - 1] - expected) < 1e-12 * expected

# %% [markdown]
# ## 4. Where ε goes (erratum 2)
#
# Two placements are in use for AdaGrad, RMSProp, Adam and Nadam:
#
# * outside the root, $g/(\sqrt v + \varepsilon)$: Duchi et al., Kingma & Ba, doc 002, torch
#   (all four), Keras's and optax's Adam, numopt's default;
# * inside, $g/\sqrt{v + \varepsilon}$: doc 003, and Keras's and optax's AdaGrad and RMSProp;
#   numopt's `eps_in_sqrt=True`.
#
# On AdaGrad's first step, $v = g^2$, outside gives $\eta\,g/(|g| + \varepsilon)$, inside
# $\eta\,g/\sqrt{g^2 + \varepsilon}$. For $|g| \gg \sqrt\varepsilon$ both are $\eta\,\mathrm{sign}(g)$.
# For $|g| \ll \sqrt\varepsilon$, inside gives $\eta\,g/\sqrt\varepsilon$, proportional to a tiny $g$:
# the coordinate is frozen, while outside still takes a full step until $|g|$ falls to ε. So the
# inside placement thresholds at $|g| \approx \sqrt\varepsilon$ ($10^{-4}$ for doc 003's
# ε = 1e-8), the outside one at $|g| \approx \varepsilon$. Same ε for both below.

# %%
eps = 1e-8
sizes = 10.0 ** np.arange(-12, 1, 2)
first = {}
print("    |g|     outside/eta    inside/eta   inside/outside")
for gi in sizes:
    for inside in (False, True):
        theta = np.zeros(1)
        numopt.AdaGrad(lr=eta, eps=eps, eps_in_sqrt=inside).step(theta, np.array([gi]))
        first[gi, inside] = -theta[0]
    print(f"{gi:8.0e}   {first[gi, False] / eta:.6e}   {first[gi, True] / eta:.6e}   "
          f"{first[gi, True] / first[gi, False]:.3e}")

# %% [markdown]
# For ordinary gradient sizes the two agree over a whole run: with every $|g| \ge 10^{-2}$,
# $v \ge 10^{-4}$, and the denominators differ from $\sqrt v$ by at most
# $\varepsilon/\sqrt v \le 10^{-6}$ (outside) and $\varepsilon/(2v) \le 5\times10^{-5}$ (inside).

# %%
rng = np.random.default_rng(SEED)
grads = rng.uniform(0.01, 1.0, (500, 5)) * rng.choice([-1.0, 1.0], (500, 5))
out = effective_rates(numopt.AdaGrad(lr=eta, eps=eps), grads)
inn = effective_rates(numopt.AdaGrad(lr=eta, eps=eps, eps_in_sqrt=True), grads)
rel = np.max(np.abs(out - inn) / out)
print(f"500 AdaGrad steps, |g| in [0.01, 1]: max relative difference of the rates {rel:.1e}")

# %%
# Verification: both placements match their closed forms; the run's rates agree to 5.1e-5
for gi in sizes:
    assert abs(first[gi, False] - eta * gi / (gi + eps)) <= 1e-15 * first[gi, False]
    assert abs(first[gi, True] - eta * gi / np.sqrt(gi**2 + eps)) <= 1e-15 * first[gi, True]
assert rel < 5.1e-5

# %% [markdown]
# ## What to remember
# * AdaGrad scales each coordinate's gradient by its own rate $\eta/(\sqrt{v_{t,i}}+\varepsilon)$; the
#   first step is $\approx\eta\,\mathrm{sign}(g)$ whatever the gradient's scale.
# * A rare feature's $v$ counts only the steps where it appears, so its rate stays about
#   $\sqrt{1/p}$ times larger: AdaGrad learns rare features that SGD's single schedule starves.
# * $v$ only grows: for a stationary gradient the rate falls like $t^{-1/2}$, and one early large
#   gradient depresses it for thousands of steps (lesson 05's RMSProp and AdaDelta repair this).
# * ε outside ($\sqrt v + \varepsilon$) and inside ($\sqrt{v+\varepsilon}$) agree for
#   $|g| \gg \sqrt\varepsilon$; inside freezes coordinates with $|g| \lesssim \sqrt\varepsilon$ (erratum 2).

# %% [markdown]
# ## Exercises
#
# 1. AdaGrad with a gradient that shrinks like $g_t = t^{-1/2}$: show that $v_t \approx \ln t$, so
#    the effective rate decays only like $1/\sqrt{\ln t}$. Verify with `effective_rates` and
#    `numopt.AdaGrad`. What does this say about AdaGrad near an optimum?
# 2. A coordinate receives the gradient $g = 1$ with probability $p$ and 0 otherwise. Show that its
#    AdaGrad rate after $t$ steps is about $\eta/\sqrt{pt}$, and check it with `numopt.AdaGrad` for
#    $p = 0.01$ and $p = 0.1$ over $10^4$ steps (seeded). By what factor does it exceed the rate of a
#    coordinate that receives $g = 1$ every step?
# 3. Duchi's motivation: show that among diagonal matrices $S = \operatorname{diag}(s)$, $s > 0$, with
#    $\sum_i s_i = c$, the sum $\sum_t g_t^\top S^{-1} g_t = \sum_i v_{t,i}/s_i$ is smallest for
#    $s_i \propto \sqrt{v_{t,i}}$. Check it on random gradients against other diagonals of the same trace.


# %% [markdown]
# ## Lab: write AdaGrad's update
#
# Write `adagrad_update(param, grad, state, t)`: one step, where `state` is `None` at $t = 1$ and afterwards what the
# previous call returned; return `(new_param, new_state)`. The body below is a first attempt with a mistake students
# often make. The next cell runs numopt's grader in this process: it steps your function and `numopt.AdaGrad`
# through the same seeded cases and names the mistake it recognises. Fix the body until the checks pass (the
# solutions notebook has the answer). A course's student version replaces the body by
# `raise NotImplementedError()` ([lessons/README](README.md#labs-and-student-versions)).

# %%
def adagrad_update(param, grad, state, t, lr=0.1, eps=1e-10):
    """One AdaGrad step: v ← v + g², θ ← θ − ηg/(√v + ε); returns (new_param, new_state)."""
    # TODO: write the update; the grader in the next cell checks it
    # BEGIN SOLUTION
    v = (np.zeros_like(param) if state is None else state) + grad**2
    return param - lr * grad / np.sqrt(v + eps), v
    # END SOLUTION


# %%
print(grade(adagrad_update, "adagrad", {"lr": 0.1, "eps": 1e-10}).summary())
