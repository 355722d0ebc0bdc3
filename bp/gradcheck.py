"""Gradient checking: compare a gradient with centred finite differences.

Practitioners' rule of thumb (CS231n notes), in double precision with
centred differences: a relative error around 1e-7 or below is good;
above 1e-2 the gradient is almost certainly wrong. UFLDL's exercise uses
‖g − g_num‖ / ‖g + g_num‖ with ε = 1e-4 and expects below 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .naive import finite_difference_gradient
from .network import Gradient, Network

__all__ = ["relative_error", "GradientCheck", "check_gradient"]


def relative_error(g, g_ref) -> float:
    """‖g − g_ref‖₂ / max(‖g‖₂, ‖g_ref‖₂): 0 for equal vectors, at most 2.

    Both arguments are flattened; two zero vectors give 0.
    """
    g = np.ravel(np.asarray(g, dtype=np.float64))
    h = np.ravel(np.asarray(g_ref, dtype=np.float64))
    if g.shape != h.shape:
        raise ValueError(f"g and g_ref must have the same size, got {g.size} and {h.size}")
    scale = max(np.linalg.norm(g), np.linalg.norm(h))
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(g - h) / scale)


@dataclass
class GradientCheck:
    """Result of :func:`check_gradient`."""

    relative_error: float
    max_abs_error: float
    n_parameters: int
    eps: float
    tolerance: float

    @property
    def passed(self) -> bool:
        return self.relative_error <= self.tolerance

    def __str__(self) -> str:
        verdict = "ok" if self.passed else "FAILED"
        return (
            f"gradient check {verdict}: relative error {self.relative_error:.2e} "
            f"(tolerance {self.tolerance:.0e}), max |difference| {self.max_abs_error:.2e}, "
            f"{self.n_parameters} parameters, eps {self.eps:.0e}"
        )


def check_gradient(
    net: Network,
    X,
    y,
    gradient: Gradient | None = None,
    *,
    eps: float = 1e-5,
    tolerance: float = 1e-7,
) -> GradientCheck:
    """Compare a gradient (backprop's by default) with centred differences.

    Parameters
    ----------
    net : Network
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L) or (m,) class labels
    gradient : Gradient, optional
        The gradient to check; default ``net.backprop(X, y)``.
    eps : float
        Finite-difference step.
    tolerance : float
        ``passed`` is ``relative_error <= tolerance``.
    """
    if gradient is None:
        gradient = net.backprop(X, y)
    numeric = finite_difference_gradient(net, X, y, eps=eps, method="central")
    g, h = gradient.flat(), numeric.flat()
    return GradientCheck(
        relative_error=relative_error(g, h),
        max_abs_error=float(np.max(np.abs(g - h))),
        n_parameters=g.size,
        eps=eps,
        tolerance=tolerance,
    )
