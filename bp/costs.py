"""Cost functions C and the output error δ^L = ∂C_x/∂z^L (equation BP1).

The four equations of backpropagation, in their per-example form, make two
assumptions about the cost (see the chapter *Cost functions*):

1. the cost is an average over examples, C = (1/m) Σ_x C_x, so the
   gradient is the average of per-example gradients;
2. each C_x depends on the network only through its output activations
   a^L.

(Reverse-mode differentiation in general needs neither; a term that breaks
assumption 2, such as weight decay, has its derivative added separately.)

Each cost here provides

* ``cost.value(z, a, y)``: the per-example costs C_x, shape (m,);
* ``cost.output_error(z, a, y, activation)``: δ^L, shape (m, n_L),
  one row per example.

``z`` and ``a`` are the output layer's weighted inputs and activations,
shape (m, n_L); ``y`` are the targets, same shape. The value is computed
from ``z`` where that is more stable than from ``a``: cross-entropy and
log-likelihood never take the log of a rounded 0 or 1, never overflow, and
add only terms of one sign, so each C_x is accurate to a small *relative*
error, even where it is tiny (a confident, correct output).
"""

from __future__ import annotations

import numpy as np

from ._validation import lookup
from .activations import Activation

__all__ = [
    "softplus",
    "Cost",
    "Quadratic",
    "CrossEntropy",
    "LogLikelihood",
    "COSTS",
    "get_cost",
]


def softplus(z: np.ndarray) -> np.ndarray:
    """softplus(z) = ln(1 + e^z), computed as max(z, 0) + ln(1 + e^(−abs(z))).

    The exponent is ≤ 0, so nothing overflows, and ``log1p`` keeps a small
    relative error also where the result is tiny (softplus(−40) ≈ 4e−18).

    Parameters
    ----------
    z : array_like
        Any shape.

    Returns
    -------
    ndarray, same shape as ``z``
        Positive (or 0 where e^z underflows).
    """
    z = np.asarray(z)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


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

    def value(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        d = a - y
        return 0.5 * np.einsum("ij,ij->i", d, d)

    def output_error(self, z: np.ndarray, a: np.ndarray, y: np.ndarray,
                     activation: Activation) -> np.ndarray:
        return activation.vjp(z, a, a - y)


class CrossEntropy(Cost):
    """Cross-entropy for sigmoid outputs, with targets in [0, 1].

    C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)] with a = σ(z). As
    ln a = −softplus(−z) and ln(1 − a) = −softplus(z), it is computed as
    Σ_j [y_j softplus(−z_j) + (1 − y_j) softplus(z_j)]: nothing overflows,
    and both terms are ≥ 0, so nothing cancels. In the derivative the σ′
    factor drops out: δ^L = a^L − y.
    """

    name = "cross_entropy"
    requires_output = "sigmoid"

    def value(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        terms = y * softplus(-z) + (1 - y) * softplus(z)
        return terms.sum(axis=1)

    def output_error(self, z: np.ndarray, a: np.ndarray, y: np.ndarray,
                     activation: Activation) -> np.ndarray:
        return a - y

    def check_targets(self, y: np.ndarray, argument: str = "y") -> None:
        if np.any(y < 0) or np.any(y > 1):
            raise ValueError(
                f"{argument}: cross-entropy targets must lie in [0, 1]"
            )


class LogLikelihood(Cost):
    """Log-likelihood for a softmax output, C_x = −ln a^L_c for the class c.

    For one-hot (or probability) target rows, C_x = −Σ_j y_j ln a_j, with

        ln a_j = (z_j − max z) − ln(1 + S),  S = sum of e^(z_k − max z)
        over every k except the place of the largest z_k.

    No exponent is positive, and ``log1p`` keeps a small relative error
    where C_x is tiny (a confident, correct output). δ^L = a^L − y.
    Targets must be non-negative rows that sum to 1.
    """

    name = "log_likelihood"
    requires_output = "softmax"

    def value(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        top = z.argmax(axis=1)
        rows = np.arange(z.shape[0])
        shifted = z - z[rows, top][:, None]  # ≤ 0: exp cannot overflow
        e = np.exp(shifted)
        e[rows, top] = 0  # leave out the largest term, e^0 = 1: log1p adds it
        log_a = shifted - np.log1p(e.sum(axis=1, keepdims=True))
        return -(y * log_a).sum(axis=1)

    def output_error(self, z: np.ndarray, a: np.ndarray, y: np.ndarray,
                     activation: Activation) -> np.ndarray:
        return a - y

    def check_targets(self, y: np.ndarray, argument: str = "y") -> None:
        tol = 1e-3 if y.dtype == np.float32 else 1e-6
        if np.any(y < 0) or np.any(np.abs(y.sum(axis=1) - 1) > tol):
            raise ValueError(
                f"{argument}: log-likelihood targets must be one-hot or "
                "probability rows (non-negative, summing to 1); pass integer "
                "class labels to have them one-hot encoded"
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
