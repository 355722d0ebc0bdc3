"""bp.measure: interleaved timing, log–log fits, timing over sizes in shuffled order,
bootstrap slopes, cache sizes, peak memory, BLAS threads, machine summary.

No assertion here depends on how fast the machine is."""

from __future__ import annotations

import numpy as np
import pytest

from bp import measure


def test_time_interleaved_calls_each_function_the_right_number_of_times():
    calls = {"a": 0, "b": 0}

    def fa():
        calls["a"] += 1

    def fb():
        calls["b"] += 1

    t = measure.time_interleaved({"a": fa, "b": fb}, repeat=3, number={"a": 2, "b": 5})
    assert calls == {"a": 6, "b": 15}
    assert set(t) == {"a", "b"}
    assert t["a"].times.shape == (3,)
    assert 0 <= t["a"].best <= t["a"].median
    assert "best" in repr(t["a"])


def test_time_interleaved_alternates_the_order():
    order = []
    funcs = {k: (lambda k=k: order.append(k)) for k in "xyz"}
    measure.time_interleaved(funcs, repeat=2)
    assert order == list("xyz") + list("zyx")


@pytest.mark.parametrize(
    ("bad", "error"), [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_time_interleaved_rejects_bad_counts(bad, error):
    # a count of the wrong kind is a TypeError, one out of range a ValueError (bp._validation)
    with pytest.raises(error, match=rf"^repeat must be a positive integer, got {bad!r}$"):
        measure.time_interleaved({"a": lambda: None}, repeat=bad)
    with pytest.raises(error, match=rf"^number\['a'\] must be a positive integer, got {bad!r}$"):
        measure.time_interleaved({"a": lambda: None}, number=bad)


def test_loglog_fit_recovers_a_power_law():
    x = np.array([10.0, 100.0, 1000.0, 5000.0])
    slope, intercept = measure.loglog_fit(x, 3.0 * x**1.7)
    assert slope == pytest.approx(1.7, rel=1e-12)
    assert np.exp(intercept) == pytest.approx(3.0, rel=1e-12)


@pytest.mark.parametrize(
    "x, y",
    [([1.0], [1.0]), ([1.0, -2.0], [1.0, 2.0]), ([2.0, 2.0], [1.0, 3.0]), ([1.0, 2.0], [0.0, 1.0])],
)
def test_loglog_fit_rejects_bad_data(x, y):
    with pytest.raises(ValueError):
        measure.loglog_fit(x, y)


def test_peak_memory_sees_numpy_arrays():
    n = 1_000_000  # 8 MB of float64

    def make():
        a = np.ones(n)
        return float(a.sum())

    result, peak = measure.peak_memory(make)
    assert result == n
    assert 8 * n <= peak < 8 * n + 1_000_000  # the array, freed before returning


def test_peak_memory_of_a_small_function_is_small():
    _, peak = measure.peak_memory(lambda: 1 + 1)
    assert peak < 10_000


def test_blas_threads_and_allocator_do_not_break_numpy():
    with measure.blas_threads(1) as applied:
        assert isinstance(applied, bool)
        a = np.ones((50, 50))
        np.testing.assert_allclose(a @ a, np.full((50, 50), 50.0))
    assert isinstance(measure.steady_allocator(), bool)
    if measure.limit_blas_threads(1):
        np.testing.assert_allclose(a @ a, np.full((50, 50), 50.0))
        measure._process_limit.restore_original_limits()
    assert np.ones(10**6).sum() == 10**6


def test_machine_summary_fields():
    info = measure.machine_summary()
    for key in ("cpu", "cores", "python", "numpy", "blas", "bp", "system"):
        assert key in info
    assert info["numpy"] == np.__version__


def test_timing_spread_and_medians_by_order():
    t = measure.Timing(np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0]))
    assert t.spread == pytest.approx((2.25, 5.75))
    assert t.median_by_order() == (2.0, 6.0)  # rounds 0, 2, 4 as listed; 1, 3, 5 reversed
    with pytest.raises(ValueError, match="two repeats"):
        measure.Timing(np.array([1.0])).median_by_order()


def test_median_by_order_follows_time_interleaved_rounds():
    """The function that runs second in the listed order runs first when reversed."""
    order = []
    t = measure.time_interleaved({k: (lambda k=k: order.append(k)) for k in "ab"}, repeat=4)
    assert order == list("abbaabba")
    assert t["a"].times.shape == (4,)
    t["a"].median_by_order()  # defined for every result of time_interleaved with repeat ≥ 2


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (0.5, TypeError)])
def test_a_bad_seed_names_seed(seed, error):
    with pytest.raises(error, match=rf"^seed must be a non-negative integer, got {seed!r}$"):
        measure.time_grid({0: {"a": lambda: None}}, seed=seed)
    with pytest.raises(error, match=rf"^seed must be a non-negative integer, got {seed!r}$"):
        measure.slope_with_ci([1, 2], [[1.0], [2.0]], seed=seed)


def test_measure_checks_data_and_thread_counts():
    with pytest.raises(ValueError, match="^x contains NaN or infinity$"):
        measure.loglog_fit([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(TypeError, match="^y must hold real numbers"):
        measure.loglog_fit([1.0, 2.0], ["a", "b"])
    with pytest.raises(ValueError, match=r"^level must be a real number in \(0, 1\), got 1.0$"):
        measure.slope_with_ci([1, 2], [[1.0], [2.0]], level=1.0)
    with pytest.raises(ValueError, match="^n must be a positive integer, got 0$"):
        measure.limit_blas_threads(0)
    with pytest.raises(TypeError, match="^n must be a positive integer"), measure.blas_threads(1.5):
        pass


# --- time_grid, slope_with_ci, cache_sizes ----------------------------------------


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


def test_time_interleaved_pauses_before_each_turn(monkeypatch):
    """A pause (time.sleep) comes before every turn, outside the timed calls."""
    events: list[str] = []
    monkeypatch.setattr(measure.time, "sleep", lambda s: events.append(f"sleep {s}"))
    measure.time_interleaved(
        {"a": lambda: events.append("a"), "b": lambda: events.append("b")},
        repeat=2,
        number={"a": 2, "b": 1},
        pause=0.05,
    )
    assert events == ["sleep 0.05", "a", "a", "sleep 0.05", "b"] + [
        "sleep 0.05",
        "b",
        "sleep 0.05",
        "a",
        "a",
    ]


@pytest.mark.parametrize(("bad", "error"), [(-0.1, ValueError), ("1", TypeError)])
def test_time_interleaved_rejects_a_bad_pause(bad, error):
    with pytest.raises(error, match="pause"):
        measure.time_interleaved({"a": lambda: None}, pause=bad)
