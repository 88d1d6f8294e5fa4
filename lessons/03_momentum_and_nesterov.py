# %% [markdown]
# # Lesson 03 — Momentum, its three conventions, and Nesterov's look-ahead
#
# **The question.** On lesson 01's ill-conditioned quadratic ($\kappa = 20$), plain gradient
# descent at its *best* step size needs the number of steps printed below to cut the distance
# to the minimum a millionfold. **Momentum** (doc 003, Momentum slide; doc 002, "Momentum")
# steps along a decaying sum of past gradients. With the textbook $\beta = 0.9$ it is *slower*
# than tuned SGD; with the right $(\eta, \beta)$ it is more than three times faster. Why, and
# what are the right values? Section 5 answers with a $2\times2$ eigenvalue problem.

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt import plot, theory
from numopt.grading import grade
from numopt.problems import Quadratic, Rosenbrock
from numopt.runner import run
from numopt.widgets.momentum import momentum_map, widget

problem = Quadratic(condition=20.0)  # λ = 1 and 20, eigenvectors rotated by 30°, minimum (1, 1)
lams = np.array([1.0, 20.0])
start = np.array([-0.9, 1.1])
beta, steps = 0.9, 100
lr_opt, beta_opt, rate_opt = theory.heavy_ball_optimal(*lams)


def steps_to_million(opt):
    """Steps until ‖θ_t − θ*‖ < 10⁻⁶ ‖θ_0 − θ*‖ (at most 400)."""
    dist = np.linalg.norm(run(opt, problem, 400, start=start).params - problem.minimizer, axis=1)
    return int(np.argmax(dist < 1e-6 * dist[0]))


opening = {
    "SGD, best eta = 2/(1 + 20)": steps_to_million(numopt.SGD(lr=2 / 21)),
    "Momentum, eta = 0.02, beta = 0.9": steps_to_million(numopt.Momentum(lr=0.02, beta=0.9)),
    f"Momentum, eta = {lr_opt:.4f}, beta = {beta_opt:.4f}": steps_to_million(numopt.Momentum(lr=lr_opt, beta=beta_opt)),
}
for name, k in opening.items():
    print(f"{name:<40} {k:4d} steps to shrink the error 10^6-fold")

# %% [markdown]
# ## 1. Three conventions, one method for a constant $\eta$
#
# In doc 003's framework (lesson 01) Momentum changes only the first moment; $V_t = I$.
# Three ways of writing it are in circulation:
#
# | name | velocity | step | used by |
# |---|---|---|---|
# | torch form | $b_t = \beta b_{t-1} + g_t$ | $\theta_t = \theta_{t-1} - \eta b_t$ | numopt (default), torch |
# | EWMA form | $m_t = \beta m_{t-1} + (1-\beta) g_t$ | $\theta_t = \theta_{t-1} - \eta m_t$ | doc 002; `ewma=True` |
# | velocity form | $u_t = \beta u_{t-1} + \eta g_t$ | $\theta_t = \theta_{t-1} - u_t$ | doc 003 (erratum 6) |
#
# All start from a zero velocity. By induction on $t$, $u_t = \eta\, b_t$ (if it holds at
# $t-1$, then $u_t = \beta\eta b_{t-1} + \eta g_t = \eta b_t$) and likewise $m_t = (1-\beta)\, b_t$.
# So the velocity form with $\eta$ takes the torch form's steps, and the EWMA form matches
# the torch form with $\eta' = \eta/(1-\beta)$ (ten times larger for $\beta = 0.9$). Equal steps
# give equal points, hence equal next gradients, and the induction goes on. The velocity form
# is not an option of `numopt.Momentum`; we write it in three lines.

# %%
def velocity_form(problem, lr, beta, steps, start):
    """Doc 003's momentum as intended: u ← βu + η_t g, θ ← θ − u. Returns the points θ_0..θ_steps."""
    theta, u = start.copy(), np.zeros_like(start)
    path = [theta.copy()]
    for t in range(1, steps + 1):
        eta = lr(t) if callable(lr) else lr
        u = beta * u + eta * problem.grad(theta)  # u_t = β u_{t-1} + η_t g_t
        theta = theta - u  # θ_t = θ_{t-1} − u_t
        path.append(theta.copy())
    return np.array(path)


eta = 0.02
torch_form = run(numopt.Momentum(lr=eta, beta=beta), problem, steps, start=start).params
ewma_form = run(numopt.Momentum(lr=eta / (1 - beta), beta=beta, ewma=True), problem, steps, start=start).params
doc003_form = velocity_form(problem, eta, beta, steps, start)

# %%
# Verification: the three forms agree to rounding (the iteration contracts, so errors do not grow)
err_ewma = np.max(np.abs(ewma_form - torch_form))
err_doc003 = np.max(np.abs(doc003_form - torch_form))
assert err_ewma < 1e-12 and err_doc003 < 1e-12
print(f"constant eta = {eta}, beta = {beta}, {steps} steps: the EWMA form (lr = eta/(1-beta)) and the velocity "
      "form (doc 003) stay within 1e-12 of the torch form")

# %% [markdown]
# ## 2. Where the equivalence breaks: a learning-rate schedule
#
# With a schedule $\eta_t$ the induction fails. Unrolling both velocities,
#
# $$\text{torch form: } \theta_t = \theta_{t-1} - \eta_t \sum_{k\le t} \beta^{t-k} g_k,
#   \qquad
#   \text{velocity form: } \theta_t = \theta_{t-1} - \sum_{k\le t} \beta^{t-k}\, \eta_k\, g_k .$$
#
# The torch form applies **today's** $\eta_t$ to the whole velocity; the velocity form applied
# each past $\eta_k$ to its own gradient. After a drop of the rate the torch form slows down at
# once, the velocity form coasts for about $1/(1-\beta)$ more steps. The EWMA form with
# $\eta_t/(1-\beta)$ still matches the torch form. Schedule: $\eta_t = 0.02$ for $t \le 20$,
# then $0.002$.

# %%
def schedule(t):
    """Step decay: 0.02 for the first 20 steps, then 0.002."""
    return 0.02 if t <= 20 else 0.002


def ewma_schedule(t):
    """The same schedule rescaled for the EWMA form: η_t / (1 − β)."""
    return schedule(t) / (1 - beta)


torch_s = run(numopt.Momentum(lr=schedule, beta=beta), problem, steps, start=start).params
ewma_s = run(numopt.Momentum(lr=ewma_schedule, beta=beta, ewma=True), problem, steps, start=start).params
doc003_s = velocity_form(problem, schedule, beta, steps, start)
gap = np.linalg.norm(doc003_s - torch_s, axis=1)
print(f"|velocity form - torch form| at t = 20: {'below' if gap[20] < 1e-12 else 'NOT below'} 1e-12, "
      f"t = 21: {gap[21]:.3f}, largest: {gap.max():.3f} at t = {int(np.argmax(gap))}")
print(f"loss after {steps} steps: torch form {problem.loss(torch_s[-1]):.3e}, "
      f"velocity form {problem.loss(doc003_s[-1]):.3e}")

# %%
# Verification: the EWMA form still equals the torch form; the velocity form departs at t = 21
err_ewma_s = np.max(np.abs(ewma_s - torch_s))
assert err_ewma_s < 1e-12
assert gap[20] < 1e-12 and gap.max() > 0.1
print("with the schedule: the EWMA form stays within 1e-12 of the torch form")

# %% [markdown]
# Neither is "wrong", but a course (or a paper) that quotes a schedule must say which form it
# uses. torch and numopt use the torch form.
#
# ## 3. Doc 003's momentum line counts $\eta$ twice (erratum 6)
#
# Doc 003 writes $\eta\cdot m_t := \beta\, m_{t-1} + \eta\, g_t$ and then steps with
# $\Delta\theta_t = -\eta\, m_t$. The product $\eta\, m_t$ is the velocity $u_t$, but then the
# right-hand side needs $\beta u_{t-1} = \beta\eta m_{t-1}$, not $\beta m_{t-1}$: the line mixes two
# quantities (**erratum 6**). The intended method is the velocity form, which the deck's own NAG
# formula uses. Coded as it reads, $m \leftarrow \beta m + \eta g$, $\theta \leftarrow \theta - \eta m$,
# the induction gives $m_t = \eta\, b_t$, so the step is $\eta^2 b_t$: the torch form with
# learning rate $\eta^2$, 50 times too small for $\eta = 0.02$.

# %%
def literal_doc003(problem, lr, beta, steps, start):
    """Doc 003's line coded as printed: m ← βm + ηg, θ ← θ − ηm (erratum 6: do not use)."""
    theta, m = start.copy(), np.zeros_like(start)
    for _ in range(steps):
        m = beta * m + lr * problem.grad(theta)
        theta = theta - lr * m
    return theta


literal = literal_doc003(problem, eta, beta, steps, start)
print(f"loss after {steps} steps: literal reading {problem.loss(literal):.3e}, "
      f"intended {problem.loss(torch_form[-1]):.3e}")

# %%
# Verification: the literal reading is the torch form with lr = eta^2
eta_squared = run(numopt.Momentum(lr=eta**2, beta=beta), problem, steps, start=start).params[-1]
err_literal = np.max(np.abs(literal - eta_squared))
assert err_literal < 1e-12
print(f"the literal reading stays within 1e-12 of the torch form with lr = eta^2 over {steps} steps")

# %% [markdown]
# ## 4. Nesterov's look-ahead and the change of variables (erratum 7)
#
# NAG evaluates the gradient where momentum alone would take the iterate, the *look-ahead
# point* $\varphi_{t-1} - \beta u_{t-1}$ (the deck: "先看看如果跟着惯性走了一步", first look where
# inertia alone would take you). With the deck's iterate $\varphi$ and velocity $u$:
#
# $$u_t = \beta u_{t-1} + \eta\, \nabla J(\varphi_{t-1} - \beta u_{t-1}), \qquad
#   \varphi_t = \varphi_{t-1} - u_t .$$
#
# An API `step(params, grads)` receives the gradient at the stored parameters and cannot ask
# for one elsewhere (**erratum 7**). The fix (Bengio, Boulanger-Lewandowski and Pascanu, 2013)
# stores the look-ahead point $\theta_t = \varphi_t - \beta u_t$; then the needed gradient is
# $g_t = \nabla J(\theta_{t-1})$, and substituting $\varphi_{t-1} = \theta_{t-1} + \beta u_{t-1}$,
#
# $$\theta_t = \varphi_{t-1} - (1+\beta) u_t
#           = \theta_{t-1} - (1+\beta)\,\eta\, g_t - \beta^2 u_{t-1}.$$
#
# `numopt.NAG` (torch's `nesterov=True`) computes $b_t = \beta b_{t-1} + g_t$,
# $\theta_t = \theta_{t-1} - \eta\,(g_t + \beta b_t) = \theta_{t-1} - (1+\beta)\,\eta\, g_t - \beta^2 \eta\, b_{t-1}$:
# the same line with $u = \eta b$, and the same start since $u_0 = 0$. So **numopt.NAG's
# iterates are doc 003's look-ahead points**, and $\varphi_t = \theta_t + \beta\eta\, b_t$. We
# check it on the Rosenbrock function, where the gradient is nonlinear.

# %%
rosen = Rosenbrock()
lr_r, steps_r = 1e-3, 300
phi, u = rosen.init(), np.zeros(2)
lookahead, phis = [phi - beta * u], [phi.copy()]
for _ in range(steps_r):
    u = beta * u + lr_r * rosen.grad(phi - beta * u)  # gradient at the look-ahead point
    phi = phi - u
    lookahead.append(phi - beta * u)
    phis.append(phi.copy())
lookahead, phis = np.array(lookahead), np.array(phis)
nag = run(numopt.NAG(lr=lr_r, beta=beta), rosen, steps_r, record_state=True)
print(f"final look-ahead point {nag.params[-1][0]:.6f}, {nag.params[-1][1]:.6f}; loss {nag.losses[-1]:.3e}")

# %%
# Verification: numopt.NAG's iterates are the look-ahead points; φ_t is recovered from its state.
# Tolerance 1e-10: on the valley, rounding differences are amplified by the curvature (hundreds).
err_points = np.max(np.abs(nag.params - lookahead))
recovered_phi = nag.params[1:] + beta * lr_r * nag.state["b"]  # φ_t = θ_t + βη b_t
err_phi = np.max(np.abs(recovered_phi - phis[1:]))
assert err_points < 1e-10 and err_phi < 1e-10
print("numopt.NAG's iterates are doc 003's look-ahead points, and theta_t + beta*lr*b_t its phi_t, within 1e-10")

# %% [markdown]
# ## 5. Why momentum works: one $2\times2$ matrix per eigen-direction
#
# On $f(\theta) = \tfrac12(\theta-\theta^\ast)^\top A(\theta-\theta^\ast)$ the gradient is
# $A(\theta - \theta^\ast)$, so along an eigenvector of $A$ with eigenvalue $\lambda$ the error
# $x = \theta - \theta^\ast$ and the velocity $b$ of numopt's form evolve on their own:
# $b_t = \lambda x_{t-1} + \beta b_{t-1}$ and $x_t = x_{t-1} - \eta b_t$, that is
#
# $$\begin{pmatrix} x_t \\ b_t \end{pmatrix} = M_\lambda \begin{pmatrix} x_{t-1} \\ b_{t-1} \end{pmatrix},
#   \qquad M_\lambda = \begin{pmatrix} 1-\eta\lambda & -\eta\beta \\ \lambda & \beta \end{pmatrix},
#   \qquad z^2 - (1+\beta-\eta\lambda)\, z + \beta = 0 .$$
#
# The error shrinks like $r^t$ with $r$ the largest eigenvalue modulus over all directions
# (`theory.heavy_ball_rate`). The product of the two roots is $\det M_\lambda = \beta$, so:
#
# * above the **critical-damping curve** $\beta_c = (1-\sqrt{\eta\lambda})^2$ the roots are complex
#   conjugates, both of modulus $\sqrt\beta$: the error spirals in at rate $\sqrt\beta$, **whatever
#   $\eta$ and $\lambda$**;
# * below it they are real, and the larger one is slower than $\sqrt\beta$.
#
# At $\eta = 0.02$, $\beta = 0.9$ **both** directions are above their curves, the shallow one
# too: the rate is $\sqrt{0.9} = 0.949$ everywhere, worse than tuned SGD's
# $(\kappa-1)/(\kappa+1) = 0.905$. That is the opening's slow run.

# %%
roots = theory.heavy_ball_eigenvalues(eta, beta, lams)
for lam, (z, _) in zip(lams, roots, strict=True):
    print(f"lambda = {lam:4.0f}: beta_c = {theory.heavy_ball_critical_beta(eta, lam):.3f} < beta = {beta}; "
          f"roots {z.real:.3f} ± {z.imag:.3f}i, modulus {abs(z):.4f}")
print(f"sqrt(beta) = {np.sqrt(beta):.4f}")

# %%
# Verification: both directions are underdamped with modulus √β; M_λ's eigenvalues are the roots
assert np.all(roots.imag[:, 0] > 0) and np.all(theory.heavy_ball_critical_beta(eta, lams) < beta)
assert np.allclose(np.abs(roots), np.sqrt(beta), rtol=1e-14, atol=0)
for lam, z in zip(lams, roots, strict=True):
    eig = np.sort_complex(np.linalg.eigvals(theory.heavy_ball_matrix(eta, beta, lam)))
    assert np.allclose(eig, np.sort_complex(z), rtol=1e-12, atol=0)

# %% [markdown]
# **The optimum.** Any direction below its curve is slower than $\sqrt\beta$, any above runs at
# $\sqrt\beta$, so the best choice puts both extreme directions exactly *on* their curves:
# $\sqrt\beta = 1 - \sqrt{\eta\lambda_{\min}} = \sqrt{\eta\lambda_{\max}} - 1$. Hence
#
# $$\eta^\ast = \frac{4}{(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2}, \qquad
#   \beta^\ast = \Bigl(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Bigr)^2, \qquad
#   r^\ast = \sqrt{\beta^\ast} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}$$
#
# (Polyak 1964): $\sqrt\kappa$ where SGD has $\kappa$. The form matters for $\eta^\ast$:
# eliminating $b$ gives Polyak's $x_t = (1+\beta-\eta\lambda)\,x_{t-1} - \beta x_{t-2}$ with the
# *same* $\eta$, so numopt's (torch's) form needs no rescaling; the EWMA form does (exercise 3).
# We measure each rate from a `numopt` run, on the error $\theta - \theta^\ast$ directly so that
# it can shrink far below rounding of $\theta^\ast = (1, 1)$.

# %%
def measured_rate(opt, steps=500, window=20):
    """Run opt on the error e = θ − θ* (gradient A e); rate from the envelope of ‖e_t‖ over two windows."""
    e = start - problem.minimizer
    norms = [np.linalg.norm(e)]
    for _ in range(steps):
        opt.step(e, problem.A @ e)
        norms.append(np.linalg.norm(e))
    early, late = max(norms[100:100 + window]), max(norms[steps - window:steps])
    return (late / early) ** (1 / (steps - 100 - window))


cases = {
    "SGD, eta = 2/21": (numopt.SGD(lr=2 / 21), float(theory.heavy_ball_rate(2 / 21, 0.0, lams))),
    "Momentum, eta = 0.02, beta = 0.9": (
        numopt.Momentum(lr=eta, beta=beta), float(theory.heavy_ball_rate(eta, beta, lams))
    ),
    "Momentum, eta*, beta*": (numopt.Momentum(lr=lr_opt, beta=beta_opt), rate_opt),
}
print(f"eta* = {lr_opt:.4f}, beta* = {beta_opt:.4f}, r* = {rate_opt:.4f}")
measured = {}
for name, (opt, predicted) in cases.items():
    measured[name] = measured_rate(opt)
    print(f"{name:<33} predicted rate {predicted:.4f}, measured {measured[name]:.4f}")

# %%
# Verification: measured rates match the closed forms (within 1%: a double root adds a factor t),
# and the optimum beats a grid of (eta, beta)
for name, (_, predicted) in cases.items():
    assert abs(measured[name] / predicted - 1) < 0.01, name
for lam in lams:  # Polyak's optimum critically damps both extreme directions: z² − (1 + β − ηλ)z + β has a double root
    assert abs((1 + beta_opt - lr_opt * lam) ** 2 - 4 * beta_opt) < 1e-12
    assert abs(abs(1 + beta_opt - lr_opt * lam) / 2 - rate_opt) < 1e-12  # the double root's size is the rate
eta_grid, beta_grid = np.meshgrid(np.linspace(0.001, 0.19, 200), np.linspace(0.0, 0.99, 200))
assert theory.heavy_ball_rate(eta_grid, beta_grid, lams).min() >= rate_opt - 1e-9

# %% [markdown]
# ### The map of rates over $(\eta, \beta)$
#
# As in Gabriel Goh's "Why Momentum Really Works" (Distill, 2017,
# https://distill.pub/2017/momentum/): the rate over $(\eta, \beta)$, the two
# critical-damping curves, our $(\eta, \beta)$ (dot) and the optimum (star), where the curves
# cross; right, a numopt run against $r^t$. The sliders below redraw it (live kernel only).

# %%
view = momentum_map(lr=eta, beta=beta, condition=20.0)
plt.show()

# %%
widget()

# %% [markdown]
# ### SGD, Momentum and NAG on the quadratic
#
# Same problem and start, $\eta = 0.02$, $\beta = 0.9$, 100 steps.

# %%
runs = {
    "SGD": run(numopt.SGD(lr=eta), problem, steps, start=start),
    "Momentum": run(numopt.Momentum(lr=eta, beta=beta), problem, steps, start=start),
    "NAG": run(numopt.NAG(lr=eta, beta=beta), problem, steps, start=start),
}
for name, traj in runs.items():
    print(f"{name:<9} loss after 10, 30, 100 steps: "
          f"{traj.losses[10]:.2e}, {traj.losses[30]:.2e}, {traj.losses[100]:.2e}")
fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(11, 4.5))
plot.contours(problem, runs, ax=ax_path)
ax_path.set_title("Paths, 100 steps (η = 0.02, β = 0.9)")
plot.loss_curves(runs, ax=ax_loss, title="Loss (log scale)")
fig.tight_layout()
plt.show()

# %% [markdown]
# Momentum spirals in along *both* directions (rate $\sqrt\beta$) but moves much faster than SGD
# at the same $\eta$ along the shallow valley. NAG's look-ahead gradient sees the overshoot one
# step early and damps the fast oscillation across the valley; it still overshoots slowly along
# the valley, because $\beta = 0.9$ is more momentum than this problem needs ($\beta^\ast = 0.40$).
#
# ## What to remember
#
# - Three conventions: $b \leftarrow \beta b + g,\ \theta \leftarrow \theta - \eta b$ (torch, numopt);
#   $m \leftarrow \beta m + (1-\beta) g,\ \theta \leftarrow \theta - \eta m$ (doc 002);
#   $u \leftarrow \beta u + \eta g,\ \theta \leftarrow \theta - u$ (doc 003). Same points for a constant
#   $\eta$, with $\eta_{\text{EWMA}} = \eta/(1-\beta)$; different under a schedule.
# - Doc 003's $\eta m_t := \beta m_{t-1} + \eta g_t$ coded literally uses $\eta^2$ (erratum 6).
# - NAG's look-ahead gradient, stored as $\theta = \varphi - \beta u$, becomes
#   $\theta \leftarrow \theta - \eta(g + \beta b)$, which needs only the gradient at the stored point (erratum 7).
# - On a quadratic each eigen-direction is a $2\times2$ linear system with root product $\beta$:
#   above critical damping the rate is $\sqrt\beta$ in every direction. The optimum critically
#   damps both extremes: rate $(\sqrt\kappa-1)/(\sqrt\kappa+1)$ against SGD's $(\kappa-1)/(\kappa+1)$.

# %% [markdown]
# ## Exercises
#
#
# 1. Redo section 2 with a *warm-up* schedule ($\eta_t$ rising linearly from 0 to 0.02 over 20
#    steps). Which form moves further in the first 20 steps, and why?
# 2. Show that `numopt.NAG` is `numopt.Momentum` fed with the modified gradient
#    $\hat g_t = g_t + \beta\,(g_t - g_{t-1})$, $g_0 = 0$ (hint: $d_t = g_t + \beta b_t$ satisfies
#    $d_t = \beta d_{t-1} + \hat g_t$). Verify it numerically, and interpret
#    $\beta(g_t - g_{t-1})$ as a finite-difference estimate of curvature along the path.
# 3. Which learning rate makes `numopt.Momentum(ewma=True)` run at Polyak's optimum on
#    `Quadratic(condition=20)`? Check the measured rate against $(\sqrt\kappa-1)/(\sqrt\kappa+1)$.
# 4. Fix $\beta = 0.9$. Show that every $\eta$ with
#    $(1-\sqrt\beta)^2/\lambda_{\min} < \eta < (1+\sqrt\beta)^2/\lambda_{\max}$ gives the same
#    rate $\sqrt\beta$ on `Quadratic(condition=20)`, find that interval, and check it with
#    `theory.heavy_ball_rate` and with runs near its two ends and in the middle.


# %% [markdown]
# ## Lab: write Momentum's update
#
# Write `momentum_update(param, grad, state, t)`: one step, where `state` is `None` at $t = 1$ and afterwards what the
# previous call returned; return `(new_param, new_state)`. The body below is a first attempt with a mistake students
# often make. The next cell runs numopt's grader in this process: it steps your function and `numopt.Momentum`
# through the same seeded cases and names the mistake it recognises. Fix the body until the checks pass (the
# solutions notebook has the answer). A course's student version replaces the body by
# `raise NotImplementedError()` ([lessons/README](README.md#labs-and-student-versions)).

# %%
def momentum_update(param, grad, state, t, lr=0.02, beta=0.9):
    """One heavy-ball step in numopt's (torch's) convention b ← βb + g, θ ← θ − ηb; returns (new_param, new_state)."""
    # TODO: write the update; the grader in the next cell checks it
    # BEGIN SOLUTION
    velocity = np.zeros_like(param) if state is None else state
    velocity = beta * velocity + (1 - beta) * grad
    return param - lr * velocity, velocity
    # END SOLUTION


# %%
print(grade(momentum_update, "momentum", {"lr": 0.02, "beta": 0.9}).summary())
