# %% [markdown]
# # Lesson 02 — The exponentially weighted moving average and its bias correction
#
# **A failing run.** Average the constant input 40, 40, 40 with the exponentially weighted
# moving average (EWMA) that RMSProp, AdaDelta, Adam and Nadam use, $\beta = 0.9$ (Momentum's
# $b_t = \beta b_{t-1} + g_t$ has the same geometric weights without the factor $1-\beta$: a sum, not an
# average, lesson 03):

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt import theory
from numopt.widgets import ewma as ewma_widget

rng = np.random.default_rng(2)
print("EWMA of 40, 40, 40:", np.round(theory.ewma([40.0, 40.0, 40.0], 0.9), 4))

# %% [markdown]
# The average of three 40s comes out as 4, then 7.6. Doc 003 (the survey deck) fixes this with a
# recursion that gives 40, then 210.5, then 713.9 (§3). Which correction is right, and how many
# past observations does the average actually look at (§4)? This lesson answers both, checks
# each property with `numopt.theory`, and corrects two slips in the deck (errata 4 and 5, in
# [docs/sources.md](../docs/sources.md#errata)).
#
# **The recursion.** Given $x_1, x_2, \dots$ and a decay rate $0 \le \beta < 1$,
# $v_0 = 0$, $v_t = \beta\, v_{t-1} + (1-\beta)\, x_t$. Substituting it into itself,
#
# $$v_t = \sum_{i=1}^{t} (1-\beta)\,\beta^{t-i}\, x_i ,\qquad
#   \sum_{i=1}^{t} (1-\beta)\beta^{t-i} = 1-\beta^t .$$
#
# The newest observation weighs $1-\beta$ and each step back multiplies the weight by $\beta$.
# The weights do not sum to one: the missing mass $\beta^t$ is the weight the average gives to
# $v_0 = 0$. Early on it is large and pulls $v_t$ towards zero: the *bias*.

# %% [markdown]
# ## 1. The unrolled sum and the sum of the weights
#
# `theory.ewma(x, beta)` runs the recursion; `theory.ewma_weights(beta, t)` returns the
# weights $w_1,\dots,w_t$ of the unrolled sum, and `theory.bias_correction(beta, t)` is
# $1-\beta^t$. The recursion and the sum must give the same $v_t$ up to rounding (a few units
# in the last place for 20 terms, far below the $10^{-12}$ we assert).

# %%
t, beta = 20, 0.9
x = rng.normal(40.0, 5.0, size=t)
w = theory.ewma_weights(beta, t)
print(f"recursion v_20 = {theory.ewma(x, beta)[-1]:.10f};  unrolled sum v_20 = {w @ x:.10f}")
print(f"beta = 0.9, t = 20: sum of the weights = {w.sum():.10f} = 1 - beta^t = {theory.bias_correction(beta, t):.10f}")

# %%
# Verification
assert abs(theory.ewma(x, beta)[-1] - w @ x) < 1e-12 * abs(w @ x)
for b in (0.5, 0.9, 0.99):
    for n in (1, 5, 20):
        total = theory.ewma_weights(b, n).sum()
        print(f"beta={b:<5} t={n:>2}:  sum of weights = {total:.10f}   1 - beta^t = {1 - b**n:.10f}")
        assert abs(total - (1 - b**n)) < 1e-14 and abs(theory.bias_correction(b, n) - (1 - b**n)) < 1e-14

# %% [markdown]
# ## 2. Bias correction divides the *output* by $1-\beta^t$
#
# Doc 003's example: $x_1 = 40$, $\beta = 0.9$, so $v_1 = 0.1\cdot 40 = 4$, ten times too small.
# Since the weights sum to $1-\beta^t$, dividing by that sum makes $v_t$ a proper weighted
# *average* (weights summing to one):
#
# $$\hat v_t = \frac{v_t}{1-\beta^t}, \qquad \hat v_1 = \frac{4}{1-0.9} = 40 .$$
#
# For a constant input $c$ this is exact at every step: $v_t = c\,(1-\beta^t)$, so
# $\hat v_t = c$. As $t$ grows, $\beta^t \to 0$ and the correction fades out by itself.

# %%
steps = np.arange(1, 61)
constant = np.full(steps.size, 40.0)
raw = theory.ewma(constant, 0.9)
corrected = raw / theory.bias_correction(0.9, steps)
print(f"raw v_t at t = 1, 5, 10, 30, 60:       {', '.join(f'{raw[k - 1]:6.2f}' for k in (1, 5, 10, 30, 60))}")
print(f"corrected v_t at t = 1, 5, 10, 30, 60: {', '.join(f'{corrected[k - 1]:6.2f}' for k in (1, 5, 10, 30, 60))}")

# %%
# Verification
err = np.max(np.abs(corrected - 40.0))
assert abs(raw[0] - 4.0) < 1e-12
assert err < 1e-11  # exact in exact arithmetic; rounding of 60 steps of size ~40
print(f"v_1 = {raw[0]:.6f}; constant input 40, 60 steps: max |corrected - 40| below 1e-11")

# %% [markdown]
# ## 3. The recursion doc 003 writes down feeds the corrected value back — it blows up
#
# After the example, doc 003 writes the corrected average as a single recursion,
#
# $$v_t = \frac{\beta v_{t-1} + (1-\beta)\,x_t}{1-\beta^t}\qquad\text{(doc 003, as printed).}$$
#
# Read literally, the *corrected* value is stored and used as $v_{t-1}$ in the next step.
# That is wrong (**erratum 4**): the correction assumes that $v_{t-1}$ is
# the raw average whose weights sum to $1-\beta^{t-1}$; feeding back an already corrected
# value divides the old observations by the correction factor again and again. With the
# constant input 40 the first values are
#
# $$40,\quad \frac{0.9\cdot 40 + 4}{0.19} = 210.5,\quad \frac{0.9\cdot 210.5 + 4}{0.271} = 713.9,\ \dots$$
#
# The value keeps growing as long as the multiplier $\beta/(1-\beta^t)$ exceeds one, i.e.
# while $\beta^t > 1-\beta$. For $\beta = 0.9$ that is until $t \approx 22$; it then decays
# back towards 40 over more than a hundred steps. For Adam's $\beta_2 = 0.999$ the growth
# phase would last thousands of steps and the value overflows to infinity in floating point.
#
# **The correct form** keeps two quantities: the raw EWMA $v_t$ (the state, never touched by
# the correction) and the corrected output $\hat v_t = v_t/(1-\beta^t)$ (computed fresh each
# step, never stored). The fed-back version is only a few lines; it exists solely to show
# the mistake, so it lives here in the notebook and not in `numopt`.


# %%
def doc003_fed_back(x, beta):
    """Doc 003's printed recursion, with the corrected value fed back (erratum 4): do not use."""
    values, v = [], 0.0
    for k, xk in enumerate(x, start=1):
        v = (beta * v + (1 - beta) * xk) / theory.bias_correction(beta, k)
        values.append(v)
    return np.array(values)


fed_back = doc003_fed_back(constant, 0.9)
print("t   raw EWMA   corrected   doc 003 fed back")
for k in (1, 2, 3, 4, 10, 21, 40, 60):
    print(f"{k:<3} {raw[k - 1]:9.4f}   {corrected[k - 1]:9.4f}   {fed_back[k - 1]:14.1f}")
peak = int(np.argmax(fed_back)) + 1
print(f"fed-back peak: {fed_back.max():.4g} at t = {peak} (growth stops once 0.9^t < 0.1)")
with np.errstate(over="ignore"):
    fed_back_adam = doc003_fed_back(np.full(400, 40.0), 0.999)
first_inf = int(np.argmax(~np.isfinite(fed_back_adam))) + 1
print(f"beta = 0.999 (Adam's beta2): the fed-back value is {fed_back_adam[9]:.3g} at t = 10 "
      f"and overflows to inf at t = {first_inf}")

# %%
# Verification
expected_start = [40.0, (0.9 * 40 + 4) / 0.19, (0.9 * ((0.9 * 40 + 4) / 0.19) + 4) / 0.271]
assert np.allclose(fed_back[:3], expected_start, rtol=1e-12)
t_turn = np.log(0.1) / np.log(0.9)  # where 0.9^t = 1 - 0.9: growth while t < t_turn
print(f"0.9^t = 0.1 at t = {t_turn:.2f}; the multiplier of step 22 is the first below one")
assert peak == 21 == int(np.floor(t_turn))
assert not np.isfinite(fed_back_adam[-1])

# %% [markdown]
# ## 4. The effective window: about $1/(1-\beta)$ observations, and the right 1/e argument
#
# Doc 003 says an EWMA is "approximately an average over the last $1/(1-\beta)$
# observations", because older observations weigh less than $1/e$ and can be ignored. The
# limit it uses is right:
#
# $$\lim_{n\to\infty}\Bigl(1-\tfrac1n\Bigr)^n = \tfrac1e
#   \quad\Longrightarrow\quad
#   \beta^{1/(1-\beta)} \to \tfrac1e \ \text{ as } \beta\to 1\qquad (n = 1/(1-\beta)).$$
#
# But the deck then compares the **absolute** weight $(1-\beta)\beta^i$ with $1/e$. That
# test is meaningless: the largest absolute weight is $1-\beta$ (0.1 for $\beta = 0.9$), so
# *every* observation is below $1/e$ and would be "ignored" (**erratum 5**).
# The meaningful test compares an old observation with the newest one, i.e. the
# **relative** weight
#
# $$\frac{(1-\beta)\beta^i}{1-\beta} = \beta^i < \frac1e
#   \iff i > \frac{1}{-\ln\beta} = \frac{1}{1-\beta} - \frac12 - \frac{1-\beta}{12} - \dots
#   \approx \frac{1}{1-\beta} - \frac12 .$$
#
# So observations more than about $1/(1-\beta)$ steps old weigh less than $1/e$ of the
# newest one: the effective window is $1/(1-\beta)$ (`theory.effective_window`). For
# doc 003's example ($\beta = 0.9$, $t = 20$) the relative test keeps $x_{11},\dots,x_{20}$,
# the ten most recent observations — the conclusion the deck states, now for the right reason.

# %%
t, beta = 20, 0.9
w = theory.ewma_weights(beta, t)  # absolute weights of x_1..x_20
relative = w / w[-1]  # beta^(t-i)
absolute_kept = np.flatnonzero(w >= np.exp(-1)) + 1
relative_kept = np.flatnonzero(relative >= np.exp(-1)) + 1
print(f"beta = {beta}, t = {t}: largest absolute weight = {w.max():.3f} (< 1/e = {np.exp(-1):.4f})")
print(f"kept by the absolute test (doc 003): {absolute_kept.tolist()}  -> nothing")
print(f"kept by the relative test:           x_{relative_kept[0]} .. x_{relative_kept[-1]} "
      f"({relative_kept.size} observations)")
print(f"relative weight of x_11 = {relative[10]:.4f} >= 1/e,  of x_10 = {relative[9]:.4f} < 1/e")

# %%
# Verification
for b in (0.5, 0.9, 0.99, 0.999):
    n = theory.effective_window(b)
    print(f"beta={b:<6} window 1/(1-beta) = {n:7.1f}   beta^(1/(1-beta)) = {b**n:.6f}   "
          f"gap to 1/e = {np.exp(-1) - b**n:.2e}")
assert abs(0.999 ** theory.effective_window(0.999) - np.exp(-1)) < 2e-4  # gap ≈ 1/(2e n) for large n
assert absolute_kept.size == 0
assert relative_kept.tolist() == list(range(11, 21))

# %% [markdown]
# ### Four definitions of the window, side by side
#
# "How many observations does an EWMA average?" has four reasonable answers, each a
# function in `numopt.theory` (`effective_window`, `ewma_mean_age`, `ewma_half_life`,
# `ewma_effective_sample_size`; large $t$, ages count steps back, the newest has age 0):
#
# | definition | question | value | as $\beta\to 1$ |
# |---|---|---|---|
# | 1/e cut-off | when is $\beta^n < 1/e$? | $1/(-\ln\beta)$ | $1/(1-\beta) - \tfrac12$ |
# | mean age | average age under the weights | $\beta/(1-\beta)$ | $1/(1-\beta)$ |
# | half-life | when is $\beta^h = \tfrac12$? | $\ln 2/(-\ln\beta)$ | $0.69/(1-\beta)$ |
# | effective sample size | iid samples with the same variance | $(1+\beta)/(1-\beta)$ | $2/(1-\beta)$ |
#
# The mean age is $\sum_j j\,(1-\beta)\beta^j = \beta/(1-\beta)$. The effective sample size
# compares variances: for iid $x$ with variance $\sigma^2$,
# $\operatorname{Var} v_t = \sigma^2\sum_i w_i^2 \to \sigma^2(1-\beta)/(1+\beta)$, while a plain
# mean of $n$ samples has $\sigma^2/n$. All four scale like $1/(1-\beta)$; they differ by a
# constant factor, up to $2/\ln 2 \approx 2.9$ between the effective sample size and the half-life,
# which is why "the window" is only ever an order of magnitude. We measure
# each from the weights, and the effective sample size from 4,000 simulated noise streams.

# %%
windows = {}
for b in (0.9, 0.99):
    w_long = theory.ewma_weights(b, 3000)[::-1]  # newest first: age j = 0, 1, 2, ...
    age = np.arange(w_long.size)
    streams = theory.ewma(rng.standard_normal((800, 4000)), b)[-1]  # v_800 of 4,000 iid N(0, 1) streams
    windows[b] = {
        "1/e cut-off": (int(np.argmax(w_long / w_long[0] < np.exp(-1))), theory.effective_window(b)),
        "mean age": ((w_long @ age) / w_long.sum(), theory.ewma_mean_age(b)),
        "half-life": (int(np.argmax(np.cumsum(w_long) >= 0.5)) + 1, theory.ewma_half_life(b)),  # newest n with half
        "effective sample size": (1 / streams.var(), theory.ewma_effective_sample_size(b)),
    }
    for name, (measured, formula) in windows[b].items():
        print(f"beta = {b}: {name:<22} measured {measured:8.2f}   theory {formula:8.2f}")

# %%
# Verification
for b, rows in windows.items():
    cut, n = rows["1/e cut-off"]
    assert cut == int(np.ceil(1 / -np.log(b))) and abs(cut - n) <= 1  # first age with β^j < 1/e
    assert abs(rows["mean age"][0] - rows["mean age"][1]) < 1e-9 * rows["mean age"][1]
    half, h = rows["half-life"]
    assert half == int(np.ceil(h))  # the newest n carry 1 - β^n >= 1/2 iff n >= h
    ess, formula = rows["effective sample size"]
    assert abs(ess / formula - 1) < 4 * np.sqrt(2 / 4000)  # sampling error of a variance from 4,000 streams
for b in (0.9, 0.99, 0.999):  # the cut-off's expansion, and the spread of the four windows as β → 1
    d = 1 - b
    assert abs(1 / -np.log(b) - (1 / d - 0.5)) < d / 10  # next term −d/12
    spread = theory.ewma_effective_sample_size(b) / theory.ewma_half_life(b)
    assert 0 < spread - 2 / np.log(2) < d**2 / 3  # (1 + β)(−ln β)/((1 − β) ln 2) = (2 + d²/6 + …)/ln 2

# %%
one_minus_beta = np.geomspace(0.5, 1e-3, 200)
fig, ax = plt.subplots(figsize=(7, 4))
curves = (  # (label, key in windows[beta], closed form)
    ("1/e cut-off 1/(1−β)", "1/e cut-off", theory.effective_window),
    ("mean age β/(1−β)", "mean age", theory.ewma_mean_age),
    ("half-life ln 2/(−ln β)", "half-life", theory.ewma_half_life),
    ("effective sample size (1+β)/(1−β)", "effective sample size", theory.ewma_effective_sample_size),
)
for label, key, f in curves:
    line, = ax.loglog(1 / one_minus_beta, [f(1 - d) for d in one_minus_beta], label=label)
    for b, rows in windows.items():
        ax.plot(1 / (1 - b), rows[key][0], "o", color=line.get_color())
ax.set_xlabel("1/(1 − β)")
ax.set_ylabel("window (observations)")
ax.set_title("Four windows of an EWMA (dots: measured at β = 0.9, 0.99)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 5. Adam stores the raw EWMAs and corrects only its output
#
# Adam (doc 002, doc 003) keeps $m_t$, the EWMA of $g$ with $\beta_1$, and $v_t$, the EWMA of
# $g^2$ with $\beta_2$, and steps with the corrected $\hat m_t = m_t/(1-\beta_1^t)$,
# $\hat v_t = v_t/(1-\beta_2^t)$:
#
# $$\theta_t = \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t}+\varepsilon}.$$
#
# So `numopt.Adam`'s state `opt.state["m"]`, `opt.state["v"]` must equal the raw EWMAs of
# the gradients it was given, and the change in $\theta$ must be the step built from the
# corrected values. We feed five random gradients (the gradients are inputs here; no loss is
# needed to check the bookkeeping). The EWMA of five terms and the step agree to rounding
# (a relative $10^{-12}$ is generous for five multiply-adds).

# %%
opt = numopt.Adam(lr=0.1)
theta = np.array([1.0, -2.0, 0.5])
grads = rng.normal(size=(5, 3))
errors = []
for k, g in enumerate(grads, start=1):
    before = theta.copy()
    opt.step(theta, g)
    m_raw = theory.ewma_weights(opt.beta1, k) @ grads[:k]  # unrolled EWMA of g_1..g_k, per coordinate
    v_raw = theory.ewma_weights(opt.beta2, k) @ grads[:k] ** 2
    m_hat = m_raw / theory.bias_correction(opt.beta1, k)
    v_hat = v_raw / theory.bias_correction(opt.beta2, k)
    step = -opt.lr * m_hat / (np.sqrt(v_hat) + opt.eps)
    errors.append([np.max(np.abs(a - b) / np.abs(b)) for a, b in
                   ((opt.state["m"], m_raw), (opt.state["v"], v_raw), (theta - before, step))])
print(f"after {opt.t} steps: state m = {np.round(opt.state['m'], 6)}, m_hat = {np.round(m_hat, 6)}")
print(f"m / m_hat = {opt.state['m'][0] / m_hat[0]:.6f} = 1 - 0.9^5 = {1 - 0.9**5:.6f}")

# %%
# Verification
for err_m, err_v, err_step in errors:
    assert max(err_m, err_v, err_step) < 1e-12
print(f"t = 1..{len(errors)}: relative errors of state m, state v and the step all below 1e-12")

# %% [markdown]
# ## 6. Pictures
#
# The weights $(1-\beta)\beta^{t-i}$ that $v_{30}$ gives to $x_1,\dots,x_{30}$ for $\beta = 0.9$
# (blue), the bias-corrected weights (red, divided by $1-\beta^{30}$) and the start of the
# window $1/(1-\beta)$ (dashed). Below it, sliders for $\beta$ and $t$ (in JupyterLab): the
# smaller $\beta$, the taller and narrower the bars; the larger, the more mass the raw
# weights miss, which the correction restores.

# %%
ewma_widget.draw(beta=0.9, t=30)
plt.show()

# %%
ewma_widget.widget()

# %% [markdown]
# Constant input 40, $\beta = 0.9$: the raw EWMA starts at 4 and creeps up, the corrected
# output is 40 from the first step, doc 003's fed-back recursion explodes (log scale).

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogy(steps, constant, color="0.75", linewidth=5, label="input x_t = 40")
ax.semilogy(steps, raw, label="raw EWMA v_t (the stored state)")
ax.semilogy(steps, corrected, "--", label="corrected output v_t / (1 − β^t)")
ax.semilogy(steps, fed_back, label="doc 003 recursion, corrected value fed back")
ax.set_xlabel("step t")
ax.set_ylabel("value (log scale)")
ax.set_title("β = 0.9: correct the output, never the state (erratum 4)")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What to remember
#
# - An EWMA is $v_t = \sum_i (1-\beta)\beta^{t-i}x_i$; its weights sum to $1-\beta^t$, not 1,
#   which biases it towards $v_0 = 0$ early on.
# - Bias correction divides the **output** by $1-\beta^t$; the stored state stays the raw
#   EWMA. Feeding the corrected value back (doc 003's printed recursion, erratum 4) blows up.
# - An observation $i$ steps old weighs $\beta^i$ relative to the newest; that falls below
#   $1/e$ after about $1/(1-\beta)$ steps, the effective window (erratum 5: test the relative
#   weight, not the absolute one).
# - The window's four readings (1/e cut-off, mean age, half-life, effective sample size) all
#   scale like $1/(1-\beta)$; the largest (effective sample size) is up to $2/\ln 2 \approx 2.9$ times
#   the smallest (half-life).
# - Adam's `m`, `v` in `opt.state` are raw EWMAs; $\hat m$, $\hat v$ are computed each step.

# %% [markdown]
# ## Exercises
#
# 1. Show that for $\beta = 1 - 1/n$ the last $n$ observations carry the fraction
#    $1-\beta^n$ of the (large-$t$) weight, and that this tends to $1 - 1/e \approx 0.632$.
#    Check it for $n = 10, 100, 1000$ with `theory.ewma_weights`.
# 2. Feed a step input ($x_t = 0$ for $t \le 50$, then $x_t = 1$) to `theory.ewma` with
#    $\beta = 0.9$ and $\beta = 0.99$. After how many steps past the jump does the raw EWMA
#    reach $1 - 1/e$? Compare with $1/(1-\beta)$. Does bias correction matter here?
# 3. Doc 003's idea of a single recursion for the corrected value can be repaired: find
#    $\hat\beta_t$ such that $\hat v_t = \hat\beta_t\,\hat v_{t-1} + (1-\hat\beta_t)\,x_t$
#    reproduces $v_t/(1-\beta^t)$ exactly (hint: lesson 06 calls it $\hat\beta_{2,t}$;
#    compare with `theory.adam_beta2_hat`), and verify it numerically on random input.
