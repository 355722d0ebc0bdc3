"""The contenders of the training benchmark, and the worker process each runs in.

The job (every contender): a fully connected network, sigmoid hidden layers, a softmax
output, the log-likelihood cost (cross-entropy), plain mini-batch SGD (η = 0.1, no
momentum, no weight decay), the training set reshuffled every epoch.

* ``bp``: ``bp.train(net, X, y, epochs=1, monitor=False)``;
* ``bare``: the same arithmetic as a bare NumPy loop (``bare_loop.py``), the floor;
* ``sklearn``: ``MLPClassifier(activation="logistic", solver="sgd", …).partial_fit``;
* ``torch``: ``nn.Sequential`` of ``Linear`` and ``Sigmoid``, ``CrossEntropyLoss``,
  ``optim.SGD``, the usual loop over slices of a shuffled copy (if PyTorch is installed);
* ``products``: the matrix products of the step alone (forward, BP2, BP4), replayed on
  arrays of the step's shapes: the limit for this arithmetic with NumPy's BLAS;
* ``peak``: NumPy's ``@`` on two 2048 × 2048 matrices.

Isolation: ``training.py`` starts each contender in **its own process** (``python
contenders.py NAME THREADS``), so no contender runs beside another's thread pools,
allocator state or spinning OpenMP threads; each library keeps its default wait policy,
as for a user. The process pins its thread pools (the environment, ``threadpoolctl``,
``torch.set_num_threads``) and then answers one JSON line per request on stdin.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from dataclasses import dataclass

import numpy as np

LEARNING_RATE = 0.1
N_CLASSES = 10
PEAK_SIZE = 2048


@dataclass(frozen=True)
class Config:
    name: str
    sizes: tuple[int, ...]
    batch: int
    n_examples: int | None  # None: the 1,797 digits

    @property
    def label(self) -> str:
        return f"{'-'.join(map(str, self.sizes))}, batch {self.batch}"


CONFIGS = {
    c.name: c
    for c in (
        Config("small", (64, 30, 10), 10, None),
        Config("medium-32", (784, 256, 256, 10), 32, 10_000),
        Config("medium-256", (784, 256, 256, 10), 256, 10_000),
        Config("large", (784, 1024, 1024, 10), 512, 10_240),
        Config("deep", (64, *[64] * 10, 10), 32, None),
        Config("wide-1", (3072, 100, 10), 1, 300),
        Config("wide-hidden", (64, 2048, 10), 256, None),
    )
}


def make_data(cfg: Config, dtype) -> tuple[np.ndarray, np.ndarray]:
    """The digits (``n_examples`` None) or uniform random inputs with random labels."""
    import bp

    if cfg.n_examples is None:
        X, y = bp.data.load_digits()
        return np.ascontiguousarray(X, dtype=dtype), y.astype(np.int64)
    rng = np.random.default_rng(0)
    X = rng.random((cfg.n_examples, cfg.sizes[0]), dtype=np.dtype(dtype).type)
    return X, rng.integers(0, N_CLASSES, size=cfg.n_examples)


def bp_network(sizes, dtype):
    import bp

    L = len(sizes) - 1
    return bp.Network(
        list(sizes), ["sigmoid"] * (L - 1) + ["softmax"], "log_likelihood", seed=0, dtype=dtype
    )


class Bp:
    def __init__(self, cfg: Config, dtype) -> None:
        self.X, self.y = make_data(cfg, dtype)
        self.net, self.batch, self.seed = bp_network(cfg.sizes, dtype), cfg.batch, 0

    def epoch(self) -> None:
        import bp

        self.seed += 1  # a new shuffle every epoch, as in a longer run
        bp.train(
            self.net,
            self.X,
            self.y,
            epochs=1,
            batch_size=self.batch,
            learning_rate=LEARNING_RATE,
            monitor=False,
            seed=self.seed,
        )


class Bare:
    def __init__(self, cfg: Config, dtype) -> None:
        import bare_loop

        X, y = make_data(cfg, dtype)
        net = bp_network(cfg.sizes, dtype)
        self.W, self.b = [w.copy() for w in net.w[1:]], [b.copy() for b in net.b[1:]]
        self.X, self.Y = X, np.eye(N_CLASSES, dtype=dtype)[y]
        self.batch, self.seed, self.run = cfg.batch, 0, bare_loop.epoch

    def epoch(self) -> None:
        self.seed += 1
        perm = np.random.default_rng(self.seed).permutation(self.X.shape[0])
        self.run(self.W, self.b, self.X, self.Y, self.batch, LEARNING_RATE, perm)


def sklearn_classifier(cfg: Config, shuffle: bool = True):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=tuple(cfg.sizes[1:-1]),
        activation="logistic",
        solver="sgd",
        alpha=0.0,
        batch_size=cfg.batch,
        learning_rate="constant",
        learning_rate_init=LEARNING_RATE,
        momentum=0.0,
        nesterovs_momentum=False,
        shuffle=shuffle,
        random_state=0,
        max_iter=1,
    )


class Sklearn:
    def __init__(self, cfg: Config, dtype) -> None:
        self.X, self.y = make_data(cfg, dtype)
        self.clf, self.classes = sklearn_classifier(cfg), np.arange(N_CLASSES)

    def epoch(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.clf.partial_fit(self.X, self.y, classes=self.classes)


def torch_model(torch, sizes, dtype):
    torch.manual_seed(0)
    layers = []
    for l in range(1, len(sizes)):
        layers.append(torch.nn.Linear(sizes[l - 1], sizes[l], dtype=dtype))
        if l < len(sizes) - 1:
            layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


class Torch:
    def __init__(self, cfg: Config, dtype) -> None:
        import torch

        X, y = make_data(cfg, dtype)
        tdtype = torch.float64 if np.dtype(dtype) == np.float64 else torch.float32
        self.model = torch_model(torch, cfg.sizes, tdtype)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LEARNING_RATE, momentum=0.0)
        self.loss = torch.nn.CrossEntropyLoss()
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y)
        self.gen = torch.Generator().manual_seed(0)
        self.batch, self.torch = cfg.batch, torch

    def epoch(self) -> None:
        n = self.X.shape[0]
        perm = self.torch.randperm(n, generator=self.gen)
        X, y = self.X[perm], self.y[perm]
        for i in range(0, n, self.batch):
            self.opt.zero_grad(set_to_none=True)
            self.loss(self.model(X[i : i + self.batch]), y[i : i + self.batch]).backward()
            self.opt.step()


def step_products(sizes, m: int, dtype):
    """The matrix products of one SGD step on a batch of m, as (A, B, out) triples.

    Forward Z^l = A^{l−1} (w^l)ᵀ for l = 1 … L; backward δ^{l−1}-products δ^l w^l for
    l = L … 2 (BP2) and ∂C/∂w^l = (δ^l)ᵀ A^{l−1} for l = L … 1 (BP4).
    """
    rng, t = np.random.default_rng(1), np.dtype(dtype).type
    L = len(sizes) - 1
    A = [rng.random((m, n), dtype=t) for n in sizes]  # A^l, and δ^l of the same shape
    W = [None] + [rng.random((sizes[l], sizes[l - 1]), dtype=t) for l in range(1, L + 1)]
    out = []
    for l in range(1, L + 1):
        out.append((A[l - 1], W[l].T, np.empty((m, sizes[l]), t)))
    for l in range(L, 0, -1):
        if l > 1:
            out.append((A[l], W[l], np.empty((m, sizes[l - 1]), t)))
        out.append((A[l].T, A[l - 1], np.empty((sizes[l], sizes[l - 1]), t)))
    return out


class Products:
    """The step's matrix products alone, for every batch of an epoch (the last may be short)."""

    def __init__(self, cfg: Config, dtype) -> None:
        n = make_data(cfg, dtype)[0].shape[0]
        full, last = divmod(n, cfg.batch)
        self.steps = [(step_products(cfg.sizes, cfg.batch, dtype), full)]
        if last:
            self.steps.append((step_products(cfg.sizes, last, dtype), 1))

    def epoch(self) -> None:
        for products, times in self.steps:
            for _ in range(times):
                for a, b, out in products:
                    np.matmul(a, b, out=out)


class Peak:
    def __init__(self, cfg: Config | None, dtype) -> None:
        rng = np.random.default_rng(1)
        self.A, self.B = (rng.random((PEAK_SIZE, PEAK_SIZE)).astype(dtype) for _ in "AB")
        self.C = np.empty_like(self.A)

    def epoch(self) -> None:
        np.matmul(self.A, self.B, out=self.C)


CONTENDERS = {
    "bp": Bp,
    "bare": Bare,
    "sklearn": Sklearn,
    "torch": Torch,
    "products": Products,
    "peak": Peak,
}
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def pinned_environment(threads: int) -> dict[str, str]:
    """The environment of a worker: every BLAS and OpenMP pool set to ``threads``."""
    return {**os.environ, **{v: str(threads) for v in THREAD_VARIABLES}}


def pin(name: str, threads: int) -> dict:
    """Pin the pools loaded by contender ``name`` to ``threads``; what each pool now uses."""
    from threadpoolctl import threadpool_info, threadpool_limits

    info: dict = {}
    if name == "sklearn":
        import sklearn.neural_network  # noqa: F401  (load its libraries before limiting them)
    if name == "torch":
        import torch

        torch.set_num_threads(threads)
        info["torch"] = {
            "version": torch.__version__,
            "num_threads": torch.get_num_threads(),
            "blas": torch_blas(torch),
        }
    globals()["_limits"] = threadpool_limits(limits=threads)  # kept for the process's life
    info["pools"] = [
        {
            k: d.get(k)
            for k in (
                "user_api",
                "internal_api",
                "version",
                "num_threads",
                "architecture",
                "filepath",
            )
        }
        for d in threadpool_info()
    ]
    return info


def torch_blas(torch) -> str | None:
    for line in torch.__config__.show().splitlines():
        if "BLAS_INFO=" in line:
            return line.split("BLAS_INFO=")[1].split(",")[0]
    return None


def serve(name: str, threads: int) -> None:
    """The worker: one JSON request per line on stdin, one JSON reply per line."""
    reply_to, sys.stdout = sys.stdout, sys.stderr  # stray prints must not break the protocol
    info = pin(name, threads)
    contender = None

    def reply(**kw) -> None:
        reply_to.write(json.dumps(kw) + "\n")
        reply_to.flush()

    reply(ready=True, **info)
    for line in sys.stdin:
        req = json.loads(line)
        if req["cmd"] == "setup":
            cfg = CONFIGS.get(req["config"])
            contender = CONTENDERS[name](cfg, np.dtype(req["dtype"]))
            reply(ok=True)
        elif req["cmd"] == "run":
            for _ in range(req["epochs"]):
                contender.epoch()
            reply(ok=True)
        elif req["cmd"] == "quit":
            return


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    serve(sys.argv[1], int(sys.argv[2]))
