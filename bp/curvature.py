"""Curvature of the cost: Hessian-vector products, λ_max, the diagonal Hessian.

LeCun, Bottou, Orr and Müller (*Efficient BackProp*, 1998) tie the best
learning rate of gradient descent to the curvature of the cost: near a
minimum, where C is close to a quadratic with Hessian H, the step
η_opt = 1/λ_max (λ_max the largest eigenvalue of H) is the fastest that does
not oscillate in the steepest direction, and any η > 2/λ_max diverges. This
module measures those quantities with nothing but backpropagation:

* :func:`hessian_vector_product`: H v without ever forming H (P² numbers for
  P parameters). By default **exactly**, by forward over reverse
  (Pearlmutter's R-operator, :func:`bp.autodiff.hessian_vector_product`);
  with ``method="difference"`` from two gradients,
  (∇C(θ + εv) − ∇C(θ − εv)) / (2ε), a finite difference with an error of
  order ε² (plus rounding);
* :func:`power_iteration`: the dominant eigenvalue of a symmetric matrix that
  is only available through products v ↦ H v;
* :func:`largest_hessian_eigenvalue`: the two together for a network;
* :func:`hessian`: the full matrix, one H v per column (small networks only,
  to check the others);
* :func:`diagonal_hessian`: Becker and LeCun's Gauss–Newton approximation of
  the Hessian's diagonal, backpropagated like the gradient, with the same
  number of multiply–adds;
* :func:`layer_gradient_norms`: ‖∂C/∂w^l‖ for every layer, which shows
  vanishing gradients.

The generic functions (:func:`hvp_from_gradient`, :func:`power_iteration`)
take plain callables on parameter vectors, so they work for any cost whose
gradient you can compute (for example :mod:`bp.autoencoder`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from . import autodiff, opcount, passes
from ._validation import (
    check_choice,
    check_positive,
    check_seed,
    check_vector,
    overflow_as_error,
)
from .network import Network

__all__ = [
    "hvp_from_gradient",
    "hessian_vector_product",
    "hessian",
    "PowerIteration",
    "power_iteration",
    "largest_hessian_eigenvalue",
    "diagonal_hessian",
    "layer_gradient_norms",
]

_CBRT_EPS = float(np.cbrt(np.finfo(np.float64).eps))  # ≈ 6.06e-6
METHODS = ("exact", "difference")


def _check_method(method: str, eps: float | None) -> None:
    check_choice(method, "method", METHODS)
    if method == "exact" and eps is not None:
        raise ValueError(
            "eps is the step of method='difference'; the exact product takes no step"
        )


def hvp_from_gradient(
    gradient: Callable[[np.ndarray], np.ndarray],
    theta: ArrayLike,
    v: ArrayLike,
    *,
    eps: float | None = None,
) -> np.ndarray:
    """H(θ) v by a centred difference of two gradients.

    H v = lim_{ε→0} (∇C(θ + εv) − ∇C(θ − εv)) / (2ε); the error of the
    centred difference is O(ε² ‖v‖³) (third derivatives), and there is no
    error at all when C is quadratic.

    Parameters
    ----------
    gradient : callable
        ``gradient(theta)`` returns ∇C at ``theta`` as a vector of the same
        shape (n,).
    theta : array_like, shape (n,)
        Where the Hessian is taken.
    v : array_like, shape (n,)
        The direction; a zero vector gives a zero product.
    eps : float, optional
        Step length *along v*; default ε = ∛(machine ε) · (1 + ‖θ‖) / ‖v‖,
        which balances the truncation error (∝ ε²) against rounding (∝ 1/ε).

    Returns
    -------
    ndarray, shape (n,), float64

    Raises
    ------
    TypeError, ValueError
        If ``theta`` or ``v`` is not a finite real vector of the same length,
        or ``eps`` is not a positive number.
    """
    theta = np.asarray(theta)
    if theta.ndim != 1:
        raise ValueError(
            f"theta must be a 1-D parameter vector, got shape {theta.shape}"
        )
    theta = check_vector(theta, theta.shape[0], "theta")
    v = check_vector(v, theta.shape[0], "v")
    norm_v = float(np.linalg.norm(v))
    if norm_v == 0:
        return np.zeros_like(theta)
    if eps is None:
        eps = _CBRT_EPS * (1.0 + float(np.linalg.norm(theta))) / norm_v
    else:
        check_positive(eps, "eps")
    g_plus = np.asarray(gradient(theta + eps * v), dtype=np.float64)
    g_minus = np.asarray(gradient(theta - eps * v), dtype=np.float64)
    return (g_plus - g_minus) / (2.0 * eps)


def _network_gradient(
    net: Network, X: ArrayLike, y: ArrayLike
) -> Callable[[np.ndarray], np.ndarray]:
    """θ ↦ ∇C(θ) on (X, y); restores the network's parameters after each call."""
    X, Y = net.check_batch(X, y)

    def gradient(theta: np.ndarray) -> np.ndarray:
        saved = net.get_params()
        try:
            net.set_params(theta)
            return net.gradient(X, Y).flat()
        finally:
            net.set_params(saved)

    return gradient


def hessian_vector_product(
    net: Network,
    X: ArrayLike,
    y: ArrayLike,
    v: ArrayLike,
    *,
    method: str = "exact",
    eps: float | None = None,
) -> np.ndarray:
    """H v for the Hessian of a network's mean cost C on (X, y).

    Parameters
    ----------
    net : Network
        Left unchanged (with ``method="difference"`` its parameters are
        perturbed and restored exactly).
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels
    v : array_like, shape (net.n_parameters,)
        A direction in parameter space, laid out like :meth:`bp.network.Network.get_params`.
    method : {"exact", "difference"}
        ``"exact"``: forward over reverse, Pearlmutter's R-operator
        (:func:`bp.autodiff.hessian_vector_product`), exact up to rounding.
        ``"difference"``: the centred difference of two backprops,
        :func:`hvp_from_gradient`, with an error of order ε².
    eps : float, optional
        Only for ``method="difference"``; see :func:`hvp_from_gradient`.

    Returns
    -------
    ndarray, shape (net.n_parameters,), float64

    Raises
    ------
    TypeError, ValueError
        For a ``v`` that is not a finite real vector of length P, an unknown
        ``method``, an ``eps`` with the exact method, or an invalid batch.
    """
    _check_method(method, eps)
    if method == "exact":
        return autodiff.hessian_vector_product(net, X, y, v)
    return hvp_from_gradient(
        _network_gradient(net, X, y), net.get_params(), v, eps=eps
    )


def _product_with_hessian(
    net: Network, X: ArrayLike, y: ArrayLike, method: str, eps: float | None
) -> Callable[[np.ndarray], np.ndarray]:
    """v ↦ H v for the cost of ``net`` on (X, y), by ``method`` (checked by the caller)."""
    if method == "exact":
        X, Y = net.check_batch(X, y)

        def exact(v: np.ndarray) -> np.ndarray:
            return autodiff.hessian_vector_product(net, X, Y, v)

        return exact
    grad = _network_gradient(net, X, y)
    theta = net.get_params().astype(np.float64)

    def difference(v: np.ndarray) -> np.ndarray:
        return hvp_from_gradient(grad, theta, v, eps=eps)

    return difference


def hessian(
    net: Network,
    X: ArrayLike,
    y: ArrayLike,
    *,
    method: str = "exact",
    eps: float | None = None,
    symmetrise: bool = True,
) -> np.ndarray:
    """The full Hessian of the mean cost, one Hessian-vector product per column.

    Column i is :func:`hessian_vector_product` with v = e_i: exact (to
    rounding) by default; with ``method="difference"`` a centred finite
    difference of two gradients, so that every entry carries that
    difference's error (order ε², plus rounding). Costs P Hessian-vector
    products and P² numbers for P parameters: use it only on small networks
    (for example to check :func:`largest_hessian_eigenvalue`).

    Parameters
    ----------
    net : Network
        Left unchanged.
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels
    method : {"exact", "difference"}
        See :func:`hessian_vector_product`.
    eps : float, optional
        Only for ``method="difference"``; see :func:`hvp_from_gradient`.
    symmetrise : bool
        Return (H + Hᵀ)/2 (the default). With ``False`` the columns are
        returned as computed: an exact Hessian is symmetric, so the asymmetry
        ``H − Hᵀ`` of this matrix measures the error of its columns.

    Returns
    -------
    ndarray, shape (P, P), float64
    """
    _check_method(method, eps)
    n = net.n_parameters
    column = _product_with_hessian(net, X, y, method, eps)

    H = np.empty((n, n))
    e = np.zeros(n)
    for i in range(n):
        e[i] = 1.0
        H[:, i] = column(e)
        e[i] = 0.0
    return 0.5 * (H + H.T) if symmetrise else H


@dataclass
class PowerIteration:
    """Result of :func:`power_iteration`.

    Attributes
    ----------
    eigenvalue : float
        The estimate of the eigenvalue of largest magnitude (Rayleigh quotient).
    vector : ndarray, shape (n,)
        The matching unit eigenvector estimate.
    estimates : list of float
        The Rayleigh quotient after each iteration (to plot convergence).
    n_products : int
        Matrix-vector products used (one per iteration).
    converged : bool
        Whether the relative change fell below ``tol``.
    """

    eigenvalue: float
    vector: np.ndarray
    estimates: list = field(default_factory=list)
    n_products: int = 0
    converged: bool = False


@overflow_as_error("matvec", "returns values too large")
def power_iteration(
    matvec: Callable[[np.ndarray], np.ndarray],
    n: int,
    *,
    iterations: int = 100,
    tol: float = 1e-6,
    seed: int = 0,
) -> PowerIteration:
    """The dominant eigenvalue of a symmetric matrix given only as v ↦ A v.

    Start from a random unit vector v₀ (``np.random.default_rng(seed)``) and
    repeat v ← A v / ‖A v‖. The component along the eigenvector whose
    eigenvalue is largest in magnitude grows fastest, so v turns towards it,
    at a rate set by the ratio of the two largest magnitudes. The
    estimate is the Rayleigh quotient vᵀ A v.

    For a Hessian at (or near) a minimum every eigenvalue is ≥ 0 and the
    result is λ_max. Away from a minimum a negative eigenvalue can be the
    largest in magnitude; the sign of the result tells.

    Parameters
    ----------
    matvec : callable
        ``matvec(v)`` returns A v, shape (n,).
    n : int
        Dimension.
    iterations : int
        Maximum number of products.
    tol : float
        Stop when two successive estimates differ by less than
        ``tol · |estimate|``.
    seed : int
        Seed of the start vector.

    Returns
    -------
    PowerIteration

    Raises
    ------
    TypeError, ValueError
        For a non-positive ``n``, ``iterations`` or ``tol``, or a ``seed``
        that is not a non-negative integer.
    """
    check_positive(n, "n", integer=True)
    check_positive(iterations, "iterations", integer=True)
    check_positive(tol, "tol")
    v = np.random.default_rng(check_seed(seed)).standard_normal(n)
    v /= np.linalg.norm(v)
    estimates: list = []
    converged = False
    lam = 0.0
    for _ in range(iterations):
        Av = np.asarray(matvec(v), dtype=np.float64)
        lam = float(v @ Av)  # Rayleigh quotient of the unit vector v
        estimates.append(lam)
        norm = float(np.linalg.norm(Av))
        if norm == 0:  # v lies in the null space: A v = 0
            converged = True
            break
        v = Av / norm
        # stop when the estimate no longer moves
        if len(estimates) > 1 and abs(
            estimates[-1] - estimates[-2]
        ) <= tol * abs(lam):
            converged = True
            break
    return PowerIteration(lam, v, estimates, len(estimates), converged)


def largest_hessian_eigenvalue(
    net: Network,
    X: ArrayLike,
    y: ArrayLike,
    *,
    iterations: int = 100,
    tol: float = 1e-6,
    seed: int = 0,
    method: str = "exact",
    eps: float | None = None,
) -> PowerIteration:
    """λ_max of the Hessian of a network's mean cost, by power iteration on H v.

    Each iteration costs one Hessian-vector product (:func:`hessian_vector_product`):
    by default the exact one, forward over reverse; with
    ``method="difference"`` two gradients (each a forward and a backward
    pass) and the finite difference's error. H is never formed. See
    :func:`power_iteration` for the other arguments.
    """
    _check_method(method, eps)
    matvec = _product_with_hessian(net, X, y, method, eps)

    return power_iteration(
        matvec, net.n_parameters, iterations=iterations, tol=tol, seed=seed
    )


@overflow_as_error("X")
def diagonal_hessian(net: Network, X: ArrayLike) -> tuple[list, list]:
    """Becker and LeCun's Gauss–Newton approximation of the Hessian's diagonal.

    Second derivatives are backpropagated like first derivatives (Becker and
    LeCun 1989; LeCun et al. 1998, section "Computing the diagonal Hessian"
    in *Efficient BackProp*), keeping only the
    terms that are products of first derivatives (Gauss–Newton) and, at each
    layer, only the diagonal of ∂²C/∂z²::

        D^L_j      = ∂²C_x/∂(z^L_j)²   (σ′(z^L_j)² for the quadratic cost,
                                         a_j(1 − a_j) for cross-entropy and
                                         log-likelihood)
        D^l_k      = σ′(z^l_k)² Σ_j (w^{l+1}_{jk})² D^{l+1}_j
        ∂²C/∂(w^l_{jk})² ≈ mean_x D^l_j (a^{l−1}_k)² + λ
        ∂²C/∂(b^l_j)²    ≈ mean_x D^l_j

    It costs a forward pass and two matrix products per layer, the
    multiply–adds of one gradient. The result never depends on the targets
    (Gauss–Newton drops the residual), and every entry is ≥ 0.

    Parameters
    ----------
    net : Network
    X : array_like, shape (m, n_0)
        The inputs; no targets are needed (Gauss–Newton drops the residual).

    Returns
    -------
    (hw, hb) : lists indexed like ``net.w`` and ``net.b`` (index 0 is None)
        ``hw[l]`` has the shape of w^l, ``hb[l]`` the shape of b^l.
    """
    X, _ = net.check_batch(X)
    m = X.shape[0]
    z, a = passes.forward(net, X)
    L = net.L
    hw: list = [None] * (L + 1)
    hb: list = [None] * (L + 1)
    D = net.cost.gauss_newton_diagonal(z[L], a[L], net.activations[L])
    for l in range(L, 0, -1):
        if l < L:
            d = net.activations[l].derivative(z[l], a[l])
            D = opcount.matmul(D, net.w[l + 1] ** 2) * (d * d)
        hb[l] = D.sum(axis=0) / m
        hw[l] = opcount.matmul(D.T, a[l - 1] ** 2) / m + net.weight_decay
    return hw, hb


def layer_gradient_norms(
    net: Network, X: ArrayLike, y: ArrayLike
) -> np.ndarray:
    """‖∂C/∂w^l‖ (Frobenius norm) for l = 1..L, from one gradient.

    Returns
    -------
    ndarray, shape (L,)
        Entry ``l − 1`` belongs to layer l (the first hidden layer first).
    """
    g = net.backprop(X, y)
    layers = range(1, net.L + 1)
    return np.array([float(np.linalg.norm(g.w[l])) for l in layers])
