"""Gradient checking: compare a gradient with centred finite differences.

Practitioners' rule of thumb (CS231n notes), in double precision with
centred differences: a relative error around 1e-7 or below is good;
above 1e-2 the gradient is almost certainly wrong. The notes state it for
one derivative at a time. :func:`check_gradient` applies it to each
parameter array separately — ∂C/∂w^l and ∂C/∂b^l of every layer — so that
a wrong gradient in a layer whose derivatives are small (the first layers
of a deep sigmoid network) cannot hide behind the large derivatives of the
others, as it can in one ratio over the whole gradient.

UFLDL's exercise uses ‖g − g_num‖ / ‖g + g_num‖ with ε = 1e-4 and expects
below 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_matching, check_positive, overflow_as_error
from .naive import finite_difference_gradient
from .network import Gradient, Network

__all__ = ["relative_error", "GradientCheck", "check_gradient"]


@overflow_as_error("g or g_ref")
def relative_error(g: ArrayLike, g_ref: ArrayLike) -> float:
    """‖g − g_ref‖₂ / max(‖g‖₂, ‖g_ref‖₂): 0 for equal vectors, at most 2.

    Parameters
    ----------
    g, g_ref : array_like
        Any shapes with the same number of elements; both are flattened.

    Returns
    -------
    float
        The relative error; two zero vectors give 0.

    Raises
    ------
    ValueError
        If ``g`` and ``g_ref`` have different numbers of elements.
    """
    g, h = check_matching(g, g_ref, ("g", "g_ref"))
    scale = max(np.linalg.norm(g), np.linalg.norm(h))
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(g - h) / scale)


@dataclass
class GradientCheck:
    """Result of :func:`check_gradient`.

    Attributes
    ----------
    relative_error : float
        :func:`relative_error` of the whole gradient, all P derivatives in
        one vector. Dominated by the largest derivatives.
    max_abs_error : float
        Largest absolute difference of one derivative.
    n_parameters : int
        P, the number of derivatives compared.
    eps : float
        The finite-difference step ε.
    tolerance : float
        The largest relative error that passes.
    w_errors, b_errors : list
        Indexed like the text and like :class:`bp.network.Gradient`:
        ``w_errors[l]`` is the relative error of ∂C/∂w^l alone,
        ``b_errors[l]`` that of ∂C/∂b^l, for l = 1..L; index 0 is ``None``.
    """

    relative_error: float
    max_abs_error: float
    n_parameters: int
    eps: float
    tolerance: float
    w_errors: list
    b_errors: list

    @property
    def layer_errors(self) -> dict[str, float]:
        """The relative error of each parameter array, by name: ``{"w^1": …, "b^1": …, …}``."""
        out: dict[str, float] = {}
        for l in range(1, len(self.w_errors)):
            out[f"w^{l}"] = self.w_errors[l]
            out[f"b^{l}"] = self.b_errors[l]
        return out

    @property
    def max_layer_error(self) -> float:
        """The largest relative error of one parameter array (the checked quantity)."""
        return max(self.layer_errors.values())

    @property
    def worst(self) -> str:
        """The name of the parameter array with the largest relative error, such as ``"b^1"``."""
        errors = self.layer_errors
        return max(errors, key=errors.__getitem__)

    @property
    def passed(self) -> bool:
        """True when every parameter array, and the whole gradient, are within ``tolerance``."""
        return (
            self.max_layer_error <= self.tolerance
            and self.relative_error <= self.tolerance
        )

    def __str__(self) -> str:
        verdict = "ok" if self.passed else "FAILED"
        return (
            f"gradient check {verdict}: largest relative error per layer "
            f"{self.max_layer_error:.2e} ({self.worst}), whole gradient "
            f"{self.relative_error:.2e} (tolerance {self.tolerance:.0e}), "
            f"max |difference| {self.max_abs_error:.2e}, {self.n_parameters} parameters, "
            f"eps {self.eps:.0e}"
        )


def check_gradient(
    net: Network,
    X: ArrayLike,
    y: ArrayLike,
    gradient: Gradient | None = None,
    *,
    eps: float = 1e-5,
    tolerance: float = 1e-7,
) -> GradientCheck:
    """Compare a gradient (backprop's by default) with centred differences.

    Every parameter θ_i is moved by ±ε in turn, and
    (C(θ + ε e_i) − C(θ − ε e_i)) / (2ε) is compared with the gradient's
    entry, one parameter array at a time (see :class:`GradientCheck`).

    Parameters
    ----------
    net : Network
        Its parameters are perturbed in place and restored exactly.
    X : array_like, shape (m, n_0)
        One example per row.
    y : array_like, shape (m, n_L), or shape (m,) of integer class labels
    gradient : Gradient, optional
        The gradient to check, with arrays shaped like ``net.w`` and
        ``net.b``; default ``net.backprop(X, y)``.
    eps : float
        Finite-difference step ε > 0.
    tolerance : float
        ``passed`` is true when the relative error of every ∂C/∂w^l and
        ∂C/∂b^l, and of the whole gradient, is at most ``tolerance`` > 0.

    Returns
    -------
    GradientCheck

    Raises
    ------
    TypeError
        If ``gradient`` is not a :class:`bp.network.Gradient`, or ``eps`` or
        ``tolerance`` is not a number.
    ValueError
        If ``eps`` or ``tolerance`` is not positive, if an array of
        ``gradient`` has the wrong shape, or for bad data (see
        :meth:`bp.network.Network.backprop`).
    """
    check_positive(eps, "eps")
    check_positive(tolerance, "tolerance")
    if gradient is None:
        gradient = net.backprop(X, y)
    elif not isinstance(gradient, Gradient):
        raise TypeError(
            f"gradient must be a bp.Gradient, got {type(gradient).__name__}"
        )
    else:
        _check_shapes(net, gradient)
    numeric = finite_difference_gradient(net, X, y, eps=eps, method="central")
    g, h = gradient.flat(), numeric.flat()
    w_errors: list = [None]
    b_errors: list = [None]
    for l in range(1, net.L + 1):
        w_errors.append(relative_error(gradient.w[l], numeric.w[l]))
        b_errors.append(relative_error(gradient.b[l], numeric.b[l]))
    return GradientCheck(
        relative_error=relative_error(g, h),
        max_abs_error=float(np.max(np.abs(g - h))),
        n_parameters=g.size,
        eps=float(eps),
        tolerance=float(tolerance),
        w_errors=w_errors,
        b_errors=b_errors,
    )


def _check_shapes(net: Network, gradient: Gradient) -> None:
    """Raise ValueError unless ``gradient`` has one array per parameter array of ``net``."""
    if len(gradient.w) != net.L + 1 or len(gradient.b) != net.L + 1:
        raise ValueError(
            f"gradient must have arrays for layers 1..{net.L} (lists of length {net.L + 1}), "
            f"got lists of length {len(gradient.w)} and {len(gradient.b)}"
        )
    for l in range(1, net.L + 1):
        for name, got, want in (
            ("w", gradient.w[l], net.w[l]),
            ("b", gradient.b[l], net.b[l]),
        ):
            if np.shape(got) != want.shape:
                raise ValueError(
                    f"gradient.{name}[{l}] must have shape {want.shape}, got {np.shape(got)}"
                )
