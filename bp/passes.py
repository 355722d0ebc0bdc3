"""The forward and backward passes over a mini-batch: the one kernel every gradient in ``bp`` runs.

:meth:`bp.network.Network.backprop`, :func:`bp.sgd.train`, checkpointing,
the path sums, the naive methods, curvature and the autoencoder all call
:func:`forward` and :func:`backward`; no other module writes the layer
loop again. (The one other form of backpropagation in ``bp`` is
:meth:`bp.network.Network.example_gradient`, the text's one-example
column-vector form, kept for reading and pinned to this one by a test.)

Examples are rows: a batch of m inputs is an (m, n_0) array, and for
l = 1, …, L::

    Z^l = A^{l−1} (w^l)ᵀ + b^l,   A^l = σ(Z^l)                 (forward)
    Δ^L = ∇_A C ⊙ σ′(Z^L)                                       (BP1)
    Δ^l = (Δ^{l+1} w^{l+1}) ⊙ σ′(Z^l)                           (BP2)
    ∂C/∂b^l = Σ_rows Δ^l,   ∂C/∂w^l = (Δ^l)ᵀ A^{l−1}            (BP3, BP4)

with the 1/m of the batch mean applied once, to Δ^L.

**This is the inner layer: it trusts its inputs.** ``X`` and ``Y`` must
be C-contiguous float arrays of the network's dtype with the right shapes
and finite values, as :meth:`bp.network.Network.check_batch` returns them.
Public functions validate once and then call these.

Both passes accept a :class:`Buffers` of work arrays allocated once (the
training loop reuses it for every mini-batch); without one they allocate.
:func:`forward` and :func:`backward` can also run a *segment* of layers
(``start`` < l ≤ ``end``), which is what checkpointing needs, and
:func:`backward` can scale the whole gradient (``scale``), folded into
Δ^L: with ``scale = η`` it returns the SGD step η ∂C/∂θ directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import DTypeLike

from . import opcount

__all__ = ["Buffers", "NO_BUFFERS", "forward", "backward"]


class _Layered(Protocol):
    """What the passes read from a network (see :class:`bp.network.Network`)."""

    L: int
    w: list
    b: list
    activations: list
    cost: Any
    weight_decay: float


class _Parameters(Protocol):
    """Arrays shaped like the parameters, ``w[l]`` and ``b[l]`` (a :class:`bp.network.Gradient`)."""

    w: list
    b: list


class Buffers:
    """Work arrays for mini-batches of up to ``rows`` examples.

    * ``z(l, m)``, ``a(l, m)``: the first m rows of the arrays for Z^l, A^l;
    * ``delta(l, m)``: an (m, n_l) array for Δ^l (two arrays in turn: Δ^{l+1}
      is read while Δ^l is written);
    * ``scratch(like)``: room for one temporary shaped like ``like``, such as
      σ′(Z^l): the Δ array that ``like`` is not (in the forward pass both are
      free; in the backward pass, Δ^{l+1} is used up once Δ^{l+1} w^{l+1} is
      computed, so its array is free for σ′(Z^l)).

    Parameters
    ----------
    sizes : sequence of int
        The network's layer widths [n_0, …, n_L].
    dtype : numpy dtype
    rows : int
        The largest batch the buffers will hold.
    """

    def __init__(
        self, sizes: Sequence[int], dtype: DTypeLike, rows: int
    ) -> None:
        width = rows * max(sizes[1:])
        self.rows = rows
        self._z: list = [None] + [np.empty((rows, n), dtype) for n in sizes[1:]]
        self._a: list = [None] + [np.empty((rows, n), dtype) for n in sizes[1:]]
        self._sizes = list(sizes)
        self._delta = (np.empty(width, dtype), np.empty(width, dtype))
        self._views: dict = {}  # the shaped views handed out, made once each

    def z(self, l: int, m: int) -> np.ndarray | None:
        return self._z[l] if m == self.rows else self._z[l][:m]

    def a(self, l: int, m: int) -> np.ndarray | None:
        return self._a[l] if m == self.rows else self._a[l][:m]

    def delta(self, l: int, m: int) -> np.ndarray | None:
        key = (l, m)
        view = self._views.get(key)
        if view is None:
            n = self._sizes[l]
            view = self._views[key] = self._delta[l % 2][: m * n].reshape(m, n)
        return view

    def scratch(self, like: np.ndarray | None) -> np.ndarray | None:
        assert (
            like is not None
        )  # (an array from these buffers, or a handed-down one)
        i = 1 if like.base is self._delta[0] else 0  # the Δ array not in use
        key = (i, like.shape)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self._delta[i][: like.size].reshape(
                like.shape
            )
        return view


class _Allocate(Buffers):
    """No buffers: every array is allocated by the operation that fills it."""

    def __init__(self) -> None:
        pass

    def z(self, l: int, m: int) -> None:
        return None

    a = delta = z

    def scratch(self, like: np.ndarray | None) -> None:
        return None


#: Pass this (the default) to allocate new arrays instead of reusing buffers.
NO_BUFFERS: Buffers = _Allocate()


def forward(
    net: _Layered,
    X: np.ndarray,
    *,
    start: int = 0,
    end: int | None = None,
    work: Buffers = NO_BUFFERS,
    check: str | None = None,
) -> tuple[list, list]:
    """The forward pass: Z^l and A^l for l = start+1, …, end (default: to the output).

    Parameters
    ----------
    net : Network
    X : ndarray, shape (m, n_start)
        A^start: the input batch, or the kept activations of layer ``start``.
    start, end : int
        The layers run are start+1 … end (0 ≤ start < end ≤ L).
    work : Buffers, optional
        Arrays to write Z^l and A^l into.
    check : str, optional
        The name of the input, to raise a ValueError naming it if a Z^l is
        not finite: the products of a finite but huge input overflow inside
        BLAS, which sets no floating-point flag NumPy could report.

    Returns
    -------
    z, a : list
        Indexed by layer like the text: ``z[l]``, ``a[l]`` of shape (m, n_l)
        for start < l ≤ end, ``a[start]`` is X; the other entries are None.
    """
    end = net.L if end is None else end
    m = X.shape[0]
    z: list = [None] * (end + 1)
    a: list = [None] * (end + 1)
    a[start] = X
    for l in range(start + 1, end + 1):
        sigma = net.activations[l]
        # Z^l = A^{l−1} (w^l)ᵀ + b^l
        z[l] = opcount.matmul(a[l - 1], net.w[l].T, out=work.z(l, m))
        z[l] += net.b[l]
        if check is not None:
            _require_finite(z[l], check, l)
        # A^l = σ(Z^l)
        a[l] = sigma.value(z[l], out=work.a(l, m), work=work.scratch(z[l]))
    return z, a


def _require_finite(z: np.ndarray, name: str, l: int) -> None:
    """Raise a ValueError naming the input ``name`` if Z^l has an infinity or a NaN."""
    if not np.isfinite(z).all():
        raise ValueError(
            f"{name} is too large: computing with it overflows in layer {l}"
        )


def backward(
    net: _Layered,
    z: list,
    a: list,
    grad: _Parameters,
    *,
    Y: np.ndarray | None = None,
    grad_a: np.ndarray | None = None,
    start: int = 0,
    scale: float = 1.0,
    work: Buffers = NO_BUFFERS,
) -> np.ndarray | None:
    """The backward pass: BP1 (or BP2 from above), then BP2, BP3, BP4 down to layer start+1.

    Parameters
    ----------
    net : Network
    z, a : list
        From :func:`forward` (the same ``start``); the top layer of the lists
        is where the pass begins.
    grad : Gradient
        Where ∂C/∂w^l and ∂C/∂b^l go (written over), for start < l ≤ top.
    Y : ndarray, shape (m, n_L), optional
        The targets, when the top layer is the output layer L (BP1).
    grad_a : ndarray, optional
        Otherwise ∂C/∂A^top, handed down by the layers above (already scaled).
    start : int
        The pass stops after layer start+1.
    scale : float
        Multiplies the whole gradient of the mean cost (folded into Δ^L and
        the weight-decay term); ``scale = η`` gives the step η ∂C/∂θ.
    work : Buffers, optional
        Arrays for Δ^l and σ′(Z^l).

    Returns
    -------
    ndarray or None
        ∂C/∂A^start = Δ^{start+1} w^{start+1} for the segment below, or None
        when start = 0.
    """
    act, w = net.activations, net.w
    top = len(z) - 1  # the layer the pass starts from
    m = a[start].shape[0]
    if Y is not None:  # BP1, with the mean's 1/m (and the scale) applied once
        out = work.delta(top, m)
        delta = net.cost.output_error(z[top], a[top], Y, act[top], out=out)
        delta *= scale / m
    else:  # BP2 at the top, from ∂C/∂A^top handed down by the layers above
        out = work.delta(top, m)
        tmp = work.scratch(out)
        delta = act[top].vjp(z[top], a[top], grad_a, out=out, work=tmp)
    for l in range(top, start, -1):
        if l < top:  # BP2: Δ^l = (Δ^{l+1} w^{l+1}) ⊙ σ′(Z^l)
            delta = opcount.matmul(delta, w[l + 1], out=work.delta(l, m))
            tmp = work.scratch(delta)
            delta = act[l].vjp(z[l], a[l], delta, out=delta, work=tmp)
        delta.sum(axis=0, out=grad.b[l])  # BP3: Σ_rows Δ^l
        opcount.matmul(delta.T, a[l - 1], out=grad.w[l])  # BP4: (Δ^l)ᵀ A^{l−1}
        if net.weight_decay:  # the penalty's term, + λ w^l
            grad.w[l] += (scale * net.weight_decay) * w[l]
    if start == 0:
        return None
    return opcount.matmul(delta, w[start + 1])  # ∂C/∂A^start, handed down
