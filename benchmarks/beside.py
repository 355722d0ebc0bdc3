"""Measurements beside the race of ``training.py``, run in the benchmark's own process.

* ``profile_step``: where ``bp.train``'s time goes, by ``cProfile`` (no function patched);
  the matrix products alone are the ``products`` contender of the race;
* ``gradient_forward``: one gradient against one forward pass (the count says < 3);
* ``memory``: the peak memory of an epoch against what cannot be avoided;
* ``same_job``: the contenders compute the same thing (parameters after one epoch).
"""

from __future__ import annotations

import cProfile
import gc
import pstats
import time
import warnings
from pathlib import Path

import numpy as np
from contenders import (
    CONFIGS,
    LEARNING_RATE,
    N_CLASSES,
    bp_network,
    make_data,
    sklearn_classifier,
    torch_model,
)

import bp
from bp import measure, opcount


def flat(Ws, bs) -> np.ndarray:
    """Weights and biases, layer after layer, as one vector (``bp``'s parameter order)."""
    return np.concatenate([np.concatenate([w.ravel(), v]) for w, v in zip(Ws, bs)])


def profile_step(cfg, dtype: str, epochs: int = 2) -> dict:
    """Where ``bp.train``'s time goes: ``cProfile``'s self time per function of ``bp``.

    Self time includes the NumPy and BLAS calls a function makes directly (cProfile does
    not see ufuncs); the matrix products alone are timed by the ``products`` contender.
    """
    X, y = make_data(cfg, np.dtype(dtype))
    net = bp_network(cfg.sizes, np.dtype(dtype))
    bp.train(net, X, y, epochs=1, batch_size=cfg.batch, monitor=False)  # warm-up
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    bp.train(net, X, y, epochs=epochs, batch_size=cfg.batch, monitor=False, seed=1)
    prof.disable()
    total = time.perf_counter() - t0
    stats = pstats.Stats(prof).stats
    own: dict[str, float] = {}
    for (file, _, func), (_, _, tottime, _, _) in stats.items():
        key = f"{Path(file).parent.name}/{Path(file).name}:{func}" if file != "~" else func
        if "/bp/" in file:
            key = f"bp.{Path(file).stem}.{func}"
        elif file == "~" or "numpy" in file:
            key = "NumPy calls seen by cProfile (np.sum, np.take, …)"
        else:
            key = "other Python"
        own[key] = own.get(key, 0.0) + tottime
    top = dict(sorted(own.items(), key=lambda kv: -kv[1]))
    batches = epochs * -(-X.shape[0] // cfg.batch)
    return {
        "config": cfg.name,
        "dtype": dtype,
        "step_seconds": total / batches,
        "self_seconds": {k: v / batches for k, v in top.items()},
    }


def gradient_forward(dtype: str, rounds: int) -> dict:
    """One gradient against one forward pass, one batch of the large configuration."""
    cfg = CONFIGS["large"]
    X, y = make_data(cfg, np.dtype(dtype))
    net = bp_network(cfg.sizes, np.dtype(dtype))
    Xb, yb = np.ascontiguousarray(X[: cfg.batch]), y[: cfg.batch]
    t = measure.time_interleaved(
        {"forward": lambda: net.forward(Xb), "gradient": lambda: net.backprop(Xb, yb)},
        repeat=max(5, 2 * rounds),
        clock="wall",
    )
    return {
        "dtype": dtype,
        "batch": cfg.batch,
        "median_seconds": {k: v.median for k, v in t.items()},
        "ratio": t["gradient"].median / t["forward"].median,
        "counted": opcount.gradient_macs(cfg.sizes, 1) / opcount.forward_macs(cfg.sizes, 1),
    }


def memory(dtype: str) -> dict:
    """Peak memory of one epoch of ``bp.train`` at the large configuration (tracemalloc),
    the parameters included, the training set (the caller's) not; the need: parameters,
    gradients and one batch's activations A^0 … A^L."""
    cfg = CONFIGS["large"]
    X, y = make_data(cfg, np.dtype(dtype))
    net = bp_network(cfg.sizes, np.dtype(dtype))
    gc.collect()
    _, peak = measure.peak_memory(
        lambda: bp.train(net, X, y, epochs=1, batch_size=cfg.batch, monitor=False)
    )
    item = np.dtype(dtype).itemsize
    params = net.n_parameters * item
    need = {
        "parameters": params,
        "gradients": params,
        "activations": cfg.batch * sum(cfg.sizes) * item,
    }
    return {
        "dtype": dtype,
        "peak_bytes": int(params + peak),
        "need_bytes": sum(need.values()),
        "need": need,
        "ratio": (params + peak) / sum(need.values()),
        "data_bytes": int(X.nbytes),
    }


def same_job(use_torch: bool) -> dict:
    """From the same weights, one unshuffled epoch of the small job in each library:
    the relative difference of the parameters afterwards to ``bp``'s (float64)."""
    import bare_loop

    cfg = CONFIGS["small"]
    X, y = make_data(cfg, np.float64)
    net = bp_network(cfg.sizes, np.float64)
    start = net.copy()
    bp.train(
        net,
        X,
        y,
        epochs=1,
        batch_size=cfg.batch,
        learning_rate=LEARNING_RATE,
        shuffle=False,
        monitor=False,
    )
    theta, L = net.get_params(), start.L
    W, b = [w.copy() for w in start.w[1:]], [v.copy() for v in start.b[1:]]
    bare_loop.epoch(W, b, X, np.eye(N_CLASSES)[y], cfg.batch, LEARNING_RATE, np.arange(len(X)))
    result = {"bare": bp.relative_error(theta, flat(W, b))}
    clf = sklearn_classifier(cfg, shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.partial_fit(X[: cfg.batch], y[: cfg.batch], classes=np.arange(N_CLASSES))
        for l in range(1, L + 1):  # restart from bp's initial weights
            clf.coefs_[l - 1][...] = start.w[l].T
            clf.intercepts_[l - 1][...] = start.b[l]
        clf.partial_fit(X, y)
    result["sklearn"] = bp.relative_error(theta, flat([c.T for c in clf.coefs_], clf.intercepts_))
    if use_torch:
        import torch

        model = torch_model(torch, cfg.sizes, torch.float64)
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        with torch.no_grad():
            for l, lin in enumerate(linears, start=1):
                lin.weight.copy_(torch.from_numpy(start.w[l]))
                lin.bias.copy_(torch.from_numpy(start.b[l]))
        opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.0)
        loss, Xt, yt = torch.nn.CrossEntropyLoss(), torch.from_numpy(X), torch.from_numpy(y)
        for i in range(0, X.shape[0], cfg.batch):
            opt.zero_grad(set_to_none=True)
            loss(model(Xt[i : i + cfg.batch]), yt[i : i + cfg.batch]).backward()
            opt.step()
        result["torch"] = bp.relative_error(
            theta,
            flat(
                [m.weight.detach().numpy() for m in linears],
                [m.bias.detach().numpy() for m in linears],
            ),
        )
    return result
