"""One from-scratch build of the book per pytest session, shared by the tests that need it.

A test module that needs the built book says ``pytest_plugins = ["book_build"]`` and asks
for the fixture ``book_build`` (or, in a module- or session-scoped fixture, for
``book_build_result`` passed through :func:`require`). Because the plugin is registered once
and the build is a session-scoped fixture, the book is built once per session however many
modules use it (tests/test_book.py checks the build itself, tests/test_browser.py reads the
pages in Chromium).

The build runs the command of ``make book`` (``jupyter-book build . -W -n --keep-going``)
into a fresh temporary ``--path-output``, so no execution cache is reused. A cell that
raises, or any Sphinx warning, fails every test that uses the build; the first one shows the
warnings and the end of the log.

While working on the tests themselves, ``BP_BOOK_HTML=/path/to/_build/html`` reuses a book
built earlier (for example by ``make book BUILD_DIR=/tmp/b``) instead of building one; the
build-time check then skips.

(PYTEST_DONT_REWRITE: the test modules import this module before pytest loads it as a plugin,
and it has no assertions to rewrite.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Keep in sync with JB_FLAGS in the Makefile.
JB_FLAGS = ["-W", "-n", "--keep-going"]
BUILD_TIMEOUT_S = 900
REUSE_ENV = "BP_BOOK_HTML"


@dataclass(frozen=True)
class BookBuild:
    """A built book: its ``_build/html`` folder and how long the build took."""

    html: Path
    seconds: float | None  # None when an earlier build was reused (BP_BOOK_HTML)


def jupyter_book() -> list[str]:
    """The jupyter-book command of the environment running the tests."""
    beside = Path(sys.executable).parent / "jupyter-book"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("jupyter-book")
    if found:
        return [found]
    return [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]


def failure_report(output: str, html: Path) -> str:
    """The warnings and errors of a failed build, the end of its log and its reports."""
    lines = re.sub(r"\x1b\[[0-9;]*m", "", output).splitlines()
    problems = [
        ln
        for ln in lines
        if re.search(r"WARNING|ERROR|CRITICAL|Traceback", ln)
        and "running over TCP without encryption" not in ln  # ipykernel 7 noise
    ]
    parts = ["jupyter-book build failed.", "", "== warnings and errors =="]
    parts += problems[-60:] or ["(none matched)"]
    parts += ["", "== last 120 lines of output =="] + lines[-120:]
    for log in sorted((html / "reports").rglob("*.log")):
        text = log.read_text(errors="replace")
        parts += ["", f"== {log.relative_to(html)} (last 80 lines) =="] + text.splitlines()[-80:]
    return "\n".join(parts)


def build_book(out: Path) -> BookBuild | str:
    """Build the book from scratch under ``out``: the build, or the report of its failure."""
    cmd = jupyter_book() + ["build", str(ROOT), "--path-output", str(out), *JB_FLAGS]
    start = time.monotonic()
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    seconds = time.monotonic() - start
    # Reported, not asserted: a time depends on the machine and its load (timings belong
    # to benchmarks). CI's whole run must stay under 15 minutes; the summary shows the share.
    _build_seconds.append(seconds)
    html = out / "_build" / "html"
    if proc.returncode != 0:
        return failure_report(proc.stdout, html)
    return BookBuild(html=html, seconds=seconds)


_failure_shown = False
_build_seconds: list[float] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line at the end of the run: how long the from-scratch build took."""
    for seconds in _build_seconds:
        terminalreporter.write_line(f"the book's from-scratch build took {seconds:.0f} s")


def require(result: BookBuild | str) -> BookBuild:
    """The build, or fail the calling test: with the full report once, briefly after that."""
    global _failure_shown
    if isinstance(result, BookBuild):
        return result
    if not _failure_shown:
        _failure_shown = True
        pytest.fail(result, pytrace=False)
    pytest.fail("the book did not build: the first test that needed it shows why", pytrace=False)


@pytest.fixture(scope="session")
def book_build_result(tmp_path_factory: pytest.TempPathFactory) -> BookBuild | str:
    """The book, built from scratch once per session (or reused from ``$BP_BOOK_HTML``).

    A failed build is returned as its report rather than raised, so that :func:`require`
    shows the report once instead of once per test.
    """
    reuse = os.environ.get(REUSE_ENV)
    if reuse:
        html = Path(reuse).resolve()
        if not (html / "index.html").is_file():
            return f"{REUSE_ENV}={reuse} holds no built book (no index.html)"
        return BookBuild(html=html, seconds=None)
    return build_book(tmp_path_factory.mktemp("book-build"))


@pytest.fixture
def book_build(book_build_result: BookBuild | str) -> BookBuild:
    """The book built once per session; fails the test if the build failed."""
    return require(book_build_result)
