"""Saving and loading a network's parameters with ``np.savez`` (never pickle)."""

from __future__ import annotations

import os
import zipfile
from typing import Any

import numpy as np

from ._validation import check_path
from .network import Network

__all__ = ["save", "load"]

_FORMAT = 1


def save(net: Network, path: str | os.PathLike[str]) -> None:
    """Save architecture and parameters of ``net`` to ``path`` (a ``.npz`` file).

    The file holds plain arrays only: the layer sizes, activation and cost
    names, weight decay, and w^l, b^l for l = 1..L.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`bp.network.Network` or ``path`` not a path.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = Network([2, 3, 1], "sigmoid", "quadratic", seed=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save(net, pathlib.Path(tmp) / "net.npz")
    ...     same = load(pathlib.Path(tmp) / "net.npz")
    >>> same.sizes == net.sizes, all(np.array_equal(a, b) for a, b in zip(same.w[1:], net.w[1:]))
    (True, True)
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a bp.Network, got {type(net).__name__}")
    path = check_path(path)
    arrays: dict[str, Any] = {
        "format": np.array(_FORMAT),
        "sizes": np.array(net.sizes, dtype=np.int64),
        "activations": np.array([a.name for a in net.activations[1:]]),
        "cost": np.array(net.cost.name),
        "weight_decay": np.array(net.weight_decay),
    }
    for l in range(1, net.L + 1):
        arrays[f"w{l}"] = net.w[l]
        arrays[f"b{l}"] = net.b[l]
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def load(path: str | os.PathLike[str]) -> Network:
    """Load a network saved by :func:`save`.

    Raises
    ------
    TypeError
        If ``path`` is not a ``str`` or ``os.PathLike``.
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a network saved by :func:`save`, is corrupt, or
        its parameter arrays do not match its layer sizes.
    """
    path = check_path(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"path: no such file {path!r}")
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            contents = {k: data[k] for k in data.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
        raise ValueError(
            f"path: {path!r} is not a readable .npz file saved by bp.save ({err})"
        ) from None
    for key in ("format", "sizes", "activations", "cost", "weight_decay"):
        if key not in contents:
            raise ValueError(
                f"path: {path!r} lacks {key!r}: not saved by bp.save"
            )
    if int(contents["format"]) != _FORMAT:
        raise ValueError(
            f"path: unsupported file format {int(contents['format'])}"
        )
    sizes = [int(n) for n in contents["sizes"]]
    L = len(sizes) - 1
    dtype = contents["w1"].dtype if "w1" in contents else np.float64
    net = Network(
        sizes,
        [str(a) for a in contents["activations"]],
        str(contents["cost"]),
        weight_decay=float(contents["weight_decay"]),
        dtype=dtype,
    )
    for l in range(1, L + 1):
        for name, target in ((f"w{l}", net.w[l]), (f"b{l}", net.b[l])):
            if name not in contents:
                raise ValueError(f"path: {path!r} lacks the array {name!r}")
            arr = contents[name]
            if arr.shape != target.shape or arr.dtype != target.dtype:
                raise ValueError(
                    f"path: array {name!r} has shape {arr.shape} and dtype {arr.dtype}, "
                    f"expected {target.shape} and {target.dtype} for sizes {sizes}"
                )
            if not np.all(np.isfinite(arr)):
                raise ValueError(
                    f"path: array {name!r} contains NaN or infinity"
                )
            target[...] = arr
    return net
