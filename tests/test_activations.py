"""bp.activations: the registry of activation functions, their values and derivatives, their
stability for huge inputs and accuracy in the tails.

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


# ------------------------------------------------- the in-place forms the kernel calls
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_with_work_arrays_is_exact(dtype):
    z = np.concatenate([np.linspace(-60, 60, 2001), [-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])
    z = z.astype(dtype).reshape(-1, 8)
    out, tmp = np.empty_like(z), np.empty_like(z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        got = bp.activations.sigmoid(z, out=out, work=tmp)
    assert got is out and got.dtype == dtype
    # float64 reference from the exact formula, then compared in relative terms
    z64 = z.astype(np.float64)
    exact = np.where(
        z64 >= 0, 1 / (1 + np.exp(-np.abs(z64))), np.exp(-np.abs(z64)) / (1 + np.exp(-np.abs(z64)))
    )
    ulp = np.finfo(dtype).eps
    tiny = np.finfo(dtype).tiny
    big = exact > tiny  # below the smallest normal number, relative error is meaningless
    np.testing.assert_allclose(got[big], exact[big].astype(dtype), rtol=4 * ulp)
    np.testing.assert_allclose(got, activations.sigmoid(z), rtol=4 * ulp, atol=tiny)


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_buffered_forms_equal_the_plain_ones(name, dtype):
    """value/derivative/vjp/jvp with out= (and vjp/jvp writing over g) give the plain results."""
    rng = np.random.default_rng(1)
    act = activations.get_activation(name)
    z = rng.standard_normal((6, 5)).astype(dtype)
    g = rng.standard_normal((6, 5)).astype(dtype)
    a = act(z)
    out, work = np.empty_like(z), np.empty_like(z)
    assert act.value(z, out=out, work=work) is out
    np.testing.assert_array_equal(out, a)
    want_vjp, want_jvp = act.vjp(z, a, g), act.jvp(z, a, g)
    if act.elementwise:
        d = act.derivative(z, a)
        assert act.derivative(z, a, out=out) is out
        np.testing.assert_array_equal(out, d)
        np.testing.assert_allclose(want_vjp, g * d, rtol=1e-6)
    for method, want in ((act.vjp, want_vjp), (act.jvp, want_jvp)):
        g2 = g.copy()
        got = method(z, a, g2, out=g2, work=work)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == dtype


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "lecun_tanh"])
def test_second_derivative_is_the_slope_of_the_first(name):
    act = activations.get_activation(name)
    z = np.linspace(-3, 3, 25)
    h = 1e-5
    slope = (act.derivative(z + h, act(z + h)) - act.derivative(z - h, act(z - h))) / (2 * h)
    a = act(z)
    np.testing.assert_allclose(
        act.second_derivative(z, a, act.derivative(z, a)), slope, rtol=1e-6, atol=1e-9
    )


class _ShortSoftplus(activations.Activation):
    """Written the short way: __call__(z) and derivative(z, a), no buffers."""

    name = "softplus"

    def __call__(self, z):
        return np.log1p(np.exp(z))

    def derivative(self, z, a):
        return 1.0 / (1.0 + np.exp(-z))


class _ConstantSlopeSigmoid(activations.Sigmoid):
    """A subclass that changes only σ′ (to 1): the kernel must use the new σ′."""

    def derivative(self, z, a):
        return np.ones_like(z)


def test_a_short_form_subclass_gets_the_buffered_forms():
    act = _ShortSoftplus()
    z = np.linspace(-2, 2, 12).reshape(3, 4)
    out = np.empty_like(z)
    assert act.value(z, out=out) is out
    np.testing.assert_allclose(out, np.log1p(np.exp(z)), rtol=1e-15)
    d = np.empty_like(z)
    act.derivative(z, out, out=d)
    np.testing.assert_allclose(d, 1 / (1 + np.exp(-z)), rtol=1e-15)
    g = np.full_like(z, 2.0)
    np.testing.assert_allclose(act.vjp(z, out, g, out=g), 2 / (1 + np.exp(-z)), rtol=1e-15)


def test_a_subclass_that_changes_the_derivative_is_not_bypassed():
    """Sigmoid's vjp would compute a(1 − a); the subclass's σ′ = 1 must win, in the kernel too."""
    act = _ConstantSlopeSigmoid()
    z = np.array([[-1.0, 0.5]])
    g = np.array([[3.0, 4.0]])
    np.testing.assert_array_equal(act.vjp(z, act(z), g), g)
    net = bp.Network([2, 3, 1], [act, "identity"], "quadratic", seed=0)
    X, Y = np.array([[0.3, -0.2]]), np.array([[0.5]])
    # With σ′ = 1 the hidden layer is linear in BP2: δ^1 = (w^2)ᵀ δ^2 exactly.
    delta2 = (net.feedforward(X) - Y)[0]
    np.testing.assert_allclose(net.backprop(X, Y).b[1], net.w[2][0] * delta2[0], rtol=1e-14)


def test_the_engine_builds_its_nodes_from_the_activations():
    """autodiff's sigmoid, relu and softmax are the activation objects; its tanh, written out
    for the book, agrees with Tanh."""
    from bp.autodiff import Node

    z = np.random.default_rng(3).standard_normal((2, 4))
    g = np.random.default_rng(4).standard_normal((2, 4))
    for method, name in (
        ("sigmoid", "sigmoid"),
        ("relu", "relu"),
        ("softmax", "softmax"),
        ("tanh", "tanh"),
    ):
        act = activations.get_activation(name)
        x = Node(z.copy())
        y = getattr(x, method)()
        np.testing.assert_allclose(y.value, act(z), rtol=1e-15)
        y.backward(seed=g)
        np.testing.assert_allclose(x.grad, act.vjp(z, act(z), g), rtol=1e-14, atol=1e-16)


# --- stability, accuracy in the tails, derivatives, Jacobian products --------------------


@pytest.mark.parametrize("z", [1e4, -1e4, 800.0, -800.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_huge_weighted_inputs(z, dtype):
    """σ, softmax and the costs stay finite and warning-free (warnings are errors here)."""
    zz = np.full((2, 3), z, dtype=dtype)
    zz[:, 0] = 0
    for name in bp.activations.ACTIVATIONS:
        act = bp.activations.get_activation(name)
        a = act(zz)
        assert a.dtype == dtype and np.all(np.isfinite(a))
    s = bp.activations.sigmoid(zz)
    assert np.all((s >= 0) & (s <= 1))
    y = np.zeros((2, 3), dtype=dtype)
    y[:, 1] = 1
    sm = bp.activations.Softmax()
    for cost, act in [
        ("quadratic", "sigmoid"),
        ("cross_entropy", "sigmoid"),
        ("log_likelihood", "softmax"),
    ]:
        c = bp.costs.get_cost(cost)
        a = bp.activations.get_activation(act)(zz)
        v = c.value(zz, a, y)
        d = c.output_error(zz, a, y, bp.activations.get_activation(act))
        assert np.all(np.isfinite(v)) and np.all(np.isfinite(d))
    # z = (0, z, z), true class 1. For z ≫ 0 classes 1 and 2 tie: C = ln 2.
    # For z ≪ 0 the network is confidently wrong: C ≈ |z|, large but finite.
    v = bp.costs.LogLikelihood().value(zz, sm(zz), y)
    if z > 0:
        assert v[0] == pytest.approx(np.log(2), rel=1e-6)
    else:
        assert v[0] == pytest.approx(-z, rel=1e-3)


def test_sigmoid_is_accurate_in_the_tails():
    z = np.array([-40.0, -20.0, 0.0, 20.0, 40.0])
    expected = np.array(
        [np.exp(-40.0), np.exp(-20.0) / (1 + np.exp(-20.0)), 0.5, 1 / (1 + np.exp(-20.0)), 1.0]
    )
    np.testing.assert_allclose(bp.activations.sigmoid(z), expected, rtol=1e-14)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "lecun_tanh", "relu", "identity"])
def test_activation_derivatives_against_finite_differences(name):
    act = bp.activations.get_activation(name)
    z = np.linspace(-3, 3, 41) + 0.013  # avoid ReLU's kink at 0
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z, act(z)), numeric, rtol=1e-7, atol=1e-9)


def test_lecun_tanh_constants():
    act = bp.activations.get_activation("lecun_tanh")
    np.testing.assert_allclose(act(np.array([1.0, -1.0])), [1.0, -1.0], atol=2e-4)


def test_softmax_vjp_matches_jacobian(rng):
    sm = bp.activations.Softmax()
    z = rng.standard_normal((1, 4))
    a = sm(z)
    jac = np.diag(a[0]) - np.outer(a[0], a[0])
    g = rng.standard_normal((1, 4))
    np.testing.assert_allclose(sm.vjp(z, a, g)[0], jac.T @ g[0], rtol=1e-13)
    np.testing.assert_allclose(sm.jvp(z, a, g)[0], jac @ g[0], rtol=1e-13)
