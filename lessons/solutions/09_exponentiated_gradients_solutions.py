# %% [markdown]
# # Lesson 09 — solutions to the exercises
#
# Each answer is derived first, then checked numerically with numopt.

# %%

import numpy as np

import numopt
from numopt import theory
from numopt.grading import assert_matches, grade
from numopt.problems import MLP, Flattened
from numopt.runner import run

# %% [markdown]
# ## Exercise 1
#
# One step from $\theta_0$ with gradient $g = \nabla_\theta L(\theta_0)$. EGU gives
# $\theta_1 = \theta_0 e^{-\eta g} = \theta_0 - \eta\,\theta_0 g + O(\eta^2)$; gradient descent on $\phi = \log\theta$
# gives $\theta_1 = \theta_0 e^{-\eta\,\theta_0 g} = \theta_0 - \eta\,\theta_0^2 g + O(\eta^2)$ (per coordinate).
# The first-order terms agree for every $g$ if and only if $\theta_0 = \theta_0^2$, i.e. $\theta_0 = 1$ (since
# $\theta_0 > 0$); for one given $g$, $\theta_0 g = \theta_0^2 g$ asks for $\theta_0 = 1$ only where $g \ne 0$ (a zero
# coordinate of the gradient does not move under either). At $\theta_0 = 1$ the two exponents are identical, so the
# steps agree exactly, not only to first order. Elsewhere their difference divided by $\eta$ tends to
# $\theta_0 g(\theta_0 - 1)$ as $\eta \to 0$.


# %%
def egu_step(theta, g, eta):
    out = theta.copy()
    numopt.EGU(lr=eta).step(out, g)
    return out


def gd_on_log_step(theta, g, eta):
    phi = np.log(theta)
    numopt.SGD(lr=eta).step(phi, theta * g)  # ∇_φ L = θ ⊙ ∇_θ L
    return np.exp(phi)


g = np.array([0.7, -1.3])
ones = np.ones(2)
diff_at_one = np.max(np.abs(egu_step(ones, g, 0.1) - gd_on_log_step(ones, g, 0.1)))
assert diff_at_one == 0.0  # the same exponent, computed the same way
print("from θ0 = (1, 1), η = 0.1: EGU and GD on log θ take the same step")

theta0 = np.array([0.2, 2.5])
for eta in (1e-2, 1e-4, 1e-6):
    slope = (egu_step(theta0, g, eta) - gd_on_log_step(theta0, g, eta)) / eta
    print(f"from θ0 = {theta0}, η = {eta:.0e}: (EGU − GD on log θ)/η = {np.array2string(slope, precision=6)}")
predicted = theta0 * g * (theta0 - 1)
print(f"predicted limit θ0 g (θ0 − 1) = {np.array2string(predicted, precision=6)}")
assert np.max(np.abs(slope - predicted) / np.abs(predicted)) < 1e-4  # O(η) remainder at η = 1e-6

# %% [markdown]
# ## Exercise 2
#
# With $L = \tfrac{\lambda}{2}\theta^2$, $g_t = \lambda\theta_{t-1}$. While the gain is close to 1 (small $\gamma$),
# $\theta_t \approx (1 - \eta\lambda)\,\theta_{t-1}$, so
#
# $$g_{t-1}\,g_t = \lambda^2\theta_{t-2}\theta_{t-1} \approx \lambda^2 (1 - \eta\lambda)\,\theta_{t-2}^2 .$$
#
# The sign is that of $1 - \eta\lambda$: for $\eta\lambda < 1$ (the iterate approaches 0 from one side) the gain
# grows; for $1 < \eta\lambda < 2$ (it oscillates around 0) the gain shrinks; at $\eta\lambda = 1$ the first step lands
# on the minimum and the gain stays 1. Check with $\lambda = 4$ and $\gamma = 0.01$, 30 steps from $\theta_0 = 1$:


# %%
def egsgd_gains(eta, lam=4.0, gamma=0.01, steps=30):
    """The gains ν_2..ν_{T+1} of numopt.EGSGD on L = λθ²/2, and the gradients it was handed."""
    opt, theta = numopt.EGSGD(lr=eta, gamma=gamma), np.array([1.0])
    gains, grads = [], []
    for _ in range(steps):
        g = lam * theta
        grads.append(g.copy())
        opt.step(theta, g)
        gains.append(opt.state["nu"].copy())
    return np.array(gains), np.array(grads)


for eta_lam in (0.5, 1.0, 1.5):
    gains, grads = egsgd_gains(eta_lam / 4.0)
    err = np.max(np.abs(gains - theory.egsgd_gain(grads, 0.01)) / gains)
    assert err < 1e-14
    print(f"ηλ = {eta_lam}: gain after 30 steps {gains[-1, 0]:.4f}   (the closed form agrees within 1e-14)")
    if eta_lam < 1:
        assert gains[-1, 0] > 1 and (np.diff(gains[:, 0]) >= 0).all()
    elif eta_lam > 1:
        assert gains[-1, 0] < 1 and (np.diff(gains[:, 0]) <= 0).all()
    else:
        assert gains[-1, 0] == 1.0

# %% [markdown]
# ## Exercise 3
#
# Rerun §5's two scaled Funnels ($\gamma_s = 0.01$, $\eta = 0.1$) for 1,000 steps on seeds 0–2, with the same score
# (mean full-data loss over the last 50 steps), and read the score after 400 steps from the same runs.


# %%


mlp = MLP()
seeds = (0, 1, 2)
long_runs = {
    "per layer": [run(numopt.Funnel(lr=0.1, gamma_s=0.01), mlp, 1000, seed=seed) for seed in seeds],
    "global": [run(numopt.Funnel(lr=0.1, gamma_s=0.01), Flattened(mlp), 1000, seed=seed) for seed in seeds],
}
score = {(name, T): np.array([tr.losses[T - 49:T + 1].mean() for tr in runs])
         for name, runs in long_runs.items() for T in (400, 1000)}
print("mean loss over the last 50 steps" + "".join(f"{f'seed {seed}':>9}" for seed in seeds))
for (name, T), values in score.items():
    print(f"{name:10s} after {T:4d} steps" + "".join(f"{x:9.4f}" for x in values))

# %% [markdown]
# After 400 steps the per-layer scales lead on every seed (the lesson's finding); after 1,000 steps the single global
# scale has the lower loss on every seed. So the per-layer advantage on this network is a feature of the first few
# hundred steps, not of training to a low loss; both scaled Funnels end far below their 400-step level. A fair
# report: on this MLP, per-layer EG scales separate clearly but do not give a lasting gain over one shared scale.

# %%
assert (score["per layer", 400] < score["global", 400]).all()
assert (score["global", 1000] < score["per layer", 1000]).all()
assert (score["per layer", 1000] < 0.7 * score["per layer", 400]).all()


# %% [markdown]
# ## Lab
#
# The lesson's first attempt takes gradient descent on $\varphi = \log\theta$, whose gradient is $\theta \odot g$
# (erratum 11, §1): a different algorithm. EGU multiplies by $\exp(-\eta g)$:

# %%
def egu_update(param, grad, state, t, lr=0.1):
    """One EGU step: θ ← θ ⊙ exp(−ηg); EGU keeps no state; returns (new_param, new_state)."""
    return param * np.exp(-lr * grad), state


print(grade(egu_update, "egu", {"lr": 0.1}).summary())
assert_matches(egu_update, "egu", {"lr": 0.1})
