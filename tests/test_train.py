"""Training: accuracy on the held-out digits, determinism, momentum, schedules, early stopping."""

from __future__ import annotations

import numpy as np
import pytest

import bp


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
        net, X_train[:200], y_train[:200], epochs=60, batch_size=5, learning_rate=3.0,
        validation=(X_test, y_test), early_stopping=2, seed=0,
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
