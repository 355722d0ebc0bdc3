"""Tests for bp.data: shipped digits, splits, one-hot, toy sets, IDX files, patches."""

import gzip
import struct

import numpy as np
import pytest

from bp import data

# --- digits -----------------------------------------------------------------------

# Class counts of the UCI optdigits test set (its documentation, and the CSV).
DIGIT_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
# First row of sklearn's digits.csv.gz: 64 pixels (0..16), then the label 0.
FIRST_IMAGE = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11,
               8, 0, 0, 4, 12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12,
               7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0]  # fmt: skip


def test_digits_shape_dtype_range_and_counts():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))  # multiples of 1/16
    np.testing.assert_array_equal(np.bincount(y), DIGIT_COUNTS)
    np.testing.assert_array_equal(X[0], np.array(FIRST_IMAGE) / 16)
    assert y[0] == 0 and y[1] == 1


def test_digits_float32():
    X, _ = data.load_digits(dtype=np.float32)
    assert X.dtype == np.float32
    np.testing.assert_array_equal(X, data.load_digits()[0].astype(np.float32))


def test_digits_match_scikit_learn():
    datasets = pytest.importorskip("sklearn.datasets")
    sk = datasets.load_digits()
    X, y = data.load_digits()
    np.testing.assert_array_equal(X, sk.data / 16)
    np.testing.assert_array_equal(y, sk.target)


def test_digits_rejects_integer_dtype():
    with pytest.raises(TypeError, match="dtype"):
        data.load_digits(dtype=np.int64)


# --- splits -----------------------------------------------------------------------


def test_digits_split_sizes_and_determinism():
    a = data.digits_split()
    b = data.digits_split()
    assert [t.shape for t in a] == [(1348, 64), (1348,), (449, 64), (449,)]
    for s, t in zip(a, b):
        np.testing.assert_array_equal(s, t)
    c = data.digits_split(seed=1)
    assert not np.array_equal(a[3], c[3])
    assert data.digits_split(test_fraction=0.5)[2].shape == (898, 64)  # round(898.5) == 898


def test_split_follows_documented_recipe():
    m = 1797
    perm = np.random.default_rng(7).permutation(m)
    X, y = data.load_digits()
    X_train, y_train, X_test, y_test = data.digits_split(test_fraction=0.2, seed=7)
    n_test = round(0.2 * m)
    np.testing.assert_array_equal(X_test, X[perm[:n_test]])
    np.testing.assert_array_equal(y_test, y[perm[:n_test]])
    np.testing.assert_array_equal(X_train, X[perm[n_test:]])
    np.testing.assert_array_equal(y_train, y[perm[n_test:]])


def test_split_is_a_partition_keeping_pairs():
    X = np.arange(100).reshape(50, 2)
    y = np.arange(50) * 10
    X_train, y_train, X_test, y_test = data.train_test_split(X, y, 0.3, seed=3)
    assert len(X_test) == len(y_test) == 15 and len(X_train) == len(y_train) == 35
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]]) // 2
    np.testing.assert_array_equal(np.sort(rows), np.arange(50))  # disjoint, complete
    np.testing.assert_array_equal(y_train, X_train[:, 0] // 2 * 10)  # pairs stay together
    np.testing.assert_array_equal(y_test, X_test[:, 0] // 2 * 10)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5, float("nan")])
def test_split_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        data.digits_split(test_fraction=fraction)


def test_split_errors():
    with pytest.raises(TypeError, match="test_fraction"):
        data.train_test_split(np.zeros((4, 1)), np.zeros(4), "0.5", seed=0)
    with pytest.raises(ValueError, match="X and y"):
        data.train_test_split(np.zeros((4, 1)), np.zeros(3), 0.5, seed=0)
    with pytest.raises(ValueError, match="test_fraction"):  # 0.1 of 3 rounds to 0
        data.train_test_split(np.zeros((3, 1)), np.zeros(3), 0.1, seed=0)
    with pytest.raises(ValueError, match="seed"):
        data.train_test_split(np.zeros((4, 1)), np.zeros(4), 0.5, seed=-1)
    with pytest.raises(TypeError, match="seed"):
        data.train_test_split(np.zeros((4, 1)), np.zeros(4), 0.5, seed=1.0)


# --- one_hot ----------------------------------------------------------------------


def test_one_hot_values():
    expected = np.array([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], float)
    out = data.one_hot(np.array([2, 0, 1, 2], dtype=np.uint8), 4)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, expected)
    assert data.one_hot([3], 4, dtype=np.float32).dtype == np.float32
    assert data.one_hot(np.array([], dtype=int), 3).shape == (0, 3)


def test_one_hot_inverts_argmax():
    labels = np.random.default_rng(0).integers(0, 10, size=200)
    out = data.one_hot(labels, 10)
    np.testing.assert_array_equal(out.argmax(axis=1), labels)
    np.testing.assert_array_equal(out.sum(axis=1), np.ones(200))


@pytest.mark.parametrize(
    "labels, n_classes, dtype, error, name",
    [
        (np.array([0.0, 1.0]), 2, np.float64, TypeError, "labels"),
        (np.array([True, False]), 2, np.float64, TypeError, "labels"),
        (np.array([[0, 1]]), 2, np.float64, ValueError, "labels"),
        (np.array(1), 2, np.float64, ValueError, "labels"),
        (np.array([0, 2]), 2, np.float64, ValueError, "labels"),
        (np.array([-1, 0]), 2, np.float64, ValueError, "labels"),
        (np.array([0, 1]), 0, np.float64, ValueError, "n_classes"),
        (np.array([0, 1]), 2.0, np.float64, TypeError, "n_classes"),
        (np.array([0, 1]), 2, np.int64, TypeError, "dtype"),
    ],
)
def test_one_hot_errors(labels, n_classes, dtype, error, name):
    with pytest.raises(error, match=name):
        data.one_hot(labels, n_classes, dtype=dtype)


# --- toy sets ---------------------------------------------------------------------


def test_curve_shapes_range_and_determinism():
    X, Y = data.curve()
    assert X.shape == Y.shape == (50, 1) and X.dtype == Y.dtype == np.float64
    assert np.all((X >= -1) & (X <= 1)) and np.all((Y > 0) & (Y < 1))
    X2, Y2 = data.curve()
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert not np.array_equal(X, data.curve(seed=1)[0])
    assert np.abs(Y - data.curve_function(X)).max() < 4 * 0.05  # noise of the stated size
    Xf, Yf = data.curve(n=7, dtype=np.float32)
    assert Xf.shape == (7, 1) and Xf.dtype == Yf.dtype == np.float32


def test_curve_without_noise_is_the_function():
    X, Y = data.curve(n=200, noise=0.0)
    np.testing.assert_allclose(Y, 0.5 + 0.35 * np.sin(3 * X), rtol=0, atol=1e-15)
    assert data.curve_function(0.0) == 0.5
    np.testing.assert_allclose(data.curve_function(np.pi / 6), 0.85)


def test_curve_targets_stay_inside_sigmoid_range():
    _, Y = data.curve(n=5000, noise=0.5)
    assert Y.min() == 0.01 and Y.max() == 0.99


def test_curve_errors():
    with pytest.raises(ValueError, match="^n must"):
        data.curve(n=0)
    with pytest.raises(TypeError, match="^n must"):
        data.curve(n=5.0)
    with pytest.raises(ValueError, match="noise"):
        data.curve(noise=-0.1)
    with pytest.raises(ValueError, match="noise"):
        data.curve(noise=float("inf"))
    with pytest.raises(TypeError, match="dtype"):
        data.curve(dtype=int)


def test_xor():
    X, Y = data.xor()
    assert X.shape == (4, 2) and Y.shape == (4, 1) and X.dtype == Y.dtype == np.float64
    assert {tuple(r) for r in X} == {(0, 0), (0, 1), (1, 0), (1, 1)}
    np.testing.assert_array_equal(Y[:, 0], np.logical_xor(X[:, 0], X[:, 1]))
    assert data.xor(np.float32)[1].dtype == np.float32


# --- IDX files --------------------------------------------------------------------


def idx_images_bytes(pixels):
    """An images file written by hand from the MNIST format description."""
    n, rows, cols = pixels.shape
    return struct.pack(">iiii", 2051, n, rows, cols) + pixels.astype(np.uint8).tobytes()


def idx_labels_bytes(labels):
    return struct.pack(">ii", 2049, len(labels)) + bytes(labels)


@pytest.fixture
def tiny():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(5, 3, 4), dtype=np.uint8)
    pixels[0, 0, 0], pixels[0, 0, 1] = 0, 255
    labels = [3, 1, 4, 1, 5]
    return pixels, labels


@pytest.mark.parametrize("compress", [False, True])
def test_idx_read_hand_written_files(tmp_path, tiny, compress):
    pixels, labels = tiny
    img, lab = idx_images_bytes(pixels), idx_labels_bytes(labels)
    if compress:
        img, lab = gzip.compress(img), gzip.compress(lab)
    # Names without ".gz" (and a misleading one): compression is found from the content.
    (tmp_path / "images").write_bytes(img)
    (tmp_path / "labels.gz").write_bytes(lab)
    X, y = data.load_mnist_idx(tmp_path / "images", str(tmp_path / "labels.gz"))
    assert X.shape == (5, 12) and X.dtype == np.float64
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, labels)
    np.testing.assert_allclose(X, pixels.reshape(5, 12) / 255.0, rtol=1e-15)
    assert X[0, 0] == 0.0 and X[0, 1] == 1.0
    X_only = data.load_mnist_idx(tmp_path / "images", dtype=np.float32)
    assert isinstance(X_only, np.ndarray) and X_only.dtype == np.float32


@pytest.mark.parametrize("compress", [False, True])
def test_write_idx_matches_the_format(tmp_path, tiny, compress):
    pixels, labels = tiny
    data.write_idx(tmp_path / "i", pixels, compress=compress)
    data.write_idx(tmp_path / "l", np.array(labels, dtype=np.uint8), compress=compress)
    raw_i, raw_l = (tmp_path / "i").read_bytes(), (tmp_path / "l").read_bytes()
    assert (raw_i[:2] == b"\x1f\x8b") is compress
    if compress:
        raw_i, raw_l = gzip.decompress(raw_i), gzip.decompress(raw_l)
    assert raw_i == idx_images_bytes(pixels)
    assert raw_l == idx_labels_bytes(labels)


def test_write_idx_errors(tmp_path):
    with pytest.raises(TypeError, match="array"):
        data.write_idx(tmp_path / "x", np.zeros(3, dtype=np.int32))
    with pytest.raises(ValueError, match="array"):
        data.write_idx(tmp_path / "x", np.uint8(3))


def test_idx_missing_file(tmp_path, tiny):
    missing = tmp_path / "no-such-file"
    with pytest.raises(FileNotFoundError, match="images_path.*no-such-file"):
        data.load_mnist_idx(missing)
    (tmp_path / "images").write_bytes(idx_images_bytes(tiny[0]))
    with pytest.raises(FileNotFoundError, match="labels_path.*no-such-file"):
        data.load_mnist_idx(tmp_path / "images", missing)


def test_idx_wrong_magic(tmp_path, tiny):
    pixels, labels = tiny
    (tmp_path / "images").write_bytes(idx_images_bytes(pixels))
    (tmp_path / "labels").write_bytes(idx_labels_bytes(labels))
    with pytest.raises(ValueError, match="images_path.*magic number 2049, expected 2051"):
        data.load_mnist_idx(tmp_path / "labels")  # files swapped
    with pytest.raises(ValueError, match="labels_path.*magic number 2051, expected 2049"):
        data.load_mnist_idx(tmp_path / "images", tmp_path / "images")
    (tmp_path / "little").write_bytes(struct.pack("<iiii", 2051, 5, 3, 4) + pixels.tobytes())
    with pytest.raises(ValueError, match="magic number"):  # little-endian header
        data.load_mnist_idx(tmp_path / "little")


@pytest.mark.parametrize("cut", [1, 60])
def test_idx_truncated(tmp_path, tiny, cut):
    raw = idx_images_bytes(tiny[0])
    (tmp_path / "images").write_bytes(raw[:-cut])
    with pytest.raises(ValueError, match="images_path.*truncated"):
        data.load_mnist_idx(tmp_path / "images")


def test_idx_truncated_header_and_trailing_bytes(tmp_path, tiny):
    raw = idx_images_bytes(tiny[0])
    for body in (raw[:2], raw[:10]):
        (tmp_path / "images").write_bytes(body)
        with pytest.raises(ValueError, match="truncated"):
            data.load_mnist_idx(tmp_path / "images")
    (tmp_path / "images").write_bytes(raw + b"\x00")
    with pytest.raises(ValueError, match="too long"):
        data.load_mnist_idx(tmp_path / "images")


def test_idx_damaged_gzip(tmp_path, tiny):
    (tmp_path / "images").write_bytes(gzip.compress(idx_images_bytes(tiny[0]))[:-10])
    with pytest.raises(ValueError, match="images_path.*gzip"):
        data.load_mnist_idx(tmp_path / "images")


def test_idx_count_mismatch(tmp_path, tiny):
    pixels, labels = tiny
    (tmp_path / "images").write_bytes(idx_images_bytes(pixels))
    (tmp_path / "labels").write_bytes(idx_labels_bytes(labels[:4]))
    with pytest.raises(ValueError, match="5 images but labels_path holds 4 labels"):
        data.load_mnist_idx(tmp_path / "images", tmp_path / "labels")


# --- patches ----------------------------------------------------------------------


def test_patches_shape_determinism_and_origin():
    rng = np.random.default_rng(1)
    images = rng.standard_normal((3, 9, 11))
    out = data.patches(images, patch_size=4, n=200, seed=5)
    assert out.shape == (200, 16) and out.dtype == images.dtype
    np.testing.assert_array_equal(out, data.patches(images, patch_size=4, n=200, seed=5))
    assert not np.array_equal(out, data.patches(images, patch_size=4, n=200, seed=6))
    # Every patch is a 4x4 window of one of the images (brute-force search).
    windows = {
        images[k, r : r + 4, c : c + 4].tobytes()
        for k in range(3)
        for r in range(9 - 3)
        for c in range(11 - 3)
    }
    assert all(p.reshape(4, 4).tobytes() in windows for p in out)
    # With 200 draws over 3 * 6 * 8 = 144 windows, more than one is used.
    assert len({p.tobytes() for p in out}) > 50


def test_patches_full_size_and_empty():
    images = np.arange(2 * 3 * 3).reshape(2, 3, 3)
    out = data.patches(images, patch_size=3, n=20)
    assert {tuple(p) for p in out} == {tuple(images[0].ravel()), tuple(images[1].ravel())}
    assert data.patches(images, patch_size=2, n=0).shape == (0, 4)


def test_patches_errors():
    images = np.zeros((2, 5, 6))
    with pytest.raises(ValueError, match="images"):
        data.patches(np.zeros((5, 6)))
    with pytest.raises(ValueError, match="images"):
        data.patches(np.zeros((0, 5, 6)), patch_size=2)
    with pytest.raises(ValueError, match="patch_size"):
        data.patches(images, patch_size=6)
    with pytest.raises(ValueError, match="patch_size"):
        data.patches(images, patch_size=0)
    with pytest.raises(TypeError, match="patch_size"):
        data.patches(images, patch_size=2.5)
    with pytest.raises(ValueError, match="^n must"):
        data.patches(images, patch_size=2, n=-1)


# --- one vocabulary of errors (bp._validation) -------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda seed: data.curve(5, seed=seed),
        lambda seed: data.patches(np.zeros((1, 4, 4)), 2, 3, seed=seed),
        lambda seed: data.digits_split(seed=seed),
        lambda seed: data.train_test_split(np.zeros((4, 1)), np.zeros(4), 0.5, seed),
    ],
)
@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (1.5, TypeError), (None, TypeError)])
def test_a_bad_seed_names_seed(call, seed, error):
    with pytest.raises(error, match=rf"^seed must be a non-negative integer, got {seed!r}$"):
        call(seed)


def test_unified_messages_of_the_data_functions():
    with pytest.raises(
        ValueError, match=r"^test_fraction must be a real number in \(0, 1\), got 1$"
    ):
        data.train_test_split(np.zeros((4, 1)), np.zeros(4), 1, 0)
    with pytest.raises(ValueError, match=r"^patch_size must be an integer in 1\.\.4, got 5$"):
        data.patches(np.zeros((1, 4, 6)), patch_size=5)
    with pytest.raises(
        ValueError, match=r"^labels: class labels must lie in \[0, 2\), got values from 0 to 2$"
    ):
        data.one_hot(np.array([0, 2]), 2)
    with pytest.raises(ValueError, match=r"^noise must be a non-negative number, got -0.1$"):
        data.curve(3, noise=-0.1)
    with pytest.raises(TypeError, match=r"^images_path must be a file path"):
        data.load_mnist_idx(None)
    with pytest.raises(TypeError, match="^compress must be True or False"):
        data.write_idx("unused", np.zeros(2, np.uint8), compress="yes")


def test_curve_function_checks_its_input():
    assert data.curve_function(np.float32([0.0])).dtype == np.float32
    with pytest.raises(ValueError, match="^x is too large: computing with it overflows"):
        data.curve_function(np.array([1e308]))
    with pytest.raises(ValueError, match="^x contains NaN or infinity$"):
        data.curve_function(np.array([np.nan]))
    with pytest.raises(TypeError, match="^x must hold real numbers"):
        data.curve_function("0.5")
