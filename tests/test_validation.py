"""bp._validation: one vocabulary of checks, one kind of message for every argument.

A value of the wrong kind raises TypeError, a value of the right kind but out of
range raises ValueError; the message starts with the argument's name.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from bp import _validation as v


# ------------------------------------------------------------------ integers
@pytest.mark.parametrize("good", [0, 5, np.int64(5), np.uint8(3)])
def test_check_int_accepts_python_and_numpy_integers(good):
    out = v.check_int(good, "n", minimum=0)
    assert out == int(good) and type(out) is int


@pytest.mark.parametrize(
    ("bad", "kwargs", "error", "message"),
    [
        (2.0, {"minimum": 1}, TypeError, "n must be a positive integer, got 2.0"),
        (True, {"minimum": 1}, TypeError, "n must be a positive integer, got True"),
        (np.bool_(True), {"minimum": 0}, TypeError, "n must be a non-negative integer"),
        ("3", {}, TypeError, "n must be an integer, got '3'"),
        (None, {"minimum": 2}, TypeError, "n must be an integer >= 2, got None"),
        (0, {"minimum": 1}, ValueError, "n must be a positive integer, got 0"),
        (-1, {"minimum": 0}, ValueError, "n must be a non-negative integer, got -1"),
        (4, {"minimum": 1, "maximum": 3}, ValueError, "n must be an integer in 1..3, got 4"),
        (4, {"maximum": 3}, ValueError, "n must be an integer <= 3, got 4"),
        (
            0,
            {"minimum": 1, "note": "layers per segment"},
            ValueError,
            r"n must be a positive integer \(layers per segment\), got 0",
        ),
        (
            9,
            {"minimum": 1, "maximum": 3, "kind": "a layer"},
            ValueError,
            "n must be a layer, got 9",
        ),
    ],
)
def test_check_int_messages(bad, kwargs, error, message):
    with pytest.raises(error, match="^" + message):
        v.check_int(bad, "n", **kwargs)


@pytest.mark.parametrize(
    ("bad", "error"), [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (False, TypeError)]
)
def test_check_seed_names_seed(bad, error):
    with pytest.raises(error, match=r"^seed must be a non-negative integer"):
        v.check_seed(bad)
    with pytest.raises(error, match=r"^rng_seed must be a non-negative integer"):
        v.check_seed(bad, "rng_seed")


# ------------------------------------------------------------------ sizes
def test_check_sizes_returns_plain_ints():
    assert v.check_sizes((4, np.int64(3), 2)) == [4, 3, 2]
    assert v.check_sizes(np.array([5, 1])) == [5, 1]


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (5, TypeError, "sizes must be a sequence of layer widths, got 5"),
        ("34", TypeError, "sizes must be a sequence of layer widths"),
        ([3], ValueError, r"sizes must list at least two layer widths \(input and output\)"),
        ([], ValueError, "sizes must list at least two"),
        ([3, 0, 2], ValueError, r"sizes\[1\] must be a positive integer, got 0"),
        ([3, 2.5, 2], TypeError, r"sizes\[1\] must be a positive integer, got 2.5"),
        ([3, True], TypeError, r"sizes\[1\] must be a positive integer, got True"),
    ],
)
def test_check_sizes_messages(bad, error, message):
    with pytest.raises(error, match="^" + message):
        v.check_sizes(bad)


# ------------------------------------------------------------------ real numbers
@pytest.mark.parametrize("bad", ["1", None, True, 1j])
def test_positive_and_nonnegative_reject_non_numbers(bad):
    with pytest.raises(TypeError, match="^eta must be a positive number"):
        v.check_positive(bad, "eta")
    with pytest.raises(TypeError, match="^lam must be a non-negative number"):
        v.check_nonnegative(bad, "lam")


@pytest.mark.parametrize("bad", [0.0, -1, float("nan"), float("inf")])
def test_check_positive_messages_unchanged(bad):
    with pytest.raises(ValueError, match=f"^eta must be a positive number, got {bad!r}$"):
        v.check_positive(bad, "eta")


def test_check_positive_integer_is_check_int():
    assert v.check_positive(3, "k", integer=True) == 3
    with pytest.raises(TypeError, match="^k must be a positive integer, got 3.0$"):
        v.check_positive(3.0, "k", integer=True)
    with pytest.raises(ValueError, match="^k must be a positive integer, got 0$"):
        v.check_positive(0, "k", integer=True)


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (0.0, {"low": 0, "high": 1, "include_low": False}, r"in \(0, 1\], got 0.0"),
        (1.0, {"low": 0, "high": 1, "include_high": False}, r"in \[0, 1\), got 1.0"),
        (-0.5, {"low": 0}, r"in \[0, ∞\), got -0.5"),
        (2, {"high": 1}, r"in \(-∞, 1\], got 2"),
        (float("nan"), {}, "finite real number, got nan"),
        (float("inf"), {"low": 0, "high": 1}, r"in \[0, 1\], got inf"),
    ],
)
def test_check_real_writes_the_interval(value, kwargs, message):
    with pytest.raises(ValueError, match="^x must be a .*" + message):
        v.check_real(value, "x", **kwargs)


def test_check_real_accepts_and_returns_float():
    assert v.check_real(np.float32(0.5), "x", low=0, high=1) == 0.5
    assert v.check_real(1, "x", low=0, high=1) == 1.0
    with pytest.raises(TypeError, match="^x must be a real number in"):
        v.check_real("0.5", "x", low=0, high=1)


# ------------------------------------------------------------------ choices, flags, paths
def test_check_choice_lists_the_choices():
    assert v.check_choice("wall", "clock", ("wall", "process")) == "wall"
    with pytest.raises(ValueError, match="^clock must be 'wall' or 'process', got 'x'$"):
        v.check_choice("x", "clock", ("wall", "process"))
    with pytest.raises(ValueError, match="^m must be one of 'a', 'b' or 'c', got 3$"):
        v.check_choice(3, "m", ("a", "b", "c"))


def test_check_bool_and_check_path():
    assert v.check_bool(np.bool_(False), "flag") is False
    with pytest.raises(TypeError, match="^flag must be True or False, got 0$"):
        v.check_bool(0, "flag")
    assert v.check_path(pathlib.Path("a") / "b") == str(pathlib.Path("a") / "b")
    with pytest.raises(TypeError, match=r"^images_path must be a file path \(str or os.PathLike\)"):
        v.check_path(None, "images_path")


# ------------------------------------------------------------------ arrays
def test_check_array_keeps_float32_and_converts_the_rest():
    assert v.check_array(np.ones(2, np.float32), "x").dtype == np.float32
    assert v.check_array([1, 2], "x").dtype == np.float64
    assert v.check_array(np.ones(2, np.float32), "x", dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([1, 2], ValueError, r"^x must be a 2-D array, got shape \(2,\)$"),
        ([["a", "b"]], TypeError, "^x must hold real numbers"),
        ([[1, np.nan]], ValueError, "^x contains NaN or infinity$"),
        ([[1 + 2j]], TypeError, "^x must hold real numbers"),
    ],
)
def test_check_array_messages(bad, error, message):
    with pytest.raises(error, match=message):
        v.check_array(bad, "x", ndim=2)


def test_check_vector():
    np.testing.assert_array_equal(v.check_vector([1, 2], 2, "v"), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^v must have shape \(3,\), got \(2,\)$"):
        v.check_vector([1, 2], 3, "v")
    with pytest.raises(ValueError, match=r"^v must have shape \(2,\), got \(1, 2\)$"):
        v.check_vector([[1, 2]], 2, "v")


# ------------------------------------------------------------------ labels
def test_check_class_labels():
    np.testing.assert_array_equal(v.check_class_labels(np.array([2, 0]), 3), [2, 0])
    with pytest.raises(
        TypeError, match=r"^y must be a 1-D array of integer class labels, got dtype float64"
    ):
        v.check_class_labels(np.array([0.0, 1.0]), 3)
    with pytest.raises(
        TypeError, match="^y must be a 1-D array of integer class labels, got dtype bool"
    ):
        v.check_class_labels(np.array([True]), 3)
    with pytest.raises(
        ValueError, match=r"^y must be a 1-D array of integer class labels.*shape \(1, 2\)"
    ):
        v.check_class_labels(np.array([[0, 1]]), 3)
    with pytest.raises(ValueError, match="^y has 2 labels but the batch has 3 examples$"):
        v.check_class_labels(np.array([0, 1]), 3, m=3)
    with pytest.raises(
        ValueError, match=r"^y: class labels must lie in \[0, 3\), got values from -1 to 1$"
    ):
        v.check_class_labels(np.array([-1, 1]), 3)


def test_check_labels_and_targets_share_the_label_checks():
    with pytest.raises(ValueError, match="^y has 2 labels but the batch has 3 examples$"):
        v.check_labels(np.array([0, 1]), 3, 4)
    with pytest.raises(ValueError, match="^y has 2 labels but the batch has 3 examples$"):
        v.check_targets(np.array([0, 1]), 4, 3, np.dtype(np.float64))
    with pytest.raises(ValueError, match=r"^y: class labels must lie in \[0, 4\)"):
        v.check_targets(np.array([0, 4, 1]), 4, 3, np.dtype(np.float64))
    with pytest.raises(
        ValueError, match="^y: integer class labels need an output layer of at least 2"
    ):
        v.check_targets(np.array([0, 0, 0]), 1, 3, np.dtype(np.float64))
    np.testing.assert_array_equal(v.check_labels(np.eye(3)[[2, 0]], 2, 3), [2, 0])


# ------------------------------------------------------------------ overflow
def test_overflow_as_error_names_the_argument():
    with (
        pytest.raises(ValueError, match="^X is too large: computing with it overflows"),
        v.overflow_as_error("X"),
    ):
        np.array([1e308, 1e308]).sum()
    with v.overflow_as_error("X"):  # nothing happens without an overflow
        assert np.array([1.0, 2.0]).sum() == 3.0


def test_is_real_dtype_and_check_matching():
    real = [bool, np.int8, np.uint64, np.float32, float]
    assert all(v.is_real_dtype(np.dtype(t)) for t in real)
    assert not any(v.is_real_dtype(np.dtype(t)) for t in [complex, object, "U3", "M8[s]"])
    g, h = v.check_matching([[1, 2], [3, 4]], np.arange(4), ("g", "h"))
    assert g.shape == h.shape == (4,) and g.dtype == h.dtype == np.float64
    with pytest.raises(ValueError, match="^g and h must have the same size, got 4 and 3$"):
        v.check_matching(np.zeros((2, 2)), np.zeros(3), ("g", "h"))
    with pytest.raises(TypeError, match="^h must hold real numbers, got dtype complex128$"):
        v.check_matching(np.zeros(2), np.zeros(2, complex), ("g", "h"))
