"""Hessian-vector products (exact and by differences of gradients), power iteration and the
diagonal Hessian, checked independently."""

from __future__ import annotations

import numpy as np
import pytest

import bp
from bp import curvature


def _linear_hessian(X: np.ndarray, n_out: int, lam: float) -> np.ndarray:
    """Exact Hessian of C = (1/m) Σ ½‖w x + b − y‖² + (λ/2)‖w‖², written out by hand.

    Layout as Network.get_params: w (row-major, w[j, k] at j·n_in + k), then b.
    """
    n_in = X.shape[1]
    P = n_out * n_in + n_out
    H = np.zeros((P, P))
    for j in range(n_out):
        bj = n_out * n_in + j
        for k in range(n_in):
            for k2 in range(n_in):
                H[j * n_in + k, j * n_in + k2] = np.mean(X[:, k] * X[:, k2]) + lam * (k == k2)
            H[j * n_in + k, bj] = H[bj, j * n_in + k] = np.mean(X[:, k])
        H[bj, bj] = 1.0
    return H


def test_hvp_exact_on_a_linear_network(rng):
    X = rng.standard_normal((7, 3)) + 0.5
    Y = rng.standard_normal((7, 2))
    net = bp.Network([3, 2], "identity", "quadratic", weight_decay=0.3, seed=1)
    H = _linear_hessian(X, 2, 0.3)
    for _ in range(3):
        v = rng.standard_normal(net.n_parameters)
        # exact by default (forward over reverse): equal to rounding
        np.testing.assert_allclose(
            curvature.hessian_vector_product(net, X, Y, v), H @ v, rtol=1e-13, atol=1e-14
        )
        # the cost is quadratic, so the centred difference has no truncation error
        np.testing.assert_allclose(
            curvature.hessian_vector_product(net, X, Y, v, method="difference"),
            H @ v,
            rtol=1e-7,
            atol=1e-9,
        )
    np.testing.assert_allclose(curvature.hessian(net, X, Y), H, rtol=1e-13, atol=1e-14)
    for symmetrise in (True, False):
        np.testing.assert_allclose(
            curvature.hessian(net, X, Y, method="difference", symmetrise=symmetrise),
            H,
            rtol=1e-7,
            atol=1e-9,
        )


def test_unsymmetrised_hessian_holds_the_computed_columns(rng):
    # Column i is the finite-difference product H e_i, as computed; its asymmetry is small
    # but not zero, and symmetrising it gives the default result. The exact Hessian's
    # columns are symmetric to rounding, far below the differences' asymmetry.
    net = bp.Network([3, 4, 2], ["tanh", "sigmoid"], "quadratic", seed=7)
    X = rng.standard_normal((9, 3))
    Y = rng.random((9, 2))
    raw = curvature.hessian(net, X, Y, method="difference", symmetrise=False)
    e = np.zeros(net.n_parameters)
    for i in (0, 5, net.n_parameters - 1):
        e[i] = 1.0
        np.testing.assert_array_equal(
            raw[:, i], curvature.hessian_vector_product(net, X, Y, e, method="difference")
        )
        e[i] = 0.0
    np.testing.assert_array_equal(
        curvature.hessian(net, X, Y, method="difference"), 0.5 * (raw + raw.T)
    )
    asymmetry = np.max(np.abs(raw - raw.T))
    assert 0 < asymmetry < 1e-7 * np.max(np.abs(raw))
    exact = curvature.hessian(net, X, Y, symmetrise=False)
    assert np.max(np.abs(exact - exact.T)) < 1e-14 * np.max(np.abs(exact))
    assert np.max(np.abs(raw - exact)) < 1e-7 * np.max(np.abs(exact))


def _cost_second_differences(net: bp.Network, X, Y, h: float = 1e-4) -> np.ndarray:
    """Hessian from cost values only (no gradients): a 4-point stencil per entry."""
    theta = net.get_params().copy()
    P = theta.size

    def C(t):
        net.set_params(t)
        return net.cost_value(X, Y)

    H = np.empty((P, P))
    E = np.eye(P) * h
    for i in range(P):
        for j in range(i, P):
            H[i, j] = H[j, i] = (
                C(theta + E[i] + E[j])
                - C(theta + E[i] - E[j])
                - C(theta - E[i] + E[j])
                + C(theta - E[i] - E[j])
            ) / (4 * h * h)
    net.set_params(theta)
    return H


@pytest.mark.parametrize(
    "acts,cost",
    [
        (["tanh", "sigmoid"], "quadratic"),
        (["sigmoid", "softmax"], "log_likelihood"),
        (["lecun_tanh", "sigmoid"], "cross_entropy"),
    ],
)
@pytest.mark.parametrize("method", ["exact", "difference"])
def test_hvp_matches_second_differences_of_the_cost(rng, acts, cost, method):
    net = bp.Network([2, 3, 2], acts, cost, weight_decay=0.01, seed=3)
    X = rng.standard_normal((6, 2))
    Y = np.eye(2)[rng.integers(0, 2, 6)] if cost == "log_likelihood" else rng.random((6, 2))
    H_ref = _cost_second_differences(net, X, Y)
    v = rng.standard_normal(net.n_parameters)
    Hv = curvature.hessian_vector_product(net, X, Y, v, method=method)
    # the reference's own error (h² truncation, rounding / h²) sets the tolerance
    assert np.linalg.norm(Hv - H_ref @ v) <= 1e-5 * np.linalg.norm(H_ref @ v)


def test_hvp_is_symmetric_linear_and_restores_parameters(rng, small_net):
    X = rng.standard_normal((5, 4))
    Y = rng.random((5, 3))
    theta = small_net.get_params().copy()
    u = rng.standard_normal(small_net.n_parameters)
    v = rng.standard_normal(small_net.n_parameters)
    for method, tol in (("exact", 1e-13), ("difference", 1e-7)):
        Hu = curvature.hessian_vector_product(small_net, X, Y, u, method=method)
        Hv = curvature.hessian_vector_product(small_net, X, Y, v, method=method)
        assert abs(u @ Hv - v @ Hu) <= tol * max(abs(u @ Hv), 1e-12)
        np.testing.assert_allclose(
            curvature.hessian_vector_product(small_net, X, Y, 3 * v, method=method),
            3 * Hv,
            rtol=tol * 10,
            atol=1e-10,
        )
        assert not np.any(
            curvature.hessian_vector_product(small_net, X, Y, np.zeros_like(v), method=method)
        )
        np.testing.assert_array_equal(small_net.get_params(), theta)


def test_hvp_from_gradient_on_a_quadratic_function():
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    theta = np.array([0.3, -2.0])
    v = np.array([1.0, 2.0])
    np.testing.assert_allclose(
        curvature.hvp_from_gradient(lambda t: A @ t, theta, v), A @ v, rtol=1e-9
    )
    np.testing.assert_allclose(
        curvature.hvp_from_gradient(lambda t: A @ t, theta, v, eps=0.5), A @ v, rtol=1e-12
    )


def test_power_iteration_finds_the_dominant_eigenvalue(rng):
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    lam = np.array([5.0, 3.0, 1.0, 0.5, 0.1, 0.0])
    A = Q @ np.diag(lam) @ Q.T
    res = curvature.power_iteration(lambda v: A @ v, 6, iterations=500, tol=1e-12)
    assert res.converged
    assert res.eigenvalue == pytest.approx(5.0, rel=1e-8)
    assert abs(abs(res.vector @ Q[:, 0]) - 1) < 1e-4
    assert res.n_products == len(res.estimates)
    # A negative eigenvalue of largest magnitude is found with its sign.
    B = Q @ np.diag([-7.0, 3.0, 1.0, 0.5, 0.1, 0.0]) @ Q.T
    assert curvature.power_iteration(lambda v: B @ v, 6, iterations=500, tol=1e-12).eigenvalue == (
        pytest.approx(-7.0, rel=1e-8)
    )
    # The same seed gives the same run.
    again = curvature.power_iteration(lambda v: A @ v, 6, iterations=500, tol=1e-12)
    assert again.estimates == res.estimates


def test_largest_hessian_eigenvalue_matches_the_full_hessian(rng):
    X = rng.standard_normal((30, 3))
    Y = np.eye(3)[rng.integers(0, 3, 30)]
    net = bp.Network([3, 4, 3], ["tanh", "softmax"], "log_likelihood", weight_decay=0.05, seed=0)
    bp.train(net, X, Y, epochs=50, batch_size=30, learning_rate=0.5, monitor=False)
    top = np.linalg.eigvalsh(curvature.hessian(net, X, Y))[-1]
    res = curvature.largest_hessian_eigenvalue(net, X, Y, iterations=1000, tol=1e-12)
    assert res.eigenvalue == pytest.approx(top, rel=1e-9)
    fd = curvature.largest_hessian_eigenvalue(
        net, X, Y, iterations=1000, tol=1e-12, method="difference"
    )
    assert fd.eigenvalue == pytest.approx(top, rel=1e-6)
    # the exact products are what power iteration multiplies by
    again = curvature.power_iteration(
        lambda v: bp.autodiff.hessian_vector_product(net, X, Y, v),
        net.n_parameters,
        iterations=1000,
        tol=1e-12,
    )
    assert again.estimates == res.estimates


def test_method_is_checked(rng, small_net):
    X = rng.standard_normal((5, 4))
    Y = rng.random((5, 3))
    v = np.ones(small_net.n_parameters)
    with pytest.raises(ValueError, match="method must be 'exact' or 'difference'"):
        curvature.hessian_vector_product(small_net, X, Y, v, method="R")
    with pytest.raises(ValueError, match="eps is the step of method='difference'"):
        curvature.hessian_vector_product(small_net, X, Y, v, eps=1e-4)
    with pytest.raises(ValueError, match="eps is the step"):
        curvature.hessian(small_net, X, Y, eps=1e-4)
    with pytest.raises(ValueError, match="method must be"):
        curvature.largest_hessian_eigenvalue(small_net, X, Y, method="exactly")
    # the default is the exact product
    np.testing.assert_array_equal(
        curvature.hessian_vector_product(small_net, X, Y, v),
        bp.autodiff.hessian_vector_product(small_net, X, Y, v),
    )


def _output_jacobian(net: bp.Network, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂a^L/∂θ for one example by centred differences of the forward pass: (n_L, P)."""
    theta = net.get_params().copy()
    J = np.empty((net.sizes[-1], theta.size))
    for i in range(theta.size):
        t = theta.copy()
        t[i] += h
        net.set_params(t)
        up = net.feedforward(x[None, :])[0]
        t[i] -= 2 * h
        net.set_params(t)
        down = net.feedforward(x[None, :])[0]
        J[:, i] = (up - down) / (2 * h)
    net.set_params(theta)
    return J


def test_diagonal_hessian_equals_gauss_newton_with_one_output(rng):
    # With a single output unit the layer-by-layer diagonal approximation drops
    # nothing: it equals diag((1/m) Σ_x J_xᵀ J_x) exactly (quadratic cost, H_a = 1).
    net = bp.Network([3, 4, 1], ["tanh", "sigmoid"], "quadratic", weight_decay=0.02, seed=5)
    X = rng.standard_normal((8, 3))
    G = np.zeros(net.n_parameters)
    for x in X:
        J = _output_jacobian(net, x)
        G += np.sum(J * J, axis=0)
    G /= len(X)
    hw, hb = curvature.diagonal_hessian(net, X)
    approx = np.concatenate([np.concatenate([hw[l].ravel(), hb[l]]) for l in (1, 2)])
    decay = np.concatenate(
        [np.concatenate([np.full(net.w[l].size, 0.02), np.zeros(net.b[l].size)]) for l in (1, 2)]
    )
    np.testing.assert_allclose(approx, G + decay, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("act,cost", [("softmax", "log_likelihood"), ("sigmoid", "cross_entropy")])
def test_diagonal_hessian_is_exact_for_one_layer_with_matching_loss(rng, act, cost):
    # One layer, softmax + log-likelihood or sigmoid + cross-entropy: the Hessian in
    # z is exactly diag(a) − a aᵀ or diag(a(1 − a)), so no approximation is left.
    net = bp.Network([3, 4], act, cost, seed=2)
    X = rng.standard_normal((10, 3))
    Y = np.eye(4)[rng.integers(0, 4, 10)]
    H = curvature.hessian(net, X, Y)
    hw, hb = curvature.diagonal_hessian(net, X)
    np.testing.assert_allclose(
        np.concatenate([hw[1].ravel(), hb[1]]), np.diag(H), rtol=1e-6, atol=1e-9
    )


def test_diagonal_hessian_costs_the_multiply_adds_of_one_gradient(rng):
    sizes = [5, 4, 3, 2]
    net = bp.Network(sizes, ["relu", "lecun_tanh", "softmax"], "log_likelihood", seed=0)
    with bp.opcount.counting() as c:
        curvature.diagonal_hessian(net, rng.standard_normal((7, 5)))
    # forward: Σ m n_l n_{l−1}; then per layer the two products of BP2 and BP4
    expected = 7 * (4 * 5 + 3 * 4 + 2 * 3) + 7 * (3 * 4 + 2 * 3) + 7 * (4 * 5 + 3 * 4 + 2 * 3)
    assert c.macs == expected == bp.opcount.gradient_macs(sizes, 7)


def test_diagonal_hessian_shapes_and_sign(rng):
    net = bp.Network([5, 4, 3, 2], ["relu", "lecun_tanh", "softmax"], "quadratic", seed=0)
    hw, hb = curvature.diagonal_hessian(net, rng.standard_normal((7, 5)))
    assert hw[0] is None and hb[0] is None
    for l in range(1, 4):
        assert hw[l].shape == net.w[l].shape and hb[l].shape == net.b[l].shape
        assert np.all(hw[l] >= 0) and np.all(hb[l] >= 0)


def test_layer_gradient_norms_match_finite_differences(rng):
    net = bp.Network([3, 4, 4, 2], "sigmoid", "quadratic", seed=4)
    X = rng.standard_normal((6, 3))
    Y = rng.random((6, 2))
    g = bp.finite_difference_gradient(net, X, Y)
    expected = [np.sqrt(np.sum(g.w[l] ** 2)) for l in (1, 2, 3)]
    np.testing.assert_allclose(curvature.layer_gradient_norms(net, X, Y), expected, rtol=1e-6)


def test_bad_input_is_rejected(rng, small_net):
    X = rng.standard_normal((5, 4))
    Y = rng.random((5, 3))
    for method in ("exact", "difference"):
        with pytest.raises(ValueError, match="v must have shape"):
            curvature.hessian_vector_product(small_net, X, Y, np.ones(3), method=method)
        with pytest.raises(ValueError, match="NaN"):
            curvature.hessian_vector_product(
                small_net, X, Y, np.full(small_net.n_parameters, np.nan), method=method
            )
        with pytest.raises(TypeError, match="v must be a real vector"):
            curvature.hessian_vector_product(
                small_net, X, Y, ["a"] * small_net.n_parameters, method=method
            )
    with pytest.raises(ValueError, match="eps"):
        curvature.hessian_vector_product(
            small_net, X, Y, np.ones(small_net.n_parameters), method="difference", eps=-1.0
        )
    with pytest.raises(ValueError, match="X has 3 columns"):
        curvature.hessian_vector_product(small_net, X[:, :3], Y, np.ones(small_net.n_parameters))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        curvature.power_iteration(lambda v: v, 0)
    with pytest.raises(TypeError, match="iterations"):
        curvature.power_iteration(lambda v: v, 3, iterations=2.5)
    with pytest.raises(ValueError, match="theta must be a 1-D"):
        curvature.hvp_from_gradient(lambda t: t, np.ones((2, 2)), np.ones(2))


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (0.5, TypeError)])
def test_a_bad_seed_names_seed(seed, error):
    with pytest.raises(error, match=rf"^seed must be a non-negative integer, got {seed!r}$"):
        curvature.power_iteration(lambda v: v, 3, seed=seed)


def test_unknown_method_lists_the_methods():
    net = bp.Network([2, 2, 1], "sigmoid", "quadratic", seed=0)
    X, Y = np.ones((3, 2)), np.ones((3, 1))
    v = np.ones(net.n_parameters)
    with pytest.raises(ValueError, match="^method must be 'exact' or 'difference', got 'x'$"):
        curvature.hessian_vector_product(net, X, Y, v, method="x")


def test_overflow_names_the_argument_instead_of_warning():
    net = bp.Network([2, 2, 1], seed=0)
    with pytest.raises(ValueError, match="^X is too large: computing with it overflows"):
        curvature.diagonal_hessian(net, np.full((1, 2), 1e308))
    with pytest.raises(ValueError, match="^matvec returns values too large: computing with it"):
        curvature.power_iteration(lambda v: v * 1e308, 2)
