"""The benchmark's bare NumPy loop does the arithmetic of ``bp.train``.

From the same start and in the same order (``bp.train`` shuffles with
``np.random.default_rng(seed).permutation(N)`` in its first epoch), one epoch of
``benchmarks/bare_loop.py`` leaves the same parameters as one epoch of ``bp.train``,
up to rounding; so the benchmark compares ``bp`` with a floor that does the same job.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import bp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bare_loop


@pytest.mark.parametrize(
    ("sizes", "batch", "dtype", "rtol"),
    [
        ((64, 30, 10), 10, np.float64, 1e-10),
        ((64, 20, 15, 10), 32, np.float64, 1e-10),  # the last batch is short
        ((64, 30, 10), 10, np.float32, 1e-4),
    ],
)
def test_bare_loop_matches_bp_train_after_one_epoch(sizes, batch, dtype, rtol):
    X, y = bp.data.load_digits()
    X = X.astype(dtype)
    L = len(sizes) - 1
    net = bp.Network(
        list(sizes), ["sigmoid"] * (L - 1) + ["softmax"], "log_likelihood", seed=3, dtype=dtype
    )
    W = [w.copy() for w in net.w[1:]]
    b = [v.copy() for v in net.b[1:]]
    Y = np.eye(10, dtype=dtype)[y]
    seed, eta = 7, 0.1

    bp.train(net, X, y, epochs=1, batch_size=batch, learning_rate=eta, monitor=False, seed=seed)
    bare_loop.epoch(W, b, X, Y, batch, eta, np.random.default_rng(seed).permutation(len(X)))

    for l in range(1, L + 1):
        assert W[l - 1].dtype == dtype
        np.testing.assert_allclose(W[l - 1], net.w[l], rtol=rtol, atol=rtol * 1e-3)
        np.testing.assert_allclose(b[l - 1], net.b[l], rtol=rtol, atol=rtol * 1e-3)
    # and the epoch did move the parameters (the comparison is not vacuous)
    start = bp.Network(
        list(sizes), ["sigmoid"] * (L - 1) + ["softmax"], "log_likelihood", seed=3, dtype=dtype
    )
    assert not np.allclose(start.w[1], W[0], rtol=1e-3, atol=1e-5)
