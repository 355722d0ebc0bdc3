"""bp.checkpoint: checkpointed gradients equal plain ones; its cost and memory models."""

from __future__ import annotations

import numpy as np
import pytest

import bp
from bp import checkpoint, opcount
from bp.measure import peak_memory
from conftest import OUTPUT_COST, make_problem

DEEP = [5, 6, 7, 6, 5, 6, 7, 4]  # L = 7


def _problem(sizes, hidden, output, cost, m=6, seed=0, weight_decay=0.0):
    return make_problem(sizes, hidden, output, cost, m, seed, weight_decay)


@pytest.mark.parametrize("every", range(1, 9))
@pytest.mark.parametrize("output, cost", OUTPUT_COST)
def test_checkpointed_gradient_equals_backprop(every, output, cost):
    net, X, Y = _problem(DEEP, "tanh", output, cost, weight_decay=0.05)
    plain = net.backprop(X, Y)
    ck = checkpoint.checkpointed_backprop(net, X, Y, every=every)
    for l in range(1, net.L + 1):
        # the same floating-point operations in the same order: equal to the last bit
        np.testing.assert_array_equal(ck.w[l], plain.w[l])
        np.testing.assert_array_equal(ck.b[l], plain.b[l])


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "lecun_tanh", "identity"])
def test_checkpointed_gradient_matches_finite_differences(hidden):
    net, X, Y = _problem([3, 4, 4, 4, 2], hidden, "sigmoid", "cross_entropy", m=4)
    ck = checkpoint.checkpointed_backprop(net, X, Y, every=2)
    numeric = bp.finite_difference_gradient(net, X, Y)
    assert bp.relative_error(ck.flat(), numeric.flat()) < 1e-7


def test_default_and_labels_and_float32():
    rng = np.random.default_rng(1)
    net = bp.Network(
        [4] + [5] * 8 + [3], ["relu"] * 8 + ["softmax"], "log_likelihood", dtype=np.float32
    )
    X = rng.standard_normal((7, 4))
    labels = rng.integers(0, 3, 7)
    ck = checkpoint.checkpointed_backprop(net, X, labels)  # default every ≈ √(L/2)
    plain = net.backprop(X, labels)
    assert ck.w[1].dtype == np.float32
    np.testing.assert_array_equal(ck.flat(), plain.flat())
    assert checkpoint.default_every(9) == 2 and checkpoint.default_every(1) == 1
    assert checkpoint.default_every(32) == 4


def test_checkpoints_list():
    assert checkpoint.checkpoints(10, 3) == [0, 3, 6, 9]
    assert checkpoint.checkpoints(10, 1) == list(range(10))
    assert checkpoint.checkpoints(10, 10) == [0]
    assert checkpoint.checkpoints(10, 99) == [0]


def _extra_by_loop(sizes, m, every):
    """Recomputed MACs: every layer below the top segment's start, once more."""
    L = len(sizes) - 1
    top = max(c for c in range(0, L, every))
    return sum(m * sizes[l] * sizes[l - 1] for l in range(1, top + 1))


@pytest.mark.parametrize("every", [1, 2, 3, 4, 7, 8])
@pytest.mark.parametrize("m", [1, 5])
def test_checkpoint_macs_instrumented(every, m):
    net, X, Y = _problem(DEEP, "sigmoid", "sigmoid", "quadratic", m=m)
    with opcount.counting() as c:
        checkpoint.checkpointed_backprop(net, X, Y, every=every)
    expected = opcount.gradient_macs(DEEP, m) + _extra_by_loop(DEEP, m, every)
    assert c.macs == expected == checkpoint.checkpoint_macs(DEEP, m, every)
    # never more than one extra forward pass
    assert c.macs <= opcount.gradient_macs(DEEP, m) + opcount.forward_macs(DEEP, m)


def test_plain_backprop_is_every_L():
    assert checkpoint.checkpoint_macs(DEEP, 3, 7) == opcount.gradient_macs(DEEP, 3)
    L = len(DEEP) - 1
    assert checkpoint.stored_floats(DEEP, 3, L) == 2 * 3 * sum(DEEP[1:])


def test_stored_floats_by_hand():
    # L = 4 layers of width 10, m = 2, every = 2: checkpoints a^0 (= X, not counted), a^2.
    # Top segment (layers 3, 4): a^2 kept + z, a of layers 3 and 4 = 10 + 40 floats per example.
    sizes = [10] * 5
    assert checkpoint.stored_floats(sizes, 2, 2) == 2 * (10 + 2 * 20)
    # every = 1: checkpoints a^1..a^3; the top segment holds z^4, a^4
    assert checkpoint.stored_floats(sizes, 1, 1) == 30 + 20
    # L = 32, every = 4: a^4, a^8, …, a^28 kept (7), top segment z, a of layers 29..32 (8)
    sizes = [10] * 33
    assert checkpoint.stored_floats(sizes, 1, 4) == 10 * (7 + 8)
    # the optimum for equal widths is near k = √(L/2) = 4, with about 2√(2L) = 16 layers
    best = min(range(1, 33), key=lambda k: checkpoint.stored_floats(sizes, 1, k))
    assert best in (3, 4, 5)
    assert checkpoint.stored_floats(sizes, 1, best) <= 10 * 16
    assert checkpoint.stored_floats(sizes, 1, 32) == 10 * 64  # plain: z and a of 32 layers


def test_checkpointing_measurably_saves_memory():
    rng = np.random.default_rng(0)
    L, n, m = 24, 32, 512  # activations (m × n per layer) dominate the weights (n × n)
    net = bp.Network([n] * (L + 1), "relu", "quadratic")
    X = rng.standard_normal((m, n))
    Y = rng.standard_normal((m, n))
    _, plain = peak_memory(lambda: net.backprop(X, Y))
    _, ck = peak_memory(lambda: checkpoint.checkpointed_backprop(net, X, Y, every=4))
    assert ck < 0.5 * plain
    # and the model agrees on the direction and rough size of the saving
    model_ratio = checkpoint.stored_floats(net.sizes, m, 4) / checkpoint.stored_floats(
        net.sizes, m, L
    )
    assert model_ratio < 0.5


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_every_raises(bad):
    net, X, Y = _problem([3, 4, 2], "sigmoid", "sigmoid", "quadratic")
    with pytest.raises((TypeError, ValueError), match="every"):
        checkpoint.checkpointed_backprop(net, X, Y, every=bad)
    with pytest.raises((TypeError, ValueError), match="every"):
        checkpoint.checkpoint_macs([3, 4, 2], 1, bad)


def test_bad_inputs_raise_like_backprop():
    net, X, Y = _problem([3, 4, 2], "sigmoid", "sigmoid", "quadratic")
    with pytest.raises(ValueError, match="X"):
        checkpoint.checkpointed_backprop(net, X[:, :2], Y)
    with pytest.raises(ValueError, match="y"):
        checkpoint.checkpointed_backprop(net, X, Y[:, :1])


# ---- the binomial schedule (Griewank 1992, revolve) ------------------------------------
def _fewest_recomputations(L, slots, memo=None):
    """Brute force over schedules: the fewest recomputed layer passes.

    To reverse L layers from a kept a^0 with ``slots`` activations (a^0's slot
    included): one layer needs no recomputation; with one slot, every layer
    is recomputed from a^0 (0 + 1 + … + (L − 1)); otherwise try every place j
    for the next checkpoint: j passes to reach it, the L − j layers above with
    one slot fewer, the j layers below with the same slots.
    """
    memo = {} if memo is None else memo
    if L == 1:
        return 0
    if slots == 1:
        return sum(range(L))
    if (L, slots) not in memo:
        memo[L, slots] = min(
            j
            + _fewest_recomputations(L - j, slots - 1, memo)
            + _fewest_recomputations(j, slots, memo)
            for j in range(1, L)
        )
    return memo[L, slots]


def test_binomial_formula_equals_brute_force():
    memo: dict = {}
    for L in range(1, 41):
        for slots in range(1, 9):
            assert checkpoint.binomial_recomputations(L, slots) == _fewest_recomputations(
                L, slots, memo
            ), (L, slots)


def test_binomial_formula_by_hand():
    assert checkpoint.binomial_recomputations(10, 1) == 45  # 0 + 1 + … + 9
    assert checkpoint.binomial_recomputations(10, 9) == 9  # store all on the way up
    assert checkpoint.binomial_recomputations(1, 1) == 0
    # s = 2, L = 3 = β(2, 1): store a^1 on the way up; the top layer from a^1
    # (a^2 recomputed once), then layer 1: 2 passes (a^1, a^2) in all
    assert checkpoint.binomial_recomputations(3, 2) == 2


@pytest.mark.parametrize("L", [1, 2, 5, 7, 12])
@pytest.mark.parametrize("slots", [1, 2, 3, 4, 12])
def test_binomial_gradient_is_plain_backprop_bit_for_bit(L, slots):
    for output, cost in (("softmax", "log_likelihood"), ("identity", "quadratic")):
        net, X, Y = _problem([4] + [5] * (L - 1) + [3], "tanh", output, cost, weight_decay=0.05)
        plain = net.backprop(X, Y)
        binom = checkpoint.binomial_backprop(net, X, Y, slots)
        for l in range(1, net.L + 1):
            np.testing.assert_array_equal(binom.w[l], plain.w[l])
            np.testing.assert_array_equal(binom.b[l], plain.b[l])


@pytest.mark.parametrize("L, slots", [(6, 1), (6, 2), (13, 3), (20, 4), (33, 5), (16, 20)])
def test_binomial_recomputations_instrumented(L, slots):
    # equal widths n: every layer pass costs m·n·n MACs, so the instrumented count
    # gives the number of layer passes; the gradient's own passes are known
    n, m = 4, 3
    net, X, Y = _problem([n] * (L + 1), "sigmoid", "sigmoid", "quadratic", m=m)
    with opcount.counting() as c:
        checkpoint.binomial_backprop(net, X, Y, slots)
    extra, rest = divmod(c.macs - opcount.gradient_macs(net.sizes, m), m * n * n)
    assert rest == 0
    assert extra == _fewest_recomputations(L, slots)


def test_binomial_keeps_few_activations():
    rng = np.random.default_rng(0)
    L, n, m = 24, 32, 512
    net = bp.Network([n] * (L + 1), "relu", "quadratic")
    X = rng.standard_normal((m, n))
    Y = rng.standard_normal((m, n))
    _, plain = peak_memory(lambda: net.backprop(X, Y))
    _, binom = peak_memory(lambda: checkpoint.binomial_backprop(net, X, Y, 3))
    # 2 stored activations, one layer's z and a, δ and ∂C/∂a: about 7 arrays, against 48
    assert binom < 0.3 * plain


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_slots_raise(bad):
    net, X, Y = _problem([3, 4, 2], "sigmoid", "sigmoid", "quadratic")
    with pytest.raises((TypeError, ValueError), match="slots"):
        checkpoint.binomial_backprop(net, X, Y, bad)
    with pytest.raises((TypeError, ValueError), match="slots"):
        checkpoint.binomial_recomputations(5, bad)
    with pytest.raises((TypeError, ValueError), match="L"):
        checkpoint.binomial_recomputations(bad, 2)


def test_unified_messages_of_checkpointing():
    with pytest.raises(
        ValueError, match=r"^every must be a positive integer \(layers per segment\), got 0$"
    ):
        checkpoint.checkpoints(4, 0)
    with pytest.raises(
        TypeError, match=r"^slots must be a positive integer \(stored activations\), got 1\.5$"
    ):
        checkpoint.binomial_recomputations(4, 1.5)
    with pytest.raises(ValueError, match=r"^L must be a positive integer \(layers\), got 0$"):
        checkpoint.binomial_recomputations(0, 2)
    with pytest.raises(ValueError, match=r"^sizes must list at least two layer widths"):
        checkpoint.stored_floats([3])
