"""The forward pass and backpropagation, checked against independent computations."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
from hypothesis import given, settings

import bp
from bp.gradcheck import relative_error
from conftest import HIDDEN, LABELS, OUTPUT_COST, make_targets
from strategies import problems


def _sigmoid_reference(z):
    # Written independently of bp: the textbook formula, fine for moderate z.
    return 1.0 / (1.0 + np.exp(-z))


def test_forward_matches_explicit_loops(rng):
    net = bp.Network([3, 4, 2], "sigmoid", seed=7)
    X = rng.standard_normal((5, 3))
    out = net.feedforward(X)
    for i in range(5):
        a = list(X[i])
        for l in (1, 2):
            w, b = net.w[l], net.b[l]
            a = [
                _sigmoid_reference(sum(w[j, k] * a[k] for k in range(len(a))) + b[j])
                for j in range(w.shape[0])
            ]
        np.testing.assert_allclose(out[i], a, rtol=1e-12)


def test_forward_pass_keeps_every_layer(rng):
    net = bp.Network([3, 4, 5, 2], ["relu", "tanh", "identity"], seed=2)
    X = rng.standard_normal((6, 3))
    fp = net.forward(X)
    assert fp.z[0] is None and fp.a[0] is not None
    assert [a.shape for a in fp.a] == [(6, 3), (6, 4), (6, 5), (6, 2)]
    np.testing.assert_array_equal(fp.a[1], np.maximum(fp.z[1], 0))
    np.testing.assert_array_equal(fp.a[2], np.tanh(fp.z[2]))
    np.testing.assert_allclose(fp.z[2], fp.a[1] @ net.w[2].T + net.b[2], rtol=1e-14)


def test_weight_orientation_matches_text():
    net = bp.Network([3, 4, 2])
    assert net.w[0] is None and net.b[0] is None
    assert net.w[1].shape == (4, 3) and net.w[2].shape == (2, 4)
    assert net.b[1].shape == (4,) and net.b[2].shape == (2,)


def test_lecun_initialisation_scale():
    net = bp.Network([400, 300, 10], seed=0)
    # Standard deviation of w^1 should be close to 400^(-1/2) = 0.05.
    assert abs(net.w[1].std() - 0.05) < 0.002
    net2 = bp.Network([400, 300, 10], seed=0, init="standard_normal")
    assert abs(net2.w[1].std() - 1.0) < 0.02


@pytest.mark.parametrize(("hidden", "output_cost"), list(itertools.product(HIDDEN, OUTPUT_COST)))
@pytest.mark.parametrize("weight_decay", [0.0, 0.3])
def test_gradient_check_every_combination(hidden, output_cost, weight_decay):
    output, cost = output_cost
    rng = np.random.default_rng(zlib.crc32(f"{hidden}-{output}-{cost}".encode()))
    net = bp.Network([4, 5, 3], [hidden, output], cost, weight_decay=weight_decay, seed=3)
    for l in (1, 2):  # non-zero biases so every term is exercised
        net.b[l][:] = 0.1 * rng.standard_normal(net.b[l].shape)
    X = rng.standard_normal((7, 4))
    Y = make_targets(rng, output, cost, 7, 3)
    result = bp.check_gradient(net, X, Y)
    assert result.relative_error <= 1e-7, str(result)


def test_gradient_check_detects_a_wrong_gradient(rng):
    net = bp.Network([3, 4, 2], seed=0)
    X, Y = rng.standard_normal((5, 3)), rng.random((5, 2))
    g = net.backprop(X, Y)
    g.w[1][0, 0] += 1e-3
    assert not bp.check_gradient(net, X, Y, gradient=g).passed


@pytest.mark.parametrize(("output", "cost"), OUTPUT_COST)
def test_backprop_equals_forward_mode(output, cost, rng):
    net = bp.Network([3, 4, 4, 3], ["tanh", "sigmoid", output], cost, weight_decay=0.05, seed=5)
    X = rng.standard_normal((6, 3))
    Y = make_targets(rng, output, cost, 6, 3)
    err = relative_error(net.backprop(X, Y).flat(), bp.forward_mode_gradient(net, X, Y).flat())
    assert err <= 1e-10


@pytest.mark.parametrize(("output", "cost"), OUTPUT_COST)
def test_example_by_example_equals_matrix_based(output, cost, rng):
    net = bp.Network([3, 5, 3], ["lecun_tanh", output], cost, weight_decay=0.1, seed=9)
    X = rng.standard_normal((8, 3))
    Y = make_targets(rng, output, cost, 8, 3)
    np.testing.assert_allclose(
        net.backprop_loop(X, Y).flat(), net.backprop(X, Y).flat(), rtol=1e-12, atol=1e-15
    )


def test_single_example_gradient_is_batch_of_one(rng):
    net = bp.Network([3, 4, 3], ["sigmoid", "softmax"], "log_likelihood", seed=1)
    x = rng.standard_normal(3)
    g1 = net.backprop_example(x, 2)
    g2 = net.backprop(x.reshape(1, -1), np.array([2]))
    np.testing.assert_allclose(g1.flat(), g2.flat(), rtol=1e-13)


def test_integer_labels_equal_one_hot_targets(rng):
    net = bp.Network([4, 6, 3], ["sigmoid", "softmax"], "log_likelihood", seed=0)
    X = rng.standard_normal((5, 4))
    labels = np.array([0, 2, 1, 1, 0])
    np.testing.assert_array_equal(
        net.backprop(X, labels).flat(), net.backprop(X, np.eye(3)[labels]).flat()
    )


def test_cost_values_match_independent_formulas(rng):
    X = rng.standard_normal((6, 4))
    Y = rng.random((6, 3))
    net = bp.Network([4, 5, 3], "sigmoid", "quadratic", weight_decay=0.2, seed=0)
    a = net.feedforward(X)
    decay = 0.1 * sum(np.sum(w**2) for w in net.w[1:])
    assert net.cost_value(X, Y) == pytest.approx(
        np.mean(0.5 * np.sum((a - Y) ** 2, axis=1)) + decay
    )

    net = bp.Network([4, 5, 3], "sigmoid", "cross_entropy", seed=0)
    a = net.feedforward(X)
    ce = -np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a), axis=1).mean()
    assert net.cost_value(X, Y) == pytest.approx(ce, rel=1e-12)

    net = bp.Network([4, 5, 3], ["tanh", "softmax"], "log_likelihood", seed=0)
    labels = np.array([0, 1, 2, 2, 1, 0])
    a = net.feedforward(X)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-14)
    ll = -np.log(a[np.arange(6), labels]).mean()
    assert net.cost_value(X, labels) == pytest.approx(ll, rel=1e-12)


def test_params_round_trip(rng):
    net = bp.Network([3, 4, 2], seed=0)
    theta = rng.standard_normal(net.n_parameters)
    net.set_params(theta)
    np.testing.assert_array_equal(net.get_params(), theta)
    assert net.n_parameters == 3 * 4 + 4 + 4 * 2 + 2
    # Layout: w^1 row-major first, then b^1.
    assert net.w[1][0, 1] == theta[1] and net.b[1][0] == theta[12]


def test_copy_is_independent():
    net = bp.Network([3, 4, 2], seed=0)
    other = net.copy()
    other.w[1][0, 0] += 1
    assert net.w[1][0, 0] != other.w[1][0, 0]


def test_repr_names_the_architecture():
    text = repr(bp.Network([2, 3, 1], ["relu", "sigmoid"], "cross_entropy"))
    assert "[2, 3, 1]" in text and "cross_entropy" in text


def test_float32_end_to_end(rng):
    net = bp.Network([4, 6, 3], ["sigmoid", "softmax"], "log_likelihood", dtype=np.float32, seed=0)
    X = rng.standard_normal((10, 4))  # float64 input is converted
    y = rng.integers(0, 3, 10)
    fp = net.forward(X)
    assert all(a.dtype == np.float32 for a in fp.a) and all(z.dtype == np.float32 for z in fp.z[1:])
    g = net.backprop(X, y)
    assert all(w.dtype == np.float32 for w in g.w[1:]) and all(
        b.dtype == np.float32 for b in g.b[1:]
    )
    net64 = bp.Network([4, 6, 3], ["sigmoid", "softmax"], "log_likelihood", seed=0)
    net64.set_params(net.get_params().astype(np.float64))
    assert relative_error(g.flat(), net64.backprop(X, y).flat()) < 1e-5
    bp.train(net, X, y, epochs=2, batch_size=3)
    assert net.w[1].dtype == np.float32 and net.b[2].dtype == np.float32


# ------------------------------------------- finite inputs whose products overflow
@pytest.mark.parametrize(
    "call",
    [
        lambda net, X, y: net.forward(X),
        lambda net, X, y: net.cost_value(X, y),
        lambda net, X, y: net.backprop(X, y),
        lambda net, X, y: net.backprop_loop(X, y),
        lambda net, X, y: net.accuracy(X, y),
        lambda net, X, y: bp.checkpoint.checkpointed_backprop(net, X, y, every=1),
        lambda net, X, y: bp.finite_difference_gradient(net, X, y),
        lambda net, X, y: bp.neuron_forward_mode_gradient(net, X, y),
        lambda net, X, y: bp.checkpoint.binomial_backprop(net, X, y, 2),
    ],
)
def test_finite_inputs_that_overflow_raise_naming_X(call):
    """1e308 is finite, but w·x overflows: a ValueError naming X, never a RuntimeWarning."""
    net = bp.Network([3, 4, 2], ["tanh", "softmax"], "log_likelihood", seed=0)
    net.set_params(np.ones(net.n_parameters))  # every z^1_j = 3e308 + 1: beyond float64
    X = np.full((2, 3), 1e308)
    y = np.array([0, 1])
    with pytest.raises(ValueError, match=r"^X is too large"):
        call(net, X, y)


def test_training_on_inputs_that_overflow_says_so():
    """The epoch's evaluation (monitor=True, the default) finds it and names X."""
    net = bp.Network([3, 4, 2], ["tanh", "softmax"], "log_likelihood", seed=0)
    net.set_params(np.ones(net.n_parameters))
    with pytest.raises(ValueError, match="^X is too large"):
        bp.train(net, np.full((4, 3), 1e308), np.array([0, 1, 0, 1]), epochs=1)


# ------------------------------------------------------------------ one vocabulary of errors
@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (0.5, TypeError), ("0", TypeError)])
def test_a_bad_seed_names_seed(seed, error):
    with pytest.raises(error, match=rf"^seed must be a non-negative integer, got {seed!r}$"):
        bp.Network([2, 1], seed=seed)


def test_unified_messages_of_the_network():
    with pytest.raises(
        ValueError, match="^init must be 'lecun' or 'standard_normal', got 'zeros'$"
    ):
        bp.Network([2, 1], init="zeros")
    net = bp.Network([2, 1])
    with pytest.raises(TypeError, match="^theta must be a real vector, got dtype <U1$"):
        net.set_params(np.array(["a", "b", "c"]))
    with pytest.raises(ValueError, match=r"^theta must have shape \(3,\), got \(2,\)$"):
        net.set_params(np.zeros(2))


# ------------------------------------------------------------------ bad input
# A clear error naming the argument; nothing is silently broadcast.


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


def test_set_params_checks(net):
    with pytest.raises(ValueError, match="theta must have shape"):
        net.set_params(np.zeros(3))
    theta = net.get_params()
    theta[0] = np.nan
    with pytest.raises(ValueError, match="theta contains NaN"):
        net.set_params(theta)


# ------------------------------------------------------------------ properties
# Over random networks (Hypothesis, tests/strategies.py).


@settings(max_examples=40, deadline=None)
@given(problems())
def test_loop_equals_matrix_form(problem):
    net, X, Y = problem
    np.testing.assert_allclose(
        net.backprop_loop(X, Y).flat(), net.backprop(X, Y).flat(), rtol=1e-11, atol=1e-14
    )


@settings(max_examples=30, deadline=None)
@given(problems())
def test_gradient_of_a_batch_is_the_mean_of_examples(problem):
    net, X, Y = problem
    lam, net.weight_decay = net.weight_decay, 0.0
    parts = [net.backprop(X[i : i + 1], Y[i : i + 1]).flat() for i in range(X.shape[0])]
    np.testing.assert_allclose(
        np.mean(parts, axis=0), net.backprop(X, Y).flat(), rtol=1e-11, atol=1e-14
    )
    net.weight_decay = lam
