"""The errors δ^l as a product of Jacobians: BP1 and BP2 unrolled.

Write the elementwise product with σ′(z) as a matrix, Σ′(z) = diag σ′(z), so that
u ⊙ σ′(z) = Σ′(z) u. Then BP1 reads δ^L = Σ′(z^L) ∇_a C and BP2 reads
δ^l = Σ′(z^l) (w^{l+1})ᵀ δ^{l+1}; substituting one into the other gives the product form
(Nielsen, *Neural Networks and Deep Learning*, ch. 2)

    δ^l = Σ′(z^l) (w^{l+1})ᵀ Σ′(z^{l+1}) ⋯ (w^L)ᵀ Σ′(z^L) ∇_a C.

For a softmax output, Σ′(z^L) is the softmax's full (symmetric) Jacobian instead of a
diagonal matrix. :func:`errors_by_product` forms these matrices and multiplies them in the
order written, to show and to check the formula; :meth:`bp.network.Network.backprop`
computes the same errors from the right-hand end, one vector at a time, without forming
a matrix.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_array, check_vector, overflow_as_error
from .activations import Activation
from .costs import Cost
from .network import Network

__all__ = ["activation_jacobian", "cost_gradient", "errors_by_product"]


def activation_jacobian(activation: Activation, z: ArrayLike) -> np.ndarray:
    """Σ′(z) = ∂σ(z)/∂z, the n × n Jacobian of an activation at one weighted input.

    Parameters
    ----------
    activation : Activation
        Such as ``net.activations[l]``.
    z : array_like, shape (n,)
        The weighted input of one layer for one example.

    Returns
    -------
    ndarray, shape (n, n)
        diag σ′(z) for an elementwise activation; the full Jacobian, entry (j, k) equal
        to ∂a_j/∂z_k, for the softmax.

    Raises
    ------
    TypeError
        If ``activation`` is not a :class:`bp.activations.Activation`.
    TypeError, ValueError
        If ``z`` is not a finite 1-D array of real numbers.
    """
    if not isinstance(activation, Activation):
        raise TypeError(
            f"activation must be a bp Activation, got {type(activation).__name__}"
        )
    z = check_array(z, "z", ndim=1, dtype=np.float64)
    n = z.size
    Z = np.tile(z, (n, 1))  # one copy of z per unit tangent
    # row k of the result is the tangent for dz = e_k, i.e. column k of the Jacobian
    return activation.jvp(Z, activation(Z), np.eye(n)).T


@overflow_as_error("a", "lies too close to where the cost is infinite")
def cost_gradient(cost: Cost, a: ArrayLike, y: ArrayLike) -> np.ndarray:
    """∇_a C, the gradient of one example's cost with respect to the output a^L.

    Parameters
    ----------
    cost : Cost
        Quadratic, cross-entropy or log-likelihood (``net.cost``).
    a, y : array_like, shape (n_L,)
        The output activation and the target (one-hot for the log-likelihood).

    Returns
    -------
    ndarray, shape (n_L,)
        a − y (quadratic); (a − y) / (a (1 − a)) (cross-entropy); −y / a
        (log-likelihood).

    Raises
    ------
    TypeError
        If ``cost`` is not a :class:`bp.costs.Cost`, or ``a`` or ``y`` does
        not hold real numbers.
    ValueError
        If ``a`` is not a finite vector or ``y`` not a finite vector of its shape.
    """
    if not isinstance(cost, Cost):
        raise TypeError(
            f"cost must be a bp.costs.Cost such as net.cost, got {cost!r}"
        )
    a = check_array(a, "a", ndim=1, dtype=np.float64)
    y = check_vector(y, a.shape[0], "y")
    return cost.gradient_a(a[None, :], y[None, :])[0]


def errors_by_product(
    net: Network, x: ArrayLike, grad_a: ArrayLike
) -> list[np.ndarray | None]:
    """Every δ^l from the product form, δ^l = Σ′(z^l)(w^{l+1})ᵀ ⋯ (w^L)ᵀ Σ′(z^L) ∇_a C.

    Parameters
    ----------
    net : Network
    x : array_like, shape (n_0,)
        One input.
    grad_a : array_like, shape (n_L,)
        ∇_a C for this input (see :func:`cost_gradient`).

    Returns
    -------
    list
        ``[None, δ^1, ..., δ^L]``, δ^l of shape (n_l,), indexed like the text.

    Raises
    ------
    TypeError
        If ``x`` or ``grad_a`` does not hold real numbers.
    ValueError
        If ``x`` or ``grad_a`` has the wrong shape or is not finite.
    """
    x = check_vector(x, net.sizes[0], "x")
    grad_a = check_vector(grad_a, net.sizes[-1], "grad_a")
    fp = net.forward(x[None, :])
    L, w = net.L, net.w
    S = [None] + [
        activation_jacobian(net.activations[l], fp.z[l][0])
        for l in range(1, L + 1)
    ]  # Σ′(z^l)
    deltas: list[np.ndarray | None] = [None] * (L + 1)
    for l in range(1, L + 1):
        product = S[l]  # Σ′(z^l), then (w^k)ᵀ Σ′(z^k) for k = l+1..L
        for k in range(l + 1, L + 1):
            product = product @ w[k].T @ S[k]
        deltas[l] = product @ grad_a
    return deltas
