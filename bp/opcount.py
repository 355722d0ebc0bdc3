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
    """Accumulates the multiply–adds of the matrix products it is told about."""

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
    """Count the MACs of every :func:`matmul` run inside the ``with`` block."""
    counter = OpCounter()
    _active.append(counter)
    try:
        yield counter
    finally:
        _active.remove(counter)


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``a @ b`` for 2-D arrays, counted by any active :class:`OpCounter`."""
    if _active:
        m, k = a.shape
        n = b.shape[1]
        for counter in _active:
            counter.add(m, k, n)
    return np.matmul(a, b, out=out)


def _sizes(sizes: Sequence[int]) -> list[int]:
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive layer widths, got {sizes!r}")
    return sizes


def n_weights(sizes: Sequence[int]) -> int:
    """Number of weights Σ_l n_l n_{l−1} (biases excluded)."""
    s = _sizes(sizes)
    return sum(s[l] * s[l - 1] for l in range(1, len(s)))


def n_parameters(sizes: Sequence[int]) -> int:
    """Number of parameters P = Σ_l n_l (n_{l−1} + 1), weights and biases."""
    s = _sizes(sizes)
    return sum(s[l] * (s[l - 1] + 1) for l in range(1, len(s)))


def n_neurons(sizes: Sequence[int]) -> int:
    """Number of neurons outside the input layer, K = n_1 + … + n_L."""
    s = _sizes(sizes)
    return sum(s[1:])


def forward_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of one forward pass over m examples: m Σ_l n_l n_{l−1} = m·W."""
    return m * n_weights(sizes)


def backward_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of one backward pass over m examples.

    BP4 costs m n_l n_{l−1} in every layer l = 1..L; BP2 costs the same in
    layers l = 2..L (no error is needed for the input layer). Total
    2·m·W − m·n_1·n_0.
    """
    s = _sizes(sizes)
    return 2 * m * n_weights(s) - m * s[1] * s[0]


def gradient_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of one gradient by backpropagation: a forward plus a backward pass."""
    return forward_macs(sizes, m) + backward_macs(sizes, m)


def finite_difference_macs(sizes: Sequence[int], m: int = 1, method: str = "central") -> int:
    """MACs of a finite-difference gradient over all P parameters.

    ``"forward"`` (one-sided): P + 1 forward passes; ``"central"``: 2P.
    """
    P = n_parameters(sizes)
    if method == "forward":
        passes = P + 1
    elif method == "central":
        passes = 2 * P
    else:
        raise ValueError(f"method must be 'forward' or 'central', got {method!r}")
    return passes * forward_macs(sizes, m)


def forward_mode_macs(sizes: Sequence[int], m: int = 1) -> int:
    """MACs of a forward-mode gradient: one primal pass, then one tangent pass per parameter.

    A tangent seeded at a parameter of layer l is zero below layer l, and
    its dz^l needs no product (only one row of w^l moves). Each layer
    l′ > l then costs m n_{l′} n_{l′−1}. So the total is
    m·W + Σ_l P_l · m Σ_{l′>l} n_{l′} n_{l′−1}, with P_l = n_l (n_{l−1} + 1).
    """
    s = _sizes(sizes)
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
    """
    s = _sizes(sizes)
    L = len(s) - 1
    total = 2 * forward_macs(s, m)
    for l in range(1, L + 1):
        above = sum(s[k] * s[k - 1] for k in range(l + 1, L + 1))
        total += s[l] * m * above
    return total
