"""bp.sgd (training): accuracy on the held-out digits, determinism, momentum, schedules, early
stopping, memory, and bad arguments named in their errors."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import bp
from conftest import LABELS, layered_net


@pytest.fixture(scope="module")
def digits():
    return bp.data.digits_split(test_fraction=0.25, seed=0)


def _digits_net(dtype=np.float64):
    return bp.Network([64, 30, 10], ["sigmoid", "softmax"], "log_likelihood", seed=0, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reaches_95_percent_on_held_out_digits(digits, dtype):
    X_train, y_train, X_test, y_test = digits
    net = _digits_net(dtype)
    history = bp.train(
        net, X_train, y_train, epochs=20, batch_size=10, learning_rate=0.1, momentum=0.9, seed=0
    )
    accuracy = net.accuracy(X_test, y_test)
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"
    assert history.train_cost[-1] < history.train_cost[0]
    assert len(history.epoch) == 20 and history.epoch[-1] == 20


def test_same_seed_gives_bit_identical_parameters(digits):
    X_train, y_train, _, _ = digits
    runs = []
    for _ in range(2):
        net = _digits_net()
        bp.train(net, X_train[:300], y_train[:300], epochs=3, batch_size=16, momentum=0.5, seed=42)
        runs.append(net.get_params())
    np.testing.assert_array_equal(runs[0], runs[1])
    net = _digits_net()
    bp.train(net, X_train[:300], y_train[:300], epochs=3, batch_size=16, momentum=0.5, seed=43)
    assert not np.array_equal(net.get_params(), runs[0])


def test_one_sgd_step_is_the_update_rule(rng):
    net = bp.Network([3, 4, 2], seed=0)
    X, Y = rng.standard_normal((5, 3)), rng.random((5, 2))
    theta, g = net.get_params(), net.backprop(X, Y).flat()
    bp.train(net, X, Y, epochs=1, batch_size=5, learning_rate=0.3, shuffle=False, monitor=False)
    np.testing.assert_allclose(net.get_params(), theta - 0.3 * g, rtol=1e-14)


def test_momentum_update_rule(rng):
    net = bp.Network([3, 4, 2], seed=0)
    X, Y = rng.standard_normal((4, 3)), rng.random((4, 2))
    reference = net.copy()
    bp.train(net, X, Y, epochs=1, batch_size=2, learning_rate=0.5, momentum=0.8, shuffle=False)
    # Two batches by hand: v1 = -η g1, θ1 = θ + v1; v2 = μ v1 - η g2, θ2 = θ1 + v2.
    theta = reference.get_params()
    g1 = reference.backprop(X[:2], Y[:2]).flat()
    v1 = -0.5 * g1
    reference.set_params(theta + v1)
    g2 = reference.backprop(X[2:], Y[2:]).flat()
    v2 = 0.8 * v1 - 0.5 * g2
    np.testing.assert_allclose(net.get_params(), theta + v1 + v2, rtol=1e-13)


def test_schedules():
    assert [bp.step_decay(0.5, 2)(e) for e in range(5)] == [1, 1, 0.5, 0.5, 0.25]
    assert bp.inverse_time_decay(1.0)(3) == pytest.approx(0.25)


def test_schedule_sets_learning_rate(rng):
    net = bp.Network([2, 3, 1])
    X, Y = rng.standard_normal((8, 2)), rng.random((8, 1))
    h = bp.train(net, X, Y, epochs=4, learning_rate=0.2, schedule=bp.step_decay(0.5, 2))
    assert h.learning_rate == pytest.approx([0.2, 0.2, 0.1, 0.1])


def test_early_stopping_restores_best(digits):
    X_train, y_train, X_test, y_test = digits
    net = bp.Network([64, 30, 10], ["sigmoid", "softmax"], "log_likelihood", seed=0)
    # A learning rate this large makes the validation cost bounce, so early stopping fires.
    h = bp.train(
        net,
        X_train[:200],
        y_train[:200],
        epochs=60,
        batch_size=5,
        learning_rate=3.0,
        validation=(X_test, y_test),
        early_stopping=2,
        seed=0,
    )
    assert h.stopped_early and len(h.epoch) < 60
    best = int(np.argmin(h.val_cost))
    assert h.best_epoch == best + 1
    assert net.cost_value(X_test, y_test) == pytest.approx(h.val_cost[best], rel=1e-12)


def test_verbose_prints_progress(rng, capsys):
    net = bp.Network([2, 3, 2], ["sigmoid", "softmax"], "log_likelihood")
    X, y = rng.standard_normal((6, 2)), np.array([0, 1, 0, 1, 0, 1])
    bp.train(net, X, y, epochs=2, verbose=True, validation=(X, y))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("epoch 2/2") and "val_accuracy" in lines[1]


def test_fits_xor():
    X, Y = bp.data.xor()
    net = bp.Network([2, 4, 1], ["tanh", "sigmoid"], "cross_entropy", seed=1)
    bp.train(net, X, Y, epochs=2000, batch_size=4, learning_rate=1.0, monitor=False)
    np.testing.assert_array_equal(net.feedforward(X).round(), Y)


def test_evaluate_returns_cost_and_accuracy(digits):
    X_train, y_train, _, _ = digits
    net = _digits_net()
    ev = bp.evaluate(net, X_train, y_train)
    assert set(ev) == {"cost", "accuracy"}
    assert ev["accuracy"] == net.accuracy(X_train, y_train)
    assert ev["cost"] == pytest.approx(net.cost_value(X_train, y_train))


# ------------------------------------------------ what a step computes, and its memory


@pytest.mark.parametrize("momentum", [0.0, 0.7])
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_shuffled_epoch_equals_backprop_and_update_by_hand(momentum, weight_decay, rng):
    """Same permutation, same batches (the last one short), same update rule, by hand.

    The reference takes each batch's gradient from the text's one-example form
    (``Network.example_gradient``), not from the kernel that ``bp.train`` runs.
    """
    net = layered_net("sigmoid", "softmax", "log_likelihood", weight_decay=weight_decay)
    reference = net.copy()
    X = rng.standard_normal((23, 5))
    y = rng.integers(0, 4, size=23)
    eta, batch, seed = 0.4, 5, 11
    bp.train(
        net,
        X,
        y,
        epochs=2,
        batch_size=batch,
        learning_rate=eta,
        momentum=momentum,
        seed=seed,
        monitor=False,
    )

    Y = np.eye(4)[y]
    order_rng = np.random.default_rng(seed)
    vw = [None] + [np.zeros_like(w) for w in reference.w[1:]]
    vb = [None] + [np.zeros_like(b) for b in reference.b[1:]]
    for _ in range(2):
        perm = order_rng.permutation(23)
        for i in range(0, 23, batch):
            rows = perm[i : i + batch]
            g = reference.backprop_loop(X[rows], Y[rows])
            for l in range(1, reference.L + 1):
                vw[l] = momentum * vw[l] - eta * g.w[l]
                vb[l] = momentum * vb[l] - eta * g.b[l]
                reference.w[l] = reference.w[l] + vw[l]
                reference.b[l] = reference.b[l] + vb[l]
    np.testing.assert_allclose(net.get_params(), reference.get_params(), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_float32_stays_float32(hidden, rng):
    """No silent promotion: a float32 network trains in float32 (even with a float64 rate)."""
    net = layered_net(hidden, "softmax", "log_likelihood", dtype=np.float32)
    X = rng.random((20, 5)).astype(np.float32)
    y = rng.integers(0, 4, size=20)
    bp.train(
        net,
        X,
        y,
        epochs=2,
        batch_size=8,
        learning_rate=np.float64(0.5),
        momentum=0.5,
        monitor=False,
    )
    assert all(p.dtype == np.float32 for p in net.w[1:] + net.b[1:])
    reference = layered_net(hidden, "softmax", "log_likelihood", dtype=np.float64)
    bp.train(
        reference,
        X.astype(np.float64),
        y,
        epochs=2,
        batch_size=8,
        learning_rate=0.5,
        momentum=0.5,
        monitor=False,
    )
    np.testing.assert_allclose(net.get_params(), reference.get_params(), rtol=1e-4, atol=1e-5)


def test_training_memory_is_parameters_gradients_and_work_arrays(rng):
    """No copy of the whole training set per epoch, no temporary as large as the parameters.

    The peak memory of one epoch is the parameters and the step η ∂C/∂θ (2P numbers), the
    gathered block of shuffled examples (A^0 and its targets, a few batches), the work
    arrays for one batch of b examples (Z^l and A^l of every layer; two (b, max n_l) arrays
    for δ^l, used in turn, the free one also for σ′) and the one-hot targets of the m
    examples, give or take 10%.
    """
    sizes, m, batch = [200, 100, 100, 10], 5000, 50
    X = rng.random((m, sizes[0]))
    y = rng.integers(0, 10, size=m)
    net = bp.Network(sizes, ["sigmoid", "sigmoid", "softmax"], "log_likelihood")
    bp.train(net, X[:400], y[:400], epochs=1, batch_size=batch, monitor=False)  # warm caches
    S = sum(sizes[1:])
    # shuffled examples are gathered a block of mini-batches at a time, at most 256 KiB:
    # rows of (200 + 10) float64 are 1680 bytes, 156 rows fit, so 3 batches of 50
    gather = 3 * batch
    assert gather * 8 * (sizes[0] + sizes[-1]) <= 256 * 1024 < (gather + batch) * 8 * 210
    budget = 8 * (
        2 * net.n_parameters
        + gather * (sizes[0] + sizes[-1])
        + batch * (2 * S + 2 * max(sizes[1:]))
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


# --- bad arguments: a clear error naming them; divergence is reported ----------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 2.5}, TypeError, "batch_size"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"momentum": 1.0}, ValueError, "momentum"),
        ({"momentum": -0.5}, ValueError, "momentum"),
        ({"early_stopping": 3}, ValueError, "early_stopping"),
        ({"validation": np.zeros((2, 4))}, TypeError, "validation"),
        ({"validation": (np.zeros((2, 5)), np.array([0, 1]))}, ValueError, r"validation\[0\]"),
        ({"validation": (np.zeros((2, 4)), np.array([0, 5]))}, ValueError, r"validation\[1\]"),
    ],
)
def test_bad_training_arguments(net, X, kwargs, error, match):
    with pytest.raises(error, match=match):
        bp.train(net, X, LABELS, **kwargs)


def test_divergence_is_reported_not_propagated(X):
    net = bp.Network([4, 8, 3], "identity", "quadratic", seed=0)
    Y = np.random.default_rng(1).standard_normal((6, 3)) * 100
    with pytest.raises(FloatingPointError, match="learning_rate"):
        bp.train(net, X * 100, Y, epochs=50, learning_rate=10.0, batch_size=6)


@pytest.mark.parametrize("gather_rows", [0, 10, 12])
def test_gathering_several_batches_at_once_changes_no_number(gather_rows, rng, monkeypatch):
    """Blocks of whole mini-batches (here 2, and 12 // 5 = 2) or one at a time (0): the same
    batches in the same order, so bit for bit the same parameters."""
    X = rng.standard_normal((23, 5))
    y = rng.integers(0, 4, size=23)
    nets = [layered_net("sigmoid", "softmax", "log_likelihood") for _ in range(2)]
    bp.train(nets[0], X, y, epochs=2, batch_size=5, seed=4, monitor=False)
    monkeypatch.setattr(bp.sgd, "GATHER_ROWS", gather_rows)
    bp.train(nets[1], X, y, epochs=2, batch_size=5, seed=4, monitor=False)
    np.testing.assert_array_equal(nets[0].get_params(), nets[1].get_params())
