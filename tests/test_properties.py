"""Property-based tests over random architectures, batch sizes and seeds (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from strategies import problems


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
