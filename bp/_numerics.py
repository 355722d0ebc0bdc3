"""A guard that turns a NumPy floating-point warning into a clear error naming the input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np


@contextmanager
def overflow_guard(arguments: str, what: str = "the computation") -> Iterator[None]:
    """Raise FloatingPointError naming ``arguments`` if anything inside overflows.

    Overflow, an invalid operation (such as ∞ − ∞) or a division by zero
    inside the block raise instead of warning and passing ∞ or NaN on.
    Underflow to zero stays silent: the stable forms of ``bp`` rely on it
    (e^(−|z|) for a very large |z| is 0).
    """
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            yield
    except FloatingPointError as err:
        raise FloatingPointError(
            f"{arguments}: {what} overflowed ({err}); the values are too large for the "
            "network's precision (scale the inputs, or check the parameters)"
        ) from None
