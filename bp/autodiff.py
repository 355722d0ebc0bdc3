"""A small reverse-mode automatic-differentiation engine.

Every value computed is a :class:`Node` of a computational graph. A node
remembers its ``value`` and, for each of its parents (the nodes it was
computed from), the two *local* rules of the chain rule:

* ``vjp(g)``: given ``g = ∂C/∂(this node)``, the contribution
  ``∂C/∂(parent) = (∂ node/∂ parent)ᵀ g`` (vector–Jacobian product,
  used by reverse mode, i.e. backpropagation);
* ``jvp(d)``: given a tangent ``d`` of the parent, the tangent
  ``(∂ node/∂ parent) d`` of this node (Jacobian–vector product, used by
  forward mode).

Each operation below states its forward value and these local rules side
by side, so the chain rule can be read one node at a time.
:meth:`Node.backward` then does the rest: a topological order of the graph
(found without recursion, so deep graphs are fine) and one sweep in
reverse order, in which every node passes its finished gradient to its
parents. A node used twice receives the **sum** of both contributions.

Gradients are **not** accumulated across calls: each :meth:`Node.backward`
first clears the gradients of the graph it sweeps, so calling it twice
gives the same ``.grad`` again. (An engine that adds into every node's
``.grad`` and resets only the output's, as micrograd does, would instead
leave wrong values after a second call: k + 1 times the gradient at a node
k operations below the output of a chain.) To add gradients of several
costs, add the costs (or the ``.grad`` arrays) yourself.

Values are NumPy arrays (a scalar is a 0-d array) of a floating dtype.
Broadcasting works as in NumPy; the sweep sums a gradient back to the shape
of the parent it belongs to. Matrix products go through
:func:`bp.opcount.matmul`, so :func:`bp.opcount.counting` counts the
engine's multiply–adds exactly like those of :meth:`bp.network.Network.backprop`.

Example
-------
>>> x = Node(3.0)
>>> y = x * x + x          # y = x² + x, so dy/dx = 2x + 1
>>> y.backward()
>>> float(x.grad)
7.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Union

import numpy as np
from numpy.typing import ArrayLike

from . import opcount
from ._validation import check_vector, is_real_dtype, overflow_as_error
from .activations import Activation, ReLU, Sigmoid, Softmax
from .activations import log_softmax as _log_softmax
from .network import Gradient, Network

__all__ = [
    "Node",
    "constant",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "softplus",
    "softmax",
    "log_softmax",
    "forward_tangent",
    "jacobian_forward",
    "jacobian_reverse",
    "all_paths_backward",
    "network_cost",
    "network_gradient",
    "hessian_vector_product",
]

Rule = Callable[[np.ndarray], np.ndarray]
#: What arithmetic with a Node accepts: another Node, or a constant (array, number).
Operand = Union["Node", ArrayLike]


def _as_value(x: ArrayLike) -> np.ndarray:
    """A floating NumPy array for ``x`` (integers and booleans become float64)."""
    arr = np.asarray(x)
    if not is_real_dtype(arr.dtype):
        raise TypeError(
            f"a Node value must be real numbers, got dtype {arr.dtype}"
        )
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


def _unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes that broadcasting added or stretched, down to ``shape``."""
    g = np.asarray(g)
    if g.shape == shape:
        return g
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g.reshape(shape)


class Node:
    """A value in a computational graph, with the local rules to differentiate it.

    Parameters
    ----------
    value : array_like or float
        The value (stored as a floating NumPy array; a scalar as a 0-d array).
    requires_grad : bool, default True
        Whether gradients with respect to this node are wanted. A leaf
        created directly is a variable (True); :func:`constant` makes one
        with False. A computed node requires a gradient when any parent does.
    name : str, optional
        A label, shown by ``repr``.

    Attributes
    ----------
    value : ndarray
    grad : ndarray or None
        ∂(output)/∂(this node) after the last :meth:`Node.backward` that swept this
        node, same shape as ``value``; None before, and always None for
        constants. Gradients of leaves are independent arrays; those of inner
        nodes may share memory with each other (read them, do not write).
    parents : tuple of (Node, vjp, jvp)
        The nodes this one was computed from, each with its two local rules.
    op : str
        The operation that made the node ("" for a leaf).
    """

    __slots__ = ("value", "grad", "parents", "op", "requires_grad", "name")
    __array_ufunc__ = (
        None  # so that ndarray ∘ Node calls the Node's reflected method
    )

    def __init__(
        self,
        value: ArrayLike,
        requires_grad: bool = True,
        name: str | None = None,
    ) -> None:
        self.value: np.ndarray = _as_value(value)
        self.grad: np.ndarray | None = None
        self.parents: tuple[tuple[Node, Rule, Rule], ...] = ()
        self.op = ""
        self.requires_grad = bool(requires_grad)
        self.name = name

    @classmethod
    def _result(
        cls, value: ArrayLike, op: str, *parents: tuple[Node, Rule, Rule]
    ) -> Node:
        """A computed node: its value, and (parent, vjp, jvp) for each parent."""
        out = cls.__new__(cls)
        out.value = np.asarray(value)
        out.grad = None
        out.op = op
        out.name = None
        out.requires_grad = any(p.requires_grad for p, _, _ in parents)
        out.parents = (
            parents if out.requires_grad else ()
        )  # constants need no history
        return out

    # ------------------------------------------------------------- basics
    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def ndim(self) -> int:
        return self.value.ndim

    def __repr__(self) -> str:
        v = (
            self.value.item()
            if self.value.ndim == 0
            else f"array of shape {self.value.shape}"
        )
        label = f" {self.name!r}" if self.name else ""
        kind = "" if self.requires_grad else ", constant"
        op = f", op={self.op!r}" if self.op else ""
        return f"Node{label}({v}{op}{kind})"

    # -------------------------------------------------- arithmetic operations
    def __add__(self, other: Operand) -> Node:
        other = _node(other)
        return Node._result(
            self.value + other.value,
            "+",
            (self, lambda g: g, lambda d: d),  # ∂(x+y)/∂x = 1
            (other, lambda g: g, lambda d: d),  # ∂(x+y)/∂y = 1
        )

    def __sub__(self, other: Operand) -> Node:
        other = _node(other)
        return Node._result(
            self.value - other.value,
            "-",
            (self, lambda g: g, lambda d: d),
            (other, lambda g: -g, lambda d: -d),
        )

    def __mul__(self, other: Operand) -> Node:
        other = _node(other)
        x, y = self.value, other.value
        return Node._result(
            x * y,
            "*",
            (self, lambda g: g * y, lambda d: d * y),  # ∂(xy)/∂x = y
            (other, lambda g: g * x, lambda d: x * d),  # ∂(xy)/∂y = x
        )

    def __truediv__(self, other: Operand) -> Node:
        other = _node(other)
        x, y = self.value, other.value
        q = x / y
        return Node._result(
            q,
            "/",
            (self, lambda g: g / y, lambda d: d / y),  # ∂(x/y)/∂x = 1/y
            (
                other,
                lambda g: -g * q / y,
                lambda d: -q / y * d,
            ),  # ∂(x/y)/∂y = −x/y²
        )

    def __neg__(self) -> Node:
        return Node._result(
            -self.value, "neg", (self, lambda g: -g, lambda d: -d)
        )

    def __pow__(self, p: float) -> Node:
        if isinstance(p, Node):
            raise TypeError(
                "only constant exponents are supported: x ** p with p a number"
            )
        x = self.value
        dx = p * x ** (p - 1)  # ∂(x^p)/∂x = p x^(p−1)
        return Node._result(
            x**p, f"**{p}", (self, lambda g: g * dx, lambda d: dx * d)
        )

    def __radd__(self, other: Operand) -> Node:
        return _node(other) + self

    def __rsub__(self, other: Operand) -> Node:
        return _node(other) - self

    def __rmul__(self, other: Operand) -> Node:
        return _node(other) * self

    def __rtruediv__(self, other: Operand) -> Node:
        return _node(other) / self

    # --------------------------------------------------------- linear algebra
    def __matmul__(self, other: Operand) -> Node:
        other = _node(other)
        A, B = self.value, other.value
        if not (1 <= A.ndim <= 2 and 1 <= B.ndim <= 2):
            raise ValueError(
                f"@ needs 1-D or 2-D operands, got shapes {A.shape} and {B.shape}"
            )
        # a vector on the left is a row, a vector on the right is a column
        A2 = A.reshape(1, -1) if A.ndim == 1 else A
        B2 = B.reshape(-1, 1) if B.ndim == 1 else B
        if A2.shape[1] != B2.shape[0]:
            raise ValueError(f"@: shapes {A.shape} and {B.shape} do not match")
        C2 = opcount.matmul(A2, B2)
        shape = (C2.shape[:1] if A.ndim == 2 else ()) + (
            C2.shape[1:] if B.ndim == 2 else ()
        )
        mm = opcount.matmul
        return Node._result(
            C2.reshape(shape),
            "@",
            # C = A B:  ∂C/∂A applied to G is G Bᵀ;  a tangent dA gives dA B
            (
                self,
                lambda G: mm(G.reshape(C2.shape), B2.T).reshape(A.shape),
                lambda dA: mm(dA.reshape(A2.shape), B2).reshape(shape),
            ),
            # ∂C/∂B applied to G is Aᵀ G;  a tangent dB gives A dB
            (
                other,
                lambda G: mm(A2.T, G.reshape(C2.shape)).reshape(B.shape),
                lambda dB: mm(A2, dB.reshape(B2.shape)).reshape(shape),
            ),
        )

    def __rmatmul__(self, other: Operand) -> Node:
        return _node(other) @ self

    @property
    def T(self) -> Node:
        """The transpose (reversed axes)."""
        return Node._result(
            self.value.T, "T", (self, lambda g: g.T, lambda d: d.T)
        )

    def sum(self, axis: int | None = None, keepdims: bool = False) -> Node:
        """Sum over ``axis`` (all axes when None)."""
        x = self.value
        s = x.sum(axis=axis, keepdims=keepdims)

        def spread(
            g: np.ndarray,
        ) -> np.ndarray:  # every summand gets the whole gradient of the sum
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return np.broadcast_to(g, x.shape)

        return Node._result(
            s,
            "sum",
            (self, spread, lambda d: d.sum(axis=axis, keepdims=keepdims)),
        )

    def mean(self, axis: int | None = None, keepdims: bool = False) -> Node:
        """Mean over ``axis`` (all axes when None)."""
        n = self.value.size if axis is None else self.value.shape[axis]
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / n)

    # ------------------------------------------------ elementwise functions
    def exp(self) -> Node:
        e = np.exp(self.value)
        return Node._result(e, "exp", (self, lambda g: g * e, lambda d: e * d))

    def log(self) -> Node:
        x = self.value
        return Node._result(
            np.log(x), "log", (self, lambda g: g / x, lambda d: d / x)
        )

    def tanh(self) -> Node:
        t = np.tanh(self.value)
        dt = 1 - t * t  # tanh′ = 1 − tanh²
        return Node._result(
            t, "tanh", (self, lambda g: g * dt, lambda d: dt * d)
        )

    def apply(self, act: Activation) -> Node:
        """σ(this node) for an activation of :mod:`bp.activations`.

        The value and both local rules are the activation's own (``act``,
        ``act.vjp``, ``act.jvp``): the same definitions the network runs.
        """
        z = self.value
        a = act(z)
        return Node._result(
            a,
            act.name,
            (self, lambda g: act.vjp(z, a, g), lambda d: act.jvp(z, a, d)),
        )

    def sigmoid(self) -> Node:
        """σ(x) = 1/(1 + e^(−x)) elementwise: :class:`bp.activations.Sigmoid`."""
        return self.apply(_SIGMOID)

    def relu(self) -> Node:
        """max(x, 0) elementwise: :class:`bp.activations.ReLU`."""
        return self.apply(_RELU)

    def softplus(self) -> Node:
        """ln(1 + eˣ), computed without overflow; its derivative is σ(x)."""
        x = self.value
        s = _SIGMOID(x)
        return Node._result(
            np.logaddexp(0, x),
            "softplus",
            (self, lambda g: g * s, lambda d: s * d),
        )

    def softmax(self) -> Node:
        """Softmax over the last axis: :class:`bp.activations.Softmax` (Jacobian diag(a) − a aᵀ)."""
        return self.apply(_SOFTMAX)

    def log_softmax(self) -> Node:
        """ln softmax over the last axis (:func:`bp.activations.log_softmax`)."""
        x = self.value
        out = _log_softmax(x)
        a = np.exp(out)  # softmax(x); ∂ out_i/∂x_j = δ_ij − a_j
        return Node._result(
            out,
            "log_softmax",
            (
                self,
                lambda g: g - a * g.sum(axis=-1, keepdims=True),
                lambda d: d - (a * d).sum(axis=-1, keepdims=True),
            ),
        )

    # ------------------------------------------------------- reverse mode
    def topological_order(self) -> list[Node]:
        """The nodes this one depends on (itself included) that require a gradient,
        each listed after all of its parents.

        An explicit stack replaces recursion, so a chain of any depth is fine.
        """
        order: list[Node] = []
        visited: set[Node] = set()
        stack: list[tuple[Node, bool]] = [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)  # every parent is already in `order`
                continue
            if node in visited:
                continue
            visited.add(node)
            stack.append((node, True))
            for parent, _, _ in node.parents:
                if parent.requires_grad and parent not in visited:
                    stack.append((parent, False))
        return order

    def backward(self, seed: ArrayLike | None = None) -> None:
        """Compute ∂(this node)/∂(n) for every node n below it, into ``n.grad``.

        The gradients of the swept graph are cleared first, so repeated calls
        give the same result (nothing accumulates across calls).

        Parameters
        ----------
        seed : array_like, optional
            ∂C/∂(this node) to start from; default 1, which needs a node
            with a single element. With ``seed = v`` the leaves receive the
            vector–Jacobian product vᵀ J.

        Raises
        ------
        ValueError
            If no seed is given for a node with more than one element, or
            the seed's shape differs from the node's.
        RuntimeError
            If the node does not depend on any variable (a constant).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a constant: this node depends on no variable "
                "(create inputs with Node(value), not constant(value))"
            )
        if seed is None:
            if self.value.size != 1:
                raise ValueError(
                    "backward() without a seed needs a single-element output, "
                    f"this node has shape {self.value.shape}; "
                    "pass seed= of that shape"
                )
            seed = np.ones_like(self.value)
        else:
            seed = _as_value(seed)
            if seed.shape != self.value.shape:
                raise ValueError(
                    f"seed must have the node's shape {self.value.shape}, got {seed.shape}"
                )
        order = self.topological_order()
        for node in order:
            node.grad = (
                None  # a fresh sweep: nothing carried over from a past call
            )
        self.grad = np.array(seed, dtype=self.value.dtype)
        for node in reversed(order):  # children before parents
            g = node.grad
            if (
                g is None
            ):  # pragma: no cover - every node of the order leads to self
                continue
            for parent, vjp, _ in node.parents:
                if not parent.requires_grad:
                    continue
                contribution = _unbroadcast(vjp(g), parent.value.shape)
                # a node used several times gets the sum of its consumers' parts
                if parent.grad is None:
                    parent.grad = contribution
                else:
                    parent.grad = parent.grad + contribution
        for node in order:
            if not node.parents:  # leaves: give the caller arrays of their own
                node.grad = np.array(node.grad, dtype=node.value.dtype)


def _node(x: Operand) -> Node:
    """``x`` itself if it is a Node, else a constant Node holding it."""
    return x if isinstance(x, Node) else Node(x, requires_grad=False)


def constant(value: ArrayLike, name: str | None = None) -> Node:
    """A node that needs no gradient (inputs, targets, fixed parameters)."""
    return Node(value, requires_grad=False, name=name)


def exp(x: Operand) -> Node:
    """eˣ elementwise."""
    return _node(x).exp()


def log(x: Operand) -> Node:
    """ln x elementwise."""
    return _node(x).log()


def tanh(x: Operand) -> Node:
    """tanh x elementwise."""
    return _node(x).tanh()


def sigmoid(x: Operand) -> Node:
    """σ(x) = 1/(1 + e^(−x)) elementwise."""
    return _node(x).sigmoid()


def relu(x: Operand) -> Node:
    """max(x, 0) elementwise."""
    return _node(x).relu()


def softplus(x: Operand) -> Node:
    """ln(1 + eˣ) elementwise."""
    return _node(x).softplus()


def softmax(x: Operand) -> Node:
    """Softmax over the last axis."""
    return _node(x).softmax()


def log_softmax(x: Operand) -> Node:
    """ln softmax over the last axis."""
    return _node(x).log_softmax()


# ------------------------------------------------------------------ forward mode
def forward_tangent(
    output: Node, tangents: Mapping[Node, ArrayLike]
) -> np.ndarray:
    """Push tangents of some variables forward to the tangent of ``output`` (forward mode).

    One sweep over the graph in topological order: each node's tangent is
    the sum over its parents of ``jvp(parent's tangent)``. Nodes that depend
    on no seeded variable have no tangent and cost nothing.

    Parameters
    ----------
    output : Node
    tangents : mapping from Node to array_like
        The tangent (direction) of each seeded variable, shaped like its value.

    Returns
    -------
    ndarray
        The directional derivative J·d of ``output``, shaped like its value
        (zeros if ``output`` does not depend on the seeded variables).
    """
    tangent: dict[Node, np.ndarray] = {}
    for node, d in tangents.items():
        if not isinstance(node, Node) or not node.requires_grad:
            raise ValueError(
                "tangents: every seeded node must be a variable Node"
            )
        d = _as_value(d)
        if d.shape != node.value.shape:
            raise ValueError(
                f"tangents: the tangent of a node of shape {node.value.shape} has shape {d.shape}"
            )
        tangent[node] = d
    for node in output.topological_order():  # parents before children
        if node in tangent:
            continue
        terms = [
            np.broadcast_to(jvp(tangent[p]), node.value.shape)
            for p, _, jvp in node.parents
            if p in tangent
        ]
        if terms:
            t = terms[0]
            for term in terms[1:]:
                t = t + term
            tangent[node] = t
    if output in tangent:
        return np.array(tangent[output])
    return np.zeros_like(output.value)


def _vector_function(
    f: Callable[[Node], Node], x: ArrayLike
) -> tuple[Node, Node]:
    x_node = Node(np.asarray(x, dtype=float), name="x")
    if x_node.value.ndim != 1:
        raise ValueError(
            f"x must be a 1-D array (a point of R^n_0), got shape {x_node.value.shape}"
        )
    y = f(x_node)
    if not isinstance(y, Node) or y.value.ndim != 1:
        raise ValueError("f must return a 1-D Node (a point of R^n_L)")
    return x_node, y


def jacobian_forward(f: Callable[[Node], Node], x: ArrayLike) -> np.ndarray:
    """The Jacobian of f: R^{n_0} → R^{n_L} at x by forward mode, one tangent sweep per input.

    The graph of f is built once; column i of the (n_L, n_0) result is the
    tangent of f(x) for the seed eᵢ, so the cost is n_0 sweeps whatever n_L is.
    """
    x_node, y = _vector_function(f, x)
    n_in, n_out = x_node.value.size, y.value.size
    J = np.empty((n_out, n_in))
    seed = np.zeros(n_in)
    for i in range(n_in):
        seed[i] = 1.0
        J[:, i] = forward_tangent(y, {x_node: seed})
        seed[i] = 0.0
    return J


def jacobian_reverse(f: Callable[[Node], Node], x: ArrayLike) -> np.ndarray:
    """The Jacobian of f: R^{n_0} → R^{n_L} at x by reverse mode, one backward sweep per output.

    The graph of f is built once; row j of the (n_L, n_0) result is ``x.grad``
    after a backward sweep seeded with eⱼ, so the cost is n_L sweeps whatever
    n_0 is.
    """
    x_node, y = _vector_function(f, x)
    n_in, n_out = x_node.value.size, y.value.size
    J = np.empty((n_out, n_in))
    seed = np.zeros(n_out)
    for j in range(n_out):
        seed[j] = 1.0
        y.backward(seed)
        J[j, :] = x_node.grad
        seed[j] = 0.0
    return J


# ------------------------------------------------- the chain rule path by path
def all_paths_backward(output: Node) -> int:
    """Gradients by the chain rule summed over every path, with no topological order.

    The naive recursion: a node passes each contribution it receives
    straight on to its parents. It gets the right sums (each path's
    product is added exactly once), but a node reached by k paths is
    processed k times, and the number of paths can grow exponentially
    with depth. Compare :meth:`Node.backward`, which processes each node
    once. Uses an explicit stack (no recursion limit).

    Returns
    -------
    int
        The number of local rules (vjp calls) applied: one per edge of
        every path, against one per edge of the graph for ``backward``.
    """
    if output.value.size != 1:
        raise ValueError("all_paths_backward needs a single-element output")
    for node in output.topological_order():
        node.grad = None
    calls = 0
    stack = [(output, np.ones_like(output.value))]
    while stack:
        node, g = stack.pop()
        node.grad = g if node.grad is None else node.grad + g
        for parent, vjp, _ in node.parents:
            if parent.requires_grad:
                calls += 1
                stack.append((parent, _unbroadcast(vjp(g), parent.value.shape)))
    return calls


# ------------------------------------------------------- the layered network
def network_cost(
    net: Network, X: ArrayLike, y: ArrayLike
) -> tuple[Node, list, list]:
    """Build the graph of the network's mean cost on a batch, node by node.

    Z^l = A^{l−1} (w^l)ᵀ + b^l and A^l = σ(Z^l) for l = 1..L, then
    C = (1/m) Σ_x C_x + (λ/2) Σ_l ‖w^l‖², all as :class:`Node` operations.
    The weights and biases become variables; X and the targets constants.
    Nothing here knows BP1–BP4: :meth:`Node.backward` finds the gradient.

    Parameters
    ----------
    net : bp.network.Network
        Any activations and cost ``bp`` supports.
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels

    Returns
    -------
    cost : Node
        A scalar node.
    w, b : list of Node
        ``w[l]``, ``b[l]`` for l = 1..L (index 0 is None), holding copies of
        the network's parameters.
    """
    X, Y = net.check_batch(X, y)
    m = X.shape[0]
    layers = range(1, net.L + 1)
    w: list = [None] + [Node(net.w[l].copy(), name=f"w{l}") for l in layers]
    b: list = [None] + [Node(net.b[l].copy(), name=f"b{l}") for l in layers]
    a = constant(X, "X")
    z = a
    for l in range(1, net.L + 1):
        z = a @ w[l].T + b[l]
        a = z.apply(net.activations[l])
    Yc = constant(Y, "Y")
    cost_name = net.cost.name
    if cost_name == "quadratic":
        per_batch = 0.5 * ((a - Yc) ** 2).sum()
    elif cost_name == "cross_entropy":  # with a = σ(z): Σ softplus(z) − y z
        per_batch = (z.softplus() - Yc * z).sum()
    elif cost_name == "log_likelihood":  # a = softmax(z): −Σ y ln softmax(z)
        per_batch = -(Yc * z.log_softmax()).sum()
    else:  # pragma: no cover
        raise ValueError(f"no graph rule for the cost {cost_name!r}")
    cost = per_batch * (1.0 / m)
    if net.weight_decay:
        cost = cost + (0.5 * net.weight_decay) * sum(
            ((wl * wl).sum() for wl in w[1:]), start=constant(0.0)
        )
    return cost, w, b


def network_gradient(net: Network, X: ArrayLike, y: ArrayLike) -> Gradient:
    """The network's gradient found by the engine (build the graph, one backward sweep).

    Same result as :meth:`bp.network.Network.backprop`, to rounding.
    """
    cost, w, b = network_cost(net, X, y)
    cost.backward()
    return Gradient(
        [None] + [wl.grad for wl in w[1:]], [None] + [bl.grad for bl in b[1:]]
    )


# ------------------------------------- forward over reverse: exact Hessian-vector products
@overflow_as_error("X")
def hessian_vector_product(
    net: Network, X: ArrayLike, y: ArrayLike, v: ArrayLike
) -> np.ndarray:
    """H v, exactly, for the Hessian H of a network's mean cost: forward over reverse.

    Pearlmutter's R-operator (1994): push the tangent of θ in the direction
    v, R{θ} = v, through every line of the gradient computation (forward
    mode applied to backpropagation). Each line of the forward pass and of
    BP1–BP4 gets a tangent line beside it, by the rules of differentiation;
    the tangent of the gradient is H v. There is no step size and no
    truncation error, only rounding. With V^l, v_b^l the parts of v that
    belong to w^l and b^l (rows are examples, dots are tangents)::

        Ż^l = Ȧ^{l−1} (w^l)ᵀ + A^{l−1} (V^l)ᵀ + v_b^l,   Ȧ^0 = 0
        Ȧ^l = σ′(Z^l) ⊙ Ż^l
        Δ̇^l = (Δ̇^{l+1} w^{l+1} + Δ^{l+1} V^{l+1}) ⊙ σ′(Z^l)
               + (Δ^{l+1} w^{l+1}) ⊙ σ″(Z^l) ⊙ Ż^l
        (H v)_{w^l} = ((Δ̇^l)ᵀ A^{l−1} + (Δ^l)ᵀ Ȧ^{l−1}) / m + λ V^l
        (H v)_{b^l} = Σ_rows Δ̇^l / m

    It costs 8 U − 5 u_1 multiply–adds against 3 U − u_1 for a gradient,
    where u_l = m n_l n_{l−1} and U = Σ_l u_l: between about 1.7 and
    8/3 gradients (the gradient itself is not formed).

    Parameters
    ----------
    net : bp.network.Network
        Any activations and cost ``bp`` supports; left unchanged.
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels
    v : array_like, shape (net.n_parameters,)
        The direction, laid out like :meth:`bp.network.Network.get_params`
        (w^1 row-major, b^1, w^2, b^2, …).

    Returns
    -------
    ndarray, shape (net.n_parameters,), float64
        H v in the same layout (computed in the network's dtype).

    Raises
    ------
    TypeError
        If ``v`` is not a vector of real numbers.
    ValueError
        If ``v`` has the wrong length or holds NaN or infinity, or X, y
        are not a valid batch for ``net``.
    """
    X, Y = net.check_batch(X, y)
    arr = check_vector(
        v,
        net.n_parameters,
        "v",
        net.dtype,
        note="one per parameter, ordered as net.get_params()",
    )
    L, w, m = net.L, net.w, X.shape[0]
    V: list = [None] * (L + 1)  # the parts of v shaped like w^l and b^l
    Vb: list = [None] * (L + 1)
    i = 0
    for l in range(1, L + 1):
        V[l] = arr[i : i + w[l].size].reshape(w[l].shape)
        i += w[l].size
        Vb[l] = arr[i : i + net.b[l].size]
        i += net.b[l].size
    mm = opcount.matmul  # counted matrix products
    # forward pass: each line with its tangent (a dot in the text, d here)
    z: list = [None]
    a: list = [X]
    dz: list = [None]
    da: list = [np.zeros_like(X)]  # the inputs do not move: Ȧ^0 = 0
    for l in range(1, L + 1):
        act = net.activations[l]
        z.append(mm(a[l - 1], w[l].T) + net.b[l])  # Z^l = A^{l-1}(w^l)ᵀ + b^l
        dz.append(mm(a[l - 1], V[l].T) + Vb[l])  # its tangent: v moves w, b
        if l > 1:  # ... and A^{l-1} moves (Ȧ^0 = 0 needs no product)
            dz[l] += mm(da[l - 1], w[l].T)
        a.append(act(z[l]))  # A^l = σ(Z^l)
        da.append(act.jvp(z[l], a[l], dz[l]))  # Ȧ^l = σ′(Z^l) ⊙ Ż^l
    # backward pass: BP1 and BP2 with their tangents; the tangents of
    # BP3 and BP4 are H v (the gradient itself is not needed)
    delta, d_delta = net.cost.output_error_tangent(  # δ^L (BP1) and its tangent
        z[L], a[L], Y, net.activations[L], dz[L], da[L]
    )
    Hv_w: list = [None] * (L + 1)
    Hv_b: list = [None] * (L + 1)
    for l in range(L, 0, -1):
        if l < L:  # BP2, δ^l = (δ^{l+1} w^{l+1}) ⊙ σ′(z^l), and its tangent
            act = net.activations[l]
            d = act.derivative(z[l], a[l])
            back = mm(delta, w[l + 1])
            d_back = mm(d_delta, w[l + 1]) + mm(delta, V[l + 1])
            dd = act.second_derivative(z[l], a[l], d)  # σ″(z^l)
            d_delta = d_back * d + back * dd * dz[l]  # product rule
            delta = back * d
        Hv_b[l] = d_delta.sum(axis=0) / m  # tangent of BP3
        Hv_w[l] = mm(d_delta.T, a[l - 1])  # tangent of BP4 ...
        if l > 1:  # ... whose A^{l-1} also moves
            Hv_w[l] += mm(delta.T, da[l - 1])
        Hv_w[l] = Hv_w[l] / m + net.weight_decay * V[l]
    return Gradient(Hv_w, Hv_b).flat().astype(np.float64)


_SIGMOID, _RELU, _SOFTMAX = Sigmoid(), ReLU(), Softmax()
