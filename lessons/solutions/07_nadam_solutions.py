# %% [markdown]
# # Lesson 07 — Nadam: worked solutions
#
# One section per exercise of [lesson 07](../07_nadam.ipynb). Every claim is checked with an `assert`;
# the closed forms are derived here, not read off numopt's code.

# %%
import numpy as np

import numopt
from numopt.grading import assert_matches, grade
from numopt.problems import Rosenbrock
from numopt.runner import run
from numopt.theory import bias_correction

# %% [markdown]
# ## Exercise 1
#
# torch's NAdam with momentum coefficients $\mu_t = \beta_1(1-\frac12 0.96^{0.004t})$ steps with
# $\bar m_t = \mu_{t+1} m_t/(1-\prod_{i\le t+1}\mu_i) + (1-\mu_t)g_t/(1-\prod_{i\le t}\mu_i)$. At $t = 1$ with a
# constant gradient $g$: $m_1 = (1-\beta_1)g$ and $\hat v_1 = g^2$, so ($\varepsilon$ neglected)
#
# $$\frac{|\Delta\theta_1|}{\eta} = \frac{\mu_2(1-\beta_1)}{1-\mu_1\mu_2} + \frac{1-\mu_1}{1-\mu_1} =
# \frac{\mu_2(1-\beta_1)}{1-\mu_1\mu_2} + 1 .$$
#
# With $\mu_1 \approx \mu_2 \approx \beta_1/2 = 0.45$ this is about $1 + 0.045/0.8 \approx 1.056$. We evaluate
# it three ways: the formula, the lesson's `torch_nadam_weights` (copied here, as a solution cannot import a
# notebook) and an independent NumPy transcription of torch's update loop (its running `mu_product`).

# %%
beta1, beta2, psi, eps = 0.9, 0.999, 0.004, 1e-8


def mu(t):
    return beta1 * (1 - 0.5 * 0.96 ** (t * psi))


formula = mu(2) * (1 - beta1) / (1 - mu(1) * mu(2)) + 1


def torch_nadam_weights(beta1, steps, momentum_decay=0.004):
    """Lesson 07's weights (a_t, b_t) of m̂_t and g_t in torch.optim.NAdam, t = 1..steps."""
    k = np.arange(1, steps + 2)
    mu_k = beta1 * (1 - 0.5 * 0.96 ** (k * momentum_decay))
    prod = np.cumprod(mu_k)
    t = k[:-1]
    return mu_k[1:] * bias_correction(beta1, t) / (1 - prod[1:]), (1 - mu_k[:-1]) / (1 - prod[:-1])


def torch_loop_first_steps(g, steps, lr=1.0):
    """torch.optim.NAdam's loop written out in NumPy for a scalar; returns the steps in units of lr."""
    m = v = 0.0
    mu_product, theta, out = 1.0, 0.0, []
    for t in range(1, steps + 1):
        mu_t, mu_next = mu(t), mu(t + 1)
        mu_product *= mu_t
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        denom = np.sqrt(v / (1 - beta2**t)) + eps
        before = theta
        theta -= lr * (1 - mu_t) / (1 - mu_product) * g / denom
        theta -= lr * mu_next / (1 - mu_product * mu_next) * m / denom
        out.append(before - theta)
    return np.array(out)


a, b = torch_nadam_weights(beta1, 5)
loop = torch_loop_first_steps(1.0, 5)
print(f"first step / eta: formula {formula:.6f}, torch_nadam_weights {a[0] + b[0]:.6f}, torch's loop {loop[0]:.6f}")
print("steps 1..5 / eta from the loop:", np.array2string(loop, precision=4))

# %%
assert abs(formula - (a[0] + b[0])) < 1e-15
assert abs(loop[0] - formula) < 2e-8 * formula  # ε: a relative 1e-8
assert np.allclose(loop, a + b, rtol=2e-8)  # the weights reproduce the loop at every step, not only the first
assert abs(formula - 1.0565) < 1e-4

# %% [markdown]
# ## Exercise 2
#
# With `eps_in_sqrt=True` only the denominator changes, from $\sqrt{\hat v_t} + \varepsilon$ to
# $\sqrt{\hat v_t + \varepsilon}$, and it is the same for both forms; $m_t$, $v_t$ and $b_t$ are untouched. So
# $\bar m_t = a_t\hat m_t + b_t g_t$ with the same $a_t, b_t$ as before, and the momentum terms still stand in the
# ratio
#
# $$\frac{\bar m_t^{\text{doc 003}} - b_t g_t}{\bar m_t^{\text{Dozat}} - b_t g_t}
#   = \frac{a_t^{\text{doc 003}}}{a_t^{\text{Dozat}}} = \frac{1-\beta_1^{t+1}}{1-\beta_1^t}.$$
#
# Check with `numopt.explain` on both forms built with `eps_in_sqrt=True`, six steps of one random stream:
# read $\bar m_t$, $\hat v_t$ and $\theta$ at every step.

# %%
rng = np.random.default_rng(1)
stream = rng.standard_normal((6, 4))


def gradient_stream():
    """A callable for numopt.explain that hands out the rows of ``stream`` one step at a time."""
    rows = iter(stream)
    return lambda params: next(rows)


records = {
    dozat: numopt.explain(numopt.Nadam(dozat=dozat, eps_in_sqrt=True), np.zeros(4), gradient_stream(), steps=6)
    for dozat in (False, True)
}
print("   t   measured ratio of the momentum terms   (1 - b1^(t+1))/(1 - b1^t)")
worst_ratio, worst_step = 0.0, 0.0
for t, g in enumerate(stream, start=1):
    b_t = (1 - beta1) / bias_correction(beta1, t)
    ratio = (records[False].value_of("m_bar", t=t) - b_t * g) / (records[True].value_of("m_bar", t=t) - b_t * g)
    expected = bias_correction(beta1, t + 1) / bias_correction(beta1, t)
    worst_ratio = max(worst_ratio, np.max(np.abs(ratio / expected - 1)))
    for record in records.values():  # the step divides by √(v̂ + ε) in both forms
        step = record.steps[t - 1]
        by_hand = step.inputs[None]["theta"] - 2e-3 * record.value_of("m_bar", t=t) / np.sqrt(
            record.value_of("v_hat", t=t) + eps)
        worst_step = max(worst_step, np.max(np.abs(step.params - by_hand)))
    print(f"{t:4d}   {np.array2string(ratio, precision=6)}   {expected:.6f}")

# %%
assert worst_ratio < 1e-12  # the same ratio in every coordinate and at every step
assert worst_step < 1e-17  # θ moved by −η m̄/√(v̂ + ε) in both forms
assert records[False].value_of("1 - beta1 ** t", t=1) == records[True].value_of("1 - beta1 ** t", t=1)

# %% [markdown]
# ## Exercise 3
#
# The lesson's run at $\eta = 0.05$ gave Nadam (both forms) a final loss 7–11 times below Adam's. Rerunning at 0.01
# and 0.2:

# %%
rosen = Rosenbrock()
final = {}
for lr in (0.01, 0.05, 0.2):
    for name, opt in (("Adam", numopt.Adam(lr=lr)), ("Nadam (doc 003)", numopt.Nadam(lr=lr)),
                      ("Nadam (Dozat)", numopt.Nadam(lr=lr, dozat=True))):
        final[lr, name] = run(opt, rosen, 1000).gaps[1000]
    ranking = sorted(("Adam", "Nadam (doc 003)", "Nadam (Dozat)"), key=lambda n: final[lr, n])
    print(f"lr = {lr:4}: " + ",  ".join(f"{n} {final[lr, n]:.2e}" for n in ranking) + "   (best first)")

# %% [markdown]
# What we measure (loss − min after 1000 steps):
# * **$\eta = 0.01$:** all three are still far from the minimum (losses around 1); the order is Nadam (doc 003),
#   Nadam (Dozat), Adam, as at $\eta = 0.05$, but the gaps are small (within a factor 1.4).
# * **$\eta = 0.2$:** the ranking reverses. Adam reaches about $2\cdot10^{-9}$, while Nadam (doc 003) stalls near
#   $10^{-3}$ and Nadam (Dozat) near $3\cdot10^{-2}$ (why is not measured here: plotting the three paths with
#   `numopt.plot.contours` is the next step).
#
# So the advantage of Nadam at $\eta = 0.05$ is not a general ranking: it depends on the learning rate.

# %%
assert final[0.01, "Nadam (doc 003)"] < final[0.01, "Nadam (Dozat)"] < final[0.01, "Adam"] < 1.4 * final[
    0.01, "Nadam (doc 003)"]
assert min(final[0.01, n] for n in ("Adam", "Nadam (doc 003)", "Nadam (Dozat)")) > 0.5
assert final[0.2, "Adam"] < 1e-8 < 1e-3 < final[0.2, "Nadam (doc 003)"] < final[0.2, "Nadam (Dozat)"]
assert final[0.05, "Adam"] > 7 * max(final[0.05, "Nadam (doc 003)"], final[0.05, "Nadam (Dozat)"])


# %% [markdown]
# ## Lab
#
# The lesson's first attempt forgets to divide the gradient term $(1-\beta_1)g_t$ by $1-\beta_1^t$, which shrinks
# the early steps (the first one from $1.9\,\eta$ to $\eta$ for a constant gradient). Both terms of $\bar m_t$ are
# corrected:

# %%
def nadam_update(param, grad, state, t, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Nadam step in doc 003's form (§1); state is the pair (m, v); returns (new_param, new_state)."""
    m, v = (np.zeros_like(param), np.zeros_like(param)) if state is None else state
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    v_hat = v / (1 - beta2**t)
    m_bar = beta1 * m / (1 - beta1**t) + (1 - beta1) * grad / (1 - beta1**t)
    return param - lr * m_bar / (np.sqrt(v_hat) + eps), (m, v)


print(grade(nadam_update, "nadam", {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}).summary())
assert_matches(nadam_update, "nadam", {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8})
