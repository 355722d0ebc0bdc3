"""bp.activations: the registry of activation functions, their values and derivatives.

Expected values come from the ``math`` module or from formulas written out here, never
from the code under test. (The book's equations for σ, σ′ and LeCun's tanh are checked in
test_book_equations_part1.py.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import bp
from bp import activations

ELEMENTWISE = {
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "lecun_tanh": lambda z: 1.7159 * math.tanh(2.0 * z / 3.0),
    "relu": lambda z: max(z, 0.0),
    "identity": lambda z: z,
}


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_every_name_gives_an_activation_of_that_name(name):
    act = activations.get_activation(name)
    assert isinstance(act, activations.Activation)
    assert act.name == name
    assert activations.get_activation(act) is act  # an instance passes through
    assert repr(act) == f"{type(act).__name__}()"


def test_the_registry_lists_exactly_the_six_activations():
    assert sorted(activations.ACTIVATIONS) == sorted([*ELEMENTWISE, "softmax"])


def test_unknown_or_wrongly_typed_names_are_named_errors():
    with pytest.raises(
        ValueError, match=r"^activation: unknown activation 'swish'; expected one of"
    ):
        activations.get_activation("swish")
    with pytest.raises(TypeError, match=r"^activation must be an activation name \(one of"):
        activations.get_activation(3)
    with pytest.raises(ValueError, match=r"^activations\[0\]: unknown activation 'swish'"):
        activations.get_activation("swish", "activations[0]")


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_values_match_the_math_module(name):
    z = np.array([[-2.5, -0.3, 0.0], [0.7, 1.9, 4.0]])
    expected = np.vectorize(ELEMENTWISE[name])(z)
    np.testing.assert_allclose(activations.get_activation(name)(z), expected, rtol=1e-14)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_activations_keep_the_dtype_and_shape(name):
    act = activations.get_activation(name)
    for dtype in (np.float32, np.float64):
        z = np.linspace(-2, 2, 6, dtype=dtype).reshape(2, 3)
        a = act(z)
        assert a.dtype == dtype and a.shape == (2, 3)
        assert act.derivative(z, a).dtype == dtype


def test_softmax_rows_are_probabilities_and_match_the_formula():
    z = np.array([[1.0, 2.0, 3.0], [-1000.0, 0.0, 1000.0]])
    a = activations.Softmax()(z)
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(a[0], e / e.sum(), rtol=1e-14)
    np.testing.assert_array_equal(a[1], [0.0, 0.0, 1.0])
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)


def test_sigmoid_function_and_its_derivative_are_exported():
    z = np.array([-1.0, 0.0, 2.0])
    s = np.array([1 / (1 + math.exp(1.0)), 0.5, 1 / (1 + math.exp(-2.0))])
    np.testing.assert_allclose(bp.activations.sigmoid(z), s, rtol=1e-15)
    np.testing.assert_allclose(bp.activations.sigmoid_prime(z), s * (1 - s), rtol=1e-14)
