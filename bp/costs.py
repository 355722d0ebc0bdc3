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
* ``cost.gradient_a(a, y)``: ∇_a C_x, shape (m, n_L);
* ``cost.output_error(z, a, y, activation, out=None)``: δ^L, shape
  (m, n_L), one row per example (BP1), into ``out`` if given;
* ``cost.output_error_tangent(z, a, y, activation, dz, da)``: δ^L and its
  tangent when z^L and a^L move by dz, da (for exact Hessian-vector
  products).

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
from .activations import Activation, log_softmax

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
    """Base class of the costs.

    A subclass defines :meth:`value` and :meth:`gradient_a`; BP1 then gives
    :meth:`output_error` as ``activation.vjp(z, a, ∇_a C_x)``. A cost whose
    δ^L simplifies (cross-entropy, log-likelihood) overrides it.
    """

    name: str = ""
    #: The output activation this cost must be paired with, or None for any.
    requires_output: str | None = None

    def value(
        self, z: np.ndarray, a: np.ndarray, y: np.ndarray
    ) -> np.ndarray:  # pragma: no cover
        """The per-example costs C_x, shape (m,)."""
        raise NotImplementedError

    def gradient_a(
        self, a: np.ndarray, y: np.ndarray
    ) -> np.ndarray:  # pragma: no cover
        """∇_a C_x, one row per example, shape (m, n_L)."""
        raise NotImplementedError

    def output_error(
        self,
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: Activation,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """δ^L = ∇_a C_x ⊙ σ′(z^L) (BP1; the vector–Jacobian product for softmax)."""
        g = self.gradient_a(a, y)
        return activation.vjp(z, a, g, out=out if out is not None else g)

    def output_error_tangent(
        self,
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: Activation,
        dz: np.ndarray,
        da: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """δ^L and its tangent when z^L, a^L move by ``dz``, ``da`` (y fixed)."""
        raise NotImplementedError(
            f"no output-error tangent for the cost {self.name!r}"
        )

    def gauss_newton_diagonal(
        self, z: np.ndarray, a: np.ndarray, activation: Activation
    ) -> np.ndarray:
        """The Gauss–Newton diagonal ∂²C_x/∂(z^L_j)², shape (m, n_L) (see
        :func:`bp.curvature.diagonal_hessian`)."""
        raise NotImplementedError(
            f"no output curvature for the cost {self.name!r}"
        )

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

    def gradient_a(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return a - y

    def gauss_newton_diagonal(
        self, z: np.ndarray, a: np.ndarray, activation: Activation
    ) -> np.ndarray:
        # ½‖a − y‖²: Gauss–Newton keeps Jᵀ J and drops the term in (a − y) σ″.
        if activation.elementwise:
            d = activation.derivative(z, a)
            return d * d
        # Softmax output: J_ij = a_i (δ_ij − a_j); diag(JᵀJ)_j = Σ_i J_ij².
        sum_sq = np.sum(a * a, axis=1, keepdims=True)
        return a * a * ((1.0 - a) ** 2 + sum_sq - a * a)

    def output_error_tangent(
        self,
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: Activation,
        dz: np.ndarray,
        da: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        g = a - y  # ∇_a C_x, whose tangent is da
        if not activation.elementwise:  # softmax: δ = a ⊙ (g − a·g), a product
            ag = (a * g).sum(axis=-1, keepdims=True)
            d_ag = (da * g + a * da).sum(axis=-1, keepdims=True)
            return a * (g - ag), da * (g - ag) + a * (da - d_ag)
        d = activation.derivative(z, a)  # elementwise: δ = g ⊙ σ′(z)
        return g * d, da * d + g * activation.second_derivative(z, a, d) * dz


class _MatchedCost(Cost):
    """A cost paired with its output activation so that BP1 simplifies to δ^L = a^L − y.

    Cross-entropy with a sigmoid output and log-likelihood with softmax: in
    ∇_a C_x ⊙ σ′(z^L) (or the softmax's vector–Jacobian product) the
    activation's derivative cancels.
    """

    def output_error(
        self,
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: Activation,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        return np.subtract(a, y, out=out)  # σ′ cancels

    def output_error_tangent(
        self,
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: Activation,
        dz: np.ndarray,
        da: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        return a - y, da

    def gauss_newton_diagonal(
        self, z: np.ndarray, a: np.ndarray, activation: Activation
    ) -> np.ndarray:
        # Exact: the Hessian of C_x in z^L is diag(a(1 − a)) for a sigmoid output and
        # diag(a) − a aᵀ for softmax; its diagonal is a(1 − a) in both cases.
        return a * (1.0 - a)


class CrossEntropy(_MatchedCost):
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

    def gradient_a(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (a - y) / (a * (1 - a))

    def check_targets(self, y: np.ndarray, argument: str = "y") -> None:
        if np.any(y < 0) or np.any(y > 1):
            raise ValueError(
                f"{argument}: cross-entropy targets must lie in [0, 1]"
            )


class LogLikelihood(_MatchedCost):
    """Log-likelihood for a softmax output, C_x = −ln a^L_c for the class c.

    For one-hot (or probability) target rows, C_x = −Σ_j y_j ln a_j, with
    ln a from :func:`bp.activations.log_softmax`, which keeps a small
    relative error where C_x is tiny (a confident, correct output).
    δ^L = a^L − y.
    Targets must be non-negative rows that sum to 1.
    """

    name = "log_likelihood"
    requires_output = "softmax"

    def value(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return -(y * log_softmax(z)).sum(axis=1)

    def gradient_a(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return -y / a

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
