"""Centring, standardising and whitening: fitted on training data, applied to any data."""

from __future__ import annotations

import numpy as np
import pytest

from bp import preprocessing as pp


@pytest.fixture
def data(rng):
    # Correlated inputs with offsets and very different scales.
    A = np.array([[3.0, 0.0, 0.0], [2.0, 0.1, 0.0], [0.5, 0.02, 0.01]])
    X_train = rng.standard_normal((400, 3)) @ A.T + np.array([5.0, -2.0, 0.3])
    X_test = rng.standard_normal((50, 3)) @ A.T + np.array([5.0, -2.0, 0.3])
    return X_train, X_test


def test_centre_uses_the_training_mean(data):
    X_train, X_test = data
    c = pp.Centre().fit(X_train)
    np.testing.assert_allclose(c.transform(X_train).mean(axis=0), 0, atol=1e-12)
    mu = [sum(col) / len(col) for col in X_train.T]
    np.testing.assert_allclose(c.transform(X_test), X_test - np.array(mu), rtol=1e-12)
    np.testing.assert_allclose(c.inverse_transform(c.transform(X_test)), X_test, rtol=1e-12)


def test_standardise_gives_unit_variance_and_leaves_constant_columns_alone(rng):
    X = np.c_[rng.normal(3, 2, 200), rng.normal(-1, 0.01, 200), np.full(200, 7.0)]
    s = pp.Standardise()
    Z = s.fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :2].std(axis=0), 1, rtol=1e-12)
    assert np.all(Z[:, 2] == 0)  # a constant column is centred, not divided by 0
    np.testing.assert_allclose(s.inverse_transform(Z), X, rtol=1e-12)
    x_new = np.array([[5.0, -1.0, 7.0]])
    expected = [(5.0 - X[:, 0].mean()) / X[:, 0].std(), (-1.0 - X[:, 1].mean()) / X[:, 1].std(), 0]
    np.testing.assert_allclose(s.transform(x_new)[0], expected, rtol=1e-10)


def test_pca_whitening_decorrelates_the_training_set(data):
    X_train, X_test = data
    w = pp.PCAWhiten(epsilon=0.0)
    Z = w.fit_transform(X_train)
    np.testing.assert_allclose(Z.T @ Z / len(Z), np.eye(3), atol=1e-10)
    assert np.all(np.diff(w.eigenvalues_) <= 0)
    np.testing.assert_allclose(w.inverse_transform(w.transform(X_test)), X_test, rtol=1e-10)
    # The test set is transformed with the training statistics, not its own.
    Zt = w.transform(X_test)
    assert np.abs(Zt.mean(axis=0)).max() > 1e-3


def test_pca_whitening_with_epsilon_and_fewer_components(data):
    X_train, _ = data
    eps = 0.5
    w = pp.PCAWhiten(epsilon=eps, n_components=2)
    Z = w.fit_transform(X_train)
    assert Z.shape == (400, 2)
    cov = Z.T @ Z / len(Z)
    lam = np.linalg.eigvalsh(np.cov(X_train.T, bias=True))[::-1][:2]
    np.testing.assert_allclose(np.diag(cov), lam / (lam + eps), rtol=1e-10)
    np.testing.assert_allclose(cov[0, 1], 0, atol=1e-10)


def test_zca_recovers_white_data_mixed_by_a_symmetric_matrix(rng):
    # Z has mean 0 and identity covariance exactly; X = Z A with A symmetric
    # positive definite has covariance A², so ZCA (Σ^(−1/2) = A^(−1)) gives Z back.
    m = 300
    Z = rng.standard_normal((m, 3))
    Z -= Z.mean(axis=0)
    L = np.linalg.cholesky(Z.T @ Z / m)
    Z = Z @ np.linalg.inv(L).T
    B = rng.standard_normal((3, 3))
    A = B @ B.T + 3 * np.eye(3)
    X = Z @ A + np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(pp.PCAWhiten(epsilon=0.0, zca=True).fit_transform(X), Z, atol=1e-9)


def test_float32_input_stays_float32(data):
    X32 = data[0].astype(np.float32)
    for t in (pp.Centre(), pp.Standardise(), pp.PCAWhiten(epsilon=1e-3), pp.PCAWhiten(zca=True)):
        assert t.fit_transform(X32).dtype == np.float32


def test_rescale_for_sigmoid(rng):
    P = rng.standard_normal((100, 16)) * 4 + rng.standard_normal((100, 1)) * 10
    R = pp.rescale_for_sigmoid(P)
    assert R.min() >= 0.1 and R.max() <= 0.9
    # The map is increasing and sends every patch's mean to the middle, 0.5.
    Pc = P - P.mean(axis=1, keepdims=True)
    s = 3 * Pc.std()
    inside = np.abs(Pc) < s
    np.testing.assert_allclose(R[inside], 0.5 + 0.4 * Pc[inside] / s, rtol=1e-12)
    assert np.all(R[Pc >= s] == pytest.approx(0.9))
    np.testing.assert_allclose(pp.rescale_for_sigmoid(np.ones((3, 4))), 0.5)


def test_errors_name_the_problem(data):
    X_train, _ = data
    with pytest.raises(ValueError, match="not fitted"):
        pp.Centre().transform(X_train)
    with pytest.raises(ValueError, match="fitted on 3"):
        pp.Standardise().fit(X_train).transform(X_train[:, :2])
    with pytest.raises(ValueError, match="2-D array"):
        pp.Centre().fit(X_train[:, 0])
    with pytest.raises(TypeError, match="real numbers"):
        pp.Centre().fit(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="NaN"):
        pp.PCAWhiten().fit(np.array([[np.nan, 1.0], [1.0, 2.0]]))
    with pytest.raises(ValueError, match="zca"):
        pp.PCAWhiten(n_components=2, zca=True)
    with pytest.raises(ValueError, match="singular"):
        pp.PCAWhiten(epsilon=0.0).fit(np.c_[X_train, X_train[:, 0] + X_train[:, 1]])
    with pytest.raises(ValueError, match="n_components"):
        pp.PCAWhiten(n_components=4).fit(X_train)
    with pytest.raises(ValueError, match="epsilon"):
        pp.PCAWhiten(epsilon=-1.0)
    with pytest.raises(ValueError, match="low < high"):
        pp.rescale_for_sigmoid(X_train, low=0.9, high=0.1)


@pytest.mark.parametrize(
    "fit", [pp.Centre().fit, pp.Standardise().fit, pp.PCAWhiten().fit, pp.rescale_for_sigmoid]
)
def test_finite_inputs_too_large_to_average_name_X(fit):
    with pytest.raises(ValueError, match="^X is too large: computing with it overflows"):
        fit(np.full((3, 2), 1.5e308))


def test_unified_messages_of_the_transforms():
    with pytest.raises(TypeError, match="^n_components must be a positive integer, got 2.0$"):
        pp.PCAWhiten(n_components=2.0)
    with pytest.raises(TypeError, match="^zca must be True or False, got 1$"):
        pp.PCAWhiten(zca=1)
    with pytest.raises(TypeError, match="^low must be a finite real number"):
        pp.rescale_for_sigmoid(np.ones((2, 2)), low="0")


def test_transforms_name_X_when_it_overflows():
    centre = pp.Centre().fit(np.array([[-1e308]]))  # one row: its mean is itself
    with pytest.raises(ValueError, match="^X is too large: computing with it overflows"):
        centre.transform(np.array([[1e308]]))
    with pytest.raises(ValueError, match="^X is too large: computing with it overflows"):
        centre.inverse_transform(np.array([[-1e308]]))
