"""Small data sets used in the book, and readers for standard formats.

Everything here returns NumPy arrays with one example per row:

* :func:`load_digits` -- the 8x8 handwritten digits shipped with the package,
  and :func:`digits_split`, a fixed train/test split of them;
* :func:`curve` and :func:`xor` -- toy sets for curve fitting and for the
  classic problem a network without hidden units cannot solve;
* :func:`load_mnist_idx` / :func:`write_idx` -- the IDX format of MNIST;
* :func:`one_hot`, :func:`train_test_split` and :func:`patches` -- helpers.

Random choices go through ``np.random.default_rng(seed)``: the same seed
always gives the same result.
"""

from __future__ import annotations

import gzip
import os
from importlib import resources
from pathlib import Path
from typing import overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ._validation import (
    check_array,
    check_bool,
    check_class_labels,
    check_dtype,
    check_int,
    check_nonnegative,
    check_path,
    check_real,
    check_seed,
    overflow_as_error,
)

__all__ = [
    "curve",
    "curve_function",
    "digits_split",
    "load_digits",
    "load_mnist_idx",
    "one_hot",
    "patches",
    "train_test_split",
    "write_idx",
    "xor",
]

PathLike = str | os.PathLike[str]

_IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
_IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
_GZIP_MAGIC = b"\x1f\x8b"


# --- the digits ---------------------------------------------------------------


def load_digits(dtype: DTypeLike = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """Load the 8x8 handwritten digits (1,797 images, classes 0-9).

    The data are the test set of the UCI "Optical Recognition of Handwritten
    Digits" collection (Alpaydin & Kaynak), as redistributed by scikit-learn;
    they ship inside this package (see ``bp/_datafiles/README.md``), so no
    download and no scikit-learn are needed. Each pixel counts the "on" pixels
    of a 4x4 block of a 32x32 bitmap, an integer 0..16; it is divided by 16.

    Parameters
    ----------
    dtype : np.float32 or np.float64, default np.float64
        Dtype of ``X``.

    Returns
    -------
    X : ndarray, shape (1797, 64), dtype ``dtype``
        One image per row, row-major (``X[i].reshape(8, 8)`` is the image),
        values in [0, 1].
    y : ndarray, shape (1797,), dtype int64
        The digit shown, 0..9.

    Raises
    ------
    TypeError
        If ``dtype`` is not float32 or float64.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape, float(X.max()), int(y.max())
    ((1797, 64), (1797,), 1.0, 9)
    """
    dt = check_dtype(dtype)
    ref = resources.files("bp") / "_datafiles" / "digits.npz"
    with ref.open("rb") as f, np.load(f, allow_pickle=False) as data:
        X = data["images"].astype(dt)
        y = data["labels"].astype(np.int64)
    X /= 16
    return X, y


def train_test_split(
    X: ArrayLike, y: ArrayLike, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split examples (rows) at random into a training and a test set.

    With ``m`` rows, ``n_test = round(test_fraction * m)`` and
    ``perm = np.random.default_rng(seed).permutation(m)``, the test set is
    rows ``perm[:n_test]`` and the training set rows ``perm[n_test:]``, in
    that (shuffled) order.

    Parameters
    ----------
    X : array_like, shape (m, ...)
        Inputs, one example per row.
    y : array_like, shape (m, ...)
        Targets, one per row of ``X``.
    test_fraction : float
        Fraction of the examples put in the test set, strictly between 0 and 1.
    seed : int
        Non-negative seed of the permutation.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        Rows of ``X`` and ``y`` (same dtypes); ``m - n_test`` and ``n_test`` rows.

    Raises
    ------
    ValueError
        If ``X`` and ``y`` are scalars or differ in number of rows, if
        ``test_fraction`` is not in (0, 1), or if either part would be empty.
    TypeError
        If ``test_fraction`` is not a real number or ``seed`` not an integer.

    Examples
    --------
    >>> X_train, y_train, X_test, y_test = train_test_split(
    ...     np.arange(10).reshape(5, 2), np.arange(5), test_fraction=0.4, seed=0
    ... )
    >>> X_train.shape, X_test.shape, sorted(np.concatenate([y_train, y_test]).tolist())
    ((3, 2), (2, 2), [0, 1, 2, 3, 4])
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(
            "X and y must be arrays with one example per row, got a scalar"
        )
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y must have the same number of rows, got {X.shape[0]} and {y.shape[0]}"
        )
    check_real(
        test_fraction,
        "test_fraction",
        low=0,
        high=1,
        include_low=False,
        include_high=False,
    )
    seed = check_seed(seed)
    m = X.shape[0]
    n_test = round(test_fraction * m)
    if not 0 < n_test < m:
        raise ValueError(
            f"test_fraction={test_fraction} of {m} examples gives {n_test} test examples; "
            "both parts must be non-empty"
        )
    perm = np.random.default_rng(seed).permutation(m)
    test, train = perm[:n_test], perm[n_test:]
    return X[train], y[train], X[test], y[test]


def digits_split(
    test_fraction: float = 0.25, seed: int = 0, dtype: DTypeLike = np.float64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits of :func:`load_digits`, split by :func:`train_test_split`.

    With the defaults, 1,348 training and 449 test images; the split depends
    only on ``test_fraction`` and ``seed``.

    Parameters
    ----------
    test_fraction : float, default 0.25
        Fraction of the 1,797 images in the test set, strictly in (0, 1).
    seed : int, default 0
        Seed of the permutation.
    dtype : np.float32 or np.float64, default np.float64
        Dtype of the images.

    Returns
    -------
    X_train : ndarray, shape (m_train, 64), dtype ``dtype``
    y_train : ndarray, shape (m_train,), int64
    X_test : ndarray, shape (m_test, 64), dtype ``dtype``
    y_test : ndarray, shape (m_test,), int64

    Raises
    ------
    ValueError, TypeError
        As :func:`load_digits` and :func:`train_test_split`.

    Examples
    --------
    >>> X_train, y_train, X_test, y_test = digits_split()
    >>> X_train.shape, X_test.shape
    ((1348, 64), (449, 64))
    """
    X, y = load_digits(dtype)
    return train_test_split(X, y, test_fraction, seed)


def one_hot(
    labels: ArrayLike, n_classes: int, dtype: DTypeLike = np.float64
) -> np.ndarray:
    """Encode integer class labels as one-hot rows.

    Parameters
    ----------
    labels : array_like of int, shape (m,)
        Class of each example, each in ``0 .. n_classes - 1``.
    n_classes : int
        Number of classes, at least 1.
    dtype : np.float32 or np.float64, default np.float64
        Dtype of the result.

    Returns
    -------
    ndarray, shape (m, n_classes), dtype ``dtype``
        Row ``i`` is 1 in column ``labels[i]`` and 0 elsewhere.

    Raises
    ------
    TypeError
        If ``labels`` does not have an integer dtype, ``n_classes`` is not an
        integer, or ``dtype`` is not float32 or float64.
    ValueError
        If ``labels`` is not 1-D, ``n_classes < 1``, or a label lies outside
        ``[0, n_classes)``.

    Examples
    --------
    >>> one_hot([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    n_classes = check_int(n_classes, "n_classes", minimum=1)
    labels = check_class_labels(labels, n_classes, "labels")
    dt = check_dtype(dtype)
    out = np.zeros((labels.size, n_classes), dtype=dt)
    out[np.arange(labels.size), labels] = 1
    return out


# --- toy sets -------------------------------------------------------------------


def curve_function(x: ArrayLike) -> np.ndarray:
    """The noiseless curve behind :func:`curve`: ``0.5 + 0.35 * sin(3 x)``.

    Its values lie in [0.15, 0.85], inside the range of a sigmoid.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray, same shape as ``x``
        float32 if ``x`` is float32, else float64.

    Raises
    ------
    TypeError, ValueError
        If ``x`` does not hold finite real numbers, or is so large that 3x
        overflows.

    Examples
    --------
    >>> curve_function(np.array([0.0, np.pi / 6]))
    array([0.5 , 0.85])
    """
    x = check_array(x, "x")
    with overflow_as_error("x"):
        return 0.5 + 0.35 * np.sin(3 * x)


def curve(
    n: int = 50,
    seed: int = 0,
    noise: float = 0.05,
    dtype: DTypeLike = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D curve-fitting set: noisy samples of :func:`curve_function`.

    ``x`` is uniform on [-1, 1] and ``y = curve_function(x) + noise * e`` with
    ``e`` standard normal, both drawn from ``np.random.default_rng(seed)``;
    ``y`` is then clipped to [0.01, 0.99] so that a sigmoid output can reach
    every target (with the defaults no target is clipped).

    Parameters
    ----------
    n : int, default 50
        Number of examples, at least 1.
    seed : int, default 0
        Seed of the generator.
    noise : float, default 0.05
        Standard deviation of the noise, >= 0 (0 gives exact samples).
    dtype : np.float32 or np.float64, default np.float64
        Dtype of the results.

    Returns
    -------
    X : ndarray, shape (n, 1), dtype ``dtype``
    Y : ndarray, shape (n, 1), dtype ``dtype``

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not an integer, ``noise`` not a real number,
        or ``dtype`` not float32/float64.
    ValueError
        If ``n < 1``, ``seed < 0`` or ``noise`` is negative or not finite.

    Examples
    --------
    >>> X, Y = curve(5, noise=0.0)
    >>> X.shape, Y.shape, bool(np.all(Y == curve_function(X)))
    ((5, 1), (5, 1), True)
    """
    n = check_int(n, "n", minimum=1)
    seed = check_seed(seed)
    check_nonnegative(noise, "noise")
    dt = check_dtype(dtype)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    y = curve_function(x) + noise * rng.standard_normal((n, 1))
    return x.astype(dt), np.clip(y, 0.01, 0.99).astype(dt)


def xor(dtype: DTypeLike = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """The four XOR examples: ``Y = X[:, 0] xor X[:, 1]``.

    Parameters
    ----------
    dtype : np.float32 or np.float64, default np.float64

    Returns
    -------
    X : ndarray, shape (4, 2), dtype ``dtype``
        Rows (0, 0), (0, 1), (1, 0), (1, 1).
    Y : ndarray, shape (4, 1), dtype ``dtype``
        0, 1, 1, 0.

    Raises
    ------
    TypeError
        If ``dtype`` is not float32 or float64.

    Examples
    --------
    >>> X, Y = xor()
    >>> Y.ravel()
    array([0., 1., 1., 0.])
    """
    dt = check_dtype(dtype)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dt)
    Y = np.array([[0], [1], [1], [0]], dtype=dt)
    return X, Y


# --- MNIST IDX files -------------------------------------------------------------


def _read_idx(path: PathLike, name: str, magic: int) -> np.ndarray:
    """Read an IDX file of unsigned bytes (plain or gzipped), checking its magic."""
    path = Path(check_path(path, name))
    if not path.is_file():
        raise FileNotFoundError(f"{name}: no such file: {str(path)!r}")
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ValueError(
                f"{name}: {str(path)!r} is a damaged gzip file ({exc})"
            ) from None
    if len(raw) < 4:
        raise ValueError(
            f"{name}: {str(path)!r} is truncated: {len(raw)} bytes, no IDX header"
        )
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise ValueError(
            f"{name}: {str(path)!r} has magic number {found}, expected {magic} "
            f"(MNIST {'images' if magic == _IDX_IMAGES_MAGIC else 'labels'} file)"
        )
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(
            f"{name}: {str(path)!r} is truncated inside its header"
        )
    dims = tuple(
        int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4)
    )
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        kind = "truncated" if len(raw) < expected else "too long"
        raise ValueError(
            f"{name}: {str(path)!r} is {kind}: header says dimensions {dims}, "
            f"i.e. {expected} bytes, but it has {len(raw)}"
        )
    return np.frombuffer(raw, np.uint8, offset=header).reshape(dims)


@overload
def load_mnist_idx(
    images_path: PathLike,
    labels_path: None = None,
    dtype: DTypeLike = np.float64,
) -> np.ndarray: ...


@overload
def load_mnist_idx(
    images_path: PathLike, labels_path: PathLike, dtype: DTypeLike = np.float64
) -> tuple[np.ndarray, np.ndarray]: ...


def load_mnist_idx(
    images_path: PathLike,
    labels_path: PathLike | None = None,
    dtype: DTypeLike = np.float64,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Read MNIST-style IDX files (e.g. ``train-images-idx3-ubyte[.gz]``).

    An images file is a big-endian int32 magic number 2051, then the int32
    dimensions ``n, rows, cols``, then ``n * rows * cols`` unsigned bytes. A
    labels file is magic 2049, ``n``, then ``n`` bytes. Either may be
    gzip-compressed; this is detected from the content, not the file name.

    Parameters
    ----------
    images_path : str or path-like
        The images file.
    labels_path : str or path-like, optional
        The labels file; if omitted only the images are returned.
    dtype : np.float32 or np.float64, default np.float64
        Dtype of ``X``.

    Returns
    -------
    X : ndarray, shape (n, rows * cols), dtype ``dtype``
        One image per row, row-major, pixel values divided by 255 (so in [0, 1]).
    y : ndarray, shape (n,), int64
        The labels; only returned when ``labels_path`` is given.

    Raises
    ------
    FileNotFoundError
        If a file does not exist (the message names the argument and path).
    ValueError
        If a file has the wrong magic number, its size does not match its
        header, it is a damaged gzip file, or the two files hold different
        numbers of examples.
    TypeError
        If a path is not a ``str`` or ``os.PathLike``, or ``dtype`` is not
        float32 or float64.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> images = np.array([[[0, 255], [51, 0]]], dtype=np.uint8)  # one 2×2 image
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_idx(pathlib.Path(tmp) / "images", images, compress=True)
    ...     write_idx(pathlib.Path(tmp) / "labels", np.array([7], dtype=np.uint8))
    ...     X, y = load_mnist_idx(pathlib.Path(tmp) / "images", pathlib.Path(tmp) / "labels")
    >>> X, y
    (array([[0. , 1. , 0.2, 0. ]]), array([7]))
    """
    dt = check_dtype(dtype)
    images = _read_idx(images_path, "images_path", _IDX_IMAGES_MAGIC)
    X = images.reshape(images.shape[0], -1).astype(dt)
    X /= 255
    if labels_path is None:
        return X
    y = _read_idx(labels_path, "labels_path", _IDX_LABELS_MAGIC).astype(
        np.int64
    )
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"images_path holds {X.shape[0]} images but labels_path holds {y.shape[0]} labels"
        )
    return X, y


def write_idx(path: PathLike, array: ArrayLike, compress: bool = False) -> None:
    """Write a uint8 array as an IDX file (used by the tests to make small files).

    The file is the big-endian int32 magic number ``0x0800 + ndim`` (2051 for
    3-D image stacks, 2049 for 1-D labels), the int32 dimensions, then the
    bytes in C order -- the format read by :func:`load_mnist_idx`.

    Parameters
    ----------
    path : str or path-like
        File to create or overwrite.
    array : array_like, dtype uint8, 1 to 255 dimensions
        The data.
    compress : bool, default False
        Gzip the file.

    Raises
    ------
    TypeError
        If ``array`` does not have dtype uint8, ``path`` is not a path or
        ``compress`` not a bool.
    ValueError
        If ``array`` is 0-D.

    Examples
    --------
    See :func:`load_mnist_idx`.
    """
    check_path(path)
    check_bool(compress, "compress")
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise TypeError(f"array must have dtype uint8, got {array.dtype}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(
            f"array must have 1 to 255 dimensions, got {array.ndim}"
        )
    header = np.array(
        [0x0800 + array.ndim, *array.shape], dtype=">u4"
    ).tobytes()
    raw = header + np.ascontiguousarray(array).tobytes()
    Path(path).write_bytes(gzip.compress(raw, mtime=0) if compress else raw)


# --- patches ---------------------------------------------------------------------


def patches(
    images: ArrayLike, patch_size: int = 8, n: int = 10000, seed: int = 0
) -> np.ndarray:
    """Sample square patches at random from a stack of images.

    For each patch an image, a row offset and a column offset are drawn
    uniformly (in that order, each as a vector of ``n`` draws) from
    ``np.random.default_rng(seed)``.

    Parameters
    ----------
    images : array_like, shape (k, H, W)
        The images, ``k >= 1``.
    patch_size : int, default 8
        Side of each patch, ``1 <= patch_size <= min(H, W)``.
    n : int, default 10000
        Number of patches, >= 0.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    ndarray, shape (n, patch_size * patch_size), dtype of ``images``
        One patch per row, row-major.

    Raises
    ------
    ValueError
        If ``images`` is not 3-D or holds no image, or ``patch_size``, ``n``
        or ``seed`` is out of range.
    TypeError
        If ``patch_size``, ``n`` or ``seed`` is not an integer.

    Examples
    --------
    >>> images = np.arange(2 * 4 * 4).reshape(2, 4, 4)
    >>> P = patches(images, patch_size=2, n=3)
    >>> P.shape, bool(np.all(P[:, 1] == P[:, 0] + 1))  # neighbours in a row
    ((3, 4), True)
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(
            f"images must have shape (k, H, W) with k >= 1, got {images.shape}"
        )
    k, H, W = images.shape
    p = check_int(patch_size, "patch_size", minimum=1, maximum=min(H, W))
    n = check_int(n, "n", minimum=0)
    rng = np.random.default_rng(check_seed(seed))
    which = rng.integers(0, k, size=n)
    top = rng.integers(0, H - p + 1, size=n)
    left = rng.integers(0, W - p + 1, size=n)
    offsets = np.arange(p)
    rows = (top[:, None] + offsets)[:, :, None]  # (n, p, 1)
    cols = (left[:, None] + offsets)[:, None, :]  # (n, 1, p)
    return images[which[:, None, None], rows, cols].reshape(n, p * p)
