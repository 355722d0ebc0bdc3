"""Input normalisation: centring, standardising, PCA and ZCA whitening.

LeCun, Bottou, Orr and Müller (*Efficient BackProp*, 1998, section 4.3)
recommend three transformations of the inputs, in this order:

1. **centre** each input variable so that its mean over the training set is
   close to zero (:class:`Centre`);
2. **scale** them so that their variances are about the same
   (:class:`Standardise`);
3. **decorrelate** them if possible (:class:`PCAWhiten`, which also scales
   every principal direction to unit variance).

Each transformation is *fitted on the training set only* and then applied,
unchanged, to any other data (a validation or test set): statistics taken
from the test set would leak information about it. The classes follow the
familiar pattern ``fit(X_train)`` → ``transform(X)``; ``fit_transform`` does
both on the training set; ``inverse_transform`` maps back.

:func:`rescale_for_sigmoid` is the normalisation of the UFLDL sparse
autoencoder exercise (remove each patch's mean, clip at ±3 standard
deviations, map to [0.1, 0.9]), so that a sigmoid output layer can
reproduce the data.

Rows are examples: every ``X`` has shape (m, n).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (
    check_array,
    check_bool,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    overflow_as_error,
)

__all__ = ["Centre", "Standardise", "PCAWhiten", "rescale_for_sigmoid"]


def _check_matrix(
    X: ArrayLike, argument: str = "X", n: int | None = None
) -> np.ndarray:
    """X as a finite float32/float64 array of shape (m, n), m ≥ 1 (n columns if given)."""
    arr = check_array(X, argument)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{argument} must be a 2-D array of shape (m, n) with one example per row "
            f"and m >= 1, got shape {arr.shape}"
        )
    if n is not None and arr.shape[1] != n:
        raise ValueError(
            f"{argument} has {arr.shape[1]} columns but the transformation was fitted on "
            f"{n}: expected shape (m, {n})"
        )
    return arr


class _Transform:
    """Shared fit/transform plumbing."""

    n_features_: int | None = None

    def _require_fitted(self) -> None:
        if self.n_features_ is None:
            raise ValueError(
                f"{type(self).__name__} is not fitted yet: call fit(X_train) first"
            )

    def _fitted_input(self, X: ArrayLike, n: int | None = None) -> np.ndarray:
        """X for a fitted transformation: n columns (by default as many as it was fitted on)."""
        self._require_fitted()
        return _check_matrix(X, n=self.n_features_ if n is None else n)

    def fit(self, X: ArrayLike) -> _Transform:  # pragma: no cover - abstract
        raise NotImplementedError

    def transform(
        self, X: ArrayLike
    ) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def fit_transform(self, X: ArrayLike) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)


class Centre(_Transform):
    """Subtract the training mean of every input variable: x ↦ x − μ.

    Attributes
    ----------
    mean_ : ndarray, shape (n,)
    n_features_ : int

    Raises
    ------
    TypeError, ValueError
        From every method, for inputs that are not a finite (m, n) array of
        real numbers (``X`` must have the fitted number of columns), or
        too large to average without overflow; ValueError before ``fit``.

    Examples
    --------
    >>> Centre().fit_transform([[1.0, 10.0], [3.0, 20.0]])
    array([[-1., -5.],
           [ 1.,  5.]])
    """

    def fit(self, X: ArrayLike) -> Centre:
        """Learn μ from the training inputs X, shape (m, n)."""
        A = _check_matrix(X)
        with overflow_as_error("X"):
            self.mean_ = A.mean(axis=0)
        self.n_features_ = A.shape[1]
        return self

    @overflow_as_error("X")
    def transform(self, X: ArrayLike) -> np.ndarray:
        """Return X − μ, shape (m, n)."""
        return self._fitted_input(X) - self.mean_

    @overflow_as_error("X")
    def inverse_transform(self, X: ArrayLike) -> np.ndarray:
        """Return X + μ."""
        return self._fitted_input(X) + self.mean_


class Standardise(_Transform):
    """Centre, then divide every input variable by its training standard deviation.

    x_i ↦ (x_i − μ_i) / s_i. A variable whose standard deviation is below
    ``min_std`` (a pixel that is always blank, say) is only centred
    (s_i = 1): dividing by a tiny s_i would blow up rounding noise.

    Parameters
    ----------
    min_std : float
        Threshold below which a variable counts as constant; ≥ 0.

    Attributes
    ----------
    mean_ : ndarray, shape (n,)
        Set by ``fit``.
    scale_ : ndarray, shape (n,)
        Set by ``fit``.
    n_features_ : int

    Raises
    ------
    TypeError, ValueError
        As :class:`Centre`; also for a negative or non-finite ``min_std``.

    Examples
    --------
    >>> Standardise().fit_transform([[1.0, 5.0], [3.0, 5.0]])  # column 2 is constant
    array([[-1.,  0.],
           [ 1.,  0.]])
    """

    def __init__(self, min_std: float = 1e-8) -> None:
        self.min_std = float(check_nonnegative(min_std, "min_std"))

    def fit(self, X: ArrayLike) -> Standardise:
        """Learn μ and s from the training inputs X, shape (m, n)."""
        A = _check_matrix(X)
        with overflow_as_error("X"):
            self.mean_ = A.mean(axis=0)
            std = A.std(axis=0)
        self.scale_ = np.where(std > self.min_std, std, 1.0).astype(A.dtype)
        self.n_features_ = A.shape[1]
        return self

    @overflow_as_error("X")
    def transform(self, X: ArrayLike) -> np.ndarray:
        """Return (X − μ) / s, shape (m, n)."""
        return (self._fitted_input(X) - self.mean_) / self.scale_

    @overflow_as_error("X")
    def inverse_transform(self, X: ArrayLike) -> np.ndarray:
        """Return X s + μ."""
        return self._fitted_input(X) * self.scale_ + self.mean_


class PCAWhiten(_Transform):
    """Decorrelate and equalise variances: PCA whitening, or ZCA with ``zca=True``.

    With the training mean μ and covariance Σ = U Λ Uᵀ (eigenvectors in the
    columns of U, eigenvalues λ_1 ≥ λ_2 ≥ … in Λ),

        PCA whitening:  x ↦ (Λ + εI)^(−1/2) Uᵀ (x − μ)
        ZCA whitening:  x ↦ U (Λ + εI)^(−1/2) Uᵀ (x − μ)

    On the training set the PCA-whitened variables are uncorrelated, with
    variances λ_i / (λ_i + ε) (1 when ε = 0). ZCA rotates them back into the
    original coordinates: among all whitening transforms it is the one that
    stays closest to the data (for images, whitened patches still look like
    patches). ε regularises the directions of tiny variance, which whitening
    would otherwise amplify to unit variance (they are mostly noise).

    Parameters
    ----------
    epsilon : float
        ε ≥ 0 added to every eigenvalue.
    n_components : int, optional
        Keep only the leading principal directions (PCA whitening only).
    zca : bool
        Rotate back (ZCA). Cannot be combined with ``n_components``.

    Attributes
    ----------
    mean_ : ndarray, shape (n,)
    eigenvalues_ : ndarray, shape (n,), descending
    components_ : ndarray, shape (n, n); row i is the i-th principal direction
    n_features_ : int

    Raises
    ------
    TypeError, ValueError
        As :class:`Centre`; also for a negative ``epsilon``, an
        ``n_components`` that is not a positive integer (or exceeds n, or is
        combined with ``zca``), a ``zca`` that is not a bool, and a singular
        covariance with ``epsilon=0``.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [2.0, 2.0], [0.0, 2.0], [2.0, 0.0]])  # variance 1 each
    >>> PCAWhiten(epsilon=0, zca=True).fit_transform(X)
    array([[-1., -1.],
           [ 1.,  1.],
           [-1.,  1.],
           [ 1., -1.]])
    """

    def __init__(
        self,
        epsilon: float = 1e-5,
        n_components: int | None = None,
        zca: bool = False,
    ) -> None:
        self.epsilon = float(check_nonnegative(epsilon, "epsilon"))
        self.zca = check_bool(zca, "zca")
        if n_components is not None:
            n_components = check_int(n_components, "n_components", minimum=1)
            if zca:
                raise ValueError(
                    "n_components cannot be combined with zca=True"
                )
        self.n_components = n_components

    def fit(self, X: ArrayLike) -> PCAWhiten:
        """Learn μ, U and Λ from the training inputs X, shape (m, n)."""
        A = _check_matrix(X)
        m, n = A.shape
        if self.n_components is not None and self.n_components > n:
            raise ValueError(
                f"n_components must be at most the number of input variables {n}, "
                f"got {self.n_components}"
            )
        with overflow_as_error("X"):
            Xc = A.astype(np.float64) - A.mean(axis=0)
            cov = Xc.T @ Xc / m
        lam, U = np.linalg.eigh(cov)  # ascending
        order = np.argsort(lam)[::-1]
        # rounding can make a zero eigenvalue slightly negative
        lam = np.clip(lam[order], 0.0, None)
        U = U[:, order]
        tiny = 1e-12 * max(float(lam[0]), np.finfo(np.float64).tiny)
        if self.epsilon == 0 and np.any(lam[: self.n_components or n] <= tiny):
            raise ValueError(
                "the covariance matrix is singular "
                "(a direction with zero variance): "
                "use epsilon > 0 or fewer n_components"
            )
        self.mean_ = A.mean(axis=0)
        self.eigenvalues_ = lam
        self.components_ = U.T
        self.n_features_ = n
        k = self.n_components or n
        scale = 1.0 / np.sqrt(lam[:k] + self.epsilon)
        self._forward = (U[:, :k] * scale).astype(
            A.dtype
        )  # (n, k): Uᵀ then scale
        unscale = np.sqrt(lam[:k] + self.epsilon)[:, None]
        self._backward = (U[:, :k].T * unscale).astype(A.dtype)
        if self.zca:
            self._forward = (self._forward @ U.T).astype(A.dtype)
            self._backward = (U @ self._backward).astype(A.dtype)
        return self

    @overflow_as_error("X")
    def transform(self, X: ArrayLike) -> np.ndarray:
        """Whiten X, shape (m, n); returns (m, n_components) for PCA with fewer components."""
        return (self._fitted_input(X) - self.mean_) @ self._forward

    @overflow_as_error("X")
    def inverse_transform(self, X: ArrayLike) -> np.ndarray:
        """Map whitened data back (exact when all components are kept)."""
        self._require_fitted()
        k = self._forward.shape[1]  # whitened data have k columns
        return self._fitted_input(X, k) @ self._backward + self.mean_


def rescale_for_sigmoid(
    X: ArrayLike, *, n_std: float = 3.0, low: float = 0.1, high: float = 0.9
) -> np.ndarray:
    """Normalise patches for a sigmoid output layer, as in the UFLDL exercise.

    1. Subtract from every row (patch) its own mean, removing its brightness.
    2. Clip at ±``n_std`` standard deviations (one σ for the whole array).
    3. Map [−n_std σ, n_std σ] linearly onto [``low``, ``high``].

    A sigmoid never reaches 0 or 1, so data in [0.1, 0.9] can be reproduced
    by an autoencoder whose output layer is a sigmoid.

    Parameters
    ----------
    X : array_like, shape (m, n)
    n_std : float
        Clipping threshold in standard deviations, > 0.
    low, high : float
        Target interval, ``low < high``.

    Returns
    -------
    ndarray, shape (m, n), values in [low, high]

    Raises
    ------
    TypeError, ValueError
        For an ``X`` that is not a finite (m, n) array of real numbers (or is
        too large to average), an ``n_std`` that is not a positive number, or
        ``low``, ``high`` that are not finite numbers with ``low < high``.

    Examples
    --------
    >>> rescale_for_sigmoid([[0.0, 2.0], [4.0, 4.0]], n_std=1.0)  # σ of the centred data: 0.5
    array([[0.1, 0.9],
           [0.5, 0.5]])
    """
    A = _check_matrix(X)
    check_positive(n_std, "n_std")
    check_real(low, "low")
    check_real(high, "high")
    if not low < high:
        raise ValueError(
            f"need numbers low < high, got low={low!r}, high={high!r}"
        )
    with overflow_as_error("X"):
        Xc = A - A.mean(axis=1, keepdims=True)
        s = n_std * float(Xc.std())
    if s == 0:
        return np.full_like(Xc, 0.5 * (low + high))
    Xc = np.clip(Xc, -s, s) / s  # now in [−1, 1]
    return low + (high - low) * (Xc + 1.0) / 2.0
