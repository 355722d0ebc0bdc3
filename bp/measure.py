"""Measuring time and memory honestly on a shared machine.

The book's efficiency chapter times gradients on the reader's own
computer. Timings drift (other programs share the cores), so the helpers
here follow a few rules:

* **interleave** the methods being compared, round after round, so that a
  slow spell of the machine hits all of them alike;
* report the **median** of the repeats with their spread (and the
  minimum, the least disturbed run), never a single run; visit sizes in a
  new random order every round (:func:`time_grid`), and give fitted
  slopes with a bootstrap confidence interval (:func:`slope_with_ci`);
* optionally pin the BLAS library to **one thread** (:func:`blas_threads`,
  if ``threadpoolctl`` is installed) so that the work per call does not
  depend on how many cores happen to be free, and
* keep glibc's allocator from handing large NumPy temporaries back to the
  operating system after every call (:func:`steady_allocator`): otherwise
  every call pays page faults to get the memory back, and the time per
  call jumps when arrays cross the allocator's size threshold.

Peak memory is measured with ``tracemalloc``, to which NumPy reports
its array allocations.

Only the standard library and NumPy are needed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (
    check_array,
    check_choice,
    check_int,
    check_real,
    check_seed,
)

__all__ = [
    "Timing",
    "time_interleaved",
    "loglog_fit",
    "time_grid",
    "slope_with_ci",
    "cache_sizes",
    "peak_memory",
    "blas_threads",
    "limit_blas_threads",
    "steady_allocator",
    "machine_summary",
]


@dataclass
class Timing:
    """Seconds per call of one function, over all repeats."""

    times: np.ndarray

    @property
    def best(self) -> float:
        """The fastest repeat (the least disturbed by other work)."""
        return float(np.min(self.times))

    @property
    def median(self) -> float:
        """The median repeat."""
        return float(np.median(self.times))

    @property
    def spread(self) -> tuple[float, float]:
        """The lower and upper quartiles of the repeats: where their middle half fell."""
        low, high = np.percentile(self.times, [25, 75])
        return float(low), float(high)

    def median_by_order(self) -> tuple[float, float]:
        """Medians of the rounds run in the listed order and of those run in reverse.

        :func:`time_interleaved` reverses the order of the functions every
        other round: rounds 0, 2, 4, … ran as listed, rounds 1, 3, … in
        reverse. If what ran just before a function slows it down (threads
        left spinning, a cache filled by another), the two medians differ.

        Raises
        ------
        ValueError
            With fewer than two repeats (no reversed round).
        """
        if self.times.size < 2:
            raise ValueError("median_by_order needs at least two repeats")
        return float(np.median(self.times[0::2])), float(
            np.median(self.times[1::2])
        )

    def __repr__(self) -> str:
        return f"Timing(best={self.best:.3g} s, median={self.median:.3g} s, n={self.times.size})"


_CLOCKS: dict[str, Callable[[], float]] = {
    "wall": time.perf_counter,
    "process": time.process_time,
}


def _clock(repeat: object, clock: str) -> Callable[[], float]:
    """The timer of ``clock`` ("wall" or "process"), after checking ``repeat`` ≥ 1."""
    check_int(repeat, "repeat", minimum=1)
    return _CLOCKS[check_choice(clock, "clock", tuple(_CLOCKS))]


def time_interleaved(
    functions: Mapping[str, Callable[[], object]],
    *,
    repeat: int = 5,
    number: int | Mapping[str, int] = 1,
    clock: str = "wall",
    pause: float = 0.0,
) -> dict[str, Timing]:
    """Time several functions in turn, round after round.

    Round r calls every function ``number`` times (its own number, if a
    mapping is given) and records the mean time per call; the order of the
    functions is reversed every other round.

    Parameters
    ----------
    functions : mapping from name to a function of no arguments
    repeat : int
        Rounds (≥ 1).
    number : int or mapping from name to int
        Calls per round, so that a fast function is timed over a long enough
        stretch (≥ 1).
    clock : {"wall", "process"}
        ``"wall"``: elapsed time (``time.perf_counter``). ``"process"``:
        processor time of this process, all its threads
        (``time.process_time``), which leaves out the moments when other
        programs had the core: steadier on a busy machine, and equal to the
        elapsed time on an idle one for single-threaded work.
    pause : float
        Seconds to wait, untimed, before each function's turn (≥ 0). The
        thread pools of BLAS and OpenMP libraries keep spinning for a while
        after a parallel call (OpenBLAS about 0.1 s, Intel's OpenMP 0.2 s by
        default), on the cores the next function needs, even from another
        process; a pause lets them go to sleep first.

    Returns
    -------
    dict
        name → :class:`Timing` with ``repeat`` entries (seconds per call).

    Raises
    ------
    TypeError, ValueError
        Unless ``repeat`` and every ``number`` are positive integers,
        ``clock`` is "wall" or "process" and ``pause`` is a number ≥ 0.

    Examples
    --------
    >>> t = time_interleaved({"a": lambda: sum(range(100)), "b": lambda: None}, repeat=3)
    >>> sorted(t), t["a"].times.shape
    (['a', 'b'], (3,))
    """
    now = _clock(repeat, clock)
    names = list(functions)
    counts = {
        k: check_int(
            number[k] if isinstance(number, Mapping) else number,
            f"number[{k!r}]",
            minimum=1,
        )
        for k in names
    }
    pause = check_real(pause, "pause", low=0.0)
    times: dict[str, list[float]] = {k: [] for k in names}
    for r in range(repeat):
        for k in names if r % 2 == 0 else reversed(names):
            f, n = functions[k], counts[k]
            if pause:
                time.sleep(pause)
            t0 = now()
            for _ in range(n):
                f()
            times[k].append((now() - t0) / n)
    return {k: Timing(np.array(v)) for k, v in times.items()}


def loglog_fit(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    """Least-squares line through (log x, log y): returns (slope, intercept).

    ``y ≈ exp(intercept) · x**slope``; the slope is the empirical exponent.

    Raises
    ------
    TypeError
        If ``x`` or ``y`` does not hold real numbers.
    ValueError
        Unless ``x`` and ``y`` are 1-D, of the same length, finite and
        positive, with at least two distinct x.

    Examples
    --------
    >>> slope, intercept = loglog_fit([1, 10, 100], [3, 300, 30000])  # y = 3 x²
    >>> round(slope, 9), round(float(np.exp(intercept)), 9)
    (2.0, 3.0)
    """
    x = check_array(x, "x", dtype=np.float64)
    y = check_array(y, "y", dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(
            "x and y must be 1-D arrays of the same length, at least 2"
        )
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x and y must be positive for a log–log fit")
    if np.ptp(np.log(x)) == 0:
        raise ValueError("x must hold at least two distinct values")
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope), float(intercept)


def time_grid(
    cases: Mapping[object, Mapping[str, Callable[[], object]]],
    *,
    repeat: int = 3,
    number: Mapping[object, Mapping[str, int]] | None = None,
    clock: str = "process",
    seed: int = 0,
) -> dict[str, dict[object, np.ndarray]]:
    """Time several methods at several sizes, sizes in a new random order every round.

    Round r visits the sizes in a random order (a permutation drawn from
    ``seed``), and at each size calls every method, in an order that is
    reversed every other round. A machine that slows down during the run
    then disturbs all sizes and methods alike, instead of bending the
    curve of time against size.

    Parameters
    ----------
    cases : mapping from size to a mapping from method name to a function
        A size may offer only some of the methods.
    repeat : int
        Rounds (≥ 1): every (size, method) is timed ``repeat`` times.
    number : mapping from size to a mapping from method name to int, optional
        Calls per timing (default 1), so that a fast call is timed over a
        long enough stretch; the time recorded is per call.
    clock : {"wall", "process"}
        As for :func:`time_interleaved`.
    seed : int
        Seed of the order of the sizes.

    Returns
    -------
    dict
        method → size → array of ``repeat`` seconds per call.

    Raises
    ------
    TypeError
        For a ``repeat``, ``number`` or ``seed`` that is not an integer.
    ValueError
        For a ``repeat`` or ``number`` below 1, a negative ``seed``, or an
        unknown ``clock``.
    """
    now = _clock(repeat, clock)
    sizes = list(cases)
    counts: dict[tuple[object, str], int] = {}
    for size in sizes:
        for name in cases[size]:
            n = (number or {}).get(size, {}).get(name, 1)
            counts[size, name] = check_int(
                n, f"number[{size!r}][{name!r}]", minimum=1
            )
    rng = np.random.default_rng(check_seed(seed))
    out: dict[str, dict[object, list[float]]] = {}
    for r in range(repeat):
        for i in rng.permutation(len(sizes)):
            size = sizes[i]
            names = list(cases[size])
            for name in names if r % 2 == 0 else reversed(names):
                f, n = cases[size][name], counts[size, name]
                t0 = now()
                for _ in range(n):
                    f()
                out.setdefault(name, {}).setdefault(size, []).append(
                    (now() - t0) / n
                )
    return {
        name: {size: np.array(v) for size, v in d.items()}
        for name, d in out.items()
    }


def slope_with_ci(
    x: ArrayLike,
    samples: Sequence[ArrayLike],
    *,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """The log–log slope through the medians, with a bootstrap confidence interval.

    The slope is that of :func:`loglog_fit` through (x_i, median of
    ``samples[i]``). The interval comes from ``n_boot`` resamplings: each
    draws, at every x_i, as many repeats as were measured, with replacement,
    takes their median and refits; the interval holds the central ``level``
    of those slopes. It shows how much the slope moves with the timing
    noise seen in the repeats (not the error of the model).

    Parameters
    ----------
    x : array_like, shape (k,)
        Sizes (positive, at least two distinct).
    samples : sequence of k array_like
        The repeated measurements at each size (positive).
    n_boot : int
    level : float, in (0, 1)
    seed : int

    Returns
    -------
    (slope, low, high) : tuple of float

    Raises
    ------
    TypeError
        For non-numeric data, or an ``n_boot``, ``level`` or ``seed`` of the
        wrong kind.
    ValueError
        For mismatched lengths, empty or non-positive samples, an ``n_boot``
        below 1, a ``level`` outside (0, 1), or a negative ``seed``.

    Examples
    --------
    >>> x = [1, 2, 4, 8]
    >>> slope_with_ci(x, [[xi**2, xi**2] for xi in x], n_boot=20)  # no noise
    (2.0, 2.0, 2.0)
    """
    x = check_array(x, "x", ndim=1, dtype=np.float64)
    groups = [
        check_array(s, f"samples[{i}]", dtype=np.float64).ravel()
        for i, s in enumerate(samples)
    ]
    if len(groups) != x.size:
        raise ValueError("x and samples must have the same length")
    if any(g.size == 0 or np.any(g <= 0) for g in groups):
        raise ValueError("every sample must hold at least one positive time")
    check_int(n_boot, "n_boot", minimum=1)
    check_real(
        level, "level", low=0, high=1, include_low=False, include_high=False
    )
    slope, _ = loglog_fit(x, [np.median(g) for g in groups])
    rng = np.random.default_rng(check_seed(seed))
    logx = np.log(x)
    boot = np.empty(n_boot)
    for b in range(n_boot):
        med = [np.median(rng.choice(g, g.size)) for g in groups]
        boot[b] = np.polyfit(logx, np.log(med), 1)[0]
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(boot, [tail, 100 - tail])
    return float(slope), float(low), float(high)


def cache_sizes() -> dict[str, int]:
    """Sizes in bytes of this processor's data caches, per level (Linux; else empty).

    Read from ``/sys/devices/system/cpu/cpu0/cache``: e.g. ``{"L1": 49152,
    "L2": 2097152, "L3": 503316480}``. The L2 and L1 caches belong to one
    core; the L3 cache is usually shared by several.
    """
    out: dict[str, int] = {}
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        entries = sorted(os.listdir(base))
    except OSError:
        return out
    for entry in entries:
        if not entry.startswith("index"):
            continue
        try:
            with open(f"{base}/{entry}/type", encoding="utf-8") as fh:
                kind = fh.read().strip()
            with open(f"{base}/{entry}/level", encoding="utf-8") as fh:
                level = fh.read().strip()
            with open(f"{base}/{entry}/size", encoding="utf-8") as fh:
                text = fh.read().strip()
        except OSError:
            continue
        if kind == "Instruction":
            continue
        units = {"K": 1024, "M": 1024**2, "G": 1024**3}
        size = (
            int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)
        )
        out[f"L{level}"] = size
    return out


def peak_memory(f: Callable[[], object]) -> tuple[object, int]:
    """Run ``f()`` and return (its result, the peak bytes allocated during the call).

    Measured with ``tracemalloc`` relative to the memory in use just
    before the call; counts NumPy arrays and Python objects, including the
    result itself. Stops tracing afterwards unless it was already on.
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = f()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return result, int(peak)


def _blas_limiter(n: object) -> Callable[..., Any] | None:
    """threadpoolctl's ``threadpool_limits`` (None if not installed), after checking ``n``."""
    check_int(n, "n", minimum=1)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return threadpool_limits


@contextlib.contextmanager
def blas_threads(n: int = 1) -> Iterator[bool]:
    """Limit the BLAS library to ``n`` threads inside the ``with`` block.

    Yields True if the limit is in force, False if ``threadpoolctl`` is not
    installed (then nothing changes). Raises TypeError/ValueError unless ``n``
    is a positive integer.
    """
    limiter = _blas_limiter(n)
    if limiter is None:  # pragma: no cover - depends on the environment
        yield False
        return
    with limiter(limits=n, user_api="blas"):
        yield True


_process_limit = (
    None  # keeps the threadpoolctl limiter of limit_blas_threads alive
)


def limit_blas_threads(n: int = 1) -> bool:
    """Limit the BLAS library to ``n`` threads from now on, for the rest of the process.

    Useful on a machine shared with other work: multi-threaded BLAS waits for
    every one of its threads, so a single busy core slows every product.
    Returns False (and changes nothing) if ``threadpoolctl`` is not installed.
    Raises TypeError/ValueError unless ``n`` is a positive integer.
    """
    global _process_limit
    limiter = _blas_limiter(n)
    if limiter is None:  # pragma: no cover - depends on the environment
        return False
    _process_limit = limiter(limits=n, user_api="blas")
    return True


def steady_allocator() -> bool:
    """Ask glibc's malloc to keep freed memory for reuse (Linux only).

    By default glibc serves allocations above 128 KiB with fresh ``mmap``
    pages and trims freed memory back to the system; a NumPy temporary of a
    few hundred kilobytes then costs page faults on every call, which can
    triple the time of a small gradient. This sets the mmap and trim
    thresholds high (as the ``MALLOC_MMAP_THRESHOLD_`` and
    ``MALLOC_TRIM_THRESHOLD_`` environment variables would), for the rest of
    the process. Returns True if applied, False where there is no glibc.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    ok_mmap = mallopt(
        M_MMAP_THRESHOLD, 32 * 1024 * 1024
    )  # glibc's maximum on 64-bit
    ok_trim = mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024)
    return bool(ok_mmap and ok_trim)


def machine_summary() -> dict[str, str | int]:
    """What produced a measurement: CPU, cores, Python, NumPy, BLAS, ``bp`` version."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:  # pragma: no cover - not Linux
        pass
    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        info = cfg.get("Build Dependencies", {}).get("blas", {})
        blas = f"{info.get('name', '?')} {info.get('version', '')}".strip()
    except Exception:  # pragma: no cover - older NumPy
        pass
    from . import __version__

    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas,
        "bp": __version__,
    }
