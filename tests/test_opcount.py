"""bp.opcount: the closed-form MAC counts against instrumented runs and independent formulas.

Two independent checks of every closed form in ``bp.opcount``:

* an instrumented run: ``with bp.opcount.counting() as c: ...`` adds up the
  m·k·n of every matrix product the code really performs;
* a formula written here from scratch, by walking over the layers and
  over the matrix products each method performs (not by calling opcount).
"""

from __future__ import annotations

import numpy as np
import pytest

import bp
from bp import opcount

ARCHITECTURES = [
    [2, 1],
    [3, 4, 2],
    [5, 7, 6, 4],
    [8, 3, 9, 2, 5],
    [1, 16, 1],
    [64, 30, 10],
]
BATCHES = [1, 3, 17]


def _problem(sizes, m, seed=0):
    rng = np.random.default_rng(seed)
    net = bp.Network(sizes, "sigmoid", "quadratic", seed=seed)
    X = rng.standard_normal((m, sizes[0]))
    Y = rng.random((m, sizes[-1]))
    return net, X, Y


# ---- formulas written independently of bp.opcount ------------------------------
def weights_by_loop(sizes):
    total = 0
    for l in range(1, len(sizes)):
        total += sizes[l] * sizes[l - 1]  # w^l is n_l × n_{l−1}
    return total


def parameters_by_loop(sizes):
    total = 0
    for l in range(1, len(sizes)):
        total += sizes[l] * sizes[l - 1] + sizes[l]  # w^l and b^l
    return total


def forward_by_loop(sizes, m):
    macs = 0
    for l in range(1, len(sizes)):
        # Z^l = A^{l−1} (w^l)ᵀ : (m × n_{l−1}) times (n_{l−1} × n_l)
        macs += m * sizes[l - 1] * sizes[l]
    return macs


def backward_by_loop(sizes, m):
    L = len(sizes) - 1
    macs = 0
    for l in range(L, 0, -1):
        if l < L:
            # BP2: δ^{l+1} w^{l+1} : (m × n_{l+1}) times (n_{l+1} × n_l)
            macs += m * sizes[l + 1] * sizes[l]
        # BP4: (δ^l)ᵀ A^{l−1} : (n_l × m) times (m × n_{l−1})
        macs += sizes[l] * m * sizes[l - 1]
    return macs


def finite_difference_by_loop(sizes, m, method):
    passes = 0
    for l in range(1, len(sizes)):
        for _ in range(sizes[l] * (sizes[l - 1] + 1)):  # each weight and bias of layer l
            passes += 2 if method == "central" else 1
    if method == "forward":
        passes += 1  # the unperturbed cost C(θ)
    return passes * forward_by_loop(sizes, m)


def forward_mode_by_loop(sizes, m):
    L = len(sizes) - 1
    macs = forward_by_loop(sizes, m)  # the primal pass
    for l in range(1, L + 1):
        for _ in range(sizes[l] * (sizes[l - 1] + 1)):  # one tangent per parameter of layer l
            # the tangent starts at z^l (no product there) and crosses layers l+1..L
            for k in range(l + 1, L + 1):
                macs += m * sizes[k - 1] * sizes[k]
    return macs


def neuron_forward_mode_by_loop(sizes, m):
    L = len(sizes) - 1
    macs = forward_by_loop(sizes, m)  # the primal pass
    for l in range(1, L + 1):
        for _ in range(sizes[l]):  # one tangent per neuron of layer l, seeded at z^l_j
            for k in range(l + 1, L + 1):  # it crosses layers l+1..L
                macs += m * sizes[k - 1] * sizes[k]
            macs += 1 * m * sizes[l - 1]  # (1 × m) errors times A^{l−1}: the weights into j
    return macs


# ---- counts of parameters --------------------------------------------------------
@pytest.mark.parametrize("sizes", ARCHITECTURES)
def test_weight_and_parameter_counts(sizes):
    assert opcount.n_weights(sizes) == weights_by_loop(sizes)
    assert opcount.n_parameters(sizes) == parameters_by_loop(sizes)
    net = bp.Network(sizes)
    assert net.n_parameters == parameters_by_loop(sizes) == net.get_params().size
    assert opcount.n_weights(sizes) == sum(w.size for w in net.w[1:])


# ---- forward, backward, gradient ----------------------------------------------------
@pytest.mark.parametrize("sizes", ARCHITECTURES)
@pytest.mark.parametrize("m", BATCHES)
def test_forward_backward_gradient_counts(sizes, m):
    net, X, Y = _problem(sizes, m)
    with opcount.counting() as fwd:
        net.forward(X)
    with opcount.counting() as grad:
        net.backprop(X, Y)
    assert fwd.macs == forward_by_loop(sizes, m) == opcount.forward_macs(sizes, m)
    assert fwd.products == len(sizes) - 1
    assert grad.macs == forward_by_loop(sizes, m) + backward_by_loop(sizes, m)
    assert grad.macs == opcount.gradient_macs(sizes, m)
    assert grad.macs - fwd.macs == opcount.backward_macs(sizes, m) == backward_by_loop(sizes, m)
    # 2L − 1 products in the backward pass: BP4 in every layer, BP2 in all but the first
    assert grad.products - fwd.products == 2 * (len(sizes) - 1) - 1


@pytest.mark.parametrize("sizes", ARCHITECTURES)
def test_gradient_costs_at_most_three_forward_passes(sizes):
    f, g = opcount.forward_macs(sizes), opcount.gradient_macs(sizes)
    # 3 − n_1 n_0 / W: between 2 (one layer) and 3
    assert g * weights_by_loop(sizes) == f * (3 * weights_by_loop(sizes) - sizes[0] * sizes[1])
    assert 2 * f <= g < 3 * f


def test_counts_scale_linearly_in_the_batch():
    sizes = [5, 7, 6, 4]
    for fn in (opcount.forward_macs, opcount.backward_macs, opcount.gradient_macs):
        assert fn(sizes, 10) == 10 * fn(sizes, 1)


def test_backprop_loop_costs_the_same_products_as_the_batch():
    # the per-example code is not instrumented: it uses @ directly
    net, X, Y = _problem([3, 4, 2], 5)
    with opcount.counting() as c:
        net.backprop_loop(X, Y)
    assert c.macs == 0


# ---- finite differences and forward mode (instrumented on tiny nets) --------------------
TINY = [[2, 1], [3, 2, 2], [2, 3, 2, 1], [1, 4, 1]]


@pytest.mark.parametrize("sizes", TINY)
@pytest.mark.parametrize("m", [1, 4])
@pytest.mark.parametrize("method", ["central", "forward"])
def test_finite_difference_counts(sizes, m, method):
    net, X, Y = _problem(sizes, m)
    with opcount.counting() as c:
        bp.finite_difference_gradient(net, X, Y, method=method)
    expected = finite_difference_by_loop(sizes, m, method)
    assert c.macs == expected == opcount.finite_difference_macs(sizes, m, method)
    P = parameters_by_loop(sizes)
    assert c.products == (2 * P if method == "central" else P + 1) * (len(sizes) - 1)


@pytest.mark.parametrize("sizes", TINY + [[4, 5, 3]])
@pytest.mark.parametrize("m", [1, 3])
def test_forward_mode_counts(sizes, m):
    net, X, Y = _problem(sizes, m)
    with opcount.counting() as c:
        bp.forward_mode_gradient(net, X, Y)
    assert c.macs == forward_mode_by_loop(sizes, m) == opcount.forward_mode_macs(sizes, m)


@pytest.mark.parametrize("sizes", TINY + [[4, 5, 3], [3, 4, 6, 2, 3]])
@pytest.mark.parametrize("m", [1, 3])
def test_neuron_forward_mode_counts(sizes, m):
    net, X, Y = _problem(sizes, m)
    with opcount.counting() as c:
        bp.neuron_forward_mode_gradient(net, X, Y)
    assert c.macs == neuron_forward_mode_by_loop(sizes, m)
    assert c.macs == opcount.neuron_forward_mode_macs(sizes, m)
    # one primal product per layer; per neuron of layer l, one per layer above and one more
    L = len(sizes) - 1
    tangent = sum(sizes[l] * (L - l + 1) for l in range(1, L + 1))
    assert c.products == L + tangent


def test_neuron_count():
    assert opcount.n_neurons([784, 30, 10]) == 40
    assert opcount.n_neurons([5, 7, 6, 4]) == 17


def test_neuron_seeding_beats_weight_seeding_by_the_fan_in():
    # square layers [n, n, n]: per-weight forward mode carries n + 1 times as many
    # tangents (one per parameter) as per-neuron forward mode (one per neuron)
    for n in (8, 32, 128):
        sizes = [n, n, n]
        fm, nfm = opcount.forward_mode_macs(sizes), opcount.neuron_forward_mode_macs(sizes)
        # layer-1 tangents: n(n+1) per weight, n per neuron, each crossing n·n MACs
        assert fm - opcount.forward_macs(sizes) == n * (n + 1) * n * n
        assert nfm - 2 * opcount.forward_macs(sizes) == n * n * n


def test_naive_costs_grow_quadratically_and_backprop_linearly():
    # widen [1, h, 1]: W = 2h, and the ratio naive / backprop grows like W
    ratios = []
    for h in (10, 100, 1000):
        sizes = [1, h, 1]
        g = opcount.gradient_macs(sizes)
        assert g == 3 * 2 * h - h  # 3W − n_1 n_0
        ratios.append(opcount.finite_difference_macs(sizes, method="forward") / g)
    # P + 1 = 3h + 2 passes of 2h MACs against 5h: ratio (3h + 2)·2/5
    np.testing.assert_allclose(ratios, [(3 * h + 2) * 2 / 5 for h in (10, 100, 1000)])


def test_unknown_method_and_bad_sizes_raise():
    with pytest.raises(ValueError, match="method"):
        opcount.finite_difference_macs([2, 3], method="backward")
    with pytest.raises(ValueError, match="sizes"):
        opcount.n_weights([3])
    with pytest.raises(ValueError, match="sizes"):
        opcount.forward_macs([3, 0, 2])


def test_counters_nest_and_stop_counting_outside():
    net, X, _ = _problem([3, 4, 2], 2)
    with opcount.counting() as outer:
        net.forward(X)
        with opcount.counting() as inner:
            net.forward(X)
    net.forward(X)  # not counted by either
    assert inner.macs == opcount.forward_macs([3, 4, 2], 2)
    assert outer.macs == 2 * inner.macs


@pytest.mark.parametrize(
    ("sizes", "m", "error", "message"),
    [
        ([3, 2.5], 1, TypeError, r"^sizes\[1\] must be a positive integer, got 2.5$"),
        ("32", 1, TypeError, "^sizes must be a sequence of layer widths"),
        (
            [3, 2],
            0,
            ValueError,
            r"^m must be a positive integer \(the number of examples\), got 0$",
        ),
        ([3, 2], 2.0, TypeError, r"^m must be a positive integer \(the number of examples\)"),
    ],
)
def test_counts_check_sizes_and_batch_size(sizes, m, error, message):
    for count in (opcount.forward_macs, opcount.backward_macs, opcount.forward_mode_macs):
        with pytest.raises(error, match=message):
            count(sizes, m)
