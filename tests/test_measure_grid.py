"""bp.measure: timing over sizes in shuffled order, bootstrap slopes, cache sizes."""

from __future__ import annotations

import numpy as np
import pytest

from bp import measure


def test_time_grid_calls_every_method_at_every_size():
    order: list = []
    cases = {
        x: {"a": (lambda x=x: order.append((x, "a"))), "b": (lambda x=x: order.append((x, "b")))}
        for x in range(6)
    }
    cases[5] = {"a": lambda: order.append((5, "a"))}  # a size may offer fewer methods
    out = measure.time_grid(cases, repeat=4, number={0: {"a": 3}}, seed=0)
    assert set(out) == {"a", "b"}
    assert set(out["a"]) == set(range(6)) and set(out["b"]) == set(range(5))
    assert all(t.shape == (4,) for d in out.values() for t in d.values())
    assert order.count((0, "a")) == 12 and order.count((1, "a")) == 4


def test_time_grid_visits_the_sizes_in_a_new_order_every_round():
    visits: list = []
    cases = {x: {"a": (lambda x=x: visits.append(x))} for x in range(8)}
    measure.time_grid(cases, repeat=5, seed=3)
    rounds = [visits[i : i + 8] for i in range(0, 40, 8)]
    assert all(sorted(r) == list(range(8)) for r in rounds)  # each round: every size once
    assert len({tuple(r) for r in rounds}) > 1  # not the same order every round
    assert rounds[0] != list(range(8))  # and not simply ascending


def test_time_grid_alternates_the_method_order():
    order: list = []
    cases = {0: {"a": lambda: order.append("a"), "b": lambda: order.append("b")}}
    measure.time_grid(cases, repeat=2)
    assert order == ["a", "b", "b", "a"]


@pytest.mark.parametrize("kwargs", [{"repeat": 0}, {"clock": "sundial"}, {"number": {0: {"a": 0}}}])
def test_time_grid_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        measure.time_grid({0: {"a": lambda: None}}, **kwargs)


def test_slope_with_ci_recovers_a_power_law_and_brackets_it():
    rng = np.random.default_rng(0)
    x = np.array([10.0, 20, 40, 80, 160])
    samples = [1e-3 * (xi / 10) ** 1.5 * np.exp(0.05 * rng.standard_normal(7)) for xi in x]
    slope, low, high = measure.slope_with_ci(x, samples, n_boot=500)
    assert low <= slope <= high
    assert abs(slope - 1.5) < 0.05
    assert low < 1.5 < high
    assert high - low < 0.2


def test_slope_with_ci_without_noise_is_exact():
    x = [1.0, 2, 4, 8]
    slope, low, high = measure.slope_with_ci(x, [[xi**2] * 3 for xi in x], n_boot=50)
    assert slope == pytest.approx(2) and low == pytest.approx(2) and high == pytest.approx(2)


@pytest.mark.parametrize(
    "x, samples, kwargs",
    [
        ([1, 2], [[1.0]], {}),
        ([1, 2], [[1.0], []], {}),
        ([1, 2], [[1.0], [-1.0]], {}),
        ([1, 2], [[1.0], [2.0]], {"n_boot": 0}),
        ([1, 2], [[1.0], [2.0]], {"level": 1.0}),
    ],
)
def test_slope_with_ci_rejects_bad_data(x, samples, kwargs):
    with pytest.raises(ValueError):
        measure.slope_with_ci(x, samples, **kwargs)


def test_cache_sizes_are_positive_and_grow_with_the_level():
    sizes = measure.cache_sizes()
    assert all(isinstance(v, int) and v > 0 for v in sizes.values())
    levels = sorted(sizes)
    assert [sizes[k] for k in levels] == sorted(sizes[k] for k in levels)
