"""The equations of the chapters "The four equations" and "The algorithm", checked numerically.

Each of BP1-BP4 is checked in float64 against centred finite differences of a cost
written out independently here (own activation functions, own cost formulas, own
forward pass), not against values produced by the code under test:

* BP1: δ^L from ``bp.costs`` ``output_error`` vs the derivative of the per-example
  cost with respect to z^L, obtained by perturbing z^L directly;
* BP2: δ^l vs the derivative of the cost with respect to z^l, obtained by perturbing
  z^l in a manual forward pass over layers l+1..L; and the equation itself, with
  δ^l and δ^{l+1} both measured;
* BP3/BP4: ``Network.backprop`` vs ``bp.naive.finite_difference_gradient``, and the
  batch forms (1/m) (Δ^l)ᵀ1 and (1/m) (Δ^l)ᵀ A^{l-1} with Δ^l measured numerically;
* the example-by-example and matrix-based gradients agree;
* the statements of the chapter's text and exercises (weight decay, the bound
  ‖δ^l‖ ≤ ¼ ‖w^{l+1}‖₂ ‖δ^{l+1}‖ for sigmoid layers, so that errors must shrink when every
  ‖w^{l+1}‖₂ < 4 and can grow when it is larger, dead ReLU neurons);
* the backward pass worked by hand (the 2-2-1 network of book/_netdraw.py, with math.exp),
  Nielsen's product form δ^l = Σ′(z^l)(w^{l+1})ᵀ ⋯ Σ′(z^L)∇_a C with diagonal matrices
  built here, hidden neurons started as clones staying clones, the symmetry exercise's
  partial starts breaking it, and the softplus exercise (a wrong σ′ fails the check).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import bp

EPS = 1e-6  # centred-difference step on the weighted inputs (float64)
TOL = 1e-7  # CS231n: relative error ≤ 1e-7 is good in double precision


# --- independent definitions (not bp's code) --------------------------------------


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


ACT = {
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "lecun_tanh": (
        lambda z: 1.7159 * np.tanh(2.0 * z / 3.0),
        lambda z: 1.7159 * (2.0 / 3.0) * (1.0 - np.tanh(2.0 * z / 3.0) ** 2),
    ),
    "identity": (lambda z: z, np.ones_like),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "softmax": (lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), None),
}


def _cost(name, a, y):
    """Per-example costs C_x, shape (m,), from the formulas of the Cost functions chapter."""
    if name == "quadratic":
        return 0.5 * ((a - y) ** 2).sum(axis=1)
    if name == "cross_entropy":
        return -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum(axis=1)
    if name == "log_likelihood":
        return -(y * np.log(a)).sum(axis=1)
    raise AssertionError(name)


def _costs_from_layer(net, l, Z):
    """Function of Z = Z^l returning the per-example costs, by a manual forward pass
    through σ^l and the layers l+1..L (weights read from ``net``, nothing else)."""
    names = [None] + [act.name for act in net.activations[1:]]

    def costs(Y):
        a = ACT[names[l]][0](Z)
        for k in range(l + 1, net.L + 1):
            a = ACT[names[k]][0](a @ net.w[k].T + net.b[k])
        return _cost(net.cost.name, a, Y)

    return costs


def measured_errors(net, l, Z, Y, eps=EPS):
    """Δ^l (one example per row) by centred differences of the cost w.r.t. each Z[i, j]."""
    D = np.zeros_like(Z)
    for i, j in np.ndindex(*Z.shape):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[i, j] += eps
        Zm[i, j] -= eps
        cp = _costs_from_layer(net, l, Zp)(Y)
        cm = _costs_from_layer(net, l, Zm)(Y)
        D[i, j] = (cp[i] - cm[i]) / (2 * eps)  # only example i depends on row i
    return D


def rel(g, h) -> float:
    g, h = np.ravel(g), np.ravel(h)
    return float(np.linalg.norm(g - h) / max(np.linalg.norm(g), np.linalg.norm(h)))


def make_problem(hidden, output, cost, sizes=(3, 5, 4, 3), m=4, seed=0):
    rng = np.random.default_rng(seed)
    L = len(sizes) - 1
    net = bp.Network(list(sizes), [hidden] * (L - 1) + [output], cost, seed=seed + 1)
    # Move the weights away from LeCun's small scale so that σ′ varies across neurons.
    for l in range(1, L + 1):
        net.w[l] *= 1.5
        net.b[l] += 0.3 * rng.standard_normal(net.b[l].shape)
    X = rng.standard_normal((m, sizes[0]))
    n = sizes[-1]
    if cost == "log_likelihood":
        Y = np.eye(n)[rng.integers(0, n, size=m)]
    elif output in ("sigmoid", "softmax"):
        Y = rng.uniform(0.05, 0.95, size=(m, n))
    else:
        Y = rng.standard_normal((m, n))
    return net, X, Y


OUTPUT_COST = [
    ("sigmoid", "quadratic"),
    ("tanh", "quadratic"),
    ("identity", "quadratic"),
    ("softmax", "quadratic"),
    ("sigmoid", "cross_entropy"),
    ("softmax", "log_likelihood"),
]
HIDDEN = ["sigmoid", "tanh", "lecun_tanh", "identity"]


# --- BP1 --------------------------------------------------------------------------


@pytest.mark.parametrize("output, cost", OUTPUT_COST)
def test_bp1_output_error_matches_finite_differences(output, cost):
    net, X, Y = make_problem("sigmoid", output, cost)
    fp = net.forward(X)
    L = net.L
    delta_bp = net.cost.output_error(fp.z[L], fp.a[L], Y, net.activations[L])
    delta_fd = measured_errors(net, L, fp.z[L], Y)
    assert delta_bp.shape == (X.shape[0], net.sizes[-1])
    assert rel(delta_bp, delta_fd) < TOL


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "identity"])
def test_bp1_formula_for_the_quadratic_cost(output):
    """(bp1) written out: δ^L = (a^L − y) ⊙ σ′(z^L), with σ′ from its formula."""
    net, X, Y = make_problem("tanh", output, "quadratic")
    fp = net.forward(X)
    z = fp.z[net.L]
    rhs = (ACT[output][0](z) - Y) * ACT[output][1](z)
    assert rel(rhs, measured_errors(net, net.L, z, Y)) < TOL


@pytest.mark.parametrize(
    "output, cost", [("sigmoid", "cross_entropy"), ("softmax", "log_likelihood")]
)
def test_bp1_sigma_prime_cancels_for_matched_costs(output, cost):
    """For cross-entropy/sigmoid and log-likelihood/softmax, δ^L = a^L − y."""
    net, X, Y = make_problem("sigmoid", output, cost)
    fp = net.forward(X)
    z = fp.z[net.L]
    assert rel(ACT[output][0](z) - Y, measured_errors(net, net.L, z, Y)) < TOL


# --- BP2 --------------------------------------------------------------------------


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, cost", [("sigmoid", "quadratic"), ("softmax", "log_likelihood")])
def test_bp2_bp_errors_match_perturbed_weighted_inputs(hidden, output, cost):
    """bp's δ^l (kept as the bias gradient of one example: nabla_b[l] = delta) equals
    ∂C_x/∂z^l measured by perturbing z^l in a manual forward pass."""
    net, X, Y = make_problem(hidden, output, cost)
    fp = net.forward(X)
    for l in range(1, net.L):
        measured = measured_errors(net, l, fp.z[l], Y)
        from_bp = np.array([net.backprop_example(X[i], Y[i]).b[l] for i in range(X.shape[0])])
        assert rel(from_bp, measured) < TOL, l


@pytest.mark.parametrize("hidden", HIDDEN)
def test_bp2_equation_with_both_sides_measured(hidden):
    """(bp2-batch): Δ^l = (Δ^{l+1} w^{l+1}) ⊙ σ′(Z^l), with Δ^l and Δ^{l+1} measured."""
    net, X, Y = make_problem(hidden, "softmax", "log_likelihood", sizes=(3, 5, 4, 4, 3))
    fp = net.forward(X)
    for l in range(1, net.L):
        lhs = measured_errors(net, l, fp.z[l], Y)
        above = measured_errors(net, l + 1, fp.z[l + 1], Y)
        rhs = (above @ net.w[l + 1]) * ACT[hidden][1](fp.z[l])
        assert rel(lhs, rhs) < 1e-6, l  # both sides carry finite-difference error


# --- BP3 and BP4 ------------------------------------------------------------------


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, cost", OUTPUT_COST)
def test_bp3_bp4_backprop_matches_finite_difference_gradient(hidden, output, cost):
    net, X, Y = make_problem(hidden, output, cost)
    grad = net.backprop(X, Y)
    numeric = bp.naive.finite_difference_gradient(net, X, Y)
    for l in range(1, net.L + 1):
        assert grad.b[l].shape == net.b[l].shape and grad.w[l].shape == net.w[l].shape
        assert rel(grad.b[l], numeric.b[l]) < TOL, ("BP3", l)
        assert rel(grad.w[l], numeric.w[l]) < TOL, ("BP4", l)


@pytest.mark.parametrize("output, cost", OUTPUT_COST)
def test_bp3_bp4_batch_forms_with_measured_errors(output, cost):
    """(bp3-batch) and (bp4-batch) with Δ^l measured by perturbing weighted inputs reproduce
    the gradient measured by perturbing parameters (no backpropagation involved)."""
    net, X, Y = make_problem("tanh", output, cost, m=5)
    m = X.shape[0]
    fp = net.forward(X)
    numeric = bp.naive.finite_difference_gradient(net, X, Y)
    for l in range(1, net.L + 1):
        D = measured_errors(net, l, fp.z[l], Y)
        assert rel(D.T @ np.ones(m) / m, numeric.b[l]) < 1e-6, ("BP3", l)  # (1/m) Δᵀ1
        assert rel(D.T @ fp.a[l - 1] / m, numeric.w[l]) < 1e-6, ("BP4", l)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_bp4_outer_product_from_finite_differences_alone(hidden):
    """For one example, BP3 + BP4 give ∂C/∂w^l = (∂C/∂b^l)(a^{l-1})ᵀ: a relation between
    finite differences only."""
    net, X, Y = make_problem(hidden, "sigmoid", "quadratic", m=1)
    numeric = bp.naive.finite_difference_gradient(net, X, Y)
    fp = net.forward(X)
    for l in range(1, net.L + 1):
        assert rel(numeric.w[l], np.outer(numeric.b[l], fp.a[l - 1][0])) < 1e-6, l


def test_bp4_outer_product_fails_for_a_batch():
    """...but not for the mean over several examples (so the test above can fail)."""
    net, X, Y = make_problem("sigmoid", "sigmoid", "quadratic", m=5)
    numeric = bp.naive.finite_difference_gradient(net, X, Y)
    a0 = X.mean(axis=0)
    assert rel(numeric.w[1], np.outer(numeric.b[1], a0)) > 1e-3


# --- example by example vs matrix-based ---------------------------------------------


@pytest.mark.parametrize("hidden", HIDDEN + ["relu"])
@pytest.mark.parametrize("output, cost", OUTPUT_COST)
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_example_by_example_equals_matrix_based(hidden, output, cost, weight_decay):
    net, X, Y = make_problem(hidden, output, cost, m=7)
    net.weight_decay = weight_decay
    m = X.shape[0]
    batch = net.backprop(X, Y)
    loop = net.backprop_loop(X, Y)
    per_example = [net.backprop_example(X[i], Y[i]) for i in range(m)]
    for l in range(1, net.L + 1):
        mean_w = sum(g.w[l] for g in per_example) / m
        mean_b = sum(g.b[l] for g in per_example) / m
        for ref_w, ref_b in ((loop.w[l], loop.b[l]), (mean_w, mean_b)):
            np.testing.assert_allclose(batch.w[l], ref_w, rtol=1e-10, atol=1e-13)
            np.testing.assert_allclose(batch.b[l], ref_b, rtol=1e-10, atol=1e-13)


def test_per_example_weight_gradient_is_an_outer_product():
    """Vector form of BP4: ∇_{w^l} C_x = δ^l (a^{l-1})ᵀ with δ^l = ∇_{b^l} C_x (BP3)."""
    net, X, Y = make_problem("tanh", "sigmoid", "cross_entropy", m=1)
    g = net.backprop_example(X[0], Y[0])
    a = net.forward(X).a
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(g.w[l], np.outer(g.b[l], a[l - 1][0]), rtol=1e-12, atol=1e-15)
        assert np.linalg.matrix_rank(g.w[l]) <= 1


# --- the exercises' statements ----------------------------------------------------------


def test_weight_decay_adds_lambda_w_to_weight_gradients_only():
    net, X, Y = make_problem("sigmoid", "sigmoid", "quadratic", m=5)
    lam = 0.1
    plain = net.backprop(X, Y)
    net.weight_decay = lam
    numeric = bp.naive.finite_difference_gradient(net, X, Y)
    for l in range(1, net.L + 1):
        assert rel(plain.w[l] + lam * net.w[l], numeric.w[l]) < TOL
        assert rel(plain.b[l], numeric.b[l]) < TOL


def test_sigmoid_error_bound_per_layer():
    """‖δ^l‖ ≤ ¼ ‖w^{l+1}‖₂ ‖δ^{l+1}‖ for sigmoid hidden layers (from BP2 and σ′ ≤ ¼)."""
    net, X, Y = make_problem("sigmoid", "softmax", "log_likelihood", sizes=(6, 8, 8, 8, 4), m=20)
    z = np.linspace(-10, 10, 2001)
    assert ACT["sigmoid"][1](z).max() == pytest.approx(0.25)
    for i in range(X.shape[0]):
        d = net.backprop_example(X[i], Y[i]).b
        for l in range(1, net.L):
            bound = 0.25 * np.linalg.norm(net.w[l + 1], 2) * np.linalg.norm(d[l + 1])
            assert np.linalg.norm(d[l]) <= bound * (1 + 1e-12)


def test_sigmoid_errors_shrink_when_every_spectral_norm_is_below_four():
    """With ‖w^{l+1}‖₂ < 4 for every l, the bound forces ‖δ^l‖ < ‖δ^{l+1}‖ for every example."""
    net, X, Y = make_problem("sigmoid", "softmax", "log_likelihood", sizes=(6, 8, 8, 8, 4), m=20)
    for l in range(2, net.L + 1):
        net.w[l] *= 3.9 / np.linalg.norm(net.w[l], 2)  # spectral norm exactly 3.9
    for i in range(X.shape[0]):
        d = net.backprop_example(X[i], Y[i]).b
        for l in range(1, net.L):
            assert np.linalg.norm(d[l]) < np.linalg.norm(d[l + 1])


def test_sigmoid_errors_can_double_when_the_spectral_norm_is_eight():
    """The equations chapter's construction: w^l = 8 Q_l (Q_l orthogonal) and biases that put
    every weighted input at 0, where σ′ = ¼; BP2 then gives δ^l = 2 Q_{l+1}ᵀ δ^{l+1}."""
    n, L = 4, 4
    net = bp.Network([n] * (L + 1), ["sigmoid"] * (L - 1) + ["identity"], "quadratic")
    rng = np.random.default_rng(1)
    half = np.full(n, 0.5)
    for l in range(1, L + 1):
        Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        net.w[l] = 8 * Q
        net.b[l] = -(net.w[l] @ half)
    fp = net.forward(half[None, :])
    for l in range(1, L + 1):
        np.testing.assert_array_equal(fp.z[l], 0.0)
    d = net.backprop_example(half, np.ones(n)).b
    # by hand: δ^L = a^L − y = −1 (identity output, quadratic cost), ‖δ^L‖ = 2
    assert np.linalg.norm(d[L]) == pytest.approx(2.0, rel=1e-15)
    for l in range(1, L):
        assert np.linalg.norm(d[l]) == pytest.approx(2 * np.linalg.norm(d[l + 1]), rel=1e-12)


def test_dead_relu_neuron_gets_exactly_zero_gradient():
    rng = np.random.default_rng(3)
    net = bp.Network([4, 6, 3], ["relu", "identity"], "quadratic", seed=0)
    net.b[1][2] = -100.0  # z^1_2 < 0 for every example below
    X = rng.standard_normal((20, 4))
    Y = rng.standard_normal((20, 3))
    assert np.all(net.forward(X).z[1][:, 2] < 0)
    g = net.backprop(X, Y)
    assert g.b[1][2] == 0.0  # BP2 (σ′ = 0) and BP3
    assert np.all(g.w[1][2] == 0.0)  # BP4: row j of ∂C/∂w^1
    assert np.all(g.w[2][:, 2] == 0.0)  # BP4: a^1_j = 0, column j of ∂C/∂w^2
    others = np.delete(g.w[1], 2, axis=0)
    assert np.all(others != 0.0)


# --- the worked example, the product form, symmetry, the exercises ----------------------


def _example():
    """The worked example's network (book/_netdraw.py), imported as the chapters do."""
    import sys
    from pathlib import Path

    book = str(Path(__file__).resolve().parents[1] / "book")
    if book not in sys.path:
        sys.path.insert(0, book)
    import _netdraw

    return _netdraw.example_network()


def test_worked_example_by_hand_formulas():
    """The 2-2-1 pass written out with math.exp: bp and centred differences agree."""
    net, x, y = _example()
    s = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    W1, B1, W2, B2 = net.w[1], net.b[1], net.w[2], net.b[2]
    z1 = [W1[j, 0] * x[0] + W1[j, 1] * x[1] + B1[j] for j in range(2)]
    a1 = [s(v) for v in z1]
    a2 = s(W2[0, 0] * a1[0] + W2[0, 1] * a1[1] + B2[0])
    d2 = (a2 - y[0]) * a2 * (1 - a2)  # BP1, quadratic cost
    d1 = [W2[0, j] * d2 * a1[j] * (1 - a1[j]) for j in range(2)]  # BP2
    grad = net.backprop_example(x, y)
    np.testing.assert_allclose(grad.b[2], [d2], rtol=1e-14)
    np.testing.assert_allclose(grad.b[1], d1, rtol=1e-14)
    np.testing.assert_allclose(grad.w[2], [[a1[0] * d2, a1[1] * d2]], rtol=1e-14)
    np.testing.assert_allclose(grad.w[1], np.outer(d1, x), rtol=1e-14)
    # what the chapter says about the example
    assert a2 < y[0] and d1[0] < 0 < d1[1] and abs(d1[0]) > abs(d1[1])
    fd = bp.finite_difference_gradient(net, x[None], y[None])
    assert rel(grad.flat(), fd.flat()) < TOL


def test_product_form_equals_the_errors_of_backprop():
    """δ^l = Σ′(z^l)(w^{l+1})ᵀ ⋯ Σ′(z^L)∇_a C, with diag matrices built here."""
    net, X, Y = make_problem("tanh", "sigmoid", "quadratic")
    for i in range(X.shape[0]):
        zs, a = [None], X[i]
        for l in range(1, net.L + 1):
            zs.append(net.w[l] @ a + net.b[l])
            a = ACT["tanh" if l < net.L else "sigmoid"][0](zs[l])
        S = [None] + [
            np.diag(ACT["tanh" if l < net.L else "sigmoid"][1](zs[l])) for l in range(1, net.L + 1)
        ]
        expected = net.backprop_example(X[i], Y[i]).b
        for l in range(1, net.L + 1):
            product = S[l]
            for k in range(l + 1, net.L + 1):
                product = product @ net.w[k].T @ S[k]
            assert rel(product @ (a - Y[i]), expected[l]) < 1e-12


def _hidden_spread(net):
    return float(np.abs(net.w[1] - net.w[1][0]).max())


def _digits(n=200):
    X, y = bp.data.load_digits()
    return X[:n], y[:n]


def test_clones_get_equal_gradients_and_stay_clones():
    """Equal rows of w^1, equal b^1 and equal columns of w^2: equal gradients (BP3, BP4)."""
    X, y = _digits()
    net = bp.Network([64, 6, 10], ["sigmoid", "softmax"], "log_likelihood")
    for l in (1, 2):
        net.w[l][...] = 0.1
        net.b[l][...] = 0.0
    g = net.backprop(X, y)
    assert np.abs(g.w[1] - g.w[1][0]).max() <= 1e-15 * np.abs(g.w[1]).max() + 1e-300
    assert np.abs(g.w[2] - g.w[2][:, :1]).max() <= 1e-15 * np.abs(g.w[2]).max()
    assert np.ptp(g.b[1]) <= 1e-15 * np.abs(g.b[1]).max()
    bp.train(net, X, y, epochs=5, batch_size=10, learning_rate=0.5)
    random_start = bp.Network([64, 6, 10], ["sigmoid", "softmax"], "log_likelihood", seed=0)
    bp.train(random_start, X, y, epochs=5, batch_size=10, learning_rate=0.5)
    assert _hidden_spread(net) < 1e-9 * _hidden_spread(random_start)


@pytest.mark.parametrize("case", ["only_biases", "zero_output", "zero_hidden"])
def test_partly_equal_starts_break_the_symmetry(case):
    """The symmetry exercise: none of the three partial starts keeps clones."""
    X, y = _digits()
    net = bp.Network([64, 6, 10], ["sigmoid", "softmax"], "log_likelihood", seed=0)
    if case == "zero_output":
        net.w[2][...] = 0.0
        net.b[2][...] = 0.0
    elif case == "zero_hidden":
        net.w[1][...] = 0.0
        net.b[1][...] = 0.0
    bp.train(net, X, y, epochs=1, batch_size=10, learning_rate=0.5)
    assert _hidden_spread(net) > 1e-3


class _Softplus(bp.activations.Activation):
    name = "softplus"

    def __call__(self, z):
        return np.log1p(np.exp(z))

    def derivative(self, z, a):
        return _sigmoid(z)


class _WrongSoftplus(_Softplus):
    def derivative(self, z, a):
        return 1 / (1 + np.exp(z))


def test_softplus_exercise_passes_and_a_wrong_derivative_fails():
    rng = np.random.default_rng(7)
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    for activation, passes in ((_Softplus(), True), (_WrongSoftplus(), False)):
        net = bp.Network([3, 5, 4, 2], [activation, activation, "identity"], "quadratic", seed=5)
        assert bp.check_gradient(net, X, Y).passed is passes
