"""Execute one or more chapters quickly, outside the book's build, and report what failed.

    .venv/bin/python tools/run_chapter.py book/costs.md [book/forward.md ...]

Each chapter is read with jupytext and run by nbclient in ``book/`` (as the build runs it),
cell by cell; the first cell that raises is shown with its source and traceback. It prints
every glued text value, so the prose's words can be checked against the data, and the time
taken. A full ``make book`` is still what decides (Sphinx warnings, cross-references).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jupytext
import nbclient
from nbclient.exceptions import CellExecutionError

BOOK = Path(__file__).resolve().parents[1] / "book"


def run(path: Path) -> bool:
    nb = jupytext.read(path)
    start = time.monotonic()
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        print(f"FAILED {path.name} after {time.monotonic() - start:.0f} s:\n{exc}")
        return False
    print(f"ok {path.name}: {len(nb.cells)} cells in {time.monotonic() - start:.0f} s")
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            glue = out.get("metadata", {}).get("scrapbook", {}).get("name")
            text = out.get("data", {}).get("application/papermill.record/text/plain")
            if glue and text:
                print(f"  glue {glue} = {text[:100]}")
    return True


if __name__ == "__main__":
    paths = [Path(p).resolve() for p in sys.argv[1:]]
    if not paths:
        sys.exit(__doc__)
    results = [run(p) for p in paths]  # every chapter runs, even after one fails
    sys.exit(0 if all(results) else 1)
