"""Checks at the public boundary of ``bp``: one vocabulary for every argument.

Every public function that takes user data passes it through these helpers,
which raise a ``TypeError`` (wrong kind of value) or a ``ValueError`` (right
kind, wrong value) whose message starts with the argument's name and says
what was expected. Inner loops then trust their inputs.

=======================  ==========================================================
helper                   accepts
=======================  ==========================================================
:func:`check_int`        an integer, optionally with a minimum and a maximum
:func:`check_seed`       a seed for ``np.random.default_rng``: an integer ≥ 0
:func:`check_sizes`      layer sizes: a sequence of at least two positive integers
:func:`check_positive`   a finite number > 0 (or a positive integer)
:func:`check_nonnegative`  a finite number ≥ 0
:func:`check_real`       a finite number, optionally inside an interval
:func:`check_bool`       True or False
:func:`check_choice`     one of a few strings
:func:`check_dtype`      float32 or float64
:func:`check_path`       a file path (``str`` or ``os.PathLike``)
:func:`is_real_dtype`    whether a dtype holds real numbers (ints, floats, bools)
:func:`as_float_array`   real numbers without NaN or infinity, as a float array
:func:`check_array`      the same, with a given number of dimensions
:func:`check_vector`     the same, of shape (n,)
:func:`check_matching`   two arrays of real numbers with as many elements, flattened
:func:`check_inputs`     a batch of inputs, shape (m, n_in)
:func:`check_targets`    targets of shape (m, n_out), or integer class labels
:func:`check_labels`     integer class labels (or one-hot rows) for m examples
:func:`check_class_labels`  a 1-D array of integer class labels
:func:`lookup`           a name from a registry (activations, costs)
:func:`overflow_as_error`  NumPy's overflow inside a block, as a ValueError
=======================  ==========================================================

Examples
--------
>>> check_int(3, "epochs", minimum=1)
3
>>> check_int(0, "epochs", minimum=1)
Traceback (most recent call last):
...
ValueError: epochs must be a positive integer, got 0
>>> check_seed(-1)
Traceback (most recent call last):
...
ValueError: seed must be a non-negative integer, got -1
>>> check_sizes((2, 3, 1))
[2, 3, 1]
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeGuard, TypeVar

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = [
    "FLOAT_DTYPES",
    "as_float_array",
    "check_array",
    "check_bool",
    "check_choice",
    "check_class_labels",
    "check_dtype",
    "check_inputs",
    "check_int",
    "check_labels",
    "check_matching",
    "check_nonnegative",
    "check_path",
    "check_positive",
    "check_real",
    "check_seed",
    "check_sizes",
    "check_targets",
    "check_vector",
    "is_real_dtype",
    "lookup",
    "overflow_as_error",
]

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

T = TypeVar("T")
Real = TypeVar("Real", int, float)


# ------------------------------------------------------------------ scalars
def _is_integer(value: object) -> TypeGuard[numbers.Integral]:
    """True for Python and NumPy integers, False for bools (a bool is not a count)."""
    return isinstance(value, numbers.Integral) and not isinstance(
        value, (bool, np.bool_)
    )


def _is_real(value: object) -> TypeGuard[numbers.Real]:
    """True for Python and NumPy real numbers, False for bools."""
    return isinstance(value, numbers.Real) and not isinstance(
        value, (bool, np.bool_)
    )


def _integer_kind(minimum: int | None, maximum: int | None) -> str:
    if maximum is not None:
        return (
            f"an integer <= {maximum}"
            if minimum is None
            else f"an integer in {minimum}..{maximum}"
        )
    if minimum == 1:
        return "a positive integer"
    if minimum == 0:
        return "a non-negative integer"
    return "an integer" if minimum is None else f"an integer >= {minimum}"


def check_int(
    value: object,
    argument: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    kind: str | None = None,
    note: str | None = None,
) -> int:
    """Return ``value`` as an ``int`` if it is an integer in [minimum, maximum].

    Parameters
    ----------
    value : object
        The argument to check. Python and NumPy integers pass; bools and
        floats (even 3.0) do not.
    argument : str
        The argument's name, which starts the error message.
    minimum, maximum : int, optional
        Bounds, both included.
    kind : str, optional
        What the message calls a valid value; by default "a positive
        integer" (minimum 1), "a non-negative integer" (minimum 0), "an
        integer in a..b", ...
    note : str, optional
        A few words put in parentheses after ``kind`` (what the number counts).

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If it lies outside the bounds.

    Examples
    --------
    >>> check_int(np.int64(4), "n", minimum=1)
    4
    >>> check_int(2.0, "n", minimum=1)
    Traceback (most recent call last):
    ...
    TypeError: n must be a positive integer, got 2.0
    >>> check_int(7, "l", minimum=1, maximum=3, kind="a layer number in 1..3")
    Traceback (most recent call last):
    ...
    ValueError: l must be a layer number in 1..3, got 7
    """
    expected = kind or _integer_kind(minimum, maximum)
    if note:
        expected += f" ({note})"
    if not _is_integer(value):
        raise TypeError(f"{argument} must be {expected}, got {value!r}")
    n = int(value)
    if (minimum is not None and n < minimum) or (
        maximum is not None and n > maximum
    ):
        raise ValueError(f"{argument} must be {expected}, got {value!r}")
    return n


def check_seed(seed: object, argument: str = "seed") -> int:
    """Return a seed for ``np.random.default_rng``: an integer ≥ 0.

    Raises TypeError (not an integer) or ValueError (negative) naming ``argument``.

    Examples
    --------
    >>> check_seed(42)
    42
    """
    return check_int(seed, argument, minimum=0)


def check_sizes(sizes: object, argument: str = "sizes") -> list[int]:
    """Return layer sizes (n_0, n_1, ..., n_L) as a list of ints, L ≥ 1, every n_l ≥ 1.

    Raises
    ------
    TypeError
        If ``sizes`` is not a sequence (a string is not one) or an entry is
        not an integer (the message names it, e.g. ``sizes[1]``).
    ValueError
        If there are fewer than two sizes or an entry is less than 1.

    Examples
    --------
    >>> check_sizes(np.array([64, 30, 10]))
    [64, 30, 10]
    >>> check_sizes([3, 0, 2])
    Traceback (most recent call last):
    ...
    ValueError: sizes[1] must be a positive integer, got 0
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(
        sizes, (Sequence, np.ndarray)
    ):
        raise TypeError(
            f"{argument} must be a sequence of layer widths, got {sizes!r}"
        )
    widths = list(sizes)
    if len(widths) < 2:
        raise ValueError(
            f"{argument} must list at least two layer widths (input and output), got {widths!r}"
        )
    return [
        check_int(n, f"{argument}[{i}]", minimum=1)
        for i, n in enumerate(widths)
    ]


def _check_real_type(value: object, argument: str, expected: str) -> None:
    if not _is_real(value):
        raise TypeError(f"{argument} must be {expected}, got {value!r}")


def check_positive(
    value: Real, argument: str, *, integer: bool = False
) -> Real:
    """Raise unless ``value`` is a finite positive number (an integer if asked).

    Examples
    --------
    >>> check_positive(0.5, "learning_rate")
    0.5
    >>> check_positive(-1, "learning_rate")
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be a positive number, got -1
    """
    if integer:
        check_int(value, argument, minimum=1)
        return value
    _check_real_type(value, argument, "a positive number")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{argument} must be a positive number, got {value!r}")
    return value


def check_nonnegative(value: Real, argument: str) -> Real:
    """Raise unless ``value`` is a finite number ≥ 0.

    Examples
    --------
    >>> check_nonnegative(0.0, "weight_decay")
    0.0
    """
    _check_real_type(value, argument, "a non-negative number")
    if not np.isfinite(value) or value < 0:
        raise ValueError(
            f"{argument} must be a non-negative number, got {value!r}"
        )
    return value


def check_real(
    value: object,
    argument: str,
    *,
    low: float | None = None,
    high: float | None = None,
    include_low: bool = True,
    include_high: bool = True,
) -> float:
    """Return ``value`` as a float if it is a finite real number in the given interval.

    ``low``/``high`` bound the interval (None: unbounded on that side);
    ``include_low``/``include_high`` say whether the bound itself is allowed.
    The message writes the interval as in mathematics: ``(0, 1)``, ``[0, 1)``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (a bool is not one).
    ValueError
        If it is NaN, infinite or outside the interval.

    Examples
    --------
    >>> check_real(0.25, "test_fraction", low=0, high=1, include_low=False, include_high=False)
    0.25
    >>> check_real(1.0, "momentum", low=0, high=1, include_high=False)
    Traceback (most recent call last):
    ...
    ValueError: momentum must be a real number in [0, 1), got 1.0
    """
    if low is None and high is None:
        expected = "a finite real number"
    else:
        left = (
            "(-∞" if low is None else ("[" if include_low else "(") + f"{low:g}"
        )
        right = (
            "∞)"
            if high is None
            else f"{high:g}" + ("]" if include_high else ")")
        )
        expected = f"a real number in {left}, {right}"
    _check_real_type(value, argument, expected)
    x = float(value)  # type: ignore[arg-type]  # a Real, checked above
    inside = math.isfinite(x)
    if low is not None:
        inside = inside and (x >= low if include_low else x > low)
    if high is not None:
        inside = inside and (x <= high if include_high else x < high)
    if not inside:
        raise ValueError(f"{argument} must be {expected}, got {value!r}")
    return x


def check_bool(value: object, argument: str) -> bool:
    """Return ``value`` if it is True or False (NumPy's bools too), else raise TypeError.

    Examples
    --------
    >>> check_bool(1, "zca")
    Traceback (most recent call last):
    ...
    TypeError: zca must be True or False, got 1
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be True or False, got {value!r}")
    return bool(value)


def check_choice(value: object, argument: str, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ValueError listing them.

    Examples
    --------
    >>> check_choice("central", "method", ("forward", "central"))
    'central'
    >>> check_choice("backward", "method", ("forward", "central"))
    Traceback (most recent call last):
    ...
    ValueError: method must be 'forward' or 'central', got 'backward'
    """
    if value not in choices or not isinstance(value, str):
        quoted = [repr(c) for c in choices]
        listed = (
            quoted[0]
            if len(quoted) == 1
            else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        )
        if len(quoted) > 2:
            listed = "one of " + listed
        raise ValueError(f"{argument} must be {listed}, got {value!r}")
    return value


def check_dtype(dtype: DTypeLike, argument: str = "dtype") -> np.dtype[Any]:
    """Return ``np.dtype(dtype)`` if it is float32 or float64, else raise TypeError.

    Examples
    --------
    >>> check_dtype("float32")
    dtype('float32')
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"{argument} must be float32 or float64, got {dtype!r}"
        ) from None
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"{argument} must be float32 or float64, got {dt}")
    return dt


def check_path(path: object, argument: str = "path") -> str:
    """Return ``os.fspath(path)`` for a ``str`` or ``os.PathLike``, else raise TypeError.

    Examples
    --------
    >>> check_path(3)
    Traceback (most recent call last):
    ...
    TypeError: path must be a file path (str or os.PathLike), got int
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{argument} must be a file path (str or os.PathLike), got {type(path).__name__}"
        )
    return str(os.fspath(path))


# ------------------------------------------------------------------ arrays
def is_real_dtype(dtype: np.dtype[Any]) -> bool:
    """Integers, floats and bools; not complex numbers, strings or objects."""
    return dtype == np.bool_ or (
        np.issubdtype(dtype, np.number)
        and not np.issubdtype(dtype, np.complexfloating)
    )


def as_float_array(x: ArrayLike, argument: str, dtype: DTypeLike) -> np.ndarray:
    """Convert to a float array of ``dtype``; reject non-numeric data and NaN/inf."""
    arr = np.asarray(x)
    if not is_real_dtype(arr.dtype):
        raise TypeError(
            f"{argument} must hold real numbers, got dtype {arr.dtype}"
        )
    arr = arr.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{argument} contains NaN or infinity")
    return arr


def check_array(
    x: ArrayLike,
    argument: str,
    *,
    ndim: int | None = None,
    dtype: DTypeLike | None = None,
) -> np.ndarray:
    """A finite float array with ``ndim`` dimensions (any number if None).

    The dtype is ``dtype`` if given; otherwise the input's own dtype if it is
    float32 or float64, else float64.

    Raises
    ------
    TypeError
        If ``x`` does not hold real numbers.
    ValueError
        If it contains NaN or infinity or has another number of dimensions.

    Examples
    --------
    >>> check_array([[1, 2]], "X", ndim=2)
    array([[1., 2.]])
    >>> check_array([1, 2], "X", ndim=2)
    Traceback (most recent call last):
    ...
    ValueError: X must be a 2-D array, got shape (2,)
    """
    arr = np.asarray(x)
    if dtype is None:
        dtype = arr.dtype if arr.dtype in FLOAT_DTYPES else np.float64
    arr = as_float_array(arr, argument, dtype)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{argument} must be a {ndim}-D array, got shape {arr.shape}"
        )
    return arr


def check_vector(
    v: ArrayLike,
    n: int,
    argument: str,
    dtype: DTypeLike = np.float64,
    note: str = "",
) -> np.ndarray:
    """A finite real vector of shape (n,), as an array of ``dtype``.

    ``note`` (a few words) is put in parentheses after the expected shape.

    Raises
    ------
    TypeError
        If ``v`` does not hold real numbers.
    ValueError
        If its shape is not (n,) or it contains NaN or infinity.

    Examples
    --------
    >>> check_vector([1, 2], 2, "v")
    array([1., 2.])
    >>> check_vector([1, 2, 3], 2, "v", note="one entry per parameter")
    Traceback (most recent call last):
    ...
    ValueError: v must have shape (2,) (one entry per parameter), got (3,)
    >>> check_vector(["a", "b"], 2, "v")
    Traceback (most recent call last):
    ...
    TypeError: v must be a real vector, got dtype <U1
    """
    arr = np.asarray(v)
    if not is_real_dtype(arr.dtype):
        raise TypeError(
            f"{argument} must be a real vector, got dtype {arr.dtype}"
        )
    if arr.shape != (n,):
        hint = f" ({note})" if note else ""
        raise ValueError(
            f"{argument} must have shape ({n},){hint}, got {arr.shape}"
        )
    return as_float_array(arr, argument, dtype)


def check_matching(
    a: ArrayLike, b: ArrayLike, names: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Two arrays of real numbers with as many elements, flattened to float64 vectors.

    NaN and infinity pass (a comparison may be asked about a broken gradient).

    Raises
    ------
    TypeError
        If either does not hold real numbers.
    ValueError
        If their numbers of elements differ.

    Examples
    --------
    >>> check_matching([[1, 2]], [3, 4], ("g", "g_ref"))
    (array([1., 2.]), array([3., 4.]))
    >>> check_matching([1, 2], [3], ("g", "g_ref"))
    Traceback (most recent call last):
    ...
    ValueError: g and g_ref must have the same size, got 2 and 1
    """
    arrays = []
    for x, name in zip((a, b), names):
        arr = np.asarray(x)
        if not is_real_dtype(arr.dtype):
            raise TypeError(
                f"{name} must hold real numbers, got dtype {arr.dtype}"
            )
        arrays.append(np.ravel(arr.astype(np.float64)))
    if arrays[0].size != arrays[1].size:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same size, "
            f"got {arrays[0].size} and {arrays[1].size}"
        )
    return arrays[0], arrays[1]


def check_inputs(
    x: ArrayLike, n_in: int, dtype: DTypeLike, argument: str = "X"
) -> np.ndarray:
    """Return inputs as a C-contiguous (m, n_in) array of ``dtype``.

    Examples are rows. Raises TypeError for non-numeric data and
    ValueError for a wrong shape, an empty batch, NaN or infinity.
    """
    arr = as_float_array(x, argument, dtype)
    if arr.ndim != 2:
        hint = (
            f" (for a single example use {argument}.reshape(1, -1))"
            if arr.ndim == 1
            else ""
        )
        raise ValueError(
            f"{argument} must be a 2-D array of shape (m, {n_in}) with one example per "
            f"row, got shape {arr.shape}{hint}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{argument} is an empty batch (0 examples)")
    if arr.shape[1] != n_in:
        raise ValueError(
            f"{argument} has {arr.shape[1]} columns but the network's input layer has "
            f"{n_in} neurons: expected shape (m, {n_in})"
        )
    return np.ascontiguousarray(arr)


def _check_label_values(
    arr: np.ndarray, n_classes: int, m: int | None, argument: str
) -> None:
    """Count and range of 1-D integer labels: m of them (if given), each in [0, n_classes)."""
    if m is not None and arr.shape[0] != m:
        raise ValueError(
            f"{argument} has {arr.shape[0]} labels but the batch has {m} examples"
        )
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{argument}: class labels must lie in [0, {n_classes}), got values from "
            f"{arr.min()} to {arr.max()}"
        )


def _is_integer_array(arr: np.ndarray) -> bool:
    return arr.dtype != object and np.issubdtype(arr.dtype, np.integer)


def check_class_labels(
    y: ArrayLike, n_classes: int, argument: str = "y", m: int | None = None
) -> np.ndarray:
    """Return a 1-D array of integer class labels in [0, n_classes) (m of them, if given).

    Raises
    ------
    TypeError
        If ``y`` does not have an integer dtype (bools and floats do not).
    ValueError
        If it is not 1-D, holds another number of labels than ``m``, or a
        label lies outside [0, n_classes).

    Examples
    --------
    >>> check_class_labels([0, 2, 1], 3)
    array([0, 2, 1])
    >>> check_class_labels([0, 3], 3, "labels")
    Traceback (most recent call last):
    ...
    ValueError: labels: class labels must lie in [0, 3), got values from 0 to 3
    """
    arr = np.asarray(y)
    expected = f"{argument} must be a 1-D array of integer class labels"
    if not _is_integer_array(arr):
        raise TypeError(
            f"{expected}, got dtype {arr.dtype} and shape {arr.shape}"
        )
    if arr.ndim != 1:
        raise ValueError(
            f"{expected}, got dtype {arr.dtype} and shape {arr.shape}"
        )
    _check_label_values(arr, n_classes, m, argument)
    return arr


def check_targets(
    y: ArrayLike, n_out: int, m: int, dtype: DTypeLike, argument: str = "y"
) -> np.ndarray:
    """Return targets as an (m, n_out) array of ``dtype``.

    ``y`` is either an (m, n_out) array of targets or, for a classifier, a
    1-D array of m integer class labels in [0, n_out), which is one-hot
    encoded. Raises TypeError/ValueError naming ``argument``.
    """
    arr = np.asarray(y)
    if arr.ndim == 1 and _is_integer_array(arr):
        if arr.shape[0] == m and n_out < 2:
            raise ValueError(
                f"{argument}: integer class labels need an output layer of at least 2 "
                f"neurons, this one has {n_out}; pass targets of shape ({m}, {n_out})"
            )
        _check_label_values(arr, n_out, m, argument)
        out = np.zeros((m, n_out), dtype=dtype)
        out[np.arange(m), arr] = 1
        return out
    arr = as_float_array(arr, argument, dtype)
    if arr.ndim != 2 or arr.shape != (m, n_out):
        hint = ""
        if arr.ndim == 1:
            hint = " (1-D targets must be integer class labels)"
        raise ValueError(
            f"{argument} must have shape ({m}, {n_out}) — one row per example and one "
            f"column per output neuron — got shape {arr.shape}{hint}"
        )
    return np.ascontiguousarray(arr)


def check_labels(
    y: ArrayLike, m: int, n_classes: int, argument: str = "y"
) -> np.ndarray:
    """Return 1-D integer class labels of length m in [0, n_classes).

    Also accepts (m, n_classes) one-hot rows, converted with argmax.
    """
    arr = np.asarray(y)
    if arr.ndim == 2:
        if arr.shape != (m, n_classes):
            raise ValueError(
                f"{argument} must be {m} class labels or one-hot rows of shape "
                f"({m}, {n_classes}), got shape {arr.shape}"
            )
        return as_float_array(arr, argument, np.dtype(np.float64)).argmax(
            axis=1
        )
    return check_class_labels(arr, n_classes, argument, m)


# ------------------------------------------------------------------ names
def lookup(
    name: object,
    registry: Mapping[str, Callable[[], T]],
    base: type,
    kind: str,
    argument: str,
) -> T:
    """Return ``registry[name]()``, or ``name`` itself if it is already a ``base``.

    Raises TypeError if ``name`` is neither a string nor a ``base``, and
    ValueError naming ``argument`` and the known names if it is unknown.
    """
    if isinstance(name, base):
        return name  # type: ignore[return-value]  # a base is a T
    if not isinstance(name, str):
        raise TypeError(
            f"{argument} must be {kind} name (one of {sorted(registry)}), got {type(name).__name__}"
        )
    try:
        return registry[name]()
    except KeyError:
        raise ValueError(
            f"{argument}: unknown {kind.split()[-1]} {name!r}; expected one of {sorted(registry)}"
        ) from None


# ------------------------------------------------------------------ overflow
@contextlib.contextmanager
def overflow_as_error(
    argument: str, problem: str = "is too large"
) -> Iterator[None]:
    """Inside the block, NumPy's overflow raises a ValueError naming ``argument``.

    A finite input can still be so large that a sum or product overflows to
    infinity; NumPy would only warn and go on with inf and NaN. Wrap the
    arithmetic on an input in this block (or decorate the function with it)
    so that the caller learns which argument was too large instead; where
    "too large" is not the reason, ``problem`` says what is.

    Examples
    --------
    >>> with overflow_as_error("X"):
    ...     np.array([1e308]) * 10
    Traceback (most recent call last):
    ...
    ValueError: X is too large: computing with it overflows (overflow encountered in multiply)
    """
    try:
        # underflow to 0 stays silent: the stable forms rely on it (e^(−|z|) for large |z|)
        with np.errstate(
            over="raise", invalid="raise", divide="raise", under="ignore"
        ):
            yield
    except FloatingPointError as err:
        raise ValueError(
            f"{argument} {problem}: computing with it overflows ({err})"
        ) from None
