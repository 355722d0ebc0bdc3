"""Exact operation counts: the cost argument, checked without a clock.

The unit is the **multiply–add** (MAC) performed inside matrix products:
multiplying an (m × k) matrix by a (k × n) matrix costs m·k·n MACs (about
2·m·k·n flops). Matrix products dominate every method compared here; the
elementwise work (σ, σ′, ⊙, adding biases) is O(m·Σ n_l), a lower-order
term that is not counted.

Two independent ways to get a count:

* closed-form formulas (:func:`forward_macs`, :func:`backward_macs`,
  :func:`finite_difference_macs`, :func:`forward_mode_macs`,
  :func:`neuron_forward_mode_macs`);
* an instrumented run: every matrix product in ``bp``'s batch code goes
  through :func:`matmul`, which adds its MACs to the active
  :class:`OpCounter` (``with counting() as c: ...; c.macs``).

The tests check that the two agree.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import numpy as np

from ._validation import check_choice, check_int, check_sizes

__all__ = [
    "OpCounter",
    "counting",
    "matmul",
    "n_weights",
    "n_parameters",
    "forward_macs",
    "backward_macs",
    "gradient_macs",
    "finite_difference_macs",
    "forward_mode_macs",
    "neuron_forward_mode_macs",
    "n_neurons",
]


class OpCounter:
    """Accumulates the multiply–adds of the matrix products it is told about.

    Examples
    --------
    >>> c = OpCounter()
    >>> c.add(2, 3, 4)  # a (2 × 3) times (3 × 4) product
    >>> c
    OpCounter(macs=24, products=1)
    """

    def __init__(self) -> None:
        self.macs = 0
        self.products = 0

    def add(self, m: int, k: int, n: int) -> None:
        self.macs += m * k * n
        self.products += 1

    def __repr__(self) -> str:
        return f"OpCounter(macs={self.macs}, products={self.products})"


_active: list[OpCounter] = []


@contextlib.contextmanager
def counting() -> Iterator[OpCounter]:
    """Count the MACs of every :func:`matmul` run inside the ``with`` block.

    Examples
    --------
    >>> with counting() as c:
    ...     _ = matmul(np.ones((2, 3)), np.ones((3, 4)))
    >>> c.macs
    24
    """
    counter = OpCounter()
    _active.append(counter)
    try:
        yield counter
    finally:
        _active.remove(counter)


def matmul(
    a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """``a @ b`` for 2-D arrays, counted by any active :class:`OpCounter`.

    Parameters
    ----------
    a : ndarray, shape (m, k)
    b : ndarray, shape (k, n)
    out : ndarray, shape (m, n), optional
        Where to write the product (as for ``np.matmul``).

    Returns
    -------
    ndarray, shape (m, n)
    """
    if _active:
        m, k = a.shape
        n = b.shape[1]
        for counter in _active:
            counter.add(m, k, n)
    return np.matmul(a, b, out=out)


def _sizes(sizes: Sequence[int], m: int = 1) -> list[int]:
    """Checked layer sizes (and mini-batch size ``m``, at least 1)."""
    check_int(m, "m", minimum=1, note="the number of examples")
    return check_sizes(sizes)


def n_weights(sizes: Sequence[int]) -> int:
    """Number of weights W = Σ_l n_l n_{l−1} (biases excluded).

    Raises TypeError or ValueError (naming ``sizes``) for sizes that are not
    at least two positive integers; so do all the counts below.

    Examples
    --------
    >>> n_weights([2, 3, 1])  # 2·3 + 3·1
    9
    """
    s = _sizes(sizes)
    return sum(s[l] * s[l - 1] for l in range(1, len(s)))


def n_parameters(sizes: Sequence[int]) -> int:
    """Number of parameters P = Σ_l n_l (n_{l−1} + 1), weights and biases.

    Examples
    --------
    >>> n_parameters([2, 3, 1])  # 3·(2 + 1) + 1·(3 + 1)
    13
    """
    s = _sizes(sizes)
    return sum(s[l] * (s[l - 1] + 1) for l in range(1, len(s)))


def n_neurons(sizes: Sequence[int]) -> int:
    """Number of neurons outside the input layer, K = n_1 + … + n_L.

    Examples
    --------
    >>> n_neurons([2, 3, 1])
    4
    """
    s = _sizes(sizes)
    return sum(s[1:])


def forward_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of one forward pass over m examples: m Σ_l n_l n_{l−1} = m·W.

    Examples
    --------
    >>> forward_macs([2, 3, 1], m=10)
    90
    """
    return m * n_weights(_sizes(sizes, m))


def backward_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of one backward pass over m examples.

    BP4 costs m n_l n_{l−1} in every layer l = 1..L; BP2 costs the same in
    layers l = 2..L (no error is needed for the input layer). Total
    2·m·W − m·n_1·n_0.

    Examples
    --------
    >>> backward_macs([2, 3, 1])  # 2·9 − 3·2
    12
    """
    s = _sizes(sizes, m)
    return 2 * m * n_weights(s) - m * s[1] * s[0]


def gradient_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of one gradient by backpropagation: a forward plus a backward pass.

    Examples
    --------
    >>> gradient_macs([2, 3, 1])  # 9 + 12
    21
    """
    return forward_macs(sizes, m) + backward_macs(sizes, m)


def finite_difference_macs(
    sizes: Sequence[int], m: int = 1, method: str = "central"
) -> int:
    """MACs of a finite-difference gradient over all P parameters.

    ``"forward"`` (one-sided): P + 1 forward passes; ``"central"``: 2P.

    Raises ValueError for another ``method``.

    Examples
    --------
    >>> finite_difference_macs([2, 3, 1])  # 2·13 passes of 9 MACs
    234
    >>> finite_difference_macs([2, 3, 1], method="forward")  # (13 + 1)·9
    126
    """
    P = n_parameters(_sizes(sizes, m))
    passes = {"forward": P + 1, "central": 2 * P}[
        check_choice(method, "method", ("forward", "central"))
    ]
    return passes * forward_macs(sizes, m)


def forward_mode_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of a forward-mode gradient: one primal pass, then one tangent pass per parameter.

    A tangent seeded at a parameter of layer l is zero below layer l, and
    its dz^l needs no product (only one row of w^l moves). Each layer
    l′ > l then costs m n_{l′} n_{l′−1}. So the total is
    m·W + Σ_l P_l · m Σ_{l′>l} n_{l′} n_{l′−1}, with P_l = n_l (n_{l−1} + 1).

    Examples
    --------
    >>> forward_mode_macs([2, 3, 1])  # 9 + 9·(1·3) + 4·0
    36
    """
    s = _sizes(sizes, m)
    L = len(s) - 1
    total = forward_macs(s, m)
    for l in range(1, L + 1):
        P_l = s[l] * (s[l - 1] + 1)
        above = sum(s[k] * s[k - 1] for k in range(l + 1, L + 1))
        total += P_l * m * above
    return total


def neuron_forward_mode_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of forward mode seeded per neuron (:func:`bp.naive.neuron_forward_mode_gradient`).

    One primal pass (m·W); then, for each of the n_l neurons of each layer
    l, a tangent pass through the layers above, m Σ_{l′>l} n_{l′} n_{l′−1};
    then, for each neuron, the (1 × m)(m × n_{l−1}) product that turns its
    errors into the gradient of its weights, m·W for all neurons together.
    Total 2·m·W + Σ_l n_l · m Σ_{l′>l} n_{l′} n_{l′−1}.

    Examples
    --------
    >>> neuron_forward_mode_macs([2, 3, 1])  # 2·9 + 3·(1·3) + 1·0
    27
    """
    s = _sizes(sizes, m)
    L = len(s) - 1
    total = 2 * forward_macs(s, m)
    for l in range(1, L + 1):
        above = sum(s[k] * s[k - 1] for k in range(l + 1, L + 1))
        total += s[l] * m * above
    return total
