"""Activation functions σ and their derivatives σ′: the one place ``bp`` writes them.

Each activation is an object with the forward rule ``a = σ(z)`` and the
local backward rule side by side, so that the chain rule can be read one
layer at a time:

* ``act(z)`` returns the activation ``a = σ(z)``; ``act.value(z, out=…)``
  does the same into a given array;
* ``act.derivative(z, a)`` returns ``σ′(z)`` elementwise (it may use the
  already-computed ``a``, which is cheaper: for the sigmoid,
  ``σ′(z) = a (1 − a)``);
* ``act.vjp(z, a, g)`` returns ``g ⊙ σ′(z)`` — how an error ``g = ∂C/∂a``
  becomes an error ``∂C/∂z``. For softmax, whose Jacobian is not diagonal,
  it is the full vector–Jacobian product;
* ``act.jvp(z, a, dz)`` returns the tangent ``da`` for a tangent ``dz``
  (used by forward-mode differentiation);
* ``act.second_derivative(z, a, d)`` returns σ″(z), given ``d = σ′(z)``
  (used by exact Hessian-vector products).

Every method takes an optional ``out=`` array to write its result into
(which may be one of its inputs where the docstring says so), and
``value``/``vjp``/``jvp`` an optional ``work=`` array of the same shape for
a temporary: the training loop calls them with arrays it allocated once.
A subclass may be written the short way, with ``__call__(z)`` and
``derivative(z, a)`` only: it gets the other forms from those two, and a
subclass that changes ``derivative`` is never bypassed by a faster
``vjp`` of its parent.

All functions are numerically stable: no overflow warnings and finite
results for ``|z|`` up to at least ``1e4`` in float32 and float64.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ._validation import lookup

Array = np.ndarray
Out = (
    np.ndarray | None
)  # an array to write a result into, or None for a new one

__all__ = [
    "Activation",
    "Sigmoid",
    "Tanh",
    "LeCunTanh",
    "ReLU",
    "Identity",
    "Softmax",
    "ACTIVATIONS",
    "get_activation",
    "sigmoid",
    "sigmoid_prime",
    "log_softmax",
]


#: From these z up, e^(−z) is finite (1 above minus ln of the largest number of the dtype).
_SIGMOID_FAST_FROM = {
    np.dtype(t): 1.0 - float(np.log(np.finfo(t).max))
    for t in (np.float32, np.float64)
}


def sigmoid(
    z: np.ndarray,
    out: np.ndarray | None = None,
    work: np.ndarray | None = None,
) -> np.ndarray:
    """The logistic function σ(z) = 1 / (1 + e^(−z)), exact to rounding.

    Computed as written: four passes over the array, one exponential. That
    form is inexact only where e^(−z) overflows (z below about −709 in
    float64, −88 in float32: it gives 0 for a σ(z) that is still
    representable); if the smallest z is there, the whole array is computed
    as σ(z) = e^(min(z, 0)) / (1 + e^(−|z|)) instead, whose exponents are
    both ≤ 0. Neither form uses ``np.where``, whose data-dependent choice
    per number is slow (see the appendix *How fast is bp?*).

    Parameters
    ----------
    z : array_like
    out, work : ndarray, optional
        Arrays of z's shape and dtype to compute in (the result lands in
        ``out``); by default new arrays are allocated.
    """
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    if z.ndim == 0:
        return sigmoid(z.reshape(1))[0]
    return _sigmoid(z, out, work)


def _sigmoid(
    z: np.ndarray, out: np.ndarray | None, work: np.ndarray | None
) -> np.ndarray:
    """:func:`sigmoid` of a float array with at least one dimension (no checks)."""
    # from the dtype's bound up, e^(−z) is finite and the definition exact
    if z.size and np.minimum.reduce(z, axis=None) >= _SIGMOID_FAST_FROM.get(
        z.dtype, 0.0
    ):
        a = np.negative(z, out=out)
        np.exp(a, out=a)  # e^(−z)
        a += 1
        return np.reciprocal(a, out=a)  # σ = 1 / (1 + e^(−z))
    out = np.minimum(z, 0, out=out)
    np.exp(out, out=out)  # e^z where z < 0, 1 elsewhere
    work = np.abs(z, out=work)
    np.negative(work, out=work)
    np.exp(work, out=work)
    work += 1  # 1 + e^(−|z|)
    out /= work  # σ = e^(min(z, 0)) / (1 + e^(−|z|))
    return out


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """σ′(z) = σ(z) (1 − σ(z)), from z (:meth:`Sigmoid.derivative` from z)."""
    z = np.asarray(z)
    return _SIGMOID.derivative(z, sigmoid(z))


def _into(out: np.ndarray | None, result: np.ndarray) -> np.ndarray:
    """``result``, copied into ``out`` when an output array is given."""
    if out is None:
        return result
    np.copyto(out, result)
    return out


def _takes_out(method: Callable[..., Any]) -> bool:
    """Whether ``method`` accepts an ``out=`` argument."""
    try:
        return "out" in inspect.signature(method).parameters
    except (
        TypeError,
        ValueError,
    ):  # pragma: no cover - builtins without a signature
        return False


class Activation:
    """Base class: an activation σ with derivative σ′ (elementwise unless stated).

    Subclasses define :meth:`value` (or ``__call__(z)``) and
    :meth:`derivative`; :meth:`vjp` and :meth:`jvp` follow from
    :meth:`derivative` for an elementwise activation.
    """

    name: str = ""
    elementwise: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if "__call__" in own and "value" not in own:
            call = own["__call__"]

            def value(
                self: Activation, z: Array, out: Out = None, work: Out = None
            ) -> Array:
                return _into(out, call(self, z))

            cls.value = value  # type: ignore[method-assign]
            cls.__call__ = Activation.__call__  # type: ignore[method-assign]
        if "derivative" in own:
            if not _takes_out(own["derivative"]):
                short = own["derivative"]

                def derivative(
                    self: Activation, z: Array, a: Array, out: Out = None
                ) -> Array:
                    return _into(out, short(self, z, a))

                cls.derivative = derivative  # type: ignore[method-assign]
            if (
                cls.elementwise
            ):  # a parent's faster vjp/jvp would skip the new σ′
                if "vjp" not in own:
                    cls.vjp = Activation.vjp  # type: ignore[method-assign]
                if "jvp" not in own:
                    cls.jvp = Activation.jvp  # type: ignore[method-assign]

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """a = σ(z), a new array."""
        return self.value(np.asarray(z))

    def value(
        self,
        z: np.ndarray,
        out: np.ndarray | None = None,
        work: np.ndarray | None = None,
    ) -> np.ndarray:  # pragma: no cover - abstract
        """a = σ(z), into ``out`` if given (``work``: a temporary of z's shape)."""
        raise NotImplementedError

    def derivative(
        self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:  # pragma: no cover - abstract
        """σ′(z) elementwise, given a = σ(z); into ``out`` if given."""
        raise NotImplementedError

    def second_derivative(
        self, z: np.ndarray, a: np.ndarray, d: np.ndarray
    ) -> np.ndarray:
        """σ″(z), given a = σ(z) and d = σ′(z)."""
        raise NotImplementedError(
            f"no second derivative for the activation {self.name!r}"
        )

    def vjp(
        self,
        z: np.ndarray,
        a: np.ndarray,
        g: np.ndarray,
        out: np.ndarray | None = None,
        work: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return ``g ⊙ σ′(z)``: the error with respect to z given ``g = ∂C/∂a``.

        ``out`` may be ``g`` itself; ``work`` receives σ′(z).
        """
        return np.multiply(g, self.derivative(z, a, out=work), out=out)

    def jvp(
        self,
        z: np.ndarray,
        a: np.ndarray,
        dz: np.ndarray,
        out: np.ndarray | None = None,
        work: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return the tangent ``da = σ′(z) ⊙ dz`` (``out`` may be ``dz``)."""
        return np.multiply(self.derivative(z, a, out=work), dz, out=out)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """Logistic sigmoid σ(z) = 1 / (1 + e^(−z)); σ′ = σ (1 − σ)."""

    name = "sigmoid"

    def value(self, z: Array, out: Out = None, work: Out = None) -> Array:
        if z.ndim == 0 or z.dtype.kind != "f":
            return sigmoid(z, out=out, work=work)
        return _sigmoid(z, out, work)  # a float array: no conversion needed

    def derivative(self, z: Array, a: Array, out: Out = None) -> Array:
        s = np.subtract(1, a, out=out)
        s *= a  # a (1 − a)
        return s

    def second_derivative(self, z: Array, a: Array, d: Array) -> Array:
        return d * (1 - 2 * a)  # σ″ = σ′ (1 − 2a)


class Tanh(Activation):
    """Hyperbolic tangent; σ′ = 1 − tanh²."""

    name = "tanh"

    def value(self, z: Array, out: Out = None, work: Out = None) -> Array:
        return np.tanh(z, out=out)

    def derivative(self, z: Array, a: Array, out: Out = None) -> Array:
        s = np.multiply(a, a, out=out)
        return np.subtract(1, s, out=out)  # 1 − a²

    def second_derivative(self, z: Array, a: Array, d: Array) -> Array:
        return -2 * a * d  # σ″ = −2a σ′


class LeCunTanh(Activation):
    """LeCun et al.'s symmetric sigmoid f(z) = 1.7159 tanh(2z/3).

    The constants make f(±1) ≈ ±1, so targets at ±1 sit where the
    second derivative is largest rather than in the flat tails.
    σ′(z) = 1.7159 · (2/3) · (1 − tanh²(2z/3)) = (2/3)(1.7159 − a²/1.7159).
    """

    name = "lecun_tanh"
    A = 1.7159
    S = 2.0 / 3.0

    def value(self, z: Array, out: Out = None, work: Out = None) -> Array:
        a = np.multiply(z, self.S, out=out)
        a = np.tanh(a, out=out)
        a *= self.A
        return a

    def derivative(self, z: Array, a: Array, out: Out = None) -> Array:
        s = np.multiply(a, a, out=out)
        s *= -self.S / self.A
        s += self.S * self.A  # S (A − a²/A)
        return s

    def second_derivative(self, z: Array, a: Array, d: Array) -> Array:
        return (-2 * self.S / self.A) * a * d  # σ″ = −(2S/A) a σ′


class ReLU(Activation):
    """Rectified linear unit max(0, z); σ′ = 1 for z > 0, else 0."""

    name = "relu"

    def value(self, z: Array, out: Out = None, work: Out = None) -> Array:
        return np.maximum(z, 0, out=out)

    def derivative(self, z: Array, a: Array, out: Out = None) -> Array:
        if out is None:
            return (z > 0).astype(z.dtype)
        return np.greater(z, 0, out=out)

    def second_derivative(self, z: Array, a: Array, d: Array) -> Array:
        return np.zeros_like(d)  # piecewise linear: σ″ = 0 wherever it exists


class Identity(Activation):
    """The identity σ(z) = z (a linear output layer); σ′ = 1."""

    name = "identity"

    def value(self, z: Array, out: Out = None, work: Out = None) -> Array:
        return _into(out, z) if out is not None else z.copy()

    def derivative(self, z: Array, a: Array, out: Out = None) -> Array:
        if out is None:
            return np.ones_like(z)
        out.fill(1)
        return out

    def second_derivative(self, z: Array, a: Array, d: Array) -> Array:
        return np.zeros_like(d)

    def vjp(
        self, z: Array, a: Array, g: Array, out: Out = None, work: Out = None
    ) -> Array:
        return g if out is None or out is g else _into(out, g)

    def jvp(
        self, z: Array, a: Array, dz: Array, out: Out = None, work: Out = None
    ) -> Array:
        return dz if out is None or out is dz else _into(out, dz)


class Softmax(Activation):
    """Softmax over the last axis: a_j = e^(z_j) / Σ_k e^(z_k).

    Not elementwise: ∂a_j/∂z_k = a_j (δ_jk − a_k). Allowed only in the
    output layer. Computed stably by subtracting max(z) first.
    """

    name = "softmax"
    elementwise = False

    def value(self, z: Array, out: Out = None, work: Out = None) -> Array:
        # (ufunc reductions called directly: z.max and e.sum add a Python layer)
        e = np.subtract(
            z, np.maximum.reduce(z, axis=-1, keepdims=True), out=out
        )
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=-1, keepdims=True)
        return e

    def derivative(self, z: Array, a: Array, out: Out = None) -> Array:
        raise TypeError(
            "softmax has no elementwise derivative (its Jacobian is not diagonal); "
            "use vjp() or jvp()"
        )

    def vjp(
        self, z: Array, a: Array, g: Array, out: Out = None, work: Out = None
    ) -> Array:
        """a ⊙ (g − (a·g)): the product with the symmetric Jacobian diag(a) − a aᵀ."""
        ag = np.einsum("...j,...j->...", a, g)[..., None]
        r = np.subtract(g, ag, out=out)
        r *= a
        return r

    def jvp(
        self, z: Array, a: Array, dz: Array, out: Out = None, work: Out = None
    ) -> Array:
        return self.vjp(z, a, dz, out=out)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """ln softmax(z) over the last axis, to a small relative error.

    ln a_j = (z_j − max z) − ln(1 + S), S = sum of e^(z_k − max z) over every
    k except the place of the largest z_k: no exponent is positive, and
    ``log1p`` keeps the result accurate where it is tiny (a confident output).

    Parameters
    ----------
    z : ndarray, shape (m, n)

    Returns
    -------
    ndarray, shape (m, n)
    """
    top = z.argmax(axis=-1)
    rows = np.arange(z.shape[0])
    shifted = z - z[rows, top][:, None]  # ≤ 0: exp cannot overflow
    e = np.exp(shifted)
    e[rows, top] = 0  # leave out the largest term, e^0 = 1: log1p adds it
    return shifted - np.log1p(e.sum(axis=-1, keepdims=True))


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Sigmoid, Tanh, LeCunTanh, ReLU, Identity, Softmax)
}


def get_activation(
    name: str | Activation, argument: str = "activation"
) -> Activation:
    """Return the activation called ``name`` (or ``name`` itself if it is one).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    TypeError
        If ``name`` is neither a string nor an :class:`Activation`.
    """
    return lookup(name, ACTIVATIONS, Activation, "an activation", argument)


_SIGMOID = Sigmoid()
