"""Full-size measurements for the chapters "Why backpropagation is efficient" and
"Backprop beyond layers" (the chapters' live cells use small sizes).

Run:  python benchmarks/efficiency.py [--quick] [--output DIR]

Writes DIR/efficiency.json (default DIR = benchmarks/results) with a description of the
machine and its load average, and the plots DIR/efficiency_time.png,
DIR/efficiency_memory.png and DIR/efficiency_jacobian.png (if matplotlib is installed).
Takes a few minutes on two cores; --quick runs three rounds and stops the slow
methods at the chapter's sizes (a smoke test, not for publication).

What is measured (processor time of this process, BLAS on one thread, glibc's allocator
told to keep freed memory, sizes in a new random order every round, methods alternated,
the median of the rounds with its range):

* time per call against W for the chapter's three families (1–h–1, n–n–n, depth), with
  the chapter's sizes, fit ranges and methods (FAMILIES below must match the chapter's;
  the chapter checks it), more rounds, and the slow methods run beyond the fit range;
  log–log slopes through the medians, with bootstrap 95% intervals, and the slopes of
  the count model over the same sizes;
* gradient time / forward time for wide ReLU networks on a large batch (median of the
  round-by-round ratios; counted: 3 − n_1 n_0 / W);
* peak memory (tracemalloc) and time of one gradient of a 64-layer network for plain
  backpropagation, checkpoints every k layers and the binomial schedule with s slots,
  against the recomputed layer passes;
* the time of a full Jacobian by forward and by reverse mode with bp.autodiff.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

import bp
from bp import autodiff as ad
from bp import checkpoint, measure, opcount

HERE = Path(__file__).resolve().parent
ROUNDS = 7


def log(msg: str) -> None:
    print(msg, flush=True)


def tanh_net(sizes):
    L = len(sizes) - 1
    return bp.Network(sizes, ["tanh"] * (L - 1) + ["identity"], "quadratic", seed=0)


# The chapter's design (book/efficiency.md, section "Measured"): the same families,
# m, fit ranges and rivals; x and slow extend the chapter's sizes. Reasons for the
# fit ranges are given there: below them the fixed cost per NumPy call is a large
# share of a pass; their top is the chapter's time budget for the slow methods.
FAMILIES = {
    "1–h–1": {
        "sizes": lambda h: [1, h, 1],
        "m": 2000,
        "x": [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 512, 1024, 2048, 4096, 8192],
        "slow": 181,
        "fit": (16, 64),
        "rivals": ["finite differences", "forward mode per parameter", "forward mode per neuron"],
    },
    "n–n–n": {
        "sizes": lambda n: [n, n, n],
        "m": 256,
        "x": [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512],
        "slow": 181,
        "fit": (16, 91),
        "rivals": ["forward mode per neuron"],
    },
    "depth": {
        "sizes": lambda L: [32] * (L + 1),
        "m": 256,
        "x": [1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 64, 128],
        "slow": 23,
        "fit": (2, 11),
        "rivals": ["forward mode per neuron"],
    },
}
METHODS = {
    "backprop": lambda net, X, Y: net.backprop(X, Y),
    "forward pass": lambda net, X, Y: net.feedforward(X),
    "forward mode per neuron": bp.neuron_forward_mode_gradient,
    "forward mode per parameter": bp.forward_mode_gradient,
    "finite differences": lambda net, X, Y: bp.finite_difference_gradient(
        net, X, Y, method="forward"
    ),
}
COUNTS = {
    "backprop": opcount.gradient_macs,
    "forward pass": opcount.forward_macs,
    "forward mode per neuron": opcount.neuron_forward_mode_macs,
    "forward mode per parameter": opcount.forward_mode_macs,
    "finite differences": lambda s, m: opcount.finite_difference_macs(s, m, method="forward"),
}
CHAPTER_SLOW = {"1–h–1": 64, "n–n–n": 91, "depth": 11}


def timing_families(quick: bool) -> dict:
    rng = np.random.default_rng(1)
    out = {}
    for fam, d in FAMILIES.items():
        slow = CHAPTER_SLOW[fam] if quick else d["slow"]
        cases, number = {}, {}
        for x in d["x"]:
            s = d["sizes"](x)
            net = tanh_net(s)
            if fam == "1–h–1":
                X, Y = bp.data.curve(d["m"], seed=0)
            else:
                X = rng.standard_normal((d["m"], s[0]))
                Y = rng.standard_normal((d["m"], s[-1]))
            names = ["backprop", "forward pass"] + (d["rivals"] if x <= slow else [])
            cases[x] = {k: (lambda f=METHODS[k], n_=net, X_=X, Y_=Y: f(n_, X_, Y_)) for k in names}
            calls = max(1, 10**6 // opcount.forward_macs(s, d["m"]))
            number[x] = {"backprop": calls, "forward pass": 2 * calls}
        t0 = time.perf_counter()
        res = measure.time_grid(cases, repeat=3 if quick else ROUNDS, number=number, seed=0)
        lo, hi = d["fit"]
        xs = [x for x in d["x"] if lo <= x <= hi]
        W = [opcount.n_weights(d["sizes"](x)) for x in xs]

        def counted(name, d=d, xs=xs):
            return np.array([COUNTS[name](d["sizes"](x), d["m"]) for x in xs])

        slopes, ratio_slopes, times = {}, {}, {}
        for name, by_x in res.items():
            fit = measure.slope_with_ci(W, [by_x[x] for x in xs])
            slopes[name] = [*fit, measure.loglog_fit(W, counted(name))[0]]
            times[name] = {str(x): by_x[x].tolist() for x in sorted(by_x)}
            log(
                f"  {fam:6s} {name:27s} slope {fit[0]:.2f} [{fit[1]:.2f}, {fit[2]:.2f}]"
                f"  counted {slopes[name][3]:.2f}"
            )
        for name in d["rivals"]:  # time of the rival / time of backprop, round by round
            r = [res[name][x] / res["backprop"][x] for x in xs]
            fit = measure.slope_with_ci(W, r)
            ratio_slopes[name] = [
                *fit,
                measure.loglog_fit(W, counted(name) / counted("backprop"))[0],
            ]
            log(
                f"  {fam:6s} {name + ' / backprop':38s} slope {fit[0]:.2f} "
                f"[{fit[1]:.2f}, {fit[2]:.2f}]  counted {ratio_slopes[name][3]:.2f}"
            )
        log(f"  {fam}: {time.perf_counter() - t0:.0f} s")
        out[fam] = {
            "m": d["m"],
            "x": d["x"],
            "slow": slow,
            "fit": list(d["fit"]),
            "rivals": d["rivals"],
            "W": {str(x): opcount.n_weights(d["sizes"](x)) for x in d["x"]},
            "slopes": slopes,
            "ratio_slopes": ratio_slopes,
            "times": times,
        }
    return out


def gradient_forward_ratio(quick: bool) -> dict:
    rng = np.random.default_rng(0)
    configs = (
        [([256] * 5, 1024)] if quick else [([256] * 5, 1024), ([512] * 5, 1024), ([1024] * 5, 512)]
    )
    out = []
    for sizes, m in configs:
        net = bp.Network(sizes, ["relu"] * (len(sizes) - 2) + ["identity"], "quadratic", seed=0)
        X, Y = rng.standard_normal((m, sizes[0])), rng.standard_normal((m, sizes[-1]))
        t = measure.time_interleaved(
            {
                "forward": lambda net=net, X=X: net.feedforward(X),
                "gradient": lambda net=net, X=X, Y=Y: net.backprop(X, Y),
            },
            repeat=3 if quick else ROUNDS,
            clock="process",
        )
        ratio = float(np.median(t["gradient"].times / t["forward"].times))
        counted = opcount.gradient_macs(sizes, m) / opcount.forward_macs(sizes, m)
        log(f"  {sizes} m={m}: gradient/forward {ratio:.2f} (counted {counted:.2f})")
        out.append(
            {
                "sizes": sizes,
                "m": m,
                "measured": ratio,
                "counted": counted,
                "forward_s": t["forward"].median,
                "gradient_s": t["gradient"].median,
            }
        )
    return {"runs": out, "measured": out[-1]["measured"], "counted": out[-1]["counted"]}


def memory(quick: bool) -> dict:
    """Peak memory and time of one gradient against the recomputed layer passes."""
    rng = np.random.default_rng(0)
    width, m = 64, 512
    L = 16 if quick else 64
    net = bp.Network([width] * (L + 1), "tanh", "quadratic", seed=1)
    X, Y = rng.standard_normal((m, width)), rng.standard_normal((m, width))
    funcs, passes = {"plain": lambda: net.backprop(X, Y)}, {"plain": 0}
    for k in (1, 2, 4, 8, 16):
        funcs[f"every {k}"] = lambda k=k: checkpoint.checkpointed_backprop(net, X, Y, every=k)
        passes[f"every {k}"] = checkpoint.checkpoints(L, k)[-1]
    for s in (2, 3, 4, 6, 8, 12, 16):
        funcs[f"binomial {s}"] = lambda s=s: checkpoint.binomial_backprop(net, X, Y, s)
        passes[f"binomial {s}"] = checkpoint.binomial_recomputations(L, s)
    t = measure.time_interleaved(funcs, repeat=3 if quick else 5, clock="process")
    runs = []
    for name, f in funcs.items():
        _, peak = measure.peak_memory(f)
        runs.append(
            {
                "schedule": name,
                "recomputed_passes": passes[name],
                "peak_bytes": peak,
                "seconds_median": t[name].median,
                "seconds_range": [float(t[name].times.min()), float(t[name].times.max())],
            }
        )
        log(
            f"  L = {L}, {name:12s}: {passes[name]:4d} passes, {peak / 2**20:6.1f} MiB, "
            f"{t[name].median * 1e3:7.1f} ms"
        )
    return {"width": width, "m": m, "L": L, "runs": runs}


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
            t = measure.time_interleaved(
                {
                    "forward": lambda f=f, x0=x0: ad.jacobian_forward(f, x0),
                    "reverse": lambda f=f, x0=x0: ad.jacobian_reverse(f, x0),
                },
                repeat=3,
                clock="process",
            )
            out[case].append(
                {"n": n, "m": m, "forward_s": t["forward"].median, "reverse_s": t["reverse"].median}
            )
        log(f"  size {k}: done")
    return out


def counts() -> list:
    rows = []
    for sizes in (
        [64, 4, 10],
        [64, 30, 10],
        [784, 30, 10],
        [784, 100, 10],
        [784, 300, 100, 10],
        [784, 1000, 200, 10],
    ):
        rows.append(
            {
                "sizes": sizes,
                "W": opcount.n_weights(sizes),
                "P": opcount.n_parameters(sizes),
                "forward": opcount.forward_macs(sizes),
                "gradient": opcount.gradient_macs(sizes),
                "finite_difference_one_sided": opcount.finite_difference_macs(
                    sizes, method="forward"
                ),
                "forward_mode": opcount.forward_mode_macs(sizes),
            }
        )
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

    fams = result["families"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    colours = {
        "backprop": "C0",
        "forward pass": "C7",
        "forward mode per neuron": "C2",
        "forward mode per parameter": "C1",
        "finite differences": "C3",
    }
    for ax, (fam, d) in zip(axes, fams.items()):
        lo, hi = d["fit"]
        ax.axvspan(d["W"][str(lo)], d["W"][str(hi)], color="0.92", zorder=0)
        for name, by_x in d["times"].items():
            xs = sorted(by_x, key=int)
            W = np.array([d["W"][x] for x in xs])
            med = np.array([np.median(by_x[x]) for x in xs])
            err = [med - [min(by_x[x]) for x in xs], [max(by_x[x]) for x in xs] - med]
            sl = d["slopes"][name]
            ax.errorbar(
                W,
                med,
                yerr=err,
                fmt="o",
                ms=3,
                color=colours[name],
                label=f"{name}: {sl[0]:.2f} [{sl[1]:.2f}, {sl[2]:.2f}]",
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of weights W")
        ax.set_title(f"{fam}, m = {d['m']} (shaded: fit range)")
        ax.grid(alpha=0.3, which="major")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("processor time per call (s), median and range")
    save(fig, "efficiency_time.png")

    mem = result["memory"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for prefix, colour in (("every", "C2"), ("binomial", "C4"), ("plain", "C0")):
        pts = [r for r in mem["runs"] if r["schedule"].startswith(prefix)]
        ax.plot(
            [max(r["recomputed_passes"], 0.5) for r in pts],
            [r["peak_bytes"] / 2**20 for r in pts],
            "o-",
            color=colour,
            label=prefix,
        )
        for r in pts:
            ax.annotate(
                r["schedule"].split()[-1],
                (max(r["recomputed_passes"], 0.5), r["peak_bytes"] / 2**20),
                textcoords="offset points",
                xytext=(4, 3),
                fontsize=8,
            )
    ax.set_xscale("log")
    ax.set_xlabel("recomputed layer passes (plain drawn at 0.5)")
    ax.set_ylabel("peak memory of one gradient (MiB)")
    ax.set_title(f"{mem['L']} layers of {mem['width']}, m = {mem['m']}")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    save(fig, "efficiency_memory.png")

    jac = result["jacobian"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), facecolor="white", sharey=True)
    for ax, (case, key, label) in zip(
        axes,
        (
            ("many_inputs", "n", "number of inputs n (m = 10)"),
            ("many_outputs", "m", "number of outputs m (n = 10)"),
        ),
    ):
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
    parser.add_argument(
        "--output",
        type=Path,
        default=HERE / "results",
        help="directory for efficiency.json and the plots",
    )
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    measure.limit_blas_threads(1)
    measure.steady_allocator()
    t_start = time.perf_counter()
    machine = measure.machine_summary()
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else []
    log(
        f"{machine['cpu']}, {machine['cores']} cores, NumPy {machine['numpy']} "
        f"({machine['blas']}), BLAS on 1 thread; load average "
        + ", ".join(f"{v:.2f}" for v in load)
    )
    result: dict = {
        "benchmark": "efficiency",
        "quick": args.quick,
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine,
        "threads": 1,
        "load_average": load,
        "rounds": 3 if args.quick else ROUNDS,
        "statistic": "median of the rounds; slopes through the medians with bootstrap 95% "
        "intervals over the rounds",
    }
    log("time per call against W, three families ...")
    result["families"] = timing_families(args.quick)
    log("gradient / forward time ...")
    result["gradient_forward_ratio"] = gradient_forward_ratio(args.quick)
    log("memory and checkpointing ...")
    result["memory"] = memory(args.quick)
    log("Jacobians, forward and reverse mode ...")
    result["jacobian"] = jacobians(args.quick)
    result["counts"] = counts()
    result["load_average_at_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else []
    result["seconds"] = time.perf_counter() - t_start
    result["plots"] = plots(result, args.output)
    path = args.output / "efficiency.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    log(f"gradient/forward: {result['gradient_forward_ratio']['measured']:.2f} (median)")
    log(f"wrote {path} in {result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
