"""Shared fixtures and helpers for the bp test suite."""

from __future__ import annotations

import numpy as np
import pytest

import bp

# Every valid (hidden activation, output activation, cost) combination.
HIDDEN = ["sigmoid", "tanh", "lecun_tanh", "relu", "identity"]
OUTPUT_COST = [
    ("sigmoid", "quadratic"),
    ("tanh", "quadratic"),
    ("lecun_tanh", "quadratic"),
    ("relu", "quadratic"),
    ("identity", "quadratic"),
    ("softmax", "quadratic"),
    ("sigmoid", "cross_entropy"),
    ("softmax", "log_likelihood"),
]


# The small classifier and batch of the error tests (test_network.py, test_sgd.py).
LABELS = np.array([0, 1, 2, 0, 1, 2])


def make_targets(rng: np.random.Generator, output: str, cost: str, m: int, n: int) -> np.ndarray:
    """Valid targets for an output activation and cost: (m, n) floats."""
    if cost == "log_likelihood":
        return np.eye(n)[rng.integers(0, n, size=m)]
    if output in ("sigmoid", "softmax") or cost == "cross_entropy":
        return rng.random((m, n))
    return rng.standard_normal((m, n))


def make_problem(sizes, hidden, output, cost, m, seed=0, weight_decay=0.0):
    """A network with ``hidden`` layers and an ``output`` layer, m random inputs, valid targets."""
    rng = np.random.default_rng(seed)
    L = len(sizes) - 1
    net = bp.Network(
        sizes, [hidden] * (L - 1) + [output], cost, seed=seed, weight_decay=weight_decay
    )
    X = rng.standard_normal((m, sizes[0]))
    Y = make_targets(rng, output, cost, m, sizes[-1])
    return net, X, Y


def layered_net(hidden, output, cost, dtype=np.float64, sizes=(5, 7, 6, 4), weight_decay=0.0):
    """A network of ``sizes`` with ``hidden`` activations below an ``output`` layer (seed 3)."""
    return bp.Network(
        list(sizes),
        [hidden] * (len(sizes) - 2) + [output],
        cost,
        seed=3,
        dtype=dtype,
        weight_decay=weight_decay,
    )


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def small_net() -> bp.Network:
    return bp.Network([4, 5, 3], "sigmoid", "quadratic", seed=1)


@pytest.fixture
def net() -> bp.Network:
    """A 4-5-3 classifier (sigmoid, softmax, log-likelihood) for the error tests."""
    return bp.Network([4, 5, 3], ["sigmoid", "softmax"], "log_likelihood", seed=0)


@pytest.fixture
def X() -> np.ndarray:
    """Six inputs for :func:`net` (labels: ``LABELS``)."""
    return np.random.default_rng(0).standard_normal((6, 4))
