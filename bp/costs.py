"""Cost functions C and the output error δ^L = ∂C_x/∂z^L (equation BP1).

Backpropagation needs two assumptions about the cost (see the chapter
*Cost functions*):

1. the cost is an average over training examples, C = (1/m) Σ_x C_x, so
   the gradient is the average of per-example gradients;
2. each C_x depends on the network only through its output activations
   a^L.

Each cost here provides

* ``cost.value(z, a, y)``: the per-example costs C_x, shape (m,);
* ``cost.output_error(z, a, y, activation)``: δ^L, shape (m, n_L),
  one row per example.

``z`` and ``a`` are the output layer's weighted inputs and activations,
shape (m, n_L); ``y`` are the targets, same shape. The value is computed
from ``z`` where that is more stable than from ``a`` (cross-entropy and
log-likelihood never take the log of a rounded 0 or 1).
"""

from __future__ import annotations

import numpy as np

from ._validation import lookup
from .activations import Activation

__all__ = [
    "Cost",
    "Quadratic",
    "CrossEntropy",
    "LogLikelihood",
    "COSTS",
    "get_cost",
]


class Cost:
    """Base class of the costs."""

    name: str = ""
    #: The output activation this cost must be paired with, or None for any.
    requires_output: str | None = None

    def value(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def output_error(
        self, z: np.ndarray, a: np.ndarray, y: np.ndarray, activation: Activation
    ) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def check_targets(self, y: np.ndarray, argument: str = "y") -> None:
        """Raise ValueError if the targets are outside this cost's domain."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Quadratic(Cost):
    """Quadratic cost C_x = ½ ‖a^L − y‖².

    ∇_a C_x = a^L − y, so δ^L = (a^L − y) ⊙ σ′(z^L) (BP1); with a softmax
    output the full vector–Jacobian product is used instead of ⊙.
    """

    name = "quadratic"

    def value(self, z, a, y):
        d = a - y
        return 0.5 * np.einsum("ij,ij->i", d, d)

    def output_error(self, z, a, y, activation):
        return activation.vjp(z, a, a - y)


class CrossEntropy(Cost):
    """Cross-entropy for sigmoid outputs, C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)].

    With a = σ(z) this equals Σ_j [softplus(z_j) − y_j z_j], which is how
    it is computed. The σ′ factor cancels: δ^L = a^L − y.
    Targets must lie in [0, 1].
    """

    name = "cross_entropy"
    requires_output = "sigmoid"

    def value(self, z, a, y):
        return (np.logaddexp(0, z) - y * z).sum(axis=1)

    def output_error(self, z, a, y, activation):
        return a - y

    def check_targets(self, y, argument="y"):
        if np.any(y < 0) or np.any(y > 1):
            raise ValueError(f"{argument}: cross-entropy targets must lie in [0, 1]")


class LogLikelihood(Cost):
    """Log-likelihood for a softmax output, C_x = −ln a^L_{k} for the true class k.

    For targets given as one-hot (or probability) rows, C_x = −Σ_j y_j ln a_j,
    computed from ln softmax(z) = (z − max z) − ln Σ_k e^(z_k − max z),
    which never overflows. δ^L = a^L − y.
    Targets must be non-negative rows that sum to 1.
    """

    name = "log_likelihood"
    requires_output = "softmax"

    def value(self, z, a, y):
        shifted = z - z.max(axis=1, keepdims=True)  # ≤ 0: exp cannot overflow
        log_a = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # ln softmax(z)
        return -(y * log_a).sum(axis=1)

    def output_error(self, z, a, y, activation):
        return a - y

    def check_targets(self, y, argument="y"):
        tol = 1e-3 if y.dtype == np.float32 else 1e-6
        if np.any(y < 0) or np.any(np.abs(y.sum(axis=1) - 1) > tol):
            raise ValueError(
                f"{argument}: log-likelihood targets must be one-hot or probability "
                "rows (non-negative, summing to 1); pass integer class labels to have "
                "them one-hot encoded"
            )


COSTS: dict[str, type[Cost]] = {
    cls.name: cls for cls in (Quadratic, CrossEntropy, LogLikelihood)
}


def get_cost(name: str | Cost, argument: str = "cost") -> Cost:
    """Return the cost called ``name`` (or ``name`` itself if it is a Cost).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    TypeError
        If ``name`` is neither a string nor a :class:`Cost`.
    """
    return lookup(name, COSTS, Cost, "a cost", argument)
