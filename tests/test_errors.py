"""Bad input gets a clear error naming the argument; nothing is silently broadcast."""

from __future__ import annotations

import numpy as np
import pytest

import bp


@pytest.fixture
def net():
    return bp.Network([4, 5, 3], ["sigmoid", "softmax"], "log_likelihood", seed=0)


@pytest.fixture
def X():
    return np.random.default_rng(0).standard_normal((6, 4))


LABELS = np.array([0, 1, 2, 0, 1, 2])


# ------------------------------------------------------------------ architecture
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sizes": [3]}, ValueError, "sizes"),
        ({"sizes": []}, ValueError, "sizes"),
        ({"sizes": [3, 0, 2]}, ValueError, r"sizes\[1\]"),
        ({"sizes": [3, -4, 2]}, ValueError, r"sizes\[1\]"),
        ({"sizes": [3, 2.5, 2]}, TypeError, r"sizes\[1\]"),
        ({"sizes": 5}, TypeError, "sizes"),
        ({"sizes": "34"}, TypeError, "sizes"),
        ({"sizes": [3, 2], "activations": "swish"}, ValueError, "unknown activation 'swish'"),
        ({"sizes": [3, 2], "activations": 3}, TypeError, "activations"),
        ({"sizes": [3, 4, 2], "activations": ["sigmoid"]}, ValueError, "activations"),
        ({"sizes": [3, 4, 2], "activations": ["softmax", "sigmoid"]}, ValueError, "output layer"),
        ({"sizes": [3, 2], "cost": "hinge"}, ValueError, "unknown cost 'hinge'"),
        (
            {"sizes": [3, 2], "activations": "tanh", "cost": "cross_entropy"},
            ValueError,
            "sigmoid output",
        ),
        (
            {"sizes": [3, 2], "activations": "sigmoid", "cost": "log_likelihood"},
            ValueError,
            "softmax output",
        ),
        ({"sizes": [3, 2], "weight_decay": -1.0}, ValueError, "weight_decay"),
        ({"sizes": [3, 2], "weight_decay": float("nan")}, ValueError, "weight_decay"),
        ({"sizes": [3, 2], "dtype": np.int32}, TypeError, "dtype"),
        ({"sizes": [3, 2], "dtype": "float16"}, TypeError, "dtype"),
        ({"sizes": [3, 2], "init": "zeros"}, ValueError, "init"),
    ],
)
def test_bad_architecture(kwargs, error, match):
    with pytest.raises(error, match=match):
        bp.Network(**kwargs)


# ------------------------------------------------------------------ inputs
@pytest.mark.parametrize("method", ["feedforward", "forward"])
def test_wrong_input_width(net, method):
    with pytest.raises(ValueError, match=r"X has 5 columns.*4 neurons"):
        getattr(net, method)(np.zeros((2, 5)))


def test_one_dimensional_input_is_not_broadcast(net):
    with pytest.raises(ValueError, match=r"X must be a 2-D array.*reshape"):
        net.feedforward(np.zeros(4))


def test_empty_batch(net):
    with pytest.raises(ValueError, match="X is an empty batch"):
        net.backprop(np.zeros((0, 4)), np.zeros(0, dtype=int))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_inputs(net, X, bad):
    X = X.copy()
    X[2, 1] = bad
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        net.backprop(X, LABELS)


def test_non_numeric_inputs(net):
    with pytest.raises(TypeError, match="X must hold real numbers"):
        net.feedforward(np.array([["a", "b", "c", "d"]]))
    with pytest.raises(TypeError, match="X must hold real numbers"):
        net.feedforward(np.array([[1, 2, 3, 4]], dtype=object))
    with pytest.raises(TypeError, match="X must hold real numbers"):
        net.feedforward(np.ones((1, 4), dtype=complex))


# ------------------------------------------------------------------ targets
def test_targets_wrong_shape(net, X):
    with pytest.raises(ValueError, match=r"y must have shape \(6, 3\)"):
        net.backprop(X, np.zeros((6, 2)))
    with pytest.raises(ValueError, match=r"y must have shape \(6, 3\)"):
        net.backprop(X, np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"y must have shape \(6, 3\)"):
        net.backprop(X, np.zeros((3,)))  # not silently broadcast over the batch


def test_label_count_mismatch(net, X):
    with pytest.raises(ValueError, match="y has 5 labels but the batch has 6"):
        net.backprop(X, LABELS[:5])


@pytest.mark.parametrize("bad", [3, -1, 10])
def test_labels_out_of_range(net, X, bad):
    labels = LABELS.copy()
    labels[0] = bad
    with pytest.raises(ValueError, match=r"y: class labels must lie in \[0, 3\)"):
        net.backprop(X, labels)


def test_nan_in_targets(X):
    net = bp.Network([4, 3], "sigmoid", "quadratic")
    Y = np.zeros((6, 3))
    Y[0, 0] = np.nan
    with pytest.raises(ValueError, match="y contains NaN or infinity"):
        net.backprop(X, Y)


def test_targets_outside_cost_domain(X):
    ce = bp.Network([4, 3], "sigmoid", "cross_entropy")
    with pytest.raises(ValueError, match=r"y: cross-entropy targets must lie in \[0, 1\]"):
        ce.backprop(X, np.full((6, 3), 1.5))
    ll = bp.Network([4, 3], "softmax", "log_likelihood")
    with pytest.raises(ValueError, match="y: log-likelihood targets"):
        ll.backprop(X, np.full((6, 3), 0.5))


def test_accuracy_label_errors(net, X):
    with pytest.raises(TypeError, match="y must be a 1-D array of integer class labels"):
        net.accuracy(X, np.zeros(6))
    with pytest.raises(ValueError, match=r"y: class labels must lie in \[0, 3\)"):
        net.accuracy(X, np.full(6, 7))


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
def test_set_params_checks(net):
    with pytest.raises(ValueError, match="theta must have shape"):
        net.set_params(np.zeros(3))
    theta = net.get_params()
    theta[0] = np.nan
    with pytest.raises(ValueError, match="theta contains NaN"):
        net.set_params(theta)
