"""Saving and loading parameters: bit-exact round trip, clear errors on bad files."""

from __future__ import annotations

import numpy as np
import pytest

import bp


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_bit_exact(tmp_path, dtype, rng):
    net = bp.Network(
        [5, 4, 3],
        ["lecun_tanh", "softmax"],
        "log_likelihood",
        weight_decay=0.01,
        seed=3,
        dtype=dtype,
    )
    net.b[1][:] = rng.standard_normal(4)
    path = tmp_path / "net.npz"
    bp.save(net, path)
    loaded = bp.load(path)
    assert loaded.sizes == net.sizes and loaded.dtype == net.dtype
    assert [a.name for a in loaded.activations[1:]] == ["lecun_tanh", "softmax"]
    assert loaded.cost.name == "log_likelihood" and loaded.weight_decay == 0.01
    np.testing.assert_array_equal(loaded.get_params(), net.get_params())
    X = rng.standard_normal((3, 5))
    np.testing.assert_array_equal(loaded.feedforward(X), net.feedforward(X))


def test_saved_file_needs_no_pickle(tmp_path):
    path = tmp_path / "net.npz"
    bp.save(bp.Network([2, 2]), path)
    with np.load(path, allow_pickle=False) as data:
        assert "w1" in data.files and "sizes" in data.files


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="path: no such file"):
        bp.load(tmp_path / "nope.npz")


def test_corrupt_file(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(ValueError, match="path: .* not a readable .npz"):
        bp.load(path)


def test_truncated_file(tmp_path):
    path = tmp_path / "net.npz"
    bp.save(bp.Network([20, 10, 5]), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="path"):
        bp.load(path)


def test_foreign_npz(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, x=np.zeros(3))
    with pytest.raises(ValueError, match="lacks 'format'"):
        bp.load(path)


def test_mismatched_shapes(tmp_path):
    path = tmp_path / "net.npz"
    net = bp.Network([3, 4, 2])
    bp.save(net, path)
    with np.load(path) as data:
        contents = dict(data)
    contents["w2"] = np.zeros((2, 5))
    np.savez(path, **contents)
    with pytest.raises(ValueError, match=r"array 'w2' has shape \(2, 5\)"):
        bp.load(path)


def test_save_and_load_name_their_arguments(tmp_path):
    with pytest.raises(TypeError, match="^net must be a bp.Network, got dict$"):
        bp.save({}, tmp_path / "net.npz")
    net = bp.Network([2, 1], "sigmoid", "quadratic")
    with pytest.raises(
        TypeError, match=r"^path must be a file path \(str or os.PathLike\), got int$"
    ):
        bp.save(net, 3)
    with pytest.raises(TypeError, match="^path must be a file path"):
        bp.load(None)
