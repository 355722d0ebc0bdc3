"""The training benchmark of ``make bench``: bp against scikit-learn, PyTorch and the BLAS peak.

One training job — a fully connected network with logistic (sigmoid) hidden layers, a
softmax output and the log-likelihood (cross-entropy) cost, trained by plain mini-batch
SGD (learning rate 0.1, no momentum, no weight decay, reshuffled every epoch) — run
in one process by

* ``bp``: ``bp.train(net, X, y, epochs=1, monitor=False)``;
* scikit-learn: ``MLPClassifier(activation="logistic", solver="sgd", momentum=0,
  alpha=0, …).partial_fit(X, y)`` (one epoch per call);
* PyTorch on the CPU, if installed: ``nn.Sequential(Linear, Sigmoid, …, Linear)``,
  ``nn.CrossEntropyLoss``, ``optim.SGD`` and the usual loop over shuffled slices;
* and, as the physical limit, NumPy's ``@`` on two 2048 × 2048 matrices.

Each configuration runs in float64 and float32. After one warm-up epoch each, the
contenders are timed round after round (the order rotating: A B C D, B C D A, …) and
the median epoch is reported, so a machine whose speed drifts does not favour one of
them. ``run.py`` pins every BLAS and OpenMP pool to the same number of threads before
anything is imported.

Also measured: the exact flop count of an epoch (and so each contender's share of
the matrix-multiply peak), the gradient-time / forward-time ratio and the peak memory
of the large configuration, a check that the three libraries compute the same thing,
and a profile of one training step of ``bp`` (time in matrix products versus the rest).
"""

from __future__ import annotations

import gc
import importlib
import os
import platform
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import bp
from bp import measure, opcount

fast = importlib.import_module("bp.train")  # the module; ``bp.train`` is the function

LEARNING_RATE = 0.1
N_CLASSES = 10
PEAK_SIZE = 2048
PEAK_ROUNDS = 5
REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- configurations
@dataclass(frozen=True)
class Config:
    name: str
    sizes: tuple[int, ...]
    batch: int
    n_examples: int | None  # None: all 1,797 digits
    rounds: int
    quick_rounds: int

    @property
    def label(self) -> str:
        return f"{self.name} ({'-'.join(map(str, self.sizes))}, batch {self.batch})"


CONFIGS = (
    Config("small", (64, 30, 10), 10, None, rounds=15, quick_rounds=5),
    Config("medium-32", (784, 256, 256, 10), 32, 10_000, rounds=7, quick_rounds=3),
    Config("medium-256", (784, 256, 256, 10), 256, 10_000, rounds=7, quick_rounds=3),
    Config("large", (784, 1024, 1024, 10), 512, 20_000, rounds=5, quick_rounds=2),
)
LARGE = CONFIGS[-1]


def make_data(cfg: Config, dtype) -> tuple[np.ndarray, np.ndarray]:
    """The digits (small) or uniform random 'images' with random labels (medium, large)."""
    if cfg.n_examples is None:
        X, y = bp.data.load_digits()
        return np.ascontiguousarray(X, dtype=dtype), y.astype(np.int64)
    rng = np.random.default_rng(0)
    X = rng.random((cfg.n_examples, cfg.sizes[0]), dtype=np.dtype(dtype).type)
    return X, rng.integers(0, N_CLASSES, size=cfg.n_examples)


def epoch_flops(sizes, n: int, batch: int) -> int:
    """Exact floating-point operations of one epoch: forward, backward and update.

    Matrix products 2·(forward + backward MACs); bias additions and the BP3 sums,
    n·Σ_l n_l each; the update θ ← θ − η ∇C, 2 per parameter per batch. The
    activation functions and the cost (O(n·Σ n_l), transcendental) are not counted.
    """
    S = sum(sizes[1:])
    batches = -(-n // batch)
    return (
        2 * opcount.gradient_macs(sizes, n)
        + 2 * n * S
        + batches * 2 * opcount.n_parameters(sizes)
    )


def bp_network(sizes, dtype) -> bp.Network:
    L = len(sizes) - 1
    return bp.Network(
        list(sizes), ["sigmoid"] * (L - 1) + ["softmax"], "log_likelihood", seed=0, dtype=dtype
    )


# --------------------------------------------------------------------------- contenders
class Bp:
    name = "bp"

    def __init__(self, cfg: Config, X, y, dtype) -> None:
        self.net = bp_network(cfg.sizes, dtype)
        self.X, self.y, self.batch, self.seed = X, y, cfg.batch, 0

    def epoch(self) -> None:
        self.seed += 1  # a new shuffle every epoch, as in a longer run
        bp.train(self.net, self.X, self.y, epochs=1, batch_size=self.batch,
                 learning_rate=LEARNING_RATE, monitor=False, seed=self.seed)


def sklearn_classifier(cfg: Config, shuffle: bool = True):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=tuple(cfg.sizes[1:-1]), activation="logistic", solver="sgd",
        alpha=0.0, batch_size=cfg.batch, learning_rate="constant",
        learning_rate_init=LEARNING_RATE, momentum=0.0, nesterovs_momentum=False,
        shuffle=shuffle, random_state=0, max_iter=1,
    )


class Sklearn:
    name = "sklearn"

    def __init__(self, cfg: Config, X, y, dtype) -> None:
        self.clf = sklearn_classifier(cfg)
        self.X, self.y, self.classes = X, y, np.arange(N_CLASSES)

    def epoch(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.clf.partial_fit(self.X, self.y, classes=self.classes)


def torch_module():
    try:
        import torch
    except ImportError:
        return None
    return torch


def torch_model(sizes, dtype):
    torch = torch_module()
    torch.manual_seed(0)
    layers = []
    for l in range(1, len(sizes)):
        layers.append(torch.nn.Linear(sizes[l - 1], sizes[l], dtype=dtype))
        if l < len(sizes) - 1:
            layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


class Torch:
    name = "torch"

    def __init__(self, cfg: Config, X, y, dtype) -> None:
        torch = torch_module()
        tdtype = torch.float64 if np.dtype(dtype) == np.float64 else torch.float32
        self.model = torch_model(cfg.sizes, tdtype)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LEARNING_RATE, momentum=0.0)
        self.loss = torch.nn.CrossEntropyLoss()
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
        self.gen = torch.Generator().manual_seed(0)
        self.batch, self.torch = cfg.batch, torch

    def epoch(self) -> None:
        m = self.X.shape[0]
        perm = self.torch.randperm(m, generator=self.gen)
        X, y = self.X[perm], self.y[perm]
        for i in range(0, m, self.batch):
            self.opt.zero_grad(set_to_none=True)
            loss = self.loss(self.model(X[i : i + self.batch]), y[i : i + self.batch])
            loss.backward()
            self.opt.step()


class Peak:
    """NumPy ``@`` on two large square matrices: what the BLAS can do on this machine."""

    name = "peak"

    def __init__(self, n: int, dtype) -> None:
        rng = np.random.default_rng(1)
        self.A = rng.random((n, n)).astype(dtype)
        self.B = rng.random((n, n)).astype(dtype)
        self.C = np.empty((n, n), dtype)
        self.flops = 2 * n**3

    def epoch(self) -> None:
        np.matmul(self.A, self.B, out=self.C)


# --------------------------------------------------------------------------- timing
class Clock:
    """Seconds of the wall clock and of the processor (this process, all threads)."""

    @staticmethod
    def now() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()


def timed(f: Callable[[], object]) -> tuple[float, float]:
    gc.collect()
    gc.disable()
    try:
        w0, p0 = Clock.now()
        f()
        w1, p1 = Clock.now()
    finally:
        gc.enable()
    return w1 - w0, p1 - p0


def interleave(contenders: dict, rounds: int) -> dict:
    """Warm up every contender once, then time them round after round in rotating order."""
    names = list(contenders)
    for k in names:
        contenders[k].epoch()
    wall = {k: [] for k in names}
    cpu = {k: [] for k in names}
    for r in range(rounds):
        for k in names[r % len(names):] + names[: r % len(names)]:
            if r >= PEAK_ROUNDS and isinstance(contenders[k], Peak):
                continue  # the peak is stable: a few rounds suffice
            w, p = timed(contenders[k].epoch)
            wall[k].append(w)
            cpu[k].append(p)
    return {"wall": wall, "process": cpu}


def log(msg: str) -> None:
    print(msg, flush=True)


def run_config(cfg: Config, dtype, *, quick: bool, use_torch: bool, clock: str) -> dict:
    X, y = make_data(cfg, dtype)
    n = X.shape[0]
    contenders = {"bp": Bp(cfg, X, y, dtype), "sklearn": Sklearn(cfg, X, y, dtype)}
    if use_torch:
        contenders["torch"] = Torch(cfg, X, y, dtype)
    peak = Peak(PEAK_SIZE, dtype)
    contenders["peak"] = peak
    rounds = cfg.quick_rounds if quick else cfg.rounds
    t = interleave(contenders, rounds)
    flops = epoch_flops(cfg.sizes, n, cfg.batch)
    with opcount.counting() as counter:  # the closed form, checked on a real epoch
        contenders["bp"].epoch()
    assert counter.macs == opcount.gradient_macs(cfg.sizes, n), (counter.macs, cfg)
    med = {c: {k: float(np.median(v)) for k, v in t[c].items()} for c in t}
    peak_flops = peak.flops / med[clock]["peak"]
    out = {
        "config": cfg.name, "label": cfg.label, "sizes": list(cfg.sizes), "batch": cfg.batch,
        "n_examples": n, "dtype": np.dtype(dtype).name, "rounds": rounds,
        "flops_per_epoch": flops, "macs_per_epoch": counter.macs,
        "times": t, "median": med,
        "peak_gflops": peak_flops / 1e9,
        "gflops": {k: flops / med[clock][k] / 1e9 for k in contenders if k != "peak"},
        "share_of_peak": {k: flops / med[clock][k] / peak_flops for k in contenders if k != "peak"},
        "ratio": {k: med[clock]["bp"] / med[clock][k] for k in contenders if k not in ("bp", "peak")},
        "ratio_wall": {k: med["wall"]["bp"] / med["wall"][k] for k in contenders if k not in ("bp", "peak")},
        "paired_ratio": {
            k: float(np.median(np.array(t[clock]["bp"]) / np.array(t[clock][k])))
            for k in contenders if k not in ("bp", "peak")
        },
    }
    return out


# --------------------------------------------------------------------------- extras
def same_job_check() -> dict:
    """From the same weights, one unshuffled epoch of the small job in each library.

    If the three compute the same arithmetic, their parameters afterwards agree to
    rounding (float64): the benchmark compares like with like.
    """
    cfg = CONFIGS[0]
    X, y = make_data(cfg, np.float64)
    net = bp_network(cfg.sizes, np.float64)
    start = net.copy()
    bp.train(net, X, y, epochs=1, batch_size=cfg.batch, learning_rate=LEARNING_RATE,
             shuffle=False, monitor=False)
    theta = net.get_params()
    result = {}

    clf = sklearn_classifier(cfg, shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.partial_fit(X[: cfg.batch], y[: cfg.batch], classes=np.arange(N_CLASSES))
        for l in range(1, start.L + 1):  # restart from bp's initial weights
            clf.coefs_[l - 1][...] = start.w[l].T
            clf.intercepts_[l - 1][...] = start.b[l]
        clf.partial_fit(X, y)
    sk = np.concatenate([np.concatenate([W.T.ravel(), b]) for W, b in zip(clf.coefs_, clf.intercepts_)])
    result["sklearn"] = bp.relative_error(theta, sk)

    torch = torch_module()
    if torch is not None:
        model = torch_model(cfg.sizes, torch.float64)
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        with torch.no_grad():
            for l, lin in enumerate(linears, start=1):
                lin.weight.copy_(torch.from_numpy(start.w[l]))
                lin.bias.copy_(torch.from_numpy(start.b[l]))
        opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.0)
        loss = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        for i in range(0, X.shape[0], cfg.batch):
            opt.zero_grad(set_to_none=True)
            loss(model(Xt[i : i + cfg.batch]), yt[i : i + cfg.batch]).backward()
            opt.step()
        th = np.concatenate([
            np.concatenate([lin.weight.detach().numpy().ravel(), lin.bias.detach().numpy()])
            for lin in linears
        ])
        result["torch"] = bp.relative_error(theta, th)
    return result


def gradient_forward(dtype, *, quick: bool) -> dict:
    """Time of one gradient / time of one forward pass, large configuration, one batch.

    Both for the training path (``bp.train``'s work arrays) and for the book's
    ``Network._forward`` / ``Network._backprop``; interleaved, medians.
    """
    cfg = LARGE
    X, y = make_data(cfg, dtype)
    net = bp_network(cfg.sizes, dtype)
    Xb = np.ascontiguousarray(X[: cfg.batch])
    Yb = net._targets(y[: cfg.batch], cfg.batch)
    ws = fast._Workspace(net, cfg.batch)

    class F:
        def __init__(self, f):
            self.epoch = f

    funcs = {
        "forward (training path)": F(lambda: fast._forward_into(net, Xb, ws)),
        "gradient (training path)": F(lambda: fast._backprop_into(net, Xb, Yb, ws)),
        "forward (Network._forward)": F(lambda: net._forward(Xb)),
        "gradient (Network._backprop)": F(lambda: net._backprop(Xb, Yb)),
    }
    t = interleave(funcs, 5 if quick else 11)
    clock = "process"
    med = {k: float(np.median(v)) for k, v in t[clock].items()}
    counted = opcount.gradient_macs(cfg.sizes, 1) / opcount.forward_macs(cfg.sizes, 1)
    return {
        "dtype": np.dtype(dtype).name, "batch": cfg.batch, "median_seconds": med,
        "ratio": med["gradient (training path)"] / med["forward (training path)"],
        "ratio_book": med["gradient (Network._backprop)"] / med["forward (Network._forward)"],
        "counted": counted,
    }


def memory(dtype) -> dict:
    """Peak memory of one epoch of ``bp.train`` at the large configuration (tracemalloc).

    Counted: the parameters plus everything allocated during the call; not counted:
    the training set X and the labels, which the caller holds anyway. The theoretical
    need is the parameters, the gradients and one batch's activations A^0 … A^L.
    """
    cfg = LARGE
    X, y = make_data(cfg, dtype)
    net = bp_network(cfg.sizes, dtype)
    item = np.dtype(dtype).itemsize
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        bp.train(net, X, y, epochs=1, batch_size=cfg.batch, learning_rate=LEARNING_RATE,
                 monitor=False)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    P = net.n_parameters
    parameters = P * item
    need = {
        "parameters": parameters,
        "gradients": parameters,
        "activations": cfg.batch * sum(cfg.sizes) * item,
    }
    total = parameters + peak
    return {
        "dtype": np.dtype(dtype).name, "peak_bytes": int(total),
        "need_bytes": int(sum(need.values())), "need": need,
        "ratio": total / sum(need.values()),
        "data_bytes": int(X.nbytes),
    }


def profile_step(cfg: Config, dtype, examples: int = 4096, repeat: int = 3,
                 clock=time.process_time) -> dict:
    """Where one training step of ``bp.train`` spends its time.

    The functions the step calls are wrapped with timers: the matrix products
    (``bp.opcount.matmul``), σ (forward), σ′ (backward), the output error δ^L (BP1),
    the update and the gathering of a shuffled batch. The rest of the step —
    bias additions, the BP3 sums, the 1/m and δ ⊙ σ′ products, Python — is the
    difference between the step's time and the sum of those parts.
    """
    X, y = make_data(cfg, dtype)
    n = min(X.shape[0], max(examples, 8 * cfg.batch))
    X, y = X[:n], y[:n]
    net = bp_network(cfg.sizes, dtype)
    parts = {"matrix products": 0.0, "σ (forward)": 0.0, "σ′ (backward)": 0.0,
             "output error (BP1)": 0.0, "update": 0.0, "gather batch": 0.0}
    originals = {
        "matmul": opcount.matmul, "_activate": fast._activate, "_derivative": fast._derivative,
        "_update": fast._update, "_gather": fast._gather,
    }

    def wrap(f, part):
        def timed_call(*args, **kwargs):
            t0 = clock()
            try:
                return f(*args, **kwargs)
            finally:
                parts[part] += clock() - t0
        return timed_call

    output_error = net.cost.output_error
    best = None
    try:
        opcount.matmul = wrap(originals["matmul"], "matrix products")
        fast._activate = wrap(originals["_activate"], "σ (forward)")
        fast._derivative = wrap(originals["_derivative"], "σ′ (backward)")
        fast._update = wrap(originals["_update"], "update")
        fast._gather = wrap(originals["_gather"], "gather batch")
        net.cost.output_error = wrap(output_error, "output error (BP1)")
        bp.train(net, X, y, epochs=1, batch_size=cfg.batch, monitor=False)  # warm-up
        for r in range(repeat):
            for k in parts:
                parts[k] = 0.0
            t0 = clock()
            bp.train(net, X, y, epochs=1, batch_size=cfg.batch, monitor=False, seed=r)
            total = clock() - t0
            if best is None or total < best[0]:
                best = (total, dict(parts))
    finally:
        opcount.matmul = originals["matmul"]
        fast._activate = originals["_activate"]
        fast._derivative = originals["_derivative"]
        fast._update = originals["_update"]
        fast._gather = originals["_gather"]
        del net.cost.output_error
    total, got = best
    batches = -(-n // cfg.batch)
    got["other (bias, BP3 sums, ⊙, checks, Python)"] = max(0.0, total - sum(got.values()))
    return {
        "config": cfg.name, "dtype": np.dtype(dtype).name, "step_seconds": total / batches,
        "shares": {k: v / total for k, v in got.items()},
    }


# --------------------------------------------------------------------------- machine
def machine(threads: int) -> dict:
    info = measure.machine_summary()
    from threadpoolctl import threadpool_info

    import sklearn

    torch = torch_module()
    info.update({
        "scikit-learn": sklearn.__version__,
        "torch": torch.__version__ if torch is not None else None,
        "torch_blas": _torch_blas(torch),
        "threads": threads,
        "numpy_blas": _numpy_blas(),
        "threadpools": [
            {k: d.get(k) for k in ("user_api", "internal_api", "version", "num_threads",
                                   "architecture", "filepath")}
            for d in threadpool_info()
        ],
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
        if hasattr(os, "sysconf") else None,
        "platform": platform.platform(),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "bp_modified": bool(_git("status", "--porcelain", "bp")),
    })
    return info


def _numpy_blas() -> str:
    """The BLAS library NumPy itself calls, as threadpoolctl sees it."""
    from threadpoolctl import threadpool_info

    for d in threadpool_info():
        if d.get("user_api") == "blas" and "numpy" in (d.get("filepath") or ""):
            return f"{d.get('internal_api')} {d.get('version')} ({d.get('architecture')} kernels)"
    return measure.machine_summary().get("blas", "unknown")


def _torch_blas(torch) -> str | None:
    if torch is None:
        return None
    cfg = torch.__config__.show()
    for line in cfg.splitlines():
        if "BLAS_INFO" in line:
            return line.split("BLAS_INFO=")[1].split(",")[0]
    return None


def _git(*args) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# --------------------------------------------------------------------------- targets
def targets(result: dict) -> list[dict]:
    """The targets of issue #6, each with its measured value."""
    out = []
    for c in result["configs"]:
        tag = f"{c['config']} {c['dtype']}"
        out.append({"target": f"bp/sklearn ≤ 1.0, {tag}", "value": c["ratio"]["sklearn"],
                    "limit": 1.0})
        if "torch" in c["ratio"]:
            limit = 1.2 if c["config"] == "large" else 1.0
            out.append({"target": f"bp/torch ≤ {limit}, {tag}", "value": c["ratio"]["torch"],
                        "limit": limit})
        if c["config"] == "large":
            out.append({"target": f"share of matmul peak ≥ 60%, {tag}",
                        "value": c["share_of_peak"]["bp"], "limit": 0.6, "at_least": True})
    for g in result.get("gradient_forward", []):
        out.append({"target": f"gradient/forward ≤ 3.2, large {g['dtype']}",
                    "value": g["ratio"], "limit": 3.2})
    for mem in result.get("memory", []):
        out.append({"target": f"peak memory ≤ 1.5 × need, large {mem['dtype']}",
                    "value": mem["ratio"], "limit": 1.5})
    for t in out:
        t["met"] = bool(t["value"] >= t["limit"] if t.get("at_least") else t["value"] <= t["limit"])
    return out


# --------------------------------------------------------------------------- driver
def run(*, quick: bool, threads: int, configs: list[str], dtypes: list[str],
        use_torch: bool, extras: bool) -> dict:
    torch = torch_module() if use_torch else None
    if use_torch and torch is None:
        log("PyTorch is not installed: skipped (install torch into .venv to compare with it)")
    if torch is not None:
        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
    import sklearn.neural_network  # noqa: F401  (load its libraries before limiting them)
    from threadpoolctl import threadpool_limits

    limiter = threadpool_limits(limits=threads)  # every BLAS and OpenMP pool in the process
    clock = "process" if threads == 1 else "wall"
    started = time.perf_counter()
    result: dict = {
        "benchmark": "training",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "quick": quick,
        "clock": clock,
        "learning_rate": LEARNING_RATE,
        "peak_size": PEAK_SIZE,
        "pinning": (
            f"{threads} thread(s) for every contender: OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, "
            "MKL_NUM_THREADS (and BLIS/VECLIB/NUMEXPR) set before NumPy is imported, "
            f"threadpoolctl.threadpool_limits({threads}) on every BLAS and OpenMP library "
            f"loaded, torch.set_num_threads({threads})"
        ),
        "machine": machine(threads),
        "load_average_at_start": list(os.getloadavg()),
        "configs": [],
    }
    log(f"machine: {result['machine']['cpu']}, {result['machine']['cores']} cores; "
        f"NumPy {result['machine']['numpy']}, scikit-learn {result['machine']['scikit-learn']}, "
        f"PyTorch {result['machine']['torch'] or 'not installed'}")
    log(f"NumPy's BLAS: {result['machine']['numpy_blas']}; all thread pools loaded:")
    for pool in result["machine"]["threadpools"]:
        log(f"  {pool['user_api']:7s} {pool['internal_api']:9s} {pool['version'] or '':12s} "
            f"threads={pool['num_threads']}  {Path(pool['filepath']).name}")
    log(f"threads: {result['pinning']}")
    log(f"clock: {'processor time of this process' if clock == 'process' else 'wall clock'}; "
        "medians over interleaved rounds")
    for cfg in CONFIGS:
        if cfg.name not in configs:
            continue
        for dt in dtypes:
            t0 = time.perf_counter()
            c = run_config(cfg, np.dtype(dt), quick=quick, use_torch=torch is not None, clock=clock)
            result["configs"].append(c)
            peers = ", ".join(f"bp/{k} {v:.2f}" for k, v in c["ratio"].items())
            log(f"  {cfg.name:10s} {dt}: bp {c['median'][clock]['bp']:.4g} s/epoch, {peers}, "
                f"{c['share_of_peak']['bp']:.0%} of peak ({time.perf_counter() - t0:.0f} s)")
    if extras:
        log("same arithmetic in the three libraries ...")
        result["same_job"] = same_job_check()
        if LARGE.name in configs:
            log("gradient / forward time, large ...")
            result["gradient_forward"] = [gradient_forward(np.dtype(d), quick=quick) for d in dtypes]
            log("peak memory, large ...")
            result["memory"] = [memory(np.dtype(d)) for d in dtypes]
        log("profile of one training step ...")
        result["profile"] = [
            profile_step(cfg, np.dtype(d), clock=time.process_time if clock == "process" else time.perf_counter)
            for cfg in CONFIGS if cfg.name in ("medium-32", "large") and cfg.name in configs
            for d in dtypes
        ]
    result["targets"] = targets(result)
    result["load_average_at_end"] = list(os.getloadavg())
    result["seconds"] = time.perf_counter() - started
    limiter.restore_original_limits()
    return result


# --------------------------------------------------------------------------- report
def table(result: dict) -> str:
    clock = result["clock"]
    has_torch = any("torch" in c["median"][clock] for c in result["configs"])
    head = ["configuration", "dtype", "bp s", "sklearn s"] + (["torch s"] if has_torch else [])
    head += ["bp/sklearn"] + (["bp/torch"] if has_torch else []) + ["bp GFLOP/s", "peak GFLOP/s", "bp % peak"]
    rows = []
    for c in result["configs"]:
        med = c["median"][clock]
        row = [c["config"], c["dtype"], f"{med['bp']:.4f}", f"{med['sklearn']:.4f}"]
        if has_torch:
            row.append(f"{med['torch']:.4f}" if "torch" in med else "-")
        row.append(f"{c['ratio']['sklearn']:.2f}")
        if has_torch:
            row.append(f"{c['ratio']['torch']:.2f}" if "torch" in c["ratio"] else "-")
        row += [f"{c['gflops']['bp']:.1f}", f"{c['peak_gflops']:.1f}", f"{c['share_of_peak']['bp']:.0%}"]
        rows.append(row)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    fmt = lambda r: "  ".join(s.rjust(w) if i > 1 else s.ljust(w) for i, (s, w) in enumerate(zip(r, widths)))  # noqa: E731
    clock_name = "processor" if clock == "process" else "wall-clock"
    lines = [
        f"Seconds per epoch ({clock_name} time, median of interleaved rounds, "
        f"{result['machine']['threads']} thread(s)); ratio = bp's time / the peer's (< 1: bp faster)",
        fmt(head), fmt(["-" * w for w in widths]), *map(fmt, rows),
    ]
    for g in result.get("gradient_forward", []):
        lines.append(
            f"gradient/forward time, large {g['dtype']}: {g['ratio']:.2f} in training "
            f"({g['ratio_book']:.2f} for Network._backprop/_forward; multiply-adds: {g['counted']:.2f})"
        )
    for m in result.get("memory", []):
        lines.append(
            f"peak memory, large {m['dtype']}: {m['peak_bytes'] / 2**20:.1f} MiB, "
            f"{m['ratio']:.2f} × the need of {m['need_bytes'] / 2**20:.1f} MiB "
            f"(parameters + gradients + one batch's activations)"
        )
    if "same_job" in result:
        lines.append("same arithmetic: relative difference of the parameters after one epoch from "
                     "the same weights: " + ", ".join(f"{k} {v:.1e}" for k, v in result["same_job"].items()))
    for p in result.get("profile", []):
        shares = ", ".join(f"{k} {v:.0%}" for k, v in p["shares"].items())
        lines.append(f"profile {p['config']} {p['dtype']} ({p['step_seconds'] * 1e3:.2f} ms/step): {shares}")
    lines.append("targets:")
    for t in result["targets"]:
        mark = "met   " if t["met"] else "MISSED"
        value = f"{t['value']:.0%}" if t.get("at_least") else f"{t['value']:.2f}"
        lines.append(f"  {mark} {t['target']}: {value}")
    return "\n".join(lines)


COLORS = {"bp": "#1f77b4", "sklearn": "#ff7f0e", "torch": "#2ca02c"}


def plot(result: dict, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    clock = result["clock"]
    cs = result["configs"]
    labels = [f"{c['config']}\n{c['dtype']}" for c in cs]
    x = np.arange(len(cs))
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 7.5), facecolor="white")
    peers = [k for k in ("sklearn", "torch") if any(k in c["ratio"] for c in cs)]
    wbar = 0.8 / max(1, len(peers))
    for i, k in enumerate(peers):
        vals = [c["ratio"].get(k, np.nan) for c in cs]
        ax1.bar(x + (i - (len(peers) - 1) / 2) * wbar, vals, wbar, label=f"bp / {k}",
                color=COLORS[k])
    ax1.axhline(1.0, color="black", lw=1)
    ax1.set_ylim(0, 1.1 * max(1.0, *(v for c in cs for v in c["ratio"].values())))
    ax1.set_xticks(x, labels, fontsize=9)
    ax1.set_ylabel("bp's time / peer's time")
    ax1.set_title("Time per epoch, same job (below 1: bp faster)")
    ax1.legend(loc="upper left", framealpha=0.9)
    contenders = ["bp"] + peers
    wbar = 0.8 / len(contenders)
    for i, k in enumerate(contenders):
        vals = [100 * c["share_of_peak"].get(k, np.nan) for c in cs]
        ax2.bar(x + (i - (len(contenders) - 1) / 2) * wbar, vals, wbar, label=k, color=COLORS[k])
    ax2.axhline(60, color="black", lw=1, ls="--")
    ax2.set_xticks(x, labels, fontsize=9)
    ax2.set_ylabel("achieved share of the matmul peak (%)")
    ax2.set_title(f"GFLOP/s over NumPy @ on {result['peak_size']}² matrices")
    ax2.legend(loc="upper left", framealpha=0.9)
    fig.suptitle(f"{result['machine']['cpu']}, {result['machine']['threads']} thread(s), "
                 f"{'processor' if clock == 'process' else 'wall-clock'} time, {result['date']}",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110, facecolor="white")
    plt.close(fig)
    return True
