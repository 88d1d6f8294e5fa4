"""Shared fixtures: every algorithm and every named variant numopt documents.

``variant`` runs a test once per named variant, derived from the classes
(:func:`numopt.registry.variants`: the defaults, each switch flipped, each
class's ``named_variants``);
``algorithm`` once per registry key. ``gradient`` is a deterministic, smooth
gradient source for tests that need many realistic steps but no expected numbers
(round trips, dtypes, structures): the gradient of a separable quadratic plus a
small step-dependent drift, so successive gradients differ and sign changes occur.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

import numopt
from numopt.registry import variants


@dataclass(frozen=True)
class Variant:
    """One named variant: a registry key and the constructor arguments that select it."""

    name: str
    key: str
    kwargs: dict = field(default_factory=dict)

    def make(self, **overrides) -> numopt.Optimizer:
        """A fresh optimizer of this variant (``overrides`` replace or add arguments)."""
        return numopt.OPTIMIZERS[self.key](**{**self.kwargs, **overrides})


VARIANTS = [Variant(name, key, kwargs) for name, (key, kwargs) in variants().items()]
"""Every algorithm and every named variant its class states (:func:`numopt.registry.variants`; ids are the names)."""


@pytest.fixture(params=VARIANTS, ids=[v.name for v in VARIANTS])
def variant(request: pytest.FixtureRequest) -> Variant:
    """Each named variant in turn."""
    return request.param


@pytest.fixture(params=sorted(numopt.OPTIMIZERS))
def algorithm(request: pytest.FixtureRequest) -> type[numopt.Optimizer]:
    """Each registered optimizer class in turn (ids are the registry keys)."""
    return numopt.OPTIMIZERS[request.param]


def _drifting_quadratic_gradient(theta: np.ndarray, t: int) -> np.ndarray:
    """∇ of ½ Σ (θ − 1.2)² plus a bounded drift 0.3·cos(t + index): smooth, sign-changing, finite."""
    drift = 0.3 * np.cos(t + np.arange(theta.size, dtype=np.float64)).reshape(theta.shape)
    return np.asarray(theta - 1.2 + drift, dtype=theta.dtype)  # a 0-d array, not a NumPy scalar, for 0-d θ


@pytest.fixture
def gradient() -> Callable[[np.ndarray, int], np.ndarray]:
    """``gradient(theta, t)``: a fresh gradient array of theta's shape and dtype."""
    return _drifting_quadratic_gradient


def positive_params(dtype: type = np.float64) -> dict[str, np.ndarray]:
    """A dict of strictly positive parameters (EGU needs them): a 0-d, a 1-d and a 2-d array."""
    return {
        "w": np.array([[0.5, 1.5, 0.8], [2.0, 0.3, 1.1]], dtype=dtype),
        "b": np.array([0.7, 1.9], dtype=dtype),
        "scale": np.array(1.3, dtype=dtype),
    }


@pytest.fixture
def make_params() -> Callable[..., dict[str, np.ndarray]]:
    """``make_params(dtype=np.float64)``: fresh parameters (see :func:`positive_params`)."""
    return positive_params
