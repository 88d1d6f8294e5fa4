# %% [markdown]
# # Lesson 10 — solutions to the exercises
#
# The same loop as the lesson's `final_loss` (the full-data loss after a number of steps, inf if a run blows up),
# the same problems, seeds and step budgets.

# %%
import numpy as np

import numopt
from numopt import theory
from numopt.problems import MLP, LogisticRegression, Scaled
from numopt.runner import final_loss, run

mlp, logistic = MLP(), LogisticRegression()
seeds = (0, 1)

def row(make, problem, steps, lrs):
    """Final loss against η, averaged over the seeds."""
    return np.mean([[final_loss(make(lr), problem, steps, seed) for lr in lrs] for seed in seeds], axis=0)


assert final_loss(numopt.NAG(lr=0.3), mlp, 30, 1) == run(numopt.NAG(lr=0.3), mlp, 30, seed=1).losses[-1]

# %% [markdown]
# ## Exercise 1
#
# The lesson's grid $10^{-2}, \dots, 10^{0}$ plus $10^{0.5}$ and $10^{1}$, on the MLP for 120 steps, seeds 0–7. At the
# largest $\eta$ single runs are chaotic: a change of $10^{-13}$ in the starting weights changes SGD's loss at
# $\eta = 10$ from 0.03 to 0.1, and two CPUs that round differently disagree as much. So we read **medians over eight
# seeds**, and only differences far larger than the scatter between seeds.

# %%
class Nudged:
    """``problem`` with every starting weight multiplied by 1 + 1e-13: a change at rounding level."""

    def __init__(self, problem):
        self.problem = problem

    def __getattr__(self, name):
        return getattr(self.problem, name)

    def init(self, seed=None):
        return {k: v * (1 + 1e-13) for k, v in self.problem.init(seed).items()}


lrs = 10.0 ** np.arange(-2.0, 1.01, 0.5)
many_seeds = range(8)


def medians_on(problem):
    return {key: np.median([[final_loss(numopt.OPTIMIZERS[key](lr=lr), problem, 120, seed) for lr in lrs]
                            for seed in many_seeds], axis=0) for key in ("sgd", "momentum", "nag")}


medians, nudged = medians_on(mlp), medians_on(Nudged(mlp))
chaotic = {key: ~np.isclose(nudged[key], medians[key], rtol=1e-6) for key in medians}
print("median over 8 seeds; where a 1e-13 nudge of the start moves the median, only a bound is shown")
print("η        " + "".join(f"{lr:9.3g}" for lr in lrs))
for key, values in medians.items():
    print(f"{key:9s}" + "".join(f"{'> 1' if x > 1 else '< 0.2' if x < 0.2 else '~':>9s}" if wild else f"{x:9.3g}"
                                for x, wild in zip(values, chaotic[key], strict=True)))

# %% [markdown]
# SGD keeps improving past the lesson's grid: its median at $\eta = 10^{0.5} \approx 3.2$ is well below the one at
# $\eta = 1$. Momentum at $\eta$ still tracks SGD at $10\eta$ (the $1/(1-\beta)$ rule), within 20 %, at every pair
# where neither is chaotic, up to $\eta = 0.316$ against $\eta = 3.16$. Beyond, the
# rule says Momentum at $\eta = 10$ is SGD at 100, far past SGD's stable range, and indeed Momentum and NAG blow up
# there (median loss above 1) while SGD at $\eta = 10$ still trains. Which grid point is Momentum's *best* is a
# near-tie between $10^{-0.5}$ and $10^{0}$, so we do not read it.

# %%
shift = round(np.log10(theory.effective_window(0.9)) / 0.5)  # 10 = two half-decades
assert medians["sgd"][5] < 0.8 * medians["sgd"][4]  # 10^0.5 beats 1
steady = ~chaotic["momentum"][:-shift] & ~chaotic["sgd"][shift:]  # pairs where neither median is chaotic
assert steady[:4].all()
ratio = medians["momentum"][:-shift] / medians["sgd"][shift:]
assert np.all(np.abs(np.log(ratio[steady])) < np.log(1.2))
assert medians["momentum"][6] > 1 and medians["nag"][6] > 1 and medians["sgd"][6] < 0.2  # η = 10
for key in medians:  # the same verdicts from the nudged starts
    assert nudged[key][6] > 1 if key != "sgd" else nudged[key][6] < 0.2
assert not any(wild[:4].any() for wild in chaotic.values())  # η <= 0.316: not chaotic

# %% [markdown]
# ## Exercise 2
#
# At $t = 1$ AdaDelta's accumulators are zero, so $E[g^2]_1 = (1-\rho)g_1^2$ and the update is
# $\Delta\theta_1 = -\sqrt{0 + \epsilon}\; g_1 / \sqrt{(1-\rho)g_1^2 + \epsilon}$: for $|g_1| \gg \sqrt\epsilon$ a
# step of about $\sqrt{\epsilon/(1-\rho)}$ per coordinate whatever the gradient, and the following steps grow from it.
# So $\epsilon$ plays the part of the learning rate:

# %%
g1 = np.array([3.0, -0.2, 1e-4])
for eps in (1e-6, 1e-4, 1e-2):
    theta = np.zeros(3)
    numopt.AdaDelta(eps=eps).step(theta, g1)
    by_hand = np.sqrt(eps) * np.abs(g1) / np.sqrt((1 - 0.95) * g1**2 + eps)
    assert np.allclose(np.abs(theta), by_hand, rtol=1e-14, atol=0)
    print(f"ε = {eps:.0e}: |Δθ_1| = {np.array2string(np.abs(theta), precision=3)}  (by hand: the same)")

epsilons = (1e-6, 1e-4, 1e-2)
adadelta = {eps: np.mean([final_loss(numopt.AdaDelta(eps=eps), logistic, 80, seed) for seed in seeds])
            - logistic.min_value for eps in epsilons}
for eps, gap in adadelta.items():
    print(f"AdaDelta, ε = {eps:.0e}: final loss − minimum {gap:.2e}")

# %% [markdown]
# The final loss falls by more than a factor 100 from $\epsilon = 10^{-6}$ (Zeiler's value, numopt's default) to
# $10^{-2}$, where it is within a factor 3 of the best tuned methods in the lesson (about $10^{-3}$). "No learning
# rate" means "the learning rate is hidden in $\epsilon$".

# %%
assert adadelta[1e-6] > adadelta[1e-4] > adadelta[1e-2]
assert adadelta[1e-6] > 100 * adadelta[1e-2] and adadelta[1e-2] < 3e-3

# %% [markdown]
# ## Exercise 3
#
# Multiply the loss by $c = 100$: every gradient is multiplied by $c$. SGD with $\eta$ on $cL$ takes the steps of SGD
# with $c\eta$ on $L$, so its row is the original one shifted by the factor $c$ in $\eta$: on the scaled loss SGD needs
# $\eta/c$, and then the run is identical (up to rounding). Adam divides $\hat m_t \propto c$ by $\sqrt{\hat v_t}
# \propto c$, so only $\epsilon$ sees the scale and its row stays.


# %%


c, lrs = 100.0, 10.0 ** np.arange(-2.0, 0.01, 0.5)
scaled = Scaled(logistic, c)
adam = {
    "original": row(lambda lr: numopt.Adam(lr=lr), logistic, 80, lrs) - logistic.min_value,
    "× 100": (row(lambda lr: numopt.Adam(lr=lr), scaled, 80, lrs) - scaled.min_value) / c,
}
sgd = {
    "original": row(lambda lr: numopt.SGD(lr=lr), logistic, 80, lrs) - logistic.min_value,
    "× 100": (row(lambda lr: numopt.SGD(lr=lr), scaled, 80, lrs) - scaled.min_value) / c,
    "× 100, η/100": (row(lambda lr: numopt.SGD(lr=lr / c), scaled, 80, lrs) - scaled.min_value) / c,
}
print("(loss − min)/c at η =" + "".join(f"{lr:10.3g}" for lr in lrs))
for name, table in (("adam", adam), ("sgd", sgd)):
    for label, values in table.items():
        print(f"{name:5s} {label:14s}" + "".join(f"{x:10.2e}" for x in values))

# %%
assert np.max(np.abs(adam["× 100"] / adam["original"] - 1)) < 1e-4  # ε = 1e-8 is all that sees c
assert np.max(np.abs(sgd["× 100, η/100"] / sgd["original"] - 1)) < 1e-9  # the same run, up to rounding
assert (sgd["× 100"][3:] > 100 * sgd["original"][3:]).all()  # SGD's best η are far too large on the scaled loss
assert abs(sgd["× 100"][0] / sgd["original"][4] - 1) < 1e-9  # η = 0.01 on 100 L is η = 1 on L: the shift
