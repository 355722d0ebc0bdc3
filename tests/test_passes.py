"""The kernel (bp.passes) against the text's one-example form and against the engine.

Every gradient in bp runs bp.passes.forward/backward. The references here never use it:
``Network.example_gradient`` is the text's column-vector form, one example at a time, and
``bp.autodiff.network_gradient`` differentiates a graph that knows nothing of BP1–BP4.
"""

from __future__ import annotations

import numpy as np
import pytest

import bp
from bp import passes
from bp.autodiff import network_gradient
from conftest import HIDDEN, OUTPUT_COST, layered_net, make_targets


def _per_example_mean(net, X, Y):
    """(1/m) Σ_x of the text's one-example gradient, plus λw once (not m times)."""
    m = X.shape[0]
    w = [None] + [np.zeros_like(v) for v in net.w[1:]]
    b = [None] + [np.zeros_like(v) for v in net.b[1:]]
    for i in range(m):
        g = net.example_gradient(X[i], Y[i])
        for l in range(1, net.L + 1):
            w[l] += g.w[l] / m
            b[l] += g.b[l] / m
    return bp.Gradient(w, b)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,cost", OUTPUT_COST)
def test_kernel_equals_the_one_example_form(hidden, output, cost, rng):
    net = layered_net(hidden, output, cost, weight_decay=0.01)
    X = rng.standard_normal((9, 5))
    Y = make_targets(rng, output, cost, 9, 4)
    got = net.backprop(X, Y)
    want = _per_example_mean(net, X, Y)  # λw averaged over m copies is λw
    np.testing.assert_allclose(got.flat(), want.flat(), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("output,cost", OUTPUT_COST)
def test_kernel_equals_the_autodiff_engine(output, cost, rng):
    net = layered_net("tanh", output, cost, weight_decay=0.02)
    X = rng.standard_normal((6, 5))
    Y = make_targets(rng, output, cost, 6, 4)
    np.testing.assert_allclose(
        net.backprop(X, Y).flat(), network_gradient(net, X, Y).flat(), rtol=1e-10, atol=1e-13
    )


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,cost", OUTPUT_COST)
def test_buffers_and_scale_give_the_same_gradient(hidden, output, cost, rng):
    """Buffers larger than the batch, reused for batches of other sizes, and η folded into δ^L."""
    net = layered_net(hidden, output, cost, weight_decay=0.01)
    work = passes.Buffers(net.sizes, net.dtype, 12)
    for m in (9, 3, 12):
        X, _ = net.check_batch(rng.standard_normal((m, 5)))
        Y = make_targets(rng, output, cost, m, 4)
        step = bp.Gradient.zeros_like(net)
        z, a = passes.forward(net, X, work=work)
        assert passes.backward(net, z, a, step, Y=Y, scale=0.3, work=work) is None
        want = _per_example_mean(net, X, Y)
        np.testing.assert_allclose(step.flat(), 0.3 * want.flat(), rtol=1e-11, atol=1e-14)


def test_segments_hand_down_the_error(rng):
    """A backward pass split at layer 2 gives the gradient of the whole pass."""
    net = bp.Network(
        [4, 6, 5, 7, 3],
        ["tanh", "sigmoid", "relu", "softmax"],
        "log_likelihood",
        seed=2,
        weight_decay=0.05,
    )
    X, Y = net.check_batch(rng.standard_normal((8, 4)), rng.integers(0, 3, 8))
    whole = net.gradient(X, Y)
    parts = bp.Gradient.zeros_like(net)
    z, a = passes.forward(net, X)
    grad_a = passes.backward(net, z, a, parts, Y=Y, start=2)  # layers 4, 3
    assert grad_a is not None and grad_a.shape == (8, 5)
    z_low, a_low = passes.forward(net, X, end=2)
    assert passes.backward(net, z_low, a_low, parts, grad_a=grad_a) is None  # layers 2, 1
    np.testing.assert_array_equal(parts.flat(), whole.flat())


def test_forward_of_a_segment_starts_from_its_input(rng):
    net = layered_net("sigmoid", "softmax", "log_likelihood")
    X = rng.standard_normal((4, 5))
    _, a = passes.forward(net, X)
    z2, a2 = passes.forward(net, a[1], start=1)
    assert z2[1] is None and a2[1] is a[1]
    np.testing.assert_array_equal(a2[3], a[3])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_buffers_keep_the_dtype(dtype, rng):
    net = layered_net("sigmoid", "softmax", "log_likelihood", dtype=dtype)
    work = passes.Buffers(net.sizes, net.dtype, 8)
    X, Y = net.check_batch(rng.random((8, 5)), rng.integers(0, 4, 8))
    z, a = passes.forward(net, X, work=work)
    assert all(t.dtype == dtype for t in z[1:] + a[1:])
    g = bp.Gradient.zeros_like(net)
    passes.backward(net, z, a, g, Y=Y, scale=np.float64(0.5), work=work)
    assert all(t.dtype == dtype for t in g.w[1:] + g.b[1:])


@pytest.mark.parametrize("m", [9, 4])
def test_the_scratch_array_is_never_the_delta_in_use(m):
    """Buffers.scratch hands out the Δ array not in use (the two take turns)."""
    work = passes.Buffers([5, 7, 6, 4], np.float64, rows=9)
    for l in (1, 2, 3):
        delta = work.delta(l, m)
        assert not np.shares_memory(work.scratch(delta), delta)
        assert l == 3 or np.shares_memory(work.scratch(delta), work.delta(l + 1, m))
    assert work.scratch(work.z(2, m)).shape == (m, 6)
