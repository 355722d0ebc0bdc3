"""bp.naive: the slow ways to a gradient agree with backpropagation.

Forward mode seeded per neuron (``neuron_forward_mode_gradient``) is compared with
backpropagation and with centred finite differences, for every activation and cost,
with weight decay and labels, and its inputs are validated like ``Network.backprop``.
Over random networks (Hypothesis), forward mode matches backpropagation and one-sided
differences are first-order accurate.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import bp
from bp import naive
from bp.gradcheck import relative_error
from conftest import HIDDEN, OUTPUT_COST, make_problem
from strategies import problems


def _problem(sizes, hidden, output, cost, m=5, seed=0, weight_decay=0.0):
    return make_problem(sizes, hidden, output, cost, m, seed, weight_decay)


@pytest.mark.parametrize("output, cost", OUTPUT_COST)
@pytest.mark.parametrize("sizes", [[3, 2], [4, 5, 3], [3, 4, 6, 2, 3]])
def test_neuron_forward_mode_equals_backprop(sizes, output, cost):
    net, X, Y = _problem(sizes, "tanh", output, cost, weight_decay=0.03)
    g_nfm = naive.neuron_forward_mode_gradient(net, X, Y).flat()
    g_bp = net.backprop(X, Y).flat()
    assert bp.relative_error(g_nfm, g_bp) <= 1e-10


@pytest.mark.parametrize("hidden", HIDDEN)
def test_neuron_forward_mode_matches_finite_differences(hidden):
    net, X, Y = _problem([3, 4, 4, 2], hidden, "sigmoid", "cross_entropy", m=4)
    g_nfm = naive.neuron_forward_mode_gradient(net, X, Y).flat()
    numeric = bp.finite_difference_gradient(net, X, Y).flat()
    assert bp.relative_error(g_nfm, numeric) < 1e-7


def test_neuron_and_weight_forward_mode_agree_with_labels_and_float32():
    rng = np.random.default_rng(2)
    net = bp.Network([4, 6, 3], ["relu", "softmax"], "log_likelihood", dtype=np.float32, seed=2)
    X = rng.standard_normal((7, 4))
    labels = rng.integers(0, 3, 7)
    g_nfm = naive.neuron_forward_mode_gradient(net, X, labels)
    g_fm = naive.forward_mode_gradient(net, X, labels)
    assert g_nfm.w[1].dtype == np.float32
    assert bp.relative_error(g_nfm.flat(), g_fm.flat()) < 1e-5


def test_parameters_are_left_unchanged():
    net, X, Y = _problem([3, 4, 2], "sigmoid", "sigmoid", "quadratic")
    before = net.get_params().copy()
    naive.neuron_forward_mode_gradient(net, X, Y)
    np.testing.assert_array_equal(net.get_params(), before)


def test_exported_at_top_level():
    assert bp.neuron_forward_mode_gradient is naive.neuron_forward_mode_gradient


def test_bad_inputs_raise_like_backprop():
    net, X, Y = _problem([3, 4, 2], "sigmoid", "sigmoid", "quadratic")
    with pytest.raises(ValueError, match="X"):
        naive.neuron_forward_mode_gradient(net, X[:, :2], Y)
    with pytest.raises(ValueError, match="y"):
        naive.neuron_forward_mode_gradient(net, X, Y[:, :1])


# --- properties over random networks (Hypothesis, tests/strategies.py) ---------------


@settings(max_examples=60, deadline=None)
@given(problems())
def test_backprop_matches_forward_mode(problem):
    net, X, Y = problem
    g = net.backprop(X, Y).flat()
    h = bp.forward_mode_gradient(net, X, Y).flat()
    assert relative_error(g, h) <= 1e-10


@settings(max_examples=30, deadline=None)
@given(problems())
def test_one_sided_differences_are_first_order_accurate(problem):
    net, X, Y = problem
    g = net.backprop(X, Y).flat()
    h = bp.finite_difference_gradient(net, X, Y, method="forward").flat()
    assert np.max(np.abs(g - h)) <= 1e-5 * max(1.0, np.max(np.abs(g)))


# --- bad arguments ------------------------------------------------------------------


def test_finite_difference_arguments():
    net = bp.Network([4, 5, 3], ["sigmoid", "softmax"], "log_likelihood", seed=0)
    X = np.random.default_rng(0).standard_normal((6, 4))
    labels = np.array([0, 1, 2, 0, 1, 2])
    with pytest.raises(ValueError, match="method"):
        bp.finite_difference_gradient(net, X, labels, method="backward")
    with pytest.raises(ValueError, match="eps"):
        bp.finite_difference_gradient(net, X, labels, eps=-1e-3)
