"""Training by mini-batch stochastic gradient descent.

Each epoch shuffles the training set once (a permutation from a seeded
``numpy.random.Generator``), then walks through it in contiguous
mini-batches; each batch gives a gradient by backpropagation and one
update

    v ← μ v − η ∇C,      θ ← θ + v

(plain SGD when the momentum μ is 0). Training returns a :class:`History`
of the cost and accuracy per epoch instead of printing them; pass
``verbose=True`` to see one line per epoch as it goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_inputs, check_positive
from .network import Network

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


def _epoch(net, Xs, Ys, batch_size, eta, momentum, velocity_w, velocity_b) -> None:
    """One pass over (Xs, Ys) in contiguous mini-batches, one SGD update per batch."""
    for i in range(0, Xs.shape[0], batch_size):
        grad = net._backprop(Xs[i : i + batch_size], Ys[i : i + batch_size])
        for l in range(1, net.L + 1):
            if momentum:
                velocity_w[l] *= momentum
                velocity_w[l] -= eta * grad.w[l]  # v ← μ v − η ∂C/∂w^l
                velocity_b[l] *= momentum
                velocity_b[l] -= eta * grad.b[l]
                net.w[l] += velocity_w[l]  # w^l ← w^l + v
                net.b[l] += velocity_b[l]
            else:
                net.w[l] -= eta * grad.w[l]  # w^l ← w^l − η ∂C/∂w^l
                net.b[l] -= eta * grad.b[l]


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
    X : array_like, shape (m, n_0)
    y : array_like, shape (m, n_L), or (m,) integer class labels
        With class labels, accuracy is recorded too.
    epochs : int
        Passes over the training set.
    batch_size : int
        Examples per mini-batch; the last batch of an epoch may be smaller.
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
    velocity_w = [None] + [np.zeros_like(w) for w in net.w[1:]]
    velocity_b = [None] + [np.zeros_like(b) for b in net.b[1:]]
    history = History()
    best_cost, best_params, since_best = np.inf, None, 0

    for epoch in range(epochs):
        start = time.perf_counter()
        eta = learning_rate * (schedule(epoch) if schedule is not None else 1.0)
        if shuffle:
            perm = rng.permutation(m)
            Xs, Ys = X[perm], Y[perm]
        else:
            Xs, Ys = X, Y
        # A too-large learning rate can overflow mid-epoch; silence NumPy's warnings
        # there and report divergence once, clearly, at the end of the epoch.
        with np.errstate(over="ignore", invalid="ignore"):
            _epoch(net, Xs, Ys, batch_size, eta, momentum, velocity_w, velocity_b)
        history.seconds.append(time.perf_counter() - start)
        history.epoch.append(epoch + 1)
        history.learning_rate.append(float(eta))
        with np.errstate(over="ignore", invalid="ignore"):
            diverged = not np.all(np.isfinite(net.get_params()))
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
