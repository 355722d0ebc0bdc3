"""``make bench``: how fast is bp?

    .venv/bin/python benchmarks/run.py [--quick] [--threads all,1] [--configs small,large]
                                        [--dtypes float64] [--no-torch] [--no-efficiency]

1. The training benchmark (``benchmarks/training.py``): the same training job in
   ``bp``, a bare NumPy loop, scikit-learn's ``MLPClassifier`` and PyTorch on the CPU
   (if installed; optional, never installed by ``make bench``), each in its own worker
   process, interleaved, against the step's matrix products alone and NumPy's
   matrix-multiply peak; first at the machine's full thread count, then at 1 thread.
   Prints both tables and the targets, and writes ``benchmarks/results/training.json``
   and ``training.txt``; the book's appendix *How fast is bp?* reads them.
2. Then, if ``benchmarks/efficiency.py`` exists (the gradient-cost measurements of
   Part II), runs it in a fresh process, passing ``--quick`` along.

Threads: each worker sets every BLAS and OpenMP pool to the table's thread count
before NumPy, scikit-learn or PyTorch is loaded (environment variables), then again
with ``threadpoolctl`` and ``torch.set_num_threads``, and reports what each pool uses.

``--quick`` (two rounds, a smoke test) and runs restricted with ``--threads``,
``--configs``, ``--dtypes`` or ``--no-torch`` write to ``benchmarks/results/tmp/``
instead, so that they never replace the committed results.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
from contenders import CONFIGS, pinned_environment  # noqa: E402

CONFIG_NAMES = tuple(CONFIGS)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--quick",
        action="store_true",
        help="fewer rounds (a smoke test; results go to results/tmp/)",
    )
    p.add_argument(
        "--threads",
        default="all,1",
        help="thread counts, one table each (default all,1: the machine's full count, then 1)",
    )
    p.add_argument(
        "--configs",
        default=",".join(CONFIG_NAMES),
        help=f"comma-separated subset of {', '.join(CONFIG_NAMES)}",
    )
    p.add_argument("--dtypes", default="float64,float32")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    p.add_argument(
        "--no-extras",
        action="store_true",
        help="skip memory, gradient/forward, same-arithmetic check and profile",
    )
    p.add_argument("--no-training", action="store_true", help="skip the training benchmark")
    p.add_argument(
        "--no-efficiency",
        action="store_true",
        help="do not run benchmarks/efficiency.py afterwards",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        help="directory for the result files (default: results/, or results/tmp/ "
        "for quick or partial runs)",
    )
    args = p.parse_args(argv)
    args.configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    args.dtypes = [d.strip() for d in args.dtypes.split(",") if d.strip()]
    bad = [c for c in args.configs if c not in CONFIG_NAMES]
    if bad:
        p.error(f"unknown configuration(s) {bad}; choose from {list(CONFIG_NAMES)}")
    bad = [d for d in args.dtypes if d not in ("float64", "float32")]
    if bad:
        p.error(f"unknown dtype(s) {bad}; choose float64 and/or float32")
    cores = os.cpu_count() or 1
    try:
        threads = [cores if t.strip() == "all" else int(t) for t in args.threads.split(",")]
    except ValueError:
        p.error(
            f"--threads must be a comma-separated list of counts or 'all', got {args.threads!r}"
        )
    if any(t < 1 for t in threads):
        p.error("--threads: every count must be at least 1")
    args.threads = list(dict.fromkeys(threads))  # 'all,1' on one core is one table
    full = (
        not args.quick
        and args.configs == list(CONFIG_NAMES)
        and args.threads == list(dict.fromkeys([cores, 1]))
        and args.dtypes == ["float64", "float32"]
        and not args.no_torch
        and not args.no_extras
    )
    if args.output is None:
        args.output = RESULTS if full else RESULTS / "tmp"
    return args


def run_training(args) -> int:
    import training  # after pinning the threads

    result = training.run(
        quick=args.quick,
        threads=args.threads,
        configs=args.configs,
        dtypes=args.dtypes,
        use_torch=not args.no_torch,
        extras=not args.no_extras,
    )
    text = training.table(result)
    print()
    print(text, flush=True)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "training.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False) + "\n"
    )
    m = result["machine"]
    header = (
        f"# {result['date']}, {m['cpu']}, {m['cores']} cores, NumPy's BLAS {m['numpy_blas']}, "
        f"PyTorch {m['torch'] or 'not installed'} ({m['torch_blas']}), load average "
        f"{result['load_average_at_start'][0]:.2f} → {result['load_average_at_end'][0]:.2f}, "
        f"commit {m['commit']}{' (bp modified)' if m['bp_modified'] else ''}\n"
    )
    (args.output / "training.txt").write_text(header + text + "\n")
    print(
        f"\n{header}wrote {args.output / 'training.json'} and training.txt "
        f"({result['seconds']:.0f} s)",
        flush=True,
    )
    return 0


def run_efficiency(args) -> int:
    script = HERE / "efficiency.py"
    if not script.exists():
        print("benchmarks/efficiency.py not found: skipped", flush=True)
        return 0
    cmd = [sys.executable, str(script)]
    source = script.read_text(encoding="utf-8")
    if args.quick and "--quick" in source:
        cmd.append("--quick")
    if "--output" in source:
        cmd += ["--output", str(args.output)]
    print(f"\n$ {' '.join(cmd)}", flush=True)
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, env=pinned_environment(1)).returncode  # it measures at 1 thread
    print(
        f"efficiency.py finished with exit code {rc} ({time.perf_counter() - t0:.0f} s)", flush=True
    )
    return rc


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    rc = 0
    if not args.no_training:
        rc = run_training(args)
    if not args.no_efficiency:
        rc = run_efficiency(args) or rc
    return rc


if __name__ == "__main__":
    sys.exit(main())
