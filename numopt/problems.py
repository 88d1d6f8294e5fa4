"""Test problems for the optimizers: loss, analytic gradient, seeded start, known minimum.

Every problem is a :class:`Problem`:

* ``loss(params, batch=None)`` and ``grad(params, batch=None)``: the objective
  and its analytic gradient (the tests check every one against central finite
  differences). ``batch=None`` means the full objective; a ``batch`` from
  :meth:`Problem.batches` gives the mini-batch (or online) loss and gradient
  that an optimizer sees at one step;
* ``init(seed=None)``: a fresh starting point (an array, or a dict of arrays
  for the MLP). ``seed=None`` gives the problem's standard start; an integer
  gives a seeded random start;
* ``batches(seed=None)``: an endless iterator of the batches handed to steps
  1, 2, 3, ...; ``None`` for every step of a deterministic problem. A given
  seed gives the identical sequence; ``seed=None`` means seed 0;
* ``project(params)``: the constraint, applied in place after every step
  (only :class:`Reddi` has one: x ∈ [−1, 1]);
* ``minimizer``, ``min_value``: where known, else ``None``;
* ``metrics(params, k)``: extra numbers the runner records after k steps
  (the drifting stream's accuracy), and ``markers``: step numbers worth
  marking in plots (the stream's drift times).

A problem knows nothing about optimizers: the learning rates and other
settings that ``numopt race`` and the figures use on each problem are the
runner's, :data:`numopt.runner.SUGGESTED`.

:data:`PROBLEMS` maps the names used by ``numopt race`` to factories.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from . import checks
from .checks import real, whole

__all__ = [
    "MLP", "PROBLEMS", "Beale", "DriftingStream", "Flattened", "LogisticRegression", "Problem", "Quadratic",
    "Reddi", "Rosenbrock", "Scaled", "two_moons",
]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1 + e^{−z}), written with tanh so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


LARGEST = 10**7
"""The most numbers a problem's data or params may hold (80 MB of float64): a size beyond is refused."""

LARGEST_QUADRATIC = 2000
"""The largest dimension of :class:`Quadratic` (its dense matrix A holds dim² numbers)."""


def _rng(value: Any, name: str = "seed") -> np.random.Generator:
    """NumPy's generator of a seed checked first (an int >= 0), so that a bad seed is named."""
    return np.random.default_rng(checks.seed(value, name))


def _floats(params: Any) -> np.ndarray:
    """``params`` as a float array: ``loss`` and ``grad`` also take a list such as ``[1.0, 2.0]``."""
    params = np.asarray(params)
    return params if params.dtype.kind == "f" else params.astype(float)


class Problem:
    """Base class: a differentiable objective with a start, batches and (maybe) a known minimum.

    Subclasses implement :meth:`loss` and :meth:`grad` and usually :meth:`init`.

    Attributes
    ----------
    name : str
        Short name (the key in :data:`PROBLEMS`).
    minimizer : ndarray or None
        The minimiser, where known.
    min_value : float or None
        The minimum value, where known.
    bounds : ((float, float), (float, float)) or None
        The window ``((x_min, x_max), (y_min, y_max))`` for contour plots of 2-D problems.
    stochastic : bool
        True if :meth:`batches` yields mini-batches (or online losses) rather than ``None``.
    """

    name: str = ""
    minimizer: np.ndarray | None = None
    min_value: float | None = None
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None
    stochastic: bool = False

    def loss(self, params: Any, batch: Any = None) -> float:
        """The objective at ``params`` (on ``batch`` if given)."""
        raise NotImplementedError

    def grad(self, params: Any, batch: Any = None) -> Any:
        """The analytic gradient of :meth:`loss`, with the structure of ``params``."""
        raise NotImplementedError

    def init(self, seed: int | None = None) -> Any:
        """A fresh starting point: the standard one for ``seed=None``, else a seeded random one."""
        raise NotImplementedError

    def batches(self, seed: int | None = None) -> Iterator[Any]:
        """The batches of steps 1, 2, 3, ...: ``None`` forever for a deterministic problem."""
        return itertools.repeat(None)

    def project(self, params: Any) -> None:
        """Apply the constraint to ``params`` in place (no constraint by default)."""

    def metrics(self, params: Any, k: int) -> dict[str, float]:
        """Extra numbers to record after ``k`` steps (none by default)."""
        return {}

    @property
    def markers(self) -> dict[str, tuple[int, ...]]:
        """Step numbers worth marking in plots, by label (none by default)."""
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Quadratic(Problem):
    r"""Ill-conditioned convex quadratic f(θ) = ½ (θ − θ*)ᵀ A (θ − θ*), minimum 0 at θ* = (1, ..., 1).

    A = Q diag(λ) Qᵀ with eigenvalues λ geometrically spaced from 1 to
    ``condition`` (so κ(A) = ``condition``), and Q a rotation by ``angle``
    radians in 2-D (a fixed random orthogonal matrix, seed 0, for ``dim > 2``), so
    the valley is not aligned with the axes and no per-coordinate scaling removes
    the ill-conditioning. The standard start is θ* + (−0.8, 1.5, −0.8, 1.5, ...),
    which has positive coordinates so that EGU can run too.

    Parameters
    ----------
    condition : float, default 10
        Condition number κ(A) ≥ 1.
    dim : int, default 2
        Dimension ≥ 1.
    angle : float, default π/6
        Rotation of the eigenvectors in 2-D (ignored for ``dim != 2``).
    """

    name = "quadratic"
    bounds = ((-1.0, 2.0), (-0.5, 3.0))

    def __init__(self, condition: float = 10.0, dim: int = 2, angle: float = math.pi / 6) -> None:
        self.condition = real("condition", condition, 1.0)
        self.dim = whole("dim", dim, 1, LARGEST_QUADRATIC)
        self.angle = real("angle", angle)
        eigenvalues = np.geomspace(1.0, self.condition, self.dim)
        if self.dim == 2:
            c, s = math.cos(self.angle), math.sin(self.angle)
            Q = np.array([[c, -s], [s, c]])
        else:
            Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((self.dim, self.dim)))
        self.A = (Q * eigenvalues) @ Q.T
        self.minimizer = np.ones(self.dim)
        self.min_value = 0.0

    def loss(self, params: np.ndarray, batch: Any = None) -> float:
        params = _floats(params)
        d = params - self.minimizer
        return 0.5 * float(d @ self.A @ d)  # ½ (θ − θ*)ᵀ A (θ − θ*)

    def grad(self, params: np.ndarray, batch: Any = None) -> np.ndarray:
        params = _floats(params)
        return self.A @ (params - self.minimizer)  # A (θ − θ*)

    def init(self, seed: int | None = None) -> np.ndarray:
        if seed is None:
            return self.minimizer + np.resize([-0.8, 1.5], self.dim)
        return self.minimizer + _rng(seed).uniform(-1.5, 1.5, self.dim)

    def __repr__(self) -> str:
        return f"Quadratic(condition={self.condition:g}, dim={self.dim})"


class Rosenbrock(Problem):
    r"""Rosenbrock's banana f(x) = Σᵢ 100 (x_{i+1} − xᵢ²)² + (1 − xᵢ)², minimum 0 at (1, ..., 1).

    A curved, flat-bottomed valley: easy to find, slow to follow. The standard
    start is (−1.2, 1, −1.2, 1, ...) (Rosenbrock 1960); a seeded start is
    uniform in [−2, 2]ⁿ.

    Parameters
    ----------
    dim : int, default 2
        Dimension ≥ 2.
    """

    name = "rosenbrock"
    bounds = ((-2.0, 2.0), (-1.0, 3.0))

    def __init__(self, dim: int = 2) -> None:
        self.dim = whole("dim", dim, 2, LARGEST)
        self.name = "rosenbrock" if self.dim == 2 else f"rosenbrock{self.dim}"
        self.minimizer = np.ones(self.dim)
        self.min_value = 0.0

    def loss(self, params: np.ndarray, batch: Any = None) -> float:
        params = _floats(params)
        x, y = params[:-1], params[1:]
        return float(np.sum(100.0 * (y - x * x) ** 2 + (1.0 - x) ** 2))

    def grad(self, params: np.ndarray, batch: Any = None) -> np.ndarray:
        params = _floats(params)
        x, y = params[:-1], params[1:]
        r = y - x * x  # residual of the valley, x_{i+1} − xᵢ²
        g = np.zeros_like(params)
        g[:-1] = -400.0 * x * r - 2.0 * (1.0 - x)  # ∂/∂xᵢ of the i-th term
        g[1:] += 200.0 * r  # ∂/∂x_{i+1} of the i-th term
        return g

    def init(self, seed: int | None = None) -> np.ndarray:
        if seed is None:
            return np.resize([-1.2, 1.0], self.dim)
        return _rng(seed).uniform(-2.0, 2.0, self.dim)

    def __repr__(self) -> str:
        return f"Rosenbrock(dim={self.dim})"


class Beale(Problem):
    r"""Beale's function f(x, y) = Σ_{i=1}^{3} (cᵢ − x + x yⁱ)², c = (1.5, 2.25, 2.625); minimum 0 at (3, 0.5).

    Flat plateaus and steep walls; the standard start is (1, 1.5). A seeded start
    is uniform in [−2, 2]².
    """

    name = "beale"
    bounds = ((-1.0, 4.0), (-1.5, 2.5))
    C = (1.5, 2.25, 2.625)

    def __init__(self) -> None:
        self.minimizer = np.array([3.0, 0.5])
        self.min_value = 0.0

    def loss(self, params: np.ndarray, batch: Any = None) -> float:
        params = _floats(params)
        x, y = params
        return float(sum((c - x + x * y**i) ** 2 for i, c in enumerate(self.C, start=1)))

    def grad(self, params: np.ndarray, batch: Any = None) -> np.ndarray:
        params = _floats(params)
        x, y = params
        gx = gy = 0.0
        for i, c in enumerate(self.C, start=1):
            r = c - x + x * y**i  # residual rᵢ
            gx += 2.0 * r * (y**i - 1.0)  # ∂rᵢ/∂x = yⁱ − 1
            gy += 2.0 * r * i * x * y ** (i - 1)  # ∂rᵢ/∂y = i x y^{i−1}
        return np.array([gx, gy])

    def init(self, seed: int | None = None) -> np.ndarray:
        if seed is None:
            return np.array([1.0, 1.5])
        return _rng(seed).uniform(-2.0, 2.0, 2)


class Reddi(Problem):
    r"""The online counterexample of Reddi, Kale & Kumar (2018) where Adam does not converge.

    At step t the loss is linear, f_t(x) = C·x if t mod ``period`` = 1 and
    −``slope``·x otherwise, and x is projected onto [−1, 1] after every step.
    With C > slope·(period − 1) the average loss F(x) = (C − slope·(period − 1))·x / period
    is minimised at x* = −1, its :meth:`loss` (``batch=None``).

    The rare large gradient C is the informative one. Adam's v is an exponential
    average with a short memory (about 1/(1−β2) steps): it forgets C quickly, so
    the many small steps that push x up are divided by a small √v̂ and outweigh the
    rare step down. Theorem 1 of the paper: with period 3, β1 = 0 and
    β2 = 1/(1 + C²), Adam goes to the worst point x = +1. The paper's synthetic
    experiment uses C = 1010, period 101, slope 10 with β1 = 0.9, β2 = 0.99.
    AdaX's v̂ weights old squared gradients more, not less (its β̂₂,ₜ → 1), so it
    keeps the memory of C: the "long-term memory" the paper asks for and doc
    000 builds in.

    The batch of step t is t itself (the loss is deterministic in t).

    Parameters
    ----------
    C : float, default 3
        The rare large gradient; must exceed ``slope * (period - 1)``.
    period : int, default 3
        The large gradient comes at steps 1, 1 + period, 1 + 2·period, ...
    slope : float, default 1
        The gradient −slope of the other steps.
    """

    name = "reddi"
    bounds = None
    stochastic = True

    def __init__(self, C: float = 3.0, period: int = 3, slope: float = 1.0) -> None:
        self.period = whole("period", period, 2)
        self.slope = real("slope", slope, 0.0, strict=True)
        self.C = real("C", C, self.slope * (self.period - 1), strict=True)
        self.minimizer = np.array([-1.0])
        self.min_value = -self._mean_slope()

    def _mean_slope(self) -> float:
        return (self.C - self.slope * (self.period - 1)) / self.period

    def _slope_at(self, t: int) -> float:
        return self.C if t % self.period == 1 else -self.slope

    def loss(self, params: np.ndarray, batch: int | None = None) -> float:
        params = _floats(params)
        a = self._mean_slope() if batch is None else self._slope_at(batch)
        return a * float(params[0])  # f_t(x) = a x

    def grad(self, params: np.ndarray, batch: int | None = None) -> np.ndarray:
        params = _floats(params)
        a = self._mean_slope() if batch is None else self._slope_at(batch)
        return np.full_like(params, a)

    def init(self, seed: int | None = None) -> np.ndarray:
        if seed is None:
            return np.zeros(1)
        return _rng(seed).uniform(-1.0, 1.0, 1)

    def batches(self, seed: int | None = None) -> Iterator[int]:
        """Step t gets the batch t (1, 2, 3, ...); the seed plays no role."""
        return itertools.count(1)

    def project(self, params: np.ndarray) -> None:
        """x ← clip(x, −1, 1)."""
        np.clip(params, -1.0, 1.0, out=params)

    def __repr__(self) -> str:
        return f"Reddi(C={self.C:g}, period={self.period}, slope={self.slope:g})"


class _FiniteSum(Problem):
    """A loss averaged over a fixed data set; mini-batches of ``batch_size`` indices."""

    stochastic = True
    n: int
    batch_size: int
    X: np.ndarray
    y: np.ndarray

    def _checked_batch_size(self, batch_size: Any) -> int:
        value = whole("batch_size", batch_size, 1)
        if value > self.n:
            raise ValueError(f"batch_size={batch_size!r}; expected an int <= n = {self.n}")
        return value

    def _data(self, batch: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The whole data set (``batch=None``) or the rows ``batch``."""
        return (self.X, self.y) if batch is None else (self.X[batch], self.y[batch])

    def batches(self, seed: int | None = None) -> Iterator[np.ndarray]:
        """Sorted index arrays of ``batch_size`` distinct samples, seeded (``None`` means 0)."""
        rng = _rng(0 if seed is None else seed)
        while True:
            yield np.sort(rng.choice(self.n, self.batch_size, replace=False))


class LogisticRegression(_FiniteSum):
    r"""L2-regularised logistic regression on a seeded two-class data set.

    Two Gaussian classes in the plane, means ±(1, 0.5), unit covariance, ``n``
    points in total, labels y ∈ {−1, +1} (data seed ``data_seed``). The params
    are w ∈ R³ (two weights and a bias), the loss

        f(w) = mean_i log(1 + exp(−yᵢ xᵢᵀw)) + (λ/2) ‖w‖²,  xᵢ = (xᵢ₁, xᵢ₂, 1),

    strictly convex, so its minimiser is unique; it is found at construction by
    Newton's method (to machine precision) and stored in ``minimizer`` and
    ``min_value``. Mini-batches of ``batch_size`` samples.

    Parameters
    ----------
    n : int, default 400
    batch_size : int, default 32
    lam : float, default 0.01
        λ > 0.
    data_seed : int, default 0
    """

    name = "logistic"

    def __init__(self, n: int = 400, batch_size: int = 32, lam: float = 0.01, data_seed: int = 0) -> None:
        self.n = whole("n", n, 2, LARGEST)
        self.batch_size = self._checked_batch_size(batch_size)
        self.lam = real("lam", lam, 0.0, strict=True)
        rng = _rng(data_seed, "data_seed")
        self.y = np.where(np.arange(self.n) % 2 == 0, 1.0, -1.0)
        points = self.y[:, None] * np.array([1.0, 0.5]) + rng.standard_normal((self.n, 2))
        self.X = np.column_stack([points, np.ones(self.n)])
        self.minimizer = self._newton()
        self.min_value = self.loss(self.minimizer)

    def loss(self, params: np.ndarray, batch: np.ndarray | None = None) -> float:
        params = _floats(params)
        X, y = self._data(batch)
        margins = y * (X @ params)
        return float(np.mean(np.logaddexp(0.0, -margins)) + 0.5 * self.lam * (params @ params))

    def grad(self, params: np.ndarray, batch: np.ndarray | None = None) -> np.ndarray:
        params = _floats(params)
        X, y = self._data(batch)
        margins = y * (X @ params)
        return -(X.T @ (y * _sigmoid(-margins))) / len(y) + self.lam * params

    def _newton(self) -> np.ndarray:
        w = np.zeros(3)
        for _ in range(50):
            p = _sigmoid(self.X @ w)
            H = (self.X.T * (p * (1.0 - p))) @ self.X / self.n + self.lam * np.eye(3)
            w = w - np.linalg.solve(H, self.grad(w))
        return w

    def init(self, seed: int | None = None) -> np.ndarray:
        if seed is None:
            return np.array([-2.0, 2.0, 1.0])
        return _rng(seed).uniform(-2.0, 2.0, 3)


def two_moons(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on two interleaved half circles plus Gaussian noise; labels 0 and 1.

    Returns
    -------
    X : ndarray, shape (n, 2)
        Centred at the origin.
    y : ndarray, shape (n,)
        1.0 for the upper moon, 0.0 for the lower one.
    """
    rng = _rng(seed)
    y = (np.arange(n) % 2).astype(float)
    angle = rng.uniform(0.0, math.pi, n)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    X = np.where(y[:, None] == 1.0, upper, lower) + noise * rng.standard_normal((n, 2))
    return X - np.array([0.5, 0.25]), y


class MLP(_FiniteSum):
    r"""A two-layer perceptron with hand-written backprop on a seeded two-moons data set.

    Params are a dict ``{"W1": (2, H), "b1": (H,), "W2": (H, 1), "b2": (1,)}``;
    the model is z = tanh(X W1 + b1) W2 + b2 and the loss the mean binary
    cross-entropy mean_i [log(1 + e^{zᵢ}) − yᵢ zᵢ], y ∈ {0, 1}. Non-convex:
    ``minimizer`` and ``min_value`` are ``None``. ``init(seed)`` draws
    W ~ N(0, 1/fan_in) and zero biases (``seed=None`` means seed 0).

    Parameters
    ----------
    n : int, default 200
    hidden : int, default 16
    batch_size : int, default 32
    noise : float, default 0.15
        Standard deviation of the noise on the moons.
    data_seed : int, default 0
    """

    name = "mlp"

    def __init__(
        self, n: int = 200, hidden: int = 16, batch_size: int = 32, noise: float = 0.15, data_seed: int = 0
    ) -> None:
        self.n = whole("n", n, 2, LARGEST)
        self.hidden = whole("hidden", hidden, 1, LARGEST // self.n)
        self.batch_size = self._checked_batch_size(batch_size)
        self.noise = real("noise", noise, 0.0)
        self.X, self.y = two_moons(self.n, self.noise, data_seed)

    def _forward(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = np.tanh(X @ params["W1"] + params["b1"])  # hidden layer
        z = (h @ params["W2"] + params["b2"])[:, 0]  # logits
        return h, z

    def loss(self, params: Mapping[str, np.ndarray], batch: np.ndarray | None = None) -> float:
        X, y = self._data(batch)
        _, z = self._forward(params, X)
        return float(np.mean(np.logaddexp(0.0, z) - y * z))

    def grad(self, params: Mapping[str, np.ndarray], batch: np.ndarray | None = None) -> dict[str, np.ndarray]:
        X, y = self._data(batch)
        h, z = self._forward(params, X)
        dz = ((_sigmoid(z) - y) / len(y))[:, None]  # ∂loss/∂z
        da = (dz @ params["W2"].T) * (1.0 - h * h)  # back through tanh: tanh' = 1 − h²
        return {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": h.T @ dz, "b2": dz.sum(axis=0)}

    def accuracy(self, params: Mapping[str, np.ndarray]) -> float:
        """The fraction of the data set classified correctly (z > 0 means class 1)."""
        _, z = self._forward(params, self.X)
        return float(np.mean((z > 0) == (self.y == 1.0)))

    def init(self, seed: int | None = None) -> dict[str, np.ndarray]:
        rng = _rng(0 if seed is None else seed)
        H = self.hidden
        return {
            "W1": rng.standard_normal((2, H)) / math.sqrt(2.0),
            "b1": np.zeros(H),
            "W2": rng.standard_normal((H, 1)) / math.sqrt(H),
            "b2": np.zeros(1),
        }


class DriftingStream(Problem):
    r"""A classification stream whose class boundary rotates: the Funnel's drift experiment, scaled down.

    Doc 004 trains on MNIST images whose rotation changes over time. Here the
    inputs are x ~ N(0, I) in R^``dim`` and the label is y = sign(⟨u_k, x⟩),
    flipped with probability ``label_noise``, where the boundary's normal
    u_k = cos(kα) e₁ + sin(kα) e₂ turns by α = ``angle`` degrees at each drift,
    every ``period`` steps (phase k = ⌊(t − 1)/period⌋ for step t). The model is
    logistic regression with params ``{"w": (dim,), "b": (1,)}`` (two arrays, so
    the Funnel keeps two scales). Each step gets a fresh mini-batch of
    ``batch_size`` samples of its phase (seeded by the run's seed).

    :meth:`loss` with ``batch=None`` averages the loss over every phase on a
    fixed evaluation set (500 points, seed ``data_seed``). :meth:`metrics`
    reports after k steps the ``accuracy`` and the ``phase_loss`` on the
    evaluation set labelled by the boundary of the phase of step k; ``markers``
    gives the drift times {"drift": (period, 2·period, ...)}.

    Parameters
    ----------
    dim : int, default 10
    period : int, default 200
    drifts : int, default 4
        Number of drifts; the stream has ``drifts + 1`` phases.
    angle : float, default 60
        Rotation per drift, degrees.
    batch_size : int, default 16
    label_noise : float, default 0.05
    data_seed : int, default 0
    """

    name = "drift"
    stochastic = True

    def __init__(
        self, dim: int = 10, period: int = 200, drifts: int = 4, angle: float = 60.0, batch_size: int = 16,
        label_noise: float = 0.05, data_seed: int = 0,
    ) -> None:
        self.dim = whole("dim", dim, 2, LARGEST // 500)
        self.period = whole("period", period, 1)
        self.drifts = whole("drifts", drifts, 0, 1000)
        self.angle = real("angle", angle)
        self.batch_size = whole("batch_size", batch_size, 1)
        self.label_noise = real("label_noise", label_noise, 0.0)
        if self.label_noise >= 0.5:
            raise ValueError(f"label_noise={label_noise!r}; expected 0 <= label_noise < 0.5")
        self.X_eval = _rng(data_seed, "data_seed").standard_normal((500, self.dim))

    def phase(self, t: int) -> int:
        """The phase of step t (t = 1, 2, ...): ⌊(t − 1)/period⌋, at most ``drifts``."""
        return min(max(t - 1, 0) // self.period, self.drifts)

    def normal(self, phase: int) -> np.ndarray:
        """The boundary's unit normal u_k in phase k."""
        a = math.radians(self.angle * phase)
        u = np.zeros(self.dim)
        u[0], u[1] = math.cos(a), math.sin(a)
        return u

    def loss(self, params: Mapping[str, np.ndarray], batch: tuple | None = None) -> float:
        if batch is None:
            return float(np.mean([self._loss(params, self.X_eval, self._labels(k)) for k in range(self.drifts + 1)]))
        return self._loss(params, *batch)

    def grad(self, params: Mapping[str, np.ndarray], batch: tuple | None = None) -> dict[str, np.ndarray]:
        batches = [(self.X_eval, self._labels(k)) for k in range(self.drifts + 1)] if batch is None else [batch]
        grads = [self._grad(params, X, y) for X, y in batches]
        return {name: np.mean([g[name] for g in grads], axis=0) for name in ("w", "b")}

    def _labels(self, phase: int) -> np.ndarray:
        return np.where(self.X_eval @ self.normal(phase) >= 0.0, 1.0, -1.0)

    @staticmethod
    def _loss(params: Mapping[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> float:
        margins = y * (X @ params["w"] + params["b"][0])
        return float(np.mean(np.logaddexp(0.0, -margins)))

    @staticmethod
    def _grad(params: Mapping[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        margins = y * (X @ params["w"] + params["b"][0])
        r = -y * _sigmoid(-margins) / len(y)  # ∂loss/∂(xᵀw + b)
        return {"w": X.T @ r, "b": np.array([r.sum()])}

    def batches(self, seed: int | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Fresh samples (X, y) for steps 1, 2, ...; labels of the step's phase, with noise."""
        rng = _rng(0 if seed is None else seed)
        for t in itertools.count(1):
            X = rng.standard_normal((self.batch_size, self.dim))
            y = np.where(X @ self.normal(self.phase(t)) >= 0.0, 1.0, -1.0)
            y[rng.random(self.batch_size) < self.label_noise] *= -1.0
            yield X, y

    def metrics(self, params: Mapping[str, np.ndarray], k: int) -> dict[str, float]:
        """``accuracy`` and ``phase_loss`` after k steps, on the boundary of step k's phase.

        The model predicts +1 where xᵀw + b >= 0, as the labels do.
        """
        y = self._labels(self.phase(k))
        predicted = np.where(self.X_eval @ params["w"] + params["b"][0] >= 0.0, 1.0, -1.0)
        return {"accuracy": float(np.mean(predicted == y)), "phase_loss": self._loss(params, self.X_eval, y)}

    @property
    def markers(self) -> dict[str, tuple[int, ...]]:
        return {"drift": tuple(self.period * k for k in range(1, self.drifts + 1))}

    def init(self, seed: int | None = None) -> dict[str, np.ndarray]:
        if seed is None:
            return {"w": np.zeros(self.dim), "b": np.zeros(1)}
        rng = _rng(seed)
        return {"w": 0.1 * rng.standard_normal(self.dim), "b": np.zeros(1)}


def _wrapped(wrapper: str, problem: Any) -> Problem:
    """Refuse anything but a :class:`Problem` (a name such as ``"mlp"`` included) as the problem of ``wrapper``."""
    if not isinstance(problem, Problem):
        raise TypeError(f"{wrapper}(problem={problem!r}); expected a Problem, e.g. numopt.problems.MLP()")
    return problem


class Scaled(Problem):
    """``problem`` with its loss (and so its gradient) multiplied by a constant ``c > 0``.

    The minimiser is the same; only the scale of the gradients changes, which is
    what separates scale-invariant methods (Adam) from those that are not (SGD).
    """

    def __init__(self, problem: Problem, c: float) -> None:
        self.problem, self.c = _wrapped("Scaled", problem), real("c", c, 0.0, strict=True)
        self.name = f"{self.c:g} × {problem.name}"
        self.min_value = None if problem.min_value is None else self.c * problem.min_value

    def loss(self, params: Any, batch: Any = None) -> float:
        return self.c * self.problem.loss(params, batch)

    def grad(self, params: Any, batch: Any = None) -> Any:
        return self.c * self.problem.grad(params, batch)

    def init(self, seed: int | None = None) -> Any:
        return self.problem.init(seed)

    def batches(self, seed: int | None = None) -> Iterator[Any]:
        return self.problem.batches(seed)


class Flattened(Problem):
    """``problem``, whose params are a dict of arrays, with the arrays joined into one vector.

    An optimizer that keeps one quantity per parameter array (the Funnel's scale s)
    then keeps one for the whole model instead of one per layer.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem, self.name = _wrapped("Flattened", problem), f"{problem.name} as one array"
        start = problem.init()
        if not isinstance(start, Mapping):
            raise ValueError(
                f"Flattened({problem!r}): its params are {type(start).__name__}, one array already; expected a "
                "problem whose params are a dict of arrays (such as MLP())"
            )
        self.shapes = {k: np.shape(v) for k, v in start.items()}

    def split(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """The vector ``x`` cut back into the problem's named arrays."""
        ends = np.cumsum([math.prod(shape) for shape in self.shapes.values()])
        parts = np.split(x, ends[:-1])
        return {k: part.reshape(shape) for (k, shape), part in zip(self.shapes.items(), parts, strict=True)}

    def join(self, params: dict[str, np.ndarray]) -> np.ndarray:
        """The named arrays joined into one vector, in the problem's order."""
        return np.concatenate([params[k].ravel() for k in self.shapes])

    def loss(self, x: np.ndarray, batch: Any = None) -> float:
        return self.problem.loss(self.split(x), batch)

    def grad(self, x: np.ndarray, batch: Any = None) -> np.ndarray:
        return self.join(self.problem.grad(self.split(x), batch))

    def init(self, seed: int | None = None) -> np.ndarray:
        return self.join(self.problem.init(seed))

    def batches(self, seed: int | None = None) -> Iterator[Any]:
        return self.problem.batches(seed)


PROBLEMS: dict[str, Callable[[], Problem]] = {
    "quadratic": Quadratic,
    "rosenbrock": Rosenbrock,
    "rosenbrock10": lambda: Rosenbrock(dim=10),
    "beale": Beale,
    "reddi": Reddi,
    "logistic": LogisticRegression,
    "mlp": MLP,
    "drift": DriftingStream,
}
"""Problem name -> factory with the default settings."""
