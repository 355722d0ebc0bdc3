"""The chain rule path by path, and why backpropagation does not do it that way.

Unrolling BP2 shows what an error δ^l_j = ∂C_x/∂z^l_j is: a sum over every
path j = i_l → i_{l+1} → … → i_L from neuron j of layer l to a neuron of the
output layer, each path contributing the product of its local derivatives,

    δ^l_j = Σ_paths σ′(z^l_j) · [Π_{l′=l+1}^{L−1} w^{l′}_{i_{l′} i_{l′−1}} σ′(z^{l′}_{i_{l′}})]
                   · w^L_{i_L i_{L−1}} δ^L_{i_L}

(i_l = j; δ^L comes from BP1). A neuron of layer l has Π_{l′>l} n_{l′} such paths:
exponentially many in the depth. Backpropagation computes the same sums, but layer by layer: the
sum over all paths from layer l+1 onwards is δ^{l+1}, computed once and
reused by every path through layer l+1 (dynamic programming).

This module enumerates the paths explicitly (for tiny networks only) and
counts the multiplications of both ways. Everything is for one example.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import passes
from ._validation import check_int, check_sizes, overflow_as_error
from .network import Gradient, Network

__all__ = [
    "paths_from_layer",
    "n_paths",
    "path_sum_multiplications",
    "backprop_multiplications",
    "path_sum_gradient",
]

MAX_PATHS = 2_000_000


def paths_from_layer(sizes: Sequence[int], l: int) -> int:
    """Paths from one neuron of layer l to the output layer: Π_{l′=l+1}^{L} n_{l′}."""
    s = check_sizes(sizes)
    L = len(s) - 1
    check_int(l, "l", minimum=1, maximum=L, kind=f"a layer number in 1..{L}")
    return math.prod(s[l + 1 :])


def n_paths(sizes: Sequence[int]) -> int:
    """Paths summed to get every error δ^1..δ^{L−1}: Σ_{l=1}^{L−1} n_l Π_{l′>l} n_{l′}."""
    s = check_sizes(sizes)
    L = len(s) - 1
    return sum(s[l] * paths_from_layer(s, l) for l in range(1, L))


def path_sum_multiplications(sizes: Sequence[int]) -> int:
    """Multiplications of :func:`path_sum_gradient` to get δ^1..δ^{L−1}.

    A path from layer l has L − l edges; its product takes one
    multiplication per weight, one per σ′ below the output, and one for
    δ^L: 2(L − l) in all. Total Σ_{l=1}^{L−1} 2(L − l) n_l Π_{l′>l} n_{l′}.
    """
    s = check_sizes(sizes)
    L = len(s) - 1
    return sum(2 * (L - l) * s[l] * paths_from_layer(s, l) for l in range(1, L))


def backprop_multiplications(sizes: Sequence[int]) -> int:
    """Multiplications of BP2 to get δ^1..δ^{L−1}: Σ_{l=1}^{L−1} (n_{l+1} n_l + n_l).

    (w^{l+1})ᵀ δ^{l+1} costs n_{l+1} n_l; the Hadamard product with σ′(z^l)
    costs n_l more.
    """
    s = check_sizes(sizes)
    L = len(s) - 1
    return sum(s[l + 1] * s[l] + s[l] for l in range(1, L))


def path_sum_gradient(
    net: Network, x: ArrayLike, y: ArrayLike
) -> tuple[Gradient, int]:
    """The gradient of one example's cost C_x, every error found by summing over paths.

    δ^L comes from BP1; each δ^l_j below it is the explicit sum over all
    paths from neuron j to the output (no reuse between paths); then
    BP3/BP4 give the gradient. Only for tiny networks (elementwise hidden
    activations, at most two million paths).

    Parameters
    ----------
    net : Network
    x : array_like, shape (n_0,)
    y : array_like, shape (n_L,), or an integer class label

    Returns
    -------
    gradient : Gradient
        Equal to ``net.backprop_example(x, y)`` up to rounding.
    multiplications : int
        Multiplications spent on the path products (equals
        :func:`path_sum_multiplications`).

    Raises
    ------
    ValueError
        If the network has more than two million paths, or for bad inputs.
    """
    total = n_paths(net.sizes)
    if total > MAX_PATHS:
        raise ValueError(
            f"this network has {total} paths; path_sum_gradient enumerates them one by one "
            f"and accepts at most {MAX_PATHS}"
        )
    x, y = net.check_example(x, y)
    with overflow_as_error("x"):
        return _path_sum_gradient(net, x[None, :], y[None, :])


def _path_sum_gradient(
    net: Network, X: np.ndarray, Y: np.ndarray
) -> tuple[Gradient, int]:
    L, w = net.L, net.w
    z, a = passes.forward(
        net, X, check="x"
    )  # one example as a batch of one row
    z, a = [None] + [zl[0] for zl in z[1:]], [al[0] for al in a]
    delta_L = net.cost.output_error(
        z[L][None], a[L][None], Y, net.activations[L]
    )[0]  # BP1
    sp = [None] + [
        net.activations[l].derivative(z[l], a[l]) for l in range(1, L)
    ]  # σ′(z^l)
    deltas: list = [None] * (L + 1)
    deltas[L] = delta_L
    mults = 0
    for l in range(1, L):
        d = np.zeros(net.sizes[l], dtype=net.dtype)
        for j in range(net.sizes[l]):
            acc = 0.0
            for path in itertools.product(
                *(range(n) for n in net.sizes[l + 1 :])
            ):
                p, prev = sp[l][j], j
                for step, i in enumerate(path):
                    lp = l + 1 + step  # the layer this edge enters
                    p = p * w[lp][i, prev]
                    mults += 1
                    if lp < L:
                        p = p * sp[lp][i]
                        mults += 1
                    prev = i
                acc += p * delta_L[prev]
                mults += 1
            d[j] = acc
        deltas[l] = d
    nabla_w: list = [None]
    nabla_b: list = [None]
    for l in range(1, L + 1):
        nabla_b.append(deltas[l])  # BP3
        gw = np.outer(deltas[l], a[l - 1])  # BP4
        if net.weight_decay:
            gw = gw + net.weight_decay * w[l]
        nabla_w.append(gw)
    return Gradient(nabla_w, nabla_b), mults
