"""The training benchmark of ``make bench``: bp against a bare NumPy loop, scikit-learn,
PyTorch, the step's matrix products alone and the BLAS peak.

The contenders and the job are described in ``contenders.py``. For each thread count
(the machine's full count first, then 1) and each configuration and precision:

* every contender runs in **its own worker process**, pinned to the same number of
  threads, and does one warm-up epoch, which also sets how many epochs one timed call
  runs (so that a call lasts about ``CALL_SECONDS`` and the round trip to the worker,
  tens of microseconds, is negligible);
* ``bp.measure.time_interleaved`` then times the calls round after round (wall clock),
  the order reversed every other round; reported are the median seconds per epoch, the
  quartiles, and the medians of the rounds in each order: with PyTorch listed first,
  ``bp`` follows PyTorch in the listed rounds and not in the reversed ones, so a
  contender that disturbs the next shows as a difference between the two.

Also: the exact flop count of an epoch (so each contender's share of the matrix-multiply
peak), a profile of ``bp.train`` at the large configuration (its step against the step's
matrix products alone, and ``cProfile``'s self time per function), the gradient / forward
time ratio, the peak memory of an epoch, a check that the libraries compute the same
thing, and the targets, each with pass or fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import beside
import numpy as np
from contenders import (
    CONFIGS,
    LEARNING_RATE,
    PEAK_SIZE,
    make_data,
    pinned_environment,
)

from bp import measure, opcount

HERE = Path(__file__).resolve().parent
ORDER = ("torch", "bp", "bare", "sklearn", "products")  # bp follows torch when listed
CALL_SECONDS = 0.25
# Untimed wait before each contender's turn: the previous contender's BLAS/OpenMP threads
# spin for up to about 0.2 s after its call (on the same cores, from its own process).
PAUSE_SECONDS = 0.25
ROUNDS = {"full": 6, "one": 4, "quick": 2}  # rounds at the full thread count, at 1, --quick
OLD_CONFIGS = ("small", "medium-32", "medium-256", "large")  # the targets of the 1-thread table


def log(msg: str) -> None:
    print(msg, flush=True)


class Worker:
    """A contender in its own process (``contenders.py NAME THREADS``), driven by JSON lines."""

    def __init__(self, name: str, threads: int) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "contenders.py"), name, str(threads)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            env=pinned_environment(threads),
        )
        self.info = self.ask(None)

    def ask(self, request: dict | None) -> dict:
        if request is not None:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} worker stopped (its error is printed above)")
        return json.loads(line)

    def setup(self, config: str | None, dtype: str) -> None:
        self.ask({"cmd": "setup", "config": config, "dtype": dtype})

    def run(self, epochs: int = 1) -> None:
        self.ask({"cmd": "run", "epochs": epochs})

    def close(self) -> None:
        self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def epoch_flops(sizes, n: int, batch: int) -> int:
    """Exact flops of one epoch: the products 2·(forward + backward multiply-adds), the bias
    additions and BP3 sums n·Σ n_l each, the update 2 per parameter per batch (σ and the
    cost, transcendental, are not counted)."""
    return (
        2 * opcount.gradient_macs(sizes, n)
        + 2 * n * sum(sizes[1:])
        + -(-n // batch) * 2 * opcount.n_parameters(sizes)
    )


def peak_gflops(worker: Worker, dtype: str, rounds: int) -> float:
    worker.setup(None, dtype)
    worker.run(1)
    t = measure.time_interleaved({"peak": worker.run}, repeat=max(3, rounds), clock="wall")
    return 2 * PEAK_SIZE**3 / t["peak"].median / 1e9


def run_config(cfg, dtype: str, workers: dict, rounds: int, peak: float, quick: bool) -> dict:
    per_call = {}
    for k, w in workers.items():
        w.setup(cfg.name, dtype)
        t0 = time.perf_counter()
        w.run(1)  # warm-up, and how long an epoch lasts
        per_call[k] = max(
            1, round((CALL_SECONDS / (2 if quick else 1)) / (time.perf_counter() - t0))
        )
    calls = {k: (lambda w=w, n=per_call[k]: w.run(n)) for k, w in workers.items()}
    t = measure.time_interleaved(calls, repeat=rounds, clock="wall", pause=PAUSE_SECONDS)
    n = make_data(cfg, np.float32)[0].shape[0]
    flops = epoch_flops(cfg.sizes, n, cfg.batch)
    epoch = {k: measure.Timing(t[k].times / per_call[k]) for k in workers}
    med = {k: v.median for k, v in epoch.items()}
    return {
        "config": cfg.name,
        "label": cfg.label,
        "sizes": list(cfg.sizes),
        "batch": cfg.batch,
        "n_examples": n,
        "dtype": dtype,
        "rounds": rounds,
        "epochs_per_call": per_call,
        "flops_per_epoch": flops,
        "times": {k: v.times.tolist() for k, v in epoch.items()},
        "median": med,
        "spread": {k: list(v.spread) for k, v in epoch.items()},
        "by_order": {k: list(v.median_by_order()) for k, v in epoch.items()},
        "peak_gflops": peak,
        "gflops": {k: flops / med[k] / 1e9 for k in med},
        "share_of_peak": {k: flops / med[k] / 1e9 / peak for k in med},
        "ratio": {k: med["bp"] / med[k] for k in med if k != "bp"},
    }


def run_table(
    threads: int, configs: list[str], dtypes: list[str], names: list[str], rounds: int, quick: bool
) -> dict:
    log(f"\n== {threads} thread(s): starting one worker process per contender")
    workers = {k: Worker(k, threads) for k in names}
    peak_worker = Worker("peak", threads)
    seen = {k: w.info for k, w in workers.items()}
    for k, info in seen.items():
        pools = ", ".join(
            f"{p['internal_api']} {p['version']}: {p['num_threads']}" for p in info["pools"]
        )
        extra = (
            f"; torch.get_num_threads() = {info['torch']['num_threads']}" if "torch" in info else ""
        )
        log(f"  {k:9s} threads per pool: {pools}{extra}")
    peaks = {dt: peak_gflops(peak_worker, dt, rounds) for dt in dtypes}
    peak_worker.close()
    log("  peak (NumPy @, 2048²): " + ", ".join(f"{dt} {p:.1f} GFLOP/s" for dt, p in peaks.items()))
    out = []
    try:
        for name in configs:
            for dt in dtypes:
                t0 = time.perf_counter()
                c = run_config(CONFIGS[name], dt, workers, rounds, peaks[dt], quick)
                out.append(c)
                log(
                    f"  {name:11s} {dt}: bp {c['median']['bp']:.4g} s/epoch; "
                    + ", ".join(f"bp/{k} {v:.2f}" for k, v in c["ratio"].items())
                    + f" ({time.perf_counter() - t0:.0f} s)"
                )
    finally:
        for w in workers.values():
            w.close()
    return {"threads": threads, "peak_gflops": peaks, "worker_threads": seen, "configs": out}


# ------------------------------------------------------------------ machine, targets, driver
def machine(tables: list[dict]) -> dict:
    info = measure.machine_summary()
    pools = {k: v["pools"] for t in tables[:1] for k, v in t["worker_threads"].items()}
    torch_info = next(
        (v["torch"] for t in tables for v in t["worker_threads"].values() if "torch" in v), None
    )
    numpy_blas = next(
        (
            f"{p['internal_api']} {p['version']} ({p['architecture']} kernels)"
            for p in pools.get("bp", [])
            if "numpy" in (p.get("filepath") or "")
        ),
        info["blas"],
    )

    def git(*a: str) -> str:
        return subprocess.run(
            ["git", *a], cwd=HERE.parent, capture_output=True, text=True
        ).stdout.strip()

    import sklearn

    info.update(
        {
            "numpy_blas": numpy_blas,
            "scikit-learn": sklearn.__version__,
            "torch": torch_info and torch_info["version"],
            "torch_blas": torch_info and torch_info["blas"],
            "threadpools": pools,
            "commit": git("rev-parse", "--short", "HEAD"),
            "bp_modified": bool(git("status", "--porcelain", "bp")),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        }
    )
    return info


def targets(result: dict) -> list[dict]:
    """The targets of issue #14 (full thread count) and those of #6 (1 thread)."""
    out = []

    def add(what: str, value: float, limit: float, at_least: bool = False) -> None:
        met = value >= limit if at_least else value <= limit
        out.append(
            {
                "target": what,
                "value": float(value),
                "limit": limit,
                "at_least": at_least,
                "met": bool(met),
            }
        )

    full, *rest = result["tables"]
    for c in full["configs"]:
        tag, r = f"{c['config']} {c['dtype']}, {full['threads']} threads", c["ratio"]
        if "torch" in r:
            add(
                f"bp/torch ≤ {1.05 if c['config'] == 'large' else 1.0}, {tag}",
                r["torch"],
                1.05 if c["config"] == "large" else 1.0,
            )
        add(f"bp/bare ≤ 1.1, {tag}", r["bare"], 1.1)
        if c["config"] == "large":
            add(f"matrix products ≥ 85% of the step, {tag}", 1 / r["products"], 0.85, True)
    for table in rest:
        for c in table["configs"]:
            if c["config"] not in OLD_CONFIGS:
                continue
            tag, r = f"{c['config']} {c['dtype']}, 1 thread", c["ratio"]
            add(f"bp/sklearn ≤ 1.0, {tag}", r["sklearn"], 1.0)
            if "torch" in r:
                limit = 1.2 if c["config"] == "large" else 1.0
                add(f"bp/torch ≤ {limit}, {tag}", r["torch"], limit)
            if c["config"] == "large":
                add(f"share of matmul peak ≥ 60%, {tag}", c["share_of_peak"]["bp"], 0.6, True)
    for g in result.get("gradient_forward", []):
        add(f"gradient/forward ≤ 3.2, large {g['dtype']}, 1 thread", g["ratio"], 3.2)
    for m in result.get("memory", []):
        add(f"peak memory ≤ 1.5 × need, large {m['dtype']}", m["ratio"], 1.5)
    return out


def run(
    *,
    quick: bool,
    threads: list[int],
    configs: list[str],
    dtypes: list[str],
    use_torch: bool,
    extras: bool,
) -> dict:
    from threadpoolctl import threadpool_limits

    has_torch = importlib.util.find_spec("torch") is not None
    if use_torch and not has_torch:
        log("PyTorch is not installed: left out (see benchmarks/README.md to add it)")
    names = [k for k in ORDER if k != "torch" or (use_torch and has_torch)]
    started = time.perf_counter()
    result: dict = {
        "benchmark": "training",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "quick": quick,
        "clock": "wall",
        "learning_rate": LEARNING_RATE,
        "peak_size": PEAK_SIZE,
        "contenders": names,
        "isolation": "each contender in its own worker process; "
        "libraries keep their default thread wait policies; an untimed pause before each turn",
        "pause_seconds": PAUSE_SECONDS,
        "load_average_at_start": list(os.getloadavg()),
        "tables": [],
    }
    for t in threads:
        rounds = ROUNDS["quick"] if quick else ROUNDS["full" if t == threads[0] else "one"]
        result["tables"].append(run_table(t, configs, dtypes, names, rounds, quick))
    result["machine"] = machine(result["tables"])
    if extras:
        with threadpool_limits(limits=1):
            log("\nat 1 thread: gradient / forward, memory ...")
            if "large" in configs:
                result["gradient_forward"] = [
                    beside.gradient_forward(d, 2 if quick else 5) for d in dtypes
                ]
                result["memory"] = [beside.memory(d) for d in dtypes]
        result["profile"], result["ablation"], result["row_blocks"] = [], [], []
        for t in threads:
            with threadpool_limits(limits=t):
                log(f"profile of bp.train and what each change bought, {t} thread(s) ...")
                for name in ("large", "small"):
                    if name not in configs:
                        continue
                    for d in dtypes if name == "large" else dtypes[:1]:
                        p = beside.profile_step(CONFIGS[name], d, 1 if quick else 2)
                        result["profile"].append({**p, "threads": t})
                    a = beside.ablation(CONFIGS[name], dtypes[0], 2 if quick else 4)
                    result["ablation"].append({**a, "threads": t})
                if t > 1:
                    result["row_blocks"] = [beside.row_blocks(d, 2 if quick else 7) for d in dtypes]
        result["same_job"] = beside.same_job("torch" in names)
    result["targets"] = targets(result)
    result["load_average_at_end"] = list(os.getloadavg())
    result["seconds"] = time.perf_counter() - started
    return result


# ------------------------------------------------------------------ report
def table(result: dict) -> str:
    lines = []
    for tab in result["tables"]:
        names = [
            k
            for k in ("bp", "bare", "sklearn", "torch", "products")
            if k in tab["configs"][0]["median"]
        ]
        head = [
            "configuration",
            "dtype",
            *(f"{k} s" for k in names),
            *(f"bp/{k}" for k in names[1:]),
            "bp %peak",
            "order",
        ]
        rows = []
        for c in tab["configs"]:
            med = c["median"]
            listed, reversed_ = c["by_order"]["bp"]
            rows.append(
                [
                    c["config"],
                    c["dtype"][5:],
                    *(f"{med[k]:.4f}" for k in names),
                    *(f"{c['ratio'][k]:.2f}" for k in names[1:]),
                    f"{c['share_of_peak']['bp']:.0%}",
                    f"{listed / reversed_ - 1:+.0%}",
                ]
            )
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]

        def fmt(row: list[str], widths: list[int] = widths) -> str:
            return " ".join(
                c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))
            )

        lines += [
            f"\nSeconds per epoch at {tab['threads']} thread(s): wall clock, median of "
            f"{tab['configs'][0]['rounds']} interleaved rounds; bp/x = bp's time / x's; "
            "order = bp after PyTorch / bp not after it, - 1",
            fmt(head),
            fmt(["-" * w for w in widths]),
            *map(fmt, rows),
        ]
    for g in result.get("gradient_forward", []):
        lines.append(
            f"gradient/forward, large {g['dtype']}, 1 thread: {g['ratio']:.2f} "
            f"(multiply-adds: {g['counted']:.2f})"
        )
    for m in result.get("memory", []):
        lines.append(
            f"peak memory, large {m['dtype']}: {m['peak_bytes'] / 2**20:.1f} MiB, "
            f"{m['ratio']:.2f} × the need of {m['need_bytes'] / 2**20:.1f} MiB"
        )
    if "same_job" in result:
        lines.append(
            "same arithmetic (relative difference to bp after one epoch): "
            + ", ".join(f"{k} {v:.1e}" for k, v in result["same_job"].items())
        )
    for p in result.get("profile", []):
        top = list(p["self_seconds"].items())[:5]
        lines.append(
            f"profile {p['config']} {p['dtype']}, {p['threads']} thr, "
            f"{p['step_seconds'] * 1e3:.3f} ms/step, self time: "
            + ", ".join(f"{k} {v / p['step_seconds']:.0%}" for k, v in top)
        )
    for a in result.get("ablation", []):
        lines.append(
            f"undone, {a['config']} {a['dtype']}, {a['threads']} thr (time / bp.train's): "
            + ", ".join(f"{k} {v:.2f}" for k, v in a["factor"].items() if k != "bp.train")
        )
    for r in result.get("row_blocks", []):
        lines.append(
            f"σ of 512 × 1024 {r['dtype']}, one thread / two row blocks: alone "
            f"{r['alone']:.2f}, after a matrix product {r['after_product']:.2f}"
        )
    lines.append("\ntargets:")
    for t in result["targets"]:
        value = f"{t['value']:.0%}" if t["at_least"] else f"{t['value']:.2f}"
        lines.append(f"  {'pass' if t['met'] else 'FAIL'}  {t['target']}: {value}")
    return "\n".join(lines)
