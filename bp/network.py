"""A fully connected feed-forward network and backpropagation.

Notation (the book's, after Nielsen): the input is layer 0 and the output
layer is L. For l = 1, …, L::

    z^l = w^l a^{l−1} + b^l,        a^l = σ^l(z^l),        a^0 = x,

where w^l has shape (n_l, n_{l−1}) — ``w[l][j, k]`` is the weight w^l_{jk}
from neuron k in layer l−1 to neuron j in layer l — and b^l has shape
(n_l,). The lists ``net.w``, ``net.b`` and ``net.activations`` are indexed
exactly like the text: ``net.w[l]`` is w^l, and index 0 holds ``None``
because the input layer has no incoming weights.

**Mini-batches hold one example per row.** A batch of m inputs is an
(m, n_0) array X, and the layer equations for the whole batch read::

    Z^l = A^{l−1} (w^l)ᵀ + b^l,      A^l = σ(Z^l),      A^0 = X,

row i of Z^l being (z^l)ᵀ for example i. Each batch is then a contiguous
slice of the data, and every product is one large matrix product.

The passes themselves are in :mod:`bp.passes`, the one kernel that every
gradient in ``bp`` runs. :class:`Network` validates what it is given, once,
and hands validated arrays to the kernel. Its *inner* methods —
:meth:`Network.check_batch`, :meth:`Network.mean_cost`,
:meth:`Network.penalty`, :meth:`Network.gradient`,
:meth:`Network.example_gradient` — are what other modules build on: the
last four trust their inputs.

The four equations of backpropagation, with δ^l = ∂C_x/∂z^l::

    BP1  δ^L = ∇_a C_x ⊙ σ′(z^L)
    BP2  δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ′(z^l)
    BP3  ∂C_x/∂b^l_j = δ^l_j
    BP4  ∂C_x/∂w^l_{jk} = a^{l−1}_k δ^l_j
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import opcount, passes
from ._validation import (
    check_choice,
    check_dtype,
    check_inputs,
    check_labels,
    check_nonnegative,
    check_seed,
    check_sizes,
    check_targets,
    check_vector,
    overflow_as_error,
)
from .activations import Activation, get_activation
from .costs import Cost, get_cost

__all__ = ["Network", "ForwardPass", "Gradient"]


@dataclass
class ForwardPass:
    """What a forward pass keeps for the backward pass.

    ``z[l]`` and ``a[l]`` are the weighted inputs and activations of layer
    l, each of shape (m, n_l); ``a[0]`` is the input batch and ``z[0]`` is
    ``None``.
    """

    z: list
    a: list

    @property
    def output(self) -> np.ndarray:
        """The output activations a^L, shape (m, n_L)."""
        return self.a[-1]


@dataclass
class Gradient:
    """∂C/∂w^l and ∂C/∂b^l for l = 1..L (index 0 is ``None``, as in the text)."""

    w: list
    b: list

    @classmethod
    def zeros_like(cls, net: Network) -> Gradient:
        """A gradient of zeros, one array shaped like each w^l and b^l of ``net``."""
        return cls(
            [None] + [np.zeros_like(w) for w in net.w[1:]],
            [None] + [np.zeros_like(b) for b in net.b[1:]],
        )

    def flat(self) -> np.ndarray:
        """All partial derivatives in one vector, in the order of :meth:`Network.get_params`."""
        return _flatten(self.w, self.b)


def _flatten(w: list, b: list) -> np.ndarray:
    """w^1 (row-major), b^1, w^2, b^2, … in one vector."""
    return np.concatenate(
        [
            np.concatenate([wl.ravel(), bl.ravel()])
            for wl, bl in zip(w[1:], b[1:])
        ]
    )


class Network:
    """A fully connected network with per-layer activations and a cost.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths [n_0, n_1, …, n_L]: at least two, all positive.
    activations : str or sequence of str
        One activation name for every layer, or a list of L names (layer
        1 to L). Names: ``"sigmoid"``, ``"tanh"``, ``"lecun_tanh"``
        (1.7159 tanh(2z/3)), ``"relu"``, ``"identity"``, ``"softmax"``
        (output layer only).
    cost : str
        ``"quadratic"``, ``"cross_entropy"`` (needs a sigmoid output) or
        ``"log_likelihood"`` (needs a softmax output).
    weight_decay : float
        λ ≥ 0 of the L2 penalty (λ/2) Σ_l ‖w^l‖² added to the mean cost.
        Biases are not decayed.
    seed : int
        Seed of the ``numpy.random.Generator`` that draws the weights.
    dtype : float32 or float64
        Precision of the parameters and of all computation.
    init : str
        ``"lecun"``: w^l_{jk} ~ N(0, 1/n_{l−1}) (standard deviation
        m^(−1/2) for fan-in m, LeCun et al. 1998); ``"standard_normal"``:
        N(0, 1). Biases start at zero.

    Raises
    ------
    ValueError, TypeError
        For fewer than two layer sizes, a non-positive or non-integer width,
        an unknown activation or cost name, a softmax below the output
        layer, an activation/cost pair that does not go together, a
        negative weight decay, or a dtype other than float32/float64.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activations: str | Sequence[str] = "sigmoid",
        cost: str = "quadratic",
        *,
        weight_decay: float = 0.0,
        seed: int = 0,
        dtype: DTypeLike = np.float64,
        init: str = "lecun",
    ) -> None:
        self.sizes = tuple(check_sizes(sizes))
        self.L = len(self.sizes) - 1
        self.dtype = check_dtype(dtype)
        self.weight_decay = float(
            check_nonnegative(weight_decay, "weight_decay")
        )

        if isinstance(activations, (str, Activation)):
            names = [activations] * self.L
        elif not isinstance(activations, (list, tuple)):
            raise TypeError(
                "activations must be an activation name or a list of names, got "
                f"{type(activations).__name__}"
            )
        else:
            names = list(activations)
            if len(names) != self.L:
                raise ValueError(
                    f"activations must be one name or a list of {self.L} names (one per "
                    f"layer 1..L), got {len(names)}"
                )
        self.activations: list = [None] + [
            get_activation(n, f"activations[{i}]") for i, n in enumerate(names)
        ]
        for l in range(1, self.L):
            if not self.activations[l].elementwise:
                raise ValueError(
                    f"activations: {self.activations[l].name} is allowed only in the "
                    f"output layer, found in layer {l}"
                )
        self.cost: Cost = get_cost(cost)
        need = self.cost.requires_output
        if need is not None and self.activations[self.L].name != need:
            raise ValueError(
                f"cost {self.cost.name!r} needs a {need} output layer, got "
                f"activations[-1] = {self.activations[self.L].name!r}"
            )

        rng = np.random.default_rng(check_seed(seed))
        scale: list[Any]  # indexed by layer, like w and b (index 0 unused)
        if check_choice(init, "init", ("lecun", "standard_normal")) == "lecun":
            scale = [None] + [
                1 / np.sqrt(self.sizes[l - 1]) for l in range(1, self.L + 1)
            ]
        else:
            scale = [None] + [1.0] * self.L
        self.w: list = [None]
        self.b: list = [None]
        for l in range(1, self.L + 1):
            n_out, n_in = self.sizes[l], self.sizes[l - 1]
            self.w.append(
                (scale[l] * rng.standard_normal((n_out, n_in))).astype(
                    self.dtype
                )
            )
            self.b.append(np.zeros(n_out, dtype=self.dtype))

    # ------------------------------------------------------------------ basics
    def __repr__(self) -> str:
        acts = [a.name for a in self.activations[1:]]
        return (
            f"Network(sizes={list(self.sizes)}, activations={acts}, cost={self.cost.name!r}, "
            f"weight_decay={self.weight_decay}, dtype={self.dtype.name})"
        )

    @property
    def n_parameters(self) -> int:
        """Number of weights and biases."""
        return opcount.n_parameters(self.sizes)

    def get_params(self) -> np.ndarray:
        """All parameters in one vector: w^1 (row-major), b^1, w^2, b^2, …"""
        return _flatten(self.w, self.b)

    def set_params(self, theta: np.ndarray) -> None:
        """Set all parameters from a vector laid out as :meth:`get_params` returns."""
        theta = check_vector(theta, self.n_parameters, "theta", self.dtype)
        i = 0
        for l in range(1, self.L + 1):
            w, b = self.w[l], self.b[l]
            w[...] = theta[i : i + w.size].reshape(w.shape)
            i += w.size
            b[...] = theta[i : i + b.size]
            i += b.size

    def copy(self) -> Network:
        """A deep copy (independent parameter arrays)."""
        new = object.__new__(Network)
        new.__dict__.update(self.__dict__)
        new.w = [None] + [w.copy() for w in self.w[1:]]
        new.b = [None] + [b.copy() for b in self.b[1:]]
        new.activations = list(self.activations)
        return new

    # ------------------------------------------------------- validation
    @overload
    def check_batch(
        self,
        X: ArrayLike,
        y: None = None,
        *,
        x_name: str = "X",
        y_name: str = "y",
    ) -> tuple[np.ndarray, None]: ...

    @overload
    def check_batch(
        self,
        X: ArrayLike,
        y: ArrayLike,
        *,
        x_name: str = "X",
        y_name: str = "y",
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def check_batch(
        self,
        X: ArrayLike,
        y: ArrayLike | None = None,
        *,
        x_name: str = "X",
        y_name: str = "y",
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Validate a batch once, for the inner methods that trust their inputs.

        Parameters
        ----------
        X : array_like, shape (m, n_0)
            One example per row.
        y : array_like, optional
            (m, n_L) targets or, for a classifier, m integer class labels
            (one-hot encoded here).
        x_name, y_name : str
            The argument names used in error messages.

        Returns
        -------
        X : ndarray
            C-contiguous, of the network's dtype, finite.
        Y : ndarray or None
            (m, n_L) targets in the cost's domain, or None without ``y``.

        Raises
        ------
        TypeError, ValueError
            Naming ``x_name`` or ``y_name`` and what was expected.
        """
        X = check_inputs(X, self.sizes[0], self.dtype, x_name)
        if y is None:
            return X, None
        Y = check_targets(y, self.sizes[-1], X.shape[0], self.dtype, y_name)
        self.cost.check_targets(Y, y_name)
        return X, Y

    def check_example(
        self, x: ArrayLike, y: ArrayLike
    ) -> tuple[np.ndarray, np.ndarray]:
        """Validate one example: ``x`` of shape (n_0,), ``y`` of shape (n_L,) or a class label.

        Returns the validated vectors (x, y), y one-hot for a label; raises
        like :meth:`check_batch`, naming ``x`` and ``y``.
        """
        y_arr = np.asarray(y)
        if y_arr.ndim == 0 and np.issubdtype(y_arr.dtype, np.integer):
            y_arr = y_arr.reshape(1)
        else:
            y_arr = y_arr.reshape(1, -1) if y_arr.ndim == 1 else y_arr
        X, Y = self.check_batch(
            np.reshape(np.asarray(x), (1, -1)), y_arr, x_name="x"
        )
        return X[0], Y[0]

    # -------------------------------------------------------- forward pass
    def forward(self, X: ArrayLike) -> ForwardPass:
        """Forward propagation over a mini-batch, keeping z^l and a^l of every layer.

        Parameters
        ----------
        X : array_like, shape (m, n_0)
            One example per row.

        Returns
        -------
        ForwardPass
            ``z[l]``, ``a[l]`` of shape (m, n_l) for l = 1..L; ``a[0]`` is X.

        Raises
        ------
        TypeError, ValueError
            For inputs that are not an (m, n_0) array of finite numbers.
        ValueError
            Also if inputs or parameters are so large that the pass overflows.
        """
        X, _ = self.check_batch(X)
        with overflow_as_error("X"):
            return ForwardPass(*passes.forward(self, X, check="X"))

    def feedforward(self, X: ArrayLike) -> np.ndarray:
        """The output a^L for a batch X of shape (m, n_0); returns shape (m, n_L)."""
        return self.forward(X).output

    # --------------------------------------------------------------- cost
    def penalty(self) -> float:
        """The weight-decay term (λ/2) Σ_l ‖w^l‖² of the cost (0 without decay)."""
        if self.weight_decay == 0:
            return 0.0
        return (
            0.5
            * self.weight_decay
            * sum(float(np.sum(w * w)) for w in self.w[1:])
        )

    def mean_cost(
        self, X: np.ndarray, Y: np.ndarray, check: str | None = None
    ) -> float:
        """C = (1/m) Σ_x C_x + (λ/2) Σ_l ‖w^l‖² for a batch from :meth:`check_batch` (trusted).

        ``check``: the input's name, for a ValueError if its products overflow
        (see :func:`bp.passes.forward`).
        """
        z, a = passes.forward(self, X, check=check)
        return float(np.mean(self.cost.value(z[-1], a[-1], Y))) + self.penalty()

    def cost_value(self, X: ArrayLike, y: ArrayLike) -> float:
        """The cost C = (1/m) Σ_x C_x + (λ/2) Σ_l ‖w^l‖² on a batch.

        ``y`` is an (m, n_L) array of targets or, for a classifier, m
        integer class labels.
        """
        X, Y = self.check_batch(X, y)
        with overflow_as_error("X"):
            return self.mean_cost(X, Y, check="X")

    # ------------------------------------------------------- backpropagation
    def backprop(self, X: ArrayLike, y: ArrayLike) -> Gradient:
        """The gradient of the mean cost on a mini-batch, fully matrix-based.

        One forward pass, then one backward pass that applies BP1–BP4 to all
        m examples at once (each row of δ^l is one example's error): the
        kernel :func:`bp.passes.forward` and :func:`bp.passes.backward`.

        Parameters
        ----------
        X : array_like, shape (m, n_0)
        y : array_like, shape (m, n_L), or shape (m,) of integer class labels

        Returns
        -------
        Gradient
            ``w[l]`` = ∂C/∂w^l (shape (n_l, n_{l−1})), ``b[l]`` = ∂C/∂b^l.

        Raises
        ------
        TypeError, ValueError
            For a batch that does not fit the network (see :meth:`check_batch`).
        ValueError
            Also if inputs or parameters are so large that the computation overflows.
        """
        X, Y = self.check_batch(X, y)
        with overflow_as_error("X"):
            return self.gradient(X, Y, check="X")

    def gradient(
        self, X: np.ndarray, Y: np.ndarray, check: str | None = None
    ) -> Gradient:
        """:meth:`backprop` for a batch from :meth:`check_batch` (trusted, no checks).

        ``check``: as for :meth:`mean_cost`.
        """
        grad = Gradient.zeros_like(self)
        z, a = passes.forward(self, X, check=check)
        passes.backward(self, z, a, grad, Y=Y)
        return grad

    def backprop_example(self, x: ArrayLike, y: ArrayLike) -> Gradient:
        """The gradient of the cost C_x of **one** example, in the text's vector form.

        Parameters
        ----------
        x : array_like, shape (n_0,)
        y : array_like, shape (n_L,), or an integer class label

        Returns
        -------
        Gradient
            ∂C_x/∂w^l and ∂C_x/∂b^l (plus λ w^l when there is weight decay).
        """
        x, y = self.check_example(x, y)
        with overflow_as_error("x"):
            return self.example_gradient(x, y)

    def example_gradient(self, x: np.ndarray, y: np.ndarray) -> Gradient:
        """BP1–BP4 for one validated example, as the text writes them (column vectors).

        The reference form for reading; :func:`bp.passes.backward` computes
        the same for a batch, and a test holds the two together.
        """
        L, w, b = self.L, self.w, self.b
        z: list = [None]
        a: list = [x]
        for l in range(1, L + 1):
            z.append(w[l] @ a[l - 1] + b[l])  # z^l = w^l a^{l-1} + b^l
            a.append(self.activations[l](z[l]))  # a^l = σ(z^l)
        nabla_w: list = [None] * (L + 1)
        nabla_b: list = [None] * (L + 1)
        delta = self.cost.output_error(
            z[L][None, :], a[L][None, :], y[None, :], self.activations[L]
        )[0]  # BP1
        for l in range(L, 0, -1):
            if l < L:
                sigma = self.activations[l]
                delta = (w[l + 1].T @ delta) * sigma.derivative(
                    z[l], a[l]
                )  # BP2
            nabla_b[l] = delta  # BP3
            nabla_w[l] = np.outer(delta, a[l - 1])  # BP4
            if self.weight_decay:
                nabla_w[l] = nabla_w[l] + self.weight_decay * w[l]
        return Gradient(nabla_w, nabla_b)

    def backprop_loop(self, X: ArrayLike, y: ArrayLike) -> Gradient:
        """The mini-batch gradient computed example by example, then averaged.

        Same result as :meth:`backprop`, one example at a time: the book
        compares the two for speed.
        """
        X, Y = self.check_batch(X, y)
        m = X.shape[0]
        total = Gradient.zeros_like(self)
        with overflow_as_error("X"):
            for i in range(m):
                g = self.example_gradient(X[i], Y[i])
                for l in range(1, self.L + 1):
                    total.w[l] += g.w[l]
                    total.b[l] += g.b[l]
        for l in range(1, self.L + 1):
            total.w[l] /= m
            total.b[l] /= m
        return total

    # ----------------------------------------------------------- evaluation
    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted class labels, argmax of a^L; shape (m,), int64."""
        return self.feedforward(X).argmax(axis=1)

    def accuracy(self, X: ArrayLike, y: ArrayLike) -> float:
        """Fraction of examples whose predicted class equals the label in ``y``.

        ``y`` holds m integer labels or (m, n_L) one-hot rows.
        """
        X, _ = self.check_batch(X)
        labels = check_labels(y, X.shape[0], self.sizes[-1])
        with overflow_as_error("X"):
            _, a = passes.forward(self, X, check="X")
        return float(np.mean(a[-1].argmax(axis=1) == labels))
