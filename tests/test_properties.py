"""Property-based tests over random architectures, batch sizes and seeds (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import bp
from bp.gradcheck import relative_error
from conftest import OUTPUT_COST, make_targets

architectures = st.lists(st.integers(1, 5), min_size=2, max_size=4)
hidden = st.sampled_from(["sigmoid", "tanh", "lecun_tanh", "identity"])


@st.composite
def problems(draw):
    sizes = draw(architectures)
    output, cost = draw(st.sampled_from(OUTPUT_COST))
    if cost == "log_likelihood" and sizes[-1] < 2:
        sizes[-1] = 2
    acts = [draw(hidden) for _ in range(len(sizes) - 2)] + [output]
    m = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    decay = draw(st.sampled_from([0.0, 0.1]))
    rng = np.random.default_rng(seed)
    net = bp.Network(sizes, acts, cost, weight_decay=decay, seed=seed)
    for l in range(1, net.L + 1):
        net.b[l][:] = 0.2 * rng.standard_normal(net.b[l].shape)
    X = rng.standard_normal((m, sizes[0]))
    Y = make_targets(rng, output, cost, m, sizes[-1])
    return net, X, Y


@settings(max_examples=60, deadline=None)
@given(problems())
def test_backprop_matches_forward_mode(problem):
    net, X, Y = problem
    g = net.backprop(X, Y).flat()
    h = bp.forward_mode_gradient(net, X, Y).flat()
    assert relative_error(g, h) <= 1e-10


@settings(max_examples=40, deadline=None)
@given(problems())
def test_backprop_matches_centred_differences(problem):
    net, X, Y = problem
    # A centred difference across the ReLU's kink at 0 measures a mix of its two slopes:
    # only points farther from every kink than the check's step can be compared.
    fp = net.forward(X)
    for l in range(1, net.L + 1):
        if net.activations[l].name == "relu":
            assume(np.abs(fp.z[l]).min() > 1e-3)
    assert bp.check_gradient(net, X, Y).relative_error <= 1e-7


@settings(max_examples=40, deadline=None)
@given(problems())
def test_loop_equals_matrix_form(problem):
    net, X, Y = problem
    np.testing.assert_allclose(
        net.backprop_loop(X, Y).flat(), net.backprop(X, Y).flat(), rtol=1e-11, atol=1e-14
    )


@settings(max_examples=30, deadline=None)
@given(problems())
def test_gradient_of_a_batch_is_the_mean_of_examples(problem):
    net, X, Y = problem
    lam, net.weight_decay = net.weight_decay, 0.0
    parts = [net.backprop(X[i : i + 1], Y[i : i + 1]).flat() for i in range(X.shape[0])]
    np.testing.assert_allclose(
        np.mean(parts, axis=0), net.backprop(X, Y).flat(), rtol=1e-11, atol=1e-14
    )
    net.weight_decay = lam


@settings(max_examples=30, deadline=None)
@given(problems())
def test_one_sided_differences_are_first_order_accurate(problem):
    net, X, Y = problem
    g = net.backprop(X, Y).flat()
    h = bp.finite_difference_gradient(net, X, Y, method="forward").flat()
    assert np.max(np.abs(g - h)) <= 1e-5 * max(1.0, np.max(np.abs(g)))
