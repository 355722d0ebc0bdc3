"""Full-size measurements for the chapters "Why backpropagation is efficient" and
"Backprop beyond layers" (the chapters' live cells use small sizes).

Run:  python benchmarks/efficiency.py [--quick] [--output DIR]

Writes DIR/efficiency.json (default DIR = benchmarks/results) with a description of the
machine, and the plots DIR/efficiency_time.png, DIR/efficiency_memory.png and
DIR/efficiency_jacobian.png (if matplotlib is installed). Takes a few minutes on two
cores; --quick runs reduced sizes in well under a minute (a smoke test, not for
publication).

What is measured (processor time of this process, BLAS on one thread, glibc's allocator
told to keep freed memory, methods interleaved, fastest of several rounds):

* time per gradient of the curve network [1, h, 1] on m points, against W = 2h, for
  backpropagation, one-sided finite differences and forward mode, with log–log slopes
  (theory: 1, 2, 2); the naive methods are measured on whole gradients only;
* gradient time / forward time for wide, deep ReLU networks on a large batch
  (theory: 3 − n_1 n_0 / W, 2.75 for four equal layers);
* the speed-up of backpropagation over finite differences at the largest size where
  both are measured, and the fitted lines' extrapolations to a million weights
  (marked as extrapolated);
* peak memory (tracemalloc) of one gradient against depth and batch size, plain and
  checkpointed, and the checkpointing trade-off (memory and time against the segment
  length k);
* the time of a full Jacobian by forward and by reverse mode with bp.autodiff.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
import time
from pathlib import Path

import numpy as np

import bp
from bp import autodiff as ad
from bp import checkpoint, measure, opcount

HERE = Path(__file__).resolve().parent


def log(msg: str) -> None:
    print(msg, flush=True)


def timing_slopes(quick: bool) -> dict:
    m = 2000 if quick else 4000
    naive_widths = [16, 32, 64] if quick else [16, 32, 64, 128, 256]
    bp_widths = [16, 32, 64, 128, 256] if quick else [16, 32, 64, 128, 256, 512, 1024, 2048]
    repeat = 2 if quick else 5
    X, Y = bp.data.curve(m, seed=0)
    times: dict[str, dict[int, float]] = {
        "backprop": {}, "forward pass": {}, "finite differences": {}, "forward mode": {}}
    for h in bp_widths:
        net = bp.Network([1, h, 1], ["tanh", "identity"], "quadratic", seed=0)
        funcs = {"backprop": lambda: net.backprop(X, Y), "forward pass": lambda: net.feedforward(X)}
        calls = max(1, 2048 // h)
        number = {"backprop": calls, "forward pass": calls}
        if h in naive_widths:
            funcs["finite differences"] = lambda: bp.finite_difference_gradient(
                net, X, Y, method="forward")
            funcs["forward mode"] = lambda: bp.forward_mode_gradient(net, X, Y)
            number.update({"finite differences": 1, "forward mode": 1})
        res = measure.time_interleaved(funcs, repeat=repeat, number=number, clock="process")
        for k, t in res.items():
            times[k][h] = t.best
        log(f"  h = {h:5d}: " + ", ".join(f"{k} {t.best:.3g} s" for k, t in res.items()))
    fits = {}
    for k, d in times.items():
        hs = sorted(d)
        W = [opcount.n_weights([1, h, 1]) for h in hs]
        fits[k] = measure.loglog_fit(W, [d[h] for h in hs])
    h_top = naive_widths[-1]
    W_top = opcount.n_weights([1, h_top, 1])

    def predict(k, W):
        s, b = fits[k]
        return float(np.exp(b) * W**s)

    return {
        "family": "[1, h, 1], tanh hidden, identity output, quadratic cost, bp.data.curve",
        "m": m,
        "repeat": repeat,
        "clock": "process",
        "times": {k: {str(opcount.n_weights([1, h, 1])): t for h, t in sorted(d.items())}
                  for k, d in times.items()},
        "slopes": {k: f[0] for k, f in fits.items()},
        "intercepts": {k: f[1] for k, f in fits.items()},
        "speedup": {"W": W_top, "value": times["finite differences"][h_top] / times["backprop"][h_top],
                    "measured": True},
        "extrapolated_to_1e6_weights_seconds": {
            k: predict(k, 1e6) for k in ("backprop", "finite differences", "forward mode")},
    }


def gradient_forward_ratio(quick: bool) -> dict:
    rng = np.random.default_rng(0)
    configs = [([256] * 5, 1024)] if quick else [([256] * 5, 1024), ([512] * 5, 1024),
                                                 ([1024] * 5, 512)]
    out = []
    for sizes, m in configs:
        net = bp.Network(sizes, ["relu"] * (len(sizes) - 2) + ["identity"], "quadratic", seed=0)
        X, Y = rng.standard_normal((m, sizes[0])), rng.standard_normal((m, sizes[-1]))
        t = measure.time_interleaved({"forward": lambda: net.feedforward(X),
                                      "gradient": lambda: net.backprop(X, Y)},
                                     repeat=3 if quick else 7, clock="process")
        ratio = t["gradient"].best / t["forward"].best
        counted = opcount.gradient_macs(sizes, m) / opcount.forward_macs(sizes, m)
        log(f"  {sizes} m={m}: gradient/forward {ratio:.2f} (counted {counted:.2f})")
        out.append({"sizes": sizes, "m": m, "measured": ratio, "counted": counted,
                    "forward_s": t["forward"].best, "gradient_s": t["gradient"].best})
    return {"runs": out, "measured": out[-1]["measured"], "counted": out[-1]["counted"]}


def memory(quick: bool) -> dict:
    rng = np.random.default_rng(0)
    width, m = 64, 1024
    depths = [2, 4, 8, 16] if quick else [2, 4, 8, 16, 32, 64, 128]
    by_depth = []
    for L in depths:
        net = bp.Network([width] * (L + 1), "relu", "quadratic", seed=0)
        X, Y = rng.standard_normal((m, width)), rng.standard_normal((m, width))
        _, plain = measure.peak_memory(lambda: net.backprop(X, Y))
        _, ck = measure.peak_memory(lambda: checkpoint.checkpointed_backprop(net, X, Y))
        by_depth.append({"L": L, "plain_bytes": plain, "checkpointed_bytes": ck,
                         "every": checkpoint.default_every(L)})
        log(f"  L = {L:3d}: plain {plain / 2**20:.1f} MiB, checkpointed {ck / 2**20:.1f} MiB")
    by_batch = []
    net = bp.Network([width] * 9, "relu", "quadratic", seed=0)
    for mb in ([128, 256, 512] if quick else [128, 256, 512, 1024, 2048, 4096]):
        X, Y = rng.standard_normal((mb, width)), rng.standard_normal((mb, width))
        _, plain = measure.peak_memory(lambda: net.backprop(X, Y))
        by_batch.append({"m": mb, "plain_bytes": plain})
    L = 16 if quick else 64
    net = bp.Network([width] * (L + 1), "tanh", "quadratic", seed=1)
    X, Y = rng.standard_normal((m, width)), rng.standard_normal((m, width))
    ks = [k for k in (1, 2, 4, 8, 16, 32, 64) if k <= L]
    funcs = {k: (lambda k=k: checkpoint.checkpointed_backprop(net, X, Y, every=k)) for k in ks}
    t = measure.time_interleaved(funcs, repeat=3, clock="process")
    trade = []
    for k in ks:
        _, peak = measure.peak_memory(funcs[k])
        trade.append({"every": k, "peak_bytes": peak, "seconds": t[k].best,
                      "macs": checkpoint.checkpoint_macs(net.sizes, m, k),
                      "stored_floats": checkpoint.stored_floats(net.sizes, m, k)})
        log(f"  L = {L}, k = {k:2d}: {peak / 2**20:.1f} MiB, {t[k].best * 1e3:.1f} ms")
    return {"width": width, "m": m, "by_depth": by_depth, "by_batch": by_batch,
            "checkpoint_tradeoff": {"L": L, "runs": trade},
            "slope_depth": measure.loglog_fit([r["L"] for r in by_depth],
                                              [r["plain_bytes"] for r in by_depth])[0],
            "slope_batch": measure.loglog_fit([r["m"] for r in by_batch],
                                              [r["plain_bytes"] for r in by_batch])[0]}


def jacobians(quick: bool) -> dict:
    rng = np.random.default_rng(0)
    sizes = [10, 30, 100, 300] if quick else [10, 30, 100, 300, 1000, 3000]
    out = {"many_inputs": [], "many_outputs": []}

    def make(n, m, hidden=50):
        A = ad.constant(rng.standard_normal((hidden, n)) / np.sqrt(n))
        B = ad.constant(rng.standard_normal((m, hidden)) / np.sqrt(hidden))
        return lambda x: B @ (A @ x).tanh()

    for k in sizes:
        for case, (n, m) in (("many_inputs", (k, 10)), ("many_outputs", (10, k))):
            f, x0 = make(n, m), rng.standard_normal(n)
            t = measure.time_interleaved({"forward": lambda: ad.jacobian_forward(f, x0),
                                          "reverse": lambda: ad.jacobian_reverse(f, x0)},
                                         repeat=3, clock="process")
            out[case].append({"n": n, "m": m, "forward_s": t["forward"].best,
                              "reverse_s": t["reverse"].best})
        log(f"  size {k}: done")
    return out


def counts() -> list:
    rows = []
    for sizes in ([64, 4, 10], [64, 30, 10], [784, 30, 10], [784, 100, 10],
                  [784, 300, 100, 10], [784, 1000, 200, 10]):
        rows.append({"sizes": sizes, "W": opcount.n_weights(sizes),
                     "P": opcount.n_parameters(sizes),
                     "forward": opcount.forward_macs(sizes),
                     "gradient": opcount.gradient_macs(sizes),
                     "finite_difference_one_sided": opcount.finite_difference_macs(
                         sizes, method="forward"),
                     "forward_mode": opcount.forward_mode_macs(sizes)})
    return rows


def plots(result: dict, outdir: Path) -> list[str]:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover
        log("matplotlib not installed: no plots")
        return []
    made = []

    def save(fig, name: str) -> None:
        fig.tight_layout()
        fig.savefig(outdir / name, dpi=110, facecolor="white")
        plt.close(fig)
        made.append(name)

    tm = result["timing"]
    fig, ax = plt.subplots(figsize=(7, 4.5), facecolor="white")
    Wl = np.logspace(1.3, 6, 60)
    for k, color in (("backprop", "C0"), ("finite differences", "C3"), ("forward mode", "C1")):
        W = np.array([int(w) for w in tm["times"][k]])
        t = np.array(list(tm["times"][k].values()))
        s, b = tm["slopes"][k], tm["intercepts"][k]
        ax.loglog(W, t, "o", color=color, label=f"{k}: measured, slope {s:.2f}")
        inside = (Wl >= W.min()) & (Wl <= W.max())
        ax.loglog(Wl[inside], np.exp(b) * Wl[inside] ** s, "-", color=color)
        ax.loglog(Wl[Wl >= W.max()], np.exp(b) * Wl[Wl >= W.max()] ** s, "--", color=color,
                  alpha=0.7)
    ax.set_xlabel("number of weights W")
    ax.set_ylabel("processor time per gradient (s)")
    ax.set_title(f"1–h–1 network, m = {tm['m']}: measured (points), extrapolated (dashed)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    save(fig, "efficiency_time.png")

    mem = result["memory"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4), facecolor="white")
    a1.loglog([r["L"] for r in mem["by_depth"]], [r["plain_bytes"] / 2**20 for r in mem["by_depth"]],
              "o-", label="plain")
    a1.loglog([r["L"] for r in mem["by_depth"]],
              [r["checkpointed_bytes"] / 2**20 for r in mem["by_depth"]], "s-",
              label="checkpointed (k ≈ √(L/2))")
    a1.set_xlabel("depth L")
    a1.set_ylabel("peak memory of one gradient (MiB)")
    a1.set_title(f"width {mem['width']}, m = {mem['m']}")
    a1.grid(alpha=0.3, which="both")
    a1.legend()
    tr = mem["checkpoint_tradeoff"]["runs"]
    t0 = tr[-1]["seconds"]
    a2.plot([r["seconds"] / t0 for r in tr], [r["peak_bytes"] / 2**20 for r in tr], "o-")
    for r in tr:
        a2.annotate(f"k={r['every']}", (r["seconds"] / t0, r["peak_bytes"] / 2**20),
                    textcoords="offset points", xytext=(4, 3), fontsize=8)
    a2.set_xlabel("time / plain backprop time")
    a2.set_ylabel("peak memory (MiB)")
    a2.set_title(f"checkpointing, L = {mem['checkpoint_tradeoff']['L']}")
    a2.grid(alpha=0.3)
    save(fig, "efficiency_memory.png")

    jac = result["jacobian"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), facecolor="white", sharey=True)
    for ax, (case, key, label) in zip(axes, (("many_inputs", "n", "number of inputs n (m = 10)"),
                                             ("many_outputs", "m", "number of outputs m (n = 10)"))):
        xs = [r[key] for r in jac[case]]
        ax.loglog(xs, [r["forward_s"] for r in jac[case]], "o-", color="C1", label="forward mode")
        ax.loglog(xs, [r["reverse_s"] for r in jac[case]], "s-", color="C0", label="reverse mode")
        ax.set_xlabel(label)
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("processor time of the Jacobian (s)")
    axes[0].legend()
    save(fig, "efficiency_jacobian.png")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes (smoke test)")
    parser.add_argument("--output", type=Path, default=HERE / "results",
                        help="directory for efficiency.json and the plots")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    measure.limit_blas_threads(1)
    measure.steady_allocator()
    t_start = time.perf_counter()
    result: dict = {
        "benchmark": "efficiency",
        "quick": args.quick,
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": measure.machine_summary(),
        "load_average_at_start": list(getattr(__import__("os"), "getloadavg", lambda: [])()),
    }
    log("time per gradient against W ...")
    result["timing"] = timing_slopes(args.quick)
    result["slopes"] = result["timing"]["slopes"]
    result["speedup"] = result["timing"]["speedup"]
    log("gradient / forward time ...")
    result["gradient_forward_ratio"] = gradient_forward_ratio(args.quick)
    log("memory and checkpointing ...")
    result["memory"] = memory(args.quick)
    log("Jacobians, forward and reverse mode ...")
    result["jacobian"] = jacobians(args.quick)
    result["counts"] = counts()
    result["seconds"] = time.perf_counter() - t_start
    result["plots"] = plots(result, args.output)
    path = args.output / "efficiency.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    log(f"slopes: " + ", ".join(f"{k} {v:.2f}" for k, v in result["slopes"].items()))
    log(f"gradient/forward: {result['gradient_forward_ratio']['measured']:.2f}; "
        f"speed-up at W = {result['speedup']['W']}: {result['speedup']['value']:.0f}")
    log(f"wrote {path} in {result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
