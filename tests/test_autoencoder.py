"""The sparse autoencoder's cost and gradient, checked as in the UFLDL exercise."""

from __future__ import annotations

import math

import numpy as np
import pytest

import bp
from bp.autoencoder import (
    SparseAutoencoder,
    kl_divergence,
    numerical_gradient,
    relative_difference,
)


def _reference_cost(theta, X, n_hidden, lam, rho, beta):
    """J written out example by example with plain Python floats (independent of bp)."""
    m, n = X.shape
    s = n_hidden
    w1 = theta[: s * n].reshape(s, n)
    b1 = theta[s * n : s * n + s]
    w2 = theta[s * n + s : s * n + s + n * s].reshape(n, s)
    b2 = theta[s * n + s + n * s :]

    def sig(t):
        return 1.0 / (1.0 + math.exp(-t))

    hidden = []
    squared = 0.0
    for x in X:
        h = [sig(sum(w1[j, k] * x[k] for k in range(n)) + b1[j]) for j in range(s)]
        out = [sig(sum(w2[i, j] * h[j] for j in range(s)) + b2[i]) for i in range(n)]
        squared += 0.5 * sum((out[i] - x[i]) ** 2 for i in range(n))
        hidden.append(h)
    rho_hat = [sum(h[j] for h in hidden) / m for j in range(s)]
    kl = sum(rho * math.log(rho / r) + (1 - rho) * math.log((1 - rho) / (1 - r)) for r in rho_hat)
    decay = 0.5 * lam * (float(np.sum(w1**2)) + float(np.sum(w2**2)))
    return squared / m + decay + beta * kl


@pytest.fixture
def patches(rng):
    return rng.uniform(0.1, 0.9, size=(12, 9))


def test_cost_matches_an_explicit_computation(patches):
    ae = SparseAutoencoder(9, 4, sparsity=0.05, beta=2.0, weight_decay=0.01)
    theta = ae.initial_parameters(seed=3)
    theta[ae.n_visible * 4 : ae.n_visible * 4 + 4] = [0.1, -0.2, 0.3, 0.0]  # nonzero b^1
    expected = _reference_cost(theta, patches, 4, 0.01, 0.05, 2.0)
    assert ae.cost(theta, patches) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "rho,beta,lam", [(0.01, 3.0, 1e-4), (0.2, 0.5, 0.0), (0.05, 0.0, 1e-2), (0.5, 10.0, 1e-3)]
)
def test_gradient_check_ufldl_criterion(patches, rho, beta, lam):
    # UFLDL: centred differences with ε = 1e-4, ‖g − g_num‖/‖g + g_num‖ below 1e-9.
    ae = SparseAutoencoder(9, 4, sparsity=rho, beta=beta, weight_decay=lam)
    theta = ae.initial_parameters(seed=1)
    theta += 0.05 * np.random.default_rng(2).standard_normal(theta.size)  # biases ≠ 0 too
    g = ae.gradient(theta, patches)
    g_num = numerical_gradient(lambda t: ae.cost(t, patches), theta, eps=1e-4)
    assert relative_difference(g, g_num) < 1e-9


def test_without_sparsity_it_is_the_networks_cost_and_gradient(patches):
    ae = SparseAutoencoder(9, 4, beta=0.0, weight_decay=1e-3)
    theta = ae.initial_parameters(seed=5)
    net = bp.Network([9, 4, 9], "sigmoid", "quadratic", weight_decay=1e-3)
    net.set_params(theta)
    J, g = ae.cost_and_gradient(theta, patches)
    assert pytest.approx(net.cost_value(patches, patches), rel=1e-12) == J
    np.testing.assert_allclose(g, net.backprop(patches, patches).flat(), rtol=1e-12, atol=1e-15)


def test_the_sparsity_term_pushes_mean_activations_towards_rho(patches):
    # One small gradient step on the sparsity term alone lowers ρ̂ when ρ̂ > ρ.
    ae = SparseAutoencoder(9, 4, sparsity=0.01, beta=3.0, weight_decay=0.0)
    theta = ae.initial_parameters(seed=0)
    before = ae.average_activations(theta, patches)
    assert np.all(before > 0.01)
    J0 = ae.cost(theta, patches)
    step = theta - 0.5 * ae.gradient(theta, patches)
    assert ae.cost(step, patches) < J0
    assert np.mean(ae.average_activations(step, patches)) < np.mean(before)


def test_kl_divergence_values():
    assert kl_divergence(0.3, 0.3) == pytest.approx(0.0, abs=1e-15)
    assert kl_divergence(0.5, 0.25) == pytest.approx(
        0.5 * math.log(2) + 0.5 * math.log(0.5 / 0.75), rel=1e-12
    )
    assert np.all(kl_divergence(0.01, np.array([0.001, 0.1, 0.9])) > 0)


def test_initial_parameters(patches):
    ae = SparseAutoencoder(64, 25)
    theta = ae.initial_parameters(seed=7)
    assert theta.shape == (2 * 64 * 25 + 25 + 64,) == (ae.n_parameters,)
    w1, b1, w2, b2 = ae.unpack(theta)
    r = math.sqrt(6 / (64 + 25 + 1))
    assert w1.shape == (25, 64) and w2.shape == (64, 25)
    assert np.abs(w1).max() <= r and np.abs(w2).max() <= r and np.abs(w1).max() > 0.9 * r
    assert not np.any(b1) and not np.any(b2)
    np.testing.assert_array_equal(theta, ae.initial_parameters(seed=7))
    assert not np.array_equal(theta, ae.initial_parameters(seed=8))


def test_encode_reconstruct_and_features(patches):
    ae = SparseAutoencoder(9, 4)
    theta = ae.initial_parameters(seed=0)
    w1, b1, w2, b2 = ae.unpack(theta)
    H = 1 / (1 + np.exp(-(patches @ w1.T + b1)))
    np.testing.assert_allclose(ae.hidden(theta, patches), H, rtol=1e-12)
    np.testing.assert_allclose(
        ae.reconstruct(theta, patches), 1 / (1 + np.exp(-(H @ w2.T + b2))), rtol=1e-12
    )
    np.testing.assert_allclose(ae.average_activations(theta, patches), H.mean(axis=0))
    F = ae.features(theta)
    np.testing.assert_allclose(np.linalg.norm(F, axis=1), 1.0)
    np.testing.assert_allclose(F * np.linalg.norm(w1, axis=1, keepdims=True), w1)


def test_numerical_gradient_and_relative_difference():
    A = np.array([[2.0, 1.0], [1.0, 4.0]])
    t = np.array([0.5, -1.0])
    np.testing.assert_allclose(numerical_gradient(lambda x: 0.5 * x @ A @ x, t), A @ t, atol=1e-9)
    assert relative_difference([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_difference([1.0, 0.0], [0.0, 1.0]) == pytest.approx(1.0)
    assert relative_difference([0.0], [0.0]) == 0.0


def test_bad_input_is_rejected(patches):
    with pytest.raises(ValueError, match="sparsity"):
        SparseAutoencoder(9, 4, sparsity=1.5)
    with pytest.raises(ValueError, match="beta"):
        SparseAutoencoder(9, 4, beta=-1.0)
    with pytest.raises(TypeError, match="n_hidden"):
        SparseAutoencoder(9, 2.5)
    ae = SparseAutoencoder(9, 4)
    with pytest.raises(ValueError, match="theta must have shape"):
        ae.cost(np.zeros(5), patches)
    with pytest.raises(ValueError, match="X has 8 columns"):
        ae.cost(ae.initial_parameters(), patches[:, :8])
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(lambda x: 0.0, np.zeros(2), eps=0.0)
    with pytest.raises(ValueError, match="same size"):
        relative_difference([1.0], [1.0, 2.0])


def test_float32_gives_nearly_the_float64_cost_and_gradient(patches):
    ae64 = SparseAutoencoder(9, 4, sparsity=0.05)
    ae32 = SparseAutoencoder(9, 4, sparsity=0.05, dtype=np.float32)
    theta = ae64.initial_parameters(seed=4)
    J64, g64 = ae64.cost_and_gradient(theta, patches)
    J32, g32 = ae32.cost_and_gradient(theta, patches)
    assert g32.dtype == np.float64 and ae32.net.w[1].dtype == np.float32
    assert pytest.approx(J64, rel=1e-5) == J32
    assert relative_difference(g32, g64) < 1e-5
    with pytest.raises(TypeError, match="dtype"):
        SparseAutoencoder(9, 4, dtype=np.int32)


def test_orientation_coherence_of_known_patterns():
    i, j = np.mgrid[0:8, 0:8].astype(float)
    stripes = np.sin(1.3 * j)  # vertical stripes: every gradient horizontal
    ramp = 0.3 * i - 0.7 * j  # a plane: one gradient everywhere
    bowl = (i - 3.5) ** 2 + (j - 3.5) ** 2  # symmetric under swapping i and j, and i -> 7 - i
    F = np.stack([stripes.ravel(), ramp.ravel(), bowl.ravel()])
    c = bp.autoencoder.orientation_coherence(F, (8, 8))
    np.testing.assert_allclose(c, [1.0, 1.0, 0.0], atol=1e-12)
    flat = np.ones((1, 64))  # no gradient at all
    assert bp.autoencoder.orientation_coherence(flat, (8, 8))[0] == 0.0
    # a rotated copy of the stripes (transpose) is just as oriented
    assert bp.autoencoder.orientation_coherence(stripes.T.ravel()[None], (8, 8))[0] == (
        pytest.approx(1.0)
    )


def test_energy_localisation_of_known_patterns():
    block = np.zeros((8, 8))
    block[2:6, 3:7] = np.arange(16).reshape(4, 4) + 1.0  # inside one 4×4 window
    uniform = np.full((8, 8), -2.0)  # energy spread evenly
    corner = np.zeros((8, 8))
    corner[0, 0], corner[7, 7] = 3.0, 1.0  # 9 of 10 units of energy in one window
    F = np.stack([block.ravel(), uniform.ravel(), corner.ravel()])
    loc = bp.autoencoder.energy_localisation(F, (8, 8), window=4)
    np.testing.assert_allclose(loc, [1.0, 16 / 64, 9 / 10], rtol=1e-12)
    assert bp.autoencoder.energy_localisation(F, (8, 8), window=8) == pytest.approx(1.0)


def test_feature_measures_reject_bad_input():
    good = np.ones((2, 64))
    with pytest.raises(ValueError, match="shape"):
        bp.autoencoder.orientation_coherence(good, (8, 7))
    with pytest.raises(ValueError, match="shape"):
        bp.autoencoder.energy_localisation(good, (8,), window=2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="row of zeros"):
        bp.autoencoder.orientation_coherence(np.zeros((1, 64)), (8, 8))
    with pytest.raises(ValueError, match="window"):
        bp.autoencoder.energy_localisation(good, (8, 8), window=9)
    with pytest.raises(TypeError, match="window"):
        bp.autoencoder.energy_localisation(good, (8, 8), window=2.5)
    with pytest.raises(TypeError, match="features"):
        bp.autoencoder.orientation_coherence([["a"] * 64], (8, 8))


def test_unified_messages_of_the_autoencoder():
    ae = SparseAutoencoder(9, 4)
    with pytest.raises(ValueError, match=r"^seed must be a non-negative integer, got -1$"):
        ae.initial_parameters(seed=-1)
    with pytest.raises(ValueError, match=r"^sparsity must be a real number in \(0, 1\), got 0$"):
        SparseAutoencoder(9, 4, sparsity=0)
    with pytest.raises(
        ValueError, match=r"^theta must have shape \(85,\) \(2·9·4 weights \+ 4 \+ 9 biases\)"
    ):
        ae.cost(np.zeros(3), np.zeros((2, 9)))
    with pytest.raises(TypeError, match="^g_num must hold real numbers"):
        relative_difference(np.zeros(2), ["a", "b"])
    with pytest.raises(ValueError, match=r"^theta must be a 1-D array, got shape \(2, 2\)$"):
        numerical_gradient(lambda t: 0.0, np.zeros((2, 2)))


def test_relative_difference_of_huge_vectors_names_them_instead_of_warning():
    with pytest.raises(ValueError, match="^g or g_num is too large: computing with it overflows"):
        relative_difference(np.array([1e308, 1e308]), np.array([1e308, 1e308]))
