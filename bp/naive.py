"""The slow ways to a gradient: finite differences and forward mode.

Both are correct; both pay one extra pass through the network **per
parameter**, which is what backpropagation avoids. For a network with P
parameters and W weights, each pass costs O(W) work, so a gradient costs
O(P·W) = O(W²), against backpropagation's O(W).

* :func:`finite_difference_gradient` perturbs one parameter at a time and
  reruns the forward pass: P + 1 passes one-sided, 2P centred. Approximate.
* :func:`forward_mode_gradient` pushes an exact tangent through the network
  once per parameter (forward-mode automatic differentiation). Exact, but
  still one tangent pass per parameter.
* :func:`neuron_forward_mode_gradient` is forward mode seeded per **neuron**:
  a tangent on the pre-activation z^l_j gives ∂C_x/∂z^l_j = δ^l_j for every
  example x, and every weight into that neuron follows from
  ∂C/∂w^l_{jk} = (1/m) Σ_x δ^l_j a^{l-1}_k. One tangent pass per neuron
  instead of one per parameter: O(K·W) for K neurons, the strongest simple
  rival of backpropagation.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from . import opcount, passes
from ._validation import check_choice, check_positive, overflow_as_error
from .network import Gradient, Network

__all__ = [
    "finite_difference_gradient",
    "forward_mode_gradient",
    "neuron_forward_mode_gradient",
    "central_differences",
]


def central_differences(
    cost: Callable[[], float], theta: np.ndarray, eps: float
) -> np.ndarray:
    """(C(θ + ε e_i) − C(θ − ε e_i)) / (2ε) for every entry θ_i of ``theta``.

    ``theta`` is a float array that ``cost()`` reads (a network's weight
    array, or a parameter vector): each entry is moved in place, ``cost()``
    called, and the entry restored exactly. Costs 2·θ.size calls; the error
    is O(ε²) plus rounding of order (machine ε)·abs(C)/ε.

    Returns
    -------
    ndarray, shape of ``theta``, dtype float64
    """
    flat = theta.reshape(-1)  # a view: moving it moves theta
    out = np.empty(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        c_plus = cost()
        flat[i] = old - eps
        c_minus = cost()
        flat[i] = old
        out[i] = (c_plus - c_minus) / (2 * eps)
    return out.reshape(theta.shape)


@overflow_as_error("X")
def finite_difference_gradient(
    net: Network,
    X: ArrayLike,
    y: ArrayLike,
    *,
    eps: float | None = None,
    method: str = "central",
) -> Gradient:
    """The gradient of the mean cost by finite differences, one parameter at a time.

    ``"forward"``: ∂C/∂θ_i ≈ (C(θ + ε e_i) − C(θ)) / ε, P + 1 forward passes.
    ``"central"``: ∂C/∂θ_i ≈ (C(θ + ε e_i) − C(θ − ε e_i)) / (2ε), 2P passes,
    error O(ε²) instead of O(ε).

    Parameters
    ----------
    net : Network
        Its parameters are perturbed in place and restored exactly.
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels
    eps : float, optional
        Step. Default: 1e-5 central / 1e-7 one-sided in float64; 1e-2 / 1e-3 in float32.
    method : {"central", "forward"}

    Returns
    -------
    Gradient
    """
    check_choice(method, "method", ("central", "forward"))
    X, Y = net.check_batch(X, y)
    if eps is None:
        if net.dtype == np.float64:
            eps = 1e-5 if method == "central" else 1e-7
        else:
            eps = 1e-2 if method == "central" else 1e-3
    check_positive(eps, "eps")
    grad = Gradient.zeros_like(net)

    def cost() -> float:
        return net.mean_cost(X, Y, check="X")

    c0 = cost() if method == "forward" else 0.0
    for l in range(1, net.L + 1):
        for param, out in ((net.w[l], grad.w[l]), (net.b[l], grad.b[l])):
            if method == "central":
                out[...] = central_differences(cost, param, eps)
            else:
                p, o = param.reshape(-1), out.reshape(-1)  # views
                for i in range(p.size):
                    old = p[i]
                    p[i] = old + eps
                    o[i] = (cost() - c0) / eps
                    p[i] = old
    return grad


@overflow_as_error("X")
def forward_mode_gradient(net: Network, X: ArrayLike, y: ArrayLike) -> Gradient:
    """The exact gradient by forward-mode differentiation: one tangent pass per parameter.

    For each parameter θ the tangent ``dz^l = ∂z^l/∂θ`` is pushed forward,
    layer by layer (``dz^{l+1} = w^{l+1} σ′(z^l) ⊙ dz^l``), and
    ∂C/∂θ = (1/m) Σ_x δ^L_x · dz^L_x + λ θ (for a weight). A tangent
    seeded in layer l is zero below l, so its pass starts there.

    Parameters and return value as for :func:`finite_difference_gradient`.
    """
    X, Y = net.check_batch(X, y)
    m, L = X.shape[0], net.L
    z, a = passes.forward(net, X, check="X")
    delta_L = net.cost.output_error(
        z[L], a[L], Y, net.activations[L]
    )  # ∂C_x/∂z^L

    def derivative_of_cost(l: int, dz: np.ndarray) -> float:
        """Push dz^l up to dz^L, then contract with δ^L."""
        for k in range(l + 1, L + 1):
            da = net.activations[k - 1].jvp(z[k - 1], a[k - 1], dz)
            dz = opcount.matmul(da, net.w[k].T)
        return float(np.sum(delta_L * dz)) / m

    grad = Gradient.zeros_like(net)
    for l in range(1, L + 1):
        n_out, n_in = net.w[l].shape
        for j in range(n_out):
            for k in range(n_in):
                dz = np.zeros_like(z[l])
                dz[:, j] = a[l - 1][:, k]  # ∂z^l_j/∂w^l_{jk} = a^{l-1}_k
                grad.w[l][j, k] = (
                    derivative_of_cost(l, dz)
                    + net.weight_decay * net.w[l][j, k]
                )
            dz = np.zeros_like(z[l])
            dz[:, j] = 1  # ∂z^l_j/∂b^l_j = 1
            grad.b[l][j] = derivative_of_cost(l, dz)
    return grad


@overflow_as_error("X")
def neuron_forward_mode_gradient(
    net: Network, X: ArrayLike, y: ArrayLike
) -> Gradient:
    """The exact gradient by forward mode seeded per neuron: one tangent pass per neuron.

    For each neuron j of each layer l, the tangent ``dz^l = e_j`` (a one on
    z^l_j, for every example) is pushed forward to the output exactly as in
    :func:`forward_mode_gradient`, and its contraction with δ^L gives the
    error of that neuron, ``δ^l_j = ∂C_x/∂z^l_j``, for every example x. Then,
    without further passes,

    * ∂C/∂w^l_{jk} = (1/m) Σ_x δ^l_j a^{l-1}_k (+ λ w^l_{jk}): the errors of
      the m examples times A^{l-1}, a (1 × m)(m × n_{l-1}) product;
    * ∂C/∂b^l_j = (1/m) Σ_x δ^l_j.

    So it needs K = n_1 + … + n_L tangent passes instead of P, each through
    the layers above the seed. The cost is
    :func:`bp.opcount.neuron_forward_mode_macs`.

    Parameters
    ----------
    net : Network
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels

    Returns
    -------
    Gradient
        Equal to ``net.backprop(X, y)`` up to rounding.

    Raises
    ------
    TypeError, ValueError
        For bad inputs or targets, as :meth:`bp.network.Network.backprop`.
    """
    X, Y = net.check_batch(X, y)
    m, L = X.shape[0], net.L
    z, a = passes.forward(net, X, check="X")
    # ∂C_x/∂z^L, one row per example
    delta_L = net.cost.output_error(z[L], a[L], Y, net.activations[L])

    grad = Gradient.zeros_like(net)
    for l in range(1, L + 1):
        for j in range(net.sizes[l]):
            dz = np.zeros_like(z[l])
            dz[:, j] = 1  # the seed: ∂z^l/∂z^l_j = e_j for every example
            for k in range(l + 1, L + 1):  # push the tangent to the output
                da = net.activations[k - 1].jvp(z[k - 1], a[k - 1], dz)
                dz = opcount.matmul(da, net.w[k].T)
            delta_j = np.sum(delta_L * dz, axis=1)  # δ^l_j of every example
            # Σ_x δ^l_j a^{l-1}: every weight into neuron j at once
            row = opcount.matmul(delta_j[None, :], a[l - 1])[0]
            grad.w[l][j] = row / m + net.weight_decay * net.w[l][j]
            grad.b[l][j] = np.sum(delta_j) / m
    return grad
