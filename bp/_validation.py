"""Checks at the public boundary of ``bp``.

Every public function that takes user data passes it through these
helpers, which raise a ``TypeError`` or ``ValueError`` naming the argument
and what was expected. Inner loops then trust their inputs.
"""

from __future__ import annotations

import numbers

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_dtype(dtype, argument: str = "dtype") -> np.dtype:
    """Return ``np.dtype(dtype)`` if it is float32 or float64, else raise TypeError."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{argument} must be float32 or float64, got {dtype!r}") from None
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"{argument} must be float32 or float64, got {dt}")
    return dt


def check_positive(value, argument: str, *, integer: bool = False):
    """Raise unless ``value`` is a finite positive number (an integer if asked)."""
    kind = "integer" if integer else "number"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a positive {kind}, got {value!r}")
    if integer and not isinstance(value, numbers.Integral):
        raise TypeError(f"{argument} must be a positive integer, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{argument} must be a positive {kind}, got {value!r}")
    return value


def check_nonnegative(value, argument: str):
    """Raise unless ``value`` is a finite number ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a non-negative number, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{argument} must be a non-negative number, got {value!r}")
    return value


def as_float_array(x, argument: str, dtype: np.dtype) -> np.ndarray:
    """Convert to a float array of ``dtype``; reject non-numeric data and NaN/inf."""
    arr = np.asarray(x)
    if (
        arr.dtype == object
        or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_)
        or np.issubdtype(arr.dtype, np.complexfloating)
    ):
        raise TypeError(f"{argument} must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{argument} contains NaN or infinity")
    return arr


def check_inputs(x, n_in: int, dtype: np.dtype, argument: str = "X") -> np.ndarray:
    """Return inputs as a C-contiguous (m, n_in) array of ``dtype``.

    Examples are rows. Raises TypeError for non-numeric data and
    ValueError for a wrong shape, an empty batch, NaN or infinity.
    """
    arr = as_float_array(x, argument, dtype)
    if arr.ndim != 2:
        hint = f" (for a single example use {argument}.reshape(1, -1))" if arr.ndim == 1 else ""
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


def check_targets(y, n_out: int, m: int, dtype: np.dtype, argument: str = "y") -> np.ndarray:
    """Return targets as an (m, n_out) array of ``dtype``.

    ``y`` is either an (m, n_out) array of targets or, for a classifier, a
    1-D array of m integer class labels in [0, n_out), which is one-hot
    encoded. Raises TypeError/ValueError naming ``argument``.
    """
    arr = np.asarray(y)
    if arr.ndim == 1 and arr.dtype != object and np.issubdtype(arr.dtype, np.integer):
        if arr.shape[0] != m:
            raise ValueError(f"{argument} has {arr.shape[0]} labels but the batch has {m} examples")
        if n_out < 2:
            raise ValueError(
                f"{argument}: integer class labels need an output layer of at least 2 "
                f"neurons, this one has {n_out}; pass targets of shape ({m}, {n_out})"
            )
        if arr.size and (arr.min() < 0 or arr.max() >= n_out):
            raise ValueError(
                f"{argument}: class labels must lie in [0, {n_out}), got values from "
                f"{arr.min()} to {arr.max()}"
            )
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


def check_labels(y, m: int, n_classes: int, argument: str = "y") -> np.ndarray:
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
        return as_float_array(arr, argument, np.dtype(np.float64)).argmax(axis=1)
    if arr.ndim != 1 or arr.dtype == object or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{argument} must be a 1-D array of integer class labels, got dtype "
            f"{arr.dtype} and shape {arr.shape}"
        )
    if arr.shape[0] != m:
        raise ValueError(f"{argument} has {arr.shape[0]} labels but the batch has {m} examples")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{argument}: class labels must lie in [0, {n_classes}), got values from "
            f"{arr.min()} to {arr.max()}"
        )
    return arr


def lookup(name, registry: dict, base: type, kind: str, argument: str):
    """Return ``registry[name]()``, or ``name`` itself if it is already a ``base``.

    Raises TypeError if ``name`` is neither a string nor a ``base``, and
    ValueError naming ``argument`` and the known names if it is unknown.
    """
    if isinstance(name, base):
        return name
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
