# %% [markdown]
# # Lesson 03 — Momentum, its three conventions, and Nesterov's look-ahead
#
# Lesson 01 showed that SGD on an ill-conditioned problem zig-zags across the steep
# directions and crawls along the shallow ones. **Momentum** (doc 003, the Momentum slide;
# doc 002, "Momentum") gives the iterate inertia: it steps along a decaying sum of past
# gradients, so oscillating components cancel and consistent ones add up. In doc 003's
# framework (lesson 01) Momentum changes only the first moment $m_t$; $V_t = I$.
#
# Three ways of writing it are in circulation, and the documents use different ones:
#
# | name | velocity | step | used by |
# |---|---|---|---|
# | torch form | $b_t = \beta b_{t-1} + g_t$ | $\theta_t = \theta_{t-1} - \eta b_t$ | numopt (default), torch |
# | EWMA form | $m_t = \beta m_{t-1} + (1-\beta) g_t$ | $\theta_t = \theta_{t-1} - \eta m_t$ | doc 002; `ewma=True` |
# | velocity form | $u_t = \beta u_{t-1} + \eta g_t$ | $\theta_t = \theta_{t-1} - u_t$ | doc 003 (erratum 6) |
#
# All start from a zero velocity. **They are the same method for a constant $\eta$.** Run
# them from the same start with the same gradients. By induction on $t$:
#
# * $u_t = \eta\, b_t$: true at $t = 0$; if it holds at $t-1$, then
#   $u_t = \beta\eta b_{t-1} + \eta g_t = \eta(\beta b_{t-1} + g_t) = \eta b_t$. So the
#   velocity form with $\eta$ takes exactly the torch form's steps with $\eta$.
# * $m_t = (1-\beta)\, b_t$: the same argument with the factor $(1-\beta)$. So the EWMA form
#   with step size $\eta'$ takes the torch form's steps with $\eta'(1-\beta)$; to match the
#   torch form with $\eta$, use $\eta' = \eta/(1-\beta)$ (ten times larger for $\beta = 0.9$).
#
# Since the steps agree, the points agree, so the gradients agree at the next step, and the
# induction goes on. The velocity form is not an option of `numopt.Momentum`; we write it
# here in three lines.

# %%
import matplotlib.pyplot as plt
import numpy as np

import numopt
from numopt import plot
from numopt.problems import Quadratic, Rosenbrock
from numopt.runner import run

problem = Quadratic(condition=20.0)  # λ = 1 and 20, eigenvectors rotated by 30°, minimum (1, 1)
start = np.array([-0.9, 1.1])
beta, steps = 0.9, 100


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


# %% [markdown]
# ## 1. Constant $\eta$: the three trajectories coincide
#
# The three computations round differently ($\eta b$ versus an accumulated $u$, and
# $\eta/(1-\beta)$ is itself rounded), so the points agree to rounding, not bit for bit.
# The iteration is contracting on this problem, so rounding errors of about $10^{-16}$
# per step do not grow; we assert agreement to $10^{-12}$.

# %%
eta = 0.02
torch_form = run(numopt.Momentum(lr=eta, beta=beta), problem, steps, start=start).params
ewma_form = run(numopt.Momentum(lr=eta / (1 - beta), beta=beta, ewma=True), problem, steps, start=start).params
doc003_form = velocity_form(problem, eta, beta, steps, start)
err_ewma = np.max(np.abs(ewma_form - torch_form))
err_doc003 = np.max(np.abs(doc003_form - torch_form))
print(f"constant eta = {eta}, beta = {beta}, {steps} steps:")
print(f"  max |EWMA form (lr = eta/(1-beta)) - torch form| = {err_ewma:.1e}")
print(f"  max |velocity form (doc 003)       - torch form| = {err_doc003:.1e}")
assert err_ewma < 1e-12 and err_doc003 < 1e-12

# %% [markdown]
# ## 2. Where the equivalence breaks: a learning-rate schedule
#
# With a schedule $\eta_t$ the induction fails. Unrolling both velocities,
#
# $$\text{torch form: } \theta_t = \theta_{t-1} - \eta_t \sum_{k\le t} \beta^{t-k} g_k,
#   \qquad
#   \text{velocity form: } \theta_t = \theta_{t-1} - \sum_{k\le t} \beta^{t-k}\, \eta_k\, g_k .$$
#
# The torch form applies **today's** $\eta_t$ to the whole accumulated velocity; the velocity
# form applied each past $\eta_k$ to its own gradient when it arrived. After a drop of the
# learning rate the torch form slows down at once, while the velocity form keeps coasting on
# the momentum gathered at the old rate for about $1/(1-\beta)$ more steps. The EWMA form
# with $\eta_t/(1-\beta)$ still matches the torch form, because it, too, multiplies the whole
# buffer by today's rate.
#
# Schedule: $\eta_t = 0.02$ for $t \le 20$, then $0.002$ (a step decay).

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
err_ewma_s = np.max(np.abs(ewma_s - torch_s))
print(f"with the schedule: max |EWMA form - torch form| = {err_ewma_s:.1e}  (still equivalent)")
print(f"  |velocity form - torch form| at t = 20: {gap[20]:.1e}, t = 21: {gap[21]:.3f}, "
      f"largest: {gap.max():.3f} at t = {int(np.argmax(gap))}")
assert err_ewma_s < 1e-12
assert gap[20] < 1e-12 and gap.max() > 0.1
print(f"  loss after {steps} steps: torch form {problem.loss(torch_s[-1]):.3e}, "
      f"velocity form {problem.loss(doc003_s[-1]):.3e}")

# %% [markdown]
# Up to step 20 the rate is constant and the forms agree; from step 21 on they separate by
# a visible distance. Neither is "wrong", but a course (or a paper) that quotes a learning
# rate schedule must say which form it uses. torch and numopt use the torch form.
#
# ## 3. Doc 003's momentum line counts $\eta$ twice (erratum 6)
#
# Doc 003 writes the momentum as $\eta\cdot m_t := \beta\, m_{t-1} + \eta\, g_t$ and then steps
# with $\Delta\theta_t = -\eta\, m_t$ (its framework with $V_t = I$). The product $\eta\, m_t$
# is the velocity $u_t$ — but the right-hand side then needs $\beta\,\eta\, m_{t-1} = \beta u_{t-1}$,
# not $\beta m_{t-1}$. The line mixes two quantities (**erratum 6**); the
# intended method is the velocity form $u_t = \beta u_{t-1} + \eta g_t$, $\theta_t = \theta_{t-1} - u_t$,
# which is also what the deck's own NAG formula uses.
#
# Code the line as it reads, $m \leftarrow \beta m + \eta g$ followed by the framework's
# $\theta \leftarrow \theta - \eta m$, and $\eta$ enters twice: the induction above gives
# $m_t = \eta\, b_t$, so the step is $\eta^2 b_t$. That is the torch form with learning rate
# $\eta^2$ — 50 times smaller than intended for $\eta = 0.02$.

# %%
def literal_doc003(problem, lr, beta, steps, start):
    """Doc 003's line coded as printed: m ← βm + ηg, θ ← θ − ηm (erratum 6: do not use)."""
    theta, m = start.copy(), np.zeros_like(start)
    for _ in range(steps):
        m = beta * m + lr * problem.grad(theta)
        theta = theta - lr * m
    return theta


literal = literal_doc003(problem, eta, beta, steps, start)
eta_squared = run(numopt.Momentum(lr=eta**2, beta=beta), problem, steps, start=start).params[-1]
err_literal = np.max(np.abs(literal - eta_squared))
print(f"literal reading after {steps} steps equals the torch form with lr = eta^2: max difference {err_literal:.1e}")
print(f"loss after {steps} steps: literal reading {problem.loss(literal):.3e}, "
      f"intended {problem.loss(torch_form[-1]):.3e}")
assert err_literal < 1e-12

# %% [markdown]
# ## 4. Nesterov's accelerated gradient: the look-ahead form and the change of variables
#
# **Doc 003's form.** Momentum will move the iterate by about $\beta u_{t-1}$ anyway, so NAG
# evaluates the gradient where that move lands, at the *look-ahead point*
# $\varphi_{t-1} - \beta u_{t-1}$ (the deck: "先看看如果跟着惯性走了一步" — first look where
# inertia alone would take you). Writing the deck's iterate as $\varphi$ and its velocity as
# $u$ (the deck's $\eta\, m$, see erratum 6):
#
# $$u_t = \beta u_{t-1} + \eta\, \nabla J(\varphi_{t-1} - \beta u_{t-1}), \qquad
#   \varphi_t = \varphi_{t-1} - u_t .$$
#
# An optimizer API of the form `step(params, grads)` receives the gradient at the stored
# parameters and cannot ask for one elsewhere (**erratum 7**). The fix
# (Bengio, Boulanger-Lewandowski and Pascanu, 2013) is to store the look-ahead point itself.
#
# **The change of variables.** Let $\theta_t = \varphi_t - \beta u_t$. Then the gradient NAG
# needs at step $t$ is simply $g_t = \nabla J(\theta_{t-1})$, the gradient at the stored point.
# Substituting $\varphi_t = \varphi_{t-1} - u_t$ and $\varphi_{t-1} = \theta_{t-1} + \beta u_{t-1}$:
#
# $$\theta_t = \varphi_{t-1} - u_t - \beta u_t
#           = \theta_{t-1} + \beta u_{t-1} - (1+\beta)(\beta u_{t-1} + \eta g_t)
#           = \theta_{t-1} - (1+\beta)\,\eta\, g_t - \beta^2 u_{t-1}.$$
#
# **numopt.NAG** (the torch form, `torch.optim.SGD(nesterov=True)`) computes
# $b_t = \beta b_{t-1} + g_t$ and $\theta_t = \theta_{t-1} - \eta\,(g_t + \beta b_t)$. Expanding
# $b_t$,
#
# $$\theta_t = \theta_{t-1} - \eta g_t - \eta\beta(\beta b_{t-1} + g_t)
#           = \theta_{t-1} - (1+\beta)\,\eta\, g_t - \beta^2 \eta\, b_{t-1}.$$
#
# With $u = \eta b$ (as for plain momentum, constant $\eta$) the two lines are identical.
# Both start at $\theta_0 = \varphi_0$ because $u_0 = 0$. So **numopt.NAG's iterates are
# exactly the look-ahead points $\varphi_t - \beta u_t$ of doc 003's NAG**, and the deck's own
# iterate is recovered as $\varphi_t = \theta_t + \beta\eta\, b_t$ from numopt's state.
#
# We check this on the Rosenbrock function, where the gradient is nonlinear, so agreement
# cannot come from linearity: run doc 003's form with the gradient evaluated at the
# look-ahead point (in the notebook), and `numopt.NAG` through `run` with its state recorded.

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
err_points = np.max(np.abs(nag.params - lookahead))
recovered_phi = nag.params[1:] + beta * lr_r * nag.state["b"]  # φ_t = θ_t + βη b_t
err_phi = np.max(np.abs(recovered_phi - phis[1:]))
print(f"Rosenbrock, lr = {lr_r}, beta = {beta}, {steps_r} steps from ({phis[0][0]:.1f}, {phis[0][1]:.1f}):")
print(f"  max |numopt.NAG iterate - doc 003 look-ahead point| = {err_points:.1e}")
print(f"  max |theta_t + beta*lr*b_t - doc 003 iterate phi_t|   = {err_phi:.1e}")
print(f"  final look-ahead point {nag.params[-1][0]:.6f}, {nag.params[-1][1]:.6f}; loss {nag.losses[-1]:.3e}")
assert err_points < 1e-10 and err_phi < 1e-10

# %% [markdown]
# The tolerance is looser than before ($10^{-10}$): on the Rosenbrock valley a rounding
# difference of $10^{-16}$ in the point changes the next gradient by up to the local
# curvature (several hundred) times as much, so differences can grow a little over 300
# steps before they shrink again. The measured agreement is far inside it.
#
# ## 5. Pictures: SGD, Momentum and NAG on the quadratic
#
# Same problem, same start, $\eta = 0.02$, $\beta = 0.9$, 100 steps.

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
# Momentum overshoots along the steep direction and spirals in (the complex roots of its
# two-step recursion have modulus $\sqrt\beta \approx 0.95$ there), but it moves much faster
# than SGD along the shallow valley. NAG's look-ahead gradient sees the overshoot one step
# early and damps the fast oscillation across the valley; it still overshoots slowly along
# the valley (the bumps of its loss curve), because $\beta = 0.9$ is more momentum than this
# problem needs (exercise 3).
#
# ## What to remember
#
# - Three momentum conventions: $b \leftarrow \beta b + g,\ \theta \leftarrow \theta - \eta b$
#   (torch, numopt); $m \leftarrow \beta m + (1-\beta) g,\ \theta \leftarrow \theta - \eta m$ (doc 002);
#   $u \leftarrow \beta u + \eta g,\ \theta \leftarrow \theta - u$ (doc 003). Same points for a
#   constant $\eta$ with $u = \eta b$ and $\eta_{\text{EWMA}} = \eta/(1-\beta)$.
# - With a learning-rate schedule the velocity form differs from the other two: it scales each
#   gradient by the rate at the time it arrived.
# - Doc 003's line $\eta m_t := \beta m_{t-1} + \eta g_t$ mixes $m$ and $\eta m$; coded literally it
#   uses $\eta^2$ (erratum 6).
# - NAG evaluates the gradient at the look-ahead point $\varphi - \beta u$; storing that point,
#   $\theta = \varphi - \beta u$, turns it into $\theta \leftarrow \theta - \eta(g + \beta b)$, which
#   needs only the gradient at the stored point (erratum 7) and visits the same points.
#
# ## Exercises
#
# 1. Redo section 2 with a *warm-up* schedule ($\eta_t$ rising linearly from 0 to 0.02 over 20
#    steps). Which form moves further in the first 20 steps, and why?
# 2. Show that `numopt.NAG` is `numopt.Momentum` fed with the modified gradient
#    $\hat g_t = g_t + \beta\,(g_t - g_{t-1})$, $g_0 = 0$ (hint: $d_t = g_t + \beta b_t$ satisfies
#    $d_t = \beta d_{t-1} + \hat g_t$). Verify it numerically, and interpret
#    $\beta(g_t - g_{t-1})$ as a finite-difference estimate of curvature along the path.
# 3. On `Quadratic(condition=20)`, the heavy-ball method converges fastest with
#    $\beta = \bigl((\sqrt\kappa-1)/(\sqrt\kappa+1)\bigr)^2$ and
#    $\eta = 4/(\sqrt{\lambda_{\max}}+\sqrt{\lambda_{\min}})^2$. Compute them, run
#    `numopt.Momentum` with these values and compare the measured rate with
#    $(\sqrt\kappa-1)/(\sqrt\kappa+1)$ and with lesson 01's best SGD rate.
