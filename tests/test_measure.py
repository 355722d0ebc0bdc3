"""bp.measure: interleaved timing, log–log fits, peak memory, machine summary.

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
