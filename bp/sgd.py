"""Training by mini-batch stochastic gradient descent (``bp.train``).

Each epoch shuffles the training set once (a permutation from a seeded
``numpy.random.Generator``), then walks through it in mini-batches; each
batch gives a gradient by backpropagation and one update

    v ← μ v − η ∇C,      θ ← θ + v

(plain SGD when the momentum μ is 0). Training returns a :class:`History`
of the cost and accuracy per epoch instead of printing them; pass
``verbose=True`` to see one line per epoch as it goes.

Every step runs the kernel of :mod:`bp.passes`, the same as
:meth:`bp.network.Network.backprop`, with three choices that change no
arithmetic the book describes:

* the passes write into :class:`bp.passes.Buffers` allocated once per call
  of :func:`train`, instead of allocating new arrays for every batch;
* the step size η is folded into δ^L with the batch mean's 1/m
  (``scale=η``), so BP3 and BP4 give the step η ∂C/∂θ directly;
* the shuffled examples are gathered into one reused array a few
  mini-batches at a time, instead of copying the whole shuffled training
  set every epoch (or each mini-batch on its own).

The data are validated once, when :func:`train` is called; the per-epoch
history is evaluated on those validated arrays. The book's appendix *How
fast is bp?* measures what each choice buys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from . import passes
from ._validation import check_positive, overflow_as_error
from .network import Gradient, Network

__all__ = ["History", "train", "evaluate", "step_decay", "inverse_time_decay"]

#: Shuffled examples are gathered in blocks of whole mini-batches, up to this many rows
#: and bytes (a block holds at least one mini-batch).
GATHER_ROWS = 256
GATHER_BYTES = 256 * 1024


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


def _is_labels(y: ArrayLike) -> bool:
    arr = np.asarray(y)
    return (
        arr.ndim == 1
        and arr.dtype != object
        and np.issubdtype(arr.dtype, np.integer)
    )


def evaluate(net: Network, X: ArrayLike, y: ArrayLike) -> dict:
    """Cost (with weight decay) and, for integer class labels, accuracy on (X, y).

    Raises
    ------
    TypeError, ValueError
        For a batch that does not fit the network (see
        :meth:`bp.network.Network.check_batch`).
    """
    X, Y = net.check_batch(X, y)
    with overflow_as_error("X"):
        return _evaluate(net, X, Y, np.asarray(y) if _is_labels(y) else None)


def _evaluate(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    labels: np.ndarray | None,
    check: str = "X",
) -> dict:
    """:func:`evaluate` on validated arrays (``labels``: the class labels, or None).

    ``check`` names X in the ValueError raised if its products overflow.
    """
    z, a = passes.forward(net, X, check=check)
    out = {
        "cost": float(np.mean(net.cost.value(z[-1], a[-1], Y))) + net.penalty()
    }
    if labels is not None:
        out["accuracy"] = float(np.mean(a[-1].argmax(axis=1) == labels))
    return out


# ------------------------------------------------------------------ the steps
def _update(
    net: Network, step: Gradient, momentum: float, velocity: Gradient | None
) -> None:
    """One SGD update in place, from ``step`` = η ∂C/∂θ."""
    for l in range(1, net.L + 1):
        if velocity is None:  # no momentum: θ ← θ − η ∂C/∂θ
            net.w[l] -= step.w[l]
            net.b[l] -= step.b[l]
            continue
        for theta, g, v in (
            (net.w[l], step.w[l], velocity.w[l]),
            (net.b[l], step.b[l], velocity.b[l]),
        ):
            v *= momentum
            v -= g  # v ← μ v − η ∂C/∂θ
            theta += v  # θ ← θ + v


def _gather(
    X: np.ndarray,
    Y: np.ndarray,
    rows: np.ndarray,
    xb: np.ndarray,
    yb: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Copy the examples ``rows`` of (X, Y) into ``xb``, ``yb``: one shuffled mini-batch."""
    k = rows.size
    return (
        np.take(X, rows, axis=0, out=xb[:k], mode="clip"),
        np.take(Y, rows, axis=0, out=yb[:k], mode="clip"),
    )


def _epoch(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    order: np.ndarray | None,
    m: int,
    eta: float,
    mu: float,
    v: Gradient | None,
    work: passes.Buffers,
    step: Gradient,
    xb: np.ndarray,
    yb: np.ndarray,
) -> None:
    """One pass over (X, Y) in mini-batches of m, one SGD update per batch.

    ``order`` is the epoch's permutation of the examples, or None to keep
    them in place. The shuffled examples are gathered into ``xb``, ``yb`` a
    block of mini-batches at a time (one copy for several steps), and each
    mini-batch is a slice of the block. ``mu`` and ``v`` are the momentum
    and the velocity (None without momentum).
    """
    block = xb.shape[0]  # a whole number of mini-batches, or all of X
    for i in range(0, X.shape[0], block):
        if order is None:
            Xs, Ys = X[i : i + block], Y[i : i + block]
        else:
            Xs, Ys = _gather(X, Y, order[i : i + block], xb, yb)
        for j in range(0, Xs.shape[0], m):
            Xb, Yb = Xs[j : j + m], Ys[j : j + m]
            z, a = passes.forward(net, Xb, work=work)
            # the step η ∂C/∂θ, with η folded into δ^L
            passes.backward(net, z, a, step, Y=Yb, scale=eta, work=work)
            _update(net, step, mu, v)


def train(
    net: Network,
    X: ArrayLike,
    y: ArrayLike,
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
    X, Y = net.check_batch(X, y)
    m = X.shape[0]
    labels = np.asarray(y) if _is_labels(y) else None
    check_positive(epochs, "epochs", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    check_positive(learning_rate, "learning_rate")
    if (
        isinstance(momentum, bool)
        or not isinstance(momentum, (int, float))
        or not 0 <= momentum < 1
    ):
        raise ValueError(
            f"momentum must be a number in [0, 1), got {momentum!r}"
        )
    if early_stopping is not None:
        check_positive(early_stopping, "early_stopping", integer=True)
        if validation is None:
            raise ValueError("early_stopping needs validation=(X_val, y_val)")
    if validation is not None:
        if not (isinstance(validation, tuple) and len(validation) == 2):
            raise TypeError("validation must be a tuple (X_val, y_val)")
        X_val, Y_val = net.check_batch(
            *validation, x_name="validation[0]", y_name="validation[1]"
        )
        val_labels = (
            np.asarray(validation[1]) if _is_labels(validation[1]) else None
        )

    rng = np.random.default_rng(seed)
    momentum = float(momentum)  # Python floats keep float32 arrays float32
    velocity = Gradient.zeros_like(net) if momentum else None
    rows = min(batch_size, m)
    work = passes.Buffers(net.sizes, net.dtype, rows)
    step = Gradient.zeros_like(net)
    # Shuffled examples are gathered GATHER_ROWS at a time (fewer, for wide inputs), in
    # whole mini-batches: one copy serves several small steps.
    per_block = max(
        1, min(GATHER_ROWS, GATHER_BYTES // (X[0].nbytes + Y[0].nbytes)) // rows
    )
    block = min(m, per_block * rows)
    xb = np.empty((block, net.sizes[0]), net.dtype)
    yb = np.empty((block, net.sizes[-1]), net.dtype)
    history = History()
    best_cost, best_params, since_best = np.inf, None, 0

    for epoch in range(epochs):
        start = time.perf_counter()
        eta = float(
            learning_rate * (schedule(epoch) if schedule is not None else 1.0)
        )
        order = rng.permutation(m) if shuffle else None
        # A too-large learning rate can overflow mid-epoch; silence NumPy's warnings
        # there and report divergence once, clearly, at the end of the epoch.
        with np.errstate(over="ignore", invalid="ignore"):
            _epoch(
                net,
                X,
                Y,
                order,
                batch_size,
                eta,
                momentum,
                velocity,
                work,
                step,
                xb,
                yb,
            )
        history.seconds.append(time.perf_counter() - start)
        history.epoch.append(epoch + 1)
        history.learning_rate.append(float(eta))
        with np.errstate(over="ignore", invalid="ignore"):
            diverged = not all(
                np.isfinite(p).all() for p in net.w[1:] + net.b[1:]
            )
            sets = [("train", X, Y, labels, "X")] if monitor else []
            if validation is not None:
                sets.append(("val", X_val, Y_val, val_labels, "validation[0]"))
            for name, X_e, Y_e, labels_e, x_name in sets:
                if diverged:
                    break
                try:
                    ev = _evaluate(net, X_e, Y_e, labels_e, x_name)
                except (
                    ValueError
                ):  # some Z^l overflowed: the inputs themselves, if in layer 1
                    passes.forward(net, X_e, end=1, check=x_name)
                    diverged = (
                        True  # else the parameters grew too large: divergence
                    )
                    break
                getattr(history, f"{name}_cost").append(ev["cost"])
                if "accuracy" in ev:
                    getattr(history, f"{name}_accuracy").append(ev["accuracy"])
                diverged = not np.isfinite(ev["cost"])
        if diverged:
            raise FloatingPointError(
                f"training diverged in epoch {epoch + 1}: parameters or cost became NaN "
                f"or infinite (learning_rate={eta:g} is probably too large, or the inputs X are)"
            )
        if verbose:
            parts = [f"epoch {epoch + 1}/{epochs}", f"lr {eta:.3g}"]
            for name in (
                "train_cost",
                "train_accuracy",
                "val_cost",
                "val_accuracy",
            ):
                values = getattr(history, name)
                if len(values) == epoch + 1:
                    parts.append(f"{name} {values[-1]:.4f}")
            parts.append(f"{history.seconds[-1]:.2f}s")
            print("  ".join(parts), flush=True)
        if callback is not None:
            callback(epoch + 1, history)
        if early_stopping is not None:
            if history.val_cost[-1] < best_cost:
                best_cost, best_params, since_best = (
                    history.val_cost[-1],
                    net.get_params(),
                    0,
                )
                history.best_epoch = epoch + 1
            else:
                since_best += 1
                if since_best >= early_stopping:
                    history.stopped_early = True
                    break
    if early_stopping is not None and best_params is not None:
        net.set_params(best_params)
    return history
