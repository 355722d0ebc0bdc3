"""``make bench``: how fast is bp?

    .venv/bin/python benchmarks/run.py [--quick] [--threads N] [--configs small,large]
                                        [--dtypes float64] [--no-torch] [--no-efficiency]

1. The training benchmark (``benchmarks/training.py``): the same training job in
   ``bp``, scikit-learn's ``MLPClassifier`` and PyTorch on the CPU (if installed; it
   is optional and never installed by ``make bench``), interleaved in one process,
   against NumPy's matrix-multiply peak. Prints a table and writes
   ``benchmarks/results/training.json``, ``training.txt`` (the table) and
   ``training.png``; the book's appendix *How fast is bp?* reads them.
2. Then, if ``benchmarks/efficiency.py`` exists (the gradient-cost measurements of
   Part II), runs it in a fresh process with the same thread pinning, passing
   ``--quick`` along.

Threads: every BLAS and OpenMP pool is pinned to ``--threads`` (default 1) before
NumPy, scikit-learn or PyTorch is imported, so that every contender gets the same
cores; with one thread, times are the processor time of the process, which a busy
shared machine disturbs far less than the wall clock.

``--quick`` (fewer rounds, about two minutes) and runs restricted with ``--configs``,
``--dtypes`` or ``--no-torch`` write to ``benchmarks/results/tmp/`` instead, so that
they never replace the committed results.
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
THREAD_VARIABLES = (
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS",
)
CONFIG_NAMES = ("small", "medium-32", "medium-256", "large")


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="fewer rounds (a smoke test; results go to results/tmp/)")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS/OpenMP threads for every contender (default 1)")
    p.add_argument("--configs", default=",".join(CONFIG_NAMES),
                   help=f"comma-separated subset of {', '.join(CONFIG_NAMES)}")
    p.add_argument("--dtypes", default="float64,float32")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    p.add_argument("--no-extras", action="store_true",
                   help="skip memory, gradient/forward, same-arithmetic check and profile")
    p.add_argument("--no-training", action="store_true", help="skip the training benchmark")
    p.add_argument("--no-efficiency", action="store_true",
                   help="do not run benchmarks/efficiency.py afterwards")
    p.add_argument("--output", type=Path, default=None,
                   help="directory for the result files (default: results/, or results/tmp/ "
                        "for quick or partial runs)")
    args = p.parse_args(argv)
    args.configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    args.dtypes = [d.strip() for d in args.dtypes.split(",") if d.strip()]
    bad = [c for c in args.configs if c not in CONFIG_NAMES]
    if bad:
        p.error(f"unknown configuration(s) {bad}; choose from {list(CONFIG_NAMES)}")
    bad = [d for d in args.dtypes if d not in ("float64", "float32")]
    if bad:
        p.error(f"unknown dtype(s) {bad}; choose float64 and/or float32")
    if args.threads < 1:
        p.error("--threads must be at least 1")
    full = (not args.quick and args.configs == list(CONFIG_NAMES)
            and args.dtypes == ["float64", "float32"] and not args.no_torch and not args.no_extras)
    if args.output is None:
        args.output = RESULTS if full else RESULTS / "tmp"
    return args


def pin_threads(n: int) -> None:
    """Must run before NumPy (or anything that loads a BLAS) is imported."""
    for var in THREAD_VARIABLES:
        os.environ[var] = str(n)


def run_training(args) -> int:
    sys.path.insert(0, str(HERE))
    import training  # noqa: E402  (after pinning the threads)

    result = training.run(quick=args.quick, threads=args.threads, configs=args.configs,
                          dtypes=args.dtypes, use_torch=not args.no_torch,
                          extras=not args.no_extras)
    text = training.table(result)
    print()
    print(text, flush=True)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "training.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    header = (f"# {result['date']}, {result['machine']['cpu']}, commit {result['machine']['commit']}"
              f"{' (bp modified)' if result['machine']['bp_modified'] else ''}\n")
    (args.output / "training.txt").write_text(header + text + "\n")
    made = training.plot(result, args.output / "training.png")
    print(f"\nwrote {args.output / 'training.json'}, training.txt"
          f"{', training.png' if made else ''} ({result['seconds']:.0f} s)", flush=True)
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
    rc = subprocess.run(cmd, env=os.environ.copy()).returncode
    print(f"efficiency.py finished with exit code {rc} ({time.perf_counter() - t0:.0f} s)", flush=True)
    return rc


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    pin_threads(args.threads)
    rc = 0
    if not args.no_training:
        rc = run_training(args)
    if not args.no_efficiency:
        rc = run_efficiency(args) or rc
    return rc


if __name__ == "__main__":
    sys.exit(main())
