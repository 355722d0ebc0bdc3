"""bp.paths: the chain rule summed path by path equals backpropagation, at exponential cost."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import bp
from bp import paths
from conftest import OUTPUT_COST, make_targets


@pytest.mark.parametrize("sizes", [[3, 4, 5, 2], [2, 3, 3, 3, 3, 2], [2, 2, 2]])
@pytest.mark.parametrize("output, cost", OUTPUT_COST)
def test_path_sum_gradient_equals_backprop(sizes, output, cost, rng):
    L = len(sizes) - 1
    net = bp.Network(sizes, ["tanh"] * (L - 1) + [output], cost, weight_decay=0.1, seed=3)
    x = rng.standard_normal(sizes[0])
    y = make_targets(rng, output, cost, 1, sizes[-1])[0]
    g, mults = paths.path_sum_gradient(net, x, y)
    ref = net.backprop_example(x, y)
    assert bp.relative_error(g.flat(), ref.flat()) < 1e-13
    assert mults == paths.path_sum_multiplications(sizes)


def test_counts_by_enumeration():
    sizes = [2, 3, 4, 2, 3]
    L = len(sizes) - 1
    n_paths = 0
    mults = 0
    for l in range(1, L):
        for _ in range(sizes[l]):
            for path in itertools.product(*(range(n) for n in sizes[l + 1 :])):
                n_paths += 1
                mults += 2 * len(path)  # a weight and a σ′ per edge, less one σ′, plus δ^L
    assert paths.n_paths(sizes) == n_paths
    assert paths.path_sum_multiplications(sizes) == mults
    assert paths.paths_from_layer(sizes, 1) == 4 * 2 * 3
    assert paths.paths_from_layer(sizes, L) == 1
    assert paths.backprop_multiplications(sizes) == (4 * 3 + 3) + (2 * 4 + 4) + (3 * 2 + 2)


def test_paths_grow_exponentially_backprop_linearly():
    n = 4
    prev = None
    for depth in range(2, 9):
        sizes = [n] * (depth + 1)
        # δ^1..δ^{L−1}: n^{L−l} paths from each of n neurons in layer l
        assert paths.n_paths(sizes) == sum(n * n ** (depth - l) for l in range(1, depth))
        assert paths.backprop_multiplications(sizes) == (depth - 1) * (n * n + n)
        if prev is not None:
            assert paths.n_paths(sizes) > (n - 1) * prev
        prev = paths.n_paths(sizes)
    assert math.log(paths.n_paths([n] * 9), n) > 7


def test_errors():
    net = bp.Network([2] + [30] * 6 + [2])
    with pytest.raises(ValueError, match="paths"):
        paths.path_sum_gradient(net, np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="layer"):
        paths.paths_from_layer([2, 3, 2], 0)
    with pytest.raises(ValueError, match="layer"):
        paths.paths_from_layer([2, 3, 2], 3)


def test_a_layer_number_of_the_wrong_kind_is_a_type_error():
    with pytest.raises(TypeError, match=r"^l must be a layer number in 1\.\.2, got 1\.0$"):
        paths.paths_from_layer([2, 3, 2], 1.0)
    with pytest.raises(ValueError, match=r"^l must be a layer number in 1\.\.2, got 3$"):
        paths.paths_from_layer([2, 3, 2], 3)
    with pytest.raises(TypeError, match=r"^sizes\[1\] must be a positive integer, got 2\.5$"):
        paths.n_paths([2, 2.5, 2])
