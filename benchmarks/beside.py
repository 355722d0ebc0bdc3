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


class TwoSidedSigmoid(bp.activations.Sigmoid):
    """The sigmoid as bp computed it before: e^(min(z, 0)) / (1 + e^(−|z|)) everywhere."""

    def value(self, z, out=None, work=None):
        out = np.minimum(z, 0, out=out)
        np.exp(out, out=out)
        work = np.abs(z, out=work)
        np.exp(np.negative(work, out=work), out=work)
        work += 1
        out /= work
        return out


def ablation(cfg, dtype: str, rounds: int) -> dict:
    """``bp.train`` with each speed-up of its fast path undone in turn, interleaved.

    Undone through public settings only: ``bp.sgd.GATHER_ROWS = 0`` (each shuffled
    mini-batch gathered on its own) and a network whose hidden layers use the two-sided
    sigmoid (above).
    """
    from bp import sgd

    X, y = make_data(cfg, np.dtype(dtype))
    L = len(cfg.sizes) - 1
    rows = sgd.GATHER_ROWS
    variants = {  # name: (gather rows, hidden activation)
        "bp.train": (rows, "sigmoid"),
        "gather per mini-batch": (0, "sigmoid"),
        "two-sided σ": (rows, TwoSidedSigmoid()),
    }
    nets = {
        k: bp.Network(
            list(cfg.sizes),
            [v[1]] * (L - 1) + ["softmax"],
            "log_likelihood",
            seed=0,
            dtype=np.dtype(dtype),
        )
        for k, v in variants.items()
    }
    t0 = time.perf_counter()
    bp.train(nets["bp.train"], X, y, epochs=1, batch_size=cfg.batch, monitor=False)
    epochs = max(1, round(0.25 / (time.perf_counter() - t0)))

    def call(name: str) -> None:
        sgd.GATHER_ROWS = variants[name][0]
        bp.train(nets[name], X, y, epochs=epochs, batch_size=cfg.batch, monitor=False)

    try:
        t = measure.time_interleaved(
            {k: (lambda k=k: call(k)) for k in variants}, repeat=rounds, clock="wall"
        )
    finally:
        sgd.GATHER_ROWS = rows
    med = {k: v.median / epochs for k, v in t.items()}
    return {
        "config": cfg.name,
        "dtype": dtype,
        "seconds": med,
        "factor": {k: v / med["bp.train"] for k, v in med.items()},
    }


def row_blocks(dtype: str, rounds: int) -> dict:
    """σ of a 512 × 1024 batch on one thread, and in two row blocks on two threads.

    NumPy's elementwise functions run on one core but release the interpreter lock, so
    two threads can each take half of the rows. Timed alone, and right after a matrix
    product of the large configuration's first layer on the BLAS's threads (as inside a
    training step, where the BLAS's threads may still be waiting for work).
    """
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(0)
    t = np.dtype(dtype).type
    z = rng.standard_normal((512, 1024), dtype=t)
    A, W = rng.random((512, 784), dtype=t), rng.random((1024, 784), dtype=t)
    out, prod = np.empty_like(z), np.empty((512, 1024), t)
    sigmoid = bp.activations.sigmoid
    pool = ThreadPoolExecutor(1)

    def two_blocks() -> None:
        half = pool.submit(sigmoid, z[256:], out[256:])
        sigmoid(z[:256], out[:256])
        half.result()

    def after_product(f):
        return lambda: (np.matmul(A, W.T, out=prod), f())

    funcs = {
        "one thread": lambda: sigmoid(z, out),
        "two row blocks": two_blocks,
        "product, then one thread": after_product(lambda: sigmoid(z, out)),
        "product, then two row blocks": after_product(two_blocks),
        "product alone": lambda: np.matmul(A, W.T, out=prod),
    }
    res = measure.time_interleaved(funcs, repeat=max(5, rounds), number=20, clock="wall")
    pool.shutdown()
    med = {k: v.median for k, v in res.items()}
    return {
        "dtype": dtype,
        "seconds": med,
        "alone": med["one thread"] / med["two row blocks"],
        "after_product": (med["product, then one thread"] - med["product alone"])
        / (med["product, then two row blocks"] - med["product alone"]),
    }
