"""The whole book builds from scratch: every chapter executes, with no Sphinx warning.

The build runs the same command as ``make book`` (``jupyter-book build . -W -n
--keep-going``), into a fresh temporary ``--path-output`` so that no execution cache
is reused. A cell that raises, or any Sphinx warning, makes it fail. The built pages
must then work offline: MathJax loaded once from the local vendored copy, and no
script, stylesheet or image fetched from another host.

It takes a minute or two; deselect it with ``pytest -m "not book"``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[1]
# Keep in sync with JB_FLAGS in the Makefile.
JB_FLAGS = ["-W", "-n", "--keep-going"]
BUILD_TIMEOUT_S = 900
# A from-scratch build (all chapters executed) must stay within this budget on CI's 2 cores.
BUILD_BUDGET_S = float(os.environ.get("BOOK_BUILD_BUDGET_S", "180"))
# <link rel=...> values whose href the browser fetches.
LOADED_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest"}


def _jupyter_book() -> list[str]:
    """The jupyter-book command of the environment running the tests."""
    beside = Path(sys.executable).parent / "jupyter-book"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("jupyter-book")
    if found:
        return [found]
    return [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]


def _failure_report(output: str, html: Path) -> str:
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


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """Build the book from scratch; return its _build/html folder and the seconds taken."""
    out = tmp_path_factory.mktemp("book-build")
    cmd = _jupyter_book() + ["build", str(ROOT), "--path-output", str(out), *JB_FLAGS]
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
    html = out / "_build" / "html"
    if proc.returncode != 0:
        pytest.fail(_failure_report(proc.stdout, html), pytrace=False)
    return html, seconds


@pytest.fixture(scope="module")
def html_dir(build: tuple[Path, float]) -> Path:
    return build[0]


class _Loads(HTMLParser):
    """Collect the URLs a page makes the browser load, and its MathJax scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[tuple[str, str]] = []  # (tag, url)
        self.mathjax: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.loaded.append((tag, a["src"]))
            if "mathjax" in a["src"].lower():
                self.mathjax.append(a["src"])
        elif tag == "link" and a.get("href"):
            if LOADED_LINK_RELS & set(a.get("rel", "").lower().split()):
                self.loaded.append((tag, a["href"]))
        elif tag in {"img", "iframe", "audio", "video", "source", "embed"} and a.get("src"):
            self.loaded.append((tag, a["src"]))


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme != "data") or url.startswith("//")


def _pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)


def test_book_builds_and_has_index(html_dir: Path) -> None:
    assert (html_dir / "index.html").is_file()
    assert (html_dir / "book" / "index.html").is_file()


def test_build_within_time_budget(build: tuple[Path, float]) -> None:
    seconds = build[1]
    assert seconds < BUILD_BUDGET_S, (
        f"from-scratch build took {seconds:.0f} s, over the {BUILD_BUDGET_S:.0f} s budget: "
        "move slow computations to benchmarks/ (or cache them as data)"
    )


def test_pages_load_nothing_from_other_hosts(html_dir: Path) -> None:
    external = []
    for page in _pages(html_dir):
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        external += [
            f"{page.relative_to(html_dir)}: <{tag}> {url}"
            for tag, url in parser.loaded
            if _is_external(url)
        ]
    assert not external, "pages load external resources:\n" + "\n".join(external)


def test_stylesheets_fetch_nothing_from_other_hosts(html_dir: Path) -> None:
    remote = re.compile(r"""(url\(\s*['"]?|@import\s+['"])(https?:)?//""", re.IGNORECASE)
    bad = [
        str(css.relative_to(html_dir))
        for css in html_dir.rglob("*.css")
        if remote.search(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not bad, f"stylesheets with remote url()/@import: {bad}"


def test_mathjax_is_local_and_loaded_once(html_dir: Path) -> None:
    with_math = 0
    for page in _pages(html_dir):
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        where = page.relative_to(html_dir)
        assert len(parser.mathjax) <= 1, f"{where}: {len(parser.mathjax)} MathJax scripts"
        for src in parser.mathjax:
            with_math += 1
            assert not _is_external(src), f"{where}: MathJax from {src}"
            target = (page.parent / unquote(urlsplit(src).path)).resolve()
            assert target.is_file(), f"{where}: MathJax script {src} is missing"
            fonts = target.parent / "output" / "chtml" / "fonts" / "woff-v2"
            assert any(fonts.glob("*.woff")), f"MathJax fonts missing in {fonts}"
    assert with_math > 0, "no page loads MathJax: has the book no math, or is mathjax_path broken?"
