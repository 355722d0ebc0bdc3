"""The fast path of bp.train (work arrays, in-place updates) computes what the book's code computes.

``bp.train`` does not call ``Network._backprop``: it runs the same four equations through
preallocated arrays (``bp.train._Workspace``). These tests hold the two to the same numbers:
the book's ``_backprop`` plus a plain update is the reference, never the fast path itself.
"""

from __future__ import annotations

import importlib
import tracemalloc

import numpy as np
import pytest

import bp
from bp.activations import sigmoid

from conftest import HIDDEN, OUTPUT_COST, make_targets

fast = importlib.import_module("bp.train")  # the module (bp.train is the function)


def _net(hidden, output, cost, dtype=np.float64, sizes=(5, 7, 6, 4), weight_decay=0.0):
    return bp.Network(
        list(sizes), [hidden] * (len(sizes) - 2) + [output], cost, seed=3, dtype=dtype,
        weight_decay=weight_decay,
    )


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,cost", OUTPUT_COST)
def test_workspace_gradient_equals_backprop(hidden, output, cost, rng):
    net = _net(hidden, output, cost, weight_decay=0.01)
    X = rng.standard_normal((9, 5))
    Y = make_targets(rng, output, cost, 9, 4)
    ws = fast._Workspace(net, 12)  # larger than the batch: the first 9 rows are used
    got = fast._backprop_into(net, X, Y, ws)
    want = net._backprop(X, Y)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(got.w[l], want.w[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got.b[l], want.b[l], rtol=1e-12, atol=1e-15)


def test_workspace_is_reused_without_stale_values(rng):
    """Two batches of different sizes through one workspace: each gradient is its own."""
    net = _net("sigmoid", "softmax", "log_likelihood")
    ws = fast._Workspace(net, 8)
    for m in (8, 3, 8):
        X = rng.standard_normal((m, 5))
        Y = make_targets(rng, "softmax", "log_likelihood", m, 4)
        got = fast._backprop_into(net, X, Y, ws)
        np.testing.assert_allclose(got.flat(), net._backprop(X, Y).flat(), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_with_work_arrays_is_exact(dtype):
    z = np.concatenate([np.linspace(-60, 60, 2001), [-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])
    z = z.astype(dtype).reshape(-1, 8)
    out, tmp = np.empty_like(z), np.empty_like(z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        got = bp.activations.sigmoid(z, out=out, work=tmp)
    assert got is out and got.dtype == dtype
    # float64 reference from the exact formula, then compared in relative terms
    z64 = z.astype(np.float64)
    exact = np.where(z64 >= 0, 1 / (1 + np.exp(-np.abs(z64))), np.exp(-np.abs(z64)) / (1 + np.exp(-np.abs(z64))))
    ulp = np.finfo(dtype).eps
    tiny = np.finfo(dtype).tiny
    big = exact > tiny  # below the smallest normal number, relative error is meaningless
    np.testing.assert_allclose(got[big], exact[big].astype(dtype), rtol=4 * ulp)
    np.testing.assert_allclose(got, sigmoid(z), rtol=4 * ulp, atol=tiny)


@pytest.mark.parametrize("momentum", [0.0, 0.7])
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_shuffled_epoch_equals_backprop_and_update_by_hand(momentum, weight_decay, rng):
    """Same permutation, same batches (the last one short), same update rule as the book's code."""
    net = _net("sigmoid", "softmax", "log_likelihood", weight_decay=weight_decay)
    reference = net.copy()
    X = rng.standard_normal((23, 5))
    y = rng.integers(0, 4, size=23)
    eta, batch, seed = 0.4, 5, 11
    bp.train(net, X, y, epochs=2, batch_size=batch, learning_rate=eta, momentum=momentum,
             seed=seed, monitor=False)

    Y = np.eye(4)[y]
    order_rng = np.random.default_rng(seed)
    vw = [None] + [np.zeros_like(w) for w in reference.w[1:]]
    vb = [None] + [np.zeros_like(b) for b in reference.b[1:]]
    for _ in range(2):
        perm = order_rng.permutation(23)
        for i in range(0, 23, batch):
            rows = perm[i : i + batch]
            g = reference._backprop(X[rows], Y[rows])
            for l in range(1, reference.L + 1):
                vw[l] = momentum * vw[l] - eta * g.w[l]
                vb[l] = momentum * vb[l] - eta * g.b[l]
                reference.w[l] = reference.w[l] + vw[l]
                reference.b[l] = reference.b[l] + vb[l]
    np.testing.assert_allclose(net.get_params(), reference.get_params(), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_float32_stays_float32(hidden, rng):
    """No silent promotion: a float32 network trains in float32 (a float64 learning rate included)."""
    net = _net(hidden, "softmax", "log_likelihood", dtype=np.float32)
    X = rng.random((20, 5)).astype(np.float32)
    y = rng.integers(0, 4, size=20)
    ws = fast._Workspace(net, 8)
    g = fast._backprop_into(net, X[:8], np.eye(4, dtype=np.float32)[y[:8]], ws)
    assert all(a.dtype == np.float32 for a in g.w[1:] + g.b[1:])
    z, a = fast._forward_into(net, X[:8], ws)
    assert all(t.dtype == np.float32 for t in z[1:] + a[1:])
    bp.train(net, X, y, epochs=2, batch_size=8, learning_rate=np.float64(0.5), momentum=0.5,
             monitor=False)
    assert all(p.dtype == np.float32 for p in net.w[1:] + net.b[1:])
    reference = _net(hidden, "softmax", "log_likelihood", dtype=np.float64)
    bp.train(reference, X.astype(np.float64), y, epochs=2, batch_size=8, learning_rate=0.5,
             momentum=0.5, monitor=False)
    np.testing.assert_allclose(net.get_params(), reference.get_params(), rtol=1e-4, atol=1e-5)


def test_training_memory_is_parameters_gradients_and_work_arrays(rng):
    """No copy of the whole training set per epoch, no temporary as large as the parameters.

    The peak memory of one epoch is the parameters and gradients (2P numbers), the work
    arrays for one batch of b examples (A^0; Z^l, later δ^l; A^l; one (b, max n_l) scratch
    array) and the one-hot targets of the m examples, give or take 10%.
    """
    sizes, m, batch = [200, 100, 100, 10], 5000, 50
    X = rng.random((m, sizes[0]))
    y = rng.integers(0, 10, size=m)
    net = bp.Network(sizes, ["sigmoid", "sigmoid", "softmax"], "log_likelihood")
    bp.train(net, X[:400], y[:400], epochs=1, batch_size=batch, monitor=False)  # warm caches
    S = sum(sizes[1:])
    budget = 8 * (
        2 * net.n_parameters
        + batch * (sizes[0] + 2 * S + max(sizes[1:]) + sizes[-1])
        + m * sizes[-1]
        + m  # the epoch's permutation (int64)
    )
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        bp.train(net, X, y, epochs=1, batch_size=batch, monitor=False)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    total = 8 * net.n_parameters + peak  # the parameters existed before the call
    assert total <= 1.1 * budget, (total, budget)
    assert peak < X.nbytes  # a shuffled copy of X alone would be X.nbytes
