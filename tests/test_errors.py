"""Training (bp.sgd): bad arguments get a clear error naming them; divergence is reported.

(The other modules' error tests are in their own test files.)
"""

from __future__ import annotations

import numpy as np
import pytest

import bp

LABELS = np.array([0, 1, 2, 0, 1, 2])


@pytest.fixture
def net():
    return bp.Network([4, 5, 3], ["sigmoid", "softmax"], "log_likelihood", seed=0)


@pytest.fixture
def X():
    return np.random.default_rng(0).standard_normal((6, 4))


# ------------------------------------------------------------------ training
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 2.5}, TypeError, "batch_size"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"momentum": 1.0}, ValueError, "momentum"),
        ({"momentum": -0.5}, ValueError, "momentum"),
        ({"early_stopping": 3}, ValueError, "early_stopping"),
        ({"validation": np.zeros((2, 4))}, TypeError, "validation"),
        ({"validation": (np.zeros((2, 5)), np.array([0, 1]))}, ValueError, r"validation\[0\]"),
        ({"validation": (np.zeros((2, 4)), np.array([0, 5]))}, ValueError, r"validation\[1\]"),
    ],
)
def test_bad_training_arguments(net, X, kwargs, error, match):
    with pytest.raises(error, match=match):
        bp.train(net, X, LABELS, **kwargs)


def test_divergence_is_reported_not_propagated(X):
    net = bp.Network([4, 8, 3], "identity", "quadratic", seed=0)
    Y = np.random.default_rng(1).standard_normal((6, 3)) * 100
    with pytest.raises(FloatingPointError, match="learning_rate"):
        bp.train(net, X * 100, Y, epochs=50, learning_rate=10.0, batch_size=6)


# ------------------------------------------------------------------ parameters
