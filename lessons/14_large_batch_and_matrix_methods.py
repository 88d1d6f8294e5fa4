# %% [markdown]
# # Lesson 14 — Large-batch and matrix methods: LARS, LAMB, Adafactor, Muon
#
# **The question.** Take the two-moons MLP at its initialisation and look at one step, not at the loss but at how much
# each weight array changes *relative to its size*, $\lVert\Delta W\rVert/\lVert W\rVert$: that is what changes a
# layer's output. With SGD and with Adam the answer differs from layer to layer by an accident of gradient scale and
# array shape. The four methods of this lesson each change one line of a familiar box to take control of it, or of the
# shape of the step.

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt.muon import NS_COEFFICIENTS, NS_STEPS
from numopt.problems import MLP

mlp = MLP()
start = mlp.init(0)
grads = mlp.grad(start)
weights = ("W1", "W2")  # the matrices; the biases start at 0, where a relative change is undefined


def relative_steps(opt, params=start, g=grads):
    """‖ΔW‖/‖W‖ of one step of opt for each weight matrix."""
    new = {k: v.copy() for k, v in params.items()}
    opt.step(new, g)
    return {k: np.linalg.norm(new[k] - params[k]) / np.linalg.norm(params[k]) for k in weights}


eta = 0.01
first = {name: relative_steps(opt) for name, opt in (("SGD", numopt.SGD(lr=eta)), ("Adam", numopt.Adam(lr=eta)),
                                                     ("LARS", numopt.LARS(lr=eta)), ("LAMB", numopt.LAMB(lr=eta)))}
for name, rel in first.items():
    print(f"{name:5s} lr = {eta}: |dW1|/|W1| = {rel['W1']:.2e}, |dW2|/|W2| = {rel['W2']:.2e}, "
          f"ratio {rel['W2'] / rel['W1']:.2f}")

# %% [markdown]
# ## 1. LARS and LAMB: a trust ratio per layer
#
# LARS (You, Gitman & Ginsburg, "Large Batch Training of Convolutional Networks", 2017, arXiv:1708.03888) keeps
# momentum and gives each layer $W$ the local rate $\eta\,q$ with the **trust ratio**
# $q = \kappa\,\lVert W\rVert/\lVert g_W + \lambda W\rVert$ and trust coefficient $\kappa$ (the paper writes
# $\lVert g_W\rVert + \lambda\lVert W\rVert$ in the denominator; numopt, like optax, the norm of the decayed gradient).
# LAMB (You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", 2020,
# arXiv:1904.00962) keeps AdamW's direction $r = \hat m/(\sqrt{\hat v}+\varepsilon) + \lambda W$ and rescales it to
# the layer's norm, $W \leftarrow W - \eta\,\frac{\lVert W\rVert}{\lVert r\rVert}\,r$. One line of each box is new,
# the trust ratio. Consequences, read off the box:
#
# * LAMB moves every layer by exactly $\lVert\Delta W\rVert = \eta\lVert W\rVert$; LARS's first step (momentum
#   buffer still empty) by $\eta\kappa\lVert W\rVert$. The ratio between the layers in the table above is 1.
# * Multiplying one layer's gradient by $c$ changes nothing (with $\lambda = 0$, which we set below): the ratio
#   divides it out. Large-batch training uses this to take large global rates without one layer's step outgrowing its
#   weights.
#
# Both need a whole array at a time (a norm), not one coordinate: `elementwise = False` in numopt.

# %%
scaled = {k: (1000.0 * v if k == "W1" else v) for k, v in grads.items()}
invariance = {}
for name in ("LARS", "LAMB"):
    plain, loud = ({k: v.copy() for k, v in start.items()} for _ in range(2))
    numopt.OPTIMIZERS[name.lower()](lr=eta, weight_decay=0.0).step(plain, grads)
    numopt.OPTIMIZERS[name.lower()](lr=eta, weight_decay=0.0).step(loud, scaled)
    invariance[name] = max(np.linalg.norm(plain[k] - loud[k]) / np.linalg.norm(plain[k] - start[k]) for k in weights)
    print(f"{name}: W1's gradient x 1000 changes the step by {100 * invariance[name]:.4f} % of its length")

# %%
# Verification
assert abs(first["LAMB"]["W1"] / eta - 1) < 1e-9 and abs(first["LAMB"]["W2"] / eta - 1) < 1e-9  # θ − Δθ rounds
assert abs(first["LARS"]["W2"] / first["LARS"]["W1"] - 1) < 1e-9
assert first["SGD"]["W2"] / first["SGD"]["W1"] > 3 and first["Adam"]["W2"] / first["Adam"]["W1"] > 2
assert invariance["LARS"] < 1e-12 and invariance["LAMB"] < 1e-3  # LAMB: ε/|g| ≈ 1e-4 is not divided out

# %% [markdown]
# ## 2. Adafactor: a factored second moment
#
# Adam stores $v$, one number per weight. For an $n\times m$ matrix Adafactor (Shazeer & Stern, "Adafactor: Adaptive
# Learning Rates with Sublinear Memory Cost", 2018, arXiv:1804.04235) stores only EWMAs of the row means $R$ ($n$
# numbers) and the column means $C$ ($m$ numbers) of $g^2$, and uses
#
# $$\hat V = \frac{R\,C^\top}{\mathrm{mean}(R)},$$
#
# the rank-1 matrix with those row and column means (the paper shows it minimises the generalised Kullback–Leibler
# divergence to $V$ among rank-1 matrices). It is **exact** when $V$ has rank 1, e.g. for a gradient
# $g = a\,b^\top$, whose square $(a^2)(b^2)^\top$ is rank 1; otherwise it is the best rank-1 stand-in. The other lines
# of
# its box change too: a decay rate $\hat\beta_{2,t} = 1 - t^{-0.8}$ that starts at 0 (no bias correction needed), a step
# relative to the RMS of the weights, clipping of the update's RMS, and no momentum by default. We feed a constant
# gradient and read $\hat V$ from the state.

# %%
rng = np.random.default_rng(0)
n, m = 64, 32
rank_one = np.outer(rng.standard_normal(n), rng.standard_normal(m))
full_rank = rng.standard_normal((n, m))
factored = {}
for label, g in (("g = a b^T", rank_one), ("g Gaussian", full_rank)):
    opt, w = numopt.Adafactor(), rng.standard_normal((n, m))
    for _ in range(20):
        opt.step(w, g)
    row, col = opt.state["r"], opt.state["c"]  # shapes (n, 1) and (1, m)
    v_hat = row * col / row.mean()
    factored[label] = np.linalg.norm(v_hat - g**2) / np.linalg.norm(g**2)
    error = "exact (< 1e-12)" if factored[label] < 1e-12 else f"{factored[label]:.3f}"
    print(f"{label:10s}: state {row.size} + {col.size} numbers (Adam: {g.size}); "
          f"relative error of V_hat against g^2: {error}")

# %%
# Verification
assert factored["g = a b^T"] < 1e-12  # rank 1: exact
assert factored["g Gaussian"] > 0.3  # not rank 1: a rank-1 stand-in

# %% [markdown]
# ## 3. Muon: orthogonalise the momentum
#
# Muon (K. Jordan et al., "Muon: An optimizer for hidden layers in neural networks", 2024, a blog post; studied at scale
# by Liu et al., "Muon is Scalable for LLM Training", 2025, arXiv:2502.16982) treats a weight matrix as a matrix. It
# keeps momentum $M$ and replaces it by its **polar factor**: if $M = U\Sigma V^\top$, the step is $-\eta\,UV^\top$,
# every singular value set to 1. Why: among steps $O$ with spectral norm $\lVert O\rVert_2 \le 1$, the one that
# decreases the linearised loss most, $\max \langle M, O\rangle$, is $O = UV^\top$ (the maximum is the nuclear norm
# $\sum\sigma_i$). So Muon is steepest descent in the spectral norm, as signSGD (lesson 12) is in the $\infty$-norm:
# directions with small singular values, which momentum SGD barely moves, get the same step as the dominant ones.
#
# An SVD per step is expensive; Muon runs five Newton–Schulz iterations
# $X \leftarrow aX + b\,XX^\top X + c\,(XX^\top)^2X$
# on $X_0 = M/\lVert M\rVert_F$, which act on each singular value through the odd polynomial $p(\sigma) = a\sigma +
# b\sigma^3 + c\sigma^5$. The quintic's coefficients $(3.4445, -4.7750, 2.0315)$ trade exactness for speed: five
# iterations push every $\sigma$ above $10^{-3}$ into about $[0.47, 1.2]$, not exactly to 1.

# %%
a, b, c = NS_COEFFICIENTS  # numopt.muon's constants
sigma0 = np.logspace(-3, 0, 400)
sigma5 = sigma0.copy()
for _ in range(NS_STEPS):  # what newton_schulz does to each singular value
    sigma5 = a * sigma5 + b * sigma5**3 + c * sigma5**5
print(f"five quintic Newton-Schulz iterations map sigma in [1e-3, 1] to [{sigma5.min():.3f}, {sigma5.max():.3f}]")

w_muon = rng.standard_normal((n, m)) * 0.1
g_muon = rng.standard_normal((n, 4)) @ np.diag([10.0, 1.0, 0.1, 0.01]) @ rng.standard_normal((4, m))
muon = numopt.Muon(lr=1.0, weight_decay=0.0)
before = w_muon.copy()
muon.step(w_muon, g_muon)
step = before - w_muon
u, s, vt = np.linalg.svd(g_muon, full_matrices=False)
polar = u[:, :4] @ vt[:4]  # the gradient has rank 4: its polar factor on its range
s_step = np.linalg.svd(step, compute_uv=False)
alignment = np.sum(step * polar) / (np.linalg.norm(step) * np.linalg.norm(polar))
print(f"gradient's singular values {np.array2string(s[:4], precision=3)} (rank 4)")
print(f"step's singular values     {np.array2string(s_step[:4] / s_step[0], precision=3)} (relative to the largest)")
print(f"cosine between the step and the polar factor U V^T: {alignment:.3f}")

# %%
# Verification
assert 0.45 < sigma5[sigma0 >= 1e-3].min() and sigma5.max() < 1.25
assert s[0] / s[3] > 500 and s_step[0] / s_step[3] < 3  # 1000× spread in, less than 3× out
assert s_step[4] < 1e-6 * s_step[0]  # nothing outside the gradient's range
assert alignment > 0.9

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.semilogx(sigma0, sigma5, label="5 quintic iterations")
ax1.axhline(1, color="k", ls=":", lw=1)
ax1.set_xlabel(r"singular value $\sigma$ of $M/\Vert M\Vert_F$")
ax1.set_ylabel("after Newton–Schulz")
ax1.legend()
ax2.semilogy(np.arange(1, 5), s[:4] / s[0], "o-", label="gradient (= momentum at t = 1)")
ax2.semilogy(np.arange(1, 5), s_step[:4] / s_step[0], "s-", label="Muon's step")
ax2.set_xlabel("index of the singular value")
ax2.set_ylabel("relative to the largest")
ax2.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What each changes in the box
#
# | method | starts from | the new line | what it controls |
# |---|---|---|---|
# | LARS | momentum | rate $\times\,\kappa\lVert W\rVert/\lVert g + \lambda W\rVert$ | each layer's relative step |
# | LAMB | AdamW | step $\times\,\lVert W\rVert/\lVert r\rVert$ | each layer's relative step, $= \eta$ |
# | Adafactor | Adam without momentum | $v$ replaced by row and column EWMAs | memory: $n + m$ instead of $nm$ |
# | Muon | momentum | $M \to UV^\top$ (Newton–Schulz) | the step's singular values, all $\approx 1$ |
#
# ## What to remember
# * A layer's relative change $\lVert\Delta W\rVert/\lVert W\rVert$ is what its output feels; SGD and Adam leave it to
#   the gradient's scale and the array's shape, the trust ratio of LARS and LAMB fixes it.
# * Adafactor's $RC^\top/\mathrm{mean}(R)$ is exact for rank-1 $g^2$ and a rank-1 stand-in otherwise.
# * Muon is steepest descent in the spectral norm: momentum, then all singular values to about 1.
# * All four need whole arrays, not coordinates.

# %% [markdown]
# ## Exercises
# 1. Show from the box that LARS with $\lambda = 0$ is invariant to multiplying the loss by any $c > 0$ at **every**
#    step, not only the first, and check it: 50 steps on the MLP with the loss and with $100\times$ the loss.
# 2. For a constant gradient, Adafactor's $\hat V$ equals $g^2$ exactly if and only if $g^2$ has rank 1. Prove the "if",
#    and for $g = a b^\top + \delta\,E$ (a rank-1 matrix plus a small Gaussian $E$) measure the largest relative error
#    of $\hat V$ for $\delta = 10^{-3}, 10^{-2}, 10^{-1}$.
# 3. How many iterations of the quintic bring $\sigma = 10^{-3}$ above 0.5? And of the cubic Newton–Schulz iteration
#    $p(\sigma) = \frac32\sigma - \frac12\sigma^3$, which converges to exactly 1?
