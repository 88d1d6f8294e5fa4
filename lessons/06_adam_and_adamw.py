# %% [markdown]
# # Lesson 06 — Adam and AdamW
#
# **Two puzzles.** Give Adam a gradient of 1000 in one coordinate and 0.001 in another: its first step
# moves both by the same amount, $\eta$. Run Adam with an L2 penalty $\lambda$ next to AdamW with the same $\lambda$
# on a
# quadratic: one coordinate stops at 1.8 under Adam and at 10 under AdamW. By the end of the lesson
# both are predicted in closed form.
#
# Sources: doc 002 (the "Adam Optimizer" post) and doc 000 §1 (the AdaX post, which rewrites Adam's
# second moment). Where they are wrong, Kingma & Ba and Loshchilov & Hutter decide; erratum numbers
# are those of the [errata](../docs/sources.md#errata).
#
# Plan: 1. the algorithm, stepped through; 2. what bias correction does and does not do; 3. the first
# step; 4. doc 000's rewriting with $\hat\beta_{2,t}$; 5. L2 versus decoupled weight decay.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import numopt
from numopt.grading import grade
from numopt.problems import LogisticRegression
from numopt.theory import adam_beta2_hat, bias_correction, ewma, ewma_weights

SEED = 0

# %% [markdown]
# ## 1. The algorithm
#
# Momentum keeps an EWMA of the gradients, RMSprop an EWMA of their squares; Adam keeps both and
# divides one by the root of the other (doc 002, doc 000 §1, Kingma & Ba Algorithm 1). With
# $m_0 = v_0 = 0$, at steps $t = 1, 2, \dots$:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1)\,g_t, \qquad \hat m_t = \frac{m_t}{1-\beta_1^t},$$
#
# $$v_t = \beta_2 v_{t-1} + (1-\beta_2)\,g_t^2, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t},$$
#
# $$\theta_t = \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon},$$
#
# defaults $\eta = 10^{-3}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$.
# `numopt.explain` runs three steps from the zero state with the same gradient $g = (1000, 0.001)$ and
# shows every line: $m_t$ and $v_t$ start far below $g$ and $g^2$ (only the fraction $1-\beta^t$ of
# their weight has arrived), and dividing by $1-\beta_1^t$ and $1-\beta_2^t$ gives back $\hat m_t = g$
# and $\hat v_t = g^2$ at every step.

# %%
g_demo = np.array([1000.0, 1e-3])
steps_demo = numopt.explain(numopt.Adam(lr=0.1), np.zeros(2), g_demo, steps=3)
display(steps_demo)

# %% [markdown]
# **Erratum 1.** Where doc 002 first combines the two moments it writes
# $m_t \leftarrow \beta_1 m_{t-1} + (1-\beta)g_t$; its algorithm box a few lines later has the intended
# $(1-\beta_1)$. Read literally with $\beta = \beta_2$, a constant gradient $g$ would give
# $\hat m_t = \frac{1-\beta_2}{1-\beta_1}\,g = 0.01\,g$ at every step: every step a hundred times too small.

# %%
# Verification
for t in (1, 2, 3):
    assert np.isclose(steps_demo.value_of("1 - beta1 ** t", t=t), 1 - 0.9**t, rtol=1e-15)
    assert np.allclose(steps_demo.value_of("m", t=t), (1 - 0.9**t) * g_demo, rtol=1e-15)
    assert np.allclose(steps_demo.value_of("v", t=t), (1 - 0.999**t) * g_demo**2, rtol=1e-14)
    assert np.allclose(steps_demo.value_of("m_hat", t=t), g_demo, rtol=1e-15)
    assert np.allclose(steps_demo.value_of("v_hat", t=t), g_demo**2, rtol=1e-13)
    assert np.allclose(steps_demo.value_of("theta", t=t), -0.1 * t, rtol=2e-5)  # η per step, both coordinates
beta1, beta2, T = 0.9, 0.999, 50
t = np.arange(1, T + 1)
ones = np.ones(T)
m_right = ewma(ones, beta1) / bias_correction(beta1, t)  # (1 − β1) g: the EWMA
m_slip = ewma(ones, beta1) * (1 - beta2) / (1 - beta1) / bias_correction(beta1, t)  # (1 − β2) g
print(f"constant g = 1: m_hat with (1-beta1): {m_right.min():.6f} .. {m_right.max():.6f}; "
      f"with (1-beta2): {m_slip.min():.6f} .. {m_slip.max():.6f}")
assert np.allclose(m_right, 1.0, rtol=1e-14) and np.allclose(m_slip, 0.01, rtol=1e-12)

# %% [markdown]
# ## 2. What bias correction does — and what it does not
#
# With $m_0 = 0$ the EWMA unrolls to $m_t = \sum_{i=1}^{t}(1-\beta_1)\beta_1^{t-i}g_i$, with weights summing to
# $1-\beta_1^t$ (lesson 02), so
#
# $$E[m_t] = \sum_{i=1}^{t}(1-\beta_1)\beta_1^{t-i}E[g_i].$$
#
# **If the gradients are stationary**, $E[g_i] = E[g]$, this is $(1-\beta_1^t)E[g]$ and $\hat m_t$ is
# unbiased; likewise $E[\hat v_t] = E[g^2]$. That is the whole justification of the correction, and its
# limit: doc 002 calls $\hat m_t, \hat v_t$ "unbiased estimates" without the condition (erratum 10). Doc 002
# also calls $v_t$ an average of the "variance" (方差); it is the EWMA of $g^2$, the **uncentred** second
# moment, $E[\hat v_t] = \mathrm{Var}[g] + E[g]^2$ (erratum 10).
#
# We check both on $N = 20\,000$ independent stationary streams $g \sim \mathcal N(1, 0.25)$, one per
# coordinate, allowing five standard errors of the mean ($\sigma/\sqrt N$ for $\hat m$,
# $\sqrt{\mathrm{Var}[g^2]/N}$ for $\hat v$).

# %%
rng = np.random.default_rng(SEED)
mu, sigma, N = 1.0, 0.5, 20_000
Eg2, var_g2 = mu**2 + sigma**2, 2 * sigma**4 + 4 * mu**2 * sigma**2
opt = numopt.Adam()
theta = np.zeros(N)
worst_m, worst_v = 0.0, 0.0
print("   t   mean m (raw)  mean m_hat   mean v (raw)  mean v_hat   [E[g] = 1, E[g^2] = 1.25, Var[g] = 0.25]")
for step in range(1, 201):
    opt.step(theta, mu + sigma * rng.standard_normal(N))
    m, v = opt.state["m"], opt.state["v"]
    m_hat, v_hat = m / bias_correction(opt.beta1, step), v / bias_correction(opt.beta2, step)
    worst_m = max(worst_m, abs(m_hat.mean() - mu) / (sigma / np.sqrt(N)))
    worst_v = max(worst_v, abs(v_hat.mean() - Eg2) / np.sqrt(var_g2 / N))
    if step in (1, 2, 5, 20, 200):
        print(f"{step:4d}   {m.mean():10.4f}   {m_hat.mean():10.4f}   {v.mean():10.4f}   {v_hat.mean():10.4f}")

# %% [markdown]
# **Non-stationary gradients.** Let the gradient drift linearly, $g_t = b\,t$. Writing
# $g_i = g_t - b\,(t-i)$ and summing the weights,
#
# $$\hat m_t = g_t - b\left(\frac{\beta_1}{1-\beta_1} - \frac{t\,\beta_1^t}{1-\beta_1^t}\right).$$
#
# The bracket is the mean age of the normalised weights, which tends to $\beta_1/(1-\beta_1) = 9$: once $t$
# is large $\hat m_t$ lags the current gradient by $9b$, i.e. it equals the gradient of 9 steps ago.
# Bias correction removes the bias of starting at $m_0 = 0$, not the lag of an average over a moving target.

# %%
b_drift = 0.01
opt = numopt.Adam()
theta = np.zeros(1)
worst = 0.0
for step in range(1, 301):
    g_t = b_drift * step
    opt.step(theta, np.array([g_t]))
    m_hat = opt.state["m"][0] / bias_correction(opt.beta1, step)
    lag = b_drift * (opt.beta1 / (1 - opt.beta1) - step * opt.beta1**step / bias_correction(opt.beta1, step))
    worst = max(worst, abs(m_hat - (g_t - lag)) / g_t)
    if step in (1, 10, 100, 300):
        print(f"t = {step:3d}: g_t = {g_t:.2f}, m_hat = {m_hat:.6f}, lag g_t - m_hat = {g_t - m_hat:.6f} "
              f"= {(g_t - m_hat) / b_drift:.4f} steps of drift")

# %%
# Verification
assert worst_m < 5 and worst_v < 5  # stationary: m̂ and v̂ unbiased at every one of the 200 steps
assert abs(v_hat.mean() - sigma**2) > 0.9  # v̂ estimates E[g²] = 1.25, not Var[g] = 0.25
assert worst < 1e-12  # numopt's m̂ against the lag formula, to rounding
ages = step - np.arange(1, step + 1)  # age t − i of g_i at t = 300
mean_age = np.sum(ages * ewma_weights(opt.beta1, step)) / bias_correction(opt.beta1, step)
assert abs(lag / b_drift - mean_age) < 1e-12 and abs(mean_age - 9) < 1e-10  # the lag is 9 steps, i.e. 9b
assert abs((g_t - m_hat) / b_drift - 9) < 1e-8

# %% [markdown]
# ## 3. The first step is $\approx \eta\,\mathrm{sign}(g)$
#
# At $t = 1$: $\hat m_1 = g_1$ and $\hat v_1 = g_1^2$, so
#
# $$\theta_1 - \theta_0 = -\eta\,\frac{g_1}{|g_1| + \varepsilon}
#   = -\eta\,\mathrm{sign}(g_1)\,\bigl(1 - O(\varepsilon/|g_1|)\bigr):$$
#
# a step of length $\eta$ in every coordinate, whatever the size of its gradient, as long as $|g_1| \gg \varepsilon$
# (the first puzzle; section 1's table showed it for 1000 and 0.001). Without the correction the first step would
# be $\eta(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.16\,\eta$.

# %%
g1 = np.array([1e3, 1.0, 1e-3, -1e-6])
theta = np.zeros(4)
opt = numopt.Adam()
opt.step(theta, g1)
for gi, si in zip(g1, theta, strict=True):
    print(f"g = {gi:+8.0e}: step / eta = {si / opt.lr:+.10f}   eps/|g| = {opt.eps / abs(gi):.1e}")

# %%
# Verification
assert np.allclose(theta, -opt.lr * g1 / (np.abs(g1) + opt.eps), rtol=1e-15, atol=0)
assert np.all(np.abs(np.abs(theta) / opt.lr - 1) <= 1.01 * opt.eps / np.abs(g1))
assert abs((1 - opt.beta1) / np.sqrt(1 - opt.beta2) - 3.16) < 0.005

# %% [markdown]
# ## 4. Doc 000's rewriting: $\hat\beta_{2,t}$
#
# Doc 000 §1 asks how $\hat v_t$ itself evolves. Substitute $v_{t-1} = (1-\beta_2^{t-1})\hat v_{t-1}$:
#
# $$\hat v_t = \frac{\beta_2 v_{t-1} + (1-\beta_2)g_t^2}{1-\beta_2^t}
#   = \hat\beta_{2,t}\,\hat v_{t-1} + (1-\hat\beta_{2,t})\,g_t^2, \qquad
#   \hat\beta_{2,t} = \beta_2\,\frac{1-\beta_2^{t-1}}{1-\beta_2^t},$$
#
# since $1-\beta_2^t - \beta_2 + \beta_2^t = 1-\beta_2$. So $\hat v_t$ is itself an EWMA with a **time-varying**
# rate: $\hat\beta_{2,1} = 0$ ($\hat v_1 = g_1^2$) and $\hat\beta_{2,t}\to\beta_2$. While $t(1-\beta_2) \ll 1$,
# $\beta_2^t \approx 1 - t(1-\beta_2)$ gives $\hat\beta_{2,t} \approx 1 - 1/t$: the rate of a plain running
# mean. Early on $\hat v_t$ averages *all* squared gradients so far; after about $1/(1-\beta_2) = 1000$ steps
# it is an EWMA with a 1000-step window. Doc 000 uses this to motivate AdaX (lesson 08), whose rate tends to 1.

# %%
b2 = 0.999
ts = np.array([1, 2, 3, 10, 100, 1000, 10_000, 100_000])
theory = adam_beta2_hat(b2, ts)
print("      t   beta2_hat   beta2 (t-1)/t   beta2")
for k, bh in zip(ts, theory, strict=True):
    print(f"{k:7d}   {bh:.6f}    {b2 * (k - 1) / k:.6f}        {b2}")

# %%
# Verification
naive = b2 * (1 - b2 ** (ts - 1.0)) / (1 - b2**ts)  # the formula written out (cancellation: ~1e-13)
assert adam_beta2_hat(b2, 1) == 0.0
assert np.all(np.abs(theory[1:] - naive[1:]) <= 1e-13 * naive[1:])
# β2 − β̂2,t = β2ᵗ(1 − β2)/(1 − β2ᵗ), written without cancellation; where it is representable next to β2 it
# must match, and beyond (t = 10⁵: about 4e-47, far below β2's rounding unit 1e-16) β̂2,t is β2 itself
gap = b2**ts * (1 - b2) / (1 - b2**ts)
assert np.allclose(b2 - theory[1:7], gap[1:7], rtol=1e-13, atol=1e-15)  # t = 2 .. 10⁴; atol: β2's rounding
assert gap[-1] < 1e-40 and theory[-1] == b2
rng = np.random.default_rng(SEED)
opt = numopt.Adam()
theta = np.zeros(5)
v_hat_prev, worst = None, 0.0
for step in range(1, 3001):  # the recursion on numopt.Adam's own state
    g = rng.standard_normal(5) * np.exp(rng.standard_normal())  # scale changes from step to step
    opt.step(theta, g)
    v_hat = opt.state["v"] / bias_correction(opt.beta2, step)
    if v_hat_prev is not None:
        bh = adam_beta2_hat(opt.beta2, step)
        worst = max(worst, np.max(np.abs(v_hat - (bh * v_hat_prev + (1 - bh) * g**2)) / v_hat))
    v_hat_prev = v_hat
assert worst < 1e-13

# %%
t_axis = np.unique(np.logspace(0, 5, 400).astype(int))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for b2, color in ((0.99, "C1"), (0.999, "C0")):
    bh = adam_beta2_hat(b2, t_axis)
    ax1.semilogx(t_axis, bh, color=color, label=rf"$\hat\beta_{{2,t}}$, $\beta_2$ = {b2}")
    ax2.loglog(t_axis, 1 - bh, color=color, label=rf"$1-\hat\beta_{{2,t}}$, $\beta_2$ = {b2}")
    ax2.axhline(1 - b2, color=color, ls=":", lw=1)
ax1.semilogx(t_axis, 1 - 1 / t_axis, "k--", lw=1, label=r"$1 - 1/t$ (running mean)")
ax2.loglog(t_axis, 1 / t_axis, "k--", lw=1, label=r"$1/t$ (running mean)")
ax2.plot([], [], "k:", lw=1, label=r"$1-\beta_2$")
ax1.set_ylabel(r"decay rate $\hat\beta_{2,t}$ of $\hat v_t$")
ax1.set_title(r"$\hat\beta_{2,t}$: 0 at $t = 1$, then $\to \beta_2$")
ax2.set_ylabel(r"weight $1-\hat\beta_{2,t}$ of the newest $g_t^2$")
ax2.set_title(r"running mean first, EWMA after $\approx 1/(1-\beta_2)$ steps")
for ax in (ax1, ax2):
    ax.set_xlabel("step t")
    ax.legend(loc="lower right" if ax is ax1 else "lower left", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 5. L2 regularisation versus decoupled weight decay (erratum 9)
#
# Doc 002 adds $\frac\lambda2\lVert w\rVert^2$ to the loss and states: "if $L$ is linear in $w$, L2
# regularisation is equivalent to weight decay; for Adam they are not identical." The second half is right;
# the first puts the condition in the wrong place: it is on the optimizer, not the loss.
#
# **Plain SGD, any loss.** L2 adds $\lambda\theta$ to the gradient:
# $\theta_t = \theta_{t-1} - \eta(\nabla L(\theta_{t-1}) + \lambda\theta_{t-1})
# = (1-\eta\lambda)\theta_{t-1} - \eta\nabla L(\theta_{t-1})$,
# which is exactly decoupled decay $\theta_t = (1-\eta\lambda')\theta_{t-1} - \eta\nabla L(\theta_{t-1})$ with
# $\lambda' = \lambda$ (in the paper's schedule-only form, $\lambda_p = \eta\lambda$), for **every** $L$. We
# check it with hand-written SGD on the non-linear loss of `numopt.problems.LogisticRegression` (the two
# updates differ only in the order of roundings).

# %%
logistic = LogisticRegression()
logistic_grad = logistic.grad  # full-batch gradient ∇L(w)
eta, lam = 0.5, 0.05
w0 = logistic.init()
w_l2, w_dec, w_paper = w0.copy(), w0.copy(), w0.copy()
worst = 0.0
for _ in range(300):
    w_l2 = w_l2 - eta * (logistic_grad(w_l2) + lam * w_l2)  # L2: the penalty's gradient is added
    w_dec = (1 - eta * lam) * w_dec - eta * logistic_grad(w_dec)  # decoupled, lr-coupled (torch)
    w_paper = w_paper - eta * lam * w_paper - eta * logistic_grad(w_paper)  # paper form, λ_p = ηλ
    worst = max(worst, np.max(np.abs(w_dec - w_l2)), np.max(np.abs(w_paper - w_l2)))
print(f"SGD on logistic regression, 300 steps: L2 and decoupled decay {'within' if worst < 1e-12 else 'NOT within'} "
      "1e-12 of each other over the whole path")
sgd_worst = worst

# %% [markdown]
# **Momentum.** With L2 the term $\lambda\theta$ enters the velocity and is accumulated with the gradients,
# amplified up to $1/(1-\beta) = 10$ times; decoupled decay acts on the current $\theta$ once. With
# $\lambda' = \lambda/(1-\beta)$ both have the same fixed points ($\nabla L(\theta) + \lambda\theta = 0$), but
# no rescaling of $\lambda$ makes the two updates the same map:

# %%
def momentum_run(lam_l2, lam_decoupled, steps=300):
    """numopt.Momentum on the logistic loss, with L2 (through the gradient) and/or decoupled decay."""
    opt, w = numopt.Momentum(lr=0.1, beta=0.9), w0.copy()
    path = [w.copy()]
    for _ in range(steps):
        g = logistic_grad(w) + lam_l2 * w
        w *= 1 - opt.lr * lam_decoupled  # θ ← θ(1 − ηλ')
        opt.step(w, g)
        path.append(w.copy())
    return np.array(path)


l2_path = momentum_run(lam, 0.0)
momentum_gaps = []
for lam_dec in (lam, lam / (1 - 0.9)):
    dec_path = momentum_run(0.0, lam_dec)
    momentum_gaps.append(np.max(np.abs(dec_path - l2_path)))
    print(f"Momentum: L2 lambda = {lam} vs decoupled lambda' = {lam_dec:.2f}: max |difference| along the "
          f"path {momentum_gaps[-1]:.3f}, final norms {np.linalg.norm(l2_path[-1]):.4f} vs "
          f"{np.linalg.norm(dec_path[-1]):.4f}")

# %% [markdown]
# **Adam.** With L2 (`numopt.Adam(weight_decay=λ)`, torch's Adam) the penalty gradient $\lambda\theta$ is
# added *before* the moments and normalised by $\sqrt{\hat v}$ together with the loss gradient. At a fixed
# point $\hat m = 0$, i.e. $\nabla L(\theta) + \lambda\theta = 0$: Adam + L2 finds the minimiser of the
# regularised loss.
#
# With decoupled decay (`numopt.AdamW(weight_decay=λ)`) every coordinate shrinks by $1-\eta\lambda$ and the
# normalised step comes on top. On a deterministic problem $\hat m \to g$, $\hat v \to g^2$ at a fixed point,
# and the balance is $g_i/(|g_i| + \varepsilon) = -\lambda\theta_i$: a normalised step of size up to 1 against a
# decay of $\lambda|\theta_i|$. If $|\theta_i| < 1/\lambda$ this forces $g_i \approx 0$, the *unregularised*
# minimiser; otherwise $\theta_i$ stops at $\pm1/\lambda$. For a separable loss the fixed point is the
# minimiser of $L$ in the box $|\theta_i| \le 1/\lambda$. Shuo Xie and Zhiyuan Li give the general form: a
# full-batch AdamW that converges reaches a KKT point of $L$ under $\|\theta\|_\infty \le 1/\lambda$ ("Implicit
# Bias of AdamW: ℓ∞-Norm Constrained Optimization", ICML 2024, arXiv:2404.04454).
#
# The second puzzle: $L(\theta) = \frac12\sum_i a_i(\theta_i - c_i)^2$ with $a = (100, 1, 0.01)$,
# $c = (0.5, 2, 20)$, $\lambda = 0.1$, $\eta = 0.05$, 4000 steps from 0.
# * Adam + L2 → $a_i c_i/(a_i + \lambda)$ = (0.4995, 1.818, 1.818).
# * AdamW → $\mathrm{clip}(c_i, \pm 1/\lambda)$ = (0.5, 2, 10); the third coordinate gets there slowly, as
#   $\hat v$ forgets the large gradients of the start.

# %%
a_quad = np.array([100.0, 1.0, 0.01])
c_quad = np.array([0.5, 2.0, 20.0])
lam_q, eta_q, steps_q = 0.1, 0.05, 4000


def quad_path(opt):
    """Run opt on ½ Σ a (θ − c)² from θ = 0; return all points, shape (steps_q + 1, 3)."""
    th = np.zeros(3)
    path = [th.copy()]
    for _ in range(steps_q):
        opt.step(th, a_quad * (th - c_quad))
        path.append(th.copy())
    return np.array(path)


adam_l2 = quad_path(numopt.Adam(lr=eta_q, weight_decay=lam_q))
adamw = quad_path(numopt.AdamW(lr=eta_q, weight_decay=lam_q))
l2_min = a_quad * c_quad / (a_quad + lam_q)
box_min = np.clip(c_quad, -1 / lam_q, 1 / lam_q)
print(f"Adam + L2 : final {np.array2string(adam_l2[-1], precision=5)}  L2 minimiser   "
      f"{np.array2string(l2_min, precision=5)}")
print(f"AdamW     : final {np.array2string(adamw[-1], precision=5)}  box minimiser  "
      f"{np.array2string(box_min, precision=5)}")

# %%
# Verification
assert sgd_worst < 1e-12  # SGD: L2 and decoupled decay are the same map, up to the order of roundings
assert min(momentum_gaps) > 1e-3  # Momentum: different paths for either λ'
assert np.max(np.abs(adam_l2[-1] - l2_min)) < 1e-6  # Adam may keep a tiny oscillation at a constant η
assert np.max(np.abs(adamw[-1, :2] - box_min[:2])) < 0.01 < np.max(np.abs(adamw[-1] - l2_min))
assert abs(adam_l2[-1, 2] - 1.818) < 1e-3 and 9 < adamw[-1, 2] <= 10 + 1e-9

# %%
t_q = np.arange(1, steps_q + 1)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for i, color in enumerate(("C0", "C1", "C2")):
    ax1.semilogx(t_q, adam_l2[1:, i], color=color, label=rf"$\theta_{i + 1}$ Adam + L2")
    ax1.semilogx(t_q, adamw[1:, i], color=color, ls="--", label=rf"$\theta_{i + 1}$ AdamW")
ax1.axhline(1 / lam_q, color="k", ls=":", lw=1, label=r"$1/\lambda$")
ax1.set_xlabel("step t (log scale)")
ax1.set_ylabel("coordinate value")
ax1.set_title(r"$a = (100, 1, 0.01)$, $c = (0.5, 2, 20)$, $\lambda = 0.1$")
ax1.legend(fontsize=8, ncol=2, loc="center left")
ax2.semilogx(t_q, np.linalg.norm(adam_l2[1:], axis=1), label="Adam(weight_decay=0.1)  (L2)")
ax2.semilogx(t_q, np.linalg.norm(adamw[1:], axis=1), "--", label="AdamW(weight_decay=0.1)  (decoupled)")
ax2.axhline(np.linalg.norm(l2_min), color="C0", ls=":", lw=1)
ax2.axhline(np.linalg.norm(box_min), color="C1", ls=":", lw=1)
ax2.set_xlabel("step t (log scale)")
ax2.set_ylabel(r"$\Vert\theta_t\Vert_2$")
ax2.set_title("norm of the iterate; dotted: the two predicted limits")
ax2.legend(fontsize=8, loc="center left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### AdamW's two forms
#
# Doc 002 and torch decay by $\theta_{t-1}(1-\eta\lambda)$ with the *full* step size $\eta$. Loshchilov & Hutter's
# Algorithm 2 writes
# $\theta_t = \theta_{t-1} - s_t\bigl(\alpha\,\hat m_t/(\sqrt{\hat v_t}+\varepsilon) + \lambda_p\theta_{t-1}\bigr)$,
# with base rate $\alpha$ and schedule multiplier $s_t$: the decay per step is $s_t\lambda_p$, without $\alpha$. With
# $\eta_t = \alpha s_t$ the two agree when $\lambda = \lambda_p/\alpha$; but in torch's form doubling $\alpha$ doubles
# the decay, in the paper's it does not (the decoupling the paper is named for). A zero gradient isolates the
# decay ($m = v = 0$, the Adam step is 0); with a cosine schedule over 100 steps:

# %%
alpha, lam_p, steps_w = 0.01, 1e-3, 100


def cosine(t):
    """The schedule multiplier s_t."""
    return 0.5 * (1 + np.cos(np.pi * (t - 1) / steps_w))


s = cosine(np.arange(1, steps_w + 1))
decays = {}
for base_lr in (alpha, 2 * alpha):
    opt = numopt.AdamW(lr=lambda t, base_lr=base_lr: base_lr * cosine(t), weight_decay=lam_p / alpha)
    theta = np.ones(1)
    for _ in range(steps_w):
        opt.step(theta, np.zeros(1))
    torch_form = np.prod(1 - base_lr * s * lam_p / alpha)
    paper_form = np.prod(1 - s * lam_p)
    decays[base_lr] = (theta[0], torch_form, paper_form)
    print(f"alpha = {base_lr}: numopt.AdamW theta_100 = {theta[0]:.10f}, torch form {torch_form:.10f}, "
          f"paper form (lambda_p = {lam_p}) {paper_form:.10f}")

# %%
# Verification
for numopt_value, torch_form, _ in decays.values():
    assert abs(numopt_value - torch_form) < steps_w * 2.3e-16
assert abs(decays[alpha][0] - decays[alpha][2]) < 1e-14  # α = 0.01: λ = λ_p/α, all three agree
assert abs(np.log(decays[2 * alpha][0]) / np.log(decays[alpha][0]) - 2) < 2e-3  # α doubled: decay doubled

# %% [markdown]
# ## What to remember
# * Adam = EWMA of $g$ + EWMA of $g^2$ + bias correction; doc 002's $(1-\beta)$ means $(1-\beta_1)$ (erratum 1).
# * Bias correction removes the bias of starting at zero; $\hat m, \hat v$ are unbiased only for stationary
#   gradients (a drifting gradient is seen $\beta_1/(1-\beta_1) = 9$ steps late), and $v$ estimates $E[g^2]$,
#   not the variance (erratum 10).
# * The first step is $\eta\,g/(|g|+\varepsilon) \approx \eta\,\mathrm{sign}(g)$ in every coordinate.
# * $\hat v_t$ is an EWMA with rate $\hat\beta_{2,t}$: 0 at $t=1$, $\approx 1-1/t$ early, $\to \beta_2$ (doc 000 §1).
# * L2 and decoupled decay are the same map for plain SGD with any loss and differ under momentum and Adam
#   (erratum 9): Adam + L2 finds the L2-regularised minimiser, AdamW the box-constrained one. torch's AdamW
#   couples the decay to the learning rate, the paper's to the schedule only.

# %% [markdown]
# ## Exercises
# 1. Derive the lag of $\hat v_t$ for gradients whose magnitude drifts, $g_t = b\,t$, and check it on
#    `numopt.Adam`'s state as in section 2. How many steps does $\hat v_t$ lag behind $g_t^2$?
# 2. Show that Adam's first step is $\eta\,\mathrm{sign}(g_1)$ also with `eps_in_sqrt=True` as long as
#    $g_1^2 \gg \varepsilon$, and find the size of $|g_1|$ below which the two placements differ by more
#    than 1 %.
# 3. Repeat the quadratic experiment with noisy gradients $a(\theta - c) + \sigma\xi$, $\sigma = 1$. Argue that
#    at equilibrium AdamW satisfies $E[g_i]/\sqrt{E[g_i^2]} \approx -\lambda\theta_i$, so that it acts like
#    L2 with a per-coordinate strength $\lambda\sqrt{E[g_i^2]}$, and test the prediction.


# %% [markdown]
# ## Lab: write Adam's update
#
# Write `adam_update(param, grad, state, t)`: one step, where `state` is `None` at $t = 1$ and afterwards what the
# previous call returned; return `(new_param, new_state)`. The body below is a first attempt with a mistake students
# often make. The next cell runs numopt's grader in this process: it steps your function and `numopt.Adam`
# through the same seeded cases and names the mistake it recognises. Fix the body until the checks pass (the
# solutions notebook has the answer). A course's student version replaces the body by
# `raise NotImplementedError()` ([lessons/README](README.md#labs-and-student-versions)).

# %%
def adam_update(param, grad, state, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (§1's box); state is the pair (m, v); returns (new_param, new_state)."""
    # TODO: write the update; the grader in the next cell checks it
    # BEGIN SOLUTION
    m, v = (np.zeros_like(param), np.zeros_like(param)) if state is None else state
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v)
    # END SOLUTION


# %%
print(grade(adam_update, "adam", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}).summary())
