"""The sparse autoencoder of Ng's CS294A notes (UFLDL), on top of :class:`bp.network.Network`.

An autoencoder is a network trained to reproduce its input: sizes
[n, s, n], target y = x. With s < n, or with a *sparsity* penalty that keeps
most hidden units near 0 for most inputs, the hidden layer has to find a
compact code, and its weights w^1 become feature detectors.

In the book's notation (examples are rows; a^0 = x; a^1 = σ(z^1) the hidden
code, a^2 = σ(z^2) the reconstruction) the cost on m examples is

    J(w, b) = (1/m) Σ_x ½‖a^2(x) − x‖²  +  (λ/2)(‖w^1‖² + ‖w^2‖²)
              + β Σ_j KL(ρ ‖ ρ̂_j),

    ρ̂_j = (1/m) Σ_x a^1_j(x),
    KL(ρ ‖ ρ̂) = ρ ln(ρ/ρ̂) + (1 − ρ) ln((1 − ρ)/(1 − ρ̂)).

ρ̂_j is the average activation of hidden unit j over the batch, ρ the
target (for example 0.01). The KL divergence is 0 when ρ̂_j = ρ and grows
without bound as ρ̂_j → 0 or 1. Biases are not decayed.

Backpropagation changes in a single place: the hidden layer's error BP2
gains a term from the penalty,

    δ^1 = (δ^2 w^2 + β(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂))) ⊙ σ′(z^1),

which needs ρ̂, so the whole batch must be forward-propagated *before* any
δ^1 can be computed. BP1, BP3 and BP4 are unchanged (plus λw^l from the
weight decay).

This module gives the cost and its gradient as a function of one flat
parameter vector θ (laid out like :meth:`bp.network.Network.get_params`), which is
what general-purpose optimisers such as SciPy's L-BFGS expect; ``bp`` itself
stays NumPy-only. :func:`numerical_gradient` and :func:`relative_difference`
reproduce the UFLDL gradient check. :func:`orientation_coherence` and
:func:`energy_localisation` put numbers on how oriented and how local the
learned features are.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import passes
from ._validation import (
    as_float_array,
    check_array,
    check_matching,
    check_nonnegative,
    check_positive,
    check_real,
    check_seed,
    check_vector,
    overflow_as_error,
)
from .naive import central_differences
from .network import Gradient, Network

__all__ = [
    "SparseAutoencoder",
    "energy_localisation",
    "kl_divergence",
    "numerical_gradient",
    "orientation_coherence",
    "relative_difference",
]


def kl_divergence(rho: float, rho_hat: ArrayLike) -> np.ndarray:
    """KL(ρ ‖ ρ̂) between Bernoulli(ρ) and Bernoulli(ρ̂), elementwise in ρ̂.

    ρ ln(ρ/ρ̂) + (1 − ρ) ln((1 − ρ)/(1 − ρ̂)); both in (0, 1).
    """
    rho_hat = np.asarray(rho_hat, dtype=np.float64)
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log(
        (1 - rho) / (1 - rho_hat)
    )


class SparseAutoencoder:
    """A sigmoid [n_visible, n_hidden, n_visible] autoencoder with a sparsity penalty.

    Parameters
    ----------
    n_visible : int
        Input (and output) size n, e.g. 64 for 8×8 patches.
    n_hidden : int
        Hidden units s, e.g. 25.
    sparsity : float
        Target average activation ρ, in (0, 1); UFLDL uses 0.01.
    beta : float
        Weight β ≥ 0 of the sparsity penalty; UFLDL uses 3.
    weight_decay : float
        λ ≥ 0; UFLDL uses 1e-4.
    dtype : float64 or float32
        Precision of the forward and backward passes. float32 is about twice
        as fast, good enough for training; gradient checks need float64.
        Parameter vectors θ and returned gradients are always float64, as
        optimisers expect.

    Attributes
    ----------
    net : Network
        The underlying network (sigmoid layers, quadratic cost, weight decay
        λ). Its parameters are overwritten by every cost evaluation.
    n_parameters : int
        Length of θ: 2·n·s + s + n.

    Raises
    ------
    TypeError, ValueError
        For non-integer or non-positive sizes, ρ outside (0, 1), or a
        negative β or λ.
    """

    def __init__(
        self,
        n_visible: int,
        n_hidden: int,
        *,
        sparsity: float = 0.01,
        beta: float = 3.0,
        weight_decay: float = 1e-4,
        dtype: DTypeLike = np.float64,
    ) -> None:
        check_positive(n_visible, "n_visible", integer=True)
        check_positive(n_hidden, "n_hidden", integer=True)
        check_real(
            sparsity,
            "sparsity",
            low=0,
            high=1,
            include_low=False,
            include_high=False,
        )
        self.sparsity = float(sparsity)
        self.beta = float(check_nonnegative(beta, "beta"))
        self.weight_decay = float(
            check_nonnegative(weight_decay, "weight_decay")
        )
        self.n_visible = int(n_visible)
        self.n_hidden = int(n_hidden)
        self.net = Network(
            [self.n_visible, self.n_hidden, self.n_visible],
            "sigmoid",
            "quadratic",
            weight_decay=self.weight_decay,
            dtype=dtype,
        )
        self.n_parameters = self.net.n_parameters

    def __repr__(self) -> str:
        return (
            f"SparseAutoencoder(n_visible={self.n_visible}, n_hidden={self.n_hidden}, "
            f"sparsity={self.sparsity}, beta={self.beta}, weight_decay={self.weight_decay}, "
            f"dtype={self.net.dtype.name})"
        )

    # ---------------------------------------------------------------- parameters
    def initial_parameters(self, seed: int = 0) -> np.ndarray:
        """UFLDL's start: weights uniform in ±√(6/(n + s + 1)), biases 0.

        Returns θ, shape (n_parameters,), laid out as w^1, b^1, w^2, b^2.
        """
        r = np.sqrt(6.0 / (self.n_visible + self.n_hidden + 1))
        rng = np.random.default_rng(check_seed(seed))
        n, s = self.n_visible, self.n_hidden
        w1 = rng.uniform(-r, r, size=(s, n))
        w2 = rng.uniform(-r, r, size=(n, s))
        return np.concatenate(
            [w1.ravel(), np.zeros(s), w2.ravel(), np.zeros(n)]
        )

    def unpack(
        self, theta: ArrayLike
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Split θ into (w^1, b^1, w^2, b^2) with shapes (s, n), (s,), (n, s), (n,)."""
        self._set(theta)
        return (
            self.net.w[1].copy(),
            self.net.b[1].copy(),
            self.net.w[2].copy(),
            self.net.b[2].copy(),
        )

    def _set(self, theta: ArrayLike) -> None:
        n, s = self.n_visible, self.n_hidden
        theta = check_vector(
            theta,
            self.n_parameters,
            "theta",
            note=f"2·{n}·{s} weights + {s} + {n} biases",
        )
        self.net.set_params(theta)

    def _inputs(self, X: ArrayLike) -> np.ndarray:
        return self.net.check_batch(X)[0]

    # ------------------------------------------------------------ cost, gradient
    @overflow_as_error("X")
    def cost_and_gradient(
        self, theta: ArrayLike, X: ArrayLike
    ) -> tuple[float, np.ndarray]:
        """J(θ) on the batch X and its gradient ∇J(θ), by backpropagation.

        Parameters
        ----------
        theta : array_like, shape (n_parameters,)
        X : array_like, shape (m, n_visible)
            One example per row; it is both input and target.

        Returns
        -------
        (J, grad) : (float, ndarray of shape (n_parameters,))
            The pair SciPy's ``minimize(..., jac=True)`` expects.
        """
        self._set(theta)
        X = self._inputs(X)
        net, m = self.net, X.shape[0]
        rho, beta = self.sparsity, self.beta
        # Forward pass over the whole batch first: ρ̂ is needed by δ^1.
        z, a = passes.forward(net, X, check="X")
        rho_hat = np.clip(
            a[1].mean(axis=0), 1e-12, 1 - 1e-12
        )  # ρ̂_j, shape (s,)
        J = (
            float(np.mean(net.cost.value(z[2], a[2], X)))  # (1/m) Σ ½‖a^2 − x‖²
            + net.penalty()  # (λ/2)(‖w^1‖² + ‖w^2‖²)
            + beta * float(np.sum(kl_divergence(rho, rho_hat)))
        )
        # Backward pass: layer 2 as in any network (BP1, BP3, BP4 + λw; target y = x),
        # handing down ∂J/∂a^1 = δ^2 w^2 (the kernel's δ carries the batch mean's 1/m) ...
        grad = Gradient.zeros_like(net)
        grad_a1 = passes.backward(net, z, a, grad, Y=X, start=1)
        # ... to which the sparsity penalty adds β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j)) / m;
        grad_a1 += beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / m
        # then layer 1 as in any network: BP2 from ∂J/∂a^1, BP3, BP4 + λw.
        passes.backward(net, z[:2], a[:2], grad, grad_a=grad_a1)
        grad = grad.flat()
        return J, grad.astype(np.float64, copy=False)

    def cost(self, theta: ArrayLike, X: ArrayLike) -> float:
        """J(θ) on the batch X (see :meth:`cost_and_gradient`)."""
        return self.cost_and_gradient(theta, X)[0]

    def gradient(self, theta: ArrayLike, X: ArrayLike) -> np.ndarray:
        """∇J(θ) on the batch X (see :meth:`cost_and_gradient`)."""
        return self.cost_and_gradient(theta, X)[1]

    # --------------------------------------------------------------- use
    def hidden(self, theta: ArrayLike, X: ArrayLike) -> np.ndarray:
        """The code a^1 = σ(w^1 x + b^1) of every example, shape (m, n_hidden)."""
        self._set(theta)
        return passes.forward(self.net, self._inputs(X), end=1)[1][1]

    def reconstruct(self, theta: ArrayLike, X: ArrayLike) -> np.ndarray:
        """The reconstruction a^2 of every example, shape (m, n_visible)."""
        self._set(theta)
        return passes.forward(self.net, self._inputs(X))[1][2]

    def average_activations(self, theta: ArrayLike, X: ArrayLike) -> np.ndarray:
        """ρ̂_j, the mean activation of each hidden unit over X, shape (n_hidden,)."""
        return self.hidden(theta, X).mean(axis=0)

    def features(self, theta: ArrayLike) -> np.ndarray:
        """The input that maximally activates each hidden unit, under ‖x‖ ≤ 1.

        For unit j this is x = w^1_j / ‖w^1_j‖ (the row of w^1, normalised);
        returns shape (n_hidden, n_visible). Reshape a row to the patch's
        shape to see it as an image.
        """
        w1 = self.unpack(theta)[0]
        norms = np.linalg.norm(w1, axis=1, keepdims=True)
        return w1 / np.where(norms > 0, norms, 1.0)


def numerical_gradient(
    fun: Callable[[np.ndarray], float], theta: ArrayLike, *, eps: float = 1e-4
) -> np.ndarray:
    """Centred differences (f(θ + εe_i) − f(θ − εe_i)) / (2ε) for every i.

    UFLDL's ``computeNumericalGradient``, with its ε = 1e-4. Costs 2·len(θ)
    evaluations of ``fun``.

    Parameters
    ----------
    fun : callable
        ``fun(theta)`` returns a float.
    theta : array_like, shape (n,)
    eps : float
        ε > 0.

    Returns
    -------
    ndarray, shape (n,), float64
    """
    check_positive(eps, "eps")
    theta = check_array(theta, "theta", ndim=1, dtype=np.float64).copy()
    return central_differences(lambda: float(fun(theta)), theta, eps)


@overflow_as_error("g or g_num")
def relative_difference(g: ArrayLike, g_num: ArrayLike) -> float:
    """UFLDL's gradient-check criterion ‖g − g_num‖ / ‖g + g_num‖.

    Below about 1e-9 (in double precision, ε = 1e-4) the gradient is right.
    Two zero vectors give 0.
    """
    g, h = check_matching(g, g_num, ("g", "g_num"))
    denom = float(np.linalg.norm(g + h))
    if denom == 0:
        return 0.0 if not np.any(g - h) else float("inf")
    return float(np.linalg.norm(g - h) / denom)


def _as_images(
    features: ArrayLike, shape: object, argument: str = "features"
) -> np.ndarray:
    """Rows of ``features`` reshaped to images of ``shape``; rejects zero rows."""
    if (
        not isinstance(shape, tuple)
        or len(shape) != 2
        or not all(
            isinstance(n, int) and not isinstance(n, bool) and n > 0
            for n in shape
        )
    ):
        raise ValueError(
            f"shape must be a pair of positive integers (h, w), got {shape!r}"
        )
    F = as_float_array(features, argument, np.dtype(np.float64))
    if F.ndim != 2 or F.shape[1] != shape[0] * shape[1]:
        raise ValueError(
            f"{argument} must have shape (k, {shape[0] * shape[1]}) for images of shape "
            f"{shape}, got {F.shape}"
        )
    if np.any(~F.any(axis=1)):
        raise ValueError(
            f"{argument} has a row of zeros, which has no shape to measure"
        )
    return F.reshape(-1, *shape)


def orientation_coherence(
    features: ArrayLike, shape: tuple[int, int]
) -> np.ndarray:
    """How strongly each pattern is oriented: the coherence of its gradients.

    For a pattern F (an image of ``shape``) with gradient g(p) at pixel p
    (``numpy.gradient``: centred differences inside, one-sided at the
    border), the 2×2 matrix S = Σ_p g(p) g(p)ᵀ has eigenvalues
    λ₁ ≥ λ₂ ≥ 0, and the coherence is (λ₁ − λ₂) / (λ₁ + λ₂). It is 1 when
    all gradients are parallel (stripes or a ramp of one orientation) and 0
    when they spread evenly over all orientations.

    Parameters
    ----------
    features : array_like, shape (k, h·w)
        One pattern per row, for example :meth:`SparseAutoencoder.features`.
    shape : (int, int)
        The image shape (h, w) of a row.

    Returns
    -------
    ndarray, shape (k,)
        Values in [0, 1]; 0 for a pattern with no gradient at all.

    Raises
    ------
    TypeError, ValueError
        For non-numeric data, a wrong shape, or a row of zeros.
    """
    F = _as_images(features, shape)
    gy, gx = np.gradient(F, axis=(1, 2))
    sxx = np.sum(gx * gx, axis=(1, 2))
    syy = np.sum(gy * gy, axis=(1, 2))
    sxy = np.sum(gx * gy, axis=(1, 2))
    trace = sxx + syy
    spread = np.sqrt((sxx - syy) ** 2 + 4 * sxy * sxy)  # λ₁ − λ₂
    return np.divide(spread, trace, out=np.zeros_like(trace), where=trace > 0)


def energy_localisation(
    features: ArrayLike, shape: tuple[int, int], window: int
) -> np.ndarray:
    """How local each pattern is: the share of its energy in its best window.

    For a pattern F (an image of ``shape``) this is
    max over all ``window`` × ``window`` windows W of Σ_W F² / Σ F²: 1 when
    the pattern lies inside one window, window²/(h·w) when its energy is
    spread evenly over the image.

    Parameters
    ----------
    features : array_like, shape (k, h·w)
        One pattern per row.
    shape : (int, int)
        The image shape (h, w) of a row.
    window : int
        Side of the square window, 1 ≤ window ≤ min(h, w).

    Returns
    -------
    ndarray, shape (k,)
        Values in (0, 1].

    Raises
    ------
    TypeError, ValueError
        For non-numeric data, a wrong shape, a row of zeros, or a window that
        does not fit.
    """
    F = _as_images(features, shape)
    check_positive(window, "window", integer=True)
    if window > min(shape):
        raise ValueError(f"window must fit in the image {shape}, got {window}")
    energy = F * F
    windows = np.lib.stride_tricks.sliding_window_view(
        energy, (window, window), axis=(1, 2)
    )
    best = windows.sum(axis=(-2, -1)).max(axis=(1, 2))
    return best / energy.sum(axis=(1, 2))
