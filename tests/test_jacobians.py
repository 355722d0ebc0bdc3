"""bp.jacobians: the product form of BP1 and BP2 against BP2's recursion.

Expected values come from the recursion δ^L = ∇_a C ⊙ σ′(z^L), δ^l = (w^{l+1})ᵀ δ^{l+1} ⊙
σ′(z^l), written out here with our own activation functions and forward pass, and from
finite differences; never from bp.jacobians itself.
"""

from __future__ import annotations

import numpy as np
import pytest

import bp
from bp.jacobians import activation_jacobian, cost_gradient, errors_by_product


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


OWN = {  # (σ, σ′) written independently of bp
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "identity": (lambda z: z, np.ones_like),
}


def _recursion(net, x, y):
    """δ^1..δ^L by BP1 and BP2 for elementwise activations and the quadratic cost."""
    names = [s.name for s in net.activations[1:]]
    zs, a = [None], x
    for l in range(1, net.L + 1):
        z = net.w[l] @ a + net.b[l]
        zs.append(z)
        a = OWN[names[l - 1]][0](z)
    deltas = [None] * (net.L + 1)
    deltas[net.L] = (a - y) * OWN[names[-1]][1](zs[net.L])
    for l in range(net.L - 1, 0, -1):
        deltas[l] = (net.w[l + 1].T @ deltas[l + 1]) * OWN[names[l - 1]][1](zs[l])
    return deltas, a


@pytest.mark.parametrize("hidden, output", [("sigmoid", "sigmoid"), ("tanh", "identity")])
def test_product_form_equals_the_recursion(hidden, output):
    rng = np.random.default_rng(3)
    net = bp.Network(
        [3, 5, 4, 2], [hidden, hidden, output], "quadratic", seed=1, init="standard_normal"
    )
    for l in range(1, net.L + 1):
        net.b[l] = rng.standard_normal(net.sizes[l])
    x, y = rng.standard_normal(3), rng.uniform(size=2)
    expected, a = _recursion(net, x, y)
    got = errors_by_product(net, x, a - y)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(got[l], expected[l], rtol=1e-12, atol=1e-15)


def test_product_form_with_a_softmax_output_matches_finite_differences():
    rng = np.random.default_rng(4)
    net = bp.Network([3, 4, 3], ["tanh", "softmax"], "log_likelihood", seed=2)
    x = rng.standard_normal(3)
    y = np.array([0.0, 1.0, 0.0])

    def cost_of_z1(z1):  # C as a function of z^1, our own formulas
        z2 = net.w[2] @ np.tanh(z1) + net.b[2]
        return -np.log(np.exp(z2[1]) / np.exp(z2).sum())

    z1 = net.w[1] @ x + net.b[1]
    eps = 1e-6
    numeric = np.array(
        [(cost_of_z1(z1 + eps * e) - cost_of_z1(z1 - eps * e)) / (2 * eps) for e in np.eye(4)]
    )
    a = net.feedforward(x[None, :])[0]
    got = errors_by_product(net, x, cost_gradient(net.cost, a, y))
    np.testing.assert_allclose(got[1], numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity", "softmax"])
def test_activation_jacobian_by_centred_differences(name):
    z = np.array([0.3, -1.2, 0.7, 2.0])
    act = bp.activations.get_activation(name)
    eps = 1e-6
    numeric = np.column_stack(
        [(act(z + eps * e) - act(z - eps * e)) / (2 * eps) for e in np.eye(4)]
    )
    J = activation_jacobian(act, z)
    np.testing.assert_allclose(J, numeric, rtol=1e-7, atol=1e-9)
    if name != "softmax":
        assert np.count_nonzero(J - np.diag(np.diag(J))) == 0  # diagonal


def test_cost_gradients_by_centred_differences():
    a = np.array([0.2, 0.7, 0.1])
    y = np.array([0.0, 1.0, 0.0])
    formulas = {
        "quadratic": lambda a: 0.5 * np.sum((a - y) ** 2),
        "cross_entropy": lambda a: -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)),
        "log_likelihood": lambda a: -np.sum(y * np.log(a)),
    }
    for name, f in formulas.items():
        eps = 1e-7
        numeric = np.array([(f(a + eps * e) - f(a - eps * e)) / (2 * eps) for e in np.eye(3)])
        got = cost_gradient(bp.costs.get_cost(name), a, y)
        np.testing.assert_allclose(got, numeric, rtol=1e-6)


def test_bad_input_raises_naming_the_argument():
    net = bp.Network([2, 3, 1], "sigmoid", "quadratic", seed=0)
    with pytest.raises(ValueError, match="x must"):
        errors_by_product(net, np.zeros(3), np.zeros(1))
    with pytest.raises(ValueError, match="grad_a must"):
        errors_by_product(net, np.zeros(2), np.zeros(2))
    with pytest.raises(TypeError, match="activation"):
        activation_jacobian("sigmoid", np.zeros(2))
    with pytest.raises(ValueError, match="z must"):
        activation_jacobian(net.activations[1], np.zeros((2, 2)))
    # a and y are checked by the vocabulary of bp._validation: y must match a's shape
    with pytest.raises(ValueError, match=r"^y must have shape \(2,\), got \(3,\)$"):
        cost_gradient(net.cost, np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"^a must be a 1-D array, got shape \(1, 2\)$"):
        cost_gradient(net.cost, np.zeros((1, 2)), np.zeros(2))
    with pytest.raises(TypeError, match=r"^cost must be a bp.costs.Cost"):  # was a ValueError
        cost_gradient("quadratic", np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="^z contains NaN or infinity$"):
        activation_jacobian(net.activations[1], np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="^x must be a real vector"):
        errors_by_product(net, np.array(["a", "b"]), np.zeros(1))


def test_a_cost_gradient_that_overflows_names_a():
    with pytest.raises(ValueError, match="^a lies too close to where the cost is infinite"):
        cost_gradient(
            bp.costs.get_cost("cross_entropy"), np.array([1e-320, 0.5]), np.array([1.0, 0])
        )
