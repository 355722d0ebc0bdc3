"""Gradient checkpointing: trade a little recomputation for a lot of memory.

Backpropagation keeps z^l and a^l of every layer from the forward pass until
the backward pass has used them: memory grows with the depth L. Gradient
checkpointing keeps only the activations of every k-th layer, the
*checkpoints* a^0, a^k, a^{2k}, …, and recomputes the layers in between
when the backward pass reaches them:

1. forward pass, keeping only the checkpoints (and, since it is computed
   last, everything in the top segment);
2. backward pass, one segment at a time from the top: recompute the
   segment's z^l and a^l from its checkpoint, apply BP1–BP4 inside it, hand
   ∂C/∂a at its bottom to the segment below, and drop the segment.

With L layers of equal width, about L/k checkpoints plus 2k stored layers
are alive at once, which is smallest near k = √(L/2): memory O(√L) instead
of O(L). The price is one more forward pass through every segment but the
top one: at most one extra forward pass in all. The gradient is the same,
operation for operation, as :meth:`bp.network.Network.backprop`'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import opcount
from ._validation import check_inputs
from .network import Gradient, Network

__all__ = [
    "checkpoints",
    "default_every",
    "checkpointed_backprop",
    "checkpoint_macs",
    "stored_floats",
]


def _check_every(every, L: int) -> int:
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)):
        raise TypeError(f"every must be a positive integer (layers per segment), got {every!r}")
    if every < 1:
        raise ValueError(f"every must be a positive integer (layers per segment), got {every!r}")
    return min(int(every), L)


def default_every(L: int) -> int:
    """A segment length near the memory optimum √(L/2) for equal widths (at least 1)."""
    return max(1, round(math.sqrt(L / 2)))


def checkpoints(L: int, every: int) -> list[int]:
    """The layers whose activations are kept: 0, k, 2k, … below L (k = ``every``)."""
    every = _check_every(every, L)
    return list(range(0, L, every))


def checkpointed_backprop(net: Network, X, y, every: int | None = None) -> Gradient:
    """The gradient of the mean cost, keeping only every k-th layer's activations.

    Parameters
    ----------
    net : Network
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels
    every : int, optional
        Segment length k ≥ 1: a^0, a^k, a^{2k}, … are kept. ``every >= L``
        is plain backpropagation. Default :func:`default_every` (≈ √(L/2)).

    Returns
    -------
    Gradient
        Equal to ``net.backprop(X, y)``.

    Raises
    ------
    TypeError, ValueError
        For bad inputs or targets (as :meth:`bp.network.Network.backprop`), or an
        ``every`` that is not a positive integer.
    """
    X = check_inputs(X, net.sizes[0], net.dtype)
    Y = net._targets(y, X.shape[0])
    k = default_every(net.L) if every is None else _check_every(every, net.L)
    return _checkpointed_backprop(net, X, Y, k)


def _segment_forward(net: Network, a_start: np.ndarray, start: int, end: int):
    """z^l, a^l for l = start+1..end from a^start (lists indexed from ``start``)."""
    z: list = [None]
    a: list = [a_start]
    for l in range(start + 1, end + 1):
        z.append(opcount.matmul(a[-1], net.w[l].T) + net.b[l])  # Z^l = A^{l-1} (w^l)ᵀ + b^l
        a.append(net.activations[l](z[-1]))  # A^l = σ(Z^l)
    return z, a


def _checkpointed_backprop(net: Network, X: np.ndarray, Y: np.ndarray, every: int) -> Gradient:
    L, w, m = net.L, net.w, X.shape[0]
    marks = checkpoints(L, every)
    bounds = list(zip(marks, marks[1:] + [L]))  # segments (start, end]
    # 1. Forward pass: keep the checkpoints only.
    kept = {0: X}
    a = X
    for start, end in bounds[:-1]:
        for l in range(start + 1, end + 1):
            a = net.activations[l](opcount.matmul(a, w[l].T) + net.b[l])
        kept[end] = a
    top_start = bounds[-1][0]
    z_seg, a_seg = _segment_forward(net, kept.pop(top_start), top_start, L)  # top segment: keep

    nabla_w: list = [None] * (L + 1)
    nabla_b: list = [None] * (L + 1)
    delta = net.cost.output_error(z_seg[-1], a_seg[-1], Y, net.activations[L])  # BP1
    # 2. Backward pass, one segment at a time from the top.
    for i, (start, end) in reversed(list(enumerate(bounds))):
        if i < len(bounds) - 1:
            z_seg, a_seg = _segment_forward(net, kept.pop(start), start, end)  # recompute
            # δ^end from ∂C/∂a^end = δ^{end+1} w^{end+1} handed down by the segment above
            sigma = net.activations[end]
            delta = grad_a * sigma.derivative(z_seg[end - start], a_seg[end - start])  # BP2
        for l in range(end, start, -1):
            j = l - start  # position of layer l in the segment's lists
            if l < end:
                sigma = net.activations[l]
                delta = opcount.matmul(delta, w[l + 1]) * sigma.derivative(z_seg[j], a_seg[j])  # BP2
            nabla_b[l] = delta.sum(axis=0) / m  # BP3
            nabla_w[l] = opcount.matmul(delta.T, a_seg[j - 1]) / m  # BP4
            if net.weight_decay:
                nabla_w[l] += net.weight_decay * w[l]
        if start > 0:
            grad_a = opcount.matmul(delta, w[start + 1])  # ∂C/∂a^start, for the segment below
        del z_seg, a_seg  # this segment's activations are no longer needed
    return Gradient(nabla_w, nabla_b)


def _sizes(sizes: Sequence[int]) -> list[int]:
    opcount.n_weights(sizes)  # validates
    return [int(n) for n in sizes]


def checkpoint_macs(sizes: Sequence[int], m: int = 1, every: int | None = None) -> int:
    """MACs of :func:`checkpointed_backprop`: a gradient plus the recomputed layers.

    Every layer below the top segment is computed twice, so the extra cost is
    m Σ_{l=1}^{c} n_l n_{l−1}, with c the top checkpoint: at most one more
    forward pass.
    """
    s = _sizes(sizes)
    L = len(s) - 1
    k = default_every(L) if every is None else _check_every(every, L)
    top = checkpoints(L, k)[-1]
    extra = m * sum(s[l] * s[l - 1] for l in range(1, top + 1))
    return opcount.gradient_macs(s, m) + extra


def stored_floats(sizes: Sequence[int], m: int = 1, every: int | None = None) -> int:
    """Activation floats alive at the peak of the backward pass (the input X excluded).

    Plain backpropagation (``every >= L``) keeps z^l and a^l for l = 1..L:
    2m Σ n_l. With checkpoints c_1 < c_2 < … (c_0 = 0 is X itself) it keeps
    a^{c_i} for i ≥ 1, plus z and a of one segment at a time: the largest
    of m Σ_{checkpoints above the segment} n_c + 2m Σ_{segment} n_l over
    the segments. Temporaries (δ, the gradient itself) are not counted.
    """
    s = _sizes(sizes)
    L = len(s) - 1
    k = default_every(L) if every is None else _check_every(every, L)
    marks = checkpoints(L, k)
    bounds = list(zip(marks, marks[1:] + [L]))
    peak = 0
    for i, (start, end) in enumerate(bounds):
        # while segment i is live, checkpoints c_1..c_i are still kept
        kept = sum(s[c] for c in marks[1 : i + 1])
        peak = max(peak, kept + 2 * sum(s[l] for l in range(start + 1, end + 1)))
    return m * peak
