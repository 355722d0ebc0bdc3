"""bp.gradcheck: the relative error, and a gradient check that reports every layer.

Expected values come from formulas written out here (a linear network's gradient in closed
form, norms of hand-made vectors), never from the code under test. Over random networks
(Hypothesis), backpropagation passes the centred-difference check.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings

import bp
from bp.gradcheck import GradientCheck, check_gradient, relative_error
from strategies import problems

# --- relative_error -------------------------------------------------------------------


@pytest.mark.parametrize(
    "g, h, expected",
    [
        ([3.0, 4.0], [3.0, 4.0], 0.0),
        ([3.0, 4.0], [0.0, 0.0], 1.0),  # ‖g‖ = 5 = ‖g − h‖
        ([1.0, 0.0], [0.0, 1.0], np.sqrt(2.0)),
        ([2.0, 0.0], [1.0, 0.0], 0.5),  # |2 − 1| / max(2, 1)
        ([1.0, 0.0], [-1.0, 0.0], 2.0),  # the largest possible value
        ([0.0, 0.0], [0.0, 0.0], 0.0),  # two zero vectors
    ],
)
def test_relative_error_known_values(g, h, expected):
    assert relative_error(g, h) == pytest.approx(expected, rel=1e-15, abs=0)
    assert relative_error(h, g) == pytest.approx(expected, rel=1e-15, abs=0)  # symmetric


def test_relative_error_flattens_any_shape():
    assert relative_error(np.ones((2, 3)), np.ones(6)) == 0.0


def test_relative_error_rejects_different_sizes():
    with pytest.raises(ValueError, match="same size"):
        relative_error(np.zeros(3), np.zeros(4))


# --- check_gradient on a network whose gradient is known in closed form ------------------


def _linear_problem(m=6, seed=0):
    """One identity layer, quadratic cost: C = (1/2m) Σ_i ‖w x_i + b − y_i‖²."""
    rng = np.random.default_rng(seed)
    net = bp.Network([4, 3], ["identity"], "quadratic", seed=seed)
    X = rng.standard_normal((m, 4))
    Y = rng.standard_normal((m, 3))
    R = X @ net.w[1].T + net.b[1] - Y  # residuals, one row per example
    exact = bp.network.Gradient([None, R.T @ X / m], [None, R.mean(axis=0)])
    return net, X, Y, exact


def test_correct_gradient_passes_in_every_layer():
    net, X, Y, exact = _linear_problem()
    check = check_gradient(net, X, Y, gradient=exact)
    assert check.passed, str(check)
    assert check.n_parameters == 4 * 3 + 3
    assert check.w_errors[0] is None and check.b_errors[0] is None
    assert list(check.layer_errors) == ["w^1", "b^1"]
    # a quadratic cost: the centred difference is exact up to rounding
    assert check.max_layer_error < 1e-9
    assert check.eps == 1e-5 and check.tolerance == 1e-7


def test_per_layer_error_of_a_known_perturbation():
    """Add d to ∂C/∂w^1 and nothing else: the w^1 error is ‖d‖ / max(‖g‖, ‖g + d‖)."""
    net, X, Y, exact = _linear_problem()
    d = np.zeros_like(exact.w[1])
    d[0, 0] = 1e-3
    wrong = bp.network.Gradient([None, exact.w[1] + d], [None, exact.b[1].copy()])
    check = check_gradient(net, X, Y, gradient=wrong)
    g = exact.w[1]
    expected = 1e-3 / max(np.linalg.norm(g), np.linalg.norm(g + d))
    assert check.w_errors[1] == pytest.approx(expected, rel=1e-6)
    assert check.b_errors[1] < 1e-9
    assert check.worst == "w^1"
    assert check.max_abs_error == pytest.approx(1e-3, rel=1e-6)
    assert not check.passed


def test_tolerance_applies_to_every_layer():
    net, X, Y, exact = _linear_problem()
    wrong = bp.network.Gradient([None, exact.w[1].copy()], [None, 1.01 * exact.b[1]])
    loose = check_gradient(net, X, Y, gradient=wrong, tolerance=0.1)
    strict = check_gradient(net, X, Y, gradient=wrong, tolerance=1e-3)
    assert loose.passed and not strict.passed
    assert strict.worst == "b^1"
    # |0.01 b| / max(‖b‖, ‖1.01 b‖) = 0.01 / 1.01
    assert strict.b_errors[1] == pytest.approx(0.01 / 1.01, rel=1e-6)


# --- why every layer: a bug in small derivatives -----------------------------------------


def test_bug_in_a_small_layer_shows_per_layer_but_hides_in_the_whole_gradient():
    """In a deep sigmoid network the first layer's bias derivatives are small. Zeroing them
    changes the whole gradient very little, but makes their own relative error exactly 1."""
    rng = np.random.default_rng(1)
    net = bp.Network([6, 8, 8, 8, 8, 3], ["sigmoid"] * 4 + ["softmax"], "log_likelihood", seed=2)
    X = rng.standard_normal((5, 6))
    y = rng.integers(0, 3, size=5)
    g = net.backprop(X, y)
    share = np.linalg.norm(g.b[1]) / np.linalg.norm(g.flat())
    assert share < 1e-2  # the premise: small derivatives
    g.b[1] = np.zeros_like(g.b[1])  # the bug
    check = check_gradient(net, X, y, gradient=g)
    assert check.relative_error < 1e-2  # not "almost certainly wrong" as a whole
    assert check.b_errors[1] == pytest.approx(1.0, rel=1e-12)
    assert check.worst == "b^1" and not check.passed
    assert "FAILED" in str(check) and "b^1" in str(check)


def test_backprop_passes_by_default_and_parameters_are_restored(small_net, rng):
    X = rng.standard_normal((4, 4))
    Y = rng.random((4, 3))
    before = small_net.get_params().copy()
    check = check_gradient(small_net, X, Y)
    assert isinstance(check, GradientCheck)
    assert check.passed, str(check)
    assert "ok" in str(check)
    np.testing.assert_array_equal(small_net.get_params(), before)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("argument", ["eps", "tolerance"])
@pytest.mark.parametrize(
    "value, error", [(0.0, ValueError), (-1e-5, ValueError), ("1e-5", TypeError)]
)
def test_bad_step_or_tolerance_is_named(small_net, argument, value, error):
    X, Y = np.zeros((2, 4)), np.zeros((2, 3))
    with pytest.raises(error, match=argument):
        check_gradient(small_net, X, Y, **{argument: value})


def test_gradient_of_the_wrong_type_or_shape_is_named(small_net):
    X, Y = np.zeros((2, 4)), np.zeros((2, 3))
    with pytest.raises(TypeError, match="gradient"):
        check_gradient(small_net, X, Y, gradient=np.zeros(small_net.n_parameters))
    g = small_net.backprop(X, Y)
    g.w[1] = g.w[1].T
    with pytest.raises(ValueError, match=r"gradient\.w\[1\]"):
        check_gradient(small_net, X, Y, gradient=g)
    short = bp.network.Gradient(g.w[:2], g.b[:2])
    with pytest.raises(ValueError, match="layers 1..2"):
        check_gradient(small_net, X, Y, gradient=short)


# --- properties over random networks (Hypothesis, tests/strategies.py) ---------------


@settings(max_examples=40, deadline=None)
@given(problems())
def test_backprop_matches_centred_differences(problem):
    net, X, Y = problem
    # A centred difference across the ReLU's kink at 0 measures a mix of its two slopes:
    # only points farther from every kink than the check's step can be compared.
    fp = net.forward(X)
    for l in range(1, net.L + 1):
        if net.activations[l].name == "relu":
            assume(np.abs(fp.z[l]).min() > 1e-3)
    assert bp.check_gradient(net, X, Y).relative_error <= 1e-7


def test_relative_error_shape_mismatch():
    with pytest.raises(ValueError, match="same size"):
        bp.relative_error(np.zeros(3), np.zeros(4))


def test_relative_error_names_an_argument_that_is_not_numbers():
    with pytest.raises(TypeError, match="^g_ref must hold real numbers, got dtype <U1$"):
        relative_error(np.zeros(2), np.array(["a", "b"]))
    assert np.isnan(relative_error(np.array([np.nan]), np.array([1.0])))  # a broken gradient shows


def test_relative_error_of_huge_vectors_names_them_instead_of_warning():
    with pytest.raises(ValueError, match="^g or g_ref is too large: computing with it overflows"):
        relative_error(np.array([1e308, -1e308]), np.array([-1e308, 1e308]))
