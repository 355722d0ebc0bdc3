"""Training by mini-batch stochastic gradient descent.

Each epoch shuffles the training set once (a permutation from a seeded
``numpy.random.Generator``), then walks through it in mini-batches; each
batch gives a gradient by backpropagation and one update

    v ← μ v − η ∇C,      θ ← θ + v

(plain SGD when the momentum μ is 0). Training returns a :class:`History`
of the cost and accuracy per epoch instead of printing them; pass
``verbose=True`` to see one line per epoch as it goes.

**The fast path.** ``Network._backprop`` is the book's form of the four
equations: every call allocates new arrays for Z^l, A^l, δ^l and the
gradient. Training evaluates the same equations thousands of times on
batches of one size, so :func:`train` runs them through a workspace
(:class:`_Workspace`): the same lines, BP1 to BP4, writing into arrays
allocated once per call of ``train`` (NumPy's ``out=`` arguments and
in-place operators). Three further differences, none of them in the
arithmetic the book describes:

* the 1/m of the batch mean is applied once, to δ^L, instead of to every
  gradient array (the sums of BP3 and BP4 then give the mean directly);
* δ^l is written over Z^l, which is not needed once σ′(Z^l) is known;
* each shuffled mini-batch is gathered into one reused array, instead of
  copying the whole shuffled training set every epoch.

The result equals ``_backprop`` followed by the update, up to rounding
(the tests check it). The book's appendix *How fast is bp?* measures what
this buys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import opcount
from ._validation import check_inputs, check_positive
from .activations import Sigmoid, Tanh, sigmoid
from .network import Gradient, Network

__all__ = ["History", "train", "evaluate", "step_decay", "inverse_time_decay"]


@dataclass
class History:
    """Per-epoch record of a training run (lists indexed by epoch, 1-based in ``epoch``)."""

    epoch: list = field(default_factory=list)
    learning_rate: list = field(default_factory=list)
    train_cost: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_cost: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    stopped_early: bool = False
    best_epoch: int | None = None

    def as_dict(self) -> dict:
        """The history as a plain dict of lists (easy to tabulate or plot)."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def step_decay(factor: float = 0.5, every: int = 10) -> Callable[[int], float]:
    """Schedule: multiply the learning rate by ``factor`` every ``every`` epochs."""
    check_positive(factor, "factor")
    check_positive(every, "every", integer=True)
    return lambda epoch: factor ** (epoch // every)


def inverse_time_decay(k: float = 0.1) -> Callable[[int], float]:
    """Schedule: η_t = η / (1 + k t) at epoch t (counted from 0)."""
    check_positive(k, "k")
    return lambda epoch: 1.0 / (1.0 + k * epoch)


def _is_labels(y) -> bool:
    arr = np.asarray(y)
    return arr.ndim == 1 and arr.dtype != object and np.issubdtype(arr.dtype, np.integer)


def evaluate(net: Network, X, y) -> dict:
    """Cost (with weight decay) and, for integer class labels, accuracy on (X, y)."""
    X = check_inputs(X, net.sizes[0], net.dtype)
    Y = net._targets(y, X.shape[0])
    fp = net._forward(X)
    out = {"cost": float(np.mean(net.cost.value(fp.z[-1], fp.a[-1], Y))) + net._penalty()}
    if _is_labels(y):
        out["accuracy"] = float(np.mean(fp.output.argmax(axis=1) == np.asarray(y)))
    return out


# ------------------------------------------------------------------ fast path
class _Workspace:
    """Work arrays for mini-batches of up to ``batch_size`` examples.

    ``x``, ``y``   one gathered mini-batch A^0 and its targets;
    ``z[l]``       Z^l during the forward pass, then δ^l during the backward
                   pass (δ^l takes the place of Z^l once σ′(Z^l) is known);
    ``a[l]``       A^l;
    ``scratch``    room for one (m, n_l) temporary, such as σ′(Z^l);
    ``grad``       ∂C/∂w^l and ∂C/∂b^l.

    A batch of k < ``batch_size`` examples (the last one of an epoch) uses
    the first k rows of each array.
    """

    def __init__(self, net: Network, batch_size: int) -> None:
        m, dtype, sizes = batch_size, net.dtype, net.sizes
        self.x = np.empty((m, sizes[0]), dtype)
        self.y = np.empty((m, sizes[-1]), dtype)
        self.z: list = [None] + [np.empty((m, n), dtype) for n in sizes[1:]]
        self.a: list = [None] + [np.empty((m, n), dtype) for n in sizes[1:]]
        self.scratch = np.empty(m * max(sizes[1:]), dtype)
        self.grad = Gradient(
            [None] + [np.empty_like(w) for w in net.w[1:]],
            [None] + [np.empty_like(b) for b in net.b[1:]],
        )

    def temporary(self, like: np.ndarray) -> np.ndarray:
        """The scratch array, viewed with the shape of ``like``."""
        return self.scratch[: like.size].reshape(like.shape)


def _activate(sigma, z: np.ndarray, ws: _Workspace, l: int) -> np.ndarray:
    """A^l = σ(Z^l): into ``ws.a[l]`` for the sigmoid and tanh, else ``sigma(z)``."""
    if type(sigma) is Sigmoid:
        return sigmoid(z, out=ws.a[l][: z.shape[0]], work=ws.temporary(z))
    if type(sigma) is Tanh:
        return np.tanh(z, out=ws.a[l][: z.shape[0]])
    return sigma(z)


def _derivative(sigma, z: np.ndarray, a: np.ndarray, ws: _Workspace) -> np.ndarray:
    """σ′(Z^l), computed as ``sigma.derivative`` does, into the scratch array when it can."""
    if type(sigma) is Sigmoid:  # a (1 − a)
        s = np.subtract(1, a, out=ws.temporary(a))
        s *= a
        return s
    if type(sigma) is Tanh:  # 1 − a²
        s = np.multiply(a, a, out=ws.temporary(a))
        np.subtract(1, s, out=s)
        return s
    return sigma.derivative(z, a)


def _forward_into(net: Network, X: np.ndarray, ws: _Workspace) -> tuple[list, list]:
    """``Network._forward`` into the workspace; returns the lists z and a."""
    z: list = [None]
    a: list = [X]
    for l in range(1, net.L + 1):
        z_l = opcount.matmul(a[l - 1], net.w[l].T, out=ws.z[l][: X.shape[0]])
        z_l += net.b[l]  # Z^l = A^{l-1} (w^l)ᵀ + b^l
        z.append(z_l)
        a.append(_activate(net.activations[l], z_l, ws, l))  # A^l = σ(Z^l)
    return z, a


def _backprop_into(
    net: Network, X: np.ndarray, Y: np.ndarray, ws: _Workspace
) -> Gradient:
    """``Network._backprop``, into the work arrays ``ws``.

    The gradient of the mean cost on the batch (X, Y). Returns ``ws.grad``,
    which the next call overwrites.
    """
    L, w, m = net.L, net.w, X.shape[0]
    z, a = _forward_into(net, X, ws)
    nabla_w, nabla_b = ws.grad.w, ws.grad.b
    delta = net.cost.output_error(z[L], a[L], Y, net.activations[L])  # BP1
    delta = np.divide(delta, m, out=z[L])  # 1/m of the mean, once; over Z^L
    for l in range(L, 0, -1):
        if l < L:
            sigma_prime = _derivative(net.activations[l], z[l], a[l], ws)
            delta = opcount.matmul(delta, w[l + 1], out=z[l])  # over Z^l
            delta *= sigma_prime  # BP2: δ^l = (δ^{l+1} w^{l+1}) ⊙ σ′(z^l)
        np.sum(delta, axis=0, out=nabla_b[l])  # BP3 (the 1/m is in delta)
        opcount.matmul(delta.T, a[l - 1], out=nabla_w[l])  # BP4
        if net.weight_decay:
            nabla_w[l] += net.weight_decay * w[l]
    return ws.grad


def _update(net: Network, grad: Gradient, eta: float, momentum: float, velocity) -> None:
    """One SGD step in place; ``grad`` is used up (scaled by η in place)."""
    for l in range(1, net.L + 1):
        for theta, g, v in (
            (net.w[l], grad.w[l], None if velocity is None else velocity.w[l]),
            (net.b[l], grad.b[l], None if velocity is None else velocity.b[l]),
        ):
            g *= eta  # η ∂C/∂θ, without a temporary as large as θ
            if momentum:
                v *= momentum
                v -= g  # v ← μ v − η ∂C/∂θ
                theta += v  # θ ← θ + v
            else:
                theta -= g  # θ ← θ − η ∂C/∂θ


def _gather(X: np.ndarray, Y: np.ndarray, rows: np.ndarray, ws: _Workspace) -> tuple:
    """Copy the examples ``rows`` of (X, Y) into the workspace: one shuffled mini-batch."""
    k = rows.size
    return (
        np.take(X, rows, axis=0, out=ws.x[:k], mode="clip"),
        np.take(Y, rows, axis=0, out=ws.y[:k], mode="clip"),
    )


def _epoch(net, X, Y, order, batch_size, eta, momentum, velocity, ws) -> None:
    """One pass over (X, Y) in mini-batches, one SGD update per batch.

    ``order`` is the epoch's permutation of the examples, or None to keep
    them in place (then each batch is a slice of X, without a copy).
    """
    for i in range(0, X.shape[0], batch_size):
        if order is None:
            Xb, Yb = X[i : i + batch_size], Y[i : i + batch_size]
        else:
            Xb, Yb = _gather(X, Y, order[i : i + batch_size], ws)
        grad = _backprop_into(net, Xb, Yb, ws)
        _update(net, grad, eta, momentum, velocity)


def train(
    net: Network,
    X,
    y,
    *,
    epochs: int = 10,
    batch_size: int = 10,
    learning_rate: float = 0.1,
    momentum: float = 0.0,
    schedule: Callable[[int], float] | None = None,
    shuffle: bool = True,
    validation: tuple | None = None,
    early_stopping: int | None = None,
    monitor: bool = True,
    seed: int = 0,
    verbose: bool = False,
    callback: Callable[[int, History], None] | None = None,
) -> History:
    """Train ``net`` in place by mini-batch SGD with optional momentum.

    Parameters
    ----------
    net : Network
    X : array_like, shape (N, n_0)
        The N training examples, one per row.
    y : array_like, shape (N, n_L), or (N,) integer class labels
        With class labels, accuracy is recorded too.
    epochs : int
        Passes over the training set.
    batch_size : int
        m, the examples per mini-batch; the last batch of an epoch may be
        smaller.
    learning_rate : float
        η > 0.
    momentum : float
        μ in [0, 1); 0 is plain SGD.
    schedule : callable, optional
        ``schedule(epoch)`` (epoch counted from 0) returns a factor that
        multiplies ``learning_rate``, e.g. :func:`step_decay`.
    shuffle : bool
        Reshuffle every epoch (LeCun et al. recommend it).
    validation : (X_val, y_val), optional
        Held-out data evaluated after every epoch.
    early_stopping : int, optional
        Stop when the validation cost has not improved for this many
        epochs, and restore the best parameters. Needs ``validation``.
    monitor : bool
        Record training cost/accuracy each epoch (one extra forward pass
        over the training set). Turn off for pure speed.
    seed : int
        Seed of the shuffling generator: same seed, same run, bit for bit.
    verbose : bool
        Print one line per epoch.
    callback : callable, optional
        ``callback(epoch, history)`` after each epoch.

    Returns
    -------
    History

    Raises
    ------
    ValueError, TypeError
        For bad data (see :meth:`bp.network.Network.backprop`), a non-positive
        learning rate, batch size or epoch count, a momentum outside
        [0, 1), or early stopping without validation data.
    """
    X = check_inputs(X, net.sizes[0], net.dtype)
    m = X.shape[0]
    Y = net._targets(y, m)
    labels = np.asarray(y) if _is_labels(y) else None
    check_positive(epochs, "epochs", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    check_positive(learning_rate, "learning_rate")
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0 <= momentum < 1:
        raise ValueError(f"momentum must be a number in [0, 1), got {momentum!r}")
    if early_stopping is not None:
        check_positive(early_stopping, "early_stopping", integer=True)
        if validation is None:
            raise ValueError("early_stopping needs validation=(X_val, y_val)")
    if validation is not None:
        if not (isinstance(validation, tuple) and len(validation) == 2):
            raise TypeError("validation must be a tuple (X_val, y_val)")
        X_val = check_inputs(validation[0], net.sizes[0], net.dtype, "validation[0]")
        net._targets(validation[1], X_val.shape[0], "validation[1]")
        validation = (X_val, validation[1])

    rng = np.random.default_rng(seed)
    momentum = float(momentum)  # Python floats keep float32 arrays float32
    velocity = None
    if momentum:
        velocity = Gradient(
            [None] + [np.zeros_like(w) for w in net.w[1:]],
            [None] + [np.zeros_like(b) for b in net.b[1:]],
        )
    ws = _Workspace(net, min(batch_size, m))
    history = History()
    best_cost, best_params, since_best = np.inf, None, 0

    for epoch in range(epochs):
        start = time.perf_counter()
        eta = float(learning_rate * (schedule(epoch) if schedule is not None else 1.0))
        order = rng.permutation(m) if shuffle else None
        # A too-large learning rate can overflow mid-epoch; silence NumPy's warnings
        # there and report divergence once, clearly, at the end of the epoch.
        with np.errstate(over="ignore", invalid="ignore"):
            _epoch(net, X, Y, order, batch_size, eta, momentum, velocity, ws)
        history.seconds.append(time.perf_counter() - start)
        history.epoch.append(epoch + 1)
        history.learning_rate.append(float(eta))
        with np.errstate(over="ignore", invalid="ignore"):
            diverged = not all(np.isfinite(p).all() for p in net.w[1:] + net.b[1:])
            if not diverged and monitor:
                ev = evaluate(net, X, labels if labels is not None else Y)
                history.train_cost.append(ev["cost"])
                if "accuracy" in ev:
                    history.train_accuracy.append(ev["accuracy"])
                diverged = not np.isfinite(ev["cost"])
            if not diverged and validation is not None:
                ev = evaluate(net, *validation)
                history.val_cost.append(ev["cost"])
                if "accuracy" in ev:
                    history.val_accuracy.append(ev["accuracy"])
                diverged = not np.isfinite(ev["cost"])
        if diverged:
            raise FloatingPointError(
                f"training diverged in epoch {epoch + 1}: parameters or cost became NaN "
                f"or infinite (learning_rate={eta:g} is probably too large)"
            )
        if verbose:
            parts = [f"epoch {epoch + 1}/{epochs}", f"lr {eta:.3g}"]
            for name in ("train_cost", "train_accuracy", "val_cost", "val_accuracy"):
                values = getattr(history, name)
                if len(values) == epoch + 1:
                    parts.append(f"{name} {values[-1]:.4f}")
            parts.append(f"{history.seconds[-1]:.2f}s")
            print("  ".join(parts), flush=True)
        if callback is not None:
            callback(epoch + 1, history)
        if early_stopping is not None:
            if history.val_cost[-1] < best_cost:
                best_cost, best_params, since_best = history.val_cost[-1], net.get_params(), 0
                history.best_epoch = epoch + 1
            else:
                since_best += 1
                if since_best >= early_stopping:
                    history.stopped_early = True
                    break
    if early_stopping is not None and best_params is not None:
        net.set_params(best_params)
    return history
