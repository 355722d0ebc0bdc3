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

The **binomial** schedule (Griewank 1992; Griewank & Walther's *revolve*,
2000) does better for a fixed budget of s stored activations: it places
checkpoints recursively so that the number of recomputed layer passes is
the smallest possible, :func:`binomial_recomputations`, which grows only
like L·log L for s ≈ log L. :func:`binomial_backprop` runs it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from math import comb

import numpy as np
from numpy.typing import ArrayLike

from . import opcount, passes
from ._validation import check_int, check_sizes, overflow_as_error
from .network import Gradient, Network

__all__ = [
    "checkpoints",
    "default_every",
    "checkpointed_backprop",
    "checkpoint_macs",
    "stored_floats",
    "binomial_recomputations",
    "binomial_backprop",
]


def _check_every(every: object, L: int) -> int:
    return min(
        check_int(every, "every", minimum=1, note="layers per segment"), L
    )


def default_every(L: int) -> int:
    """A segment length near the memory optimum √(L/2) for equal widths (at least 1)."""
    return max(1, round(math.sqrt(L / 2)))


def checkpoints(L: int, every: int) -> list[int]:
    """The layers whose activations are kept: 0, k, 2k, … below L (k = ``every``)."""
    every = _check_every(every, L)
    return list(range(0, L, every))


def checkpointed_backprop(
    net: Network, X: ArrayLike, y: ArrayLike, every: int | None = None
) -> Gradient:
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
    X, Y = net.check_batch(X, y)
    k = default_every(net.L) if every is None else _check_every(every, net.L)
    with overflow_as_error("X"):
        return _checkpointed_backprop(net, X, Y, k)


def _checkpointed_backprop(
    net: Network, X: np.ndarray, Y: np.ndarray, every: int
) -> Gradient:
    L = net.L
    marks = checkpoints(L, every)
    bounds = list(zip(marks, marks[1:] + [L]))  # segments (start, end]
    # 1. Forward pass: keep the checkpoints only, and the top segment, computed last.
    kept = {0: X}
    for start, end in bounds[:-1]:
        kept[end] = passes.forward(
            net, kept[start], start=start, end=end, check="X"
        )[1][end]
    top = bounds[-1][0]
    z, a = passes.forward(net, kept.pop(top), start=top, check="X")
    # 2. Backward pass, one segment at a time from the top; each segment below the
    #    top is recomputed from its checkpoint and gets ∂C/∂a at its top from above.
    grad = Gradient.zeros_like(net)
    grad_a = passes.backward(
        net, z, a, grad, Y=Y, start=top
    )  # BP1 in the top segment
    for start, end in reversed(bounds[:-1]):
        z, a = passes.forward(
            net, kept.pop(start), start=start, end=end
        )  # recompute
        grad_a = passes.backward(net, z, a, grad, grad_a=grad_a, start=start)
        del z, a  # this segment's activations are no longer needed
    return grad


def checkpoint_macs(
    sizes: Sequence[int], m: int = 1, every: int | None = None
) -> int:
    """MACs of :func:`checkpointed_backprop`: a gradient plus the recomputed layers.

    Every layer below the top segment is computed twice, so the extra cost is
    m Σ_{l=1}^{c} n_l n_{l−1}, with c the top checkpoint: at most one more
    forward pass.
    """
    s = check_sizes(sizes)
    L = len(s) - 1
    k = default_every(L) if every is None else _check_every(every, L)
    top = checkpoints(L, k)[-1]
    extra = m * sum(s[l] * s[l - 1] for l in range(1, top + 1))
    return opcount.gradient_macs(s, m) + extra


def stored_floats(
    sizes: Sequence[int], m: int = 1, every: int | None = None
) -> int:
    """Activation floats alive at the peak of the backward pass (the input X excluded).

    Plain backpropagation (``every >= L``) keeps z^l and a^l for l = 1..L:
    2m Σ n_l. With checkpoints c_1 < c_2 < … (c_0 = 0 is X itself) it keeps
    a^{c_i} for i ≥ 1, plus z and a of one segment at a time: the largest
    of m Σ_{checkpoints above the segment} n_c + 2m Σ_{segment} n_l over
    the segments. Temporaries (δ, the gradient itself) are not counted.
    """
    s = check_sizes(sizes)
    L = len(s) - 1
    k = default_every(L) if every is None else _check_every(every, L)
    marks = checkpoints(L, k)
    bounds = list(zip(marks, marks[1:] + [L]))
    peak = 0
    for i, (start, end) in enumerate(bounds):
        # while segment i is live, checkpoints c_1..c_i are still kept
        kept = sum(s[c] for c in marks[1 : i + 1])
        peak = max(
            peak, kept + 2 * sum(s[l] for l in range(start + 1, end + 1))
        )
    return m * peak


# ---------------------------------------------------------------- binomial (revolve)
def _check_slots(slots: object, name: str = "slots") -> int:
    what = "stored activations" if name == "slots" else "layers"
    return check_int(slots, name, minimum=1, note=what)


def binomial_recomputations(L: int, slots: int) -> int:
    """The fewest layer passes that reversing L layers with ``slots`` stored activations recomputes.

    The model of Griewank (1992) and *revolve* (Griewank & Walther 2000): the
    backward step of layer l re-runs layer l from a^{l-1} and keeps its z^l,
    a^l only while it is used; besides that, at most ``slots`` activations
    a^c are kept at once, the input a^0 among them. With
    β(s, r) = C(s + r, s) and r the smallest integer with β(s, r) ≥ L,

        t(L, s) = r·L − β(s + 1, r − 1)    (β(·, −1) = 0),

    counted in forward layer passes beyond the L of the backward steps.
    ``slots = 1`` recomputes from the input every time, L(L − 1)/2;
    ``slots >= L - 1`` stores every activation on the way up, L − 1.

    Raises
    ------
    TypeError, ValueError
        If ``L`` or ``slots`` is not a positive integer.
    """
    L = _check_slots(L, "L")
    s = _check_slots(slots)
    r = 0
    while comb(s + r, s) < L:
        r += 1
    return r * L - (comb(s + r, s + 1) if r >= 1 else 0)


def _binomial_split(length: int, slots: int) -> int:
    """Where to put the next checkpoint: advance j layers, j minimising the total."""
    best_j, best = 1, None
    for j in range(1, length):
        cost = (
            j
            + binomial_recomputations(length - j, slots - 1)
            + binomial_recomputations(j, slots)
        )
        if best is None or cost < best:
            best_j, best = j, cost
    return best_j


def binomial_backprop(
    net: Network, X: ArrayLike, y: ArrayLike, slots: int
) -> Gradient:
    """The gradient of the mean cost with the binomial checkpoint schedule.

    At most ``slots`` activations a^c are kept at once (the input among
    them), plus z^l, a^l of the one layer whose backward step runs. To
    reverse layers start+1 … start+n from a kept a^start with s slots: if
    n = 1, run the layer and its backward step; if s = 1, recompute from
    a^start for each layer, top down; otherwise advance j layers, keep a^j,
    reverse the n − j layers above with s − 1 slots, drop a^j, and reverse
    the j layers below with s slots, choosing j by
    :func:`binomial_recomputations` so that the total is the smallest.

    Parameters
    ----------
    net : Network
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels
    slots : int
        Stored activations allowed at once, a^0 included (≥ 1).

    Returns
    -------
    Gradient
        Equal to ``net.backprop(X, y)`` to the last bit (the same operations
        in the same order).

    Raises
    ------
    TypeError, ValueError
        For bad inputs or targets (as :meth:`bp.network.Network.backprop`), or
        ``slots`` that is not a positive integer.
    """
    X, Y = net.check_batch(X, y)
    slots = _check_slots(slots)
    with overflow_as_error("X"):
        return _binomial_backprop(net, X, Y, slots)


def _binomial_backprop(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    slots: int,
    trace: list | None = None,
) -> Gradient:
    """The schedule of :func:`binomial_backprop`; ``trace`` collects every layer run."""
    L = net.L
    grad = Gradient.zeros_like(net)
    state: dict = {}  # "grad_a": ∂C/∂a^l handed down by the layer above

    def advance(a: np.ndarray, start: int, steps: int) -> np.ndarray:
        for l in range(
            start + 1, start + steps + 1
        ):  # one layer at a time: keep only a^l
            if trace is not None:
                trace.append(l)
            a = passes.forward(net, a, start=l - 1, end=l, check="X")[1][l]
        return a

    def backward_step(l: int, a_prev: np.ndarray) -> None:
        """Run layer l from a^{l-1} (keeping z^l, a^l), then BP1/BP2, BP3, BP4."""
        if trace is not None:
            trace.append(l)
        z, a = passes.forward(net, a_prev, start=l - 1, end=l, check="X")
        state["grad_a"] = passes.backward(
            net,
            z,
            a,
            grad,
            Y=Y if l == L else None,
            grad_a=state.get("grad_a"),
            start=l - 1,
        )

    def reverse(a_start: np.ndarray, start: int, n: int, s: int) -> None:
        while n > 0:  # the lower part is a loop: same a_start, same slots
            if n == 1:
                backward_step(start + 1, a_start)
                return
            if s == 1:
                for i in range(
                    n, 0, -1
                ):  # layer start+i from a^start, each time
                    backward_step(start + i, advance(a_start, start, i - 1))
                return
            j = _binomial_split(n, s)
            a_j = advance(a_start, start, j)  # a checkpoint at layer start+j
            reverse(a_j, start + j, n - j, s - 1)
            del a_j
            n = j

    reverse(X, 0, L, slots)
    return grad
