"""Equations of the chapters *Learning as fitting*, *Forward propagation* and *Cost functions*.

Each test checks one numbered equation of those chapters (named in its docstring) against
an independent computation: explicit Python loops, the ``math`` module, finite differences
or a textbook formula written here, never against values produced by the code under test.
Tests already in test_network.py (gradient checks of every activation × cost, loop = matrix
backprop, stability of every activation) are not repeated.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import bp
from bp.activations import sigmoid, sigmoid_prime

ELEMENTWISE = ["sigmoid", "tanh", "lecun_tanh", "relu", "identity"]


def _sigmoid_math(z: float) -> float:
    """The logistic function from the math module, for moderate |z|."""
    return 1.0 / (1.0 + math.exp(-z))


def _activation_math(name: str, z: float) -> float:
    return {
        "sigmoid": _sigmoid_math,
        "tanh": math.tanh,
        "lecun_tanh": lambda v: 1.7159 * math.tanh(2.0 * v / 3.0),
        "relu": lambda v: max(0.0, v),
        "identity": lambda v: v,
    }[name](z)


def _with_random_biases(net: bp.Network, rng: np.random.Generator) -> bp.Network:
    """bp starts biases at zero; give them values so that the tests exercise them."""
    for l in range(1, net.L + 1):
        net.b[l][...] = rng.standard_normal(net.sizes[l])
    return net


# --------------------------------------------------------------------- forward pass


def test_forward_pass_equals_explicit_loops_over_j_and_k(rng):
    """(eq-fwd-layer-sum): z^l_j = Σ_k w^l_jk a^{l-1}_k + b^l_j, a^l_j = σ(z^l_j)."""
    names = ["tanh", "relu", "lecun_tanh", "sigmoid"]
    net = _with_random_biases(bp.Network([3, 5, 4, 4, 2], names, seed=4), rng)
    X = rng.standard_normal((6, 3))
    fp = net.forward(X)
    for i in range(X.shape[0]):
        a = [float(v) for v in X[i]]
        for l in range(1, net.L + 1):
            z = []
            for j in range(net.sizes[l]):
                total = float(net.b[l][j])
                for k in range(net.sizes[l - 1]):
                    total += float(net.w[l][j, k]) * a[k]
                z.append(total)
            a = [_activation_math(names[l - 1], zj) for zj in z]
            np.testing.assert_allclose(fp.z[l][i], z, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(fp.a[l][i], a, rtol=1e-13, atol=1e-15)


def test_single_neuron_is_a_one_output_network():
    """(eq-fwd-neuron): a = σ(wᵀx + b), the worked example of the chapter."""
    net = bp.Network([3, 1])
    net.w[1][...] = [0.5, -1.0, 2.0]
    net.b[1][...] = 0.1
    a = net.feedforward(np.array([[1.0, 2.0, 0.5]]))[0, 0]
    assert a == pytest.approx(1 / (1 + math.exp(0.4)), rel=1e-15)


def test_folded_bias_identity(rng):
    """(eq-fwd-fold): wᵀx + b = [w b]·[x 1], for one neuron and for a whole batch."""
    w, x, b = rng.standard_normal(7), rng.standard_normal(7), float(rng.standard_normal())
    folded = sum(wi * xi for wi, xi in zip(np.append(w, b), np.append(x, 1.0)))
    assert folded == pytest.approx(float(w @ x) + b, rel=1e-13)

    net = _with_random_biases(bp.Network([4, 6, 3], seed=2), rng)
    X = rng.standard_normal((5, 4))
    fp = net.forward(X)
    for l in range(1, net.L + 1):
        w_folded = np.hstack([net.w[l], net.b[l][:, None]])  # [w^l b^l]: (n_l, n_{l-1} + 1)
        a_folded = np.hstack([fp.a[l - 1], np.ones((5, 1))])  # [A^{l-1} 1]
        z_folded = a_folded @ w_folded.T
        np.testing.assert_allclose(z_folded, fp.z[l], rtol=1e-13, atol=1e-15)


def test_batch_rows_are_the_transposed_column_formulas(rng):
    """(eq-fwd-batch) vs (eq-fwd-layer): Z^l = A^{l-1}(w^l)ᵀ + 1(b^l)ᵀ = (w^l Aᵀ + b^l 1ᵀ)ᵀ."""
    net = _with_random_biases(bp.Network([4, 6, 3], ["tanh", "sigmoid"], seed=5), rng)
    X = rng.standard_normal((7, 4))
    fp = net.forward(X)
    columns = X.T  # one example per column: (n_0, m)
    for l in range(1, net.L + 1):
        z_cols = net.w[l] @ columns + np.outer(net.b[l], np.ones(7))
        np.testing.assert_allclose(fp.z[l], z_cols.T, rtol=1e-13, atol=1e-15)
        columns = net.activations[l](z_cols)
        for i in range(7):  # and one example at a time, as a column vector
            z_i = net.w[l] @ fp.a[l - 1][i] + net.b[l]
            np.testing.assert_allclose(fp.z[l][i], z_i, rtol=1e-13, atol=1e-15)


# ---------------------------------------------------------- activation functions


def test_sigmoid_prime_is_sigma_times_one_minus_sigma():
    """(eq-fwd-sigmoid-prime): σ′ = σ(1 − σ), against centred differences of math's σ."""
    h = 1e-6
    for z in np.linspace(-8, 8, 33):
        numeric = (_sigmoid_math(z + h) - _sigmoid_math(z - h)) / (2 * h)
        s = _sigmoid_math(z)
        assert sigmoid_prime(z) == pytest.approx(s * (1 - s), rel=1e-12, abs=1e-15)
        assert float(sigmoid_prime(z)) == pytest.approx(numeric, rel=1e-6, abs=1e-12)
    assert float(sigmoid_prime(0.0)) == 0.25


def test_lecun_tanh_and_its_derivative():
    """(eq-fwd-lecun): f = 1.7159 tanh(2z/3), f′ = (2/3)(1.7159 − f²/1.7159); f(±1) ≈ ±1."""
    act = bp.activations.get_activation("lecun_tanh")
    z = np.linspace(-5, 5, 41)
    f = act(z)
    np.testing.assert_allclose(f, [1.7159 * math.tanh(2 * v / 3) for v in z], rtol=1e-14)
    expected = [1.7159 * (2 / 3) * (1 - math.tanh(2 * v / 3) ** 2) for v in z]
    np.testing.assert_allclose(act.derivative(z, f), expected, rtol=1e-12, atol=1e-15)
    # The constant is 1/tanh(2/3) to four decimals, which is what makes f(1) = 1.
    assert 1 / math.tanh(2 / 3) == pytest.approx(1.7159, abs=5e-5)
    assert float(act(np.array(1.0))) == pytest.approx(1.0, abs=1e-5)


def test_tanh_is_a_rescaled_sigmoid():
    """Exercise ex-fwd-tanh: tanh z = 2σ(2z) − 1 and tanh′ = 4σ′(2z) = 1 − tanh²."""
    z = np.linspace(-6, 6, 61)
    np.testing.assert_allclose(2 * sigmoid(2 * z) - 1, np.tanh(z), rtol=0, atol=2e-15)
    np.testing.assert_allclose(4 * sigmoid_prime(2 * z), 1 - np.tanh(z) ** 2, atol=1e-15)


def test_identity_network_collapses_to_one_affine_map(rng):
    """Exercise ex-fwd-linear: w²(w¹x + b¹) + b² = (w²w¹)x + (w²b¹ + b²)."""
    net = _with_random_biases(bp.Network([3, 5, 4, 2], "identity", seed=3), rng)
    W = net.w[3] @ net.w[2] @ net.w[1]
    beta = net.w[3] @ (net.w[2] @ net.b[1] + net.b[2]) + net.b[3]
    X = rng.standard_normal((6, 3))
    np.testing.assert_allclose(net.feedforward(X), X @ W.T + beta, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------------- costs


@pytest.mark.parametrize(
    "output, cost",
    [("sigmoid", "quadratic"), ("sigmoid", "cross_entropy"), ("softmax", "log_likelihood")],
)
def test_cost_is_the_mean_of_per_example_costs(output, cost, rng):
    """(eq-cost-average), assumption 1: C = (1/m) Σ_x C_x, each C_x from its own example."""
    net = bp.Network([4, 5, 3], ["tanh", output], cost, seed=1)
    X = rng.standard_normal((8, 4))
    y = rng.integers(0, 3, 8) if cost == "log_likelihood" else rng.random((8, 3))
    singles = [net.cost_value(X[i : i + 1], y[i : i + 1]) for i in range(8)]
    assert net.cost_value(X, y) == pytest.approx(sum(singles) / 8, rel=1e-14)


def test_quadratic_cost_and_its_gradient(rng):
    """(eq-cost-quadratic): C_x = ½‖a − y‖², ∇_a C_x = a − y."""
    z, y = rng.standard_normal((5, 3)), rng.random((5, 3))
    a = sigmoid(z)
    cost = bp.costs.Quadratic()
    expected = [0.5 * sum((a[i, j] - y[i, j]) ** 2 for j in range(3)) for i in range(5)]
    np.testing.assert_allclose(cost.value(z, a, y), expected, rtol=1e-14)
    # ∇_a C_x by finite differences in a, passed through the identity output (δ = ∇_a C).
    identity = bp.activations.get_activation("identity")
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        numeric = (cost.value(z, a + e, y) - cost.value(z, a - e, y)) / (2 * h)
        analytic = cost.output_error(a, a, y, identity)[:, j]
        np.testing.assert_allclose(analytic, numeric, atol=1e-9)


def test_cross_entropy_textbook_and_stable_forms_agree(rng):
    """(eq-cost-xent) = (eq-cost-xent-stable), with sp = softplus:

    −[y ln a + (1 − y) ln(1 − a)] = y sp(−z) + (1 − y) sp(z).
    """
    z = rng.normal(0, 4, (6, 3))
    y = rng.random((6, 3))
    a = sigmoid(z)
    textbook = [
        -sum(
            y[i, j] * math.log(_sigmoid_math(z[i, j]))
            + (1 - y[i, j]) * math.log(1 - _sigmoid_math(z[i, j]))
            for j in range(3)
        )
        for i in range(6)
    ]
    np.testing.assert_allclose(bp.costs.CrossEntropy().value(z, a, y), textbook, rtol=1e-9)


def test_cross_entropy_stays_exact_where_the_textbook_formula_breaks():
    """The chapter's stability table: z = ±40, ±800, targets 0 and 1, to a relative error."""

    def softplus(v: float) -> float:  # ln(1 + e^v), written independently
        return max(v, 0.0) + math.log1p(math.exp(-abs(v)))

    cost = bp.costs.CrossEntropy()
    for z in (40.0, -40.0, 800.0, -800.0):
        for t in (0.0, 1.0):
            zz, yy = np.array([[z]]), np.array([[t]])
            got = float(cost.value(zz, sigmoid(zz), yy)[0])
            assert math.isfinite(got)
            expected = t * softplus(-z) + (1 - t) * softplus(z)
            assert got == pytest.approx(expected, rel=1e-14, abs=0)
    # The confident, correct neuron of the table: ln(1 + e^-40), not 0.
    z40 = np.array([[40.0]])
    one = float(cost.value(z40, sigmoid(z40), np.ones((1, 1)))[0])
    assert one == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-15, abs=0)
    # The textbook formula at z = 40: σ rounds to 1, so inf for y = 0 and nan for y = 1.
    with np.errstate(all="ignore"):
        a = 1 / (1 + np.exp(-40.0))
        assert a == 1.0
        assert np.isinf(-np.log(1 - a))
        assert np.isnan(-(1 * np.log(a) + 0 * np.log(1 - a)))


@pytest.mark.parametrize(
    "cost_name, output", [("cross_entropy", "sigmoid"), ("log_likelihood", "softmax")]
)
def test_output_error_is_a_minus_y_by_finite_differences(cost_name, output, rng):
    """(eq-cost-xent-delta), (eq-cost-loglik-delta): δ^L = ∂C_x/∂z^L = a^L − y."""
    cost = bp.costs.get_cost(cost_name)
    act = bp.activations.get_activation(output)
    z = rng.standard_normal((4, 5))
    if cost_name == "log_likelihood":
        y = np.eye(5)[rng.integers(0, 5, 4)]
    else:
        y = rng.random((4, 5))
    a = act(z)
    h = 1e-6
    numeric = np.empty_like(z)
    for j in range(5):
        e = np.zeros(5)
        e[j] = h
        up, down = cost.value(z + e, act(z + e), y), cost.value(z - e, act(z - e), y)
        numeric[:, j] = (up - down) / (2 * h)
    np.testing.assert_allclose(numeric, a - y, rtol=0, atol=1e-8)
    np.testing.assert_allclose(cost.output_error(z, a, y, act), a - y, rtol=1e-14)


def test_softmax_and_log_likelihood_formulas(rng):
    """(eq-cost-softmax), (eq-cost-loglik): a_j = e^{z_j}/Σ_k e^{z_k}; C_x = lse(z) − z_c."""
    z = rng.standard_normal((3, 4))
    a = bp.activations.Softmax()(z)
    for i in range(3):
        denominator = sum(math.exp(v) for v in z[i])
        expected = [math.exp(v) / denominator for v in z[i]]
        np.testing.assert_allclose(a[i], expected, rtol=1e-14)
    classes = [2, 0, 3]
    got = bp.costs.LogLikelihood().value(z, a, np.eye(4)[classes])
    lse = [math.log(sum(math.exp(v) for v in z[i])) for i in range(3)]
    expected = [lse[i] - z[i, c] for i, c in enumerate(classes)]
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    # Far outside exp's range: z = (1000, 0, -1000) gives C = 0, 1000, 2000 for classes 0, 1, 2.
    zs = np.array([[1000.0, 0.0, -1000.0]] * 3)
    v = bp.costs.LogLikelihood().value(zs, bp.activations.Softmax()(zs), np.eye(3))
    np.testing.assert_allclose(v, [0.0, 1000.0, 2000.0], rtol=1e-15, atol=1e-300)


def test_softmax_is_unchanged_by_a_shift(rng):
    """Exercise ex-costs-shift: softmax(z + c) = softmax(z)."""
    z = rng.standard_normal((2, 6))
    sm = bp.activations.Softmax()
    for c in (-300.0, 5.0, 700.0):
        np.testing.assert_allclose(sm(z + c), sm(z), rtol=1e-12)


# ----------------------------------------------------------------- weight decay


def test_weight_decay_term_and_its_gradient(rng):
    """(eq-cost-decay), (eq-cost-decay-grad): C gains (λ/2)Σ‖w^l‖², ∂C/∂w^l gains λ w^l."""
    lam = 0.3
    arch = ([3, 4, 2], ["tanh", "sigmoid"], "cross_entropy")
    plain = _with_random_biases(bp.Network(*arch, seed=6), rng)
    decayed = plain.copy()
    decayed.weight_decay = lam
    X, Y = rng.standard_normal((5, 3)), rng.random((5, 2))
    squares = sum(float(v) ** 2 for l in (1, 2) for v in plain.w[l].ravel())
    expected = plain.cost_value(X, Y) + lam / 2 * squares
    assert decayed.cost_value(X, Y) == pytest.approx(expected, rel=1e-14)
    g0, g1 = plain.backprop(X, Y), decayed.backprop(X, Y)
    for l in (1, 2):
        np.testing.assert_allclose(g1.w[l] - g0.w[l], lam * plain.w[l], rtol=1e-10, atol=1e-15)
        np.testing.assert_array_equal(g1.b[l], g0.b[l])  # biases are not decayed
    # And the decayed gradient is the gradient of the decayed cost: centred differences.
    theta = decayed.get_params()
    h = 1e-6
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        decayed.set_params(theta + e)
        up = decayed.cost_value(X, Y)
        decayed.set_params(theta - e)
        numeric[i] = (up - decayed.cost_value(X, Y)) / (2 * h)
    decayed.set_params(theta)
    np.testing.assert_allclose(g1.flat(), numeric, rtol=1e-6, atol=1e-9)


def test_weight_decay_step_shrinks_the_weights(rng):
    """A gradient step with decay: w ← (1 − ηλ) w − η ∇_w C_0, b ← b − η ∇_b C_0."""
    lam, eta = 0.2, 0.5
    plain = bp.Network([3, 4, 2], seed=8)
    decayed = plain.copy()
    decayed.weight_decay = lam
    X, Y = rng.standard_normal((6, 3)), rng.random((6, 2))
    g0 = plain.backprop(X, Y)
    bp.train(decayed, X, Y, epochs=1, batch_size=6, learning_rate=eta, shuffle=False, monitor=False)
    for l in (1, 2):
        shrunk = (1 - eta * lam) * plain.w[l] - eta * g0.w[l]
        np.testing.assert_allclose(decayed.w[l], shrunk, rtol=1e-13)
        np.testing.assert_allclose(decayed.b[l], plain.b[l] - eta * g0.b[l], rtol=1e-13, atol=1e-16)


# ------------------------------------------------------------ Hadamard product


def test_hadamard_product_is_numpy_star_and_a_diagonal_matrix(rng):
    """(eq-cost-hadamard): (s ⊙ t)_j = s_j t_j = (diag(s) t)_j; NumPy's * on equal shapes."""
    s, t = rng.standard_normal(6), rng.standard_normal(6)
    loop = np.array([s[j] * t[j] for j in range(6)])
    np.testing.assert_array_equal(s * t, loop)
    np.testing.assert_allclose(np.diag(s) @ t, loop, rtol=1e-15)
    example = np.array([1.0, 2.0, 3.0]) * np.array([4.0, 5.0, 6.0])
    np.testing.assert_array_equal(example, [4.0, 10.0, 18.0])  # the chapter's example


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_vjp_is_a_hadamard_product_with_the_diagonal_jacobian(name, rng):
    """∂C/∂z = ∂C/∂a ⊙ σ′(z): an elementwise σ has a diagonal Jacobian (finite differences)."""
    act = bp.activations.get_activation(name)
    z = rng.standard_normal(5) + 0.01  # away from ReLU's kink
    g = rng.standard_normal(5)
    h = 1e-6
    J = np.empty((5, 5))
    for k in range(5):
        e = np.zeros(5)
        e[k] = h
        J[:, k] = (act(z + e) - act(z - e)) / (2 * h)
    np.testing.assert_allclose(J - np.diag(np.diag(J)), 0.0, atol=1e-12)  # diagonal
    np.testing.assert_allclose(act.vjp(z, act(z), g), J.T @ g, rtol=1e-6, atol=1e-9)


def test_bp1_for_the_quadratic_cost_is_a_hadamard_product(rng):
    """BP1 as written in the chapter: δ^L = (a^L − y) ⊙ σ′(z^L), row by row for a batch."""
    z, y = rng.standard_normal((4, 3)), rng.random((4, 3))
    a = sigmoid(z)
    sig = bp.activations.get_activation("sigmoid")
    delta = bp.costs.Quadratic().output_error(z, a, y, sig)
    for i in range(4):
        for j in range(3):
            s = _sigmoid_math(z[i, j])
            expected = (s - y[i, j]) * s * (1 - s)
            assert delta[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-16)


# --------------------------------------------------- fitting by gradient descent


def test_gradient_step_lowers_the_cost_as_predicted_to_first_order(rng):
    """(eq-fit-decrease): ΔC ≈ −η‖∇C‖², with an error that shrinks in proportion to η."""
    X, Y = bp.data.curve(n=40, seed=1)
    net = bp.Network([1, 8, 1], seed=0)
    theta, g = net.get_params(), net.backprop(X, Y).flat()
    before = net.cost_value(X, Y)
    gaps = []
    for eta in (1e-2, 1e-3):
        net.set_params(theta - eta * g)
        actual = net.cost_value(X, Y) - before
        predicted = -eta * float(g @ g)
        assert actual < 0
        gaps.append(abs(actual / predicted - 1))
    net.set_params(theta)
    assert gaps[1] < 0.2 * gaps[0] and gaps[1] < 1e-2


def test_a_small_network_fits_the_curve():
    """The chapter's experiment: a 1-10-1 network, 2000 epochs of SGD, gets within 2× of ½·0.05²."""
    X, Y = bp.data.curve(n=50, seed=0, noise=0.05)
    net = bp.Network([1, 10, 1], seed=0)
    history = bp.train(net, X, Y, epochs=2000, batch_size=10, learning_rate=3.0, seed=0)
    noise_floor = 0.5 * 0.05**2
    assert history.train_cost[-1] < 2 * noise_floor
    assert history.train_cost[-1] < 0.1 * history.train_cost[0]


@pytest.mark.parametrize(
    "sizes, forward, backward",
    [([1, 10, 1], 20, 30), ([64, 30, 10], 2220, 2520), ([5, 5, 5, 5], 75, 125)],
)
def test_backward_pass_costs_at_most_twice_the_forward_pass(sizes, forward, backward):
    """Fitting: in multiply–adds the backward pass costs at most twice the forward pass.

    Forward: W = Σ_l n_l n_{l−1}. Backward: BP4 in every layer and BP2 in every layer but
    the first, 2W − n_1 n_0. Written out: [1, 10, 1] gives 10 + 10 = 20 and 40 − 10 = 30
    (1.5×); [64, 30, 10] gives 1920 + 300 = 2220 and 4440 − 1920 = 2520 (about 1.14×).
    """
    assert bp.opcount.forward_macs(sizes) == forward
    assert bp.opcount.backward_macs(sizes) == backward
    assert backward <= 2 * forward


def test_preface_operation_counts():
    """The preface's numbers for the 64-30-10 network, from independent arithmetic."""
    sizes = [64, 30, 10]
    P = 30 * (64 + 1) + 10 * (30 + 1)
    forward = 64 * 30 + 30 * 10
    backward = 2 * forward - 30 * 64  # BP4 in both layers, BP2 only into layer 1
    assert bp.opcount.n_parameters(sizes) == P == bp.Network(sizes).n_parameters
    assert bp.opcount.forward_macs(sizes) == forward
    assert bp.opcount.gradient_macs(sizes) == forward + backward
    assert bp.opcount.finite_difference_macs(sizes, method="forward") == (P + 1) * forward
    net = bp.Network(sizes, ["sigmoid", "softmax"], "log_likelihood", seed=0)
    X, y, _, _ = bp.data.digits_split(seed=0)
    with bp.opcount.counting() as counter:
        net.backprop(X[:1], y[:1])
    assert counter.macs == forward + backward


def _netdraw():
    import sys
    from pathlib import Path

    book = str(Path(__file__).resolve().parents[1] / "book")
    if book not in sys.path:
        sys.path.insert(0, book)
    import _netdraw

    return _netdraw


def test_forward_pass_of_the_drawn_example_by_hand():
    """fig-fwd-example: z^1 = w^1 x + b^1 and a^1 = σ(z^1) with the math module."""
    net, x, _ = _netdraw().example_network()
    fp = net.forward(x[None])
    for l in (1, 2):
        a_prev = fp.a[l - 1][0]
        for j in range(net.sizes[l]):
            z = sum(net.w[l][j, k] * a_prev[k] for k in range(net.sizes[l - 1])) + net.b[l][j]
            assert fp.z[l][0, j] == pytest.approx(z, rel=1e-15)
            assert fp.a[l][0, j] == pytest.approx(_sigmoid_math(z), rel=1e-15)
    assert fp.z[1][0, 0] != fp.z[1][0, 1]  # the hidden neurons differ


def test_netdraw_rejects_unknown_neurons_and_edges():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nd = _netdraw()
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="direction"):
        nd.draw_network(ax, [2, 2, 1], direction="sideways")
    with pytest.raises(ValueError, match="no neuron"):
        nd.draw_network(ax, [2, 2, 1], above_text={(1, 3): "x"})
    with pytest.raises(ValueError, match="no weight"):
        nd.draw_network(ax, [2, 2, 1], highlight=[(2, 2, 1)])
    pos = nd.draw_network(
        ax,
        [2, 2, 1],
        highlight=[(2, 1, 2)],
        edge_label_at={(2, 1, 2): 0.3},
        edge_text={(2, 1, 2): "w"},
    )
    assert set(pos) == {(0, 1), (0, 2), (1, 1), (1, 2), (2, 1)}
    net, x, y = nd.example_network()
    for figure in (nd.draw_forward_example(net, x), nd.draw_backward_example(net, x, y)):
        assert figure.axes
        plt.close(figure)
    with pytest.raises(ValueError, match="2-2-1"):
        nd.draw_forward_example(bp.Network([2, 3, 1]), x)
    plt.close(fig)
