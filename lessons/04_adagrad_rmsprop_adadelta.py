# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 04 — AdaGrad, RMSProp and AdaDelta: one step size per coordinate
#
# Sources: doc 003 (the survey deck, slides "AdaGrad" and "RMSProp/AdaDelta"), doc 001 (the
# ADADELTA blog post, after Zeiler 2012) and doc 002 (its RMSprop section). Where the documents
# are wrong or disagree, the primary papers decide; the erratum numbers quoted below are those of
# the README's [Sources and errata](../README.md#sources-and-errata).
#
# Plan:
# 1. AdaGrad divides the step of every coordinate by the root of that coordinate's own sum of
#    squared gradients.
# 2. That sum only grows, so the effective rate decays like $1/\sqrt t$: we measure the slope.
# 3. RMSProp replaces the sum by an EWMA, and the rate settles.
# 4. AdaDelta adds a second EWMA, of the steps, to fix the units, and with it the learning
#    rate disappears.
# 5. Where ε goes ($\sqrt v + \varepsilon$ or $\sqrt{v + \varepsilon}$) matters only when $v$ is tiny.

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
import numopt.plot
from numopt.problems import Quadratic
from numopt.runner import run
from numopt.theory import bias_correction, effective_window

SEED = 0


def effective_rates(opt, grads):
    """Feed the gradients ``grads[k]`` (shape (T, d)) to ``opt``; return the rates −Δθ/g, shape (T, d).

    Every method of this lesson moves each coordinate by (its own rate) × (its gradient),
    and θ itself does not enter the update, so we may restart from θ = 0 before each step
    and read the rate off −θ/g without the cancellation of a difference θ_t − θ_{t−1}.
    """
    theta = np.zeros(grads.shape[1])
    rates = np.empty_like(grads)
    for k, g in enumerate(grads):
        theta[:] = 0.0
        opt.step(theta, g)
        rates[k] = -theta / g
    return rates


# %% [markdown]
# ## 1. AdaGrad: a learning rate for every coordinate
#
# Doc 003 starts from the generic update $\Delta\theta_t = -\eta\, m_t / \sqrt{V_t}$. SGD and
# Momentum used $V_t = I$: every coordinate gets the same step size $\eta$. The deck's argument
# for doing better: a parameter that is updated often and strongly is already well informed
# and should move cautiously, a parameter that is rarely updated should learn a lot from each
# occasional gradient. AdaGrad measures "how much has this coordinate been updated" by the sum
# of its squared gradients,
#
# $$v_{t,i} = \sum_{k=1}^{t} g_{k,i}^2, \qquad
#   \theta_{t,i} = \theta_{t-1,i} - \frac{\eta}{\sqrt{v_{t,i}} + \varepsilon}\, g_{t,i},$$
#
# so coordinate $i$ gets its own effective learning rate $\eta_{t,i} = \eta / (\sqrt{v_{t,i}} + \varepsilon)$
# (doc 001 writes the same rule without ε; doc 003 puts ε inside the root, see section 5).
#
# A first consequence: on step 1, $v_1 = g_1^2$, so the step is
# $\eta\, g_1 / (|g_1| + \varepsilon) \approx \eta\,\mathrm{sign}(g_1)$ — the same size for every
# coordinate, whatever the scale of its gradient. We check it on gradients spanning five
# orders of magnitude; the closed form is the same arithmetic, so they agree to a few ulps.

# %%
eta = 0.1
g1 = np.array([100.0, 1.0, 1e-3])
theta = np.zeros(3)
opt = numopt.AdaGrad(lr=eta)
opt.step(theta, g1)
closed = eta * g1 / (np.abs(g1) + opt.eps)
err = np.max(np.abs(-theta - closed) / closed)
for gi, si in zip(g1, -theta, strict=True):
    print(f"g = {gi:8.0e}   step = {si:.12f}   step/eta = {si / eta:.12f}")
print(f"max relative error against eta*g/(|g|+eps): {err:.1e}")
assert err < 1e-15

# %% [markdown]
# ## 2. AdaGrad's decay: the rate falls like $1/\sqrt t$
#
# Since $v_t$ is a sum of non-negative terms it can only grow (doc 003's "缺点", doc 001's first
# drawback): every coordinate's rate decreases monotonically, whether or not the coordinate is
# still far from its optimum. For a **stationary** gradient $g_t = g$ the sum is $v_t = t\,g^2$
# and
#
# $$\eta_t = \frac{\eta}{|g|\sqrt t + \varepsilon} \approx \frac{\eta}{|g|}\, t^{-1/2},$$
#
# a straight line of slope $-\tfrac12$ on log–log axes. We feed a constant gradient with two
# coordinates of very different size, read the rate off every step, compare it with the closed
# form, and fit the slope. The closed form is matched up to the rounding of a sum of $T = 10^4$
# terms, a relative error of at most $T u \approx 10^{-12}$ ($u = 1.1\times10^{-16}$). The only
# departure from a pure power law is ε, a relative $\varepsilon / (|g|\sqrt t) \le 10^{-8}$ here,
# so the fitted slope must be $-\tfrac12$ to better than $10^{-6}$.

# %%
T = 10_000
g_const = np.array([1.0, 0.01])
rates = effective_rates(numopt.AdaGrad(lr=eta), np.tile(g_const, (T, 1)))
t = np.arange(1, T + 1)
closed = eta / (np.abs(g_const) * np.sqrt(t)[:, None] + numopt.AdaGrad().eps)
err = np.max(np.abs(rates - closed) / closed)
print(f"max relative error against eta/(|g| sqrt(t) + eps): {err:.1e}")
assert err < 1e-12
for i in range(2):
    slope = np.polyfit(np.log(t[9:]), np.log(rates[9:, i]), 1)[0]
    print(f"|g| = {g_const[i]:5.2f}: fitted log-log slope for t >= 10: {slope:+.8f}")
    assert abs(slope + 0.5) < 1e-6

# %% [markdown]
# Doc 001's second drawback is the same fact seen from the start: one large early gradient
# stays in the sum for ever. A single gradient of 100 at step 1, followed by gradients of 1,
# keeps the rate at $\eta/\sqrt{10^4 + t - 1}$ instead of $\eta/\sqrt t$:

# %%
spike = np.ones((1000, 1))
spike[0] = 100.0
with_spike = effective_rates(numopt.AdaGrad(lr=eta), spike)[:, 0]
without = effective_rates(numopt.AdaGrad(lr=eta), np.ones((1000, 1)))[:, 0]
for k in (10, 100, 1000):
    expected = eta / np.sqrt(1e4 + k - 1)
    print(f"t = {k:4d}: rate after a spike {with_spike[k - 1]:.4e} (closed form {expected:.4e}), "
          f"without {without[k - 1]:.4e}")
    assert abs(with_spike[k - 1] - expected) < 1e-12 * expected

# %% [markdown]
# ## 3. RMSProp: the EWMA fix
#
# Doc 003 (slide "RMSProp/AdaDelta") and doc 002 keep everything but the accumulator, which
# becomes the exponentially weighted moving average of lesson 02:
#
# $$v_t = \beta v_{t-1} + (1-\beta)\, g_t^2, \qquad
#   \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{v_t} + \varepsilon}\, g_t .$$
#
# The weights $(1-\beta)\beta^{t-i}$ on $g_i^2$ sum to $1 - \beta^t$, and a past gradient's
# relative weight $\beta^{i}$ drops below $1/e$ after about $1/(1-\beta)$ steps (lesson 02,
# erratum 5). So $v_t$ is an estimate of $E[g^2]$ over roughly the last $1/(1-\beta)$ steps —
# 10 steps for numopt's $\beta = 0.9$, 100 for torch's 0.99 — instead of a sum over all time.
# For a constant gradient $v_t = (1-\beta^t)\,g^2$, so
#
# $$\eta_t = \frac{\eta}{|g|\sqrt{1-\beta^t} + \varepsilon} \;\longrightarrow\; \frac{\eta}{|g|}:$$
#
# the rate **settles** instead of decaying. RMSProp has no bias correction, so its first
# steps are *larger* than the settled rate, by $1/\sqrt{1-\beta} \approx 3.16$ at $t=1$.
# Once $\beta^t/2 < 10^{-4}$ (that is $t \ge 81$ for $\beta = 0.9$) the rate is within $10^{-4}$
# of $\eta/|g|$.

# %%
opt = numopt.RMSProp(lr=eta)
beta = opt.beta
rates = effective_rates(opt, np.tile(g_const, (T, 1)))
closed = eta / (np.abs(g_const) * np.sqrt(bias_correction(beta, t))[:, None] + opt.eps)
err = np.max(np.abs(rates - closed) / closed)
print(f"beta = {beta}, window 1/(1-beta) = {effective_window(beta):.0f} steps")
print(f"max relative error against eta/(|g| sqrt(1-beta^t) + eps): {err:.1e}")
assert err < 1e-12
settled = eta / np.abs(g_const)
for k in (1, 10, 50, 81, 10_000):
    print(f"t = {k:5d}: rate / (eta/|g|) = {rates[k - 1, 0] / settled[0]:.6f}")
assert np.all(np.abs(rates[80:] / settled - 1) < 1e-4)

# %% [markdown]
# With a noisy but stationary gradient, $v_t$ tracks $E[g^2]$ — the *uncentred* second moment,
# mean² + variance — and fluctuates around it because it only averages about ten samples. For
# $g \sim \mathcal N(\mu, \sigma^2)$ with $\mu = 1$, $\sigma = 0.5$: $E[g^2] = 1.25$,
# $\mathrm{Var}[g^2] = 2\sigma^4 + 4\mu^2\sigma^2 = 1.125$, and an EWMA of independent samples
# has variance $\frac{1-\beta}{1+\beta}\mathrm{Var}[g^2]$, a standard deviation of 0.243. The time
# average of $v_t$ over $N = 4800$ steps is, up to edge terms, the average of $N$ independent
# $g^2$, whose standard error is $\sqrt{1.125/N} = 0.015$; we allow five of them.

# %%
rng = np.random.default_rng(SEED)
mu, sigma, N = 1.0, 0.5, 4800
g_noisy = mu + sigma * rng.standard_normal((200 + N, 1))
opt = numopt.RMSProp(lr=eta)
v_path = []
theta = np.zeros(1)
for g in g_noisy:
    opt.step(theta, g)
    v_path.append(opt.state["v"][0])
v_tail = np.array(v_path[200:])
Eg2, var_g2 = mu**2 + sigma**2, 2 * sigma**4 + 4 * mu**2 * sigma**2
print(f"time average of v: {v_tail.mean():.4f}   E[g^2] = {Eg2:.4f}   "
      f"(standard error {np.sqrt(var_g2 / N):.4f})")
print(f"std of v:          {v_tail.std():.4f}   theory sqrt((1-b)/(1+b) Var[g^2]) = "
      f"{np.sqrt((1 - beta) / (1 + beta) * var_g2):.4f}")
assert abs(v_tail.mean() - Eg2) < 5 * np.sqrt(var_g2 / N)

# %% [markdown]
# ## 4. AdaDelta: fix the units, lose the learning rate
#
# Doc 001 presents Zeiler's two improvements over AdaGrad.
#
# **① Accumulate over a window.** Storing the last $w$ squared gradients is costly, so use the
# EWMA $E[g^2]_t = \rho\,E[g^2]_{t-1} + (1-\rho)\,g_t^2$ — RMSProp's accumulator.
#
# **② Correct the units with a Hessian approximation.** Give $x$ units $[x]$ and $f$ units
# $[f]$. Then $g = \partial f/\partial x$ has units $[f]/[x]$, and an SGD step
# $\Delta x = -\eta g$ only has the units of $x$ if $\eta$ carries $[x]^2/[f]$: the learning
# rate is a unit conversion that has to be tuned for every problem. (AdaGrad and RMSProp divide
# $g$ by its own RMS, so there $\eta$ carries $[x]$: still a length scale to choose.) Newton's
# step $\Delta x = -H^{-1} g$ has the right units by construction, since
# $H = \partial^2 f/\partial x^2$ has units $[f]/[x]^2$. Rearranging Newton's step per coordinate
# gives $1/H = -\Delta x / g$ (doc 001's line), and AdaDelta estimates the two sides with
# running RMS values,
#
# $$\Delta x_t = -\frac{\mathrm{RMS}[\Delta x]_{t-1}}{\mathrm{RMS}[g]_t}\, g_t, \qquad
#   \mathrm{RMS}[y]_t = \sqrt{E[y^2]_t + \varepsilon},$$
#
# $$E[\Delta x^2]_t = \rho\,E[\Delta x^2]_{t-1} + (1-\rho)\,\Delta x_t^2, \qquad x_{t+1} = x_t + \Delta x_t .$$
#
# The factor $\mathrm{RMS}[\Delta x]/\mathrm{RMS}[g]$ has units $[x]/([f]/[x]) = [x]^2/[f]$ —
# exactly what a step size must have — and it is *measured*, not chosen. That is why AdaDelta
# needs no learning rate: Zeiler's Algorithm 1 has none, which is numopt's default `lr=1.0`
# (the multiplier exists only to compare with libraries that add one).
#
# **Why $t-1$ in the numerator?** $E[\Delta x^2]_t$ contains $\Delta x_t^2$, the very step being
# computed; using it would make the update an equation in $\Delta x_t$. The previous average is
# known, and if the curvature changes slowly it is a good stand-in (doc 003 makes the same
# remark: "$\Delta\theta_t^2$ is not yet known, so use the $t-1$ average").
#
# **Where the documents slip.**
# * Erratum 3: doc 001 introduces the final formula as "**Adagrad**算法最终的参数更新量"; it is
#   AdaDelta's update.
# * Erratum 14: doc 001 gives no values for ρ and ε; the paper uses ρ = 0.95 and ε = 1e-6
#   (numopt's defaults). "No learning rate" is true of the paper's algorithm only. torch's
#   `Adadelta` multiplies by `lr=1.0` (the paper); Keras defaults to `learning_rate=1e-3`, a
#   thousandfold slow-down; and optax's `adadelta` with `learning_rate=None` was found to apply
#   the update with the wrong sign and climb (not re-run here: optax is not a dependency).
# * Doc 003 writes two decay rates (β for $E[g^2]$, γ for $E[\Delta\theta^2]$); Zeiler uses one ρ.
#
# ### One AdaDelta step by hand
# We take two steps with numopt, copy the state, work out the third step from Zeiler's
# equations and compare. Same arithmetic in the same order, so the agreement is to rounding.

# %%
rng = np.random.default_rng(SEED)
grads = rng.standard_normal((3, 4))
theta = rng.standard_normal(4)
opt = numopt.AdaDelta()
rho, eps = opt.rho, opt.eps
for g in grads[:2]:
    opt.step(theta, g)
E_g2_prev, E_d2_prev, theta_prev = opt.state["E_g2"].copy(), opt.state["E_delta2"].copy(), theta.copy()
g = grads[2]
E_g2 = rho * E_g2_prev + (1 - rho) * g**2
delta = -np.sqrt(E_d2_prev + eps) / np.sqrt(E_g2 + eps) * g  # numerator: E[Δ²] at t-1
E_d2 = rho * E_d2_prev + (1 - rho) * delta**2
by_hand = theta_prev + delta
opt.step(theta, g)
errors = {
    "theta": np.max(np.abs(theta - by_hand)),
    "E[g^2]": np.max(np.abs(opt.state["E_g2"] - E_g2)),
    "E[dx^2]": np.max(np.abs(opt.state["E_delta2"] - E_d2)),
}
for name, e in errors.items():
    print(f"step 3, {name:8s}: max abs difference from the hand computation {e:.1e}")
assert max(errors.values()) < 1e-15

# %% [markdown]
# ### What ε does in AdaDelta
# With $E[\Delta x^2]_0 = 0$ the numerator of the first step is $\sqrt\varepsilon$, so
#
# $$|\Delta x_1| = \frac{\sqrt\varepsilon\,|g_1|}{\sqrt{(1-\rho)g_1^2 + \varepsilon}}
#   \approx \sqrt{\frac{\varepsilon}{1-\rho}} = 4.47\times10^{-3}\quad(\rho = 0.95,\ \varepsilon = 10^{-6})$$
#
# for every coordinate with $g_1^2 \gg \varepsilon$. Here ε is not a mere guard against
# division by zero: it sets the size of the first steps, in the units of $x$. (That is also
# why it must stay *inside* the roots for AdaDelta; erratum 2.)

# %%
g1 = np.array([100.0, 1.0, 0.01])
theta = np.zeros(3)
opt = numopt.AdaDelta()
opt.step(theta, g1)
closed = np.sqrt(opt.eps) * np.abs(g1) / np.sqrt((1 - opt.rho) * g1**2 + opt.eps)
print(f"sqrt(eps/(1-rho)) = {np.sqrt(opt.eps / (1 - opt.rho)):.6e}")
for gi, si, ci in zip(g1, -theta, closed, strict=True):
    print(f"g = {gi:6.2f}: first step {si:.6e}, closed form {ci:.6e}")
assert np.allclose(-theta, closed, rtol=1e-14, atol=0)

# %% [markdown]
# ### The units, checked: changing the units of $f$ changes nothing
# Multiply the loss by $c = 1000$ (measure it in different units): every gradient is
# multiplied by $c$. SGD's steps grow by $c$ — its learning rate would have to be retuned — but
# AdaDelta's ratio $g/\mathrm{RMS}[g]$ is unchanged, apart from ε in the denominator: the
# relative change of a step is about $\varepsilon / (2E[g^2])$. On $f(x) = \tfrac12(x_1^2 + 4x_2^2)$
# for 300 steps we compare the two runs with that size, accumulated over the 300 steps as if
# the per-step differences simply added up.
#
# Changing the units of $x$ is a different matter: AdaDelta's first steps are
# $\sqrt{\varepsilon/(1-\rho)}$ *in whatever units $x$ has*, so ε is where a length scale hides
# (exercise 2).

# %%
curv = np.array([1.0, 4.0])


def run_quadratic(opt, loss_scale, steps=300):
    """Run opt on loss_scale * ½ Σ curv x², from (1, -1); return the points and the smallest E[g²] seen."""
    x = np.array([1.0, -1.0])
    path, smallest = [x.copy()], np.inf
    for _ in range(steps):
        opt.step(x, loss_scale * curv * x)
        path.append(x.copy())
        if "E_g2" in opt.state:
            smallest = min(smallest, opt.state["E_g2"].min() / loss_scale**2)
    return np.array(path), smallest


base, smallest = run_quadratic(numopt.AdaDelta(), 1.0)
scaled, _ = run_quadratic(numopt.AdaDelta(), 1000.0)
diff = np.max(np.abs(base - scaled))
print(f"AdaDelta, loss x1000: max |x difference| over 300 steps = {diff:.1e} "
      f"(per-step relative size eps/(2 min E[g^2]) = {numopt.AdaDelta().eps / (2 * smallest):.1e}); "
      f"|x_300| = {np.abs(base[-1]).max():.3f}")
sgd_base, _ = run_quadratic(numopt.SGD(lr=0.1), 1.0, steps=1)
sgd_scaled, _ = run_quadratic(numopt.SGD(lr=0.1), 1000.0, steps=1)
sgd_ratio = np.abs(sgd_scaled[1] - sgd_scaled[0]) / np.abs(sgd_base[1] - sgd_base[0])
print(f"SGD, loss x1000: first step is {sgd_ratio[0]:.0f} times larger")
assert diff < 300 * numopt.AdaDelta().eps / (2 * smallest)

# %% [markdown]
# ### "No learning rate" versus Keras's default
# The same quadratic for 2000 steps with the paper's algorithm (`lr=1`) and with Keras's
# default multiplier `lr=1e-3` (erratum 14): the latter has barely left the starting point.

# %%
for lr in (1.0, 1e-3):
    path, _ = run_quadratic(numopt.AdaDelta(lr=lr), 1.0, steps=2000)
    loss = 0.5 * np.sum(curv * path[-1] ** 2)
    print(f"AdaDelta lr = {lr:6.0e}: loss after 2000 steps {loss:.3e} (start 2.5)")

# %% [markdown]
# ## 5. Where ε goes (erratum 2)
#
# Two placements are in use for AdaGrad, RMSProp, Adam and Nadam:
#
# * outside the root, $g/(\sqrt v + \varepsilon)$: Duchi et al., Kingma & Ba, doc 002, torch,
#   numopt's default;
# * inside, $g/\sqrt{v + \varepsilon}$: doc 003, Keras, optax; numopt's `eps_in_sqrt=True`.
#
# Take AdaGrad's first step, $v = g^2$. Outside gives $\eta\,g/(|g| + \varepsilon)$, inside
# $\eta\,g/\sqrt{g^2 + \varepsilon}$; their ratio is $(|g| + \varepsilon)/\sqrt{g^2 + \varepsilon}$.
#
# * If $|g| \gg \sqrt\varepsilon$ both are $\eta\,\mathrm{sign}(g)$ up to a relative
#   $\varepsilon/|g|$ (outside) or $\varepsilon/(2g^2)$ (inside): they agree.
# * If $|g| \ll \sqrt\varepsilon$, inside gives $\eta\,g/\sqrt\varepsilon$, proportional to a
#   tiny $g$: the coordinate is effectively frozen. Outside still gives a full step
#   $\approx\eta\,\mathrm{sign}(g)$ until $|g|$ falls to ε itself.
#
# So the inside placement acts as a threshold at $|g| \approx \sqrt\varepsilon$ ($10^{-4}$ for
# doc 003's ε = 1e-8), the outside placement at $|g| \approx \varepsilon$. Same ε for both
# below, so that only the placement differs.

# %%
eps = 1e-8
print("    |g|     outside/eta    inside/eta   inside/outside")
for gi in 10.0 ** np.arange(-12, 1, 2):
    steps = {}
    for inside in (False, True):
        theta = np.zeros(1)
        numopt.AdaGrad(lr=eta, eps=eps, eps_in_sqrt=inside).step(theta, np.array([gi]))
        steps[inside] = -theta[0]
    assert abs(steps[False] - eta * gi / (gi + eps)) <= 1e-15 * steps[False]
    assert abs(steps[True] - eta * gi / np.sqrt(gi**2 + eps)) <= 1e-15 * steps[True]
    print(f"{gi:8.0e}   {steps[False] / eta:.6e}   {steps[True] / eta:.6e}   {steps[True] / steps[False]:.3e}")

# %% [markdown]
# For ordinary gradient sizes the two agree over a whole run too. With every $|g| \ge 10^{-2}$,
# AdaGrad's $v \ge 10^{-4}$, and the two denominators differ from $\sqrt v$ by relative amounts
# of at most $\varepsilon/\sqrt v \le 10^{-6}$ (outside) and $\varepsilon/(2v) \le 5\times10^{-5}$
# (inside), so the rates differ by less than $5.1\times10^{-5}$ — and much less once $v$ has grown:

# %%
rng = np.random.default_rng(SEED)
grads = rng.uniform(0.01, 1.0, (500, 5)) * rng.choice([-1.0, 1.0], (500, 5))
out = effective_rates(numopt.AdaGrad(lr=eta, eps=eps), grads)
inn = effective_rates(numopt.AdaGrad(lr=eta, eps=eps, eps_in_sqrt=True), grads)
rel = np.max(np.abs(out - inn) / out)
print(f"500 AdaGrad steps, |g| in [0.01, 1]: max relative difference of the rates {rel:.1e}")
assert rel < 5.1e-5

# %% [markdown]
# ## 6. Picture: the effective rates side by side
#
# One stationary, noisy gradient stream, two coordinates whose gradients differ in scale by a
# factor 100: $g_{t,i} = s_i(1 + 0.5\,\xi_{t,i})$ with $s = (1, 0.01)$, 3000 steps. AdaGrad
# ($\eta = 0.1$) decays along $\eta/(s_i\sqrt{1.25\,t})$; RMSProp ($\eta = 0.01$, β = 0.9)
# fluctuates around $\eta/(s_i\sqrt{1.25})$; AdaDelta (lr = 1) starts at
# $\sqrt{\varepsilon/(1-\rho)}/\mathrm{RMS}[g]$ and drifts up slowly, because nothing in a
# stationary stream ever shrinks its $E[\Delta x^2]$. In both panels the rate is inversely
# proportional to the coordinate's gradient scale: each method equalises the *steps*, not the
# rates.

# %%
rng = np.random.default_rng(SEED)
s = np.array([1.0, 0.01])
stream = s * (1.0 + 0.5 * rng.standard_normal((3000, 2)))
t = np.arange(1, 3001)
methods = {
    "AdaGrad (η = 0.1)": numopt.AdaGrad(lr=0.1),
    "RMSProp (η = 0.01, β = 0.9)": numopt.RMSProp(lr=0.01),
    "AdaDelta (ρ = 0.95, ε = 1e-6)": numopt.AdaDelta(),
}
curves = {name: effective_rates(opt, stream) for name, opt in methods.items()}
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
for i, ax in enumerate(axes):
    for (name, r), color in zip(curves.items(), ("C0", "C1", "C2"), strict=True):
        ax.loglog(t, r[:, i], color=color, lw=0.8, label=name)
    ax.loglog(t, 0.1 / (s[i] * np.sqrt(1.25 * t)), "k--", lw=1, label=r"$0.1/(s_i\sqrt{1.25\,t})$")
    ax.axhline(0.01 / (s[i] * np.sqrt(1.25)), color="k", ls=":", lw=1, label=r"$0.01/(s_i\sqrt{1.25})$")
    ax.set_title(f"coordinate {i + 1}: gradient scale $s_{i + 1}$ = {s[i]:g}")
    ax.set_xlabel("step t")
axes[0].set_ylabel(r"effective rate $-\Delta\theta_i/g_i$")
axes[1].legend(fontsize=8, loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 7. On a problem
#
# The same three methods on `numopt.problems.Quadratic` (condition number 10, valley rotated by 30°,
# minimum at (1, 1)) for 1000 steps, with η = 0.05 for AdaGrad and RMSProp (the problem's suggested
# rate for adaptive methods) and AdaDelta's lr = 1. What to expect from sections 2–4: AdaGrad's shrinking rate
# makes it slow down steadily; RMSProp keeps a rate of about $\eta/\mathrm{RMS}[g]$, so it gets close
# fast but cannot settle, since its steps stay about η long; AdaDelta starts with ε-sized steps
# and speeds up as $E[\Delta x^2]$ grows.

# %%
quad = Quadratic()
methods = {"adagrad": numopt.AdaGrad(lr=0.05), "rmsprop": numopt.RMSProp(lr=0.05), "adadelta": numopt.AdaDelta()}
runs = {key: run(opt, quad, 1000) for key, opt in methods.items()}
for tr in runs.values():
    print(f"{tr.key:9s} loss - min after 10/100/1000 steps: "
          + " / ".join(f"{tr.gaps[k]:.2e}" for k in (10, 100, 1000)))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
numopt.plot.contours(quad, runs, ax=ax1)
numopt.plot.loss_curves(runs, ax=ax2)
fig.tight_layout()
plt.show()

# %% [markdown]
# All three follow nearly the same path at first: their early steps are all close to
# (step size) × sign(g). Then they part. RMSProp passes the minimum near step 100 (the sharp dip)
# and ends in a cycle of steps whose loss stays at $5.9\times10^{-3}$ — the price of a rate that
# does not decay. AdaGrad's loss falls at every step, but it is still creeping at step 1000. AdaDelta, slowest
# at first, has grown its steps enough to pass the minimum near step 780, and then its loss rises
# again, to $5.5\times10^{-4}$ at step 1000: the step length it has learned is too long for the
# bottom of the valley. None of these is "the best"; each is the behaviour its
# accumulator predicts.
#
# ## What to remember
# * AdaGrad, RMSProp and AdaDelta all scale each coordinate's gradient by its own rate; the first
#   AdaGrad step is $\approx\eta\,\mathrm{sign}(g)$ whatever the gradient's scale.
# * AdaGrad's $v$ only grows: for a stationary gradient the rate falls like $t^{-1/2}$ (slope
#   measured: −0.5), and one early large gradient depresses it for thousands of steps.
# * RMSProp's EWMA estimates $E[g^2]$ (uncentred) over about $1/(1-\beta)$ steps, so the rate settles
#   at about $\eta/\sqrt{E[g^2]}$ — after a start that is too large, since there is no bias correction.
# * AdaDelta uses $\mathrm{RMS}[\Delta x]_{t-1}/\mathrm{RMS}[g]_t$, which has the units of $x/g$ like
#   $H^{-1}$; the paper has no learning rate (lr = 1), uses $t-1$ because $\Delta x_t$ is unknown, and
#   ε sets its first steps ($\sqrt{\varepsilon/(1-\rho)}$). Doc 001 calls the final formula
#   "Adagrad" (erratum 3) and gives no ρ, ε (erratum 14).
# * ε outside ($\sqrt v + \varepsilon$) and inside ($\sqrt{v+\varepsilon}$) agree for
#   $|g| \gg \sqrt\varepsilon$; inside freezes coordinates with $|g| \lesssim \sqrt\varepsilon$ (erratum 2).
#
# ## Exercises
# 1. AdaGrad with a gradient that shrinks like $g_t = t^{-1/2}$: show that $v_t \approx \ln t$, so
#    the effective rate decays only like $1/\sqrt{\ln t}$. Verify with `effective_rates` and
#    `numopt.AdaGrad`. What does this say about AdaGrad near an optimum?
# 2. Run AdaDelta on the quadratic of section 4 after the change of units $y = 10\,x$ (gradients
#    in $y$ are those in $x$ divided by 10). Compare the path in $y$ divided by 10 with the
#    path in $x$, and explain the difference with the first-step formula $\sqrt{\varepsilon/(1-\rho)}$.
#    Which ε makes the two agree on the first step?
# 3. For a constant gradient, show that AdaDelta's $E[\Delta x^2]_t$ grows by about $(1-\rho)\varepsilon$
#    per step once $E[g^2]_t \approx g^2$, so that its step grows like $\sqrt t$. Check it with
#    `numopt.AdaDelta` over $10^4$ steps, and explain why this does not happen on the quadratic.
